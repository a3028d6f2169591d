//! The PostgreSQL test server (issue 11: the store's tests run on SQLite and on a real
//! PostgreSQL): it starts, serves isolated databases, and leaves nothing behind, whether it
//! is dropped or its test process ends.

use rampart_testdb::{shared, PgServer};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("connect")
}

/// The effective uid of a process, from `/proc/<pid>/status`.
fn euid(pid: &str) -> u32 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .expect("Uid line");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn uid_of(user: &str) -> u32 {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    passwd
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f[0] == user).then(|| f[2].parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no user {user}"))
}

/// Nothing of the server is left: its directory, its postmaster process, its port.
fn gone(pid: u32, dir: &Path, port: u16) -> bool {
    !dir.exists()
        && !Path::new(&format!("/proc/{pid}")).exists()
        && TcpStream::connect(("127.0.0.1", port)).is_err()
}

// Issue 11 (PostgreSQL harness): a server started on another thread keeps running after
// that thread ends, answers SQL at its URL on 127.0.0.1, runs as `postgres` under root,
// and after drop nothing of it is left.
#[test]
fn a_server_serves_sql_and_leaves_nothing_after_drop() {
    let server = std::thread::spawn(PgServer::start).join().unwrap();
    let url = server.url();
    assert!(
        url.starts_with("postgres://rampart@127.0.0.1:") && url.ends_with("/postgres"),
        "{url}"
    );
    let mut client = connect(&url);
    let row = client
        .query_one(
            "SELECT current_setting('server_version_num')::int, 40 + 2",
            &[],
        )
        .unwrap();
    assert!(row.get::<_, i32>(0) >= 100_000);
    assert_eq!(row.get::<_, i32>(1), 42);
    let listen: String = client
        .query_one("SELECT current_setting('listen_addresses')", &[])
        .unwrap()
        .get(0);
    assert_eq!(listen, "127.0.0.1");

    let (pid, dir, port) = (server.pid(), server.dir().to_owned(), server.port());
    let me = euid("self");
    let expected = if me == 0 { uid_of("postgres") } else { me };
    assert_eq!(euid(&pid.to_string()), expected, "the server's user");
    assert!(dir.join("data/PG_VERSION").is_file());

    // A connection still open does not hold the server up: fast shutdown.
    drop(server);
    assert!(gone(pid, &dir, port), "server left behind after drop");
    assert!(client.simple_query("SELECT 1").is_err());
}

// Issue 11 (PostgreSQL harness): each test gets its own database on the shared server, and
// what one writes the other does not see.
#[test]
fn databases_on_the_shared_server_are_isolated() {
    let server = shared();
    assert!(std::ptr::eq(server, shared()), "one server per test binary");
    let a = server.create_database("isolation_a");
    let b = server.create_database("isolation-b");
    assert!(a.ends_with("/isolation_a") && b.ends_with("/isolation-b"));
    let mut ca = connect(&a);
    ca.batch_execute("CREATE TABLE scans (id int); INSERT INTO scans VALUES (7)")
        .unwrap();
    let mut cb = connect(&b);
    let table: Option<String> = cb
        .query_one("SELECT to_regclass('scans')::text", &[])
        .unwrap()
        .get(0);
    assert_eq!(table, None, "database b sees a's table");
    let database: String = cb
        .query_one("SELECT current_database()", &[])
        .unwrap()
        .get(0);
    assert_eq!(database, "isolation-b");
    let id: i32 = ca.query_one("SELECT id FROM scans", &[]).unwrap().get(0);
    assert_eq!(id, 7);
}

// Issue 11 (hostile data never reaches SQL unescaped): a database name that would need
// quoting is refused, and a name taken twice is an error, not a silent reuse.
#[test]
fn database_names_are_checked() {
    let server = shared();
    for name in [
        "",
        "x\"; DROP DATABASE postgres; --",
        "a b",
        &"n".repeat(64),
    ] {
        let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            server.create_database(name)
        }));
        assert!(refused.is_err(), "{name:?} accepted");
    }
    server.create_database("twice");
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        server.create_database("twice")
    }));
    assert!(again.is_err(), "a database created twice");
}

/// Run by the two tests below in a child process (this test binary again): start the shared
/// server, report it (after libtest's `test NAME ... ` on the same line), then exit or wait
/// to be killed.
#[test]
#[ignore = "a child process of the_server_stops_when_its_test_process_*"]
fn process_holding_a_shared_server() {
    let Ok(mode) = std::env::var("RAMPART_PG_CHILD") else {
        return;
    };
    let server = shared();
    println!(
        "PGSERVER {} {} {}",
        server.pid(),
        server.port(),
        server.dir().display()
    );
    if mode == "hold" {
        // Long enough to be killed; bounded, so a parent that fails leaves nothing for long.
        std::thread::sleep(Duration::from_secs(120));
    }
}

/// The child process; killed if the test fails before it ends.
struct Held(Child);

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn child_with_server(mode: &str) -> (Held, u32, u16, PathBuf) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "process_holding_a_shared_server",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RAMPART_PG_CHILD", mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let held = Held(child);
    while let Some(line) = out.next() {
        let line = line.unwrap();
        if let Some((_, rest)) = line.split_once("PGSERVER ") {
            let f: Vec<&str> = rest.splitn(3, ' ').collect();
            // Read the rest, so the child's last words do not meet a closed pipe.
            std::thread::spawn(move || out.for_each(drop));
            return (
                held,
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                PathBuf::from(f[2]),
            );
        }
    }
    panic!("the child process reported no server");
}

fn wait_gone(pid: u32, dir: &Path, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !gone(pid, dir, port) {
        assert!(
            Instant::now() < deadline,
            "server {pid} on port {port} ({}) left behind by its test process",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

// Issue 11 (a server left behind after a test binary ends is a defect): the shared server is
// a static, never dropped; when its process is killed (SIGKILL, no destructor, no atexit),
// the server still stops and its directory goes.
#[test]
fn the_server_stops_when_its_test_process_is_killed() {
    let (mut held, pid, port, dir) = child_with_server("hold");
    assert!(dir.exists() && Path::new(&format!("/proc/{pid}")).exists());
    held.0.kill().unwrap();
    held.0.wait().unwrap();
    wait_gone(pid, &dir, port);
}

// Issue 11: the same when the test process simply ends.
#[test]
fn the_server_stops_when_its_test_process_exits() {
    let (mut held, pid, port, dir) = child_with_server("exit");
    assert!(held.0.wait().unwrap().success());
    wait_gone(pid, &dir, port);
}
