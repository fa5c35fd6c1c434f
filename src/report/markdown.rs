//! Markdown: a compact summary for pull-request comments and e-mail bodies.
//!
//! Text that can come from a crawled page or from the user (URLs, hosts, titles naming a host,
//! suppression reasons) is escaped, or shown as a code span, so a hostile page cannot add
//! markup, HTML or links to a comment that others read.

use std::fmt::Write;

use crate::Lang;
use crate::lists::Transfer;
use crate::neutralize;
use crate::report::i18n::{self, Label, label, t};
use crate::report::model::{Finding, FindingStatus, Report, Site, Suppression};

/// Third-party hosts named in the summary line; the rest are counted.
const HOSTS_SHOWN: usize = 12;

/// Render the Markdown summary; control characters are shown as escapes (the text is often
/// printed on a terminal: [`neutralize::terminal`]).
pub fn render(report: &Report, lang: Lang) -> String {
    neutralize::terminal(&render_unchecked(report, lang)).into_owned()
}

fn render_unchecked(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**trackaudit {}** · {} · {}",
        escape(&report.tool.version),
        escape(&i18n::engine(lang, &report.engine)),
        escape(&report.started_at)
    );
    if report.interrupted {
        let _ = writeln!(out, "\n> {}", label(lang, Label::Interrupted));
    }
    for site in &report.sites {
        site_section(&mut out, site, lang);
    }
    out
}

fn site_section(out: &mut String, site: &Site, lang: Lang) {
    let verdict = i18n::verdict(lang, site.summary.verdict);
    // The verdict texts read "FAIL — why": the heading takes the word, the line below all of it.
    let word = verdict.split(" — ").next().unwrap_or(verdict);
    let _ = writeln!(
        out,
        "\n## {}: {} — {word}\n",
        label(lang, Label::Site),
        site_heading(site)
    );
    let _ = writeln!(out, "**{}:** {verdict}  ", label(lang, Label::Verdict));
    let _ = writeln!(out, "{}", counts_line(site, lang));
    findings_table(out, site, lang);
    resolved(out, site, lang);
    suppressed(out, site, lang);
    consent(out, site, lang);
    transparency_sections(out, site, lang);
    third_parties(out, site, lang);
}

/// What the privacy statement names, and the social platforms the site links: a list each
/// (the findings table stays the one table of the summary).
fn transparency_sections(out: &mut String, site: &Site, lang: Lang) {
    let sections = [
        crate::report::transparency::statements(site, lang),
        crate::report::transparency::social(site, lang),
    ];
    for section in sections.into_iter().flatten() {
        let _ = writeln!(out, "\n### {}\n", section.heading);
        let _ = writeln!(out, "{}\n", escape(&section.intro));
        for row in &section.rows {
            let cells: Vec<String> = row[1..].iter().map(|c| escape(c)).collect();
            let _ = writeln!(out, "- {}", cells.join(" · "));
        }
    }
}

/// The consent platforms and choices, and the consent table (see [`super::consent`]).
fn consent(out: &mut String, site: &Site, lang: Lang) {
    let Some(view) = super::consent::view(site, lang) else {
        return;
    };
    let _ = writeln!(out, "\n### {}\n", escape(view.heading));
    for line in &view.lines {
        let _ = writeln!(out, "- {}", escape(line));
    }
    if view.rows.is_empty() {
        return;
    }
    let heads: Vec<String> = view.heads.iter().map(|h| escape(h)).collect();
    let _ = writeln!(out, "\n| {} |", heads.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(heads.len()));
    for row in &view.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

fn counts_line(site: &Site, lang: Lang) -> String {
    let mut line = i18n::counts(lang, &site.summary);
    let suppressed = suppressed_findings(site).count();
    if suppressed > 0 {
        let _ = write!(
            line,
            " · {suppressed} {}",
            t(lang, "suppressed", "uitgezonderd")
        );
    }
    if let Some(coverage) = &site.coverage {
        let _ = write!(line, "  \n{}", escape(&i18n::coverage(lang, coverage)));
        if let Some(limits) = i18n::limits(lang, coverage) {
            let _ = write!(line, "  \n**{}**", escape(&limits));
        }
    }
    if let Some(failure) = i18n::browser_failure(lang, site) {
        let _ = write!(line, "  \n**{}**", escape(&failure));
    }
    line
}

/// Active (not suppressed) findings, worst first; the sort is stable so the report's order
/// within a severity stays.
fn active_findings(site: &Site) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = site
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

fn suppressed_findings(site: &Site) -> impl Iterator<Item = &Finding> {
    site.findings.iter().filter(|f| f.suppressed.is_some())
}

fn findings_table(out: &mut String, site: &Site, lang: Lang) {
    let findings = active_findings(site);
    if let Some(reason) = crate::report::unscanned::reason(site, lang) {
        let _ = writeln!(out, "\n**{}**", escape(&reason));
        return;
    }
    if findings.is_empty() {
        let _ = writeln!(out, "\n{}", label(lang, Label::NoFindings));
        return;
    }
    // The status column appears only for a comparison with a baseline.
    let with_status = findings.iter().any(|f| f.status.is_some());
    let mut header = vec![
        t(lang, "Severity", "Ernst"),
        t(lang, "Finding", "Bevinding"),
        t(lang, "Service (organisation)", "Dienst (organisatie)"),
        t(lang, "Country · transfer", "Land · doorgifte"),
        t(lang, "Pages", "Pagina's"),
    ];
    let mut rule = vec!["---", "---", "---", "---", "--:"];
    if with_status {
        header.push("Status");
        rule.push("---");
    }
    let _ = writeln!(out, "\n| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for finding in findings {
        let mut cells = finding_cells(site, finding, lang);
        if with_status {
            cells.push(status(lang, finding.status).to_owned());
        }
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

fn finding_cells(site: &Site, finding: &Finding, lang: Lang) -> Vec<String> {
    let service = site.service_of(finding);
    let who = match (service, &finding.host) {
        (Some(s), _) => format!("{} ({})", escape(s.name_in(lang)), escape(&s.organization)),
        (None, Some(host)) => code_cell(host),
        (None, None) => "—".to_owned(),
    };
    let country = match (service, &finding.host) {
        (Some(s), _) if s.transfer == Transfer::None => {
            i18n::recipient(lang, "", "", Transfer::None)
        }
        (Some(s), _) => format!(
            "{} · {}",
            escape(&crate::countries::shown(lang, &s.country)),
            i18n::transfer(lang, s.transfer)
        ),
        (None, Some(_)) => label(lang, Label::Unknown).to_owned(),
        (None, None) => "—".to_owned(),
    };
    vec![
        i18n::severity(lang, finding.severity).to_owned(),
        format!("{} {}", code_cell(&finding.rule), escape(&finding.title)),
        who,
        country,
        finding.pages.len().to_string(),
    ]
}

fn status(lang: Lang, status: Option<FindingStatus>) -> &'static str {
    match status {
        Some(FindingStatus::New) => t(lang, "new", "nieuw"),
        Some(FindingStatus::Unchanged) => t(lang, "unchanged", "ongewijzigd"),
        None => "",
    }
}

fn resolved(out: &mut String, site: &Site, lang: Lang) {
    if site.resolved.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n**{} ({}):**\n",
        t(
            lang,
            "Resolved since the baseline",
            "Opgelost sinds de vorige meting"
        ),
        site.resolved.len()
    );
    for finding in &site.resolved {
        let _ = writeln!(out, "- {}", finding_line(finding, lang));
    }
}

fn suppressed(out: &mut String, site: &Site, lang: Lang) {
    let findings: Vec<&Finding> = suppressed_findings(site).collect();
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n**{} ({})** — {}:\n",
        t(lang, "Suppressed", "Uitgezonderd"),
        findings.len(),
        t(
            lang,
            "not counted in the verdict",
            "tellen niet mee in het oordeel"
        )
    );
    for finding in findings {
        let reason = finding
            .suppressed
            .as_ref()
            .map(|s| suppression_text(s, lang))
            .unwrap_or_default();
        let _ = writeln!(out, "- {} — {reason}", finding_line(finding, lang));
    }
}

fn finding_line(finding: &Finding, lang: Lang) -> String {
    format!(
        "{} {} {}",
        i18n::severity(lang, finding.severity),
        code(&finding.rule),
        escape(&finding.title)
    )
}

fn suppression_text(suppression: &Suppression, lang: Lang) -> String {
    let reason = escape(&suppression.reason);
    match &suppression.expires {
        Some(date) => format!(
            "{reason} ({} {})",
            t(lang, "until", "tot en met"),
            escape(date)
        ),
        None => reason,
    }
}

fn third_parties(out: &mut String, site: &Site, lang: Lang) {
    if site.third_parties.is_empty() {
        return;
    }
    let mut hosts: Vec<String> = site
        .third_parties
        .iter()
        .take(HOSTS_SHOWN)
        .map(|tp| code(&tp.host))
        .collect();
    let rest = site.third_parties.len().saturating_sub(HOSTS_SHOWN);
    if rest > 0 {
        hosts.push(match lang {
            Lang::En => format!("and {rest} more"),
            Lang::Nl => format!("en nog {rest}"),
        });
    }
    let _ = writeln!(
        out,
        "\n**{} ({}):** {}",
        i18n::capitalize(label(lang, Label::ThirdParties)),
        site.third_parties.len(),
        hosts.join(", ")
    );
    let _ = writeln!(
        out,
        "\n{}",
        t(
            lang,
            "An IP address sent to a third party is personal data under the GDPR. Transfers outside the EEA need an adequacy decision or appropriate safeguards: have your DPO assess them.",
            "Een IP-adres dat naar een derde partij gaat, is een persoonsgegeven onder de AVG. Doorgifte buiten de EER mag alleen met een adequaatheidsbesluit of passende waarborgen: laat de FG dit beoordelen.",
        )
    );
}

/// Backslash-escape what would start Markdown, HTML or a table cell, and keep the text on one
/// line so it can neither end a table row nor start a block. `(` and `)` stay: with `[` and `]`
/// escaped they cannot form a link, and titles such as "X (Twitter)" stay readable.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A code span: nothing inside it is Markdown, HTML or an autolink. The fence is one backtick
/// longer than the longest run of backticks in the text.
fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.trim().is_empty() {
        return "—".to_owned();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space keeps a leading or trailing backtick apart from the fence; CommonMark strips it.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A code span inside a table cell: GFM splits the row at `|` before it reads code spans.
fn code_cell(text: &str) -> String {
    code(text).replace('|', "\\|")
}

/// The site as a heading names it: its name, then the target in code.
fn site_heading(site: &Site) -> String {
    match site.name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => format!("{} ({})", escape(name), code(&site.target)),
        None => code(&site.target),
    }
}
