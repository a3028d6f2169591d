//! The store: every scan kept, in an embedded SQLite file or a PostgreSQL database.
//!
//! A resource revision is written only when the resource's content changes; a finding's
//! states and the coverage of each part of the account are intervals of scans (first seen,
//! last seen), so thirty scans of a quiet account cost little more than one. What a scan did
//! not read is unknown for that scan: never removed, never resolved.

pub mod change;
pub mod extract;
pub mod model;

pub use model::*;
