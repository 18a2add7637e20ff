//! The flux-lsp language server over [`flux_ide`].
//!
//! Wire it from the binary with `std::process::exit(flux_lsp::run_stdio())`;
//! tests and other transports use [`serve`] with any reader/writer.
//!
//! * `edit`: the only place that knows position encodings; open documents
//!   are ropes plus a tree-sitter tree edited with `InputEdit` and reparsed
//!   incrementally from the previous tree, then handed to the database as an
//!   input field (stack.md option B). The reparse and the write wait for the
//!   next reader (a request, the diagnostics worker): a burst of edits costs
//!   one of each.
//! * `framing`: reads the client's bytes; tower-lsp-server sees only
//!   well-formed messages.
//! * `to_lsp` / `from_lsp`: protocol types ↔ the core's byte ranges, by hand.
//! * `server`: the `Backend`. Changes mutate under one `std::sync::Mutex`
//!   before any `.await` (ordering); reads take a snapshot and run on the
//!   blocking pool, cancelled by later changes (ContentModified) or by
//!   `$/cancelRequest` (token); panics there are answered InternalError.
//! * Diagnostics are pushed with their version to clients that cannot pull,
//!   and served by `textDocument/diagnostic` to those that can.

pub mod edit;
pub mod framing;
pub mod from_lsp;
mod parent;
pub mod scan;
mod server;
pub mod settings;
pub mod to_lsp;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub use server::{Backend, COMMANDS};
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves the protocol over `input`/`output` until `exit`, end of input, or
/// the death of the editor process named in `initialize` (`processId`).
/// Returns the exit code the protocol asks for: 0 after `shutdown`, else 1.
pub async fn serve(input: impl AsyncRead + Unpin, output: impl AsyncWrite) -> i32 {
    let shutdown = Arc::new(AtomicBool::new(false));
    let parent_gone = Arc::new(tokio::sync::Notify::new());
    let (flag, gone) = (shutdown.clone(), parent_gone.clone());
    let (service, socket) =
        LspService::new(move |client| Backend::new(client, flag).watching_parent(gone));
    // The client's bytes are framed by `framing`; tower-lsp-server reads
    // and writes through in-memory pipes (its own reader stops at the first
    // bad frame).
    let (server_in, to_server) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (frames, frames_rx) = tokio::sync::mpsc::unbounded_channel();
    // 64: notifications are admitted while slow requests run (stack.md D3).
    let server = Server::new(server_in, server_out, socket)
        .concurrency_level(64)
        .serve(service);
    // `exit` answers 0 if `shutdown` was received before it: noted here, in
    // arrival order, since the two handlers may run concurrently.
    let received = shutdown.clone();
    let reading = framing::read_input(input, to_server, frames.clone(), move |method| {
        if method == "shutdown" {
            received.store(true, Ordering::SeqCst);
        }
    });
    let session = async {
        tokio::join!(server, framing::relay_output(from_server, frames));
    };
    // The session ends at `exit` or when the end of input reaches the
    // server; then reading stops too (stdin may stay open), which drops the
    // last sender and lets the writer finish.
    let run = async {
        let reading = async {
            reading.await;
            std::future::pending::<()>().await
        };
        tokio::select! {
            () = session => {}
            () = reading => {}
        }
    };
    tokio::select! {
        _ = async { tokio::join!(run, framing::write_output(frames_rx, output)) } => {}
        () = parent_gone.notified() => return 1,
    }
    if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// Runs the server on stdin/stdout; returns the process exit code.
pub fn run_stdio() -> i32 {
    // glibc gives each new thread its own malloc arena (up to 8 per core),
    // and each keeps what it freed: the blocking pool's threads made the
    // server's resident memory grow with the number of analyses run, not
    // with the open documents. One arena: the analyses are not
    // allocation-bound, and what one frees the next reuses. Fixed
    // thresholds stop glibc from raising them after a large free, so an
    // analysis's big buffers go back to the system when it ends.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 10);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("flux-lsp: cannot start the async runtime: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Dropping the runtime would wait for the thread blocked reading stdin
    // (still open when the editor died) and for analyses in flight.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    code
}
