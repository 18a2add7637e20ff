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
pub mod config;
pub mod model;
pub mod scope;

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
    // Placeholder until the analysis lands on main: parse only.
    let _ = (catalog, config);
    files
        .iter()
        .map(|f| {
            let tree = flux_syntax::parse(f.text, flux_syntax::Dialect::JavaScript);
            FileAnalysis {
                path: f.path.to_string(),
                syntax_errors: flux_syntax::syntax_errors(&tree),
                ..FileAnalysis::default()
            }
        })
        .collect()
}

/// The file in the paper's fluxional language (figure 1): for each fluxion
/// `flx NAME & TAGS {CONTEXT}`, its streams `>> DEST [MSG]` / `-> DEST [MSG]`,
/// then its code with stream placeholders.
pub fn fluxional_form(analysis: &FileAnalysis, text: &str) -> String {
    let _ = (analysis, text);
    String::new()
}
