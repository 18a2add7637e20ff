//! Not a test: analyses one file `N` times from a given tree, so that a
//! profiler (`valgrind --tool=callgrind --toggle-collect='*analyze_parsed*'`)
//! sees what one keystroke costs the core once the tree is reparsed.
//!
//! `cargo run --release --example analyze-once -- FILE [N]`

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = &args[1];
    let times: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    let text = std::fs::read_to_string(path).expect("readable file");
    let dialect = flux_syntax::Dialect::from_path(path).unwrap_or(flux_syntax::Dialect::JavaScript);
    let tree = flux_syntax::parse(&text, dialect);
    let config = flux_analysis::Config::default();
    let catalog = config.catalog();
    let file = flux_analysis::SourceFile { path, text: &text };
    let start = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..times {
        let out = flux_analysis::analyze_parsed(&[(file, Some(&tree))], &catalog, &config, &|| {});
        findings = out[0].findings.len();
    }
    let per = start.elapsed().as_secs_f64() * 1000.0 / times as f64;
    println!("{findings} findings, {per:.2} ms per analysis");
}
