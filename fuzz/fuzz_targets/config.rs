//! The config file `trackaudit.toml` (severities, suppressions), validated against the embedded
//! catalogue.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use trackaudit::lists::Catalogue;
use trackaudit::policy::config::Config;

static CATALOGUE: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::embedded().expect("the embedded catalogue parses"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Config::parse(text, Path::new("trackaudit.toml"), &CATALOGUE);
});
