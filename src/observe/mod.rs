//! Observe: turn one page into the URLs a browser would contact, the identifiers in its inline
//! code, the links to follow and the facts the rules need (forms, privacy links).

pub mod browser;
pub(crate) mod css;
mod html;
pub(crate) mod script;
mod shapes;
pub mod stylesheets;

pub(crate) use html::names_cookie_statement;
pub use html::{MAX_NESTED_DOCUMENTS, MAX_OBSERVATIONS_PER_PAGE, observe_html};

use url::Url;

pub use crate::vocab::{EvidenceKind, SeenBy, SignatureHit};

/// One thing on a page that sends (or would send) the visitor's browser somewhere, or names a
/// tracker in inline code.
#[derive(Debug, Clone)]
pub struct Observation {
    pub kind: EvidenceKind,
    /// The absolute URL contacted; `None` for a signature found in inline code with no URL.
    pub url: Option<Url>,
    /// A signature of a known service found in inline code (or in the URL's query).
    pub signature: Option<SignatureHit>,
    /// The element or code fragment, shortened, as evidence.
    pub snippet: String,
    /// A consent manager holds this tag back until the visitor agrees.
    pub consent_gated: bool,
    /// Which element of the page this came from, so that a signature-only hit can yield to a
    /// URL found in the same script.
    pub element: usize,
    /// An image declared 1×1: the classic tracking pixel.
    pub pixel: bool,
    /// Set when a real browser made the request (`--engine chromium`); `None` for the static
    /// reading of the HTML.
    pub browser: Option<BrowserSeen>,
}

/// What the browser adds to an observation of a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrowserSeen {
    /// The scripts (or documents) that caused the request, nearest first: the initiator chain.
    pub initiators: Vec<String>,
    /// The consent state the browser was in.
    pub consent: Option<crate::vocab::ConsentState>,
}

impl Observation {
    /// Which observer made this observation.
    pub fn seen_by(&self) -> SeenBy {
        if self.browser.is_some() {
            SeenBy::Browser
        } else {
            SeenBy::Static
        }
    }
}

/// A form on the page.
#[derive(Debug, Clone)]
pub struct Form {
    pub action: Url,
    pub snippet: String,
    /// It asks for personal data (an e-mail address, phone number, name, free text…).
    pub personal_data: bool,
}

/// Everything observed on one HTML page.
#[derive(Debug, Default)]
pub struct PageObservations {
    pub observations: Vec<Observation>,
    /// Observations past [`MAX_OBSERVATIONS_PER_PAGE`] (or the browser's request cap): counted,
    /// not kept.
    pub observations_left_out: usize,
    pub forms: Vec<Form>,
    /// Pages this one links or navigates to (`<a href>`, frames, meta refresh).
    pub links: Vec<Url>,
    /// Links whose address or text speaks of privacy: candidates for the privacy statement.
    pub privacy_links: Vec<Url>,
    /// Links whose address or text names a cookie statement (and not privacy).
    pub cookie_links: Vec<Url>,
    /// Links to accounts on social platforms: the platform (index in the catalogue) and the
    /// account's URL (filled in by the scan, which knows the platforms).
    pub social_accounts: Vec<(usize, String)>,
    /// Stylesheets the page links (`<link rel=stylesheet href>`), resolved; the scan reads the
    /// site's own for what they load.
    pub stylesheets: Vec<Url>,
    pub title: Option<String>,
    /// What the browser saw when it loaded the page (`--engine chromium`); its requests are
    /// among `observations` already.
    pub browser: Option<browser::RenderedPage>,
}

/// Shorten a snippet to a readable length on a character boundary.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
