//! Editor features over a [`FileAnalysis`], in byte offsets and plain text.
//! The server converts them to protocol types; nothing here knows LSP.

use std::collections::BTreeSet;
use std::fmt::Write;

use flux_analysis::{
    Callback, FileAnalysis, Finding, Fluxion, FluxionId, FluxionKind, Origin, RupturePoint,
    StreamKind, TextRange, Variable,
};

/// Which inlay hints to show (`inlayHints` in the settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlayHintConfig {
    /// `>> handler` / `-> reply` at each rupture point's callback.
    pub streams: bool,
    /// `[res]`: the variables a stream carries.
    pub messages: bool,
    /// `{count}`: the variables a fluxion keeps in its context.
    pub context: bool,
}

impl Default for InlayHintConfig {
    fn default() -> InlayHintConfig {
        InlayHintConfig {
            streams: true,
            messages: true,
            context: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlayHintKind {
    Stream,
    Message,
    Context,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// The hint is drawn before this byte.
    pub offset: usize,
    pub label: String,
    pub kind: InlayHintKind,
}

fn fluxion(analysis: &FileAnalysis, id: FluxionId) -> Option<&Fluxion> {
    analysis
        .fluxions
        .get(id.0 as usize)
        .filter(|f| f.id == id)
        .or_else(|| analysis.fluxions.iter().find(|f| f.id == id))
}

fn list(names: &[String]) -> String {
    names.join(", ")
}

fn contains(range: &TextRange, offset: usize) -> bool {
    range.start <= offset && offset <= range.end
}

/// Where the paper would write `>> name`: the inline callback's start, the
/// callback's name at the call site, or after an `await`.
fn callback_offset(
    analysis: &FileAnalysis,
    text: &str,
    rp: &RupturePoint,
    callback: &Callback,
) -> Option<usize> {
    if rp.origin == Origin::Await {
        return Some(rp.range.end);
    }
    let name = match callback {
        Callback::Fluxion(id) => {
            let f = fluxion(analysis, *id)?;
            if rp.range.start <= f.range.start && f.range.start < rp.range.end {
                return Some(f.range.start);
            }
            f.name.as_str()
        }
        Callback::External { name, .. } => name.as_str(),
        Callback::Unresolved { range, .. } => return Some(range.start),
    };
    // A callback passed by name: its last whole-word occurrence in the call.
    let from = rp.callee_range.end.clamp(rp.range.start, rp.range.end);
    let call = text.get(from..rp.range.end)?;
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    call.rmatch_indices(name)
        .find(|(i, _)| {
            !call[..*i].chars().next_back().is_some_and(is_word)
                && !call[i + name.len()..].chars().next().is_some_and(is_word)
        })
        .map(|(i, _)| from + i)
}

/// The fluxion a rupture point hands its stream to, with the stream's message.
fn stream_to(analysis: &FileAnalysis, rp_index: usize, to: FluxionId) -> Option<&[String]> {
    let rp = analysis.rupture_points.get(rp_index)?;
    fluxion(analysis, rp.upstream)?
        .streams
        .iter()
        .find(|s| s.rupture_point == rp_index && s.to == to)
        .map(|s| s.message.as_slice())
}

/// Inlay hints in `range` (all when `None`), sorted by offset.
pub fn inlay_hints(
    analysis: &FileAnalysis,
    text: &str,
    config: InlayHintConfig,
    range: Option<TextRange>,
) -> Vec<InlayHint> {
    let mut hints = Vec::new();
    // Where each fluxion's stream arrow is drawn: its context follows it.
    let mut arrow_at: Vec<(FluxionId, usize)> = Vec::new();
    for (index, rp) in analysis.rupture_points.iter().enumerate() {
        for callback in &rp.callbacks {
            let Some(offset) = callback_offset(analysis, text, rp, callback) else {
                continue;
            };
            let (name, message) = match callback {
                Callback::Fluxion(id) => {
                    let Some(f) = fluxion(analysis, *id) else {
                        continue;
                    };
                    arrow_at.push((*id, offset));
                    (
                        f.name.clone(),
                        stream_to(analysis, index, *id).unwrap_or_default(),
                    )
                }
                Callback::External { name, .. } => (name.clone(), &[][..]),
                Callback::Unresolved { .. } => continue,
            };
            if config.streams {
                let label = format!("{} {name}", rp.kind.arrow());
                hints.push(InlayHint {
                    offset,
                    label,
                    kind: InlayHintKind::Stream,
                });
            }
            if config.messages && !message.is_empty() {
                hints.push(InlayHint {
                    offset,
                    label: format!("[{}]", list(message)),
                    kind: InlayHintKind::Message,
                });
            }
        }
    }
    if config.context {
        for f in &analysis.fluxions {
            if f.kind != FluxionKind::Main && !f.context.is_empty() {
                let label = format!("{{{}}}", list(&f.context));
                let offset = arrow_at
                    .iter()
                    .find(|(id, _)| *id == f.id)
                    .map_or(f.range.start, |(_, at)| *at);
                hints.push(InlayHint {
                    offset,
                    label,
                    kind: InlayHintKind::Context,
                });
            }
        }
    }
    if let Some(range) = range {
        hints.retain(|h| contains(&range, h.offset));
    }
    // Stable: at one offset, stream then message then context, as the paper writes them.
    hints.sort_by_key(|h| h.offset);
    hints
}

/// A hover: the range it applies to and Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

/// Hover on a classified variable (its declaration or any access), else on a
/// rupture point's callee.
pub fn hover(analysis: &FileAnalysis, offset: usize) -> Option<HoverResult> {
    let variable = analysis
        .variables
        .iter()
        .flat_map(|v| {
            std::iter::once((v, &v.decl)).chain(v.accesses.iter().map(move |a| (v, &a.range)))
        })
        .filter(|(_, r)| contains(r, offset))
        .min_by_key(|(_, r)| r.len());
    if let Some((v, range)) = variable {
        return Some(HoverResult {
            range: range.clone(),
            markdown: variable_markdown(analysis, v),
        });
    }
    let rp = analysis
        .rupture_points
        .iter()
        .filter(|rp| contains(&rp.callee_range, offset))
        .min_by_key(|rp| rp.callee_range.len())?;
    Some(HoverResult {
        range: rp.callee_range.clone(),
        markdown: rupture_markdown(analysis, rp),
    })
}

fn name_of(analysis: &FileAnalysis, id: FluxionId) -> String {
    fluxion(analysis, id).map_or_else(|| format!("#{}", id.0), |f| f.name.clone())
}

fn names(analysis: &FileAnalysis, ids: &BTreeSet<FluxionId>) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter()
        .map(|id| format!("`{}`", name_of(analysis, *id)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn variable_markdown(analysis: &FileAnalysis, v: &Variable) -> String {
    let writers: BTreeSet<FluxionId> = v
        .accesses
        .iter()
        .filter(|a| a.write || a.mutation)
        .map(|a| a.fluxion)
        .collect();
    let readers: BTreeSet<FluxionId> = v
        .accesses
        .iter()
        .filter(|a| !a.write && !a.mutation)
        .map(|a| a.fluxion)
        .collect();
    let mut md = format!("**{}**: {} variable", v.name, v.class.as_str());
    if v.persistent {
        md.push_str(
            ", persistent (created upstream of a start rupture point: it outlives one event)",
        );
    }
    let _ = write!(
        md,
        "\n\nDeclared in fluxion `{}`.",
        name_of(analysis, v.owner)
    );
    if let Some(group) = &v.group {
        let _ = write!(md, " Forces group `{group}`.");
    }
    let _ = write!(
        md,
        "\n\n- written by: {}\n- read by: {}",
        names(analysis, &writers),
        names(analysis, &readers)
    );
    let foreign_writers: BTreeSet<FluxionId> = writers
        .iter()
        .copied()
        .filter(|id| *id != v.owner)
        .collect();
    if v.persistent && !foreign_writers.is_empty() {
        let _ = write!(
            md,
            "\n\n**Why it blocks replication:** it outlives one event and {} write{} it: each replica would keep its own copy.",
            names(analysis, &foreign_writers),
            if foreign_writers.len() == 1 { "s" } else { "" }
        );
    }
    for finding in analysis
        .findings
        .iter()
        .filter(|f| f.binding.as_ref().is_some_and(|b| b.range == v.decl))
    {
        let _ = write!(md, "\n\n`{}`: {}", finding.code, finding.message);
    }
    md
}

fn rupture_markdown(analysis: &FileAnalysis, rp: &RupturePoint) -> String {
    let kind = match rp.kind {
        StreamKind::Start => "start rupture point `>>` (a listener: one message per event)",
        StreamKind::Post => "post rupture point `->` (a continuation: runs once, later)",
    };
    let mut md = format!("**`{}`**: {kind}", rp.callee);
    match (&rp.event, &rp.label) {
        (Some(event), _) => {
            let _ = write!(md, "\n\nevent `{event}`");
        }
        // A route's path, a queue's name, a cron expression.
        (None, Some(label)) => {
            let _ = write!(md, "\n\non `{label}`");
        }
        (None, None) => {}
    }
    if rp.local {
        md.push_str(
            " (local: an event of this process's own resource, not split between replicas)",
        );
    } else if rp.one_shot {
        md.push_str(" (one-shot: start-up or shutdown)");
    }
    let _ = write!(md, "\n\norigin: {}", rp.origin);
    let _ = write!(
        md,
        "\n\nupstream fluxion: `{}`",
        name_of(analysis, rp.upstream)
    );
    let downstream: Vec<String> = rp
        .callbacks
        .iter()
        .map(|c| match c {
            Callback::Fluxion(id) => format!("`{} {}`", rp.kind.arrow(), name_of(analysis, *id)),
            Callback::External { path, name, .. } => {
                format!("`{} {name}` (in `{path}`)", rp.kind.arrow())
            }
            Callback::Unresolved { text, .. } => format!("`{text}` (not statically known)"),
        })
        .collect();
    let downstream = if downstream.is_empty() {
        "none".to_string()
    } else {
        downstream.join(", ")
    };
    let _ = write!(md, "\n\ndownstream: {downstream}");
    md
}

/// A fluxion as an outline entry; children are the fluxions its streams feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FluxionSymbol {
    pub name: String,
    /// `>> & grp_res {count}`: arrow of the stream feeding it, groups, context.
    pub detail: String,
    pub kind: FluxionKind,
    pub range: TextRange,
    /// The name of the function when it appears in its range, else its start.
    pub selection_range: TextRange,
    pub children: Vec<FluxionSymbol>,
}

/// The fluxion tree: roots are fluxions with no upstream (the module body).
pub fn fluxion_tree(analysis: &FileAnalysis, text: &str) -> Vec<FluxionSymbol> {
    let mut seen = BTreeSet::new();
    let mut roots: Vec<FluxionSymbol> = analysis
        .fluxions
        .iter()
        .filter(|f| {
            f.upstream
                .is_none_or(|(up, _, _)| fluxion(analysis, up).is_none())
        })
        .filter_map(|f| symbol(analysis, text, f, &mut seen))
        .collect();
    // Fluxions in an upstream cycle are not reachable from a root; list them at the top.
    for f in &analysis.fluxions {
        if !seen.contains(&f.id) {
            roots.extend(symbol(analysis, text, f, &mut seen));
        }
    }
    roots
}

fn symbol(
    analysis: &FileAnalysis,
    text: &str,
    f: &Fluxion,
    seen: &mut BTreeSet<FluxionId>,
) -> Option<FluxionSymbol> {
    if !seen.insert(f.id) {
        return None;
    }
    let mut detail = f
        .upstream
        .map(|(_, kind, _)| kind.arrow().to_string())
        .unwrap_or_default();
    for group in &f.groups {
        let _ = write!(detail, " & {group}");
    }
    if !f.context.is_empty() {
        let _ = write!(detail, " {{{}}}", list(&f.context));
    }
    let selection_range = text
        .get(f.range.clone())
        .and_then(|body| {
            body.find(f.name.as_str())
                .filter(|_| f.kind != FluxionKind::Main)
        })
        .map_or(f.range.start..f.range.start, |i| {
            f.range.start + i..f.range.start + i + f.name.len()
        });
    let children = analysis
        .fluxions
        .iter()
        .filter(|c| c.upstream.is_some_and(|(up, _, _)| up == f.id))
        .filter_map(|c| symbol(analysis, text, c, seen))
        .collect();
    Some(FluxionSymbol {
        name: f.name.clone(),
        detail: detail.trim().to_string(),
        kind: f.kind,
        range: f.range.clone(),
        selection_range,
        children,
    })
}

/// A code lens on a start listener.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenerLens {
    /// The listener's callee (`app.get`).
    pub range: TextRange,
    /// `replicable` or `stateful: count, cache`.
    pub label: String,
    /// The persistent variables its fluxions write.
    pub state: Vec<String>,
}

/// One lens per start rupture point that is not one-shot: does the pipeline
/// it starts touch persistent state that events write (its own writes, or
/// another listener's)?
pub fn listener_lenses(analysis: &FileAnalysis) -> Vec<ListenerLens> {
    let mut lenses = Vec::new();
    for rp in analysis
        .rupture_points
        .iter()
        .filter(|rp| rp.kind == StreamKind::Start && !rp.one_shot)
    {
        // The fluxions this listener starts, and everything downstream of them.
        let mut reach: BTreeSet<FluxionId> = BTreeSet::new();
        let mut todo: Vec<FluxionId> = rp
            .callbacks
            .iter()
            .filter_map(|c| {
                if let Callback::Fluxion(id) = c {
                    Some(*id)
                } else {
                    None
                }
            })
            .collect();
        while let Some(id) = todo.pop() {
            if reach.insert(id) {
                todo.extend(
                    fluxion(analysis, id)
                        .into_iter()
                        .flat_map(|f| f.streams.iter().map(|s| s.to)),
                );
            }
        }
        let state: Vec<String> = analysis
            .variables
            .iter()
            .filter(|v| {
                // Persistent state this pipeline touches and some event changes:
                // a replica would read or write its own copy.
                let written_per_event = v.accesses.iter().any(|a| {
                    (a.write || a.mutation)
                        && fluxion(analysis, a.fluxion).is_some_and(|f| f.kind != FluxionKind::Main)
                });
                v.persistent
                    && written_per_event
                    && v.accesses.iter().any(|a| reach.contains(&a.fluxion))
            })
            .map(|v| v.name.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let label = if state.is_empty() {
            "replicable".to_string()
        } else {
            format!("stateful: {}", list(&state))
        };
        lenses.push(ListenerLens {
            range: rp.callee_range.clone(),
            label,
            state,
        });
    }
    lenses
}

/// A text insertion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub offset: usize,
    pub text: String,
}

/// `// flux-ignore-next-line <code>: ` on its own line above the finding,
/// indented like the finding's line, with the file's line ending.
pub fn suppression(text: &str, finding: &Finding) -> Insertion {
    let at = finding.range.start.min(text.len());
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Insertion {
        offset: line_start,
        text: format!("{indent}// flux-ignore-next-line {}: {eol}", finding.code),
    }
}

/// The text to delete to remove a comment (an unused `flux-ignore`): its
/// whole line when it stands alone, else the comment and the blanks before it.
pub fn comment_removal(text: &str, comment: &TextRange) -> TextRange {
    let (start, end) = (comment.start.min(text.len()), comment.end.min(text.len()));
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[end..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| end + i);
    let blank = |s: &str| s.chars().all(|c| c == ' ' || c == '\t');
    if blank(&text[line_start..start]) && blank(&text[end..line_end]) {
        let eol = if text[line_end..].starts_with("\r\n") {
            2
        } else {
            usize::from(line_end < text.len())
        };
        return line_start..line_end + eol;
    }
    let before = text[line_start..start].trim_end_matches([' ', '\t']).len();
    line_start + before..end
}

#[cfg(test)]
pub(crate) mod tests;
