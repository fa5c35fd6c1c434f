//! Evidence a DPO can hand on (`--evidence DIR`): per site, the browser's traffic as a HAR 1.2
//! file (<http://www.softwareishard.com/blog/har-12-spec/>) and a PNG screenshot of the start
//! page. Written by the browser engine only.

use std::path::{Path, PathBuf};

use serde::Serialize;
use url::Url;

use crate::error::Error;
use crate::observe::browser::{RenderedPage, Request};

/// Entries written per HAR file at most; a site that keeps polling would otherwise grow it
/// without bound.
const MAX_ENTRIES: usize = 50_000;

/// The folder of one site's evidence: `DIR/<host>[_<port>]` for a site that starts at the root
/// (`https://school.nl/`); a target with a path or query (`http://h:8080/a`) adds the path and
/// query, made safe (60 characters at most), and a hash of the whole URL
/// (`DIR/h_8080_a-<16 hex>`), so targets on one host and port never share a folder.
pub fn site_dir(root: &Path, start: &Url) -> PathBuf {
    let host = start.host_str().unwrap_or("site");
    let mut name = match start.port() {
        Some(port) => format!("{host}_{port}"),
        None => host.to_owned(),
    };
    let rest = &start[url::Position::BeforePath..url::Position::AfterQuery];
    if rest != "/" && !rest.is_empty() {
        let slug: String = rest.chars().take(60).collect();
        let slug = slug.trim_matches(['/', '?']);
        name = format!(
            "{name}_{slug}-{:016x}",
            crate::hash::fnv1a(start.as_str().as_bytes())
        );
    }
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    root.join(safe)
}

/// Collects a site's traffic page by page and writes it as one HAR file.
#[derive(Debug, Default)]
pub struct HarLog {
    pages: Vec<HarPage>,
    entries: Vec<HarEntry>,
}

impl HarLog {
    /// Add what the browser recorded on one page.
    pub fn add_page(&mut self, url: &Url, page: &RenderedPage) {
        let id = format!("page_{}", self.pages.len() + 1);
        let started = page
            .requests
            .iter()
            .filter_map(|r| r.wall_time)
            .reduce(f64::min);
        self.pages.push(HarPage {
            started_date_time: rfc3339(started),
            id: id.clone(),
            title: page.title.clone().unwrap_or_else(|| url.to_string()),
            page_timings: serde_json::json!({}),
            consent: page.consent.map(|state| state.as_str()),
        });
        for (request, chain) in page.requests.iter().zip(&page.chains) {
            if self.entries.len() >= MAX_ENTRIES {
                break;
            }
            self.entries.push(entry(&id, request, chain));
        }
    }

    /// Write `traffic.har` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join("traffic.har");
        let har = serde_json::json!({
            "log": {
                "version": "1.2",
                "creator": {"name": "trackaudit", "version": env!("CARGO_PKG_VERSION")},
                "pages": self.pages,
                "entries": self.entries,
            }
        });
        let text = serde_json::to_vec_pretty(&har).map_err(|e| Error::Report {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    }
}

/// Write a screenshot into `dir` as `name` (`start.png`, `banner-reject.png`).
pub fn write_screenshot(dir: &Path, name: &str, png: &[u8]) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(name);
    std::fs::write(&path, png).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

fn entry(page: &str, r: &Request, chain: &[String]) -> HarEntry {
    let url = Url::parse(&r.url).ok();
    let query = url
        .as_ref()
        .map(|u| {
            u.query_pairs()
                .map(|(name, value)| NameValue {
                    name: name.into_owned(),
                    value: value.into_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let time = r.duration_ms.unwrap_or(0.0).max(0.0);
    HarEntry {
        pageref: page.to_owned(),
        started_date_time: rfc3339(r.wall_time),
        time,
        request: HarRequest {
            method: r.method.clone(),
            url: r.url.clone(),
            http_version: String::new(),
            cookies: Vec::new(),
            headers: Vec::new(),
            query_string: query,
            headers_size: -1,
            body_size: -1,
        },
        response: HarResponse {
            status: r.status.map_or(0, i64::from),
            status_text: String::new(),
            http_version: String::new(),
            cookies: Vec::new(),
            headers: Vec::new(),
            content: HarContent {
                size: -1,
                mime_type: r.mime_type.clone().unwrap_or_default(),
            },
            redirect_url: String::new(),
            headers_size: -1,
            body_size: r.transfer_size.map_or(-1, |n| n as i64),
            error: r.failure.clone(),
        },
        cache: serde_json::json!({}),
        timings: HarTimings {
            send: 0.0,
            wait: time,
            receive: 0.0,
        },
        server_ip_address: r.remote_ip.clone(),
        resource_type: r.resource_type.clone(),
        initiator: chain.to_vec(),
        frame: r.frame.clone(),
    }
}

/// RFC 3339 with milliseconds, from seconds since the epoch (HAR's `startedDateTime`).
fn rfc3339(seconds: Option<f64>) -> String {
    let nanos = seconds.map_or(0, |s| (s * 1e9) as i128);
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HarPage {
    started_date_time: String,
    id: String,
    title: String,
    page_timings: serde_json::Value,
    /// The consent state of the profile the page was loaded in (a custom field: HAR's own
    /// begin with an underscore).
    #[serde(rename = "_consent", skip_serializing_if = "Option::is_none")]
    consent: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HarEntry {
    pageref: String,
    started_date_time: String,
    /// Milliseconds.
    time: f64,
    request: HarRequest,
    response: HarResponse,
    cache: serde_json::Value,
    timings: HarTimings,
    #[serde(rename = "serverIPAddress", skip_serializing_if = "Option::is_none")]
    server_ip_address: Option<String>,
    /// Custom fields start with an underscore (HAR 1.2).
    #[serde(rename = "_resourceType")]
    resource_type: String,
    #[serde(rename = "_initiator", skip_serializing_if = "Vec::is_empty")]
    initiator: Vec<String>,
    #[serde(rename = "_frame", skip_serializing_if = "Option::is_none")]
    frame: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest {
    method: String,
    url: String,
    http_version: String,
    cookies: Vec<NameValue>,
    headers: Vec<NameValue>,
    query_string: Vec<NameValue>,
    headers_size: i64,
    body_size: i64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HarResponse {
    status: i64,
    status_text: String,
    http_version: String,
    cookies: Vec<NameValue>,
    headers: Vec<NameValue>,
    content: HarContent,
    #[serde(rename = "redirectURL")]
    redirect_url: String,
    headers_size: i64,
    body_size: i64,
    #[serde(rename = "_error", skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct HarContent {
    size: i64,
    mime_type: String,
}

#[derive(Debug, Serialize)]
struct HarTimings {
    send: f64,
    wait: f64,
    receive: f64,
}

#[derive(Debug, Serialize)]
struct NameValue {
    name: String,
    value: String,
}
