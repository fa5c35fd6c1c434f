//! The site's own stylesheets: what they make the browser load (`@import`, `url()`,
//! `image-set()`), read once per URL per scan and attributed to every page that links them.
//! Themes often pull Google Fonts in this way, out of sight of the page's HTML.

use std::collections::{HashMap, HashSet, VecDeque};

use url::Url;

use super::css::{imports_in_css, urls_in_css};
use super::{EvidenceKind, Observation, shorten};
use crate::crawl::Crawler;

/// Bytes read of one stylesheet (1 MiB); the rest is not looked at.
pub const MAX_STYLESHEET_BYTES: usize = 1024 * 1024;

/// `@import`s followed from a linked stylesheet: its imports and theirs (2 levels).
pub const MAX_IMPORT_DEPTH: usize = 2;

/// One stylesheet read: what it loads and the stylesheets it imports.
struct Sheet {
    observations: Vec<Observation>,
    imports: Vec<Url>,
}

/// The stylesheets read in one scan, by URL: each is fetched at most once.
#[derive(Default)]
pub struct Stylesheets {
    read: HashMap<Url, Sheet>,
}

impl Stylesheets {
    /// Everything `url` and the stylesheets it imports (to [`MAX_IMPORT_DEPTH`], each once, so an
    /// import loop ends) make the browser load. Only stylesheets of the site are fetched (the
    /// crawler's scope); a third party's is evidence on its own and is not read. `show` gives
    /// a stylesheet's URL as the report shows it, for the snippet.
    pub async fn loads(
        &mut self,
        crawler: &Crawler,
        url: &Url,
        show: &dyn Fn(&Url) -> String,
    ) -> Vec<Observation> {
        let mut out = Vec::new();
        let mut visited = HashSet::new();
        let mut work = VecDeque::from([(url.clone(), 0)]);
        while let Some((sheet_url, depth)) = work.pop_front() {
            if !visited.insert(sheet_url.clone()) {
                continue;
            }
            if !self.read.contains_key(&sheet_url) {
                let css = crawler
                    .fetch_subresource(&sheet_url, MAX_STYLESHEET_BYTES)
                    .await
                    .unwrap_or_default();
                let sheet = read(
                    &String::from_utf8_lossy(&css),
                    &sheet_url,
                    &show(&sheet_url),
                );
                self.read.insert(sheet_url.clone(), sheet);
            }
            let Some(sheet) = self.read.get(&sheet_url) else {
                continue;
            };
            out.extend(sheet.observations.iter().cloned());
            if depth < MAX_IMPORT_DEPTH {
                work.extend(sheet.imports.iter().map(|i| (i.clone(), depth + 1)));
            }
        }
        out
    }
}

/// The URLs one stylesheet loads, resolved against its own URL (as a browser does), with a
/// snippet naming the stylesheet, e.g. `"https://fonts.googleapis.com/…" in /theme/style.css`.
fn read(css: &str, sheet_url: &Url, shown: &str) -> Sheet {
    let observations = urls_in_css(css)
        .into_iter()
        .enumerate()
        .filter_map(|(element, raw)| {
            let url = sheet_url.join(raw).ok()?;
            matches!(url.scheme(), "http" | "https").then(|| Observation {
                kind: EvidenceKind::Link,
                url: Some(url),
                signature: None,
                snippet: format!("\"{}\" in {}", shorten(raw, 160), shorten(shown, 160)),
                consent_gated: false,
                element,
                pixel: false,
                browser: None,
            })
        })
        .collect();
    let imports = imports_in_css(css)
        .into_iter()
        .filter_map(|raw| sheet_url.join(raw).ok())
        .collect();
    Sheet {
        observations,
        imports,
    }
}
