//! Crawl: a bounded, polite, async frontier over one site. Pages flow out through a callback as
//! they are fetched and analysed; nothing of a page is kept here but its URL.

mod address;
mod decode;
mod fetch;
pub mod folder;
mod gate;
pub mod markup_guard;
mod normalize;
pub(crate) mod robots;
pub(crate) mod sitemap;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use regex::Regex;
use tokio::sync::{OnceCell, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

pub use address::{AddressPolicy, is_public, parse_resolve};
pub use decode::decode_html;
pub use normalize::normalize;

use crate::error::Error;
use crate::failure::{Failure, FailureKind};
use crate::report::model::Redirect;
use crate::scope::SiteScope;
use fetch::{FetchSettings, fetch};
use gate::Gates;
use markup_guard::Pathological;
use robots::{Robots, robots_url};

/// The crawl's settings, validated.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    pub max_pages: usize,
    pub max_depth: usize,
    pub concurrency: usize,
    pub per_host: usize,
    pub delay: Duration,
    pub timeout: Duration,
    pub include: Vec<Regex>,
    pub exclude: Vec<Regex>,
    pub ignore_robots: bool,
    pub user_agent: String,
    pub max_body: usize,
    pub max_redirects: usize,
    pub retries: u32,
    /// The site is a folder served by trackaudit itself on loopback: `/dir/index.html` is
    /// `/dir/` (the server answers both with the same file), and robots.txt's `Crawl-delay` is
    /// not honoured (it protects a production server, not this one; its rules still apply).
    pub served_folder: bool,
    /// Fetch from private, loopback and link-local addresses whatever the target
    /// (`--allow-private`).
    pub allow_private: bool,
    /// Host names resolved to these addresses instead of by DNS (`--resolve`).
    pub resolve: Vec<(String, std::net::IpAddr)>,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            max_pages: 500,
            max_depth: 16,
            concurrency: 64,
            per_host: 8,
            delay: Duration::ZERO,
            timeout: Duration::from_secs(20),
            include: Vec::new(),
            exclude: Vec::new(),
            ignore_robots: false,
            user_agent: format!("trackaudit/{}", env!("CARGO_PKG_VERSION")),
            max_body: 10 * 1024 * 1024,
            max_redirects: 10,
            retries: 2,
            served_folder: false,
            allow_private: false,
            resolve: Vec::new(),
        }
    }
}

/// The result of analysing a page's text: links to follow and whatever the caller keeps.
pub struct Analysis<T> {
    pub links: Vec<Url>,
    pub payload: T,
}

/// Runs on a blocking thread for each HTML page: parse and observe.
pub type Analyzer<T> = Arc<dyn Fn(&Url, &str) -> Analysis<T> + Send + Sync>;

/// Runs after the analysis of each HTML page (the browser engine: load the page in Chromium),
/// given the URL the page was asked for (before the redirects the crawler followed inside the
/// site, which the renderer follows itself) and the payload; its links join the frontier too.
pub type Renderer<T> =
    Arc<dyn Fn(Url, T) -> futures::future::BoxFuture<'static, Analysis<T>> + Send + Sync>;

/// One crawled URL: its fetch result and, for HTML, the analysis.
#[derive(Debug)]
pub struct CrawledPage<T> {
    /// The URL finally fetched (after redirects).
    pub url: Url,
    pub depth: usize,
    pub status: Option<u16>,
    /// Why the page could not be read, when it could not.
    pub error: Option<Failure>,
    pub content_type: Option<String>,
    pub redirects: Vec<Redirect>,
    pub truncated: bool,
    /// A hash of the decoded text of an HTML page: pages with the same hash have identical
    /// content (`/` and `/index.html`) and are one page with aliases.
    pub content_hash: Option<u64>,
    pub analysis: Option<T>,
}

/// Told about progress, for a progress bar.
pub trait Progress: Send + Sync {
    fn page_done(&self, url: &str, done: usize, queued: usize);
}

/// Statistics of a crawl.
#[derive(Debug, Default, Clone)]
pub struct CrawlStats {
    pub fetched: usize,
    /// Links robots.txt disallowed (not fetched), with a sample.
    pub skipped_by_robots: Found,
    pub interrupted: bool,
    /// In-scope URLs found but not visited because of `max_pages` or `max_depth`.
    pub not_visited: Found,
    /// In-scope URLs left out by `include`/`exclude`.
    pub excluded: Found,
}

/// URLs of one kind: how many, and the first few (normalised) as a sample.
#[derive(Debug, Default, Clone)]
pub struct Found {
    pub count: usize,
    pub sample: Vec<String>,
}

impl Found {
    /// URLs kept as a sample; the rest are counted.
    pub const SAMPLE: usize = 20;

    fn add(&mut self, url: &Url) {
        self.count += 1;
        if self.sample.len() < Found::SAMPLE {
            self.sample.push(url.to_string());
        }
    }
}

/// A document fetched by [`Crawler::fetch_document`].
#[derive(Debug)]
pub struct Document {
    /// Where it was found, after redirects.
    pub url: Url,
    pub content_type: Option<String>,
    /// The body, at most the cap asked for.
    pub bytes: Vec<u8>,
}

pub struct Crawler {
    client: reqwest::Client,
    config: CrawlConfig,
    scope: SiteScope,
    robots: Mutex<HashMap<String, Arc<OnceCell<Arc<Robots>>>>>,
    seen: Mutex<HashSet<String>>,
    pool: Arc<CrawlPool>,
}

/// What the crawls of the sites scanned at once share, so that their limits hold for the run
/// as a whole: per-host politeness and the requests in flight over all hosts (`concurrency`),
/// the parse slots and the bytes in analysis.
pub struct CrawlPool {
    gates: Gates,
    /// Parsing is CPU work: a bounded number of pages at a time.
    parse_slots: Semaphore,
    /// KiB of page bodies in analysis at once: a parsed page takes some 40 times its size, so
    /// the count of slots alone does not bound memory when pages are large.
    analysis_kib: Semaphore,
}

/// Sitemap files read per site at most (indexes included).
pub const MAX_SITEMAP_FILES: usize = 20;
/// Sitemap files fetched at once.
pub const SITEMAP_FETCHES: usize = 8;

impl CrawlPool {
    /// A pool with the limits of `config` (`per_host`, `delay`, `concurrency`).
    pub fn new(config: &CrawlConfig) -> Arc<CrawlPool> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(CrawlPool {
            gates: Gates::new(config.per_host, config.delay, config.concurrency),
            // Twice the cores: a page waiting for its slot would otherwise leave a core idle
            // between the end of one parse and the start of the next (measured: +15% pages/s).
            parse_slots: Semaphore::new(cores * 2),
            analysis_kib: Semaphore::new(ANALYSIS_BUDGET_KIB as usize),
        })
    }
}

/// Page bytes in analysis at once, in KiB (16 MiB: one page at the body cap and a few more).
pub const ANALYSIS_BUDGET_KIB: u32 = 16 * 1024;

impl Crawler {
    /// A crawler of the site of `start` with a pool of its own.
    pub fn new(config: CrawlConfig, start: &Url) -> Result<Arc<Crawler>, Error> {
        let pool = CrawlPool::new(&config);
        Crawler::in_pool(config, start, pool)
    }

    /// A crawler of the site of `start` (whose host, typed as a loopback or private address or
    /// as localhost, may be fetched whatever `allow_private` says) that shares `pool` with the
    /// crawls of other sites.
    pub fn in_pool(
        config: CrawlConfig,
        start: &Url,
        pool: Arc<CrawlPool>,
    ) -> Result<Arc<Crawler>, Error> {
        let scope = SiteScope::for_url(start);
        let addresses = AddressPolicy::for_site(config.allow_private, start, &config.resolve);
        let client = reqwest::Client::builder()
            .dns_resolver(addresses)
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .pool_max_idle_per_host(config.per_host.max(1))
            .build()
            .map_err(|e| Error::Client(e.to_string()))?;
        Ok(Arc::new(Crawler {
            client,
            config,
            scope,
            robots: Mutex::new(HashMap::new()),
            seen: Mutex::new(HashSet::new()),
            pool,
        }))
    }

    /// Crawl from `start`, calling `sink` for every page in the order they finish.
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        start: Url,
        analyzer: Analyzer<T>,
        cancel: CancellationToken,
        progress: Option<Arc<dyn Progress>>,
        sink: impl FnMut(CrawledPage<T>),
    ) -> CrawlStats {
        self.run_rendered(start, analyzer, None, cancel, progress, sink)
            .await
    }

    /// [`Crawler::run`], with every analysed HTML page also passed through `renderer`.
    pub async fn run_rendered<T: Send + 'static>(
        self: &Arc<Self>,
        start: Url,
        analyzer: Analyzer<T>,
        renderer: Option<Renderer<T>>,
        cancel: CancellationToken,
        progress: Option<Arc<dyn Progress>>,
        mut sink: impl FnMut(CrawledPage<T>),
    ) -> CrawlStats {
        let mut stats = CrawlStats::default();
        let mut queue: VecDeque<(Url, usize)> = VecDeque::new();
        // The sitemaps are read while the crawl starts, not before it: hanging sitemaps must not
        // spend the site's time budget before the start page is read.
        let mut sitemaps: Option<tokio::task::JoinHandle<Vec<Url>>> = None;
        if let Some(start) = self.normalize(&start) {
            self.mark_seen(&start);
            queue.push_back((start.clone(), 0));
            let crawler = Arc::clone(self);
            sitemaps = Some(tokio::spawn(
                async move { crawler.sitemap_seeds(&start).await },
            ));
        }
        let mut tasks: JoinSet<(Url, Option<Option<Visited<T>>>)> = JoinSet::new();
        let mut scheduled = 0;
        // Links a page hands on before its browser step ends (see `visit`).
        let (early_links, mut early) = tokio::sync::mpsc::unbounded_channel::<(Vec<Url>, usize)>();
        loop {
            while let Ok((links, depth)) = early.try_recv() {
                for url in links {
                    self.enqueue(&mut queue, url, depth, scheduled, &mut stats);
                }
            }
            while tasks.len() < self.config.concurrency.max(1) && scheduled < self.config.max_pages
            {
                let Some((url, depth)) = queue.pop_front() else {
                    break;
                };
                scheduled += 1;
                let crawler = Arc::clone(self);
                let analyzer = Arc::clone(&analyzer);
                let renderer = renderer.clone();
                let cancel = cancel.clone();
                let early_links = early_links.clone();
                tasks.spawn(async move {
                    let visited = crawler
                        .visit(
                            url.clone(),
                            depth,
                            analyzer,
                            renderer,
                            &early_links,
                            &cancel,
                        )
                        .await;
                    (url, visited)
                });
            }
            // With nothing running, the sitemaps are waited for only while they can add pages.
            let sitemaps_can_add = sitemaps.is_some() && scheduled < self.config.max_pages;
            if (tasks.is_empty() && !sitemaps_can_add) || cancel.is_cancelled() {
                break;
            }
            let joined = tokio::select! {
                joined = tasks.join_next(), if !tasks.is_empty() => joined,
                seeds = async {
                    match sitemaps.as_mut() {
                        Some(handle) => handle.await.unwrap_or_default(),
                        None => Vec::new(),
                    }
                }, if sitemaps.is_some() => {
                    sitemaps = None;
                    for url in seeds {
                        self.enqueue(&mut queue, url, 1, scheduled, &mut stats);
                    }
                    continue;
                }
                Some((links, depth)) = early.recv() => {
                    for url in links {
                        self.enqueue(&mut queue, url, depth, scheduled, &mut stats);
                    }
                    continue;
                }
                _ = cancel.cancelled() => break,
            };
            let Some(joined) = joined else { break };
            let (page, links) = match joined {
                Ok((_, Some(Some(visited)))) => visited,
                Ok((_, Some(None))) => continue,
                Ok((url, None)) => {
                    // Disallowed by robots.txt: it does not count against the page limit.
                    stats.skipped_by_robots.add(&url);
                    scheduled -= 1;
                    continue;
                }
                Err(e) => {
                    tracing::error!("a crawl task failed: {e}");
                    continue;
                }
            };
            stats.fetched += 1;
            if let Some(progress) = &progress {
                let shown = crate::neutralize::redact_userinfo(page.url.as_str());
                progress.page_done(&shown, stats.fetched, queue.len() + tasks.len());
            }
            let depth = page.depth + 1;
            sink(page);
            for url in links {
                self.enqueue(&mut queue, url, depth, scheduled, &mut stats);
            }
        }
        if let Some(sitemaps) = sitemaps {
            sitemaps.abort();
        }
        if cancel.is_cancelled() {
            stats.interrupted = true;
            // Pages already read are kept (a page in the browser ends its visit at once, with
            // what was recorded so far); fetches not finished were stopped.
            let drain = async {
                while let Some(joined) = tasks.join_next().await {
                    if let Ok((_, Some(Some((page, _))))) = joined {
                        stats.fetched += 1;
                        sink(page);
                    }
                }
            };
            if tokio::time::timeout(STOP_GRACE, drain).await.is_err() {
                tasks.abort_all();
            }
        } else {
            // What the page limit left in the frontier was found but not visited.
            for (url, _) in &queue {
                stats.not_visited.add(url);
            }
        }
        stats
    }

    /// Read one URL (see [`Crawler::read`]), then pass an HTML page's analysis through
    /// `renderer`; the links the page declares go to `early_links` (with their depth) before the
    /// browser step, so the next pages are read and loaded while this one renders.
    /// `None`: skipped by robots.txt; `Some(None)`: stopped before it was read.
    async fn visit<T: Send + 'static>(
        self: Arc<Self>,
        url: Url,
        depth: usize,
        analyzer: Analyzer<T>,
        renderer: Option<Renderer<T>>,
        early_links: &tokio::sync::mpsc::UnboundedSender<(Vec<Url>, usize)>,
        cancel: &CancellationToken,
    ) -> Option<Option<Visited<T>>> {
        // The browser loads the URL the crawler was given, not where its redirects ended:
        // Chromium follows them itself, so what the redirecting responses set (a language
        // hop's or a click tracker's `Set-Cookie`) is recorded too. Only a chain the crawler
        // followed to its end inside the site reaches the browser.
        let asked = url.clone();
        let read = tokio::select! {
            read = self.read(url, depth, analyzer) => read,
            _ = cancel.cancelled() => return Some(None),
        };
        let (mut page, mut links) = read?;
        if let Some(render) = renderer {
            if let Some(payload) = page.analysis.take() {
                // Fails only after a stop, when the loop is gone and needs no more links.
                let _ = early_links.send((std::mem::take(&mut links), page.depth + 1));
                let rendered = render(asked, payload).await;
                links.extend(rendered.links);
                page.analysis = Some(rendered.payload);
            }
        }
        Some(Some((page, links)))
    }

    /// Fetch one URL, following redirects inside the site, and analyse it if it is HTML.
    async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        url: Url,
        depth: usize,
        analyzer: Analyzer<T>,
    ) -> Option<Visited<T>> {
        let allowed = self.allowed_by_robots(&url).await;
        // A disallowed link is skipped quietly; a disallowed start page is why nothing was
        // scanned, and the report must say so.
        if !allowed && depth > 0 {
            return None;
        }
        let mut page = CrawledPage {
            url: url.clone(),
            depth,
            status: None,
            error: None,
            content_type: None,
            redirects: Vec::new(),
            truncated: false,
            content_hash: None,
            analysis: None,
        };
        if !allowed {
            page.error = Some(Failure::new(FailureKind::RobotsDisallowed));
            return Some((page, Vec::new()));
        }
        let mut chain = vec![url.as_str().to_owned()];
        let mut current = url;
        loop {
            if current.host_str().is_none() {
                page.error = Some(Failure::new(FailureKind::NoHost));
                return Some((page, Vec::new()));
            }
            let gate = self.pool.gates.for_host(&gate_key(&current));
            let settings = self.fetch_settings();
            let response = match fetch(&self.client, &gate, &current, settings, is_html).await {
                Ok(response) => response,
                Err(error) => {
                    page.error = Some(error);
                    return Some((page, Vec::new()));
                }
            };
            page.status = Some(response.status.as_u16());
            page.content_type = response.content_type.clone();
            if let Some(next) = response.location.as_ref().and_then(|l| self.normalize(l)) {
                let leaves_site = !self.scope.contains(&next);
                page.redirects.push(Redirect {
                    from: current.to_string(),
                    to: next.to_string(),
                    status: response.status.as_u16(),
                    leaves_site,
                });
                if leaves_site {
                    // Nothing of the site would be scanned: say where it went instead.
                    if depth == 0 {
                        page.error = Some(Failure::new(FailureKind::LeavesSite {
                            to: next.to_string(),
                        }));
                    }
                    return Some((page, Vec::new()));
                }
                if let Some(failure) = self.redirect_refused(&chain, &next) {
                    page.error = Some(failure);
                    return Some((page, Vec::new()));
                }
                // Another URL led here already: it is (or will be) crawled under that name.
                if !self.mark_seen(&next) || !self.allowed_by_robots(&next).await {
                    return Some((page, Vec::new()));
                }
                chain.push(next.as_str().to_owned());
                page.url = next.clone();
                current = next;
                continue;
            }
            if let Some(failure) = status_failure(response.status) {
                page.error = Some(failure);
                return Some((page, Vec::new()));
            }
            let Some(body) = response.body else {
                return Some((page, Vec::new())); // not HTML: nothing to observe
            };
            page.truncated = body.truncated;
            let _slot = self.pool.parse_slots.acquire().await.ok()?;
            let kib = u32::try_from(body.bytes.len().div_ceil(1024)).unwrap_or(u32::MAX);
            let _bytes = self
                .pool
                .analysis_kib
                .acquire_many(kib.clamp(1, ANALYSIS_BUDGET_KIB))
                .await
                .ok()?;
            let content_type = page.content_type.clone();
            let page_url = page.url.clone();
            let analysis = tokio::task::spawn_blocking(move || -> Result<_, Pathological> {
                let text =
                    markup_guard::without_nul(decode_html(&body.bytes, content_type.as_deref()));
                drop(body);
                markup_guard::check(&text)?;
                Ok((content_hash(&text), analyzer(&page_url, &text)))
            })
            .await;
            drop(_slot);
            return match analysis {
                Ok(Ok((hash, analysis))) => {
                    drop(_bytes);
                    page.content_hash = Some(hash);
                    let Analysis { links, payload } = analysis;
                    page.analysis = Some(payload);
                    Some((page, links))
                }
                Ok(Err(pathological)) => {
                    page.error = Some(Failure::new(pathological.failure()));
                    Some((page, Vec::new()))
                }
                Err(e) => {
                    page.error =
                        Some(Failure::new(FailureKind::AnalysisFailed).with_detail(e.to_string()));
                    Some((page, Vec::new()))
                }
            };
        }
    }

    /// The body of a subresource of the site (a stylesheet), read through the same client and
    /// per-host gate as pages, at most `max_body` bytes; `None` when it is out of scope, fails or
    /// answers with an error status. robots.txt does not apply: a browser loads subresources
    /// whatever it says.
    pub async fn fetch_subresource(&self, url: &Url, max_body: usize) -> Option<Vec<u8>> {
        if !self.scope.contains(url) {
            return None;
        }
        let gate = self.pool.gates.for_host(&gate_key(url));
        let settings = FetchSettings {
            max_body,
            ..self.fetch_settings()
        };
        let response = fetch(&self.client, &gate, url, settings, |_| true)
            .await
            .ok()?;
        response
            .body
            .filter(|_| response.status.is_success())
            .map(|b| b.bytes)
    }

    /// Fetch a document the site links to, on any host (a school board's central privacy
    /// statement), following up to `max_redirects` redirects, with the crawler's client (the
    /// same address checks), politeness and retries, the body cut at `max_body` bytes.
    /// robots.txt is not asked: this is one page a visitor reaches from the site.
    ///
    /// Errors: why it could not be fetched, with the same kinds as a page's failure.
    pub async fn fetch_document(&self, url: &Url, max_body: usize) -> Result<Document, Failure> {
        let mut chain = vec![url.as_str().to_owned()];
        let mut current = url.clone();
        loop {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(Failure::new(FailureKind::NotHttp).with_detail(current.as_str()));
            }
            if current.host_str().is_none() {
                return Err(Failure::new(FailureKind::NoHost).with_detail(current.as_str()));
            }
            let gate = self.pool.gates.for_host(&gate_key(&current));
            let settings = FetchSettings {
                max_body,
                ..self.fetch_settings()
            };
            let response = fetch(&self.client, &gate, &current, settings, |_| true).await?;
            if let Some(next) = response.location {
                if let Some(failure) = self.redirect_refused(&chain, &next) {
                    return Err(failure);
                }
                chain.push(next.as_str().to_owned());
                current = next;
                continue;
            }
            if let Some(failure) = status_failure(response.status) {
                return Err(failure);
            }
            return Ok(Document {
                url: current,
                content_type: response.content_type,
                bytes: response.body.map(|b| b.bytes).unwrap_or_default(),
            });
        }
    }

    /// Why a redirect to `next` is not followed, `chain` being the URLs requested so far: it
    /// leads back into the chain, or it would be one more than `max_redirects`.
    fn redirect_refused(&self, chain: &[String], next: &Url) -> Option<Failure> {
        if chain.iter().any(|u| u == next.as_str()) {
            return Some(Failure::new(FailureKind::RedirectLoop {
                to: next.to_string(),
            }));
        }
        (chain.len() >= self.config.max_redirects).then(|| {
            Failure::new(FailureKind::TooManyRedirects {
                max: self.config.max_redirects,
            })
        })
    }

    fn fetch_settings(&self) -> FetchSettings {
        FetchSettings {
            retries: self.config.retries,
            max_body: self.config.max_body,
            timeout: self.config.timeout,
        }
    }

    /// Add a link to the frontier if it is in scope, wanted, new, and within the limits.
    /// URLs left out by a limit or by include/exclude are counted in `stats` (once each).
    fn enqueue(
        &self,
        queue: &mut VecDeque<(Url, usize)>,
        url: Url,
        depth: usize,
        scheduled: usize,
        stats: &mut CrawlStats,
    ) {
        let config = &self.config;
        let Some(url) = self.normalize(&url) else {
            return;
        };
        if !self.scope.contains(&url) || !self.mark_seen(&url) {
            return;
        }
        let text = url.as_str();
        let included = config.include.is_empty() || config.include.iter().any(|r| r.is_match(text));
        if !included || config.exclude.iter().any(|r| r.is_match(text)) {
            stats.excluded.add(&url);
        } else if depth > config.max_depth || scheduled + queue.len() >= config.max_pages {
            stats.not_visited.add(&url);
        } else {
            queue.push_back((url, depth));
        }
    }

    fn normalize(&self, url: &Url) -> Option<Url> {
        let mut url = normalize(url)?;
        if self.config.served_folder {
            if let Some(dir) = url.path().strip_suffix("index.html").map(str::to_owned) {
                url.set_path(&dir);
            }
        }
        Some(url)
    }

    /// True when the URL was not seen before.
    fn mark_seen(&self, url: &Url) -> bool {
        lock(&self.seen).insert(url.as_str().to_owned())
    }

    async fn robots_for(&self, url: &Url) -> Arc<Robots> {
        let origin = url.origin().ascii_serialization();
        let cell = lock(&self.robots).entry(origin).or_default().clone();
        cell.get_or_init(|| self.fetch_robots(url)).await.clone()
    }

    async fn fetch_robots(&self, url: &Url) -> Arc<Robots> {
        let Some(robots_url) = robots_url(url) else {
            return Arc::new(Robots::allow_all());
        };
        let gate = self.pool.gates.for_host(&gate_key(url));
        let settings = FetchSettings {
            max_body: robots::MAX_ROBOTS_BYTES,
            ..self.fetch_settings()
        };
        let robots = match fetch(&self.client, &gate, &robots_url, settings, |_| true).await {
            Ok(response) if response.status.is_success() => {
                let body = response.body.map(|b| b.bytes).unwrap_or_default();
                Robots::parse(&self.config.user_agent, &body)
            }
            Ok(_) => Robots::allow_all(),
            Err(e) => {
                // The page fetch that follows reports an unreachable host; this is detail.
                tracing::info!("{robots_url}: {e}; crawling as if it allowed everything");
                Robots::allow_all()
            }
        };
        // A folder is served by trackaudit itself on loopback: its robots.txt is the site's
        // production file, and its Crawl-delay protects no server here.
        if let Some(delay) = robots.delay().filter(|_| !self.config.served_folder) {
            gate.at_least(delay);
        }
        Arc::new(robots)
    }

    async fn allowed_by_robots(&self, url: &Url) -> bool {
        self.config.ignore_robots || self.robots_for(url).await.allowed(url)
    }

    /// Pages listed in `/sitemap.xml` and the sitemaps named in robots.txt (indexes followed,
    /// at most [`MAX_SITEMAP_FILES`] files and `max_pages` URLs). The files of one level are
    /// fetched [`SITEMAP_FETCHES`] at a time, in order, so hanging ones cost one timeout each
    /// level, not one each.
    async fn sitemap_seeds(&self, start: &Url) -> Vec<Url> {
        let mut next: Vec<Url> = start.join("/sitemap.xml").ok().into_iter().collect();
        let robots = self.robots_for(start).await;
        next.extend(robots.sitemaps().iter().filter_map(|s| Url::parse(s).ok()));
        let mut seen_files = HashSet::new();
        let mut pages = Vec::new();
        while !next.is_empty() && pages.len() < self.config.max_pages {
            let mut level = Vec::new();
            for file in std::mem::take(&mut next) {
                if seen_files.len() >= MAX_SITEMAP_FILES {
                    break;
                }
                if self.scope.contains(&file) && seen_files.insert(file.to_string()) {
                    level.push(file);
                }
            }
            let read: Vec<Option<sitemap::Sitemap>> = futures::stream::iter(level)
                .map(|file| self.read_sitemap(file))
                .buffered(SITEMAP_FETCHES)
                .collect()
                .await;
            for sitemap in read.into_iter().flatten() {
                next.extend(sitemap.sitemaps.iter().filter_map(|s| Url::parse(s).ok()));
                pages.extend(sitemap.pages.iter().filter_map(|p| Url::parse(p).ok()));
            }
        }
        pages.truncate(self.config.max_pages);
        pages
    }

    /// One sitemap file, decompressed and parsed; `None` when it fails or is no success.
    async fn read_sitemap(&self, file: Url) -> Option<sitemap::Sitemap> {
        let gate = self.pool.gates.for_host(&gate_key(&file));
        let response = fetch(&self.client, &gate, &file, self.fetch_settings(), |_| true)
            .await
            .ok()?;
        let body = response.body.filter(|_| response.status.is_success())?;
        let xml = sitemap::decompress(body.bytes, self.config.max_body);
        Some(sitemap::parse_sitemap(&String::from_utf8_lossy(&xml)))
    }
}

/// The key of a URL's politeness gate: host and port. Sites scanned at once share the gates,
/// and a server that never answered on one port says nothing of another port of that host
/// (a folder served on loopback beside a dead `127.0.0.1:9`).
fn gate_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Why a final answer (no redirect followed) is not a document: a redirect status without a
/// usable `Location`, or an error status.
fn status_failure(status: reqwest::StatusCode) -> Option<Failure> {
    let status_code = status.as_u16();
    if status.is_redirection() {
        Some(Failure::new(FailureKind::RedirectWithoutLocation {
            status: status_code,
        }))
    } else if !status.is_success() {
        Some(Failure::new(FailureKind::HttpStatus {
            status: status_code,
        }))
    } else {
        None
    }
}

/// A page and the links found on it.
type Visited<T> = (CrawledPage<T>, Vec<Url>);

/// After a stop signal, how long the pages being read may take to hand in what they have.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Only HTML is parsed; a response without a content type is read and sniffed as HTML.
fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|ct| {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        mime == "text/html" || mime == "application/xhtml+xml"
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The hash of a page's decoded text (SipHash through std's `DefaultHasher`, whose fixed keys
/// give the same hash for the same text within a run), mixed with its length.
fn content_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish() ^ (text.len() as u64).rotate_left(32)
}
