//! `flux-lsp report`: the cluster-readiness report. Every entry point of the
//! app, whether it can run on several replicas, and if not which state in
//! process memory stops it; then a verdict. The analysis is
//! `flux_graph::entry_points`; this module only lays it out.

use std::fmt::Write;

use serde::Serialize;

use flux_analysis::{FileAnalysis, TextRange};
use flux_graph::EntryPoint;

use crate::report::Report;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
    Markdown,
    Html,
}

pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Readiness {
    pub version: u32,
    pub files: usize,
    pub ready: bool,
    pub verdict: String,
    #[serde(rename = "entryPoints")]
    pub entry_points: Vec<Entry>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    /// `GET /users`, `event join`, `setInterval`.
    pub title: String,
    pub kind: &'static str,
    pub method: Option<String>,
    pub name: String,
    pub callee: String,
    pub location: Location,
    pub replicable: bool,
    #[serde(rename = "blockedBy")]
    pub blocked_by: Vec<Blocker>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Blocker {
    pub binding: String,
    pub fluxion: String,
    pub declared: Location,
    pub written: Location,
}

fn location(report: &Report, path: &str, range: &TextRange) -> Location {
    let (s, _) = report.sources.position(path, range);
    Location {
        file: path.to_string(),
        line: s.line,
        column: s.column,
    }
}

impl Location {
    fn short(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

pub fn inputs(report: &Report) -> Vec<(&str, &FileAnalysis)> {
    report
        .analyses
        .iter()
        .map(|a| (a.path.as_str(), a))
        .collect()
}

fn entry(report: &Report, e: &EntryPoint) -> Entry {
    let path = &report.analyses[e.file].path;
    let mut blocked_by: Vec<Blocker> = Vec::new();
    for w in &e.blocking {
        let a = &report.analyses[w.file];
        let b = Blocker {
            binding: w.binding.clone(),
            fluxion: a
                .fluxions
                .get(w.fluxion.0 as usize)
                .map(|f| f.name.clone())
                .unwrap_or_default(),
            declared: location(report, &a.path, &w.decl),
            written: location(report, &a.path, &w.write),
        };
        if !blocked_by.contains(&b) {
            blocked_by.push(b);
        }
    }
    Entry {
        title: e.title(),
        kind: e.kind.as_str(),
        method: e.method.clone(),
        name: e.name.clone(),
        callee: e.callee.clone(),
        location: location(report, path, &e.range),
        replicable: blocked_by.is_empty(),
        blocked_by,
    }
}

/// The blockers of an entry by variable: binding, declaration, writes.
fn by_binding(e: &Entry) -> Vec<(&str, &Location, Vec<&Location>)> {
    let mut out: Vec<(&str, &Location, Vec<&Location>)> = Vec::new();
    for b in &e.blocked_by {
        match out
            .iter_mut()
            .find(|(n, d, _)| *n == b.binding && **d == b.declared)
        {
            Some((_, _, writes)) => writes.push(&b.written),
            None => out.push((&b.binding, &b.declared, vec![&b.written])),
        }
    }
    out
}

/// Write locations after the first in the same file are shown as lines only.
fn writes_text(writes: &[&Location]) -> String {
    let mut out = String::new();
    for (i, w) in writes.iter().enumerate() {
        if i == 0 {
            out.push_str(&w.short());
        } else if w.file == writes[0].file {
            let _ = write!(out, ", {}", w.line);
        } else {
            let _ = write!(out, ", {}", w.short());
        }
    }
    out
}

/// `name` or `a, b` for the blockers of an entry, each name once.
fn names(e: &Entry) -> String {
    let mut names: Vec<&str> = Vec::new();
    for b in &e.blocked_by {
        if !names.contains(&b.binding.as_str()) {
            names.push(&b.binding);
        }
    }
    names.join(", ")
}

pub fn build(report: &Report) -> Readiness {
    let entries: Vec<Entry> = flux_graph::entry_points(&inputs(report))
        .iter()
        .map(|e| entry(report, e))
        .collect();
    let blocked: Vec<&Entry> = entries.iter().filter(|e| !e.replicable).collect();
    let verdict = if blocked.is_empty() {
        "ready to replicate".to_string()
    } else {
        let list: Vec<String> = blocked
            .iter()
            .map(|e| format!("{} ({})", e.title, names(e)))
            .collect();
        format!(
            "{} {} keep state in process memory: {}",
            blocked.len(),
            if blocked.len() == 1 {
                "entry point"
            } else {
                "entry points"
            },
            list.join(", ")
        )
    };
    Readiness {
        version: VERSION,
        files: report.files,
        ready: blocked.is_empty(),
        verdict,
        entry_points: entries,
    }
}

pub fn render(report: &Report, format: ReportFormat) -> String {
    let r = build(report);
    match format {
        ReportFormat::Human => human(&r),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&r).expect("plain data");
            s.push('\n');
            s
        }
        ReportFormat::Markdown => markdown(&r),
        ReportFormat::Html => html(&r, &flux_graph::svg(&inputs(report))),
    }
}

fn human(r: &Readiness) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} entry points in {} files",
        r.entry_points.len(),
        r.files
    );
    let width = r
        .entry_points
        .iter()
        .map(|e| e.title.chars().count())
        .max()
        .unwrap_or(0);
    for e in &r.entry_points {
        let status = if e.replicable { "ok     " } else { "BLOCKED" };
        let _ = writeln!(
            out,
            "  {status} {:<width$}  {}",
            e.title,
            e.location.short()
        );
        for (binding, declared, writes) in by_binding(e) {
            let _ = writeln!(
                out,
                "          `{binding}` declared at {}, written at {}",
                declared.short(),
                writes_text(&writes),
            );
        }
    }
    let _ = writeln!(out, "verdict: {}", r.verdict);
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(r: &Readiness) -> String {
    let mut out = String::from("### Cluster readiness (flux-lsp)\n\n");
    let _ = writeln!(
        out,
        "**{}** {}\n",
        if r.ready { "✅" } else { "❌" },
        md_cell(&r.verdict)
    );
    out.push_str("| entry point | kind | where | replicable | state in process memory |\n");
    out.push_str("|---|---|---|---|---|\n");
    for e in &r.entry_points {
        let state: Vec<String> = by_binding(e)
            .into_iter()
            .map(|(binding, declared, writes)| {
                format!(
                    "`{}` (declared `{}`, written `{}`)",
                    md_cell(binding),
                    declared.short(),
                    writes_text(&writes)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | `{}` | {} | {} |",
            md_cell(&e.title),
            e.kind,
            e.location.short(),
            if e.replicable { "yes" } else { "**no**" },
            state.join("<br>")
        );
    }
    let _ = writeln!(out, "\n<sub>{} files analysed.</sub>", r.files);
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(r: &Readiness, svg: &str) -> String {
    let mut rows = String::new();
    for e in &r.entry_points {
        let state: Vec<String> = by_binding(e)
            .into_iter()
            .map(|(binding, declared, writes)| {
                format!(
                    "<code>{}</code> declared {}, written {}",
                    esc(binding),
                    esc(&declared.short()),
                    esc(&writes_text(&writes))
                )
            })
            .collect();
        let _ = writeln!(
            rows,
            "<tr class=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if e.replicable { "ok" } else { "blocked" },
            esc(&e.title),
            e.kind,
            esc(&e.location.short()),
            if e.replicable { "yes" } else { "no" },
            state.join("<br>")
        );
    }
    // The SVG's own XML prologue is not valid inside HTML.
    let svg = svg
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|s| s.split_once("?>").map(|(_, rest)| rest))
        .unwrap_or(svg);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Cluster readiness — flux-lsp</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }}
tr.blocked td {{ background: #fee; }}
.verdict {{ font-size: 1.2em; padding: .5em 1em; border-radius: 4px; display: inline-block; }}
.ready {{ background: #e6f4e6; }} .not-ready {{ background: #fdd; }}
figure {{ overflow: auto; border: 1px solid #ddd; padding: 1em; }}
</style>
</head>
<body>
<h1>Cluster readiness</h1>
<p class="verdict {cls}">{verdict}</p>
<table>
<tr><th>entry point</th><th>kind</th><th>where</th><th>replicable</th><th>state in process memory</th></tr>
{rows}</table>
<p>{files} files analysed.</p>
<h2>Fluxions</h2>
<p>Thick blue boxes: entry points. Red boxes: fluxions that write state blocking replication. Bold arrows: start streams (<code>&gt;&gt;</code>); dashed: post streams (<code>-&gt;</code>).</p>
<figure>
{svg}
</figure>
</body>
</html>
"#,
        cls = if r.ready { "ready" } else { "not-ready" },
        verdict = esc(&r.verdict),
        files = r.files,
    )
}
