//! The browser engine (`--engine chromium`) against a loopback internet: the fixture site is
//! served on loopback, and every third party is played by a local HTTPS stand-in that Chromium
//! reaches through `--host-resolver-rules`. Real Chromium, the real binary; nothing leaves the
//! machine.

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use support::{findings, fixture, scan_json, service, thirdparty, trackaudit};

/// Every evidence item of a site: its services' and its findings'.
fn all_evidence(site: &Value) -> Vec<&Value> {
    let from = |key: &str| {
        site[key]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["evidence"].as_array().into_iter().flatten())
            .collect::<Vec<_>>()
    };
    let mut all = from("services");
    all.extend(from("findings"));
    all
}

fn cookie<'a>(site: &'a Value, name: &str) -> Option<&'a Value> {
    site["cookies"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == name)
}

/// Scan the GTM fixture with the browser engine; the report and the third parties' log.
fn scan_gtm_school(extra: &[&str]) -> (i32, Value, Vec<String>) {
    let third = thirdparty::start();
    let folder = fixture("gtm-school");
    let mut args: Vec<String> = vec![
        folder.display().to_string(),
        "--engine".into(),
        "chromium".into(),
    ];
    args.extend(third.browser_args());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, report) = scan_json(&args);
    (code, report, third.requests())
}

#[test]
fn what_a_tag_manager_loads_is_found_by_the_browser() {
    let (code, report, _) = scan_gtm_school(&[]);
    assert_eq!(code, 1, "high findings fail the scan: {report:#}");
    assert_eq!(report["engine"], "chromium");
    let site = &report["sites"][0];

    // The services GTM loaded at run time, with the browser as witness.
    let ga = service(site, "google-analytics").expect("GA4 loaded by GTM is found");
    let collect = ga["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["url"].as_str().is_some_and(|u| u.contains("/g/collect")))
        .expect("the /g/collect beacon is evidence");
    assert_eq!(collect["seen_by"], "browser");
    assert_eq!(collect["kind"], "network-request");
    // The initiator chain: the beacon was sent by gtag/js, which GTM's gtm.js inserted.
    let chain: Vec<&str> = collect["initiator"]
        .as_array()
        .expect("an initiator chain")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(chain[0].contains("/gtag/js?id=G-TEST123456"), "{chain:?}");
    assert!(
        chain.iter().any(|u| u.contains("/gtm.js?id=GTM-TEST123")),
        "{chain:?}"
    );
    assert!(
        ga["tracking_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "G-TEST123456")
    );

    let meta = service(site, "meta-pixel").expect("the Meta pixel loaded by GTM is found");
    assert!(meta["evidence"].as_array().unwrap().iter().any(|e| {
        e["seen_by"] == "browser"
            && e["url"]
                .as_str()
                .is_some_and(|u| u.contains("facebook.com/tr"))
    }));

    // The static reading of the page is kept next to the browser's.
    let gtm = service(site, "google-tag-manager").expect("the declared tag manager");
    assert!(
        gtm["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["seen_by"] == "static")
    );
    assert!(
        gtm["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["seen_by"] == "browser")
    );
    // A tag manager's finding names what it loaded.
    let loaded: Vec<&str> = gtm["loaded"]
        .as_array()
        .expect("loaded services")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        loaded.contains(&"google-analytics") && loaded.contains(&"meta-pixel"),
        "{loaded:?}"
    );
    let tag_manager = findings(site, "tag-manager");
    let title = tag_manager[0]["title"].as_str().unwrap();
    assert!(
        title.contains("(loaded: ") && title.contains("Google Analytics") && title.contains("Meta"),
        "{title}"
    );

    // The existing rules apply to what only the browser saw.
    let rule_services = |rule: &str| -> Vec<String> {
        findings(site, rule)
            .iter()
            .filter_map(|f| f["service"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(rule_services("non-eea-analytics").contains(&"google-analytics".to_owned()));
    assert!(rule_services("tracking-pixel").contains(&"meta-pixel".to_owned()));
}

#[test]
fn cookies_set_before_consent_are_reported_with_their_service_and_party() {
    let (_, report, _) = scan_gtm_school(&["--lang", "nl"]);
    let site = &report["sites"][0];
    let ga = cookie(site, "_ga").expect("the _ga cookie");
    assert_eq!(ga["service"], "google-analytics");
    assert_eq!(ga["party"], "first");
    assert_eq!(ga["tracking"], true);
    assert!(ga["expires_days"].as_u64().is_some_and(|d| d > 300), "{ga}");
    assert_eq!(
        cookie(site, "_ga_TEST123456").unwrap()["service"],
        "google-analytics"
    );
    assert_eq!(
        cookie(site, "_fbp").expect("the _fbp cookie")["service"],
        "meta-pixel"
    );
    // A cookie set in a third-party iframe (HttpOnly-capable Set-Cookie, SameSite=None).
    let widget = cookie(site, "widget_id").expect("the third-party iframe's cookie");
    assert_eq!(widget["party"], "third");
    assert_eq!(widget["secure"], true);
    assert!(cookie(site, "widget_id").is_some());

    let before: Vec<&Value> = findings(site, "cookie-before-consent");
    let services: Vec<&str> = before
        .iter()
        .filter_map(|f| f["service"].as_str())
        .collect();
    assert!(services.contains(&"google-analytics"), "{services:?}");
    assert!(services.contains(&"meta-pixel"), "{services:?}");
    assert!(before.iter().all(|f| f["severity"] == "high"));
    assert!(
        before[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Trackingcookie vóór toestemming"),
        "Dutch title: {}",
        before[0]["title"]
    );
    let third = findings(site, "third-party-cookie");
    assert!(
        third.iter().any(|f| f["host"] == "thirdparty-test.example"),
        "{third:#?}"
    );
    assert!(third.iter().all(|f| f["severity"] == "medium"));
}

#[test]
fn the_static_engine_does_not_see_what_a_tag_manager_loads() {
    let folder = fixture("gtm-school");
    let (_, report) = scan_json(&[folder.to_str().unwrap()]);
    assert_eq!(report["engine"], "static");
    let site = &report["sites"][0];
    assert!(service(site, "google-tag-manager").is_some());
    assert!(service(site, "google-analytics").is_none());
    assert!(service(site, "meta-pixel").is_none());
    assert!(site.get("cookies").is_none());
    assert!(all_evidence(site).iter().all(|e| e["seen_by"] == "static"));
    // The menu link exists only in the rendered DOM.
    assert!(support::page(site, "/rooster.html").is_none());
}

#[test]
fn requests_of_frames_workers_and_rendered_links_are_all_recorded() {
    // Chromium runs cross-site frames in the page's process: a frame target that detaches before
    // it was told to run (seen with site isolation on busy cores) can no longer hide a frame's
    // requests or stop the page from loading.
    let (_, report, received) = scan_gtm_school(&[]);
    let site = &report["sites"][0];
    assert!(
        support::page(site, "/rooster.html").is_some(),
        "a link of the rendered DOM joins the frontier"
    );
    // No request event is lost (neither to a protocol message that fails to parse nor to a
    // frame or worker the recorder did not attach to): everything the third parties received
    // is in the report, with the browser as witness.
    let evidence: Vec<String> = all_evidence(site)
        .iter()
        .filter(|e| e["seen_by"] == "browser")
        .filter_map(|e| e["url"].as_str())
        .map(|u| u.trim_start_matches("https://").to_owned())
        .collect();
    assert!(
        received.iter().any(|r| r.contains("/frame-beacon")),
        "iframe ran: {received:?}"
    );
    assert!(
        received.iter().any(|r| r.contains("/worker-ping")),
        "worker ran: {received:?}"
    );
    for request in &received {
        assert!(
            evidence.iter().any(|e| e == request),
            "{request} reached the third party but is not in the report"
        );
    }
    let browser = &site["browser"];
    assert!(browser["cdp_parse_errors"].is_u64(), "{browser}");
    assert!(browser["requests"].as_u64().unwrap() >= received.len() as u64);
}

#[test]
fn no_chromium_process_or_profile_outlives_the_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let third = thirdparty::start();
    let folder = fixture("gtm-school");
    let output = trackaudit()
        .arg("scan")
        .arg(&folder)
        .args(["--engine", "chromium", "--format", "json", "-q"])
        .args(third.browser_args())
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert!(output.status.code().is_some_and(|c| c <= 1), "{output:?}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary profiles left: {left:?}");
    assert!(
        processes_naming(tmp.path()).is_empty(),
        "Chromium processes outlived the scan"
    );
}

#[test]
fn a_missing_chromium_is_a_usage_error_that_says_how_to_install_it() {
    let folder = fixture("gtm-school");
    let output = trackaudit()
        .arg("scan")
        .arg(&folder)
        .args([
            "--engine",
            "chromium",
            "--chromium",
            "/nonexistent/chromium",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("apt-get install chromium"));

    let output = trackaudit()
        .arg("scan")
        .arg(&folder)
        .args(["--engine", "chromium"])
        .env_remove("CHROME")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("apt-get install chromium"));
}

/// Command lines of the processes that mention `path`.
fn processes_naming(path: &Path) -> Vec<String> {
    processes_with_pid(path)
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

#[test]
fn evidence_is_a_har_of_the_traffic_and_a_start_page_screenshot() {
    let third = thirdparty::start();
    let tmp = tempfile::tempdir().unwrap();
    let (evidence, out) = (tmp.path().join("evidence"), tmp.path().join("out/"));
    let output = trackaudit()
        .arg("scan")
        .arg(fixture("gtm-school"))
        .args([
            "--engine", "chromium", "--format", "json", "--format", "html", "-q",
        ])
        .arg("--evidence")
        .arg(&evidence)
        .arg("--output")
        .arg(&out)
        .args(third.browser_args())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let files = &report["sites"][0]["evidence_files"];
    let har: Value =
        serde_json::from_slice(&std::fs::read(files["har"].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    let entries = har["log"]["entries"].as_array().unwrap();
    let collect = entries
        .iter()
        .find(|e| e["request"]["url"].as_str().unwrap().contains("/g/collect"))
        .expect("the GA4 beacon is in the HAR");
    assert!(
        collect["_initiator"][0]
            .as_str()
            .unwrap()
            .contains("/gtag/js")
    );
    assert!(entries.iter().all(|e| e["pageref"].as_str().is_some()));
    assert!(har["log"]["pages"].as_array().unwrap().len() >= 3);
    let png = std::fs::read(files["screenshot"].as_str().unwrap()).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");

    // The HTML report shows the screenshot inline and the cookie table.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("src=\"data:image/png;base64,"));
    assert!(html.contains("img-src data:"));
    assert!(html.contains("<code>_ga</code>") && html.contains("<code>_fbp</code>"));

    // Evidence needs the browser.
    let static_only = trackaudit()
        .arg("scan")
        .arg(fixture("gtm-school"))
        .arg("--evidence")
        .arg(&evidence)
        .output()
        .unwrap();
    assert_eq!(static_only.status.code(), Some(2));
}

/// A site on loopback: `/` links every page; each page is `(path, html)`; every response is
/// delayed by `delay_ms` (a slow site keeps the crawl going for a while). The flag turns true
/// at the first request from Chromium.
fn serve_pages(
    pages: &'static [(&'static str, &'static str)],
    delay_ms: u64,
) -> (String, Arc<AtomicBool>) {
    let chromium_seen = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&chromium_seen);
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: axum::http::HeaderMap| async move {
            let agent = headers
                .get("user-agent")
                .and_then(|a| a.to_str().ok())
                .unwrap_or_default();
            if agent.contains("Chrome") {
                seen.store(true, Ordering::Relaxed);
            }
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            let body = if uri.path() == "/" {
                let links: String = pages
                    .iter()
                    .map(|(path, _)| format!("<a href=\"{path}\">{path}</a> "))
                    .collect();
                format!(
                    "<!doctype html><title>Home</title><a href=\"/privacy\">privacy</a> {links}"
                )
            } else {
                let page = pages.iter().find(|(path, _)| *path == uri.path());
                page.map_or_else(
                    || "<title>privacy</title>".to_owned(),
                    |(_, html)| html.to_string(),
                )
            };
            axum::response::Html(body)
        },
    );
    (
        format!("http://{}/", support::spawn_server(app)),
        chromium_seen,
    )
}

#[test]
fn a_hung_page_is_recorded_as_an_error_and_the_crawl_goes_on() {
    static PAGES: &[(&str, &str)] = &[
        (
            "/hang",
            "<!doctype html><title>Hang</title><script>while (true) {}</script>",
        ),
        ("/fine", "<!doctype html><title>Fine</title><p>fine</p>"),
    ];
    let (url, _) = serve_pages(PAGES, 0);
    // One tab: the fine page loads after the hung one's tab was closed, so the renderer that
    // spins a whole core cannot starve it on a busy two-core machine.
    let (_, report) = scan_json(&[
        &url,
        "--engine",
        "chromium",
        "--tabs",
        "1",
        "--timeout",
        "3",
        "--page-wait",
        "1",
    ]);
    let site = &report["sites"][0];
    let hung = support::page(site, &format!("{url}hang")).expect("the hung page is listed");
    let error = hung["browser"]["error"]
        .as_str()
        .expect("the hang is recorded");
    assert!(error.contains("hung"), "{error}");
    let fine = support::page(site, &format!("{url}fine")).unwrap();
    assert!(fine["browser"]["error"].is_null(), "{fine}");
    assert!(fine["browser"]["requests"].as_u64().unwrap() >= 1);
}

#[test]
fn a_killed_chromium_is_started_again_and_the_crawl_goes_on() {
    static PAGES: &[(&str, &str)] = &[
        ("/a", "<!doctype html><title>A</title>"),
        ("/b", "<!doctype html><title>B</title>"),
        ("/c", "<!doctype html><title>C</title>"),
        ("/d", "<!doctype html><title>D</title>"),
    ];
    let (url, chromium_seen) = serve_pages(PAGES, 500);
    let tmp = tempfile::tempdir().unwrap();
    let scan = std::process::Command::new(assert_cmd::cargo::cargo_bin("trackaudit"))
        .args([
            "scan",
            &url,
            "--engine",
            "chromium",
            "--tabs",
            "1",
            "--concurrency",
            "1",
        ])
        .args(["--format", "json", "-q"])
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill the main Chromium process once it loads pages.
    let (pid, _) = main_chromium(tmp.path(), &chromium_seen).expect("Chromium was started");
    // SAFETY: a process of this test's own Chromium, found by its profile path.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let output = scan.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).expect("a report");
    let site = &report["sites"][0];
    assert!(
        site["browser"]["restarts"].as_u64().unwrap() >= 1,
        "{}",
        site["browser"]
    );
    let loaded = site["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["browser"]["requests"].as_u64().is_some_and(|n| n >= 1))
        .count();
    assert!(
        loaded >= 4,
        "the crawl went on in the new Chromium: {site:#}"
    );
    assert!(
        processes_with_pid(tmp.path()).is_empty(),
        "Chromium processes outlived the scan"
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "profiles left"
    );
}

/// A Chromium that dies while a page waits on the browser (here on an image that never answers,
/// with `--page-wait` and `--timeout` far longer than the test) ends every wait at once: the page
/// is loaded again in a new Chromium right away, not after the waits ran out. The image answers
/// the new Chromium, so the page loaded again is recorded whole.
#[test]
fn every_wait_on_the_browser_ends_when_chromium_dies() {
    use std::sync::atomic::AtomicUsize;
    let asked = Arc::new(AtomicUsize::new(0));
    let first_asked = Arc::new(AtomicBool::new(false));
    let (count, first) = (Arc::clone(&asked), Arc::clone(&first_asked));
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let (count, first) = (Arc::clone(&count), Arc::clone(&first));
        async move {
            let html = |body: &str| axum::response::Html(format!("<!doctype html>{body}"));
            match uri.path() {
                "/stuck.png" if count.fetch_add(1, Ordering::Relaxed) == 0 => {
                    first.store(true, Ordering::Relaxed);
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                    html("")
                }
                "/stuck.png" => html(""),
                _ => html("<title>Waits</title><img src=\"/stuck.png\">"),
            }
        }
    });
    let url = format!("http://{}/", support::spawn_server(app));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("scan.json");
    let profiles = tmp.path().join("profiles");
    std::fs::create_dir(&profiles).unwrap();
    let mut scan = std::process::Command::new(assert_cmd::cargo::cargo_bin("trackaudit"))
        .args(["scan", &url, "--engine", "chromium", "--max-pages", "1"])
        .args(["--page-wait", "300", "--timeout", "300"])
        .args(["--format", "json", "-q", "--output"])
        .arg(&out)
        .env("TMPDIR", &profiles)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (pid, _) = main_chromium(&profiles, &first_asked).expect("Chromium asked for the image");
    // SAFETY: a process of this test's own Chromium, found by its profile path.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    // The new Chromium asks for the image again: long before --page-wait or --timeout ran out
    // (waiting them out, it would ask only after 600 s).
    let again = (0..1200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        asked.load(Ordering::Relaxed) >= 2
    });
    if !again {
        let _ = scan.kill();
        let _ = scan.wait();
    }
    assert!(again, "the page was not loaded again once Chromium died");
    let status = scan.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let site = &report["sites"][0];
    assert_eq!(site["browser"]["restarts"], 1, "{}", site["browser"]);
    let page = support::page(site, &url).expect("the page is listed");
    let browser = &page["browser"];
    assert!(
        browser["error"].is_null(),
        "loaded whole the second time: {browser}"
    );
    // The document and the image, from the new Chromium.
    assert!(browser["requests"].as_u64().unwrap() >= 2, "{browser}");
    assert!(
        processes_with_pid(&profiles).is_empty(),
        "Chromium processes outlived the scan"
    );
}

/// The main process of a scan's Chromium whose profile is below `path`, once it loads pages
/// (`seen`): pid and command line; `None` when there is none within 30 s. Helpers carry
/// `--type=`; Debian's /usr/bin/chromium is a shell script that execs the real one.
fn main_chromium(path: &Path, seen: &AtomicBool) -> Option<(i32, String)> {
    (0..600).find_map(|_| {
        let main = processes_with_pid(path).into_iter().find(|(_, cmdline)| {
            cmdline.contains("--remote-debugging-port")
                && !cmdline.contains("--type=")
                && !cmdline.starts_with("/bin/sh")
        });
        if main.is_some() && seen.load(Ordering::Relaxed) {
            return main;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        None
    })
}

/// Processes whose command line mentions `path`: pid and command line.
fn processes_with_pid(path: &Path) -> Vec<(i32, String)> {
    let needle = path.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().parse::<i32>().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            Some((pid, String::from_utf8_lossy(&cmdline).replace('\0', " ")))
        })
        .filter(|(_, c)| c.contains(&needle))
        .collect()
}

/// Scan the GTM fixture into `out/` (JSON and HTML, with `extra` flags); the JSON report.
fn scan_gtm_school_to(out: &Path, extra: &[&str]) -> Value {
    let third = thirdparty::start();
    let output = trackaudit()
        .arg("scan")
        .arg(fixture("gtm-school"))
        .args([
            "--engine", "chromium", "--format", "json", "--format", "html", "-q",
        ])
        .args(extra)
        .arg("--output")
        .arg(out)
        .args(third.browser_args())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap()
}

#[test]
fn web_storage_of_third_party_frames_is_recorded_without_values() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out/");
    let report = scan_gtm_school_to(&out, &["--lang", "nl"]);
    let site = &report["sites"][0];
    let storage = site["storage"]
        .as_array()
        .unwrap_or_else(|| panic!("storage keys recorded: {:#}", site["pages"]));
    let item = |key: &str| storage.iter().find(|s| s["key"] == key);
    // The third-party iframe's writes, by the iframe's origin (not the page's).
    let local = item("widget_seen").expect("the iframe's localStorage key");
    assert_eq!(local["kind"], "local");
    assert_eq!(local["origin"], "https://widget.thirdparty-test.example");
    assert_eq!(local["party"], "third");
    assert!(
        local["page"].as_str().is_some_and(|p| p.ends_with('/')),
        "{local}"
    );
    let session = item("widget_tab").expect("the iframe's sessionStorage key");
    assert_eq!(session["kind"], "session");
    assert_eq!(session["party"], "third");
    // Values are never recorded.
    let text = serde_json::to_string(site).unwrap();
    assert!(!text.contains("agenda\""), "a storage value leaked");

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Webopslag"), "the Dutch table title");
    assert!(html.contains("<code>widget_seen</code>"));
    assert!(html.contains("sessionStorage (dit tabblad)"));
}

#[test]
fn cookies_the_browser_refused_are_recorded_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out/");
    let report = scan_gtm_school_to(&out, &[]);
    let site = &report["sites"][0];
    let blocked = site["blocked_cookies"].as_array().unwrap();
    let refused = |name: &str| {
        blocked
            .iter()
            .find(|b| b["name"] == name && b["action"] == "set")
            .unwrap_or_else(|| panic!("{name} refused: {blocked:#?}"))
    };
    let insecure = refused("beacon_uid");
    assert!(
        insecure["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "SameSiteNoneInsecure"),
        "{insecure}"
    );
    assert_eq!(insecure["domain"], "widget.thirdparty-test.example");
    assert_eq!(insecure["party"], "third");
    assert!(insecure["url"].as_str().unwrap().contains("/frame-beacon"));
    let foreign = refused("foreign_uid");
    assert!(
        foreign["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "InvalidDomain"),
        "{foreign}"
    );
    // Refused cookies are not among the stored ones, and their values are never recorded.
    assert!(cookie(site, "beacon_uid").is_none());
    let text = serde_json::to_string(site).unwrap();
    assert!(
        !text.contains("b-7") && !text.contains("f-9"),
        "a value leaked"
    );

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Cookies the browser refused"));
    assert!(html.contains("<code>beacon_uid</code>") && html.contains("SameSiteNoneInsecure"));
}

#[test]
fn a_stop_signal_during_a_browser_scan_writes_the_report_and_leaves_no_chromium() {
    static PAGES: &[(&str, &str)] = &[
        ("/a", "<!doctype html><title>A</title>"),
        ("/b", "<!doctype html><title>B</title>"),
        ("/c", "<!doctype html><title>C</title>"),
        ("/d", "<!doctype html><title>D</title>"),
        ("/e", "<!doctype html><title>E</title>"),
        ("/f", "<!doctype html><title>F</title>"),
    ];
    let (url, chromium_seen) = serve_pages(PAGES, 700);
    let tmp = tempfile::tempdir().unwrap();
    let profiles = tmp.path().join("tmp");
    std::fs::create_dir(&profiles).unwrap();
    let out = tmp.path().join("scan.json");
    let scan = std::process::Command::new(assert_cmd::cargo::cargo_bin("trackaudit"))
        .args(["scan", &url, "--engine", "chromium", "--tabs", "1"])
        .args(["--concurrency", "1", "--format", "json", "-q", "--output"])
        .arg(&out)
        .env("TMPDIR", &profiles)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let running = (0..600).any(|_| {
        let chromium = !processes_naming(&profiles).is_empty();
        if chromium && chromium_seen.load(Ordering::Relaxed) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        false
    });
    assert!(running, "Chromium loaded a page");
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(scan.id() as libc::pid_t, libc::SIGTERM) };
    let output = scan.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("interrupted (SIGTERM)"), "{stderr}");
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    let pages = report["sites"][0]["pages"].as_array().unwrap();
    assert!(
        (1..PAGES.len()).contains(&pages.len()),
        "a partial report: {} pages",
        pages.len()
    );
    assert!(
        processes_naming(&profiles).is_empty(),
        "Chromium processes outlived the scan"
    );
    let left: Vec<_> = std::fs::read_dir(&profiles).unwrap().collect();
    assert!(left.is_empty(), "temporary profiles left: {left:?}");
}

/// A loopback server that records the path of every request and answers each with `body(path)`
/// as HTML; its address and the log.
fn recording_server(
    body: impl Fn(&str) -> String + Clone + Send + Sync + 'static,
) -> (std::net::SocketAddr, Arc<std::sync::Mutex<Vec<String>>>) {
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let seen = Arc::clone(&seen);
        let body = body.clone();
        async move {
            if let Ok(mut seen) = seen.lock() {
                seen.push(uri.path().to_owned());
            }
            axum::response::Html(body(uri.path()))
        }
    });
    (support::spawn_server(app), log)
}

#[test]
fn private_addresses_are_refused_to_the_browser_too() {
    // The network the scanner runs in: reached by a loopback address and by a name that
    // resolves to it.
    let (internal, internal_log) = recording_server(|_| String::new());
    let port = internal.port();
    let (site, _) = recording_server(move |path| match path {
        "/" => format!(
            "<!doctype html><title>Home</title><a href=\"/privacy\">privacy</a>\
             <img src=\"http://127.0.0.1:{port}/by-address.gif\">\
             <script src=\"http://internal.test:{port}/by-name.js\"></script>"
        ),
        _ => "<!doctype html><title>Privacy</title>".to_owned(),
    });
    // Typed as localhost: the site itself is allowed, nothing else private is.
    let target = format!("http://localhost:{}/", site.port());
    let (_, report) = scan_json(&[
        &target,
        "--engine",
        "chromium",
        "--resolve",
        "internal.test:127.0.0.1",
        "--fail-on",
        "never",
    ]);
    let site_report = &report["sites"][0];
    let home = support::page(site_report, &target).expect("the start page is listed");
    assert!(home["browser"]["error"].is_null(), "{home}");
    assert!(
        home["browser"]["requests"].as_u64().unwrap_or(0) >= 1,
        "{home}"
    );
    let logged = internal_log.lock().unwrap().clone();
    assert!(logged.is_empty(), "Chromium reached {logged:?}");
    let refused: Vec<&str> = site_report["browser"]["refused_addresses"]
        .as_array()
        .expect("the refused hosts are listed")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused[0].starts_with("127.0.0.1 is a private, loopback or link-local address")
            && refused[1].starts_with("internal.test resolves to 127.0.0.1")
            && refused.iter().all(|r| r.contains("--allow-private")),
        "{refused:?}"
    );

    // With --allow-private, Chromium reaches both (its own resolver maps the name).
    let (_, report) = scan_json(&[
        &target,
        "--engine",
        "chromium",
        "--allow-private",
        "--browser-arg=--host-resolver-rules=MAP internal.test 127.0.0.1",
        "--fail-on",
        "never",
    ]);
    let logged = internal_log.lock().unwrap().clone();
    assert!(
        logged.iter().any(|p| p == "/by-address.gif") && logged.iter().any(|p| p == "/by-name.js"),
        "{logged:?}"
    );
    assert!(
        report["sites"][0]["browser"]["refused_addresses"].is_null(),
        "{report:#}"
    );
}

#[test]
fn chromium_failing_to_start_is_the_sites_browser_error_not_the_end_of_the_scan() {
    // Two sites: the fixture with a declared tag manager (a high finding) and a plain one.
    static PAGES: &[(&str, &str)] = &[("/a", "<!doctype html><title>A</title>")];
    let (plain, _) = serve_pages(PAGES, 0);
    let tmp = tempfile::tempdir().unwrap();
    // A Chromium that exits at once, as one killed by the OOM killer or a signal while it
    // starts would; and a real Chromium told by a flag to exit at once.
    let wrapper = tmp.path().join("chromium");
    std::fs::write(&wrapper, "#!/bin/sh\nexit 3\n").unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let profiles = tmp.path().join("tmp");
    std::fs::create_dir(&profiles).unwrap();
    let gtm = fixture("gtm-school");
    let failing: [(&[&str], &str, &str); 2] = [
        (
            &["--chromium", wrapper.to_str().unwrap()],
            "en",
            "Chromium could not be started",
        ),
        (
            &["--browser-arg=--version"],
            "nl",
            "Chromium kon niet worden gestart",
        ),
    ];
    for (flags, lang, words) in failing {
        let output = trackaudit()
            .arg("scan")
            .arg(&gtm)
            .arg(&plain)
            .args(["--engine", "chromium", "--format", "json", "--lang", lang])
            .args(flags)
            .env("TMPDIR", &profiles)
            .output()
            .unwrap();
        // Exit as the findings say: the tag manager's high finding fails the scan.
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let report: Value = serde_json::from_slice(&output.stdout).expect("a report");
        let sites = report["sites"].as_array().unwrap();
        assert_eq!(sites.len(), 2, "both sites are in the report");
        for site in sites {
            let browser = &site["browser"];
            assert_eq!(browser["error_about"]["kind"], "browser-not-started");
            let error = browser["error"].as_str().unwrap_or_default();
            assert!(error.starts_with(words), "{error}");
            assert_ne!(site["summary"]["verdict"], "pass", "{site:#}");
            // The static reading of every page is kept; no page has a browser reading.
            let pages = site["pages"].as_array().unwrap();
            assert!(pages.len() >= 2, "{site:#}");
            assert!(pages.iter().all(|p| p["browser"].is_null()), "{site:#}");
        }
        assert!(service(&sites[0], "google-tag-manager").is_some());
        assert_eq!(sites[0]["summary"]["verdict"], "fail");
        assert_eq!(sites[1]["summary"]["verdict"], "warn");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{stderr}");
        let left: Vec<_> = std::fs::read_dir(&profiles).unwrap().collect();
        assert!(left.is_empty(), "temporary profiles left: {left:?}");
    }
}

/// Pages share a tab one after another (`--tabs 1`): each page's traffic is its own, and none
/// of it (a `pagehide` beacon as the page is left included) is credited to the page the tab
/// takes next.
#[test]
fn a_reused_tab_keeps_the_traffic_of_its_pages_apart() {
    static PAGES: &[(&str, &str)] = &[
        (
            "/a",
            "<!doctype html><title>A</title><img src=\"/only-on-a.png\">\
             <script>addEventListener('pagehide', () => navigator.sendBeacon('/left-a'))</script>",
        ),
        (
            "/b",
            "<!doctype html><title>B</title><img src=\"/only-on-b.png\">\
             <script>addEventListener('pagehide', () => navigator.sendBeacon('/left-b'))</script>",
        ),
    ];
    let (url, _) = serve_pages(PAGES, 0);
    let (_evidence, site) = scan_with_har(&url, &["--tabs", "1"]);
    for path in ["a", "b"] {
        let page = support::page(&site, &format!("{url}{path}")).expect("the page is listed");
        assert!(page["browser"]["error"].is_null(), "{page}");
    }
    let pages_of = |needle: &str| har_pages_of(&site, needle);
    assert_eq!(pages_of("/only-on-a.png"), ["A"]);
    assert_eq!(pages_of("/only-on-b.png"), ["B"]);
    // Chromium 156 sends a left page's beacons but does not report them to DevTools; when it
    // does, they are the left page's.
    for (beacon, page) in [("/left-a", "A"), ("/left-b", "B")] {
        let credited = pages_of(beacon);
        assert!(
            credited.iter().all(|p| *p == page),
            "{beacon}: {credited:?}"
        );
    }
}

/// A stop signal while a page loads in the browser keeps what the browser had recorded of it
/// (here a page whose load event waits for an image that never comes).
#[test]
fn a_page_stopped_while_loading_keeps_what_the_browser_recorded() {
    let image_asked = Arc::new(AtomicBool::new(false));
    let asked = Arc::clone(&image_asked);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let asked = Arc::clone(&asked);
        async move {
            match uri.path() {
                "/never.png" => {
                    asked.store(true, Ordering::Relaxed);
                    tokio::time::sleep(std::time::Duration::from_secs(120)).await;
                    axum::response::Html(String::new())
                }
                _ => axum::response::Html(
                    "<!doctype html><title>Slow</title><img src=\"/early.png\">\
                     <img src=\"/never.png\">"
                        .to_owned(),
                ),
            }
        }
    });
    let url = format!("http://{}/", support::spawn_server(app));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("scan.json");
    let scan = std::process::Command::new(assert_cmd::cargo::cargo_bin("trackaudit"))
        .args(["scan", &url, "--engine", "chromium", "--max-pages", "1"])
        .args(["--page-wait", "100", "--timeout", "100"])
        .args(["--format", "json", "-q", "--output"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let loading = (0..600).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        image_asked.load(Ordering::Relaxed)
    });
    assert!(loading, "Chromium asked for the image");
    // The server saw the request before Chromium reported it over DevTools: give the report
    // time to arrive, so the stop finds the request recorded (not a timing assertion).
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(scan.id() as libc::pid_t, libc::SIGTERM) };
    let output = scan.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{output:?}");
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let page = support::page(&report["sites"][0], &url).expect("the page is listed");
    let browser = &page["browser"];
    assert!(
        browser["error"].as_str().unwrap().contains("stopped"),
        "{browser}"
    );
    // The document, the early image and the image that never came.
    assert!(browser["requests"].as_u64().unwrap() >= 3, "{browser}");
}

/// A key a third-party frame wrote before the page was loaded (here while the consent choice was
/// made, in the profile the crawl then uses) raises no event when the page writes it again
/// unchanged: the keys present at the end of a page are read in every frame, not only the top
/// document.
#[test]
fn storage_keys_a_frame_wrote_before_the_page_loaded_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let report = scan_gtm_school_to(tmp.path(), &["--consent", "accept"]);
    let site = &report["sites"][0];
    let storage = site["storage"].as_array().cloned().unwrap_or_default();
    let seen = storage
        .iter()
        .find(|s| s["key"] == "widget_seen")
        .unwrap_or_else(|| panic!("the frame's key is listed: {storage:#?}"));
    assert_eq!(seen["origin"], "https://widget.thirdparty-test.example");
    assert_eq!(seen["party"], "third");
}

/// A `--chromium` that notes each start in `dir/started` and runs Debian's Chromium.
/// Chromium's own pages that a headless window never shows (the address bar's popups, each a
/// `chrome://…top-chrome` page) ran in a renderer of their own that took a third of a core
/// while the site's pages loaded.
#[test]
fn no_renderer_runs_for_browser_ui_a_headless_window_never_shows() {
    static PAGES: &[(&str, &str)] = &[
        ("/a", "<!doctype html><title>A</title>"),
        ("/b", "<!doctype html><title>B</title>"),
        ("/c", "<!doctype html><title>C</title>"),
    ];
    let (url, chromium_seen) = serve_pages(PAGES, 300);
    let tmp = tempfile::tempdir().unwrap();
    let mut scan = std::process::Command::new(assert_cmd::cargo::cargo_bin("trackaudit"))
        .args(["scan", &url, "--engine", "chromium", "--tabs", "2"])
        .args(["--format", "json", "-q"])
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    main_chromium(tmp.path(), &chromium_seen).expect("Chromium was started");
    // Every renderer seen while the pages load, until the scan ends.
    let mut renderers = std::collections::BTreeSet::new();
    let status = loop {
        for (_, cmdline) in processes_with_pid(tmp.path()) {
            if cmdline.contains("--type=renderer") {
                renderers.insert(cmdline);
            }
        }
        if let Some(status) = scan.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
    assert!(!renderers.is_empty(), "the pages' renderers were seen");
    let browser_ui: Vec<_> = renderers
        .iter()
        .filter(|c| c.contains("--top-chrome-webui"))
        .collect();
    assert!(browser_ui.is_empty(), "{browser_ui:?}");
}

fn logging_chromium(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (wrapper, log) = (dir.join("chromium"), dir.join("started"));
    let script = format!(
        "#!/bin/sh\necho started >> '{}'\nexec /usr/bin/chromium \"$@\"\n",
        log.display()
    );
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    (wrapper, log)
}

#[test]
fn sites_without_an_html_page_start_no_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let (chromium, started) = logging_chromium(tmp.path());
    // Nothing listens on this port once the listener is gone.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let text = support::spawn_server(
        axum::Router::new().fallback(|| async { "plain text, no HTML page" }),
    );
    let targets = [format!("http://{closed}/"), format!("http://{text}/")];
    // The consent states make a choice on the start page's banner: only once a page needs it.
    for consent in ["none", "accept", "all"] {
        let mut args = vec!["--engine", "chromium", "--consent", consent, "--chromium"];
        args.push(chromium.to_str().unwrap());
        args.extend(targets.iter().map(String::as_str));
        let (_, report) = scan_json(&args);
        let sites = report["sites"].as_array().unwrap();
        assert_eq!(sites.len(), 2, "{report:#}");
        for site in sites {
            assert_eq!(site["browser"]["pages"], 0, "{site:#}");
            assert!(site["browser"]["error"].is_null(), "{site:#}");
        }
        assert!(
            !started.exists(),
            "--consent {consent}: Chromium was started for sites with no HTML page"
        );
    }
}

#[test]
fn documents_that_never_finish_loading_are_recorded_as_hung() {
    // The page itself arrives whole (the crawler reads it), but an image on it never answers,
    // so the browser's load event never comes.
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        let html = |body: &str| axum::response::Html(format!("<!doctype html>{body}"));
        match uri.path() {
            "/" => html("<title>Home</title><a href=\"/stuck\">s</a> <a href=\"/fine\">f</a>"),
            "/stuck" => html("<title>Stuck</title><img src=\"/never.gif\">"),
            "/never.gif" => {
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                html("")
            }
            _ => html("<title>Fine</title><p>fine</p>"),
        }
    });
    let url = format!("http://{}/", support::spawn_server(app));
    let tmp = tempfile::tempdir().unwrap();
    let (chromium, started) = logging_chromium(tmp.path());
    let (_, report) = scan_json(&[
        &url,
        "--engine",
        "chromium",
        "--chromium",
        chromium.to_str().unwrap(),
        "--page-wait",
        "2",
    ]);
    assert!(started.exists(), "Chromium was started for the HTML pages");
    let site = &report["sites"][0];
    let stuck = support::page(site, &format!("{url}stuck")).expect("the page is listed");
    let error = stuck["browser"]["error"]
        .as_str()
        .unwrap_or_else(|| panic!("the unfinished load is recorded: {stuck}"));
    assert!(
        error.contains("hung") && error.contains("did not finish loading within 2 s"),
        "{error}"
    );
    // What the page did until then is recorded.
    assert!(
        stuck["browser"]["requests"].as_u64().unwrap() >= 2,
        "{stuck}"
    );
    for fine in [url.clone(), format!("{url}fine")] {
        let page = support::page(site, &fine).unwrap();
        assert!(page["browser"]["error"].is_null(), "{page}");
    }
}

#[test]
fn chromium_gets_each_list_of_features_once_with_every_item() {
    static PAGES: &[(&str, &str)] = &[
        ("/a", "<!doctype html><title>A</title>"),
        ("/b", "<!doctype html><title>B</title>"),
    ];
    let (url, chromium_seen) = serve_pages(PAGES, 500);
    let tmp = tempfile::tempdir().unwrap();
    let scan = std::process::Command::new(assert_cmd::cargo::cargo_bin("trackaudit"))
        .args(["scan", &url, "--engine", "chromium", "--tabs", "1"])
        .args(["--concurrency", "1", "--format", "json", "-q"])
        // A list the user adds joins the others too.
        .arg("--browser-arg=--disable-features=AcceptCHFrame")
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The command line of the main Chromium process, read while it loads pages.
    let (pid, _) = main_chromium(tmp.path(), &chromium_seen).expect("Chromium was started");
    let argv: Vec<String> = std::fs::read(format!("/proc/{pid}/cmdline"))
        .unwrap()
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let output = scan.wait_with_output().unwrap();
    assert!(output.status.code().is_some_and(|c| c <= 1), "{output:?}");
    for list in ["--disable-features=", "--enable-features="] {
        let given: Vec<&String> = argv.iter().filter(|a| a.starts_with(list)).collect();
        assert_eq!(given.len(), 1, "{list} once: {argv:?}");
    }
    let disabled = argv
        .iter()
        .find_map(|a| a.strip_prefix("--disable-features="))
        .unwrap_or_default();
    let disabled: Vec<&str> = disabled.split(',').collect();
    for feature in [
        "TranslateUI",
        "Translate",
        "OptimizationHints",
        "MediaRouter",
        "AutofillServerCommunication",
        "NetworkTimeServiceQuerying",
        "IsolateOrigins",
        "site-per-process",
        "AcceptCHFrame",
    ] {
        assert!(disabled.contains(&feature), "{feature} in {disabled:?}");
    }
    // chromiumoxide's defaults that keep background tabs at full speed are still there.
    for flag in [
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--enable-automation",
    ] {
        assert!(argv.iter().any(|a| a == flag), "{flag}: {argv:?}");
    }
}

#[test]
fn requests_of_every_kind_of_worker_are_recorded() {
    use axum::response::IntoResponse;
    // A page that starts a dedicated, a shared and a service worker, each of which calls a
    // third party as it starts.
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        let script = |kind: &str| {
            let body = format!(
                "fetch('https://api.thirdparty-test.example/{kind}-worker-ping').catch(() => {{}});"
            );
            (
                [(axum::http::header::CONTENT_TYPE, "text/javascript")],
                body,
            )
        };
        match uri.path() {
            "/dedicated.js" => script("dedicated").into_response(),
            "/shared.js" => script("shared").into_response(),
            "/service.js" => script("service").into_response(),
            _ => axum::response::Html(
                "<!doctype html><title>Workers</title><script>new Worker('/dedicated.js');\
                 new SharedWorker('/shared.js');\
                 navigator.serviceWorker.register('/service.js');</script>",
            )
            .into_response(),
        }
    });
    let url = format!("http://{}/", support::spawn_server(app));
    let third = thirdparty::start();
    let mut args = vec![url.clone(), "--engine".into(), "chromium".into()];
    args.extend(third.browser_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, report) = scan_json(&args);
    let received = third.requests();
    let site = &report["sites"][0];
    let recorded: Vec<&str> = all_evidence(site)
        .iter()
        .filter(|e| e["seen_by"] == "browser")
        .filter_map(|e| e["url"].as_str())
        .collect();
    for kind in ["dedicated", "shared", "service"] {
        let ping = format!("api.thirdparty-test.example/{kind}-worker-ping");
        assert!(
            received.contains(&ping),
            "the {kind} worker ran: {received:?}"
        );
        assert!(
            recorded.iter().any(|u| u.ends_with(&ping)),
            "the {kind} worker's request is in the report: {recorded:?}"
        );
    }
}

/// The rendered page is read in a world of its own: a page that replaces `JSON.stringify` (or
/// other globals the read uses) keeps its title, final URL and script-built links.
#[test]
fn a_page_that_replaces_the_globals_the_read_uses_is_read_all_the_same() {
    let (addr, _) = recording_server(|path| match path {
        "/" => "<!doctype html><title>Home</title><a href=\"/fake\">fake</a>".to_owned(),
        "/fake" => "<!doctype html><title>Real title</title><body><script>\
             JSON.stringify = () => '[\"FAKE\"]'; Object.keys = () => ['FAKE'];\
             const a = document.createElement('a'); a.href = '/built-by-script';\
             a.textContent = 'x'; document.body.appendChild(a);\
             localStorage.setItem('real_key', 'v');</script></body>"
            .to_owned(),
        other => format!("<!doctype html><title>{other}</title>"),
    });
    let url = format!("http://{addr}/");
    let (_, report) = scan_json(&[&url, "--engine", "chromium", "--tabs", "1"]);
    let site = &report["sites"][0];
    let page = support::page(site, &format!("{url}fake")).expect("the page is listed");
    assert_eq!(page["title"], "Real title", "{page}");
    assert_eq!(page["browser"]["final_url"], format!("{url}fake"), "{page}");
    assert!(
        support::page(site, &format!("{url}built-by-script")).is_some(),
        "the link built by script is followed: {:#}",
        site["pages"]
    );
    let keys: Vec<&str> = site["storage"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["key"].as_str())
        .collect();
    assert!(
        keys.contains(&"real_key") && !keys.contains(&"FAKE"),
        "{keys:?}"
    );
}

/// What the browser stores past the caps of the report (500 storage keys a page, 100 bytes a
/// name or key) is counted in the site's coverage, not dropped without a word.
#[test]
fn what_the_browser_stores_past_the_caps_is_counted_in_coverage() {
    // The page is the tab's last: no later page lists the keys it left out.
    let (addr, _) = recording_server(|path| match path {
        "/" => "<!doctype html><title>Home</title><a href=\"/many\">many</a>".to_owned(),
        "/many" => "<!doctype html><title>Many</title><script>\
             localStorage.setItem('x'.repeat(150), '1');\
             for (let i = 0; i < 650; i++) localStorage.setItem('k' + i, '1');\
             document.cookie = 'c'.repeat(150) + '=1; path=/';</script>"
            .to_owned(),
        _ => "<!doctype html><title>Other</title>".to_owned(),
    });
    let url = format!("http://{addr}/");
    let (_, report) = scan_json(&[&url, "--engine", "chromium", "--tabs", "1"]);
    let site = &report["sites"][0];
    let storage = site["storage"].as_array().cloned().unwrap_or_default();
    assert_eq!(storage.len(), 500, "{:#}", site["coverage"]);
    let coverage = &site["coverage"];
    assert_eq!(coverage["storage_left_out"], 151, "{coverage:#}");
    assert_eq!(coverage["names_shortened"], 2, "{coverage:#}");
    assert!(coverage.get("cookies_left_out").is_none(), "{coverage:#}");
    let long_key = storage
        .iter()
        .find(|s| s["key"].as_str().unwrap().starts_with("xxx"));
    let long_key = long_key.expect("the long key is listed, shortened")["key"]
        .as_str()
        .unwrap();
    assert!(
        long_key.ends_with('…') && long_key.len() < 150,
        "{long_key}"
    );
}

/// With several tabs on one profile, a page that ends while its neighbours load finds their
/// cookies too: each cookie is credited to the page whose response (`Set-Cookie`), script
/// (`document.cookie`) or third-party frame set it, never to a neighbour.
#[test]
fn each_cookie_is_credited_to_the_page_that_set_it_with_several_tabs() {
    let third = thirdparty::start();
    // Page n sets `http_n` (its response) and `js_n` (its script), its third-party frame
    // `whttp_n` and `wjs_n`; page 1 ends last (a slow image), page 4 first.
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        let path = uri.path().to_owned();
        if path == "/slow" {
            let ms: u64 = uri
                .query()
                .and_then(|q| q.strip_prefix("ms=")?.parse().ok())
                .unwrap_or(0);
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            return axum::http::Response::builder()
                .header("content-type", "image/gif")
                .body(axum::body::Body::empty())
                .unwrap();
        }
        let builder = axum::http::Response::builder().header("content-type", "text/html");
        let Some(n) = path.strip_prefix("/p").and_then(|n| n.parse::<u64>().ok()) else {
            let links: String = (1..=4)
                .map(|n| format!("<a href=\"/p{n}\">{n}</a> "))
                .collect();
            let html = format!("<!doctype html><title>Home</title>{links}");
            return builder.body(axum::body::Body::from(html)).unwrap();
        };
        let html = format!(
            "<!doctype html><title>P{n}</title>\
             <script>document.cookie = 'js_{n}=1; Max-Age=86400; Path=/';</script>\
             <iframe src=\"https://widget.thirdparty-test.example/own-cookie?n={n}\"></iframe>\
             <img src=\"/slow?ms={}\">",
            4u64.saturating_sub(n) * 600
        );
        builder
            .header("set-cookie", format!("http_{n}=1; Max-Age=86400; Path=/"))
            .body(axum::body::Body::from(html))
            .unwrap()
    });
    let url = format!("http://{}/", support::spawn_server(app));
    let mut args = vec![url.clone(), "--engine".into(), "chromium".into()];
    args.extend(third.browser_args());
    args.extend(["--tabs".into(), "4".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, report) = scan_json(&args);
    let site = &report["sites"][0];
    for n in 1..=4 {
        let page = format!("{url}p{n}");
        let frame = format!("https://widget.thirdparty-test.example/own-cookie?n={n}");
        for (name, setter) in [
            (format!("http_{n}"), &page),
            (format!("js_{n}"), &page),
            (format!("whttp_{n}"), &frame),
            (format!("wjs_{n}"), &frame),
        ] {
            let found = cookie(site, &name)
                .unwrap_or_else(|| panic!("{name} is found: {:#}", site["cookies"]));
            assert_eq!(found["page"], page.as_str(), "{name}: {found}");
            assert_eq!(found["set_by"], setter.as_str(), "{name}: {found}");
        }
    }
}

/// Lazy loaders start when the visitor scrolls: the browser scrolls each page to its bottom
/// once and waits for quiet again, so what they load is recorded, credited to their page —
/// the browser's own `loading="lazy"`, an IntersectionObserver, a debounced scroll listener.
#[test]
fn lazy_loaders_waiting_for_a_scroll_are_recorded() {
    static PAGES: &[(&str, &str)] = &[
        (
            "/long",
            "<!doctype html><title>Long</title><div style=\"height: 6000px\">top</div>\
             <img loading=\"lazy\" src=\"/lazy-native.png\" width=\"10\" height=\"10\">\
             <div id=\"end\">end</div><script>\
             new IntersectionObserver(es => es.forEach(e => e.isIntersecting && \
               fetch('/lazy-observer'))).observe(document.getElementById('end'));\
             addEventListener('scroll', () => setTimeout(() => fetch('/lazy-scroll'), 150), \
               {once: true});</script>",
        ),
        (
            "/short",
            "<!doctype html><title>Short</title><p>Nothing to scroll.</p>",
        ),
    ];
    let (url, _) = serve_pages(PAGES, 0);
    let (_evidence, site) = scan_with_har(&url, &[]);
    for path in ["long", "short"] {
        let page = support::page(&site, &format!("{url}{path}")).expect("the page is listed");
        assert!(page["browser"]["error"].is_null(), "{page}");
    }
    for lazy in ["/lazy-native.png", "/lazy-observer", "/lazy-scroll"] {
        assert_eq!(har_pages_of(&site, lazy), ["Long"], "{lazy}");
    }
}

/// Every page is shown to its scripts as a visitor's is, whichever tab it loads in: visible
/// (`document.visibilityState`), with animation frames running. A tab behind others in one
/// window is hidden: its page's rAF callbacks and IntersectionObservers would never run.
#[test]
fn pages_in_every_tab_are_visible_to_their_scripts() {
    let (addr, log) = recording_server(|path| {
        let links: String = (1..6)
            .map(|i| format!("<a href=\"/p{i}\">{i}</a>"))
            .collect();
        let page = path.trim_start_matches("/p");
        format!(
            "<!doctype html><title>{path}</title>{links}<script>\
             fetch('/seen-' + document.visibilityState);\
             requestAnimationFrame(() => fetch('/frame-{page}'));</script>"
        )
    });
    let url = format!("http://{addr}/");
    let (_, report) = scan_json(&[&url, "--engine", "chromium", "--tabs", "4"]);
    let pages = report["sites"][0]["pages"].as_array().unwrap().len();
    assert!(pages >= 6, "{report}");
    let seen = log.lock().unwrap().clone();
    assert!(
        seen.iter().all(|p| p != "/seen-hidden"),
        "a page loaded hidden: {seen:?}"
    );
    for page in ["/", "1", "2", "3", "4", "5"] {
        let frame = format!("/frame-{page}");
        assert!(seen.contains(&frame), "{frame} missing from {seen:?}");
    }
}
/// A site on loopback whose pages are `(path, html)` (`/` links every page, after `home`) and that logs the
/// path and query of every request. Paths starting with `/popup` answer a page that calls home
/// and keeps fetching; robots.txt keeps the crawler off them, so only a window opened on one
/// asks for them.
fn logging_site(
    home: &'static str,
    pages: &'static [(&'static str, &'static str)],
) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let seen = Arc::clone(&seen);
        async move {
            let path = uri.path().to_owned();
            seen.lock().unwrap().push(uri.to_string());
            let body = if path == "/robots.txt" {
                "User-agent: *\nDisallow: /popup\n".to_owned()
            } else if path == "/" {
                let links: String = pages
                    .iter()
                    .map(|(path, _)| format!("<a href=\"{path}\">{path}</a> "))
                    .collect();
                format!("<!doctype html><title>Home</title>{home}{links}")
            } else if path.starts_with("/popup") {
                "<!doctype html><title>Popup</title><script>fetch('/popup-loaded');\
                 setInterval(() => fetch('/popup-again'), 200)</script>"
                    .to_owned()
            } else {
                let page = pages.iter().find(|(p, _)| *p == path);
                page.map_or_else(
                    || "<title>other</title>".to_owned(),
                    |(_, html)| html.to_string(),
                )
            };
            let kind = if path == "/robots.txt" {
                "text/plain"
            } else {
                "text/html"
            };
            ([(axum::http::header::CONTENT_TYPE, kind)], body)
        }
    });
    (format!("http://{}/", support::spawn_server(app)), log)
}

/// Every way a page opens a window without a click the visitor made: a visitor's Chromium blocks
/// them (`window.open` answers `null`), and so does the audit's; no page hangs on one, nor does
/// the next page in the same tab (one tab takes every page here).
#[test]
fn windows_a_page_opens_without_a_click_are_blocked_and_hang_nothing() {
    static PAGES: &[(&str, &str)] = &[
        (
            "/on-load",
            "<!doctype html><title>On load</title><script>const w = window.open('/popup?load');\
             fetch(w === null ? '/opened-null' : '/opened-window')</script>",
        ),
        (
            "/from-timer",
            "<!doctype html><title>Timer</title><script>setTimeout(() => \
             fetch(window.open('/popup?timer') ? '/opened-window' : '/opened-null'), 200)</script>",
        ),
        (
            "/on-click",
            "<!doctype html><title>Click</title>\
             <button onclick=\"window.open('/popup?click')\">open</button>",
        ),
        (
            "/anchor",
            "<!doctype html><title>Anchor</title><a id=a target=_blank href=/popup?anchor>a</a>\
             <a id=b target=_blank rel=noopener href=/popup?noopener>b</a>\
             <script>a.click(); b.click()</script>",
        ),
        (
            "/form",
            "<!doctype html><title>Form</title><form id=f target=_blank action=/popup>\
             <input name=form value=1></form><script>f.submit()</script>",
        ),
        (
            "/many",
            "<!doctype html><title>Many</title><script>for (let i = 0; i < 20; i++) \
             window.open('/popup?many=' + i, 'w' + i)</script>",
        ),
        (
            "/third-party",
            "<!doctype html><title>Third</title><script>window.open(\
             'https://widget.thirdparty-test.example/popup?third')</script>",
        ),
        (
            "/framed",
            "<!doctype html><title>Framed</title><iframe src=/opener-frame></iframe>",
        ),
        (
            "/opener-frame",
            "<!doctype html><title>Frame</title><script>window.open('/popup?frame', '_blank', \
             'noopener'); window.top.open('/popup?top')</script>",
        ),
        (
            "/after",
            "<!doctype html><title>After</title><img src=/after.png>",
        ),
    ];
    let (url, log) = logging_site("", PAGES);
    let third = thirdparty::start();
    let mut args = vec![url.clone(), "--engine".into(), "chromium".into()];
    args.extend(["--tabs", "1", "--page-wait", "3"].map(String::from));
    args.extend(third.browser_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, report) = scan_json(&args);
    let site = &report["sites"][0];
    for (path, _) in PAGES {
        let page = support::page(site, &format!("{url}{}", &path[1..]))
            .unwrap_or_else(|| panic!("{path} is listed: {site:#}"));
        let browser = &page["browser"];
        assert!(browser["error"].is_null(), "{path}: {browser}");
        assert!(
            browser["requests"].as_u64().unwrap() >= 1,
            "{path}: {browser}"
        );
    }
    let log = log.lock().unwrap().clone();
    let popups: Vec<&String> = log.iter().filter(|p| p.starts_with("/popup")).collect();
    assert!(popups.is_empty(), "no window was opened: {popups:?}");
    // The page was told, as a visitor's browser tells it.
    let told: Vec<&String> = log.iter().filter(|p| p.starts_with("/opened-")).collect();
    assert_eq!(told, ["/opened-null", "/opened-null"], "{log:?}");
    let third = third.requests();
    assert!(!third.iter().any(|r| r.contains("popup")), "{third:?}");
}

/// Every JavaScript dialog a page raises without a click (`alert`, `confirm`, `prompt`, on load,
/// from a timer, in a frame) stops its renderer until it is answered: each is dismissed at once,
/// the page goes on (a `confirm` answers `false`, a `prompt` `null`) and is recorded whole, and
/// the next page in the same tab too. `print()` and the long-gone `showModalDialog` stop nothing.
#[test]
fn javascript_dialogs_are_dismissed_and_hang_nothing() {
    static PAGES: &[(&str, &str)] = &[
        (
            "/alert",
            "<!doctype html><title>Alert</title><script>alert('hello'); fetch('/after-alert')\
             </script><img src=/alert.png>",
        ),
        (
            "/confirm",
            "<!doctype html><title>Confirm</title><script>\
             fetch(confirm('cookies?') ? '/confirm-true' : '/confirm-false')</script>",
        ),
        (
            "/prompt",
            "<!doctype html><title>Prompt</title><script>fetch('/prompt-' + prompt('name?', 'x'))\
             </script>",
        ),
        (
            "/late",
            "<!doctype html><title>Late</title><script>setTimeout(() => { alert('late'); \
             fetch('/after-late') }, 200)</script>",
        ),
        (
            "/framed",
            "<!doctype html><title>Framed</title><iframe src=/alert-frame></iframe>",
        ),
        (
            "/alert-frame",
            "<!doctype html><title>Frame</title><script>alert('frame'); fetch('/after-frame')\
             </script>",
        ),
        (
            "/print",
            "<!doctype html><title>Print</title><script>window.print(); \
             try { showModalDialog('/modal') } catch (e) { fetch('/no-modal') }</script>",
        ),
        (
            "/unload",
            "<!doctype html><title>Unload</title><img src=/unload.png><script>\
             addEventListener('beforeunload', e => { e.preventDefault(); e.returnValue = 'stay' })\
             </script>",
        ),
        (
            "/after",
            "<!doctype html><title>After</title><img src=/after.png>",
        ),
    ];
    let (url, log) = logging_site("", PAGES);
    let (_, report) = scan_json(&[
        &url,
        "--engine",
        "chromium",
        "--tabs",
        "1",
        "--page-wait",
        "3",
    ]);
    let site = &report["sites"][0];
    for (path, _) in PAGES {
        let page = support::page(site, &format!("{url}{}", &path[1..]))
            .unwrap_or_else(|| panic!("{path} is listed: {site:#}"));
        let browser = &page["browser"];
        assert!(browser["error"].is_null(), "{path}: {browser}");
        assert!(
            browser["requests"].as_u64().unwrap() >= 2,
            "{path}: {browser}"
        );
    }
    let log = log.lock().unwrap().clone();
    for after in [
        "/after-alert",
        "/confirm-false",
        "/prompt-null",
        "/after-late",
        "/after-frame",
        "/no-modal",
    ] {
        assert!(log.iter().any(|p| p == after), "{after}: {log:?}");
    }
    assert!(!log.iter().any(|p| p == "/confirm-true"), "{log:?}");
}

/// A window opened on a click (Chromium lets those through its popup blocker): the consent
/// choice's click is the one click the audit makes, on a banner whose accept opens a window.
/// The window is closed as it opens; neither the choice nor the pages loaded after it in the
/// same profile hang on it.
#[test]
fn a_window_opened_by_the_consent_click_is_closed_and_hangs_nothing() {
    static BANNER: &str = "<div class=cookie-melding style=\"position:fixed;bottom:0\">\
        <p>Wij gebruiken cookies.</p><button type=button onclick=\"window.open('/popup?consent'); \
        document.cookie = 'keuze=ja; max-age=3600; path=/'; this.parentNode.remove()\">\
        Alles accepteren</button> <button type=button onclick=\"this.parentNode.remove()\">\
        Alles weigeren</button></div>";
    static PAGES: &[(&str, &str)] = &[
        (
            "/nieuws",
            "<!doctype html><title>Nieuws</title><img src=/nieuws.png>",
        ),
        (
            "/agenda",
            "<!doctype html><title>Agenda</title><img src=/agenda.png>",
        ),
    ];
    let (url, log) = logging_site(BANNER, PAGES);
    let (_, report) = scan_json(&[
        &url,
        "--engine",
        "chromium",
        "--consent",
        "accept",
        "--tabs",
        "1",
        "--page-wait",
        "3",
    ]);
    let site = &report["sites"][0];
    let choice = &site["consent"]["choices"][0];
    assert_eq!(choice["clicked"], true, "{:#}", site["consent"]);
    assert!(choice["error"].is_null(), "{choice}");
    for page in [url.clone(), format!("{url}nieuws"), format!("{url}agenda")] {
        let listed = support::page(site, &page).unwrap_or_else(|| panic!("{page}: {site:#}"));
        let browser = &listed["browser"];
        assert!(browser["error"].is_null(), "{page}: {browser}");
        assert!(
            browser["requests"].as_u64().unwrap() >= 1,
            "{page}: {browser}"
        );
    }
    // Closed as it opened: it does not run on in the profile.
    let log = log.lock().unwrap().clone();
    assert!(!log.iter().any(|p| p == "/popup-again"), "{log:?}");
}

/// A cookie name or storage key over the report's 100 bytes is shortened in the report; later
/// pages whose end-of-page read finds the same cookie or key match it by what it shows, so it
/// is listed once, credited to the page that set it, and counted once in `names_shortened`.
/// (The start page, loaded first, writes the long names.)
#[test]
fn long_names_are_listed_once_whichever_pages_read_them() {
    let (addr, _) = recording_server(|path| match path {
        "/" => "<!doctype html><title>Home</title><a href=\"/b1\">1</a><a href=\"/b2\">2</a>\
             <script>document.cookie = 'L' + 'x'.repeat(300) + '=1; path=/';\
             localStorage.setItem('K' + 'y'.repeat(300), '1');</script>"
            .to_owned(),
        other => format!("<!doctype html><title>{other}</title><p>Nothing stored.</p>"),
    });
    let url = format!("http://{addr}/");
    let (_, report) = scan_json(&[&url, "--engine", "chromium", "--tabs", "1"]);
    let site = &report["sites"][0];
    let long_cookies: Vec<&Value> = site["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("Lxxx"))
        .collect();
    assert_eq!(long_cookies.len(), 1, "{long_cookies:#?}");
    assert_eq!(long_cookies[0]["page"], url.as_str());
    let long_keys = site["storage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["key"].as_str().unwrap().starts_with("Kyyy"))
        .count();
    assert_eq!(long_keys, 1, "{:#}", site["storage"]);
    assert_eq!(
        site["coverage"]["names_shortened"], 2,
        "{:#}",
        site["coverage"]
    );
}

/// A browser scan of `url` (with `extra` flags) that writes its evidence: the folder holding
/// the evidence and the report (the HAR lives as long as it does), and the report's first site.
fn scan_with_har(url: &str, extra: &[&str]) -> (tempfile::TempDir, Value) {
    let (tmp, report, _) = scan_with_evidence(&[url], extra);
    (tmp, report["sites"][0].clone())
}

/// A browser scan of `targets` (with `extra` flags) into `evidence/` and `report.json` of the
/// returned folder: the folder, the report and the report's size in bytes.
fn scan_with_evidence(targets: &[&str], extra: &[&str]) -> (tempfile::TempDir, Value, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let (evidence, out) = (tmp.path().join("evidence"), tmp.path().join("report.json"));
    let output = trackaudit()
        .arg("scan")
        .args(targets)
        .args(["--engine", "chromium", "--format", "json", "-q"])
        .args(extra)
        .args(["--fail-on", "never", "--evidence"])
        .arg(&evidence)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json = std::fs::read(&out).unwrap();
    let report: Value = serde_json::from_slice(&json).unwrap();
    (tmp, report, json.len())
}

/// For each request in the HAR of `site` whose URL contains `needle`, the title of the page the
/// HAR credits it to.
fn har_pages_of(site: &Value, needle: &str) -> Vec<String> {
    let path = site["evidence_files"]["har"].as_str().unwrap();
    let har: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let pages = har["log"]["pages"].as_array().unwrap();
    let title = |id: &str| {
        let page = pages.iter().find(|p| p["id"] == id).unwrap();
        page["title"].as_str().unwrap().to_owned()
    };
    har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["request"]["url"].as_str().unwrap().contains(needle))
        .map(|e| title(e["pageref"].as_str().unwrap()))
        .collect()
}

/// Lazy loaders wait for the visitor to scroll whatever scrolls: not only the window but an
/// inner scroller (a layout with `overflow: hidden` on `html`/`body` and a scrolling `div`, of
/// `overflow-y` `auto`, `scroll` or `overlay`), and a frame's own window and inner scrollers.
/// The browser scrolls each to its bottom once, so what they load is recorded with their page.
#[test]
fn inner_scrollers_and_frames_are_scrolled_too() {
    static PAGES: &[(&str, &str)] = &[
        (
            "/inner",
            "<!doctype html><title>Inner</title><style>html, body {margin: 0; height: 100%; \
             overflow: hidden} .box {height: 22%} #a {overflow-y: auto} #b {overflow-y: scroll} \
             #c {overflow-y: overlay} .tall {height: 6000px}</style>\
             <div class=\"box\" id=\"a\"><div class=\"tall\"></div>\
             <img loading=\"lazy\" src=\"/inner-auto.png\" width=\"10\" height=\"10\"></div>\
             <div class=\"box\" id=\"b\"><div class=\"tall\"></div><p id=\"end\">end</p></div>\
             <div class=\"box\" id=\"c\"><div class=\"tall\"></div></div>\
             <iframe src=\"/framed\" style=\"height: 22%\"></iframe><script>\
             new IntersectionObserver(es => es.forEach(e => e.isIntersecting && \
               fetch('/inner-observer'))).observe(document.getElementById('end'));\
             document.getElementById('c').addEventListener('scroll', \
               () => fetch('/inner-overlay-scroll'), {once: true});</script>",
        ),
        (
            "/framed",
            "<!doctype html><title>Framed</title><div style=\"height: 6000px\">top</div>\
             <img loading=\"lazy\" src=\"/framed-window.png\" width=\"10\" height=\"10\">\
             <div style=\"height: 100px; overflow: auto\"><div style=\"height: 6000px\"></div>\
             <img loading=\"lazy\" src=\"/framed-inner.png\" width=\"10\" height=\"10\"></div>",
        ),
    ];
    let (url, _) = serve_pages(PAGES, 0);
    let (_evidence, site) = scan_with_har(&url, &[]);
    let page = support::page(&site, &format!("{url}inner")).expect("the page is listed");
    assert!(page["browser"]["error"].is_null(), "{page}");
    for lazy in [
        "/inner-auto.png",
        "/inner-observer",
        "/inner-overlay-scroll",
    ] {
        assert_eq!(har_pages_of(&site, lazy), ["Inner"], "{lazy}");
    }
    // The framed page is crawled as a page of its own too.
    for lazy in ["/framed-window.png", "/framed-inner.png"] {
        let pages = har_pages_of(&site, lazy);
        assert!(pages.iter().any(|p| p == "Inner"), "{lazy}: {pages:?}");
    }
}

/// Inner scrollers that the window's scroll moves out of view: a scroller near the top of a
/// tall page, a scroller inside another, and a real scroller behind fifty tiny ones. Each is
/// scrolled while still in view, and its lazy content is loaded.
#[test]
fn inner_scrollers_the_window_scroll_moves_away_are_scrolled_in_view() {
    static PAGES: &[(&str, &str)] = &[(
        "/scrollers",
        "<!doctype html><title>Scrollers</title><style>.box {height: 200px; overflow-y: auto} \
         .tall {height: 6000px} .tiny {width: 4px; height: 1px; overflow-y: auto}</style>\
         <div class=\"box\"><div class=\"tall\"></div>\
         <img loading=\"lazy\" src=\"/top-scroller.png\" width=\"10\" height=\"10\"></div>\
         <div class=\"box\"><div class=\"tall\"></div><div class=\"box\"><div class=\"tall\">\
         </div><img loading=\"lazy\" src=\"/nested-scroller.png\" width=\"10\" height=\"10\">\
         </div></div>\
         <div id=\"tiny\"></div>\
         <div class=\"box\"><div class=\"tall\"></div>\
         <img loading=\"lazy\" src=\"/behind-tiny-ones.png\" width=\"10\" height=\"10\"></div>\
         <div style=\"height: 20000px\">the rest of the page</div><script>\
         const tiny = document.getElementById('tiny');\
         for (let i = 0; i < 60; i++) { const d = document.createElement('div');\
           d.className = 'tiny'; d.innerHTML = '<div style=\"height: 10px\"></div>';\
           tiny.appendChild(d); }\
         document.body.insertBefore(tiny, document.body.firstChild);</script>",
    )];
    let (url, _) = serve_pages(PAGES, 0);
    let (_evidence, site) = scan_with_har(&url, &[]);
    let page = support::page(&site, &format!("{url}scrollers")).expect("the page is listed");
    assert!(page["browser"]["error"].is_null(), "{page}");
    for lazy in [
        "/top-scroller.png",
        "/nested-scroller.png",
        "/behind-tiny-ones.png",
    ] {
        assert_eq!(har_pages_of(&site, lazy), ["Scrollers"], "{lazy}");
    }
}

/// A frame Chromium cannot show gets Chromium's own error page
/// (`chrome-error://chromewebdata/`), which draws its pictures from `data:` URLs: those are not
/// the site's requests, whatever kept the frame out — a refused port, a name that does not
/// resolve, an address the guard refuses, `X-Frame-Options`. `data:` URLs of the site's own
/// page contact no host and are not requests either; a frame holding a `data:` document still
/// names it for the requests made in it.
#[test]
fn chromiums_own_error_pages_are_not_the_sites_requests() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: axum::http::HeaderMap| async move {
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let gif = "data:image/gif;base64,\
                       R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";
            let html = |body: String| {
                let deny = if uri.path() == "/deny" {
                    "DENY"
                } else {
                    "SAMEORIGIN"
                };
                (
                    [
                        (axum::http::header::CONTENT_TYPE, "text/html"),
                        (axum::http::header::X_FRAME_OPTIONS, deny),
                    ],
                    body,
                )
            };
            match uri.path() {
                "/" => html(format!(
                    "<!doctype html><title>Frames</title>\
                     <iframe src=\"http://127.0.0.1:{closed_port}/refused\"></iframe>\
                     <iframe src=\"http://nowhere.invalid/unresolved\"></iframe>\
                     <iframe src=\"http://10.255.255.1/private\"></iframe>\
                     <iframe src=\"/deny\"></iframe>\
                     <img src=\"{gif}\"><div style=\"width: 9px; height: 9px; \
                       background: url('{gif}')\"></div><script>fetch('{gif}')</script>\
                     <iframe src=\"data:text/html,<img src='http://{host}/in-data-frame.png'>\">\
                     </iframe>"
                )),
                "/deny" => html("<!doctype html><title>Denied</title>".into()),
                _ => html(String::new()),
            }
        },
    );
    let url = format!("http://{}/", support::spawn_server(app));
    let (_evidence, site) = scan_with_har(&url, &["--max-pages", "1"]);
    let page = support::page(&site, &url).expect("the page is listed");
    assert!(page["browser"]["error"].is_null(), "{page}");
    let path = site["evidence_files"]["har"].as_str().unwrap();
    let har: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    let urls: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["request"]["url"].as_str())
        .collect();
    assert!(
        urls.iter().all(|u| u.starts_with("http")),
        "requests that contact no host: {urls:#?}"
    );
    assert!(
        entries
            .iter()
            .all(|e| !e.to_string().contains("chrome-error")),
        "requests of Chromium's error page: {entries:#?}"
    );
    // The frames' own requests are the site's, failed or not.
    for frame in ["/refused", "/unresolved", "/private", "/deny"] {
        assert!(
            urls.iter().any(|u| u.ends_with(frame)),
            "{frame}: {urls:#?}"
        );
    }
    let in_data = entries
        .iter()
        .find(|e| {
            e["request"]["url"]
                .as_str()
                .unwrap()
                .ends_with("/in-data-frame.png")
        })
        .expect("the data: frame's request is recorded");
    assert!(
        in_data["_frame"]
            .as_str()
            .unwrap()
            .starts_with("data:text/html"),
        "{in_data}"
    );
    assert_eq!(page["browser"]["requests"], entries.len(), "{page}");
}

/// A redirect sets cookies too: a language hop (`/` → `/nl/`) or a click tracker (`/go` → the
/// page) answers with `Set-Cookie`. The browser loads the URL the crawler was given and follows
/// the redirects itself, so those cookies are recorded and credited to the redirecting URL;
/// the page stays one page, named by where it ended, and the HAR holds the hop.
#[test]
fn cookies_set_by_a_redirect_are_seen() {
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::IntoResponse;
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        let hop = |to: &'static str, cookie: &'static str| {
            (
                StatusCode::FOUND,
                [
                    (header::LOCATION, HeaderValue::from_static(to)),
                    (header::SET_COOKIE, HeaderValue::from_static(cookie)),
                ],
            )
                .into_response()
        };
        let page = |html: &'static str| axum::response::Html(html).into_response();
        match uri.path() {
            "/" => hop("/nl/", "taal=nl; Path=/; Max-Age=86400"),
            "/go" => hop("/landing", "klik=42; Path=/; Max-Age=86400"),
            "/nl/" => (
                [(header::SET_COOKIE, "bezocht=1; Path=/; Max-Age=86400")],
                page("<!doctype html><title>Nederlands</title><a href=\"/go?to=landing\">v</a>"),
            )
                .into_response(),
            "/landing" => page("<!doctype html><title>Landing</title>"),
            _ => StatusCode::NOT_FOUND.into_response(),
        }
    });
    let url = format!("http://{}/", support::spawn_server(app));
    let (_evidence, site) = scan_with_har(&url, &[]);
    let pages = support::strings(&site["pages"], "url");
    assert_eq!(pages, [format!("{url}landing"), format!("{url}nl/")]);
    assert_eq!(site["pages"].as_array().map(Vec::len), Some(2), "{pages:?}");
    for (path, name, setter) in [
        ("nl/", "taal", ""),
        ("nl/", "bezocht", "nl/"),
        ("landing", "klik", "go?to=landing"),
    ] {
        let page = support::page(&site, &format!("{url}{path}")).expect("the page is listed");
        assert!(page["browser"]["error"].is_null(), "{page}");
        assert_eq!(
            page["browser"]["final_url"],
            format!("{url}{path}"),
            "{page}"
        );
        // Credited to the hop whose response set it, not to the first of the chain.
        let found = cookie(&site, name).unwrap_or_else(|| panic!("{name}: {site:#}"));
        assert_eq!(found["set_by"], format!("{url}{setter}"), "{found}");
    }
    assert_eq!(har_pages_of(&site, "/go?to=landing"), ["Landing"]);
    assert!(
        har_pages_of(&site, "/nl/").contains(&"Nederlands".to_owned()),
        "{site:#}"
    );
    // The start page is the one asked for, wherever it redirects: it has its screenshot.
    let png = std::fs::read(site["evidence_files"]["screenshot"].as_str().unwrap()).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
}

/// Class: targets on one host and port each keep their own `--evidence` folder (a HAR and a
/// screenshot per site, none overwriting another's).
#[test]
fn targets_on_one_host_keep_their_own_evidence() {
    static PAGES: &[(&str, &str)] = &[
        (
            "/a",
            "<!doctype html><title>Site A</title><img src=\"/a.png\">",
        ),
        (
            "/b",
            "<!doctype html><title>Site B</title><img src=\"/b.png\">",
        ),
    ];
    let (base, _) = serve_pages(PAGES, 0);
    let (a, b) = (format!("{base}a"), format!("{base}b"));
    let (tmp, report, _) = scan_with_evidence(&[&a, &b, &base], &["--max-pages", "1"]);
    let sites = report["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 3);
    let mut folders = HashSet::new();
    for (site, own) in sites.iter().zip(["/a.png", "/b.png", "/"]) {
        let files = &site["evidence_files"];
        let har_path = Path::new(files["har"].as_str().unwrap());
        assert!(
            folders.insert(har_path.parent().unwrap().to_owned()),
            "{files}"
        );
        let har: Value = serde_json::from_slice(&std::fs::read(har_path).unwrap()).unwrap();
        let urls: Vec<&str> = har["log"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["request"]["url"].as_str().unwrap())
            .collect();
        assert!(urls.iter().any(|u| u.ends_with(own)), "{own} in {urls:?}");
        let png = Path::new(files["screenshot"].as_str().unwrap());
        assert_eq!(png.parent(), har_path.parent());
        assert!(std::fs::read(png).unwrap().starts_with(b"\x89PNG"));
    }
    // The site at the root keeps the README's `DIR/<host>_<port>` name.
    let port = base.trim_end_matches('/').rsplit(':').next().unwrap();
    let root = tmp
        .path()
        .join(format!("evidence/127.0.0.1_{port}/traffic.har"));
    assert!(root.exists());
}

/// Class: a huge URL (a megabyte `data:` frame) is kept bounded wherever the browser recorder
/// copies it (frame, initiator, request), so the report and the HAR stay small while every
/// request of the frame is still recorded.
#[test]
fn huge_urls_are_bounded_in_the_report_and_the_har() {
    // The images are a third party's pixels, so their evidence names the frame as initiator.
    let third = thirdparty::start();
    let app = axum::Router::new().fallback(|| async {
        let images: String = (0..5)
            .map(|i| {
                format!("<img src=\"https://www.facebook.com/tr?id=123456&ev=PageView&img{i}\">")
            })
            .collect();
        let frame = format!("<!doctype html>{images}<p>{}</p>", "x".repeat(1 << 20));
        let body = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, frame);
        axum::response::Html(format!(
            "<!doctype html><title>Big frame</title>\
             <iframe src=\"data:text/html;base64,{body}\"></iframe>"
        ))
    });
    let url = format!("http://{}/", support::spawn_server(app));
    let mut flags = vec!["--max-pages".to_owned(), "1".to_owned()];
    flags.extend(third.browser_args());
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let (_tmp, report, json_len) = scan_with_evidence(&[&url], &flags);
    let site = &report["sites"][0];
    let har = std::fs::read(site["evidence_files"]["har"].as_str().unwrap()).unwrap();
    assert!(json_len < 1 << 20, "report of {json_len} bytes");
    assert!(har.len() < 1 << 20, "HAR of {} bytes", har.len());
    let log: Value = serde_json::from_slice(&har).unwrap();
    let images: Vec<&Value> = log["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["request"]["url"].as_str().unwrap().contains("&img"))
        .collect();
    assert_eq!(images.len(), 5, "every image of the frame is recorded");
    let initiators: Vec<&Value> = all_evidence(site)
        .into_iter()
        .flat_map(|e| e["initiator"].as_array().into_iter().flatten())
        .collect();
    assert!(
        initiators
            .iter()
            .any(|i| i.as_str().unwrap().starts_with("data:text/html")),
        "the pixels' evidence names the frame"
    );
    for image in images {
        let frame = image["_frame"].as_str().unwrap();
        assert!(
            frame.starts_with("data:text/html") && frame.ends_with('…'),
            "{frame:.80}"
        );
        assert!(frame.len() <= 8 * 1024 + '…'.len_utf8());
    }
}
