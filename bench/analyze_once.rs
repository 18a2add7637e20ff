//! Not a test: analyses a run of files `N` times from given trees, so that a
//! profiler (`valgrind --tool=callgrind --toggle-collect='*analyze_*'`) sees
//! what one keystroke costs the core once the tree is reparsed. Two figures:
//! the whole run walked afresh, and a keystroke in FILE, which walks FILE
//! again while the run's other files keep their facts (as the server does),
//! with the part of it spent collecting FILE's facts (its two walks), and
//! the scope walk when the functions an edit left alone keep theirs.
//!
//! `N=200 cargo run --release --example analyze-once -- FILE [OTHER FILES OF ITS RUN]`

use std::sync::Arc;
use std::time::Instant;

use flux_analysis::{CollectedFile, SourceFile};

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    assert!(
        !paths.is_empty(),
        "usage: analyze-once FILE [OTHER FILES OF ITS RUN]"
    );
    let times: usize = std::env::var("N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let texts: Vec<Arc<str>> = paths
        .iter()
        .map(|p| Arc::from(std::fs::read_to_string(p).expect("readable file")))
        .collect();
    let trees: Vec<Arc<flux_syntax::Tree>> = paths
        .iter()
        .zip(&texts)
        .map(|(p, t)| {
            let dialect = flux_syntax::Dialect::of_path(p);
            Arc::new(flux_syntax::parse(t, dialect))
        })
        .collect();
    let config = flux_analysis::Config::default();
    let catalog = config.catalog();
    let per_run = |start: Instant| start.elapsed().as_secs_f64() * 1000.0 / times as f64;

    let files: Vec<(SourceFile<'_>, Option<&flux_syntax::Tree>)> = paths
        .iter()
        .zip(&texts)
        .zip(&trees)
        .map(|((path, text), tree)| (SourceFile { path, text }, Some(&**tree)))
        .collect();
    let start = Instant::now();
    let mut findings = 0;
    for _ in 0..times {
        findings = flux_analysis::analyze_parsed(&files, &catalog, &config, &|| {})[0]
            .findings
            .len();
    }
    println!(
        "{findings} findings, {:.2} ms per analysis of the run",
        per_run(start)
    );

    let collect = |i: usize| {
        CollectedFile::collect(&paths[i], texts[i].clone(), trees[i].clone(), None, &|| {})
    };
    let kept: Vec<CollectedFile> = (1..paths.len()).map(collect).collect();
    let start = Instant::now();
    for _ in 0..times {
        let edited = collect(0);
        let run: Vec<&CollectedFile> = std::iter::once(&edited).chain(&kept).collect();
        findings = flux_analysis::analyze_collected(&run, &catalog, &config, &|| {})[0]
            .findings
            .len();
    }
    println!(
        "{findings} findings, {:.2} ms per keystroke in {}",
        per_run(start),
        paths[0]
    );
    // the keystroke's first part, and the scope walk within it
    let start = Instant::now();
    for _ in 0..times {
        std::hint::black_box(collect(0));
    }
    let collecting = per_run(start);
    let start = Instant::now();
    for _ in 0..times {
        std::hint::black_box(flux_analysis::scope::analyze(&trees[0], &texts[0]));
    }
    println!(
        "{collecting:.2} ms of it collecting the facts of {} ({:.2} ms its scope walk)",
        paths[0],
        per_run(start)
    );

    // The server keeps each function's scope: a keystroke inside one (a
    // space after the first `{` past the middle of FILE, then taken back)
    // walks that function's scope and those around it only.
    let text = &texts[0];
    let Some(brace) = text[text.len() / 2..]
        .find('{')
        .map(|i| text.len() / 2 + i + 1)
    else {
        return;
    };
    let edited: Arc<str> = Arc::from(format!("{} {}", &text[..brace], &text[brace..]));
    let dialect = flux_syntax::Dialect::of_path(&paths[0]);
    let versions = [
        (text.clone(), trees[0].clone()),
        (
            edited.clone(),
            Arc::new(flux_syntax::parse(&edited, dialect)),
        ),
    ];
    let cache = flux_analysis::scope::ScopeCache::default();
    let walk = |(text, tree): &(Arc<str>, Arc<flux_syntax::Tree>)| {
        flux_analysis::scope::analyze_cached(tree, text, &cache, &|| {})
    };
    walk(&versions[0]);
    let start = Instant::now();
    for i in 0..times {
        std::hint::black_box(walk(&versions[(i + 1) % 2]));
    }
    println!(
        "{:.2} ms its scope walk keeping the other functions' ({} walked again of {} kept)",
        per_run(start),
        cache.walked().len(),
        cache.len()
    );
}
