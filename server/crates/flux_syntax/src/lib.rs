//! Syntax layer: tree-sitter parsing, the compiled queries of `queries/`, and
//! byte-offset ↔ line/column conversion.
//!
//! Architecture invariant: this crate knows nothing about salsa, rules or LSP.
//! Everything above it speaks byte offsets; only [`LineIndex`] knows about lines
//! and UTF-16.

mod field;
mod line_index;
pub mod queries;

pub use field::NodeExt;
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
    /// `.ts .mts .cts`. A `.d.ts` file is TypeScript too, but holds only
    /// declarations: it parses, and has no runtime code to analyse.
    TypeScript,
    /// `.tsx`: TypeScript with JSX (where `<T>x` is no type assertion).
    Tsx,
}

impl Dialect {
    /// The dialect of a file name, if it is one flux analyses.
    pub fn from_path(path: &str) -> Option<Dialect> {
        let ext = path.rsplit_once('.').map(|(_, e)| e)?;
        match ext.to_ascii_lowercase().as_str() {
            "js" | "mjs" | "cjs" | "jsx" => Some(Dialect::JavaScript),
            "ts" | "mts" | "cts" => Some(Dialect::TypeScript),
            "tsx" => Some(Dialect::Tsx),
            _ => None,
        }
    }

    /// The dialect a file is parsed with: [`Dialect::from_path`], JavaScript
    /// for any other name (a file the user opened or named anyway).
    pub fn of_path(path: &str) -> Dialect {
        Dialect::from_path(path).unwrap_or(Dialect::JavaScript)
    }

    pub fn language(self) -> tree_sitter::Language {
        match self {
            Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// A TypeScript declaration file (`x.d.ts`, `x.d.mts`, `x.d.cts`): types
    /// only, no code that runs.
    pub fn is_declaration_file(path: &str) -> bool {
        let name = path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(path)
            .to_ascii_lowercase();
        [".d.ts", ".d.mts", ".d.cts"]
            .iter()
            .any(|e| name.ends_with(e))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_by_extension() {
        assert_eq!(Dialect::from_path("a/b.js"), Some(Dialect::JavaScript));
        assert_eq!(Dialect::from_path("b.MJS"), Some(Dialect::JavaScript));
        assert_eq!(Dialect::from_path("b.ts"), Some(Dialect::TypeScript));
        assert_eq!(Dialect::from_path("b.mts"), Some(Dialect::TypeScript));
        assert_eq!(Dialect::from_path("b.cts"), Some(Dialect::TypeScript));
        assert_eq!(Dialect::from_path("b.d.ts"), Some(Dialect::TypeScript));
        assert_eq!(Dialect::from_path("b.tsx"), Some(Dialect::Tsx));
        assert_eq!(Dialect::from_path("b.json"), None);
        assert_eq!(Dialect::from_path("ts"), None);
        assert_eq!(Dialect::of_path("b.tsx"), Dialect::Tsx);
        assert_eq!(Dialect::of_path("Jakefile"), Dialect::JavaScript);
        assert!(Dialect::is_declaration_file("src/types.d.ts"));
        assert!(Dialect::is_declaration_file("X.D.MTS"));
        assert!(!Dialect::is_declaration_file("src/d.ts"));
        assert!(!Dialect::is_declaration_file("src/index.ts"));
    }

    #[test]
    fn typescript_grammars_load_and_parse() {
        let ts = parse(
            "const m = new Map<string, number>();\nlet x = y as unknown as T;\n",
            Dialect::TypeScript,
        );
        assert!(!ts.root_node().has_error(), "{}", ts.root_node().to_sexp());
        let tsx = parse(
            "const A = (p: { n: number }) => <div>{p.n}</div>;\n",
            Dialect::Tsx,
        );
        assert!(
            !tsx.root_node().has_error(),
            "{}",
            tsx.root_node().to_sexp()
        );
    }
}
