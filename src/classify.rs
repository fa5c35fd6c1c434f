//! Classify: host → registrable domain → first or third party → service of the catalogue, or
//! of an external list for a third party the catalogue does not know.

use url::Url;

use crate::lists::{ExternalMatch, Lists, ServiceIdx};
use crate::observe::Observation;
use crate::scope::{SiteScope, normalize_host, registrable_domain};

/// An observation with what the catalogue knows about it.
#[derive(Debug, Clone)]
pub struct Classified {
    pub observation: Observation,
    /// Hostname contacted, lowercased; `None` for a signature in inline code.
    pub host: Option<String>,
    pub domain: Option<String>,
    /// The request leaves the institution.
    pub third_party: bool,
    pub service: Option<ServiceIdx>,
    /// What an external list says about a third-party request no curated service claims.
    pub external: Option<ExternalMatch>,
    pub tracking_id: Option<String>,
}

/// Classify the observations of one page.
pub fn classify_page(
    observations: Vec<Observation>,
    scope: &SiteScope,
    lists: &Lists,
) -> Vec<Classified> {
    // Filter rules with `$third-party` or `$domain=` compare against the page's site; every page
    // of a scan shares the scope's origin.
    let source = if lists.external.is_empty() {
        String::new()
    } else {
        origin_of(scope)
    };
    let mut classified: Vec<Classified> = observations
        .into_iter()
        .map(|o| classify(o, scope, lists, &source))
        .collect();
    drop_superseded(&mut classified, lists);
    classified
}

fn classify(
    observation: Observation,
    scope: &SiteScope,
    lists: &Lists,
    source: &str,
) -> Classified {
    let Some(url) = observation.url.clone() else {
        let hit = observation.signature.clone();
        return Classified {
            observation,
            host: None,
            domain: None,
            third_party: false,
            service: hit.as_ref().map(|h| h.service),
            external: None,
            tracking_id: hit.and_then(|h| h.tracking_id),
        };
    };
    let host = normalize_host(url.host_str().unwrap_or_default());
    let third_party = !scope.is_first_party(&url);
    let (service, tracking_id) = service_of_request(&url, &host, third_party, lists);
    // Only what the catalogue leaves unknown goes to the external lists.
    let checked = third_party && service.is_none() && !lists.external.is_empty();
    let external = if checked {
        let o = &observation;
        lists
            .external
            .check(&url, &host, source, o.kind, &o.snippet)
    } else {
        None
    };
    Classified {
        domain: Some(registrable_domain(&host)),
        host: Some(host),
        third_party,
        service,
        external,
        tracking_id,
        observation,
    }
}

/// An origin URL of the site, as the page address that filter rules compare against.
fn origin_of(scope: &SiteScope) -> String {
    match scope {
        SiteScope::Domain(domain, _) => format!("https://{domain}/"),
        SiteScope::Exact {
            host,
            port: Some(port),
        } => format!("http://{host}:{port}/"),
        SiteScope::Exact { host, port: None } => format!("http://{host}/"),
    }
}

/// The service a request reaches: for a third party, by its host and URL patterns; on any host,
/// by a known loader path with its id (`/gtm.js?id=GTM-…` served by server-side tagging on the
/// institution's own subdomain, `/matomo.js` on a school board's server). A tracking id in the
/// query (or the loader's file name) names the service more precisely when the same
/// organisation runs both (gtag.js with `AW-…` is Google Ads, not Google Analytics).
fn service_of_request(
    url: &Url,
    host: &str,
    third_party: bool,
    lists: &Lists,
) -> (Option<ServiceIdx>, Option<String>) {
    let by_host = third_party
        .then(|| lists.matcher.service_for(host, url.path()))
        .flatten();
    let (service, text) = match by_host {
        Some(service) => (service, url.query().map(str::to_owned)),
        None => match lists.matcher.service_by_path(url.path(), url.query()) {
            Some(service) => (service, Some(url[url::Position::BeforePath..].to_owned())),
            None => return (None, None),
        },
    };
    let Some(text) = text else {
        return (Some(service), None);
    };
    let services = &lists.catalogue.services;
    let hit = lists
        .matcher
        .signatures_in(&text)
        .into_iter()
        .find(|hit| services[service].organization == services[hit.service].organization);
    match hit {
        Some(hit) => (Some(hit.service), hit.tracking_id),
        None => (Some(service), None),
    }
}

/// A signature-only hit (e.g. the Matomo snippet) yields to a service named in `superseded_by`
/// when the same script also reaches that service (Matomo Cloud uses the Matomo snippet).
fn drop_superseded(classified: &mut Vec<Classified>, lists: &Lists) {
    let services = &lists.catalogue.services;
    let superseded: Vec<bool> = classified
        .iter()
        .map(|c| {
            let Some(service) = c.service.filter(|_| c.host.is_none()) else {
                return false;
            };
            let by = &services[service].superseded_by;
            !by.is_empty()
                && classified.iter().any(|other| {
                    other.observation.element == c.observation.element
                        && other
                            .service
                            .is_some_and(|s| by.iter().any(|id| *id == services[s].id))
                })
        })
        .collect();
    let mut keep = superseded.into_iter().map(|s| !s);
    classified.retain(|_| keep.next().unwrap_or(true));
}
