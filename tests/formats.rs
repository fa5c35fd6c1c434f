//! The CSV, Markdown and JUnit renderers, fed with a real scan of the demo school and read back
//! with real parsers.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use trackaudit::Lang;
use trackaudit::policy::rules::{RULES, browser_only};
use trackaudit::report::model::{Finding, FindingStatus, Report, Severity, Site, Suppression};
use trackaudit::report::{csv, junit, markdown};

/// The CSV columns, spelled out here because scripts rely on exactly these.
const COLUMNS: [&str; 16] = [
    "site",
    "page",
    "rule",
    "severity",
    "service",
    "organization",
    "country",
    "transfer",
    "host",
    "title",
    "advice",
    "tracking_ids",
    "status",
    "suppressed",
    "suppression_reason",
    "site_name",
];

/// The demo school, scanned once by the real binary for all tests in this file.
fn demo() -> Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(scan_demo).clone()
}

fn scan_demo() -> Report {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("scan.json");
    let site = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sites/demo-school");
    let output = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("trackaudit"))
        .args(["scan", site, "--format", "json", "-q", "--output"])
        .arg(&path)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .output()
        .expect("trackaudit runs");
    // 1: the demo has findings at or above the default threshold.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    trackaudit::report::read_json(&path).expect("the scan wrote a JSON report")
}

fn site(report: &mut Report) -> &mut Site {
    &mut report.sites[0]
}

fn finding_mut<'a>(report: &'a mut Report, service: &str) -> &'a mut Finding {
    site(report)
        .findings
        .iter_mut()
        .find(|f| f.service.as_deref() == Some(service))
        .unwrap_or_else(|| panic!("a finding for {service}"))
}

fn suppression(reason: &str) -> Suppression {
    Suppression {
        rule: None,
        service: None,
        url: None,
        reason: reason.to_owned(),
        expires: Some("2027-01-31".to_owned()),
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

fn read_csv(text: &str, separator: u8) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.expect("a well-formed row");
            assert_eq!(record.len(), header.len(), "every row has every column");
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

fn expected_rows(findings: &[Finding]) -> usize {
    findings.iter().map(|f| f.pages.len().max(1)).sum()
}

#[test]
fn csv_has_the_fixed_header_and_a_row_per_finding_per_page() {
    let report = demo();
    let text = csv::render(&report, Lang::En, b',');
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
    let (header, rows) = read_csv(&text, b',');
    assert_eq!(header, COLUMNS);
    assert_eq!(rows.len(), expected_rows(&report.sites[0].findings));

    let pixel = rows
        .iter()
        .find(|r| r["service"] == "meta-pixel")
        .expect("a row for the Meta pixel");
    assert_eq!(pixel["site"], report.sites[0].target);
    assert_eq!(pixel["page"], "/");
    assert_eq!(pixel["rule"], "tracking-pixel");
    assert_eq!(pixel["severity"], "high");
    assert_eq!(pixel["organization"], "Meta Platforms, Inc.");
    assert_eq!(pixel["country"], "US");
    assert_eq!(pixel["transfer"], "adequacy-dpf");
    assert_eq!(pixel["host"], "");
    assert_eq!(pixel["title"], "Tracking pixel: Meta Pixel");
    assert!(pixel["advice"].contains("Matomo"), "{pixel:?}");
    assert_eq!(pixel["tracking_ids"], "1234567890123456");
    assert_eq!(pixel["status"], "");
    assert_eq!(pixel["suppressed"], "false");
    assert_eq!(pixel["suppression_reason"], "");

    // Google Analytics is on all 18 pages: one row each.
    let analytics = rows
        .iter()
        .filter(|r| r["service"] == "google-analytics")
        .count();
    assert_eq!(analytics, 18);
    let unknown = rows
        .iter()
        .find(|r| r["rule"] == "unknown-third-party")
        .expect("a row for the unknown widget");
    assert_eq!(unknown["host"], "widgets.agendaplanner-voorbeeld.nl");
    assert_eq!(unknown["service"], "");
    assert_eq!(unknown["page"], "/agenda.html");
}

#[test]
fn csv_with_a_semicolon_separator_quotes_fields_that_contain_one() {
    let mut report = demo();
    let tricky = "Pixel; with \"quotes\",\nand a line break";
    finding_mut(&mut report, "meta-pixel").title = tricky.to_owned();
    let text = csv::render(&report, Lang::Nl, b';');

    let header_line = text.lines().next().expect("a header line");
    assert_eq!(header_line, COLUMNS.join(";"), "the header stays English");
    // A comma is no longer special, a semicolon and quotes are.
    assert!(text.contains(";Meta Platforms, Inc.;"), "{text}");
    assert!(
        text.contains("\"Pixel; with \"\"quotes\"\",\nand a line break\""),
        "{text}"
    );

    let (header, rows) = read_csv(&text, b';');
    assert_eq!(header, COLUMNS);
    assert_eq!(rows.len(), expected_rows(&report.sites[0].findings));
    let pixel = rows
        .iter()
        .find(|r| r["service"] == "meta-pixel")
        .expect("a row for the Meta pixel");
    assert_eq!(pixel["title"], tricky);
    assert_eq!(pixel["organization"], "Meta Platforms, Inc.");
}

#[test]
fn csv_carries_status_suppression_resolved_and_pageless_findings() {
    let mut report = demo();
    finding_mut(&mut report, "meta-pixel").status = Some(FindingStatus::New);
    finding_mut(&mut report, "google-analytics").status = Some(FindingStatus::Unchanged);
    finding_mut(&mut report, "youtube").suppressed = Some(suppression(
        "Click-to-load, approved by the FG; see ticket 12",
    ));
    finding_mut(&mut report, "vimeo").pages.clear();
    let mut gone = finding_mut(&mut report, "hotjar").clone();
    gone.status = None;
    site(&mut report).resolved.push(gone);

    let (_, rows) = read_csv(&csv::render(&report, Lang::En, b','), b',');
    let findings = &report.sites[0].findings;
    assert_eq!(
        rows.len(),
        expected_rows(findings) + expected_rows(&report.sites[0].resolved)
    );
    let row = |service: &str, status: &str| {
        rows.iter()
            .find(|r| r["service"] == service && r["status"] == status)
            .unwrap_or_else(|| panic!("a {status:?} row for {service}"))
    };
    row("meta-pixel", "new");
    assert!(
        rows.iter()
            .filter(|r| r["service"] == "google-analytics")
            .all(|r| r["status"] == "unchanged")
    );
    let youtube = row("youtube", "");
    assert_eq!(youtube["suppressed"], "true");
    assert_eq!(
        youtube["suppression_reason"],
        "Click-to-load, approved by the FG; see ticket 12"
    );
    assert_eq!(
        row("vimeo", "")["page"],
        "",
        "a finding without pages keeps one row"
    );
    assert_eq!(row("hotjar", "resolved")["rule"], "session-recording");
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// Just enough of a DOM to check the JUnit report: quick-xml does the parsing and refuses XML
/// that is not well-formed.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> &str {
        self.attrs.get(name).map_or("", String::as_str)
    }
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn parse_xml(xml: &str) -> Element {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("well-formed XML: {e}\n{xml}"));
        match event {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => top(&mut stack).children.push(element(&start)),
            Event::End(_) => {
                let done = stack.pop().expect("an open element");
                top(&mut stack).children.push(done);
            }
            Event::Text(text) => top(&mut stack).text.push_str(&text.xml10_content()),
            Event::CData(data) => top(&mut stack).text.push_str(&data),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().expect("a valid reference") {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&reference)
                        .expect("a predefined entity")
                        .to_owned(),
                };
                top(&mut stack).text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element is closed");
    let mut document = stack.pop().expect("the document");
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.remove(0)
}

fn top(stack: &mut [Element]) -> &mut Element {
    stack.last_mut().expect("the document is open")
}

fn element(start: &BytesStart) -> Element {
    let attrs = start
        .attributes()
        .map(|attr| {
            let attr = attr.expect("a well-formed attribute");
            let key = attr.key.as_ref().to_owned();
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .expect("a valid attribute value");
            (key, value.into_owned())
        })
        .collect();
    Element {
        name: start.name().as_ref().to_owned(),
        attrs,
        ..Element::default()
    }
}

fn count(findings: &[Finding], threshold: Severity) -> usize {
    findings
        .iter()
        .filter(|f| f.suppressed.is_none() && f.severity >= threshold)
        .count()
}

#[test]
fn junit_has_a_suite_per_site_and_fails_the_findings_at_the_threshold() {
    let report = demo();
    let findings = &report.sites[0].findings;
    let root = parse_xml(&junit::render(&report, Lang::En, Some(Severity::High)));
    assert_eq!(root.name, "testsuites");
    let suites: Vec<&Element> = root.all("testsuite").collect();
    assert_eq!(suites.len(), report.sites.len());
    let suite = suites[0];
    assert_eq!(suite.attr("name"), report.sites[0].target);

    let cases: Vec<&Element> = suite.all("testcase").collect();
    let failures: Vec<&Element> = cases.iter().filter_map(|c| c.child("failure")).collect();
    assert_eq!(failures.len(), count(findings, Severity::High));
    assert_eq!(suite.attr("failures"), failures.len().to_string());
    assert_eq!(suite.attr("tests"), cases.len().to_string());

    // Every rule the engine can check is a check on the dashboard: found (named rule: subject)
    // or passed (rule). The cookie rules need the browser: a static scan did not check them.
    let names: Vec<&str> = cases.iter().map(|c| c.attr("name")).collect();
    for rule in RULES {
        let listed = names.iter().any(|n| n.split(':').next() == Some(rule.id));
        assert_eq!(listed, !browser_only(rule.id), "{} in {names:?}", rule.id);
    }
    let passed = cases
        .iter()
        .find(|c| c.attr("name") == "insecure-transport")
        .expect("a passing case for a rule with no finding");
    assert!(passed.child("failure").is_none() && passed.child("skipped").is_none());

    let pixel = cases
        .iter()
        .find(|c| c.attr("name") == "tracking-pixel: meta-pixel")
        .expect("a case for the Meta pixel");
    assert_eq!(pixel.attr("classname"), "trackaudit.tracking-pixel");
    let failure = pixel.child("failure").expect("the pixel fails");
    assert_eq!(failure.attr("message"), "Tracking pixel: Meta Pixel");
    assert_eq!(failure.attr("type"), "high");
    assert!(
        failure.text.contains("Remove the Meta Pixel"),
        "{}",
        failure.text
    );
    assert!(
        failure.text.contains("pages (1):\n  /\n"),
        "{}",
        failure.text
    );
    assert!(
        failure
            .text
            .contains("https://www.facebook.com/tr?id=1234567890123456&ev=PageView"),
        "evidence, unescaped once parsed: {}",
        failure.text
    );
}

#[test]
fn junit_passes_findings_below_the_threshold_with_their_detail() {
    let report = demo();
    let findings = &report.sites[0].findings;

    let root = parse_xml(&junit::render(&report, Lang::En, Some(Severity::Medium)));
    let suite = root.child("testsuite").expect("a suite");
    assert_eq!(
        suite.attr("failures"),
        count(findings, Severity::Medium).to_string()
    );
    let unknown = suite
        .all("testcase")
        .find(|c| c.attr("name") == "unknown-third-party: widgets.agendaplanner-voorbeeld.nl")
        .expect("a case for the unknown widget");
    assert!(unknown.child("failure").is_none(), "low is below medium");
    let out = unknown
        .child("system-out")
        .expect("the detail of a passing finding");
    assert!(out.text.contains("/agenda.html"), "{}", out.text);

    let never = parse_xml(&junit::render(&report, Lang::En, None));
    assert_eq!(never.attr("failures"), "0", "--fail-on never fails nothing");
}

#[test]
fn junit_skips_suppressed_findings_marks_status_and_escapes_text() {
    let mut report = demo();
    let pixel = finding_mut(&mut report, "meta-pixel");
    pixel.suppressed = Some(suppression("Approved by <the FG> & \"board\""));
    let hostile = "Evil ]]> <script>alert('x')</script> & \u{1b}[31m";
    let analytics = finding_mut(&mut report, "google-analytics");
    analytics.title = hostile.to_owned();
    analytics.status = Some(FindingStatus::New);
    let mut gone = finding_mut(&mut report, "hotjar").clone();
    gone.title = "Gone <again>".to_owned();
    site(&mut report).resolved.push(gone);

    let xml = junit::render(&report, Lang::Nl, Some(Severity::High));
    assert!(!xml.contains("<script>"), "{xml}");
    let root = parse_xml(&xml);
    let suite = root.child("testsuite").expect("a suite");
    let case = |name: &str| {
        suite
            .all("testcase")
            .find(|c| c.attr("name") == name)
            .unwrap_or_else(|| panic!("a case {name}"))
    };

    let skipped = case("tracking-pixel: meta-pixel")
        .child("skipped")
        .expect("a suppressed finding is skipped");
    assert_eq!(
        skipped.attr("message"),
        "Uitgezonderd: Approved by <the FG> & \"board\" (tot en met 2027-01-31)"
    );
    assert_eq!(suite.attr("skipped"), "1");

    let analytics = case("non-eea-analytics: google-analytics");
    let failure = analytics.child("failure").expect("still a failure");
    // The control character of the escape sequence cannot be in XML; the rest survives intact.
    assert!(
        failure
            .attr("message")
            .starts_with("Evil ]]> <script>alert('x')</script> & "),
        "{}",
        failure.attr("message")
    );
    assert!(
        failure
            .text
            .contains("status: nieuw sinds de vorige meting")
    );
    let properties = analytics.child("properties").expect("properties");
    assert!(
        properties
            .all("property")
            .any(|p| p.attr("name") == "status" && p.attr("value") == "new")
    );
    let out = suite.child("system-out").expect("resolved findings");
    assert!(out.text.contains("Opgelost sinds de vorige meting (1)"));
    assert!(out.text.contains("Gone <again>"));
}

// ---------------------------------------------------------------------------------------------
// Markdown

/// The table rows of a Markdown text (header and delimiter rows excluded).
fn table_rows(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("|---"))
        .skip(1)
        .collect()
}

/// The `|` a GFM table splits cells at: those not escaped with a backslash.
fn cell_separators(row: &str) -> usize {
    let mut escaped = false;
    let mut count = 0;
    for c in row.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}

/// The text outside code spans, where Markdown and HTML are live.
fn outside_code_spans(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let run = rest[start..].chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(run);
        let after = &rest[start + run..];
        // The closing fence is a run of exactly the same length.
        let close = after
            .match_indices(&fence)
            .find(|(i, _)| !after[i + run..].starts_with('`') && !after[..*i].ends_with('`'));
        match close {
            Some((i, _)) => rest = &after[i + run..],
            None => {
                out.push_str(&rest[start..start + run]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Outside code spans, every character that could open HTML or a link is escaped (the renderer
/// itself writes none of them).
fn assert_inert(text: &str) {
    let live = outside_code_spans(text);
    let mut escaped = false;
    for c in live.chars() {
        if !escaped && matches!(c, '<' | '>' | '[' | ']') {
            panic!("unescaped {c:?} in {live:?}");
        }
        escaped = c == '\\' && !escaped;
    }
}

#[test]
fn markdown_summarises_the_site_with_verdict_counts_and_a_table_worst_first() {
    let report = demo();
    let summary = &report.sites[0].summary;
    let text = markdown::render(&report, Lang::En);

    let target = &report.sites[0].target;
    assert!(
        text.contains(&format!("## Site: `{target}` — FAIL")),
        "{text}"
    );
    assert!(text.contains("**Verdict:** FAIL — findings at or above the failure threshold"));
    assert!(text.contains(&format!(
        "{} high · {} medium · {} low · {} info · 18 third parties · 18 pages visited, 0 errors",
        summary.high, summary.medium, summary.low, summary.info
    )));
    assert!(
        text.contains(
            "| Severity | Finding | Service (organisation) | Country · transfer | Pages |\n"
        ),
        "no status column without a baseline: {text}"
    );
    let rows = table_rows(&text);
    assert_eq!(rows.len(), report.sites[0].findings.len());
    assert!(rows[0].starts_with("| HIGH |"), "worst first: {rows:?}");
    // The demo's info findings (its social-media accounts) come last.
    assert!(
        rows.last().is_some_and(|r| r.starts_with("| INFO |")),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| cell_separators(r) == 6), "{rows:?}");
    assert!(rows.iter().any(|r| {
        r.contains("`tracking-pixel` Tracking pixel: Meta Pixel")
            && r.contains("Meta Pixel (Meta Platforms, Inc.)")
            && r.contains("United States · EU–US Data Privacy Framework")
    }));
    assert!(text.contains("**Third parties (18):** `analytics.tiktok.com`, "));
    assert!(text.contains("and 6 more"));
}

#[test]
fn markdown_speaks_dutch_as_a_dutch_dpo_writes() {
    let report = demo();
    let text = markdown::render(&report, Lang::Nl);
    let heading = format!("## Site: `{}` — AFGEKEURD", report.sites[0].target);
    for expected in [
        heading.as_str(),
        "**Oordeel:** AFGEKEURD — bevindingen op of boven de foutdrempel",
        "| Ernst | Bevinding | Dienst (organisatie) | Land · doorgifte | Pagina's |",
        "| HOOG |",
        "EU-VS Data Privacy Framework",
        "pagina's bezocht",
        "**Derde partijen (18):**",
        "en nog 6",
        "persoonsgegeven onder de AVG",
        "buiten de EER",
        "laat de FG dit beoordelen",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
}

#[test]
fn markdown_escapes_what_a_hostile_page_controls() {
    let mut report = demo();
    let hostile = "Evil | <script>alert(1)</script> [click](https://evil.example) *x* `y`";
    finding_mut(&mut report, "meta-pixel").title = hostile.to_owned();
    let unknown = site(&mut report)
        .findings
        .iter_mut()
        .find(|f| f.rule == "unknown-third-party")
        .expect("the unknown widget");
    unknown.host = Some("a|b<img src=x onerror=alert(1)>`c".to_owned());
    unknown.title = "Third party not in any list:\n# heading".to_owned();
    site(&mut report).third_parties[0].host = "<b>`bold`</b>".to_owned();

    let text = markdown::render(&report, Lang::En);
    assert_inert(&text);
    assert!(
        text.contains(
            "Evil \\| \\<script\\>alert(1)\\</script\\> \\[click\\](https://evil.example) \\*x\\* \\`y\\`"
        ),
        "{text}"
    );
    let rows = table_rows(&text);
    assert!(rows.iter().all(|r| cell_separators(r) == 6), "{rows:?}");
    // The host is shown as code, with a fence longer than its backtick and `|` escaped.
    assert!(
        text.contains("``a\\|b<img src=x onerror=alert(1)>`c``"),
        "{text}"
    );
    assert!(text.contains("Third party not in any list: # heading"));
    assert!(!text.lines().any(|l| l.starts_with("# heading")));
    assert!(text.contains("``<b>`bold`</b>``"), "{text}");
}

#[test]
fn markdown_shows_status_resolved_and_suppressed_findings() {
    let mut report = demo();
    for finding in &mut site(&mut report).findings {
        finding.status = Some(FindingStatus::Unchanged);
    }
    finding_mut(&mut report, "meta-pixel").status = Some(FindingStatus::New);
    finding_mut(&mut report, "youtube").suppressed = Some(suppression("Click-to-load *approved*"));
    let gone = finding_mut(&mut report, "hotjar").clone();
    site(&mut report).resolved.push(gone);

    let text = markdown::render(&report, Lang::En);
    assert!(text.contains("| Pages | Status |"), "{text}");
    let rows = table_rows(&text);
    assert_eq!(
        rows.len(),
        report.sites[0].findings.len() - 1,
        "suppressed not in the table"
    );
    assert!(rows.iter().all(|r| cell_separators(r) == 7), "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r.contains("Meta Pixel") && r.ends_with("| new |"))
    );
    assert!(rows.iter().filter(|r| r.ends_with("| unchanged |")).count() > 1);
    assert!(!rows.iter().any(|r| r.contains("YouTube")));
    assert!(text.contains(" · 1 suppressed"), "{text}");
    assert!(text.contains("**Resolved since the baseline (1):**\n\n- HIGH `session-recording` Session recording or heatmaps: Hotjar\n"));
    assert!(text.contains("**Suppressed (1)** — not counted in the verdict:\n\n- MEDIUM `video-embed` Embedded video or audio from a platform outside the EEA: YouTube — Click-to-load \\*approved\\* (until 2027-01-31)\n"), "{text}");

    let dutch = markdown::render(&report, Lang::Nl);
    assert!(dutch.contains("| Pagina's | Status |"));
    assert!(dutch.contains("| nieuw |") && dutch.contains("| ongewijzigd |"));
    assert!(dutch.contains("**Opgelost sinds de vorige meting (1):**"));
    assert!(dutch.contains("**Uitgezonderd (1)** — tellen niet mee in het oordeel:"));
    assert!(dutch.contains("(tot en met 2027-01-31)"));
}
