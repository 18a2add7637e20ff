//! The exit policy of `--check`: `--allow`, `--deny`, `--max-warnings`.
//!
//! Applied after `flux.json` severities (and overrides), so the command line
//! has the last word, as with ESLint's and rustc's flags.

use std::collections::BTreeSet;

use flux_analysis::{Code, Severity};

use crate::report::Report;
use crate::{EXIT_FINDINGS, EXIT_OK};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Codes whose findings are dropped.
    pub allow: BTreeSet<Code>,
    /// Codes whose findings count as errors.
    pub deny: BTreeSet<Code>,
    /// `--deny warnings`: every warning counts as an error.
    pub deny_warnings: bool,
    /// More warnings than this fail the run; `None`: any warning fails it.
    pub max_warnings: Option<usize>,
}

/// What `--deny` accepts besides codes.
pub const WARNINGS: &str = "warnings";

impl Policy {
    /// Parses `--allow` and `--deny` values; the error names the bad value.
    pub fn new(
        allow: &[String],
        deny: &[String],
        max_warnings: Option<usize>,
    ) -> Result<Policy, String> {
        let code = |flag: &str, s: &str| {
            Code::parse(s).ok_or_else(|| {
                let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "{flag} {s}: unknown finding code (known: {}{})",
                    known.join(", "),
                    if flag == "--deny" { ", warnings" } else { "" }
                )
            })
        };
        let mut policy = Policy {
            max_warnings,
            ..Policy::default()
        };
        for s in allow {
            policy.allow.insert(code("--allow", s)?);
        }
        for s in deny {
            if s == WARNINGS {
                policy.deny_warnings = true;
            } else {
                let c = code("--deny", s)?;
                if policy.allow.contains(&c) {
                    return Err(format!("--deny {s} contradicts --allow {s}"));
                }
                policy.deny.insert(c);
            }
        }
        Ok(policy)
    }

    /// Drops allowed codes and raises denied ones to errors.
    pub fn apply(&self, report: &mut Report) {
        for a in &mut report.analyses {
            a.findings.retain(|f| !self.allow.contains(&f.code));
            for f in &mut a.findings {
                if self.deny.contains(&f.code)
                    || (self.deny_warnings && f.severity == Severity::Warning)
                {
                    f.severity = Severity::Error;
                }
            }
        }
    }

    /// 1 for any error or for warnings over the limit, else 0.
    pub fn exit_code(&self, report: &Report) -> i32 {
        let warnings = report.count(Severity::Warning);
        let over = match self.max_warnings {
            Some(max) => warnings > max,
            None => warnings > 0,
        };
        if report.count(Severity::Error) > 0 || over {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked() {
        assert!(Policy::new(&["nope".into()], &[], None)
            .unwrap_err()
            .contains("--allow nope"));
        assert!(
            Policy::new(&[], &["lost-update".into(), "warnings".into()], None)
                .is_ok_and(|p| p.deny_warnings && p.deny.contains(&Code::LostUpdate))
        );
        assert!(Policy::new(&["lost-update".into()], &["lost-update".into()], None).is_err());
    }
}
