//! Inline JavaScript: the URL-like string literals a tag loader builds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trackaudit::fuzzing::urls_in_script;

fuzz_target!(|data: &[u8]| {
    let code = String::from_utf8_lossy(data);
    for url in urls_in_script(&code) {
        // Offsets point into the script, at a character boundary.
        assert!(code.is_char_boundary(url.offset), "offset {}", url.offset);
    }
});
