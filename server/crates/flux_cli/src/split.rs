//! Splitting a config group into independent components, so that one big
//! group is analysed on every core.
//!
//! The analysis links files only through relative module specifiers
//! (`require('./x')`, `import … from '../y'`), resolved by
//! `flux_analysis::resolve`, which this module uses too. Every string literal
//! that looks like such a specifier links two files (a superset of the real
//! imports: an extra link only merges components), so each component's
//! analysis is the one the whole group would give.

use std::borrow::Borrow;
use std::collections::HashMap;

use flux_analysis::resolve;

use crate::check::Read;

/// Groups of indices into `reads`, each in input order; components in order
/// of their first file.
pub fn components<R: Borrow<Read>>(reads: &[R]) -> Vec<Vec<usize>> {
    let by_path: HashMap<String, usize> = reads
        .iter()
        .enumerate()
        .map(|(i, r)| (resolve::normalize(&r.borrow().path), i))
        .collect();
    let mut parent: Vec<usize> = (0..reads.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, r) in reads.iter().enumerate() {
        let r = r.borrow();
        for spec in specifiers(&r.text) {
            // Every candidate, not only the first that exists: a superset is safe.
            for candidate in resolve::candidates(&r.path, spec) {
                if let Some(&j) = by_path.get(&candidate) {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for i in 0..reads.len() {
        let root = find(&mut parent, i);
        let k = *slot.entry(root).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[k].push(i);
    }
    out
}

/// The contents of quoted strings that start like a relative specifier.
pub fn specifiers(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let q = bytes[i];
            i += 1;
            if !matches!(q, b'\'' | b'"' | b'`') {
                continue;
            }
            let rest = &text[i..];
            if !(rest.starts_with("./") || rest.starts_with("../") || rest.starts_with('/')) {
                continue;
            }
            let end = rest
                .bytes()
                .position(|b| b == q || b == b'\n')
                .unwrap_or(rest.len());
            i += end;
            return Some(&rest[..end]);
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, text: &str) -> Read {
        Read {
            path: path.into(),
            text: text.into(),
        }
    }

    #[test]
    fn relative_imports_link_files() {
        let reads = [
            read("app/a.js", "const b = require('./lib/b');"),
            read("app/c.js", "console.log('/');"),
            read("app/lib/b.js", "import x from \"../d\";"),
            read("app/d/index.js", ""),
        ];
        assert_eq!(components(&reads), vec![vec![0, 2, 3], vec![1]]);
    }

    /// The split must not change any finding: compare with whole-group runs.
    #[test]
    fn split_analysis_equals_whole_group_analysis() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
        {
            let dir = "examples/chat-server and tests/fixtures";
            let (inputs, _) = crate::walk::collect(&[
                root.join("examples/chat-server"),
                root.join("tests/fixtures"),
            ]);
            let reads: Vec<Read> = inputs
                .iter()
                .map(|i| {
                    read(
                        &crate::walk::display(&i.path),
                        &std::fs::read_to_string(&i.path).unwrap(),
                    )
                })
                .collect();
            let files: Vec<flux_analysis::SourceFile<'_>> = reads
                .iter()
                .map(|r| flux_analysis::SourceFile {
                    path: &r.path,
                    text: &r.text,
                })
                .collect();
            let config = flux_analysis::Config::default();
            let catalog = config.catalog();
            let whole = flux_analysis::analyze(&files, &catalog, &config);
            let parts = components(&reads);
            assert!(parts.len() > 1, "{dir}: {parts:?}");
            for part in parts {
                let sub: Vec<_> = part.iter().map(|&i| files[i]).collect();
                for (k, a) in flux_analysis::analyze(&sub, &catalog, &config)
                    .into_iter()
                    .enumerate()
                {
                    assert_eq!(a, whole[part[k]], "{}", a.path);
                }
            }
        }
    }
}
