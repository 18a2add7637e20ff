//! Editor settings (`initializationOptions`, `workspace/didChangeConfiguration`,
//! `workspace/configuration` section `flux`) and `flux.json` discovery.

use std::path::{Path, PathBuf};

use flux_ide::features::InlayHintConfig;
use serde::Deserialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub inlay_hints: InlayHintSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct InlayHintSettings {
    pub streams: bool,
    pub messages: bool,
    pub context: bool,
}

impl Default for InlayHintSettings {
    fn default() -> InlayHintSettings {
        InlayHintSettings {
            streams: true,
            messages: true,
            context: true,
        }
    }
}

impl From<InlayHintSettings> for InlayHintConfig {
    fn from(s: InlayHintSettings) -> InlayHintConfig {
        InlayHintConfig {
            streams: s.streams,
            messages: s.messages,
            context: s.context,
        }
    }
}

impl Settings {
    /// Accepts `{"flux": {..}}` or the section itself; `None` when the value
    /// carries no flux settings (VS Code sends `null` and expects a pull).
    pub fn from_json(value: &serde_json::Value) -> Option<Settings> {
        let section = value.get("flux").unwrap_or(value);
        if !section.is_object() {
            return None;
        }
        serde_json::from_value(section.clone()).ok()
    }
}

/// The folder of the `flux.json` nearest upward from `file`, not looking
/// above the workspace folder that contains it (if any).
pub fn nearest_config_dir(file: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    let root = roots
        .iter()
        .filter(|r| file.starts_with(r))
        .max_by_key(|r| r.as_os_str().len());
    for dir in file.ancestors().skip(1) {
        if dir.join(flux_analysis::config::FILE_NAME).is_file() {
            return Some(dir.to_path_buf());
        }
        if root.is_some_and(|r| r == dir) {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_with_or_without_the_section_name() {
        let v = serde_json::json!({"flux": {"inlayHints": {"messages": false}}});
        let s = Settings::from_json(&v).unwrap();
        assert_eq!(
            s.inlay_hints,
            InlayHintSettings {
                streams: true,
                messages: false,
                context: true
            }
        );
        let v = serde_json::json!({"inlayHints": {"context": false}});
        assert!(!Settings::from_json(&v).unwrap().inlay_hints.context);
        assert_eq!(Settings::from_json(&serde_json::Value::Null), None);
    }

    #[test]
    fn the_nearest_flux_json_wins_within_the_workspace() {
        let tmp = std::env::temp_dir().join(format!("flux-lsp-settings-{}", std::process::id()));
        let app = tmp.join("ws/app/src");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(tmp.join("flux.json"), "{}").unwrap(); // above the workspace: ignored
        let file = app.join("server.js");
        let roots = [tmp.join("ws")];
        assert_eq!(nearest_config_dir(&file, &roots), None);
        std::fs::write(tmp.join("ws/flux.json"), "{}").unwrap();
        assert_eq!(nearest_config_dir(&file, &roots), Some(tmp.join("ws")));
        std::fs::write(tmp.join("ws/app/flux.json"), "{}").unwrap();
        assert_eq!(nearest_config_dir(&file, &roots), Some(tmp.join("ws/app")));
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
