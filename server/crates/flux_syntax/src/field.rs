//! `child_by_field_name` with the field's id looked up once per grammar:
//! tree-sitter compares the name with every field name of the grammar on
//! each call (a third of the cost of a field access on large files).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::num::NonZeroU16;

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

pub trait NodeExt<'t> {
    /// The child in field `name`, as `Node::child_by_field_name`.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let id = field_id(&self.language(), name)?;
        self.child_by_field_id(id.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, Dialect};

    #[test]
    fn fields_match_tree_sitter_in_every_grammar() {
        for dialect in [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx] {
            let tree = parse("const a = f(b.c); class K { m(x) { return x; } }", dialect);
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
                let mut c = n.walk();
                stack.extend(n.children(&mut c));
            }
        }
    }
}
