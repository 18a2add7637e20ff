//! Rupture points, fluxions and the call graph of one run.
//!
//! Code is attributed to *units*: the module body of a file, or a segment of
//! a function (segment 0 from its start, segment k after its k-th `await`).
//! A unit that is the callback of a rupture point, or that follows an
//! `await`, is a fluxion. Other units (helpers) run inside whichever fluxions
//! call them: the call graph says which, and with what call path.

use std::collections::VecDeque;

// keys are offsets, ids and short names: FxHash, not SipHash
use crate::scope::{FxMap as HashMap, FxSet as HashSet};

use flux_syntax::{Node, NodeExt, TextRange};

use crate::catalog::{CallbackArg, CallbackPosition, Function, Kind};
use crate::model::{Origin, StreamKind};
use crate::program::{
    self, callee, first_param_name, string_value, text_of, FileIx, FnIx, Program, Value,
};

/// A unit of code: the module body (`func: None`) or a function segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unit {
    pub file: FileIx,
    pub func: Option<FnIx>,
    pub segment: usize,
}

pub type FlxIx = usize;

/// How many nested calls below a fluxion's own code still count as that
/// fluxion's work: handlers reach their state within a few calls, while
/// paths of 8 to 28 calls (a listener reaching a whole compiler) flood
/// library code with findings.
pub const MAX_CALL_DEPTH: usize = 6;

/// Call sites, outermost first, by which a fluxion reaches a unit.
pub type CallPath = Vec<(FileIx, TextRange)>;

#[derive(Clone, Debug)]
pub enum CallbackTarget {
    Unit(Unit),
    Unresolved { range: TextRange, text: String },
}

#[derive(Clone, Debug)]
pub struct Rupture {
    pub file: FileIx,
    pub kind: StreamKind,
    pub range: TextRange,
    pub callee_range: TextRange,
    pub callee: String,
    pub unit: Unit,
    pub callbacks: Vec<(CallbackTarget, TextRange)>,
    pub origin: Origin,
    pub event: Option<String>,
    pub label: Option<String>,
    /// Opens no stream of outside events: one-shot, or `local`.
    pub one_shot: bool,
    /// Listens to a local event (catalog `localEvents`).
    pub local: bool,
    /// Every argument (array elements spread), for mounted library stores.
    pub args: Vec<TextRange>,
    /// Catalog advice when the registered job runs in every replica.
    pub job: Option<crate::catalog::Advice>,
}

/// A call that creates a library-owned store (`session()`, `new Server()`).
#[derive(Clone, Debug)]
pub struct LibraryStore {
    pub file: FileIx,
    pub call: TextRange,
    pub unit: Unit,
    pub stores: Vec<crate::catalog::Store>,
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub from: FlxIx,
    pub to: FlxIx,
    pub kind: StreamKind,
    pub one_shot: bool,
    pub rupture: usize,
}

impl Edge {
    /// A start edge that opens an unbounded stream of events.
    pub fn is_stream(&self) -> bool {
        self.kind == StreamKind::Start && !self.one_shot
    }
}

#[derive(Clone, Debug)]
pub struct Flx {
    pub unit: Unit,
    pub name: String,
    pub kind: crate::model::FluxionKind,
}

/// One call of a unit into a function: the call graph.
#[derive(Clone, Debug)]
struct Call {
    to: Unit,
    site: TextRange,
}

pub struct Pipeline {
    pub ruptures: Vec<Rupture>,
    pub fluxions: Vec<Flx>,
    pub unit_fluxion: HashMap<Unit, FlxIx>,
    pub edges: Vec<Edge>,
    /// For each fluxion, the indexes of the edges leaving it, in `edges` order
    /// (graph walks would otherwise scan every edge per visited fluxion).
    pub out_edges: Vec<Vec<usize>>,
    /// For each unit, the fluxions it runs in, each with the call path
    /// (call sites, outermost first) by which the fluxion reaches it.
    pub owners: HashMap<Unit, Vec<(FlxIx, CallPath)>>,
    /// Fluxions that run per event (downstream of a non-one-shot start stream).
    pub per_event: Vec<bool>,
    /// Where each class of the run is instantiated: `(file, class node id)` → units.
    pub instantiations: HashMap<(FileIx, usize), Vec<Unit>>,
    pub stores: Vec<LibraryStore>,
}

impl Pipeline {
    pub fn build(program: &Program<'_>) -> Pipeline {
        let mut p = Pipeline {
            ruptures: Vec::new(),
            fluxions: Vec::new(),
            unit_fluxion: HashMap::default(),
            edges: Vec::new(),
            out_edges: Vec::new(),
            owners: HashMap::default(),
            per_event: Vec::new(),
            instantiations: HashMap::default(),
            stores: Vec::new(),
        };
        let methods_by_name = methods_by_name(program);
        // 1. Main fluxions.
        for file in 0..program.files.len() {
            p.add_fluxion(
                Unit {
                    file,
                    func: None,
                    segment: 0,
                },
                "main".into(),
                crate::model::FluxionKind::Main,
            );
        }
        // 2. Rupture points of calls, and callback fluxions.
        let mut unit_calls: HashMap<Unit, Vec<Call>> = HashMap::default();
        for (file, facts) in program.files.iter().enumerate() {
            for (i, &(call, func)) in facts.calls.iter().enumerate() {
                if i % 64 == 0 {
                    (program.checkpoint)();
                }
                let unit = unit_of(program, file, func, call.start_byte());
                // the callee's value, once: library stores and rupture points both need it
                let value = callee(call).map_or(Value::Unknown, |c| program.eval(file, c, 16));
                let is_new = call.kind_name() == "new_expression";
                if let Some((spec, _)) = spec_of(program, &value, is_new) {
                    if !spec.stores.is_empty() {
                        p.stores.push(LibraryStore {
                            file,
                            call: call.byte_range(),
                            unit,
                            stores: spec.stores.clone(),
                        });
                    }
                }
                if let Some(r) = detect(program, file, call, unit, &value) {
                    for (target, _) in &r.callbacks {
                        if let CallbackTarget::Unit(u) = target {
                            let kind = if r.kind == StreamKind::Start {
                                crate::model::FluxionKind::Listener
                            } else {
                                crate::model::FluxionKind::Continuation
                            };
                            let name = program.files[u.file].function_label(u.func.unwrap());
                            p.add_fluxion(*u, name, kind);
                        }
                    }
                    p.ruptures.push(r);
                } else {
                    // Ordinary call: a local function callee runs inside this
                    // unit, and so do function arguments (synchronous callbacks
                    // such as `forEach`).
                    if let Some(c) = callee(call) {
                        // `value` is this callee's evaluation (the same depth)
                        let target = match value {
                            // `new C()` runs C's constructor
                            Value::Class { file: cf, node }
                                if call.kind_name() == "new_expression" =>
                            {
                                p.instantiations
                                    .entry((cf, node.id()))
                                    .or_default()
                                    .push(unit);
                                let instance = Value::Instance { file: cf, node };
                                match program.member(&instance, "constructor", 16) {
                                    Value::Func { file, node } => Some((file, node)),
                                    _ => None,
                                }
                            }
                            Value::Func { file: ff, node } => Some((ff, node)),
                            // `fn.call(this, …)`, `fn.apply(this, args)`
                            Value::Unknown if is_call_or_apply(program.files[file].text, c) => {
                                match c.field("object").map(|o| program.eval(file, o, 16)) {
                                    Some(Value::Func { file: ff, node }) => Some((ff, node)),
                                    _ => None,
                                }
                            }
                            Value::Unknown => unique_method(program, file, c, &methods_by_name),
                            _ => None,
                        };
                        if let Some((ff, node)) = target {
                            if let Some(fx) = program.files[ff].function_of(node) {
                                unit_calls.entry(unit).or_default().push(Call {
                                    to: Unit {
                                        file: ff,
                                        func: Some(fx),
                                        segment: 0,
                                    },
                                    site: call.byte_range(),
                                });
                            }
                        }
                    }
                    for &arg in facts.arguments(call).iter() {
                        if let Some(fx) = program.files[file].function_of(program::unparen(arg)) {
                            unit_calls.entry(unit).or_default().push(Call {
                                to: Unit {
                                    file,
                                    func: Some(fx),
                                    segment: 0,
                                },
                                site: call.byte_range(),
                            });
                        }
                    }
                }
            }
        }
        // 2b. Decorated methods: `@Get() m() {}` registers `m` with the framework.
        for (r, class) in decorator_ruptures(program) {
            for (target, _) in &r.callbacks {
                if let CallbackTarget::Unit(u) = target {
                    let kind = if r.kind == StreamKind::Start {
                        crate::model::FluxionKind::Listener
                    } else {
                        crate::model::FluxionKind::Continuation
                    };
                    if let Some(fx) = u.func {
                        let name = program.files[u.file].function_label(fx);
                        p.add_fluxion(*u, name, kind);
                    }
                }
            }
            // The framework builds the class (a controller) once, at start-up.
            let main = Unit {
                file: r.file,
                func: None,
                segment: 0,
            };
            let sites = p.instantiations.entry((r.file, class.id())).or_default();
            if !sites.contains(&main) {
                sites.push(main);
            }
            p.ruptures.push(r);
        }
        // 2c. A `(req, res)` function that nothing in the run calls or
        // registers is a request handler mounted elsewhere (a library's
        // middleware, a factory's returned handler): it runs per request.
        let reached: HashSet<Unit> = unit_calls
            .values()
            .flatten()
            .map(|c| c.to)
            .chain(p.fluxions.iter().map(|f| f.unit))
            .collect();
        for (file, facts) in program.files.iter().enumerate() {
            for (fx, func) in facts.functions.iter().enumerate() {
                let unit = Unit {
                    file,
                    func: Some(fx),
                    segment: 0,
                };
                if reached.contains(&unit) || !is_request_handler(facts.text, func.node) {
                    continue;
                }
                let main = Unit {
                    file,
                    func: None,
                    segment: 0,
                };
                let name = facts.function_label(fx);
                p.add_fluxion(unit, name, crate::model::FluxionKind::Listener);
                let head = func.node.start_byte()
                    ..func
                        .node
                        .field("body")
                        .map_or(func.node.end_byte(), |b| b.start_byte());
                p.ruptures.push(Rupture {
                    file,
                    kind: StreamKind::Start,
                    range: head.clone(),
                    callee_range: head,
                    callee: "(request handler)".into(),
                    unit: main,
                    callbacks: vec![(CallbackTarget::Unit(unit), func.node.byte_range())],
                    origin: Origin::InferredHandler,
                    event: None,
                    label: None,
                    one_shot: false,
                    local: false,
                    args: Vec::new(),
                    job: None,
                });
            }
        }
        // 3. After-await fluxions and their await rupture points.
        for (file, facts) in program.files.iter().enumerate() {
            for (fx, func) in facts.functions.iter().enumerate() {
                let base = facts.function_label(fx);
                for (k, aw) in func.awaits.iter().enumerate() {
                    let unit = Unit {
                        file,
                        func: Some(fx),
                        segment: k + 1,
                    };
                    let name = format!("{base}@await{}", facts.line(aw.start_byte()));
                    p.add_fluxion(unit, name, crate::model::FluxionKind::AfterAwait);
                    p.ruptures.push(Rupture {
                        file,
                        kind: StreamKind::Post,
                        range: aw.byte_range(),
                        callee_range: aw.start_byte()..aw.start_byte() + 5,
                        callee: "await".into(),
                        unit: Unit {
                            file,
                            func: Some(fx),
                            segment: k,
                        },
                        callbacks: vec![(CallbackTarget::Unit(unit), aw.byte_range())],
                        origin: Origin::Await,
                        event: None,
                        label: None,
                        args: Vec::new(),
                        job: None,
                        one_shot: false,
                        local: false,
                    });
                }
            }
            // top-level await: main continues as itself (module evaluation is one-shot)
        }
        // 4. Owners: which fluxions run each unit, through the call graph.
        for f in 0..p.fluxions.len() {
            (program.checkpoint)();
            let start = p.fluxions[f].unit;
            let mut seen: HashSet<Unit> = HashSet::default();
            let mut queue: VecDeque<(Unit, Vec<(FileIx, TextRange)>)> = VecDeque::new();
            queue.push_back((start, Vec::new()));
            seen.insert(start);
            while let Some((u, path)) = queue.pop_front() {
                p.owners.entry(u).or_default().push((f, path.clone()));
                // Code many calls below a listener is library machinery, not
                // what the listener's author wrote: bound the attribution.
                if path.len() >= MAX_CALL_DEPTH {
                    continue;
                }
                for c in unit_calls.get(&u).into_iter().flatten() {
                    if seen.insert(c.to) {
                        let mut next = path.clone();
                        next.push((u.file, c.site.clone()));
                        queue.push_back((c.to, next));
                    }
                }
                if seen.len() > 4096 {
                    break; // bound pathological call graphs
                }
            }
        }
        // Units no fluxion reaches (exported entry functions, code registered
        // from outside the run) run once, as start-up code of their file.
        let mut unreached: Vec<Unit> = Vec::new();
        for (file, facts) in program.files.iter().enumerate() {
            for (fx, func) in facts.functions.iter().enumerate() {
                for seg in 0..=func.awaits.len() {
                    let u = Unit {
                        file,
                        func: Some(fx),
                        segment: seg,
                    };
                    if !p.owners.contains_key(&u) {
                        unreached.push(u);
                    }
                }
            }
        }
        for u in unreached {
            let main = p.unit_fluxion[&Unit {
                file: u.file,
                func: None,
                segment: 0,
            }];
            p.owners.entry(u).or_default().push((main, Vec::new()));
            // and what it calls
            let mut seen: HashSet<Unit> = HashSet::from_iter([u]);
            let mut queue: VecDeque<(Unit, Vec<(FileIx, TextRange)>)> =
                VecDeque::from([(u, Vec::new())]);
            while let Some((cu, path)) = queue.pop_front() {
                for c in unit_calls.get(&cu).into_iter().flatten() {
                    if seen.insert(c.to) && !p.owners.contains_key(&c.to) {
                        let mut next = path.clone();
                        next.push((cu.file, c.site.clone()));
                        p.owners.entry(c.to).or_default().push((main, next.clone()));
                        queue.push_back((c.to, next));
                    }
                }
            }
        }
        // 5. Streams between fluxions.
        let mut edge_set: HashSet<(FlxIx, FlxIx, usize)> = HashSet::default();
        for (ri, r) in p.ruptures.iter().enumerate() {
            let froms: Vec<FlxIx> = p
                .owners
                .get(&r.unit)
                .map(|o| o.iter().map(|(f, _)| *f).collect())
                .unwrap_or_default();
            for (target, _) in &r.callbacks {
                let CallbackTarget::Unit(u) = target else {
                    continue;
                };
                let to = p.unit_fluxion[u];
                for &from in &froms {
                    if edge_set.insert((from, to, ri)) {
                        p.edges.push(Edge {
                            from,
                            to,
                            kind: r.kind,
                            one_shot: r.one_shot,
                            rupture: ri,
                        });
                    }
                }
            }
        }
        p.out_edges = vec![Vec::new(); p.fluxions.len()];
        for (i, e) in p.edges.iter().enumerate() {
            p.out_edges[e.from].push(i);
        }
        // 6. Per-event fluxions: reached through a start stream.
        p.per_event = vec![false; p.fluxions.len()];
        let mut queue: VecDeque<FlxIx> = p
            .edges
            .iter()
            .filter(|e| e.is_stream())
            .map(|e| e.to)
            .collect();
        while let Some(f) = queue.pop_front() {
            if p.per_event[f] {
                continue;
            }
            p.per_event[f] = true;
            queue.extend(p.out_edges[f].iter().map(|&i| p.edges[i].to));
        }
        p
    }

    fn add_fluxion(&mut self, unit: Unit, name: String, kind: crate::model::FluxionKind) -> FlxIx {
        if let Some(&f) = self.unit_fluxion.get(&unit) {
            return f;
        }
        let f = self.fluxions.len();
        self.fluxions.push(Flx { unit, name, kind });
        self.unit_fluxion.insert(unit, f);
        f
    }

    /// The edges leaving `f`, with their indexes, in `edges` order.
    pub fn edges_from(&self, f: FlxIx) -> impl Iterator<Item = &Edge> + '_ {
        self.out_edges[f].iter().map(|&i| &self.edges[i])
    }

    /// Fluxions reachable from `from`: `(fluxion, through a stream?)`, where
    /// "through a stream" means the path needs a non-one-shot start edge.
    /// Post-only reachability is preferred when both exist.
    pub fn reach(&self, from: FlxIx) -> HashMap<FlxIx, bool> {
        let mut out: HashMap<FlxIx, bool> = HashMap::default();
        let mut queue = VecDeque::from([(from, false)]);
        while let Some((f, via_stream)) = queue.pop_front() {
            match out.get(&f) {
                Some(&prev) if !prev || via_stream => continue,
                _ => {}
            }
            out.insert(f, via_stream);
            for e in self.edges_from(f) {
                queue.push_back((e.to, via_stream || e.is_stream()));
            }
        }
        out
    }
}

fn is_call_or_apply(text: &str, callee: Node<'_>) -> bool {
    callee.kind_name() == "member_expression"
        && callee
            .field("property")
            .is_some_and(|p| matches!(text_of(text, p), "call" | "apply"))
}

/// `(req, res, …)` or `(request, reply, …)`: the shape of an HTTP handler.
fn is_request_handler(text: &str, func: Node<'_>) -> bool {
    let Some(params) = func.field("parameters") else {
        return false;
    };
    let mut c = params.walk();
    let names: Vec<&str> = params
        .named_children(&mut c)
        .filter(|p| p.kind_name() != "comment")
        .map(|p| {
            // TypeScript: `(req: Request, res: Response)`
            let p = match p.kind_name() {
                "required_parameter" | "optional_parameter" => p.field("pattern").unwrap_or(p),
                _ => p,
            };
            if p.kind_name() == "identifier" {
                text_of(text, p)
            } else {
                ""
            }
        })
        .collect();
    matches!(
        names.as_slice(),
        ["req" | "request", "res" | "response" | "reply", ..]
    )
}

/// Method names too common to resolve by name alone (`map.get(k)` is no
/// call of some class's `get`).
const COMMON_METHODS: &[&str] = &[
    "get",
    "set",
    "has",
    "add",
    "delete",
    "clear",
    "push",
    "pop",
    "shift",
    "unshift",
    "splice",
    "slice",
    "map",
    "filter",
    "forEach",
    "reduce",
    "find",
    "some",
    "every",
    "join",
    "concat",
    "indexOf",
    "includes",
    "keys",
    "values",
    "entries",
    "toString",
    "valueOf",
    "toJSON",
    "then",
    "catch",
    "finally",
    "on",
    "once",
    "off",
    "emit",
    "send",
    "end",
    "write",
    "read",
    "close",
    "open",
    "connect",
    "listen",
    "call",
    "apply",
    "bind",
    "start",
    "stop",
    "run",
    "init",
    "create",
    "update",
    "remove",
    "destroy",
    "handle",
    "process",
    "next",
    "resolve",
    "reject",
    "log",
    "error",
    "warn",
    "info",
    "debug",
    "render",
    "parse",
    "use",
    "query",
    "exec",
    "execute",
    "save",
    "load",
    "constructor",
    "dispose",
    "reset",
    "flush",
    "pipe",
];

/// Methods (ES classes' and `X.prototype.m = function`) by name, over the run.
fn methods_by_name(program: &Program<'_>) -> HashMap<String, Vec<(FileIx, FnIx)>> {
    let mut out: HashMap<String, Vec<(FileIx, FnIx)>> = HashMap::default();
    for (file, facts) in program.files.iter().enumerate() {
        for (fx, func) in facts.functions.iter().enumerate() {
            let is_method = func.node.kind_name() == "method_definition"
                || facts.parents.of(func.node).is_some_and(|p| {
                    p.kind_name() == "assignment_expression"
                        && p.field("left")
                            .is_some_and(|l| text_of(facts.text, l).contains(".prototype."))
                });
            if let (true, Some(name)) = (is_method, &func.name) {
                out.entry(name.clone()).or_default().push((file, fx));
            }
        }
    }
    out
}

/// `x.m(…)` on an unknown receiver: the run's only method named `m`, unless
/// `m` is a common name.
fn unique_method<'t>(
    program: &Program<'t>,
    file: FileIx,
    callee: Node<'t>,
    methods: &HashMap<String, Vec<(FileIx, FnIx)>>,
) -> Option<(FileIx, Node<'t>)> {
    if callee.kind_name() != "member_expression" {
        return None;
    }
    let name = text_of(program.files[file].text, callee.field("property")?);
    if name.len() <= 3 || COMMON_METHODS.contains(&name) {
        return None;
    }
    match methods.get(name).map(Vec::as_slice) {
        Some([(f, fx)]) => Some((*f, program.files[*f].functions[*fx].node)),
        _ => None,
    }
}

/// The unit that contains `offset` in function `func` of `file`.
pub fn unit_of(program: &Program<'_>, file: FileIx, func: Option<FnIx>, offset: usize) -> Unit {
    let Some(fx) = func else {
        return Unit {
            file,
            func: None,
            segment: 0,
        };
    };
    let awaits = &program.files[file].functions[fx].awaits;
    let segment = awaits.iter().take_while(|a| a.end_byte() <= offset).count();
    Unit {
        file,
        func: Some(fx),
        segment,
    }
}

/// Is this call a rupture point? Resolution order: promise methods, the
/// user's callee entries, the callee's catalog type, receiver heuristics and
/// built-in callee entries (for unknown receivers), then the error-first
/// inference.
fn detect<'t>(
    program: &Program<'t>,
    file: FileIx,
    call: Node<'t>,
    unit: Unit,
    value: &Value<'t>,
) -> Option<Rupture> {
    let facts = &program.files[file];
    let text = facts.text;
    let callee_node = callee(call)?;
    let callee_text = program::callee_display(text, callee_node);
    let is_new = call.kind_name() == "new_expression";
    let args = facts.arguments(call);
    let catalog = program.catalog;

    let mut found: Option<(Function, Origin)> = None;
    let member = (callee_node.kind_name() == "member_expression")
        .then(|| (callee_node.field("object"), callee_node.field("property")))
        .and_then(|(o, p)| Some((o?, text_of(text, p?).to_string())));

    if let Some((_, method)) = &member {
        if !is_new && matches!(method.as_str(), "then" | "catch" | "finally") {
            let f = Function {
                kind: Some(Kind::Post),
                callback: CallbackArg::Named(CallbackPosition::All),
                ..Function::default()
            };
            found = Some((f, Origin::Promise(method.clone())));
        }
    }
    if found.is_none() {
        if let Some((entry, true)) = catalog.callee(&callee_text) {
            found = Some((entry.function.clone(), Origin::Config(entry.callee.clone())));
        }
    }
    if found.is_none() {
        if let Some((f, entry)) = spec_of(program, value, is_new) {
            if f.kind.is_some() {
                let origin = match entry.strip_prefix("flux.json:") {
                    Some(e) => Origin::Config(e.to_string()),
                    None => Origin::Catalog(entry),
                };
                found = Some((f.clone(), origin));
            }
        }
    }
    if found.is_none() && *value == Value::Unknown && !is_new {
        if let Some((object, method)) = &member {
            let receiver = program.eval(file, *object, 16);
            // an unknown value, or an instance of a class of the run that
            // does not define the method (an EventEmitter subclass)
            if matches!(
                receiver,
                Value::Unknown | Value::Instance { .. } | Value::Class { .. }
            ) {
                let assumed = (object.kind_name() == "identifier")
                    .then(|| catalog.assumed_receiver(text_of(text, *object)))
                    .flatten();
                if let Some(ty) = assumed {
                    if let Some(f) = catalog.method(ty, method).filter(|f| f.kind.is_some()) {
                        found = Some((
                            f.clone(),
                            Origin::Catalog(format!(
                                "{ty}.{method} (assumed for `{}`)",
                                text_of(text, *object)
                            )),
                        ));
                    }
                }
                if found.is_none() {
                    if let Some((entry, false)) = catalog.callee(&callee_text) {
                        found = Some((
                            entry.function.clone(),
                            Origin::Catalog(format!("*.{}", entry.callee)),
                        ));
                    }
                }
            }
        }
    }
    if found.is_none() && !value.is_known() && !is_new {
        // Error-first callback of an unknown callee.
        let inferred = args.iter().rev().find(|a| {
            let a = program::unparen(**a);
            facts.function_of(a).is_some()
                && matches!(
                    first_param_name(text, a).as_deref(),
                    Some("err" | "error" | "e" | "er")
                )
        });
        if let Some(arg) = inferred {
            let f = Function {
                kind: Some(Kind::Post),
                callback: CallbackArg::Index(
                    args.iter().position(|a| a.id() == arg.id()).unwrap_or(0) as i32,
                ),
                ..Function::default()
            };
            found = Some((f, Origin::Inferred));
        }
    }
    let (spec, origin) = found?;
    let kind: StreamKind = spec.kind?.into();
    let event = spec
        .event
        .and_then(|i| args.get(i))
        .and_then(|a| string_value(text, *a));
    let local = event
        .as_ref()
        .is_some_and(|e| spec.local_events.iter().any(|o| o == e));
    let one_shot = local
        || spec.one_shot
        || event
            .as_ref()
            .is_some_and(|e| spec.one_shot_events.iter().any(|o| o == e));
    // Promise and inferred callbacks that are not functions of the run (`.catch(next)`)
    // are not worth a hint: only catalog and configuration entries promise a callback.
    // Only listeners matter enough to report: a post point's last argument is
    // as often a promise-style option (`connect(url)`) as an unknown callback.
    let report_unknown =
        matches!(origin, Origin::Catalog(_) | Origin::Config(_)) && kind == StreamKind::Start;
    let callbacks = callbacks(program, file, &spec.callback, &args, report_unknown);
    // A start point with no callback of ours may still mount library
    // middleware (`app.use(session())`); with only literals it is no listener
    // at all (`app.get('env')`).
    let mounts_library = kind == StreamKind::Start
        && args.iter().any(|a| {
            !matches!(
                program::unparen(*a).kind_name(),
                "string" | "number" | "template_string" | "object" | "true" | "false" | "null"
            )
        });
    if callbacks.is_empty() && !mounts_library {
        return None;
    }
    Some(Rupture {
        file,
        kind,
        range: call.byte_range(),
        callee_range: callee_node.byte_range(),
        callee: callee_text,
        unit,
        callbacks,
        origin,
        event,
        label: args.iter().find_map(|a| string_value(text, *a)),
        one_shot,
        local,
        args: args
            .iter()
            .flat_map(|a| {
                let a = program::unparen(*a);
                let mut c = a.walk();
                let items: Vec<TextRange> = if a.kind_name() == "array" {
                    a.named_children(&mut c).map(|n| n.byte_range()).collect()
                } else {
                    vec![a.byte_range()]
                };
                items
            })
            .collect(),
        job: spec.job.clone(),
    })
}

/// Rupture points made by catalog decorators on class methods: the decorator
/// is the point, the method its callback, run in the unit that defines the class.
fn decorator_ruptures<'t>(program: &Program<'t>) -> Vec<(Rupture, Node<'t>)> {
    let mut out = Vec::new();
    for (file, facts) in program.files.iter().enumerate() {
        let text = facts.text;
        for (fx, func) in facts.functions.iter().enumerate() {
            if func.node.kind_name() != "method_definition" {
                continue;
            }
            let Some((class, _)) =
                program::enclosing_class(&facts.parents, func.node.child(0).unwrap_or(func.node))
            else {
                continue;
            };
            for d in program::method_decorators(func.node) {
                let Some(expr) = d.named_child(0) else {
                    continue;
                };
                let Value::Decorator { ty, name } = program.eval(file, expr, 16) else {
                    continue;
                };
                let Some(spec) = program.catalog.decorator(&ty, &name) else {
                    continue;
                };
                let Some(kind) = spec.kind else {
                    continue;
                };
                let inner = program::unparen(expr);
                let callee_node = if inner.kind_name() == "call_expression" {
                    callee(inner).unwrap_or(inner)
                } else {
                    inner
                };
                let unit = unit_of(
                    program,
                    file,
                    facts.function_at(class.start_byte()),
                    class.start_byte(),
                );
                let label = (inner.kind_name() == "call_expression")
                    .then(|| {
                        facts
                            .arguments(inner)
                            .iter()
                            .find_map(|a| string_value(text, *a))
                    })
                    .flatten();
                let rupture = Rupture {
                    file,
                    kind: kind.into(),
                    range: d.byte_range(),
                    callee_range: callee_node.byte_range(),
                    callee: format!("@{}", program::callee_display(text, callee_node)),
                    unit,
                    callbacks: vec![(
                        CallbackTarget::Unit(Unit {
                            file,
                            func: Some(fx),
                            segment: 0,
                        }),
                        func.node.byte_range(),
                    )],
                    origin: Origin::Catalog(format!("{ty}.{name}")),
                    event: None,
                    label,
                    one_shot: spec.one_shot,
                    local: false,
                    args: if inner.kind_name() == "call_expression" {
                        facts
                            .arguments(inner)
                            .iter()
                            .map(|a| a.byte_range())
                            .collect()
                    } else {
                        Vec::new()
                    },
                    job: spec.job.clone(),
                };
                out.push((rupture, class));
            }
        }
    }
    out
}

/// The catalog entry of a callee value: what calling (or `new`-ing) it does.
fn spec_of<'c>(
    program: &Program<'c>,
    value: &Value<'_>,
    is_new: bool,
) -> Option<(&'c Function, String)> {
    let catalog = program.catalog;
    match value {
        Value::Type(t) if is_new => catalog.construct(t).map(|f| (f, t.clone())),
        Value::Type(t) => catalog.call(t).map(|f| (f, t.clone())),
        Value::Method { ty, name } if !is_new => catalog
            .method(ty, name)
            .map(|f| (f, format!("{ty}.{name}"))),
        _ => None,
    }
}

/// The values an identifier stands for when it is the parameter of a callback
/// iterating a table: `Object.entries(routes).forEach(([path, handler]) => …)`
/// gives every value of `routes`; `Object.values(t)` and `[a, b].forEach(h => …)`
/// likewise. `None` when the identifier is no such parameter.
fn iterated_values<'t>(
    program: &Program<'t>,
    file: FileIx,
    ident: Node<'t>,
) -> Option<Vec<(FileIx, Node<'t>)>> {
    use crate::scope::{BindingKind, PathStep};
    let ident = program::unparen(ident);
    if ident.kind_name() != "identifier" {
        return None;
    }
    let facts = &program.files[file];
    let b = facts
        .scopes
        .binding(facts.reference_at(ident.start_byte())?.binding?);
    let BindingKind::Param { index: 0 } = b.kind else {
        return None;
    };
    let func = facts.functions.get(facts.function_at(b.decl.start)?)?.node;
    let call = facts
        .parents
        .of(func)
        .filter(|p| p.kind_name() == "arguments")?;
    let call = facts.parents.of(call)?;
    let iter = callee(call).filter(|c| c.kind_name() == "member_expression")?;
    let method = text_of(facts.text, iter.field("property")?);
    if !matches!(method, "forEach" | "map" | "flatMap") {
        return None;
    }
    let source = program::unparen(iter.field("object")?);
    // Object.entries(t) / Object.values(t) / an array
    let (table, entries) = match (
        source.kind_name(),
        callee(source).map(|c| text_of(facts.text, c)),
    ) {
        ("call_expression", Some("Object.entries")) => (*facts.arguments(source).first()?, true),
        ("call_expression", Some("Object.values")) => (*facts.arguments(source).first()?, false),
        _ => (source, false),
    };
    // with entries, the handler is the second element: `([path, handler]) =>`
    match (entries, b.path.as_slice()) {
        (true, [PathStep::Index(1)]) | (false, []) => {}
        // the key of an entry is a string, never a callback
        (true, [PathStep::Index(0)]) => return Some(Vec::new()),
        _ => return None,
    }
    let value = program.eval(file, table, 12);
    let (vf, node) = match value {
        Value::Object { file, node } | Value::Array { file, node } => (file, node),
        _ => return None,
    };
    let mut c = node.walk();
    let items: Vec<(FileIx, Node<'t>)> = node
        .named_children(&mut c)
        .filter_map(|n| match n.kind_name() {
            "pair" if entries || node.kind_name() == "object" => n.field("value").map(|v| (vf, v)),
            "shorthand_property_identifier" => Some((vf, n)),
            "comment" | "spread_element" => None,
            _ if node.kind_name() == "array" => Some((vf, n)),
            _ => None,
        })
        .collect();
    Some(items)
}

/// `map[key]` with a computed key on an object literal: any of its values.
fn computed_member_values<'t>(
    program: &Program<'t>,
    file: FileIx,
    node: Node<'t>,
) -> Option<Vec<(FileIx, Node<'t>)>> {
    let node = program::unparen(node);
    if node.kind_name() != "subscript_expression" {
        return None;
    }
    let index = node.field("index")?;
    if string_value(program.files[file].text, index).is_some() {
        return None; // a literal key: ordinary evaluation handles it
    }
    let Value::Object {
        file: of,
        node: object,
    } = program.eval(file, node.field("object")?, 12)
    else {
        return None;
    };
    let mut c = object.walk();
    let values = object
        .named_children(&mut c)
        .filter_map(|p| match p.kind_name() {
            "pair" => p.field("value").map(|v| (of, v)),
            "method_definition" | "shorthand_property_identifier" => Some((of, p)),
            _ => None,
        })
        .collect();
    Some(values)
}

/// The callbacks a rupture-point call hands its stream to.
fn callbacks<'t>(
    program: &Program<'t>,
    file: FileIx,
    spec: &CallbackArg,
    args: &[Node<'t>],
    report: bool,
) -> Vec<(CallbackTarget, TextRange)> {
    let mut out = Vec::new();
    // A handler taken from a route table being iterated stands for every entry.
    let expand = |a: Node<'t>| {
        iterated_values(program, file, a)
            .or_else(|| computed_member_values(program, file, a))
            .unwrap_or_else(|| vec![(file, a)])
    };
    let expanded: Vec<(FileIx, Node<'t>)> = args.iter().flat_map(|a| expand(*a)).collect();
    let as_target = |(file, arg): (FileIx, Node<'t>),
                     report_unknown: bool|
     -> Option<(CallbackTarget, TextRange)> {
        let report_unknown = report_unknown && report;
        let inner = program::unparen(arg);
        // Middleware made by a catalog function (`express.static('public')`) is library code.
        if inner.kind_name() == "call_expression"
            && callee(inner).is_some_and(|c| {
                matches!(
                    program.eval(file, c, 16),
                    Value::Type(_) | Value::Method { .. }
                )
            })
        {
            return None;
        }
        match program.eval(file, arg, 16) {
            Value::Func { file: ff, node } => {
                let fx = program.files[ff].function_of(node)?;
                Some((
                    CallbackTarget::Unit(Unit {
                        file: ff,
                        func: Some(fx),
                        segment: 0,
                    }),
                    arg.byte_range(),
                ))
            }
            Value::Unknown
                if report_unknown
                    && matches!(
                        program::unparen(arg).kind_name(),
                        "identifier"
                            | "member_expression"
                            | "call_expression"
                            | "subscript_expression"
                    ) =>
            {
                Some((
                    CallbackTarget::Unresolved {
                        range: arg.byte_range(),
                        text: text_of(program.files[file].text, arg).to_string(),
                    },
                    arg.byte_range(),
                ))
            }
            _ => None,
        }
    };
    match spec {
        CallbackArg::Properties { properties } => {
            for (file, arg) in expanded.iter().copied() {
                let obj = program::unparen(arg);
                // `server.route([{ handler }, …])`: each route object
                let objects: Vec<Node<'t>> = if obj.kind_name() == "array" {
                    let mut c = obj.walk();
                    let items: Vec<Node<'t>> =
                        obj.named_children(&mut c).map(program::unparen).collect();
                    items
                } else {
                    vec![obj]
                };
                for obj in objects {
                    if obj.kind_name() != "object" {
                        continue;
                    }
                    let value = Value::Object { file, node: obj };
                    for p in properties {
                        // dotted paths reach nested options (`{ options: { handler } }`)
                        let held = p
                            .split('.')
                            .fold(value.clone(), |v, seg| program.member(&v, seg, 16));
                        if let Value::Func { file: ff, node } = held {
                            if let Some(fx) = program.files[ff].function_of(node) {
                                out.push((
                                    CallbackTarget::Unit(Unit {
                                        file: ff,
                                        func: Some(fx),
                                        segment: 0,
                                    }),
                                    node.byte_range(),
                                ));
                            }
                        }
                    }
                }
            }
        }
        CallbackArg::Named(CallbackPosition::All) => {
            for (i, (file, arg)) in expanded.iter().copied().enumerate() {
                let arg = program::unparen(arg);
                // `router.get(path, …handlers)`: a leading non-function is the path
                if i == 0
                    && expanded.len() > 1
                    && !matches!(program.eval(file, arg, 16), Value::Func { .. })
                {
                    continue;
                }
                if arg.kind_name() == "array" {
                    let mut c = arg.walk();
                    let items: Vec<Node<'t>> = arg.named_children(&mut c).collect();
                    out.extend(items.into_iter().filter_map(|i| as_target((file, i), true)));
                } else {
                    out.extend(as_target((file, arg), true));
                }
            }
        }
        CallbackArg::Named(CallbackPosition::First) => {
            if let Some(t) = args.iter().find_map(|a| as_target((file, *a), false)) {
                out.push(t);
            } else if let Some(a) = args.first() {
                out.extend(expand(*a).into_iter().filter_map(|a| as_target(a, true)));
            }
        }
        CallbackArg::Index(i) => {
            let idx = if *i < 0 { args.len() as i32 + i } else { *i };
            if let Some(a) = usize::try_from(idx).ok().and_then(|i| args.get(i)) {
                out.extend(expand(*a).into_iter().filter_map(|a| as_target(a, true)));
            }
        }
        CallbackArg::Named(CallbackPosition::Last) | CallbackArg::Unset => {
            if let Some(t) = args.iter().rev().find_map(|a| as_target((file, *a), false)) {
                out.push(t);
            } else if let Some(a) = args.last() {
                out.extend(expand(*a).into_iter().filter_map(|a| as_target(a, true)));
            }
        }
    }
    out
}
