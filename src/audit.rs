//! Gathers the classified observations of every page of a site into the facts the rules and the
//! report need. Pages arrive one at a time and are not kept: memory grows with the number of
//! distinct pages and hosts, not with page size, and evidence is capped per service and host.
//!
//! The facts do not depend on the order in which pages arrive (the crawl is concurrent): the
//! evidence kept under a cap is the first in [`evidence_order`], and [`SiteAudit::finish`] sorts
//! pages, forms and evidence, so two scans of an unchanged site give the same report. With a
//! baseline ([`SiteAudit::with_baseline`]), evidence from pages where the baseline had no
//! finding about the service or host comes first, so a new finding points at its new page.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use url::Url;

use crate::classify::Classified;
use crate::lists::platforms::PlatformIdx;
use crate::lists::{ExternalMatch, Lists, ServiceIdx};
use crate::observe::browser::{
    BlockedCookie, BrowserCookie, MAX_NAME_BYTES, RenderedPage, StorageItem, cookie_url,
};
use crate::observe::{EvidenceKind, Form, PageObservations};
use crate::report::model::{
    BlockedAction, BlockedCookieReport, ConsentChoice, CookieReport, Evidence, ListMatch, Page,
    PageBrowser, Party, StorageKind, StorageReport,
};
use crate::report::model::{Site, page_path};
use crate::scope::{SiteScope, normalize_host, registrable_domain};
use crate::vocab::{ConsentState, SeenBy};

/// Evidence items kept per service and per host (per consent state); the rest are counted.
const EVIDENCE_PER_SERVICE: usize = 20;
const EVIDENCE_PER_HOST: usize = 5;
/// Cookies, storage keys and refused cookies recorded per site at most, each.
pub const MAX_COOKIES: usize = 1000;
/// Third-party hosts recorded per site at most; later ones are counted. A large university site
/// has a few hundred; each host costs a report entry and, unknown, a finding.
pub const MAX_THIRD_PARTIES: usize = 1000;
/// Distinct cookies, storage keys and refused cookies left out that a site counts at most, each.
const MAX_LEFT_OUT_COUNTED: usize = 100_000;
/// The lists of what the browser stores, as indexes of `SiteAudit::stored_left_out`.
const STORAGE: usize = 0;
const BLOCKED: usize = 1;
const COOKIES: usize = 2;

pub type PageUrl = Arc<str>;

#[derive(Debug, Default)]
pub struct ServiceFacts {
    pub hosts: BTreeSet<String>,
    pub tracking_ids: BTreeSet<String>,
    pub pages: BTreeSet<PageUrl>,
    pub evidence: Vec<Evidence>,
    pub more_evidence: usize,
    /// Services whose requests this one's scripts caused (browser engine): what a tag manager
    /// loaded.
    pub loaded: BTreeSet<ServiceIdx>,
    /// The consent states in which the browser saw the service (a request or a cookie).
    pub consent: BTreeSet<ConsentState>,
}

/// A service found by an external list: what the list said (at its first match) and the facts.
#[derive(Debug)]
pub struct ExternalFacts {
    pub info: ExternalMatch,
    pub facts: ServiceFacts,
}

#[derive(Debug, Default)]
pub struct HostFacts {
    pub domain: String,
    pub service: Option<ServiceIdx>,
    /// The id of the external list's service that claims the host, when no curated one does.
    pub external: Option<String>,
    pub pages: BTreeSet<PageUrl>,
    /// Pages where this host serves a 1×1 image.
    pub pixel_pages: BTreeSet<PageUrl>,
    pub evidence: Vec<Evidence>,
}

/// Links to accounts on one social platform.
#[derive(Debug, Default)]
pub struct SocialFacts {
    /// Account URL → the pages that link it.
    pub accounts: BTreeMap<String, BTreeSet<PageUrl>>,
}

/// A form that posts to another organisation, or over plain http.
#[derive(Debug, Clone)]
pub struct FormFact {
    pub page: PageUrl,
    pub action: String,
    pub host: String,
    pub service: Option<ServiceIdx>,
    pub snippet: String,
}

/// Everything the rules look at for one site.
#[derive(Debug, Default)]
pub struct SiteFacts {
    pub pages: Vec<Page>,
    pub services: BTreeMap<ServiceIdx, ServiceFacts>,
    /// Services of external lists, by their derived id.
    pub external: BTreeMap<String, ExternalFacts>,
    /// Third-party hosts only, at most [`MAX_THIRD_PARTIES`].
    pub hosts: BTreeMap<String, HostFacts>,
    /// Distinct third-party hosts left out by [`MAX_THIRD_PARTIES`].
    pub third_parties_left_out: usize,
    pub forms_to_third_party: Vec<FormFact>,
    /// Pages, forms and resources over plain http, as evidence.
    pub insecure: Vec<Evidence>,
    /// Pages with a form asking for personal data and no link to the privacy statement.
    pub forms_without_privacy_link: Vec<(PageUrl, String)>,
    pub any_privacy_link: bool,
    /// The privacy and cookie statements read after the crawl (see [`crate::statement`]).
    pub statements: Vec<crate::statement::Statement>,
    /// What the statements name, once read (see [`crate::policy::disclosure::evaluate`]).
    pub disclosure: Option<crate::report::model::Statements>,
    /// Accounts on social platforms the pages link: per platform, the accounts and the pages.
    pub social: BTreeMap<PlatformIdx, SocialFacts>,
    /// The site runs on loopback (a served folder or test server): transport rules do not apply.
    pub loopback: bool,
    /// Cookies present after page loads in the browser, one per name, domain and path.
    pub cookies: Vec<CookieReport>,
    /// The service (catalogue index) of each entry of `cookies`, when known.
    pub cookie_services: Vec<Option<ServiceIdx>>,
    /// Keys written to web storage, one per origin, kind and key.
    pub storage: Vec<StorageReport>,
    /// Cookies the browser refused, one per name, domain, action and reasons.
    pub blocked_cookies: Vec<BlockedCookieReport>,
    /// Consent management platforms whose script or request was seen, by their index in
    /// [`crate::lists::Catalogue::cmps`].
    pub cmp_platforms: BTreeSet<usize>,
    /// The consent choices made on the start page's banner (`--consent`).
    pub consent_choices: Vec<ConsentChoice>,
    /// The pages loaded in the `accept` and `reject` states (`--consent all`).
    pub consent_sample: Vec<String>,
    /// Pages loaded in the browser, and the requests they made.
    pub browser_pages: usize,
    pub browser_requests: usize,
    /// What the browser saw and the caps left out of `cookies`, `storage` and
    /// `blocked_cookies`, and the names and keys shortened in them; filled in by `finish`.
    pub stored_left_out: StoredLeftOut,
}

/// Cookies, storage keys and refused cookies the browser saw that are not in the report (the
/// caps of 500 a page and [`MAX_COOKIES`] a site), each counted once; and the cookie names and
/// storage keys longer than [`MAX_NAME_BYTES`], shortened in it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct StoredLeftOut {
    pub cookies: usize,
    pub storage: usize,
    pub blocked_cookies: usize,
    pub shortened: usize,
}

impl SiteFacts {
    /// Whether a catalogue service is self-hostable software seen only on the site itself (no
    /// third-party host): nothing leaves the institution.
    pub fn self_hosted(&self, idx: ServiceIdx, lists: &Lists) -> bool {
        let service = &lists.catalogue.services[idx];
        !service.self_hosted_paths.is_empty()
            && !self
                .services
                .get(&idx)
                .is_some_and(|f| f.hosts.iter().any(|h| self.hosts.contains_key(h)))
    }

    /// Pages that were fetched and answered with a success status.
    pub fn scanned_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.scanned()).count()
    }

    /// Name the page `old` (as shown) `new` in every fact that refers to it.
    fn rename_page(&mut self, old: &str, new: &str) {
        let new_url: PageUrl = Arc::from(new);
        let rename_set = |pages: &mut BTreeSet<PageUrl>| {
            if pages.remove(old) {
                pages.insert(new_url.clone());
            }
        };
        let rename_evidence = |evidence: &mut Vec<Evidence>| {
            for item in evidence.iter_mut().filter(|e| e.page == old) {
                item.page = new.to_owned();
            }
        };
        let services = self
            .services
            .values_mut()
            .chain(self.external.values_mut().map(|e| &mut e.facts));
        for service in services {
            rename_set(&mut service.pages);
            rename_evidence(&mut service.evidence);
        }
        for host in self.hosts.values_mut() {
            rename_set(&mut host.pages);
            rename_set(&mut host.pixel_pages);
            rename_evidence(&mut host.evidence);
        }
        rename_evidence(&mut self.insecure);
        for form in self
            .forms_to_third_party
            .iter_mut()
            .filter(|f| &*f.page == old)
        {
            form.page = new_url.clone();
        }
        for social in self.social.values_mut() {
            for pages in social.accounts.values_mut() {
                rename_set(pages);
            }
        }
        for (page, _) in self
            .forms_without_privacy_link
            .iter_mut()
            .filter(|(p, _)| &**p == old)
        {
            *page = new_url.clone();
        }
        for cookie in self.cookies.iter_mut().filter(|c| c.page == old) {
            cookie.page = new.to_owned();
        }
        for item in self.storage.iter_mut().filter(|s| s.page == old) {
            item.page = new.to_owned();
        }
        for blocked in self.blocked_cookies.iter_mut().filter(|b| b.page == old) {
            blocked.page = new.to_owned();
        }
    }
}

/// Builds [`SiteFacts`] page by page.
pub struct SiteAudit<'l> {
    lists: &'l Lists,
    scope: SiteScope,
    /// For a served folder, pages are shown by their path, not by the ephemeral loopback port.
    origin_to_strip: Option<String>,
    facts: SiteFacts,
    /// Evidence already recorded on the page being added: (service or host, kind, url, id).
    seen_on_page: HashSet<(String, EvidenceKind, Option<String>, Option<String>)>,
    /// Hashes of the hosts left out by [`MAX_THIRD_PARTIES`], so each is counted once (8 bytes
    /// a host, not the host's text).
    hosts_left_out: HashSet<u64>,
    /// The identities ([`StorageItem::identity`], [`BlockedCookie::identity`], or a cookie's
    /// name, domain and path hashed) of what was left out of the site's lists, and of what is
    /// in them: a key one page left out and another kept is not counted.
    stored_left_out: [HashSet<u64>; 3],
    stored_kept: [HashSet<u64>; 2],
    /// The most keys an end-of-page read did not return from one storage.
    storage_unread: usize,
    /// Links to privacy and cookie statements, counted by the pages that link them.
    statement_links: crate::statement::Candidates,
    /// The page (as shown) first seen with each content hash.
    by_content: HashMap<u64, PageUrl>,
    /// Pages (as shown) whose content equals an earlier page's, and that page.
    alias_of: HashMap<PageUrl, PageUrl>,
    /// With a baseline: per service id or host, the pages ([`page_path`]) on which the
    /// baseline had a finding about it.
    known: Option<KnownPages>,
}

/// Per service id or host, pages (by [`page_path`]) on which an earlier report had a finding
/// about it.
type KnownPages = HashMap<String, HashSet<String>>;

/// The order of evidence about one service or host: with a baseline (`known`: the pages the
/// baseline had it on), evidence from the other pages first; then [`evidence_order`].
fn new_pages_first(known: Option<&HashSet<String>>) -> impl Fn(&Evidence, &Evidence) -> Ordering {
    move |a, b| {
        let old = |e: &Evidence| known.is_some_and(|k| k.contains(&page_path(&e.page)));
        old(a).cmp(&old(b)).then_with(|| evidence_order(a, b))
    }
}

/// The order of evidence in a report and the choice under a cap: by page, then kind (a
/// `script-src` before the inline code that calls it), URL, tracking id, snippet and consent
/// state.
pub fn evidence_order(a: &Evidence, b: &Evidence) -> Ordering {
    (
        &a.page,
        a.kind,
        &a.url,
        &a.tracking_id,
        &a.snippet,
        a.consent,
    )
        .cmp(&(
            &b.page,
            b.kind,
            &b.url,
            &b.tracking_id,
            &b.snippet,
            b.consent,
        ))
}

/// Keep at most `cap` items per consent state, the first in `order` of all offered in that
/// state; `false` when one item (the offered one or another) was left out. Per state, so that
/// with `--consent all` what the crawl saw with no choice cannot crowd out the evidence of the
/// sample loaded after "reject".
fn push_capped(
    list: &mut Vec<Evidence>,
    cap: usize,
    evidence: Evidence,
    order: impl Fn(&Evidence, &Evidence) -> Ordering,
) -> bool {
    let same_state = || {
        list.iter()
            .enumerate()
            .filter(|(_, e)| e.consent == evidence.consent)
    };
    if same_state().count() < cap {
        list.push(evidence);
        return true;
    }
    let last = same_state()
        .max_by(|(_, a), (_, b)| order(a, b))
        .map(|(i, _)| i);
    if let Some(i) = last {
        if order(&evidence, &list[i]) == Ordering::Less {
            list[i] = evidence;
        }
    }
    false
}

impl<'l> SiteAudit<'l> {
    pub fn new(lists: &'l Lists, scope: SiteScope, origin_to_strip: Option<String>) -> Self {
        let loopback = scope.is_loopback();
        SiteAudit {
            lists,
            scope,
            origin_to_strip,
            facts: SiteFacts {
                loopback,
                ..SiteFacts::default()
            },
            seen_on_page: HashSet::new(),
            hosts_left_out: HashSet::new(),
            stored_left_out: Default::default(),
            stored_kept: Default::default(),
            storage_unread: 0,
            statement_links: crate::statement::Candidates::default(),
            by_content: HashMap::new(),
            alias_of: HashMap::new(),
            known: None,
        }
    }

    /// Compare with an earlier scan of the site: evidence from pages where `old` had no finding
    /// about the service or host is kept and shown first.
    pub fn with_baseline(mut self, old: Option<&Site>) -> Self {
        self.known = old.map(|site| {
            let mut known = KnownPages::new();
            for finding in &site.findings {
                if let Some(subject) = finding.service.as_ref().or(finding.host.as_ref()) {
                    let pages = known.entry(subject.clone()).or_default();
                    pages.extend(finding.pages.iter().map(|p| page_path(p)));
                }
            }
            known
        });
        self
    }

    /// The evidence order for a service (by id) or host.
    fn order_for<'a>(
        known: &'a Option<KnownPages>,
        subject: &str,
    ) -> impl Fn(&Evidence, &Evidence) -> Ordering + 'a {
        new_pages_first(known.as_ref().and_then(|k| k.get(subject)))
    }

    /// How a URL is shown in the report.
    pub fn display(&self, url: &Url) -> String {
        let text = url.as_str();
        match &self.origin_to_strip {
            Some(origin) if text.starts_with(origin.as_str()) => {
                let rest = &text[origin.len()..];
                if rest.is_empty() {
                    "/".into()
                } else {
                    rest.into()
                }
            }
            _ => text.to_owned(),
        }
    }

    /// Record a page: its fetch result and, for an HTML page, what was observed on it and the
    /// hash of its content. A page with the content of an earlier one is recorded as that
    /// page's alias and adds nothing else: `false`.
    pub fn add_page(
        &mut self,
        page_url: &Url,
        mut page: Page,
        observed: Option<(PageObservations, Vec<Classified>)>,
        content_hash: Option<u64>,
    ) -> bool {
        page.url = self.display(page_url);
        for redirect in &mut page.redirects {
            for end in [&mut redirect.from, &mut redirect.to] {
                if let Ok(url) = Url::parse(end) {
                    *end = self.display(&url);
                }
            }
        }
        let shown: PageUrl = Arc::from(page.url.as_str());
        if let Some(hash) = content_hash {
            if let Some(first) = self.by_content.get(&hash).cloned() {
                if let Some(same) = self.facts.pages.iter_mut().find(|p| *p.url == *first) {
                    same.aliases.push(page.url);
                    same.depth = same.depth.min(page.depth);
                }
                self.alias_of.insert(shown, first);
                return false;
            }
            self.by_content.insert(hash, shown.clone());
        }
        self.seen_on_page.clear();
        if page_url.scheme() == "http" && !self.facts.loopback && page.status.is_some() {
            self.facts.insecure.push(Evidence {
                page: shown.to_string(),
                kind: EvidenceKind::Other,
                url: Some(page_url.to_string()),
                snippet: "page served over http".into(),
                tracking_id: None,
                consent_gated: false,
                list_match: None,
                seen_by: SeenBy::Static,
                initiator: Vec::new(),
                consent: None,
            });
        }
        if let Some((observations, classified)) = observed {
            page.observations_left_out = observations.observations_left_out;
            if page.title.is_none() {
                page.title = observations.title.clone();
            }
            let privacy_link = self.links_privacy_statement(&observations.privacy_links);
            self.facts.any_privacy_link |= privacy_link;
            self.add_statement_links(&observations);
            for (platform, account) in &observations.social_accounts {
                let social = self.facts.social.entry(*platform).or_default();
                social
                    .accounts
                    .entry(account.clone())
                    .or_default()
                    .insert(shown.clone());
            }
            for form in &observations.forms {
                self.add_form(&shown, form, privacy_link);
            }
            if let Some(rendered) = &observations.browser {
                self.add_rendered(&shown, &mut page, rendered);
            }
            self.add_classified(&shown, page_url, classified);
        }
        self.facts.pages.push(page);
        true
    }

    /// The pages `--consent all` loaded in the `accept` and `reject` states.
    pub fn set_consent_sample(&mut self, sample: &[Url]) {
        self.facts.consent_sample = sample.iter().map(|u| self.display(u)).collect();
    }

    /// Record a consent choice made on the start page's banner; its platform counts as
    /// detected.
    pub fn add_consent_choice(&mut self, choice: ConsentChoice) {
        let cmps = &self.lists.catalogue.cmps;
        if let Some(i) = choice
            .platform
            .as_ref()
            .and_then(|id| cmps.iter().position(|r| &r.id == id))
        {
            self.facts.cmp_platforms.insert(i);
        }
        self.facts.consent_choices.push(choice);
    }

    /// Record what a page loads through a subresource read after the page (a same-site
    /// stylesheet's `@import`s and `url()`s), as if it were observed on the page itself.
    pub fn add_loaded(&mut self, page_url: &Url, classified: Vec<Classified>) {
        let shown: PageUrl = Arc::from(self.display(page_url).as_str());
        let shown = self.alias_of.get(&shown).cloned().unwrap_or(shown);
        self.seen_on_page.clear();
        self.add_classified(&shown, page_url, classified);
    }

    fn add_classified(&mut self, shown: &PageUrl, page_url: &Url, classified: Vec<Classified>) {
        let mut hosts_on_page = BTreeSet::new();
        for c in classified {
            if c.third_party {
                if let Some(host) = &c.host {
                    hosts_on_page.insert(host.clone());
                }
            }
            self.add_observation(shown, page_url, c);
        }
        for host in hosts_on_page {
            if let Some(facts) = self.facts.hosts.get_mut(&host) {
                facts.pages.insert(shown.clone());
            }
        }
    }

    fn add_observation(&mut self, page: &PageUrl, page_url: &Url, c: Classified) {
        let o = &c.observation;
        if let Some(url) = o
            .url
            .as_ref()
            .filter(|_| o.kind != EvidenceKind::FormAction)
        {
            let cmps = &self.lists.catalogue.cmps;
            if let Some(i) = cmps.iter().position(|rule| rule.loads_from(url)) {
                self.facts.cmp_platforms.insert(i);
            }
        }
        let evidence = Evidence {
            page: page.to_string(),
            kind: o.kind,
            url: o.url.as_ref().map(|u| self.display(u)),
            snippet: o.snippet.clone(),
            tracking_id: c.tracking_id.clone(),
            consent_gated: o.consent_gated,
            list_match: c.external.as_ref().map(|m| ListMatch {
                list: m.list.to_string(),
                rule: m.rule.clone(),
            }),
            seen_by: o.seen_by(),
            initiator: o
                .browser
                .as_ref()
                .map(|b| b.initiators.clone())
                .unwrap_or_default(),
            consent: o.browser.as_ref().and_then(|b| b.consent),
        };
        let is_request = o.kind != EvidenceKind::FormAction;
        if is_request && self.mixed_content(page_url, o.url.as_ref()) {
            self.facts.insecure.push(Evidence {
                snippet: format!("http resource on an https page: {}", o.snippet),
                ..evidence.clone()
            });
        }
        // A form's receiver is a third party too: it gets what the visitor types.
        let known = c.service.is_some() || c.external.is_some();
        let host_recorded =
            !c.third_party || c.host.as_ref().is_none_or(|h| self.record_host(h, known));
        if c.third_party && host_recorded {
            if let Some(host) = &c.host {
                let facts = self.facts.hosts.entry(host.clone()).or_default();
                if facts.domain.is_empty() {
                    facts.domain = c.domain.clone().unwrap_or_else(|| registrable_domain(host));
                }
                facts.service = facts.service.or(c.service);
                if facts.external.is_none() {
                    facts.external = c.external.as_ref().map(|m| m.id.clone());
                }
                if o.pixel && o.kind == EvidenceKind::Img {
                    facts.pixel_pages.insert(page.clone());
                }
                let order = Self::order_for(&self.known, host);
                push_capped(
                    &mut facts.evidence,
                    EVIDENCE_PER_HOST,
                    evidence.clone(),
                    order,
                );
            }
        }
        // A form's action is judged by the form rules; it is not a request on page load.
        if !is_request && !c.third_party {
            return;
        }
        if let (Some(service), Some(seen)) = (c.service, &o.browser) {
            for loader in self.loaders_of(service, &seen.initiators) {
                self.facts
                    .services
                    .entry(loader)
                    .or_default()
                    .loaded
                    .insert(service);
            }
        }
        let owner = match (c.service, &c.external) {
            (Some(service), _) => service.to_string(),
            (None, Some(info)) => info.id.clone(),
            (None, None) => return,
        };
        let first_on_page = self.seen_on_page.insert((
            owner,
            evidence.kind,
            evidence.url.clone(),
            evidence.tracking_id.clone(),
        ));
        let subject = match (c.service, &c.external) {
            (Some(service), _) => self.lists.catalogue.services[service].id.as_str(),
            (None, Some(info)) => info.id.as_str(),
            (None, None) => return,
        };
        let order = Self::order_for(&self.known, subject);
        let facts = match (c.service, c.external) {
            (Some(service), _) => self.facts.services.entry(service).or_default(),
            (None, Some(info)) => {
                &mut self
                    .facts
                    .external
                    .entry(info.id.clone())
                    .or_insert_with(|| ExternalFacts {
                        info,
                        facts: ServiceFacts::default(),
                    })
                    .facts
            }
            (None, None) => return,
        };
        if let (Some(host), true) = (&c.host, host_recorded) {
            facts.hosts.insert(host.clone());
        }
        if let Some(id) = &c.tracking_id {
            facts.tracking_ids.insert(id.clone());
        }
        facts.pages.insert(page.clone());
        facts.consent.extend(evidence.consent);
        // Pages arrive once each (and their stylesheets once after), so a duplicate can only be
        // on the same page.
        if first_on_page && !push_capped(&mut facts.evidence, EVIDENCE_PER_SERVICE, evidence, order)
        {
            facts.more_evidence += 1;
        }
    }

    /// Whether a third-party host is (or may now be) recorded. A host of a known service
    /// (`known`: catalogue or external list) always is: the cap must not hide a tracker behind
    /// junk hosts. Of the unknown hosts, the site keeps the alphabetically first ones up to
    /// [`MAX_THIRD_PARTIES`] in all, whatever order the crawl met them in, so two scans of the same
    /// site keep the same hosts; the others are counted as left out.
    fn record_host(&mut self, host: &str, known: bool) -> bool {
        if self.facts.hosts.len() < MAX_THIRD_PARTIES || self.facts.hosts.contains_key(host) {
            return true;
        }
        // The last unknown host in order makes way for a known one or one that sorts before it.
        let last_unknown = self
            .facts
            .hosts
            .iter()
            .rev()
            .find(|(_, f)| f.service.is_none() && f.external.is_none())
            .map(|(h, _)| h.clone());
        match last_unknown {
            Some(last) if known || host < last.as_str() => {
                self.facts.hosts.remove(&last);
                self.count_left_out(&last);
                true
            }
            _ if known => true,
            _ => {
                self.count_left_out(host);
                false
            }
        }
    }

    /// Count a distinct host left out by [`MAX_THIRD_PARTIES`].
    fn count_left_out(&mut self, host: &str) {
        let mut hasher = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(host, &mut hasher);
        if self
            .hosts_left_out
            .insert(std::hash::Hasher::finish(&hasher))
        {
            self.facts.third_parties_left_out += 1;
        }
    }

    /// The browser's account of a page: its outcome, and the cookies present after it.
    fn add_rendered(&mut self, page_url: &PageUrl, page: &mut Page, rendered: &RenderedPage) {
        if page.title.is_none() {
            page.title = rendered.title.clone();
        }
        page.browser = Some(PageBrowser {
            final_url: rendered.final_url.as_ref().map(|u| self.display(u)),
            requests: rendered.requests.len(),
            error: rendered.error.clone(),
        });
        self.add_stored(page_url, rendered);
    }

    /// What a page load left in the browser: cookies, storage keys, refused cookies.
    fn add_stored(&mut self, page_url: &PageUrl, rendered: &RenderedPage) {
        self.facts.browser_pages += 1;
        self.facts.browser_requests += rendered.requests.len();
        for cookie in &rendered.cookies {
            self.add_cookie(page_url, cookie, rendered.consent);
        }
        for item in &rendered.storage {
            self.add_storage(page_url, item);
        }
        for blocked in &rendered.blocked_cookies {
            self.add_blocked_cookie(page_url, blocked);
        }
        let left_out = &rendered.left_out;
        self.left_out(STORAGE, left_out.storage.iter().copied());
        self.left_out(BLOCKED, left_out.blocked_cookies.iter().copied());
        self.storage_unread = self.storage_unread.max(left_out.storage_unread);
    }

    /// Count identities left out of a list (`STORAGE`, `BLOCKED`, `COOKIES`), each once.
    fn left_out(&mut self, list: usize, identities: impl Iterator<Item = u64>) {
        let set = &mut self.stored_left_out[list];
        for identity in identities {
            if set.len() >= MAX_LEFT_OUT_COUNTED {
                break;
            }
            set.insert(identity);
        }
    }

    /// A name or key as the report shows it: shortened past [`MAX_NAME_BYTES`] (counted).
    fn shown_name(&mut self, name: &str) -> String {
        let shown = crate::observe::shorten(name, MAX_NAME_BYTES);
        if shown != name.trim() {
            self.facts.stored_left_out.shortened += 1;
        }
        shown
    }

    /// A page of the site loaded again in another consent state (`--consent all`): its
    /// requests and what it stored, each marked with that state; the page itself is listed
    /// once, from the crawl.
    pub fn add_state_page(
        &mut self,
        page_url: &Url,
        rendered: &RenderedPage,
        classified: Vec<Classified>,
    ) {
        let shown: PageUrl = Arc::from(self.display(page_url).as_str());
        let shown = self.alias_of.get(&shown).cloned().unwrap_or(shown);
        self.seen_on_page.clear();
        self.add_stored(&shown, rendered);
        self.add_classified(&shown, page_url, classified);
    }

    /// Party and service of something a browser stores for `host` (a cookie's domain, a
    /// storage origin's host), named `name`: a third party's by its host, else by the
    /// catalogue's cookie names.
    fn party_and_service(&self, host: &str, path: &str, name: &str) -> (Party, Option<ServiceIdx>) {
        let host = host.trim_start_matches('.').to_ascii_lowercase();
        let third_party = cookie_url(&host, path).is_some_and(|u| !self.scope.is_first_party(&u));
        let by_host = third_party
            .then(|| self.lists.matcher.service_for(&host, path))
            .flatten();
        let service = by_host.or_else(|| self.lists.catalogue.service_for_cookie(name));
        let party = if third_party {
            Party::Third
        } else {
            Party::First
        };
        (party, service)
    }

    fn add_storage(&mut self, page: &PageUrl, item: &StorageItem) {
        let kind = if item.local {
            StorageKind::Local
        } else {
            StorageKind::Session
        };
        let key = crate::observe::shorten(&item.key, MAX_NAME_BYTES);
        let storage = &self.facts.storage;
        let known = storage
            .iter()
            .any(|s| s.origin == item.origin && s.kind == kind && s.key == key);
        if known {
            return;
        }
        if storage.len() >= MAX_COOKIES {
            self.left_out(STORAGE, std::iter::once(item.identity()));
            return;
        }
        self.stored_kept[STORAGE].insert(item.identity());
        let key = self.shown_name(&item.key);
        let host = Url::parse(&item.origin)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let (party, service) = self.party_and_service(&host, "/", &item.key);
        self.facts.storage.push(StorageReport {
            origin: item.origin.clone(),
            kind,
            key,
            party,
            service: service.map(|s| self.lists.catalogue.services[s].id.clone()),
            page: page.to_string(),
        });
    }

    fn add_blocked_cookie(&mut self, page: &PageUrl, blocked: &BlockedCookie) {
        let url = blocked.url.as_deref().and_then(|u| Url::parse(u).ok());
        let domain = blocked
            .domain
            .clone()
            .or_else(|| url.as_ref().and_then(|u| u.host_str().map(str::to_owned)))
            .unwrap_or_default();
        let action = if blocked.set {
            BlockedAction::Set
        } else {
            BlockedAction::Send
        };
        let name = crate::observe::shorten(&blocked.name, MAX_NAME_BYTES);
        let list = &self.facts.blocked_cookies;
        let known = list.iter().any(|b| {
            b.name == name
                && b.domain == domain
                && b.action == action
                && b.reasons == blocked.reasons
        });
        if known {
            return;
        }
        if list.len() >= MAX_COOKIES {
            self.left_out(BLOCKED, std::iter::once(blocked.identity()));
            return;
        }
        self.stored_kept[BLOCKED].insert(blocked.identity());
        let (party, service) = self.party_and_service(&domain, "/", &blocked.name);
        self.facts.blocked_cookies.push(BlockedCookieReport {
            name,
            domain,
            action,
            reasons: blocked.reasons.clone(),
            url: blocked
                .url
                .as_ref()
                .map(|u| crate::observe::shorten(u, 400)),
            party,
            service: service.map(|s| self.lists.catalogue.services[s].id.clone()),
            page: page.to_string(),
        });
    }

    /// Record a cookie present after a page load in consent state `state`; a cookie known
    /// already gains the state.
    fn add_cookie(&mut self, page: &PageUrl, cookie: &BrowserCookie, state: Option<ConsentState>) {
        // The report holds names as shown (shortened past MAX_NAME_BYTES): a long name is
        // matched by what it shows, or every page that reads it would list it again.
        let shown = crate::observe::shorten(&cookie.name, MAX_NAME_BYTES);
        let known =
            self.facts.cookies.iter().position(|c| {
                c.name == shown && c.domain == cookie.domain && c.path == cookie.path
            });
        if let Some(i) = known {
            self.credit_setter(i, page, cookie, state);
            let states = &mut self.facts.cookies[i].consent;
            if let Some(state) = state.filter(|s| !states.contains(s)) {
                states.push(state);
                states.sort();
                if let Some(service) = self.facts.cookie_services[i] {
                    self.facts
                        .services
                        .entry(service)
                        .or_default()
                        .consent
                        .insert(state);
                }
            }
            return;
        }
        if self.facts.cookies.len() >= MAX_COOKIES {
            let identity = (&cookie.name, &cookie.domain, &cookie.path);
            self.left_out(
                COOKIES,
                std::iter::once(crate::observe::browser::hash(&identity)),
            );
            return;
        }
        let (party, service) = self.party_and_service(&cookie.domain, &cookie.path, &cookie.name);
        let services = &self.lists.catalogue.services;
        let tracking =
            party == Party::Third || service.is_some_and(|s| !services[s].privacy_friendly);
        let expires_days = cookie.expires.map(|at| {
            let now = time::OffsetDateTime::now_utc().unix_timestamp() as f64;
            ((at - now) / 86_400.0).ceil().max(0.0) as u64
        });
        let name = self.shown_name(&cookie.name);
        let report = CookieReport {
            name,
            domain: cookie.domain.clone(),
            path: cookie.path.clone(),
            expires_days,
            secure: cookie.secure,
            http_only: cookie.http_only,
            same_site: cookie.same_site.clone(),
            party,
            service: service.map(|s| services[s].id.clone()),
            tracking,
            page: page.to_string(),
            set_by: cookie
                .set_by
                .as_deref()
                .map(|u| crate::observe::shorten(u, 400)),
            consent: state.into_iter().collect(),
        };
        if let Some(service) = service {
            let order = Self::order_for(&self.known, &services[service].id);
            let facts = self.facts.services.entry(service).or_default();
            facts.pages.insert(page.clone());
            facts.consent.extend(state);
            if !push_capped(
                &mut facts.evidence,
                EVIDENCE_PER_SERVICE,
                cookie_evidence(&report),
                order,
            ) {
                facts.more_evidence += 1;
            }
        }
        self.facts.cookies.push(report);
        self.facts.cookie_services.push(service);
    }

    /// A cookie first found after a page that did not set it (a page loading beside its setter
    /// in another tab read the shared profile first) goes to the page that did, once that
    /// page's record comes in the same consent state; its evidence follows.
    fn credit_setter(
        &mut self,
        i: usize,
        page: &PageUrl,
        cookie: &BrowserCookie,
        state: Option<ConsentState>,
    ) {
        let report = &self.facts.cookies[i];
        let same_state = report.consent.iter().copied().eq(state);
        if cookie.set_by.is_none() || report.set_by.is_some() || !same_state {
            return;
        }
        let before = cookie_evidence(report);
        let report = &mut self.facts.cookies[i];
        report.page = page.to_string();
        report.set_by = cookie
            .set_by
            .as_deref()
            .map(|u| crate::observe::shorten(u, 400));
        let after = cookie_evidence(report);
        if let Some(service) = self.facts.cookie_services[i] {
            let facts = self.facts.services.entry(service).or_default();
            facts.pages.insert(page.clone());
            if let Some(evidence) = facts.evidence.iter_mut().find(|e| **e == before) {
                *evidence = after;
            }
        }
    }

    /// The other services whose scripts are in a request's initiator chain.
    fn loaders_of(&self, service: ServiceIdx, initiators: &[String]) -> Vec<ServiceIdx> {
        initiators
            .iter()
            .filter_map(|u| Url::parse(u).ok())
            .filter(|u| !self.scope.is_first_party(u))
            .filter_map(|u| {
                let host = u.host_str()?.to_ascii_lowercase();
                self.lists.matcher.service_for(&host, u.path())
            })
            .filter(|&loader| loader != service)
            .collect()
    }

    fn add_form(&mut self, page: &PageUrl, form: &Form, privacy_link: bool) {
        let host = normalize_host(form.action.host_str().unwrap_or_default());
        if form.personal_data && !privacy_link {
            self.facts
                .forms_without_privacy_link
                .push((page.clone(), form.snippet.clone()));
        }
        if !self.scope.is_first_party(&form.action) {
            self.facts.forms_to_third_party.push(FormFact {
                page: page.clone(),
                action: form.action.to_string(),
                service: self.lists.matcher.service_for(&host, form.action.path()),
                host,
                snippet: form.snippet.clone(),
            });
        }
        // Posting over http to another machine is readable on the way, wherever the page is.
        let action_is_remote = !SiteScope::for_url(&form.action).is_loopback();
        if form.action.scheme() == "http" && action_is_remote {
            self.facts.insecure.push(Evidence {
                page: page.to_string(),
                kind: EvidenceKind::FormAction,
                url: Some(form.action.to_string()),
                snippet: format!("form posts over http: {}", form.snippet),
                tracking_id: None,
                consent_gated: false,
                list_match: None,
                seen_by: SeenBy::Static,
                initiator: Vec::new(),
                consent: None,
            });
        }
    }

    /// A privacy link counts when it stays with the institution, or leads to a host that is no
    /// known service (a school board's own site); a vendor's privacy policy (Google's, next to a
    /// reCAPTCHA) is not the institution's statement.
    fn links_privacy_statement(&self, links: &[Url]) -> bool {
        links.iter().any(|link| self.is_institution_statement(link))
    }

    fn is_institution_statement(&self, link: &Url) -> bool {
        matches!(link.scheme(), "http" | "https")
            && (self.scope.is_first_party(link)
                || self
                    .lists
                    .matcher
                    .service_for(
                        &normalize_host(link.host_str().unwrap_or_default()),
                        link.path(),
                    )
                    .is_none())
    }

    /// Count the page's links to the institution's privacy and cookie statements.
    fn add_statement_links(&mut self, observations: &PageObservations) {
        use crate::report::model::StatementKind;
        let links = observations
            .privacy_links
            .iter()
            .map(|l| (l, StatementKind::Privacy))
            .chain(
                observations
                    .cookie_links
                    .iter()
                    .map(|l| (l, StatementKind::Cookie)),
            );
        for (link, kind) in links {
            if self.is_institution_statement(link) {
                self.statement_links.add(link, kind);
            }
        }
    }

    /// The links to statements counted so far, to read after the crawl.
    pub fn statement_links(&self) -> &crate::statement::Candidates {
        &self.statement_links
    }

    fn mixed_content(&self, page_url: &Url, url: Option<&Url>) -> bool {
        page_url.scheme() == "https" && url.is_some_and(|u| u.scheme() == "http")
    }

    /// The facts, in an order that does not depend on the order pages arrived in.
    pub fn finish(mut self) -> SiteFacts {
        // Which of identical pages arrived first depends on timing: the page is named by the
        // shortest of its URLs (`/` before `/index.html`), whatever the order.
        let mut renames = Vec::new();
        for page in &mut self.facts.pages {
            if page.aliases.is_empty() {
                continue;
            }
            page.aliases.push(std::mem::take(&mut page.url));
            page.aliases.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
            page.url = page.aliases.remove(0);
            page.aliases.sort();
            if let Some(old) = page
                .aliases
                .iter()
                .find(|a| !self.alias_of.contains_key(a.as_str()))
            {
                renames.push((old.clone(), page.url.clone()));
            }
        }
        for (old, new) in renames {
            self.facts.rename_page(&old, &new);
        }
        let facts = &mut self.facts;
        facts.pages.sort_by(|a, b| a.url.cmp(&b.url));
        let catalogue = &self.lists.catalogue;
        let all_services = (facts.services.iter_mut())
            .map(|(&i, f)| (catalogue.services[i].id.as_str(), f))
            .chain((facts.external.iter_mut()).map(|(id, e)| (id.as_str(), &mut e.facts)));
        for (id, service) in all_services {
            service.evidence.sort_by(Self::order_for(&self.known, id));
        }
        for (host, facts) in facts.hosts.iter_mut() {
            facts.evidence.sort_by(Self::order_for(&self.known, host));
        }
        facts.insecure.sort_by(evidence_order);
        facts.forms_to_third_party.sort_by(|a, b| {
            (&a.page, &a.action, &a.snippet).cmp(&(&b.page, &b.action, &b.snippet))
        });
        facts.forms_without_privacy_link.sort();
        let mut cookies: Vec<(CookieReport, Option<ServiceIdx>)> =
            std::mem::take(&mut facts.cookies)
                .into_iter()
                .zip(std::mem::take(&mut facts.cookie_services))
                .collect();
        cookies.sort_by(|(a, _), (b, _)| {
            (&a.name, &a.domain, &a.path).cmp(&(&b.name, &b.domain, &b.path))
        });
        (facts.cookies, facts.cookie_services) = cookies.into_iter().unzip();
        facts
            .storage
            .sort_by(|a, b| (&a.origin, a.kind, &a.key).cmp(&(&b.origin, b.kind, &b.key)));
        facts.blocked_cookies.sort_by(|a, b| {
            (&a.name, &a.domain, a.action, &a.reasons)
                .cmp(&(&b.name, &b.domain, b.action, &b.reasons))
        });
        let [storage, blocked, cookies] = &self.stored_left_out;
        let not_kept = |set: &HashSet<u64>, kept: &HashSet<u64>| set.difference(kept).count();
        let left_out = &mut facts.stored_left_out;
        // Keys a read did not return may be among those events counted: the larger count is
        // the one known to be missing.
        left_out.storage = not_kept(storage, &self.stored_kept[STORAGE]).max(self.storage_unread);
        left_out.blocked_cookies = not_kept(blocked, &self.stored_kept[BLOCKED]);
        left_out.cookies = cookies.len();
        self.facts
    }
}

/// A cookie as evidence: the page after which it was present, its name, where it lives and
/// how long.
pub fn cookie_evidence(cookie: &CookieReport) -> Evidence {
    let lifetime = match cookie.expires_days {
        None => "session".to_owned(),
        Some(days) => format!("{days} days"),
    };
    let party = match cookie.party {
        Party::First => "first party",
        Party::Third => "third party",
    };
    let host = cookie.domain.trim_start_matches('.');
    Evidence {
        page: cookie.page.clone(),
        kind: EvidenceKind::Cookie,
        url: Some(format!("{host}{}", cookie.path)),
        snippet: format!("cookie {} ({party}, {lifetime})", cookie.name),
        tracking_id: None,
        consent_gated: false,
        list_match: None,
        seen_by: SeenBy::Browser,
        initiator: cookie.set_by.iter().cloned().collect(),
        consent: cookie.consent.first().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(page: &str, consent: Option<ConsentState>) -> Evidence {
        Evidence {
            page: page.to_owned(),
            kind: EvidenceKind::NetworkRequest,
            url: None,
            snippet: String::new(),
            tracking_id: None,
            consent_gated: false,
            list_match: None,
            seen_by: SeenBy::Browser,
            initiator: Vec::new(),
            consent,
        }
    }

    /// The evidence cap is per consent state: the crawl's many items with no choice cannot
    /// crowd out what was seen after "reject", and within a state the first in order stay.
    #[test]
    fn the_evidence_cap_is_per_consent_state() {
        let by_page = |a: &Evidence, b: &Evidence| a.page.cmp(&b.page);
        let mut list = Vec::new();
        for page in ["/e", "/d", "/c", "/b", "/a"] {
            push_capped(&mut list, 3, item(page, Some(ConsentState::None)), by_page);
        }
        let kept = push_capped(
            &mut list,
            3,
            item("/reject", Some(ConsentState::Reject)),
            by_page,
        );
        assert!(kept, "another state has room of its own");
        let none: Vec<&str> = list
            .iter()
            .filter(|e| e.consent == Some(ConsentState::None))
            .map(|e| e.page.as_str())
            .collect();
        let mut sorted = none.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, ["/a", "/b", "/c"], "the first three in order stay");
        assert!(list.iter().any(|e| e.page == "/reject"));
        assert!(!push_capped(
            &mut list,
            3,
            item("/z", Some(ConsentState::None)),
            by_page
        ));
        assert_eq!(list.len(), 4);
    }
}
