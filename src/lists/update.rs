//! `trackaudit lists update`: download the public lists into the cache folder with conditional
//! requests. The validators (ETag, Last-Modified) of each copy sit beside it in
//! `<file>.http.json`; a 304 keeps the copy. A download is parsed before it replaces the copy, so
//! an error page or a cut-off file never reaches a scan.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use serde::{Deserialize, Serialize};

use super::cache::{Format, SOURCES, Source, source};
use super::catalogue::Catalogue;
use super::external::ExternalList;
use crate::error::Error;

/// Larger than any real list (EasyPrivacy is about 1.5 MB): protects the disk from a runaway
/// response.
const MAX_BYTES: usize = crate::files::MAX_LIST_BYTES as usize;

/// A list to fetch and where from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub source: &'static Source,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Updated { bytes: usize },
    NotModified,
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct Updated {
    pub name: &'static str,
    pub url: String,
    pub path: PathBuf,
    pub outcome: Outcome,
}

/// What is stored beside a cached copy.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Validators {
    url: String,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
}

/// The lists to fetch: `names` (all when empty), each from `--source NAME=URL`, else from
/// `TRACKAUDIT_SOURCE_<NAME>`, else its public address.
pub fn plan(names: &[String], overrides: &[String]) -> Result<Vec<Fetch>, Error> {
    let mut urls: Vec<(&'static Source, String)> = Vec::new();
    for spec in overrides {
        let (name, url) = spec
            .split_once('=')
            .ok_or_else(|| Error::Config(format!("--source {spec:?}: expected NAME=URL")))?;
        let source = known(name)?;
        reqwest::Url::parse(url).map_err(|e| Error::Config(format!("--source {spec:?}: {e}")))?;
        urls.push((source, url.to_owned()));
    }
    let wanted: Vec<&'static Source> = if names.is_empty() {
        SOURCES.iter().collect()
    } else {
        names.iter().map(|n| known(n)).collect::<Result<_, _>>()?
    };
    Ok(wanted
        .into_iter()
        .map(|source| {
            let env = format!("TRACKAUDIT_SOURCE_{}", source.name.to_ascii_uppercase());
            let url = urls
                .iter()
                .rev()
                .find(|(s, _)| s.name == source.name)
                .map(|(_, url)| url.clone())
                .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
                .unwrap_or_else(|| source.url.to_owned());
            Fetch { source, url }
        })
        .collect())
}

fn known(name: &str) -> Result<&'static Source, Error> {
    source(name).ok_or_else(|| {
        let names: Vec<&str> = SOURCES.iter().map(|s| s.name).collect();
        Error::Config(format!(
            "unknown list {name:?} (known: {})",
            names.join(", ")
        ))
    })
}

/// Fetch every planned list into `dir`, one after the other; a failure of one does not stop the
/// others.
pub async fn update(
    fetches: &[Fetch],
    dir: &Path,
    user_agent: &str,
    timeout: Duration,
) -> Result<Vec<Updated>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let client = reqwest::Client::builder()
        .user_agent(user_agent)
        .timeout(timeout)
        .build()
        .map_err(|e| Error::Client(e.to_string()))?;
    let mut done = Vec::new();
    for fetch in fetches {
        let path = dir.join(fetch.source.file);
        let outcome = match update_one(&client, fetch, &path).await {
            Ok(outcome) => outcome,
            Err(message) => Outcome::Failed(message),
        };
        done.push(Updated {
            name: fetch.source.name,
            url: fetch.url.clone(),
            path,
            outcome,
        });
    }
    Ok(done)
}

async fn update_one(
    client: &reqwest::Client,
    fetch: &Fetch,
    path: &Path,
) -> Result<Outcome, String> {
    let meta_path = validators_path(path);
    // Validators count only for the copy of this very URL (a `--source` may point elsewhere).
    let old = crate::files::read_bounded(&meta_path, crate::files::MAX_CONFIG_BYTES)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Validators>(&bytes).ok())
        .filter(|v| v.url == fetch.url && path.is_file());
    let mut request = client.get(&fetch.url);
    if let Some(old) = &old {
        if let Some(etag) = &old.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(date) = &old.last_modified {
            request = request.header(IF_MODIFIED_SINCE, date);
        }
    }
    let mut response = request.send().await.map_err(|e| describe(&e))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED && old.is_some() {
        return Ok(Outcome::NotModified);
    }
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let validators = Validators {
        url: fetch.url.clone(),
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
    };
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(format!("larger than {} MiB", MAX_BYTES / (1024 * 1024)));
        }
        body.extend_from_slice(&chunk);
    }
    let list = ExternalList::parse(&body, fetch.source.name, &Catalogue::default())
        .map_err(|e| format!("the download is not a valid list: {e}"))?;
    if !list.is_format(fetch.source.format, &body) {
        let expected = match fetch.source.format {
            Format::FilterList => "a filter list with an [Adblock Plus] or ! Title: header",
            Format::Disconnect => "a Disconnect services.json",
        };
        return Err(format!("the download is not {expected}"));
    }
    write_atomically(path, &body)?;
    let meta = serde_json::to_vec_pretty(&validators).map_err(|e| e.to_string())?;
    write_atomically(&meta_path, &meta)?;
    Ok(Outcome::Updated { bytes: body.len() })
}

fn validators_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".http.json");
    path.with_file_name(name)
}

/// Write through the shared writer (atomic: a scan never reads a half-written list).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::output::write_file(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn describe(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_takes_overrides_and_refuses_unknown_names() {
        let plan = plan(&[], &["disconnect=http://127.0.0.1:9/s.json".into()]).unwrap();
        assert_eq!(plan.len(), SOURCES.len());
        let disconnect = plan.iter().find(|f| f.source.name == "disconnect").unwrap();
        assert_eq!(disconnect.url, "http://127.0.0.1:9/s.json");
        assert!(super::plan(&["nope".into()], &[]).is_err());
        assert!(super::plan(&[], &["easyprivacy".into()]).is_err());
        assert!(super::plan(&[], &["easyprivacy=not a url".into()]).is_err());
    }
}
