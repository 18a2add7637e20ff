//! The plain data the analysis returns. Byte ranges everywhere; no tree-sitter
//! nodes, no LSP types. The server, the CLI and the editors convert at their edge.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use flux_syntax::TextRange;

/// Index of a fluxion in [`FileAnalysis::fluxions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FluxionId(pub u32);

/// The two kinds of rupture point, and of the stream each one produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// A listener for an unbounded stream of events (`>>`).
    Start,
    /// A continuation, run once after an asynchronous operation (`->`).
    Post,
}

impl StreamKind {
    /// The arrow of the paper's fluxional language.
    pub fn arrow(self) -> &'static str {
        match self {
            StreamKind::Start => ">>",
            StreamKind::Post => "->",
        }
    }
}

/// Why a call (or an `await`) is a rupture point.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// An entry of the built-in catalog, e.g. `express: Application.get`.
    Catalog(String),
    /// An entry of the user's `flux.json`.
    Config(String),
    /// `.then` / `.catch` / `.finally`.
    Promise(String),
    /// The code after an `await`.
    Await,
    /// A callback of an unknown callee whose first parameter is `err`/`error`.
    Inferred,
    /// A `(req, res)` function that no code of the run calls or registers: a
    /// request handler registered elsewhere (a library's middleware).
    InferredHandler,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Catalog(e) => write!(f, "catalog entry `{e}`"),
            Origin::Config(e) => write!(f, "flux.json entry `{e}`"),
            Origin::Promise(m) => write!(f, "promise `.{m}` callback"),
            Origin::Await => f.write_str("`await`"),
            Origin::Inferred => f.write_str("inferred: error-first callback of an unknown callee"),
            Origin::InferredHandler => f.write_str(
                "inferred: a `(req, res)` function nothing in the run calls is a request handler registered elsewhere",
            ),
        }
    }
}

/// The callback a rupture point hands its stream to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callback {
    /// A function of this file, which became a fluxion.
    Fluxion(FluxionId),
    /// A function exported by another file of the run.
    External {
        path: String,
        name: String,
        range: TextRange,
    },
    /// Not statically known; reported as `unresolved-callback`.
    Unresolved { range: TextRange, text: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RupturePoint {
    pub kind: StreamKind,
    /// The whole call (or the `await` expression).
    pub range: TextRange,
    /// The callee expression (for `await`, the `await` keyword).
    pub callee_range: TextRange,
    /// Source text of the callee, e.g. `app.get`, `fs.readFile`, `await`.
    pub callee: String,
    /// The fluxion in which the call is made.
    pub upstream: FluxionId,
    pub callbacks: Vec<Callback>,
    pub origin: Origin,
    /// The event name for `emitter.on('event', …)`-like calls.
    pub event: Option<String>,
    /// The first string argument: a route's path (`app.get('/users', …)`),
    /// an event's, queue's or channel's name, a cron expression.
    pub label: Option<String>,
    /// A start point that opens no stream of outside events: its events
    /// happen once (`listen(cb)`, `'listening'`, `once`: start-up or
    /// shutdown), or they are `local`.
    pub one_shot: bool,
    /// Listens to events of a resource of this process (`'data'`, `'line'`):
    /// each replica gets its own, none is split between replicas.
    pub local: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FluxionKind {
    /// The module body.
    Main,
    /// A callback of a start rupture point.
    Listener,
    /// A callback of a post rupture point.
    Continuation,
    /// The code of an async function after one `await`.
    AfterAwait,
}

/// A stream from one fluxion to another.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stream {
    pub kind: StreamKind,
    pub to: FluxionId,
    /// The variables sent with the message (the paper's `[res]`).
    pub message: Vec<String>,
    /// Index in [`FileAnalysis::rupture_points`].
    pub rupture_point: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fluxion {
    pub id: FluxionId,
    /// The function's name, else `anonymous@LINE`; `main` for the module body;
    /// `NAME@await LINE` for the code after an `await`.
    pub name: String,
    pub kind: FluxionKind,
    /// The function (or, for [`FluxionKind::AfterAwait`], from the `await` to
    /// the end of the function body).
    pub range: TextRange,
    /// The stream that feeds this fluxion, if any.
    pub upstream: Option<(FluxionId, StreamKind, usize)>,
    pub streams: Vec<Stream>,
    /// The variables kept in this fluxion's context (the paper's `{count}`).
    pub context: Vec<String>,
    /// The groups (tags) this fluxion belongs to, e.g. `grp_c`.
    pub groups: Vec<String>,
}

/// Scope analysis class of a variable used by more than one fluxion (paper §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VariableClass {
    /// Kept in one fluxion's context.
    Scope,
    /// Sent downstream with the message.
    Stream,
    /// Read or written by several fluxions in an order that forces them into one group.
    Share,
}

impl VariableClass {
    pub fn as_str(self) -> &'static str {
        match self {
            VariableClass::Scope => "scope",
            VariableClass::Stream => "stream",
            VariableClass::Share => "share",
        }
    }
}

/// One read or write of a variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Access {
    pub range: TextRange,
    pub fluxion: FluxionId,
    pub write: bool,
    /// Mutation of the held object (`o.x = 1`, `o.push(x)`) rather than of the binding.
    pub mutation: bool,
    /// Call path by which the fluxion reaches the function that makes the
    /// access, outermost call first (empty when the access is in the fluxion's own code).
    pub via: Vec<TextRange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variable {
    pub name: String,
    /// The declaring identifier.
    pub decl: TextRange,
    pub class: VariableClass,
    /// Created upstream of a start rupture point: it outlives one event.
    pub persistent: bool,
    /// The fluxion whose code declares it.
    pub owner: FluxionId,
    pub accesses: Vec<Access>,
    /// The group it forces, for [`VariableClass::Share`].
    pub group: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Hint,
    Information,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Information => "information",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "hint" => Severity::Hint,
            "info" | "information" => Severity::Information,
            "warn" | "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// The stable codes of findings. `docs/rules.md#<code>` documents each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Code {
    BlocksReplication,
    ProcessLocalCache,
    LostUpdate,
    SharedState,
    UpstreamMutation,
    UnresolvedCallback,
    UnusedSuppression,
    PerReplicaJob,
}

impl Code {
    pub const ALL: [Code; 8] = [
        Code::BlocksReplication,
        Code::ProcessLocalCache,
        Code::LostUpdate,
        Code::SharedState,
        Code::UpstreamMutation,
        Code::UnresolvedCallback,
        Code::UnusedSuppression,
        Code::PerReplicaJob,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::BlocksReplication => "blocks-replication",
            Code::ProcessLocalCache => "process-local-cache",
            Code::LostUpdate => "lost-update",
            Code::SharedState => "shared-state",
            Code::UpstreamMutation => "upstream-mutation",
            Code::UnresolvedCallback => "unresolved-callback",
            Code::UnusedSuppression => "unused-suppression",
            Code::PerReplicaJob => "per-replica-job",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Code::BlocksReplication | Code::LostUpdate | Code::UnusedSuppression => {
                Severity::Warning
            }
            Code::ProcessLocalCache | Code::SharedState | Code::UpstreamMutation => {
                Severity::Information
            }
            Code::UnresolvedCallback | Code::PerReplicaJob => Severity::Hint,
        }
    }

    /// One line saying what the rule finds.
    pub fn summary(self) -> &'static str {
        match self {
            Code::BlocksReplication => {
                "state that outlives one event is written by a listener: each replica would keep its own copy"
            }
            Code::ProcessLocalCache => {
                "process-wide state written only by a once-only initialisation or a memoisation: each replica keeps its own copy"
            }
            Code::LostUpdate => {
                "state read before an asynchronous step and written after it: concurrent events can overwrite each other"
            }
            Code::SharedState => "a variable shared by several fluxions forces them into one group",
            Code::UpstreamMutation => "an object received from an upstream fluxion is mutated downstream",
            Code::UnresolvedCallback => "the callback of a rupture point is not statically known",
            Code::UnusedSuppression => "a `flux-ignore` comment that suppresses nothing",
            Code::PerReplicaJob => {
                "a timer or scheduled job registered at start-up runs in every replica"
            }
        }
    }

    /// Link to the rule's documentation.
    pub fn doc_url(self) -> String {
        format!("{DOCS_URL}#{}", self.as_str())
    }
}

/// Where the rule documentation lives.
pub const DOCS_URL: &str = "https://github.com/flux-lsp/flux-lsp/blob/main/docs/rules.md";

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A location a finding points to besides its primary range.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Related {
    /// The file, when it is not the finding's own.
    pub path: Option<String>,
    pub range: TextRange,
    pub message: String,
}

/// The binding a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BindingRef {
    pub name: String,
    /// The declaring identifier.
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where the developer acts (for `blocks-replication`, the write).
    pub range: TextRange,
    pub binding: Option<BindingRef>,
    /// Name of the fluxion the primary range is in.
    pub fluxion: String,
    pub related: Vec<Related>,
}

/// Everything the analysis knows about one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileAnalysis {
    pub path: String,
    pub fluxions: Vec<Fluxion>,
    pub rupture_points: Vec<RupturePoint>,
    /// Variables used by more than one fluxion, classified.
    pub variables: Vec<Variable>,
    /// Sorted by range, then code.
    pub findings: Vec<Finding>,
    /// ERROR / MISSING nodes: the analysis went on around them.
    pub syntax_errors: Vec<TextRange>,
    /// The file's `flux-ignore` comments, with what each suppressed.
    pub suppressions: Vec<crate::Suppression>,
}
