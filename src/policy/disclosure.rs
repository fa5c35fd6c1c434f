//! Does the privacy statement name what the site really does? Every third-party service found
//! is looked up in the statements' text by the names of [`crate::lists::names`]: its name or
//! an alias, a host, or its organisation's name (which counts for all that organisation's
//! services). Category words never count. And the reverse: services a statement names (by
//! name, alias or host, not by organisation) that the scan did not find.

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::SiteFacts;
use crate::lists::Lists;
use crate::lists::names::{By, Owner, normalize};
use crate::report::model::{Disclosure, Statements};
use crate::vocab::ServiceIdx;

/// What the statements say, for the report and the rules; `None` when the site links no
/// statement (the `missing-privacy-statement` rule speaks then, and nothing is concluded).
pub fn evaluate(facts: &SiteFacts, lists: &Lists) -> Option<Statements> {
    if facts.statements.is_empty() {
        return None;
    }
    let mut out = Statements {
        read: facts.statements.iter().map(|s| s.report.clone()).collect(),
        ..Statements::default()
    };
    let texts: Vec<(&str, &str)> = facts
        .statements
        .iter()
        .filter(|s| s.report.read)
        .map(|s| (s.report.url.as_str(), s.text.as_str()))
        .collect();
    if texts.is_empty() {
        return Some(out);
    }
    let catalogue = &lists.catalogue;
    let names = &lists.names;
    // Per catalogue service: the best way a statement names it (name before alias before host
    // before organisation), the name, and the statement.
    let mut named: BTreeMap<ServiceIdx, (By, usize, &str)> = BTreeMap::new();
    let mut orgs: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for &(url, text) in &texts {
        for mention in names.mentions(text) {
            for owner in &names.names[mention.name].owners {
                match owner {
                    Owner::Service(idx, by) => {
                        let better = named.get(idx).is_none_or(|(b, _, _)| by < b);
                        if better {
                            named.insert(*idx, (*by, mention.name, url));
                        }
                    }
                    Owner::Organization(org) => {
                        orgs.entry(org.as_str()).or_insert((mention.name, url));
                    }
                }
            }
        }
    }
    let third_party = |idx: ServiceIdx| !facts.self_hosted(idx, lists);
    for &idx in facts.services.keys().filter(|&&i| third_party(i)) {
        let service = &catalogue.services[idx];
        let by_org = orgs
            .get(service.organization.as_str())
            .map(|&(name, url)| (By::Organization, name, url));
        let found = named.get(&idx).copied().or(by_org);
        out.services.push(match found {
            Some((by, name, url)) => Disclosure {
                service: service.id.clone(),
                by: Some(by.as_str().to_owned()),
                term: Some(names.names[name].written.clone()),
                statement: Some(url.to_owned()),
            },
            None => Disclosure {
                service: service.id.clone(),
                by: None,
                term: None,
                statement: None,
            },
        });
    }
    for (id, external) in &facts.external {
        let terms = std::iter::once((By::Name, external.info.name.clone()))
            .chain(external.facts.hosts.iter().map(|h| (By::Host, h.clone())));
        let found = terms.into_iter().find_map(|(by, term)| {
            let key = normalize(&term);
            texts
                .iter()
                .find(|(_, text)| !key.is_empty() && contains_words(text, &key))
                .map(|(url, _)| (by, term, *url))
        });
        out.services.push(Disclosure {
            service: id.clone(),
            by: found.as_ref().map(|(by, _, _)| by.as_str().to_owned()),
            term: found.as_ref().map(|(_, term, _)| term.clone()),
            statement: found.map(|(_, _, url)| url.to_owned()),
        });
    }
    out.services.sort_by(|a, b| a.service.cmp(&b.service));
    out.named_not_found = named_not_found(facts, lists, &texts);
    Some(out)
}

/// Services a statement names by their own name, an alias or a host, none of whose namesakes
/// the scan found ("YouTube" names youtube and youtube-nocookie: either found accounts for it).
/// A name that is also an everyday word (`generic_name`) is not taken as naming a service.
fn named_not_found(facts: &SiteFacts, lists: &Lists, texts: &[(&str, &str)]) -> Vec<Disclosure> {
    let catalogue = &lists.catalogue;
    let names = &lists.names;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &(url, text) in texts {
        for mention in names.mentions(text) {
            let name = &names.names[mention.name];
            let services: Vec<(ServiceIdx, By)> = name
                .owners
                .iter()
                .filter_map(|o| match o {
                    Owner::Service(idx, by) => Some((*idx, *by)),
                    Owner::Organization(_) => None,
                })
                .filter(|(idx, by)| !(*by == By::Name && catalogue.services[*idx].generic_name))
                .collect();
            // "LinkedIn" is also the organisation's name: one of its services on the site
            // accounts for it.
            let org_found = name.owners.iter().any(|o| match o {
                Owner::Organization(org) => facts
                    .services
                    .keys()
                    .any(|&i| catalogue.services[i].organization == *org),
                Owner::Service(..) => false,
            });
            if org_found
                || services
                    .iter()
                    .any(|(idx, _)| facts.services.contains_key(idx))
            {
                continue;
            }
            // A name several services carry as an alias (Matomo Cloud's "Matomo") is the one
            // whose own name it is.
            // "YouTube" is the bare name of youtube and youtube-nocookie: the service whose
            // full name it is.
            let exact: Vec<&(ServiceIdx, By)> = services
                .iter()
                .filter(|(idx, by)| {
                    let service = &catalogue.services[*idx];
                    *by == By::Name
                        && (service.name == name.written || service.name_nl == name.written)
                })
                .collect();
            let own: Vec<&(ServiceIdx, By)> = if exact.is_empty() {
                services.iter().filter(|(_, by)| *by != By::Alias).collect()
            } else {
                exact
            };
            let chosen: Vec<&(ServiceIdx, By)> = if own.is_empty() {
                services.iter().collect()
            } else {
                own
            };
            for &(idx, by) in chosen {
                if seen.insert(idx) {
                    out.push(Disclosure {
                        service: catalogue.services[idx].id.clone(),
                        by: Some(by.as_str().to_owned()),
                        term: Some(name.written.clone()),
                        statement: Some(url.to_owned()),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}

/// Whether normal-form `text` holds normal-form `words` as whole words.
fn contains_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(at, _)| {
        let end = at + words.len();
        (at == 0 || text.as_bytes()[at - 1] == b' ')
            && (end == text.len() || text.as_bytes()[end] == b' ')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert!(contains_words("wij gebruiken histats com", "histats com"));
        assert!(!contains_words("wij gebruiken xhistats com", "histats com"));
    }
}
