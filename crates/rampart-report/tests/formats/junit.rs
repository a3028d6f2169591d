use crate::fixture::{report, TRICKY_ARN};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rampart_checks::Status;
use rampart_report::render_junit;
use std::collections::BTreeMap;

/// An element's attributes, unescaped.
fn attrs(e: &BytesStart) -> BTreeMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.expect("a well-formed attribute");
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().expect("a valid escape").into_owned(),
            )
        })
        .collect()
}

#[derive(Debug, Default)]
struct Case {
    attrs: BTreeMap<String, String>,
    /// `failure`, `error` or `skipped`, with its attributes.
    outcome: Option<(String, BTreeMap<String, String>)>,
}

#[derive(Debug, Default)]
struct Suite {
    attrs: BTreeMap<String, String>,
    cases: Vec<Case>,
}

/// The document parsed with quick-xml: the root's attributes and the suites.
fn parse(xml: &str) -> (BTreeMap<String, String>, Vec<Suite>) {
    let mut reader = Reader::from_str(xml);
    let mut root = BTreeMap::new();
    let mut suites: Vec<Suite> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuites" => root = attrs(&e),
                b"testsuite" => suites.push(Suite {
                    attrs: attrs(&e),
                    cases: Vec::new(),
                }),
                b"testcase" => suites.last_mut().unwrap().cases.push(Case {
                    attrs: attrs(&e),
                    outcome: None,
                }),
                name @ (b"failure" | b"error" | b"skipped") => {
                    let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                    assert!(case.outcome.is_none(), "two outcomes in one test case");
                    case.outcome = Some((String::from_utf8(name.to_vec()).unwrap(), attrs(&e)));
                }
                _ => {}
            },
            _ => {}
        }
    }
    (root, suites)
}

fn n(attrs: &BTreeMap<String, String>, key: &str) -> usize {
    attrs[key].parse().unwrap()
}

// Issue 4, JUnit XML: parsed back with quick-xml, one suite per check and one case per
// resource, with the counts on every level matching the report; muted findings are
// skipped with their reason and count as neither failure nor error.
#[test]
fn junit_parses_back_with_the_right_counts_and_names() {
    let report = report();
    let (root, suites) = parse(&render_junit(&report));
    let s = &report.summary;
    assert_eq!(n(&root, "tests") as u64, s.total);
    assert_eq!(n(&root, "failures") as u64, s.fail);
    assert_eq!(n(&root, "errors") as u64, s.error);
    assert_eq!(n(&root, "skipped") as u64, s.muted);

    let mut check_ids: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.check_id.as_str())
        .collect();
    check_ids.sort();
    check_ids.dedup();
    let names: Vec<&str> = suites.iter().map(|s| s.attrs["name"].as_str()).collect();
    assert_eq!(names, check_ids);

    for suite in &suites {
        let check_id = suite.attrs["name"].as_str();
        let findings: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.check_id == check_id)
            .collect();
        assert_eq!(n(&suite.attrs, "tests"), findings.len());
        assert_eq!(suite.cases.len(), findings.len());
        let count = |kind: &str| {
            suite
                .cases
                .iter()
                .filter(|c| c.outcome.as_ref().is_some_and(|(k, _)| k == kind))
                .count()
        };
        assert_eq!(n(&suite.attrs, "failures"), count("failure"));
        assert_eq!(n(&suite.attrs, "errors"), count("error"));
        assert_eq!(n(&suite.attrs, "skipped"), count("skipped"));
        for (case, f) in suite.cases.iter().zip(findings) {
            assert_eq!(case.attrs["name"], f.resource);
            assert_eq!(case.attrs["classname"], check_id);
            match (&f.muted, f.status, &case.outcome) {
                (Some(m), _, Some((kind, a))) => {
                    assert_eq!(kind, "skipped");
                    assert_eq!(a["message"], format!("muted: {}", m.reason));
                }
                (None, Status::Fail, Some((kind, a))) => {
                    assert_eq!(kind, "failure");
                    assert_eq!(a["message"], f.reason);
                    assert_eq!(a["type"], f.severity.as_str());
                }
                (None, Status::Error, Some((kind, a))) => {
                    assert_eq!(kind, "error");
                    assert_eq!(a["message"], f.reason);
                }
                (None, Status::Pass, None) => {}
                other => panic!("{} {}: {other:?}", f.check_id, f.resource),
            }
        }
    }
}

// XML escaping: an ARN with `&`, `<`, `>` and both quotes, and a reason with a line
// break, come back unchanged from the parser.
#[test]
fn markup_in_names_and_reasons_survives() {
    let report = report();
    let xml = render_junit(&report);
    assert!(!xml.contains(TRICKY_ARN), "the ARN is written unescaped");
    let (_, suites) = parse(&xml);
    let case = suites
        .iter()
        .flat_map(|s| &s.cases)
        .find(|c| c.attrs["name"] == TRICKY_ARN)
        .expect("the tricky ARN is a test case");
    let (_, attrs) = case.outcome.as_ref().unwrap();
    assert!(attrs["message"].contains("\"Admin|All\" <attached> &"));
    assert!(attrs["message"].contains(",\nsecond line"));
}

// Characters XML 1.0 does not allow anywhere are replaced, so the document still parses.
#[test]
fn control_characters_do_not_break_the_document() {
    let mut report = report();
    report.findings[0].reason = "bell \u{7} and nul \u{0}".into();
    let (_, suites) = parse(&render_junit(&report));
    assert!(!suites.is_empty());
}
