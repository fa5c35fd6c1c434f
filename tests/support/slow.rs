//! Small school sites that answer every request after a fixed latency and count the requests
//! in flight: to scan many sites at once and check the limits that hold across them.
//! Used by the tests and by `benches/sites.rs`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Requests in flight now and at most, over the servers that share it.
#[derive(Clone, Default)]
pub struct InFlight {
    now: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl InFlight {
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }

    fn enter(&self) -> Leave {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        Leave(Arc::clone(&self.now))
    }
}

struct Leave(Arc<AtomicUsize>);

impl Drop for Leave {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How one slow site looks and behaves.
#[derive(Clone)]
pub struct SlowSite {
    /// Its Google Analytics id, so a report tells the sites apart.
    pub tag: String,
    /// Pages besides the start page, all linked from it.
    pub pages: usize,
    pub latency: Duration,
    /// Counters this site adds to (several sites may share one).
    pub counters: Vec<InFlight>,
}

#[derive(Clone)]
struct Shared {
    site: SlowSite,
}

/// The site's router: `/` links `/p1`…`/pN` and every page `/privacy`; every page loads Google
/// Analytics with the site's tag; robots.txt and sitemap.xml answer 404, after the latency like
/// everything else.
pub fn router(site: SlowSite) -> Router {
    Router::new()
        .route("/", get(|state: State<Shared>| page(state, None)))
        .route(
            "/{page}",
            get(|state: State<Shared>, Path(p): Path<String>| page(state, Some(p))),
        )
        .with_state(Shared { site })
}

async fn page(State(shared): State<Shared>, path: Option<String>) -> Response {
    let site = &shared.site;
    let _in_flight: Vec<Leave> = site.counters.iter().map(InFlight::enter).collect();
    tokio::time::sleep(site.latency).await;
    let known = match path.as_deref() {
        None => true,
        Some("privacy") => true,
        Some(p) => p
            .strip_prefix('p')
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| (1..=site.pages).contains(&n)),
    };
    if !known {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let links: String = match path {
        None => (1..=site.pages)
            .map(|n| format!("<a href=\"/p{n}\">page {n}</a> "))
            .collect(),
        Some(_) => "<a href=\"/\">home</a>".into(),
    };
    let body = format!(
        "<!doctype html><html><head><title>{tag}</title>\
         <script async src=\"https://www.googletagmanager.com/gtag/js?id={tag}\"></script>\
         </head><body>{links}<a href=\"/privacy\">Privacy</a></body></html>",
        tag = site.tag
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Bind `ip` on an ephemeral port and serve the site there; returns the address.
pub async fn bind(ip: IpAddr, site: SlowSite) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(site)).await;
    });
    Ok(addr)
}

/// The i-th loopback address from 127.0.0.2 on: one host per site, as on the web.
pub fn loopback(i: usize) -> IpAddr {
    let i = u32::try_from(i).unwrap_or(0) + 2;
    IpAddr::V4(std::net::Ipv4Addr::from(0x7f00_0000 + i))
}

/// Serve each site on its own loopback address, on a thread and runtime of their own, until
/// the process ends; returns the addresses in the sites' order.
pub fn serve_all(sites: Vec<SlowSite>) -> std::io::Result<Vec<SocketAddr>> {
    serve_with(sites, loopback)
}

/// Serve every site on one loopback address (one host, a port each).
pub fn serve_on_one_host(sites: Vec<SlowSite>) -> std::io::Result<Vec<SocketAddr>> {
    serve_with(sites, |_| loopback(0))
}

fn serve_with(
    sites: Vec<SlowSite>,
    address: fn(usize) -> IpAddr,
) -> std::io::Result<Vec<SocketAddr>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        runtime.block_on(async move {
            let mut addrs = Vec::new();
            for (i, site) in sites.into_iter().enumerate() {
                match bind(address(i), site).await {
                    Ok(addr) => addrs.push(addr),
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
            let _ = tx.send(Ok(addrs));
            std::future::pending::<()>().await;
        });
    });
    rx.recv().map_err(std::io::Error::other)?
}
