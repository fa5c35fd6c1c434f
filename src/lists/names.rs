//! The names a privacy or cookie statement may use for a service: its name (in English and
//! Dutch, without a parenthesised note), the catalogue's `known_as` aliases, its organisation's
//! names and its host patterns — compiled into one Aho-Corasick automaton, so a statement of a
//! megabyte is searched for every name of the catalogue in one pass.
//!
//! Text and names are compared in a normal form: lowercase, every run of characters that are
//! not letters or digits one space. A name counts only as whole words ("Meta" is not found in
//! "metadata"), and of names that overlap the longest wins: "Google Analytics" names Google
//! Analytics, not the organisation Google, so it does not disclose YouTube as well. Category
//! words ("analytische cookies", "social media") are no names.

use aho_corasick::AhoCorasick;

use super::catalogue::Catalogue;
use crate::error::Error;
use crate::vocab::ServiceIdx;

/// Shortest normal-form name that counts (a name of one or two letters, such as X, is
/// everywhere).
const MIN_NAME_CHARS: usize = 3;
/// Shortest normal-form host that counts (`t.co` would be found in ordinary text).
const MIN_HOST_CHARS: usize = 6;

/// How a statement names a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum By {
    /// Its name, in English or Dutch.
    Name,
    /// One of the catalogue's `known_as` aliases.
    Alias,
    /// One of its host patterns (`hotjar.com`).
    Host,
    /// The name of the organisation that runs it.
    Organization,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Name => "name",
            By::Alias => "alias",
            By::Host => "host",
            By::Organization => "organization",
        }
    }
}

/// Whom a name names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Service(ServiceIdx, By),
    /// An organisation, by its name in `organizations.toml`.
    Organization(String),
}

/// One name as the catalogue writes it, and everyone it names.
#[derive(Debug, Clone)]
pub struct Name {
    pub written: String,
    pub owners: Vec<Owner>,
}

/// A name found in a statement: which, and where in the normal-form text (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub name: usize,
    pub start: usize,
    pub end: usize,
}

/// Every name of the catalogue, compiled.
#[derive(Debug)]
pub struct Names {
    pub names: Vec<Name>,
    automaton: AhoCorasick,
}

/// `text` in the normal form names are compared in: lowercase, each run of characters that are
/// not letters or digits one space, no space at either end. A word of one capital letter keeps
/// its case: "X" is a platform's name, "3 x per week" is not.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if is_lone_capital(word) {
            out.push_str(word);
        } else {
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// One capital letter and nothing else: the only kind of name shorter than three characters
/// that is matched (a lone capital in running text is rarely anything but a name).
pub fn is_lone_capital(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// A name without a parenthesised note at its end: "Matomo (self-hosted)" → "Matomo".
pub fn bare_name(name: &str) -> &str {
    match name.find(" (") {
        Some(at) if name.ends_with(')') => name[..at].trim(),
        _ => name.trim(),
    }
}

/// An organisation's legal name without its legal form: "Google LLC" → "Google",
/// "Meta Platforms, Inc." → "Meta Platforms".
pub fn without_legal_form(name: &str) -> &str {
    const FORMS: &[&str] = &[
        "inc.",
        "inc",
        "llc",
        "ltd.",
        "ltd",
        "limited",
        "b.v.",
        "bv",
        "n.v.",
        "sas",
        "s.a.",
        "sa",
        "ab",
        "a/s",
        "aps",
        "as",
        "asa",
        "gmbh",
        "ag",
        "corp.",
        "corporation",
        "pty",
        "s.r.o.",
        "s.r.l.",
        "oy",
        "oü",
        "pbc",
        "pte.",
        "plc",
        "s.l.",
        "sl",
        "uab",
        "ehf.",
        "d.o.o.",
        "u.a.",
        "pvt.",
        "co.",
        "kg",
        "&",
        "ug",
        "(haftungsbeschränkt)",
        "sp.",
        "z",
        "o.o.",
    ];
    let mut rest = name.trim();
    loop {
        let trimmed = rest.trim_end_matches([',', ' ']);
        let Some((head, last)) = trimmed.rsplit_once(' ') else {
            return trimmed;
        };
        if FORMS.iter().any(|f| last.eq_ignore_ascii_case(f)) {
            rest = head;
        } else {
            return trimmed;
        }
    }
}

impl Names {
    /// The names of every service and organisation of `catalogue`.
    pub fn new(catalogue: &Catalogue) -> Result<Names, Error> {
        let mut names: Vec<Name> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut add = |written: &str, owner: Owner, min: usize| {
            let key = normalize(written);
            if key.chars().count() < min && !is_lone_capital(&key) {
                return;
            }
            match keys.iter().position(|k| *k == key) {
                Some(i) if !names[i].owners.contains(&owner) => names[i].owners.push(owner),
                Some(_) => {}
                None => {
                    keys.push(key);
                    names.push(Name {
                        written: written.to_owned(),
                        owners: vec![owner],
                    });
                }
            }
        };
        for (idx, service) in catalogue.services.iter().enumerate() {
            if !service.generic_name {
                for name in [&service.name, &service.name_nl] {
                    add(
                        bare_name(name),
                        Owner::Service(idx, By::Name),
                        MIN_NAME_CHARS,
                    );
                }
            }
            for alias in &service.known_as {
                add(alias, Owner::Service(idx, By::Alias), MIN_NAME_CHARS);
            }
            for host in &service.hosts {
                add(host, Owner::Service(idx, By::Host), MIN_HOST_CHARS);
            }
        }
        for org in &catalogue.organizations {
            let owner = Owner::Organization(org.name.clone());
            if org.known_as.is_empty() {
                add(without_legal_form(&org.name), owner, MIN_NAME_CHARS);
            } else {
                for alias in &org.known_as {
                    add(alias, owner.clone(), MIN_NAME_CHARS);
                }
            }
        }
        let automaton = AhoCorasick::new(&keys).map_err(|e| Error::List {
            file: "tracker-lists".into(),
            message: format!("the names of the catalogue do not compile: {e}"),
        })?;
        Ok(Names { names, automaton })
    }

    /// The names in `text` (already in [`normalize`]d form): whole words only, and of names
    /// that overlap the leftmost, then the longest.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let bytes = text.as_bytes();
        let mut found: Vec<Mention> = self
            .automaton
            .find_overlapping_iter(text)
            .filter(|m| {
                (m.start() == 0 || bytes[m.start() - 1] == b' ')
                    && (m.end() == bytes.len() || bytes[m.end()] == b' ')
            })
            .map(|m| Mention {
                name: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect();
        found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out: Vec<Mention> = Vec::new();
        for mention in found {
            if out.last().is_none_or(|last| mention.start >= last.end) {
                out.push(mention);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form_and_bare_names() {
        assert_eq!(
            normalize("  Meta-pixel, Google   Analytics (GA4)!"),
            "meta pixel google analytics ga4"
        );
        assert_eq!(normalize("Calaméo"), "calaméo");
        assert_eq!(bare_name("Matomo (self-hosted)"), "Matomo");
        assert_eq!(bare_name("Google Analytics"), "Google Analytics");
        assert_eq!(without_legal_form("Google LLC"), "Google");
        assert_eq!(without_legal_form("Meta Platforms, Inc."), "Meta Platforms");
        assert_eq!(
            without_legal_form("SoundCloud Global Limited & Co. KG"),
            "SoundCloud Global"
        );
        assert_eq!(without_legal_form("Kadaster"), "Kadaster");
    }

    #[test]
    fn a_lone_capital_is_a_name_and_a_small_letter_is_not() {
        let catalogue = Catalogue::embedded().unwrap();
        let names = Names::new(&catalogue).unwrap();
        let found = |text: &str| -> Vec<String> {
            let text = normalize(text);
            names
                .mentions(&text)
                .iter()
                .map(|m| text[m.start..m.end].to_owned())
                .collect()
        };
        assert_eq!(found("berichten van Instagram en X."), ["instagram", "X"]);
        assert!(found("wij mailen 3 x per jaar; zie bijlage x").is_empty());
        assert_eq!(normalize("X (voorheen Twitter)"), "X voorheen twitter");
    }

    #[test]
    fn the_longest_whole_word_name_wins() {
        let catalogue = Catalogue::embedded().unwrap();
        let names = Names::new(&catalogue).unwrap();
        let text =
            normalize("Wij gebruiken Google Analytics en metadata; verder niets van Google.");
        let found: Vec<String> = names
            .mentions(&text)
            .iter()
            .map(|m| text[m.start..m.end].to_owned())
            .collect();
        assert_eq!(found, ["google analytics", "google"]);
    }
}
