//! Charset decoding of a page. An input whose first line is short is read as
//! `Content-Type header\nbody`, so that the header's charset is fuzzed as well as the body's
//! `<meta charset>` and byte-order mark.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trackaudit::crawl::decode_html;

fuzz_target!(|data: &[u8]| {
    let (content_type, body) = match data.iter().take(128).position(|&b| b == b'\n') {
        Some(at) => (std::str::from_utf8(&data[..at]).ok(), &data[at + 1..]),
        None => (None, data),
    };
    let _ = decode_html(body, content_type);
});
