//! Where the store is and how it is opened: a SQLite file (created with mode 0600, in the
//! user's data directory unless given) or a PostgreSQL URL; the schema migrated with
//! refinery; a store from a newer rampart, a damaged file or an unreachable server refused
//! before anything is written.

use crate::db::{Conn, Val};
use crate::StoreError;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod sqlite_migrations {
    refinery::embed_migrations!("migrations/sqlite");
}
mod postgres_migrations {
    refinery::embed_migrations!("migrations/postgres");
}

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL (`postgres://user:password@host:port/db`).
    Postgres(String),
}

impl StoreLocation {
    /// `postgres://…` or `postgresql://…` is a PostgreSQL URL; anything else a file path.
    pub fn parse(arg: &str) -> StoreLocation {
        if arg.starts_with("postgres://") || arg.starts_with("postgresql://") {
            StoreLocation::Postgres(arg.to_owned())
        } else {
            StoreLocation::Sqlite(PathBuf::from(arg))
        }
    }

    /// The default store: `rampart/store.db` in the user's data directory
    /// (`$XDG_DATA_HOME`, else `~/.local/share`); none when neither is known.
    pub fn default_location() -> Option<StoreLocation> {
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".local/share"))
            })?;
        Some(StoreLocation::Sqlite(base.join("rampart").join("store.db")))
    }
}

impl std::fmt::Display for StoreLocation {
    /// The path, or the URL with its password hidden.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Sqlite(p) => write!(f, "{}", p.display()),
            StoreLocation::Postgres(url) => f.write_str(&hide_password(url)),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (auth, host) = match rest.rfind('@') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => return url.to_owned(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***{host}"),
        None => url.to_owned(),
    }
}

/// Newest schema version this build knows.
pub(crate) fn known_version() -> i64 {
    sqlite_migrations::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0)
}

/// Open (and create, when `create`) the store, migrated to this build's schema.
pub(crate) fn open(location: &StoreLocation, create: bool) -> Result<Conn, StoreError> {
    match location {
        StoreLocation::Sqlite(path) => open_sqlite(location, path, create),
        StoreLocation::Postgres(url) => open_postgres(location, url),
    }
}

fn io_error(location: &StoreLocation, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io {
        location: location.to_string(),
        message: e.to_string(),
    }
}

fn open_sqlite(location: &StoreLocation, path: &Path, create: bool) -> Result<Conn, StoreError> {
    if !path.exists() {
        if !create {
            return Err(StoreError::Missing(location.to_string()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_error(location, e))?;
        }
        // Mode 0600 from the start: the store holds the account's configuration. SQLite
        // gives its -wal and -shm files the database file's mode.
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        match opts.open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_error(location, e)),
        }
    }
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        rusqlite::Connection::open_with_flags(path, flags).map_err(|e| corrupt(location, e))?;
    conn.busy_timeout(Duration::from_secs(300))?;
    let corrupt_err = |e: rusqlite::Error| corrupt(location, e);
    // Read before writing anything: a damaged file fails here and is left untouched.
    let tables: Vec<String> = {
        let mut st = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .map_err(corrupt_err)?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(corrupt_err)?;
        rows.collect::<Result<_, _>>().map_err(corrupt_err)?
    };
    let mut conn = Conn::Sqlite(conn);
    let mut current = false;
    if !tables.is_empty() {
        if !tables.iter().any(|t| t == "refinery_schema_history") {
            return Err(StoreError::Corrupt {
                location: location.to_string(),
                message: format!(
                    "a SQLite database with other tables ({})",
                    tables.join(", ")
                ),
            });
        }
        current = refuse_newer(&mut conn, location)?;
    }
    // Per connection; the write-ahead log itself is a property of the file.
    // A larger page cache: storing a scan of 100,000 resources touches indexes all over.
    conn.batch(
        "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY",
    )?;
    if current {
        return Ok(conn);
    }
    conn.batch(
        "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 67108864;",
    )?;
    let Conn::Sqlite(mut raw) = conn else {
        unreachable!()
    };
    // Two processes may create the same new store at once: the second waits for the first
    // (busy timeout) and then finds the migrations applied.
    let mut result = sqlite_migrations::migrations::runner().run(&mut raw);
    if result.is_err() {
        result = sqlite_migrations::migrations::runner().run(&mut raw);
    }
    result.map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(Conn::Sqlite(raw))
}

fn corrupt(location: &StoreLocation, e: rusqlite::Error) -> StoreError {
    StoreError::Corrupt {
        location: location.to_string(),
        message: e.to_string(),
    }
}

/// Refuse a store whose schema is newer than this build's; whether it is already at this
/// build's version (then there is nothing to migrate, and nothing is written: a store being
/// written by another process opens at once).
fn refuse_newer(conn: &mut Conn, location: &StoreLocation) -> Result<bool, StoreError> {
    let found = conn
        .query_one("SELECT MAX(version) FROM refinery_schema_history", &[])?
        .and_then(|r| r.opt_int(0))
        .unwrap_or(0);
    let known = known_version();
    if found > known {
        return Err(StoreError::Newer {
            location: location.to_string(),
            found,
            known,
        });
    }
    Ok(found == known)
}

fn open_postgres(location: &StoreLocation, url: &str) -> Result<Conn, StoreError> {
    let unreachable = |e: &dyn std::fmt::Display| StoreError::Unreachable {
        location: location.to_string(),
        message: e.to_string(),
    };
    let mut config: postgres::Config = url.parse().map_err(|e| unreachable(&e))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name("rampart");
    let client = config
        .connect(postgres::NoTls)
        .map_err(|e| unreachable(&e))?;
    let mut conn = Conn::Postgres(Box::new(client));
    // One migrating process at a time; the others wait, then find nothing to do.
    conn.execute("SELECT pg_advisory_lock(?)", &[Val::Int(MIGRATION_LOCK)])?;
    let result = (|| {
        let exists = conn
            .query_one("SELECT to_regclass('refinery_schema_history')::text", &[])?
            .and_then(|r| r.opt_text(0).map(str::to_owned));
        if exists.is_some() && refuse_newer(&mut conn, location)? {
            return Ok(());
        }
        let Conn::Postgres(client) = &mut conn else {
            unreachable!()
        };
        postgres_migrations::migrations::runner()
            .run(client.as_mut())
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(())
    })();
    conn.execute("SELECT pg_advisory_unlock(?)", &[Val::Int(MIGRATION_LOCK)])?;
    result.map(|()| conn)
}

/// Advisory lock key of schema migrations (any constant: "rampart\0" as a number).
const MIGRATION_LOCK: i64 = 0x7261_6d70_6172_7400;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_hide_their_password() {
        assert_eq!(
            hide_password("postgres://alice:s3cret@127.0.0.1:5432/db"),
            "postgres://alice:***@127.0.0.1:5432/db"
        );
        assert_eq!(
            hide_password("postgres://alice@127.0.0.1/db"),
            "postgres://alice@127.0.0.1/db"
        );
        assert_eq!(
            StoreLocation::parse("postgresql://h/db"),
            StoreLocation::Postgres("postgresql://h/db".into())
        );
        assert_eq!(
            StoreLocation::parse("x.db"),
            StoreLocation::Sqlite("x.db".into())
        );
    }

    #[test]
    fn both_back_ends_have_the_same_migrations() {
        let versions = |ms: Vec<refinery::Migration>| {
            ms.iter()
                .map(|m| (m.version(), m.name().to_owned()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            versions(
                sqlite_migrations::migrations::runner()
                    .get_migrations()
                    .to_vec()
            ),
            versions(
                postgres_migrations::migrations::runner()
                    .get_migrations()
                    .to_vec()
            )
        );
    }
}
