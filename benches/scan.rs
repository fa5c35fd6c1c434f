//! Speed and memory benchmark of a whole scan.
//!
//! `cargo bench --bench scan [-- --pages N]` (default 5,000 pages) generates a CMS-like site of
//! N pages of about 50 KB, serves it from a separate process (this binary re-executed with
//! `--serve DIR`, so that the server's CPU time is not billed to the scanner), and measures in
//! one run:
//!
//! - the fetch floor: every page fetched with reqwest at the tool's default concurrency, bodies
//!   read and dropped — what the network side alone allows;
//! - the parse, observe and analyse ceilings: the pages, already in memory, parsed by
//!   `scraper` / observed by `observe_html` / observed and classified, on every core — what the
//!   CPU side alone allows;
//! - the real scan: the release binary, reaped with `wait4` for its peak RSS and CPU time, on
//!   N/5 pages and on all N pages so that memory growth with page count shows.
//!
//! It fails loudly when a scan does not report exactly the expected pages without errors, or
//! misses the trackers the site carries: a fast scan that sees nothing measures nothing.

#[path = "scan/site.rs"]
mod site;

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use axum::serve::ListenerExt;
use futures::StreamExt;
use url::Url;

use trackaudit::classify::classify_page;
use trackaudit::lists::Lists;
use trackaudit::observe::observe_html;
use trackaudit::report::model::Report;
use trackaudit::scope::SiteScope;

const DEFAULT_PAGES: usize = 5000;
/// Requests in flight for the fetch floor: the tool's default `--concurrency` when the README's
/// figures were taken (a one-site scan is held to `--per-host 8` whatever `--concurrency` says).
const CONCURRENCY: usize = 16;
/// Targets the figures are reported against.
const SCAN_VS_PARSE_TARGET: f64 = 0.60;
const RSS_TARGET_MB: f64 = 200.0;
const RSS_TARGET_PAGES: usize = 5000;
/// A scan with EasyPrivacy loaded may take at most this much longer than one without.
const LIST_OVERHEAD_TARGET: f64 = 1.2;
/// Above this share of a core used by other processes, a measurement is flagged as disturbed.
const OTHERS_WARNING_PERCENT: f64 = 20.0;
/// Services every scan of the generated site must find (see `site.rs`), and third-party hosts
/// it must see whether or not the catalogue names their service.
const EXPECTED_SERVICES: &[&str] = &["google-tag-manager", "google-analytics", "meta-pixel"];
const EXPECTED_HOSTS: &[&str] = &[
    "www.googletagmanager.com",
    "www.facebook.com",
    "www.youtube.com",
    "fonts.googleapis.com",
    "cdnjs.cloudflare.com",
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(dir) = flag_value(&args, "--serve") {
        return serve(Path::new(&dir));
    }
    if args.first().is_some_and(|a| a == "--launch") {
        return launch(&args[1..]);
    }
    let pages = match flag_value(&args, "--pages") {
        Some(n) => n.parse().with_context(|| format!("--pages {n:?}"))?,
        None => DEFAULT_PAGES,
    };
    ensure!(pages >= 10, "--pages must be at least 10");
    bench(pages)
}

/// The value after `flag`; other arguments (cargo passes `--bench`) are ignored.
fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let at = args.iter().position(|a| a == flag)?;
    args.get(at + 1).cloned()
}

fn bench(pages: usize) -> Result<()> {
    let started = Instant::now();
    println!("trackaudit scan benchmark");
    println!("command: cargo bench --bench scan -- --pages {pages}");
    println!("machine: {} cores, {}", cores(), cpu_model());

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scan-bench");
    let root = work.join("site");
    let generating = Instant::now();
    let site_bytes = site::generate(&root, pages).context("generating the site")?;
    println!(
        "site: {pages} pages, {:.1} MB ({:.1} KB a page), generated in {:.1} s into {}",
        site_bytes as f64 / 1e6,
        site_bytes as f64 / pages as f64 / 1e3,
        generating.elapsed().as_secs_f64(),
        root.display()
    );

    let server = Server::start(&root)?;
    let base = Url::parse(&format!("http://127.0.0.1:{}/", server.port))?;
    println!(
        "server: separate process (pid {}), tokio + axum + ServeDir on {base}",
        server.pid()
    );
    let urls: Vec<Url> = (0..pages)
        .map(|i| base.join(&site::page_path(i)))
        .collect::<Result<_, _>>()?;

    let fetch = measure_fetch_floor(&urls, site_bytes, &server)?;
    let [parse, observe, analyse] = measure_ceilings(&root, &urls, &base, &server)?;
    let small_pages = pages / 5;
    let results = Results {
        fetch,
        parse,
        observe,
        analyse,
        small_scan: measure_scan(&base, small_pages, small_pages, &work, &server, None)?,
        full_scan: measure_scan(&base, pages + 100, pages, &work, &server, None)?,
        listed_scan: measure_scan(
            &base,
            pages + 100,
            pages,
            &work,
            &server,
            Some(&filter_list()),
        )?,
    };

    println!();
    print_table(&results);
    println!();
    print_ratios(pages, &results);
    drop(server);
    println!(
        "\nbench finished in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The server process

/// `--serve DIR`: serve the folder on an ephemeral loopback port, print the port, run until
/// killed or until the parent goes away (its end of our stdin closes).
fn serve(root: &Path) -> Result<()> {
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("{}", listener.local_addr()?.port());
        // Without TCP_NODELAY, Nagle's algorithm holds the tail of each ~50 KB response until
        // the client's delayed ACK (up to 40 ms): the server, not the client, would set the pace.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(root));
        axum::serve(listener, app).await?;
        Ok(())
    })
}

/// The server child process; killed when dropped, also when the bench fails half-way.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(root: &Path) -> Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg("--serve")
            .arg(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the server process")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .trim()
            .parse()
            .with_context(|| format!("the server printed {line:?} instead of a port"))?;
        Ok(Server { child, port })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time (user + system) the server has used so far, from /proc.
    fn cpu(&self) -> Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))?;
        // Fields after the command name (which may hold spaces): state is field 3, utime 14,
        // stime 15.
        let rest = stat.rsplit_once(')').context("/proc stat")?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
        Ok(ticks_to_duration(ticks))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Measurements

/// One line of the results table.
struct Row {
    label: String,
    pages: usize,
    wall: Duration,
    /// CPU time of the measured side: the bench process, or the scanner.
    cpu: Duration,
    server_cpu: Duration,
    /// CPU time the rest of the machine used meanwhile (another build, say): when it is large,
    /// the measured side did not have the cores to itself.
    others_cpu: Duration,
    peak_rss_kib: Option<i64>,
}

impl Row {
    /// A row from the measured CPU time and the counters' change over the measurement; `own`
    /// of `used` is the bench process, which is the measured side unless a child is.
    fn new(label: String, pages: usize, wall: Duration, cpu: Duration, used: CpuClock) -> Row {
        let accounted = cpu.max(used.own) + used.server;
        Row {
            label,
            pages,
            wall,
            cpu,
            server_cpu: used.server,
            others_cpu: used.machine.saturating_sub(accounted),
            peak_rss_kib: None,
        }
    }

    fn pages_per_second(&self) -> f64 {
        self.pages as f64 / self.wall.as_secs_f64()
    }
}

/// CPU time used so far by this process, by the server and by the whole machine.
#[derive(Debug, Clone, Copy)]
struct CpuClock {
    own: Duration,
    server: Duration,
    machine: Duration,
}

impl CpuClock {
    fn now(server: &Server) -> Result<CpuClock> {
        Ok(CpuClock {
            own: self_cpu(),
            server: server.cpu()?,
            machine: machine_busy()?,
        })
    }

    /// The CPU time used since `earlier`.
    fn since(self, earlier: CpuClock) -> CpuClock {
        CpuClock {
            own: self.own.saturating_sub(earlier.own),
            server: self.server.saturating_sub(earlier.server),
            machine: self.machine.saturating_sub(earlier.machine),
        }
    }
}

/// Fetch every page at the tool's default concurrency, reading and dropping the bodies.
fn measure_fetch_floor(urls: &[Url], site_bytes: u64, server: &Server) -> Result<Row> {
    eprintln!("measuring the fetch floor…");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let client = reqwest::Client::new();
    let before = CpuClock::now(server)?;
    let started = Instant::now();
    let bytes: u64 = runtime.block_on(async {
        let mut fetches = futures::stream::iter(urls)
            .map(|url| fetch_body(&client, url))
            .buffer_unordered(CONCURRENCY);
        let mut total = 0;
        while let Some(len) = fetches.next().await {
            total += len?;
        }
        Ok::<_, anyhow::Error>(total)
    })?;
    let wall = started.elapsed();
    let used = CpuClock::now(server)?.since(before);
    ensure!(
        bytes == site_bytes,
        "fetched {bytes} bytes, the site has {site_bytes}"
    );
    Ok(Row::new(
        format!("fetch floor (reqwest, concurrency {CONCURRENCY})"),
        urls.len(),
        wall,
        used.own,
        used,
    ))
}

async fn fetch_body(client: &reqwest::Client, url: &Url) -> Result<u64> {
    let response = client.get(url.clone()).send().await?;
    ensure!(
        response.status().is_success(),
        "{url}: HTTP {}",
        response.status()
    );
    Ok(response.bytes().await?.len() as u64)
}

/// Parse, observe and analyse every page held in memory, on every core: the CPU-side limits.
fn measure_ceilings(root: &Path, urls: &[Url], base: &Url, server: &Server) -> Result<[Row; 3]> {
    eprintln!("measuring the parse, observe and analyse ceilings…");
    let pages: Vec<(&Url, String)> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| Ok((url, std::fs::read_to_string(site::page_file(root, i))?)))
        .collect::<std::io::Result<_>>()?;
    let lists = Lists::embedded()?;
    let scope = SiteScope::for_url(base);
    let threads = cores();
    let row = |label: &str, (wall, used): (Duration, CpuClock)| {
        let label = format!("{label}, {threads} threads");
        Row::new(label, pages.len(), wall, used.own, used)
    };
    let parse = on_all_cores(&pages, threads, server, |_, html| {
        black_box(scraper::Html::parse_document(html));
    })?;
    let observe = on_all_cores(&pages, threads, server, |url, html| {
        black_box(observe_html(html, url, &lists.matcher));
    })?;
    // What the crawler's analyser runs for each page (src/scan.rs): observe, then classify.
    let analyse = on_all_cores(&pages, threads, server, |url, html| {
        let mut observed = observe_html(html, url, &lists.matcher);
        let observations = std::mem::take(&mut observed.observations);
        black_box((classify_page(observations, &scope, &lists), observed));
    })?;
    Ok([
        row("parse ceiling (scraper)", parse),
        row("observe ceiling (observe_html)", observe),
        row("analyse ceiling (observe+classify)", analyse),
    ])
}

/// Run `work` once on every page, `threads` threads taking the next page in turn; returns the
/// wall time and the CPU time used.
fn on_all_cores(
    pages: &[(&Url, String)],
    threads: usize,
    server: &Server,
    work: impl Fn(&Url, &str) + Sync,
) -> Result<(Duration, CpuClock)> {
    let next = AtomicUsize::new(0);
    let before = CpuClock::now(server)?;
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some((url, html)) = pages.get(next.fetch_add(1, Ordering::Relaxed)) {
                    work(url, html);
                }
            });
        }
    });
    let wall = started.elapsed();
    Ok((wall, CpuClock::now(server)?.since(before)))
}

/// The real EasyPrivacy list where the shared test data is (it may not be bundled), else the
/// project's small sample in the same syntax.
fn filter_list() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let real = root.join("../shared/data/easyprivacy.txt");
    if real.is_file() {
        real
    } else {
        root.join("fixtures/lists/sample-filter-list.txt")
    }
}

/// Run the release binary on the served site and check its report.
fn measure_scan(
    base: &Url,
    max_pages: usize,
    expected_pages: usize,
    work: &Path,
    server: &Server,
    list: Option<&Path>,
) -> Result<Row> {
    let output = work.join(format!("scan-{expected_pages}.json"));
    let _ = std::fs::remove_file(&output);
    let max_pages_arg = max_pages.to_string();
    let scan_args = [
        env!("CARGO_BIN_EXE_trackaudit"),
        "scan",
        base.as_str(),
        "--max-pages",
        &max_pages_arg,
        "--format",
        "json",
        "--output",
        output.to_str().context("non-UTF-8 temp path")?,
        "-q",
    ];
    let list_args: Vec<&str> = match list {
        Some(path) => vec!["--list", path.to_str().context("non-UTF-8 list path")?],
        None => Vec::new(),
    };
    let scan_args: Vec<&str> = scan_args.into_iter().chain(list_args).collect();
    eprintln!("running: {}", scan_args.join(" "));

    let before = CpuClock::now(server)?;
    let launched = Command::new(std::env::current_exe()?)
        .arg("--launch")
        .args(scan_args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .context("starting the launcher")?;
    let used = CpuClock::now(server)?.since(before);
    ensure!(launched.status.success(), "the launcher failed");
    let run = Launched::parse(&String::from_utf8_lossy(&launched.stdout))?;

    // Exit 1 means "findings at or above --fail-on": expected, the site carries trackers.
    ensure!(
        matches!(run.exit_code, Some(0 | 1)),
        "trackaudit ended with wait status {:#x} (exit code {:?})",
        run.status,
        run.exit_code
    );
    let report = trackaudit::report::read_json(&output)?;
    check_report(&report, expected_pages)?;
    let label = match list.and_then(|l| l.file_name()) {
        Some(name) => format!(
            "scan, --max-pages {max_pages} --list {}",
            name.to_string_lossy()
        ),
        None => format!("scan, --max-pages {max_pages}"),
    };
    Ok(Row {
        peak_rss_kib: Some(run.peak_rss_kib),
        ..Row::new(label, expected_pages, run.wall, run.cpu + used.own, used)
    })
}

/// `--launch PROGRAM ARGS…`: run the program, reap it with `wait4` and print its wait status,
/// peak RSS, CPU and wall time.
///
/// Why a separate launcher: Linux carries a process's peak RSS across `execve` (the peak of the
/// memory image it replaces), and `Command::spawn` execs from a copy (or, with `posix_spawn`,
/// from the very memory) of the bench process, which holds the whole site in memory for the
/// ceilings. The scanner's `ru_maxrss` would be at least the bench's own peak. The launcher is
/// freshly exec'd and small, so the scanner's figure is its own.
fn launch(command: &[String]) -> Result<()> {
    let (program, args) = command.split_first().context("--launch needs a program")?;
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {program}"))?;
    let (status, usage) = wait4(&child)?;
    let wall = started.elapsed();
    let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
    println!(
        "{status} {} {} {}",
        usage.ru_maxrss,
        cpu.as_micros(),
        wall.as_micros()
    );
    Ok(())
}

/// What the launcher reports of one run.
struct Launched {
    status: i32,
    exit_code: Option<i32>,
    peak_rss_kib: i64,
    cpu: Duration,
    wall: Duration,
}

impl Launched {
    fn parse(line: &str) -> Result<Launched> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [status, rss, cpu, wall] = fields[..] else {
            bail!("the launcher printed {line:?}");
        };
        let status: i32 = status.parse()?;
        Ok(Launched {
            status,
            exit_code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
            peak_rss_kib: rss.parse()?,
            cpu: Duration::from_micros(cpu.parse()?),
            wall: Duration::from_micros(wall.parse()?),
        })
    }
}

/// Wait for the child with `wait4`, which also returns its resource usage (peak RSS).
fn wait4(child: &Child) -> Result<(i32, libc::rusage)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals; `pid` is our unreaped child.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("wait4");
        }
    }
}

/// The scan covered exactly the expected pages, all fetched, and found the site's trackers.
fn check_report(report: &Report, expected_pages: usize) -> Result<()> {
    ensure!(
        report.sites.len() == 1,
        "the report has {} sites",
        report.sites.len()
    );
    let site = &report.sites[0];
    let bad: Vec<String> = site
        .pages
        .iter()
        .filter(|p| p.error.is_some() || p.status != Some(200))
        .map(|p| format!("{} ({:?}, {:?})", p.url, p.status, p.error))
        .collect();
    if !bad.is_empty() {
        bail!(
            "{} pages failed, for example: {}",
            bad.len(),
            bad[..bad.len().min(5)].join("; ")
        );
    }
    ensure!(
        site.pages.len() == expected_pages && site.summary.errors == 0,
        "the scan reports {} pages and {} errors; expected {expected_pages} pages, no errors",
        site.pages.len(),
        site.summary.errors
    );
    let missing_services: Vec<&str> = EXPECTED_SERVICES
        .iter()
        .copied()
        .filter(|id| !site.services.iter().any(|s| s.id == *id))
        .collect();
    let missing_hosts: Vec<&str> = EXPECTED_HOSTS
        .iter()
        .copied()
        .filter(|host| !site.third_parties.iter().any(|t| t.host == *host))
        .collect();
    ensure!(
        missing_services.is_empty() && missing_hosts.is_empty(),
        "the scan did not find the services {missing_services:?} or the hosts {missing_hosts:?} \
         (found: {:?})",
        site.services.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Output

/// Every measurement of one run.
struct Results {
    fetch: Row,
    parse: Row,
    observe: Row,
    analyse: Row,
    small_scan: Row,
    full_scan: Row,
    /// The full scan with an EasyPrivacy-style filter list loaded.
    listed_scan: Row,
}

fn print_table(results: &Results) {
    let r = results;
    let rows = [
        &r.fetch,
        &r.parse,
        &r.observe,
        &r.analyse,
        &r.small_scan,
        &r.full_scan,
        &r.listed_scan,
    ];
    println!(
        "{:<46} {:>6} {:>7} {:>8} {:>6} {:>8} {:>7} {:>7} {:>9}",
        "measurement",
        "pages",
        "wall s",
        "pages/s",
        "CPU %",
        "CPU ms/p",
        "server",
        "others",
        "peak RSS"
    );
    println!("{}", "-".repeat(112));
    let mut busy_machine = false;
    for row in rows {
        let percent = |cpu: Duration| 100.0 * cpu.as_secs_f64() / row.wall.as_secs_f64();
        busy_machine |= percent(row.others_cpu) > OTHERS_WARNING_PERCENT;
        println!(
            "{:<46} {:>6} {:>7.2} {:>8.0} {:>5.0}% {:>8.2} {:>6.0}% {:>6.0}% {:>9}",
            row.label,
            row.pages,
            row.wall.as_secs_f64(),
            row.pages_per_second(),
            percent(row.cpu),
            row.cpu.as_secs_f64() * 1e3 / row.pages as f64,
            percent(row.server_cpu),
            percent(row.others_cpu),
            row.peak_rss_kib
                .map_or("-".to_owned(), |k| format!("{:.1} MB", mb(k))),
        );
    }
    println!(
        "CPU % is of one core ({} cores = {}%); CPU ms/p is CPU time a page. Both are of the bench \
         process for the\nfetch floor and the ceilings, of the scanner for the scans. server: the \
         serving process; others: the\nrest of the machine, over the same time.",
        cores(),
        100 * cores()
    );
    if busy_machine {
        println!(
            "WARNING: other processes used more than {OTHERS_WARNING_PERCENT:.0}% of a core during \
             some measurements: their pages/s\nare depressed and the ratios below unreliable; \
             CPU ms/p is the steadier figure. Run again on a quiet machine."
        );
    }
}

fn print_ratios(pages: usize, results: &Results) {
    let Results {
        fetch,
        parse,
        observe,
        analyse,
        small_scan: small,
        full_scan: full,
        listed_scan: listed,
    } = results;
    let scan = full.pages_per_second();
    let vs_parse = scan / parse.pages_per_second();
    println!(
        "scan ÷ parse ceiling    {:>6.2}   target ≥ {SCAN_VS_PARSE_TARGET:.2}   {}",
        vs_parse,
        verdict(vs_parse >= SCAN_VS_PARSE_TARGET)
    );
    println!(
        "scan ÷ observe ceiling  {:>6.2}",
        scan / observe.pages_per_second()
    );
    println!(
        "scan ÷ analyse ceiling  {:>6.2}",
        scan / analyse.pages_per_second()
    );
    println!(
        "scan ÷ fetch floor      {:>6.2}",
        scan / fetch.pages_per_second()
    );
    let with_list = listed.wall.as_secs_f64() / full.wall.as_secs_f64();
    println!(
        "scan with filter list ÷ scan without  {with_list:>5.2}   target ≤ {LIST_OVERHEAD_TARGET:.2}   {}",
        verdict(with_list <= LIST_OVERHEAD_TARGET)
    );
    let (full_rss, small_rss) = (
        full.peak_rss_kib.unwrap_or(0),
        small.peak_rss_kib.unwrap_or(0),
    );
    let rss_note = if pages == RSS_TARGET_PAGES {
        verdict(mb(full_rss) < RSS_TARGET_MB).to_owned()
    } else {
        format!("(the target is for {RSS_TARGET_PAGES} pages)")
    };
    println!(
        "peak RSS, {pages} pages  {:>6.1} MB   target < {RSS_TARGET_MB:.0} MB   {rss_note}",
        mb(full_rss)
    );
    let extra_pages = (full.pages - small.pages).max(1);
    println!(
        "RSS growth {} → {} pages: {:+.1} MB ({:+.2} KB a page)",
        small.pages,
        full.pages,
        mb(full_rss - small_rss),
        (full_rss - small_rss) as f64 * 1.024 / extra_pages as f64
    );
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> String {
    let mut text = String::new();
    let _ = std::fs::File::open("/proc/cpuinfo").and_then(|mut f| f.read_to_string(&mut text));
    text.lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown CPU".to_owned(), |l| {
            l.trim_start_matches([' ', '\t', ':']).to_owned()
        })
}

/// Busy CPU time of the whole machine so far, over all cores (the first line of /proc/stat).
fn machine_busy() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    let line = stat.lines().next().context("empty /proc/stat")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let busy: u64 = ticks.iter().take(8).sum::<u64>() - ticks[3] - ticks[4];
    Ok(ticks_to_duration(busy))
}

/// CPU time (user + system) of this process so far, over all its threads.
fn self_cpu() -> Duration {
    // SAFETY: rusage is plain old data; getrusage only writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live local.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

/// /proc counts CPU time in clock ticks.
fn ticks_to_duration(ticks: u64) -> Duration {
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Duration::from_secs_f64(ticks as f64 / per_second)
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// KiB (as `ru_maxrss` counts on Linux) to MB.
fn mb(kib: i64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}
