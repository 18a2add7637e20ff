//! `child_by_field_name` with the field's id looked up once per grammar:
//! tree-sitter compares the name with every field name of the grammar on
//! each call (a third of the cost of a field access on large files).
//! `Node::kind` with the names read once per grammar: tree-sitter's measures
//! and validates the C string on every call (a fifth of the analysis of a run).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::num::NonZeroU16;
use std::sync::Mutex;

use tree_sitter::{Language, Node};

type PerGrammar = Vec<(Language, Option<NonZeroU16>)>;

thread_local! {
    /// Field name (by address: the callers pass literals) → ids per grammar.
    static IDS: RefCell<HashMap<(usize, usize), PerGrammar, BuildHasherDefault<AddrHasher>>> =
        RefCell::default();
}

/// The keys are addresses and lengths: SipHash would cost more than the
/// lookup it saves.
#[derive(Default)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(*b as u64);
        }
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn field_id(lang: &Language, name: &'static str) -> Option<NonZeroU16> {
    IDS.with_borrow_mut(|ids| {
        let per_grammar = ids.entry((name.as_ptr() as usize, name.len())).or_default();
        if let Some((_, id)) = per_grammar.iter().find(|(l, _)| l == lang) {
            return *id;
        }
        let id = lang.field_id_for_name(name);
        per_grammar.push((lang.clone(), id));
        id
    })
}

/// A grammar and its node kind names by id.
type Kinds = (&'static Language, &'static [&'static str]);

/// One entry per grammar for the whole process (there are three), so the
/// names can be `'static` without leaking per thread.
static ALL_KINDS: Mutex<Vec<Kinds>> = Mutex::new(Vec::new());

thread_local! {
    /// The grammar met last: a file's nodes all share one.
    static LAST_KINDS: Cell<Option<Kinds>> = const { Cell::new(None) };
}

fn kinds(lang: &Language) -> &'static [&'static str] {
    if let Some((l, names)) = LAST_KINDS.get() {
        if l == lang {
            return names;
        }
    }
    let mut all = ALL_KINDS.lock().unwrap_or_else(|e| e.into_inner());
    let found = match all.iter().find(|(l, _)| *l == lang) {
        Some(k) => *k,
        None => {
            let lang: &'static Language = Box::leak(Box::new(lang.clone()));
            let names: Vec<&'static str> = (0..lang.node_kind_count())
                .map(|id| lang.node_kind_for_id(id as u16).unwrap_or(""))
                .collect();
            all.push((lang, Box::leak(names.into_boxed_slice())));
            all[all.len() - 1]
        }
    };
    LAST_KINDS.set(Some(found));
    found.1
}

pub trait NodeExt<'t> {
    /// The child in field `name`, as `Node::child_by_field_name`.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
    /// The node's kind, as `Node::kind`.
    fn kind_name(&self) -> &'t str;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let id = field_id(&self.language(), name)?;
        self.child_by_field_id(id.get())
    }

    fn kind_name(&self) -> &'t str {
        match kinds(&self.language()).get(self.kind_id() as usize) {
            Some(name) => name,
            // the built-in error symbols are outside the table
            None => self.kind(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, Dialect};

    #[test]
    fn fields_and_kinds_match_tree_sitter_in_every_grammar() {
        let mut errors = 0;
        for dialect in [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx] {
            // with an ERROR node and a MISSING one
            let tree = parse(
                "const a = f(b.c); class K { m(x) { return x; } } let = ) ; g({ y: 1",
                dialect,
            );
            let mut stack = vec![tree.root_node()];
            while let Some(n) = stack.pop() {
                for name in [
                    "name", "value", "function", "object", "property", "body", "nope",
                ] {
                    assert_eq!(
                        n.field(name),
                        n.child_by_field_name(name),
                        "{name} of {n:?}"
                    );
                }
                assert_eq!(n.kind_name(), n.kind(), "kind of {n:?}");
                errors += usize::from(n.is_error());
                let mut c = n.walk();
                stack.extend(n.children(&mut c));
            }
        }
        assert!(errors >= 3, "ERROR nodes met: {errors}");
    }
}
