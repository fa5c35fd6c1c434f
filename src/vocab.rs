//! The vocabulary the stages share: how a page contacts a URL, which observer saw it, and a
//! signature hit in code. It depends on no stage, so `observe` and `lists` (and the report) can
//! all use it without depending on each other.

use serde::{Deserialize, Serialize};

/// Index of a service in the catalogue's list of services.
pub type ServiceIdx = usize;

/// How a page makes the browser contact a URL (the report's evidence `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    ScriptSrc,
    InlineScript,
    Iframe,
    Img,
    Link,
    FormAction,
    Media,
    Object,
    NetworkRequest,
    Cookie,
    Other,
}

/// Which observer saw a piece of evidence: the static reading of the HTML, or the traffic and
/// storage of a real browser (`--engine chromium`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeenBy {
    #[default]
    Static,
    Browser,
}

impl SeenBy {
    pub fn is_static(&self) -> bool {
        *self == SeenBy::Static
    }
}

/// The visitor's consent choice in force when the browser saw something (`--consent`): `none`
/// (no choice made: the state that matters most in law), `accept` (every purpose accepted on the
/// banner), `reject` (every purpose refused).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ConsentState {
    #[default]
    None,
    Accept,
    Reject,
}

impl ConsentState {
    /// The JSON value: `none`, `accept`, `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::None => "none",
            ConsentState::Accept => "accept",
            ConsentState::Reject => "reject",
        }
    }
}

/// A signature hit in a piece of code: the service and, when the signature captures one, the
/// tracking id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHit {
    pub service: ServiceIdx,
    pub tracking_id: Option<String>,
    /// Byte range of the match in the scanned text, for the evidence snippet.
    pub start: usize,
    pub end: usize,
}
