//! Assess: the rules turn a site's facts into findings with a severity, evidence and advice.

pub mod config;
mod consent;
pub mod disclosure;
pub mod rules;
pub mod texts;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::Lang;
use crate::audit::{PageUrl, SiteFacts, cookie_evidence};
use crate::lists::{Lists, Service, Transfer};
use crate::observe::shorten;
use crate::report::model::{CookieReport, Party};
use crate::report::model::{Evidence, Finding, Severity, Subject};
use crate::scope::registrable_domain;
use crate::vocab::ConsentState;
use rules::{Rule, rule};

/// Evidence items copied onto a finding (the service lists the rest).
const EVIDENCE_PER_FINDING: usize = 5;

/// How findings are rated and worded.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub lang: Lang,
    /// Severity per rule id, replacing the default.
    pub severities: HashMap<String, Severity>,
}

impl Policy {
    fn severity(&self, rule: &Rule) -> Severity {
        self.severities
            .get(rule.id)
            .copied()
            .unwrap_or(rule.severity)
    }
}

/// All findings for one site, worst first.
pub fn assess(facts: &SiteFacts, lists: &Lists, policy: &Policy) -> Vec<Finding> {
    let mut out = Findings {
        lists,
        policy,
        findings: Vec::new(),
    };
    out.services(facts);
    out.hosts(facts);
    out.forms(facts);
    out.transport(facts);
    out.privacy_statement(facts);
    out.disclosure(facts);
    out.social(facts);
    out.cookies(facts);
    out.consent(facts);
    let mut findings = out.findings;
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.host.cmp(&b.host))
    });
    findings
}

/// The rules a service triggers by its category and its organisation's jurisdiction.
pub fn rules_for_service(service: &Service, transfer: Transfer) -> Vec<&'static str> {
    rules_for_category(&service.category, service.privacy_friendly, transfer)
}

/// The rules by category and jurisdiction. An unknown jurisdiction (a service of an external
/// list whose organisation the catalogue does not know) counts as outside the EEA: no footing
/// for the transfer can be shown.
pub fn rules_for_category(
    category: &str,
    privacy_friendly: bool,
    transfer: Transfer,
) -> Vec<&'static str> {
    let outside_eea = transfer != Transfer::Eea;
    // A country-level adequacy decision (Switzerland, UK, Japan…) is a footing that holds.
    let without_own_adequacy = outside_eea && transfer != Transfer::Adequacy;
    match category {
        "advertising" => vec![rules::TRACKING_PIXEL],
        "analytics" if privacy_friendly => vec![rules::PRIVACY_FRIENDLY_ANALYTICS],
        "analytics" if outside_eea => vec![rules::NON_EEA_ANALYTICS],
        "tag-manager" if outside_eea => vec![rules::TAG_MANAGER],
        "session-recording" if outside_eea => {
            vec![rules::SESSION_RECORDING, rules::NON_EEA_ANALYTICS]
        }
        "session-recording" => vec![rules::SESSION_RECORDING],
        "social" => vec![rules::SOCIAL_EMBED],
        "video" | "audio" if without_own_adequacy => vec![rules::VIDEO_EMBED],
        "analytics" | "tag-manager" | "video" | "audio" => vec![],
        _ if without_own_adequacy => vec![rules::NON_EEA_TRANSFER],
        _ => vec![],
    }
}

/// The service a finding is about: its id, and whether it is a privacy-enhanced mode.
#[derive(Clone, Copy)]
struct About<'a> {
    id: &'a str,
    privacy_enhanced: bool,
}

impl<'a> From<&'a Service> for About<'a> {
    fn from(service: &'a Service) -> Self {
        About {
            id: &service.id,
            privacy_enhanced: service.privacy_enhanced,
        }
    }
}

struct Findings<'a> {
    lists: &'a Lists,
    policy: &'a Policy,
    findings: Vec<Finding>,
}

impl Findings<'_> {
    fn lang(&self) -> Lang {
        self.policy.lang
    }

    fn push(
        &mut self,
        rule: &Rule,
        about: Subject,
        service: Option<About<'_>>,
        host: Option<String>,
        pages: impl IntoIterator<Item = PageUrl>,
        evidence: &[Evidence],
    ) {
        let mut severity = self.policy.severity(rule);
        if rule.id == rules::VIDEO_EMBED && service.is_some_and(|s| s.privacy_enhanced) {
            severity = severity.min(Severity::Low);
        }
        let pages: BTreeSet<PageUrl> = pages.into_iter().collect();
        let mut finding = Finding {
            rule: rule.id.to_owned(),
            severity,
            service: service.map(|s| s.id.to_owned()),
            host,
            title: String::new(),
            rationale: String::new(),
            advice: String::new(),
            about: Some(about),
            pages: pages.iter().map(|p| p.to_string()).collect(),
            evidence: evidence
                .iter()
                .take(EVIDENCE_PER_FINDING)
                .cloned()
                .collect(),
            status: None,
            suppressed: None,
        };
        texts::reword(&mut finding, &self.lists.catalogue, self.lang());
        self.findings.push(finding);
    }

    fn services(&mut self, facts: &SiteFacts) {
        let catalogue = &self.lists.catalogue;
        for (&idx, service_facts) in &facts.services {
            let service = &catalogue.services[idx];
            let loaded: Vec<String> = service_facts
                .loaded
                .iter()
                .map(|&i| catalogue.services[i].id.clone())
                .collect();
            for rule_id in rules_for_service(service, catalogue.transfer(service)) {
                self.push(
                    rule(rule_id),
                    Subject::Service {
                        loaded: loaded.clone(),
                    },
                    Some(service.into()),
                    None,
                    service_facts.pages.iter().cloned(),
                    &service_facts.evidence,
                );
            }
        }
        for (id, external) in &facts.external {
            let info = &external.info;
            let transfer = catalogue.transfer_for_country(&info.country, info.dpf);
            let subject = Subject::Listed {
                name: info.name.clone(),
                list: info.list.to_string(),
                jurisdiction_unknown: transfer == Transfer::Unknown,
            };
            let about = About {
                id,
                privacy_enhanced: false,
            };
            let rules = rules_for_category(info.category, false, transfer);
            for rule_id in &rules {
                self.push(
                    rule(rule_id),
                    subject.clone(),
                    Some(about),
                    None,
                    external.facts.pages.iter().cloned(),
                    &external.facts.evidence,
                );
            }
            // A 1×1 image stays a tracking pixel when a list names its host in another category:
            // the list tells who, the pixel tells how.
            let pixel_pages: BTreeSet<PageUrl> = external
                .facts
                .hosts
                .iter()
                .filter_map(|h| facts.hosts.get(h))
                .flat_map(|h| h.pixel_pages.iter().cloned())
                .collect();
            if !pixel_pages.is_empty() && !rules.contains(&rules::TRACKING_PIXEL) {
                let rule = rule(rules::TRACKING_PIXEL);
                let evidence: Vec<Evidence> = external
                    .facts
                    .evidence
                    .iter()
                    .filter(|e| e.kind == crate::observe::EvidenceKind::Img)
                    .cloned()
                    .collect();
                self.push(
                    rule,
                    subject.clone(),
                    Some(about),
                    None,
                    pixel_pages,
                    &evidence,
                );
            }
        }
    }

    fn hosts(&mut self, facts: &SiteFacts) {
        let unclaimed = |h: &crate::audit::HostFacts| h.service.is_none() && h.external.is_none();
        for (host, host_facts) in facts.hosts.iter().filter(|(_, h)| unclaimed(h)) {
            let pixel = !host_facts.pixel_pages.is_empty();
            let rule = rule(if pixel {
                rules::TRACKING_PIXEL
            } else {
                rules::UNKNOWN_THIRD_PARTY
            });
            let pages = if pixel {
                &host_facts.pixel_pages
            } else {
                &host_facts.pages
            };
            self.push(
                rule,
                Subject::Host,
                None,
                Some(host.clone()),
                pages.iter().cloned(),
                &host_facts.evidence,
            );
        }
    }

    fn forms(&mut self, facts: &SiteFacts) {
        let catalogue = &self.lists.catalogue;
        let mut by_receiver: BTreeMap<(Option<usize>, &str), Vec<&crate::audit::FormFact>> =
            BTreeMap::new();
        for form in &facts.forms_to_third_party {
            let host = if form.service.is_some() {
                ""
            } else {
                form.host.as_str()
            };
            by_receiver
                .entry((form.service, host))
                .or_default()
                .push(form);
        }
        let rule = rule(rules::FORM_TO_THIRD_PARTY);
        for ((service, host), forms) in by_receiver {
            let service = service.map(|i| &catalogue.services[i]);
            let evidence: Vec<Evidence> = forms
                .iter()
                .map(|f| form_evidence(&f.page, Some(f.action.clone()), &f.snippet))
                .collect();
            let host = service.is_none().then(|| host.to_owned());
            self.push(
                rule,
                Subject::FormReceiver,
                service.map(About::from),
                host,
                forms.iter().map(|f| f.page.clone()),
                &evidence,
            );
        }
    }

    fn transport(&mut self, facts: &SiteFacts) {
        if facts.insecure.is_empty() {
            return;
        }
        let rule = rule(rules::INSECURE_TRANSPORT);
        let pages = facts
            .insecure
            .iter()
            .map(|e| PageUrl::from(e.page.as_str()));
        self.push(rule, Subject::PlainHttp, None, None, pages, &facts.insecure);
    }

    fn privacy_statement(&mut self, facts: &SiteFacts) {
        if facts.scanned_pages() == 0 {
            return;
        }
        let rule = rule(rules::MISSING_PRIVACY_STATEMENT);
        if !facts.any_privacy_link {
            let pages = facts.pages.first().map(|p| PageUrl::from(p.url.as_str()));
            let subject = Subject::PrivacyStatementNotLinked;
            self.push(rule, subject, None, None, pages, &[]);
        } else if !facts.forms_without_privacy_link.is_empty() {
            let evidence: Vec<Evidence> = facts
                .forms_without_privacy_link
                .iter()
                .map(|(page, snippet)| form_evidence(page, None, snippet))
                .collect();
            let pages = facts
                .forms_without_privacy_link
                .iter()
                .map(|(p, _)| p.clone());
            let subject = Subject::FormWithoutPrivacyLink;
            self.push(rule, subject, None, None, pages, &evidence);
        }
    }
}

impl Findings<'_> {
    /// `undisclosed-third-party` for every service the statements do not name, and
    /// `disclosed-not-found` for every service they name that the scan did not find.
    fn disclosure(&mut self, facts: &SiteFacts) {
        let Some(statements) = &facts.disclosure else {
            return;
        };
        let read: Vec<&str> = statements
            .read
            .iter()
            .filter(|s| s.read)
            .map(|s| s.url.as_str())
            .collect();
        let undisclosed = rule(rules::UNDISCLOSED_THIRD_PARTY);
        for disclosure in statements.services.iter().filter(|d| d.by.is_none()) {
            let service_facts = match self.lists.catalogue.service_by_id(&disclosure.service) {
                Some(idx) => facts.services.get(&idx),
                None => facts.external.get(&disclosure.service).map(|e| &e.facts),
            };
            let Some(service_facts) = service_facts else {
                continue;
            };
            let mut evidence: Vec<Evidence> = read
                .iter()
                .map(|url| link_evidence(url, Some((*url).to_owned()), url))
                .collect();
            evidence.extend(service_facts.evidence.iter().cloned());
            let about = About {
                id: &disclosure.service,
                privacy_enhanced: false,
            };
            self.push(
                undisclosed,
                Subject::Undisclosed {
                    statements: read.iter().map(|u| (*u).to_owned()).collect(),
                },
                Some(about),
                None,
                service_facts.pages.iter().cloned(),
                &evidence,
            );
        }
        let rule = rule(rules::DISCLOSED_NOT_FOUND);
        for named in &statements.named_not_found {
            let statement = named.statement.clone().unwrap_or_default();
            let term = named.term.clone().unwrap_or_default();
            // The statement's own word, quoted: the same in every language.
            let snippet = format!("\u{201c}{term}\u{201d}");
            let evidence = [link_evidence(&statement, Some(statement.clone()), &snippet)];
            let about = About {
                id: &named.service,
                privacy_enhanced: false,
            };
            self.push(
                rule,
                Subject::NamedNotFound {
                    term: term.clone(),
                    statement: statement.clone(),
                },
                Some(about),
                None,
                [PageUrl::from(statement.as_str())],
                &evidence,
            );
        }
    }

    /// `social-media-presence`: one finding per platform the site links its accounts on.
    fn social(&mut self, facts: &SiteFacts) {
        let rule = rule(rules::SOCIAL_MEDIA_PRESENCE);
        for (&idx, social) in &facts.social {
            let platform = &self.lists.catalogue.platforms[idx];
            let accounts: Vec<String> = social.accounts.keys().cloned().collect();
            let evidence: Vec<Evidence> = social
                .accounts
                .iter()
                .filter_map(|(account, pages)| {
                    let page = pages.iter().next()?;
                    Some(link_evidence(page, Some(account.clone()), account))
                })
                .collect();
            let host = accounts
                .first()
                .and_then(|a| url::Url::parse(a).ok())
                .and_then(|u| u.host_str().map(str::to_owned));
            self.push(
                rule,
                Subject::SocialAccounts {
                    platform: platform.id.clone(),
                    accounts,
                },
                None,
                host,
                social.accounts.values().flatten().cloned(),
                &evidence,
            );
        }
    }

    /// The cookie rules (browser engine): tracking cookies present before any interaction, per
    /// service (or per domain when no service is known); third-party cookies per domain.
    fn cookies(&mut self, facts: &SiteFacts) {
        let services = &self.lists.catalogue.services;
        // (service, domain) → the cookies of that group.
        let mut tracking: BTreeMap<(Option<usize>, String), Vec<&CookieReport>> = BTreeMap::new();
        let mut third: BTreeMap<(Option<usize>, String), Vec<&CookieReport>> = BTreeMap::new();
        for (cookie, service) in facts.cookies.iter().zip(&facts.cookie_services) {
            let domain = registrable_domain(cookie.domain.trim_start_matches('.'));
            let key = |service: &Option<usize>| match service {
                Some(_) => (*service, String::new()),
                None => (None, domain.clone()),
            };
            // Before consent: present with no choice made (an older report has no states).
            let before_choice =
                cookie.consent.is_empty() || cookie.consent.contains(&ConsentState::None);
            if cookie.tracking && before_choice {
                tracking.entry(key(service)).or_default().push(cookie);
            }
            if cookie.party == Party::Third {
                third.entry(key(service)).or_default().push(cookie);
            }
        }
        for (rule_id, groups) in [
            (rules::COOKIE_BEFORE_CONSENT, tracking),
            (rules::THIRD_PARTY_COOKIE, third),
        ] {
            let rule = rule(rule_id);
            for ((service, domain), cookies) in groups {
                let service = service.map(|i| &services[i]);
                self.push_cookies(rule, service, domain, &cookies, cookie_evidence);
            }
        }
    }

    /// One finding for a group of cookies of one service (or one domain when no service is
    /// known), named after the service or domain and the cookies.
    fn push_cookies(
        &mut self,
        rule: &Rule,
        service: Option<&Service>,
        domain: String,
        cookies: &[&CookieReport],
        as_evidence: fn(&CookieReport) -> Evidence,
    ) {
        let names: Vec<&str> = cookies.iter().map(|c| c.name.as_str()).collect();
        let subject = Subject::Cookies {
            names: shorten(&names.join(", "), 120),
        };
        let evidence: Vec<Evidence> = cookies.iter().map(|c| as_evidence(c)).collect();
        self.push(
            rule,
            subject,
            service.map(About::from),
            service.is_none().then_some(domain),
            cookies.iter().map(|c| PageUrl::from(c.page.as_str())),
            &evidence,
        );
    }
}

/// Evidence of a form: the page, where it posts to, and its start tag.
fn form_evidence(page: &str, action: Option<String>, snippet: &str) -> Evidence {
    Evidence {
        kind: crate::observe::EvidenceKind::FormAction,
        ..link_evidence(page, action, snippet)
    }
}

/// Evidence of a link or a document: the page, the URL, what it shows.
fn link_evidence(page: &str, url: Option<String>, snippet: &str) -> Evidence {
    Evidence {
        page: page.to_owned(),
        kind: crate::observe::EvidenceKind::Other,
        url,
        snippet: snippet.to_owned(),
        tracking_id: None,
        consent_gated: false,
        list_match: None,
        seen_by: crate::vocab::SeenBy::Static,
        initiator: Vec::new(),
        consent: None,
    }
}
