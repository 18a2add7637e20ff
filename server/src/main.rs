//! The `flux-lsp` binary: a thin dispatcher over the CLI and the server crates.
fn main() {
    match flux_cli::main() {
        flux_cli::Outcome::Exit(code) => std::process::exit(code),
        flux_cli::Outcome::ServeLsp => std::process::exit(flux_lsp::run_stdio()),
    }
}
