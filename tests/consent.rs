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
