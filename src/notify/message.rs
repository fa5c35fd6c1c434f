//! One email about the sites of one recipient: the subject says the verdict and what changed,
//! the plain-text and HTML bodies start with what is new, then the summary; the HTML report and
//! the sites CSV are attached. Everything in the report's language.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};

use crate::Lang;
use crate::report::html::Html;
use crate::report::i18n;
use crate::report::model::{Finding, FindingStatus, Report, Severity, Site, Verdict};

/// A message ready for the envelope: subject, both bodies, attachments (name, type, bytes).
#[derive(Debug, Clone)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<(String, String, Vec<u8>)>,
}

impl Composed {
    /// The MIME message: multipart/mixed of multipart/alternative (text, HTML) and the
    /// attachments.
    pub fn message(&self, from: &Mailbox, to: &Mailbox) -> Result<lettre::Message, String> {
        let mut parts = MultiPart::mixed().multipart(MultiPart::alternative_plain_html(
            self.text.clone(),
            self.html.clone(),
        ));
        for (name, content_type, bytes) in &self.attachments {
            let content_type = ContentType::parse(content_type).map_err(|e| e.to_string())?;
            parts =
                parts.singlepart(Attachment::new(name.clone()).body(bytes.clone(), content_type));
        }
        lettre::Message::builder()
            .from(from.clone())
            .to(to.clone())
            .subject(self.subject.clone())
            .multipart(parts)
            .map_err(|e| e.to_string())
    }
}

/// What changed on one site since its baseline.
struct Changes<'a> {
    site: &'a Site,
    new: Vec<&'a Finding>,
    resolved: &'a [Finding],
}

fn changes(site: &Site) -> Changes<'_> {
    Changes {
        site,
        new: site
            .findings
            .iter()
            .filter(|f| f.status == Some(FindingStatus::New) && f.suppressed.is_none())
            .collect(),
        resolved: &site.resolved,
    }
}

/// Whether any site of the report was compared with an earlier scan.
fn compared(report: &Report) -> bool {
    report
        .sites
        .iter()
        .any(|s| !s.resolved.is_empty() || s.findings.iter().any(|f| f.status.is_some()))
}

/// The name a finding is about in the report's language: its service's name, else its host,
/// else its rule.
fn subject_of<'a>(site: &'a Site, finding: &'a Finding, lang: Lang) -> &'a str {
    site.service_of(finding)
        .map(|s| s.name_in(lang))
        .or(finding.host.as_deref())
        .unwrap_or(&finding.rule)
}

/// The worst verdict of the sites.
fn worst(report: &Report) -> Verdict {
    let rank = |v: Verdict| match v {
        Verdict::Fail => 0,
        Verdict::Error => 1,
        Verdict::Warn => 2,
        Verdict::Pass => 3,
    };
    report
        .sites
        .iter()
        .map(|s| s.summary.verdict)
        .min_by_key(|v| rank(*v))
        .unwrap_or(Verdict::Pass)
}

/// `www.school.nl` for a URL target, the name or folder otherwise; `3 sites` for several.
fn place(report: &Report, lang: Lang) -> String {
    match report.sites.as_slice() {
        [site] => url::Url::parse(&site.target)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| site.title()),
        sites => match lang {
            Lang::En => format!("{} sites", sites.len()),
            Lang::Nl => format!("{} sites", sites.len()),
        },
    }
}

/// `[trackaudit] AFGEKEURD — 2 nieuw: Meta-pixel, Hotjar — www.school.nl`.
pub fn subject(report: &Report, lang: Lang) -> String {
    let verdict = i18n::verdict(lang, worst(report));
    let word = verdict.split(" — ").next().unwrap_or(verdict);
    let all: Vec<Changes> = report.sites.iter().map(changes).collect();
    let mut names: Vec<&str> = Vec::new();
    for c in &all {
        for f in &c.new {
            let name = subject_of(c.site, f, lang);
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let new_count: usize = all.iter().map(|c| c.new.len()).sum();
    let resolved_count: usize = all.iter().map(|c| c.resolved.len()).sum();
    let what = if compared(report) {
        let mut parts = Vec::new();
        if new_count > 0 {
            let shown: Vec<&str> = names.iter().take(3).copied().collect();
            let more = if names.len() > 3 { ", …" } else { "" };
            let label = match lang {
                Lang::En => "new",
                Lang::Nl => "nieuw",
            };
            parts.push(format!("{new_count} {label}: {}{more}", shown.join(", ")));
        }
        if resolved_count > 0 {
            parts.push(match lang {
                Lang::En => format!("{resolved_count} resolved"),
                Lang::Nl => format!("{resolved_count} opgelost"),
            });
        }
        if parts.is_empty() {
            match lang {
                Lang::En => "no changes".to_owned(),
                Lang::Nl => "geen wijzigingen".to_owned(),
            }
        } else {
            parts.join(", ")
        }
    } else {
        let high: usize = report.sites.iter().map(|s| s.summary.high).sum();
        format!(
            "{high} {}",
            i18n::severity(lang, Severity::High).to_lowercase()
        )
    };
    // A subject is one line: a name with a line break must not add headers.
    let line = format!("[trackaudit] {word} — {what} — {}", place(report, lang));
    line.chars().filter(|c| !c.is_control()).collect()
}

/// The texts of both bodies.
struct Words {
    new_heading: &'static str,
    resolved_heading: &'static str,
    nothing_new: &'static str,
    summary_heading: &'static str,
    attached: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            new_heading: "New since the last scan",
            resolved_heading: "Resolved since the last scan",
            nothing_new: "Nothing new since the last scan.",
            summary_heading: "Summary",
            attached: "The full report is attached (report.html; sites.csv for a spreadsheet).",
        },
        Lang::Nl => Words {
            new_heading: "Nieuw sinds de vorige scan",
            resolved_heading: "Opgelost sinds de vorige scan",
            nothing_new: "Niets nieuws sinds de vorige scan.",
            summary_heading: "Samenvatting",
            attached: "Het volledige rapport zit in de bijlage (report.html; sites.csv voor een spreadsheet).",
        },
    }
}

/// One line about a finding: `HIGH  Tracking pixel: Meta Pixel (www.school.nl)`.
fn finding_line(lang: Lang, site: &Site, finding: &Finding) -> String {
    format!(
        "{}  {} ({})",
        i18n::severity(lang, finding.severity),
        finding.title,
        site.title()
    )
}

/// Compose the message about `report` (the recipient's sites). `attachments` are added as
/// they are.
pub fn compose(
    report: &Report,
    lang: Lang,
    attachments: Vec<(String, String, Vec<u8>)>,
) -> Composed {
    let w = words(lang);
    let all: Vec<Changes> = report.sites.iter().map(changes).collect();
    let any_new = all.iter().any(|c| !c.new.is_empty());
    let any_resolved = all.iter().any(|c| !c.resolved.is_empty());

    // Plain text: neutralised like the terminal report (no control characters from pages).
    let mut text = String::new();
    let mut html = Html::default();
    html.raw("<!doctype html><html><body>\n");
    if compared(report) {
        if any_new {
            text.push_str(&format!("{}\n\n", w.new_heading));
            html.el("h2", "", w.new_heading).raw("\n<ul>\n");
            for c in &all {
                for f in &c.new {
                    let line = finding_line(lang, c.site, f);
                    text.push_str(&format!("- {line}\n"));
                    html.el("li", "", &line).raw("\n");
                }
            }
            text.push('\n');
            html.raw("</ul>\n");
        } else {
            text.push_str(&format!("{}\n\n", w.nothing_new));
            html.el("p", "", w.nothing_new).raw("\n");
        }
        if any_resolved {
            text.push_str(&format!("{}\n\n", w.resolved_heading));
            html.el("h2", "", w.resolved_heading).raw("\n<ul>\n");
            for c in &all {
                for f in c.resolved {
                    let line = finding_line(lang, c.site, f);
                    text.push_str(&format!("- {line}\n"));
                    html.el("li", "", &line).raw("\n");
                }
            }
            text.push('\n');
            html.raw("</ul>\n");
        }
    }
    text.push_str(&format!("{}\n\n", w.summary_heading));
    html.el("h2", "", w.summary_heading).raw("\n<ul>\n");
    for site in &report.sites {
        let verdict = i18n::verdict(lang, site.summary.verdict);
        let line = format!(
            "{}: {verdict} ({})",
            site.title(),
            i18n::counts(lang, &site.summary)
        );
        text.push_str(&format!("- {line}\n"));
        html.el("li", "", &line).raw("\n");
    }
    text.push_str(&format!("\n{}\n", w.attached));
    html.raw("</ul>\n")
        .el("p", "", w.attached)
        .raw("\n</body></html>\n");
    Composed {
        subject: subject(report, lang),
        text: crate::neutralize::terminal(&text).into_owned(),
        html: html.0,
        attachments,
    }
}
