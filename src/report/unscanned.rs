//! Why nothing of a site could be scanned (verdict `error`), in the report's language, with a
//! hint the user can act on: the other scheme when TLS fails, the spelling when a name does not
//! resolve. Shown in every format and on stderr.

use crate::Lang;
use crate::failure::FailureKind;
use crate::report::model::{Page, Site, Verdict};

/// The reason a site has the verdict `error`; `None` for a site that was scanned.
pub fn reason(site: &Site, lang: Lang) -> Option<String> {
    if site.summary.verdict != Verdict::Error {
        return None;
    }
    let en = lang == Lang::En;
    // The start page (depth 0) says most; any page will do when there is none.
    let Some(page) = site
        .pages
        .iter()
        .find(|p| p.depth == 0)
        .or(site.pages.first())
    else {
        return Some(
            if en {
                "Nothing was scanned: the scan was stopped before the first page was read."
            } else {
                "Niets gescand: de scan werd gestopt voordat de eerste pagina was gelezen."
            }
            .into(),
        );
    };
    let what = match (page.failure_text(lang), page.status) {
        (Some((text, Some(detail))), _) => format!("{}: {text} [{detail}]", page.url),
        (Some((text, None)), _) => format!("{}: {text}", page.url),
        (None, Some(status)) if en => format!("{} answered HTTP {status}", page.url),
        (None, Some(status)) => format!("{} antwoordde met HTTP {status}", page.url),
        (None, None) => page.url.clone(),
    };
    let start = if en {
        "Nothing could be scanned"
    } else {
        "Niets kon worden gescand"
    };
    Some(match hint(page, lang) {
        Some(hint) => format!("{start}: {what}. {hint}"),
        None => format!("{start}: {what}."),
    })
}

/// What the user can do about a failed start page, by the kind of failure.
fn hint(page: &Page, lang: Lang) -> Option<String> {
    let failure = page.error_about.as_ref()?;
    let url = url::Url::parse(&page.url).ok();
    let host = url
        .as_ref()
        .and_then(|u| u.host_str())
        .unwrap_or_default()
        .to_owned();
    let en = lang == Lang::En;
    let words = |en_text: &str, nl_text: &str| Some(if en { en_text } else { nl_text }.to_owned());
    match failure.kind {
        FailureKind::Tls if url.as_ref().is_some_and(|u| u.scheme() == "https") => {
            let http = page.url.replacen("https://", "http://", 1);
            Some(if en {
                format!(
                    "The server does not answer in TLS (https) there; if the site speaks plain http, scan {http}"
                )
            } else {
                format!(
                    "De server antwoordt daar niet met TLS (https); spreekt de site gewoon http, scan dan {http}"
                )
            })
        }
        FailureKind::PrivateAddress => Some(if en {
            format!(
                "{host} resolves to a private, loopback or link-local address, which is not fetched: \
                 scan an intranet site with --allow-private."
            )
        } else {
            format!(
                "{host} verwijst naar een privé-, loopback- of link-local-adres, dat niet wordt opgehaald: \
                 scan een intranetsite met --allow-private."
            )
        }),
        FailureKind::NameNotFound => Some(if en {
            format!("The name {host} was not found (DNS): check the spelling and the network.")
        } else {
            format!("De naam {host} is niet gevonden (DNS): controleer de spelling en het netwerk.")
        }),
        FailureKind::ConnectionRefused => words(
            "Nothing answers at that address and port: is the server running?",
            "Niets antwoordt op dat adres en die poort: draait de server?",
        ),
        FailureKind::Timeout { .. } => words(
            "The server did not answer in time (--timeout).",
            "De server antwoordde niet op tijd (--timeout).",
        ),
        _ => None,
    }
}
