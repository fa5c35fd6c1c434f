//! One scan: for every target, crawl → observe → classify → gather → assess → report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::audit::SiteAudit;
use crate::classify::{Classified, classify_page};
use crate::crawl::Renderer;
use crate::crawl::folder::FolderServer;
use crate::crawl::{AddressPolicy, Analysis, Analyzer, CrawlConfig, CrawlPool, Crawler, Progress};
use crate::error::Error;
use crate::evidence;
use crate::lists::Lists;
use crate::neutralize;
use crate::observe::browser::{
    AddressGuard, BrowserSettings, BrowserStats, FirstChoice, Made, RenderedPage, SiteBrowser,
    browser_observations,
};
use crate::observe::stylesheets::Stylesheets;
use crate::observe::{PageObservations, observe_html};
use crate::policy::config::{ActiveSuppression, apply_suppressions};
use crate::policy::{Policy, assess};
use crate::report::baseline::apply_baseline;
use crate::report::build::{build_site, now_rfc3339, summarize};
use crate::report::model::{
    ConsentChoice, Coverage, EvidenceFiles, Page, Report, SCHEMA_VERSION, ScanRecord, Severity,
    Site, SiteBrowser as SiteBrowserReport, Tool,
};
use crate::scope::SiteScope;
use crate::state::StateDir;
use crate::vocab::ConsentState;

/// What to scan: a site on the web or a folder of a built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Url(Url),
    Folder(PathBuf),
}

impl Target {
    /// An existing folder is a built site; anything else must be an http(s) URL. A URL without
    /// a scheme gets `http://` for an IP address or `localhost` (test and intranet servers
    /// rarely speak TLS) and `https://` for a name such as `www.school.nl`. A file gets a hint
    /// to give its folder.
    pub fn parse(text: &str) -> Result<Target, Error> {
        let path = PathBuf::from(text);
        if path.is_dir() {
            return Ok(Target::Folder(path));
        }
        let invalid = |message: String| Error::Target {
            target: text.into(),
            message,
        };
        if path.is_file() {
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            return Err(invalid(format!(
                "a file, not a folder: to scan the built site it belongs to, give its folder ({})",
                folder.display()
            )));
        }
        let with_scheme = if text.contains("://") {
            text.to_owned()
        } else if !text.contains(std::path::MAIN_SEPARATOR) && looks_like_host(text) {
            let local = Url::parse(&format!("http://{text}")).is_ok_and(|u| {
                matches!(u.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)))
                    || u.host_str() == Some("localhost")
            });
            let scheme = if local { "http" } else { "https" };
            format!("{scheme}://{text}")
        } else {
            return Err(invalid(
                "neither an existing folder nor a URL (no such folder)".into(),
            ));
        };
        let url = Url::parse(&with_scheme).map_err(|e| Error::Target {
            target: text.into(),
            message: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::Target {
                target: text.into(),
                message: "only http and https URLs can be scanned".into(),
            });
        }
        Ok(Target::Url(url))
    }

    /// How the target is shown and stored: a URL without its user name and password.
    pub fn label(&self) -> String {
        match self {
            Target::Url(url) => neutralize::redact_userinfo(url.as_str()).into_owned(),
            Target::Folder(path) => path.display().to_string(),
        }
    }
}

/// `www.school.nl`, `127.0.0.1:8080`, `localhost:3000`, `[::1]:8080`: something with a dot, a
/// bracketed IPv6 address, or `localhost`.
fn looks_like_host(text: &str) -> bool {
    let host = text.split(['/', '?', '#']).next().unwrap_or_default();
    host.contains('.')
        || host.starts_with('[')
        || host == "localhost"
        || host.starts_with("localhost:")
}

/// A target and the name the targets file gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteTarget {
    pub target: Target,
    /// Shown in every report beside the target (`Openbare basisschool De Linde`).
    pub name: Option<String>,
}

impl From<Target> for SiteTarget {
    fn from(target: Target) -> SiteTarget {
        SiteTarget { target, name: None }
    }
}

/// Everything a scan needs besides its targets.
#[derive(Default)]
pub struct ScanSettings {
    pub crawl: CrawlConfig,
    pub policy: Policy,
    /// Findings at or above this severity fail the scan; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Suppressions from the config file.
    pub suppressions: Vec<ActiveSuppression>,
    /// An earlier report: findings are marked new or unchanged, and gone ones listed.
    pub baseline: Option<Report>,
    /// Also load every HTML page in Chromium (`--engine chromium`).
    pub browser: Option<BrowserSettings>,
    /// The consent state the browser audits the site in (`--consent`).
    pub consent: ConsentState,
    /// `--consent all`: after the crawl (in the `none` state), this many pages — the start page
    /// and the first others by depth and URL — are loaded again after "accept" and after
    /// "reject", in a fresh profile each.
    pub consent_sample: Option<usize>,
    /// The longest one site may take (`--site-timeout`); `None`: no limit.
    pub site_timeout: Option<std::time::Duration>,
    /// Sites scanned at once (0 counts as 1). Their requests share `crawl.concurrency` and
    /// each host's politeness.
    pub parallel_sites: usize,
    /// `--state DIR`: each site is compared with its last scan kept there, and its new scan is
    /// kept there as soon as the site is done.
    pub state: Option<StateDir>,
    /// Without `--state`: a folder where each site's one-site JSON report is written as soon
    /// as the site is done (`--output DIR/` of a run of several sites: `DIR/sites/`).
    pub site_reports: Option<PathBuf>,
}

/// What the analyser keeps of a page.
type PagePayload = (PageObservations, Vec<Classified>);

/// Scan the targets, `settings.parallel_sites` at a time, within one pool of requests
/// (`--concurrency`) and per-host politeness; the report lists the sites in the targets'
/// order. A target that cannot be reached still gets a site entry with the error, and Ctrl-C
/// (the `cancel` token) ends the scan with the sites scanned so far.
pub async fn scan(
    targets: &[SiteTarget],
    settings: &ScanSettings,
    lists: Arc<Lists>,
    cancel: CancellationToken,
    progress: Option<Arc<dyn Progress>>,
) -> Result<Report, Error> {
    let started_at = now_rfc3339();
    let header = |finished_at: String, sites: Vec<Site>, interrupted: bool| Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "trackaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        engine: if settings.browser.is_some() {
            "chromium"
        } else {
            "static"
        }
        .into(),
        lang: settings.policy.lang.code().into(),
        started_at: started_at.clone(),
        finished_at,
        interrupted,
        settings: Some(record(settings, &lists)),
        shard: None,
        sites,
    };
    let pool = CrawlPool::new(&settings.crawl);
    let mut done: Vec<Option<Site>> = vec![None; targets.len()];
    let mut interrupted = false;
    let mut running = futures::stream::iter(targets.iter().enumerate())
        .map(|(index, target)| {
            let (lists, cancel, pool, progress) = (&lists, &cancel, &pool, progress.clone());
            async move {
                if cancel.is_cancelled() {
                    return (index, None);
                }
                let scanned = scan_target(target, settings, lists, cancel, pool, progress).await;
                (index, Some(scanned))
            }
        })
        .buffer_unordered(settings.parallel_sites.max(1));
    while let Some((index, scanned)) = running.next().await {
        match scanned {
            // A stop before a site's turn (even before the first) still names it in the report.
            None => {
                interrupted = true;
                let mut site = not_reached(&targets[index].target, settings, &lists);
                site.name = targets[index].name.clone();
                done[index] = Some(site);
            }
            Some(scanned) => {
                let (site, stopped) = scanned?;
                interrupted |= stopped;
                let one = header(now_rfc3339(), Vec::new(), false);
                if let Some(state) = &settings.state {
                    match state.save(&one, &site, stopped) {
                        Ok(Some(path)) => tracing::info!("state kept in {}", path.display()),
                        Ok(None) => {}
                        Err(e) => tracing::error!("--state: {} not kept: {e}", site.target),
                    }
                } else if let Some(dir) = &settings.site_reports {
                    match crate::output::save_site(dir, &one, &site, stopped) {
                        Ok(path) => tracing::info!("site report kept in {}", path.display()),
                        Err(e) => tracing::error!("{}: site report not kept: {e}", site.target),
                    }
                }
                done[index] = Some(site);
            }
        }
    }
    drop(running);
    let sites: Vec<Site> = done.into_iter().flatten().collect();
    Ok(header(now_rfc3339(), sites, interrupted))
}

/// A site the scan was stopped before: no page read, and the report says so.
fn not_reached(target: &Target, settings: &ScanSettings, lists: &Lists) -> Site {
    let facts = crate::audit::SiteFacts::default();
    let mut site = build_site(target.label(), String::new(), facts, Vec::new(), lists);
    site.coverage = Some(Coverage::default());
    site.summary = summarize(&site, settings.fail_on);
    site.error = crate::report::unscanned::reason(&site, settings.policy.lang);
    site
}

/// The settings recorded in the report.
fn record(settings: &ScanSettings, lists: &Lists) -> ScanRecord {
    let crawl = &settings.crawl;
    let patterns = |r: &[regex::Regex]| r.iter().map(|r| r.as_str().to_owned()).collect();
    ScanRecord {
        max_pages: crawl.max_pages,
        max_depth: crawl.max_depth,
        include: patterns(&crawl.include),
        exclude: patterns(&crawl.exclude),
        robots: !crawl.ignore_robots,
        user_agent: crawl.user_agent.clone(),
        timeout_s: crawl.timeout.as_secs_f64(),
        site_timeout_s: settings.site_timeout.map(|t| t.as_secs_f64()),
        lists: lists.external.names().map(str::to_owned).collect(),
        fail_on: settings.fail_on.map_or("never", Severity::as_str).into(),
    }
}

/// An HTML content type (`text/html; charset=…`, `application/xhtml+xml`).
fn is_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
}

async fn scan_target(
    site_target: &SiteTarget,
    settings: &ScanSettings,
    lists: &Arc<Lists>,
    cancel: &CancellationToken,
    pool: &Arc<CrawlPool>,
    progress: Option<Arc<dyn Progress>>,
) -> Result<(Site, bool), Error> {
    let target = &site_target.target;
    let lang = settings.policy.lang;
    let started = std::time::Instant::now();
    // The site's time limit stops this site's crawl like Ctrl-C stops the scan: what was read is
    // reported. A child token, so the scan goes on with the next site.
    let site_cancel = cancel.child_token();
    let _timer = settings.site_timeout.map(|limit| {
        let token = site_cancel.clone();
        AbortOnDrop(tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            token.cancel();
        }))
    });
    // The server lives until the crawl of its folder is done.
    let (start, _server) = match target {
        Target::Url(url) => (url.clone(), None),
        Target::Folder(path) => {
            let server = FolderServer::start(path).await?;
            (server.url.clone(), Some(server))
        }
    };
    let scope = SiteScope::for_url(&start);
    let origin_to_strip = matches!(target, Target::Folder(_))
        .then(|| start.as_str().trim_end_matches('/').to_owned());
    // The last scan kept in --state, else --baseline.
    let kept = settings
        .state
        .as_ref()
        .and_then(|s| s.last(&target.label()));
    let baseline = kept.as_ref().or(settings.baseline.as_ref());
    let old = baseline.and_then(|b| crate::report::baseline::counterpart(b, &target.label()));
    let mut audit = SiteAudit::new(lists, scope.clone(), origin_to_strip).with_baseline(old);

    let analyzer: Analyzer<PagePayload> = {
        let lists = Arc::clone(lists);
        let scope = scope.clone();
        Arc::new(move |url: &Url, html: &str| {
            let mut observed = observe_html(html, url, &lists.matcher);
            let links = std::mem::take(&mut observed.links);
            observed.social_accounts = social_accounts(&links, &lists);
            let observations = std::mem::take(&mut observed.observations);
            let classified = classify_page(observations, &scope, &lists);
            Analysis {
                links,
                payload: (observed, classified),
            }
        })
    };
    let crawl = CrawlConfig {
        served_folder: matches!(target, Target::Folder(_)),
        ..settings.crawl.clone()
    };
    // A guard that cannot start (no loopback port left) is the site's browser error: Chromium
    // never runs unguarded, and the static reading goes on.
    let (guard, guard_error) = match &settings.browser {
        Some(browser) => match address_guard(&settings.crawl, browser, &start).await {
            Ok(guard) => (guard, None),
            Err(e) => (None, Some(e)),
        },
        None => (None, None),
    };
    // The browser's settings for this site: the guard's flags added, for every profile.
    let browser_settings = settings
        .browser
        .as_ref()
        .filter(|_| guard_error.is_none())
        .map(|browser| {
            let mut browser = browser.clone();
            if let Some(guard) = &guard {
                browser.args.extend(guard.chromium_flags());
            }
            browser
        });
    let evidence_dir = settings
        .browser
        .as_ref()
        .and_then(|b| b.evidence_dir.as_deref())
        .map(|root| evidence::site_dir(root, &start));
    let mut banners = Vec::new();
    let choice = Choice {
        start: &start,
        lists,
        evidence_dir: evidence_dir.as_deref(),
        cancel: &site_cancel,
    };
    // Chromium starts when the first HTML page needs it: a site that cannot be reached costs
    // no browser. A choice on the banner is made first, in the profile the crawl goes on in.
    let browser = browser_settings.as_ref().map(|browser| {
        let browser = SiteBrowser::new(browser);
        Arc::new(match settings.consent {
            ConsentState::Accept | ConsentState::Reject => {
                browser.with_choice(choice.first(settings.consent))
            }
            _ => browser,
        })
    });
    let renderer = browser.as_ref().map(|b| {
        let start = crate::crawl::normalize(&start).unwrap_or_else(|| start.clone());
        renderer(
            Arc::clone(b),
            Arc::clone(lists),
            scope.clone(),
            start,
            settings.consent,
            cancel.clone(),
        )
    });
    let mut har = evidence_dir.as_ref().map(|_| evidence::HarLog::default());
    let mut screenshot = None;
    let crawler = Crawler::in_pool(crawl, &start, Arc::clone(pool))?;
    // The site's stylesheets and the pages that link them, read after the crawl.
    let mut linked_sheets: BTreeMap<Url, BTreeSet<Url>> = BTreeMap::new();
    // The HTML pages read, by depth: the sample of `--consent all` comes from them.
    let mut html_pages: Vec<(usize, Url)> = Vec::new();
    let stats = crawler
        .run_rendered(
            start.clone(),
            analyzer,
            renderer,
            site_cancel.clone(),
            progress,
            |mut crawled| {
                if crawled.analysis.is_some() && crawled.error.is_none() {
                    html_pages.push((crawled.depth, crawled.url.clone()));
                }
                if let Some((observed, _)) = &mut crawled.analysis {
                    if let (Some(har), Some(rendered)) = (&mut har, &observed.browser) {
                        har.add_page(&crawled.url, rendered);
                    }
                    let shot = observed.browser.as_mut().and_then(|r| r.screenshot.take());
                    if let (Some(dir), Some(png)) = (&evidence_dir, shot) {
                        screenshot =
                            write_evidence(evidence::write_screenshot(dir, "start.png", &png));
                    }
                }
                let page = Page {
                    url: String::new(),
                    status: crawled.status,
                    error: crawled.error.as_ref().map(|f| f.line(lang)),
                    error_about: crawled.error,
                    title: None,
                    content_type: crawled.content_type,
                    redirects: crawled.redirects,
                    truncated: crawled.truncated,
                    observations_left_out: 0,
                    depth: crawled.depth,
                    aliases: Vec::new(),
                    browser: None,
                };
                let sheets: Vec<Url> = crawled
                    .analysis
                    .iter()
                    .flat_map(|(o, _)| &o.stylesheets)
                    .filter(|s| scope.contains(s))
                    .cloned()
                    .collect();
                // An alias of a page already seen adds nothing, its stylesheets included.
                if audit.add_page(&crawled.url, page, crawled.analysis, crawled.content_hash) {
                    for sheet in sheets {
                        linked_sheets
                            .entry(sheet)
                            .or_default()
                            .insert(crawled.url.clone());
                    }
                }
            },
        )
        .await;
    let mut stylesheets = Stylesheets::default();
    for (sheet, pages) in linked_sheets {
        if site_cancel.is_cancelled() {
            break;
        }
        let show = |u: &Url| audit.display(u);
        let loaded = stylesheets.loads(&crawler, &sheet, &show).await;
        if loaded.is_empty() {
            continue;
        }
        let classified = classify_page(loaded, &scope, lists);
        for page in pages {
            audit.add_loaded(&page, classified.clone());
        }
    }
    // The privacy and cookie statements the pages link, read as text (on any host).
    let statements = if site_cancel.is_cancelled() {
        Vec::new()
    } else {
        let show = |u: &Url| audit.display(u);
        crate::statement::read_all(&crawler, audit.statement_links(), &show, lang).await
    };
    tracing::info!(
        "{}: {} pages fetched, {} skipped by robots.txt",
        target.label(),
        stats.fetched,
        stats.skipped_by_robots.count
    );
    // Every tab is done once the crawl is: the browser can close.
    let mut browser_stats = match &browser {
        Some(browser) => Some(browser.shutdown().await),
        None => guard_error.map(|error| BrowserStats {
            error: Some(error),
            ..BrowserStats::default()
        }),
    };
    if let Some(made) = browser.as_ref().and_then(|b| b.take_choice()) {
        choice.record(made, settings.consent, &mut audit, &mut banners);
    }
    let sample = settings
        .consent_sample
        .map(|n| consent_sample(html_pages, n))
        .filter(|sample| !sample.is_empty());
    // No HTML page was read: nothing to load again after a choice, no browser to start.
    if let (Some(sample), Some(browser_settings)) = (sample, &browser_settings) {
        let states = States {
            settings: browser_settings,
            sample: &sample,
            scope: &scope,
        };
        let more = choice
            .other_states(&states, &mut audit, har.as_mut(), &mut banners)
            .await;
        if let Some(stats) = &mut browser_stats {
            stats.parse_errors += more.parse_errors;
            stats.restarts += more.restarts;
            stats.error = stats.error.take().or(more.error);
        }
        audit.set_consent_sample(&sample);
    }
    let shown = |found: &crate::crawl::Found| -> Vec<String> {
        found
            .sample
            .iter()
            .map(|u| Url::parse(u).map_or_else(|_| u.clone(), |url| audit.display(&url)))
            .collect()
    };
    let (not_visited_sample, excluded_sample) = (shown(&stats.not_visited), shown(&stats.excluded));
    let skipped_by_robots_sample = shown(&stats.skipped_by_robots);
    let evidence_files = match (&evidence_dir, &har) {
        (Some(dir), Some(har)) => Some(EvidenceFiles {
            har: write_evidence(har.write(dir)),
            screenshot,
            banners,
        }),
        _ => None,
    };
    let timed_out = site_cancel.is_cancelled() && !cancel.is_cancelled();
    let timed_out_after_s = settings
        .site_timeout
        .filter(|_| timed_out)
        .map(|limit| limit.as_secs_f64());
    if let Some(limit) = timed_out_after_s {
        tracing::warn!(
            "{}: the site's time limit of {limit} s (--site-timeout) ran out; the report covers the pages read until then",
            target.label()
        );
    }
    let mut facts = audit.finish();
    facts.statements = statements;
    facts.disclosure = crate::policy::disclosure::evaluate(&facts, lists);
    let scanned = || facts.pages.iter().filter(|p| p.scanned());
    let coverage = Coverage {
        pages_scanned: scanned().count(),
        not_html: scanned()
            .filter(|p| !p.content_type.as_deref().is_some_and(is_html))
            .count(),
        errors: facts.pages.iter().filter(|p| p.error.is_some()).count(),
        aliases: facts.pages.iter().map(|p| p.aliases.len()).sum(),
        not_visited: stats.not_visited.count,
        not_visited_sample,
        skipped_by_robots: stats.skipped_by_robots.count,
        skipped_by_robots_sample,
        excluded: stats.excluded.count,
        excluded_sample,
        observations_left_out: facts.pages.iter().map(|p| p.observations_left_out).sum(),
        third_parties_left_out: facts.third_parties_left_out,
        cookies_left_out: facts.stored_left_out.cookies,
        storage_left_out: facts.stored_left_out.storage,
        blocked_cookies_left_out: facts.stored_left_out.blocked_cookies,
        names_shortened: facts.stored_left_out.shortened,
        timed_out_after_s,
    };
    let browser_report = browser_stats.map(|stats| {
        let browser_error = stats.error.map(|e| {
            crate::failure::Failure::new(crate::failure::FailureKind::BrowserNotStarted)
                .with_detail(e)
        });
        SiteBrowserReport {
            pages: facts.browser_pages,
            requests: facts.browser_requests,
            cdp_parse_errors: stats.parse_errors,
            restarts: stats.restarts,
            error: browser_error.as_ref().map(|f| f.line(lang)),
            error_about: browser_error,
            refused_addresses: guard
                .as_ref()
                .map(AddressGuard::refused)
                .unwrap_or_default(),
        }
    });
    let findings = assess(&facts, lists, &settings.policy);
    let mut site = build_site(target.label(), start.to_string(), facts, findings, lists);
    site.name = site_target.name.clone();
    site.coverage = Some(coverage);
    // Credentials in the target, a link or a redirect were used for requests; never stored.
    let mut site = neutralize::map_strings(&site, &neutralize::redact_userinfo).unwrap_or(site);
    site.browser = browser_report;
    site.evidence_files = evidence_files;
    let today = time::OffsetDateTime::now_utc().date();
    apply_suppressions(&mut site, &settings.suppressions, today);
    for unused in &site.unused_suppressions {
        tracing::warn!(
            "{}: a suppression matched no finding (rule {:?}, service {:?}, url {:?}); the url regex is matched against the page's path and query, e.g. /open-dag",
            site.target,
            unused.rule.as_deref().unwrap_or("any"),
            unused.service.as_deref().unwrap_or("any"),
            unused.url.as_deref().unwrap_or("any"),
        );
    }
    if baseline.is_some() {
        apply_baseline(&mut site, old);
        // The baseline may be in the other language: gone findings are worded in this one.
        for finding in &mut site.resolved {
            crate::policy::texts::reword(finding, &lists.catalogue, settings.policy.lang);
        }
    }
    site.summary = summarize(&site, settings.fail_on);
    site.error = crate::report::unscanned::reason(&site, settings.policy.lang);
    site.duration_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    Ok((site, stats.interrupted && !timed_out))
}

/// The accounts on social platforms among a page's links (share links and posts are none).
fn social_accounts(links: &[Url], lists: &Lists) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = links
        .iter()
        .filter_map(|link| match lists.platforms.classify(link) {
            Some(crate::lists::platforms::SocialLink::Account(platform, account)) => {
                Some((platform, account))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Where and how a consent choice is made on a site's start page.
struct Choice<'a> {
    start: &'a Url,
    lists: &'a Lists,
    evidence_dir: Option<&'a Path>,
    cancel: &'a CancellationToken,
}

/// One consent state of `--consent all`: the choice, the sample pages loaded after it (in the
/// sample's order) and the profile's browser counters.
struct StateVisit {
    state: ConsentState,
    made: Made,
    pages: Vec<(Url, RenderedPage)>,
    stats: BrowserStats,
}

impl Choice<'_> {
    /// The choice `state` on the start page's banner, made when the profile's Chromium starts
    /// (a stop ends it at once).
    fn first(&self, state: ConsentState) -> FirstChoice {
        FirstChoice {
            url: self.start.clone(),
            rules: self.lists.catalogue.cmps.clone(),
            state,
            screenshot: self.evidence_dir.is_some(),
            cancel: self.cancel.clone(),
        }
    }

    /// The choice into the audit, the banner's screenshot into the evidence folder.
    fn record(
        &self,
        (choice, shot): Made,
        state: ConsentState,
        audit: &mut SiteAudit<'_>,
        banners: &mut Vec<String>,
    ) {
        tracing::info!(
            "{}: consent {}: platform {}, clicked {}{}",
            self.start,
            state.as_str(),
            choice.platform.as_deref().unwrap_or("unknown"),
            choice.clicked,
            choice
                .error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        );
        audit.add_consent_choice(choice);
        if let (Some(dir), Some(png)) = (self.evidence_dir, shot) {
            let name = format!("banner-{}.png", state.as_str());
            banners.extend(write_evidence(evidence::write_screenshot(dir, &name, &png)));
        }
    }

    /// `--consent all`: "accept" and "reject" at once, each in a fresh profile: the choice is
    /// made, then the sample pages are loaded (as many at once as the browser has tabs) and
    /// recorded in that state (and in the HAR, with `--evidence`). Returns the profiles'
    /// browser counters, summed.
    async fn other_states(
        &self,
        states: &States<'_>,
        audit: &mut SiteAudit<'_>,
        mut har: Option<&mut evidence::HarLog>,
        banners: &mut Vec<String>,
    ) -> BrowserStats {
        let (accept, reject) = tokio::join!(
            self.visit(states, ConsentState::Accept),
            self.visit(states, ConsentState::Reject)
        );
        let mut total = BrowserStats::default();
        // Recorded in a fixed order, whichever profile finished first.
        for visit in [accept, reject] {
            self.record(visit.made, visit.state, audit, banners);
            for (url, rendered) in visit.pages {
                if let Some(har) = har.as_deref_mut() {
                    har.add_page(&url, &rendered);
                }
                let (observations, _) = browser_observations(&rendered);
                let classified = classify_page(observations, states.scope, self.lists);
                audit.add_state_page(&url, &rendered, classified);
            }
            total.parse_errors += visit.stats.parse_errors;
            total.restarts += visit.stats.restarts;
            total.error = total.error.or(visit.stats.error);
        }
        total
    }

    /// One state of `--consent all` in a profile of its own.
    async fn visit(&self, states: &States<'_>, state: ConsentState) -> StateVisit {
        // Chromium starts (and the choice is made) when the first sample page needs it.
        let browser = &SiteBrowser::new(states.settings).with_choice(self.first(state));
        let pages: Vec<(Url, RenderedPage)> = futures::stream::iter(states.sample)
            .map(|url| async move {
                let rendered = browser.render(url, false, self.cancel).await;
                rendered.map(|mut rendered| {
                    rendered.consent = Some(state);
                    (url.clone(), rendered)
                })
            })
            .buffered(states.settings.tabs.max(1))
            .filter_map(std::future::ready)
            .collect()
            .await;
        let stats = browser.shutdown().await;
        let made = browser.take_choice().unwrap_or_else(|| {
            let stopped = ConsentChoice {
                state: Some(state),
                error: Some("the scan was stopped before the choice was made".into()),
                ..ConsentChoice::default()
            };
            (stopped, None)
        });
        StateVisit {
            state,
            made,
            pages,
            stats,
        }
    }
}

/// What `--consent all` loads again after each choice, and how.
struct States<'a> {
    /// The site's browser settings (the address guard's flags included).
    settings: &'a BrowserSettings,
    /// The start page and the first other pages by depth and URL.
    sample: &'a [Url],
    scope: &'a SiteScope,
}

/// The pages of `--consent all`: the start page and the first others by depth and URL, `n` in
/// all, of the HTML pages the crawl read.
fn consent_sample(mut pages: Vec<(usize, Url)>, n: usize) -> Vec<Url> {
    pages.sort();
    pages.dedup();
    pages.into_iter().map(|(_, url)| url).take(n).collect()
}

/// A task that ends when its handle is dropped (the site's timer, once the site is done).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The private-address guard for the site's Chromium (see README "Private addresses"): none
/// with `--allow-private`, or when the user routes Chromium through a proxy of their own.
/// `Err`: why it could not start, which is the site's browser error (Chromium never runs
/// unguarded).
async fn address_guard(
    crawl: &CrawlConfig,
    browser: &BrowserSettings,
    start: &Url,
) -> Result<Option<AddressGuard>, String> {
    if crawl.allow_private {
        return Ok(None);
    }
    if browser.args.iter().any(|a| a.starts_with("--proxy-server")) {
        tracing::warn!(
            "Chromium uses the --proxy-server you gave: the private-address guard does not cover the browser"
        );
        return Ok(None);
    }
    let policy = AddressPolicy::for_site(false, start, &crawl.resolve);
    let guard = AddressGuard::start(policy)
        .await
        .map_err(|e| format!("the browser's address guard could not start: {e}"))?;
    Ok(Some(guard))
}

/// The browser step of every HTML page: load it in Chromium, classify the requests it made
/// like the static observations, and hand on the links of the rendered DOM. A stop signal ends
/// the page's load at once: its static reading and what the browser recorded until then are
/// kept, and the browser's part says it was stopped.
fn renderer(
    browser: Arc<SiteBrowser>,
    lists: Arc<Lists>,
    scope: crate::scope::SiteScope,
    start: Url,
    consent: ConsentState,
    cancel: CancellationToken,
) -> Renderer<PagePayload> {
    Arc::new(
        move |url: Url, (mut observed, mut classified): PagePayload| {
            let browser = Arc::clone(&browser);
            let lists = Arc::clone(&lists);
            let scope = scope.clone();
            let is_start = url == start;
            let cancel = cancel.clone();
            Box::pin(async move {
                // A stop ends the page's load at once, with what the browser recorded so far.
                let rendered = browser.render(&url, is_start, &cancel).await;
                // Chromium could not be started for the site, or a stop came before the page was
                // loaded: the static reading stands alone.
                let Some(mut rendered) = rendered else {
                    return Analysis {
                        links: Vec::new(),
                        payload: (observed, classified),
                    };
                };
                rendered.consent = Some(consent);
                let (observations, left_out) = browser_observations(&rendered);
                observed.observations_left_out += left_out;
                classified.extend(classify_page(observations, &scope, &lists));
                let links = rendered.links.clone();
                observed.browser = Some(rendered);
                Analysis {
                    links,
                    payload: (observed, classified),
                }
            })
        },
    )
}

/// The path of an evidence file written, as the report shows it; a file that could not be
/// written is logged and left out (the scan's findings stand without it).
fn write_evidence(written: Result<PathBuf, Error>) -> Option<String> {
    match written {
        Ok(path) => Some(path.display().to_string()),
        Err(e) => {
            tracing::error!("evidence not written: {e}");
            None
        }
    }
}
