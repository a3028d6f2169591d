//! Unit tests of the views' pieces; the views themselves are tested in
//! `tests/history.rs`.
