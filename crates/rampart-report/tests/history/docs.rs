//! docs/history.md shows real output: every text example on the page is what the views
//! print for the fixture, so the page cannot drift from the code.

use crate::fixture::{self, day};
use crate::{diff, history, opts, show};
use rampart_report::history::HistoryFormat;
use std::path::Path;

/// The page's fenced blocks that have no language (the terminal examples).
fn text_examples() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/history.md");
    let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match (&mut current, line) {
            (None, "```") => current = Some(String::new()),
            (None, l) if l.starts_with("```") => current = Some("\u{0}".into()),
            (Some(block), "```") => {
                if !block.starts_with('\u{0}') {
                    blocks.push(std::mem::take(block));
                }
                current = None;
            }
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

// Issue 11: the documented outputs are the real ones (a block is either a piece of one
// output, or lines each found in the diff).
#[test]
fn examples_are_real_output() {
    let o = opts(80, false);
    let outputs = [
        history(&fixture::scans(), HistoryFormat::Text, &o),
        show(&fixture::alice(), Some(day(5)), HistoryFormat::Text, &o),
        diff(&fixture::diff(), HistoryFormat::Text, &o),
    ];
    let examples = text_examples();
    assert!(examples.len() >= 3, "{examples:?}");
    for block in examples {
        let whole = outputs.iter().any(|out| out.contains(&block));
        let lines = block.lines().all(|l| outputs[2].lines().any(|d| d == l));
        assert!(whole || lines, "not in any output:\n{block}");
    }
}
