//! Static observation of an HTML page: one parse, one walk over the elements.

use std::collections::VecDeque;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, node::Element};
use url::Url;

use super::css::{imports_in_css, urls_in_css};
use super::script::{UrlUse, redact_userinfo, urls_in_script};
use super::shapes::{
    ConsentMarker, ScriptType, UrlForm, consent_marker, is_consent_type, script_type, url_attribute,
};
use super::{EvidenceKind, Form, Observation, PageObservations, shorten};
use crate::lists::Matcher;

const SNIPPET_MAX: usize = 240;
/// A raw attribute longer than this is no URL a browser would load (data: blobs, junk).
const RAW_URL_MAX: usize = 8192;

/// Link texts and targets that point to a privacy statement, in Dutch and English.
static PRIVACY_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)privacy|gegevensbescherming|persoonsgegevens|datenschutz")
        .expect("static regex")
});

/// Link texts and targets that point to a cookie statement ("cookieverklaring", "cookiebeleid",
/// "cookie policy", "Cookies"); not the buttons that open a consent manager's settings.
static COOKIE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)cookie[-_ ]?(verklaring|beleid|polic|statement|notice|declaration|informatie|info\b)|\bcookies\b",
    )
    .expect("static regex")
});

/// Whether a link (its target and its text) names a cookie statement.
pub(crate) fn names_cookie_statement(href: &str, text: &str) -> bool {
    COOKIE_LINK.is_match(href) || COOKIE_LINK.is_match(text)
}

/// Form fields that ask for personal data, by name, id, autocomplete or placeholder.
static PERSONAL_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)e-?mail|naam|name|phone|telefoon|tel\b|mobiel|adres|address|postcode|zip|geboorte|birth|bsn|leerling|student",
    )
    .expect("static regex")
});

/// Documents inside the page (`<noscript>` content, `<iframe srcdoc>`) are observed to this depth;
/// deeper ones are skipped. Browsers render a noscript inside a noscript as text anyway, and a
/// srcdoc frame nested three deep is no real site's way to load a tracker.
pub const MAX_NESTED_DOCUMENTS: usize = 3;

/// Observations (URLs contacted, form actions, signatures in inline code) kept per page, nested
/// documents included; the rest are counted. A real page makes a few hundred requests at most; a
/// hostile one can name 250,000 hosts, which would cost about a gigabyte to classify and report.
pub const MAX_OBSERVATIONS_PER_PAGE: usize = 10_000;

/// Observe one HTML document fetched from `page_url`, and the documents nested in it.
pub fn observe_html(html: &str, page_url: &Url, matcher: &Matcher) -> PageObservations {
    let mut walker = Walker {
        matcher,
        base: None,
        raw: Vec::new(),
        out: PageObservations::default(),
        element_count: 0,
        observations: 0,
        last_snippet: None,
        nested: VecDeque::new(),
    };
    let document = Html::parse_document(html);
    walker.walk(&document, 0);
    drop(document);
    // Nested documents wait in a work list, not on the thread's stack: a page of thousands of
    // nested `<noscript>` elements costs at most MAX_NESTED_DOCUMENTS parses of its text.
    while let Some(nested) = walker.nested.pop_front() {
        let document = match nested.kind {
            NestedKind::Noscript => Html::parse_fragment(&nested.html),
            NestedKind::Srcdoc => Html::parse_document(&nested.html),
        };
        walker.walk(&document, nested.depth);
    }
    walker.finish(page_url)
}

/// A document inside the page, waiting to be observed.
struct Nested {
    html: String,
    kind: NestedKind,
    /// 1 for a document in the page itself, 2 for one inside that, …
    depth: usize,
}

enum NestedKind {
    /// `<noscript>` content: a parser with scripting on keeps it as text.
    Noscript,
    /// `<iframe srcdoc>`: a whole document in an attribute.
    Srcdoc,
}

/// A URL reference as written in the page, resolved once the `<base href>` is known.
struct RawRef {
    target: RefTarget,
    raw: String,
    snippet: String,
    consent_gated: bool,
    element: usize,
    pixel: bool,
}

enum RefTarget {
    Contact(EvidenceKind),
    Link,
    PrivacyLink,
    CookieLink,
    /// A `<link rel=stylesheet>`: read later for what it loads, if it is the site's own.
    Stylesheet,
    Form {
        personal_data: bool,
    },
}

struct Walker<'m> {
    matcher: &'m Matcher,
    base: Option<String>,
    raw: Vec<RawRef>,
    out: PageObservations,
    element_count: usize,
    /// Observations taken so far (contacts, form actions, signatures), against the cap.
    observations: usize,
    /// The snippet of the element seen last, by its number.
    last_snippet: Option<(usize, String)>,
    nested: VecDeque<Nested>,
}

impl Walker<'_> {
    fn walk(&mut self, document: &Html, depth: usize) {
        for node in document.tree.nodes() {
            if let Some(element) = ElementRef::wrap(node) {
                self.element_count += 1;
                self.element(element, depth);
            }
        }
    }

    /// Take one more observation, or count it as left out when the page has its fill.
    fn room(&mut self) -> bool {
        if self.observations < MAX_OBSERVATIONS_PER_PAGE {
            self.observations += 1;
            true
        } else {
            self.out.observations_left_out += 1;
            false
        }
    }

    /// Queue a nested document, unless it is nested too deep.
    fn nest(&mut self, html: String, kind: NestedKind, depth: usize) {
        if depth < MAX_NESTED_DOCUMENTS && html.contains('<') {
            self.nested.push_back(Nested {
                html,
                kind,
                depth: depth + 1,
            });
        }
    }

    fn element(&mut self, el: ElementRef<'_>, depth: usize) {
        let e = el.value();
        if let Some(style) = e.attr("style") {
            self.css(style, e, EvidenceKind::Other);
        }
        if let Some(background) = e.attr("background") {
            self.contact(EvidenceKind::Img, background, e, false);
        }
        match e.name() {
            "script" => self.script(el),
            "link" => self.link(e),
            "img" => {
                let pixel = is_pixel(e);
                self.element_urls(e, EvidenceKind::Img, pixel);
            }
            "input"
                if e.attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("image")) =>
            {
                self.element_urls(e, EvidenceKind::Img, false);
            }
            "source" => {
                // A <source> of a <picture> is an image; one of a <video> or <audio> is media.
                let in_picture = el
                    .parent()
                    .and_then(|p| p.value().as_element())
                    .is_some_and(|p| p.name() == "picture");
                let kind = if in_picture {
                    EvidenceKind::Img
                } else {
                    EvidenceKind::Media
                };
                self.element_urls(e, kind, false);
            }
            "video" | "audio" | "track" => {
                self.element_urls(e, EvidenceKind::Media, false);
                self.attr_contact(e, "poster", EvidenceKind::Media);
                self.attr_contact(e, "data-poster", EvidenceKind::Media);
            }
            "iframe" | "frame" => self.frame(e, depth),
            "object" => self.attr_contact(e, "data", EvidenceKind::Object),
            "embed" => self.element_urls(e, EvidenceKind::Object, false),
            "form" => self.form(el),
            "style" => {
                let css: String = el.text().collect();
                self.css(&css, e, EvidenceKind::Link);
                // An imported stylesheet of the site is read like a linked one.
                for import in imports_in_css(&css) {
                    self.push(RefTarget::Stylesheet, import, e, false, false);
                }
            }
            "a" | "area" => self.anchor(el),
            "meta" => self.meta_refresh(e),
            "base" if self.base.is_none() && depth == 0 => {
                self.base = e.attr("href").map(str::to_owned);
            }
            "title" if self.out.title.is_none() && depth == 0 => {
                let title: String = el.text().collect();
                self.out.title = Some(shorten(&title, 200));
            }
            "noscript" => {
                // With scripting on, an HTML5 parser keeps noscript content as text: parse it
                // on its own, because that is where tracking pixels hide.
                let inner: String = el.text().collect();
                self.nest(inner, NestedKind::Noscript, depth);
            }
            _ => {}
        }
    }

    /// Every URL an element loads or will load, from the one table of URL attributes (`src`,
    /// `srcset` and the attributes where lazy loaders and consent managers park them).
    fn element_urls(&mut self, e: &Element, kind: EvidenceKind, pixel: bool) {
        self.element_urls_gated(e, kind, pixel, false);
    }

    /// The same, for an element that something holds back (`held`: a consent-held script).
    fn element_urls_gated(&mut self, e: &Element, kind: EvidenceKind, pixel: bool, held: bool) {
        let marker = consent_marker(e);
        for (name, value) in e.attrs() {
            let Some(attr) = url_attribute(name) else {
                continue;
            };
            let parked = !matches!(attr.name, "src" | "srcset");
            // A consent manager's own attribute, a marker that only consent managers write, or
            // a shared marker on a URL that something holds back.
            let gated = held
                || attr.consent
                || marker == ConsentMarker::Specific
                || (marker == ConsentMarker::Shared && parked);
            match attr.form {
                UrlForm::Src => self.push(RefTarget::Contact(kind), value, e, gated, pixel),
                UrlForm::Srcset => {
                    for candidate in value.split(',') {
                        if let Some(url) = candidate.split_ascii_whitespace().next() {
                            self.push(RefTarget::Contact(kind), url, e, gated, pixel);
                        }
                    }
                }
            }
        }
    }

    fn script(&mut self, el: ElementRef<'_>) {
        let e = el.value();
        let type_attr = e.attr("type");
        let kind = script_type(type_attr);
        let marker = consent_marker(e) != ConsentMarker::None;
        // A script the browser runs now is not held back, whatever it is marked with; a
        // rewritten or data-typed one with a consent manager's marker is.
        let consent_gated = is_consent_type(type_attr) || (kind != ScriptType::Run && marker);
        let has_url = e.attrs().any(|(name, _)| url_attribute(name).is_some());
        let observed = match kind {
            ScriptType::Run | ScriptType::Deferred => true,
            // `text/plain` with a parked src is JavaScript a plugin delays (WP-Optimize).
            ScriptType::Data => consent_gated || has_url && is_text_plain(type_attr),
        };
        if !observed {
            return; // JSON-LD, templates and other data blocks are not run by the browser.
        }
        self.element_urls_gated(e, EvidenceKind::ScriptSrc, false, consent_gated);
        let run_inline = kind != ScriptType::Data || consent_gated;
        if !run_inline {
            return;
        }
        let code: String = el.text().collect();
        if code.trim().is_empty() {
            return;
        }
        let element = self.element_count;
        for hit in self.matcher.signatures_in(&code) {
            if !self.room() {
                continue;
            }
            self.out.observations.push(Observation {
                kind: EvidenceKind::InlineScript,
                url: None,
                snippet: around(&code, hit.start, hit.end),
                signature: Some(hit),
                consent_gated,
                element,
                pixel: false,
                browser: None,
            });
        }
        for found in urls_in_script(&code) {
            // A navigation target (a share link opened on click) is a link, never a request.
            let target = match found.usage {
                UrlUse::Loaded => RefTarget::Contact(EvidenceKind::InlineScript),
                UrlUse::Navigation => RefTarget::Link,
            };
            if matches!(target, RefTarget::Contact(_)) && !self.room() {
                continue;
            }
            let snippet = redact_userinfo(&around(&code, found.offset, found.offset + found.len));
            self.raw.push(RawRef {
                target,
                raw: found.text,
                snippet,
                consent_gated,
                element,
                pixel: false,
            });
        }
    }

    fn link(&mut self, e: &Element) {
        let Some(rel) = e.attr("rel") else { return };
        let contacted = rel.split_ascii_whitespace().any(|r| {
            matches!(
                r.to_ascii_lowercase().as_str(),
                "stylesheet"
                    | "preconnect"
                    | "dns-prefetch"
                    | "preload"
                    | "modulepreload"
                    | "prefetch"
                    | "icon"
                    | "apple-touch-icon"
                    | "apple-touch-icon-precomposed"
                    | "mask-icon"
                    | "manifest"
            )
        });
        if contacted {
            self.attr_contact(e, "href", EvidenceKind::Link);
        }
        let stylesheet = rel
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("stylesheet"));
        if let Some(href) = e.attr("href").filter(|_| stylesheet) {
            self.push(RefTarget::Stylesheet, href, e, false, false);
        }
    }

    fn frame(&mut self, e: &Element, depth: usize) {
        self.element_urls(e, EvidenceKind::Iframe, false);
        if let Some(srcdoc) = e.attr("srcdoc") {
            self.nest(srcdoc.to_owned(), NestedKind::Srcdoc, depth);
        }
        // A frame of the site itself is a page to crawl (the crawler drops the others); not a
        // frame in a nested document (GTM's and Meta's noscript fallbacks), nor one whose
        // address carries a tracker's id (`ns.html?id=GTM-…` on a server-side tagging host).
        // Where a lazy loader or consent manager parked the address, `src` is a placeholder.
        if depth > 0 {
            return;
        }
        let parked = e
            .attrs()
            .any(|(name, _)| name != "src" && url_attribute(name).is_some());
        for (name, value) in e.attrs() {
            let Some(attr) = url_attribute(name).filter(|a| a.form == UrlForm::Src) else {
                continue;
            };
            let placeholder = parked && attr.name == "src";
            if !placeholder && self.matcher.signatures_in(value).is_empty() {
                self.push(RefTarget::Link, value, e, false, false);
            }
        }
    }

    fn form(&mut self, el: ElementRef<'_>) {
        let e = el.value();
        let personal_data = el.descendent_elements().any(|field| {
            let f = field.value();
            match f.name() {
                "textarea" => true,
                "input" => {
                    let kind = f.attr("type").unwrap_or("text").to_ascii_lowercase();
                    match kind.as_str() {
                        "email" | "tel" => true,
                        "hidden" | "submit" | "button" | "search" | "checkbox" | "radio"
                        | "image" | "reset" => false,
                        _ => ["name", "id", "autocomplete", "placeholder"]
                            .iter()
                            .filter_map(|a| f.attr(a))
                            .any(|v| PERSONAL_FIELD.is_match(v)),
                    }
                }
                _ => false,
            }
        });
        let action = e.attr("action").unwrap_or("");
        self.push(RefTarget::Form { personal_data }, action, e, false, false);
    }

    fn anchor(&mut self, el: ElementRef<'_>) {
        let e = el.value();
        let Some(href) = e.attr("href") else { return };
        if PRIVACY_LINK.is_match(href) || el.text().any(|t| PRIVACY_LINK.is_match(t)) {
            self.push(RefTarget::PrivacyLink, href, e, false, false);
        } else if COOKIE_LINK.is_match(href) || el.text().any(|t| COOKIE_LINK.is_match(t)) {
            self.push(RefTarget::CookieLink, href, e, false, false);
        }
        self.push(RefTarget::Link, href, e, false, false);
    }

    fn meta_refresh(&mut self, e: &Element) {
        let is_refresh = e
            .attr("http-equiv")
            .is_some_and(|v| v.eq_ignore_ascii_case("refresh"));
        let Some(content) = e.attr("content").filter(|_| is_refresh) else {
            return;
        };
        let lower = content.to_ascii_lowercase();
        if let Some(at) = lower.find("url=") {
            let target = content[at + 4..].trim().trim_matches(['\'', '"']);
            self.push(RefTarget::Link, target, e, false, false);
        }
    }

    fn css(&mut self, css: &str, e: &Element, kind: EvidenceKind) {
        for url in urls_in_css(css) {
            self.push(RefTarget::Contact(kind), url, e, false, false);
        }
    }

    fn attr_contact(&mut self, e: &Element, attr: &str, kind: EvidenceKind) {
        if let Some(value) = e.attr(attr) {
            self.contact(kind, value, e, false);
        }
    }

    fn contact(&mut self, kind: EvidenceKind, raw: &str, e: &Element, gated: bool) {
        self.push(RefTarget::Contact(kind), raw, e, gated, false);
    }

    fn push(&mut self, target: RefTarget, raw: &str, e: &Element, gated: bool, pixel: bool) {
        if raw.len() > RAW_URL_MAX {
            return;
        }
        let observed = matches!(target, RefTarget::Contact(_) | RefTarget::Form { .. });
        if observed && !self.room() {
            return;
        }
        // Links to follow need no evidence; building a snippet for each of them is wasted work,
        // and an element with several URLs (srcset) shares one.
        let snippet = match target {
            RefTarget::Link
            | RefTarget::PrivacyLink
            | RefTarget::CookieLink
            | RefTarget::Stylesheet => String::new(),
            _ => match &self.last_snippet {
                Some((element, snippet)) if *element == self.element_count => snippet.clone(),
                _ => {
                    let snippet = start_tag(e);
                    self.last_snippet = Some((self.element_count, snippet.clone()));
                    snippet
                }
            },
        };
        self.raw.push(RawRef {
            target,
            raw: raw.to_owned(),
            snippet,
            consent_gated: gated,
            element: self.element_count,
            pixel,
        });
    }

    /// Resolve every reference against the page URL and `<base href>`.
    fn finish(mut self, page_url: &Url) -> PageObservations {
        let base = self
            .base
            .as_deref()
            .and_then(|b| page_url.join(b.trim()).ok())
            .unwrap_or_else(|| page_url.clone());
        for r in std::mem::take(&mut self.raw) {
            let is_form = matches!(r.target, RefTarget::Form { .. });
            // A form without action posts to the page itself.
            let resolved = if is_form && r.raw.trim().is_empty() {
                Some(page_url.clone())
            } else {
                resolve(&base, &r.raw)
            };
            let Some(url) = resolved else { continue };
            match r.target {
                RefTarget::Contact(kind) => self.out.observations.push(Observation {
                    kind,
                    url: Some(url),
                    signature: None,
                    snippet: r.snippet,
                    consent_gated: r.consent_gated,
                    element: r.element,
                    pixel: r.pixel,
                    browser: None,
                }),
                RefTarget::Link => self.out.links.push(url),
                RefTarget::Stylesheet => self.out.stylesheets.push(url),
                RefTarget::PrivacyLink => self.out.privacy_links.push(url),
                RefTarget::CookieLink => self.out.cookie_links.push(url),
                RefTarget::Form { personal_data } => {
                    self.out.observations.push(Observation {
                        kind: EvidenceKind::FormAction,
                        url: Some(url.clone()),
                        signature: None,
                        snippet: r.snippet.clone(),
                        consent_gated: false,
                        element: r.element,
                        pixel: false,
                        browser: None,
                    });
                    self.out.forms.push(Form {
                        action: url,
                        snippet: r.snippet,
                        personal_data,
                    });
                }
            }
        }
        self.out
    }
}

/// An absolute http(s) URL for a reference, or `None` for `javascript:`, `mailto:`, data URLs…
fn resolve(base: &Url, raw: &str) -> Option<Url> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with('#') {
        return None;
    }
    let mut url = base.join(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

fn is_text_plain(type_attr: Option<&str>) -> bool {
    type_attr.is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"))
}

/// An image declared as 1×1 pixel, by attributes or inline style.
fn is_pixel(e: &Element) -> bool {
    let one = |v: Option<&str>| v.is_some_and(|v| matches!(v.trim(), "1" | "1px" | "0" | "0px"));
    let by_attr = one(e.attr("width")) && one(e.attr("height"));
    let by_style = e.attr("style").is_some_and(|s| {
        let s = s.replace(' ', "").to_ascii_lowercase();
        s.contains("width:1px") && s.contains("height:1px")
    });
    by_attr || by_style
}

/// The element's start tag, rebuilt from its attributes, as evidence.
fn start_tag(e: &Element) -> String {
    let mut tag = String::with_capacity(SNIPPET_MAX + 16);
    tag.push('<');
    tag.push_str(e.name());
    for (name, value) in e.attrs() {
        if tag.len() > SNIPPET_MAX {
            break;
        }
        tag.push(' ');
        tag.push_str(name);
        if !value.is_empty() {
            tag.push_str("=\"");
            for (i, piece) in value.split('"').enumerate() {
                if i > 0 {
                    tag.push_str("&quot;");
                }
                tag.push_str(piece);
            }
            tag.push('"');
        }
    }
    tag.push('>');
    shorten(&tag, SNIPPET_MAX)
}

/// A short window of code around a match, on character boundaries.
fn around(code: &str, start: usize, end: usize) -> String {
    let mut from = start.saturating_sub(60);
    while !code.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 60).min(code.len());
    while !code.is_char_boundary(to) {
        to += 1;
    }
    let window: String = code[from..to]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    shorten(&window, SNIPPET_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::Lists;

    fn observe(html: &str) -> PageObservations {
        let lists = Lists::embedded().expect("embedded lists");
        let page = Url::parse("https://www.school.nl/nieuws/").unwrap();
        observe_html(html, &page, &lists.matcher)
    }

    fn urls(page: &PageObservations) -> Vec<String> {
        page.observations
            .iter()
            .filter_map(|o| o.url.as_ref().map(|u| u.to_string()))
            .collect()
    }

    #[test]
    fn comments_json_ld_plain_links_and_canonical_are_not_requests() {
        let page = observe(
            r#"<html><head><link rel="canonical" href="https://www.school.nl/x">
            <!-- <script src="https://www.google-analytics.com/analytics.js"></script> -->
            <script type="application/ld+json">{"sameAs": ["https://www.facebook.com/school"]}</script>
            </head><body><a href="https://www.facebook.com/school">Facebook</a></body></html>"#,
        );
        assert!(urls(&page).is_empty(), "{:?}", urls(&page));
        assert_eq!(
            page.links.len(),
            1,
            "the plain link is a link, not a request"
        );
    }

    #[test]
    fn noscript_content_is_parsed() {
        let page = observe(
            r#"<head><noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=1&ev=PageView"></noscript></head>"#,
        );
        let pixel = &page.observations[0];
        assert_eq!(pixel.kind, EvidenceKind::Img);
        assert!(pixel.pixel);
        assert_eq!(
            pixel.url.as_ref().unwrap().host_str(),
            Some("www.facebook.com")
        );
    }

    #[test]
    fn base_href_srcset_and_protocol_relative_urls_resolve() {
        let page = observe(
            r#"<head><base href="https://cdn.example.org/assets/"></head><body>
            <script src="app.js"></script><img srcset="a.jpg 1x, //img.example.net/b.jpg 2x">"#,
        );
        assert_eq!(
            urls(&page),
            [
                "https://cdn.example.org/assets/app.js",
                "https://cdn.example.org/assets/a.jpg",
                "https://img.example.net/b.jpg"
            ]
        );
    }

    #[test]
    fn consent_gated_tags_are_reported_and_marked() {
        let page = observe(
            r#"<script type="text/plain" data-cookieconsent="marketing" src="https://snap.licdn.com/li.lms-analytics/insight.min.js"></script>
            <iframe data-category="marketing" data-src="https://www.youtube.com/embed/x"></iframe>
            <script type="text/plain">not a consent tag: https://ignored.example.org/x.js</script>"#,
        );
        assert_eq!(page.observations.len(), 2, "{:?}", urls(&page));
        assert!(page.observations.iter().all(|o| o.consent_gated));
    }

    #[test]
    fn forms_know_whether_they_ask_for_personal_data() {
        let page = observe(
            r#"<form action="/zoeken"><input type="search" name="q"></form>
            <form action="https://x.list-manage.com/subscribe"><input type="email" name="EMAIL"></form>"#,
        );
        let personal: Vec<bool> = page.forms.iter().map(|f| f.personal_data).collect();
        assert_eq!(personal, [false, true]);
        assert_eq!(
            page.forms[0].action.as_str(),
            "https://www.school.nl/zoeken"
        );
    }
}
