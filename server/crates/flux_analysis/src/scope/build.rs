//! The walk behind [`super::analyze`].
//!
//! One iterative pre-order walk (an explicit work stack, never recursion)
//! creates the scopes, declares every binding in the scope it belongs to (after
//! hoisting) and records every reference with the scope it appears in. Only
//! then are references resolved, by a walk of the scope tree that keeps a stack
//! of bindings per name — so a reference before its `var`/function
//! declaration resolves like one after it, in linear time.

use flux_syntax::{Node, NodeExt, TextRange, Tree};
use tree_sitter::TreeCursor;

use super::{
    Binding, BindingId, BindingKind, FxMap, Mutation, Name, PathStep, Reference, Scope, ScopeId,
    ScopeIndex, ScopeKind, ScopeTree, MUTATING_METHODS,
};

pub(super) type Span = (usize, usize);
const NO_PATH: u32 = u32::MAX;

/// What an identifier met by the walk means.
#[derive(Clone, Copy)]
enum Ctx {
    /// An expression: identifiers are reads.
    Expr,
    /// A statement block whose scope the parent already made (function, catch,
    /// static block bodies).
    Body,
    /// An assignment target: an identifier is written (and read too for
    /// `+=`, `++`); a member expression mutates its root object.
    Target {
        read: bool,
        assign: Span,
        init: Option<Span>,
    },
    /// The object side of a member chain whose root object is mutated.
    MutRoot { mutation: Mutation, range: Span },
    /// A declaration pattern; `path` indexes [`Builder::paths`].
    Decl { info: u32, path: u32 },
    /// Where the parameters and body of the function of `holes[i]` would be
    /// walked.
    Hole(u32),
}

#[derive(Clone, Copy)]
struct DeclInfo {
    kind: BindingKind,
    target: ScopeId,
    declarator: Span,
    init: Option<Span>,
    write: bool,
}

struct Item<'t> {
    node: Node<'t>,
    scope: ScopeId,
    ctx: Ctx,
}

/// What an implicit global made by a write would record: the assigning
/// expression (its declarator) and `e` of a plain `x = e` (its init).
pub(super) type WriteInfo = (Span, Option<Span>);

type Kids<'t> = Vec<(Node<'t>, Option<&'t str>)>;

/// Field names by id, read once per file: `TreeCursor::field_name`
/// measures a C string on every call, and `child_by_field_name` searches the
/// field table. (Kinds are named by `NodeExt::kind_name`.)
pub(super) struct Names {
    fields: Vec<Box<str>>,
    /// Ids of [`FIELDS`], in order (0: not in the grammar).
    ids: Vec<u16>,
}

const FIELDS: &[&str] = &[
    "name",
    "value",
    "key",
    "left",
    "right",
    "object",
    "property",
    "operator",
    "source",
    "initializer",
    "alias",
    "pattern",
];

/// TypeScript nodes that are types or declare only types: never walked, so
/// the identifiers in them are no references.
const TYPE_ONLY: &[&str] = &[
    "type_annotation",
    "asserts_annotation",
    "type_predicate_annotation",
    "opting_type_annotation",
    "omitting_type_annotation",
    "adding_type_annotation",
    "type_arguments",
    "type_parameters",
    "implements_clause",
    "interface_declaration",
    "type_alias_declaration",
    "function_signature",
    "method_signature",
    "abstract_method_signature",
    "index_signature",
    "ambient_declaration",
    "type_identifier",
    "nested_type_identifier",
    "predefined_type",
    "generic_type",
    "object_type",
    "array_type",
    "tuple_type",
    "union_type",
    "intersection_type",
    "function_type",
    "constructor_type",
    "conditional_type",
    "parenthesized_type",
    "literal_type",
    "lookup_type",
    "index_type_query",
    "type_query",
    "this_type",
    "readonly_type",
    "infer_type",
    "template_literal_type",
    "existential_type",
    "flow_maybe_type",
    "accessibility_modifier",
    "override_modifier",
];

/// Expressions that only add a type to the expression inside (`x as T`,
/// `x satisfies T`, `x!`, `<T>x`): assigning to or mutating them is doing so
/// to the inner expression.
fn is_type_wrapper(kind: &str) -> bool {
    matches!(
        kind,
        "as_expression" | "satisfies_expression" | "non_null_expression" | "type_assertion"
    )
}

impl Names {
    pub(super) fn new(tree: &Tree) -> Names {
        let lang = tree.language();
        let fields = (0..=lang.field_count())
            .map(|i| lang.field_name_for_id(i as u16).unwrap_or("").into())
            .collect();
        let ids = FIELDS
            .iter()
            .map(|&f| lang.field_id_for_name(f).map_or(0, u16::from))
            .collect();
        Names { fields, ids }
    }
}

/// What a walk makes: the scopes, bindings and references of a fragment (or,
/// once fragments are combined, of the file) before resolution.
#[derive(Default)]
pub(super) struct Tables {
    pub(super) scopes: Vec<Scope>,
    pub(super) bindings: Vec<Binding>,
    pub(super) names: Vec<FxMap<Name, BindingId>>,
    pub(super) by_decl: FxMap<Span, BindingId>,
    pub(super) refs: Vec<Reference>,
    /// By the written identifier's start.
    pub(super) writes: FxMap<usize, WriteInfo>,
}

struct Builder<'t> {
    text: &'t str,
    names_of: &'t Names,
    t: Tables,
    decls: Vec<DeclInfo>,
    paths: Vec<(u32, PathStep)>,
    stack: Vec<Item<'t>>,
    cursor: TreeCursor<'t>,
    spare: Vec<Kids<'t>>,
    /// The functions met whose scopes are their own fragments.
    holes: Vec<Hole<'t>>,
    /// Where their contents go among this fragment's tables.
    events: Vec<Event>,
}

fn span(n: Node<'_>) -> Span {
    (n.start_byte(), n.end_byte())
}

fn range(s: Span) -> TextRange {
    s.0..s.1
}

/// A function whose scope is a fragment of its own: met by the walk of the
/// fragment around it, walked on its own (or reused) afterwards.
pub(super) struct Hole<'t> {
    pub(super) node: Node<'t>,
    /// The scope the function is in, of the fragment around it.
    pub(super) parent: ScopeId,
}

/// Where a hole's tables go among those of the fragment around it, as if
/// one walk had made them all: its head (its scope, and the name of a
/// function expression) where the walk met the function, the rest where
/// the walk reached its parameters and body. `at`: lengths of the
/// fragment's scopes, bindings and references then.
#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
    pub(super) at: (u32, u32, u32),
    pub(super) hole: u32,
    pub(super) body: bool,
}

/// The scope a function's fragment hangs from: its parent's, outside it.
pub(super) const PARENT: ScopeId = ScopeId(u32::MAX);

/// One fragment's walk: its tables, its holes, and the length of its
/// bindings and references made with its head.
pub(super) struct Walked<'t> {
    pub(super) t: Tables,
    pub(super) head: (u32, u32),
    pub(super) holes: Vec<Hole<'t>>,
    pub(super) events: Vec<Event>,
}

/// Walks the module body; functions are left as holes.
pub(super) fn walk_module<'t>(
    tree: &'t Tree,
    text: &'t str,
    names_of: &'t Names,
    paced: &mut crate::program::Paced<'_>,
) -> Walked<'t> {
    let root = tree.root_node();
    let mut b = Builder::new(text, names_of, root);
    let module = b.new_scope(
        ScopeKind::Module,
        (0, text.len().max(root.end_byte())),
        None,
    );
    b.push(root, module, Ctx::Body);
    b.run(paced)
}

/// Walks a function met as a hole: its scope (under [`PARENT`]), own name,
/// parameters and body; the functions inside it are holes in turn.
pub(super) fn walk_function<'t>(
    node: Node<'t>,
    text: &'t str,
    names_of: &'t Names,
    paced: &mut crate::program::Paced<'_>,
) -> Walked<'t> {
    let mut b = Builder::new(text, names_of, node);
    let kids = b.kids(node);
    let declaration = matches!(
        node.kind_name(),
        "function_declaration" | "generator_function_declaration"
    );
    b.function_scope(node, PARENT, declaration, &kids);
    b.recycle(kids);
    b.stack.reverse();
    b.run(paced)
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, names_of: &'t Names, node: Node<'t>) -> Builder<'t> {
        Builder {
            text,
            names_of,
            t: Tables::default(),
            decls: Vec::new(),
            paths: Vec::new(),
            stack: Vec::new(),
            cursor: node.walk(),
            spare: Vec::new(),
            holes: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Visits what is on the stack; `head` is what was made before.
    fn run(mut self, paced: &mut crate::program::Paced<'_>) -> Walked<'t> {
        let head = (self.t.bindings.len() as u32, self.t.refs.len() as u32);
        while let Some(item) = self.stack.pop() {
            paced.visit();
            self.visit(item);
        }
        Walked {
            t: self.t,
            head,
            holes: self.holes,
            events: self.events,
        }
    }

    fn at(&self) -> (u32, u32, u32) {
        (
            self.t.scopes.len() as u32,
            self.t.bindings.len() as u32,
            self.t.refs.len() as u32,
        )
    }

    fn kind<N: std::borrow::Borrow<Node<'t>>>(&self, n: N) -> &'t str {
        n.borrow().kind_name()
    }

    /// `child_by_field_name` for the fields of [`FIELDS`].
    fn child<N: std::borrow::Borrow<Node<'t>>>(
        &self,
        n: N,
        field: &'static str,
    ) -> Option<Node<'t>> {
        let i = FIELDS.iter().position(|&f| f == field)?;
        match self.names_of.ids[i] {
            0 => None,
            id => n.borrow().child_by_field_id(id),
        }
    }

    fn text_of(&self, n: Node<'_>) -> &'t str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn new_scope(&mut self, kind: ScopeKind, r: Span, parent: Option<ScopeId>) -> ScopeId {
        let id = ScopeId(self.t.scopes.len() as u32);
        let var_scope = match (kind, parent) {
            (ScopeKind::Block, Some(p)) => self.t.scopes[p.0 as usize].var_scope,
            _ => id,
        };
        self.t.scopes.push(Scope {
            kind,
            range: range(r),
            parent,
            var_scope,
        });
        self.t.names.push(FxMap::default());
        id
    }

    fn var_scope(&self, s: ScopeId) -> ScopeId {
        self.t.scopes[s.0 as usize].var_scope
    }

    /// Children (with their field names), comments left out. Give the vector
    /// back with [`Builder::recycle`].
    fn kids(&mut self, node: Node<'t>) -> Kids<'t> {
        let mut v = self.spare.pop().unwrap_or_default();
        v.clear();
        self.cursor.reset(node);
        if self.cursor.goto_first_child() {
            loop {
                let n = self.cursor.node();
                // comments are extras; so are some ERROR nodes, which are kept
                if !n.is_extra() || n.is_error() {
                    let field = self
                        .cursor
                        .field_id()
                        .and_then(|f| self.names_of.fields.get(u16::from(f) as usize));
                    v.push((n, field.map(|f| &**f)));
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        v
    }

    fn recycle(&mut self, v: Kids<'t>) {
        self.spare.push(v);
    }

    fn push(&mut self, node: Node<'t>, scope: ScopeId, ctx: Ctx) {
        self.stack.push(Item { node, scope, ctx });
    }

    /// Pushes the named children in `ctx` so they are visited in source order.
    fn push_named(&mut self, node: Node<'t>, scope: ScopeId, ctx: Ctx) {
        let kids = self.kids(node);
        for &(n, _) in kids.iter().rev() {
            if n.is_named() {
                self.push(n, scope, ctx);
            }
        }
        self.recycle(kids);
    }

    fn extend_path(&mut self, path: u32, step: PathStep) -> u32 {
        self.paths.push((path, step));
        (self.paths.len() - 1) as u32
    }

    fn path_vec(&self, mut path: u32) -> Vec<PathStep> {
        let mut v = Vec::new();
        while path != NO_PATH {
            let (parent, step) = &self.paths[path as usize];
            v.push(step.clone());
            path = *parent;
        }
        v.reverse();
        v
    }

    fn add_decl(&mut self, info: DeclInfo) -> u32 {
        self.decls.push(info);
        (self.decls.len() - 1) as u32
    }

    /// Declares `name` in `target`; a redeclaration (`var x; var x;`, a `var`
    /// naming a parameter) is the same binding. A function expression's own
    /// name is shadowed by anything its scope declares.
    #[allow(clippy::too_many_arguments)]
    fn declare(
        &mut self,
        target: ScopeId,
        name: &str,
        kind: BindingKind,
        decl: Span,
        declarator: Span,
        init: Option<Span>,
        path: Vec<PathStep>,
    ) -> BindingId {
        if let Some(&id) = self.t.names[target.0 as usize].get(name) {
            if self.t.bindings[id.0 as usize].kind != BindingKind::FunctionName {
                self.t.by_decl.insert(decl, id);
                return id;
            }
        }
        let id = BindingId(self.t.bindings.len() as u32);
        self.t.bindings.push(Binding {
            name: Name::new(name),
            kind,
            scope: target,
            decl: range(decl),
            declarator: range(declarator),
            init: init.map(range),
            path,
        });
        self.t.names[target.0 as usize].insert(Name::new(name), id);
        self.t.by_decl.insert(decl, id);
        id
    }

    /// Declares the identifier `n` and records its declaring reference.
    #[allow(clippy::too_many_arguments)]
    fn declare_ident(
        &mut self,
        n: Node<'t>,
        scope: ScopeId,
        target: ScopeId,
        kind: BindingKind,
        declarator: Span,
        init: Option<Span>,
        path: Vec<PathStep>,
        write: bool,
    ) {
        if n.is_missing() {
            return;
        }
        let name = self.text_of(n);
        let id = self.declare(target, name, kind, span(n), declarator, init, path);
        self.t.refs.push(Reference {
            name: Name::new(name),
            range: n.byte_range(),
            scope,
            binding: Some(id),
            declaration: true,
            read: false,
            write,
            mutation: None,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn add_ref(
        &mut self,
        n: Node<'t>,
        scope: ScopeId,
        read: bool,
        write: bool,
        mutation: Option<(Mutation, Span)>,
        assign: Option<Span>,
        init: Option<Span>,
    ) {
        if n.is_missing() {
            return;
        }
        if let Some(assign) = assign {
            self.t.writes.insert(n.start_byte(), (assign, init));
        }
        self.t.refs.push(Reference {
            name: Name::new(self.text_of(n)),
            range: n.byte_range(),
            scope,
            binding: None,
            declaration: false,
            read,
            write,
            mutation: mutation.map(|(m, s)| (m, range(s))),
        });
    }

    fn visit(&mut self, item: Item<'t>) {
        let Item { node, scope, ctx } = item;
        match ctx {
            Ctx::Expr => self.visit_expr(node, scope, false),
            Ctx::Body => self.visit_expr(node, scope, true),
            Ctx::Target { read, assign, init } => {
                self.visit_target(node, scope, read, assign, init)
            }
            Ctx::MutRoot { mutation, range } => match self.kind(node) {
                "identifier" => self.add_ref(
                    node,
                    scope,
                    true,
                    false,
                    Some((mutation, range)),
                    None,
                    None,
                ),
                "member_expression" | "subscript_expression" => {
                    let kids = self.kids(node);
                    for &(k, field) in kids.iter().rev() {
                        match field {
                            Some("object") => self.push(k, scope, ctx),
                            Some("index") => self.push(k, scope, Ctx::Expr),
                            _ if self.kind(k) == "ERROR" => self.push(k, scope, Ctx::Expr),
                            _ => {}
                        }
                    }
                    self.recycle(kids);
                }
                "parenthesized_expression" => self.push_named(node, scope, ctx),
                k if is_type_wrapper(k) => self.push_named(node, scope, ctx),
                _ => self.visit_expr(node, scope, false),
            },
            Ctx::Decl { info, path } => self.visit_decl(node, scope, info, path),
            Ctx::Hole(hole) => self.events.push(Event {
                at: self.at(),
                hole,
                body: true,
            }),
        }
    }

    fn visit_target(
        &mut self,
        node: Node<'t>,
        scope: ScopeId,
        read: bool,
        assign: Span,
        init: Option<Span>,
    ) {
        let ctx = Ctx::Target { read, assign, init };
        let pattern = Ctx::Target {
            read: false,
            assign,
            init: None,
        };
        match self.kind(node) {
            "identifier" | "shorthand_property_identifier_pattern" => {
                self.add_ref(node, scope, read, true, None, Some(assign), init)
            }
            "parenthesized_expression" => self.push_named(node, scope, ctx),
            k if is_type_wrapper(k) => self.push_named(node, scope, ctx),
            "member_expression" | "subscript_expression" => {
                let mutate = Ctx::MutRoot {
                    mutation: Mutation::PropertyWrite,
                    range: assign,
                };
                self.visit(Item {
                    node,
                    scope,
                    ctx: mutate,
                });
            }
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                self.push_named(node, scope, pattern)
            }
            "pair_pattern" | "assignment_pattern" | "object_assignment_pattern" => {
                let kids = self.kids(node);
                for &(k, field) in kids.iter().rev() {
                    match field {
                        Some("value") | Some("left") => self.push(k, scope, pattern),
                        _ if k.is_named() => self.push(k, scope, Ctx::Expr),
                        _ => {}
                    }
                }
                self.recycle(kids);
            }
            "undefined" => {}
            _ => self.visit_expr(node, scope, false),
        }
    }

    fn visit_decl(&mut self, node: Node<'t>, scope: ScopeId, info_id: u32, path: u32) {
        let info = self.decls[info_id as usize];
        let decl = |path| Ctx::Decl {
            info: info_id,
            path,
        };
        match self.kind(node) {
            "identifier" | "shorthand_property_identifier_pattern" => {
                let p = self.path_vec(path);
                self.declare_ident(
                    node,
                    scope,
                    info.target,
                    info.kind,
                    info.declarator,
                    info.init,
                    p,
                    info.write,
                );
            }
            "object_pattern" => {
                let kids = self.kids(node);
                let mark = self.stack.len();
                for &(k, _) in kids.iter() {
                    match self.kind(k) {
                        "pair_pattern" => {
                            let key = self.child(k, "key");
                            let step = match key {
                                Some(key) if self.kind(key) == "computed_property_name" => {
                                    self.push(key, scope, Ctx::Expr);
                                    PathStep::Rest
                                }
                                Some(key) => PathStep::Property(self.key_name(key)),
                                None => PathStep::Rest,
                            };
                            if let Some(v) = self.child(k, "value") {
                                let p = self.extend_path(path, step);
                                self.push(v, scope, decl(p));
                            }
                        }
                        "shorthand_property_identifier_pattern" => {
                            let p = self
                                .extend_path(path, PathStep::Property(self.text_of(k).to_string()));
                            self.push(k, scope, decl(p));
                        }
                        "object_assignment_pattern" => {
                            if let Some(left) = self.child(k, "left") {
                                let p =
                                    if self.kind(left) == "shorthand_property_identifier_pattern" {
                                        self.extend_path(
                                            path,
                                            PathStep::Property(self.text_of(left).to_string()),
                                        )
                                    } else {
                                        path
                                    };
                                self.push(left, scope, decl(p));
                            }
                            if let Some(right) = self.child(k, "right") {
                                self.push(right, scope, Ctx::Expr);
                            }
                        }
                        "rest_pattern" => self.push(k, scope, decl(path)),
                        _ if k.is_named() => self.push(k, scope, Ctx::Expr),
                        _ => {}
                    }
                }
                self.stack[mark..].reverse();
                self.recycle(kids);
            }
            "array_pattern" => {
                let kids = self.kids(node);
                let mark = self.stack.len();
                let mut index = 0;
                for &(k, _) in kids.iter() {
                    match self.kind(k) {
                        "," => index += 1,
                        // `[a, ...r]`: `r` is the rest, not element 1
                        "rest_pattern" => self.push(k, scope, decl(path)),
                        "ERROR" => self.push(k, scope, Ctx::Expr),
                        _ if k.is_named() => {
                            let p = self.extend_path(path, PathStep::Index(index));
                            self.push(k, scope, decl(p));
                        }
                        _ => {}
                    }
                }
                self.stack[mark..].reverse();
                self.recycle(kids);
            }
            "assignment_pattern" => {
                let kids = self.kids(node);
                for &(k, field) in kids.iter().rev() {
                    match field {
                        Some("left") => self.push(k, scope, decl(path)),
                        _ if k.is_named() => self.push(k, scope, Ctx::Expr),
                        _ => {}
                    }
                }
                self.recycle(kids);
            }
            "rest_pattern" => {
                let p = self.extend_path(path, PathStep::Rest);
                self.push_named(node, scope, decl(p));
            }
            "undefined" => {}
            _ => self.visit_expr(node, scope, false),
        }
    }

    /// The property name of a non-computed key.
    fn key_name(&self, key: Node<'t>) -> String {
        let t = self.text_of(key);
        if self.kind(key) == "string" && t.len() >= 2 {
            t.get(1..t.len() - 1).unwrap_or(t).to_string()
        } else {
            t.to_string()
        }
    }

    /// A TypeScript `type` keyword among the children: `import type`,
    /// `export type {…}`, `{ type A }`.
    fn has_type_keyword(&mut self, node: Node<'t>) -> bool {
        let kids = self.kids(node);
        let found = kids
            .iter()
            .any(|(k, _)| !k.is_named() && self.kind(k) == "type");
        self.recycle(kids);
        found
    }

    /// `namespace N { … }`, `module N { … }`: declares `N` (the first name of
    /// `A.B.C`) and walks the body in a Function scope of its own.
    fn visit_namespace(&mut self, node: Node<'t>, scope: ScopeId) {
        let mut name = self.child(node, "name");
        while let Some(n) = name.filter(|n| self.kind(n) == "nested_identifier") {
            name = n.named_child(0);
        }
        if let Some(n) = name.filter(|n| self.kind(n) == "identifier") {
            self.declare_ident(
                n,
                scope,
                scope,
                BindingKind::Namespace,
                span(node),
                None,
                vec![],
                true,
            );
        }
        let kids = self.kids(node);
        let body = kids
            .iter()
            .find(|(_, f)| *f == Some("body"))
            .map(|&(b, _)| b);
        self.recycle(kids);
        if let Some(body) = body {
            let f = self.new_scope(ScopeKind::Function, span(node), Some(scope));
            self.push(body, f, Ctx::Body);
        }
    }

    /// Declares the parameters of `params` (a `formal_parameters` node) in `f`.
    fn push_params(&mut self, params: Node<'t>, f: ScopeId) {
        let kids = self.kids(params);
        let mark = self.stack.len();
        let mut index = 0;
        for &(k, _) in kids.iter() {
            if !k.is_named() {
                continue;
            }
            if self.kind(k) == "ERROR" {
                self.push(k, f, Ctx::Expr);
                continue;
            }
            let mut info = DeclInfo {
                kind: BindingKind::Param { index },
                target: f,
                declarator: span(k),
                init: None,
                write: true,
            };
            if matches!(self.kind(k), "required_parameter" | "optional_parameter") {
                // TypeScript: `@Inject() private readonly x: T = v`; a `this`
                // parameter only types `this`
                let kids = self.kids(k);
                let pattern = kids
                    .iter()
                    .find(|(_, f)| matches!(f, Some("pattern" | "name")))
                    .map(|&(n, _)| n);
                let outer = self.t.scopes[f.0 as usize].parent.unwrap_or(f);
                let mut value = None;
                for &(n, field) in kids.iter() {
                    match field {
                        Some("decorator") => self.push(n, outer, Ctx::Expr),
                        Some("value") => value = Some(n),
                        _ => {}
                    }
                }
                self.recycle(kids);
                let Some(pattern) = pattern.filter(|p| self.kind(p) != "this") else {
                    continue;
                };
                info.init = value.map(span);
                let id = self.add_decl(info);
                self.push(
                    pattern,
                    f,
                    Ctx::Decl {
                        info: id,
                        path: NO_PATH,
                    },
                );
                if let Some(value) = value {
                    self.push(value, f, Ctx::Expr);
                }
            } else if self.kind(k) == "assignment_pattern" {
                let left = self.child(k, "left");
                let right = self.child(k, "right");
                info.init = right.map(span);
                let id = self.add_decl(info);
                if let Some(left) = left {
                    self.push(
                        left,
                        f,
                        Ctx::Decl {
                            info: id,
                            path: NO_PATH,
                        },
                    );
                }
                if let Some(right) = right {
                    self.push(right, f, Ctx::Expr);
                }
            } else {
                let id = self.add_decl(info);
                self.push(
                    k,
                    f,
                    Ctx::Decl {
                        info: id,
                        path: NO_PATH,
                    },
                );
            }
            index += 1;
        }
        self.stack[mark..].reverse();
        self.recycle(kids);
    }

    /// A function-like node: its own scope, an optional name, parameters, body.
    fn visit_function(&mut self, node: Node<'t>, scope: ScopeId, declaration: bool) {
        let kids = self.kids(node);
        let mark = self.stack.len();
        // the name of a declaration lives outside; computed method names and
        // decorators are evaluated outside too
        for &(k, field) in kids.iter() {
            match field {
                Some("name") if declaration && self.kind(k) == "identifier" => self.declare_ident(
                    k,
                    scope,
                    scope,
                    BindingKind::Function,
                    span(node),
                    None,
                    vec![],
                    true,
                ),
                Some("name") if self.kind(k) == "computed_property_name" => {
                    self.push(k, scope, Ctx::Expr)
                }
                Some("decorator") => self.push(k, scope, Ctx::Expr),
                _ => {}
            }
        }
        if self.own_fragment(&kids) {
            let hole = self.holes.len() as u32;
            self.events.push(Event {
                at: self.at(),
                hole,
                body: false,
            });
            self.holes.push(Hole {
                node,
                parent: scope,
            });
            self.push(node, scope, Ctx::Hole(hole));
        } else {
            self.function_scope(node, scope, declaration, &kids);
        }
        self.stack[mark..].reverse();
        self.recycle(kids);
    }

    /// A function is a fragment of its own unless a parameter has a
    /// decorator (TypeScript): decorators are walked in the scope outside.
    fn own_fragment(&self, kids: &Kids<'t>) -> bool {
        kids.iter()
            .find(|(_, f)| *f == Some("parameters"))
            .is_none_or(|&(p, _)| !self.text_of(p).contains('@'))
    }

    /// The function's scope, the name of a function expression, and (pushed)
    /// its parameters and body.
    fn function_scope(
        &mut self,
        node: Node<'t>,
        scope: ScopeId,
        declaration: bool,
        kids: &Kids<'t>,
    ) {
        let f = self.new_scope(ScopeKind::Function, span(node), Some(scope));
        for &(k, field) in kids.iter() {
            match field {
                Some("name") if !declaration && self.kind(k) == "identifier" => self.declare_ident(
                    k,
                    f,
                    f,
                    BindingKind::FunctionName,
                    span(node),
                    None,
                    vec![],
                    true,
                ),
                Some("parameters") => {
                    // push_params leaves its items in pop order; restore source
                    // order, as the whole segment is reversed below
                    let m2 = self.stack.len();
                    self.push_params(k, f);
                    self.stack[m2..].reverse();
                }
                Some("parameter") => {
                    let id = self.add_decl(DeclInfo {
                        kind: BindingKind::Param { index: 0 },
                        target: f,
                        declarator: span(k),
                        init: None,
                        write: true,
                    });
                    self.push(
                        k,
                        f,
                        Ctx::Decl {
                            info: id,
                            path: NO_PATH,
                        },
                    );
                }
                Some("body") => self.push(
                    k,
                    f,
                    if self.kind(k) == "statement_block" {
                        Ctx::Body
                    } else {
                        Ctx::Expr
                    },
                ),
                None if self.kind(k) == "ERROR" => self.push(k, f, Ctx::Expr),
                _ => {}
            }
        }
    }

    fn visit_class(&mut self, node: Node<'t>, scope: ScopeId, declaration: bool) {
        let kids = self.kids(node);
        if declaration {
            if let Some(&(name, _)) = kids.iter().find(|(_, f)| *f == Some("name")) {
                self.declare_ident(
                    name,
                    scope,
                    scope,
                    BindingKind::Class,
                    span(node),
                    None,
                    vec![],
                    true,
                );
            }
        }
        // The class scope spans the whole class node: the inner name is
        // visible in the heritage too. Decorators are walked in it so that
        // parent scopes always contain their children.
        let c = self.new_scope(ScopeKind::Block, span(node), Some(scope));
        let mark = self.stack.len();
        for &(k, field) in kids.iter() {
            match field {
                Some("name")
                    if !declaration && matches!(self.kind(k), "identifier" | "type_identifier") =>
                {
                    self.declare_ident(
                        k,
                        c,
                        c,
                        BindingKind::FunctionName,
                        span(node),
                        None,
                        vec![],
                        true,
                    )
                }
                Some("name") => {}
                _ if k.is_named() => self.push(k, c, Ctx::Expr),
                _ => {}
            }
        }
        self.stack[mark..].reverse();
        self.recycle(kids);
    }

    fn visit_class_body(&mut self, node: Node<'t>, scope: ScopeId) {
        let kids = self.kids(node);
        let has_fields = kids.iter().any(|(k, _)| {
            matches!(self.kind(k), "field_definition" | "public_field_definition")
                && self.child(k, "value").is_some()
        });
        // Field initialisers run as if in one function per class (the
        // constructor). The whole body is walked in that scope so that
        // scope ranges nest; it declares nothing, so lookups are unaffected.
        let inner = if has_fields {
            self.new_scope(ScopeKind::Function, span(node), Some(scope))
        } else {
            scope
        };
        for &(k, _) in kids.iter().rev() {
            if k.is_named() {
                self.push(k, inner, Ctx::Expr);
            }
        }
        self.recycle(kids);
    }

    fn visit_declaration(&mut self, node: Node<'t>, scope: ScopeId) {
        let kids = self.kids(node);
        let kind = match self.kind(node) {
            "variable_declaration" => BindingKind::Var,
            "lexical_declaration" => {
                match kids
                    .iter()
                    .find(|(_, f)| *f == Some("kind"))
                    .map(|(k, _)| self.kind(k))
                {
                    Some("let") => BindingKind::Let,
                    _ => BindingKind::Const,
                }
            }
            _ => BindingKind::Const, // `using`
        };
        let target = if kind == BindingKind::Var {
            self.var_scope(scope)
        } else {
            scope
        };
        let mark = self.stack.len();
        for &(k, _) in kids.iter() {
            if self.kind(k) == "variable_declarator" {
                let name = self.child(k, "name");
                let value = self.child(k, "value");
                let id = self.add_decl(DeclInfo {
                    kind,
                    target,
                    declarator: span(k),
                    init: value.map(span),
                    write: value.is_some(),
                });
                if let Some(name) = name {
                    self.push(
                        name,
                        scope,
                        Ctx::Decl {
                            info: id,
                            path: NO_PATH,
                        },
                    );
                }
                if let Some(value) = value {
                    self.push(value, scope, Ctx::Expr);
                }
            } else if k.is_named() {
                self.push(k, scope, Ctx::Expr);
            }
        }
        self.stack[mark..].reverse();
        self.recycle(kids);
    }

    fn visit_for_in(&mut self, node: Node<'t>, scope: ScopeId) {
        let kids = self.kids(node);
        let mut kind = None;
        let mut kind_start = None;
        for &(k, field) in kids.iter() {
            if field == Some("kind") {
                let this = match self.kind(k) {
                    "var" => Some(BindingKind::Var),
                    "let" => Some(BindingKind::Let),
                    "const" | "using" => Some(BindingKind::Const),
                    _ => None,
                };
                if this.is_some() {
                    kind = this;
                    kind_start.get_or_insert(k.start_byte());
                }
            }
        }
        let of = kids
            .iter()
            .any(|(k, f)| *f == Some("operator") && self.kind(k) == "of");
        let right = kids
            .iter()
            .find(|(_, f)| *f == Some("right"))
            .map(|(k, _)| span(*k));
        let inner = match kind {
            Some(BindingKind::Let) | Some(BindingKind::Const) => {
                self.new_scope(ScopeKind::Block, span(node), Some(scope))
            }
            _ => scope,
        };
        let mark = self.stack.len();
        for &(k, field) in kids.iter() {
            match field {
                Some("left") => match kind {
                    Some(kind) => {
                        let target = if kind == BindingKind::Var {
                            self.var_scope(scope)
                        } else {
                            inner
                        };
                        // `for (const x of xs)`: x is some element of xs
                        let (init, path) = match (of, right) {
                            (true, Some(r)) => (Some(r), self.extend_path(NO_PATH, PathStep::Rest)),
                            _ => (None, NO_PATH),
                        };
                        let id = self.add_decl(DeclInfo {
                            kind,
                            target,
                            declarator: (kind_start.unwrap_or(k.start_byte()), k.end_byte()),
                            init,
                            write: true,
                        });
                        self.push(k, inner, Ctx::Decl { info: id, path });
                    }
                    None => self.push(
                        k,
                        inner,
                        Ctx::Target {
                            read: false,
                            assign: span(node),
                            init: None,
                        },
                    ),
                },
                _ if k.is_named() => self.push(k, inner, Ctx::Expr),
                _ => {}
            }
        }
        self.stack[mark..].reverse();
        self.recycle(kids);
    }

    fn visit_call(&mut self, node: Node<'t>, scope: ScopeId) {
        let call = span(node);
        let kids = self.kids(node);
        let mark = self.stack.len();
        let mut object_mutator = false;
        for &(k, field) in kids.iter() {
            match field {
                Some("function") if self.kind(k) == "member_expression" => {
                    let object = self.child(k, "object");
                    let property = self.child(k, "property");
                    let prop = property
                        .filter(|p| self.kind(p) == "property_identifier")
                        .map(|p| self.text_of(p));
                    match (object, prop) {
                        (Some(o), Some(p)) if MUTATING_METHODS.contains(&p) => self.push(
                            o,
                            scope,
                            Ctx::MutRoot {
                                mutation: Mutation::MutatingCall,
                                range: call,
                            },
                        ),
                        (Some(o), Some(p))
                            if self.kind(o) == "identifier"
                                && self.text_of(o) == "Object"
                                && matches!(
                                    p,
                                    "assign"
                                        | "defineProperty"
                                        | "defineProperties"
                                        | "setPrototypeOf"
                                ) =>
                        {
                            object_mutator = true;
                            self.push(k, scope, Ctx::Expr);
                        }
                        _ => self.push(k, scope, Ctx::Expr),
                    }
                }
                Some("arguments") if object_mutator && self.kind(k) == "arguments" => {
                    let args = self.kids(k);
                    let mut first = true;
                    for &(a, _) in args.iter() {
                        if !a.is_named() {
                            continue;
                        }
                        if first && self.kind(a) != "spread_element" {
                            self.push(
                                a,
                                scope,
                                Ctx::MutRoot {
                                    mutation: Mutation::ObjectMutator,
                                    range: call,
                                },
                            );
                        } else {
                            self.push(a, scope, Ctx::Expr);
                        }
                        first = false;
                    }
                    self.recycle(args);
                }
                _ if k.is_named() => self.push(k, scope, Ctx::Expr),
                _ => {}
            }
        }
        self.stack[mark..].reverse();
        self.recycle(kids);
    }

    fn visit_import(&mut self, node: Node<'t>, scope: ScopeId) {
        let source = self.child(node, "source").map(span);
        let kids = self.kids(node);
        // `import type …` binds nothing at run time
        if kids.iter().any(|(k, _)| self.kind(k) == "type") {
            self.recycle(kids);
            return;
        }
        for &(clause, _) in kids.iter() {
            if self.kind(clause) == "import_require_clause" {
                // `import fs = require('fs')`: the module object, as `require` gives it
                let source = self.child(clause, "source").map(span);
                if let Some(id) = clause
                    .named_child(0)
                    .filter(|n| self.kind(n) == "identifier")
                {
                    self.declare_ident(
                        id,
                        scope,
                        scope,
                        BindingKind::Import,
                        span(clause),
                        source,
                        vec![],
                        true,
                    );
                }
                continue;
            }
            if self.kind(clause) != "import_clause" {
                continue;
            }
            let parts = self.kids(clause);
            for &(p, _) in parts.iter() {
                match self.kind(p) {
                    "identifier" => self.declare_ident(
                        p,
                        scope,
                        scope,
                        BindingKind::Import,
                        span(p),
                        source,
                        vec![PathStep::Property("default".into())],
                        true,
                    ),
                    "namespace_import" => {
                        if let Some(id) = p.named_child(0).filter(|n| self.kind(n) == "identifier")
                        {
                            self.declare_ident(
                                id,
                                scope,
                                scope,
                                BindingKind::Import,
                                span(p),
                                source,
                                vec![],
                                true,
                            );
                        }
                    }
                    "named_imports" => {
                        let specs = self.kids(p);
                        for &(s, _) in specs.iter() {
                            if self.kind(s) != "import_specifier" || self.has_type_keyword(s) {
                                continue;
                            }
                            let name = self.child(s, "name");
                            let alias = self.child(s, "alias");
                            let local = alias.or(name).filter(|n| self.kind(n) == "identifier");
                            if let (Some(name), Some(local)) = (name, local) {
                                let imported = self.key_name(name);
                                let path = vec![PathStep::Property(imported)];
                                self.declare_ident(
                                    local,
                                    scope,
                                    scope,
                                    BindingKind::Import,
                                    span(s),
                                    source,
                                    path,
                                    true,
                                );
                            }
                        }
                        self.recycle(specs);
                    }
                    _ => {}
                }
            }
            self.recycle(parts);
        }
        self.recycle(kids);
    }

    fn visit_expr(&mut self, node: Node<'t>, scope: ScopeId, body: bool) {
        match self.kind(node) {
            "identifier" | "shorthand_property_identifier" => {
                self.add_ref(node, scope, true, false, None, None, None)
            }
            // no references inside
            "comment"
            | "string"
            | "number"
            | "regex"
            | "property_identifier"
            | "private_property_identifier"
            | "statement_identifier"
            | "this"
            | "super"
            | "true"
            | "false"
            | "null"
            | "undefined"
            | "meta_property"
            | "jsx_namespace_name"
            | "jsx_text"
            | "hash_bang_line"
            | "html_comment"
            | "namespace_export"
            | "import_clause"
            | "import_specifier"
            | "named_imports"
            | "namespace_import"
            | "shorthand_property_identifier_pattern"
            | "import" => {}
            "statement_block" if !body => {
                let s = self.new_scope(ScopeKind::Block, span(node), Some(scope));
                self.push_named(node, s, Ctx::Expr);
            }
            "switch_body" => {
                let s = self.new_scope(ScopeKind::Block, span(node), Some(scope));
                self.push_named(node, s, Ctx::Expr);
            }
            "variable_declaration" | "lexical_declaration" | "using_declaration" => {
                self.visit_declaration(node, scope)
            }
            "function_declaration" | "generator_function_declaration" => {
                self.visit_function(node, scope, true)
            }
            "function_expression"
            | "generator_function"
            | "function"
            | "arrow_function"
            | "method_definition" => self.visit_function(node, scope, false),
            "class_declaration" | "abstract_class_declaration" => {
                self.visit_class(node, scope, true)
            }
            "class" => self.visit_class(node, scope, false),
            k if TYPE_ONLY.contains(&k) => {}
            "as_expression" | "satisfies_expression" => {
                // the expression, not the type after `as`
                if let Some(e) = node.named_child(0) {
                    self.push(e, scope, Ctx::Expr);
                }
            }
            "enum_declaration" => {
                let kids = self.kids(node);
                for &(k, field) in kids.iter().rev() {
                    match field {
                        Some("name") => self.declare_ident(
                            k,
                            scope,
                            scope,
                            BindingKind::Enum,
                            span(node),
                            None,
                            vec![],
                            true,
                        ),
                        // member initialisers may read variables
                        _ if k.is_named() => self.push(k, scope, Ctx::Expr),
                        _ => {}
                    }
                }
                self.recycle(kids);
            }
            "internal_module" | "module" => self.visit_namespace(node, scope),
            "import_alias" => {
                // `import A = N.x`: declares A, reads N
                if let Some(name) = node.named_child(0).filter(|n| self.kind(n) == "identifier") {
                    self.declare_ident(
                        name,
                        scope,
                        scope,
                        BindingKind::Const,
                        span(node),
                        node.named_child(1).map(span),
                        vec![],
                        true,
                    );
                }
                if let Some(value) = node.named_child(1) {
                    self.push(value, scope, Ctx::Expr);
                }
            }
            "class_body" => self.visit_class_body(node, scope),
            "class_static_block" => {
                let f = self.new_scope(ScopeKind::Function, span(node), Some(scope));
                let kids = self.kids(node);
                for &(k, field) in kids.iter().rev() {
                    if field == Some("body") {
                        self.push(k, f, Ctx::Body);
                    } else if k.is_named() {
                        self.push(k, f, Ctx::Expr);
                    }
                }
                self.recycle(kids);
            }
            "field_definition" | "public_field_definition" => {
                // property names are not references; computed keys, decorators
                // and the initialiser are
                self.push_named(node, scope, Ctx::Expr);
            }
            "catch_clause" => {
                let c = self.new_scope(ScopeKind::Block, span(node), Some(scope));
                let kids = self.kids(node);
                for &(k, field) in kids.iter().rev() {
                    match field {
                        Some("parameter") => {
                            let id = self.add_decl(DeclInfo {
                                kind: BindingKind::CatchParam,
                                target: c,
                                declarator: span(k),
                                init: None,
                                write: true,
                            });
                            self.push(
                                k,
                                c,
                                Ctx::Decl {
                                    info: id,
                                    path: NO_PATH,
                                },
                            );
                        }
                        Some("body") => self.push(k, c, Ctx::Body),
                        _ if k.is_named() => self.push(k, c, Ctx::Expr),
                        _ => {}
                    }
                }
                self.recycle(kids);
            }
            "for_statement" => {
                let lexical = node.field("initializer").is_some_and(|i| {
                    matches!(self.kind(i), "lexical_declaration" | "using_declaration")
                });
                let s = if lexical {
                    self.new_scope(ScopeKind::Block, span(node), Some(scope))
                } else {
                    scope
                };
                self.push_named(node, s, Ctx::Expr);
            }
            "for_in_statement" => self.visit_for_in(node, scope),
            "assignment_expression" | "augmented_assignment_expression" => {
                let read = self.kind(node) == "augmented_assignment_expression";
                let kids = self.kids(node);
                let right = kids
                    .iter()
                    .find(|(_, f)| *f == Some("right"))
                    .map(|(k, _)| span(*k));
                for &(k, field) in kids.iter().rev() {
                    match field {
                        Some("left") => {
                            let init = if read { None } else { right };
                            self.push(
                                k,
                                scope,
                                Ctx::Target {
                                    read,
                                    assign: span(node),
                                    init,
                                },
                            )
                        }
                        _ if k.is_named() => self.push(k, scope, Ctx::Expr),
                        _ => {}
                    }
                }
                self.recycle(kids);
            }
            "update_expression" => {
                let target = Ctx::Target {
                    read: true,
                    assign: span(node),
                    init: None,
                };
                self.push_named(node, scope, target);
            }
            "unary_expression" => {
                let delete = self
                    .child(node, "operator")
                    .is_some_and(|o| self.kind(o) == "delete");
                let ctx = if delete {
                    Ctx::MutRoot {
                        mutation: Mutation::Delete,
                        range: span(node),
                    }
                } else {
                    Ctx::Expr
                };
                self.push_named(node, scope, ctx);
            }
            "call_expression" => self.visit_call(node, scope),
            "import_statement" => self.visit_import(node, scope),
            "export_statement" => {
                // `export … from 'm'` names no local binding; `export type {…}` no value
                if self.child(node, "source").is_none() && !self.has_type_keyword(node) {
                    self.push_named(node, scope, Ctx::Expr);
                }
            }
            "export_clause" => {
                let kids = self.kids(node);
                for &(s, _) in kids.iter().rev() {
                    if self.has_type_keyword(s) {
                        continue;
                    }
                    if let Some(name) = self
                        .child(s, "name")
                        .filter(|n| self.kind(n) == "identifier")
                    {
                        self.push(name, scope, Ctx::Expr);
                    }
                }
                self.recycle(kids);
            }
            "jsx_opening_element" | "jsx_closing_element" | "jsx_self_closing_element" => {
                let kids = self.kids(node);
                for &(k, field) in kids.iter().rev() {
                    if field == Some("name") && self.kind(k) == "identifier" {
                        // `<div>` is an intrinsic element, `<App>` a variable
                        if !self
                            .text_of(k)
                            .starts_with(|c: char| c.is_ascii_lowercase())
                        {
                            self.push(k, scope, Ctx::Expr);
                        }
                    } else if k.is_named() {
                        self.push(k, scope, Ctx::Expr);
                    }
                }
                self.recycle(kids);
            }
            _ => self.push_named(node, scope, Ctx::Expr),
        }
    }
}

impl Tables {
    /// Resolves the references and indexes the tree.
    pub(super) fn finish(mut self) -> ScopeTree {
        // references in source order (the walk is nearly so already)
        if !self.refs.is_sorted_by_key(|r| r.range.start) {
            self.refs.sort_by_key(|r| r.range.start);
        }
        self.resolve();
        self.implicit_globals();
        let by_decl = self.by_decl;
        let mut functions = FxMap::default();
        for (i, s) in self.scopes.iter().enumerate() {
            if s.kind == ScopeKind::Function {
                functions
                    .entry((s.range.start, s.range.end))
                    .or_insert(ScopeId(i as u32));
            }
        }
        let enclosing = enclosing(&self.scopes);
        ScopeTree {
            scopes: self.scopes,
            bindings: self.bindings,
            references: self.refs,
            index: ScopeIndex {
                built: true,
                names: self.names,
                by_decl,
                functions,
                enclosing,
            },
        }
    }

    /// Resolves every reference by a depth-first walk of the scope tree that
    /// keeps, per name, the stack of bindings in scope: linear in the number
    /// of scopes, bindings and references whatever the nesting.
    fn resolve(&mut self) {
        let n = self.scopes.len();
        let children = Csr::new(
            n,
            self.scopes
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((s.parent?.0, i as u32))),
        );
        let unresolved = self
            .refs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.binding.is_none());
        let refs_in = Csr::new(n, unresolved.map(|(i, r)| (r.scope.0, i as u32)));
        let mut visible: FxMap<&str, Vec<BindingId>> = FxMap::default();
        // (scope, entering?)
        let mut stack = vec![(0u32, true)];
        while let Some((s, enter)) = stack.pop() {
            let names = &self.names[s as usize];
            if enter {
                for (name, &id) in names {
                    visible.entry(name.as_str()).or_default().push(id);
                }
                for &r in refs_in.get(s) {
                    let r = &mut self.refs[r as usize];
                    r.binding = visible.get(r.name.as_str()).and_then(|v| v.last().copied());
                }
                stack.push((s, false));
                for &c in children.get(s).iter().rev() {
                    stack.push((c, true));
                }
            } else {
                for name in names.keys() {
                    if let Some(v) = visible.get_mut(name.as_str()) {
                        v.pop();
                    }
                }
            }
        }
    }

    /// An assignment to a name declared nowhere makes a global; every other
    /// unresolved reference to the name (before or after) resolves to it.
    /// Compound assignments and `++` count too: the name is global state
    /// either way (declared by another script, or created by this code).
    fn implicit_globals(&mut self) {
        let mut first_write: FxMap<&str, usize> = FxMap::default();
        for (i, r) in self.refs.iter().enumerate() {
            if r.binding.is_none() && r.write {
                first_write.entry(r.name.as_str()).or_insert(i);
            }
        }
        if first_write.is_empty() {
            return;
        }
        let first_write: FxMap<Name, usize> = first_write
            .into_iter()
            .map(|(k, v)| (Name::new(k), v))
            .collect();
        let mut made: FxMap<Name, BindingId> = FxMap::default();
        for i in 0..self.refs.len() {
            if self.refs[i].binding.is_some() {
                continue;
            }
            let Some(&w) = first_write.get(self.refs[i].name.as_str()) else {
                continue;
            };
            let id = match made.get(self.refs[i].name.as_str()) {
                Some(&id) => id,
                None => {
                    let first = &self.refs[w];
                    let id = BindingId(self.bindings.len() as u32);
                    let decl = first.range.clone();
                    let (assign, init) = self
                        .writes
                        .get(&decl.start)
                        .copied()
                        .unwrap_or(((decl.start, decl.end), None));
                    self.bindings.push(Binding {
                        name: first.name.clone(),
                        kind: BindingKind::ImplicitGlobal,
                        scope: ScopeId(0),
                        decl: decl.clone(),
                        declarator: range(assign),
                        init: init.map(range),
                        path: vec![],
                    });
                    self.names[0].insert(first.name.clone(), id);
                    self.by_decl.insert((decl.start, decl.end), id);
                    made.insert(first.name.clone(), id);
                    id
                }
            };
            self.refs[i].binding = Some(id);
        }
    }
}

/// Lists of `u32` per key `0..n` in two flat vectors (compressed rows), each
/// list in insertion order.
struct Csr {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    fn new(n: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Csr {
        let mut starts = vec![0u32; n + 1];
        for (k, _) in pairs.clone() {
            starts[k as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; starts[n] as usize];
        for (k, v) in pairs {
            items[next[k as usize] as usize] = v;
            next[k as usize] += 1;
        }
        Csr { starts, items }
    }

    fn get(&self, k: u32) -> &[u32] {
        &self.items[self.starts[k as usize] as usize..self.starts[k as usize + 1] as usize]
    }
}

/// For each scope (sorted by start, ranges nested), the innermost earlier
/// scope whose range contains it: a stack of open ranges, linear time.
fn enclosing(scopes: &[Scope]) -> Vec<Option<ScopeId>> {
    let mut out = Vec::with_capacity(scopes.len());
    let mut open: Vec<usize> = Vec::new();
    for (i, s) in scopes.iter().enumerate() {
        while let Some(&top) = open.last() {
            let t = &scopes[top].range;
            if t.start <= s.range.start && s.range.end <= t.end {
                break;
            }
            open.pop();
        }
        out.push(open.last().map(|&t| ScopeId(t as u32)));
        open.push(i);
    }
    out
}
