//! Refactorings that isolate a variable, so that one replica no longer keeps
//! state another one needs: move a declaration into the fluxion that uses it,
//! read a per-event snapshot downstream, pass a capture explicitly to a
//! continuation.
//!
//! Candidates are computed from the plain [`FileAnalysis`], the text and a
//! scope analysis of the tree ([`candidates`]); each is then **verified**
//! ([`verify`]): the edited text parses with no new syntax error, its
//! re-analysis no longer reports the findings the action targets (or, for a
//! rewrite, the downstream code no longer reads the shared binding), and no
//! finding appears that was not there before. Only verified actions are offered.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use flux_analysis::scope::{self, BindingKind, ScopeTree};
use flux_analysis::{
    Callback, Code, FileAnalysis, Finding, Fluxion, FluxionId, FluxionKind, StreamKind, TextRange,
    Variable,
};
use tree_sitter::{Node, Tree};

use crate::db::{config_for, file_analysis, file_facts, run_paths, Db, SourceFile};

/// Replace `range` by `text` (an insertion when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsolationKind {
    /// Delete an upstream declaration, declare it at the top of the one fluxion that uses it.
    MoveDeclaration,
    /// `const NAME_snapshot = NAME;` where the event starts; downstream reads use it.
    Snapshot,
    /// A capture becomes an argument of the continuation (timer arguments or `.bind`).
    PassExplicitly,
}

impl IsolationKind {
    /// Safe enough to apply without looking (`source.fixAll.flux`).
    pub fn fix_all(self) -> bool {
        matches!(
            self,
            IsolationKind::MoveDeclaration | IsolationKind::PassExplicitly
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Isolation {
    pub kind: IsolationKind,
    /// Says what happens: "Move `buf` into `handler`".
    pub title: String,
    /// The binding's name and declaring identifier.
    pub name: String,
    pub decl: TextRange,
    /// The findings this action removes (empty: a plain rewrite).
    pub findings: Vec<Finding>,
    /// Sorted, non-overlapping.
    pub edits: Vec<Edit>,
    /// Where a cursor offers the action: the declaration and the accesses it changes.
    pub anchors: Vec<TextRange>,
    /// Ranges that, after the edit, must hold no access to the binding (mapped
    /// through the edits by [`verify`]).
    pub cleared: Vec<TextRange>,
}

/// `text` with `edits` applied (sorted, non-overlapping).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

fn delta(e: &Edit) -> isize {
    e.text.len() as isize - e.range.len() as isize
}

/// Where `range` lands after `edits`: insertions at its start are before it,
/// insertions at its end after it.
pub fn map_range(edits: &[Edit], range: &TextRange) -> TextRange {
    let start: isize = edits
        .iter()
        .filter(|e| e.range.end <= range.start)
        .map(delta)
        .sum();
    let end: isize = edits
        .iter()
        .filter(|e| e.range.start < range.end && e.range.end <= range.end)
        .map(delta)
        .sum();
    (range.start as isize + start) as usize..(range.end as isize + end) as usize
}

fn overlaps(a: &[Edit], b: &[Edit]) -> bool {
    a.iter().any(|x| {
        b.iter()
            .any(|y| x.range.start <= y.range.end && y.range.start <= x.range.end)
    })
}

/// Merges the edits of several actions; `None` when two touch the same place.
pub fn merge(actions: &[&Isolation]) -> Option<Vec<Edit>> {
    let mut all: Vec<Edit> = Vec::new();
    for a in actions {
        if overlaps(&all, &a.edits) {
            return None;
        }
        all.extend(a.edits.iter().cloned());
    }
    all.sort_by_key(|e| (e.range.start, e.range.end));
    Some(all)
}

fn fluxion(analysis: &FileAnalysis, id: FluxionId) -> Option<&Fluxion> {
    analysis.fluxions.iter().find(|f| f.id == id)
}

fn contains(outer: &TextRange, inner: &TextRange) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn node_at<'t>(tree: &'t Tree, range: &TextRange) -> Option<Node<'t>> {
    let mut node = tree
        .root_node()
        .named_descendant_for_byte_range(range.start, range.end)?;
    // The outermost node with exactly this range (a call, not its callee).
    while let Some(p) = node.parent() {
        if p.byte_range() != *range {
            break;
        }
        node = p;
    }
    (node.byte_range() == *range).then_some(node)
}

/// The innermost named node with exactly this range (an identifier, not its declarator).
fn innermost_at<'t>(tree: &'t Tree, range: &TextRange) -> Option<Node<'t>> {
    tree.root_node()
        .named_descendant_for_byte_range(range.start, range.end)
        .filter(|n| n.byte_range() == *range)
}

fn is_function(node: &Node<'_>) -> bool {
    matches!(
        node.kind(),
        "function_expression" | "function" | "arrow_function" | "function_declaration"
    )
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

fn indent_of_line(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let rest = &text[start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// An insertion of `statement` as the first statement of `body` (a
/// `statement_block`), on its own line, indented like the body.
fn insert_first(text: &str, body: Node<'_>, statement: &str) -> Edit {
    let open = body.start_byte() + 1;
    let first = body.named_child(0);
    let nl = eol(text);
    match first {
        Some(first) if line_start(text, first.start_byte()) > body.start_byte() => {
            let indent = indent_of_line(text, first.start_byte());
            let at = line_start(text, first.start_byte());
            Edit {
                range: at..at,
                text: format!("{indent}{statement}{nl}"),
            }
        }
        _ => {
            let indent = format!("{}  ", indent_of_line(text, body.start_byte()));
            Edit {
                range: open..open,
                text: format!("{nl}{indent}{statement}"),
            }
        }
    }
}

/// A literal whose value a fresh evaluation re-creates: `[]`, `{}`, `new Map()`, `0`, `''`, `null`, …
fn recreatable(node: Node<'_>, text: &str) -> bool {
    match node.kind() {
        "number" | "string" | "null" | "true" | "false" | "undefined" => true,
        "array" | "object" => node.named_child_count() == 0,
        "template_string" => node.named_child_count() == 0,
        "identifier" => &text[node.byte_range()] == "undefined",
        "new_expression" => {
            let ctor = node
                .child_by_field_name("constructor")
                .map(|c| &text[c.byte_range()]);
            let args = node.child_by_field_name("arguments");
            matches!(
                ctor,
                Some("Map" | "Set" | "WeakMap" | "WeakSet" | "Array" | "Object")
            ) && args.is_none_or(|a| a.named_child_count() == 0)
        }
        "parenthesized_expression" => node.named_child(0).is_some_and(|c| recreatable(c, text)),
        _ => false,
    }
}

fn word_occurs(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(is_word)
            && !text[i + word.len()..].chars().next().is_some_and(is_word)
    })
}

struct Ctx<'a> {
    analysis: &'a FileAnalysis,
    text: &'a str,
    tree: &'a Tree,
    scopes: ScopeTree,
    /// Indices into `scopes.references`, by binding.
    by_binding: BTreeMap<scope::BindingId, Vec<usize>>,
}

impl Ctx<'_> {
    fn binding(&self, decl: &TextRange) -> Option<scope::BindingId> {
        self.scopes.binding_declared_at(decl)
    }

    fn references(&self, b: scope::BindingId) -> Vec<&scope::Reference> {
        self.by_binding
            .get(&b)
            .into_iter()
            .flatten()
            .map(|i| &self.scopes.references[*i])
            .filter(|r| !r.declaration)
            .collect()
    }

    fn findings_on(&self, v: &Variable) -> Vec<Finding> {
        self.analysis
            .findings
            .iter()
            .filter(|f| f.binding.as_ref().is_some_and(|b| b.range == v.decl))
            .filter(|f| f.code != Code::UnusedSuppression)
            .cloned()
            .collect()
    }

    /// Per event: a non-one-shot start stream leads to the fluxion.
    fn per_event(&self, id: FluxionId) -> bool {
        self.listener_of(id).is_some()
    }

    /// The listener whose event starts the chain `id` is in.
    fn listener_of(&self, id: FluxionId) -> Option<FluxionId> {
        let mut seen = BTreeSet::new();
        let mut at = id;
        while seen.insert(at) {
            let f = fluxion(self.analysis, at)?;
            let (up, kind, rp) = f.upstream?;
            if kind == StreamKind::Start
                && self
                    .analysis
                    .rupture_points
                    .get(rp)
                    .is_some_and(|rp| !rp.one_shot)
            {
                return Some(at);
            }
            at = up;
        }
        None
    }

    fn function_node(&self, f: &Fluxion) -> Option<Node<'_>> {
        if !matches!(f.kind, FluxionKind::Listener | FluxionKind::Continuation) {
            return None;
        }
        node_at(self.tree, &f.range).filter(is_function)
    }
}

/// Every isolation the analysis suggests, unverified.
pub fn candidates(analysis: &FileAnalysis, text: &str, tree: &Tree) -> Vec<Isolation> {
    let scopes = scope::analyze(tree, text);
    let mut by_binding: BTreeMap<scope::BindingId, Vec<usize>> = BTreeMap::new();
    for (i, r) in scopes.references.iter().enumerate() {
        if let Some(b) = r.binding {
            by_binding.entry(b).or_default().push(i);
        }
    }
    let ctx = Ctx {
        analysis,
        text,
        tree,
        scopes,
        by_binding,
    };
    let mut out = Vec::new();
    for v in &analysis.variables {
        out.extend(move_declaration(&ctx, v));
        out.extend(snapshot(&ctx, v));
    }
    out.extend(pass_explicitly(&ctx));
    out
}

fn move_declaration(ctx: &Ctx<'_>, v: &Variable) -> Option<Isolation> {
    let text = ctx.text;
    let ident = innermost_at(ctx.tree, &v.decl)?;
    let declarator = ident.parent()?;
    if declarator.kind() != "variable_declarator"
        || declarator.child_by_field_name("name")?.byte_range() != v.decl
    {
        return None;
    }
    let declaration = declarator.parent()?;
    if !matches!(
        declaration.kind(),
        "lexical_declaration" | "variable_declaration"
    ) || !matches!(declaration.parent()?.kind(), "program" | "statement_block")
    {
        return None;
    }
    let keyword = &text[declaration.child(0)?.byte_range()];
    let b = ctx.binding(&v.decl)?;
    let binding = ctx.scopes.binding(b);
    if !matches!(
        binding.kind,
        BindingKind::Var | BindingKind::Let | BindingKind::Const
    ) {
        return None;
    }
    let refs = ctx.references(b);
    let first = refs.iter().min_by_key(|r| r.range.start)?;
    // The innermost listener or continuation holding every reference.
    let target = ctx
        .analysis
        .fluxions
        .iter()
        .filter(|f| matches!(f.kind, FluxionKind::Listener | FluxionKind::Continuation))
        .filter(|f| !contains(&f.range, &v.decl))
        .filter(|f| refs.iter().all(|r| contains(&f.range, &r.range)))
        .min_by_key(|f| f.range.len())?;
    let func = ctx.function_node(target)?;
    let body = func.child_by_field_name("body")?;
    if body.kind() != "statement_block" {
        return None;
    }
    let init = declarator.child_by_field_name("value");
    let init_text = match init {
        Some(init) if recreatable(init, text) => Some(&text[init.byte_range()]),
        Some(_) => return None,
        None => {
            // Assigned before any read: the first reference is a plain
            // assignment statement directly in the body.
            let node = innermost_at(ctx.tree, &first.range)?;
            let assignment = node.parent()?;
            let statement = assignment.parent()?;
            if !first.write
                || first.read
                || first.mutation.is_some()
                || assignment.kind() != "assignment_expression"
                || statement.kind() != "expression_statement"
                || statement.parent()?.id() != body.id()
            {
                return None;
            }
            None
        }
    };
    let keyword = match (keyword, init_text) {
        ("const", Some(_)) => "const",
        ("const", None) => return None,
        _ => "let",
    };
    let statement = match init_text {
        Some(init) => format!("{keyword} {} = {init};", v.name),
        None => format!("{keyword} {};", v.name),
    };
    let removal = declarator_removal(text, declaration, declarator)?;
    let mut edits = vec![removal, insert_first(text, body, &statement)];
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    if overlaps(&edits[..1], &edits[1..]) {
        return None;
    }
    let mut anchors = vec![v.decl.clone()];
    anchors.extend(refs.iter().map(|r| r.range.clone()));
    Some(Isolation {
        kind: IsolationKind::MoveDeclaration,
        title: format!("Move `{}` into `{}`", v.name, target.name),
        name: v.name.clone(),
        decl: v.decl.clone(),
        findings: ctx.findings_on(v),
        edits,
        anchors,
        cleared: Vec::new(),
    })
}

/// Deletes one declarator: the whole statement (and its line) when it is the
/// only one, else the declarator and one adjacent comma.
fn declarator_removal(text: &str, declaration: Node<'_>, declarator: Node<'_>) -> Option<Edit> {
    let mut cursor = declaration.walk();
    let declarators: Vec<Node<'_>> = declaration
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "variable_declarator")
        .collect();
    let i = declarators.iter().position(|d| d.id() == declarator.id())?;
    let range = if declarators.len() == 1 {
        let r = declaration.byte_range();
        let cut = crate::features::comment_removal(text, &r);
        // A statement sharing its line keeps the line.
        if cut.start < r.start || cut.end > r.end {
            cut
        } else {
            r
        }
    } else if i > 0 {
        declarators[i - 1].end_byte()..declarator.end_byte()
    } else {
        declarator.start_byte()..declarators[1].start_byte()
    };
    Some(Edit {
        range,
        text: String::new(),
    })
}

fn snapshot(ctx: &Ctx<'_>, v: &Variable) -> Vec<Isolation> {
    let analysis = ctx.analysis;
    let kind_of = |id: FluxionId| fluxion(analysis, id).map(|f| f.kind);
    if !v.persistent
        || v.accesses
            .iter()
            .any(|a| (a.write || a.mutation) && ctx.per_event(a.fluxion))
    {
        return Vec::new();
    }
    let Some(b) = ctx.binding(&v.decl) else {
        return Vec::new();
    };
    let refs = ctx.references(b);
    // Reads in post-continuations of a listener, by listener.
    let mut by_listener: BTreeMap<FluxionId, Vec<TextRange>> = BTreeMap::new();
    let mut downstream: BTreeMap<FluxionId, Vec<TextRange>> = BTreeMap::new();
    for a in &v.accesses {
        if a.write
            || a.mutation
            || !a.via.is_empty()
            || !matches!(
                kind_of(a.fluxion),
                Some(FluxionKind::Continuation | FluxionKind::AfterAwait)
            )
        {
            continue;
        }
        let Some(listener) = ctx.listener_of(a.fluxion) else {
            continue;
        };
        // The reference must be a plain read of this binding.
        if !refs
            .iter()
            .any(|r| r.range == a.range && r.read && !r.write && r.mutation.is_none())
        {
            continue;
        }
        by_listener
            .entry(listener)
            .or_default()
            .push(a.range.clone());
        if let Some(d) = fluxion(analysis, a.fluxion) {
            downstream
                .entry(listener)
                .or_default()
                .push(d.range.clone());
        }
    }
    let mut snap = format!("{}_snapshot", v.name);
    let mut n = 2;
    while word_occurs(ctx.text, &snap) {
        snap = format!("{}_snapshot{n}", v.name);
        n += 1;
    }
    let mut out = Vec::new();
    for (listener, mut reads) in by_listener {
        let Some(l) = fluxion(analysis, listener) else {
            continue;
        };
        let Some(func) = ctx.function_node(l) else {
            continue;
        };
        let Some(body) = func.child_by_field_name("body") else {
            continue;
        };
        if body.kind() != "statement_block" {
            continue;
        }
        reads.sort_by_key(|r| r.start);
        reads.dedup();
        if reads.iter().any(|r| !contains(&body.byte_range(), r)) {
            continue;
        }
        let mut edits = vec![insert_first(
            ctx.text,
            body,
            &format!("const {snap} = {};", v.name),
        )];
        for r in &reads {
            let shorthand = innermost_at(ctx.tree, r)
                .is_some_and(|n| n.kind() == "shorthand_property_identifier");
            edits.push(Edit {
                range: r.clone(),
                text: if shorthand {
                    format!("{}: {snap}", v.name)
                } else {
                    snap.clone()
                },
            });
        }
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
            continue;
        }
        let findings: Vec<Finding> = ctx
            .findings_on(v)
            .into_iter()
            .filter(|f| {
                reads
                    .iter()
                    .any(|r| contains(&f.range, r) || contains(r, &f.range))
            })
            .collect();
        let mut anchors = vec![v.decl.clone()];
        anchors.extend(reads.iter().cloned());
        out.push(Isolation {
            kind: IsolationKind::Snapshot,
            title: format!(
                "Read `{}` from a snapshot taken when `{}` starts",
                v.name, l.name
            ),
            name: v.name.clone(),
            decl: v.decl.clone(),
            findings,
            edits,
            anchors,
            cleared: downstream.remove(&listener).unwrap_or_default(),
        });
    }
    out
}

/// Callees that pass their extra arguments to the callback, and where those begin.
fn timer_extra_from(callee: &str) -> Option<usize> {
    match callee {
        "setTimeout" | "setInterval" | "global.setTimeout" | "globalThis.setTimeout" => Some(2),
        "setImmediate" | "process.nextTick" | "global.setImmediate" | "globalThis.setImmediate" => {
            Some(1)
        }
        _ => None,
    }
}

fn pass_explicitly(ctx: &Ctx<'_>) -> Vec<Isolation> {
    let analysis = ctx.analysis;
    let mut out = Vec::new();
    for rp in &analysis.rupture_points {
        if rp.kind != StreamKind::Post || rp.origin == flux_analysis::Origin::Await {
            continue;
        }
        let Some(call) = node_at(ctx.tree, &rp.range).filter(|n| n.kind() == "call_expression")
        else {
            continue;
        };
        let Some(args) = call
            .child_by_field_name("arguments")
            .filter(|a| a.kind() == "arguments")
        else {
            continue;
        };
        let mut cursor = args.walk();
        let arg_nodes: Vec<Node<'_>> = args
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .collect();
        for cb in &rp.callbacks {
            let Callback::Fluxion(id) = cb else { continue };
            let Some(f) = fluxion(analysis, *id) else {
                continue;
            };
            let Some(func) = arg_nodes
                .iter()
                .position(|a| a.byte_range() == f.range && is_function(a))
            else {
                continue;
            };
            let func_node = arg_nodes[func];
            for v in &analysis.variables {
                if let Some(iso) = pass_one(ctx, rp, call, args, &arg_nodes, func, func_node, f, v)
                {
                    out.push(iso);
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn pass_one(
    ctx: &Ctx<'_>,
    rp: &flux_analysis::RupturePoint,
    call: Node<'_>,
    args: Node<'_>,
    arg_nodes: &[Node<'_>],
    func_index: usize,
    func: Node<'_>,
    f: &Fluxion,
    v: &Variable,
) -> Option<Isolation> {
    let text = ctx.text;
    let f_range = func.byte_range();
    if contains(&f_range, &v.decl) || !v.accesses.iter().any(|a| a.fluxion == f.id) {
        return None;
    }
    let b = ctx.binding(&v.decl)?;
    let binding = ctx.scopes.binding(b);
    if !matches!(
        binding.kind,
        BindingKind::Var | BindingKind::Let | BindingKind::Const | BindingKind::Param { .. }
    ) {
        return None;
    }
    let refs = ctx.references(b);
    let inside: Vec<&&scope::Reference> = refs
        .iter()
        .filter(|r| contains(&f_range, &r.range))
        .collect();
    // Only read (or mutated) inside: an assignment would no longer reach the outer binding.
    if inside.is_empty() || inside.iter().any(|r| r.write) {
        return None;
    }
    // The value at the call is the value the callback would have read.
    if binding.kind != BindingKind::Const {
        let declared_in = binding.scope;
        if refs
            .iter()
            .any(|r| r.write && r.range.start >= call.start_byte())
        {
            return None;
        }
        // A loop around the call within the binding's scope could write it again.
        let scope_range = ctx.scopes.scope(declared_in).range.clone();
        let mut n = call.parent();
        while let Some(p) = n {
            if !contains(&scope_range, &p.byte_range()) || p.byte_range() == scope_range {
                break;
            }
            if matches!(
                p.kind(),
                "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
            ) && refs
                .iter()
                .any(|r| r.write && contains(&p.byte_range(), &r.range))
            {
                return None;
            }
            n = p.parent();
        }
    }
    let params = func.child_by_field_name("parameters");
    let single = func.child_by_field_name("parameter");
    let param_count = match (params, single) {
        (Some(p), _) => {
            let mut c = p.walk();
            let nodes: Vec<Node<'_>> = p
                .named_children(&mut c)
                .filter(|n| n.kind() != "comment")
                .collect();
            if nodes.iter().any(|n| n.kind() == "rest_pattern") {
                return None;
            }
            nodes.len()
        }
        (None, Some(_)) => 1,
        (None, None) => return None,
    };
    let name = &v.name;
    let mut edits = Vec::new();
    let how;
    if let Some(extra_from) = timer_extra_from(&rp.callee).filter(|_| func_index == 0) {
        let extras = arg_nodes.len().saturating_sub(extra_from);
        if param_count != extras {
            return None;
        }
        // Append `x` to the call's arguments (a missing delay becomes `0`).
        let close = args.end_byte() - 1;
        let last_end = arg_nodes.last()?.end_byte();
        let missing_delay = extra_from == 2 && arg_nodes.len() < 2;
        let arg_text = if missing_delay {
            format!(", 0, {name}")
        } else {
            format!(", {name}")
        };
        if text[last_end..close].trim() == "," {
            return None; // trailing comma: keep it simple
        }
        edits.push(Edit {
            range: last_end..last_end,
            text: arg_text,
        });
        edits.push(param_edit(text, params, single, name, false)?);
        how = format!("as an argument of `{}`", rp.callee);
    } else {
        // `.bind(null, x)` changes `this`: only where the function does not use it.
        if func.kind() != "arrow_function" && {
            let body = &text[f_range.clone()];
            word_occurs(body, "this") || word_occurs(body, "arguments")
        } {
            return None;
        }
        edits.push(param_edit(text, params, single, name, true)?);
        if func.kind() == "arrow_function" {
            edits.push(Edit {
                range: f_range.start..f_range.start,
                text: "(".into(),
            });
            edits.push(Edit {
                range: f_range.end..f_range.end,
                text: format!(").bind(null, {name})"),
            });
        } else {
            edits.push(Edit {
                range: f_range.end..f_range.end,
                text: format!(".bind(null, {name})"),
            });
        }
        how = "with `.bind`".to_string();
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let findings: Vec<Finding> = ctx
        .findings_on(v)
        .into_iter()
        .filter(|fi| contains(&f_range, &fi.range))
        .collect();
    let mut anchors = vec![rp.callee_range.clone()];
    anchors.extend(inside.iter().map(|r| r.range.clone()));
    Some(Isolation {
        kind: IsolationKind::PassExplicitly,
        title: format!("Pass `{name}` to `{}` explicitly {how}", f.name),
        name: name.clone(),
        decl: v.decl.clone(),
        findings,
        edits,
        anchors,
        cleared: vec![f_range],
    })
}

/// Adds `name` as the first (`prepend`) or last parameter.
fn param_edit(
    text: &str,
    params: Option<Node<'_>>,
    single: Option<Node<'_>>,
    name: &str,
    prepend: bool,
) -> Option<Edit> {
    if let Some(p) = params {
        let open = p.start_byte() + 1;
        let close = p.end_byte() - 1;
        let empty = text[open..close].trim().is_empty();
        return Some(if empty {
            Edit {
                range: open..close,
                text: name.to_string(),
            }
        } else if prepend {
            Edit {
                range: open..open,
                text: format!("{name}, "),
            }
        } else {
            let mut c = p.walk();
            let last = p.named_children(&mut c).last()?.end_byte();
            Edit {
                range: last..last,
                text: format!(", {name}"),
            }
        });
    }
    let s = single?;
    let p = &text[s.byte_range()];
    Some(Edit {
        range: s.byte_range(),
        text: if prepend {
            format!("({name}, {p})")
        } else {
            format!("({p}, {name})")
        },
    })
}

fn finding_keys(findings: &[Finding]) -> BTreeMap<(Code, Option<String>), usize> {
    let mut keys = BTreeMap::new();
    for f in findings {
        *keys
            .entry((f.code, f.binding.as_ref().map(|b| b.name.clone())))
            .or_insert(0) += 1;
    }
    keys
}

/// Whether `edits` (one action, or several merged) do what they promise:
/// the new text parses with no new syntax error; every finding of `targets`
/// is gone; no finding (code, binding) appears that was not there; and no
/// access to a binding of `cleared` remains in its range.
pub fn verify(
    before: &FileAnalysis,
    after_text: &str,
    after: &FileAnalysis,
    edits: &[Edit],
    targets: &[&Isolation],
) -> bool {
    let dialect = flux_syntax::Dialect::of_path(&before.path);
    let tree = flux_syntax::parse(after_text, dialect);
    if flux_syntax::syntax_errors(&tree).len() > before.syntax_errors.len() {
        return false;
    }
    let old = finding_keys(&before.findings);
    let mut expected = old.clone();
    for t in targets {
        for f in &t.findings {
            if let Some(n) = expected.get_mut(&(f.code, Some(t.name.clone()))) {
                *n = n.saturating_sub(1);
            }
        }
    }
    let new = finding_keys(&after.findings);
    if new
        .iter()
        .any(|(k, n)| *n > expected.get(k).copied().unwrap_or(0))
    {
        return false;
    }
    for t in targets {
        for cleared in &t.cleared {
            let range = map_range(edits, cleared);
            let decl = map_range(edits, &t.decl);
            let still = after
                .variables
                .iter()
                .filter(|v| v.name == t.name && v.decl == decl)
                .flat_map(|v| &v.accesses)
                .any(|a| contains(&range, &a.range));
            if still {
                return false;
            }
        }
    }
    true
}

/// The verified isolations of `file` whose anchors meet `within` (all when `None`).
pub fn isolations(db: &dyn Db, file: SourceFile, within: Option<&TextRange>) -> Vec<Isolation> {
    let analysis = file_analysis(db, file);
    let text = file.text(db);
    let meets = |r: &TextRange| within.is_none_or(|w| r.start <= w.end && w.start <= r.end);
    // Each verification re-analyses the run: bounded in count and time, so a
    // cursor move in a 10,000-line file stays answerable.
    let deadline = std::time::Instant::now() + VERIFY_BUDGET;
    candidates(analysis, text, &crate::db::tree_of(db, file))
        .into_iter()
        .filter(|c| c.anchors.iter().any(meets))
        .take(MAX_VERIFIED)
        .filter(|c| {
            db.unwind_if_revision_cancelled();
            if std::time::Instant::now() > deadline {
                return false;
            }
            let after_text = apply(text, &c.edits);
            let after = reanalyse(db, file, &after_text);
            verify(analysis, &after_text, &after, &c.edits, &[c])
        })
        .collect()
}

/// At most this many candidates are re-analysed per request …
pub const MAX_VERIFIED: usize = 24;
/// … and none is started after this long (the rest are not offered).
pub const VERIFY_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// `source.fixAll.flux`: the verified move-declaration and pass-explicitly
/// actions that combine (added one by one, the whole re-verified each time).
pub fn fix_all(db: &dyn Db, file: SourceFile) -> Option<(Vec<Edit>, Vec<Isolation>)> {
    let analysis = file_analysis(db, file);
    let text = file.text(db);
    let safe: Vec<Isolation> = isolations(db, file, None)
        .into_iter()
        .filter(|i| i.kind.fix_all())
        .collect();
    let mut chosen: Vec<&Isolation> = Vec::new();
    let mut edits = Vec::new();
    for iso in &safe {
        let mut trial = chosen.clone();
        trial.push(iso);
        let Some(merged) = merge(&trial) else {
            continue;
        };
        if chosen.is_empty() {
            // Already verified alone.
            chosen = trial;
            edits = merged;
            continue;
        }
        db.unwind_if_revision_cancelled();
        let after_text = apply(text, &merged);
        let after = reanalyse(db, file, &after_text);
        if verify(analysis, &after_text, &after, &merged, &trial) {
            chosen = trial;
            edits = merged;
        }
    }
    let chosen: Vec<Isolation> = chosen.into_iter().cloned().collect();
    (!chosen.is_empty()).then_some((edits, chosen))
}

/// The file's analysis with `text` in place of its own, in the file's run
/// (the other files keep their parsed trees); a change cancels it.
fn reanalyse(db: &dyn Db, file: SourceFile, text: &str) -> FileAnalysis {
    let by_path = db.files().by_path(db);
    let path = file.path(db);
    let checkpoint = || db.unwind_if_revision_cancelled();
    let dialect = flux_syntax::Dialect::of_path(path);
    let edited = flux_analysis::CollectedFile::collect(
        path,
        Arc::from(text),
        Arc::new(flux_syntax::parse(text, dialect)),
        None, // a candidate's text: the file's scope cache keeps the real one
        &checkpoint,
    );
    // The run's other files keep the facts of their current text.
    let kept: Vec<Option<Arc<flux_analysis::CollectedFile>>> = run_paths(db, file)
        .iter()
        .filter_map(|p| by_path.get(p).copied())
        .map(|f| (f != file).then(|| file_facts(db, f).0.clone()))
        .collect();
    let files: Vec<&flux_analysis::CollectedFile> = kept
        .iter()
        .map(|k| k.as_deref().unwrap_or(&edited))
        .collect();
    let entry = config_for(db, file);
    flux_analysis::analyze_collected(&files, &entry.catalog, &entry.config, &checkpoint)
        .into_iter()
        .find(|a| a.path == *path)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
