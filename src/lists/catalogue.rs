//! The curated catalogue: services, organisations, categories and jurisdictions, read from the
//! TOML files of `tracker-lists/` (embedded at build time, or a folder given at run time).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;

include!(concat!(env!("OUT_DIR"), "/embedded_lists.rs"));

/// A text in both report languages.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Text {
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub nl: String,
}

impl Service {
    /// The service's name in a report's language.
    pub fn name_in(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Nl if !self.name_nl.is_empty() => &self.name_nl,
            _ => &self.name,
        }
    }
}

impl Text {
    pub fn get(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::En => &self.en,
            crate::Lang::Nl => &self.nl,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    /// The name a report in English shows (brand names stay as they are).
    pub name: String,
    /// The name a report in Dutch shows: a translated description where the English name
    /// describes ("Instagram embeds and feeds"), a short Dutch note on what a bare brand does.
    #[serde(default)]
    pub name_nl: String,
    pub organization: String,
    pub category: String,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub signatures: Vec<String>,
    #[serde(default)]
    pub privacy_friendly: bool,
    #[serde(default)]
    pub privacy_enhanced: bool,
    #[serde(default)]
    pub self_hosted_paths: Vec<String>,
    /// Loader paths that name the service on any host, with the query that carries its id
    /// (`/gtm.js?id=GTM-`): server-side tagging and first-party proxies serve the vendor's
    /// loader from the institution's own (sub)domain. `*` matches any run of characters; the
    /// pattern matches from any `/` of the path.
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub superseded_by: Vec<String>,
    /// Names of the cookies the service sets, `*` at the end matching any rest (`_ga_*`).
    #[serde(default)]
    pub cookies: Vec<String>,
    /// Other names a privacy or cookie statement uses for the service, in English and Dutch
    /// ("GA4", "Analytics van Google"); besides its name, see [`crate::lists::names`].
    #[serde(default)]
    pub known_as: Vec<String>,
    /// The name (without its parenthesised note) is an everyday word ("Segment", "Box"): it
    /// does not count as naming the service; `known_as`, the organisation or a host do.
    #[serde(default)]
    pub generic_name: bool,
    #[serde(default)]
    pub alternative: Text,
    #[serde(default)]
    pub advice: Text,
}

/// A service as `trackaudit lists --json` shows it: the catalogue entry with its organisation's
/// country (ISO 3166-1 alpha-2; empty when the organisation is unknown).
#[derive(Debug, Serialize)]
pub struct ListedService<'a> {
    #[serde(flatten)]
    pub service: &'a Service,
    pub country: &'a str,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub name: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub dpf: bool,
    /// The names a privacy statement uses for the organisation ("Meta", "Facebook"); when
    /// absent, its legal name without the legal form ("Google LLC" → "Google").
    #[serde(default)]
    pub known_as: Vec<String>,
}

/// A social platform an institution can have an account on, and the shapes of its links.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub id: String,
    pub name: String,
    pub name_nl: String,
    /// Who runs it; empty for a federated platform whose instances are run by many.
    #[serde(default)]
    pub organization: String,
    /// `big-tech` (the platforms the sector advice says to phase out) or `open` (European or
    /// federated alternatives: Mastodon, PeerTube, Pixelfed).
    pub kind: String,
    /// Host patterns (suffix match) of the platform's own domains.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// First labels of the host names a federated platform's instances commonly use
    /// (`mastodon.` matches `mastodon.nl`, `mastodon.social`).
    #[serde(default)]
    pub host_prefixes: Vec<String>,
    /// Regex on the link's path: an account (profile, channel, page). Capture group 1 is the
    /// account's path, which names the account in the report.
    pub account: String,
    /// Regex on the link's path and query: a share link (not an account).
    #[serde(default)]
    pub share: String,
    /// First path segments that are never an account name (`/explore`, `/p/…`).
    #[serde(default)]
    pub reserved: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub en: String,
    pub nl: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Adequacy {
    pub country: String,
    pub name: String,
    #[serde(default)]
    pub scope: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dpf {
    pub country: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdictions {
    #[serde(default)]
    pub eea: Vec<String>,
    #[serde(default)]
    pub adequacy: Vec<Adequacy>,
    #[serde(default)]
    pub dpf: Dpf,
}

/// Registrable domains that one organisation runs under many country names: a host under any
/// of `domains` is matched as if it were under `canonical` (`www.google.fr/maps` as
/// `www.google.com/maps`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DomainAlias {
    pub canonical: String,
    pub domains: Vec<String>,
}

/// One list file as written on disk: any of the tables may be present.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListFile {
    #[serde(default)]
    service: Vec<Service>,
    #[serde(default)]
    organization: Vec<Organization>,
    #[serde(default)]
    category: Vec<Category>,
    #[serde(default)]
    eea: Vec<String>,
    #[serde(default)]
    adequacy: Vec<Adequacy>,
    #[serde(default)]
    dpf: Option<Dpf>,
    #[serde(default)]
    alias: Vec<DomainAlias>,
    /// Consent management platforms (`cmp.toml`): not services, kept apart.
    #[serde(default)]
    cmp: Vec<super::cmp::CmpRule>,
    #[serde(default)]
    platform: Vec<Platform>,
}

/// The legal footing of a transfer of a visitor's data to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Transfer {
    /// Nothing leaves the institution: the service is self-hosted (Matomo on the school's own
    /// server). Set per site by the report, never by the catalogue.
    None,
    Eea,
    Adequacy,
    AdequacyDpf,
    NoAdequacy,
    Unknown,
}

impl Transfer {
    pub fn as_str(self) -> &'static str {
        match self {
            Transfer::None => "none",
            Transfer::Eea => "eea",
            Transfer::Adequacy => "adequacy",
            Transfer::AdequacyDpf => "adequacy-dpf",
            Transfer::NoAdequacy => "no-adequacy",
            Transfer::Unknown => "unknown",
        }
    }
}

/// Index of a service in [`Catalogue::services`].
pub use crate::vocab::ServiceIdx;

#[derive(Debug, Default)]
pub struct Catalogue {
    pub services: Vec<Service>,
    pub organizations: Vec<Organization>,
    pub categories: Vec<Category>,
    pub jurisdictions: Jurisdictions,
    pub aliases: Vec<DomainAlias>,
    /// Social platforms, for the `social-media-presence` rule.
    pub platforms: Vec<Platform>,
    /// Which file each service came from, for error messages.
    pub sources: Vec<String>,
    /// The consent management platforms, in the order of their files.
    pub cmps: Vec<super::cmp::CmpRule>,
}

impl Catalogue {
    /// The catalogue shipped inside the binary.
    pub fn embedded() -> Result<Catalogue, Error> {
        Catalogue::from_files(
            EMBEDDED_LISTS
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string())),
        )
    }

    /// A catalogue read from a folder of TOML files (for editing the lists without rebuilding).
    pub fn from_dir(dir: &Path) -> Result<Catalogue, Error> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(dir, e))?.path();
            if path.extension().is_some_and(|ext| ext == "toml") {
                let text = crate::files::read_text_bounded(&path, crate::files::MAX_CONFIG_BYTES)?;
                files.push((path.display().to_string(), text));
            }
        }
        files.sort();
        Catalogue::from_files(files)
    }

    pub(crate) fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Catalogue, Error> {
        let mut catalogue = Catalogue::default();
        for (name, text) in files {
            let file: ListFile = toml::from_str(&text).map_err(|e| Error::List {
                file: name.clone(),
                message: e.to_string(),
            })?;
            for service in file.service {
                catalogue.services.push(service);
                catalogue.sources.push(name.clone());
            }
            catalogue.organizations.extend(file.organization);
            catalogue.categories.extend(file.category);
            catalogue.aliases.extend(file.alias);
            catalogue.cmps.extend(file.cmp);
            catalogue.platforms.extend(file.platform);
            catalogue.jurisdictions.eea.extend(file.eea);
            catalogue.jurisdictions.adequacy.extend(file.adequacy);
            if let Some(dpf) = file.dpf {
                catalogue.jurisdictions.dpf = dpf;
            }
        }
        Ok(catalogue)
    }

    pub fn service_by_id(&self, id: &str) -> Option<ServiceIdx> {
        self.services.iter().position(|s| s.id == id)
    }

    pub fn organization(&self, name: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.name == name)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Where a visitor's data goes when the browser contacts this service.
    pub fn transfer(&self, service: &Service) -> Transfer {
        let Some(org) = self.organization(&service.organization) else {
            return Transfer::Unknown;
        };
        self.transfer_for_country(&org.country, org.dpf)
    }

    pub fn transfer_for_country(&self, country: &str, dpf_certified: bool) -> Transfer {
        let j = &self.jurisdictions;
        if country.is_empty() {
            Transfer::Unknown
        } else if j.eea.iter().any(|c| c == country) {
            Transfer::Eea
        } else if j.adequacy.iter().any(|a| a.country == country) {
            Transfer::Adequacy
        } else if dpf_certified && j.dpf.country == country {
            Transfer::AdequacyDpf
        } else {
            Transfer::NoAdequacy
        }
    }

    /// Services with their organisation's country, for `lists --json`.
    pub fn listing<'a>(&'a self, services: &[&'a Service]) -> Vec<ListedService<'a>> {
        services
            .iter()
            .map(|service| ListedService {
                service,
                country: self.country_of(service),
            })
            .collect()
    }

    pub fn country_of(&self, service: &Service) -> &str {
        self.organization(&service.organization)
            .map(|o| o.country.as_str())
            .unwrap_or("")
    }

    /// Count of host patterns plus URL patterns, as reported by `lists`.
    pub fn pattern_count(&self) -> usize {
        self.services
            .iter()
            .map(|s| s.hosts.len() + s.urls.len())
            .sum()
    }

    /// Services whose id, name, organisation or host patterns contain `text` (case-insensitive).
    pub fn search(&self, text: &str) -> Vec<&Service> {
        let needle = text.to_lowercase();
        self.services
            .iter()
            .filter(|s| {
                [&s.id, &s.name, &s.organization]
                    .into_iter()
                    .chain(s.hosts.iter())
                    .chain(s.urls.iter())
                    .any(|field| field.to_lowercase().contains(&needle))
            })
            .collect()
    }
}
