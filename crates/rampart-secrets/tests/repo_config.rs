//! `.rampart/secrets.yaml` (issue 13): team detectors in the shape of `detectors.yaml`,
//! their examples checked, and allowed patterns; every refusal placed at its line and
//! column.

use rampart_secrets::{Engine, RepoConfigError, RepoSecretsConfig};

const TEAM: &str = r#"# ACME's patterns
detectors:
  - id: acme-api-key
    name: ACME API key
    severity: high
    pattern: '\b(acme_[a-z0-9]{24})\b'
    keywords: [acme_]
    examples:
      - 'ACME_KEY=acme_k3j9x2m7q8w4e5r6t1y0u2i3'
    negative_examples:
      - 'acme_short'
allowed:
  - 'AKIA[A-Z2-7]{12}TEST'
  - pattern: 'fixtures/fake'
    reason: test keys, never live
"#;

fn refused(text: &str) -> RepoConfigError {
    match RepoSecretsConfig::parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

// Issue 13: a team detector scans like a builtin one, and the builtin ones still run.
#[test]
fn team_detectors_join_the_builtin_ones() {
    let config = RepoSecretsConfig::parse(TEAM).expect("valid");
    assert_eq!(config.custom_detectors().len(), 1);
    assert_eq!(config.custom_detectors()[0].id, "acme-api-key");
    assert_eq!(
        config.engine().detectors().len(),
        Engine::builtin().detectors().len() + 1
    );
    let found = config
        .engine()
        .scan(b"key = acme_q1w2e3r4t5y6u7i8o9p0a1s2\nGITHUB_TOKEN=ghp_jI6GKFSufrdZSlB5er8bOfZqfM2oeq3hDavJ\n");
    let ids: Vec<&str> = found.iter().map(|m| m.detector_id.as_str()).collect();
    assert_eq!(ids, ["acme-api-key", "github-token"]);
    // The examples live in the config file and are fake by contract: not reported.
    assert!(config
        .engine()
        .scan(b"ACME_KEY=acme_k3j9x2m7q8w4e5r6t1y0u2i3\n")
        .is_empty());
    assert_eq!(config.allowed().len(), 2);
    assert_eq!(
        config.allowed()[1].reason.as_deref(),
        Some("test keys, never live")
    );
}

// Issue 13: an allowed pattern suppresses a match when it matches the secret or the line
// that holds it, and nothing else.
#[test]
fn allowed_patterns_match_the_secret_or_its_line() {
    let config = RepoSecretsConfig::parse(TEAM).expect("valid");
    let scan = |text: &str| config.engine().scan(text.as_bytes()).len();
    // Same key shapes, with and without the allowed text.
    assert_eq!(scan("aws_access_key_id = AKIAUJZDEGXDNCF3TEST\n"), 0);
    assert_eq!(scan("aws_access_key_id = AKIAUJZDEGXDNCF32EPF\n"), 1);
    assert_eq!(scan("key_id = AKIAUJZDEGXDNCF32EPF # fixtures/fake\n"), 0);
    assert_eq!(
        scan("# fixtures/fake\nkey_id = AKIAUJZDEGXDNCF32EPF\n"),
        1,
        "the allowed text is on another line"
    );
    // The builtin engine has no allowed patterns.
    assert_eq!(
        Engine::builtin()
            .scan(b"aws_access_key_id = AKIAUJZDEGXDNCF3TEST\n")
            .len(),
        1
    );
}

// Issue 13: malformed YAML and unknown keys are placed at their line and column.
#[test]
fn malformed_yaml_gives_line_and_column() {
    let e = refused("detectors:\n  - id: x\n    name: [unclosed\n");
    assert!(e.line >= 3, "{e}");
    let e = refused(&TEAM.replace("    severity: high", "    severity: high\n    sevrity: low"));
    assert_eq!((e.line, e.column), (6, 5), "{e}");
    assert!(e.message.contains("sevrity"), "{e}");
    let e = refused("allowed:\n  - pattern: 'x'\n    because: no\n");
    assert!(e.message.contains("because"), "{e}");
    assert_eq!((e.line, e.column), (3, 5), "{e}");
}

// Issue 13: a team detector that misses one of its examples, or reports one of its
// negative examples, is refused, naming the detector and the example, at its place.
#[test]
fn failing_examples_are_named_and_placed() {
    let e = refused(&TEAM.replace(
        "      - 'ACME_KEY=acme_k3j9x2m7q8w4e5r6t1y0u2i3'",
        "      - 'ACME_KEY=acme_k3j9x2m7q8w4e5r6t1y0u2i3'\n      - 'ACME_KEY=acme_TOO_SHORT'",
    ));
    assert_eq!((e.line, e.column), (10, 9), "{e}");
    assert!(
        e.message
            .starts_with("detector `acme-api-key`, field `examples[1]`: "),
        "{e}"
    );
    let e = refused(&TEAM.replace(
        "      - 'acme_short'",
        "      - 'acme_short'\n      - 'acme_a1b2c3d4e5f6g7h8i9j0k1l2'",
    ));
    assert_eq!(e.line, 12, "{e}");
    assert!(
        e.message.starts_with(
            "detector `acme-api-key`, field `negative_examples[1]`: reported by `acme-api-key`"
        ),
        "{e}"
    );
    // An example an allowed pattern hides is refused too: the file contradicts itself.
    let e = refused(&TEAM.replace("  - 'AKIA[A-Z2-7]{12}TEST'", "  - 'k3j9x2m7'"));
    assert!(
        e.message.contains("examples[0]") && e.message.contains("allowed"),
        "{e}"
    );
    assert_eq!(e.line, 9, "{e}");
}

// Issue 13: custom ids must not clash with builtin ids, nor with each other.
#[test]
fn ids_must_not_clash() {
    let e = refused(&TEAM.replace("id: acme-api-key", "id: generic-password"));
    assert_eq!((e.line, e.column), (3, 9), "{e}");
    assert!(e.message.contains("builtin"), "{e}");
    let twice = TEAM.replace(
        "allowed:",
        "  - id: acme-api-key\n    name: again\n    severity: low\n    pattern: '(acme_x)'\n    keywords: [acme_x]\n    examples: ['acme_x']\nallowed:",
    );
    let e = refused(&twice);
    assert_eq!((e.line, e.column), (12, 9), "{e}");
    assert!(e.message.contains("duplicate id"), "{e}");
}

// Issue 13: invalid regexes, in a detector or an allowed entry, are placed; a pattern that
// allows everything is refused.
#[test]
fn invalid_patterns_are_placed() {
    let e = refused(&TEAM.replace(r"'\b(acme_[a-z0-9]{24})\b'", "'(acme_[a-z'"));
    assert_eq!((e.line, e.column), (6, 14), "{e}");
    assert!(e.message.contains("field `pattern`"), "{e}");
    let e = refused(&TEAM.replace("  - 'AKIA[A-Z2-7]{12}TEST'", "  - 'AKIA(['"));
    assert_eq!((e.line, e.column), (13, 5), "{e}");
    assert!(e.message.starts_with("allowed[0]"), "{e}");
    assert!(!e.message.contains('\n'), "one line: {e}");
    let e = refused(&TEAM.replace("pattern: 'fixtures/fake'", "pattern: '.*'"));
    assert_eq!((e.line, e.column), (14, 14), "{e}");
    assert!(e.message.contains("every finding"), "{e}");
}

// An empty or comment-only file is an empty configuration: the builtin detectors only.
#[test]
fn empty_file_is_an_empty_configuration() {
    for text in ["", "# nothing yet\n", "detectors: []\nallowed: []\n"] {
        let config = RepoSecretsConfig::parse(text).expect("valid");
        assert!(config.custom_detectors().is_empty() && config.allowed().is_empty());
        assert_eq!(
            config.engine().detectors().len(),
            Engine::builtin().detectors().len()
        );
    }
}
