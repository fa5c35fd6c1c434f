//! Beyond one machine: `--shard I/N` scans a deterministic share of the targets, and
//! `trackaudit merge` joins the shards' reports into one.
//!
//! A target belongs to shard `fnv1a(host) mod N + 1` (the host of a URL target, lowercase; the
//! path of a folder), so a site stays in its shard when the list grows or is reordered, and
//! every machine computes the same split without talking to the others. Each shard's report
//! records its shard, N, the size and a hash of the whole targets list, and each site's position
//! in it; `merge` refuses reports of different lists, schema versions, engines or languages, and
//! names the shards that are missing.

use std::path::PathBuf;
use std::str::FromStr;

use crate::error::Error;
use crate::hash::fnv1a;
use crate::report::model::{Report, SCHEMA_VERSION, ShardRecord};

/// `I/N`: the I-th (1-based) of N shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?}: expected I/N, such as 2/8"))?;
        let parse = |s: &str| s.trim().parse::<usize>().ok();
        match (parse(i), parse(n)) {
            (Some(index), Some(count)) if count >= 1 && (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            _ => Err(format!(
                "{text:?}: I and N are whole numbers with 1 ≤ I ≤ N (the first shard is 1/N; \
                 from a 0-based index such as JOB_COMPLETION_INDEX use $((INDEX+1))/N)"
            )),
        }
    }
}

/// What decides a target's shard: the lowercase host of a URL, else the target as written.
fn key(label: &str) -> String {
    match url::Url::parse(label) {
        Ok(url) if url.host_str().is_some() => {
            url.host_str().unwrap_or_default().to_ascii_lowercase()
        }
        _ => label.to_owned(),
    }
}

impl Shard {
    /// Whether the target (as the report shows it) is in this shard.
    pub fn contains(&self, label: &str) -> bool {
        let n = u64::try_from(self.count).unwrap_or(u64::MAX);
        let slot = fnv1a(key(label).as_bytes()) % n;
        usize::try_from(slot).is_ok_and(|s| s + 1 == self.index)
    }

    /// The record for a report of this shard: `all` are the labels of the whole targets list,
    /// in order; `report` the shard's report (its sites a subsequence of the shard's targets).
    pub fn record(&self, all: &[String], report: &Report) -> ShardRecord {
        let mut positions = Vec::new();
        let mut from = 0;
        for site in &report.sites {
            if let Some(offset) = all[from..].iter().position(|l| *l == site.target) {
                positions.push(from + offset);
                from += offset + 1;
            }
        }
        ShardRecord {
            index: self.index,
            count: self.count,
            targets: all.len(),
            targets_hash: targets_hash(all),
            positions,
        }
    }
}

/// 16 hex digits of the FNV-1a hash of the targets, one per line in order.
pub fn targets_hash(labels: &[String]) -> String {
    format!("{:016x}", fnv1a(labels.join("\n").as_bytes()))
}

/// Join the reports of the shards of one targets list into one report, sites in the order of
/// the list. Errors (exit 2): a report of another schema version than this trackaudit's, one that
/// is no shard report, reports of different lists, shard counts, engines or languages, a shard
/// given twice, shards missing (named).
pub fn merge(reports: Vec<(PathBuf, Report)>) -> Result<Report, Error> {
    let invalid = |message: String| Error::Config(message);
    let mut records = Vec::new();
    for (path, report) in &reports {
        if report.schema_version != SCHEMA_VERSION {
            return Err(invalid(format!(
                "{}: schema_version {}, but this trackaudit merges version {SCHEMA_VERSION} (merge with the version that wrote the shards)",
                path.display(),
                report.schema_version
            )));
        }
        let record = report.shard.as_ref().ok_or_else(|| {
            invalid(format!(
                "{}: not a shard report (scan with --shard I/N)",
                path.display()
            ))
        })?;
        if record.positions.len() != report.sites.len() {
            return Err(invalid(format!(
                "{}: {} sites but {} positions in its shard record",
                path.display(),
                report.sites.len(),
                record.positions.len()
            )));
        }
        records.push((path, record));
    }
    let Some((first_path, first)) = records.first().copied() else {
        return Err(invalid("merge needs at least one report".into()));
    };
    let first_report = &reports[0].1;
    for (path, report) in &reports {
        if report.engine != first_report.engine || report.lang != first_report.lang {
            return Err(invalid(format!(
                "{} and {} were scanned differently (engine {} vs {}, language {} vs {}): scan every shard with the same options",
                first_path.display(),
                path.display(),
                first_report.engine,
                report.engine,
                first_report.lang,
                report.lang
            )));
        }
    }
    for (path, record) in &records {
        if record.targets_hash != first.targets_hash
            || record.count != first.count
            || record.targets != first.targets
        {
            return Err(invalid(format!(
                "{} and {} come from different target lists or shard counts ({} targets in {} shards, hash {} vs {} targets in {} shards, hash {}): merge the shards of one run",
                first_path.display(),
                path.display(),
                first.targets,
                first.count,
                first.targets_hash,
                record.targets,
                record.count,
                record.targets_hash
            )));
        }
    }
    let mut seen = vec![false; first.count];
    for (path, record) in &records {
        let valid = (1..=record.count).contains(&record.index)
            && record.positions.iter().all(|p| *p < record.targets);
        let slot = match seen.get_mut(record.index.wrapping_sub(1)) {
            Some(slot) if valid => slot,
            _ => {
                return Err(invalid(format!(
                    "{}: its shard record is not valid (shard {}/{}, positions beyond {} targets)",
                    path.display(),
                    record.index,
                    record.count,
                    record.targets
                )));
            }
        };
        if *slot {
            return Err(invalid(format!(
                "shard {}/{} is given twice ({})",
                record.index,
                record.count,
                path.display()
            )));
        }
        *slot = true;
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(i, _)| format!("{}/{}", i + 1, first.count))
        .collect();
    if !missing.is_empty() {
        return Err(invalid(format!(
            "shards missing: {} (each shard's report is needed for the whole list)",
            missing.join(", ")
        )));
    }
    let mut placed = Vec::new();
    let mut interrupted = false;
    let mut started = Vec::new();
    let mut finished = Vec::new();
    let mut base: Option<Report> = None;
    for (_, report) in reports {
        let Some(record) = report.shard.clone() else {
            continue;
        };
        interrupted |= report.interrupted;
        started.push(report.started_at.clone());
        finished.push(report.finished_at.clone());
        for (site, position) in report.sites.iter().cloned().zip(record.positions.iter()) {
            placed.push((*position, site));
        }
        if base.is_none() {
            base = Some(report);
        }
    }
    placed.sort_by_key(|(position, _)| *position);
    let base = base.ok_or_else(|| invalid("merge needs at least one report".into()))?;
    Ok(Report {
        started_at: started.into_iter().min().unwrap_or_default(),
        finished_at: finished.into_iter().max().unwrap_or_default(),
        interrupted,
        shard: None,
        sites: placed.into_iter().map(|(_, site)| site).collect(),
        ..base
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_list_once_and_keep_a_site_in_its_shard() {
        let labels: Vec<String> = (0..200)
            .map(|i| format!("https://www.school{i}.example/"))
            .collect();
        for n in [1, 2, 3, 8] {
            for label in &labels {
                let owners = (1..=n)
                    .filter(|i| {
                        Shard {
                            index: *i,
                            count: n,
                        }
                        .contains(label)
                    })
                    .count();
                assert_eq!(owners, 1, "{label} in exactly one of {n} shards");
            }
        }
        // A host's shard does not depend on the path, the scheme or the rest of the list.
        let s = Shard { index: 2, count: 3 };
        assert_eq!(
            s.contains("https://www.school7.example/"),
            s.contains("http://WWW.SCHOOL7.example/nieuws")
        );
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        assert_eq!("3/3".parse::<Shard>(), Ok(Shard { index: 3, count: 3 }));
    }
}
