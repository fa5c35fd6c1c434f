//! Email: after a scan, one message per recipient covering that recipient's sites, when
//! `--notify` says so. Recipients come from `--email-to` and the config's `[email] to` (every
//! site) and from the targets file's third column (that site only).
//!
//! Sending happens after the reports are written: a mail server that refuses or hangs never
//! costs a report. Failures are returned per recipient; the binary turns them into exit code 4.

pub mod message;
pub mod settings;
pub mod smtp;

use lettre::message::Mailbox;

use crate::Lang;
use crate::report::model::{FindingStatus, Report, Site, Verdict};
use crate::report::{self, Format, RenderOptions};

pub use settings::{EmailRequest, resolve};
pub use smtp::SmtpSettings;

/// When to send (`--notify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Notify {
    /// After every scan.
    #[default]
    Always,
    /// When one of the recipient's sites fails (findings at or above `--fail-on`).
    OnViolation,
    /// When a finding of one of the recipient's sites is new or resolved compared with the
    /// baseline or the `--state` folder.
    OnChange,
}

/// Everything needed to send the report.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub smtp: SmtpSettings,
    pub from: Mailbox,
    /// Addresses that get every site.
    pub to: Vec<Mailbox>,
    /// Addresses per site, by the site's target as the report shows it.
    pub per_site: Vec<(String, Vec<Mailbox>)>,
    pub notify: Notify,
}

/// Parse an address (`fg@school.nl` or `FG <fg@school.nl>`).
pub fn mailbox(text: &str) -> Result<Mailbox, String> {
    text.trim()
        .parse::<Mailbox>()
        .map_err(|e| format!("{text:?} is not an email address: {e}"))
}

/// Whether `sites` call for a message under `notify`.
pub fn due(notify: Notify, sites: &[&Site]) -> bool {
    match notify {
        Notify::Always => true,
        Notify::OnViolation => sites.iter().any(|s| s.summary.verdict == Verdict::Fail),
        Notify::OnChange => sites.iter().any(|s| {
            !s.resolved.is_empty()
                || s.findings
                    .iter()
                    .any(|f| f.status == Some(FindingStatus::New) && f.suppressed.is_none())
        }),
    }
}

/// One message to send: the recipient and the report restricted to their sites.
pub struct Outgoing {
    pub to: Mailbox,
    pub report: Report,
}

/// The messages `report` calls for: one per recipient, with their sites in the report's order,
/// left out when `notify` does not call for it.
pub fn plan(report: &Report, settings: &EmailSettings) -> Vec<Outgoing> {
    let mut recipients: Vec<(Mailbox, Vec<usize>)> = Vec::new();
    let mut add = |to: &Mailbox, index: usize| {
        let key = to.email.to_string().to_lowercase();
        match recipients
            .iter_mut()
            .find(|(m, _)| m.email.to_string().to_lowercase() == key)
        {
            Some((_, sites)) if !sites.contains(&index) => sites.push(index),
            Some(_) => {}
            None => recipients.push((to.clone(), vec![index])),
        }
    };
    for (index, site) in report.sites.iter().enumerate() {
        for to in &settings.to {
            add(to, index);
        }
        let own = settings.per_site.iter().filter(|(t, _)| *t == site.target);
        for to in own.flat_map(|(_, list)| list) {
            add(to, index);
        }
    }
    recipients
        .into_iter()
        .filter_map(|(to, mut indexes)| {
            indexes.sort_unstable();
            let sites: Vec<&Site> = indexes.iter().map(|&i| &report.sites[i]).collect();
            if !due(settings.notify, &sites) {
                return None;
            }
            let report = Report {
                sites: sites.into_iter().cloned().collect(),
                ..report.clone()
            };
            Some(Outgoing { to, report })
        })
        .collect()
}

/// A message that could not be delivered.
#[derive(Debug, Clone)]
pub struct Undelivered {
    pub to: String,
    pub error: String,
}

/// Send every message of the plan; `attachments` renders the files attached to a report
/// (name, content type, bytes). Returns the recipients reached and the failures.
pub async fn send_all(
    outgoing: &[Outgoing],
    settings: &EmailSettings,
    lang: Lang,
    attachments: impl Fn(&Report) -> Vec<(String, String, Vec<u8>)>,
) -> (Vec<String>, Vec<Undelivered>) {
    let mut sent = Vec::new();
    let mut failed = Vec::new();
    for out in outgoing {
        let to = out.to.email.to_string();
        let composed = message::compose(&out.report, lang, attachments(&out.report));
        let result = match composed.message(&settings.from, &out.to) {
            Ok(message) => settings.smtp.send(&message).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => sent.push(to),
            Err(error) => failed.push(Undelivered { to, error }),
        }
    }
    (sent, failed)
}

/// What [`send_report`] did: the addresses reached and the messages not delivered.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    pub sent: Vec<String>,
    pub failed: Vec<Undelivered>,
}

/// The files attached to a message: the HTML report and the sites CSV, as `(file name, content
/// type, bytes)`, rendered with `options` but never with terminal colours.
pub fn attachments(report: &Report, options: &RenderOptions) -> Vec<(String, String, Vec<u8>)> {
    let in_files = RenderOptions {
        color: false,
        ..*options
    };
    vec![
        (
            "report.html".to_owned(),
            "text/html; charset=utf-8".to_owned(),
            report::render(report, Format::Html, &in_files).into_bytes(),
        ),
        (
            "sites.csv".to_owned(),
            "text/csv; charset=utf-8".to_owned(),
            report::render(report, Format::SitesCsv, &in_files).into_bytes(),
        ),
    ]
}

/// Send `report` to its recipients as [`plan`] decides, in `options.lang`, with
/// [`attachments`]. Run it after the reports are written: a mail server that fails or hangs
/// (each attempt bounded by [`SmtpSettings::timeout`]) then costs no report. Each recipient
/// reached is logged; the failures are returned for the caller to name.
pub async fn send_report(
    report: &Report,
    settings: &EmailSettings,
    options: &RenderOptions,
) -> Delivery {
    let outgoing = plan(report, settings);
    if outgoing.is_empty() {
        tracing::info!("email: nothing to send (--notify)");
        return Delivery::default();
    }
    let (sent, failed) = send_all(&outgoing, settings, options.lang, |r| {
        attachments(r, options)
    })
    .await;
    for to in &sent {
        tracing::info!("email sent to {to}");
    }
    Delivery { sent, failed }
}
