//! The shapes in which real sites load trackers, read by the static engine: each test is named
//! after the class of fault it guards and checks the right answer of its page of
//! `fixtures/sites/static-shapes` (see `fixtures/sites/README.md`), scanned by the real binary.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use support::{fixture, scan_json, serve_folder, service, spawn_server, strings, trackaudit};

/// One scan of the fixture site, served by a loopback HTTP server, shared by the tests.
fn site() -> &'static Value {
    static REPORT: OnceLock<Value> = OnceLock::new();
    let report = REPORT.get_or_init(|| {
        let addr = serve_folder(fixture("static-shapes"));
        let (_, report) = scan_json(&[&format!("http://{addr}/")]);
        report
    });
    &report["sites"][0]
}

/// Evidence items of a page (by path suffix) for a service.
fn evidence<'a>(site: &'a Value, id: &str, page: &str) -> Vec<&'a Value> {
    service(site, id)
        .map(|s| {
            s["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["page"].as_str().unwrap().ends_with(page))
                .collect()
        })
        .unwrap_or_default()
}

fn tracking_ids(site: &Value, id: &str) -> Vec<String> {
    service(site, id)
        .map(|s| {
            s["tracking_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The report leaves `consent_gated` out when it is false.
fn gated(evidence: &Value) -> bool {
    evidence["consent_gated"] == true
}

fn hosts(site: &Value) -> Vec<String> {
    strings(&site["third_parties"], "host")
}

fn host_service(site: &Value, host: &str) -> Option<String> {
    site["third_parties"]
        .as_array()?
        .iter()
        .find(|t| t["host"] == host)
        .map(|t| t["service"].as_str().unwrap_or("").to_owned())
}

#[test]
fn the_fixture_site_is_scanned_whole() {
    let site = site();
    assert_eq!(site["summary"]["errors"], 0, "{}", site["pages"]);
    // `/` and `/index.html` are two URLs to a plain HTTP server, with the same content: one
    // page with an alias.
    assert_eq!(site["pages"].as_array().unwrap().len(), 10);
    let home = &site["pages"][0];
    assert!(
        home["aliases"][0]
            .as_str()
            .unwrap()
            .ends_with("/index.html"),
        "{home}"
    );
}

#[test]
fn deferred_script_types_are_observed() {
    let site = site();
    let page = "/deferred-scripts.html";
    // WP Rocket: src in data-rocket-src, inline config with the rewritten type.
    assert!(tracking_ids(site, "google-analytics").contains(&"G-ROCKET0001".to_owned()));
    let ga = evidence(site, "google-analytics", page);
    assert!(ga.iter().any(|e| e["kind"] == "script-src"), "{ga:?}");
    assert!(ga.iter().any(|e| e["kind"] == "inline-script"), "{ga:?}");
    // Cloudflare Rocket Loader, LiteSpeed, Perfmatters (inline), WP Meteor.
    assert!(!evidence(site, "hotjar", page).is_empty());
    assert!(!evidence(site, "linkedin-insight", page).is_empty());
    assert!(tracking_ids(site, "meta-pixel").contains(&"2222333344445555".to_owned()));
    assert!(!evidence(site, "tiktok-pixel", page).is_empty());
    // WP-Optimize: text/plain with a parked src.
    assert!(hosts(site).contains(&"cdn.delayed-widget.nl".to_owned()));
    // Performance plugins delay; they do not ask consent.
    assert!(evidence(site, "hotjar", page).iter().all(|e| !gated(e)));
    // Data blocks are never run.
    for host in hosts(site) {
        assert!(
            !host.ends_with("data-block.nl"),
            "{host} is in a data block"
        );
    }
}

#[test]
fn deferred_url_attributes_are_observed() {
    let site = site();
    let all = hosts(site);
    for host in [
        "images.lazy-cdn.nl",
        "media.lazy-video.nl",
        "images.nitro-cdn.nl",
    ] {
        assert!(
            all.contains(&host.to_owned()),
            "{host} missing from {all:?}"
        );
    }
    let lazy_cdn = &site["third_parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["host"] == "images.lazy-cdn.nl")
        .unwrap();
    assert_eq!(lazy_cdn["pages"], 1);
    let youtube: Vec<&Value> = evidence(site, "youtube", "/lazy-media.html");
    let urls: Vec<&str> = youtube.iter().filter_map(|e| e["url"].as_str()).collect();
    for id in ["LAZYROCKET1", "IUBENDA0001", "CMPLZ000001"] {
        assert!(urls.iter().any(|u| u.ends_with(id)), "{id} in {urls:?}");
    }
    // A lazy loader is no consent manager; iubenda and Complianz are.
    for e in &youtube {
        let url = e["url"].as_str().unwrap();
        let by_consent_manager = url.ends_with("IUBENDA0001") || url.ends_with("CMPLZ000001");
        assert_eq!(gated(e), by_consent_manager, "{e}");
    }
    let vimeo = evidence(site, "vimeo", "/lazy-media.html");
    assert_eq!(vimeo.len(), 2, "{vimeo:?}");
}

#[test]
fn consent_held_tags_are_reported_as_consent_gated() {
    let site = site();
    let page = "/consent-held.html";
    for id in [
        "hubspot",
        "microsoft-clarity",
        "linkedin-insight",
        "google-analytics",
        "tiktok-pixel",
        "meta-pixel",
        "hotjar",
    ] {
        let found = evidence(site, id, page);
        assert!(!found.is_empty(), "{id} not found on {page}");
        assert!(found.iter().all(|e| gated(e)), "{id}: {found:?}");
    }
    assert!(tracking_ids(site, "linkedin-insight").contains(&"7777777".to_owned()));
    assert!(tracking_ids(site, "google-analytics").contains(&"G-IUBENDA001".to_owned()));
    // Cookiebot's own script, marked "ignore", runs now.
    let cookiebot = evidence(site, "cookiebot", page);
    assert!(!cookiebot.is_empty());
    assert!(cookiebot.iter().all(|e| !gated(e)));
}

#[test]
fn iframe_srcdoc_is_observed_as_a_document() {
    let site = site();
    assert!(tracking_ids(site, "google-analytics").contains(&"G-SRCDOC0001".to_owned()));
    assert!(hosts(site).contains(&"pixel.srcdoc-tracker.nl".to_owned()));
}

#[test]
fn loader_paths_with_ids_name_the_service_on_any_host() {
    let site = site();
    let page = "/first-party-loaders.html";
    assert!(tracking_ids(site, "google-tag-manager").contains(&"GTM-FIRSTPT1".to_owned()));
    assert!(tracking_ids(site, "google-analytics").contains(&"G-FIRSTPTY01".to_owned()));
    assert!(tracking_ids(site, "hotjar").contains(&"5555555".to_owned()));
    assert!(!evidence(site, "google-tag-manager", page).is_empty());
    // Served by the site itself: no third party.
    for host in hosts(site) {
        assert!(!host.starts_with("127.0.0.1"), "{host}");
    }
}

#[test]
fn tracker_frames_are_evidence_not_pages_to_crawl() {
    let site = site();
    let pages = strings(&site["pages"], "url");
    assert!(
        pages.iter().all(|p| !p.contains("ns.html")),
        "GTM's noscript frame was crawled: {pages:?}"
    );
    let gtm = evidence(site, "google-tag-manager", "/first-party-loaders.html");
    assert!(gtm.iter().any(|e| e["kind"] == "iframe"), "{gtm:?}");
}

#[test]
fn escaped_urls_in_inline_code_are_decoded() {
    let all = hosts(site());
    for host in ["escaped.js-escape.nl", "hex.js-escape.nl"] {
        assert!(
            all.contains(&host.to_owned()),
            "{host} missing from {all:?}"
        );
    }
}

#[test]
fn the_matomo_host_in_the_snippet_is_the_matomo_service() {
    let site = site();
    assert_eq!(
        host_service(site, "stats.schoolbestuur-voorbeeld.nl").as_deref(),
        Some("matomo")
    );
    assert!(tracking_ids(site, "matomo").contains(&"12".to_owned()));
}

#[test]
fn credentials_in_urls_are_not_the_host() {
    let site = site();
    assert_eq!(
        host_service(site, "o123456.ingest.sentry.io").as_deref(),
        Some("sentry")
    );
    let text = site.to_string();
    assert!(!text.contains("0123456789abcdef0123456789abcdef@"));
    assert!(hosts(site).iter().all(|h| !h.contains('@')));
}

#[test]
fn navigation_targets_are_links_not_requests() {
    let all = hosts(site());
    for host in [
        "www.facebook.com",
        "twitter.com",
        "browser-update.example-nav.nl",
    ] {
        assert!(
            !all.contains(&host.to_owned()),
            "{host} is only navigated to"
        );
    }
    assert!(service(site(), "facebook-social").is_none());
}

#[test]
fn url_templates_and_invalid_hosts_are_not_requests() {
    for host in hosts(site()) {
        assert!(!host.ends_with("video-template.nl"), "{host} is a template");
    }
}

#[test]
fn host_spellings_are_normalised() {
    let site = site();
    let all = hosts(site);
    assert!(all.contains(&"connect.facebook.net".to_owned()), "{all:?}");
    assert!(all.iter().all(|h| !h.ends_with('.')), "{all:?}");
    assert_eq!(
        host_service(site, "connect.facebook.net").as_deref(),
        Some("meta-pixel")
    );
}

#[test]
fn the_catalogue_knows_country_domains_wordpress_and_eu_audience_measurement() {
    let site = site();
    assert_eq!(
        host_service(site, "www.google.fr").as_deref(),
        Some("google-maps")
    );
    assert_eq!(
        host_service(site, "s.w.org").as_deref(),
        Some("wordpress-org")
    );
    assert_eq!(
        host_service(site, "tag.aticdn.net").as_deref(),
        Some("piano-analytics")
    );
    let piano = service(site, "piano-analytics").unwrap();
    assert_eq!(piano["country"], "FR");
    assert_eq!(piano["transfer"], "eea");
}

#[test]
fn lists_json_carries_each_services_country() {
    let output = trackaudit()
        .args(["lists", "--json"])
        .output()
        .expect("trackaudit runs");
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let services = json["services"].as_array().unwrap();
    assert!(services.len() > 100);
    for s in services {
        let country = s["country"].as_str().unwrap_or("");
        assert_eq!(country.len(), 2, "{}", s["id"]);
    }
    let gemius = services.iter().find(|s| s["id"] == "gemius").unwrap();
    assert_eq!(gemius["country"], "PL");
}

/// A page of nested `<noscript>` elements and one of nested `<iframe srcdoc>` documents, from a
/// hostile loopback server.
fn nested_documents_server() -> std::net::SocketAddr {
    let mut noscripts = String::from(
        "<html><body><a href=\"/srcdoc.html\">srcdoc</a>\
         <noscript><img src=\"https://shallow.nested-docs.nl/p.gif\"></noscript>",
    );
    noscripts.push_str(&"<noscript>".repeat(6000));
    noscripts.push_str("<img src=\"https://deep.nested-docs.nl/p.gif\">");
    noscripts.push_str(&"</noscript>".repeat(6000));
    // Level 1 holds level 2 in its srcdoc, and so on: each level escapes the one inside.
    let mut srcdoc = "<img src=\"https://level8.nested-docs.nl/p.gif\">".to_owned();
    for level in (1..8).rev() {
        let escaped = srcdoc.replace('&', "&amp;").replace('"', "&quot;");
        srcdoc = format!(
            "<img src=\"https://level{level}.nested-docs.nl/p.gif\"><iframe srcdoc=\"{escaped}\"></iframe>"
        );
    }
    let srcdoc_page = format!("<html><body>{srcdoc}</body></html>");
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(move || async move { axum::response::Html(noscripts) }),
        )
        .route(
            "/srcdoc.html",
            axum::routing::get(move || async move { axum::response::Html(srcdoc_page) }),
        );
    spawn_server(app)
}

#[test]
fn nested_documents_do_not_recurse() {
    let addr = nested_documents_server();
    let (_, report) = scan_json(&[&format!("http://{addr}/")]);
    let site = &report["sites"][0];
    assert_eq!(site["summary"]["errors"], 0, "{}", site["pages"]);
    assert_eq!(site["pages"].as_array().unwrap().len(), 2);
    let all = hosts(site);
    // Nested documents are observed down to the limit, and no deeper.
    for host in [
        "shallow.nested-docs.nl",
        "level1.nested-docs.nl",
        "level2.nested-docs.nl",
        "level3.nested-docs.nl",
    ] {
        assert!(
            all.contains(&host.to_owned()),
            "{host} missing from {all:?}"
        );
    }
    for host in ["deep.nested-docs.nl", "level8.nested-docs.nl"] {
        assert!(!all.contains(&host.to_owned()), "{host} is nested too deep");
    }
}

/// A site whose two pages link its own stylesheet (which imports itself and a second one) and a
/// stylesheet of another server; each server counts the requests for its stylesheets.
fn stylesheets_servers() -> (std::net::SocketAddr, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let theirs_hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&theirs_hits);
    let theirs = spawn_server(axum::Router::new().route(
        "/other.css",
        axum::routing::get(move || async move {
            counter.fetch_add(1, Ordering::SeqCst);
            "@import url(\"https://imported.third-party-css.nl/x.css\");"
        }),
    ));
    let own_hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&own_hits);
    let page = format!(
        "<html><head><link rel=\"stylesheet\" href=\"/own.css\">\
         <link rel=\"stylesheet\" href=\"http://{theirs}/other.css\"></head>\
         <body><a href=\"/two.html\">two</a></body></html>"
    );
    // A page of its own: the same markup would make it an alias of the first.
    let two = page.replace("<body>", "<body><h1>Two</h1>");
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(move || async move { axum::response::Html(page) }),
        )
        .route(
            "/two.html",
            axum::routing::get(move || async move { axum::response::Html(two) }),
        )
        .route(
            "/own.css",
            axum::routing::get(move || async move {
                counter.fetch_add(1, Ordering::SeqCst);
                "@import \"own.css\"; @import url(/css/part.css);\
                 .a { background: url(https://bg.own-css-cdn.nl/a.png) }"
            }),
        )
        .route(
            "/css/part.css",
            axum::routing::get(|| async {
                "@import url(\"../own.css\"); @import 'deeper.css';\
                 .b { background: image-set('https://part.own-css-cdn.nl/b.avif' 1x) }"
            }),
        )
        .route(
            "/css/deeper.css",
            axum::routing::get(|| async {
                "@import 'deepest.css'; .c { background: url(https://deeper.own-css-cdn.nl/c.png) }"
            }),
        )
        .route(
            "/css/deepest.css",
            axum::routing::get(|| async {
                ".d { background: url(https://deepest.own-css-cdn.nl/d.png) }"
            }),
        );
    (spawn_server(app), own_hits, theirs_hits)
}

#[test]
fn same_site_stylesheets_are_read_for_what_they_load() {
    // The fixture: the theme's CSS imports Google Fonts and a part with image-set() images that
    // imports itself.
    let site = site();
    let page = "/stylesheets.html";
    let fonts = evidence(site, "google-fonts", page);
    assert!(!fonts.is_empty(), "{}", site["services"]);
    for e in &fonts {
        assert_eq!(e["kind"], "link");
        let snippet = e["snippet"].as_str().unwrap();
        assert!(
            snippet.contains("\" in http")
                && snippet.contains("/wp-content/themes/school/style.css?ver=6.6"),
            "{snippet}"
        );
    }
    let all = hosts(site);
    assert!(all.contains(&"images.css-cdn.nl".to_owned()), "{all:?}");
    // The image-set() string and its url() option are both requests, kept as evidence.
    let text = site.to_string();
    for url in [
        "https://images.css-cdn.nl/hero.avif",
        "https://images.css-cdn.nl/hero.jpg",
        // From a stylesheet that only the page's own <style> block imports.
        "https://images.css-cdn.nl/print-logo.png",
    ] {
        assert!(text.contains(url), "{url} missing");
    }

    // A hostile site: own stylesheet read once for two pages, its import loop ends, imports are
    // followed two levels deep and no further, and another server's stylesheet is not fetched.
    let (addr, own_hits, theirs_hits) = stylesheets_servers();
    let (_, report) = scan_json(&[&format!("http://{addr}/")]);
    let site = &report["sites"][0];
    assert_eq!(site["summary"]["errors"], 0, "{}", site["pages"]);
    let all = hosts(site);
    for host in [
        "bg.own-css-cdn.nl",
        "part.own-css-cdn.nl",
        "deeper.own-css-cdn.nl",
    ] {
        assert!(
            all.contains(&host.to_owned()),
            "{host} missing from {all:?}"
        );
        // Attributed to both pages that link the stylesheet.
        let pages = site["third_parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["host"] == host)
            .map(|t| t["pages"].clone());
        assert_eq!(pages, Some(serde_json::json!(2)), "{host}");
    }
    assert!(
        !all.contains(&"deepest.own-css-cdn.nl".to_owned()),
        "{all:?}"
    );
    assert!(
        !all.contains(&"imported.third-party-css.nl".to_owned()),
        "{all:?}"
    );
    assert_eq!(own_hits.load(Ordering::SeqCst), 1);
    assert_eq!(theirs_hits.load(Ordering::SeqCst), 0);
}
