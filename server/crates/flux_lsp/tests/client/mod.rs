//! The test client of `lsp.rs` and `abuse.rs`: the server in-process over
//! `tokio::io::duplex` with real JSON-RPC framing, so that tower-lsp's
//! scheduler (ordering, cancellation) and our framing are the real ones.
//! Every wait has a timeout.
#![allow(dead_code)] // each test file uses its own part

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Generous: only a hang reaches it.
pub const WAIT: Duration = Duration::from_secs(60);

pub struct Client {
    rx: BufReader<ReadHalf<DuplexStream>>,
    tx: WriteHalf<DuplexStream>,
    next_id: i64,
    /// Messages read while waiting for something else.
    pub inbox: Vec<Value>,
    pub server: Option<JoinHandle<i32>>,
}

pub fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

pub fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({"range": {"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}}, "text": text})
}

impl Client {
    pub fn start() -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_rx, server_tx) = tokio::io::split(server_end);
        let server = tokio::spawn(flux_lsp::serve(server_rx, server_tx));
        let (rx, tx) = tokio::io::split(client_end);
        Client {
            rx: BufReader::new(rx),
            tx,
            next_id: 0,
            inbox: Vec::new(),
            server: Some(server),
        }
    }

    /// Bytes as they are, framed or not.
    pub async fn raw(&mut self, bytes: &[u8]) {
        self.tx.write_all(bytes).await.unwrap();
        self.tx.flush().await.unwrap();
    }

    pub async fn send(&mut self, message: Value) {
        self.raw(frame(&message.to_string()).as_bytes()).await;
    }

    async fn recv_raw(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            let n = self.rx.read_line(&mut line).await.unwrap();
            assert!(n > 0, "server closed the stream");
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
        serde_json::from_slice(&body).unwrap()
    }

    /// The next message; server→client requests are answered with `null`,
    /// as a permissive client would, and returned too.
    pub async fn recv(&mut self) -> Value {
        let message = timeout(WAIT, self.recv_raw())
            .await
            .expect("timed out waiting for the server");
        if message.get("method").is_some() && message.get("id").is_some() {
            let reply = json!({"jsonrpc": "2.0", "id": message["id"], "result": null});
            self.send(reply).await;
        }
        message
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    pub async fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        id
    }

    /// The first message (response or notification) satisfying `pred`,
    /// from those already read or the next ones.
    pub async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
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

    /// The whole response message for `id` (`result` or `error`).
    pub async fn response(&mut self, id: i64) -> Value {
        // Server→client requests have their own id space.
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
            .await
    }

    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.request(method, params).await;
        let response = self.response(id).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Like [`Client::call`], but asks again when the answer is
    /// ContentModified (a write, e.g. the workspace scan, cancelled it), as
    /// an editor re-requests.
    pub async fn call_until_current(&mut self, method: &str, params: Value) -> Value {
        for _ in 0..20 {
            let id = self.request(method, params.clone()).await;
            let response = self.response(id).await;
            if response["error"]["code"] == -32801 {
                continue;
            }
            assert!(response.get("error").is_none(), "{method}: {response}");
            return response["result"].clone();
        }
        panic!("{method}: ContentModified 20 times");
    }

    /// The params of the first notification `method` satisfying `pred`.
    pub async fn notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(|m| m["method"] == method && pred(&m["params"]))
            .await["params"]
            .clone()
    }

    /// `initialize` + `initialized`, as an editor whose process is `process_id`.
    pub async fn initialize_as(&mut self, process_id: Option<u32>, capabilities: Value) -> Value {
        let params =
            json!({"processId": process_id, "rootUri": null, "capabilities": capabilities});
        let result = self.call("initialize", params).await;
        self.notify("initialized", json!({})).await;
        result
    }

    pub async fn initialize(&mut self, capabilities: Value) -> Value {
        self.initialize_as(None, capabilities).await
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        let doc = json!({"uri": uri, "languageId": "javascript", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": doc}))
            .await;
    }

    pub async fn change(&mut self, uri: &str, version: i32, changes: Value) {
        let params =
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes});
        self.notify("textDocument/didChange", params).await;
    }

    /// The server's text and version of `uri` (`flux.debugDocument`, debug builds).
    pub async fn document(&mut self, uri: &str) -> Value {
        let params = json!({"command": "flux.debugDocument", "arguments": [uri]});
        self.call("workspace/executeCommand", params).await
    }

    /// The server's exit code, once it has stopped on its own.
    pub async fn exit_code(&mut self) -> i32 {
        let server = self.server.take().expect("the server is running");
        timeout(WAIT, server)
            .await
            .expect("the server exits")
            .unwrap()
    }

    /// `shutdown` + `exit`; the server's exit code.
    pub async fn shutdown(mut self) -> i32 {
        self.call("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
        self.exit_code().await
    }
}
