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
    if drop_start_url {
        for site in report["sites"].as_array_mut().unwrap() {
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
