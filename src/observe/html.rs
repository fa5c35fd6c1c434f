//! Static observation of an HTML page: one parse, one walk over the elements.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, node::Element};
use url::Url;

use super::css::urls_in_css;
use super::script::urls_in_script;
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

/// Form fields that ask for personal data, by name, id, autocomplete or placeholder.
static PERSONAL_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)e-?mail|naam|name|phone|telefoon|tel\b|mobiel|adres|address|postcode|zip|geboorte|birth|bsn|leerling|student",
    )
    .expect("static regex")
});

/// Attributes by which consent managers (Cookiebot, CookieConsent, Klaro, Complianz, OneTrust…)
/// mark a tag they hold back until the visitor agrees.
const CONSENT_ATTRIBUTES: &[&str] = &[
    "data-cookieconsent",
    "data-category",
    "data-cookiecategory",
    "data-consent",
    "data-cookie-consent",
    "data-cookieconsent-category",
    "data-name",
    "data-service",
];

/// Observe one HTML document fetched from `page_url`.
pub fn observe_html(html: &str, page_url: &Url, matcher: &Matcher) -> PageObservations {
    let document = Html::parse_document(html);
    let mut walker = Walker {
        matcher,
        base: None,
        raw: Vec::new(),
        out: PageObservations::default(),
        element_count: 0,
        last_snippet: None,
    };
    walker.walk(&document, false);
    drop(document);
    walker.finish(page_url)
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
    Form { personal_data: bool },
}

struct Walker<'m> {
    matcher: &'m Matcher,
    base: Option<String>,
    raw: Vec<RawRef>,
    out: PageObservations,
    element_count: usize,
    /// The snippet of the element seen last, by its number.
    last_snippet: Option<(usize, String)>,
}

impl Walker<'_> {
    fn walk(&mut self, document: &Html, in_noscript: bool) {
        for node in document.tree.nodes() {
            if let Some(element) = ElementRef::wrap(node) {
                self.element_count += 1;
                self.element(element, in_noscript);
            }
        }
    }

    fn element(&mut self, el: ElementRef<'_>, in_noscript: bool) {
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
                for attr in ["src", "data-src"] {
                    if let Some(src) = e.attr(attr) {
                        self.push(RefTarget::Contact(EvidenceKind::Img), src, e, false, pixel);
                    }
                }
                self.srcset(e, EvidenceKind::Img);
            }
            "input"
                if e.attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("image")) =>
            {
                self.attr_contact(e, "src", EvidenceKind::Img);
            }
            "source" => {
                self.attr_contact(e, "src", EvidenceKind::Media);
                self.srcset(e, EvidenceKind::Img);
            }
            "video" | "audio" | "track" => {
                self.attr_contact(e, "src", EvidenceKind::Media);
                self.attr_contact(e, "poster", EvidenceKind::Media);
            }
            "iframe" | "frame" => self.frame(e),
            "object" => self.attr_contact(e, "data", EvidenceKind::Object),
            "embed" => self.attr_contact(e, "src", EvidenceKind::Object),
            "form" => self.form(el),
            "style" => {
                let css: String = el.text().collect();
                self.css(&css, e, EvidenceKind::Link);
            }
            "a" | "area" => self.anchor(el),
            "meta" => self.meta_refresh(e),
            "base" if self.base.is_none() => {
                self.base = e.attr("href").map(str::to_owned);
            }
            "title" if self.out.title.is_none() && !in_noscript => {
                let title: String = el.text().collect();
                self.out.title = Some(shorten(&title, 200));
            }
            "noscript" => {
                // With scripting on, an HTML5 parser keeps noscript content as text: parse it
                // on its own, because that is where tracking pixels hide.
                let inner: String = el.text().collect();
                if inner.contains('<') {
                    let fragment = Html::parse_fragment(&inner);
                    self.walk(&fragment, true);
                }
            }
            _ => {}
        }
    }

    fn script(&mut self, el: ElementRef<'_>) {
        let e = el.value();
        let consent_gated = is_consent_gated(e);
        if !is_executable_script(e) && !consent_gated {
            return; // JSON-LD, templates and other data blocks are not run by the browser.
        }
        for attr in ["src", "data-src"] {
            if let Some(src) = e.attr(attr) {
                let kind = EvidenceKind::ScriptSrc;
                self.push(RefTarget::Contact(kind), src, e, consent_gated, false);
            }
        }
        let code: String = el.text().collect();
        if code.trim().is_empty() {
            return;
        }
        let element = self.element_count;
        for hit in self.matcher.signatures_in(&code) {
            self.out.observations.push(Observation {
                kind: EvidenceKind::InlineScript,
                url: None,
                snippet: around(&code, hit.start, hit.end),
                signature: Some(hit),
                consent_gated,
                element,
                pixel: false,
            });
        }
        for found in urls_in_script(&code) {
            let snippet = around(&code, found.offset, found.offset + found.text.len());
            self.raw.push(RawRef {
                target: RefTarget::Contact(EvidenceKind::InlineScript),
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
    }

    fn frame(&mut self, e: &Element) {
        let gated =
            is_consent_gated(e) || (e.attr("src").is_none() && e.attr("data-src").is_some());
        for attr in ["src", "data-src"] {
            if let Some(src) = e.attr(attr) {
                self.push(
                    RefTarget::Contact(EvidenceKind::Iframe),
                    src,
                    e,
                    gated,
                    false,
                );
                // A frame of the site itself is a page to crawl; the crawler drops the others.
                self.push(RefTarget::Link, src, e, false, false);
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

    fn srcset(&mut self, e: &Element, kind: EvidenceKind) {
        for attr in ["srcset", "data-srcset"] {
            if let Some(srcset) = e.attr(attr) {
                for candidate in srcset.split(',') {
                    if let Some(url) = candidate.split_ascii_whitespace().next() {
                        self.push(RefTarget::Contact(kind), url, e, false, false);
                    }
                }
            }
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
        // Links to follow need no evidence; building a snippet for each of them is wasted work,
        // and an element with several URLs (srcset) shares one.
        let snippet = match target {
            RefTarget::Link | RefTarget::PrivacyLink => String::new(),
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
                }),
                RefTarget::Link => self.out.links.push(url),
                RefTarget::PrivacyLink => self.out.privacy_links.push(url),
                RefTarget::Form { personal_data } => {
                    self.out.observations.push(Observation {
                        kind: EvidenceKind::FormAction,
                        url: Some(url.clone()),
                        signature: None,
                        snippet: r.snippet.clone(),
                        consent_gated: false,
                        element: r.element,
                        pixel: false,
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

fn is_executable_script(e: &Element) -> bool {
    match e.attr("type").map(|t| t.trim().to_ascii_lowercase()) {
        None => true,
        Some(t) => matches!(
            t.as_str(),
            "" | "module"
                | "text/javascript"
                | "application/javascript"
                | "application/x-javascript"
                | "text/ecmascript"
                | "application/ecmascript"
                | "text/jscript"
        ),
    }
}

/// A tag that a consent manager holds back: a script of type `text/plain`, or an element with a
/// consent-category attribute or class.
fn is_consent_gated(e: &Element) -> bool {
    let has_consent_marker = CONSENT_ATTRIBUTES.iter().any(|a| e.attr(a).is_some())
        || e.classes().any(|c| {
            c.starts_with("optanon-category-") || c.starts_with("cmplz-") || c == "cookieconsent"
        });
    if e.name() == "script" {
        let plain = e
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"));
        plain && has_consent_marker
    } else {
        has_consent_marker
    }
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
