//! The tower-lsp-server backend.
//!
//! Invariants (stack.md R1–R6):
//! * state-changing handlers mutate under the `std::sync::Mutex`, before
//!   their first `.await`, so edits apply in arrival order;
//! * a snapshot ([`Analysis`]) is taken under the lock and moved into
//!   `spawn_blocking` in the same synchronous step: never held across
//!   `.await`, since a write waits until every snapshot is dropped;
//! * client requests (`register`, `configuration`, `*/refresh`) are spawned,
//!   never awaited inside a notification handler;
//! * published diagnostics carry the version they were computed from and
//!   are dropped once the document moved on.

use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use flux_analysis::{Code, Config};
use flux_ide::{
    features, file_analysis, findings, graph, isolate, Analysis, AnalysisHost, Db, SourceFile,
};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ropey::Rope;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::edit::{Document, PositionEncoding};
use crate::settings::{nearest_config_dir, Settings};
use crate::{from_lsp, to_lsp};

/// The commands a client may run.
pub const COMMANDS: [&str; 2] = ["flux.fluxionalForm", "flux.pipelineGraph"];

/// The code action kind of "isolate every variable that can be, safely".
pub const FIX_ALL: &str = "source.fixAll.flux";

#[derive(Clone, Copy, Debug, Default)]
struct ClientFlags {
    pull_diagnostics: bool,
    watch_dynamic: bool,
    configuration: bool,
    inlay_hint_refresh: bool,
    code_lens_refresh: bool,
    diagnostic_refresh: bool,
}

struct State {
    host: AnalysisHost,
    docs: HashMap<Uri, Document>,
    encoding: PositionEncoding,
    settings: Settings,
    roots: Vec<PathBuf>,
    /// Loaded `flux.json` files by folder.
    configs: BTreeMap<PathBuf, Config>,
    /// Their `ignore` globs (gitignore semantics, rooted at the folder).
    ignores: BTreeMap<PathBuf, Gitignore>,
    client: ClientFlags,
    /// `flux.json` diagnostics found before `initialized`.
    pending: Vec<(Uri, Vec<Diagnostic>)>,
    /// What was last pushed per open document: an unchanged document is not
    /// pushed again when another one is edited.
    published: HashMap<Uri, (i32, Vec<Diagnostic>)>,
    diagnostics: DiagnosticsQueue,
    /// The snapshots in flight (requests, diagnostics), by serial: a change
    /// cancels them at once (ContentModified), before its database write.
    in_flight: HashMap<u64, flux_ide::CancellationToken>,
    serial: u64,
}

/// The documents whose diagnostics are due (push clients).
#[derive(Default)]
struct DiagnosticsQueue {
    uris: Vec<Uri>,
    /// Bumped by every request for diagnostics: the worker waits until it
    /// stays put for [`QUIET`].
    generation: u64,
    /// A worker task is running.
    worker: bool,
}

/// How long changes must pause before a queued analysis starts.
const QUIET: std::time::Duration = std::time::Duration::from_millis(15);

/// What a request runs with: the document as of the snapshot.
struct DocCtx {
    uri: Uri,
    path: String,
    rope: Rope,
    enc: PositionEncoding,
    version: i32,
    settings: Settings,
    /// Excluded by the `ignore` globs of its `flux.json`: no diagnostics.
    ignored: bool,
}

#[derive(Clone)]
pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    /// Serialises publishing so that the version check and the send are one step.
    publish: Arc<tokio::sync::Mutex<()>>,
    shutdown: Arc<AtomicBool>,
    /// Notified when the editor process (`processId`) is gone: `serve` returns.
    parent_gone: Arc<tokio::sync::Notify>,
}

/// Cancels the snapshot's work when the handler future is dropped by `$/cancelRequest`.
struct CancelOnDrop(Option<flux_ide::CancellationToken>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(token) = self.0.take() {
            token.cancel();
        }
    }
}

/// Unregisters a snapshot from [`State::in_flight`], also when the handler
/// future is dropped (`$/cancelRequest`).
struct Landing(Arc<Mutex<State>>, u64);

impl Drop for Landing {
    fn drop(&mut self) {
        lock(&self.0).landed(self.1);
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic elsewhere must not take the server down with a poisoned lock.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn uri_of(path: &str) -> Option<Uri> {
    Uri::from_file_path(path)
}

impl State {
    fn ctx(&self, uri: &Uri) -> Option<DocCtx> {
        let doc = self.docs.get(uri)?;
        Some(DocCtx {
            uri: uri.clone(),
            path: from_lsp::path(uri),
            rope: doc.rope.clone(),
            enc: self.encoding,
            version: doc.version,
            settings: self.settings,
            ignored: self.ignored(&from_lsp::path(uri)),
        })
    }

    /// Whether the nearest loaded `flux.json` ignores `path`.
    fn ignored(&self, path: &str) -> bool {
        let path = Path::new(path);
        let nearest = self
            .ignores
            .iter()
            .filter(|(dir, _)| path.starts_with(dir))
            .max_by_key(|(dir, _)| dir.as_os_str().len());
        nearest.is_some_and(|(_, globs)| globs.matched_path_or_any_parents(path, false).is_ignore())
    }

    /// Open documents, `first` (if open) leading.
    fn open_uris(&self, first: Option<&Uri>) -> Vec<Uri> {
        let mut uris: Vec<Uri> = self
            .docs
            .keys()
            .filter(|u| Some(*u) != first)
            .cloned()
            .collect();
        uris.sort();
        if let Some(first) = first.filter(|u| self.docs.contains_key(*u)) {
            uris.insert(0, first.clone());
        }
        uris
    }

    /// By path: the client's URI spelling may differ from ours (`c%3A`).
    fn is_open(&self, path: &str) -> bool {
        self.docs.keys().any(|u| from_lsp::path(u) == path)
    }

    /// Reads from disk the local files `path` imports that the host lacks.
    /// Writes the documents edited since the last reader into the database:
    /// `did_change` only edits the rope, the reparse and the write wait for
    /// a reader, so a burst of edits costs one parse and one write (each
    /// write also waits for the snapshots in flight).
    /// Registers a snapshot's token until [`State::landed`].
    fn take_off(&mut self, analysis: &flux_ide::Analysis) -> u64 {
        self.serial += 1;
        self.in_flight
            .insert(self.serial, analysis.cancellation_token());
        self.serial
    }

    fn landed(&mut self, serial: u64) {
        self.in_flight.remove(&serial);
    }

    fn sync(&mut self) {
        let stale: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, d)| d.is_stale())
            .map(|(u, _)| u.clone())
            .collect();
        for uri in stale {
            let Some(doc) = self.docs.get_mut(&uri) else {
                continue;
            };
            doc.reparse();
            let (text, tree) = (doc.text().clone(), doc.tree.clone());
            let path = from_lsp::path(&uri);
            self.host.set_file(&path, text, Some(tree));
            self.load_missing_imports(&path);
        }
    }

    fn load_missing_imports(&mut self, path: &str) {
        for candidates in self.host.missing_imports(path) {
            for candidate in candidates {
                if self.is_open(&candidate) {
                    continue;
                }
                if let Ok(text) = crate::scan::read_source(&candidate) {
                    self.host.set_file(&candidate, Arc::from(text), None);
                    break;
                }
            }
        }
    }

    /// Loads the `flux.json` nearest to `path` if it is new; returns the
    /// diagnostics to publish for it.
    fn discover_config(&mut self, path: &str) -> Option<(Uri, Vec<Diagnostic>)> {
        let dir = nearest_config_dir(Path::new(path), &self.roots)?;
        if self.configs.contains_key(&dir) {
            return None;
        }
        self.load_config(&dir)
    }

    /// (Re)reads `dir/flux.json`: a missing or invalid file falls back to
    /// the configuration above it. Returns the file's diagnostics.
    fn load_config(&mut self, dir: &Path) -> Option<(Uri, Vec<Diagnostic>)> {
        let file = dir.join(flux_analysis::config::FILE_NAME);
        let uri = Uri::from_file_path(&file)?;
        let mut diagnostics = Vec::new();
        match std::fs::read_to_string(&file) {
            Err(_) => {
                self.configs.remove(dir);
                self.ignores.remove(dir);
            }
            Ok(text) => match Config::parse(&text) {
                Ok(config) => {
                    let mut globs = GitignoreBuilder::new(dir);
                    for glob in &config.ignore {
                        if let Err(e) = globs.add_line(None, glob) {
                            eprintln!("flux-lsp: {}: invalid ignore glob: {e}", file.display());
                        }
                    }
                    self.ignores.insert(
                        dir.to_path_buf(),
                        globs.build().unwrap_or_else(|_| Gitignore::empty()),
                    );
                    self.configs.insert(dir.to_path_buf(), config);
                }
                Err(e) => {
                    self.configs.remove(dir);
                    self.ignores.remove(dir);
                    let rope = Rope::from_str(&text);
                    // ConfigError is 1-based line/column in characters; close enough in UTF-16 for JSON.
                    let line = e.line.saturating_sub(1);
                    let start =
                        rope.try_line_to_char(line).unwrap_or(0) + e.column.saturating_sub(1);
                    let at = rope.try_char_to_byte(start).unwrap_or(rope.len_bytes());
                    let range = to_lsp::range(&rope, &(at..at), self.encoding);
                    diagnostics.push(Diagnostic {
                        range,
                        severity: Some(DiagnosticSeverity::ERROR),
                        source: Some("flux".into()),
                        message: format!("invalid flux.json: {}", e.message),
                        ..Diagnostic::default()
                    });
                }
            },
        }
        let configs = self
            .configs
            .iter()
            .map(|(d, c)| (d.to_string_lossy().into_owned(), c.clone()))
            .collect();
        self.host.set_configs(configs);
        Some((uri, diagnostics))
    }
}

impl Backend {
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Backend {
        let state = State {
            host: AnalysisHost::new(),
            docs: HashMap::new(),
            encoding: PositionEncoding::Utf16,
            settings: Settings::default(),
            roots: Vec::new(),
            configs: BTreeMap::new(),
            ignores: BTreeMap::new(),
            client: ClientFlags::default(),
            pending: Vec::new(),
            published: HashMap::new(),
            diagnostics: DiagnosticsQueue::default(),
            in_flight: HashMap::new(),
            serial: 0,
        };
        Backend {
            client,
            state: Arc::new(Mutex::new(state)),
            publish: Arc::default(),
            shutdown,
            parent_gone: Arc::default(),
        }
    }

    /// Shares `gone` with the caller, notified when the editor process dies.
    pub fn watching_parent(mut self, gone: Arc<tokio::sync::Notify>) -> Backend {
        self.parent_gone = gone;
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn log(&self, typ: MessageType, message: String) {
        eprintln!("flux-lsp: {message}");
        let client = self.client.clone();
        tokio::spawn(async move { client.log_message(typ, message).await });
    }

    /// Spawns a server→client request; never awaited by the caller (D4).
    fn spawn_refresh(&self, flags: ClientFlags, inlay_and_lens: bool, diagnostics: bool) {
        let client = self.client.clone();
        tokio::spawn(async move {
            if inlay_and_lens && flags.inlay_hint_refresh {
                let _ = client.inlay_hint_refresh().await;
            }
            if inlay_and_lens && flags.code_lens_refresh {
                let _ = client.code_lens_refresh().await;
            }
            if diagnostics && flags.diagnostic_refresh && flags.pull_diagnostics {
                let _ = client.workspace_diagnostic_refresh().await;
            }
        });
    }

    async fn publish_now(&self, items: Vec<(Uri, Vec<Diagnostic>)>) {
        for (uri, diagnostics) in items {
            self.client
                .publish_diagnostics(uri, diagnostics, None)
                .await;
        }
    }

    /// Recomputes and pushes the diagnostics of `uris` (push clients only),
    /// coalesced: one worker analyses what is queued, one document per
    /// snapshot, publishing each as soon as it is computed. The documents
    /// changed last go first: a small file edited while a 9 MB one is being
    /// analysed is answered at once (the change cancels the long analysis,
    /// which goes back to the end of the queue). Each write waits for the
    /// snapshots in flight, and an analysis is cancelled only between
    /// queries, so a job per edit made a burst of edits wait for an analysis
    /// each (quadratic). When idle the worker starts at once, and ends as
    /// soon as nothing is queued; only changes that arrived during a run
    /// wait for a pause ([`QUIET`]): the user is typing faster than the
    /// analysis, whose result would be outdated anyway.
    fn schedule_diagnostics(&self, uris: Vec<Uri>) {
        {
            let mut st = self.lock();
            if st.client.pull_diagnostics || uris.is_empty() {
                return;
            }
            let queue = &mut st.diagnostics;
            queue.uris.retain(|u| !uris.contains(u));
            queue.uris.splice(0..0, uris);
            queue.generation += 1;
            if std::mem::replace(&mut queue.worker, true) {
                return;
            }
        }
        let backend = self.clone();
        tokio::spawn(async move { backend.diagnostics_worker().await });
    }

    async fn diagnostics_worker(self) {
        // The generation the last run started at: `None` before the first.
        let mut started: Option<u64> = None;
        loop {
            // Changes that arrived during the last run wait for a pause.
            if let Some(mut seen) = started {
                loop {
                    let now = self.lock().diagnostics.generation;
                    if now == seen {
                        break;
                    }
                    seen = now;
                    tokio::time::sleep(QUIET).await;
                }
            }
            // The snapshot goes straight into `spawn_blocking`, registered
            // for cancellation under the same lock that took it: a writer
            // (holding the lock) waits until every snapshot is dropped, so
            // taking the lock again while holding one would deadlock.
            let (analysis, ctx, uri, serial) = {
                let mut st = self.lock();
                if st.diagnostics.uris.is_empty() {
                    st.diagnostics.worker = false;
                    return;
                }
                let uri = st.diagnostics.uris.remove(0);
                started = Some(st.diagnostics.generation);
                st.sync();
                let Some(ctx) = st.ctx(&uri) else {
                    continue; // closed meanwhile
                };
                let analysis = st.host.analysis();
                let serial = st.take_off(&analysis);
                (analysis, ctx, uri, serial)
            };
            let landing = Landing(self.state.clone(), serial);
            let version = ctx.version;
            let job = tokio::task::spawn_blocking(move || {
                std::panic::catch_unwind(AssertUnwindSafe(|| {
                    analysis.with_db(|db| compute_diagnostics(db, &ctx).unwrap_or_default())
                }))
            });
            let result = job.await;
            drop(landing);
            let diagnostics = match result {
                Ok(Ok(Ok(diagnostics))) => diagnostics,
                Ok(Ok(Err(_cancelled))) => {
                    // A change: analyse it again after what the change queued.
                    let mut st = self.lock();
                    if !st.diagnostics.uris.contains(&uri) {
                        st.diagnostics.uris.push(uri);
                    }
                    continue;
                }
                Ok(Err(payload)) => {
                    let message = format!("diagnostics panicked: {}", panic_message(&*payload));
                    eprintln!("flux-lsp: {message}");
                    self.client.log_message(MessageType::ERROR, message).await;
                    continue;
                }
                Err(e) => {
                    eprintln!("flux-lsp: diagnostics task failed: {e}");
                    continue;
                }
            };
            let _serial = self.publish.lock().await;
            let fresh = {
                let mut st = self.lock();
                let current = st.docs.get(&uri).map(|d| d.version) == Some(version);
                let entry = (version, diagnostics);
                let new = current && st.published.get(&uri) != Some(&entry);
                if new {
                    st.published.insert(uri.clone(), entry.clone());
                }
                new.then_some(entry.1)
            };
            if let Some(diagnostics) = fresh {
                self.client
                    .publish_diagnostics(uri, diagnostics, Some(version))
                    .await;
            }
        }
    }

    /// Runs `f` on a snapshot on the blocking pool. `$/cancelRequest` cancels
    /// it through the token; a change makes it answer ContentModified; a panic
    /// is logged and answered InternalError, and the server keeps serving.
    async fn run<T, F>(&self, uri: &Uri, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Db, SourceFile, &DocCtx) -> Option<T> + Send + 'static,
    {
        let (analysis, ctx, serial) = {
            let mut st = self.lock();
            let Some(ctx) = st.ctx(uri) else {
                return Ok(None);
            };
            st.sync();
            let analysis = st.host.analysis();
            let serial = st.take_off(&analysis);
            (analysis, ctx, serial)
        };
        let landing = Landing(self.state.clone(), serial);
        let mut guard = CancelOnDrop(Some(analysis.cancellation_token()));
        let job = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                analysis.with_db(|db| f(db, Analysis::file(db, &ctx.path)?, &ctx))
            }))
        });
        let result = job.await;
        guard.0 = None;
        drop(landing);
        match result {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(_cancelled))) => Err(Error::content_modified()),
            Ok(Err(payload)) => Err(self.internal_error(panic_message(&*payload))),
            Err(e) => Err(self.internal_error(e.to_string())),
        }
    }

    fn internal_error(&self, message: String) -> Error {
        self.log(MessageType::ERROR, format!("request panicked: {message}"));
        Error {
            code: ErrorCode::InternalError,
            message: format!("flux-lsp internal error: {message}").into(),
            data: None,
        }
    }

    /// Applies new settings, then asks the client to refresh what depends on them.
    fn apply_settings(&self, settings: Settings) {
        let flags = {
            let mut st = self.lock();
            st.settings = settings;
            st.client
        };
        self.spawn_refresh(flags, true, false);
    }

    /// Pulls the `flux` section (VS Code style) in a spawned task.
    fn spawn_fetch_configuration(&self) {
        let (client, state) = (self.client.clone(), self.state.clone());
        let flags = self.lock().client;
        tokio::spawn(async move {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("flux".into()),
            };
            let Ok(values) = client.configuration(vec![item]).await else {
                return;
            };
            let Some(settings) = values.first().and_then(Settings::from_json) else {
                return;
            };
            lock(&state).settings = settings;
            if flags.inlay_hint_refresh {
                let _ = client.inlay_hint_refresh().await;
            }
            if flags.code_lens_refresh {
                let _ = client.code_lens_refresh().await;
            }
        });
    }
}

impl Backend {
    /// Reads the workspace's files on the blocking pool, then adds those the
    /// host does not know in one change and recomputes open documents.
    fn spawn_scan(&self, roots: Vec<PathBuf>) {
        if roots.is_empty() {
            return;
        }
        let backend = self.clone();
        tokio::spawn(async move {
            let scan = tokio::task::spawn_blocking(move || crate::scan::scan(&roots));
            let Ok(files) = scan.await else { return };
            let n_files = files.len();
            let uris = {
                let mut st = backend.lock();
                st.host.add_files(files);
                st.open_uris(None)
            };
            // Open documents may now see the files that register their handlers.
            backend.schedule_diagnostics(uris);
            backend.log(MessageType::INFO, format!("read {n_files} workspace files"));
        });
    }
}

fn compute_diagnostics(db: &dyn Db, ctx: &DocCtx) -> Option<Vec<Diagnostic>> {
    if ctx.ignored {
        return Some(Vec::new());
    }
    let file = Analysis::file(db, &ctx.path)?;
    let other = |path: &str| {
        let f = Analysis::file(db, path)?;
        Some((uri_of(path)?, Rope::from_str(f.text(db))))
    };
    Some(
        findings(db, file)
            .iter()
            .map(|f| to_lsp::diagnostic(&ctx.uri, &ctx.rope, ctx.enc, f, other))
            .collect(),
    )
}

fn uri_argument(params: &ExecuteCommandParams) -> Result<Uri> {
    params
        .arguments
        .first()
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Uri>().ok())
        .ok_or_else(|| Error::invalid_params("expected the document URI as the first argument"))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let text = caps.text_document.as_ref();
        let workspace = caps.workspace.as_ref();
        let flags = ClientFlags {
            pull_diagnostics: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
            watch_dynamic: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            inlay_hint_refresh: workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|i| i.refresh_support)
                .unwrap_or(false),
            code_lens_refresh: workspace
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
        };
        if let Some(pid) = params.process_id {
            crate::parent::watch(pid, self.parent_gone.clone());
        }
        let encoding = from_lsp::encoding(caps);
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| from_lsp::file_path(&f.uri))
            .collect();
        #[allow(deprecated)] // root_uri: still the only root some clients send
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(from_lsp::file_path));
        }
        {
            let mut st = self.lock();
            st.encoding = encoding;
            st.client = flags;
            if let Some(settings) = params
                .initialization_options
                .as_ref()
                .and_then(Settings::from_json)
            {
                st.settings = settings;
            }
            st.roots = roots.clone();
            for root in &roots {
                if root.join(flux_analysis::config::FILE_NAME).is_file() {
                    let published = st.load_config(root);
                    st.pending.extend(published);
                }
            }
        }
        let diagnostic_provider = flags.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("flux".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(to_lsp::encoding(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::REFACTOR_REWRITE,
                            CodeActionKind::from(FIX_ALL),
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
                    ..ExecuteCommandOptions::default()
                }),
                diagnostic_provider,
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "flux-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let (flags, pending) = {
            let mut st = self.lock();
            (st.client, std::mem::take(&mut st.pending))
        };
        if flags.watch_dynamic {
            let client = self.client.clone();
            tokio::spawn(async move {
                let watchers = json!({"watchers": [
                    {"globPattern": "**/flux.json"},
                    {"globPattern": "**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"},
                ]});
                let registration = Registration {
                    id: "flux-watched-files".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: Some(watchers),
                };
                if let Err(e) = client.register_capability(vec![registration]).await {
                    eprintln!("flux-lsp: could not register file watchers: {e}");
                }
            });
        }
        if flags.configuration {
            self.spawn_fetch_configuration();
        }
        let roots = self.lock().roots.clone();
        self.spawn_scan(roots);
        self.log(
            MessageType::INFO,
            format!("flux-lsp {} ready", env!("CARGO_PKG_VERSION")),
        );
        self.publish_now(pending).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        // Nothing computed now would be published: stop the analyses in flight.
        for token in self.lock().in_flight.values() {
            token.cancel();
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let (published, uris) = {
            let mut st = self.lock();
            let path = from_lsp::path(&doc.uri);
            let dialect = flux_syntax::Dialect::of_path(&path);
            let document = Document::in_dialect(&doc.text, doc.version, dialect);
            st.host
                .set_file(&path, document.text().clone(), Some(document.tree.clone()));
            st.docs.insert(doc.uri.clone(), document);
            let published = st.discover_config(&path);
            st.load_missing_imports(&path);
            (published, st.open_uris(Some(&doc.uri)))
        };
        self.schedule_diagnostics(uris);
        self.publish_now(published.into_iter().collect()).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let (uris, refresh) = {
            let mut st = self.lock();
            let enc = st.encoding;
            let Some(doc) = st.docs.get_mut(&uri) else {
                return;
            };
            let changes = params.content_changes.iter().map(|c| {
                let range = c
                    .range
                    .map(|r| (from_lsp::pos(r.start), from_lsp::pos(r.end)));
                (range, c.text.as_str())
            });
            doc.edit(changes, enc, params.text_document.version);
            for token in st.in_flight.values() {
                token.cancel();
            }
            let path = from_lsp::path(&uri);
            // Pull clients re-pull the edited document themselves; the open
            // documents importing it need a refresh.
            let importers = st.client.pull_diagnostics
                && st
                    .docs
                    .keys()
                    .filter(|u| **u != uri)
                    .any(|u| st.host.imports_of(&from_lsp::path(u)).contains(&path));
            (st.open_uris(Some(&uri)), importers.then_some(st.client))
        };
        self.schedule_diagnostics(uris);
        if let Some(flags) = refresh {
            self.spawn_refresh(flags, false, true);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let (uris, push) = {
            let mut st = self.lock();
            st.docs.remove(&uri);
            st.published.remove(&uri);
            let path = from_lsp::path(&uri);
            // Other files may import it: fall back to the text on disk.
            match crate::scan::read_source(&path) {
                Ok(text) => {
                    st.host.set_file(&path, Arc::from(text), None);
                }
                Err(_) => st.host.remove_file(&path),
            }
            (st.open_uris(None), !st.client.pull_diagnostics)
        };
        self.schedule_diagnostics(uris);
        if push {
            let _serial = self.publish.lock().await;
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        match Settings::from_json(&params.settings) {
            Some(settings) => self.apply_settings(settings),
            None if self.lock().client.configuration => self.spawn_fetch_configuration(),
            None => {}
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let (published, uris, added) = {
            let mut st = self.lock();
            let removed: Vec<PathBuf> = params
                .event
                .removed
                .iter()
                .filter_map(|f| from_lsp::file_path(&f.uri))
                .collect();
            st.roots.retain(|r| !removed.contains(r));
            let mut published = Vec::new();
            let mut added = Vec::new();
            for root in params
                .event
                .added
                .iter()
                .filter_map(|f| from_lsp::file_path(&f.uri))
            {
                if root.join(flux_analysis::config::FILE_NAME).is_file() {
                    published.extend(st.load_config(&root));
                }
                st.roots.push(root.clone());
                added.push(root);
            }
            (published, st.open_uris(None), added)
        };
        self.schedule_diagnostics(uris);
        self.spawn_scan(added);
        self.publish_now(published).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let (published, uris, flags) = {
            let mut st = self.lock();
            let mut published = Vec::new();
            for change in &params.changes {
                let Some(path) = from_lsp::file_path(&change.uri) else {
                    continue;
                };
                if path
                    .file_name()
                    .is_some_and(|n| n == flux_analysis::config::FILE_NAME)
                {
                    if let Some(dir) = path.parent() {
                        published.extend(st.load_config(dir));
                    }
                    continue;
                }
                let path = path.to_string_lossy().into_owned();
                if st.is_open(&path) || !crate::scan::is_js(Path::new(&path)) {
                    continue; // the editor's buffer wins
                }
                match crate::scan::read_source(&path) {
                    Ok(text) if change.typ != FileChangeType::DELETED => {
                        st.host.set_file(&path, Arc::from(text), None);
                    }
                    _ => st.host.remove_file(&path),
                }
            }
            // A created file may satisfy an import of an open document.
            let open: Vec<String> = st.docs.keys().map(from_lsp::path).collect();
            for path in open {
                st.load_missing_imports(&path);
            }
            (published, st.open_uris(None), st.client)
        };
        self.schedule_diagnostics(uris);
        self.spawn_refresh(flags, true, true);
        self.publish_now(published).await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let items = self
            .run(&params.text_document.uri, |db, _, ctx| {
                compute_diagnostics(db, ctx)
            })
            .await
            .map_err(|e| {
                if e.code != ErrorCode::ContentModified {
                    return e;
                }
                // ServerCancelled + retrigger: VS Code would otherwise take the
                // error for an empty report and blink the diagnostics away.
                Error {
                    code: ErrorCode::ServerError(-32802),
                    message: "the document changed; pull again".into(),
                    data: Some(json!({"retriggerRequest": true})),
                }
            })?
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.run(&p.text_document.uri, move |db, file, ctx| {
            let offset = from_lsp::offset(&ctx.rope, p.position, ctx.enc);
            let h = features::hover(file_analysis(db, file), offset)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(to_lsp::range(&ctx.rope, &h.range, ctx.enc)),
            })
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.run(&params.text_document.uri, move |db, file, ctx| {
            let range = from_lsp::range(&ctx.rope, params.range, ctx.enc);
            let config = ctx.settings.inlay_hints.into();
            let hints =
                features::inlay_hints(file_analysis(db, file), file.text(db), config, Some(range));
            Some(
                hints
                    .iter()
                    .map(|h| to_lsp::inlay_hint(&ctx.rope, ctx.enc, h))
                    .collect(),
            )
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.run(&params.text_document.uri, |db, file, ctx| {
            let tree = features::fluxion_tree(file_analysis(db, file), file.text(db));
            let symbols = tree
                .iter()
                .map(|s| to_lsp::document_symbol(&ctx.rope, ctx.enc, s))
                .collect();
            Some(DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.run(&params.text_document.uri, |db, file, ctx| {
            let lenses = features::listener_lenses(file_analysis(db, file));
            Some(
                lenses
                    .into_iter()
                    .map(|l| CodeLens {
                        range: to_lsp::range(&ctx.rope, &l.range, ctx.enc),
                        command: Some(Command {
                            title: l.label,
                            command: "flux.fluxionalForm".into(),
                            arguments: Some(vec![json!(ctx.uri.as_str())]),
                        }),
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.run(&params.text_document.uri, move |db, file, ctx| {
            let only = params.context.only.clone();
            let wants = |kind: &CodeActionKind| {
                only.as_ref().is_none_or(|only| {
                    only.iter().any(|o| {
                        kind.as_str() == o.as_str()
                            || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                    })
                })
            };
            let fix_all_kind = CodeActionKind::from(FIX_ALL);
            let range = from_lsp::range(&ctx.rope, params.range, ctx.enc);
            // By lines: a cursor anywhere on the finding's lines offers the fix.
            let line = |offset: usize| ctx.rope.byte_to_line(offset.min(ctx.rope.len_bytes()));
            let lines = line(range.start)..=line(range.end);
            let line_range = ctx.rope.line_to_byte(*lines.start())
                ..ctx
                    .rope
                    .line_to_byte((*lines.end() + 1).min(ctx.rope.len_lines()));
            let text = file.text(db);
            let all_findings = findings(db, file);
            // The client's diagnostic for a finding, so the editor ties the fix to it.
            let diagnostic_of = |finding: &flux_analysis::Finding| {
                let lsp_range = to_lsp::range(&ctx.rope, &finding.range, ctx.enc);
                params
                    .context
                    .diagnostics
                    .iter()
                    .find(|d| {
                        d.code == Some(NumberOrString::String(finding.code.as_str().into()))
                            && d.range == lsp_range
                    })
                    .cloned()
            };
            let workspace_edit = |edits: Vec<TextEdit>| WorkspaceEdit {
                changes: Some(HashMap::from([(ctx.uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            };
            let to_edits = |edits: &[isolate::Edit]| -> Vec<TextEdit> {
                edits
                    .iter()
                    .map(|e| TextEdit {
                        range: to_lsp::range(&ctx.rope, &e.range, ctx.enc),
                        new_text: e.text.clone(),
                    })
                    .collect()
            };
            let mut actions = Vec::new();
            let isolating =
                wants(&CodeActionKind::QUICKFIX) || wants(&CodeActionKind::REFACTOR_REWRITE);
            if isolating {
                for iso in isolate::isolations(db, file, Some(&line_range)) {
                    let on_screen: Vec<Diagnostic> =
                        iso.findings.iter().filter_map(&diagnostic_of).collect();
                    let kind = if iso.findings.is_empty() {
                        CodeActionKind::REFACTOR_REWRITE
                    } else {
                        CodeActionKind::QUICKFIX
                    };
                    if !wants(&kind) {
                        continue;
                    }
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: iso.title.clone(),
                        kind: Some(kind),
                        diagnostics: (!on_screen.is_empty()).then_some(on_screen),
                        edit: Some(workspace_edit(to_edits(&iso.edits))),
                        ..CodeAction::default()
                    }));
                }
            }
            if wants(&CodeActionKind::QUICKFIX) {
                for finding in all_findings {
                    let (first, last) = (line(finding.range.start), line(finding.range.end));
                    if last < *lines.start() || first > *lines.end() {
                        continue;
                    }
                    let (title, edit) = if finding.code == Code::UnusedSuppression {
                        // Suppressing the report of a useless suppression would be absurd: remove it.
                        let cut = features::comment_removal(text, &finding.range);
                        let edit = TextEdit {
                            range: to_lsp::range(&ctx.rope, &cut, ctx.enc),
                            new_text: String::new(),
                        };
                        ("Remove the unused `flux-ignore` comment".to_string(), edit)
                    } else {
                        // LSP has no standard way to place the cursor: the
                        // inserted comment ends where the reason is to be typed.
                        let insertion = features::suppression(text, finding);
                        let at = to_lsp::position(&ctx.rope, insertion.offset, ctx.enc);
                        let edit = TextEdit {
                            range: Range::new(at, at),
                            new_text: insertion.text,
                        };
                        (format!("Suppress `{}` with a reason", finding.code), edit)
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: diagnostic_of(finding).map(|d| vec![d]),
                        edit: Some(workspace_edit(vec![edit])),
                        ..CodeAction::default()
                    }));
                }
            }
            // Only on request: fix-all re-analyses every candidate.
            if only.as_ref().is_some_and(|_| wants(&fix_all_kind)) {
                if let Some((edits, chosen)) = isolate::fix_all(db, file) {
                    let n = chosen.len();
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!(
                            "Isolate {n} variable{} (move declarations, pass captures)",
                            if n == 1 { "" } else { "s" }
                        ),
                        kind: Some(fix_all_kind),
                        edit: Some(workspace_edit(to_edits(&edits))),
                        ..CodeAction::default()
                    }));
                }
            }
            Some(actions)
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            "flux.fluxionalForm" => {
                let uri = uri_argument(&params)?;
                self.run(&uri, |db, file, _| {
                    Some(json!(flux_ide::fluxional_form(db, file)))
                })
                .await
            }
            "flux.pipelineGraph" => {
                let uri = uri_argument(&params)?;
                self.run(&uri, |db, file, _| {
                    let analysis = file_analysis(db, file);
                    Some(json!({"dot": graph::dot(analysis), "mermaid": graph::mermaid(analysis)}))
                })
                .await
            }
            #[cfg(debug_assertions)]
            "flux.debugPanic" => {
                let uri = uri_argument(&params)?;
                self.run(&uri, |_, _, _| -> Option<Value> {
                    panic!("flux.debugPanic")
                })
                .await
            }
            #[cfg(debug_assertions)]
            "flux.debugDocument" => {
                let uri = uri_argument(&params)?;
                let st = self.lock();
                Ok(st
                    .docs
                    .get(&uri)
                    .map(|d| json!({"text": d.rope.to_string(), "version": d.version})))
            }
            #[cfg(debug_assertions)]
            "flux.debugSleep" => {
                // Waits on salsa cancellation checks: lets tests observe `$/cancelRequest`.
                let uri = uri_argument(&params)?;
                self.run(&uri, |db, _, _| {
                    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
                    while std::time::Instant::now() < until {
                        db.unwind_if_revision_cancelled();
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    Some(json!("slept"))
                })
                .await
            }
            other => Err(Error::invalid_params(format!("unknown command `{other}`"))),
        }
    }
}
