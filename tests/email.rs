//! Email against a real SMTP server (aiosmtpd, started by each test on loopback): STARTTLS with
//! a certificate made per test, AUTH, the received MIME parsed, the password nowhere; a server
//! that refuses, hangs or is not there.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use support::{changing_site, fixture, trackaudit};

const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
const PASSWORD: &str = "s3cr3t:p@ss/w0rd";
const USER: &str = "fg@school.example";

/// How the test server secures a session.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tls {
    None,
    /// Offers and requires STARTTLS.
    Starttls,
    /// TLS from the first byte (SMTPS).
    Implicit,
}

/// The SMTP server process; stopped (killed and reaped) when dropped.
struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    cert: Option<PathBuf>,
}

impl Sink {
    fn start(mode: &str, tls: Tls, auth: bool) -> Sink {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new("python3");
        command
            .arg(SINK)
            .arg("--dir")
            .arg(dir.path())
            .args(["--mode", mode]);
        let mut cert = None;
        if tls != Tls::None {
            let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
                .expect("test certificate");
            let cert_path = dir.path().join("cert.pem");
            let key_path = dir.path().join("key.pem");
            std::fs::write(&cert_path, certified.cert.pem()).unwrap();
            std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
            command
                .arg("--cert")
                .arg(&cert_path)
                .arg("--key")
                .arg(&key_path);
            if tls == Tls::Implicit {
                command.arg("--implicit");
            }
            cert = Some(cert_path);
        }
        if auth {
            command.args(["--user", USER, "--password", PASSWORD]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs (scripts/test installs aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP server printed {line:?}: is aiosmtpd installed?"));
        Sink {
            child,
            port,
            dir,
            cert,
        }
    }

    /// The SMTP URL with the test user's URL-encoded credentials.
    fn url(&self, scheme_and_query: (&str, &str)) -> String {
        let user = percent_encode(USER);
        let password = percent_encode(PASSWORD);
        format!(
            "{}://{user}:{password}@127.0.0.1:{}{}",
            scheme_and_query.0, self.port, scheme_and_query.1
        )
    }

    /// The messages received so far, parsed: (envelope, message).
    fn received(&self) -> Vec<(Value, Value)> {
        let mut out = Vec::new();
        for n in 1.. {
            let eml = self.dir.path().join(format!("{n}.eml"));
            if !eml.exists() {
                break;
            }
            let envelope: Value = serde_json::from_str(
                &std::fs::read_to_string(self.dir.path().join(format!("{n}.json"))).unwrap(),
            )
            .unwrap();
            let parsed = Command::new("python3")
                .arg(SINK)
                .arg("--parse")
                .arg(&eml)
                .output()
                .unwrap();
            assert!(parsed.status.success(), "{parsed:?}");
            let raw = std::fs::read_to_string(&eml).unwrap();
            assert!(
                !raw.contains(PASSWORD),
                "the password is not in the message"
            );
            out.push((envelope, serde_json::from_slice(&parsed.stdout).unwrap()));
        }
        out
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Run a scan with email settings in the environment (the sender too, unless a config file is
/// given: then it names the sender); returns (exit code, stdout, stderr).
fn scan_mailing(sink: &Sink, url: &str, args: &[&str]) -> (i32, String, String) {
    let mut cmd = trackaudit();
    cmd.arg("scan")
        .args(args)
        .env("TRACKAUDIT_SMTP_URL", url)
        .env_remove("TRACKAUDIT_EMAIL_FROM");
    if !args.contains(&"--config") {
        cmd.env("TRACKAUDIT_EMAIL_FROM", "trackaudit@bestuur.example");
    }
    if let Some(cert) = &sink.cert {
        cmd.env("TRACKAUDIT_SMTP_CA_FILE", cert);
    }
    let output = cmd.output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    for text in [&stdout, &stderr] {
        assert!(
            !text.contains(PASSWORD),
            "the password was printed:\n{text}"
        );
        assert!(!text.contains(&percent_encode(PASSWORD)), "{text}");
    }
    (output.status.code().unwrap(), stdout, stderr)
}

fn files_do_not_contain_the_password(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_do_not_contain_the_password(&path);
        } else {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(PASSWORD),
                "{} holds the password",
                path.display()
            );
        }
    }
}

#[test]
fn email_over_starttls_with_auth_has_both_bodies_and_the_reports_attached() {
    let sink = Sink::start("accept", Tls::Starttls, true);
    let out = tempfile::tempdir().unwrap();
    let demo = fixture("demo-school");
    let (code, _, stderr) = scan_mailing(
        &sink,
        &sink.url(("smtp", "?tls=required")),
        &[
            demo.to_str().unwrap(),
            "--email-to",
            "dpo@bestuur.example",
            "--format",
            "json",
            "--output",
            out.path().join("scan.json").to_str().unwrap(),
            "-v",
        ],
    );
    assert_eq!(code, 1, "findings, delivered: {stderr}");
    files_do_not_contain_the_password(out.path());
    let received = sink.received();
    assert_eq!(received.len(), 1, "one message");
    let (envelope, message) = &received[0];
    assert_eq!(envelope["tls"], true, "STARTTLS was used");
    assert_eq!(envelope["authenticated"], true);
    assert_eq!(envelope["to"][0], "dpo@bestuur.example");
    let subject = message["subject"].as_str().unwrap();
    assert!(
        subject.starts_with("[trackaudit] FAIL — 7 high — "),
        "{subject}"
    );
    assert_eq!(message["content_type"], "multipart/mixed");
    let text = message["text"].as_str().unwrap();
    assert!(text.contains("Summary"), "{text}");
    assert!(text.contains("FAIL — findings at or above the failure threshold"));
    let body = message["html"].as_str().unwrap();
    assert!(body.contains("<h2>Summary</h2>"), "{body}");
    let names: Vec<&str> = message["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["report.html", "sites.csv"]);
    let attached_html = message["attachments"][0]["content"].as_str().unwrap();
    assert!(attached_html.contains("Content-Security-Policy"));
    assert!(attached_html.contains("Google Analytics"));
    let csv = message["attachments"][1]["content"].as_str().unwrap();
    assert!(csv.starts_with("name,site,verdict,"), "{csv}");
}

#[test]
fn on_change_mails_in_dutch_only_what_changed() {
    let sink = Sink::start("accept", Tls::None, false);
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let state = tempfile::tempdir().unwrap();
    let ga =
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-MAIL000001\"></script>";
    let pixel = "<script src=\"https://connect.facebook.net/en_US/fbevents.js\"></script><script>fbq('init', '1234567890123456');</script>";
    let (site, head) = changing_site(ga);
    let targets = state.path().join("targets.txt");
    std::fs::write(
        &targets,
        format!("{site}  Basisschool De Linde  directie@linde.example\n"),
    )
    .unwrap();
    let run = || {
        scan_mailing(
            &sink,
            &url,
            &[
                "--targets",
                targets.to_str().unwrap(),
                "--state",
                state.path().join("state").to_str().unwrap(),
                "--notify",
                "on-change",
                "--lang",
                "nl",
                "-q",
            ],
        )
    };
    // The first scan has nothing to compare with: no change, no message.
    assert_eq!(run().0, 1);
    assert_eq!(sink.received().len(), 0);
    // A pixel appears: one message to the site's own recipient, in Dutch, led by what is new.
    *head.lock().unwrap() = format!("{ga}{pixel}");
    assert_eq!(run().0, 1);
    let received = sink.received();
    assert_eq!(received.len(), 1);
    let (envelope, message) = &received[0];
    assert_eq!(envelope["to"][0], "directie@linde.example");
    assert_eq!(
        message["subject"],
        "[trackaudit] AFGEKEURD — 1 nieuw: Meta-pixel — 127.0.0.1"
    );
    let text = message["text"].as_str().unwrap();
    assert!(text.starts_with("Nieuw sinds de vorige scan"), "{text}");
    assert!(text.contains("Meta-pixel (Basisschool De Linde"), "{text}");
    assert!(text.find("Nieuw").unwrap() < text.find("Samenvatting").unwrap());
    let body = message["html"].as_str().unwrap();
    assert!(
        body.contains("<h2>Nieuw sinds de vorige scan</h2>"),
        "{body}"
    );
    // Nothing changed since: no message.
    assert_eq!(run().0, 1);
    assert_eq!(
        sink.received().len(),
        1,
        "on-change sends nothing without a change"
    );
}

#[test]
fn an_smtp_server_that_refuses_keeps_the_report_and_exits_4() {
    let sink = Sink::start("refuse", Tls::None, false);
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("scan.json");
    let (code, _, stderr) = scan_mailing(
        &sink,
        &format!("smtp://127.0.0.1:{}", sink.port),
        &[
            fixture("clean-school").to_str().unwrap(),
            "--email-to",
            "dpo@bestuur.example",
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("dpo@bestuur.example not delivered"),
        "{stderr}"
    );
    assert!(stderr.contains("550"), "{stderr}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["sites"].as_array().unwrap().len(), 1);
}

#[test]
fn a_wrong_password_is_reported_without_the_password() {
    let sink = Sink::start("accept", Tls::Starttls, true);
    let wrong = format!(
        "smtp://{}:{}@127.0.0.1:{}?tls=required",
        percent_encode(USER),
        percent_encode("not-the-password-x9"),
        sink.port
    );
    let (code, _, stderr) = scan_mailing(
        &sink,
        &wrong,
        &[
            fixture("clean-school").to_str().unwrap(),
            "--email-to",
            "dpo@bestuur.example",
            "-q",
        ],
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(!stderr.contains("not-the-password-x9"), "{stderr}");
    assert!(stderr.contains("not delivered"), "{stderr}");
    // The server's refusal, not a time-out: a permanent error is reported as such.
    assert!(stderr.contains("535"), "{stderr}");
    assert_eq!(sink.received().len(), 0);
}

#[test]
fn an_smtp_server_that_hangs_or_is_down_ends_in_exit_4() {
    let sink = Sink::start("hang", Tls::None, false);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("trackaudit.toml");
    std::fs::write(
        &config,
        "[email]\nfrom = \"trackaudit@bestuur.example\"\ntimeout = 2\nattempts = 1\n",
    )
    .unwrap();
    let args = |_: ()| {
        vec![
            fixture("clean-school").display().to_string(),
            "--email-to".to_owned(),
            "dpo@bestuur.example".to_owned(),
            "--config".to_owned(),
            config.display().to_string(),
            "-q".to_owned(),
        ]
    };
    let owned = args(());
    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    let (code, _, stderr) = scan_mailing(&sink, &format!("smtp://127.0.0.1:{}", sink.port), &refs);
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("not delivered"), "{stderr}");

    // Nothing listens on the port of a server that was stopped.
    let port = sink.port;
    drop(sink);
    let down = Sink::start("accept", Tls::None, false);
    let (code, _, stderr) = scan_mailing(&down, &format!("smtp://127.0.0.1:{port}"), &refs);
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
}

#[test]
fn email_without_an_smtp_server_is_a_usage_error_before_the_scan() {
    trackaudit()
        .args([
            "scan",
            "http://127.0.0.1:9/",
            "--email-to",
            "dpo@bestuur.example",
        ])
        .env_remove("TRACKAUDIT_SMTP_URL")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("TRACKAUDIT_SMTP_URL"));
}

#[test]
fn email_over_implicit_tls_goes_once_to_each_recipient_covering_their_sites() {
    let sink = Sink::start("accept", Tls::Implicit, true);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("trackaudit.toml");
    std::fs::write(
        &config,
        "[email]\nto = [\"fg@bestuur.example\"]\nfrom = \"audit@bestuur.example\"\n",
    )
    .unwrap();
    let targets = dir.path().join("targets.txt");
    std::fs::write(
        &targets,
        format!(
            "{}  Demo school  directie@demo.example\n{}\tClean school\tict@clean.example, directie@demo.example\n",
            fixture("demo-school").display(),
            fixture("clean-school").display()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = scan_mailing(
        &sink,
        &sink.url(("smtps", "")),
        &[
            "--targets",
            targets.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
            "--format",
            "html",
            "--output",
            out.to_str().unwrap(),
            "-vv",
        ],
    );
    assert_eq!(code, 1, "findings, delivered: {stderr}");
    files_do_not_contain_the_password(dir.path());
    let received = sink.received();
    let mut by_recipient: Vec<(String, String, bool, bool)> = received
        .iter()
        .map(|(envelope, message)| {
            assert_eq!(
                envelope["to"].as_array().unwrap().len(),
                1,
                "one recipient a message"
            );
            (
                envelope["to"][0].as_str().unwrap().to_owned(),
                message["text"].as_str().unwrap().to_owned(),
                envelope["tls"] == true,
                envelope["authenticated"] == true,
            )
        })
        .collect();
    by_recipient.sort();
    let who: Vec<&str> = by_recipient.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        who,
        [
            "directie@demo.example",
            "fg@bestuur.example",
            "ict@clean.example"
        ]
    );
    for (to, text, tls, authenticated) in &by_recipient {
        assert!(*tls && *authenticated, "{to}: under TLS, authenticated");
        let demo = text.contains("Demo school");
        let clean = text.contains("Clean school");
        match to.as_str() {
            "ict@clean.example" => assert!(clean && !demo, "{text}"),
            _ => assert!(clean && demo, "{to} gets both sites:\n{text}"),
        }
    }
    assert_eq!(
        received[0].1["from"], "audit@bestuur.example",
        "the config's sender"
    );
}

#[test]
fn starttls_required_sends_nothing_to_a_server_without_it() {
    // A server (or a man in the middle) that does not offer STARTTLS gets neither the
    // credentials nor the report.
    let sink = Sink::start("accept", Tls::None, false);
    let (code, _, stderr) = scan_mailing(
        &sink,
        &sink.url(("smtp", "?tls=required")),
        &[
            fixture("clean-school").to_str().unwrap(),
            "--email-to",
            "dpo@bestuur.example",
            "-q",
        ],
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("not delivered"), "{stderr}");
    assert_eq!(sink.received().len(), 0);
}

#[test]
fn a_certificate_the_client_does_not_trust_is_refused_with_a_hint() {
    let mut sink = Sink::start("accept", Tls::Implicit, true);
    // Without the test CA the self-signed certificate is not trusted.
    sink.cert = None;
    let (code, _, stderr) = scan_mailing(
        &sink,
        &sink.url(("smtps", "")),
        &[
            fixture("clean-school").to_str().unwrap(),
            "--email-to",
            "dpo@bestuur.example",
            "-q",
        ],
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("TRACKAUDIT_SMTP_CA_FILE"), "{stderr}");
    assert_eq!(sink.received().len(), 0);
}

/// The settings as the library resolves them (no scan, no server): the flags and the
/// environment win over the config, an empty `TRACKAUDIT_SMTP_URL` counts as unset, and no
/// error names the password, whichever source the URL came from.
#[test]
fn email_settings_come_from_flags_environment_and_config_without_the_password() {
    use trackaudit::notify::{EmailRequest, Notify, resolve};
    use trackaudit::policy::config::EmailConfig;

    let encoded = percent_encode(PASSWORD);
    let config = EmailConfig {
        to: vec!["bestuur@school.example".into()],
        from: Some("config@school.example".into()),
        smtp_url: Some(format!("smtps://config:{encoded}@config.example")),
        timeout_s: Some(7),
        attempts: Some(2),
        ..EmailConfig::default()
    };
    let request = EmailRequest {
        to: vec!["fg@school.example".into()],
        from: Some("Audit <audit@school.example>".into()),
        per_site: vec![
            ("https://a.example/".into(), vec!["a@school.example".into()]),
            ("https://b.example/".into(), vec![]),
        ],
        smtp_url: Some(format!("smtp://env:{encoded}@env.example?tls=required")),
        ..EmailRequest::default()
    };
    let settings = resolve(request.clone(), &config).unwrap().unwrap();
    assert_eq!(settings.smtp.server(), "env.example:587");
    assert_eq!(settings.smtp.timeout, std::time::Duration::from_secs(7));
    assert_eq!(settings.smtp.attempts, 2);
    assert_eq!(settings.from.email.to_string(), "audit@school.example");
    let to: Vec<String> = settings.to.iter().map(|m| m.email.to_string()).collect();
    assert_eq!(to, ["fg@school.example", "bestuur@school.example"]);
    assert_eq!(
        settings.per_site.len(),
        1,
        "a target without recipients is left out"
    );
    assert_eq!(settings.notify, Notify::Always);
    assert!(!format!("{settings:?}").contains(PASSWORD));
    assert!(!format!("{settings:?}").contains(&encoded));

    let from_config = EmailRequest {
        smtp_url: Some(String::new()),
        from: None,
        ..request.clone()
    };
    let settings = resolve(from_config, &config).unwrap().unwrap();
    assert_eq!(settings.smtp.server(), "config.example:465");
    assert_eq!(settings.from.email.to_string(), "config@school.example");

    // Nobody to mail: no settings, unless --notify asks for mail.
    let nobody = EmailConfig::default();
    assert!(resolve(EmailRequest::default(), &nobody).unwrap().is_none());
    let notify = EmailRequest {
        notify: Some(Notify::OnChange),
        ..EmailRequest::default()
    };
    let e = resolve(notify, &nobody).unwrap_err().to_string();
    assert!(e.contains("--notify needs a recipient"), "{e}");

    let errors = [
        (
            EmailRequest {
                smtp_url: Some(format!("smtp://env:{encoded}@env.example:99999")),
                ..request.clone()
            },
            &config,
            "TRACKAUDIT_SMTP_URL: ",
        ),
        (
            EmailRequest {
                smtp_url: None,
                ..request.clone()
            },
            &EmailConfig {
                smtp_url: Some(format!("ftp://config:{encoded}@config.example")),
                ..config.clone()
            },
            "smtp_url in [email] of the config: ",
        ),
        (
            EmailRequest {
                smtp_url: None,
                ..request.clone()
            },
            &EmailConfig {
                smtp_url: None,
                ..config.clone()
            },
            "email needs an SMTP server",
        ),
        (
            EmailRequest {
                from: None,
                ..request.clone()
            },
            &EmailConfig {
                from: None,
                ..config.clone()
            },
            "email needs a sender",
        ),
        (
            EmailRequest {
                to: vec!["not an address".into()],
                ..request.clone()
            },
            &config,
            "\"not an address\" is not an email address",
        ),
    ];
    for (request, config, expected) in errors {
        let e = resolve(request, config).unwrap_err().to_string();
        assert!(e.starts_with(expected), "{e}");
        assert!(!e.contains(PASSWORD) && !e.contains(&encoded), "{e}");
    }
}

/// A CA file for the mail server that is not a certificate (a web page, an empty file, a key,
/// a broken base64 body) is refused before anything is sent, naming the file.
#[test]
fn a_ca_file_without_a_certificate_is_refused_before_the_scan() {
    use trackaudit::notify::{EmailRequest, resolve};
    use trackaudit::policy::config::EmailConfig;

    let tmp = tempfile::tempdir().unwrap();
    let request = |ca: &std::path::Path| EmailRequest {
        to: vec!["fg@school.example".into()],
        from: Some("audit@school.example".into()),
        smtp_url: Some("smtps://mail.example".into()),
        ca_file: Some(ca.to_path_buf()),
        ..EmailRequest::default()
    };
    let cases = [
        (
            "page.html",
            "<!doctype html><title>Not a certificate</title>",
        ),
        ("empty.pem", ""),
        (
            "key.pem",
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
        ),
        (
            "broken.pem",
            "-----BEGIN CERTIFICATE-----\n!!! not base64 !!!\n-----END CERTIFICATE-----\n",
        ),
        // Valid base64 that is no certificate: text, and a private key's DER in the block.
        (
            "text.pem",
            "-----BEGIN CERTIFICATE-----\nVGhpcyBpcyBub3QgYSBjZXJ0aWZpY2F0ZS4=\n-----END CERTIFICATE-----\n",
        ),
        (
            "key-in-certificate.pem",
            "-----BEGIN CERTIFICATE-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END CERTIFICATE-----\n",
        ),
    ];
    for (name, text) in cases {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        let e = resolve(request(&path), &EmailConfig::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(name) && e.contains("not a PEM certificate"),
            "{name}: {e}"
        );
    }
    // The test CA of the other tests is accepted.
    let sink_ca = tmp.path().join("ca.pem");
    let cert = rcgen::generate_simple_self_signed(vec!["mail.example".into()]).unwrap();
    std::fs::write(&sink_ca, cert.cert.pem()).unwrap();
    assert!(resolve(request(&sink_ca), &EmailConfig::default()).is_ok());
    // A good certificate does not carry a bad one after it.
    let mixed = tmp.path().join("mixed.pem");
    std::fs::write(&mixed, format!("{}{}", cert.cert.pem(), cases[4].1)).unwrap();
    let e = resolve(request(&mixed), &EmailConfig::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("mixed.pem") && e.contains("block 2"), "{e}");
    // The scan refuses it before anything is scanned: nothing listens at the target.
    trackaudit()
        .args([
            "scan",
            "http://127.0.0.1:9/",
            "--email-to",
            "fg@school.example",
        ])
        .args(["--email-from", "audit@school.example"])
        .env("TRACKAUDIT_SMTP_URL", "smtps://mail.example")
        .env("TRACKAUDIT_SMTP_CA_FILE", &mixed)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("mixed.pem"))
        .stderr(predicates::str::contains("not an X.509 certificate"));
}
