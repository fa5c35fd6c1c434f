//! Cost of the external lists: loading (read, parse, compile the engine) and checking a URL.
//!
//! `cargo bench --bench lists [-- --easyprivacy FILE --disconnect FILE]` (default: the real
//! lists in `../shared/data/`, else the samples of `fixtures/lists/`). Prints the median of
//! several runs:
//!
//! - load time of each list, as a scan pays it once;
//! - for comparison, building the adblock engine from its serialized form (what a cache of the
//!   compiled engine would save);
//! - the cost of one check of a third-party URL, for URLs a list matches and URLs it does not.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use adblock::Engine;
use adblock::lists::{FilterSet, ParseOptions};
use url::Url;

use trackaudit::lists::{Catalogue, ExternalLists};
use trackaudit::observe::EvidenceKind;

const RUNS: usize = 9;
const SOURCE: &str = "https://www.example-school.nl/";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pick = |flag: &str, real: &str, sample: &str| -> PathBuf {
        let given = args
            .iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1));
        match given {
            Some(path) => PathBuf::from(path),
            None if root.join("../shared/data").join(real).is_file() => {
                root.join("../shared/data").join(real)
            }
            None => root.join("fixtures/lists").join(sample),
        }
    };
    let easyprivacy = pick("--easyprivacy", "easyprivacy.txt", "sample-filter-list.txt");
    let disconnect = pick(
        "--disconnect",
        "disconnect-services.json",
        "sample-disconnect.json",
    );
    let catalogue = Catalogue::embedded()?;
    println!("command: cargo bench --bench lists");
    println!("(release build; median of {RUNS} runs)\n");

    for path in [&easyprivacy, &disconnect] {
        let load = median(|| {
            let start = Instant::now();
            let lists = ExternalLists::load(std::slice::from_ref(path), &catalogue)
                .expect("the list loads");
            black_box(lists);
            start.elapsed()
        });
        println!(
            "load {:<60} {:>8.1} ms",
            path.display().to_string(),
            ms(load)
        );
    }

    // What caching the compiled engine would save: build vs. deserialize.
    let text = std::fs::read_to_string(&easyprivacy)?;
    let compile = || {
        let mut set = FilterSet::new(true);
        set.add_filter_list(text.clone(), ParseOptions::default());
        Engine::new_with_filter_set(set)
    };
    let serialized = compile().serialize();
    let build = median(|| {
        let start = Instant::now();
        black_box(compile());
        start.elapsed()
    });
    let reload = median(|| {
        let start = Instant::now();
        let mut engine = Engine::default();
        engine.deserialize(&serialized).expect("own serialization");
        black_box(engine);
        start.elapsed()
    });
    println!(
        "adblock engine of {}: compile {:.1} ms, from serialized form {:.1} ms ({} KB)",
        easyprivacy
            .file_name()
            .unwrap_or_default()
            .to_string_lossy(),
        ms(build),
        ms(reload),
        serialized.len() / 1024
    );

    let both = ExternalLists::load(&[easyprivacy.clone(), disconnect.clone()], &catalogue)?;
    let filter_only = ExternalLists::load(std::slice::from_ref(&easyprivacy), &catalogue)?;
    let trackers = urls(&[
        "https://static.getclicky.com/js",
        "https://s10.histats.com/js15_as.js",
        "https://sb.scorecardresearch.com/p?c1=2&c2=12345678&cv=3.9&cj=1",
        "https://www.statcounter.com/counter/counter.js",
        "https://cdn.heapanalytics.com/js/heap-123.js",
        "https://static.chartbeat.com/js/chartbeat.js",
        "https://cdn.bezoekersteller-voorbeeld.nl/teller.js",
        "https://pixel.klikspoor-voorbeeld.com/p.gif?id=42",
    ]);
    let unknown: Vec<(Url, String)> = (0..200)
        .flat_map(|i| {
            urls(&[
                &format!("https://cdn{i}.gemeente-voorbeeld.nl/assets/app.{i}.js"),
                &format!("https://widgets.agenda-voorbeeld{i}.nl/embed/v2/agenda.js?school={i}"),
                &format!("https://img{i}.beeldbank-voorbeeld.nl/foto/{i}.jpg?w=800"),
            ])
        })
        .collect();
    for (label, lists) in [
        ("EasyPrivacy", &filter_only),
        ("EasyPrivacy + Disconnect", &both),
    ] {
        for (what, set) in [("tracker URLs", &trackers), ("other URLs", &unknown)] {
            let rounds = 20_000 / set.len().max(1) + 1;
            let mut matched = 0;
            let time = median(|| {
                matched = 0;
                let start = Instant::now();
                for _ in 0..rounds {
                    for (url, host) in set {
                        let hit = lists.check(url, host, SOURCE, EvidenceKind::ScriptSrc, "");
                        matched += usize::from(black_box(hit).is_some());
                    }
                }
                start.elapsed()
            });
            let per = time.as_secs_f64() * 1e6 / (rounds * set.len()) as f64;
            println!(
                "check, {label:<24} {what:<12} {per:>6.2} µs per URL ({} of {} matched)",
                matched / rounds,
                set.len()
            );
        }
    }
    Ok(())
}

fn urls(texts: &[&str]) -> Vec<(Url, String)> {
    texts
        .iter()
        .filter_map(|t| Url::parse(t).ok())
        .map(|u| {
            let host = u.host_str().unwrap_or_default().to_owned();
            (u, host)
        })
        .collect()
}

fn median(mut run: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    times.sort();
    times[RUNS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
