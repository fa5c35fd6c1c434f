//! Command-line definitions (clap). Parsing only: validation and building of the library's
//! settings happen in `main.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "trackaudit",
    version,
    about = "Audit a school's or university's website for trackers and transfers of visitors' data to third parties",
    long_about = "Audit a school's or university's website for trackers and transfers of visitors' data to \
third parties.\n\ntrackaudit crawls a site (a URL, or a folder with a built site), finds Google Analytics, tag \
managers, tracking pixels, embedded social media and video, fonts, CDNs and every other third party, tells \
who is behind each one and in which country, and checks the result against the advice for Dutch education: \
no tracking pixels, privacy-friendly analytics (Matomo/Piwik) instead of Google Analytics, care with embedded \
social media, no transfers outside the EEA without a footing.",
    after_help = "Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on; \
2 usage or configuration error; 3 nothing could be scanned; 4 reports written, but an email \
could not be delivered; 130 stopped (Ctrl-C, SIGTERM, SIGHUP) before the end, the report of what \
was scanned written.\n\nExamples:\n  \
trackaudit scan https://www.example-school.nl/\n  \
trackaudit scan ./public --fail-on medium\n  \
trackaudit scan https://www.example-school.nl/ --format json --output scan.json --lang nl"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Less output: only errors on stderr, no progress bar
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More logging on stderr (-v: info, -vv: debug)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Crawl one or more sites and report their trackers and third parties
    Scan(Box<ScanArgs>),
    /// Render a saved JSON report again, in other formats or another language
    Report(ReportArgs),
    /// What appeared and what went away between two JSON reports (exit 1 if anything appeared)
    Diff(DiffArgs),
    /// Join the JSON reports of the shards of one run (`scan --shard I/N`) into one report,
    /// sites in the order of the targets
    Merge(MergeArgs),
    /// Show, search or validate the built-in tracker catalogue; `lists update` fetches the public
    /// lists (EasyPrivacy, Disconnect) for `scan --list`
    Lists(ListsArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// What to scan: a URL (https://www.school.nl/) or a folder with a built site (./public)
    #[arg(value_name = "TARGET", required_unless_present = "targets_file")]
    pub targets: Vec<String>,

    /// Read more targets from a file: one URL or folder per line, optionally followed by the
    /// site's name (`https://www.school.nl/  De Linde`); # starts a comment
    #[arg(long = "targets", value_name = "FILE")]
    pub targets_file: Option<PathBuf>,

    /// Scan only the I-th of N shares of the targets (1-based), chosen by a hash of each
    /// site's host; `trackaudit merge` joins the shards' JSON reports
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<trackaudit::shard::Shard>,

    /// Sites scanned at once; their requests share --concurrency and each host's --per-host
    /// and --delay [default: 32; 1 with --engine chromium, which starts a browser per site]
    #[arg(long, value_name = "N")]
    pub parallel_sites: Option<usize>,

    /// Stop after this many pages per site
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub max_pages: usize,

    /// Follow links at most this many clicks away from the start page
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub max_depth: usize,

    /// Requests in flight at once, over all hosts
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub concurrency: usize,

    /// Requests in flight at once to one host
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub per_host: usize,

    /// Wait at least this many milliseconds between requests to one host (at most 60000)
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub delay: u64,

    /// Give up on a request after this many seconds
    #[arg(long, value_name = "S", default_value_t = 20.0)]
    pub timeout: f64,

    /// The longest one site may take, in seconds; then its crawl stops and the pages read so far
    /// are reported, with the limit stated (0: no limit)
    #[arg(long, value_name = "S", default_value_t = 1800.0)]
    pub site_timeout: f64,

    /// Only crawl URLs that match this regex (repeatable; the start page is always scanned)
    #[arg(long, value_name = "REGEX")]
    pub include: Vec<String>,

    /// Do not crawl URLs that match this regex (repeatable)
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<String>,

    /// Crawl pages that robots.txt disallows
    #[arg(long)]
    pub ignore_robots: bool,

    /// Fetch from private, loopback and link-local addresses too (a name of the site that
    /// resolves there is refused by default; a target typed as such an address, or localhost,
    /// is always allowed)
    #[arg(long)]
    pub allow_private: bool,

    /// Resolve HOST to ADDR on every port instead of asking DNS, e.g. www.school.nl and a new
    /// server's address to scan it before the DNS switch (repeatable; the address is checked like any
    /// other)
    #[arg(long, value_name = "HOST:ADDR")]
    pub resolve: Vec<String>,

    /// User-Agent header sent with every request
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,

    /// `static` reads the HTML as served; `chromium` also loads every page in headless Chromium
    /// and records its requests (all frames and workers) and cookies
    #[arg(long, value_enum, default_value = "static")]
    pub engine: EngineArg,

    /// The Chromium executable [default: $CHROME, else chromium on PATH]
    #[arg(long, value_name = "PATH")]
    pub chromium: Option<PathBuf>,

    /// Pages loaded at once in Chromium, one tab each [default: 2 per core, at most 4]
    #[arg(long, value_name = "N")]
    pub tabs: Option<usize>,

    /// The longest a page may take in Chromium to go quiet (scrolling included), in seconds
    #[arg(long, value_name = "S", default_value_t = 5.0)]
    pub page_wait: f64,

    /// Write evidence per site into this folder: the browser's traffic (HAR 1.2) and a
    /// screenshot of the start page (needs --engine chromium)
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,

    /// The consent state to audit in (needs --engine chromium): `none` loads pages with no
    /// choice made; `accept` / `reject` first click that choice on the start page's banner in
    /// a fresh profile, then crawl in that profile; `all` does the three
    #[arg(long, value_enum, default_value = "none")]
    pub consent: ConsentArg,

    /// With --consent all: the pages loaded in the accept and the reject state, the start page
    /// included (the none state covers the whole crawl) [default: 3]
    #[arg(long, value_name = "N")]
    pub consent_pages: Option<usize>,

    /// Pass a flag to Chromium, e.g. --browser-arg=--host-resolver-rules=... (repeatable)
    #[arg(long = "browser-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub browser_args: Vec<String>,

    #[command(flatten)]
    pub out: OutputArgs,

    /// Severities and suppressions [default: ./trackaudit.toml if present]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Send the report by email to this address (repeatable; also `to` in [email] of the
    /// config); SMTP settings from TRACKAUDIT_SMTP_URL or the config
    #[arg(long, value_name = "ADDR")]
    pub email_to: Vec<String>,

    /// The sender of the email [default: from in [email] of the config]
    #[arg(long, value_name = "ADDR", env = "TRACKAUDIT_EMAIL_FROM")]
    pub email_from: Option<String>,

    /// When to send the email: after every scan, when a site fails, or when a finding is new
    /// or resolved compared with the baseline or --state [default: always]
    #[arg(long, value_enum)]
    pub notify: Option<NotifyArg>,

    /// An earlier JSON report: mark findings new or unchanged and list what was resolved
    #[arg(long, value_name = "FILE", conflicts_with = "state")]
    pub baseline: Option<PathBuf>,

    /// Keep the last report of each site in this folder and compare each site with its last
    /// scan there (the baseline, automatically); written as soon as each site is done
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,

    /// Scans of each site kept in the --state folder's history
    #[arg(long, value_name = "N", default_value_t = trackaudit::state::DEFAULT_KEEP, requires = "state")]
    pub state_keep: usize,

    /// Also check unknown third parties against a filter list (EasyPrivacy syntax) or a
    /// Disconnect services.json; `easyprivacy` or `disconnect` means the copy fetched by
    /// `trackaudit lists update` (repeatable)
    #[arg(long = "list", value_name = "FILE|NAME")]
    pub lists: Vec<PathBuf>,

    /// Folder of the lists fetched by `trackaudit lists update` [default: ~/.cache/trackaudit]
    #[arg(long, value_name = "DIR", env = "TRACKAUDIT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report
    #[arg(value_name = "OLD.JSON")]
    pub old: PathBuf,

    /// The later JSON report
    #[arg(value_name = "NEW.JSON")]
    pub new: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value = "terminal")]
    pub format: DiffFormat,

    /// Language of the labels [default: from LANG, else en]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Terminal,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' JSON reports
    #[arg(value_name = "SCAN.JSON", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Write the merged JSON report here [default: stdout]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A report written by `trackaudit scan --format json`
    #[arg(value_name = "SCAN.JSON")]
    pub input: PathBuf,

    #[command(flatten)]
    pub out: OutputArgs,
}

/// How and where a report is written: shared by `scan` and `report`.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format (repeatable)
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "terminal")]
    pub format: Vec<FormatArg>,

    /// Write the report here: a file for one format, a folder for several
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Language of the report [default: from LANG, else en]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Findings at this severity or higher fail: exit code 1 of a scan, failures in JUnit
    #[arg(long, value_enum, default_value = "high")]
    pub fail_on: FailOn,

    /// When to use colours in the terminal report (NO_COLOR is respected)
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,

    /// Field separator of the CSV report: `,` or `;` (Dutch spreadsheet settings)
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = parse_separator)]
    pub csv_separator: u8,
}

fn parse_shard(text: &str) -> Result<trackaudit::shard::Shard, String> {
    text.parse()
}

/// One ASCII character, e.g. `;` or `,` (`tab` for a tab).
fn parse_separator(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" => Ok(b'\t'),
        // The quote character cannot also separate fields.
        _ if text.len() == 1
            && text.is_ascii()
            && text != "\""
            && !text.chars().all(char::is_alphanumeric) =>
        {
            Ok(text.as_bytes()[0])
        }
        _ => Err("expected one punctuation character such as ; or , (or tab)".into()),
    }
}

#[derive(Debug, Args)]
pub struct ListsArgs {
    /// Validate the catalogue; exit 2 and list the problems if it is not valid
    #[arg(long)]
    pub check: bool,

    /// Show the services whose id, name, organisation or host contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// Print the catalogue as JSON
    #[arg(long)]
    pub json: bool,

    /// Read the catalogue from this folder instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(subcommand)]
    pub action: Option<ListsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Download the current EasyPrivacy and Disconnect lists into the cache folder (only what
    /// changed since the last run), for `scan --list easyprivacy` / `--list disconnect`
    Update(UpdateArgs),
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Only these lists (easyprivacy, disconnect) [default: all]
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    /// Where to keep the lists [default: $XDG_CACHE_HOME/trackaudit or ~/.cache/trackaudit]
    #[arg(long, value_name = "DIR", env = "TRACKAUDIT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Fetch a list from another address (repeatable; also TRACKAUDIT_SOURCE_EASYPRIVACY,
    /// TRACKAUDIT_SOURCE_DISCONNECT)
    #[arg(long = "source", value_name = "NAME=URL")]
    pub sources: Vec<String>,

    /// Give up on a download after this many seconds
    #[arg(long, value_name = "S", default_value_t = 60)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A report to read top-down in a terminal
    Terminal,
    /// The canonical report (schema_version 1)
    Json,
    /// One self-contained page for people (print it to PDF)
    Html,
    /// One row per finding per page
    Csv,
    /// A compact summary for pull requests and e-mail
    Markdown,
    /// JUnit XML for CI systems
    Junit,
    /// One row per site: name, URL, verdict, counts, the services with a high finding, the
    /// organisations outside the EEA
    SitesCsv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The HTML as served, read without running it
    Static,
    /// The static reading plus headless Chromium
    Chromium,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConsentArg {
    /// No choice made on the banner (the state that matters most in law)
    None,
    /// "Accept all" clicked on the banner
    Accept,
    /// "Reject all" clicked (on the second layer when the first has none)
    Reject,
    /// The crawl with no choice made, then the start page and a sample (--consent-pages) in a
    /// fresh profile each after "accept" and after "reject"
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Nl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    High,
    Medium,
    Low,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotifyArg {
    /// After every scan
    Always,
    /// When a site fails (findings at or above --fail-on)
    OnViolation,
    /// When a finding is new or resolved compared with --baseline or --state
    OnChange,
}
