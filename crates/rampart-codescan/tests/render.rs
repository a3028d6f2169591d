//! Reports in every format (issue 5: "Output: terminal, JSON, SARIF ... Secrets are never
//! printed in full, anywhere"): SARIF checked structurally as GitHub code scanning reads
//! it, and no format holding any planted secret.

mod fixtures;

use fixtures::*;
use rampart_codescan::{
    render_json, render_sarif, render_text, scan_history, scan_tree, Baseline, LiveKeys, Report,
    ScanError, ScanOptions,
};
use rampart_secrets::Engine;
use serde_json::Value;

/// A working tree and a history holding every planted secret, the AWS key id checked
/// against an account that owns it.
fn report_with_everything() -> (Report, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        format!("aws_access_key_id = {AWS_KEY_ID}"),
        format!("aws_secret_access_key = {AWS_SECRET}"),
        format!("GITHUB_TOKEN={GITHUB_TOKEN}"),
        format!("stripe_key = \"{STRIPE_KEY}\""),
    ];
    for (line, secret) in lines.iter().zip(ALL) {
        assert_detected(line, secret);
    }
    let text = lines.join("\n") + "\n";
    std::fs::write(dir.path().join("settings file.env"), &text).unwrap();
    let mut repo = Repo::init(dir.path());
    repo.commit(
        &[("old/creds.txt", Some(text.as_bytes()))],
        "Ann Author",
        "ann@example.com",
    );
    repo.commit(&[("old/creds.txt", None)], "Ann Author", "ann@example.com");

    let opts = ScanOptions::default();
    let mut report = scan_tree(Engine::builtin(), &[dir.path().to_owned()], &opts).unwrap();
    report.merge(scan_history(Engine::builtin(), dir.path(), &opts).unwrap());
    let mut keys = LiveKeys::new("123456789012");
    keys.add("deploy-bot", AWS_KEY_ID, true);
    keys.apply(&mut report);
    // 4 secrets in the working tree file, 4 in the deleted file of history.
    assert_eq!(report.findings.len(), 8, "{:#?}", report.findings);
    (report, dir)
}

// Issue 5: no output format shows any planted secret in full, the live-key verdict and
// its fix command included.
#[test]
fn no_format_leaks_a_secret() {
    let (report, _dir) = report_with_everything();
    let detectors = Engine::builtin().detectors();
    let text = render_text(&report, false);
    let colored = render_text(&report, true);
    let json = render_json(&report);
    let sarif = render_sarif(&report, detectors);
    for (what, out) in [
        ("text", &text),
        ("colored text", &colored),
        ("JSON", &json),
        ("SARIF", &sarif),
    ] {
        assert_no_secret_in(what, out);
        assert!(
            out.contains("AKIA************CWLD"),
            "{what} shows the redacted id"
        );
    }
    assert!(
        text.contains("ACTIVE access key of IAM user deploy-bot"),
        "{text}"
    );
    assert!(text.contains(
        "fix: aws iam update-access-key --user-name deploy-bot --access-key-id AKIA************CWLD --status Inactive"
    ));
    assert!(text.contains("by Ann Author <ann@example.com>"), "{text}");
    assert!(text.starts_with("CRITICAL"), "most severe first: {text}");
}

// Issue 5 (SARIF for GitHub code scanning): version 2.1.0, one rule per detector, each
// result with a known ruleId, a level, a message, a location with uri and startLine, and
// a partial fingerprint.
#[test]
fn sarif_is_structurally_valid() {
    let (report, _dir) = report_with_everything();
    let detectors = Engine::builtin().detectors();
    let sarif: Value = serde_json::from_str(&render_sarif(&report, detectors)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rampart");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), detectors.len());
    for rule in rules {
        assert!(rule["id"].is_string() && rule["shortDescription"]["text"].is_string());
        let sev: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for r in results {
        let rule_id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule_id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.is_empty() && !uri.contains(' '), "{uri}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert!(r["partialFingerprints"]["rampartSecret/v1"].is_string());
    }
    // The working-tree file with a space in its name, and the deleted file with its commit.
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("settings%20file.env")
    ));
    let old = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "old/creds.txt"
        })
        .unwrap();
    assert_eq!(old["properties"]["author"], "Ann Author <ann@example.com>");
    // The live key is critical, so an error.
    let live = results
        .iter()
        .find(|r| r["properties"]["awsKey"]["state"] == "active")
        .unwrap();
    assert_eq!(live["level"], "error");
    assert_eq!(live["properties"]["severity"], "critical");
}

// Issue 5 (--baseline): a JSON report read back as a baseline accepts every finding in it;
// a new secret is still reported.
#[test]
fn json_report_is_a_baseline() {
    let (report, dir) = report_with_everything();
    let path = dir.path().join("baseline.json");
    std::fs::write(&path, render_json(&report)).unwrap();
    let baseline = Baseline::load(&path).unwrap();
    assert_eq!(baseline.len(), report.findings.len());

    let mut again = report.clone();
    again.apply_baseline(&baseline);
    assert!(again.findings.is_empty());
    assert_eq!(again.baselined, 8);
    let json: Value = serde_json::from_str(&render_json(&again)).unwrap();
    assert_eq!(json["baselined"], 8);
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);

    let line = "GITLAB_TOKEN=glpat-Zq8Lm2Vt9Kw4Rs7Nc1Bf\n";
    std::fs::write(dir.path().join("new.env"), line).unwrap();
    let mut fresh = scan_tree(
        Engine::builtin(),
        &[dir.path().to_owned()],
        &ScanOptions::default(),
    )
    .unwrap();
    fresh.apply_baseline(&baseline);
    let ids: Vec<&str> = fresh
        .findings
        .iter()
        .map(|f| f.detector_id.as_str())
        .collect();
    assert_eq!(ids, vec!["gitlab-token"]);
}

/// Control characters in `text` other than the newlines that end its lines, with the
/// colour sequences rampart writes itself taken out first.
fn raw_controls(text: &str) -> Vec<char> {
    let mut text = text.to_string();
    for code in ["1;31", "31", "33", "36", "0"] {
        text = text.replace(&format!("\x1b[{code}m"), "");
    }
    text.chars()
        .filter(|&c| c != '\n' && rampart_output::is_unsafe_char(c))
        .collect()
}

// Issue 9, defect 1: file names, paths in history, authors and e-mails that hold terminal
// escapes (title change, clear screen) or a newline are shown escaped by the text report,
// never sent raw to the terminal, and cannot forge a line of it; JSON and SARIF keep the
// names exact, in their own escaping.
#[test]
fn hostile_names_are_escaped_in_text_and_exact_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("GITHUB_TOKEN={GITHUB_TOKEN}\n");
    let title = "x\u{1b}]0;pwned\u{7}.env";
    let forged = "a.env\nCRITICAL  forged.env:1:1  all clear";
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    for name in [title, forged] {
        std::fs::write(tree.join(name), &line).unwrap();
    }
    let history = dir.path().join("history");
    std::fs::create_dir(&history).unwrap();
    let mut repo = Repo::init(&history);
    let cleared = "clear\u{1b}[2J\nme.env";
    repo.commit(
        &[(cleared, Some(line.as_bytes()))],
        "Eve\u{1b}]0;pwned",
        "eve\u{1b}[8m@example.com",
    );
    let opts = ScanOptions::default();
    let mut report = scan_tree(Engine::builtin(), std::slice::from_ref(&tree), &opts).unwrap();
    report.merge(scan_history(Engine::builtin(), &history, &opts).unwrap());
    report.errors.push(ScanError {
        path: "dir\u{1b}[8m\u{202e}".into(),
        message: "Permission denied\nFAKE".into(),
    });
    assert_eq!(report.findings.len(), 3, "{:#?}", report.findings);

    for color in [false, true] {
        let text = render_text(&report, color);
        assert_eq!(raw_controls(&text), [], "{text}");
        assert!(text.contains("x\\x1b]0;pwned\\x07.env:1:1"), "{text}");
        assert!(
            text.contains("a.env\\nCRITICAL  forged.env:1:1  all clear:1:1"),
            "{text}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("CRITICAL  forged.env")),
            "{text}"
        );
        assert!(text.contains("clear\\x1b[2J\\nme.env:1:1"), "{text}");
        assert!(
            text.contains("by Eve\\x1b]0;pwned <eve\\x1b[8m@example.com>"),
            "{text}"
        );
        assert!(
            text.contains("dir\\x1b[8m\\u{202e}: Permission denied\\nFAKE"),
            "{text}"
        );
    }

    // JSON keeps every name as it is.
    let json: Value = serde_json::from_str(&render_json(&report)).unwrap();
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for name in [title, forged] {
        let shown = format!("{}/{name}", tree.display());
        assert!(paths.contains(&shown.as_str()), "{shown:?} in {paths:?}");
    }
    assert!(paths.contains(&cleared), "{paths:?}");
    let author = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| f["commit"]["author"].as_str())
        .unwrap();
    assert_eq!(author, "Eve\u{1b}]0;pwned");
    assert_eq!(json["errors"][0]["path"], "dir\u{1b}[8m\u{202e}");
}
