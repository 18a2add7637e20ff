//! Our own reading of the client's byte stream. tower-lsp-server 0.23's
//! decoder ends the session at the first frame it cannot decode (headers
//! httparse rejects, a bad `Content-Length`, a body that is not a message):
//! `FramedRead` yields the error, then `None`. So the client's bytes are
//! framed here, tolerantly, and only well-formed messages reach
//! tower-lsp-server, re-framed, through an in-memory pipe. The answers to
//! bad frames (`-32700`, `-32600`, `id: null`) are written between the
//! server's own frames, never inside one.
//!
//! Framing: headers start with `Content-Length:` or `Content-Type:` (any
//! case, any order, other headers ignored) and end at an empty line; the
//! body is `Content-Length` bytes. Bytes that do not start a header block
//! are skipped up to the next header name; a header block without a valid
//! length is answered `-32700` and skipped the same way; so is a body over
//! [`MAX_BODY`], dropped as it arrives.

use bytes::{Buf, BytesMut};
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The header names of the base protocol, lowercase.
const HEADER_NAMES: [&[u8]; 2] = [b"content-length:", b"content-type:"];
/// A header block longer than this is garbage (real ones are ~60 bytes).
const MAX_HEADERS: usize = 8 * 1024;
/// A body longer than this is refused and skipped as it arrives, never
/// buffered: a 9 MB file sent whole is ~10 MB of JSON, and a lying
/// `Content-Length` must not make the server hold gigabytes.
pub const MAX_BODY: usize = 64 << 20;

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;

/// What the framer found at the front of its buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A body of exactly `Content-Length` bytes, not yet checked.
    Frame(BytesMut),
    /// A header block without a usable `Content-Length` (skipped).
    BadHeaders(String),
    /// Bytes before the next header name, skipped.
    Garbage(usize),
}

/// Splits a byte stream into frames; never fails, only skips.
#[derive(Default)]
pub struct Framer {
    buf: BytesMut,
    /// Set once a header block gave the body's length.
    body_len: Option<usize>,
    /// Bytes of a refused body still to discard.
    skip: usize,
}

impl Framer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next event, or `None` when more input is needed (after the end
    /// of input, `eof`: `None` when nothing complete remains).
    pub fn next(&mut self, eof: bool) -> Option<Event> {
        if self.skip > 0 {
            let n = self.skip.min(self.buf.len());
            self.buf.advance(n);
            self.skip -= n;
            if self.skip > 0 {
                return None;
            }
        }
        if let Some(len) = self.body_len {
            if self.buf.len() < len {
                return None;
            }
            self.body_len = None;
            return Some(Event::Frame(self.buf.split_to(len)));
        }
        if self.buf.is_empty() {
            return None;
        }
        match header_name_at(&self.buf) {
            Some(true) => self.headers(eof),
            None if !eof => None, // a header name, maybe, cut short
            _ => self.skip_garbage(eof),
        }
    }

    fn headers(&mut self, eof: bool) -> Option<Event> {
        let Some(end) = headers_end(&self.buf[..self.buf.len().min(MAX_HEADERS)]) else {
            if self.buf.len() < MAX_HEADERS && !eof {
                return None;
            }
            // Never ends: past the name, it is garbage.
            self.buf.advance(1);
            return Some(Event::BadHeaders("a header block without an end".into()));
        };
        let block = self.buf.split_to(end);
        match content_length(&block) {
            Ok(len) if len > MAX_BODY => {
                self.skip = len;
                Some(Event::BadHeaders(format!(
                    "Content-Length {len} is over the limit of {} MiB; skipping the body",
                    MAX_BODY >> 20
                )))
            }
            Ok(len) => {
                self.body_len = Some(len);
                self.next(eof)
            }
            Err(why) => Some(Event::BadHeaders(why)),
        }
    }

    fn skip_garbage(&mut self, eof: bool) -> Option<Event> {
        let skip = (1..self.buf.len())
            .find(|&i| header_name_at(&self.buf[i..]) != Some(false))
            .unwrap_or(self.buf.len());
        // A possible name cut short at the end is kept, unless input ended.
        let skip = if eof && skip < self.buf.len() && header_name_at(&self.buf[skip..]).is_none() {
            self.buf.len()
        } else {
            skip
        };
        self.buf.advance(skip);
        Some(Event::Garbage(skip))
    }
}

/// `Some(true)`: `bytes` start with a header name; `None`: with a prefix of
/// one that more input may complete; `Some(false)`: neither.
fn header_name_at(bytes: &[u8]) -> Option<bool> {
    let mut partial = false;
    for name in HEADER_NAMES {
        let n = name.len().min(bytes.len());
        if bytes[..n].eq_ignore_ascii_case(&name[..n]) {
            if n == name.len() {
                return Some(true);
            }
            partial = true;
        }
    }
    if partial {
        None
    } else {
        Some(false)
    }
}

/// The length of the header block including its empty line (`\r\n` or a
/// bare `\n` as line ends).
fn headers_end(bytes: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            let line = &bytes[line_start..i];
            if line.is_empty() || line == b"\r" {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

fn content_length(block: &[u8]) -> Result<usize, String> {
    let mut length = None;
    for line in block.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if !line[..colon]
            .trim_ascii()
            .eq_ignore_ascii_case(b"content-length")
        {
            continue;
        }
        let value = line[colon + 1..].trim_ascii();
        let parsed = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
        match parsed {
            Some(n) => length = Some(n),
            None => {
                return Err(format!(
                    "Content-Length is not a number: {:?}",
                    String::from_utf8_lossy(value)
                ))
            }
        }
    }
    length.ok_or_else(|| "no Content-Length header".into())
}

/// tower-lsp-server's own message type (private there): a body it decodes
/// is exactly a body this accepts, so no frame forwarded can stop it.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only decoded, to validate
enum Message {
    Response(Response),
    Request(Request),
}

/// `Ok` for a JSON-RPC message; else the error code to answer. Stricter
/// than tower-lsp-server, which takes `{"jsonrpc":"2.0","id":7}` for a
/// response (its `result` defaults to null): a response needs exactly one
/// of `result` and `error`.
/// `Ok` with the method of a request or notification (`None` for a
/// response), or the JSON-RPC error code to answer.
pub fn check(body: &[u8]) -> Result<Option<String>, i64> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(PARSE_ERROR);
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Err(PARSE_ERROR);
    };
    let is_request = value.get("method").is_some_and(|m| m.is_string());
    let is_response =
        value.get("id").is_some() && value.get("result").is_some() != value.get("error").is_some();
    if (is_request || is_response) && serde_json::from_str::<Message>(text).is_ok() {
        Ok(value
            .get("method")
            .and_then(|m| m.as_str())
            .map(str::to_owned))
    } else {
        Err(INVALID_REQUEST)
    }
}

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(code: i64) -> Vec<u8> {
    let message = if code == PARSE_ERROR {
        "Parse error"
    } else {
        "Invalid request"
    };
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": code, "message": message},
    });
    frame(body.to_string().as_bytes())
}

/// Reads the client's bytes until their end: messages go to the server,
/// re-framed; answers to bad frames to `answers`. Returns at end of input
/// (dropping `to_server`, which ends the server's session).
pub async fn read_input(
    mut input: impl AsyncRead + Unpin,
    mut to_server: impl AsyncWrite + Unpin,
    answers: UnboundedSender<Vec<u8>>,
    on_method: impl Fn(&str),
) {
    let mut framer = Framer::default();
    let mut eof = false;
    loop {
        let Some(event) = framer.next(eof) else {
            if eof {
                return;
            }
            match input.read_buf(&mut framer.buf).await {
                Ok(0) | Err(_) => eof = true,
                Ok(_) => {}
            }
            continue;
        };
        match event {
            Event::Frame(body) => match check(&body) {
                Ok(method) => {
                    if let Some(method) = method {
                        on_method(&method);
                    }
                    if to_server.write_all(&frame(&body)).await.is_err() {
                        return; // the server is gone
                    }
                }
                Err(code) => {
                    eprintln!("flux-lsp: a frame's body is not a JSON-RPC message ({code})");
                    let _ = answers.send(error_frame(code));
                }
            },
            Event::BadHeaders(why) => {
                eprintln!("flux-lsp: skipping a frame: {why}");
                let _ = answers.send(error_frame(PARSE_ERROR));
            }
            Event::Garbage(n) => eprintln!("flux-lsp: skipping {n} bytes that are not a frame"),
        }
    }
}

/// Passes the server's frames (well-formed: tower-lsp-server wrote them) to
/// `frames` whole, until the server closes its output.
pub async fn relay_output(
    mut from_server: impl AsyncRead + Unpin,
    frames: UnboundedSender<Vec<u8>>,
) {
    let mut framer = Framer::default();
    let mut eof = false;
    loop {
        match framer.next(eof) {
            Some(Event::Frame(body)) => {
                let _ = frames.send(frame(&body));
            }
            Some(_) => {} // not from tower-lsp-server's encoder
            None if eof => return,
            None => match from_server.read_buf(&mut framer.buf).await {
                Ok(0) | Err(_) => eof = true,
                Ok(_) => {}
            },
        }
    }
}

/// Writes whole frames to the client until every sender is gone or the
/// client stops reading.
pub async fn write_output(
    mut frames: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    output: impl AsyncWrite,
) {
    tokio::pin!(output);
    while let Some(frame) = frames.recv().await {
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests;
