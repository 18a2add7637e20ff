//! `--cache DIR`: the results of each independent part of a run (a set of
//! files linked by relative imports, see `split`), keyed by everything the
//! analysis of that part reads: every file's path and content, the
//! configuration and catalog in force, and the build of flux-lsp. Editing one
//! file therefore re-analyses its part only (the files that import it or that
//! it imports, transitively), and nothing else.
//!
//! An entry is one JSON file named by the key. A missing, unreadable or
//! corrupt entry is a miss; a failed write only loses the entry.

use std::path::{Path, PathBuf};

use flux_analysis::{FileAnalysis, Finding, Suppression, TextRange};
use serde::{Deserialize, Serialize};

/// Bumped when the entry format changes.
const FORMAT: &str = "flux-lsp cache 1";

pub struct Cache {
    dir: PathBuf,
    /// The build: version, and the executable's size and time, so that a
    /// rebuilt analysis never reads a stale entry.
    build: String,
}

/// What `--check` needs of a file's analysis.
#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    findings: Vec<Finding>,
    syntax_errors: Vec<TextRange>,
    suppressions: Vec<Suppression>,
}

impl Cache {
    pub fn open(dir: &Path) -> Result<Cache, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
            .unwrap_or_default();
        Ok(Cache {
            dir: dir.to_path_buf(),
            build: format!("{} {exe}", env!("CARGO_PKG_VERSION")),
        })
    }

    /// The key of one part: `config` digests the configuration and catalog;
    /// `files` are the part's (path, content hash) in input order.
    pub fn key(&self, config: &blake3::Hash, files: &[(&str, blake3::Hash)]) -> String {
        let mut h = blake3::Hasher::new();
        h.update(FORMAT.as_bytes());
        h.update(&(self.build.len() as u64).to_le_bytes());
        h.update(self.build.as_bytes());
        h.update(config.as_bytes());
        for (path, content) in files {
            h.update(&(path.len() as u64).to_le_bytes());
            h.update(path.as_bytes());
            h.update(content.as_bytes());
        }
        h.finalize().to_hex().to_string()
    }

    fn file(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The part's analyses, if an intact entry for `key` holds these paths.
    pub fn get(&self, key: &str, paths: &[&str]) -> Option<Vec<FileAnalysis>> {
        let bytes = std::fs::read(self.file(key)).ok()?;
        let entries: Vec<Entry> = serde_json::from_slice(&bytes).ok()?;
        if entries.len() != paths.len() || entries.iter().zip(paths).any(|(e, p)| e.path != *p) {
            return None;
        }
        Some(
            entries
                .into_iter()
                .map(|e| FileAnalysis {
                    path: e.path,
                    findings: e.findings,
                    syntax_errors: e.syntax_errors,
                    suppressions: e.suppressions,
                    ..FileAnalysis::default()
                })
                .collect(),
        )
    }

    pub fn put(&self, key: &str, analyses: &[FileAnalysis]) {
        let entries: Vec<Entry> = analyses
            .iter()
            .map(|a| Entry {
                path: a.path.clone(),
                findings: a.findings.clone(),
                syntax_errors: a.syntax_errors.clone(),
                suppressions: a.suppressions.clone(),
            })
            .collect();
        let Ok(json) = serde_json::to_vec(&entries) else {
            return;
        };
        // Write then rename: a concurrent run never reads half an entry.
        let tmp = self.dir.join(format!(
            "{key}.{}.{:?}.tmp",
            std::process::id(),
            std::thread::current().id()
        ));
        if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, self.file(key)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The digest of what a configuration makes the analysis do.
pub fn config_digest(
    config: &flux_analysis::Config,
    catalog: &flux_analysis::Catalog,
) -> blake3::Hash {
    // Debug output is deterministic here: every map in both is a BTreeMap.
    blake3::hash(format!("{config:?}\n{catalog:?}").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_or_foreign_entries_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let config = flux_analysis::Config::default();
        let digest = config_digest(&config, &config.catalog());
        let key = cache.key(&digest, &[("a.js", blake3::hash(b"x"))]);
        assert!(cache.get(&key, &["a.js"]).is_none());
        let analysis = FileAnalysis {
            path: "a.js".into(),
            syntax_errors: vec![1..2],
            ..FileAnalysis::default()
        };
        cache.put(&key, std::slice::from_ref(&analysis));
        assert_eq!(cache.get(&key, &["a.js"]), Some(vec![analysis]));
        assert!(cache.get(&key, &["b.js"]).is_none());
        std::fs::write(dir.path().join(format!("{key}.json")), b"{\"not\": [").unwrap();
        assert!(cache.get(&key, &["a.js"]).is_none());
        // another content, path or configuration: another key
        assert_ne!(key, cache.key(&digest, &[("a.js", blake3::hash(b"y"))]));
        assert_ne!(key, cache.key(&digest, &[("b.js", blake3::hash(b"x"))]));
        let strict =
            flux_analysis::Config::parse(r#"{"severity": {"shared-state": "off"}}"#).unwrap();
        let other = config_digest(&strict, &strict.catalog());
        assert_ne!(key, cache.key(&other, &[("a.js", blake3::hash(b"x"))]));
    }
}
