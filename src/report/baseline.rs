//! Over time: compare a report with an earlier one. Findings are matched by rule, service (or
//! host) and page, never by position, so a reordered or regrouped report compares cleanly. A
//! page is compared by its path and query within the site ([`page_path`]), so staging and
//! production, or two builds served on different ports, compare too.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::report::model::{Finding, FindingStatus, Report, Site, page_path};

/// One (rule, subject, page) fact; a finding with several pages holds several.
type Key = (String, String, String);

fn keys(finding: &Finding) -> Vec<Key> {
    let subject = finding
        .service
        .clone()
        .or_else(|| finding.host.clone())
        .unwrap_or_default();
    let pages: Vec<String> = if finding.pages.is_empty() {
        vec![String::new()]
    } else {
        finding.pages.clone()
    };
    pages
        .into_iter()
        .map(|page| (finding.rule.clone(), subject.clone(), page_path(&page)))
        .collect()
}

/// The site of `report` to compare `site` with: the one with the same target, else the only
/// one (staging compared with production, a build on another port).
pub fn counterpart<'a>(report: &'a Report, target: &str) -> Option<&'a Site> {
    match report.sites.iter().find(|s| s.target == target) {
        Some(site) => Some(site),
        None if report.sites.len() == 1 => report.sites.first(),
        None => None,
    }
}

/// Each page of a finding as shown ("" for a site-wide finding) with its key.
fn finding_pages(finding: &Finding) -> impl Iterator<Item = (String, Key)> + '_ {
    let shown = if finding.pages.is_empty() {
        vec![String::new()]
    } else {
        finding.pages.clone()
    };
    shown.into_iter().zip(keys(finding))
}

fn key_set<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> HashSet<Key> {
    findings.into_iter().flat_map(keys).collect()
}

/// The parts of `findings` (restricted to their pages) whose keys are not in `set`.
fn missing_from(findings: &[Finding], set: &HashSet<Key>) -> Vec<Finding> {
    findings
        .iter()
        .filter_map(|finding| {
            let pages: Vec<String> = finding_pages(finding)
                .filter(|(_, k)| !set.contains(k))
                .map(|(page, _)| page)
                .collect();
            (!pages.is_empty()).then(|| Finding {
                pages: pages.into_iter().filter(|p| !p.is_empty()).collect(),
                status: None,
                ..finding.clone()
            })
        })
        .collect()
}

/// Mark each finding of `site` new or unchanged against the same site in `old`, and list the old
/// findings that are gone under `resolved`. Suppressed findings take part like any other.
pub fn apply_baseline(site: &mut Site, old: Option<&Site>) {
    let old_findings = old.map(|s| s.findings.as_slice()).unwrap_or_default();
    let before = key_set(old_findings);
    let now = key_set(&site.findings);
    for finding in &mut site.findings {
        let new_pages: Vec<String> = finding_pages(finding)
            .filter(|(_, k)| !before.contains(k))
            .map(|(page, _)| page)
            .collect();
        finding.status = Some(if new_pages.is_empty() {
            FindingStatus::Unchanged
        } else {
            FindingStatus::New
        });
        // The evidence shown first is from a page where the finding is new.
        finding
            .evidence
            .sort_by_key(|e| !new_pages.contains(&e.page));
    }
    site.resolved = missing_from(old_findings, &now);
}

/// What changed between two reports, per site.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Diff {
    pub sites: Vec<SiteDiff>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SiteDiff {
    pub target: String,
    /// Findings (restricted to their new pages) that the old report did not have.
    pub appeared: Vec<Finding>,
    /// Findings (restricted to the pages where they went away) of the old report.
    pub resolved: Vec<Finding>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.sites
            .iter()
            .all(|s| s.appeared.is_empty() && s.resolved.is_empty())
    }
}

pub fn diff(old: &Report, new: &Report) -> Diff {
    let mut targets: Vec<&str> = new.sites.iter().map(|s| s.target.as_str()).collect();
    for site in &old.sites {
        if counterpart(new, &site.target).is_none() {
            targets.push(&site.target);
        }
    }
    let findings_of = |report: &'_ Report, target: &str| -> Vec<Finding> {
        counterpart(report, target)
            .map(|s| s.findings.clone())
            .unwrap_or_default()
    };
    let sites = targets
        .into_iter()
        .map(|target| {
            let before = findings_of(old, target);
            let after = findings_of(new, target);
            SiteDiff {
                target: target.to_owned(),
                appeared: missing_from(&after, &key_set(&before)),
                resolved: missing_from(&before, &key_set(&after)),
            }
        })
        .collect();
    Diff { sites }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::Severity;

    fn finding(rule: &str, service: &str, pages: &[&str]) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::High,
            service: Some(service.into()),
            host: None,
            title: String::new(),
            rationale: String::new(),
            advice: String::new(),
            about: None,
            pages: pages.iter().map(|p| p.to_string()).collect(),
            evidence: Vec::new(),
            status: None,
            suppressed: None,
        }
    }

    fn site(findings: Vec<Finding>) -> Site {
        serde_json::from_value(serde_json::json!({
            "target": "t", "pages": [], "services": [], "third_parties": [], "findings": findings,
            "summary": {"pages": 0, "errors": 0, "high": 0, "medium": 0, "low": 0, "info": 0,
                        "third_parties": 0, "verdict": "pass"}
        }))
        .unwrap()
    }

    #[test]
    fn findings_match_by_rule_service_and_page_not_position() {
        let old = site(vec![
            finding("video-embed", "youtube", &["/a"]),
            finding("tracking-pixel", "meta-pixel", &["/", "/b"]),
        ]);
        let mut new = site(vec![
            finding("tracking-pixel", "meta-pixel", &["/"]),
            finding("video-embed", "youtube", &["/a", "/c"]),
            finding("non-eea-analytics", "google-analytics", &["/"]),
        ]);
        apply_baseline(&mut new, Some(&old));
        let status: Vec<_> = new.findings.iter().map(|f| f.status.unwrap()).collect();
        assert_eq!(
            status,
            [
                FindingStatus::Unchanged,
                FindingStatus::New,
                FindingStatus::New
            ]
        );
        assert_eq!(new.resolved.len(), 1);
        assert_eq!(new.resolved[0].service.as_deref(), Some("meta-pixel"));
        assert_eq!(new.resolved[0].pages, ["/b"]);
    }
}
