//! Who set a cookie. Every cookie a page's requests (`Set-Cookie` in
//! `Network.responseReceivedExtraInfo`) or scripts (`document.cookie`, `cookieStore.set`, seen
//! by a hook that runs before the page's scripts in every frame) set is noted with its setter;
//! a cookie found in the profile at the end of the page is then credited to the request or
//! document that set it. With several tabs sharing one profile, a cookie another tab's page
//! set is found too, and no setter of this page explains it.

use serde_json::{Value, json};

/// The binding the hook reports through (`Runtime.addBinding`): removed from the page's global
/// object before any of its scripts runs, so a page cannot call it.
pub const BINDING: &str = "__trackauditCookieSet";

/// Runs in the main world of every document before its own scripts
/// (`Page.addScriptToEvaluateOnNewDocument`): wraps the `document.cookie` setter and
/// `cookieStore.set`, and reports each write as `[cookie line, document URL]` (JSON, at most 4
/// KiB of line). Functions the page could replace later are taken now.
pub const HOOK: &str = r#"(() => {
  const send = globalThis.__trackauditCookieSet;
  if (typeof send !== 'function') return;
  try { delete globalThis.__trackauditCookieSet; } catch (e) {}
  const stringify = JSON.stringify, slice = String.prototype.slice;
  const call = Function.prototype.call, apply = Reflect.apply;
  const report = (line) => {
    try { send(stringify([call.call(slice, String(line), 0, 4096), location.href])); } catch (e) {}
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (cookie && cookie.set) {
    const set = cookie.set;
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true, enumerable: cookie.enumerable, get: cookie.get,
      set: function (value) { call.call(set, this, value); report(value); },
    });
  }
  const store = globalThis.CookieStore && CookieStore.prototype;
  const storeSet = store && store.set;
  if (typeof storeSet === 'function') {
    store.set = function (name, value) {
      const options = (name && typeof name === 'object') ? name : {name};
      const domain = options.domain ? '; domain=' + options.domain : '';
      report(String(options.name) + '=' + domain);
      return apply(storeSet, this, arguments);
    };
  }
})()"#;

/// The calls that prepare a session (a tab's, or an out-of-process frame's) for the hook. V8
/// installs a binding in new documents only with the runtime domain on; its other events
/// (console messages, contexts) are not routed (see [`is_noise`]).
pub fn prepare() -> [(&'static str, Value); 3] {
    [
        ("Runtime.enable", json!({})),
        ("Runtime.addBinding", json!({"name": BINDING})),
        (
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": HOOK}),
        ),
    ]
}

/// An event of the runtime domain nothing records: everything but the hook's calls.
pub fn is_noise(method: &str) -> bool {
    method.starts_with("Runtime.") && method != "Runtime.bindingCalled"
}

/// A cookie a page set, by name and `Domain` attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct CookieSet {
    pub name: String,
    /// The `Domain` attribute, lowercased, without its leading dot; `None`: a host-only cookie
    /// of the setter's host.
    pub domain: Option<String>,
}

/// The name and `Domain` of a `Set-Cookie` or `document.cookie` line; `None` for a line
/// without a name (`=x`, `x`: no cookie a report could name).
pub fn parse_line(line: &str) -> Option<CookieSet> {
    let mut parts = line.split(';');
    let pair = parts.next()?;
    let (name, _) = pair.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let domain = parts.find_map(|attribute| {
        let (key, value) = attribute.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("domain")
            .then(|| value.trim().trim_start_matches('.').to_ascii_lowercase())
    });
    Some(CookieSet {
        name: name.to_owned(),
        domain: domain.filter(|d| !d.is_empty()),
    })
}

impl CookieSet {
    /// Whether this write, made from a document or request at `setter_host`, is the cookie
    /// `name` of `domain` (as Chromium reports it: `.example.com` for a domain cookie).
    pub fn is(&self, name: &str, domain: &str, setter_host: Option<&str>) -> bool {
        if self.name != name {
            return false;
        }
        let host_only = !domain.starts_with('.');
        let domain = domain.trim_start_matches('.').to_ascii_lowercase();
        match &self.domain {
            Some(attribute) => !host_only && *attribute == domain,
            None => host_only && setter_host.is_some_and(|h| h.eq_ignore_ascii_case(&domain)),
        }
    }
}

/// The `Set-Cookie` lines of a `Network.responseReceivedExtraInfo`, those Chromium refused
/// (`blockedCookies` with a reason) left out. Header names are matched in any case; several
/// lines come joined by `\n`.
pub fn stored_lines(p: &Value) -> Vec<String> {
    let refused: Vec<&str> = p["blockedCookies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| {
            b["blockedReasons"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        })
        .filter_map(|b| b["cookieLine"].as_str())
        .collect();
    let headers = p["headers"].as_object().into_iter().flatten();
    headers
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, value)| value.as_str())
        .flat_map(|value| value.split('\n'))
        .filter(|line| !line.trim().is_empty() && !refused.contains(line))
        .map(str::to_owned)
        .collect()
}

/// A `Runtime.bindingCalled` of the hook: the cookie line and the document URL that wrote it.
pub fn script_write(p: &Value) -> Option<(String, String)> {
    if p["name"] != BINDING {
        return None;
    }
    let payload = p["payload"].as_str().filter(|s| s.len() <= 16 * 1024)?;
    let parsed: Value = serde_json::from_str(payload).ok()?;
    Some((
        parsed[0].as_str()?.to_owned(),
        parsed[1].as_str()?.to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_lines_give_their_name_and_domain() {
        let set = parse_line("uid=1; Path=/; Domain=.Tracker.Example; SameSite=None").unwrap();
        assert_eq!(set.name, "uid");
        assert_eq!(set.domain.as_deref(), Some("tracker.example"));
        assert!(set.is("uid", ".tracker.example", None));
        assert!(!set.is("uid", "tracker.example", Some("tracker.example")));
        let host = parse_line(" sid = x").unwrap();
        assert!(host.is("sid", "school.example", Some("School.example")));
        assert!(!host.is("sid", "school.example", Some("other.example")));
        assert!(!host.is("sid", ".school.example", Some("school.example")));
        assert_eq!(parse_line("novalue"), None);
        assert_eq!(parse_line("=x; domain=a.example"), None);
    }

    #[test]
    fn refused_set_cookie_lines_are_not_stored_ones() {
        let p = json!({"headers": {"Set-Cookie": "a=1\nb=2; SameSite=None", "content-type": "x"},
            "blockedCookies": [{"blockedReasons": ["SameSiteNoneInsecure"], "cookieLine": "b=2; SameSite=None"},
                               {"blockedReasons": [], "cookieLine": "a=1"}]});
        assert_eq!(stored_lines(&p), vec!["a=1"]);
    }

    #[test]
    fn only_the_hooks_binding_is_a_script_write() {
        let p = json!({"name": BINDING, "payload": "[\"k=v; domain=x.example\", \"https://x.example/\"]"});
        let (line, url) = script_write(&p).unwrap();
        assert_eq!(
            (line.as_str(), url.as_str()),
            ("k=v; domain=x.example", "https://x.example/")
        );
        assert_eq!(
            script_write(&json!({"name": "other", "payload": "[]"})),
            None
        );
        assert_eq!(
            script_write(&json!({"name": BINDING, "payload": "not json"})),
            None
        );
    }
}
