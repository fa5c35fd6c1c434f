//! Turns the protocol events of one tab (its page, frames and workers) into request records, and
//! tells when the tab's network has gone quiet.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use serde_json::Value;

use super::cdp::Event;

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

/// What happened in one tab.
#[derive(Debug, Default)]
pub struct Recorder {
    pub requests: Vec<Request>,
    by_id: HashMap<String, usize>,
    /// Frame id → the URL of the document it holds.
    frames: HashMap<String, String>,
    /// Worker session → the worker script's URL.
    workers: HashMap<String, String>,
    inflight: HashSet<String>,
    pub last_activity: Option<Instant>,
    /// The top document fired its load event.
    pub loaded: bool,
    /// When it did.
    pub loaded_at: Option<Instant>,
    /// The renderer of the tab crashed.
    pub crashed: bool,
    /// Request events that lacked the fields a record needs.
    pub malformed: u64,
    root_session: String,
}

impl Recorder {
    pub fn new(root_session: &str) -> Recorder {
        Recorder {
            root_session: root_session.to_owned(),
            ..Recorder::default()
        }
    }

    /// Requests started and not yet finished or failed.
    pub fn inflight(&self) -> usize {
        self.inflight.len()
    }

    pub fn handle(&mut self, event: Event) {
        let p = &event.params;
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
                if kind.ends_with("worker") {
                    if let (Some(session), Some(url)) =
                        (str_of(&p["sessionId"]), str_of(&info["url"]))
                    {
                        self.workers.insert(session, url);
                    }
                }
            }
            "Page.loadEventFired" if is_root => {
                self.loaded = true;
                self.loaded_at = Some(Instant::now());
                self.touch();
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
                self.frames.insert(frame_id.to_owned(), url.to_owned());
            }
        }
        let frame = session
            .and_then(|s| self.workers.get(s).cloned())
            .or_else(|| frame_id.and_then(|f| self.frames.get(f).cloned()));
        self.by_id.insert(id.to_owned(), self.requests.len());
        self.inflight.insert(id.to_owned());
        self.requests.push(Request {
            url: url.to_owned(),
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
        return Some(url.to_owned());
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
                return Some(url.to_owned());
            }
        }
        stack = s.get("parent");
        depth += 1;
    }
    None
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
