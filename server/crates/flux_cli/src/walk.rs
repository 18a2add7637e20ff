//! Which files a `--check` run looks at. Directories are walked with the
//! `ignore` crate (ripgrep's walker), so `.gitignore`, `.ignore` and hidden
//! files are handled as developers expect.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// The extensions checked when walking a directory (TypeScript declaration
/// files, `.d.ts`, are skipped: they hold no code that runs).
pub const EXTENSIONS: [&str; 8] = ["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// The path as printed: the argument joined with the walked path.
    pub path: PathBuf,
    /// Named on the command line: checked whatever its extension or ignore globs.
    pub explicit: bool,
}

/// Files under `paths`, sorted and deduplicated, and the errors met on the way.
pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{}: {e}", root.display()));
                continue;
            }
        };
        if !meta.is_dir() {
            inputs.push(Input {
                path: root.clone(),
                explicit: true,
            });
            continue;
        }
        let walker = WalkBuilder::new(root)
            // Outside a git repository a .gitignore still says what is not source.
            .require_git(false)
            .follow_links(true)
            // Dependencies are not the project's code (as ESLint does).
            .filter_entry(|e| e.depth() == 0 || e.file_name() != "node_modules")
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| !t.is_dir()) => {
                    if has_js_extension(e.path()) {
                        inputs.push(Input {
                            path: e.into_path(),
                            explicit: false,
                        });
                    }
                }
                Ok(_) => {}
                Err(e) => errors.push(describe(&e)),
            }
        }
    }
    inputs.sort();
    // A file both named and found by a walk: keep one, explicit if either is.
    inputs.dedup_by(|b, a| {
        if a.path == b.path {
            a.explicit |= b.explicit;
            true
        } else {
            false
        }
    });
    (inputs, errors)
}

fn has_js_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
        && !flux_syntax::Dialect::is_declaration_file(&path.to_string_lossy())
}

/// `ignore`'s errors, with the path first as the other messages have it.
fn describe(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } => format!("{}: {}", path.display(), describe(err)),
        ignore::Error::WithDepth { err, .. } => describe(err),
        ignore::Error::Loop { ancestor, child } => format!(
            "{}: symbolic link loop (points back to {}), not followed",
            child.display(),
            ancestor.display()
        ),
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// The path as the user will read it: `./x.js` → `x.js` when walking `.`.
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// The real location of a path, for config discovery and glob matching
/// (`std::path::absolute` would keep `..`, and walking up `a/../b` visits `a`).
pub fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}
