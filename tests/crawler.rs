//! The crawler against a server that misbehaves on purpose.

mod support;

use support::{misbehaving, page, scan_json, service};

fn tracking_ids(site: &serde_json::Value) -> Vec<String> {
    service(site, "google-analytics")
        .map(|s| support::strings(&s["evidence"], "tracking_id"))
        .unwrap_or_default()
}

#[test]
fn a_misbehaving_site_is_scanned_and_every_problem_is_recorded() {
    let server = misbehaving::start();
    let (code, report) = scan_json(&[&server.url("/"), "--timeout", "2"]);
    assert_eq!(code, 1, "Google Analytics is a high finding");
    let site = &report["sites"][0];
    let url = |p: &str| server.url(p);
    let ids = tracking_ids(site);

    // Slow pages time out, retried and then recorded.
    let slow = page(site, &url("/slow")).expect("slow page in report");
    assert!(
        slow["error"].as_str().unwrap().contains("timed out"),
        "{slow}"
    );
    // 500 is retried, then recorded; a 503 once is retried and succeeds.
    let error500 = page(site, &url("/error500")).unwrap();
    assert_eq!(error500["status"], 500);
    assert!(server.hits.get("/error500") >= 2, "5xx is retried");
    assert!(ids.contains(&"G-FLAKY00001".to_string()), "{ids:?}");
    // 429 with Retry-After is waited for.
    assert!(ids.contains(&"G-RATE000001".to_string()), "{ids:?}");
    assert_eq!(page(site, &url("/ratelimited")).unwrap()["status"], 200);
    // Redirect loops end with an error; in-site redirects are followed and recorded.
    let looped = page(site, &url("/loop-b"))
        .or_else(|| page(site, &url("/loop-a")))
        .unwrap();
    assert!(
        looped["error"].as_str().unwrap().contains("redirect loop"),
        "{looped}"
    );
    let target = page(site, &url("/target")).expect("redirect target scanned");
    assert_eq!(target["redirects"][0]["from"], url("/moved"));
    assert!(ids.contains(&"G-TARGET0001".to_string()));
    // A redirect off the site is recorded, not followed.
    let away = page(site, &url("/away")).unwrap();
    assert_eq!(away["redirects"][0]["leaves_site"], true);
    assert_eq!(
        away["redirects"][0]["to"],
        "https://elsewhere.example.org/landing"
    );
    // A huge page is cut at the cap: its start is scanned, its tail is not.
    let huge = page(site, &url("/huge")).unwrap();
    assert_eq!(huge["truncated"], true);
    assert!(ids.contains(&"G-HUGE000001".to_string()));
    assert!(!ids.contains(&"G-TAIL000001".to_string()));
    // gzip, windows-1252 and broken HTML are read.
    assert!(ids.contains(&"G-GZIP000001".to_string()), "{ids:?}");
    assert_eq!(page(site, &url("/legacy")).unwrap()["title"], "Café – één");
    assert!(ids.contains(&"G-LEGACY0001".to_string()));
    assert!(ids.contains(&"G-BROKEN0001".to_string()));
    // Non-HTML is fetched but not parsed; a 404 is an error of its page.
    let image = page(site, &url("/image.png")).unwrap();
    assert_eq!(image["content_type"], "image/png");
    assert!(
        page(site, &url("/notfound")).unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("404")
    );
    // The sitemap adds pages that no link reaches; robots.txt keeps the crawler out of /private/.
    assert!(ids.contains(&"G-SITEMAP001".to_string()));
    assert_eq!(
        server.hits.get("/private/secret"),
        0,
        "robots.txt disallows /private/"
    );
    assert!(page(site, &url("/private/secret")).is_none());
    // Errors are counted in the summary, and the report is complete despite them.
    assert!(site["summary"]["errors"].as_u64().unwrap() >= 4);
}

#[test]
fn ignore_robots_crawls_disallowed_pages() {
    let server = misbehaving::start();
    let (_, report) = scan_json(&[
        &server.url("/private/secret"),
        "--ignore-robots",
        "--max-pages",
        "1",
    ]);
    assert_eq!(server.hits.get("/private/secret"), 1);
    assert!(tracking_ids(&report["sites"][0]).contains(&"G-PRIVATE001".to_string()));
}

#[test]
fn a_crawler_trap_ends_at_the_page_limit() {
    let server = misbehaving::start();
    let (_, report) = scan_json(&[&server.url("/trap/0"), "--max-pages", "25"]);
    let pages = report["sites"][0]["pages"].as_array().unwrap();
    // /trap/5?session=3 serves what /trap/5 serves: one page with an alias, but a URL fetched.
    let aliases: usize = pages
        .iter()
        .map(|p| p["aliases"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(aliases > 0, "the session links are aliases");
    assert_eq!(pages.len() + aliases, 25);
    assert!(server.hits.get("/trap/30") == 0);
}

#[test]
fn a_crawler_trap_ends_at_the_depth_limit() {
    let server = misbehaving::start();
    let (_, report) = scan_json(&[&server.url("/trap/0"), "--max-depth", "3"]);
    let pages = report["sites"][0]["pages"].as_array().unwrap();
    assert!(pages.iter().all(|p| p["depth"].as_u64().unwrap() <= 3));
    // Depth 0..=3 of a binary trap: at most 1 + 2 + 4 + 8 pages, fewer where links meet.
    assert!((4..=15).contains(&pages.len()), "{}", pages.len());
}

#[test]
fn include_and_exclude_narrow_the_crawl() {
    let server = misbehaving::start();
    let (_, report) = scan_json(&[
        &server.url("/"),
        "--include",
        "/(gzip|legacy)$",
        "--exclude",
        "legacy",
    ]);
    let urls = support::strings(&report["sites"][0]["pages"], "url");
    assert_eq!(urls, [server.url("/"), server.url("/gzip")]);
}

#[test]
fn a_start_page_that_redirects_off_site_says_where_it_went() {
    let server = misbehaving::start();
    let (code, report) = scan_json(&[&server.url("/away"), "--max-pages", "1"]);
    assert_eq!(code, 3, "nothing of the site was scanned");
    let start = &report["sites"][0]["pages"][0];
    assert!(
        start["error"]
            .as_str()
            .unwrap()
            .contains("https://elsewhere.example.org/landing"),
        "{start}"
    );
    assert_eq!(report["sites"][0]["summary"]["verdict"], "error");
}

#[test]
fn urls_skipped_by_robots_are_listed_not_only_counted() {
    let server = misbehaving::start();
    let (_, report) = scan_json(&[&server.url("/"), "--timeout", "2"]);
    let coverage = &report["sites"][0]["coverage"];
    let listed: Vec<&str> = coverage["skipped_by_robots_sample"]
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        listed.contains(&server.url("/private/secret").as_str()),
        "{coverage}"
    );
    assert_eq!(coverage["skipped_by_robots"], listed.len(), "{coverage}");
    assert_eq!(server.hits.get("/private/secret"), 0);
}

/// Class: robots.txt's `Crawl-delay` protects a production server. A folder is served by
/// trackaudit itself on loopback, so its robots.txt (the site's production file, shipped in
/// the build) must not slow the scan down: its rules apply, its delay does not. The same folder
/// served as a live site keeps the delay. `--site-timeout 8` against `Crawl-delay: 10` tells
/// the two apart by what the report covers, not by a clock in the test.
#[test]
fn a_served_folder_ignores_its_robots_crawl_delay() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("public");
    std::fs::create_dir_all(root.join("private")).unwrap();
    // Each page its own title: pages with the same content would be one page with aliases.
    let page = |title: &str, links: &str| {
        format!(
            "<!doctype html><title>{title}</title><a href=\"/privacy.html\">Privacy</a> {links}"
        )
    };
    let files = [
        (
            "index.html",
            page(
                "index",
                "<a href=\"/a.html\">a</a> <a href=\"/b.html\">b</a> <a href=\"/private/secret.html\">s</a>",
            ),
        ),
        ("a.html", page("a", "")),
        ("b.html", page("b", "")),
        ("privacy.html", page("privacy", "")),
        ("private/secret.html", page("private/secret", "")),
        (
            "robots.txt",
            "User-agent: *\nCrawl-delay: 10\nDisallow: /private/\n".to_owned(),
        ),
    ];
    for (name, body) in files {
        std::fs::write(root.join(name), body).unwrap();
    }
    let folder = root.to_str().unwrap().to_owned();
    let (code, report) = scan_json(&[&folder, "--site-timeout", "8"]);
    assert_eq!(code, 0, "{report}");
    let coverage = &report["sites"][0]["coverage"];
    assert_eq!(coverage["pages_scanned"], 4, "{coverage}");
    assert!(coverage["timed_out_after_s"].is_null(), "{coverage}");
    assert_eq!(
        coverage["skipped_by_robots"], 1,
        "robots.txt's rules still apply"
    );

    let served = support::serve_folder(root.clone());
    let (_, live) = scan_json(&[&format!("http://{served}/"), "--site-timeout", "8"]);
    let coverage = &live["sites"][0]["coverage"];
    assert_eq!(coverage["timed_out_after_s"], 8.0, "{coverage}");
    assert!(
        coverage["pages_scanned"].as_u64().unwrap() < 4,
        "a live site's Crawl-delay is honoured: {coverage}"
    );
}
