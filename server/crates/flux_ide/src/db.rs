//! Inputs and tracked queries.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use flux_analysis::scope::ScopeCache;
use flux_analysis::{Catalog, Config, FileAnalysis, Finding};
use tree_sitter::Tree;

use crate::imports;

/// A parsed tree. Kept as an input field (stack.md option B) so that the
/// server can reparse incrementally from the previous tree outside salsa;
/// every `set` counts as a change, so no `Eq` is needed. Only open documents
/// keep one (see [`tree_of`]).
#[derive(Clone)]
pub struct Parsed(pub Arc<Tree>);

impl fmt::Debug for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Parsed({})", self.0.root_node().kind())
    }
}

/// One JavaScript file: open in the editor, or read from disk by the host.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: Arc<str>,
    /// The editor's tree of an open document; `None` for a file read from
    /// disk.
    #[returns(ref)]
    pub tree: Option<Parsed>,
}

/// The file's tree: an open document's, or parsed afresh. A file read from
/// disk keeps no tree: a tree takes 10 to 40 times its text, and most files
/// of a workspace are asked only for their imports (the jQuery folder's
/// seven other builds held 23 MB of trees beside the 11 MB of the one open).
/// The price: a disk file in a run is parsed twice per change of it (for
/// its imports, then for its facts), and again if its facts are evicted.
pub fn tree_of(db: &dyn Db, file: SourceFile) -> Arc<Tree> {
    match file.tree(db) {
        Some(parsed) => parsed.0.clone(),
        None => {
            let dialect = flux_syntax::Dialect::of_path(file.path(db));
            Arc::new(flux_syntax::parse(file.text(db), dialect))
        }
    }
}

/// Every known file by path. Changes only when a file appears or goes away,
/// so that import resolution is tracked (a file created later is found).
#[salsa::input(debug)]
pub struct Files {
    #[returns(ref)]
    pub by_path: Arc<BTreeMap<String, SourceFile>>,
}

/// The `flux.json` files in force, with their merged catalogs.
#[salsa::input(debug)]
pub struct Workspace {
    /// Sorted by directory length, longest first; the last entry is the
    /// default (empty `dir`, built-in catalog) and matches every file.
    #[returns(ref)]
    pub configs: Arc<Vec<Arc<ConfigEntry>>>,
}

/// The configuration of the files under `dir`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigEntry {
    /// The folder holding `flux.json`; empty for the default entry.
    pub dir: String,
    pub config: Config,
    pub catalog: Catalog,
}

impl ConfigEntry {
    pub fn new(dir: String, config: Config) -> ConfigEntry {
        let catalog = config.catalog();
        ConfigEntry {
            dir,
            config,
            catalog,
        }
    }

    fn covers(&self, path: &str) -> bool {
        self.dir.is_empty()
            || path.strip_prefix(self.dir.as_str()).is_some_and(|rest| {
                rest.starts_with(['/', '\\']) || self.dir.ends_with(['/', '\\'])
            })
    }
}

#[salsa::db]
pub trait Db: salsa::Database {
    fn files(&self) -> Files;
    fn workspace(&self) -> Workspace;
    /// Notes one execution of a query, for tests and tracing.
    fn record(&self, query: &'static str, path: &str);
    /// The scope fragments of the functions of the file at `path`, kept
    /// from its last analysis (outside salsa: a cache keyed by content, so
    /// what it answers never depends on when it was filled).
    fn scope_cache(&self, path: &str) -> Arc<ScopeCache>;
}

/// The scope caches of the files analysed last, most recent first.
#[derive(Default)]
pub struct ScopeCaches(Vec<(String, Arc<ScopeCache>)>);

impl ScopeCaches {
    /// As many as `file_facts` memoises.
    const KEPT: usize = 128;

    fn get(&mut self, path: &str) -> Arc<ScopeCache> {
        let cache = match self.0.iter().position(|(p, _)| p == path) {
            Some(i) => self.0.remove(i).1,
            None => Arc::default(),
        };
        self.0.insert(0, (path.to_string(), cache.clone()));
        self.0.truncate(Self::KEPT);
        cache
    }
}

/// The database. Clones share storage and the execution log.
#[salsa::db]
#[derive(Clone)]
pub struct RootDb {
    storage: salsa::Storage<Self>,
    files: Option<Files>,
    workspace: Option<Workspace>,
    pub(crate) log: Arc<Mutex<Vec<(&'static str, String)>>>,
    scope_caches: Arc<Mutex<ScopeCaches>>,
}

impl Default for RootDb {
    fn default() -> RootDb {
        let mut db = RootDb {
            storage: salsa::Storage::default(),
            files: None,
            workspace: None,
            log: Arc::default(),
            scope_caches: Arc::default(),
        };
        let files = Files::builder(Arc::default())
            .durability(salsa::Durability::MEDIUM)
            .new(&db);
        let default = Arc::new(ConfigEntry::new(String::new(), Config::default()));
        let workspace = Workspace::builder(Arc::new(vec![default]))
            .durability(salsa::Durability::HIGH)
            .new(&db);
        db.files = Some(files);
        db.workspace = Some(workspace);
        db
    }
}

#[salsa::db]
impl salsa::Database for RootDb {}

#[salsa::db]
impl Db for RootDb {
    fn files(&self) -> Files {
        self.files.expect("set in RootDb::default")
    }

    fn workspace(&self) -> Workspace {
        self.workspace.expect("set in RootDb::default")
    }

    fn record(&self, query: &'static str, path: &str) {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((query, path.to_string()));
    }

    fn scope_cache(&self, path: &str) -> Arc<ScopeCache> {
        self.scope_caches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
    }
}

/// The local specifiers (`./x`, `../y`) the file requires or imports.
#[salsa::tracked(returns(ref))]
pub fn import_specifiers(db: &dyn Db, file: SourceFile) -> Vec<String> {
    db.record("import_specifiers", file.path(db));
    imports::local_specifiers(&tree_of(db, file), file.text(db))
}

/// The known files the file's local specifiers resolve to.
#[salsa::tracked(returns(ref))]
pub fn local_imports(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    let by_path = db.files().by_path(db);
    let mut out = Vec::new();
    for spec in import_specifiers(db, file) {
        let found = imports::candidates(file.path(db), spec)
            .into_iter()
            .find_map(|c| by_path.get(&c).copied());
        if let Some(dep) = found.filter(|d| *d != file && !out.contains(d)) {
            out.push(dep);
        }
    }
    out
}

/// The configuration nearest upward from the file.
#[salsa::tracked(returns(ref))]
pub fn config_for(db: &dyn Db, file: SourceFile) -> Arc<ConfigEntry> {
    let path = file.path(db);
    let configs = db.workspace().configs(db);
    configs
        .iter()
        .find(|c| c.covers(path))
        .or(configs.last())
        .cloned()
        .expect("the default entry is always there")
}

/// Files analysed together: a handler defined in one file and registered
/// in another is a listener only when both are in the run.
#[salsa::interned(debug)]
pub struct Run<'db> {
    /// Sorted, so that every member of a component interns the same run.
    #[returns(ref)]
    pub paths: Vec<String>,
    /// The folder of the configuration the run uses.
    #[returns(ref)]
    pub config_dir: String,
}

/// The most files in one run.
pub const MAX_RUN: usize = 400;

/// The import graph of the known files: path → paths it imports.
#[salsa::tracked(returns(ref))]
pub fn import_graph(db: &dyn Db, files: Files) -> BTreeMap<String, Vec<String>> {
    files
        .by_path(db)
        .iter()
        .map(|(path, file)| {
            let deps = local_imports(db, *file)
                .iter()
                .map(|d| d.path(db).clone())
                .collect();
            (path.clone(), deps)
        })
        .collect()
}

/// The paths analysed with `file`: the file, the files it imports, and the
/// files importing it, transitively upward (they create the app and register
/// the handlers the file defines). Not the importers' other imports: an
/// entry point requiring 200 routes would otherwise put all of them in the
/// run of each route. At most [`MAX_RUN`] files, nearest importers first.
#[salsa::tracked(returns(ref))]
pub fn run_paths(db: &dyn Db, file: SourceFile) -> Vec<String> {
    let importers = importers_graph(db, db.files());
    let start = file.path(db).clone();
    let mut run: std::collections::BTreeSet<String> = import_graph(db, db.files())
        .get(&start)
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    run.insert(start.clone());
    let mut seen = std::collections::BTreeSet::from([start.clone()]);
    let mut todo = std::collections::VecDeque::from([start]);
    while let Some(path) = todo.pop_front() {
        for importer in importers.get(&path).into_iter().flatten() {
            if run.len() >= MAX_RUN {
                return run.into_iter().collect();
            }
            if seen.insert(importer.clone()) {
                run.insert(importer.clone());
                todo.push_back(importer.clone());
            }
        }
    }
    run.into_iter().collect()
}

/// The import graph reversed: path → paths importing it.
#[salsa::tracked(returns(ref))]
pub fn importers_graph(db: &dyn Db, files: Files) -> BTreeMap<String, Vec<String>> {
    let mut reversed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, deps) in import_graph(db, files) {
        for dep in deps {
            reversed.entry(dep.clone()).or_default().push(path.clone());
        }
    }
    reversed
}

/// One file's facts: the scope and facts walks of its tree, the part of
/// the analysis that depends on the file alone. A keystroke re-walks the
/// edited file; the other files of its runs keep theirs.
#[derive(Clone)]
pub struct Facts(pub Arc<flux_analysis::CollectedFile>);

impl PartialEq for Facts {
    /// Each execution collects afresh, from a changed text or tree.
    fn eq(&self, other: &Facts) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Facts {}

impl fmt::Debug for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Facts({})", self.0.path())
    }
}

/// Bounded: facts take several times their file's size, and a run holds up
/// to [`MAX_RUN`] files; an evicted file is walked again when needed.
#[salsa::tracked(returns(ref), lru = 128)]
pub fn file_facts(db: &dyn Db, file: SourceFile) -> Facts {
    let path = file.path(db);
    db.record("file_facts", path);
    // A newer change unwinds the walks at their next checkpoint.
    let checkpoint = || db.unwind_if_revision_cancelled();
    let scopes = db.scope_cache(path);
    let facts = flux_analysis::CollectedFile::collect(
        path,
        file.text(db).clone(),
        tree_of(db, file),
        Some(&scopes),
        &checkpoint,
    );
    for walked in scopes.walked() {
        db.record(
            "function_scope",
            &format!("{path}:{}-{}", walked.start, walked.end),
        );
    }
    Facts(Arc::new(facts))
}

/// The analysis of every file of a run.
#[salsa::tracked(returns(ref))]
pub fn run_analysis<'db>(db: &'db dyn Db, run: Run<'db>) -> Vec<FileAnalysis> {
    let paths = run.paths(db);
    db.record("run_analysis", &paths.join(","));
    let by_path = db.files().by_path(db);
    let facts: Vec<Arc<flux_analysis::CollectedFile>> = paths
        .iter()
        .filter_map(|p| by_path.get(p).copied())
        .map(|f| file_facts(db, f).0.clone())
        .collect();
    let facts: Vec<&flux_analysis::CollectedFile> = facts.iter().map(|f| &**f).collect();
    let configs = db.workspace().configs(db);
    let entry = configs
        .iter()
        .find(|c| c.dir == *run.config_dir(db))
        .or(configs.last())
        .expect("the default entry is always there");
    // A newer change unwinds this run at the core's next checkpoint
    // (salsa::Cancelled), instead of making the writer wait for its end.
    let checkpoint = || db.unwind_if_revision_cancelled();
    flux_analysis::analyze_collected(&facts, &entry.catalog, &entry.config, &checkpoint)
}

/// The analysis of one file, from its run ([`run_paths`]).
#[salsa::tracked(returns(ref), lru = 256)]
pub fn file_analysis(db: &dyn Db, file: SourceFile) -> FileAnalysis {
    db.record("file_analysis", file.path(db));
    let run = Run::new(
        db,
        run_paths(db, file).clone(),
        config_for(db, file).dir.clone(),
    );
    let path = file.path(db);
    run_analysis(db, run)
        .iter()
        .find(|a| a.path == *path)
        .cloned()
        .unwrap_or_else(|| FileAnalysis {
            path: path.clone(),
            ..FileAnalysis::default()
        })
}

/// The file's findings with the configured severities; codes turned off are gone.
#[salsa::tracked(returns(ref))]
pub fn findings(db: &dyn Db, file: SourceFile) -> Vec<Finding> {
    db.record("findings", file.path(db));
    let config = &config_for(db, file).config;
    file_analysis(db, file)
        .findings
        .iter()
        .filter_map(|f| {
            config.severity_of(f.code).map(|severity| Finding {
                severity,
                ..f.clone()
            })
        })
        .collect()
}

/// The file in the paper's fluxional language.
#[salsa::tracked(returns(ref))]
pub fn fluxional_form(db: &dyn Db, file: SourceFile) -> String {
    flux_analysis::fluxional_form(file_analysis(db, file), file.text(db))
}
