//! Tracker knowledge: the curated catalogue, its validation and its fast matcher.

pub mod catalogue;
pub mod check;
pub mod matcher;

pub use catalogue::{Catalogue, Service, ServiceIdx, Text, Transfer};
pub use matcher::{Matcher, SignatureHit};

use crate::error::Error;

/// The catalogue together with its compiled matcher: built once, shared by every page.
#[derive(Debug)]
pub struct Lists {
    pub catalogue: Catalogue,
    pub matcher: Matcher,
}

impl Lists {
    pub fn new(catalogue: Catalogue) -> Result<Lists, Error> {
        let matcher = Matcher::new(&catalogue)?;
        Ok(Lists { catalogue, matcher })
    }

    /// The catalogue embedded in the binary.
    pub fn embedded() -> Result<Lists, Error> {
        Lists::new(Catalogue::embedded()?)
    }
}
