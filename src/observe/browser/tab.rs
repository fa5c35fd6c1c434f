//! One page in one tab: attach (frames and workers too), navigate, wait for the network to go
//! quiet, scroll every frame and inner scroller once, wait again, then read the rendered DOM and
//! the cookies.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::cdp::{Cdp, Event, auto_attach, new_tab};
use super::record::Recorder;
use super::setters;
use super::{BrowserCookie, BrowserSettings, RenderedPage, StorageItem};

/// The network counts as quiet after this long without a request event (at least; see
/// [`quiet_window`]).
pub const QUIET: Duration = Duration::from_millis(300);
/// A left page is done once nothing happened for this long after the blank page loaded
/// (requests still pending then are its long polls, cancelled with it).
const LEAVE_QUIET: Duration = Duration::from_millis(50);
/// A page's browser error when a stop signal came while it loaded.
pub const STOPPED: &str = "the scan was stopped while the page loaded in the browser";
/// Links taken from one rendered page at most.
const MAX_LINKS: usize = 2000;
/// Links of the initiator chain kept per request.
const MAX_CHAIN: usize = 5;

/// Out-of-process frames, and frames in each, whose storage keys are read at the end of a page,
/// at most.
const MAX_FRAMES: usize = 20;

/// The keys (never the values) of a document's localStorage and sessionStorage, the first 500
/// of each, and how many more there are; a frame that may not use storage says so by
/// throwing, and has none.
const READ_STORAGE: &str = "(() => { const keys = s => { try { const all = Object.keys(s()); \
    return {keys: all.slice(0, 500), more: Math.max(all.length - 500, 0)}; } \
    catch (e) { return {keys: [], more: 0}; } }; return JSON.stringify({origin: location.origin, \
    local: keys(() => localStorage), session: keys(() => sessionStorage)}); })()";

/// Elements of a document looked at for an inner scroller, at most (in document order): a page
/// of 100,000 elements must not make the scroll slow.
const MAX_SCROLL_WALK: usize = 10_000;
/// Inner scrollers of a document scrolled, at most: the largest of those found.
const MAX_SCROLLERS: usize = 50;
/// Waits for a drawn frame during one scroll, at most (see [`scroll_expression`]).
const MAX_SCROLL_FRAMES: usize = 10;

/// Scroll a document to its bottom: every element a visitor could scroll down (content taller
/// than the box, `overflow-y` `auto`, `scroll` or `overlay`: a layout with `overflow: hidden` on
/// `html`/`body` and a scrolling `div`), the [`MAX_SCROLLERS`] largest found among the first
/// [`MAX_SCROLL_WALK`] elements (fifty tiny boxes first in the page do not use up the count),
/// then its window. The inner scrollers go first, while the window is still at the top where a
/// visitor sees them, innermost first, and a frame is drawn before the window (or a scroller
/// holding one already scrolled) moves them out of view: lazy loaders look at what is in view
/// when the next frame is drawn ([`MAX_SCROLL_FRAMES`] waits at most, each at most 100 ms).
/// Instantly (a page's `scroll-behavior: smooth` would leave it at the top until the animation
/// ends). `true` when anything moved (or the scroll failed: wait again, to be safe); `false`
/// when nothing could.
fn scroll_expression() -> String {
    format!(
        "(async () => {{ let moved = false; try {{ \
         const root = document.scrollingElement || document.documentElement; \
         const down = e => {{ const before = e.scrollTop; \
           e.scrollTo({{top: e.scrollHeight, behavior: 'instant'}}); \
           moved = moved || e.scrollTop !== before; }}; \
         let frames = 0; \
         const frame = () => frames++ >= {MAX_SCROLL_FRAMES} ? Promise.resolve() : \
           new Promise(done => {{ const t = setTimeout(done, 100); \
             requestAnimationFrame(() => requestAnimationFrame(() => {{ \
               clearTimeout(t); done(); }})); }}); \
         const walk = document.createTreeWalker(document.documentElement, \
           NodeFilter.SHOW_ELEMENT); \
         const found = []; let seen = 0; \
         for (let e = walk.nextNode(); e && seen < {MAX_SCROLL_WALK}; \
           e = walk.nextNode(), seen++) {{ \
           if (e === root || e.scrollHeight <= e.clientHeight) continue; \
           const y = getComputedStyle(e).overflowY; \
           if (y === 'auto' || y === 'scroll' || y === 'overlay') found.push([e, found.length]); \
         }} \
         const area = e => e.clientWidth * e.clientHeight; \
         const chosen = found.sort((a, b) => area(b[0]) - area(a[0])) \
           .slice(0, {MAX_SCROLLERS}).sort((a, b) => b[1] - a[1]).map(p => p[0]); \
         for (let i = 0; i < chosen.length; i++) {{ \
           if (i > 0 && chosen[i].contains(chosen[i - 1])) await frame(); \
           down(chosen[i]); }} \
         if (chosen.length && root) await frame(); \
         if (root) down(root); \
         }} catch (e) {{ return true; }} return moved; }})()"
    )
}

/// Read the page after it settled: where it ended, its title, its links.
const READ_DOM: &str = "JSON.stringify({url: location.href, title: document.title, \
    links: Array.from(document.links, a => a.href).slice(0, 2000)})";

/// A tab kept open from page to page: its target, its attached session, and the events of that
/// session and of everything attached below it (frames, workers). Reusing it saves starting a
/// renderer for every page.
pub struct Tab {
    target: String,
    session: String,
    sink: mpsc::UnboundedSender<Event>,
    events: mpsc::UnboundedReceiver<Event>,
}

impl Tab {
    /// Open a blank tab, attach to it and turn on the events the recorder needs; frames and
    /// workers attach below it on their own.
    ///
    /// # Errors
    /// The failed call, worded for a page's `browser.error`.
    pub async fn open(cdp: &Cdp, timeout: Duration) -> Result<Tab, String> {
        let opening = Instant::now();
        let created = cdp
            .call(None, "Target.createTarget", new_tab(), timeout)
            .await;
        let target =
            string_field(created, "targetId").map_err(|e| format!("opening a tab failed: {e}"))?;
        let params = json!({"targetId": target, "flatten": true});
        let attached = cdp
            .call(None, "Target.attachToTarget", params, timeout)
            .await;
        let (sink, events) = mpsc::unbounded_channel();
        let tab = Tab {
            session: string_field(attached, "sessionId").unwrap_or_default(),
            target,
            sink,
            events,
        };
        if tab.session.is_empty() {
            tab.close(cdp, timeout, None).await;
            return Err("attaching to the tab failed".into());
        }
        cdp.route(&tab.session, tab.sink.clone());
        // Sent in this order at once (the tab's renderer starts meanwhile), answers awaited
        // together.
        let session = Some(tab.session.as_str());
        let hook =
            setters::prepare().map(|(method, params)| cdp.call(session, method, params, timeout));
        let prepared = futures::future::join_all(
            [
                cdp.call(session, "Network.enable", json!({}), timeout),
                cdp.call(session, "Page.enable", json!({}), timeout),
                cdp.call(session, "DOMStorage.enable", json!({}), timeout),
            ]
            .into_iter()
            .chain(hook)
            .chain([cdp.call(session, "Target.setAutoAttach", auto_attach(), timeout)]),
        )
        .await;
        if let Some(Err(e)) = prepared.into_iter().find(Result::is_err) {
            tab.close(cdp, timeout, None).await;
            return Err(format!("preparing the tab failed: {e}"));
        }
        tracing::debug!("a tab opened in {:?}", opening.elapsed());
        Ok(tab)
    }

    /// Stop routing the tab's events and close it; one that does not close is left to the
    /// browser's shutdown.
    pub async fn close(self, cdp: &Cdp, timeout: Duration, url: Option<&Url>) {
        cdp.unroute(&self.sink);
        close_tab(cdp, &self.target, timeout, url).await;
    }
}

/// Load `url` in `tab` (a fresh tab when `None`) and record what happens. The tab comes back
/// when it can take the next page: the page was left for a blank one without trouble.
pub async fn render(
    cdp: &Cdp,
    tab: Option<Tab>,
    url: &Url,
    settings: &BrowserSettings,
    screenshot: bool,
    stop: &CancellationToken,
) -> (RenderedPage, Option<Tab>) {
    let timeout = settings.call_timeout;
    let mut tab = match tab {
        Some(tab) => tab,
        None => match Tab::open(cdp, timeout).await {
            Ok(tab) => tab,
            Err(e) => return (failed(e), None),
        },
    };
    let (mut page, reusable) = visit(cdp, &mut tab, url, settings, screenshot, stop).await;
    let tab = if reusable {
        Some(tab)
    } else {
        tab.close(cdp, timeout, Some(url)).await;
        None
    };
    if page.error.is_some() {
        tracing::info!("{url}: {}", page.error.as_deref().unwrap_or_default());
    }
    page.links.truncate(MAX_LINKS);
    (page, tab)
}

/// The page's record, and whether the tab can take another page.
async fn visit(
    cdp: &Cdp,
    tab: &mut Tab,
    url: &Url,
    settings: &BrowserSettings,
    screenshot: bool,
    stop: &CancellationToken,
) -> (RenderedPage, bool) {
    let timeout = settings.call_timeout;
    let session = tab.session.clone();
    let events = &mut tab.events;
    let s = Some(session.as_str());
    let mut recorder = Recorder::new(&session);
    let started = Instant::now();
    let deadline = started + settings.page_wait;
    let navigate = cdp.call(s, "Page.navigate", json!({"url": url.as_str()}), timeout);
    let navigated = drain_while(&mut recorder, events, stop, navigate).await;
    let mut error = match navigated {
        Ok(v) => v["errorText"]
            .as_str()
            .filter(|e| !e.is_empty())
            .map(|e| format!("loading the page failed: {e}")),
        Err(e) => Some(format!("the page did not load: {e}")),
    };
    if error.is_none() {
        settle(cdp, &mut recorder, events, stop, started, deadline).await;
        // Lazy loaders start when the visitor scrolls: scroll every frame to the bottom once,
        // its window and its inner scrollers.
        let sessions = page_sessions(&session, &recorder);
        let expression = scroll_expression();
        let scrolls = sessions
            .iter()
            .map(|frame_session| evaluate_in_frames(cdp, frame_session, &expression, timeout));
        let scroll = async { Ok(futures::future::join_all(scrolls).await) };
        // A renderer that does not answer is hung (a script that never yields): no more
        // calls to it, the tab is closed.
        match drain_while(&mut recorder, events, stop, scroll)
            .await
            .and_then(scrolled)
        {
            // Nothing moved (a page no taller than the window, no inner scroller): no scroll
            // event, nothing new in view, so nothing for a second quiet wait to catch.
            Ok(false) => {}
            Ok(true) => {
                recorder.last_activity = Some(Instant::now());
                let deadline = deadline.max(Instant::now() + QUIET);
                settle(cdp, &mut recorder, events, stop, started, deadline).await;
            }
            Err(e) => error = Some(unanswered(cdp, &e)),
        }
    }
    if stop.is_cancelled() {
        // What was recorded until the stop is kept; nothing more is asked of the page.
        error = Some(STOPPED.into());
    }
    let settled_at = Instant::now();
    tracing::debug!(
        "{url}: loaded after {:?}, quiet after {:?}",
        recorder
            .loaded_at
            .map(|t| t.saturating_duration_since(started)),
        settled_at.saturating_duration_since(started)
    );
    let mut page = RenderedPage::default();
    if recorder.crashed {
        error = Some("the page crashed the browser's renderer".into());
    } else if error.is_none() {
        // The DOM and the storage keys of every frame are read at once, each in an isolated
        // world: a page that replaces `JSON.stringify` or the like cannot change or break the
        // read. Storage events can be missed (a key written before the page, unchanged since,
        // raises none): the keys present at the end are read in every frame of the page and of
        // its out-of-process frames.
        let sessions = page_sessions(&session, &recorder);
        let storage =
            futures::future::join_all(sessions.iter().map(|frame_session| {
                evaluate_in_frames(cdp, frame_session, READ_STORAGE, timeout)
            }));
        let dom = read_main_frame(cdp, &session, READ_DOM, timeout);
        let read = async { Ok(futures::join!(dom, storage)) };
        match drain_while(&mut recorder, events, stop, read).await {
            Ok((dom, storage)) => {
                match dom {
                    Ok(v) => read_dom(&v, &mut page),
                    Err(e) => error = Some(unanswered(cdp, &e)),
                }
                for found in storage {
                    match found {
                        Ok(found) => found
                            .iter()
                            .flatten()
                            .for_each(|v| read_storage(v, &mut recorder)),
                        Err(e) => tracing::debug!("{url}: reading the frames' storage keys: {e}"),
                    }
                }
            }
            Err(e) => error = Some(unanswered(cdp, &e)),
        }
        // A request that started while the page was read (a frame that ran late on a busy
        // machine) is waited for too, so the tab never closes on it unrecorded.
        let late = recorder.last_activity.is_some_and(|t| t > settled_at);
        if error.is_none() && late {
            let deadline = deadline.max(Instant::now() + QUIET);
            settle(cdp, &mut recorder, events, stop, started, deadline).await;
        }
        if screenshot && error.is_none() {
            // Chromium draws only the active tab, and a screenshot of another waits for a
            // frame that never comes: a reused tab may have been put behind newer ones.
            let front = cdp.call(s, "Page.bringToFront", json!({}), timeout);
            if let Err(e) = drain_while(&mut recorder, events, stop, front).await {
                tracing::debug!("{url}: bringing the tab to the front: {e}");
            }
            let shot = cdp.call(
                s,
                "Page.captureScreenshot",
                json!({"format": "png"}),
                timeout,
            );
            match drain_while(&mut recorder, events, stop, shot).await {
                Ok(v) => page.screenshot = decode_png(&v),
                Err(e) => tracing::info!("{url}: no screenshot: {e}"),
            }
        }
    }
    // A document whose load event never came (a subresource that never answers) was cut off
    // at --page-wait: what it did until then is recorded, and that it hung (its tab
    // is not reused).
    if error.is_none() && !recorder.loaded {
        let wait = settings.page_wait.as_secs_f64();
        error = Some(format!(
            "the page hung: it did not finish loading within {wait} s (--page-wait)"
        ));
    }
    // Leave the page for a blank one before the tab takes the next page, so that the page's
    // late events end up in its own record and the next page starts in an empty tab. A tab
    // that does not get there is closed.
    let reusable = error.is_none()
        && !recorder.crashed
        && leave(cdp, s, &mut recorder, events, stop, timeout).await;
    // The cookies once the page is left: those its `pagehide` and `unload` handlers set are
    // among them.
    match cdp
        .call(None, "Storage.getCookies", json!({}), timeout)
        .await
    {
        Ok(v) => page.cookies = cookies(&v),
        Err(e) => tracing::info!("{url}: reading cookies failed: {e}"),
    }
    // Events that arrived while the DOM and cookies were read.
    while let Ok(event) = events.try_recv() {
        recorder.handle(event);
    }
    // Each cookie credited to what of this page set it, once every late `Set-Cookie` is in.
    for cookie in &mut page.cookies {
        cookie.set_by = recorder.setter_of(cookie);
    }
    if recorder.malformed > 0 {
        tracing::debug!("{url}: {} request events without a URL", recorder.malformed);
    }
    page.chains = (0..recorder.requests.len())
        .map(|i| recorder.initiator_chain(i, MAX_CHAIN))
        .collect();
    page.blocked_cookies = recorder.blocked_cookies();
    page.left_out = recorder.left_out();
    page.storage = std::mem::take(&mut recorder.storage);
    page.requests = recorder.requests;
    page.error = if stop.is_cancelled() && error.is_some() {
        Some(STOPPED.into())
    } else {
        error
    };
    tracing::debug!("{url}: read after {:?}", started.elapsed());
    (page, reusable)
}

/// Navigate the tab to `about:blank` and wait for the blank page's load and the end of the
/// left page's requests (at most [`QUIET`] twice). `false` when the tab did not get there.
async fn leave(
    cdp: &Cdp,
    session: Option<&str>,
    recorder: &mut Recorder,
    events: &mut mpsc::UnboundedReceiver<Event>,
    stop: &CancellationToken,
    timeout: Duration,
) -> bool {
    recorder.loaded = false;
    let blank = cdp.call(
        session,
        "Page.navigate",
        json!({"url": "about:blank"}),
        timeout,
    );
    if drain_while(recorder, events, stop, blank).await.is_err() {
        return false;
    }
    let deadline = tokio::time::Instant::now() + QUIET * 2;
    loop {
        let idle = recorder
            .last_activity
            .map_or(Duration::MAX, |t| t.elapsed());
        if recorder.loaded && (recorder.inflight() == 0 || idle >= LEAVE_QUIET) {
            return !recorder.crashed;
        }
        let wake = (tokio::time::Instant::now() + LEAVE_QUIET).min(deadline);
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => recorder.handle(event),
                None => return false,
            },
            _ = tokio::time::sleep_until(wake) => {
                if wake == deadline {
                    return false;
                }
            }
            _ = stop.cancelled() => return false,
            () = cdp.closed() => return false,
        }
    }
}

/// Close a tab (of `url`, for the log); one that does not close is left to the browser's
/// shutdown.
pub(super) async fn close_tab(cdp: &Cdp, target: &str, timeout: Duration, url: Option<&Url>) {
    let params = json!({"targetId": target});
    if let Err(e) = cdp.call(None, "Target.closeTarget", params, timeout).await {
        let page = url.map_or_else(|| "a tab".to_owned(), |u| format!("the tab of {u}"));
        tracing::debug!("closing {page}: {e}");
    }
}

/// The sessions whose frames make up the page: the tab's, then its out-of-process frames' (at
/// most [`MAX_FRAMES`] in all).
fn page_sessions(session: &str, recorder: &Recorder) -> Vec<String> {
    std::iter::once(session.to_owned())
        .chain(recorder.frame_sessions.iter().cloned())
        .take(MAX_FRAMES)
        .collect()
}

/// Evaluate `expression` in every frame of a session's frame tree (at most [`MAX_FRAMES`], the
/// main frame first), each in an isolated world of the frame: the page's own scripts cannot
/// change what it sees or does (a page that redefines `Object.keys`, `JSON.stringify` or
/// `scrollTo`). One answer per frame.
async fn evaluate_in_frames(
    cdp: &Cdp,
    session: &str,
    expression: &str,
    timeout: Duration,
) -> Result<Vec<Result<Value, String>>, String> {
    let s = Some(session);
    let tree = cdp.call(s, "Page.getFrameTree", json!({}), timeout).await?;
    let mut frames = Vec::new();
    let mut stack = vec![&tree["frameTree"]];
    while let Some(node) = stack.pop() {
        if frames.len() >= MAX_FRAMES {
            break;
        }
        if let Some(id) = node["frame"]["id"].as_str() {
            frames.push(id.to_owned());
        }
        stack.extend(node["childFrames"].as_array().into_iter().flatten());
    }
    let reads = frames
        .iter()
        .map(|frame| evaluate_isolated(cdp, session, frame, expression, timeout));
    Ok(futures::future::join_all(reads).await)
}

/// Whether scrolling the page's frames (their answers by session, then frame) moved anything.
/// The main frame not answering is the page's error; another frame's is not (a frame that went
/// away meanwhile).
fn scrolled(answers: Vec<Result<Vec<Result<Value, String>>, String>>) -> Result<bool, String> {
    let mut moved = false;
    for (i, frames) in answers.into_iter().enumerate() {
        let frames = match frames {
            Ok(frames) if i == 0 && frames.is_empty() => {
                return Err("no main frame in the frame tree".into());
            }
            Ok(frames) => frames,
            Err(e) if i == 0 => return Err(e),
            Err(_) => continue,
        };
        for (j, answer) in frames.into_iter().enumerate() {
            match answer {
                // An answer without a value (the expression threw) counts as moved: wait again.
                Ok(v) => moved |= v["result"]["value"] != json!(false),
                Err(e) if i == 0 && j == 0 => return Err(e),
                Err(_) => {}
            }
        }
    }
    Ok(moved)
}

/// Evaluate `expression` in an isolated world of the session's main frame.
async fn read_main_frame(
    cdp: &Cdp,
    session: &str,
    expression: &str,
    timeout: Duration,
) -> Result<Value, String> {
    let tree = cdp
        .call(Some(session), "Page.getFrameTree", json!({}), timeout)
        .await?;
    let frame = tree["frameTree"]["frame"]["id"]
        .as_str()
        .ok_or("no main frame in the frame tree")?;
    evaluate_isolated(cdp, session, frame, expression, timeout).await
}

/// Evaluate `expression` (its value returned as JSON) in a world of `frame` of its own: it sees
/// the frame's DOM and storage, not the globals the page's scripts defined or replaced.
async fn evaluate_isolated(
    cdp: &Cdp,
    session: &str,
    frame: &str,
    expression: &str,
    timeout: Duration,
) -> Result<Value, String> {
    let s = Some(session);
    let params = json!({"frameId": frame, "worldName": "trackaudit"});
    let world = cdp
        .call(s, "Page.createIsolatedWorld", params, timeout)
        .await?;
    let context = world["executionContextId"]
        .as_i64()
        .ok_or("no execution context for the frame")?;
    let params = json!({"expression": expression, "contextId": context, "returnByValue": true,
        "awaitPromise": true});
    cdp.call(s, "Runtime.evaluate", params, timeout).await
}

/// Record events while waiting for `call` (a protocol call: it ends when the connection does).
async fn drain_while<T, F: std::future::Future<Output = Result<T, String>>>(
    recorder: &mut Recorder,
    events: &mut mpsc::UnboundedReceiver<Event>,
    stop: &CancellationToken,
    call: F,
) -> Result<T, String> {
    tokio::pin!(call);
    loop {
        tokio::select! {
            result = &mut call => return result,
            Some(event) = events.recv() => recorder.handle(event),
            _ = stop.cancelled() => return Err(STOPPED.into()),
        }
    }
}

/// The quiet window of a page: [`QUIET`], longer for a page that was slow to load (a busy
/// machine runs a frame's scripts late too): half its load time, at most four times [`QUIET`].
fn quiet_window(load_time: Option<Duration>) -> Duration {
    load_time.map_or(QUIET, |t| (t / 2).clamp(QUIET, QUIET * 4))
}

/// Record events until the page has loaded and the network has been quiet for the quiet window
/// with nothing in flight (or for four quiet windows with something still pending: a long poll
/// or a stream never ends), or until `deadline`, a stop, or the end of the connection (Chromium
/// gone: nothing more will come).
async fn settle(
    cdp: &Cdp,
    recorder: &mut Recorder,
    events: &mut mpsc::UnboundedReceiver<Event>,
    stop: &CancellationToken,
    started: Instant,
    deadline: Instant,
) {
    loop {
        let load_time = recorder
            .loaded_at
            .map(|t| t.saturating_duration_since(started));
        let quiet = quiet_window(load_time);
        let now = Instant::now();
        if now >= deadline || recorder.crashed {
            return;
        }
        let last = recorder.last_activity.unwrap_or(now);
        let idle = now.saturating_duration_since(last);
        if recorder.loaded && idle >= quiet && recorder.inflight() == 0 {
            return;
        }
        if recorder.loaded && idle >= quiet * 4 {
            tracing::debug!("judged quiet with {} pending", recorder.inflight());
            return;
        }
        let wake = if recorder.loaded && recorder.inflight() == 0 {
            last + quiet
        } else {
            now + quiet
        };
        let wake = tokio::time::Instant::from_std(wake.min(deadline));
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => recorder.handle(event),
                None => return,
            },
            _ = tokio::time::sleep_until(wake) => {}
            _ = stop.cancelled() => return,
            () = cdp.closed() => return,
        }
    }
}

fn read_dom(result: &Value, page: &mut RenderedPage) {
    let Some(text) = result["result"]["value"].as_str() else {
        return;
    };
    let Ok(dom) = serde_json::from_str::<Value>(text) else {
        return;
    };
    page.final_url = dom["url"].as_str().and_then(|u| Url::parse(u).ok());
    page.title = dom["title"]
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| crate::observe::shorten(t, 200));
    page.links = dom["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|u| Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .collect();
}

fn read_storage(result: &Value, recorder: &mut Recorder) {
    let Some(text) = result["result"]["value"].as_str() else {
        return;
    };
    let Ok(found) = serde_json::from_str::<Value>(text) else {
        return;
    };
    // An opaque origin (`null`: a sandboxed frame, about:blank) has no storage of its own.
    let Some(origin) = found["origin"].as_str().filter(|o| o.contains("://")) else {
        return;
    };
    for (field, local) in [("local", true), ("session", false)] {
        let more = found[field]["more"].as_u64().unwrap_or(0);
        let more = usize::try_from(more).unwrap_or(usize::MAX);
        recorder.storage_unread = recorder.storage_unread.max(more);
        let keys = found[field]["keys"].as_array().into_iter().flatten();
        for key in keys.filter_map(Value::as_str) {
            recorder.add_storage(StorageItem {
                origin: origin.to_owned(),
                local,
                key: key.to_owned(),
            });
        }
    }
}

fn cookies(result: &Value) -> Vec<BrowserCookie> {
    result["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some(BrowserCookie {
                name: c["name"].as_str()?.to_owned(),
                domain: c["domain"].as_str()?.to_owned(),
                path: c["path"].as_str().unwrap_or("/").to_owned(),
                expires: (!c["session"].as_bool().unwrap_or(false))
                    .then(|| c["expires"].as_f64())
                    .flatten()
                    .filter(|e| *e > 0.0),
                secure: c["secure"].as_bool().unwrap_or(false),
                http_only: c["httpOnly"].as_bool().unwrap_or(false),
                same_site: c["sameSite"].as_str().map(str::to_owned),
                set_by: None,
            })
        })
        .collect()
}

/// Why a call to a loaded page got no answer: Chromium is gone, or the page's renderer hangs
/// (a script that never yields).
fn unanswered(cdp: &Cdp, error: &str) -> String {
    if cdp.is_closed() {
        format!("Chromium exited while the page was loaded: {error}")
    } else {
        format!("the page hung: {error}")
    }
}

/// A string field of a call's answer; a missing one is an error too.
fn string_field(answer: Result<Value, String>, field: &str) -> Result<String, String> {
    answer?[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no {field} in the answer"))
}

/// The PNG bytes of a `Page.captureScreenshot` answer.
pub(super) fn decode_png(result: &Value) -> Option<Vec<u8>> {
    use base64::Engine;
    let data = result["data"].as_str()?;
    base64::engine::general_purpose::STANDARD.decode(data).ok()
}

fn failed(error: String) -> RenderedPage {
    RenderedPage {
        error: Some(error),
        ..RenderedPage::default()
    }
}
