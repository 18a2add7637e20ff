//! `--format json`: the documented schema, version 1. Lines and columns are
//! 1-based, columns in UTF-16 code units (as editors count them).

use serde::Serialize;

use flux_analysis::TextRange;
use flux_syntax::LineCol;

use crate::report::Report;

pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct JsonReport {
    pub version: u32,
    /// Every file checked: `analysed` + `cached` + `skipped` + `unchanged`.
    pub files: usize,
    /// Parsed and analysed in this run.
    pub analysed: usize,
    /// Results read from `--cache`.
    pub cached: usize,
    /// Not parsed: nothing in them or the files linked to them names the catalog.
    pub skipped: usize,
    /// Not parsed: not changed, nor linked to a change, since `--changed-since`.
    pub unchanged: usize,
    pub findings: Vec<JsonFinding>,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding {
    pub file: String,
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub range: JsonRange,
    pub binding: Option<JsonBinding>,
    pub fluxion: String,
    pub related: Vec<JsonRelated>,
}

#[derive(Debug, Serialize)]
pub struct JsonPosition {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Serialize)]
pub struct JsonRange {
    pub start: JsonPosition,
    pub end: JsonPosition,
}

#[derive(Debug, Serialize)]
pub struct JsonBinding {
    pub name: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Serialize)]
pub struct JsonRelated {
    pub file: String,
    pub range: JsonRange,
    pub message: String,
}

impl From<LineCol> for JsonPosition {
    fn from(p: LineCol) -> JsonPosition {
        JsonPosition {
            line: p.line,
            column: p.column,
        }
    }
}

fn range(report: &Report, path: &str, r: &TextRange) -> JsonRange {
    let (start, end) = report.sources.position(path, r);
    JsonRange {
        start: start.into(),
        end: end.into(),
    }
}

pub fn build(report: &Report) -> JsonReport {
    let findings = report
        .findings()
        .map(|(file, f)| JsonFinding {
            file: file.path.clone(),
            code: f.code.as_str(),
            severity: f.severity.as_str(),
            message: f.message.clone(),
            range: range(report, &file.path, &f.range),
            binding: f.binding.as_ref().map(|b| {
                let (start, _) = report.sources.position(&file.path, &b.range);
                JsonBinding {
                    name: b.name.clone(),
                    line: start.line,
                    column: start.column,
                }
            }),
            fluxion: f.fluxion.clone(),
            related: f
                .related
                .iter()
                .map(|r| {
                    let path = r.path.as_deref().unwrap_or(&file.path);
                    JsonRelated {
                        file: path.to_string(),
                        range: range(report, path, &r.range),
                        message: r.message.clone(),
                    }
                })
                .collect(),
        })
        .collect();
    JsonReport {
        version: VERSION,
        files: report.files,
        analysed: report.counts.analysed,
        cached: report.counts.cached,
        skipped: report.counts.skipped,
        unchanged: report.counts.unchanged,
        findings,
    }
}

/// The report as pretty JSON followed by a newline.
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&build(report)).expect("plain data serialises");
    s.push('\n');
    s
}
