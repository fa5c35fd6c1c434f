//! Transparency and social media: what the privacy and cookie statements name against what the
//! site does, and the social platforms the site sends its visitors to. The real binary against
//! fixture sites served on loopback (`fixtures/sites/transparency-nl`, `transparency-en`).

mod support;

use serde_json::Value;
use support::{findings, fixture, scan_json, serve_folder, trackaudit};

fn scan(site: &str) -> Value {
    let (_, report) = scan_json(&[fixture(site).to_str().expect("utf-8 path")]);
    report["sites"][0].clone()
}

/// How the statements name a service: `by` and `term`, or `None` when they do not.
fn disclosure(site: &Value, service: &str) -> Option<(String, String)> {
    let entry = site["statements"]["services"]
        .as_array()
        .expect("services checked")
        .iter()
        .find(|d| d["service"] == service)
        .unwrap_or_else(|| panic!("{service} is checked against the statement"));
    entry["by"].as_str().map(|by| {
        (
            by.to_owned(),
            entry["term"].as_str().unwrap_or_default().to_owned(),
        )
    })
}

fn services_of(findings: &[&Value]) -> Vec<String> {
    let mut ids: Vec<String> = findings
        .iter()
        .filter_map(|f| f["service"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[test]
fn statements_name_services_by_name_alias_host_and_organisation() {
    let site = scan("transparency-nl");
    let by = |id| disclosure(&site, id).map(|(by, term)| format!("{by}: {term}"));
    assert_eq!(
        by("google-analytics").as_deref(),
        Some("name: Google Analytics")
    );
    // The cookie statement's "Facebook-pixel" is an alias of the Meta Pixel.
    assert_eq!(by("meta-pixel").as_deref(), Some("alias: Facebook Pixel"));
    assert_eq!(
        by("google-fonts").as_deref(),
        Some("host: fonts.googleapis.com")
    );
    // "een tag van LinkedIn": the organisation's name counts for its services.
    assert_eq!(
        by("linkedin-insight").as_deref(),
        Some("organization: LinkedIn")
    );
    let en = scan("transparency-en");
    let by = |id| disclosure(&en, id).map(|(by, term)| format!("{by}: {term}"));
    assert_eq!(by("google-analytics").as_deref(), Some("alias: GA4"));
    assert_eq!(by("youtube").as_deref(), Some("name: YouTube"));
}

#[test]
fn category_words_do_not_disclose_a_service() {
    for (site, statement) in [
        ("transparency-nl", "/privacyverklaring.html"),
        ("transparency-en", "/privacy-policy.html"),
    ] {
        let report = scan(site);
        // "analytische cookies van derden" / "third-party analytics and heatmap tools".
        assert_eq!(disclosure(&report, "hotjar"), None, "{site}");
        let undisclosed = findings(&report, "undisclosed-third-party");
        let hotjar = undisclosed
            .iter()
            .find(|f| f["service"] == "hotjar")
            .unwrap_or_else(|| panic!("{site}: Hotjar is reported: {undisclosed:?}"));
        assert_eq!(hotjar["severity"], "medium");
        assert_eq!(hotjar["pages"][0], "/");
        let evidence = hotjar["evidence"].as_array().expect("evidence");
        assert!(
            evidence.iter().any(|e| e["url"] == statement),
            "{site}: the statement read is evidence: {evidence:?}"
        );
        assert!(
            evidence
                .iter()
                .any(|e| e["page"] == "/" && e["kind"] == "script-src"),
            "{site}: where it runs is evidence: {evidence:?}"
        );
    }
}

#[test]
fn menus_and_footers_of_the_statement_page_name_nothing() {
    // Every page's footer says "TikTok" (a link to the school's account); the statement itself
    // does not name the TikTok Pixel.
    let site = scan("transparency-nl");
    assert_eq!(disclosure(&site, "tiktok-pixel"), None);
    let undisclosed = services_of(&findings(&site, "undisclosed-third-party"));
    assert_eq!(undisclosed, ["hotjar", "tiktok-pixel"]);
}

#[test]
fn services_named_but_not_found_are_info() {
    for (site, service, term) in [
        ("transparency-nl", "mailchimp", "Mailchimp"),
        ("transparency-en", "vimeo", "Vimeo"),
    ] {
        let report = scan(site);
        let named = findings(&report, "disclosed-not-found");
        assert_eq!(services_of(&named), [service], "{site}");
        assert_eq!(named[0]["severity"], "info");
        let snippet = named[0]["evidence"][0]["snippet"]
            .as_str()
            .unwrap_or_default();
        assert!(snippet.contains(term), "{snippet}");
    }
}

#[test]
fn no_statement_means_no_undisclosed_findings() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("index.html"),
        r#"<html><body><script async src="https://www.googletagmanager.com/gtag/js?id=G-NOSTATE26"></script></body></html>"#,
    )
    .expect("write");
    let (_, report) = scan_json(&[dir.path().to_str().expect("utf-8")]);
    let site = &report["sites"][0];
    assert_eq!(findings(site, "missing-privacy-statement").len(), 1);
    assert!(findings(site, "undisclosed-third-party").is_empty());
    assert!(site.get("statements").is_none(), "{site}");
}

#[test]
fn a_pdf_statement_is_listed_unread_and_concludes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("index.html"),
        r#"<html><body><script async src="https://www.googletagmanager.com/gtag/js?id=G-PDFSTAT26"></script>
        <a href="/privacyverklaring.pdf">Privacyverklaring (pdf)</a></body></html>"#,
    )
    .expect("write");
    std::fs::write(
        dir.path().join("privacyverklaring.pdf"),
        b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    )
    .expect("write");
    let (_, report) = scan_json(&[dir.path().to_str().expect("utf-8")]);
    let site = &report["sites"][0];
    let read = &site["statements"]["read"][0];
    assert_eq!(read["url"], "/privacyverklaring.pdf");
    assert_eq!(read["read"], false);
    assert!(
        read["error"].as_str().unwrap_or_default().contains("PDF"),
        "{read}"
    );
    assert!(findings(site, "undisclosed-third-party").is_empty());
    assert!(findings(site, "missing-privacy-statement").is_empty());
}

#[test]
fn a_statement_on_another_host_is_read() {
    // A school board's central privacy statement on its own host.
    let board = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        board.path().join("privacy.html"),
        "<html><body><main>Onze scholen gebruiken Google Analytics.</main></body></html>",
    )
    .expect("write");
    let board_server = serve_folder(board.path().to_path_buf());
    let school = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        school.path().join("index.html"),
        format!(
            r#"<html><body><script async src="https://www.googletagmanager.com/gtag/js?id=G-BOARD2026"></script>
            <script src="https://static.hotjar.com/c/hotjar-3907777.js"></script>
            <a href="http://{board_server}/privacy.html">Privacy</a></body></html>"#
        ),
    )
    .expect("write");
    let (_, report) = scan_json(&[school.path().to_str().expect("utf-8")]);
    let site = &report["sites"][0];
    let url = format!("http://{board_server}/privacy.html");
    assert_eq!(site["statements"]["read"][0]["url"], url.as_str());
    assert_eq!(site["statements"]["read"][0]["read"], true);
    assert_eq!(
        disclosure(site, "google-analytics"),
        Some(("name".into(), "Google Analytics".into()))
    );
    assert_eq!(
        services_of(&findings(site, "undisclosed-third-party")),
        ["hotjar"]
    );
}

#[test]
fn social_accounts_are_reported_per_platform_and_share_links_are_not() {
    let site = scan("transparency-nl");
    let social = site["social"].as_array().expect("social");
    let mut platforms: Vec<(String, String)> = social
        .iter()
        .map(|p| {
            (
                p["platform"].as_str().unwrap_or_default().to_owned(),
                p["accounts"][0].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    platforms.sort();
    // The news page's share links (Facebook, X, LinkedIn, WhatsApp), an Instagram post and a
    // YouTube video are no accounts.
    assert_eq!(
        platforms,
        [
            (
                "instagram".into(),
                "https://www.instagram.com/obsdetransparant".into()
            ),
            (
                "mastodon".into(),
                "https://mastodon.nl/@detransparant".into()
            ),
            (
                "tiktok".into(),
                "https://www.tiktok.com/@obsdetransparant".into()
            ),
        ]
    );
    let presence = findings(&site, "social-media-presence");
    assert_eq!(presence.len(), 3);
    for finding in &presence {
        assert_eq!(finding["severity"], "info");
        assert_eq!(finding["pages"].as_array().map(Vec::len), Some(4));
    }
    let mastodon = presence
        .iter()
        .find(|f| f["title"].as_str().unwrap_or_default().contains("Mastodon"))
        .expect("Mastodon finding");
    assert!(
        mastodon["advice"]
            .as_str()
            .unwrap_or_default()
            .contains("instance"),
        "an open platform gets its own advice: {mastodon}"
    );
    let tiktok = presence
        .iter()
        .find(|f| f["title"].as_str().unwrap_or_default().contains("TikTok"))
        .expect("TikTok finding");
    assert!(
        tiktok["rationale"]
            .as_str()
            .unwrap_or_default()
            .contains("agreements"),
        "{tiktok}"
    );
}

#[test]
fn the_new_rules_are_worded_in_both_languages_in_every_format() {
    let path = fixture("transparency-nl");
    let path = path.to_str().expect("utf-8");
    for (lang, words) in [
        (
            "en",
            [
                "Third party not named in the privacy statement",
                "The site sends visitors to a social platform",
            ],
        ),
        (
            "nl",
            [
                "Derde partij niet genoemd in de privacyverklaring",
                "De site verwijst bezoekers naar een sociaal platform",
            ],
        ),
    ] {
        for format in ["terminal", "json", "html", "markdown", "csv"] {
            let output = trackaudit()
                .args(["scan", path, "--format", format, "--lang", lang, "-q"])
                .output()
                .expect("trackaudit runs");
            let text = String::from_utf8_lossy(&output.stdout);
            for word in words {
                assert!(text.contains(word), "{format} {lang}: {word:?} missing");
            }
        }
    }
}
