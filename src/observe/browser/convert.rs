//! From what the browser recorded to the observations every engine produces, so the browser's
//! requests go through the same classification, rules and report as the static reading.

use url::Url;

use super::RenderedPage;
use crate::observe::{BrowserSeen, EvidenceKind, Observation, shorten};

/// Requests of one page turned into observations at most (a page that keeps polling).
const MAX_REQUESTS: usize = 2000;

/// One observation per http(s) request the page, its frames and workers made, at most
/// `MAX_REQUESTS`; and how many were left out.
pub fn browser_observations(page: &RenderedPage) -> (Vec<Observation>, usize) {
    let mut all = page
        .requests
        .iter()
        .zip(&page.chains)
        .enumerate()
        .filter_map(|(element, (request, chain))| {
            let url = Url::parse(&request.url).ok()?;
            if !matches!(url.scheme(), "http" | "https") {
                return None;
            }
            let outcome = match (&request.failure, request.status) {
                (Some(failure), _) => failure.clone(),
                (None, Some(status)) => status.to_string(),
                (None, None) => "no response".to_owned(),
            };
            let mut snippet = format!(
                "{} {} {} → {outcome}",
                request.method, request.resource_type, request.url
            );
            if let Some(frame) = &request.frame {
                snippet.push_str(&format!(" (in {frame})"));
            }
            Some(Observation {
                kind: EvidenceKind::NetworkRequest,
                url: Some(url),
                signature: None,
                snippet: shorten(&snippet, 400),
                consent_gated: false,
                // Past the static reading's element numbers: a request never yields to them.
                element: usize::MAX - element,
                pixel: false,
                browser: Some(BrowserSeen {
                    initiators: chain.clone(),
                    consent: page.consent,
                }),
            })
        });
    let observations: Vec<Observation> = all.by_ref().take(MAX_REQUESTS).collect();
    (observations, all.count())
}

/// The URL a cookie of `domain` (`.example.com` or a host) and `path` is sent to, for
/// first/third-party and service decisions; `None` for a domain that makes no URL.
pub fn cookie_url(domain: &str, path: &str) -> Option<Url> {
    let host = domain.trim_start_matches('.');
    Url::parse(&format!("https://{host}{path}")).ok()
}
