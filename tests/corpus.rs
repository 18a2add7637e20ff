//! Scores the analysis on the visible corpus (`../shared/corpus`, see its
//! README): precision and recall of `blocks-replication` against hand-made
//! labels on real server files.
//!
//! Needs `../shared` beside the checkout and network access to the npm
//! registry (fetch.sh `npm pack`s the pinned packages into target/corpus).
//! Awaits the analysis: with the placeholder, recall is 0 and it fails.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use flux_analysis::{Code, Config, SourceFile};
use flux_syntax::LineIndex;
use serde::Deserialize;

const MIN_PRECISION: f64 = 0.90;
const MIN_RECALL: f64 = 0.40;

#[derive(Debug, Deserialize)]
struct Entry {
    package: String,
    version: String,
    file: String,
    labels: Vec<Label>,
}

#[derive(Clone, Debug, Deserialize)]
struct Label {
    name: String,
    decl_line: u32,
    kind: Kind,
    #[serde(default)]
    write_lines: Vec<u32>,
    reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Blocks,
    Safe,
    Race,
}

/// A finding reduced to what the scoring rules look at (1-based lines).
#[derive(Clone, Debug, PartialEq)]
struct Hit {
    code: Code,
    name: Option<String>,
    binding_line: Option<u32>,
    start_line: u32,
}

/// Same last segment, or one a dotted prefix of the other
/// (`context` fits `context.sessions`; `clients` fits `this.clients`).
fn names_compatible(a: &str, b: &str) -> bool {
    let last = |s: &str| s.rsplit('.').next().unwrap_or(s).to_string();
    let prefix = |p: &str, s: &str| s.strip_prefix(p).is_some_and(|rest| rest.starts_with('.'));
    last(a) == last(b) || prefix(a, b) || prefix(b, a)
}

/// The finding sits on the label: its binding is declared on `decl_line`,
/// or its primary range starts on one of `write_lines`; and the names fit.
fn on_label(label: &Label, hit: &Hit) -> bool {
    let Some(name) = &hit.name else { return false };
    let placed =
        hit.binding_line == Some(label.decl_line) || label.write_lines.contains(&hit.start_line);
    placed && names_compatible(&label.name, name)
}

#[derive(Debug, Default)]
struct Score {
    blocks: usize,
    found: Vec<Label>,
    missed: Vec<Label>,
    /// `safe`/`race` labels a `blocks-replication` finding sits on (counted once per label).
    false_positives: Vec<Label>,
    /// `race` labels a `lost-update` finding sits on (right, but outside precision/recall).
    races_found: Vec<Label>,
    /// `blocks-replication` findings on no label: out of scope, listed for reading.
    unlabelled: Vec<Hit>,
}

fn score(labels: &[Label], hits: &[Hit]) -> Score {
    let blocks_hits: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.code == Code::BlocksReplication)
        .collect();
    let mut s = Score::default();
    for label in labels {
        let flagged = blocks_hits.iter().any(|h| on_label(label, h));
        match (label.kind, flagged) {
            (Kind::Blocks, true) => s.found.push(label.clone()),
            (Kind::Blocks, false) => s.missed.push(label.clone()),
            (Kind::Safe | Kind::Race, true) => s.false_positives.push(label.clone()),
            (Kind::Safe | Kind::Race, false) => {}
        }
        if label.kind == Kind::Blocks {
            s.blocks += 1;
        }
        if label.kind == Kind::Race
            && hits
                .iter()
                .any(|h| h.code == Code::LostUpdate && on_label(label, h))
        {
            s.races_found.push(label.clone());
        }
    }
    s.unlabelled = blocks_hits
        .into_iter()
        .filter(|h| !labels.iter().any(|l| on_label(l, h)))
        .cloned()
        .collect();
    s
}

/// Precision and recall over several files. Precision is 1 when nothing
/// was flagged at all: it measures false alarms, and recall catches silence.
fn totals(scores: &[&Score]) -> (f64, f64) {
    let found: usize = scores.iter().map(|s| s.found.len()).sum();
    let fp: usize = scores.iter().map(|s| s.false_positives.len()).sum();
    let blocks: usize = scores.iter().map(|s| s.blocks).sum();
    let precision = if found + fp == 0 {
        1.0
    } else {
        found as f64 / (found + fp) as f64
    };
    let recall = if blocks == 0 {
        0.0
    } else {
        found as f64 / blocks as f64
    };
    (precision, recall)
}

/// As fetch.sh names the extracted packages: `@` dropped, `/` → `-`.
fn package_dir(package: &str, version: &str) -> String {
    format!(
        "{}-{version}",
        package.trim_start_matches('@').replace('/', "-")
    )
}

fn hits_of(path: &str, text: &str) -> Vec<Hit> {
    let config = Config::default();
    let analyses = flux_analysis::analyze(&[SourceFile { path, text }], &config.catalog(), &config);
    let index = LineIndex::new(text);
    let line = |offset: usize| index.line_col(text, offset).line;
    analyses
        .iter()
        .flat_map(|a| &a.findings)
        .map(|f| Hit {
            code: f.code,
            name: f.binding.as_ref().map(|b| b.name.clone()),
            binding_line: f.binding.as_ref().map(|b| line(b.range.start)),
            start_line: line(f.range.start),
        })
        .collect()
}

fn fetch(root: &Path) -> PathBuf {
    let shared = root.join("../shared/corpus");
    assert!(
        shared.join("fetch.sh").is_file() && shared.join("manifest.json").is_file(),
        "the corpus is missing: expected {}/fetch.sh and manifest.json (the `shared` folder beside the checkout)",
        shared.display()
    );
    let dest = root.join("target/corpus");
    let status = Command::new("bash")
        .arg(shared.join("fetch.sh"))
        .arg(&dest)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("bash runs");
    assert!(
        status.success(),
        "fetch.sh failed ({status}): it needs npm and access to the npm registry"
    );
    dest
}

#[test]
fn corpus_precision_and_recall() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = fetch(root);
    let manifest = std::fs::read_to_string(root.join("../shared/corpus/manifest.json")).unwrap();
    let entries: Vec<Entry> = serde_json::from_str(&manifest).expect("manifest.json parses");

    let mut report = String::new();
    let mut scores = Vec::new();
    let _ = writeln!(
        report,
        "{:<58} {:>6} {:>6} {:>5} {:>3}",
        "file", "labels", "blocks", "found", "FP"
    );
    for e in &entries {
        let path = corpus
            .join(package_dir(&e.package, &e.version))
            .join(&e.file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let hits = hits_of(&e.file, &text);
        let s = score(&e.labels, &hits);
        let shown = format!("{}@{}/{}", e.package, e.version, e.file);
        let _ = writeln!(
            report,
            "{shown:<58} {:>6} {:>6} {:>5} {:>3}",
            e.labels.len(),
            s.blocks,
            s.found.len(),
            s.false_positives.len()
        );
        scores.push((shown, s));
    }
    let all: Vec<&Score> = scores.iter().map(|(_, s)| s).collect();
    let found: usize = all.iter().map(|s| s.found.len()).sum();
    let fp: usize = all.iter().map(|s| s.false_positives.len()).sum();
    let blocks: usize = all.iter().map(|s| s.blocks).sum();
    let (precision, recall) = totals(&all);
    let _ = writeln!(
        report,
        "{:<58} {:>6} {:>6} {found:>5} {fp:>3}",
        "total", "", blocks
    );
    let _ = writeln!(
        report,
        "precision {precision:.2} (min {MIN_PRECISION}), recall {recall:.2} (min {MIN_RECALL})"
    );
    for (shown, s) in &scores {
        for l in &s.missed {
            let _ = writeln!(
                report,
                "MISS {shown}:{} `{}`: {}",
                l.decl_line, l.name, l.reason
            );
        }
        for l in &s.false_positives {
            let _ = writeln!(
                report,
                "FP   {shown}:{} `{}` ({:?}): {}",
                l.decl_line, l.name, l.kind, l.reason
            );
        }
        for l in &s.races_found {
            let _ = writeln!(
                report,
                "RACE {shown}:{} `{}` reported as lost-update (right)",
                l.decl_line, l.name
            );
        }
        for h in &s.unlabelled {
            let _ = writeln!(
                report,
                "unlabelled {shown}:{} `{}` (binding line {:?})",
                h.start_line,
                h.name.as_deref().unwrap_or("?"),
                h.binding_line
            );
        }
    }
    eprint!("{report}");
    let out = root.join("target/corpus-report.txt");
    std::fs::write(&out, &report).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    assert!(
        precision >= MIN_PRECISION && recall >= MIN_RECALL,
        "precision {precision:.2} (min {MIN_PRECISION}), recall {recall:.2} (min {MIN_RECALL}); report in {}",
        out.display()
    );
}

/// The scorer itself, on synthetic labels and findings.
mod scorer {
    use super::*;

    fn label(name: &str, decl_line: u32, kind: Kind, write_lines: &[u32]) -> Label {
        Label {
            name: name.into(),
            decl_line,
            kind,
            write_lines: write_lines.to_vec(),
            reason: "r".into(),
        }
    }

    fn hit(code: Code, name: &str, binding_line: u32, start_line: u32) -> Hit {
        Hit {
            code,
            name: Some(name.into()),
            binding_line: Some(binding_line),
            start_line,
        }
    }

    #[test]
    fn names() {
        assert!(names_compatible("this.clients", "clients"));
        assert!(names_compatible("context", "context.sessions"));
        assert!(names_compatible("context.sessions", "context"));
        assert!(!names_compatible("context", "contexts.x"));
        assert!(!names_compatible("count", "counter"));
    }

    #[test]
    fn found_missed_false_positives_and_races() {
        use Code::*;
        let labels = [
            label("count", 3, Kind::Blocks, &[7]),
            label("this.clients", 10, Kind::Blocks, &[20, 21]),
            label("cache", 30, Kind::Blocks, &[]),
            label("config", 40, Kind::Safe, &[]),
            label("flag", 50, Kind::Race, &[55]),
            label("other", 60, Kind::Safe, &[]),
        ];
        let hits = [
            hit(BlocksReplication, "count", 3, 7),       // by decl line
            hit(BlocksReplication, "clients", 99, 21),   // by write line and last segment
            hit(BlocksReplication, "cache", 31, 35),     // wrong line: miss
            hit(ProcessLocalCache, "cache", 30, 32),     // not blocks-replication: miss still
            hit(BlocksReplication, "config", 40, 45),    // safe label: FP
            hit(BlocksReplication, "config", 40, 46),    // same label again: one FP
            hit(BlocksReplication, "flag", 50, 55),      // race as blocks: FP
            hit(LostUpdate, "flag", 50, 55),             // race as lost-update: right
            hit(BlocksReplication, "stranger", 70, 71),  // unlabelled
            hit(BlocksReplication, "otherwise", 60, 61), // incompatible name: no FP
        ];
        let s = score(&labels, &hits);
        let names = |v: &[Label]| v.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        assert_eq!(s.blocks, 3);
        assert_eq!(names(&s.found), ["count", "this.clients"]);
        assert_eq!(names(&s.missed), ["cache"]);
        assert_eq!(names(&s.false_positives), ["config", "flag"]);
        assert_eq!(names(&s.races_found), ["flag"]);
        let unlabelled: Vec<_> = s
            .unlabelled
            .iter()
            .map(|h| h.name.clone().unwrap())
            .collect();
        assert_eq!(unlabelled, ["cache", "stranger", "otherwise"]);
        let (precision, recall) = totals(&[&s]);
        assert_eq!(precision, 0.5);
        assert!((recall - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn silence_has_full_precision_and_no_recall() {
        let s = score(&[label("x", 1, Kind::Blocks, &[2])], &[]);
        assert_eq!(totals(&[&s]), (1.0, 0.0));
    }

    #[test]
    fn package_dirs_follow_fetch_sh() {
        assert_eq!(
            package_dir("@y/websocket-server", "0.1.5"),
            "y-websocket-server-0.1.5"
        );
        assert_eq!(package_dir("peer", "1.0.2"), "peer-1.0.2");
    }
}
