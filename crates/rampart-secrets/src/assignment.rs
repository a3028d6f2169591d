//! Code-aware reading of `key = value` matches, for detectors marked `assignment: true`
//! (the generic password and AWS secret key detectors): in source code the right-hand
//! side is often code, not a literal, and the "key" is often part of a longer name. A
//! match is dropped when its value is an identifier, a type path, a bind parameter or a
//! format placeholder, when it names the secret rather than holding it, or when its key
//! is a segment of a path (`Type::Secret`, an ARN's `:secret:`) rather than a key.

use memchr::memmem;

/// Quotes around keys and values: JSON, YAML, shell, Python, JavaScript template strings.
const QUOTES: &[u8] = b"\"'`";

/// Whether the assignment whose value is `hay[start..end]` (its regex match starting at
/// `match_start`) is code rather than a hard-coded secret. `keywords` are the detector's:
/// a value that contains one of its longer keywords (`password`, `secret`) names the
/// secret (`SECRET_KEY = 'AWS_SECRET_ACCESS_KEY'`) instead of holding one.
pub(crate) fn is_code(
    hay: &[u8],
    match_start: usize,
    start: usize,
    end: usize,
    keywords: &[String],
) -> bool {
    let value = &hay[start..end];
    let Some(shape) = Shape::read(hay, match_start, start) else {
        return false;
    };
    // A key that continues a path or an ARN (`GrantOperation::DeriveSharedSecret`,
    // `arn:aws:secretsmanager:…:secret:Name`, `aws:RequestTag/…`) is not a key.
    if shape.key_start > 0 && hay[shape.key_start - 1] == b':' {
        return true;
    }
    // `key:value` with nothing between is a path, a URL or an ARN, not YAML (which needs
    // a space) or JSON (whose key is quoted); `{key:"value"}` in JavaScript stays.
    if shape.separator == b":" && !shape.key_quoted && !shape.value_quoted {
        match hay.get(shape.separator_end) {
            Some(b' ' | b'\t') => {}
            _ => return true,
        }
    }
    // A quoted literal that goes on past a space is a phrase (`'development key'`), of
    // which the pattern took the first word only.
    if shape.value_quoted && matches!(hay.get(end), Some(b' ' | b'\t')) {
        return true;
    }
    // Type paths (`super::Foundation::UNICODE_STRING`), bind parameters (`:password`,
    // `@Password`) and `%NAME%` variables.
    if memmem::find(value, b"::").is_some()
        || matches!(value.first(), Some(b':' | b'@'))
        || (value.len() > 2 && value.first() == Some(&b'%') && value.last() == Some(&b'%'))
    {
        return true;
    }
    // The value names the secret: `"UnusedIAMUserPassword"`, `'AWS_SECRET_ACCESS_KEY'`.
    let lower = value.to_ascii_lowercase();
    if keywords
        .iter()
        .filter(|k| k.len() >= 5)
        .any(|k| memmem::find(&lower, k.to_ascii_lowercase().as_bytes()).is_some())
    {
        return true;
    }
    // Unquoted, an identifier made of words is a variable, a constant or a type
    // (`LSA_UNICODE_STRING`, `key_password`, `CFStringRef`, `DBPROPENUM`). Quoted, it is
    // a literal, and stays a secret (`"Summer2024"`, `"rwSjiozdztwkikBu"`).
    !shape.value_quoted
        && is_identifier_path(value)
        && (is_made_of_words(value)
            || value
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_'))
}

/// The parts of an assignment around its value.
struct Shape {
    /// Where the key's name starts: the match may start at the keyword, inside a longer
    /// key (`MYSQL_ROOT_PASSWORD`), so this is found by reading back over name bytes.
    key_start: usize,
    /// Whether a quote closes the key (`"password": …`).
    key_quoted: bool,
    /// `=`, `:`, `=>`, `==`, `:=`, …
    separator: Vec<u8>,
    /// Offset just after the separator.
    separator_end: usize,
    /// Whether a quote opens the value.
    value_quoted: bool,
}

impl Shape {
    /// Read the shape back from the value's start; `None` when no separator is found
    /// (not an assignment this module understands, so nothing is dropped).
    fn read(hay: &[u8], match_start: usize, value_start: usize) -> Option<Shape> {
        let mut i = value_start;
        let value_quoted = i > match_start && QUOTES.contains(&hay[i - 1]);
        if value_quoted {
            i -= 1;
        }
        while i > match_start && matches!(hay[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        let separator_end = i;
        while i > match_start && matches!(hay[i - 1], b'=' | b':' | b'>') {
            i -= 1;
        }
        if i == separator_end {
            return None;
        }
        let separator = hay[i..separator_end].to_vec();
        while i > match_start && matches!(hay[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        let key_quoted = i > match_start && QUOTES.contains(&hay[i - 1]);
        let mut key_start = match_start;
        while key_start > 0 && is_name_byte(hay[key_start - 1]) {
            key_start -= 1;
        }
        Some(Shape {
            key_start,
            key_quoted,
            separator,
            separator_end,
            value_quoted,
        })
    }
}

/// Bytes of a key's name: `MYSQL_ROOT_PASSWORD`, `spring.datasource.password`,
/// `ssh-passphrase`.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'$')
}

/// `name`, `Name_2`, `a.b.c`: identifiers joined by dots.
fn is_identifier_path(value: &[u8]) -> bool {
    value.split(|&b| b == b'.').all(|segment| {
        segment
            .first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b == b'$')
            && segment
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    })
}

/// The parts of an identifier: split at `_`, `.`, `$`, lower-to-upper and letter-digit
/// changes, and before the last capital of an acronym that starts a word (`HTTPServer`:
/// `HTTP`, `Server`).
fn parts(value: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = None::<usize>;
    for (i, &b) in value.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                out.push(&value[s..i]);
            }
            continue;
        }
        if let Some(s) = start {
            let p = value[i - 1];
            let breaks = (p.is_ascii_lowercase() && b.is_ascii_uppercase())
                || (p.is_ascii_digit() != b.is_ascii_digit())
                || (p.is_ascii_uppercase()
                    && b.is_ascii_uppercase()
                    && value.get(i + 1).is_some_and(u8::is_ascii_lowercase));
            if breaks {
                out.push(&value[s..i]);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&value[s..]);
    }
    out
}

/// Whether an identifier reads as words (`LSA_UNICODE_STRING`, `pszPassword`,
/// `_bindgen_ty_3`, `MinimumLength14`) rather than random characters (`Zt7xQ9vLm2pW`,
/// `jjogYcQjjAgeDeyb`): its parts are on average at least three characters long, and
/// each is digits, an acronym of up to four capitals, at most four characters (`psz`,
/// `Http`), or holds a vowel with at most four consonants in a row. Random strings
/// change case and class every one or two characters, or hold parts no word looks like.
fn is_made_of_words(value: &[u8]) -> bool {
    let parts = parts(value);
    let chars: usize = parts.iter().map(|p| p.len()).sum();
    !parts.is_empty()
        && chars >= 3 * parts.len()
        && parts.iter().all(|p| {
            p.iter().all(u8::is_ascii_digit)
                || p.len() <= 4
                || (p.iter().any(|&b| is_vowel(b)) && longest_consonant_run(p) <= 4)
        })
}

/// Vowels, `y` included (`Sys`, `Type`).
fn is_vowel(b: u8) -> bool {
    matches!(
        b.to_ascii_lowercase(),
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
    )
}

/// The longest run of consonants among the letters of `part`.
fn longest_consonant_run(part: &[u8]) -> usize {
    let (mut run, mut longest) = (0, 0);
    for &b in part.iter().filter(|b| b.is_ascii_alphabetic()) {
        if is_vowel(b) {
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 13: identifiers and type names read as words; random passwords do not.
    #[test]
    fn words_and_random_strings() {
        for words in [
            "LSA_UNICODE_STRING",
            "pszPassword",
            "_bindgen_ty_3",
            "WIN32_ERROR",
            "MinimumLength14",
            "EapUsernamePasswordCredential",
            "HTTPServer",
            "credentials",
            "key_password",
            "CFStringRef",
            "WinHttpRequestOption",
        ] {
            assert!(is_made_of_words(words.as_bytes()), "{words}");
        }
        for random in [
            "Zt7xQ9vLm2pW",
            "iYXjU2JgJngKtFI3",
            "q7Kd93LmZx0PaW2e",
            "Zt8Qw3Lp0Vn7Rx2K",
            "rwSjiozdztwkikBu",
        ] {
            assert!(!is_made_of_words(random.as_bytes()), "{random}");
        }
    }

    fn code(line: &str, value: &str) -> bool {
        let start = line.find(value).expect("value in line");
        let keywords = ["password", "passphrase", "secret"].map(String::from);
        // The regex match starts at the last keyword before the value.
        let key_side = line[..start].to_ascii_lowercase();
        let match_start = key_side
            .rfind("password")
            .max(key_side.rfind("passphrase"))
            .max(key_side.rfind("secret"))
            .expect("keyword");
        is_code(
            line.as_bytes(),
            match_start,
            start,
            start + value.len(),
            &keywords,
        )
    }

    // Issue 13: the shapes of code on the value side, and keys inside paths.
    #[test]
    fn code_shapes_are_dropped_and_literals_kept() {
        assert!(code(
            "pub Password: LSA_UNICODE_STRING,",
            "LSA_UNICODE_STRING"
        ));
        assert!(code(
            "x::change_password::ChangePasswordError",
            ":ChangePasswordError"
        ));
        assert!(code(
            "\"AWS::SecretsManager::Secret\": \"f6b785ff8e74d121\"",
            "f6b785ff8e74d121"
        ));
        assert!(code(
            "\"arn:aws:secretsmanager:*:*:secret:AmazonDataZone-*\"",
            "AmazonDataZone-*"
        ));
        assert!(code("secret:MyBrokerSecretName", "MyBrokerSecretName"));
        assert!(code("password = :db_pass_word", ":db_pass_word"));
        assert!(code("password = \"%DB_PASS_WORD%\"", "%DB_PASS_WORD%"));
        assert!(code(
            "SECRET_KEY = 'AWS_SECRET_ACCESS_KEY'",
            "AWS_SECRET_ACCESS_KEY"
        ));
        assert!(!code("\"password\": \"IAmSensitive\"", "IAmSensitive"));
        assert!(code("SECRET_KEY = 'development key'", "development"));
        assert!(!code("password = \"Tr0ub4dor&3\"", "Tr0ub4dor"));
        assert!(code("password = IAmSensitive", "IAmSensitive"));
        assert!(!code("\"password\": \"Summer2024x\"", "Summer2024x"));
        assert!(!code(
            "db_password = \"rwSjiozdztwkikBu\"",
            "rwSjiozdztwkikBu"
        ));
        assert!(!code(
            "db_password = \"jjogYcQjjAgeDeyb\"",
            "jjogYcQjjAgeDeyb"
        ));
        assert!(code("pub X_PASSWORD: WIN32_ERROR = 1u32;", "WIN32_ERROR"));
        assert!(!code("MYSQL_ROOT_PASSWORD=Zt7xQ9vLm2pW", "Zt7xQ9vLm2pW"));
        assert!(!code("{password:\"Zt7xQ9vLm2pW\"}", "Zt7xQ9vLm2pW"));
        assert!(!code(
            "ssh_passphrase: correct-horse-battery",
            "correct-horse-battery"
        ));
    }
}
