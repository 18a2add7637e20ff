//! JavaScript from a small grammar, driven by the fuzzer's bytes: the shapes
//! the analysis cares about (requires, listeners, callbacks, awaits, classes,
//! closures writing outer state) nested in arbitrary ways. Always terminates:
//! depth and length are bounded, and an exhausted input yields defaults.

use arbitrary::Unstructured;

const NAMES: &[&str] = &[
    "app", "count", "cache", "req", "res", "x", "y", "fs", "io", "socket", "emitter", "map",
    "data", "err", "db", "h", "users", "next", "i",
];
const MODULES: &[&str] = &[
    "express",
    "fs",
    "http",
    "socket.io",
    "events",
    "redis",
    "./h",
    "ws",
    "mongoose",
    "node:fs",
];
const METHODS: &[&str] = &[
    "get",
    "post",
    "use",
    "on",
    "once",
    "listen",
    "readFile",
    "then",
    "catch",
    "finally",
    "set",
    "push",
    "emit",
    "send",
    "query",
    "subscribe",
    "process",
    "write",
    "connect",
    "handle",
];
const GLOBALS: &[&str] = &[
    "setInterval",
    "setTimeout",
    "setImmediate",
    "queueMicrotask",
    "process.nextTick",
    "Promise.all",
    "require",
    "fetch",
];
const OPS: &[&str] = &[
    "+",
    "-",
    "*",
    "||",
    "&&",
    "??",
    "===",
    "<",
    ",",
    "in",
    "instanceof",
];
const ASSIGN: &[&str] = &["=", "+=", "-=", "||=", "??=", "|="];

struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    out: String,
    budget: usize,
}

impl Gen<'_, '_> {
    fn pick(&mut self, options: &[&'static str]) -> &'static str {
        self.u.choose(options).copied().unwrap_or(options[0])
    }

    fn n(&mut self, max: u8) -> u8 {
        self.u.int_in_range(0..=max).unwrap_or(0)
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn name(&mut self) {
        let n = self.pick(NAMES);
        self.push(n);
    }

    fn args(&mut self, depth: u32) {
        self.push("(");
        for i in 0..self.n(3) {
            if i > 0 {
                self.push(", ");
            }
            self.expr(depth + 1);
        }
        self.push(")");
    }

    fn params(&mut self) {
        self.push("(");
        match self.n(4) {
            0 => {}
            1 => self.push("req, res"),
            2 => self.push("err, data"),
            3 => self.push("{ a, b = 1 }, ...rest"),
            _ => self.name(),
        }
        self.push(")");
    }

    fn function(&mut self, depth: u32) {
        let is_async = self.n(3) == 0;
        if is_async {
            self.push("async ");
        }
        if self.n(1) == 0 {
            self.params();
            self.push(" => ");
            if self.n(2) == 0 {
                self.expr(depth + 1);
                return;
            }
        } else {
            self.push("function ");
            if self.n(1) == 0 {
                self.name();
            }
            self.params();
        }
        self.block(depth + 1);
    }

    fn expr(&mut self, depth: u32) {
        if self.budget == 0 || depth > 12 {
            self.name();
            return;
        }
        self.budget -= 1;
        match self.n(15) {
            0 => self.name(),
            1 => {
                let v = self.n(255);
                self.push(&v.to_string());
            }
            2 => self.push("'é😀\\n'"),
            3 => {
                self.push("`t${");
                self.expr(depth + 1);
                self.push("}`");
            }
            4 | 5 => {
                // receiver.method(args…, callback)
                self.name();
                self.push(".");
                let m = self.pick(METHODS);
                self.push(m);
                self.push("(");
                if self.n(1) == 0 {
                    self.push("'/x', ");
                }
                self.function(depth);
                self.push(")");
            }
            6 => {
                self.push("require('");
                let m = self.pick(MODULES);
                self.push(m);
                self.push("')");
                if self.n(2) == 0 {
                    self.push("()");
                }
            }
            7 => {
                let g = self.pick(GLOBALS);
                self.push(g);
                self.args(depth);
            }
            8 => self.function(depth),
            9 => {
                self.push("await ");
                self.expr(depth + 1);
            }
            10 => {
                self.push("new ");
                self.name();
                self.args(depth);
            }
            11 => {
                self.push("{ ");
                self.name();
                self.push(": ");
                self.expr(depth + 1);
                self.push(", [");
                self.expr(depth + 1);
                self.push("]: 1 }");
            }
            12 => {
                self.push("[");
                self.expr(depth + 1);
                self.push(", ...");
                self.name();
                self.push("]");
            }
            13 => {
                self.push("(");
                self.expr(depth + 1);
                self.push(" ");
                let op = self.pick(OPS);
                self.push(op);
                self.push(" ");
                self.expr(depth + 1);
                self.push(")");
            }
            14 => {
                self.name();
                let dot = if self.n(1) == 0 { "." } else { "?." };
                self.push(dot);
                self.name();
                self.args(depth);
            }
            _ => {
                self.name();
                self.push("[");
                self.expr(depth + 1);
                self.push("]");
            }
        }
    }

    fn block(&mut self, depth: u32) {
        self.push("{\n");
        for _ in 0..self.n(4) {
            self.stmt(depth + 1);
        }
        self.push("}");
    }

    fn stmt(&mut self, depth: u32) {
        if self.budget == 0 || depth > 12 {
            self.push(";\n");
            return;
        }
        self.budget -= 1;
        match self.n(13) {
            0 => {
                let kw = self.pick(&["var ", "let ", "const "]);
                self.push(kw);
                self.name();
                self.push(" = ");
                self.expr(depth);
            }
            1 => {
                let kw = self.pick(&["const { ", "let [ "]);
                self.push(kw);
                self.name();
                self.push(", ");
                self.name();
                self.push(if kw.starts_with("const") {
                    " } = "
                } else {
                    " ] = "
                });
                self.expr(depth);
            }
            2 | 3 => {
                self.name();
                if self.n(1) == 0 {
                    self.push(".");
                    self.name();
                }
                self.push(" ");
                let op = self.pick(ASSIGN);
                self.push(op);
                self.push(" ");
                self.expr(depth);
            }
            4 => {
                self.name();
                let s = self.pick(&["++", "--", ".push(1)", "[k] = 1"]);
                self.push(s);
            }
            5 => {
                self.push("if (");
                self.expr(depth);
                self.push(") ");
                self.block(depth);
                if self.n(1) == 0 {
                    self.push(" else ");
                    self.stmt(depth + 1);
                }
            }
            6 => {
                let s = self.pick(&[
                    "for (let i = 0; i < 3; i++) ",
                    "while (x) ",
                    "for (const k of y) ",
                    "for await (const k of y) ",
                ]);
                self.push(s);
                self.block(depth);
            }
            7 => {
                if self.n(1) == 0 {
                    self.push("async ");
                }
                self.push("function ");
                self.name();
                self.params();
                self.block(depth);
            }
            8 => {
                self.push("class ");
                self.name();
                if self.n(1) == 0 {
                    self.push(" extends EventEmitter");
                }
                self.push(
                    " {\n  static s = 1;\n  #p = 0;\n  constructor() { this.m = new Map(); }\n  ",
                );
                if self.n(1) == 0 {
                    self.push("async ");
                }
                self.name();
                self.params();
                self.block(depth);
                self.push("\n}");
            }
            9 => {
                self.push("return ");
                self.expr(depth);
            }
            10 => {
                self.push("try ");
                self.block(depth);
                self.push(" catch (err) ");
                self.block(depth);
            }
            11 => {
                let s = self.pick(&[
                    "module.exports = ",
                    "exports.handler = ",
                    "export default ",
                    "export const e = ",
                ]);
                self.push(s);
                self.expr(depth);
            }
            12 => self.block(depth),
            _ => self.expr(depth),
        }
        self.push(";\n");
    }
}

/// A main module and the `./h` module it may require.
pub fn program(u: &mut Unstructured<'_>) -> (String, String) {
    let mut g = Gen {
        u,
        out: String::new(),
        budget: 400,
    };
    g.push("const app = require('express')();\nlet count = 0;\n");
    while g.budget > 0 && !g.u.is_empty() && g.n(15) != 0 {
        g.stmt(0);
    }
    let main = std::mem::take(&mut g.out);
    g.budget = 200;
    while g.budget > 0 && !g.u.is_empty() && g.n(7) != 0 {
        g.stmt(0);
    }
    (main, g.out)
}
