//! `--state DIR`: the last report of each site, kept between runs so that the next run compares
//! with it by itself (each finding `new` or `unchanged`, `resolved` listing what went away).
//!
//! Layout, one folder per site (a readable slug of the target and a hash of it, so two targets
//! never share a folder):
//!
//! ```text
//! DIR/www.school.nl-1a2b3c4d5e6f7a8b/last.json                      the last complete scan
//! DIR/www.school.nl-1a2b3c4d5e6f7a8b/history/20261130T040326Z-000.json   the last N scans, newest last
//! ```
//!
//! Each file is a JSON report of that one site (`trackaudit report` renders it). Every file is
//! written atomically (a temporary file beside it, then a rename: [`crate::output::write_file`]),
//! the history entry first and `last.json` second, so a run killed at any point leaves either
//! the old or the new scan, never half of one. A site whose scan was interrupted, or of which
//! nothing could be scanned, does not replace the last complete scan.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::report::model::{Report, Site, Verdict};

/// Scans kept per site in `history/` unless `--state-keep` says otherwise.
pub const DEFAULT_KEEP: usize = 10;

/// The file of the last complete scan of a site.
const LAST: &str = "last.json";

/// An opened state folder.
#[derive(Debug, Clone)]
pub struct StateDir {
    dir: PathBuf,
    keep: usize,
}

impl StateDir {
    /// Create the folder if needed and check that it takes a new file (before any scan).
    /// `keep`: scans kept per site in `history/` (at least 1).
    pub fn open(dir: &Path, keep: usize) -> Result<StateDir, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
        Ok(StateDir {
            dir: dir.to_path_buf(),
            keep: keep.max(1),
        })
    }

    /// The folder of one site's state.
    pub fn site_dir(&self, target: &str) -> PathBuf {
        self.dir.join(site_key(target))
    }

    /// The last complete scan of `target`, if there is one. A file that cannot be read (removed
    /// by hand, written by another tool) is logged and treated as no earlier scan.
    pub fn last(&self, target: &str) -> Option<Report> {
        let path = self.site_dir(target).join(LAST);
        if !path.exists() {
            return None;
        }
        match crate::report::read_json(&path) {
            Ok(report) => Some(report),
            Err(e) => {
                tracing::warn!("--state: {e}; this site is compared with nothing");
                None
            }
        }
    }

    /// Keep `site`'s scan: a history entry, then `last.json`, then the oldest entries beyond
    /// `keep` removed. `header` gives the report's fields besides its sites. Nothing is written
    /// for a site whose scan was `interrupted` or of which nothing could be scanned; returns the
    /// path of `last.json` when it was written.
    pub fn save(
        &self,
        header: &Report,
        site: &Site,
        interrupted: bool,
    ) -> Result<Option<PathBuf>, Error> {
        if interrupted || site.summary.verdict == Verdict::Error {
            return Ok(None);
        }
        let report = crate::report::single_site(header, site, false);
        let json = crate::report::to_json(&report);
        let folder = self.site_dir(&site.target);
        let history = folder.join("history");
        let entry = history_entry(&history, &stamp(&report.finished_at));
        let written = |path: &Path| -> Result<(), Error> {
            crate::output::write_file(path, json.as_bytes()).map_err(|e| Error::io(path, e))
        };
        written(&entry)?;
        let last = folder.join(LAST);
        written(&last)?;
        self.prune(&history);
        Ok(Some(last))
    }

    /// Remove the oldest history entries beyond `keep`, and temporary files that a killed run
    /// left behind (they never replaced a file, so nothing else is affected).
    fn prune(&self, history: &Path) {
        let Ok(entries) = std::fs::read_dir(history) else {
            return;
        };
        let mut reports: Vec<PathBuf> = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp") {
                let _ = std::fs::remove_file(&path);
            } else if name.ends_with(".json") {
                reports.push(path);
            }
        }
        reports.sort();
        let excess = reports.len().saturating_sub(self.keep);
        for old in &reports[..excess] {
            if let Err(e) = std::fs::remove_file(old) {
                tracing::warn!("--state: removing {}: {e}", old.display());
            }
        }
    }
}

/// A new history file for a scan finished at `stamp`: `{stamp}-000.json`, or the next free
/// number when scans finish within the same second (names still sort by time).
fn history_entry(history: &Path, stamp: &str) -> PathBuf {
    (0..1000)
        .map(|n| history.join(format!("{stamp}-{n:03}.json")))
        .find(|path| !path.exists())
        .unwrap_or_else(|| history.join(format!("{stamp}-999.json")))
}

/// `2026-11-30T04:03:26Z` → `20261130T040326Z`: sorts by time as a file name.
fn stamp(rfc3339: &str) -> String {
    let compact: String = rfc3339
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if compact.is_empty() {
        "unknown".into()
    } else {
        compact
    }
}

/// The folder name of a target: a readable slug (at most 60 characters) and 16 hex digits of
/// its FNV-1a hash, so that `https://a.nl/x` and `https://a.nl/x/` do not share a folder.
pub fn site_key(target: &str) -> String {
    let without_scheme = target.split_once("://").map_or(target, |(_, rest)| rest);
    let slug: String = without_scheme
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let slug = slug.trim_matches(['_', '.']);
    format!("{slug}-{:016x}", crate::hash::fnv1a(target.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_keys_are_readable_distinct_and_stay_inside_the_folder() {
        let a = site_key("https://www.school.nl/");
        assert!(a.starts_with("www.school.nl-"), "{a}");
        assert_ne!(a, site_key("https://www.school.nl"));
        let hostile = site_key("../../etc/passwd");
        assert!(
            !hostile.contains('/') && !hostile.starts_with('.'),
            "{hostile}"
        );
        assert_eq!(stamp("2026-11-30T04:03:26Z"), "20261130T040326Z");
    }

    /// Class: scans that finish within the same second each keep their history entry.
    #[test]
    fn scans_in_the_same_second_keep_their_own_history_entry() {
        let dir = tempfile::tempdir().unwrap();
        let first = history_entry(dir.path(), "20261130T040326Z");
        std::fs::write(&first, "{}").unwrap();
        let second = history_entry(dir.path(), "20261130T040326Z");
        assert_ne!(first, second);
        assert!(first < second, "names sort by time: {first:?} {second:?}");
    }
}
