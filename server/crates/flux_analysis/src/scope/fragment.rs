//! Scope analysis one function at a time.
//!
//! Each function's scope, with what its own walk makes (bindings,
//! references, the scopes inside it but not those of nested functions), is
//! a *fragment*, keyed by the function's text. [`build`] walks the module
//! body and every function whose fragment a [`ScopeCache`] does not hold,
//! then puts the fragments together in the order one walk of the file would
//! have made them, and resolves the references of the whole file. An edit
//! inside one function walks that function and the ones around it again;
//! the others keep their fragments. The file's tree is the same as a single
//! walk's: the combination is exact, not an approximation.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use flux_syntax::{Node, TextRange, Tree};

use super::build::{walk_function, walk_module, Event, Names, Tables, Walked, PARENT};
use super::{Binding, BindingId, FxHasher, FxMap, Reference, Scope, ScopeId, ScopeTree};
use crate::program::Paced;

/// A function's text (two independent 64-bit hashes and its length) and
/// node kind: equal keys walk to equal fragments, wherever the function is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Key {
    sip: u64,
    fx: u64,
    len: usize,
    kind: u16,
}

impl Key {
    /// `None` for a function holding a syntax error: error recovery may
    /// depend on the text around it.
    fn of(text: &str, node: Node<'_>) -> Option<Key> {
        if node.has_error() {
            return None;
        }
        let source = text.get(node.byte_range())?;
        let mut sip = std::hash::DefaultHasher::new();
        source.hash(&mut sip);
        let mut fx = FxHasher::default();
        source.hash(&mut fx);
        Some(Key {
            sip: sip.finish(),
            fx: fx.finish(),
            len: source.len(),
            kind: node.kind_id(),
        })
    }
}

/// How many functions deep fragments are keyed (and so kept); deeper ones are
/// kept as part of the fragment around them.
const KEYED_DEPTH: usize = 16;

/// The tables of one function (or of the module body), at the offsets of
/// the text it was walked from.
pub(super) struct Fragment {
    key: Option<Key>,
    /// Where the function started in the text it was walked from.
    base: usize,
    t: Tables,
    head: (u32, u32),
    events: Vec<Event>,
    children: Vec<Child>,
}

/// Dropped without recursion: functions nest as deep as the input does.
impl Drop for Fragment {
    fn drop(&mut self) {
        let mut todo: Vec<Arc<Fragment>> = self.children.drain(..).map(|c| c.fragment).collect();
        while let Some(f) = todo.pop() {
            if let Ok(mut f) = Arc::try_unwrap(f) {
                todo.extend(f.children.drain(..).map(|c| c.fragment));
            }
        }
    }
}

struct Child {
    /// Start of the function in the text its parent was walked from.
    start: usize,
    /// The scope it is in, of the parent fragment.
    parent: ScopeId,
    fragment: Arc<Fragment>,
}

/// The fragments of the functions of one file, kept from one analysis of
/// the file to the next (only those the last analysis used).
#[derive(Default)]
pub struct ScopeCache {
    fragments: Mutex<FxMap<Key, Arc<Fragment>>>,
    walked: Mutex<Vec<TextRange>>,
}

impl ScopeCache {
    /// The byte ranges of the functions the last analysis walked (the module
    /// body is always walked): for tests and tracing.
    pub fn walked(&self) -> Vec<TextRange> {
        self.walked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many fragments the cache holds.
    pub fn len(&self) -> usize {
        self.fragments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The scope tree of a file, reusing `cache`'s fragments and leaving in it
/// those of this file's functions.
pub(super) fn build(
    tree: &Tree,
    text: &str,
    checkpoint: &dyn Fn(),
    cache: Option<&ScopeCache>,
) -> ScopeTree {
    let names_of = Names::new(tree);
    let mut paced = Paced::new(checkpoint);
    let reuse: FxMap<Key, Arc<Fragment>> = cache
        .map(|c| {
            c.fragments
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        })
        .unwrap_or_default();
    // fragments made by this build, so that equal functions are walked once
    let mut made: FxMap<Key, Arc<Fragment>> = FxMap::default();
    let mut walked: Vec<TextRange> = Vec::new();

    // Post-order over the nesting of functions, with an explicit stack: a
    // fragment is sealed once its holes are filled.
    struct Open<'t> {
        walked: Walked<'t>,
        key: Option<Key>,
        base: usize,
        children: Vec<Arc<Fragment>>,
    }
    let mut stack = vec![Open {
        walked: walk_module(tree, text, &names_of, &mut paced),
        key: None,
        base: 0,
        children: Vec::new(),
    }];
    // Keys hash a function's text, which holds the functions inside it: only
    // with a cache, and only for the outer levels, so that the hashing stays
    // linear in the file (hostile input nests functions thousands deep).
    let keyed = |depth: usize| cache.is_some() && depth <= KEYED_DEPTH;
    let root = loop {
        let depth = stack.len();
        let top = stack.last_mut().expect("the module is sealed last");
        if let Some(hole) = top.walked.holes.get(top.children.len()) {
            let node = hole.node;
            let key = keyed(depth).then(|| Key::of(text, node)).flatten();
            if let Some(found) = key.and_then(|k| made.get(&k).or_else(|| reuse.get(&k))) {
                top.children.push(found.clone());
                continue;
            }
            walked.push(node.byte_range());
            stack.push(Open {
                walked: walk_function(node, text, &names_of, &mut paced),
                key,
                base: node.start_byte(),
                children: Vec::new(),
            });
            continue;
        }
        let open = stack.pop().expect("not empty");
        let children = open
            .walked
            .holes
            .iter()
            .zip(open.children)
            .map(|(hole, fragment)| Child {
                start: hole.node.start_byte(),
                parent: hole.parent,
                fragment,
            })
            .collect();
        let fragment = Arc::new(Fragment {
            key: open.key,
            base: open.base,
            t: open.walked.t,
            head: open.walked.head,
            events: open.walked.events,
            children,
        });
        if let Some(k) = fragment.key {
            made.insert(k, fragment.clone());
        }
        match stack.last_mut() {
            Some(parent) => parent.children.push(fragment),
            None => break fragment,
        }
    };
    let tables = combine(&root);
    if let Some(cache) = cache {
        let mut kept = FxMap::default();
        let mut todo = vec![&root];
        while let Some(f) = todo.pop() {
            if let Some(k) = f.key {
                kept.insert(k, f.clone());
            }
            todo.extend(f.children.iter().map(|c| &c.fragment));
        }
        *cache.fragments.lock().unwrap_or_else(|e| e.into_inner()) = kept;
        *cache.walked.lock().unwrap_or_else(|e| e.into_inner()) = walked;
    }
    tables.finish()
}

/// Puts a fragment in the combined tables with its new ids and offsets.
struct Frame<'a> {
    fragment: &'a Fragment,
    /// Added to each of the fragment's offsets.
    delta: isize,
    /// The id of [`PARENT`] in the combined tables.
    parent: ScopeId,
    scope_ids: Vec<u32>,
    binding_ids: Vec<u32>,
    /// How much of the fragment's scopes, bindings and references is in.
    done: (u32, u32, u32),
    next_event: usize,
    /// The frames of children whose head is in and body is not yet.
    heads: Vec<Option<Frame<'a>>>,
}

impl<'a> Frame<'a> {
    fn new(fragment: &'a Fragment, start: usize, parent: ScopeId) -> Frame<'a> {
        Frame {
            fragment,
            delta: start as isize - fragment.base as isize,
            parent,
            scope_ids: Vec::with_capacity(fragment.t.scopes.len()),
            binding_ids: Vec::with_capacity(fragment.t.bindings.len()),
            done: (0, 0, 0),
            next_event: 0,
            heads: (0..fragment.children.len()).map(|_| None).collect(),
        }
    }

    fn at(&self, offset: usize) -> usize {
        (offset as isize + self.delta) as usize
    }

    fn range(&self, r: &TextRange) -> TextRange {
        self.at(r.start)..self.at(r.end)
    }

    fn scope(&self, s: ScopeId) -> ScopeId {
        match s {
            PARENT => self.parent,
            s => ScopeId(self.scope_ids[s.0 as usize]),
        }
    }

    fn binding(&self, b: BindingId) -> BindingId {
        BindingId(self.binding_ids[b.0 as usize])
    }

    /// Appends the fragment's scopes, bindings and references up to `to`.
    fn emit(&mut self, out: &mut Tables, to: (u32, u32, u32)) {
        let t = &self.fragment.t;
        for s in &t.scopes[self.done.0 as usize..to.0 as usize] {
            self.scope_ids.push(out.scopes.len() as u32);
            out.scopes.push(Scope {
                kind: s.kind,
                range: self.range(&s.range),
                parent: s.parent.map(|p| self.scope(p)),
                var_scope: self.scope(s.var_scope),
            });
            out.names.push(FxMap::default());
        }
        for b in &t.bindings[self.done.1 as usize..to.1 as usize] {
            self.binding_ids.push(out.bindings.len() as u32);
            out.bindings.push(Binding {
                name: b.name.clone(),
                kind: b.kind,
                scope: self.scope(b.scope),
                decl: self.range(&b.decl),
                declarator: self.range(&b.declarator),
                init: b.init.as_ref().map(|r| self.range(r)),
                path: b.path.clone(),
            });
        }
        for r in &t.refs[self.done.2 as usize..to.2 as usize] {
            out.refs.push(Reference {
                name: r.name.clone(),
                range: self.range(&r.range),
                scope: self.scope(r.scope),
                binding: r.binding.map(|b| self.binding(b)),
                declaration: r.declaration,
                read: r.read,
                write: r.write,
                mutation: r.mutation.as_ref().map(|(m, r)| (*m, self.range(r))),
            });
        }
        self.done = to;
    }

    /// Appends the rest, and what is keyed by binding (all in by now).
    fn seal(mut self, out: &mut Tables) {
        let t = &self.fragment.t;
        self.emit(
            out,
            (
                t.scopes.len() as u32,
                t.bindings.len() as u32,
                t.refs.len() as u32,
            ),
        );
        for (s, names) in t.names.iter().enumerate() {
            out.names[self.scope_ids[s] as usize] = names
                .iter()
                .map(|(name, &b)| (name.clone(), self.binding(b)))
                .collect();
        }
        for (&(start, end), &b) in &t.by_decl {
            out.by_decl
                .insert((self.at(start), self.at(end)), self.binding(b));
        }
        for (&start, &((a, b), init)) in &t.writes {
            let init = init.map(|(s, e)| (self.at(s), self.at(e)));
            out.writes
                .insert(self.at(start), ((self.at(a), self.at(b)), init));
        }
    }
}

/// The tables of the whole file, as one walk would have made them.
fn combine(root: &Fragment) -> Tables {
    let mut out = Tables::default();
    let mut stack = vec![Frame::new(root, 0, ScopeId(0))];
    while let Some(frame) = stack.last_mut() {
        let Some(&event) = frame.fragment.events.get(frame.next_event) else {
            // (a head without a body cannot happen: each walk ends with
            // an empty stack; were it to, the child would still go in)
            if let Some(child) = frame.heads.iter_mut().find_map(Option::take) {
                stack.push(child);
                continue;
            }
            let frame = stack.pop().expect("not empty");
            frame.seal(&mut out);
            continue;
        };
        frame.next_event += 1;
        frame.emit(&mut out, event.at);
        let i = event.hole as usize;
        if event.body {
            // a hole's body comes after its head in every walk
            if let Some(child) = frame.heads[i].take() {
                stack.push(child);
            }
        } else {
            let child = &frame.fragment.children[i];
            let start = frame.at(child.start);
            let mut head = Frame::new(&child.fragment, start, frame.scope(child.parent));
            let (bindings, refs) = child.fragment.head;
            head.emit(&mut out, (1, bindings, refs));
            frame.heads[i] = Some(head);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use flux_syntax::{parse, Dialect};

    use super::super::{analyze, analyze_cached};
    use super::*;

    const SERVER: &str = "\
const express = require('express');
let count = 0;
function a(req, res) { count += 1; res.send(String(count)); }
function b(req, res) {
  const items = [];
  items.forEach(function b1(item) { var seen = item; res.write(seen); });
}
const c = (req, res) => { let n = count; res.json({ n }); };
express().get('/a', a).get('/b', b).get('/c', c);
";

    fn range_of(text: &str, needle: &str) -> usize {
        text.find(needle).expect("in the source")
    }

    /// Analyses `text` with `cache` and checks the result against a walk
    /// of the whole file without one.
    fn check(text: &str, cache: &ScopeCache, dialect: Dialect) -> Vec<String> {
        let tree = parse(text, dialect);
        let cached = analyze_cached(&tree, text, cache, &|| {});
        assert_eq!(cached, analyze(&tree, text), "cached ≠ fresh for {text:?}");
        cache
            .walked()
            .into_iter()
            .map(|r| {
                let f = &text[r];
                f[..f.find('{').unwrap_or(f.len())].trim().to_string()
            })
            .collect()
    }

    #[test]
    fn an_edit_inside_one_function_walks_that_function_and_those_around_it() {
        let cache = ScopeCache::default();
        let js = Dialect::JavaScript;
        assert_eq!(
            check(SERVER, &cache, js),
            [
                "function a(req, res)",
                "function b(req, res)",
                "function b1(item)",
                "(req, res) =>"
            ]
        );
        // inside `a`: only `a`
        let at = range_of(SERVER, "count += 1");
        let edited = format!("{}count2 = 1; {}", &SERVER[..at], &SERVER[at..]);
        assert_eq!(check(&edited, &cache, js), ["function a(req, res)"]);
        // inside `b1`: `b1` and `b` around it
        let at = range_of(&edited, "res.write");
        let edited = format!("{}seen += 1; {}", &edited[..at], &edited[at..]);
        assert_eq!(
            check(&edited, &cache, js),
            ["function b(req, res)", "function b1(item)"]
        );
        // the module body alone: no function
        let at = range_of(&edited, "express().get");
        let edited = format!("{}count = 2; {}", &edited[..at], &edited[at..]);
        assert!(check(&edited, &cache, js).is_empty());
        // a function moved keeps its fragment; a new one is walked
        let edited = format!("function d() {{ return 1; }}\n{edited}");
        assert_eq!(check(&edited, &cache, js), ["function d()"]);
    }

    #[test]
    fn cached_analysis_equals_a_fresh_one_after_any_edit() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/fixtures");
        let mut files = vec![(SERVER.to_string(), Dialect::JavaScript)];
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Some(d) = Dialect::from_path(&path.to_string_lossy()) {
                    files.push((std::fs::read_to_string(&path).unwrap(), d));
                }
            }
        }
        assert!(files.len() > 40, "fixtures found: {}", files.len());
        let mut reused = 0;
        for (text, dialect) in files {
            let cache = ScopeCache::default();
            let mut text = text;
            check(&text, &cache, dialect);
            // typing, deleting and breaking the syntax at places across the file
            for (i, insert) in ["q", "x = 1;", "{", "", "function z() { w = 1; }", ")"]
                .iter()
                .cycle()
                .take(12)
                .enumerate()
            {
                let mut at = (text.len() * (i + 1) / 13).min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let end = if insert.is_empty() {
                    (at + 3).min(text.len())
                } else {
                    at
                };
                let end = (end..=text.len())
                    .find(|e| text.is_char_boundary(*e))
                    .unwrap_or(text.len());
                text.replace_range(at..end, insert);
                let walked = check(&text, &cache, dialect);
                reused += usize::from(!cache.is_empty() && walked.len() < cache.len());
            }
        }
        assert!(reused > 100, "analyses that reused fragments: {reused}");
    }
}
