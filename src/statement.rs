//! The site's privacy and cookie statements, read as text: which of the linked pages to read,
//! fetching them (on any host: a school board's central statement), and their words without
//! the markup, the menus and the footer (which name every social platform the site links).

use std::collections::HashMap;

use scraper::{ElementRef, Html, Node};
use url::Url;

use crate::Lang;
use crate::crawl::{Crawler, decode_html, markup_guard};
use crate::failure::{Failure, FailureKind};
use crate::lists::names::normalize;
use crate::report::model::{StatementKind, StatementRead};

/// Bytes read of one statement (2 MiB); the rest is not read.
pub const MAX_STATEMENT_BYTES: usize = 2 * 1024 * 1024;
/// Characters of text kept of one statement (512 KiB).
pub const MAX_STATEMENT_TEXT: usize = 512 * 1024;
/// Statements of each kind read per site: the ones most pages link.
pub const MAX_STATEMENTS_PER_KIND: usize = 2;

/// A statement read: what the report says of it and its text in the names' normal form
/// ([`normalize`]); empty when it could not be read.
#[derive(Debug, Clone)]
pub struct Statement {
    pub report: StatementRead,
    pub text: String,
}

/// The links to statements found on the site's pages, counted by the pages that link them.
#[derive(Debug, Default)]
pub struct Candidates {
    links: HashMap<Url, (StatementKind, usize)>,
}

impl Candidates {
    /// Count a link from one page (without its fragment: `/privacy#cookies` is `/privacy`).
    pub fn add(&mut self, link: &Url, kind: StatementKind) {
        let mut link = link.clone();
        link.set_fragment(None);
        let entry = self.links.entry(link).or_insert((kind, 0));
        // A page that is linked as a privacy statement is one, whatever else links it.
        if kind == StatementKind::Privacy {
            entry.0 = kind;
        }
        entry.1 += 1;
    }

    /// The statements to read: of each kind the [`MAX_STATEMENTS_PER_KIND`] linked from the
    /// most pages (a footer link beats a news item about privacy), shorter URLs first on a tie.
    pub fn chosen(&self) -> Vec<(Url, StatementKind)> {
        let mut out = Vec::new();
        for kind in [StatementKind::Privacy, StatementKind::Cookie] {
            let mut of_kind: Vec<(&Url, usize)> = self
                .links
                .iter()
                .filter(|(_, (k, _))| *k == kind)
                .map(|(u, (_, n))| (u, *n))
                .collect();
            of_kind.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then(a.0.as_str().len().cmp(&b.0.as_str().len()))
                    .then(a.0.cmp(b.0))
            });
            out.extend(
                of_kind
                    .into_iter()
                    .take(MAX_STATEMENTS_PER_KIND)
                    .map(|(u, _)| (u.clone(), kind)),
            );
        }
        out
    }
}

/// Read the chosen statements, and a cookie statement that a privacy statement links when the
/// pages link none. `show` gives a URL as the report shows it.
pub async fn read_all(
    crawler: &Crawler,
    candidates: &Candidates,
    show: &dyn Fn(&Url) -> String,
    lang: Lang,
) -> Vec<Statement> {
    let mut chosen = candidates.chosen();
    let mut out: Vec<Statement> = Vec::new();
    let mut i = 0;
    while i < chosen.len() {
        let (url, kind) = chosen[i].clone();
        i += 1;
        let (statement, cookie_links) = read_one(crawler, &url, kind, show, lang).await;
        out.push(statement);
        let cookie_statements = chosen
            .iter()
            .filter(|(_, k)| *k == StatementKind::Cookie)
            .count();
        if kind == StatementKind::Privacy && cookie_statements == 0 {
            if let Some(link) = cookie_links.into_iter().find(|l| {
                let mut page = l.clone();
                page.set_fragment(None);
                !chosen.iter().any(|(u, _)| *u == page)
            }) {
                chosen.push((link, StatementKind::Cookie));
            }
        }
    }
    out
}

async fn read_one(
    crawler: &Crawler,
    url: &Url,
    kind: StatementKind,
    show: &dyn Fn(&Url) -> String,
    lang: Lang,
) -> (Statement, Vec<Url>) {
    let mut failure: Option<Failure> = None;
    let fetched = crawler.fetch_document(url, MAX_STATEMENT_BYTES).await;
    let (text, links) = match fetched {
        Err(error) => {
            failure = Some(error);
            (String::new(), Vec::new())
        }
        Ok(doc) => {
            let essence = doc
                .content_type
                .as_deref()
                .and_then(|c| c.split(';').next())
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if essence == "application/pdf" || doc.bytes.starts_with(b"%PDF-") {
                failure = Some(Failure::new(FailureKind::PdfNotRead));
                (String::new(), Vec::new())
            } else if essence == "text/plain" {
                (
                    decode_html(&doc.bytes, doc.content_type.as_deref()),
                    Vec::new(),
                )
            } else if essence.is_empty() || essence.contains("html") {
                let html =
                    markup_guard::without_nul(decode_html(&doc.bytes, doc.content_type.as_deref()));
                match markup_guard::check(&html) {
                    Ok(()) => text_of_html(&html, &doc.url),
                    Err(e) => {
                        failure = Some(Failure::new(e.failure()));
                        (String::new(), Vec::new())
                    }
                }
            } else {
                failure = Some(Failure::new(FailureKind::NotText {
                    content_type: essence,
                }));
                (String::new(), Vec::new())
            }
        }
    };
    let text = normalize(&text);
    let chars = text.chars().count();
    if failure.is_none() && chars == 0 {
        failure = Some(Failure::new(FailureKind::NoText));
    }
    let report = StatementRead {
        url: show(url),
        kind,
        read: failure.is_none(),
        error: failure.as_ref().map(|f| f.line(lang)),
        error_about: failure,
        chars,
    };
    (Statement { report, text }, links)
}

/// Elements whose text is no part of the statement: code, and the site's menus, header and
/// footer around it (which name the platforms the site links, not what the statement says).
const NOT_TEXT: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "head",
    "button", "select",
];

/// The words of an HTML statement (its `<main>` or `<article>` when it has one, else the
/// body without menus, header and footer), at most [`MAX_STATEMENT_TEXT`] characters, and the
/// links in it that name a cookie statement.
pub fn text_of_html(html: &str, url: &Url) -> (String, Vec<Url>) {
    let document = Html::parse_document(html);
    let root = ["main", "article", "[role=main]", "body"]
        .iter()
        .filter_map(|s| scraper::Selector::parse(s).ok())
        .find_map(|s| document.select(&s).next())
        .unwrap_or_else(|| document.root_element());
    let mut text = String::new();
    let mut links = Vec::new();
    let mut skipping = 0usize;
    for edge in root.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(e) if skipping > 0 || NOT_TEXT.contains(&e.name()) => {
                    skipping += 1;
                }
                Node::Element(e) => {
                    if e.name() == "a" {
                        if let (Some(href), Some(a)) = (e.attr("href"), ElementRef::wrap(node)) {
                            let words: String = a.text().collect();
                            if crate::observe::names_cookie_statement(href, &words) {
                                links.extend(url.join(href).ok());
                            }
                        }
                    }
                    text.push(' ');
                }
                Node::Text(t) if skipping == 0 && text.len() < MAX_STATEMENT_TEXT => {
                    text.push_str(t);
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if matches!(node.value(), Node::Element(_)) && skipping > 0 {
                    skipping -= 1;
                }
            }
        }
    }
    if text.len() > MAX_STATEMENT_TEXT {
        let mut end = MAX_STATEMENT_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    (text, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menus_and_footer_are_no_part_of_the_statement() {
        let url = Url::parse("https://school.nl/privacy").unwrap();
        let html = r#"<html><body><nav>Facebook Instagram</nav><h1>Privacy</h1>
            <p>Wij gebruiken <b>Matomo</b>.</p><script>var x = "Hotjar";</script>
            <p>Zie ook de <a href="/cookies">cookieverklaring</a>.</p>
            <footer>Volg ons op TikTok</footer></body></html>"#;
        let (text, links) = text_of_html(html, &url);
        let text = normalize(&text);
        assert!(text.contains("wij gebruiken matomo"), "{text}");
        for absent in ["facebook", "hotjar", "tiktok"] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
        assert_eq!(links, [Url::parse("https://school.nl/cookies").unwrap()]);
    }

    #[test]
    fn the_main_element_is_the_statement_when_there_is_one() {
        let url = Url::parse("https://school.nl/privacy").unwrap();
        let html =
            "<body><div>Volg ons op Instagram</div><main>Wij gebruiken YouTube.</main></body>";
        let text = normalize(&text_of_html(html, &url).0);
        assert_eq!(text, "wij gebruiken youtube");
    }
}
