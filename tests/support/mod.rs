//! Shared test helpers: real HTTP servers on loopback and the real binary.
#![allow(dead_code)]

pub mod dutch;
pub mod hostile;
pub mod misbehaving;
pub mod slow;
pub mod thirdparty;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use serde_json::Value;

/// The fixture folder of a site.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sites")
        .join(name)
}

/// The trackaudit binary, with a clean environment for language and colours.
pub fn trackaudit() -> Command {
    let mut cmd = Command::cargo_bin("trackaudit").expect("binary is built");
    cmd.env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1");
    cmd
}

/// Run a scan with `--format json` and return the exit code and the parsed report.
pub fn scan_json(args: &[&str]) -> (i32, Value) {
    let output = trackaudit()
        .arg("scan")
        .args(args)
        .args(["--format", "json", "-q"])
        .output()
        .expect("trackaudit runs");
    let code = output.status.code().expect("exit code");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON report ({e}); exit {code}\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, report)
}

/// Copy a folder (a fixture site) with everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

/// A static file server for a fixture folder, on its own thread and runtime.
pub fn serve_folder(root: PathBuf) -> SocketAddr {
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(root));
    spawn_server(app)
}

/// Serve an axum app on an ephemeral loopback port until the test process ends.
pub fn spawn_server(app: axum::Router) -> SocketAddr {
    spawn_serving(|listener| async move {
        axum::serve(listener, app).await.expect("serve");
    })
}

/// Bind an ephemeral loopback port and run `serve` on it, on its own thread and runtime, until
/// the test process ends.
pub fn spawn_serving<F>(
    serve: impl FnOnce(tokio::net::TcpListener) -> F + Send + 'static,
) -> SocketAddr
where
    F: std::future::Future<Output = ()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind loopback");
            tx.send(listener.local_addr().expect("local addr"))
                .expect("send addr");
            serve(listener).await;
        });
    });
    rx.recv().expect("server started")
}

/// Sorted string values of `field` over the items of a JSON array.
pub fn strings(items: &Value, field: &str) -> Vec<String> {
    let mut out: Vec<String> = items
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i[field].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

/// The service object with this id, if the site has it.
pub fn service<'a>(site: &'a Value, id: &str) -> Option<&'a Value> {
    site["services"].as_array()?.iter().find(|s| s["id"] == id)
}

/// The findings of a rule.
pub fn findings<'a>(site: &'a Value, rule: &str) -> Vec<&'a Value> {
    site["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["rule"] == rule).collect())
        .unwrap_or_default()
}

/// The page object with this URL.
pub fn page<'a>(site: &'a Value, url: &str) -> Option<&'a Value> {
    site["pages"].as_array()?.iter().find(|p| p["url"] == url)
}

/// A one-page site whose `<head>` the test changes between runs.
pub fn changing_site(head: &str) -> (String, Arc<Mutex<String>>) {
    let current = Arc::new(Mutex::new(head.to_owned()));
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(|axum::extract::State(head): axum::extract::State<Arc<Mutex<String>>>| async move {
                let head = head.lock().map(|h| h.clone()).unwrap_or_default();
                hostile::html(format!(
                    "<html><head><title>School</title>{head}</head><body><a href=\"/privacy\">Privacy</a></body></html>"
                ))
            }),
        )
        .with_state(Arc::clone(&current));
    (format!("http://{}/", spawn_server(app)), current)
}
