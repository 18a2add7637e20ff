//! The facts of the files of one run, and the evaluation of expressions to
//! abstract values through bindings: the first half of rupture-point detection.
//!
//! A value is what the analysis knows an expression holds: a catalog type
//! (`express.Application`), a catalog method not yet called, a function of one
//! of the run's files, an object literal, or a local module's exports.

use std::cell::RefCell;
use std::rc::Rc;
// keys are offsets, ids and short names: FxHash, not SipHash
use crate::scope::FxMap as HashMap;

use flux_syntax::{Node, NodeExt, TextRange, Tree};

use crate::catalog::Catalog;
use crate::scope::{self, BindingKind, FxMap, PathStep, ScopeTree};
use crate::SourceFile;

/// Index of a file in the run.
pub type FileIx = usize;
/// Index of a function in [`FileFacts::functions`].
pub type FnIx = usize;

/// Calls a cancellation checkpoint once every 4,096 nodes a walk visits.
pub(crate) struct Paced<'c> {
    checkpoint: &'c dyn Fn(),
    visited: u32,
}

impl<'c> Paced<'c> {
    pub(crate) fn new(checkpoint: &'c dyn Fn()) -> Self {
        Paced {
            checkpoint,
            visited: 0,
        }
    }

    pub(crate) fn visit(&mut self) {
        self.visited = self.visited.wrapping_add(1);
        if self.visited % 4096 == 0 {
            (self.checkpoint)();
        }
    }
}

pub struct Function<'t> {
    pub node: Node<'t>,
    /// Declared name, else the variable/property it is assigned to.
    pub name: Option<String>,
    /// Return expressions of its own body (an arrow's expression body too).
    pub returns: Vec<Node<'t>>,
    /// `await`s of its own body (not of nested functions), in source order.
    pub awaits: Vec<Node<'t>>,
    /// Calls and `new`s of its own body.
    pub calls: Vec<Node<'t>>,
}

/// The file's named nodes in pre-order, each with its parent, recorded by the
/// facts walk: tree-sitter's `Node::parent` and `descendant_for_byte_range`
/// descend from the root, linear in the siblings at every level (jQuery's
/// factory body holds thousands of statements). One push per node, where a
/// hash map per question cost an insert per node each; questions are answered
/// by binary search, because pre-order is sorted by (start, end descending).
#[derive(Default)]
pub struct Parents<'t> {
    nodes: Vec<Node<'t>>,
    /// `(start, end)` of each node of `nodes`.
    spans: Vec<(u32, u32)>,
    /// Index of each node's parent in `nodes` (`NO_PARENT` for the root).
    parent: Vec<u32>,
    /// Indexes of `nodes` sorted by (start, end descending), when pre-order
    /// is not (zero-width nodes of error recovery can break the order).
    order: Option<Vec<u32>>,
}

const NO_PARENT: u32 = u32::MAX;

fn span_key((start, end): (u32, u32)) -> (u32, std::cmp::Reverse<u32>) {
    (start, std::cmp::Reverse(end))
}

impl<'t> Parents<'t> {
    fn push(&mut self, node: Node<'t>, parent: u32) -> u32 {
        let span = (node.start_byte() as u32, node.end_byte() as u32);
        if self.order.is_none()
            && self
                .spans
                .last()
                .is_some_and(|&last| span_key(last) > span_key(span))
        {
            self.order = Some(Vec::new()); // sorted once the walk is over
        }
        self.nodes.push(node);
        self.spans.push(span);
        self.parent.push(parent);
        (self.nodes.len() - 1) as u32
    }

    fn finish(&mut self) {
        if let Some(order) = &mut self.order {
            *order = (0..self.nodes.len() as u32).collect();
            // stable: among equal spans, pre-order (outermost first) is kept
            order.sort_by_key(|&i| span_key(self.spans[i as usize]));
        }
    }

    /// Indexes in `nodes` of the nodes spanning exactly `span`, outermost first.
    fn spanning(&self, span: (u32, u32)) -> impl Iterator<Item = usize> + '_ {
        let key = span_key(span);
        let at = |k: usize| match &self.order {
            Some(order) => order[k] as usize,
            None => k,
        };
        let first = match &self.order {
            None => self.spans.partition_point(|&s| span_key(s) < key),
            Some(order) => order.partition_point(|&i| span_key(self.spans[i as usize]) < key),
        };
        (first..self.nodes.len())
            .map(at)
            .take_while(move |&i| self.spans[i] == span)
    }

    fn index_of(&self, node: Node<'t>) -> Option<usize> {
        let span = (node.start_byte() as u32, node.end_byte() as u32);
        self.spanning(span)
            .find(|&i| self.nodes[i].id() == node.id())
    }

    /// `node.parent()`, from the index when the walk saw the node.
    /// (Not checked by a debug_assert: `parent()` is O(depth), which made
    /// deep trees quadratic in debug builds; `tests::indexes_agree_with_tree_sitter`
    /// checks instead.)
    pub fn of(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.index_of(node) {
            Some(i) => match self.parent[i] {
                NO_PARENT => None,
                p => Some(self.nodes[p as usize]),
            },
            None => node.parent(),
        }
    }

    /// The innermost named node spanning exactly `range`.
    fn innermost(&self, range: &TextRange) -> Option<Node<'t>> {
        let span = (
            u32::try_from(range.start).ok()?,
            u32::try_from(range.end).ok()?,
        );
        self.spanning(span).last().map(|i| self.nodes[i])
    }
}

/// What a node of the facts walk is to the call it is in.
#[derive(Clone, Copy)]
enum CallRole {
    None,
    /// `calls[k]`
    Call(u32),
    /// The `arguments` of `calls[k]`: its named children are the arguments.
    Arguments(u32),
}

pub struct FileFacts<'t> {
    pub path: &'t str,
    pub text: &'t str,
    pub root: Node<'t>,
    pub parents: Parents<'t>,
    pub scopes: ScopeTree,
    pub functions: Vec<Function<'t>>,
    fn_by_id: FxMap<usize, FnIx>,
    fn_by_range: FxMap<(usize, usize), FnIx>,
    /// Calls, `new`s and `await`s of the module body (outside any function).
    pub top_calls: Vec<Node<'t>>,
    pub top_awaits: Vec<Node<'t>>,
    /// Every call and `new`, in source order, with the function it is in.
    pub calls: Vec<(Node<'t>, Option<FnIx>)>,
    /// The arguments of `calls[k]` are `call_args[call_args_at[k]..call_args_at[k + 1]]`
    /// (walking an `arguments` node's tokens cost more than the analysis of them).
    call_args: Vec<Node<'t>>,
    call_args_at: Vec<u32>,
    /// Every `await`, in source order, with the function it is in.
    awaits: Vec<(Node<'t>, Option<FnIx>)>,
    /// `module.exports = e`
    pub module_exports: Option<Node<'t>>,
    /// `exports.x = e`, `module.exports.x = e`, `export …`
    pub exports: HashMap<String, Node<'t>>,
    /// Comments, for suppressions.
    pub comments: Vec<Node<'t>>,
    lines: flux_syntax::LineIndex,
    /// `this.NAME` member expressions, for instance state.
    pub this_members: Vec<Node<'t>>,
    /// ES5 classes: `X.prototype.m = function …` and `X.prototype = { m … }`,
    /// by constructor name: (method name, function).
    pub proto_methods: HashMap<String, Vec<(String, Node<'t>)>>,
    /// The constructor whose prototype holds a function (by function node id).
    proto_owner: HashMap<usize, String>,
    /// `util.inherits(X, Parent)`: X → Parent expression.
    pub inherits: HashMap<String, Node<'t>>,
    /// Constructor functions of ES5 classes, by name.
    pub es5_classes: HashMap<String, Node<'t>>,
    /// Plain functions always run as `f.call(this, …)` from a class's code:
    /// their `this` is that class's instance. Function node id → class.
    this_bound: HashMap<usize, Node<'t>>,
    /// The first non-declaring write reference of each binding.
    first_write: HashMap<scope::BindingId, usize>,
    /// Calls whose callee is a plain identifier, by that name.
    calls_by_name: HashMap<&'t str, Vec<Node<'t>>>,
    /// Calls of a member (`x.m(…)`), by the member's name.
    calls_by_method: HashMap<&'t str, Vec<Node<'t>>>,
    /// `this.NAME = value` by (class node id, NAME): the first assignment.
    this_assignments: HashMap<(usize, &'t str), Node<'t>>,
}

fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "method_definition"
            | "generator_function"
            | "generator_function_declaration"
    )
}

pub fn text_of<'a>(text: &'a str, node: Node<'_>) -> &'a str {
    text.get(node.byte_range()).unwrap_or("")
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// The string value of a string literal or a template without substitutions.
pub fn string_value(text: &str, node: Node<'_>) -> Option<String> {
    match node.kind_name() {
        "string" => {
            let t = text_of(text, node);
            Some(
                t.get(1..t.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        "template_string" if node.named_child_count() == 0 || !has_substitution(node) => {
            let t = text_of(text, node);
            Some(
                t.get(1..t.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        _ => None,
    }
}

fn has_substitution(node: Node<'_>) -> bool {
    let mut c = node.walk();
    let found = node
        .named_children(&mut c)
        .any(|n| n.kind_name() == "template_substitution");
    found
}

/// A short display of a callee: `app.route(…).get` for a long chain.
pub fn callee_display(text: &str, node: Node<'_>) -> String {
    let mut out = String::new();
    write_callee(text, node, &mut out);
    out
}

/// [`callee_display`] into one buffer: one allocation per callee, not one
/// per link of `a.b.c.d` (every call of a run is displayed for the catalog).
fn write_callee(text: &str, node: Node<'_>, out: &mut String) {
    let node = unparen(node);
    let part = |field: Option<Node<'_>>, out: &mut String| match field {
        Some(f) => write_callee(text, f, out),
        None => out.push('…'),
    };
    match node.kind_name() {
        "identifier" | "this" | "super" => out.push_str(text_of(text, node)),
        "member_expression" => {
            part(node.field("object"), out);
            out.push('.');
            out.push_str(node.field("property").map_or("", |p| text_of(text, p)));
        }
        "call_expression" => {
            part(node.field("function"), out);
            out.push_str("(…)");
        }
        "new_expression" => {
            out.push_str("new ");
            part(node.field("constructor"), out);
            out.push_str("(…)");
        }
        _ => {
            let t = text_of(text, node);
            out.push_str(if t.len() <= 24 && !t.contains('\n') {
                t
            } else {
                "…"
            });
        }
    }
}

/// Skips parentheses, and TypeScript's `x as T`, `x satisfies T`, `x!`
/// and `<T>x`, which hold the value of `x`.
pub fn unparen(mut node: Node<'_>) -> Node<'_> {
    loop {
        let inner = match node.kind_name() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => node.named_child(0),
            // `<T>x`: the type arguments come first
            "type_assertion" => node
                .named_child(1)
                .filter(|n| n.kind_name() != "type_arguments"),
            _ => None,
        };
        match inner {
            Some(inner) => node = inner,
            None => return node,
        }
    }
}

/// A class node: JavaScript's, or TypeScript's abstract class.
pub fn is_class(kind: &str) -> bool {
    matches!(
        kind,
        "class" | "class_declaration" | "abstract_class_declaration"
    )
}

/// The arguments of a call or `new`, without comments, walked from the tree
/// (`FileFacts::arguments` answers from the facts walk's index).
fn arguments<'t>(call: Node<'t>) -> Vec<Node<'t>> {
    let Some(args) = call.field("arguments") else {
        return Vec::new();
    };
    let mut c = args.walk();
    args.named_children(&mut c)
        .filter(|n| n.kind_name() != "comment")
        .collect()
}

/// The callee of a call or `new`.
pub fn callee(call: Node<'_>) -> Option<Node<'_>> {
    call.field("function").or_else(|| call.field("constructor"))
}

/// Name of the first parameter of a function node.
pub fn first_param_name(text: &str, func: Node<'_>) -> Option<String> {
    if let Some(p) = func.field("parameter") {
        return Some(text_of(text, p).to_string());
    }
    let params = func.field("parameters")?;
    let mut c = params.walk();
    let first = params
        .named_children(&mut c)
        .find(|n| n.kind_name() != "comment")?;
    let ident = match first.kind_name() {
        "identifier" => first,
        "assignment_pattern" => first.field("left")?,
        // TypeScript: `(err: Error, data) =>`
        "required_parameter" | "optional_parameter" => first
            .field("pattern")
            .filter(|p| p.kind_name() == "identifier")?,
        _ => return None,
    };
    Some(text_of(text, ident).to_string())
}

impl<'t> FileFacts<'t> {
    /// `checkpoint` is called every few thousand nodes of each walk, so
    /// that a newer edit cancels a multi-megabyte file's walks too.
    pub fn collect(
        file: &SourceFile<'t>,
        tree: &'t Tree,
        scopes: Option<&scope::ScopeCache>,
        checkpoint: &dyn Fn(),
    ) -> FileFacts<'t> {
        let root = tree.root_node();
        let mut facts = FileFacts {
            path: file.path,
            text: file.text,
            root,
            parents: Parents::default(),
            scopes: scope::analyze_with(tree, file.text, scopes, checkpoint),
            functions: Vec::new(),
            fn_by_id: FxMap::default(),
            fn_by_range: FxMap::default(),
            top_calls: Vec::new(),
            top_awaits: Vec::new(),
            calls: Vec::new(),
            call_args: Vec::new(),
            call_args_at: Vec::new(),
            awaits: Vec::new(),
            module_exports: None,
            exports: HashMap::default(),
            comments: Vec::new(),
            lines: flux_syntax::LineIndex::new(file.text),
            this_members: Vec::new(),
            proto_methods: HashMap::default(),
            proto_owner: HashMap::default(),
            inherits: HashMap::default(),
            es5_classes: HashMap::default(),
            calls_by_name: HashMap::default(),
            calls_by_method: HashMap::default(),
            this_assignments: HashMap::default(),
            first_write: HashMap::default(),
            this_bound: HashMap::default(),
        };
        for (i, r) in facts.scopes.references.iter().enumerate() {
            // the first plain write of each binding, for `let x; … x = e;`
            if let Some(b) = r.binding {
                if r.write && !r.declaration {
                    facts.first_write.entry(b).or_insert(i);
                }
            }
        }
        facts.walk(checkpoint);
        facts.find_es5_classes();
        facts.find_call_bound_this();
        facts.index_this_assignments();
        facts
    }

    /// `helper.call(this, …)` inside a class: `helper`'s `this` is the
    /// instance. Two rounds, so helpers called from such helpers count too.
    fn find_call_bound_this(&mut self) {
        for _ in 0..2 {
            let mut found: Vec<(usize, Node<'t>)> = Vec::new();
            for name in ["call", "apply"] {
                for call in self.calls_by_method.get(name).into_iter().flatten() {
                    let Some(f) = call.field("function") else {
                        continue;
                    };
                    let Some(object) = f.field("object").filter(|o| o.kind_name() == "identifier")
                    else {
                        continue;
                    };
                    let Some(this) = self
                        .arguments(*call)
                        .first()
                        .copied()
                        .filter(|a| a.kind_name() == "this")
                    else {
                        continue;
                    };
                    let Some((class, false)) = self.class_of_this(this) else {
                        continue;
                    };
                    let target = self
                        .reference_at(object.start_byte())
                        .and_then(|r| r.binding)
                        .map(|b| self.scopes.binding(b))
                        .and_then(|b| b.init.clone().or(Some(b.declarator.clone())))
                        .and_then(|r| self.node_at(&r).map(|n| (n, r)))
                        .map(|(n, r)| {
                            let mut n = n;
                            while let Some(p) = self.parents.of(n).filter(|p| p.byte_range() == r) {
                                n = p;
                            }
                            n
                        })
                        .filter(|n| {
                            matches!(
                                n.kind_name(),
                                "function_expression" | "function_declaration"
                            )
                        });
                    if let Some(func) = target {
                        found.push((func.id(), class));
                    }
                }
            }
            for (id, class) in found {
                self.this_bound.entry(id).or_insert(class);
            }
        }
    }

    fn index_this_assignments(&mut self) {
        let text = self.text;
        for i in 0..self.this_members.len() {
            let m = self.this_members[i];
            let Some(parent) = self.parents.of(m) else {
                continue;
            };
            if parent.kind_name() != "assignment_expression"
                || parent.field("left").is_none_or(|l| l.id() != m.id())
            {
                continue;
            }
            let (Some(prop), Some(right)) = (m.field("property"), parent.field("right")) else {
                continue;
            };
            if let Some((class, false)) = self.class_of_this(m) {
                self.this_assignments
                    .entry((class.id(), text_of(text, prop)))
                    .or_insert(right);
            }
        }
    }

    /// A function declaration is an ES5 class when its prototype gets
    /// methods, or when it is Capitalised and sets `this.x` (a constructor).
    fn find_es5_classes(&mut self) {
        let mut decls: HashMap<String, Node<'t>> = HashMap::default();
        for f in &self.functions {
            if matches!(
                f.node.kind_name(),
                "function_declaration" | "function_expression"
            ) {
                if let Some(name) = &f.name {
                    decls.entry(name.clone()).or_insert(f.node);
                }
            }
        }
        for name in self.proto_methods.keys().chain(self.inherits.keys()) {
            if let Some(node) = decls.get(name) {
                self.es5_classes.insert(name.clone(), *node);
            }
        }
        for m in &self.this_members {
            let mut n = *m;
            while let Some(p) = self.parents.of(n) {
                if p.kind_name() == "arrow_function" {
                    n = p;
                    continue;
                }
                if is_function(p.kind_name()) {
                    if matches!(
                        p.kind_name(),
                        "function_declaration" | "function_expression"
                    ) {
                        if let Some(name) = self
                            .functions
                            .iter()
                            .find(|f| f.node.id() == p.id())
                            .and_then(|f| f.name.clone())
                        {
                            if name.starts_with(|c: char| c.is_ascii_uppercase())
                                && decls.get(&name).is_some_and(|d| d.id() == p.id())
                            {
                                self.es5_classes.insert(name, p);
                            }
                        }
                    }
                    break;
                }
                n = p;
            }
        }
    }

    /// The class whose `this` a node sees — an ES class or an ES5 constructor
    /// function — and whether it is in a static member.
    pub fn class_of_this(&self, node: Node<'t>) -> Option<(Node<'t>, bool)> {
        let mut n = node;
        for _ in 0..256 {
            let p = self.parents.of(n)?;
            match p.kind_name() {
                "arrow_function" => {}
                "function_expression"
                | "function_declaration"
                | "generator_function"
                | "generator_function_declaration" => {
                    if let Some(owner) = self.proto_owner.get(&p.id()) {
                        return self.es5_classes.get(owner).map(|c| (*c, false));
                    }
                    let is_class = self.es5_classes.values().any(|c| c.id() == p.id());
                    if is_class {
                        return Some((p, false));
                    }
                    return self.this_bound.get(&p.id()).map(|c| (*c, false));
                }
                "method_definition"
                | "field_definition"
                | "public_field_definition"
                | "class_static_block" => {
                    if let Some(owner) = self.proto_owner.get(&p.id()) {
                        return self.es5_classes.get(owner).map(|c| (*c, false));
                    }
                    return enclosing_class(&self.parents, node);
                }
                _ => {}
            }
            n = p;
        }
        None
    }

    /// One pre-order walk with a single cursor (no node stack, no cursor
    /// reset per node) collecting functions, calls, awaits, returns, exports
    /// and comments, and indexing every named node.
    fn walk(&mut self, checkpoint: &dyn Fn()) {
        let mut paced = Paced::new(checkpoint);
        let mut c = self.root.walk();
        let arguments_field = self.root.language().field_id_for_name("arguments");
        // (call index, argument) pairs, grouped by call once the walk is over
        let mut args: Vec<(u32, Node<'t>)> = Vec::new();
        // each named ancestor of the cursor's node: its index in `parents`,
        // the function its children are in, and what it is to a call
        let mut path: Vec<(u32, Option<FnIx>, CallRole)> = Vec::new();
        'walk: loop {
            let node = c.node();
            // anonymous nodes are tokens: neither indexed nor entered
            let entered = node.is_named() && {
                paced.visit();
                let (parent, current, parent_role) =
                    path.last()
                        .copied()
                        .unwrap_or((NO_PARENT, None, CallRole::None));
                let mut role = CallRole::None;
                match parent_role {
                    CallRole::Call(k) if c.field_id() == arguments_field => {
                        role = CallRole::Arguments(k)
                    }
                    CallRole::Arguments(k) if node.kind_name() != "comment" => args.push((k, node)),
                    _ => {}
                }
                let ix = self.parents.push(node, parent);
                let parent = (parent != NO_PARENT).then(|| self.parents.nodes[parent as usize]);
                let calls = self.calls.len();
                let current = self.visit(node, parent, current);
                if self.calls.len() > calls {
                    role = CallRole::Call(calls as u32);
                }
                path.push((ix, current, role));
                true
            };
            if entered {
                if c.goto_first_child() {
                    continue;
                }
                path.pop();
            }
            while !c.goto_next_sibling() {
                if !c.goto_parent() {
                    break 'walk;
                }
                path.pop();
            }
        }
        self.parents.finish();
        args.sort_by_key(|(k, _)| *k); // stable: arguments stay in order
        self.call_args_at = Vec::with_capacity(self.calls.len() + 1);
        let mut next = 0;
        for k in 0..=self.calls.len() as u32 {
            self.call_args_at.push(next as u32);
            while args.get(next).is_some_and(|(call, _)| *call == k) {
                next += 1;
            }
        }
        self.call_args = args.into_iter().map(|(_, n)| n).collect();
    }

    /// Records what `node` is; returns the function its children are in.
    fn visit(
        &mut self,
        node: Node<'t>,
        parent: Option<Node<'t>>,
        mut current: Option<FnIx>,
    ) -> Option<FnIx> {
        let kind = node.kind_name();
        if is_function(kind) {
            let ix = self.functions.len();
            self.functions.push(Function {
                node,
                name: function_name(self.text, parent, node),
                returns: Vec::new(),
                awaits: Vec::new(),
                calls: Vec::new(),
            });
            self.fn_by_id.insert(node.id(), ix);
            self.fn_by_range
                .insert((node.start_byte(), node.end_byte()), ix);
            if kind == "arrow_function" {
                if let Some(body) = node.field("body") {
                    if body.kind_name() != "statement_block" {
                        self.functions[ix].returns.push(body);
                    }
                }
            }
            current = Some(ix);
        }
        match kind {
            "comment" => self.comments.push(node),
            "member_expression" => {
                if node
                    .field("object")
                    .is_some_and(|o| o.kind_name() == "this")
                {
                    self.this_members.push(node);
                }
            }
            "call_expression" | "new_expression" => {
                self.collect_inherits(node);
                match node.field("function") {
                    Some(f) if f.kind_name() == "identifier" => {
                        self.calls_by_name
                            .entry(text_of(self.text, f))
                            .or_default()
                            .push(node);
                    }
                    // `x.m(…)`: indexed by `m`
                    Some(f) if f.kind_name() == "member_expression" => {
                        if let Some(p) = f.field("property") {
                            self.calls_by_method
                                .entry(text_of(self.text, p))
                                .or_default()
                                .push(node);
                        }
                    }
                    _ => {}
                }
                self.calls.push((node, current));
                match current {
                    Some(f) => self.functions[f].calls.push(node),
                    None => self.top_calls.push(node),
                }
            }
            "await_expression" => {
                self.awaits.push((node, current));
                match current {
                    Some(f) => self.functions[f].awaits.push(node),
                    None => self.top_awaits.push(node),
                }
            }
            "return_statement" => {
                if let (Some(f), Some(e)) = (current, node.named_child(0)) {
                    self.functions[f].returns.push(e);
                }
            }
            "assignment_expression" => self.collect_cjs_export(node),
            "export_statement" => self.collect_esm_export(node),
            _ => {}
        }
        current
    }

    fn collect_cjs_export(&mut self, node: Node<'t>) {
        let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
            return;
        };
        let left_text = text_of(self.text, left);
        self.collect_prototype(left_text, right);
        if left_text == "module.exports" {
            self.module_exports = Some(right);
        } else if let Some(name) = left_text
            .strip_prefix("module.exports.")
            .or_else(|| left_text.strip_prefix("exports."))
        {
            if !name.contains(['.', '[']) {
                self.exports.insert(name.to_string(), right);
            }
        }
    }

    /// `util.inherits(X, Parent)` / `inherits(X, Parent)`.
    fn collect_inherits(&mut self, call: Node<'t>) {
        let Some(f) = call.field("function") else {
            return;
        };
        let name = text_of(self.text, f);
        if name != "inherits" && !name.ends_with(".inherits") {
            return;
        }
        let args = arguments(call);
        if let (Some(child), Some(parent)) = (args.first(), args.get(1)) {
            if child.kind_name() == "identifier" {
                self.inherits
                    .insert(text_of(self.text, *child).to_string(), *parent);
            }
        }
    }

    /// `X.prototype.m = function …`, `X.prototype = { m() {…} }`.
    fn collect_prototype(&mut self, left_text: &str, right: Node<'t>) {
        let text = self.text;
        let right = unparen(right);
        if let Some((class, method)) = left_text.split_once(".prototype.") {
            if is_function(right.kind_name())
                && !method.contains(['.', '['])
                && is_identifier(class)
            {
                self.proto_owner.insert(right.id(), class.to_string());
                self.proto_methods
                    .entry(class.to_string())
                    .or_default()
                    .push((method.to_string(), right));
            }
        } else if let Some(class) = left_text.strip_suffix(".prototype") {
            if right.kind_name() == "object" && is_identifier(class) {
                let mut c = right.walk();
                for prop in right.named_children(&mut c) {
                    let (name, func) = match prop.kind_name() {
                        "pair" => match (prop.field("key"), prop.field("value")) {
                            (Some(k), Some(v)) if is_function(unparen(v).kind_name()) => {
                                (text_of(text, k), unparen(v))
                            }
                            _ => continue,
                        },
                        "method_definition" => match prop.field("name") {
                            Some(k) => (text_of(text, k), prop),
                            None => continue,
                        },
                        _ => continue,
                    };
                    self.proto_owner.insert(func.id(), class.to_string());
                    self.proto_methods
                        .entry(class.to_string())
                        .or_default()
                        .push((name.to_string(), func));
                }
            }
        }
    }

    fn collect_esm_export(&mut self, node: Node<'t>) {
        if node.field("source").is_some() {
            return; // re-export from another module
        }
        // TypeScript's `export = e` is `module.exports = e`
        if node.child(1).is_some_and(|c| c.kind_name() == "=") {
            self.module_exports = node.named_child(0);
            return;
        }
        let is_default = {
            let mut c = node.walk();
            let found = node.children(&mut c).any(|n| n.kind_name() == "default");
            found
        };
        if let Some(value) = node.field("value") {
            self.exports.insert("default".into(), value);
        }
        if let Some(decl) = node.field("declaration") {
            match decl.kind_name() {
                "lexical_declaration" | "variable_declaration" => {
                    let mut c = decl.walk();
                    for d in decl.named_children(&mut c) {
                        if let (Some(name), Some(value)) = (d.field("name"), d.field("value")) {
                            if name.kind_name() == "identifier" {
                                self.exports.insert(text_of(self.text, name).into(), value);
                            }
                        }
                    }
                }
                _ => {
                    if is_default {
                        self.exports.insert("default".into(), decl);
                    }
                    if let Some(name) = decl.field("name") {
                        self.exports.insert(text_of(self.text, name).into(), decl);
                    }
                }
            }
        }
        // export { a as b }
        let mut c = node.walk();
        for clause in node
            .named_children(&mut c)
            .filter(|n| n.kind_name() == "export_clause")
        {
            let mut c2 = clause.walk();
            for spec in clause.named_children(&mut c2) {
                let (Some(name), alias) = (spec.field("name"), spec.field("alias")) else {
                    continue;
                };
                let exported = text_of(self.text, alias.unwrap_or(name)).to_string();
                self.exports.insert(exported, name);
            }
        }
    }

    /// The class declarations of the module body named `name`.
    pub fn classes_named(&self, name: &str) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut c = self.root.walk();
        for n in self.root.named_children(&mut c) {
            // `export class C` and `@Dec() export class C`
            let decl = if n.kind_name() == "export_statement" {
                n.field("declaration")
            } else {
                Some(n)
            };
            if let Some(d) = decl.filter(|d| is_class(d.kind_name())) {
                if d.field("name")
                    .is_some_and(|x| text_of(self.text, x) == name)
                {
                    out.push(d);
                }
            }
        }
        out
    }

    /// Calls that may call a function of this name (`f(…)` or `x.f(…)`).
    pub fn calls_named(&self, name: &str) -> impl Iterator<Item = Node<'t>> + '_ {
        let plain = self.calls_by_name.get(name).into_iter().flatten();
        let members = self.calls_by_method.get(name).into_iter().flatten();
        plain.chain(members).copied()
    }

    pub fn is_es5_class(&self, node: Node<'_>) -> bool {
        self.es5_classes.values().any(|c| c.id() == node.id())
    }

    pub fn function_of(&self, node: Node<'_>) -> Option<FnIx> {
        self.fn_by_id.get(&node.id()).copied()
    }

    /// The arguments of a call or `new` (comments left out).
    pub fn arguments(&self, call: Node<'t>) -> std::borrow::Cow<'_, [Node<'t>]> {
        let start = call.start_byte();
        let first = self.calls.partition_point(|(c, _)| c.start_byte() < start);
        let k = self.calls[first..]
            .iter()
            .take_while(|(c, _)| c.start_byte() == start)
            .position(|(c, _)| c.id() == call.id())
            .map(|i| first + i);
        match k {
            Some(k) => {
                let (from, to) = (self.call_args_at[k], self.call_args_at[k + 1]);
                self.call_args[from as usize..to as usize].into()
            }
            None => arguments(call).into(),
        }
    }

    /// The end of the last `await` inside `node`, not counting those of the
    /// functions nested in it.
    pub fn last_await_in(&self, node: Node<'t>) -> Option<usize> {
        if is_function(node.kind_name()) {
            return None;
        }
        let (start, end) = (node.start_byte(), node.end_byte());
        let first = self.awaits.partition_point(|(a, _)| a.start_byte() < start);
        self.awaits[first..]
            .iter()
            .take_while(|(a, _)| a.start_byte() < end)
            .filter(|(a, owner)| {
                a.end_byte() <= end
                    && owner.is_none_or(|f| {
                        let f = self.functions[f].node;
                        !(start <= f.start_byte() && f.end_byte() <= end)
                    })
            })
            .map(|(a, _)| a.end_byte())
            .max()
    }

    pub fn function_by_range(&self, range: &TextRange) -> Option<FnIx> {
        self.fn_by_range.get(&(range.start, range.end)).copied()
    }

    /// The innermost function containing `offset` (None: module body).
    pub fn function_at(&self, offset: usize) -> Option<FnIx> {
        let scope = self.scopes.scope_at(offset);
        let mut s = Some(scope);
        while let Some(id) = s {
            let sc = self.scopes.scope(id);
            if let Some(f) = self.function_by_range(&sc.range) {
                return Some(f);
            }
            s = sc.parent;
        }
        None
    }

    /// The (last) reference starting at `offset`: references are sorted by
    /// start, so a binary search (a map of them cost an insert per reference).
    pub fn reference_at(&self, offset: usize) -> Option<&scope::Reference> {
        let refs = &self.scopes.references;
        let after = refs.partition_point(|r| r.range.start <= offset);
        refs[..after].last().filter(|r| r.range.start == offset)
    }

    pub fn node_at(&self, range: &TextRange) -> Option<Node<'t>> {
        self.parents
            .innermost(range)
            // tree-sitter descends into an anonymous child of the same range,
            // and past an empty node into the token after it
            .filter(|n| {
                // only children starting where the range starts can span it
                range.start < range.end
                    && (0..)
                        .map_while(|i| n.child(i).filter(|k| k.start_byte() == range.start))
                        .all(|k| k.end_byte() != range.end)
            })
            .or_else(|| self.root.descendant_for_byte_range(range.start, range.end))
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.lines.line_of(offset) + 1
    }

    /// A function's display name: its name, else `anonymous@LINE`.
    pub fn function_label(&self, f: FnIx) -> String {
        let func = &self.functions[f];
        match &func.name {
            Some(n) => n.clone(),
            None => format!("anonymous@{}", self.line(func.node.start_byte())),
        }
    }
}

/// Name of a function node: its own name, the variable or property it is
/// assigned to, or the method name.
fn function_name<'t>(text: &str, parent: Option<Node<'t>>, node: Node<'t>) -> Option<String> {
    if let Some(name) = node.field("name") {
        return Some(text_of(text, name).to_string());
    }
    let parent = parent?;
    let name_node = match parent.kind_name() {
        "variable_declarator" => parent.field("name"),
        "pair" => parent.field("key"),
        "assignment_expression" => parent.field("left").map(|l| {
            if l.kind_name() == "member_expression" {
                l.field("property").unwrap_or(l)
            } else {
                l
            }
        }),
        _ => None,
    }?;
    matches!(name_node.kind_name(), "identifier" | "property_identifier")
        .then(|| text_of(text, name_node).to_string())
}

/// What the analysis knows an expression holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'t> {
    Unknown,
    /// A value of a catalog type.
    Type(String),
    /// A catalog method taken off a value but not called yet.
    Method {
        ty: String,
        name: String,
    },
    Func {
        file: FileIx,
        node: Node<'t>,
    },
    Object {
        file: FileIx,
        node: Node<'t>,
    },
    /// An array literal.
    Array {
        file: FileIx,
        node: Node<'t>,
    },
    /// The exports object of a file of the run.
    Exports(FileIx),
    /// A class of the run (`class_declaration` or `class` node).
    Class {
        file: FileIx,
        node: Node<'t>,
    },
    /// An instance of a class of the run.
    Instance {
        file: FileIx,
        node: Node<'t>,
    },
    /// The `require` function.
    Require,
    /// A catalog decorator (`Get` of `@nestjs/common`), or what its factory
    /// returns (`Get(':id')`): the same decorator.
    Decorator {
        ty: String,
        name: String,
    },
}

impl Value<'_> {
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }
}

/// The files of a run and the catalog: what expression evaluation needs.
pub struct Program<'t> {
    pub files: Vec<&'t FileFacts<'t>>,
    pub catalog: &'t Catalog,
    /// Called regularly: the caller may unwind from it to cancel the analysis.
    pub checkpoint: &'t dyn Fn(),
    /// Normalised path → file, for module resolution.
    pub by_path: HashMap<String, FileIx>,
    /// Lookups memoised for the run.
    pub memos: Memos<'t>,
}

/// What evaluation memoises for one run: pure functions of the run's trees,
/// which do not change under it. Keyed by file and node id.
#[derive(Default)]
pub struct Memos<'t> {
    /// What [`Program::eval`] found, by file, node and depth: the pipeline
    /// and classification evaluate the same callees and initialisers again
    /// and again (half of jQuery's evaluations were repeats).
    evaluated: RefCell<FxMap<(FileIx, usize, u32), Value<'t>>>,
    /// Each class body's methods and fields by name, built on the class's
    /// first lookup: a scan of the body per lookup was a third of
    /// typescript.js's evaluation.
    class_members: RefCell<FxMap<(FileIx, usize), Rc<ClassMembers<'t>>>>,
    /// The same for object literals (typescript.js looks names up in
    /// literals of thousands of properties).
    object_members: RefCell<FxMap<(FileIx, usize), Rc<ObjectMembers<'t>>>>,
}

/// The memoised index of `node` in `memo`, built by `build` on first need
/// (no borrow is held while it builds).
fn memoised<V>(
    memo: &RefCell<FxMap<(FileIx, usize), Rc<V>>>,
    file: FileIx,
    node: Node<'_>,
    build: impl FnOnce() -> V,
) -> Rc<V> {
    let key = (file, node.id());
    if let Some(v) = memo.borrow().get(&key) {
        return v.clone();
    }
    let v = Rc::new(build());
    memo.borrow_mut().insert(key, v.clone());
    v
}

/// A class body's members by name, the first of each.
#[derive(Default)]
pub struct ClassMembers<'t> {
    /// (name, static) → the method.
    methods: FxMap<(&'t str, bool), Node<'t>>,
    /// A non-static field definition → its initialiser, if any.
    fields: FxMap<&'t str, Option<Node<'t>>>,
}

/// An object literal's members: name → the first property of that name.
pub type ObjectMembers<'t> = FxMap<String, ObjectMember<'t>>;

#[derive(Clone, Copy)]
pub enum ObjectMember<'t> {
    /// `name: value`
    Pair(Node<'t>),
    /// `{ name }`
    Shorthand(Node<'t>),
    /// `name() {}`
    Method(Node<'t>),
}

impl<'t> Program<'t> {
    /// Resolves a module specifier from `from` to a file of the run or a
    /// catalog type. `depth` is the evaluation's remaining depth: starting
    /// afresh here recursed without end on `module.exports = require('./b')`
    /// in a.js and `module.exports = require('./a')` in b.js.
    pub fn module(&self, from: FileIx, specifier: &str, depth: u32) -> Value<'t> {
        if specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/')
        {
            return match self.local_file(from, specifier) {
                Some(_) if depth == 0 => Value::Unknown,
                Some(f) => match self.files[f].module_exports {
                    Some(e) => self.eval(f, e, depth - 1),
                    None => Value::Exports(f),
                },
                None => Value::Unknown,
            };
        }
        match self.catalog.module(specifier) {
            Some(t) => Value::Type(t.to_string()),
            None => Value::Unknown,
        }
    }

    /// The file of the run a relative specifier names (see [`crate::resolve`]).
    pub fn local_file(&self, from: FileIx, specifier: &str) -> Option<FileIx> {
        crate::resolve::candidates(self.files[from].path, specifier)
            .iter()
            .find_map(|c| self.by_path.get(c).copied())
    }

    /// The value `node` holds, looking through at most `depth` bindings,
    /// calls and members (a pure function of its arguments: memoised).
    pub fn eval(&self, file: FileIx, node: Node<'t>, depth: u32) -> Value<'t> {
        if depth == 0 {
            return Value::Unknown;
        }
        let key = (file, node.id(), depth);
        if let Some(v) = self.memos.evaluated.borrow().get(&key) {
            return v.clone();
        }
        let v = self.eval_afresh(file, node, depth);
        self.memos.evaluated.borrow_mut().insert(key, v.clone());
        v
    }

    fn eval_afresh(&self, file: FileIx, node: Node<'t>, depth: u32) -> Value<'t> {
        let facts = &self.files[file];
        let text = facts.text;
        let node = unparen(node);
        match node.kind_name() {
            "identifier" => self.eval_identifier(file, node, depth),
            k if is_function(k) => Value::Func { file, node },
            k if is_class(k) => Value::Class { file, node },
            "this" => match facts.class_of_this(node) {
                Some((class, false)) => Value::Instance { file, node: class },
                Some((class, true)) => Value::Class { file, node: class },
                None => Value::Unknown,
            },
            "object" => Value::Object { file, node },
            "array" => Value::Array { file, node },
            "await_expression" => match node.named_child(0) {
                Some(e) => self.eval(file, e, depth - 1),
                None => Value::Unknown,
            },
            "assignment_expression" => match node.field("right") {
                Some(r) => self.eval(file, r, depth - 1),
                None => Value::Unknown,
            },
            "sequence_expression" => {
                let mut c = node.walk();
                let last = node.named_children(&mut c).last();
                last.map_or(Value::Unknown, |n| self.eval(file, n, depth - 1))
            }
            "binary_expression" => {
                let op = node.field("operator").map(|o| o.kind_name());
                if matches!(op, Some("||" | "??" | "&&")) {
                    let left = node.field("left");
                    let right = node.field("right");
                    let l = left.map_or(Value::Unknown, |n| self.eval(file, n, depth - 1));
                    if op != Some("&&") && l.is_known() {
                        return l;
                    }
                    right.map_or(Value::Unknown, |n| self.eval(file, n, depth - 1))
                } else {
                    Value::Unknown
                }
            }
            "ternary_expression" => {
                let a = node.field("consequence");
                let v = a.map_or(Value::Unknown, |n| self.eval(file, n, depth - 1));
                if v.is_known() {
                    return v;
                }
                let b = node.field("alternative");
                b.map_or(Value::Unknown, |n| self.eval(file, n, depth - 1))
            }
            "member_expression" => {
                let (Some(object), Some(property)) = (node.field("object"), node.field("property"))
                else {
                    return Value::Unknown;
                };
                let obj = self.eval(file, object, depth - 1);
                self.member(&obj, text_of(text, property), depth - 1)
            }
            "subscript_expression" => {
                let (Some(object), Some(index)) = (node.field("object"), node.field("index"))
                else {
                    return Value::Unknown;
                };
                match string_value(text, index) {
                    Some(key) => {
                        let obj = self.eval(file, object, depth - 1);
                        self.member(&obj, &key, depth - 1)
                    }
                    None => Value::Unknown,
                }
            }
            "call_expression" => self.eval_call(file, node, depth),
            "new_expression" => {
                let Some(ctor) = callee(node) else {
                    return Value::Unknown;
                };
                match self.eval(file, ctor, depth - 1) {
                    Value::Class { file, node } => Value::Instance { file, node },
                    Value::Func { file, node } if self.files[file].is_es5_class(node) => {
                        Value::Instance { file, node }
                    }
                    Value::Type(t) => self
                        .catalog
                        .construct(&t)
                        .and_then(|f| f.returns.clone())
                        .map_or(Value::Unknown, Value::Type),
                    _ => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }
    }

    fn eval_call(&self, file: FileIx, node: Node<'t>, depth: u32) -> Value<'t> {
        let text = self.files[file].text;
        let Some(f) = callee(node) else {
            return Value::Unknown;
        };
        // `fn.bind(this)` is the same function, for our purposes.
        if f.kind_name() == "member_expression"
            && f.field("property")
                .is_some_and(|p| text_of(text, p) == "bind")
        {
            if let Some(object) = f.field("object") {
                let bound = self.eval(file, object, depth - 1);
                if matches!(bound, Value::Func { .. }) {
                    return bound;
                }
            }
        }
        let target = self.eval(file, f, depth - 1);
        match target {
            Value::Require => {
                let spec = self.files[file]
                    .arguments(node)
                    .first()
                    .and_then(|a| string_value(text, *a));
                spec.map_or(Value::Unknown, |s| self.module(file, &s, depth - 1))
            }
            Value::Type(t) => self
                .catalog
                .call(&t)
                .and_then(|f| f.returns.clone())
                .map_or(Value::Unknown, Value::Type),
            Value::Method { ty, name } => self
                .catalog
                .method(&ty, &name)
                .and_then(|f| f.returns.clone())
                .map_or(Value::Unknown, Value::Type),
            d @ Value::Decorator { .. } => d,
            Value::Func {
                file: ff,
                node: fnode,
            } => {
                let facts = &self.files[ff];
                let Some(fx) = facts.function_of(fnode) else {
                    return Value::Unknown;
                };
                // A factory: the first return that evaluates to something known.
                facts.functions[fx]
                    .returns
                    .iter()
                    .map(|r| self.eval(ff, *r, depth - 1))
                    .find(Value::is_known)
                    .unwrap_or(Value::Unknown)
            }
            _ => Value::Unknown,
        }
    }

    /// Property `name` of a value.
    pub fn member(&self, obj: &Value<'t>, name: &str, depth: u32) -> Value<'t> {
        if depth == 0 {
            return Value::Unknown;
        }
        match obj {
            Value::Type(t) => {
                if let Some(p) = self.catalog.property(t, name) {
                    Value::Type(p.to_string())
                } else if self.catalog.method(t, name).is_some() {
                    Value::Method {
                        ty: t.clone(),
                        name: name.to_string(),
                    }
                } else if self.catalog.decorator(t, name).is_some() {
                    Value::Decorator {
                        ty: t.clone(),
                        name: name.to_string(),
                    }
                } else if name == "default" {
                    obj.clone() // CommonJS interop: the default export is the module object
                } else {
                    Value::Unknown
                }
            }
            Value::Instance { file, node } => {
                self.class_member(*file, *node, name, false, depth - 1)
            }
            Value::Class { file, node } => self.class_member(*file, *node, name, true, depth - 1),
            Value::Exports(f) => match self.files[*f].exports.get(name) {
                Some(e) => self.eval(*f, *e, depth - 1),
                None => Value::Unknown,
            },
            Value::Object { file, node } => match self.members_of(*file, *node).get(name) {
                Some(&ObjectMember::Pair(v)) => self.eval(*file, v, depth - 1),
                Some(&ObjectMember::Shorthand(p)) => self.eval_identifier(*file, p, depth - 1),
                Some(&ObjectMember::Method(m)) => Value::Func {
                    file: *file,
                    node: m,
                },
                None => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    /// A member of an ES5 class: a prototype method, a field, or the parent's
    /// (`util.inherits`).
    fn es5_member(
        &self,
        file: FileIx,
        ctor: Node<'t>,
        name: &str,
        statics: bool,
        depth: u32,
    ) -> Value<'t> {
        let facts = &self.files[file];
        let Some(class) = facts
            .es5_classes
            .iter()
            .find(|(_, n)| n.id() == ctor.id())
            .map(|(k, _)| k.clone())
        else {
            return Value::Unknown;
        };
        if statics {
            return Value::Unknown;
        }
        if name == "constructor" {
            return Value::Func { file, node: ctor };
        }
        if let Some((_, method)) = facts
            .proto_methods
            .get(&class)
            .and_then(|ms| ms.iter().find(|(n, _)| n == name))
        {
            return Value::Func {
                file,
                node: *method,
            };
        }
        if let Some(value) = self.field_value(file, ctor, name) {
            return self.eval(file, value, depth - 1);
        }
        match facts
            .inherits
            .get(&class)
            .map(|p| self.eval(file, *p, depth - 1))
        {
            Some(Value::Func { file, node }) if self.files[file].is_es5_class(node) => {
                self.es5_member(file, node, name, false, depth - 1)
            }
            Some(Value::Class { file, node }) => {
                self.class_member(file, node, name, false, depth - 1)
            }
            Some(t @ Value::Type(_)) => {
                let Value::Type(ty) = &t else { unreachable!() };
                match self.catalog.construct(ty).and_then(|f| f.returns.clone()) {
                    Some(instance) => self.member(&Value::Type(instance), name, depth - 1),
                    None => self.member(&t, name, depth - 1),
                }
            }
            _ => Value::Unknown,
        }
    }

    /// What an instance field is initialised with: `name = e` in the class
    /// body, else the first `this.name = e` in the class.
    fn field_value(&self, file: FileIx, class: Node<'t>, name: &str) -> Option<Node<'t>> {
        if let Some(&Some(value)) = self.class_members_of(file, class).fields.get(name) {
            return Some(value);
        }
        self.files[file]
            .this_assignments
            .get(&(class.id(), name))
            .copied()
    }

    /// The members of the object literal `node`, by name.
    fn members_of(&self, file: FileIx, node: Node<'t>) -> Rc<ObjectMembers<'t>> {
        memoised(&self.memos.object_members, file, node, || {
            let text = self.files[file].text;
            let mut members = ObjectMembers::default();
            let mut c = node.walk();
            for prop in node.named_children(&mut c) {
                let (name, member) = match prop.kind_name() {
                    "pair" => {
                        let (Some(k), Some(v)) = (prop.field("key"), prop.field("value")) else {
                            continue;
                        };
                        let name =
                            string_value(text, k).unwrap_or_else(|| text_of(text, k).to_string());
                        (name, ObjectMember::Pair(v))
                    }
                    "shorthand_property_identifier" => (
                        text_of(text, prop).to_string(),
                        ObjectMember::Shorthand(prop),
                    ),
                    "method_definition" => {
                        let Some(k) = prop.field("name") else {
                            continue;
                        };
                        (text_of(text, k).to_string(), ObjectMember::Method(prop))
                    }
                    _ => continue,
                };
                members.entry(name).or_insert(member);
            }
            members
        })
    }

    /// The methods and fields of the class `class`, by name.
    fn class_members_of(&self, file: FileIx, class: Node<'t>) -> Rc<ClassMembers<'t>> {
        memoised(&self.memos.class_members, file, class, || {
            let text = self.files[file].text;
            let mut members = ClassMembers::default();
            let Some(body) = class.field("body") else {
                return members;
            };
            let mut c = body.walk();
            for m in body.named_children(&mut c) {
                match m.kind_name() {
                    "method_definition" => {
                        if let Some(n) = m.field("name") {
                            let mut c2 = m.walk();
                            let is_static = m.children(&mut c2).any(|k| k.kind_name() == "static");
                            members
                                .methods
                                .entry((text_of(text, n), is_static))
                                .or_insert(m);
                        }
                    }
                    // TypeScript's `public_field_definition` names the field `name`
                    "field_definition" | "public_field_definition" if !has_token(m, "static") => {
                        if let Some(n) = m.field("property").or_else(|| m.field("name")) {
                            let value = m.field("value");
                            members.fields.entry(text_of(text, n)).or_insert(value);
                        }
                    }
                    _ => {}
                }
            }
            members
        })
    }

    /// A method of a class (static or not), looked up through `extends`.
    fn class_member(
        &self,
        file: FileIx,
        class: Node<'t>,
        name: &str,
        statics: bool,
        depth: u32,
    ) -> Value<'t> {
        if depth == 0 {
            return Value::Unknown;
        }
        let facts = &self.files[file];
        let text = facts.text;
        if is_function(class.kind_name()) {
            return self.es5_member(file, class, name, statics, depth);
        }
        if let Some(&m) = self
            .class_members_of(file, class)
            .methods
            .get(&(name, statics))
        {
            return Value::Func { file, node: m };
        }
        if !statics {
            if let Some(p) = parameter_property(text, class, name) {
                return self.parameter_property_value(file, p, depth);
            }
            if let Some(value) = self.field_value(file, class, name) {
                return self.eval(file, value, depth - 1);
            }
        }
        // class_heritage: `extends X` (TypeScript: an `extends_clause` holding X)
        let mut c = class.walk();
        let heritage = class
            .named_children(&mut c)
            .find(|n| n.kind_name() == "class_heritage");
        let parent = heritage.and_then(|h| h.named_child(0)).and_then(|p| {
            if p.kind_name() == "extends_clause" {
                p.field("value")
            } else if p.kind_name() == "implements_clause" {
                None
            } else {
                Some(p)
            }
        });
        let Some(parent) = parent else {
            return Value::Unknown;
        };
        match self.eval(file, parent, depth - 1) {
            Value::Class { file, node } => self.class_member(file, node, name, statics, depth - 1),
            t @ Value::Type(_) if !statics => {
                let Value::Type(ty) = &t else { unreachable!() };
                match self.catalog.construct(ty).and_then(|f| f.returns.clone()) {
                    Some(instance) => self.member(&Value::Type(instance), name, depth - 1),
                    None => self.member(&t, name, depth - 1),
                }
            }
            _ => Value::Unknown,
        }
    }

    /// What a TypeScript parameter property holds: its default value, else an
    /// instance of the class its type annotation names (as a dependency
    /// injector would construct): the class that name resolves to from the
    /// parameter, else the run's only class of that name.
    fn parameter_property_value(&self, file: FileIx, param: Node<'t>, depth: u32) -> Value<'t> {
        if let Some(v) = param.field("value") {
            return self.eval(file, v, depth - 1);
        }
        let facts = &self.files[file];
        let Some(type_name) = annotated_class_name(facts.text, param) else {
            return Value::Unknown;
        };
        let scope = facts.scopes.scope_at(param.start_byte());
        if let Some(b) = facts.scopes.lookup(type_name, scope) {
            if let Value::Class { file, node } = self.eval_binding(file, b, depth - 1) {
                return Value::Instance { file, node };
            }
        }
        let mut found = self.files.iter().enumerate().flat_map(|(f, facts)| {
            facts
                .classes_named(type_name)
                .into_iter()
                .map(move |node| (f, node))
        });
        match (found.next(), found.next()) {
            (Some((file, node)), None) => Value::Instance { file, node },
            _ => Value::Unknown,
        }
    }

    fn eval_identifier(&self, file: FileIx, node: Node<'t>, depth: u32) -> Value<'t> {
        let facts = &self.files[file];
        let name = text_of(facts.text, node);
        let binding = facts
            .reference_at(node.start_byte())
            .and_then(|r| r.binding)
            .or_else(|| {
                // shorthand properties and a few identifier positions have no reference
                facts
                    .scopes
                    .lookup(name, facts.scopes.scope_at(node.start_byte()))
            });
        let Some(b) = binding else {
            return match name {
                "require" => Value::Require,
                _ => match self.catalog.global(name) {
                    Some(t) => Value::Type(t.to_string()),
                    None => Value::Unknown,
                },
            };
        };
        self.eval_binding(file, b, depth)
    }

    pub fn eval_binding(&self, file: FileIx, b: scope::BindingId, depth: u32) -> Value<'t> {
        if depth == 0 {
            return Value::Unknown;
        }
        let facts = &self.files[file];
        let binding = facts.scopes.binding(b);
        match binding.kind {
            BindingKind::Function => match facts.node_at(&binding.declarator) {
                Some(n) => {
                    let n = climb_to(&facts.parents, n, &binding.declarator, is_function);
                    Value::Func { file, node: n }
                }
                None => Value::Unknown,
            },
            BindingKind::Class => match facts.node_at(&binding.declarator) {
                Some(n) => {
                    let n = climb_to(&facts.parents, n, &binding.declarator, is_class);
                    Value::Class { file, node: n }
                }
                None => Value::Unknown,
            },
            BindingKind::FunctionName => {
                let n = facts.node_at(&binding.declarator);
                match n.map(|n| climb_to(&facts.parents, n, &binding.declarator, is_function)) {
                    Some(n) if is_function(n.kind_name()) => Value::Func { file, node: n },
                    _ => Value::Unknown,
                }
            }
            BindingKind::Import => {
                let spec = binding
                    .init
                    .as_ref()
                    .and_then(|r| facts.node_at(r))
                    .and_then(|n| {
                        string_value(
                            facts.text,
                            climb_to(&facts.parents, n, binding.init.as_ref().unwrap(), |k| {
                                k == "string"
                            }),
                        )
                    });
                let Some(spec) = spec else {
                    return Value::Unknown;
                };
                let module = self.module(file, &spec, depth - 1);
                self.follow_path(module, &binding.path, depth - 1)
            }
            BindingKind::Var
            | BindingKind::Let
            | BindingKind::Const
            | BindingKind::ImplicitGlobal => {
                let init = match &binding.init {
                    Some(r) => facts
                        .node_at(r)
                        .map(|n| climb_to_expression(&facts.parents, n, r)),
                    None => self.first_assignment(file, b),
                };
                let Some(init) = init else {
                    return Value::Unknown;
                };
                let v = self.eval(file, init, depth - 1);
                self.follow_path(v, &binding.path, depth - 1)
            }
            BindingKind::Param { index } => match self.param_type(file, b, index, depth - 1) {
                Value::Unknown => self.param_from_call_site(file, b, index, depth - 1),
                known => known,
            },
            _ => Value::Unknown,
        }
    }

    /// The catalog type of a callback's parameter: the callback is an argument
    /// of a call whose catalog entry lists `params`.
    fn param_type(&self, file: FileIx, b: scope::BindingId, index: usize, depth: u32) -> Value<'t> {
        let facts = &self.files[file];
        let binding = facts.scopes.binding(b);
        if !binding.path.is_empty() || depth == 0 {
            return Value::Unknown;
        }
        let Some(func) = facts
            .function_at(binding.decl.start)
            .map(|f| facts.functions[f].node)
        else {
            return Value::Unknown;
        };
        let Some(call) = facts
            .parents
            .of(func)
            .filter(|p| p.kind_name() == "arguments")
            .and_then(|a| facts.parents.of(a))
        else {
            return Value::Unknown;
        };
        let Some(c) = callee(call) else {
            return Value::Unknown;
        };
        let spec = match self.eval(file, c, depth - 1) {
            Value::Type(t) if call.kind_name() == "new_expression" => self.catalog.construct(&t),
            Value::Type(t) => self.catalog.call(&t),
            Value::Method { ty, name } => self.catalog.method(&ty, &name),
            _ => None,
        };
        match spec.and_then(|f| f.params.get(index).cloned().flatten()) {
            Some(t) => Value::Type(t),
            None => Value::Unknown,
        }
    }

    /// A parameter of a function called from exactly one place (in its file)
    /// holds what that call passes: `addListeners(server, { upgrade: … })`.
    fn param_from_call_site(
        &self,
        file: FileIx,
        b: scope::BindingId,
        index: usize,
        depth: u32,
    ) -> Value<'t> {
        let facts = &self.files[file];
        let binding = facts.scopes.binding(b);
        if depth == 0 {
            return Value::Unknown;
        }
        let Some(fx) = facts.function_at(binding.decl.start) else {
            return Value::Unknown;
        };
        let func = &facts.functions[fx];
        let Some(name) = &func.name else {
            return Value::Unknown;
        };
        let mut sites = facts
            .calls_by_name
            .get(name.as_str())
            .into_iter()
            .flatten()
            .filter(|c| {
                c.kind_name() == "call_expression"
                    && callee(**c).is_some_and(|f| {
                        facts
                            .reference_at(f.start_byte())
                            .and_then(|r| r.binding)
                            .is_some_and(|fb| {
                                facts.scopes.binding(fb).declarator == func.node.byte_range()
                            })
                    })
            });
        let (Some(site), None) = (sites.next(), sites.next()) else {
            return Value::Unknown;
        };
        let Some(arg) = facts.arguments(*site).get(index).copied() else {
            return Value::Unknown;
        };
        let value = self.eval(file, arg, depth - 1);
        let mut v = value;
        for step in &binding.path {
            v = match step {
                PathStep::Property(p) => self.member(&v, p, depth - 1),
                _ => Value::Unknown,
            };
        }
        v
    }

    /// The right-hand side of the first plain assignment to a binding declared
    /// without initialiser (`let app; … app = express();`).
    fn first_assignment(&self, file: FileIx, b: scope::BindingId) -> Option<Node<'t>> {
        let facts = &self.files[file];
        let r = &facts.scopes.references[*facts.first_write.get(&b)?];
        let ident = facts.node_at(&r.range)?;
        let parent = facts.parents.of(ident)?;
        (parent.kind_name() == "assignment_expression"
            && parent.field("left").map(|l| l.id()) == Some(ident.id()))
        .then(|| parent.field("right"))
        .flatten()
    }

    fn follow_path(&self, mut v: Value<'t>, path: &[PathStep], depth: u32) -> Value<'t> {
        for step in path {
            v = match step {
                PathStep::Property(p) => self.member(&v, p, depth),
                _ => Value::Unknown,
            };
        }
        v
    }
}

/// The class whose `this` a node sees, and whether it is in a static member.
pub fn enclosing_class<'t>(parents: &Parents<'t>, node: Node<'t>) -> Option<(Node<'t>, bool)> {
    let mut n = node;
    for _ in 0..256 {
        let p = parents.of(n)?;
        match p.kind_name() {
            "arrow_function" => {}
            "function_expression"
            | "function_declaration"
            | "generator_function"
            | "generator_function_declaration" => return None,
            "method_definition"
            | "field_definition"
            | "public_field_definition"
            | "class_static_block" => {
                let is_static = p.kind_name() == "class_static_block" || {
                    let mut c = p.walk();
                    let found = p.children(&mut c).any(|k| k.kind_name() == "static");
                    found
                };
                let class = parents.of(parents.of(p)?)?;
                return is_class(class.kind_name()).then_some((class, is_static));
            }
            _ => {}
        }
        n = p;
    }
    None
}

/// The decorators applied to a class method: its own `decorator` children
/// (JavaScript), or the decorators just before it in the class body
/// (TypeScript puts them there).
pub fn method_decorators(method: Node<'_>) -> Vec<Node<'_>> {
    let mut out: Vec<Node<'_>> = {
        let mut c = method.walk();
        let own = method
            .children(&mut c)
            .filter(|k| k.kind_name() == "decorator")
            .collect();
        own
    };
    let mut prev = method.prev_named_sibling();
    while let Some(p) = prev {
        match p.kind_name() {
            "decorator" => out.push(p),
            "comment" => {}
            _ => break,
        }
        prev = p.prev_named_sibling();
    }
    out
}

/// Has `node` an anonymous child token of this kind (`static`, `readonly`)?
fn has_token(node: Node<'_>, kind: &str) -> bool {
    let mut c = node.walk();
    let found = node
        .children(&mut c)
        .any(|k| !k.is_named() && k.kind_name() == kind);
    found
}

/// The constructor parameter of `class` that is a TypeScript parameter
/// property named `name` (`constructor(private readonly name: T)`): it
/// declares a parameter and a field `this.name` assigned from it.
pub fn parameter_property<'t>(text: &str, class: Node<'t>, name: &str) -> Option<Node<'t>> {
    let body = class.field("body")?;
    let mut c = body.walk();
    let ctor = body.named_children(&mut c).find(|m| {
        m.kind_name() == "method_definition"
            && m.field("name")
                .is_some_and(|n| text_of(text, n) == "constructor")
    })?;
    let params = ctor.field("parameters")?;
    let mut c = params.walk();
    let found = params.named_children(&mut c).find(|p| {
        if !matches!(p.kind_name(), "required_parameter" | "optional_parameter") {
            return false;
        }
        let mut c2 = p.walk();
        let is_property = p.children(&mut c2).any(|k| {
            matches!(
                k.kind_name(),
                "accessibility_modifier" | "override_modifier" | "readonly"
            )
        });
        is_property
            && p.field("pattern")
                .is_some_and(|n| n.kind_name() == "identifier" && text_of(text, n) == name)
    });
    found
}

/// The class name a parameter's type annotation gives: `s: Service`,
/// `s: Service<T>`, `s: ns.Service` (its last name).
fn annotated_class_name<'a>(text: &'a str, param: Node<'_>) -> Option<&'a str> {
    let ty = param.field("type")?.named_child(0)?;
    let name = match ty.kind_name() {
        "type_identifier" => ty,
        "generic_type" => ty.field("name")?,
        _ => ty,
    };
    let name = match name.kind_name() {
        "type_identifier" => name,
        "nested_type_identifier" => name.field("name")?,
        _ => return None,
    };
    Some(text_of(text, name))
}

/// Climbs from `node` to the outermost ancestor with exactly `range`, or the
/// first one whose kind satisfies `want`.
fn climb_to<'t>(
    parents: &Parents<'t>,
    mut node: Node<'t>,
    range: &TextRange,
    want: impl Fn(&str) -> bool,
) -> Node<'t> {
    loop {
        if want(node.kind_name()) && node.byte_range() == *range {
            return node;
        }
        match parents.of(node) {
            Some(p) if p.start_byte() == range.start && p.end_byte() == range.end => node = p,
            _ => return node,
        }
    }
}

/// The outermost node with exactly `range` (an expression, not its first token).
fn climb_to_expression<'t>(parents: &Parents<'t>, node: Node<'t>, range: &TextRange) -> Node<'t> {
    let mut node = node;
    while let Some(p) = parents.of(node) {
        if p.byte_range() == *range
            && !matches!(
                p.kind_name(),
                "expression_statement" | "variable_declarator"
            )
        {
            node = p;
        } else {
            break;
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parent and range indexes answer what tree-sitter answers, for
    /// every node of every fixture (they replace its O(depth) lookups).
    #[test]
    fn indexes_agree_with_tree_sitter() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/fixtures");
        let mut sources: Vec<(String, flux_syntax::Dialect, String)> = walkdir(root.as_ref())
            .into_iter()
            .filter_map(|entry| {
                let path = entry.to_string_lossy().into_owned();
                let dialect = flux_syntax::Dialect::from_path(&path)?;
                Some((path, dialect, std::fs::read_to_string(&entry).unwrap()))
            })
            .collect();
        // error recovery: MISSING (zero-width) nodes and ERROR nodes, where
        // pre-order need not be sorted by range
        for (i, broken) in [
            "function f( { a.b( ; }",
            "if (x) { foo(",
            "app.get('/', (req, res) => { count += ; res.send(",
            "class { m() { this.x = } ",
            "x = (a, => b; y = [1,, ; `${",
            "for (let i = 0 i < 3; i++) { await }",
            "async function f() { x = await a(await b(), async () => { await c; }, /* d */ e); }",
            // a zero-width node before a sibling at the same offset
            "app.get('/', (req, res) => { res.`${a}`); });",
            "class K {(x = 1) { return x?.y ?? z; } }",
        ]
        .into_iter()
        .enumerate()
        {
            sources.push((
                format!("broken-{i}.js"),
                flux_syntax::Dialect::JavaScript,
                broken.into(),
            ));
        }
        let (mut files, mut unsorted) = (0, 0);
        for (path, dialect, text) in sources {
            let tree = flux_syntax::parse(&text, dialect);
            let file = SourceFile {
                path: &path,
                text: &text,
            };
            let facts = FileFacts::collect(&file, &tree, None, &|| {});
            unsorted += usize::from(facts.parents.order.is_some());
            let refs = &facts.scopes.references;
            for (i, r) in refs.iter().enumerate() {
                let last = refs[i..]
                    .iter()
                    .take_while(|s| s.range.start == r.range.start)
                    .last();
                assert_eq!(
                    facts.reference_at(r.range.start),
                    last,
                    "{path}: reference at {:?}",
                    r.range
                );
            }
            let mut cursor = tree.walk();
            let mut stack = vec![tree.root_node()];
            while let Some(node) = stack.pop() {
                assert_eq!(facts.parents.of(node), node.parent(), "{path}: parent");
                let range = node.byte_range();
                assert_eq!(
                    facts.node_at(&range),
                    tree.root_node()
                        .descendant_for_byte_range(range.start, range.end),
                    "{path}: node at {range:?}"
                );
                if matches!(node.kind_name(), "call_expression" | "new_expression") {
                    assert_eq!(
                        *facts.arguments(node),
                        arguments(node),
                        "{path}: arguments of {range:?}"
                    );
                }
                assert_eq!(
                    facts.last_await_in(node),
                    last_await_walked(node),
                    "{path}: last await in {range:?}"
                );
                stack.extend(node.named_children(&mut cursor));
            }
            files += 1;
        }
        assert!(files > 40, "fixtures found: {files}");
        assert!(
            unsorted >= 2,
            "sources whose pre-order is not sorted by range: {unsorted}"
        );
    }

    /// What `FileFacts::last_await_in` answers, by walking the subtree.
    fn last_await_walked(node: Node<'_>) -> Option<usize> {
        let mut stack = vec![node];
        let mut last = None;
        while let Some(n) = stack.pop() {
            if n.kind_name() == "await_expression" {
                last = last.max(Some(n.end_byte()));
            }
            if is_function(n.kind_name()) {
                continue;
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        last
    }

    fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walkdir(&p));
            } else {
                out.push(p);
            }
        }
        out
    }
}
