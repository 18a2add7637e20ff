//! The floor of the benchmark suite (`bench/run.sh`): what tree-sitter alone
//! costs, so every flux-lsp figure can be read as a multiple of the parser.
//! Prints one JSON object; asserts nothing.
//!
//!   floor edits FILE EDITS   incremental reparse after each single-character
//!                            edit of EDITS (lines `BYTE_OFFSET LETTER`: insert
//!                            the letter, then delete it again, as
//!                            `lsp_latency.py` does), and full parses of FILE
//!   floor parse LIST         full parse, then parse + one tree walk, of every
//!                            file named in LIST (one path a line), one thread
use std::time::Instant;

use flux_syntax::Dialect;
use tree_sitter::{InputEdit, Parser, Point, Tree};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["edits", file, edits] => edits_mode(file, edits),
        ["parse", list] => parse_mode(list),
        _ => {
            eprintln!("usage: floor edits FILE EDITS | floor parse LIST");
            std::process::exit(2);
        }
    }
}

fn parser_for(path: &str) -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&Dialect::of_path(path).language())
        .expect("grammar ABI matches the tree-sitter crate");
    parser
}

fn point_at(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1);
    Point { row, column }
}

fn edits_mode(file: &str, edits: &str) {
    let original = std::fs::read_to_string(file).expect("readable UTF-8 file");
    let edits: Vec<(usize, char)> = std::fs::read_to_string(edits)
        .expect("readable edits file")
        .lines()
        .filter_map(|l| {
            let (off, ch) = l.split_once(' ')?;
            Some((off.parse().ok()?, ch.chars().next()?))
        })
        .filter(|(off, _)| original.is_char_boundary(*off))
        .collect();
    let mut parser = parser_for(file);

    // Full parses of the file (the open, or a server without incremental reparse).
    let mut full = Vec::new();
    let mut tree: Option<Tree> = None;
    for _ in 0..3 {
        let t = Instant::now();
        tree = parser.parse(&original, None);
        full.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let mut tree = tree.expect("no timeout, no cancellation");

    // Each pair: insert the letter, reparse with the edited old tree; delete it, reparse.
    let mut reparse = Vec::with_capacity(edits.len() * 2);
    for &(off, ch) in &edits {
        let point = point_at(&original, off);
        let after = Point {
            row: point.row,
            column: point.column + ch.len_utf8(),
        };
        let mut inserted = original.clone();
        inserted.insert(off, ch);
        let steps = [
            (
                InputEdit {
                    start_byte: off,
                    old_end_byte: off,
                    new_end_byte: off + ch.len_utf8(),
                    start_position: point,
                    old_end_position: point,
                    new_end_position: after,
                },
                &inserted,
            ),
            (
                InputEdit {
                    start_byte: off,
                    old_end_byte: off + ch.len_utf8(),
                    new_end_byte: off,
                    start_position: point,
                    old_end_position: after,
                    new_end_position: point,
                },
                &original,
            ),
        ];
        for (edit, text) in steps {
            let t = Instant::now();
            tree.edit(&edit);
            tree = parser.parse(text, Some(&tree)).expect("no cancellation");
            reparse.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "{{\"file\":{:?},\"bytes\":{},\"full_parse_ms\":{},\"reparse_ms\":{}}}",
        file,
        original.len(),
        json_list(&full),
        json_list(&reparse)
    );
}

fn parse_mode(list: &str) {
    let paths: Vec<String> = std::fs::read_to_string(list)
        .expect("readable list")
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    // Read everything first: the floor is the parser, not the disk.
    let texts: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            Some((p.clone(), String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let mut parsers = [Dialect::JavaScript, Dialect::TypeScript, Dialect::Tsx].map(|d| {
        let mut p = Parser::new();
        p.set_language(&d.language()).expect("grammar ABI");
        p
    });
    let index = |path: &str| match Dialect::from_path(path) {
        Some(Dialect::TypeScript) => 1,
        Some(Dialect::Tsx) => 2,
        _ => 0,
    };

    let (t, cpu) = (Instant::now(), cpu_seconds());
    for (path, text) in &texts {
        std::hint::black_box(parsers[index(path)].parse(text, None));
    }
    let (parse_s, parse_cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu);

    let (t, cpu) = (Instant::now(), cpu_seconds());
    let mut nodes = 0usize;
    for (path, text) in &texts {
        let tree = parsers[index(path)]
            .parse(text, None)
            .expect("no cancellation");
        nodes += walk(&tree);
    }
    let (walk_s, walk_cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    println!(
        "{{\"files\":{},\"bytes\":{},\"parse_s\":{:.6},\"parse_cpu_s\":{:.2},\"parse_walk_s\":{:.6},\"parse_walk_cpu_s\":{:.2},\"nodes\":{}}}",
        texts.len(),
        bytes,
        parse_s,
        parse_cpu,
        walk_s,
        walk_cpu,
        nodes
    );
}

/// User + system CPU time of this process (Linux `/proc/self/stat`, in clock
/// ticks of 1/100 s): on a shared machine it varies less than wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// Visits every node once (pre-order, with a cursor: no recursion).
fn walk(tree: &Tree) -> usize {
    let mut cursor = tree.walk();
    let mut count = 1;
    loop {
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            count += 1;
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return count;
            }
            if cursor.goto_next_sibling() {
                count += 1;
                break;
            }
        }
    }
}

fn json_list(xs: &[f64]) -> String {
    let items: Vec<String> = xs.iter().map(|x| format!("{x:.4}")).collect();
    format!("[{}]", items.join(","))
}
