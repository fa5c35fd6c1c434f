//! Finding, launching and closing Chromium: one process tree and one fresh profile per site.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::error::CdpError;
use futures::StreamExt;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::cdp::Cdp;
use super::{BrowserSettings, RenderedPage, tab};
use crate::error::Error;
use crate::report::model::ConsentChoice;
use crate::vocab::ConsentState;

/// Names the Chromium executable goes by on Linux distributions, in order of preference.
const CANDIDATES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
];

/// Flags that keep Chromium from contacting Google or anyone else on its own (updates, sync,
/// safe browsing, first-run pages): what it contacts is then what the site makes it contact.
const QUIET_FLAGS: &[&str] = &[
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    // Joined with the other lists of features into one flag (see `command_line`). The
    // `WebUIOmnibox…` ones: every window of Chromium 156 loads two address-bar popups
    // (`chrome://omnibox-popup.top-chrome/`) in a renderer of their own, which a headless
    // window never shows; that renderer took a third of a core while pages loaded.
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,NetworkTimeServiceQuerying,IsolateOrigins,site-per-process,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
    "--disable-site-isolation-trials",
    "--metrics-recording-only",
    "--password-store=basic",
    // No first tab at start (every tab is opened by the scan): DevTools answers about 0.2 s
    // sooner, and no new-tab page is loaded for nothing.
    "--no-startup-window",
];

/// chromiumoxide's default flags (its `DEFAULT_ARGS`, after puppeteer's launcher), which this
/// project passes itself (`disable_default_args`) so that they join its own flags in one
/// command line without repeats: background tabs run at full speed (timers, renderers and
/// occluded windows not throttled), no crash reports, no hang monitor, /dev/shm not needed,
/// automation mode, English UI. All but `--disable-popup-blocking`: a visitor's browser blocks
/// the windows a page opens without a click, and the audit's does too.
const AUTOMATION_FLAGS: &[&str] = &[
    "--disable-background-networking",
    "--enable-features=NetworkService,NetworkServiceInProcess",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-component-extensions-with-background-pages",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-features=TranslateUI",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-prompt-on-repost",
    "--disable-renderer-backgrounding",
    "--disable-sync",
    "--force-color-profile=srgb",
    "--metrics-recording-only",
    "--no-first-run",
    "--enable-automation",
    "--password-store=basic",
    "--use-mock-keychain",
    "--enable-blink-features=IdleDetection",
    "--lang=en_US",
];

/// Flags whose value is a comma-separated list that Chromium reads from its last occurrence
/// only: every occurrence is joined into one.
const LIST_FLAGS: &[&str] = &[
    "disable-features",
    "enable-features",
    "disable-blink-features",
    "enable-blink-features",
];

/// One command line from flags given in order (`--name` or `--name=value`): each name once,
/// in the place it first appeared. The lists of [`LIST_FLAGS`] are joined (each item once);
/// for any other flag given twice the later value wins, as in Chromium. Names come without
/// their leading dashes (chromiumoxide adds them).
fn command_line<'a>(flags: impl IntoIterator<Item = &'a str>) -> Vec<(String, Option<String>)> {
    let mut line: Vec<(String, Option<String>)> = Vec::new();
    for flag in flags {
        let flag = flag.trim_start_matches('-');
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (flag, None),
        };
        let Some(i) = line.iter().position(|(n, _)| n == name) else {
            line.push((name.to_owned(), value.map(str::to_owned)));
            continue;
        };
        let joined = match (&line[i].1, value) {
            (Some(old), Some(new)) if LIST_FLAGS.contains(&name) => {
                let mut items: Vec<&str> = old.split(',').collect();
                for item in new.split(',') {
                    if !items.contains(&item) {
                        items.push(item);
                    }
                }
                Some(items.join(","))
            }
            (old, None) if LIST_FLAGS.contains(&name) => old.clone(),
            (_, new) => new.map(str::to_owned),
        };
        line[i].1 = joined;
    }
    line
}

/// The Chromium to run: `--chromium PATH`, else `$CHROME`, else the first of the usual names
/// on `PATH`.
///
/// # Errors
/// [`Error::Config`] naming `apt-get install chromium` when none is found, or when the given
/// path is not an executable file.
pub fn find_chromium(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    let given = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("CHROME").map(PathBuf::from));
    if let Some(path) = given {
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(Error::Config(format!(
                "Chromium not found at {}: give the path of an executable with --chromium or CHROME, or install it (apt-get install chromium)",
                path.display()
            )))
        };
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    CANDIDATES
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|path| is_executable(path))
        .ok_or_else(|| {
            Error::Config(
                "--engine chromium needs Chromium, and none was found on PATH: install it (apt-get install chromium) or give its path with --chromium or CHROME".into(),
            )
        })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The process runs as root, where Chromium refuses to start with its sandbox.
pub fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Chromium restarts per site at most, after it crashed or was killed.
const MAX_RESTARTS: u32 = 3;

/// The Chromium of one site: started when the first page needs it, restarted when it dies,
/// closed at the end.
pub struct SiteBrowser {
    /// Shared with the task that starts Chromium, which finishes (and leaves the instance here
    /// to be closed) even when the page that asked for it is given up.
    slot: Arc<tokio::sync::RwLock<Slot>>,
    tabs: Semaphore,
    settings: BrowserSettings,
    restarts: std::sync::atomic::AtomicU32,
    /// Tabs between two pages, with the generation of the Chromium they belong to.
    idle_tabs: std::sync::Mutex<Vec<(u32, tab::Tab)>>,
    /// Parse errors of instances that were replaced.
    parse_errors: AtomicU64,
    /// The consent choice to make when Chromium first starts, before any page.
    first_choice: Option<Arc<FirstChoice>>,
    /// Its outcome, once made (or once Chromium failed to start for it).
    made: Arc<std::sync::Mutex<Option<Made>>>,
}

/// A consent choice and, when asked for, a PNG screenshot of the banner before the click.
pub type Made = (ConsentChoice, Option<Vec<u8>>);

/// The consent choice made in a site's profile when its Chromium starts, before the first page
/// is loaded (`--consent accept|reject`, and each state of `--consent all`): on the banner of
/// `url`, found by `rules`.
pub struct FirstChoice {
    /// The site's start page, whose banner the choice is made on.
    pub url: Url,
    /// The consent platforms' rules (`tracker-lists/cmp.toml`) the banner is looked for by.
    pub rules: Vec<crate::lists::CmpRule>,
    /// `accept` or `reject`.
    pub state: ConsentState,
    /// Take a PNG screenshot of the banner before the click.
    pub screenshot: bool,
    /// A stop ends the choice at once.
    pub cancel: CancellationToken,
}

impl FirstChoice {
    /// The outcome when no choice could be made: `error` says why.
    pub fn failed(&self, error: &str) -> ConsentChoice {
        ConsentChoice {
            state: Some(self.state),
            error: Some(error.to_owned()),
            ..ConsentChoice::default()
        }
    }

    /// Make the choice in the new Chromium behind `cdp`.
    async fn make(&self, cdp: &Cdp, settings: &BrowserSettings) -> Made {
        let (url, rules) = (&self.url, &self.rules);
        let choosing =
            super::consent::choose(cdp, url, settings, rules, self.state, self.screenshot);
        tokio::select! {
            made = choosing => made,
            _ = self.cancel.cancelled() => {
                (self.failed("the scan was stopped while the choice was made"), None)
            }
        }
    }
}

/// Where a site's Chromium stands.
enum Slot {
    /// Not started: no page has needed it yet.
    Unstarted,
    Running(Box<Instance>),
    /// It could not be started (or started again): why, in Chromium's or the system's words.
    Failed(String),
    /// Shut down at the end of the site.
    Closed,
}

/// Why a page got no browser reading.
enum Unavailable {
    /// Chromium could not be started for this site (the site's browser error says why).
    NotStarted,
    /// The site's browser was shut down.
    Closed,
}

/// One running Chromium process tree, its connections and its profile.
struct Instance {
    browser: Browser,
    cdp: Cdp,
    handler: tokio::task::JoinHandle<()>,
    /// Messages the typed client could not parse (its protocol definitions lag Chromium's);
    /// recording does not depend on them.
    typed_parse_errors: Arc<AtomicU64>,
    profile: tempfile::TempDir,
    generation: u32,
}

/// What a browser session leaves for the report.
#[derive(Debug, Default, Clone)]
pub struct BrowserStats {
    /// Protocol messages that failed to parse, by the typed client and by the recorder.
    pub parse_errors: u64,
    /// Times Chromium died and was started again.
    pub restarts: u32,
    /// Chromium could not be started (or, after it died, started again): why, in Chromium's
    /// or the system's words (English, untranslated). Pages after that have no browser reading.
    pub error: Option<String>,
}

impl SiteBrowser {
    /// The browser of one site, not started yet: the first page that needs it starts Chromium
    /// with a fresh profile that allows third-party cookies (a visitor's browser often does; a
    /// fresh headless profile blocks them and would hide what a site tries to set). A site with
    /// no HTML page never starts one.
    pub fn new(settings: &BrowserSettings) -> SiteBrowser {
        SiteBrowser {
            slot: Arc::new(tokio::sync::RwLock::new(Slot::Unstarted)),
            tabs: Semaphore::new(settings.tabs.max(1)),
            settings: settings.clone(),
            restarts: std::sync::atomic::AtomicU32::new(0),
            idle_tabs: std::sync::Mutex::new(Vec::new()),
            parse_errors: AtomicU64::new(0),
            first_choice: None,
            made: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    /// Make `choice` in the profile as soon as Chromium starts, before its first page.
    pub fn with_choice(mut self, choice: FirstChoice) -> SiteBrowser {
        self.first_choice = Some(Arc::new(choice));
        self
    }

    /// The outcome of the first choice: `None` when Chromium was never started (no page
    /// needed it) or no choice was asked for.
    pub fn take_choice(&self) -> Option<Made> {
        self.made
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }

    /// Load one page in a tab (one left by an earlier page when there is one) and record what
    /// happens; with `screenshot`, take a PNG screenshot of it too. When Chromium died
    /// meanwhile, it is started again (a fresh profile) and the page loaded once more. When
    /// `stop` is cancelled, a page loading ends at once with what was recorded until then and
    /// the error [`tab::STOPPED`], and one not loaded yet gets no browser reading (`None`).
    /// `None` too when Chromium could not be started for this site: the page has no browser
    /// reading, and [`SiteBrowser::shutdown`] says why.
    pub async fn render(
        &self,
        url: &Url,
        screenshot: bool,
        stop: &CancellationToken,
    ) -> Option<RenderedPage> {
        let Ok(_tab) = self.tabs.acquire().await else {
            return Some(closed());
        };
        if stop.is_cancelled() {
            return None;
        }
        for attempt in 0..2 {
            let connection = tokio::select! {
                connection = self.connection() => connection,
                _ = stop.cancelled() => return None,
            };
            let (cdp, generation) = match connection {
                Ok(connection) => connection,
                Err(Unavailable::NotStarted) => return None,
                Err(Unavailable::Closed) => return Some(closed()),
            };
            let idle = self.take_idle_tab(generation);
            let settings = &self.settings;
            let (page, tab) = tab::render(&cdp, idle, url, settings, screenshot, stop).await;
            if let Some(tab) = tab {
                lock(&self.idle_tabs).push((generation, tab));
            }
            if !cdp.is_closed() || attempt == 1 {
                return Some(page);
            }
            if !self.restart(generation).await {
                // Chromium could not be started again: no browser reading for this page
                // (nor for the next ones); the site's browser error says why.
                return match &*self.slot.read().await {
                    Slot::Failed(_) => None,
                    _ => Some(page),
                };
            }
            tracing::warn!("Chromium died while loading {url}; started again");
        }
        Some(closed())
    }

    /// A tab left by an earlier page in the Chromium of `generation`; those of an earlier
    /// Chromium are dropped.
    fn take_idle_tab(&self, generation: u32) -> Option<tab::Tab> {
        let mut idle = lock(&self.idle_tabs);
        idle.retain(|(g, _)| *g == generation);
        idle.pop().map(|(_, tab)| tab)
    }

    /// The running Chromium's connection, started first when no page has needed it yet.
    async fn connection(&self) -> Result<(Cdp, u32), Unavailable> {
        loop {
            match &*self.slot.read().await {
                Slot::Running(i) => return Ok((i.cdp.clone(), i.generation)),
                Slot::Failed(_) => return Err(Unavailable::NotStarted),
                Slot::Closed => return Err(Unavailable::Closed),
                Slot::Unstarted => {}
            }
            // In a task of its own: a page given up (a stop) while Chromium starts does not
            // leave a Chromium that nobody closes.
            let slot = Arc::clone(&self.slot);
            let settings = self.settings.clone();
            let (first, made) = (self.first_choice.clone(), Arc::clone(&self.made));
            let start = tokio::spawn(async move {
                let mut slot = slot.write().await;
                if !matches!(*slot, Slot::Unstarted) {
                    return;
                }
                let launched = Instance::launch(&settings, 0).await;
                if let Some(first) = first {
                    let outcome = match &launched {
                        Ok(instance) => first.make(&instance.cdp, &settings).await,
                        Err(_) => (first.failed("Chromium did not start"), None),
                    };
                    *made.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                }
                *slot = started(launched);
            });
            if start.await.is_err() {
                return Err(Unavailable::NotStarted);
            }
        }
    }

    /// Replace a dead Chromium (of `generation`; another tab may have replaced it already).
    /// `false` when no new one could be started or the restarts are used up.
    async fn restart(&self, generation: u32) -> bool {
        let mut slot = self.slot.write().await;
        match &*slot {
            Slot::Running(current) if current.generation != generation => return true,
            Slot::Running(_) => {}
            _ => return false,
        }
        if self.restarts.load(Ordering::Relaxed) >= MAX_RESTARTS {
            return false;
        }
        self.restarts.fetch_add(1, Ordering::Relaxed);
        if let Slot::Running(old) = std::mem::replace(&mut *slot, Slot::Unstarted) {
            self.parse_errors
                .fetch_add(old.close().await, Ordering::Relaxed);
        }
        *slot = started(Instance::launch(&self.settings, generation + 1).await);
        matches!(*slot, Slot::Running(_))
    }

    /// End Chromium (when it was started), wait until every one of its processes has exited,
    /// then remove the profile. Never fails.
    pub async fn shutdown(&self) -> BrowserStats {
        let previous = std::mem::replace(&mut *self.slot.write().await, Slot::Closed);
        let error = match previous {
            Slot::Running(instance) => {
                let closing = std::time::Instant::now();
                let errors = instance.close().await;
                tracing::debug!(
                    "Chromium ended and its profile removed in {:?}",
                    closing.elapsed()
                );
                self.parse_errors.fetch_add(errors, Ordering::Relaxed);
                None
            }
            Slot::Failed(error) => Some(error),
            Slot::Unstarted | Slot::Closed => None,
        };
        BrowserStats {
            parse_errors: self.parse_errors.load(Ordering::Relaxed),
            restarts: self.restarts.load(Ordering::Relaxed),
            error,
        }
    }
}

/// The slot after a start: running, or failed with the reason (logged).
fn started(launched: Result<Instance, String>) -> Slot {
    match launched {
        Ok(instance) => Slot::Running(Box::new(instance)),
        Err(error) => {
            tracing::info!("Chromium did not start: {error}");
            Slot::Failed(error)
        }
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn closed() -> RenderedPage {
    RenderedPage {
        error: Some("the browser was closed".into()),
        ..RenderedPage::default()
    }
}

impl Instance {
    /// Start Chromium with a fresh profile and connect to it; why not, in Chromium's or the
    /// system's words.
    async fn launch(settings: &BrowserSettings, generation: u32) -> Result<Instance, String> {
        let profile = tempfile::Builder::new()
            .prefix("trackaudit-chromium-")
            .tempdir()
            .map_err(|e| Error::io(&std::env::temp_dir(), e).to_string())?;
        let config = match configure(settings, profile.path()) {
            Ok(config) => config,
            Err(e) => {
                remove_profile(profile).await;
                return Err(e);
            }
        };
        let launching = std::time::Instant::now();
        let (mut browser, mut handler) = match Browser::launch(config).await {
            Ok(launched) => launched,
            Err(e) => {
                // chromiumoxide has killed what it started; its helpers may linger a moment.
                remove_profile(profile).await;
                return Err(format!("{} ({e})", settings.executable.display()));
            }
        };
        let typed_parse_errors = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&typed_parse_errors);
        // The handler must be polled for the browser to work; a message it cannot parse is
        // counted and the handler goes on.
        let handler = tokio::spawn(async move {
            while let Some(event) = handler.next().await {
                if let Err(CdpError::InvalidMessage(..) | CdpError::Serde(_)) = event {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        let cdp = match Cdp::connect(browser.websocket_address()).await {
            Ok(cdp) => cdp,
            Err(e) => {
                let _ = browser.kill().await;
                let _ = browser.wait().await;
                handler.abort();
                remove_profile(profile).await;
                return Err(format!("the DevTools connection failed: {e}"));
            }
        };
        tracing::debug!(
            "Chromium started and connected in {:?}",
            launching.elapsed()
        );
        Ok(Instance {
            browser,
            cdp,
            handler,
            typed_parse_errors,
            profile,
            generation,
        })
    }

    /// Kill Chromium, wait for its processes, remove the profile; the parse errors counted.
    /// Killed, not closed: the profile is thrown away, so a graceful close (about 0.4 s) would
    /// save nothing.
    async fn close(mut self) -> u64 {
        let errors = self.typed_parse_errors.load(Ordering::Relaxed) + self.cdp.parse_errors();
        let browser = &mut self.browser;
        let _ = browser.kill().await;
        let _ = browser.wait().await;
        self.handler.abort();
        remove_profile(self.profile).await;
        errors
    }
}

/// The profile's preferences written and Chromium's command line built, for a launch into
/// `profile`.
fn configure(settings: &BrowserSettings, profile: &Path) -> Result<BrowserConfig, String> {
    let io = |path: &Path, e| Error::io(path, e).to_string();
    let default = profile.join("Default");
    std::fs::create_dir_all(&default).map_err(|e| io(&default, e))?;
    let preferences = default.join("Preferences");
    std::fs::write(&preferences, r#"{"profile":{"cookie_controls_mode":0}}"#)
        .map_err(|e| io(&preferences, e))?;
    // Chromium's own temporary files go into the profile too, and leave with it.
    let tmp = profile.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    let mut builder = BrowserConfig::builder()
        .env("TMPDIR", tmp.display().to_string())
        .chrome_executable(&settings.executable)
        .new_headless_mode()
        .user_data_dir(profile)
        .respect_https_errors()
        .surface_invalid_messages()
        .launch_timeout(Duration::from_secs(30))
        .request_timeout(settings.call_timeout)
        .window_size(1366, 900);
    if settings.no_sandbox {
        builder = builder.no_sandbox();
    }
    // chromiumoxide would add its defaults as separate flags, its `--disable-features` beside
    // ours (and Chromium keeps only the last): they are passed here, joined with ours.
    builder = builder.disable_default_args();
    let flags = AUTOMATION_FLAGS.iter().chain(QUIET_FLAGS).copied();
    for (name, value) in command_line(flags.chain(settings.args.iter().map(String::as_str))) {
        builder = match value {
            Some(value) => builder.arg((name.as_str(), value.as_str())),
            None => builder.arg(name),
        };
    }
    builder.build()
}

/// Chromium's helper processes (network service, renderers) outlive the main one for a moment
/// and keep writing into the profile: kill every process that names the profile (the profile is
/// thrown away, so nothing is lost), wait until they are gone, then remove it, retrying.
async fn remove_profile(profile: tempfile::TempDir) {
    let path = profile.keep();
    let needle = path.to_string_lossy().into_owned();
    for _ in 0..250 {
        let left = processes_naming(&needle);
        if left.is_empty() {
            break;
        }
        for pid in left {
            kill(pid);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for _ in 0..20 {
        match std::fs::remove_dir_all(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Ok(()) if !path.exists() => return,
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    tracing::warn!("could not remove the temporary profile {}", path.display());
}

/// Processes whose command line contains `needle` (the profile path), from /proc.
fn processes_naming(needle: &str) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .collect()
}

fn kill(pid: i32) {
    // SAFETY: sending a signal to a process id we found running with our profile's path.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_features_given_twice_are_joined_into_one_flag() {
        let line = command_line([
            "--disable-features=TranslateUI",
            "--no-first-run",
            "--lang=en_US",
            "--disable-features=Translate,IsolateOrigins",
            "--host-resolver-rules=MAP * 127.0.0.1:1, EXCLUDE 127.0.0.1",
            "--disable-features=TranslateUI,site-per-process",
            "--lang=nl",
        ]);
        let value = |name: &str| {
            let found: Vec<_> = line.iter().filter(|(n, _)| n == name).collect();
            assert_eq!(found.len(), 1, "{name} once: {line:?}");
            found[0].1.clone()
        };
        assert_eq!(
            value("disable-features").as_deref(),
            Some("TranslateUI,Translate,IsolateOrigins,site-per-process")
        );
        assert_eq!(value("lang").as_deref(), Some("nl"), "the later one wins");
        assert_eq!(value("no-first-run"), None);
        assert_eq!(
            value("host-resolver-rules").as_deref(),
            Some("MAP * 127.0.0.1:1, EXCLUDE 127.0.0.1")
        );
        assert_eq!(
            line[0].0, "disable-features",
            "in the place it first appeared"
        );
    }

    #[test]
    fn the_project_flags_and_chromiumoxides_defaults_make_one_disable_features() {
        let line = command_line(AUTOMATION_FLAGS.iter().chain(QUIET_FLAGS).copied());
        let features: Vec<_> = line
            .iter()
            .filter(|(n, _)| n == "disable-features")
            .collect();
        assert_eq!(features.len(), 1);
        let items: Vec<&str> = features[0].1.as_deref().unwrap_or("").split(',').collect();
        for item in [
            "TranslateUI",
            "IsolateOrigins",
            "site-per-process",
            "Translate",
            "WebUIOmniboxPopup",
        ] {
            assert!(items.contains(&item), "{item} in {items:?}");
        }
    }
}
