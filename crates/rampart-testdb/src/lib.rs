//! A throwaway PostgreSQL server for the store's tests: initdb into a fresh temporary
//! directory, `postgres` on a free 127.0.0.1 port, a database per test, and the server
//! stopped and its directory removed when the [`PgServer`] is dropped or the test process
//! ends, however it ends.
//!
//! How the server is tied to the test process: the server is started by a small `sh`
//! supervisor whose standard input is a pipe from the test process. The test process never
//! writes to it, so the supervisor reads end-of-file exactly when the pipe is closed: by
//! [`PgServer`]'s `Drop`, or by the kernel when the test process exits or is killed (a
//! static [`shared`] server is never dropped). On end-of-file the supervisor asks
//! `postgres` for a fast shutdown, waits for it and removes the directory. Unlike a
//! parent-death signal, this does not depend on which thread started the server, and it
//! survives the change of user below.
//!
//! As root (CI), PostgreSQL refuses to run: the supervisor, `initdb` and `postgres` then
//! run as the `postgres` user created by Debian's `postgresql` package (`setpriv`), in a
//! directory owned by that user.
//!
//! A test takes its own database on the test binary's one server:
//! `let url = rampart_testkit::postgres::shared().create_database("store_records_a_scan");`

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The superuser name `initdb` creates; every URL connects as it (trust authentication,
/// 127.0.0.1 and the private socket directory only).
pub const SUPERUSER: &str = "rampart";

/// The OS user PostgreSQL runs as when the tests run as root (created by Debian's
/// `postgresql` package).
const SERVICE_USER: &str = "postgres";

/// How long `initdb` and server start-up may take on a loaded machine.
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// How long a fast shutdown may take before the server is told to quit immediately.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// The supervisor. Arguments: the directory, the directory of the server binaries, the
/// superuser's name, then the `postgres` options. Files it keeps in the directory: `data/` (the cluster),
/// `initdb.log`, `server.log`, `pid` (the postmaster's pid), `exited` (written when
/// `postgres` has exited: its exit status, or `initdb` when initdb failed) and `stop`
/// (written when standard input reached end-of-file). The watcher and the main line
/// each write their own mark before reading the other's, so a stop that arrives while
/// `initdb` or start-up runs is never lost.
const SUPERVISOR: &str = r#"
set -u
dir=$1; bin=$2; superuser=$3; shift 3
exec 3<&0 </dev/null
{
    cat <&3 >/dev/null
    : >"$dir/stop"
    if [ -s "$dir/pid" ] && [ ! -e "$dir/exited" ]; then
        kill -INT "$(cat "$dir/pid")" 2>/dev/null
    fi
} &
exec 3<&-
if "$bin/initdb" -D "$dir/data" -U "$superuser" --auth=trust --no-locale --encoding=UTF8 \
        --no-sync >"$dir/initdb.log" 2>&1 && [ ! -e "$dir/stop" ]; then
    "$bin/postgres" -D "$dir/data" "$@" >"$dir/server.log" 2>&1 &
    pg=$!
    echo "$pg" >"$dir/pid"
    if [ -e "$dir/stop" ]; then kill -INT "$pg" 2>/dev/null; fi
    wait "$pg"
    echo "$?" >"$dir/exited"
else
    echo initdb >"$dir/exited"
fi
wait
rm -rf "$dir"
"#;

/// A running PostgreSQL server on 127.0.0.1, in its own temporary directory. Dropping it
/// stops the server (fast shutdown) and removes the directory; so does the end of the test
/// process, for a server that is never dropped ([`shared`]).
pub struct PgServer {
    supervisor: Child,
    /// The pipe whose end-of-file stops the server; `None` once closed.
    lifeline: Option<ChildStdin>,
    dir: PathBuf,
    port: u16,
}

/// The server shared by every test of one test binary: started on first use, stopped when
/// the test process ends.
pub fn shared() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(PgServer::start)
}

impl PgServer {
    /// Start a fresh server: a new cluster in a new temporary directory, listening on a
    /// free port of 127.0.0.1 and on a unix socket in that directory. Returns once it
    /// accepts connections.
    ///
    /// # Panics
    /// When the server binaries are missing (the message names the Debian package), when
    /// running as root without a `postgres` user, or when the server does not start (the
    /// message carries the end of its log).
    pub fn start() -> PgServer {
        let bin = bin_dir();
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(&bin) {
                Ok(server) => return server,
                // Another process took the port between our probe and the server's bind.
                Err(Failure::PortTaken(log)) => last = log,
                Err(Failure::Fatal(message)) => panic!("{message}"),
            }
        }
        panic!("PostgreSQL test server: no free port after 5 tries; last log:\n{last}");
    }

    fn try_start(bin: &Path) -> Result<PgServer, Failure> {
        let dir = private_dir();
        let as_service_user = hand_to_service_user(&dir);
        let port = free_port();
        let mut cmd = if as_service_user {
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={SERVICE_USER}"))
                .arg(format!("--regid={SERVICE_USER}"))
                .args(["--init-groups", "--", "/bin/sh"]);
            c
        } else {
            Command::new("/bin/sh")
        };
        cmd.arg("-c")
            .arg(SUPERVISOR)
            .arg("rampart-pg-supervisor")
            .arg(&dir)
            .arg(bin)
            .arg(SUPERUSER)
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-k"])
            .arg(&dir)
            .args([
                "-c",
                "unix_socket_permissions=0700",
                // Throwaway data: durability only costs time.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "shared_buffers=32MB",
                "-c",
                "max_connections=200",
            ])
            .current_dir(&dir)
            .env_remove("PGDATA")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Out of the terminal's process group: Ctrl-C ends the test process, and its
            // end (not the signal) stops the server, after which the directory is removed.
            .process_group(0);
        let mut supervisor = match cmd.spawn() {
            Ok(child) => child,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                let what = if as_service_user {
                    "setpriv"
                } else {
                    "/bin/sh"
                };
                return Err(Failure::Fatal(format!(
                    "PostgreSQL test server: cannot run {what}: {e}"
                )));
            }
        };
        let lifeline = supervisor.stdin.take();
        let mut server = PgServer {
            supervisor,
            lifeline,
            dir,
            port,
        };
        server.wait_ready()?;
        Ok(server)
    }

    /// Poll until the server answers, its supervisor reports an exit, or time runs out.
    /// On failure the log is read before `self` is dropped (which removes the directory).
    fn wait_ready(&mut self) -> Result<(), Failure> {
        let deadline = Instant::now() + START_TIMEOUT;
        let mut config: ::postgres::Config = self.url().parse().expect("a postgres URL");
        config.connect_timeout(Duration::from_secs(5));
        loop {
            if let Ok(exited) = std::fs::read_to_string(self.dir.join("exited")) {
                let server_log = self.log("server.log");
                if exited.trim() == "initdb" {
                    return Err(Failure::Fatal(format!(
                        "PostgreSQL test server: initdb failed in {}:\n{}",
                        self.dir.display(),
                        self.log("initdb.log")
                    )));
                }
                if server_log.contains("could not bind") {
                    return Err(Failure::PortTaken(server_log));
                }
                return Err(Failure::Fatal(format!(
                    "PostgreSQL test server exited during start-up (status {}):\n{server_log}",
                    exited.trim()
                )));
            }
            if let Ok(Some(status)) = self.supervisor.try_wait() {
                return Err(Failure::Fatal(format!(
                    "PostgreSQL test server: its supervisor ended ({status}) before the server \
                     started; can the server's user write to {}?",
                    self.dir.display()
                )));
            }
            if let Ok(mut client) = config.connect(::postgres::NoTls) {
                if client.simple_query("SELECT 1").is_ok() {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(Failure::Fatal(format!(
                    "PostgreSQL test server did not accept connections within {:?}; log:\n{}{}",
                    START_TIMEOUT,
                    self.log("initdb.log"),
                    self.log("server.log")
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last lines of one of the supervisor's logs (empty when it is not written yet).
    fn log(&self, name: &str) -> String {
        let text = std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// URL of the server's `postgres` database: `postgres://rampart@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    fn url_of(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's temporary directory (cluster, logs and unix socket); removed when the
    /// server stops.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The postmaster's process id.
    pub fn pid(&self) -> u32 {
        std::fs::read_to_string(self.dir.join("pid"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .expect("the supervisor writes the postmaster's pid before the server is ready")
    }

    /// Create an empty database named `name` and return its URL, so each test has its own
    /// database on one server.
    ///
    /// # Panics
    /// When `name` is not 1 to 63 ASCII letters, digits, `_` or `-`, when the database
    /// exists, or when the server does not answer.
    pub fn create_database(&self, name: &str) -> String {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        assert!(
            valid,
            "database name {name:?}: use 1 to 63 ASCII letters, digits, '_' or '-'"
        );
        let mut admin = ::postgres::Client::connect(&self.url(), ::postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the PostgreSQL test server: {e}"));
        // The name is checked above: letters, digits, '_' and '-' need no escaping inside
        // a quoted identifier.
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        self.url_of(name)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        // End-of-file on the supervisor's input: fast shutdown, then the directory goes.
        drop(self.lifeline.take());
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if !matches!(self.supervisor.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // A fast shutdown that hangs: immediate shutdown, then the supervisor finishes.
        if let Ok(pid) = std::fs::read_to_string(self.dir.join("pid")) {
            let _ = Command::new("kill")
                .args(["-QUIT", pid.trim()])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.supervisor.wait();
    }
}

/// Why one start attempt failed.
enum Failure {
    /// The port was taken before the server bound it: try another.
    PortTaken(String),
    /// Anything else: give up with this message.
    Fatal(String),
}

/// The directory of `initdb` and `postgres`: `RAMPART_PG_BINDIR`, else the newest
/// `/usr/lib/postgresql/<version>/bin` (Debian), else the `PATH`.
fn bin_dir() -> PathBuf {
    let has_both = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    if let Some(dir) = std::env::var_os("RAMPART_PG_BINDIR") {
        let dir = PathBuf::from(dir);
        assert!(
            has_both(&dir),
            "RAMPART_PG_BINDIR={}: no initdb and postgres there",
            dir.display()
        );
        return dir;
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_both(&bin).then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find(|d| has_both(d));
    on_path.unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries (initdb, postgres) not found in \
             /usr/lib/postgresql/<version>/bin or on PATH: install Debian's `postgresql` \
             package (apt-get install postgresql), or set RAMPART_PG_BINDIR"
        )
    })
}

/// A new, empty directory readable by its owner only: `rampart-pg-<pid>-<n>` in the
/// temporary directory.
fn private_dir() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let tmp = std::env::temp_dir();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = tmp.join(format!("rampart-pg-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                    .expect("chmod the PostgreSQL test directory");
                return dir;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => panic!("create {}: {e}", dir.display()),
        }
    }
}

/// When the process runs as root (the directory it just made is owned by uid 0), PostgreSQL
/// must run as the `postgres` user: give `dir` to that user and return true. Otherwise the
/// server runs as the current user: false.
fn hand_to_service_user(dir: &Path) -> bool {
    let owner = std::fs::metadata(dir)
        .expect("stat the test directory")
        .uid();
    if owner != 0 {
        return false;
    }
    let mut passwd = String::new();
    std::fs::File::open("/etc/passwd")
        .and_then(|mut f| f.read_to_string(&mut passwd))
        .expect("read /etc/passwd");
    let ids = passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 3 && fields[0] == SERVICE_USER)
            .then(|| {
                Some((
                    fields[2].parse::<u32>().ok()?,
                    fields[3].parse::<u32>().ok()?,
                ))
            })
            .flatten()
    });
    let Some((uid, gid)) = ids else {
        let _ = std::fs::remove_dir(dir);
        panic!(
            "running as root, and PostgreSQL refuses to: no `{SERVICE_USER}` user to run it \
             as (Debian's `postgresql` package creates it)"
        );
    };
    std::os::unix::fs::chown(dir, Some(uid), Some(gid)).expect("chown the test directory");
    true
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
