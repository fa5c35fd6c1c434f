//! `trackaudit.toml`: severities per rule, suppressions, extra lists and email. Every mistake in the file is an error
//! that names the file and line.
//!
//! ```toml
//! [severity]
//! unknown-third-party = "medium"
//!
//! [[suppress]]
//! rule = "video-embed"
//! service = "youtube"
//! url = "/open-dag"
//! reason = "Click-to-load placeholder goes live in January"
//! expires = "2027-01-31"
//!
//! [email]
//! to = ["fg@bestuur.example"]
//! from = "trackaudit@bestuur.example"
//! ```

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use time::Date;
use time::macros::format_description;
use toml::Spanned;

use super::rules::RULES;
use crate::error::Error;
use crate::lists::Catalogue;
use crate::report::model::{Finding, Severity, Site, Suppression};

/// The name looked for in the working directory.
pub const DEFAULT_CONFIG: &str = "trackaudit.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppression>>,
    /// Extra tracker lists (filter lists or Disconnect JSON), relative to the config file.
    #[serde(default)]
    lists: Vec<String>,
    #[serde(default)]
    email: RawEmail,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    #[serde(default)]
    to: Vec<String>,
    from: Option<String>,
    smtp_url: Option<String>,
    ca_file: Option<String>,
    timeout: Option<u64>,
    attempts: Option<u32>,
}

/// `[email]` of the config: recipients of every site, the sender, the SMTP URL (the
/// `TRACKAUDIT_SMTP_URL` environment variable takes precedence, and keeps the password out of
/// the file), a PEM file of extra root certificates (relative to the config file), the time
/// limit of one attempt to send (seconds, default 60) and the attempts per message (default 3).
#[derive(Debug, Default, Clone)]
pub struct EmailConfig {
    pub to: Vec<String>,
    pub from: Option<String>,
    pub smtp_url: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub timeout_s: Option<u64>,
    pub attempts: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    rule: Option<String>,
    service: Option<String>,
    url: Option<String>,
    reason: Option<String>,
    expires: Option<String>,
}

/// A validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    pub severities: HashMap<String, Severity>,
    pub suppressions: Vec<ActiveSuppression>,
    pub lists: Vec<PathBuf>,
    pub email: EmailConfig,
}

/// A suppression ready to apply.
#[derive(Debug, Clone)]
pub struct ActiveSuppression {
    pub spec: Suppression,
    url: Option<Regex>,
    expires: Option<Date>,
}

impl ActiveSuppression {
    fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|day| day < today)
    }

    fn covers(&self, finding: &Finding) -> bool {
        self.spec.rule.as_ref().is_none_or(|r| *r == finding.rule)
            && self.spec.service.as_ref().is_none_or(|s| {
                Some(s) == finding.service.as_ref() || Some(s) == finding.host.as_ref()
            })
    }

    /// The `url` regex is matched against the page's path and query (`/open-dag?x=1`), for
    /// every kind of target.
    fn covers_page(&self, page: &str) -> bool {
        self.url
            .as_ref()
            .is_none_or(|re| re.is_match(&crate::report::model::page_path(page)))
    }
}

impl Config {
    /// Read and validate a config file.
    pub fn load(path: &Path, catalogue: &Catalogue) -> Result<Config, Error> {
        let text = crate::files::read_text_bounded(path, crate::files::MAX_CONFIG_BYTES)?;
        Config::parse(&text, path, catalogue)
    }

    pub fn parse(text: &str, path: &Path, catalogue: &Catalogue) -> Result<Config, Error> {
        let fail = |span: Option<Range<usize>>, message: String| {
            let at = span
                .map(|s| format!(":{}", line_of(text, s.start)))
                .unwrap_or_default();
            Error::Config(format!("{}{at}: {message}", path.display()))
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| fail(e.span(), e.message().to_owned()))?;

        let mut severities = HashMap::new();
        for (rule, severity) in raw.severity {
            if !RULES.iter().any(|r| r.id == rule.get_ref()) {
                return Err(fail(
                    Some(rule.span()),
                    format!("unknown rule {:?}", rule.get_ref()),
                ));
            }
            let value = parse_severity(severity.get_ref()).ok_or_else(|| {
                fail(
                    Some(severity.span()),
                    format!(
                        "severity must be high, medium, low or info, not {:?}",
                        severity.get_ref()
                    ),
                )
            })?;
            severities.insert(rule.into_inner(), value);
        }

        let mut suppressions = Vec::new();
        for entry in raw.suppress {
            let span = entry.span();
            let s = entry.into_inner();
            let at = |message: String| fail(Some(span.clone()), message);
            if s.rule.is_none() && s.service.is_none() {
                return Err(at("a suppression names a rule, a service, or both".into()));
            }
            if let Some(rule) = &s.rule {
                if !RULES.iter().any(|r| r.id == rule) {
                    return Err(at(format!("unknown rule {rule:?}")));
                }
            }
            if let Some(service) = &s.service {
                // A host is accepted too: unknown third parties have no service id; so is the
                // id of an external list's service (`easyprivacy:histats.com`).
                let external = service.contains(':');
                if catalogue.service_by_id(service).is_none() && !service.contains('.') && !external
                {
                    return Err(at(format!(
                        "unknown service {service:?} (see `trackaudit lists`)"
                    )));
                }
            }
            let reason = s.reason.as_deref().map(str::trim).unwrap_or_default();
            if reason.is_empty() {
                return Err(at("a suppression needs a reason".into()));
            }
            let url = s
                .url
                .as_deref()
                .map(Regex::new)
                .transpose()
                .map_err(|e| at(format!("url is not a valid regex: {e}")))?;
            let expires = s
                .expires
                .as_deref()
                .map(|d| Date::parse(d, format_description!("[year]-[month]-[day]")))
                .transpose()
                .map_err(|_| at("expires must be a date as YYYY-MM-DD".into()))?;
            suppressions.push(ActiveSuppression {
                spec: Suppression {
                    rule: s.rule,
                    service: s.service,
                    url: s.url,
                    reason: reason.to_owned(),
                    expires: s.expires,
                },
                url,
                expires,
            });
        }

        let base = path.parent().unwrap_or(Path::new("."));
        // A cached list's name (`easyprivacy`) stays a name unless such a file sits there.
        let lists = raw
            .lists
            .iter()
            .map(|l| {
                let beside = base.join(l);
                if crate::lists::cache::source(l).is_some() && !beside.exists() {
                    PathBuf::from(l)
                } else {
                    beside
                }
            })
            .collect();
        let email = EmailConfig {
            to: raw.email.to,
            from: raw.email.from,
            smtp_url: raw.email.smtp_url,
            ca_file: raw.email.ca_file.map(|f| base.join(f)),
            timeout_s: raw.email.timeout,
            attempts: raw.email.attempts,
        };
        if email.timeout_s.is_some_and(|t| t == 0 || t > 3600)
            || email.attempts.is_some_and(|a| a == 0 || a > 10)
        {
            return Err(fail(
                None,
                "[email]: timeout must be 1 to 3600 seconds and attempts 1 to 10".into(),
            ));
        }
        Ok(Config {
            severities,
            suppressions,
            lists,
            email,
        })
    }
}

fn parse_severity(text: &str) -> Option<Severity> {
    match text {
        "high" => Some(Severity::High),
        "medium" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Apply the suppressions to a site's findings. A suppression with a URL pattern covers only the
/// pages it matches: a finding on other pages too is split into a suppressed and an active part.
/// Expired suppressions apply to nothing and are listed on the site.
pub fn apply_suppressions(site: &mut Site, suppressions: &[ActiveSuppression], today: Date) {
    let (expired, active): (Vec<_>, Vec<_>) = suppressions.iter().partition(|s| s.expired(today));
    site.expired_suppressions = expired.iter().map(|s| s.spec.clone()).collect();
    let mut findings = Vec::with_capacity(site.findings.len());
    let mut used = vec![false; active.len()];
    for finding in std::mem::take(&mut site.findings) {
        let Some((index, suppression)) =
            active.iter().enumerate().find(|(_, s)| s.covers(&finding))
        else {
            findings.push(finding);
            continue;
        };
        let (covered, open): (Vec<String>, Vec<String>) = finding
            .pages
            .iter()
            .cloned()
            .partition(|p| suppression.covers_page(p));
        let whole = open.is_empty() || (suppression.url.is_none());
        used[index] |= whole || !covered.is_empty();
        if whole {
            findings.push(Finding {
                suppressed: Some(suppression.spec.clone()),
                ..finding
            });
        } else {
            if !covered.is_empty() {
                findings.push(Finding {
                    pages: covered,
                    suppressed: Some(suppression.spec.clone()),
                    ..finding.clone()
                });
            }
            findings.push(Finding {
                pages: open,
                ..finding
            });
        }
    }
    site.findings = findings;
    site.unused_suppressions = active
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(s, _)| s.spec.clone())
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        let catalogue = Catalogue::embedded().expect("embedded lists");
        Config::parse(text, Path::new("trackaudit.toml"), &catalogue)
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("[severity]\nvideo-embed = \"loud\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("trackaudit.toml:2"), "{e}");
        let e = parse("\n\n[[suppress]]\nrule = \"video-embed\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":3") && e.contains("reason"), "{e}");
        let e = parse("[[suppress]]\nrule = \"nope\"\nreason = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown rule"), "{e}");
        let e = parse("x = [").unwrap_err().to_string();
        assert!(e.contains("trackaudit.toml:1"), "{e}");
        let e = parse(
            "[[suppress]]\nservice = \"youtube\"\nreason = \"r\"\nexpires = \"31-01-2027\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("YYYY-MM-DD"), "{e}");
    }

    #[test]
    fn a_valid_config_reads() {
        let config = parse(
            "[severity]\nunknown-third-party = \"medium\"\n\n[[suppress]]\nservice = \"youtube\"\nurl = \"^/open\"\nreason = \"planned\"\nexpires = \"2027-01-31\"\n",
        )
        .unwrap();
        assert_eq!(config.severities["unknown-third-party"], Severity::Medium);
        assert_eq!(config.suppressions.len(), 1);
    }
}
