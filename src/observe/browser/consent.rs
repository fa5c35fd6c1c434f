//! Making a consent choice: the start page is loaded in a tab of the site's profile, the consent
//! banner found (by the platform rules of `tracker-lists/cmp.toml`, else by the labels of its
//! buttons), and "accept all" or "reject all" clicked — on the second layer when the first has
//! no reject. The profile keeps the choice for the rest of the crawl.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use url::Url;

use super::BrowserSettings;
use super::cdp::{Cdp, new_tab};
use super::tab::{close_tab, decode_png};
use crate::lists::CmpRule;
use crate::report::model::ConsentChoice;
use crate::vocab::ConsentState;

/// The script that finds the banner and clicks a control (see its header).
const FIND_AND_CLICK: &str = include_str!("consent.js");

/// Labels of "accept all" in Dutch, English, German and French, compared whole (case, spaces
/// and a closing full stop ignored), so a word inside a longer text never matches.
const ACCEPT_WORDS: &[&str] = &[
    "alles accepteren",
    "alle cookies accepteren",
    "accepteren",
    "akkoord",
    "ik ga akkoord",
    "alles toestaan",
    "alle cookies toestaan",
    "cookies toestaan",
    "toestaan",
    "ja, ik accepteer",
    "accept all",
    "accept all cookies",
    "accept",
    "accept cookies",
    "allow all",
    "allow all cookies",
    "allow cookies",
    "i agree",
    "agree",
    "i accept",
    "agree and close",
    "alle akzeptieren",
    "alles akzeptieren",
    "akzeptieren",
    "alle cookies akzeptieren",
    "zustimmen",
    "alle zulassen",
    "einverstanden",
    "alle auswählen und speichern",
    "tout accepter",
    "accepter",
    "accepter tout",
    "j'accepte",
    "accepter et fermer",
    "autoriser tous les cookies",
    "accepter les cookies",
];

/// Labels of "reject all" / "only necessary".
const REJECT_WORDS: &[&str] = &[
    "weigeren",
    "alles weigeren",
    "alle cookies weigeren",
    "cookies weigeren",
    "afwijzen",
    "alles afwijzen",
    "alleen noodzakelijke cookies",
    "alleen noodzakelijk",
    "alleen noodzakelijke",
    "alleen functionele cookies",
    "alleen functionele",
    "alleen essentiële cookies",
    "niet akkoord",
    "nee, bedankt",
    "nee bedankt",
    "noodzakelijke cookies",
    "reject all",
    "reject",
    "reject all cookies",
    "decline",
    "decline all",
    "refuse",
    "deny",
    "deny all",
    "necessary cookies only",
    "only necessary cookies",
    "only necessary",
    "use necessary cookies only",
    "essential cookies only",
    "only essential cookies",
    "alle ablehnen",
    "ablehnen",
    "nur notwendige cookies",
    "nur essenzielle cookies",
    "nur notwendige",
    "nur erforderliche cookies",
    "alle cookies ablehnen",
    "tout refuser",
    "refuser",
    "refuser tout",
    "continuer sans accepter",
    "je refuse",
    "refuser les cookies",
    "refuser tous les cookies",
];

/// Labels of the control that opens the second layer (the settings).
const SETTINGS_WORDS: &[&str] = &[
    "instellingen",
    "cookie-instellingen",
    "cookie instellingen",
    "voorkeuren",
    "voorkeuren beheren",
    "instellingen aanpassen",
    "meer opties",
    "cookies beheren",
    "settings",
    "cookie settings",
    "manage preferences",
    "manage cookies",
    "customize",
    "customise",
    "preferences",
    "more options",
    "manage settings",
    "einstellungen",
    "cookie-einstellungen",
    "individuelle einstellungen",
    "anpassen",
    "paramétrer",
    "personnaliser",
    "gérer mes choix",
    "paramètres des cookies",
    "préférences",
];

/// The longest the banner may take to appear after the page loaded (CMP scripts load late).
const BANNER_WAIT: Duration = Duration::from_secs(5);
/// The longest a second layer may take to open, and a banner to go away after the click.
const LAYER_WAIT: Duration = Duration::from_secs(3);
const POLL: Duration = Duration::from_millis(250);

/// What a look at the page found.
#[derive(Debug, Default)]
struct Look {
    platform: Option<String>,
    accept: bool,
    reject: bool,
    settings: bool,
    /// How the clicked control was found (`rule`, `text`), when one was clicked.
    clicked: Option<String>,
}

/// Load `url` in a new tab of the profile, find the banner and make `state`'s choice; the
/// outcome, and a PNG screenshot of the banner when `screenshot`. Never fails: what went wrong
/// is the choice's `error`.
pub async fn choose(
    cdp: &Cdp,
    url: &Url,
    settings: &BrowserSettings,
    rules: &[CmpRule],
    state: ConsentState,
    screenshot: bool,
) -> (ConsentChoice, Option<Vec<u8>>) {
    let timeout = settings.call_timeout;
    let mut choice = ConsentChoice {
        state: Some(state),
        ..ConsentChoice::default()
    };
    let created = cdp
        .call(None, "Target.createTarget", new_tab(), timeout)
        .await;
    let Some(target) = created
        .ok()
        .and_then(|v| v["targetId"].as_str().map(str::to_owned))
    else {
        choice.error = Some("no tab could be opened".into());
        return (choice, None);
    };
    let mut tab = Tab {
        cdp,
        session: String::new(),
        timeout,
        rules: serde_json::to_value(rules).unwrap_or(Value::Null),
    };
    let shot = match tab.attach(&target).await {
        Ok(()) => {
            // Its waits poll the page until their deadlines: a Chromium gone ends them at once.
            let run = tab.run(url, settings, state, screenshot, rules, &mut choice);
            let made = tokio::select! {
                shot = run => Some(shot),
                () = cdp.closed() => None,
            };
            made.unwrap_or_else(|| {
                choice.error = Some("Chromium exited while the choice was made".into());
                None
            })
        }
        Err(e) => {
            choice.error = Some(e);
            None
        }
    };
    close_tab(cdp, &target, timeout, Some(url)).await;
    (choice, shot)
}

struct Tab<'a> {
    cdp: &'a Cdp,
    session: String,
    timeout: Duration,
    rules: Value,
}

impl Tab<'_> {
    async fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        self.cdp
            .call(Some(&self.session), method, params, self.timeout)
            .await
    }

    async fn attach(&mut self, target: &str) -> Result<(), String> {
        let attached = self
            .cdp
            .call(
                None,
                "Target.attachToTarget",
                json!({"targetId": target, "flatten": true}),
                self.timeout,
            )
            .await?;
        self.session = attached["sessionId"]
            .as_str()
            .ok_or("attaching to the tab failed")?
            .to_owned();
        self.call("Page.enable", json!({})).await?;
        Ok(())
    }

    async fn run(
        &self,
        url: &Url,
        settings: &BrowserSettings,
        state: ConsentState,
        screenshot: bool,
        rules: &[CmpRule],
        choice: &mut ConsentChoice,
    ) -> Option<Vec<u8>> {
        let navigated = self
            .call("Page.navigate", json!({"url": url.as_str()}))
            .await;
        match navigated {
            Ok(v) if v["errorText"].as_str().is_none_or(str::is_empty) => {}
            Ok(v) => {
                choice.error = Some(format!("the start page did not load: {}", v["errorText"]));
                return None;
            }
            Err(e) => {
                choice.error = Some(format!("the start page did not load: {e}"));
                return None;
            }
        }
        self.loaded(settings.page_wait).await;
        // The banner: the first look that shows an accept or a reject control.
        let deadline = Instant::now() + BANNER_WAIT;
        let mut look = self.look(None).await;
        while !(look.accept || look.reject) && Instant::now() < deadline {
            tokio::time::sleep(POLL).await;
            look = self.look(None).await;
        }
        choice.platform = look.platform.clone();
        choice.banner = look.accept || look.reject;
        choice.accept_on_first_layer = look.accept;
        choice.reject_on_first_layer = look.reject;
        if !choice.banner {
            choice.error = Some(match &look.platform {
                Some(id) => format!("the banner of {id} did not show an accept or reject control"),
                None => "no consent banner was found".into(),
            });
            return None;
        }
        let shot = if screenshot {
            // Chromium draws only the front tab; a screenshot of another never comes.
            if let Err(e) = self.call("Page.bringToFront", json!({})).await {
                tracing::debug!("{url}: bringing the tab to the front: {e}");
            }
            self.call("Page.captureScreenshot", json!({"format": "png"}))
                .await
                .ok()
                .and_then(|v| decode_png(&v))
        } else {
            None
        };
        let before = self.cookies().await;
        let clicked = match state {
            ConsentState::Accept => self.click("accept").await,
            ConsentState::Reject if look.reject => self.click("reject").await,
            ConsentState::Reject if look.settings => {
                choice.second_layer = true;
                self.second_layer_reject().await
            }
            ConsentState::Reject => None,
            ConsentState::None => return shot,
        };
        match clicked {
            Some(how) => {
                choice.clicked = true;
                choice.found_by = Some(how);
            }
            None => {
                choice.error = Some(match state {
                    ConsentState::Reject if !look.settings => {
                        "the banner has no reject control and no settings to find one".into()
                    }
                    _ => format!("the {} control could not be clicked", state.as_str()),
                });
                return shot;
            }
        }
        self.settled_after_click().await;
        let rule = choice
            .platform
            .as_ref()
            .and_then(|id| rules.iter().find(|r| &r.id == id));
        self.forget_cookies_set_before(&before, rule).await;
        shot
    }

    /// Wait until the document has loaded (or `limit`).
    async fn loaded(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let state = self
                .call(
                    "Runtime.evaluate",
                    json!({"expression": "document.readyState", "returnByValue": true}),
                )
                .await;
            if state.is_ok_and(|v| v["result"]["value"] == "complete") {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Look at the page, and click the control `click` when given.
    async fn look(&self, click: Option<&str>) -> Look {
        let argument = json!({
            "rules": self.rules,
            "words": {
                "accept": ACCEPT_WORDS,
                "reject": REJECT_WORDS,
                "settings": SETTINGS_WORDS,
            },
            "click": click,
        });
        let expression = format!("({FIND_AND_CLICK})({argument})");
        let answer = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true, "userGesture": true}),
            )
            .await;
        let Some(found) = answer
            .ok()
            .and_then(|v| v["result"]["value"].as_str().map(str::to_owned))
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        else {
            return Look::default();
        };
        let clicked = &found["clicked"];
        if clicked["mouse"] == true
            && let (Some(x), Some(y)) = (clicked["x"].as_f64(), clicked["y"].as_f64())
        {
            self.mouse_click(x, y).await;
        }
        Look {
            platform: found["platform"].as_str().map(str::to_owned),
            accept: found["accept"] == true,
            reject: found["reject"] == true,
            settings: found["settings"] == true,
            clicked: clicked["how"].as_str().map(str::to_owned),
        }
    }

    /// A real mouse click (pressed and released) at a point of the viewport.
    async fn mouse_click(&self, x: f64, y: f64) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            let params = json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1});
            if let Err(e) = self.call("Input.dispatchMouseEvent", params).await {
                tracing::debug!("consent click: {e}");
                return;
            }
        }
    }

    /// Click `kind`; how it was found, or `None` when it was not there.
    async fn click(&self, kind: &str) -> Option<String> {
        self.look(Some(kind)).await.clicked
    }

    /// Open the second layer and click its reject control once it shows.
    async fn second_layer_reject(&self) -> Option<String> {
        self.click("settings").await?;
        let deadline = Instant::now() + LAYER_WAIT;
        loop {
            tokio::time::sleep(POLL).await;
            if let Some(how) = self.click("reject_second_layer").await {
                return Some(how);
            }
            if Instant::now() >= deadline {
                return None;
            }
        }
    }

    /// Wait until the banner's controls are gone (the choice taken), at most [`LAYER_WAIT`],
    /// then a moment for the platform to write its cookie, then until the profile holds it.
    async fn settled_after_click(&self) {
        let deadline = Instant::now() + LAYER_WAIT;
        while Instant::now() < deadline {
            let look = self.look(None).await;
            if !look.accept && !look.reject {
                break;
            }
            tokio::time::sleep(POLL).await;
        }
        tokio::time::sleep(POLL * 2).await;
        self.script_cookies_stored(Instant::now() + LAYER_WAIT)
            .await;
    }

    /// Wait until every cookie the page's scripts see (`document.cookie`) is in the profile's
    /// cookie store, or `deadline`. A script's write shows in `document.cookie` at once but
    /// reaches the store a moment later, and the tab is closed after the choice: on a busy
    /// machine the choice's own cookie was lost that way, and the pages were then loaded as if
    /// no choice had been made.
    async fn script_cookies_stored(&self, deadline: Instant) {
        let expression = json!({"expression": "document.cookie", "returnByValue": true});
        loop {
            let seen = self.call("Runtime.evaluate", expression.clone()).await;
            let stored = self.call("Network.getCookies", json!({})).await;
            let (Ok(seen), Ok(stored)) = (seen, stored) else {
                return;
            };
            let stored: Vec<&str> = stored["cookies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["name"].as_str())
                .collect();
            let seen = seen["result"]["value"].as_str().unwrap_or_default();
            if cookie_names(seen).all(|name| stored.contains(&name)) {
                return;
            }
            if Instant::now() >= deadline {
                tracing::debug!("the choice's cookies did not all reach the cookie store");
                return;
            }
            tokio::time::sleep(POLL / 5).await;
        }
    }

    /// The profile's cookies: name, domain, path and value (the value is compared, never kept
    /// beyond this visit).
    async fn cookies(&self) -> Vec<(String, String, String, String)> {
        let Ok(answer) = self.call("Storage.getCookies", json!({})).await else {
            return Vec::new();
        };
        answer["cookies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c["name"].as_str()?.to_owned(),
                    c["domain"].as_str()?.to_owned(),
                    c["path"].as_str().unwrap_or("/").to_owned(),
                    c["value"].as_str().unwrap_or_default().to_owned(),
                ))
            })
            .collect()
    }

    /// Delete the cookies set before the choice that the click did not change, except the
    /// platform's own: what is present later was set after the choice (a cookie set before
    /// consent is the `none` state's finding, not a breach of the refusal).
    async fn forget_cookies_set_before(
        &self,
        before: &[(String, String, String, String)],
        rule: Option<&CmpRule>,
    ) {
        let after = self.cookies().await;
        let keeps_choice = |name: &str| {
            rule.is_some_and(|r| {
                r.cookies.iter().any(|p| match p.strip_suffix('*') {
                    Some(prefix) => name.starts_with(prefix),
                    None => name == p,
                })
            })
        };
        for cookie in after.iter().filter(|c| before.contains(c)) {
            let (name, domain, path, _) = cookie;
            if keeps_choice(name) {
                continue;
            }
            let params = json!({"name": name, "domain": domain, "path": path});
            if let Err(e) = self.call("Network.deleteCookies", params).await {
                tracing::debug!("forgetting cookie {name}: {e}");
            }
        }
    }
}

/// The names in a `document.cookie` string (`a=1; b=2`; a cookie without `=` has an empty
/// name, as in Chromium's store).
fn cookie_names(cookies: &str) -> impl Iterator<Item = &str> {
    cookies
        .split("; ")
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or("", |(name, _)| name))
}

#[cfg(test)]
mod tests {
    use super::cookie_names;

    #[test]
    fn the_names_of_a_document_cookie_string_are_each_cookies_name() {
        let names: Vec<&str> = cookie_names("a=1; _ga=GA1.2=3; flag; b=").collect();
        assert_eq!(names, ["a", "_ga", "", "b"]);
        assert_eq!(cookie_names("").count(), 0);
    }
}
