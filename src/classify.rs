//! Classify: host → registrable domain → first or third party → service of the catalogue, or
//! of an external list for a third party the catalogue does not know.

use url::Url;

use crate::lists::{ExternalMatch, Lists, ServiceIdx};
use crate::observe::Observation;
use crate::scope::{SiteScope, registrable_domain};

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
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let third_party = !scope.is_first_party(&url);
    let (service, tracking_id) = if third_party {
        service_of_request(&url, &host, lists)
    } else {
        (lists.matcher.self_hosted_service(url.path()), None)
    };
    // Only what the catalogue leaves unknown. A path the catalogue knows as a self-hostable tool
    // (`/matomo.js` on a school board's own server) is not left to a generic filter rule either:
    // that rule says nothing about who runs the host, so it stays an unknown third party.
    let checked = third_party
        && service.is_none()
        && !lists.external.is_empty()
        && lists.matcher.self_hosted_service(url.path()).is_none();
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

/// The service a third-party request reaches. A tracking id in the query names the service
/// more precisely than the host when the same organisation runs both (gtag.js with `AW-…` is
/// Google Ads, not Google Analytics).
fn service_of_request(
    url: &Url,
    host: &str,
    lists: &Lists,
) -> (Option<ServiceIdx>, Option<String>) {
    let by_host = lists.matcher.service_for(host, url.path());
    let Some(query) = url.query() else {
        return (by_host, None);
    };
    let services = &lists.catalogue.services;
    let hit = lists.matcher.signatures_in(query).into_iter().find(|hit| {
        by_host.is_none_or(|s| services[s].organization == services[hit.service].organization)
    });
    match hit {
        Some(hit) if by_host.is_some() => (Some(hit.service), hit.tracking_id),
        _ => (by_host, None),
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
