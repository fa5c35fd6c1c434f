//! Where the rendered reports go: stdout or files under `--output`.
//!
//! The destinations are decided and checked before a scan starts ([`OutputPlan::new`] and
//! [`OutputPlan::prepare`]: folders created, write access tried), so a bad path costs nothing.
//! After the scan [`OutputPlan::write`] writes each file atomically (a temporary file in the
//! same folder, then a rename: a reader never sees half a report) and, if a file still cannot
//! be written, saves the JSON report to a fallback path that the error names.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::report::model::Report;
use crate::report::{self, Format, RenderOptions};

/// The subfolder of an output folder that keeps each site's report of a run of several sites
/// as soon as the site is done (without `--state`): `sites/<site key>.json`.
pub const SITES_FOLDER: &str = "sites";

/// Keep the one-site JSON report of `site` in `dir` (atomically, named by
/// [`crate::state::site_key`]) as soon as the site is done, so a run of hundreds of sites that
/// is killed keeps the sites it finished. `header`: the run's report header.
pub fn save_site(
    dir: &Path,
    header: &Report,
    site: &crate::report::model::Site,
    interrupted: bool,
) -> Result<PathBuf, Error> {
    let report = report::single_site(header, site, interrupted);
    let path = dir.join(format!("{}.json", crate::state::site_key(&site.target)));
    write_file(&path, report::to_json(&report).as_bytes()).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// One report rendered in one format, on stdout or in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout(Format),
    File(Format, PathBuf),
}

/// The destinations of one run, in the order they are written (files first, so that a closed
/// pipe on stdout cannot cost a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPlan {
    pub destinations: Vec<Destination>,
    /// `--output` when it is used as a folder.
    pub folder: Option<PathBuf>,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy)]
pub struct OutputRequest<'a> {
    /// The formats asked for, in order (duplicates are ignored; empty means terminal).
    pub formats: &'a [Format],
    /// `--output`: a file for one format, a folder for several. A path that ends in `/` or is an
    /// existing folder is always a folder.
    pub output: Option<&'a Path>,
    /// Print the terminal report on stdout when every requested format goes to a file, so a
    /// CI log says why a job failed (a scan without `-q`).
    pub echo_terminal: bool,
}

impl OutputPlan {
    /// Decide where each format goes. Errors (before any scan): several formats without
    /// `--output`, several formats with an `--output` that names a file.
    pub fn new(request: OutputRequest) -> Result<OutputPlan, Error> {
        let mut formats: Vec<Format> = Vec::new();
        for format in request.formats {
            if !formats.contains(format) {
                formats.push(*format);
            }
        }
        if formats.is_empty() {
            formats.push(Format::Terminal);
        }
        let Some(output) = request.output else {
            if formats.len() > 1 {
                return Err(Error::Config(
                    "several formats need --output: a file for one format besides terminal, a folder for more"
                        .into(),
                ));
            }
            return Ok(OutputPlan {
                destinations: vec![Destination::Stdout(formats[0])],
                folder: None,
            });
        };
        // Only a terminal report asked for: it goes to the file itself.
        let to_files: Vec<Format> = if formats == [Format::Terminal] {
            formats.clone()
        } else {
            formats
                .iter()
                .copied()
                .filter(|f| *f != Format::Terminal)
                .collect()
        };
        let as_file = to_files.len() == 1 && !is_folder(output);
        let mut destinations: Vec<Destination> = if as_file {
            vec![Destination::File(to_files[0], output.to_path_buf())]
        } else {
            if output.is_file() || (!output.is_dir() && looks_like_file(output)) {
                return Err(Error::Config(format!(
                    "--output {} looks like a file, but {} formats go there: give a folder \
                     (such as {}/) or one format",
                    output.display(),
                    to_files.len(),
                    output.with_extension("").display()
                )));
            }
            to_files
                .iter()
                .map(|f| Destination::File(*f, output.join(f.file_name())))
                .collect()
        };
        let terminal_in_file = destinations
            .iter()
            .any(|d| matches!(d, Destination::File(Format::Terminal, _)));
        if !terminal_in_file && (formats.contains(&Format::Terminal) || request.echo_terminal) {
            destinations.push(Destination::Stdout(Format::Terminal));
        }
        Ok(OutputPlan {
            destinations,
            folder: (!as_file).then(|| output.to_path_buf()),
        })
    }

    /// The files this plan writes.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.destinations.iter().filter_map(|d| match d {
            Destination::File(_, path) => Some(path.as_path()),
            Destination::Stdout(_) => None,
        })
    }

    /// Create the folders the files go into and make sure each folder takes a new file, so a
    /// long scan does not end in a path that cannot be written.
    pub fn prepare(&self) -> Result<(), Error> {
        for path in self.files() {
            if path.is_dir() {
                return Err(Error::Config(format!(
                    "--output: {} is a folder where a report file should go",
                    path.display()
                )));
            }
            // A device or named pipe is not tried early: opening a pipe blocks for a reader and
            // closing it ends the reader's input. A write that fails still gets the fallback.
            if is_special(path) {
                continue;
            }
            let folder = parent_folder(path);
            let unusable = |what: &str, e: std::io::Error| Error::Output {
                path: path.display().to_string(),
                message: format!("the folder {} {what}: {e}", folder.display()),
            };
            std::fs::create_dir_all(folder).map_err(|e| unusable("cannot be created", e))?;
            tempfile::NamedTempFile::new_in(folder)
                .map_err(|e| unusable("takes no new file", e))?;
        }
        Ok(())
    }

    /// Render and write every destination: files first (atomically), then stdout (`color`
    /// applies to a terminal report on stdout only). If a file cannot be written, the JSON
    /// report is saved to a fallback path and the error names it. A closed stdout (broken
    /// pipe) is returned as the plain I/O error so the caller can treat it as the end of
    /// output.
    pub fn write(&self, report: &Report, options: &RenderOptions) -> Result<(), Error> {
        let in_files = RenderOptions {
            color: false,
            ..*options
        };
        let mut failed: Option<(PathBuf, std::io::Error)> = None;
        for destination in &self.destinations {
            if let Destination::File(format, path) = destination {
                let text = report::render(report, *format, &in_files);
                match write_file(path, text.as_bytes()) {
                    Ok(()) => tracing::info!("report written to {}", path.display()),
                    Err(e) if failed.is_none() => failed = Some((path.clone(), e)),
                    Err(e) => tracing::error!("writing {}: {e}", path.display()),
                }
            }
        }
        let mut stdout = std::io::stdout().lock();
        for destination in &self.destinations {
            if let Destination::Stdout(format) = destination {
                let text = report::render(report, *format, options);
                let written = stdout
                    .write_all(text.as_bytes())
                    .and_then(|()| stdout.flush());
                match written {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                        return Err(Error::Stdout(e));
                    }
                    Err(e) if failed.is_none() => failed = Some((PathBuf::from("stdout"), e)),
                    Err(_) => {}
                }
            }
        }
        match failed {
            None => Ok(()),
            Some((path, e)) => Err(save_fallback(report, &path, &e)),
        }
    }
}

/// A path meant as a folder: it ends in a separator or is an existing folder.
fn is_folder(path: &Path) -> bool {
    path.as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator)
        || path.is_dir()
}

/// A name with an extension (`r.json`, `scan.html`) is meant as a file.
fn looks_like_file(path: &Path) -> bool {
    path.extension().is_some()
}

fn parent_folder(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// An existing path that is neither a regular file nor a folder (after following symlinks): a
/// device such as `/dev/null` or `/dev/stdout`, a named pipe, a socket.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir())
}

/// Write a file the way a reader expects: a regular file is replaced atomically; a symlink to
/// one stays a link (its target is replaced); a device, named pipe or socket is written through,
/// because renaming a new file over `/dev/null` would replace the device node for every program
/// on the machine.
///
/// Errors: any I/O error from opening, writing, syncing or renaming.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if is_special(path) {
        let mut device = std::fs::OpenOptions::new().write(true).open(path)?;
        return device.write_all(bytes).and_then(|()| device.flush());
    }
    if path.is_symlink() && path.exists() {
        return write_atomically(&std::fs::canonicalize(path)?, bytes);
    }
    write_atomically(path, bytes)
}

/// Write into a temporary file beside `path`, then rename it over `path`. The file gets the
/// mode a plain `>` redirect would give (0666 less the umask), not the temporary file's 0600,
/// so a report in a CI artefact or a shared folder stays readable by the team.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = parent_folder(path);
    std::fs::create_dir_all(folder)?;
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Save the JSON report where it can be written (the system's temporary folder) and say where.
fn save_fallback(report: &Report, failed: &Path, e: &std::io::Error) -> Error {
    let stamp: String = report
        .started_at
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let fallback =
        std::env::temp_dir().join(format!("trackaudit-{stamp}-{}.json", std::process::id()));
    let saved = write_atomically(&fallback, report::to_json(report).as_bytes());
    let message = match saved {
        Ok(()) => format!("{e}; the JSON report was saved to {}", fallback.display()),
        Err(e2) => format!(
            "{e}; saving the JSON report to {} failed too: {e2}",
            fallback.display()
        ),
    };
    Error::Output {
        path: failed.display().to_string(),
        message,
    }
}
