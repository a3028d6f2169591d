//! `.rampart/secrets.yaml` in tree and history scans (issue 13): team detectors found,
//! allowed patterns applied, bad files named with file:line:col.

mod fixtures;

use std::path::Path;

use fixtures::*;
use rampart_codescan::{load_repo_config, scan_history, scan_tree, Error, ScanOptions};
use rampart_secrets::{Engine, RepoSecretsConfig};

const CONFIG: &str = r#"detectors:
  - id: acme-api-key
    name: ACME API key
    severity: high
    pattern: '\b(acme_[a-z0-9]{24})\b'
    keywords: [acme_]
    examples: ['ACME_KEY=acme_k3j9x2m7q8w4e5r6t1y0u2i3']
allowed:
  - pattern: 'fixtures/fake-keys'
    reason: test keys, never live
"#;

/// A team key, made for this test.
const ACME_KEY: &str = "acme_q1w2e3r4t5y6u7i8o9p0a1s2";

fn write(root: &Path, path: &str, content: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn ids(report: &rampart_codescan::Report) -> Vec<(String, String)> {
    let mut ids: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            let name = Path::new(&f.path).file_name().unwrap();
            (name.to_string_lossy().into_owned(), f.detector_id.clone())
        })
        .collect();
    ids.sort();
    ids
}

// Issue 13: the team's detector finds its secrets in a tree scan, the builtin detectors
// keep working, and a line the allowed pattern names is not reported; the config file's
// own examples are not findings.
#[test]
fn tree_scan_applies_the_repository_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".rampart/secrets.yaml", CONFIG);
    write(root, "app.env", &format!("ACME_KEY={ACME_KEY}\n"));
    write(root, "gh.env", &format!("GITHUB_TOKEN={GITHUB_TOKEN}\n"));
    write(
        root,
        "test.py",
        &format!("KEY = '{AWS_KEY_ID}'  # fixtures/fake-keys\n"),
    );
    assert_detected(&format!("KEY = '{AWS_KEY_ID}'\n"), AWS_KEY_ID);

    let config = load_repo_config(root).unwrap().expect("the file is there");
    let report = scan_tree(config.engine(), &[root.to_owned()], &ScanOptions::default()).unwrap();
    assert_eq!(
        ids(&report),
        [
            ("app.env".to_string(), "acme-api-key".to_string()),
            ("gh.env".to_string(), "github-token".to_string()),
        ]
    );
    let text = rampart_codescan::render_text(&report, false);
    assert!(!text.contains(ACME_KEY), "the team's secret is redacted");

    // Without the configuration: no team detector, and the allowed line is reported.
    let report = scan_tree(
        Engine::builtin(),
        &[root.to_owned()],
        &ScanOptions::default(),
    )
    .unwrap();
    assert_eq!(
        ids(&report),
        [
            ("gh.env".to_string(), "github-token".to_string()),
            ("test.py".to_string(), "aws-access-key-id".to_string()),
        ]
    );
}

// Issue 13: the same engine in a history scan.
#[test]
fn history_scan_applies_the_repository_config() {
    let dir = tempfile::tempdir().unwrap();
    let mut repo = Repo::init(dir.path());
    repo.commit(
        &[
            (".rampart/secrets.yaml", Some(CONFIG.as_bytes())),
            ("app.env", Some(format!("ACME_KEY={ACME_KEY}\n").as_bytes())),
            (
                "test.py",
                Some(format!("KEY = '{AWS_KEY_ID}'  # fixtures/fake-keys\n").as_bytes()),
            ),
        ],
        "Ann Author",
        "ann@example.com",
    );
    // The key leaves the working tree but stays in history.
    repo.commit(&[("app.env", None)], "Ann Author", "ann@example.com");
    let config = load_repo_config(dir.path()).unwrap().expect("config");
    let report = scan_history(config.engine(), dir.path(), &ScanOptions::default()).unwrap();
    assert_eq!(
        ids(&report),
        [("app.env".to_string(), "acme-api-key".to_string())]
    );
}

// Issue 13: no file is no configuration; a bad one is named with file:line:col.
#[test]
fn missing_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert!(load_repo_config(root).unwrap().is_none());

    write(root, ".rampart/secrets.yaml", "detectors:\n  - id: [\n");
    let e = load_repo_config(root).unwrap_err();
    let Error::RepoConfig {
        path, line, column, ..
    } = &e
    else {
        panic!("{e:?}");
    };
    assert!(path.ends_with(".rampart/secrets.yaml"));
    assert!(line.is_some() && column.is_some(), "{e}");
    let shown = e.to_string();
    let prefix = format!("{}:{}:{}: ", path.display(), line.unwrap(), column.unwrap());
    assert!(shown.starts_with(&prefix), "{shown}");

    // A failing example: the detector and the example, at the example's place.
    write(
        root,
        ".rampart/secrets.yaml",
        &CONFIG.replace("acme_k3j9x2m7q8w4e5r6t1y0u2i3", "acme_TOO_SHORT"),
    );
    let e = load_repo_config(root).unwrap_err().to_string();
    assert!(
        e.contains(".rampart/secrets.yaml:7:16: detector `acme-api-key`, field `examples[0]`"),
        "{e}"
    );

    // A builtin id.
    write(
        root,
        ".rampart/secrets.yaml",
        &CONFIG.replace("acme-api-key", "github-token"),
    );
    let e = load_repo_config(root).unwrap_err().to_string();
    assert!(
        e.contains(":2:9: detector `github-token`, field `id`"),
        "{e}"
    );

    // Not a file, and not UTF-8.
    std::fs::remove_file(root.join(".rampart/secrets.yaml")).unwrap();
    std::fs::create_dir(root.join(".rampart/secrets.yaml")).unwrap();
    assert!(load_repo_config(root)
        .unwrap_err()
        .to_string()
        .contains("cannot read"));
    std::fs::remove_dir(root.join(".rampart/secrets.yaml")).unwrap();
    std::fs::write(root.join(".rampart/secrets.yaml"), b"allowed: ['\xff']\n").unwrap();
    assert!(load_repo_config(root)
        .unwrap_err()
        .to_string()
        .contains("not UTF-8"));
}

// The engine of an empty configuration is the builtin one, detector for detector.
#[test]
fn empty_config_scans_like_the_builtin_engine() {
    let config = RepoSecretsConfig::parse("# nothing yet\n").unwrap();
    let ids = |e: &Engine| {
        e.detectors()
            .iter()
            .map(|d| d.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(config.engine()), ids(Engine::builtin()));
}
