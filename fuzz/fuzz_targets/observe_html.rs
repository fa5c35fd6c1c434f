//! A fetched page: its bytes decoded as the crawl decodes them, then observed with the embedded
//! catalogue's matcher.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use trackaudit::crawl::decode_html;
use trackaudit::lists::{Catalogue, Matcher};
use trackaudit::observe::observe_html;
use url::Url;

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let catalogue = Catalogue::embedded().expect("the embedded catalogue parses");
    Matcher::new(&catalogue).expect("the embedded catalogue compiles")
});
static PAGE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://www.school.example/nieuws/index.html").expect("URL"));

fuzz_target!(|data: &[u8]| {
    let html = decode_html(data, Some("text/html"));
    let _ = observe_html(&html, &PAGE, &MATCHER);
});
