//! What a report says about a site, the same way for every kind of target: stable order,
//! what was covered, who receives data and why nothing was scanned.

mod support;

use serde_json::Value;
use support::{fixture, scan_json, serve_folder};

/// The report without the fields that differ between two runs by nature.
fn without_run_fields(mut report: Value, drop_start_url: bool) -> Value {
    for field in ["started_at", "finished_at"] {
        report[field] = Value::Null;
    }
    for site in report["sites"].as_array_mut().unwrap() {
        site["duration_ms"] = Value::Null;
        if drop_start_url {
            site["start_url"] = Value::Null;
        }
    }
    report
}

#[test]
fn two_scans_of_an_unchanged_site_give_the_same_report() {
    let server = serve_folder(fixture("demo-school"));
    let url = format!("http://{server}/");
    let scan = || without_run_fields(scan_json(&[&url]).1, false);
    let first = scan();
    assert!(first["sites"][0]["pages"].as_array().unwrap().len() > 10);
    for _ in 0..2 {
        assert_eq!(scan(), first, "a URL scan gives the same JSON every time");
    }

    let folder = fixture("demo-school");
    let scan = || without_run_fields(scan_json(&[folder.to_str().unwrap()]).1, true);
    let first = scan();
    for _ in 0..2 {
        assert_eq!(
            scan(),
            first,
            "a folder scan gives the same JSON every time"
        );
    }
    let ga = support::service(&first["sites"][0], "google-analytics").unwrap();
    assert_eq!(
        ga["evidence"][0]["kind"], "script-src",
        "the evidence shown first is the tag, before the inline code that calls it"
    );
}

#[test]
fn a_site_that_could_not_be_scanned_says_why_in_every_format_and_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("schools.txt");
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    std::fs::write(
        &targets,
        format!(
            "{}\nhttp://127.0.0.1:9/\n",
            fixture("clean-school").display()
        ),
    )
    .unwrap();
    let out = dir.path().join("weekly/");
    let run = support::trackaudit()
        .args(["scan", "--targets"])
        .arg(&targets)
        .args(["--format", "json", "-q", "--timeout", "2", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        run.status.code(),
        Some(0),
        "one school was scanned: {stderr}"
    );
    assert!(
        stderr.contains("http://127.0.0.1:9/") && stderr.contains("Nothing could be scanned"),
        "the unreachable school is named on stderr, also with -q: {stderr}"
    );
    assert!(stderr.contains("is the server running?"), "{stderr}");
    let json = out.join("report.json");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["sites"][0]["error"], Value::Null);
    let reason = report["sites"][1]["error"].as_str().expect("sites[].error");
    assert!(reason.contains("Connection refused"), "{reason}");

    for format in ["terminal", "markdown", "html", "csv", "junit"] {
        let rendered = support::trackaudit()
            .arg("report")
            .arg(&json)
            .args(["--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(
            text.contains("Nothing could be scanned"),
            "{format} says why nothing was scanned:\n{text}"
        );
    }
    let nl = support::trackaudit()
        .arg("report")
        .arg(&json)
        .args(["--lang", "nl"])
        .output()
        .unwrap();
    let nl = String::from_utf8_lossy(&nl.stdout);
    assert!(nl.contains("Niets kon worden gescand"), "{nl}");
    assert!(
        !nl.contains("Geen bevindingen."),
        "the unreachable school does not read as one without findings: {nl}"
    );
}

#[test]
fn targets_without_a_scheme_get_the_one_that_fits() {
    let server = serve_folder(fixture("clean-school"));
    for target in [server.to_string(), format!("localhost:{}", server.port())] {
        let (code, report) = scan_json(&[&target]);
        assert_eq!(code, 0, "{target}");
        let start = report["sites"][0]["start_url"].as_str().unwrap();
        assert!(start.starts_with("http://"), "{target} → {start}");
    }
    // TLS to a server that speaks plain http: the error suggests http.
    let https = format!("https://{server}/");
    support::trackaudit()
        .args(["scan", &https, "-q", "--format", "json"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains(format!("scan http://{server}/")));
    let file = fixture("clean-school").join("index.html");
    support::trackaudit()
        .arg("scan")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("give its folder"));
    let missing = support::trackaudit()
        .args(["report", "no-such-report.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
}

#[test]
fn self_hosted_analytics_is_no_transfer() {
    let clean = fixture("clean-school");
    let (_, report) = scan_json(&[clean.to_str().unwrap()]);
    let matomo = support::service(&report["sites"][0], "matomo").expect("self-hosted Matomo");
    assert_eq!(matomo["transfer"], "none");
    let terminal = support::trackaudit()
        .arg("scan")
        .arg(&clean)
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&terminal.stdout);
    assert!(terminal.contains("self-hosted: no transfer"), "{terminal}");
    assert!(
        !terminal.contains("InnoCraft"),
        "the software maker receives nothing"
    );
    let nl = support::trackaudit()
        .arg("scan")
        .arg(&clean)
        .args(["--format", "markdown", "--lang", "nl"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&nl.stdout).contains("zelf gehost: geen doorgifte"));
    // A third-party service keeps its footing.
    let (_, demo) = scan_json(&[fixture("demo-school").to_str().unwrap()]);
    let ga = support::service(&demo["sites"][0], "google-analytics").unwrap();
    assert_eq!(ga["transfer"], "adequacy-dpf");
}

#[test]
fn suppressions_match_the_page_path_for_every_kind_of_target() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("trackaudit.toml");
    std::fs::write(
        &config,
        r#"
[[suppress]]
rule = "tracking-pixel"
service = "meta-pixel"
url = "^/(index\\.html)?$"
reason = "assessed"

[[suppress]]
rule = "video-embed"
url = "^https://"
reason = "a full-URL pattern matches no page path"
"#,
    )
    .unwrap();
    let server = serve_folder(fixture("demo-school"));
    let url = format!("http://{server}/");
    let folder = fixture("demo-school");
    for target in [url.as_str(), folder.to_str().unwrap()] {
        let run = support::trackaudit()
            .args(["scan", target, "--format", "json", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&run.stdout).unwrap();
        let site = &report["sites"][0];
        let pixel = support::findings(site, "tracking-pixel");
        let meta: Vec<&&Value> = pixel
            .iter()
            .filter(|f| f["service"] == "meta-pixel")
            .collect();
        assert!(
            meta.iter().all(|f| !f["suppressed"].is_null()),
            "{target}: the Meta Pixel on the start page is suppressed: {meta:?}"
        );
        assert_eq!(site["unused_suppressions"][0]["url"], "^https://");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("matched no finding"), "{target}: {stderr}");
    }
}

#[test]
fn baselines_compare_pages_by_path_across_origins() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("staging.json");
    // The same build on two ports: staging, then production.
    let staging = format!("http://{}/", serve_folder(fixture("demo-school")));
    let production = format!("http://{}/", serve_folder(fixture("demo-school")));
    let (_, report) = scan_json(&[&staging]);
    std::fs::write(&old, report.to_string()).unwrap();
    let (_, compared) = scan_json(&[&production, "--baseline", old.to_str().unwrap()]);
    let site = &compared["sites"][0];
    let statuses = support::strings(&site["findings"], "status");
    assert_eq!(statuses, ["unchanged"], "nothing is new on the same build");
    assert!(
        site["resolved"].is_null(),
        "nothing went away: {}",
        site["resolved"]
    );
    let new = compared.to_string();
    let diff = support::trackaudit()
        .arg("diff")
        .arg(&old)
        .arg("/dev/stdin")
        .write_stdin(new)
        .output()
        .unwrap();
    assert_eq!(
        diff.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
}

#[test]
fn a_new_finding_points_at_the_page_where_it_is_new() {
    // The demo as published, then with one more page that loads Google Analytics, which the
    // other 18 pages load too: the finding is new on that page alone, and its evidence (5 of
    // 36 items, the service's 20) must show that page, not the first pages in order.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    support::copy_dir(&fixture("demo-school"), &site);
    let site_arg = site.to_str().unwrap();
    let (_, before) = scan_json(&[site_arg]);
    let old = dir.path().join("before.json");
    std::fs::write(&old, before.to_string()).unwrap();
    std::fs::write(
        site.join("zomerschool.html"),
        r#"<!doctype html><html><head><title>Zomerschool</title>
        <script async src="https://www.googletagmanager.com/gtag/js?id=G-VBC2024XYZ"></script>
        </head><body><a href="privacyverklaring.html">Privacy</a></body></html>"#,
    )
    .unwrap();
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let index = index.replace(
        "</body>",
        r#"<a href="zomerschool.html">Zomerschool</a></body>"#,
    );
    std::fs::write(site.join("index.html"), index).unwrap();
    let (_, after) = scan_json(&[site_arg, "--baseline", old.to_str().unwrap()]);
    let site_report = &after["sites"][0];
    let ga = site_report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "non-eea-analytics" && f["service"] == "google-analytics")
        .expect("the Google Analytics finding");
    assert_eq!(ga["status"], "new", "{ga}");
    assert_eq!(ga["evidence"][0]["page"], "/zomerschool.html", "{ga}");
    let service = support::service(site_report, "google-analytics").unwrap();
    assert!(
        support::strings(&service["evidence"], "page").contains(&"/zomerschool.html".to_owned()),
        "{service}"
    );
    // Everything else is unchanged, and the terminal report shows the new page as evidence.
    let statuses: Vec<&Value> = site_report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "new")
        .collect();
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    let json = dir.path().join("after.json");
    std::fs::write(&json, after.to_string()).unwrap();
    let out = support::trackaudit()
        .arg("report")
        .arg(&json)
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        terminal.contains("evidence: /zomerschool.html [script-src]"),
        "{terminal}"
    );
    // Without a baseline the evidence is the first in page order, as before.
    let (_, plain) = scan_json(&[site_arg]);
    assert_eq!(
        support::service(&plain["sites"][0], "google-analytics").unwrap()["evidence"][0]["page"],
        "/"
    );
}

#[test]
fn the_report_says_what_the_scan_covered_and_with_which_settings() {
    let demo = fixture("demo-school");
    let demo = demo.to_str().unwrap();
    let (_, limited) = scan_json(&[demo, "--max-pages", "5"]);
    let coverage = &limited["sites"][0]["coverage"];
    assert_eq!(coverage["pages_scanned"], 5);
    let not_visited = coverage["not_visited"].as_u64().unwrap();
    assert!(not_visited >= 10, "the demo has 17 pages: {coverage}");
    assert!(
        !coverage["not_visited_sample"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(limited["settings"]["max_pages"], 5);
    assert_eq!(limited["settings"]["robots"], true);
    assert_eq!(limited["settings"]["fail_on"], "high");

    let (_, excluded) = scan_json(&[demo, "--exclude", "nieuws"]);
    let coverage = &excluded["sites"][0]["coverage"];
    assert_eq!(coverage["not_visited"], 0);
    let listed: Vec<&str> = coverage["excluded_sample"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(listed.contains(&"/nieuws.html"), "{coverage}");
    assert_eq!(excluded["settings"]["exclude"][0], "nieuws");

    let terminal = support::trackaudit()
        .args(["scan", demo, "--max-pages", "5"])
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&terminal.stdout);
    assert!(
        terminal.contains("5 pages scanned — page or depth limit reached"),
        "{terminal}"
    );
}

#[test]
fn pages_with_identical_content_are_one_page_with_aliases() {
    let site = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = site.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "index.html",
        "<!doctype html><title>Home</title><a href=\"/index.html\">home</a> \
         <a href=\"/about.html\">about</a> <a href=\"/about/\">about</a> \
         <a href=\"/copy.html\">copy</a> <a href=\"/contact.html\">contact</a>",
    );
    let about = "<!doctype html><title>About</title><a href=\"/\">home</a>\
        <script async src=\"https://www.googletagmanager.com/gtag/js?id=G-ALIAS1234\"></script>";
    // The same page under three URLs: a file, a folder's index and a copy.
    for path in ["about.html", "about/index.html", "copy.html"] {
        write(path, about);
    }
    write(
        "contact.html",
        "<!doctype html><title>Contact</title><a href=\"/\">home</a>",
    );

    let server = serve_folder(site.path().to_path_buf());
    let (_, by_url) = scan_json(&[&format!("http://{server}/")]);
    let (_, by_folder) = scan_json(&[site.path().to_str().unwrap()]);
    let paths = |report: &Value| -> Vec<(String, Vec<String>)> {
        report["sites"][0]["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let url = p["url"].as_str().unwrap();
                let path = url.split_once(&server.to_string()).map_or(url, |(_, p)| p);
                let aliases = p["aliases"].as_array().map_or_else(Vec::new, |a| {
                    a.iter()
                        .map(|a| {
                            let a = a.as_str().unwrap();
                            a.split_once(&server.to_string())
                                .map_or(a, |(_, p)| p)
                                .to_owned()
                        })
                        .collect()
                });
                (path.to_owned(), aliases)
            })
            .collect()
    };
    let url_pages = paths(&by_url);
    assert_eq!(
        url_pages,
        [
            ("/".to_owned(), vec!["/index.html".to_owned()]),
            (
                "/about/".to_owned(),
                vec!["/about.html".to_owned(), "/copy.html".to_owned()]
            ),
            ("/contact.html".to_owned(), vec![]),
        ],
        "the shortest URL names the page, the others are its aliases"
    );
    // A served folder folds /index.html into / before fetching: the same pages either way.
    let folder_pages: Vec<String> = paths(&by_folder).into_iter().map(|(p, _)| p).collect();
    assert_eq!(folder_pages, ["/", "/about/", "/contact.html"]);
    for report in [&by_url, &by_folder] {
        let site = &report["sites"][0];
        assert_eq!(
            site["summary"]["pages"], 3,
            "counted once: {}",
            site["pages"]
        );
        let ga = support::service(site, "google-analytics").unwrap();
        assert_eq!(ga["pages"].as_array().unwrap().len(), 1, "{ga}");
        let finding = &support::findings(site, "non-eea-analytics")[0];
        assert_eq!(finding["pages"].as_array().unwrap().len(), 1, "{finding}");
    }
    assert_eq!(by_url["sites"][0]["coverage"]["aliases"], 3);

    let terminal = support::trackaudit()
        .args(["scan", &format!("http://{server}/")])
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&terminal.stdout);
    assert!(
        terminal.contains("3 pages scanned · 3 URLs with the same content as a page, counted once"),
        "{terminal}"
    );
    let html = support::trackaudit()
        .args([
            "scan",
            &format!("http://{server}/"),
            "--format",
            "html",
            "--lang",
            "nl",
        ])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(
        html.contains("zelfde inhoud, één keer geteld, ook op: <code>"),
        "the HTML page table lists the aliases"
    );
}
