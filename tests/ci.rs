//! flux-lsp as a CI tool: every output format (snapshots), the SARIF output
//! against the official SARIF 2.1.0 schema, the exit policy flags, flux.json
//! overrides and errors, flux.schema.json against the documentation's
//! examples, `report` and `graph`.

mod support;

use std::path::Path;

use support::{flux, json, tree, Run};

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const LISTING_1: &str = "tests/fixtures/paper/listing1.js";
const CHAT: &str = "examples/chat-server";

fn at_root(args: &[&str]) -> Run {
    flux(Path::new(ROOT), args)
}

/// The SARIF log with the machine-dependent `%SRCROOT%` replaced.
fn sarif(args: &[&str]) -> Value {
    let mut all = vec!["--format", "sarif", "--check"];
    all.extend_from_slice(args);
    let run = at_root(&all);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let mut v = json(&run);
    let root = &mut v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    assert!(root.as_str().unwrap().starts_with("file:///"), "{root}");
    assert!(root.as_str().unwrap().ends_with('/'), "{root}");
    *root = "file:///SRCROOT/".into();
    v
}

fn schema_validator(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

// ---- formats ----------------------------------------------------------------

#[test]
fn human_snapshots() {
    for (name, path) in [("listing1", LISTING_1), ("chat", CHAT)] {
        let run = at_root(&["--check", path]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        insta::assert_snapshot!(format!("human_{name}"), run.stdout);
    }
}

#[test]
fn json_snapshots() {
    for (name, path) in [("listing1", LISTING_1), ("chat", CHAT)] {
        let run = at_root(&["--check", path, "--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        insta::assert_snapshot!(format!("json_{name}"), run.stdout);
    }
}

#[test]
fn sarif_snapshots_validate_against_the_sarif_2_1_0_schema() {
    let validator = schema_validator("tests/schemas/sarif-2.1.0.json");
    for (name, path) in [("listing1", LISTING_1), ("chat", CHAT)] {
        let v = sarif(&[path]);
        assert_valid(&validator, &v, path);
        insta::assert_snapshot!(
            format!("sarif_{name}"),
            serde_json::to_string_pretty(&v).unwrap()
        );
    }
}

#[test]
fn sarif_has_what_github_code_scanning_reads() {
    let v = sarif(&[LISTING_1]);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), flux_analysis::Code::ALL.len());
    for (rule, code) in rules.iter().zip(flux_analysis::Code::ALL) {
        assert_eq!(rule["id"], code.as_str());
        assert_eq!(rule["helpUri"], code.doc_url());
        assert!(rule["shortDescription"]["text"].is_string());
        assert!(rule["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains(code.summary()));
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "blocks-replication");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "blocks-replication"
    );
    assert_eq!(result["level"], "warning");
    let loc = &result["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], LISTING_1);
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 8);
    assert_eq!(loc["region"]["startColumn"], 5);
    assert!(!result["relatedLocations"].as_array().unwrap().is_empty());
    let fp = result["partialFingerprints"]["fluxFinding/v1"]
        .as_str()
        .unwrap();
    assert_eq!(fp.len(), 16);
    // The fingerprint does not depend on the line number: an alert survives
    // code moving down.
    let dir = tree(&[(
        "listing1.js",
        &format!(
            "// moved\n\n{}",
            std::fs::read_to_string(Path::new(ROOT).join(LISTING_1)).unwrap()
        ),
    )]);
    let moved = json(&flux(
        dir.path(),
        &["--check", "listing1.js", "--format", "sarif"],
    ));
    let moved_result = &moved["runs"][0]["results"][0];
    assert_eq!(
        moved_result["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
    let original = tree(&[("listing1.js", &listing_1())]);
    let original = json(&flux(
        original.path(),
        &["--check", "listing1.js", "--format", "sarif"],
    ));
    assert_eq!(
        moved_result["partialFingerprints"],
        original["runs"][0]["results"][0]["partialFingerprints"]
    );
}

#[test]
fn sarif_of_a_clean_run_validates() {
    let validator = schema_validator("tests/schemas/sarif-2.1.0.json");
    let dir = tree(&[("ok.js", "const x = 1;\n")]);
    let run = flux(dir.path(), &["--check", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run);
    assert_valid(&validator, &v, "clean run");
    assert_eq!(v["runs"][0]["results"], Value::Array(vec![]));
}

#[test]
fn github_snapshots() {
    for (name, path) in [("listing1", LISTING_1), ("chat", CHAT)] {
        let run = at_root(&["--check", path, "--format", "github"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        for line in run.stdout.lines() {
            assert!(
                line.starts_with("::warning file=")
                    || line.starts_with("::notice file=")
                    || line.starts_with("::error file="),
                "{line}"
            );
        }
        insta::assert_snapshot!(format!("github_{name}"), run.stdout);
    }
}

#[test]
fn github_format_escapes_properties_and_data() {
    let dir = tree(&[(
        "a,b:c%.js",
        &std::fs::read_to_string(Path::new(ROOT).join(LISTING_1)).unwrap(),
    )]);
    let run = flux(dir.path(), &["--check", "a,b:c%.js", "--format", "github"]);
    let line = run.stdout.lines().next().unwrap();
    assert!(
        line.starts_with("::warning file=a%2Cb%3Ac%25.js,line=8,col=5,endLine=8,endColumn=15,title=flux-lsp blocks-replication::"),
        "{line}"
    );
    // One line per finding: newlines in the message are escaped.
    let message = line.split_once("::").unwrap().1.split_once("::").unwrap().1;
    assert!(message.contains("%0A"), "{message}");
    assert!(!message.contains('\n'));
    // `%` in the data is escaped, `:` and `,` are not.
    assert!(message.contains("a,b:c%25.js:4:5"), "{message}");
}

#[test]
fn output_file_gets_the_report_and_the_terminal_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flux.sarif");
    let run = at_root(&[
        "--check",
        LISTING_1,
        "--format",
        "sarif",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("1 file checked, 1 warning,"),
        "{}",
        run.stderr
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 1);
}

// ---- exit policy --------------------------------------------------------------

fn severities(run: &Run) -> Vec<(String, String)> {
    json(run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn any_warning_fails_without_max_warnings() {
    let run = at_root(&["--check", LISTING_1, "--format", "json"]);
    assert_eq!(run.code, 1);
}

#[test]
fn max_warnings_sets_how_many_warnings_pass() {
    assert_eq!(
        at_root(&["--check", LISTING_1, "--max-warnings", "1"]).code,
        0
    );
    assert_eq!(
        at_root(&["--check", LISTING_1, "--max-warnings", "0"]).code,
        1
    );
    // The chat server has 9 warnings.
    assert_eq!(at_root(&["--check", CHAT, "--max-warnings", "9"]).code, 0);
    assert_eq!(at_root(&["--check", CHAT, "--max-warnings", "8"]).code, 1);
    assert_eq!(at_root(&["--check", CHAT, "--max-warnings", "x"]).code, 2);
}

#[test]
fn deny_code_makes_its_findings_errors() {
    let run = at_root(&[
        "--check",
        LISTING_1,
        "--format",
        "json",
        "--max-warnings",
        "10",
        "--deny",
        "blocks-replication",
    ]);
    assert_eq!(run.code, 1, "errors fail whatever --max-warnings says");
    assert_eq!(
        severities(&run),
        vec![("blocks-replication".to_string(), "error".to_string())]
    );
    assert!(run.stderr.contains("1 error, 0 warnings"), "{}", run.stderr);
    // Denying a code with no finding changes nothing.
    let run = at_root(&[
        "--check",
        LISTING_1,
        "--max-warnings",
        "1",
        "--deny",
        "lost-update",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn deny_warnings_makes_every_warning_an_error() {
    let run = at_root(&[
        "--check",
        CHAT,
        "--format",
        "json",
        "--max-warnings",
        "100",
        "--deny",
        "warnings",
    ]);
    assert_eq!(run.code, 1);
    let sev = severities(&run);
    assert!(sev.iter().any(|(_, s)| s == "error"));
    assert!(!sev.iter().any(|(_, s)| s == "warning"), "{sev:?}");
    // Information findings stay information.
    assert!(sev.iter().any(|(_, s)| s == "information"), "{sev:?}");
}

#[test]
fn allow_drops_a_code() {
    let run = at_root(&[
        "--check",
        LISTING_1,
        "--format",
        "json",
        "--allow",
        "blocks-replication",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!severities(&run)
        .iter()
        .any(|(c, _)| c == "blocks-replication"));
}

#[test]
fn allow_unused_suppression() {
    let dir = "tests/fixtures/suppression";
    let run = at_root(&["--check", dir, "--format", "json"]);
    let codes = severities(&run);
    assert!(
        codes.iter().any(|(c, _)| c == "unused-suppression"),
        "{codes:?}"
    );
    assert!(run.stderr.contains(" suppressed in "), "{}", run.stderr);
    let run = at_root(&[
        "--check",
        dir,
        "--format",
        "json",
        "--allow",
        "unused-suppression",
    ]);
    let codes = severities(&run);
    assert!(
        !codes.iter().any(|(c, _)| c == "unused-suppression"),
        "{codes:?}"
    );
    assert!(
        codes.iter().any(|(c, _)| c == "blocks-replication"),
        "{codes:?}"
    );
}

#[test]
fn unknown_codes_in_flags_are_usage_errors() {
    let run = at_root(&["--check", LISTING_1, "--allow", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--allow nope: unknown finding code"),
        "{}",
        run.stderr
    );
    let run = at_root(&["--check", LISTING_1, "--deny", "warning"]);
    assert_eq!(run.code, 2);
    let run = at_root(&[
        "--check",
        LISTING_1,
        "--allow",
        "lost-update",
        "--deny",
        "lost-update",
    ]);
    assert_eq!(run.code, 2);
}

// ---- flux.json ---------------------------------------------------------------

fn listing_1() -> String {
    std::fs::read_to_string(Path::new(ROOT).join(LISTING_1)).unwrap()
}

fn config_error(config: &str) -> String {
    let dir = tree(&[("flux.json", config), ("app.js", &listing_1())]);
    let run = flux(dir.path(), &["--check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "", "nothing is checked");
    run.stderr
}

#[test]
fn config_errors_name_file_line_and_column() {
    let cases = [
        ("{\n  \"ignore\": [\"a\",]\n}", "flux.json:2:18: "),
        ("{\n  \"ignores\": []\n}", "flux.json:2:"),
        ("{\"severity\": {\n  \"nope\": \"off\"}}", "flux.json:2:3: unknown finding code `nope`"),
        ("{\"severity\": {\n  \"lost-update\": \"loud\"}}", "flux.json:2:18: unknown severity `loud`"),
        ("{\"catalog\": [\n  {\"callee\": \"x\", \"kind\": \"sideways\"}]}", "flux.json:2:"),
        ("{\"overrides\": [\n  {\"files\": [\"a/**\"], \"sevrity\": {}}]}", "flux.json:2:"),
        ("{\"overrides\": [\n  {\"files\": []}]}", "flux.json:2:4: an override needs"),
        ("{\"overrides\": [\n  {\"files\": [\"a/{b\"]}]}", "flux.json:2:14: invalid files glob"),
        ("{\"overrides\": [{\"files\": [\"a\"],\n  \"severity\": {\"shared-state\": \"loud\"}}]}", "flux.json:2:32: unknown severity"),
    ];
    for (config, expected) in cases {
        let stderr = config_error(config);
        assert!(
            stderr.contains(&format!("error: {expected}")),
            "{config}\nexpected {expected}\ngot {stderr}"
        );
    }
}

#[test]
fn overrides_set_severities_per_folder_later_ones_winning() {
    let l1 = listing_1();
    let dir = tree(&[
        (
            "flux.json",
            r#"{
              "severity": {"shared-state": "off"},
              "overrides": [
                {"files": ["legacy/**"], "severity": {"blocks-replication": "off"}},
                {"files": ["legacy/strict/**"], "severity": {"blocks-replication": "error"}},
                {"files": ["noisy/*.js"], "severity": {"shared-state": "hint"}, "ignore": ["skip.js"]}
              ]
            }"#,
        ),
        ("src/app.js", &l1),
        ("legacy/app.js", &l1),
        ("legacy/strict/app.js", &l1),
        ("noisy/app.js", &l1),
        ("noisy/skip.js", &l1),
    ]);
    let run = flux(dir.path(), &["--check", "--format", "json"]);
    let v = json(&run);
    assert_eq!(v["files"], 4, "noisy/skip.js is ignored: {}", run.stderr);
    let mut got: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(_, c, _)| c == "blocks-replication" || c == "shared-state")
        .collect();
    got.sort();
    got.dedup();
    let want = [
        ("legacy/strict/app.js", "blocks-replication", "error"),
        ("noisy/app.js", "blocks-replication", "warning"),
        ("src/app.js", "blocks-replication", "warning"),
    ];
    let shared: Vec<_> = got.iter().filter(|(_, c, _)| c == "shared-state").collect();
    // listing 1 has no shared-state finding, so only blocks-replication is compared.
    assert!(
        shared
            .iter()
            .all(|(f, _, s)| f == "noisy/app.js" && s == "hint"),
        "{shared:?}"
    );
    let got: Vec<_> = got
        .iter()
        .filter(|(_, c, _)| c == "blocks-replication")
        .map(|(f, c, s)| (f.as_str(), c.as_str(), s.as_str()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(run.code, 1);
}

#[test]
fn an_override_turns_on_a_code_the_top_level_turns_off() {
    let dir = tree(&[
        (
            "flux.json",
            r#"{"severity": {"blocks-replication": "off"},
                "overrides": [{"files": ["api/**"], "severity": {"blocks-replication": "warning"}}]}"#,
        ),
        ("api/app.js", &listing_1()),
        ("web/app.js", &listing_1()),
    ]);
    let run = flux(dir.path(), &["--check", "--format", "json"]);
    let files: Vec<&str> = json(&run)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "blocks-replication")
        .map(|f| f["file"].as_str().unwrap().to_owned().leak() as &str)
        .collect();
    assert_eq!(files, ["api/app.js"]);
}

// ---- flux.schema.json -----------------------------------------------------------

/// ```json blocks preceded by `<!-- flux.json -->` or holding a `$schema` key
/// naming flux.schema.json.
fn documented_configs(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<&str> = markdown.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim();
        if fence == "```json" || fence == "```jsonc" {
            let marked = i > 0 && lines[i - 1].trim() == "<!-- flux.json -->";
            let end = (i + 1..lines.len())
                .find(|&k| lines[k].trim() == "```")
                .expect("closed code block");
            let body = lines[i + 1..end].join("\n");
            if marked || body.contains("flux.schema.json") {
                out.push(body);
            }
            i = end;
        }
        i += 1;
    }
    out
}

#[test]
fn every_documented_flux_json_validates_against_the_schema() {
    let validator = schema_validator("flux.schema.json");
    let mut docs = vec![
        Path::new(ROOT).join("README.md"),
        Path::new(ROOT).join("queries/README.md"),
    ];
    if let Ok(dir) = std::fs::read_dir(Path::new(ROOT).join("docs")) {
        docs.extend(
            dir.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md")),
        );
    }
    let mut count = 0;
    for doc in &docs {
        for body in documented_configs(&std::fs::read_to_string(doc).unwrap()) {
            let v: Value = serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{}: {e}\n{body}", doc.display()));
            assert_valid(&validator, &v, &format!("{}:\n{body}", doc.display()));
            // The checker itself accepts what the schema accepts.
            flux_analysis::Config::parse(&body)
                .unwrap_or_else(|e| panic!("{}: {e}\n{body}", doc.display()));
            count += 1;
        }
    }
    assert!(
        count >= 3,
        "only {count} documented flux.json examples found"
    );
    // The repository's own flux.json files too.
    for path in [
        "tests/fixtures/paper/figure5.run/flux.json",
        "tests/fixtures/blocks-replication/cross-file.run/flux.json",
    ] {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap())
                .unwrap();
        assert_valid(&validator, &v, path);
    }
}

#[test]
fn the_schema_rejects_what_the_checker_rejects() {
    let validator = schema_validator("flux.schema.json");
    for bad in [
        r#"{"ignores": []}"#,
        r#"{"severity": {"nope": "off"}}"#,
        r#"{"severity": {"lost-update": "loud"}}"#,
        r#"{"catalog": [{"callee": "x", "module": "y", "kind": "start"}]}"#,
        r#"{"catalog": [{"callee": "x", "export": "y", "kind": "start"}]}"#,
        r#"{"catalog": [{"callee": "x", "kind": "sideways"}]}"#,
        r#"{"overrides": [{"severity": {}}]}"#,
        r#"{"overrides": [{"files": ["a"], "sevrity": {}}]}"#,
    ] {
        let v: Value = serde_json::from_str(bad).unwrap();
        assert!(!validator.is_valid(&v), "schema accepts {bad}");
        assert!(
            flux_analysis::Config::parse(bad).is_err(),
            "checker accepts {bad}"
        );
    }
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("flux.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let codes: Vec<&str> = schema["$defs"]["severity"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut all: Vec<&str> = flux_analysis::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    all.sort();
    let mut codes = codes;
    codes.sort();
    assert_eq!(codes, all, "the schema lists every finding code");
}

// ---- report and graph --------------------------------------------------------------

#[test]
fn report_on_the_chat_server() {
    let run = at_root(&["report", CHAT, "--format", "json"]);
    assert_eq!(run.code, 1, "not ready: {}", run.stderr);
    let v = json(&run);
    assert_eq!(v["ready"], false);
    let entries = v["entryPoints"].as_array().unwrap();
    let find = |title: &str| {
        entries
            .iter()
            .find(|e| e["title"] == title)
            .unwrap_or_else(|| panic!("{title} missing: {v:#}"))
    };
    let post = find("POST /:room");
    assert_eq!(post["kind"], "route");
    assert_eq!(post["method"], "POST");
    assert_eq!(post["replicable"], false);
    assert_eq!(post["blockedBy"][0]["binding"], "messagesPosted");
    assert_eq!(post["blockedBy"][0]["declared"]["line"], 11);
    assert_eq!(post["blockedBy"][0]["written"]["line"], 38);
    assert_eq!(find("GET /:room")["replicable"], true);
    let timer = find("setInterval");
    assert_eq!(timer["kind"], "timer");
    assert_eq!(timer["blockedBy"][0]["binding"], "samples");
    assert_eq!(find("event join")["blockedBy"][0]["binding"], "rooms");
    assert_eq!(find("event message")["replicable"], true);
    assert!(v["verdict"]
        .as_str()
        .unwrap()
        .starts_with("6 entry points keep state in process memory: "));
    for format in ["human", "markdown"] {
        let run = at_root(&["report", CHAT, "--format", format]);
        assert_eq!(run.code, 1);
        insta::assert_snapshot!(format!("report_chat_{format}"), run.stdout);
    }
    insta::assert_snapshot!("report_chat_json", run.stdout);
}

#[test]
fn report_html_is_one_page_with_the_picture() {
    let run = at_root(&["report", CHAT, "--format", "html"]);
    assert_eq!(run.code, 1);
    let html = run.stdout;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"), "embeds the SVG");
    assert!(!html.contains("<?xml"));
    assert!(html.contains("POST /:room"));
    assert!(!html.contains("src=\"http"), "self-contained");
}

#[test]
fn report_of_a_replicable_app_says_so() {
    let run = at_root(&["report", "tests/fixtures/valid/per-request.js"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with("verdict: ready to replicate\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn graph_formats() {
    for format in ["dot", "mermaid"] {
        for (name, path) in [("listing1", LISTING_1), ("chat", CHAT)] {
            let run = at_root(&["graph", path, "--format", format]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            insta::assert_snapshot!(format!("graph_{name}_{format}"), run.stdout);
        }
    }
    let run = at_root(&["graph", CHAT, "--format", "svg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("<svg"), "{}", run.stdout);
    assert!(run.stdout.contains("writes rooms"));
    assert!(run.stdout.contains("writes samples"));
    assert!(run.stdout.trim_end().ends_with("</svg>"));
}
