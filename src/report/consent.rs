//! The consent section of the reports meant for people (terminal, Markdown, HTML), in English
//! and Dutch: the platforms found, the choices made on the banner, and per service and per
//! tracking cookie the consent states in which the browser saw it.

use crate::Lang;
use crate::report::i18n::t;
use crate::report::model::{ConsentChoice, Site};
use crate::vocab::ConsentState;

/// The section's words and rows; each format lays them out.
pub struct ConsentView {
    pub heading: &'static str,
    /// Sentences: the platforms, each choice, the sample.
    pub lines: Vec<String>,
    /// The table's heads: "service or cookie", then one per state audited.
    pub heads: Vec<&'static str>,
    /// One row per service and tracking cookie the browser saw: its name, then "yes" / "—"
    /// per state. Empty unless several states were audited (`--consent all`): one state has
    /// nothing to compare.
    pub rows: Vec<Vec<String>>,
}

/// A state's name in the report's language.
pub fn state_name(lang: Lang, state: ConsentState) -> &'static str {
    match state {
        ConsentState::None => t(lang, "no choice", "geen keuze"),
        ConsentState::Accept => t(lang, "accept", "accepteren"),
        ConsentState::Reject => t(lang, "reject", "weigeren"),
    }
}

/// The section of a site; `None` when the scan found no platform and made no choice.
pub fn view(site: &Site, lang: Lang) -> Option<ConsentView> {
    let consent = site.consent.as_ref()?;
    let mut lines = Vec::new();
    if !consent.platforms.is_empty() {
        let names: Vec<&str> = consent.platforms.iter().map(|p| p.name.as_str()).collect();
        lines.push(format!(
            "{}: {}",
            t(lang, "Consent platform", "Toestemmingsplatform"),
            names.join(", ")
        ));
    }
    for choice in &consent.choices {
        lines.push(choice_line(choice, site, lang));
    }
    if !consent.sample.is_empty() {
        lines.push(format!(
            "{} {}",
            t(
                lang,
                "Accept and reject were checked on the start page and a sample of pages:",
                "Accepteren en weigeren zijn gecontroleerd op de startpagina en een steekproef van pagina's:"
            ),
            consent.sample.join(", ")
        ));
    }
    // The states audited: the choices made, and no choice when the crawl ran without one.
    let mut states: Vec<ConsentState> = consent.choices.iter().filter_map(|c| c.state).collect();
    if !consent.sample.is_empty() {
        states.push(ConsentState::None);
    }
    states.sort();
    states.dedup();
    let mut heads = vec![t(lang, "service or cookie", "dienst of cookie")];
    heads.extend(states.iter().map(|s| state_name(lang, *s)));
    let cells = |seen: &[ConsentState]| -> Vec<String> {
        states
            .iter()
            .map(|s| {
                if seen.contains(s) {
                    t(lang, "yes", "ja")
                } else {
                    "—"
                }
                .to_owned()
            })
            .collect()
    };
    let mut rows = Vec::new();
    if states.len() > 1 {
        for service in site.services.iter().filter(|s| !s.consent.is_empty()) {
            let mut row = vec![service.name_in(lang).to_owned()];
            row.extend(cells(&service.consent));
            rows.push(row);
        }
        for cookie in site
            .cookies
            .iter()
            .filter(|c| c.tracking && !c.consent.is_empty())
        {
            let mut row = vec![format!("cookie {} ({})", cookie.name, cookie.domain)];
            row.extend(cells(&cookie.consent));
            rows.push(row);
        }
    }
    Some(ConsentView {
        heading: t(lang, "Consent", "Toestemming"),
        lines,
        heads,
        rows,
    })
}

/// "reject: clicked (Cookiebot, by its rule; reject on the second layer)".
fn choice_line(choice: &ConsentChoice, site: &Site, lang: Lang) -> String {
    let state = state_name(lang, choice.state.unwrap_or_default());
    let platform = choice
        .platform
        .as_ref()
        .and_then(|id| {
            site.consent
                .as_ref()?
                .platforms
                .iter()
                .find(|p| &p.id == id)
        })
        .map_or_else(
            || {
                t(
                    lang,
                    "a banner no rule knows",
                    "een banner die geen regel kent",
                )
                .to_owned()
            },
            |p| p.name.clone(),
        );
    if !choice.clicked {
        let why = if choice.banner {
            t(
                lang,
                "the banner's control could not be clicked",
                "de knop van de banner kon niet worden aangeklikt",
            )
        } else {
            t(
                lang,
                "no consent banner was found",
                "geen cookiebanner gevonden",
            )
        };
        return format!("{state}: {} — {why}", t(lang, "not made", "niet gemaakt"));
    }
    let how = match choice.found_by.as_deref() {
        Some("text") => t(lang, "found by its label", "gevonden aan de knoptekst"),
        _ => t(lang, "found by its rule", "gevonden via de regel"),
    };
    let mut detail = format!("{platform}, {how}");
    if choice.second_layer {
        detail.push_str(t(
            lang,
            "; reject on the second layer",
            "; weigeren op de tweede laag",
        ));
    } else if choice.banner && !choice.reject_on_first_layer {
        detail.push_str(t(
            lang,
            "; no reject on the first layer",
            "; geen weigerknop op de eerste laag",
        ));
    }
    format!("{state}: {} ({detail})", t(lang, "clicked", "aangeklikt"))
}
