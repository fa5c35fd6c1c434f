//! Entry points for the fuzz targets in `fuzz/` (README, "Fuzzing"): thin re-exports and wrappers
//! of parsers that are private to their modules, so that the targets fuzz the code the crawl and
//! the list loaders run. Not part of the library's API.

pub use crate::crawl::robots::Robots;
pub use crate::crawl::sitemap::{Sitemap, decompress, parse_sitemap};
pub use crate::observe::css::urls_in_css;
pub use crate::observe::script::{ScriptUrl, urls_in_script};

use url::Url;

use crate::error::Error;
use crate::lists::Catalogue;
use crate::lists::external::{ExternalList, ExternalMatch};
use crate::observe::EvidenceKind;

/// A curated catalogue from the text of one TOML list file, as `lists --dir` reads each file.
pub fn catalogue_from_toml(text: &str) -> Result<Catalogue, Error> {
    Catalogue::from_files([("fuzz.toml".to_owned(), text.to_owned())])
}

/// Ask one external list about a third-party request, as [`crate::lists::ExternalLists::check`]
/// asks each loaded list.
pub fn check_external(
    list: &ExternalList,
    url: &Url,
    source: &str,
    kind: EvidenceKind,
    snippet: &str,
) -> Option<ExternalMatch> {
    list.check(url, url.host_str().unwrap_or(""), source, kind, snippet)
}
