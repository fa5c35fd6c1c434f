//! Turns the protocol events of one tab (its page, frames and workers) into request records, and
//! tells when the tab's network has gone quiet.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use serde_json::Value;

use super::cdp::Event;
use super::setters::{self, CookieSet};
use super::{BlockedCookie, BrowserCookie, LeftOut, StorageItem};

/// Storage keys and refused cookies kept per tab at most (a page that writes in a loop).
const MAX_ITEMS: usize = super::MAX_STORED_PER_PAGE;
/// Cookie writes noted per page at most (a page that sets cookies in a loop).
const MAX_COOKIE_WRITES: usize = 2000;
/// Storage keys and refused cookies past [`MAX_ITEMS`] counted per page at most (by their
/// identity: 8 bytes each).
const MAX_LEFT_OUT: usize = 10_000;
/// Every URL the recorder keeps (a request's, its frame's, its initiator's, a worker's, a
/// cookie-writing document's) is cut to this many bytes, ending in `…`: a `data:` frame of a
/// megabyte would otherwise be copied into every request it makes, and a tracker's beacon URL
/// stays whole well below it.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// `url` bounded to [`MAX_URL_BYTES`]; the same URL is bounded the same way everywhere, so an
/// initiator still finds the request that loaded it.
fn bounded(url: &str) -> String {
    crate::observe::shorten(url, MAX_URL_BYTES)
}

/// One request a tab made, from any of its frames or workers.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub url: String,
    /// Chromium's resource type: `Document`, `Script`, `Image`, `XHR`, `Fetch`, `Ping`, …
    pub resource_type: String,
    pub method: String,
    /// HTTP status of the response; `None` when none came (failed, blocked, pending).
    pub status: Option<u16>,
    /// Why the request failed (`net::ERR_NAME_NOT_RESOLVED`, `blocked: inspector`, …).
    pub failure: Option<String>,
    /// The document (frame) or worker that made the request.
    pub frame: Option<String>,
    /// The URL of the script or document that caused the request.
    pub initiator: Option<String>,
    pub mime_type: Option<String>,
    pub remote_ip: Option<String>,
    /// Seconds since the Unix epoch when the request started.
    pub wall_time: Option<f64>,
    /// Milliseconds from start to the end of the response (or the failure).
    pub duration_ms: Option<f64>,
    /// Bytes received on the wire.
    pub transfer_size: Option<u64>,
    started: Option<f64>,
}

/// Chromium's own request for `/favicon.ico` of a page that declares no icon: the browser's
/// doing, not the site's, and made or not depending on timing, so leaving it out keeps two scans
/// of the same site alike. A script's or an `<img>`'s request for it has another type.
fn is_implicit_favicon(url: &str, p: &Value) -> bool {
    p["type"] == "Other"
        && p["initiator"]["type"] == "other"
        && url::Url::parse(url).is_ok_and(|u| u.path() == "/favicon.ico")
}

/// Chromium's own page for a frame (or tab) it could not load (refused, unresolved, blocked by
/// `X-Frame-Options`): the requests it makes for its own pictures are not the site's.
const ERROR_PAGE: &str = "chrome-error:";

/// A request that is not the site's doing on the network: one of Chromium's error page (its
/// document or initiator is `chrome-error://chromewebdata/`), or one that contacts no host
/// (`data:` carries its bytes in the URL, `blob:` is the page's own memory). Recorded only
/// sometimes (Chromium reports a `data:` URL the page uses again from its memory cache once),
/// they would change what two scans of a site count.
fn not_the_sites_traffic(url: &str, p: &Value) -> bool {
    let of_error_page = [&p["documentURL"], &p["initiator"]["url"]]
        .into_iter()
        .filter_map(Value::as_str)
        .any(|u| u.starts_with(ERROR_PAGE));
    of_error_page || !(url.starts_with("http:") || url.starts_with("https:"))
}

/// Who set a cookie: a request's `Set-Cookie` (by request id: its URL may come later), or a
/// script of a document (its URL).
#[derive(Debug, Clone)]
enum Setter {
    /// A response of request `id`: the `nth` response extra info of that id, with its status
    /// (a redirect's hops share the id and answer in order).
    Request {
        id: String,
        nth: usize,
        status: Option<u16>,
    },
    Document(String),
}

/// The pending-set key of a frame session that has not loaded yet.
fn frame_load(session: &str) -> String {
    format!("frame-load {session}")
}

/// What happened in one tab.
#[derive(Debug, Default)]
pub struct Recorder {
    pub requests: Vec<Request>,
    by_id: HashMap<String, usize>,
    /// Frame id → the URL of the document it holds.
    frames: HashMap<String, String>,
    /// Worker session → the worker script's URL.
    workers: HashMap<String, String>,
    /// Requests still in flight, responses whose extra info has not arrived yet, and attached
    /// frames that have not fired their load event yet.
    inflight: HashSet<String>,
    /// Requests left out of the record (Chromium's own favicon request).
    left_out: HashSet<String>,
    /// Requests whose response extra info arrived, with how many times (once per redirect hop).
    extra_info: HashMap<String, usize>,
    pub last_activity: Option<Instant>,
    /// The top document fired its load event.
    pub loaded: bool,
    /// When it did.
    pub loaded_at: Option<Instant>,
    /// The renderer of the tab crashed.
    pub crashed: bool,
    /// Request events that lacked the fields a record needs.
    pub malformed: u64,
    /// Sessions of the out-of-process frames attached below the tab.
    pub frame_sessions: Vec<String>,
    /// Keys written to localStorage or sessionStorage by any frame, in order, once each.
    pub storage: Vec<StorageItem>,
    /// Cookies Chromium refused to store or to send, once per name, domain, action and reasons.
    blocked: Vec<(Option<String>, BlockedCookie)>,
    /// The identities of the storage keys and refused cookies past [`MAX_ITEMS`].
    storage_left_out: HashSet<u64>,
    blocked_left_out: HashSet<u64>,
    /// Cookies the page's requests and scripts set, in order, with who set them.
    cookie_writes: Vec<(CookieSet, Setter)>,
    /// Request id → every record of it (a redirect is a record per hop).
    hops: HashMap<String, Vec<usize>>,
    /// Keys the end-of-page read did not return (past its limit in one storage), the most of
    /// any one storage (frames of one origin read the same storage).
    pub storage_unread: usize,
    root_session: String,
}

impl Recorder {
    pub fn new(root_session: &str) -> Recorder {
        Recorder {
            root_session: root_session.to_owned(),
            ..Recorder::default()
        }
    }

    /// Requests started and not yet finished or failed, and frames not loaded yet.
    pub fn inflight(&self) -> usize {
        self.inflight.len()
    }

    pub fn handle(&mut self, event: Event) {
        let p = &event.params;
        // The events of a request left out are no activity of the page either.
        if event.method.starts_with("Network.")
            && p["requestId"]
                .as_str()
                .is_some_and(|id| self.left_out.contains(id))
        {
            return;
        }
        let is_root = event.session.as_deref() == Some(self.root_session.as_str());
        match event.method.as_str() {
            "Network.requestWillBeSent" => self.request(event.session.as_deref(), p),
            "Network.responseReceived" => {
                if let Some(i) = self.index(p) {
                    let response = &p["response"];
                    let r = &mut self.requests[i];
                    r.status = response["status"]
                        .as_u64()
                        .and_then(|s| u16::try_from(s).ok());
                    r.mime_type = str_of(&response["mimeType"]);
                    r.remote_ip = str_of(&response["remoteIPAddress"]);
                }
                // The response's cookies (those refused included) come in a separate event,
                // often after the response itself: wait for it like for a request in flight.
                if let Some(id) = p["requestId"].as_str() {
                    let later = p["hasExtraInfo"].as_bool() == Some(true);
                    if later && !self.extra_info.contains_key(id) {
                        self.inflight.insert(format!("extra-info {id}"));
                    }
                }
                self.touch();
            }
            "Network.loadingFinished" => {
                if let Some(i) = self.index(p) {
                    self.requests[i].transfer_size =
                        p["encodedDataLength"].as_f64().map(|n| n as u64);
                    self.finish(i, p);
                }
            }
            "Network.loadingFailed" => {
                if let Some(i) = self.index(p) {
                    let mut failure = p["errorText"].as_str().unwrap_or("failed").to_owned();
                    if let Some(reason) = p["blockedReason"].as_str() {
                        failure = format!("{failure} (blocked: {reason})");
                    }
                    self.requests[i].failure = Some(failure);
                    self.finish(i, p);
                }
            }
            "Target.attachedToTarget" => {
                let info = &p["targetInfo"];
                let kind = info["type"].as_str().unwrap_or_default();
                if super::cdp::is_frame(p) {
                    if let Some(session) = str_of(&p["sessionId"]) {
                        // A frame's scripts may run (and send) after the top document's load
                        // event on a busy machine: the page waits for the frame's own load.
                        self.inflight.insert(frame_load(&session));
                        self.frame_sessions.push(session);
                    }
                }
                if kind.ends_with("worker") {
                    if let (Some(session), Some(url)) =
                        (str_of(&p["sessionId"]), str_of(&info["url"]))
                    {
                        self.workers.insert(session, bounded(&url));
                    }
                }
            }
            "DOMStorage.domStorageItemAdded" | "DOMStorage.domStorageItemUpdated" => {
                self.storage_write(p);
            }
            "Network.responseReceivedExtraInfo" => {
                self.refused(p, "blockedCookies", true);
                if let Some(id) = p["requestId"].as_str() {
                    let nth = self.extra_info.get(id).copied().unwrap_or(0);
                    let status = p["statusCode"].as_u64().and_then(|s| u16::try_from(s).ok());
                    for line in setters::stored_lines(p) {
                        let setter = Setter::Request {
                            id: id.to_owned(),
                            nth,
                            status,
                        };
                        self.cookie_write(&line, setter);
                    }
                    self.inflight.remove(&format!("extra-info {id}"));
                    *self.extra_info.entry(id.to_owned()).or_default() += 1;
                }
                self.touch();
            }
            "Network.requestWillBeSentExtraInfo" => {
                self.refused(p, "associatedCookies", false);
            }
            "Page.loadEventFired" if is_root => {
                self.loaded = true;
                self.loaded_at = Some(Instant::now());
                self.touch();
            }
            "Page.loadEventFired" => {
                if let Some(session) = &event.session {
                    self.inflight.remove(&frame_load(session));
                }
                self.touch();
            }
            "Target.detachedFromTarget" => {
                if let Some(session) = p["sessionId"].as_str() {
                    self.inflight.remove(&frame_load(session));
                }
            }
            "Runtime.bindingCalled" => {
                if let Some((line, document)) = setters::script_write(p) {
                    self.cookie_write(&line, Setter::Document(bounded(&document)));
                }
            }
            "Inspector.targetCrashed" | "Target.targetCrashed" if is_root => self.crashed = true,
            _ => {}
        }
    }

    fn request(&mut self, session: Option<&str>, p: &Value) {
        let (Some(id), Some(url)) = (p["requestId"].as_str(), p["request"]["url"].as_str()) else {
            self.malformed += 1;
            return;
        };
        if is_implicit_favicon(url, p) || not_the_sites_traffic(url, p) {
            // A frame holding a `data:` document is still known by it, for its requests.
            if let (Some("Document"), Some(frame_id)) = (p["type"].as_str(), p["frameId"].as_str())
            {
                self.frames.insert(frame_id.to_owned(), bounded(url));
            }
            self.left_out.insert(id.to_owned());
            return;
        }
        self.touch();
        if let Some(&i) = self.by_id.get(id) {
            // The same id again is a redirect hop (its response came with this event), or the
            // same navigation reported by the parent frame's session and the frame's own.
            if p.get("redirectResponse").is_none() {
                return;
            }
            let previous = &mut self.requests[i];
            previous.status = p["redirectResponse"]["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok());
            if let (Some(start), Some(now)) = (previous.started, p["timestamp"].as_f64()) {
                previous.duration_ms = Some((now - start) * 1000.0);
            }
        }
        let resource_type = p["type"].as_str().unwrap_or("Other").to_owned();
        let frame_id = p["frameId"].as_str();
        if resource_type == "Document" {
            if let Some(frame_id) = frame_id {
                self.frames.insert(frame_id.to_owned(), bounded(url));
            }
        }
        let frame = session
            .and_then(|s| self.workers.get(s).cloned())
            .or_else(|| frame_id.and_then(|f| self.frames.get(f).cloned()));
        self.hops
            .entry(id.to_owned())
            .or_default()
            .push(self.requests.len());
        self.by_id.insert(id.to_owned(), self.requests.len());
        self.inflight.insert(id.to_owned());
        self.requests.push(Request {
            url: bounded(url),
            resource_type,
            method: p["request"]["method"].as_str().unwrap_or("GET").to_owned(),
            status: None,
            failure: None,
            frame,
            initiator: initiator_url(&p["initiator"]),
            mime_type: None,
            remote_ip: None,
            wall_time: p["wallTime"].as_f64(),
            duration_ms: None,
            transfer_size: None,
            started: p["timestamp"].as_f64(),
        });
    }

    /// A key written to a frame's storage: its origin from the storage id (`storageKey` is the
    /// origin, with `^…` partition attributes for a third-party frame; older Chromium says
    /// `securityOrigin`). Values are never read.
    fn storage_write(&mut self, p: &Value) {
        let id = &p["storageId"];
        let origin = str_of(&id["securityOrigin"])
            .or_else(|| str_of(&id["storageKey"]))
            .map(|o| storage_origin(&o));
        let (Some(origin), Some(key)) = (origin, p["key"].as_str()) else {
            self.malformed += 1;
            return;
        };
        let local = id["isLocalStorage"].as_bool().unwrap_or(true);
        self.add_storage(StorageItem {
            origin,
            local,
            key: key.to_owned(),
        });
    }

    /// Keep a storage key once (written during the load, or found at its end); past
    /// [`MAX_ITEMS`] it is counted instead.
    pub fn add_storage(&mut self, item: StorageItem) {
        if self.storage.contains(&item) {
            return;
        }
        if self.storage.len() < MAX_ITEMS {
            self.storage.push(item);
        } else if self.storage_left_out.len() < MAX_LEFT_OUT {
            self.storage_left_out.insert(item.identity());
        }
    }

    /// Note a cookie line a request or script of the page wrote.
    fn cookie_write(&mut self, line: &str, setter: Setter) {
        if self.cookie_writes.len() >= MAX_COOKIE_WRITES {
            return;
        }
        if let Some(set) = setters::parse_line(line) {
            self.cookie_writes.push((set, setter));
        }
    }

    /// What set `cookie` while this page loaded: the URL of the request whose `Set-Cookie`
    /// or of the document whose script wrote it (the first such write); `None` when nothing
    /// of this page did (set before it, or by a page in another tab).
    pub fn setter_of(&self, cookie: &BrowserCookie) -> Option<String> {
        self.cookie_writes
            .iter()
            .find_map(|(set, setter)| {
                let urls: Vec<&str> = match setter {
                    Setter::Request { id, nth, status } => {
                        let hops = self.hops.get(id).map_or(&[][..], Vec::as_slice);
                        // The hop that answered: the `nth` or a later one (a redirect Chromium
                        // makes itself, an HSTS upgrade, sends no extra info) with that status
                        // (or none known yet); else any hop of the request.
                        let hop = hops.iter().skip(*nth).find(|&&i| {
                            let answered = self.requests[i].status;
                            status.is_none() || answered.is_none() || answered == *status
                        });
                        match hop {
                            Some(&i) => vec![self.requests[i].url.as_str()],
                            None => hops
                                .iter()
                                .map(|&i| self.requests[i].url.as_str())
                                .collect(),
                        }
                    }
                    Setter::Document(url) => vec![url.as_str()],
                };
                urls.into_iter().find(|url| {
                    let host = url::Url::parse(url).ok();
                    let host = host.as_ref().and_then(|u| u.host_str());
                    set.is(&cookie.name, &cookie.domain, host)
                })
            })
            .map(str::to_owned)
    }

    /// What the caps left out (see [`LeftOut`]).
    pub fn left_out(&self) -> LeftOut {
        let mut storage: Vec<u64> = self.storage_left_out.iter().copied().collect();
        let mut blocked_cookies: Vec<u64> = self.blocked_left_out.iter().copied().collect();
        storage.sort_unstable();
        blocked_cookies.sort_unstable();
        LeftOut {
            storage,
            storage_unread: self.storage_unread,
            blocked_cookies,
        }
    }

    /// Cookies Chromium would not store (`blockedCookies` of a response: a `Set-Cookie` it
    /// refused, `set`) or would not send (`associatedCookies` of a request with a blocked
    /// reason). Their values are never kept: a refused `Set-Cookie` line is cut at `=`.
    fn refused(&mut self, p: &Value, field: &str, set: bool) {
        let entries = p[field].as_array().into_iter().flatten();
        for entry in entries {
            let reasons: Vec<String> = entry["blockedReasons"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            if reasons.is_empty() {
                continue;
            }
            let cookie = &entry["cookie"];
            let name = str_of(&cookie["name"]).or_else(|| {
                let line = entry["cookieLine"].as_str()?;
                let name = line.split(['=', ';']).next()?.trim();
                (!name.is_empty()).then(|| name.to_owned())
            });
            let Some(name) = name else { continue };
            let blocked = BlockedCookie {
                name,
                domain: str_of(&cookie["domain"]),
                url: None,
                reasons,
                set,
            };
            let known = self.blocked.iter().any(|(_, b)| {
                b.name == blocked.name
                    && b.domain == blocked.domain
                    && b.set == blocked.set
                    && b.reasons == blocked.reasons
            });
            if known {
                continue;
            }
            if self.blocked.len() < MAX_ITEMS {
                self.blocked.push((str_of(&p["requestId"]), blocked));
            } else if self.blocked_left_out.len() < MAX_LEFT_OUT {
                self.blocked_left_out.insert(blocked.identity());
            }
        }
    }

    /// The refused cookies, each with the URL of the request it came with (an extra-info event
    /// may arrive before its request's).
    pub fn blocked_cookies(&self) -> Vec<BlockedCookie> {
        self.blocked
            .iter()
            .map(|(id, b)| BlockedCookie {
                url: id
                    .as_deref()
                    .and_then(|id| self.by_id.get(id))
                    .map(|&i| self.requests[i].url.clone()),
                ..b.clone()
            })
            .collect()
    }

    fn index(&self, p: &Value) -> Option<usize> {
        p["requestId"]
            .as_str()
            .and_then(|id| self.by_id.get(id).copied())
    }

    fn finish(&mut self, i: usize, p: &Value) {
        let r = &mut self.requests[i];
        if let (Some(start), Some(end)) = (r.started, p["timestamp"].as_f64()) {
            r.duration_ms = Some((end - start) * 1000.0);
        }
        if let Some(id) = p["requestId"].as_str() {
            self.inflight.remove(id);
        }
        self.touch();
    }

    fn touch(&mut self) {
        self.last_activity = Some(Instant::now());
    }

    /// The chain of scripts that led to request `i`, nearest first: its initiator, the
    /// initiator of that script's own request, and so on (at most `max` links, no cycles).
    pub fn initiator_chain(&self, i: usize, max: usize) -> Vec<String> {
        let by_url: HashMap<&str, usize> = self
            .requests
            .iter()
            .enumerate()
            .map(|(i, r)| (r.url.as_str(), i))
            .collect();
        let mut chain: Vec<String> = Vec::new();
        let mut current = self.requests.get(i).and_then(|r| r.initiator.clone());
        while let Some(url) = current {
            if chain.len() >= max || chain.contains(&url) {
                break;
            }
            current = by_url
                .get(url.as_str())
                .and_then(|&j| self.requests[j].initiator.clone());
            chain.push(url);
        }
        chain
    }
}

/// The script (or document) that caused a request: the initiator's URL, else the nearest frame
/// of its stack trace that has one (async stacks included).
fn initiator_url(initiator: &Value) -> Option<String> {
    if let Some(url) = initiator["url"].as_str().filter(|u| !u.is_empty()) {
        return Some(bounded(url));
    }
    let mut stack = initiator.get("stack");
    let mut depth = 0;
    while let Some(s) = stack {
        if depth > 32 {
            break;
        }
        let frames = s["callFrames"].as_array().into_iter().flatten();
        for frame in frames {
            if let Some(url) = frame["url"].as_str().filter(|u| !u.is_empty()) {
                return Some(bounded(url));
            }
        }
        stack = s.get("parent");
        depth += 1;
    }
    None
}

/// The origin of a storage key: `https://a.example/^0https://b.example` (a partitioned key of
/// a frame of `a.example` on `b.example`) is `https://a.example`.
fn storage_origin(key: &str) -> String {
    let origin = key.split('^').next().unwrap_or(key);
    origin.trim_end_matches('/').to_owned()
}

fn str_of(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(method: &str, params: Value) -> Event {
        Event {
            session: Some("root".into()),
            method: method.into(),
            params,
        }
    }

    #[test]
    fn the_browsers_own_favicon_request_is_not_the_sites() {
        let mut r = Recorder::new("root");
        let favicon = |id: &str, kind: &str, initiator: Value| {
            event(
                "Network.requestWillBeSent",
                json!({"requestId": id, "type": kind, "initiator": initiator,
                       "request": {"url": "https://school.example/favicon.ico", "method": "GET"}}),
            )
        };
        r.handle(favicon("1", "Other", json!({"type": "other"})));
        let script = json!({"type": "script", "url": "https://school.example/app.js"});
        r.handle(favicon("2", "Fetch", script));
        r.handle(favicon("3", "Image", json!({"type": "parser"})));
        let kinds: Vec<&str> = r
            .requests
            .iter()
            .map(|q| q.resource_type.as_str())
            .collect();
        assert_eq!(kinds, ["Fetch", "Image"]);
        assert_eq!(r.inflight(), 2, "the left-out request is not waited for");
        let before = r.last_activity;
        r.handle(event(
            "Network.responseReceived",
            json!({"requestId": "1", "response": {"status": 404}, "hasExtraInfo": true}),
        ));
        assert_eq!(
            r.last_activity, before,
            "its response is no activity of the page"
        );
        assert_eq!(r.inflight(), 2);
    }

    #[test]
    fn requests_of_chromiums_error_page_and_without_a_host_are_not_the_sites() {
        let mut r = Recorder::new("root");
        let request = |id: &str, kind: &str, url: &str, document: &str| {
            event(
                "Network.requestWillBeSent",
                json!({"requestId": id, "type": kind, "frameId": "F", "documentURL": document,
                       "initiator": {"type": "parser", "url": document},
                       "request": {"url": url, "method": "GET"}}),
            )
        };
        let error_page = "chrome-error://chromewebdata/";
        r.handle(request(
            "1",
            "Image",
            "data:image/png;base64,iVBO",
            error_page,
        ));
        r.handle(request(
            "2",
            "Image",
            "https://cdn.example/x.png",
            error_page,
        ));
        r.handle(request(
            "3",
            "Document",
            "data:text/html,<img src=x>",
            "https://s.example/",
        ));
        r.handle(request(
            "4",
            "Image",
            "https://s.example/in-frame.png",
            "data:text/html,",
        ));
        r.handle(request(
            "5",
            "Fetch",
            "blob:https://s.example/0b1e",
            "https://s.example/",
        ));
        let urls: Vec<&str> = r.requests.iter().map(|q| q.url.as_str()).collect();
        assert_eq!(urls, ["https://s.example/in-frame.png"]);
        assert_eq!(
            r.requests[0].frame.as_deref(),
            Some("data:text/html,<img src=x>"),
            "a request of a data: frame names its frame"
        );
        assert_eq!(r.inflight(), 1, "the left-out requests are not waited for");
    }

    #[test]
    fn each_hop_of_a_redirect_is_credited_with_its_own_cookies() {
        let mut r = Recorder::new("root");
        let hop = |url: &str, redirected: Option<u16>| {
            let mut p = json!({"requestId": "1", "type": "Document", "frameId": "F",
                               "request": {"url": url, "method": "GET"}});
            if let Some(status) = redirected {
                p["redirectResponse"] = json!({"status": status});
            }
            event("Network.requestWillBeSent", p)
        };
        let cookie = |line: &str, status: u16| {
            event(
                "Network.responseReceivedExtraInfo",
                json!({"requestId": "1", "statusCode": status, "headers": {"set-cookie": line}}),
            )
        };
        r.handle(hop("http://s.example/", None));
        // A redirect Chromium makes itself (an HSTS upgrade) sends no extra info.
        r.handle(hop("https://s.example/", Some(307)));
        // The redirect's extra info may come before or after the next hop.
        r.handle(cookie("taal=nl; Path=/", 302));
        r.handle(hop("https://s.example/nl/", Some(302)));
        r.handle(cookie("sessie=1; Path=/", 200));
        let set_by = |name: &str| {
            r.setter_of(&BrowserCookie {
                name: name.into(),
                domain: "s.example".into(),
                path: "/".into(),
                expires: None,
                secure: false,
                http_only: false,
                same_site: None,
                set_by: None,
            })
        };
        assert_eq!(set_by("taal").as_deref(), Some("https://s.example/"));
        assert_eq!(set_by("sessie").as_deref(), Some("https://s.example/nl/"));
    }

    #[test]
    fn initiators_come_from_async_stacks_and_chain_through_requests() {
        let mut r = Recorder::new("root");
        r.handle(event(
            "Network.requestWillBeSent",
            json!({"requestId": "1", "type": "Script", "request": {"url": "https://t.example/gtm.js", "method": "GET"},
                   "initiator": {"type": "parser", "url": "https://school.example/"}}),
        ));
        r.handle(event(
            "Network.requestWillBeSent",
            json!({"requestId": "2", "type": "Ping", "request": {"url": "https://a.example/collect", "method": "POST"},
                   "initiator": {"type": "script", "stack": {"callFrames": [], "parent": {"callFrames": [{"url": "https://t.example/gtm.js"}]}}}}),
        ));
        assert_eq!(
            r.initiator_chain(1, 5),
            vec!["https://t.example/gtm.js", "https://school.example/"]
        );
        assert_eq!(r.inflight(), 2);
        r.handle(event(
            "Network.loadingFailed",
            json!({"requestId": "2", "errorText": "net::ERR_FAILED", "timestamp": 1.0}),
        ));
        assert_eq!(r.inflight(), 1);
        assert_eq!(r.requests[1].failure.as_deref(), Some("net::ERR_FAILED"));
    }

    #[test]
    fn storage_keys_of_partitioned_frames_are_recorded_by_origin_once() {
        let mut r = Recorder::new("root");
        for _ in 0..2 {
            r.handle(event(
                "DOMStorage.domStorageItemAdded",
                json!({"storageId": {"storageKey": "https://w.example/^0https://school.example", "isLocalStorage": true},
                       "key": "seen", "newValue": "secret"}),
            ));
        }
        r.handle(event(
            "DOMStorage.domStorageItemUpdated",
            json!({"storageId": {"securityOrigin": "https://school.example", "isLocalStorage": false},
                   "key": "tab", "oldValue": "", "newValue": "x"}),
        ));
        assert_eq!(
            r.storage,
            vec![
                StorageItem {
                    origin: "https://w.example".into(),
                    local: true,
                    key: "seen".into()
                },
                StorageItem {
                    origin: "https://school.example".into(),
                    local: false,
                    key: "tab".into()
                }
            ]
        );
    }

    #[test]
    fn refused_cookies_keep_their_name_and_reasons_never_their_value() {
        let mut r = Recorder::new("root");
        r.handle(event(
            "Network.responseReceivedExtraInfo",
            json!({"requestId": "7", "blockedCookies": [
                {"blockedReasons": ["SameSiteNoneInsecure"], "cookieLine": "uid=secret; SameSite=None"},
                {"blockedReasons": [], "cookieLine": "ok=1", "cookie": {"name": "ok", "domain": "a.example"}}]}),
        ));
        r.handle(event(
            "Network.requestWillBeSent",
            json!({"requestId": "7", "type": "Image", "request": {"url": "https://a.example/p.gif", "method": "GET"}}),
        ));
        let blocked = r.blocked_cookies();
        assert_eq!(blocked.len(), 1);
        assert_eq!(blocked[0].name, "uid");
        assert_eq!(blocked[0].reasons, vec!["SameSiteNoneInsecure"]);
        assert!(blocked[0].set);
        assert_eq!(blocked[0].url.as_deref(), Some("https://a.example/p.gif"));
    }

    #[test]
    fn request_events_without_a_url_are_counted_not_recorded() {
        let mut r = Recorder::new("root");
        r.handle(event(
            "Network.requestWillBeSent",
            json!({"requestId": "1"}),
        ));
        assert_eq!(r.malformed, 1);
        assert!(r.requests.is_empty());
    }
}
