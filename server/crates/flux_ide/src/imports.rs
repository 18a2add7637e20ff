//! Local module specifiers and their resolution to file paths. A cheap walk
//! of the tree: the analysis resolves bindings itself; this only decides
//! which files go into a file's run.

use std::path::{Component, Path, PathBuf};

use tree_sitter::{Node, Tree};

/// Extensions tried for a specifier without one, in Node's order.
pub const EXTENSIONS: [&str; 4] = ["js", "mjs", "cjs", "jsx"];

/// TypeScript's extensions, tried after Node's (a `.ts` file imports `./x`).
pub const TS_EXTENSIONS: [&str; 4] = ["ts", "tsx", "mts", "cts"];

/// Specifiers starting with `./` or `../` given to `require`, `import`,
/// `export … from` and `import()`, in source order, without duplicates.
///
/// Runs on every keystroke: rather than visit every token of the file, it
/// looks where the words `require`, `import` and `export` occur: each
/// specifier's node is that token's parent or grandparent.
pub fn local_specifiers(tree: &Tree, text: &str) -> Vec<String> {
    let mut hits: Vec<(usize, usize)> = ["require", "import", "export"]
        .iter()
        .flat_map(|w| text.match_indices(w).map(|(i, w)| (i, i + w.len())))
        .collect();
    hits.sort_unstable();
    let root = tree.root_node();
    let mut out: Vec<String> = Vec::new();
    for (start, end) in hits {
        // `import(…)`: the keyword token's parent is an `import` node of the same range
        let token = root.descendant_for_byte_range(start, end);
        let parent = token.and_then(|t| t.parent());
        let grandparent = parent.and_then(|p| p.parent());
        for node in [token, parent, grandparent].into_iter().flatten() {
            if let Some(spec) = specifier(node, text) {
                if (spec.starts_with("./") || spec.starts_with("../")) && !out.contains(&spec) {
                    out.push(spec);
                }
            }
        }
    }
    debug_assert_eq!(
        out,
        every_node(tree, text),
        "the same as a walk of every node"
    );
    out
}

/// [`local_specifiers`] by a walk of every node: the reference for debug builds.
fn every_node(tree: &Tree, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if let Some(spec) = specifier(node, text) {
            if (spec.starts_with("./") || spec.starts_with("../")) && !out.contains(&spec) {
                out.push(spec);
            }
        }
        if cursor.goto_first_child() {
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

fn specifier(node: Node<'_>, text: &str) -> Option<String> {
    match node.kind() {
        // `import_require_clause`: TypeScript's `import x = require('./x')`
        "import_statement" | "export_statement" | "import_require_clause" => {
            string_value(node.child_by_field_name("source")?, text)
        }
        "call_expression" => {
            let callee = node.child_by_field_name("function")?;
            let is_loader = match callee.kind() {
                "import" => true,
                "identifier" => callee.utf8_text(text.as_bytes()).ok() == Some("require"),
                _ => false,
            };
            if !is_loader {
                return None;
            }
            let args = node.child_by_field_name("arguments")?;
            string_value(args.named_child(0)?, text)
        }
        _ => None,
    }
}

fn string_value(node: Node<'_>, text: &str) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let raw = node.utf8_text(text.as_bytes()).ok()?;
    Some(raw.get(1..raw.len().checked_sub(1)?)?.to_string())
}

/// The paths a specifier of `importer` may name, in the order Node tries them.
pub fn candidates(importer: &str, spec: &str) -> Vec<String> {
    let dir = Path::new(importer).parent().unwrap_or(Path::new(""));
    let base = normalize(&dir.join(spec));
    let base_str = base.to_string_lossy().into_owned();
    let ext = base.extension().and_then(|e| e.to_str());
    let has_js_ext = ext.is_some_and(|e| EXTENSIONS.contains(&e) || TS_EXTENSIONS.contains(&e));
    let mut out = vec![base_str.clone()];
    if !has_js_ext {
        out.extend(EXTENSIONS.iter().map(|ext| format!("{base_str}.{ext}")));
        out.extend(EXTENSIONS[..3].iter().map(|ext| {
            base.join(format!("index.{ext}"))
                .to_string_lossy()
                .into_owned()
        }));
        out.extend(TS_EXTENSIONS.iter().map(|ext| format!("{base_str}.{ext}")));
        out.extend(["index.ts", "index.tsx"].map(|i| base.join(i).to_string_lossy().into_owned()));
    } else if let Some(ext) = ext {
        // TypeScript imports name the emitted file: `./h.js` is `./h.ts`
        let sources: &[&str] = match ext {
            "js" => &["ts", "tsx"],
            "jsx" => &["tsx"],
            "mjs" => &["mts"],
            "cjs" => &["cts"],
            _ => &[],
        };
        out.extend(
            sources
                .iter()
                .map(|s| base.with_extension(s).to_string_lossy().into_owned()),
        );
    }
    out
}

/// Resolves `.` and `..` without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_require_import_reexport_and_dynamic_import() {
        let text = r#"
const a = require('./a');
const ext = require('express');
import b from "../lib/b.js";
export * from './c';
const d = await import('./d');
notRequire('./e');
const again = require('./a');
"#;
        let tree = flux_syntax::parse(text, flux_syntax::Dialect::JavaScript);
        assert_eq!(
            local_specifiers(&tree, text),
            ["./a", "../lib/b.js", "./c", "./d"]
        );
    }

    #[test]
    fn the_words_elsewhere_are_no_specifiers() {
        let text = r#"
// require('./comment')
const s = "import x from './string'";
const r = reimport('./r'), requireX = requireAll('./all');
exports.importer = require('./nested/' + name);
module.exports = require(  './spaced' );
"#;
        let tree = flux_syntax::parse(text, flux_syntax::Dialect::JavaScript);
        assert_eq!(local_specifiers(&tree, text), ["./spaced"]);
        assert_eq!(every_node(&tree, text), ["./spaced"]);
    }

    #[test]
    fn finds_typescript_imports() {
        let text = r#"
import type { T } from './types';
import x = require('./x');
import { y } from './y.js';
export { z } from './z';
"#;
        let tree = flux_syntax::parse(text, flux_syntax::Dialect::TypeScript);
        // a type-only import loads nothing at run time; one more file in the run is harmless
        assert_eq!(
            local_specifiers(&tree, text),
            ["./types", "./x", "./y.js", "./z"]
        );
    }

    #[test]
    fn candidates_follow_node_order() {
        assert_eq!(
            candidates("/p/src/app.js", "../lib/db"),
            [
                "/p/lib/db",
                "/p/lib/db.js",
                "/p/lib/db.mjs",
                "/p/lib/db.cjs",
                "/p/lib/db.jsx",
                "/p/lib/db/index.js",
                "/p/lib/db/index.mjs",
                "/p/lib/db/index.cjs",
                "/p/lib/db.ts",
                "/p/lib/db.tsx",
                "/p/lib/db.mts",
                "/p/lib/db.cts",
                "/p/lib/db/index.ts",
                "/p/lib/db/index.tsx"
            ]
        );
        assert_eq!(candidates("/p/app.js", "./x.mjs"), ["/p/x.mjs", "/p/x.mts"]);
        assert_eq!(
            candidates("/p/app.ts", "./x.js"),
            ["/p/x.js", "/p/x.ts", "/p/x.tsx"]
        );
        assert_eq!(candidates("/p/app.ts", "./x.ts"), ["/p/x.ts"]);
    }
}
