//! The two report sections about transparency, as rows every human format renders its own way
//! (and escapes as it escapes everything else): what the privacy and cookie statements name,
//! and the social platforms the site sends its visitors to.

use crate::Lang;
use crate::report::i18n::t;
use crate::report::model::Site;

/// A section of the report: a heading, one line that introduces it, column heads and rows of
/// text (page-controlled: each renderer neutralises or escapes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: &'static str,
    pub intro: String,
    pub heads: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// "Privacy statement": the statements read (or why not) and, per third-party service found,
/// whether and how they name it. `None` when the site links no statement.
pub fn statements(site: &Site, lang: Lang) -> Option<Section> {
    let statements = site.statements.as_ref()?;
    let read: Vec<String> = statements
        .read
        .iter()
        .map(|s| match s.failure_text(lang) {
            None => s.url.clone(),
            Some((error, detail)) => format!(
                "{} ({}: {error}{})",
                s.url,
                t(lang, "not read", "niet gelezen"),
                detail.map(|d| format!(": {d}")).unwrap_or_default()
            ),
        })
        .collect();
    let mut intro = format!(
        "{}: {}.",
        t(lang, "Statements", "Verklaringen"),
        read.join(", ")
    );
    if statements.services.is_empty() {
        intro.push(' ');
        intro.push_str(t(
            lang,
            "No statement could be read: whether it names the services found is not checked.",
            "Geen verklaring kon worden gelezen: of zij de gevonden diensten noemt, is niet nagegaan.",
        ));
    }
    let name_of = |id: &str| {
        site.service(id)
            .map_or(id.to_owned(), |s| s.name_in(lang).to_owned())
    };
    let how = |by: &str| match by {
        "name" => t(lang, "by name", "bij naam"),
        "alias" => t(lang, "by another name", "onder een andere naam"),
        "host" => t(lang, "by its host", "via de host"),
        _ => t(lang, "by its organisation", "via de organisatie"),
    };
    let mut rows: Vec<Vec<String>> = statements
        .services
        .iter()
        .map(|d| match (&d.by, &d.term, &d.statement) {
            (Some(by), Some(term), Some(statement)) => vec![
                d.service.clone(),
                name_of(&d.service),
                format!("{} \u{201c}{term}\u{201d}", how(by)),
                statement.clone(),
            ],
            _ => vec![
                d.service.clone(),
                name_of(&d.service),
                t(lang, "not named", "niet genoemd").to_owned(),
                "—".to_owned(),
            ],
        })
        .collect();
    rows.extend(statements.named_not_found.iter().map(|d| {
        vec![
            d.service.clone(),
            d.service.clone(),
            format!(
                "{} \u{201c}{}\u{201d}",
                t(
                    lang,
                    "named, not found on the site:",
                    "genoemd, niet gevonden op de site:"
                ),
                d.term.clone().unwrap_or_default()
            ),
            d.statement.clone().unwrap_or_default(),
        ]
    }));
    Some(Section {
        heading: t(lang, "Privacy statement", "Privacyverklaring"),
        intro,
        heads: vec![
            t(lang, "service", "dienst"),
            t(lang, "name", "naam"),
            t(lang, "named in the statement", "genoemd in de verklaring"),
            t(lang, "statement", "verklaring"),
        ],
        rows,
    })
}

/// "Social media": per platform the accounts the site links and how many pages link them.
/// `None` when it links none.
pub fn social(site: &Site, lang: Lang) -> Option<Section> {
    if site.social.is_empty() {
        return None;
    }
    let rows = site
        .social
        .iter()
        .map(|p| {
            let kind = if p.kind == "open" {
                t(lang, "European or federated", "Europees of gefedereerd")
            } else {
                t(lang, "big tech", "big tech")
            };
            let pages = p.pages.len();
            let word = if pages == 1 {
                t(lang, "page", "pagina")
            } else {
                t(lang, "pages", "pagina's")
            };
            vec![
                p.platform.clone(),
                p.accounts.join(", "),
                format!(
                    "{} · {kind} · {} {pages} {word}",
                    match lang {
                        Lang::Nl if !p.name_nl.is_empty() => &p.name_nl,
                        _ => &p.name,
                    },
                    t(lang, "linked from", "gelinkt vanaf")
                ),
            ]
        })
        .collect();
    Some(Section {
        heading: t(lang, "Social media", "Sociale media"),
        intro: t(
            lang,
            "Accounts of the institution that the site links to (share links are not counted). The Dutch DPA advises using social media only with clear agreements with the platform; the sector guidance advises phasing out big-tech platforms.",
            "Accounts van de instelling waar de site naar linkt (deelknoppen tellen niet mee). De Autoriteit Persoonsgegevens adviseert sociale media alleen in te zetten met duidelijke afspraken met het platform; de sectorhandreiking adviseert big-tech-platforms uit te faseren.",
        )
        .to_owned(),
        heads: vec![
            t(lang, "platform", "platform"),
            t(lang, "accounts", "accounts"),
            t(lang, "kind and reach", "soort en bereik"),
        ],
        rows,
    })
}
