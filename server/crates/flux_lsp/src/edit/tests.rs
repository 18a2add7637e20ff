use rand::{rngs::StdRng, Rng, SeedableRng};

use super::*;

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

fn pos(line: u32, character: u32) -> LspPos {
    LspPos { line, character }
}

#[test]
fn positions_round_trip_through_accents_cjk_emoji_and_crlf() {
    let rope = Rope::from_str("é=1;\r\n漢字 = '😀x';\rlast\n");
    // 'x' follows the emoji on line 1.
    let x = rope.to_string().find('x').unwrap();
    assert_eq!(byte_to_lsp(&rope, x, PositionEncoding::Utf16), pos(1, 8));
    assert_eq!(byte_to_lsp(&rope, x, PositionEncoding::Utf8), pos(1, 14));
    assert_eq!(byte_to_lsp(&rope, x, PositionEncoding::Utf32), pos(1, 7));
    for enc in ENCODINGS {
        let p = byte_to_lsp(&rope, x, enc);
        assert_eq!(lsp_to_byte(&rope, p, enc), x, "{enc:?}");
    }
    // Mid-surrogate snaps to the emoji's start.
    assert_eq!(
        lsp_to_byte(&rope, pos(1, 7), PositionEncoding::Utf16),
        x - 4
    );
    // Past EOL clamps before "\r\n"; past EOF clamps to the end.
    assert_eq!(
        lsp_to_byte(&rope, pos(0, 99), PositionEncoding::Utf16),
        "é=1;".len()
    );
    assert_eq!(
        lsp_to_byte(&rope, pos(99, 0), PositionEncoding::Utf16),
        rope.len_bytes()
    );
    // A lone '\r' is a line break, as in LSP.
    assert_eq!(
        byte_to_lsp(
            &rope,
            rope.to_string().find("last").unwrap(),
            PositionEncoding::Utf16
        ),
        pos(2, 0)
    );
}

#[test]
fn ropey_counts_only_lsp_line_breaks() {
    let rope = Rope::from_str("const a = \"x\u{2028}y\";\nconst b = 1;\u{000C}\n");
    assert_eq!(rope.len_lines(), 3);
}

/// tree-sitter breaks rows at `\n` only; a lone `\r` (a line break for LSP
/// and the rope) stays in the row. Every node's start, as tree-sitter
/// computes it, must be what `byte_to_point` gives for its byte.
#[test]
fn points_are_tree_sitter_points_across_lone_cr() {
    let text = "a = 1;\rb = (2,\r\n  3);\r\rc\n\r d = '漢';\r";
    let rope = Rope::from_str(text);
    let tree = parse_text(&rope.to_string(), None, Dialect::JavaScript);
    let mut cursor = tree.walk();
    let mut seen = 0;
    loop {
        let node = cursor.node();
        assert_eq!(
            byte_to_point(&rope, node.start_byte()),
            node.start_position(),
            "{} at {}",
            node.kind(),
            node.start_byte()
        );
        assert_eq!(byte_to_point(&rope, node.end_byte()), node.end_position());
        seen += 1;
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        while cursor.goto_parent() && !cursor.goto_next_sibling() {}
        if cursor.node() == tree.root_node() {
            break;
        }
    }
    assert!(seen > 10);
    assert_eq!(
        byte_to_point(&rope, text.find('b').unwrap()),
        Point::new(0, 7)
    );
}

/// The fuzzer's `edits` crash 50decc8a, reduced: after this edit the
/// incremental reparse hung the trailing comment on the program, a fresh
/// parse on the `if`. Erroneous trees are now parsed afresh.
#[test]
fn an_edit_around_a_syntax_error_gives_the_fresh_parse() {
    let mut doc = Document::new(
        ";count += 1\r\n }[\nel漢漢é]=>😀,count += 1\t//';acount += 1if (x) /* */",
        1,
    );
    assert!(
        doc.tree.root_node().has_error(),
        "`}}[` is an error already"
    );
    doc.apply(
        [(Some((pos(0, 0), pos(1, 13))), "${)if (x) ")],
        PositionEncoding::Utf8,
        2,
    );
    let fresh = parse_text(&doc.rope.to_string(), None, doc.dialect);
    assert!(fresh.root_node().has_error());
    assert_eq!(doc.tree.root_node().to_sexp(), fresh.root_node().to_sexp());
}

const ALPHABET: &[&str] = &[
    "a",
    "b",
    "(",
    ")",
    "{",
    "}",
    ";",
    " ",
    "\n",
    "\r\n",
    "é",
    "漢",
    "😀",
    "'",
    "await f();\n",
    "x => 1",
    "\r",
];

fn random_text(rng: &mut StdRng) -> String {
    (0..rng.gen_range(0..6))
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())])
        .collect()
}

fn random_pos(rng: &mut StdRng, rope: &Rope) -> LspPos {
    // Sometimes out of range, to exercise clamping.
    pos(
        rng.gen_range(0..rope.len_lines() as u32 + 2),
        rng.gen_range(0..30),
    )
}

/// 500 random edits per encoding: the rope equals a String edited the same
/// way, and the incrementally reparsed tree equals a fresh parse.
#[test]
fn random_edits_keep_rope_and_incremental_tree_exact() {
    for enc in ENCODINGS {
        let mut rng = StdRng::seed_from_u64(0xF1A5 + enc as u64);
        let start = "const app = require('express')();\r\napp.get('/', (req, res) => {\n  count++; // é 😀\n});\n";
        let mut doc = Document::new(start, 0);
        let mut expected = start.to_string();
        for step in 1..=500 {
            let n_changes = rng.gen_range(1..4);
            let mut changes = Vec::new();
            let mut shadow = doc.rope.clone();
            for _ in 0..n_changes {
                let (a, b) = (random_pos(&mut rng, &shadow), random_pos(&mut rng, &shadow));
                let text = random_text(&mut rng);
                // The reference: a String edited by byte offsets.
                let (mut s, mut e) = (lsp_to_byte(&shadow, a, enc), lsp_to_byte(&shadow, b, enc));
                if s > e {
                    std::mem::swap(&mut s, &mut e);
                }
                expected.replace_range(s..e, &text);
                apply_change(&mut shadow, Some((a, b)), &text, enc);
                changes.push((Some((a, b)), text));
            }
            doc.apply(changes.iter().map(|(r, t)| (*r, t.as_str())), enc, step);
            assert_eq!(doc.rope.to_string(), expected, "{enc:?} step {step}");
            let fresh = parse_text(&doc.rope.to_string(), None, doc.dialect);
            assert_eq!(
                doc.tree.root_node().to_sexp(),
                fresh.root_node().to_sexp(),
                "{enc:?} step {step}: {expected:?}"
            );
            assert_eq!(
                doc.tree.root_node().byte_range(),
                fresh.root_node().byte_range()
            );
        }
    }
}

#[test]
fn a_full_change_among_incremental_ones_reparses_from_scratch() {
    let mut doc = Document::new("let a = 1;", 1);
    doc.apply(
        [
            (Some((pos(0, 4), pos(0, 5))), "b"),
            (None, "const c = 2;\n"),
            (Some((pos(1, 0), pos(1, 0))), "c++;"),
        ],
        PositionEncoding::Utf16,
        2,
    );
    assert_eq!(doc.rope.to_string(), "const c = 2;\nc++;");
    assert_eq!(
        doc.tree.root_node().to_sexp(),
        parse_text(&doc.rope.to_string(), None, doc.dialect)
            .root_node()
            .to_sexp()
    );
    assert_eq!(doc.version, 2);
}

#[test]
fn typescript_documents_reparse_with_their_grammar() {
    let mut doc = Document::in_dialect(
        "const m = new Map<string, number>();",
        1,
        flux_syntax::Dialect::TypeScript,
    );
    assert!(!doc.tree.root_node().has_error());
    doc.apply(
        [(Some((pos(0, 36), pos(0, 36))), "\nlet n = m.get('a')!;")],
        PositionEncoding::Utf16,
        2,
    );
    assert!(
        !doc.tree.root_node().has_error(),
        "{}",
        doc.tree.root_node().to_sexp()
    );
    assert_eq!(
        doc.tree.root_node().to_sexp(),
        parse_text(&doc.rope.to_string(), None, doc.dialect)
            .root_node()
            .to_sexp()
    );
}

/// A mistyped keyword breaks the syntax; its undo restores the text, and
/// the tree of that text is the one kept from before, not a fresh parse.
#[test]
fn undoing_the_edit_that_broke_the_syntax_gets_the_last_good_tree_back() {
    let source = "function f(a) {\n  if (a) return 1;\n  return 2;\n}\n";
    let mut doc = Document::new(source, 1);
    // a root node's id is its tree's own field; a child's is in shared nodes
    let good_function = doc.tree.root_node().child(0).unwrap().id();
    let text = doc.text().clone();
    // `if` → `ifx`: an error
    doc.apply(
        [(Some((pos(1, 4), pos(1, 4))), "x")],
        PositionEncoding::Utf16,
        2,
    );
    assert!(doc.tree.root_node().has_error());
    assert_eq!(&**doc.text(), source.replacen("if", "ifx", 1).as_str());
    // a further broken edit keeps the last good tree
    doc.apply(
        [(Some((pos(1, 5), pos(1, 5))), "y")],
        PositionEncoding::Utf16,
        3,
    );
    assert!(doc.tree.root_node().has_error());
    // undone in two steps: the good tree and text again, no parse
    doc.apply(
        [(Some((pos(1, 4), pos(1, 6))), "")],
        PositionEncoding::Utf16,
        4,
    );
    assert_eq!(doc.tree.root_node().child(0).unwrap().id(), good_function);
    assert!(Arc::ptr_eq(doc.text(), &text));
    assert_eq!(
        doc.tree.root_node().to_sexp(),
        parse_text(source, None, doc.dialect).root_node().to_sexp()
    );
    // and edits go on from it incrementally
    doc.apply(
        [(Some((pos(2, 9), pos(2, 10))), "3")],
        PositionEncoding::Utf16,
        5,
    );
    assert_eq!(doc.rope.to_string(), source.replace("return 2", "return 3"));
    assert_eq!(
        doc.tree.root_node().to_sexp(),
        parse_text(&doc.rope.to_string(), None, doc.dialect)
            .root_node()
            .to_sexp()
    );
    // another text with errors never gets the good tree
    doc.apply(
        [(Some((pos(1, 4), pos(1, 4))), "x")],
        PositionEncoding::Utf16,
        6,
    );
    doc.apply(
        [(Some((pos(1, 4), pos(1, 5))), "z")],
        PositionEncoding::Utf16,
        7,
    );
    assert!(doc.tree.root_node().has_error());
    assert_eq!(
        doc.tree.root_node().to_sexp(),
        parse_text(&doc.rope.to_string(), None, doc.dialect)
            .root_node()
            .to_sexp()
    );
}
