//! robots.txt as the crawl reads it: parse, then ask about paths, the delay and the sitemaps.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use trackaudit::fuzzing::Robots;
use url::Url;

static URLS: LazyLock<Vec<Url>> = LazyLock::new(|| {
    [
        "https://www.school.example/",
        "https://www.school.example/intern/rooster.html?week=12",
        "https://www.school.example/%C3%A9t%C3%A9/*$",
    ]
    .iter()
    .map(|u| Url::parse(u).expect("URL"))
    // A long path: wildcard patterns that backtrack show up as slow inputs.
    .chain(Url::parse(&format!("https://www.school.example/{}", "a/".repeat(500))).ok())
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let robots = Robots::parse("trackaudit", data);
    for url in URLS.iter() {
        let _ = robots.allowed(url);
    }
    let _ = robots.delay();
    let _ = robots.sitemaps();
});
