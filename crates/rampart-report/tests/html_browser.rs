//! The HTML report in a real browser: Debian's headless Chromium, driven through
//! chromedriver's W3C WebDriver API on 127.0.0.1. Each page is loaded from file://, must
//! raise no console error and fetch nothing, and its filters (set through the controls and
//! through the URL hash) must show the counts computed here from the same fixture, with a
//! small report and a 50,000-finding one. The first test also writes the screenshot in
//! `docs/img/html-report.png`.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian packages `chromium` and
//! `chromium-driver`, installed by `.ci/run`); fails, never skips, without them.

use base64::Engine as _;
use chrono::{DateTime, Duration as Days, NaiveDate, Utc};
use rampart_checks::{BaselineState, Finding, Muted, Severity, Status};
use rampart_inventory::{Account, CollectionError, CollectionStats, Gap, Inventory, SkippedRegion};
use rampart_report::{
    render_html, render_org, AccountEntry, AccountOutcome, ComplianceSummary, OrgHeader,
    ReportFormat, ScanReport, Summary, TextOptions,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ACCOUNT: &str = "111122223333";
/// The W3C WebDriver web element identifier key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// A resource and reason that would end the data's script element if it were not escaped.
const BREAKOUT: &str = "arn:aws:s3:::x</script><script>document.title='pwned'</script><!--";
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"];

// ---------------------------------------------------------------------------------------
// The fixture reports, and the counts the page must show, computed from the findings.

fn collected_at() -> DateTime<Utc> {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// `n` findings over every registered check and one unknown check, in every status and
/// severity, over `global` and four regions; every 11th is muted, and FAIL findings are
/// new or unchanged against a baseline. Deterministic.
fn findings(n: usize) -> Vec<Finding> {
    let checks: Vec<&str> = rampart_checks::registry()
        .iter()
        .map(|c| c.meta.id)
        .chain(["fixture_unknown_check"])
        .collect();
    (0..n)
        .map(|i| {
            let check_id = checks[i % checks.len()];
            let service = rampart_checks::find(check_id).map_or("fixture", |c| c.meta.service);
            let region = if service == "iam" {
                "global"
            } else {
                REGIONS[(i / 3) % REGIONS.len()]
            };
            let status = match i % 7 {
                0..=2 | 6 => Status::Fail,
                3 => Status::Error,
                _ => Status::Pass,
            };
            let severity = Severity::ALL[(i / 2) % 5];
            let resource = if region == "global" {
                format!("arn:aws:iam::{ACCOUNT}:user/user-{i:05}")
            } else {
                format!("arn:aws:{service}:{region}:{ACCOUNT}:resource/res-{i:05}")
            };
            let reason = match status {
                Status::Fail => format!("resource res-{i:05} fails {check_id}"),
                Status::Error => format!(
                    "could not be evaluated: AccessDenied on {service}:Describe for res-{i:05}"
                ),
                Status::Pass => format!("resource res-{i:05} meets {check_id}"),
            };
            let mut f = Finding {
                id: Finding::stable_id(check_id, ACCOUNT, region, &resource),
                check_id: check_id.into(),
                status,
                severity,
                account_id: ACCOUNT.into(),
                region: region.into(),
                resource,
                reason,
                muted: None,
                baseline: None,
            };
            if i % 11 == 5 {
                f.muted = Some(Muted {
                    reason: format!("accepted risk, ticket SEC-{i}"),
                    rule: "sandbox-accounts".into(),
                    expires: NaiveDate::from_ymd_opt(2026, 12, 31),
                });
            }
            if status == Status::Fail {
                f.baseline = Some(if i % 4 == 0 {
                    BaselineState::New
                } else {
                    BaselineState::Unchanged
                });
            }
            f
        })
        .collect()
}

fn report(n: usize) -> ScanReport {
    let mut inv = Inventory::new(
        Account {
            id: ACCOUNT.into(),
            partition: "aws".into(),
            caller_arn: format!("arn:aws:iam::{ACCOUNT}:user/auditor"),
        },
        collected_at(),
    );
    inv.regions.scanned = REGIONS.iter().map(|r| r.to_string()).collect();
    inv.regions.skipped = vec![
        SkippedRegion {
            region: "me-south-1".into(),
            reason: "not opted in".into(),
        },
        SkippedRegion {
            region: "ap-east-1".into(),
            reason: "not opted in".into(),
        },
    ];
    let gap = |service: &str, region: &str, api: &str, code: &str, message: &str| CollectionError {
        service: service.into(),
        region: region.into(),
        gap: Gap {
            api: api.into(),
            code: code.into(),
            message: message.into(),
        },
    };
    let denied = "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform \
                  this action";
    inv.errors = vec![
        gap(
            "ec2",
            "us-east-1",
            "ec2:DescribeInstances",
            "AccessDenied",
            denied,
        ),
        gap(
            "ec2",
            "eu-west-1",
            "ec2:DescribeInstances",
            "AccessDenied",
            denied,
        ),
        gap(
            "guardduty",
            "eu-central-1",
            "guardduty:ListDetectors",
            "Throttling",
            "Rate exceeded",
        ),
        gap(
            "iam",
            "global",
            "iam:GetCredentialReport",
            "AccessDenied",
            denied,
        ),
    ];
    inv.stats = CollectionStats {
        duration_ms: 8_420,
        api_calls: [
            ("ec2".into(), 312),
            ("iam".into(), 41),
            ("guardduty".into(), 4),
        ]
        .into(),
        ..Default::default()
    };
    let mut findings = findings(n);
    let mut hostile = findings[1].clone();
    hostile.resource = BREAKOUT.into();
    hostile.reason = format!("reason with markup: {BREAKOUT}");
    hostile.id = Finding::stable_id(&hostile.check_id, ACCOUNT, &hostile.region, BREAKOUT);
    findings.push(hostile);
    let mut report = ScanReport::new(&inv, findings, collected_at() + Days::minutes(2), 37);
    report.tool.version = "9.9.9".into();
    report.compliance = Some(ComplianceSummary::of(
        rampart_checks::compliance::cis_v7(),
        &report.findings,
        |_| true,
    ));
    report.resolved = report.findings[..3].to_vec();
    report
        .warnings
        .push("mutelist rule `old-exception` expired on 2026-05-01 and no longer mutes".into());
    report
}

/// The status the page shows: MUTED for a muted finding, whatever its status.
fn shown(f: &Finding) -> &'static str {
    if f.muted.is_some() {
        "MUTED"
    } else {
        f.status.as_str()
    }
}

fn service(f: &Finding) -> &'static str {
    rampart_checks::find(&f.check_id).map_or("fixture", |c| c.meta.service)
}

/// What the search box looks in (the page's own definition): resource, reason, check id
/// and title, region, finding id and mute reason, case-insensitively.
fn searched(f: &Finding, q: &str) -> bool {
    let title = rampart_checks::find(&f.check_id).map_or("", |c| c.meta.title);
    let mute = f.muted.as_ref().map_or("", |m| m.reason.as_str());
    [
        f.resource.as_str(),
        &f.reason,
        &f.check_id,
        title,
        &f.region,
        &f.id,
        mute,
    ]
    .iter()
    .any(|s| s.to_lowercase().contains(&q.to_lowercase()))
}

fn count(r: &ScanReport, keep: impl Fn(&Finding) -> bool) -> usize {
    r.findings.iter().filter(|f| keep(f)).count()
}

// ---------------------------------------------------------------------------------------
// WebDriver, over chromedriver's HTTP API.

struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Start chromedriver on a free 127.0.0.1 port and a headless Chromium session with a
    /// fresh profile and every background network feature off.
    fn start() -> Browser {
        for (path, what) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: the HTML report's browser test needs Debian's {what} \
                 (`apt-get install -y chromium chromium-driver`, as .ci/run does)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let profile = tempfile::tempdir().unwrap();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent,
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = browser
                .agent
                .get(format!("{}/status", browser.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            "--hide-scrollbars",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!(
            "--user-data-dir={}",
            browser._profile.path().display()
        )])
        .collect::<Vec<_>>();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
            "timeouts": {"pageLoad": 120_000, "script": 60_000},
        }}});
        let v = browser.call("POST", "/session", Some(caps));
        browser.session = v["sessionId"].as_str().expect("session id").to_owned();
        browser
    }

    /// One WebDriver command; panics with the driver's message on an error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let resp = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or_else(|| json!({}))),
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let v: Value = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_json()
            .unwrap_or_else(|e| panic!("{method} {path}: unreadable answer: {e}"));
        assert!(
            status.is_success(),
            "{method} {path}: {status}: {}",
            v["value"]
        );
        v["value"].clone()
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Load a file afresh: through about:blank, so that a URL differing only in its hash
    /// loads the page again instead of just changing the hash.
    fn open(&self, file: &Path, hash: &str) {
        self.session("POST", "/url", Some(json!({ "url": "about:blank" })));
        let url = format!("file://{}{hash}", file.display());
        self.session("POST", "/url", Some(json!({ "url": url })));
    }

    fn js(&self, script: &str) -> Value {
        self.session(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Wait until the page's script has drawn the table.
    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while self.js("return document.documentElement.getAttribute('data-ready')") != "1" {
            assert!(
                Instant::now() < deadline,
                "the page never finished drawing; console: {:?}",
                self.console_errors()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn find(&self, css: &str) -> String {
        let v = self.session(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {v}"))
            .to_owned()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/click"), None);
    }

    fn type_text(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/clear"), None);
        self.session(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Browser console entries at level SEVERE since the last call: uncaught exceptions,
    /// console.error, resources that failed to load, Content-Security-Policy violations.
    fn console_errors(&self) -> Vec<String> {
        let log = self.session("POST", "/se/log", Some(json!({"type": "browser"})));
        log.as_array()
            .expect("log entries")
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    fn assert_clean(&self, what: &str) {
        let errors = self.console_errors();
        assert!(errors.is_empty(), "console errors on {what}: {errors:#?}");
        // Nothing was fetched: no resource timing entry at all.
        let fetched = self.js(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; })",
        );
        assert_eq!(fetched, json!([]), "{what} fetched resources");
        assert_ne!(self.js("return document.title"), "pwned");
    }

    /// (matching count the page shows, total it shows, finding rows in the table).
    fn counts(&self) -> (usize, usize, usize) {
        let v = self.js("var c = document.getElementById('count');
             return [c.getAttribute('data-matching'), c.getAttribute('data-total'),
                     document.querySelectorAll('#findings tbody tr.row').length];");
        let n = |x: &Value| match x {
            Value::String(s) => s.parse().unwrap(),
            other => other.as_u64().unwrap() as usize,
        };
        (n(&v[0]), n(&v[1]), n(&v[2]))
    }

    /// Assert the page shows `expected` matching findings of `total`, and a full page of
    /// rows (or all of them, when fewer).
    fn assert_matching(&self, expected: usize, total: usize, what: &str) {
        assert!(
            expected > 0,
            "{what}: a filter test needs matches in the fixture"
        );
        // A link that changes the hash redraws the table on `hashchange`, after the click
        // returns: wait (a little) for the page to follow before judging it.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut counts = self.counts();
        while (counts.0, counts.1) != (expected, total) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            counts = self.counts();
        }
        let (matching, shown_total, rows) = counts;
        assert_eq!(
            (matching, shown_total),
            (expected, total),
            "{what}: matching findings and total"
        );
        assert_eq!(rows, expected.min(50), "{what}: rows in the table");
        let text = self.js("return document.getElementById('count').textContent");
        let formatted = thousands(expected);
        assert!(
            text.as_str()
                .unwrap()
                .contains(&format!("of {formatted} matching")),
            "{what}: {text}"
        );
    }

    fn hash(&self) -> String {
        self.js("return location.hash").as_str().unwrap().to_owned()
    }

    /// Size the window so that the page's viewport is `width` by `height` (headless
    /// Chromium counts a window frame in the window size).
    fn set_viewport(&self, width: i64, height: i64) {
        let frame = self.js(
            "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]",
        );
        let (dw, dh) = (frame[0].as_i64().unwrap(), frame[1].as_i64().unwrap());
        self.session(
            "POST",
            "/window/rect",
            Some(json!({"width": width + dw, "height": height + dh})),
        );
        let inner = self.js("return [window.innerWidth, window.innerHeight]");
        assert_eq!(inner, json!([width, height]), "viewport size");
    }

    fn screenshot(&self) -> Vec<u8> {
        let b64 = self.session("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn write_report(dir: &Path, name: &str, report: &ScanReport) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, render_html(report)).unwrap();
    path
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

// ---------------------------------------------------------------------------------------

// The acceptance test: the report works offline from file:// in a real browser,
// raises no error, and its filters (controls, chart bars, URL hash) show the counts the
// fixture implies. The console check is proved able to fail on a page whose script throws.
#[test]
fn fixture_report_in_chromium() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let r = report(360);
    let total = r.findings.len();
    let page = write_report(dir.path(), "report.html", &r);
    let b = Browser::start();

    // The console check catches a failing script.
    let broken = dir.path().join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><title>broken</title><script>throw new Error('boom')</script>",
    )
    .unwrap();
    b.open(&broken, "");
    let errors = b.console_errors();
    assert!(
        errors.iter().any(|e| e.contains("boom")),
        "the console check missed an uncaught error: {errors:?}"
    );

    b.open(&page, "");
    b.wait_ready();
    b.assert_clean("the fixture report");
    b.assert_matching(total, total, "no filter");
    assert_eq!(b.hash(), "");

    // Status and severity through their checkboxes; the URL hash follows.
    b.click("input[name=status][value=FAIL]");
    b.assert_matching(count(&r, |f| shown(f) == "FAIL"), total, "status FAIL");
    b.click("input[name=severity][value=high]");
    b.assert_matching(
        count(&r, |f| shown(f) == "FAIL" && f.severity == Severity::High),
        total,
        "FAIL and high",
    );
    assert_eq!(b.hash(), "#status=FAIL&severity=high");
    b.click("input[name=status][value=ERROR]");
    b.assert_matching(
        count(&r, |f| {
            matches!(shown(f), "FAIL" | "ERROR") && f.severity == Severity::High
        }),
        total,
        "FAIL or ERROR, and high",
    );

    // Service and region through their selects.
    b.click("#f-service option[value=ec2]");
    b.assert_matching(
        count(&r, |f| {
            matches!(shown(f), "FAIL" | "ERROR")
                && f.severity == Severity::High
                && service(f) == "ec2"
        }),
        total,
        "and service ec2",
    );
    b.click("#f-clear");
    b.assert_matching(total, total, "cleared");
    assert_eq!(b.hash(), "");
    b.click("#f-region option[value=eu-west-1]");
    b.assert_matching(
        count(&r, |f| f.region == "eu-west-1"),
        total,
        "region eu-west-1",
    );
    b.click("#f-check option[value=iam_root_mfa]");
    let by_check = count(&r, |f| {
        f.region == "eu-west-1" && f.check_id == "iam_root_mfa"
    });
    assert_eq!(by_check, 0, "iam findings are global");
    let (matching, _, _) = b.counts();
    assert_eq!(matching, 0, "eu-west-1 and an IAM check");
    let empty = b.js("return document.querySelector('#findings tbody td.empty').textContent");
    assert_eq!(empty, "No finding matches these filters.");
    b.click("#f-region option[value='']");
    b.assert_matching(
        count(&r, |f| f.check_id == "iam_root_mfa"),
        total,
        "check iam_root_mfa",
    );
    b.click("#f-clear");

    // Free-text search: a resource fragment, a reason word, and markup taken literally.
    b.type_text("#f-q", "RES-0012");
    b.assert_matching(
        count(&r, |f| searched(f, "res-0012")),
        total,
        "search res-0012",
    );
    b.type_text("#f-q", "accessdenied");
    b.assert_matching(
        count(&r, |f| searched(f, "accessdenied")),
        total,
        "search accessdenied",
    );
    b.type_text("#f-q", "</script>");
    b.assert_matching(1, total, "search </script>");
    let cell = b.js("return document.querySelector('#findings tbody tr.row td.res').textContent");
    assert_eq!(cell, BREAKOUT, "a resource is shown as text");
    b.click("#f-clear");

    // MUTED findings, with the rule's reason in the details, and the check's
    // documentation and fix.
    b.click("input[name=status][value=MUTED]");
    let muted = count(&r, |f| f.muted.is_some());
    b.assert_matching(muted, total, "status MUTED");
    let first = b.js("var r = document.querySelector('#findings tbody tr.row');
         return [r.getAttribute('data-status'), r.querySelector('.badge').textContent,
                 r.querySelector('td.res').textContent];");
    assert_eq!(first[0], "MUTED");
    assert_eq!(first[1], "MUTED");
    let f = r
        .findings
        .iter()
        .find(|f| f.resource == first[2].as_str().unwrap())
        .unwrap();
    b.click("#findings tbody tr.row .toggle");
    let detail = b.js(
        "var d = document.querySelector('#findings tbody tr.detail');
         return [d.textContent, (d.querySelector('pre.fix') || {}).textContent || null,
                 Array.prototype.map.call(d.querySelectorAll('a[href]'), function (a) {
                   return a.getAttribute('href'); }),
                 document.querySelector('#findings tbody .toggle').getAttribute('aria-expanded')];",
    );
    let text = detail[0].as_str().unwrap();
    let mute = f.muted.as_ref().unwrap();
    assert!(text.contains(&mute.reason), "{text}");
    assert!(text.contains(&format!("MUTED ({})", f.status)), "{text}");
    assert!(text.contains(&f.reason) && text.contains(&f.id), "{text}");
    assert_eq!(detail[3], "true");
    if let Some(check) = rampart_checks::find(&f.check_id) {
        assert_eq!(detail[1], check.meta.fix);
        assert!(text.contains(check.meta.why), "{text}");
        let links: Vec<&str> = check
            .meta
            .references
            .iter()
            .copied()
            .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
            .collect();
        assert_eq!(detail[2], json!(links));
    }
    b.click("#f-clear");

    // New since the baseline: the checkbox, and the NEW mark on rows.
    b.click("#f-new");
    let new = count(&r, |f| f.baseline == Some(BaselineState::New));
    b.assert_matching(new, total, "new only");
    let marks = b.js("return document.querySelectorAll('#findings tbody .badge.new').length");
    assert_eq!(marks, json!(new.min(50)));
    b.click("#f-clear");

    // A chart bar filters on its value; choosing it again clears it.
    b.click("#chart-severity .bar-row:first-child");
    b.assert_matching(
        count(&r, |f| f.severity == Severity::Critical),
        total,
        "critical bar",
    );
    assert_eq!(b.hash(), "#severity=critical");
    let bars = b.js(
        "return Array.prototype.map.call(document.querySelectorAll('#chart-service .bar-row'),
           function (e) { return [e.querySelector('.lbl').textContent,
                                  e.querySelector('.tot').textContent]; })",
    );
    for bar in bars.as_array().unwrap() {
        let svc = bar[0].as_str().unwrap();
        let expected = count(&r, |f| {
            f.severity == Severity::Critical && service(f) == svc
        });
        assert_eq!(bar[1], thousands(expected), "service bar {svc}");
    }
    b.click("#chart-severity .bar-row:first-child");
    b.assert_matching(total, total, "critical bar again");

    // Pages.
    b.click("#p-next");
    let info = b.js("return document.getElementById('count').textContent");
    assert!(
        info.as_str()
            .unwrap()
            .starts_with("Showing 51\u{2013}100 of"),
        "{info}"
    );
    assert_eq!(b.hash(), "#page=2");

    // A linked view: the filter in the URL hash.
    b.open(
        &page,
        "#status=FAIL,ERROR&severity=critical,high&region=eu-west-1",
    );
    b.wait_ready();
    b.assert_matching(
        count(&r, |f| {
            matches!(shown(f), "FAIL" | "ERROR")
                && matches!(f.severity, Severity::Critical | Severity::High)
                && f.region == "eu-west-1"
        }),
        total,
        "hash filter",
    );
    let boxes = b.js(
        "return Array.prototype.map.call(document.querySelectorAll('#filters input:checked'),
           function (e) { return e.value; })",
    );
    assert_eq!(boxes, json!(["FAIL", "ERROR", "critical", "high"]));
    assert_eq!(
        b.js("return document.getElementById('f-region').value"),
        "eu-west-1"
    );
    b.open(&page, "#q=user-00&service=iam");
    b.wait_ready();
    b.assert_matching(
        count(&r, |f| searched(f, "user-00") && service(f) == "iam"),
        total,
        "hash search",
    );
    // A link on the page (a headline card) changes the hash and the table follows.
    b.click("a.card.error");
    b.assert_matching(count(&r, |f| shown(f) == "ERROR"), total, "ERROR card");
    b.assert_clean("the fixture report after filtering");

    // The picture in the README: the unfiltered report at 1280x900.
    b.open(&page, "");
    b.wait_ready();
    b.set_viewport(1280, 900);
    let png = b.screenshot();
    assert_eq!(png_size(&png), (1280, 900), "screenshot size");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/img/html-report.png");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, png).unwrap();
    b.assert_clean("the fixture report");
    eprintln!("fixture report in Chromium: {:.1?}", started.elapsed());
}

// The issue: the report stays usable with 50,000 findings: it loads, shows the total,
// keeps the table to one page of rows, and filters.
#[test]
fn fifty_thousand_findings_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(50_000);
    let total = r.findings.len();
    let page = write_report(dir.path(), "large.html", &r);
    let size = std::fs::metadata(&page).unwrap().len();
    let b = Browser::start();
    let started = Instant::now();
    b.open(&page, "");
    b.wait_ready();
    let loaded = started.elapsed();
    b.assert_clean("the 50,000-finding report");
    b.assert_matching(total, total, "no filter");
    let rows = b.js("return document.querySelectorAll('#findings tbody tr').length");
    assert_eq!(rows, json!(50), "one page of rows, not every finding");

    let t = Instant::now();
    b.click("input[name=status][value=ERROR]");
    b.assert_matching(count(&r, |f| shown(f) == "ERROR"), total, "ERROR");
    b.click("#f-region option[value=ap-southeast-2]");
    b.assert_matching(
        count(&r, |f| shown(f) == "ERROR" && f.region == "ap-southeast-2"),
        total,
        "ERROR in ap-southeast-2",
    );
    b.click("#f-clear");
    b.type_text("#f-q", "res-4999");
    b.assert_matching(count(&r, |f| searched(f, "res-4999")), total, "search");
    let filtering = t.elapsed();

    b.open(&page, "#status=MUTED&severity=low");
    b.wait_ready();
    b.assert_matching(
        count(&r, |f| f.muted.is_some() && f.severity == Severity::Low),
        total,
        "hash filter",
    );
    b.click("#p-last");
    let (matching, _, rows) = b.counts();
    assert_eq!(rows, (matching - 1) % 50 + 1, "rows on the last page");
    b.assert_clean("the 50,000-finding report after filtering");
    eprintln!(
        "50,000 findings: {:.1} MiB page, loaded and drawn in {loaded:.1?}, four filter \
         steps in {filtering:.1?}",
        size as f64 / (1024.0 * 1024.0)
    );
}

// Issue 10: the organization page in a real browser: every account's findings in one
// table with an account column, and the account filter (its select, the URL hash and the
// accounts table's links) showing one account's findings. An account name that tries to
// end its element stays text.
#[test]
fn organization_report_account_filter_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let ids = ["111122223333", "444455556666", "777788889999"];
    let reports: Vec<ScanReport> = ids
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let mut r = report(90 + 40 * k);
            r.account_id = id.to_string();
            for f in &mut r.findings {
                f.account_id = id.to_string();
                f.id = Finding::stable_id(&f.check_id, id, &f.region, &f.resource);
            }
            r.summary = Summary::of(&r.findings);
            r
        })
        .collect();
    let mut accounts: Vec<AccountEntry> = reports
        .iter()
        .map(|r| AccountEntry::scanned(r, format!("team {}", &r.account_id[..3])))
        .collect();
    accounts[1].name = BREAKOUT.into();
    accounts.push(AccountEntry {
        account_id: "999900001111".into(),
        name: "locked".into(),
        tags: Default::default(),
        outcome: AccountOutcome::Error {
            reason: "AccessDenied on sts:AssumeRole".into(),
        },
    });
    let header = OrgHeader::new(accounts, collected_at(), collected_at());
    let page = dir.path().join("org.html");
    let mut out = Vec::new();
    render_org(
        ReportFormat::Html,
        &header,
        &mut reports
            .iter()
            .cloned()
            .map(Ok::<_, std::convert::Infallible>),
        &TextOptions::default(),
        &mut out,
    )
    .unwrap();
    std::fs::write(&page, out).unwrap();
    let total: usize = reports.iter().map(|r| r.findings.len()).sum();
    let of = |id: &str, keep: &dyn Fn(&Finding) -> bool| -> usize {
        let r = reports.iter().find(|r| r.account_id == id).unwrap();
        count(r, keep)
    };

    let b = Browser::start();
    b.open(&page, "");
    b.wait_ready();
    b.assert_clean("the organization report");
    b.assert_matching(total, total, "every account");

    // The select: one account's findings, each row naming it in the account column.
    b.click("#f-account option[value='444455556666']");
    b.assert_matching(of("444455556666", &|_| true), total, "account 444455556666");
    assert_eq!(b.hash(), "#account=444455556666");
    let column = b.js(
        "return Array.from(document.querySelectorAll('#findings tbody tr.row'))
             .map(function (tr) { return tr.lastChild.textContent; })",
    );
    let column: Vec<&str> = column
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        !column.is_empty() && column.iter().all(|&a| a == "444455556666"),
        "{column:?}"
    );

    // With the other filters: the choices the script filled in from every account.
    b.click("#f-region option[value='eu-west-1']");
    b.assert_matching(
        of("444455556666", &|f| f.region == "eu-west-1"),
        total,
        "account and region",
    );
    b.click("#f-clear");
    b.assert_matching(total, total, "cleared");

    // The URL hash, and the accounts table's link.
    b.open(&page, "#account=777788889999&status=FAIL");
    b.wait_ready();
    b.assert_matching(
        of("777788889999", &|f| shown(f) == "FAIL"),
        total,
        "hash account and FAIL",
    );
    b.click("#accounts a[href='#account=111122223333']");
    b.assert_matching(of("111122223333", &|_| true), total, "accounts table link");

    // The account that could not be read has no findings, and says why in the table.
    b.click("#f-account option[value='999900001111']");
    assert_eq!(b.counts().0, 0, "the unreadable account has no findings");
    let row = b.js(
        "return document.querySelector('#accounts tr[data-account=\"999900001111\"]').textContent",
    );
    assert!(
        row.as_str()
            .unwrap()
            .contains("AccessDenied on sts:AssumeRole"),
        "{row}"
    );
    b.assert_clean("the organization report after filtering");
}
