//! sitemap.xml and sitemap indexes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trackaudit::fuzzing::parse_sitemap;

fuzz_target!(|data: &[u8]| {
    let xml = String::from_utf8_lossy(data);
    let _ = parse_sitemap(&xml);
});
