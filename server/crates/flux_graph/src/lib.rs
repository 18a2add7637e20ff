//! Pictures of the fluxion graph of one file or a whole app: DOT, Mermaid and
//! SVG (laid out by `layout-rs`, so no Graphviz is needed), and the
//! replication view the pictures and `flux-lsp report` share: entry points
//! and the state that blocks them. Pure: analyses in, text out.
//!
//! Drawing conventions: a box per fluxion; entry points (callbacks of
//! non-one-shot start rupture points) drawn thick and blue; start streams
//! (`>>`) bold/double, post streams (`->`) plain, labelled with the rupture
//! point and the message (`[res]`); files and groups as clusters (DOT and
//! Mermaid; layout-rs has no clusters, so the SVG names the file in the box);
//! fluxions that write blocking state red, naming the variables.

mod replication;
mod svg;

pub use replication::{entry_points, BlockingWrite, EntryKind, EntryPoint};

use std::collections::BTreeMap;
use std::fmt::Write;

use flux_analysis::{Callback, FileAnalysis, FluxionId, StreamKind};

/// A file of the picture: its path and its analysis.
pub type Input<'a> = (&'a str, &'a FileAnalysis);

/// The graph every renderer draws.
pub(crate) struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

pub(crate) struct Node {
    /// `f{file}_{fluxion}`: valid in DOT and Mermaid.
    pub id: String,
    pub file: usize,
    pub path: String,
    pub name: String,
    pub groups: Vec<String>,
    pub entry: bool,
    /// Variables whose blocking writes are in this fluxion.
    pub blocking: Vec<String>,
}

pub(crate) struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: StreamKind,
    pub label: String,
}

/// Where each fluxion of each file sits in [`Graph::nodes`].
fn index(files: &[Input<'_>]) -> Vec<Vec<usize>> {
    let mut at = 0;
    files
        .iter()
        .map(|(_, a)| {
            let ids = (at..at + a.fluxions.len()).collect();
            at += a.fluxions.len();
            ids
        })
        .collect()
}

/// The fluxion `Callback::External` names: same file path, same function start.
pub(crate) fn external_target(
    files: &[Input<'_>],
    path: &str,
    range_start: usize,
) -> Option<(usize, FluxionId)> {
    let (i, (_, a)) = files
        .iter()
        .enumerate()
        .find(|(_, (p, a))| *p == path || a.path == path)?;
    let f = a.fluxions.iter().find(|f| f.range.start == range_start)?;
    Some((i, f.id))
}

/// `app.get '/users'`, `io.on 'connection'`, `fs.readFile` followed by the
/// message (`[res]`) when the stream carries variables.
fn stream_label(a: &FileAnalysis, rupture_point: usize, message: &[String]) -> String {
    let mut label = String::new();
    if let Some(rp) = a.rupture_points.get(rupture_point) {
        label.push_str(rp.kind.arrow());
        label.push(' ');
        label.push_str(&rp.callee);
        if let Some(what) = rp.event.as_ref().or(rp.label.as_ref()) {
            let _ = write!(label, " '{what}'");
        }
    }
    if !message.is_empty() {
        let _ = write!(label, " [{}]", message.join(", "));
    }
    label
}

pub(crate) fn build(files: &[Input<'_>]) -> Graph {
    let at = index(files);
    let entries = entry_points(files);
    let mut nodes = Vec::new();
    for (i, (path, a)) in files.iter().enumerate() {
        for f in &a.fluxions {
            let mut blocking: Vec<String> = Vec::new();
            for e in &entries {
                for w in &e.blocking {
                    if w.file == i && w.fluxion == f.id && !blocking.contains(&w.binding) {
                        blocking.push(w.binding.clone());
                    }
                }
            }
            // State written by a fluxion no entry point reaches is still drawn.
            for finding in &a.findings {
                if finding.code == flux_analysis::Code::BlocksReplication
                    && finding.fluxion == f.name
                {
                    if let Some(b) = &finding.binding {
                        if !blocking.contains(&b.name) {
                            blocking.push(b.name.clone());
                        }
                    }
                }
            }
            nodes.push(Node {
                id: format!("f{i}_{}", f.id.0),
                file: i,
                path: path.to_string(),
                name: f.name.clone(),
                groups: f.groups.clone(),
                entry: entries.iter().any(|e| e.handlers.contains(&(i, f.id))),
                blocking,
            });
        }
    }
    let mut edges = Vec::new();
    for (i, (_, a)) in files.iter().enumerate() {
        for f in &a.fluxions {
            for s in &f.streams {
                edges.push(Edge {
                    from: at[i][f.id.0 as usize],
                    to: at[i][s.to.0 as usize],
                    kind: s.kind,
                    label: stream_label(a, s.rupture_point, &s.message),
                });
            }
        }
        // Handlers defined in another file of the run.
        for (r, rp) in a.rupture_points.iter().enumerate() {
            for cb in &rp.callbacks {
                let Callback::External { path, range, .. } = cb else {
                    continue;
                };
                if let Some((j, to)) = external_target(files, path, range.start) {
                    edges.push(Edge {
                        from: at[i][rp.upstream.0 as usize],
                        to: at[j][to.0 as usize],
                        kind: rp.kind,
                        label: stream_label(a, r, &[]),
                    });
                }
            }
        }
    }
    Graph { nodes, edges }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn node_label(n: &Node) -> Vec<String> {
    let mut lines = vec![n.name.clone()];
    if !n.groups.is_empty() {
        lines.push(format!("group {}", n.groups.join(", ")));
    }
    if !n.blocking.is_empty() {
        lines.push(format!("writes {}", n.blocking.join(", ")));
    }
    lines
}

/// Graphviz DOT: one cluster per file, one nested cluster per group.
pub fn dot(files: &[Input<'_>]) -> String {
    let g = build(files);
    let mut out = String::from(
        "digraph fluxions {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for (i, (path, _)) in files.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{i} {{");
        let _ = writeln!(out, "    label=\"{}\";", dot_escape(path));
        // Group clusters: a fluxion in several groups is drawn in its first one.
        let mut by_group: BTreeMap<Option<&str>, Vec<&Node>> = BTreeMap::new();
        for n in g.nodes.iter().filter(|n| n.file == i) {
            by_group
                .entry(n.groups.first().map(String::as_str))
                .or_default()
                .push(n);
        }
        for (k, (group, nodes)) in by_group.iter().enumerate() {
            let indent = if group.is_some() { "      " } else { "    " };
            if let Some(group) = group {
                let _ = writeln!(out, "    subgraph cluster_{i}_{k} {{");
                let _ = writeln!(out, "      label=\"{}\"; style=dashed;", dot_escape(group));
            }
            for n in nodes {
                let mut attrs = vec![format!(
                    "label=\"{}\"",
                    dot_escape(&node_label(n).join("\n")).replace('\n', "\\n")
                )];
                if n.entry {
                    attrs.push("penwidth=3".into());
                    attrs.push("color=\"#1f5fbf\"".into());
                }
                if !n.blocking.is_empty() {
                    attrs.push("fillcolor=\"#fdd\"".into());
                    attrs.push("fontcolor=\"#a00\"".into());
                    if !n.entry {
                        attrs.push("color=\"#c00\"".into());
                    }
                }
                let _ = writeln!(out, "{indent}{} [{}];", n.id, attrs.join(", "));
            }
            if group.is_some() {
                out.push_str("    }\n");
            }
        }
        out.push_str("  }\n");
    }
    for e in &g.edges {
        let style = match e.kind {
            StreamKind::Start => ", style=bold, color=\"black:black\"",
            StreamKind::Post => "",
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label=\"{}\"{style}];",
            g.nodes[e.from].id,
            g.nodes[e.to].id,
            dot_escape(&e.label)
        );
    }
    out.push_str("}\n");
    out
}

/// Mermaid text for Markdown mermaid code blocks.
fn mermaid_text(s: &str) -> String {
    // Mermaid labels are quoted: quotes become their HTML entity.
    s.replace('"', "#quot;")
}

/// A Mermaid flowchart: `==>` start streams, `-->` post streams.
pub fn mermaid(files: &[Input<'_>]) -> String {
    let g = build(files);
    let mut out = String::from("flowchart LR\n");
    for (i, (path, _)) in files.iter().enumerate() {
        let _ = writeln!(out, "  subgraph file{i}[\"{}\"]", mermaid_text(path));
        for n in g.nodes.iter().filter(|n| n.file == i) {
            let _ = writeln!(
                out,
                "    {}[\"{}\"]",
                n.id,
                mermaid_text(&node_label(n).join("<br/>"))
            );
        }
        out.push_str("  end\n");
    }
    for e in &g.edges {
        let arrow = match e.kind {
            StreamKind::Start => "==>",
            StreamKind::Post => "-->",
        };
        let from = &g.nodes[e.from].id;
        let to = &g.nodes[e.to].id;
        if e.label.is_empty() {
            let _ = writeln!(out, "  {from} {arrow} {to}");
        } else {
            let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", mermaid_text(&e.label));
        }
    }
    out.push_str("  classDef entry stroke:#1f5fbf,stroke-width:3px\n");
    out.push_str("  classDef blocking fill:#fdd,stroke:#c00,color:#a00\n");
    let entry: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| n.entry && n.blocking.is_empty())
        .map(|n| n.id.as_str())
        .collect();
    let blocking: Vec<&str> = g
        .nodes
        .iter()
        .filter(|n| !n.blocking.is_empty())
        .map(|n| n.id.as_str())
        .collect();
    if !entry.is_empty() {
        let _ = writeln!(out, "  class {} entry", entry.join(","));
    }
    if !blocking.is_empty() {
        let _ = writeln!(out, "  class {} blocking", blocking.join(","));
    }
    out
}

/// A standalone SVG document, laid out without Graphviz.
pub fn svg(files: &[Input<'_>]) -> String {
    svg::render(&build(files), files.len() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING_1: &str = "var app = require('express')(), fs = require('fs'), count = 0;
app.get('/', function handler(req, res) {
  fs.readFile(__filename, function reply(err, data) {
    count += 1;
    res.send(err || String(count));
  });
});
app.listen(8080, function ready() {});
";

    fn listing_1() -> FileAnalysis {
        let config = flux_analysis::Config::default();
        let files = [flux_analysis::SourceFile {
            path: "app.js",
            text: LISTING_1,
        }];
        flux_analysis::analyze(&files, &config.catalog(), &config).remove(0)
    }

    #[test]
    fn the_route_is_an_entry_point_blocked_downstream() {
        let a = listing_1();
        let entries = entry_points(&[("app.js", &a)]);
        // `listen` is one-shot: not an entry point.
        assert_eq!(entries.len(), 1, "{entries:?}");
        let e = &entries[0];
        assert_eq!(e.title(), "GET /");
        assert_eq!(e.kind, EntryKind::Route);
        assert!(!e.replicable());
        // The write is in `reply`, downstream of the handler.
        let reply = a.fluxions.iter().find(|f| f.name == "reply").unwrap().id;
        assert_eq!(e.blocking[0].binding, "count");
        assert_eq!(e.blocking[0].fluxion, reply);
        assert!(!e.handlers.contains(&(0, reply)));
    }

    #[test]
    fn pictures_show_streams_entries_and_blocking_state() {
        let a = listing_1();
        let files = [("app.js", &a)];
        let dot = dot(&files);
        assert!(dot.contains("subgraph cluster_0"), "{dot}");
        assert!(
            dot.contains("label=\">> app.get '/'\", style=bold"),
            "{dot}"
        );
        assert!(dot.contains("label=\"-> fs.readFile"), "{dot}");
        assert!(dot.contains("reply\\nwrites count"), "{dot}");
        let mermaid = mermaid(&files);
        assert!(mermaid.starts_with("flowchart LR\n"));
        assert!(mermaid.contains("==>|\">> app.get '/'\"|"), "{mermaid}");
        assert!(mermaid.contains("class f0_"), "{mermaid}");
        let svg = svg(&files);
        assert!(
            svg.contains("<svg") && svg.contains("writes count"),
            "{svg}"
        );
        assert!(super::svg(&[]).contains("no fluxions"));
    }
}
