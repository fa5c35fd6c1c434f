//! Bytes to text: the charset from the Content-Type header, else a `<meta charset>` near the
//! top, else a byte-order mark; pages that declare nothing are UTF-8 when they are valid UTF-8
//! and windows-1252 (the legacy default of old school sites) otherwise.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;
use std::sync::LazyLock;

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)"#).expect("static regex")
});

pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| Encoding::for_bom(bytes).map(|(e, _)| e))
        .or_else(|| meta_charset(bytes));
    let encoding = match encoding {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => WINDOWS_1252,
    };
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
    })
}

fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(2048)];
    let label = META_CHARSET.captures(head)?.get(1)?.as_bytes();
    let encoding = Encoding::for_label(label)?;
    // A page that says UTF-16 in ASCII meta is not UTF-16 (HTML spec: treat as UTF-8).
    Some(if encoding.is_single_byte() || encoding == UTF_8 {
        encoding
    } else {
        UTF_8
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins() {
        assert_eq!(
            decode_html(b"caf\xe9", Some("text/html; charset=windows-1252")),
            "café"
        );
    }

    #[test]
    fn meta_charset_is_read() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head>caf\xe9";
        assert!(decode_html(page, Some("text/html")).ends_with("café"));
    }

    #[test]
    fn undeclared_legacy_bytes_fall_back_to_windows_1252() {
        assert_eq!(decode_html(b"\x93quoted\x94 \x80", None), "“quoted” €");
        assert_eq!(decode_html("al één".as_bytes(), None), "al één");
    }
}
