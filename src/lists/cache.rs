//! The cache folder of downloaded public lists, and the names that stand for them
//! (`--list easyprivacy`).

use std::path::{Path, PathBuf};

use crate::error::Error;

/// A public list that `trackaudit lists update` keeps in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub name: &'static str,
    /// File name in the cache folder.
    pub file: &'static str,
    pub url: &'static str,
    pub format: Format,
}

/// The format a source must have: a download in another one is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    FilterList,
    Disconnect,
}

pub const SOURCES: &[Source] = &[
    Source {
        name: "easyprivacy",
        file: "easyprivacy.txt",
        url: "https://easylist.to/easylist/easyprivacy.txt",
        format: Format::FilterList,
    },
    Source {
        name: "disconnect",
        file: "disconnect-services.json",
        url: "https://raw.githubusercontent.com/disconnectme/disconnect-tracking-protection/master/services.json",
        format: Format::Disconnect,
    },
];

pub fn source(name: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// The cache folder: `explicit` (from `--cache-dir`), else `TRACKAUDIT_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/trackaudit`, else `~/.cache/trackaudit`.
pub fn cache_dir(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("TRACKAUDIT_CACHE_DIR") {
        return Ok(dir);
    }
    // The XDG spec says to ignore a relative XDG_CACHE_HOME.
    if let Some(xdg) = var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        return Ok(xdg.join("trackaudit"));
    }
    if let Some(home) = var("HOME") {
        return Ok(home.join(".cache").join("trackaudit"));
    }
    Err(Error::Config(
        "no cache folder: set --cache-dir or TRACKAUDIT_CACHE_DIR".into(),
    ))
}

/// Where a `--list` argument points: an existing file wins; a source name (`easyprivacy`) means
/// its copy in the cache; anything else is a path (and reading it gives the error).
pub fn resolve(
    spec: &Path,
    cache: impl FnOnce() -> Result<PathBuf, Error>,
) -> Result<PathBuf, Error> {
    if spec.exists() {
        return Ok(spec.to_path_buf());
    }
    let Some(source) = spec.to_str().and_then(source) else {
        return Ok(spec.to_path_buf());
    };
    let path = cache()?.join(source.file);
    if !path.is_file() {
        return Err(Error::List {
            file: source.name.into(),
            message: format!(
                "no cached copy at {}: run `trackaudit lists update` first",
                path.display()
            ),
        });
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_to_the_cache_and_paths_stay_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let missing = resolve(Path::new("easyprivacy"), || Ok(dir.clone()))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("lists update"), "{missing}");
        std::fs::write(dir.join("easyprivacy.txt"), "||x.example^\n").unwrap();
        assert_eq!(
            resolve(Path::new("EasyPrivacy"), || Ok(dir.clone())).unwrap(),
            dir.join("easyprivacy.txt")
        );
        assert_eq!(
            resolve(Path::new("own.txt"), || Ok(dir.clone())).unwrap(),
            PathBuf::from("own.txt")
        );
    }
}
