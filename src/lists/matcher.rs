//! Fast lookups over the catalogue: host and URL patterns by hostname suffix, and all inline-code
//! signatures compiled into one `RegexSet` so a script is scanned once, not once per tracker.

use std::collections::HashMap;

use regex::{Regex, RegexSet};

use super::catalogue::{Catalogue, ServiceIdx};
use crate::error::Error;

/// A URL pattern's path part: a prefix in which `*` matches any run of characters.
#[derive(Debug, Clone)]
struct PathPattern {
    parts: Vec<String>,
}

impl PathPattern {
    fn new(pattern: &str) -> PathPattern {
        PathPattern {
            parts: pattern.split('*').map(str::to_owned).collect(),
        }
    }

    /// The pattern matches from some `/` of `path` on (a loader path under any prefix).
    fn matches_within(&self, path: &str) -> bool {
        path.match_indices('/')
            .any(|(at, _)| self.matches(&path[at..]))
    }

    fn matches(&self, path: &str) -> bool {
        let mut rest = path;
        for (i, part) in self.parts.iter().enumerate() {
            if i == 0 {
                match rest.strip_prefix(part.as_str()) {
                    Some(r) => rest = r,
                    None => return false,
                }
            } else {
                match rest.find(part.as_str()) {
                    Some(at) => rest = &rest[at + part.len()..],
                    None => return false,
                }
            }
        }
        true
    }
}

pub use crate::vocab::SignatureHit;

#[derive(Debug)]
pub struct Matcher {
    hosts: HashMap<String, ServiceIdx>,
    urls: HashMap<String, Vec<(PathPattern, usize, ServiceIdx)>>,
    signature_set: RegexSet,
    signatures: Vec<(Regex, ServiceIdx)>,
    self_hosted: Vec<(String, ServiceIdx)>,
    any_host: Vec<(PathPattern, ServiceIdx)>,
    /// Alias registrable domain → the canonical one (`google.fr` → `google.com`).
    aliases: HashMap<String, String>,
}

impl Matcher {
    pub fn new(catalogue: &Catalogue) -> Result<Matcher, Error> {
        let mut hosts = HashMap::new();
        let mut urls: HashMap<String, Vec<(PathPattern, usize, ServiceIdx)>> = HashMap::new();
        let mut patterns = Vec::new();
        let mut signatures = Vec::new();
        let mut self_hosted = Vec::new();
        let mut any_host = Vec::new();
        for (idx, service) in catalogue.services.iter().enumerate() {
            for host in &service.hosts {
                hosts.entry(host.to_ascii_lowercase()).or_insert(idx);
            }
            for url in &service.urls {
                let (host, path) = match url.find('/') {
                    Some(at) => (&url[..at], &url[at..]),
                    None => (url.as_str(), "/"),
                };
                urls.entry(host.to_ascii_lowercase()).or_default().push((
                    PathPattern::new(path),
                    path.len(),
                    idx,
                ));
            }
            for pattern in &service.signatures {
                let regex = Regex::new(pattern).map_err(|e| Error::List {
                    file: service.id.clone(),
                    message: format!("invalid signature {pattern:?}: {e}"),
                })?;
                patterns.push(pattern.clone());
                signatures.push((regex, idx));
            }
            for path in &service.self_hosted_paths {
                self_hosted.push((path.clone(), idx));
            }
            for path in &service.paths {
                any_host.push((PathPattern::new(path), idx));
            }
        }
        // Longer path patterns are more specific: try them first.
        for list in urls.values_mut() {
            list.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        }
        let signature_set = RegexSet::new(&patterns).map_err(|e| Error::List {
            file: "signatures".into(),
            message: e.to_string(),
        })?;
        Ok(Matcher {
            hosts,
            urls,
            signature_set,
            signatures,
            self_hosted,
            any_host,
            aliases: catalogue
                .aliases
                .iter()
                .flat_map(|a| a.domains.iter().map(|d| (d.clone(), a.canonical.clone())))
                .collect(),
        })
    }

    /// The service that a request to `host` + `path` reaches: URL patterns first (longest host
    /// suffix first), then host patterns (longest suffix first).
    pub fn service_for(&self, host: &str, path: &str) -> Option<ServiceIdx> {
        let canonical = self.canonical_host(host);
        let host = canonical.as_deref().unwrap_or(host);
        let suffixes = || host_suffixes(host);
        for suffix in suffixes() {
            if let Some(list) = self.urls.get(suffix) {
                if let Some((_, _, idx)) = list.iter().find(|(p, _, _)| p.matches(path)) {
                    return Some(*idx);
                }
            }
        }
        suffixes().find_map(|suffix| self.hosts.get(suffix).copied())
    }

    /// The host with an alias domain replaced by its canonical one (`www.google.fr` →
    /// `www.google.com`), or `None` when no alias applies.
    fn canonical_host(&self, host: &str) -> Option<String> {
        if self.aliases.is_empty() {
            return None;
        }
        host_suffixes(host).find_map(|suffix| {
            let canonical = self.aliases.get(suffix)?;
            let prefix = &host[..host.len() - suffix.len()];
            Some(format!("{prefix}{canonical}"))
        })
    }

    /// A path that gives away a self-hosted service (e.g. `/matomo.js`), on any host.
    pub fn self_hosted_service(&self, path: &str) -> Option<ServiceIdx> {
        self.self_hosted
            .iter()
            .find(|(suffix, _)| path.ends_with(suffix.as_str()))
            .map(|(_, idx)| *idx)
    }

    /// The service whose loader this path (and query) is, whatever the host: a known loader
    /// path with its id (`/gtm.js?id=GTM-…`, `/gtag/js?id=G-…`, `hotjar-<id>.js`), or a path
    /// of a self-hostable tool (`/matomo.js`).
    pub fn service_by_path(&self, path: &str, query: Option<&str>) -> Option<ServiceIdx> {
        if let Some(idx) = self.self_hosted_service(path) {
            return Some(idx);
        }
        if self.any_host.is_empty() {
            return None;
        }
        let with_query;
        let target = match query {
            Some(q) => {
                with_query = format!("{path}?{q}");
                with_query.as_str()
            }
            None => path,
        };
        self.any_host
            .iter()
            .find(|(pattern, _)| pattern.matches_within(target))
            .map(|(_, idx)| *idx)
    }

    /// Every signature that matches `text`, found in one pass of the set; the single regexes run
    /// only for the signatures that matched, to extract the tracking ids.
    pub fn signatures_in(&self, text: &str) -> Vec<SignatureHit> {
        let mut hits = Vec::new();
        for i in self.signature_set.matches(text).iter() {
            let (regex, service) = &self.signatures[i];
            for caps in regex.captures_iter(text) {
                let whole = caps.get(0).expect("group 0 always exists");
                let hit = SignatureHit {
                    service: *service,
                    tracking_id: caps.get(1).map(|m| m.as_str().to_owned()),
                    start: whole.start(),
                    end: whole.end(),
                };
                if !hits.iter().any(|h: &SignatureHit| {
                    h.service == hit.service && h.tracking_id == hit.tracking_id
                }) {
                    hits.push(hit);
                }
            }
        }
        hits
    }
}

/// `a.b.example.nl`, `b.example.nl`, `example.nl`, `nl`: most specific first.
fn host_suffixes(host: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(host), |h| h.split_once('.').map(|(_, rest)| rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_pattern_is_a_prefix_with_wildcards() {
        let p = PathPattern::new("/*/fbevents.js");
        assert!(p.matches("/en_US/fbevents.js"));
        assert!(!p.matches("/en_US/sdk.js"));
        assert!(PathPattern::new("/tr").matches("/tr/"));
        assert!(!PathPattern::new("/tr").matches("/plugins/like.php"));
    }

    #[test]
    fn host_suffixes_walk_towards_the_root() {
        let all: Vec<_> = host_suffixes("a.b.example.nl").collect();
        assert_eq!(all, ["a.b.example.nl", "b.example.nl", "example.nl", "nl"]);
    }
}
