use super::*;
use flux_analysis::{Access, Code, Severity, Stream, VariableClass};

/// The paper's listing 1, analysed by hand.
pub(crate) const PAPER: &str = "var app = require('express')(), fs = require('fs'), count = 0;
app.get('/', function handler(req, res) {
  fs.readFile(__filename, function reply(error, data) {
    count += 1;
    res.send(error || String(count));
  });
});
app.listen(8080);
";

fn at(needle: &str) -> TextRange {
    let start = PAPER.find(needle).unwrap_or_else(|| panic!("{needle}"));
    start..start + needle.len()
}

fn span(from: &str, to: &str) -> TextRange {
    let start = PAPER.find(from).unwrap();
    let end = PAPER[start..].find(to).unwrap() + start + to.len();
    start..end
}

pub(crate) fn paper() -> FileAnalysis {
    let handler = span("function handler", "\n}");
    let reply = span("function reply", "\n  }");
    let get = span("app.get(", "});");
    let read = span("fs.readFile(", "});");
    let count_write = {
        let s = PAPER.find("count += 1").unwrap();
        s..s + 5
    };
    FileAnalysis {
        path: "/p/app.js".into(),
        fluxions: vec![
            Fluxion {
                id: FluxionId(0),
                name: "main".into(),
                kind: FluxionKind::Main,
                range: 0..PAPER.len(),
                upstream: None,
                streams: vec![Stream {
                    kind: StreamKind::Start,
                    to: FluxionId(1),
                    message: vec!["res".into()],
                    rupture_point: 0,
                }],
                context: vec![],
                groups: vec!["grp_res".into()],
            },
            Fluxion {
                id: FluxionId(1),
                name: "handler".into(),
                kind: FluxionKind::Listener,
                range: handler.start..handler.end - 2,
                upstream: Some((FluxionId(0), StreamKind::Start, 0)),
                streams: vec![Stream {
                    kind: StreamKind::Post,
                    to: FluxionId(2),
                    message: vec!["res".into()],
                    rupture_point: 1,
                }],
                context: vec![],
                groups: vec![],
            },
            Fluxion {
                id: FluxionId(2),
                name: "reply".into(),
                kind: FluxionKind::Continuation,
                range: reply.start..reply.end - 2,
                upstream: Some((FluxionId(1), StreamKind::Post, 1)),
                streams: vec![],
                context: vec!["count".into()],
                groups: vec!["grp_res".into()],
            },
        ],
        rupture_points: vec![
            RupturePoint {
                kind: StreamKind::Start,
                range: get.start..get.end - 1,
                callee_range: at("app.get"),
                callee: "app.get".into(),
                upstream: FluxionId(0),
                callbacks: vec![Callback::Fluxion(FluxionId(1))],
                origin: Origin::Catalog("express: Application.get".into()),
                event: None,
                label: None,
                one_shot: false,
                local: false,
            },
            RupturePoint {
                kind: StreamKind::Post,
                range: read.start..read.end - 1,
                callee_range: at("fs.readFile"),
                callee: "fs.readFile".into(),
                upstream: FluxionId(1),
                callbacks: vec![Callback::Fluxion(FluxionId(2))],
                origin: Origin::Catalog("fs: readFile".into()),
                event: None,
                label: None,
                one_shot: false,
                local: false,
            },
        ],
        variables: vec![Variable {
            name: "count".into(),
            decl: at("count"),
            class: VariableClass::Scope,
            persistent: true,
            owner: FluxionId(0),
            accesses: vec![
                Access {
                    range: count_write.clone(),
                    fluxion: FluxionId(2),
                    write: true,
                    mutation: false,
                    via: vec![],
                },
                Access {
                    range: at("count))"),
                    fluxion: FluxionId(2),
                    write: false,
                    mutation: false,
                    via: vec![],
                },
            ],
            group: None,
        }],
        findings: vec![Finding {
            code: Code::BlocksReplication,
            severity: Severity::Warning,
            message: "`count` is written by listener `reply`".into(),
            range: count_write,
            binding: Some(flux_analysis::BindingRef {
                name: "count".into(),
                range: at("count"),
            }),
            fluxion: "reply".into(),
            related: vec![],
        }],
        syntax_errors: vec![],
        suppressions: vec![],
    }
}

fn render(hints: &[InlayHint]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for h in hints {
        out.push_str(&PAPER[last..h.offset]);
        out.push_str(&format!("«{}»", h.label));
        last = h.offset;
    }
    out.push_str(&PAPER[last..]);
    out
}

#[test]
fn inlay_hints_write_the_paper_notation_at_callbacks() {
    let hints = inlay_hints(&paper(), PAPER, InlayHintConfig::default(), None);
    let text = render(&hints);
    assert!(
        text.contains("app.get('/', «>> handler»«[res]»function handler"),
        "{text}"
    );
    assert!(
        text.contains("fs.readFile(__filename, «-> reply»«[res]»«{count}»function reply"),
        "{text}"
    );
}

#[test]
fn inlay_hint_kinds_switch_off() {
    let config = InlayHintConfig {
        streams: true,
        messages: false,
        context: false,
    };
    let hints = inlay_hints(&paper(), PAPER, config, None);
    assert!(hints.iter().all(|h| h.kind == InlayHintKind::Stream));
    assert_eq!(hints.len(), 2);
    let reply_only = inlay_hints(
        &paper(),
        PAPER,
        InlayHintConfig::default(),
        Some(at("fs.readFile(__filename, function")),
    );
    assert_eq!(
        reply_only
            .iter()
            .map(|h| h.label.as_str())
            .collect::<Vec<_>>(),
        ["-> reply", "[res]", "{count}"]
    );
}

#[test]
fn a_callback_passed_by_name_gets_its_hint_at_the_argument() {
    let text = "function h(req, res) {}\napp.get('/h', h);\n";
    let mut a = paper();
    a.fluxions[1].range = 0..23;
    a.fluxions[1].name = "h".into();
    a.rupture_points[0].range = 24..40;
    a.rupture_points[0].callee_range = 24..31;
    let hints = inlay_hints(
        &a,
        text,
        InlayHintConfig {
            streams: true,
            messages: false,
            context: false,
        },
        None,
    );
    assert_eq!(hints[0].offset, text.rfind('h').unwrap());
}

#[test]
fn hover_on_a_persistent_variable_says_why_it_blocks() {
    let a = paper();
    let h = hover(&a, PAPER.find("count += 1").unwrap() + 2).expect("hover");
    assert!(
        h.markdown
            .starts_with("**count**: scope variable, persistent"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("written by: `reply`"), "{}", h.markdown);
    assert!(
        h.markdown.contains("Why it blocks replication"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("blocks-replication"), "{}", h.markdown);
}

#[test]
fn hover_on_a_rupture_point_names_both_sides() {
    let mut a = paper();
    a.rupture_points[0].label = Some("/".into());
    let h = hover(&a, PAPER.find("get").unwrap()).expect("hover");
    assert!(
        h.markdown
            .starts_with("**`app.get`**: start rupture point `>>`"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("on `/`"), "{}", h.markdown);
    let h = hover(&paper(), PAPER.find("readFile").unwrap()).expect("hover");
    assert_eq!(h.range, at("fs.readFile"));
    assert!(
        h.markdown.contains("post rupture point `->`"),
        "{}",
        h.markdown
    );
    assert!(
        h.markdown.contains("upstream fluxion: `handler`"),
        "{}",
        h.markdown
    );
    assert!(
        h.markdown.contains("downstream: `-> reply`"),
        "{}",
        h.markdown
    );
    assert!(hover(&paper(), PAPER.find("8080").unwrap()).is_none());
}

#[test]
fn the_outline_is_the_fluxion_tree() {
    let tree = fluxion_tree(&paper(), PAPER);
    assert_eq!(tree.len(), 1);
    assert_eq!(tree[0].name, "main");
    assert_eq!(tree[0].detail, "& grp_res");
    let handler = &tree[0].children[0];
    assert_eq!(
        (handler.name.as_str(), handler.detail.as_str()),
        ("handler", ">>")
    );
    assert_eq!(&PAPER[handler.selection_range.clone()], "handler");
    let reply = &handler.children[0];
    assert_eq!(reply.detail, "-> & grp_res {count}");
}

#[test]
fn a_listener_writing_persistent_state_is_stateful() {
    let lenses = listener_lenses(&paper());
    assert_eq!(lenses.len(), 1);
    assert_eq!(lenses[0].label, "stateful: count");
    let mut a = paper();
    a.variables.clear();
    assert_eq!(listener_lenses(&a)[0].label, "replicable");
    // Read by this listener, written only by the module body: a constant.
    let mut a = paper();
    a.variables[0].accesses.retain(|x| !x.write);
    a.variables[0].accesses.push(Access {
        range: 0..3,
        fluxion: FluxionId(0),
        write: true,
        mutation: false,
        via: vec![],
    });
    assert_eq!(listener_lenses(&a)[0].label, "replicable");
    // Read by this listener, written by another event (a timer): stateful.
    let mut a = paper();
    a.fluxions.push(Fluxion {
        id: FluxionId(3),
        name: "tick".into(),
        kind: FluxionKind::Listener,
        ..a.fluxions[1].clone()
    });
    a.variables[0].accesses.retain(|x| !x.write);
    a.variables[0].accesses.push(Access {
        range: 0..3,
        fluxion: FluxionId(3),
        write: true,
        mutation: false,
        via: vec![],
    });
    assert_eq!(listener_lenses(&a)[0].label, "stateful: count");
}

#[test]
fn suppression_is_indented_like_the_finding() {
    let a = paper();
    let ins = suppression(PAPER, &a.findings[0]);
    assert_eq!(ins.offset, PAPER.find("    count += 1").unwrap());
    assert_eq!(
        ins.text,
        "    // flux-ignore-next-line blocks-replication: \n"
    );
    let crlf = PAPER.replace('\n', "\r\n");
    let mut f = a.findings[0].clone();
    f.range.start = crlf.find("count += 1").unwrap();
    let ins = suppression(&crlf, &f);
    assert_eq!(
        ins.text,
        "    // flux-ignore-next-line blocks-replication: \r\n"
    );
    assert_eq!(&crlf[ins.offset..ins.offset + 5], "    c");
}

#[test]
fn an_unused_comment_is_removed_with_its_line_when_alone() {
    let text = "a();\r\n  // flux-ignore-next-line lost-update: x\r\nb(); // flux-ignore-file\n";
    let alone = text.find("// flux-ignore-next").unwrap();
    let end = text[alone..].find('\r').unwrap() + alone;
    let cut = comment_removal(text, &(alone..end));
    assert_eq!(
        format!("{}{}", &text[..cut.start], &text[cut.end..]),
        "a();\r\nb(); // flux-ignore-file\n"
    );
    let trailing = text.find("// flux-ignore-file").unwrap();
    let cut = comment_removal(text, &(trailing..text.len() - 1));
    assert_eq!(
        format!("{}{}", &text[..cut.start], &text[cut.end..]),
        "a();\r\n  // flux-ignore-next-line lost-update: x\r\nb();\n"
    );
}
