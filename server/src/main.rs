//! The `flux-lsp` binary: a thin dispatcher over the CLI and the server crates.
fn main() {
    std::process::exit(flux_cli::main());
}
