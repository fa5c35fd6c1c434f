//! The email settings of a scan, from the flags, the config's `[email]` table, the targets
//! file's third column and the environment (`TRACKAUDIT_SMTP_URL`, `TRACKAUDIT_SMTP_CA_FILE`).
//! Resolved before anything is scanned, so a missing server or sender costs no scan.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;

use super::{EmailSettings, Notify, SmtpSettings, mailbox};
use crate::error::Error;
use crate::policy::config::EmailConfig;

/// What the command line and the environment say about email; the config's `[email]` table
/// fills in what they leave out.
#[derive(Debug, Clone, Default)]
pub struct EmailRequest {
    /// `--email-to`: addresses that get every site (before those of `[email] to`).
    pub to: Vec<String>,
    /// `--email-from`, else `[email] from`.
    pub from: Option<String>,
    /// `--notify`; `None` when not given (then [`Notify::Always`], and no recipient is no error).
    pub notify: Option<Notify>,
    /// Each target's own recipients from the targets file, by the target's label (`(label,
    /// addresses)`; an empty list is skipped).
    pub per_site: Vec<(String, Vec<String>)>,
    /// `TRACKAUDIT_SMTP_URL` as set (an empty value counts as unset); it wins over `smtp_url`.
    pub smtp_url: Option<String>,
    /// `TRACKAUDIT_SMTP_CA_FILE`; it wins over `[email] ca_file`.
    pub ca_file: Option<PathBuf>,
}

/// The email settings when anyone is to get the report (`--email-to`, `[email] to` or a
/// recipient in the targets file), else `None`. The SMTP URL comes from
/// [`EmailRequest::smtp_url`], else `smtp_url` of the config; `[email] timeout_s` (seconds per
/// attempt) and `attempts` override [`SmtpSettings`]' defaults.
///
/// Errors ([`Error::Email`], or [`Error::Io`]/[`Error::TooLarge`]/[`Error::Config`] for the CA
/// file): an address that does not parse, `--notify` without a recipient, no SMTP server, an
/// invalid SMTP URL (named by where it came from; never with its password), no sender.
pub fn resolve(
    request: EmailRequest,
    config: &EmailConfig,
) -> Result<Option<EmailSettings>, Error> {
    let parse = |list: &[String]| -> Result<Vec<Mailbox>, Error> {
        list.iter()
            .map(|a| mailbox(a).map_err(Error::Email))
            .collect()
    };
    let to = parse(
        &request
            .to
            .iter()
            .chain(&config.to)
            .cloned()
            .collect::<Vec<_>>(),
    )?;
    let per_site: Vec<(String, Vec<Mailbox>)> = request
        .per_site
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(target, list)| Ok((target, parse(&list)?)))
        .collect::<Result<_, Error>>()?;
    if to.is_empty() && per_site.is_empty() {
        if request.notify.is_some() {
            return Err(Error::Email(
                "--notify needs a recipient: --email-to, [email] to in the config, or a third column in the targets file".into(),
            ));
        }
        return Ok(None);
    }
    let from_env = request.smtp_url.filter(|u| !u.is_empty());
    let source = if from_env.is_some() {
        "TRACKAUDIT_SMTP_URL"
    } else {
        "smtp_url in [email] of the config"
    };
    let url = from_env
        .or_else(|| config.smtp_url.clone())
        .ok_or_else(|| {
            Error::Email(
                "email needs an SMTP server: set TRACKAUDIT_SMTP_URL (smtps://user:password@host or smtp://user:password@host?tls=required) or smtp_url in [email] of the config".into(),
            )
        })?;
    // The parse error names the URL without its password already.
    let mut smtp = SmtpSettings::parse(&url).map_err(|e| Error::Email(format!("{source}: {e}")))?;
    if let Some(ca) = request.ca_file.or_else(|| config.ca_file.clone()) {
        smtp = smtp.with_ca_file(&ca)?;
    }
    if let Some(seconds) = config.timeout_s {
        smtp.timeout = Duration::from_secs(seconds);
    }
    if let Some(attempts) = config.attempts {
        smtp.attempts = attempts;
    }
    let from = request
        .from
        .or_else(|| config.from.clone())
        .ok_or_else(|| {
            Error::Email(
                "email needs a sender: --email-from ADDR or from in [email] of the config".into(),
            )
        })?;
    let from = mailbox(&from).map_err(Error::Email)?;
    Ok(Some(EmailSettings {
        smtp,
        from,
        to,
        per_site,
        notify: request.notify.unwrap_or(Notify::Always),
    }))
}
