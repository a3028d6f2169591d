//! Accepted findings: a baseline is a JSON report of `rampart secrets` (or any JSON object
//! with `findings: [{"id": ...}]`); findings whose id it lists are left out of later
//! reports. Write one with `rampart secrets PATH --format json --output-file FILE`.

use std::collections::HashSet;
use std::path::Path;

use crate::{Error, Finding};

/// The ids of accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    ids: HashSet<String>,
}

impl Baseline {
    /// Read a baseline file; errors name the file and, for bad JSON, the line and column.
    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Baseline {
            path: path.to_owned(),
            line: None,
            column: None,
            message: e.to_string(),
        })?;
        Baseline::parse(&text).map_err(|(line, column, message)| Error::Baseline {
            path: path.to_owned(),
            line,
            column,
            message,
        })
    }

    /// Parse a baseline's text; the error gives line, column (when known) and message.
    fn parse(text: &str) -> Result<Baseline, (Option<usize>, Option<usize>, String)> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| (Some(e.line()), Some(e.column()), e.to_string()))?;
        let shape = |m: String| (None, None, m);
        let findings = value
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or_else(|| {
                shape(
                    "no `findings` array: a baseline is a JSON report of `rampart secrets`"
                        .to_string(),
                )
            })?;
        let mut ids = HashSet::new();
        for (i, f) in findings.iter().enumerate() {
            let id = f
                .get("id")
                .and_then(|id| id.as_str())
                .ok_or_else(|| shape(format!("`findings[{i}].id` is missing or not a string")))?;
            ids.insert(id.to_string());
        }
        Ok(Baseline { ids })
    }

    /// A baseline accepting exactly these findings.
    pub fn of(findings: &[Finding]) -> Baseline {
        Baseline {
            ids: findings.iter().map(|f| f.id.clone()).collect(),
        }
    }

    /// Whether the baseline accepts `finding`.
    pub fn accepts(&self, finding: &Finding) -> bool {
        self.ids.contains(&finding.id)
    }

    /// How many findings it accepts.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether it accepts nothing.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // DEVELOPERS.md "Bad input": a malformed baseline names the place and the fault.
    #[test]
    fn malformed_baselines_say_where() {
        let (line, column, _) = Baseline::parse("{\n  \"findings\": [,]\n}").unwrap_err();
        assert_eq!((line, column), (Some(2), Some(16)));
        let (_, _, m) = Baseline::parse("{\"results\": []}").unwrap_err();
        assert!(m.contains("findings"), "{m}");
        let (_, _, m) = Baseline::parse("{\"findings\": [{\"id\": \"a\"}, {}]}").unwrap_err();
        assert!(m.contains("findings[1].id"), "{m}");
        let b = Baseline::parse("{\"findings\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}").unwrap();
        assert_eq!(b.len(), 2);
    }

    // Issue 5: a baseline file that cannot be read is named.
    #[test]
    fn unreadable_baseline_is_named() {
        let err = Baseline::load(Path::new("/nonexistent/base.json")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/base.json: bad baseline"),
            "{err}"
        );
    }
}
