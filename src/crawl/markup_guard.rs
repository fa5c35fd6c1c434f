//! A linear pre-pass over a page's markup before the DOM parse. The HTML5 parser is quadratic in
//! the nesting depth and in the attributes of one element (100,000 nested `<div>` took 25 s; one
//! element with a million attributes did not finish in 5 minutes) and its memory grows with the
//! number of elements. A page over one of the limits below is recorded with an error and not
//! parsed; the crawl goes on.
//!
//! The counts are estimates from a tokenizer that knows comments, raw-text elements (`script`,
//! `style`, `textarea`, `title`…), void elements and the elements whose end tag may be left out
//! (`p`, `li`, `td`…); they are not exact, and the limits are far above real pages.

/// Deepest estimated nesting of elements. Browsers cap the tree (Chromium's parser at 512);
/// real pages stay below 100.
pub const MAX_DEPTH: usize = 4096;
/// Most attributes on one element; real pages stay below 50.
pub const MAX_ATTRIBUTES: usize = 1024;
/// Most elements in one page; a large real page has some 50,000.
pub const MAX_ELEMENTS: usize = 1_000_000;

/// Most `<` that open no tag, comment or end tag (`<<<`, `a < b` in text). The parser handles
/// each as a token of its own: 10 MiB of them took 45 s where 10 MiB of text takes under 1 s
/// (debug build). Real pages write `&lt;` and have a handful at most.
pub const MAX_STRAY_LT: usize = 100_000;

/// Why a page is not parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Pathological {
    #[error("elements nested more than {MAX_DEPTH} deep")]
    TooDeep,
    #[error("an element with more than {MAX_ATTRIBUTES} attributes")]
    TooManyAttributes,
    #[error("more than {MAX_ELEMENTS} elements")]
    TooManyElements,
    #[error("more than {MAX_STRAY_LT} '<' characters that open no tag")]
    TooManyStrayLessThan,
}

impl Pathological {
    /// The failure a page over this limit is recorded with.
    pub fn failure(&self) -> FailureKind {
        let (limit, max) = match self {
            Pathological::TooDeep => (MarkupLimit::Depth, MAX_DEPTH),
            Pathological::TooManyAttributes => (MarkupLimit::Attributes, MAX_ATTRIBUTES),
            Pathological::TooManyElements => (MarkupLimit::Elements, MAX_ELEMENTS),
            Pathological::TooManyStrayLessThan => (MarkupLimit::StrayLessThan, MAX_STRAY_LT),
        };
        FailureKind::NotAnalysed { limit, max }
    }
}

/// The markup without NUL characters. The parser treats each NUL as a token of its own (a parse
/// error, ignored in text, U+FFFD in an attribute value): 10 MiB of NULs took 22 times as long
/// as 10 MiB of text. No URL or tracker signature contains one, so nothing observable is lost.
pub fn without_nul(mut html: String) -> String {
    if html.contains('\0') {
        html.retain(|c| c != '\0');
    }
    html
}

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image",
];
/// Elements whose end tag may be omitted: the parser closes them, they do not pile up.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot",
    "colgroup", "rb", "rt", "rp", "rtc", "caption", "html", "head", "body",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

use memchr::memchr;

use crate::failure::{FailureKind, MarkupLimit};

/// Check a page's markup against the limits, in one pass over its bytes.
pub fn check(html: &str) -> Result<(), Pathological> {
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut stray = 0usize;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        i += offset + 1;
        let rest = &bytes[i..];
        if rest.starts_with(b"!--") {
            i += find(&rest[3..], b"-->").map_or(rest.len(), |end| end + 6);
        } else if rest.starts_with(b"!") || rest.starts_with(b"?") {
            i += memchr(b'>', rest).map_or(rest.len(), |end| end + 1);
        } else if rest.starts_with(b"/") {
            let name = tag_name(&rest[1..]);
            if !name.is_empty() && counts(name) {
                depth = depth.saturating_sub(1);
            }
            i += memchr(b'>', rest).map_or(rest.len(), |end| end + 1);
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let name = tag_name(rest);
            let (attributes, length) = attributes(&rest[name.len()..]);
            if attributes > MAX_ATTRIBUTES {
                return Err(Pathological::TooManyAttributes);
            }
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(Pathological::TooManyElements);
            }
            i += name.len() + length;
            if is_one_of(name, RAW_TEXT) {
                i += end_of_raw_text(&bytes[i..], name);
            } else if name.eq_ignore_ascii_case(b"plaintext") {
                break;
            } else if counts(name) {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Pathological::TooDeep);
                }
            }
        } else {
            stray += 1;
            if stray > MAX_STRAY_LT {
                return Err(Pathological::TooManyStrayLessThan);
            }
        }
    }
    Ok(())
}

/// An element that stays open until its end tag.
fn counts(name: &[u8]) -> bool {
    !is_one_of(name, VOID) && !is_one_of(name, OPTIONAL_END)
}

fn is_one_of(name: &[u8], list: &[&str]) -> bool {
    list.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name))
}

fn tag_name(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
        .unwrap_or(bytes.len());
    &bytes[..end]
}

/// The number of attributes of a start tag whose name has been read, and the bytes up to and
/// including its `>`.
fn attributes(bytes: &[u8]) -> (usize, usize) {
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return (count, i + 1),
            b'/' => i += 1,
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                count += 1;
                // The name, then an optional `= value`.
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b'>' | b'=' | b'/')
                {
                    i += 1;
                }
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if bytes.get(i) != Some(&b'=') {
                    continue;
                }
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        i += 1;
                        i += memchr(quote, &bytes[i..]).map_or(bytes.len() - i, |end| end + 1);
                    }
                    _ => {
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>'
                        {
                            i += 1;
                        }
                    }
                }
            }
        }
    }
    (count, bytes.len())
}

/// The bytes up to and including the end tag of a raw-text element (or to the end).
fn end_of_raw_text(bytes: &[u8], name: &[u8]) -> usize {
    let mut i = 0;
    while let Some(offset) = find(&bytes[i..], b"</") {
        i += offset + 2;
        let rest = &bytes[i..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name) {
            return i + memchr(b'>', rest).map_or(rest.len(), |end| end + 1);
        }
    }
    bytes.len()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_markup_passes() {
        let page = "<!doctype html><html><head><title>a<b</title><script>if (a<b) x('</div>')</script>\
            <style>p > a {}</style></head><body><!-- <div><div> --><ul><li>a<li>b</ul>\
            <p>one<p>two<br><img src=x alt='>' data-x=\"a b\"><div class=a><span>x</span></div></body></html>";
        assert_eq!(check(page), Ok(()));
        let many_paragraphs = "<p>x".repeat(50_000);
        assert_eq!(check(&many_paragraphs), Ok(()));
        let deep_but_fine = "<div>".repeat(1000);
        assert_eq!(check(&deep_but_fine), Ok(()));
    }

    #[test]
    fn pathological_markup_is_found() {
        assert_eq!(check(&"<div>".repeat(100_000)), Err(Pathological::TooDeep));
        assert_eq!(check(&"<b><i>".repeat(5_000)), Err(Pathological::TooDeep));
        let attributes: String = (0..2_000).map(|n| format!(" a{n}=\"v\"")).collect();
        assert_eq!(
            check(&format!("<div{attributes}>")),
            Err(Pathological::TooManyAttributes)
        );
        assert_eq!(
            check(&"<i></i>".repeat(1_100_000)),
            Err(Pathological::TooManyElements)
        );
        assert_eq!(
            check(&"a < b ".repeat(MAX_STRAY_LT + 1)),
            Err(Pathological::TooManyStrayLessThan)
        );
        assert_eq!(check(&"a < b ".repeat(1_000)), Ok(()));
        assert_eq!(without_nul("a\0b\0".into()), "ab");
        // Markup inside a comment or a script is not markup.
        assert_eq!(
            check(&format!("<script>{}</script>", "<div>".repeat(10_000))),
            Ok(())
        );
    }
}
