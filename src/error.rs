//! The library's errors. Each variant is something a user can act on.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A tracker list file could not be parsed or is inconsistent.
    #[error("tracker list {file}: {message}")]
    List { file: String, message: String },

    /// A file or folder could not be read or written.
    /// (The I/O error is part of the message, not a separate cause: it is printed once.)
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },

    /// A file is larger than trackaudit reads of its kind (see [`crate::files`]).
    #[error("{path}: larger than {}, the limit for this kind of file", human_bytes(*limit))]
    TooLarge { path: String, limit: u64 },

    /// A scan target is neither a URL nor an existing folder.
    #[error("invalid target {target:?}: {message}")]
    Target { target: String, message: String },

    /// A setting is out of range or inconsistent.
    #[error("invalid setting: {0}")]
    Config(String),

    /// The email settings are incomplete or invalid: an address, a missing SMTP server or
    /// sender, an SMTP URL (named by where it came from, never with its password).
    #[error("{0}")]
    Email(String),

    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),

    /// A saved report could not be read.
    #[error("report {path}: {message}")]
    Report { path: String, message: String },

    /// A report could not be written to `path` (a file, or the folder it goes into); when it
    /// happened after a scan, `message` names the fallback file that holds the JSON report.
    #[error("writing the report to {path}: {message}")]
    Output { path: String, message: String },

    /// Standard output is closed or failed (a closed pipe ends the output, it is no error).
    #[error("writing to stdout: {0}")]
    Stdout(#[source] std::io::Error),
}

impl Error {
    pub fn io(path: &Path, error: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            error,
        }
    }
}

/// A byte count in KiB, MiB or GiB as a person writes it.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}
