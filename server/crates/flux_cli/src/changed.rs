//! `--changed-since REV`: the files changed since a git revision — committed
//! since the merge base of REV and HEAD, staged, unstaged, and untracked (not
//! ignored) — as absolute paths, deleted files included (a file importing a
//! deleted one analyses differently). A changed `flux.json` changes every file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use flux_analysis::config::FILE_NAME;
use flux_analysis::resolve;

pub struct Changed {
    paths: HashSet<String>,
    /// A `flux.json` changed: every file may analyse differently.
    pub config: bool,
}

/// Runs git in `dir`; stdout, or git's own message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("running git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// A path as a normalised absolute string, without touching the disk
/// (deleted files have no real path).
pub fn key(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    resolve::normalize(&abs.to_string_lossy())
}

impl Changed {
    /// Files changed since `rev` in the repository holding `dir`.
    pub fn since(dir: &Path, rev: &str) -> Result<Changed, String> {
        let top = git(dir, &["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("--changed-since needs a git repository: {e}"))?;
        let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
        let commit = format!("{rev}^{{commit}}");
        git(
            &top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &commit,
            ],
        )
        .map_err(|_| format!("--changed-since: unknown revision `{rev}`"))?;
        let base = git(&top, &["merge-base", rev, "HEAD"])
            .map(|b| b.trim().to_string())
            .unwrap_or_else(|_| rev.to_string());
        let diff = git(
            &top,
            &["diff", "--name-only", "--no-renames", "-z", &base, "--"],
        )
        .map_err(|e| format!("--changed-since: git diff: {e}"))?;
        let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])
            .map_err(|e| format!("--changed-since: git ls-files: {e}"))?;
        // Git names files from the top level, by their real path.
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        let names: Vec<&str> = diff
            .split('\0')
            .chain(untracked.split('\0'))
            .filter(|p| !p.is_empty())
            .collect();
        let config = names
            .iter()
            .any(|p| Path::new(p).file_name() == Some(FILE_NAME.as_ref()));
        let paths = names.iter().map(|p| key(&top.join(p))).collect();
        Ok(Changed { paths, config })
    }

    /// Was the file at `absolute` (its real path) changed?
    pub fn contains(&self, absolute: &Path) -> bool {
        self.paths.contains(&key(absolute))
    }

    /// Does a relative specifier of `text` (the file at the real path
    /// `absolute`) name a changed path (a deleted or newly added module)?
    pub fn named_by(&self, absolute: &Path, text: &str) -> bool {
        let from = absolute.to_string_lossy();
        crate::split::specifiers(text).any(|spec| {
            resolve::candidates(&from, spec)
                .iter()
                .any(|c| self.paths.contains(c))
        })
    }
}
