//! The canonical report (JSON, schema_version 1). Every output format renders from these types;
//! field names are a contract (see the README's JSON section).

use serde::{Deserialize, Serialize};

use crate::failure::Failure;
use crate::lists::Transfer;
use crate::vocab::{ConsentState, EvidenceKind, SeenBy};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub engine: String,
    /// Language of the human-readable texts (titles, advice).
    #[serde(default)]
    pub lang: String,
    pub started_at: String,
    pub finished_at: String,
    /// The scan was stopped (Ctrl-C) before it finished: the report covers what was scanned.
    #[serde(default)]
    pub interrupted: bool,
    /// The settings of the scan (absent in reports of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<ScanRecord>,
    /// With `--shard I/N`: which share of the targets this report covers (absent otherwise and
    /// in a merged report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardRecord>,
    pub sites: Vec<Site>,
}

/// The share of a targets list that a `--shard I/N` report covers; `trackaudit merge` checks
/// that reports belong to one list and puts each site back at its position.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShardRecord {
    /// I, from 1.
    pub index: usize,
    /// N, the number of shards.
    pub count: usize,
    /// The number of targets in the whole list (every shard).
    pub targets: usize,
    /// 16 hex digits of the FNV-1a 64 hash of the whole list's targets, one a line in order.
    pub targets_hash: String,
    /// Each site's position (from 0) in the whole list, in the order of `sites`.
    pub positions: Vec<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Site {
    pub target: String,
    /// The site's name from the targets file (`URL  name`), shown in every report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The URL the crawl started from (for a folder: the loopback address it was served on).
    #[serde(default)]
    pub start_url: String,
    /// Wall-clock time spent on this site, in milliseconds: crawl, analysis, browser and
    /// stylesheets (absent in reports of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    pub pages: Vec<Page>,
    pub services: Vec<ServiceReport>,
    pub third_parties: Vec<ThirdParty>,
    pub findings: Vec<Finding>,
    /// With a baseline: findings of the earlier report that are gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<Finding>,
    /// Suppressions of the config file whose `expires` date has passed: they no longer apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_suppressions: Vec<Suppression>,
    /// Suppressions of the config file that covered no finding of this site (a typo in a rule,
    /// a service or a `url` regex shows up here instead of suppressing nothing silently).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused_suppressions: Vec<Suppression>,
    /// Cookies the browser found after loading the pages, before any interaction
    /// (`--engine chromium`): one entry per name, domain and path, with the first page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<CookieReport>,
    /// Keys written to localStorage and sessionStorage by the pages and their frames
    /// (`--engine chromium`): one entry per origin, kind and key, with the first page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<StorageReport>,
    /// Cookies Chromium refused to store or to send while the pages loaded, and why
    /// (`--engine chromium`): one entry per name, domain, action and reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_cookies: Vec<BlockedCookieReport>,
    /// How the browser engine fared on this site (`--engine chromium`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<SiteBrowser>,
    /// The evidence files written for this site (`--evidence DIR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_files: Option<EvidenceFiles>,
    /// The consent management platforms found on the site; absent when none was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentReport>,
    pub summary: Summary,
    /// How much of the site the scan covered (absent in reports of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// With the verdict `error`: why nothing could be scanned (the start page's URL, its error
    /// and a hint), in the report's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The privacy and cookie statements the site links and which services they name (absent
    /// when the site links none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statements: Option<Statements>,
    /// The social platforms the site links its own accounts on, one entry per platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub social: Vec<SocialPresence>,
}

/// A privacy statement or a cookie statement.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum StatementKind {
    Privacy,
    Cookie,
}

/// One statement the scan tried to read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StatementRead {
    /// As the report shows URLs (a path for a served folder's own pages).
    pub url: String,
    pub kind: StatementKind,
    /// Its text was read (an HTML or plain-text page).
    pub read: bool,
    /// Why not (the fetch failed, a PDF, no text), in the report's language, with the
    /// technical detail after a colon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What `error` is made from, as `pages[].error_about` (absent in reports of older
    /// versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_about: Option<Failure>,
    /// Characters of text read (in the normal form names are matched in).
    pub chars: usize,
}

impl StatementRead {
    /// Why it was not read, worded in `lang`, and the technical detail apart.
    pub fn failure_text(&self, lang: crate::Lang) -> Option<(String, Option<&str>)> {
        crate::failure::worded(self.error_about.as_ref(), self.error.as_deref(), lang)
    }
}

/// How one service found on the site is (or is not) named by the statements.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Disclosure {
    /// The service's id.
    pub service: String,
    /// `name`, `alias`, `host` or `organization`; absent: no statement names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The name as the catalogue writes it ("Google", "GA4").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The statement that names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

/// The statements and what they disclose.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Statements {
    pub read: Vec<StatementRead>,
    /// Every third-party service found on the site, and whether a statement names it (empty
    /// when no statement could be read: nothing is concluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Disclosure>,
    /// Services a statement names (by name, alias or host) that the scan did not find.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub named_not_found: Vec<Disclosure>,
}

/// Links to the institution's own accounts on one social platform.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SocialPresence {
    /// The platform's id (`tiktok`, `instagram`, `mastodon`, …).
    pub platform: String,
    pub name: String,
    /// The name a Dutch report shows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_nl: String,
    /// `big-tech` or `open` (European or federated).
    pub kind: String,
    /// The accounts linked, in a stable form (https, no query).
    pub accounts: Vec<String>,
    /// The pages that link them.
    pub pages: Vec<String>,
}

/// What a site's scan covered, so a DPO can show how much of the site was audited.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    /// Pages read with a success status (HTML or not).
    pub pages_scanned: usize,
    /// Of those, responses that were not HTML (PDFs, images…): fetched, not analysed.
    pub not_html: usize,
    /// Pages that failed (no response, an error status, a redirect loop…).
    pub errors: usize,
    /// In-scope URLs found but not visited because of `--max-pages` or `--max-depth`.
    pub not_visited: usize,
    /// The first of them (up to 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_visited_sample: Vec<String>,
    /// URLs that served the same content as a page of the report: counted once, listed in
    /// that page's `aliases`.
    #[serde(default)]
    pub aliases: usize,
    /// URLs robots.txt disallowed (not fetched; with `--ignore-robots` always 0).
    pub skipped_by_robots: usize,
    /// The first of them (up to 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_by_robots_sample: Vec<String>,
    /// URLs left out by `--include` / `--exclude`, with the first of them (up to 20).
    pub excluded: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_sample: Vec<String>,
    /// Observations left out by the per-page cap, over all pages (see `pages[].observations_left_out`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub observations_left_out: usize,
    /// Distinct third-party hosts left out by the per-site cap (1,000 hosts): not in
    /// `third_parties`, not assessed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub third_parties_left_out: usize,
    /// Cookies the browser found that are not in `cookies`: past the per-site cap (1,000).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cookies_left_out: usize,
    /// Storage keys the browser saw that are not in `storage`, at least: past 500 a page or
    /// 1,000 a site, or not returned by an end-of-page read (past 500 in one storage), whichever
    /// count is larger.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub storage_left_out: usize,
    /// Refused cookies not in `blocked_cookies`: past 500 a page or 1,000 a site.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blocked_cookies_left_out: usize,
    /// Cookie names and storage keys longer than 100 bytes: shortened in the report, ending
    /// in `…`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub names_shortened: usize,
    /// The site's time limit (`--site-timeout`), in seconds, when it ran out: the report covers
    /// what was read until then; absent when the crawl ended by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timed_out_after_s: Option<f64>,
}

/// The settings a scan ran with, recorded in its report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ScanRecord {
    pub max_pages: usize,
    pub max_depth: usize,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// robots.txt was honoured (no `--ignore-robots`).
    pub robots: bool,
    pub user_agent: String,
    /// Per request, in seconds.
    pub timeout_s: f64,
    /// Per site (`--site-timeout`), in seconds; absent when there is no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_timeout_s: Option<f64>,
    /// External lists loaded (`--list`, the config file).
    pub lists: Vec<String>,
    /// `high`, `medium`, `low`, or `never`.
    pub fail_on: String,
}

/// A cookie present after a page loaded in the browser. Its value is never recorded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CookieReport {
    pub name: String,
    /// As the browser stores it: `.example.com` for a cookie of the domain and its subdomains.
    pub domain: String,
    pub path: String,
    /// Days until it expires (rounded up); `null` for a session cookie.
    pub expires_days: Option<u64>,
    pub secure: bool,
    pub http_only: bool,
    /// `Strict`, `Lax`, `None`; absent when the cookie did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    /// `first` (the site's own registrable domain) or `third`.
    pub party: Party,
    /// The service that set it, by its domain or by the catalogue's cookie names; `null` when
    /// unknown.
    pub service: Option<String>,
    /// A tracking cookie: a known service's cookie (privacy-friendly analytics excepted) or a
    /// third party's.
    pub tracking: bool,
    /// The page that set it: the first page whose own request (`Set-Cookie`) or script set
    /// it; for a cookie no page's request or script was seen setting (set before the pages,
    /// by the consent choice), the first page after which it was present.
    pub page: String,
    /// What on `page` set it: the URL of the request whose `Set-Cookie` stored it, or of the
    /// document (the page or one of its frames) whose script wrote it; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_by: Option<String>,
    /// The consent states in which it was present (`none`, `accept`, `reject`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent: Vec<ConsentState>,
}

/// localStorage or sessionStorage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    Local,
    Session,
}

/// A key a page or one of its frames wrote to web storage. Its value is never recorded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StorageReport {
    /// The origin of the frame that wrote it, `https://widget.example`.
    pub origin: String,
    /// `local` (kept until removed) or `session` (kept while the tab lives).
    pub kind: StorageKind,
    pub key: String,
    /// `first` (the site's own registrable domain) or `third`.
    pub party: Party,
    /// The service, by the origin's host, else by the catalogue's cookie names (several
    /// services keep the same identifiers in storage); `null` when unknown.
    pub service: Option<String>,
    /// The first page on which it was written.
    pub page: String,
}

/// A cookie Chromium refused. Its value is never recorded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BlockedCookieReport {
    pub name: String,
    /// The cookie's domain when Chromium could read it, else the host of the request.
    pub domain: String,
    /// `set`: a `Set-Cookie` the browser did not store; `send`: a stored cookie it did not
    /// send with a request.
    pub action: BlockedAction,
    /// Chromium's reasons, as the DevTools protocol names them (`SameSiteNoneInsecure`,
    /// `DomainMismatch`, `ThirdPartyPhaseout`, `SecureOnly`, …).
    pub reasons: Vec<String>,
    /// The request it came with or was withheld from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `first` or `third`, by its domain.
    pub party: Party,
    /// The service, by its domain or the catalogue's cookie names; `null` when unknown.
    pub service: Option<String>,
    /// The first page on which it was refused.
    pub page: String,
}

/// What Chromium refused to do with a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockedAction {
    Set,
    Send,
}

/// Files of evidence a DPO can hand on, written by the browser engine with `--evidence DIR`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EvidenceFiles {
    /// The browser's traffic on every page of the site, HAR 1.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub har: Option<String>,
    /// A PNG screenshot of the start page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<String>,
    /// PNG screenshots of the consent banner before each choice (`--consent`), one per state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub banners: Vec<String>,
}

/// What the scan found of the site's consent management: the platforms (`tracker-lists/cmp.toml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ConsentReport {
    /// Platforms detected, in the table's order: by a script or request of theirs (both
    /// engines), or by their banner in the browser.
    pub platforms: Vec<ConsentPlatform>,
    /// The choices the browser made on the start page's banner (`--consent accept|reject|all`),
    /// one per state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<ConsentChoice>,
    /// With `--consent all`: the pages loaded in the `accept` and `reject` states (the start
    /// page and a sample of the crawl); the `none` state covers every page crawled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sample: Vec<String>,
}

/// One visit of the start page in a fresh profile to make a consent choice on its banner.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentChoice {
    /// The choice asked for: `accept` or `reject`.
    pub state: Option<ConsentState>,
    /// The platform whose banner was found (an id of `tracker-lists/cmp.toml`); absent for a
    /// banner no rule knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// A banner (an accept or reject control, by rule or by text) was found.
    pub banner: bool,
    /// The first layer shows an accept control.
    pub accept_on_first_layer: bool,
    /// The first layer shows a reject control ("reject all", "only necessary").
    pub reject_on_first_layer: bool,
    /// The choice was clicked.
    pub clicked: bool,
    /// How the control was found: `rule` (the platform's selectors) or `text` (its label in
    /// Dutch, English, German or French); absent when nothing was clicked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_by: Option<String>,
    /// The reject control was on the second layer (opened with the banner's settings control).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub second_layer: bool,
    /// Why no choice was clicked, when none was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A consent management platform, by its id in `tracker-lists/cmp.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentPlatform {
    pub id: String,
    pub name: String,
}

/// First or third party, as seen from the scanned site's registrable domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    First,
    Third,
}

/// The browser engine's account of one site.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SiteBrowser {
    /// Pages loaded in the browser.
    pub pages: usize,
    /// Requests the browser made, over all pages, frames and workers.
    pub requests: usize,
    /// DevTools protocol messages that failed to parse (the typed client's definitions lag the
    /// installed Chromium). Recording reads every message untyped, so none is lost by it.
    pub cdp_parse_errors: u64,
    /// Times Chromium died (crashed, killed) during the site and was started again.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub restarts: u32,
    /// Why the browser could not be used for this site (or for its pages from some point on),
    /// in the report's language with the technical detail after a colon; absent when it could.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What `error` is made from (kind `browser-not-started` and Chromium's or the system's
    /// words), so every format words it in its language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_about: Option<Failure>,
    /// Connections Chromium was not allowed to make because the host resolves to a private,
    /// loopback or link-local address: one sentence per host (at most 100), sorted by host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused_addresses: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Page {
    pub url: String,
    /// HTTP status of the final response; `null` when no response came.
    pub status: Option<u16>,
    /// Why the page could not be read, in the report's language, with the technical detail
    /// after a colon; `null` when it was read.
    pub error: Option<String>,
    /// What `error` is made from, so every format words it in its language: the kind and its
    /// parameters, the attempts, and the raw detail (absent in reports of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_about: Option<Failure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Redirects followed to reach this page, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// The body was larger than the limit and only its start was scanned.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Observations on this page past the per-page cap (10,000; the browser engine: 2,000
    /// requests): counted, not analysed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub observations_left_out: usize,
    pub depth: usize,
    /// Other URLs of the site that served exactly the same content (`/index.html` beside `/`),
    /// sorted. They count as this one page; the page's URL is the shortest of them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// What the browser saw of this page (`--engine chromium`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<PageBrowser>,
}

/// One page as loaded in the browser.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PageBrowser {
    /// Where the tab ended up (after redirects and script navigations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// Requests made by the page, its frames and workers.
    pub requests: usize,
    /// Why loading it in the browser failed or was cut short (hung, crashed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Site {
    /// How a report names the site: `name (target)` when the targets file named it, else the
    /// target.
    pub fn title(&self) -> String {
        match self.name.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => format!("{name} ({})", self.target),
            None => self.target.clone(),
        }
    }

    /// The service of this site with the given id.
    pub fn service(&self, id: &str) -> Option<&ServiceReport> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The service a finding is about, if any.
    pub fn service_of(&self, finding: &Finding) -> Option<&ServiceReport> {
        self.service(finding.service.as_deref()?)
    }

    /// The site's name for a reader: the name the targets file gave it, else the host of a URL
    /// target (`www.school.nl`), the last part of a folder target (`public` for `./public/`),
    /// else the target as given.
    pub fn short_name(&self) -> String {
        if let Some(name) = self.name.as_deref().filter(|n| !n.is_empty()) {
            return name.to_owned();
        }
        if let Ok(url) = url::Url::parse(&self.target)
            && let Some(host) = url.host_str()
        {
            return host.to_owned();
        }
        std::path::Path::new(&self.target)
            .components()
            .rev()
            .find_map(|c| match c {
                std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                _ => None,
            })
            .unwrap_or_else(|| self.target.clone())
    }
}

/// A page's path and query within its site — `/nieuws?p=2` for `https://school.nl/nieuws?p=2` —
/// so suppressions and baselines treat a URL scan, a folder scan, a staging host and another
/// port alike. A page shown as a path already (a folder scan) stays as it is.
pub fn page_path(page: &str) -> String {
    match url::Url::parse(page) {
        Ok(url) if url.has_host() => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        _ => page.to_owned(),
    }
}

impl Page {
    /// Why the page could not be read, worded in `lang` without its detail, and the detail
    /// apart (to be shown as code); the stored text for reports of older versions.
    pub fn failure_text(&self, lang: crate::Lang) -> Option<(String, Option<&str>)> {
        crate::failure::worded(self.error_about.as_ref(), self.error.as_deref(), lang)
    }

    /// The page answered with success and was read (a redirect or an error is not scanned).
    pub fn scanned(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    pub status: u16,
    /// The redirect leads away from the institution's site.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leaves_site: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServiceReport {
    pub id: String,
    /// The catalogue's name (English).
    pub name: String,
    /// The name a report in Dutch shows (absent for services of external lists and in
    /// reports of older versions).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_nl: String,
    pub organization: String,
    pub country: String,
    pub category: String,
    pub transfer: Transfer,
    pub hosts: Vec<String>,
    pub tracking_ids: Vec<String>,
    pub pages: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// Evidence items beyond the ones listed (the list is capped per service).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_evidence: usize,
    /// The external list (`--list`) this service comes from; absent for the curated catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// Services whose requests this one's scripts caused (browser engine): what a tag manager
    /// loaded, by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loaded: Vec<String>,
    /// The consent states in which the browser saw it (a request or a cookie); empty for what
    /// only the static reading saw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent: Vec<ConsentState>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub page: String,
    pub kind: EvidenceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub snippet: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_id: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub consent_gated: bool,
    /// For a service found by an external list: the list and the rule that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_match: Option<ListMatch>,
    /// Which observer saw it: `static` (the HTML as served) or `browser` (`--engine chromium`).
    #[serde(default)]
    pub seen_by: SeenBy,
    /// For a request the browser made: the scripts or documents that caused it, nearest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initiator: Vec<String>,
    /// What the browser saw: the consent state it was in (`none`, `accept`, `reject`); absent
    /// for the static reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentState>,
}

/// An external list's rule that matched a request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ListMatch {
    pub list: String,
    pub rule: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThirdParty {
    pub host: String,
    pub domain: String,
    pub service: Option<String>,
    pub pages: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    New,
    Unchanged,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub service: Option<String>,
    /// The host concerned, for findings about a host no service claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub title: String,
    /// Why it matters: the advice and GDPR principle the rule rests on.
    #[serde(default)]
    pub rationale: String,
    pub advice: String,
    /// What the finding is about: the parameters title and advice are made from, so the
    /// report can be worded again in either language (absent in reports of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<Subject>,
    pub pages: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FindingStatus>,
    /// A suppression in the config file covers this finding: it stays in the report, with the
    /// reason, but counts for neither the summary nor the exit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// What a finding is about, besides its `service` and `host`: the parameters its words are
/// made from (`kind` names the variant).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Subject {
    /// The finding's catalogue service; `loaded`: ids of the services its scripts loaded.
    Service {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        loaded: Vec<String>,
    },
    /// A service of an external list: its name there, the list, and whether the list left
    /// its organisation's country unknown.
    Listed {
        name: String,
        list: String,
        #[serde(default)]
        jurisdiction_unknown: bool,
    },
    /// The finding's host, which no service claims.
    Host,
    /// A form posts to the finding's service or host.
    FormReceiver,
    /// Cookies (their names, shortened) of the finding's service or of its host's domain.
    Cookies { names: String },
    /// Pages, forms or resources over plain http.
    PlainHttp,
    /// No page links a privacy statement.
    PrivacyStatementNotLinked,
    /// A form asks for personal data with no privacy statement linked on its page.
    FormWithoutPrivacyLink,
    /// The finding's service, which the statements read (their URLs) do not name.
    Undisclosed { statements: Vec<String> },
    /// The finding's service, which a statement names (`term`, in `statement`) and the scan
    /// did not find.
    NamedNotFound { term: String, statement: String },
    /// Links to the institution's accounts on a social platform (its id in
    /// `tracker-lists/platforms.toml`).
    SocialAccounts {
        platform: String,
        accounts: Vec<String>,
    },
    /// A cookie banner (of `platform`, an id of `tracker-lists/cmp.toml`; none for a banner
    /// no rule knows); `second_layer`: its reject control was found on the second layer.
    Banner {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        platform: Option<String>,
        #[serde(default)]
        second_layer: bool,
    },
    /// The consent choice `state` could not be made; `banner`: a banner was found (its control
    /// could not be clicked), else none was.
    ConsentChoice { state: ConsentState, banner: bool },
}

impl ServiceReport {
    /// The service's name in a report's language.
    pub fn name_in(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Nl if !self.name_nl.is_empty() => &self.name_nl,
            _ => &self.name,
        }
    }
}

/// A configured suppression, as applied to a finding or reported when expired.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Suppression {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`; after this day the suppression no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No finding at or above the fail threshold, none below it but info.
    #[default]
    Pass,
    /// Findings below the fail threshold (other than info), or part of the site not analysed
    /// because a cap on observations or third parties was hit.
    Warn,
    /// Findings at or above the fail threshold.
    Fail,
    /// No page could be scanned.
    Error,
}

impl Verdict {
    /// The JSON value: `pass`, `warn`, `fail`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub pages: usize,
    pub errors: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    pub third_parties: usize,
    pub verdict: Verdict,
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
