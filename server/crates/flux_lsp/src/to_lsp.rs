//! The core's values to protocol types, by hand (the core stays free of LSP).

use flux_analysis::{Code, Finding, FluxionKind, Severity};
use flux_ide::features::{FluxionSymbol, InlayHint, InlayHintKind};
use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::edit::{byte_to_lsp, PositionEncoding};

pub fn position(rope: &Rope, offset: usize, enc: PositionEncoding) -> lsp::Position {
    let p = byte_to_lsp(rope, offset, enc);
    lsp::Position::new(p.line, p.character)
}

pub fn range(rope: &Rope, range: &std::ops::Range<usize>, enc: PositionEncoding) -> lsp::Range {
    lsp::Range::new(
        position(rope, range.start, enc),
        position(rope, range.end, enc),
    )
}

pub fn encoding(enc: PositionEncoding) -> lsp::PositionEncodingKind {
    match enc {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
    }
}

/// Related locations in another file are converted with `other`, which
/// returns that file's URI and text (`None`: the location is dropped).
pub fn diagnostic(
    uri: &Uri,
    rope: &Rope,
    enc: PositionEncoding,
    finding: &Finding,
    mut other: impl FnMut(&str) -> Option<(Uri, Rope)>,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let location = match &r.path {
                None => lsp::Location::new(uri.clone(), range(rope, &r.range, enc)),
                Some(path) => {
                    let (uri, rope) = other(path)?;
                    let lsp_range = range(&rope, &r.range, enc);
                    lsp::Location::new(uri, lsp_range)
                }
            };
            Some(lsp::DiagnosticRelatedInformation {
                location,
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(rope, &finding.range, enc),
        severity: Some(severity(finding.severity)),
        code: Some(lsp::NumberOrString::String(
            finding.code.as_str().to_string(),
        )),
        code_description: code_description(finding.code),
        source: Some("flux".to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn code_description(code: Code) -> Option<lsp::CodeDescription> {
    code.doc_url()
        .parse::<Uri>()
        .ok()
        .map(|href| lsp::CodeDescription { href })
}

pub fn inlay_hint(rope: &Rope, enc: PositionEncoding, hint: &InlayHint) -> lsp::InlayHint {
    let tooltip = match hint.kind {
        InlayHintKind::Stream => "stream to the fluxion this callback becomes (>> start, -> post)",
        InlayHintKind::Message => "variables the stream's message carries",
        InlayHintKind::Context => "variables kept in this fluxion's context",
    };
    lsp::InlayHint {
        position: position(rope, hint.offset, enc),
        label: lsp::InlayHintLabel::String(hint.label.clone()),
        kind: None,
        text_edits: None,
        tooltip: Some(lsp::InlayHintTooltip::String(tooltip.to_string())),
        padding_left: None,
        padding_right: Some(true),
        data: None,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
pub fn document_symbol(
    rope: &Rope,
    enc: PositionEncoding,
    s: &FluxionSymbol,
) -> lsp::DocumentSymbol {
    let kind = match s.kind {
        FluxionKind::Main => lsp::SymbolKind::MODULE,
        FluxionKind::Listener => lsp::SymbolKind::EVENT,
        FluxionKind::Continuation | FluxionKind::AfterAwait => lsp::SymbolKind::FUNCTION,
    };
    let full = range(rope, &s.range, enc);
    let mut selection = range(rope, &s.selection_range, enc);
    if selection.start < full.start || selection.end > full.end {
        selection = lsp::Range::new(full.start, full.start); // must lie inside `range`
    }
    lsp::DocumentSymbol {
        name: if s.name.is_empty() {
            "anonymous".to_string()
        } else {
            s.name.clone()
        },
        detail: (!s.detail.is_empty()).then(|| s.detail.clone()),
        kind,
        tags: None,
        deprecated: None,
        range: full,
        selection_range: selection,
        children: Some(
            s.children
                .iter()
                .map(|c| document_symbol(rope, enc, c))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use flux_analysis::{Related, TextRange};

    use super::*;

    fn finding(range: TextRange, related: Vec<Related>) -> Finding {
        Finding {
            code: Code::BlocksReplication,
            severity: Severity::Warning,
            message: "`é` is written by listener `h`".into(),
            range,
            binding: None,
            fluxion: "h".into(),
            related,
        }
    }

    #[test]
    fn a_finding_becomes_a_diagnostic_in_either_encoding() {
        let text = "let é = 0;\r\napp.get('/😀', () => { é++; });\n";
        let rope = Rope::from_str(text);
        let at = text.find("é++").unwrap();
        let uri: Uri = "file:///p/app.js".parse().unwrap();
        let other_uri: Uri = "file:///p/lib.js".parse().unwrap();
        let related = vec![
            Related {
                path: None,
                range: 4..6,
                message: "declared here".into(),
            },
            Related {
                path: Some("/p/lib.js".into()),
                range: 0..1,
                message: "exported here".into(),
            },
            Related {
                path: Some("/p/gone.js".into()),
                range: 0..1,
                message: "dropped".into(),
            },
        ];
        let f = finding(at..at + "é++".len(), related);
        let lookup =
            |p: &str| (p == "/p/lib.js").then(|| (other_uri.clone(), Rope::from_str("x\n")));
        let d16 = diagnostic(&uri, &rope, PositionEncoding::Utf16, &f, lookup);
        // Line 1: `app.get('/😀', () => { ` is 23 UTF-16 units, 25 bytes.
        assert_eq!(
            d16.range,
            lsp::Range::new(lsp::Position::new(1, 23), lsp::Position::new(1, 26))
        );
        let d8 = diagnostic(&uri, &rope, PositionEncoding::Utf8, &f, lookup);
        assert_eq!(
            d8.range,
            lsp::Range::new(lsp::Position::new(1, 25), lsp::Position::new(1, 29))
        );
        assert_eq!(d16.severity, Some(lsp::DiagnosticSeverity::WARNING));
        assert_eq!(
            d16.code,
            Some(lsp::NumberOrString::String("blocks-replication".into()))
        );
        assert_eq!(d16.source.as_deref(), Some("flux"));
        assert!(d16
            .code_description
            .unwrap()
            .href
            .as_str()
            .ends_with("#blocks-replication"));
        let related = d16.related_information.unwrap();
        assert_eq!(related.len(), 2);
        assert_eq!(
            related[0].location.range,
            lsp::Range::new(lsp::Position::new(0, 4), lsp::Position::new(0, 5))
        );
        assert_eq!(related[1].location.uri, other_uri);
    }

    #[test]
    fn severities_map_one_to_one() {
        assert_eq!(severity(Severity::Hint), lsp::DiagnosticSeverity::HINT);
        assert_eq!(
            severity(Severity::Information),
            lsp::DiagnosticSeverity::INFORMATION
        );
        assert_eq!(severity(Severity::Error), lsp::DiagnosticSeverity::ERROR);
    }
}
