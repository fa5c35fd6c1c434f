//! External lists that extend the catalogue to the long tail: EasyPrivacy-style filter lists and
//! Disconnect's `services.json`, told apart by their content. They are asked only about
//! third-party requests that no curated service claims: the catalogue and the first/third-party
//! decision always win over a generic filter (a self-hosted `/matomo.js` is never checked).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use url::Url;

use super::cache::Format;
use super::catalogue::{Catalogue, Organization};
use super::disconnect::DisconnectList;
use super::filter_list::FilterList;
use crate::error::Error;
use crate::scope::registrable_domain;
use crate::vocab::EvidenceKind;

/// What an external list says about a request: the service it becomes in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalMatch {
    /// Derived from the list and the matched domain or company: `easyprivacy:histats.com`,
    /// `disconnect:comscore`. The `:` keeps them apart from the catalogue's ids.
    pub id: String,
    pub name: String,
    /// The list's name (`EasyPrivacy`, `Disconnect`).
    pub list: Arc<str>,
    /// The rule that matched, as written in the list.
    pub rule: String,
    /// A category of the catalogue (see [`DisconnectList`] and the README for the mapping).
    pub category: &'static str,
    /// Empty when the list does not say.
    pub organization: String,
    /// ISO 3166-1 code when the catalogue knows the organisation, else empty.
    pub country: String,
    pub dpf: bool,
}

/// An organisation as the report shows it.
#[derive(Debug, Clone, Default)]
struct Org {
    name: String,
    country: String,
    dpf: bool,
}

enum Kind {
    Filter {
        list: FilterList,
        category: &'static str,
    },
    Disconnect {
        list: DisconnectList,
        /// Per company of the list: the organisation, from the catalogue when it knows it.
        orgs: Vec<Org>,
    },
}

pub struct ExternalList {
    pub name: Arc<str>,
    /// Start of the ids of the services this list finds.
    prefix: String,
    kind: Kind,
}

impl std::fmt::Debug for ExternalList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalList")
            .field("name", &self.name)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// The loaded lists, Disconnect lists first: they name the organisation, a filter list does not.
#[derive(Debug, Default)]
pub struct ExternalLists {
    lists: Vec<ExternalList>,
}

impl ExternalLists {
    /// Load list files; the first that cannot be read or parsed is the error.
    pub fn load(paths: &[PathBuf], catalogue: &Catalogue) -> Result<ExternalLists, Error> {
        let mut lists = paths
            .iter()
            .map(|path| ExternalList::load(path, catalogue))
            .collect::<Result<Vec<_>, _>>()?;
        lists.sort_by_key(|l| !matches!(l.kind, Kind::Disconnect { .. }));
        Ok(ExternalLists { lists })
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.lists.iter().map(|l| &*l.name)
    }

    /// The first list that claims a third-party request. `source` is the site's origin (for
    /// `$third-party` and `$domain=` options); `snippet` tells a stylesheet link from a
    /// preconnect.
    pub fn check(
        &self,
        url: &Url,
        host: &str,
        source: &str,
        kind: EvidenceKind,
        snippet: &str,
    ) -> Option<ExternalMatch> {
        self.lists
            .iter()
            .find_map(|list| list.check(url, host, source, kind, snippet))
    }
}

impl ExternalList {
    pub fn load(path: &Path, catalogue: &Catalogue) -> Result<ExternalList, Error> {
        let bytes = crate::files::read_bounded(path, crate::files::MAX_LIST_BYTES)?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("list");
        ExternalList::parse(&bytes, stem, catalogue).map_err(|message| Error::List {
            file: path.display().to_string(),
            message,
        })
    }

    /// Parse a list's bytes; `fallback_name` names a filter list without a `! Title:`.
    pub fn parse(bytes: &[u8], fallback_name: &str, catalogue: &Catalogue) -> Result<Self, String> {
        let text = std::str::from_utf8(bytes)
            .ok()
            .filter(|t| !t.contains('\0'))
            .ok_or("binary data, not a filter list or a Disconnect services.json")?;
        let text = text.trim_start_matches('\u{feff}');
        let start = text.trim_start();
        if start.is_empty() {
            return Err("the file is empty".into());
        }
        if start.starts_with('{') {
            let list = DisconnectList::parse(text)?;
            let index = org_index(catalogue);
            let orgs = list
                .companies
                .iter()
                .map(|c| match index.get(&legal_stem(&c.name)) {
                    Some(Some(org)) => Org {
                        name: org.name.clone(),
                        country: org.country.clone(),
                        dpf: org.dpf,
                    },
                    _ => Org {
                        name: c.name.clone(),
                        ..Org::default()
                    },
                })
                .collect();
            return Ok(ExternalList {
                name: Arc::from("Disconnect"),
                prefix: "disconnect".into(),
                kind: Kind::Disconnect { list, orgs },
            });
        }
        if start.starts_with('<') {
            return Err("an HTML or XML document, not a filter list".into());
        }
        let name = FilterList::title(text).unwrap_or_else(|| fallback_name.to_owned());
        let category = filter_list_category(&name);
        Ok(ExternalList {
            prefix: slug(&name).unwrap_or_else(|| "list".into()),
            name: Arc::from(name),
            kind: Kind::Filter {
                list: FilterList::parse(text)?,
                category,
            },
        })
    }

    /// The list is in this format. A downloaded filter list must also say so in its header
    /// (`[Adblock Plus 2.0]` or `! Title:`): any text parses as filter rules, an error page too.
    pub fn is_format(&self, format: Format, text: &[u8]) -> bool {
        match (&self.kind, format) {
            (Kind::Disconnect { .. }, Format::Disconnect) => true,
            (Kind::Filter { .. }, Format::FilterList) => {
                let text = String::from_utf8_lossy(text);
                let start = text.trim_start_matches('\u{feff}').trim_start();
                start.starts_with("[Adblock") || FilterList::title(start).is_some()
            }
            _ => false,
        }
    }

    pub(crate) fn check(
        &self,
        url: &Url,
        host: &str,
        source: &str,
        kind: EvidenceKind,
        snippet: &str,
    ) -> Option<ExternalMatch> {
        match &self.kind {
            Kind::Filter { list, category } => {
                let rule = list.check(url.as_str(), source, kind, snippet)?;
                let domain = registrable_domain(host);
                Some(ExternalMatch {
                    id: format!("{}:{domain}", self.prefix),
                    name: domain,
                    list: self.name.clone(),
                    rule,
                    category,
                    organization: String::new(),
                    country: String::new(),
                    dpf: false,
                })
            }
            Kind::Disconnect { list, orgs } => {
                let hit = list.check(host)?;
                let org = orgs.get(hit.company_idx).cloned().unwrap_or_default();
                let key = slug(&hit.company.name).unwrap_or_else(|| registrable_domain(host));
                Some(ExternalMatch {
                    id: format!("{}:{key}", self.prefix),
                    name: hit.company.name.clone(),
                    list: self.name.clone(),
                    rule: hit.rule,
                    category: hit.company.category,
                    organization: org.name,
                    country: org.country,
                    dpf: org.dpf,
                })
            }
        }
    }
}

/// A filter list is a tracking list (EasyPrivacy): its matches are measurement of visitors.
/// A list that calls itself social (Fanboy's Social) or an ad list (EasyList) maps accordingly.
fn filter_list_category(title: &str) -> &'static str {
    let title = title.to_ascii_lowercase();
    if title.contains("social") {
        "social"
    } else if title.contains("privacy") || title.contains("track") {
        "analytics"
    } else if title.contains("easylist") || title.split_whitespace().any(|w| w == "ads") {
        "advertising"
    } else {
        "analytics"
    }
}

/// Lowercase ASCII letters and digits, other runs become one `-`: `comScore` → `comscore`.
fn slug(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    (!out.is_empty()).then_some(out)
}

/// Words of a legal form, dropped from the end of a name to compare companies.
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "ab",
    "as",
    "aps",
    "oy",
    "oyj",
    "ou",
    "oü",
    "plc",
    "pty",
    "pvt",
    "se",
    "kg",
    "ug",
    "llp",
    "lp",
];

/// `Adobe Inc.` → `adobe`; `Zoho Corporation Pvt. Ltd.` → `zoho`.
fn legal_stem(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | '/'))
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// The catalogue's organisations by [`legal_stem`]; `None` where two share a stem, so that a
/// company name never picks one of them by chance.
fn org_index(catalogue: &Catalogue) -> HashMap<String, Option<&Organization>> {
    let mut index: HashMap<String, Option<&Organization>> = HashMap::new();
    for org in &catalogue.organizations {
        index
            .entry(legal_stem(&org.name))
            .and_modify(|slot| *slot = None)
            .or_insert(Some(org));
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_their_legal_form() {
        assert_eq!(legal_stem("Adobe Inc."), "adobe");
        assert_eq!(legal_stem("Zoho Corporation Pvt. Ltd."), "zoho");
        assert_eq!(legal_stem("The Trade Desk, Inc."), "the trade desk");
        assert_eq!(legal_stem("Adform A/S"), "adform");
        assert_eq!(legal_stem("Limited"), "limited");
        assert_eq!(slug("comScore").as_deref(), Some("comscore"));
        assert_eq!(slug("Yahoo! Inc").as_deref(), Some("yahoo-inc"));
        assert_eq!(slug("!!"), None);
    }

    #[test]
    fn content_decides_the_format() {
        let catalogue = Catalogue::embedded().unwrap();
        let parse = |text: &str| ExternalList::parse(text.as_bytes(), "mine", &catalogue);
        let filter = parse("||tracker.example^\n").unwrap();
        assert_eq!(&*filter.name, "mine");
        assert_eq!(filter.prefix, "mine");
        let titled = parse("! Title: EasyPrivacy\n||tracker.example^\n").unwrap();
        assert_eq!(titled.prefix, "easyprivacy");
        let json = parse(
            r#"{"categories": {"Analytics": [{"Google": {"https://g.example/": ["g.example"]}}]}}"#,
        )
        .unwrap();
        assert_eq!(&*json.name, "Disconnect");
        let url = Url::parse("https://x.g.example/a.js").unwrap();
        let hit = json
            .check(
                &url,
                "x.g.example",
                "https://school.nl/",
                EvidenceKind::ScriptSrc,
                "",
            )
            .unwrap();
        assert_eq!(hit.id, "disconnect:google");
        assert_eq!(hit.organization, "Google LLC", "known to the catalogue");
        assert_eq!(hit.country, "US");
        for bad in [
            "",
            "  \n",
            "<html><body>404</body></html>",
            "{\"categories\": ",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(ExternalList::parse(b"\x00\x01\xff\xfe", "bin", &catalogue).is_err());
    }
}
