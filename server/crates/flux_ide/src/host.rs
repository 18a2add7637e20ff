//! The owner of the database and its snapshots.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use salsa::{Cancelled, Database, Setter};
use tree_sitter::Tree;

use crate::db::{local_imports, ConfigEntry, Db, Parsed, RootDb, SourceFile};
use crate::imports;

pub type Cancellable<T> = Result<T, Cancelled>;

/// Owns the database; every change goes through `&mut self`. A change waits
/// until every [`Analysis`] snapshot has been dropped (running queries unwind
/// at their next check), so never hold a snapshot where the writer waits.
#[derive(Default)]
pub struct AnalysisHost {
    db: RootDb,
}

impl AnalysisHost {
    pub fn new() -> AnalysisHost {
        AnalysisHost::default()
    }

    /// Sets a file's text, and its tree for an open document (a file read
    /// from disk is parsed when a query needs its tree, which is not kept:
    /// [`crate::db::tree_of`]). Returns the file.
    pub fn set_file(&mut self, path: &str, text: Arc<str>, tree: Option<Tree>) -> SourceFile {
        let parsed = tree.map(|t| Parsed(Arc::new(t)));
        if let Some(file) = self.file(path) {
            file.set_text(&mut self.db).to(text);
            file.set_tree(&mut self.db).to(parsed);
            return file;
        }
        let file = SourceFile::new(&self.db, path.to_string(), text, parsed);
        let files = self.db.files();
        let mut by_path = BTreeMap::clone(files.by_path(&self.db));
        by_path.insert(path.to_string(), file);
        files.set_by_path(&mut self.db).to(Arc::new(by_path));
        file
    }

    /// Adds files read from disk in one change (one revision, one copy of
    /// the path map). Known files keep their text: an open document wins.
    pub fn add_files(&mut self, batch: Vec<(String, Arc<str>)>) {
        let files = self.db.files();
        let mut by_path = BTreeMap::clone(files.by_path(&self.db));
        let before = by_path.len();
        for (path, text) in batch {
            if by_path.contains_key(&path) {
                continue;
            }
            let file = SourceFile::new(&self.db, path.clone(), text, None);
            by_path.insert(path, file);
        }
        if by_path.len() != before {
            files.set_by_path(&mut self.db).to(Arc::new(by_path));
        }
    }

    /// Forgets a file (deleted on disk). Files importing it stop seeing it.
    pub fn remove_file(&mut self, path: &str) {
        let files = self.db.files();
        if !files.by_path(&self.db).contains_key(path) {
            return;
        }
        let mut by_path = BTreeMap::clone(files.by_path(&self.db));
        by_path.remove(path);
        files.set_by_path(&mut self.db).to(Arc::new(by_path));
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.db.files().by_path(&self.db).get(path).copied()
    }

    /// Replaces the configurations in force: `(folder of flux.json, config)`.
    pub fn set_configs(&mut self, configs: Vec<(String, flux_analysis::Config)>) {
        let mut entries: Vec<Arc<ConfigEntry>> = configs
            .into_iter()
            .map(|(dir, config)| Arc::new(ConfigEntry::new(dir, config)))
            .collect();
        entries.sort_by(|a, b| {
            b.dir
                .len()
                .cmp(&a.dir.len())
                .then_with(|| a.dir.cmp(&b.dir))
        });
        let default = self
            .db
            .workspace()
            .configs(&self.db)
            .last()
            .filter(|c| c.dir.is_empty())
            .cloned();
        entries.push(
            default
                .unwrap_or_else(|| Arc::new(ConfigEntry::new(String::new(), Default::default()))),
        );
        let workspace = self.db.workspace();
        workspace
            .set_configs(&mut self.db)
            .with_durability(salsa::Durability::HIGH)
            .to(Arc::new(entries));
    }

    /// For each local specifier of `path` that no known file satisfies, the
    /// paths to try on disk, in order. The caller reads the first that exists
    /// and hands it to [`AnalysisHost::set_file`].
    pub fn missing_imports(&self, path: &str) -> Vec<Vec<String>> {
        let Some(file) = self.file(path) else {
            return Vec::new();
        };
        let db = &self.db;
        let resolved: Vec<&String> = local_imports(db, file).iter().map(|f| f.path(db)).collect();
        crate::db::import_specifiers(db, file)
            .iter()
            .map(|spec| imports::candidates(path, spec))
            .filter(|cands| !cands.iter().any(|c| resolved.contains(&c)))
            .collect()
    }

    /// The paths of the known files `path` imports (resolved, direct).
    pub fn imports_of(&self, path: &str) -> Vec<String> {
        let Some(file) = self.file(path) else {
            return Vec::new();
        };
        local_imports(&self.db, file)
            .iter()
            .map(|f| f.path(&self.db).clone())
            .collect()
    }

    /// A snapshot for queries on another thread.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            db: self.db.clone(),
        }
    }

    /// The queries executed so far, `(query, path)`, oldest first.
    pub fn query_log(&self) -> Vec<(&'static str, String)> {
        self.db
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn clear_query_log(&self) {
        self.db
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// A snapshot of the database. Cheap to clone; must not outlive a change
/// (the writer waits for it), so drop it before any `.await`.
#[derive(Clone)]
pub struct Analysis {
    db: RootDb,
}

impl Analysis {
    /// Cancels whatever this snapshot is computing (used for `$/cancelRequest`).
    pub fn cancellation_token(&self) -> salsa::CancellationToken {
        self.db.cancellation_token()
    }

    /// Runs `f` with the database, in one attach scope so that a cancel
    /// arriving between two queries is not lost. A change or a cancel
    /// unwinds `f` and returns `Err`; other panics propagate.
    pub fn with_db<T>(&self, f: impl FnOnce(&dyn Db) -> T) -> Cancellable<T> {
        Cancelled::catch(AssertUnwindSafe(|| self.db.attach(|db| f(db))))
    }

    /// The file of a path, if the host knows it.
    pub fn file(db: &dyn Db, path: &str) -> Option<SourceFile> {
        db.files().by_path(db).get(path).copied()
    }
}
