use expect_test::{expect, Expect};

use super::*;

mod typescript;

fn parse(src: &str) -> ScopeTree {
    parse_in(src, flux_syntax::Dialect::JavaScript)
}

fn parse_in(src: &str, dialect: flux_syntax::Dialect) -> ScopeTree {
    let tree = flux_syntax::parse(src, dialect);
    analyze(&tree, src)
}

fn lc(src: &str, offset: usize) -> String {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{col}")
}

fn kind(k: BindingKind) -> String {
    match k {
        BindingKind::Param { index } => format!("Param{index}"),
        k => format!("{k:?}"),
    }
}

fn scope_name(t: &ScopeTree, s: ScopeId) -> String {
    let k = match t.scope(s).kind {
        ScopeKind::Module => "mod",
        ScopeKind::Function => "fn",
        ScopeKind::Block => "blk",
    };
    format!("{k}{}", s.0)
}

/// One line per reference: `name@line:col scope FLAGS -> kind@decl-line:col (binding scope)`.
fn refs(src: &str) -> String {
    refs_of(&parse(src), src)
}

fn refs_of(t: &ScopeTree, src: &str) -> String {
    let mut out = String::new();
    for r in &t.references {
        let mut flags = String::new();
        if r.declaration {
            flags.push('D');
        }
        if r.read {
            flags.push('R');
        }
        if r.write {
            flags.push('W');
        }
        if let Some((m, range)) = &r.mutation {
            flags.push_str(&format!(" {m:?}[{}]", &src[range.clone()]));
        }
        let target = match r.binding {
            None => "global".to_string(),
            Some(b) => {
                let b = t.binding(b);
                format!(
                    "{}@{} in {}",
                    kind(b.kind),
                    lc(src, b.decl.start),
                    scope_name(t, b.scope)
                )
            }
        };
        out.push_str(&format!(
            "{}@{} {} {} -> {}\n",
            r.name,
            lc(src, r.range.start),
            scope_name(t, r.scope),
            flags,
            target
        ));
    }
    out
}

/// One line per binding: name, kind, scope, declarator/init text, path.
fn bindings(src: &str) -> String {
    bindings_of(&parse(src), src)
}

fn bindings_of(t: &ScopeTree, src: &str) -> String {
    let mut out = String::new();
    for b in &t.bindings {
        out.push_str(&format!(
            "{} {} {} decl={} declarator=`{}` init={} path={:?}\n",
            b.name,
            kind(b.kind),
            scope_name(t, b.scope),
            lc(src, b.decl.start),
            short(&src[b.declarator.clone()]),
            b.init
                .as_ref()
                .map_or("-".to_string(), |i| format!("`{}`", short(&src[i.clone()]))),
            b.path,
        ));
    }
    out
}

fn short(s: &str) -> String {
    let s = s.replace('\n', "⏎");
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn scopes(src: &str) -> String {
    scopes_of(&parse(src), src)
}

fn scopes_of(t: &ScopeTree, src: &str) -> String {
    let mut out = String::new();
    for (i, s) in t.scopes.iter().enumerate() {
        let id = ScopeId(i as u32);
        out.push_str(&format!(
            "{} {}..{} parent={} var={}\n",
            scope_name(t, id),
            lc(src, s.range.start),
            lc(src, s.range.end),
            s.parent.map_or("-".to_string(), |p| scope_name(t, p)),
            scope_name(t, s.var_scope),
        ));
    }
    out
}

fn check_refs(src: &str, expect: Expect) {
    expect.assert_eq(&refs(src));
}

fn check_bindings(src: &str, expect: Expect) {
    expect.assert_eq(&bindings(src));
}

fn check_scopes(src: &str, expect: Expect) {
    expect.assert_eq(&scopes(src));
}

const PAPER: &str = "var app = require('express')(),
    fs = require('fs'),
    count = 0;

app.get('/', function handler(req, res) {
  fs.readFile(__filename, function reply(err, data) {
    count += 1;
    res.send(err || template(count, data));
  });
});

app.listen(8080);
";

#[test]
fn paper_example() {
    check_refs(
        PAPER,
        expect![[r#"
        app@1:5 mod0 DW -> Var@1:5 in mod0
        require@1:11 mod0 R -> global
        fs@2:5 mod0 DW -> Var@2:5 in mod0
        require@2:10 mod0 R -> global
        count@3:5 mod0 DW -> Var@3:5 in mod0
        app@5:1 mod0 R -> Var@1:5 in mod0
        handler@5:23 fn1 DW -> FunctionName@5:23 in fn1
        req@5:31 fn1 DW -> Param0@5:31 in fn1
        res@5:36 fn1 DW -> Param1@5:36 in fn1
        fs@6:3 fn1 R -> Var@2:5 in mod0
        __filename@6:15 fn1 R -> global
        reply@6:36 fn2 DW -> FunctionName@6:36 in fn2
        err@6:42 fn2 DW -> Param0@6:42 in fn2
        data@6:47 fn2 DW -> Param1@6:47 in fn2
        count@7:5 fn2 RW -> Var@3:5 in mod0
        res@8:5 fn2 R -> Param1@5:36 in fn1
        err@8:14 fn2 R -> Param0@6:42 in fn2
        template@8:21 fn2 R -> global
        count@8:30 fn2 R -> Var@3:5 in mod0
        data@8:37 fn2 R -> Param1@6:47 in fn2
        app@12:1 mod0 R -> Var@1:5 in mod0
    "#]],
    );
    check_bindings(
        PAPER,
        expect![[r#"
        app Var mod0 decl=1:5 declarator=`app = require('express')()` init=`require('express')()` path=[]
        fs Var mod0 decl=2:5 declarator=`fs = require('fs')` init=`require('fs')` path=[]
        count Var mod0 decl=3:5 declarator=`count = 0` init=`0` path=[]
        handler FunctionName fn1 decl=5:23 declarator=`function handler(req, res) {⏎  fs.readFi…` init=- path=[]
        req Param0 fn1 decl=5:31 declarator=`req` init=- path=[]
        res Param1 fn1 decl=5:36 declarator=`res` init=- path=[]
        reply FunctionName fn2 decl=6:36 declarator=`function reply(err, data) {⏎    count +=…` init=- path=[]
        err Param0 fn2 decl=6:42 declarator=`err` init=- path=[]
        data Param1 fn2 decl=6:47 declarator=`data` init=- path=[]
    "#]],
    );
    check_scopes(
        PAPER,
        expect![[r#"
        mod0 1:1..13:1 parent=- var=mod0
        fn1 5:14..10:2 parent=mod0 var=fn1
        fn2 6:27..9:4 parent=fn1 var=fn2
    "#]],
    );
}

#[test]
fn hoisting_var_and_function() {
    check_refs(
        "f(); x = 1; g(x);
function f() { return y; var y = 2; }
var x;
function g(a) { if (a) { var h = 1; } return h; }",
        expect![[r#"
            f@1:1 mod0 R -> Function@2:10 in mod0
            x@1:6 mod0 W -> Var@3:5 in mod0
            g@1:13 mod0 R -> Function@4:10 in mod0
            x@1:15 mod0 R -> Var@3:5 in mod0
            f@2:10 mod0 DW -> Function@2:10 in mod0
            y@2:23 fn1 R -> Var@2:30 in fn1
            y@2:30 fn1 DW -> Var@2:30 in fn1
            x@3:5 mod0 D -> Var@3:5 in mod0
            g@4:10 mod0 DW -> Function@4:10 in mod0
            a@4:12 fn2 DW -> Param0@4:12 in fn2
            a@4:21 fn2 R -> Param0@4:12 in fn2
            h@4:30 blk3 DW -> Var@4:30 in fn2
            h@4:46 fn2 R -> Var@4:30 in fn2
        "#]],
    );
}

#[test]
fn block_scoping_and_shadowing() {
    check_refs(
        "let a = 1; const b = 2;
{ let a = 3; a; b; class C {} new C(); }
a; C;
for (let i = 0; i < 3; i++) { const j = i; }
for (var k = 0; k < 3; k++) {}
i; j; k;
switch (a) { case 1: let s = 1; s; default: s; }
s;",
        expect![[r#"
            a@1:5 mod0 DW -> Let@1:5 in mod0
            b@1:18 mod0 DW -> Const@1:18 in mod0
            a@2:7 blk1 DW -> Let@2:7 in blk1
            a@2:14 blk1 R -> Let@2:7 in blk1
            b@2:17 blk1 R -> Const@1:18 in mod0
            C@2:26 blk1 DW -> Class@2:26 in blk1
            C@2:35 blk1 R -> Class@2:26 in blk1
            a@3:1 mod0 R -> Let@1:5 in mod0
            C@3:4 mod0 R -> global
            i@4:10 blk3 DW -> Let@4:10 in blk3
            i@4:17 blk3 R -> Let@4:10 in blk3
            i@4:24 blk3 RW -> Let@4:10 in blk3
            j@4:37 blk4 DW -> Const@4:37 in blk4
            i@4:41 blk4 R -> Let@4:10 in blk3
            k@5:10 mod0 DW -> Var@5:10 in mod0
            k@5:17 mod0 R -> Var@5:10 in mod0
            k@5:24 mod0 RW -> Var@5:10 in mod0
            i@6:1 mod0 R -> global
            j@6:4 mod0 R -> global
            k@6:7 mod0 R -> Var@5:10 in mod0
            a@7:9 mod0 R -> Let@1:5 in mod0
            s@7:26 blk6 DW -> Let@7:26 in blk6
            s@7:33 blk6 R -> Let@7:26 in blk6
            s@7:45 blk6 R -> Let@7:26 in blk6
            s@8:1 mod0 R -> global
        "#]],
    );
    check_scopes(
        "{ let a; }
for (let i = 0;;) {}
for (const x of xs) {}
for (var y of ys) {}
switch (a) { case 1: }
try {} catch (e) {} finally {}",
        expect![[r#"
            mod0 1:1..6:31 parent=- var=mod0
            blk1 1:1..1:11 parent=mod0 var=mod0
            blk2 2:1..2:21 parent=mod0 var=mod0
            blk3 2:19..2:21 parent=blk2 var=mod0
            blk4 3:1..3:23 parent=mod0 var=mod0
            blk5 3:21..3:23 parent=blk4 var=mod0
            blk6 4:19..4:21 parent=mod0 var=mod0
            blk7 5:12..5:23 parent=mod0 var=mod0
            blk8 6:5..6:7 parent=mod0 var=mod0
            blk9 6:8..6:20 parent=mod0 var=mod0
            blk10 6:29..6:31 parent=mod0 var=mod0
        "#]],
    );
}

#[test]
fn block_function_declarations_are_block_scoped() {
    check_refs(
        "if (ok) { function inner() {} inner(); }
inner();",
        expect![[r#"
            ok@1:5 mod0 R -> global
            inner@1:20 blk1 DW -> Function@1:20 in blk1
            inner@1:31 blk1 R -> Function@1:20 in blk1
            inner@2:1 mod0 R -> global
        "#]],
    );
}

#[test]
fn closures_read_outer_bindings() {
    check_refs(
        "const cache = {};
function outer(n) {
  return function (k) { return cache[k] || n; };
}
const arrow = x => y => x + y + cache;",
        expect![[r#"
            cache@1:7 mod0 DW -> Const@1:7 in mod0
            outer@2:10 mod0 DW -> Function@2:10 in mod0
            n@2:16 fn1 DW -> Param0@2:16 in fn1
            k@3:20 fn2 DW -> Param0@3:20 in fn2
            cache@3:32 fn2 R -> Const@1:7 in mod0
            k@3:38 fn2 R -> Param0@3:20 in fn2
            n@3:44 fn2 R -> Param0@2:16 in fn1
            arrow@5:7 mod0 DW -> Const@5:7 in mod0
            x@5:15 fn3 DW -> Param0@5:15 in fn3
            y@5:20 fn4 DW -> Param0@5:20 in fn4
            x@5:25 fn4 R -> Param0@5:15 in fn3
            y@5:29 fn4 R -> Param0@5:20 in fn4
            cache@5:33 fn4 R -> Const@1:7 in mod0
        "#]],
    );
}

#[test]
fn parameters() {
    check_refs(
        "function f(a, {b, c: [d, , e]}, [g = a, ...h] = [], i = b, ...rest) { return a + b + d + e + g + h + i + rest; }",
        expect![[r#"
            f@1:10 mod0 DW -> Function@1:10 in mod0
            a@1:12 fn1 DW -> Param0@1:12 in fn1
            b@1:16 fn1 DW -> Param1@1:16 in fn1
            d@1:23 fn1 DW -> Param1@1:23 in fn1
            e@1:28 fn1 DW -> Param1@1:28 in fn1
            g@1:34 fn1 DW -> Param2@1:34 in fn1
            a@1:38 fn1 R -> Param0@1:12 in fn1
            h@1:44 fn1 DW -> Param2@1:44 in fn1
            i@1:53 fn1 DW -> Param3@1:53 in fn1
            b@1:57 fn1 R -> Param1@1:16 in fn1
            rest@1:63 fn1 DW -> Param4@1:63 in fn1
            a@1:78 fn1 R -> Param0@1:12 in fn1
            b@1:82 fn1 R -> Param1@1:16 in fn1
            d@1:86 fn1 R -> Param1@1:23 in fn1
            e@1:90 fn1 R -> Param1@1:28 in fn1
            g@1:94 fn1 R -> Param2@1:34 in fn1
            h@1:98 fn1 R -> Param2@1:44 in fn1
            i@1:102 fn1 R -> Param3@1:53 in fn1
            rest@1:106 fn1 R -> Param4@1:63 in fn1
        "#]],
    );
    check_bindings(
        "function f(a, {b, c: [d, , e]}, [g = a, ...h] = [], i = b, ...rest) {}
(x) => x; y => y; async (z) => z;",
        expect![[r#"
            f Function mod0 decl=1:10 declarator=`function f(a, {b, c: [d, , e]}, [g = a, …` init=- path=[]
            a Param0 fn1 decl=1:12 declarator=`a` init=- path=[]
            b Param1 fn1 decl=1:16 declarator=`{b, c: [d, , e]}` init=- path=[Property("b")]
            d Param1 fn1 decl=1:23 declarator=`{b, c: [d, , e]}` init=- path=[Property("c"), Index(0)]
            e Param1 fn1 decl=1:28 declarator=`{b, c: [d, , e]}` init=- path=[Property("c"), Index(2)]
            g Param2 fn1 decl=1:34 declarator=`[g = a, ...h] = []` init=`[]` path=[Index(0)]
            h Param2 fn1 decl=1:44 declarator=`[g = a, ...h] = []` init=`[]` path=[Rest]
            i Param3 fn1 decl=1:53 declarator=`i = b` init=`b` path=[]
            rest Param4 fn1 decl=1:63 declarator=`...rest` init=- path=[Rest]
            x Param0 fn2 decl=2:2 declarator=`x` init=- path=[]
            y Param0 fn3 decl=2:11 declarator=`y` init=- path=[]
            z Param0 fn4 decl=2:26 declarator=`z` init=- path=[]
        "#]],
    );
}

#[test]
fn destructuring_declarations() {
    check_bindings(
        "const { readFile: rf, stat, ...others } = require('fs');
let [first, , third, ...tail] = list;
var { a: { b: [c] }, 'quoted key': q, [dyn]: dd, e = 5 } = obj;
const { x: xx = 1 } = o2;",
        expect![[r#"
            rf Const mod0 decl=1:19 declarator=`{ readFile: rf, stat, ...others } = requ…` init=`require('fs')` path=[Property("readFile")]
            stat Const mod0 decl=1:23 declarator=`{ readFile: rf, stat, ...others } = requ…` init=`require('fs')` path=[Property("stat")]
            others Const mod0 decl=1:32 declarator=`{ readFile: rf, stat, ...others } = requ…` init=`require('fs')` path=[Rest]
            first Let mod0 decl=2:6 declarator=`[first, , third, ...tail] = list` init=`list` path=[Index(0)]
            third Let mod0 decl=2:15 declarator=`[first, , third, ...tail] = list` init=`list` path=[Index(2)]
            tail Let mod0 decl=2:25 declarator=`[first, , third, ...tail] = list` init=`list` path=[Rest]
            c Var mod0 decl=3:16 declarator=`{ a: { b: [c] }, 'quoted key': q, [dyn]:…` init=`obj` path=[Property("a"), Property("b"), Index(0)]
            q Var mod0 decl=3:36 declarator=`{ a: { b: [c] }, 'quoted key': q, [dyn]:…` init=`obj` path=[Property("quoted key")]
            dd Var mod0 decl=3:46 declarator=`{ a: { b: [c] }, 'quoted key': q, [dyn]:…` init=`obj` path=[Rest]
            e Var mod0 decl=3:50 declarator=`{ a: { b: [c] }, 'quoted key': q, [dyn]:…` init=`obj` path=[Property("e")]
            xx Const mod0 decl=4:12 declarator=`{ x: xx = 1 } = o2` init=`o2` path=[Property("x")]
        "#]],
    );
    check_refs(
        "var { a: { b: [c] }, [dyn]: dd, e = def } = obj;",
        expect![[r#"
            c@1:16 mod0 DW -> Var@1:16 in mod0
            dyn@1:23 mod0 R -> global
            dd@1:29 mod0 DW -> Var@1:29 in mod0
            e@1:33 mod0 DW -> Var@1:33 in mod0
            def@1:37 mod0 R -> global
            obj@1:45 mod0 R -> global
        "#]],
    );
}

#[test]
fn aliases() {
    check_bindings(
        "var ex = require('express');
var app = ex();
var router = ex.Router(), other;",
        expect![[r#"
            ex Var mod0 decl=1:5 declarator=`ex = require('express')` init=`require('express')` path=[]
            app Var mod0 decl=2:5 declarator=`app = ex()` init=`ex()` path=[]
            router Var mod0 decl=3:5 declarator=`router = ex.Router()` init=`ex.Router()` path=[]
            other Var mod0 decl=3:27 declarator=`other` init=- path=[]
        "#]],
    );
    check_refs(
        "var ex = require('express');
var app = ex();",
        expect![[r#"
            ex@1:5 mod0 DW -> Var@1:5 in mod0
            require@1:10 mod0 R -> global
            app@2:5 mod0 DW -> Var@2:5 in mod0
            ex@2:11 mod0 R -> Var@1:5 in mod0
        "#]],
    );
}

#[test]
fn catch_parameters() {
    check_refs(
        "try { risky(); } catch (err) { log(err); }
try {} catch ({ message, code: c }) { message; c; }
try {} catch { err; }",
        expect![[r#"
            risky@1:7 blk1 R -> global
            err@1:25 blk2 DW -> CatchParam@1:25 in blk2
            log@1:32 blk2 R -> global
            err@1:36 blk2 R -> CatchParam@1:25 in blk2
            message@2:17 blk4 DW -> CatchParam@2:17 in blk4
            c@2:32 blk4 DW -> CatchParam@2:32 in blk4
            message@2:39 blk4 R -> CatchParam@2:17 in blk4
            c@2:48 blk4 R -> CatchParam@2:32 in blk4
            err@3:16 blk6 R -> global
        "#]],
    );
    check_bindings(
        "try {} catch ({ message, code: c }) {}",
        expect![[r#"
        message CatchParam blk2 decl=1:17 declarator=`{ message, code: c }` init=- path=[Property("message")]
        c CatchParam blk2 decl=1:32 declarator=`{ message, code: c }` init=- path=[Property("code")]
    "#]],
    );
}

#[test]
fn named_function_and_class_expressions() {
    check_refs(
        "const fact = function self(n) { return n ? n * self(n - 1) : 1; };
self;
const K = class Named { m() { return Named; } };
Named;
const shadow = function s(s) { return s; };",
        expect![[r#"
            fact@1:7 mod0 DW -> Const@1:7 in mod0
            self@1:23 fn1 DW -> FunctionName@1:23 in fn1
            n@1:28 fn1 DW -> Param0@1:28 in fn1
            n@1:40 fn1 R -> Param0@1:28 in fn1
            n@1:44 fn1 R -> Param0@1:28 in fn1
            self@1:48 fn1 R -> FunctionName@1:23 in fn1
            n@1:53 fn1 R -> Param0@1:28 in fn1
            self@2:1 mod0 R -> global
            K@3:7 mod0 DW -> Const@3:7 in mod0
            Named@3:17 blk2 DW -> FunctionName@3:17 in blk2
            Named@3:38 fn3 R -> FunctionName@3:17 in blk2
            Named@4:1 mod0 R -> global
            shadow@5:7 mod0 DW -> Const@5:7 in mod0
            s@5:25 fn4 DW -> FunctionName@5:25 in fn4
            s@5:27 fn4 DW -> Param0@5:27 in fn4
            s@5:39 fn4 R -> Param0@5:27 in fn4
        "#]],
    );
}

#[test]
fn classes() {
    check_refs(
        "class Base {}
class Store extends Base {
  items = new Map();
  static count = counter;
  #secret = 1;
  [key] = val;
  constructor(x) { super(); this.x = x; }
  get size() { return this.items.size; }
  set size(v) { total = v; }
  static { var local = 1; helper(local); }
  method() { return Store; }
}
new Store();",
        expect![[r#"
            Base@1:7 mod0 DW -> Class@1:7 in mod0
            Store@2:7 mod0 DW -> Class@2:7 in mod0
            Base@2:21 blk2 R -> Class@1:7 in mod0
            Map@3:15 fn3 R -> global
            counter@4:18 fn3 R -> global
            key@6:4 fn3 R -> global
            val@6:11 fn3 R -> global
            x@7:15 fn4 DW -> Param0@7:15 in fn4
            x@7:38 fn4 R -> Param0@7:15 in fn4
            v@9:12 fn6 DW -> Param0@9:12 in fn6
            total@9:17 fn6 W -> ImplicitGlobal@9:17 in mod0
            v@9:25 fn6 R -> Param0@9:12 in fn6
            local@10:16 fn7 DW -> Var@10:16 in fn7
            helper@10:27 fn7 R -> global
            local@10:34 fn7 R -> Var@10:16 in fn7
            Store@11:21 fn8 R -> Class@2:7 in mod0
            Store@13:5 mod0 R -> Class@2:7 in mod0
        "#]],
    );
    check_scopes(
        "class A { x = 1; m() {} static { } }
class B { m() {} }",
        expect![[r#"
            mod0 1:1..2:19 parent=- var=mod0
            blk1 1:1..1:37 parent=mod0 var=mod0
            fn2 1:9..1:37 parent=blk1 var=fn2
            fn3 1:18..1:24 parent=fn2 var=fn3
            fn4 1:25..1:35 parent=fn2 var=fn4
            blk5 2:1..2:19 parent=mod0 var=mod0
            fn6 2:11..2:17 parent=blk5 var=fn6
        "#]],
    );
}

#[test]
fn object_literals_and_property_names() {
    check_refs(
        "const o = { a, b: c, [d]: e, f() { return a; }, get g() { return 1; }, 'h': i };
o.a; o[k]; o?.b.c; label: for (;;) { break label; }
import.meta.url; new.target;",
        expect![[r#"
            o@1:7 mod0 DW -> Const@1:7 in mod0
            a@1:13 mod0 R -> global
            c@1:19 mod0 R -> global
            d@1:23 mod0 R -> global
            e@1:27 mod0 R -> global
            a@1:43 fn1 R -> global
            i@1:77 mod0 R -> global
            o@2:1 mod0 R -> Const@1:7 in mod0
            o@2:6 mod0 R -> Const@1:7 in mod0
            k@2:8 mod0 R -> global
            o@2:12 mod0 R -> Const@1:7 in mod0
        "#]],
    );
}

#[test]
fn imports() {
    check_bindings(
        "import a from 'm';
import { x as y, z } from 'n';
import * as ns from 'o';
import d, { e } from 'p';
import { default as f, 'str name' as g } from 'q';
import 'side-effect';",
        expect![[r#"
            a Import mod0 decl=1:8 declarator=`a` init=`'m'` path=[Property("default")]
            y Import mod0 decl=2:15 declarator=`x as y` init=`'n'` path=[Property("x")]
            z Import mod0 decl=2:18 declarator=`z` init=`'n'` path=[Property("z")]
            ns Import mod0 decl=3:13 declarator=`* as ns` init=`'o'` path=[]
            d Import mod0 decl=4:8 declarator=`d` init=`'p'` path=[Property("default")]
            e Import mod0 decl=4:13 declarator=`e` init=`'p'` path=[Property("e")]
            f Import mod0 decl=5:21 declarator=`default as f` init=`'q'` path=[Property("default")]
            g Import mod0 decl=5:38 declarator=`'str name' as g` init=`'q'` path=[Property("str name")]
        "#]],
    );
    check_refs(
        "import a, { b as c } from 'm'; a(c);",
        expect![[r#"
        a@1:8 mod0 DW -> Import@1:8 in mod0
        c@1:18 mod0 DW -> Import@1:18 in mod0
        a@1:32 mod0 R -> Import@1:8 in mod0
        c@1:34 mod0 R -> Import@1:18 in mod0
    "#]],
    );
}

#[test]
fn exports() {
    check_refs(
        "export const x = 1;
export function f() { return x; }
export default function () { return f; }
export { x as y, f };
export { a as b } from 'm';
export * from 'n';
export * as ns from 'o';
export class C {}",
        expect![[r#"
            x@1:14 mod0 DW -> Const@1:14 in mod0
            f@2:17 mod0 DW -> Function@2:17 in mod0
            x@2:30 fn1 R -> Const@1:14 in mod0
            f@3:37 fn2 R -> Function@2:17 in mod0
            x@4:10 mod0 R -> Const@1:14 in mod0
            f@4:18 mod0 R -> Function@2:17 in mod0
            C@8:14 mod0 DW -> Class@8:14 in mod0
        "#]],
    );
    check_refs(
        "export default x + y;",
        expect![[r#"
        x@1:16 mod0 R -> global
        y@1:20 mod0 R -> global
    "#]],
    );
    check_bindings(
        "export const x = 1; export function f() {} export default class D {}",
        expect![[r#"
        x Const mod0 decl=1:14 declarator=`x = 1` init=`1` path=[]
        f Function mod0 decl=1:37 declarator=`function f() {}` init=- path=[]
        D Class mod0 decl=1:65 declarator=`class D {}` init=- path=[]
    "#]],
    );
}

#[test]
fn implicit_globals() {
    check_refs(
        "before;
counter = 0;
function inc() { counter++; return counter; }
console.log(counter, require, module, exports, process, __dirname);
[ga, gb] = pair;
for (gk in obj) {}",
        expect![[r#"
            before@1:1 mod0 R -> global
            counter@2:1 mod0 W -> ImplicitGlobal@2:1 in mod0
            inc@3:10 mod0 DW -> Function@3:10 in mod0
            counter@3:18 fn1 RW -> ImplicitGlobal@2:1 in mod0
            counter@3:36 fn1 R -> ImplicitGlobal@2:1 in mod0
            console@4:1 mod0 R -> global
            counter@4:13 mod0 R -> ImplicitGlobal@2:1 in mod0
            require@4:22 mod0 R -> global
            module@4:31 mod0 R -> global
            exports@4:39 mod0 R -> global
            process@4:48 mod0 R -> global
            __dirname@4:57 mod0 R -> global
            ga@5:2 mod0 W -> ImplicitGlobal@5:2 in mod0
            gb@5:6 mod0 W -> ImplicitGlobal@5:6 in mod0
            pair@5:12 mod0 R -> global
            gk@6:6 mod0 W -> ImplicitGlobal@6:6 in mod0
            obj@6:12 mod0 R -> global
        "#]],
    );
    check_bindings(
        "counter = 0;
function inc() { counter++; }
total += 1;",
        expect![[r#"
            inc Function mod0 decl=2:10 declarator=`function inc() { counter++; }` init=- path=[]
            counter ImplicitGlobal mod0 decl=1:1 declarator=`counter = 0` init=`0` path=[]
            total ImplicitGlobal mod0 decl=3:1 declarator=`total += 1` init=- path=[]
        "#]],
    );
}

#[test]
fn implicit_global_does_not_capture_locals() {
    check_refs(
        "function f(v) { v = 1; }
v;",
        expect![[r#"
            f@1:10 mod0 DW -> Function@1:10 in mod0
            v@1:12 fn1 DW -> Param0@1:12 in fn1
            v@1:17 fn1 W -> Param0@1:12 in fn1
            v@2:1 mod0 R -> global
        "#]],
    );
}

#[test]
fn reads_and_writes() {
    check_refs(
        "let x, y = 1;
x = y;
x += y;
x ||= y;
x++;
--x;
[x, { y }] = [1, { y: 2 }];
({ x, y: [x] } = o);
({ a: x = y } = o);
for (x of xs) {}
for (x in o) {}
for (const v of vs) {}
for (var w in o) {}
(x) = 3;",
        expect![[r#"
            x@1:5 mod0 D -> Let@1:5 in mod0
            y@1:8 mod0 DW -> Let@1:8 in mod0
            x@2:1 mod0 W -> Let@1:5 in mod0
            y@2:5 mod0 R -> Let@1:8 in mod0
            x@3:1 mod0 RW -> Let@1:5 in mod0
            y@3:6 mod0 R -> Let@1:8 in mod0
            x@4:1 mod0 RW -> Let@1:5 in mod0
            y@4:7 mod0 R -> Let@1:8 in mod0
            x@5:1 mod0 RW -> Let@1:5 in mod0
            x@6:3 mod0 RW -> Let@1:5 in mod0
            x@7:2 mod0 W -> Let@1:5 in mod0
            y@7:7 mod0 W -> Let@1:8 in mod0
            x@8:4 mod0 W -> Let@1:5 in mod0
            x@8:11 mod0 W -> Let@1:5 in mod0
            o@8:18 mod0 R -> global
            x@9:7 mod0 W -> Let@1:5 in mod0
            y@9:11 mod0 R -> Let@1:8 in mod0
            o@9:17 mod0 R -> global
            x@10:6 mod0 W -> Let@1:5 in mod0
            xs@10:11 mod0 R -> global
            x@11:6 mod0 W -> Let@1:5 in mod0
            o@11:11 mod0 R -> global
            v@12:12 blk3 DW -> Const@12:12 in blk3
            vs@12:17 blk3 R -> global
            w@13:10 mod0 DW -> Var@13:10 in mod0
            o@13:15 mod0 R -> global
            x@14:2 mod0 W -> Let@1:5 in mod0
        "#]],
    );
}

#[test]
fn mutations() {
    check_refs(
        "const o = {}, arr = [], m = new Map();
o.x = 1;
o[k] = 2;
o.a.b.c = 3;
o.x += 1;
o.x++;
[o.x] = arr;
({ p: o.y } = src);
delete o.x;
delete o[k];
arr.push(1);
o.a.b.set(k, 1);
m.delete(k);
arr.map(f);
Object.assign(o, src);
Object.defineProperty(o.a, 'x', {});
Object.defineProperties(o, {});
Object.setPrototypeOf(o, null);
Object.keys(o);
(o).x = 1;
((o.a)).b = 2;
(0, o).x = 3;
o.get(k).x = 4;
o.get(k).push(5);
o?.list.push(6);
for (o.x of arr) {}",
        expect![[r#"
            o@1:7 mod0 DW -> Const@1:7 in mod0
            arr@1:15 mod0 DW -> Const@1:15 in mod0
            m@1:25 mod0 DW -> Const@1:25 in mod0
            Map@1:33 mod0 R -> global
            o@2:1 mod0 R PropertyWrite[o.x = 1] -> Const@1:7 in mod0
            o@3:1 mod0 R PropertyWrite[o[k] = 2] -> Const@1:7 in mod0
            k@3:3 mod0 R -> global
            o@4:1 mod0 R PropertyWrite[o.a.b.c = 3] -> Const@1:7 in mod0
            o@5:1 mod0 R PropertyWrite[o.x += 1] -> Const@1:7 in mod0
            o@6:1 mod0 R PropertyWrite[o.x++] -> Const@1:7 in mod0
            o@7:2 mod0 R PropertyWrite[[o.x] = arr] -> Const@1:7 in mod0
            arr@7:9 mod0 R -> Const@1:15 in mod0
            o@8:7 mod0 R PropertyWrite[{ p: o.y } = src] -> Const@1:7 in mod0
            src@8:15 mod0 R -> global
            o@9:8 mod0 R Delete[delete o.x] -> Const@1:7 in mod0
            o@10:8 mod0 R Delete[delete o[k]] -> Const@1:7 in mod0
            k@10:10 mod0 R -> global
            arr@11:1 mod0 R MutatingCall[arr.push(1)] -> Const@1:15 in mod0
            o@12:1 mod0 R MutatingCall[o.a.b.set(k, 1)] -> Const@1:7 in mod0
            k@12:11 mod0 R -> global
            m@13:1 mod0 R MutatingCall[m.delete(k)] -> Const@1:25 in mod0
            k@13:10 mod0 R -> global
            arr@14:1 mod0 R -> Const@1:15 in mod0
            f@14:9 mod0 R -> global
            Object@15:1 mod0 R -> global
            o@15:15 mod0 R ObjectMutator[Object.assign(o, src)] -> Const@1:7 in mod0
            src@15:18 mod0 R -> global
            Object@16:1 mod0 R -> global
            o@16:23 mod0 R ObjectMutator[Object.defineProperty(o.a, 'x', {})] -> Const@1:7 in mod0
            Object@17:1 mod0 R -> global
            o@17:25 mod0 R ObjectMutator[Object.defineProperties(o, {})] -> Const@1:7 in mod0
            Object@18:1 mod0 R -> global
            o@18:23 mod0 R ObjectMutator[Object.setPrototypeOf(o, null)] -> Const@1:7 in mod0
            Object@19:1 mod0 R -> global
            o@19:13 mod0 R -> Const@1:7 in mod0
            o@20:2 mod0 R PropertyWrite[(o).x = 1] -> Const@1:7 in mod0
            o@21:3 mod0 R PropertyWrite[((o.a)).b = 2] -> Const@1:7 in mod0
            o@22:5 mod0 R -> Const@1:7 in mod0
            o@23:1 mod0 R -> Const@1:7 in mod0
            k@23:7 mod0 R -> global
            o@24:1 mod0 R -> Const@1:7 in mod0
            k@24:7 mod0 R -> global
            o@25:1 mod0 R MutatingCall[o?.list.push(6)] -> Const@1:7 in mod0
            o@26:6 mod0 R PropertyWrite[for (o.x of arr) {}] -> Const@1:7 in mod0
            arr@26:13 mod0 R -> Const@1:15 in mod0
        "#]],
    );
}

#[test]
fn jsx() {
    check_refs(
        "const App = () => <div className={cls}><Header title={t} /><ui.Button/><svg:rect/>{children}</div>;",
        expect![[r#"
            App@1:7 mod0 DW -> Const@1:7 in mod0
            cls@1:35 fn1 R -> global
            Header@1:41 fn1 R -> global
            t@1:55 fn1 R -> global
            ui@1:61 fn1 R -> global
            children@1:84 fn1 R -> global
        "#]],
    );
}

#[test]
fn arguments_is_a_global_unless_declared() {
    check_refs(
        "function f() { return arguments; }
function g(arguments) { return arguments; }",
        expect![[r#"
            f@1:10 mod0 DW -> Function@1:10 in mod0
            arguments@1:23 fn1 R -> global
            g@2:10 mod0 DW -> Function@2:10 in mod0
            arguments@2:12 fn2 DW -> Param0@2:12 in fn2
            arguments@2:32 fn2 R -> Param0@2:12 in fn2
        "#]],
    );
}

#[test]
fn redeclarations_merge() {
    check_refs(
        "var x = 1; var x = 2; x;
function f(a) { var a; return a; }
function g() {} var g;",
        expect![[r#"
            x@1:5 mod0 DW -> Var@1:5 in mod0
            x@1:16 mod0 DW -> Var@1:5 in mod0
            x@1:23 mod0 R -> Var@1:5 in mod0
            f@2:10 mod0 DW -> Function@2:10 in mod0
            a@2:12 fn1 DW -> Param0@2:12 in fn1
            a@2:21 fn1 D -> Param0@2:12 in fn1
            a@2:31 fn1 R -> Param0@2:12 in fn1
            g@3:10 mod0 DW -> Function@3:10 in mod0
            g@3:21 mod0 D -> Function@3:10 in mod0
        "#]],
    );
}

#[test]
fn syntax_errors() {
    check_refs(
        "const a = ;
function f(x { return x + a; }
let b = a +;
b(c",
        expect![[r#"
            a@1:7 mod0 DW -> Const@1:7 in mod0
            f@2:10 fn1 DW -> FunctionName@2:10 in fn1
            x@2:12 fn1 DW -> Param0@2:12 in fn1
            x@2:23 fn1 R -> Param0@2:12 in fn1
            a@2:27 fn1 R -> Const@1:7 in mod0
            b@3:5 mod0 DW -> Let@3:5 in mod0
            a@3:9 mod0 R -> Const@1:7 in mod0
            b@4:1 mod0 R -> Let@3:5 in mod0
            c@4:3 mod0 R -> global
        "#]],
    );
    check_refs(
        "var = 1; let {a, = o; o.; x = y +; [z.] = w",
        expect![[r#"
        a@1:15 mod0 DW -> Let@1:15 in mod0
        o@1:20 mod0 R -> global
        o@1:23 mod0 R PropertyWrite[o.; x = y +; [z.] = w] -> global
        y@1:31 mod0 R -> global
        z@1:37 mod0 R PropertyWrite[[z.] = w] -> global
        w@1:43 mod0 R -> global
    "#]],
    );
}

/// Every prefix of some code (most of them broken) analyses without panic
/// and keeps the invariants.
#[test]
fn truncated_code() {
    let src = format!(
        "{PAPER}
import d, {{ e as f }} from 'm';
export default class extends d {{ #p = 1; static {{ let q; }} get [e]() {{ return <A b={{f}} />; }} }}
for (const [k, {{ v = 1 }}] of Object.entries(o)) {{ try {{ o[k].push(v) }} catch ({{ message }}) {{ delete o.x; }} }}
label: while (x) {{ x--; break label; }} `t${{x}}`; new.target; async function* g() {{ yield* await g(); }}
"
    );
    let cuts: Vec<usize> = (0..=src.len())
        .filter(|&i| src.is_char_boundary(i))
        .collect();
    for &cut in &cuts {
        check_invariants(&src[..cut]);
    }
    // and every suffix
    for &cut in cuts.iter().step_by(3) {
        check_invariants(&src[cut..]);
    }
}

#[test]
fn index_queries() {
    let src = "var a = 1;
function f(p) {
  { let b = p; }
  return a;
}
const g = () => {};";
    let t = parse(src);
    let at = |needle: &str| src.find(needle).unwrap();
    assert_eq!(t.scope_at(0), ScopeId(0));
    assert_eq!(t.scope(t.scope_at(at("let b"))).kind, ScopeKind::Block);
    assert_eq!(
        t.scope(t.scope_at(at("return a"))).kind,
        ScopeKind::Function
    );
    assert_eq!(t.scope_at(at("const g")), ScopeId(0));
    assert_eq!(t.scope_at(src.len() + 10), ScopeId(0));
    let f_node = at("function f")..at("\nconst g");
    let f = t.function_scope(&f_node).unwrap();
    assert_eq!(t.scope(f).range, f_node);
    assert_eq!(t.function_scope(&(0..3)), None);
    let b = t.lookup("b", t.scope_at(at("let b") + 4)).unwrap();
    assert_eq!(t.binding(b).kind, BindingKind::Let);
    assert_eq!(t.lookup("b", f), None);
    assert_eq!(t.lookup("a", f), t.binding_declared_at(&(4..5)));
    assert_eq!(
        t.lookup("p", t.scope_at(at("let b")))
            .map(|b| t.binding(b).kind),
        Some(BindingKind::Param { index: 0 })
    );
    assert_eq!(t.binding_declared_at(&(0..1)), None);

    // the same queries answer alike on a hand-assembled tree (linear fallback)
    let manual = ScopeTree {
        scopes: t.scopes.clone(),
        bindings: t.bindings.clone(),
        references: t.references.clone(),
        ..ScopeTree::default()
    };
    for offset in 0..src.len() + 2 {
        assert_eq!(
            manual.scope_at(offset),
            t.scope_at(offset),
            "offset {offset}"
        );
    }
    for r in &t.references {
        assert_eq!(manual.lookup(&r.name, r.scope), t.lookup(&r.name, r.scope));
    }
}

/// Every reference's binding agrees with `lookup` from its scope, and
/// `scope_at` of every position matches the linear definition.
fn check_invariants(src: &str) {
    check_invariants_of(&parse(src), src)
}

fn check_invariants_of(t: &ScopeTree, src: &str) {
    for (i, s) in t.scopes.iter().enumerate() {
        if let Some(p) = s.parent {
            assert!(p.0 < i as u32, "parent before child");
            let pr = &t.scope(p).range;
            assert!(
                pr.start <= s.range.start && s.range.end <= pr.end,
                "parent contains child"
            );
        }
    }
    for w in t.scopes.windows(2) {
        assert!(
            w[0].range.start <= w[1].range.start,
            "scopes sorted by start"
        );
    }
    for w in t.references.windows(2) {
        assert!(
            w[0].range.start < w[1].range.start,
            "references in source order"
        );
    }
    for r in &t.references {
        assert!(!r.name.is_empty() && r.range.start < r.range.end);
        assert!(r.read || r.write || r.declaration);
        if !r.declaration {
            assert_eq!(
                r.binding,
                t.lookup(&r.name, r.scope),
                "{} at {:?}",
                r.name,
                r.range
            );
        } else {
            assert_eq!(r.binding, t.binding_declared_at(&r.range));
        }
    }
    for (i, b) in t.bindings.iter().enumerate() {
        assert_eq!(t.binding_declared_at(&b.decl), Some(BindingId(i as u32)));
    }
    let linear = ScopeTree {
        scopes: t.scopes.clone(),
        ..ScopeTree::default()
    };
    for offset in 0..=src.len() {
        assert_eq!(
            linear.scope_at(offset),
            t.scope_at(offset),
            "offset {offset}"
        );
    }
}

#[test]
fn invariants_hold() {
    check_invariants(PAPER);
    check_invariants(
        "class A extends B { x = () => 1; [k]() {} m() { { let q; } } static { } }
for (let i of [1]) { try {} catch (e) { switch (e) { case 1: { } } } }
const f = function g() { return (a) => ({ b }) => a + b; };",
    );
    check_invariants(
        "@dec(() => 1) class A { @d(() => 2) [k(() => 3)]() { () => 4; } @e(() => 5) static x = () => 6; }
const o = { [f(() => 1)]: 2, [g(() => 3)]() {} };",
    );
}

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

const DEEP: usize = 10_000;

#[test]
fn deep_parens() {
    on_small_stack(|| {
        let src = format!("var v = {}x{};", "(".repeat(DEEP), ")".repeat(DEEP));
        let t = parse(&src);
        assert_eq!(t.references.len(), 2);
        assert_eq!(t.references[1].name, "x");
    });
}

#[test]
fn deep_arrays() {
    on_small_stack(|| {
        let src = format!(
            "var v = {}x{}; var {}w{} = v;",
            "[".repeat(DEEP),
            "]".repeat(DEEP),
            "[".repeat(DEEP),
            "]".repeat(DEEP)
        );
        let t = parse(&src);
        let w = t.bindings.iter().find(|b| b.name == "w").unwrap();
        assert_eq!(w.path.len(), DEEP);
        assert_eq!(t.references.iter().filter(|r| r.name == "x").count(), 1);
    });
}

#[test]
fn deep_functions() {
    on_small_stack(|| {
        let src = format!(
            "var x; {} x; {}",
            "function f() {".repeat(DEEP),
            "}".repeat(DEEP)
        );
        let t = parse(&src);
        assert_eq!(t.scopes.len(), DEEP + 1);
        let x = t.references.last().unwrap();
        assert_eq!(x.binding, Some(BindingId(0)));
    });
}

#[test]
fn deep_callbacks() {
    on_small_stack(|| {
        let src = format!(
            "var n = 0; {} n += 1; {}",
            "a(function (e) {".repeat(DEEP),
            "});".repeat(DEEP)
        );
        let t = parse(&src);
        assert_eq!(t.scopes.len(), DEEP + 1);
        let n = t.references.iter().rev().find(|r| r.name == "n").unwrap();
        assert!(n.read && n.write);
        assert_eq!(n.binding, Some(BindingId(0)));
        let arrows = format!(
            "var n = 0; {} n {}",
            "a(e => {".repeat(DEEP),
            "});".repeat(DEEP)
        );
        assert_eq!(parse(&arrows).scopes.len(), DEEP + 1);
    });
}

#[test]
fn deep_garbage_does_not_panic() {
    on_small_stack(|| {
        for src in [
            "{".repeat(DEEP),
            "(".repeat(DEEP),
            "[".repeat(DEEP),
            "function(".repeat(DEEP),
            "x = {a: ".repeat(DEEP),
            "class { m() {".repeat(DEEP / 2),
            "let {".repeat(DEEP),
        ] {
            parse(&src);
        }
    });
}

/// A benchmark, not a test: `cargo test -p flux_analysis --release -- --ignored
/// large_file --nocapture` reports scope analysis time beside a bare tree walk
/// (timings are never asserted: the machines are shared and noisy).
#[test]
#[ignore]
fn large_file_benchmark() {
    let chunk = "var app = require('express')(), count = 0;
function handler(req, res, next) {
  const { id, body: [first, ...rest] = [] } = req.params;
  for (let i = 0; i < rest.length; i++) { count += rest[i]; cache.push(i); }
  class K extends Base { x = id; m(a = first) { return this.x + a; } }
  res.send(items.map(x => ({ x, y: x * 2 })));
  delete cache[id]; Object.assign(state, { id });
}
";
    let src = chunk.repeat(100_000 / chunk.lines().count());
    let tree = flux_syntax::parse(&src, flux_syntax::Dialect::JavaScript);
    let runs: u32 = std::env::var("FLUX_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let start = std::time::Instant::now();
    let mut t = ScopeTree::default();
    for _ in 0..runs {
        t = analyze(&tree, &src);
    }
    let took = start.elapsed() / runs;
    let walk_start = std::time::Instant::now();
    let mut cursor = tree.walk();
    let mut count = 0usize;
    'walk: loop {
        count += cursor.node().kind().len();
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    let walk = walk_start.elapsed();
    eprintln!("bare cursor walk: {walk:?} ({count})");
    eprintln!(
        "{} lines, {} refs, {} scopes: {took:?}",
        src.lines().count(),
        t.references.len(),
        t.scopes.len()
    );
    eprintln!(
        "scope analysis / bare walk: {:.1}x",
        took.as_secs_f64() / walk.as_secs_f64()
    );
    // a deep but wide file: many nested callbacks referencing outer names
    let deep = format!(
        "var n = 0; {} n += 1; {}",
        "a(function (e) { e;".repeat(20_000),
        "});".repeat(20_000)
    );
    let tree = flux_syntax::parse(&deep, flux_syntax::Dialect::JavaScript);
    let start = std::time::Instant::now();
    analyze(&tree, &deep);
    eprintln!("20000 nested callbacks: {:?}", start.elapsed());
}

#[test]
fn deep_other_constructs() {
    on_small_stack(|| {
        let n = DEEP;
        let cases = [
            format!("var o = {{}}; o{} = 1;", ".a".repeat(n)),
            format!("var a = 1; var s = {}a;", "a + ".repeat(n)),
            format!(
                "var a = 1; var v = {}a{};",
                "{ k: ".repeat(n),
                " }".repeat(n)
            ),
            format!("var a = 1; {} a; {}", "{".repeat(n), "}".repeat(n)),
            format!("var a = 1; {}a{};", "f(".repeat(n), ")".repeat(n)),
            format!("var a = 1; {} a {}", "if (a) {} else ".repeat(n), ""),
            format!("var a = 1; var f = {}a;", "x => ".repeat(n)),
            format!("var a = 1; var t = {}a{};", "`${".repeat(n), "}`".repeat(n)),
            format!(
                "function f({}a{}) {{ return a; }}",
                "{ k: ".repeat(n),
                " }".repeat(n)
            ),
            format!(
                "var a = 1; var j = {}{{a}}{};",
                "<A>".repeat(n),
                "</A>".repeat(n)
            ),
            format!("var a = 1; {}a{};", "a ? a : (".repeat(n), ")".repeat(n)),
            format!(
                "var a = 1; var c = {}a{};",
                "class extends (".repeat(n),
                ") {}".repeat(n)
            ),
        ];
        for src in &cases {
            let t = parse(src);
            let last = t
                .references
                .iter()
                .rev()
                .find(|r| r.name == "a" || r.name == "o");
            let last = last.unwrap_or_else(|| panic!("{}", &src[..40]));
            assert!(last.binding.is_some(), "{}", &src[..40]);
            check_invariants_quick(&t);
        }
    });
}

fn check_invariants_quick(t: &ScopeTree) {
    for r in &t.references {
        if !r.declaration {
            assert_eq!(r.binding, t.lookup(&r.name, r.scope));
        }
    }
}

#[test]
fn block_shadowing_ignores_tdz() {
    // inside the block, `x` is the block's own binding from its start
    check_refs(
        "let x = 1; { x; let x = 2; } x;",
        expect![[r#"
        x@1:5 mod0 DW -> Let@1:5 in mod0
        x@1:14 blk1 R -> Let@1:21 in blk1
        x@1:21 blk1 DW -> Let@1:21 in blk1
        x@1:30 mod0 R -> Let@1:5 in mod0
    "#]],
    );
}

#[test]
fn async_generators_and_for_await() {
    check_refs(
        "async function* gen(src) { for await (const chunk of src) yield chunk; }
export default function named() { return gen; }
const o = { async *m(p) { yield* p; } };",
        expect![[r#"
            gen@1:17 mod0 DW -> Function@1:17 in mod0
            src@1:21 fn1 DW -> Param0@1:21 in fn1
            chunk@1:45 blk2 DW -> Const@1:45 in blk2
            src@1:54 blk2 R -> Param0@1:21 in fn1
            chunk@1:65 blk2 R -> Const@1:45 in blk2
            named@2:25 mod0 DW -> Function@2:25 in mod0
            gen@2:42 fn3 R -> Function@1:17 in mod0
            o@3:7 mod0 DW -> Const@3:7 in mod0
            p@3:22 fn4 DW -> Param0@3:22 in fn4
            p@3:34 fn4 R -> Param0@3:22 in fn4
        "#]],
    );
}
