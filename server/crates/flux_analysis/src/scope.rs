//! Scope analysis following JavaScript's rules: `var` and function hoisting,
//! block scope for `let`/`const`/`class`, parameters (destructuring, defaults,
//! rest), catch parameters, named function expressions, arrows, class methods
//! and fields, imports/exports, implicit globals.
//!
//! Every identifier reference is resolved to a binding (or left global) and
//! classified as a read, a write, or a mutation of the object it holds.
//! The walk is iterative: deeply nested code cannot overflow the stack.
//!
//! Conventions beyond the field docs below:
//! - function declarations in blocks are block-scoped (strict/ES6 semantics);
//!   a redeclaration (`var x; var x;`, `var` of a parameter's name) is the
//!   same binding; a function expression's own name yields to a parameter or
//!   `var` of the same name;
//! - a class makes a Block scope spanning the whole class node (its name is
//!   visible in the heritage); if it has field initialisers, a Function scope
//!   spanning the class body holds them — the whole body (methods, computed
//!   keys) is walked in it so that scope ranges nest; it declares nothing;
//! - `for (const x of xs)`: `init` is `xs` and `path` starts with `Rest`
//!   (some element); `for (const k in o)`: no `init`;
//! - default values are references in the function scope, even where they
//!   name a `var` of the body;
//! - any write to an undeclared name (also `x += 1`, `x++`, `for (x of …)`,
//!   destructuring) makes an implicit global; its `init` is `e` of a plain
//!   `x = e`;
//! - JSX: `<App>` and `</App>` are both reads of `App`; `<div>` is not;
//! - `Object.assign` & co. are recognised by the name `Object` even if shadowed.
//!
//! TypeScript (and TSX) trees are walked by the same code: types are never
//! walked, so a name in a type annotation, type argument, `implements`,
//! interface, type alias, overload signature or `declare` statement is no
//! reference; `import type`/`export type` make no binding; `as`, `satisfies`
//! and `!` are transparent; an `enum` or `namespace` declares its name, and a
//! namespace body is a Function scope (it compiles to a function). A
//! parameter property (`constructor(private store: Store)`) is a parameter
//! here; `program.rs` adds its field.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use flux_syntax::{TextRange, Tree};

mod build;
mod fragment;
#[cfg(test)]
mod tests;

pub use fragment::ScopeCache;

/// A name as written: identifiers are short, so it is kept inline (no
/// allocation per reference, and copies are cheap when fragments combine).
pub type Name = smol_str::SmolStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BindingId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// The module (program) body. Always `ScopeId(0)`.
    Module,
    /// A function, arrow, method, getter/setter or generator: holds parameters,
    /// `var`s and hoisted function declarations of its body (and the
    /// `let`/`const`/`class` of the body's top level). Also a class static
    /// block, and the field initialisers of a class (one per class).
    Function,
    /// `{ … }`, `for (let …)`, `switch`, class body, catch clause: holds
    /// `let`/`const`/`class` (and the catch parameter). For a class, the
    /// range is the whole class node; for `for`, the whole statement; for
    /// `switch`, its body.
    Block,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub kind: ScopeKind,
    /// Byte range of the node that makes the scope (for a function scope, the
    /// whole function node: `function_declaration`, `function_expression`,
    /// `arrow_function`, `method_definition`, `generator_function…`).
    pub range: TextRange,
    pub parent: Option<ScopeId>,
    /// The nearest enclosing Function or Module scope (itself for those).
    pub var_scope: ScopeId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingKind {
    Var,
    Let,
    Const,
    /// A function declaration's name.
    Function,
    /// A class declaration's name.
    Class,
    /// A parameter; `index` is the position of the top-level parameter it
    /// comes from (for `({a}, [b]) =>`, `a` is 0 and `b` is 1).
    Param {
        index: usize,
    },
    CatchParam,
    /// The name of a named function or class *expression*, visible only inside it.
    FunctionName,
    Import,
    /// Assigned without a declaration (sloppy mode): lives in the module scope.
    ImplicitGlobal,
    /// A TypeScript `enum`'s name (an object at run time).
    Enum,
    /// A TypeScript `namespace`/`module` name (an object at run time).
    Namespace,
}

/// One step of a destructuring pattern from the initialiser to the binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// `{ key: … }` or shorthand `{ key }`.
    Property(String),
    /// `[ , x ]`: element index.
    Index(usize),
    /// `...rest` or a computed key: the path beyond it is unknown.
    Rest,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub name: Name,
    pub kind: BindingKind,
    /// The scope the binding lives in (after hoisting).
    pub scope: ScopeId,
    /// The declaring identifier.
    pub decl: TextRange,
    /// The declaring node: `variable_declarator`, `function_declaration`,
    /// `class_declaration`, the parameter, `import_specifier`, … For an implicit
    /// global, its first assignment.
    pub declarator: TextRange,
    /// The initialiser expression: `= e` of a declarator (for a destructured
    /// binding, the whole right-hand side, with [`Binding::path`] leading into
    /// it), a default parameter value. For `Import`, the module specifier string.
    pub init: Option<TextRange>,
    /// Path through the destructuring pattern (empty for a plain identifier).
    /// For `Import`: `[Property(name)]` for a named import (`import { a as b }`
    /// → `a`), `[Property("default")]` for a default import, empty for a
    /// namespace import (`* as ns`).
    pub path: Vec<PathStep>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutation {
    /// `o.x = …`, `o[k] = …`, `o.a.b += …`, `o.x++`, destructuring into `o.x`.
    PropertyWrite,
    /// `delete o.x`
    Delete,
    /// `o.push(…)` and the other mutating methods, also through `o.a.push(…)`.
    MutatingCall,
    /// `Object.assign(o, …)`, `Object.defineProperty(o, …)`,
    /// `Object.defineProperties(o, …)`, `Object.setPrototypeOf(o, …)`.
    ObjectMutator,
}

/// The methods whose call mutates the receiver.
pub const MUTATING_METHODS: &[&str] = &[
    "push",
    "pop",
    "shift",
    "unshift",
    "splice",
    "sort",
    "reverse",
    "fill",
    "copyWithin",
    "set",
    "add",
    "delete",
    "clear",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub name: Name,
    /// The identifier.
    pub range: TextRange,
    /// Innermost scope containing the reference. For the name of a function
    /// or class *declaration*, the scope it is declared in (the node itself
    /// spans the name).
    pub scope: ScopeId,
    /// `None`: an unresolved global (`console`, `require`, `process`).
    pub binding: Option<BindingId>,
    /// The declaring occurrence itself (a declarator's name, a parameter, …).
    pub declaration: bool,
    pub read: bool,
    /// The binding itself is assigned (`x = …`, `x += …`, `x++`, `for (x of …)`,
    /// a declaration with an initialiser, a parameter, an import).
    pub write: bool,
    /// The object the binding holds is mutated; `range_of_mutation` is the
    /// whole mutating expression (assignment, `delete`, call).
    pub mutation: Option<(Mutation, TextRange)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeTree {
    pub scopes: Vec<Scope>,
    pub bindings: Vec<Binding>,
    /// In source order.
    pub references: Vec<Reference>,
    /// Built by [`analyze`]; a tree assembled by hand (empty index) is
    /// searched linearly instead. Stale if the vectors above are edited.
    index: ScopeIndex,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ScopeIndex {
    built: bool,
    /// Per scope: the names it declares (the binding a lookup finds).
    names: Vec<FxMap<Name, BindingId>>,
    /// Declaring identifier (also of a redeclaration) → binding.
    by_decl: FxMap<(usize, usize), BindingId>,
    /// Function node range → its scope.
    functions: FxMap<(usize, usize), ScopeId>,
    /// Per scope: the innermost scope created before it whose range contains
    /// it. Mostly its parent, but decorators and computed keys are walked in
    /// the enclosing scope although the function/class node spans them.
    enclosing: Vec<Option<ScopeId>>,
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub(crate) type FxSet<K> = std::collections::HashSet<K, BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (FxHash): the keys are short names and
/// offsets from our own parse, so SipHash's DoS resistance buys nothing.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ rest.len() as u64);
    }

    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl ScopeTree {
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.0 as usize]
    }

    pub fn binding(&self, id: BindingId) -> &Binding {
        &self.bindings[id.0 as usize]
    }

    /// The innermost scope containing `offset`.
    pub fn scope_at(&self, offset: usize) -> ScopeId {
        if !self.index.built {
            return self.scope_at_linear(offset);
        }
        // Scopes are created in pre-order, so they are sorted by start: the
        // innermost scope containing the offset is the last one starting at or
        // before it, or one of the scopes enclosing that one.
        let after = self.scopes.partition_point(|s| s.range.start <= offset);
        let mut current = after.checked_sub(1).map(|i| ScopeId(i as u32));
        while let Some(s) = current {
            let range = &self.scope(s).range;
            if range.start <= offset && offset < range.end {
                return s;
            }
            current = self.index.enclosing.get(s.0 as usize).copied().flatten();
        }
        ScopeId(0)
    }

    fn scope_at_linear(&self, offset: usize) -> ScopeId {
        // scopes are created in pre-order, so the last one containing the offset is innermost
        let mut best = ScopeId(0);
        for (i, s) in self.scopes.iter().enumerate() {
            if s.range.start <= offset && offset < s.range.end {
                best = ScopeId(i as u32);
            }
        }
        best
    }

    /// The function scope whose node has exactly this range.
    pub fn function_scope(&self, node: &TextRange) -> Option<ScopeId> {
        if self.index.built {
            return self.index.functions.get(&(node.start, node.end)).copied();
        }
        self.scopes
            .iter()
            .position(|s| s.kind == ScopeKind::Function && s.range == *node)
            .map(|i| ScopeId(i as u32))
    }

    /// Resolves `name` as seen from `scope`.
    pub fn lookup(&self, name: &str, scope: ScopeId) -> Option<BindingId> {
        let mut current = Some(scope);
        while let Some(s) = current {
            if self.index.built {
                if let Some(&id) = self.index.names.get(s.0 as usize).and_then(|m| m.get(name)) {
                    return Some(id);
                }
            } else if let Some(i) = self
                .bindings
                .iter()
                .position(|b| b.scope == s && b.name == name)
            {
                return Some(BindingId(i as u32));
            }
            current = self.scopes.get(s.0 as usize).and_then(|s| s.parent);
        }
        None
    }

    /// The binding declared by the identifier at `range` (for a redeclaration
    /// such as a second `var x`, the binding it merges into; for an implicit
    /// global, its first assignment's identifier).
    pub fn binding_declared_at(&self, range: &TextRange) -> Option<BindingId> {
        if self.index.built {
            return self.index.by_decl.get(&(range.start, range.end)).copied();
        }
        self.bindings
            .iter()
            .position(|b| b.decl == *range)
            .map(|i| BindingId(i as u32))
    }
}

/// Builds the scope tree of a parsed file.
///
/// Never panics, whatever the input (ERROR nodes are walked into), and uses
/// no recursion: nesting depth is bounded by memory, not by the stack.
pub fn analyze(tree: &Tree, text: &str) -> ScopeTree {
    analyze_with(tree, text, None, &|| {})
}

/// [`analyze`], calling `checkpoint` every few thousand nodes (cancellation),
/// with the fragments of `cache` when given ([`analyze_cached`]).
pub(crate) fn analyze_with(
    tree: &Tree,
    text: &str,
    cache: Option<&ScopeCache>,
    checkpoint: &dyn Fn(),
) -> ScopeTree {
    fragment::build(tree, text, checkpoint, cache)
}

/// [`analyze`], reusing the fragments of the functions `cache` holds from
/// the last analysis of the file and keeping this one's: an edit inside one
/// function walks that function and those around it, not the others.
pub fn analyze_cached(
    tree: &Tree,
    text: &str,
    cache: &ScopeCache,
    checkpoint: &dyn Fn(),
) -> ScopeTree {
    analyze_with(tree, text, Some(cache), checkpoint)
}
