//! Organization reports (issue 10): one report over many accounts in every format,
//! rendered while the accounts' reports stream in; the JSON form read back and validated
//! against the schema; shard reports merged.

use chrono::{DateTime, Duration, Utc};
use rampart_checks::{Finding, Muted, Severity, Status};
use rampart_inventory::{Account, Inventory};
use rampart_report::{
    merge, render_org, AccountEntry, AccountOutcome, MergeOptions, OrgHeader, OrgRenderError,
    OrgReport, ReportFormat, ScanReport, Shard, TextOptions, Tool,
};
use serde_json::Value;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// An account name from the organization that attacks every format: markup, a line break,
/// an ANSI escape, a table pipe and backticks.
const HOSTILE_NAME: &str = "prod <script>alert(1)</script>\n\u{1b}[2Jcleared | `tick` ``x``";

fn started() -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn finding(account: &str, check_id: &str, status: Status, severity: Severity, n: u32) -> Finding {
    let region = if check_id.starts_with("iam_") {
        "global"
    } else {
        "eu-west-1"
    };
    let resource = if region == "global" {
        format!("arn:aws:iam::{account}:root")
    } else {
        format!("arn:aws:ec2:{region}:{account}:security-group/sg-{n:04}")
    };
    Finding {
        id: Finding::stable_id(check_id, account, region, &resource),
        check_id: check_id.into(),
        status,
        severity,
        account_id: account.into(),
        region: region.into(),
        resource,
        reason: format!("{check_id} {} on resource {n}", status.as_str()),
        muted: None,
        baseline: None,
    }
}

/// The report of one account: failures of two severities, a PASS, an ERROR and a muted
/// failure, `n` varying the resources.
fn account_report(account: &str, n: u32) -> ScanReport {
    let mut inv = Inventory::new(
        Account {
            id: account.into(),
            partition: "aws".into(),
            caller_arn: format!("arn:aws:sts::{account}:assumed-role/rampart-audit/rampart"),
        },
        started() + Duration::seconds(n as i64),
    );
    inv.regions.scanned = vec!["eu-west-1".into(), "us-east-1".into()];
    let mut muted = finding(
        account,
        "ec2_sg_ssh_open_to_world",
        Status::Fail,
        Severity::High,
        n + 3,
    );
    muted.muted = Some(Muted {
        reason: "bastion, ticket SEC-42".into(),
        rule: "bastions".into(),
        expires: None,
    });
    let findings = vec![
        finding(
            account,
            "iam_root_access_keys",
            Status::Fail,
            Severity::Critical,
            n,
        ),
        finding(
            account,
            "ec2_sg_ssh_open_to_world",
            Status::Fail,
            Severity::High,
            n + 1,
        ),
        finding(
            account,
            "ec2_sg_ssh_open_to_world",
            Status::Pass,
            Severity::High,
            n + 2,
        ),
        muted,
        finding(
            account,
            "ec2_ebs_default_encryption",
            Status::Error,
            Severity::Medium,
            n + 4,
        ),
    ];
    let mut report = ScanReport::new(&inv, findings, started() + Duration::minutes(2), 7);
    report.tool.version = "9.9.9".into();
    report
}

/// The issue's small organization: one account scanned (with a hostile name and tags),
/// one that could not be read, one skipped.
fn small_org() -> OrgReport {
    let report = account_report("111122223333", 0);
    let mut scanned = AccountEntry::scanned(&report, HOSTILE_NAME);
    scanned.tags = BTreeMap::from([("team".into(), "<b>ops</b> | `x`\u{1b}[8m".into())]);
    let accounts = vec![
        AccountEntry {
            account_id: "333344445555".into(),
            name: "closed".into(),
            tags: BTreeMap::new(),
            outcome: AccountOutcome::Skipped {
                reason: "suspended".into(),
            },
        },
        scanned,
        AccountEntry {
            account_id: "222233334444".into(),
            name: "legacy".into(),
            tags: BTreeMap::new(),
            outcome: AccountOutcome::Error {
                reason: "AccessDenied on sts:AssumeRole for role rampart-audit".into(),
            },
        },
    ];
    let mut header = OrgHeader::new(accounts, started(), started() + Duration::minutes(5));
    header.tool.version = "9.9.9".into();
    header.organization_id = Some("o-abc123defg".into());
    header.management_account_id = Some("111122223333".into());
    OrgReport {
        header,
        reports: vec![report],
    }
}

/// The organization report in `format`, streamed from its reports.
fn render(org: &OrgReport, format: ReportFormat) -> String {
    render_with(org, format, &TextOptions::default())
}

/// [`render`] with these text options.
fn render_with(org: &OrgReport, format: ReportFormat, options: &TextOptions) -> String {
    let mut reports = org.reports.iter().cloned().map(Ok::<_, Infallible>);
    let mut out = Vec::new();
    render_org(format, &org.header, &mut reports, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The HTML page without its style and script, which have their own tests: what the
/// snapshot shows is the page's own markup.
fn html_markup(html: &str) -> String {
    let cut = |s: &str, open: &str, close: &str| -> String {
        let start = s.find(open).unwrap() + open.len();
        let end = start + s[start..].find(close).unwrap();
        format!("{}…{}", &s[..start], &s[end..])
    };
    let page = cut(html, "<style>", "</style>");
    let page = cut(&page, "<script>", "</script>");
    cut(&page, "script-src '", "; base-uri")
}

// Issue 10: every format of the small organization, as snapshots.
#[test]
fn every_format_snapshot() {
    let org = small_org();
    for &format in ReportFormat::ALL {
        let out = render(&org, format);
        assert!(
            out.ends_with('\n') && !out.ends_with("\n\n"),
            "{format} ends with one newline"
        );
        let shown = match format {
            ReportFormat::Html => html_markup(&out),
            _ => out,
        };
        insta::assert_snapshot!(format!("org_{format}"), shown);
    }
}

// Issue 10: account names and tags come from the organization: they are escaped in every
// format as resource names are.
#[test]
fn hostile_names_are_escaped() {
    let org = small_org();
    let text = render(&org, ReportFormat::Text);
    assert!(!text.contains('\u{1b}'), "raw ESC in text");
    assert!(text.contains(r"prod <script>alert(1)</script>\n\x1b[2Jcleared"));

    let html = render(&org, ReportFormat::Html);
    assert!(!html.contains("<script>alert"), "live markup in HTML");
    assert!(!html.contains("<b>ops"), "live markup in HTML");
    assert!(html.contains("prod &lt;script&gt;alert(1)&lt;/script&gt;"));

    // Markdown: the accounts table keeps its rows and its ten columns.
    let md = render(&org, ReportFormat::Markdown);
    let rows = markdown_rows(&md);
    assert_eq!(rows.len(), 4, "three accounts and the total: {md}");
    assert!(rows.iter().all(|r| r.len() == 10), "{rows:?}");
    assert!(!md.contains("<script>"), "{md}");
    assert!(!md.contains('\u{1b}'));

    // JUnit: the name is an attribute value that parses back whole (ESC, not allowed in
    // XML, replaced).
    let xml = render(&org, ReportFormat::Junit);
    let names = junit_properties(&xml, "name");
    assert!(
        names.contains(&HOSTILE_NAME.replace('\u{1b}', "\u{fffd}")),
        "{names:?}"
    );
}

/// The cells of the rows of the first Markdown table, as pulldown-cmark reads them.
fn markdown_rows(md: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut in_body = false;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::End(TagEnd::TableHead) => in_body = true,
            Event::Start(Tag::TableRow) if in_body => row = Some(Vec::new()),
            Event::Start(Tag::TableCell) => {
                if let Some(r) = row.as_mut() {
                    r.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(cell) = row.as_mut().and_then(|r| r.last_mut()) {
                    cell.push_str(&t);
                }
            }
            Event::End(TagEnd::TableRow) => rows.extend(row.take()),
            Event::End(TagEnd::Table) => break,
            _ => {}
        }
    }
    rows
}

/// Every `<property name="…" value="…">` value of `name` in a JUnit document.
fn junit_properties(xml: &str, name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut values = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Empty(e) if e.name().as_ref() == b"property" => {
                let attr = |key: &[u8]| {
                    e.try_get_attribute(key)
                        .unwrap()
                        .map(|a| a.unescape_value().unwrap().into_owned())
                };
                if attr(b"name").as_deref() == Some(name) {
                    values.extend(attr(b"value"));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    values
}

// Issue 10: the JSON report is the OrgReport, byte for byte as serde writes it, and
// reads back with OrgReport::load.
#[test]
fn json_round_trips_through_load() {
    let org = small_org();
    let json = render(&org, ReportFormat::Json);
    assert_eq!(json, serde_json::to_string_pretty(&org).unwrap() + "\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    std::fs::write(&path, &json).unwrap();
    assert_eq!(OrgReport::load(&path).unwrap(), org);
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["kind"], "organization");
    assert_eq!(value["accounts"][1]["outcome"]["status"], "error");
    assert_eq!(value["reports"].as_array().unwrap().len(), 1);
}

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn schema_errors(instance: &Value) -> Vec<String> {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

// Issue 10: an organization report validates against docs/report.schema.json, and the
// schema is strict about what is closed in it.
#[test]
fn org_json_validates_against_the_schema() {
    let value: Value = serde_json::from_str(&render(&small_org(), ReportFormat::Json)).unwrap();
    let errors = schema_errors(&value);
    assert!(errors.is_empty(), "{errors:#?}");
    for (pointer, bad) in [
        ("/accounts/0/outcome/status", Value::from("maybe")),
        ("/kind", Value::from("galaxy")),
        ("/shards", serde_json::json!([{ "index": 0, "count": 4 }])),
        ("/reports/0/findings/0/status", Value::from("MAYBE")),
    ] {
        let mut v = value.clone();
        *v.pointer_mut(pointer).unwrap() = bad;
        assert!(!schema_errors(&v).is_empty(), "{pointer} accepted");
    }
    let mut v = value.clone();
    v["accounts"][1]["outcome"]
        .as_object_mut()
        .unwrap()
        .remove("reason");
    assert!(!schema_errors(&v).is_empty(), "error without reason");
}

/// A writer whose length the test can watch.
struct Watched {
    bytes: Vec<u8>,
    len: Rc<Cell<usize>>,
}

impl std::io::Write for Watched {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        self.len.set(self.bytes.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reports handed out one at a time, refusing to hand out the next one before the output
/// grew after the last one: the renderer must write each account before reading the next.
struct OneAtATime {
    reports: std::vec::IntoIter<ScanReport>,
    len: Rc<Cell<usize>>,
    handed_at: Option<usize>,
}

impl Iterator for OneAtATime {
    type Item = Result<ScanReport, Infallible>;
    fn next(&mut self) -> Option<Self::Item> {
        if let Some(at) = self.handed_at {
            assert!(
                self.len.get() > at,
                "the next report was asked for before the last one was written"
            );
        }
        self.handed_at = Some(self.len.get());
        self.reports.next().map(Ok)
    }
}

/// Four scanned accounts, one unreadable, one skipped.
fn larger_org(tool: Tool) -> OrgReport {
    let ids = [
        "100000000001",
        "100000000002",
        "100000000003",
        "100000000004",
    ];
    let reports: Vec<ScanReport> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut r = account_report(id, i as u32 * 10);
            r.tool = tool.clone();
            r
        })
        .collect();
    let mut accounts: Vec<AccountEntry> = reports
        .iter()
        .map(|r| AccountEntry::scanned(r, format!("team-{}", &r.account_id[11..])))
        .collect();
    accounts.push(AccountEntry {
        account_id: "100000000005".into(),
        name: "locked".into(),
        tags: BTreeMap::new(),
        outcome: AccountOutcome::Error {
            reason: "AccessDenied on sts:AssumeRole".into(),
        },
    });
    accounts.push(AccountEntry {
        account_id: "100000000006".into(),
        name: "gone".into(),
        tags: BTreeMap::new(),
        outcome: AccountOutcome::Skipped {
            reason: "pending closure".into(),
        },
    });
    let mut header = OrgHeader::new(accounts, started(), started() + Duration::minutes(9));
    header.tool = tool;
    header.organization_id = Some("o-abc123defg".into());
    OrgReport { header, reports }
}

// Issue 10: memory flat in the number of accounts: the renderer pulls one report, writes
// it, and only then asks for the next, in every format.
#[test]
fn reports_are_pulled_one_at_a_time() {
    let org = larger_org(Tool::current());
    for &format in ReportFormat::ALL {
        let len = Rc::new(Cell::new(0));
        let mut out = Watched {
            bytes: Vec::new(),
            len: len.clone(),
        };
        let mut reports = OneAtATime {
            reports: org.reports.clone().into_iter(),
            len,
            handed_at: None,
        };
        render_org(
            format,
            &org.header,
            &mut reports,
            &TextOptions::default(),
            &mut out,
        )
        .unwrap();
        assert_eq!(String::from_utf8(out.bytes).unwrap(), render(&org, format));
    }
}

// The checker above can fail: a renderer that reads two reports before writing trips it.
#[test]
#[should_panic(expected = "before the last one was written")]
fn one_at_a_time_catches_a_reader_that_reads_ahead() {
    let org = larger_org(Tool::current());
    let mut reports = OneAtATime {
        reports: org.reports.into_iter(),
        len: Rc::new(Cell::new(0)),
        handed_at: None,
    };
    let _first = reports.next();
    let _second = reports.next();
}

// Issue 10: a failing report source stops the rendering with its error; reports that do
// not match the header are refused.
#[test]
fn source_errors_and_mismatches_are_reported() {
    let org = larger_org(Tool::current());
    let mut failing = org
        .reports
        .iter()
        .cloned()
        .map(Ok)
        .take(1)
        .chain(std::iter::once(Err("disk full")));
    let mut out = Vec::new();
    let e = render_org(
        ReportFormat::Json,
        &org.header,
        &mut failing,
        &TextOptions::default(),
        &mut out,
    )
    .unwrap_err();
    assert!(matches!(e, OrgRenderError::Reports("disk full")), "{e}");

    let mut missing = org.reports[..3].iter().cloned().map(Ok::<_, Infallible>);
    let e = render_org(
        ReportFormat::Csv,
        &org.header,
        &mut missing,
        &TextOptions::default(),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the report of scanned account 100000000004 is missing"
    );

    let mut reversed = org.reports.iter().rev().cloned().map(Ok::<_, Infallible>);
    let e = render_org(
        ReportFormat::Text,
        &org.header,
        &mut reversed,
        &TextOptions::default(),
        &mut Vec::new(),
    )
    .unwrap_err();
    assert!(matches!(e, OrgRenderError::Mismatch(_)), "{e}");
}

/// The organization split in `count` shards: shard k holds the accounts whose position
/// is k - 1 modulo `count`, its times its own.
fn split(org: &OrgReport, count: u32) -> Vec<(PathBuf, OrgReport)> {
    (1..=count)
        .map(|index| {
            let accounts: Vec<AccountEntry> = org
                .header
                .accounts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i as u32 % count == index - 1)
                .map(|(_, a)| a.clone())
                .collect();
            let reports: Vec<ScanReport> = org
                .reports
                .iter()
                .filter(|r| accounts.iter().any(|a| a.account_id == r.account_id))
                .cloned()
                .collect();
            let mut header = org.header.clone();
            header.summary = OrgHeader::total(&accounts);
            header.accounts = accounts;
            header.shards = vec![Shard { index, count }];
            header.started_at = org.header.started_at + Duration::seconds(index as i64 - 1);
            header.finished_at = org.header.finished_at - Duration::seconds(index as i64 - 1);
            let path = PathBuf::from(format!("shard-{index}.json"));
            (path, OrgReport { header, reports })
        })
        .collect()
}

// Issue 10: `rampart merge` of every shard gives the report of the unsplit run, in every
// format.
#[test]
fn merged_shards_render_as_the_unsplit_report() {
    let org = larger_org(Tool::current());
    for count in [2, 3] {
        let shards = split(&org, count);
        assert!(shards.iter().all(|(_, s)| s.header.accounts.len() < 6));
        let merged = merge(shards, MergeOptions::default()).unwrap();
        assert_eq!(merged, org, "{count} shards");
        for &format in ReportFormat::ALL {
            assert_eq!(render(&merged, format), render(&org, format), "{format}");
        }
    }
}

// Issue 10: a shard report read back from JSON merges too, and a single-account report
// loads as an organization of one scanned account.
#[test]
fn load_reads_org_and_single_reports() {
    let dir = tempfile::tempdir().unwrap();
    let org = larger_org(Tool::current());
    let mut inputs = Vec::new();
    for (path, shard) in split(&org, 2) {
        let path = dir.path().join(path);
        std::fs::write(&path, render(&shard, ReportFormat::Json)).unwrap();
        inputs.push((path.clone(), OrgReport::load(&path).unwrap()));
    }
    assert_eq!(merge(inputs, MergeOptions::default()).unwrap(), org);

    let single = account_report("999988887777", 1);
    let path = dir.path().join("single.json");
    std::fs::write(&path, rampart_report::render_json(&single)).unwrap();
    let loaded = OrgReport::load(&path).unwrap();
    assert_eq!(loaded.reports, vec![single.clone()]);
    assert_eq!(loaded.header.accounts.len(), 1);
    assert_eq!(loaded.header.summary, single.summary);
    assert_eq!(
        loaded.header.accounts[0].outcome,
        AccountOutcome::of(&single)
    );
    assert_eq!(
        (loaded.header.started_at, loaded.header.finished_at),
        (single.collected_at, single.evaluated_at)
    );
}

// Issue 10: unreadable input is one line naming the file and the place.
#[test]
fn load_errors_name_the_file_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        "{\n  \"format_version\": 1,\n  \"kind\": \"organization\",,\n}",
    )
    .unwrap();
    let e = OrgReport::load(&path).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{}:3:26: not a rampart JSON report: ",
            path.display()
        )),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1);

    std::fs::write(&path, "{\"format_version\": 2, \"kind\": \"organization\"}").unwrap();
    let e = OrgReport::load(&path).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}: report format version 2 is newer than this rampart reads (1): upgrade rampart",
            path.display()
        )
    );

    let e = OrgReport::load(&dir.path().join("absent.json"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("absent.json: cannot read: "), "{e}");
}

fn merge_error(inputs: Vec<(PathBuf, OrgReport)>) -> String {
    let e = merge(inputs, MergeOptions::default()).unwrap_err();
    let message = e.to_string();
    assert_eq!(message.lines().count(), 1, "{message}");
    message
}

// Issue 10: what `rampart merge` refuses, each in one line that names the files.
#[test]
fn merge_refuses_what_does_not_join() {
    let org = larger_org(Tool::current());
    let shards = split(&org, 4);

    // A missing shard, unless partial results are allowed.
    let three: Vec<_> = shards
        .iter()
        .filter(|(p, _)| !p.ends_with("shard-3.json"))
        .cloned()
        .collect();
    assert_eq!(
        merge_error(three.clone()),
        "shard 3/4 missing (pass --allow-partial to merge the shards given)"
    );
    let two = shards[..2].to_vec();
    assert_eq!(
        merge_error(two),
        "shards 3/4, 4/4 missing (pass --allow-partial to merge the shards given)"
    );
    let partial = merge(
        three,
        MergeOptions {
            allow_partial: true,
        },
    )
    .unwrap();
    assert_eq!(
        partial
            .header
            .shards
            .iter()
            .map(Shard::to_string)
            .collect::<Vec<_>>(),
        ["1/4", "2/4", "4/4"]
    );
    assert_eq!(
        partial.header.summary,
        OrgHeader::total(&partial.header.accounts)
    );

    // The same account in two reports.
    let mut dup = split(&org, 2);
    dup[1].1.header.shards.clear();
    dup[0].1.header.shards.clear();
    let stray = dup[0].1.reports[0].clone();
    dup[1]
        .1
        .header
        .accounts
        .push(AccountEntry::scanned(&stray, ""));
    dup[1].1.reports.push(stray);
    assert_eq!(
        merge_error(dup),
        "account 100000000001 is in both shard-1.json and shard-2.json"
    );

    // Shards of two different splits.
    let mut mixed = split(&org, 2);
    mixed[1].1.header.shards = vec![Shard { index: 2, count: 3 }];
    assert_eq!(
        merge_error(mixed),
        "shards of different splits: shard-1.json has shard 1/2 but shard-2.json has shard 2/3"
    );

    // The same shard twice.
    let twice = vec![
        shards[0].clone(),
        (PathBuf::from("again.json"), shards[0].1.clone()),
    ];
    assert_eq!(
        merge_error(twice),
        "shard 1/4 is in both shard-1.json and again.json"
    );

    // Different organizations.
    let mut orgs = split(&org, 2);
    orgs[1].1.header.organization_id = Some("o-other".into());
    assert_eq!(
        merge_error(orgs),
        "shard-1.json is of organization o-abc123defg but shard-2.json is of organization o-other"
    );

    // A shard with a report that is not one.
    let mut not_shard = split(&org, 2);
    not_shard[1].1.header.shards.clear();
    assert_eq!(
        merge_error(not_shard),
        "shard-1.json is shard 1/2 of a split but shard-2.json is not a shard report"
    );

    // A report that lists an account as scanned without its report.
    let mut torn = split(&org, 2);
    torn[0].1.reports.pop();
    assert!(
        merge_error(torn).starts_with("shard-1.json: account 1000000000"),
        "torn"
    );

    assert_eq!(merge_error(Vec::new()), "nothing to merge: no report given");
}

// Issue 10: separate single-account reports merge into an organization report (no
// organization, no shards), sorted by account.
#[test]
fn single_account_reports_merge() {
    let b = OrgReport::from_single(account_report("200000000002", 5));
    let a = OrgReport::from_single(account_report("200000000001", 1));
    let merged = merge(
        vec![("b.json".into(), b.clone()), ("a.json".into(), a.clone())],
        MergeOptions::default(),
    )
    .unwrap();
    let ids: Vec<&str> = merged
        .header
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(ids, ["200000000001", "200000000002"]);
    assert_eq!(merged.reports[0], a.reports[0]);
    assert_eq!(merged.header.started_at, a.header.started_at);
    assert_eq!(
        merged.header.finished_at,
        b.header.finished_at.max(a.header.finished_at)
    );
    let mut total = a.header.summary;
    total.add(&b.header.summary);
    assert_eq!(merged.header.summary, total);
}

// Issue 10: the machine formats parse, and carry every account's findings.
#[test]
fn machine_formats_parse_and_carry_every_account() {
    let org = larger_org(Tool::current());
    let findings: usize = org.reports.iter().map(|r| r.findings.len()).sum();
    let listed: usize = org
        .reports
        .iter()
        .map(|r| {
            r.findings
                .iter()
                .filter(|f| f.status != Status::Pass)
                .count()
        })
        .sum();

    for format in [ReportFormat::Asff, ReportFormat::Ocsf] {
        let v: Value = serde_json::from_str(&render(&org, format)).unwrap();
        assert_eq!(v.as_array().unwrap().len(), findings, "{format}");
    }

    let sarif: Value = serde_json::from_str(&render(&org, ReportFormat::Sarif)).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), listed);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
    }
    let accounts: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["properties"]["accountId"].as_str().unwrap())
        .collect();
    assert_eq!(accounts.len(), 4);
    let invocations = run["invocations"].as_array().unwrap();
    assert_eq!(invocations.len(), 5, "four scanned, one unreadable");
    assert_eq!(invocations[4]["executionSuccessful"], false);
    let sarif_schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&sarif_schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let csv = render(&org, ReportFormat::Csv);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        records.len(),
        findings + 1,
        "findings and the unreadable account"
    );
    let unreadable = records.last().unwrap();
    assert_eq!(&unreadable[1], "ERROR");
    assert_eq!(&unreadable[9], "100000000005");

    let xml = render(&org, ReportFormat::Junit);
    assert_eq!(junit_properties(&xml, "accountId").len(), 6);
    assert_eq!(
        junit_properties(&xml, "status"),
        ["scanned", "scanned", "scanned", "scanned", "error", "skipped"]
    );
    let root = xml.lines().nth(1).unwrap();
    let s = &org.header.summary;
    assert!(
        root.contains(&format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            s.total + 2,
            s.fail,
            s.error + 1,
            s.muted + 1
        )),
        "{root}"
    );
}

// Issue 10: an account that could not be read never looks clean: every format says so.
#[test]
fn unreadable_accounts_are_visible_everywhere() {
    let org = small_org();
    let reason = "AccessDenied on sts:AssumeRole for role rampart-audit";
    for &format in ReportFormat::ALL {
        if matches!(format, ReportFormat::Asff | ReportFormat::Ocsf) {
            // Finding formats: an account without findings has no event to carry it.
            continue;
        }
        let out = render(&org, format);
        assert!(out.contains("222233334444"), "{format}");
        assert!(out.contains(reason), "{format}");
    }
    let text = render(&org, ReportFormat::Text);
    assert!(text.contains("1 could not be read"), "{text}");
}

// Issue 10: in colour, the only escape sequences in the text are the report's own
// colours: the ESC in an account name is shown escaped; quiet keeps the accounts table.
#[test]
fn text_colour_and_quiet() {
    let org = small_org();
    let text = |options| render_with(&org, ReportFormat::Text, &options);
    let colour = text(TextOptions {
        color: true,
        ..TextOptions::default()
    });
    assert!(colour.contains("\u{1b}[1m"), "colour was asked for");
    let mut rest = colour.as_str();
    while let Some(i) = rest.find('\u{1b}') {
        let sgr = &rest[i + 1..];
        let end = sgr.find('m').expect("an SGR sequence");
        assert!(
            sgr[1..end].chars().all(|c| c.is_ascii_digit() || c == ';') && sgr.starts_with('['),
            "a foreign escape: {:?}",
            &sgr[..end.min(12)]
        );
        rest = &sgr[end..];
    }

    let quiet = text(TextOptions {
        quiet: true,
        ..TextOptions::default()
    });
    assert!(quiet.contains("  222233334444  legacy"), "{quiet}");
    assert!(!quiet.contains("COULD NOT BE EVALUATED"), "{quiet}");

    // At 80 columns, the header and the accounts table fit.
    let plain = text(TextOptions::default());
    let table: Vec<&str> = plain
        .lines()
        .take_while(|l| !l.starts_with("===="))
        .collect();
    for line in table {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
}

// Issue 10: a run where no account could be scanned still gives a valid report in every
// format, and one that does not look clean.
#[test]
fn no_account_scanned() {
    let mut org = small_org();
    org.reports.clear();
    org.header.accounts.retain(|a| a.summary().is_none());
    org.header.summary = OrgHeader::total(&org.header.accounts);
    for &format in ReportFormat::ALL {
        let out = render(&org, format);
        assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "{format}");
        match format {
            ReportFormat::Json => {
                let back = OrgReport::parse(Path::new("org.json"), &out).unwrap();
                assert_eq!(back, org);
                assert!(schema_errors(&serde_json::from_str(&out).unwrap()).is_empty());
            }
            ReportFormat::Asff | ReportFormat::Ocsf => assert_eq!(out, "[]\n", "{format}"),
            ReportFormat::Sarif => {
                let v: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], false);
            }
            ReportFormat::Csv => {
                assert_eq!(out.lines().count(), 2, "header and the unreadable account")
            }
            ReportFormat::Junit => {
                assert_eq!(junit_properties(&out, "status"), ["error", "skipped"])
            }
            _ => assert!(out.contains("could not be read"), "{format}"),
        }
    }
}
