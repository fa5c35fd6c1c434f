//! URLs in inline JavaScript: tag loaders build their URL from string literals
//! (`'https://www.googletagmanager.com/gtm.js?id='+i`). Only string literals that start like a URL
//! count, so a hostname mentioned in code (`hostname.endsWith("school.nl")`) is not a URL, and
//! comments are skipped.

/// A URL-like string literal and its byte offset in the script.
#[derive(Debug, PartialEq, Eq)]
pub struct ScriptUrl {
    pub text: String,
    pub offset: usize,
}

/// Every string literal of `code` that begins with `http://`, `https://` or `//host`.
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
                if let Some(url) = url_literal(&code[start..end]) {
                    found.push(ScriptUrl {
                        text: url,
                        offset: start,
                    });
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
    bytes.len()
}

/// The URL at the start of a string literal's content, if it is one.
fn url_literal(content: &str) -> Option<String> {
    let start: String = content
        .chars()
        .take(10)
        .collect::<String>()
        .to_ascii_lowercase();
    let is_url = [
        "https://",
        "http://",
        "//",
        "https:\\/\\/",
        "http:\\/\\/",
        "\\/\\/",
    ]
    .iter()
    .any(|prefix| start.starts_with(prefix));
    if !is_url {
        return None;
    }
    // A template literal's `${…}` and whitespace end the URL part.
    let end = content
        .find("${")
        .unwrap_or(content.len())
        .min(content.find(char::is_whitespace).unwrap_or(content.len()));
    let url = content[..end].replace("\\/", "/");
    let host_start = url.find("//")? + 2;
    let host: String = url[host_start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        .collect();
    let looks_like_host = host.contains('.') || host.starts_with("localhost");
    (looks_like_host && !host.starts_with('.') && !host.ends_with('.')).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(code: &str) -> Vec<String> {
        urls_in_script(code).into_iter().map(|u| u.text).collect()
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
    fn template_literals_stop_at_interpolation() {
        assert_eq!(
            texts("s.src = `https://cdn.example.org/${v}/x.js`;"),
            ["https://cdn.example.org/"]
        );
    }

    #[test]
    fn unterminated_strings_do_not_panic() {
        assert!(texts("var a = 'https://").is_empty());
        assert!(texts("\"\\").is_empty());
        assert!(texts("'é\\").is_empty());
    }
}
