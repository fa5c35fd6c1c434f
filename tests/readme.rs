//! The README is true line by line: every example command runs (offline, against loopback
//! servers and the fixtures) the way a newcomer would type it, and every example output shown
//! after a `$` line is what the command prints.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{copy_dir, fixture, serve_folder};

const README: &str = include_str!("../README.md");

/// A fenced block of the README: its language tag and its lines.
struct Block<'a> {
    lang: &'a str,
    lines: Vec<&'a str>,
}

fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for line in text.lines() {
        match (line.strip_prefix("```"), open.take()) {
            (Some(lang), None) => {
                open = Some(Block {
                    lang: lang.trim(),
                    lines: Vec::new(),
                })
            }
            (Some(_), Some(block)) => blocks.push(block),
            (None, Some(mut block)) => {
                block.lines.push(line);
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    blocks
}

/// The commands of a `sh` block: continuation lines joined, comments and blanks dropped.
fn commands(block: &Block) -> Vec<String> {
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in &block.lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(start) => pending.push_str(start),
            None => {
                pending.push_str(line);
                commands.push(std::mem::take(&mut pending));
            }
        }
    }
    commands
}

/// A place where the README's commands run as typed: the fixtures, `./public` (a built site),
/// `schools.txt`, `~/lists/easyprivacy.txt`, a cache of the public lists served from loopback,
/// and `https://www.example-school.nl/` served from loopback (the demo school).
struct Sandbox {
    dir: tempfile::TempDir,
    bin_dir: PathBuf,
    example_url: String,
    list_server: String,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::os::unix::fs::symlink(root.join("fixtures"), dir.path().join("fixtures")).unwrap();
        copy_dir(&fixture("demo-school"), &dir.path().join("public"));
        std::fs::write(
            dir.path().join("schools.txt"),
            "# the board's schools\nfixtures/sites/demo-school\nfixtures/sites/clean-school\n",
        )
        .unwrap();
        let home_lists = dir.path().join("home/lists");
        std::fs::create_dir_all(&home_lists).unwrap();
        std::fs::copy(
            root.join("fixtures/lists/sample-filter-list.txt"),
            home_lists.join("easyprivacy.txt"),
        )
        .unwrap();
        let bin = assert_cmd::cargo::cargo_bin!("trackaudit");
        Sandbox {
            bin_dir: bin.parent().unwrap().to_path_buf(),
            example_url: format!("http://{}/", serve_folder(fixture("demo-school"))),
            list_server: format!("http://{}", serve_folder(root.join("fixtures/lists"))),
            dir,
        }
    }

    /// Run one command line as the README shows it; returns exit code, stdout and stderr.
    fn run(&self, command: &str) -> (i32, String, String) {
        let command = command
            .replace("cargo run --release -- ", "trackaudit ")
            .replace("https://www.example-school.nl/", &self.example_url);
        let path = format!(
            "{}:{}",
            self.bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = Command::new("sh")
            .args(["-c", &command])
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("HOME", self.dir.path().join("home"))
            .env("TRACKAUDIT_CACHE_DIR", self.dir.path().join("cache"))
            .env(
                "TRACKAUDIT_SOURCE_EASYPRIVACY",
                format!("{}/sample-filter-list.txt", self.list_server),
            )
            .env(
                "TRACKAUDIT_SOURCE_DISCONNECT",
                format!("{}/sample-disconnect.json", self.list_server),
            )
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// The files a command says it writes (`--output X`, `> X`) exist and are not empty.
    fn assert_written(&self, command: &str) {
        let words: Vec<&str> = command.split_whitespace().collect();
        for pair in words.windows(2) {
            if matches!(pair[0], "--output" | "-o" | ">") {
                let path = self.dir.path().join(pair[1]);
                let written = if path.is_dir() {
                    std::fs::read_dir(&path).unwrap().count() > 0
                } else {
                    std::fs::metadata(&path).is_ok_and(|m| m.len() > 0)
                };
                assert!(written, "`{command}` wrote nothing to {}", pair[1]);
            }
        }
    }
}

/// Does `line` show `expected`? A `…` in the README stands for text left out; trailing
/// spaces (a Markdown line break) are not shown.
fn shows(line: &str, expected: &str) -> bool {
    let (line, expected) = (line.trim_end(), expected.trim_end());
    let parts: Vec<&str> = expected.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return line == expected;
    }
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Every expected line, in order, is shown by some line of `actual`.
fn assert_shows(command: &str, actual: &str, expected: &[&str]) {
    let mut lines = actual.lines();
    for want in expected {
        if want.trim().is_empty() || want.trim() == "…" {
            continue;
        }
        assert!(
            lines.any(|line| shows(line, want)),
            "the README says `{command}` prints\n{want}\nbut it printed (from that point on)\n{actual}"
        );
    }
}

/// Commands that the README shows but that do not run here, with the reason: the command itself
/// or a command that starts with it and a space.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "scripts/test",
        "runs this test suite; checked against .ci/run instead",
    ),
    (
        "export",
        "Email: sets the mail server for the command after it (tests/email.rs runs the same flags against a real SMTP server)",
    ),
    (
        "trackaudit scan --targets schools.txt --state state/ --email-to",
        "Email: needs a mail server (tests/email.rs runs the same flags against a real SMTP server)",
    ),
    (
        "cargo +nightly fuzz",
        "Fuzzing: needs the nightly toolchain and cargo-fuzz, builds for many minutes",
    ),
    (
        "nice -n 15 cargo +nightly fuzz",
        "Fuzzing: needs the nightly toolchain and cargo-fuzz, runs for ten minutes",
    ),
];

#[test]
fn every_example_command_of_the_readme_runs_as_shown() {
    let sandbox = Sandbox::new();
    let mut ran = 0;
    for block in blocks(README) {
        if block.lang == "sh" {
            for command in commands(&block) {
                if NOT_RUN
                    .iter()
                    .any(|(c, _)| command == *c || command.starts_with(&format!("{c} ")))
                {
                    continue;
                }
                let (code, _, stderr) = sandbox.run(&command);
                assert!(
                    code == 0 || code == 1,
                    "`{command}` exits {code} (0 or 1 expected)\n{stderr}"
                );
                sandbox.assert_written(&command);
                ran += 1;
            }
        } else if block.lines.first().is_some_and(|l| l.starts_with("$ ")) {
            // A transcript: `$ command` lines, each followed by what it prints.
            let mut rest = block.lines.as_slice();
            while let Some((first, tail)) = rest.split_first() {
                let command = first.trim_start_matches("$ ");
                let end = tail
                    .iter()
                    .position(|l| l.starts_with("$ "))
                    .unwrap_or(tail.len());
                let (code, stdout, stderr) = sandbox.run(command);
                assert!(code == 0 || code == 1, "`{command}` exits {code}\n{stderr}");
                sandbox.assert_written(command);
                assert_shows(command, &stdout, &tail[..end]);
                ran += 1;
                rest = &tail[end..];
            }
        }
    }
    assert!(ran >= 15, "only {ran} commands found in the README");
}

#[test]
fn the_readme_test_command_is_the_one_ci_runs() {
    let quick_start = blocks(README)
        .into_iter()
        .find(|b| b.lang == "sh")
        .expect("a Quick start block");
    let commands = commands(&quick_start);
    assert!(
        commands.contains(&"scripts/test".to_owned()),
        "{commands:?}"
    );
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == "scripts/test"),
        ".ci/run calls scripts/test"
    );
    let script =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/test")).unwrap();
    assert!(
        script.contains("need_apt chromium chromium") && script.contains("--no-fail-fast"),
        "scripts/test installs Chromium and runs every test binary"
    );
}
