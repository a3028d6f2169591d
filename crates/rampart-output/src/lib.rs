//! What every rampart output shares, whoever renders it: text taken from hostile data (AWS
//! resource names, tags, file names in a tree) made safe to print on a terminal or in a
//! CI log, or to send in a Slack message, report files written atomically without replacing what is not a regular file,
//! and the SARIF log that both SARIF outputs write ([`sarif`]).

mod file;
pub mod sarif;
mod slack;
mod terminal;

pub use file::{write_file, write_files, write_streams, Content, WriteError};
pub use slack::slack_escape;
pub use terminal::{is_unsafe_char, terminal_safe, terminal_safe_lines};
