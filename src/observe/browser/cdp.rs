//! A second, untyped DevTools protocol connection to the browser, used for recording.
//!
//! The typed client (chromiumoxide) enables network events in a page's own session only, and its
//! protocol definitions lag the installed Chromium: a message with a renamed field fails to parse
//! and is dropped. Here every message is kept as JSON, and every frame and worker of a tab is
//! auto-attached (`Target.setAutoAttach`, flattened sessions) with network events on, so requests
//! of third-party iframes and workers are recorded too. A shared worker belongs to no page (the
//! browser, not a tab, auto-attaches it): it is recorded with the tab that last loaded a
//! document of its origin.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_tungstenite::tokio::connect_async_with_config;
use async_tungstenite::tungstenite::Message;
use async_tungstenite::tungstenite::protocol::WebSocketConfig;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

/// A protocol event, with the session it arrived on (`None`: the browser's own).
#[derive(Debug, Clone)]
pub struct Event {
    pub session: Option<String>,
    pub method: String,
    pub params: Value,
}

type Reply = Result<Value, String>;

struct Shared {
    pending: Mutex<HashMap<u64, oneshot::Sender<Reply>>>,
    /// Session id → the sink of the tab it belongs to (a tab's own session and every frame and
    /// worker session attached below it).
    sinks: Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>,
    /// A tab's own session → the origin of its top document and when it was loaded (a count
    /// of navigations), so a shared worker can be given to the tab that created it.
    origins: Mutex<HashMap<String, (String, u64)>>,
    /// Messages that were not valid protocol JSON.
    parse_errors: AtomicU64,
    /// Cancelled when the connection ends (the browser exited, crashed or was killed).
    closed: CancellationToken,
    next_id: AtomicU64,
}

/// The connection; cheap to clone.
#[derive(Clone)]
pub struct Cdp {
    out: mpsc::UnboundedSender<String>,
    shared: Arc<Shared>,
}

/// The largest protocol message accepted (a full-page screenshot is the biggest we ask for).
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

impl Cdp {
    /// Connect to the browser's DevTools WebSocket address.
    pub async fn connect(ws_url: &str) -> Result<Cdp, String> {
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let (ws, _) = connect_async_with_config(ws_url, Some(config))
            .await
            .map_err(|e| format!("DevTools connection failed: {e}"))?;
        let (mut write, mut read) = ws.split();
        let (out, mut outgoing) = mpsc::unbounded_channel::<String>();
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            sinks: Mutex::new(HashMap::new()),
            origins: Mutex::new(HashMap::new()),
            parse_errors: AtomicU64::new(0),
            closed: CancellationToken::new(),
            next_id: AtomicU64::new(1),
        });
        tokio::spawn(async move {
            while let Some(text) = outgoing.recv().await {
                if write.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
        });
        let cdp = Cdp { out, shared };
        // Shared workers are attached by the browser, not by the tab whose page made them. New
        // pages too: with a browser-level auto-attach that leaves them out, Chromium 156 holds a
        // window a page opens before its first navigation, and with it the renderer it shares
        // with its opener — the opener, and the next page its tab loads, never finish loading.
        let browser_level = json!({
            "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true,
            "filter": [{"type": "shared_worker"}, {"type": "page"}],
        });
        cdp.fire(None, "Target.setAutoAttach", browser_level);
        let reader = cdp.clone();
        tokio::spawn(async move {
            while let Some(message) = read.next().await {
                let text = match message {
                    Ok(Message::Text(text)) => text,
                    Ok(Message::Close(_)) | Err(_) => break,
                    Ok(_) => continue,
                };
                reader.dispatch(text.as_str());
            }
            // The browser is gone: every caller still waiting gets an error now.
            reader.shared.closed.cancel();
            lock(&reader.shared.pending).clear();
            lock(&reader.shared.sinks).clear();
        });
        Ok(cdp)
    }

    /// The browser's end of the connection is gone.
    pub fn is_closed(&self) -> bool {
        self.shared.closed.is_cancelled()
    }

    /// Completes as soon as the browser's end of the connection is gone (at once when it is
    /// already): a wait on the browser ends with it.
    pub async fn closed(&self) {
        self.shared.closed.cancelled().await;
    }

    /// Messages received that were not valid protocol JSON.
    pub fn parse_errors(&self) -> u64 {
        self.shared.parse_errors.load(Ordering::Relaxed)
    }

    fn dispatch(&self, text: &str) {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            self.shared.parse_errors.fetch_add(1, Ordering::Relaxed);
            return;
        };
        if let Some(id) = message.get("id").and_then(Value::as_u64) {
            if let Some(reply) = lock(&self.shared.pending).remove(&id) {
                let result = match message.get("error") {
                    Some(error) => Err(error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("protocol error")
                        .to_owned()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
                let _ = reply.send(result);
            }
            return;
        }
        let Some(method) = message.get("method").and_then(Value::as_str) else {
            self.shared.parse_errors.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let session = message
            .get("sessionId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        match (method, session.as_deref()) {
            ("Target.attachedToTarget", Some(parent)) => self.adopt_child(parent, &params),
            ("Target.attachedToTarget", None) if params["targetInfo"]["type"] == "page" => {
                self.release_page(&params);
            }
            ("Target.attachedToTarget", None) => self.adopt_shared_worker(&params),
            ("Page.javascriptDialogOpening", Some(session)) => self.answer_dialog(session, &params),
            ("Page.frameNavigated", Some(tab)) if params["frame"]["parentId"].is_null() => {
                self.note_origin(tab, &params["frame"]["url"]);
            }
            _ => {}
        }
        let Some(session_id) = &session else { return };
        // Console messages and the like, on only for the cookie hook's binding.
        if super::setters::is_noise(method) {
            return;
        }
        let sink = lock(&self.shared.sinks).get(session_id).cloned();
        if let Some(sink) = sink {
            let _ = sink.send(Event {
                session,
                method: method.to_owned(),
                params,
            });
        }
    }

    /// A frame or worker was attached below a tab: route its events to the tab, turn on its
    /// network events and its own auto-attach, then let it run. Sent from the reader without
    /// waiting, in order, so nothing runs before the network is recorded.
    fn adopt_child(&self, parent: &str, params: &Value) {
        let Some(child) = params.get("sessionId").and_then(Value::as_str) else {
            return;
        };
        let sink = lock(&self.shared.sinks).get(parent).cloned();
        let Some(sink) = sink else { return };
        lock(&self.shared.sinks).insert(child.to_owned(), sink);
        self.fire(Some(child), "Network.enable", json!({}));
        // A frame's own load event: the tab is not judged quiet before its frames have loaded.
        if is_frame(params) {
            self.fire(Some(child), "Page.enable", json!({}));
            // Its scripts' cookie writes, like the tab's own frames'.
            for (method, params) in super::setters::prepare() {
                self.fire(Some(child), method, params);
            }
        }
        // A frame's storage writes (a worker has no web storage and refuses; nothing lost).
        self.fire(Some(child), "DOMStorage.enable", json!({}));
        self.fire(Some(child), "Target.setAutoAttach", auto_attach());
        self.fire(Some(child), "Runtime.runIfWaitingForDebugger", json!({}));
    }

    /// A shared worker the browser attached: it goes to the tab that last loaded a document of
    /// its origin (a shared worker is same-origin with the page that made it), with the attach
    /// event its recorder would have had from its own session; with no such tab it just runs.
    fn adopt_shared_worker(&self, params: &Value) {
        let Some(child) = params.get("sessionId").and_then(Value::as_str) else {
            return;
        };
        let origin = params["targetInfo"]["url"]
            .as_str()
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization());
        let tab = origin.and_then(|origin| {
            let origins = lock(&self.shared.origins);
            let latest = origins.iter().filter(|(_, (o, _))| *o == origin);
            latest
                .max_by_key(|(_, (_, n))| *n)
                .map(|(tab, _)| tab.clone())
        });
        let sink = tab.and_then(|tab| Some((lock(&self.shared.sinks).get(&tab)?.clone(), tab)));
        let Some((sink, tab)) = sink else {
            self.fire(Some(child), "Runtime.runIfWaitingForDebugger", json!({}));
            return;
        };
        let _ = sink.send(Event {
            session: Some(tab.clone()),
            method: "Target.attachedToTarget".into(),
            params: params.clone(),
        });
        self.adopt_child(&tab, params);
    }

    /// A new page the browser attached, paused before it loads anything. A tab of this
    /// program (`Target.createTarget`; it is attached on its own) runs on. A window a page
    /// opened (it has an opener: Chromium blocks those a page opens without a click, so here
    /// one opened on the consent choice's click) is closed: the audit visits the pages it
    /// crawls, not windows. Each is let run first: one closed while paused leaves the renderer
    /// it shares with its opener stopped too.
    fn release_page(&self, params: &Value) {
        let Some(session) = params["sessionId"].as_str() else {
            return;
        };
        self.fire(Some(session), "Runtime.runIfWaitingForDebugger", json!({}));
        let info = &params["targetInfo"];
        // Only a window with an opener is closed; detaching from any other here was seen to
        // take the tab's own session with it.
        if let (Some(_), Some(window)) = (info["openerId"].as_str(), info["targetId"].as_str()) {
            tracing::debug!("closing a window a page opened");
            self.fire(None, "Target.closeTarget", json!({"targetId": window}));
        }
    }

    /// A JavaScript dialog (`alert`, `confirm`, `prompt`, `beforeunload`) stops its page's
    /// renderer until it is answered: answered at once, as a visitor who closes it would — a
    /// `confirm` gets "cancel" (`false`), a `prompt` `null` —, but a `beforeunload` one is
    /// accepted, so the page can be left.
    fn answer_dialog(&self, session: &str, params: &Value) {
        let leave = params["type"] == "beforeunload";
        tracing::debug!("answering a JavaScript dialog ({})", params["type"]);
        let answer = json!({"accept": leave});
        self.fire(Some(session), "Page.handleJavaScriptDialog", answer);
    }

    /// The top document of the tab of `session` is now at `url`.
    fn note_origin(&self, session: &str, url: &Value) {
        let Some(url) = url.as_str().and_then(|u| url::Url::parse(u).ok()) else {
            return;
        };
        if !lock(&self.shared.sinks).contains_key(session) {
            return;
        }
        let n = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let origin = url.origin().ascii_serialization();
        lock(&self.shared.origins).insert(session.to_owned(), (origin, n));
    }

    /// Route the events of `session` (and of everything attached below it) to `sink`.
    pub fn route(&self, session: &str, sink: mpsc::UnboundedSender<Event>) {
        lock(&self.shared.sinks).insert(session.to_owned(), sink);
    }

    /// Stop routing every session whose sink is `sink`'s channel.
    pub fn unroute(&self, sink: &mpsc::UnboundedSender<Event>) {
        let mut sinks = lock(&self.shared.sinks);
        sinks.retain(|_, s| !s.same_channel(sink));
        lock(&self.shared.origins).retain(|session, _| sinks.contains_key(session));
    }

    /// Send a command and forget the answer.
    pub fn fire(&self, session: Option<&str>, method: &str, params: Value) {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let _ = self.out.send(encode(id, session, method, params));
    }

    /// Send a command and wait for its result, at most `timeout`; an error at once when the
    /// connection ends meanwhile (or had ended).
    pub async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, String> {
        let (reply, answer) = oneshot::channel();
        // Register before sending: the answer may come back before we wait for it.
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.shared.pending).insert(id, reply);
        if self.out.send(encode(id, session, method, params)).is_err() {
            lock(&self.shared.pending).remove(&id);
            return Err("the browser connection is closed".into());
        }
        // The reader drops the callers waiting when the connection ends; one registered after
        // that would wait out its timeout.
        let answer = tokio::select! {
            biased;
            answer = tokio::time::timeout(timeout, answer) => answer,
            () = self.closed() => {
                lock(&self.shared.pending).remove(&id);
                return Err("the browser connection is closed".into());
            }
        };
        match answer {
            Ok(Ok(result)) => result.map_err(|e| format!("{method}: {e}")),
            Ok(Err(_)) => Err("the browser connection is closed".into()),
            Err(_) => {
                lock(&self.shared.pending).remove(&id);
                Err(format!(
                    "{method}: no answer within {} s",
                    timeout.as_secs_f64()
                ))
            }
        }
    }
}

fn encode(id: u64, session: Option<&str>, method: &str, params: Value) -> String {
    let mut message = json!({"id": id, "method": method, "params": params});
    if let Some(session) = session {
        message["sessionId"] = Value::String(session.to_owned());
    }
    message.to_string()
}

/// Whether an attached target (`Target.attachedToTarget` params) is an out-of-process frame.
pub fn is_frame(params: &Value) -> bool {
    params["targetInfo"]["type"] == "iframe"
}

/// `Target.createTarget`'s parameters for a blank tab in a window of its own. Chromium shows
/// only the front tab of a window: a page in a tab behind others is hidden to its scripts
/// (`document.visibilityState` is `hidden`, `requestAnimationFrame` and IntersectionObservers —
/// lazy loading included — do not run), which a visitor's page never is.
pub fn new_tab() -> Value {
    json!({"url": "about:blank", "newWindow": true})
}

/// Attach to every frame and worker below a target, paused until its network is recorded.
pub fn auto_attach() -> Value {
    json!({"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true})
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
