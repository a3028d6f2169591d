//! Registry-wide tests over the builtin detectors: every example is reported with the
//! right redaction and fingerprint and never leaks, every negative example is silent.

use rampart_secrets::{fingerprint, Detector, Engine, Match, AWS_ACCESS_KEY_ID};
use regex::bytes::RegexBuilder;

/// The secret the detector's own pattern captures first in `text`, and where.
fn expected_secret(detector: &Detector, text: &str) -> (usize, Vec<u8>) {
    let regex = RegexBuilder::new(&detector.pattern)
        .unicode(false)
        .build()
        .expect("builtin patterns compile");
    let captures = regex
        .captures(text.as_bytes())
        .unwrap_or_else(|| panic!("{}: pattern does not match {text:?}", detector.id));
    let secret = captures.get(1).expect("the capture group takes part");
    (secret.start(), secret.as_bytes().to_vec())
}

fn assert_redaction_shape(m: &Match, secret: &[u8]) {
    let text = std::str::from_utf8(secret).expect("example secrets are UTF-8");
    if m.detector_id == AWS_ACCESS_KEY_ID {
        let shape = regex::Regex::new(r"^(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])\*{12}[A-Z2-7]{4}$")
            .expect("valid");
        assert!(
            shape.is_match(&m.redacted),
            "{}: {}",
            m.detector_id,
            m.redacted
        );
        assert_eq!(&m.redacted[..4], &text[..4]);
        assert_eq!(&m.redacted[16..], &text[16..]);
    } else {
        let (shown, rest) = m
            .redacted
            .split_once('…')
            .unwrap_or_else(|| panic!("{}: no ellipsis in {}", m.detector_id, m.redacted));
        assert!(shown.len() <= 4, "{}: shows {shown:?}", m.detector_id);
        assert!(text.starts_with(shown));
        assert_eq!(rest, format!("({} chars)", text.chars().count()));
    }
}

/// No field, nor the Debug or JSON form, may hold the full secret.
fn assert_does_not_leak(m: &Match, secret: &[u8]) {
    let secret = String::from_utf8_lossy(secret);
    let debug = format!("{m:?}");
    let json = serde_json::to_string(m).expect("serialisable");
    for (what, text) in [
        ("detector_id", m.detector_id.as_str()),
        ("detector_name", m.detector_name.as_str()),
        ("redacted", m.redacted.as_str()),
        ("fingerprint", m.fingerprint.as_str()),
        ("Debug", debug.as_str()),
        ("JSON", json.as_str()),
    ] {
        assert!(
            !text.contains(secret.as_ref()),
            "{}: {what} leaks the secret",
            m.detector_id
        );
    }
}

// Practice: detectors as data with examples that a test runs through the engine
// (Nosey Parker); a match is redacted and fingerprinted over the full secret only.
#[test]
fn every_example_is_reported_redacted_and_fingerprinted() {
    let engine = Engine::builtin();
    let mut checked = 0;
    for detector in engine.detectors() {
        for example in &detector.examples {
            let (offset, secret) = expected_secret(detector, example);
            let found = engine.scan(example.as_bytes());
            let m = found
                .iter()
                .find(|m| m.detector_id == detector.id)
                .unwrap_or_else(|| panic!("{}: not reported in {example:?}", detector.id));
            assert_eq!(
                found.len(),
                1,
                "{}: extra matches in {example:?}: {found:?}",
                detector.id
            );
            assert_eq!(m.detector_name, detector.name);
            assert_eq!(m.severity, detector.severity);
            assert_eq!(
                m.byte_offset, offset,
                "{}: offset in {example:?}",
                detector.id
            );
            assert_eq!(m.fingerprint, fingerprint(&secret), "{}", detector.id);
            assert_eq!(m.fingerprint.len(), 64);
            assert_redaction_shape(m, &secret);
            assert_does_not_leak(m, &secret);
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} examples");
}

// Practice: negative examples (Nosey Parker) — no builtin detector reports them.
#[test]
fn no_negative_example_is_reported() {
    let engine = Engine::builtin();
    let mut checked = 0;
    for detector in engine.detectors() {
        for example in &detector.negative_examples {
            let found = engine.scan(example.as_bytes());
            assert!(
                found.is_empty(),
                "{}: {example:?} reported: {found:?}",
                detector.id
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} negative examples");
}

// Practice: one registry that holds every detector the collector and `rampart secrets`
// rely on, each with examples both ways.
#[test]
fn builtin_set_covers_the_required_secrets() {
    let ids: Vec<&str> = Engine::builtin()
        .detectors()
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    for id in [
        AWS_ACCESS_KEY_ID,
        "aws-secret-access-key",
        "aws-session-token",
        "private-key",
        "github-token",
        "gitlab-token",
        "slack-token",
        "slack-webhook-url",
        "stripe-secret-key",
        "google-api-key",
        "json-web-token",
        "database-url-password",
        "generic-password",
    ] {
        assert!(ids.contains(&id), "missing detector {id}");
    }
    for d in Engine::builtin().detectors() {
        assert!(
            !d.negative_examples.is_empty(),
            "{} has no negative example",
            d.id
        );
    }
    // Generic detectors come last so that specific ones win overlaps.
    assert_eq!(ids.last(), Some(&"generic-password"));
}

// Practice: the builtin set is compiled once and shared.
#[test]
fn builtin_is_compiled_once() {
    assert!(std::ptr::eq(Engine::builtin(), Engine::builtin()));
}
