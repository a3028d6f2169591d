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
