use crate::TextRange;

/// A 1-based line and column. Columns count UTF-16 code units, as ESLint,
/// SARIF and VS Code do, so that a position printed by the CLI is the one an
/// editor shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Maps byte offsets of one text to lines and columns. Line breaks are `\n`,
/// `\r\n` and a lone `\r`, as in LSP.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// 0-based line of a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and UTF-16 column of `offset` in `text`. An offset inside a
    /// multi-byte character counts from that character's start.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column: usize = text[start..end].chars().map(char::len_utf16).sum();
        LineCol {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    pub fn range(&self, text: &str, range: &TextRange) -> (LineCol, LineCol) {
        (
            self.line_col(text, range.start),
            self.line_col(text, range.end),
        )
    }

    /// The text of a 0-based line without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line);
        let end = self.line_start(line + 1).min(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_and_lines_follow_lsp_breaks() {
        let text = "a\r\nb😀c\rd\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'c' follows a 4-byte emoji that is 2 UTF-16 units.
        let c = text.find('c').unwrap();
        assert_eq!(idx.line_col(text, c), LineCol { line: 2, column: 4 });
        // inside the emoji: snaps to its start
        assert_eq!(idx.line_col(text, c - 2), LineCol { line: 2, column: 2 });
        let d = text.find('d').unwrap();
        assert_eq!(idx.line_col(text, d), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_text(text, 1), "b😀c");
    }
}
