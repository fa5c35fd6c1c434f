//! Tracker knowledge: the curated catalogue, its validation and its fast matcher; the external
//! lists (filter lists, Disconnect) that extend it, and their download cache.

pub mod cache;
pub mod catalogue;
pub mod check;
pub mod cmp;
mod cookies;
mod disconnect;
pub mod external;
mod filter_list;
pub mod matcher;
pub mod names;
pub mod platforms;
pub mod show;
pub mod update;

pub use catalogue::{Catalogue, Service, ServiceIdx, Text, Transfer};
pub use cmp::CmpRule;
pub use external::{ExternalLists, ExternalMatch};
pub use matcher::{Matcher, SignatureHit};

use crate::error::Error;

/// The catalogue together with its compiled matcher and the external lists: built once, shared
/// by every page.
#[derive(Debug)]
pub struct Lists {
    pub catalogue: Catalogue,
    pub matcher: Matcher,
    pub external: ExternalLists,
    /// The names a privacy statement may use for each service and organisation.
    pub names: names::Names,
    /// The social platforms' URL shapes.
    pub platforms: platforms::Platforms,
}

impl Lists {
    pub fn new(catalogue: Catalogue) -> Result<Lists, Error> {
        let matcher = Matcher::new(&catalogue)?;
        let names = names::Names::new(&catalogue)?;
        let platforms = platforms::Platforms::new(&catalogue)?;
        Ok(Lists {
            catalogue,
            matcher,
            external: ExternalLists::default(),
            names,
            platforms,
        })
    }

    /// The catalogue embedded in the binary.
    pub fn embedded() -> Result<Lists, Error> {
        Lists::new(Catalogue::embedded()?)
    }

    /// Add external lists (loaded with [`ExternalLists::load`]).
    pub fn with_external(self, external: ExternalLists) -> Lists {
        Lists { external, ..self }
    }
}
