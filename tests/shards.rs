//! `--shard I/N` and `trackaudit merge`: the shards of a targets list, merged, are the unsharded
//! scan, sites and findings alike; the README's scheduler recipes compute every shard once;
//! merge refuses reports that do not belong together, with exit 2 and a message.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use support::slow::{SlowSite, serve_all};
use support::trackaudit;

const README: &str = include_str!("../README.md");

/// `n` small sites, each on its own loopback address (its own host), and a targets file naming
/// them; returns the folder holding `schools.txt`.
fn school_board(n: usize) -> tempfile::TempDir {
    let sites = (0..n)
        .map(|i| SlowSite {
            tag: format!("G-SHARD{i:05}"),
            pages: 2,
            latency: Duration::from_millis(5),
            counters: Vec::new(),
        })
        .collect();
    let addrs = serve_all(sites).expect("loopback sites");
    let dir = tempfile::tempdir().unwrap();
    let lines: String = addrs
        .iter()
        .enumerate()
        .map(|(i, a)| format!("http://{a}/  School {i}\n"))
        .collect();
    std::fs::write(dir.path().join("schools.txt"), lines).unwrap();
    dir
}

/// Run trackaudit in `dir`; returns (exit code, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = trackaudit().current_dir(dir).args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The sites of a report without what differs from run to run (the time a site took).
fn sites(report: &Value) -> Vec<Value> {
    report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|site| {
            let mut site = site.clone();
            site.as_object_mut().unwrap().remove("duration_ms");
            site
        })
        .collect()
}

/// Scan the whole list into `out`; returns (exit code, stderr).
fn scan_whole(dir: &Path, out: &str) -> (i32, String) {
    run(
        dir,
        &[
            "scan",
            "--targets",
            "schools.txt",
            "--format",
            "json",
            "-o",
            out,
            "-q",
        ],
    )
}

fn scan_shard(dir: &Path, shard: &str, out: &str) -> i32 {
    let (code, stderr) = run(
        dir,
        &[
            "scan",
            "--targets",
            "schools.txt",
            "--shard",
            shard,
            "--format",
            "json",
            "-o",
            out,
            "-q",
        ],
    );
    assert!(code == 0 || code == 1, "{shard}: {stderr}");
    code
}

#[test]
fn shards_merged_equal_one_unsharded_run() {
    let board = school_board(9);
    let dir = board.path();
    let (whole_code, stderr) = scan_whole(dir, "all.json");
    assert_eq!(whole_code, 1, "Google Analytics on every site: {stderr}");
    let mut scanned = 0;
    for i in 1..=3 {
        scan_shard(dir, &format!("{i}/3"), &format!("shard-{i}.json"));
        let shard = read(&dir.join(format!("shard-{i}.json")));
        assert_eq!(shard["shard"]["index"], i);
        assert_eq!(shard["shard"]["count"], 3);
        assert_eq!(shard["shard"]["targets"], 9);
        scanned += shard["sites"].as_array().unwrap().len();
    }
    assert_eq!(scanned, 9, "every site in exactly one shard");
    // Given in any order, the shards come back in the targets' order.
    let (code, stderr) = run(
        dir,
        &[
            "merge",
            "shard-3.json",
            "shard-1.json",
            "shard-2.json",
            "-o",
            "merged.json",
        ],
    );
    assert_eq!(code, whole_code, "merge exits as the whole scan: {stderr}");
    let merged = read(&dir.join("merged.json"));
    let whole = read(&dir.join("all.json"));
    assert_eq!(sites(&merged), sites(&whole), "sites and findings alike");
    assert!(merged.get("shard").is_none(), "a merged report is whole");
    let names: Vec<&str> = merged["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..9).map(|i| format!("School {i}")).collect();
    assert_eq!(names, expected);
}

/// The shell command of a README recipe: the first line that contains `marker`, as the
/// scheduler would run it (the `code` in a line of prose; the YAML list dash and the Kubernetes
/// `sh -c` wrapper taken off).
fn recipe(marker: &str) -> String {
    let line = README
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("the README has a recipe with {marker}"))
        .trim();
    let line = line
        .split('`')
        .find(|part| part.contains(marker))
        .unwrap_or(line);
    let line = line.strip_prefix("- ").unwrap_or(line);
    match line.split_once("[\"sh\", \"-c\", \"") {
        Some((_, rest)) => rest.trim_end_matches("\"]").to_owned(),
        None => line.to_owned(),
    }
}

/// Run a recipe's command in `dir` under `sh`, with `/data/` meaning `dir` and the scheduler's
/// variables set; it must exit 0 or 1.
fn run_recipe(dir: &Path, command: &str, vars: &[(&str, String)]) {
    let bin: PathBuf = assert_cmd::cargo::cargo_bin!("trackaudit").to_path_buf();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let command = command.replace("/data/", &format!("{}/", dir.display()));
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", &command])
        .current_dir(dir)
        .env("PATH", path);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let output = cmd.output().unwrap();
    // 1: findings at or above --fail-on, a result like 0.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "`{command}` with {vars:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn shard_numbers_of_the_readme_recipes_cover_the_list_once() {
    let board = school_board(7);
    let dir = board.path();
    // Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0.
    let k8s = recipe("[\"sh\", \"-c\", \"trackaudit scan");
    for index in 0..4 {
        run_recipe(dir, &k8s, &[("JOB_COMPLETION_INDEX", index.to_string())]);
    }
    run_recipe(dir, &recipe("trackaudit merge /data/shard-*.json"), &[]);
    let merged = read(&dir.join("all.json"));
    assert_eq!(merged["sites"].as_array().unwrap().len(), 7);

    // GitLab `parallel:` counts from 1.
    let gitlab = recipe("- trackaudit scan --targets schools.txt --shard ${CI_NODE_INDEX}");
    let other = tempfile::tempdir().unwrap();
    std::fs::copy(dir.join("schools.txt"), other.path().join("schools.txt")).unwrap();
    for index in 1..=4 {
        run_recipe(
            other.path(),
            &gitlab,
            &[
                ("CI_NODE_INDEX", index.to_string()),
                ("CI_NODE_TOTAL", "4".into()),
            ],
        );
    }
    run_recipe(
        other.path(),
        &recipe("- trackaudit merge shard-*.json -o all.json"),
        &[],
    );
    assert_eq!(
        sites(&read(&other.path().join("all.json"))),
        sites(&merged),
        "the same split whatever the scheduler"
    );
}

#[test]
fn merge_refuses_reports_that_do_not_belong_together() {
    let board = school_board(4);
    let dir = board.path();
    for i in 1..=2 {
        scan_shard(dir, &format!("{i}/2"), &format!("shard-{i}.json"));
    }
    let refused = |args: &[&str], says: &str| {
        let mut all = vec!["merge"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-o", "out.json"]);
        let (code, stderr) = run(dir, &all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(says),
            "{args:?} should say {says:?}: {stderr}"
        );
        assert!(!dir.join("out.json").exists(), "{args:?}: nothing written");
    };
    refused(&["shard-1.json"], "shards missing: 2/2");
    refused(&["shard-1.json", "shard-1.json"], "given twice");

    // A report of a longer list (one more school) is another run.
    let longer = tempfile::tempdir().unwrap();
    let mut list = std::fs::read_to_string(dir.join("schools.txt")).unwrap();
    list.push_str("http://127.0.0.1:9/  Closed school\n");
    std::fs::write(longer.path().join("schools.txt"), list).unwrap();
    scan_shard(longer.path(), "2/2", "other-2.json");
    std::fs::copy(longer.path().join("other-2.json"), dir.join("other-2.json")).unwrap();
    refused(&["shard-1.json", "other-2.json"], "different target lists");

    // A whole scan is no shard; a report of another schema version is not merged.
    let (_, stderr) = scan_whole(dir, "whole.json");
    assert!(dir.join("whole.json").exists(), "{stderr}");
    refused(&["shard-1.json", "whole.json"], "not a shard report");
    let mut future = read(&dir.join("shard-2.json"));
    future["schema_version"] = 2.into();
    std::fs::write(dir.join("future-2.json"), future.to_string()).unwrap();
    refused(&["shard-1.json", "future-2.json"], "schema_version 2");
}

#[test]
fn shard_numbers_out_of_range_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (shard, says) in [
        ("0/3", "$((INDEX+1))"),
        ("4/3", "1 ≤ I ≤ N"),
        ("3", "expected I/N"),
    ] {
        let (code, stderr) = run(
            dir.path(),
            &["scan", "http://127.0.0.1:9/", "--shard", shard],
        );
        assert_eq!(code, 2, "{shard}: {stderr}");
        assert!(stderr.contains(says), "{shard}: {stderr}");
    }
}

#[test]
fn a_shard_that_draws_no_site_is_no_failure() {
    // One site, many shards: most shards draw nothing and report an empty, passing scan.
    let board = school_board(1);
    let dir = board.path();
    let empty = (1..=8)
        .filter(|i| scan_shard(dir, &format!("{i}/8"), &format!("s{i}.json")) == 0)
        .count();
    assert_eq!(
        empty, 7,
        "one shard scans the site (exit 1), the others exit 0"
    );
    let all: Vec<String> = (1..=8).map(|i| format!("s{i}.json")).collect();
    let mut args = vec!["merge"];
    args.extend(all.iter().map(String::as_str));
    let (code, stderr) = run(dir, &args);
    assert_eq!(code, 1, "{stderr}");
}
