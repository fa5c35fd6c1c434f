//! The consent rules: whether the banner keeps its word (`tracking-after-reject`), whether
//! refusing is as easy as accepting (`no-reject-option`), and a choice the audit could not make
//! (`consent-choice-not-found`).

use std::collections::BTreeMap;

use super::rules::{self, rule};
use super::{About, Findings};
use crate::audit::{PageUrl, SiteFacts, cookie_evidence};
use crate::lists::Service;
use crate::report::model::{CookieReport, Evidence, Subject};
use crate::scope::registrable_domain;
use crate::vocab::{ConsentState, EvidenceKind, SeenBy};

/// A service that tracks the visitor when contacted: advertising, analytics other than the
/// privacy-friendly kind, session recording, social media.
pub fn tracks(service: &Service) -> bool {
    !service.privacy_friendly
        && matches!(
            service.category.as_str(),
            "advertising" | "analytics" | "session-recording" | "social"
        )
}

impl Findings<'_> {
    pub(super) fn consent(&mut self, facts: &SiteFacts) {
        self.after_reject(facts);
        self.choices(facts);
    }

    /// Tracking services seen, and tracking cookies present, in the `reject` state: one finding
    /// per service (per domain for a cookie no service claims).
    fn after_reject(&mut self, facts: &SiteFacts) {
        let rule = rule(rules::TRACKING_AFTER_REJECT);
        let services = &self.lists.catalogue.services;
        let rejected = |c: &&CookieReport| c.tracking && c.consent.contains(&ConsentState::Reject);
        let mut cookies: BTreeMap<(Option<usize>, String), Vec<&CookieReport>> = BTreeMap::new();
        for (cookie, service) in facts.cookies.iter().zip(&facts.cookie_services) {
            if rejected(&cookie) {
                let domain = match service {
                    Some(_) => String::new(),
                    None => registrable_domain(cookie.domain.trim_start_matches('.')),
                };
                cookies.entry((*service, domain)).or_default().push(cookie);
            }
        }
        for (&idx, service_facts) in &facts.services {
            let service = &services[idx];
            if !tracks(service) || !service_facts.consent.contains(&ConsentState::Reject) {
                continue;
            }
            let mut evidence: Vec<Evidence> = service_facts
                .evidence
                .iter()
                .filter(|e| e.consent == Some(ConsentState::Reject))
                .cloned()
                .collect();
            let own_cookies = cookies
                .remove(&(Some(idx), String::new()))
                .unwrap_or_default();
            evidence.extend(own_cookies.iter().map(|c| rejected_cookie(c)));
            let pages: Vec<PageUrl> = evidence
                .iter()
                .map(|e| PageUrl::from(e.page.as_str()))
                .collect();
            self.push(
                rule,
                Subject::Service { loaded: Vec::new() },
                Some(About::from(service)),
                None,
                pages,
                &evidence,
            );
        }
        // Cookies of no known service (a third party's), or of a service that does not track
        // by its category but set a tracking cookie.
        for ((service, domain), group) in cookies {
            let service = service.map(|i| &services[i]);
            self.push_cookies(rule, service, domain, &group, rejected_cookie);
        }
    }

    /// The banner's first layer (once per site), and the choices that could not be made.
    fn choices(&mut self, facts: &SiteFacts) {
        let start = facts
            .pages
            .iter()
            .find(|p| p.depth == 0)
            .map(|p| p.url.clone());
        let start = PageUrl::from(start.unwrap_or_else(|| "/".into()).as_str());
        let first_layer = facts
            .consent_choices
            .iter()
            .find(|c| c.banner && c.accept_on_first_layer && !c.reject_on_first_layer);
        if let Some(choice) = first_layer {
            let second_layer = choice.second_layer && choice.clicked;
            let what = format!(
                "{}: first layer with accept and no reject{}",
                choice.platform.as_deref().unwrap_or("unknown banner"),
                if second_layer {
                    "; reject found on the second layer"
                } else {
                    ""
                }
            );
            let subject = Subject::Banner {
                platform: choice.platform.clone(),
                second_layer,
            };
            let evidence = choice_evidence(&start, what);
            let rule = rule(rules::NO_REJECT_OPTION);
            self.push(rule, subject, None, None, [start.clone()], &[evidence]);
        }
        for choice in facts.consent_choices.iter().filter(|c| !c.clicked) {
            let state = choice.state.unwrap_or_default();
            let why = choice.error.as_deref().unwrap_or("no control found");
            let what = format!("{}: {}", state.as_str(), crate::observe::shorten(why, 200));
            let subject = Subject::ConsentChoice {
                state,
                banner: choice.banner,
            };
            let evidence = choice_evidence(&start, what);
            let rule = rule(rules::CONSENT_CHOICE_NOT_FOUND);
            self.push(rule, subject, None, None, [start.clone()], &[evidence]);
        }
    }
}

/// A cookie present in the `reject` state, as evidence.
fn rejected_cookie(cookie: &CookieReport) -> Evidence {
    Evidence {
        consent: Some(ConsentState::Reject),
        ..cookie_evidence(cookie)
    }
}

/// What the browser found on the start page's banner, as evidence.
fn choice_evidence(start: &str, what: String) -> Evidence {
    Evidence {
        page: start.to_owned(),
        kind: EvidenceKind::Other,
        url: None,
        snippet: what,
        tracking_id: None,
        consent_gated: false,
        list_match: None,
        seen_by: SeenBy::Browser,
        initiator: Vec::new(),
        consent: None,
    }
}
