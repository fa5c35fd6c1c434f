//! JUnit XML for CI dashboards: a test suite per site, a test case per finding, and a passing
//! test case per rule that found nothing, so the dashboard also shows the checks that passed.
//!
//! A finding at or above `fail_on` is a `<failure>`; one below passes with its detail in
//! `<system-out>`; a suppressed one is `<skipped>` with the reason. Test names are stable across
//! scans (`rule: service-or-host`, or the rule id alone) so a dashboard can follow their history.

use std::fmt::Write;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use crate::Lang;
use crate::neutralize;
use crate::policy::rules::{RULES, Rule, browser_only, consent_only};
use crate::report::i18n::{self, Label, label, t};
use crate::report::model::{
    Evidence, Finding, FindingStatus, Report, ServiceReport, Severity, Site, Suppression, Verdict,
};

/// Pages listed in a test case's detail; the rest are counted.
const PAGES_SHOWN: usize = 100;

/// Render the report as JUnit XML. Every string of the report is cleared of control and
/// bidirectional formatting characters first ([`neutralize::terminal`]): XML 1.0 forbids most
/// C0 controls, and a right-to-left override in a failure text reorders what a CI page shows.
pub fn render(report: &Report, lang: Lang, fail_on: Option<Severity>) -> String {
    match neutralize::map_strings(report, &neutralize::terminal) {
        Ok(clean) => render_clean(&clean, lang, fail_on),
        // Cannot happen for the report model; the whole text can be cleared instead.
        Err(_) => neutralize::terminal(&render_clean(report, lang, fail_on)).into_owned(),
    }
}

fn render_clean(report: &Report, lang: Lang, fail_on: Option<Severity>) -> String {
    let mut junit = quick_junit::Report::new("trackaudit");
    for site in &report.sites {
        junit.add_test_suite(site_suite(report, site, lang, fail_on));
    }
    // Serialising fails only on I/O or invalid UTF-8, and this writes UTF-8 strings to memory.
    junit
        .to_string()
        .expect("JUnit XML is serialised to memory")
}

fn site_suite(report: &Report, site: &Site, lang: Lang, fail_on: Option<Severity>) -> TestSuite {
    let mut suite = TestSuite::new(site.title());
    suite.add_properties([
        Property::new("start_url", &site.start_url),
        Property::new("engine", &report.engine),
        Property::new("started_at", &report.started_at),
        Property::new("verdict", verdict_code(site.summary.verdict)),
    ]);
    if site.summary.verdict == Verdict::Error {
        suite.add_test_case(scan_error_case(site, lang));
    }
    for finding in &site.findings {
        suite.add_test_case(finding_case(site, finding, lang, fail_on));
    }
    // A rule only the browser can check did not pass a static scan: it was not checked.
    // Nor did a consent rule pass when no choice was made on the banner.
    let choices = site.consent.as_ref().is_some_and(|c| !c.choices.is_empty());
    let checked = |rule: &&Rule| {
        (report.engine != "static" || !browser_only(rule.id)) && (choices || !consent_only(rule.id))
    };
    let quiet_rules = RULES
        .iter()
        .filter(checked)
        .filter(|rule| !site.findings.iter().any(|f| f.rule == rule.id));
    for rule in quiet_rules {
        suite.add_test_case(quiet_rule_case(rule, site.summary.verdict, lang));
    }
    if !site.resolved.is_empty() {
        suite.set_system_out(resolved_text(site, lang));
    }
    suite
}

fn verdict_code(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
        Verdict::Error => "error",
    }
}

/// When no page could be scanned, that is an error of its own, not a row of passed checks.
fn scan_error_case(site: &Site, lang: Lang) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_message(i18n::verdict(lang, Verdict::Error));
    if let Some(reason) = crate::report::unscanned::reason(site, lang) {
        status.set_description(reason);
    }
    let mut case = TestCase::new("scan", status);
    case.set_classname("trackaudit");
    case
}

/// A rule without findings passed; on a site where nothing was scanned it was not checked.
fn quiet_rule_case(rule: &Rule, verdict: Verdict, lang: Lang) -> TestCase {
    let title = rule.title();
    let title = title.get(lang);
    let status = if verdict == Verdict::Error {
        let mut status = TestCaseStatus::skipped();
        status.set_message(i18n::verdict(lang, Verdict::Error));
        status
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(rule.id, status);
    case.set_classname(classname(rule.id));
    case.set_system_out(format!(
        "{}: {title}",
        t(lang, "No finding", "Geen bevinding")
    ));
    case
}

fn finding_case(site: &Site, finding: &Finding, lang: Lang, fail_on: Option<Severity>) -> TestCase {
    let detail = detail(site, finding, lang);
    let fails = fail_on.is_some_and(|threshold| finding.severity >= threshold);
    let status = match &finding.suppressed {
        Some(suppression) => {
            let mut status = TestCaseStatus::skipped();
            status
                .set_message(suppression_text(suppression, lang))
                .set_description(detail.as_str());
            status
        }
        None if fails => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(finding.title.as_str())
                .set_type(finding.severity.as_str())
                .set_description(detail.as_str());
            status
        }
        None => TestCaseStatus::success(),
    };
    let passed = matches!(status, TestCaseStatus::Success { .. });
    let mut case = TestCase::new(case_name(finding), status);
    case.set_classname(classname(&finding.rule));
    case.add_properties(properties(finding));
    if passed {
        case.set_system_out(detail);
    }
    case
}

/// Grouped by rule in dashboards that read `classname` as package.class.
fn classname(rule: &str) -> String {
    format!("trackaudit.{rule}")
}

/// The rule and what it is about; a rule without service or host fires at most once a site.
fn case_name(finding: &Finding) -> String {
    match finding.service.as_deref().or(finding.host.as_deref()) {
        Some(subject) => format!("{}: {subject}", finding.rule),
        None => finding.rule.clone(),
    }
}

fn properties(finding: &Finding) -> Vec<Property> {
    let mut properties = vec![Property::new("severity", finding.severity.as_str())];
    if let Some(service) = &finding.service {
        properties.push(Property::new("service", service));
    }
    if let Some(host) = &finding.host {
        properties.push(Property::new("host", host));
    }
    if let Some(status) = finding.status {
        properties.push(Property::new("status", status_code(status)));
    }
    properties
}

fn status_code(status: FindingStatus) -> &'static str {
    match status {
        FindingStatus::New => "new",
        FindingStatus::Unchanged => "unchanged",
    }
}

fn suppression_text(suppression: &Suppression, lang: Lang) -> String {
    let mut text = format!(
        "{}: {}",
        t(lang, "Suppressed", "Uitgezonderd"),
        suppression.reason
    );
    if let Some(date) = &suppression.expires {
        let _ = write!(text, " ({} {date})", t(lang, "until", "tot en met"));
    }
    text
}

/// The body of a failure (or the output of a passing finding): what, who, advice, where.
fn detail(site: &Site, finding: &Finding, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", finding.title);
    let _ = writeln!(
        out,
        "{}: {}",
        t(lang, "severity", "ernst"),
        i18n::severity(lang, finding.severity)
    );
    if let Some(status) = finding.status {
        let _ = writeln!(out, "status: {}", status_label(status, lang));
    }
    if let Some(service) = site.service_of(finding) {
        service_lines(&mut out, service, lang);
    } else if let Some(host) = &finding.host {
        let _ = writeln!(out, "{}: {host}", label(lang, Label::Host));
    }
    let _ = writeln!(out, "{}: {}", label(lang, Label::Advice), finding.advice);
    pages_lines(&mut out, &finding.pages, lang);
    evidence_lines(&mut out, &finding.evidence, lang);
    out
}

fn status_label(status: FindingStatus, lang: Lang) -> &'static str {
    match status {
        FindingStatus::New => t(
            lang,
            "new since the baseline",
            "nieuw sinds de vorige meting",
        ),
        FindingStatus::Unchanged => t(lang, "unchanged", "ongewijzigd"),
    }
}

fn service_lines(out: &mut String, service: &ServiceReport, lang: Lang) {
    let _ = writeln!(
        out,
        "{}: {} · {}",
        label(lang, Label::Service),
        service.name_in(lang),
        i18n::recipient(
            lang,
            &service.organization,
            &service.country,
            service.transfer
        )
    );
    if !service.tracking_ids.is_empty() {
        let _ = writeln!(
            out,
            "{}: {}",
            label(lang, Label::TrackingIds),
            service.tracking_ids.join(", ")
        );
    }
}

fn pages_lines(out: &mut String, pages: &[String], lang: Lang) {
    if pages.is_empty() {
        return;
    }
    let _ = writeln!(out, "{} ({}):", label(lang, Label::Pages), pages.len());
    for page in pages.iter().take(PAGES_SHOWN) {
        let _ = writeln!(out, "  {page}");
    }
    if pages.len() > PAGES_SHOWN {
        let _ = writeln!(
            out,
            "  … {} {}",
            pages.len() - PAGES_SHOWN,
            label(lang, Label::More)
        );
    }
}

fn evidence_lines(out: &mut String, evidence: &[Evidence], lang: Lang) {
    if evidence.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}:", label(lang, Label::Evidence));
    for item in evidence {
        let what = item.url.as_deref().unwrap_or(&item.snippet);
        let gated = if item.consent_gated {
            format!(" ({})", label(lang, Label::ConsentGated))
        } else {
            String::new()
        };
        let _ = writeln!(out, "  {} [{}] {what}{gated}", item.page, kind_name(item));
    }
}

/// The evidence kind as spelled in the JSON report (`script-src`, `iframe`, …).
fn kind_name(evidence: &Evidence) -> String {
    serde_json::to_value(evidence.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn resolved_text(site: &Site, lang: Lang) -> String {
    let mut out = format!(
        "{} ({}):\n",
        t(
            lang,
            "Resolved since the baseline",
            "Opgelost sinds de vorige meting"
        ),
        site.resolved.len()
    );
    for finding in &site.resolved {
        let _ = writeln!(
            out,
            "  {} {}: {}",
            i18n::severity(lang, finding.severity),
            case_name(finding),
            finding.title
        );
    }
    out
}
