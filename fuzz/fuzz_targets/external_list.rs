//! `--list FILE`: an adblock filter list or a Disconnect services.json, told apart by content;
//! a list that parses is then asked about a few third-party requests.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use trackaudit::fuzzing::check_external;
use trackaudit::lists::Catalogue;
use trackaudit::lists::external::ExternalList;
use trackaudit::observe::EvidenceKind;
use url::Url;

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::embedded().expect("the embedded catalogue parses"));
static REQUESTS: LazyLock<Vec<(Url, EvidenceKind)>> = LazyLock::new(|| {
    [
        (
            "https://stats.tracker.example/collect?id=1",
            EvidenceKind::Img,
        ),
        (
            "https://cdn.example.net/analytics.js",
            EvidenceKind::ScriptSrc,
        ),
        (
            "https://www.facebook.com/tr?ev=PageView",
            EvidenceKind::InlineScript,
        ),
    ]
    .iter()
    .map(|(u, k)| (Url::parse(u).expect("URL"), *k))
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(list) = ExternalList::parse(data, "fuzz", &CATALOGUE) else {
        return;
    };
    for (url, kind) in REQUESTS.iter() {
        let _ = check_external(&list, url, "https://www.school.example", *kind, "");
    }
});
