//! Target `transport`: the bytes as the server's input stream (framing,
//! JSON-RPC decoding, every handler). The server must return at end of
//! input without panicking, within a bounded time.

use std::time::Duration;

/// Generous: a hang shows as tens of seconds, not as a slow input.
const LIMIT: Duration = Duration::from_secs(20);

pub fn run(data: &[u8]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    let served = runtime.block_on(async {
        tokio::time::timeout(LIMIT, flux_lsp::serve(data, tokio::io::sink())).await
    });
    assert!(served.is_ok(), "the server did not stop at end of input");
    // Analyses still running on the blocking pool are abandoned, not awaited.
    runtime.shutdown_background();
}

/// One framed JSON-RPC message (for seeds and tests).
pub fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}
