//! Which hosts belong to the institution: the target's registrable domain (eTLD+1, from the
//! public suffix list) on the scheme's default port or the target's own port, or for an IP
//! address or `localhost` exactly that host and port.

use url::{Host, Url};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteScope {
    /// Every host under this registrable domain (subdomains of the institution included), on the
    /// default port of its scheme or on the target's explicit port (the second field): a page
    /// cannot send the crawler to another service of the same host (`:8080/admin`).
    Domain(String, Option<u16>),
    /// Exactly this host and port: IP addresses, `localhost`, served folders.
    Exact { host: String, port: Option<u16> },
}

impl SiteScope {
    pub fn for_url(url: &Url) -> SiteScope {
        match url.host() {
            Some(Host::Domain(domain)) if !is_localhost(domain) => {
                SiteScope::Domain(registrable_domain(domain), url.port())
            }
            _ => SiteScope::Exact {
                host: normalize_host(url.host_str().unwrap_or_default()),
                port: url.port_or_known_default(),
            },
        }
    }

    /// The URL is part of the site to crawl.
    pub fn contains(&self, url: &Url) -> bool {
        match self {
            SiteScope::Domain(_, port) => {
                self.is_first_party(url) && (url.port().is_none() || url.port() == *port)
            }
            SiteScope::Exact { host, port } => {
                self.host_matches(url, host) && url.port_or_known_default() == *port
            }
        }
    }

    /// A request to this URL stays with the institution (no third party receives it).
    pub fn is_first_party(&self, url: &Url) -> bool {
        match self {
            SiteScope::Domain(domain, _) => match url.host() {
                Some(Host::Domain(host)) => registrable_domain(host) == *domain,
                _ => false,
            },
            SiteScope::Exact { host, .. } => self.host_matches(url, host),
        }
    }

    /// The site runs on this machine (a served folder or a test server).
    pub fn is_loopback(&self) -> bool {
        match self {
            SiteScope::Domain(..) => false,
            SiteScope::Exact { host, .. } => {
                is_localhost(host)
                    || host
                        .trim_matches(['[', ']'])
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            }
        }
    }

    fn host_matches(&self, url: &Url, host: &str) -> bool {
        url.host_str().is_some_and(|h| normalize_host(h) == host)
    }
}

/// A hostname as the report shows and compares it: lowercase, without the trailing dot of its
/// fully qualified spelling (`connect.facebook.net.` is `connect.facebook.net`). The one place
/// where hosts are normalised.
pub fn normalize_host(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// The registrable domain (eTLD+1) of a hostname; the hostname itself where the list knows no
/// suffix for it (an IP address, a single label).
pub fn registrable_domain(host: &str) -> String {
    let host = normalize_host(host);
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    psl::domain_str(&host).map(str::to_owned).unwrap_or(host)
}

fn is_localhost(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.to_ascii_lowercase().ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn subdomains_of_the_institution_are_first_party() {
        let scope = SiteScope::for_url(&url("https://www.example-school.nl/"));
        assert_eq!(scope, SiteScope::Domain("example-school.nl".into(), None));
        assert!(scope.contains(&url("https://agenda.example-school.nl/x")));
        assert!(scope.contains(&url("http://agenda.example-school.nl:80/x")));
        assert!(!scope.contains(&url("https://www.googletagmanager.com/gtm.js")));
    }

    #[test]
    fn the_scope_includes_the_port() {
        let scope = SiteScope::for_url(&url("https://www.example-school.nl/"));
        assert!(!scope.contains(&url("http://www.example-school.nl:8080/admin?delete=1")));
        assert!(!scope.contains(&url("https://intranet.example-school.nl:8443/")));
        assert!(scope.is_first_party(&url("https://www.example-school.nl:8443/")));
        let scope = SiteScope::for_url(&url("https://www.example-school.nl:8443/"));
        assert!(scope.contains(&url("https://www.example-school.nl:8443/a")));
        assert!(scope.contains(&url("https://www.example-school.nl/a")));
        assert!(!scope.contains(&url("https://www.example-school.nl:9000/a")));
    }

    #[test]
    fn public_suffixes_are_respected() {
        assert_eq!(registrable_domain("www.school.ac.uk"), "school.ac.uk");
        assert_eq!(registrable_domain("someone.github.io"), "someone.github.io");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
    }

    #[test]
    fn a_loopback_target_is_its_exact_host_and_port() {
        let scope = SiteScope::for_url(&url("http://127.0.0.1:8080/"));
        assert!(scope.is_loopback());
        assert!(scope.contains(&url("http://127.0.0.1:8080/a")));
        assert!(!scope.contains(&url("http://127.0.0.1:9090/a")));
        assert!(scope.is_first_party(&url("http://127.0.0.1:9090/a")));
    }
}
