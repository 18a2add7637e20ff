use super::*;

/// The events for `stream` fed in pieces of `chunk` bytes; garbage skipped
/// in several steps (as it arrives) is summed.
fn events(stream: &[u8], chunk: usize) -> Vec<Event> {
    let mut framer = Framer::default();
    let mut out = Vec::new();
    let add = |e: Event, out: &mut Vec<Event>| match (out.last_mut(), e) {
        (Some(Event::Garbage(n)), Event::Garbage(m)) => *n += m,
        (_, e) => out.push(e),
    };
    for piece in stream.chunks(chunk.max(1)) {
        framer.push(piece);
        while let Some(e) = framer.next(false) {
            add(e, &mut out);
        }
    }
    while let Some(e) = framer.next(true) {
        add(e, &mut out);
    }
    out
}

fn body(text: &str) -> Event {
    Event::Frame(BytesMut::from(text.as_bytes()))
}

/// The abuse test's stream, in one piece or a byte at a time: the same
/// events, and the frame after the garbage is found.
const ABUSE: &[u8] = b"Content-Length: many\r\n\r\n{}\
Content-Type: application/json\r\n\r\n{}\
Content-Length: 10\r\n\r\n{\"jsonrpc\": \"2.0\", \"id\": 99}\
content-length: 2\r\n\r\n[]";

#[test]
fn bad_headers_and_garbage_are_skipped_up_to_the_next_header() {
    let expected = vec![
        Event::BadHeaders("Content-Length is not a number: \"many\"".into()),
        Event::Garbage(2),
        Event::BadHeaders("no Content-Length header".into()),
        Event::Garbage(2),
        body("{\"jsonrpc\""),
        Event::Garbage(": \"2.0\", \"id\": 99}".len()),
        body("[]"),
    ];
    for chunk in [ABUSE.len(), 1, 2, 7] {
        assert_eq!(events(ABUSE, chunk), expected, "chunks of {chunk}");
    }
}

#[test]
fn headers_in_any_case_and_order_with_extra_ones_and_bare_newlines() {
    let stream = b"CONTENT-TYPE: application/vscode-jsonrpc; charset=utf-8\r\nX-Extra: 1\r\ncontent-length:  3 \r\n\r\nabc\
Content-Length: 2\n\nde";
    assert_eq!(events(stream, 64), vec![body("abc"), body("de")]);
    assert_eq!(events(stream, 1), vec![body("abc"), body("de")]);
}

#[test]
fn leading_garbage_then_a_frame() {
    let stream = b"\x00\xffnot a header\r\n\r\nContent-Length: 3\r\n\r\n{{{";
    assert_eq!(events(stream, 5), vec![Event::Garbage(18), body("{{{")]);
}

#[test]
fn the_end_of_input_drops_what_is_incomplete() {
    assert_eq!(events(b"Content-Length: 10\r\n\r\nabc", 4), vec![]);
    assert_eq!(events(b"Content-Le", 4), vec![Event::Garbage(10)]);
    assert_eq!(
        events(b"Content-Length: 1\r\n", 4),
        vec![
            Event::BadHeaders("a header block without an end".into()),
            Event::Garbage(18)
        ]
    );
}

#[test]
fn an_endless_header_block_is_cut() {
    let mut stream = b"Content-Length: 1\r\n".to_vec();
    stream.extend(std::iter::repeat_n(b'x', MAX_HEADERS));
    stream.extend_from_slice(b"Content-Length: 1\r\n\r\n!");
    let got = events(&stream, 100);
    assert_eq!(
        got.first(),
        Some(&Event::BadHeaders("a header block without an end".into()))
    );
    assert_eq!(got.last(), Some(&body("!")));
}

#[test]
fn bodies_are_checked_as_tower_lsp_server_decodes_them() {
    assert_eq!(
        check(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
        Ok(Some("shutdown".to_owned()))
    );
    assert_eq!(
        check(br#"{"jsonrpc":"2.0","method":"exit"}"#),
        Ok(Some("exit".to_owned()))
    );
    assert_eq!(
        check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#),
        Ok(None)
    );
    assert_eq!(check(br#"{"jsonrpc": "2.0", "id": "#), Err(PARSE_ERROR));
    assert_eq!(check(b"\"\xff\xfe\""), Err(PARSE_ERROR));
    assert_eq!(check(b""), Err(PARSE_ERROR));
    assert_eq!(
        check(br#"{"jsonrpc": "2.0", "id": 7}"#),
        Err(INVALID_REQUEST)
    );
    assert_eq!(check(b"[]"), Err(INVALID_REQUEST));
}

#[test]
fn a_body_over_the_limit_is_refused_and_skipped_unbuffered() {
    let len = MAX_BODY + 1;
    let mut framer = Framer::default();
    framer.push(format!("Content-Length: {len}\r\n\r\n").as_bytes());
    assert_eq!(
        framer.next(false),
        Some(Event::BadHeaders(format!(
            "Content-Length {len} is over the limit of 64 MiB; skipping the body"
        )))
    );
    // The body arrives in pieces and is dropped as it comes.
    let piece = vec![b'x'; 1 << 20];
    for _ in 0..len / piece.len() {
        framer.push(&piece);
        assert_eq!(framer.next(false), None);
        assert!(framer.buf.is_empty(), "a refused body is not buffered");
    }
    let rest = len % piece.len();
    framer.push(&piece[..rest]);
    framer.push(b"Content-Length: 2\r\n\r\n{}");
    assert_eq!(framer.next(false), Some(body("{}")));
    assert_eq!(framer.next(true), None);
}
