//! A curated catalogue file (`lists --dir`): parsed, checked and compiled into the matcher.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trackaudit::fuzzing::catalogue_from_toml;
use trackaudit::lists::Matcher;
use trackaudit::lists::check::check;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(catalogue) = catalogue_from_toml(text) else {
        return;
    };
    let _ = check(&catalogue);
    let _ = Matcher::new(&catalogue);
});
