use crate::fixture::{hostile, many, report, MARKDOWN_HOSTILE, TRICKY_ARN};
use rampart_report::{render_markdown, MARKDOWN_MAX_ROWS};

/// The table rows (lines starting with `| ` after the separator).
fn rows(md: &str) -> Vec<&str> {
    md.lines()
        .skip_while(|l| !l.starts_with("|---"))
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .collect()
}

/// Cells of a table row, splitting at unescaped `|`.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in row.trim().trim_matches('|').chars() {
        match (escaped, c) {
            (false, '\\') => escaped = true,
            (false, '|') => cells.push(String::new()),
            (_, c) => {
                if escaped && c != '|' {
                    cells.last_mut().unwrap().push('\\');
                }
                escaped = false;
                cells.last_mut().unwrap().push(c);
            }
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

// Issue 4, Markdown PR comment: headline counts, new failures first, muted findings
// counted and never listed as failures, the compliance line and the collection gaps.
#[test]
fn summary_has_counts_table_compliance_and_gaps() {
    let report = report();
    let md = render_markdown(&report);
    let s = &report.summary;
    assert!(md.contains(&format!("**{} failing**", s.fail)), "{md}");
    assert!(md.contains("1 critical, 2 high, 1 low, 1 info"), "{md}");
    assert!(md.contains(&format!("{} muted", s.muted)));
    assert!(md.contains(&format!("{} could not be evaluated", s.error)));
    assert!(md.contains("**2 new**, 2 unchanged, 1 resolved"), "{md}");
    let c = report.compliance.as_ref().unwrap();
    assert!(md.contains(&format!("score {:.1}%", c.score)), "{md}");
    assert!(md.contains(&format!("{} MANUAL", c.counts["MANUAL"])));
    assert!(md.contains("**2 failed API calls**"));
    assert!(md.contains("mutelist rule \\`old-rule\\` expired"));

    let rows = rows(&md);
    assert_eq!(rows.len() as u64, s.fail);
    // Every row has four cells, the escaped pipes and line break notwithstanding.
    for row in &rows {
        assert_eq!(cells(row).len(), 4, "{row}");
    }
    // New failures first.
    assert!(
        rows[0].contains("(new)") && rows[1].contains("(new)"),
        "{md}"
    );
    assert!(!rows[2].contains("(new)"));
    // The muted finding is not in the table.
    assert!(!md.contains("sg-0bastion"));
    // Markup in a cell is escaped: a pipe does not open a column, a newline does not
    // end the row.
    let tricky = rows.iter().find(|r| r.contains("it's")).unwrap();
    assert!(tricky.contains(r"\|a,role"));
    // The resource is a code span, shown as written; the reason is escaped text.
    assert!(tricky.contains("`arn:aws:iam::111122223333:role/team&ops/<admin>/"));
    assert!(tricky.contains(r#""Admin\|All" &lt;attached&gt; & used, second line"#));
    let _ = TRICKY_ARN;
}

// GitHub rejects comments over 65,536 characters: 50,000 findings stay well under, with
// the table cut to its maximum and the cut said.
#[test]
fn size_is_bounded_whatever_the_number_of_findings() {
    let report = many(50_000);
    let md = render_markdown(&report);
    assert!(md.len() < 16_000, "{} bytes", md.len());
    assert_eq!(rows(&md).len(), MARKDOWN_MAX_ROWS);
    assert!(md.contains("20 of 50000 failing findings shown"));
    // New ones (every seventh) come first, so the 20 rows are all new.
    assert!(rows(&md).iter().all(|r| r.contains("(new)")));
}

#[test]
fn clean_report_says_so() {
    let report = many(0);
    let md = render_markdown(&report);
    assert!(md.contains("**No failing findings**"));
    assert!(rows(&md).is_empty());
}

/// The table rows of `md` as CommonMark/GFM parses them: each cell's text (text and code
/// spans joined, `None` when the cell holds anything else: a link, an image, HTML,
/// emphasis), and whether each cell is one code span.
fn parsed_rows(md: &str) -> Vec<Vec<(Option<String>, bool)>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut row: Vec<(Option<String>, bool)> = Vec::new();
    let mut cell: Option<(Option<String>, usize, usize)> = None; // text, events, code spans
    let mut in_head = false;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                row.clear();
            }
            Event::Start(Tag::TableCell) => cell = Some((Some(String::new()), 0, 0)),
            Event::End(TagEnd::TableCell) => {
                let (text, events, codes) = cell.take().expect("in a cell");
                row.push((text, events == 1 && codes == 1));
            }
            Event::End(TagEnd::TableRow) if !in_head => rows.push(std::mem::take(&mut row)),
            Event::End(TagEnd::TableRow) => row.clear(),
            e => {
                if let Some((text, events, codes)) = &mut cell {
                    *events += 1;
                    match e {
                        Event::Text(t) => text.as_mut().map(|s| s.push_str(&t)),
                        Event::Code(t) => {
                            *codes += 1;
                            text.as_mut().map(|s| s.push_str(&t))
                        }
                        _ => {
                            *text = None;
                            None
                        }
                    };
                }
            }
        }
    }
    rows
}

// Issue 9, defect 6: a resource name with a run of backticks, brackets, pipes, a
// backslash before a pipe or HTML stays inside its table cell and is shown as written:
// no live link, image or HTML, four cells a row (checked with a CommonMark/GFM parser).
#[test]
fn names_cannot_break_out_of_code_spans_or_cells() {
    let report = hostile();
    let md = render_markdown(&report);
    use pulldown_cmark::{Event, Options, Parser, Tag};
    for event in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        assert!(
            !matches!(
                event,
                Event::Start(Tag::Link { .. } | Tag::Image { .. })
                    | Event::Html(_)
                    | Event::InlineHtml(_)
            ),
            "{event:?} in:\n{md}"
        );
    }
    let rows = parsed_rows(&md);
    assert_eq!(rows.len(), MARKDOWN_HOSTILE.len() + 1, "{md}");
    for row in &rows {
        assert_eq!(row.len(), 4, "{row:?}\n{md}");
    }
    for (i, name) in MARKDOWN_HOSTILE.iter().enumerate() {
        let row = rows
            .iter()
            .find(|r| r[3].0.as_deref() == Some(format!("reason {i}: {name}").as_str()))
            .unwrap_or_else(|| panic!("no row with reason {i} shown as written:\n{md}"));
        assert_eq!(row[2].0.as_deref(), Some(*name), "{md}");
        // Shown as code, except after a backslash before a pipe, which code cannot carry.
        assert_eq!(row[2].1, !name.contains("\\|"), "{name}: {md}");
    }
}

// Issue 9, defect 1: control characters from data are shown escaped in the Markdown
// report too (it is printed on a terminal when no output file is given).
#[test]
fn control_characters_are_shown_escaped() {
    let md = render_markdown(&hostile());
    assert!(
        !md.chars()
            .any(|c| c != '\n' && rampart_output::is_unsafe_char(c)),
        "{md:?}"
    );
    let shown =
        r"mf-\x1b]0;pwned\x07-\x1b[2J-\x1b[8mhidden-\x9b31m-\x7f-\u{202e}cod.exe FAKE: all clear";
    let rows = parsed_rows(&md);
    let row = rows
        .iter()
        .find(|r| r[2].0.as_deref().is_some_and(|t| t.ends_with(shown)))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(row[2].1, "the resource is a code span: {row:?}");
    assert_eq!(
        row[3].0.as_deref(),
        Some(format!("metric filter {shown} has no alarm").as_str())
    );
    assert!(md.contains(r"(aws") && md.contains(r"pwned\\x07"), "{md}");
}
