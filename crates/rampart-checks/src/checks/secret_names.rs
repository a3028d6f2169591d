//! Names that look like they hold a secret (`DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`), the one
//! rule that the CloudFormation parameter, ECS environment and SSM parameter checks share.
//!
//! A name looks secret when one of its words is a secret word (`password`, `passwd`, `pwd`,
//! `secret`, `token`, `credential`, `auth`, or the pairs `api key` and `private key`) and no
//! word after the last such word says the value is *about* the secret rather than the
//! secret itself: `PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `SECRET_ARN`, `API_KEY_ID`,
//! `PRIVATE_KEY_PATH` name a setting, a reference or a location, not a credential. `KEY`
//! alone (`KEY_ID`, `KMS_KEY`) is never a secret word: too many identifiers end in it.
//! `PWD` and `OLDPWD` alone are the shell's working directories, not passwords.

/// Words that name a secret (matched as whole words, or as the end of a word written
/// without separators: `dbpassword`, `clientsecret`; a plural `s` is allowed).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "credential",
    "auth",
];

/// Words that, after the secret word, make the name describe the secret instead of holding
/// it: limits, lifetimes, references, locations, switches, and the other (public) settings
/// of an authentication setup (`AUTH_DOMAIN`, `TOKEN_ISSUER`, `OAUTH_CALLBACK`).
const QUALIFIERS: &[&str] = &[
    "arn",
    "id",
    "ids",
    "name",
    "names",
    "ttl",
    "length",
    "len",
    "min",
    "max",
    "minimum",
    "maximum",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "dir",
    "type",
    "mode",
    "enabled",
    "enable",
    "disabled",
    "required",
    "expiry",
    "expiration",
    "expires",
    "lifetime",
    "timeout",
    "duration",
    "seconds",
    "minutes",
    "hours",
    "days",
    "policy",
    "version",
    "ref",
    "param",
    "parameter",
    "region",
    "count",
    "age",
    "rotation",
    "provider",
    "method",
    "kms",
    "user",
    "username",
    "host",
    "port",
    "domain",
    "server",
    "issuer",
    "audience",
    "scope",
    "scopes",
    "callback",
    "redirect",
    "realm",
];

/// Whether a variable or parameter name looks like it holds a secret (see the module docs).
pub(crate) fn looks_secret(name: &str) -> bool {
    if name.eq_ignore_ascii_case("pwd") || name.eq_ignore_ascii_case("oldpwd") {
        return false;
    }
    let words = words(name);
    let Some(last_hit) = (0..words.len()).rev().find(|&i| is_secret_at(&words, i)) else {
        return false;
    };
    !words[last_hit + 1..]
        .iter()
        .any(|w| QUALIFIERS.contains(&w.as_str()))
}

/// Whether the word at `i` is a secret word, or ends an `api key` / `private key` pair.
fn is_secret_at(words: &[String], i: usize) -> bool {
    let w = words[i].as_str();
    let singular = w.strip_suffix('s').unwrap_or(w);
    let ends_with_word = |word: &str| w.ends_with(word) || singular.ends_with(word);
    if SECRET_WORDS.iter().any(|s| ends_with_word(s)) {
        return true;
    }
    if ends_with_word("apikey") || ends_with_word("privatekey") {
        return true;
    }
    (singular == "key") && i > 0 && matches!(words[i - 1].as_str(), "api" | "private")
}

/// The lower-case words of a name: split at anything not a letter or digit, and at
/// camelCase boundaries (`dbPassword` → `db password`, `APIKey` → `api key`).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || (chars[i - 1].is_ascii_uppercase()
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Practice: names that hold credentials are recognised however they are written.
    #[test]
    fn secret_names() {
        for name in [
            "DB_PASSWORD",
            "dbPassword",
            "DbPasswd",
            "MYSQL_PWD",
            "CLIENT_SECRET",
            "clientsecret",
            "GITHUB_TOKEN",
            "authToken",
            "AWS_SESSION_TOKEN",
            "API_KEY",
            "apiKey",
            "APIKey",
            "stripe-api-key",
            "PRIVATE_KEY",
            "privateKey",
            "SECRET_KEY",
            "SECRET_KEY_BASE",
            "GOOGLE_CREDENTIALS",
            "BASIC_AUTH",
            "NEXTAUTH_SECRET",
            "Passwords",
        ] {
            assert!(looks_secret(name), "{name} should look secret");
        }
    }

    // Practice: names about a secret (limits, lifetimes, references, locations) or merely
    // containing a secret word inside another word are not secrets.
    #[test]
    fn not_secret_names() {
        for name in [
            // Limits and lifetimes: the value is a number, not the secret.
            "password_min_length",
            "MIN_PASSWORD_LENGTH",
            "token_ttl",
            "TOKEN_EXPIRY",
            "SESSION_TOKEN_LIFETIME",
            // References and locations: the value points at the secret.
            "DB_PASSWORD_ARN",
            "SECRET_NAME",
            "secretId",
            "API_KEY_ID",
            "PRIVATE_KEY_PATH",
            "GOOGLE_APPLICATION_CREDENTIALS_FILE",
            "AUTH_URL",
            "TOKEN_ENDPOINT",
            "AUTH_ENABLED",
            "AUTH_MODE",
            // The public parts of an authentication setup.
            "AUTH_USER",
            "AUTH_DOMAIN",
            "TOKEN_ISSUER",
            "OAUTH_CALLBACK",
            "DB_PASSWORD_HOST",
            // `KEY` alone is not a secret word.
            "KEY_ID",
            "KMS_KEY",
            "AWS_ACCESS_KEY_ID",
            "KEY",
            // A secret word inside another word.
            "AUTHOR",
            "TOKENIZER",
            "PASSWORDLESS_LOGIN",
            // The shell's working directories.
            "PWD",
            "OLDPWD",
            "",
            "LOG_LEVEL",
        ] {
            assert!(!looks_secret(name), "{name} should not look secret");
        }
    }

    // The word splitter handles separators, camelCase and acronyms.
    #[test]
    fn splits_words() {
        assert_eq!(words("dbPassword"), ["db", "password"]);
        assert_eq!(words("APIKeyId"), ["api", "key", "id"]);
        assert_eq!(words("my-db.PASSWORD_v2"), ["my", "db", "password", "v2"]);
    }
}
