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
    /// The whole call is one-shot (`server.listen(cb)`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_shot: bool,
    /// The type of the value the call returns (`express()` → `express.Application`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
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
            let fns = ty.methods.values().chain(ty.call.iter()).chain(ty.construct.iter());
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
            assert!(known(&r.assume), "receiver heuristic names unknown type {}", r.assume);
        }
    }
}
