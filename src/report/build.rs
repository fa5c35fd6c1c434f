//! From a site's facts and findings to the report model.

use crate::audit::SiteFacts;
use crate::lists::{Lists, Transfer};
use crate::report::model::{
    ConsentChoice, ConsentPlatform, ConsentReport, Finding, ServiceReport, Severity, Site,
    SocialPresence, Summary, ThirdParty, Verdict,
};

pub fn build_site(
    target: String,
    start_url: String,
    facts: SiteFacts,
    findings: Vec<Finding>,
    lists: &Lists,
) -> Site {
    let catalogue = &lists.catalogue;
    let mut services: Vec<ServiceReport> = facts
        .services
        .iter()
        .map(|(&idx, f)| {
            let s = &catalogue.services[idx];
            let self_hosted = facts.self_hosted(idx, lists);
            ServiceReport {
                id: s.id.clone(),
                name: s.name.clone(),
                name_nl: s.name_nl.clone(),
                organization: s.organization.clone(),
                country: catalogue.country_of(s).to_owned(),
                category: s.category.clone(),
                transfer: if self_hosted {
                    Transfer::None
                } else {
                    catalogue.transfer(s)
                },
                hosts: f.hosts.iter().cloned().collect(),
                tracking_ids: f.tracking_ids.iter().cloned().collect(),
                pages: f.pages.iter().map(|p| p.to_string()).collect(),
                evidence: f.evidence.clone(),
                more_evidence: f.more_evidence,
                list: None,
                loaded: f
                    .loaded
                    .iter()
                    .map(|&i| catalogue.services[i].id.clone())
                    .collect(),
                consent: f.consent.iter().copied().collect(),
            }
        })
        .collect();
    services.extend(facts.external.values().map(|e| {
        let (info, f) = (&e.info, &e.facts);
        ServiceReport {
            id: info.id.clone(),
            name: info.name.clone(),
            name_nl: String::new(),
            organization: info.organization.clone(),
            country: info.country.clone(),
            category: info.category.to_owned(),
            transfer: catalogue.transfer_for_country(&info.country, info.dpf),
            hosts: f.hosts.iter().cloned().collect(),
            tracking_ids: f.tracking_ids.iter().cloned().collect(),
            pages: f.pages.iter().map(|p| p.to_string()).collect(),
            evidence: f.evidence.clone(),
            more_evidence: f.more_evidence,
            list: Some(info.list.to_string()),
            loaded: Vec::new(),
            consent: f.consent.iter().copied().collect(),
        }
    }));
    services.sort_by(|a, b| b.pages.len().cmp(&a.pages.len()).then(a.id.cmp(&b.id)));
    let third_parties: Vec<ThirdParty> = facts
        .hosts
        .iter()
        .map(|(host, h)| ThirdParty {
            host: host.clone(),
            domain: h.domain.clone(),
            service: h
                .service
                .map(|i| catalogue.services[i].id.clone())
                .or_else(|| h.external.clone()),
            pages: h.pages.len(),
        })
        .collect();
    let social = facts
        .social
        .iter()
        .map(|(&idx, social)| {
            let platform = &catalogue.platforms[idx];
            let pages: std::collections::BTreeSet<&str> =
                social.accounts.values().flatten().map(|p| &**p).collect();
            SocialPresence {
                platform: platform.id.clone(),
                name: platform.name.clone(),
                name_nl: platform.name_nl.clone(),
                kind: platform.kind.clone(),
                accounts: social.accounts.keys().cloned().collect(),
                pages: pages.into_iter().map(str::to_owned).collect(),
            }
        })
        .collect();
    Site {
        statements: facts.disclosure,
        social,
        target,
        name: None,
        start_url,
        duration_ms: None,
        pages: facts.pages,
        services,
        third_parties,
        findings,
        resolved: Vec::new(),
        expired_suppressions: Vec::new(),
        unused_suppressions: Vec::new(),
        cookies: facts.cookies,
        storage: facts.storage,
        blocked_cookies: facts.blocked_cookies,
        browser: None,
        evidence_files: None,
        consent: consent(
            &facts.cmp_platforms,
            facts.consent_choices,
            facts.consent_sample,
            lists,
        ),
        // Filled in once suppressions and the baseline have been applied.
        summary: Summary::default(),
        error: None,
        coverage: None,
    }
}

/// The consent platforms detected, by their index in the catalogue's table; `None` when none was.
fn consent(
    platforms: &std::collections::BTreeSet<usize>,
    choices: Vec<ConsentChoice>,
    sample: Vec<String>,
    lists: &Lists,
) -> Option<ConsentReport> {
    let platforms: Vec<ConsentPlatform> = platforms
        .iter()
        .filter_map(|&i| lists.catalogue.cmps.get(i))
        .map(|rule| ConsentPlatform {
            id: rule.id.clone(),
            name: rule.name.clone(),
        })
        .collect();
    (!platforms.is_empty() || !choices.is_empty()).then_some(ConsentReport {
        platforms,
        choices,
        sample,
    })
}

/// Counts and verdict of a site; suppressed findings count for neither.
pub fn summarize(site: &Site, fail_on: Option<Severity>) -> Summary {
    let active: Vec<&Finding> = site
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let count = |severity| active.iter().filter(|f| f.severity == severity).count();
    let scanned = site.pages.iter().filter(|p| p.scanned()).count();
    // A cap hit or a browser that could not be started means part of the site was not looked
    // at: "nothing found" cannot be claimed.
    let cut = site.pages.iter().any(|p| p.observations_left_out > 0)
        || site
            .coverage
            .as_ref()
            .is_some_and(|c| c.third_parties_left_out > 0)
        // Without the browser, what only it sees (cookies, what scripts load) was not looked at.
        || site.browser.as_ref().is_some_and(|b| b.error.is_some());
    let verdict = if scanned == 0 {
        Verdict::Error
    } else if fail_on.is_some_and(|t| active.iter().any(|f| f.severity >= t)) {
        Verdict::Fail
    } else if cut || active.iter().any(|f| f.severity > Severity::Info) {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    Summary {
        pages: site.pages.len(),
        errors: site.pages.iter().filter(|p| p.error.is_some()).count(),
        high: count(Severity::High),
        medium: count(Severity::Medium),
        low: count(Severity::Low),
        info: count(Severity::Info),
        third_parties: site.third_parties.len(),
        verdict,
    }
}

pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
