//! sitemap.xml and sitemap indexes, gzip-compressed or not, as the crawl reads them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trackaudit::fuzzing::{decompress, parse_sitemap};

/// Decompression bound of the target (the crawl uses its page cap).
const MAX: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let bytes = decompress(data.to_vec(), MAX);
    assert!(bytes.len() <= MAX.max(data.len()));
    let xml = String::from_utf8_lossy(&bytes);
    let _ = parse_sitemap(&xml);
});
