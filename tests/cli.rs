//! End-to-end tests of the `flux-lsp` binary on temporary trees.
//!
//! Tests marked "awaits the analysis" need real findings from
//! `flux_analysis::analyze`; they fail while it is a placeholder.

mod support;

use std::path::Path;

use support::{flux, json, tree, write};

use flux_analysis::{BindingRef, Code, FileAnalysis, Finding, Related, Severity};
use flux_cli::report::{Report, Sources};
use serde_json::Value;

/// Listing 1 of the paper, laid out on its 12 lines.
const LISTING_1: &str = "\
var app = require('express')(),
    fs = require('fs'),
    count = 0;

app.get('/', function handler(req, res) {
  fs.readFile(__filename, function reply(err, data) {
    count += 1;
    res.send(err || template(count, data));
  });
});

app.listen(8080);
";

const CLEAN: &str = "const answer = 42;\nconsole.log(answer);\n";

/// The files a JSON run checked, as listed by finding-free `--format json`.
fn files_checked(dir: &Path, args: &[&str]) -> u64 {
    let mut all = vec!["--format", "json", "--check"];
    all.extend_from_slice(args);
    let run = flux(dir, &all);
    json(&run)["files"].as_u64().unwrap()
}

#[test]
fn clean_file_exits_0() {
    let dir = tree(&[("app.js", CLEAN)]);
    let run = flux(dir.path(), &["--check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("1 file checked, 0 warnings, 0 infos, 0 hints in "),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_path_exits_2_naming_it() {
    let dir = tree(&[]);
    let run = flux(dir.path(), &["--check", "no/such/place.js"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error: no/such/place.js:"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tree(&[]);
    assert_eq!(flux(dir.path(), &["--check", "--format", "xml"]).code, 2);
    assert_eq!(flux(dir.path(), &["--no-such-flag"]).code, 2);
    assert_eq!(flux(dir.path(), &["fluxions"]).code, 2);
}

#[test]
fn help_and_version_exit_0() {
    let dir = tree(&[]);
    let help = flux(dir.path(), &["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("--check") && help.stdout.contains("fluxions"),
        "{}",
        help.stdout
    );
    let version = flux(dir.path(), &["--version"]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout.trim(),
        format!("flux-lsp {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_arguments_means_the_language_server() {
    // `--stdio` is accepted and ignored; the binary speaks LSP on stdin/stdout.
    for args in [&[][..], &["--stdio"][..]] {
        let mut child = support::spawn_server(args);
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut send = |body: &str| support::write_frame(&mut stdin, body);
        send(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#,
        );
        let init = support::read_frame(&mut stdout).expect("server closed stdout");
        assert_eq!(init["id"], 1, "{init}");
        let caps = &init["result"]["capabilities"];
        assert_eq!(
            caps["positionEncoding"], "utf-16",
            "no utf-8 offered: {init}"
        );
        assert!(
            caps["inlayHintProvider"].is_object() || caps["inlayHintProvider"] == true,
            "{init}"
        );
        send(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        send(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#);
        let shutdown = loop {
            let msg = support::read_frame(&mut stdout).expect("server closed stdout");
            if msg["id"] == 2 {
                break msg;
            }
        };
        assert!(shutdown.get("error").is_none(), "{shutdown}");
        send(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        drop(stdin);
        assert_eq!(
            child.wait().unwrap().code(),
            Some(0),
            "exit after shutdown is a clean exit"
        );
    }
}

#[test]
fn malformed_flux_json_is_located() {
    let dir = tree(&[
        ("app.js", CLEAN),
        ("flux.json", "{\n  \"ignore\": [\"a\",]\n}"),
    ]);
    let run = flux(dir.path(), &["--check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error: flux.json:2:18: "),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_flux_json_key_is_located() {
    let dir = tree(&[
        ("src/app.js", CLEAN),
        ("flux.json", "{\n  \"catalog\": [],\n  \"ignores\": []\n}"),
    ]);
    let run = flux(dir.path(), &["--check", "src"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("flux.json:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("ignores"), "{}", run.stderr);
}

#[test]
fn explicit_config_is_used_for_every_file() {
    let dir = tree(&[
        ("x.js", CLEAN),
        ("y.js", CLEAN),
        ("sub/flux.json", "{}"),
        ("sub/y.js", CLEAN),
        ("strict.json", r#"{"ignore": ["y.js"]}"#),
    ]);
    // Discovery: the root has no flux.json, sub/flux.json ignores nothing.
    assert_eq!(files_checked(dir.path(), &["."]), 3);
    // --config governs every file, sub/ included; its globs are relative to its folder.
    assert_eq!(
        files_checked(dir.path(), &["--config", "strict.json", "."]),
        1
    );
    let broken = flux(dir.path(), &["--config", "missing.json", "--check", "."]);
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("error: missing.json: "),
        "{}",
        broken.stderr
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = tree(&[("app.js", CLEAN), ("lib/util.mjs", CLEAN)]);
    let run = flux(dir.path(), &["--check", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "analysed",
            "cached",
            "files",
            "findings",
            "skipped",
            "unchanged",
            "version"
        ],
        "{v}"
    );
    assert_eq!(v["version"], 1);
    assert_eq!(v["files"], 2);
    // nothing in them names the catalog: checked without being parsed
    assert_eq!((&v["skipped"], &v["analysed"]), (&2.into(), &0.into()));
    assert!(v["findings"].is_array());
}

/// A related file whose positions need UTF-16 columns.
const OTHER: &str = "const s = '😀'; let count = 1;\n";

/// A finding as the analysis would report it, to test the renderers on their own.
fn synthetic_report() -> Report {
    let count_decl = LISTING_1.find("count = 0").unwrap();
    let write = LISTING_1.find("count += 1").unwrap();
    let finding = Finding {
        code: Code::BlocksReplication,
        severity: Severity::Warning,
        message: "`count` outlives one request and is written by the listener `reply`".into(),
        range: write..write + "count += 1".len(),
        binding: Some(BindingRef {
            name: "count".into(),
            range: count_decl..count_decl + 5,
        }),
        fluxion: "reply".into(),
        related: vec![
            Related {
                path: None,
                range: count_decl..count_decl + 5,
                message: "`count` is declared here".into(),
            },
            Related {
                path: Some("other.js".into()),
                range: OTHER.find("count").map(|i| i..i + 5).unwrap(),
                message: "also declared here".into(),
            },
        ],
    };
    let mut sources = Sources::default();
    sources.insert("listing1.js".into(), LISTING_1.into());
    sources.insert("other.js".into(), OTHER.into());
    let analysis = FileAnalysis {
        path: "listing1.js".into(),
        findings: vec![finding],
        ..FileAnalysis::default()
    };
    Report {
        files: 2,
        counts: Default::default(),
        sources,
        analyses: vec![analysis],
    }
}

#[test]
fn json_findings_have_the_documented_fields() {
    let v = serde_json::to_value(flux_cli::json::build(&synthetic_report())).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["file"], "listing1.js");
    assert_eq!(f["code"], "blocks-replication");
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].is_string());
    assert_eq!(
        f["range"],
        serde_json::json!({"start": {"line": 7, "column": 5}, "end": {"line": 7, "column": 15}})
    );
    assert_eq!(
        f["binding"],
        serde_json::json!({"name": "count", "line": 3, "column": 5})
    );
    assert_eq!(f["fluxion"], "reply");
    assert_eq!(f["related"][0]["file"], "listing1.js");
    assert_eq!(
        f["related"][0]["range"]["start"],
        serde_json::json!({"line": 3, "column": 5})
    );
    assert!(f["related"][0]["message"].is_string());
    // Another file's position, after an astral character (2 UTF-16 units, 4 bytes).
    assert_eq!(f["related"][1]["file"], "other.js");
    assert_eq!(
        f["related"][1]["range"]["start"],
        serde_json::json!({"line": 1, "column": 21})
    );
    let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["binding", "code", "file", "fluxion", "message", "range", "related", "severity"]
    );
}

#[test]
fn human_output_snapshot() {
    let report = synthetic_report();
    insta::assert_snapshot!(flux_cli::human::render(&report, false));
    assert_eq!(report.count(Severity::Warning), 1);
    assert!(report.has_warnings());
}

#[test]
fn gitignore_and_hidden_files_are_respected() {
    let dir = tree(&[
        ("app.js", CLEAN),
        (".gitignore", "generated/\n"),
        ("generated/bundle.js", CLEAN),
        (".hidden/x.js", CLEAN),
        ("node_modules/express/index.js", CLEAN),
        ("README.md", "# not js\n"),
        ("lib/a.cjs", CLEAN),
        ("lib/b.jsx", CLEAN),
    ]);
    assert_eq!(files_checked(dir.path(), &[]), 3);
}

#[test]
fn flux_json_ignore_globs_are_respected_nearest_config_wins() {
    let dir = tree(&[
        ("flux.json", r#"{"ignore": ["vendor/", "*.min.js"]}"#),
        ("app.js", CLEAN),
        ("app.min.js", CLEAN),
        ("vendor/lib.js", CLEAN),
        ("sub/flux.json", "{}"),
        ("sub/other.min.js", CLEAN),
    ]);
    // app.js and sub/other.min.js (sub/flux.json has no globs).
    assert_eq!(files_checked(dir.path(), &[]), 2);
    // Named on the command line: checked whatever the globs say.
    assert_eq!(files_checked(dir.path(), &["app.min.js"]), 1);
}

#[test]
fn configs_are_found_from_the_real_folder_of_dotdot_paths() {
    let dir = tree(&[
        ("proj/flux.json", r#"{"ignore": ["gen/"]}"#),
        ("proj/app.js", CLEAN),
        ("proj/gen/out.js", CLEAN),
        ("other/flux.json", "{ broken"),
    ]);
    // From other/, `../proj` must use proj/flux.json, not other/flux.json.
    assert_eq!(files_checked(&dir.path().join("other"), &["../proj"]), 1);
}

#[test]
fn explicit_files_are_checked_whatever_their_extension() {
    let dir = tree(&[("server.ts.txt", CLEAN)]);
    assert_eq!(files_checked(dir.path(), &["server.ts.txt"]), 1);
}

#[test]
fn unreadable_content_is_reported_and_the_run_goes_on() {
    let dir = tree(&[("good.js", CLEAN)]);
    write(dir.path(), "latin1.js", b"var s = '\xe9t\xe9';\n");
    write(dir.path(), "blob.js", b"\x00\x01\x02binary");
    let run = flux(dir.path(), &["--check", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error: latin1.js: not valid UTF-8"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error: blob.js: binary file"),
        "{}",
        run.stderr
    );
    assert_eq!(json(&run)["files"], 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let dir = tree(&[("app/a.js", CLEAN)]);
    std::os::unix::fs::symlink(dir.path().join("app"), dir.path().join("app/loop")).unwrap();
    let run = flux(dir.path(), &["--check", "app", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("symbolic link loop"), "{}", run.stderr);
    assert_eq!(json(&run)["files"], 1);
}

#[test]
fn output_file_receives_the_report() {
    let dir = tree(&[("app.js", CLEAN)]);
    let run = flux(
        dir.path(),
        &["--check", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(v["files"], 1);
}

#[test]
fn fluxions_runs_on_a_file() {
    let dir = tree(&[("listing1.js", LISTING_1)]);
    let run = flux(dir.path(), &["fluxions", "listing1.js"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let missing = flux(dir.path(), &["fluxions", "nope.js"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.js"), "{}", missing.stderr);
}

#[test]
fn example_app_is_walked_with_paths_as_given() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = flux(
        root,
        &["--check", "examples/chat-server", "--format", "json"],
    );
    assert_ne!(run.code, 2, "{}", run.stderr);
    assert_eq!(json(&run)["files"], 5);
    for f in json(&run)["findings"].as_array().unwrap() {
        assert!(
            f["file"]
                .as_str()
                .unwrap()
                .starts_with("examples/chat-server/"),
            "{f}"
        );
    }
}

// ---- awaiting the analysis ------------------------------------------------

/// Awaits the analysis.
#[test]
fn listing_1_counter_blocks_replication() {
    let dir = tree(&[("listing1.js", LISTING_1)]);
    let run = flux(dir.path(), &["--check", "listing1.js", "--format", "json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let v = json(&run);
    let blocks: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "blocks-replication")
        .collect();
    assert_eq!(blocks.len(), 1, "{v:#}");
    let f = blocks[0];
    assert_eq!(f["file"], "listing1.js");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["binding"]["name"], "count");
    assert_eq!(f["binding"]["line"], 3);
    assert_eq!(f["binding"]["column"], 5);
    assert_eq!(f["range"]["start"]["line"], 7);
    assert_eq!(f["range"]["start"]["column"], 5);
    assert_eq!(f["range"]["end"]["line"], 7);
    assert_eq!(f["fluxion"], "reply");
}

/// Awaits the analysis.
#[test]
fn listing_1_human_output() {
    let dir = tree(&[("listing1.js", LISTING_1)]);
    let run = flux(dir.path(), &["--check"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("warning[blocks-replication]: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(" --> listing1.js:7:5\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("7 |     count += 1;\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  |     ^"), "{}", run.stdout);
    assert!(
        run.stderr.contains("1 file checked, 1 warning, "),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("\x1b["), "no colours when piped");
}

/// Awaits the analysis.
#[test]
fn listing_1_fluxional_form() {
    let dir = tree(&[("listing1.js", LISTING_1)]);
    let run = flux(dir.path(), &["fluxions", "listing1.js"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for fluxion in ["flx main", "flx handler", "flx reply"] {
        assert!(
            run.stdout.contains(fluxion),
            "{fluxion} missing from:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("count"), "{}", run.stdout);
}

/// Awaits the analysis: the example's README lists these.
#[test]
fn example_app_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = flux(
        root,
        &["--check", "examples/chat-server", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run);
    let mut blocks: Vec<(String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "blocks-replication")
        .map(|f| {
            let file = f["file"]
                .as_str()
                .unwrap()
                .trim_start_matches("examples/chat-server/")
                .to_string();
            (
                file,
                f["binding"]["name"].as_str().unwrap_or("").to_string(),
                f["binding"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    blocks.sort();
    blocks.dedup();
    let expected = [
        ("routes/messages.js", "hits", 10),
        ("routes/messages.js", "messagesPosted", 11),
        ("routes/stats.js", "samples", 8),
        ("server.js", "io", 13),
        ("server.js", "rooms", 16),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(f, n, l)| (f.to_string(), n.to_string(), *l))
        .collect();
    assert_eq!(blocks, expected, "{v:#}");
}

#[test]
fn typescript_files_are_walked_but_not_declaration_files() {
    let ts = "import express from 'express';
const app = express();
const hits = new Map<string, number>();
app.get('/', (req: express.Request, res) => {
  hits.set(req.ip as string, (hits.get(req.ip!) ?? 0) + 1);
  res.end();
});
";
    let dir = tree(&[
        ("src/app.ts", ts),
        (
            "src/view.tsx",
            "export const V = (p: { n: number }) => <b>{p.n}</b>;\n",
        ),
        ("src/esm.mts", CLEAN),
        ("src/cjs.cts", CLEAN),
        ("src/types.d.ts", "declare const x: number;\n"),
        ("src/legacy.js", CLEAN),
    ]);
    assert_eq!(files_checked(dir.path(), &["."]), 5);
    // named on the command line, a declaration file is checked like any file
    assert_eq!(files_checked(dir.path(), &["src/types.d.ts"]), 1);
    let run = flux(dir.path(), &["--check", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let v = json(&run);
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "blocks-replication" && f["file"] == "src/app.ts"),
        "{v:#}"
    );
}
