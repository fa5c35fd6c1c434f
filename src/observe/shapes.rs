//! The shapes in which CMS plugins and consent managers park what a page loads: the script types
//! they rewrite so that they can run the script later, the attributes that hold a URL until a
//! lazy loader or a consent manager moves it into `src`, and the markers by which a consent
//! manager says that it holds a tag back.
//!
//! Sources: the documentation and code of WP Rocket, LiteSpeed Cache, Perfmatters, WP Meteor,
//! WP-Optimize, Flying Scripts, Hummingbird, Cloudflare Rocket Loader and Mirage, NitroPack,
//! Optimole, Jetpack, lazysizes, a3 Lazy Load, Smush, Avada; and of the consent managers Cookiebot,
//! CookieFirst, Usercentrics, CookieYes, Complianz, OneTrust/CookiePro, iubenda, Didomi, Borlabs,
//! Klaro, Osano, Termly, Cookie Information, CookieHub, Cookie-Script, consentmanager, CCM19,
//! Civic Cookie Control, Moove GDPR, Real Cookie Banner, WPConsent and orestbida's CookieConsent.

use scraper::node::Element;

/// What the browser (or a plugin, later) does with a `<script>`, judged by its `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptType {
    /// JavaScript the browser runs now.
    Run,
    /// JavaScript whose type a performance or consent plugin rewrote so that the plugin can run
    /// it later (on interaction, after consent): it is on the site and is observed.
    Deferred,
    /// A data block: JSON-LD, JSON, templates, import maps, speculation rules, shaders. The
    /// browser never runs it; a consent marker on it still makes it a held-back script (Borlabs
    /// parks scripts as `text/template`).
    Data,
}

/// Types by which consent managers hold a script back whatever markers it carries.
const CONSENT_TYPES: &[&str] = &["didomi/javascript", "text/x-ccm-loader"];

/// The kind of a script by its `type` attribute (`None`: no attribute).
pub fn script_type(type_attr: Option<&str>) -> ScriptType {
    let Some(raw) = type_attr else {
        return ScriptType::Run;
    };
    let t = raw.trim().to_ascii_lowercase();
    // A MIME type's parameters (`;charset=utf-8`) do not change what it is.
    let t = t.split(';').next().unwrap_or("").trim();
    if matches!(
        t,
        "" | "module"
            | "text/javascript"
            | "application/javascript"
            | "application/x-javascript"
            | "text/ecmascript"
            | "application/ecmascript"
            | "text/jscript"
            | "text/livescript"
            | "text/x-javascript"
            | "text/x-ecmascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
    ) {
        return ScriptType::Run;
    }
    let data = t.contains("json")
        || t.contains("template")
        || t.contains("tmpl")
        || t.contains("html")
        || t.starts_with("x-shader/")
        || t == "importmap"
        || t == "speculationrules"
        || t == "text/css"
        || t == "text/markdown"
        || t == "text/plain";
    if data {
        ScriptType::Data
    } else {
        // Everything else is a type that only a plugin reads: `rocketlazyloadscript`,
        // `<hash>-text/javascript` (Cloudflare Rocket Loader), `litespeed/javascript`,
        // `pmdelayedscript`, `javascript/blocked` (WP Meteor), `lazyloadscript`, `wphb-delay-type`,
        // `text/partytown`, `didomi/javascript`, `text/x-ccm-loader`, `text/babel`…
        ScriptType::Deferred
    }
}

/// A consent manager's own script type (held back until consent whatever its markers).
pub fn is_consent_type(type_attr: Option<&str>) -> bool {
    type_attr.is_some_and(|t| {
        let t = t.trim();
        CONSENT_TYPES.iter().any(|c| t.eq_ignore_ascii_case(c))
    })
}

/// How an attribute holds URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlForm {
    /// One URL (`src`).
    Src,
    /// A comma-separated list of `URL descriptor` candidates (`srcset`).
    Srcset,
}

/// An attribute that holds the URL an element loads, now (`src`) or once a plugin moves it.
#[derive(Debug, Clone, Copy)]
pub struct UrlAttribute {
    pub name: &'static str,
    pub form: UrlForm,
    /// Only a consent manager writes this attribute: the URL is held back until consent.
    pub consent: bool,
}

const fn attr(name: &'static str, form: UrlForm, consent: bool) -> UrlAttribute {
    UrlAttribute {
        name,
        form,
        consent,
    }
}

use UrlForm::{Src, Srcset};

/// The one table of URL attributes used by img, iframe, frame, script, source, video, audio,
/// track, embed and `input type=image` alike; sorted by name for binary search (a unit test
/// checks the order).
const URL_ATTRIBUTES: &[UrlAttribute] = &[
    attr("consent-original-src-_", Src, true), // Real Cookie Banner
    attr("data-cfsrc", Src, false),            // Cloudflare Mirage
    attr("data-cmplz-src", Src, true),         // Complianz
    attr("data-consent-src", Src, true),       // Cookie Information, Publii
    attr("data-consented-src", Src, true),     // consented.eu
    attr("data-cookieblock-src", Src, true),   // Cookiebot
    attr("data-echo", Src, false),             // echo.js
    attr("data-gdpr-iframesrc", Src, true),    // Moove GDPR Cookie Compliance
    attr("data-lazy", Src, false),             // Slick, vanilla lazy loaders
    attr("data-lazy-src", Src, false),         // WP Rocket, Jetpack, BJ Lazy Load
    attr("data-lazy-srcset", Srcset, false),   // WP Rocket, Jetpack
    attr("data-litespeed-src", Src, false),    // LiteSpeed Cache
    attr("data-ll-src", Src, false),           // vanilla-lazyload (older versions)
    attr("data-opt-src", Src, false),          // Optimole
    attr("data-orig-src", Src, false),         // Avada lazy load
    attr("data-original", Src, false),         // jQuery lazyload
    attr("data-original-src", Src, false),     // legacy lazy loaders
    attr("data-privacy-src", Src, true),       // Avada privacy embeds
    attr("data-rocket-src", Src, false),       // WP Rocket delayed JavaScript
    attr("data-rocket-srcset", Srcset, false), // WP Rocket
    attr("data-src", Src, false), // lazysizes, a3 Lazy Load, LiteSpeed, Perfmatters, Smush, Termly, CookieFirst
    attr("data-src-cmplz", Src, true), // Complianz
    attr("data-srcset", Srcset, false), // lazysizes, a3 Lazy Load, Smush, EWWW
    attr("data-suppressedsrc", Src, true), // iubenda
    attr("data-uc-src", Src, true), // Usercentrics
    attr("data-wpconsent-src", Src, true), // WPConsent
    attr("nitro-lazy-src", Src, false), // NitroPack
    attr("nitro-lazy-srcset", Srcset, false), // NitroPack
    attr("src", Src, false),
    attr("src-consent", Src, true), // Borlabs Cookie
    attr("srcset", Srcset, false),
];

/// The URL attribute of this name, if it is one (`name` as the parser gives it: lowercase).
pub fn url_attribute(name: &str) -> Option<UrlAttribute> {
    URL_ATTRIBUTES
        .binary_search_by(|a| a.name.cmp(name))
        .ok()
        .map(|i| URL_ATTRIBUTES[i])
}

/// Attributes that only a consent manager writes.
const CONSENT_ATTRIBUTES: &[&str] = &[
    "data-borlabs-cookie-script-blocker-id", // Borlabs Cookie 3
    "data-cc-category",                      // Civic Cookie Control
    "data-ccm-loader-group",                 // CCM19
    "data-category-consent",                 // Cookie Information
    "data-cli-script-type",                  // CookieYes (legacy), GDPR Cookie Consent
    "data-cmp-purpose",                      // consentmanager
    "data-cmp-vendor",                       // consentmanager
    "data-cookieadmin-category",             // CookieAdmin
    "data-cookiecategory",                   // Cookie-Script, CookieConsent 2
    "data-cookieconsent",                    // Cookiebot
    "data-cookie-consent",
    "data-cookieconsent-category",
    "data-cookiefirst-category", // CookieFirst
    "data-cookiescript",         // Cookie-Script
    "data-cookieyes",            // CookieYes
    "data-iub-purposes",         // iubenda
    "data-osano",                // Osano
    "data-usercentrics",         // Usercentrics
];

/// Attributes that consent managers use but that other code uses too (Klaro's `data-name`,
/// Complianz's `data-service`, Didomi's `data-vendor`…): a marker only where the element's URL
/// or type is held back as well.
const SHARED_CONSENT_ATTRIBUTES: &[&str] = &[
    "data-categories", // Termly
    "data-category",   // Complianz, CookieConsent 3
    "data-consent",    // CookieHub
    "data-name",       // Klaro
    "data-purposes",   // Didomi
    "data-service",    // Complianz, Klaro
    "data-vendor",     // Didomi
];

/// Class names (or prefixes ending in `-`) of consent managers.
const CONSENT_CLASSES: &[&str] = &[
    "optanon-category-",       // OneTrust, CookiePro
    "cmplz-script",            // Complianz
    "cmplz-iframe",            // Complianz
    "cmplz-image",             // Complianz
    "_iub_cs_activate",        // iubenda (also `_iub_cs_activate-inline`)
    "cookieconsent-optin-",    // Cookiebot
    "cmplazyload",             // consentmanager
    "cookieconsent",           // CookieConsent
    "cookie-consent-required", // generic
];

/// How strongly an element says that a consent manager holds it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConsentMarker {
    None,
    /// An attribute that consent managers and other code share (`data-category`).
    Shared,
    /// An attribute or class only consent managers write.
    Specific,
}

/// The strongest consent marker of an element. Cookiebot's `data-cookieconsent="ignore"` says
/// the opposite and is no marker.
pub fn consent_marker(e: &Element) -> ConsentMarker {
    let mut marker = ConsentMarker::None;
    for (name, value) in e.attrs() {
        if CONSENT_ATTRIBUTES.contains(&name) {
            if value.trim().eq_ignore_ascii_case("ignore") {
                continue;
            }
            return ConsentMarker::Specific;
        }
        if SHARED_CONSENT_ATTRIBUTES.contains(&name) {
            marker = ConsentMarker::Shared;
        }
    }
    let by_class = e.classes().any(|c| {
        CONSENT_CLASSES.iter().any(|known| {
            if known.ends_with('-') {
                c.starts_with(known)
            } else {
                c == *known || c.starts_with(&format!("{known}-"))
            }
        })
    });
    if by_class {
        ConsentMarker::Specific
    } else {
        marker
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_attributes_are_sorted_for_binary_search() {
        let names: Vec<&str> = URL_ATTRIBUTES.iter().map(|a| a.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        assert!(url_attribute("data-suppressedsrc").is_some_and(|a| a.consent));
        assert!(url_attribute("data-srcset").is_some_and(|a| a.form == Srcset));
        assert!(url_attribute("href").is_none());
    }

    #[test]
    fn rewritten_script_types_are_deferred_and_data_blocks_inert() {
        for t in [
            "rocketlazyloadscript",
            "text/rocketlazyloadscript",
            "3f2c1a9b8e7d6c5b4a392817-text/javascript",
            "litespeed/javascript",
            "pmdelayedscript",
            "javascript/blocked",
            "lazyloadscript",
            "didomi/javascript",
            "text/x-ccm-loader",
            "text/partytown",
        ] {
            assert_eq!(script_type(Some(t)), ScriptType::Deferred, "{t}");
        }
        for t in [
            "application/ld+json",
            "application/json",
            "text/template",
            "text/x-template",
            "importmap",
            "speculationrules",
            "text/html",
            "x-shader/x-vertex",
            "text/plain",
        ] {
            assert_eq!(script_type(Some(t)), ScriptType::Data, "{t}");
        }
        assert_eq!(script_type(None), ScriptType::Run);
        assert_eq!(
            script_type(Some(" Text/JavaScript; charset=utf-8")),
            ScriptType::Run
        );
    }
}
