//! The pipeline of a file as a graph: fluxions are nodes, streams are edges
//! (`>>` start streams bold, `->` post streams dashed). Pure text renderers
//! for Graphviz DOT and Mermaid.

use std::fmt::Write;

use flux_analysis::{FileAnalysis, Fluxion, Stream, StreamKind};

fn node_label(f: &Fluxion) -> String {
    let mut label = f.name.clone();
    for group in &f.groups {
        let _ = write!(label, " & {group}");
    }
    if !f.context.is_empty() {
        let _ = write!(label, "\n{{{}}}", f.context.join(", "));
    }
    label
}

fn edge_label(s: &Stream) -> String {
    if s.message.is_empty() {
        s.kind.arrow().to_string()
    } else {
        format!("{} [{}]", s.kind.arrow(), s.message.join(", "))
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Graphviz DOT.
pub fn dot(analysis: &FileAnalysis) -> String {
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box];\n",
        dot_escape(&analysis.path)
    );
    for f in &analysis.fluxions {
        let _ = writeln!(
            out,
            "  f{} [label=\"{}\"];",
            f.id.0,
            dot_escape(&node_label(f))
        );
    }
    for f in &analysis.fluxions {
        for s in &f.streams {
            let style = match s.kind {
                StreamKind::Start => "bold",
                StreamKind::Post => "dashed",
            };
            let _ = writeln!(
                out,
                "  f{} -> f{} [label=\"{}\", style={style}];",
                f.id.0,
                s.to.0,
                dot_escape(&edge_label(s))
            );
        }
    }
    out.push_str("}\n");
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;").replace('\n', "<br/>")
}

/// Mermaid `flowchart`.
pub fn mermaid(analysis: &FileAnalysis) -> String {
    let mut out = String::from("flowchart LR\n");
    for f in &analysis.fluxions {
        let _ = writeln!(out, "  f{}[\"{}\"]", f.id.0, mermaid_escape(&node_label(f)));
    }
    for f in &analysis.fluxions {
        for s in &f.streams {
            let arrow = match s.kind {
                StreamKind::Start => "==>",
                StreamKind::Post => "-.->",
            };
            let _ = writeln!(
                out,
                "  f{} {arrow}|\"{}\"| f{}",
                f.id.0,
                mermaid_escape(&edge_label(s)),
                s.to.0
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::tests::paper;

    #[test]
    fn dot_of_the_paper_example() {
        assert_eq!(
            dot(&paper()),
            r#"digraph "/p/app.js" {
  rankdir=LR;
  node [shape=box];
  f0 [label="main & grp_res"];
  f1 [label="handler"];
  f2 [label="reply & grp_res\n{count}"];
  f0 -> f1 [label=">> [res]", style=bold];
  f1 -> f2 [label="-> [res]", style=dashed];
}
"#
        );
    }

    #[test]
    fn mermaid_of_the_paper_example() {
        assert_eq!(
            mermaid(&paper()),
            r#"flowchart LR
  f0["main & grp_res"]
  f1["handler"]
  f2["reply & grp_res<br/>{count}"]
  f0 ==>|">> [res]"| f1
  f1 -.->|"-> [res]"| f2
"#
        );
    }
}
