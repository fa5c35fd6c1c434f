//! The English texts of the tool, to find in a report meant to be Dutch. The texts are
//! collected from where they are written — every bilingual pair in the report, policy and
//! country code, and the catalogue — not picked by hand.

use std::path::Path;

use regex::Regex;
use trackaudit::Lang;
use trackaudit::lists::Catalogue;
use trackaudit::report::i18n;
use trackaudit::report::model::{Coverage, Summary};

/// Every pair of string literals written as (English, Dutch) in `file`: tuples, `t(lang, …)`
/// and `words(…)` calls, and the arms of `(Lang::En, X)` / `(Lang::Nl, X)` tables.
fn pairs_in_source(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let lit = r#""((?:[^"\\]|\\.)*)""#;
    let tuple = Regex::new(&format!(
        r"(?:\bt\(\s*lang,|\bwords\(|\()\s*{lit},\s*{lit},?\s*\)"
    ))
    .unwrap();
    let mut pairs: Vec<(String, String)> = tuple
        .captures_iter(&text)
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .collect();
    let arm = |lang: &str| {
        let re = Regex::new(&format!(r"\(Lang::{lang}, (\w+)\) =>\s*\{{?\s*{lit}")).unwrap();
        re.captures_iter(&text)
            .map(|c| (c[1].to_owned(), c[2].to_owned()))
            .collect::<Vec<_>>()
    };
    let dutch = arm("Nl");
    for (key, en) in arm("En") {
        if let Some((_, nl)) = dutch.iter().find(|(k, _)| *k == key) {
            pairs.push((en, nl.clone()));
        }
    }
    pairs
}

/// The English texts a Dutch report must not contain.
pub fn english_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("src/report"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.extend(
        [
            "src/policy/rules.rs",
            "src/policy/texts.rs",
            "src/countries.rs",
        ]
        .iter()
        .map(|f| root.join(f)),
    );
    let mut pairs: Vec<(String, String)> = files.iter().flat_map(|f| pairs_in_source(f)).collect();
    // countries.rs holds triples (code, English, Dutch).
    let countries = std::fs::read_to_string(root.join("src/countries.rs")).unwrap();
    let triple = Regex::new(r#"\("[A-Z]{2}", "([^"]+)", "([^"]+)"\)"#).unwrap();
    pairs.extend(
        triple
            .captures_iter(&countries)
            .map(|c| (c[1].to_owned(), c[2].to_owned())),
    );
    let catalogue = Catalogue::embedded().unwrap();
    for service in &catalogue.services {
        pairs.push((service.name.clone(), service.name_nl.clone()));
        pairs.push((service.advice.en.clone(), service.advice.nl.clone()));
        pairs.push((
            service.alternative.en.clone(),
            service.alternative.nl.clone(),
        ));
    }
    for category in &catalogue.categories {
        pairs.push((category.en.clone(), category.nl.clone()));
    }
    // Texts made with numbers, split where they join their parts.
    let coverage = Coverage {
        pages_scanned: 1,
        not_html: 1,
        errors: 1,
        aliases: 1,
        not_visited: 1,
        skipped_by_robots: 1,
        excluded: 1,
        ..Coverage::default()
    };
    let summary = Summary {
        pages: 1,
        errors: 1,
        third_parties: 1,
        ..Summary::default()
    };
    for (en, nl) in [
        (
            i18n::coverage(Lang::En, &coverage),
            i18n::coverage(Lang::Nl, &coverage),
        ),
        (
            i18n::counts(Lang::En, &summary),
            i18n::counts(Lang::Nl, &summary),
        ),
    ] {
        let parts = |t: &str| -> Vec<String> {
            t.split([',', '·', '—'])
                .map(|p| {
                    p.trim()
                        .trim_start_matches(char::is_numeric)
                        .trim()
                        .to_owned()
                })
                .collect()
        };
        pairs.extend(parts(&en).into_iter().zip(parts(&nl)));
    }
    // A word that Dutch texts use too ("Analytics" in "Google Analytics") is no sign of English.
    let dutch: Vec<&str> = pairs.iter().map(|(_, nl)| nl.as_str()).collect();
    let mut english: Vec<String> = pairs
        .iter()
        .filter(|(en, nl)| en != nl)
        .map(|(en, _)| en.replace("\\\"", "\""))
        // Format strings are checked by their literal parts elsewhere; a lone word under five
        // letters ("more", "page") is too common in page code to test for alone.
        .filter(|en| !en.contains('{') && en.chars().filter(|c| c.is_alphabetic()).count() >= 5)
        .collect();
    english.sort();
    english.dedup();
    english.retain(|en| {
        let word = word(en);
        !dutch.iter().any(|nl| word.is_match(nl))
    });
    english
}

/// The report's text as a reader sees it, without what comes from the scanned pages (markup,
/// code spans, URLs): those are the site's words, not the tool's.
pub fn tool_text(text: &str) -> String {
    let markup =
        Regex::new(r"(?s)<style>.*?</style>|<code>.*?</code>|<[^>]*>|`[^`]*`|\S*(?:://|/)\S*")
            .unwrap();
    markup
        .replace_all(&text.replace("&#39;", "'").replace("&quot;", "\""), " ")
        .into_owned()
}

/// A regex that finds `phrase` as whole words.
pub fn word(phrase: &str) -> Regex {
    Regex::new(&format!(
        r"(?:^|[^\w-]){}(?:$|[^\w-])",
        regex::escape(phrase)
    ))
    .unwrap()
}

/// The English texts, each with the regex that finds it as whole words.
pub struct English {
    pub texts: Vec<(String, Regex)>,
}

impl English {
    pub fn collect() -> English {
        let texts = english_texts()
            .into_iter()
            .map(|en| {
                let re = word(&en);
                (en, re)
            })
            .collect();
        English { texts }
    }

    /// The English texts found in a report's text, leaving out what comes from the scanned
    /// pages (see [`tool_text`]).
    pub fn found_in(&self, report: &str) -> Vec<String> {
        let text = tool_text(report);
        self.texts
            .iter()
            .filter(|(_, re)| re.is_match(&text))
            .map(|(en, _)| en.clone())
            .collect()
    }
}
