//! The database recomputes what an edit touches, and nothing else.

use std::sync::Arc;

use flux_ide::{file_analysis, findings, local_imports, Analysis, AnalysisHost};

fn analyse_all(host: &AnalysisHost, paths: &[&str]) {
    host.analysis()
        .with_db(|db| {
            for path in paths {
                let file = Analysis::file(db, path).expect("known file");
                file_analysis(db, file);
                findings(db, file);
            }
        })
        .expect("not cancelled");
}

fn runs(host: &AnalysisHost, query: &str, path: &str) -> usize {
    host.query_log()
        .iter()
        .filter(|(q, p)| *q == query && p == path)
        .count()
}

/// The codes of the file's findings.
fn codes_of(host: &AnalysisHost, path: &str) -> Vec<&'static str> {
    host.analysis()
        .with_db(|db| {
            let file = Analysis::file(db, path).unwrap();
            findings(db, file)
                .iter()
                .map(|f| f.code.as_str())
                .collect::<Vec<_>>()
        })
        .unwrap()
}

const PATHS: [&str; 3] = ["/p/app.js", "/p/store.js", "/p/other.js"];

fn host() -> AnalysisHost {
    let mut host = AnalysisHost::new();
    host.set_file(
        PATHS[0],
        Arc::from("const store = require('./store');\nstore.hits++;\n"),
        None,
    );
    host.set_file(PATHS[1], Arc::from("module.exports = { hits: 0 };\n"), None);
    host.set_file(PATHS[2], Arc::from("let n = 0;\n"), None);
    host
}

/// `run_analysis` is where `flux_analysis::analyze` runs; it is keyed by
/// the run's paths, joined with commas.
const APP_RUN: &str = "/p/app.js,/p/store.js";

#[test]
fn editing_a_file_reanalyses_its_importers_only() {
    let mut host = host();
    analyse_all(&host, &PATHS);
    assert_eq!(
        runs(&host, "run_analysis", APP_RUN),
        1,
        "app.js and store.js: one run"
    );
    assert_eq!(runs(&host, "run_analysis", PATHS[2]), 1);
    host.clear_query_log();

    host.set_file(PATHS[1], Arc::from("module.exports = { hits: 1 };\n"), None);
    analyse_all(&host, &PATHS);
    assert_eq!(
        runs(&host, "run_analysis", APP_RUN),
        1,
        "store.js and app.js, which requires it"
    );
    assert_eq!(
        runs(&host, "run_analysis", PATHS[2]),
        0,
        "other.js is unrelated"
    );
    assert_eq!(runs(&host, "file_analysis", PATHS[2]), 0);
    host.clear_query_log();

    host.set_file(PATHS[2], Arc::from("let n = 1;\n"), None);
    analyse_all(&host, &PATHS);
    assert_eq!(runs(&host, "run_analysis", PATHS[2]), 1);
    assert_eq!(runs(&host, "run_analysis", APP_RUN), 0);
    assert_eq!(runs(&host, "file_analysis", PATHS[0]), 0);
    assert_eq!(runs(&host, "file_analysis", PATHS[1]), 0);
}

/// A handler defined in one file and registered in another: the defining
/// file's findings need its importer in the run.
#[test]
fn a_handler_module_is_analysed_with_the_file_registering_it() {
    let mut host = AnalysisHost::new();
    // A socket listener: unlike a `(req, res)` function, only its registration says it is one.
    let app = "const io = require('socket.io')(3000);\nconst { handler } = require('./handler');\nio.on('connection', handler);\n";
    let handler = "let hits = 0;\nexports.handler = (socket) => {\n  hits += 1;\n  socket.emit('hits', hits);\n};\n";
    host.set_file("/p/handler.js", Arc::from(handler), None);
    let codes = |host: &AnalysisHost| codes_of(host, "/p/handler.js");
    assert!(
        codes(&host).is_empty(),
        "alone, nothing says it is a listener"
    );
    host.set_file("/p/app.js", Arc::from(app), None);
    assert_eq!(codes(&host), ["blocks-replication"]);
}

#[test]
fn a_file_created_later_is_resolved() {
    let mut host = AnalysisHost::new();
    host.set_file("/p/app.js", Arc::from("import { x } from './lib';\n"), None);
    assert_eq!(host.missing_imports("/p/app.js")[0][1], "/p/lib.js");
    analyse_all(&host, &["/p/app.js"]);
    host.set_file("/p/lib/index.js", Arc::from("export const x = 1;\n"), None);
    assert!(host.missing_imports("/p/app.js").is_empty());
    let deps = host
        .analysis()
        .with_db(|db| {
            let app = Analysis::file(db, "/p/app.js").unwrap();
            local_imports(db, app)
                .iter()
                .map(|f| f.path(db).clone())
                .collect::<Vec<_>>()
        })
        .unwrap();
    assert_eq!(deps, ["/p/lib/index.js"]);
    host.remove_file("/p/lib/index.js");
    assert_eq!(host.missing_imports("/p/app.js").len(), 1);
}

#[test]
fn a_config_change_reanalyses_only_the_files_it_covers() {
    let mut host = host();
    host.set_file("/q/x.js", Arc::from("let y = 0;\n"), None);
    let all = [PATHS[0], PATHS[1], PATHS[2], "/q/x.js"];
    analyse_all(&host, &all);
    host.clear_query_log();
    let config = flux_analysis::Config::parse(r#"{"severity": {"lost-update": "off"}}"#).unwrap();
    host.set_configs(vec![("/q".into(), config)]);
    analyse_all(&host, &all);
    assert_eq!(runs(&host, "file_analysis", "/q/x.js"), 1);
    assert_eq!(
        runs(&host, "file_analysis", PATHS[0]),
        0,
        "/p keeps the default config"
    );
}

#[test]
fn a_write_cancels_a_running_snapshot() {
    let mut host = host();
    let analysis = host.analysis();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        analysis.with_db(|db| {
            started_tx.send(()).unwrap();
            loop {
                db.unwind_if_revision_cancelled();
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    });
    started_rx.recv().unwrap();
    host.set_file(PATHS[2], Arc::from("let n = 2;\n"), None); // blocks until the reader unwound
    assert!(reader.join().unwrap().is_err());
}

#[test]
fn a_cancellation_token_stops_a_snapshot() {
    let host = host();
    let analysis = host.analysis();
    let token = analysis.cancellation_token();
    let reader = std::thread::spawn(move || {
        analysis.with_db(|db| loop {
            db.unwind_if_revision_cancelled();
            std::thread::sleep(std::time::Duration::from_millis(1));
        })
    });
    std::thread::sleep(std::time::Duration::from_millis(20));
    token.cancel();
    assert!(reader.join().unwrap().is_err());
}

/// The scope and facts walks depend on one file alone: a keystroke walks
/// the edited file again, while the other files of its run keep their
/// facts, and the run's findings are those of a fresh analysis.
#[test]
fn an_edit_walks_only_the_edited_file_of_a_run() {
    let mut host = AnalysisHost::new();
    let store = "let hits = 0;\nexports.bump = () => {\n  hits += 1;\n  return hits;\n};\n";
    let app = |route: &str| {
        format!(
            "const express = require('express');\nconst store = require('./store');\nconst app = express();\n{route}\napp.listen(3000);\n"
        )
    };
    let served = app("app.get('/', (req, res) => res.send(String(store.bump())));");
    let unserved = app("const later = () => store.bump();");
    host.set_file("/p/store.js", Arc::from(store), None);
    host.set_file("/p/app.js", Arc::from(served.as_str()), None);
    let codes = |host: &AnalysisHost| codes_of(host, "/p/store.js");
    assert_eq!(codes(&host), ["blocks-replication"]);
    assert_eq!(runs(&host, "file_facts", "/p/store.js"), 1);
    host.clear_query_log();

    host.set_file("/p/app.js", Arc::from(unserved.as_str()), None);
    assert!(codes(&host).is_empty(), "no listener calls bump any more");
    assert_eq!(runs(&host, "file_facts", "/p/app.js"), 1);
    assert_eq!(
        runs(&host, "file_facts", "/p/store.js"),
        0,
        "store.js kept its facts"
    );
    assert_eq!(runs(&host, "run_analysis", "/p/app.js,/p/store.js"), 1);
    host.clear_query_log();

    host.set_file("/p/app.js", Arc::from(served.as_str()), None);
    assert_eq!(codes(&host), ["blocks-replication"]);
    assert_eq!(runs(&host, "file_facts", "/p/store.js"), 0);
    let fresh = flux_analysis::analyze(
        &[
            flux_analysis::SourceFile {
                path: "/p/app.js",
                text: &served,
            },
            flux_analysis::SourceFile {
                path: "/p/store.js",
                text: store,
            },
        ],
        &flux_analysis::Config::default().catalog(),
        &flux_analysis::Config::default(),
    );
    let kept = host
        .analysis()
        .with_db(|db| {
            ["/p/app.js", "/p/store.js"]
                .map(|p| file_analysis(db, Analysis::file(db, p).unwrap()).clone())
        })
        .unwrap();
    assert_eq!(kept.as_slice(), fresh.as_slice());
}

/// The functions whose scope the last analyses walked, by their first line.
fn scopes_walked(host: &AnalysisHost, text: &str) -> Vec<String> {
    host.query_log()
        .iter()
        .filter(|(q, _)| *q == "function_scope")
        .map(|(_, at)| {
            let (start, end) = at.rsplit_once(':').unwrap().1.split_once('-').unwrap();
            let f = &text[start.parse::<usize>().unwrap()..end.parse::<usize>().unwrap()];
            f.lines().next().unwrap().trim_end_matches(" {").to_string()
        })
        .collect()
}

#[test]
fn an_edit_inside_one_function_walks_the_scope_of_that_function_only() {
    let mut host = AnalysisHost::new();
    let server = |body: &str| {
        format!(
            "const express = require('express');\n\
             const app = express();\n\
             let hits = 0;\n\
             function count(req, res) {{\n  hits += 1;\n  res.send(String(hits));\n}}\n\
             function list(req, res) {{\n  {body}\n  res.json([]);\n}}\n\
             function health(req, res) {{\n  res.send('ok');\n}}\n\
             app.get('/count', count);\napp.get('/list', list);\napp.get('/health', health);\n"
        )
    };
    let before = server("const seen = [];");
    host.set_file("/p/app.js", Arc::from(before.as_str()), None);
    assert_eq!(codes_of(&host, "/p/app.js"), ["blocks-replication"]);
    assert_eq!(
        scopes_walked(&host, &before),
        [
            "function count(req, res)",
            "function list(req, res)",
            "function health(req, res)"
        ]
    );
    host.clear_query_log();

    // typing inside `list`: its scope is walked again, not those of the others
    let after = server("const seen = []; hits += 1;");
    host.set_file("/p/app.js", Arc::from(after.as_str()), None);
    assert_eq!(
        codes_of(&host, "/p/app.js"),
        ["shared-state", "blocks-replication", "blocks-replication"]
    );
    assert_eq!(runs(&host, "file_facts", "/p/app.js"), 1);
    assert_eq!(scopes_walked(&host, &after), ["function list(req, res)"]);
    // and the file's scopes are those of a walk of the whole new text
    let fresh = flux_analysis::scope::analyze(
        &flux_syntax::parse(&after, flux_syntax::Dialect::JavaScript),
        &after,
    );
    let kept = host
        .analysis()
        .with_db(|db| {
            let file = Analysis::file(db, "/p/app.js").unwrap();
            flux_ide::file_facts(db, file).0.scopes().clone()
        })
        .unwrap();
    assert_eq!(kept, fresh);
}

#[test]
fn a_file_read_from_disk_keeps_no_tree_and_is_parsed_with_its_grammar() {
    let mut host = AnalysisHost::new();
    let typed = "export let x: number = 1;\n";
    host.add_files(vec![
        ("/w/a.ts".into(), Arc::from(typed)),
        ("/w/b.js".into(), Arc::from(typed)),
    ]);
    let served = "const app = require('express')();\nlet n = 0;\napp.get('/', (req, res) => { n += 1; res.end(); });\n";
    host.set_file("/w/c.js", Arc::from(served), None);
    let opened = flux_syntax::parse("let z = 0;\n", flux_syntax::Dialect::JavaScript);
    host.set_file("/w/open.js", Arc::from("let z = 0;\n"), Some(opened));
    host.analysis()
        .with_db(|db| {
            let file = |p: &str| Analysis::file(db, p).unwrap();
            for p in ["/w/a.ts", "/w/b.js", "/w/c.js"] {
                assert!(file(p).tree(db).is_none(), "{p} keeps a tree");
            }
            assert!(file("/w/open.js").tree(db).is_some());
            // each parsed on demand with its own grammar
            assert!(!flux_ide::tree_of(db, file("/w/a.ts"))
                .root_node()
                .has_error());
            assert!(flux_ide::tree_of(db, file("/w/b.js"))
                .root_node()
                .has_error());
            // and analysed like any other file
            let codes: Vec<_> = findings(db, file("/w/c.js"))
                .iter()
                .map(|f| f.code.as_str())
                .collect();
            assert_eq!(codes, ["blocks-replication"]);
            assert!(file_analysis(db, file("/w/b.js")).syntax_errors.len() > 0);
        })
        .unwrap();
}
