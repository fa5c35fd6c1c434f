//! robots.txt (RFC 9309): fetched once per origin, at most [`MAX_ROBOTS_BYTES`] read. A missing
//! or 4xx robots.txt allows everything; so does one that cannot be fetched (the error is logged,
//! the crawl goes on).
//!
//! Groups are chosen by the crawler's *product token* (`trackaudit`, and the first product of a
//! custom `--user-agent`), compared case-insensitively with each `User-agent` line's token; the
//! `*` group applies only when no group names the crawler. Within the chosen groups the longest
//! matching rule wins, `Allow` on a tie. Patterns know `*` (any characters) and a final `$` (end
//! of the path). Rules are matched by a small linear matcher, not compiled to regular
//! expressions: a robots.txt of 500 KiB of wildcard rules costs a few MiB, not gigabytes.

use url::Url;

/// The most of a robots.txt that is read; RFC 9309 §2.5 asks crawlers to parse at least 500 KiB.
pub const MAX_ROBOTS_BYTES: usize = 500 * 1024;

/// The crawler's own product token: robots.txt groups for `trackaudit` apply to it.
pub const PRODUCT_TOKEN: &str = "trackaudit";

/// Sitemap URLs kept from one robots.txt; the crawl reads at most 20 sitemap files anyway.
const MAX_SITEMAPS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    /// Percent-encoded pattern; `*` is a wildcard, a final `$` anchors at the end.
    pattern: String,
}

/// The rules of robots.txt that apply to this crawler.
#[derive(Debug, Default)]
pub struct Robots {
    rules: Vec<Rule>,
    delay: Option<f64>,
    sitemaps: Vec<String>,
}

/// A group being read: its user agents and rules.
#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    delay: Option<f64>,
}

impl Robots {
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Parse robots.txt for a crawler sending `user_agent`. Unknown lines are ignored; nothing
    /// here fails.
    pub fn parse(user_agent: &str, body: &[u8]) -> Robots {
        let tokens = product_tokens(user_agent);
        let text = String::from_utf8_lossy(&body[..body.len().min(MAX_ROBOTS_BYTES)]);
        let mut groups: Vec<Group> = Vec::new();
        let mut sitemaps = Vec::new();
        // A user-agent line after a rule starts a new group.
        let mut in_rules = true;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "user-agent" => {
                    if in_rules {
                        groups.push(Group::default());
                        in_rules = false;
                    }
                    if let Some(group) = groups.last_mut() {
                        group.agents.push(agent_token(value));
                    }
                }
                key @ ("allow" | "disallow") => {
                    in_rules = true;
                    // An empty Disallow allows everything: it is no rule.
                    if value.is_empty() {
                        continue;
                    }
                    if let Some(group) = groups.last_mut() {
                        group.rules.push(Rule {
                            allow: key == "allow",
                            pattern: encode_pattern(value),
                        });
                    }
                }
                "crawl-delay" => {
                    in_rules = true;
                    if let Some(group) = groups.last_mut() {
                        // "inf" and "1e400" parse as infinity: the cap applies to them as to
                        // 99999; "NaN" asks for nothing.
                        group.delay = value.parse::<f64>().ok().filter(|d| !d.is_nan());
                    }
                }
                "sitemap" if sitemaps.len() < MAX_SITEMAPS && !value.is_empty() => {
                    sitemaps.push(value.to_owned());
                }
                _ => {}
            }
        }
        let names_us = |g: &Group| g.agents.iter().any(|a| tokens.contains(a));
        let ours = if groups.iter().any(names_us) {
            groups.into_iter().filter(names_us).collect::<Vec<_>>()
        } else {
            groups
                .into_iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        };
        let delay = ours.iter().find_map(|g| g.delay);
        Robots {
            rules: ours.into_iter().flat_map(|g| g.rules).collect(),
            delay,
            sitemaps,
        }
    }

    pub fn allowed(&self, url: &Url) -> bool {
        let mut target = url.path().to_owned();
        if target == "/robots.txt" {
            return true;
        }
        if let Some(query) = url.query() {
            target.push('?');
            target.push_str(query);
        }
        // The longest matching pattern decides; Allow wins a tie.
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            let len = rule.pattern.len();
            if best.is_some_and(|(l, allow)| l > len || (l == len && allow)) {
                continue;
            }
            if matches(&rule.pattern, &target) {
                best = Some((len, rule.allow));
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// The crawl delay asked for, at most [`MAX_CRAWL_DELAY`] so that a hostile robots.txt
    /// cannot stall the scan (infinity and any huge value give the cap; a negative value none).
    pub fn delay(&self) -> Option<std::time::Duration> {
        let seconds = self.delay?;
        let cap = MAX_CRAWL_DELAY.as_secs_f64();
        Some(std::time::Duration::from_secs_f64(seconds.clamp(0.0, cap)))
    }

    pub fn sitemaps(&self) -> Vec<String> {
        self.sitemaps.clone()
    }
}

/// The product tokens this crawler answers to: `trackaudit`, and the first product of the
/// User-Agent string (`MyAudit` of `MyAudit/2.0 (+https://…)`), lowercased.
fn product_tokens(user_agent: &str) -> Vec<String> {
    let mut tokens = vec![PRODUCT_TOKEN.to_owned()];
    let own = agent_token(user_agent);
    if !own.is_empty() && own != PRODUCT_TOKEN {
        tokens.push(own);
    }
    tokens
}

/// The product token at the start of a User-agent value (letters, digits, `_` and `-`,
/// lowercased); `*` stays `*`.
fn agent_token(value: &str) -> String {
    let value = value.trim();
    if value.starts_with('*') {
        return "*".into();
    }
    value
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Percent-encode what a URL path would encode, so patterns compare with `Url::path()`.
fn encode_pattern(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_ascii() && !c.is_ascii_control() && c != ' ' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Does `pattern` match the start of `path`? `*` matches any run of characters, a final `$`
/// the end. Greedy with one backtrack point: O(pattern × path) at worst, linear in practice.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p.as_bytes(), true),
        None => (pattern.as_bytes(), false),
    };
    let path = path.as_bytes();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the path position it currently covers up to.
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p == pattern.len() {
            if !anchored || t == path.len() {
                return true;
            }
        } else if pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
            continue;
        } else if t < path.len() && pattern[p] == path[t] {
            p += 1;
            t += 1;
            continue;
        }
        // Mismatch (or an anchored end not reached): let the last `*` take one more character.
        match star {
            Some((sp, st)) if st < path.len() => {
                star = Some((sp, st + 1));
                p = sp + 1;
                t = st + 1;
            }
            _ => return false,
        }
    }
}

/// The longest `Crawl-delay` honoured between two requests to a host.
pub const MAX_CRAWL_DELAY: std::time::Duration = std::time::Duration::from_secs(10);

/// The robots.txt address of a URL's origin.
pub fn robots_url(url: &Url) -> Option<Url> {
    url.join("/robots.txt").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> Url {
        Url::parse(&format!("https://s.nl{path}")).unwrap()
    }

    #[test]
    fn disallow_and_sitemap_are_read() {
        let robots = Robots::parse(
            "trackaudit",
            b"User-agent: *\nDisallow: /intern/\nCrawl-delay: 99\nSitemap: https://s.nl/sitemap.xml\n",
        );
        assert!(!robots.allowed(&url("/intern/x")));
        assert!(robots.allowed(&url("/nieuws/")));
        assert_eq!(robots.delay(), Some(std::time::Duration::from_secs(10)));
        assert_eq!(robots.sitemaps(), ["https://s.nl/sitemap.xml"]);
    }

    /// Class: a `Crawl-delay` out of range — infinite, not a number, negative, huge — gives a
    /// bounded delay: the cap for anything above it, none for what asks for nothing.
    #[test]
    fn crawl_delays_out_of_range_are_capped() {
        let ten = Some(MAX_CRAWL_DELAY);
        for (value, expected) in [
            ("99999", ten),
            ("inf", ten),
            ("Infinity", ten),
            ("1e400", ten),
            ("NaN", None),
            ("-5", Some(std::time::Duration::ZERO)),
            ("-inf", Some(std::time::Duration::ZERO)),
            ("2.5", Some(std::time::Duration::from_millis(2500))),
            ("soon", None),
        ] {
            let body = format!("User-agent: *\nCrawl-delay: {value}\n");
            let robots = Robots::parse("trackaudit", body.as_bytes());
            assert_eq!(robots.delay(), expected, "Crawl-delay: {value}");
        }
    }

    #[test]
    fn groups_match_the_product_token_not_the_whole_user_agent() {
        let body = b"User-agent: *\nDisallow: /\n\nUser-agent: TrackAudit\nDisallow: /intern/\n";
        for ua in [
            "trackaudit/0.1.0",
            "Mozilla/5.0 (compatible; trackaudit/0.1.0)",
        ] {
            let robots = Robots::parse(ua, body);
            assert!(robots.allowed(&url("/nieuws")), "{ua}");
            assert!(!robots.allowed(&url("/intern/a")), "{ua}");
        }
        // A custom user agent answers to its own product token too.
        let robots = Robots::parse(
            "SchoolCheck/2.0 (+https://board.nl/)",
            b"User-agent: schoolcheck\nDisallow: /a\n\nUser-agent: *\nDisallow: /\n",
        );
        assert!(robots.allowed(&url("/b")));
        assert!(!robots.allowed(&url("/a")));
        // Another crawler's group whose name contains ours does not apply.
        let robots = Robots::parse(
            "trackaudit/0.1.0",
            b"User-agent: trackauditbot\nDisallow: /\n",
        );
        assert!(robots.allowed(&url("/")));
    }

    #[test]
    fn groups_with_several_agents_and_merged_groups() {
        let body = b"User-agent: a\nUser-agent: trackaudit\nDisallow: /x\n\nUser-agent: trackaudit\nDisallow: /y\n";
        let robots = Robots::parse("trackaudit", body);
        assert!(!robots.allowed(&url("/x")));
        assert!(!robots.allowed(&url("/y")));
        assert!(robots.allowed(&url("/z")));
    }

    #[test]
    fn longest_match_wins_and_allow_wins_a_tie() {
        let body = b"User-agent: *\nDisallow: /p\nAllow: /p/open\nDisallow: /same\nAllow: /same\n";
        let robots = Robots::parse("trackaudit", body);
        assert!(!robots.allowed(&url("/p/closed")));
        assert!(robots.allowed(&url("/p/open/1")));
        assert!(robots.allowed(&url("/same")));
        assert!(robots.allowed(&url("/robots.txt")));
    }

    #[test]
    fn wildcards_and_end_anchors() {
        let body = b"User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?session=\nDisallow: /a*b*c\n";
        let robots = Robots::parse("trackaudit", body);
        assert!(!robots.allowed(&url("/docs/x.pdf")));
        assert!(robots.allowed(&url("/docs/x.pdf?dl=1")));
        assert!(!robots.allowed(&url("/page?session=1")));
        assert!(!robots.allowed(&url("/a-xbx-c")));
        assert!(robots.allowed(&url("/a-xcx-b")));
        assert!(matches("/*", "/"));
        assert!(matches("*$", ""));
        assert!(!matches("/x$", "/xy"));
        assert!(matches("/%C3%A9", "/%C3%A9t%C3%A9"));
        assert_eq!(encode_pattern("/été"), "/%C3%A9t%C3%A9");
    }

    #[test]
    fn a_huge_robots_txt_is_cut_at_the_limit() {
        let mut body = b"User-agent: *\n".to_vec();
        while body.len() < 2 * MAX_ROBOTS_BYTES {
            body.extend_from_slice(b"Disallow: /*a*b*c*d\n");
        }
        let robots = Robots::parse("trackaudit", &body);
        assert!(robots.rules.len() < MAX_ROBOTS_BYTES / 20 + 1);
        assert!(robots.allowed(&url("/x")));
    }
}
