//! Noise control: what a detector's regex matched but is not a secret worth reporting,
//! i.e. documentation examples, placeholders, hashes, UUIDs, code references, alphabet and
//! digit sequences, low-entropy values, and lines that carry the allow comment.

use memchr::memmem;

/// A line holding this text reports no secret: `password = "..."  # rampart:allow`.
pub const ALLOW_COMMENT: &str = "rampart:allow";

/// Values that stand for a secret rather than being one, compared case-insensitively.
const PLACEHOLDER_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "placeholder",
    "redacted",
    "dummy",
    "null",
    "none",
    "undefined",
    "todo",
    "fixme",
];

/// Whether a captured value is known noise, whichever detector matched it.
pub(crate) fn is_noise(secret: &[u8]) -> bool {
    is_documentation_example(secret)
        || is_placeholder(secret)
        || is_hex_hash(secret)
        || is_uuid(secret)
        || is_code_reference(secret)
        || is_sequence(secret)
}

/// `ABCDE123`, `12345678`, `abcdefgh`: at least three quarters of the value in runs of
/// three or more consecutive letters or digits, up or down. Test fixtures and
/// placeholders are written that way; generated secrets almost never are.
fn is_sequence(secret: &[u8]) -> bool {
    let step = |a: u8, b: u8| -> i16 {
        if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
            i16::from(b.to_ascii_lowercase()) - i16::from(a.to_ascii_lowercase())
        } else {
            0
        }
    };
    let mut in_runs = 0usize;
    let mut run = 1usize;
    let mut direction = 0i16;
    for i in 1..=secret.len() {
        let d = if i < secret.len() {
            step(secret[i - 1], secret[i])
        } else {
            0
        };
        if (d == 1 || d == -1) && (run == 1 || d == direction) {
            direction = d;
            run += 1;
            continue;
        }
        if run >= 3 {
            in_runs += run;
        }
        // A change of direction starts a new run at the previous character.
        run = if d == 1 || d == -1 { 2 } else { 1 };
        direction = d;
    }
    !secret.is_empty() && in_runs * 4 >= secret.len() * 3
}

/// AWS's documentation keys (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`)
/// and any value that says it is an example.
fn is_documentation_example(secret: &[u8]) -> bool {
    contains_ignore_case(secret, b"example")
}

fn is_placeholder(secret: &[u8]) -> bool {
    let Some(&first) = secret.first() else {
        return true;
    };
    if secret.iter().all(|&b| b == first) {
        return true;
    }
    // `xxxx` placeholders; a long random value (a PEM body) holds four x's by chance about
    // once in a few hundred keys, so long values need a longer run.
    let run_needed = if secret.len() > 256 { 8 } else { 4 };
    if longest_run(secret, |b| b == b'x' || b == b'X') >= run_needed {
        return true;
    }
    // `<your key>`, `$VAR`, `${VAR}`, `{{ var }}`, `%(var)s`.
    if matches!(first, b'<' | b'$')
        || secret.starts_with(b"%(")
        || memmem::find(secret, b"${").is_some()
        || memmem::find(secret, b"{{").is_some()
    {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower == w.as_bytes())
        || ["changeme", "change_me", "replaceme", "replace_me"]
            .iter()
            .any(|w| memmem::find(&lower, w.as_bytes()).is_some())
    {
        return true;
    }
    // `your_token`, `your-secret`, `YourApiKey`.
    if lower.starts_with(b"your") {
        match secret.get(4) {
            None => return true,
            Some(b'_' | b'-') => return true,
            Some(b) if b.is_ascii_uppercase() => return true,
            _ => {}
        }
    }
    false
}

/// Hex SHA-1, SHA-256 and SHA-512 digests: checksums and commit ids, not credentials.
fn is_hex_hash(secret: &[u8]) -> bool {
    matches!(secret.len(), 40 | 64 | 128) && secret.iter().all(u8::is_ascii_hexdigit)
}

/// `8-4-4-4-12` hex UUIDs: identifiers, not credentials.
fn is_uuid(secret: &[u8]) -> bool {
    secret.len() == 36
        && secret.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `self.password`, `process.env.DB_PASSWORD`: a value read from elsewhere, not a literal.
/// Dotted names of letters and `_` only; random secrets almost always hold a digit.
fn is_code_reference(secret: &[u8]) -> bool {
    secret.len() <= 64
        && secret.contains(&b'.')
        && secret.split(|&b| b == b'.').all(|segment| {
            !segment.is_empty()
                && segment
                    .iter()
                    .all(|&b| b.is_ascii_alphabetic() || b == b'_')
        })
}

/// Shannon entropy in bits per byte.
pub(crate) fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Whether a line spanning `start..end` of `hay` (extended to whole lines) carries
/// [`ALLOW_COMMENT`].
pub(crate) fn is_allowed(hay: &[u8], start: usize, end: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &hay[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &hay[end..]).map_or(hay.len(), |i| end + i);
    memmem::find(&hay[line_start..line_end], ALLOW_COMMENT.as_bytes()).is_some()
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn longest_run(data: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    let (mut best, mut current) = (0, 0);
    for &b in data {
        if pred(b) {
            current += 1;
            best = best.max(current);
        } else {
            current = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    // Practice: the entropy floor is Shannon entropy in bits per byte.
    #[test]
    fn entropy_values() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy(b"abcdefgh") - 3.0).abs() < 1e-9);
        assert!(shannon_entropy(b"FkM+R5Kjp1vRt/1fjORS+6ilI8ihN5KXSc7Tvo+h") > 4.5);
    }

    // Practice: obvious placeholders are not reported (noise control).
    #[test]
    fn placeholders() {
        for p in [
            "xxxxxxxxxxxxxxxx",
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "<your-token>",
            "${DB_PASSWORD}",
            "prefix-${VAR}",
            "{{ vault_password }}",
            "%(password)s",
            "$DB_PASSWORD",
            "changeme",
            "CHANGEME123",
            "Password",
            "your_api_key",
            "your-secret",
            "YourSecretHere",
            "********",
            "0000000000000000",
        ] {
            assert!(is_noise(p.as_bytes()), "{p:?} reported as a secret");
        }
        for s in [
            "Zt7xQ9vLm2pW",
            "yourself9Q2z!",
            "ghp_jI6GKFSufrdZSlB5er8bOfZqfM2oeq3hDavJ",
        ] {
            assert!(!is_noise(s.as_bytes()), "{s:?} treated as noise");
        }
    }

    // Practice: a long random value is not dropped for holding a few x's by chance.
    #[test]
    fn long_values_need_a_long_x_run() {
        let mut long = "Zt7xQ9vLm2pW".repeat(30);
        long.insert_str(100, "xxxxx");
        assert!(!is_placeholder(long.as_bytes()));
        long.insert_str(200, "xxxxxxxx");
        assert!(is_placeholder(long.as_bytes()));
    }

    // Practice: hex SHA-1/SHA-256 digests and UUIDs are not secrets.
    #[test]
    fn hashes_and_uuids() {
        assert!(is_noise(b"da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assert!(is_noise(
            b"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
        ));
        assert!(is_noise(b"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c"));
        // 32 hex digits is the shape of many API keys, so it stays reportable.
        assert!(!is_noise(b"c3f9a1e07d2b4c58a6e9f1d3b7a2c4e8"));
        // 40 characters that are not all hex.
        assert!(!is_noise(b"da39a3ee5e6b4b0d3255bfef95601890afd8070g"));
        assert!(!is_noise(b"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9"));
    }

    // Issue 13: alphabet and digit sequences (`ABCDE123`) are test values, not secrets.
    #[test]
    fn sequences() {
        for s in [
            "ABCDE123",
            "12345678",
            "abcdefgh",
            "987654321",
            "abc123def456",
        ] {
            assert!(is_sequence(s.as_bytes()), "{s}");
        }
        for s in ["Zt7xQ9vLm2pW", "abc9Xq2Lm7", "iYXjU2JgJngKtFI3", "1a2b3c4d"] {
            assert!(!is_sequence(s.as_bytes()), "{s}");
        }
    }

    // Practice: the AWS documentation keys are not reported.
    #[test]
    fn documentation_examples() {
        assert!(is_noise(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(is_noise(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assert!(is_noise(b"my-example-password"));
    }

    // Practice: a value read from code (`self.password`) is not a hard-coded secret.
    #[test]
    fn code_references() {
        assert!(is_noise(b"self.password"));
        assert!(is_noise(b"process.env.DB_PASSWORD"));
        assert!(!is_noise(b"s3cret.pass9"));
        assert!(!is_noise(b"notadottedvalue"));
    }

    // Practice: an inline `rampart:allow` comment on the secret's line suppresses it.
    #[test]
    fn allow_comment_is_per_line() {
        let hay = b"a = 1\npassword = \"Zt7xQ9vLm2pW\" # rampart:allow\nb = 2\n";
        let at = 18;
        assert!(is_allowed(hay, at, at + 12));
        assert!(!is_allowed(hay, 0, 1));
        assert!(!is_allowed(hay, hay.len() - 2, hay.len() - 1));
    }
}
