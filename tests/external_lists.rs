//! External lists (`--list`): filter lists in EasyPrivacy syntax and Disconnect's services.json,
//! the `lists update` cache, and bad lists. The real lists are used when `../shared/data/` is
//! there (they may not be copied into the project: GPL/CC BY-SA and CC BY-NC-SA); otherwise the
//! sample lists of `fixtures/lists/`, whose domains are made up, stand in.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use predicates::prelude::*;
use serde_json::Value;
use support::{findings, fixture, service, spawn_server, strings, trackaudit};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lists")
        .join(name)
}

/// A real list from the shared data folder, if this checkout has one beside it
/// (`TRACKAUDIT_TEST_SAMPLES_ONLY=1` tries the fallback).
fn real(name: &str) -> Option<PathBuf> {
    if std::env::var_os("TRACKAUDIT_TEST_SAMPLES_ONLY").is_some() {
        return None;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    path.is_file().then_some(path)
}

/// Scan a fixture site with extra arguments; the cache folder is set so that no developer's
/// own cache leaks in.
fn scan(site: &str, args: &[&str], cache: &Path) -> (i32, Value) {
    let output = trackaudit()
        .arg("scan")
        .arg(fixture(site))
        .args(args)
        .args(["--format", "json", "-q"])
        .env("TRACKAUDIT_CACHE_DIR", cache)
        .output()
        .expect("trackaudit runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().expect("exit code"), report)
}

fn scan_with(site: &str, list: &Path) -> Value {
    let cache = tempfile::tempdir().unwrap();
    let (_, report) = scan(site, &["--list", list.to_str().unwrap()], cache.path());
    report["sites"][0].clone()
}

fn third_party<'a>(site: &'a Value, host: &str) -> &'a Value {
    site["third_parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["host"] == host)
        .unwrap_or_else(|| panic!("{host} is a third party"))
}

fn unknown_hosts(site: &Value) -> Vec<String> {
    let found: Vec<Value> = findings(site, "unknown-third-party")
        .into_iter()
        .cloned()
        .collect();
    strings(&Value::from(found), "host")
}

/// A service found by a list: named, attributed to its host, with the list and rule as evidence.
fn assert_list_service(site: &Value, id: &str, host: &str, list: &str) -> Value {
    let s = service(site, id).unwrap_or_else(|| panic!("service {id} in {site:#}"));
    assert_eq!(s["list"], list, "{s}");
    assert!(
        s["hosts"].as_array().unwrap().contains(&Value::from(host)),
        "{s}"
    );
    let evidence = &s["evidence"][0];
    assert_eq!(evidence["list_match"]["list"], list, "{s}");
    assert!(
        !evidence["list_match"]["rule"].as_str().unwrap().is_empty(),
        "{s}"
    );
    assert_eq!(third_party(site, host)["service"], id);
    assert!(
        !unknown_hosts(site).contains(&host.to_owned()),
        "{host} is no longer unknown"
    );
    s.clone()
}

/// What every scan with a list must keep: the catalogue and the first/third-party decision win.
fn assert_catalogue_wins(site: &Value) {
    assert!(
        service(site, "google-analytics").is_some(),
        "gtag.js stays Google Analytics"
    );
    let matomo = findings(site, "privacy-friendly-analytics");
    assert_eq!(matomo.len(), 1, "{matomo:?}");
    assert_eq!(matomo[0]["service"], "matomo");
    let unknown = unknown_hosts(site);
    // In no list at all.
    assert!(
        unknown.contains(&"widgets.roosterplanner-voorbeeld.nl".into()),
        "{unknown:?}"
    );
    // A school board's own Matomo on its domain is Matomo, not a list's generic rule.
    let board = site["third_parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["host"] == "stats.schoolbestuur-voorbeeld.nl")
        .expect("the board's statistics server is a third party");
    assert_eq!(board["service"], "matomo", "{board}");
    let ids = strings(&site["services"], "id");
    assert!(
        ids.iter().all(|id| !id.contains("127.0.0.1")),
        "first-party requests are never checked: {ids:?}"
    );
}

#[test]
fn a_sample_filter_list_attributes_its_trackers() {
    let site = scan_with("long-tail", &sample("sample-filter-list.txt"));
    let list = "Sample tracking list";
    let teller = assert_list_service(
        &site,
        "sample-tracking-list:bezoekersteller-voorbeeld.nl",
        "cdn.bezoekersteller-voorbeeld.nl",
        list,
    );
    assert_eq!(teller["category"], "analytics");
    assert_eq!(teller["transfer"], "unknown");
    assert_eq!(
        teller["evidence"][0]["list_match"]["rule"],
        "||bezoekersteller-voorbeeld.nl^$third-party"
    );
    let analytics = findings(&site, "non-eea-analytics");
    assert!(
        analytics
            .iter()
            .any(|f| f["service"] == "sample-tracking-list:bezoekersteller-voorbeeld.nl"),
        "the unknown-third-party finding became one for the category: {analytics:?}"
    );
    // A 1×1 image stays a tracking pixel, now attributed.
    assert_list_service(
        &site,
        "sample-tracking-list:klikspoor-voorbeeld.com",
        "pixel.klikspoor-voorbeeld.com",
        list,
    );
    let pixels = findings(&site, "tracking-pixel");
    assert!(
        pixels
            .iter()
            .any(|f| f["service"] == "sample-tracking-list:klikspoor-voorbeeld.com"),
        "{pixels:?}"
    );
    // `$script` fires for the script, not for a preconnect; an exception rule allows a request.
    assert_list_service(
        &site,
        "sample-tracking-list:scriptteller-voorbeeld.nl",
        "api.scriptteller-voorbeeld.nl",
        list,
    );
    let unknown = unknown_hosts(&site);
    assert!(
        unknown.contains(&"fonts.scriptteller-voorbeeld.nl".into()),
        "{unknown:?}"
    );
    assert!(
        unknown.contains(&"logo.klikspoor-voorbeeld.com".into()),
        "{unknown:?}"
    );
    assert_catalogue_wins(&site);
}

#[test]
fn a_sample_disconnect_list_names_the_company_and_its_category() {
    let site = scan_with("long-tail", &sample("sample-disconnect.json"));
    let klikspoor = assert_list_service(
        &site,
        "disconnect:klikspoor-voorbeeld",
        "pixel.klikspoor-voorbeeld.com",
        "Disconnect",
    );
    assert_eq!(klikspoor["organization"], "Klikspoor Voorbeeld");
    assert_eq!(
        klikspoor["category"], "advertising",
        "most invasive of its categories"
    );
    assert_eq!(klikspoor["country"], "");
    assert_eq!(klikspoor["transfer"], "unknown");
    // Disconnect lists domains: the host of the exception above is the company's too.
    assert!(
        klikspoor["hosts"]
            .as_array()
            .unwrap()
            .contains(&"logo.klikspoor-voorbeeld.com".into())
    );
    let rule = klikspoor["evidence"][0]["list_match"]["rule"]
        .as_str()
        .unwrap();
    assert!(
        rule.contains("Klikspoor Voorbeeld › klikspoor-voorbeeld.com"),
        "{rule}"
    );
    let social = assert_list_service(
        &site,
        "disconnect:deelknop",
        "knop.deelknop-voorbeeld.nl",
        "Disconnect",
    );
    assert_eq!(social["category"], "social");
    assert!(
        findings(&site, "social-embed")
            .iter()
            .any(|f| f["service"] == "disconnect:deelknop")
    );
    assert!(
        findings(&site, "tracking-pixel")
            .iter()
            .any(|f| f["service"] == "disconnect:klikspoor-voorbeeld")
    );
    assert_catalogue_wins(&site);
}

/// Long-tail trackers on the fixture page that the curated catalogue does not know.
const LONG_TAIL: &[(&str, &str)] = &[
    ("getclicky.com", "static.getclicky.com"),
    ("histats.com", "s10.histats.com"),
    ("scorecardresearch.com", "sb.scorecardresearch.com"),
];

#[test]
fn the_catalogue_does_not_know_the_long_tail_of_the_fixture() {
    for (domain, _) in LONG_TAIL {
        trackaudit()
            .args(["lists", "--search", domain])
            .assert()
            .success()
            .stdout(predicate::str::is_empty());
    }
}

#[test]
fn easyprivacy_attributes_long_tail_trackers_the_catalogue_does_not_know() {
    let Some(list) = real("easyprivacy.txt") else {
        eprintln!("../shared/data/easyprivacy.txt absent: the sample list covers the format");
        return a_sample_filter_list_attributes_its_trackers();
    };
    let site = scan_with("long-tail", &list);
    for (domain, host) in LONG_TAIL {
        let s = assert_list_service(&site, &format!("easyprivacy:{domain}"), host, "EasyPrivacy");
        let rule = s["evidence"][0]["list_match"]["rule"].as_str().unwrap();
        assert!(rule.contains(domain), "{rule}");
        assert_eq!(s["category"], "analytics");
    }
    let analytics = findings(&site, "non-eea-analytics");
    assert!(
        analytics
            .iter()
            .any(|f| f["service"] == "easyprivacy:histats.com")
    );
    // The comScore beacon is a 1×1 image: also a tracking pixel.
    let pixels = findings(&site, "tracking-pixel");
    assert!(
        pixels
            .iter()
            .any(|f| f["service"] == "easyprivacy:scorecardresearch.com"),
        "{pixels:?}"
    );
    assert_catalogue_wins(&site);
}

#[test]
fn disconnect_names_the_companies_of_the_long_tail() {
    let Some(list) = real("disconnect-services.json") else {
        eprintln!("../shared/data/disconnect-services.json absent: the sample covers the format");
        return a_sample_disconnect_list_names_the_company_and_its_category();
    };
    let site = scan_with("long-tail", &list);
    let comscore = assert_list_service(
        &site,
        "disconnect:comscore",
        "sb.scorecardresearch.com",
        "Disconnect",
    );
    assert_eq!(comscore["organization"], "comScore");
    assert_list_service(&site, "disconnect:histats", "s10.histats.com", "Disconnect");
    assert_list_service(
        &site,
        "disconnect:roxr",
        "static.getclicky.com",
        "Disconnect",
    );
    assert_catalogue_wins(&site);
}

#[test]
fn self_hosted_matomo_stays_privacy_friendly_with_easyprivacy_loaded() {
    let list = real("easyprivacy.txt").unwrap_or_else(|| sample("sample-filter-list.txt"));
    let site = scan_with("clean-school", &list);
    assert_eq!(strings(&site["services"], "id"), ["matomo"]);
    assert_eq!(site["third_parties"].as_array().unwrap().len(), 0);
    // Besides the statement and social-media findings (info, tests/transparency.rs).
    let rules: Vec<String> = strings(&site["findings"], "rule")
        .into_iter()
        .filter(|r| r != "disclosed-not-found" && r != "social-media-presence")
        .collect();
    assert_eq!(rules, ["privacy-friendly-analytics"]);
    // The long-tail page loads /analytics/matomo.js and /analytics/matomo.php itself.
    let site = scan_with("long-tail", &list);
    let matomo = service(&site, "matomo").unwrap();
    let urls = strings(&matomo["evidence"], "url");
    assert!(
        urls.iter().any(|u| u.ends_with("/analytics/matomo.js")),
        "{urls:?}"
    );
    assert!(matomo["evidence"][0].get("list_match").is_none());
}

#[test]
fn lists_from_the_config_file_and_suppressions_by_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample("sample-disconnect.json"), dir.path().join("d.json")).unwrap();
    let config = dir.path().join("trackaudit.toml");
    std::fs::write(
        &config,
        "lists = [\"d.json\"]\n\n[[suppress]]\nservice = \"disconnect:deelknop\"\nreason = \"share button removed next sprint\"\n",
    )
    .unwrap();
    let (_, report) = scan(
        "long-tail",
        &["--config", config.to_str().unwrap()],
        dir.path(),
    );
    let site = &report["sites"][0];
    let social = findings(site, "social-embed");
    assert_eq!(social.len(), 1);
    assert!(social[0]["suppressed"].is_object(), "{social:?}");
}

#[test]
fn bad_lists_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let cases = [
        (
            write(
                "binary.txt",
                &[0x89, b'P', b'N', b'G', 0, 0, 0xff, 0xfe, 1, 2],
            ),
            "binary data",
        ),
        (
            write(
                "cut.json",
                br#"{"categories": {"Advertising": [{"Acme": {"https://acme"#,
            ),
            "invalid JSON",
        ),
        (
            write("other.json", br#"{"name": "not disconnect"}"#),
            "not a Disconnect services.json",
        ),
        (write("empty.txt", b""), "empty"),
        (write("blank.txt", b"\n  \n"), "empty"),
        (
            write("comments.txt", b"! Title: nothing\n! at all\n"),
            "no network filter rule",
        ),
        (
            write(
                "page.txt",
                b"<!DOCTYPE html><html><body>Not found</body></html>",
            ),
            "HTML",
        ),
        (dir.path().join("missing.txt"), "No such file"),
    ];
    for (path, message) in cases {
        trackaudit()
            .arg("scan")
            .arg(fixture("clean-school"))
            .arg("--list")
            .arg(&path)
            .env("TRACKAUDIT_CACHE_DIR", dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(path.to_str().unwrap()))
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn a_list_name_without_a_cached_copy_says_to_update() {
    let cache = tempfile::tempdir().unwrap();
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .args(["--list", "easyprivacy"])
        .env("TRACKAUDIT_CACHE_DIR", cache.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("trackaudit lists update"));
}

/// A list server with validators: ETag for one list, Last-Modified for the other; it answers
/// 304 to a request that presents them, and records what it was sent.
struct ListServer {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn list_server() -> ListServer {
    let filter = std::fs::read(sample("sample-filter-list.txt")).unwrap();
    let disconnect = std::fs::read(sample("sample-disconnect.json")).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let etag = "\"sample-v1\"";
    let date = "Mon, 20 Jul 2026 05:41:00 GMT";
    let app = axum::Router::new()
        .route(
            "/easyprivacy.txt",
            axum::routing::get({
                let log = log.clone();
                move |headers: HeaderMap| async move {
                    let presented = headers
                        .get(header::IF_NONE_MATCH)
                        .map(|v| v.to_str().unwrap_or("").to_owned());
                    log.lock()
                        .unwrap()
                        .push(format!("easyprivacy if-none-match={presented:?}"));
                    if presented.as_deref() == Some(etag) {
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    ([(header::ETAG, etag)], filter.clone()).into_response()
                }
            }),
        )
        .route(
            "/services.json",
            axum::routing::get(move |headers: HeaderMap| async move {
                let presented = headers
                    .get(header::IF_MODIFIED_SINCE)
                    .map(|v| v.to_str().unwrap_or("").to_owned());
                log.lock()
                    .unwrap()
                    .push(format!("disconnect if-modified-since={presented:?}"));
                if presented.as_deref() == Some(date) {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                ([(header::LAST_MODIFIED, date)], disconnect.clone()).into_response()
            }),
        )
        .route(
            "/broken",
            axum::routing::get(|| async { "<html><body>captive portal</body></html>" }),
        )
        .route(
            "/gone",
            axum::routing::get(|| async { StatusCode::NOT_FOUND }),
        )
        .route(
            "/text",
            axum::routing::get(|| async { "# Release notes\n\nNothing to see here.\n" }),
        );
    let addr = spawn_server(app);
    ListServer {
        base: format!("http://{addr}"),
        seen,
    }
}

fn update(
    server: &ListServer,
    cache: &Path,
    sources: &[(&str, &str)],
) -> assert_cmd::assert::Assert {
    let mut cmd = trackaudit();
    cmd.args(["lists", "update", "--cache-dir"]).arg(cache);
    // Name the lists: the others would be fetched from the internet.
    for (name, path) in sources {
        cmd.arg(name)
            .arg("--source")
            .arg(format!("{name}={}{path}", server.base));
    }
    cmd.assert()
}

#[test]
fn lists_update_downloads_then_asks_with_validators_and_keeps_what_did_not_change() {
    let server = list_server();
    let cache = tempfile::tempdir().unwrap();
    let both = [
        ("easyprivacy", "/easyprivacy.txt"),
        ("disconnect", "/services.json"),
    ];
    update(&server, cache.path(), &both)
        .success()
        .stdout(predicate::str::contains("easyprivacy: updated"))
        .stdout(predicate::str::contains("disconnect: updated"));
    let copy = cache.path().join("easyprivacy.txt");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(sample("sample-filter-list.txt")).unwrap()
    );
    assert!(cache.path().join("disconnect-services.json").is_file());

    update(&server, cache.path(), &both)
        .success()
        .stdout(predicate::str::contains("easyprivacy: not modified"))
        .stdout(predicate::str::contains("disconnect: not modified"));
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "easyprivacy if-none-match=None",
            "disconnect if-modified-since=None",
            "easyprivacy if-none-match=Some(\"\\\"sample-v1\\\"\")",
            "disconnect if-modified-since=Some(\"Mon, 20 Jul 2026 05:41:00 GMT\")",
        ]
    );

    // Scans use the cached copies by name.
    let (_, report) = scan(
        "long-tail",
        &["--list", "easyprivacy", "--list", "disconnect"],
        cache.path(),
    );
    let site = &report["sites"][0];
    assert!(service(site, "sample-tracking-list:scriptteller-voorbeeld.nl").is_some());
    assert!(service(site, "disconnect:klikspoor-voorbeeld").is_some());
}

#[test]
fn a_failed_or_invalid_download_keeps_the_cached_copy_and_exits_2() {
    let server = list_server();
    let cache = tempfile::tempdir().unwrap();
    update(
        &server,
        cache.path(),
        &[("easyprivacy", "/easyprivacy.txt")],
    )
    .success();
    let copy = cache.path().join("easyprivacy.txt");
    let before = std::fs::read(&copy).unwrap();
    update(&server, cache.path(), &[("easyprivacy", "/broken")])
        .code(2)
        .stderr(predicate::str::contains("easyprivacy: failed"))
        .stderr(predicate::str::contains("not a filter list"));
    // Any text parses as filter rules: a download must look like a filter list.
    update(&server, cache.path(), &[("easyprivacy", "/text")])
        .code(2)
        .stderr(predicate::str::contains("[Adblock Plus]"));
    update(&server, cache.path(), &[("easyprivacy", "/services.json")])
        .code(2)
        .stderr(predicate::str::contains("not a filter list"));
    update(&server, cache.path(), &[("disconnect", "/gone")])
        .code(2)
        .stderr(predicate::str::contains("404"));
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "the old copy is kept"
    );
    trackaudit()
        .args(["lists", "update", "nope", "--cache-dir"])
        .arg(cache.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown list"));
}
