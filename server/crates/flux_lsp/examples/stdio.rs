//! The server on stdin/stdout, for trying it before the `flux-lsp` binary
//! wires it: `cargo run -p flux_lsp --example stdio`.
fn main() {
    std::process::exit(flux_lsp::run_stdio());
}
