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
