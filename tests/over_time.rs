//! Baselines, diffs, severities and suppressions from the config file.

mod support;

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;
use support::{findings, fixture, trackaudit};

/// Scan the demo site into `out`, with extra arguments; returns the exit code and the report.
fn scan_to(out: &Path, extra: &[&str], cwd: Option<&Path>) -> (i32, Value) {
    let mut cmd = trackaudit();
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let output = cmd
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["--format", "json", "-q", "--output"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let report = serde_json::from_str(&std::fs::read_to_string(out).unwrap_or_default())
        .unwrap_or(Value::Null);
    (output.status.code().unwrap(), report)
}

fn with_service<'a>(site: &'a Value, service: &str) -> Vec<&'a Value> {
    site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["service"] == service)
        .collect()
}

#[test]
fn a_baseline_marks_new_and_unchanged_findings_and_lists_the_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    // The earlier scan did not see the registration page with Hotjar and TikTok.
    scan_to(&old, &["--exclude", "aanmelden"], None);
    let (_, report) = scan_to(&new, &["--baseline", old.to_str().unwrap()], None);
    let site = &report["sites"][0];
    for f in with_service(site, "hotjar") {
        assert_eq!(f["status"], "new", "{f}");
    }
    for f in with_service(site, "meta-pixel") {
        assert_eq!(f["status"], "unchanged", "{f}");
    }
    assert!(site.get("resolved").is_none(), "nothing went away");

    // The other way round: what the baseline had is listed as resolved.
    let back = dir.path().join("back.json");
    let (_, report) = scan_to(
        &back,
        &[
            "--exclude",
            "aanmelden",
            "--baseline",
            new.to_str().unwrap(),
        ],
        None,
    );
    let resolved = &report["sites"][0]["resolved"];
    let services = support::strings(resolved, "service");
    assert!(
        services.contains(&"hotjar".to_string()) && services.contains(&"tiktok-pixel".to_string()),
        "{services:?}"
    );
    // Matched per page: Google Analytics went away from the registration page only.
    let ga = resolved
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["service"] == "google-analytics")
        .unwrap();
    assert_eq!(ga["pages"], serde_json::json!(["/aanmelden.html"]));

    // `diff` tells the same story, and exits 1 because something appeared.
    trackaudit()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+ HIGH"))
        .stdout(predicate::str::contains("hotjar"));
    let json = trackaudit()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let diff: Value = serde_json::from_slice(&json.stdout).unwrap();
    let appeared = support::strings(&diff["sites"][0]["appeared"], "service");
    assert!(
        appeared.contains(&"tiktok-pixel".to_string()),
        "{appeared:?}"
    );
    assert_eq!(diff["sites"][0]["resolved"], serde_json::json!([]));
    trackaudit()
        .arg("diff")
        .arg(&new)
        .arg(&old)
        .args(["--format", "markdown", "--lang", "nl"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("verdwenen"))
        .stdout(predicate::str::contains("| − | HOOG |"));
    trackaudit()
        .arg("diff")
        .arg(&new)
        .arg(&new)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No changes"));
}

#[test]
fn the_config_file_sets_severities_and_suppresses_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("trackaudit.toml"),
        r#"
[severity]
unknown-third-party = "high"

[[suppress]]
rule = "video-embed"
service = "youtube"
url = "^/open-dag"
reason = "Click-to-load placeholder goes live in January"
expires = "2999-01-31"

[[suppress]]
service = "vimeo"
reason = "Old suppression"
expires = "2020-01-01"
"#,
    )
    .unwrap();
    let out = dir.path().join("scan.json");
    // Found in the working directory without --config.
    let (_, report) = scan_to(&out, &[], Some(dir.path()));
    let site = &report["sites"][0];
    let unknown = findings(site, "unknown-third-party");
    assert_eq!(unknown[0]["severity"], "high");
    // The suppression's URL pattern covers the open day page only: the blog's embed stays.
    let youtube = with_service(site, "youtube");
    assert_eq!(youtube.len(), 2);
    let (suppressed, active): (Vec<&&Value>, Vec<&&Value>) =
        youtube.iter().partition(|f| f.get("suppressed").is_some());
    assert_eq!(
        suppressed[0]["suppressed"]["reason"],
        "Click-to-load placeholder goes live in January"
    );
    assert_eq!(
        suppressed[0]["pages"],
        serde_json::json!(["/open-dag.html"])
    );
    assert_eq!(
        active[0]["pages"],
        serde_json::json!(["/leerlingenblog.html"])
    );
    let vimeo = with_service(site, "vimeo");
    assert!(
        vimeo[0].get("suppressed").is_none(),
        "expired: no longer applies"
    );
    assert_eq!(site["expired_suppressions"][0]["service"], "vimeo");
    // Suppressed findings do not count in the summary.
    let medium_active = site["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "medium" && f.get("suppressed").is_none())
        .count();
    assert_eq!(site["summary"]["medium"], medium_active);
}

#[test]
fn an_invalid_config_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("custom.toml");
    std::fs::write(
        &config,
        "[[suppress]]\nrule = \"video-embed\"\n\n[[suppress]]\nservice = \"youtube\"\n",
    )
    .unwrap();
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .arg("--config")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("custom.toml:1"))
        .stderr(predicate::str::contains("reason"));
    std::fs::write(&config, "[severity]\nno-such-rule = \"high\"\n").unwrap();
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .arg("--config")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("custom.toml:2"))
        .stderr(predicate::str::contains("unknown rule"));
}
