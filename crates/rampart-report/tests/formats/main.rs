//! The report formats added for issue 4 (ASFF, SARIF, CSV, JUnit XML, Markdown) and the
//! schemas of the JSON and OCSF outputs, each over the rich fixture report of
//! `fixture.rs`: parsed back, validated against their schema, and compared with the
//! report they came from.

mod asff;
mod csv;
mod fixture;
mod json_schema;
mod junit;
mod markdown;
mod ocsf_schema;
mod sarif;
mod text;

use serde_json::Value;
use std::path::Path;

/// A JSON file of this crate, parsed.
pub fn load_json(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Every error `schema` finds in `instance`, with where it is; empty when valid.
pub fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

// Issue 9, defect 10: every format ends with exactly one newline (two gave CSV an empty
// last record), and the format list, file names and renderer live in one place.
#[test]
fn every_format_ends_with_one_newline() {
    use rampart_report::{render, ReportFormat, TextOptions};
    for report in [fixture::report(), fixture::many(0)] {
        for &format in ReportFormat::ALL {
            let out = render(format, &report, &TextOptions::default());
            assert!(
                out.ends_with('\n') && !out.ends_with("\n\n") && !out.ends_with("\r\n\n"),
                "{format}: {:?}",
                &out[out.len().saturating_sub(20)..]
            );
        }
        let csv = render(ReportFormat::Csv, &report, &TextOptions::default());
        let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
        let records: Vec<_> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), report.findings.len());
        assert!(records.iter().all(|r| r.iter().any(|c| !c.is_empty())));
    }
}
