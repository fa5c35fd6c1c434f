//! URLs in inline JavaScript: tag loaders build their URL from string literals
//! (`'https://www.googletagmanager.com/gtm.js?id='+i`). Only string literals that start like a URL
//! count, so a hostname mentioned in code (`hostname.endsWith("school.nl")`) is not a URL, and
//! comments are skipped. A literal's JavaScript escapes (`\/`, `\u002F`, `\x2F`) are decoded
//! first, as the engine would.
//!
//! Not every URL in code is contacted on load. A literal that only serves as a navigation target
//! (`window.open('https://www.facebook.com/sharer.php?u='+…)`, `location.href = "…"`, or a
//! variable used only that way) is a link; a URL template with placeholders the code fills in
//! later (`{id}`, `%s`, `{{id}}`) is no request, nor is a literal whose host is no valid host.

/// How a URL literal is used by the code around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// Loaded, or possibly loaded (assigned to `src`, fetched, passed to a loader, or used in a
    /// way the scanner does not tell apart): reported as a contacted URL.
    Loaded,
    /// Only a navigation target (`window.open`, `location.href =`): at most a link.
    Navigation,
}

/// A URL-like string literal, decoded, and its byte offset in the script.
#[derive(Debug, PartialEq, Eq)]
pub struct ScriptUrl {
    pub text: String,
    pub offset: usize,
    /// Bytes of the literal in the script (the decoded `text` may be shorter).
    pub len: usize,
    pub usage: UrlUse,
}

/// Every string literal of `code` that begins with `http://`, `https://` or `//host` once its
/// escapes are decoded, with how the code uses it.
pub fn urls_in_script(code: &str) -> Vec<ScriptUrl> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr_or_end(bytes, i, b'\n');
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = code[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |at| i + 2 + at + 2);
            }
            quote @ (b'\'' | b'"' | b'`') => {
                let start = i + 1;
                let end = string_end(bytes, start, quote);
                if let Some(url) = url_literal(&code[start..end], quote == b'`') {
                    // An interpolated template literal is a URL only where the code loads it.
                    if !url.interpolated || is_loader_context(code, i) {
                        let usage = usage(code, i, end);
                        if usage == UrlUse::Loaded {
                            if let Context::Assigned(name) = context(code, i) {
                                found.extend(concatenations(code, name, end, &url.text));
                            }
                        }
                        found.push(ScriptUrl {
                            text: url.text,
                            offset: start,
                            len: end - start,
                            usage,
                        });
                    }
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    found
}

fn memchr_or_end(bytes: &[u8], from: usize, needle: u8) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == needle)
        .map_or(bytes.len(), |at| from + at)
}

/// Index of the closing quote (or where the literal must end: a newline for '' and "").
fn string_end(bytes: &[u8], mut i: usize, quote: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if quote != b'`' => return i,
            b if b == quote => return i,
            _ => i += 1,
        }
    }
    bytes.len().min(i)
}

struct Literal {
    text: String,
    /// A template literal's `${…}` ended the URL.
    interpolated: bool,
}

/// The URL at the start of a string literal's content, if it is one.
fn url_literal(content: &str, template: bool) -> Option<Literal> {
    // Cheap test before decoding: a URL literal starts with `h`, `/` or an escape.
    let first = content.as_bytes().first()?;
    if !matches!(first, b'h' | b'H' | b'/' | b'\\') {
        return None;
    }
    let decoded = if content.contains('\\') {
        decode_escapes(content)
    } else {
        content.to_owned()
    };
    let lower: String = decoded
        .chars()
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    if !["https://", "http://", "//"]
        .iter()
        .any(|prefix| lower.starts_with(prefix))
    {
        return None;
    }
    // A template literal's `${…}` and whitespace end the URL part.
    let interpolation = if template { decoded.find("${") } else { None };
    let end = interpolation
        .unwrap_or(decoded.len())
        .min(decoded.find(char::is_whitespace).unwrap_or(decoded.len()));
    let url = &decoded[..end];
    if is_template(url) {
        return None;
    }
    let after_slashes = url.find("//")? + 2;
    let authority_end = url[after_slashes..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| after_slashes + at);
    let authority = &url[after_slashes..authority_end];
    // `https://<key>@o123.ingest.sentry.io/1`: the host is what follows the `@`, and the
    // credentials are no part of what is reported.
    let (host_port, without_userinfo) = match authority.rfind('@') {
        Some(at) => (
            &authority[at + 1..],
            format!(
                "{}{}{}",
                &url[..after_slashes],
                &authority[at + 1..],
                &url[authority_end..]
            ),
        ),
        None => (authority, url.to_owned()),
    };
    valid_host(host_port).then_some(Literal {
        text: without_userinfo,
        interpolated: interpolation.is_some_and(|at| at == end),
    })
}

/// Placeholders that code fills in later: `{id}`, `{{id}}`, `%s`, `%d`.
fn is_template(url: &str) -> bool {
    url.contains(['{', '}']) || ["%s", "%d", "%i", "%u"].iter().any(|p| url.contains(p))
}

/// A hostname (labels of letters, digits and hyphens, a top-level label of letters), an IPv4 or
/// bracketed IPv6 address, or `localhost`, with an optional port.
fn valid_host(host_port: &str) -> bool {
    let (host, port) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(at) => (&host_port[..=at], &host_port[at + 1..]),
            None => return false,
        }
    } else {
        match host_port.rfind(':') {
            Some(at) => (&host_port[..at], &host_port[at..]),
            None => (host_port, ""),
        }
    };
    let port_ok = port.is_empty()
        || (port.len() > 1 && port.len() <= 6 && port[1..].bytes().all(|b| b.is_ascii_digit()));
    if !port_ok {
        return false;
    }
    if host.starts_with('[') {
        return host[1..host.len() - 1]
            .parse::<std::net::Ipv6Addr>()
            .is_ok();
    }
    if host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    // A trailing dot (`connect.facebook.net.`) is the fully qualified spelling of the same host.
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80)
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()))
}

/// Decode JavaScript string escapes (`\/`, `\xHH`, `\uHHHH`, `\u{H…}`, `\n`…); an invalid escape
/// keeps its character, as engines do in sloppy mode.
fn decode_escapes(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else { break };
        match next {
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                push_code(&mut out, &hex, 'x');
            }
            'u' if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|c| *c != '}').take(8).collect();
                push_code(&mut out, &hex, 'u');
            }
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                push_code(&mut out, &hex, 'u');
            }
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            other => out.push(other),
        }
    }
    out
}

fn push_code(out: &mut String, hex: &str, escape: char) {
    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
        Some(c) => out.push(c),
        None => {
            out.push(escape);
            out.push_str(hex);
        }
    }
}

/// How the literal that opens at `quote` and closes at `end` is used.
fn usage(code: &str, quote: usize, end: usize) -> UrlUse {
    match context(code, quote) {
        Context::Navigation => UrlUse::Navigation,
        Context::Loader | Context::Other => UrlUse::Loaded,
        Context::Assigned(name) => {
            // `var share = 'https://x.com/intent/tweet?text='; … window.open(share + t)`: a
            // variable that is only ever navigated to.
            if variable_only_navigates(code, name, end) {
                UrlUse::Navigation
            } else {
                UrlUse::Loaded
            }
        }
    }
}

enum Context<'c> {
    Navigation,
    Loader,
    /// Assigned to this variable or property (`var x =`, `x:`).
    Assigned(&'c str),
    Other,
}

/// Callees whose argument is navigated to (besides `window.open`).
const NAVIGATION_CALLS: &[&str] = &["location.assign", "location.replace"];
/// Callees whose argument is loaded.
const LOADER_CALLS: &[&str] = &[
    "fetch",
    "sendBeacon",
    "importScripts",
    "import",
    "getScript",
    "getJSON",
    "loadScript",
    "loadJS",
    "injectScript",
    "ajax",
    "get",
    "post",
    "load",
    "Image",
    "EventSource",
    "WebSocket",
    "Worker",
];

/// What the code right before a literal's opening quote does with it.
fn context(code: &str, quote: usize) -> Context<'_> {
    let before = code[..quote].trim_end();
    let Some(last) = before.chars().last() else {
        return Context::Other;
    };
    match last {
        '(' => {
            let callee = trailing_path(&before[..before.len() - 1]);
            let name = callee.rsplit('.').next().unwrap_or("");
            let request = callee.to_ascii_lowercase();
            let window_open =
                name == "open" && !request.contains("xhr") && !request.contains("req");
            if window_open || NAVIGATION_CALLS.iter().any(|c| callee.ends_with(c)) {
                Context::Navigation
            } else if LOADER_CALLS.contains(&name) {
                Context::Loader
            } else {
                Context::Other
            }
        }
        '=' if !["==", "!=", "<=", ">="]
            .iter()
            .any(|op| before.ends_with(op)) =>
        {
            let target = trailing_path(before[..before.len() - 1].trim_end_matches('+').trim_end());
            let name = target.rsplit('.').next().unwrap_or("");
            if target.ends_with("location") || target.ends_with("location.href") {
                Context::Navigation
            } else if name == "src" || name == "action" {
                Context::Loader
            } else if name.is_empty() {
                Context::Other
            } else {
                Context::Assigned(name)
            }
        }
        ',' => {
            // `xhr.open('GET', 'https://…')`, `el.setAttribute('src', 'https://…')`
            let lower = before.to_ascii_lowercase();
            // The last 40 bytes, from a character boundary (a page's script may be any UTF-8).
            let mut start = lower.len().saturating_sub(40);
            while !lower.is_char_boundary(start) {
                start += 1;
            }
            let tail = &lower[start..];
            if tail.contains("setattribute('src'")
                || tail.contains("setattribute(\"src\"")
                || [
                    ".open('get'",
                    ".open(\"get\"",
                    ".open('post'",
                    ".open(\"post\"",
                ]
                .iter()
                .any(|p| tail.contains(p))
            {
                Context::Loader
            } else {
                Context::Other
            }
        }
        _ => Context::Other,
    }
}

/// The dotted identifier path that ends `text` (`window.location.href`, `w.open`).
fn trailing_path(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'))
        .last()
        .map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// The variable `name` is used after `from` and only as a navigation target.
fn variable_only_navigates(code: &str, name: &str, from: usize) -> bool {
    if name.len() < 2 || from >= code.len() {
        return false;
    }
    let mut uses = 0;
    let mut at = from;
    while let Some(found) = code[at..].find(name) {
        let start = at + found;
        let end = start + name.len();
        at = end;
        // Part of a longer name, or of a string (`'.share-whatsapp'`): not this variable.
        let is_word = |c: Option<char>| {
            c.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-' | '#'))
        };
        if is_word(code[..start].chars().last()) || is_word(code[end..].chars().next()) {
            continue;
        }
        // The expression the use starts: skip back over `a.b.` and `x + `.
        let path_start = start - trailing_path(&code[..start]).len();
        let mut expr_start = path_start;
        loop {
            let before = code[..expr_start].trim_end();
            if !before.ends_with('+') {
                break;
            }
            let operand = before[..before.len() - 1].trim_end();
            let operand_start = operand.len() - trailing_path(operand).len();
            if operand_start == operand.len() {
                break;
            }
            expr_start = operand_start;
        }
        uses += 1;
        if !matches!(context(code, expr_start), Context::Navigation) {
            return false;
        }
    }
    uses > 0
}

/// Code with the credentials of URLs (`https://<key>@host/`) replaced by `…`, for evidence.
pub fn redact_userinfo(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("//") {
        let (head, tail) = rest.split_at(at + 2);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '`') || c.is_whitespace())
            .unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(user_end) if user_end > 0 => {
                out.push('…');
                rest = &tail[user_end..];
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// At most this many URLs are built from one variable's concatenations.
const MAX_CONCATENATIONS: usize = 8;

/// `var u="https://stats.board.nl/"; … u+'matomo.php'`: the URLs the code builds by appending a
/// relative literal to the variable `name` (which holds `base`) after `from`.
fn concatenations(code: &str, name: &str, from: usize, base: &str) -> Vec<ScriptUrl> {
    let mut out = Vec::new();
    if name.len() > 40 || from >= code.len() {
        return out;
    }
    let mut at = from;
    while let Some(found) = code[at..].find(name) {
        let start = at + found;
        at = start + name.len();
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_word(code[..start].chars().last()) || is_word(code[at..].chars().next()) {
            continue;
        }
        let rest = code[at..].trim_start();
        let Some(rest) = rest.strip_prefix('+') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest.bytes().next().filter(|q| matches!(q, b'\'' | b'"')) else {
            continue;
        };
        let offset = code.len() - rest.len() + 1;
        let end = string_end(code.as_bytes(), offset, quote);
        let suffix = &code[offset..end];
        if suffix.contains("//") || suffix.contains('\\') || suffix.is_empty() {
            continue;
        }
        if let Some(url) = url_literal(&format!("{base}{suffix}"), false) {
            out.push(ScriptUrl {
                text: url.text,
                offset,
                len: end - offset,
                usage: UrlUse::Loaded,
            });
        }
        if out.len() >= MAX_CONCATENATIONS {
            break;
        }
    }
    out
}

/// The literal at `quote` is loaded: assigned to `src`, or an argument of a loader call.
fn is_loader_context(code: &str, quote: usize) -> bool {
    matches!(context(code, quote), Context::Loader)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(code: &str) -> Vec<String> {
        urls_in_script(code)
            .into_iter()
            .filter(|u| u.usage == UrlUse::Loaded)
            .map(|u| u.text)
            .collect()
    }

    fn navigations(code: &str) -> Vec<String> {
        urls_in_script(code)
            .into_iter()
            .filter(|u| u.usage == UrlUse::Navigation)
            .map(|u| u.text)
            .collect()
    }

    #[test]
    fn finds_the_gtm_loader_url() {
        let code = r#"j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode"#;
        assert_eq!(texts(code), ["https://www.googletagmanager.com/gtm.js?id="]);
    }

    #[test]
    fn protocol_relative_and_escaped_slashes() {
        assert_eq!(
            texts(r#"var u="//matomo.example.nl/"; x = "https:\/\/cdn.example.com\/a.js";"#),
            ["//matomo.example.nl/", "https://cdn.example.com/a.js"]
        );
    }

    #[test]
    fn escaped_urls_in_inline_code_are_decoded() {
        assert_eq!(
            texts(
                r#"a="https:\u002F\u002Fstatic.hotjar.com/c/hotjar-"; b='https:\x2F\x2Fconnect.facebook.net/en_US/fbevents.js'; c="\u{68}ttps://px.ads.linkedin.com/collect";"#
            ),
            [
                "https://static.hotjar.com/c/hotjar-",
                "https://connect.facebook.net/en_US/fbevents.js",
                "https://px.ads.linkedin.com/collect"
            ]
        );
    }

    #[test]
    fn bare_hostnames_and_comments_are_not_urls() {
        let code = r#"
            // see https://www.google-analytics.com/analytics.js
            /* "https://static.hotjar.com/c/hotjar-" */
            if (location.hostname.endsWith("voorbeeldcollege.nl")) {}
            var cdn = "static.example-cdn.com"; var re = "//";
        "#;
        assert!(texts(code).is_empty(), "{:?}", texts(code));
    }

    #[test]
    fn template_literals_stop_at_interpolation_where_loaded() {
        assert_eq!(
            texts("s.src = `https://cdn.example.org/${v}/x.js`;"),
            ["https://cdn.example.org/"]
        );
        assert!(texts("var tpl = `https://cdn.example.org/${v}/x.m3u8`;").is_empty());
    }

    #[test]
    fn url_templates_and_invalid_hosts_are_not_requests() {
        let code = r#"
            var video = "https://cdn.example.com/videos/{id}.m3u8";
            var api = 'https://api.example.com/items/%s';
            var m = "https://{{host}}/x.js"; var n = "https://" + host + "/y";
            var bad = "https://-bad-.example/x"; var num = "https://1234/x"; var e = "https://a..b/";
        "#;
        assert!(texts(code).is_empty(), "{:?}", texts(code));
    }

    #[test]
    fn credentials_in_urls_are_not_the_host() {
        assert_eq!(
            texts(r#"Sentry.init({dsn: "https://abc123def456@o123456.ingest.sentry.io/789"});"#),
            ["https://o123456.ingest.sentry.io/789"]
        );
    }

    #[test]
    fn credentials_are_redacted_from_evidence() {
        assert_eq!(
            redact_userinfo(r#"dsn: "https://key123@o1.ingest.sentry.io/4", a: "//x.nl/@me""#),
            r#"dsn: "https://…@o1.ingest.sentry.io/4", a: "//x.nl/@me""#
        );
    }

    #[test]
    fn navigation_targets_are_not_loads() {
        let code = r#"
            btn.onclick = function () {
              window.open('https://www.facebook.com/sharer/sharer.php?u=' + encodeURIComponent(location.href));
            };
            var tweet = "https://twitter.com/intent/tweet?text=";
            document.querySelector('.share-tweet').onclick = function () { window.open(tweet + t, '_blank'); };
            if (old) { window.location.href = "https://www.example-school.nl/oud"; }
            location.assign("https://www.example-school.nl/elders");
            var s = document.createElement('script'); s.src = 'https://cdn.example-loader.nl/a.js';
            fetch("https://api.example-loader.nl/ping"); navigator.sendBeacon("https://b.example-loader.nl/c");
            xhr.open('GET', "https://x.example-loader.nl/d");
        "#;
        assert_eq!(
            texts(code),
            [
                "https://cdn.example-loader.nl/a.js",
                "https://api.example-loader.nl/ping",
                "https://b.example-loader.nl/c",
                "https://x.example-loader.nl/d"
            ]
        );
        assert_eq!(
            navigations(code),
            [
                "https://www.facebook.com/sharer/sharer.php?u=",
                "https://twitter.com/intent/tweet?text=",
                "https://www.example-school.nl/oud",
                "https://www.example-school.nl/elders"
            ]
        );
    }

    #[test]
    fn a_variable_with_a_base_url_and_appended_paths_gives_the_full_urls() {
        let code = r#"var _paq = window._paq || [];
            (function() { var u="https://stats.board.nl/";
              _paq.push(['setTrackerUrl', u+'matomo.php']); _paq.push(['setSiteId', '7']);
              var d=document, g=d.createElement('script'); g.src=u + "matomo.js"; })();"#;
        assert_eq!(
            texts(code),
            [
                "https://stats.board.nl/matomo.php",
                "https://stats.board.nl/matomo.js",
                "https://stats.board.nl/"
            ]
        );
    }

    #[test]
    fn unterminated_strings_do_not_panic() {
        assert!(texts("var a = 'https://").is_empty());
        assert!(texts("\"\\").is_empty());
        assert!(texts("'é\\").is_empty());
        assert!(texts("'\\u{110000}https://x.nl'").is_empty());
        assert!(texts("\"\\u00").is_empty());
    }

    /// Class: byte offsets computed back from a position land on character boundaries (found by
    /// fuzzing: a two-byte character 40 bytes before a `, '…'` argument panicked the page's
    /// analysis).
    #[test]
    fn multibyte_text_before_an_argument_does_not_panic() {
        for filler in ["é", "€", "😀"] {
            for n in 0..50 {
                let code = format!("{}, 'https://t.example/p'", filler.repeat(n));
                assert_eq!(texts(&code), ["https://t.example/p"], "{code}");
            }
        }
        // The inputs the fuzzer found, kept in the repository.
        let found =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/script_urls");
        let inputs: Vec<_> = std::fs::read_dir(found).unwrap().flatten().collect();
        assert!(
            !inputs.is_empty(),
            "the fuzzer's inputs are in the repository"
        );
        for entry in inputs {
            let code = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            for url in urls_in_script(&code) {
                assert!(code.is_char_boundary(url.offset), "{:?}", entry.path());
            }
        }
    }
}
