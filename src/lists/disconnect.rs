//! Disconnect's `services.json`: categories → company → homepage → domains. A request matches
//! when its host is one of the domains or below one; the company names the organisation.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;

/// One company of the list, with the catalogue category it maps to.
#[derive(Debug, Clone)]
pub struct Company {
    pub name: String,
    pub category: &'static str,
}

/// A domain of the list: which company, and where in the file (for the evidence).
#[derive(Debug, Clone)]
struct Entry {
    company: usize,
    /// Disconnect's own category of this domain, e.g. `Analytics`.
    category: String,
    rank: usize,
}

#[derive(Debug, Default)]
pub struct DisconnectList {
    pub companies: Vec<Company>,
    domains: HashMap<String, Entry>,
}

/// A domain's company and the path to it in the file, e.g. `Analytics › comScore ›
/// scorecardresearch.com`.
pub struct DisconnectHit<'a> {
    pub company: &'a Company,
    /// Index of the company in [`DisconnectList::companies`].
    pub company_idx: usize,
    pub rule: String,
}

/// Company name → its homepage (→ domains) and flags such as `"session-replay": "true"`.
type CompanyEntry = BTreeMap<String, BTreeMap<String, Value>>;

// Ordered maps: a domain listed twice keeps the same category on every run.
#[derive(Deserialize)]
struct File {
    categories: BTreeMap<String, Vec<CompanyEntry>>,
}

impl DisconnectList {
    pub fn parse(text: &str) -> Result<DisconnectList, String> {
        let file: File = serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                format!("not a Disconnect services.json: {e}")
            } else {
                format!("invalid JSON: {e}")
            }
        })?;
        let mut list = DisconnectList::default();
        let mut company_ids: HashMap<String, usize> = HashMap::new();
        for (category, entries) in &file.categories {
            for entry in entries {
                for (name, sites) in entry {
                    // Disconnect flags session-replay vendors on the company, next to its sites.
                    let replay =
                        sites.get("session-replay").and_then(Value::as_str) == Some("true");
                    let mapped = map_category(category, replay);
                    let idx = *company_ids.entry(name.clone()).or_insert_with(|| {
                        list.companies.push(Company {
                            name: name.clone(),
                            category: mapped,
                        });
                        list.companies.len() - 1
                    });
                    // A company listed under several categories gets the most invasive one.
                    let company = &mut list.companies[idx];
                    if rank(mapped) < rank(company.category) {
                        company.category = mapped;
                    }
                    for domain in sites.values().filter_map(Value::as_array).flatten() {
                        let Some(domain) = domain.as_str() else {
                            continue;
                        };
                        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
                        if domain.is_empty() {
                            continue;
                        }
                        let new = Entry {
                            company: idx,
                            category: category.clone(),
                            rank: rank(mapped),
                        };
                        list.domains
                            .entry(domain)
                            .and_modify(|old| {
                                if new.rank < old.rank {
                                    *old = new.clone();
                                }
                            })
                            .or_insert(new);
                    }
                }
            }
        }
        if list.domains.is_empty() {
            return Err("no domain in its categories".into());
        }
        Ok(list)
    }

    /// The company whose domain `host` is or lies under (most specific domain first).
    pub fn check(&self, host: &str) -> Option<DisconnectHit<'_>> {
        let mut suffixes = std::iter::successors(Some(host), |h| h.split_once('.').map(|(_, r)| r));
        suffixes.find_map(|suffix| {
            let entry = self.domains.get(suffix)?;
            let company = &self.companies[entry.company];
            Some(DisconnectHit {
                company,
                company_idx: entry.company,
                rule: format!("{} › {} › {suffix}", entry.category, company.name),
            })
        })
    }
}

/// Disconnect's categories onto the catalogue's (README, "External lists"). Fingerprinting that
/// Disconnect calls invasive follows visitors across sites as advertising does; the general kind
/// is measurement.
fn map_category(category: &str, session_replay: bool) -> &'static str {
    match category {
        "Advertising" | "FingerprintingInvasive" => "advertising",
        "Analytics" | "FingerprintingGeneral" if session_replay => "session-recording",
        "Analytics" | "FingerprintingGeneral" => "analytics",
        "Social" => "social",
        "Email" | "EmailAggressive" => "newsletter",
        "Anti-fraud" => "captcha",
        "ConsentManagers" => "consent",
        _ => "other",
    }
}

/// Lower is more invasive: the category a company or domain keeps when listed more than once.
fn rank(category: &str) -> usize {
    [
        "advertising",
        "session-recording",
        "analytics",
        "social",
        "newsletter",
        "captcha",
        "consent",
    ]
    .iter()
    .position(|c| *c == category)
    .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"categories": {
        "Content": [{"Acme": {"https://acme.example/": ["static.acme.example"]}}],
        "Analytics": [{"Acme": {"https://acme.example/": ["acme.example"]}},
                      {"Replay Co": {"https://replay.example/": ["replay.example"], "session-replay": "true"}}],
        "Email": [{"Acme": {"https://acme.example/": ["acme.example"]}}]
    }}"#;

    #[test]
    fn most_specific_domain_and_most_invasive_category_win() {
        let list = DisconnectList::parse(JSON).unwrap();
        let hit = list.check("www.acme.example").unwrap();
        assert_eq!(hit.company.name, "Acme");
        assert_eq!(hit.company.category, "analytics");
        assert_eq!(hit.rule, "Analytics › Acme › acme.example");
        let hit = list.check("static.acme.example").unwrap();
        assert_eq!(hit.rule, "Content › Acme › static.acme.example");
        assert_eq!(
            list.check("x.replay.example").unwrap().company.category,
            "session-recording"
        );
        assert!(list.check("example").is_none());
    }

    #[test]
    fn bad_json_is_refused() {
        assert!(DisconnectList::parse(r#"{"categories": {"Ads": [{"A": {"#).is_err());
        assert!(DisconnectList::parse(r#"{"categories": {}}"#).is_err());
        assert!(DisconnectList::parse(r#"{"categories": []}"#).is_err());
    }
}
