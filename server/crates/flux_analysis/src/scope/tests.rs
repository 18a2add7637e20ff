use expect_test::{expect, Expect};

use super::*;

fn parse(src: &str) -> ScopeTree {
    let tree = flux_syntax::parse(src, flux_syntax::Dialect::JavaScript);
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
    let t = parse(src);
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
                format!("{}@{} in {}", kind(b.kind), lc(src, b.decl.start), scope_name(&t, b.scope))
            }
        };
        out.push_str(&format!("{}@{} {} {} -> {}\n", r.name, lc(src, r.range.start), scope_name(&t, r.scope), flags, target));
    }
    out
}

/// One line per binding: name, kind, scope, declarator/init text, path.
fn bindings(src: &str) -> String {
    let t = parse(src);
    let mut out = String::new();
    for b in &t.bindings {
        out.push_str(&format!(
            "{} {} {} decl={} declarator=`{}` init={} path={:?}\n",
            b.name,
            kind(b.kind),
            scope_name(&t, b.scope),
            lc(src, b.decl.start),
            &src[b.declarator.clone()].replace('\n', "⏎"),
            b.init.as_ref().map_or("-".to_string(), |i| format!("`{}`", &src[i.clone()].replace('\n', "⏎"))),
            b.path,
        ));
    }
    out
}

fn scopes(src: &str) -> String {
    let t = parse(src);
    let mut out = String::new();
    for (i, s) in t.scopes.iter().enumerate() {
        let id = ScopeId(i as u32);
        out.push_str(&format!(
            "{} {}..{} parent={} var={}\n",
            scope_name(&t, id),
            lc(src, s.range.start),
            lc(src, s.range.end),
            s.parent.map_or("-".to_string(), |p| scope_name(&t, p)),
            scope_name(&t, s.var_scope),
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
    check_refs(PAPER, expect![[r#"
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
    "#]]);
    check_bindings(PAPER, expect![[r#"
        app Var mod0 decl=1:5 declarator=`app = require('express')()` init=`require('express')()` path=[]
        fs Var mod0 decl=2:5 declarator=`fs = require('fs')` init=`require('fs')` path=[]
        count Var mod0 decl=3:5 declarator=`count = 0` init=`0` path=[]
        handler FunctionName fn1 decl=5:23 declarator=`function handler(req, res) {⏎  fs.readFile(__filename, function reply(err, data) {⏎    count += 1;⏎    res.send(err || template(count, data));⏎  });⏎}` init=- path=[]
        req Param0 fn1 decl=5:31 declarator=`req` init=- path=[]
        res Param1 fn1 decl=5:36 declarator=`res` init=- path=[]
        reply FunctionName fn2 decl=6:36 declarator=`function reply(err, data) {⏎    count += 1;⏎    res.send(err || template(count, data));⏎  }` init=- path=[]
        err Param0 fn2 decl=6:42 declarator=`err` init=- path=[]
        data Param1 fn2 decl=6:47 declarator=`data` init=- path=[]
    "#]]);
    check_scopes(PAPER, expect![[r#"
        mod0 1:1..13:1 parent=- var=mod0
        fn1 5:14..10:2 parent=mod0 var=fn1
        fn2 6:27..9:4 parent=fn1 var=fn2
    "#]]);
}
