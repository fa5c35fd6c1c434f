//! robots.txt: fetched once per origin. A missing or 4xx robots.txt allows everything; so does
//! one that cannot be fetched or parsed (the error is logged, the crawl goes on).

use texting_robots::Robot;
use url::Url;

pub struct Robots {
    robot: Option<Robot>,
}

impl Robots {
    pub fn allow_all() -> Robots {
        Robots { robot: None }
    }

    pub fn parse(user_agent: &str, body: &[u8]) -> Robots {
        match Robot::new(user_agent, body) {
            Ok(robot) => Robots { robot: Some(robot) },
            Err(e) => {
                tracing::warn!("robots.txt could not be parsed, allowing all: {e}");
                Robots::allow_all()
            }
        }
    }

    pub fn allowed(&self, url: &Url) -> bool {
        self.robot.as_ref().is_none_or(|r| r.allowed(url.as_str()))
    }

    /// The crawl delay asked for, capped so that a hostile robots.txt cannot stall the scan.
    pub fn delay(&self) -> Option<std::time::Duration> {
        let seconds = self.robot.as_ref()?.delay?;
        Some(std::time::Duration::from_secs_f32(seconds.clamp(0.0, 10.0)))
    }

    pub fn sitemaps(&self) -> Vec<String> {
        self.robot
            .as_ref()
            .map(|r| r.sitemaps.clone())
            .unwrap_or_default()
    }
}

/// The robots.txt address of a URL's origin.
pub fn robots_url(url: &Url) -> Option<Url> {
    url.join("/robots.txt").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disallow_and_sitemap_are_read() {
        let robots = Robots::parse(
            "trackaudit",
            b"User-agent: *\nDisallow: /intern/\nCrawl-delay: 99\nSitemap: https://s.nl/sitemap.xml\n",
        );
        assert!(!robots.allowed(&Url::parse("https://s.nl/intern/x").unwrap()));
        assert!(robots.allowed(&Url::parse("https://s.nl/nieuws/").unwrap()));
        assert_eq!(robots.delay(), Some(std::time::Duration::from_secs(10)));
        assert_eq!(robots.sitemaps(), ["https://s.nl/sitemap.xml"]);
    }
}
