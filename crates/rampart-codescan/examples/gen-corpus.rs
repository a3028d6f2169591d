//! Generates the benchmark's corpus (issue 5): source-like text in files of many sizes
//! and languages, with secrets of every detector planted at known places and negative
//! examples (documentation keys, hashes, UUIDs, placeholders, the detectors' own negative
//! examples) planted beside them. Writes a manifest of the planted secrets: one line per
//! secret, `path<TAB>line<TAB>detector<TAB>fingerprint` (the SHA-256 of the secret, never
//! the secret).
//!
//! ```text
//! cargo run --release -p rampart-codescan --example gen-corpus -- OUT_DIR MANIFEST [SIZE_MB]
//! ```
//!
//! Deterministic: the same arguments give the same bytes. Planted values avoid the letter
//! x (a run of four reads as an `xxxx` placeholder) and are random otherwise.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rampart_secrets::{fingerprint, Engine};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

const UPPER32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWYZ234567";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789+/";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789_-";
const DIGITS: &[u8] = b"0123456789";
const HEX: &[u8] = b"0123456789abcdef";

const WORDS: &[&str] = &[
    "config",
    "client",
    "request",
    "response",
    "buffer",
    "handler",
    "region",
    "bucket",
    "user",
    "account",
    "policy",
    "role",
    "instance",
    "volume",
    "snapshot",
    "subnet",
    "vpc",
    "value",
    "result",
    "error",
    "items",
    "index",
    "count",
    "name",
    "path",
    "file",
    "data",
    "input",
    "output",
    "stream",
    "reader",
    "writer",
    "session",
    "context",
    "state",
    "cache",
    "logger",
    "metrics",
    "timeout",
    "retry",
    "limit",
    "offset",
    "cursor",
    "page",
    "token_kind",
    "header",
    "body",
    "status",
    "event",
    "queue",
    "topic",
    "table",
    "column",
    "row",
    "schema",
    "builder",
    "parser",
    "matrix",
    "vector",
    "channel",
    "worker",
    "pool",
    "registry",
    "tenant",
    "profile",
];

const EXTENSIONS: &[&str] = &[
    "rs", "py", "js", "ts", "go", "java", "yaml", "sh", "md", "toml", "json", "tf",
];

/// Percent of filler lines that hold one of the detectors' keywords (`aws`, `secret`,
/// `password`). Measured with `rg -i` over the crates of the local cargo registry, 4.2% of
/// lines hold a keyword; cloud code holds more, so the corpus holds twice that.
const KEYWORD_PERCENT: usize = 8;

/// One line of filler: code in several languages, comments, config and prose.
fn filler(out: &mut String, rng: &mut Rng) {
    let indent = "    ".repeat(rng.below(4));
    let (a, b, c) = (rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS));
    let n = rng.below(100_000);
    use std::fmt::Write as _;
    if rng.below(100) < KEYWORD_PERCENT {
        let _ = match rng.below(6) {
            0 => writeln!(out, "{indent}region = \"us-east-1\"  # aws {a} {b}"),
            1 => writeln!(
                out,
                "{indent}password_policy: {{ minimum_length: 14, {a}: true }}"
            ),
            2 => writeln!(out, "{indent}let secret_name = format!(\"{a}/{b}\");"),
            3 => writeln!(
                out,
                "{indent}resource \"aws_{a}\" \"{b}\" {{ name = \"{c}-{n}\" }}"
            ),
            4 => writeln!(
                out,
                "{indent}secret = client.get_secret_value(SecretId=\"{a}/{b}\")"
            ),
            _ => writeln!(
                out,
                "{indent}password = os.environ[\"{}_PASSWORD\"]",
                a.to_uppercase()
            ),
        };
        return;
    }
    let _ = match rng.below(26) {
        0 => writeln!(out, "{indent}let {a} = {b}.{c}(&{a}_{b}, {n})?;"),
        1 => writeln!(
            out,
            "{indent}// Returns the {a} of the {b}, or an error if the {c} is missing."
        ),
        2 => writeln!(
            out,
            "fn {a}_{b}(&self, {c}: &str) -> Result<{}, Error> {{",
            a.to_uppercase()
        ),
        3 => writeln!(out, "{indent}\"{a}\": \"{b}-{n}\","),
        4 => writeln!(out, "{}_{}={c}{n}", a.to_uppercase(), b.to_uppercase()),
        5 => writeln!(out, "import {{ {a}, {b} }} from \"./{c}\";"),
        6 => writeln!(out, "{indent}if {a} == \"{b}\" {{ return {c}; }}"),
        7 => writeln!(out, "{indent}{a}: {b}_{c}  # {n}"),
        8 => writeln!(out, "{indent}self.{a}.insert({b}.clone(), {n});"),
        9 => writeln!(
            out,
            "{indent}for {a} in {b}.iter().filter(|x| x.{c} > {n}) {{"
        ),
        10 => writeln!(out, "{indent}}}"),
        11 => writeln!(out),
        12 => writeln!(
            out,
            "{indent}url = \"https://{a}.example.com/{b}/{c}?page={n}\""
        ),
        13 => writeln!(
            out,
            "{indent}client = boto3.client(\"{a}\", region_name={b})"
        ),
        14 => writeln!(out, "{indent}log.info(\"{a} {b} {c} took %d ms\", {n})"),
        15 => writeln!(out, "{indent}return {a}_{b}({c}, timeout={n})"),
        16 => writeln!(
            out,
            "{indent}func ({a} *{}) {}(ctx context.Context) error {{",
            b.to_uppercase(),
            c.to_uppercase()
        ),
        17 => writeln!(
            out,
            "{indent}public {} get{}() {{ return this.{c}; }}",
            a.to_uppercase(),
            b.to_uppercase()
        ),
        18 => writeln!(
            out,
            "{indent}- name: {a}-{b}\n{indent}  image: registry.example.com/{c}:{n}"
        ),
        19 => writeln!(
            out,
            "The {a} reads the {b} and writes the {c}; see section {n} for the details."
        ),
        20 => writeln!(
            out,
            "{indent}const {a}Token = await get{}Token({b});",
            c.to_uppercase()
        ),
        21 => writeln!(out, "{indent}session = boto3.Session(profile_name=\"{a}\")"),
        22 => writeln!(
            out,
            "{indent}export {}_{}=\"${{{c}}}\"",
            a.to_uppercase(),
            b.to_uppercase()
        ),
        23 => writeln!(out, "{indent}assert_eq!({a}.{b}(), {n});"),
        24 => writeln!(out, "{indent}# TODO({a}): handle {b} when {c} is empty"),
        _ => writeln!(out, "{indent}{a}.{b} = {c}"),
    };
}

/// A planted secret: the lines to write, the line (0-based, within them) where the secret
/// starts, its detector and the secret itself.
struct Plant {
    lines: String,
    line: usize,
    detector: &'static str,
    secret: String,
}

fn positive(rng: &mut Rng, indent: &str) -> Plant {
    let one = |detector, prefix: String, secret: String, suffix: &str| Plant {
        lines: format!("{indent}{prefix}{secret}{suffix}\n"),
        line: 0,
        detector,
        secret,
    };
    match rng.below(13) {
        0 => {
            let s = format!("AKIA{}", rng.chars(UPPER32, 16));
            one(
                "aws-access-key-id",
                "aws_access_key_id = \"".into(),
                s,
                "\"",
            )
        }
        1 => {
            let s = rng.chars(B64, 40);
            one(
                "aws-secret-access-key",
                "aws_secret_access_key = ".into(),
                s,
                "",
            )
        }
        2 => {
            let s = rng.chars(B64, 220);
            one("aws-session-token", "aws_session_token = ".into(), s, "")
        }
        3 => {
            let s = format!("ghp_{}", rng.chars(ALNUM, 36));
            one("github-token", "GITHUB_TOKEN=".into(), s, "")
        }
        4 => {
            let s = format!("glpat-{}", rng.chars(URLSAFE, 20));
            one("gitlab-token", "private_token: \"".into(), s, "\"")
        }
        5 => {
            let s = format!(
                "xoxb-{}-{}-{}",
                rng.chars(DIGITS, 12),
                rng.chars(DIGITS, 13),
                rng.chars(ALNUM, 24)
            );
            one("slack-token", "SLACK_BOT_TOKEN=".into(), s, "")
        }
        6 => {
            let s = format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                rng.chars(UPPER32, 10),
                rng.chars(UPPER32, 10),
                rng.chars(ALNUM, 24)
            );
            one("slack-webhook-url", "webhook_url = \"".into(), s, "\"")
        }
        7 => {
            let s = format!("sk_live_{}", rng.chars(ALNUM, 24));
            one("stripe-secret-key", "STRIPE_SECRET_KEY=".into(), s, "")
        }
        8 => {
            let s = format!("AIza{}", rng.chars(URLSAFE, 35));
            one("google-api-key", "apiKey: \"".into(), s, "\",")
        }
        9 => {
            let s = format!(
                "eyJ{}.eyJ{}.{}",
                rng.chars(URLSAFE, 33),
                rng.chars(URLSAFE, 60),
                rng.chars(URLSAFE, 43)
            );
            one("json-web-token", "Authorization: Bearer ".into(), s, "")
        }
        10 => {
            let s = rng.chars(ALNUM, 18);
            Plant {
                lines: format!("{indent}DATABASE_URL=postgres://app:{s}@db.internal:5432/app\n"),
                line: 0,
                detector: "database-url-password",
                secret: s,
            }
        }
        11 => {
            let s = rng.chars(ALNUM, 16);
            one("generic-password", "db_password = \"".into(), s, "\"")
        }
        _ => {
            let body: Vec<String> = (0..4 + rng.below(4)).map(|_| rng.chars(B64, 64)).collect();
            let secret = format!(
                "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
                body.join("\n")
            );
            Plant {
                lines: format!("{secret}\n"),
                line: 0,
                detector: "private-key",
                secret,
            }
        }
    }
}

/// Lines that look like secrets but are not: what no finding may come from.
fn negative(rng: &mut Rng, indent: &str, from_detectors: &[String]) -> String {
    let uuid = |rng: &mut Rng| {
        format!(
            "{}-{}-4{}-a{}-{}",
            rng.chars(HEX, 8),
            rng.chars(HEX, 4),
            rng.chars(HEX, 3),
            rng.chars(HEX, 3),
            rng.chars(HEX, 12)
        )
    };
    match rng.below(12) {
        0 => format!("{indent}aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"),
        1 => format!("{indent}aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
        2 => format!("{indent}secret = \"{}\"\n", rng.chars(HEX, 64)),
        3 => format!("{indent}api_secret: {}\n", rng.chars(HEX, 40)),
        4 => format!("{indent}client_secret = \"{}\"\n", uuid(rng)),
        5 => format!("{indent}secret: {}\n", uuid(rng)),
        6 => format!("{indent}password = \"changeme\"\n"),
        7 => format!("{indent}AWS_SECRET_ACCESS_KEY=${{AWS_SECRET_ACCESS_KEY}}\n"),
        8 => format!("{indent}GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
        9 => format!("{indent}password: <your-password>\n"),
        10 => format!("{indent}db_password = \"your_password_here\"\n"),
        _ => format!(
            "{}\n",
            from_detectors[rng.below(from_detectors.len())].trim_end()
        ),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(out), Some(manifest)) = (args.next(), args.next()) else {
        eprintln!("usage: gen-corpus OUT_DIR MANIFEST [SIZE_MB]");
        std::process::exit(2);
    };
    let size_mb: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1100);
    let target = size_mb * 1_000_000;
    let out = PathBuf::from(out);
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).expect("create corpus dir");
    let negatives: Vec<String> = Engine::builtin()
        .detectors()
        .iter()
        .flat_map(|d| d.negative_examples.iter().cloned())
        .collect();

    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut manifest = BufWriter::new(fs::File::create(&manifest).expect("create manifest"));
    let (mut written, mut files, mut planted, mut negative_count) = (0u64, 0u64, 0u64, 0u64);
    let mut text = String::with_capacity(4 << 20);
    while written < target {
        // Sizes spread log-uniformly from 2 KiB to 2 MiB, like a source tree's.
        let size = (2048.0 * 1024f64.powf(rng.below(10_000) as f64 / 10_000.0)) as usize;
        let ext = rng.pick(EXTENSIONS);
        let rel = format!(
            "pkg{:02}/{}/{}_{files}.{ext}",
            rng.below(40),
            rng.pick(WORDS),
            rng.pick(WORDS)
        );
        text.clear();
        let mut line = 1usize;
        // About one planted secret and one negative per 128 KiB, at least one of each in
        // one file in four.
        let mut next_plant = rng.below(256 * 1024);
        let mut next_negative = rng.below(256 * 1024);
        while text.len() < size {
            let before = text.len();
            filler(&mut text, &mut rng);
            line += text[before..].matches('\n').count();
            let indent = "    ".repeat(rng.below(3));
            if text.len() >= next_plant {
                let p = positive(&mut rng, &indent);
                let _ = writeln!(
                    manifest,
                    "{rel}\t{}\t{}\t{}",
                    line + p.line,
                    p.detector,
                    fingerprint(p.secret.as_bytes())
                );
                text.push_str(&p.lines);
                line += p.lines.matches('\n').count();
                planted += 1;
                next_plant = text.len() + 64 * 1024 + rng.below(128 * 1024);
            }
            if text.len() >= next_negative {
                let n = negative(&mut rng, &indent, &negatives);
                text.push_str(&n);
                line += n.matches('\n').count();
                negative_count += 1;
                next_negative = text.len() + 64 * 1024 + rng.below(128 * 1024);
            }
        }
        write_file(&out.join(&rel), text.as_bytes());
        written += text.len() as u64;
        files += 1;
    }
    manifest.flush().expect("write manifest");
    println!(
        "wrote {:.1} MB in {files} files under {}: {planted} secrets planted, {negative_count} negative examples",
        written as f64 / 1e6,
        out.display()
    );
}

fn write_file(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().expect("parent")).expect("create dir");
    fs::write(path, bytes).expect("write file");
}
