//! Memory with 1,000 open documents, through the binary: opens 1,000
//! generated server files, waits for the diagnostics of every one, and
//! prints the peak resident set (VmHWM). Reports, asserts no number:
//!
//!     cargo test --release --test resources -- --ignored --nocapture

mod support;

use std::collections::HashSet;
use std::io::BufReader;

use serde_json::{json, Value};

const FILES: usize = 1_000;

/// A small Express module, distinct per `i`.
fn source(i: usize) -> String {
    format!(
        "const express = require('express');\nconst router = express.Router();\nlet hits{i} = 0;\nconst cache = new Map();\n\
         router.get('/r{i}', async (req, res) => {{\n  hits{i} += 1;\n  const v = await fetch('/x/{i}');\n  cache.set(req.query.k, v);\n  res.send(String(hits{i}));\n}});\n\
         setInterval(() => cache.clear(), 1000);\nmodule.exports = router;\n"
    )
}

fn vm(pid: u32, key: &str) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(key))
        .map(|l| l[key.len()..].trim().to_string())
        .unwrap_or_else(|| "unavailable".into())
}

#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn peak_rss_with_a_thousand_open_documents() {
    let mut child = support::spawn_server(&[]);
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |m: Value| {
        support::write_frame(&mut stdin, &m.to_string());
    };
    let mut recv = move || -> Value { support::read_frame(&mut stdout).expect("stdout closed") };
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    while recv()["id"] != 1 {}
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let idle = vm(pid, "VmRSS:");
    let mut bytes = 0;
    for i in 0..FILES {
        let text = source(i);
        bytes += text.len();
        let uri = format!("file:///tmp/flux-rss/src/r{i}.js");
        send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": uri, "languageId": "javascript", "version": 1, "text": text}}}),
        );
    }
    let mut seen = HashSet::new();
    while seen.len() < FILES {
        let m = recv();
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1 {
            seen.insert(m["params"]["uri"].as_str().unwrap().to_string());
        }
    }
    println!(
        "{FILES} open documents ({bytes} bytes): VmHWM {} (VmRSS now {}, idle before opening {})",
        vm(pid, "VmHWM:"),
        vm(pid, "VmRSS:"),
        idle
    );
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
}
