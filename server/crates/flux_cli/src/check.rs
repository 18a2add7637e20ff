//! `--check` and `fluxions`: files → groups by config → one `analyze` call
//! per group → a report in the chosen format.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use flux_analysis::{FileAnalysis, SourceFile};
use rayon::prelude::*;

use crate::cache::Cache;
use crate::changed::Changed;
use crate::configs::{Configs, Loaded};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::report::{Counts, Report, Sources};
use crate::walk::{self, Input};
use crate::{github, human, json, sarif, split, Format, EXIT_ERROR, EXIT_OK};

pub struct Options {
    pub format: Format,
    pub config: Option<PathBuf>,
    pub color: bool,
    pub policy: Policy,
    pub scope: Scope,
}

/// A file read for analysis.
pub struct Read {
    pub path: String,
    pub text: String,
}

/// Reads a file that must be UTF-8 text; the error names what is wrong.
fn read_text(path: &Path) -> Result<String, String> {
    // A FIFO or a device would block the read forever (a walk lists them).
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file, not checked".into());
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    // The heuristic of git and ripgrep: a NUL byte near the start means binary.
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file, not checked".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (invalid byte at offset {}), not checked",
            e.utf8_error().valid_up_to()
        )
    })
}

/// How much of a run may be skipped or reused.
#[derive(Default)]
pub struct Scope {
    /// Skip the parts of a run that no catalog spelling reaches (see
    /// `flux_analysis::relevance`); off for `--no-prefilter`.
    pub prefilter: bool,
    pub cache: Option<Cache>,
    /// `--changed-since`: analyse only the parts holding a changed file.
    pub changed: Option<Changed>,
}

/// Runs the analysis of every group; returns the report and I/O errors.
fn analyse(
    inputs: Vec<Input>,
    configs: &mut Configs,
    scope: &Scope,
    progress: &Progress,
) -> (Report, Vec<String>) {
    let mut groups: BTreeMap<usize, Vec<Input>> = BTreeMap::new();
    for input in inputs {
        let abs = walk::absolute(&input.path);
        let Some(i) = configs.for_file(&input.path) else {
            continue;
        };
        if !input.explicit && configs.loaded[i].ignores(&abs) {
            continue;
        }
        groups.entry(i).or_default().push(input);
    }
    progress.set_total(groups.values().map(Vec::len).sum());
    let loaded = &configs.loaded;
    // Groups are independent: analyse them in parallel, then put them back in order.
    let results: Vec<Group> = groups
        .into_par_iter()
        .map(|(i, inputs)| analyse_group(&loaded[i], inputs, scope, progress))
        .collect();
    let mut sources = Sources::default();
    let mut analyses = Vec::new();
    let mut errors = Vec::new();
    let mut counts = Counts::default();
    for group in results {
        for read in group.reads {
            sources.insert(read.path, read.text);
        }
        analyses.extend(group.analyses);
        errors.extend(group.errors);
        counts += group.counts;
    }
    analyses.sort_by(|a, b| a.path.cmp(&b.path));
    for a in &mut analyses {
        a.findings.sort_by(|x, y| {
            (x.range.start, x.range.end, x.code).cmp(&(y.range.start, y.range.end, y.code))
        });
    }
    let related: Vec<String> = analyses
        .iter()
        .flat_map(|a| {
            a.findings
                .iter()
                .flat_map(|f| f.related.iter().filter_map(|r| r.path.clone()))
        })
        .collect();
    for path in related {
        sources.ensure(&path);
    }
    errors.sort();
    (
        Report {
            files: analyses.len() + counts.skipped + counts.unchanged,
            counts,
            sources,
            analyses,
        },
        errors,
    )
}

/// One group's results: the texts of the files with results, their
/// analyses, read errors and counts.
struct Group {
    reads: Vec<Read>,
    analyses: Vec<FileAnalysis>,
    errors: Vec<String>,
    counts: Counts,
}

/// A file read, with what the scope needs to know of it.
struct ReadFile {
    read: Read,
    absolute: PathBuf,
    /// Does it spell something of the catalog? (true without the prefilter)
    relevant: bool,
    /// Content hash, with `--cache`.
    hash: Option<blake3::Hash>,
}

/// What to do with one part (a set of files linked by relative imports).
enum Fate {
    Analyse,
    Cached(Vec<FileAnalysis>),
    Skipped,
    Unchanged,
}

fn analyse_group(config: &Loaded, inputs: Vec<Input>, scope: &Scope, progress: &Progress) -> Group {
    let prefilter = scope
        .prefilter
        .then(|| flux_analysis::relevance::Prefilter::new(&config.catalog));
    let outcomes: Vec<Result<ReadFile, String>> = inputs
        .par_iter()
        .map(|input| {
            let path = walk::display(&input.path);
            match read_text(&input.path) {
                Ok(text) => Ok(ReadFile {
                    relevant: prefilter.as_ref().is_none_or(|p| p.matches(&text)),
                    hash: scope.cache.as_ref().map(|_| blake3::hash(text.as_bytes())),
                    read: Read { path, text },
                    absolute: walk::absolute(&input.path),
                }),
                Err(e) => Err(format!("{path}: {e}")),
            }
        })
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for o in outcomes {
        match o {
            Ok(f) => files.push(f),
            Err(e) => {
                errors.push(e);
                progress.inc(1);
            }
        }
    }
    let analysis_config = config.config.for_analysis();
    let digest = scope
        .cache
        .as_ref()
        .map(|_| crate::cache::config_digest(&analysis_config, &config.catalog));
    let reads: Vec<&Read> = files.iter().map(|f| &f.read).collect();
    // Files that cannot reach each other through relative imports do not
    // influence each other's analysis, so each such component is analysed
    // on its own, in parallel: a big group uses every core too.
    let components = split::components(&reads);
    let fates: Vec<(Fate, Option<String>)> = components
        .par_iter()
        .map(|component| {
            let fate = |f: Fate| (f, None);
            if let Some(changed) = scope.changed.as_ref().filter(|c| !c.config) {
                let touched = component.iter().any(|&i| {
                    changed.contains(&files[i].absolute)
                        || changed.named_by(&files[i].absolute, &files[i].read.text)
                });
                if !touched {
                    return fate(Fate::Unchanged);
                }
            }
            if !component.iter().any(|&i| files[i].relevant) {
                return fate(Fate::Skipped);
            }
            let (Some(cache), Some(digest)) = (&scope.cache, &digest) else {
                return fate(Fate::Analyse);
            };
            let keyed: Vec<(&str, blake3::Hash)> = component
                .iter()
                .map(|&i| {
                    (
                        files[i].read.path.as_str(),
                        files[i].hash.expect("hashed with --cache"),
                    )
                })
                .collect();
            let key = cache.key(digest, &keyed);
            let paths: Vec<&str> = keyed.iter().map(|(p, _)| *p).collect();
            match cache.get(&key, &paths) {
                Some(analyses) => (Fate::Cached(analyses), None),
                None => (Fate::Analyse, Some(key)),
            }
        })
        .collect();
    let mut counts = Counts::default();
    for (component, (fate, _)) in components.iter().zip(&fates) {
        let n = component.len();
        match fate {
            Fate::Analyse => counts.analysed += n,
            Fate::Cached(_) => counts.cached += n,
            Fate::Skipped => counts.skipped += n,
            Fate::Unchanged => counts.unchanged += n,
        }
    }
    let mut results: Vec<(usize, FileAnalysis)> = components
        .par_iter()
        .zip(fates)
        .flat_map_iter(|(component, (fate, key))| {
            let analyses = match fate {
                Fate::Skipped | Fate::Unchanged => Vec::new(),
                Fate::Cached(analyses) => analyses,
                Fate::Analyse => {
                    let sources: Vec<SourceFile<'_>> = component
                        .iter()
                        .map(|&i| SourceFile {
                            path: &files[i].read.path,
                            text: &files[i].read.text,
                        })
                        .collect();
                    let analyses =
                        flux_analysis::analyze(&sources, &config.catalog, &analysis_config);
                    if let (Some(cache), Some(key)) = (&scope.cache, key) {
                        cache.put(&key, &analyses);
                    }
                    analyses
                }
            };
            progress.inc(component.len());
            component.clone().into_iter().zip(analyses)
        })
        .collect();
    results.sort_by_key(|(i, _)| *i);
    if !config.config.overrides.is_empty() {
        for (i, a) in &mut results {
            let matching = config.overrides_for(&files[*i].absolute);
            a.findings
                .retain_mut(|f| match config.config.severity_with(f.code, &matching) {
                    Some(s) => {
                        f.severity = s;
                        true
                    }
                    None => false,
                });
        }
    }
    // Only the texts of files with results: the renderers read no other.
    let mut files: Vec<Option<ReadFile>> = files.into_iter().map(Some).collect();
    let mut reads = Vec::with_capacity(results.len());
    let mut analyses = Vec::with_capacity(results.len());
    for (i, a) in results {
        if let Some(f) = files[i].take() {
            reads.push(f.read);
        }
        analyses.push(a);
    }
    Group {
        reads,
        analyses,
        errors,
        counts,
    }
}

/// Walks `paths`, loads the configurations and analyses every file. Errors
/// that stop the run (a broken flux.json) are printed; the exit code is returned.
pub fn load(
    paths: &[PathBuf],
    config: Option<&Path>,
    scope: &Scope,
) -> Result<(Report, Vec<String>), i32> {
    let started = Instant::now();
    let mut configs = Configs::new(config);
    let (inputs, mut io_errors) = walk::collect(paths);
    // Resolve every file's config first: a broken flux.json stops the run
    // before anything is reported against the wrong configuration.
    for input in &inputs {
        configs.for_file(&input.path);
    }
    if !configs.errors.is_empty() {
        for e in &configs.errors {
            eprintln!("error: {e}");
        }
        for e in &io_errors {
            eprintln!("error: {e}");
        }
        return Err(EXIT_ERROR);
    }
    let progress = Progress::new(started);
    let (report, read_errors) = analyse(inputs, &mut configs, scope, &progress);
    progress.finish();
    io_errors.extend(read_errors);
    for e in &io_errors {
        eprintln!("error: {e}");
    }
    for a in &report.analyses {
        if let Some(first) = a.syntax_errors.first() {
            let (pos, _) = report.sources.position(&a.path, first);
            eprintln!(
                "note: {}:{}:{}: syntax error; the file was analysed as far as it parses",
                a.path, pos.line, pos.column
            );
        }
    }
    Ok((report, io_errors))
}

pub fn check(paths: &[PathBuf], options: &Options, out: &mut dyn Write) -> i32 {
    let started = Instant::now();
    let (mut report, io_errors) = match load(paths, options.config.as_deref(), &options.scope) {
        Ok(r) => r,
        Err(code) => return code,
    };
    options.policy.apply(&mut report);
    let rendered = match options.format {
        Format::Human => human::render(&report, options.color),
        Format::Json => json::render(&report),
        Format::Sarif => sarif::render(&report, sarif::cwd_uri().as_deref()),
        Format::Github => github::render(&report),
    };
    if let Err(e) = out.write_all(rendered.as_bytes()) {
        eprintln!("error: writing the report: {e}");
        return EXIT_ERROR;
    }
    eprintln!("{}", human::summary(&report, started.elapsed().as_millis()));
    if !io_errors.is_empty() {
        EXIT_ERROR
    } else {
        options.policy.exit_code(&report)
    }
}

/// `flux-lsp fluxions FILE`: the file (with the rest of its folder's group
/// unknown) in the fluxional language.
pub fn fluxions(file: &Path, config: Option<&Path>) -> i32 {
    let mut configs = Configs::new(config);
    let Some(i) = configs.for_file(file) else {
        for e in &configs.errors {
            eprintln!("error: {e}");
        }
        return EXIT_ERROR;
    };
    let path = walk::display(file);
    let text = match read_text(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return EXIT_ERROR;
        }
    };
    let loaded = &configs.loaded[i];
    let analyses = flux_analysis::analyze(
        &[SourceFile {
            path: &path,
            text: &text,
        }],
        &loaded.catalog,
        &loaded.config,
    );
    let form = analyses
        .first()
        .map(|a| flux_analysis::fluxional_form(a, &text))
        .unwrap_or_default();
    print!("{form}");
    if !form.is_empty() && !form.ends_with('\n') {
        println!();
    }
    EXIT_OK
}
