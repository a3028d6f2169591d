//! The `rampart-fault-proxy` binary as a script uses it (issue 10).

mod fake_aws;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fake_aws::{query, send, EchoUpstream};
use rampart_faultproxy::Config;

const BIN: &str = env!("CARGO_BIN_EXE_rampart-fault-proxy");

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("proxy.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the binary to completion: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Kills the child when the test ends, passing or not.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// issue 10: the binary prints one "listening on URL" line a script can read the port from,
// then forwards and faults as its config says.
#[tokio::test]
async fn prints_its_url_and_serves() {
    let upstream = EchoUpstream::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "seed = 1\n[[rule]]\nservice = \"iam\"\naction = \"ListUsers\"\nfault = \"throttle\"\n",
    );
    let child = Command::new(BIN)
        .args([
            "--upstream",
            &upstream.url(),
            "--config",
            config.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Running(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    assert_eq!(
        send(&url, query("iam", "us-east-1", "ListRoles", &[]))
            .await
            .status,
        200
    );
    assert_eq!(
        send(&url, query("iam", "us-east-1", "ListUsers", &[]))
            .await
            .status,
        400
    );
    let stats = send(
        &url,
        hyper::Request::get("/__proxy/stats")
            .body(Default::default())
            .unwrap(),
    )
    .await;
    let stats: rampart_faultproxy::Stats = serde_json::from_slice(&stats.body).unwrap();
    assert_eq!(stats.get("iam", "ListUsers").throttled, 1);
    assert_eq!(upstream.seen().len(), 1);
}

// issue 10: a bad config file is refused with the file, line and column, and exit code 2.
#[test]
fn bad_config_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // (config, line:col expected, words expected in the message)
        (
            "seed = 1\n[[rule]]\nfault = \"deny\"\nfraction = 1.5\n",
            "4:12",
            "0..=1",
        ),
        ("seed = 1\n\n[[rule]]\nfualt = \"deny\"\n", "4:1", "fualt"),
        ("[[rule]]\nfault = \"explode\"\n", "2:9", "explode"),
        ("latency_ms = \"slow\"\n", "1:14", "expected u64"),
        (
            "[[rate_limit]]\nservice = \"ec2\"\nper_second = 0\nburst = 5\n",
            "3:14",
            "above 0",
        ),
        ("seed = 1\nseed = 2\n", "2:1", "duplicate"),
    ];
    for (text, position, words) in cases {
        let path = write_config(dir.path(), text);
        let path_text = path.to_str().unwrap();
        let (code, stdout, stderr) =
            run(&["--upstream", "http://127.0.0.1:1", "--config", path_text]);
        assert_eq!(code, Some(2), "{text:?}: {stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(
            stderr.contains(&format!("{path_text}:{position}:")),
            "{text:?}: {stderr}"
        );
        assert!(stderr.contains(words), "{text:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    }
}

// issue 10: a missing config file, and fractions adding up to more than 1, name the file.
#[test]
fn unreadable_or_invalid_config_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.toml");
    let (code, _, stderr) = run(&[
        "--upstream",
        "http://127.0.0.1:1",
        "--config",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("nowhere.toml"), "{stderr}");

    let path = write_config(
        dir.path(),
        "throttle_fraction = 0.7\nerror_fraction = 0.7\n",
    );
    let (code, _, stderr) = run(&[
        "--upstream",
        "http://127.0.0.1:1",
        "--config",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("proxy.toml") && stderr.contains("more than 1"),
        "{stderr}"
    );
}

// issue 10: the binary refuses to listen anywhere but on loopback.
#[test]
fn non_loopback_listen_is_refused() {
    for listen in ["0.0.0.0:0", "192.0.2.7:8080", "[::]:0"] {
        let (code, stdout, stderr) = run(&["--upstream", "http://127.0.0.1:1", "--listen", listen]);
        assert_eq!(code, Some(2), "{listen}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("loopback"), "{stderr}");
    }
    let (code, _, stderr) = run(&["--upstream", "https://127.0.0.1:1"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("upstream"), "{stderr}");
}

// issue 10: the benchmark's example config is valid and says what the benchmark needs.
#[test]
fn bench_aws_pace_config_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/aws-pace.toml");
    let config = Config::from_toml_file(&path).unwrap();
    assert_eq!(config.latency_ms, 30);
    let services: Vec<&str> = config
        .rate_limits
        .iter()
        .map(|l| l.service.as_str())
        .collect();
    for service in ["iam", "ec2", "sts"] {
        assert!(services.contains(&service), "no rate limit for {service}");
    }
    assert!(config.rules.is_empty() && config.throttle_fraction.get() == 0.0);
}
