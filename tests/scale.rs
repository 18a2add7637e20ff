//! The CLI at scale: the prefilter changes no finding, `--cache` re-analyses
//! only what changed, `--changed-since` checks only what changed.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::{flux, json, tree, write};

/// `--check --format json` of `paths` in `dir`, with `extra` flags.
fn check(dir: &Path, paths: &[&str], extra: &[&str]) -> Value {
    let mut args = vec!["--check", "--format", "json"];
    args.extend_from_slice(extra);
    args.extend_from_slice(paths);
    let run = flux(dir, &args);
    assert!(
        run.code <= 1,
        "{:?}: exit {}\n{}",
        args,
        run.code,
        run.stderr
    );
    json(&run)
}

fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// Findings with and without the prefilter, which must be the same; returns
/// how many files were skipped.
fn same_with_and_without_prefilter(dir: &Path, paths: &[&str]) -> u64 {
    let with = check(dir, paths, &[]);
    let without = check(dir, paths, &["--no-prefilter"]);
    assert_eq!(count(&without, "skipped"), 0);
    assert_eq!(count(&with, "files"), count(&without, "files"));
    assert_eq!(
        count(&with, "analysed") + count(&with, "skipped"),
        count(&without, "analysed")
    );
    assert_eq!(with["findings"], without["findings"], "{paths:?}");
    count(&with, "skipped")
}

#[test]
fn the_prefilter_changes_no_finding_on_the_repository_trees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut trees = vec!["examples", "tests/fixtures"];
    // The corpora once fetched (tests/corpus.rs fetches them).
    for fetched in ["target/corpus", "target/corpus-tests"] {
        if root.join(fetched).is_dir() {
            trees.push(fetched);
        }
    }
    let mut skipped = 0;
    for t in trees {
        skipped += same_with_and_without_prefilter(root, &[t]);
    }
    // fixtures/… holds files without any catalog spelling: the filter acts
    assert!(skipped > 0);
}

/// Files that could trick a prefilter: findings reached only through imports.
#[test]
fn findings_reached_through_imports_are_kept() {
    let dir = tree(&[
        // a route table: the handlers' file names nothing of the catalog
        (
            "routes/app.js",
            "const express = require('express');\nconst app = express();\n\
             const handlers = require('./handlers');\napp.get('/', handlers.index);\napp.listen(3000);\n",
        ),
        (
            "routes/handlers.js",
            "let hits = 0;\nexports.index = function index(q, s) { hits += 1; s.send(String(hits)); };\n",
        ),
        // a callback given to a registering module that does not import it back
        (
            "bus/user.js",
            "const subscribe = require('./bus');\nlet seen = 0;\nsubscribe(function onEvent() { seen++; });\n",
        ),
        (
            "bus/bus.js",
            "const http = require('http');\nconst server = http.createServer();\n\
             module.exports = function subscribe(cb) { server.on('request', cb); };\n",
        ),
        // an unused suppression alone
        (
            "quiet.js",
            "// flux-ignore-next-line shared-state: nothing here\nconst x = 1;\n",
        ),
        // nothing at all: skipped
        ("util/math.js", "exports.add = (a, b) => a + b;\n"),
        ("util/more.js", "const { add } = require('./math');\nexports.twice = (a) => add(a, a);\n"),
    ]);
    let skipped = same_with_and_without_prefilter(dir.path(), &["."]);
    assert_eq!(skipped, 2);
    let v = check(dir.path(), &["."], &[]);
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    // (the callback given to bus.js is not followed yet: a hint there)
    for expected in ["routes/handlers.js", "bus/bus.js", "quiet.js"] {
        assert!(files.contains(&expected), "{expected} in {files:?}");
    }
}

const SERVER: &str = "const http = require('http');\nlet count = 0;\n\
    http.createServer(function (q, s) { count += 1; s.end(String(count)); }).listen(8080);\n";

#[test]
fn a_second_run_with_the_cache_analyses_only_what_changed() {
    let dir = tree(&[
        ("a/server.js", SERVER),
        ("a/lib.js", "exports.x = 1;\n"),
        ("a/main.js", "require('./lib');\nrequire('./server');\n"),
        ("b/server.js", SERVER),
        ("c/server.ts", SERVER),
        ("d/plain.js", "exports.y = 2;\n"),
    ]);
    let cache = dir.path().join(".cache");
    let cache = cache.to_str().unwrap();
    let paths = ["a", "b", "c", "d"];
    let first = check(dir.path(), &paths, &["--cache", cache]);
    assert_eq!(
        (
            count(&first, "analysed"),
            count(&first, "cached"),
            count(&first, "skipped")
        ),
        (5, 0, 1)
    );
    let second = check(dir.path(), &paths, &["--cache", cache]);
    assert_eq!(
        (
            count(&second, "analysed"),
            count(&second, "cached"),
            count(&second, "skipped")
        ),
        (0, 5, 1)
    );
    assert_eq!(first["findings"], second["findings"]);
    assert!(!first["findings"].as_array().unwrap().is_empty());

    // Editing a file the server imports re-analyses its part only.
    write(dir.path(), "a/lib.js", "exports.x = 2;\n");
    let third = check(dir.path(), &paths, &["--cache", cache]);
    assert_eq!((count(&third, "analysed"), count(&third, "cached")), (3, 2));
    assert_eq!(first["findings"], third["findings"]);

    // Corrupt entries are misses, not crashes.
    for entry in std::fs::read_dir(dir.path().join(".cache")).unwrap() {
        std::fs::write(entry.unwrap().path(), "{ corrupt").unwrap();
    }
    let fourth = check(dir.path(), &paths, &["--cache", cache]);
    assert_eq!(
        (count(&fourth, "analysed"), count(&fourth, "cached")),
        (5, 0)
    );
    assert_eq!(first["findings"], fourth["findings"]);

    // Another configuration is another key.
    write(
        dir.path(),
        "flux.json",
        r#"{"severity": {"blocks-replication": "error"}}"#,
    );
    let fifth = check(dir.path(), &paths, &["--cache", cache]);
    assert_eq!(count(&fifth, "cached"), 0);
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn changed_since_checks_only_the_changed_parts() {
    let dir = tree(&[
        ("a/server.js", SERVER),
        ("a/lib.js", "exports.x = 1;\n"),
        ("a/main.js", "require('./lib');\nrequire('./server');\n"),
        ("b/server.js", SERVER),
        ("c/server.js", SERVER),
        ("c/gone.js", "exports.z = 3;\n"),
        ("c/main.js", "require('./gone');\nrequire('./server');\n"),
    ]);
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);

    let none = check(d, &["."], &["--changed-since", "HEAD"]);
    assert_eq!((count(&none, "files"), count(&none, "unchanged")), (7, 7));
    assert_eq!(none["findings"], serde_json::json!([]));

    // an uncommitted edit, an untracked file, a deleted import
    write(d, "a/lib.js", "exports.x = 2;\n");
    write(d, "e/new.js", SERVER);
    std::fs::remove_file(d.join("c/gone.js")).unwrap();
    let some = check(d, &["."], &["--changed-since", "HEAD"]);
    assert_eq!(
        (count(&some, "analysed"), count(&some, "unchanged")),
        (6, 1)
    );
    let files: Vec<&str> = some["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"a/server.js") && files.contains(&"e/new.js"),
        "{files:?}"
    );
    assert!(
        files.contains(&"c/server.js") && !files.contains(&"b/server.js"),
        "{files:?}"
    );

    // a configuration change concerns every file
    write(d, "flux.json", "{}");
    let all = check(d, &["."], &["--changed-since", "HEAD"]);
    assert_eq!((count(&all, "analysed"), count(&all, "unchanged")), (7, 0));

    let unknown = flux(d, &["--check", "--changed-since", "no-such-rev", "."]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown revision `no-such-rev`"),
        "{}",
        unknown.stderr
    );

    let plain = tree(&[("x.js", SERVER)]);
    let outside = flux(plain.path(), &["--check", "--changed-since", "HEAD", "."]);
    assert_eq!(outside.code, 2);
    assert!(
        outside.stderr.contains("needs a git repository"),
        "{}",
        outside.stderr
    );
}
