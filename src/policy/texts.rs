//! The words of a finding — title, why it matters, advice — made from its rule id and its
//! parameters ([`Subject`]), in either language. The scan words its findings with this, and
//! `trackaudit report --lang` words a saved report again in the language asked for.

use crate::Lang;
use crate::lists::{Catalogue, Text};
use crate::report::model::{Finding, Report, Subject};
use crate::report::unscanned;
use crate::vocab::ConsentState;

use super::rules::{self, rule_by_id};

/// A finding's three texts in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    pub title: String,
    pub rationale: String,
    pub advice: String,
}

/// The texts of a finding from its rule, service, host and subject; `None` when the finding
/// carries no subject (a report of an older version) or names an unknown rule.
pub fn texts(finding: &Finding, catalogue: &Catalogue, lang: Lang) -> Option<Texts> {
    let rule = rule_by_id(&finding.rule)?;
    let subject = finding.about.as_ref()?;
    let service = finding
        .service
        .as_deref()
        .and_then(|id| catalogue.service_by_id(id))
        .map(|i| &catalogue.services[i]);
    let service_name = || {
        service.map_or_else(
            || finding.service.clone().unwrap_or_default(),
            |s| s.name_in(lang).to_owned(),
        )
    };
    let host = finding.host.clone().unwrap_or_default();
    let words = |en: &str, nl: &str| -> String {
        match lang {
            Lang::En => en.to_owned(),
            Lang::Nl => nl.to_owned(),
        }
    };
    let mut advice: Text = rule.advice();
    let about = match subject {
        Subject::Service { loaded } => {
            // A non-analytics service under the analytics rule (session recording) gets the
            // rule's advice; every other service its own.
            // A refusal not kept is about the banner's settings, not about the service.
            let own = !(rule.id == rules::NON_EEA_ANALYTICS
                && service.is_some_and(|s| s.category != "analytics"))
                && rule.id != rules::TRACKING_AFTER_REJECT;
            if let Some(service) = service.filter(|_| own) {
                advice = service.advice.clone();
            }
            if loaded.is_empty() {
                service_name()
            } else {
                let mut names: Vec<String> = loaded
                    .iter()
                    .map(|id| {
                        catalogue.service_by_id(id).map_or_else(
                            || id.clone(),
                            |i| catalogue.services[i].name_in(lang).to_owned(),
                        )
                    })
                    .collect();
                names.sort_unstable();
                format!(
                    "{} ({}: {})",
                    service_name(),
                    words("loaded", "laadde"),
                    names.join(", ")
                )
            }
        }
        Subject::Listed {
            name,
            list,
            jurisdiction_unknown,
        } => {
            // The knowledge comes from the list, and an unknown jurisdiction is said, not
            // passed off as "outside the EEA".
            if *jurisdiction_unknown {
                let unknown = words(
                    "organisation and country unknown",
                    "organisatie en land onbekend",
                );
                format!("{name} ({list}; {unknown})")
            } else {
                format!("{name} ({list})")
            }
        }
        Subject::FormReceiver | Subject::Host => {
            if service.is_some() {
                service_name()
            } else {
                host
            }
        }
        Subject::Cookies { names } => {
            let owner = if service.is_some() {
                service_name()
            } else {
                host
            };
            format!("{owner} ({names})")
        }
        Subject::PlainHttp => words("http instead of https", "http in plaats van https"),
        Subject::PrivacyStatementNotLinked => {
            words("not linked from any page", "op geen enkele pagina gelinkt")
        }
        Subject::FormWithoutPrivacyLink => words(
            "form asks for personal data",
            "formulier vraagt om persoonsgegevens",
        ),
        Subject::Undisclosed { statements } => {
            // The advice names the statements that were read.
            let read = statements.join(", ");
            let base = rule.advice();
            advice = Text {
                en: format!("{} Statements read: {read}.", base.en),
                nl: format!("{} Gelezen verklaringen: {read}.", base.nl),
            };
            service_name()
        }
        Subject::NamedNotFound { .. } => service_name(),
        Subject::SocialAccounts { platform, accounts } => {
            let known = catalogue.platforms.iter().find(|p| p.id == *platform);
            if known.is_some_and(|p| p.kind == "open") {
                advice = rules::open_platform_advice();
            }
            let name = known.map_or(platform.as_str(), |p| match lang {
                Lang::En => &p.name,
                Lang::Nl => &p.name_nl,
            });
            format!(
                "{name} ({})",
                crate::observe::shorten(&accounts.join(", "), 160)
            )
        }
        Subject::Banner {
            platform,
            second_layer,
        } => {
            let name = platform.as_ref().map_or_else(
                || words("a banner no rule knows", "een banner die geen regel kent"),
                |id| {
                    catalogue
                        .cmps
                        .iter()
                        .find(|r| &r.id == id)
                        .map_or_else(|| id.clone(), |r| r.name.clone())
                },
            );
            if *second_layer {
                let where_ = words("reject on the second layer", "weigeren op de tweede laag");
                format!("{name} ({where_})")
            } else {
                name
            }
        }
        Subject::ConsentChoice { state, banner } => {
            let choice = match state {
                ConsentState::Accept => words("accept", "accepteren"),
                ConsentState::Reject => words("reject", "weigeren"),
                ConsentState::None => words("no choice", "geen keuze"),
            };
            let why = if *banner {
                words(
                    "the banner's control could not be clicked",
                    "de knop van de banner kon niet worden aangeklikt",
                )
            } else {
                words("no consent banner was found", "geen cookiebanner gevonden")
            };
            format!("{choice} — {why}")
        }
    };
    Some(Texts {
        title: format!("{}: {about}", rule.title().get(lang)),
        rationale: rule.rationale().get(lang).to_owned(),
        advice: advice.get(lang).to_owned(),
    })
}

/// Word one finding in `lang`; a finding without a subject keeps its texts.
pub fn reword(finding: &mut Finding, catalogue: &Catalogue, lang: Lang) {
    if let Some(texts) = texts(finding, catalogue, lang) {
        finding.title = texts.title;
        finding.rationale = texts.rationale;
        finding.advice = texts.advice;
    }
}

/// Word a saved report again in `lang`: the findings' (and resolved findings') texts from
/// their rule and subject, the pages' and statements' errors from their kind, and the reason a
/// site could not be scanned. Findings without a subject (older reports) keep their texts.
pub fn localize(report: &mut Report, catalogue: &Catalogue, lang: Lang) {
    report.lang = lang.code().to_owned();
    for site in &mut report.sites {
        for finding in site.findings.iter_mut().chain(site.resolved.iter_mut()) {
            reword(finding, catalogue, lang);
        }
        for page in &mut site.pages {
            if let Some(failure) = &page.error_about {
                page.error = Some(failure.line(lang));
            }
        }
        for statement in site.statements.iter_mut().flat_map(|s| s.read.iter_mut()) {
            if let Some(failure) = &statement.error_about {
                statement.error = Some(failure.line(lang));
            }
        }
        if site.error.is_some() {
            site.error = unscanned::reason(site, lang).or(site.error.take());
        }
    }
}
