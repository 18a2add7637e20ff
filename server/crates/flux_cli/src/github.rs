//! `--format github`: GitHub Actions workflow commands, one per finding,
//! which GitHub shows as annotations on the pull request's diff:
//! `::warning file=F,line=L,col=C,endLine=L,endColumn=C,title=T::message`.
//!
//! Escaping follows @actions/core (`command.ts`): in the message `%`, `\r`,
//! `\n`; in property values also `:` and `,`.

use std::fmt::Write;

use flux_analysis::Severity;

use crate::report::Report;

pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "notice",
    }
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (file, f) in report.findings() {
        let (s, e) = report.sources.position(&file.path, &f.range);
        let mut message = f.message.clone();
        if !f.fluxion.is_empty() {
            let _ = write!(message, "\nin fluxion `{}`", f.fluxion);
        }
        for r in &f.related {
            let path = r.path.as_deref().unwrap_or(&file.path);
            let (rs, _) = report.sources.position(path, &r.range);
            let _ = write!(message, "\n{path}:{}:{}: {}", rs.line, rs.column, r.message);
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(f.severity),
            escape_property(&file.path),
            s.line,
            s.column,
            e.line,
            e.column,
            escape_property(&format!("flux-lsp {}", f.code)),
            escape_data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_github() {
        assert_eq!(escape_data("100%\r\nx: a, b"), "100%25%0D%0Ax: a, b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
