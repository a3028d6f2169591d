//! Issue 4, "Done when": every format produced from one scan of a moto account and checked:
//! schema validation where a schema exists (JSON report, OCSF, ASFF, SARIF), parsing back
//! otherwise (CSV, JUnit XML, Markdown, the HTML page's embedded data).

mod common;

use common::*;
use rampart_testkit::{catalogue, scenario, Moto};
use serde_json::Value;
use std::path::Path;

fn load_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn schema(relative: &str) -> Value {
    load_json(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(relative),
    )
}

fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema: {errors:#?}"
    );
}

#[test]
fn every_format_from_one_moto_scan() {
    let moto = Moto::start();
    block_on(async {
        let cfg = moto.sdk_config().await;
        let m = scenario::build_mixed(&cfg).await;
        catalogue::build_catalogue(&cfg, &m).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let run = rampart(
        &[
            "scan",
            "--region",
            "us-east-1,eu-west-1",
            "--compliance",
            "cis-7.0",
            "--format",
            "text,json,ocsf,html,asff,sarif,csv,junit,markdown",
            "--output-dir",
            &out.display().to_string(),
            "--fail-on",
            "critical",
        ],
        &moto.env(),
    );
    assert_eq!(
        run.code, 1,
        "critical findings fail the scan: {}",
        run.stderr
    );
    let file = |name: &str| out.join(name);

    // rampart's JSON report, against its published schema.
    let report = load_json(&file("rampart-report.json"));
    assert_valid(
        &schema("docs/report.schema.json"),
        &report,
        "the JSON report",
    );
    let all = report["findings"].as_array().unwrap();
    let total = all.len();
    assert!(total > 200, "{total}");
    let fails = all.iter().filter(|f| f["status"] == "FAIL").count();

    // OCSF Detection Findings, one per finding.
    let ocsf = load_json(&file("rampart-report.ocsf.json"));
    let schema_ocsf =
        schema("crates/rampart-report/tests/data/ocsf-1.3.0-detection_finding.schema.json");
    assert_eq!(ocsf.as_array().unwrap().len(), total);
    for event in ocsf.as_array().unwrap() {
        assert_valid(&schema_ocsf, event, "an OCSF event");
    }

    // ASFF, ready for BatchImportFindings.
    let asff = load_json(&file("rampart-report.asff.json"));
    let schema_asff = schema("crates/rampart-report/tests/data/asff-finding.schema.json");
    assert_eq!(asff.as_array().unwrap().len(), total);
    for finding in asff.as_array().unwrap() {
        assert_valid(&schema_asff, finding, "an ASFF finding");
    }

    // SARIF 2.1.0, against the OASIS schema.
    let sarif = load_json(&file("rampart-report.sarif"));
    assert_valid(
        &schema("crates/rampart-report/tests/data/sarif-schema-2.1.0.json"),
        &sarif,
        "the SARIF log",
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= fails, "every failure is a result");

    // CSV, parsed back: one row per finding, ids in the same order.
    let mut csv = csv::Reader::from_path(file("rampart-report.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let id_col = headers.iter().position(|h| h == "id").unwrap();
    let ids: Vec<String> = csv
        .records()
        .map(|r| r.unwrap()[id_col].to_owned())
        .collect();
    let expected: Vec<&str> = all.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, expected);

    // JUnit XML, parsed back: one test case per finding, a failure per FAIL.
    let xml = std::fs::read_to_string(file("rampart-report.junit.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures) = (0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(cases, total);
    let active_fails = all
        .iter()
        .filter(|f| f["status"] == "FAIL" && f.get("muted").is_none())
        .count();
    assert_eq!(failures, active_fails);

    // Markdown for a pull-request comment: the headline counts, under GitHub's limit.
    let md = std::fs::read_to_string(file("rampart-report.md")).unwrap();
    assert!(md.len() < 65_536);
    assert!(
        md.contains(&report["account_id"].as_str().unwrap().to_string()),
        "{md}"
    );
    assert!(md.contains("CIS"), "{md}");

    // HTML: self-contained, its embedded data holds every finding.
    let html = std::fs::read_to_string(file("rampart-report.html")).unwrap();
    assert!(!html.contains("<script src") && !html.contains("<link "));
    let start = html
        .find("type=\"application/json\"")
        .expect("embedded data");
    let body_start = html[start..].find('>').unwrap() + start + 1;
    let body_end = html[body_start..].find("</script>").unwrap() + body_start;
    let data: Value = serde_json::from_str(&html[body_start..body_end]).expect("embedded JSON");
    let embedded = data["findings"]
        .as_array()
        .map(|a| a.len())
        .expect("findings in the embedded data");
    assert_eq!(embedded, total);

    // The text report was printed and written.
    let text = std::fs::read_to_string(file("rampart-report.txt")).unwrap();
    assert!(text.contains("FAIL"));
}
