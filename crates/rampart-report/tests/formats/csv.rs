use crate::fixture::{hostile, report};
use rampart_report::{render_csv, CSV_COLUMNS};

fn parse(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

// Issue 4, CSV: parsed back with the csv crate, every row gives back its finding, with
// quotes, commas, pipes and line breaks intact.
#[test]
fn csv_parses_back_to_the_report() {
    let report = report();
    let text = render_csv(&report);
    let (header, rows) = parse(&text);
    assert_eq!(header, CSV_COLUMNS);
    assert_eq!(rows.len(), report.findings.len());
    for (row, f) in rows.iter().zip(&report.findings) {
        let col = |name: &str| row[CSV_COLUMNS.iter().position(|c| *c == name).unwrap()].as_str();
        assert_eq!(col("id"), f.id);
        assert_eq!(col("status"), f.status.as_str());
        assert_eq!(col("muted"), f.muted.is_some().to_string());
        assert_eq!(
            col("mute_reason"),
            f.muted.as_ref().map_or("", |m| m.reason.as_str())
        );
        let baseline = f.baseline.map(|b| serde_json::to_value(b).unwrap());
        assert_eq!(
            col("baseline"),
            baseline.as_ref().and_then(|b| b.as_str()).unwrap_or("")
        );
        assert_eq!(col("severity"), f.severity.as_str());
        assert_eq!(col("check_id"), f.check_id);
        assert_eq!(col("account_id"), f.account_id);
        assert_eq!(col("region"), f.region);
        assert_eq!(col("resource"), f.resource);
        assert_eq!(col("reason"), f.reason);
        match rampart_checks::find(&f.check_id) {
            Some(c) => {
                assert_eq!(col("check_title"), c.meta.title);
                assert_eq!(col("service"), c.meta.service);
                assert_eq!(col("cis"), c.meta.cis.join(";"));
                assert_eq!(col("fix"), c.meta.fix);
            }
            None => {
                for name in ["check_title", "service", "cis", "fix"] {
                    assert_eq!(col(name), "", "{name}");
                }
            }
        }
    }
}

// OWASP CSV injection: a cell a spreadsheet would run as a formula is prefixed with `'`.
#[test]
fn formula_cells_are_defused() {
    let mut report = report();
    report.findings[0].reason = "=HYPERLINK(\"http://x\",\"y\")".into();
    report.findings[1].resource = "@SUM(1)".into();
    let (_, rows) = parse(&render_csv(&report));
    let reason = CSV_COLUMNS.iter().position(|c| *c == "reason").unwrap();
    let resource = CSV_COLUMNS.iter().position(|c| *c == "resource").unwrap();
    assert_eq!(rows[0][reason], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(rows[1][resource], "'@SUM(1)");
}

// Issue 9, defect 1: a CSV printed on a terminal carries no live control sequence from the
// account; line breaks, which CSV quotes, stay.
#[test]
fn control_characters_are_shown_escaped() {
    let report = hostile();
    let text = render_csv(&report);
    assert!(
        !text
            .chars()
            .any(|c| c != '\n' && rampart_output::is_unsafe_char(c)),
        "{text:?}"
    );
    let (_, rows) = parse(&text);
    let resource = CSV_COLUMNS.iter().position(|c| *c == "resource").unwrap();
    assert!(
        rows.iter()
            .any(|r| r[resource].contains("mf-\\x1b]0;pwned\\x07-\\x1b[2J")),
        "{rows:?}"
    );
}
