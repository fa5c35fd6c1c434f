//! The terminal report, read top-down: verdict, findings by severity with who receives the data
//! and what to do, the third parties, then the pages that failed.

use std::fmt::Write;

use crate::Lang;
use crate::neutralize;
use crate::report::i18n::{self, Label, label};
use crate::report::model::{
    Finding, FindingStatus, Report, ServiceReport, Severity, Site, Suppression, Verdict,
};
use crate::report::unscanned;

/// ANSI styling, off when `color` is false (NO_COLOR, not a terminal, a file).
#[derive(Debug, Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
    fn severity(&self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;36",
            Severity::Info => "1;32",
        };
        self.wrap(code, text)
    }
    fn verdict(&self, verdict: Verdict, text: &str) -> String {
        let code = match verdict {
            Verdict::Pass => "1;32",
            Verdict::Warn => "1;33",
            Verdict::Fail | Verdict::Error => "1;31",
        };
        self.wrap(code, text)
    }
}

/// Render the terminal report. Every string of the report is cleared of control characters
/// first ([`neutralize::terminal`]), whatever `color` says: only this renderer's own colour codes
/// reach the terminal.
pub fn render(report: &Report, lang: Lang, color: bool) -> String {
    match neutralize::map_strings(report, &neutralize::terminal) {
        Ok(clean) => render_clean(&clean, lang, color),
        // Cannot happen for the report model; without colours the whole text can be cleared.
        Err(_) => neutralize::terminal(&render_clean(report, lang, false)).into_owned(),
    }
}

fn render_clean(report: &Report, lang: Lang, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint.dim(&format!(
            "trackaudit {} · {} · {}",
            report.tool.version,
            i18n::engine(lang, &report.engine),
            report.started_at
        ))
    );
    if report.interrupted {
        let _ = writeln!(
            out,
            "{}",
            paint.verdict(Verdict::Warn, label(lang, Label::Interrupted))
        );
    }
    for site in &report.sites {
        out.push('\n');
        site_section(&mut out, site, lang, paint);
    }
    out
}

fn site_section(out: &mut String, site: &Site, lang: Lang, paint: Paint) {
    let s = &site.summary;
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold(&format!("{}:", label(lang, Label::Site))),
        site.title()
    );
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold(&format!("{}:", label(lang, Label::Verdict))),
        paint.verdict(s.verdict, i18n::verdict(lang, s.verdict))
    );
    let _ = writeln!(out, "  {}", i18n::counts(lang, s));
    if let Some(coverage) = &site.coverage {
        let _ = writeln!(out, "  {}", i18n::coverage(lang, coverage));
        if let Some(limits) = i18n::limits(lang, coverage) {
            let _ = writeln!(out, "  {}", paint.verdict(Verdict::Warn, &limits));
        }
    }
    if let Some(failure) = i18n::browser_failure(lang, site) {
        let _ = writeln!(out, "  {}", paint.verdict(Verdict::Warn, &failure));
    }
    out.push('\n');
    let (suppressed, active): (Vec<&Finding>, Vec<&Finding>) =
        site.findings.iter().partition(|f| f.suppressed.is_some());
    if let Some(reason) = unscanned::reason(site, lang) {
        let _ = writeln!(out, "{}", paint.verdict(Verdict::Error, &reason));
    } else if active.is_empty() {
        let _ = writeln!(out, "{}", label(lang, Label::NoFindings));
    } else {
        let _ = writeln!(out, "{}", paint.bold(label(lang, Label::Findings)));
    }
    for finding in active {
        let service = finding.service.as_ref().and_then(|id| site.service(id));
        finding_block(out, finding, service, lang, paint);
    }
    over_time(out, site, &suppressed, lang, paint);
    consent_section(out, site, lang, paint);
    transparency_sections(out, site, lang, paint);
    third_parties(out, site, lang, paint);
    page_errors(out, site, lang, paint);
}

fn finding_block(
    out: &mut String,
    finding: &Finding,
    service: Option<&ServiceReport>,
    lang: Lang,
    paint: Paint,
) {
    let tag = format!("{:<7}", i18n::severity(lang, finding.severity));
    let new = match finding.status {
        Some(FindingStatus::New) => {
            format!(
                " {}",
                paint.severity(Severity::High, label(lang, Label::New))
            )
        }
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "\n{} {}{new}",
        paint.severity(finding.severity, &tag),
        paint.bold(&finding.title)
    );
    let indent = "        ";
    let pages = finding.pages.len();
    let pages_label = label(
        lang,
        if pages == 1 {
            Label::Page
        } else {
            Label::Pages
        },
    );
    if let Some(service) = service {
        let recipient = i18n::recipient(
            lang,
            or_unknown(&service.organization, lang),
            &service.country,
            service.transfer,
        );
        let _ = writeln!(out, "{indent}{recipient} · {pages} {pages_label}");
        if !service.tracking_ids.is_empty() {
            let _ = writeln!(
                out,
                "{indent}{}: {}",
                label(lang, Label::TrackingIds),
                service.tracking_ids.join(", ")
            );
        }
    } else {
        let _ = writeln!(out, "{indent}{pages} {pages_label}");
    }
    if let Some(evidence) = finding.evidence.first() {
        let what = evidence.url.as_deref().unwrap_or(&evidence.snippet);
        let gated = if evidence.consent_gated {
            format!(" ({})", label(lang, Label::ConsentGated))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{indent}{}: {} {} {}{gated}",
            label(lang, Label::Evidence),
            evidence.page,
            paint.dim(&format!("[{}]", kind_name(evidence))),
            shorten(what, 110),
        );
        if let Some(matched) = &evidence.list_match {
            let _ = writeln!(out, "{indent}{}: {}", matched.list, matched.rule);
        }
    }
    let _ = writeln!(out, "{indent}→ {}", finding.advice);
}

/// Suppressed findings, expired suppressions, and what the baseline had that is gone.
fn over_time(out: &mut String, site: &Site, suppressed: &[&Finding], lang: Lang, paint: Paint) {
    if !suppressed.is_empty() {
        let heading = paint.bold(label(lang, Label::Suppressed));
        let _ = writeln!(out, "\n{heading} ({})", suppressed.len());
        for finding in suppressed {
            let reason = finding
                .suppressed
                .as_ref()
                .map_or("", |s| s.reason.as_str());
            let _ = writeln!(out, "  {}  — {reason}", paint.dim(&finding.title));
        }
    }
    for expired in &site.expired_suppressions {
        let what = suppression_subject(expired);
        let _ = writeln!(
            out,
            "\n{} {what} ({}, {})",
            paint.severity(Severity::Medium, label(lang, Label::ExpiredSuppression)),
            expired.expires.as_deref().unwrap_or_default(),
            expired.reason
        );
    }
    for unused in &site.unused_suppressions {
        let what = suppression_subject(unused);
        let _ = writeln!(
            out,
            "\n{} {what} ({})",
            paint.severity(Severity::Low, label(lang, Label::UnusedSuppression)),
            unused.reason
        );
    }
    if !site.resolved.is_empty() {
        let heading = paint.bold(label(lang, Label::Resolved));
        let _ = writeln!(out, "\n{heading} ({})", site.resolved.len());
        for finding in &site.resolved {
            let _ = writeln!(
                out,
                "  ✓ {}  {}",
                finding.title,
                paint.dim(&finding.pages.join(" "))
            );
        }
    }
}

/// A service of an external list may come without organisation or country.
fn or_unknown(text: &str, lang: Lang) -> &str {
    if text.is_empty() {
        label(lang, Label::Unknown)
    } else {
        text
    }
}

fn kind_name(evidence: &crate::report::model::Evidence) -> String {
    serde_json::to_value(evidence.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// What the privacy statement names, and the social platforms the site links.
fn transparency_sections(out: &mut String, site: &Site, lang: Lang, paint: Paint) {
    let sections = [
        crate::report::transparency::statements(site, lang),
        crate::report::transparency::social(site, lang),
    ];
    for section in sections.into_iter().flatten() {
        let _ = writeln!(out, "\n{}", paint.bold(section.heading));
        let _ = writeln!(out, "  {}", paint.dim(&section.intro));
        for row in &section.rows {
            let _ = writeln!(out, "  {}", row[1..].join(" · "));
        }
    }
}

/// The consent platforms and choices, and the consent table (see [`super::consent`]).
fn consent_section(out: &mut String, site: &Site, lang: Lang, paint: Paint) {
    let Some(view) = super::consent::view(site, lang) else {
        return;
    };
    let _ = writeln!(out, "\n{}", paint.bold(view.heading));
    for line in &view.lines {
        let _ = writeln!(out, "  {line}");
    }
    if view.rows.is_empty() {
        return;
    }
    let first = view
        .rows
        .iter()
        .map(|r| r[0].chars().count())
        .chain([view.heads[0].chars().count()])
        .max()
        .unwrap_or(0)
        .min(60);
    let line = |cells: &[String]| {
        let mut text = format!("  {:<first$}", shorten(&cells[0], 60));
        for cell in &cells[1..] {
            text.push_str(&format!("  {cell:<11}"));
        }
        text.trim_end().to_owned()
    };
    let heads: Vec<String> = view.heads.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", paint.dim(&line(&heads)));
    for row in &view.rows {
        let _ = writeln!(out, "{}", line(row));
    }
}

fn third_parties(out: &mut String, site: &Site, lang: Lang, paint: Paint) {
    if site.third_parties.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{} ({})",
        paint.bold(&i18n::capitalize(label(lang, Label::ThirdParties))),
        site.third_parties.len()
    );
    let width = site
        .third_parties
        .iter()
        .map(|t| t.host.len())
        .max()
        .unwrap_or(4)
        .min(44);
    for tp in &site.third_parties {
        let service = tp.service.as_ref().and_then(|id| site.service(id));
        let who = match service {
            Some(s) => format!(
                "{} ({}, {})",
                s.name_in(lang),
                or_unknown(&s.organization, lang),
                crate::countries::shown(lang, &s.country)
            ),
            None => format!("— {}", label(lang, Label::Unknown)),
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {:>4} {}  {who}",
            tp.host,
            tp.pages,
            label(
                lang,
                if tp.pages == 1 {
                    Label::Page
                } else {
                    Label::Pages
                }
            ),
        );
    }
}

fn page_errors(out: &mut String, site: &Site, lang: Lang, paint: Paint) {
    let errors: Vec<_> = site.pages.iter().filter(|p| p.error.is_some()).collect();
    if errors.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{} ({})",
        paint.bold(label(lang, Label::PageErrors)),
        errors.len()
    );
    for page in errors.iter().take(50) {
        let (text, detail) = page.failure_text(lang).unwrap_or_default();
        let _ = match detail {
            Some(detail) => writeln!(out, "  {}  {text} [{detail}]", page.url),
            None => writeln!(out, "  {}  {text}", page.url),
        };
    }
    if errors.len() > 50 {
        let _ = writeln!(
            out,
            "  … {} {}",
            errors.len() - 50,
            label(lang, Label::More)
        );
    }
}

fn shorten(text: &str, max: usize) -> String {
    crate::observe::shorten(text, max)
}

/// What a suppression names: rule / service / url pattern, those it has.
fn suppression_subject(s: &Suppression) -> String {
    [s.rule.as_deref(), s.service.as_deref(), s.url.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ")
}
