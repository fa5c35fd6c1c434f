//! A Dutch report speaks Dutch, in every format meant for people: no English text of the tool
//! (labels, rule texts, service names and advice, country names, counts) may appear in it.
//! The English texts are collected from where they are written (`support::dutch`), not picked
//! by hand.

mod support;

use std::path::Path;

use support::dutch::{English, tool_text, word};
use support::{fixture, trackaudit};
use trackaudit::Lang;

/// A saved report rendered again in Dutch, in one format.
fn in_dutch(json: &Path, format: &str) -> String {
    let out = trackaudit()
        .arg("report")
        .arg(json)
        .args(["--lang", "nl", "--format", format])
        .output()
        .unwrap();
    assert!(out.status.success(), "{format}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_dutch_report_contains_no_english_text_in_any_format() {
    let english = English::collect();
    assert!(
        english.texts.len() > 500,
        "the list is built: {}",
        english.texts.len()
    );
    for must in [
        "Findings",
        "Tracking pixel",
        "Instagram embeds and feeds",
        "United States",
        // The consent section's (src/report/consent.rs), checked on a real report in
        // tests/consent.rs.
        "service or cookie",
        "no choice",
    ] {
        assert!(
            english.texts.iter().any(|(e, _)| e == must),
            "{must} is listed"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scan.json");
    // Scanned in English, then worded again in Dutch: the findings carry their rule and
    // parameters, not only the scan's words.
    trackaudit()
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["--lang", "en", "--format", "json", "-q", "--output"])
        .arg(&json)
        .assert()
        .code(1);
    let mut found = Vec::new();
    for format in ["terminal", "html", "markdown", "csv", "junit"] {
        let mut text = in_dutch(&json, format);
        if format == "csv" {
            // The header is a contract for scripts, the same in both languages (README).
            text = text
                .split_once('\n')
                .map_or(text.clone(), |(_, rows)| rows.to_owned());
        }
        found.extend(
            english
                .found_in(&text)
                .into_iter()
                .map(|en| format!("{format}: {en:?}")),
        );
    }
    assert!(
        found.is_empty(),
        "English in the Dutch report:\n{}",
        found.join("\n")
    );
}

/// A site whose pages fail in every way a page can: error statuses, a redirect loop, too many
/// redirects, a redirect without a Location, a Retry-After longer than the crawler waits, a
/// page that never answers in time, markup over a limit; robots.txt keeps out `/blocked/`.
fn failing_site() -> axum::Router {
    use axum::response::Html;
    use axum::routing::get;
    let links = [
        "/gone", "/missing", "/broken", "/loop-a", "/chain/0", "/nowhere", "/later", "/slow",
        "/deep",
    ];
    let index: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">{l}</a> "))
        .collect();
    let index =
        format!("<!doctype html><title>Failing</title><a href=\"/privacy\">Privacy</a> {index}");
    failing_routes()
        .route("/", get(move || async move { Html(index) }))
        .route("/privacy", get(|| async { Html("<title>Privacy</title>") }))
}

/// The failing pages of [`failing_site`], without its start page.
fn failing_routes() -> axum::Router {
    use axum::http::{StatusCode, header};
    use axum::response::{Html, IntoResponse};
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nDisallow: /blocked/\n" }),
        )
        .route(
            "/blocked/",
            get(|| async { Html("<title>Blocked</title>") }),
        )
        .route("/gone", get(|| async { StatusCode::GONE }))
        .route("/broken", get(|| async { StatusCode::NOT_IMPLEMENTED }))
        .route(
            "/loop-a",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop-b")]) }),
        )
        .route(
            "/loop-b",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop-a")]) }),
        )
        .route(
            "/chain/{n}",
            get(
                |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                    let next = format!("/chain/{}", n + 1);
                    (StatusCode::FOUND, [(header::LOCATION, next)]).into_response()
                },
            ),
        )
        .route("/nowhere", get(|| async { StatusCode::FOUND }))
        .route(
            "/later",
            get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "3600")],
                )
            }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                Html("<title>Late</title>")
            }),
        )
        .route(
            "/deep",
            get(|| async { Html(format!("<html><body>{}", "<div>".repeat(5_000))) }),
        )
}

/// The parts of an English text that are the tool's words: what comes from the scan (URLs,
/// the technical detail) taken out, split where parameters join the words, parts of at least
/// five letters (a status such as "HTTP 404" is the same in both languages).
fn worded_parts(text: &str, details: &[String]) -> Vec<String> {
    let mut text = text.to_owned();
    for detail in details {
        text = text.replace(detail.as_str(), " ");
    }
    tool_text(&text)
        .replace(". ", ";")
        .split([',', ':', ';', '(', ')', '[', ']'])
        .map(|p| {
            p.trim()
                .trim_matches(|c: char| c.is_numeric() || c == ' ')
                .trim()
        })
        .filter(|p| p.chars().filter(|c| c.is_alphabetic()).count() >= 5)
        .map(str::to_owned)
        .collect()
}

/// Every page's and every site's `error` text in a JSON report.
fn errors_of(report: &serde_json::Value) -> Vec<String> {
    let mut errors = Vec::new();
    for site in report["sites"].as_array().unwrap() {
        errors.extend(site["error"].as_str().map(str::to_owned));
        for page in site["pages"].as_array().unwrap() {
            errors.extend(page["error"].as_str().map(str::to_owned));
        }
    }
    errors
}

/// The JSON `kind` of each failure, sorted.
fn kinds_of(failures: &[trackaudit::failure::Failure]) -> Vec<String> {
    let mut kinds: Vec<String> = failures
        .iter()
        .filter_map(|f| {
            serde_json::to_value(f).ok()?["kind"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    kinds.sort();
    kinds
}

#[test]
fn page_and_site_errors_are_worded_in_the_report_language() {
    let site = support::spawn_server(failing_site());
    // A port nothing listens on: bound, then closed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let targets = [
        format!("http://{site}/"),
        format!("http://{closed}/"),
        "http://nonexistent.invalid/".to_owned(),
        format!("https://{site}/"),
        format!("http://{site}/blocked/"),
        format!("http://private-school.example:{}/", site.port()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scan.json");
    trackaudit()
        .arg("scan")
        .args(&targets)
        .args(["--resolve", "private-school.example:127.0.0.1"])
        .args(["--timeout", "1", "--lang", "en", "--format", "json", "-q"])
        .arg("--output")
        .arg(&json)
        .assert()
        .code(0);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let sites = report["sites"].as_array().unwrap();
    assert_eq!(sites.len(), targets.len());
    // Every failure has its kind, and every kind made here is in the report.
    let mut failures: Vec<trackaudit::failure::Failure> = Vec::new();
    for site in sites {
        for page in site["pages"].as_array().unwrap() {
            if page["error"].is_null() {
                continue;
            }
            let about = page["error_about"].clone();
            assert!(about.is_object(), "a failed page has its kind: {page}");
            failures.push(serde_json::from_value(about).unwrap());
        }
    }
    let kinds = kinds_of(&failures);
    for kind in [
        "http-status",
        "redirect-loop",
        "too-many-redirects",
        "redirect-without-location",
        "retry-after-too-long",
        "timeout",
        "not-analysed",
        "connection-refused",
        "name-not-found",
        "tls",
        "robots-disallowed",
        "private-address",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    let details: Vec<String> = failures.iter().filter_map(|f| f.detail.clone()).collect();
    // The English words of every failure and every site's reason, as the scan wrote them.
    let mut english: Vec<String> = failures
        .iter()
        .flat_map(|f| worded_parts(&f.text(Lang::En), &details))
        .collect();
    for site in sites {
        if let Some(reason) = site["error"].as_str() {
            english.extend(worded_parts(reason, &details));
        }
    }
    // What the Dutch wording has too (a host name, "https", "robots.txt") is no sign of English.
    let nl: serde_json::Value = serde_json::from_str(&in_dutch(&json, "json")).unwrap();
    let dutch_errors = errors_of(&nl);
    let mut dutch: Vec<String> = failures.iter().map(|f| f.text(Lang::Nl)).collect();
    dutch.extend(dutch_errors.iter().cloned());
    english.retain(|en| {
        let word = word(en);
        !dutch.iter().any(|nl| word.is_match(nl))
    });
    english.sort();
    english.dedup();
    assert!(english.len() > 20, "{english:?}");
    let mut found = Vec::new();
    for format in ["terminal", "html", "markdown", "csv", "junit", "json"] {
        let mut text = in_dutch(&json, format);
        if format == "json" {
            // The JSON's words are its error texts (its keys are a contract, not prose).
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            text = errors_of(&json).join("\n");
        }
        for detail in &details {
            text = text.replace(detail.as_str(), " ");
            // HTML and XML escape the detail's quotes.
            text = text.replace(&detail.replace('\'', "&#39;").replace('"', "&quot;"), " ");
        }
        if format == "terminal" {
            for dutch in [
                "HTTP 410 (verdwenen)",
                "omleidingslus",
                "meer dan 10 omleidingen",
                "zonder bruikbare Location",
                "langer dan de 30 s die de crawler wacht",
                "geen antwoord binnen 1 s",
                "niet geanalyseerd",
                "verbinding geweigerd",
                "naam niet gevonden (DNS)",
                "TLS-verbinding (https) mislukte",
                "robots.txt verbiedt deze pagina",
                "--allow-private haalt het op",
                "draait de server?",
            ] {
                assert!(text.contains(dutch), "{dutch:?} in:\n{text}");
            }
        }
        let text = tool_text(&text);
        for en in &english {
            if word(en).is_match(&text) {
                found.push(format!("{format}: {en:?}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "English error wording in the Dutch report:\n{}",
        found.join("\n")
    );
}

/// A site whose privacy and cookie statements cannot be read, each its own way (the failing
/// pages of [`failing_routes`] among them): on the first site an error status, a redirect loop,
/// a closed port and a PDF; on the second a Word file, a page without text, markup over a limit
/// and a redirect chain longer than the crawler follows.
fn unreadable_statements(closed: std::net::SocketAddr, second: bool) -> axum::Router {
    use axum::http::header;
    use axum::response::Html;
    use axum::routing::get;
    let links: Vec<(String, &str)> = if second {
        vec![
            ("/privacy.docx".into(), "Privacyverklaring (Word)"),
            ("/privacy-leeg".into(), "Privacy"),
            ("/deep".into(), "Cookieverklaring"),
            ("/chain/0".into(), "Cookies"),
        ]
    } else {
        vec![
            ("/gone".into(), "Privacyverklaring"),
            ("/loop-a".into(), "Privacy"),
            (format!("http://{closed}/cookiebeleid"), "Cookiebeleid"),
            ("/cookies.pdf".into(), "Cookies (pdf)"),
        ]
    };
    let index: String = links
        .iter()
        .map(|(href, text)| format!("<a href=\"{href}\">{text}</a> "))
        .collect();
    let index = format!(
        "<!doctype html><title>School</title>\
         <script async src=\"https://www.googletagmanager.com/gtag/js?id=G-STATEM26\"></script>{index}"
    );
    failing_routes()
        .route("/", get(move || async move { Html(index) }))
        .route(
            "/cookies.pdf",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/pdf")],
                    "%PDF-1.4\n%%EOF\n",
                )
            }),
        )
        .route(
            "/privacy.docx",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/msword")],
                    "not a web page",
                )
            }),
        )
        .route(
            "/privacy-leeg",
            get(|| async { Html("<html><body><main> </main></body></html>") }),
        )
}

#[test]
fn statement_errors_are_worded_in_the_report_language() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let first = support::spawn_server(unreadable_statements(closed, false));
    let second = support::spawn_server(unreadable_statements(closed, true));
    let (first, second) = (format!("http://{first}/"), format!("http://{second}/"));
    let (code, report) =
        support::scan_json(&[&first, &second, "--lang", "nl", "--fail-on", "never"]);
    assert_eq!(code, 0);
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scan.json");
    std::fs::write(&json, report.to_string()).unwrap();
    // Every statement that was not read has its kind, and its error is worded in Dutch.
    let mut failures: Vec<trackaudit::failure::Failure> = Vec::new();
    for site in report["sites"].as_array().unwrap() {
        for read in site["statements"]["read"].as_array().unwrap() {
            assert_eq!(read["read"], false, "{read}");
            let failure: trackaudit::failure::Failure =
                serde_json::from_value(read["error_about"].clone()).unwrap();
            assert_eq!(read["error"], failure.line(Lang::Nl).as_str());
            failures.push(failure);
        }
    }
    let kinds = kinds_of(&failures);
    assert_eq!(
        kinds,
        [
            "connection-refused",
            "http-status",
            "no-text",
            "not-analysed",
            "not-text",
            "pdf-not-read",
            "redirect-loop",
            "too-many-redirects",
        ]
    );
    let terminal = in_dutch(&json, "terminal");
    for dutch in [
        "niet gelezen: HTTP 410 (verdwenen)",
        "niet gelezen: omleidingslus",
        "niet gelezen: verbinding geweigerd",
        "niet gelezen: een PDF-document: de tekst wordt niet gelezen",
        "niet gelezen: een document van het type application/msword",
        "niet gelezen: geen tekst",
        "niet gelezen: niet geanalyseerd: elementen dieper genest",
        "niet gelezen: meer dan 10 omleidingen",
    ] {
        assert!(terminal.contains(dutch), "{dutch:?} in:\n{terminal}");
    }
    // No English wording of these failures in any Dutch format that shows the statements.
    let details: Vec<String> = failures.iter().filter_map(|f| f.detail.clone()).collect();
    let mut english: Vec<String> = failures
        .iter()
        .flat_map(|f| worded_parts(&f.text(Lang::En), &details))
        .collect();
    let dutch: Vec<String> = failures.iter().map(|f| f.text(Lang::Nl)).collect();
    english.retain(|en| !dutch.iter().any(|nl| word(en).is_match(nl)));
    assert!(english.len() >= 8, "{english:?}");
    for format in ["terminal", "html", "markdown"] {
        let mut text = in_dutch(&json, format);
        for detail in &details {
            text = text.replace(detail.as_str(), " ");
        }
        let text = tool_text(&text);
        for en in &english {
            assert!(!word(en).is_match(&text), "{format}: {en:?} in:\n{text}");
        }
    }
    // `report --lang en` words them in English again, from their kind.
    let out = trackaudit()
        .arg("report")
        .arg(&json)
        .args(["--lang", "en", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let en: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&str> = en["sites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["statements"]["read"].as_array().unwrap())
        .filter_map(|r| r["error"].as_str())
        .collect();
    assert!(
        errors.contains(&"a PDF document: its text is not read"),
        "{errors:?}"
    );
    assert!(errors.contains(&"HTTP 410 (gone)"), "{errors:?}");
}
