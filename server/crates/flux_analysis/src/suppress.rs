//! `// flux-ignore-next-line CODE[, CODE]: reason` and
//! `// flux-ignore-file CODE: reason` comments.

use serde::{Deserialize, Serialize};

use crate::model::{Code, Finding, Severity, TextRange};
use crate::program::{text_of, FileFacts};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Suppression {
    /// The comment.
    pub range: TextRange,
    /// `true` for `flux-ignore-file`.
    pub whole_file: bool,
    /// The codes as written (an unknown code is kept, so it can be reported).
    pub codes: Vec<String>,
    pub reason: Option<String>,
    /// How many findings it suppressed.
    pub used: usize,
}

pub(crate) struct Suppressions {
    list: Vec<(Suppression, usize)>, // with the 1-based line the comment is on
}

impl Suppressions {
    pub fn parse(facts: &FileFacts<'_>) -> Suppressions {
        let mut list = Vec::new();
        for c in &facts.comments {
            let raw = text_of(facts.text, *c);
            let body = raw
                .trim_start_matches("//")
                .trim_start_matches("/*")
                .trim_end_matches("*/")
                .trim();
            let (whole_file, rest) = if let Some(r) = body.strip_prefix("flux-ignore-next-line") {
                (false, r)
            } else if let Some(r) = body.strip_prefix("flux-ignore-file") {
                (true, r)
            } else {
                continue;
            };
            let (codes, reason) = match rest.split_once(':') {
                Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
                None => (rest, None),
            };
            let codes = codes
                .split([',', ' '])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect();
            let line = facts.line(c.start_byte());
            list.push((
                Suppression {
                    range: c.byte_range(),
                    whole_file,
                    codes,
                    reason,
                    used: 0,
                },
                line,
            ));
        }
        Suppressions { list }
    }

    /// Removes suppressed findings; returns the suppressions with their use counts.
    pub fn apply(mut self, text: &str, findings: &mut Vec<Finding>) -> Vec<Suppression> {
        if !self.list.is_empty() {
            findings.retain(|f| {
                let line = text.as_bytes()[..f.range.start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                let hit = self.list.iter_mut().find(|(s, at)| {
                    let applies =
                        s.codes.is_empty() || s.codes.iter().any(|c| c == f.code.as_str());
                    applies && (s.whole_file || *at + 1 == line)
                });
                match hit {
                    Some((s, _)) => {
                        s.used += 1;
                        false
                    }
                    None => true,
                }
            });
        }
        self.list.into_iter().map(|(s, _)| s).collect()
    }
}

/// `unused-suppression` findings: comments that suppressed nothing, or name
/// a code that does not exist.
pub(crate) fn unused(suppressions: &[Suppression], severity: Severity) -> Vec<Finding> {
    suppressions
        .iter()
        .filter_map(|s| {
            let unknown: Vec<&str> = s
                .codes
                .iter()
                .map(String::as_str)
                .filter(|c| Code::parse(c).is_none())
                .collect();
            let message = if !unknown.is_empty() {
                format!(
                    "unknown finding code `{}` in a suppression",
                    unknown.join("`, `")
                )
            } else if s.used == 0 {
                let what = if s.codes.is_empty() {
                    "any finding".to_string()
                } else {
                    format!("`{}`", s.codes.join("`, `"))
                };
                let scope = if s.whole_file {
                    "in this file"
                } else {
                    "on the next line"
                };
                format!("this suppression is unused: there is no {what} {scope}")
            } else {
                return None;
            };
            Some(Finding {
                code: Code::UnusedSuppression,
                severity,
                message,
                range: s.range.clone(),
                binding: None,
                fluxion: "main".into(),
                related: Vec::new(),
            })
        })
        .collect()
}
