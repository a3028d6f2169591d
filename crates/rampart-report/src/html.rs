//! The HTML report: one self-contained file (inline CSS and JS, no network fetch) with the
//! headline numbers, charts, a filterable findings table with each check's documentation,
//! the compliance summary and what could not be read. Findings are embedded once as JSON
//! and rendered page by page, so the file stays usable with tens of thousands of them.

use crate::org::{AccountEntry, AccountOutcome, OrgHeader, OrgWriter};
use crate::report::{ScanReport, Summary, Tool};
use base64::Engine as _;
use rampart_checks::{BaselineState, Finding, Muted, Severity, Status};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Render the report as one HTML page that needs nothing but a browser: no network, no
/// other file. The findings are embedded as JSON data and drawn by the page's own script;
/// the header, headline numbers, compliance summary and collection gaps are plain HTML,
/// readable and printable without it.
pub fn render_html(report: &ScanReport) -> String {
    let data = embedded_json(&Data::of(report));
    let mut h = String::with_capacity(data.len() + STYLE.len() + SCRIPT.len() + 64 * 1024);
    let title = format!("rampart report: account {}", report.account_id);
    page_head(&mut h, &report.tool, &title, true);
    header(&mut h, report);
    h.push_str("<main>\n");
    warnings(&mut h, report);
    headline(&mut h, report);
    charts(&mut h);
    findings_section(&mut h, report);
    compliance(&mut h, report);
    gaps(&mut h, report);
    resolved(&mut h, report);
    h.push_str("</main>\n");
    let _ = writeln!(
        h,
        "<footer><p>Written by {} {}. Evaluation took {} ms; collection {} ms and {} API \
         calls.</p></footer>",
        esc(&report.tool.name),
        esc(&report.tool.version),
        report.evaluation_ms,
        report.collection.duration_ms,
        thousands(report.collection.total_api_calls()),
    );
    h.push_str("<script type=\"application/json\" id=\"report-data\">");
    h.push_str(&data);
    h.push_str("</script>\n");
    page_end(&mut h);
    h
}

/// The page up to `<body>`: the Content-Security-Policy that admits only the page's own
/// script (none when `script` is false: a page without one) and style, and the style.
pub(crate) fn page_head(h: &mut String, tool: &Tool, title: &str, script: bool) {
    let script_src = if script {
        format!("'{}'", csp_hash(SCRIPT))
    } else {
        "'none'".to_owned()
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src {script_src}; style-src '{}'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n",
        csp_hash(STYLE),
        esc(&tool.name),
        esc(&tool.version),
        esc(title),
    );
}

/// The page's script and its end.
fn page_end(h: &mut String) {
    h.push_str("<script>");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
}

/// The organization as one page: the organization's facts, headline numbers over every
/// account, an accounts table (each account's failing findings by severity, ERROR and PASS
/// counts, regions and collection gaps; an account that could not be read or was skipped
/// with its reason), the charts, and the findings table of every account with an account
/// column and an account filter (the accounts table links to it). Each account's findings
/// are embedded as their own data block, written as the account's report comes, and the
/// page's script joins them.
#[derive(Default)]
pub(crate) struct OrgHtml;

impl OrgWriter for OrgHtml {
    fn start(&mut self, header: &OrgHeader, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut h = String::new();
        let what = match &header.organization_id {
            Some(id) => format!("organization {id}"),
            None => format!("{} accounts", header.accounts.len()),
        };
        page_head(
            &mut h,
            &header.tool,
            &format!("rampart report: {what}"),
            true,
        );
        org_header(&mut h, header, &what);
        h.push_str("<main>\n");
        org_headline(&mut h, header);
        org_accounts(&mut h, header);
        charts(&mut h);
        let none = BTreeSet::new();
        findings_controls(&mut h, [&none, &none, &none], false, Some(&header.accounts));
        h.push_str("</main>\n");
        let _ = writeln!(
            h,
            "<footer><p>Written by {} {}.</p></footer>",
            esc(&header.tool.name),
            esc(&header.tool.version),
        );
        out.write_all(h.as_bytes())
    }

    fn scanned(
        &mut self,
        _: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let data = embedded_json(&Data::of(report));
        writeln!(
            out,
            "<script type=\"application/json\" class=\"account-data\">{data}</script>"
        )
    }

    fn finish(&mut self, _: &OrgHeader, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut h = String::new();
        page_end(&mut h);
        out.write_all(h.as_bytes())
    }
}

fn org_header(h: &mut String, header: &OrgHeader, what: &str) {
    let c = header.counts();
    let _ = write!(
        h,
        "<header class=\"top\">\n<h1>rampart report <span class=\"account\">{}</span></h1>\n\
         <dl class=\"facts\">",
        esc(what)
    );
    if let Some(m) = &header.management_account_id {
        let _ = write!(
            h,
            "<div><dt>Management account</dt><dd>{}</dd></div>",
            esc(m)
        );
    }
    let _ = write!(
        h,
        "<div><dt>Started</dt><dd><time datetime=\"{}\">{}</time></dd></div>\
         <div><dt>Finished</dt><dd><time datetime=\"{}\">{}</time></dd></div>\
         <div><dt>Accounts</dt><dd>{} scanned, {} could not be read, {} skipped</dd></div>",
        header.started_at.to_rfc3339(),
        header.started_at.format("%Y-%m-%d %H:%M UTC"),
        header.finished_at.to_rfc3339(),
        header.finished_at.format("%Y-%m-%d %H:%M UTC"),
        thousands(c.scanned as u64),
        thousands(c.error as u64),
        thousands(c.skipped as u64),
    );
    if let Some(shards) = header.shards_label() {
        let _ = write!(h, "<div><dt>Shards</dt><dd>{}</dd></div>", esc(&shards));
    }
    let _ = write!(
        h,
        "<div><dt>Tool</dt><dd>{} {}</dd></div></dl>\n</header>\n",
        esc(&header.tool.name),
        esc(&header.tool.version),
    );
}

/// A headline card.
pub(crate) fn card(h: &mut String, class: &str, n: String, label: &str, link: &str, note: &str) {
    let _ = write!(
        h,
        "<a class=\"card {class}\" href=\"{link}\"><span class=\"n\">{n}</span>\
         <span class=\"l\">{label}</span>"
    );
    if !note.is_empty() {
        let _ = write!(h, "<span class=\"note\">{note}</span>");
    }
    h.push_str("</a>\n");
}

fn org_headline(h: &mut String, header: &OrgHeader) {
    let c = header.counts();
    h.push_str("<section class=\"headline\" aria-label=\"Headline numbers\">\n");
    card(
        h,
        if c.error > 0 { "error" } else { "pass" },
        thousands(c.error as u64),
        "accounts could not be read",
        "#accounts",
        &format!(
            "every check ERROR; {} scanned, {} skipped",
            thousands(c.scanned as u64),
            thousands(c.skipped as u64)
        ),
    );
    failing_cards(h, &header.summary);
    status_cards(h, &header.summary);
    h.push_str("</section>\n");
}

/// The failing and critical-or-high cards.
fn failing_cards(h: &mut String, s: &Summary) {
    let sev = &s.fail_by_severity;
    let by_severity = format!(
        "{} critical, {} high, {} medium, {} low, {} info",
        thousands(sev.critical),
        thousands(sev.high),
        thousands(sev.medium),
        thousands(sev.low),
        thousands(sev.info)
    );
    card(
        h,
        "fail",
        thousands(s.fail),
        "failing",
        "#status=FAIL",
        &by_severity,
    );
    card(
        h,
        "critical",
        thousands(sev.critical + sev.high),
        "critical or high",
        "#status=FAIL&amp;severity=critical,high",
        "failing findings to fix first",
    );
}

/// The ERROR, muted and passing cards.
fn status_cards(h: &mut String, s: &Summary) {
    card(
        h,
        "error",
        thousands(s.error),
        "could not be evaluated",
        "#status=ERROR",
        "ERROR: data could not be read",
    );
    card(
        h,
        "muted",
        thousands(s.muted),
        "muted",
        "#status=MUTED",
        "matched a mutelist rule",
    );
    card(
        h,
        "pass",
        thousands(s.pass),
        "passing",
        "#status=PASS",
        &format!("of {} findings in all", thousands(s.total)),
    );
}

/// The account × severity table.
fn org_accounts(h: &mut String, header: &OrgHeader) {
    h.push_str(
        "<section id=\"accounts\" class=\"accounts\" aria-labelledby=\"accounts-h\">\n\
         <h2 id=\"accounts-h\">Accounts</h2>\n<p class=\"hint\">Choose an account to see its \
         findings.</p>\n<table class=\"gap-table accounts-table\"><thead><tr>\
         <th scope=\"col\">Account</th><th scope=\"col\">Name</th><th scope=\"col\">Status</th>",
    );
    for label in ["Critical", "High", "Medium", "Low", "Info", "Error", "Pass"] {
        let _ = write!(h, "<th scope=\"col\" class=\"num\">{label}</th>");
    }
    h.push_str(
        "<th scope=\"col\" class=\"num\">Regions</th>\
         <th scope=\"col\" class=\"num\">Gaps</th></tr></thead>\n<tbody>\n",
    );
    let numbers = |s: &Summary| -> String {
        Severity::ALL
            .iter()
            .map(|&sev| s.fail_by_severity.get(sev))
            .chain([s.error, s.pass])
            .map(|n| format!("<td class=\"num\">{}</td>", thousands(n)))
            .collect()
    };
    for a in &header.accounts {
        let mut name = esc(&a.name);
        if !a.tags.is_empty() {
            let tags: Vec<String> = a
                .tags
                .iter()
                .map(|(k, v)| format!("{}={}", esc(k), esc(v)))
                .collect();
            let _ = write!(
                name,
                " <span class=\"muted-text\">{}</span>",
                tags.join(", ")
            );
        }
        match &a.outcome {
            AccountOutcome::Scanned {
                summary,
                regions_scanned,
                collection_errors,
            } => {
                let _ = writeln!(
                    h,
                    "<tr data-account=\"{0}\"><th scope=\"row\"><a href=\"{1}\"><code>{0}</code></a>\
                     </th><td>{name}</td><td>scanned</td>{2}<td class=\"num\">{3}</td>\
                     <td class=\"num\">{4}</td></tr>",
                    esc(&a.account_id),
                    filter_link("account", &a.account_id),
                    numbers(summary),
                    regions_scanned,
                    collection_errors,
                );
            }
            AccountOutcome::Error { reason } | AccountOutcome::Skipped { reason } => {
                let (badge, label) = match a.outcome {
                    AccountOutcome::Error { .. } => ("ERROR", "could not be read"),
                    _ => ("MUTED", "skipped"),
                };
                let _ = writeln!(
                    h,
                    "<tr data-account=\"{0}\"><th scope=\"row\"><code>{0}</code></th><td>{name}</td>\
                     <td><span class=\"badge s-{badge}\">{label}</span></td>\
                     <td colspan=\"9\">{1}</td></tr>",
                    esc(&a.account_id),
                    esc(reason),
                );
            }
        }
    }
    let _ = writeln!(
        h,
        "</tbody><tfoot><tr><th scope=\"row\">Total</th><td></td><td></td>{}<td></td><td></td>\
         </tr></tfoot></table>\n</section>",
        numbers(&header.summary)
    );
}

/// `sha256-…` source expression of an inline block, for the Content-Security-Policy: only
/// the page's own script and style run, even if some text escaped its element.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// JSON for a `<script type="application/json">` element: `<` only occurs inside JSON
/// strings, where `\u003c` means the same, so no `</script>` or `<!--` in a resource or a
/// reason can end the element early.
fn embedded_json(data: &Data<'_>) -> String {
    let json = serde_json::to_string(data).expect("report data serializes");
    json.replace('<', "\\u003c")
}

/// The findings table's data, compact: strings that repeat (checks, regions, mute rules)
/// are listed once and findings refer to them by index.
#[derive(Serialize)]
struct Data<'a> {
    account: &'a str,
    /// Every check that has a finding, with its documentation: once per check.
    checks: Vec<CheckDoc<'a>>,
    regions: Vec<&'a str>,
    mutes: Vec<&'a Muted>,
    /// Whether the scan was compared with a baseline.
    baseline: bool,
    /// `[check, status, severity, region, resource, reason, id, mute, baseline, account]`;
    /// status 0 FAIL, 1 ERROR, 2 PASS; severity 0 critical … 4 info; mute and baseline -1
    /// when absent (baseline 0 new, 1 unchanged, 2 resolved); account only when it is not
    /// the report's.
    findings: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct CheckDoc<'a> {
    id: &'a str,
    service: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    what: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'static str>,
    references: &'static [&'static str],
    cis: &'static [&'static str],
}

/// One finding as a JSON array (see [`Data::findings`]).
struct Row<'a> {
    f: &'a Finding,
    check: usize,
    region: usize,
    mute: i64,
    other_account: bool,
}

impl Serialize for Row<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let f = self.f;
        let mut seq = s.serialize_seq(None)?;
        seq.serialize_element(&self.check)?;
        seq.serialize_element(&status_code(f.status))?;
        seq.serialize_element(&severity_code(f.severity))?;
        seq.serialize_element(&self.region)?;
        seq.serialize_element(&f.resource)?;
        seq.serialize_element(&f.reason)?;
        seq.serialize_element(&f.id)?;
        seq.serialize_element(&self.mute)?;
        seq.serialize_element(&match f.baseline {
            None => -1,
            Some(BaselineState::New) => 0,
            Some(BaselineState::Unchanged) => 1,
            Some(BaselineState::Resolved) => 2,
        })?;
        if self.other_account {
            seq.serialize_element(&f.account_id)?;
        }
        seq.end()
    }
}

fn status_code(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Error => 1,
        Status::Pass => 2,
    }
}

fn severity_code(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

/// The service of a check: from the registry, or for a check this build does not know,
/// the part of its id before the first `_` (ids are `service_what`).
pub(crate) fn service_of(check_id: &str) -> &str {
    match rampart_checks::find(check_id) {
        Some(c) => c.meta.service,
        None => check_id.split('_').next().unwrap_or(check_id),
    }
}

impl<'a> Data<'a> {
    fn of(report: &'a ScanReport) -> Data<'a> {
        let mut checks: Vec<CheckDoc<'a>> = Vec::new();
        let mut check_index: HashMap<&str, usize> = HashMap::new();
        let mut regions: Vec<&str> = Vec::new();
        let mut region_index: HashMap<&str, usize> = HashMap::new();
        let mut mutes: Vec<&Muted> = Vec::new();
        let mut findings = Vec::with_capacity(report.findings.len());
        for f in &report.findings {
            let check = *check_index.entry(&f.check_id).or_insert_with(|| {
                let meta = rampart_checks::find(&f.check_id).map(|c| c.meta);
                checks.push(CheckDoc {
                    id: &f.check_id,
                    service: service_of(&f.check_id),
                    title: meta.map(|m| m.title),
                    what: meta.map(|m| m.what),
                    why: meta.map(|m| m.why),
                    fix: meta.map(|m| m.fix),
                    references: meta.map(|m| m.references).unwrap_or_default(),
                    cis: meta.map(|m| m.cis).unwrap_or_default(),
                });
                checks.len() - 1
            });
            let region = *region_index.entry(&f.region).or_insert_with(|| {
                regions.push(&f.region);
                regions.len() - 1
            });
            let mute = match &f.muted {
                None => -1,
                Some(m) => match mutes.iter().position(|x| *x == m) {
                    Some(i) => i as i64,
                    None => {
                        mutes.push(m);
                        mutes.len() as i64 - 1
                    }
                },
            };
            findings.push(Row {
                f,
                check,
                region,
                mute,
                other_account: f.account_id != report.account_id,
            });
        }
        Data {
            account: &report.account_id,
            checks,
            regions,
            mutes,
            baseline: report.findings.iter().any(|f| f.baseline.is_some()),
            findings,
        }
    }
}

/// Escape text for HTML element content and quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `12,345`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A hash link to the findings table filtered on one key (values are ids: no escaping of
/// `&` or `=` needed beyond the URL encoding the page itself applies).
fn filter_link(key: &str, value: &str) -> String {
    format!("#{key}={}", esc(&percent(value)))
}

/// Percent-encode what is not unreserved in a URL fragment value.
fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn header(h: &mut String, r: &ScanReport) {
    let _ = write!(
        h,
        "<header class=\"top\">\n<h1>rampart report <span class=\"account\">account \
         {}</span></h1>\n<dl class=\"facts\">\
         <div><dt>Partition</dt><dd>{}</dd></div>\
         <div><dt>Collected</dt><dd><time datetime=\"{}\">{}</time></dd></div>\
         <div><dt>Evaluated</dt><dd><time datetime=\"{}\">{}</time></dd></div>\
         <div><dt>Regions</dt><dd>{} scanned, {} skipped</dd></div>\
         <div><dt>Tool</dt><dd>{} {}</dd></div></dl>\n</header>\n",
        esc(&r.account_id),
        esc(&r.partition),
        r.collected_at.to_rfc3339(),
        r.collected_at.format("%Y-%m-%d %H:%M UTC"),
        r.evaluated_at.to_rfc3339(),
        r.evaluated_at.format("%Y-%m-%d %H:%M UTC"),
        r.regions_scanned.len(),
        r.regions_skipped.len(),
        esc(&r.tool.name),
        esc(&r.tool.version),
    );
}

fn warnings(h: &mut String, r: &ScanReport) {
    if r.warnings.is_empty() {
        return;
    }
    h.push_str("<section class=\"warnings\" aria-labelledby=\"warnings-h\">\n<h2 id=\"warnings-h\">Warnings</h2>\n<ul>\n");
    for w in &r.warnings {
        let _ = writeln!(h, "<li>{}</li>", esc(w));
    }
    h.push_str("</ul>\n</section>\n");
}

fn headline(h: &mut String, r: &ScanReport) {
    let s = &r.summary;
    let new = r
        .findings
        .iter()
        .filter(|f| f.baseline == Some(BaselineState::New) && f.is_active_failure())
        .count() as u64;
    let baseline = r.findings.iter().any(|f| f.baseline.is_some());
    h.push_str("<section class=\"headline\" aria-label=\"Headline numbers\">\n");
    failing_cards(h, s);
    if baseline {
        card(
            h,
            "new",
            thousands(new),
            "new",
            "#status=FAIL&amp;new=1",
            &format!(
                "failing now, not in the baseline; {} resolved",
                thousands(r.resolved.len() as u64)
            ),
        );
    }
    status_cards(h, s);
    if let Some(c) = &r.compliance {
        card(
            h,
            "score",
            format!("{:.1}%", c.score),
            "compliance",
            "#compliance",
            &format!("{}: controls passing", esc(&c.title)),
        );
    }
    let gaps = r.collection_errors.len() + r.regions_skipped.len();
    if gaps > 0 {
        card(
            h,
            "gaps",
            thousands(gaps as u64),
            "collection gaps",
            "#gaps",
            &format!(
                "{} failed calls, {} regions skipped",
                thousands(r.collection_errors.len() as u64),
                thousands(r.regions_skipped.len() as u64)
            ),
        );
    }
    h.push_str("</section>\n");
}

fn charts(h: &mut String) {
    h.push_str(
        "<section class=\"charts\" aria-labelledby=\"charts-h\">\n\
         <h2 id=\"charts-h\">Findings by severity, service and region</h2>\n\
         <div class=\"chart-head\"><p class=\"hint\">Bars count the findings that match the \
         other filters; choose a bar to filter on it.</p>\
         <div class=\"legend\" aria-hidden=\"true\"><span class=\"k s-FAIL\"></span>FAIL\
         <span class=\"k s-ERROR\"></span>ERROR<span class=\"k s-MUTED\"></span>MUTED\
         <span class=\"k s-PASS\"></span>PASS</div></div>\n\
         <div class=\"chart-grid\">\n\
         <figure class=\"chart\"><figcaption>Severity</figcaption><div id=\"chart-severity\"></div></figure>\n\
         <figure class=\"chart\"><figcaption>Service</figcaption><div id=\"chart-service\"></div></figure>\n\
         <figure class=\"chart\"><figcaption>Region</figcaption><div id=\"chart-region\"></div></figure>\n\
         </div>\n<noscript><p>The charts and the findings table need JavaScript.</p></noscript>\n\
         </section>\n",
    );
}

fn findings_section(h: &mut String, r: &ScanReport) {
    let mut services = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let mut checks = BTreeSet::new();
    for f in &r.findings {
        services.insert(service_of(&f.check_id));
        regions.insert(f.region.as_str());
        checks.insert(f.check_id.as_str());
    }
    let baseline = r.findings.iter().any(|f| f.baseline.is_some());
    findings_controls(h, [&services, &regions, &checks], baseline, None);
}

/// The findings section: filters (the service, region and check choices given, or filled
/// by the page's script when empty; an account filter when `accounts` is given), the
/// table (with an account column for an organization) and its pager.
fn findings_controls(
    h: &mut String,
    [services, regions, checks]: [&BTreeSet<&str>; 3],
    baseline: bool,
    accounts: Option<&[AccountEntry]>,
) {
    h.push_str(
        "<section class=\"findings\" aria-labelledby=\"findings-h\">\n\
         <h2 id=\"findings-h\">Findings</h2>\n\
         <form id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"Filter findings\">\n\
         <fieldset class=\"chips\"><legend>Status</legend>",
    );
    for s in ["FAIL", "ERROR", "MUTED", "PASS"] {
        let _ = write!(
            h,
            "<label class=\"chip\"><input type=\"checkbox\" name=\"status\" value=\"{s}\"> \
             <span class=\"badge s-{s}\">{s}</span></label>"
        );
    }
    h.push_str("</fieldset>\n<fieldset class=\"chips\"><legend>Severity</legend>");
    for s in Severity::ALL {
        let _ = write!(
            h,
            "<label class=\"chip\"><input type=\"checkbox\" name=\"severity\" value=\"{0}\"> \
             <span class=\"sev v-{0}\">{0}</span></label>",
            s.as_str()
        );
    }
    h.push_str("</fieldset>\n<div class=\"selects\">");
    let select = |h: &mut String, id: &str, label: &str, all: &str, values: &BTreeSet<&str>| {
        let _ = write!(
            h,
            "<label for=\"f-{id}\">{label}</label><select id=\"f-{id}\" name=\"{id}\">\
             <option value=\"\">{all}</option>"
        );
        for v in values {
            let _ = write!(h, "<option value=\"{0}\">{0}</option>", esc(v));
        }
        h.push_str("</select>");
    };
    if let Some(accounts) = accounts {
        h.push_str(
            "<label for=\"f-account\">Account</label><select id=\"f-account\" name=\"account\">\
             <option value=\"\">All accounts</option>",
        );
        for a in accounts {
            let mut label = a.account_id.clone();
            if !a.name.is_empty() {
                label.push_str(&format!(" {}", a.name));
            }
            if let Some(reason) = a.outcome.reason() {
                label.push_str(&format!(" ({}: {reason})", a.outcome.status()));
            }
            let _ = write!(
                h,
                "<option value=\"{}\">{}</option>",
                esc(&a.account_id),
                esc(&label)
            );
        }
        h.push_str("</select>");
    }
    select(h, "service", "Service", "All services", services);
    select(h, "region", "Region", "All regions", regions);
    select(h, "check", "Check", "All checks", checks);
    h.push_str(
        "<label for=\"f-q\">Search</label><input id=\"f-q\" name=\"q\" type=\"search\" \
         placeholder=\"resource, reason, check…\" autocomplete=\"off\" spellcheck=\"false\">",
    );
    if baseline {
        h.push_str(
            "<label class=\"inline\"><input type=\"checkbox\" id=\"f-new\" name=\"new\" \
             value=\"1\"> New since baseline only</label>",
        );
    }
    h.push_str(
        "<button type=\"button\" id=\"f-clear\">Clear filters</button></div>\n</form>\n\
         <div class=\"table-bar\"><p id=\"count\" aria-live=\"polite\"></p>\
         <p class=\"pager-size\"><label for=\"f-size\">Rows per page</label> \
         <select id=\"f-size\"><option>25</option><option selected>50</option>\
         <option>100</option><option>250</option></select></p></div>\n\
         <table id=\"findings\" class=\"findings-table\">\n\
         <caption class=\"sr-only\">Findings matching the filters; choose a row's button \
         for its reason, documentation and fix.</caption>\n\
         <thead><tr><th scope=\"col\" class=\"c-toggle\"><span class=\"sr-only\">Details\
         </span></th><th scope=\"col\" class=\"c-status\">Status</th>\
         <th scope=\"col\" class=\"c-sev\">Severity</th><th scope=\"col\">Check</th>\
         <th scope=\"col\" class=\"c-region\">Region</th><th scope=\"col\">Resource</th>\
         <th scope=\"col\">Reason</th>",
    );
    if accounts.is_some() {
        h.push_str("<th scope=\"col\" class=\"c-account\">Account</th>");
    }
    h.push_str(
        "</tr></thead>\n<tbody></tbody>\n</table>\n\
         <nav class=\"pager\" aria-label=\"Pages of findings\">\
         <button type=\"button\" id=\"p-first\">First</button>\
         <button type=\"button\" id=\"p-prev\">Previous</button>\
         <span id=\"p-info\"></span>\
         <button type=\"button\" id=\"p-next\">Next</button>\
         <button type=\"button\" id=\"p-last\">Last</button></nav>\n</section>\n",
    );
}

fn compliance(h: &mut String, r: &ScanReport) {
    let Some(c) = &r.compliance else {
        return;
    };
    let count = |s: &str| c.counts.get(s).copied().unwrap_or(0);
    let _ = write!(
        h,
        "<section id=\"compliance\" class=\"compliance\" aria-labelledby=\"compliance-h\">\n\
         <h2 id=\"compliance-h\">Compliance: {}</h2>\n<p class=\"score\"><strong>{:.1}%</strong> \
         of evaluated controls pass: <span class=\"badge s-PASS\">{} PASS</span> \
         <span class=\"badge s-FAIL\">{} FAIL</span> <span class=\"badge s-ERROR\">{} ERROR</span> \
         <span class=\"badge s-MANUAL\">{} MANUAL</span></p>\n\
         <details open><summary>{} controls</summary>\n\
         <table class=\"controls\"><thead><tr><th scope=\"col\">Control</th>\
         <th scope=\"col\">Title</th><th scope=\"col\">Status</th>\
         <th scope=\"col\">Checks</th><th scope=\"col\" class=\"num\">Pass</th>\
         <th scope=\"col\" class=\"num\">Fail</th><th scope=\"col\" class=\"num\">Error</th>\
         <th scope=\"col\" class=\"num\">Muted</th></tr></thead>\n<tbody>\n",
        esc(&c.title),
        c.score,
        count("PASS"),
        count("FAIL"),
        count("ERROR"),
        count("MANUAL"),
        c.controls.len(),
    );
    for ctl in &c.controls {
        let status = ctl.status.as_str();
        let checks = if ctl.checks.is_empty() {
            "<span class=\"muted-text\">assessed by a person</span>".to_owned()
        } else {
            ctl.checks
                .iter()
                .map(|id| {
                    format!(
                        "<a href=\"{}\"><code>{}</code></a>",
                        filter_link("check", id),
                        esc(id)
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{} <span class=\"muted-text\">({}, {})</span></td>\
             <td><span class=\"badge s-{status}\">{status}</span></td><td>{checks}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&ctl.id),
            esc(&ctl.title),
            esc(&ctl.assessment),
            esc(&ctl.level),
            thousands(ctl.pass),
            thousands(ctl.fail),
            thousands(ctl.error),
            thousands(ctl.muted),
        );
    }
    h.push_str("</tbody></table>\n</details>\n</section>\n");
}

fn gaps(h: &mut String, r: &ScanReport) {
    h.push_str(
        "<section id=\"gaps\" class=\"gaps\" aria-labelledby=\"gaps-h\">\n\
         <h2 id=\"gaps-h\">What could not be read</h2>\n",
    );
    if r.collection_errors.is_empty() && r.regions_skipped.is_empty() {
        h.push_str("<p>Every region was scanned and every API call succeeded.</p>\n</section>\n");
        return;
    }
    h.push_str("<p>Checks that needed this data report ERROR for it, never PASS.</p>\n");
    if !r.regions_skipped.is_empty() {
        let _ = write!(
            h,
            "<h3>Regions skipped ({})</h3>\n<table class=\"gap-table\"><thead><tr>\
             <th scope=\"col\">Region</th><th scope=\"col\">Reason</th></tr></thead><tbody>\n",
            r.regions_skipped.len()
        );
        let mut skipped: Vec<_> = r.regions_skipped.iter().collect();
        skipped.sort_by(|a, b| a.region.cmp(&b.region));
        for s in skipped {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                esc(&s.region),
                esc(&s.reason)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    if !r.collection_errors.is_empty() {
        // One row per failing call and error, with the regions it failed in.
        let mut groups: BTreeMap<(&str, &str, &str, &str), Vec<&str>> = BTreeMap::new();
        for e in &r.collection_errors {
            groups
                .entry((&e.service, &e.gap.api, &e.gap.code, &e.gap.message))
                .or_default()
                .push(&e.region);
        }
        let _ = write!(
            h,
            "<h3>API calls that failed ({})</h3>\n<table class=\"gap-table\"><thead><tr>\
             <th scope=\"col\">Service</th><th scope=\"col\">API</th><th scope=\"col\">Code</th>\
             <th scope=\"col\">Regions</th><th scope=\"col\">Message</th></tr></thead><tbody>\n",
            r.collection_errors.len()
        );
        for ((service, api, code, message), mut regions) in groups {
            regions.sort_unstable();
            regions.dedup();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td>\
                 <td>{}</td></tr>",
                esc(service),
                esc(api),
                esc(code),
                esc(&regions.join(", ")),
                esc(message)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");
}

fn resolved(h: &mut String, r: &ScanReport) {
    if r.resolved.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section class=\"resolved\" aria-labelledby=\"resolved-h\">\n\
         <h2 id=\"resolved-h\">Resolved since the baseline ({})</h2>\n<details><summary>Findings \
         that failed in the baseline and pass or are gone now</summary>\n\
         <table class=\"gap-table\"><thead><tr><th scope=\"col\">Check</th>\
         <th scope=\"col\">Region</th><th scope=\"col\">Resource</th></tr></thead><tbody>\n",
        thousands(r.resolved.len() as u64)
    );
    for f in &r.resolved {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"mono\">{}</td></tr>",
            esc(&f.check_id),
            esc(&f.region),
            esc(&f.resource)
        );
    }
    h.push_str("</tbody></table>\n</details>\n</section>\n");
}

#[cfg(test)]
mod tests;
