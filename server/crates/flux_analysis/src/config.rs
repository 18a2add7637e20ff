//! `flux.json`: the user's catalog entries, ignore globs and severities.
//! Parsing is pure (text in, [`Config`] or a located error out); finding the
//! file on disk is the CLI's and the server's business.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::catalog::{CallbackArg, CalleeEntry, Catalog, Function, Kind};
use crate::model::{Code, Severity};

/// The name of the configuration file.
pub const FILE_NAME: &str = "flux.json";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub catalog: Vec<UserEntry>,
    /// Globs (gitignore-style, relative to the config's folder) of files not to check.
    pub ignore: Vec<String>,
    /// Per-code severity; `None` turns the code off.
    pub severity: BTreeMap<Code, Option<Severity>>,
    /// Per-folder settings, in file order: a later matching override wins.
    pub overrides: Vec<Override>,
}

/// `{"files": ["src/legacy/**"], "severity": {…}, "ignore": […]}`: settings
/// for the files its globs match (relative to the config's folder). Matching
/// paths is the caller's business (it knows the folder).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Override {
    pub files: Vec<String>,
    pub severity: BTreeMap<Code, Option<Severity>>,
    pub ignore: Vec<String>,
}

/// A user catalog entry: by callee text, or by module and export path.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserEntry {
    #[serde(default)]
    pub callee: Option<String>,
    #[serde(default)]
    pub module: Option<String>,
    /// Dotted export path inside `module` (`"promises.readFile"`); absent = the module itself.
    #[serde(default)]
    pub export: Option<String>,
    pub kind: Kind,
    #[serde(default)]
    pub callback: CallbackArg,
    #[serde(default)]
    pub event: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    #[serde(default)]
    catalog: Vec<UserEntry>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    ignore: Vec<String>,
}

/// A configuration error with its 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| ConfigError {
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string(),
            line: e.line(),
            column: e.column(),
        })?;
        let locate = |needle: &str, message: String| {
            let at = text.find(needle).unwrap_or(0);
            let line = text[..at].matches('\n').count() + 1;
            let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
            ConfigError {
                message,
                line,
                column,
            }
        };
        for entry in &raw.catalog {
            if entry.callee.is_some() == entry.module.is_some() {
                let key = entry
                    .callee
                    .as_deref()
                    .or(entry.module.as_deref())
                    .unwrap_or("catalog");
                return Err(locate(
                    &format!("\"{key}\""),
                    "a catalog entry needs exactly one of \"callee\" or \"module\"".into(),
                ));
            }
            if entry.export.is_some() && entry.module.is_none() {
                return Err(locate(
                    "\"export\"",
                    "\"export\" goes with \"module\"".into(),
                ));
            }
        }
        let severities = |map: &BTreeMap<String, String>| {
            let mut severity = BTreeMap::new();
            for (code, level) in map {
                let c = Code::parse(code).ok_or_else(|| {
                    locate(
                        &format!("\"{code}\""),
                        format!("unknown finding code `{code}`"),
                    )
                })?;
                let s = match level.as_str() {
                    "off" => None,
                    other => Some(Severity::parse(other).ok_or_else(|| {
                        locate(
                            &format!("\"{level}\""),
                            format!("unknown severity `{other}` (use off, hint, information, warning or error)"),
                        )
                    })?),
                };
                severity.insert(c, s);
            }
            Ok(severity)
        };
        let severity = severities(&raw.severity)?;
        let mut overrides = Vec::new();
        for o in &raw.overrides {
            if o.files.is_empty() {
                return Err(locate(
                    "\"files\"",
                    "an override needs at least one glob in \"files\"".into(),
                ));
            }
            overrides.push(Override {
                files: o.files.clone(),
                severity: severities(&o.severity)?,
                ignore: o.ignore.clone(),
            });
        }
        Ok(Config {
            catalog: raw.catalog,
            ignore: raw.ignore,
            severity,
            overrides,
        })
    }

    /// The severity of a code under this configuration (`None`: turned off).
    pub fn severity_of(&self, code: Code) -> Option<Severity> {
        self.severity
            .get(&code)
            .copied()
            .unwrap_or(Some(code.default_severity()))
    }

    /// The severity of `code` for a file the overrides at `matching` (indices
    /// into [`Config::overrides`], in order) apply to.
    pub fn severity_with(&self, code: Code, matching: &[usize]) -> Option<Severity> {
        matching
            .iter()
            .rev()
            .find_map(|&i| self.overrides.get(i)?.severity.get(&code).copied())
            .unwrap_or_else(|| self.severity_of(code))
    }

    /// The configuration to analyse with when overrides may turn codes on
    /// that the top level turns off: those are kept at their default
    /// severity, and the caller applies [`Config::severity_with`] per file.
    pub fn for_analysis(&self) -> Config {
        let mut config = self.clone();
        for o in &self.overrides {
            for (code, level) in &o.severity {
                if level.is_some() && self.severity_of(*code).is_none() {
                    config.severity.insert(*code, Some(code.default_severity()));
                }
            }
        }
        config
    }

    /// The built-in catalog extended with this configuration's entries.
    pub fn catalog(&self) -> Catalog {
        let mut catalog = Catalog::builtin();
        self.extend(&mut catalog);
        catalog
    }

    pub fn extend(&self, catalog: &mut Catalog) {
        for entry in &self.catalog {
            let function = Function {
                kind: Some(entry.kind),
                callback: entry.callback.clone(),
                event: entry.event,
                ..Function::default()
            };
            if let Some(callee) = &entry.callee {
                catalog.user_callees.push(CalleeEntry {
                    callee: callee.clone(),
                    function,
                });
            } else if let Some(module) = &entry.module {
                let module = module.strip_prefix("node:").unwrap_or(module);
                let mut ty_name = match catalog.module(module) {
                    Some(t) => t.to_string(),
                    None => {
                        let t = format!("flux.json:{module}");
                        catalog.modules.insert(module.to_string(), t.clone());
                        t
                    }
                };
                let path: Vec<&str> = entry
                    .export
                    .as_deref()
                    .map(|e| e.split('.').collect())
                    .unwrap_or_default();
                let Some((last, parents)) = path.split_last() else {
                    catalog.types.entry(ty_name).or_default().call = Some(function);
                    continue;
                };
                for seg in parents {
                    let next = match catalog.property(&ty_name, seg) {
                        Some(t) => t.to_string(),
                        None => {
                            let t = format!("{ty_name}.{seg}");
                            catalog
                                .types
                                .entry(ty_name.clone())
                                .or_default()
                                .properties
                                .insert(seg.to_string(), t.clone());
                            t
                        }
                    };
                    catalog.types.entry(next.clone()).or_default();
                    ty_name = next;
                }
                catalog
                    .types
                    .entry(ty_name)
                    .or_default()
                    .methods
                    .insert(last.to_string(), function);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_json_is_located() {
        let err = Config::parse("{\n  \"ignore\": [\"a\",]\n}").unwrap_err();
        assert_eq!((err.line, err.column), (2, 18)); // the `]` after the trailing comma
    }

    #[test]
    fn unknown_key_is_located() {
        let err = Config::parse("{\n  \"catalog\": [],\n  \"ignores\": []\n}").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("ignores"), "{}", err.message);
    }

    #[test]
    fn unknown_code_is_located() {
        let err = Config::parse("{\"severity\": {\n \"nope\": \"off\"}}").unwrap_err();
        assert_eq!((err.line, err.column), (2, 2));
    }

    #[test]
    fn overrides_are_parsed_and_later_ones_win() {
        let config = Config::parse(
            r#"{"severity":{"lost-update":"off"},"overrides":[
              {"files":["a/**"],"severity":{"lost-update":"error","shared-state":"off"}},
              {"files":["a/b/**"],"severity":{"lost-update":"hint"},"ignore":["x.js"]}]}"#,
        )
        .unwrap();
        assert_eq!(config.overrides.len(), 2);
        assert_eq!(config.severity_with(Code::LostUpdate, &[]), None);
        assert_eq!(
            config.severity_with(Code::LostUpdate, &[0]),
            Some(Severity::Error)
        );
        assert_eq!(
            config.severity_with(Code::LostUpdate, &[0, 1]),
            Some(Severity::Hint)
        );
        assert_eq!(config.severity_with(Code::SharedState, &[0, 1]), None);
        assert_eq!(
            config.for_analysis().severity_of(Code::LostUpdate),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn override_errors_are_located() {
        let err = Config::parse("{\"overrides\": [\n {\"files\": [\"a\"], \"sevrity\": {}}]}")
            .unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("sevrity"), "{}", err.message);
        let err = Config::parse(
            "{\"overrides\": [{\"files\": [\"a\"],\n \"severity\": {\"lost-update\": \"loud\"}}]}",
        )
        .unwrap_err();
        assert_eq!((err.line, err.column), (2, 30));
    }

    #[test]
    fn user_entries_extend_the_catalog() {
        let config = Config::parse(
            r#"{"catalog":[{"callee":"get","kind":"start"},{"callee":"read","kind":"post","callback":"last"},{"module":"raw-body","kind":"post"},{"module":"x","export":"a.b","kind":"start"}]}"#,
        )
        .unwrap();
        let catalog = config.catalog();
        assert!(catalog.callee("db.read").is_some_and(|(_, user)| user));
        let raw = catalog.module("raw-body").unwrap();
        assert_eq!(catalog.call(raw).and_then(|f| f.kind), Some(Kind::Post));
        let x = catalog.module("x").unwrap();
        let a = catalog.property(x, "a").unwrap();
        assert_eq!(
            catalog.method(a, "b").and_then(|f| f.kind),
            Some(Kind::Start)
        );
    }
}
