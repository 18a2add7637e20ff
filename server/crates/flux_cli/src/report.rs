//! What a `--check` run hands to the renderers: the analyses and the texts
//! their byte ranges point into.

use std::collections::BTreeMap;

use flux_analysis::{FileAnalysis, Finding, Severity, TextRange};
use flux_syntax::{LineCol, LineIndex};

/// A checked file's text and its line index.
pub struct Source {
    pub text: String,
    pub index: LineIndex,
}

impl Source {
    pub fn new(text: String) -> Source {
        let index = LineIndex::new(&text);
        Source { text, index }
    }

    pub fn range(&self, range: &TextRange) -> (LineCol, LineCol) {
        self.index.range(&self.text, range)
    }
}

/// Texts by path as the analysis names files (the printed path).
#[derive(Default)]
pub struct Sources {
    by_path: BTreeMap<String, Source>,
}

impl Sources {
    pub fn insert(&mut self, path: String, text: String) {
        self.by_path.insert(path, Source::new(text));
    }

    pub fn get(&self, path: &str) -> Option<&Source> {
        self.by_path.get(path)
    }

    /// Loads a file a related location points to that the run did not check.
    pub fn ensure(&mut self, path: &str) {
        if !self.by_path.contains_key(path) {
            if let Ok(text) = std::fs::read_to_string(path) {
                self.insert(path.to_string(), text);
            }
        }
    }

    /// Line and column of `range` in `path`; (0, 0) if the file is unknown.
    pub fn position(&self, path: &str, range: &TextRange) -> (LineCol, LineCol) {
        match self.get(path) {
            Some(s) => s.range(range),
            None => {
                let zero = LineCol { line: 0, column: 0 };
                (zero, zero)
            }
        }
    }
}

/// What became of the checked files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Parsed and analysed.
    pub analysed: usize,
    /// Results read from `--cache`.
    pub cached: usize,
    /// Not parsed: nothing in their part names the catalog (they cannot hold a finding).
    pub skipped: usize,
    /// Not parsed: nothing in their part changed since `--changed-since`.
    pub unchanged: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.analysed += o.analysed;
        self.cached += o.cached;
        self.skipped += o.skipped;
        self.unchanged += o.unchanged;
    }
}

/// One run's results, files sorted by path and findings by position.
pub struct Report {
    /// Files checked, whether analysed, read from the cache or skipped.
    pub files: usize,
    pub counts: Counts,
    pub sources: Sources,
    pub analyses: Vec<FileAnalysis>,
}

impl Report {
    pub fn findings(&self) -> impl Iterator<Item = (&FileAnalysis, &Finding)> {
        self.analyses
            .iter()
            .flat_map(|a| a.findings.iter().map(move |f| (a, f)))
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings()
            .filter(|(_, f)| f.severity == severity)
            .count()
    }

    /// Findings hidden by `flux-ignore` comments.
    pub fn suppressed(&self) -> usize {
        self.analyses
            .iter()
            .flat_map(|a| &a.suppressions)
            .map(|s| s.used)
            .sum()
    }

    /// Findings at warning level or above.
    pub fn has_warnings(&self) -> bool {
        self.findings()
            .any(|(_, f)| f.severity >= Severity::Warning)
    }
}
