//! `--format human`: rustc-like messages with a code frame.
//!
//! ```text
//! warning[blocks-replication]: message
//!  --> app.js:7:5
//!   |
//! 7 |     count += 1;
//!   |     ^^^^^^^^^^
//!   = note: app.js:3:5: `count` is declared here
//! ```

use std::fmt::Write;

use flux_analysis::{FileAnalysis, Finding, Severity};

use crate::report::{Report, Source};

/// ANSI styles, or nothing when colours are off.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity(self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Information => "1;36",
            Severity::Hint => "1;32",
        };
        self.wrap(code, s)
    }
    fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn gutter(self, s: &str) -> String {
        self.wrap("1;34", s)
    }
}

/// Every finding of the report, separated by blank lines.
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for (file, finding) in report.findings() {
        render_finding(&mut out, report, file, finding, Paint(color));
        out.push('\n');
    }
    out
}

fn render_finding(
    out: &mut String,
    report: &Report,
    file: &FileAnalysis,
    f: &Finding,
    paint: Paint,
) {
    let sev = f.severity;
    let label = match sev {
        Severity::Information => "info",
        other => other.as_str(),
    };
    let head = paint.severity(sev, &format!("{label}[{}]", f.code));
    let _ = writeln!(out, "{head}{}", paint.bold(&format!(": {}", f.message)));
    let (start, end) = report.sources.position(&file.path, &f.range);
    let width = end.line.max(start.line).to_string().len();
    let pad = " ".repeat(width);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{}",
        paint.gutter("-->"),
        file.path,
        start.line,
        start.column
    );
    if let Some(source) = report.sources.get(&file.path) {
        frame(out, source, f, &pad, sev, paint);
    }
    if !f.fluxion.is_empty() {
        let _ = writeln!(
            out,
            "{pad} {} in fluxion `{}`",
            paint.gutter("= note:"),
            f.fluxion
        );
    }
    for r in &f.related {
        let path = r.path.as_deref().unwrap_or(&file.path);
        let (s, _) = report.sources.position(path, &r.range);
        let _ = writeln!(
            out,
            "{pad} {} {path}:{}:{}: {}",
            paint.gutter("= note:"),
            s.line,
            s.column,
            r.message
        );
    }
}

/// The primary line with the range underlined (to the end of its first line
/// when it spans several).
fn frame(out: &mut String, source: &Source, f: &Finding, pad: &str, sev: Severity, paint: Paint) {
    let text = &source.text;
    let line = source.index.line_of(f.range.start);
    let line_start = source.index.line_start(line);
    let line_text = source.index.line_text(text, line);
    let line_end = line_start + line_text.len();
    let start = f.range.start.clamp(line_start, line_end);
    let end = f.range.end.clamp(start, line_end);
    let (before, under) = match (text.get(line_start..start), text.get(start..end)) {
        (Some(b), Some(u)) => (b, u),
        _ => return,
    };
    // Keep tabs in the padding so the carets line up under the code.
    let indent: String = before
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let carets = "^".repeat(under.chars().count().max(1));
    let bar = paint.gutter("|");
    let number = paint.gutter(&format!("{:>w$}", line + 1, w = pad.len()));
    let _ = writeln!(out, "{pad} {bar}");
    let _ = writeln!(out, "{number} {bar} {line_text}");
    let _ = writeln!(out, "{pad} {bar} {indent}{}", paint.severity(sev, &carets));
}

/// `N files checked, W warnings, I infos, H hints in T ms` (errors first when
/// any; `S suppressed` after the hints when `flux-ignore` comments hid findings).
pub fn summary(report: &Report, millis: u128) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let errors = report.count(Severity::Error);
    let mut parts = vec![plural(report.files, "file checked", "files checked")];
    if errors > 0 {
        parts.push(plural(errors, "error", "errors"));
    }
    parts.push(plural(
        report.count(Severity::Warning),
        "warning",
        "warnings",
    ));
    parts.push(plural(report.count(Severity::Information), "info", "infos"));
    parts.push(plural(report.count(Severity::Hint), "hint", "hints"));
    let suppressed = report.suppressed();
    if suppressed > 0 {
        parts.push(format!("{suppressed} suppressed"));
    }
    let c = &report.counts;
    let mut not_analysed = Vec::new();
    if c.skipped > 0 {
        not_analysed.push(format!("{} skipped", c.skipped));
    }
    if c.cached > 0 {
        not_analysed.push(format!("{} cached", c.cached));
    }
    if c.unchanged > 0 {
        not_analysed.push(format!("{} unchanged", c.unchanged));
    }
    let tail = match not_analysed.is_empty() {
        true => String::new(),
        false => format!(" ({})", not_analysed.join(", ")),
    };
    format!("{} in {millis} ms{tail}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Counts, Sources};
    use flux_analysis::Code;

    fn report(text: &str, range: std::ops::Range<usize>, severity: Severity) -> Report {
        let finding = Finding {
            code: Code::LostUpdate,
            severity,
            message: "m".into(),
            range,
            binding: None,
            fluxion: String::new(),
            related: vec![],
        };
        let mut sources = Sources::default();
        sources.insert("a.js".into(), text.into());
        let analysis = FileAnalysis {
            path: "a.js".into(),
            findings: vec![finding],
            ..FileAnalysis::default()
        };
        Report {
            files: 1,
            counts: Default::default(),
            sources,
            analyses: vec![analysis],
        }
    }

    #[test]
    fn multi_line_ranges_are_underlined_to_the_end_of_their_first_line_and_tabs_kept() {
        let text = "f(\n\tx = 1; y(\n2)\n";
        let start = text.find('x').unwrap();
        let out = render(
            &report(text, start..text.len() - 1, Severity::Information),
            false,
        );
        assert_eq!(
            out,
            "info[lost-update]: m\n --> a.js:2:2\n  |\n2 | \tx = 1; y(\n  | \t^^^^^^^^^\n\n"
        );
    }

    #[test]
    fn colours_only_when_asked() {
        let r = report("x = 1;\n", 0..1, Severity::Warning);
        assert!(render(&r, true).contains("\x1b[1;33mwarning[lost-update]\x1b[0m"));
        assert!(!render(&r, false).contains('\x1b'));
    }

    #[test]
    fn summary_counts_by_severity() {
        let r = report("x = 1;\n", 0..1, Severity::Error);
        assert_eq!(
            summary(&r, 7),
            "1 file checked, 1 error, 0 warnings, 0 infos, 0 hints in 7 ms"
        );
        assert!(r.has_warnings());
        let r = report("x = 1;\n", 0..1, Severity::Hint);
        assert_eq!(
            summary(&r, 0),
            "1 file checked, 0 warnings, 0 infos, 1 hint in 0 ms"
        );
        assert!(!r.has_warnings());
        let mut r = report("x = 1;\n", 0..1, Severity::Hint);
        r.files = 9;
        r.counts = Counts {
            analysed: 1,
            cached: 2,
            skipped: 6,
            unchanged: 0,
        };
        assert_eq!(
            summary(&r, 3),
            "9 files checked, 0 warnings, 0 infos, 1 hint in 3 ms (6 skipped, 2 cached)"
        );
    }
}
