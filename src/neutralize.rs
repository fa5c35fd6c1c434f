//! Text that a scanned site controls, made harmless for where it goes: a terminal (no control
//! characters), a spreadsheet cell (no formula) and anything shown or stored (no credentials).
//!
//! Every function here is a pure text transformation; the renderers and the scan call them at
//! their boundary, so a new field cannot forget it (see [`map_strings`]).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Make text safe to print on a terminal: C0 controls (except newline and tab), DEL, C1
/// controls and the bidirectional controls (Trojan Source, CVE-2021-42574) are shown as
/// visible escapes (`\x1b`, `\u{202e}`) instead of being sent to the terminal, so a page
/// cannot set the window title, clear the screen or reorder what the reader sees.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe_on_terminal(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

fn is_unsafe_on_terminal(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidirectional embeddings, overrides and isolates, and the bidi marks (LRM, RLM, ALM),
        // which reorder neighbouring text too (Unicode TR #9).
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{200e}' | '\u{200f}' | '\u{61c}' => true,
        _ => false,
    }
}

/// A CSV cell that a spreadsheet shows as text: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return (OWASP, "CSV Injection"; the full-width `＝`, `＋`, `－`, `＠` too, which some
/// spreadsheets accept) gets a leading `'`.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// `scheme://userinfo@` anywhere in a text; userinfo cannot hold `/ ? # @`, whitespace or quotes.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#@\s"'<>\\]+@"#)
        .unwrap_or_else(|e| unreachable!("constant pattern: {e}"))
});

/// What replaces the user name and password of a URL.
pub const REDACTED: &str = "***";

/// Replace the userinfo of every URL in a text (`https://user:secret@host/` →
/// `https://***@host/`): credentials given in a target, a link or a redirect are used for the
/// request but never shown or stored.
pub fn redact_userinfo(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    USERINFO.replace_all(text, format!("${{1}}{REDACTED}@").as_str())
}

/// A writer for log lines on stderr that redacts credentials ([`redact_userinfo`]) in every
/// line, whoever wrote it. Control characters in log messages are already escaped by
/// `tracing-subscriber` (0.3.20 and later); its own colour codes must stay.
pub struct RedactingWriter<W>(pub W);

impl<W: std::io::Write> std::io::Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact_userinfo(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Apply `f` to every string in a serialisable value (keys included), by a round trip through
/// `serde_json::Value`: whatever fields a report gains, none escapes the transformation.
///
/// Errors only when `T` does not round-trip through JSON, which the report model does.
pub fn map_strings<T: Serialize + DeserializeOwned>(
    value: &T,
    f: &dyn Fn(&str) -> Cow<'_, str>,
) -> Result<T, serde_json::Error> {
    let mut json = serde_json::to_value(value)?;
    map_value(&mut json, f);
    serde_json::from_value(json)
}

fn map_value(value: &mut serde_json::Value, f: &dyn Fn(&str) -> Cow<'_, str>) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Cow::Owned(new) = f(s) {
                *s = new;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| map_value(v, f)),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                map_value(&mut v, f);
                map.insert(f(&key).into_owned(), v);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_become_visible_escapes() {
        assert_eq!(
            terminal("a\x1b]0;pwned\x07b\x1b[2Jc\rd\u{9b}e\u{202e}f\ng\th"),
            "a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x0dd\\x9be\\u{202e}f\ng\th"
        );
        assert!(matches!(terminal("plain · text"), Cow::Borrowed(_)));
    }

    #[test]
    fn formula_cells_are_text() {
        for bad in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1",
        ] {
            assert!(csv_cell(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(csv_cell("www.example.com"), "www.example.com");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn userinfo_is_redacted_wherever_it_occurs() {
        assert_eq!(
            redact_userinfo("https://user:secret@host.nl/a?b=c@d"),
            "https://***@host.nl/a?b=c@d"
        );
        assert_eq!(
            redact_userinfo("see <a href=\"http://u:p@x.nl/\">, ftp://anon@y.nl"),
            "see <a href=\"http://***@x.nl/\">, ftp://***@y.nl"
        );
        assert_eq!(redact_userinfo("mail bob@school.nl"), "mail bob@school.nl");
        assert_eq!(
            redact_userinfo("https://host.nl/path@x"),
            "https://host.nl/path@x"
        );
    }
}
