//! Properties of the HTML page that hold without a browser: nothing is fetched, embedded
//! data cannot end its element, documentation is written once per check, and the
//! Content-Security-Policy admits exactly the page's own script and style. What the page
//! does in a browser is tested in `tests/html_browser.rs`.

use super::*;
use chrono::{DateTime, Utc};
use rampart_checks::Muted;
use rampart_inventory::{Account, CollectionError, Gap, Inventory, SkippedRegion};

const ACCOUNT: &str = "111122223333";
const BREAKOUT: &str = "</script><script>document.title='pwned'</script><!--";

fn at() -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn finding(check_id: &str, status: Status, resource: &str, reason: &str) -> Finding {
    Finding {
        id: Finding::stable_id(check_id, ACCOUNT, "us-east-1", resource),
        check_id: check_id.into(),
        status,
        severity: Severity::High,
        account_id: ACCOUNT.into(),
        region: "us-east-1".into(),
        resource: resource.into(),
        reason: reason.into(),
        muted: None,
        baseline: None,
    }
}

/// A report with a finding of every registered check (so every documentation reference
/// is on the page), a few more of one check, a hostile resource and reason, a muted
/// finding and a collection error whose message holds markup.
fn report() -> ScanReport {
    let mut inv = Inventory::new(
        Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
        },
        at(),
    );
    inv.regions.scanned = vec!["us-east-1".into()];
    inv.regions.skipped = vec![SkippedRegion {
        region: "me-south-1".into(),
        reason: "not opted in".into(),
    }];
    inv.errors = vec![CollectionError {
        service: "ec2".into(),
        region: "us-east-1".into(),
        gap: Gap {
            api: "ec2:DescribeInstances".into(),
            code: "AccessDenied".into(),
            message: "<b>denied</b> & \"quoted\"".into(),
        },
    }];
    let mut findings: Vec<Finding> = rampart_checks::registry()
        .iter()
        .map(|c| {
            finding(
                c.meta.id,
                Status::Fail,
                "arn:aws:iam::111122223333:root",
                "r",
            )
        })
        .collect();
    for i in 0..3 {
        findings.push(finding(
            "iam_root_mfa",
            Status::Pass,
            &format!("arn:aws:iam::{ACCOUNT}:user/u{i}"),
            "ok",
        ));
    }
    findings.push(finding("iam_root_mfa", Status::Fail, BREAKOUT, BREAKOUT));
    let mut muted = finding("fixture_thing", Status::Fail, "arn:x", "muted one");
    muted.muted = Some(Muted {
        reason: "accepted risk".into(),
        rule: "1".into(),
        expires: None,
    });
    findings.push(muted);
    ScanReport::new(&inv, findings, at(), 1)
}

/// The text of the page between `<script type="application/json" id="report-data">` and
/// its end tag.
fn data_block(html: &str) -> &str {
    let open = "<script type=\"application/json\" id=\"report-data\">";
    let start = html.find(open).expect("data block") + open.len();
    let len = html[start..].find("</script>").expect("end of data block");
    &html[start..start + len]
}

// The issue's requirement: a self-contained page that works offline. No element may load
// anything by URL (no <script src>, <link href>, <img src>, CSS url() or @import); the only
// http(s) URLs on the page are documentation references, which the script turns into
// plain <a href> links, and which live in the data block.
#[test]
fn nothing_on_the_page_fetches_from_the_network() {
    let html = render_html(&report());
    let data = data_block(&html);
    assert!(
        data.contains("https://docs.aws.amazon.com/"),
        "the fixture should carry documentation links"
    );
    let outside = html.replacen(data, "", 1);
    for needle in [
        "http://", "https://", "//cdn", "src=", "@import", "url(", "<link",
    ] {
        assert!(
            !outside.to_ascii_lowercase().contains(needle),
            "`{needle}` outside the data block: the page must not fetch anything"
        );
    }
    for api in [
        "fetch(",
        "XMLHttpRequest",
        "WebSocket",
        "import(",
        "new Image",
        ".src",
    ] {
        assert!(!SCRIPT.contains(api), "the script uses {api}");
    }
    // Every tag attribute that takes a URL points inside the page.
    for attr in ["href=\"", "action=\""] {
        for (i, _) in outside.match_indices(attr) {
            let value = &outside[i + attr.len()..];
            assert!(
                value.starts_with('#'),
                "{attr}{} is not an in-page link",
                &value[..value.find('"').unwrap_or(value.len()).min(60)]
            );
        }
    }
}

// OWASP XSS prevention, rule 3.1: JSON in a script element must not be able to close it.
// A resource or reason holding `</script>` or `<!--` stays inside the data block, and the
// data reads back unchanged.
#[test]
fn embedded_data_cannot_end_its_script_element() {
    let html = render_html(&report());
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "data block and script"
    );
    assert_eq!(html.matches("<script").count(), 2);
    assert!(!html.contains("<!--"));
    let data: serde_json::Value = serde_json::from_str(data_block(&html)).unwrap();
    let rows = data["findings"].as_array().unwrap();
    let hostile: Vec<_> = rows.iter().filter(|r| r[4] == BREAKOUT).collect();
    assert_eq!(hostile.len(), 1);
    assert_eq!(hostile[0][5], BREAKOUT);
    assert_eq!(rows.len(), report().findings.len());
}

// Collection errors are written as HTML by Rust: their text is escaped.
#[test]
fn static_text_is_escaped() {
    let html = render_html(&report());
    assert!(html.contains("&lt;b&gt;denied&lt;/b&gt; &amp; &quot;quoted&quot;"));
    assert!(!html.contains("<b>denied"));
}

// The issue: documentation is emitted once per check, not once per finding.
#[test]
fn documentation_is_written_once_per_check() {
    let html = render_html(&report());
    let meta = rampart_checks::find("iam_root_mfa").unwrap().meta;
    let in_json = |s: &str| serde_json::to_string(s).unwrap().replace('<', "\\u003c");
    assert_eq!(html.matches(&in_json(meta.why)).count(), 1);
    assert_eq!(html.matches(&in_json(meta.fix)).count(), 1);
    let data: serde_json::Value = serde_json::from_str(data_block(&html)).unwrap();
    let checks = data["checks"].as_array().unwrap();
    assert_eq!(checks.len(), rampart_checks::registry().len() + 1);
    // A check this build does not know is listed with its service, without documentation.
    let unknown = checks.iter().find(|c| c["id"] == "fixture_thing").unwrap();
    assert_eq!(unknown["service"], "fixture");
    assert!(unknown.get("fix").is_none());
}

// The Content-Security-Policy names the hashes of the page's own script and style, so the
// browser runs them and nothing else (checked in a browser by tests/html_browser.rs).
#[test]
fn content_security_policy_admits_the_page_itself() {
    let html = render_html(&report());
    let script = format!("<script>{SCRIPT}</script>");
    let style = format!("<style>{STYLE}</style>");
    assert!(html.contains(&script) && html.contains(&style));
    assert!(html.contains(&format!("script-src '{}'", csp_hash(SCRIPT))));
    assert!(html.contains(&format!("style-src '{}'", csp_hash(STYLE))));
    assert!(html.contains("default-src 'none'"));
}

#[test]
fn numbers_have_thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(50_000), "50,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
