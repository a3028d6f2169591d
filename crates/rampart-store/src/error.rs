//! What can go wrong with a store, each error naming the store it is about.

/// An error from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store's schema is newer than this build knows.
    #[error(
        "{location}: this store was written by a newer rampart (store schema {found}; this \
         rampart reads up to {known}); upgrade rampart, or give another --store"
    )]
    Newer {
        /// The store (PostgreSQL passwords hidden).
        location: String,
        /// Schema version found.
        found: i64,
        /// Newest schema version this build knows.
        known: i64,
    },
    /// The file is not a SQLite database, or not a rampart store.
    #[error("{location}: not a rampart store, or damaged ({message}); it was left as it is")]
    Corrupt {
        /// The store.
        location: String,
        /// What SQLite said.
        message: String,
    },
    /// The PostgreSQL server could not be reached or refused the connection.
    #[error("{location}: cannot connect to PostgreSQL: {message}")]
    Unreachable {
        /// The store (password hidden).
        location: String,
        /// What the driver said.
        message: String,
    },
    /// The store does not exist (read-only commands never create one).
    #[error("{0}: no store there yet (every `rampart scan` and `rampart collect` stores its result unless --no-store)")]
    Missing(String),
    /// The store's file or folder could not be created or opened.
    #[error("{location}: {message}")]
    Io {
        /// The store.
        location: String,
        /// The I/O error.
        message: String,
    },
    /// Migrating the schema failed.
    #[error("store migration failed: {0}")]
    Migration(String),
    /// A request the store cannot answer (no such scan, two accounts, ...).
    #[error("{0}")]
    Invalid(String),
    /// No change with this id in the store.
    #[error(
        "no change {0} in the store (`rampart fix --apply` prints the id of each change it makes)"
    )]
    UnknownChange(String),
    /// The change's status does not allow what was asked (undoing a failed change, ...).
    #[error("change {id} is {status}: {refused}")]
    ChangeState {
        /// The change.
        id: String,
        /// Its status.
        status: crate::ChangeStatus,
        /// What was refused, and why.
        refused: &'static str,
    },
    /// A SQLite error.
    #[error("store (SQLite): {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL error.
    #[error("store (PostgreSQL): {0}")]
    Postgres(#[from] postgres::Error),
    /// Stored data that does not parse.
    #[error("store: stored data does not parse: {0}")]
    Data(#[from] serde_json::Error),
}
