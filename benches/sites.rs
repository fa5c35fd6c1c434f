//! Many sites at once: the wall time of a scan of 20 sites against that of one, every response
//! 100 ms late (a site on the other side of the country, a slow CMS).
//!
//! `cargo bench --bench sites [-- --sites N --latency-ms MS --runs R]` serves N small school
//! sites (the start page, 12 pages and a privacy page, Google Analytics on each) on the
//! loopback addresses 127.0.0.2, 127.0.0.3, … (one host each, as on the web), writes a targets
//! file with one of them and one with all N, then runs the release binary on each in turn, R
//! times (default 5), and prints the median wall times and their ratio. Each run's report is
//! checked: every site scanned, every page, the site's own tag found.
//!
//! `cargo bench --bench sites -- --serve` only serves the sites and prints the two targets
//! files, until its standard input closes, for timing the scans with another tool
//! (`hyperfine`, `/usr/bin/time`).

#[allow(dead_code)]
#[path = "../tests/support/slow.rs"]
mod slow;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

use slow::{SlowSite, serve_all};

/// Pages of each site besides the start page and the privacy page.
const PAGES: usize = 12;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str, default: u64| -> Result<u64> {
        match args.iter().position(|a| a == flag) {
            Some(at) => {
                let value = args.get(at + 1).context("a value after the flag")?;
                value.parse().with_context(|| format!("{flag} {value:?}"))
            }
            None => Ok(default),
        }
    };
    let sites = usize::try_from(number("--sites", 20)?)?;
    let latency = Duration::from_millis(number("--latency-ms", 100)?);
    let runs = usize::try_from(number("--runs", 5)?)?.max(1);
    ensure!(sites >= 1, "--sites must be at least 1");

    let servers: Vec<SlowSite> = (0..sites)
        .map(|i| SlowSite {
            tag: format!("G-BENCH{i:05}"),
            pages: PAGES,
            latency,
            counters: Vec::new(),
        })
        .collect();
    let addrs = serve_all(servers).context("serving the sites on loopback")?;
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sites-bench");
    std::fs::create_dir_all(&work)?;
    let lines: Vec<String> = addrs
        .iter()
        .enumerate()
        .map(|(i, a)| format!("http://{a}/  School {}", i + 1))
        .collect();
    let one = work.join("one.txt");
    let all = work.join("all.txt");
    std::fs::write(&one, format!("{}\n", lines[0]))?;
    std::fs::write(&all, lines.join("\n") + "\n")?;

    if args.iter().any(|a| a == "--serve") {
        println!("{}\n{}", one.display(), all.display());
        // Serve until whoever started us closes our standard input.
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        return Ok(());
    }

    println!("trackaudit many-sites benchmark");
    println!(
        "command: cargo bench --bench sites -- --sites {sites} --latency-ms {} --runs {runs}",
        latency.as_millis()
    );
    println!(
        "sites: {sites} on loopback, {} pages each, every response {} ms late",
        PAGES + 2,
        latency.as_millis()
    );
    let mut times_one = Vec::new();
    let mut times_all = Vec::new();
    // Warm-up, then the two in turn so that a drift of the machine's speed hits both.
    scan(&one, 1, &work)?;
    for _ in 0..runs {
        times_one.push(scan(&one, 1, &work)?);
        times_all.push(scan(&all, sites, &work)?);
    }
    let (one_median, all_median) = (median(&mut times_one), median(&mut times_all));
    println!("1 site:    median {:.2} s", one_median.as_secs_f64());
    println!("{sites} sites: median {:.2} s", all_median.as_secs_f64());
    println!(
        "ratio:     {:.2} × the wall time of one site (target ≤ 2)",
        all_median.as_secs_f64() / one_median.as_secs_f64()
    );
    Ok(())
}

/// One scan of a targets file with the tool's defaults; checks the report, returns the wall time.
fn scan(targets: &Path, sites: usize, work: &Path) -> Result<Duration> {
    let report_path: PathBuf = work.join("report.json");
    let _ = std::fs::remove_file(&report_path);
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_trackaudit"))
        .args(["scan", "--targets"])
        .arg(targets)
        .args(["--format", "json", "-q", "--output"])
        .arg(&report_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting trackaudit")?;
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr)?;
    }
    let status = child.wait()?;
    let elapsed = started.elapsed();
    ensure!(
        status.code() == Some(1),
        "trackaudit ended with {status} (findings expected): {stderr}"
    );
    let report = trackaudit::report::read_json(&report_path)?;
    ensure!(
        report.sites.len() == sites,
        "{} sites reported",
        report.sites.len()
    );
    for (i, site) in report.sites.iter().enumerate() {
        ensure!(
            site.pages.len() == PAGES + 2 && site.summary.errors == 0,
            "site {i}: {} pages, {} errors",
            site.pages.len(),
            site.summary.errors
        );
        let ids = site
            .service("google-analytics")
            .map(|s| s.tracking_ids.clone())
            .unwrap_or_default();
        ensure!(
            ids == [format!("G-BENCH{i:05}")],
            "site {i}: tracking ids {ids:?}"
        );
    }
    Ok(elapsed)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
