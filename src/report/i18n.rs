//! Labels of the human-readable reports, in English and Dutch.

use crate::Lang;
use crate::lists::Transfer;
use crate::report::model::{Severity, Summary, Verdict};

/// A fixed label of the report.
#[derive(Debug, Clone, Copy)]
pub enum Label {
    Site,
    Verdict,
    PagesScanned,
    Errors,
    ThirdParties,
    Findings,
    NoFindings,
    Pages,
    Page,
    Host,
    Organisation,
    Country,
    Service,
    Transfer,
    TrackingIds,
    Evidence,
    Advice,
    PageErrors,
    Unknown,
    Interrupted,
    ConsentGated,
    More,
    New,
    Suppressed,
    ExpiredSuppression,
    UnusedSuppression,
    Resolved,
}

/// The text of the report's language from an English–Dutch pair (tests/dutch.rs collects every
/// pair written `t(lang, "…", "…")`).
pub fn t(lang: Lang, en: &'static str, nl: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

pub fn label(lang: Lang, label: Label) -> &'static str {
    use Label::*;
    match (lang, label) {
        (Lang::En, Site) => "Site",
        (Lang::Nl, Site) => "Site",
        (Lang::En, Verdict) => "Verdict",
        (Lang::Nl, Verdict) => "Oordeel",
        (Lang::En, PagesScanned) => "pages visited",
        (Lang::Nl, PagesScanned) => "pagina's bezocht",
        (Lang::En, Errors) => "errors",
        (Lang::Nl, Errors) => "fouten",
        (Lang::En, ThirdParties) => "third parties",
        (Lang::Nl, ThirdParties) => "derde partijen",
        (Lang::En, Findings) => "Findings",
        (Lang::Nl, Findings) => "Bevindingen",
        (Lang::En, NoFindings) => "No findings.",
        (Lang::Nl, NoFindings) => "Geen bevindingen.",
        (Lang::En, Pages) => "pages",
        (Lang::Nl, Pages) => "pagina's",
        (Lang::En, Page) => "page",
        (Lang::Nl, Page) => "pagina",
        (Lang::En, Host) => "host",
        (Lang::Nl, Host) => "host",
        (Lang::En, Organisation) => "organisation",
        (Lang::Nl, Organisation) => "organisatie",
        (Lang::En, Country) => "country",
        (Lang::Nl, Country) => "land",
        (Lang::En, Service) => "service",
        (Lang::Nl, Service) => "dienst",
        (Lang::En, Transfer) => "transfer",
        (Lang::Nl, Transfer) => "doorgifte",
        (Lang::En, TrackingIds) => "tracking ids",
        (Lang::Nl, TrackingIds) => "tracking-id's",
        (Lang::En, Evidence) => "evidence",
        (Lang::Nl, Evidence) => "bewijs",
        (Lang::En, Advice) => "advice",
        (Lang::Nl, Advice) => "advies",
        (Lang::En, PageErrors) => "Pages with errors",
        (Lang::Nl, PageErrors) => "Pagina's met fouten",
        (Lang::En, Unknown) => "unknown",
        (Lang::Nl, Unknown) => "onbekend",
        (Lang::En, Interrupted) => {
            "The scan was interrupted: this report covers the pages scanned until then."
        }
        (Lang::Nl, Interrupted) => {
            "De scan is onderbroken: dit rapport beschrijft de pagina's die tot dan zijn gescand."
        }
        (Lang::En, ConsentGated) => "held back by the consent banner",
        (Lang::Nl, ConsentGated) => "tegengehouden door de cookiebanner",
        (Lang::En, More) => "more",
        (Lang::Nl, More) => "meer",
        (Lang::En, New) => "NEW",
        (Lang::Nl, New) => "NIEUW",
        (Lang::En, Suppressed) => "Suppressed by the config file",
        (Lang::Nl, Suppressed) => "Onderdrukt in het configuratiebestand",
        (Lang::En, ExpiredSuppression) => "Expired suppression, no longer applied:",
        (Lang::Nl, ExpiredSuppression) => "Verlopen onderdrukking, niet meer toegepast:",
        (Lang::En, UnusedSuppression) => "Suppression that matched no finding:",
        (Lang::Nl, UnusedSuppression) => "Onderdrukking die geen bevinding trof:",
        (Lang::En, Resolved) => "Resolved since the baseline",
        (Lang::Nl, Resolved) => "Opgelost sinds de vorige meting",
    }
}

pub fn severity(lang: Lang, severity: Severity) -> &'static str {
    match (lang, severity) {
        (Lang::En, Severity::High) => "HIGH",
        (Lang::En, Severity::Medium) => "MEDIUM",
        (Lang::En, Severity::Low) => "LOW",
        (Lang::En, Severity::Info) => "INFO",
        (Lang::Nl, Severity::High) => "HOOG",
        (Lang::Nl, Severity::Medium) => "MIDDEN",
        (Lang::Nl, Severity::Low) => "LAAG",
        (Lang::Nl, Severity::Info) => "INFO",
    }
}

pub fn verdict(lang: Lang, verdict: Verdict) -> &'static str {
    match (lang, verdict) {
        (Lang::En, Verdict::Pass) => "PASS — no findings that need action",
        (Lang::En, Verdict::Warn) => "WARN — findings below the failure threshold",
        (Lang::En, Verdict::Fail) => "FAIL — findings at or above the failure threshold",
        (Lang::En, Verdict::Error) => "ERROR — no page could be scanned",
        (Lang::Nl, Verdict::Pass) => "GOED — geen bevindingen die actie vragen",
        (Lang::Nl, Verdict::Warn) => "LET OP — bevindingen onder de foutdrempel",
        (Lang::Nl, Verdict::Fail) => "AFGEKEURD — bevindingen op of boven de foutdrempel",
        (Lang::Nl, Verdict::Error) => "FOUT — geen enkele pagina kon worden gescand",
    }
}

pub fn transfer(lang: Lang, transfer: Transfer) -> &'static str {
    match (lang, transfer) {
        (Lang::En, Transfer::None) => "none (self-hosted)",
        (Lang::Nl, Transfer::None) => "geen (zelf gehost)",
        (Lang::En, Transfer::Eea) => "within the EEA",
        (Lang::En, Transfer::Adequacy) => "adequacy decision",
        (Lang::En, Transfer::AdequacyDpf) => "EU–US Data Privacy Framework",
        (Lang::En, Transfer::NoAdequacy) => "no adequacy decision",
        (Lang::En, Transfer::Unknown) => "unknown",
        (Lang::Nl, Transfer::Eea) => "binnen de EER",
        (Lang::Nl, Transfer::Adequacy) => "adequaatheidsbesluit",
        (Lang::Nl, Transfer::AdequacyDpf) => "EU-VS Data Privacy Framework",
        (Lang::Nl, Transfer::NoAdequacy) => "geen adequaatheidsbesluit",
        (Lang::Nl, Transfer::Unknown) => "onbekend",
    }
}

/// Who receives a service's data and on what footing: "Google LLC · United States · transfer:
/// …" (the country given by its code, shown by name), or "self-hosted: no transfer" when the
/// service runs on the institution's own server.
pub fn recipient(lang: Lang, organization: &str, country: &str, transfer: Transfer) -> String {
    let country = crate::countries::shown(lang, country);
    match (lang, transfer) {
        (Lang::En, Transfer::None) => "self-hosted: no transfer".into(),
        (Lang::Nl, Transfer::None) => "zelf gehost: geen doorgifte".into(),
        _ => format!(
            "{organization} · {country} · {}: {}",
            label(lang, Label::Transfer),
            self::transfer(lang, transfer)
        ),
    }
}

/// "1 page", "2 pages" / "1 pagina", "2 pagina's", with the thousands separator.
pub fn pages(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::En, 1) => "1 page".into(),
        (Lang::En, n) => format!("{} pages", thousands(lang, n)),
        (Lang::Nl, 1) => "1 pagina".into(),
        (Lang::Nl, n) => format!("{} pagina's", thousands(lang, n)),
    }
}

/// "3 of 18 pages" / "3 van 18 pagina's" (the plural follows the total).
pub fn pages_of(lang: Lang, n: usize, total: usize) -> String {
    let of = match lang {
        Lang::En => "of",
        Lang::Nl => "van",
    };
    format!("{} {of} {}", thousands(lang, n), pages(lang, total))
}

/// The engine a scan used, for people: `static` is the HTML as served, `chromium` the pages
/// loaded in a browser; another value (a later version's) as it is.
pub fn engine(lang: Lang, engine: &str) -> String {
    match (lang, engine) {
        (Lang::En, "static") => "static (the HTML as served)".into(),
        (Lang::Nl, "static") => "statisch (de HTML zoals geleverd)".into(),
        (Lang::En, "chromium") => "Chromium (pages loaded in a browser)".into(),
        (Lang::Nl, "chromium") => "Chromium (pagina's geladen in een browser)".into(),
        _ => engine.to_owned(),
    }
}

/// A count with its noun, singular for 1: `amount(lang, 1, ("error", "errors"), ("fout",
/// "fouten"))` is "1 error" / "1 fout".
pub fn amount(lang: Lang, n: usize, en: (&str, &str), nl: (&str, &str)) -> String {
    let (singular, plural) = if lang == Lang::En { en } else { nl };
    let noun = if n == 1 { singular } else { plural };
    format!("{} {noun}", thousands(lang, n))
}

/// A number with the language's thousands separator: 1,240 / 1.240.
pub fn thousands(lang: Lang, n: usize) -> String {
    let digits = n.to_string();
    let sep = if lang == Lang::Nl { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// What the scan covered, in one line: "500 pages scanned — page or depth limit reached, 1,240
/// more URLs found · 3 URLs excluded by robots.txt".
pub fn coverage(lang: Lang, c: &crate::report::model::Coverage) -> String {
    let n = |n| thousands(lang, n);
    let en = lang == Lang::En;
    let mut line = match (en, c.pages_scanned) {
        (true, 1) => "1 page scanned".to_owned(),
        (true, p) => format!("{} pages scanned", n(p)),
        (false, 1) => "1 pagina gescand".to_owned(),
        (false, p) => format!("{} pagina's gescand", n(p)),
    };
    if c.not_visited > 0 {
        line += &if en {
            format!(
                " — page or depth limit reached, {} more {} found",
                n(c.not_visited),
                if c.not_visited == 1 { "URL" } else { "URLs" }
            )
        } else {
            format!(
                " — pagina- of dieptelimiet bereikt, nog {} {} gevonden",
                n(c.not_visited),
                if c.not_visited == 1 { "URL" } else { "URL's" }
            )
        };
    }
    if c.aliases > 0 {
        line += &match (en, c.aliases) {
            (true, 1) => " · 1 URL with the same content as a page, counted once".to_owned(),
            (true, a) => format!(
                " · {} URLs with the same content as a page, counted once",
                n(a)
            ),
            (false, 1) => " · 1 URL met dezelfde inhoud als een pagina, één keer geteld".to_owned(),
            (false, a) => format!(
                " · {} URL's met dezelfde inhoud als een pagina, één keer geteld",
                n(a)
            ),
        };
    }
    let mut part = |count: usize, en_text: &str, nl_text: &str| {
        if count > 0 {
            let text = if en { en_text } else { nl_text };
            line += &format!(" · {} {text}", n(count));
        }
    };
    part(
        c.skipped_by_robots,
        "excluded by robots.txt",
        "uitgesloten door robots.txt",
    );
    part(
        c.excluded,
        "left out by --include/--exclude",
        "weggelaten door --include/--exclude",
    );
    part(
        c.not_html,
        "not HTML (not analysed)",
        "geen HTML (niet geanalyseerd)",
    );
    line
}

/// The limits of trackaudit that cut this site's scan short, in one line, or `None` when none
/// was hit: "Limits reached: 240,000 observations left out (at most 10,000 per page) · …".
pub fn limits(lang: Lang, c: &crate::report::model::Coverage) -> Option<String> {
    let n = |n| thousands(lang, n);
    let en = lang == Lang::En;
    let left_out = [
        (
            c.observations_left_out,
            crate::observe::MAX_OBSERVATIONS_PER_PAGE,
            ("observations", "per page"),
            ("waarnemingen", "per pagina"),
        ),
        (
            c.third_parties_left_out,
            crate::audit::MAX_THIRD_PARTIES,
            ("third-party hosts", "per site"),
            ("hosts van derden", "per site"),
        ),
        (
            c.cookies_left_out,
            crate::audit::MAX_COOKIES,
            ("cookies", "per site"),
            ("cookies", "per site"),
        ),
        (
            c.storage_left_out,
            crate::observe::browser::MAX_STORED_PER_PAGE,
            ("storage keys", "per page, 1,000 per site"),
            ("opslagsleutels", "per pagina, 1.000 per site"),
        ),
        (
            c.blocked_cookies_left_out,
            crate::observe::browser::MAX_STORED_PER_PAGE,
            ("refused cookies", "per page, 1,000 per site"),
            ("geweigerde cookies", "per pagina, 1.000 per site"),
        ),
    ];
    let parts: Vec<String> = left_out
        .into_iter()
        .filter(|(count, ..)| *count > 0)
        .map(|(count, max, (what, per), (wat, per_nl))| {
            if en {
                format!("{} {what} left out (at most {} {per})", n(count), n(max))
            } else {
                format!(
                    "{} {wat} weggelaten (hoogstens {} {per_nl})",
                    n(count),
                    n(max)
                )
            }
        })
        .collect();
    let mut parts = parts;
    if c.names_shortened > 0 {
        let (count, max) = (
            n(c.names_shortened),
            crate::observe::browser::MAX_NAME_BYTES,
        );
        parts.push(if en {
            format!("{count} cookie names and storage keys shortened (to {max} bytes)")
        } else {
            format!("{count} cookienamen en opslagsleutels ingekort (tot {max} bytes)")
        });
    }
    if let Some(limit) = c.timed_out_after_s {
        parts.push(if en {
            format!("the site's time limit of {limit} s ran out (--site-timeout): pages not read by then are not in the report")
        } else {
            format!("de tijdslimiet van {limit} s voor de site is verstreken (--site-timeout): pagina's die toen nog niet gelezen waren, staan niet in het rapport")
        });
    }
    if parts.is_empty() {
        return None;
    }
    let head = if en {
        "Limits reached"
    } else {
        "Limieten bereikt"
    };
    Some(format!("{head}: {}", parts.join(" · ")))
}

/// Why the browser engine could not load (all or some of) this site's pages, in one line with
/// the technical detail after a colon, or `None` when it could or was not used.
pub fn browser_failure(lang: Lang, site: &crate::report::model::Site) -> Option<String> {
    let browser = site.browser.as_ref()?;
    let (text, detail) =
        crate::failure::worded(browser.error_about.as_ref(), browser.error.as_deref(), lang)?;
    Some(match detail {
        Some(detail) => format!("{text}: {detail}"),
        None => text,
    })
}

/// "6 high · 11 medium · 1 low · 0 info · 16 third parties · 17 pages visited, 0 errors", with
/// the singular where a count is 1 ("1 third party", "1 pagina bezocht", "1 fout").
pub fn counts(lang: Lang, s: &Summary) -> String {
    let sev = |severity| self::severity(lang, severity).to_lowercase();
    let word = |n, en, nl| amount(lang, n, en, nl);
    format!(
        "{} {} · {} {} · {} {} · {} {} · {} · {}, {}",
        s.high,
        sev(Severity::High),
        s.medium,
        sev(Severity::Medium),
        s.low,
        sev(Severity::Low),
        s.info,
        sev(Severity::Info),
        word(
            s.third_parties,
            ("third party", "third parties"),
            ("derde partij", "derde partijen")
        ),
        word(
            s.pages,
            ("page visited", "pages visited"),
            ("pagina bezocht", "pagina's bezocht")
        ),
        word(s.errors, ("error", "errors"), ("fout", "fouten")),
    )
}

/// The text with its first letter in upper case (labels double as headings).
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
