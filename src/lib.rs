//! trackaudit: audit the websites of schools and universities for tracking and for transfers of
//! visitors' data to third parties.
//!
//! The pipeline, one module a stage, data flowing one way:
//! `crawl` → `observe` → `classify` → `audit` (gather per site) → `policy` (rules) → `report` →
//! `notify` (email).

pub mod audit;
pub mod classify;
pub mod countries;
pub mod crawl;
pub mod error;
pub mod evidence;
pub mod failure;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod hash;
pub mod lists;
pub mod neutralize;
pub mod notify;
pub mod observe;
pub mod output;
pub mod policy;
pub mod report;
pub mod scan;
pub mod scope;
pub mod shard;
pub mod state;
pub mod statement;
pub mod stop;
pub mod targets;
pub mod vocab;

pub use error::Error;

/// The language of a report's texts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// From a locale such as `nl_NL.UTF-8`; English for anything else.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("nl") {
            Lang::Nl
        } else {
            Lang::En
        }
    }
}
