//! What every rampart output shares, whoever renders it: text taken from hostile data (AWS
//! resource names, tags, file names in a tree) made safe to print on a terminal or in a
//! CI log.

mod terminal;

pub use terminal::{is_unsafe_char, terminal_safe};
