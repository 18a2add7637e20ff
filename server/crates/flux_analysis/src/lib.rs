//! flux-lsp's analysis core.
//!
//! Source text and a catalog in, plain data out: rupture points, fluxions,
//! classified variables and findings ([`FileAnalysis`]). It knows nothing of
//! LSP, terminals or the file system, and it cannot fail: code that does not
//! parse is analysed as far as it parses.
//!
//! The pipeline for one run (see `server/ARCHITECTURE.md`):
//! 1. [`scope`]: bindings and references, per file;
//! 2. `module`: what each file imports and exports;
//! 3. `rupture`: calls resolved through bindings against the [`catalog`];
//! 4. `fluxion`: the program cut at rupture points, with its call graph;
//! 5. `classify`: variables used by several fluxions → scope/stream/share;
//! 6. `rules`: findings, then suppressions.

pub mod catalog;
mod classify;
pub mod config;
mod form;
pub mod model;
mod pipeline;
mod program;
pub mod relevance;
pub mod resolve;
pub mod scope;
mod suppress;

pub use form::fluxional_form;
pub use suppress::Suppression;

pub use catalog::Catalog;
pub use config::{Config, ConfigError};
pub use model::*;

/// One file of a run.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// As the caller names it; relative `require`s are resolved against it.
    pub path: &'a str,
    pub text: &'a str,
}

/// Analyses the files of one run together: a file's `require('./x')` and
/// `import … from './x'` resolve to the other files of the run, so handlers
/// registered in one file and defined in another are followed.
///
/// Returns one [`FileAnalysis`] per input, in input order. Findings carry
/// the severity `config` gives their code; codes it turns off are dropped;
/// `// flux-ignore-…` suppressions are applied.
pub fn analyze(files: &[SourceFile<'_>], catalog: &Catalog, config: &Config) -> Vec<FileAnalysis> {
    let parsed: Vec<(SourceFile<'_>, Option<&flux_syntax::Tree>)> =
        files.iter().map(|f| (*f, None)).collect();
    analyze_parsed(&parsed, catalog, config, &|| {})
}

/// [`analyze`] for callers that keep trees (the language server reparses
/// incrementally): a file given with its tree is not parsed again.
///
/// `checkpoint` is called regularly during the analysis, so that a caller
/// can abandon outdated work by unwinding from it (salsa's cancellation);
/// the analysis holds no lock and no state that an unwind could corrupt.
pub fn analyze_parsed(
    files: &[(SourceFile<'_>, Option<&flux_syntax::Tree>)],
    catalog: &Catalog,
    config: &Config,
    checkpoint: &dyn Fn(),
) -> Vec<FileAnalysis> {
    let owned: Vec<Option<flux_syntax::Tree>> = files
        .iter()
        .map(|(f, tree)| match tree {
            Some(_) => None,
            None => {
                checkpoint();
                let dialect = flux_syntax::Dialect::of_path(f.path);
                Some(flux_syntax::parse(f.text, dialect))
            }
        })
        .collect();
    let trees: Vec<&flux_syntax::Tree> = files
        .iter()
        .zip(&owned)
        .map(|((_, given), own)| given.or(own.as_ref()).expect("a tree was given or parsed"))
        .collect();
    let facts: Vec<program::FileFacts<'_>> = files
        .iter()
        .zip(&trees)
        .map(|((f, _), t)| {
            checkpoint();
            program::FileFacts::collect(f, t, None, checkpoint)
        })
        .collect();
    let facts: Vec<(&program::FileFacts<'_>, &flux_syntax::Tree)> =
        facts.iter().zip(trees.iter().copied()).collect();
    analyze_facts(&facts, catalog, config, checkpoint)
}

/// One file's facts (the scope and facts walks of its tree), owning the
/// text and tree they point into. A caller that keeps them, as the
/// language server does for the files of a run that a keystroke did not
/// change, skips both walks on the next analysis.
pub struct CollectedFile(CollectedCell);

struct Collected {
    path: String,
    text: std::sync::Arc<str>,
    tree: std::sync::Arc<flux_syntax::Tree>,
}

self_cell::self_cell!(
    struct CollectedCell {
        owner: Collected,
        #[covariant]
        dependent: FileFacts,
    }
);

// self_cell names the dependent type by a plain identifier.
type FileFacts<'t> = program::FileFacts<'t>;

impl CollectedFile {
    /// `checkpoint` as in [`analyze_parsed`]: unwinding from it is safe.
    /// `scopes`, kept by the caller from one version of the file to the
    /// next, lets the scope walk skip the functions an edit left alone.
    pub fn collect(
        path: &str,
        text: std::sync::Arc<str>,
        tree: std::sync::Arc<flux_syntax::Tree>,
        scopes: Option<&scope::ScopeCache>,
        checkpoint: &dyn Fn(),
    ) -> CollectedFile {
        let owner = Collected {
            path: path.to_string(),
            text,
            tree,
        };
        CollectedFile(CollectedCell::new(owner, |o| {
            let source = SourceFile {
                path: &o.path,
                text: &o.text,
            };
            program::FileFacts::collect(&source, &o.tree, scopes, checkpoint)
        }))
    }

    pub fn path(&self) -> &str {
        &self.0.borrow_owner().path
    }

    /// The file's scopes, bindings and references.
    pub fn scopes(&self) -> &scope::ScopeTree {
        &self.0.borrow_dependent().scopes
    }
}

/// [`analyze_parsed`] on files whose facts were collected beforehand.
pub fn analyze_collected(
    files: &[&CollectedFile],
    catalog: &Catalog,
    config: &Config,
    checkpoint: &dyn Fn(),
) -> Vec<FileAnalysis> {
    let facts: Vec<(&program::FileFacts<'_>, &flux_syntax::Tree)> = files
        .iter()
        .map(|f| (f.0.borrow_dependent(), &*f.0.borrow_owner().tree))
        .collect();
    analyze_facts(&facts, catalog, config, checkpoint)
}

/// The analysis of a run once each file's facts are collected: evaluation,
/// pipeline, classification, then each file's findings.
fn analyze_facts<'t>(
    files: &[(&'t program::FileFacts<'t>, &'t flux_syntax::Tree)],
    catalog: &'t Catalog,
    config: &Config,
    checkpoint: &'t dyn Fn(),
) -> Vec<FileAnalysis> {
    let program = program::Program {
        files: files.iter().map(|(f, _)| *f).collect(),
        catalog,
        checkpoint,
        by_path: files
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (resolve::normalize(f.path), i))
            .collect(),
        memos: Default::default(),
    };
    let pipeline = pipeline::Pipeline::build(&program);
    let outcome = classify::classify(&program, &pipeline);
    files
        .iter()
        .enumerate()
        .map(|(file, (facts, tree))| {
            let mut analysis = to_model(&program, &pipeline, &outcome, file);
            analysis.syntax_errors = flux_syntax::syntax_errors(tree);
            let suppressions = suppress::Suppressions::parse(facts);
            analysis
                .findings
                .retain_mut(|f| match config.severity_of(f.code) {
                    Some(s) => {
                        f.severity = s;
                        true
                    }
                    None => false,
                });
            analysis.suppressions = suppressions.apply(facts.text, &mut analysis.findings);
            if let Some(severity) = config.severity_of(Code::UnusedSuppression) {
                analysis
                    .findings
                    .extend(suppress::unused(&analysis.suppressions, severity));
                analysis.findings.sort_by(|a, b| {
                    (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
                });
            }
            analysis
        })
        .collect()
}

/// The end of the statement containing `node` inside `func` (or of `node`).
fn statement_end<'t>(
    parents: &program::Parents<'t>,
    node: flux_syntax::Node<'t>,
    func: flux_syntax::Node<'t>,
) -> usize {
    let mut n = node;
    while let Some(p) = parents.of(n) {
        if p.id() == func.id() {
            break;
        }
        if matches!(p.kind(), "statement_block" | "program") {
            return n.end_byte();
        }
        n = p;
    }
    node.end_byte()
}

/// Converts the run-wide pipeline and classification to one file's plain data.
fn to_model(
    program: &program::Program<'_>,
    pipeline: &pipeline::Pipeline,
    outcome: &classify::Outcome,
    file: usize,
) -> FileAnalysis {
    use std::collections::HashMap;
    let facts = &program.files[file];
    // Local fluxion ids, main first, then in source order.
    let mut local: Vec<usize> = (0..pipeline.fluxions.len())
        .filter(|f| pipeline.fluxions[*f].unit.file == file)
        .collect();
    let range_of = |f: usize| -> TextRange {
        let unit = pipeline.fluxions[f].unit;
        match unit.func {
            None => 0..facts.text.len(),
            Some(fx) => {
                let func = &facts.functions[fx];
                match unit.segment {
                    0 => func.node.byte_range(),
                    // from the end of the statement that awaits
                    k => {
                        statement_end(&facts.parents, func.awaits[k - 1], func.node)
                            ..func.node.end_byte()
                    }
                }
            }
        }
    };
    local.sort_by_key(|f| {
        (
            pipeline.fluxions[*f].unit.func.is_some(),
            range_of(*f).start,
            pipeline.fluxions[*f].unit.segment,
        )
    });
    let id_of: HashMap<usize, FluxionId> = local
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, FluxionId(i as u32)))
        .collect();
    // Unique names within the file.
    let mut names: Vec<String> = local
        .iter()
        .map(|f| pipeline.fluxions[*f].name.clone())
        .collect();
    for i in 0..names.len() {
        if names[..i].contains(&names[i]) {
            names[i] = format!("{}@{}", names[i], facts.line(range_of(local[i]).start));
        }
    }
    let name_of = |f: usize| -> String {
        match id_of.get(&f) {
            Some(id) => names[id.0 as usize].clone(),
            None => pipeline.fluxions[f].name.clone(),
        }
    };
    let main = id_of[&pipeline.unit_fluxion[&pipeline::Unit {
        file,
        func: None,
        segment: 0,
    }]];
    let local_or_main = |f: usize| id_of.get(&f).copied().unwrap_or(main);

    let mut rupture_points = Vec::new();
    let mut rupture_index: HashMap<usize, usize> = HashMap::new();
    for (ri, r) in pipeline
        .ruptures
        .iter()
        .enumerate()
        .filter(|(_, r)| r.file == file)
    {
        let upstream = pipeline
            .owners
            .get(&r.unit)
            .and_then(|o| o.iter().find(|(f, _)| id_of.contains_key(f)))
            .map_or(main, |(f, _)| id_of[f]);
        let callbacks = r
            .callbacks
            .iter()
            .map(|(t, _)| match t {
                pipeline::CallbackTarget::Unit(u) => {
                    let f = pipeline.unit_fluxion[u];
                    match id_of.get(&f) {
                        Some(id) => Callback::Fluxion(*id),
                        None => {
                            let other = &program.files[u.file];
                            let node = other.functions[u.func.unwrap()].node;
                            Callback::External {
                                path: other.path.to_string(),
                                name: name_of(f),
                                range: node.byte_range(),
                            }
                        }
                    }
                }
                pipeline::CallbackTarget::Unresolved { range, text } => Callback::Unresolved {
                    range: range.clone(),
                    text: text.clone(),
                },
            })
            .collect();
        rupture_index.insert(ri, rupture_points.len());
        rupture_points.push(RupturePoint {
            kind: r.kind,
            range: r.range.clone(),
            callee_range: r.callee_range.clone(),
            callee: r.callee.clone(),
            upstream,
            callbacks,
            origin: r.origin.clone(),
            event: r.event.clone(),
            label: r.label.clone(),
            one_shot: r.one_shot,
            local: r.local,
        });
    }

    let mut fluxions: Vec<Fluxion> = local
        .iter()
        .enumerate()
        .map(|(i, f)| Fluxion {
            id: FluxionId(i as u32),
            name: names[i].clone(),
            kind: pipeline.fluxions[*f].kind,
            range: range_of(*f),
            upstream: None,
            streams: Vec::new(),
            context: Vec::new(),
            groups: Vec::new(),
        })
        .collect();
    for e in &pipeline.edges {
        let (Some(from), Some(to), Some(&rp)) = (
            id_of.get(&e.from),
            id_of.get(&e.to),
            rupture_index.get(&e.rupture),
        ) else {
            continue;
        };
        fluxions[from.0 as usize].streams.push(Stream {
            kind: e.kind,
            to: *to,
            message: Vec::new(),
            rupture_point: rp,
        });
        let up = &mut fluxions[to.0 as usize].upstream;
        if up.is_none() {
            *up = Some((*from, e.kind, rp));
        }
    }

    let mut variables = Vec::new();
    for v in outcome.variables.iter().filter(|v| v.file == file) {
        for f in &v.context_of {
            if let Some(id) = id_of.get(f) {
                let ctx = &mut fluxions[id.0 as usize].context;
                if !ctx.contains(&v.name) {
                    ctx.push(v.name.clone());
                }
                if let Some(g) = &v.group {
                    let groups = &mut fluxions[id.0 as usize].groups;
                    if !groups.contains(g) {
                        groups.push(g.clone());
                    }
                }
            }
        }
        // A stream carries the variable on every edge from its owner down to each user.
        if let Some(owner) = id_of.get(&v.owner) {
            for target in &v.streamed_to {
                let Some(mut cur) = id_of.get(target).copied() else {
                    continue;
                };
                let mut hops = 0;
                while cur != *owner && hops < 64 {
                    let Some((up, _, rp)) = fluxions[cur.0 as usize].upstream else {
                        break;
                    };
                    if let Some(s) = fluxions[up.0 as usize]
                        .streams
                        .iter_mut()
                        .find(|s| s.to == cur && s.rupture_point == rp)
                    {
                        if !s.message.contains(&v.name) {
                            s.message.push(v.name.clone());
                        }
                    }
                    cur = up;
                    hops += 1;
                }
            }
        }
        variables.push(Variable {
            name: v.name.clone(),
            decl: v.decl.clone(),
            class: v.class,
            persistent: v.persistent,
            owner: local_or_main(v.owner),
            accesses: v
                .uses
                .iter()
                .map(|u| Access {
                    range: u.range.clone(),
                    fluxion: local_or_main(u.fluxion),
                    write: u.write,
                    mutation: u.mutation,
                    via: u
                        .via
                        .iter()
                        .filter(|(f, _)| *f == file)
                        .map(|(_, r)| r.clone())
                        .collect(),
                })
                .collect(),
            group: v.group.clone(),
        });
    }

    let mut findings: Vec<Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.file == file)
        .map(|f| Finding {
            code: f.code,
            severity: f.code.default_severity(),
            message: f.message.clone(),
            range: f.range.clone(),
            binding: f.binding.as_ref().map(|(name, range)| BindingRef {
                name: name.clone(),
                range: range.clone(),
            }),
            fluxion: name_of(f.fluxion),
            related: f
                .related
                .iter()
                .map(|(rf, range, message)| Related {
                    path: (*rf != file).then(|| program.files[*rf].path.to_string()),
                    range: range.clone(),
                    message: message.clone(),
                })
                .collect(),
        })
        .collect();
    // the same location can be reached by two alias paths: say it once
    for f in &mut findings {
        let mut seen = std::collections::HashSet::new();
        f.related
            .retain(|r| seen.insert((r.path.clone(), r.range.clone(), r.message.clone())));
    }
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    findings.dedup_by(|a, b| a.range == b.range && a.code == b.code && a.binding == b.binding);

    FileAnalysis {
        path: facts.path.to_string(),
        fluxions,
        rupture_points,
        variables,
        findings,
        syntax_errors: Vec::new(),
        suppressions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING1: &str = "var app = require('express')(), fs = require('fs'), count = 0;\n\
        app.get('/', function handler(req, res) {\n\
          fs.readFile(__filename, function reply(err, data) { count += 1; res.send(String(count)); });\n\
        });\n";

    #[test]
    fn given_trees_give_the_same_analysis() {
        let config = Config::default();
        let catalog = config.catalog();
        let file = SourceFile {
            path: "a.js",
            text: LISTING1,
        };
        let tree = flux_syntax::parse(LISTING1, flux_syntax::Dialect::JavaScript);
        let parsed = analyze_parsed(&[(file, Some(&tree))], &catalog, &config, &|| {});
        let fresh = analyze(&[file], &catalog, &config);
        assert_eq!(parsed, fresh);
        assert_eq!(fresh[0].findings.len(), 1);
    }

    #[test]
    fn a_checkpoint_can_abandon_the_analysis() {
        struct Abandoned;
        let config = Config::default();
        let catalog = config.catalog();
        let file = SourceFile {
            path: "a.js",
            text: LISTING1,
        };
        let calls = std::cell::Cell::new(0);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analyze_parsed(&[(file, None)], &catalog, &config, &|| {
                calls.set(calls.get() + 1);
                if calls.get() == 3 {
                    std::panic::resume_unwind(Box::new(Abandoned));
                }
            })
        }));
        let payload = result.expect_err("the third checkpoint unwinds");
        assert!(payload.is::<Abandoned>());
        // and the same inputs still analyse afterwards
        assert_eq!(analyze(&[file], &catalog, &config)[0].findings.len(), 1);
    }
}
