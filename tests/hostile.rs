//! Hostile sites and hostile input, one regression test per class: what a page controls never
//! reaches a terminal or a spreadsheet as commands, credentials are never shown, and every read
//! and every page is bounded in time and memory while the report of everything else is kept.

mod support;

use support::hostile::{self, Authorized};
use support::{spawn_server, trackaudit};

fn run(args: &[&str]) -> std::process::Output {
    trackaudit().args(args).output().expect("trackaudit runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn terminal_escape_injection_is_neutralised() {
    let addr = spawn_server(hostile::injection());
    let target = format!("http://{addr}/");
    let json = run(&["scan", &target, "--format", "json", "-q"]);
    let report = text(&json.stdout);
    assert!(
        report.contains("G-INJECT0001"),
        "the inline script is evidence: {report}"
    );

    for color in ["never", "always"] {
        let out = run(&["scan", &target, "--color", color, "-q"]);
        let shown = text(&out.stdout);
        assert!(shown.contains("G-INJECT0001"), "{shown}");
        assert!(
            !shown.contains('\u{7}') && !shown.contains('\u{9b}'),
            "{shown:?}"
        );
        // Only the report's own SGR colour codes may start with ESC.
        for (i, _) in shown.match_indices('\u{1b}') {
            let rest = &shown[i + 1..];
            let code: String = rest.chars().skip(1).take_while(|c| *c != 'm').collect();
            assert!(
                rest.starts_with('[') && code.chars().all(|c| c.is_ascii_digit() || c == ';'),
                "--color {color}: a foreign escape sequence at {i}: {:?}",
                &shown[i..(i + 12).min(shown.len())]
            );
        }
        assert!(shown.contains("\\x1b]0;owned\\x07"), "{shown}");
    }

    // A saved report with hostile text, shown again as terminal text, Markdown and a diff.
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("scan.json");
    std::fs::write(&saved, &json.stdout).unwrap();
    let saved = saved.to_str().unwrap();
    for format in ["terminal", "markdown"] {
        let out = run(&["report", saved, "--format", format, "--color", "always"]);
        let shown = text(&out.stdout);
        assert!(!shown.contains("\u{1b}]"), "{format}: {shown:?}");
        assert!(!shown.contains("\u{1b}[2J"), "{format}: {shown:?}");
    }
    // HTML has no colours of its own: no control character at all reaches it (a raw ESC is a
    // parse error there and acts on the terminal of whoever greps the file).
    let html = run(&["report", saved, "--format", "html"]);
    let shown = text(&html.stdout);
    assert!(
        shown.contains("\\x1b]0;owned\\x07"),
        "html: the escape is shown"
    );
    assert!(
        !shown
            .chars()
            .any(|c| c != '\n' && c != '\t' && c.is_control()),
        "html: a raw control character"
    );
    let mut old: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    old["sites"][0]["findings"] = serde_json::json!([]);
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, old.to_string()).unwrap();
    let mut new = old.clone();
    new["sites"][0]["findings"] = serde_json::from_slice::<serde_json::Value>(&json.stdout)
        .unwrap()["sites"][0]["findings"]
        .clone();
    new["sites"][0]["findings"][0]["service"] = "\u{1b}]0;diff\u{7}".into();
    let new_path = dir.path().join("new.json");
    std::fs::write(&new_path, new.to_string()).unwrap();
    for format in ["terminal", "markdown"] {
        let out = run(&[
            "diff",
            old_path.to_str().unwrap(),
            new_path.to_str().unwrap(),
            "--format",
            format,
        ]);
        let shown = text(&out.stdout);
        assert!(
            shown.contains("\\x1b") && shown.contains("0;diff\\x07"),
            "{format}: {shown:?}"
        );
        assert!(!shown.contains('\u{1b}'), "{format}: {shown:?}");
    }
}

/// Class: control and bidirectional formatting characters from a page (C0, DEL, C1, the bidi
/// overrides, isolates and marks) reach no format a person reads: terminal, Markdown, HTML,
/// CSV, the sites CSV and JUnit show them as visible escapes.
#[test]
fn bidi_and_control_characters_are_neutralised_in_every_format() {
    const HOSTILE: [char; 8] = [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{61c}', '\u{7f}',
    ];
    let page = format!(
        "<!doctype html><html><head><title>Open dag {}</title>\
         <script>gtag('config', 'G-BIDI000001'); /* {} */</script>\
         </head><body><a href=\"/privacy\">Privacy</a></body></html>",
        HOSTILE.iter().collect::<String>(),
        HOSTILE.iter().collect::<String>()
    );
    let addr = spawn_server(axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let page = page.clone();
            async move { hostile::html(page) }
        }),
    ));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("scan.json");
    let scan = run(&[
        "scan",
        &format!("http://{addr}/"),
        "--format",
        "json",
        "-q",
        "--output",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(scan.status.code(), Some(1), "{}", text(&scan.stderr));
    let report = std::fs::read_to_string(&saved).unwrap();
    assert!(report.contains("G-BIDI000001"), "{report}");
    for format in ["terminal", "markdown", "html", "csv", "sites-csv", "junit"] {
        let out = run(&[
            "report",
            saved.to_str().unwrap(),
            "--format",
            format,
            "--color",
            "never",
        ]);
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        let shown = text(&out.stdout);
        let raw: Vec<char> = shown.chars().filter(|c| HOSTILE.contains(c)).collect();
        assert!(raw.is_empty(), "{format}: raw {raw:?} in:\n{shown}");
        if ["terminal", "html", "junit"].contains(&format) {
            // The text is there, made visible (the evidence; Markdown and the CSVs show none).
            assert!(shown.contains("\\u{202e}"), "{format}: {shown}");
        }
    }
}

#[test]
fn csv_formula_injection_is_neutralised() {
    let addr = spawn_server(hostile::injection());
    let out = run(&[
        "scan",
        &format!("http://{addr}/"),
        "--format",
        "csv",
        "--fail-on",
        "never",
        "-q",
    ]);
    let csv = text(&out.stdout);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let mut hosts = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would execute: {cell:?} in {record:?}"
            );
        }
        hosts.push(record[8].to_owned());
    }
    for host in [
        "'=1+2.evil.example",
        "'-2+3.evil.example",
        "'+cmd.evil.example",
    ] {
        assert!(hosts.iter().any(|h| h == host), "{host} in {hosts:?}");
    }
}

#[test]
fn credentials_in_urls_are_never_shown() {
    let seen = Authorized::default();
    let addr = spawn_server(hostile::credentials(seen.clone()));
    let target = format!("http://siteuser:targetsecret@{addr}/");
    let dir = tempfile::tempdir().unwrap();
    let out = trackaudit()
        .args(["scan", &target, "-v", "--fail-on", "never"])
        .args([
            "--format", "terminal", "--format", "json", "--format", "csv",
        ])
        .args([
            "--format", "html", "--format", "markdown", "--format", "junit",
        ])
        .arg("--output")
        .arg(dir.path())
        .output()
        .unwrap();
    let mut everything = text(&out.stdout) + &text(&out.stderr);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        everything += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
    }
    assert!(everything.contains("sentry.example"), "{everything}");
    for secret in [
        "targetsecret",
        "linksecret",
        "redirectsecret",
        "trackersecret",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
    assert!(everything.contains("http://***@127.0.0.1"), "{everything}");
    // The credentials are still used for the requests: a staging site behind basic auth works.
    let seen = seen.0.lock().unwrap().clone();
    assert!(seen.contains(&"/".to_owned()), "{seen:?}");
    // A usage error names the target without its password too.
    let bad = run(&["scan", "ftp://user:badsecret@host.example/"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        !text(&bad.stderr).contains("badsecret"),
        "{}",
        text(&bad.stderr)
    );
}

/// The Google Analytics ids in a scan's evidence: which pages were read.
fn ids(report: &serde_json::Value) -> Vec<String> {
    support::service(&report["sites"][0], "google-analytics")
        .map(|s| support::strings(&s["evidence"], "tracking_id"))
        .unwrap_or_default()
}

#[test]
fn robots_groups_match_the_product_token() {
    let addr = spawn_server(hostile::robots_and_sitemaps(0));
    for agent in [None, Some("Mozilla/5.0 (compatible; SchoolCheck/2.0)")] {
        let mut args = vec![format!("http://{addr}/")];
        if let Some(agent) = agent {
            args.extend(["--user-agent".into(), agent.into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, report) = support::scan_json(&args);
        let ids = ids(&report);
        assert!(ids.contains(&"G-ROBOTSHOME".into()), "{agent:?}: {ids:?}");
        assert!(!ids.contains(&"G-INTERN0001".into()), "{agent:?}: {ids:?}");
        assert!(!ids.contains(&"G-LATE000001".into()), "{agent:?}: {ids:?}");
    }
}

#[test]
fn compressed_sitemaps_are_read() {
    let addr = spawn_server(hostile::robots_and_sitemaps(0));
    let (_, report) = support::scan_json(&[&format!("http://{addr}/")]);
    assert!(ids(&report).contains(&"G-SITEMAPGZ1".into()), "{report}");
}

#[test]
fn robots_txt_is_read_up_to_its_limit() {
    // 10 MiB of wildcard rules: only the first 500 KiB are read, so the late rule is not seen,
    // and the scan neither stalls nor runs out of memory on the rest.
    let addr = spawn_server(hostile::robots_and_sitemaps(10 << 20));
    let (code, report) = support::scan_json(&[&format!("http://{addr}/")]);
    assert_eq!(code, 1, "{report}");
    let ids = ids(&report);
    assert!(ids.contains(&"G-LATE000001".into()), "{ids:?}");
    assert!(!ids.contains(&"G-INTERN0001".into()), "{ids:?}");
}

#[test]
fn every_file_read_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let addr = spawn_server(hostile::injection());
    let target = format!("http://{addr}/");
    let saved = dir.path().join("scan.json");
    let ok = trackaudit()
        .args(["scan", &target, "--format", "json", "-q", "--output"])
        .arg(&saved)
        .output()
        .unwrap();
    assert!(saved.is_file(), "{}", text(&ok.stderr));
    let saved = saved.to_str().unwrap();
    let endless = "/dev/zero";
    let cases: [&[&str]; 6] = [
        &["scan", &target, "--list", endless],
        &["scan", &target, "--config", endless],
        &["scan", "--targets", endless],
        &["scan", &target, "--baseline", endless],
        &["report", endless],
        &["diff", saved, endless],
    ];
    for args in cases {
        let out = run(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("/dev/zero: larger than") && stderr.contains("MiB"),
            "{args:?}: {stderr}"
        );
    }
    // The same through the config file that is loaded without being named.
    std::fs::write(
        dir.path().join("trackaudit.toml"),
        "lists = [\"/dev/zero\"]\n",
    )
    .unwrap();
    let out = trackaudit()
        .current_dir(dir.path())
        .args(["scan", &target])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("larger than 64 MiB"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn served_folders_do_not_follow_links_out_of_the_folder() {
    let outside = tempfile::tempdir().unwrap();
    let tag = |id: &str| {
        format!(
            "<html><head><script async src=\"https://www.googletagmanager.com/gtag/js?id={id}\"></script></head><body>x</body></html>"
        )
    };
    std::fs::write(outside.path().join("secret.html"), tag("G-OUTSIDE001")).unwrap();
    std::fs::create_dir(outside.path().join("dir")).unwrap();
    std::fs::write(outside.path().join("dir/index.html"), tag("G-OUTSIDE002")).unwrap();
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::write(
        root.join("index.html"),
        "<html><head><title>Home</title></head><body><a href=\"passwd.html\">a</a> \
         <a href=\"linked/\">b</a> <a href=\"alias.html\">c</a></body></html>",
    )
    .unwrap();
    std::fs::write(root.join("real.html"), tag("G-INSIDE0001")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.html"), root.join("passwd.html"))
        .unwrap();
    std::os::unix::fs::symlink(outside.path().join("dir"), root.join("linked")).unwrap();
    std::os::unix::fs::symlink(root.join("real.html"), root.join("alias.html")).unwrap();

    let (_, report) = support::scan_json(&[root.to_str().unwrap()]);
    let ids = ids(&report);
    assert_eq!(ids, ["G-INSIDE0001"], "{report}");
    let site = &report["sites"][0];
    for path in ["/passwd.html", "/linked/"] {
        let page = support::page(site, path).unwrap_or_else(|| panic!("{path}: {site}"));
        assert_eq!(page["status"], 404, "{page}");
    }
}

#[test]
fn pathological_markup_is_not_parsed_and_the_crawl_goes_on() {
    let addr = spawn_server(hostile::pathological_markup());
    let (code, report) = support::scan_json(&[&format!("http://{addr}/")]);
    assert_eq!(code, 1, "the normal page's tag is a finding: {report}");
    // A page of NULs is read without them (each NUL was a parser token of its own).
    assert_eq!(ids(&report), ["G-AFTERNUL01", "G-NORMAL0001"]);
    let site = &report["sites"][0];
    for (path, why) in [
        ("/deep", "nested more than 4096 deep"),
        ("/attributes", "more than 1024 attributes"),
        ("/many", "more than 1000000 elements"),
        ("/stray", "more than 100000 '<' characters that open no tag"),
    ] {
        let page = support::page(site, &format!("http://{addr}{path}")).expect(path);
        assert_eq!(page["status"], 200, "{page}");
        let error = page["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(why) && error.contains("not analysed"),
            "{page}"
        );
    }
}

#[test]
fn a_host_that_never_answers_is_not_retried_and_the_time_spent_is_reported() {
    // Accepts connections and never answers: every request times out.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = connections.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(stream);
        }
    });
    let (code, report) = support::scan_json(&[&format!("http://{addr}/"), "--timeout", "1"]);
    assert_eq!(code, 3, "{report}");
    // robots.txt, /sitemap.xml and the page, each with two retries, made nine connections.
    let made = connections.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        made <= 2,
        "{made} connections to a host that never answered"
    );
    let error = report["sites"][0]["pages"][0]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        error.contains("timed out") && error.contains("attempt") && error.contains("s in all"),
        "{error}"
    );
}

/// Run the binary with `args`, its stdout to nowhere, and return its exit code and peak RSS in
/// KiB (`wait4`'s rusage of that one child).
// `wait4` reaps the child; clippy only knows `Child::wait`.
#[allow(clippy::zombie_processes)]
fn exit_and_peak_rss_kib(args: &[&str]) -> (i32, i64) {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("trackaudit"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, and the pid is this test's own child, waited for once.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    assert!(libc::WIFEXITED(status), "status {status}");
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

/// The saved report, rendered in each language as terminal text, Markdown and HTML, says that
/// language's line.
fn assert_in_every_human_format(saved: &str, lines: [(&str, &str); 2]) {
    for ((lang, line), format) in lines
        .iter()
        .flat_map(|l| ["terminal", "markdown", "html"].map(|f| (l, f)))
    {
        let out = run(&["report", saved, "--format", format, "--lang", lang]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(line),
            "{format} {lang}: no line {line:?}"
        );
    }
}

/// Class: a cap never hides a tracker and never decides the verdict. Hosts of known services
/// are kept whatever the flood; the unknown hosts kept are the alphabetically first, not the
/// first met (two scans keep the same ones); a page cut by a cap is never a PASS.
#[test]
fn caps_never_hide_a_tracker_or_make_a_pass() {
    let addr = spawn_server(hostile::tracker_behind_a_flood(1_200, 10_001));
    let scan = |path: &str| -> serde_json::Value {
        let out = run(
            &["scan", &format!("http://{addr}{path}"), "--max-depth", "0"]
                .into_iter()
                .chain(["--format", "json", "-q", "--fail-on", "never"])
                .collect::<Vec<_>>(),
        );
        serde_json::from_slice(&out.stdout).expect("a JSON report")
    };
    let report = scan("/hosts");
    let site = &report["sites"][0];
    let hosts: Vec<&str> = site["third_parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["host"].as_str())
        .collect();
    assert!(
        hosts.contains(&"www.facebook.com"),
        "the pixel's host is kept"
    );
    assert!(
        hosts.contains(&"h0.x.test"),
        "the first host in order, met last, is kept"
    );
    assert!(
        !hosts.contains(&"h999.x.test"),
        "a host late in order is left out"
    );
    assert_eq!(hosts.len(), 1_000);
    assert_eq!(site["coverage"]["third_parties_left_out"], 201);
    assert_eq!(
        scan("/hosts")["sites"][0]["third_parties"],
        site["third_parties"]
    );

    let gallery = scan("/gallery");
    let site = &gallery["sites"][0];
    assert!(site["coverage"]["observations_left_out"].as_u64() > Some(0));
    assert_ne!(
        site["summary"]["verdict"], "pass",
        "a page cut by a cap is not a pass"
    );
}

#[test]
fn observations_and_third_parties_are_capped_and_the_cap_is_reported() {
    let addr = spawn_server(hostile::third_party_flood(250_000));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("scan.json");
    let target = format!("http://{addr}/");
    let (code, peak_kib) = exit_and_peak_rss_kib(&[
        "scan",
        &target,
        "--format",
        "json",
        "-q",
        "--fail-on",
        "never",
        "--output",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    // Before the caps: 987 MB and a 295 MB report.
    assert!(peak_kib < 400 * 1024, "peak RSS {peak_kib} KiB");
    let size = std::fs::metadata(&saved).unwrap().len();
    assert!(size < 4 * 1024 * 1024, "report of {size} bytes");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    let site = &report["sites"][0];
    let flood = support::page(site, &target).expect("the flood page");
    // 250,000 images and the tag; 10,000 observations are kept.
    assert_eq!(flood["observations_left_out"], 240_001, "{flood}");
    let coverage = &site["coverage"];
    assert_eq!(coverage["observations_left_out"], 240_001, "{coverage}");
    // 10,000 hosts observed (the tag manager's and 9,999 images'), 1,000 kept.
    assert_eq!(coverage["third_parties_left_out"], 9_000, "{coverage}");
    assert_eq!(site["third_parties"].as_array().unwrap().len(), 1_000);
    assert_eq!(site["summary"]["third_parties"], 1_000);
    // The tag before the flood and the next page are still read.
    assert_eq!(ids(&report), ["G-FLOOD00001", "G-FLOODNEXT1"]);
    let next = support::page(site, &format!("http://{addr}/next")).expect("/next");
    assert!(next.get("observations_left_out").is_none(), "{next}");

    let saved = saved.to_str().unwrap();
    assert_in_every_human_format(
        saved,
        [
            (
                "en",
                "Limits reached: 240,001 observations left out (at most 10,000 per page) · 9,000 third-party hosts left out (at most 1,000 per site)",
            ),
            (
                "nl",
                "Limieten bereikt: 240.001 waarnemingen weggelaten (hoogstens 10.000 per pagina) · 9.000 hosts van derden weggelaten (hoogstens 1.000 per site)",
            ),
        ],
    );
}

/// A scan of `target` on `www.school.test`, resolved to loopback and allowed to fetch it; its
/// report (exit 0 asserted).
fn scan_allowing_private(target: &str) -> serde_json::Value {
    let (code, report) = support::scan_json(&[
        target,
        "--resolve",
        "www.school.test:127.0.0.1",
        "--allow-private",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, 0, "{report}");
    report
}

#[test]
fn private_addresses_are_refused_unless_allowed() {
    let seen = hostile::Requests::default();
    let addr = spawn_server(hostile::recording("G-PRIVATE001", Vec::new(), seen.clone()));
    let target = format!("http://www.school.test:{}/", addr.port());
    // Loopback, IPv4-mapped loopback, the cloud metadata service, private, unique-local,
    // shared (CGNAT), unspecified and multicast addresses behind a public-looking name.
    for ip in [
        "127.0.0.1",
        "::ffff:127.0.0.1",
        "169.254.169.254",
        "10.0.0.1",
        "fd00::1",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
    ] {
        let resolve = format!("www.school.test:{ip}");
        let (code, report) =
            support::scan_json(&[&target, "--resolve", &resolve, "--timeout", "2"]);
        assert_eq!(code, 3, "{ip}: {report}");
        let error = report["sites"][0]["pages"][0]["error"]
            .as_str()
            .unwrap_or_default();
        assert!(
            error.contains(&format!("resolves to {ip}")) && error.contains("--allow-private"),
            "{ip}: {error}"
        );
        // The hint names the guard, not a misspelt name (the refusal travels as a DNS error).
        let why = report["sites"][0]["error"].as_str().unwrap_or_default();
        assert!(
            why.contains("private, loopback or link-local") && !why.contains("spelling"),
            "{ip}: {why}"
        );
    }
    assert!(seen.paths().is_empty(), "fetched: {:?}", seen.paths());

    let report = scan_allowing_private(&target);
    assert_eq!(ids(&report), ["G-PRIVATE001"]);

    // A target typed as localhost (or a loopback address, as in every other test) is fetched
    // without --allow-private: the user asked for that host.
    let (code, report) = support::scan_json(&[
        &format!("http://localhost:{}/", addr.port()),
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(ids(&report), ["G-PRIVATE001"]);
}

#[test]
fn a_domain_scope_includes_the_sites_port_only() {
    let other = hostile::Requests::default();
    let other_addr = spawn_server(hostile::recording(
        "G-OTHERPORT1",
        Vec::new(),
        other.clone(),
    ));
    let site = hostile::Requests::default();
    let links = vec![
        format!(
            "http://www.school.test:{}/admin?delete=1",
            other_addr.port()
        ),
        "/same-port".to_owned(),
    ];
    let site_addr = spawn_server(hostile::recording("G-SITEPORT01", links, site.clone()));
    let target = format!("http://www.school.test:{}/", site_addr.port());
    let report = scan_allowing_private(&target);
    assert_eq!(ids(&report), ["G-SITEPORT01"]);
    assert!(
        site.paths().iter().any(|p| p == "/same-port"),
        "{:?}",
        site.paths()
    );
    assert!(
        other.paths().is_empty(),
        "another port was fetched: {:?}",
        other.paths()
    );
}

#[test]
fn the_site_time_limit_keeps_what_was_read_and_says_so() {
    let hanging = spawn_server(hostile::hanging(0, hostile::InFlight::default()));
    let normal = spawn_server(hostile::recording(
        "G-NEXTSITE01",
        Vec::new(),
        hostile::Requests::default(),
    ));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("scan.json");
    let out = run(&[
        "scan",
        &format!("http://{hanging}/"),
        &format!("http://{normal}/"),
        "--site-timeout",
        "3",
        "--timeout",
        "30",
        "--format",
        "json",
        "-q",
        "--output",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));

    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(
        report["interrupted"], false,
        "a site's limit is not a stopped scan"
    );
    assert_eq!(report["settings"]["site_timeout_s"], 3.0);
    let (slow, next) = (&report["sites"][0], &report["sites"][1]);
    assert_eq!(slow["coverage"]["timed_out_after_s"], 3.0, "{slow}");
    let duration = slow["duration_ms"].as_u64().expect("duration_ms");
    assert!(duration >= 3000, "{duration} ms");
    // The start page was read before the limit ran out; the hanging page was not.
    assert_eq!(
        support::service(slow, "google-analytics").map(|s| s["tracking_ids"].clone()),
        Some(serde_json::json!(["G-HANGING001"])),
        "{slow}"
    );
    assert!(
        support::page(slow, &format!("http://{hanging}/hang")).is_none(),
        "{slow}"
    );
    // The next site is scanned as usual.
    assert!(
        next["coverage"].get("timed_out_after_s").is_none(),
        "{next}"
    );
    assert!(next["duration_ms"].as_u64().is_some(), "{next}");
    assert_eq!(next["summary"]["verdict"], "fail", "{next}");

    let saved = saved.to_str().unwrap();
    assert_in_every_human_format(
        saved,
        [
            ("en", "time limit of 3 s ran out (--site-timeout)"),
            (
                "nl",
                "de tijdslimiet van 3 s voor de site is verstreken (--site-timeout)",
            ),
        ],
    );
}

#[test]
fn hanging_sitemaps_neither_run_one_at_a_time_nor_delay_the_start_page() {
    let in_flight = hostile::InFlight::default();
    let addr = spawn_server(hostile::hanging(19, in_flight.clone()));
    // The site's time runs out long before one sitemap request would time out: the start page
    // is read only if it does not wait for the sitemaps (it waited for all of them before).
    let (code, report) = support::scan_json(&[
        &format!("http://{addr}/"),
        "--timeout",
        "30",
        "--site-timeout",
        "3",
    ]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(ids(&report), ["G-HANGING001"]);
    assert_eq!(report["sites"][0]["coverage"]["timed_out_after_s"], 3.0);
    // 19 sitemaps that never answer: asked for several at once (one at a time before), and
    // never more than 8 at once (no request timed out, so none was retried meanwhile).
    let most = in_flight.most.load(std::sync::atomic::Ordering::SeqCst);
    assert!((2..=8).contains(&most), "{most} sitemap requests at once");
}

/// A server whose every response has a head of `header_bytes` in one header field; the request
/// line of every request is recorded.
fn oversized_heads(header_bytes: usize, seen: hostile::Requests) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    support::spawn_serving(move |listener| async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                continue;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let n = socket.read(&mut request).await.unwrap_or(0);
                let text = String::from_utf8_lossy(&request[..n]);
                let line = text.lines().next().unwrap_or_default().to_owned();
                seen.0.lock().unwrap().push(line);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: {}\r\nContent-Length: 5\r\n\r\nhello",
                    "a".repeat(header_bytes)
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    })
}

#[test]
fn a_response_head_too_large_to_read_is_one_error_not_retried() {
    let seen = hostile::Requests::default();
    let addr = oversized_heads(500 * 1024, seen.clone());
    let (code, report) = support::scan_json(&[&format!("http://{addr}/"), "--timeout", "5"]);
    assert_eq!(code, 3, "{report:#}");
    let error = report["sites"][0]["pages"][0]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        error.contains("too large") && error.contains("(1 attempt,"),
        "{error}"
    );
    let pages: Vec<String> = seen
        .paths()
        .into_iter()
        .filter(|line| line.starts_with("GET / "))
        .collect();
    assert_eq!(pages.len(), 1, "the page was asked for again: {pages:?}");
}
