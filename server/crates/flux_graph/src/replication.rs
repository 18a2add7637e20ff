//! Entry points of an app and the state that keeps each one from being
//! replicated: a `blocks-replication` write in the entry's fluxion or in
//! one downstream of it (following `Fluxion::streams` and handlers that live
//! in other files).

use std::collections::BTreeSet;

use flux_analysis::{
    Callback, Code, FileAnalysis, FluxionId, Origin, RupturePoint, StreamKind, TextRange,
};

use crate::{external_target, Input};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    /// An HTTP route or middleware (`app.get('/x', …)`, `router.use(fn)`).
    Route,
    /// A socket or emitter event (`socket.on('join', …)`).
    Event,
    /// `setInterval`.
    Timer,
    /// A queue consumer (amqplib, kafkajs, bull, bullmq…).
    Queue,
    /// A cron-like schedule.
    Cron,
    /// Any other start rupture point.
    Listener,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Route => "route",
            EntryKind::Event => "event",
            EntryKind::Timer => "timer",
            EntryKind::Queue => "queue",
            EntryKind::Cron => "cron",
            EntryKind::Listener => "listener",
        }
    }
}

/// A write of state that outlives one event, reached from an entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockingWrite {
    /// Index of the file in the input slice.
    pub file: usize,
    pub fluxion: FluxionId,
    pub binding: String,
    /// The declaring identifier, in `file`.
    pub decl: TextRange,
    /// The write, in `file`.
    pub write: TextRange,
}

/// A start rupture point that is not one-shot: outside events come in here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPoint {
    pub file: usize,
    pub kind: EntryKind,
    /// Routes: the HTTP method, upper-cased (`GET`, `USE`).
    pub method: Option<String>,
    /// Route path, event name, queue name, cron expression, interval callee.
    pub name: String,
    pub callee: String,
    /// The rupture point's call.
    pub range: TextRange,
    /// Its callbacks: the fluxions each event starts.
    pub handlers: Vec<(usize, FluxionId)>,
    /// The fluxions its events run: its callbacks and everything downstream.
    pub fluxions: BTreeSet<(usize, FluxionId)>,
    /// Empty when the entry point is replicable.
    pub blocking: Vec<BlockingWrite>,
}

impl EntryPoint {
    pub fn replicable(&self) -> bool {
        self.blocking.is_empty()
    }

    /// `GET /users`, `event join`, `setInterval`: how people name it.
    pub fn title(&self) -> String {
        match (&self.method, self.kind) {
            (Some(m), _) => format!("{m} {}", self.name),
            (None, EntryKind::Timer) => self.name.clone(),
            (None, kind) => format!("{} {}", kind.as_str(), self.name),
        }
    }
}

const HTTP_METHODS: [&str; 9] = [
    "get", "post", "put", "delete", "patch", "head", "options", "all", "use",
];
const QUEUE_MODULES: [&str; 6] = ["amqplib", "kafkajs", "bull", "bullmq", "sqs", "nats"];
const CRON_MODULES: [&str; 4] = ["node-cron", "cron", "node-schedule", "agenda"];

fn classify(rp: &RupturePoint) -> (EntryKind, Option<String>, String) {
    let last = rp.callee.rsplit('.').next().unwrap_or(&rp.callee);
    let module = match &rp.origin {
        Origin::Catalog(e) | Origin::Config(e) => e.split('.').next().unwrap_or(""),
        _ => "",
    };
    let label = rp.event.clone().or_else(|| rp.label.clone());
    if CRON_MODULES.contains(&module) {
        return (EntryKind::Cron, None, label.unwrap_or(rp.callee.clone()));
    }
    if QUEUE_MODULES.contains(&module) && rp.event.is_none() {
        return (EntryKind::Queue, None, label.unwrap_or(rp.callee.clone()));
    }
    if last == "setInterval" {
        return (EntryKind::Timer, None, rp.callee.clone());
    }
    if rp.event.is_none() && HTTP_METHODS.contains(&last) {
        let path = rp.label.clone().unwrap_or_else(|| "*".into());
        return (EntryKind::Route, Some(last.to_uppercase()), path);
    }
    if let Some(event) = &rp.event {
        return (EntryKind::Event, None, event.clone());
    }
    (
        EntryKind::Listener,
        None,
        label.unwrap_or(rp.callee.clone()),
    )
}

fn callback_targets(
    files: &[Input<'_>],
    file: usize,
    rp: &RupturePoint,
) -> Vec<(usize, FluxionId)> {
    rp.callbacks
        .iter()
        .filter_map(|cb| match cb {
            Callback::Fluxion(id) => Some((file, *id)),
            Callback::External { path, range, .. } => external_target(files, path, range.start),
            Callback::Unresolved { .. } => None,
        })
        .collect()
}

/// The fluxions reachable from `roots` along streams and cross-file handlers.
fn downstream(files: &[Input<'_>], roots: Vec<(usize, FluxionId)>) -> BTreeSet<(usize, FluxionId)> {
    let mut seen = BTreeSet::new();
    let mut todo = roots;
    while let Some((file, id)) = todo.pop() {
        if !seen.insert((file, id)) {
            continue;
        }
        let a: &FileAnalysis = files[file].1;
        if let Some(f) = a.fluxions.get(id.0 as usize) {
            todo.extend(f.streams.iter().map(|s| (file, s.to)));
        }
        for rp in a.rupture_points.iter().filter(|rp| rp.upstream == id) {
            todo.extend(callback_targets(files, file, rp));
        }
    }
    seen
}

/// Every `blocks-replication` write of the run, with the fluxion it is in.
fn blocking_writes(files: &[Input<'_>]) -> Vec<BlockingWrite> {
    let mut out = Vec::new();
    for (i, (_, a)) in files.iter().enumerate() {
        for f in a
            .findings
            .iter()
            .filter(|f| f.code == Code::BlocksReplication)
        {
            let Some(binding) = &f.binding else { continue };
            // The access that is the finding's write knows its fluxion; the
            // finding's fluxion name is the fallback.
            let by_access = a
                .variables
                .iter()
                .filter(|v| v.name == binding.name && v.decl == binding.range)
                .flat_map(|v| v.accesses.iter())
                .find(|acc| acc.write && acc.range == f.range)
                .map(|acc| acc.fluxion);
            let by_name = a
                .fluxions
                .iter()
                .find(|x| x.name == f.fluxion)
                .map(|x| x.id);
            if let Some(fluxion) = by_access.or(by_name) {
                out.push(BlockingWrite {
                    file: i,
                    fluxion,
                    binding: binding.name.clone(),
                    decl: binding.range.clone(),
                    write: f.range.clone(),
                });
            }
        }
    }
    out
}

/// The entry points of the run in file then source order, each with the
/// blocking writes its events reach.
pub fn entry_points(files: &[Input<'_>]) -> Vec<EntryPoint> {
    let writes = blocking_writes(files);
    let mut out = Vec::new();
    for (i, (_, a)) in files.iter().enumerate() {
        for rp in a
            .rupture_points
            .iter()
            .filter(|rp| rp.kind == StreamKind::Start && !rp.one_shot)
        {
            let (kind, method, name) = classify(rp);
            let handlers = callback_targets(files, i, rp);
            let fluxions = downstream(files, handlers.clone());
            let blocking = writes
                .iter()
                .filter(|w| fluxions.contains(&(w.file, w.fluxion)))
                .cloned()
                .collect();
            out.push(EntryPoint {
                file: i,
                kind,
                method,
                name,
                callee: rp.callee.clone(),
                range: rp.range.clone(),
                handlers,
                fluxions,
                blocking,
            });
        }
    }
    out.sort_by_key(|e| (e.file, e.range.start));
    out
}
