//! Replays typing into a file through a language server over stdio and
//! reports edit → diagnostics latency (p50/p90/p99, milliseconds).
//!
//! `cargo run --release --example lsp-typing -- SERVER_BINARY FILE [REPEATS]`
//!
//! One statement is typed one character per `didChange` (incremental sync)
//! at the start of a function body near the middle of the file, then erased
//! with one backspace per `didChange`; after each change the time until the
//! server publishes diagnostics for that version is recorded. Not a test:
//! nothing is asserted.

use std::io::BufReader;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "../tests/support/frame.rs"]
mod frame;
use frame::{read_frame, write_frame};

const TYPED: &str = "const cached = settings[name] || {}; count += 1;";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (server, file) = (&args[1], &args[2]);
    let repeats: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(2);
    let text = std::fs::read_to_string(file).expect("readable file");
    let path = std::fs::canonicalize(file).unwrap();
    let uri = format!("file://{}", path.display());

    // Where to type: after the `{` line of a function near the middle.
    let middle = text.len() / 2;
    let at = text[middle..]
        .find("{\n")
        .map(|i| middle + i + 2)
        .expect("a block in the second half");
    let line = text[..at].matches('\n').count();

    let mut child = Command::new(server)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = BufReader::new(stdout);
        while let Some(m) = read_frame(&mut out) {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    let mut send = |msg: Value| write_frame(&mut stdin, &msg.to_string());
    let timeout = Duration::from_secs(60);
    let wait =
        |rx: &mpsc::Receiver<Value>, send: &mut dyn FnMut(Value), pred: &dyn Fn(&Value) -> bool| {
            let deadline = Instant::now() + timeout;
            loop {
                let m = rx
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    .expect("server answers within 60 s");
                if m.get("method").is_some() && m.get("id").is_some() {
                    send(json!({"jsonrpc": "2.0", "id": m["id"], "result": Value::Null}));
                }
                if pred(&m) {
                    return;
                }
            }
        };
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": null, "rootUri": null,
        "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                         "textDocument": {"publishDiagnostics": {"versionSupport": true}}}}}),
    );
    wait(&rx, &mut send, &|m| {
        m["id"] == 1 && m.get("method").is_none()
    });
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let open = Instant::now();
    send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": text}}}),
    );
    let published = |version: i64| {
        let uri = uri.clone();
        move |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == version
        }
    };
    wait(&rx, &mut send, &published(1));
    let open_ms = open.elapsed().as_secs_f64() * 1e3;

    let mut version = 1;
    let mut samples = Vec::new();
    for _ in 0..repeats {
        let typed: Vec<char> = TYPED.chars().collect();
        // Type, then erase.
        let steps = typed
            .iter()
            .enumerate()
            .map(|(i, c)| (i, Some(*c)))
            .chain((0..typed.len()).rev().map(|i| (i, None)));
        for (col, c) in steps {
            version += 1;
            let (range, new_text) = match c {
                Some(c) => (
                    json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}),
                    c.to_string(),
                ),
                None => (
                    json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}),
                    String::new(),
                ),
            };
            let t = Instant::now();
            send(
                json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": range, "text": new_text}]}}),
            );
            wait(&rx, &mut send, &published(version));
            samples.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    wait(&rx, &mut send, &|m| {
        m["id"] == 2 && m.get("method").is_none()
    });
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let _ = child.wait();

    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{}: {} lines, open {:.1} ms, {} edits: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        file,
        text.lines().count(),
        open_ms,
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.9),
        percentile(&samples, 0.99),
        samples.last().copied().unwrap_or(0.0),
    );
}
