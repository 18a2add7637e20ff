//! Protocol abuse over the in-process harness (real JSON-RPC framing over
//! `tokio::io::duplex`): malformed frames, unknown methods, requests before
//! `initialize`, edits to unknown documents and past the end, out-of-order
//! versions, a burst of 10,000 edits, cancelling every request, the editor
//! process dying. The server answers with the right errors, keeps the
//! client's text (`flux.debugDocument`, debug builds) and keeps serving.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Generous: only a hang reaches it.
const WAIT: Duration = Duration::from_secs(60);
const URI: &str = "file:///tmp/flux-lsp-abuse/app.js";

struct Client {
    rx: BufReader<ReadHalf<DuplexStream>>,
    tx: WriteHalf<DuplexStream>,
    next_id: i64,
    inbox: Vec<Value>,
    server: JoinHandle<i32>,
}

fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

impl Client {
    fn start() -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_rx, server_tx) = tokio::io::split(server_end);
        let server = tokio::spawn(flux_lsp::serve(server_rx, server_tx));
        let (rx, tx) = tokio::io::split(client_end);
        Client {
            rx: BufReader::new(rx),
            tx,
            next_id: 0,
            inbox: Vec::new(),
            server,
        }
    }

    async fn raw(&mut self, bytes: &[u8]) {
        self.tx.write_all(bytes).await.unwrap();
        self.tx.flush().await.unwrap();
    }

    async fn send(&mut self, message: Value) {
        self.raw(frame(&message.to_string()).as_bytes()).await;
    }

    async fn recv(&mut self) -> Value {
        let read = async {
            let mut length = 0;
            loop {
                let mut line = String::new();
                assert!(self.rx.read_line(&mut line).await.unwrap() > 0, "closed");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            self.rx.read_exact(&mut body).await.unwrap();
            serde_json::from_slice::<Value>(&body).unwrap()
        };
        let message = timeout(WAIT, read).await.expect("the server answers");
        if message.get("method").is_some() && message.get("id").is_some() {
            let reply = json!({"jsonrpc": "2.0", "id": message["id"], "result": null});
            self.send(reply).await;
        }
        message
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    async fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        id
    }

    /// The first message (response or notification) satisfying `pred`.
    async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(&pred) {
            return self.inbox.remove(i);
        }
        loop {
            let message = self.recv().await;
            if pred(&message) {
                return message;
            }
            self.inbox.push(message);
        }
    }

    async fn response(&mut self, id: i64) -> Value {
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
            .await
    }

    async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.request(method, params).await;
        let response = self.response(id).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    async fn initialize(&mut self, process_id: Option<u32>) {
        let caps = json!({"general": {"positionEncodings": ["utf-16"]}});
        let params = json!({"processId": process_id, "rootUri": null, "capabilities": caps});
        self.call("initialize", params).await;
        self.notify("initialized", json!({})).await;
    }

    async fn open(&mut self, uri: &str, text: &str) {
        let doc = json!({"uri": uri, "languageId": "javascript", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": doc}))
            .await;
    }

    async fn change(&mut self, uri: &str, version: i32, changes: Value) {
        let params =
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes});
        self.notify("textDocument/didChange", params).await;
    }

    async fn document(&mut self, uri: &str) -> Value {
        let params = json!({"command": "flux.debugDocument", "arguments": [uri]});
        self.call("workspace/executeCommand", params).await
    }

    /// Proof of life: a request answered after the abuse.
    async fn still_serving(&mut self) {
        let params = json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}});
        self.call("textDocument/hover", params).await;
    }

    async fn shutdown(mut self) -> i32 {
        self.call("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
        timeout(WAIT, self.server)
            .await
            .expect("exit ends the server")
            .unwrap()
    }
}

fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({"range": {"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}}, "text": text})
}

fn is_error(code: i64) -> impl Fn(&Value) -> bool {
    move |m: &Value| m["error"]["code"] == code
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_frames_are_answered_and_the_server_keeps_serving() {
    let mut client = Client::start();
    client.initialize(None).await;
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
    client.still_serving().await;
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
    client.initialize(None).await;
    let id = client.request("flux/noSuchMethod", json!({})).await;
    assert_eq!(client.response(id).await["error"]["code"], -32601);
    // An unknown notification is dropped without an answer.
    client.notify("flux/noSuchNotification", json!({})).await;
    let id = client
        .request("initialize", json!({"capabilities": {}}))
        .await;
    let again = client.response(id).await;
    assert!(again.get("error").is_some(), "a second initialize: {again}");
    client.still_serving().await;
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn edits_to_unknown_documents_and_past_the_end() {
    let mut client = Client::start();
    client.initialize(None).await;
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
    client.still_serving().await;
    assert_eq!(client.shutdown().await, 0);
}

/// Versions are the client's labels: edits apply in arrival order (which is
/// the order the client made them), whatever their numbers.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn out_of_order_versions_keep_the_clients_text() {
    let mut client = Client::start();
    client.initialize(None).await;
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
    client.initialize(None).await;
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
    client.initialize(None).await;
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
    client.still_serving().await;
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
    client.initialize(Some(editor.id())).await;
    client.still_serving().await;
    editor.kill().unwrap();
    editor.wait().unwrap(); // reaped: a zombie still answers kill(pid, 0)
                            // Input stays open, no `exit`: only the watch can end the server.
    let code = timeout(WAIT, client.server)
        .await
        .expect("the server exits")
        .unwrap();
    assert_eq!(code, 1);
}
