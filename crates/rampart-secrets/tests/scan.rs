//! Behaviour of `Engine::scan` on realistic input: noise control, positions, several
//! secrets, buffer edges, binary input, and the prefilter's windows.

use rampart_secrets::{fingerprint, Engine, Match, AWS_ACCESS_KEY_ID};

const KEY_ID: &str = "AKIAUJZDEGXDNCF32EPF";
const SECRET_KEY: &str = "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";
const GITHUB: &str = "ghp_jI6GKFSufrdZSlB5er8bOfZqfM2oeq3hDavJ";
const STRIPE: &str = "sk_live_fL9H2WjQ5TY4MyWuUFjsUNPj";

fn scan(text: &str) -> Vec<Match> {
    Engine::builtin().scan(text.as_bytes())
}

fn ids(matches: &[Match]) -> Vec<&str> {
    matches.iter().map(|m| m.detector_id.as_str()).collect()
}

// Practice: AWS's documentation example keys are not reported (noise control).
#[test]
fn aws_documentation_keys_are_not_reported() {
    let credentials = "[default]\n\
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
        export AWS_ACCESS_KEY_ID=AKIAI44QH8DHBEXAMPLE\n\
        export AWS_SECRET_ACCESS_KEY=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n";
    assert_eq!(scan(credentials), vec![]);
    // The same file with real-looking keys is reported, so the silence above is noise
    // control and not a blind detector.
    let live = credentials
        .replace("AKIAIOSFODNN7EXAMPLE", KEY_ID)
        .replace("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SECRET_KEY);
    assert_eq!(
        ids(&scan(&live)),
        vec![AWS_ACCESS_KEY_ID, "aws-secret-access-key"]
    );
}

// Practice: hex SHA-1/SHA-256 digests in secret-looking assignments are not secrets.
#[test]
fn hashes_are_not_secrets() {
    let text = "secret = \"da39a3ee5e6b4b0d3255bfef95601890afd80709\"\n\
        password_value: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
        aws_secret_access_key = 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12\n\
        SECRET_KEY=CF83E1357EEFB8BDF1542850D66D8007D620E4050B5715DC83F4A921D36CE9CE47D0D13C5D85F2B0FF8318D2877EEC2F63B931BD47417A81A538327AF927DA3E\n";
    assert_eq!(scan(text), vec![]);
    // A 40-character value that is not hex is still reported.
    assert_eq!(
        ids(&scan(
            "aws_secret_access_key = 2fd4e1c67a2d28fced849ee1bb76e7391b93eb1Z"
        )),
        vec!["aws-secret-access-key"]
    );
}

// Practice: UUIDs are identifiers, not secrets.
#[test]
fn uuids_are_not_secrets() {
    let text = "secret: 3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c\n\
        client_secret = \"6F9619FF-8B86-D011-B42D-00C04FC964FF\"\n";
    assert_eq!(scan(text), vec![]);
}

// Practice: obvious placeholders (xxxx, <...>, ${...}, changeme, your_..., one repeated
// character) are not reported.
#[test]
fn placeholders_are_not_reported() {
    for line in [
        "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "STRIPE_SECRET_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
        "password = \"<your password>\"",
        "password: ${DB_PASSWORD}",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
        "mysql://root:<password>@localhost/db",
        "db_password = \"changeme\"",
        "db_password = \"changeme-in-prod\"",
        "api_secret = \"your_api_secret\"",
        "password = \"YourPasswordHere\"",
        "password = \"****************\"",
        "aws_secret_access_key = 0000000000000000000000000000000000000000",
        "password: '{{ vault_db_password }}'",
    ] {
        let found = scan(line);
        assert!(found.is_empty(), "{line:?} reported: {found:?}");
    }
}

// Practice: an inline `rampart:allow` comment on the same line suppresses that match and
// no other.
#[test]
fn allow_comment_suppresses_its_line_only() {
    let text = format!(
        "key_a = {KEY_ID}  # rampart:allow\n\
         key_b = ASIA3DHODZDOCIS2JHTL\n\
         token = \"{GITHUB}\" // rampart:allow test fixture\n"
    );
    let found = scan(&text);
    assert_eq!(ids(&found), vec![AWS_ACCESS_KEY_ID]);
    assert_eq!(found[0].line, 2);
    assert_eq!(found[0].redacted, "ASIA************JHTL");
}

// Practice: findings point at the exact place (cargo-deny): 1-based line and byte column
// of the secret's first byte.
#[test]
fn line_and_column_point_at_the_secret() {
    let text = format!(
        "# config\n\
         \n\
         [default]\n\
         aws_access_key_id = {KEY_ID}\n\
         \taws_secret_access_key = {SECRET_KEY}\n\
         {GITHUB}"
    );
    let found = scan(&text);
    let at: Vec<(&str, u32, u32)> = found
        .iter()
        .map(|m| (m.detector_id.as_str(), m.line, m.column))
        .collect();
    assert_eq!(
        at,
        vec![
            (AWS_ACCESS_KEY_ID, 4, 21),
            ("aws-secret-access-key", 5, 26),
            ("github-token", 6, 1),
        ]
    );
    for m in &found {
        assert_eq!(
            text[..m.byte_offset].matches('\n').count() + 1,
            m.line as usize
        );
    }
    assert_eq!(
        &text[found[0].byte_offset..found[0].byte_offset + 20],
        KEY_ID
    );
}

// Practice: several secrets on one line are each reported, in order.
#[test]
fn multiple_secrets_on_one_line() {
    let line = format!(
        "env AWS_ACCESS_KEY_ID={KEY_ID} AWS_SECRET_ACCESS_KEY={SECRET_KEY} GH={GITHUB} S={STRIPE} K2=ASIA3DHODZDOCIS2JHTL"
    );
    let found = scan(&line);
    assert_eq!(
        ids(&found),
        vec![
            AWS_ACCESS_KEY_ID,
            "aws-secret-access-key",
            "github-token",
            "stripe-secret-key",
            AWS_ACCESS_KEY_ID,
        ]
    );
    assert!(found.iter().all(|m| m.line == 1));
    assert!(found.windows(2).all(|w| w[0].column < w[1].column));
    assert_eq!(found[0].fingerprint, fingerprint(KEY_ID.as_bytes()));
    assert_eq!(found[2].fingerprint, fingerprint(GITHUB.as_bytes()));
}

// Practice: a secret that ends the buffer, without a trailing newline, is found whole.
#[test]
fn secret_at_the_very_end_of_the_buffer() {
    for (prefix, secret, id) in [
        ("x = ", KEY_ID, AWS_ACCESS_KEY_ID),
        (
            "line one\naws_secret_access_key=",
            SECRET_KEY,
            "aws-secret-access-key",
        ),
        ("", GITHUB, "github-token"),
        (
            "k: ",
            "AIzasQGMrb9h_ImB_LK777pzNk8cL6j5IXAAjls",
            "google-api-key",
        ),
        ("\n\npassword=", "Zt7xQ9vLm2pW", "generic-password"),
    ] {
        let text = format!("{prefix}{secret}");
        let found = scan(&text);
        assert_eq!(ids(&found), vec![id], "{text:?}");
        assert_eq!(found[0].fingerprint, fingerprint(secret.as_bytes()), "{id}");
        assert_eq!(found[0].byte_offset, prefix.len());
    }
}

// Practice: the AWS collector cross-checks a user-data key id against live keys by
// fingerprint, so a key-id match's fingerprint is fingerprint(key id bytes).
#[test]
fn aws_key_id_fingerprint_matches_the_live_key_fingerprint() {
    let user_data = format!("#!/bin/bash\nexport AWS_ACCESS_KEY_ID={KEY_ID}\n");
    let found = scan(&user_data);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fingerprint, fingerprint(KEY_ID.as_bytes()));
    assert_ne!(found[0].fingerprint, fingerprint(b"AKIAUJZDEGXDNCF32EPG"));
}

// Practice: when detectors overlap, the specific one listed first wins; no duplicates.
#[test]
fn specific_detector_wins_over_generic() {
    let found = scan(&format!("\"SecretAccessKey\": \"{SECRET_KEY}\","));
    assert_eq!(ids(&found), vec!["aws-secret-access-key"]);
    // Short enough (under 128 bytes) for the generic detector to match it too.
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMtZGVwbG95In0.MPy7xCFrpGIdZWv9NgBF3fj5zZdN_-IFNS9k_tqapJM";
    let found = scan(&format!("client_secret = \"{jwt}\""));
    assert_eq!(ids(&found), vec!["json-web-token"]);
}

// Practice: the engine reads bytes, so binary or invalid UTF-8 around a secret is fine.
#[test]
fn binary_input_is_scanned() {
    let mut data = vec![0xff, 0xfe, 0x00, 0x80, b'\n'];
    data.extend_from_slice(b"\x00\xc3key=");
    data.extend_from_slice(GITHUB.as_bytes());
    data.extend_from_slice(b"\x00\xff\xfe\n\x89PNG");
    let found = Engine::builtin().scan(&data);
    assert_eq!(ids(&found), vec!["github-token"]);
    assert_eq!(found[0].line, 2);
    assert_eq!(found[0].column, 7);
}

// Practice: Windows line endings do not end up in a secret or shift columns.
#[test]
fn crlf_line_endings() {
    let text = format!("a = 1\r\npassword = Zt7xQ9vLm2pW\r\nkey = {KEY_ID}\r\n");
    let found = scan(&text);
    assert_eq!(ids(&found), vec!["generic-password", AWS_ACCESS_KEY_ID]);
    assert_eq!(found[0].fingerprint, fingerprint(b"Zt7xQ9vLm2pW"));
    assert_eq!((found[1].line, found[1].column), (3, 7));
}

// Practice: a multi-line secret (PEM private key) is reported once, at its BEGIN line,
// even in a JSON string with escaped newlines.
#[test]
fn private_key_spans_lines() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\n\
        SIi1Vp1Lu4cGdllcrr7QlyEJAECNdK/qG+OvizADbcfObZiTsLX0oaZ72+nXYnlk\n\
        rtq4MuZLd9TCEE3WALHHbpVJpcd46U8kKnqxjON/+VSJJ2yVis8MEbs6RNEVyhCp\n\
        -----END RSA PRIVATE KEY-----";
    let text = format!("#!/bin/sh\ncat > /root/.ssh/id_rsa <<EOF\n{pem}\nEOF\n");
    let found = scan(&text);
    assert_eq!(ids(&found), vec!["private-key"]);
    assert_eq!((found[0].line, found[0].column), (3, 1));
    assert_eq!(found[0].fingerprint, fingerprint(pem.as_bytes()));
    assert_eq!(found[0].redacted, format!("----…({} chars)", pem.len()));
}

// Practice: on minified files with lines far longer than the prefilter's window, secrets
// are still found, and many keyword hits on one line are handled.
#[test]
fn secrets_on_a_very_long_line() {
    let mut line = String::new();
    for i in 0..5_000 {
        line.push_str(&format!("var password{i}=getValue({i});aws.region=x;"));
    }
    let middle = line.len();
    line.push_str(&format!("cfg.token=\"{GITHUB}\";"));
    for i in 0..5_000 {
        line.push_str(&format!("secretName{i}=lookup({i});"));
    }
    line.push_str(KEY_ID);
    let found = scan(&line);
    assert_eq!(ids(&found), vec!["github-token", AWS_ACCESS_KEY_ID]);
    assert_eq!(found[0].byte_offset, middle + 11);
    assert_eq!(found[1].byte_offset, line.len() - 20);
    assert!(found.iter().all(|m| m.line == 1));
}

// Practice: the keyword prefilter and windows lose nothing: secrets planted at random
// places in generated source-like text are all found at their offsets, and nothing else.
#[test]
fn planted_secrets_are_all_found() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let filler = [
        "fn main() { let region = \"us-east-1\"; }",
        "    let client = aws_sdk_s3::Client::new(&config); // aws",
        "password_policy:\n  minimum_length: 14",
        "# Set the secret in the environment, never in code",
        "url = \"https://example.com/api?token=\" + token",
        "session_token = get_session_token()",
        "SELECT * FROM users WHERE id = $1;",
        "    if pwd == expected { return Ok(()); }",
        "AKIA prefix ASIA continent eyJ not a jwt ghp_ short",
    ];
    let secrets = [
        (KEY_ID, AWS_ACCESS_KEY_ID),
        (GITHUB, "github-token"),
        (STRIPE, "stripe-secret-key"),
        ("glpat-aQWk8JzFalHlsZfYcMMD", "gitlab-token"),
    ];
    let mut text = String::new();
    let mut planted = Vec::new();
    for _ in 0..3_000 {
        text.push_str(filler[(next() % filler.len() as u64) as usize]);
        if next() % 10 == 0 {
            let (secret, id) = secrets[(next() % secrets.len() as u64) as usize];
            text.push_str(" k=");
            planted.push((text.len(), id.to_string(), fingerprint(secret.as_bytes())));
            text.push_str(secret);
        }
        text.push('\n');
    }
    assert!(planted.len() > 100);
    let found: Vec<(usize, String, String)> = scan(&text)
        .into_iter()
        .map(|m| (m.byte_offset, m.detector_id, m.fingerprint))
        .collect();
    assert_eq!(found, planted);
}

// Practice: an empty buffer, or one without any keyword, reports nothing.
#[test]
fn empty_and_keyword_free_input() {
    assert_eq!(scan(""), vec![]);
    assert_eq!(scan("just some ordinary text\nwith lines\n"), vec![]);
}
