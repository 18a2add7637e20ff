//! Which files can matter to a run's findings, decided on bytes alone.
//!
//! Every finding needs a start rupture point (the variable rules need a
//! per-event fluxion; `unresolved-callback` is reported for start points
//! only), a library store or a per-replica job — all three come from the
//! catalog — or a `flux-ignore` comment (`unused-suppression`). The catalog is
//! reached only through a few spellings in the text, so a run of files none
//! of which spells any of them has no finding and need not be parsed:
//!
//! - a module specifier `'express'` / `"node:http"` whose type can lead to a
//!   start point, a store or a job (through properties, returns, `extends`,
//!   callback parameters, decorators): `'crypto'` cannot;
//! - a global of such a type, unless every use is `global.member` with a
//!   member that cannot (`process.env`);
//! - a built-in callee-text entry as a member (`.on`), a user entry as a word;
//! - a receiver heuristic followed by `.method` of a start method (`app.get`);
//! - the core's own heuristic: a `(req, res)` handler's first parameter;
//! - `flux-ignore`.
//!
//! The analysis links files only through relative specifiers, so the caller
//! skips a set of linked files only when none of them matches.
//! When a comment could hide the spelling (`a. /* x */ on`), it counts as a match.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::AhoCorasick;

use crate::catalog::{Catalog, Function, Type};

/// What a token must look like around it to count.
#[derive(Clone, Debug)]
enum Rule {
    /// The whole contents of a string literal, optionally after `node:`.
    Module,
    /// A whole word (user callee entries, the suppression marker).
    Word,
    /// A member name: `.on` (the built-in callee entries).
    Member,
    /// `name` not followed by `.member`, or followed by one of these members.
    Global(BTreeSet<String>),
    /// `name.member` with one of these members (receiver heuristics).
    Receiver(BTreeSet<String>),
    /// A parameter followed by another one or a type: `(req, res)`, `(req: Request`.
    Parameter,
}

/// A byte-level test derived from a catalog: can this text hold anything
/// that leads to a finding?
#[derive(Clone, Debug)]
pub struct Prefilter {
    automaton: AhoCorasick,
    /// Per pattern, the rules it was added with.
    rules: Vec<Vec<Rule>>,
}

/// First parameter names of the core's inferred request handlers (see
/// `pipeline::is_request_handler`).
const HANDLER_PARAMETERS: [&str; 2] = ["req", "request"];
/// Start of every suppression comment (see `suppress`).
const SUPPRESSION_MARKER: &str = "flux-ignore";

impl Prefilter {
    pub fn new(catalog: &Catalog) -> Prefilter {
        let relevant = relevant_types(catalog);
        let mut tokens: BTreeMap<String, Vec<Rule>> = BTreeMap::new();
        let mut add = |token: &str, rule: Rule| {
            if !token.is_empty() {
                tokens.entry(token.to_string()).or_default().push(rule);
            }
        };
        for (module, ty) in &catalog.modules {
            if relevant.contains(ty.as_str()) {
                add(module, Rule::Module);
            }
        }
        for (global, ty) in &catalog.globals {
            if relevant.contains(ty.as_str()) {
                add(
                    global,
                    Rule::Global(relevant_members(catalog, ty, &relevant)),
                );
            }
        }
        for entry in &catalog.callees {
            if function_relevant(&entry.function, &relevant) {
                add(last_segment(&entry.callee), Rule::Member);
            }
        }
        // User entries match a plain call too (`read(…)` for `db.read`).
        for entry in &catalog.user_callees {
            if function_relevant(&entry.function, &relevant) {
                add(last_segment(&entry.callee), Rule::Word);
            }
        }
        for receiver in &catalog.receivers {
            let members = relevant_members(catalog, &receiver.assume, &relevant);
            if !members.is_empty() {
                for name in &receiver.names {
                    add(name, Rule::Receiver(members.clone()));
                }
            }
        }
        for p in HANDLER_PARAMETERS {
            add(p, Rule::Parameter);
        }
        add(SUPPRESSION_MARKER, Rule::Word);
        let (patterns, rules): (Vec<String>, Vec<Vec<Rule>>) = tokens.into_iter().unzip();
        let automaton = AhoCorasick::new(&patterns).expect("a few hundred short literal patterns");
        Prefilter { automaton, rules }
    }

    /// Can `text` hold a start point, a store, a job or a suppression?
    /// `false` is a proof that it cannot (alone: see the module's notes).
    pub fn matches(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.automaton.find_overlapping_iter(bytes).any(|m| {
            self.rules[m.pattern().as_usize()]
                .iter()
                .any(|rule| rule_holds(rule, bytes, m.start(), m.end()))
        })
    }
}

fn last_segment(callee: &str) -> &str {
    callee.rsplit('.').next().unwrap_or(callee)
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The index of the first byte at or after `i` that is not whitespace.
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The last byte before `i` that is not whitespace.
fn before_space(bytes: &[u8], i: usize) -> Option<u8> {
    bytes[..i]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .copied()
}

/// The member after `name` at `end`: `Some(Ok(member))` for `.member`/`?.member`,
/// `Some(Err(()))` when a comment could hide one, `None` when none follows.
fn member_after(bytes: &[u8], end: usize) -> Option<Result<&[u8], ()>> {
    let mut i = skip_space(bytes, end);
    if bytes.get(i) == Some(&b'?') && bytes.get(i + 1) == Some(&b'.') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'.') => {}
        Some(b'/') => return Some(Err(())),
        _ => return None,
    }
    let start = skip_space(bytes, i + 1);
    if bytes.get(start) == Some(&b'/') {
        return Some(Err(()));
    }
    let mut stop = start;
    while stop < bytes.len() && is_ident(bytes[stop]) {
        stop += 1;
    }
    Some(Ok(&bytes[start..stop]))
}

/// Is the word at `start` a property name (`x.name`, `x?.name`), not a
/// reference? A spread (`...name`) is a reference.
fn is_property(bytes: &[u8], start: usize) -> bool {
    let before = bytes[..start].trim_ascii_end();
    before.ends_with(b".") && !before.ends_with(b"...")
}

fn rule_holds(rule: &Rule, bytes: &[u8], start: usize, end: usize) -> bool {
    let word = (start == 0 || !is_ident(bytes[start - 1]))
        && (end == bytes.len() || !is_ident(bytes[end]));
    // Globals, receivers and parameters are identifiers, never property names.
    let reference = || word && !is_property(bytes, start);
    let quote = |b: Option<&u8>| matches!(b, Some(b'\'' | b'"' | b'`'));
    match rule {
        Rule::Module => {
            let open = match bytes[..start].strip_suffix(b"node:") {
                Some(rest) => rest.last(),
                None => start.checked_sub(1).map(|i| &bytes[i]),
            };
            quote(open) && quote(bytes.get(end))
        }
        Rule::Word => word,
        Rule::Member => word && matches!(before_space(bytes, start), Some(b'.' | b'/')),
        Rule::Global(members) => {
            reference()
                && match member_after(bytes, end) {
                    None | Some(Err(())) => true,
                    Some(Ok(m)) => std::str::from_utf8(m).is_ok_and(|m| members.contains(m)),
                }
        }
        Rule::Receiver(members) => {
            reference()
                && match member_after(bytes, end) {
                    None => false,
                    Some(Err(())) => true,
                    Some(Ok(m)) => std::str::from_utf8(m).is_ok_and(|m| members.contains(m)),
                }
        }
        Rule::Parameter => {
            reference()
                && matches!(
                    bytes.get(skip_space(bytes, end)),
                    Some(b',' | b':' | b'?' | b'/')
                )
        }
    }
}

/// Does calling this lead, by itself or through the value it gives, to a
/// start point, a store or a job?
fn function_relevant(f: &Function, relevant: &BTreeSet<&str>) -> bool {
    f.kind == Some(crate::catalog::Kind::Start)
        || !f.stores.is_empty()
        || f.job.is_some()
        || f.returns.as_deref().is_some_and(|r| relevant.contains(r))
        || f.params
            .iter()
            .flatten()
            .any(|p| relevant.contains(p.as_str()))
}

fn type_refs_relevant(t: &Type, relevant: &BTreeSet<&str>) -> bool {
    t.call
        .iter()
        .chain(t.construct.iter())
        .chain(t.methods.values())
        .chain(t.decorators.values())
        .any(|f| function_relevant(f, relevant))
        || t.properties
            .values()
            .chain(t.extends.iter())
            .any(|p| relevant.contains(p.as_str()))
}

/// Types from which a start point, a store or a job can be reached: a fixed
/// point over the catalog's type graph.
fn relevant_types(catalog: &Catalog) -> BTreeSet<&str> {
    let mut relevant: BTreeSet<&str> = BTreeSet::new();
    loop {
        let before = relevant.len();
        for (name, t) in &catalog.types {
            if !relevant.contains(name.as_str()) && type_refs_relevant(t, &relevant) {
                relevant.insert(name);
            }
        }
        if relevant.len() == before {
            return relevant;
        }
    }
}

/// Members of `ty` (through `extends`) that lead to a start point, a store or a job.
fn relevant_members(catalog: &Catalog, ty: &str, relevant: &BTreeSet<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut queue = vec![ty];
    let mut i = 0;
    while i < queue.len() && i < 32 {
        if let Some(t) = catalog.types.get(queue[i]) {
            for (name, f) in &t.methods {
                if function_relevant(f, relevant) {
                    out.insert(name.clone());
                }
            }
            for (name, p) in &t.properties {
                if relevant.contains(p.as_str()) {
                    out.insert(name.clone());
                }
            }
            queue.extend(t.extends.iter().map(String::as_str));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefilter() -> Prefilter {
        Prefilter::new(&crate::Config::default().catalog())
    }

    #[test]
    fn catalog_spellings_match() {
        let p = prefilter();
        for text in [
            "const express = require('express');",
            "import http from \"node:http\";",
            "emitter.on('data', f)",
            "emitter\n  .on('data', f)",
            "setInterval(tick, 1000)",
            "const p = process; p.on('message', f)",
            "process.on('message', f)",
            "app.get('/', h)",
            "app?.post('/', h)",
            "function handler(req, res) {}",
            "const h = (request: Request, reply) => 1",
            "// flux-ignore-next-line shared-state: fine",
            "emitter. /* odd */ on('x', f)",
            "const env = {...process}.env;",
        ] {
            assert!(p.matches(text), "{text}");
        }
    }

    #[test]
    fn text_without_catalog_spellings_does_not_match() {
        let p = prefilter();
        for text in [
            "",
            "const crypto = require('crypto'); crypto.randomBytes(4);",
            "module.exports = function add(a, b) { return a + b; };",
            "if (process.env.NODE_ENV === 'production') {}",
            "const on = 1; const request = 2; const application = 3;",
            "app.locals.title = 'x'; // express app settings",
            "setTimeout(f, 1); promise.then(g); fs.readFile(x, function (err) {});",
            "function add(req) { return req + 1; }",
            "const p = root.process; ctx.app.get('x'); f(opts.req, 1);",
        ] {
            assert!(!p.matches(text), "{text}");
        }
    }

    /// A catalog entry added by flux.json is a token too.
    #[test]
    fn configuration_entries_are_tokens() {
        let config = crate::Config::parse(
            r#"{"catalog": [{"callee": "bus.subscribe", "kind": "start"},
                            {"module": "my-queue", "export": "consume", "kind": "start"}]}"#,
        )
        .unwrap();
        let p = Prefilter::new(&config.catalog());
        assert!(p.matches("subscribe('topic', f)"));
        assert!(p.matches("const q = require('my-queue');"));
        assert!(!prefilter().matches("subscribe('topic', f); require('my-queue')"));
    }
}
