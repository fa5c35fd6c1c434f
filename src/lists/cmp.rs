//! Consent management platforms (`tracker-lists/cmp.toml`): how each is recognised, and the
//! selectors of its accept and reject controls on the first and the second layer.

use serde::{Deserialize, Serialize};

/// One consent management platform. See `tracker-lists/cmp.toml` for the fields' meaning and
/// the README ("Adding a consent platform") for how to write one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CmpRule {
    /// Stable id, lowercase letters, digits and dashes (`cookiebot`).
    pub id: String,
    pub name: String,
    /// The catalogue service of the platform's own host, when there is one.
    #[serde(default)]
    pub service: Option<String>,
    /// Where the markup is documented or can be seen.
    #[serde(default)]
    pub docs: String,
    /// Text in a script's or request's URL (host and path, without the scheme) that detects the
    /// platform (`consent.cookiebot.com/uc.js`).
    #[serde(default)]
    pub scripts: Vec<String>,
    /// CSS selectors of elements only this platform writes (searched in the page and in open
    /// shadow roots).
    #[serde(default)]
    pub markers: Vec<String>,
    /// CSS selector of the element whose open shadow root holds the banner (Usercentrics).
    #[serde(default)]
    pub shadow_host: Option<String>,
    /// CSS selectors of the first layer's "accept all", tried in order.
    #[serde(default)]
    pub accept: Vec<String>,
    /// CSS selectors of the first layer's "reject all" ("only necessary"), tried in order.
    #[serde(default)]
    pub reject: Vec<String>,
    /// CSS selectors of the first layer's control that opens the second layer.
    #[serde(default)]
    pub settings: Vec<String>,
    /// CSS selectors of "reject all" on the second layer.
    #[serde(default)]
    pub reject_second_layer: Vec<String>,
    /// Names of the cookies that keep the visitor's choice (`*` at the end: any rest).
    #[serde(default)]
    pub cookies: Vec<String>,
}

impl CmpRule {
    /// Every CSS selector of the rule, with the field it comes from.
    pub fn selectors(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let fields: [(&'static str, &Vec<String>); 5] = [
            ("markers", &self.markers),
            ("accept", &self.accept),
            ("reject", &self.reject),
            ("settings", &self.settings),
            ("reject_second_layer", &self.reject_second_layer),
        ];
        fields
            .into_iter()
            .flat_map(|(field, list)| list.iter().map(move |s| (field, s.as_str())))
            .chain(self.shadow_host.iter().map(|s| ("shadow_host", s.as_str())))
    }

    /// The platform's script is at `url`: one of [`CmpRule::scripts`] occurs in its host and
    /// path (compared without case).
    pub fn loads_from(&self, url: &url::Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let at = format!("{host}{}", url.path()).to_ascii_lowercase();
        self.scripts
            .iter()
            .any(|pattern| at.contains(&pattern.to_ascii_lowercase()))
    }
}

/// Problems of the consent platform table, for `lists --check`: ids unique and well formed,
/// a name, a way to detect it, an accept control, a reject control on the first layer or a
/// path to one on the second, every selector valid CSS, a named service in the catalogue.
pub fn check(rules: &[CmpRule], service_exists: impl Fn(&str) -> bool) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for rule in rules {
        let at = format!("cmp.toml: platform {:?}", rule.id);
        super::check::check_entry(&mut problems, &at, &rule.id, &rule.name, &mut ids);
        if rule.scripts.is_empty() && rule.markers.is_empty() {
            problems.push(format!(
                "{at}: no scripts and no markers: it can never be detected"
            ));
        }
        if rule.scripts.iter().any(|s| s.trim().len() < 4) {
            problems.push(format!(
                "{at}: a scripts entry shorter than 4 characters would match any URL"
            ));
        }
        if rule.accept.is_empty() {
            problems.push(format!("{at}: no accept selector"));
        }
        if rule.reject.is_empty()
            && (rule.settings.is_empty() || rule.reject_second_layer.is_empty())
        {
            problems.push(format!(
                "{at}: no reject selector, and no settings + reject_second_layer path to one"
            ));
        }
        for (field, selector) in rule.selectors() {
            if let Err(e) = scraper::Selector::parse(selector) {
                problems.push(format!(
                    "{at}: {field} selector {selector:?} is not valid CSS: {e}"
                ));
            }
        }
        if let Some(service) = &rule.service
            && !service_exists(service)
        {
            problems.push(format!("{at}: service {service:?} is not in the catalogue"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> CmpRule {
        CmpRule {
            id: "x".into(),
            name: "X".into(),
            scripts: vec!["cdn.x.example/cmp.js".into()],
            accept: vec!["#a".into()],
            reject: vec!["#r".into()],
            ..CmpRule::default()
        }
    }

    #[test]
    fn a_platform_without_a_way_to_reject_or_with_bad_css_is_refused() {
        assert!(check(&[rule()], |_| true).is_empty());
        let no_reject = CmpRule {
            reject: Vec::new(),
            ..rule()
        };
        assert!(check(std::slice::from_ref(&no_reject), |_| true)[0].contains("no reject"));
        let second_layer = CmpRule {
            settings: vec!["#s".into()],
            reject_second_layer: vec!["#r2".into()],
            ..no_reject
        };
        assert!(check(&[second_layer], |_| true).is_empty());
        let bad = CmpRule {
            accept: vec!["button[".into()],
            ..rule()
        };
        assert!(check(&[bad], |_| true)[0].contains("not valid CSS"));
        let undetectable = CmpRule {
            scripts: Vec::new(),
            ..rule()
        };
        assert!(check(&[undetectable], |_| true)[0].contains("never be detected"));
        assert!(check(&[rule(), rule()], |_| true)[0].contains("duplicate"));
        let unknown = CmpRule {
            service: Some("nope".into()),
            ..rule()
        };
        assert!(check(&[unknown], |_| false)[0].contains("not in the catalogue"));
    }

    #[test]
    fn a_platform_is_detected_by_its_script_host_and_path() {
        let at = |u: &str| rule().loads_from(&url::Url::parse(u).unwrap());
        assert!(at("https://CDN.x.example/cmp.js?v=2"));
        assert!(!at("https://cdn.x.example/other.js"));
        assert!(!at("https://elsewhere.example/?u=cdn.x.example/cmp.js"));
    }
}
