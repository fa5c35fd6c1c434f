//! CSS from `<style>` blocks and `style=""` attributes: `url(…)` and `@import`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trackaudit::fuzzing::urls_in_css;

fuzz_target!(|data: &[u8]| {
    let css = String::from_utf8_lossy(data);
    let _ = urls_in_css(&css);
});
