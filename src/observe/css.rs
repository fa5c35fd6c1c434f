//! URLs in CSS (`<style>` blocks and `style=""` attributes): `url(…)` and `@import`.

use std::sync::LazyLock;

use regex::Regex;

static CSS_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"#,
    )
    .expect("static regex")
});

/// The raw URL references of a piece of CSS, in order.
pub fn urls_in_css(css: &str) -> Vec<&str> {
    // Most style attributes hold no URL at all; skip the regex for them.
    if !css.contains("url(") && !css.contains("URL(") && !css.contains("@import") {
        return Vec::new();
    }
    CSS_URL
        .captures_iter(css)
        .filter_map(|caps| (1..=5).find_map(|i| caps.get(i)).map(|m| m.as_str().trim()))
        .filter(|u| !u.is_empty() && !u.starts_with("data:") && !u.starts_with('#'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_imports_and_urls() {
        let css = r#"@import url("https://fonts.googleapis.com/css?family=Roboto");
            @import 'local.css';
            .a { background: url( /img/a.png ) } .b { background-image:url('https://x.nl/b.jpg') }
            .c { background: url(data:image/png;base64,AAAA) }"#;
        assert_eq!(
            urls_in_css(css),
            [
                "https://fonts.googleapis.com/css?family=Roboto",
                "local.css",
                "/img/a.png",
                "https://x.nl/b.jpg"
            ]
        );
    }
}
