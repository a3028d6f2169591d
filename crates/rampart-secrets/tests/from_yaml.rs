//! `Engine::from_yaml` on user-written detectors: a valid file works, and each kind of
//! mistake is refused with an error that names the detector and the field.

use rampart_secrets::{DetectorError, Engine, Severity};

const VALID: &str = r#"
detectors:
  - id: demo-token
    name: Demo token
    severity: high
    pattern: '\b(demo_[a-z0-9]{12})\b'
    keywords: [DEMO_]
    entropy_min: 2.5
    examples: ['t = demo_a1b2c3d4e5f6', 'demo_9z8y7x6w5v4u']
    negative_examples: ['demo_short', 'demo_aaaaaaaaaaaa']
"#;

/// `VALID` with one line replaced (or removed when `to` is empty).
fn with(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from:?} not in the template");
    VALID.replace(from, to)
}

fn error(text: &str) -> DetectorError {
    match Engine::from_yaml(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

fn assert_invalid(text: &str, detector: &str, field: &str, reason_has: &str) {
    match error(text) {
        DetectorError::Invalid {
            detector: d,
            field: f,
            reason,
        } => {
            assert_eq!(
                (d.as_str(), f.as_str()),
                (detector, field),
                "reason: {reason}"
            );
            assert!(
                reason.contains(reason_has),
                "{reason:?} lacks {reason_has:?}"
            );
        }
        other => panic!("expected Invalid for {detector}.{field}, got {other:?}"),
    }
}

// Practice: user detectors load from the same YAML format and scan like builtin ones.
#[test]
fn valid_detectors_load_and_scan() {
    let engine = Engine::from_yaml(VALID).expect("valid");
    assert_eq!(engine.detectors().len(), 1);
    let d = &engine.detectors()[0];
    assert_eq!((d.id.as_str(), d.severity), ("demo-token", Severity::High));
    let found = engine.scan(b"x\nkey: DEMO_ZZ demo_q1w2e3r4t5y6\n");
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].line, found[0].column), (2, 14));
    assert_eq!(found[0].redacted, "dem…(17 chars)");
}

// Practice: config errors name the file position (cargo-deny) — YAML syntax and unknown
// fields are reported by the parser with line and column.
#[test]
fn yaml_errors_give_the_position() {
    let DetectorError::Yaml(message) = error("detectors: [\n  - id: x\n") else {
        panic!("expected a YAML error");
    };
    assert!(message.contains("line"), "{message}");
    let DetectorError::Yaml(message) =
        error(&with("    entropy_min: 2.5", "    entropy_minimum: 2.5"))
    else {
        panic!("expected a YAML error");
    };
    assert!(
        message.contains("entropy_minimum") && message.contains("line"),
        "{message}"
    );
    assert!(matches!(error("detectors: []"), DetectorError::Yaml(_)));
    assert!(matches!(error("rules: []"), DetectorError::Yaml(_)));
}

// Practice: parse, then validate (cargo-deny) — each field's mistake names detector and field.
#[test]
fn invalid_fields_name_the_detector_and_field() {
    assert_invalid(
        &with("  - id: demo-token\n    name", "  - name"),
        "#1",
        "id",
        "missing",
    );
    assert_invalid(
        &with("id: demo-token", "id: Demo_Token"),
        "#1",
        "id",
        "kebab-case",
    );
    assert_invalid(
        &with("    name: Demo token\n", ""),
        "demo-token",
        "name",
        "missing",
    );
    assert_invalid(
        &with("severity: high", "severity: urgent"),
        "demo-token",
        "severity",
        "urgent",
    );
    assert_invalid(
        &with("    pattern: '\\b(demo_[a-z0-9]{12})\\b'\n", ""),
        "demo-token",
        "pattern",
        "missing",
    );
    assert_invalid(
        &with("(demo_[a-z0-9]{12})", "(demo_[a-z0-9]{12}"),
        "demo-token",
        "pattern",
        "unclosed",
    );
    assert_invalid(
        &with("(demo_[a-z0-9]{12})", "demo_[a-z0-9]{12}"),
        "demo-token",
        "pattern",
        "0 capture groups",
    );
    assert_invalid(
        &with("(demo_[a-z0-9]{12})", "(demo)_([a-z0-9]{12})"),
        "demo-token",
        "pattern",
        "2 capture groups",
    );
    assert_invalid(
        &with("keywords: [DEMO_]", "keywords: []"),
        "demo-token",
        "keywords",
        "empty",
    );
    assert_invalid(
        &with("    keywords: [DEMO_]\n", ""),
        "demo-token",
        "keywords",
        "missing",
    );
    assert_invalid(
        &with("keywords: [DEMO_]", "keywords: [DEMO_, '']"),
        "demo-token",
        "keywords[1]",
        "non-empty",
    );
    assert_invalid(
        &with("entropy_min: 2.5", "entropy_min: 9"),
        "demo-token",
        "entropy_min",
        "outside",
    );
    assert_invalid(
        &with("entropy_min: 2.5", "reach: 0"),
        "demo-token",
        "reach",
        "outside",
    );
    assert_invalid(
        &with(
            "    examples: ['t = demo_a1b2c3d4e5f6', 'demo_9z8y7x6w5v4u']\n",
            "",
        ),
        "demo-token",
        "examples",
        "missing",
    );
}

// Practice: examples and negative examples are run through the engine when loading.
#[test]
fn examples_are_checked_through_the_engine() {
    assert_invalid(
        &with("'demo_9z8y7x6w5v4u'", "'demo_9z8y7x6w5v4'"),
        "demo-token",
        "examples[1]",
        "pattern does not match",
    );
    assert_invalid(
        &with("'demo_9z8y7x6w5v4u'", "'other text'"),
        "demo-token",
        "examples[1]",
        "none of the keywords",
    );
    assert_invalid(
        &with("'demo_9z8y7x6w5v4u'", "'demo_aaaaaaaaaaab'"),
        "demo-token",
        "examples[1]",
        "noise",
    );
    assert_invalid(
        &with("'demo_short'", "'demo_q1w2e3r4t5y6'"),
        "demo-token",
        "negative_examples[0]",
        "reported by `demo-token` as dem…(17 chars)",
    );
}

// Practice: ids are stable and unique across the registry (ruff's registry tests).
#[test]
fn duplicate_ids_are_refused() {
    let body = VALID
        .trim_start()
        .strip_prefix("detectors:\n")
        .expect("template shape");
    let twice = format!("detectors:\n{body}{body}");
    assert_invalid(&twice, "demo-token", "id", "duplicate");
}

// Practice: when two detectors overlap, the one listed first wins (precedence is data).
#[test]
fn earlier_detector_wins_an_overlap_and_errors_say_so() {
    let generic = r#"
  - id: demo-generic
    name: Any demo_ value
    severity: low
    pattern: '(demo_[a-z0-9]{12,})'
    keywords: [demo_]
    entropy_min: 2.5
    examples: ['demo_abcdefghijklmn']
"#;
    let text = format!("{VALID}{generic}");
    let engine = Engine::from_yaml(&text).expect("valid");
    let found = engine.scan(b"demo_q1w2e3r4t5y6 demo_abcdefghijklmn");
    let ids: Vec<&str> = found.iter().map(|m| m.detector_id.as_str()).collect();
    assert_eq!(ids, vec!["demo-token", "demo-generic"]);
    // Listed the other way round, the generic detector takes the specific one's example.
    let reversed = format!(
        "detectors:{generic}{}",
        VALID
            .trim_start()
            .strip_prefix("detectors:")
            .expect("shape")
    );
    assert_invalid(
        &reversed,
        "demo-token",
        "examples[0]",
        "reported by `demo-generic`",
    );
}

const GATED: &str = r#"
detectors:
  - id: hex-token
    name: Hex token next to the word token
    severity: low
    pattern: '\b([a-f0-9]{32})\b'
    keywords: [token]
    examples: ['token = 9f86d081884c7d659a2feaa0c55ad015']
    negative_examples: ['digest = 9f86d081884c7d659a2feaa0c55ad015']
"#;

// Practice: keywords gate detectors (Nosey Parker-style prefilter) — a match is reported
// only on a line that holds one of its detector's keywords, even when the engine merges
// nearby windows into one regex search for speed.
#[test]
fn matches_need_a_keyword_on_their_line() {
    let engine = Engine::from_yaml(GATED).expect("valid");
    let text = b"digest = 0123456789abcdef0123456789abcdef\n\
        token = 9f86d081884c7d659a2feaa0c55ad015\n\
        digest = fedcba9876543210fedcba9876543210\n\
        TOKEN: a1b2c3d4e5f60718293a4b5c6d7e8f90\n\
        digest = 00112233445566778899aabbccddeeff\n";
    let lines: Vec<u32> = engine.scan(text).iter().map(|m| m.line).collect();
    assert_eq!(lines, vec![2, 4]);
}

// Practice: without `reach`, a match stays on one line, so results do not depend on how
// the engine groups lines.
#[test]
fn matches_without_reach_stay_on_one_line() {
    let yaml = GATED.replace(r"'\b([a-f0-9]{32})\b'", r"'token\s*=\s*([a-f0-9]{32})\b'");
    let engine = Engine::from_yaml(&yaml).expect("valid");
    assert_eq!(
        engine.scan(b"token =\n9f86d081884c7d659a2feaa0c55ad015\n"),
        vec![]
    );
    assert_eq!(
        engine
            .scan(b"token = 9f86d081884c7d659a2feaa0c55ad015\n")
            .len(),
        1
    );
}
