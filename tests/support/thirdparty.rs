//! A loopback internet for the browser tests: one HTTPS server (certificate generated here)
//! that plays every third party, told apart by the Host header. Chromium reaches it through
//! `--host-resolver-rules`; nothing leaves the machine.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, header};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// The hosts the stand-ins answer for; requests to any other host (Chromium's own calls home
/// at launch, mapped here too) are answered but not logged.
pub const HOSTS: &[&str] = &[
    "www.googletagmanager.com",
    "region1.google-analytics.com",
    "connect.facebook.net",
    "www.facebook.com",
    "widget.thirdparty-test.example",
    "api.thirdparty-test.example",
    // Consent platforms (their scripts are in fixtures/consent/thirdparty/).
    "consent.cookiebot.com",
    "cdn.cookielaw.org",
    "web.cmp.usercentrics.eu",
    "cdn-cookieyes.com",
    "sdk.privacy-center.org",
];

/// A running stand-in for the third parties.
pub struct ThirdParties {
    pub addr: SocketAddr,
    /// `host/path?query` of every request to one of [`HOSTS`], in arrival order.
    log: Arc<Mutex<Vec<String>>>,
}

impl ThirdParties {
    /// The Chromium flags that send every hostname but loopback's to this server, and accept
    /// its certificate (tests only); with `--allow-private`, since the third parties' public
    /// names lead to loopback (the private-address guard would refuse them, as it should).
    pub fn browser_args(&self) -> Vec<String> {
        vec![
            "--allow-private".to_owned(),
            format!(
                "--browser-arg=--host-resolver-rules=MAP * 127.0.0.1:{}, EXCLUDE 127.0.0.1",
                self.addr.port()
            ),
            "--browser-arg=--ignore-certificate-errors".to_owned(),
        ]
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

const GTM_JS: &str = r#"(function () {
  function load(src) {
    var s = document.createElement('script');
    s.async = true;
    s.src = src;
    document.head.appendChild(s);
  }
  load('https://www.googletagmanager.com/gtag/js?id=G-TEST123456');
  load('https://connect.facebook.net/en_US/fbevents.js');
})();
"#;

const GTAG_JS: &str = r#"document.cookie = '_ga=GA1.1.1234567890.1700000000; max-age=63072000; path=/';
document.cookie = '_ga_TEST123456=GS1.1.1700000000.1.0.1700000000.0.0.0; max-age=63072000; path=/';
navigator.sendBeacon('https://region1.google-analytics.com/g/collect?v=2&tid=G-TEST123456&cid=1234567890.1700000000&en=page_view');
"#;

const FBEVENTS_JS: &str = r#"document.cookie = '_fbp=fb.1.1700000000000.1234567890; max-age=7776000; path=/';
new Image().src = 'https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1';
"#;

const FRAME_HTML: &str = r#"<!doctype html><html><head><title>Agenda</title></head><body>
<p>Agenda widget</p>
<script>
  try { localStorage.setItem('widget_seen', '1'); } catch (e) {}
  try { sessionStorage.setItem('widget_tab', 'agenda'); } catch (e) {}
  fetch('/frame-beacon?from=iframe').catch(function () {});
</script>
</body></html>
"#;

/// Start the stand-in on an ephemeral loopback port, on its own thread and runtime.
pub fn start() -> ThirdParties {
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = {
        let log = Arc::clone(&log);
        axum::Router::new().fallback(move |request: Request<Body>| {
            let log = Arc::clone(&log);
            async move { answer(&request, &log) }
        })
    };
    let acceptor = tls_acceptor();
    let addr = super::spawn_serving(move |tcp| async move {
        axum::serve(TlsListener::new(tcp, acceptor), app)
            .await
            .expect("serve");
    });
    ThirdParties { addr, log }
}

fn answer(request: &Request<Body>, log: &Mutex<Vec<String>>) -> Response<Body> {
    let host = host_of(request.headers());
    let path = request.uri().path();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or(path, |p| p.as_str())
        .to_owned();
    if HOSTS.contains(&host.as_str()) {
        if let Ok(mut log) = log.lock() {
            log.push(format!("{host}{path_and_query}"));
        }
    }
    if (host.as_str(), path) == ("widget.thirdparty-test.example", "/own-cookie") {
        return own_cookie_frame(request.uri().query().unwrap_or_default());
    }
    let (content_type, body, cookies): (&str, &str, &[&str]) = match (host.as_str(), path) {
        ("www.googletagmanager.com", "/gtm.js") => ("text/javascript", GTM_JS, &[]),
        ("www.googletagmanager.com", "/gtag/js") => ("text/javascript", GTAG_JS, &[]),
        ("connect.facebook.net", "/en_US/fbevents.js") => ("text/javascript", FBEVENTS_JS, &[]),
        ("widget.thirdparty-test.example", "/frame.html") => (
            "text/html",
            FRAME_HTML,
            &["widget_id=w-42; Max-Age=86400; Path=/; Secure; SameSite=None"],
        ),
        // Two cookies Chromium refuses: SameSite=None without Secure, and a foreign domain.
        ("widget.thirdparty-test.example", "/frame-beacon") => (
            "text/plain",
            "",
            &[
                "beacon_uid=b-7; Max-Age=86400; Path=/; SameSite=None",
                "foreign_uid=f-9; Max-Age=86400; Path=/; Domain=elsewhere.example; Secure; SameSite=None",
            ],
        ),
        _ => match platform_script(&host, path) {
            Some(script) => {
                return Response::builder()
                    .header(header::CONTENT_TYPE, "text/javascript")
                    .body(Body::from(script))
                    .expect("a valid response");
            }
            None => ("text/plain", "", &[]),
        },
    };
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    for cookie in cookies {
        response = response.header(header::SET_COOKIE, *cookie);
    }
    response.body(Body::from(body)).expect("a valid response")
}

/// A third-party frame that sets a cookie of its own per page it is embedded in
/// (`?n=3`: `whttp_3` by `Set-Cookie`, `wjs_3` by its script).
fn own_cookie_frame(query: &str) -> Response<Body> {
    let n: u32 = query
        .strip_prefix("n=")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let body = format!(
        "<!doctype html><title>frame {n}</title><script>\
         document.cookie = 'wjs_{n}=1; Max-Age=86400; Path=/; Secure; SameSite=None';</script>"
    );
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html")
        .header(
            header::SET_COOKIE,
            format!("whttp_{n}=1; Max-Age=86400; Path=/; Secure; SameSite=None"),
        )
        .body(Body::from(body))
        .expect("a valid response")
}

/// A consent platform's script from `fixtures/consent/thirdparty/<host><path>`.
fn platform_script(host: &str, path: &str) -> Option<String> {
    if path.contains("..") || host.contains("..") || host.contains('/') {
        return None;
    }
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/consent/thirdparty")
        .join(host)
        .join(path.trim_start_matches('/'));
    std::fs::read_to_string(file).ok()
}

fn host_of(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A certificate for every host the stand-in plays, made for this test run.
fn tls_acceptor() -> TlsAcceptor {
    let names: Vec<String> = HOSTS.iter().map(|h| h.to_string()).collect();
    let certified = rcgen::generate_simple_self_signed(names).expect("test certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("TLS configuration");
    TlsAcceptor::from(Arc::new(config))
}

/// TCP with a TLS handshake per connection, for `axum::serve`. Handshakes run in their own
/// tasks: a browser's speculative connection that never says hello must not block the rest.
struct TlsListener {
    addr: SocketAddr,
    ready: tokio::sync::mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> TlsListener {
        let addr = tcp.local_addr().expect("local addr");
        let (tx, ready) = tokio::sync::mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = tcp.accept().await else {
                    continue;
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        let _ = tx.send((tls, peer)).await;
                    }
                });
            }
        });
        TlsListener { addr, ready }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The acceptor task never ends while the listener lives.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
