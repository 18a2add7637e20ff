//! Syntax layer: tree-sitter parsing, the compiled queries of `queries/`, and
//! byte-offset ↔ line/column conversion.
//!
//! Architecture invariant: this crate knows nothing about salsa, rules or LSP.
//! Everything above it speaks byte offsets; only [`LineIndex`] knows about lines
//! and UTF-16.

mod line_index;
pub mod queries;

pub use line_index::{LineCol, LineIndex};
pub use tree_sitter::{Node, Tree};

use std::ops::Range;

/// Byte range in a source text.
pub type TextRange = Range<usize>;

/// Source dialects the parser knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// `.js .mjs .cjs .jsx`
    JavaScript,
}

impl Dialect {
    /// The dialect of a file name, if it is one flux analyses.
    pub fn from_path(path: &str) -> Option<Dialect> {
        let ext = path.rsplit_once('.').map(|(_, e)| e)?;
        match ext.to_ascii_lowercase().as_str() {
            "js" | "mjs" | "cjs" | "jsx" => Some(Dialect::JavaScript),
            _ => None,
        }
    }

    pub fn language(self) -> tree_sitter::Language {
        match self {
            Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        }
    }
}

/// Parses `text`. tree-sitter always yields a tree (with ERROR nodes where the
/// text does not parse); `None` only if parsing was cancelled.
pub fn parse(text: &str, dialect: Dialect) -> Tree {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&dialect.language())
        .expect("grammar ABI matches the tree-sitter crate");
    parser
        .parse(text, None)
        .expect("parsing without a timeout or cancellation always yields a tree")
}

/// Byte ranges of the ERROR and MISSING nodes of a tree (iterative walk).
pub fn syntax_errors(tree: &Tree) -> Vec<TextRange> {
    let mut out = Vec::new();
    if !tree.root_node().has_error() {
        return out;
    }
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            out.push(node.byte_range());
        } else if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}
