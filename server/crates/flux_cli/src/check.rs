//! `--check` and `fluxions`: files → groups by config → one `analyze` call
//! per group → a report in the chosen format.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use flux_analysis::{FileAnalysis, SourceFile};
use rayon::prelude::*;

use crate::configs::{Configs, Loaded};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::report::{Report, Sources};
use crate::walk::{self, Input};
use crate::{github, human, json, sarif, split, Format, EXIT_ERROR, EXIT_OK};

pub struct Options {
    pub format: Format,
    pub config: Option<PathBuf>,
    pub color: bool,
    pub policy: Policy,
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

/// Runs the analysis of every group; returns the report and I/O errors.
fn analyse(
    inputs: Vec<Input>,
    configs: &mut Configs,
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
    let results: Vec<(Vec<Read>, Vec<FileAnalysis>, Vec<String>)> = groups
        .into_par_iter()
        .map(|(i, inputs)| analyse_group(&loaded[i], inputs, progress))
        .collect();
    let mut sources = Sources::default();
    let mut analyses = Vec::new();
    let mut errors = Vec::new();
    for (reads, group, errs) in results {
        for read in reads {
            sources.insert(read.path, read.text);
        }
        analyses.extend(group);
        errors.extend(errs);
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
            files: analyses.len(),
            sources,
            analyses,
        },
        errors,
    )
}

fn analyse_group(
    config: &Loaded,
    inputs: Vec<Input>,
    progress: &Progress,
) -> (Vec<Read>, Vec<FileAnalysis>, Vec<String>) {
    let outcomes: Vec<(Result<Read, String>, PathBuf)> = inputs
        .par_iter()
        .map(|input| {
            let path = walk::display(&input.path);
            let read = match read_text(&input.path) {
                Ok(text) => Ok(Read { path, text }),
                Err(e) => Err(format!("{path}: {e}")),
            };
            (read, walk::absolute(&input.path))
        })
        .collect();
    let mut reads = Vec::new();
    let mut absolute = Vec::new();
    let mut errors = Vec::new();
    for (o, abs) in outcomes {
        match o {
            Ok(r) => {
                reads.push(r);
                absolute.push(abs);
            }
            Err(e) => {
                errors.push(e);
                progress.inc(1);
            }
        }
    }
    let analysis_config = config.config.for_analysis();
    // Files that cannot reach each other through relative imports do not
    // influence each other's analysis, so each such component is analysed
    // on its own, in parallel: a big group uses every core too.
    let components = split::components(&reads);
    let mut results: Vec<(usize, FileAnalysis)> = components
        .par_iter()
        .flat_map_iter(|component| {
            let files: Vec<SourceFile<'_>> = component
                .iter()
                .map(|&i| SourceFile {
                    path: &reads[i].path,
                    text: &reads[i].text,
                })
                .collect();
            let analyses = flux_analysis::analyze(&files, &config.catalog, &analysis_config);
            progress.inc(component.len());
            component.clone().into_iter().zip(analyses)
        })
        .collect();
    results.sort_by_key(|(i, _)| *i);
    let mut analyses: Vec<FileAnalysis> = results.into_iter().map(|(_, a)| a).collect();
    if !config.config.overrides.is_empty() {
        for (a, abs) in analyses.iter_mut().zip(&absolute) {
            let matching = config.overrides_for(abs);
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
    (reads, analyses, errors)
}

/// Walks `paths`, loads the configurations and analyses every file. Errors
/// that stop the run (a broken flux.json) are printed; the exit code is returned.
pub fn load(paths: &[PathBuf], config: Option<&Path>) -> Result<(Report, Vec<String>), i32> {
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
    let (report, read_errors) = analyse(inputs, &mut configs, &progress);
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
    let (mut report, io_errors) = match load(paths, options.config.as_deref()) {
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
