//! Protocol values to the core's terms.

use std::path::PathBuf;

use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::edit::{lsp_to_byte, LspPos, PositionEncoding};

pub fn pos(p: lsp::Position) -> LspPos {
    LspPos {
        line: p.line,
        character: p.character,
    }
}

pub fn offset(rope: &Rope, p: lsp::Position, enc: PositionEncoding) -> usize {
    lsp_to_byte(rope, pos(p), enc)
}

pub fn range(rope: &Rope, r: lsp::Range, enc: PositionEncoding) -> std::ops::Range<usize> {
    let (a, b) = (offset(rope, r.start, enc), offset(rope, r.end, enc));
    a.min(b)..a.max(b)
}

/// The key of a document in the analysis: its file path, or the URI text
/// for documents that are not files (`untitled:`), whose imports then resolve nowhere.
pub fn path(uri: &Uri) -> String {
    match file_path(uri) {
        Some(p) => p.to_string_lossy().into_owned(),
        None => uri.as_str().to_string(),
    }
}

pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

pub fn encoding(caps: &lsp::ClientCapabilities) -> PositionEncoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|kinds| kinds.contains(&lsp::PositionEncodingKind::UTF8)) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16 // mandatory for every client
    }
}
