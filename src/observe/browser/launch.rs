//! Finding, launching and closing Chromium: one process tree and one fresh profile per site.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::error::CdpError;
use futures::StreamExt;
use tokio::sync::Semaphore;
use url::Url;

use super::cdp::Cdp;
use super::{BrowserSettings, RenderedPage, tab};
use crate::error::Error;

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
    // Known fault (README): chromiumoxide adds `--disable-features=TranslateUI` after this one
    // and Chromium keeps the last, so this list does not take effect; site isolation is off
    // through `--disable-site-isolation-trials`.
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,IsolateOrigins,site-per-process",
    "--disable-site-isolation-trials",
    "--metrics-recording-only",
    "--password-store=basic",
];

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

/// The Chromium of one site: restarted when it dies, closed at the end.
pub struct SiteBrowser {
    instance: tokio::sync::RwLock<Option<Instance>>,
    tabs: Semaphore,
    settings: BrowserSettings,
    restarts: std::sync::atomic::AtomicU32,
    /// Parse errors of instances that were replaced.
    parse_errors: AtomicU64,
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
#[derive(Debug, Default, Clone, Copy)]
pub struct BrowserStats {
    /// Protocol messages that failed to parse, by the typed client and by the recorder.
    pub parse_errors: u64,
    /// Times Chromium died and was started again.
    pub restarts: u32,
}

impl SiteBrowser {
    /// Launch Chromium with a fresh profile that allows third-party cookies (a visitor's
    /// browser often does; a fresh headless profile blocks them and would hide what a site
    /// tries to set).
    pub async fn launch(settings: &BrowserSettings) -> Result<SiteBrowser, Error> {
        let instance = Instance::launch(settings, 0).await?;
        Ok(SiteBrowser {
            instance: tokio::sync::RwLock::new(Some(instance)),
            tabs: Semaphore::new(settings.tabs.max(1)),
            settings: settings.clone(),
            restarts: std::sync::atomic::AtomicU32::new(0),
            parse_errors: AtomicU64::new(0),
        })
    }

    /// Load one page in a tab of its own and record what happens; with `screenshot`, take a
    /// PNG screenshot of it too. When Chromium died meanwhile, it is started again (a fresh
    /// profile) and the page loaded once more.
    pub async fn render(&self, url: &Url, screenshot: bool) -> RenderedPage {
        let Ok(_tab) = self.tabs.acquire().await else {
            return closed();
        };
        for attempt in 0..2 {
            let Some((cdp, generation)) = self.connection().await else {
                return closed();
            };
            let page = tab::render(&cdp, url, &self.settings, screenshot).await;
            if !cdp.is_closed() || attempt == 1 || !self.restart(generation).await {
                return page;
            }
            tracing::warn!("Chromium died while loading {url}; started again");
        }
        closed()
    }

    /// Make the consent choice `state` on the banner of `url` in this site's profile (see
    /// [`super::consent`]); the outcome and, with `screenshot`, a PNG of the banner.
    pub async fn choose(
        &self,
        url: &Url,
        rules: &[crate::lists::CmpRule],
        state: crate::vocab::ConsentState,
        screenshot: bool,
    ) -> (crate::report::model::ConsentChoice, Option<Vec<u8>>) {
        let unavailable = |error: &str| crate::report::model::ConsentChoice {
            state: Some(state),
            error: Some(error.to_owned()),
            ..Default::default()
        };
        let Ok(_tab) = self.tabs.acquire().await else {
            return (unavailable("the browser was closed"), None);
        };
        let Some((cdp, _)) = self.connection().await else {
            return (unavailable("the browser was closed"), None);
        };
        super::consent::choose(&cdp, url, &self.settings, rules, state, screenshot).await
    }

    async fn connection(&self) -> Option<(Cdp, u32)> {
        let instance = self.instance.read().await;
        instance.as_ref().map(|i| (i.cdp.clone(), i.generation))
    }

    /// Replace a dead Chromium (of `generation`; another tab may have replaced it already).
    /// `false` when no new one could be started or the restarts are used up.
    async fn restart(&self, generation: u32) -> bool {
        let mut slot = self.instance.write().await;
        match slot.as_ref() {
            Some(current) if current.generation != generation => return true,
            None => return false,
            Some(_) => {}
        }
        if self.restarts.load(Ordering::Relaxed) >= MAX_RESTARTS {
            return false;
        }
        self.restarts.fetch_add(1, Ordering::Relaxed);
        if let Some(old) = slot.take() {
            self.parse_errors
                .fetch_add(old.close().await, Ordering::Relaxed);
        }
        match Instance::launch(&self.settings, generation + 1).await {
            Ok(instance) => {
                *slot = Some(instance);
                true
            }
            Err(e) => {
                tracing::error!("Chromium could not be started again: {e}");
                false
            }
        }
    }

    /// End Chromium, wait until every one of its processes has exited, then remove the
    /// profile. Never fails.
    pub async fn shutdown(&self) -> BrowserStats {
        let instance = self.instance.write().await.take();
        if let Some(instance) = instance {
            let errors = instance.close().await;
            self.parse_errors.fetch_add(errors, Ordering::Relaxed);
        }
        BrowserStats {
            parse_errors: self.parse_errors.load(Ordering::Relaxed),
            restarts: self.restarts.load(Ordering::Relaxed),
        }
    }
}

fn closed() -> RenderedPage {
    RenderedPage {
        error: Some("the browser was closed".into()),
        ..RenderedPage::default()
    }
}

impl Instance {
    async fn launch(settings: &BrowserSettings, generation: u32) -> Result<Instance, Error> {
        let profile = tempfile::Builder::new()
            .prefix("trackaudit-chromium-")
            .tempdir()
            .map_err(|e| Error::io(&std::env::temp_dir(), e))?;
        let default = profile.path().join("Default");
        std::fs::create_dir_all(&default).map_err(|e| Error::io(&default, e))?;
        let preferences = default.join("Preferences");
        std::fs::write(&preferences, r#"{"profile":{"cookie_controls_mode":0}}"#)
            .map_err(|e| Error::io(&preferences, e))?;
        // Chromium's own temporary files go into the profile too, and leave with it.
        let tmp = profile.path().join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut builder = BrowserConfig::builder()
            .env("TMPDIR", tmp.display().to_string())
            .chrome_executable(&settings.executable)
            .new_headless_mode()
            .user_data_dir(profile.path())
            .respect_https_errors()
            .surface_invalid_messages()
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(settings.call_timeout)
            .window_size(1366, 900);
        if settings.no_sandbox {
            builder = builder.no_sandbox();
        }
        // chromiumoxide adds the leading `--` itself.
        let flags = QUIET_FLAGS.iter().map(|f| f.to_string());
        for flag in flags.chain(settings.args.iter().cloned()) {
            builder = builder.arg(flag.trim_start_matches('-').to_owned());
        }
        let config = builder.build().map_err(Error::Config)?;
        let (mut browser, mut handler) = Browser::launch(config).await.map_err(|e| {
            Error::Config(format!(
                "Chromium ({}) did not start: {e}",
                settings.executable.display()
            ))
        })?;
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
                handler.abort();
                remove_profile(profile).await;
                return Err(Error::Config(format!("Chromium: {e}")));
            }
        };
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

/// Chromium's helper processes (network service, renderers) outlive the main one for a moment
/// and keep writing into the profile: wait for every process that names the profile to exit
/// (killing stragglers after a grace period), then remove it, retrying.
async fn remove_profile(profile: tempfile::TempDir) {
    let path = profile.keep();
    let needle = path.to_string_lossy().into_owned();
    for attempt in 0..50 {
        let left = processes_naming(&needle);
        if left.is_empty() {
            break;
        }
        if attempt == 20 {
            for pid in left {
                kill(pid);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
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
