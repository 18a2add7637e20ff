//! The fluxional form of a file, in the grammar of the paper's figure 1:
//!
//! ```text
//! flx NAME & TAGS {CONTEXT}
//! >> DEST [MSG]
//! -> DEST [MSG]
//! code, with each downstream fluxion replaced by its stream placeholder
//! ```

use crate::model::{FileAnalysis, FluxionKind};

pub fn fluxional_form(analysis: &FileAnalysis, text: &str) -> String {
    let mut out = String::new();
    for (i, f) in analysis.fluxions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("flx ");
        out.push_str(&f.name);
        if !f.groups.is_empty() {
            out.push_str(" & ");
            out.push_str(&f.groups.join(", "));
        }
        if !f.context.is_empty() {
            out.push_str(" {");
            out.push_str(&f.context.join(", "));
            out.push('}');
        }
        out.push('\n');
        if f.streams.is_empty() {
            out.push_str("-> null\n");
        }
        for s in &f.streams {
            out.push_str(s.kind.arrow());
            out.push(' ');
            out.push_str(&analysis.fluxions[s.to.0 as usize].name);
            if !s.message.is_empty() {
                out.push_str(" [");
                out.push_str(&s.message.join(", "));
                out.push(']');
            }
            out.push('\n');
        }
        // The fluxion's own code: up to the end of its first await, if the
        // rest of the function continues in an after-await fluxion.
        let mut range = f.range.clone();
        for s in &f.streams {
            let to = &analysis.fluxions[s.to.0 as usize];
            if to.kind == FluxionKind::AfterAwait
                && to.range.start > range.start
                && to.range.start < range.end
            {
                range.end = to.range.start;
            }
        }
        // Maximal nested fluxions become placeholders.
        let mut nested: Vec<(usize, usize, String)> = Vec::new();
        for g in &analysis.fluxions {
            if g.id == f.id || g.kind == FluxionKind::AfterAwait || g.kind == FluxionKind::Main {
                continue;
            }
            if g.range.start >= range.start && g.range.end <= range.end && g.range != range {
                let arrow = f
                    .streams
                    .iter()
                    .find(|s| s.to == g.id)
                    .map(|s| s.kind.arrow().to_string());
                let placeholder = match arrow {
                    Some(a) => format!("{a} {}", g.name),
                    None => format!("/* flx {} */", g.name),
                };
                nested.push((g.range.start, g.range.end, placeholder));
            }
        }
        nested.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
        let mut cursor = range.start;
        let mut code = String::new();
        for (s, e, p) in nested {
            if s < cursor {
                continue; // inside an outer placeholder
            }
            code.push_str(text.get(cursor..s).unwrap_or(""));
            code.push_str(&p);
            cursor = e;
        }
        code.push_str(text.get(cursor..range.end).unwrap_or(""));
        let code = code.trim_matches('\n');
        out.push_str(code.trim_end());
        out.push('\n');
    }
    out
}
