//! Figures across the sites of one report, for a DPO who audits every school of a board: one
//! row per site (`--format sites-csv`), and how many sites use each service (the HTML index:
//! "12 of 40 sites use Google Analytics").

use crate::Lang;
use crate::lists::Transfer;
use crate::report::model::{Report, ServiceReport, Severity, Site, Verdict};

/// One organisation outside the EEA that receives visitors' data from a site, with its country,
/// the footing of the transfer and the services it runs there.
pub struct Recipient<'a> {
    pub organization: &'a str,
    pub country: &'a str,
    pub transfer: Transfer,
    pub services: Vec<&'a str>,
}

/// Organisations outside the EEA that receive data from `site`, in the order their services
/// appear (services by the number of pages), services named in `lang`.
pub fn recipients(site: &Site, lang: Lang) -> Vec<Recipient<'_>> {
    let mut list: Vec<Recipient> = Vec::new();
    let outside = site
        .services
        .iter()
        .filter(|s| {
            !matches!(
                s.transfer,
                Transfer::None | Transfer::Eea | Transfer::Unknown
            )
        })
        .filter(|s| receives_data(site, s));
    for service in outside {
        match list
            .iter_mut()
            .find(|r| r.organization == service.organization)
        {
            Some(known) => known.services.push(service.name_in(lang)),
            None => list.push(Recipient {
                organization: &service.organization,
                country: &service.country,
                transfer: service.transfer,
                services: vec![service.name_in(lang)],
            }),
        }
    }
    list
}

/// A service receives data when one of its hosts is a third party (self-hosted Matomo is not).
/// By host, not by `third_parties[].service`: a host shared by two services names only one.
pub fn receives_data(site: &Site, service: &ServiceReport) -> bool {
    site.third_parties
        .iter()
        .any(|tp| service.hosts.contains(&tp.host))
}

/// The names (in `lang`) of the services with an active (not suppressed) high finding, in the
/// order of the findings.
pub fn high_services(site: &Site, lang: Lang) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for finding in &site.findings {
        if finding.severity != Severity::High || finding.suppressed.is_some() {
            continue;
        }
        let name = match site.service_of(finding) {
            Some(service) => service.name_in(lang),
            None => match &finding.host {
                Some(host) => host.as_str(),
                None => continue,
            },
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// How many sites of a report use one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTally {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub country: String,
    /// Sites where the service was found (a service self-hosted on the site counts too).
    pub sites: usize,
}

/// Every service found on any site, with the number of sites it is on: most sites first, then
/// by name (in `lang`). Sites that could not be scanned are left out of the counts and of
/// `scanned`.
pub fn tally(sites: &[Site], lang: Lang) -> Vec<ServiceTally> {
    let mut tallies: Vec<ServiceTally> = Vec::new();
    for site in sites.iter().filter(|s| s.summary.verdict != Verdict::Error) {
        for service in &site.services {
            match tallies.iter_mut().find(|t| t.id == service.id) {
                Some(known) => known.sites += 1,
                None => tallies.push(ServiceTally {
                    id: service.id.clone(),
                    name: service.name_in(lang).to_owned(),
                    organization: service.organization.clone(),
                    country: service.country.clone(),
                    sites: 1,
                }),
            }
        }
    }
    tallies.sort_by(|a, b| b.sites.cmp(&a.sites).then_with(|| a.name.cmp(&b.name)));
    tallies
}

/// Sites that were scanned (verdict other than `error`).
pub fn scanned(sites: &[Site]) -> usize {
    sites
        .iter()
        .filter(|s| s.summary.verdict != Verdict::Error)
        .count()
}

/// "12 of 40 sites use Google Analytics" in the report's language.
pub fn tally_sentence(lang: Lang, tally: &ServiceTally, of: usize) -> String {
    match (lang, tally.sites) {
        (Lang::En, 1) => format!("1 of {of} sites uses {}", tally.name),
        (Lang::En, n) => format!("{n} of {of} sites use {}", tally.name),
        (Lang::Nl, 1) => format!("1 van de {of} sites gebruikt {}", tally.name),
        (Lang::Nl, n) => format!("{n} van de {of} sites gebruiken {}", tally.name),
    }
}

/// The columns of `--format sites-csv`, in order: a contract for scripts, in English whatever
/// `--lang` is (like the per-finding CSV).
pub const COLUMNS: [&str; 13] = [
    "name",
    "site",
    "verdict",
    "high",
    "medium",
    "low",
    "info",
    "pages_scanned",
    "errors",
    "third_parties",
    "high_services",
    "non_eea_organizations",
    "error",
];

/// `--format sites-csv`: one row per site, in the report's order, for the DPO's spreadsheet of
/// all schools. Lists in a cell are joined with `; ` (the csv crate quotes such a cell when the
/// separator is `;`); every cell goes through [`crate::neutralize::csv_cell`], since names of services
/// and hosts can come from scanned pages.
pub fn render_csv(report: &Report, lang: Lang, separator: u8) -> String {
    crate::report::csv::table(
        &COLUMNS,
        report.sites.iter().map(|site| site_row(site, lang)),
        separator,
    )
}

fn site_row(site: &Site, lang: Lang) -> [String; 13] {
    let s = &site.summary;
    let scanned = site.coverage.as_ref().map_or_else(
        || site.pages.iter().filter(|p| p.scanned()).count(),
        |c| c.pages_scanned,
    );
    let organizations: Vec<String> = recipients(site, lang)
        .iter()
        .map(|r| format!("{} ({})", r.organization, r.country))
        .collect();
    [
        site.name.clone().unwrap_or_default(),
        site.target.clone(),
        s.verdict.as_str().to_owned(),
        s.high.to_string(),
        s.medium.to_string(),
        s.low.to_string(),
        s.info.to_string(),
        scanned.to_string(),
        s.errors.to_string(),
        s.third_parties.to_string(),
        high_services(site, lang).join("; "),
        organizations.join("; "),
        site.error.clone().unwrap_or_default(),
    ]
}
