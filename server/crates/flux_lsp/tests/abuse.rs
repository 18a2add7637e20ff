//! Protocol abuse over the in-process harness (real JSON-RPC framing over
//! `tokio::io::duplex`): malformed frames, unknown methods, requests before
//! `initialize`, edits to unknown documents and past the end, out-of-order
//! versions, a burst of 10,000 edits, cancelling every request, the editor
//! process dying. The server answers with the right errors, keeps the
//! client's text (`flux.debugDocument`, debug builds) and keeps serving.

mod client;

use client::{edit, frame, Client};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/flux-lsp-abuse/app.js";

/// The utf-16 client of every test here.
fn utf16() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}})
}

/// Proof of life: a request answered after the abuse.
async fn still_serving(client: &mut Client) {
    let params = json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}});
    client.call("textDocument/hover", params).await;
}

fn is_error(code: i64) -> impl Fn(&Value) -> bool {
    move |m: &Value| m["error"]["code"] == code
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_frames_are_answered_and_the_server_keeps_serving() {
    let mut client = Client::start();
    client.initialize(utf16()).await;
    client.open(URI, "let n = 0;\n").await;
    // Not JSON → -32700 with a null id.
    client
        .raw(frame("{\"jsonrpc\": \"2.0\", \"id\": ").as_bytes())
        .await;
    let error = client.wait_for(is_error(-32700)).await;
    assert_eq!(error["id"], Value::Null);
    // JSON but not a message → -32600.
    client
        .raw(frame("{\"jsonrpc\": \"2.0\", \"id\": 7}").as_bytes())
        .await;
    client.wait_for(is_error(-32600)).await;
    // A length that is not a number, then a missing length: -32700 each,
    // the garbage up to the next header skipped.
    client.raw(b"Content-Length: many\r\n\r\n{}").await;
    client.wait_for(is_error(-32700)).await;
    client
        .raw(b"Content-Type: application/json\r\n\r\n{}")
        .await;
    client.wait_for(is_error(-32700)).await;
    // A length shorter than the body: the truncated body is an error and
    // the rest is skipped as garbage.
    let body = json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}).to_string();
    let short = format!("Content-Length: 10\r\n\r\n{body}");
    client.raw(short.as_bytes()).await;
    client.wait_for(is_error(-32700)).await;
    // A body that is not UTF-8.
    client.raw(b"Content-Length: 4\r\n\r\n\"\xff\xfe\"").await;
    client.wait_for(is_error(-32700)).await;
    // A length over the 64 MiB limit: -32700 at once, and the body is
    // dropped as it arrives, not buffered.
    let huge = (64 << 20) + 1;
    client
        .raw(format!("Content-Length: {huge}\r\n\r\n").as_bytes())
        .await;
    client.wait_for(is_error(-32700)).await;
    client.raw(&vec![b' '; huge]).await;
    still_serving(&mut client).await;
    let doc = client.document(URI).await;
    assert_eq!(doc["text"], "let n = 0;\n");
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_before_initialize_and_unknown_methods() {
    let mut client = Client::start();
    let id = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(client.response(id).await["error"]["code"], -32002);
    client.initialize(utf16()).await;
    let id = client.request("flux/noSuchMethod", json!({})).await;
    assert_eq!(client.response(id).await["error"]["code"], -32601);
    // An unknown notification is dropped without an answer.
    client.notify("flux/noSuchNotification", json!({})).await;
    let id = client
        .request("initialize", json!({"capabilities": {}}))
        .await;
    let again = client.response(id).await;
    assert!(again.get("error").is_some(), "a second initialize: {again}");
    still_serving(&mut client).await;
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn edits_to_unknown_documents_and_past_the_end() {
    let mut client = Client::start();
    client.initialize(utf16()).await;
    let other = "file:///tmp/flux-lsp-abuse/never-opened.js";
    client
        .change(other, 2, json!([edit((0, 0), (0, 0), "x")]))
        .await;
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": other}}),
        )
        .await;
    assert_eq!(
        client.document(other).await,
        Value::Null,
        "never opened: no document"
    );
    client.open(URI, "a\r\né😀\n").await;
    // Line past EOF → end of the document; character past EOL → end of line
    // (before "\r\n"); a reversed range is taken the right way round;
    // a position inside the emoji's surrogate pair snaps to its start.
    client
        .change(URI, 2, json!([edit((1_000, 5), (2_000, 0), "END")]))
        .await;
    client
        .change(URI, 3, json!([edit((0, 999), (0, 999), "B")]))
        .await;
    client
        .change(URI, 4, json!([edit((1, 2), (1, 1), "-")]))
        .await;
    client
        .change(URI, 5, json!([edit((1, 2), (1, 2), "|")]))
        .await;
    client
        .change(
            URI,
            6,
            json!([edit((u32::MAX, u32::MAX), (u32::MAX, u32::MAX), "!")]),
        )
        .await;
    let doc = client.document(URI).await;
    assert_eq!(doc["text"], "aB\r\né-|😀\nEND!");
    assert_eq!(doc["version"], 6);
    still_serving(&mut client).await;
    assert_eq!(client.shutdown().await, 0);
}

/// Versions are the client's labels: edits apply in arrival order (which is
/// the order the client made them), whatever their numbers.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn out_of_order_versions_keep_the_clients_text() {
    let mut client = Client::start();
    client.initialize(utf16()).await;
    client.open(URI, "let n = 0;\n").await;
    client
        .change(URI, 10, json!([edit((0, 8), (0, 9), "1")]))
        .await;
    client
        .change(URI, 5, json!([edit((0, 8), (0, 9), "2")]))
        .await;
    client
        .change(URI, 5, json!([edit((1, 0), (1, 0), "n++;\n")]))
        .await;
    let doc = client.document(URI).await;
    assert_eq!(doc["text"], "let n = 2;\nn++;\n");
    assert_eq!(doc["version"], 5);
    // Diagnostics for what the client has: version 5, on the current text.
    let published = client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 5
        })
        .await;
    assert_eq!(published["params"]["uri"], URI);
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn a_burst_of_ten_thousand_edits() {
    const EDITS: i32 = 10_000;
    let mut client = Client::start();
    client.initialize(utf16()).await;
    let prelude =
        "var app = require('express')(), count = 0;\napp.get('/', function (req, res) {\n";
    client.open(URI, &format!("{prelude}}});\n")).await;
    // Each edit appends a statement inside the handler, on its own line;
    // every 100th writes the module's counter.
    let mut expected = String::from(prelude);
    for v in 0..EDITS {
        let line = 2 + v as u32;
        let stmt = if v % 100 == 0 {
            "count += 1;\n".to_string()
        } else {
            format!("res.x{v};\n")
        };
        expected.push_str(&stmt);
        client
            .change(URI, v + 2, json!([edit((line, 0), (line, 0), &stmt)]))
            .await;
    }
    expected.push_str("});\n");
    let last = EDITS + 1;
    let published = client
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == last
        })
        .await;
    let ranges: Vec<u64> = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "blocks-replication")
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    // The findings sit on the lines where the client's text has the writes.
    let writes: Vec<u64> = expected
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "count += 1;")
        .map(|(i, _)| i as u64)
        .collect();
    assert_eq!(ranges, writes);
    let doc = client.document(URI).await;
    assert_eq!(doc["text"], expected);
    assert_eq!(doc["version"], last);
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_request_cancelled() {
    let mut client = Client::start();
    client.initialize(utf16()).await;
    client
        .open(
            URI,
            "var app = require('express')(), n = 0;\napp.get('/', () => { n++; });\n",
        )
        .await;
    let mut ids = Vec::new();
    for i in 0..200 {
        let (method, params) = match i % 4 {
            0 => (
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 21}}),
            ),
            1 => (
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": URI}}),
            ),
            2 => (
                "textDocument/codeLens",
                json!({"textDocument": {"uri": URI}}),
            ),
            _ => (
                "workspace/executeCommand",
                json!({"command": "flux.fluxionalForm", "arguments": [URI]}),
            ),
        };
        let id = client.request(method, params).await;
        client.notify("$/cancelRequest", json!({"id": id})).await;
        ids.push(id);
    }
    // A cancel for a request that never existed is ignored.
    client
        .notify("$/cancelRequest", json!({"id": 123_456}))
        .await;
    for id in ids {
        let response = client.response(id).await;
        // Either it finished first, or it was cancelled: never another error.
        let cancelled = response["error"]["code"] == -32800;
        assert!(cancelled || response.get("result").is_some(), "{response}");
    }
    still_serving(&mut client).await;
    assert_eq!(client.shutdown().await, 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_server_exits_when_the_editor_process_dies() {
    let mut editor = std::process::Command::new("sleep")
        .arg("600")
        .spawn()
        .unwrap();
    let mut client = Client::start();
    client.initialize_as(Some(editor.id()), utf16()).await;
    still_serving(&mut client).await;
    editor.kill().unwrap();
    editor.wait().unwrap(); // reaped: a zombie still answers kill(pid, 0)
                            // Input stays open, no `exit`: only the watch can end the server.
    let code = client.exit_code().await;
    assert_eq!(code, 1);
}

/// `exit` sent right behind `shutdown`, without waiting for its answer: the
/// shutdown was received first, so the exit code is 0 (the two handlers
/// may run concurrently; the order of arrival decides).
#[tokio::test(flavor = "multi_thread")]
async fn exit_right_behind_shutdown_is_clean() {
    for _ in 0..20 {
        let mut client = Client::start();
        client.initialize(utf16()).await;
        client.request("shutdown", Value::Null).await;
        client.notify("exit", Value::Null).await;
        assert_eq!(client.exit_code().await, 0);
    }
}
