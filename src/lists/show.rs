//! What `trackaudit lists` prints: the catalogue check's verdict, the service table (or its
//! JSON) and the outcome of `lists update`. Texts only; the binary decides where they go.

use super::catalogue::{Catalogue, Service};
use super::check::check;
use super::matcher::Matcher;
use super::update::{Outcome, Updated};
use crate::error::Error;

/// The result of `lists --check`: the summary line when the catalogue is valid, else one
/// line per problem. A pattern the matcher cannot compile is an error.
pub fn check_catalogue(catalogue: &Catalogue) -> Result<Result<String, Vec<String>>, Error> {
    Matcher::new(catalogue)?;
    let problems = check(catalogue);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(format!(
        "catalogue OK: {} services, {} host and URL patterns, {} organisations, {} consent platforms\n",
        catalogue.services.len(),
        catalogue.pattern_count(),
        catalogue.organizations.len(),
        catalogue.cmps.len()
    )))
}

/// The services whose id, name, organisation or host contains `search` (all when `None`), as
/// a table (one line each: id, category, organisation (country), up to four patterns, then a
/// total line when nothing was searched) or as JSON (`{"services": [...]}`).
pub fn services(catalogue: &Catalogue, search: Option<&str>, json: bool) -> String {
    let services: Vec<&Service> = match search {
        Some(text) => catalogue.search(text),
        None => catalogue.services.iter().collect(),
    };
    if json {
        let json = serde_json::json!({ "services": catalogue.listing(&services) });
        return format!("{json:#}\n");
    }
    let mut out = String::new();
    for service in &services {
        let patterns: Vec<&str> = service
            .hosts
            .iter()
            .chain(&service.urls)
            .take(4)
            .map(String::as_str)
            .collect();
        out.push_str(&format!(
            "{:<28} {:<18} {} ({})  {}\n",
            service.id,
            service.category,
            service.organization,
            catalogue
                .organization(&service.organization)
                .map_or("?", |o| o.country.as_str()),
            patterns.join(" ")
        ));
    }
    if search.is_none() {
        out.push_str(&format!(
            "\n{} services, {} host and URL patterns\n",
            catalogue.services.len(),
            catalogue.pattern_count()
        ));
    }
    out
}

/// The lines of `lists update`: what was updated or kept (for stdout) and what failed (for
/// stderr), one line per list.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UpdateLines {
    pub done: Vec<String>,
    pub failed: Vec<String>,
}

/// One line per list fetched by [`super::update::update`]; sizes in KiB, rounded up.
pub fn update_lines(updated: &[Updated]) -> UpdateLines {
    let mut lines = UpdateLines::default();
    for list in updated {
        match &list.outcome {
            Outcome::Updated { bytes } => lines.done.push(format!(
                "{}: updated, {} KB from {} → {}",
                list.name,
                bytes.div_ceil(1024),
                list.url,
                list.path.display()
            )),
            Outcome::NotModified => lines.done.push(format!(
                "{}: not modified ({})",
                list.name,
                list.path.display()
            )),
            Outcome::Failed(message) => lines
                .failed
                .push(format!("{}: failed: {message} ({})", list.name, list.url)),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_finds_a_service_and_counts_the_catalogue() {
        let catalogue = Catalogue::embedded().unwrap();
        let found = services(&catalogue, Some("hotjar"), false);
        assert!(found.starts_with("hotjar "), "{found}");
        assert!(found.contains("Hotjar Ltd (MT)"), "{found}");
        let all = services(&catalogue, None, false);
        assert!(all.ends_with(&format!(
            "\n{} services, {} host and URL patterns\n",
            catalogue.services.len(),
            catalogue.pattern_count()
        )));
        let json: serde_json::Value =
            serde_json::from_str(&services(&catalogue, Some("hotjar"), true)).unwrap();
        assert_eq!(json["services"][0]["id"], "hotjar");
        assert!(check_catalogue(&catalogue).unwrap().is_ok());
    }

    #[test]
    fn update_lines_split_done_from_failed() {
        let list = |outcome| Updated {
            name: "easyprivacy",
            url: "http://127.0.0.1:9/l.txt".into(),
            path: "/c/easyprivacy.txt".into(),
            outcome,
        };
        let lines = update_lines(&[
            list(Outcome::Updated { bytes: 1025 }),
            list(Outcome::NotModified),
            list(Outcome::Failed("timed out".into())),
        ]);
        assert_eq!(
            lines.done,
            [
                "easyprivacy: updated, 2 KB from http://127.0.0.1:9/l.txt → /c/easyprivacy.txt",
                "easyprivacy: not modified (/c/easyprivacy.txt)"
            ]
        );
        assert_eq!(
            lines.failed,
            ["easyprivacy: failed: timed out (http://127.0.0.1:9/l.txt)"]
        );
    }
}
