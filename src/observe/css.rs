//! URLs in CSS (`<style>` blocks, `style=""` attributes and same-site stylesheets): `url(…)`,
//! `@import` and the plain strings of `image-set(…)`.

use std::sync::LazyLock;

use regex::Regex;

static CSS_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"#,
    )
    .expect("static regex")
});

/// `image-set(…)` (also `-webkit-image-set`) with its arguments, one level of nested brackets.
static IMAGE_SET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)image-set\(((?:[^()]|\([^()]*\))*)\)"#).expect("static regex")
});

/// A quoted string at the start of an `image-set` option (a `url(…)` is found by [`CSS_URL`]).
static IMAGE_SET_STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?:^|,)\s*(?:"([^"]*)"|'([^']*)')"#).expect("static regex"));

/// An `@import` rule's URL, quoted or in `url(…)`.
static CSS_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)@import\s+(?:url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|"([^"]*)"|'([^']*)')"#,
    )
    .expect("static regex")
});

/// The raw URLs of a piece of CSS's `@import` rules, in order: the stylesheets it pulls in.
pub fn imports_in_css(css: &str) -> Vec<&str> {
    CSS_IMPORT
        .captures_iter(css)
        .filter_map(|caps| (1..=5).find_map(|i| caps.get(i)).map(|m| m.as_str().trim()))
        .filter(|u| !u.is_empty())
        .collect()
}

/// The raw URL references of a piece of CSS, in order.
pub fn urls_in_css(css: &str) -> Vec<&str> {
    // Most style attributes hold no URL at all; skip the regex for them.
    let has_image_set = css.contains("image-set(");
    if !css.contains("url(") && !css.contains("URL(") && !css.contains("@import") && !has_image_set
    {
        return Vec::new();
    }
    let image_sets = IMAGE_SET
        .captures_iter(css)
        .filter_map(|caps| caps.get(1))
        .flat_map(|args| IMAGE_SET_STRING.captures_iter(args.as_str()))
        .filter_map(|caps| (1..=2).find_map(|i| caps.get(i)).map(|m| m.as_str().trim()));
    CSS_URL
        .captures_iter(css)
        .filter_map(|caps| (1..=5).find_map(|i| caps.get(i)).map(|m| m.as_str().trim()))
        .chain(image_sets)
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
            .c { background: url(data:image/png;base64,AAAA) }
            .d { background: image-set("/img/d.avif" type("image/avif"), url("/img/d.jpg") 1x, '/img/d2.png' 2x) }"#;
        assert_eq!(
            urls_in_css(css),
            [
                "https://fonts.googleapis.com/css?family=Roboto",
                "local.css",
                "/img/a.png",
                "https://x.nl/b.jpg",
                "/img/d.jpg",
                "/img/d.avif",
                "/img/d2.png"
            ]
        );
    }
}
