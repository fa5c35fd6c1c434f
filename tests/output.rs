//! Where reports go: output paths checked before the scan, folders created, atomic writes, a
//! fallback when writing fails, the terminal report in a CI log, stop signals.

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use predicates::prelude::*;
use support::{fixture, misbehaving, trackaudit};
use trackaudit::output::{Destination, OutputPlan, OutputRequest};
use trackaudit::report::Format;

fn plan(formats: &[Format], output: Option<&Path>, echo_terminal: bool) -> OutputPlan {
    OutputPlan::new(OutputRequest {
        formats,
        output,
        echo_terminal,
    })
    .expect("a valid output request")
}

fn json_file(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} is not readable: {e}", path.display()));
    serde_json::from_str(&text).expect("a JSON report")
}

/// A scan of the misbehaving site's endless trap, returned once its crawl has begun: long
/// enough to act on while it runs.
fn slow_scan(server: &misbehaving::Misbehaving, output: &Path, tmp: &Path) -> Child {
    let child = Command::new(assert_cmd::cargo::cargo_bin!("trackaudit"))
        .args(["scan", &server.url("/trap/0"), "--delay", "100"])
        .args(["--max-pages", "1000", "--format", "json", "-q", "--output"])
        .arg(output)
        .env("TMPDIR", tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("trackaudit starts");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while server.hits.get("/trap/2") == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the crawl never began"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn output_destinations_follow_the_path_and_the_formats() {
    let dir = tempfile::tempdir().unwrap();
    let weekly = dir.path().join("weekly/");
    assert_eq!(
        plan(&[Format::Json], Some(&weekly), false).destinations,
        [Destination::File(Format::Json, weekly.join("report.json"))],
        "a path ending in / is a folder"
    );
    let file = dir.path().join("scan.json");
    assert_eq!(
        plan(&[Format::Json], Some(&file), true).destinations,
        [
            Destination::File(Format::Json, file.clone()),
            Destination::Stdout(Format::Terminal)
        ],
        "every format in a file: the terminal report is echoed"
    );
    assert_eq!(
        plan(&[Format::Json], Some(&file), false).destinations,
        [Destination::File(Format::Json, file.clone())],
        "-q: nothing on stdout"
    );
    assert_eq!(
        plan(&[Format::Json], None, true).destinations,
        [Destination::Stdout(Format::Json)],
        "stdout holds one format only"
    );
    let both = OutputPlan::new(OutputRequest {
        formats: &[Format::Json, Format::Html],
        output: Some(&file),
        echo_terminal: false,
    });
    let error = both
        .expect_err("two formats into one file name")
        .to_string();
    assert!(error.contains("looks like a file"), "{error}");
}

#[test]
fn a_missing_output_folder_is_created_for_a_scheduled_job() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("schools.txt");
    std::fs::write(
        &targets,
        format!(
            "{}\n{}\n",
            fixture("clean-school").display(),
            fixture("edge-cases").display()
        ),
    )
    .unwrap();
    // The README's scheduled job, run from a folder where weekly/ does not exist yet.
    trackaudit()
        .current_dir(dir.path())
        .args(["scan", "--targets", "schools.txt", "--format", "json"])
        .args(["--output", "weekly/", "-q"])
        .assert()
        .stdout("")
        .stderr("");
    let report = json_file(&dir.path().join("weekly/report.json"));
    assert_eq!(report["sites"].as_array().map(Vec::len), Some(2));

    let nested = dir.path().join("a/b/c/scan.json");
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .args(["--format", "json", "-q", "--output"])
        .arg(&nested)
        .assert()
        .success();
    assert_eq!(json_file(&nested)["schema_version"], 1, "parents created");
    let names: Vec<String> = std::fs::read_dir(nested.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["scan.json"], "no temporary file left behind");
}

#[test]
fn a_bad_output_path_fails_before_the_scan() {
    let server = misbehaving::start();
    let dir = tempfile::tempdir().unwrap();
    let r_json = dir.path().join("r.json");
    trackaudit()
        .args([
            "scan",
            &server.url("/"),
            "--format",
            "json",
            "--format",
            "html",
        ])
        .arg("--output")
        .arg(&r_json)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("looks like a file"));
    assert!(!r_json.exists(), "no folder named r.json");

    let a_file = dir.path().join("plain-file");
    std::fs::write(&a_file, "x").unwrap();
    trackaudit()
        .args(["scan", &server.url("/"), "--format", "json", "--output"])
        .arg(a_file.join("scan.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("plain-file"));
    assert_eq!(server.hits.get("/"), 0, "nothing was crawled");
}

#[test]
fn the_ci_job_log_says_why_the_job_failed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trackaudit.json");
    // The README's CI job: every format goes to a file, the log still shows the findings.
    trackaudit()
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["--fail-on", "high", "--format", "json", "--output"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Verdict: FAIL"))
        .stdout(predicate::str::contains("Tracking pixel: Meta Pixel"));
    assert_eq!(json_file(&out)["sites"][0]["summary"]["verdict"], "fail");
}

#[test]
fn a_report_that_cannot_be_written_is_saved_to_a_fallback_named_in_the_error() {
    let server = misbehaving::start();
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let folder = dir.path().join("reports");
    let child = slow_scan(&server, &folder.join("scan.json"), tmp.path());
    // The folder was created before the crawl; it turns into a file while the crawl runs.
    assert!(
        folder.is_dir(),
        "the output folder exists before the crawl ends"
    );
    std::fs::remove_dir_all(&folder).unwrap();
    std::fs::write(&folder, "in the way").unwrap();
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let fallback = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap_or_else(|| panic!("no fallback report in TMPDIR; stderr: {stderr}"));
    assert!(
        stderr.contains(&fallback.display().to_string()),
        "the error names {}: {stderr}",
        fallback.display()
    );
    let report = json_file(&fallback);
    assert_eq!(report["interrupted"], true);
    assert!(!report["sites"][0]["pages"].as_array().unwrap().is_empty());
}

#[test]
fn stop_signals_write_the_report_of_what_was_scanned() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let server = misbehaving::start();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("scan.json");
        let child = slow_scan(&server, &out, dir.path());
        // SAFETY: sending a signal to our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Stopped before the end: 130 whatever was found (README, "Exit codes").
        assert_eq!(output.status.code(), Some(130), "signal {signal}: {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        let report = json_file(&out);
        assert_eq!(report["interrupted"], true, "signal {signal}");
        let pages = report["sites"][0]["pages"].as_array().unwrap().len();
        assert!((1..1000).contains(&pages), "signal {signal}: {pages} pages");
    }
}

/// An atomic write must not leave the report with the temporary file's owner-only mode: a
/// report in a CI artefact or a shared folder gets the mode any new file gets (0666 less the
/// umask), for every format and the folder layout alike.
#[cfg(unix)]
#[test]
fn report_files_get_the_mode_of_a_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let expected = mode(&plain);
    assert_ne!(
        expected, 0o600,
        "the test needs a umask that lets others read"
    );

    let single = dir.path().join("scan.csv");
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .args(["--format", "csv", "-q", "--output"])
        .arg(&single)
        .assert()
        .success();
    assert_eq!(mode(&single), expected, "one format into a file");

    let folder = dir.path().join("out/");
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .args(["--format", "json", "--format", "markdown", "-q", "--output"])
        .arg(&folder)
        .assert()
        .success();
    for name in ["report.json", "report.md"] {
        assert_eq!(mode(&folder.join(name)), expected, "{name} in a folder");
    }
}

/// Class: an output path that is not a plain file — a named pipe, a device such as `/dev/null`
/// or `/dev/stdout`, a symlink — is written through and stays what it was. Renaming a new
/// file over it (the atomic write for plain files) once replaced a machine's `/dev/null`.
/// The test uses a named pipe and a symlink in its own folder, never the real devices.
#[test]
fn special_output_paths_are_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();

    let pipe = dir.path().join("report.pipe");
    let made = Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo made the named pipe");
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::read_to_string(pipe).expect("the pipe is readable"))
    };
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .args(["--format", "json", "-q", "--output"])
        .arg(&pipe)
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    // Checked before joining the reader: a replaced pipe never gets a writer.
    let kind = std::fs::symlink_metadata(&pipe).unwrap().file_type();
    assert!(kind.is_fifo(), "the named pipe is still a named pipe");
    let through_pipe: serde_json::Value =
        serde_json::from_str(&reader.join().expect("the reader ends")).expect("JSON came through");
    assert!(
        through_pipe["sites"].is_array(),
        "the report came through the pipe"
    );

    let real = dir.path().join("reports/latest.json");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    trackaudit()
        .arg("scan")
        .arg(fixture("clean-school"))
        .args(["--format", "json", "-q", "--output"])
        .arg(&link)
        .assert()
        .success();
    assert!(link.is_symlink(), "the symlink is still a symlink");
    assert!(
        json_file(&real)["sites"].is_array(),
        "its target holds the new report"
    );
}

/// A stop that comes before any page was read (here: while the first site's server has not
/// answered yet, one site at a time so the others are not even begun) still ends in a report
/// naming every site, what was not scanned and why; the exit code says "stopped" (130), not
/// "every target unreachable" (3): none of them was.
#[test]
fn a_stop_before_the_first_page_names_every_site_and_the_interruption() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    // Accepts connections and never answers.
    let silent = support::spawn_serving(move |listener| async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scan.json");
    let child = Command::new(assert_cmd::cargo::cargo_bin!("trackaudit"))
        .args(["scan", &format!("http://{silent}/")])
        .arg(fixture("clean-school"))
        .arg(fixture("demo-school"))
        .args([
            "--parallel-sites",
            "1",
            "--format",
            "json",
            "-q",
            "--output",
        ])
        .arg(&out)
        .env("TMPDIR", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("trackaudit starts");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while connections.load(Ordering::SeqCst) == 0 {
        assert!(std::time::Instant::now() < deadline, "the scan never began");
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(130),
        "stopped, not unreachable: {stderr}"
    );
    let report = json_file(&out);
    assert_eq!(report["interrupted"], true);
    let sites = report["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 3, "every target is in the report: {report}");
    for site in sites {
        let error = site["error"].as_str().unwrap_or_default();
        assert!(error.contains("the scan was stopped"), "{site}");
        assert_eq!(site["summary"]["verdict"], "error");
        assert_eq!(site["coverage"]["pages_scanned"], 0);
        let target = site["target"].as_str().unwrap();
        assert!(
            stderr.contains(&format!("error: {target}: Nothing was scanned")),
            "{stderr}"
        );
    }
}

/// Class: a reader that goes away (`| head`, `| true`) does not change the verdict. With
/// `set -o pipefail` a CI job must still fail on a failing site, and an unreachable one is
/// still exit 3; warnings on stderr follow `--color never` (no escape codes in a CI log).
#[test]
fn a_closed_stdout_keeps_the_exit_code() {
    // A suppression that matches nothing: its warning is the stderr line checked below.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("trackaudit.toml");
    std::fs::write(
        &config,
        "[[suppress]]\nservice = \"no-such-host.example\"\nreason = \"a test\"\n",
    )
    .unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("trackaudit"))
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["--color", "never", "--config"])
        .arg(&config)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("trackaudit starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("trackaudit ends");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the demo school fails, reader or not"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no-such-host.example"),
        "the warning: {stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "--color never on stderr: {stderr:?}"
    );
}

/// Class: where the terminal format goes when `--output` is given (README, "Output"). Alone, it
/// goes to the file (or `report.txt` in a folder), plain text whatever `--color` says, and
/// stdout stays empty; beside other formats it goes to stdout and the folder holds the others.
#[test]
fn the_terminal_format_goes_to_output_only_when_it_is_the_one_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.txt");
    trackaudit()
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["--format", "terminal", "--color", "always", "--output"])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("Verdict: FAIL"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colours in a file: {text:?}");

    let folder = dir.path().join("alone/");
    trackaudit()
        .arg("scan")
        .arg(fixture("demo-school"))
        .args(["--format", "terminal", "-q", "--output"])
        .arg(&folder)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(folder.join("report.txt")).unwrap();
    assert!(text.contains("Verdict: FAIL"), "{text}");

    // Beside one other format: that format is the file, the terminal report is on stdout.
    let json = dir.path().join("both.json");
    let folder = dir.path().join("both/");
    for output in [&json, &folder] {
        trackaudit()
            .arg("scan")
            .arg(fixture("demo-school"))
            .args(["--format", "terminal", "--format", "json", "-q", "--output"])
            .arg(output)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("Verdict: FAIL"));
    }
    assert_eq!(json_file(&json)["schema_version"], 1);
    let written: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["report.json"], "no terminal report in the folder");
}
