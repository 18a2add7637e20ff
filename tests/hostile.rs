//! Hostile inputs: huge, deep, binary, unreadable and looping. Each gives a
//! bounded result or a clear message, never a crash, and the rest of the run
//! goes on. Deep nesting runs both in a thread with the default 2 MiB stack
//! and through the binary.

use std::path::Path;
use std::process::Command;

use flux_analysis::{analyze, Catalog, Code, Config, FileAnalysis, SourceFile};
use serde_json::Value;

const DEPTH: usize = 10_000;

/// One request handler writing outer state: exactly one `blocks-replication`.
const COUNTER: &str =
    "var app=require('express')(),count=0;app.get('/',function(q,s){count+=1;s.send(''+count)});";

struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

fn flux(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_flux-lsp"))
        // every file parsed: hostile text must reach the parser and the analysis
        .args(["--check", "--format", "json", "--no-prefilter"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Run {
        code: out
            .status
            .code()
            .unwrap_or_else(|| panic!("killed: {stderr}")),
        json: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        stderr,
    }
}

fn codes(run: &Run, file: &str) -> Vec<String> {
    run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Analyses in a thread with the default stack of spawned threads (2 MiB).
fn analyze_on_small_stack(text: String) -> FileAnalysis {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let file = SourceFile {
                path: "deep.js",
                text: &text,
            };
            analyze(&[file], &Catalog::builtin(), &Config::default()).remove(0)
        })
        .unwrap()
        .join()
        .expect("no panic and no stack overflow")
}

fn blocks(analysis: &FileAnalysis) -> usize {
    let blocking = analysis.findings.iter();
    blocking
        .filter(|f| f.code == Code::BlocksReplication)
        .count()
}

/// The nested shapes, each wrapped around the counter's write.
fn nested(kind: &str) -> String {
    let (open, close) = match kind {
        "parens" => ("(", ")"),
        "arrays" => ("[", "]"),
        "functions" => ("function f(){return ", "}"),
        "callbacks" => ("setTimeout(function(){", "});"),
        _ => unreachable!(),
    };
    let inner = match kind {
        "parens" | "arrays" => "count+=1",
        _ => "count+=1;",
    };
    let mut body = open.repeat(DEPTH);
    body.push_str(inner);
    body.push_str(&close.repeat(DEPTH));
    let stmt = if kind == "callbacks" { "" } else { ";" };
    format!(
        "var app=require('express')(),count=0;\napp.get('/',function(q,s){{\n{body}{stmt}\n}});\n"
    )
}

#[test]
fn ten_thousand_deep_nesting_on_a_two_megabyte_stack() {
    for kind in ["parens", "arrays", "functions", "callbacks"] {
        let analysis = analyze_on_small_stack(nested(kind));
        // The tree is complete (tree-sitter's parser is not recursive) …
        assert!(analysis.syntax_errors.is_empty(), "{kind}: syntax errors");
        // … and the write in the handler is still found under 10,000 levels,
        // except inside functions that are never called.
        let expected = usize::from(kind != "functions");
        assert_eq!(blocks(&analysis), expected, "{kind}");
    }
}

#[test]
fn ten_thousand_deep_nesting_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["parens", "arrays", "functions", "callbacks"] {
        std::fs::write(dir.path().join(format!("{kind}.js")), nested(kind)).unwrap();
    }
    let run = flux(dir.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json["files"], 4);
    for kind in ["parens", "arrays", "callbacks"] {
        let file = format!("{kind}.js");
        assert_eq!(codes(&run, &file), ["blocks-replication"], "{kind}");
    }
    assert!(codes(&run, "functions.js").is_empty());
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "~100 s in a debug build; .ci/run runs it on its own: cargo test --test hostile -- --ignored ten_megabyte"
)]
fn ten_megabyte_minified_file_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // 10 MB of one-line module code, then the counter, still on line 1.
    let filler = "var a=[1,2,3].map(function(x){return x*2}),b={k:'v',n:null};";
    let mut text = filler.repeat(10_000_000 / filler.len() + 1);
    text.push_str(COUNTER);
    assert!(text.len() >= 10_000_000 && !text.contains('\n'));
    std::fs::write(dir.path().join("bundle.min.js"), &text).unwrap();
    std::fs::write(dir.path().join("ok.js"), "console.log(1);\n").unwrap();
    let run = flux(dir.path(), &["."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json["files"], 2);
    assert_eq!(codes(&run, "bundle.min.js"), ["blocks-replication"]);
    let finding = &run.json["findings"][0];
    assert_eq!(finding["range"]["start"]["line"], 1);
    assert!(finding["range"]["start"]["column"].as_u64().unwrap() > 10_000_000);
}

#[test]
fn hundred_thousand_line_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("var app=require('express')(),count=0;\n");
    for i in 0..100_000 {
        text.push_str(&format!("var v{i} = {i};\n"));
    }
    text.push_str("app.get('/', function (q, s) { count += 1; });\n");
    std::fs::write(dir.path().join("long.js"), &text).unwrap();
    let run = flux(dir.path(), &["long.js"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(codes(&run, "long.js"), ["blocks-replication"]);
    assert_eq!(
        run.json["findings"][0]["range"]["start"]["line"], 100_002,
        "the line of the write"
    );
}

/// Unreadable entries are reported, the other files still checked, exit 2.
#[cfg(unix)]
#[test]
fn invalid_utf8_binary_fifo_directory_and_loop_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("good.js"), COUNTER).unwrap();
    std::fs::write(p.join("latin1.js"), b"var s = '\xe9t\xe9';\n").unwrap();
    std::fs::write(p.join("image.js"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    // A FIFO would block a naive read forever.
    let fifo = p.join("pipe.js");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    std::fs::create_dir(p.join("folder.js")).unwrap();
    std::os::unix::fs::symlink(p, p.join("loop")).unwrap();
    let run = flux(p, &["."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.json["files"], 1, "only good.js is analysed");
    assert_eq!(codes(&run, "good.js"), ["blocks-replication"]);
    for expected in [
        "error: latin1.js: not valid UTF-8",
        "error: image.js: binary file",
        "error: pipe.js: not a regular file",
        "symbolic link loop",
    ] {
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    // Named explicitly, the FIFO and the folder get the same treatment.
    let run = flux(p, &["pipe.js", "good.js"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error: pipe.js: not a regular file"));
    assert_eq!(run.json["files"], 1);
}

/// chmod 000 does not stop root: then the test checks that reading works.
#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("good.js"), COUNTER).unwrap();
    std::fs::write(p.join("secret.js"), COUNTER).unwrap();
    std::fs::set_permissions(p.join("secret.js"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(p.join("secret.js")).is_ok(); // root
    let run = flux(p, &["."]);
    if readable {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(run.json["files"], 2);
    } else {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("error: secret.js: Permission denied"),
            "{}",
            run.stderr
        );
        assert_eq!(run.json["files"], 1);
    }
}
