//! Many sites in one run: scanned at once within the shared limits, reported in the targets'
//! order, each under the name the targets file gives it.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use support::slow::{InFlight, SlowSite, serve_all};
use support::{scan_json, trackaudit};

fn site(tag: &str, latency_ms: u64, counters: &[&InFlight]) -> SlowSite {
    SlowSite {
        tag: tag.into(),
        pages: 4,
        latency: Duration::from_millis(latency_ms),
        counters: counters.iter().map(|c| (*c).clone()).collect(),
    }
}

fn targets_file(dir: &std::path::Path, lines: &[String]) -> String {
    let path = dir.join("targets.txt");
    std::fs::write(&path, lines.join("\n")).expect("write targets");
    path.display().to_string()
}

fn tags(report: &Value) -> Vec<String> {
    report["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .map(|s| {
            support::service(s, "google-analytics").expect("GA found")["tracking_ids"][0]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[test]
fn sites_scanned_at_once_are_reported_in_the_targets_order() {
    // The first site is the slowest, so it finishes last.
    let all = InFlight::default();
    let sites = vec![
        site("G-ORDER00001", 150, &[&all]),
        site("G-ORDER00002", 60, &[&all]),
        site("G-ORDER00003", 10, &[&all]),
        site("G-ORDER00004", 1, &[&all]),
    ];
    let addrs = serve_all(sites).expect("serve");
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = addrs
        .iter()
        .enumerate()
        .map(|(i, a)| format!("http://{a}/  Basisschool nummer {}", i + 1))
        .collect();
    let file = targets_file(dir.path(), &lines);
    let (_, report) = scan_json(&["--targets", &file, "--parallel-sites", "4"]);
    assert_eq!(
        tags(&report),
        [
            "G-ORDER00001",
            "G-ORDER00002",
            "G-ORDER00003",
            "G-ORDER00004"
        ]
    );
    let names: Vec<&str> = report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "Basisschool nummer 1",
            "Basisschool nummer 2",
            "Basisschool nummer 3",
            "Basisschool nummer 4"
        ]
    );
    assert!(all.max() > 1, "the sites were scanned at once");

    // Every format names each site.
    let saved = dir.path().join("scan.json");
    std::fs::write(&saved, report.to_string()).unwrap();
    for format in ["terminal", "markdown", "html", "csv", "junit"] {
        let output = trackaudit()
            .args(["report", saved.to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        for n in 1..=4 {
            assert!(
                text.contains(&format!("Basisschool nummer {n}")),
                "{format} names site {n}"
            );
        }
    }
}

/// Scan the sites with the given limits and return the exit code.
fn scan_with(addrs: &[SocketAddr], extra: &[&str]) -> i32 {
    let targets: Vec<String> = addrs.iter().map(|a| format!("http://{a}/")).collect();
    let output = trackaudit()
        .arg("scan")
        .args(&targets)
        .args(extra)
        .args(["--format", "json", "-q"])
        .output()
        .expect("runs");
    output.status.code().expect("exit code")
}

#[test]
fn parallel_sites_share_the_global_concurrency() {
    let all = InFlight::default();
    let sites = (0..4)
        .map(|i| site(&format!("G-SHARE0000{i}"), 40, &[&all]))
        .collect();
    let addrs = serve_all(sites).expect("serve");
    let code = scan_with(&addrs, &["--parallel-sites", "4", "--concurrency", "2"]);
    assert_eq!(code, 1);
    assert!(
        all.total() >= 4 * 6,
        "every page of every site was asked for"
    );
    assert!(
        all.max() <= 2,
        "at most 2 requests in flight: {}",
        all.max()
    );
}

#[test]
fn parallel_sites_keep_each_hosts_politeness() {
    // Two targets on one host and port (two start pages of one server) share its --per-host.
    let host = InFlight::default();
    let addrs = serve_all(vec![site("G-HOSTA00001", 40, &[&host])]).expect("serve");
    let targets = [
        format!("http://{}/", addrs[0]),
        format!("http://{}/p1", addrs[0]),
    ];
    let output = trackaudit()
        .arg("scan")
        .args(&targets)
        .args([
            "--parallel-sites",
            "2",
            "--per-host",
            "1",
            "--format",
            "json",
            "-q",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(host.total() >= 6, "the site's pages were asked for");
    assert_eq!(host.max(), 1, "one request at a time to the one host");

    // On two hosts the same limit lets both sites run at once.
    let both = InFlight::default();
    let sites = vec![
        site("G-HOSTC00001", 40, &[&both]),
        site("G-HOSTD00001", 40, &[&both]),
    ];
    let addrs = serve_all(sites).expect("serve");
    let code = scan_with(&addrs, &["--parallel-sites", "2", "--per-host", "1"]);
    assert_eq!(code, 1);
    assert_eq!(both.max(), 2, "one request at a time to each of two hosts");
}

/// The demo school and the clean school, named in a targets file; the JSON report.
fn board_report(dir: &std::path::Path, first_name: &str) -> std::path::PathBuf {
    let lines = [
        format!(
            "{}  {first_name}",
            support::fixture("demo-school").display()
        ),
        format!(
            "{}\tBasisschool De Linde",
            support::fixture("clean-school").display()
        ),
    ];
    let file = targets_file(dir, &lines);
    let saved = dir.join("board.json");
    trackaudit()
        .args([
            "scan",
            "--targets",
            &file,
            "--format",
            "json",
            "-q",
            "--output",
        ])
        .arg(&saved)
        .assert()
        .code(1);
    saved
}

#[test]
fn sites_csv_has_one_neutralised_row_per_site() {
    let dir = tempfile::tempdir().unwrap();
    let saved = board_report(dir.path(), "=HYPERLINK(\"http://x.example\") College");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let output = trackaudit()
        .args(["report", saved.to_str().unwrap(), "--format", "sites-csv"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "name",
            "site",
            "verdict",
            "high",
            "medium",
            "low",
            "info",
            "pages_scanned",
            "errors",
            "third_parties",
            "high_services",
            "non_eea_organizations",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "one row per site");
    let demo = &rows[0];
    assert_eq!(&demo[0], "'=HYPERLINK(\"http://x.example\") College");
    assert!(demo[1].ends_with("demo-school"));
    assert_eq!(&demo[2], "fail");
    let summary = &report["sites"][0]["summary"];
    assert_eq!(demo[3], summary["high"].to_string());
    assert_eq!(demo[4], summary["medium"].to_string());
    assert_eq!(&demo[7], "18");
    for service in ["Google Analytics", "Meta Pixel", "Hotjar"] {
        assert!(demo[10].contains(service), "{service} in {:?}", &demo[10]);
    }
    assert!(demo[11].contains("Google LLC (US)"), "{:?}", &demo[11]);
    let clean = &rows[1];
    assert_eq!(&clean[0], "Basisschool De Linde");
    assert_ne!(&clean[2], "fail");
    assert_eq!(&clean[10], "");

    // `;` for Dutch spreadsheets: a list cell is quoted.
    let output = trackaudit()
        .args(["report", saved.to_str().unwrap(), "--format", "sites-csv"])
        .args(["--csv-separator", ";"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("name;site;verdict;"), "{text}");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(output.stdout.as_slice());
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!(&first[10], &demo[10]);
}

#[test]
fn html_index_counts_services_across_sites() {
    let dir = tempfile::tempdir().unwrap();
    let saved = board_report(dir.path(), "Het Voorbeeld College");
    for (lang, sentences) in [
        (
            "en",
            [
                "1 of 2 sites uses Google Analytics",
                "1 of 2 sites scanned fail",
            ],
        ),
        (
            "nl",
            [
                "1 van de 2 sites gebruikt Google Analytics",
                "1 van de 2 gescande sites zijn afgekeurd",
            ],
        ),
    ] {
        let output = trackaudit()
            .args(["report", saved.to_str().unwrap(), "--format", "html"])
            .args(["--lang", lang])
            .output()
            .unwrap();
        let html = String::from_utf8_lossy(&output.stdout);
        for sentence in sentences {
            assert!(html.contains(sentence), "{lang}: {sentence}");
        }
        assert!(html.contains("Het Voorbeeld College"));
    }
}

/// Class: finished work of a long run is kept when the run dies. Without `--state`, a run of
/// several sites into an output folder writes each site's report to `sites/` as soon as that
/// site is done.
#[test]
fn finished_sites_are_kept_in_the_output_folder_when_the_run_is_killed() {
    // Four quick sites and one that answers every request after a minute.
    let mut sites: Vec<SlowSite> = (0..4)
        .map(|i| site(&format!("G-KEPT{i:06}"), 5, &[]))
        .collect();
    sites.push(site("G-SLOW000001", 60_000, &[]));
    let addrs = serve_all(sites).expect("serve");
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<String> = addrs.iter().map(|a| format!("http://{a}/")).collect();
    let targets = targets_file(dir.path(), &lines);
    let out = dir.path().join("weekly");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("trackaudit"))
        .args(["scan", "--targets", &targets, "--timeout", "300", "-q"])
        .args(["--format", "json", "--format", "html", "--output"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("trackaudit starts");
    let kept = out.join("sites");
    let count = || {
        std::fs::read_dir(&kept).map_or(0, |d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .count()
        })
    };
    // Polled, not timed: the quick sites finish long before the slow one's first answer.
    for _ in 0..600 {
        if count() >= 4 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        !out.join("report.json").exists(),
        "the run was killed before its end"
    );
    let mut found: Vec<String> = std::fs::read_dir(&kept)
        .expect("sites/ exists")
        .flatten()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.path()).expect("readable");
            let report: Value = serde_json::from_str(&text).expect("a whole JSON report");
            assert_eq!(report["sites"].as_array().map(Vec::len), Some(1));
            tags(&report).remove(0)
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "G-KEPT000000",
            "G-KEPT000001",
            "G-KEPT000002",
            "G-KEPT000003"
        ]
    );
}
