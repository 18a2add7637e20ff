//! Scope analysis of the paper's §3.2 over the pipeline: every binding used
//! by more than one fluxion is scope, stream or share; the rules read the
//! result and say which state blocks replication.

use std::collections::{BTreeMap, BTreeSet};

// keys are offsets, ids and short names: FxHash, not SipHash
use crate::scope::FxMap as HashMap;
use std::rc::Rc;

use flux_syntax::{Node, NodeExt, TextRange};

use crate::model::{Code, StreamKind, VariableClass};
use crate::pipeline::{FlxIx, Pipeline, Unit};
use crate::program::{text_of, unparen, FileIx, FnIx, Parents, Program};
use crate::scope::BindingId;

/// One access of a binding from one fluxion.
#[derive(Clone, Debug)]
pub struct Use {
    pub range: TextRange,
    /// The whole writing expression (assignment, update, mutating call).
    pub write_range: TextRange,
    pub fluxion: FlxIx,
    pub write: bool,
    pub mutation: bool,
    pub via: Vec<(FileIx, TextRange)>,
}

impl Use {
    fn writes(&self) -> bool {
        self.write || self.mutation
    }
}

pub struct Classified {
    pub file: FileIx,
    pub name: String,
    pub decl: TextRange,
    pub class: VariableClass,
    pub persistent: bool,
    pub owner: FlxIx,
    pub uses: Vec<Use>,
    pub group: Option<String>,
    /// Fluxions keeping it in their context.
    pub context_of: Vec<FlxIx>,
    /// (downstream fluxion) the binding is streamed to, from `owner`.
    pub streamed_to: Vec<FlxIx>,
}

/// A binding, or a field of a class's instances: what classification is about.
struct Subject {
    file: FileIx,
    /// `count`, or `this.clients` for a field.
    name: String,
    decl: TextRange,
    /// The fluxions that create it (run the declaration, or construct the instance).
    declaring: BTreeSet<FlxIx>,
    /// The function that declares it (None: the module body).
    decl_func: Option<FnIx>,
    uses: Vec<Use>,
    /// The scope binding, for a binding subject.
    binding: Option<BindingId>,
}

/// A finding before conversion to the model: file-local byte ranges.
pub struct RawFinding {
    pub file: FileIx,
    pub code: Code,
    pub message: String,
    pub range: TextRange,
    pub binding: Option<(String, TextRange)>,
    pub fluxion: FlxIx,
    /// (file, range, message)
    pub related: Vec<(FileIx, TextRange, String)>,
}

pub struct Outcome {
    pub variables: Vec<Classified>,
    pub findings: Vec<RawFinding>,
}

pub fn classify(program: &Program<'_>, pipeline: &Pipeline) -> Outcome {
    let mut out = Outcome {
        variables: Vec::new(),
        findings: Vec::new(),
    };
    // Shared, not cloned: a main's reach set spans the whole pipeline and is
    // asked for once per subject.
    let mut reach_cache: HashMap<FlxIx, Rc<HashMap<FlxIx, bool>>> = HashMap::default();
    let mut reach = |f: FlxIx| -> Rc<HashMap<FlxIx, bool>> {
        reach_cache
            .entry(f)
            .or_insert_with(|| Rc::new(pipeline.reach(f)))
            .clone()
    };
    let mut paths = Paths::new(pipeline);
    let mains: Vec<FlxIx> = (0..pipeline.fluxions.len())
        .filter(|m| pipeline.fluxions[*m].unit.func.is_none())
        .collect();

    let mut subjects: Vec<Subject> = Vec::new();
    for (file, facts) in program.files.iter().enumerate() {
        // Accesses per binding, with the fluxions they run in.
        let mut uses: BTreeMap<BindingId, Vec<Use>> = BTreeMap::new();
        for r in &facts.scopes.references {
            let Some(b) = r.binding else { continue };
            if r.declaration {
                continue;
            }
            let write = r.write;
            let write_node = write_expression(
                &facts.parents,
                facts.node_at(&r.range),
                r.mutation.as_ref().map(|(_, m)| m.clone()),
            );
            let mutation = r.mutation.is_some()
                && !write_node.is_some_and(|n| calls_run_method(program, file, n));
            let mut offset = r.range.start;
            // `x = x + await f()` writes after the await although `x` comes first.
            if write || mutation {
                if let Some(n) = write_node {
                    if let Some(aw) = facts.last_await_in(n) {
                        offset = aw;
                    }
                }
            }
            let func = facts.function_at(r.range.start);
            let unit = crate::pipeline::unit_of(program, file, func, offset);
            let write_range = write_node.map_or(r.range.clone(), |n| n.byte_range());
            for (f, via) in pipeline.owners.get(&unit).into_iter().flatten() {
                uses.entry(b).or_default().push(Use {
                    range: r.range.clone(),
                    write_range: write_range.clone(),
                    fluxion: *f,
                    write,
                    mutation,
                    via: via.clone(),
                });
            }
        }

        for (b, uses) in uses {
            let binding = facts.scopes.binding(b);
            let decl_func = facts.function_at(binding.decl.start);
            let decl_unit =
                crate::pipeline::unit_of(program, file, decl_func, binding.declarator.start);
            let declaring: BTreeSet<FlxIx> = pipeline
                .owners
                .get(&decl_unit)
                .into_iter()
                .flatten()
                .map(|(f, _)| *f)
                .collect();
            subjects.push(Subject {
                file,
                name: binding.name.to_string(),
                decl: binding.decl.clone(),
                declaring,
                decl_func,
                uses,
                binding: Some(b),
            });
        }
        subjects.extend(field_subjects(program, pipeline, file));
    }
    add_alias_mutations(program, &mut subjects);

    for subject in subjects {
        (program.checkpoint)();
        let Subject {
            file,
            name: subject_name,
            decl,
            declaring,
            decl_func,
            uses,
            ..
        } = subject;
        {
            let Some(&owner) = declaring.iter().next() else {
                continue;
            };
            let accessors: BTreeSet<FlxIx> = uses.iter().map(|u| u.fluxion).collect();
            if accessors.iter().all(|f| declaring.contains(f)) {
                continue; // local to the fluxion(s) that declare it
            }
            // Relation of each accessor to the declaring fluxions.
            let reaches: Vec<Rc<HashMap<FlxIx, bool>>> =
                declaring.iter().map(|d| reach(*d)).collect();
            let mut post_chain: BTreeSet<FlxIx> = BTreeSet::new();
            let mut events: BTreeSet<FlxIx> = BTreeSet::new();
            for &x in accessors.iter().filter(|x| !declaring.contains(x)) {
                let via: Option<bool> = reaches
                    .iter()
                    .filter_map(|r| r.get(&x).copied())
                    .reduce(|a, b| a && b);
                match via {
                    Some(false) => post_chain.insert(x),
                    Some(true) => events.insert(x),
                    None if pipeline.per_event[x]
                        && !declaring.iter().any(|d| pipeline.per_event[*d]) =>
                    {
                        events.insert(x)
                    }
                    None => post_chain.insert(x),
                };
            }
            let startup_declared = declaring.iter().all(|d| !pipeline.per_event[*d]);
            let writers: BTreeSet<FlxIx> = events
                .iter()
                .copied()
                .filter(|x| uses.iter().any(|u| u.fluxion == *x && u.writes()))
                .collect();
            let readers: BTreeSet<FlxIx> = events.difference(&writers).copied().collect();

            let mut group = None;
            let mut context_of = Vec::new();
            let class = if events.is_empty() {
                VariableClass::Stream
            } else if writers.is_empty() {
                context_of.extend(readers.iter().copied());
                VariableClass::Scope
            } else if writers.len() == 1 && {
                let w = *writers.iter().next().unwrap();
                let from_w = reach(w);
                readers.iter().all(|r| from_w.get(r) == Some(&false))
            } {
                context_of.extend(writers.iter().copied());
                VariableClass::Scope
            } else {
                group = Some(format!(
                    "grp_{}",
                    subject_name.replace("this.", "").replace('.', "_")
                ));
                context_of.extend(events.iter().copied());
                VariableClass::Share
            };
            let name = subject_name.clone();
            let decl_msg = format!("`{name}` is declared here");

            // blocks-replication / process-local-cache
            if startup_declared && !events.is_empty() {
                let mut blocking: Vec<&Use> = Vec::new();
                let mut caching: Vec<&Use> = Vec::new();
                let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
                for u in uses
                    .iter()
                    .filter(|u| u.writes() && events.contains(&u.fluxion))
                {
                    if !seen.insert((u.write_range.start, u.write_range.end)) {
                        continue;
                    }
                    if is_guarded(program, file, u, &name) {
                        caching.push(u);
                    } else {
                        blocking.push(u);
                    }
                }
                let mut start_point = |f: FlxIx| -> Option<(FileIx, TextRange, String)> {
                    // from the declaring fluxion, else from any file's main (cross-file registration)
                    let path = declaring.iter().chain(&mains).copied().find_map(|d| {
                        paths
                            .path(d, f)
                            .filter(|p| p.iter().any(|e| pipeline.edges[*e].is_stream()))
                    })?;
                    let e = path.iter().find(|e| pipeline.edges[**e].is_stream())?;
                    let r = &pipeline.ruptures[pipeline.edges[*e].rupture];
                    Some((r.file, r.callee_range.clone(), r.callee.clone()))
                };
                for u in &blocking {
                    let flx = &pipeline.fluxions[u.fluxion];
                    let sp = start_point(u.fluxion);
                    let what = if u.mutation && !u.write {
                        "mutated"
                    } else {
                        "written"
                    };
                    let mut message = format!(
                        "`{name}` outlives one event but is {what} in fluxion `{}`",
                        flx.name
                    );
                    if let Some((_, _, callee)) = &sp {
                        message.push_str(&format!(", downstream of start point `{callee}`"));
                    }
                    message.push_str(": each replica would keep its own copy");
                    let mut related = vec![(file, decl.clone(), decl_msg.clone())];
                    if let Some((f, r, callee)) = sp {
                        related.push((
                            f,
                            r,
                            format!(
                                "start rupture point `{callee}`: its listener runs once per event"
                            ),
                        ));
                    }
                    related.extend(via_notes(&u.via));
                    for other in blocking.iter().filter(|o| o.write_range != u.write_range) {
                        related.push((
                            file,
                            other.write_range.clone(),
                            format!("`{name}` is also written here"),
                        ));
                    }
                    out.findings.push(RawFinding {
                        file,
                        code: Code::BlocksReplication,
                        message,
                        range: u.write_range.clone(),
                        binding: Some((name.clone(), decl.clone())),
                        fluxion: u.fluxion,
                        related,
                    });
                }
                if blocking.is_empty() {
                    if let Some(u) = caching.first() {
                        let mut related = vec![(file, decl.clone(), decl_msg.clone())];
                        related.extend(caching.iter().skip(1).map(|o| {
                            (
                                file,
                                o.write_range.clone(),
                                format!("`{name}` is also filled here"),
                            )
                        }));
                        out.findings.push(RawFinding {
                            file,
                            code: Code::ProcessLocalCache,
                            message: format!(
                                "`{name}` is filled once per process (initialisation or memoisation) in fluxion `{}`: each replica keeps its own copy, which is usually intended",
                                pipeline.fluxions[u.fluxion].name
                            ),
                            range: u.write_range.clone(),
                            binding: Some((name.clone(), decl.clone())),
                            fluxion: u.fluxion,
                            related,
                        });
                    }
                }
            }

            // lost-update: read before a post rupture point, written after it, in one chain.
            if !events.is_empty() {
                let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
                // the read depends only on the writing fluxion: one scan each
                let mut read_for: HashMap<FlxIx, Option<&Use>> = HashMap::default();
                for w in uses
                    .iter()
                    .filter(|u| u.writes() && events.contains(&u.fluxion))
                {
                    if reported.contains(&(w.write_range.start, w.write_range.end))
                        || is_guarded(program, file, w, &name)
                    {
                        continue;
                    }
                    let read = *read_for.entry(w.fluxion).or_insert_with(|| {
                        uses.iter().find(|r| {
                            !r.writes()
                                && r.fluxion != w.fluxion
                                && events.contains(&r.fluxion)
                                && reach(r.fluxion).get(&w.fluxion) == Some(&false)
                        })
                    });
                    if let Some(r) = read {
                        reported.insert((w.write_range.start, w.write_range.end));
                        let mut related = vec![(
                            file,
                            r.range.clone(),
                            format!("`{name}` is read here, before the asynchronous step"),
                        )];
                        if let Some(path) = paths.path(r.fluxion, w.fluxion) {
                            if let Some(e) = path.first() {
                                let rp = &pipeline.ruptures[pipeline.edges[*e].rupture];
                                related.push((
                                    rp.file,
                                    rp.range.clone(),
                                    format!(
                                        "post rupture point `{}`: other events run here",
                                        rp.callee
                                    ),
                                ));
                            }
                        }
                        related.push((file, decl.clone(), decl_msg.clone()));
                        out.findings.push(RawFinding {
                            file,
                            code: Code::LostUpdate,
                            message: format!(
                                "`{name}` is read in fluxion `{}` and written here, in `{}`, after an asynchronous step: concurrent events can overwrite each other's update",
                                pipeline.fluxions[r.fluxion].name, pipeline.fluxions[w.fluxion].name
                            ),
                            range: w.write_range.clone(),
                            binding: Some((name.clone(), decl.clone())),
                            fluxion: w.fluxion,
                            related,
                        });
                    }
                }
            }

            // shared-state (a value filled once per process forces nothing in practice)
            let only_caching = uses
                .iter()
                .filter(|u| u.writes() && events.contains(&u.fluxion))
                .all(|u| is_guarded(program, file, u, &name));
            if class == VariableClass::Share && !only_caching {
                // members in source order
                let mut ordered: Vec<FlxIx> = events.iter().copied().collect();
                ordered.sort_by_key(|f| fluxion_position(program, pipeline, *f));
                let members: Vec<String> = ordered
                    .iter()
                    .map(|f| format!("`{}`", pipeline.fluxions[*f].name))
                    .collect();
                let mut related: Vec<(FileIx, TextRange, String)> = Vec::new();
                for f in &ordered {
                    let of_f = || uses.iter().filter(|u| u.fluxion == *f);
                    if let Some(u) = of_f().find(|u| u.writes()).or_else(|| of_f().next()) {
                        let verb = if u.writes() { "written" } else { "read" };
                        related.push((
                            file,
                            u.range.clone(),
                            format!("{verb} in `{}`", pipeline.fluxions[*f].name),
                        ));
                    }
                }
                out.findings.push(RawFinding {
                    file,
                    code: Code::SharedState,
                    message: format!(
                        "`{name}` is shared by fluxions {}: they must run in one group ({})",
                        members.join(", "),
                        group.as_deref().unwrap_or_default()
                    ),
                    range: decl.clone(),
                    binding: Some((name.clone(), decl.clone())),
                    fluxion: owner,
                    related,
                });
            }

            // upstream-mutation: a per-event object mutated by a continuation.
            if !startup_declared {
                let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
                // After an `await` the function keeps its own frame: only a
                // callback boundary makes the object travel with a message.
                let across_callback = |f: FlxIx| pipeline.fluxions[f].unit.func != decl_func;
                for u in uses.iter().filter(|u| {
                    u.mutation
                        && !u.write
                        && post_chain.contains(&u.fluxion)
                        && across_callback(u.fluxion)
                }) {
                    if !seen.insert((u.write_range.start, u.write_range.end)) {
                        continue;
                    }
                    out.findings.push(RawFinding {
                        file,
                        code: Code::UpstreamMutation,
                        message: format!(
                            "`{name}` comes from upstream fluxion `{}` and is mutated here, in `{}`: the change has to travel back with the message",
                            pipeline.fluxions[owner].name, pipeline.fluxions[u.fluxion].name
                        ),
                        range: u.write_range.clone(),
                        binding: Some((name.clone(), decl.clone())),
                        fluxion: u.fluxion,
                        related: vec![(file, decl.clone(), decl_msg.clone())],
                    });
                }
            }

            out.variables.push(Classified {
                file,
                name,
                decl: decl.clone(),
                class,
                persistent: !events.is_empty(),
                owner,
                uses,
                group,
                context_of,
                streamed_to: post_chain.into_iter().collect(),
            });
        }
    }

    library_stores(program, pipeline, &mut out);
    per_replica_jobs(pipeline, &mut out);

    // unresolved-callback
    for r in &pipeline.ruptures {
        for (target, _) in &r.callbacks {
            if let crate::pipeline::CallbackTarget::Unresolved { range, text } = target {
                let owner = pipeline
                    .owners
                    .get(&r.unit)
                    .and_then(|o| o.first())
                    .map_or(0, |(f, _)| *f);
                let kind = if r.kind == StreamKind::Start {
                    "start"
                } else {
                    "post"
                };
                out.findings.push(RawFinding {
                    file: r.file,
                    code: Code::UnresolvedCallback,
                    message: format!(
                        "the callback `{text}` of {kind} point `{}` is not statically known: the state it uses is not analysed",
                        r.callee
                    ),
                    range: range.clone(),
                    binding: None,
                    fluxion: owner,
                    related: vec![(r.file, r.callee_range.clone(), format!("{kind} rupture point `{}`", r.callee))],
                });
            }
        }
    }
    out
}

fn via_notes(via: &[(FileIx, TextRange)]) -> Vec<(FileIx, TextRange, String)> {
    via.iter()
        .map(|(f, r)| (*f, r.clone(), "reached through this call".to_string()))
        .collect()
}

/// Edges of a shortest path between two fluxions.
/// Shortest edge paths, with one breadth-first tree per source fluxion kept:
/// rules ask for paths from the same few fluxions (mains, declarers) once
/// per use. A breadth-first search stopped at `to` labels `to` and its
/// ancestors exactly as the full search does, so the paths are the same.
pub struct Paths<'p> {
    pipeline: &'p Pipeline,
    /// source → (fluxion → the edge that first reached it)
    trees: HashMap<FlxIx, HashMap<FlxIx, usize>>,
}

impl<'p> Paths<'p> {
    pub fn new(pipeline: &'p Pipeline) -> Self {
        Paths {
            pipeline,
            trees: HashMap::default(),
        }
    }

    /// The edges (indexes) of a shortest path `from` → `to`; empty when equal.
    pub fn path(&mut self, from: FlxIx, to: FlxIx) -> Option<Vec<usize>> {
        if from == to {
            return Some(Vec::new());
        }
        let pipeline = self.pipeline;
        let prev = self
            .trees
            .entry(from)
            .or_insert_with(|| bfs_tree(pipeline, from));
        let mut path = vec![*prev.get(&to)?];
        let mut cur = pipeline.edges[path[0]].from;
        while cur != from {
            let pe = prev[&cur];
            path.push(pe);
            cur = pipeline.edges[pe].from;
        }
        path.reverse();
        Some(path)
    }
}

fn bfs_tree(pipeline: &Pipeline, from: FlxIx) -> HashMap<FlxIx, usize> {
    let mut prev: HashMap<FlxIx, usize> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(f) = queue.pop_front() {
        for &i in &pipeline.out_edges[f] {
            let to = pipeline.edges[i].to;
            if to == from || prev.contains_key(&to) {
                continue;
            }
            prev.insert(to, i);
            queue.push_back(to);
        }
    }
    prev
}

/// The expression that writes: the mutation's range, else the assignment or
/// update expression around the identifier.
fn write_expression<'t>(
    parents: &Parents<'t>,
    ident: Option<Node<'t>>,
    mutation: Option<TextRange>,
) -> Option<Node<'t>> {
    let ident = ident?;
    if let Some(m) = mutation {
        let mut n = ident;
        while let Some(p) = parents.of(n) {
            n = p;
            if n.byte_range() == m {
                return Some(n);
            }
            if n.start_byte() < m.start || n.end_byte() > m.end {
                break;
            }
        }
        return None;
    }
    let mut n = ident;
    for _ in 0..3 {
        let p = parents.of(n)?;
        match p.kind_name() {
            "assignment_expression" | "augmented_assignment_expression" | "update_expression" => {
                return Some(p)
            }
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "array_pattern"
            | "object_pattern"
            | "pair_pattern"
            | "shorthand_property_identifier_pattern" => n = p,
            _ => return None,
        }
    }
    None
}

/// The identifier a member/call chain is rooted at (`a` of `a.b[c].d()`).
fn root_name<'a>(text: &'a str, node: Node<'_>) -> Option<&'a str> {
    let mut n = unparen(node);
    loop {
        match n.kind_name() {
            "identifier" => return Some(text_of(text, n)),
            "member_expression" | "subscript_expression" => n = unparen(n.field("object")?),
            "call_expression" => n = unparen(n.field("function")?),
            _ => return None,
        }
    }
}

/// Does `cond` test that `name` (or something in it) is not there yet?
/// `!x`, `!x.has(k)`, `!x[k]`, `x == null`, `x === undefined`,
/// `typeof x === 'undefined'`, `!(k in x)`.
fn tests_absence(text: &str, cond: Node<'_>, name: &str) -> bool {
    let cond = unparen(cond);
    match cond.kind_name() {
        "unary_expression" => {
            let op = cond.field("operator").map(|o| o.kind_name());
            let arg = cond.field("argument");
            match (op, arg) {
                (Some("!"), Some(a)) => {
                    let a = unparen(a);
                    if a.kind_name() == "binary_expression"
                        && a.field("operator").map(|o| o.kind_name()) == Some("in")
                    {
                        return a.field("right").and_then(|r| root_name(text, r)) == Some(name);
                    }
                    root_name(text, a) == Some(name)
                }
                _ => false,
            }
        }
        "binary_expression" => {
            let op = cond.field("operator").map(|o| o.kind_name());
            let (Some(l), Some(r)) = (cond.field("left"), cond.field("right")) else {
                return false;
            };
            match op {
                Some("||" | "&&") => tests_absence(text, l, name) || tests_absence(text, r, name),
                Some("==" | "===") => {
                    let nullish = |n: Node<'_>| {
                        matches!(
                            text_of(text, n),
                            "null" | "undefined" | "'undefined'" | "\"undefined\""
                        )
                    };
                    let rooted = |n: Node<'_>| {
                        root_name(text, n) == Some(name)
                            || (n.kind_name() == "unary_expression"
                                && n.field("argument").and_then(|a| root_name(text, a))
                                    == Some(name))
                    };
                    (rooted(l) && nullish(r)) || (rooted(r) && nullish(l))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Is a write a once-only initialisation or a get-or-compute memoisation?
fn is_guarded(program: &Program<'_>, file: FileIx, u: &Use, name: &str) -> bool {
    let facts = &program.files[file];
    let text = facts.text;
    let Some(write) = facts.node_at(&u.write_range) else {
        return false;
    };
    let write = {
        let mut w = write;
        while let Some(p) = facts.parents.of(w) {
            if p.byte_range() == u.write_range && p.kind_name() != "expression_statement" {
                w = p;
            } else {
                break;
            }
        }
        w
    };
    // x ||= v, x ??= v
    if write.kind_name() == "augmented_assignment_expression" {
        let op = write.field("operator").map(|o| text_of(text, o));
        if matches!(op, Some("||=" | "??=")) {
            return true;
        }
    }
    // x = x || v ; cache[k] = cache[k] || v
    if write.kind_name() == "assignment_expression" {
        if let (Some(l), Some(r)) = (write.field("left"), write.field("right")) {
            let r = unparen(r);
            if r.kind_name() == "binary_expression"
                && matches!(
                    r.field("operator").map(|o| o.kind_name()),
                    Some("||" | "??")
                )
                && r.field("left").map(|x| text_of(text, x)) == Some(text_of(text, l))
            {
                return true;
            }
        }
    }
    // Walk up to the function boundary looking for a guard.
    let mut child = write;
    let mut node = facts.parents.of(write);
    while let Some(n) = node {
        match n.kind_name() {
            "function_expression"
            | "arrow_function"
            | "function_declaration"
            | "method_definition" => return false,
            "if_statement" => {
                let in_consequence = n.field("consequence").is_some_and(|c| c.id() == child.id());
                if in_consequence
                    && n.field("condition")
                        .is_some_and(|c| tests_absence(text, c, name))
                {
                    return true;
                }
            }
            "binary_expression" => {
                // return cache[k] || (cache[k] = compute())
                let op = n.field("operator").map(|o| o.kind_name());
                if matches!(op, Some("||" | "??"))
                    && n.field("right").is_some_and(|r| r.id() == child.id())
                    && n.field("left").and_then(|l| root_name(text, l)) == Some(name)
                {
                    return true;
                }
            }
            "statement_block" | "program" => {
                // an earlier `if (x) return …;` / `if (x.has(k)) return x.get(k);` in the same block
                let mut c = n.walk();
                for s in n.named_children(&mut c) {
                    if s.start_byte() >= child.start_byte() {
                        break;
                    }
                    if s.kind_name() == "if_statement" {
                        let cond = s.field("condition").map(unparen);
                        let cons = s.field("consequence");
                        let returns = cons.is_some_and(|c| {
                            c.kind_name() == "return_statement"
                                || (c.kind_name() == "statement_block"
                                    && c.named_child(0)
                                        .is_some_and(|f| f.kind_name() == "return_statement"))
                        });
                        if returns && cond.and_then(|c| root_name(text, c)) == Some(name) {
                            return true;
                        }
                    }
                }
            }
            _ => {}
        }
        child = n;
        node = facts.parents.of(n);
    }
    false
}

/// The fields (`this.NAME`) of each class of a file, as subjects. A field is
/// created when its instance is: by the constructor (or the fluxions that
/// say `new C()`), else by the first method that writes it.
fn field_subjects(program: &Program<'_>, pipeline: &Pipeline, file: FileIx) -> Vec<Subject> {
    let facts = &program.files[file];
    let text = facts.text;
    let mut fields: BTreeMap<(usize, String), (Node<'_>, Vec<Node<'_>>)> = BTreeMap::new();
    for m in &facts.this_members {
        let Some((class, false)) = facts.class_of_this(*m) else {
            continue;
        };
        let Some(prop) = m.field("property") else {
            continue;
        };
        let name = format!("this.{}", text_of(text, prop));
        fields
            .entry((class.start_byte(), name))
            .or_insert_with(|| (class, Vec::new()))
            .1
            .push(*m);
    }
    let owners_of = |unit: Unit| -> BTreeSet<FlxIx> {
        pipeline
            .owners
            .get(&unit)
            .into_iter()
            .flatten()
            .map(|(f, _)| *f)
            .collect()
    };
    let main = pipeline.unit_fluxion[&Unit {
        file,
        func: None,
        segment: 0,
    }];
    let mut out = Vec::new();
    for ((_, name), (class, members)) in fields {
        let mut uses = Vec::new();
        let mut first_write: Option<(TextRange, Unit)> = None;
        for m in &members {
            let (write, mutation, write_node) = member_access(text, &facts.parents, *m);
            let mutation =
                mutation && !write_node.is_some_and(|n| calls_run_method(program, file, n));
            let mut offset = m.start_byte();
            if let (true, Some(w)) = (write || mutation, write_node) {
                if let Some(aw) = facts.last_await_in(w) {
                    offset = aw;
                }
            }
            let unit =
                crate::pipeline::unit_of(program, file, facts.function_at(m.start_byte()), offset);
            if (write || mutation) && first_write.is_none() {
                first_write = Some((m.byte_range(), unit));
            }
            let write_range = write_node.map_or(m.byte_range(), |n| n.byte_range());
            for (f, via) in pipeline.owners.get(&unit).into_iter().flatten() {
                uses.push(Use {
                    range: m.byte_range(),
                    write_range: write_range.clone(),
                    fluxion: *f,
                    write,
                    mutation,
                    via: via.clone(),
                });
            }
        }
        // Where the instance is built: constructor, else `new C()` sites, else start-up.
        let construction: BTreeSet<FlxIx> = {
            let ctor = program.member(
                &crate::program::Value::Instance { file, node: class },
                "constructor",
                8,
            );
            let mut set = match ctor {
                crate::program::Value::Func { node, .. } => match facts.function_of(node) {
                    Some(fx) => owners_of(Unit {
                        file,
                        func: Some(fx),
                        segment: 0,
                    }),
                    None => BTreeSet::new(),
                },
                _ => BTreeSet::new(),
            };
            if set.is_empty() {
                for u in pipeline
                    .instantiations
                    .get(&(file, class.id()))
                    .into_iter()
                    .flatten()
                {
                    set.extend(owners_of(*u));
                }
            }
            if set.is_empty() {
                set.insert(main);
            }
            set
        };
        let field_def = class_field(text, class, &name["this.".len()..])
            .or_else(|| ts_parameter_property(text, class, &name["this.".len()..]));
        let (decl, declaring, decl_func) = match (field_def, &first_write) {
            (Some(def), _) => (def, construction, None),
            // a field first written outside the constructor still lives on the instance
            (None, Some((range, unit))) => (range.clone(), construction, unit.func),
            (None, None) => continue, // only read here: declared elsewhere
        };
        out.push(Subject {
            file,
            name,
            decl,
            declaring,
            decl_func,
            uses,
            binding: None,
        });
    }
    out
}

/// The property of a non-static class field definition `name = …`.
fn class_field(text: &str, class: Node<'_>, name: &str) -> Option<TextRange> {
    let body = class.field("body")?;
    let mut c = body.walk();
    let found = body.named_children(&mut c).find_map(|m| {
        if !matches!(
            m.kind_name(),
            "field_definition" | "public_field_definition"
        ) {
            return None;
        }
        let mut c2 = m.walk();
        if m.children(&mut c2).any(|k| k.kind_name() == "static") {
            return None;
        }
        // JavaScript names the field `property`, TypeScript `name`
        let prop = m.field("property").or_else(|| m.field("name"))?;
        (text_of(text, prop) == name).then(|| prop.byte_range())
    });
    found
}

/// `store.add(x)` where `add` is a method of the run (`this.itemsService.delete(id)`
/// on an injected service) is a call, not a mutation by name: what the method
/// writes is analysed in its body.
fn calls_run_method<'t>(program: &Program<'t>, file: FileIx, node: Node<'t>) -> bool {
    node.kind_name() == "call_expression"
        && crate::program::callee(node).is_some_and(|c| {
            matches!(
                program.eval(file, c, 16),
                crate::program::Value::Func { .. }
            )
        })
}

/// A TypeScript parameter property (`constructor(private store: Store)`)
/// declares the field `this.store`, assigned when the instance is built: its
/// declaration is the parameter's name.
fn ts_parameter_property(text: &str, class: Node<'_>, name: &str) -> Option<TextRange> {
    let param = crate::program::parameter_property(text, class, name)?;
    Some(param.field("pattern")?.byte_range())
}

/// How a member expression (`this.x`) is used: written (`this.x = v`,
/// `this.x++`), or its object mutated (`this.x.y = v`, `this.x.push(v)`,
/// `delete this.x[k]`, `Object.assign(this.x, …)`); with the writing expression.
fn member_access<'t>(
    text: &str,
    parents: &Parents<'t>,
    node: Node<'t>,
) -> (bool, bool, Option<Node<'t>>) {
    let is_target = |p: Node<'t>, n: Node<'t>| match p.kind_name() {
        "assignment_expression" | "augmented_assignment_expression" => {
            p.field("left").is_some_and(|l| l.id() == n.id())
        }
        "update_expression" => true,
        "unary_expression" => p
            .field("operator")
            .is_some_and(|o| o.kind_name() == "delete"),
        _ => false,
    };
    let Some(parent) = parents.of(node) else {
        return (false, false, None);
    };
    if is_target(parent, node) {
        return (true, false, Some(parent));
    }
    // climb the member chain rooted at this node
    let mut top = node;
    while let Some(p) = parents.of(top) {
        // `this.x!.push(v)`, `(this.x as T[]).push(v)`: TypeScript's wrappers hold `this.x`
        if matches!(
            p.kind_name(),
            "parenthesized_expression"
                | "non_null_expression"
                | "as_expression"
                | "satisfies_expression"
        ) {
            top = p;
            continue;
        }
        let is_object = matches!(p.kind_name(), "member_expression" | "subscript_expression")
            && p.field("object").is_some_and(|o| o.id() == top.id());
        if !is_object {
            break;
        }
        if let Some(pp) = parents.of(p) {
            if is_target(pp, p) {
                return (false, true, Some(pp));
            }
            if pp.kind_name() == "call_expression"
                && pp.field("function").is_some_and(|f| f.id() == p.id())
                && p.field("property")
                    .is_some_and(|m| crate::scope::MUTATING_METHODS.contains(&text_of(text, m)))
            {
                return (false, true, Some(pp));
            }
        }
        top = p;
    }
    // Object.assign(this.x, …) and friends
    if let Some(args) = parents.of(top).filter(|p| p.kind_name() == "arguments") {
        if args.named_child(0).is_some_and(|a| a.id() == top.id()) {
            if let Some(call) = parents.of(args) {
                let callee = call.field("function").map(|f| text_of(text, f));
                if matches!(
                    callee,
                    Some(
                        "Object.assign"
                            | "Object.defineProperty"
                            | "Object.defineProperties"
                            | "Object.setPrototypeOf"
                    )
                ) {
                    return (false, true, Some(call));
                }
            }
        }
    }
    (false, false, None)
}

/// Library-owned in-process stores (`session()` without `store`, socket.io's
/// default adapter): `blocks-replication` where the store is mounted on a
/// start point, or where it is created.
fn library_stores(program: &Program<'_>, pipeline: &Pipeline, out: &mut Outcome) {
    use crate::catalog::StoreSite;
    use crate::program::Value;
    // Calls of one of `names` in the store's own file; with `on`, only on the
    // store itself (`io.adapter(…)` where `io` holds it): the result must not
    // depend on unrelated files of the run.
    let called = |file: FileIx, names: &[String], on: Option<&(String, TextRange)>| {
        let facts = &program.files[file];
        facts.calls.iter().any(|(c, _)| {
            crate::program::callee(*c).is_some_and(|f| {
                f.kind_name() == "member_expression"
                    && f.field("property")
                        .is_some_and(|p| names.iter().any(|n| n == text_of(facts.text, p)))
                    && on.is_none_or(|(_, decl)| {
                        f.field("object")
                            .and_then(|o| facts.reference_at(o.start_byte()))
                            .and_then(|r| r.binding)
                            .is_some_and(|b| facts.scopes.binding(b).decl == *decl)
                    })
            })
        })
    };
    for st in &pipeline.stores {
        let facts = &program.files[st.file];
        let Some(call) = facts
            .node_at(&st.call)
            .map(|n| climb_exact(&facts.parents, n, &st.call))
        else {
            continue;
        };
        let owners: Vec<FlxIx> = pipeline
            .owners
            .get(&st.unit)
            .into_iter()
            .flatten()
            .map(|(f, _)| *f)
            .collect();
        // created per request or per connection: not shared between events
        if owners.iter().any(|f| pipeline.per_event[*f]) {
            continue;
        }
        let owner = owners.first().copied().unwrap_or(0);
        let holder = holder_of(facts, call);
        for store in &st.stores {
            let args = facts.arguments(call);
            let mut opaque = false;
            let moved = args.iter().any(|a| match program.eval(st.file, *a, 8) {
                Value::Object { file, node } => object_keys(program.files[file].text, node)
                    .iter()
                    .any(|k| store.unless.iter().any(|u| u == k) || k == "..."),
                Value::Unknown
                    if matches!(
                        unparen(*a).kind_name(),
                        "identifier" | "member_expression" | "call_expression"
                    ) =>
                {
                    opaque = true;
                    false
                }
                _ => false,
            });
            if moved
                || (opaque && !store.unless.is_empty())
                || (!store.unless_called.is_empty()
                    && holder
                        .as_ref()
                        .is_some_and(|h| called(st.file, &store.unless_called, Some(h))))
                || (!store.when_called.is_empty() && !called(st.file, &store.when_called, None))
            {
                continue;
            }
            let mut message = store.message.clone();
            if let Some(instead) = &store.instead {
                message.push_str(&format!("; use {instead} instead"));
            }
            if let Some(url) = &store.url {
                message.push_str(&format!(" ({url})"));
            }
            let mounts: Vec<&crate::pipeline::Rupture> = if store.at == StoreSite::Mount {
                pipeline
                    .ruptures
                    .iter()
                    .filter(|r| r.kind == StreamKind::Start && !r.one_shot)
                    .filter(|r| {
                        r.args
                            .iter()
                            .any(|a| mounts_store(program, r.file, a, st, holder.as_ref()))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let created = (
                st.file,
                st.call.clone(),
                "the store is created here, in this process".to_string(),
            );
            if mounts.is_empty() {
                out.findings.push(RawFinding {
                    file: st.file,
                    code: Code::BlocksReplication,
                    message: message.clone(),
                    range: st.call.clone(),
                    binding: holder.clone(),
                    fluxion: owner,
                    related: Vec::new(),
                });
            }
            for m in mounts {
                let flx = pipeline
                    .owners
                    .get(&m.unit)
                    .and_then(|o| o.first())
                    .map_or(owner, |(f, _)| *f);
                out.findings.push(RawFinding {
                    file: m.file,
                    code: Code::BlocksReplication,
                    message: format!("mounted on start point `{}`: {message}", m.callee),
                    range: m.range.clone(),
                    binding: holder.clone(),
                    fluxion: flx,
                    related: vec![created.clone()],
                });
            }
        }
    }
}

/// Does a start point's argument hold the store made by `st`?
fn mounts_store(
    program: &Program<'_>,
    file: FileIx,
    arg: &TextRange,
    st: &crate::pipeline::LibraryStore,
    holder: Option<&(String, TextRange)>,
) -> bool {
    if file == st.file && *arg == st.call {
        return true;
    }
    let facts = &program.files[file];
    let (Some((_, decl)), Some(r)) = (holder, facts.reference_at(arg.start)) else {
        return false;
    };
    file == st.file
        && r.range == *arg
        && r.binding
            .is_some_and(|b| facts.scopes.binding(b).decl == *decl)
}

/// The variable a call's result is stored in: `const limiter = rateLimit()`.
fn holder_of<'t>(
    facts: &crate::program::FileFacts<'t>,
    call: Node<'t>,
) -> Option<(String, TextRange)> {
    let parent = facts.parents.of(call)?;
    let name = match parent.kind_name() {
        "variable_declarator" => parent.field("name")?,
        "assignment_expression" => parent.field("left")?,
        _ => return None,
    };
    (name.kind_name() == "identifier")
        .then(|| (text_of(facts.text, name).to_string(), name.byte_range()))
}

/// The keys of an object literal (`...` for a spread, which may hold any key).
fn object_keys(text: &str, object: Node<'_>) -> Vec<String> {
    let mut c = object.walk();
    let keys = object
        .named_children(&mut c)
        .filter_map(|p| match p.kind_name() {
            "pair" => p
                .field("key")
                .map(|k| text_of(text, k).trim_matches(['"', '\'']).to_string()),
            "shorthand_property_identifier" => Some(text_of(text, p).to_string()),
            "method_definition" => p.field("name").map(|k| text_of(text, k).to_string()),
            "spread_element" => Some("...".to_string()),
            _ => None,
        })
        .collect();
    keys
}

/// The outermost node with exactly `range`.
fn climb_exact<'t>(parents: &Parents<'t>, mut node: Node<'t>, range: &TextRange) -> Node<'t> {
    while let Some(p) = parents.of(node) {
        if p.byte_range() == *range {
            node = p;
        } else {
            break;
        }
    }
    node
}

/// Timers and cron jobs registered at start-up run in every replica.
fn per_replica_jobs(pipeline: &Pipeline, out: &mut Outcome) {
    for r in &pipeline.ruptures {
        let Some(job) = &r.job else { continue };
        let owners: Vec<FlxIx> = pipeline
            .owners
            .get(&r.unit)
            .into_iter()
            .flatten()
            .map(|(f, _)| *f)
            .collect();
        if r.kind != StreamKind::Start
            || owners.is_empty()
            || owners.iter().any(|f| pipeline.per_event[*f])
        {
            continue;
        }
        let mut message = format!("`{}`: {}", r.callee, job.message);
        if let Some(instead) = &job.instead {
            message.push_str(&format!("; if it must run once, use {instead}"));
        }
        if let Some(url) = &job.url {
            message.push_str(&format!(" ({url})"));
        }
        out.findings.push(RawFinding {
            file: r.file,
            code: Code::PerReplicaJob,
            message,
            range: r.callee_range.clone(),
            binding: None,
            fluxion: owners[0],
            related: Vec::new(),
        });
    }
}

/// A mutation through an alias is a mutation of what it aliases:
/// `const conf = this.config.relay; conf.port = p` writes `this.config`, and
/// `const list = clients; list.push(c)` writes `clients`. An alias is a
/// binding initialised with a plain member chain or identifier; copies
/// (`{ ...x }`, `Object.assign({}, x)`, `structuredClone(x)`) are calls or
/// literals, not aliases.
fn add_alias_mutations(program: &Program<'_>, subjects: &mut [Subject]) {
    let mut extra: Vec<(usize, Vec<Use>)> = Vec::new();
    let index = SubjectIndex::new(subjects);
    for s in subjects.iter() {
        let Some(b) = s.binding else { continue };
        let facts = &program.files[s.file];
        let binding = facts.scopes.binding(b);
        if !binding.path.is_empty() {
            continue;
        }
        let Some(init) = binding
            .init
            .as_ref()
            .and_then(|r| facts.node_at(r))
            .map(|n| climb_exact(&facts.parents, n, binding.init.as_ref().unwrap()))
        else {
            continue;
        };
        let init = unparen(init);
        if !matches!(
            init.kind_name(),
            "member_expression" | "subscript_expression" | "identifier"
        ) {
            continue;
        }
        // the root of the chain: an identifier, or `this.field`
        let mut root = init;
        let mut this_field = None;
        loop {
            match root.kind_name() {
                "member_expression" | "subscript_expression" => {
                    let Some(object) = root.field("object").map(unparen) else {
                        break;
                    };
                    if object.kind_name() == "this" && root.kind_name() == "member_expression" {
                        this_field = root
                            .field("property")
                            .map(|p| format!("this.{}", text_of(facts.text, p)));
                        break;
                    }
                    root = object;
                }
                _ => break,
            }
        }
        let target = match (&this_field, root.kind_name()) {
            // the field of the class around the alias
            (Some(field), _) => facts
                .class_of_this(init)
                .and_then(|(c, _)| index.field_in(subjects, s.file, field, &c.byte_range())),
            (None, "identifier") => {
                let rb = facts
                    .reference_at(root.start_byte())
                    .and_then(|r| r.binding);
                rb.and_then(|rb| index.by_binding.get(&(s.file, rb)).copied())
            }
            _ => None,
        };
        let Some(target) = target else { continue };
        let mutations: Vec<Use> = s.uses.iter().filter(|u| u.mutation).cloned().collect();
        if !mutations.is_empty() {
            extra.push((target, mutations));
        }
    }
    apply_uses(subjects, extra);
    // parameter and element aliases compose (a parameter of a helper that
    // mutates an element of a field): propagate to a fixed point, bounded
    // (adding uses leaves the index of subjects as it is)
    let mut aliases = Aliases::new(program, index, subjects.len());
    for _ in 0..4 {
        let extra = aliases.round(program, subjects);
        if !apply_uses(subjects, extra) {
            break;
        }
    }
}

/// Subjects by binding, and fields (`this.x`) by name, in subject order: the
/// first match of a lookup is the one a scan of every subject would find.
struct SubjectIndex {
    by_binding: HashMap<(FileIx, BindingId), usize>,
    fields: HashMap<(FileIx, String), Vec<usize>>,
}

impl SubjectIndex {
    fn new(subjects: &[Subject]) -> Self {
        let mut index = SubjectIndex {
            by_binding: HashMap::default(),
            fields: HashMap::default(),
        };
        for (i, t) in subjects.iter().enumerate() {
            match t.binding {
                Some(b) => {
                    index.by_binding.entry((t.file, b)).or_insert(i);
                }
                None => index
                    .fields
                    .entry((t.file, t.name.clone()))
                    .or_default()
                    .push(i),
            }
        }
        index
    }

    /// The first field subject `name` of `file` declared or used within the
    /// class spanning `class`.
    fn field_in(
        &self,
        subjects: &[Subject],
        file: FileIx,
        name: &str,
        class: &std::ops::Range<usize>,
    ) -> Option<usize> {
        self.fields
            .get(&(file, name.to_string()))?
            .iter()
            .copied()
            .find(|&i| {
                let t = &subjects[i];
                class.contains(&t.decl.start)
                    || t.uses.iter().any(|u| class.contains(&u.range.start))
            })
    }
}

/// Adds uses to subjects, skipping ones they have; true if any was new.
fn apply_uses(subjects: &mut [Subject], extra: Vec<(usize, Vec<Use>)>) -> bool {
    type Key = (usize, usize, FlxIx, bool, bool);
    let key = |u: &Use| -> Key { (u.range.start, u.range.end, u.fluxion, u.mutation, u.write) };
    // what each target has, built on first need: a scan per added use is
    // quadratic for a much-aliased subject
    let mut have: HashMap<usize, crate::scope::FxSet<Key>> = HashMap::default();
    let mut changed = false;
    for (target, uses) in extra {
        let set = have
            .entry(target)
            .or_insert_with(|| subjects[target].uses.iter().map(key).collect());
        for u in uses {
            if set.insert(key(&u)) {
                subjects[target].uses.push(u);
                changed = true;
            }
        }
    }
    changed
}

/// Two more ways an object is reached under another name:
/// - a parameter holds what its call sites pass: `this.collect(span)` and
///   `collect(s) { s.os.push(x) }` mutate `span`;
/// - an element belongs to its container: after `this.spans.push(span)`,
///   mutating `span` mutates the state `this.spans` holds.
///
/// Where each subject is passed or put (its *sites*) depends on the program
/// only, so it is found once, when the subject first has a mutation to
/// propagate; each round of the fixed point then only copies mutations
/// along the sites (walking every reference of every file per round was a
/// tenth of a jQuery keystroke).
struct Aliases {
    index: SubjectIndex,
    /// Per file, the references (not declarations) of each binding.
    refs_of: Vec<HashMap<BindingId, Vec<usize>>>,
    sites: Vec<Option<Vec<AliasSite>>>,
}

/// What a parameter is passed, or an element put into.
enum AliasSite {
    Subject(usize),
    /// `this.name` in the class spanning `class`: which field subject it is
    /// depends on the fields' uses, which the rounds extend.
    Field {
        file: FileIx,
        name: String,
        class: std::ops::Range<usize>,
    },
}

impl Aliases {
    fn new(program: &Program<'_>, index: SubjectIndex, subjects: usize) -> Aliases {
        let refs_of = program
            .files
            .iter()
            .map(|facts| {
                let mut refs: HashMap<BindingId, Vec<usize>> = HashMap::default();
                for (i, r) in facts.scopes.references.iter().enumerate() {
                    if let (Some(b), false) = (r.binding, r.declaration) {
                        refs.entry(b).or_default().push(i);
                    }
                }
                refs
            })
            .collect();
        Aliases {
            index,
            refs_of,
            sites: (0..subjects).map(|_| None).collect(),
        }
    }

    /// One round: each subject's mutations, for every subject it reaches.
    fn round(&mut self, program: &Program<'_>, subjects: &[Subject]) -> Vec<(usize, Vec<Use>)> {
        let mut extra = Vec::new();
        for (i, s) in subjects.iter().enumerate() {
            let Some(b) = s.binding else { continue };
            if !s.uses.iter().any(|u| u.mutation) {
                continue;
            }
            let mutations: Vec<Use> = s.uses.iter().filter(|u| u.mutation).cloned().collect();
            if self.sites[i].is_none() {
                self.sites[i] = Some(self.find_sites(program, s, b));
            }
            for site in self.sites[i].iter().flatten() {
                let target = match site {
                    AliasSite::Subject(t) => Some(*t),
                    AliasSite::Field { file, name, class } => {
                        self.index.field_in(subjects, *file, name, class)
                    }
                };
                if let Some(target) = target {
                    extra.push((target, mutations.clone()));
                }
            }
        }
        extra
    }

    fn find_sites(&self, program: &Program<'_>, s: &Subject, b: BindingId) -> Vec<AliasSite> {
        use crate::scope::BindingKind;
        let facts = &program.files[s.file];
        let site_of = |node: Node<'_>| -> Option<AliasSite> {
            let node = unparen(node);
            match node.kind_name() {
                "identifier" => {
                    let b = facts.reference_at(node.start_byte())?.binding?;
                    self.index
                        .by_binding
                        .get(&(s.file, b))
                        .map(|&t| AliasSite::Subject(t))
                }
                "member_expression"
                    if node
                        .field("object")
                        .is_some_and(|o| o.kind_name() == "this") =>
                {
                    Some(AliasSite::Field {
                        file: s.file,
                        name: format!("this.{}", text_of(facts.text, node.field("property")?)),
                        class: facts.class_of_this(node)?.0.byte_range(),
                    })
                }
                _ => None,
            }
        };
        let mut sites = Vec::new();
        let binding = facts.scopes.binding(b);
        // parameters: every call site's argument
        if let (BindingKind::Param { index }, true) = (binding.kind, binding.path.is_empty()) {
            if let Some(func) = facts
                .function_at(binding.decl.start)
                .map(|f| &facts.functions[f])
            {
                if let Some(name) = &func.name {
                    for call in facts.calls_named(name) {
                        let calls_it = crate::program::callee(call).is_some_and(|c| {
                            matches!(program.eval(s.file, c, 12), crate::program::Value::Func { node, .. } if node.id() == func.node.id())
                        });
                        let arg = facts.arguments(call).get(index).copied();
                        if let (true, Some(site)) = (calls_it, arg.and_then(site_of)) {
                            sites.push(site);
                        }
                    }
                }
            }
        }
        // elements: `container.push(x)`, `.add(x)`, `.set(k, x)`, `.unshift(x)`
        for r in self.refs_of[s.file]
            .get(&b)
            .into_iter()
            .flatten()
            .map(|&i| &facts.scopes.references[i])
        {
            let Some(ident) = facts.node_at(&r.range) else {
                continue;
            };
            let Some(call) = facts
                .parents
                .of(ident)
                .filter(|p| p.kind_name() == "arguments")
                .and_then(|a| facts.parents.of(a))
            else {
                continue;
            };
            let Some(f) =
                crate::program::callee(call).filter(|f| f.kind_name() == "member_expression")
            else {
                continue;
            };
            let method = f.field("property").map(|p| text_of(facts.text, p));
            if !matches!(method, Some("push" | "add" | "set" | "unshift")) {
                continue;
            }
            if let Some(site) = f.field("object").and_then(site_of) {
                sites.push(site);
            }
        }
        sites
    }
}

/// Where a fluxion starts: (file, byte offset), for stable, readable orders.
fn fluxion_position(
    program: &Program<'_>,
    pipeline: &Pipeline,
    f: FlxIx,
) -> (FileIx, usize, usize) {
    let unit = pipeline.fluxions[f].unit;
    let start = unit.func.map_or(0, |fx| {
        let func = &program.files[unit.file].functions[fx];
        match unit.segment {
            0 => func.node.start_byte(),
            k => func.awaits[k - 1].end_byte(),
        }
    });
    (unit.file, start, unit.segment)
}
