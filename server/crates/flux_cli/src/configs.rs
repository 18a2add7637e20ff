//! Finding and loading `flux.json`: the nearest one above a file governs it,
//! unless `--config` names one for all files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use flux_analysis::config::FILE_NAME;
use flux_analysis::{Catalog, Config};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::walk;

/// A configuration and what is derived from it once per run.
pub struct Loaded {
    pub config: Config,
    pub catalog: Catalog,
    /// The `ignore` globs, rooted at the config's folder. The config documents
    /// them as gitignore-style, so `ignore`'s own gitignore matcher (globset
    /// underneath) applies them with exactly those semantics.
    ignore: Gitignore,
    /// `overrides[i].files` and `overrides[i].ignore`, rooted at the config's folder.
    overrides: Vec<(GlobSet, Gitignore)>,
}

impl Loaded {
    fn defaults() -> Loaded {
        let config = Config::default();
        Loaded {
            catalog: config.catalog(),
            config,
            ignore: Gitignore::empty(),
            overrides: Vec::new(),
        }
    }

    /// Indices of the overrides whose `files` match `file` (absolute), in order.
    pub fn overrides_for(&self, file: &Path) -> Vec<usize> {
        let Ok(rel) = file.strip_prefix(self.ignore.path()) else {
            return Vec::new();
        };
        self.overrides
            .iter()
            .enumerate()
            .filter(|(_, (files, _))| files.is_match(rel))
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether the config's `ignore` globs exclude `file` (absolute).
    pub fn ignores(&self, file: &Path) -> bool {
        let root = self.ignore.path();
        file.starts_with(root)
            && self
                .ignore
                .matched_path_or_any_parents(file, false)
                .is_ignore()
            || self.overrides_for(file).into_iter().any(|i| {
                self.overrides[i]
                    .1
                    .matched_path_or_any_parents(file, false)
                    .is_ignore()
            })
    }
}

/// The configurations of one run, loaded on demand.
pub struct Configs {
    pub loaded: Vec<Loaded>,
    /// `--config`: the index every file uses (`Some(None)`: it failed to load).
    forced: Option<Option<usize>>,
    /// Folder → index of the config governing it.
    by_dir: HashMap<PathBuf, usize>,
    by_file: HashMap<PathBuf, usize>,
    /// `PATH:LINE:COLUMN: message` lines, printed once.
    pub errors: Vec<String>,
}

impl Configs {
    pub fn new(forced: Option<&Path>) -> Configs {
        let mut configs = Configs {
            loaded: vec![Loaded::defaults()],
            forced: None,
            by_dir: HashMap::new(),
            by_file: HashMap::new(),
            errors: Vec::new(),
        };
        if let Some(file) = forced {
            configs.forced = Some(configs.load(&walk::absolute(file)));
        }
        configs
    }

    /// The index in `loaded` of the config for `file`; None if it is broken.
    pub fn for_file(&mut self, file: &Path) -> Option<usize> {
        if let Some(forced) = self.forced {
            return forced;
        }
        let abs = walk::absolute(file);
        // Folders walked up without a flux.json share the answer of the first one that has it.
        let mut pending = Vec::new();
        let mut i = 0;
        for dir in abs.ancestors().skip(1) {
            if let Some(&known) = self.by_dir.get(dir) {
                i = known;
                break;
            }
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                i = self.load(&candidate)?;
                self.by_dir.insert(dir.to_path_buf(), i);
                break;
            }
            pending.push(dir.to_path_buf());
        }
        for dir in pending {
            self.by_dir.insert(dir, i);
        }
        Some(i)
    }

    fn load(&mut self, file: &Path) -> Option<usize> {
        if let Some(&i) = self.by_file.get(file) {
            return Some(i).filter(|&i| i != usize::MAX);
        }
        let shown = relative_to_cwd(file);
        let result = std::fs::read_to_string(file)
            .map_err(|e| format!("{shown}: {e}"))
            .and_then(|text| {
                let config = Config::parse(&text).map_err(|e| format!("{shown}:{e}"))?;
                let root = file.parent().unwrap_or(Path::new("/"));
                let mut builder = GitignoreBuilder::new(root);
                for glob in &config.ignore {
                    if let Err(e) = builder.add_line(None, glob) {
                        let (line, column) = locate(&text, &format!("\"{glob}\""));
                        return Err(format!("{shown}:{line}:{column}: invalid ignore glob: {e}"));
                    }
                }
                let ignore = builder.build().map_err(|e| format!("{shown}: {e}"))?;
                let mut overrides = Vec::new();
                for o in &config.overrides {
                    let mut files = GlobSetBuilder::new();
                    for glob in &o.files {
                        // As ESLint's `files`: `*` stays within a folder, `**` crosses them.
                        let g = GlobBuilder::new(glob.trim_start_matches("./"))
                            .literal_separator(true)
                            .build()
                            .map_err(|e| {
                                let (line, column) = locate(&text, &format!("\"{glob}\""));
                                format!("{shown}:{line}:{column}: invalid files glob: {e}")
                            })?;
                        files.add(g);
                    }
                    let files = files.build().map_err(|e| format!("{shown}: {e}"))?;
                    let mut builder = GitignoreBuilder::new(root);
                    for glob in &o.ignore {
                        if let Err(e) = builder.add_line(None, glob) {
                            let (line, column) = locate(&text, &format!("\"{glob}\""));
                            return Err(format!(
                                "{shown}:{line}:{column}: invalid ignore glob: {e}"
                            ));
                        }
                    }
                    let ignore = builder.build().map_err(|e| format!("{shown}: {e}"))?;
                    overrides.push((files, ignore));
                }
                Ok(Loaded {
                    catalog: config.catalog(),
                    config,
                    ignore,
                    overrides,
                })
            });
        match result {
            Ok(loaded) => {
                self.loaded.push(loaded);
                let i = self.loaded.len() - 1;
                self.by_file.insert(file.to_path_buf(), i);
                Some(i)
            }
            Err(message) => {
                self.errors.push(message);
                self.by_file.insert(file.to_path_buf(), usize::MAX);
                None
            }
        }
    }
}

/// 1-based line and column of the first occurrence of `needle`.
fn locate(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or(0);
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rfind('\n').map_or(at, |nl| at - nl - 1) + 1;
    (line, column)
}

/// Paths under the current directory are shown relative to it.
pub fn relative_to_cwd(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    shown.display().to_string()
}
