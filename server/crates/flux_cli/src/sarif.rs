//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning uploads it.
//!
//! Built with `serde_json::json!` rather than a SARIF types crate: the few
//! objects used are spelled out here, and the tests validate the output
//! against the official schema (tests/schemas/sarif-2.1.0.json).
//!
//! * `tool.driver.rules[]`: every code, with summary, help, link and default level;
//! * results point at `artifactLocation.uri` relative to `%SRCROOT%` (the
//!   current directory, given in `originalUriBaseIds`);
//! * `partialFingerprints.fluxFinding/v1` hashes the code, file, binding,
//!   fluxion and the primary line's text, so an alert survives lines moving.

use serde_json::{json, Value};

use flux_analysis::{Code, FileAnalysis, Finding, Severity, TextRange};

use crate::report::Report;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SRCROOT: &str = "%SRCROOT%";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// `blocks-replication` → `BlocksReplication` (SARIF's `name` is a readable identifier).
fn rule_name(code: Code) -> String {
    code.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule(code: Code) -> Value {
    let summary = code.summary();
    let mut short = summary.split(':').next().unwrap_or(summary).to_string();
    if let Some(first) = short.get(..1) {
        short = first.to_uppercase() + &short[1..];
    }
    let help = format!(
        "{summary}.\n\nSuppress one finding with `// flux-ignore-next-line {code}: reason`. See {}",
        code.doc_url()
    );
    json!({
        "id": code.as_str(),
        "name": rule_name(code),
        "shortDescription": { "text": short },
        "fullDescription": { "text": format!("{summary}.") },
        "help": { "text": help, "markdown": format!("{summary}.\n\nSuppress one finding with `// flux-ignore-next-line {code}: reason`. [Documentation]({})", code.doc_url()) },
        "helpUri": code.doc_url(),
        "defaultConfiguration": { "level": level(code.default_severity()) },
        "properties": { "tags": ["replication", "node.js"] },
    })
}

/// Percent-encodes what may not appear in a URI path.
fn encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Relative paths become `uri` + `uriBaseId`; absolute ones `file://` URIs.
pub fn artifact_location(path: &str) -> Value {
    let p = path.replace('\\', "/");
    if p.starts_with('/') {
        json!({ "uri": format!("file://{}", encode(&p)) })
    } else if p.len() > 2 && p.as_bytes()[1] == b':' {
        json!({ "uri": format!("file:///{}", encode(&p)) })
    } else {
        json!({ "uri": encode(&p), "uriBaseId": SRCROOT })
    }
}

fn region(report: &Report, path: &str, range: &TextRange) -> Value {
    let (s, e) = report.sources.position(path, range);
    if s.line == 0 {
        // Unknown file: SARIF needs at least a line.
        return json!({ "startLine": 1 });
    }
    json!({
        "startLine": s.line,
        "startColumn": s.column,
        "endLine": e.line,
        "endColumn": e.column,
    })
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

fn fingerprint(report: &Report, file: &FileAnalysis, f: &Finding) -> String {
    let line = report
        .sources
        .get(&file.path)
        .map(|s| {
            let l = s.index.line_of(f.range.start);
            s.index.line_text(&s.text, l).trim().to_string()
        })
        .unwrap_or_default();
    let binding = f.binding.as_ref().map_or("", |b| b.name.as_str());
    fnv1a(&[f.code.as_str(), &file.path, binding, &f.fluxion, &line])
}

fn result(report: &Report, file: &FileAnalysis, f: &Finding) -> Value {
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let path = r.path.as_deref().unwrap_or(&file.path);
            json!({
                "id": i + 1,
                "physicalLocation": {
                    "artifactLocation": artifact_location(path),
                    "region": region(report, path, &r.range),
                },
                "message": { "text": r.message },
            })
        })
        .collect();
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": artifact_location(&file.path),
            "region": region(report, &file.path, &f.range),
        },
    });
    if !f.fluxion.is_empty() {
        location["logicalLocations"] = json!([{ "name": f.fluxion, "kind": "function" }]);
    }
    let mut properties = json!({ "severity": f.severity.as_str(), "fluxion": f.fluxion });
    if let Some(b) = &f.binding {
        properties["binding"] = json!(b.name);
    }
    json!({
        "ruleId": f.code.as_str(),
        "ruleIndex": Code::ALL.iter().position(|c| *c == f.code),
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location],
        "relatedLocations": related,
        "partialFingerprints": { "fluxFinding/v1": fingerprint(report, file, f) },
        "properties": properties,
    })
}

/// The SARIF log. `srcroot` is the `file://` URI of the folder relative
/// paths start from (ending in `/`), when known.
pub fn build(report: &Report, srcroot: Option<&str>) -> Value {
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "flux-lsp",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": flux_analysis::DOCS_URL,
                "rules": Code::ALL.iter().map(|c| rule(*c)).collect::<Vec<_>>(),
            }
        },
        "columnKind": "utf16CodeUnits",
        "results": report.findings().map(|(file, f)| result(report, file, f)).collect::<Vec<_>>(),
    });
    if let Some(root) = srcroot {
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": root } });
    }
    json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] })
}

pub fn render(report: &Report, srcroot: Option<&str>) -> String {
    let mut s = serde_json::to_string_pretty(&build(report, srcroot)).expect("plain data");
    s.push('\n');
    s
}

/// The current directory as a `file://` URI ending in `/`.
pub fn cwd_uri() -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let mut p = cwd.to_string_lossy().replace('\\', "/");
    if !p.starts_with('/') {
        p.insert(0, '/');
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    Some(format!("file://{}", encode(&p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_relative_to_srcroot_and_encoded() {
        assert_eq!(
            artifact_location("src/a b.js"),
            json!({"uri": "src/a%20b.js", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            artifact_location("/x/y.js"),
            json!({"uri": "file:///x/y.js"})
        );
        assert_eq!(rule_name(Code::BlocksReplication), "BlocksReplication");
    }
}
