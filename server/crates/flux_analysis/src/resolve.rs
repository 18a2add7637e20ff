//! Module resolution between the files of a run: what `require('./x')` or
//! `import … from '../y'` names. Pure string work — the core never touches the
//! disk — shared by the analysis and by the CLI, which splits a run into
//! independent parts and must link files exactly as the analysis does.

/// Is this a specifier the analysis resolves against the run's files?
pub fn is_relative(specifier: &str) -> bool {
    specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/')
}

/// The normalised paths a relative specifier may name, in the order they are
/// tried: as written, with each extension, as a folder's index, and (for
/// TypeScript, whose imports name the emitted file) `./h.js` as `./h.ts`.
pub fn candidates(from_path: &str, specifier: &str) -> Vec<String> {
    if !is_relative(specifier) {
        return Vec::new();
    }
    let dir = match from_path.rfind(['/', '\\']) {
        Some(i) => &from_path[..i],
        None => "",
    };
    let joined = normalize(&if specifier.starts_with('/') || dir.is_empty() {
        specifier.to_string()
    } else {
        format!("{dir}/{specifier}")
    });
    const SUFFIXES: [&str; 14] = [
        "",
        ".js",
        ".mjs",
        ".cjs",
        ".jsx",
        ".ts",
        ".tsx",
        ".mts",
        ".cts",
        "/index.js",
        "/index.mjs",
        "/index.cjs",
        "/index.ts",
        "/index.tsx",
    ];
    const EMITTED: [(&str, &[&str]); 4] = [
        (".js", &[".ts", ".tsx"]),
        (".jsx", &[".tsx"]),
        (".mjs", &[".mts"]),
        (".cjs", &[".cts"]),
    ];
    let mut out: Vec<String> = SUFFIXES.iter().map(|s| format!("{joined}{s}")).collect();
    for (js, tss) in EMITTED {
        if let Some(stem) = joined.strip_suffix(js) {
            out.extend(tss.iter().map(|ts| format!("{stem}{ts}")));
        }
    }
    out
}

/// Normalises `a/./b/../c` to `a/c` and `\\` to `/`.
pub fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_follow_node_and_typescript() {
        let c = candidates("src/app.ts", "./lib/h.js");
        assert_eq!(c[0], "src/lib/h.js");
        assert!(c.contains(&"src/lib/h.ts".to_string()));
        assert!(candidates("a/b.js", "../c")[1..].contains(&"c/index.js".to_string()));
        assert!(candidates("a.js", "express").is_empty());
        assert_eq!(normalize("a\\b/./c/../d"), "a/b/d");
    }
}
