//! Rendering of a [`Diff`] between two reports: terminal, Markdown and JSON.

use std::fmt::Write;

use crate::Lang;
use crate::neutralize;
use crate::report::baseline::Diff;
use crate::report::i18n::{self, t};
use crate::report::model::Finding;

fn subject(f: &Finding) -> &str {
    f.service.as_deref().or(f.host.as_deref()).unwrap_or("")
}

/// The diff as terminal text; control characters from the reports are shown as escapes.
pub fn render_terminal(diff: &Diff, lang: Lang) -> String {
    neutralize::terminal(&terminal_unchecked(diff, lang)).into_owned()
}

fn terminal_unchecked(diff: &Diff, lang: Lang) -> String {
    let mut out = String::new();
    if diff.is_empty() {
        let _ = writeln!(out, "{}", t(lang, "No changes.", "Geen wijzigingen."));
        return out;
    }
    for site in diff
        .sites
        .iter()
        .filter(|s| !s.appeared.is_empty() || !s.resolved.is_empty())
    {
        let _ = writeln!(out, "{}: {}", t(lang, "Site", "Site"), site.target);
        for (mark, findings) in [("+", &site.appeared), ("-", &site.resolved)] {
            for f in findings {
                let _ = writeln!(
                    out,
                    "  {mark} {:<7} {:<27} {}  {}",
                    i18n::severity(lang, f.severity),
                    f.rule,
                    subject(f),
                    f.pages.join(" ")
                );
            }
        }
    }
    let (appeared, resolved) = counts(diff);
    let _ = writeln!(
        out,
        "\n{appeared} {}, {resolved} {}",
        t(lang, "appeared", "bijgekomen"),
        t(lang, "went away", "verdwenen")
    );
    out
}

/// The diff as Markdown; control characters from the reports are shown as escapes.
pub fn render_markdown(diff: &Diff, lang: Lang) -> String {
    neutralize::terminal(&markdown_unchecked(diff, lang)).into_owned()
}

fn markdown_unchecked(diff: &Diff, lang: Lang) -> String {
    let mut out = String::new();
    let (appeared, resolved) = counts(diff);
    let _ = writeln!(
        out,
        "**trackaudit**: {appeared} {}, {resolved} {}\n",
        t(lang, "findings appeared", "bevindingen bijgekomen"),
        t(lang, "went away", "verdwenen")
    );
    for site in diff
        .sites
        .iter()
        .filter(|s| !s.appeared.is_empty() || !s.resolved.is_empty())
    {
        let _ = writeln!(out, "### {}\n", escape(&site.target));
        let _ = writeln!(
            out,
            "| | {} | {} | {} | {} |\n|---|---|---|---|---|",
            t(lang, "severity", "ernst"),
            t(lang, "rule", "regel"),
            t(lang, "service", "dienst"),
            t(lang, "pages", "pagina's")
        );
        for (mark, findings) in [("+", &site.appeared), ("−", &site.resolved)] {
            for f in findings {
                let _ = writeln!(
                    out,
                    "| {mark} | {} | `{}` | {} | {} |",
                    i18n::severity(lang, f.severity),
                    f.rule,
                    escape(subject(f)),
                    escape(&f.pages.join(", "))
                );
            }
        }
        out.push('\n');
    }
    out
}

pub fn render_json(diff: &Diff) -> String {
    let mut json = serde_json::to_string_pretty(diff).unwrap_or_default();
    json.push('\n');
    json
}

fn counts(diff: &Diff) -> (usize, usize) {
    diff.sites.iter().fold((0, 0), |(a, r), s| {
        (a + s.appeared.len(), r + s.resolved.len())
    })
}

/// Text from a scanned page must not become Markdown or HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
