//! The JavaScript files of the workspace folders, read off the async
//! threads (parsed when a query needs them, see `flux_ide::db::tree_of`). A handler module's findings depend on the file that
//! registers it, so the server knows every file, not only the open ones.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Stop after this many files: a monorepo should set `ignore` or open a sub-folder.
pub const MAX_FILES: usize = 5000;
/// Larger files are bundles or generated code.
pub const MAX_BYTES: u64 = 1 << 20;

/// A JavaScript or TypeScript file (not a `.d.ts`: it holds no code that runs).
pub fn is_js(path: &Path) -> bool {
    let path = path.to_string_lossy();
    flux_syntax::Dialect::from_path(&path).is_some()
        && !flux_syntax::Dialect::is_declaration_file(&path)
}

/// `(path, text)` for each JavaScript file under `roots`, honouring
/// `.gitignore` and skipping hidden folders and `node_modules`.
pub fn scan(roots: &[PathBuf]) -> Vec<(String, Arc<str>)> {
    let mut out = Vec::new();
    for root in roots {
        let walk = ignore::WalkBuilder::new(root)
            .filter_entry(|e| e.file_name() != "node_modules")
            .build();
        for entry in walk.flatten() {
            if out.len() >= MAX_FILES {
                eprintln!("flux-lsp: more than {MAX_FILES} files; the rest are read when opened");
                return out;
            }
            let path = entry.path();
            let small = entry
                .metadata()
                .is_ok_and(|m| m.is_file() && m.len() <= MAX_BYTES);
            if !small || !is_js(path) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            out.push((path.to_string_lossy().into_owned(), Arc::from(text)));
        }
    }
    out
}

/// Reads a source file, refusing what is not a regular file: a FIFO named
/// `x.js` would block the reader (here, under the state lock) forever.
pub(crate) fn read_source(path: impl AsRef<Path>) -> std::io::Result<String> {
    if !std::fs::metadata(path.as_ref())?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    std::fs::read_to_string(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_js_and_ts_files_but_not_node_modules_hidden_folders_or_declarations() {
        let tmp = std::env::temp_dir().join(format!("flux-lsp-scan-{}", std::process::id()));
        for dir in ["src", "node_modules/x", ".cache"] {
            std::fs::create_dir_all(tmp.join(dir)).unwrap();
        }
        for file in [
            "src/a.js",
            "src/b.mjs",
            "src/c.ts",
            "src/f.tsx",
            "src/g.d.ts",
            "node_modules/x/i.js",
            ".cache/d.js",
            "e.cjs",
        ] {
            std::fs::write(tmp.join(file), "let x: number = 1;\n").unwrap();
        }
        let scanned = scan(std::slice::from_ref(&tmp));
        assert!(scanned
            .iter()
            .all(|(_, text)| &**text == "let x: number = 1;\n"));
        let mut found: Vec<String> = scanned
            .into_iter()
            .map(|(p, _)| p.strip_prefix(&*tmp.to_string_lossy()).unwrap().to_string())
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                "/e.cjs",
                "/src/a.js",
                "/src/b.mjs",
                "/src/c.ts",
                "/src/f.tsx"
            ]
        );
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
