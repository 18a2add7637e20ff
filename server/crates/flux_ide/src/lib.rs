//! flux-lsp's incremental layer: a salsa database over [`flux_analysis`], and
//! the editor features computed from its results, in byte offsets.
//!
//! rust-analyzer's shape: [`AnalysisHost`] owns the database and applies
//! changes with `&mut self`; [`Analysis`] is a cheap snapshot (a db clone)
//! that answers queries on another thread. A change cancels running readers:
//! they unwind with [`salsa::Cancelled`], which [`Analysis::with_db`] returns
//! as an `Err`.
//!
//! Architecture invariant: no LSP types here, and no file system access
//! inside queries (the host's caller reads files and hands in their text).

mod db;
pub mod features;
pub mod graph;
mod host;
pub mod imports;
pub mod isolate;

pub use db::{
    config_for, file_analysis, file_facts, findings, fluxional_form, import_graph,
    import_specifiers, importers_graph, local_imports, run_analysis, run_paths, tree_of,
    ConfigEntry, Db, Facts, Files, Parsed, RootDb, Run, SourceFile, Workspace, MAX_RUN,
};
pub use host::{Analysis, AnalysisHost, Cancellable};
pub use salsa::{CancellationToken, Cancelled};

pub use flux_analysis;
