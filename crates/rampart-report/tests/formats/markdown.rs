use crate::fixture::{many, report, TRICKY_ARN};
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
