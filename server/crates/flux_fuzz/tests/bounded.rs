//! The fuzz targets, bounded for CI: every seed of `fuzz/corpus/<target>/`,
//! every crash the fuzzer found (`tests/regressions/<target>/`), then a
//! fixed number of seeded random inputs (reproducible: same seed, same
//! inputs). The long runs are `cargo fuzz run <target>` (fuzz/README.md).

use std::path::{Path, PathBuf};

use rand::{rngs::StdRng, Rng, SeedableRng};

fn files(dir: PathBuf) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.ends_with(".keep"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

fn run(target: &str, harness: fn(&[u8]), iterations: usize, max_len: usize) {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = here.join("../../../fuzz/corpus").join(target);
    let regressions = here.join("tests/regressions").join(target);
    for (path, bytes) in files(corpus).into_iter().chain(files(regressions)) {
        let result = std::panic::catch_unwind(|| harness(&bytes));
        assert!(result.is_ok(), "{target} failed on {}", path.display());
    }
    let mut rng = StdRng::seed_from_u64(0x_f1u64 ^ target.len() as u64);
    for i in 0..iterations {
        let len = rng.gen_range(0..=max_len);
        let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let result = std::panic::catch_unwind(|| harness(&bytes));
        assert!(
            result.is_ok(),
            "{target} failed on random input #{i}: {bytes:?}"
        );
    }
}

#[test]
fn analyze_bytes() {
    run("analyze_bytes", flux_fuzz::analyze_bytes, 200, 512);
}

#[test]
fn analyze_grammar() {
    run("analyze_grammar", flux_fuzz::analyze_grammar, 200, 1024);
}

#[test]
fn edits() {
    run("edits", flux_fuzz::edits::run, 200, 512);
}

#[test]
fn transport() {
    run("transport", flux_fuzz::transport::run, 50, 512);
}
