//! Report: the canonical model and the formats rendered from it.

pub mod baseline;
pub mod build;
pub mod consent;
pub mod csv;
pub mod diff;
pub mod html;
pub mod i18n;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod sites;
pub mod terminal;
pub mod transparency;
pub mod unscanned;

use std::path::Path;

use crate::Lang;
use crate::error::Error;
use model::{Report, Severity};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Terminal,
    Json,
    Html,
    Csv,
    Markdown,
    Junit,
    /// One row per site (`--format sites-csv`): see [`sites::render_csv`].
    SitesCsv,
}

impl Format {
    /// File name used when several formats are written into a folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Terminal => "report.txt",
            Format::Json => "report.json",
            Format::Html => "report.html",
            Format::Csv => "report.csv",
            Format::Markdown => "report.md",
            Format::Junit => "report.junit.xml",
            Format::SitesCsv => "sites.csv",
        }
    }
}

/// How a report is rendered, besides its format.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub lang: Lang,
    /// ANSI colours (terminal format only).
    pub color: bool,
    /// JUnit failures are the findings at or above this severity.
    pub fail_on: Option<Severity>,
    /// CSV field separator (`;` for Dutch spreadsheet settings).
    pub csv_separator: u8,
}

/// Render a report in one format.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    let lang = options.lang;
    match format {
        Format::Terminal => terminal::render(report, lang, options.color),
        Format::Json => to_json(report),
        Format::Html => html::render(report, lang),
        Format::Csv => csv::render(report, lang, options.csv_separator),
        Format::Markdown => markdown::render(report, lang),
        Format::Junit => junit::render(report, lang, options.fail_on),
        Format::SitesCsv => sites::render_csv(report, lang, options.csv_separator),
    }
}

/// A report of one site of a run: the run's header (`header`'s own sites are ignored), that
/// site, and whether its scan was stopped. `--state` and the per-site files of an output folder
/// keep these.
pub fn single_site(header: &Report, site: &model::Site, interrupted: bool) -> Report {
    Report {
        sites: vec![site.clone()],
        interrupted,
        ..header.clone()
    }
}

pub fn to_json(report: &Report) -> String {
    // The model holds only strings, numbers and enums: serialising it cannot fail.
    let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
    json.push('\n');
    json
}

/// Read a report written earlier by `--format json`. A report of another `schema_version`
/// than [`model::SCHEMA_VERSION`] (or without one) is refused by its version, before any field
/// is read: its fields may mean something else.
pub fn read_json(path: &Path) -> Result<Report, Error> {
    let text = crate::files::read_text_bounded(path, crate::files::MAX_REPORT_BYTES)?;
    let refuse = |message: String| Error::Report {
        path: path.display().to_string(),
        message,
    };
    let version: Version = serde_json::from_str(&text).map_err(|e| refuse(e.to_string()))?;
    match version.schema_version {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(model::SCHEMA_VERSION.into()) => {}
        Some(other) => {
            return Err(refuse(format!(
                "schema_version {other} is not one this trackaudit reads (it reads {}): \
                 render it with the trackaudit that wrote it",
                model::SCHEMA_VERSION
            )));
        }
        None => {
            return Err(refuse(
                "no schema_version: not a JSON report of trackaudit".to_owned(),
            ));
        }
    }
    serde_json::from_str(&text).map_err(|e| refuse(e.to_string()))
}

/// The one field read before the rest of a saved report.
#[derive(serde::Deserialize)]
struct Version {
    schema_version: Option<serde_json::Value>,
}
