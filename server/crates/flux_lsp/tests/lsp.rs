//! The server in-process over `tokio::io::duplex`, with real JSON-RPC
//! framing, so that tower-lsp's scheduler (ordering, cancellation) is the
//! real one. Every wait has a timeout.

mod client;

use std::time::Duration;

use client::{edit, Client};
use serde_json::{json, Value};

fn utf8_client() -> Value {
    json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}})
}

const URI: &str = "file:///tmp/flux-lsp-e2e/app.js";

#[tokio::test(flavor = "multi_thread")]
async fn initialize_negotiates_utf8_when_offered() {
    let mut client = Client::start();
    let result = client.initialize(utf8_client()).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(
        result["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental"
    );
    assert_eq!(result["capabilities"]["inlayHintProvider"], true);
    assert_eq!(
        result["capabilities"]["executeCommandProvider"]["commands"],
        json!(["flux.fluxionalForm", "flux.pipelineGraph"])
    );
    assert!(
        result["capabilities"].get("diagnosticProvider").is_none(),
        "push-only client"
    );
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn initialize_falls_back_to_utf16_and_offers_pull_diagnostics_when_advertised() {
    let mut client = Client::start();
    let result = client
        .initialize(json!({"textDocument": {"diagnostic": {}}}))
        .await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["identifier"],
        "flux"
    );
    client.open(URI, "let n = 0;\n").await;
    let report = client
        .call(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert_eq!(report, json!({"kind": "full", "items": []}));
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn did_open_publishes_an_empty_list_with_the_version() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client
        .open(URI, "const app = require('express')();\n")
        .await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| p["uri"] == URI)
        .await;
    assert_eq!(published["version"], 1);
    assert_eq!(published["diagnostics"], json!([]));
    // A change publishes again, for the new version.
    client
        .change(URI, 2, json!([edit((1, 0), (1, 0), "app.listen(1);\n")]))
        .await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| p["version"] == 2)
        .await;
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(client.shutdown().await, 0);
}

async fn edits_with_multibyte_and_crlf(encoding: &str, emoji_end: u32) {
    let mut client = Client::start();
    let caps = json!({"general": {"positionEncodings": [encoding]}});
    client.initialize(caps).await;
    client.open(URI, "let é = 1;\r\nconst s = '😀';\r\n").await;
    // After the emoji; in UTF-16 it is 2 units, in UTF-8 4 bytes.
    client
        .change(URI, 2, json!([edit((1, emoji_end), (1, emoji_end), "漢")]))
        .await;
    // Join the lines across the CRLF, then replace `é` and append a line.
    let (e_end, line_end) = if encoding == "utf-8" {
        (6, 11)
    } else {
        (5, 10)
    };
    client
        .change(
            URI,
            3,
            json!([
                edit((0, line_end), (1, 0), " "),
                edit((0, 4), (0, e_end), "ü")
            ]),
        )
        .await;
    client
        .change(URI, 4, json!([edit((1, 0), (1, 0), "s.at(0);\r\n")]))
        .await;
    let doc = client.document(URI).await;
    assert_eq!(
        doc["text"], "let ü = 1; const s = '😀漢';\r\ns.at(0);\r\n",
        "{encoding}"
    );
    assert_eq!(doc["version"], 4);
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn incremental_edits_with_multibyte_characters_and_crlf_utf16() {
    edits_with_multibyte_and_crlf("utf-16", 13).await;
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn incremental_edits_with_multibyte_characters_and_crlf_utf8() {
    edits_with_multibyte_and_crlf("utf-8", 15).await;
}

/// Each edit inserts at the line the previous one created: applied out of
/// order, the text would come out scrambled (stack.md R1).
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn sixty_changes_apply_in_order() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client.open(URI, "").await;
    for v in 2..=61 {
        let line = (v - 2) as u32;
        client
            .change(
                URI,
                v,
                json!([edit((line, 0), (line, 0), &format!("a{v};\n"))]),
            )
            .await;
    }
    let expected: String = (2..=61).map(|v| format!("a{v};\n")).collect();
    let doc = client.document(URI).await;
    assert_eq!(doc["text"], expected);
    assert_eq!(doc["version"], 61);
    // The last publication is for the last version.
    let published = client
        .notification("textDocument/publishDiagnostics", |p| p["version"] == 61)
        .await;
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn cancel_request_answers_request_cancelled() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client.open(URI, "let n = 0;\n").await;
    let started = std::time::Instant::now();
    let id = client
        .request(
            "workspace/executeCommand",
            json!({"command": "flux.debugSleep", "arguments": [URI]}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    client.notify("$/cancelRequest", json!({"id": id})).await;
    let response = client.response(id).await;
    assert_eq!(response["error"]["code"], -32800, "{response}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answered before the 5 s job ended"
    );
    // The cancelled job's snapshot is gone: an edit is applied at once.
    client
        .change(URI, 2, json!([edit((0, 8), (0, 9), "1")]))
        .await;
    assert_eq!(client.document(URI).await["text"], "let n = 1;\n");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn an_edit_during_a_request_answers_content_modified() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client.open(URI, "let n = 0;\n").await;
    let id = client
        .request(
            "workspace/executeCommand",
            json!({"command": "flux.debugSleep", "arguments": [URI]}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    client
        .change(URI, 2, json!([edit((0, 8), (0, 9), "2")]))
        .await;
    let response = client.response(id).await;
    assert_eq!(response["error"]["code"], -32801, "{response}");
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn a_panic_in_one_request_does_not_stop_the_server() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client.open(URI, "let n = 0;\n").await;
    let id = client
        .request(
            "workspace/executeCommand",
            json!({"command": "flux.debugPanic", "arguments": [URI]}),
        )
        .await;
    let response = client.response(id).await;
    assert_eq!(response["error"]["code"], -32603, "{response}");
    let logged = client
        .notification("window/logMessage", |p| {
            p["message"].as_str().unwrap_or("").contains("panicked")
        })
        .await;
    assert_eq!(logged["type"], 1, "error");
    // Still serving: requests and edits.
    let hover = client
        .call(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 4}}),
        )
        .await;
    assert_eq!(hover, Value::Null);
    client
        .change(URI, 2, json!([edit((0, 8), (0, 9), "3")]))
        .await;
    assert_eq!(client.document(URI).await["text"], "let n = 3;\n");
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn features_answer_over_the_wire() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client
        .open(
            URI,
            "const app = require('express')();\napp.get('/', (req, res) => res.send('ok'));\n",
        )
        .await;
    let doc = json!({"uri": URI});
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}});
    let hints = client
        .call(
            "textDocument/inlayHint",
            json!({"textDocument": doc, "range": range}),
        )
        .await;
    assert!(hints.is_array(), "{hints}");
    let symbols = client
        .call("textDocument/documentSymbol", json!({"textDocument": doc}))
        .await;
    assert!(symbols.is_array(), "{symbols}");
    let lenses = client
        .call("textDocument/codeLens", json!({"textDocument": doc}))
        .await;
    assert!(lenses.is_array(), "{lenses}");
    let actions = client
        .call(
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": range, "context": {"diagnostics": []}}),
        )
        .await;
    assert!(actions.is_array(), "{actions}");
    let form = client
        .call(
            "workspace/executeCommand",
            json!({"command": "flux.fluxionalForm", "arguments": [URI]}),
        )
        .await;
    assert!(form.is_string(), "{form}");
    let graph = client
        .call(
            "workspace/executeCommand",
            json!({"command": "flux.pipelineGraph", "arguments": [URI]}),
        )
        .await;
    assert!(
        graph["dot"].as_str().unwrap().starts_with("digraph"),
        "{graph}"
    );
    assert!(
        graph["mermaid"]
            .as_str()
            .unwrap()
            .starts_with("flowchart LR"),
        "{graph}"
    );
    let id = client
        .request(
            "workspace/executeCommand",
            json!({"command": "rm.rf", "arguments": [URI]}),
        )
        .await;
    assert_eq!(client.response(id).await["error"]["code"], -32602);
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_flux_json_is_reported_on_the_file() {
    let dir = std::env::temp_dir().join(format!("flux-lsp-e2e-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("flux.json"),
        "{\n  \"severity\": {\"nope\": \"off\"}\n}\n",
    )
    .unwrap();
    let root = format!("file://{}", dir.display());
    let mut client = Client::start();
    let params = json!({"processId": null, "rootUri": root, "capabilities": utf8_client()});
    client.call("initialize", params).await;
    client.notify("initialized", json!({})).await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"].as_str().unwrap().ends_with("flux.json")
        })
        .await;
    let diagnostic = &published["diagnostics"][0];
    assert!(
        diagnostic["message"].as_str().unwrap().contains("nope"),
        "{diagnostic}"
    );
    assert_eq!(diagnostic["range"]["start"]["line"], 1);
    // Fixed on disk, then announced: the error goes away.
    std::fs::write(dir.join("flux.json"), "{}\n").unwrap();
    let changes = json!({"changes": [{"uri": format!("{root}/flux.json"), "type": 2}]});
    client
        .notify("workspace/didChangeWatchedFiles", changes)
        .await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"].as_str().unwrap().ends_with("flux.json") && p["diagnostics"] == json!([])
        })
        .await;
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(client.shutdown().await, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_without_shutdown_ends_the_server_with_code_1() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client.notify("exit", Value::Null).await;
    assert_eq!(client.exit_code().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn file_watchers_are_registered_when_the_client_allows_it() {
    let mut client = Client::start();
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    client.initialize(caps).await;
    let request = client
        .notification("client/registerCapability", |_| true)
        .await;
    let registration = &request["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        ["**/flux.json", "**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"]
    );
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_a_document_clears_its_diagnostics() {
    let dir = std::env::temp_dir().join(format!("flux-lsp-e2e-imports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("store.js"), "module.exports = { hits: 0 };\n").unwrap();
    let uri = format!("file://{}/app.js", dir.display());
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client
        .open(&uri, "const store = require('./store');\n")
        .await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str()
        })
        .await;
    assert_eq!(published["version"], 1);
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let cleared = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p.get("version").is_none()
        })
        .await;
    assert_eq!(cleared["diagnostics"], json!([]));
    assert_eq!(client.shutdown().await, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn pull_clients_are_asked_to_refresh_importers_of_an_edited_file() {
    let mut client = Client::start();
    let caps = json!({
        "textDocument": {"diagnostic": {}},
        "workspace": {"diagnostics": {"refreshSupport": true}}
    });
    client.initialize(caps).await;
    let store = "file:///tmp/flux-lsp-e2e/store.js";
    client
        .open(URI, "const store = require('./store');\n")
        .await;
    client.open(store, "module.exports = { hits: 0 };\n").await;
    // Barrier: both opens are applied once a request on the second answers.
    client
        .call(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": store}}),
        )
        .await;
    client
        .change(store, 2, json!([edit((0, 26), (0, 27), "1")]))
        .await;
    client
        .notification("workspace/diagnostic/refresh", |_| true)
        .await;
    assert_eq!(client.shutdown().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_are_pulled_and_pushed_and_hints_refreshed() {
    let mut client = Client::start();
    let caps = json!({"workspace": {"configuration": true, "inlayHint": {"refreshSupport": true}}});
    let params = json!({
        "processId": null,
        "rootUri": null,
        "capabilities": caps,
        "initializationOptions": {"inlayHints": {"context": false}}
    });
    client.call("initialize", params).await;
    client.notify("initialized", json!({})).await;
    let request = client
        .notification("workspace/configuration", |_| true)
        .await;
    assert_eq!(request["items"][0]["section"], "flux");
    let settings = json!({"settings": {"flux": {"inlayHints": {"streams": false}}}});
    client
        .notify("workspace/didChangeConfiguration", settings)
        .await;
    client
        .notification("workspace/inlayHint/refresh", |_| true)
        .await;
    assert_eq!(client.shutdown().await, 0);
}

/// The handler lives in one file, is registered in another that is not
/// open: the workspace scan puts both in one run.
#[tokio::test(flavor = "multi_thread")]
async fn a_handler_module_gets_findings_from_the_workspace_scan() {
    let dir = std::env::temp_dir().join(format!("flux-lsp-e2e-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let app = "const express = require('express');\nconst { handler } = require('./handler');\nconst app = express();\napp.get('/', handler);\napp.listen(3000);\n";
    std::fs::write(dir.join("app.js"), app).unwrap();
    // An emoji before the finding: columns differ between UTF-8 and UTF-16.
    let handler = "let hits = 0; // 😀\nexports.handler = (req, res) => {\n  hits += 1;\n  res.send(String(hits));\n};\n";
    std::fs::write(dir.join("handler.js"), handler).unwrap();
    let root = format!("file://{}", dir.display());
    let uri = format!("{root}/handler.js");
    let mut client = Client::start();
    let params = json!({"processId": null, "rootUri": root, "capabilities": {}});
    client.call("initialize", params).await;
    client.notify("initialized", json!({})).await;
    client.open(&uri, handler).await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    assert_eq!(published["version"], 1);
    let d = &published["diagnostics"][0];
    assert_eq!(d["code"], "blocks-replication", "{d}");
    assert_eq!(d["source"], "flux");
    assert_eq!(d["severity"], 2);
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("#blocks-replication"));
    assert_eq!(
        d["range"]["start"],
        json!({"line": 2, "character": 2}),
        "{d}"
    );
    let related = d["relatedInformation"]
        .as_array()
        .expect("related information");
    assert!(
        related
            .iter()
            .any(|r| r["location"]["range"]["start"] == json!({"line": 0, "character": 4})),
        "{d}"
    );

    let doc = json!({"uri": uri});
    // the workspace scan may still be writing: re-ask as an editor does
    let hover = client
        .call_until_current(
            "textDocument/hover",
            json!({"textDocument": doc, "position": {"line": 2, "character": 3}}),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.starts_with("**hits**"), "{hover}");
    let lenses = client
        .call_until_current(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": format!("{root}/app.js")}}),
        )
        .await;
    assert_eq!(lenses, Value::Null, "app.js is not open");
    let range = json!({"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}});
    let actions = client
        .call_until_current(
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": range, "context": {"diagnostics": [d]}}),
        )
        .await;
    // Isolation fixes come first; the suppression is among the actions.
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Suppress `blocks-replication` with a reason")
        .unwrap_or_else(|| panic!("{actions}"));
    assert_eq!(action["diagnostics"][0]["code"], "blocks-replication");
    let edit = &action["edit"]["changes"][uri.as_str()][0];
    assert_eq!(
        edit["newText"],
        "  // flux-ignore-next-line blocks-replication: \n"
    );
    assert_eq!(edit["range"]["start"], json!({"line": 2, "character": 0}));
    // Applying it (with a reason) clears the diagnostic.
    client.change(&uri, 2, json!([{"range": edit["range"], "text": "  // flux-ignore-next-line blocks-replication: cache warmed per replica\n"}])).await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 2
        })
        .await;
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(client.shutdown().await, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn files_ignored_by_flux_json_get_no_diagnostics() {
    let dir = std::env::temp_dir().join(format!("flux-lsp-e2e-ignore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let app = "const express = require('express');\nconst { handler } = require('./handler');\nconst app = express();\napp.get('/', handler);\n";
    let handler =
        "let hits = 0;\nexports.handler = (req, res) => {\n  hits += 1;\n  res.end();\n};\n";
    std::fs::write(dir.join("app.js"), app).unwrap();
    std::fs::write(dir.join("handler.js"), handler).unwrap();
    std::fs::write(dir.join("flux.json"), r#"{"ignore": ["handler.js"]}"#).unwrap();
    let root = format!("file://{}", dir.display());
    let uri = format!("{root}/handler.js");
    let mut client = Client::start();
    client
        .call(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        )
        .await;
    client.notify("initialized", json!({})).await;
    client.open(&uri, handler).await;
    client
        .notification("window/logMessage", |p| {
            p["message"]
                .as_str()
                .unwrap_or("")
                .contains("workspace files")
        })
        .await;
    let pull = json!({"textDocument": {"uri": uri}});
    let report = client.call("textDocument/diagnostic", pull.clone()).await;
    assert_eq!(report["items"], json!([]), "ignored");
    std::fs::write(dir.join("flux.json"), "{}").unwrap();
    let changes = json!({"changes": [{"uri": format!("{root}/flux.json"), "type": 2}]});
    client
        .notify("workspace/didChangeWatchedFiles", changes)
        .await;
    let report = client.call("textDocument/diagnostic", pull).await;
    assert_eq!(report["items"][0]["code"], "blocks-replication", "{report}");
    assert_eq!(client.shutdown().await, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unused_suppression_is_offered_for_removal() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    let text = "let n = 0;\n// flux-ignore-next-line lost-update: old\nn = 1;\n";
    client.open(URI, text).await;
    let published = client
        .notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == URI && p["version"] == 1
        })
        .await;
    let d = published["diagnostics"][0].clone();
    assert_eq!(d["code"], "unused-suppression", "{published}");
    let params =
        json!({"textDocument": {"uri": URI}, "range": d["range"], "context": {"diagnostics": [d]}});
    let actions = client.call("textDocument/codeAction", params).await;
    assert_eq!(
        actions[0]["title"],
        "Remove the unused `flux-ignore` comment"
    );
    assert_eq!(actions[0]["diagnostics"][0]["code"], "unused-suppression");
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(
        edit["range"],
        json!({"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}})
    );
    assert_eq!(edit["newText"], "");
    assert_eq!(client.shutdown().await, 0);
}

/// Requests interleaved with edits: every request is answered (a result or
/// ContentModified), no write waits forever on a snapshot, edits stay ordered.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(not(debug_assertions), ignore = "needs flux.debug* (debug builds)")]
async fn requests_interleaved_with_edits_never_deadlock() {
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    let text = "const express = require('express');\nconst app = express();\nlet hits = 0;\n";
    client.open(URI, text).await;
    let mut ids = Vec::new();
    for v in 2..=41 {
        let line = 3 + (v - 2) as u32;
        let route = format!("app.get('/{v}', (req, res) => {{ hits += {v}; res.end(); }});\n");
        client
            .change(URI, v, json!([edit((line, 0), (line, 0), &route)]))
            .await;
        let doc = json!({"uri": URI});
        let pos = json!({"line": 2, "character": 5});
        ids.push(
            client
                .request(
                    "textDocument/hover",
                    json!({"textDocument": doc, "position": pos}),
                )
                .await,
        );
        let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": line + 1, "character": 0}});
        ids.push(
            client
                .request(
                    "textDocument/inlayHint",
                    json!({"textDocument": doc, "range": range}),
                )
                .await,
        );
    }
    for id in ids {
        let response = client.response(id).await;
        let ok = response.get("result").is_some() || response["error"]["code"] == -32801;
        assert!(ok, "{response}");
    }
    let published = client
        .notification("textDocument/publishDiagnostics", |p| p["version"] == 41)
        .await;
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"blocks-replication"), "{published}");
    let doc = client.document(URI).await;
    let expected_routes = doc["text"].as_str().unwrap().matches("app.get(").count();
    assert_eq!(expected_routes, 40);
    assert!(doc["text"]
        .as_str()
        .unwrap()
        .ends_with("app.get('/41', (req, res) => { hits += 41; res.end(); });\n"));
    assert_eq!(client.shutdown().await, 0);
}

/// A 9 MB document under analysis holds up no other: a small one opened
/// right after it gets its diagnostics and answers a hover while the big
/// one's diagnostics are still being computed (the newest change goes
/// first, and cancels the long analysis, which resumes afterwards).
#[tokio::test(flavor = "multi_thread")]
async fn other_documents_are_answered_while_a_nine_megabyte_file_is_analysed() {
    const BIG: &str = "file:///tmp/flux-lsp-e2e/bundle.js";
    // Handlers that each write module state: the analysis has work to do.
    let mut big = String::from("var app = require('express')();\n");
    let mut i = 0;
    while big.len() < 9_000_000 {
        big.push_str(&format!(
            "var hits{i} = 0;\napp.get('/r{i}', function (req, res) {{ hits{i} += 1; res.send(String(hits{i})); }});\n"
        ));
        i += 1;
    }
    let mut client = Client::start();
    client.initialize(utf8_client()).await;
    client.open(BIG, &big).await;
    client
        .open(
            URI,
            "var app = require('express')(), count = 0;\napp.get('/', (req, res) => { count += 1; res.end(); });\n",
        )
        .await;
    let small = client
        .notification("textDocument/publishDiagnostics", |p| p["uri"] == URI)
        .await;
    let codes: Vec<&Value> = small["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert_eq!(codes, [&json!("blocks-replication")], "{small}");
    let hover = client
        .call(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 33}}),
        )
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("count"),
        "{hover}"
    );
    let big_published =
        |m: &&Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == BIG;
    assert!(
        !client.inbox.iter().any(|m| big_published(&m)),
        "the big file's diagnostics came first"
    );
    assert_eq!(client.shutdown().await, 0);
}
