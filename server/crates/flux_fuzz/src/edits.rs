//! Target `edits`: random LSP content changes applied through flux_lsp's
//! `edit` module. After every change the rope must hold the text a naive
//! model computes from the same change, the incrementally reparsed tree
//! must equal a fresh parse of that text, the scope analysis reusing the
//! fragments of the previous versions must equal a fresh one, and the
//! analysis must not panic.

use arbitrary::Unstructured;
use flux_lsp::edit::{Document, LspPos, PositionEncoding};
use tree_sitter::Tree;

/// Pieces that stress conversions: multi-byte and astral characters, every
/// line terminator, and tokens that open and close syntax.
const PIECES: &[&str] = &[
    "a",
    "é",
    "漢",
    "😀",
    "\n",
    "\r\n",
    "\r",
    " ",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    "'",
    "\"",
    "`",
    "${",
    "/*",
    "*/",
    "//",
    "function f(){",
    "await ",
    "app.get('/', (req, res) => {",
    "count += 1",
    "=>",
    "class C {",
    "\u{2028}",
    "\t",
    "x = 1;\n",
    "if (x) ",
    "else ",
    ",",
];

fn text(u: &mut Unstructured<'_>, max: u8) -> String {
    let n = u.int_in_range(0..=max).unwrap_or(0);
    (0..n).map(|_| *u.choose(PIECES).unwrap_or(&"a")).collect()
}

/// Positions mostly near the text, sometimes far past its end.
fn pos(u: &mut Unstructured<'_>) -> LspPos {
    let wild = u.ratio(1, 16).unwrap_or(false);
    if wild {
        LspPos {
            line: u.arbitrary().unwrap_or(u32::MAX),
            character: u.arbitrary().unwrap_or(u32::MAX),
        }
    } else {
        LspPos {
            line: u.int_in_range(0..=8).unwrap_or(0),
            character: u.int_in_range(0..=24).unwrap_or(0),
        }
    }
}

/// The model: lines split at `\r\n`, `\r`, `\n` (LSP's terminators; ropey
/// is built with `cr_lines` and without Unicode breaks). Clamps as the
/// server promises: past EOF → EOF, past EOL → EOL, inside a character →
/// its start.
pub fn model_offset(text: &str, pos: LspPos, enc: PositionEncoding) -> usize {
    let bytes = text.as_bytes();
    let mut line_start = 0;
    for _ in 0..pos.line {
        let Some(i) = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        else {
            return text.len();
        };
        let at = line_start + i;
        line_start = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
    }
    let line_end = bytes[line_start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0usize;
    for (i, c) in text[line_start..line_end].char_indices() {
        let width = match enc {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if units + width > pos.character as usize {
            return line_start + i;
        }
        units += width;
    }
    line_end
}

/// Compares two trees node by node: kind, byte range, missing flag.
pub fn assert_same_tree(incremental: &Tree, fresh: &Tree, text: &str) {
    let (mut a, mut b) = (incremental.walk(), fresh.walk());
    loop {
        let (x, y) = (a.node(), b.node());
        assert!(
            x.kind_id() == y.kind_id()
                && x.byte_range() == y.byte_range()
                && x.is_missing() == y.is_missing(),
            "incremental tree differs from a fresh parse at {} {:?} vs {} {:?}\ntext: {text:?}\nincremental: {}\nfresh: {}",
            x.kind(),
            x.byte_range(),
            y.kind(),
            y.byte_range(),
            incremental.root_node().to_sexp(),
            fresh.root_node().to_sexp(),
        );
        let down = (a.goto_first_child(), b.goto_first_child());
        assert_eq!(down.0, down.1, "child count differs\ntext: {text:?}");
        if down.0 {
            continue;
        }
        loop {
            let next = (a.goto_next_sibling(), b.goto_next_sibling());
            assert_eq!(next.0, next.1, "sibling count differs\ntext: {text:?}");
            if next.0 {
                break;
            }
            let up = (a.goto_parent(), b.goto_parent());
            assert_eq!(up.0, up.1);
            if !up.0 {
                return;
            }
        }
    }
}

pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let enc = *u
        .choose(&[
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ])
        .unwrap_or(&PositionEncoding::Utf16);
    let mut model = text(&mut u, 40);
    let mut doc = Document::new(&model, 0);
    let mut version = 0;
    // kept across versions, as the server keeps each file's
    let scopes = flux_analysis::scope::ScopeCache::default();
    while !u.is_empty() {
        // One didChange: one or more content changes, applied in order.
        let n = u.int_in_range(1..=3).unwrap_or(1);
        let mut changes: Vec<(Option<(LspPos, LspPos)>, String)> = Vec::new();
        for _ in 0..n {
            let new_text = text(&mut u, 6);
            if u.ratio(1, 20).unwrap_or(false) {
                model = new_text.clone();
                changes.push((None, new_text));
                continue;
            }
            let (start, end) = (pos(&mut u), pos(&mut u));
            let (mut s, mut e) = (
                model_offset(&model, start, enc),
                model_offset(&model, end, enc),
            );
            if s > e {
                std::mem::swap(&mut s, &mut e);
            }
            model.replace_range(s..e, &new_text);
            changes.push((Some((start, end)), new_text));
        }
        version += 1;
        doc.apply(changes.iter().map(|(r, t)| (*r, t.as_str())), enc, version);
        let text = doc.rope.to_string();
        assert_eq!(text, model, "rope differs from the model");
        let fresh = flux_syntax::parse(&text, flux_syntax::Dialect::JavaScript);
        assert_same_tree(&doc.tree, &fresh, &text);
        assert_eq!(
            flux_analysis::scope::analyze_cached(&doc.tree, &text, &scopes, &|| {}),
            flux_analysis::scope::analyze(&fresh, &text),
            "scopes from kept fragments differ from a fresh walk"
        );
    }
    crate::analyze_checked(&[("server.js", &model)]);
}
