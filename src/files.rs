//! Reading the files a user points trackaudit at (`--list`, `--config`, `--targets`,
//! `--baseline`, saved reports), each with a size limit: `--list /dev/zero` or a runaway file
//! is a clear error, not a process that grows until the machine gives out.

use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// One MiB, for the limits below.
const MIB: u64 = 1024 * 1024;

/// A tracker list (`--list`, `lists = [...]`, a downloaded copy): EasyPrivacy is about 1.5 MiB.
pub const MAX_LIST_BYTES: u64 = 64 * MIB;
/// A config file (`trackaudit.toml`) or a catalogue file.
pub const MAX_CONFIG_BYTES: u64 = MIB;
/// A targets file (`--targets`), one URL a line: room for about 100,000 sites.
pub const MAX_TARGETS_BYTES: u64 = 8 * MIB;
/// A saved JSON report (`report`, `diff`, `--baseline`).
pub const MAX_REPORT_BYTES: u64 = 256 * MIB;

/// Read at most `limit` bytes of a file; a longer file (or an endless one such as `/dev/zero`)
/// is [`Error::TooLarge`] after reading `limit + 1` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            path: path.display().to_string(),
            limit,
        });
    }
    Ok(bytes)
}

/// [`read_bounded`], as UTF-8 text, without the byte order mark that Notepad and Excel put at
/// the start of a UTF-8 file (it would otherwise become part of the first target or key).
pub fn read_text_bounded(path: &Path, limit: u64) -> Result<String, Error> {
    let bytes = read_bounded(path, limit)?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Class: text files saved by Windows tools start with a UTF-8 byte order mark.
    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("schools.txt");
        std::fs::write(&path, "\u{feff}https://www.school.nl/  De Linde\n").unwrap();
        let text = read_text_bounded(&path, 1024).unwrap();
        assert_eq!(text, "https://www.school.nl/  De Linde\n");
    }

    #[test]
    fn an_endless_file_is_too_large() {
        let err = read_bounded(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 1024, .. }), "{err}");
        assert!(err.to_string().contains("1 KiB"), "{err}");
    }
}
