//! The fuzz harnesses: each takes arbitrary bytes and panics only on a bug.
//! The cargo-fuzz targets in `fuzz/` call them; `tests/` runs each for a
//! bounded, seeded number of inputs on every `cargo test`, plus every crash
//! the fuzzer found (`tests/regressions/`).

pub mod edits;
pub mod grammar;
#[cfg(unix)]
pub mod keep_input;
pub mod transport;

use flux_analysis::{analyze, Catalog, Config, FileAnalysis, SourceFile};

/// Analyses `files` as one run and checks what the analysis promises: one
/// result per file, every range inside its text on character boundaries.
pub fn analyze_checked(files: &[(&str, &str)]) -> Vec<FileAnalysis> {
    let sources: Vec<SourceFile<'_>> = files
        .iter()
        .map(|(path, text)| SourceFile { path, text })
        .collect();
    // Built once: parsing the catalog would cost more than most inputs.
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    let catalog = CATALOG.get_or_init(Catalog::builtin);
    let out = analyze(&sources, catalog, &Config::default());
    assert_eq!(out.len(), files.len());
    for (analysis, (_, text)) in out.iter().zip(files) {
        let ok = |r: &std::ops::Range<usize>| {
            r.start <= r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        };
        for f in &analysis.findings {
            assert!(ok(&f.range), "finding range {:?} outside the text", f.range);
        }
        for v in &analysis.variables {
            assert!(
                ok(&v.decl),
                "declaration range {:?} outside the text",
                v.decl
            );
        }
        for r in &analysis.rupture_points {
            assert!(ok(&r.range), "rupture point {:?} outside the text", r.range);
        }
    }
    out
}

/// Target `analyze_bytes`: the bytes as a file (lossy UTF-8).
pub fn analyze_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    analyze_checked(&[("server.js", &text)]);
}

/// Target `analyze_grammar`: two modules built from a JavaScript grammar,
/// the first requiring the second.
pub fn analyze_grammar(data: &[u8]) {
    let mut u = arbitrary::Unstructured::new(data);
    let (main, lib) = grammar::program(&mut u);
    analyze_checked(&[("/app/server.js", &main), ("/app/h.js", &lib)]);
}
