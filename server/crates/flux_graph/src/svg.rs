//! SVG through layout-rs's builder API (a Sugiyama-style layered layout in
//! pure Rust). Its DOT front end ignores clusters and most styles, so the
//! graph is built directly with the styles set per node and edge.

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use flux_analysis::StreamKind;

use crate::{node_label, Graph};

const BLACK: u32 = 0x000000ff;
const BLUE: u32 = 0x1f5fbfff;
const RED: u32 = 0xcc0000ff;
const PINK: u32 = 0xffddddff;
const WHITE: u32 = 0xffffffff;
const FONT: usize = 14;

pub(crate) fn render(g: &Graph, name_files: bool) -> String {
    if g.nodes.is_empty() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"40\"><text x=\"10\" y=\"25\">no fluxions</text></svg>\n".into();
    }
    // Boxes name their file relative to the files' common folder.
    let prefix = if name_files {
        common_folder(g.nodes.iter().map(|n| n.path.as_str()))
    } else {
        0
    };
    let mut vg = VisualGraph::new(Orientation::LeftToRight);
    let handles: Vec<_> = g
        .nodes
        .iter()
        .map(|n| {
            let mut lines = node_label(n);
            if name_files {
                lines[0] = format!("{}: {}", &n.path[prefix..], lines[0]);
            }
            let text = lines.join("\n");
            let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
            let size = Point::new(
                (width * FONT * 6 / 10 + 24) as f64,
                (lines.len() * (FONT + 6) + 16) as f64,
            );
            let (line, line_width, fill) = match (n.entry, n.blocking.is_empty()) {
                (_, false) => (
                    if n.entry { BLUE } else { RED },
                    if n.entry { 4 } else { 2 },
                    PINK,
                ),
                (true, true) => (BLUE, 4, WHITE),
                (false, true) => (BLACK, 1, WHITE),
            };
            let look = StyleAttr::new(
                Color::new(line),
                line_width,
                Some(Color::new(fill)),
                6,
                FONT,
            );
            vg.add_node(Element::create(
                ShapeKind::new_box(&text),
                look,
                Orientation::LeftToRight,
                size,
            ))
        })
        .collect();
    for e in &g.edges {
        // Start streams bold, post streams thin and dashed, as in the DOT.
        let (width, style) = match e.kind {
            StreamKind::Start => (3, LineStyleKind::Normal),
            StreamKind::Post => (1, LineStyleKind::Dashed),
        };
        let look = StyleAttr::new(Color::new(BLACK), width, None, 0, FONT - 2);
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            style,
            &e.label,
            &look,
            &None,
            &None,
        );
        vg.add_edge(arrow, handles[e.from], handles[e.to]);
    }
    let mut svg = SVGWriter::new();
    vg.do_it(false, false, false, &mut svg);
    svg.finalize()
}

/// Length of the longest folder prefix (ending in `/`) all paths share.
fn common_folder<'a>(mut paths: impl Iterator<Item = &'a str>) -> usize {
    let Some(first) = paths.next() else { return 0 };
    let mut len = first.rfind('/').map_or(0, |i| i + 1);
    for p in paths {
        while len > 0 && !(p.len() >= len && p.as_bytes()[..len] == first.as_bytes()[..len]) {
            len = first[..len - 1].rfind('/').map_or(0, |i| i + 1);
        }
    }
    len
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_folder() {
        let f = |p: &[&str]| super::common_folder(p.iter().copied());
        assert_eq!(f(&["a/b/c.js", "a/b/d/e.js"]), 4);
        assert_eq!(f(&["a/b/c.js", "a/x.js"]), 2);
        assert_eq!(f(&["a.js", "b.js"]), 0);
        assert_eq!(f(&["ab/c.js", "a/c.js"]), 0);
    }
}
