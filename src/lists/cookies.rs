//! Which service a cookie belongs to by its name: the catalogue's `cookies` patterns.

use super::catalogue::{Catalogue, ServiceIdx};

impl Catalogue {
    /// The first service whose cookie patterns match `name` (exactly, or as a prefix where the
    /// pattern ends in `*`).
    pub fn service_for_cookie(&self, name: &str) -> Option<ServiceIdx> {
        self.services.iter().position(|service| {
            service
                .cookies
                .iter()
                .any(|pattern| cookie_name_matches(pattern, name))
        })
    }
}

fn cookie_name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_tracking_cookies_name_their_service() {
        let catalogue = Catalogue::embedded().unwrap();
        let id = |name: &str| {
            catalogue
                .service_for_cookie(name)
                .map(|i| catalogue.services[i].id.as_str())
        };
        assert_eq!(id("_ga"), Some("google-analytics"));
        assert_eq!(id("_ga_ABC123"), Some("google-analytics"));
        assert_eq!(id("_fbp"), Some("meta-pixel"));
        assert_eq!(id("PHPSESSID"), None);
    }
}
