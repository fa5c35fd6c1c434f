//! The command line: exit codes, outputs, errors a user can act on.

mod support;

use predicates::prelude::*;
use support::{fixture, trackaudit};

#[test]
fn help_explains_the_tool_and_the_exit_codes() {
    trackaudit()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"))
        .stdout(predicate::str::contains("scan"));
    trackaudit()
        .args(["scan", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--fail-on"))
        .stdout(predicate::str::contains("--max-pages"));
}

#[test]
fn usage_errors_exit_with_2() {
    trackaudit()
        .args(["scan", "--no-such-flag", "x"])
        .assert()
        .code(2);
    trackaudit()
        .args(["scan", "ftp://example.org/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only http and https"));
    trackaudit()
        .args(["scan", "./does/not/exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "neither an existing folder nor a URL",
        ));
    trackaudit()
        .args(["scan", "https://example.org/", "--exclude", "("])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--exclude"));
    trackaudit()
        .args(["scan", "https://example.org/", "--max-pages", "0"])
        .assert()
        .code(2);
    trackaudit()
        .args([
            "scan",
            "https://example.org/",
            "--format",
            "json",
            "--format",
            "terminal",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--output"));
    // Out-of-range values are refused before the scan, with a message that states the range.
    for (flag, value, says) in [
        ("--delay", "99999999999", "at most 60000 ms"),
        ("--timeout", "0", "more than 0 and at most 3600"),
        ("--csv-separator", "\"", "punctuation character"),
    ] {
        trackaudit()
            .args(["scan", "https://example.org/", flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn an_unreachable_site_exits_3_and_still_writes_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scan.json");
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    trackaudit()
        .args([
            "scan",
            "http://127.0.0.1:9/",
            "--format",
            "json",
            "--timeout",
            "2",
            "-q",
        ])
        .arg("--output")
        .arg(&out)
        .assert()
        .code(3);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let site = &report["sites"][0];
    assert_eq!(site["summary"]["verdict"], "error");
    let page = &site["pages"][0];
    assert!(
        page["error"]
            .as_str()
            .unwrap()
            .starts_with("connection refused"),
        "{page}"
    );
    assert_eq!(page["error_about"]["kind"], "connection-refused", "{page}");
}

#[test]
fn fail_on_sets_the_threshold() {
    let demo = fixture("demo-school");
    trackaudit()
        .arg("scan")
        .arg(&demo)
        .args(["--fail-on", "never", "-q"])
        .assert()
        .code(0);
    let clean = fixture("clean-school");
    trackaudit()
        .arg("scan")
        .arg(&clean)
        .args(["--fail-on", "low", "-q"])
        .assert()
        .code(0);
}

#[test]
fn terminal_report_reads_top_down_in_english_and_dutch() {
    let demo = fixture("demo-school");
    let en = trackaudit()
        .arg("scan")
        .arg(&demo)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    let en = String::from_utf8(en.stdout).unwrap();
    assert!(en.contains("Verdict: FAIL"), "{en}");
    assert!(en.contains("HIGH"));
    assert!(en.contains("Meta Pixel"));
    assert!(en.contains("Matomo"), "advice names the alternative");
    assert!(!en.contains('\x1b'), "NO_COLOR: no escape codes");
    let verdict_at = en.find("Verdict").unwrap();
    let high_at = en.find("HIGH").unwrap();
    let medium_at = en.find("MEDIUM").unwrap();
    assert!(
        verdict_at < high_at && high_at < medium_at,
        "verdict, then high, then medium"
    );

    let nl = trackaudit()
        .arg("scan")
        .arg(&demo)
        .args(["--lang", "nl"])
        .output()
        .unwrap();
    let nl = String::from_utf8(nl.stdout).unwrap();
    assert!(nl.contains("Oordeel: AFGEKEURD"), "{nl}");
    assert!(nl.contains("HOOG"));
    assert!(nl.contains("Trackingpixel"));

    let from_env = trackaudit()
        .env("LANG", "nl_NL.UTF-8")
        .arg("scan")
        .arg(&demo)
        .output()
        .unwrap();
    assert!(
        String::from_utf8(from_env.stdout)
            .unwrap()
            .contains("Oordeel")
    );
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let clean = fixture("clean-school");
    let out = trackaudit()
        .env_remove("NO_COLOR")
        .arg("scan")
        .arg(&clean)
        .args(["--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains('\x1b'));
}

#[test]
fn terminal_to_stdout_json_to_the_output_file_and_the_report_renders_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scan.json");
    trackaudit()
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["--format", "terminal", "--format", "json", "-q"])
        .arg("--output")
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Verdict"));
    let json_path = out;
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"]["name"], "trackaudit");
    assert_eq!(report["engine"], "static");

    trackaudit()
        .arg("report")
        .arg(&json_path)
        .args(["--lang", "nl"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Oordeel: AFGEKEURD"));
    let again = trackaudit()
        .arg("report")
        .arg(&json_path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again, report, "JSON survives a round trip unchanged");
}

#[test]
fn a_corrupt_saved_report_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    trackaudit()
        .arg("report")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json"));
}

/// Class: a saved report of a schema this binary does not know is refused by its version —
/// `report`, `diff` and `--baseline` alike — instead of being read as if its fields meant what
/// they mean in version 1.
#[test]
fn reports_of_an_unknown_schema_version_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .args(["--format", "json", "-q", "--output"])
        .arg(&good)
        .assert()
        .success();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    trackaudit().arg("report").arg(&good).assert().success();
    let variants = [
        (
            "two.json",
            serde_json::json!(2),
            "schema_version 2 is not one",
        ),
        (
            "text.json",
            serde_json::json!("1"),
            "schema_version \"1\" is not one",
        ),
        ("none.json", serde_json::Value::Null, "no schema_version"),
    ];
    for (name, version, message) in variants {
        let mut changed = report.clone();
        if version.is_null() {
            changed.as_object_mut().unwrap().remove("schema_version");
        } else {
            changed["schema_version"] = version;
        }
        let path = dir.path().join(name);
        std::fs::write(&path, changed.to_string()).unwrap();
        trackaudit()
            .arg("report")
            .arg(&path)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(name).and(predicate::str::contains(message)));
        trackaudit()
            .arg("diff")
            .arg(&good)
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
        trackaudit()
            .arg("scan")
            .arg(fixture("clean-school"))
            .arg("--baseline")
            .arg(&path)
            .args(["--format", "json", "-q"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn targets_file_scans_several_sites() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("targets.txt");
    std::fs::write(
        &list,
        format!(
            "# the board's schools\n{}\n\n{}  # primary\n",
            fixture("clean-school").display(),
            fixture("edge-cases").display()
        ),
    )
    .unwrap();
    let (_, report) = support::scan_json(&["--targets", list.to_str().unwrap()]);
    assert_eq!(report["sites"].as_array().unwrap().len(), 2);
}

#[test]
fn lists_check_search_and_json() {
    trackaudit()
        .args(["lists", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("catalogue OK"));
    trackaudit()
        .args(["lists", "--search", "hotjar"])
        .assert()
        .success()
        .stdout(predicate::str::contains("hotjar"));
    let out = trackaudit().args(["lists", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let services = json["services"].as_array().unwrap();
    assert!(
        services
            .iter()
            .any(|s| s["id"] == "google-analytics" && s["hosts"].is_array())
    );
}

#[test]
fn lists_check_rejects_a_broken_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[service]]\nid = \"Bad Id\"\nname = \"x\"\norganization = \"Nobody\"\ncategory = \"nonsense\"\n",
    )
    .unwrap();
    trackaudit()
        .args(["lists", "--check", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown category"))
        .stderr(predicate::str::contains("not in organizations.toml"));
    std::fs::write(dir.path().join("bad.toml"), "[[service]\nid = ").unwrap();
    trackaudit()
        .args(["lists", "--check", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"));
}

#[test]
fn several_formats_go_to_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    trackaudit()
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["-q", "--csv-separator", ";", "--output"])
        .arg(&out)
        .args(["--format", "json", "--format", "html", "--format", "csv"])
        .args(["--format", "markdown", "--format", "junit"])
        .assert()
        .code(1)
        .stdout("");
    for name in [
        "report.json",
        "report.html",
        "report.csv",
        "report.md",
        "report.junit.xml",
    ] {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(text.len() > 200, "{name} is written");
    }
    let csv = std::fs::read_to_string(out.join("report.csv")).unwrap();
    assert!(csv.starts_with("site;page;rule;severity"), "{}", &csv[..60]);
    trackaudit()
        .args(["scan", "x.nl", "--csv-separator", "ab"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("punctuation"));
}

#[test]
fn each_finding_is_printed_once_in_the_terminal_report() {
    let out = trackaudit()
        .arg("scan")
        .arg(fixture("demo-school"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.matches("Tracking pixel: Meta Pixel").count(),
        1,
        "{text}"
    );
}

#[test]
fn the_readme_documents_every_scan_option() {
    let help = trackaudit().args(["scan", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let flag = regex::Regex::new(r"--[a-z][a-z-]+").unwrap();
    let missing: Vec<&str> = flag
        .find_iter(&help)
        .map(|m| m.as_str())
        .filter(|f| !matches!(*f, "--help" | "--version"))
        .filter(|f| !readme.contains(f))
        .collect();
    assert!(missing.is_empty(), "README does not mention {missing:?}");
}
