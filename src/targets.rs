//! The lines of a `--targets` file: a URL or folder, optionally the site's name, optionally the
//! addresses that receive its report by email.
//!
//! ```text
//! # comment
//! https://www.school.nl/  Openbare basisschool De Linde
//! https://www.college.nl/  Het College  ict@college.nl, fg@bestuur.nl
//! https://www.lyceum.nl/  fg@bestuur.nl
//! ```
//!
//! The URL ends at the first whitespace. The rest is split into columns at a tab or at two or
//! more spaces; a column whose every item (split at commas) is an email address is the
//! recipients column, the other is the name. A `#` at the start of a line or after whitespace
//! starts a comment, so a URL's fragment (`/#top`) is kept.

use std::path::Path;

use crate::error::Error;

/// One target as the user wrote it, with its optional name and recipients.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetLine {
    /// The URL or folder, as written.
    pub target: String,
    /// The site's name, shown in every report (`Openbare basisschool De Linde`).
    pub name: Option<String>,
    /// Addresses that get this site's report by email, besides `--email-to`.
    pub recipients: Vec<String>,
}

impl TargetLine {
    /// A target given on the command line: no name, no recipients.
    pub fn bare(target: &str) -> TargetLine {
        TargetLine {
            target: target.to_owned(),
            ..TargetLine::default()
        }
    }
}

/// The targets of a `--targets` file (at most [`crate::files::MAX_TARGETS_BYTES`]); blank and
/// comment lines are skipped.
pub fn read_targets_file(path: &Path) -> Result<Vec<TargetLine>, Error> {
    let content = crate::files::read_text_bounded(path, crate::files::MAX_TARGETS_BYTES)?;
    Ok(content.lines().filter_map(parse_line).collect())
}

/// One line of a targets file; `None` for a blank or comment line.
pub fn parse_line(line: &str) -> Option<TargetLine> {
    let line = strip_comment(line).trim();
    if line.is_empty() {
        return None;
    }
    let (target, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let mut parsed = TargetLine::bare(target);
    let mut names = Vec::new();
    for column in columns(rest.trim()) {
        match addresses(column) {
            Some(list) => parsed.recipients.extend(list),
            None => names.push(column),
        }
    }
    if !names.is_empty() {
        parsed.name = Some(names.join(" "));
    }
    Some(parsed)
}

/// The line up to a `#` that starts it or follows whitespace.
fn strip_comment(line: &str) -> &str {
    let mut previous_is_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && previous_is_space {
            return &line[..i];
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

/// Columns separated by a tab or by two or more spaces.
fn columns(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let separator = bytes[i] == b'\t' || (bytes[i] == b' ' && bytes.get(i + 1) == Some(&b' '));
        if separator {
            out.push(&text[start..i]);
            while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&text[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The addresses of a column when every comma-separated item is an email address.
fn addresses(column: &str) -> Option<Vec<String>> {
    let items: Vec<&str> = column
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    let all = !items.is_empty() && items.iter().all(|i| looks_like_address(i));
    all.then(|| items.iter().map(|i| (*i).to_owned()).collect())
}

/// `local@domain.tld` without spaces: enough to tell an address column from a name.
pub fn looks_like_address(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text
                    .chars()
                    .any(|c| c.is_whitespace() || c == '<' || c == '>')
                && !domain.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_lines_carry_a_name_and_recipients() {
        let line = parse_line("https://www.school.nl/  Openbare basisschool De Linde").unwrap();
        assert_eq!(line.target, "https://www.school.nl/");
        assert_eq!(line.name.as_deref(), Some("Openbare basisschool De Linde"));
        assert!(line.recipients.is_empty());

        let line =
            parse_line("www.college.nl\tHet College\tict@college.nl, fg@bestuur.nl").unwrap();
        assert_eq!(line.name.as_deref(), Some("Het College"));
        assert_eq!(line.recipients, ["ict@college.nl", "fg@bestuur.nl"]);

        let line = parse_line("www.lyceum.nl   fg@bestuur.nl  # the board's DPO").unwrap();
        assert_eq!(line.name, None);
        assert_eq!(line.recipients, ["fg@bestuur.nl"]);

        let line = parse_line("https://www.school.nl/#top School 1 # comment").unwrap();
        assert_eq!(line.target, "https://www.school.nl/#top");
        assert_eq!(line.name.as_deref(), Some("School 1"));

        assert_eq!(parse_line("   # only a comment"), None);
        assert_eq!(parse_line(""), None);
    }
}
