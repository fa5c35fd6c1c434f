//! A test site that misbehaves on purpose: slow pages, 500s, 429 with Retry-After, redirect
//! loops, a huge page, gzip, windows-1252, broken HTML, a crawler trap, robots.txt and a sitemap.
//! Every page carries a Google Analytics tag with its own id, so a test can tell from the report
//! which pages were really read.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// How often each path was requested.
#[derive(Clone, Default)]
pub struct Hits(Arc<Mutex<HashMap<String, usize>>>);

impl Hits {
    fn count(&self, path: &str) -> usize {
        let mut map = self.0.lock().unwrap();
        let n = map.entry(path.to_owned()).or_default();
        *n += 1;
        *n
    }

    pub fn get(&self, path: &str) -> usize {
        self.0.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

pub struct Misbehaving {
    pub addr: SocketAddr,
    pub hits: Hits,
}

impl Misbehaving {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Bytes of the huge page: above the crawler's 10 MiB cap.
pub const HUGE_PAGE_BYTES: usize = 12 * 1024 * 1024;

pub fn start() -> Misbehaving {
    let hits = Hits::default();
    let app = Router::new()
        .route("/", get(index))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
        .route("/only-in-sitemap", get(|| page("G-SITEMAP001", "")))
        .route("/private/secret", get(|| page("G-PRIVATE001", "")))
        .route("/slow", get(slow))
        .route(
            "/error500",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .route("/flaky", get(flaky))
        .route("/ratelimited", get(ratelimited))
        .route("/loop-a", get(|| redirect("/loop-b")))
        .route("/loop-b", get(|| redirect("/loop-a")))
        .route("/moved", get(|| redirect("/target")))
        .route("/target", get(|| page("G-TARGET0001", "")))
        .route(
            "/away",
            get(|| redirect("https://elsewhere.example.org/landing")),
        )
        .route("/huge", get(huge))
        .route("/gzip", get(gzip))
        .route("/legacy", get(legacy))
        .route("/broken", get(broken))
        .route("/image.png", get(image))
        .route("/trap/{n}", get(trap))
        .with_state(hits.clone());
    let hits_for_counting = hits.clone();
    let app = app.layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            let hits = hits_for_counting.clone();
            async move {
                hits.count(req.uri().path());
                next.run(req).await
            }
        },
    ));
    let addr = super::spawn_server(app);
    Misbehaving { addr, hits }
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn ga(id: &str) -> String {
    format!(r#"<script async src="https://www.googletagmanager.com/gtag/js?id={id}"></script>"#)
}

async fn page(id: &'static str, extra: &'static str) -> Response {
    html(format!(
        "<!doctype html><html><head><title>{id}</title>{}</head><body><p>{extra}</p><a href=\"/privacy\">Privacy</a></body></html>",
        ga(id)
    ))
}

async fn redirect(to: &'static str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

async fn index() -> Response {
    let links = [
        "/slow",
        "/error500",
        "/flaky",
        "/ratelimited",
        "/loop-a",
        "/moved",
        "/away",
        "/huge",
        "/gzip",
        "/legacy",
        "/broken",
        "/image.png",
        "/private/secret",
        "/notfound",
    ];
    let list: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{l}\">{l}</a></li>"))
        .collect();
    html(format!(
        "<!doctype html><html><head><title>Misbehaving</title>{}</head><body><ul>{list}</ul></body></html>",
        ga("G-INDEX00001")
    ))
}

async fn robots(headers: HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("User-agent: *\nDisallow: /private/\n\nSitemap: http://{host}/sitemap.xml\n")
}

async fn sitemap(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://{host}/only-in-sitemap</loc></url><url><loc>https://elsewhere.example.org/not-in-scope</loc></url></urlset>"#
    );
    ([(header::CONTENT_TYPE, "application/xml")], xml).into_response()
}

async fn slow() -> Response {
    tokio::time::sleep(Duration::from_secs(5)).await;
    page("G-SLOW000001", "").await
}

async fn flaky(State(hits): State<Hits>) -> Response {
    if hits.get("/flaky") <= 1 {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    page("G-FLAKY00001", "").await
}

async fn ratelimited(State(hits): State<Hits>) -> Response {
    if hits.get("/ratelimited") <= 1 {
        return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")]).into_response();
    }
    page("G-RATE000001", "").await
}

async fn huge() -> Response {
    let mut body = format!(
        "<!doctype html><html><head>{}</head><body>",
        ga("G-HUGE000001")
    );
    let filler =
        "<div class=\"row\"><p>Lorem ipsum dolor sit amet, consectetur adipiscing.</p></div>\n";
    while body.len() < HUGE_PAGE_BYTES {
        body.push_str(filler);
    }
    body.push_str(&ga("G-TAIL000001"));
    body.push_str("</body></html>");
    html(body)
}

async fn gzip() -> Response {
    let body = format!(
        "<!doctype html><html><head>{}</head><body>gzip</body></html>",
        ga("G-GZIP000001")
    );
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body.as_bytes()).unwrap();
    let compressed = encoder.finish().unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    (headers, compressed).into_response()
}

async fn legacy() -> Response {
    // "Café – één" in windows-1252: é = E9, – = 96, ë/é = EB/E9.
    let mut body = b"<html><head><title>Caf\xe9 \x96 \xe9\xe9n</title>".to_vec();
    body.extend_from_slice(ga("G-LEGACY0001").as_bytes());
    body.extend_from_slice(b"</head><body>\x93quoted\x94</body></html>");
    (
        [(header::CONTENT_TYPE, "text/html; charset=windows-1252")],
        body,
    )
        .into_response()
}

async fn broken() -> Response {
    html(
        "<html><body><div><p>unclosed <b>bold <table><tr><td>cell</div></span>\
         <script src=https://www.googletagmanager.com/gtag/js?id=G-BROKEN0001></script>\
         <img src=/a.png alt=x <p>"
            .to_owned(),
    )
}

async fn image() -> Response {
    (
        [(header::CONTENT_TYPE, "image/png")],
        vec![0x89u8, b'P', b'N', b'G'],
    )
        .into_response()
}

/// Every page links to two new pages, forever.
async fn trap(Path(n): Path<u64>) -> Response {
    html(format!(
        "<html><head>{}</head><body><a href=\"/trap/{}\">next</a> <a href=\"/trap/{}?session={n}\">again</a></body></html>",
        ga("G-TRAP000001"),
        n + 1,
        n + 2
    ))
}
