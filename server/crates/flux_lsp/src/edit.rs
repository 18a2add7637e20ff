//! Open documents: a rope and an incrementally reparsed tree, edited with
//! LSP content changes in any position encoding. The conversions are those
//! verified in `stack.md` section c: they clamp instead of panicking
//! (line past EOF, character past EOL, mid-surrogate, reversed ranges).

use flux_syntax::Dialect;
use std::sync::Arc;

use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree};

/// The negotiated `positionEncoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
    Utf32,
}

/// An LSP position, free of protocol types so the module tests stand alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LspPos {
    pub line: u32,
    pub character: u32,
}

fn line_content_chars(rope: &Rope, line: usize) -> usize {
    let s = rope.line(line);
    let mut n = s.len_chars();
    if n > 0 && s.char(n - 1) == '\n' {
        n -= 1;
    }
    if n > 0 && s.char(n - 1) == '\r' {
        n -= 1;
    }
    n
}

/// Never panics: line past EOF → EOF; character past EOL → EOL (before
/// `\r\n`); mid-surrogate (UTF-16) or mid-code-point (UTF-8) → that char's start.
pub fn lsp_to_byte(rope: &Rope, pos: LspPos, enc: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_char = rope.line_to_char(line);
    let content = line_content_chars(rope, line);
    let col = match enc {
        PositionEncoding::Utf32 => (pos.character as usize).min(content),
        PositionEncoding::Utf16 => {
            let base = rope.char_to_utf16_cu(line_char);
            let max = rope.char_to_utf16_cu(line_char + content);
            rope.utf16_cu_to_char((base + pos.character as usize).min(max)) - line_char
        }
        PositionEncoding::Utf8 => {
            let base = rope.char_to_byte(line_char);
            let max = rope.char_to_byte(line_char + content);
            rope.byte_to_char((base + pos.character as usize).min(max)) - line_char
        }
    };
    rope.char_to_byte(line_char + col)
}

pub fn byte_to_lsp(rope: &Rope, byte: usize, enc: PositionEncoding) -> LspPos {
    let byte = byte.min(rope.len_bytes());
    let ch = rope.byte_to_char(byte);
    let line = rope.char_to_line(ch);
    let lc = rope.line_to_char(line);
    let character = match enc {
        PositionEncoding::Utf32 => ch - lc,
        PositionEncoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(lc),
        PositionEncoding::Utf8 => rope.char_to_byte(ch) - rope.char_to_byte(lc),
    };
    LspPos {
        line: line as u32,
        character: character as u32,
    }
}

/// tree-sitter's Point: row = `\n`s before `byte`, column = bytes since the
/// last `\n`. Not ropey's lines, which also break at a lone `\r`: an
/// InputEdit in ropey's rows shifts the old tree's extents wrongly and the
/// incremental parse then differs from a fresh one. LSP positions still come
/// from the rope, never from `Node::start_position()`. O(n), SIMD-counted.
pub fn byte_to_point(rope: &Rope, byte: usize) -> Point {
    let byte = byte.min(rope.len_bytes());
    let (mut row, mut row_start, mut at) = (0, 0, 0);
    for chunk in rope.byte_slice(..byte).chunks() {
        let breaks = str_indices::lines_lf::count_breaks(chunk);
        if breaks > 0 {
            row += breaks;
            row_start = at + chunk.rfind('\n').map_or(0, |i| i + 1);
        }
        at += chunk.len();
    }
    Point::new(row, byte - row_start)
}

/// Applies one content change. `None` range = full replacement (no
/// `InputEdit`: reparse without the old tree).
pub fn apply_change(
    rope: &mut Rope,
    range: Option<(LspPos, LspPos)>,
    new_text: &str,
    enc: PositionEncoding,
) -> Option<InputEdit> {
    let Some((start, end)) = range else {
        *rope = Rope::from_str(new_text);
        return None;
    };
    let (mut start_byte, mut old_end_byte) =
        (lsp_to_byte(rope, start, enc), lsp_to_byte(rope, end, enc));
    if start_byte > old_end_byte {
        std::mem::swap(&mut start_byte, &mut old_end_byte); // a buggy client
    }
    let start_position = byte_to_point(rope, start_byte); // old coordinates
    let old_end_position = byte_to_point(rope, old_end_byte);
    let start_char = rope.byte_to_char(start_byte);
    rope.remove(start_char..rope.byte_to_char(old_end_byte));
    rope.insert(start_char, new_text);
    let new_end_byte = start_byte + new_text.len();
    Some(InputEdit {
        start_byte,
        old_end_byte,
        new_end_byte,
        start_position,
        old_end_position,
        new_end_position: byte_to_point(rope, new_end_byte), // new coordinates
    })
}

fn parser(dialect: Dialect) -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&dialect.language())
        .expect("grammar ABI matches the tree-sitter crate");
    parser
}

/// Parses `text`, reusing `old` when given. One contiguous buffer, not the
/// rope's chunks: tree-sitter asks its input for every position it lexes or
/// reuses a node at, and a chunk lookup per request made jQuery's
/// incremental reparse 1.0–1.25 ms instead of 0.8.
pub fn parse_text(text: &str, old: Option<&Tree>, dialect: Dialect) -> Tree {
    parser(dialect)
        .parse(text, old)
        .expect("parsing without cancellation always yields a tree")
}

/// An open document.
#[derive(Clone)]
pub struct Document {
    pub rope: Rope,
    /// The rope's tree; after [`Document::edit`], an edited old tree until
    /// [`Document::reparse`].
    pub tree: Tree,
    pub version: i32,
    /// The rope's text as of the last parse (shared with the analysis).
    text: Arc<str>,
    /// The grammar of the file (JavaScript, TypeScript, TSX), from its name.
    pub dialect: Dialect,
    stale: Stale,
    /// The last error-free text and its tree, from the first edit after a
    /// parse until a parse without errors: an edit that breaks the syntax
    /// (a mistyped keyword) and its undo get that tree back instead of two
    /// fresh parses (1.3 s each on a 9 MB file). A tree copy shares every
    /// node until one is edited.
    good: Option<(Arc<str>, Tree)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stale {
    No,
    /// The old tree carries every edit since: reparse from it.
    Edited,
    /// A full replacement, or an old tree with syntax errors: parse afresh.
    Fresh,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Document {
        Document::in_dialect(text, version, Dialect::JavaScript)
    }

    pub fn in_dialect(text: &str, version: i32, dialect: Dialect) -> Document {
        let rope = Rope::from_str(text);
        let tree = parse_text(text, None, dialect);
        Document {
            rope,
            tree,
            version,
            text: Arc::from(text),
            dialect,
            stale: Stale::No,
            good: None,
        }
    }

    /// [`Document::edit`], then [`Document::reparse`].
    pub fn apply<'a>(
        &mut self,
        changes: impl IntoIterator<Item = (Option<(LspPos, LspPos)>, &'a str)>,
        enc: PositionEncoding,
        version: i32,
    ) {
        self.edit(changes, enc, version);
        self.reparse();
    }

    /// Applies content changes in order to the rope, and each edit to the
    /// old tree (an unedited old tree silently gives a wrong tree). The
    /// reparse waits for [`Document::reparse`]: a burst of changes costs one
    /// parse (tree-sitter's incremental reparse is still linear in a long
    /// list of statements).
    ///
    /// Around syntax errors tree-sitter's incremental reparse may recover
    /// differently from a fresh parse (e.g. hang a trailing comment on
    /// another node), so the tree, and the findings, would depend on the
    /// edit history instead of the text. Trees with errors, before or after,
    /// are therefore parsed afresh, unless the text is again the last
    /// error-free one: then its tree is taken back.
    pub fn edit<'a>(
        &mut self,
        changes: impl IntoIterator<Item = (Option<(LspPos, LspPos)>, &'a str)>,
        enc: PositionEncoding,
        version: i32,
    ) {
        if self.stale == Stale::No {
            if self.tree.root_node().has_error() {
                self.stale = Stale::Fresh;
            } else {
                self.good = Some((self.text.clone(), self.tree.clone()));
            }
        }
        for (range, text) in changes {
            match apply_change(&mut self.rope, range, text, enc) {
                Some(edit) if self.stale != Stale::Fresh => {
                    self.tree.edit(&edit);
                    self.stale = Stale::Edited;
                }
                Some(_) => {}
                None => self.stale = Stale::Fresh,
            }
        }
        self.version = version;
    }

    /// Whether edits await [`Document::reparse`].
    pub fn is_stale(&self) -> bool {
        self.stale != Stale::No
    }

    /// Brings the tree, and [`Document::text`], up to date with the rope.
    pub fn reparse(&mut self) {
        if self.stale == Stale::No {
            return;
        }
        let stale = std::mem::replace(&mut self.stale, Stale::No);
        let text: Arc<str> = Arc::from(self.rope.to_string());
        if let Some(good) = self.good.take_if(|(good_text, _)| **good_text == *text) {
            (self.text, self.tree) = good;
            return;
        }
        self.text = text;
        let text = &*self.text;
        self.tree = match stale {
            Stale::Edited => {
                let tree = parse_text(text, Some(&self.tree), self.dialect);
                if tree.root_node().has_error() {
                    drop(tree); // before the fresh parse: two trees, not three
                    parse_text(text, None, self.dialect)
                } else {
                    tree
                }
            }
            _ => parse_text(text, None, self.dialect),
        };
        if !self.tree.root_node().has_error() {
            self.good = None;
        }
    }

    /// The text of the tree: the rope's, unless edits await
    /// [`Document::reparse`].
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }
}

#[cfg(test)]
mod tests;
