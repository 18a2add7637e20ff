//! The `flux-lsp` command line. The only layer that walks directories, reads
//! files, prints and chooses exit codes.
//!
//! Exit codes: 0 clean; 1 findings over the policy (any error, or warnings
//! over `--max-warnings`, any warning without it); 2 usage, configuration or
//! I/O error (it takes precedence over 1, since the result of a run that
//! could not read everything is incomplete).

mod cache;
mod changed;
mod check;
mod configs;
pub mod github;
pub mod human;
pub mod json;
pub mod policy;
mod progress;
pub mod readiness;
pub mod report;
pub mod sarif;
mod split;
mod walk;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// What the binary should do once the command line is parsed.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The command ran; exit with this code.
    Exit(i32),
    /// No command (or `--stdio`): the binary is the language server.
    ServeLsp,
}

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Output formats of `--check`: a variant here, a module like `json.rs`,
/// and an arm in `check::check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like messages with code frames.
    Human,
    /// One JSON document (see README, "JSON output").
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the diff).
    Github,
}

/// Output formats of `graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
}

#[derive(Debug, Parser)]
#[command(
    name = "flux-lsp",
    version,
    about = "Finds the state that stops a Node.js server from running as several replicas.",
    long_about = "Finds the state that stops a Node.js server from running as several replicas.\n\n\
                  Without arguments (or with --stdio) flux-lsp is a language server on stdin/stdout.",
    after_help = "Exit codes: 0 clean; 1 findings over the policy (an error, or more warnings than \
                  --max-warnings, any warning without it); 2 usage, configuration or I/O error.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Check files and directories (default: the current directory).
    #[arg(long, value_name = "PATH", num_args = 0..)]
    check: Option<Vec<PathBuf>>,

    /// More paths for --check, so options may come between it and them
    /// (`--check --format json src`).
    #[arg(value_name = "PATH", requires = "check", hide = true)]
    paths: Vec<PathBuf>,

    /// Output format of --check.
    #[arg(long, value_enum, default_value_t = Format::Human, requires = "check")]
    format: Format,

    /// Use this flux.json for every file instead of discovering one per folder.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Write the report to FILE instead of stdout (the summary stays on stderr).
    #[arg(long, value_name = "FILE", requires = "check")]
    output: Option<PathBuf>,

    /// Fail (exit 1) only with more than N warnings; errors always fail.
    #[arg(long, value_name = "N", requires = "check")]
    max_warnings: Option<usize>,

    /// Count CODE's findings as errors; `warnings` counts every warning as one (repeatable).
    #[arg(long, value_name = "CODE|warnings", requires = "check")]
    deny: Vec<String>,

    /// Drop CODE's findings (repeatable).
    #[arg(long, value_name = "CODE", requires = "check")]
    allow: Vec<String>,

    /// Parse every file, even those nothing of the catalog reaches (which
    /// cannot hold a finding and are skipped by default).
    #[arg(long, requires = "check")]
    no_prefilter: bool,

    /// Keep results in DIR, keyed by file contents, configuration and
    /// version: a later run re-analyses only what changed (and what imports it).
    #[arg(long, value_name = "DIR", requires = "check")]
    cache: Option<PathBuf>,

    /// Check only files changed since the git revision REV (committed since
    /// the merge base, uncommitted, untracked), with the files linked to
    /// them by imports.
    #[arg(long, value_name = "REV", requires = "check")]
    changed_since: Option<String>,

    /// Serve the language server protocol on stdin/stdout (the default).
    #[arg(long, conflicts_with = "check")]
    stdio: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a file in the paper's fluxional language.
    Fluxions {
        /// The JavaScript file.
        file: PathBuf,
        /// Use this flux.json instead of the nearest one.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Cluster-readiness report: every entry point, whether it can run on
    /// several replicas, and the state that stops it. Exit 0 when the app is
    /// ready to replicate, 1 when it is not, 2 on errors.
    Report {
        /// Files and directories (default: the current directory).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = readiness::ReportFormat::Human)]
        format: readiness::ReportFormat,
        /// Use this flux.json for every file instead of discovering one per folder.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write the report to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Picture of the fluxions and streams of a file or an app.
    Graph {
        /// Files and directories (default: the current directory).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
        /// Use this flux.json for every file instead of discovering one per folder.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write the picture to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// stdout, or FILE; and whether to colour (a terminal, `NO_COLOR` unset).
fn open_output(output: Option<&std::path::Path>) -> Result<(Box<dyn Write>, bool), i32> {
    match output {
        Some(file) => match std::fs::File::create(file) {
            Ok(f) => Ok((Box::new(std::io::BufWriter::new(f)), false)),
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                Err(EXIT_ERROR)
            }
        },
        None => {
            let stdout = std::io::stdout();
            let color =
                stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            Ok((Box::new(stdout.lock()), color))
        }
    }
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}

/// `report` and `graph`: analyse, render, write.
fn render_command(
    paths: Vec<PathBuf>,
    config: Option<&std::path::Path>,
    output: Option<&std::path::Path>,
    render: impl FnOnce(&report::Report) -> (String, i32),
) -> i32 {
    // Entry points and pictures show every file: nothing is skipped.
    let scope = check::Scope::default();
    let (report, io_errors) = match check::load(&default_paths(paths), config, &scope) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (text, code) = render(&report);
    let mut out = match open_output(output) {
        Ok((out, _)) => out,
        Err(code) => return code,
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        eprintln!("error: writing the output: {e}");
        return EXIT_ERROR;
    }
    if io_errors.is_empty() {
        code
    } else {
        EXIT_ERROR
    }
}

/// Runs the command line from the process arguments.
pub fn main() -> Outcome {
    run(std::env::args_os())
}

/// Runs the command line from `args` (the first item is the program name).
pub fn run<I, T>(args: I) -> Outcome
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" with exit code 0; usage errors exit 2.
            let _ = e.print();
            return Outcome::Exit(e.exit_code());
        }
    };
    match cli.command {
        Some(Command::Fluxions { file, config }) => {
            return Outcome::Exit(check::fluxions(&file, config.as_deref()));
        }
        Some(Command::Report {
            paths,
            format,
            config,
            output,
        }) => {
            return Outcome::Exit(render_command(
                paths,
                config.as_deref(),
                output.as_deref(),
                |report| {
                    let text = readiness::render(report, format);
                    let ready = readiness::build(report).ready;
                    (text, if ready { EXIT_OK } else { EXIT_FINDINGS })
                },
            ));
        }
        Some(Command::Graph {
            paths,
            format,
            config,
            output,
        }) => {
            return Outcome::Exit(render_command(
                paths,
                config.as_deref(),
                output.as_deref(),
                |report| {
                    let files = readiness::inputs(report);
                    let text = match format {
                        GraphFormat::Dot => flux_graph::dot(&files),
                        GraphFormat::Mermaid => flux_graph::mermaid(&files),
                        GraphFormat::Svg => flux_graph::svg(&files),
                    };
                    (text, EXIT_OK)
                },
            ));
        }
        None => {}
    }
    let Some(mut paths) = cli.check else {
        return Outcome::ServeLsp;
    };
    paths.extend(cli.paths);
    let paths = default_paths(paths);
    let policy = match policy::Policy::new(&cli.allow, &cli.deny, cli.max_warnings) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Exit(EXIT_ERROR);
        }
    };
    let cache = match cli.cache.as_deref().map(cache::Cache::open).transpose() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: --cache: {e}");
            return Outcome::Exit(EXIT_ERROR);
        }
    };
    let changed = match cli.changed_since.as_deref() {
        None => None,
        Some(rev) => {
            // The repository of the first path (a file's folder).
            let dir = match paths[0].is_dir() {
                true => paths[0].clone(),
                false => paths[0]
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), PathBuf::from),
            };
            match changed::Changed::since(&dir, rev) {
                Ok(c) => Some(c),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Outcome::Exit(EXIT_ERROR);
                }
            }
        }
    };
    let (mut out, color) = match open_output(cli.output.as_deref()) {
        Ok(o) => o,
        Err(code) => return Outcome::Exit(code),
    };
    let options = check::Options {
        format: cli.format,
        config: cli.config,
        color,
        policy,
        scope: check::Scope {
            prefilter: !cli.no_prefilter,
            cache,
            changed,
        },
    };
    let code = check::check(&paths, &options, &mut out);
    if let Err(e) = out.flush() {
        eprintln!("error: writing the report: {e}");
        return Outcome::Exit(EXIT_ERROR);
    }
    Outcome::Exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_arguments_or_stdio_serve_lsp() {
        assert_eq!(run(["flux-lsp"]), Outcome::ServeLsp);
        assert_eq!(run(["flux-lsp", "--stdio"]), Outcome::ServeLsp);
    }

    #[test]
    fn usage_errors_exit_2() {
        assert_eq!(run(["flux-lsp", "--nope"]), Outcome::Exit(2));
        assert_eq!(
            run(["flux-lsp", "--check", "--format", "xml"]),
            Outcome::Exit(2)
        );
        assert_eq!(run(["flux-lsp", "--stdio", "--check"]), Outcome::Exit(2));
    }

    #[test]
    fn check_takes_several_paths_and_format_anywhere() {
        let cli =
            Cli::try_parse_from(["flux-lsp", "--format", "json", "--check", "a", "b.js"]).unwrap();
        assert_eq!(
            cli.check,
            Some(vec![PathBuf::from("a"), PathBuf::from("b.js")])
        );
        assert_eq!(cli.format, Format::Json);
        let cli = Cli::try_parse_from(["flux-lsp", "--check"]).unwrap();
        assert_eq!(cli.check, Some(vec![]));
        let cli =
            Cli::try_parse_from(["flux-lsp", "--check", "--format", "json", "src", "lib"]).unwrap();
        assert_eq!(
            (cli.check, cli.paths),
            (
                Some(vec![]),
                vec![PathBuf::from("src"), PathBuf::from("lib")]
            )
        );
        assert!(Cli::try_parse_from(["flux-lsp", "src"]).is_err());
        assert!(matches!(
            Cli::try_parse_from(["flux-lsp", "fluxions", "a.js"])
                .unwrap()
                .command,
            Some(Command::Fluxions { .. })
        ));
        let cli =
            Cli::try_parse_from(["flux-lsp", "fluxions", "a.js", "--config", "f.json"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Fluxions {
                config: Some(_),
                ..
            })
        ));
    }
}
