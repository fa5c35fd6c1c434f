//! The SMTP connection: settings from `TRACKAUDIT_SMTP_URL` (or the config's `smtp_url`) and one
//! message sent with `lettre` over rustls, within an overall time limit, retried with backoff.
//!
//! | URL | connection |
//! |---|---|
//! | `smtps://user:password@host[:465]` | implicit TLS |
//! | `smtp://user:password@host[:587]?tls=required` | STARTTLS, refused if the server does not offer it |
//! | `smtp://host[:25]` | plain, no TLS (a relay on the local network; no password is sent over it) |
//!
//! User and password are URL-encoded (`%40` for `@`). The password is kept in [`Secret`], whose
//! `Debug` and `Display` print `***`, and never appears in an error or a log line.

use std::path::Path;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::Error;

/// A password: shown as `***` wherever it is formatted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte.
    Implicit,
    /// `smtp://…?tls=required`: STARTTLS, or no connection.
    StartTls,
    /// `smtp://` without `tls`: no TLS at all.
    None,
}

/// Where and how to send mail.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// A PEM file of extra root certificates (a private mail server's own CA).
    pub ca_pem: Option<Vec<u8>>,
    /// The longest one attempt may take, connecting to QUIT.
    pub timeout: Duration,
    /// Attempts per message (at least 1).
    pub attempts: u32,
}

impl SmtpSettings {
    /// Parse an SMTP URL. Errors never contain the password.
    pub fn parse(text: &str) -> Result<SmtpSettings, Error> {
        let invalid = |why: &str| {
            Error::Config(format!(
                "SMTP URL {}: {why}",
                crate::neutralize::redact_userinfo(text)
            ))
        };
        let url = url::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtps", None) => (Security::Implicit, 465),
            ("smtp", Some("required")) => (Security::StartTls, 587),
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some(other)) => {
                return Err(invalid(&format!(
                    "tls={other:?}: use tls=required (STARTTLS) or smtps:// (implicit TLS)"
                )));
            }
            (scheme, _) => {
                return Err(invalid(&format!(
                    "scheme {scheme:?}: use smtps:// or smtp://…?tls=required"
                )));
            }
        };
        let decode = |s: &str| -> Result<String, Error> {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| invalid("user or password is not valid URL-encoded UTF-8"))
        };
        let user = Some(decode(url.username())?).filter(|u| !u.is_empty());
        let password = url.password().map(decode).transpose()?.map(Secret);
        if password.is_some() && security == Security::None {
            return Err(invalid(
                "a password over a connection without TLS: use smtps:// or ?tls=required",
            ));
        }
        Ok(SmtpSettings {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            user,
            password,
            ca_pem: None,
            timeout: Duration::from_secs(60),
            attempts: 3,
        })
    }

    /// Trust the certificates of a PEM file too (at most 1 MiB).
    ///
    /// # Errors
    /// [`Error::Config`] when the file holds no `CERTIFICATE` block, a block that does not
    /// decode, or one whose content is not an X.509 certificate (lettre's parser accepts a file
    /// with none, and the mail would then fail later with a vaguer TLS error); the file's own
    /// read errors.
    pub fn with_ca_file(mut self, path: &Path) -> Result<SmtpSettings, Error> {
        use rustls_pki_types::{CertificateDer, pem::PemObject};
        let pem = crate::files::read_bounded(path, crate::files::MAX_CONFIG_BYTES)?;
        let not_pem = |why: String| {
            Error::Config(format!("{}: not a PEM certificate: {why}", path.display()))
        };
        let certificates = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| not_pem(e.to_string()))?;
        if certificates.is_empty() {
            return Err(not_pem("no BEGIN CERTIFICATE block".into()));
        }
        // A block of valid base64 can still hold anything: each must be an X.509 certificate
        // that rustls can take as a root (the same parse it makes when it trusts one).
        for (n, certificate) in certificates.iter().enumerate() {
            if let Err(e) = webpki::anchor_from_trusted_cert(certificate) {
                let which = n + 1;
                return Err(not_pem(format!(
                    "CERTIFICATE block {which} is not an X.509 certificate ({e})"
                )));
            }
        }
        Certificate::from_pem(&pem).map_err(|e| not_pem(e.to_string()))?;
        self.ca_pem = Some(pem);
        Ok(self)
    }

    /// `host:port` as shown in messages.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let tls = || -> Result<TlsParameters, String> {
            let mut builder = TlsParameters::builder(self.host.clone());
            if let Some(pem) = &self.ca_pem {
                let cert = Certificate::from_pem(pem).map_err(|e| e.to_string())?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build_rustls().map_err(|e| e.to_string())
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .timeout(Some(self.timeout));
        builder = match self.security {
            Security::Implicit => builder.tls(Tls::Wrapper(tls()?)),
            Security::StartTls => builder.tls(Tls::Required(tls()?)),
            Security::None => builder.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&self.user, &self.password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(builder.build())
    }

    /// Send one message: each attempt within `timeout` as a whole (lettre's own timeout covers
    /// single network operations, not a server that trickles), `attempts` tries with 1 s, 2 s, …
    /// between them. The error names the server and the last failure, never the password.
    pub async fn send(&self, message: &Message) -> Result<(), String> {
        let transport = self.transport()?;
        let mut last = String::new();
        for attempt in 1..=self.attempts.max(1) {
            match tokio::time::timeout(self.timeout, transport.send(message.clone())).await {
                Ok(Ok(_)) => return Ok(()),
                Ok(Err(e)) => {
                    last = e.to_string();
                    // A permanent refusal (5xx: bad address, authentication failed) is not retried.
                    if e.is_permanent() {
                        break;
                    }
                }
                Err(_) => {
                    last = format!("no answer within {} s", self.timeout.as_secs());
                }
            }
            if attempt < self.attempts {
                tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
            }
        }
        let mut text = format!("{}: {last}", self.server());
        if last.contains("certificate") {
            text.push_str(
                " (a mail server with its own CA: give its certificate in TRACKAUDIT_SMTP_CA_FILE or ca_file in [email])",
            );
        }
        if let Some(password) = &self.password {
            text = text.replace(password.expose(), "***");
        }
        Err(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_give_their_security_and_decoded_credentials() {
        let s = SmtpSettings::parse("smtps://fg%40school.nl:p%40ss%3Aw0rd@mail.school.nl").unwrap();
        assert_eq!(s.security, Security::Implicit);
        assert_eq!(s.port, 465);
        assert_eq!(s.user.as_deref(), Some("fg@school.nl"));
        assert_eq!(s.password.as_ref().map(Secret::expose), Some("p@ss:w0rd"));
        assert_eq!(format!("{s:?}").matches("p@ss").count(), 0);

        let s = SmtpSettings::parse("smtp://u:p@mail.school.nl?tls=required").unwrap();
        assert_eq!((s.security, s.port), (Security::StartTls, 587));

        let s = SmtpSettings::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((s.security, s.port), (Security::None, 2525));

        let err = SmtpSettings::parse("smtp://u:hunter2@mail.school.nl").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = SmtpSettings::parse("smtp://u:hunter2@mail.school.nl?tls=maybe").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(SmtpSettings::parse("http://mail.school.nl").is_err());
    }
}
