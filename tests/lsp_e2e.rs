//! End-to-end: the real `flux-lsp` binary, spoken to over stdio as an editor
//! does (JSON-RPC with `Content-Length` framing). Every read has a timeout;
//! no timing is asserted.

mod support;

use std::io::BufReader;
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);

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

/// One of each isolation: a buffer to move, a capture to pass, a read to snapshot.
const ISOLATE: &str = "\
const app = require('express')();
const fs = require('fs');
let buf = [];
let limit = 10;
loadLimit().then(function loaded(n) { limit = n; });

app.post('/upload', function upload(req, res) {
  buf.push(req.body);
  res.send(String(buf.length));
});

app.get('/', async function handler(req, res) {
  const id = req.query.id;
  const rows = await find(id);
  setTimeout(() => {
    res.json({ rows, id, limit });
  }, 10);
});
";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Enc {
    Utf8,
    Utf16,
}

struct Editor {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    /// Notifications read while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
    enc: Enc,
    uri: String,
    text: String,
    version: i64,
}

impl Editor {
    fn start(encodings: &[&str]) -> Editor {
        let mut child = support::spawn_server(&[]);
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            while let Some(msg) = support::read_frame(&mut out) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut ed = Editor {
            child,
            stdin,
            rx,
            backlog: Vec::new(),
            next_id: 0,
            enc: Enc::Utf16,
            uri: String::new(),
            text: String::new(),
            version: 0,
        };
        let dir = std::env::temp_dir();
        let init = ed.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "textDocument": {
                        "publishDiagnostics": {"versionSupport": true},
                        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}}}
                    }
                }
            }),
        );
        let enc = init["capabilities"]["positionEncoding"].as_str().unwrap();
        ed.enc = if enc == "utf-8" {
            Enc::Utf8
        } else {
            Enc::Utf16
        };
        ed.notify("initialized", json!({}));
        ed.uri = format!(
            "file://{}/flux-e2e-{}/app.js",
            dir.display(),
            std::process::id()
        );
        ed
    }

    fn send(&mut self, msg: Value) {
        support::write_frame(self.stdin.as_mut().unwrap(), &msg.to_string());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = self
            .rx
            .recv_timeout(left)
            .expect("the server answers in time");
        // Server → client requests: answer like a plain editor.
        if msg.get("method").is_some() && msg.get("id").is_some() {
            let result = match msg["method"].as_str().unwrap() {
                "workspace/configuration" => json!(msg["params"]["items"]
                    .as_array()
                    .map(|a| a.iter().map(|_| Value::Null).collect::<Vec<_>>())
                    .unwrap_or_default()),
                _ => Value::Null,
            };
            self.send(json!({"jsonrpc": "2.0", "id": msg["id"], "result": result}));
        }
        msg
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv(deadline);
            if msg["id"] == id && msg.get("method").is_none() {
                assert!(msg.get("error").is_none(), "{method}: {msg}");
                return msg["result"].clone();
            }
            if msg.get("id").is_none() {
                self.backlog.push(msg);
            }
        }
    }

    /// The diagnostics published for the current version.
    fn diagnostics(&mut self) -> Vec<Value> {
        let (want, uri) = (self.version, self.uri.clone());
        let matches = move |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == want
        };
        if let Some(i) = self.backlog.iter().position(&matches) {
            let m = self.backlog.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.recv(deadline);
            if matches(&msg) {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, text: &str) {
        self.text = text.to_string();
        self.version = 1;
        let uri = self.uri.clone();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": text}}),
        );
    }

    /// Sends `edits` (LSP ranges in the current text) as one didChange, applied in order.
    fn change(&mut self, edits: &[(Value, String)]) {
        for (range, new_text) in edits {
            let start = self.offset(&range["start"]);
            let end = self.offset(&range["end"]);
            self.text.replace_range(start..end, new_text);
        }
        self.version += 1;
        let changes: Vec<Value> = edits
            .iter()
            .map(|(range, text)| json!({"range": range, "text": text}))
            .collect();
        let (uri, version) = (self.uri.clone(), self.version);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// Replaces the whole text (as a ranged change covering everything).
    fn replace_all(&mut self, text: &str) {
        let range = self.range(0, self.text.len());
        self.change(&[(range, text.to_string())]);
    }

    /// A `WorkspaceEdit`'s edits for our document, applied as one didChange
    /// (last first, so that earlier positions stay valid).
    fn apply_workspace_edit(&mut self, edit: &Value) {
        let mut edits: Vec<(Value, String)> = edit["changes"][self.uri.as_str()]
            .as_array()
            .unwrap_or_else(|| panic!("no edit for the document: {edit}"))
            .iter()
            .map(|e| {
                (
                    e["range"].clone(),
                    e["newText"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(self.offset(&r["start"])));
        self.change(&edits);
    }

    fn offset(&self, pos: &Value) -> usize {
        let line = pos["line"].as_u64().unwrap() as usize;
        let col = pos["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for _ in 0..line {
            let rest = &self.text[start..];
            let nl = rest.find(['\n', '\r']).expect("line exists");
            start += nl + if rest[nl..].starts_with("\r\n") { 2 } else { 1 };
        }
        let mut units = 0;
        for (i, c) in self.text[start..].char_indices() {
            if units >= col || c == '\n' || c == '\r' {
                return start + i;
            }
            units += match self.enc {
                Enc::Utf8 => c.len_utf8(),
                Enc::Utf16 => c.len_utf16(),
            };
        }
        self.text.len()
    }

    fn position(&self, offset: usize) -> Value {
        let before = &self.text[..offset];
        let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + before.matches('\r').count()
            - before.matches("\r\n").count();
        let col: usize = before[line_start..]
            .chars()
            .map(|c| match self.enc {
                Enc::Utf8 => c.len_utf8(),
                Enc::Utf16 => c.len_utf16(),
            })
            .sum();
        json!({"line": line, "character": col})
    }

    fn range(&self, start: usize, end: usize) -> Value {
        json!({"start": self.position(start), "end": self.position(end)})
    }

    /// The range of the `nth` occurrence of `needle`.
    fn find(&self, needle: &str, nth: usize) -> Value {
        let start = self
            .text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("`{needle}` in {}", self.text))
            .0;
        self.range(start, start + needle.len())
    }

    fn doc(&self) -> Value {
        json!({"uri": self.uri})
    }

    fn code_actions(
        &mut self,
        range: Value,
        diagnostics: &[Value],
        only: Option<&[&str]>,
    ) -> Vec<Value> {
        let mut context = json!({"diagnostics": diagnostics});
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        let doc = self.doc();
        self.request(
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": range, "context": context}),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "exit after shutdown is clean");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn codes(diagnostics: &[Value]) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["range"].clone(),
            )
        })
        .collect();
    out.sort_by_key(|(c, r)| (c.clone(), r.to_string()));
    out
}

fn blocks_replication(diagnostics: &[Value]) -> Vec<Value> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == "blocks-replication")
        .map(|d| d["range"].clone())
        .collect()
}

fn range(l0: u64, c0: u64, l1: u64, c1: u64) -> Value {
    json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}})
}

fn pos(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

/// Edits, diagnostics, hints, hover, code actions and commands on listing 1.
fn listing_1_session(encodings: &[&str], expected: Enc) {
    let mut ed = Editor::start(encodings);
    assert_eq!(ed.enc, expected);
    ed.open(LISTING_1);
    let d = ed.diagnostics();
    assert_eq!(blocks_replication(&d), vec![range(6, 4, 6, 14)], "{d:?}");

    // A comment line with multi-byte characters above everything.
    ed.change(&[(range(0, 0, 0, 0), "// café ☕ 𝄞\n".into())]);
    assert_eq!(
        blocks_replication(&ed.diagnostics()),
        vec![range(7, 4, 7, 14)]
    );

    // Multi-byte characters before the finding on its own line: é is 2
    // bytes / 1 unit, 𝄞 4 bytes / 2 units.
    ed.change(&[(pos_range(7, 4), "/*é𝄞*/".into())]);
    let width = match expected {
        Enc::Utf8 => 10,
        Enc::Utf16 => 7,
    };
    assert_eq!(
        blocks_replication(&ed.diagnostics()),
        vec![range(7, 4 + width, 7, 14 + width)]
    );
    // Two edits in one change: the second is relative to the first's result.
    ed.change(&[
        (pos_range(7, 4), "  ".into()),
        (range(7, 4, 7, 6), String::new()),
    ]);
    assert_eq!(
        blocks_replication(&ed.diagnostics()),
        vec![range(7, 4 + width, 7, 14 + width)]
    );
    // CRLF line endings everywhere, then an edit after a CRLF.
    let crlf = ed.text.replace('\n', "\r\n");
    ed.replace_all(&crlf);
    assert_eq!(
        blocks_replication(&ed.diagnostics()),
        vec![range(7, 4 + width, 7, 14 + width)]
    );
    ed.change(&[(pos_range(1, 0), "\r\n".into())]);
    assert_eq!(
        blocks_replication(&ed.diagnostics()),
        vec![range(8, 4 + width, 8, 14 + width)]
    );
    // Deleting the write removes the finding; typing it back restores it.
    let write = ed.find("count += 1;", 0);
    ed.change(&[(write.clone(), String::new())]);
    assert_eq!(blocks_replication(&ed.diagnostics()), Vec::<Value>::new());
    let at = write["start"].clone();
    ed.change(&[(json!({"start": at, "end": at}), "count += 1;".into())]);
    assert_eq!(
        blocks_replication(&ed.diagnostics()),
        vec![range(8, 4 + width, 8, 14 + width)]
    );

    // Back to the listing for the features.
    ed.replace_all(LISTING_1);
    let diagnostics = ed.diagnostics();
    assert_eq!(blocks_replication(&diagnostics), vec![range(6, 4, 6, 14)]);

    let doc = ed.doc();
    let hints = ed.request(
        "textDocument/inlayHint",
        json!({"textDocument": doc, "range": range(0, 0, 12, 0)}),
    );
    let labels: Vec<(String, Value)> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["label"].as_str().unwrap().to_string(),
                h["position"].clone(),
            )
        })
        .collect();
    for (label, at) in [
        (">> handler", pos(4, 13)),
        ("-> reply", pos(5, 26)),
        ("[res]", pos(5, 26)),
        ("{count}", pos(5, 26)),
    ] {
        assert!(
            labels.contains(&(label.to_string(), at.clone())),
            "{label} at {at}: {labels:?}"
        );
    }

    let count = ed.find("count", 0)["start"].clone();
    let hover = ed.request(
        "textDocument/hover",
        json!({"textDocument": doc, "position": count}),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.starts_with("**count**: "), "{md}");
    assert!(md.contains("persistent"), "{md}");
    assert!(md.contains("written by: `reply`"), "{md}");
    let get = ed.find("app.get", 0)["start"].clone();
    let hover = ed.request(
        "textDocument/hover",
        json!({"textDocument": doc, "position": get}),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**`app.get`**: start rupture point `>>`"),
        "{md}"
    );
    assert!(md.contains("downstream: `>> handler`"), "{md}");

    // Every code action on the finding's line: apply it to our copy, send it
    // back, and the finding is gone.
    let finding: Vec<Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "blocks-replication")
        .cloned()
        .collect();
    let actions = ed.code_actions(range(6, 4, 6, 4), &finding, None);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Move `count` into `reply`"), "{titles:?}");
    assert!(
        titles.contains(&"Suppress `blocks-replication` with a reason"),
        "{titles:?}"
    );
    for action in &actions {
        assert_eq!(action["kind"], "quickfix", "{action}");
        assert_eq!(
            action["diagnostics"][0]["code"], "blocks-replication",
            "{action}"
        );
        ed.apply_workspace_edit(&action["edit"]);
        let after = ed.diagnostics();
        assert_eq!(
            blocks_replication(&after),
            Vec::<Value>::new(),
            "{}: {after:?}\n{}",
            action["title"],
            ed.text
        );
        if action["title"] == "Suppress `blocks-replication` with a reason" {
            // The comment ends where the reason goes.
            assert!(
                ed.text
                    .contains("    // flux-ignore-next-line blocks-replication: \n    count += 1;"),
                "{}",
                ed.text
            );
        }
        ed.replace_all(LISTING_1);
        assert_eq!(blocks_replication(&ed.diagnostics()).len(), 1);
    }

    let form = ed.request(
        "workspace/executeCommand",
        json!({"command": "flux.fluxionalForm", "arguments": [ed.uri.clone()]}),
    );
    let form = form.as_str().unwrap();
    assert!(form.contains("flx main\n>> handler"), "{form}");
    assert!(form.contains("flx reply {count}"), "{form}");
    let graph = ed.request(
        "workspace/executeCommand",
        json!({"command": "flux.pipelineGraph", "arguments": [ed.uri.clone()]}),
    );
    assert!(
        graph["dot"].as_str().unwrap().starts_with("digraph"),
        "{graph}"
    );
    assert!(
        graph["mermaid"].as_str().unwrap().contains("handler"),
        "{graph}"
    );
    ed.shutdown();
}

/// An empty range at (line, character).
fn pos_range(line: u64, character: u64) -> Value {
    range(line, character, line, character)
}

#[test]
fn utf16_session_on_listing_1() {
    listing_1_session(&["utf-16"], Enc::Utf16);
}

#[test]
fn utf8_session_on_listing_1() {
    listing_1_session(&["utf-8", "utf-16"], Enc::Utf8);
}

/// Each isolation action, requested where it applies, applied by the editor
/// and re-checked; then `source.fixAll.flux`.
#[test]
fn isolation_actions_round_trip() {
    for encodings in [&["utf-16"][..], &["utf-8"][..]] {
        let mut ed = Editor::start(encodings);
        ed.open(ISOLATE);
        let before = ed.diagnostics();
        let whole = ed.range(0, ISOLATE.len());
        let actions = ed.code_actions(whole.clone(), &before, None);
        let titles: Vec<&str> = actions
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        for expected in [
            "Move `buf` into `upload`",
            "Pass `id` to `anonymous@15` explicitly as an argument of `setTimeout`",
            "Read `limit` from a snapshot taken when `handler` starts",
        ] {
            assert!(titles.contains(&expected), "{expected}: {titles:?}");
        }
        for action in &actions {
            let title = action["title"].as_str().unwrap();
            if title.starts_with("Suppress") {
                continue;
            }
            ed.apply_workspace_edit(&action["edit"]);
            let after = ed.diagnostics();
            // The targeted findings are gone, and nothing new appeared.
            for d in action["diagnostics"].as_array().into_iter().flatten() {
                assert!(
                    !after
                        .iter()
                        .any(|a| a["code"] == d["code"] && a["message"] == d["message"]),
                    "{title}: {after:?}\n{}",
                    ed.text
                );
            }
            let (b, a) = (codes(&before), codes(&after));
            assert!(a.len() <= b.len(), "{title}: {a:?} vs {b:?}\n{}", ed.text);
            match title {
                "Move `buf` into `upload`" => {
                    assert_eq!(action["kind"], "quickfix");
                    assert!(
                        ed.text
                            .contains("function upload(req, res) {\n  let buf = [];\n  buf.push"),
                        "{}",
                        ed.text
                    );
                    assert!(
                        !after
                            .iter()
                            .any(|d| d["message"].as_str().unwrap().contains("`buf`")),
                        "{after:?}"
                    );
                }
                "Read `limit` from a snapshot taken when `handler` starts" => {
                    assert!(
                        ed.text.contains("const limit_snapshot = limit;"),
                        "{}",
                        ed.text
                    );
                    assert!(
                        ed.text
                            .contains("res.json({ rows, id, limit: limit_snapshot });"),
                        "{}",
                        ed.text
                    );
                }
                t if t.starts_with("Pass `id`") => {
                    assert!(ed.text.contains("setTimeout((id) => {"), "{}", ed.text);
                    assert!(ed.text.contains("}, 10, id);"), "{}", ed.text);
                }
                _ => {}
            }
            ed.replace_all(ISOLATE);
            assert_eq!(codes(&ed.diagnostics()), codes(&before));
        }
        let fix_all = ed.code_actions(whole, &[], Some(&["source.fixAll.flux"]));
        assert_eq!(fix_all.len(), 1, "{fix_all:?}");
        assert_eq!(fix_all[0]["kind"], "source.fixAll.flux");
        ed.apply_workspace_edit(&fix_all[0]["edit"]);
        let after = ed.diagnostics();
        assert!(!ed.text.contains("let buf = [];\nlet limit"), "{}", ed.text);
        assert!(
            !ed.text.contains("limit_snapshot"),
            "never a snapshot in fix-all"
        );
        assert!(
            codes(&after).len() < codes(&before).len(),
            "{after:?}\n{}",
            ed.text
        );
        ed.shutdown();
    }
}
