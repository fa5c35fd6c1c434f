//! Sites written to hurt the reader of a report or the machine that scans: control characters
//! and formulas in what a page controls, credentials in URLs, pathological markup, huge robots.txt
//! files, ports beside the site. Each builder returns a router; `super::spawn_server` serves it.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn html(body: impl Into<String>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

/// A page whose title, inline code and third-party hosts carry terminal escapes and formulas.
pub fn injection() -> Router {
    Router::new().route(
        "/",
        get(|| async {
            html(
                "<!doctype html><html><head><title>School \u{1b}]0;pwned\u{7}\u{1b}[2J</title>\
                 <script>/* \u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m */ gtag('config', 'G-INJECT0001');</script>\
                 <script src=\"https://=1+2.evil.example/x.js\"></script>\
                 <script src=\"https://-2+3.evil.example/y.js\"></script>\
                 <img src=\"https://+cmd.evil.example/p.gif\">\
                 </head><body><a href=\"/privacy\">Privacy</a></body></html>",
            )
        }),
    )
}

/// Requests seen with an Authorization header (credentials from the URL are sent that way).
#[derive(Clone, Default)]
pub struct Authorized(pub Arc<Mutex<Vec<String>>>);

/// A site that links and redirects with credentials in its URLs and loads a tracker with a key
/// in its userinfo.
pub fn credentials(seen: Authorized) -> Router {
    let record = move |path: &'static str, headers: HeaderMap| {
        if headers.contains_key(header::AUTHORIZATION) {
            if let Ok(mut seen) = seen.0.lock() {
                seen.push(path.to_owned());
            }
        }
    };
    let on_index = record.clone();
    let on_page = record.clone();
    Router::new()
        .route(
            "/",
            get(move |headers: HeaderMap| async move {
                on_index("/", headers);
                html(
                    "<html><head><title>Home</title>\
                     <script src=\"https://publickey:trackersecret@o1.ingest.sentry.example/api.js\"></script>\
                     </head><body><a href=\"http://linkuser:linksecret@localhost.invalid/x\">x</a>\
                     <a href=\"/moved\">moved</a></body></html>",
                )
            }),
        )
        .route(
            "/moved",
            get(|headers: HeaderMap| async move {
                let host = host_of(&headers);
                (
                    StatusCode::FOUND,
                    [(
                        header::LOCATION,
                        format!("http://hopuser:redirectsecret@{host}/page"),
                    )],
                )
                    .into_response()
            }),
        )
        .route(
            "/page",
            get(move |headers: HeaderMap| async move {
                on_page("/page", headers);
                html("<html><head><title>Page</title></head><body>page</body></html>")
            }),
        )
}

/// A page with a Google Analytics id, so a test can tell from the report that it was read.
pub fn tagged(id: &str, links: &[&str]) -> Response {
    let links: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">{l}</a> "))
        .collect();
    html(format!(
        "<html><head><title>{id}</title><script async src=\"https://www.googletagmanager.com/gtag/js?id={id}\"></script></head><body>{links}</body></html>"
    ))
}

/// A site whose robots.txt has a group for `TrackAudit` (allowing all but `/intern/`), a `*`
/// group that forbids everything, `late_rule_after` bytes of other crawlers' wildcard rules and
/// then a rule for everyone that a reader of the whole file would obey, and a gzip-compressed
/// sitemap served as `application/gzip` without `Content-Encoding`.
pub fn robots_and_sitemaps(late_rule_after: usize) -> Router {
    let robots = move |headers: HeaderMap| async move {
        let host = host_of(&headers);
        let mut text = format!(
            "User-agent: *\nDisallow: /\n\nUser-agent: TrackAudit\nDisallow: /intern/\n\n\
             Sitemap: http://{host}/sitemap.xml.gz\n\nUser-agent: otherbot\n"
        );
        while text.len() < late_rule_after {
            text.push_str("Disallow: /*a*b*c*d*e*f*g*\n");
        }
        text.push_str("\nUser-agent: trackaudit\nDisallow: /late/\n");
        text
    };
    let sitemap = |headers: HeaderMap| async move {
        let xml = format!(
            "<urlset><url><loc>http://{}/only-in-sitemap</loc></url></urlset>",
            host_of(&headers)
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, xml.as_bytes()).expect("gzip in memory");
        let body = gz.finish().expect("gzip in memory");
        ([(header::CONTENT_TYPE, "application/gzip")], body).into_response()
    };
    Router::new()
        .route(
            "/",
            get(|| async { tagged("G-ROBOTSHOME", &["/intern/a", "/late/b"]) }),
        )
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml.gz", get(sitemap))
        .route("/intern/a", get(|| async { tagged("G-INTERN0001", &[]) }))
        .route("/late/b", get(|| async { tagged("G-LATE000001", &[]) }))
        .route(
            "/only-in-sitemap",
            get(|| async { tagged("G-SITEMAPGZ1", &[]) }),
        )
}

fn host_of(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned()
}

/// Markup that is quadratic for an HTML5 parser, beside a normal page.
pub fn pathological_markup() -> Router {
    let deep = || async { html(format!("<html><body>{}", "<div>".repeat(100_000))) };
    let attributes = || async {
        let attributes: String = (0..1_000_000).map(|n| format!(" a{n}")).collect();
        html(format!("<html><body><div{attributes}>x</div>"))
    };
    let many = || async { html(format!("<html><body>{}", "<i></i>".repeat(1_200_000))) };
    let stray = || async { html(format!("<html><body>{}", "<".repeat(1_000_000))) };
    // NULs before a tag: the page is read (without them) and the tag is found.
    let nul = || async {
        html(format!(
            "<html><body>{}<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-AFTERNUL01\"></script>",
            "\0".repeat(1_000_000)
        ))
    };
    Router::new()
        .route(
            "/",
            get(|| async {
                tagged(
                    "G-NORMAL0001",
                    &["/deep", "/attributes", "/many", "/stray", "/nul"],
                )
            }),
        )
        .route("/deep", get(deep))
        .route("/attributes", get(attributes))
        .route("/many", get(many))
        .route("/stray", get(stray))
        .route("/nul", get(nul))
}

/// A page that loads an image from each of `hosts` distinct third-party hosts (after a Google
/// Analytics tag), and links a normal page.
pub fn third_party_flood(hosts: usize) -> Router {
    let flood = move || async move {
        let mut page = String::with_capacity(hosts * 26 + 200);
        page.push_str("<html><head><title>Flood</title>");
        page.push_str("<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-FLOOD00001\"></script>");
        page.push_str("</head><body><a href=\"/next\">next</a>");
        for n in 0..hosts {
            page.push_str(&format!("<img src=//h{n}.x.test>"));
        }
        html(page)
    };
    Router::new()
        .route("/", get(flood))
        .route("/next", get(|| async { tagged("G-FLOODNEXT1", &[]) }))
}

/// A Meta pixel behind `junk` unknown third-party hosts named in reverse order (`h{junk-1}` first),
/// on `/hosts`; and behind `images` same-site images, on `/gallery`.
pub fn tracker_behind_a_flood(junk: usize, images: usize) -> Router {
    const PIXEL: &str =
        "<img src=\"https://www.facebook.com/tr?id=123&ev=PageView\" width=1 height=1>";
    let hosts = move || async move {
        let mut page = String::from("<html><head><title>Hosts</title></head><body>");
        for n in (0..junk).rev() {
            page.push_str(&format!("<img src=//h{n}.x.test>"));
        }
        page.push_str(PIXEL);
        html(page)
    };
    let gallery = move || async move {
        let mut page = String::from("<html><head><title>Gallery</title></head><body>");
        for n in 0..images {
            page.push_str(&format!("<img src=/img/p{n}.jpg>"));
        }
        page.push_str(PIXEL);
        html(page)
    };
    Router::new()
        .route("/hosts", get(hosts))
        .route("/gallery", get(gallery))
}

/// Paths requested from a server, in order.
#[derive(Clone, Default)]
pub struct Requests(pub Arc<Mutex<Vec<String>>>);

impl Requests {
    pub fn paths(&self) -> Vec<String> {
        self.0.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Any path but robots.txt and the sitemap: a page with the Google Analytics id `id` that links
/// `links`. Every request's path is recorded.
pub fn recording(id: &'static str, links: Vec<String>, seen: Requests) -> Router {
    Router::new().fallback(move |uri: axum::http::Uri| {
        let seen = seen.clone();
        let links = links.clone();
        async move {
            if let Ok(mut seen) = seen.0.lock() {
                seen.push(uri.path().to_owned());
            }
            if matches!(uri.path(), "/robots.txt" | "/sitemap.xml") {
                return StatusCode::NOT_FOUND.into_response();
            }
            let links: Vec<&str> = links.iter().map(String::as_str).collect();
            tagged(id, &links)
        }
    })
}

/// Requests in flight at once, and the most there were.
#[derive(Clone, Default)]
pub struct InFlight {
    now: Arc<std::sync::atomic::AtomicUsize>,
    pub most: Arc<std::sync::atomic::AtomicUsize>,
}

/// A site whose robots.txt names `sitemaps` sitemap files that never answer (counted in
/// `in_flight`), with a start page that links a page that never answers either.
pub fn hanging(sitemaps: usize, in_flight: InFlight) -> Router {
    use std::sync::atomic::Ordering;
    let robots = move |headers: HeaderMap| async move {
        let host = host_of(&headers);
        (0..sitemaps)
            .map(|n| format!("Sitemap: http://{host}/sitemaps/{n}\n"))
            .collect::<String>()
    };
    let sitemap = move || {
        let in_flight = in_flight.clone();
        async move {
            let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
            in_flight.most.fetch_max(now, Ordering::SeqCst);
            // Counted down when the client gives up and the handler is dropped.
            let _done = CountDown(in_flight.now.clone());
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            String::new()
        }
    };
    Router::new()
        .route("/", get(|| async { tagged("G-HANGING001", &["/hang"]) }))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(|| async { StatusCode::NOT_FOUND }))
        .route("/sitemaps/{n}", get(sitemap))
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                String::new()
            }),
        )
}

struct CountDown(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for CountDown {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}
