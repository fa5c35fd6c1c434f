//! The HTML report: one self-contained page that a DPO reads in a browser or prints to PDF.
//!
//! No scripts, fonts, images or links to anything outside the page: the CSS is inline, the chart
//! is inline SVG, and a Content-Security-Policy forbids loading anything else. Every string that
//! comes from the report (and so, often, from a scanned page) goes through [`Html::text`], which
//! escapes it; only markup written in this file goes through [`Html::raw`].

use std::fmt::{self, Write};

use crate::Lang;
use crate::lists::Transfer;
use crate::report::i18n::{self, Label, label};
use crate::report::model::{
    BlockedAction, Evidence, Finding, FindingStatus, Page, Party, Report, Severity, Site,
    StorageKind, Suppression, Verdict,
};
use crate::report::sites::{receives_data, recipients};

const CSS: &str = include_str!("templates/report.css");

/// Severities from worst to least, the order of tiles, chart segments and counts.
const SEVERITIES: [Severity; 4] = [
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// Lists of a finding's pages longer than this are folded into `<details>`.
const FOLD_AFTER: usize = 12;
/// Tables of scanned pages longer than this are folded into `<details>`.
const FOLD_PAGES_AFTER: usize = 25;

/// Render a report as one HTML document, labels in `lang`.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = Html::default();
    document_start(&mut out, report, lang);
    masthead(&mut out, report, lang);
    if report.sites.len() > 1 {
        site_index(&mut out, &report.sites, lang);
    }
    for (index, site) in report.sites.iter().enumerate() {
        site_section(&mut out, site, index, lang);
    }
    colophon(&mut out, lang);
    out.raw("</main>\n</body>\n</html>\n");
    out.0
}

// ---------------------------------------------------------------------------------------------
// The writer

/// The page being written.
#[derive(Default)]
pub(crate) struct Html(pub(crate) String);

impl Html {
    /// Markup written in this file. `'static` keeps report data out of it.
    pub(crate) fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Markup with numbers or ids computed here (never report text).
    fn markup(&mut self, args: fmt::Arguments) -> &mut Self {
        let _ = self.0.write_fmt(args);
        self
    }

    /// Text from the report, escaped for element content and quoted attribute values. Control
    /// characters and bidi overrides are shown as `\x1b`-style escapes: they are not allowed in
    /// HTML text, and a raw ESC acts on the terminal of whoever `cat`s or greps the file.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        for c in crate::neutralize::terminal(text).chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                c => self.0.push(c),
            }
        }
        self
    }

    /// Escaped text that may wrap after `.` `/` `?` `&` (hosts and URLs in narrow table cells).
    fn breakable(&mut self, text: &str) -> &mut Self {
        for part in text.split_inclusive(['.', '/', '?', '&']) {
            self.text(part).raw("<wbr>");
        }
        self
    }

    fn num(&mut self, n: usize) -> &mut Self {
        self.markup(format_args!("{n}"))
    }

    /// `<tag class="class">text</tag>`, the text escaped.
    pub(crate) fn el(&mut self, tag: &'static str, class: &'static str, text: &str) -> &mut Self {
        self.markup(format_args!("<{tag}"));
        if !class.is_empty() {
            self.markup(format_args!(" class=\"{class}\""));
        }
        self.raw(">").text(text).markup(format_args!("</{tag}>"))
    }

    fn code(&mut self, text: &str) -> &mut Self {
        self.el("code", "", text)
    }
}

// ---------------------------------------------------------------------------------------------
// Labels of this format (the shared ones are in `i18n`)

#[derive(Debug, Clone, Copy)]
enum T {
    Eyebrow,
    Heading,
    Scanned,
    Engine,
    SitesWorstFirst,
    AcrossSites,
    Rank,
    Summary,
    StartUrl,
    OutsideEea,
    NoneOutsideEea,
    Services,
    ChartTitle,
    WhatFound,
    WhyItMatters,
    Rule,
    Hosts,
    TrackingId,
    StatusNew,
    StatusUnchanged,
    Suppressed,
    SuppressedIntro,
    Reason,
    Expires,
    Expired,
    ExpiredIntro,
    Resolved,
    ResolvedIntro,
    ThirdPartiesIntro,
    Domain,
    TransferFooting,
    FirstParty,
    ToAssess,
    PagesScanned,
    ShowAll,
    Title,
    Status,
    Note,
    Truncated,
    Redirects,
    Aliases,
    Colophon,
    ConsentStates,
    ConsentStatesIntro,
    CookiesAfterChoice,
}

fn t(lang: Lang, key: T) -> &'static str {
    use T::*;
    let (en, nl) = match key {
        Eyebrow => ("trackaudit · privacy audit", "trackaudit · privacy-audit"),
        Heading => (
            "Trackers and transfers of visitors' data",
            "Trackers en doorgifte van bezoekersgegevens",
        ),
        Scanned => ("Scanned", "Gescand"),
        Engine => ("engine", "engine"),
        SitesWorstFirst => ("Sites, most serious first", "Sites, de ernstigste eerst"),
        AcrossSites => ("Across all sites", "Over alle sites"),
        Rank => ("#", "#"),
        Summary => ("Summary", "Samenvatting"),
        StartUrl => ("start URL", "start-URL"),
        OutsideEea => (
            "Organisations that receive data outside the EEA",
            "Organisaties die gegevens ontvangen buiten de EER",
        ),
        NoneOutsideEea => (
            "No organisation outside the EEA was identified.",
            "Er is geen organisatie buiten de EER herkend.",
        ),
        Services => ("services", "diensten"),
        ChartTitle => (
            "Pages per service or host, by its most serious finding",
            "Pagina's per dienst of host, naar de ernstigste bevinding",
        ),
        WhatFound => ("What was found", "Wat is gevonden"),
        WhyItMatters => ("Why it matters", "Waarom dit belangrijk is"),
        Rule => ("rule", "regel"),
        Hosts => ("hosts", "hosts"),
        TrackingId => ("tracking id", "tracking-id"),
        StatusNew => ("NEW", "NIEUW"),
        StatusUnchanged => ("UNCHANGED", "ONGEWIJZIGD"),
        Suppressed => ("Suppressed findings", "Uitgezonderde bevindingen"),
        SuppressedIntro => (
            "A suppression in the configuration covers these findings. They stay in the report with their reason, but count for neither the verdict nor the totals.",
            "Voor deze bevindingen geldt een uitzondering in de configuratie. Ze blijven met de reden in het rapport staan, maar tellen niet mee voor het oordeel en de totalen.",
        ),
        Reason => ("Reason", "Reden"),
        Expires => ("expires", "verloopt"),
        Expired => ("Expired suppressions", "Verlopen uitzonderingen"),
        ExpiredIntro => (
            "These suppressions have passed their expiry date and no longer apply: the findings they covered count again. Review them or remove them from the configuration.",
            "Deze uitzonderingen zijn verlopen en gelden niet meer: de bevindingen die ze dekten tellen weer mee. Beoordeel ze opnieuw of haal ze uit de configuratie.",
        ),
        Resolved => (
            "Resolved since the previous scan",
            "Opgelost sinds de vorige scan",
        ),
        ResolvedIntro => (
            "These findings of the baseline report no longer occur.",
            "Deze bevindingen uit het vorige rapport komen niet meer voor.",
        ),
        ThirdPartiesIntro => (
            "Every host of another organisation that the pages make a visitor's browser contact. Each request hands over at least the visitor's IP address, which is personal data.",
            "Elke host van een andere organisatie die de browser van een bezoeker door de pagina's benadert. Elk verzoek geeft minstens het IP-adres van de bezoeker door, en dat is een persoonsgegeven.",
        ),
        Domain => ("registrable domain", "domein"),
        TransferFooting => ("transfer footing", "grondslag doorgifte"),
        FirstParty => (
            "none: served from the site itself",
            "geen: geladen vanaf de eigen site",
        ),
        ToAssess => (
            "unknown — to be assessed",
            "onbekend — door de FG te beoordelen",
        ),
        PagesScanned => ("Pages scanned", "Gescande pagina's"),
        ShowAll => ("Show all", "Toon alle"),
        Title => ("title", "titel"),
        Status => ("status", "status"),
        Note => ("note", "opmerking"),
        Truncated => (
            "only the first 10 MiB was scanned",
            "alleen de eerste 10 MiB is gescand",
        ),
        Redirects => ("redirects", "doorverwijzingen"),
        Aliases => (
            "same content, counted once, also at",
            "zelfde inhoud, één keer geteld, ook op",
        ),
        Colophon => (
            "Generated by trackaudit. The report shows what the pages make a visitor's browser load, found by reading their HTML; it is evidence for an assessment under the GDPR, not a legal judgement.",
            "Gemaakt met trackaudit. Het rapport laat zien wat de pagina's de browser van een bezoeker laten laden, vastgesteld door hun HTML te lezen; het is onderbouwing voor een beoordeling onder de AVG, geen juridisch oordeel.",
        ),
        ConsentStates => ("Consent states", "Toestemmingstoestanden"),
        ConsentStatesIntro => (
            "In which consent states the browser saw each service and tracking cookie.",
            "In welke toestemmingstoestanden de browser elke dienst en trackingcookie zag.",
        ),
        CookiesAfterChoice => (
            "Present in the browser after the pages loaded, in the consent states the consent section shows.",
            "Aanwezig in de browser na het laden van de pagina's, in de toestemmingstoestanden die het onderdeel Toestemming toont.",
        ),
    };
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

/// `HIGH` → `High`, for tiles and table headers.
fn severity_word(lang: Lang, severity: Severity) -> String {
    i18n::capitalize(&i18n::severity(lang, severity).to_lowercase())
}

/// The verdict's first word (`FAIL`, `AFGEKEURD`): the shared labels read "WORD — explanation".
fn verdict_word(lang: Lang, verdict: Verdict) -> &'static str {
    let text = i18n::verdict(lang, verdict);
    text.split(" — ").next().unwrap_or(text)
}

fn pages_label(lang: Lang, n: usize) -> &'static str {
    label(lang, if n == 1 { Label::Page } else { Label::Pages })
}

// ---------------------------------------------------------------------------------------------
// Document frame

fn document_start(out: &mut Html, report: &Report, lang: Lang) {
    out.raw("<!DOCTYPE html>\n")
        .markup(format_args!("<html lang=\"{}\">\n<head>\n", lang.code()))
        .raw("<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        // Defence in depth: even a slip in escaping could load or run nothing.
        .raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
        .raw("<meta name=\"referrer\" content=\"no-referrer\">\n")
        .raw("<meta name=\"generator\" content=\"")
        .text(&format!("{} {}", report.tool.name, report.tool.version))
        .raw("\">\n<title>");
    let subject = match report.sites.as_slice() {
        [site] => site.short_name(),
        sites => format!("{} sites", sites.len()),
    };
    out.text(&format!("trackaudit — {subject}"))
        .raw("</title>\n<style>\n")
        .raw(CSS)
        .raw("</style>\n</head>\n<body>\n<main>\n");
}

fn masthead(out: &mut Html, report: &Report, lang: Lang) {
    out.raw("<header class=\"masthead\">\n")
        .el("p", "eyebrow", t(lang, T::Eyebrow))
        .raw("\n")
        .el("h1", "", t(lang, T::Heading))
        .raw("\n<p class=\"meta\">")
        .text(&format!(
            "{} {} – {} · {} {} · {} {}",
            t(lang, T::Scanned),
            timestamp(&report.started_at),
            timestamp(&report.finished_at),
            report.tool.name,
            report.tool.version,
            t(lang, T::Engine),
            i18n::engine(lang, &report.engine),
        ))
        .raw("</p>\n");
    if report.interrupted {
        out.el("p", "notice", label(lang, Label::Interrupted));
    }
    out.raw("</header>\n");
}

/// `2026-11-22T10:00:09Z` → `2026-11-22 10:00 UTC`; anything else as it is.
fn timestamp(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) if rfc3339.ends_with('Z') => format!("{day} {time} UTC"),
        _ => rfc3339.to_owned(),
    }
}

fn colophon(out: &mut Html, lang: Lang) {
    out.raw("<footer class=\"colophon\">")
        .text(t(lang, T::Colophon))
        .raw("</footer>\n");
}

// ---------------------------------------------------------------------------------------------
// Index of sites (reports with several sites)

/// Verdicts from most to least serious. A site that could not be scanned comes right after a
/// failing one: nothing is known about it.
fn verdict_rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Fail => 0,
        Verdict::Error => 1,
        Verdict::Warn => 2,
        Verdict::Pass => 3,
    }
}

/// Site indexes, most serious first: verdict, then high, medium and low counts.
fn ranked(sites: &[Site]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sites.len()).collect();
    order.sort_by_key(|&i| {
        let s = &sites[i].summary;
        (
            verdict_rank(s.verdict),
            std::cmp::Reverse((s.high, s.medium, s.low)),
        )
    });
    order
}

fn site_index(out: &mut Html, sites: &[Site], lang: Lang) {
    out.raw("<section class=\"card index\">\n")
        .el("h2", "", t(lang, T::SitesWorstFirst))
        .raw("\n<table>\n<thead><tr>");
    out.raw("<th class=\"num\">")
        .text(t(lang, T::Rank))
        .raw("</th><th>")
        .text(label(lang, Label::Site))
        .raw("</th><th>")
        .text(label(lang, Label::Verdict))
        .raw("</th>");
    for severity in &SEVERITIES[..3] {
        out.raw("<th class=\"num\">")
            .text(&severity_word(lang, *severity))
            .raw("</th>");
    }
    out.raw("<th class=\"num\">")
        .text(label(lang, Label::ThirdParties))
        .raw("</th></tr></thead>\n<tbody>\n");
    for (rank, index) in ranked(sites).into_iter().enumerate() {
        let site = &sites[index];
        let s = &site.summary;
        out.raw("<tr><td class=\"num\">")
            .num(rank + 1)
            .markup(format_args!("</td><td><a href=\"#{}\">", site_id(index)))
            .text(&site.title())
            .raw("</a></td><td>");
        verdict_badge(out, lang, s.verdict);
        out.raw("</td>");
        for n in [s.high, s.medium, s.low, s.third_parties] {
            out.raw("<td class=\"num\">").num(n).raw("</td>");
        }
        out.raw("</tr>\n");
    }
    out.raw("</tbody>\n</table>\n");
    across_sites(out, sites, lang);
    out.raw("</section>\n");
}

/// The figures across the whole set: how many sites fail, and how many use each service.
fn across_sites(out: &mut Html, sites: &[Site], lang: Lang) {
    let scanned = crate::report::sites::scanned(sites);
    let failing = sites
        .iter()
        .filter(|s| s.summary.verdict == Verdict::Fail)
        .count();
    let outside = sites
        .iter()
        .filter(|s| !crate::report::sites::recipients(s, lang).is_empty())
        .count();
    out.el("h3", "", t(lang, T::AcrossSites)).raw("\n");
    let headline = match lang {
        Lang::En => format!(
            "{failing} of {scanned} sites scanned fail; {outside} of {scanned} send visitors' data to organisations outside the EEA."
        ),
        Lang::Nl => format!(
            "{failing} van de {scanned} gescande sites zijn afgekeurd; {outside} van de {scanned} sturen gegevens van bezoekers naar organisaties buiten de EER."
        ),
    };
    out.el("p", "across-headline", &headline).raw("\n");
    let tallies = crate::report::sites::tally(sites, lang);
    if tallies.is_empty() {
        return;
    }
    out.raw("<ul class=\"across\">\n");
    for tally in &tallies {
        out.raw("<li>")
            .text(&crate::report::sites::tally_sentence(lang, tally, scanned))
            .raw(" <span class=\"muted\">(")
            .text(&format!("{}, {}", tally.organization, tally.country))
            .raw(")</span></li>\n");
    }
    out.raw("</ul>\n");
}

fn site_id(index: usize) -> String {
    format!("site-{}", index + 1)
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "verdict-pass",
        Verdict::Warn => "verdict-warn",
        Verdict::Fail => "verdict-fail",
        Verdict::Error => "verdict-error",
    }
}

fn verdict_badge(out: &mut Html, lang: Lang, verdict: Verdict) {
    out.markup(format_args!(
        "<span class=\"badge {}\">",
        verdict_class(verdict)
    ))
    .text(verdict_word(lang, verdict))
    .raw("</span>");
}

// ---------------------------------------------------------------------------------------------
// One site

fn site_section(out: &mut Html, site: &Site, index: usize, lang: Lang) {
    out.markup(format_args!(
        "<section class=\"card site\" id=\"{}\">\n",
        site_id(index)
    ));
    site_head(out, site, lang);
    verdict_box(out, site, lang);
    tiles(out, site, lang);
    executive_summary(out, site, lang);
    chart(out, site, lang);
    findings(out, site, index, lang);
    suppressed(out, site, lang);
    expired_suppressions(out, site, lang);
    resolved(out, site, lang);
    consent(out, site, lang);
    transparency_sections(out, site, lang);
    third_parties(out, site, lang);
    cookies(out, site, lang);
    storage(out, site, lang);
    blocked_cookies(out, site, lang);
    screenshot(out, site, lang);
    pages(out, site, lang);
    out.raw("</section>\n");
}

fn site_head(out: &mut Html, site: &Site, lang: Lang) {
    out.raw("<header class=\"site-head\">")
        .el("span", "label", label(lang, Label::Site))
        .el("h2", "", &site.short_name());
    if site.short_name() != site.target {
        out.raw("<div class=\"start\">")
            .code(&site.target)
            .raw("</div>");
    }
    // A folder's loopback address says nothing to a reader; a URL's redirect target does.
    let folder = url::Url::parse(&site.target).is_err();
    if !folder && !site.start_url.is_empty() && site.start_url != site.target {
        out.raw("<div class=\"start\">")
            .text(t(lang, T::StartUrl))
            .raw(": ")
            .code(&site.start_url)
            .raw("</div>");
    }
    out.raw("</header>\n");
}

fn verdict_box(out: &mut Html, site: &Site, lang: Lang) {
    let verdict = site.summary.verdict;
    out.markup(format_args!(
        "<div class=\"verdict {}\">",
        verdict_class(verdict)
    ))
    .el("span", "label", label(lang, Label::Verdict))
    .el("strong", "", i18n::verdict(lang, verdict))
    .raw("</div>\n");
}

fn tiles(out: &mut Html, site: &Site, lang: Lang) {
    let s = &site.summary;
    out.raw("<div class=\"tiles\">");
    for (severity, n) in SEVERITIES.iter().zip([s.high, s.medium, s.low, s.info]) {
        out.markup(format_args!(
            "<div class=\"tile sev-{}\"><span class=\"n\">{n}</span>",
            severity.as_str()
        ))
        .el("span", "what", &severity_word(lang, *severity))
        .raw("</div>");
    }
    for (n, what) in [
        (s.third_parties, label(lang, Label::ThirdParties)),
        (s.pages, label(lang, Label::PagesScanned)),
    ] {
        out.markup(format_args!(
            "<div class=\"tile\"><span class=\"n\">{n}</span>"
        ))
        .el("span", "what", what)
        .raw("</div>");
    }
    out.raw("</div>\n");
    if let Some(coverage) = &site.coverage {
        out.el("p", "coverage muted", &i18n::coverage(lang, coverage))
            .raw("\n");
        if let Some(limits) = i18n::limits(lang, coverage) {
            out.el("p", "coverage limits", &limits).raw("\n");
        }
    }
    if let Some(failure) = i18n::browser_failure(lang, site) {
        out.el("p", "coverage limits", &failure).raw("\n");
    }
}

fn executive_summary(out: &mut Html, site: &Site, lang: Lang) {
    let s = &site.summary;
    out.raw("<div class=\"summary\">\n")
        .el("h3", "", t(lang, T::Summary))
        .raw("\n");
    let counts = format!(
        "{} {}, {} {}, {} {}, {} {}",
        s.high,
        severity_word(lang, Severity::High).to_lowercase(),
        s.medium,
        severity_word(lang, Severity::Medium).to_lowercase(),
        s.low,
        severity_word(lang, Severity::Low).to_lowercase(),
        s.info,
        severity_word(lang, Severity::Info).to_lowercase(),
    );
    let pages = i18n::pages(lang, s.pages);
    let errors = i18n::amount(lang, s.errors, ("error", "errors"), ("fout", "fouten"));
    let parties = i18n::amount(
        lang,
        s.third_parties,
        ("third party", "third parties"),
        ("derde partij", "derde partijen"),
    );
    let sentence = match (lang, s.pages) {
        (Lang::En, 1) => format!(
            "{pages} of {} was scanned ({errors}). Findings: {counts}. The page makes a visitor's browser contact {parties}.",
            site.title()
        ),
        (Lang::En, _) => format!(
            "{pages} of {} were scanned ({errors}). Findings: {counts}. The pages make a visitor's browser contact {parties}.",
            site.title()
        ),
        (Lang::Nl, 1) => format!(
            "Van {} is {pages} gescand ({errors}). Bevindingen: {counts}. De pagina laat de browser van een bezoeker {parties} benaderen.",
            site.title()
        ),
        (Lang::Nl, _) => format!(
            "Van {} zijn {pages} gescand ({errors}). Bevindingen: {counts}. De pagina's laten de browser van een bezoeker {parties} benaderen.",
            site.title()
        ),
    };
    out.el("p", "", &sentence).raw("\n");
    outside_eea(out, site, lang);
    out.raw("</div>\n");
}

fn outside_eea(out: &mut Html, site: &Site, lang: Lang) {
    out.el("h5", "", t(lang, T::OutsideEea)).raw("\n");
    let list = recipients(site, lang);
    if list.is_empty() {
        out.el("p", "muted", t(lang, T::NoneOutsideEea)).raw("\n");
        return;
    }
    out.raw("<table>\n<thead><tr>");
    for head in [
        label(lang, Label::Organisation),
        label(lang, Label::Country),
        t(lang, T::TransferFooting),
        t(lang, T::Services),
    ] {
        out.el("th", "", head);
    }
    out.raw("</tr></thead>\n<tbody>\n");
    for r in &list {
        out.raw("<tr>")
            .el("td", "", r.organization)
            .el("td", "", &country(lang, r.country))
            .el("td", "", i18n::transfer(lang, r.transfer))
            .el("td", "", &r.services.join(", "))
            .raw("</tr>\n");
    }
    out.raw("</tbody>\n</table>\n");
}

fn country(lang: Lang, code: &str) -> String {
    crate::countries::shown(lang, code)
}

// ---------------------------------------------------------------------------------------------
// Chart: on how many pages each service or host runs, coloured by its most serious finding

/// One bar: a service or a host that findings are about, the pages it was found on and its
/// most serious finding. Findings about the site as a whole (no privacy statement, plain http)
/// and links to social accounts have no bar: they are not a recipient.
struct Bar {
    label: String,
    pages: Vec<String>,
    severity: Severity,
}

fn bars(site: &Site, lang: Lang) -> Vec<Bar> {
    let mut bars: Vec<Bar> = Vec::new();
    // A link to the institution's social account is no recipient of visitors' data.
    let recipients = active(site).filter(|f| f.rule != crate::policy::rules::SOCIAL_MEDIA_PRESENCE);
    for finding in recipients {
        let service = site.service_of(finding);
        let label = match (service, &finding.host) {
            (Some(service), _) => service.name_in(lang).to_owned(),
            (None, Some(host)) => host.clone(),
            (None, None) => continue,
        };
        let pages = service.map_or(&finding.pages, |s| &s.pages);
        match bars.iter_mut().find(|b| b.label == label) {
            Some(bar) => {
                bar.severity = bar.severity.max(finding.severity);
                for page in pages.iter().chain(&finding.pages) {
                    if !bar.pages.contains(page) {
                        bar.pages.push(page.clone());
                    }
                }
            }
            None => {
                let mut all = pages.clone();
                all.extend(finding.pages.iter().filter(|p| !pages.contains(p)).cloned());
                bars.push(Bar {
                    label,
                    pages: all,
                    severity: finding.severity,
                });
            }
        }
    }
    // Most serious first, then the widest reach.
    bars.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.pages.len().cmp(&a.pages.len()))
            .then_with(|| a.label.cmp(&b.label))
    });
    bars
}

const CHART_WIDTH: usize = 760;
const LABEL_WIDTH: usize = 280;
const ROW_HEIGHT: usize = 24;
const BAR_HEIGHT: usize = 14;
const LEGEND_HEIGHT: usize = 28;
/// Room right of the plot for "12 of 18 pages".
const COUNT_WIDTH: usize = 120;

/// Bars as long as the share of the scanned pages the service runs on: a tracker on every
/// page reaches the end of the axis, one on a single page stays short.
fn chart(out: &mut Html, site: &Site, lang: Lang) {
    let bars = bars(site, lang);
    if bars.is_empty() {
        return;
    }
    let plot = CHART_WIDTH - LABEL_WIDTH - COUNT_WIDTH;
    let scanned = bars
        .iter()
        .map(|b| b.pages.len())
        .chain([site.summary.pages])
        .max()
        .unwrap_or(1)
        .max(1);
    let height = LEGEND_HEIGHT + bars.len() * ROW_HEIGHT + 6;
    out.raw("<figure class=\"chart\">\n")
        .el("h3", "", t(lang, T::ChartTitle))
        .markup(format_args!(
            "\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {CHART_WIDTH} {height}\" role=\"img\" aria-label=\""
        ))
        .text(t(lang, T::ChartTitle))
        .raw("\">\n");
    legend(out, lang);
    let axis_end = LABEL_WIDTH + plot;
    out.markup(format_args!(
        "<line class=\"grid\" x1=\"{axis_end}\" y1=\"{LEGEND_HEIGHT}\" x2=\"{axis_end}\" y2=\"{}\"/>\n",
        height - 6
    ));
    for (row, bar) in bars.iter().enumerate() {
        let top = LEGEND_HEIGHT + row * ROW_HEIGHT;
        chart_row(out, bar, top, plot, scanned, lang);
    }
    out.raw("</svg>\n</figure>\n");
}

fn legend(out: &mut Html, lang: Lang) {
    let mut x = LABEL_WIDTH;
    for severity in SEVERITIES {
        out.markup(format_args!(
            "<rect class=\"bar-{}\" x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\"/><text x=\"{}\" y=\"16\">",
            severity.as_str(),
            x + 17
        ))
        .text(&severity_word(lang, severity))
        .raw("</text>\n");
        x += 96;
    }
}

fn chart_row(out: &mut Html, bar: &Bar, top: usize, plot: usize, scanned: usize, lang: Lang) {
    let baseline = top + ROW_HEIGHT / 2 + 4;
    let reach = i18n::pages_of(lang, bar.pages.len(), scanned);
    out.raw("<g><title>")
        .text(&format!("{}: {reach}", bar.label))
        .raw("</title>")
        .markup(format_args!(
            "<text x=\"{}\" y=\"{baseline}\" text-anchor=\"end\">",
            LABEL_WIDTH - 10
        ))
        .text(&shorten(&bar.label, 38))
        .raw("</text>");
    // At least a sliver, so a bar of one page in thousands is still seen.
    let width = (bar.pages.len() * plot / scanned).max(3);
    let y = top + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    out.markup(format_args!(
        "<rect class=\"bar-{}\" x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width}\" height=\"{BAR_HEIGHT}\"/>",
        bar.severity.as_str()
    ))
    .markup(format_args!(
        "<text class=\"count\" x=\"{}\" y=\"{baseline}\">",
        LABEL_WIDTH + width + 6
    ))
    .text(&reach)
    .raw("</text></g>\n");
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars - 1).collect();
    format!("{}…", cut.trim_end())
}

// ---------------------------------------------------------------------------------------------
// Findings

/// Findings that count: not covered by a suppression.
fn active(site: &Site) -> impl Iterator<Item = &Finding> {
    site.findings.iter().filter(|f| f.suppressed.is_none())
}

fn findings(out: &mut Html, site: &Site, index: usize, lang: Lang) {
    let list: Vec<&Finding> = active(site).collect();
    out.raw("<h3>")
        .text(label(lang, Label::Findings))
        .markup(format_args!(" ({})</h3>\n", list.len()));
    if let Some(reason) = crate::report::unscanned::reason(site, lang) {
        out.el("p", "scan-error", &reason).raw("\n");
    } else if list.is_empty() {
        out.el("p", "muted", label(lang, Label::NoFindings))
            .raw("\n");
    }
    for (n, finding) in list.into_iter().enumerate() {
        let id = format!("{}-finding-{}", site_id(index), n + 1);
        finding_card(out, site, finding, &id, lang);
    }
}

fn finding_card(out: &mut Html, site: &Site, finding: &Finding, id: &str, lang: Lang) {
    out.markup(format_args!(
        "<article class=\"finding sev-{}\" id=\"{id}\">\n",
        finding.severity.as_str()
    ));
    finding_head(out, finding, lang);
    out.el("h5", "", t(lang, T::WhatFound)).raw("\n");
    what_was_found(out, site, finding, lang);
    if !finding.rationale.is_empty() {
        out.el("h5", "", t(lang, T::WhyItMatters))
            .el("p", "", &finding.rationale)
            .raw("\n");
    }
    out.raw("<div class=\"advice\">")
        .el("h5", "", &i18n::capitalize(label(lang, Label::Advice)))
        .el("p", "", &finding.advice)
        .raw("</div>\n");
    evidence_list(out, &finding.evidence, lang);
    page_list(out, &finding.pages, lang);
    if let Some(suppression) = &finding.suppressed {
        suppression_reason(out, suppression, lang);
    }
    out.raw("</article>\n");
}

fn finding_head(out: &mut Html, finding: &Finding, lang: Lang) {
    out.raw("<header class=\"finding-head\">")
        .markup(format_args!(
            "<span class=\"badge sev-{}\">",
            finding.severity.as_str()
        ))
        .text(i18n::severity(lang, finding.severity))
        .raw("</span>");
    match finding.status {
        Some(FindingStatus::New) => {
            out.el("span", "status status-new", t(lang, T::StatusNew));
        }
        Some(FindingStatus::Unchanged) => {
            out.el("span", "status", t(lang, T::StatusUnchanged));
        }
        None => {}
    }
    out.el("h4", "", &finding.title).raw("</header>\n");
}

/// Who receives the data, on what footing, through which hosts and ids.
fn what_was_found(out: &mut Html, site: &Site, finding: &Finding, lang: Lang) {
    out.raw("<dl class=\"kv\">");
    let row = |out: &mut Html, key: &str| {
        out.el("dt", "", &i18n::capitalize(key)).raw("<dd>");
    };
    if let Some(service) = site.service_of(finding) {
        row(out, label(lang, Label::Service));
        out.text(service.name_in(lang)).raw("</dd>");
        row(out, label(lang, Label::Organisation));
        out.text(&format!(
            "{} ({})",
            service.organization,
            country(lang, &service.country)
        ))
        .raw("</dd>");
        row(out, label(lang, Label::Transfer));
        // Self-hosted (Matomo on the school's server) sends nothing to the organisation.
        let transfer = if receives_data(site, service) {
            i18n::transfer(lang, service.transfer)
        } else {
            t(lang, T::FirstParty)
        };
        out.text(transfer).raw("</dd>");
        code_row(out, t(lang, T::Hosts), &service.hosts);
        code_row(out, label(lang, Label::TrackingIds), &service.tracking_ids);
    } else if let Some(host) = &finding.host {
        row(out, label(lang, Label::Host));
        out.code(host).raw("</dd>");
    }
    row(out, label(lang, Label::Pages));
    out.num(finding.pages.len()).raw("</dd>");
    row(out, t(lang, T::Rule));
    out.code(&finding.rule).raw("</dd></dl>\n");
}

fn code_row(out: &mut Html, key: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    out.el("dt", "", &i18n::capitalize(key)).raw("<dd>");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.raw(", ");
        }
        out.code(value);
    }
    out.raw("</dd>");
}

fn evidence_list(out: &mut Html, evidence: &[Evidence], lang: Lang) {
    if evidence.is_empty() {
        return;
    }
    out.el("h5", "", &i18n::capitalize(label(lang, Label::Evidence)))
        .raw("\n<ol class=\"evidence\">\n");
    for item in evidence {
        evidence_item(out, item, lang);
    }
    out.raw("</ol>\n");
}

fn evidence_item(out: &mut Html, item: &Evidence, lang: Lang) {
    out.raw("<li><div class=\"ev-meta\">")
        .raw("<span>")
        .text(&i18n::capitalize(label(lang, Label::Page)))
        .raw(": ")
        .code(&item.page)
        .raw("</span>")
        .el("span", "kind", &kind_name(item));
    if let Some(id) = &item.tracking_id {
        out.raw("<span>")
            .text(t(lang, T::TrackingId))
            .raw(": ")
            .code(id)
            .raw("</span>");
    }
    if item.consent_gated {
        out.el("span", "gated", label(lang, Label::ConsentGated));
    }
    out.raw("</div>");
    if let Some(url) = &item.url {
        out.raw("<div class=\"ev-url\">").code(url).raw("</div>");
    }
    if !item.snippet.is_empty() {
        out.raw("<pre class=\"snippet\"><code>")
            .text(&item.snippet)
            .raw("</code></pre>");
    }
    out.raw("</li>\n");
}

/// The JSON name of the evidence kind (`script-src`): the same word as in the JSON report.
fn kind_name(evidence: &Evidence) -> String {
    serde_json::to_value(evidence.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn page_list(out: &mut Html, pages: &[String], lang: Lang) {
    if pages.is_empty() {
        return;
    }
    let heading = format!(
        "{} ({})",
        i18n::capitalize(label(lang, Label::Pages)),
        pages.len()
    );
    if pages.len() > FOLD_AFTER {
        out.raw("<details><summary>")
            .text(&heading)
            .raw("</summary>");
    } else {
        out.el("h5", "", &heading);
    }
    out.raw("<ul class=\"pages-list\">");
    for page in pages {
        out.raw("<li>").code(page).raw("</li>");
    }
    out.raw("</ul>");
    if pages.len() > FOLD_AFTER {
        out.raw("</details>");
    }
    out.raw("\n");
}

fn suppression_reason(out: &mut Html, suppression: &Suppression, lang: Lang) {
    out.raw("<p class=\"reason\"><strong>")
        .text(t(lang, T::Reason))
        .raw(":</strong> ")
        .text(&suppression.reason);
    if let Some(expires) = &suppression.expires {
        out.raw(" <span class=\"muted\">(")
            .text(t(lang, T::Expires))
            .raw(" ")
            .text(expires)
            .raw(")</span>");
    }
    out.raw("</p>\n");
}

fn suppressed(out: &mut Html, site: &Site, lang: Lang) {
    let list: Vec<&Finding> = site
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .collect();
    if list.is_empty() {
        return;
    }
    out.raw("<div class=\"suppressed\">\n<h3>")
        .text(t(lang, T::Suppressed))
        .markup(format_args!(" ({})</h3>\n", list.len()))
        .el("p", "muted", t(lang, T::SuppressedIntro))
        .raw("\n");
    for (n, finding) in list.into_iter().enumerate() {
        finding_card(out, site, finding, &format!("suppressed-{}", n + 1), lang);
    }
    out.raw("</div>\n");
}

fn expired_suppressions(out: &mut Html, site: &Site, lang: Lang) {
    if site.expired_suppressions.is_empty() {
        return;
    }
    out.el("h3", "", t(lang, T::Expired))
        .el("p", "muted", t(lang, T::ExpiredIntro))
        .raw("\n<table>\n<thead><tr>");
    for head in [
        t(lang, T::Rule),
        label(lang, Label::Service),
        "URL",
        t(lang, T::Reason),
        t(lang, T::Expires),
    ] {
        out.el("th", "", &i18n::capitalize(head));
    }
    out.raw("</tr></thead>\n<tbody>\n");
    for s in &site.expired_suppressions {
        out.raw("<tr>");
        for value in [&s.rule, &s.service, &s.url] {
            out.raw("<td>")
                .code(value.as_deref().unwrap_or("—"))
                .raw("</td>");
        }
        out.el("td", "", &s.reason)
            .el("td", "", s.expires.as_deref().unwrap_or("—"))
            .raw("</tr>\n");
    }
    out.raw("</tbody>\n</table>\n");
}

fn resolved(out: &mut Html, site: &Site, lang: Lang) {
    if site.resolved.is_empty() {
        return;
    }
    out.raw("<h3>")
        .text(t(lang, T::Resolved))
        .markup(format_args!(" ({})</h3>\n", site.resolved.len()))
        .el("p", "muted", t(lang, T::ResolvedIntro))
        .raw("\n<ul class=\"plain-list\">\n");
    for finding in &site.resolved {
        out.raw("<li>")
            .markup(format_args!(
                "<span class=\"badge sev-{}\">",
                finding.severity.as_str()
            ))
            .text(i18n::severity(lang, finding.severity))
            .raw("</span> ")
            .text(&finding.title)
            .raw(" <span class=\"muted\">(")
            .code(&finding.rule)
            .raw(")</span></li>\n");
    }
    out.raw("</ul>\n");
}

// ---------------------------------------------------------------------------------------------
// Third parties and pages

fn third_parties(out: &mut Html, site: &Site, lang: Lang) {
    out.raw("<h3>")
        .text(&i18n::capitalize(label(lang, Label::ThirdParties)))
        .markup(format_args!(" ({})</h3>\n", site.third_parties.len()))
        .el("p", "muted", t(lang, T::ThirdPartiesIntro))
        .raw("\n");
    if site.third_parties.is_empty() {
        return;
    }
    out.raw("<table>\n<thead><tr>");
    for head in [
        label(lang, Label::Host),
        t(lang, T::Domain),
        label(lang, Label::Service),
        label(lang, Label::Organisation),
        label(lang, Label::Country),
        t(lang, T::TransferFooting),
    ] {
        out.el("th", "", &i18n::capitalize(head));
    }
    out.raw("<th class=\"num\">")
        .text(&i18n::capitalize(label(lang, Label::Pages)))
        .raw("</th></tr></thead>\n<tbody>\n");
    for tp in &site.third_parties {
        let service = tp.service.as_deref().and_then(|id| site.service(id));
        out.raw("<tr><td><code>")
            .breakable(&tp.host)
            .raw("</code></td><td>")
            .breakable(&tp.domain)
            .raw("</td>");
        match service {
            Some(s) => out
                .el("td", "", s.name_in(lang))
                .el("td", "", &s.organization)
                .el("td", "", &country(lang, &s.country))
                .el("td", "", i18n::transfer(lang, s.transfer)),
            None => out
                .raw("<td>—</td>")
                .el("td", "muted", t(lang, T::ToAssess))
                .raw("<td>—</td>")
                .el("td", "", i18n::transfer(lang, Transfer::Unknown)),
        };
        out.raw("<td class=\"num\">")
            .num(tp.pages)
            .raw("</td></tr>\n");
    }
    out.raw("</tbody>\n</table>\n");
}

/// What the browser stored or refused (browser engine only): a table whose first column is a
/// name (code), the second a domain or origin; every cell is page text, escaped.
fn stored_table(
    out: &mut Html,
    title: &str,
    intro: &str,
    heads: &[&str],
    rows: impl ExactSizeIterator<Item = Vec<String>>,
) {
    if rows.len() == 0 {
        return;
    }
    out.raw("<h3>")
        .text(title)
        .markup(format_args!(" ({})</h3>\n", rows.len()))
        .el("p", "muted", intro)
        .raw("\n<table>\n<thead><tr>");
    for head in heads {
        out.el("th", "", &i18n::capitalize(head));
    }
    out.raw("</tr></thead>\n<tbody>\n");
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            match i {
                0 => out.raw("<tr><td><code>").text(cell).raw("</code></td>"),
                1 => out.raw("<td>").breakable(cell).raw("</td>"),
                _ => out.el("td", "", cell),
            };
        }
        out.raw("</tr>\n");
    }
    out.raw("</tbody>\n</table>\n");
}

/// What the privacy statement names, and the social platforms the site links: a table each.
fn transparency_sections(out: &mut Html, site: &Site, lang: Lang) {
    let sections = [
        crate::report::transparency::statements(site, lang),
        crate::report::transparency::social(site, lang),
    ];
    for section in sections.into_iter().flatten() {
        stored_table(
            out,
            section.heading,
            &section.intro,
            &section.heads,
            section.rows.into_iter(),
        );
    }
}

/// Words of the browser's tables, per language.
struct StoredWords {
    lang: Lang,
    unknown: &'static str,
    first: &'static str,
    third: &'static str,
}

fn stored_words(lang: Lang) -> StoredWords {
    match lang {
        Lang::En => StoredWords {
            lang,
            unknown: "unknown",
            first: "first",
            third: "third",
        },
        Lang::Nl => StoredWords {
            lang,
            unknown: "onbekend",
            first: "eerste",
            third: "derde",
        },
    }
}

fn party_word(party: Party, words: &StoredWords) -> String {
    match party {
        Party::First => words.first,
        Party::Third => words.third,
    }
    .to_owned()
}

/// The name (in the table's language) of a service of the site by its id, the id when the site
/// does not list it.
fn service_name(site: &Site, id: Option<&str>, words: &StoredWords) -> String {
    id.map(|id| site.service(id).map_or(id, |s| s.name_in(words.lang)))
        .unwrap_or(words.unknown)
        .to_owned()
}

/// The consent platforms and choices, and the consent table (see [`super::consent`]).
fn consent(out: &mut Html, site: &Site, lang: Lang) {
    let Some(view) = super::consent::view(site, lang) else {
        return;
    };
    out.raw("<h3>").text(view.heading).raw("</h3>\n");
    for line in &view.lines {
        out.el("p", "", line);
    }
    if view.rows.is_empty() {
        return;
    }
    out.raw("<h4>")
        .text(t(lang, T::ConsentStates))
        .raw("</h4>\n")
        .el("p", "muted", t(lang, T::ConsentStatesIntro))
        .raw("\n<table>\n<thead><tr>");
    for head in &view.heads {
        out.el("th", "", &i18n::capitalize(head));
    }
    out.raw("</tr></thead>\n<tbody>\n");
    for row in &view.rows {
        out.raw("<tr>");
        for cell in row {
            out.el("td", "", cell);
        }
        out.raw("</tr>\n");
    }
    out.raw("</tbody>\n</table>\n");
}

/// The cookies the browser found: name, domain, expiry, service, party.
fn cookies(out: &mut Html, site: &Site, lang: Lang) {
    let words = stored_words(lang);
    let (intro, heads, session, days) = match lang {
        Lang::En => (
            "Present in the browser after the pages loaded, before the visitor did anything.",
            ["name", "domain", "expires", "service", "party"],
            "session",
            "days",
        ),
        Lang::Nl => (
            "Aanwezig in de browser na het laden van de pagina's, voordat de bezoeker iets deed.",
            ["naam", "domein", "verloopt", "dienst", "partij"],
            "sessie",
            "dagen",
        ),
    };
    // After a consent choice the cookies are not all from before any interaction.
    let chosen = site.consent.as_ref().is_some_and(|c| !c.choices.is_empty());
    let intro = if chosen {
        t(lang, T::CookiesAfterChoice)
    } else {
        intro
    };
    let rows = site.cookies.iter().map(|cookie| {
        let expires = match cookie.expires_days {
            None => session.to_owned(),
            Some(n) => format!("{n} {days}"),
        };
        vec![
            cookie.name.clone(),
            cookie.domain.clone(),
            expires,
            service_name(site, cookie.service.as_deref(), &words),
            party_word(cookie.party, &words),
        ]
    });
    stored_table(out, "Cookies", intro, &heads, rows);
}

/// The keys the pages and their frames wrote to web storage: key, origin, kind, service, party.
fn storage(out: &mut Html, site: &Site, lang: Lang) {
    let words = stored_words(lang);
    let (title, intro, heads, local, session) = match lang {
        Lang::En => (
            "Web storage",
            "Keys written to localStorage or sessionStorage by the pages and their frames, before the visitor did anything (values are not recorded).",
            ["key", "origin", "storage", "service", "party"],
            "localStorage (kept)",
            "sessionStorage (this tab)",
        ),
        Lang::Nl => (
            "Webopslag",
            "Sleutels die de pagina's en hun frames in localStorage of sessionStorage schreven, voordat de bezoeker iets deed (waarden worden niet vastgelegd).",
            ["sleutel", "herkomst", "opslag", "dienst", "partij"],
            "localStorage (blijft bewaard)",
            "sessionStorage (dit tabblad)",
        ),
    };
    let rows = site.storage.iter().map(|item| {
        let kind = match item.kind {
            StorageKind::Local => local,
            StorageKind::Session => session,
        };
        vec![
            item.key.clone(),
            item.origin.clone(),
            kind.to_owned(),
            service_name(site, item.service.as_deref(), &words),
            party_word(item.party, &words),
        ]
    });
    stored_table(out, title, intro, &heads, rows);
}

/// The cookies Chromium refused: name, domain, what was refused, why, party.
fn blocked_cookies(out: &mut Html, site: &Site, lang: Lang) {
    let words = stored_words(lang);
    let (title, intro, heads, set, send) = match lang {
        Lang::En => (
            "Cookies the browser refused",
            "Cookies the site or a third party tried to set, or that the browser did not send, and Chromium's reason (its own names).",
            ["name", "domain", "refused", "reason", "party"],
            "to store",
            "to send",
        ),
        Lang::Nl => (
            "Cookies die de browser weigerde",
            "Cookies die de site of een derde partij probeerde te plaatsen, of die de browser niet meestuurde, met de reden van Chromium (in zijn eigen woorden).",
            ["naam", "domein", "geweigerd", "reden", "partij"],
            "op te slaan",
            "mee te sturen",
        ),
    };
    let rows = site.blocked_cookies.iter().map(|b| {
        let action = match b.action {
            BlockedAction::Set => set,
            BlockedAction::Send => send,
        };
        vec![
            b.name.clone(),
            b.domain.clone(),
            action.to_owned(),
            b.reasons.join(", "),
            party_word(b.party, &words),
        ]
    });
    stored_table(out, title, intro, &heads, rows);
}

/// Screenshots larger than this are not inlined (the report stays one readable file).
const MAX_SCREENSHOT: u64 = 8 * 1024 * 1024;

/// The start page's screenshot (`--evidence`), inline as a data URI: the report loads nothing.
fn screenshot(out: &mut Html, site: &Site, lang: Lang) {
    use base64::Engine;
    let Some(path) = site
        .evidence_files
        .as_ref()
        .and_then(|e| e.screenshot.as_deref())
    else {
        return;
    };
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_SCREENSHOT);
    let Some(png) = small.then(|| std::fs::read(path).ok()).flatten() else {
        return;
    };
    if !png.starts_with(b"\x89PNG") {
        return;
    }
    let (title, alt) = match lang {
        Lang::En => (
            "Start page, as the browser showed it",
            "screenshot of the start page",
        ),
        Lang::Nl => (
            "Startpagina, zoals de browser hem toonde",
            "schermafbeelding van de startpagina",
        ),
    };
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    out.raw("<h3>")
        .text(title)
        .raw("</h3>\n<figure class=\"screenshot\"><img alt=\"")
        .text(alt)
        .markup(format_args!(
            "\" style=\"max-width:100%;border:1px solid #ccc\" src=\"data:image/png;base64,{data}\"></figure>\n"
        ));
}

fn pages(out: &mut Html, site: &Site, lang: Lang) {
    let failed: Vec<&Page> = site.pages.iter().filter(|p| p.error.is_some()).collect();
    if !failed.is_empty() {
        out.raw("<h3>")
            .text(label(lang, Label::PageErrors))
            .markup(format_args!(" ({})</h3>\n", failed.len()));
        page_table(out, &failed, lang);
    }
    out.raw("<h3>")
        .text(t(lang, T::PagesScanned))
        .markup(format_args!(" ({})</h3>\n", site.pages.len()));
    let all: Vec<&Page> = site.pages.iter().collect();
    if all.len() > FOLD_PAGES_AFTER {
        out.raw("<details><summary>")
            .text(&format!(
                "{} {} {}",
                t(lang, T::ShowAll),
                all.len(),
                pages_label(lang, all.len())
            ))
            .raw("</summary>\n");
        page_table(out, &all, lang);
        out.raw("</details>\n");
    } else {
        page_table(out, &all, lang);
    }
}

fn page_table(out: &mut Html, pages: &[&Page], lang: Lang) {
    out.raw("<table>\n<thead><tr>");
    for head in [
        label(lang, Label::Page),
        t(lang, T::Title),
        t(lang, T::Status),
        t(lang, T::Note),
    ] {
        out.el("th", "", &i18n::capitalize(head));
    }
    out.raw("</tr></thead>\n<tbody>\n");
    for page in pages {
        out.raw("<tr><td><code>")
            .breakable(&page.url)
            .raw("</code></td>")
            .el("td", "", page.title.as_deref().unwrap_or(""));
        match page.status {
            Some(status) if page.error.is_none() => {
                out.markup(format_args!("<td class=\"ok\">{status}</td>"))
            }
            Some(status) => out.markup(format_args!("<td class=\"error\">{status}</td>")),
            None => out.raw("<td class=\"error\">—</td>"),
        };
        out.raw("<td>");
        page_note(out, page, lang);
        out.raw("</td></tr>\n");
    }
    out.raw("</tbody>\n</table>\n");
}

/// What went wrong or differs on a page: its error, a cut body, redirects followed.
fn page_note(out: &mut Html, page: &Page, lang: Lang) {
    if let Some((text, detail)) = page.failure_text(lang) {
        out.el("span", "error", &text);
        if let Some(detail) = detail {
            out.raw(" ").code(detail);
        }
    }
    if page.truncated {
        out.el("div", "", t(lang, T::Truncated));
    }
    if !page.aliases.is_empty() {
        out.raw("<div>").text(t(lang, T::Aliases)).raw(": ");
        for (i, alias) in page.aliases.iter().enumerate() {
            if i > 0 {
                out.raw(", ");
            }
            out.code(alias);
        }
        out.raw("</div>");
    }
    if !page.redirects.is_empty() {
        out.raw("<div>").text(t(lang, T::Redirects)).raw(": ");
        for (i, redirect) in page.redirects.iter().enumerate() {
            if i > 0 {
                out.raw(" → ");
            }
            out.markup(format_args!("{} ", redirect.status))
                .code(&redirect.to);
        }
        out.raw("</div>");
    }
}
