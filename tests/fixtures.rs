//! Runs every annotated fixture under `tests/fixtures/`.
//!
//! A fixture is a JavaScript or TypeScript file (or a folder of them, analysed together as
//! one run, with an optional `flux.json`). Comments state the expected findings:
//!
//! ```js
//!     count += 1;
//! //  ^^^^^^^^^^ blocks-replication: `count`
//! ```
//!
//! The carets mark columns of the nearest line above that is not an
//! annotation; after the code, an optional `: text` must occur in the
//! message. The findings produced must equal the annotated ones, no more, no
//! less. `NAME.flux` beside `NAME.js` holds the expected fluxional form
//! (`UPDATE_FIXTURES=1 cargo test --test fixtures` rewrites those files: read
//! the diff before committing).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use flux_analysis::{analyze, fluxional_form, Config, FileAnalysis, SourceFile};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    line: usize,
    start_col: usize,
    end_col: usize,
    code: String,
    text: Option<String>,
}

fn annotations(text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut last_code_line = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("//") else {
            last_code_line = i + 1;
            continue;
        };
        let indent = line.len() - trimmed.len();
        let carets_at = rest
            .find('^')
            .filter(|&p| rest[..p].chars().all(|c| c == ' '));
        let Some(p) = carets_at else {
            last_code_line = i + 1;
            continue;
        };
        let start_col = indent + 2 + p;
        let n = rest[p..].chars().take_while(|&c| c == '^').count();
        let after = rest[p + n..].trim();
        let (code, msg) = match after.split_once(':') {
            Some((c, m)) => (c.trim().to_string(), Some(m.trim().to_string())),
            None => (after.to_string(), None),
        };
        out.push(Expected {
            line: last_code_line,
            start_col,
            end_col: start_col + n,
            code,
            text: msg,
        });
    }
    out
}

fn produced(text: &str, analysis: &FileAnalysis) -> Vec<(usize, usize, usize, String, String)> {
    analysis
        .findings
        .iter()
        .map(|f| {
            let line = text[..f.range.start].matches('\n').count() + 1;
            let line_start = text[..f.range.start].rfind('\n').map_or(0, |i| i + 1);
            let start_col = f.range.start - line_start;
            // multi-line ranges are annotated up to the end of their first line
            let line_end = text[f.range.start..]
                .find('\n')
                .map_or(text.len(), |i| f.range.start + i);
            let end_col = f.range.end.min(line_end) - line_start;
            (
                line,
                start_col,
                end_col,
                f.code.as_str().to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

fn render(items: &[(usize, usize, usize, String, String)], text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut s = String::new();
    for (line, sc, ec, code, msg) in items {
        let src = lines.get(line - 1).copied().unwrap_or("");
        let _ = writeln!(
            s,
            "    {line}:{sc}-{ec} {code}: {msg}\n      | {src}\n      | {}{}",
            " ".repeat(*sc),
            "^".repeat(ec - sc)
        );
    }
    s
}

fn js_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx")
            )
        })
        .collect();
    files.sort();
    files
}

/// Fixture runs: a folder with a `flux.json` or named `*.run` is one run;
/// otherwise every JavaScript file is a run of its own.
fn runs(root: &Path) -> Vec<(Vec<PathBuf>, Option<PathBuf>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let config = dir.join("flux.json");
        let is_run = config.exists() || dir.extension().is_some_and(|e| e == "run");
        if is_run {
            out.push((js_files(&dir), config.exists().then_some(config)));
        } else {
            out.extend(js_files(&dir).into_iter().map(|f| (vec![f], None)));
        }
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !is_run {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut failures = String::new();
    let mut checked = 0;
    let runs = runs(&root);
    assert!(
        runs.len() >= 10,
        "fixtures went missing: {} runs",
        runs.len()
    );
    for (files, config_path) in runs {
        let config = match &config_path {
            Some(p) => Config::parse(&std::fs::read_to_string(p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            None => Config::default(),
        };
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|p| {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, std::fs::read_to_string(p).unwrap())
            })
            .collect();
        let sources: Vec<SourceFile<'_>> = texts
            .iter()
            .map(|(p, t)| SourceFile { path: p, text: t })
            .collect();
        let results = analyze(&sources, &config.catalog(), &config);
        for ((path, text), (file, analysis)) in texts.iter().zip(files.iter().zip(&results)) {
            checked += 1;
            // TypeScript fixtures parse: a wrong grammar (TS for TSX) would not
            if path.starts_with("typescript/") && !analysis.syntax_errors.is_empty() {
                let _ = writeln!(
                    failures,
                    "\n{path}: syntax errors at {:?}",
                    analysis.syntax_errors
                );
            }
            let expected = annotations(text);
            let got = produced(text, analysis);
            let matches = |e: &Expected, g: &(usize, usize, usize, String, String)| {
                e.line == g.0
                    && e.start_col == g.1
                    && e.end_col == g.2
                    && e.code == g.3
                    && e.text.as_ref().is_none_or(|t| g.4.contains(t.as_str()))
            };
            let missing: Vec<&Expected> = expected
                .iter()
                .filter(|e| !got.iter().any(|g| matches(e, g)))
                .collect();
            let unexpected: Vec<_> = got
                .iter()
                .filter(|g| !expected.iter().any(|e| matches(e, g)))
                .cloned()
                .collect();
            if !missing.is_empty() || !unexpected.is_empty() {
                let _ = writeln!(failures, "\n{path}:");
                for m in &missing {
                    let _ = writeln!(
                        failures,
                        "  missing  {}:{}-{} {}{}",
                        m.line,
                        m.start_col,
                        m.end_col,
                        m.code,
                        m.text
                            .as_ref()
                            .map(|t| format!(": {t}"))
                            .unwrap_or_default()
                    );
                }
                if !unexpected.is_empty() {
                    let _ = writeln!(failures, "  unexpected:\n{}", render(&unexpected, text));
                }
                let _ = writeln!(failures, "  all produced:\n{}", render(&got, text));
            }
            let flux_path = file.with_extension("flux");
            if flux_path.exists() || update {
                let form = fluxional_form(analysis, text);
                if update {
                    if flux_path.exists()
                        || !analysis.fluxions.is_empty() && file.to_string_lossy().contains("paper")
                    {
                        std::fs::write(&flux_path, &form).unwrap();
                    }
                } else {
                    let want = std::fs::read_to_string(&flux_path).unwrap();
                    if want != form {
                        let _ = writeln!(failures, "\n{path}: fluxional form differs\n--- expected\n{want}--- produced\n{form}");
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "fixture failures:{failures}");
    eprintln!("{checked} fixture files checked");
}

/// Every prefix of the TypeScript fixtures (cut at each line) is analysed
/// without panicking, with both grammars: broken code is the editor's normal state.
#[test]
fn truncated_typescript_never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typescript");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            }
        }
        files.extend(js_files(&dir));
    }
    assert!(files.len() >= 8, "{files:?}");
    let config = Config::default();
    let catalog = config.catalog();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let cuts = text.match_indices('\n').map(|(i, _)| i);
        for cut in cuts.chain([text.len()]) {
            let prefix = &text[..cut];
            for path in ["a.ts", "a.tsx"] {
                let src = [SourceFile { path, text: prefix }];
                let _ = analyze(&src, &catalog, &config);
            }
        }
    }
}
