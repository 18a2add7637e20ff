//! The `flux-lsp` command line. The only layer that walks directories, reads
//! files, prints and chooses exit codes.
//!
//! Exit codes: 0 no finding at warning level or above; 1 at least one;
//! 2 usage, configuration or I/O error (it takes precedence over 1, since the
//! result of a run that could not read everything is incomplete).

mod check;
mod configs;
pub mod human;
pub mod json;
pub mod report;
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

/// Output formats of `--check`. New formats (sarif, github) are new variants
/// here, a module like `json.rs`, and an arm in `check::check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like messages with code frames.
    Human,
    /// One JSON document (see README, "JSON output").
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "flux-lsp",
    version,
    about = "Finds the state that stops a Node.js server from running as several replicas.",
    long_about = "Finds the state that stops a Node.js server from running as several replicas.\n\n\
                  Without arguments (or with --stdio) flux-lsp is a language server on stdin/stdout.",
    after_help = "Exit codes: 0 no warning, 1 warnings found, 2 usage, configuration or I/O error.",
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

    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE", requires = "check")]
    output: Option<PathBuf>,

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
    if let Some(Command::Fluxions { file, config }) = &cli.command {
        return Outcome::Exit(check::fluxions(file, config.as_deref()));
    }
    let Some(mut paths) = cli.check else {
        return Outcome::ServeLsp;
    };
    paths.extend(cli.paths);
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let (mut out, color): (Box<dyn Write>, bool) = match &cli.output {
        Some(file) => match std::fs::File::create(file) {
            Ok(f) => (Box::new(std::io::BufWriter::new(f)), false),
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                return Outcome::Exit(EXIT_ERROR);
            }
        },
        None => {
            let stdout = std::io::stdout();
            let color =
                stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            (Box::new(stdout.lock()), color)
        }
    };
    let options = check::Options {
        format: cli.format,
        config: cli.config,
        color,
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
