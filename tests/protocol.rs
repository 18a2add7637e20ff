//! The language server through the real binary and real pipes: it exits on
//! `exit` and when the editor process dies even though stdin stays open,
//! and it survives garbage on stdin.

mod support;

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start() -> Server {
        let mut child = support::spawn_server(&[]);
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server {
            child,
            stdin,
            stdout,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        support::write_frame(&mut self.stdin, &message.to_string());
    }

    fn recv(&mut self) -> Value {
        support::read_frame(&mut self.stdout).expect("stdout closed")
    }

    fn response(&mut self, id: i64) -> Value {
        loop {
            let m = self.recv();
            if m["id"] == id && m.get("method").is_none() {
                return m;
            }
        }
    }

    fn initialize(&mut self, process_id: Option<u32>) {
        self.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": process_id, "rootUri": null, "capabilities": {}}}));
        assert!(self.response(1).get("result").is_some());
        self.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    }

    /// The exit status, stdin still open; panics if it does not come.
    fn exit_code(mut self) -> Option<i32> {
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                panic!("the server is still running");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn exit_ends_the_process_with_stdin_still_open() {
    let mut server = Server::start();
    server.initialize(None);
    server.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    server.response(2);
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(server.exit_code(), Some(0));
}

#[cfg(unix)]
#[test]
fn the_process_exits_when_the_editor_dies() {
    let mut editor = Command::new("sleep").arg("600").spawn().unwrap();
    let mut server = Server::start();
    server.initialize(Some(editor.id()));
    editor.kill().unwrap();
    editor.wait().unwrap();
    assert_eq!(server.exit_code(), Some(1), "no shutdown: exit code 1");
}

#[test]
fn garbage_on_stdin_is_answered_and_the_session_goes_on() {
    let mut server = Server::start();
    // Bytes that are no header are skipped; the frame after them is not
    // JSON: one parse error, for no id.
    server.raw(b"\x00\xffnot a header\r\n\r\nContent-Length: 3\r\n\r\n{{{");
    let error = server.recv();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_eq!(error["id"], Value::Null, "{error}");
    // Headers in another case and order, an unknown one: read as usual.
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}})
    .to_string();
    let headers = format!(
        "content-type: application/vscode-jsonrpc; charset=utf-8\r\nX-Trace: 1\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    server.raw(format!("{headers}{body}").as_bytes());
    let first = server.recv();
    assert_eq!(first["id"], 1, "the answer after the garbage: {first}");
    assert!(first["result"]["capabilities"].is_object(), "{first}");
    // A missing length: a parse error, the body skipped, then on as usual.
    server.raw(b"Content-Type: application/json\r\n\r\n{\"id\": 5}");
    let error = server.recv();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    server.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    server.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    assert!(server.response(2).get("error").is_none());
    server.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(server.exit_code(), Some(0));
}
