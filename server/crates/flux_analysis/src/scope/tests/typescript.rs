//! Scope analysis of TypeScript and TSX: the JavaScript rules, with types
//! never walked.

use expect_test::{expect, Expect};

use super::*;
use flux_syntax::Dialect;

fn ts(src: &str) -> ScopeTree {
    let t = parse_in(src, Dialect::TypeScript);
    check_invariants_of(&t, src);
    t
}

fn check_ts_refs(src: &str, expect: Expect) {
    expect.assert_eq(&refs_of(&ts(src), src));
}

fn check_ts_bindings(src: &str, expect: Expect) {
    expect.assert_eq(&bindings_of(&ts(src), src));
}

#[test]
fn type_annotations_are_not_references() {
    check_ts_refs(
        "import { Request } from 'express';
const cache: Map<string, Request> = new Map<string, Request>();
function f(req: Request, n?: number): Promise<Request | undefined> {
  let x = req as unknown as Request;
  return cache.get(x.id satisfies string)!;
}
",
        expect![[r#"
            Request@1:10 mod0 DW -> Import@1:10 in mod0
            cache@2:7 mod0 DW -> Const@2:7 in mod0
            Map@2:41 mod0 R -> global
            f@3:10 mod0 DW -> Function@3:10 in mod0
            req@3:12 fn1 DW -> Param0@3:12 in fn1
            n@3:26 fn1 DW -> Param1@3:26 in fn1
            x@4:7 fn1 DW -> Let@4:7 in fn1
            req@4:11 fn1 R -> Param0@3:12 in fn1
            cache@5:10 fn1 R -> Const@2:7 in mod0
            x@5:20 fn1 R -> Let@4:7 in fn1
        "#]],
    );
}

#[test]
fn type_declarations_declare_nothing() {
    check_ts_bindings(
        "interface I { a: T; m(x: U): V }
type T = { b: W } | typeof q;
declare const g: number;
declare module 'm' { export const z: number; }
declare global { interface Window { w: X } }
function over(a: string): void;
function over(a: any) { return a; }
abstract class A { abstract m(p: P): void; [k: string]: any; }
",
        expect![[r#"
            over Function mod0 decl=7:10 declarator=`function over(a: any) { return a; }` init=- path=[]
            a Param0 fn1 decl=7:15 declarator=`a: any` init=- path=[]
            A Class mod0 decl=8:16 declarator=`abstract class A { abstract m(p: P): voi…` init=- path=[]
        "#]],
    );
}

#[test]
fn type_only_imports_and_exports() {
    check_ts_refs(
        "import type { A } from './a';
import { type B, c } from './b';
import fs = require('fs');
export type { A };
export { type B, c, fs };
",
        expect![[r#"
            c@2:18 mod0 DW -> Import@2:18 in mod0
            fs@3:8 mod0 DW -> Import@3:8 in mod0
            c@5:18 mod0 R -> Import@2:18 in mod0
            fs@5:21 mod0 R -> Import@3:8 in mod0
        "#]],
    );
    check_ts_bindings(
        "import fs = require('fs');\nimport { type B, c as d } from './b';\n",
        expect![[r#"
            fs Import mod0 decl=1:8 declarator=`fs = require('fs')` init=`'fs'` path=[]
            d Import mod0 decl=2:23 declarator=`c as d` init=`'./b'` path=[Property("c")]
        "#]],
    );
}

#[test]
fn parameters_and_parameter_properties() {
    check_ts_bindings(
        "class S {
  constructor(private readonly store: Store, public n?: number, @Inject(K) k: K = dflt, ...rest: R[]) {}
  m(this: S, { a }: { a: A }, [b]: B[]) {}
}
const f = <T,>(x: T): T => x;
",
        expect![[r#"
            S Class mod0 decl=1:7 declarator=`class S {⏎  constructor(private readonly…` init=- path=[]
            store Param0 fn2 decl=2:32 declarator=`private readonly store: Store` init=- path=[]
            n Param1 fn2 decl=2:53 declarator=`public n?: number` init=- path=[]
            k Param2 fn2 decl=2:76 declarator=`@Inject(K) k: K = dflt` init=`dflt` path=[]
            rest Param3 fn2 decl=2:92 declarator=`...rest: R[]` init=- path=[Rest]
            a Param0 fn3 decl=3:16 declarator=`{ a }: { a: A }` init=- path=[Property("a")]
            b Param1 fn3 decl=3:32 declarator=`[b]: B[]` init=- path=[Index(0)]
            f Const mod0 decl=5:7 declarator=`f = <T,>(x: T): T => x` init=`<T,>(x: T): T => x` path=[]
            x Param0 fn4 decl=5:16 declarator=`x: T` init=- path=[]
        "#]],
    );
    check_ts_refs(
        "class S {
  constructor(@Inject(K) private k: K = dflt) { k; this.k; }
}
",
        expect![[r#"
            S@1:7 mod0 DW -> Class@1:7 in mod0
            Inject@2:16 blk1 R -> global
            K@2:23 blk1 R -> global
            k@2:34 fn2 DW -> Param0@2:34 in fn2
            dflt@2:41 fn2 R -> global
            k@2:49 fn2 R -> Param0@2:34 in fn2
        "#]],
    );
}

#[test]
fn classes_fields_and_decorators() {
    check_ts_refs(
        "@Controller('x')
export class C extends Base<T> implements I {
  private readonly clients = new Set<WebSocket>();
  static n: number;
  declare d: string;
  @Get(':id') get(@Param('id') id: string): string { return id; }
}
const K = class Kls { m() { return Kls; } };
abstract class A extends C {}
",
        expect![[r#"
            Controller@1:2 mod0 R -> global
            C@2:14 mod0 DW -> Class@2:14 in mod0
            Base@2:24 blk1 R -> global
            Set@3:34 fn2 R -> global
            Get@6:4 fn2 R -> global
            Param@6:20 fn2 R -> global
            id@6:32 fn3 DW -> Param0@6:32 in fn3
            id@6:61 fn3 R -> Param0@6:32 in fn3
            K@8:7 mod0 DW -> Const@8:7 in mod0
            Kls@8:17 blk4 DW -> FunctionName@8:17 in blk4
            Kls@8:36 fn5 R -> FunctionName@8:17 in blk4
            A@9:16 mod0 DW -> Class@9:16 in mod0
            C@9:26 blk6 R -> Class@2:14 in mod0
        "#]],
    );
}

#[test]
fn enums_and_namespaces() {
    check_ts_bindings(
        "enum E { A = 1, B = base }
const enum F { X }
namespace N { var v = 1; export function f() { return v; } }
namespace P.Q { }
module M { }
import Alias = N.f;
",
        expect![[r#"
            E Enum mod0 decl=1:6 declarator=`enum E { A = 1, B = base }` init=- path=[]
            F Enum mod0 decl=2:12 declarator=`const enum F { X }` init=- path=[]
            N Namespace mod0 decl=3:11 declarator=`namespace N { var v = 1; export function…` init=- path=[]
            v Var fn1 decl=3:19 declarator=`v = 1` init=`1` path=[]
            f Function fn1 decl=3:42 declarator=`function f() { return v; }` init=- path=[]
            P Namespace mod0 decl=4:11 declarator=`namespace P.Q { }` init=- path=[]
            M Namespace mod0 decl=5:8 declarator=`module M { }` init=- path=[]
            Alias Const mod0 decl=6:8 declarator=`import Alias = N.f;` init=`N.f` path=[]
        "#]],
    );
    check_ts_refs(
        "enum E { A = base }\nnamespace N { var v = E.A; }\nimport Alias = N.f;\nAlias();\n",
        expect![[r#"
            E@1:6 mod0 DW -> Enum@1:6 in mod0
            base@1:14 mod0 R -> global
            N@2:11 mod0 DW -> Namespace@2:11 in mod0
            v@2:19 fn1 DW -> Var@2:19 in fn1
            E@2:23 fn1 R -> Enum@1:6 in mod0
            Alias@3:8 mod0 DW -> Const@3:8 in mod0
            N@3:16 mod0 R -> Namespace@2:11 in mod0
            Alias@4:1 mod0 R -> Const@3:8 in mod0
        "#]],
    );
}

#[test]
fn wrappers_are_transparent_to_writes_and_mutations() {
    check_ts_refs(
        "let a: number;
const m = new Map();
(a as any) = 1;
a! += 2;
m!.set(1, 2);
(m as Map<number, number>).clear();
(<any>m).x = 3;
obj?.a!.b;
",
        expect![[r#"
            a@1:5 mod0 D -> Let@1:5 in mod0
            m@2:7 mod0 DW -> Const@2:7 in mod0
            Map@2:15 mod0 R -> global
            a@3:2 mod0 W -> Let@1:5 in mod0
            a@4:1 mod0 RW -> Let@1:5 in mod0
            m@5:1 mod0 R MutatingCall[m!.set(1, 2)] -> Const@2:7 in mod0
            m@6:2 mod0 R MutatingCall[(m as Map<number, number>).clear()] -> Const@2:7 in mod0
            m@7:7 mod0 R PropertyWrite[(<any>m).x = 3] -> Const@2:7 in mod0
            obj@8:1 mod0 R -> global
        "#]],
    );
}

#[test]
fn tsx_parses_and_resolves() {
    let src = "import { useState } from 'react';
export function App(props: { n: number }) {
  const [n, setN] = useState<number>(props.n);
  return <Counter value={n as number} onClick={() => setN(n + 1)} />;
}
";
    let t = parse_in(src, Dialect::Tsx);
    check_invariants_of(&t, src);
    expect![[r#"
        useState@1:10 mod0 DW -> Import@1:10 in mod0
        App@2:17 mod0 DW -> Function@2:17 in mod0
        props@2:21 fn1 DW -> Param0@2:21 in fn1
        n@3:10 fn1 DW -> Const@3:10 in fn1
        setN@3:13 fn1 DW -> Const@3:13 in fn1
        useState@3:21 fn1 R -> Import@1:10 in mod0
        props@3:38 fn1 R -> Param0@2:21 in fn1
        Counter@4:11 fn1 R -> global
        n@4:26 fn1 R -> Const@3:10 in fn1
        setN@4:54 fn2 R -> Const@3:13 in fn1
        n@4:59 fn2 R -> Const@3:10 in fn1
    "#]]
    .assert_eq(&refs_of(&t, src));
}

#[test]
fn typescript_invariants_and_no_panic_on_garbage() {
    for src in [
        "class A<T> { constructor(private x: T) {} @d m<U>(u: U): asserts u is T {} }",
        "function f(a: ",
        "enum { A = ",
        "namespace { }",
        "import x = ;",
        "let v = <T>(x) => x as ;",
        "@@@ class { constructor(private) {} }",
    ] {
        ts(src);
    }
}

#[test]
fn deep_typescript_nesting() {
    on_small_stack(|| {
        let n = 5_000;
        let src = format!(
            "let v = x{};\nlet t: {}number{} = y;\n{}z;{}\n{}w{} = 1;\n",
            " as any".repeat(n),
            "Array<".repeat(n),
            ">".repeat(n),
            "namespace N { ".repeat(n / 5),
            " }".repeat(n / 5),
            "(".repeat(n),
            "!)".repeat(n),
        );
        let t = parse_in(&src, Dialect::TypeScript);
        let names: Vec<&str> = t.references.iter().map(|r| r.name.as_str()).collect();
        assert!(names.contains(&"x") && names.contains(&"y") && names.contains(&"z"));
        let w = t.references.iter().find(|r| r.name == "w").unwrap();
        assert!(w.write, "a write through `(…!)` wrappers");
    });
}
