//! The browser observer: every HTML page the crawl finds is also loaded in headless Chromium,
//! and what the visitor's browser really contacts (requests of every frame and worker, with
//! their initiators) and stores (cookies) is recorded.
//!
//! One Chromium per site, with a fresh profile in a temporary folder that is removed when the
//! site is done and every Chromium process has exited. chromiumoxide launches and closes the
//! browser; recording uses a second, untyped connection ([`cdp`]) that attaches to every frame
//! and worker.

mod cdp;
mod consent;
mod convert;
mod guard;
mod launch;
mod record;
mod setters;
mod tab;

pub use convert::{browser_observations, cookie_url};
pub use guard::AddressGuard;
pub use launch::{BrowserStats, FirstChoice, Made, SiteBrowser, find_chromium, running_as_root};
pub use record::Request;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

/// How Chromium is run; built from `--chromium`, `--tabs`, `--page-wait`, `--browser-arg`.
#[derive(Debug, Clone)]
pub struct BrowserSettings {
    /// The Chromium (or Chrome) executable.
    pub executable: PathBuf,
    /// Extra command-line flags for Chromium, passed as given (`--host-resolver-rules=…`).
    pub args: Vec<String>,
    /// Pages loaded at once, each in its own tab.
    pub tabs: usize,
    /// The longest a page may take to go quiet after navigation, scrolling included.
    pub page_wait: Duration,
    /// The longest one protocol call or a navigation may take before the tab counts as hung.
    pub call_timeout: Duration,
    /// Run without Chromium's sandbox (needed as root).
    pub no_sandbox: bool,
    /// Write the browser's traffic (HAR) and a start-page screenshot here, one set per site.
    pub evidence_dir: Option<PathBuf>,
}

/// Default number of tabs: two per core, at most 4 (memory: Chromium takes ~100 MB a tab).
pub fn default_tabs() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 2).clamp(1, 4)
}

/// A cookie present at the end of a page load (its value is never kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrowserCookie {
    pub name: String,
    /// The cookie's domain as Chromium reports it (`.example.com` for a domain cookie).
    pub domain: String,
    pub path: String,
    /// Seconds since the Unix epoch when it expires; `None` for a session cookie.
    pub expires: Option<f64>,
    pub secure: bool,
    pub http_only: bool,
    /// `Strict`, `Lax` or `None`; absent when the cookie did not say.
    pub same_site: Option<String>,
    /// What set it while this page loaded: the URL of the request whose `Set-Cookie` stored
    /// it, or of the document (a frame's) whose script wrote it; `None` when nothing of this
    /// page did (it was there before, or a page in another tab set it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_by: Option<String>,
}

/// A key a frame wrote to its localStorage or sessionStorage (its value is never kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageItem {
    /// The frame's origin, `https://widget.example` (without a trailing slash).
    pub origin: String,
    /// `true` for localStorage, `false` for sessionStorage.
    pub local: bool,
    pub key: String,
}

/// Storage keys and refused cookies a page's record keeps at most, each (a page that writes
/// in a loop); the end-of-page read returns as many keys of one storage.
pub const MAX_STORED_PER_PAGE: usize = 500;

/// A cookie name or storage key is shortened to this many bytes in a report (a key built from
/// data can be kilobytes long).
pub const MAX_NAME_BYTES: usize = 100;

impl StorageItem {
    /// What the report tells this key apart by (origin, kind, key as shortened), hashed: a
    /// key left out is counted once by it, whichever page left it out.
    pub fn identity(&self) -> u64 {
        hash(&(
            &self.origin,
            self.local,
            crate::observe::shorten(&self.key, MAX_NAME_BYTES),
        ))
    }
}

impl BlockedCookie {
    /// What the report tells this refusal apart by, hashed (see [`StorageItem::identity`]).
    pub fn identity(&self) -> u64 {
        hash(&(
            crate::observe::shorten(&self.name, MAX_NAME_BYTES),
            &self.domain,
            self.set,
            &self.reasons,
        ))
    }
}

/// A hash that is the same in every run (SipHash with fixed keys).
pub fn hash<T: std::hash::Hash>(value: &T) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    std::hash::Hasher::finish(&hasher)
}

/// What one page's record left out of what it saw because of its caps: the identities of
/// storage keys and refused cookies past 500 a page (at most 10,000 each), and the keys the
/// end-of-page read did not return (past 500 in one storage; the most of any one storage).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub storage: Vec<u64>,
    pub storage_unread: usize,
    pub blocked_cookies: Vec<u64>,
}

/// A cookie Chromium refused to store or to send, with its reasons (the protocol's
/// `CookieBlockedReason` / `SetCookieBlockedReason` names, `SameSiteNoneInsecure`,
/// `DomainMismatch`, `ThirdPartyPhaseout`, …). Its value is never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedCookie {
    pub name: String,
    /// The cookie's domain when Chromium could parse the cookie.
    pub domain: Option<String>,
    /// The request the cookie came with (`Set-Cookie`) or was withheld from.
    pub url: Option<String>,
    pub reasons: Vec<String>,
    /// `true`: a `Set-Cookie` refused; `false`: a stored cookie not sent with a request.
    pub set: bool,
}

/// What the browser saw on one page.
#[derive(Debug, Default)]
pub struct RenderedPage {
    /// The URL the tab ended on (after redirects and script navigations).
    pub final_url: Option<Url>,
    pub title: Option<String>,
    pub requests: Vec<Request>,
    /// The initiator chain of each request, nearest first (parallel to `requests`).
    pub chains: Vec<Vec<String>>,
    pub cookies: Vec<BrowserCookie>,
    /// Keys written to web storage by the page and its frames.
    pub storage: Vec<StorageItem>,
    /// Cookies Chromium refused while the page loaded.
    pub blocked_cookies: Vec<BlockedCookie>,
    /// Storage keys and refused cookies seen but past the page's caps.
    pub left_out: LeftOut,
    /// Links of the rendered DOM, for the frontier.
    pub links: Vec<Url>,
    /// Loading failed or hung: the reason.
    pub error: Option<String>,
    /// A PNG screenshot of the page, when one was asked for.
    pub screenshot: Option<Vec<u8>>,
    /// The consent state of the profile the page was loaded in.
    pub consent: Option<crate::vocab::ConsentState>,
}
