//! Consent management platforms: the rule table (`tracker-lists/cmp.toml`), detection, and the
//! consent states of the browser engine (`--consent`).

mod support;

use predicates::prelude::*;
use serde_json::Value;
use support::{scan_json, trackaudit};

/// The ids of the consent platforms a site's report names.
fn platforms(site: &Value) -> Vec<String> {
    site["consent"]["platforms"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect()
}

/// A folder holding one page with these lines in its head.
fn site_with_head(head: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        format!(
            "<!doctype html><html><head><title>School</title>{head}</head>\
             <body><p>Welkom</p><a href=\"/privacy.html\">Privacyverklaring</a></body></html>"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("privacy.html"),
        "<!doctype html><title>Privacy</title><p>Privacy</p>",
    )
    .unwrap();
    dir
}

#[test]
fn consent_platforms_are_named_by_their_scripts() {
    // The embed codes of the platforms' documentation: Cookiebot's uc.js with its domain group
    // id, Usercentrics' loader, a WordPress plugin's own path (Complianz).
    let dir = site_with_head(
        r#"<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="00000000-0000-0000-0000-000000000000" type="text/javascript"></script>
<script id="usercentrics-cmp" src="https://web.cmp.usercentrics.eu/ui/loader.js" data-settings-id="AbCdEfGhI" async></script>
<script src="/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js?ver=7.0"></script>"#,
    );
    let (_, report) = scan_json(&[dir.path().to_str().unwrap()]);
    let site = &report["sites"][0];
    assert_eq!(
        platforms(site),
        ["cookiebot", "usercentrics", "complianz"],
        "{:#}",
        site["consent"]
    );
    assert_eq!(site["consent"]["platforms"][0]["name"], "Cookiebot");

    let none = site_with_head(r#"<script src="/js/site.js"></script>"#);
    let (_, report) = scan_json(&[none.path().to_str().unwrap()]);
    assert!(report["sites"][0].get("consent").is_none(), "{report:#}");
}

#[test]
fn a_consent_platform_rule_without_a_way_to_reject_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cmp.toml"),
        r##"
[[cmp]]
id = "half"
name = "Half a banner"
scripts = ["cdn.half.example/banner.js"]
accept = ["#accept"]
settings = ["#more"]

[[cmp]]
id = "broken"
name = "Broken CSS"
markers = ["button:contains('OK')"]
accept = ["#ok"]
reject = ["#no"]

[[cmp]]
id = "invisible"
name = "Undetectable"
accept = ["#ok"]
reject = ["#no"]
"##,
    )
    .unwrap();
    trackaudit()
        .args(["lists", "--check", "--dir"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "platform \"half\": no reject selector, and no settings + reject_second_layer path",
        ))
        .stderr(predicate::str::contains(
            "platform \"broken\": markers selector \"button:contains('OK')\" is not valid CSS",
        ))
        .stderr(predicate::str::contains(
            "platform \"invisible\": no scripts and no markers",
        ));
    // The shipped table passes, and the check counts it.
    trackaudit()
        .args(["lists", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("consent platforms"));
}

/// A two-page school site: `head` (a consent platform's script, or none) on every page, and
/// the site's tag loader (`fixtures/consent/tags.js`) firing `before` any choice, after
/// `accept` and after `reject` (tags: `ga`, `meta`).
fn consent_site(head: &str, before: &str, accept: &str, reject: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consent");
    for file in ["tags.js", "own-banner.js"] {
        std::fs::copy(fixtures.join(file), dir.path().join(file)).unwrap();
    }
    let page = |title: &str| {
        format!(
            "<!doctype html><html lang=\"nl\"><head><title>{title}</title>{head}\n\
             <script src=\"/tags.js\" data-before=\"{before}\" data-accept=\"{accept}\" data-reject=\"{reject}\"></script>\n\
             </head><body><h1>{title}</h1><p>Welkom op onze school.</p>\
             <a href=\"/nieuws.html\">Nieuws</a> <a href=\"/privacy.html\">Privacyverklaring</a></body></html>"
        )
    };
    std::fs::write(dir.path().join("index.html"), page("Basisschool De Linde")).unwrap();
    std::fs::write(dir.path().join("nieuws.html"), page("Nieuws")).unwrap();
    std::fs::write(
        dir.path().join("privacy.html"),
        "<!doctype html><title>Privacyverklaring</title><p>Privacy</p>",
    )
    .unwrap();
    dir
}

const COOKIEBOT: &str = r#"<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="00000000-0000-0000-0000-000000000000" type="text/javascript"></script>"#;
const ONETRUST: &str = r#"<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="00000000-0000-0000-0000-000000000000"></script>"#;
const USERCENTRICS: &str = r#"<script id="usercentrics-cmp" src="https://web.cmp.usercentrics.eu/ui/loader.js" data-settings-id="AbCdEfGhI"></script>"#;
const COOKIEYES: &str = r#"<script id="cookieyes" src="https://cdn-cookieyes.com/client_data/fixture/script.js"></script>"#;
const DIDOMI: &str = r#"<script src="https://sdk.privacy-center.org/fixture/loader.js"></script>"#;
const OWN_BANNER: &str = r#"<script src="/own-banner.js" defer></script>"#;

/// Scan a consent site with the browser engine in `--consent state` (and `extra` flags): the
/// exit code, the site's report and what the third parties received.
fn scan_consent(dir: &tempfile::TempDir, state: &str, extra: &[&str]) -> (i32, Value, Vec<String>) {
    let third = support::thirdparty::start();
    let mut args: Vec<String> = vec![
        dir.path().display().to_string(),
        "--engine".into(),
        "chromium".into(),
        "--consent".into(),
        state.into(),
        "--max-pages".into(),
        "3".into(),
    ];
    args.extend(third.browser_args());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, report) = scan_json(&args);
    (code, report["sites"][0].clone(), third.requests())
}

fn rules(site: &Value) -> Vec<String> {
    support::strings(&site["findings"], "rule")
}

/// The services of a rule's findings.
fn rule_services(site: &Value, rule: &str) -> Vec<String> {
    support::findings(site, rule)
        .iter()
        .filter_map(|f| f["service"].as_str().map(str::to_owned))
        .collect()
}

fn cookie<'a>(site: &'a Value, name: &str) -> Option<&'a Value> {
    site["cookies"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == name)
}

#[test]
fn a_refusal_on_the_first_layer_is_clicked_and_kept() {
    // Cookiebot, behaving: Google Analytics only after "accept".
    let dir = consent_site(COOKIEBOT, "", "ga", "");
    let evidence = tempfile::tempdir().unwrap();
    let (code, site, requests) = scan_consent(
        &dir,
        "reject",
        &["--evidence", evidence.path().to_str().unwrap()],
    );
    let choice = &site["consent"]["choices"][0];
    assert_eq!(choice["state"], "reject", "{:#}", site["consent"]);
    assert_eq!(choice["platform"], "cookiebot");
    assert_eq!(choice["banner"], true);
    assert_eq!(choice["accept_on_first_layer"], true);
    assert_eq!(choice["reject_on_first_layer"], true);
    assert_eq!(choice["clicked"], true);
    assert_eq!(choice["found_by"], "rule");
    assert!(choice.get("second_layer").is_none());
    assert!(platforms(&site).contains(&"cookiebot".to_owned()));
    // The refusal held: nothing of Google's was contacted, on any page of the crawl.
    assert!(
        !requests.iter().any(|r| r.contains("google")),
        "{requests:#?}"
    );
    let found = rules(&site);
    for rule in [
        "tracking-after-reject",
        "no-reject-option",
        "consent-choice-not-found",
        "cookie-before-consent",
    ] {
        assert!(!found.contains(&rule.to_owned()), "{rule}: {found:?}");
    }
    assert_eq!(code, 0, "{:#}", site["findings"]);
    // The platform's cookie keeps the refusal, and says in which state it was present.
    let kept = cookie(&site, "CookieConsent").expect("Cookiebot's consent cookie");
    assert_eq!(kept["consent"], serde_json::json!(["reject"]));
    // Every request the browser made carries the state; the banner was photographed.
    let pages_seen: Vec<&Value> = site["pages"].as_array().unwrap().iter().collect();
    assert!(pages_seen.len() >= 2, "the crawl went on after the choice");
    let banners = site["evidence_files"]["banners"]
        .as_array()
        .expect("banner screenshots");
    let png = std::fs::read(banners[0].as_str().unwrap()).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG of the banner");
}

#[test]
fn tracking_after_reject_is_found_behind_a_shadow_dom_banner() {
    // Usercentrics (its banner in a shadow root); the site fires the Meta pixel whatever the
    // visitor chose.
    let dir = consent_site(USERCENTRICS, "", "ga,meta", "meta");
    let (code, site, requests) = scan_consent(&dir, "reject", &["--lang", "nl"]);
    let choice = &site["consent"]["choices"][0];
    assert_eq!(choice["platform"], "usercentrics", "{:#}", site["consent"]);
    assert_eq!(choice["clicked"], true);
    assert_eq!(choice["found_by"], "rule");
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("www.facebook.com/tr"))
    );
    assert!(
        !requests.iter().any(|r| r.contains("google-analytics")),
        "{requests:#?}"
    );
    assert_eq!(
        rule_services(&site, "tracking-after-reject"),
        ["meta-pixel"]
    );
    let finding = support::findings(&site, "tracking-after-reject")[0];
    assert_eq!(finding["severity"], "high");
    assert!(
        finding["title"]
            .as_str()
            .unwrap()
            .starts_with("Tracking nadat de bezoeker weigerde"),
        "{}",
        finding["title"]
    );
    let evidence = finding["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    assert!(
        evidence.iter().all(|e| e["consent"] == "reject"),
        "{evidence:#?}"
    );
    assert!(
        evidence.iter().any(|e| e["url"]
            .as_str()
            .is_some_and(|u| u.contains("facebook.com/tr"))),
        "{evidence:#?}"
    );
    assert_eq!(code, 1, "a high finding fails the scan");
}

#[test]
fn a_reject_hidden_on_the_second_layer_is_found_and_reported() {
    // CookieYes with the first layer's reject button turned off.
    let dir = consent_site(COOKIEYES, "", "ga", "");
    let (_, site, requests) = scan_consent(&dir, "reject", &[]);
    let choice = &site["consent"]["choices"][0];
    assert_eq!(choice["platform"], "cookieyes", "{:#}", site["consent"]);
    assert_eq!(choice["accept_on_first_layer"], true);
    assert_eq!(choice["reject_on_first_layer"], false);
    assert_eq!(choice["second_layer"], true);
    assert_eq!(choice["clicked"], true);
    assert!(
        !requests.iter().any(|r| r.contains("google")),
        "{requests:#?}"
    );
    let no_reject = support::findings(&site, "no-reject-option");
    assert_eq!(no_reject.len(), 1, "{:#}", site["findings"]);
    assert_eq!(no_reject[0]["severity"], "medium");
    assert!(
        no_reject[0]["title"]
            .as_str()
            .unwrap()
            .contains("CookieYes")
    );
    assert!(!rules(&site).contains(&"tracking-after-reject".to_owned()));
    assert_eq!(
        cookie(&site, "cookieyes-consent").expect("the choice is kept")["consent"],
        serde_json::json!(["reject"])
    );
}

#[test]
fn what_appears_only_after_accept_is_reported_under_its_rule() {
    // Didomi; the Meta pixel fires only after "accept": still a tracking pixel (the sector
    // advice is no pixels at all), with the state on its evidence — and no cookie before
    // consent.
    let dir = consent_site(DIDOMI, "", "meta", "");
    let (code, site, _) = scan_consent(&dir, "accept", &[]);
    let choice = &site["consent"]["choices"][0];
    assert_eq!(choice["state"], "accept");
    assert_eq!(choice["platform"], "didomi", "{:#}", site["consent"]);
    assert_eq!(choice["clicked"], true);
    assert_eq!(rule_services(&site, "tracking-pixel"), ["meta-pixel"]);
    let pixel = support::service(&site, "meta-pixel").unwrap();
    assert!(
        pixel["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["seen_by"] == "browser")
            .all(|e| e["consent"] == "accept")
    );
    assert!(!rules(&site).contains(&"cookie-before-consent".to_owned()));
    assert_eq!(
        cookie(&site, "_fbp").unwrap()["consent"],
        serde_json::json!(["accept"])
    );
    assert_eq!(code, 1);
}

#[test]
fn tracking_before_the_choice_is_found_in_the_none_state_and_after_a_refusal() {
    // OneTrust on a site that loads Google Analytics before anyone chose, and keeps loading it.
    let dir = consent_site(ONETRUST, "ga", "ga", "");
    let (_, none, _) = scan_consent(&dir, "none", &[]);
    assert_eq!(
        rule_services(&none, "cookie-before-consent"),
        ["google-analytics"]
    );
    assert!(platforms(&none).contains(&"onetrust".to_owned()));
    assert_eq!(
        cookie(&none, "_ga").unwrap()["consent"],
        serde_json::json!(["none"])
    );
    assert!(
        none["consent"].get("choices").is_none(),
        "no choice in the none state"
    );
    assert!(!rules(&none).contains(&"tracking-after-reject".to_owned()));

    let (_, reject, _) = scan_consent(&dir, "reject", &[]);
    assert_eq!(
        reject["consent"]["choices"][0]["clicked"], true,
        "{:#}",
        reject["consent"]
    );
    assert_eq!(
        rule_services(&reject, "tracking-after-reject"),
        ["google-analytics"]
    );
    // The cookie set before the click is not counted against the refusal: it was set again.
    assert_eq!(
        cookie(&reject, "_ga").unwrap()["consent"],
        serde_json::json!(["reject"])
    );
}

#[test]
fn a_banner_no_rule_knows_is_handled_by_its_button_labels() {
    let dir = consent_site(OWN_BANNER, "", "ga", "");
    let (_, site, requests) = scan_consent(&dir, "reject", &[]);
    let choice = &site["consent"]["choices"][0];
    assert!(choice.get("platform").is_none(), "{:#}", site["consent"]);
    assert_eq!(choice["banner"], true);
    assert_eq!(choice["reject_on_first_layer"], true);
    assert_eq!(choice["clicked"], true);
    assert_eq!(choice["found_by"], "text");
    assert!(
        !requests.iter().any(|r| r.contains("google")),
        "{requests:#?}"
    );
    assert_eq!(
        cookie(&site, "cookiemelding").expect("the site's own choice cookie")["consent"],
        serde_json::json!(["reject"])
    );
    assert!(!rules(&site).contains(&"consent-choice-not-found".to_owned()));
}

#[test]
fn a_site_without_a_banner_gets_a_finding_not_a_silent_pass() {
    let dir = consent_site("", "", "", "");
    let (_, site, _) = scan_consent(&dir, "accept", &[]);
    let choice = &site["consent"]["choices"][0];
    assert_eq!(choice["banner"], false);
    assert_eq!(choice["clicked"], false);
    assert_eq!(choice["error"], "no consent banner was found");
    let missing = support::findings(&site, "consent-choice-not-found");
    assert_eq!(missing.len(), 1, "{:#}", site["findings"]);
    assert_eq!(missing[0]["severity"], "low");
    assert!(missing[0]["title"].as_str().unwrap().contains("accept"));
}

#[test]
fn a_consent_choice_needs_the_browser_engine() {
    let dir = consent_site(COOKIEBOT, "", "", "");
    trackaudit()
        .arg("scan")
        .arg(dir.path())
        .args(["--consent", "reject"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --engine chromium"));
    // The sample of --consent all: bounded, and meaningless without it.
    for (args, says) in [
        (
            &["--consent", "all", "--consent-pages", "0"][..],
            "between 1 and 100",
        ),
        (
            &["--consent", "all", "--consent-pages", "101"][..],
            "between 1 and 100",
        ),
        (
            &["--consent", "accept", "--consent-pages", "5"][..],
            "it needs --consent all",
        ),
    ] {
        trackaudit()
            .arg("scan")
            .arg(dir.path())
            .args(["--engine", "chromium"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn consent_all_reports_the_states_in_which_each_service_and_cookie_was_seen() {
    // Usercentrics; Google Analytics after "accept" only, the Meta pixel whatever was chosen.
    let dir = consent_site(USERCENTRICS, "", "ga,meta", "meta");
    let (code, site, _) = scan_consent(&dir, "all", &["--consent-pages", "2"]);
    let consent = &site["consent"];
    let states: Vec<&str> = consent["choices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["clicked"] == true)
        .filter_map(|c| c["state"].as_str())
        .collect();
    assert_eq!(states, ["accept", "reject"], "{consent:#}");
    assert_eq!(
        consent["sample"].as_array().unwrap().len(),
        2,
        "{consent:#}"
    );
    let seen = |id: &str| support::service(&site, id).map(|s| s["consent"].clone());
    assert_eq!(
        seen("google-analytics"),
        Some(serde_json::json!(["accept"]))
    );
    assert_eq!(
        seen("meta-pixel"),
        Some(serde_json::json!(["accept", "reject"]))
    );
    assert_eq!(
        cookie(&site, "_ga").unwrap()["consent"],
        serde_json::json!(["accept"])
    );
    assert_eq!(
        cookie(&site, "_fbp").unwrap()["consent"],
        serde_json::json!(["accept", "reject"])
    );
    assert_eq!(
        rule_services(&site, "tracking-after-reject"),
        ["meta-pixel"]
    );
    assert!(!rules(&site).contains(&"cookie-before-consent".to_owned()));
    assert_eq!(code, 1);

    // The consent table in every format meant for people, in Dutch.
    let saved = tempfile::NamedTempFile::new().unwrap();
    let report = serde_json::json!({
        "schema_version": 1, "tool": {"name": "trackaudit", "version": "0"}, "engine": "chromium",
        "lang": "en", "started_at": "", "finished_at": "", "sites": [site],
    });
    std::fs::write(saved.path(), report.to_string()).unwrap();
    let english = support::dutch::English::collect();
    for format in ["terminal", "markdown", "html"] {
        let out = trackaudit()
            .args([
                "report",
                saved.path().to_str().unwrap(),
                "--lang",
                "nl",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        // Markdown escapes the underscore of a cookie's name.
        let fbp = if format == "markdown" {
            "cookie \\_fbp"
        } else {
            "cookie _fbp"
        };
        for words in [
            "toestemming",
            "usercentrics",
            "weigeren: aangeklikt",
            "geen keuze",
            fbp,
        ] {
            // (HTML capitalises the table's heads.)
            let lower = text.to_lowercase();
            assert!(lower.contains(words), "{format} lacks {words:?}:\n{text}");
        }
        // Dutch throughout: none of the tool's English texts (tests/dutch.rs, same list).
        let found = english.found_in(&text);
        assert!(
            found.is_empty(),
            "{format}: English in the Dutch report: {found:?}\n{text}"
        );
    }
}
