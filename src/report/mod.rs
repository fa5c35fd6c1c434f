//! Report: the canonical model and the formats rendered from it.

pub mod baseline;
pub mod build;
pub mod diff;
pub mod i18n;
pub mod model;
pub mod terminal;

use std::path::Path;

use crate::Lang;
use crate::error::Error;
use model::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Terminal,
    Json,
}

impl Format {
    /// File name used when several formats are written into a folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Terminal => "report.txt",
            Format::Json => "report.json",
        }
    }
}

/// Render a report in one format.
pub fn render(report: &Report, format: Format, lang: Lang, color: bool) -> String {
    match format {
        Format::Terminal => terminal::render(report, lang, color),
        Format::Json => to_json(report),
    }
}

pub fn to_json(report: &Report) -> String {
    // The model holds only strings, numbers and enums: serialising it cannot fail.
    let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
    json.push('\n');
    json
}

/// Read a report written earlier by `--format json`.
pub fn read_json(path: &Path) -> Result<Report, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::Report {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
