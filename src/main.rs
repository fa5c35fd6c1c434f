//! The `trackaudit` binary: parse the command line, call the library, map the outcome to an exit
//! code.

mod cli;
mod progress;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use regex::Regex;
use tokio_util::sync::CancellationToken;

use cli::{
    Cli, ColorArg, Command, ConsentArg, DiffArgs, DiffFormat, EngineArg, FailOn, FormatArg,
    LangArg, ListsArgs, NotifyArg, OutputArgs, ReportArgs, ScanArgs,
};
use trackaudit::crawl::{CrawlConfig, parse_resolve};
use trackaudit::lists::{Catalogue, ExternalLists, Lists, cache, show, update};
use trackaudit::notify::{self, EmailRequest, EmailSettings, Notify};
use trackaudit::observe::browser::{BrowserSettings, default_tabs, find_chromium, running_as_root};
use trackaudit::output::{OutputPlan, OutputRequest};
use trackaudit::policy::Policy;
use trackaudit::policy::config::{Config, DEFAULT_CONFIG, EmailConfig};
use trackaudit::report::model::{Report, Severity, Verdict};
use trackaudit::report::{self, Format, RenderOptions};
use trackaudit::scan::{ScanSettings, SiteTarget, Target, scan};
use trackaudit::state::StateDir;
use trackaudit::targets::{TargetLine, read_targets_file};
use trackaudit::vocab::ConsentState;
use trackaudit::{Lang, neutralize};

/// Exit codes (a contract: see the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    Clean = 0,
    Findings = 1,
    Usage = 2,
    NothingScanned = 3,
    /// The scan is done and its reports are written, but an email could not be delivered.
    Undelivered = 4,
    /// Stopped by Ctrl-C, SIGTERM or SIGHUP before the end (128 + SIGINT, the shell's code for
    /// a command stopped by Ctrl-C): the scan is not done, so neither 0 nor 1 says it, and the
    /// targets it did not reach were not unreachable, so 3 does not either.
    Stopped = 130,
}

/// Sites scanned at once by the static engine unless `--parallel-sites` says otherwise: a
/// site's crawl waits on the network most of the time, so a few run side by side within the
/// shared `--concurrency` (see the README's benchmark).
const DEFAULT_PARALLEL_SITES: usize = 32;

/// Every error that reaches `main` is one the user has to fix (a bad flag, an unreadable file,
/// an invalid list): exit 2. Unreachable sites are not errors; they are in the report.
fn usage(e: impl Into<anyhow::Error>) -> anyhow::Error {
    e.into()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match &cli.command {
        Command::Scan(args) => args.out.color,
        Command::Report(args) => args.out.color,
        Command::Diff(_) | Command::Merge(_) | Command::Lists(_) => ColorArg::Auto,
    };
    init_logging(
        cli.quiet,
        cli.verbose,
        use_color(color, std::io::stderr().is_terminal()),
    );
    let outcome = match &cli.command {
        Command::Scan(args) => run_scan(args, cli.quiet),
        Command::Report(args) => run_report(args),
        Command::Diff(args) => run_diff(args),
        Command::Merge(args) => run_merge(args),
        Command::Lists(args) => run_lists(args),
    };
    match outcome {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(Exit::Clean as u8),
        Err(e) => {
            print_error(&format!("{e:#}"));
            ExitCode::from(Exit::Usage as u8)
        }
    }
}

/// An error line on stderr, also with `-q`; page-controlled text and credentials neutralised.
/// A closed stderr is ignored (`eprintln!` would panic): the exit code still tells.
fn print_error(text: &str) {
    let text = neutralize::redact_userinfo(text);
    let _ = writeln!(std::io::stderr(), "error: {}", neutralize::terminal(&text));
}

/// Warnings and logs on stderr; `ansi` colours the level names (`--color`, `NO_COLOR`, and
/// whether stderr is a terminal decide it, as for the terminal report on stdout).
fn init_logging(quiet: bool, verbose: u8, ansi: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRACKAUDIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("trackaudit={level}")));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| neutralize::RedactingWriter(std::io::stderr()))
        .with_target(false)
        .with_ansi(ansi)
        .without_time()
        .init();
}

fn run_scan(args: &ScanArgs, quiet: bool) -> Result<Exit> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // Stop signals are handled from the start: one that arrives while the lists load still
    // ends in a report.
    let cancel = CancellationToken::new();
    {
        let _context = runtime.enter();
        trackaudit::stop::cancel_on_stop_signals(cancel.clone());
    }
    let (mut targets, per_site) = collect_targets(args)?;
    let all_labels: Vec<String> = targets.iter().map(|t| t.target.label()).collect();
    if let Some(shard) = &args.shard {
        targets.retain(|t| shard.contains(&t.target.label()));
        tracing::info!(
            "shard {}/{}: {} of {} targets",
            shard.index,
            shard.count,
            targets.len(),
            all_labels.len()
        );
    }
    let catalogue = Catalogue::embedded().map_err(usage)?;
    let config = load_config(args, &catalogue)?;
    let email = email_settings(args, &config.email, per_site)?;
    let lists = Arc::new(load_lists(args, &config, catalogue)?);
    let mut settings = scan_settings(args, config)?;
    let plan = output_plan(&args.out, !quiet)?;
    plan.prepare()?;
    // A run of several sites into an output folder keeps each site as soon as it is done
    // (`--state` does that itself).
    if settings.state.is_none() && targets.len() > 1 {
        settings.site_reports = plan
            .folder
            .as_ref()
            .map(|dir| dir.join(trackaudit::output::SITES_FOLDER));
    }
    let lang = settings.policy.lang;

    let report = runtime.block_on(async {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(progress::Bar::new);
        let sink = bar
            .clone()
            .map(|b| Arc::new(b) as Arc<dyn trackaudit::crawl::Progress>);
        let report = scan(&targets, &settings, lists, cancel, sink).await;
        if let Some(bar) = bar {
            bar.finish();
        }
        report
    })?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    let mut report = report;
    if let Some(shard) = &args.shard {
        report.shard = Some(shard.record(&all_labels, &report));
    }

    // A site that could not be scanned is named even in a run of many and with -q.
    for site in &report.sites {
        if let Some(reason) = &site.error {
            print_error(&format!("{}: {reason}", site.target));
        }
        if let Some(failure) = trackaudit::report::i18n::browser_failure(lang, site) {
            print_error(&format!("{}: {failure}", site.target));
        }
    }
    let options = render_options(&args.out, lang);
    match plan.write(&report, &options) {
        // The reader went away (`| head`): the files are written and the verdict still decides
        // the exit code, so `set -o pipefail` in a CI job cannot turn a failing site into a pass.
        Err(trackaudit::Error::Stdout(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        written => written?,
    }
    // A shard that drew no target has nothing to scan, and that is no failure.
    let exit = if args.shard.is_some() && targets.is_empty() {
        Exit::Clean
    } else {
        exit_for(&report)
    };
    // Mail goes out after the reports are written: a mail server that fails costs no report.
    // A stopped scan keeps 130 (exit 4 says the scan is done).
    match email {
        Some(email) if !send_email(&report, &email, &options)? && exit != Exit::Stopped => {
            Ok(Exit::Undelivered)
        }
        _ => Ok(exit),
    }
}

/// The email settings of a scan (`None`: no recipient): the flags and the environment, the
/// config filling in.
fn email_settings(
    args: &ScanArgs,
    config: &EmailConfig,
    per_site: PerSite,
) -> Result<Option<EmailSettings>> {
    let request = EmailRequest {
        to: args.email_to.clone(),
        from: args.email_from.clone(),
        notify: args.notify.map(|n| match n {
            NotifyArg::Always => Notify::Always,
            NotifyArg::OnViolation => Notify::OnViolation,
            NotifyArg::OnChange => Notify::OnChange,
        }),
        per_site,
        smtp_url: std::env::var("TRACKAUDIT_SMTP_URL").ok(),
        ca_file: std::env::var_os("TRACKAUDIT_SMTP_CA_FILE").map(PathBuf::from),
    };
    notify::resolve(request, config).map_err(usage)
}

/// Send the report to its recipients; `false` when a message could not be delivered (each
/// failure is named on stderr). The reports are written before this runs.
fn send_email(report: &Report, email: &EmailSettings, options: &RenderOptions) -> Result<bool> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let delivery = runtime.block_on(notify::send_report(report, email, options));
    for f in &delivery.failed {
        print_error(&format!("email to {} not delivered: {}", f.to, f.error));
    }
    Ok(delivery.failed.is_empty())
}

fn exit_for(report: &Report) -> Exit {
    let verdicts: Vec<Verdict> = report.sites.iter().map(|s| s.summary.verdict).collect();
    if report.interrupted {
        Exit::Stopped
    } else if verdicts.is_empty() || verdicts.iter().all(|v| *v == Verdict::Error) {
        Exit::NothingScanned
    } else if verdicts.contains(&Verdict::Fail) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Each target's own email recipients (by its label), from the targets file's third column.
type PerSite = Vec<(String, Vec<String>)>;

/// The targets of the command line, then those of `--targets`, with their names; and each
/// target's own email recipients.
fn collect_targets(args: &ScanArgs) -> Result<(Vec<SiteTarget>, PerSite)> {
    let mut lines: Vec<TargetLine> = args.targets.iter().map(|t| TargetLine::bare(t)).collect();
    if let Some(file) = &args.targets_file {
        lines.extend(read_targets_file(file).context("reading the targets file")?);
    }
    if lines.is_empty() {
        return Err(usage(anyhow::anyhow!("no targets to scan")));
    }
    let targets = lines
        .iter()
        .map(|line| {
            Ok(SiteTarget {
                target: Target::parse(&line.target).map_err(usage)?,
                name: line.name.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let per_site = targets
        .iter()
        .zip(&lines)
        .map(|(t, line)| (t.target.label(), line.recipients.clone()))
        .collect();
    Ok((targets, per_site))
}

/// The config file given with --config, else ./trackaudit.toml when it exists.
fn load_config(args: &ScanArgs, catalogue: &Catalogue) -> Result<Config> {
    let path = match &args.config {
        Some(path) => path.clone(),
        None if Path::new(DEFAULT_CONFIG).is_file() => PathBuf::from(DEFAULT_CONFIG),
        None => return Ok(Config::default()),
    };
    Ok(Config::load(&path, catalogue)?)
}

/// The catalogue with the external lists of `--list` and of the config file.
fn load_lists(args: &ScanArgs, config: &Config, catalogue: Catalogue) -> Result<Lists> {
    let cache = || cache::cache_dir(args.cache_dir.as_deref());
    let paths = args
        .lists
        .iter()
        .chain(&config.lists)
        .map(|spec| cache::resolve(spec, cache))
        .collect::<Result<Vec<_>, _>>()?;
    let external = ExternalLists::load(&paths, &catalogue)?;
    if !external.is_empty() {
        let names: Vec<&str> = external.names().collect();
        tracing::info!("external lists: {}", names.join(", "));
    }
    Ok(Lists::new(catalogue)?.with_external(external))
}

fn scan_settings(args: &ScanArgs, config: Config) -> Result<ScanSettings> {
    let regexes = |patterns: &[String], flag: &str| -> Result<Vec<Regex>> {
        patterns
            .iter()
            .map(|p| Regex::new(p).map_err(|e| usage(anyhow::anyhow!("--{flag} {p:?}: {e}"))))
            .collect()
    };
    if args.max_pages == 0 {
        bail!(usage(anyhow::anyhow!("--max-pages must be at least 1")));
    }
    if args.concurrency == 0 || args.per_host == 0 {
        bail!(usage(anyhow::anyhow!(
            "--concurrency and --per-host must be at least 1"
        )));
    }
    // A politeness delay longer than a minute a request turns a scan into days; it is a typo.
    if args.delay > 60_000 {
        bail!(usage(anyhow::anyhow!(
            "--delay must be at most 60000 ms (one minute between requests to a host)"
        )));
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        bail!(usage(anyhow::anyhow!(
            "--timeout must be more than 0 and at most 3600 seconds"
        )));
    }
    if !(args.site_timeout.is_finite() && (0.0..=604_800.0).contains(&args.site_timeout)) {
        bail!(usage(anyhow::anyhow!(
            "--site-timeout must be between 0 (no limit) and 604800 seconds"
        )));
    }
    let mut crawl = CrawlConfig {
        max_pages: args.max_pages,
        max_depth: args.max_depth,
        concurrency: args.concurrency,
        per_host: args.per_host,
        delay: Duration::from_millis(args.delay),
        timeout: Duration::from_secs_f64(args.timeout),
        include: regexes(&args.include, "include")?,
        exclude: regexes(&args.exclude, "exclude")?,
        ignore_robots: args.ignore_robots,
        allow_private: args.allow_private,
        resolve: args
            .resolve
            .iter()
            .map(|r| parse_resolve(r).map_err(|e| usage(anyhow::anyhow!("--resolve {e}"))))
            .collect::<Result<_>>()?,
        ..CrawlConfig::default()
    };
    let crawl_timeout = crawl.timeout;
    if let Some(ua) = &args.user_agent {
        crawl.user_agent = ua.clone();
    }
    let parallel_sites = match (args.parallel_sites, args.engine) {
        (Some(0), _) => bail!(usage(anyhow::anyhow!(
            "--parallel-sites must be at least 1"
        ))),
        (Some(n), _) => n,
        (None, EngineArg::Static) => DEFAULT_PARALLEL_SITES,
        (None, EngineArg::Chromium) => 1,
    };
    if args.state_keep == 0 {
        bail!(usage(anyhow::anyhow!("--state-keep must be at least 1")));
    }
    let state = args
        .state
        .as_deref()
        .map(|dir| StateDir::open(dir, args.state_keep))
        .transpose()
        .context("--state")?;
    let baseline = args
        .baseline
        .as_deref()
        .map(report::read_json)
        .transpose()?;
    Ok(ScanSettings {
        crawl,
        policy: Policy {
            lang: lang(args.out.lang),
            severities: config.severities,
        },
        suppressions: config.suppressions,
        baseline,
        fail_on: fail_on(args.out.fail_on),
        browser: browser_settings(args, crawl_timeout)?,
        consent: match args.consent {
            ConsentArg::None | ConsentArg::All => ConsentState::None,
            ConsentArg::Accept => ConsentState::Accept,
            ConsentArg::Reject => ConsentState::Reject,
        },
        consent_sample: consent_sample(args)?,
        site_timeout: (args.site_timeout > 0.0).then(|| Duration::from_secs_f64(args.site_timeout)),
        parallel_sites,
        state,
        site_reports: None,
    })
}

/// Pages `--consent all` loads after each choice unless `--consent-pages` says otherwise: the
/// start page and two more keep the cost of the two extra profiles to a few page loads.
const CONSENT_PAGES: usize = 3;

/// `--consent all`: the pages loaded per extra state; `None` for the other modes.
fn consent_sample(args: &ScanArgs) -> Result<Option<usize>> {
    let pages = args.consent_pages.unwrap_or(CONSENT_PAGES);
    if !(1..=100).contains(&pages) {
        bail!(usage(anyhow::anyhow!(
            "--consent-pages must be between 1 and 100"
        )));
    }
    if args.consent_pages.is_some() && args.consent != ConsentArg::All {
        bail!(usage(anyhow::anyhow!(
            "--consent-pages sets the sample of --consent all: it needs --consent all"
        )));
    }
    Ok((args.consent == ConsentArg::All).then_some(pages))
}

/// The browser engine's settings, or `None` for the static engine.
fn browser_settings(args: &ScanArgs, call_timeout: Duration) -> Result<Option<BrowserSettings>> {
    if args.engine == EngineArg::Static {
        if args.evidence.is_some() {
            bail!(usage(anyhow::anyhow!(
                "--evidence records the browser's traffic: it needs --engine chromium"
            )));
        }
        if args.consent != ConsentArg::None {
            bail!(usage(anyhow::anyhow!(
                "--consent clicks a choice on the cookie banner in a browser: it needs --engine chromium"
            )));
        }
        return Ok(None);
    }
    if let Some(dir) = &args.evidence {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--evidence {}: cannot create the folder", dir.display()))?;
    }
    if !(args.page_wait.is_finite() && args.page_wait > 0.0 && args.page_wait <= 600.0) {
        bail!(usage(anyhow::anyhow!(
            "--page-wait must be more than 0 and at most 600 seconds"
        )));
    }
    let tabs = args.tabs.unwrap_or_else(default_tabs);
    if tabs == 0 || tabs > 64 {
        bail!(usage(anyhow::anyhow!("--tabs must be between 1 and 64")));
    }
    let executable = find_chromium(args.chromium.as_deref()).map_err(usage)?;
    let no_sandbox = running_as_root();
    if no_sandbox {
        tracing::info!("running as root: Chromium is started with --no-sandbox");
    }
    tracing::info!("browser engine: {}, {tabs} tabs", executable.display());
    Ok(Some(BrowserSettings {
        executable,
        args: args.browser_args.clone(),
        tabs,
        page_wait: Duration::from_secs_f64(args.page_wait),
        call_timeout,
        no_sandbox,
        evidence_dir: args.evidence.clone(),
    }))
}

fn fail_on(arg: FailOn) -> Option<Severity> {
    match arg {
        FailOn::High => Some(Severity::High),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::Low => Some(Severity::Low),
        FailOn::Never => None,
    }
}

fn lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Nl) => Lang::Nl,
        None => ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .map_or(Lang::En, |l| Lang::from_locale(&l)),
    }
}

fn formats(args: &[FormatArg]) -> Vec<Format> {
    let mut formats = Vec::new();
    for arg in args {
        let format = match arg {
            FormatArg::Terminal => Format::Terminal,
            FormatArg::Json => Format::Json,
            FormatArg::Html => Format::Html,
            FormatArg::Csv => Format::Csv,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Junit => Format::Junit,
            FormatArg::SitesCsv => Format::SitesCsv,
        };
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    formats
}

/// Where each format goes (decided before a scan); `echo_terminal`: also print the terminal
/// report when every format goes to a file.
fn output_plan(out: &OutputArgs, echo_terminal: bool) -> Result<OutputPlan> {
    let formats = formats(&out.format);
    Ok(OutputPlan::new(OutputRequest {
        formats: &formats,
        output: out.output.as_deref(),
        echo_terminal,
    })?)
}

fn render_options(out: &OutputArgs, lang: Lang) -> RenderOptions {
    RenderOptions {
        lang,
        color: use_color(out.color, std::io::stdout().is_terminal()),
        fail_on: fail_on(out.fail_on),
        csv_separator: out.csv_separator,
    }
}

/// Colours on a stream (`terminal`: whether that stream is a terminal).
fn use_color(color: ColorArg, terminal: bool) -> bool {
    match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
                && terminal
        }
    }
}

fn run_report(args: &ReportArgs) -> Result<Exit> {
    let mut report = report::read_json(&args.input).map_err(usage)?;
    let plan = output_plan(&args.out, false)?;
    plan.prepare()?;
    let lang = match args.out.lang {
        Some(l) => lang(Some(l)),
        None if !report.lang.is_empty() => Lang::from_locale(&report.lang),
        None => lang(None),
    };
    // Findings carry their rule and parameters: they are worded in the language asked for.
    let catalogue = Catalogue::embedded().map_err(usage)?;
    trackaudit::policy::texts::localize(&mut report, &catalogue, lang);
    plan.write(&report, &render_options(&args.out, lang))?;
    Ok(Exit::Clean)
}

fn run_diff(args: &DiffArgs) -> Result<Exit> {
    let old = report::read_json(&args.old)?;
    let new = report::read_json(&args.new)?;
    let diff = report::baseline::diff(&old, &new);
    let lang = lang(args.lang);
    let text = match args.format {
        DiffFormat::Terminal => report::diff::render_terminal(&diff, lang),
        DiffFormat::Markdown => report::diff::render_markdown(&diff, lang),
        DiffFormat::Json => report::diff::render_json(&diff),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    let appeared = diff.sites.iter().any(|s| !s.appeared.is_empty());
    Ok(if appeared {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// `merge`: the shards' reports as one JSON report; exit code as a scan of the whole list.
fn run_merge(args: &cli::MergeArgs) -> Result<Exit> {
    let reports = args
        .inputs
        .iter()
        .map(|path| Ok((path.clone(), report::read_json(path)?)))
        .collect::<Result<Vec<_>>>()?;
    let merged = trackaudit::shard::merge(reports)?;
    let json = report::to_json(&merged);
    match &args.output {
        Some(path) => trackaudit::output::write_file(path, json.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?,
        None => std::io::stdout().lock().write_all(json.as_bytes())?,
    }
    Ok(exit_for(&merged))
}

fn run_lists(args: &ListsArgs) -> Result<Exit> {
    if let Some(cli::ListsCommand::Update(update)) = &args.action {
        return run_update(update);
    }
    let catalogue = match &args.dir {
        Some(dir) => Catalogue::from_dir(dir),
        None => Catalogue::embedded(),
    }
    .map_err(usage)?;
    let mut stdout = std::io::stdout().lock();
    if args.check {
        return match show::check_catalogue(&catalogue).map_err(usage)? {
            Ok(summary) => {
                stdout.write_all(summary.as_bytes())?;
                Ok(Exit::Clean)
            }
            Err(problems) => {
                for problem in &problems {
                    let _ = writeln!(std::io::stderr(), "{problem}");
                }
                let _ = writeln!(
                    std::io::stderr(),
                    "error: the catalogue has {} problems",
                    problems.len()
                );
                Ok(Exit::Usage)
            }
        };
    }
    stdout.write_all(show::services(&catalogue, args.search.as_deref(), args.json).as_bytes())?;
    Ok(Exit::Clean)
}

/// `lists update`: one line per list; exit 2 when any could not be fetched.
fn run_update(args: &cli::UpdateArgs) -> Result<Exit> {
    if args.timeout == 0 {
        bail!("--timeout must be at least 1 second");
    }
    let dir = cache::cache_dir(args.cache_dir.as_deref())?;
    let plan = update::plan(&args.names, &args.sources)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let user_agent = format!("trackaudit/{}", env!("CARGO_PKG_VERSION"));
    let timeout = Duration::from_secs(args.timeout);
    let done = runtime.block_on(update::update(&plan, &dir, &user_agent, timeout))?;
    let lines = show::update_lines(&done);
    let mut stdout = std::io::stdout().lock();
    for line in &lines.done {
        writeln!(stdout, "{line}")?;
    }
    for line in &lines.failed {
        let _ = writeln!(std::io::stderr(), "{line}");
    }
    if !lines.failed.is_empty() {
        bail!(
            "{} of {} lists could not be updated",
            lines.failed.len(),
            done.len()
        );
    }
    Ok(Exit::Clean)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
