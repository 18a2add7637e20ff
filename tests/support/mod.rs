//! Helpers shared by the tests that run the `flux-lsp` binary.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::Path;
use std::process::Command;

use serde_json::Value;

// Also compiled into bench/typing.rs, where CARGO_BIN_EXE_* is not set.
mod frame;
#[allow(unused_imports)] // as dead_code above: not every test crate frames LSP
pub use frame::{read_frame, write_frame};

/// What one run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `flux-lsp ARGS` in `dir`, colours off.
pub fn flux(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_flux-lsp"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

pub fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A temporary folder holding these files.
pub fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    dir
}

/// The run's stdout as JSON.
pub fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

/// `flux-lsp ARGS` as a language server on piped stdin/stdout (stderr dropped).
pub fn spawn_server(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_flux-lsp"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts")
}
