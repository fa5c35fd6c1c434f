//! The HTML report, rendered from reports that the real binary wrote: its sections, its escaping
//! of hostile pages, that trackaudit itself finds no third party on it, and how real headless
//! Chromium shows and prints it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use scraper::{Html, Selector};
use serde_json::Value;
use trackaudit::Lang;
use trackaudit::report::html::render;
use trackaudit::report::i18n;
use trackaudit::report::model::{FindingStatus, Report, Suppression, Verdict};
use trackaudit::report::read_json;

const CHROMIUM: &str = "/usr/bin/chromium";

// ---------------------------------------------------------------------------------------------
// Helpers

/// A fixture site, relative to the crate root where the binary runs: reports name it as given.
fn fixture(name: &str) -> PathBuf {
    Path::new("fixtures/sites").join(name)
}

fn trackaudit() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("trackaudit"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1");
    cmd
}

/// Scan targets with the real binary and return its JSON output.
fn scan_to_json(targets: &[&Path], extra: &[&str]) -> String {
    let output = trackaudit()
        .arg("scan")
        .args(targets)
        .args(["--format", "json", "-q"])
        .args(extra)
        .output()
        .expect("trackaudit runs");
    let stdout = String::from_utf8(output.stdout).expect("JSON is UTF-8");
    assert!(
        stdout.trim_start().starts_with('{'),
        "no JSON report (exit {:?}): {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Scan targets and read the report back through the library, as `trackaudit report` does.
fn scan_report(targets: &[&Path], extra: &[&str]) -> Report {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scan.json");
    std::fs::write(&path, scan_to_json(targets, extra)).expect("write scan.json");
    read_json(&path).expect("the binary's JSON reads back")
}

fn demo_report(lang: Lang) -> &'static Report {
    static EN: OnceLock<Report> = OnceLock::new();
    static NL: OnceLock<Report> = OnceLock::new();
    let cell = match lang {
        Lang::En => &EN,
        Lang::Nl => &NL,
    };
    cell.get_or_init(|| scan_report(&[&fixture("demo-school")], &["--lang", lang.code()]))
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("valid selector");
    doc.select(&selector).collect()
}

fn text_of(element: &scraper::ElementRef) -> String {
    element.text().collect()
}

/// Artefacts a person can open after the run (`target/tmp/html_report/`).
fn artefact(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html_report");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    dir.join(name)
}

// ---------------------------------------------------------------------------------------------
// Content

#[test]
fn demo_report_has_verdict_summary_chart_findings_and_tables() {
    let report = demo_report(Lang::En);
    let site = &report.sites[0];
    let html = render(report, Lang::En);
    std::fs::write(artefact("demo-school.en.html"), &html).expect("write artefact");
    let doc = Html::parse_document(&html);

    assert_eq!(select(&doc, "html")[0].value().attr("lang"), Some("en"));
    let verdict = text_of(&select(&doc, ".verdict strong")[0]);
    assert_eq!(verdict, i18n::verdict(Lang::En, Verdict::Fail));

    let tiles: Vec<String> = select(&doc, ".tile .n").iter().map(text_of).collect();
    let s = &site.summary;
    let expected = [s.high, s.medium, s.low, s.info, s.third_parties, s.pages];
    assert_eq!(tiles, expected.map(|n| n.to_string()));

    let summary = text_of(&select(&doc, ".summary")[0]);
    assert!(summary.contains("18 pages of fixtures/sites/demo-school were scanned (0 errors)"));
    for org in [
        "Google LLC",
        "Meta Platforms, Inc.",
        "The Rocket Science Group LLC",
    ] {
        assert!(
            summary.contains(org),
            "{org} is named as a recipient outside the EEA"
        );
    }

    // One bar per service or host a finding is about (not the site-wide missing statement), as
    // long as the share of pages it runs on and coloured by its most serious finding.
    let bars = select(&doc, "figure.chart svg g");
    assert_eq!(bars.len(), 18);
    let bar = |name: &str| {
        let g = bars
            .iter()
            .find(|g| text_of(&select_in(g, "title")[0]).starts_with(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("a bar for {name}"));
        let rect = select_in(g, "rect")[0].value();
        let width: usize = rect.attr("width").unwrap().parse().unwrap();
        let count = text_of(select_in(g, "text.count").last().unwrap());
        (rect.attr("class").unwrap().to_owned(), width, count)
    };
    let analytics = bar("Google Analytics");
    assert_eq!(analytics.0, "bar-high");
    assert_eq!(analytics.2, "18 of 18 pages");
    let hotjar = bar("Hotjar");
    assert_eq!(hotjar.0, "bar-high");
    assert_eq!(hotjar.2, "1 of 18 pages");
    assert_eq!(analytics.1, 18 * hotjar.1, "bar length follows the pages");
    assert_eq!(bar("YouTube").2, "2 of 18 pages");
    assert_eq!(bar("widgets.agendaplanner-voorbeeld.nl").0, "bar-low");
    assert!(
        !bars
            .iter()
            .any(|g| text_of(g).contains("privacy statement")),
        "the missing privacy statement is not a recipient"
    );
    let first = select_in(&bars[0], "rect")[0].value().attr("class");
    assert_eq!(first, Some("bar-high"), "most serious first");
    let last = select_in(&bars[17], "rect")[0].value().attr("class");
    assert_eq!(last, Some("bar-low"), "least last");
    // The site is named by its folder, not the loopback address it was served on.
    assert_eq!(
        text_of(&select(&doc, "head title")[0]),
        "trackaudit — demo-school"
    );
    assert_eq!(text_of(&select(&doc, ".site-head h2")[0]), "demo-school");
    assert!(!html.contains(&site.start_url), "no loopback address");

    let findings = select(&doc, "section.site > article.finding");
    assert_eq!(findings.len(), site.findings.len());
    let badges: Vec<String> = findings
        .iter()
        .map(|f| text_of(&select_in(f, ".badge")[0]))
        .collect();
    let expected: Vec<String> = site
        .findings
        .iter()
        .map(|f| i18n::severity(Lang::En, f.severity).to_owned())
        .collect();
    assert_eq!(badges, expected, "findings keep the model's order");

    let ga = findings
        .iter()
        .find(|f| text_of(f).contains("Google Analytics"))
        .expect("the Google Analytics finding");
    let ga_text = text_of(ga);
    for part in [
        "What was found",
        "Why it matters",
        "Advice",
        "Evidence",
        "G-VBC2024XYZ",
        "script-src",
        "EU–US Data Privacy Framework",
        "Pages (18)",
    ] {
        assert!(ga_text.contains(part), "GA finding shows {part:?}");
    }
    let gated = text_of(
        findings
            .iter()
            .find(|f| text_of(f).contains("LinkedIn"))
            .expect("LinkedIn finding"),
    );
    assert!(gated.contains("held back by the consent banner"));

    let third_party_rows = select(&doc, "section.site table").iter().find_map(|table| {
        let head = text_of(&select_in(table, "thead")[0]);
        head.contains("Registrable domain")
            .then(|| select_in(table, "tbody tr").len())
    });
    assert_eq!(third_party_rows, Some(18));
    assert!(html.contains("widgets.agendaplanner-voorbeeld.nl"));
    assert!(html.contains("unknown — to be assessed"));

    // 18 pages of a finding fold away; a table of 18 scanned pages does not.
    let folded: Vec<String> = select(&doc, "details summary")
        .iter()
        .map(text_of)
        .collect();
    assert!(folded.contains(&"Pages (18)".to_owned()), "{folded:?}");
    assert!(
        !folded.iter().any(|f| f.starts_with("Show all")),
        "{folded:?}"
    );
    assert!(html.contains("Pages scanned (18)"));
}

#[test]
fn long_page_lists_fold_into_details() {
    let mut report = demo_report(Lang::En).clone();
    let site = &mut report.sites[0];
    let pages = site.pages.clone();
    for n in 0..3 {
        site.pages.extend(pages.iter().cloned().map(|mut p| {
            p.url = format!("/copy-{n}{}", p.url);
            p
        }));
    }
    let doc = Html::parse_document(&render(&report, Lang::En));
    let folded = select(&doc, "details");
    let all = folded
        .iter()
        .find(|d| text_of(&select_in(d, "summary")[0]) == "Show all 72 pages")
        .expect("the page table folds");
    assert_eq!(select_in(all, "tbody tr").len(), 72);
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("valid selector");
    element.select(&selector).collect()
}

#[test]
fn dutch_report_speaks_dutch() {
    let report = demo_report(Lang::Nl);
    let html = render(report, Lang::Nl);
    std::fs::write(artefact("demo-school.nl.html"), &html).expect("write artefact");
    let doc = Html::parse_document(&html);
    let text: String = doc.root_element().text().collect();

    assert_eq!(select(&doc, "html")[0].value().attr("lang"), Some("nl"));
    let verdict = text_of(&select(&doc, ".verdict strong")[0]);
    assert_eq!(verdict, i18n::verdict(Lang::Nl, Verdict::Fail));
    for phrase in [
        "Samenvatting",
        "Organisaties die gegevens ontvangen buiten de EER",
        "Pagina's per dienst of host, naar de ernstigste bevinding",
        "1 van 18 pagina's",
        "Wat is gevonden",
        "Waarom dit belangrijk is",
        "Advies",
        "Bewijs",
        "Grondslag doorgifte",
        "Derde partijen",
        "Gescande pagina's",
        "onbekend — door de FG te beoordelen",
        "tegengehouden door de cookiebanner",
        "geen juridisch oordeel",
        "AVG",
    ] {
        assert!(text.contains(phrase), "Dutch report has {phrase:?}");
    }
    for english in [
        "Summary",
        "What was found",
        "Why it matters",
        "Evidence",
        "Third parties",
        "Pages scanned",
        "Pages per service",
        " of 18 pages",
    ] {
        assert!(!text.contains(english), "no English label {english:?}");
    }
    // Titles and advice come from the report, in its own language.
    assert!(text.contains("Statistieken door een organisatie buiten de EER"));
}

#[test]
fn baseline_status_suppressions_resolved_and_interruption_are_shown() {
    let mut report = demo_report(Lang::En).clone();
    report.interrupted = true;
    let site = &mut report.sites[0];
    site.findings[0].status = Some(FindingStatus::New);
    site.findings[1].status = Some(FindingStatus::Unchanged);
    let suppressed_title = site.findings[2].title.clone();
    site.findings[2].suppressed = Some(Suppression {
        rule: Some(site.findings[2].rule.clone()),
        service: site.findings[2].service.clone(),
        url: None,
        reason: "Accepted by the board <until> the contract ends".to_owned(),
        expires: Some("2027-01-31".to_owned()),
    });
    let mut gone = site.findings[3].clone();
    gone.title = "Tracking pixel: Pinterest Tag".to_owned();
    site.resolved = vec![gone];
    site.expired_suppressions = vec![Suppression {
        rule: Some("video-embed".to_owned()),
        service: Some("youtube".to_owned()),
        url: Some("/open-dag".to_owned()),
        reason: "Open day video until the new player".to_owned(),
        expires: Some("2026-01-01".to_owned()),
    }];

    let html = render(&report, Lang::En);
    let doc = Html::parse_document(&html);
    let heads: Vec<String> = select(&doc, "section.site > article.finding .status")
        .iter()
        .map(text_of)
        .collect();
    assert_eq!(heads, ["NEW", "UNCHANGED"]);

    let suppressed = select(&doc, ".suppressed article.finding");
    assert_eq!(suppressed.len(), 1);
    let text = text_of(&suppressed[0]);
    assert!(text.contains(&suppressed_title));
    assert!(text.contains("Reason: Accepted by the board <until> the contract ends"));
    assert!(text.contains("expires 2027-01-31"));
    let active = select(&doc, "section.site > article.finding");
    assert_eq!(active.len(), report.sites[0].findings.len() - 1);
    assert!(
        !active
            .iter()
            .any(|f| text_of(f).contains(&suppressed_title))
    );

    assert!(html.contains("Resolved since the previous scan (1)"));
    assert!(html.contains("Tracking pixel: Pinterest Tag"));
    assert!(html.contains("Expired suppressions"));
    let notice = text_of(&select(&doc, ".masthead .notice")[0]);
    assert_eq!(notice, i18n::label(Lang::En, i18n::Label::Interrupted));
    assert!(html.contains("Open day video until the new player"));
}

#[test]
fn several_sites_start_with_an_index_most_serious_first() {
    let clean = fixture("clean-school");
    let demo = fixture("demo-school");
    let edge = fixture("edge-cases");
    let report = scan_report(&[&clean, &demo, &edge], &[]);
    let html = render(&report, Lang::En);
    std::fs::write(artefact("three-sites.en.html"), &html).expect("write artefact");
    let doc = Html::parse_document(&html);

    let rows = select(&doc, "section.index tbody tr");
    let targets: Vec<String> = rows
        .iter()
        .map(|r| text_of(&select_in(r, "a")[0]))
        .collect();
    // Both fail; the demo school has more high findings. The clean school passes.
    assert_eq!(
        targets,
        [
            "fixtures/sites/demo-school",
            "fixtures/sites/edge-cases",
            "fixtures/sites/clean-school"
        ]
    );
    for link in select(&doc, "section.index a") {
        let href = link.value().attr("href").expect("href");
        let id = href.strip_prefix('#').expect("an anchor in the page");
        let target = select(&doc, &format!("section.site#{id}"));
        assert_eq!(target.len(), 1, "{href} leads to a site section");
        assert!(text_of(&target[0]).contains(&text_of(&link)));
    }
    assert_eq!(select(&doc, "section.site").len(), 3);

    // Self-hosted Matomo on the clean school sends nothing to InnoCraft.
    let clean = text_of(&select(&doc, "section.site")[0]);
    assert!(clean.contains("No organisation outside the EEA was identified."));
    assert!(clean.contains("none: served from the site itself"));
}

// ---------------------------------------------------------------------------------------------
// Safety: self-contained, no third parties, hostile input stays text

#[test]
fn report_page_loads_nothing_and_runs_nothing() {
    let html = render(demo_report(Lang::En), Lang::En);
    let doc = Html::parse_document(&html);
    for tag in [
        "script", "link", "img", "iframe", "object", "embed", "form", "base", "video", "audio",
        "source", "input",
    ] {
        assert!(select(&doc, tag).is_empty(), "no <{tag}> in the report");
    }
    for element in select(&doc, "*") {
        for (name, value) in element.value().attrs() {
            assert!(!name.starts_with("on"), "event handler {name}");
            assert!(
                !matches!(name, "src" | "srcset" | "data" | "action" | "style"),
                "resource attribute {name}={value}"
            );
            if name == "href" {
                assert!(
                    value.starts_with('#'),
                    "only links inside the page: {value}"
                );
            }
        }
    }
    let css = text_of(&select(&doc, "style")[0]);
    assert!(!css.contains("url(") && !css.contains("@import") && !css.contains("@font-face"));
}

#[test]
fn trackaudit_finds_no_third_party_on_its_own_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("index.html"),
        render(demo_report(Lang::En), Lang::En),
    )
    .expect("write index.html");

    let json: Value = serde_json::from_str(&scan_to_json(&[dir.path()], &[])).expect("JSON report");
    let site = &json["sites"][0];
    assert_eq!(site["pages"].as_array().map(Vec::len), Some(1));
    assert_eq!(site["pages"][0]["status"], 200);
    assert_eq!(site["third_parties"], serde_json::json!([]));
    assert_eq!(site["services"], serde_json::json!([]));
    // The report page links no privacy statement; that is the only finding.
    let rules: Vec<&str> = site["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["missing-privacy-statement"]);
}

/// Strings of the hostile fixture that must appear in the report as text, never as markup.
const HOSTILE_TEXTS: &[&str] = &[
    // the page title
    "Hostile \"><script>alert('title')</script> & <img src=x onerror=alert('title-img')>",
    "</title><script>alert(\"title2\")</script>",
    // snippets: a script src, a srcset, a form action, inline code, an iframe, a pixel
    "gtag/js?id=G-HOSTILE001&x=&quot;><script>alert(1)</script>",
    "srcset=\"https://img.hostile-cdn.net/a.jpg?q=&quot;><svg/onload=alert(&quot;srcset&quot;)>",
    "<form action=\"https://forms.hostile-forms.com/post?&quot;><iframe src=javascript:alert(&quot;form&quot;)>\"",
    "collect?u=<img src=x onerror=alert('inline')>&t=</b>",
    "<iframe src=\"https://www.youtube.com/embed/h0st1le?title=&quot;><script>alert(&quot;iframe&quot;)</script>\"",
    "p.gif?id=</textarea><script>alert('pixel')</script>",
    "flyer.pdf?<a href=&quot;javascript:alert(1)&quot;>x</a>",
    // URLs as the scanner normalised them
    "https://www.googletagmanager.com/gtag/js?id=G-HOSTILE001&x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
    "/second.html?q=%22%3E%3Cscript%3Ealert(%22link%22)%3C/script%3E",
];

#[test]
fn hostile_pages_are_rendered_as_text() {
    let report = scan_report(&[&fixture("hostile")], &[]);
    let hosts: Vec<&str> = report.sites[0]
        .third_parties
        .iter()
        .map(|t| t.host.as_str())
        .collect();
    for host in [
        "www.googletagmanager.com",
        "connect.facebook.net",
        "px.hostile-pixel.io",
    ] {
        assert!(
            hosts.contains(&host),
            "the fixture reaches {host}: {hosts:?}"
        );
    }

    for lang in [Lang::En, Lang::Nl] {
        let html = render(&report, lang);
        std::fs::write(artefact(&format!("hostile.{}.html", lang.code())), &html)
            .expect("write artefact");
        let doc = Html::parse_document(&html);
        assert_eq!(select(&doc, "script").len(), 0, "no <script> element");
        for tag in [
            "img",
            "iframe",
            "svg svg",
            "form",
            "object",
            "a[href^='javascript']",
        ] {
            let found = select(&doc, &format!("body {tag}"));
            assert!(found.is_empty(), "no injected <{tag}>");
        }
        for element in select(&doc, "*") {
            let handlers: Vec<&str> = element
                .value()
                .attrs()
                .map(|(name, _)| name)
                .filter(|name| name.to_ascii_lowercase().starts_with("on"))
                .collect();
            assert!(handlers.is_empty(), "event handler attributes {handlers:?}");
        }
        let text: String = doc.root_element().text().collect();
        for hostile in HOSTILE_TEXTS {
            assert!(text.contains(hostile), "shown as text: {hostile}");
        }
        // The document title names the target, nothing else got in.
        assert_eq!(
            text_of(&select(&doc, "head title")[0]),
            format!("trackaudit — {}", report.sites[0].short_name())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Real headless Chromium

struct Chromium {
    stdout: String,
    stderr: String,
}

impl Chromium {
    /// Lines in which Chromium relays the page's console (errors, CSP violations, logs).
    fn console_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
            .collect()
    }
}

/// Run headless Chromium on a local file with one action (`--dump-dom`, `--screenshot=…`).
fn chromium(page: &Path, action: &[&str]) -> Chromium {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); CI does"
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(action)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let output = wait_with_deadline(child, Duration::from_secs(90));
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Chromium {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Headless Chromium can hang without a display or bus: kill it rather than the test run. Its
/// output is read while it runs: a DOM larger than the pipe's buffer would block it otherwise.
fn wait_with_deadline(mut child: std::process::Child, limit: Duration) -> std::process::Output {
    fn drain(
        pipe: Option<impl std::io::Read + Send + 'static>,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll chromium") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("chromium did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    std::process::Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// The console check must see errors when there are some, or its silence proves nothing.
#[test]
fn chromium_console_check_catches_a_failing_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><title>bad</title><script>console.error('boom'); missing();</script>",
    )
    .expect("write page");
    let run = chromium(&page, &["--dump-dom"]);
    let console = run.console_lines();
    assert!(console.iter().any(|l| l.contains("boom")), "{}", run.stderr);
    assert!(
        console.iter().any(|l| l.contains("Uncaught")),
        "{}",
        run.stderr
    );
}

#[test]
fn chromium_shows_the_demo_report_without_console_errors() {
    for lang in [Lang::En, Lang::Nl] {
        let page = artefact(&format!("demo-school.{}.chromium.html", lang.code()));
        std::fs::write(&page, render(demo_report(lang), lang)).expect("write report");

        let dom = chromium(&page, &["--dump-dom"]);
        assert!(
            dom.stdout.contains(i18n::verdict(lang, Verdict::Fail)),
            "the DOM shows the verdict"
        );
        assert!(dom.stdout.contains("<svg"), "the chart is in the DOM");
        assert_eq!(dom.console_lines(), Vec::<&str>::new(), "console is quiet");

        let png = artefact(&format!("demo-school.{}.png", lang.code()));
        let _ = std::fs::remove_file(&png);
        let shot = chromium(
            &page,
            &[
                &format!("--screenshot={}", png.display()),
                "--window-size=1280,2000",
                "--hide-scrollbars",
            ],
        );
        assert_eq!(shot.console_lines(), Vec::<&str>::new());
        let bytes = std::fs::read(&png).expect("screenshot written");
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG screenshot");
    }
}

#[test]
fn chromium_prints_the_demo_report_to_pdf() {
    let page = artefact("demo-school.print.html");
    std::fs::write(&page, render(demo_report(Lang::Nl), Lang::Nl)).expect("write report");
    let pdf = artefact("demo-school.nl.pdf");
    let _ = std::fs::remove_file(&pdf);
    let run = chromium(
        &page,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    assert_eq!(run.console_lines(), Vec::<&str>::new());
    let bytes = std::fs::read(&pdf).expect("PDF written");
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    // Several A4 pages: the findings do not fit on one, and nothing is cut off to one page.
    let pages = pdf_page_count(&bytes);
    assert!(pages >= 3, "several printed pages, found {pages}");
}

/// The page tree's root holds the largest `/Count`: the number of pages.
fn pdf_page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.split("/Count ")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .max()
        .unwrap_or(0)
}
