//! Every action is applied to the text, re-parsed (no ERROR node) and
//! re-analysed with `flux_analysis::analyze`: the finding on its binding is gone.

use super::*;
use flux_analysis::{Catalog, Config};

fn analyse(text: &str) -> FileAnalysis {
    let config = Config::default();
    flux_analysis::analyze(
        &[flux_analysis::SourceFile {
            path: "/w/app.js",
            text,
        }],
        &Catalog::builtin(),
        &config,
    )
    .remove(0)
}

fn tree(text: &str) -> Tree {
    flux_syntax::parse(text, flux_syntax::Dialect::JavaScript)
}

/// The verified candidates of `text`.
fn actions(text: &str) -> Vec<Isolation> {
    let before = analyse(text);
    candidates(&before, text, &tree(text))
        .into_iter()
        .filter(|c| {
            let after_text = apply(text, &c.edits);
            verify(&before, &after_text, &analyse(&after_text), &c.edits, &[c])
        })
        .collect()
}

/// Applies the action titled `title`, checks the result and returns it.
fn apply_titled(text: &str, title: &str) -> String {
    let all = actions(text);
    let action = all.iter().find(|a| a.title == title).unwrap_or_else(|| {
        panic!(
            "no `{title}` in {:?}",
            all.iter().map(|a| &a.title).collect::<Vec<_>>()
        )
    });
    let after = apply(text, &action.edits);
    assert!(
        flux_syntax::syntax_errors(&tree(&after)).is_empty(),
        "does not parse:\n{after}"
    );
    let analysis = analyse(&after);
    for f in &action.findings {
        assert!(
            !analysis
                .findings
                .iter()
                .any(|g| g.code == f.code
                    && g.binding.as_ref().is_some_and(|b| b.name == action.name)),
            "`{}` still reported on `{}`:\n{after}",
            f.code,
            action.name
        );
    }
    after
}

fn codes_on(text: &str, name: &str) -> Vec<Code> {
    analyse(text)
        .findings
        .iter()
        .filter(|f| f.binding.as_ref().is_some_and(|b| b.name == name))
        .map(|f| f.code)
        .collect()
}

const BUFFER: &str = "\
const app = require('express')();
let buf = [];

app.post('/upload', function handler(req, res) {
  buf.push(req.body);
  res.send(String(buf.length));
});

app.listen(3000);
";

#[test]
fn move_a_literal_declaration_into_its_listener() {
    assert!(codes_on(BUFFER, "buf").contains(&Code::BlocksReplication));
    let after = apply_titled(BUFFER, "Move `buf` into `handler`");
    assert_eq!(
        after,
        "\
const app = require('express')();

app.post('/upload', function handler(req, res) {
  let buf = [];
  buf.push(req.body);
  res.send(String(buf.length));
});

app.listen(3000);
"
    );
    assert!(codes_on(&after, "buf").is_empty());
    let action = actions(BUFFER)
        .into_iter()
        .find(|a| a.kind == IsolationKind::MoveDeclaration)
        .unwrap();
    assert_eq!(action.findings[0].code, Code::BlocksReplication);
}

#[test]
fn move_an_uninitialised_declaration_assigned_first() {
    let text = "\
const app = require('express')();
let result;
app.get('/', (req, res) => {
  result = compute(req.query);
  res.json(result);
});
";
    let after = apply_titled(text, "Move `result` into `anonymous@3`");
    assert!(
        after.contains("app.get('/', (req, res) => {\n  let result;\n  result = compute"),
        "{after}"
    );
}

#[test]
fn move_one_declarator_of_the_paper_listing() {
    let text = include_str!("../../../../../tests/fixtures/paper/listing1.js");
    let after = apply_titled(text, "Move `count` into `reply`");
    assert!(after.contains("fs = require('fs');\n\napp.get"), "{after}");
    assert!(
        after.contains("function reply(err, data) {\n    let count = 0;\n    count += 1;"),
        "{after}"
    );
}

#[test]
fn no_move_when_read_before_written_or_used_by_two_listeners() {
    let read_first = "\
const app = require('express')();
let last;
app.get('/', (req, res) => {
  res.send(String(last));
  last = Date.now();
});
";
    assert!(!actions(read_first)
        .iter()
        .any(|a| a.kind == IsolationKind::MoveDeclaration));
    let two = "\
const app = require('express')();
let hits = 0;
app.get('/a', (req, res) => { hits += 1; res.end(); });
app.get('/b', (req, res) => { res.send(String(hits)); });
";
    assert!(!actions(two)
        .iter()
        .any(|a| a.kind == IsolationKind::MoveDeclaration));
    // Not a re-creatable literal: its side effects would move.
    let call = "\
const app = require('express')();
let seen = makeSet();
app.get('/', (req, res) => { seen.add(req.ip); res.end(); });
";
    assert!(!actions(call)
        .iter()
        .any(|a| a.kind == IsolationKind::MoveDeclaration));
}

#[test]
fn pass_a_capture_to_set_timeout_and_bind() {
    let text = "\
const app = require('express')();
const fs = require('fs');
app.get('/', function handler(req, res) {
  const id = req.query.id;
  setTimeout(() => {
    res.send(id);
  }, 100);
  fs.readFile('x', function reply(err, data) {
    res.send(id + data);
  });
});
";
    let after = apply_titled(
        text,
        "Pass `id` to `anonymous@5` explicitly as an argument of `setTimeout`",
    );
    assert!(
        after.contains("setTimeout((id) => {\n    res.send(id);\n  }, 100, id);"),
        "{after}"
    );
    let after = apply_titled(text, "Pass `id` to `reply` explicitly with `.bind`");
    assert!(
        after.contains(
            "function reply(id, err, data) {\n    res.send(id + data);\n  }.bind(null, id));"
        ),
        "{after}"
    );
}

#[test]
fn no_pass_when_written_after_the_call_or_using_this() {
    let text = "\
const app = require('express')();
app.get('/', function handler(req, res) {
  let n = 1;
  setImmediate(() => res.send(String(n)));
  n = 2;
});
";
    assert!(!actions(text)
        .iter()
        .any(|a| a.kind == IsolationKind::PassExplicitly && a.name == "n"));
    let this = "\
const app = require('express')();
const fs = require('fs');
app.get('/', function handler(req, res) {
  const id = req.query.id;
  fs.readFile('x', function reply(err, data) { this.x = 1; res.send(id); });
});
";
    assert!(!actions(this)
        .iter()
        .any(|a| a.kind == IsolationKind::PassExplicitly && a.name == "id"));
}

#[test]
fn snapshot_a_persistent_read_after_await() {
    let text = "\
const app = require('express')();
let limit = 10;
loadLimit().then(function loaded(n) { limit = n; });
app.get('/', async function handler(req, res) {
  const rows = await db.query(req.query.q);
  res.json({ rows, limit });
});
";
    let after = apply_titled(
        text,
        "Read `limit` from a snapshot taken when `handler` starts",
    );
    assert!(
        after.contains("async function handler(req, res) {\n  const limit_snapshot = limit;\n  const rows = await db.query(req.query.q);\n  res.json({ rows, limit: limit_snapshot });"),
        "{after}"
    );
}

#[test]
fn fix_all_combines_the_safe_ones() {
    let text = include_str!("../../../../../tests/fixtures/paper/listing1.js");
    let before = analyse(text);
    let safe: Vec<Isolation> = actions(text)
        .into_iter()
        .filter(|a| a.kind.fix_all())
        .collect();
    let refs: Vec<&Isolation> = safe.iter().collect();
    let merged = merge(&refs).unwrap();
    let after = apply(text, &merged);
    assert!(
        verify(&before, &after, &analyse(&after), &merged, &refs),
        "{after}"
    );
}

#[test]
fn map_range_keeps_insertions_outside() {
    let edits = vec![
        Edit {
            range: 2..2,
            text: "(".into(),
        },
        Edit {
            range: 4..4,
            text: "xy".into(),
        },
        Edit {
            range: 6..6,
            text: ")".into(),
        },
    ];
    assert_eq!(map_range(&edits, &(2..6)), 3..9);
}

#[test]
fn the_database_offers_verified_actions_near_the_cursor_and_a_fix_all() {
    let mut host = crate::AnalysisHost::new();
    host.set_file("/w/app.js", BUFFER.into(), None);
    let analysis = host.analysis();
    analysis
        .with_db(|db| {
            let file = crate::Analysis::file(db, "/w/app.js").unwrap();
            let all = isolations(db, file, None);
            let titles: Vec<&str> = all.iter().map(|a| a.title.as_str()).collect();
            assert_eq!(titles, ["Move `buf` into `handler`"]);
            // On `app.listen(3000);` nothing concerns `buf`.
            let listen = BUFFER.find("app.listen").unwrap();
            assert!(isolations(db, file, Some(&(listen..listen))).is_empty());
            let (edits, chosen) = fix_all(db, file).unwrap();
            assert_eq!(chosen.len(), 1);
            assert_eq!(apply(BUFFER, &edits), apply(BUFFER, &all[0].edits));
        })
        .unwrap();
}
