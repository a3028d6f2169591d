//! Throughput sanity check for `Engine::scan`, single thread.
//!
//! Generates about 200 MB of source-like text in memory (Rust/Python/YAML/shell-ish
//! lines, some with the detectors' keywords such as `aws`, `password`, `secret`, URLs),
//! plants a secret about every MiB, scans the whole buffer once and prints MB/s.
//!
//! ```text
//! cargo run --release -p rampart-secrets --example throughput [-- SIZE_MB]
//! ```

use std::time::Instant;

use rampart_secrets::{fingerprint, Engine};

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
];

const PLANTED: &[(&str, &str)] = &[
    ("aws-access-key-id", "AKIAUJZDEGXDNCF32EPF"),
    ("github-token", "ghp_jI6GKFSufrdZSlB5er8bOfZqfM2oeq3hDavJ"),
    ("stripe-secret-key", "sk_live_fL9H2WjQ5TY4MyWuUFjsUNPj"),
    (
        "slack-token",
        "xoxb-284710593621-3918274650193-Awyuh1vauWv1zh87mTa5Vsqx",
    ),
];

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
    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }
}

fn push_line(out: &mut Vec<u8>, rng: &mut Rng) {
    let indent = "    ".repeat(rng.below(4));
    let (a, b, c) = (rng.word(), rng.word(), rng.word());
    let n = rng.below(100_000);
    let line = match rng.below(20) {
        0 => format!("{indent}let {a} = {b}.{c}(&{a}_{b}, {n})?;"),
        1 => format!("{indent}// Returns the {a} of the {b}, or an error if the {c} is missing."),
        2 => format!(
            "fn {a}_{b}(&self, {c}: &str) -> Result<{}, Error> {{",
            a.to_uppercase()
        ),
        3 => format!("{indent}\"{a}\": \"{b}-{n}\","),
        4 => format!("{}_{}={c}{n}", a.to_uppercase(), b.to_uppercase()),
        5 => format!("import {{ {a}, {b} }} from \"./{c}\";"),
        6 => format!("{indent}if {a} == \"{b}\" {{ return {c}; }}"),
        7 => format!("{indent}{a}: {b}_{c}  # {n}"),
        8 => format!("{indent}self.{a}.insert({b}.clone(), {n});"),
        9 => format!("{indent}for {a} in {b}.iter().filter(|x| x.{c} > {n}) {{"),
        10 => format!("{indent}}}"),
        11 => String::new(),
        12 => format!("{indent}region = \"us-east-1\"  # aws {a} {b}"),
        13 => format!("{indent}url = \"https://{a}.example.com/{b}/{c}?page={n}\""),
        14 => format!("{indent}password_policy: {{ minimum_length: 14, {a}: true }}"),
        15 => format!("{indent}let secret_name = format!(\"{a}/{b}\");"),
        16 => format!("{indent}client = boto3.client(\"{a}\", region_name={b})"),
        17 => format!("{indent}log.info(\"{a} {b} {c} took %d ms\", {n})"),
        18 => format!("{indent}return {a}_{b}({c}, timeout={n})"),
        _ => format!("{indent}{a}.{b} = {c}"),
    };
    out.extend_from_slice(line.as_bytes());
    out.push(b'\n');
}

fn main() {
    let size_mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let target = size_mb * 1_000_000;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut text = Vec::with_capacity(target + 4096);
    let mut planted = Vec::new();
    let mut next_plant = 1 << 20;
    while text.len() < target {
        push_line(&mut text, &mut rng);
        if text.len() >= next_plant {
            let (id, secret) = PLANTED[planted.len() % PLANTED.len()];
            text.extend_from_slice(b"export TOKEN=");
            planted.push((text.len(), id, fingerprint(secret.as_bytes())));
            text.extend_from_slice(secret.as_bytes());
            text.push(b'\n');
            next_plant += 1 << 20;
        }
    }

    let engine = Engine::builtin();
    // Warm up: compile the builtin set and touch the buffer once.
    let _ = engine.scan(&text[..1 << 20]);
    let start = Instant::now();
    let found = engine.scan(&text);
    let elapsed = start.elapsed().as_secs_f64();

    let hits = planted
        .iter()
        .filter(|(offset, id, fp)| {
            found
                .iter()
                .any(|m| m.byte_offset == *offset && m.detector_id == *id && m.fingerprint == *fp)
        })
        .count();
    let mb = text.len() as f64 / 1e6;
    println!(
        "scanned {mb:.1} MB in {elapsed:.3} s: {:.0} MB/s (single thread)",
        mb / elapsed
    );
    println!(
        "planted {} secrets, found {hits} of them; {} matches in all",
        planted.len(),
        found.len()
    );
    if hits != planted.len() || found.len() != planted.len() {
        eprintln!("unexpected matches: the engine missed a planted secret or reported noise");
        std::process::exit(1);
    }
}
