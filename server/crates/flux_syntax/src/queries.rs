//! The tree-sitter queries of the top-level `queries/` folder, compiled once.
//!
//! The queries find syntax shapes (calls with callbacks, `require`, imports,
//! `await`); which callee is asynchronous is the catalog's business, not theirs.

use std::sync::LazyLock;
use tree_sitter::Query;

use crate::Dialect;

/// Source of every query file, by name, for the test that compiles them all.
pub const JAVASCRIPT: &[(&str, &str)] = &[(
    "javascript/rupture_points.scm",
    include_str!("../../../../queries/javascript/rupture_points.scm"),
)];

fn compile(dialect: Dialect, name: &str) -> Query {
    let source = JAVASCRIPT
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
        .expect("query is listed");
    Query::new(&dialect.language(), source)
        .unwrap_or_else(|e| panic!("queries/{name} does not compile: {e}"))
}

/// Candidate rupture-point shapes in JavaScript.
pub static JS_RUPTURE_POINTS: LazyLock<Query> =
    LazyLock::new(|| compile(Dialect::JavaScript, "javascript/rupture_points.scm"));
