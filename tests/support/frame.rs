//! LSP base-protocol framing over blocking streams: the tests' and
//! `bench/typing.rs`'s client side (the server has its own, `flux_lsp::framing`).

use serde_json::Value;

/// Reads one LSP frame (`Content-Length` header, blank line, JSON body);
/// `None` when the stream ends or the frame is not JSON.
pub fn read_frame(out: &mut impl std::io::BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().ok();
        }
    }
    let mut body = vec![0; len?];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Writes `body` as one LSP frame and flushes.
pub fn write_frame(out: &mut impl std::io::Write, body: &str) {
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    out.flush().unwrap();
}
