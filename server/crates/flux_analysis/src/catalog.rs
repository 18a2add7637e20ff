//! The catalog: which APIs are asynchronous, as data.
//!
//! The built-in catalog is the JSON files of `queries/catalog/`, compiled in.
//! A catalog describes *values*: a module, a global or an object type has
//! methods (a method may be a rupture point, or return a value of another
//! type), properties, and what calling or `new`-ing it gives. Expressions are
//! evaluated to these types through bindings (`require`, imports,
//! destructuring, aliases, `express()`, `new Server()`), so that `app.get` is a
//! start rupture point because `app` holds an `express.Application`, not because
//! it is spelled `app`. Entries keyed by callee text (`callees`) match any
//! receiver: EventEmitter's `.on`, and the user's own entries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::StreamKind;

/// Which arguments of a rupture-point call are callbacks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", untagged)]
pub enum CallbackArg {
    /// `"last"`, `"first"` or `"all"` (every function argument: route handlers).
    Named(CallbackPosition),
    /// A 0-based argument index; negative counts from the end (-1 = last).
    Index(i32),
    /// Functions held by these properties of an object-literal argument
    /// (`consumer.run({ eachMessage })`, `server.route({ handler })`).
    Properties { properties: Vec<String> },
    #[default]
    #[serde(skip)]
    Unset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallbackPosition {
    Last,
    First,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Start,
    Post,
}

impl From<Kind> for StreamKind {
    fn from(k: Kind) -> StreamKind {
        match k {
            Kind::Start => StreamKind::Start,
            Kind::Post => StreamKind::Post,
        }
    }
}

/// What calling a function (or method) does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Function {
    /// Calling it is a rupture point of this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// Which arguments are the callbacks (default: the last function argument).
    #[serde(default, skip_serializing_if = "is_unset")]
    pub callback: CallbackArg,
    /// Index of the argument naming the event (`emitter.on('data', cb)` → 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<usize>,
    /// Events that happen once (start-up/shutdown): a start point listening to
    /// one of them is one-shot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_shot_events: Vec<String>,
    /// Events of a resource this process opened or accepted itself (body
    /// chunks, lines, stream plumbing, file changes): every replica gets the
    /// events of its own resources and none is split between replicas, so a
    /// listener to one of them continues the fluxion that registered it
    /// instead of opening a stream.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_events: Vec<String>,
    /// The whole call is one-shot (`server.listen(cb)`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_shot: bool,
    /// The type of the value the call returns (`express()` → `express.Application`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    /// Types of the callback's parameters, by position (`fastify.register(
    /// async (instance) => …)`: the plugin receives a fastify instance).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Option<String>>,
    /// State the library keeps in this process by default (a MemoryStore).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<Store>,
    /// A job (timer, cron) registered by this call runs in every replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<Advice>,
}

/// A library-owned, in-process store: what the call creates unless it is
/// given somewhere else to keep its state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Store {
    /// Option keys (of an object-literal argument) that move the state out of
    /// the process (`store`, `adapter`, `presence`). None present: in-process.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless: Vec<String>,
    /// Methods whose call on the created value moves it out (`io.adapter(…)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless_called: Vec<String>,
    /// Report only if one of these methods is called in the run (`to`, `in`:
    /// socket.io rooms only diverge between replicas when they are used).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when_called: Vec<String>,
    /// Where to report: at the start point that mounts the created middleware
    /// (`mount`, the default), or where it is created (`creation`).
    #[serde(default, skip_serializing_if = "StoreSite::is_mount")]
    pub at: StoreSite,
    /// What the library keeps in memory.
    pub message: String,
    /// What to use instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreSite {
    #[default]
    Mount,
    Creation,
}

impl StoreSite {
    fn is_mount(&self) -> bool {
        *self == StoreSite::Mount
    }
}

/// What to tell the user, and where to read more.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Advice {
    /// What the library keeps in memory (or does once per replica).
    pub message: String,
    /// What to use instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

fn is_unset(c: &CallbackArg) -> bool {
    *c == CallbackArg::Unset
}

/// A value type: a module object, a global, an instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Type {
    /// Calling the value itself (`express()`, `setTimeout(fn)`, `getRawBody(req, cb)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<Function>,
    /// `new Value(…)`: its `returns` is the instance type; it may also be a
    /// rupture point (`new Worker(queue, handler)`).
    #[serde(default, rename = "new", skip_serializing_if = "Option::is_none")]
    pub construct: Option<Function>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub methods: BTreeMap<String, Function>,
    /// Properties holding values of other types (`express.Router`, `http.Server`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    /// Types whose methods and properties this one also has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<String>,
    /// Decorators this value exports (`@Get()` of `@nestjs/common`). With a
    /// `kind`, a class method it decorates is that rupture point's callback:
    /// the framework calls it once per event (`start`) or once (`post`).
    /// Only `kind` and `oneShot` apply.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub decorators: BTreeMap<String, Function>,
}

/// An entry matched by callee text, whatever the receiver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CalleeEntry {
    /// The method or function name (`on`, `get`), or a dotted callee text
    /// (`app.get`) that must match the end of the callee.
    pub callee: String,
    #[serde(flatten)]
    pub function: Function,
}

/// A heuristic for receivers the analysis cannot resolve, e.g. the `app`
/// parameter of an express route module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReceiverEntry {
    /// Receiver identifiers this applies to (`app`, `router`).
    pub names: Vec<String>,
    /// The type such a receiver is assumed to have.
    #[serde(rename = "type")]
    pub assume: String,
}

/// One catalog file (`queries/catalog/*.json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CatalogFile {
    #[serde(default, rename = "$schema", skip_serializing)]
    pub schema: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Module specifier (without `node:`) → the type of its module object.
    #[serde(default)]
    pub modules: BTreeMap<String, String>,
    /// Global name → type.
    #[serde(default)]
    pub globals: BTreeMap<String, String>,
    #[serde(default)]
    pub types: BTreeMap<String, Type>,
    #[serde(default)]
    pub callees: Vec<CalleeEntry>,
    #[serde(default)]
    pub receivers: Vec<ReceiverEntry>,
}

/// The merged catalog used by the analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub modules: BTreeMap<String, String>,
    pub globals: BTreeMap<String, String>,
    pub types: BTreeMap<String, Type>,
    /// Built-in callee-text entries (EventEmitter `.on` and the like).
    pub callees: Vec<CalleeEntry>,
    /// The user's callee-text entries (from `flux.json`); they win over built-ins.
    pub user_callees: Vec<CalleeEntry>,
    pub receivers: Vec<ReceiverEntry>,
}

/// The catalog files shipped with flux-lsp.
pub const BUILTIN: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

impl Catalog {
    /// The built-in catalog. Panics only if a shipped file is malformed, which
    /// a test guards.
    pub fn builtin() -> Catalog {
        let mut catalog = Catalog::default();
        for (name, text) in BUILTIN {
            let file: CatalogFile = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("queries/catalog/{name}: {e}"));
            catalog.merge(file);
        }
        catalog
    }

    pub fn merge(&mut self, file: CatalogFile) {
        self.modules.extend(file.modules);
        self.globals.extend(file.globals);
        for (name, ty) in file.types {
            match self.types.get_mut(&name) {
                Some(existing) => merge_type(existing, ty),
                None => {
                    self.types.insert(name, ty);
                }
            }
        }
        self.callees.extend(file.callees);
        self.receivers.extend(file.receivers);
    }

    /// The type of `require(specifier)`, with or without the `node:` prefix.
    pub fn module(&self, specifier: &str) -> Option<&str> {
        let spec = specifier.strip_prefix("node:").unwrap_or(specifier);
        self.modules.get(spec).map(String::as_str)
    }

    pub fn global(&self, name: &str) -> Option<&str> {
        self.globals.get(name).map(String::as_str)
    }

    /// A method of a type, looked up through `extends`.
    pub fn method(&self, ty: &str, name: &str) -> Option<&Function> {
        self.find_in_type(ty, &mut |t| t.methods.get(name))
    }

    /// A property's type, looked up through `extends`.
    pub fn property(&self, ty: &str, name: &str) -> Option<&str> {
        self.find_in_type(ty, &mut |t| t.properties.get(name).map(String::as_str))
    }

    pub fn call(&self, ty: &str) -> Option<&Function> {
        self.find_in_type(ty, &mut |t| t.call.as_ref())
    }

    pub fn construct(&self, ty: &str) -> Option<&Function> {
        self.find_in_type(ty, &mut |t| t.construct.as_ref())
    }

    /// A decorator exported by a type, looked up through `extends`.
    pub fn decorator(&self, ty: &str, name: &str) -> Option<&Function> {
        self.find_in_type(ty, &mut |t| t.decorators.get(name))
    }

    fn find_in_type<'a, T: ?Sized>(
        &'a self,
        ty: &str,
        get: &mut dyn FnMut(&'a Type) -> Option<&'a T>,
    ) -> Option<&'a T> {
        // Breadth-first over `extends`, bounded so that a cycle cannot loop.
        let mut queue = vec![ty];
        let mut i = 0;
        while i < queue.len() && i < 32 {
            if let Some(t) = self.types.get(queue[i]) {
                if let Some(found) = get(t) {
                    return Some(found);
                }
                queue.extend(t.extends.iter().map(String::as_str));
            }
            i += 1;
        }
        None
    }

    /// A callee-text entry for `callee` (the full callee text, e.g. `db.read`):
    /// user entries first, then built-ins. An entry matches the last segment
    /// (`read`) or a dotted suffix (`db.read`).
    pub fn callee(&self, callee: &str) -> Option<(&CalleeEntry, bool)> {
        let matches = |e: &&CalleeEntry| {
            callee == e.callee
                || (callee.ends_with(&e.callee)
                    && callee[..callee.len() - e.callee.len()].ends_with('.'))
        };
        if let Some(e) = self.user_callees.iter().find(matches) {
            return Some((e, true));
        }
        self.callees.iter().find(matches).map(|e| (e, false))
    }

    /// The type assumed for an unresolved receiver identifier.
    pub fn assumed_receiver(&self, name: &str) -> Option<&str> {
        self.receivers
            .iter()
            .find(|r| r.names.iter().any(|n| n == name))
            .map(|r| r.assume.as_str())
    }
}

fn merge_type(into: &mut Type, from: Type) {
    if from.call.is_some() {
        into.call = from.call;
    }
    if from.construct.is_some() {
        into.construct = from.construct;
    }
    into.methods.extend(from.methods);
    into.properties.extend(from.properties);
    into.decorators.extend(from.decorators);
    for e in from.extends {
        if !into.extends.contains(&e) {
            into.extends.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_parses_and_references_only_known_types() {
        let catalog = Catalog::builtin();
        let known = |t: &str| catalog.types.contains_key(t);
        for (m, t) in &catalog.modules {
            assert!(known(t), "module {m} names unknown type {t}");
        }
        for (g, t) in &catalog.globals {
            assert!(known(t), "global {g} names unknown type {t}");
        }
        for (name, ty) in &catalog.types {
            let fns = ty
                .methods
                .values()
                .chain(ty.call.iter())
                .chain(ty.construct.iter());
            for f in fns {
                if let Some(r) = &f.returns {
                    assert!(known(r), "{name}: returns unknown type {r}");
                }
            }
            for r in ty.properties.values().chain(ty.extends.iter()) {
                assert!(known(r), "{name}: refers to unknown type {r}");
            }
        }
        for r in &catalog.receivers {
            assert!(
                known(&r.assume),
                "receiver heuristic names unknown type {}",
                r.assume
            );
        }
    }
}

#[cfg(test)]
mod builtin_tests {
    //! Spot checks of the shipped catalog through the public lookups, as the
    //! resolver uses them.
    use super::*;

    fn catalog() -> Catalog {
        Catalog::builtin()
    }

    /// The type of `require(module).path…` (properties, then a final member).
    fn member<'a>(c: &'a Catalog, module: &str, path: &[&str]) -> &'a str {
        let mut ty = c
            .module(module)
            .unwrap_or_else(|| panic!("no module {module}"));
        for p in path {
            ty = c
                .property(ty, p)
                .unwrap_or_else(|| panic!("{ty} has no property {p}"));
        }
        ty
    }

    fn method<'a>(c: &'a Catalog, ty: &str, name: &str) -> &'a Function {
        c.method(ty, name)
            .unwrap_or_else(|| panic!("{ty} has no method {name}"))
    }

    fn returns(f: &Function) -> &str {
        f.returns.as_deref().expect("a return type")
    }

    #[test]
    fn every_shipped_file_parses_on_its_own_and_says_what_it_covers() {
        assert!(BUILTIN.len() > 1, "the catalog is split by ecosystem");
        for (name, text) in BUILTIN {
            assert!(
                !name.starts_with("schema"),
                "{name} is the JSON schema, not a catalog file"
            );
            let file: CatalogFile = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("queries/catalog/{name}: {e}"));
            assert!(!file.description.is_empty(), "{name} has no description");
        }
    }

    #[test]
    fn functions_are_consistent() {
        let c = catalog();
        let check = |at: &str, f: &Function| {
            let shapes = f.callback != CallbackArg::Unset
                || f.event.is_some()
                || !f.one_shot_events.is_empty()
                || !f.local_events.is_empty()
                || f.one_shot;
            assert!(
                !shapes || f.kind.is_some(),
                "{at}: callback/event/one-shot without a kind"
            );
            if !f.one_shot_events.is_empty() || !f.local_events.is_empty() {
                assert_eq!(
                    f.kind,
                    Some(Kind::Start),
                    "{at}: one-shot events on a non-start point"
                );
                assert!(
                    f.event.is_some(),
                    "{at}: one-shot events without an event argument"
                );
            }
        };
        for (name, ty) in &c.types {
            for (m, f) in &ty.methods {
                check(&format!("{name}.{m}"), f);
            }
            for f in ty.call.iter() {
                check(&format!("{name}()"), f);
            }
            for f in ty.construct.iter() {
                check(&format!("new {name}"), f);
            }
        }
        for e in &c.callees {
            assert!(e.function.kind.is_some(), "callee {} has no kind", e.callee);
            check(&e.callee, &e.function);
        }
        for (name, ty) in &c.types {
            for (d, f) in &ty.decorators {
                // the decorated method is the callback; there are no arguments to point at
                assert!(
                    f.callback == CallbackArg::Unset
                        && f.event.is_none()
                        && f.one_shot_events.is_empty()
                        && f.local_events.is_empty()
                        && f.returns.is_none(),
                    "{name}: decorator @{d} uses keys that only apply to calls"
                );
                check(&format!("{name} @{d}"), f);
            }
        }
    }

    #[test]
    fn nestjs_decorators_are_listeners() {
        let c = catalog();
        let common = c.module("@nestjs/common").unwrap();
        for d in [
            "Get", "Post", "Put", "Delete", "Patch", "All", "Options", "Head",
        ] {
            assert_eq!(
                c.decorator(common, d).unwrap().kind,
                Some(Kind::Start),
                "@{d}"
            );
        }
        assert_eq!(c.decorator(common, "Controller").unwrap().kind, None);
        assert_eq!(c.decorator(common, "Injectable").unwrap().kind, None);
        let schedule = c.module("@nestjs/schedule").unwrap();
        assert_eq!(
            c.decorator(schedule, "Cron").unwrap().kind,
            Some(Kind::Start)
        );
        let timeout = c.decorator(schedule, "Timeout").unwrap();
        assert_eq!((timeout.kind, timeout.one_shot), (Some(Kind::Post), true));
        for (m, d) in [
            ("@nestjs/microservices", "MessagePattern"),
            ("@nestjs/microservices", "EventPattern"),
            ("@nestjs/websockets", "SubscribeMessage"),
            ("@nestjs/event-emitter", "OnEvent"),
        ] {
            let ty = c.module(m).unwrap();
            assert_eq!(
                c.decorator(ty, d).unwrap().kind,
                Some(Kind::Start),
                "{m} @{d}"
            );
        }
        // a decorator is no method: `Get()` itself is not a rupture point
        assert!(c.method(common, "Get").is_none());
    }

    #[test]
    fn callees_avoid_common_method_names() {
        // These would turn `map.get(k)`, `db.query(sql)`… of unknown receivers into rupture points.
        let c = catalog();
        for name in [
            "get", "set", "query", "find", "send", "write", "read", "use", "run", "process", "then",
        ] {
            assert!(
                c.callee(&format!("x.{name}")).is_none(),
                "`{name}` is a built-in callee entry"
            );
        }
    }

    #[test]
    fn express_routes_are_start_points_on_every_handler() {
        let c = catalog();
        let express = c.module("express").unwrap();
        let app = returns(c.call(express).unwrap());
        assert_eq!(app, "express.Application");
        let get = method(&c, app, "get");
        assert_eq!(get.kind, Some(Kind::Start));
        assert_eq!(get.callback, CallbackArg::Named(CallbackPosition::All));
        assert_eq!(
            method(&c, "express.Application", "use").kind,
            Some(Kind::Start)
        );
        // app.route('/x').get(h).post(h)
        let route = returns(method(&c, app, "route"));
        let chained = returns(method(&c, route, "get"));
        assert_eq!(method(&c, chained, "post").kind, Some(Kind::Start));
        // app.listen(port, cb) → http.Server
        let listen = method(&c, app, "listen");
        assert_eq!((listen.kind, listen.one_shot), (Some(Kind::Post), true));
        assert_eq!(returns(listen), "http.Server");
        // express.Router() and new express.Router(), and `app.on` through EventEmitter
        let router = returns(method(&c, express, "Router"));
        assert_eq!(method(&c, router, "delete").kind, Some(Kind::Start));
        let factory = member(&c, "express", &["Router"]);
        assert_eq!(
            c.construct(factory).and_then(|f| f.returns.as_deref()),
            Some("express.Router")
        );
        assert!(method(&c, app, "on")
            .one_shot_events
            .iter()
            .any(|e| e == "mount"));
        // express.json() only builds middleware
        assert_eq!(method(&c, express, "json").kind, None);
        // route modules: `module.exports = function (app) { app.get(…) }`
        assert_eq!(c.assumed_receiver("app"), Some("express.Application"));
        assert_eq!(c.assumed_receiver("router"), Some("express.Router"));
        assert_eq!(c.assumed_receiver("api"), None);
    }

    #[test]
    fn node_core() {
        let c = catalog();
        let fs = c.module("node:fs").unwrap();
        assert_eq!(c.module("fs"), Some(fs));
        assert_eq!(method(&c, fs, "readFile").kind, Some(Kind::Post));
        let watch = method(&c, fs, "watch");
        assert_eq!(watch.kind, Some(Kind::Start));
        assert_eq!(method(&c, returns(watch), "on").kind, Some(Kind::Start));
        assert!(c.property(fs, "promises").is_some());
        assert_eq!(
            method(&c, c.module("fs/promises").unwrap(), "readFile").kind,
            None
        );

        let interval = c.call(c.global("setInterval").unwrap()).unwrap();
        assert_eq!(interval.kind, Some(Kind::Start));
        assert_eq!(
            interval.callback,
            CallbackArg::Named(CallbackPosition::First)
        );
        let timeout = c.call(c.global("setTimeout").unwrap()).unwrap();
        assert_eq!(
            (timeout.kind, &timeout.callback),
            (
                Some(Kind::Post),
                &CallbackArg::Named(CallbackPosition::First)
            )
        );
        assert_eq!(
            c.call(c.global("queueMicrotask").unwrap()).unwrap().kind,
            Some(Kind::Post)
        );
        let timers = c.module("node:timers").unwrap();
        assert_eq!(method(&c, timers, "setInterval").kind, Some(Kind::Start));

        let process = c.global("process").unwrap();
        let tick = method(&c, process, "nextTick");
        assert_eq!(
            (tick.kind, &tick.callback),
            (
                Some(Kind::Post),
                &CallbackArg::Named(CallbackPosition::First)
            )
        );
        let on = method(&c, process, "on");
        assert_eq!(on.kind, Some(Kind::Start));
        for e in ["SIGINT", "SIGTERM", "exit", "beforeExit"] {
            assert!(on.one_shot_events.iter().any(|x| x == e), "process.on: {e}");
        }
        assert!(!on.one_shot_events.iter().any(|x| x == "message"));
        assert_eq!(method(&c, process, "once").kind, Some(Kind::Post));

        // http.createServer(h).listen(…), and http.Server's events
        let http = c.module("http").unwrap();
        let create = method(&c, http, "createServer");
        assert_eq!(create.kind, Some(Kind::Start));
        let server = returns(create);
        assert_eq!(server, "http.Server");
        let listen = method(&c, server, "listen");
        assert_eq!((listen.kind, listen.one_shot), (Some(Kind::Post), true));
        let on = method(&c, server, "on");
        assert_eq!((on.kind, on.event), (Some(Kind::Start), Some(0)));
        assert!(on.one_shot_events.iter().any(|e| e == "listening"));
        for stream in ["request", "connection", "upgrade", "connect"] {
            assert!(
                !on.one_shot_events.iter().any(|e| e == stream),
                "http.Server `{stream}` is a stream"
            );
        }
        assert_eq!(
            method(&c, c.module("https").unwrap(), "request").kind,
            Some(Kind::Post)
        );
        assert_eq!(
            method(&c, c.module("net").unwrap(), "createServer").kind,
            Some(Kind::Start)
        );

        // const { EventEmitter } = require('events'); new EventEmitter().on(…)
        let class = member(&c, "events", &["EventEmitter"]);
        let emitter = returns(c.construct(class).unwrap());
        assert_eq!(method(&c, emitter, "on").kind, Some(Kind::Start));
        assert_eq!(method(&c, emitter, "once").kind, Some(Kind::Post));
        // events.once(emitter, 'x'): the event name is argument 1
        assert_eq!(
            method(&c, c.module("events").unwrap(), "once").event,
            Some(1)
        );

        let stream = member(&c, "stream", &[]);
        assert_eq!(method(&c, stream, "pipeline").kind, Some(Kind::Post));
        let child = returns(method(&c, c.module("child_process").unwrap(), "spawn"));
        let stdout = c.property(child, "stdout").unwrap();
        assert_eq!(method(&c, stdout, "on").kind, Some(Kind::Start));
    }

    #[test]
    fn event_emitter_callees() {
        let c = catalog();
        let (on, user) = c.callee("socket.on").unwrap();
        assert!(!user);
        assert_eq!(
            (on.function.kind, on.function.event),
            (Some(Kind::Start), Some(0))
        );
        for e in ["close", "end", "finish", "listening", "SIGTERM"] {
            assert!(on.function.one_shot_events.iter().any(|x| x == e), "{e}");
        }
        // an unknown emitter may be a long-lived client or store that reconnects
        for e in [
            "message",
            "data",
            "connection",
            "request",
            "upgrade",
            "connect",
            "disconnect",
            "error",
        ] {
            assert!(!on.function.one_shot_events.iter().any(|x| x == e), "{e}");
        }
        // a resource's own plumbing is local; the events that bring outside work are not
        let local = |e: &str| on.function.local_events.iter().any(|x| x == e);
        for e in ["data", "line", "drain", "newListener"] {
            assert!(local(e), "{e} is local");
        }
        for e in ["message", "connection", "request", "upgrade", "job"] {
            assert!(!local(e), "{e} is not local");
        }
        let (once, _) = c.callee("req.once").unwrap();
        assert_eq!(once.function.kind, Some(Kind::Post));
        assert_eq!(
            c.callee("emitter.prependListener").unwrap().0.function.kind,
            Some(Kind::Start)
        );
        assert!(
            c.callee("common").is_none(),
            "`on` must match whole segments only"
        );
    }

    #[test]
    fn other_web_frameworks() {
        let c = catalog();
        // koa: new Koa().use(mw); error events repeat per request
        let koa = c.construct(c.module("koa").unwrap()).unwrap();
        let app = returns(koa);
        assert_eq!(method(&c, app, "use").kind, Some(Kind::Start));
        assert!(method(&c, app, "on").one_shot_events.is_empty());
        let router = returns(c.construct(c.module("@koa/router").unwrap()).unwrap());
        assert_eq!(method(&c, router, "get").kind, Some(Kind::Start));
        assert_eq!(c.module("koa-router"), c.module("@koa/router"));

        // fastify(): shorthand and full routes, hooks, plugins
        let fastify = returns(c.call(c.module("fastify").unwrap()).unwrap());
        assert_eq!(
            method(&c, c.module("fastify").unwrap(), "fastify")
                .returns
                .as_deref(),
            Some(fastify)
        );
        assert_eq!(method(&c, fastify, "post").kind, Some(Kind::Start));
        let route = method(&c, fastify, "route");
        assert!(
            matches!(&route.callback, CallbackArg::Properties { properties } if properties.iter().any(|p| p == "handler"))
        );
        let hook = method(&c, fastify, "addHook");
        assert_eq!((hook.kind, hook.event), (Some(Kind::Start), Some(0)));
        assert!(hook.one_shot_events.iter().any(|e| e == "onReady"));
        let register = method(&c, fastify, "register");
        assert_eq!((register.kind, register.one_shot), (Some(Kind::Post), true));

        // hapi: Hapi.server({…}).route({ handler }), new Hapi.Server()
        let hapi = c.module("@hapi/hapi").unwrap();
        let server = returns(method(&c, hapi, "server"));
        let route = method(&c, server, "route");
        assert_eq!(route.kind, Some(Kind::Start));
        assert!(matches!(&route.callback, CallbackArg::Properties { .. }));
        let class = member(&c, "hapi", &["Server"]);
        assert_eq!(returns(c.construct(class).unwrap()), server);
        assert_eq!(
            method(&c, c.assumed_receiver("server").unwrap(), "route").kind,
            Some(Kind::Start)
        );
        assert_eq!(
            method(&c, c.assumed_receiver("server").unwrap(), "listen").kind,
            Some(Kind::Post)
        );

        // socket.io: require('socket.io')(server), new Server(), io.of('/ns').on(…)
        let io = returns(c.call(c.module("socket.io").unwrap()).unwrap());
        let class = member(&c, "socket.io", &["Server"]);
        assert_eq!(returns(c.construct(class).unwrap()), io);
        let on = method(&c, io, "on");
        assert_eq!(on.kind, Some(Kind::Start));
        assert!(on.one_shot_events.is_empty());
        assert_eq!(method(&c, io, "use").kind, Some(Kind::Start));
        let ns = returns(method(&c, io, "of"));
        assert_eq!(method(&c, ns, "on").kind, Some(Kind::Start));

        // ws: new WebSocket.Server(), new WebSocketServer(), new WebSocket(url)
        let wss = returns(c.construct(member(&c, "ws", &["Server"])).unwrap());
        assert_eq!(
            wss,
            returns(c.construct(member(&c, "ws", &["WebSocketServer"])).unwrap())
        );
        let on = method(&c, wss, "on");
        assert!(on.one_shot_events.iter().any(|e| e == "listening"));
        assert!(!on.one_shot_events.iter().any(|e| e == "connection"));
        let ws = returns(c.construct(c.module("ws").unwrap()).unwrap());
        assert!(method(&c, ws, "on")
            .one_shot_events
            .iter()
            .any(|e| e == "open"));
    }

    #[test]
    fn databases_and_queues() {
        let c = catalog();
        // MongoClient.connect(url, cb); client.db().collection('x').find(q, cb)
        let client = member(&c, "mongodb", &["MongoClient"]);
        assert_eq!(method(&c, client, "connect").kind, Some(Kind::Post));
        let db = returns(method(&c, returns(c.construct(client).unwrap()), "db"));
        let coll = returns(method(&c, db, "collection"));
        assert_eq!(method(&c, coll, "insertOne").kind, Some(Kind::Post));
        let changes = returns(method(&c, coll, "watch"));
        let on = method(&c, changes, "on");
        assert_eq!(on.kind, Some(Kind::Start));
        assert!(!on.one_shot_events.iter().any(|e| e == "change"));

        let schema = returns(c.construct(member(&c, "mongoose", &["Schema"])).unwrap());
        assert_eq!(method(&c, schema, "pre").kind, Some(Kind::Start));
        assert_eq!(
            method(&c, c.module("mongoose").unwrap(), "connect").kind,
            Some(Kind::Post)
        );

        let pool = returns(c.construct(member(&c, "pg", &["Pool"])).unwrap());
        assert_eq!(method(&c, pool, "query").kind, Some(Kind::Post));
        assert!(method(&c, pool, "on").one_shot_events.is_empty());
        let pg_client = returns(method(&c, pool, "connect"));
        assert!(!method(&c, pg_client, "on")
            .one_shot_events
            .iter()
            .any(|e| e == "notification"));

        for m in ["mysql", "mysql2"] {
            let conn = returns(method(&c, c.module(m).unwrap(), "createConnection"));
            assert_eq!(method(&c, conn, "query").kind, Some(Kind::Post), "{m}");
            let pool = returns(method(&c, c.module(m).unwrap(), "createPool"));
            assert_eq!(
                method(&c, pool, "getConnection").kind,
                Some(Kind::Post),
                "{m}"
            );
        }

        let redis = returns(method(&c, c.module("redis").unwrap(), "createClient"));
        assert_eq!(method(&c, redis, "get").kind, Some(Kind::Post));
        assert_eq!(method(&c, redis, "subscribe").kind, Some(Kind::Start));
        let ioredis = returns(c.construct(c.module("ioredis").unwrap()).unwrap());
        assert_eq!(method(&c, ioredis, "set").kind, Some(Kind::Post));
        assert_eq!(method(&c, ioredis, "subscribe").kind, Some(Kind::Post));
        assert_eq!(method(&c, ioredis, "on").kind, Some(Kind::Start));

        // const ch = await (await amqp.connect(url)).createChannel(); ch.consume(q, cb)
        let conn = returns(method(&c, c.module("amqplib").unwrap(), "connect"));
        let ch = returns(method(&c, conn, "createChannel"));
        assert_eq!(method(&c, ch, "consume").kind, Some(Kind::Start));
        assert_eq!(method(&c, ch, "assertQueue").kind, Some(Kind::Post));
        assert_eq!(
            method(&c, c.module("amqplib/callback_api").unwrap(), "connect").kind,
            Some(Kind::Post)
        );

        let kafka = returns(c.construct(member(&c, "kafkajs", &["Kafka"])).unwrap());
        let run = method(&c, returns(method(&c, kafka, "consumer")), "run");
        assert_eq!(run.kind, Some(Kind::Start));
        assert_eq!(
            run.callback,
            CallbackArg::Properties {
                properties: vec!["eachMessage".into(), "eachBatch".into()]
            }
        );

        let bull = c.module("bull").unwrap();
        assert_eq!(
            method(&c, returns(c.call(bull).unwrap()), "process").kind,
            Some(Kind::Start)
        );
        let worker = c.construct(member(&c, "bullmq", &["Worker"])).unwrap();
        assert_eq!(
            (worker.kind, &worker.callback),
            (Some(Kind::Start), &CallbackArg::Index(1))
        );
        let events = returns(c.construct(member(&c, "bullmq", &["QueueEvents"])).unwrap());
        assert_eq!(method(&c, events, "on").kind, Some(Kind::Start));
    }

    #[test]
    fn schedulers_watchers_and_helpers() {
        let c = catalog();
        let schedule = method(&c, c.module("node-cron").unwrap(), "schedule");
        assert_eq!(
            (schedule.kind, &schedule.callback),
            (Some(Kind::Start), &CallbackArg::Index(1))
        );
        let watcher = returns(method(&c, c.module("chokidar").unwrap(), "watch"));
        let on = method(&c, watcher, "on");
        assert_eq!(on.kind, Some(Kind::Start));
        assert!(on.one_shot_events.iter().any(|e| e == "ready"));
        assert_eq!(
            c.call(c.module("raw-body").unwrap()).unwrap().kind,
            Some(Kind::Post)
        );
        assert_eq!(
            method(&c, c.module("body-parser").unwrap(), "json").kind,
            None
        );
    }
}
