//! Social platforms: which links lead to an account of the institution (a profile, channel or
//! page) and which are share links, by the URL shapes of `tracker-lists/platforms.toml`.

use regex::Regex;
use url::Url;

use super::catalogue::{Catalogue, Platform};
use crate::error::Error;
use crate::scope::normalize_host;

/// Index of a platform in [`Catalogue::platforms`].
pub type PlatformIdx = usize;

/// What a link to a social platform is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocialLink {
    /// An account: the platform and the account's URL in a stable form
    /// (`https://www.instagram.com/school`, scheme https, no query or fragment).
    Account(PlatformIdx, String),
    /// A link that shares the page on the platform: no account of the institution.
    Share(PlatformIdx),
}

struct Compiled {
    account: Regex,
    share: Option<Regex>,
}

/// The platforms' URL shapes, compiled.
#[derive(Default)]
pub struct Platforms {
    compiled: Vec<Compiled>,
    platforms: Vec<Platform>,
}

impl std::fmt::Debug for Platforms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Platforms")
            .field("platforms", &self.platforms.len())
            .finish()
    }
}

fn compile(platform: &Platform, pattern: &str) -> Result<Regex, Error> {
    Regex::new(pattern).map_err(|e| Error::List {
        file: "platforms.toml".into(),
        message: format!(
            "platform {:?}: invalid pattern {pattern:?}: {e}",
            platform.id
        ),
    })
}

impl Platforms {
    pub fn new(catalogue: &Catalogue) -> Result<Platforms, Error> {
        let compiled = catalogue
            .platforms
            .iter()
            .map(|p| {
                Ok(Compiled {
                    account: compile(p, &p.account)?,
                    share: match p.share.as_str() {
                        "" => None,
                        pattern => Some(compile(p, pattern)?),
                    },
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Platforms {
            compiled,
            platforms: catalogue.platforms.clone(),
        })
    }

    /// The platform a host belongs to: one of its domains, or (a federated platform) a host
    /// whose first label starts like its instances' (`mastodon.nl`).
    fn platform_of(&self, host: &str) -> Option<PlatformIdx> {
        let by_domain = self.platforms.iter().position(|p| {
            p.hosts.iter().any(|pattern| {
                host == pattern
                    || host
                        .strip_suffix(pattern.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            })
        });
        by_domain.or_else(|| {
            let first = host.split('.').next().unwrap_or_default();
            let has_more = host.contains('.');
            self.platforms.iter().position(|p| {
                has_more
                    && p.host_prefixes
                        .iter()
                        .any(|prefix| first.starts_with(prefix))
            })
        })
    }

    /// What a link is, when it leads to a known platform: an account, a share link, or
    /// (`None`) neither (a post, a search, another site).
    pub fn classify(&self, link: &Url) -> Option<SocialLink> {
        if !matches!(link.scheme(), "http" | "https") {
            return None;
        }
        let host = normalize_host(link.host_str()?);
        let idx = self.platform_of(&host)?;
        let (platform, compiled) = (&self.platforms[idx], &self.compiled[idx]);
        let path = link.path();
        let with_query = match link.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        if compiled
            .share
            .as_ref()
            .is_some_and(|s| s.is_match(&with_query))
        {
            return Some(SocialLink::Share(idx));
        }
        let account = compiled.account.captures(path)?.get(1)?.as_str();
        let first = account.trim_start_matches('/').split('/').next()?;
        if first.is_empty()
            || platform
                .reserved
                .iter()
                .any(|r| r.eq_ignore_ascii_case(first))
        {
            return None;
        }
        let account = account.trim_end_matches('/');
        Some(SocialLink::Account(idx, format!("https://{host}{account}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(platforms: &Platforms, catalogue: &Catalogue, url: &str) -> String {
        match platforms.classify(&Url::parse(url).unwrap()) {
            Some(SocialLink::Account(i, account)) => {
                format!("{} {account}", catalogue.platforms[i].id)
            }
            Some(SocialLink::Share(i)) => format!("{} share", catalogue.platforms[i].id),
            None => "none".into(),
        }
    }

    #[test]
    fn accounts_and_share_links_are_told_apart() {
        let catalogue = Catalogue::embedded().unwrap();
        let platforms = Platforms::new(&catalogue).unwrap();
        let cases = [
            (
                "https://www.tiktok.com/@deschool?lang=nl",
                "tiktok https://www.tiktok.com/@deschool",
            ),
            (
                "https://www.tiktok.com/@deschool/video/7300000000000000000",
                "tiktok https://www.tiktok.com/@deschool",
            ),
            (
                "https://www.instagram.com/deschool/",
                "instagram https://www.instagram.com/deschool",
            ),
            ("https://www.instagram.com/p/Cxyz123/", "none"),
            (
                "https://www.facebook.com/DeSchoolNL",
                "facebook https://www.facebook.com/DeSchoolNL",
            ),
            (
                "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fschool.nl",
                "facebook share",
            ),
            ("https://www.facebook.com/sharer.php?u=x", "facebook share"),
            ("https://x.com/deschool", "x https://x.com/deschool"),
            ("https://twitter.com/intent/tweet?text=hi", "x share"),
            ("https://twitter.com/share?url=x", "x share"),
            (
                "https://www.linkedin.com/school/de-school/",
                "linkedin https://www.linkedin.com/school/de-school",
            ),
            (
                "https://www.linkedin.com/sharing/share-offsite/?url=x",
                "linkedin share",
            ),
            (
                "https://www.youtube.com/@deschool",
                "youtube https://www.youtube.com/@deschool",
            ),
            (
                "https://www.youtube.com/channel/UC123abc",
                "youtube https://www.youtube.com/channel/UC123abc",
            ),
            ("https://www.youtube.com/watch?v=abc", "none"),
            (
                "https://www.snapchat.com/add/deschool",
                "snapchat https://www.snapchat.com/add/deschool",
            ),
            (
                "https://nl.pinterest.com/deschool/",
                "pinterest https://nl.pinterest.com/deschool",
            ),
            (
                "https://pinterest.com/pin/create/button/?url=x",
                "pinterest share",
            ),
            (
                "https://www.whatsapp.com/channel/0029VaA1b2C3d4E5f6G7h8",
                "whatsapp https://www.whatsapp.com/channel/0029VaA1b2C3d4E5f6G7h8",
            ),
            ("https://wa.me/?text=kijk", "whatsapp share"),
            (
                "https://www.threads.net/@deschool",
                "threads https://www.threads.net/@deschool",
            ),
            (
                "https://mastodon.nl/@deschool",
                "mastodon https://mastodon.nl/@deschool",
            ),
            (
                "https://social.overheid.nl/@deschool",
                "mastodon https://social.overheid.nl/@deschool",
            ),
            (
                "https://peertube.uvt.nl/c/deschool/videos",
                "peertube https://peertube.uvt.nl/c/deschool",
            ),
            (
                "https://pixelfed.social/deschool",
                "pixelfed https://pixelfed.social/deschool",
            ),
            (
                "https://bsky.app/profile/deschool.nl",
                "bluesky https://bsky.app/profile/deschool.nl",
            ),
            ("https://bsky.app/intent/compose?text=x", "bluesky share"),
            ("https://www.school.nl/@deschool", "none"),
        ];
        for (url, expected) in cases {
            assert_eq!(kind(&platforms, &catalogue, url), expected, "{url}");
        }
    }
}
