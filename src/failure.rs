//! Why a page could not be read: a kind with its parameters, worded in English and Dutch, and
//! apart from it the raw technical detail (the HTTP client's or the operating system's words).
//! The crawler makes it, the report keeps it (`pages[].error_about`), every human format words
//! it in the report's language. It depends on no stage.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// One page's failure: what happened, how many requests it cost, and the technical detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// What happened, with its parameters (JSON: `kind` and the kind's fields).
    #[serde(flatten)]
    pub kind: FailureKind,
    /// Requests made for the URL (retries included); absent when it failed before a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// Seconds from the first request to the failure (with `attempts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spent_s: Option<f32>,
    /// An earlier request to the same host failed without any answer from it, so this URL was
    /// not requested at all; the failure is that earlier one's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_tried_again: bool,
    /// The raw technical detail, as the HTTP client or the operating system gave it (English,
    /// not translated): shown as code, never as the tool's own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What kept a page from being read (JSON `error_about.kind`, kebab-case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FailureKind {
    /// The server answered with an error status (4xx, 5xx).
    HttpStatus { status: u16 },
    /// No (complete) answer within `--timeout`.
    Timeout { seconds: f32 },
    /// Nothing listens at that address and port.
    ConnectionRefused,
    /// The host name does not resolve (DNS).
    NameNotFound,
    /// The name resolves to a private, loopback or link-local address, refused without
    /// `--allow-private`.
    PrivateAddress,
    /// The TLS (https) handshake failed: no TLS spoken there, or a certificate refused.
    Tls,
    /// The connection failed for another reason (see `detail`).
    ConnectionFailed,
    /// The response's headers were larger than the HTTP client accepts.
    HeadersTooLarge,
    /// The answer could not be parsed as HTTP (a malformed status line or header).
    MalformedResponse,
    /// The connection broke or the body could not be decoded while it was read.
    ReadFailed,
    /// The request failed for another reason (see `detail`).
    RequestFailed,
    /// A 429 or 503 whose `Retry-After` (seconds) is longer than the crawler waits (`max_s`).
    RetryAfterTooLong {
        status: u16,
        wait_s: u64,
        max_s: u64,
    },
    /// A redirect leads back to a URL of the same chain.
    RedirectLoop { to: String },
    /// More redirects in a row than the crawler follows.
    TooManyRedirects { max: usize },
    /// A redirect status whose `Location` is missing or unusable.
    RedirectWithoutLocation { status: u16 },
    /// The start page redirects outside the site: nothing of the site would be scanned.
    LeavesSite { to: String },
    /// robots.txt disallows the start page.
    RobotsDisallowed,
    /// The URL has no host.
    NoHost,
    /// The URL is not an http(s) one (a statement link to `ftp:`).
    NotHttp,
    /// A PDF document (a privacy statement): its text is not read.
    PdfNotRead,
    /// A document of a type whose text is not read (a privacy statement that is a Word file).
    NotText { content_type: String },
    /// The document holds no text.
    NoText,
    /// The markup exceeds one of trackaudit's limits and was not analysed.
    NotAnalysed { limit: MarkupLimit, max: usize },
    /// The analysis itself failed (see `detail`).
    AnalysisFailed,
    /// Chromium could not be started for the site (browser engine): its pages have the static
    /// reading only, from the page that needed it on (see `detail`).
    BrowserNotStarted,
}

/// Which limit of the markup guard a page exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkupLimit {
    /// Elements nested more than `max` deep.
    Depth,
    /// An element with more than `max` attributes.
    Attributes,
    /// More than `max` elements.
    Elements,
    /// More than `max` `<` characters that open no tag.
    StrayLessThan,
}

impl Failure {
    /// A failure of this kind, before or without any request.
    pub fn new(kind: FailureKind) -> Failure {
        Failure {
            kind,
            attempts: None,
            spent_s: None,
            not_tried_again: false,
            detail: None,
        }
    }

    /// With the raw technical detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Failure {
        let detail = detail.into();
        self.detail = (!detail.is_empty()).then_some(detail);
        self
    }

    /// The failure in words, without the detail: "HTTP 404 (not found)", "verbinding
    /// geweigerd (1 poging, 0,0 s in totaal)".
    pub fn text(&self, lang: Lang) -> String {
        let mut text = self.kind.text(lang);
        if let (Some(attempts), Some(spent)) = (self.attempts, self.spent_s) {
            let spent = match lang {
                Lang::En => format!("{spent:.1}"),
                Lang::Nl => format!("{spent:.1}").replace('.', ","),
            };
            let _ = match (lang, attempts) {
                (Lang::En, 1) => write!(text, " (1 attempt, {spent} s in all)"),
                (Lang::En, n) => write!(text, " ({n} attempts, {spent} s in all)"),
                (Lang::Nl, 1) => write!(text, " (1 poging, {spent} s in totaal)"),
                (Lang::Nl, n) => write!(text, " ({n} pogingen, {spent} s in totaal)"),
            };
        }
        if self.not_tried_again {
            text.push_str(match lang {
                Lang::En => "; not tried again",
                Lang::Nl => "; niet opnieuw geprobeerd",
            });
        }
        text
    }

    /// The failure in words followed by its detail: the JSON `pages[].error`, and a line for
    /// formats without markup for code.
    pub fn line(&self, lang: Lang) -> String {
        match &self.detail {
            Some(detail) => format!("{}: {detail}", self.text(lang)),
            None => self.text(lang),
        }
    }
}

/// What a report shows for something that could not be read: the failure worded in `lang`
/// without its detail, and the detail apart (to be shown as code); for a report of an older
/// version, which has no `about`, its `stored` text.
pub fn worded<'a>(
    about: Option<&'a Failure>,
    stored: Option<&str>,
    lang: Lang,
) -> Option<(String, Option<&'a str>)> {
    match (about, stored) {
        (Some(failure), _) => Some((failure.text(lang), failure.detail.as_deref())),
        (None, Some(text)) => Some((text.to_owned(), None)),
        (None, None) => None,
    }
}

impl std::fmt::Display for Failure {
    /// In English, with the detail (logs).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line(Lang::En))
    }
}

impl FailureKind {
    /// The kind in words, with its parameters.
    pub fn text(&self, lang: Lang) -> String {
        let en = lang == Lang::En;
        let pick = |en_text: &str, nl_text: &str| if en { en_text } else { nl_text }.to_owned();
        let either = |en_text: String, nl_text: String| if en { en_text } else { nl_text };
        match self {
            FailureKind::HttpStatus { status } => match status_meaning(*status, lang) {
                Some(meaning) => format!("HTTP {status} ({meaning})"),
                None => format!("HTTP {status}"),
            },
            FailureKind::Timeout { seconds } => {
                let seconds = seconds_shown(*seconds, lang);
                either(
                    format!("timed out after {seconds} s"),
                    format!("geen antwoord binnen {seconds} s"),
                )
            }
            FailureKind::ConnectionRefused => pick("connection refused", "verbinding geweigerd"),
            FailureKind::NameNotFound => pick("name not found (DNS)", "naam niet gevonden (DNS)"),
            FailureKind::PrivateAddress => pick(
                "the name resolves to a private, loopback or link-local address: not fetched (--allow-private fetches it)",
                "de naam verwijst naar een privé-, loopback- of link-local-adres: niet opgehaald (--allow-private haalt het op)",
            ),
            FailureKind::Tls => pick(
                "the TLS (https) connection failed",
                "de TLS-verbinding (https) mislukte",
            ),
            FailureKind::ConnectionFailed => pick("connection failed", "verbinding mislukt"),
            FailureKind::HeadersTooLarge => pick(
                "the response headers are too large",
                "de kopregels van het antwoord zijn te groot",
            ),
            FailureKind::MalformedResponse => pick(
                "the server's answer is not valid HTTP",
                "het antwoord van de server is geen geldige HTTP",
            ),
            FailureKind::ReadFailed => pick(
                "reading the response failed",
                "het antwoord kon niet worden gelezen",
            ),
            FailureKind::RequestFailed => pick("request failed", "verzoek mislukt"),
            FailureKind::RetryAfterTooLong {
                status,
                wait_s,
                max_s,
            } => either(
                format!(
                    "HTTP {status}: the server asks to retry after {wait_s} s, longer than the {max_s} s the crawler waits"
                ),
                format!(
                    "HTTP {status}: de server vraagt het na {wait_s} s opnieuw te proberen, langer dan de {max_s} s die de crawler wacht"
                ),
            ),
            FailureKind::RedirectLoop { to } => either(
                format!("redirect loop: {to} redirects back"),
                format!("omleidingslus: {to} leidt terug"),
            ),
            FailureKind::TooManyRedirects { max } => either(
                format!("more than {max} redirects"),
                format!("meer dan {max} omleidingen"),
            ),
            FailureKind::RedirectWithoutLocation { status } => either(
                format!("redirect (HTTP {status}) without a usable Location"),
                format!("omleiding (HTTP {status}) zonder bruikbare Location"),
            ),
            FailureKind::LeavesSite { to } => either(
                format!(
                    "the start page redirects to {to}, outside the site: scan that address instead"
                ),
                format!("de startpagina leidt om naar {to}, buiten de site: scan dat adres"),
            ),
            FailureKind::RobotsDisallowed => pick(
                "robots.txt disallows this page (--ignore-robots crawls it)",
                "robots.txt verbiedt deze pagina (--ignore-robots leest haar toch)",
            ),
            FailureKind::NoHost => pick("the URL has no host", "de URL heeft geen host"),
            FailureKind::NotHttp => pick("not an http(s) URL", "geen http(s)-URL"),
            FailureKind::PdfNotRead => pick(
                "a PDF document: its text is not read",
                "een PDF-document: de tekst wordt niet gelezen",
            ),
            FailureKind::NotText { content_type } => either(
                format!("a document of type {content_type}: its text is not read"),
                format!("een document van het type {content_type}: de tekst wordt niet gelezen"),
            ),
            FailureKind::NoText => pick("no text", "geen tekst"),
            FailureKind::NotAnalysed { limit, max } => {
                let what = match (limit, en) {
                    (MarkupLimit::Depth, true) => format!("elements nested more than {max} deep"),
                    (MarkupLimit::Depth, false) => {
                        format!("elementen dieper genest dan {max} niveaus")
                    }
                    (MarkupLimit::Attributes, true) => {
                        format!("an element with more than {max} attributes")
                    }
                    (MarkupLimit::Attributes, false) => {
                        format!("een element met meer dan {max} attributen")
                    }
                    (MarkupLimit::Elements, true) => format!("more than {max} elements"),
                    (MarkupLimit::Elements, false) => format!("meer dan {max} elementen"),
                    (MarkupLimit::StrayLessThan, true) => {
                        format!("more than {max} '<' characters that open no tag")
                    }
                    (MarkupLimit::StrayLessThan, false) => {
                        format!("meer dan {max} '<'-tekens die geen tag openen")
                    }
                };
                either(
                    format!("not analysed: {what} (a limit of trackaudit)"),
                    format!("niet geanalyseerd: {what} (een limiet van trackaudit)"),
                )
            }
            FailureKind::AnalysisFailed => pick(
                "analysing the page failed",
                "het analyseren van de pagina mislukte",
            ),
            FailureKind::BrowserNotStarted => pick(
                "Chromium could not be started: the pages it did not load were read only as served (their cookies, and what their scripts load, are missing)",
                "Chromium kon niet worden gestart: de pagina's die het niet laadde, zijn alleen gelezen zoals ze werden aangeboden (hun cookies, en wat hun scripts laden, ontbreken)",
            ),
        }
    }
}

/// Whole seconds without a fraction ("20 s"), else one decimal in the language's notation.
fn seconds_shown(seconds: f32, lang: Lang) -> String {
    if seconds.fract() == 0.0 {
        return format!("{seconds:.0}");
    }
    let text = format!("{seconds:.1}");
    match lang {
        Lang::En => text,
        Lang::Nl => text.replace('.', ","),
    }
}

/// What the common error statuses mean, in the report's language (RFC 9110 names, short).
fn status_meaning(status: u16, lang: Lang) -> Option<&'static str> {
    let (en, nl) = match status {
        400 => ("bad request", "ongeldig verzoek"),
        401 => ("login required", "aanmelding vereist"),
        403 => ("forbidden", "geen toegang"),
        404 => ("not found", "niet gevonden"),
        405 => ("method not allowed", "methode niet toegestaan"),
        406 => ("not acceptable", "niet aanvaardbaar"),
        408 => ("request timeout", "time-out van het verzoek"),
        410 => ("gone", "verdwenen"),
        429 => ("too many requests", "te veel verzoeken"),
        451 => (
            "unavailable for legal reasons",
            "onbeschikbaar om juridische redenen",
        ),
        500 => ("server error", "serverfout"),
        501 => ("not implemented", "niet geïmplementeerd"),
        502 => ("bad gateway", "fout in de gateway"),
        503 => ("service unavailable", "dienst niet beschikbaar"),
        504 => ("gateway timeout", "time-out van de gateway"),
        _ => return None,
    };
    Some(if lang == Lang::En { en } else { nl })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_worded_in_both_languages_with_their_parameters() {
        let mut failure = Failure::new(FailureKind::ConnectionRefused)
            .with_detail("tcp connect error: Connection refused (os error 111)");
        failure.attempts = Some(1);
        failure.spent_s = Some(0.04);
        failure.not_tried_again = true;
        assert_eq!(
            failure.text(Lang::En),
            "connection refused (1 attempt, 0.0 s in all); not tried again"
        );
        assert_eq!(
            failure.text(Lang::Nl),
            "verbinding geweigerd (1 poging, 0,0 s in totaal); niet opnieuw geprobeerd"
        );
        assert!(
            failure
                .line(Lang::Nl)
                .ends_with(": tcp connect error: Connection refused (os error 111)")
        );
        let json = serde_json::to_value(&failure).unwrap();
        assert_eq!(json["kind"], "connection-refused");
        let back: Failure = serde_json::from_value(json).unwrap();
        assert_eq!(back, failure);
        let status = Failure::new(FailureKind::HttpStatus { status: 404 });
        assert_eq!(status.text(Lang::Nl), "HTTP 404 (niet gevonden)");
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({"kind": "http-status", "status": 404})
        );
        let timeout = FailureKind::Timeout { seconds: 2.5 };
        assert_eq!(timeout.text(Lang::Nl), "geen antwoord binnen 2,5 s");
    }
}
