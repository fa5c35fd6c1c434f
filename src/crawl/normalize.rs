//! URL normalisation, so that one page is fetched once: no fragment, no default port, no
//! duplicate slashes, no empty query.

use url::Url;

/// URLs longer than this are crawler traps or junk, not pages.
pub const MAX_URL_LEN: usize = 2048;

pub fn normalize(url: &Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.as_str().len() > MAX_URL_LEN {
        return None;
    }
    let mut url = url.clone();
    url.set_fragment(None);
    if url.query() == Some("") {
        url.set_query(None);
    }
    if url.path().contains("//") {
        let mut path = String::with_capacity(url.path().len());
        for c in url.path().chars() {
            if !(c == '/' && path.ends_with('/')) {
                path.push(c);
            }
        }
        url.set_path(&path);
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(&Url::parse(s).unwrap()).unwrap().to_string()
    }

    #[test]
    fn same_page_same_url() {
        assert_eq!(
            n("HTTPS://Example.NL:443//a//b/?#top"),
            "https://example.nl/a/b/"
        );
        assert_eq!(n("http://example.nl:80/x?q=1#f"), "http://example.nl/x?q=1");
    }

    #[test]
    fn other_schemes_and_huge_urls_are_dropped() {
        assert!(normalize(&Url::parse("mailto:a@b.nl").unwrap()).is_none());
        let long = format!("https://example.nl/{}", "a".repeat(MAX_URL_LEN));
        assert!(normalize(&Url::parse(&long).unwrap()).is_none());
    }
}
