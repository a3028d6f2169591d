//! A moto server process per test, on 127.0.0.1 only.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace root (where `.venv` and `tests/moto-requirements.txt` live).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The `moto_server` executable, installing the pinned moto into `.venv` first if needed.
/// A file lock makes concurrent test processes install it once.
pub fn moto_server_bin() -> PathBuf {
    let root = workspace_root();
    let venv = root.join(".venv");
    let bin = venv.join("bin/moto_server");
    let requirements = root.join("tests/moto-requirements.txt");
    let stamp = venv.join(".rampart-requirements");
    let wanted = std::fs::read_to_string(&requirements).expect("tests/moto-requirements.txt");
    let current = || std::fs::read_to_string(&stamp).ok();
    if bin.exists() && current().as_deref() == Some(wanted.as_str()) {
        return bin;
    }
    let lock = std::fs::File::create(root.join("target/.moto-install.lock"))
        .or_else(|_| {
            std::fs::create_dir_all(root.join("target"))?;
            std::fs::File::create(root.join("target/.moto-install.lock"))
        })
        .expect("lock file");
    lock.lock().expect("lock");
    if !(bin.exists() && current().as_deref() == Some(wanted.as_str())) {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        if !venv.join("bin/pip").exists() {
            run(Command::new(&python).arg("-m").arg("venv").arg(&venv));
        }
        run(Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements));
        std::fs::write(&stamp, &wanted).expect("stamp");
    }
    lock.unlock().ok();
    bin
}

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(status.success(), "{cmd:?} failed: {status}");
}

/// A running moto server; killed when dropped.
pub struct Moto {
    child: Child,
    port: u16,
    /// Where moto writes the requests it records ([`Moto::start_recording`]).
    recording: PathBuf,
}

/// One request moto recorded: the API action it called and its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCall {
    /// The action: `ListAccessKeys` (query protocols: the `Action` parameter; JSON
    /// protocols: the `X-Amz-Target` operation), else the method and path.
    pub action: String,
    /// The request's form body or query string, URL-decoded (`UserName=bob&...`).
    pub params: String,
}

impl Moto {
    /// Start a fresh server with the AWS managed policies loaded.
    pub fn start() -> Moto {
        Self::start_with(&[])
    }

    /// Start a fresh server with extra environment variables.
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let bin = moto_server_bin();
        for _ in 0..5 {
            let port = free_port();
            let recording = std::env::temp_dir()
                .join(format!("rampart-moto-{}-{port}.jsonl", std::process::id()));
            let _ = std::fs::remove_file(&recording);
            let mut cmd = Command::new(&bin);
            cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
                .env("MOTO_RECORDER_FILEPATH", &recording)
                .env_remove("AWS_ENDPOINT_URL")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            for (k, v) in env {
                cmd.env(k, v);
            }
            let child = cmd.spawn().expect("spawn moto_server");
            let mut moto = Moto {
                child,
                port,
                recording,
            };
            if moto.wait_ready(Duration::from_secs(60)) {
                return moto;
            }
            let _ = moto.child.kill();
        }
        panic!("moto server did not start");
    }

    fn wait_ready(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if self.control("GET", "/moto-api/data.json", "").is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// A plain HTTP request to moto's own control API (not an AWS API).
    fn control(&self, method: &str, path: &str, body: &str) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        out.starts_with("HTTP/1.1 200").then_some(out)
    }

    /// From now on, every request must be signed by an IAM identity of the emulated account
    /// and allowed by its policies (moto's IAM enforcement).
    pub fn enforce_iam(&self) {
        self.control("POST", "/moto-api/reset-auth", "0")
            .expect("moto reset-auth");
    }

    /// From now on, moto records every request it serves (its recorder), for
    /// [`Moto::recorded_calls`]: what was called, counted by moto itself.
    pub fn start_recording(&self) {
        self.control("POST", "/moto-api/recorder/reset-recording", "")
            .expect("moto reset-recording");
        self.control("POST", "/moto-api/recorder/start-recording", "")
            .expect("moto start-recording");
    }

    /// The requests recorded since [`Moto::start_recording`], in order.
    pub fn recorded_calls(&self) -> Vec<RecordedCall> {
        use base64::Engine as _;
        let text = std::fs::read_to_string(&self.recording).unwrap_or_default();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let entry: serde_json::Value =
                    serde_json::from_str(line).expect("a moto recording line");
                let body = entry["body"].as_str().unwrap_or_default();
                let body = if entry["body_encoded"].as_bool() == Some(true) {
                    base64::engine::general_purpose::STANDARD
                        .decode(body)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default()
                } else {
                    body.to_owned()
                };
                let url = entry["url"].as_str().unwrap_or_default();
                let query = url.split_once('?').map_or("", |(_, q)| q);
                let params = form_decode(&format!("{body}&{query}"));
                let header = |name: &str| {
                    entry["headers"].as_object().and_then(|h| {
                        h.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(name))
                            .and_then(|(_, v)| v.as_str())
                    })
                };
                let action = params
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("Action="))
                    .map(str::to_owned)
                    .or_else(|| {
                        header("X-Amz-Target").map(|t| t.rsplit('.').next().unwrap_or(t).to_owned())
                    })
                    .unwrap_or_else(|| {
                        format!("{} {url}", entry["method"].as_str().unwrap_or_default())
                    });
                RecordedCall { action, params }
            })
            .collect()
    }

    /// The endpoint URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SDK configuration pointing at this server, with the given static credentials.
    pub async fn sdk_config_as(&self, access_key: &str, secret: &str) -> SdkConfig {
        sdk_config_for(&self.endpoint(), access_key, secret).await
    }

    /// SDK configuration with moto's default test credentials.
    pub async fn sdk_config(&self) -> SdkConfig {
        self.sdk_config_as("testing", "testing").await
    }

    /// Environment for running the `rampart` binary against this server.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
            ("AWS_REGION".into(), "us-east-1".into()),
            ("AWS_ENDPOINT_URL".into(), self.endpoint()),
        ]
    }

    /// Like [`Moto::env`], signed with another user's access key.
    pub fn env_as(&self, (key, secret): (String, String)) -> Vec<(String, String)> {
        let mut env = self.env();
        env.retain(|(k, _)| k != "AWS_ACCESS_KEY_ID" && k != "AWS_SECRET_ACCESS_KEY");
        env.push(("AWS_ACCESS_KEY_ID".into(), key));
        env.push(("AWS_SECRET_ACCESS_KEY".into(), secret));
        env
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.recording);
    }
}

/// A form-encoded string (`a=b%2Fc+d`) decoded: `%XX` and `+`.
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// SDK configuration for an emulator at `endpoint` with static credentials (region
/// us-east-1, rustls on ring, as rampart itself uses).
pub async fn sdk_config_for(endpoint: &str, access_key: &str, secret: &str) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            access_key,
            secret,
            None,
            None,
            "rampart-testkit",
        ))
        .load()
        .await
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
