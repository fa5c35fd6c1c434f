//! CSV: one row per finding per page, for spreadsheets and scripts.
//!
//! The header and the coded columns (`severity`, `transfer`, `status`, `suppressed`) are stable
//! English values, the same as in the JSON report, so a script's filter keeps working whatever
//! `--lang` is. Titles and advice are in the language the report was made in.
//!
//! No byte-order mark: it would become part of the first header name for most CSV readers and
//! break scripts that rely on `site`. Excel users open the file through Data › From Text/CSV
//! (UTF-8), where `;` as separator suits a Dutch locale.
//!
//! Every cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`
//! ([`neutralize::csv_cell`]): hosts, URLs and titles come from scanned pages.
//!
//! A site where nothing could be scanned gets one row with rule `scan-error` and the reason as
//! its title.
//!
//! Findings resolved since a baseline are rows too, with status `resolved`, so the file tells the
//! whole comparison; without a baseline there are none.

use crate::Lang;
use crate::neutralize;
use crate::report::model::{Finding, FindingStatus, Report, ServiceReport, Site};

/// The columns, in order: a contract for scripts.
pub const COLUMNS: [&str; 16] = [
    "site",
    "page",
    "rule",
    "severity",
    "service",
    "organization",
    "country",
    "transfer",
    "host",
    "title",
    "advice",
    "tracking_ids",
    "status",
    "suppressed",
    "suppression_reason",
    "site_name",
];

/// Render the report as CSV with `separator` between fields (`b','`, or `b';'` for Excel-NL).
///
/// `lang` is accepted like every renderer's, but changes nothing: see the module comment.
pub fn render(report: &Report, _lang: Lang, separator: u8) -> String {
    let rows = report.sites.iter().flat_map(site_rows);
    table(&COLUMNS, rows, separator)
}

/// A CSV table: the header, then the rows, `separator` between fields, every cell through
/// [`neutralize::terminal`] (control and bidi formatting characters shown as escapes) and
/// [`neutralize::csv_cell`] (text from scanned pages must not become a spreadsheet formula).
/// Every row has as many cells as `header` (the `N`).
pub fn table<const N: usize>(
    header: &[&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
    separator: u8,
) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(separator)
        .from_writer(Vec::new());
    // Writing to memory cannot fail and every record has the same length as the header.
    writer
        .write_record(header)
        .expect("CSV header is written to memory");
    for row in rows {
        writer
            .write_record(
                row.iter()
                    .map(|cell| neutralize::csv_cell(&neutralize::terminal(cell)).into_owned()),
            )
            .expect("CSV row is written to memory");
    }
    let bytes = writer.into_inner().expect("CSV writer flushes to memory");
    // Every field came from a `&str`, so the bytes are UTF-8.
    String::from_utf8_lossy(&bytes).into_owned()
}

fn site_rows(site: &Site) -> Vec<[String; 16]> {
    // A site where nothing could be scanned is a row of its own (rule `scan-error`, the reason
    // as its title), so it is not simply absent from the sheet.
    let error = site.error.iter().map(|reason| {
        let mut row: [String; 16] = Default::default();
        row[0] = site.target.clone();
        row[1] = site
            .pages
            .first()
            .map(|p| p.url.clone())
            .unwrap_or_default();
        row[2] = "scan-error".into();
        row[9] = reason.clone();
        row[15] = site.name.clone().unwrap_or_default();
        row
    });
    let current = site.findings.iter().map(|f| (f, status(f.status)));
    let resolved = site.resolved.iter().map(|f| (f, "resolved"));
    current
        .chain(resolved)
        .flat_map(|(finding, status)| finding_rows(site, finding, status))
        .chain(error)
        .collect()
}

/// One row per page; a finding without pages (site-wide) still gets one row.
fn finding_rows(site: &Site, finding: &Finding, status: &str) -> Vec<[String; 16]> {
    let service = site.service_of(finding);
    if finding.pages.is_empty() {
        return vec![row(site, "", finding, service, status)];
    }
    finding
        .pages
        .iter()
        .map(|page| row(site, page, finding, service, status))
        .collect()
}

fn row(
    site: &Site,
    page: &str,
    finding: &Finding,
    service: Option<&ServiceReport>,
    status: &str,
) -> [String; 16] {
    let suppression = finding.suppressed.as_ref();
    [
        site.target.clone(),
        page.to_owned(),
        finding.rule.clone(),
        finding.severity.as_str().to_owned(),
        finding.service.clone().unwrap_or_default(),
        service.map(|s| s.organization.clone()).unwrap_or_default(),
        service.map(|s| s.country.clone()).unwrap_or_default(),
        service
            .map(|s| s.transfer.as_str().to_owned())
            .unwrap_or_default(),
        finding.host.clone().unwrap_or_default(),
        finding.title.clone(),
        finding.advice.clone(),
        tracking_ids(finding, service).join(" "),
        status.to_owned(),
        suppression.is_some().to_string(),
        suppression.map(|s| s.reason.clone()).unwrap_or_default(),
        site.name.clone().unwrap_or_default(),
    ]
}

fn status(status: Option<FindingStatus>) -> &'static str {
    match status {
        Some(FindingStatus::New) => "new",
        Some(FindingStatus::Unchanged) => "unchanged",
        None => "",
    }
}

/// The service's ids; for a finding without a service, the ids in its own evidence.
fn tracking_ids(finding: &Finding, service: Option<&ServiceReport>) -> Vec<String> {
    if let Some(service) = service {
        return service.tracking_ids.clone();
    }
    let mut ids: Vec<String> = finding
        .evidence
        .iter()
        .filter_map(|e| e.tracking_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}
