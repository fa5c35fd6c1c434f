//! `--state DIR`: the last scan of each site is the next run's baseline, kept atomically, with a
//! history of the last N.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use support::slow::{SlowSite, serve_all};
use support::{changing_site, trackaudit};

const GA: &str =
    "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-STATE00001\"></script>";
const PIXEL: &str =
    "<img src=\"https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1\">";

fn scan_with_state(target: &str, state: &Path, extra: &[&str]) -> (i32, Value) {
    let output = trackaudit()
        .args(["scan", target, "--state"])
        .arg(state)
        .args(extra)
        .args(["--format", "json", "-q"])
        .output()
        .expect("runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().expect("exit code"), report)
}

fn statuses(site: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "high")
        .map(|f| {
            (
                f["service"].as_str().unwrap_or_default().to_owned(),
                f["status"].as_str().unwrap_or("none").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every JSON file under `dir` (temporary files aside).
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn state_makes_the_last_scan_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (url, head) = changing_site(GA);

    let (_, first) = scan_with_state(&url, &state, &["--state-keep", "2"]);
    assert_eq!(
        statuses(&first["sites"][0]),
        [("google-analytics".to_owned(), "none".to_owned())],
        "no earlier scan: no status"
    );

    *head.lock().unwrap() = format!("{GA}{PIXEL}");
    let (_, second) = scan_with_state(&url, &state, &["--state-keep", "2"]);
    assert_eq!(
        statuses(&second["sites"][0]),
        [
            ("google-analytics".to_owned(), "unchanged".to_owned()),
            ("meta-pixel".to_owned(), "new".to_owned())
        ]
    );

    *head.lock().unwrap() = PIXEL.to_owned();
    let (_, third) = scan_with_state(&url, &state, &["--state-keep", "2"]);
    assert_eq!(
        statuses(&third["sites"][0]),
        [("meta-pixel".to_owned(), "unchanged".to_owned())]
    );
    let resolved = support::strings(&third["sites"][0]["resolved"], "service");
    assert_eq!(resolved, ["google-analytics"]);

    // One folder for the site: last.json and a history of the last 2 scans.
    let sites: Vec<PathBuf> = std::fs::read_dir(&state)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(sites.len(), 1);
    let history = json_files(&sites[0].join("history"));
    assert_eq!(history.len(), 2, "{history:?}");
    let last: Value =
        serde_json::from_str(&std::fs::read_to_string(sites[0].join("last.json")).unwrap())
            .unwrap();
    assert_eq!(last["sites"][0]["findings"], third["sites"][0]["findings"]);
}

#[test]
fn state_and_baseline_exclude_each_other() {
    trackaudit()
        .args([
            "scan",
            "http://127.0.0.1:9/",
            "--state",
            "s",
            "--baseline",
            "b.json",
        ])
        .assert()
        .code(2);
}

#[test]
fn a_killed_run_never_corrupts_the_state() {
    let sites: Vec<SlowSite> = (0..6)
        .map(|i| SlowSite {
            tag: format!("G-KILL{i:06}"),
            pages: 3,
            latency: Duration::from_millis(15),
            counters: Vec::new(),
        })
        .collect();
    let addrs = serve_all(sites).expect("serve");
    let targets: Vec<String> = addrs.iter().map(|a| format!("http://{a}/")).collect();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    // Kill the scan after a spread of delays (a fixed pseudo-random sequence), so that some
    // kills land while sites are being written.
    let mut delay: u64 = 37;
    for _ in 0..12 {
        delay = (delay * 7919 + 13) % 700 + 20;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("trackaudit"))
            .arg("scan")
            .args(&targets)
            .args([
                "--parallel-sites",
                "3",
                "--state-keep",
                "3",
                "-q",
                "--format",
                "json",
            ])
            .arg("--state")
            .arg(&state)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        for file in json_files(&state) {
            let text = std::fs::read_to_string(&file).unwrap();
            let report: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a whole report: {e}", file.display()));
            assert_eq!(report["sites"].as_array().map(Vec::len), Some(1));
        }
    }
    // A complete run afterwards compares every site it kept with its last scan.
    let kept_before = json_files(&state)
        .into_iter()
        .filter(|p| p.ends_with("last.json"))
        .count();
    let output = trackaudit()
        .arg("scan")
        .args(&targets)
        .arg("--state")
        .arg(&state)
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let compared = report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|site| {
            support::findings(site, "non-eea-analytics")
                .iter()
                .all(|f| f["status"] == "unchanged")
        })
        .count();
    assert_eq!(compared, kept_before, "each kept scan was read back whole");
    let last_files = json_files(&state)
        .into_iter()
        .filter(|p| p.ends_with("last.json"))
        .count();
    assert_eq!(last_files, 6, "every site kept");
}
