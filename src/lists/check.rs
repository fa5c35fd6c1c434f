//! `trackaudit lists --check`: everything the catalogue promises, verified.

use std::collections::{HashMap, HashSet};

use regex::Regex;

use super::catalogue::{Catalogue, Text};

/// The ids the design promises to users and tests.
pub const REQUIRED_SERVICE_IDS: &[&str] = &[
    "google-analytics",
    "google-tag-manager",
    "google-ads",
    "doubleclick",
    "meta-pixel",
    "facebook-social",
    "instagram-embed",
    "linkedin-insight",
    "linkedin-social",
    "tiktok-pixel",
    "tiktok-embed",
    "x-twitter",
    "pinterest",
    "snapchat-pixel",
    "microsoft-clarity",
    "microsoft-uet",
    "hotjar",
    "youtube",
    "youtube-nocookie",
    "vimeo",
    "google-fonts",
    "adobe-fonts",
    "google-maps",
    "recaptcha",
    "cloudflare-cdnjs",
    "jsdelivr",
    "unpkg",
    "google-hosted-libraries",
    "addthis",
    "sharethis",
    "matomo",
    "matomo-cloud",
    "piwik-pro",
    "plausible",
    "simple-analytics",
    "issuu",
    "spotify-embed",
    "soundcloud",
    "hubspot",
    "intercom",
    "zendesk",
    "tawk-to",
    "mailchimp",
    "google-forms",
    "microsoft-forms",
    "typeform",
];

/// The categories the rules know about.
pub const KNOWN_CATEGORIES: &[&str] = &[
    "analytics",
    "tag-manager",
    "advertising",
    "session-recording",
    "social",
    "video",
    "audio",
    "fonts",
    "cdn",
    "maps",
    "captcha",
    "chat",
    "forms",
    "newsletter",
    "documents",
    "consent",
    "booking",
    "education",
    "other",
];

/// Every problem found; empty means the catalogue is valid.
pub fn check(catalogue: &Catalogue) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    let mut host_owner: HashMap<String, &str> = HashMap::new();
    let mut url_owner: HashMap<String, &str> = HashMap::new();
    for (service, source) in catalogue.services.iter().zip(&catalogue.sources) {
        let at = format!("{source}: service {:?}", service.id);
        check_entry(&mut problems, &at, &service.id, &service.name, &mut ids);
        if service.name_nl.trim().is_empty() {
            problems.push(format!("{at}: no name_nl (the name a Dutch report shows)"));
        }
        match catalogue.organization(&service.organization) {
            None => problems.push(format!(
                "{at}: organisation {:?} is not in organizations.toml",
                service.organization
            )),
            Some(org) if org.country.len() != 2 => problems.push(format!(
                "{at}: organisation {:?} has no ISO country code",
                org.name
            )),
            Some(_) => {}
        }
        if !KNOWN_CATEGORIES.contains(&service.category.as_str()) {
            problems.push(format!("{at}: unknown category {:?}", service.category));
        }
        if service.hosts.is_empty()
            && service.urls.is_empty()
            && service.signatures.is_empty()
            && service.self_hosted_paths.is_empty()
            && service.paths.is_empty()
        {
            problems.push(format!(
                "{at}: no host, URL pattern or signature: it can never match"
            ));
        }
        for host in &service.hosts {
            if !is_host_pattern(host) {
                problems.push(format!("{at}: {host:?} is not a lowercase hostname"));
            }
            if let Some(other) = host_owner.insert(host.clone(), &service.id) {
                problems.push(format!("{at}: host {host:?} is also claimed by {other:?}"));
            }
        }
        for path in &service.paths {
            if !path.starts_with('/') || path.len() < 4 {
                problems.push(format!(
                    "{at}: path {path:?} must start with / and name a loader, e.g. /gtm.js?id=GTM-"
                ));
            }
        }
        for url in &service.urls {
            let host = url.split('/').next().unwrap_or_default();
            if !url.contains('/') || !is_host_pattern(host) {
                problems.push(format!(
                    "{at}: URL pattern {url:?} must be host/path, e.g. facebook.com/tr"
                ));
            }
            if let Some(other) = url_owner.insert(url.clone(), &service.id) {
                problems.push(format!(
                    "{at}: URL pattern {url:?} is also claimed by {other:?}"
                ));
            }
        }
        for signature in &service.signatures {
            match Regex::new(signature) {
                Err(e) => problems.push(format!("{at}: invalid signature {signature:?}: {e}")),
                Ok(re) if re.is_match("") => {
                    problems.push(format!("{at}: signature {signature:?} matches empty text"))
                }
                Ok(_) if has_wide_counted_repetition(signature) => problems.push(format!(
                    "{at}: signature {signature:?} has a counted repetition above {MAX_REPETITION}: \
                     it slows down the scan of every inline script (use `.*?` instead)"
                )),
                Ok(_) => {}
            }
        }
        for other in &service.superseded_by {
            if !catalogue.services.iter().any(|s| &s.id == other) {
                problems.push(format!(
                    "{at}: superseded_by names unknown service {other:?}"
                ));
            }
        }
        check_text(&mut problems, &at, "advice", &service.advice);
        check_text(&mut problems, &at, "alternative", &service.alternative);
        check_names(&mut problems, &at, &service.known_as);
    }
    check_platforms(&mut problems, catalogue);

    for id in REQUIRED_SERVICE_IDS {
        if !ids.contains(id) {
            problems.push(format!("required service id {id:?} is missing"));
        }
    }
    for category in KNOWN_CATEGORIES {
        match catalogue.category(category) {
            None => problems.push(format!(
                "category {category:?} has no labels in categories.toml"
            )),
            Some(c) if c.en.trim().is_empty() || c.nl.trim().is_empty() => {
                problems.push(format!("category {category:?} needs labels in en and nl"))
            }
            Some(_) => {}
        }
    }
    let mut org_names = HashSet::new();
    for org in &catalogue.organizations {
        check_names(
            &mut problems,
            &format!("organisation {:?}", org.name),
            &org.known_as,
        );
        if !org_names.insert(org.name.as_str()) {
            problems.push(format!("organisation {:?} is listed twice", org.name));
        }
        if org.country.len() != 2 || org.country.to_uppercase() != org.country {
            problems.push(format!(
                "organisation {:?}: country {:?} is not an ISO 3166-1 alpha-2 code",
                org.name, org.country
            ));
        }
        if org.dpf && org.country != catalogue.jurisdictions.dpf.country {
            problems.push(format!(
                "organisation {:?}: DPF certification only applies to {} organisations",
                org.name, catalogue.jurisdictions.dpf.country
            ));
        }
    }
    for alias in &catalogue.aliases {
        for domain in std::iter::once(&alias.canonical).chain(&alias.domains) {
            if !is_host_pattern(domain) {
                problems.push(format!("alias: {domain:?} is not a lowercase domain"));
            }
        }
        for domain in &alias.domains {
            if let Some(owner) = host_owner.get(domain) {
                problems.push(format!(
                    "alias: {domain:?} is matched as {:?}, so the host pattern of {owner:?} never applies",
                    alias.canonical
                ));
            }
        }
    }
    let j = &catalogue.jurisdictions;
    let countries = catalogue
        .organizations
        .iter()
        .map(|o| (o.name.as_str(), o.country.as_str()))
        .chain(j.eea.iter().map(|c| ("the EEA", c.as_str())))
        .chain(
            j.adequacy
                .iter()
                .map(|a| ("an adequacy decision", a.country.as_str())),
        );
    for (whose, code) in countries {
        if !code.is_empty() && crate::countries::name(crate::Lang::En, code).is_none() {
            problems.push(format!(
                "country {code:?} of {whose} has no name in src/countries.rs (English and Dutch)"
            ));
        }
    }
    if j.eea.len() != 30 {
        problems.push(format!(
            "jurisdictions: the EEA has 30 member states, the list has {}",
            j.eea.len()
        ));
    }
    if j.dpf.country.is_empty() {
        problems.push("jurisdictions: [dpf] country is missing".into());
    }
    problems.extend(super::cmp::check(&catalogue.cmps, |id| {
        catalogue.service_by_id(id).is_some()
    }));
    problems
}

/// The id of a service or a consent platform: well formed and unique; its name not empty.
pub(super) fn check_entry<'a>(
    problems: &mut Vec<String>,
    at: &str,
    id: &'a str,
    name: &str,
    ids: &mut HashSet<&'a str>,
) {
    static ID: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*$").expect("static regex"));
    if !ID.is_match(id) {
        problems.push(format!(
            "{at}: id must be lowercase letters, digits and dashes"
        ));
    }
    if !ids.insert(id) {
        problems.push(format!("{at}: duplicate id"));
    }
    if name.trim().is_empty() {
        problems.push(format!("{at}: empty name"));
    }
}

/// `known_as` names: each must keep at least three letters or digits in the form statements
/// are compared in, or it would be found in any text; a lone capital ("X") is the exception.
fn check_names(problems: &mut Vec<String>, at: &str, names: &[String]) {
    use crate::lists::names::{is_lone_capital, normalize};
    for name in names {
        let key = normalize(name);
        if key.chars().count() < 3 && !is_lone_capital(&key) {
            problems.push(format!(
                "{at}: known_as {name:?} has fewer than 3 letters or digits"
            ));
        }
    }
}

/// The social platforms: unique ids, a known kind and organisation, host patterns, and URL
/// shapes that compile.
fn check_platforms(problems: &mut Vec<String>, catalogue: &Catalogue) {
    let mut ids = HashSet::new();
    for platform in &catalogue.platforms {
        let at = format!("platform {:?}", platform.id);
        if !ids.insert(platform.id.as_str()) {
            problems.push(format!("{at}: duplicate id"));
        }
        if !matches!(platform.kind.as_str(), "big-tech" | "open") {
            problems.push(format!(
                "{at}: kind {:?} is neither big-tech nor open",
                platform.kind
            ));
        }
        if platform.name.trim().is_empty() || platform.name_nl.trim().is_empty() {
            problems.push(format!("{at}: name and name_nl are required"));
        }
        if !platform.organization.is_empty()
            && catalogue.organization(&platform.organization).is_none()
        {
            problems.push(format!(
                "{at}: organisation {:?} is not in organizations.toml",
                platform.organization
            ));
        }
        if platform.hosts.is_empty() && platform.host_prefixes.is_empty() {
            problems.push(format!("{at}: no hosts: it can never match"));
        }
        for host in &platform.hosts {
            if !is_host_pattern(host) {
                problems.push(format!("{at}: {host:?} is not a lowercase hostname"));
            }
        }
        for (field, pattern) in [("account", &platform.account), ("share", &platform.share)] {
            match Regex::new(pattern) {
                Err(e) => problems.push(format!("{at}: invalid {field} pattern: {e}")),
                Ok(re) if field == "account" && re.captures_len() < 2 => problems.push(format!(
                    "{at}: the account pattern needs a capture group (the account's path)"
                )),
                Ok(_) => {}
            }
        }
    }
}

fn check_text(problems: &mut Vec<String>, at: &str, field: &str, text: &Text) {
    if text.en.trim().is_empty() || text.nl.trim().is_empty() {
        problems.push(format!("{at}: {field} needs both en and nl"));
    }
}

/// All signatures run as one `RegexSet`; a counted repetition such as `{0,200}` multiplies its
/// automaton's states and once made the whole set fall back to its slowest engine.
const MAX_REPETITION: u32 = 100;

fn has_wide_counted_repetition(signature: &str) -> bool {
    static COUNTED: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"\{\d*,(\d+)\}").expect("static regex"));
    COUNTED.captures_iter(signature).any(|caps| {
        caps[1]
            .parse::<u32>()
            .map_or(true, |max| max > MAX_REPETITION)
    })
}

fn is_host_pattern(host: &str) -> bool {
    !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalogue_is_valid() {
        let catalogue = Catalogue::embedded().expect("embedded lists parse");
        let problems = check(&catalogue);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
