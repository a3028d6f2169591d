//! Names, keys, reasons and change lines come from whoever controls the account: in every
//! format they are shown as written and cannot act (DEVELOPERS.md, hostile data).

use crate::fixture::{self, HOSTILE};
use crate::{diff, history, show};
use rampart_report::history::{HistoryFormat, ViewOptions};
use rampart_store::model::ScanDiff;

/// The page with its style and the style's hash cut out (they belong to the HTML report
/// and change with it).
pub fn without_style(html: &str) -> String {
    let start = html.find("<style>").expect("a style") + "<style>".len();
    let end = html.find("</style>").expect("its end");
    let page = format!("{}…{}", &html[..start], &html[end..]);
    let hash = page.find("style-src 'sha256-").expect("a style hash") + "style-src '".len();
    let hash_end = hash + page[hash..].find('\'').expect("the hash's end");
    format!("{}sha256-…{}", &page[..hash], &page[hash_end..])
}

/// The hostile name as the terminal formats show it.
const SHOWN: &str = r"web<script>alert(1)</script>|`x`\x1b[31mred\nFAKE: line";

// Hostile data: on the terminal, the escape sequence and the line break in a name are shown
// escaped, so no colour is set and no line is forged, with or without colour.
#[test]
fn terminal_shows_controls_escaped() {
    let d = fixture::hostile_diff();
    for color in [false, true] {
        for verbose in [false, true] {
            let o = ViewOptions {
                color,
                width: 80,
                verbose,
            };
            let text = diff(&d, HistoryFormat::Text, &o);
            assert!(!text.contains("\u{1b}[31mred"), "{text}");
            assert!(!text.lines().any(|l| l.starts_with("FAKE")), "{text}");
            assert!(text.contains(SHOWN), "{text}");
            if !color {
                assert!(!text.contains('\u{1b}'), "{text}");
            }
        }
    }
    let mut scans = fixture::scans();
    scans[0].source = format!("snapshot:{HOSTILE}");
    let text = history(&scans, HistoryFormat::Text, &crate::opts(80, true));
    assert!(
        !text.contains('\u{1b}')
            && !text
                .lines()
                .any(|l| l.contains("FAKE") && !l.contains(SHOWN)),
        "{text}"
    );
}

// Hostile data: `show` prints a body pretty, with what JSON leaves raw (DEL, C1 controls
// such as the 8-bit CSI, bidirectional overrides) shown escaped, and the key and name too.
#[test]
fn show_escapes_names_and_bodies() {
    let mut h = fixture::alice();
    h.name = Some(HOSTILE.into());
    h.key = format!("arn:aws:iam::111122223333:user/{HOSTILE}");
    h.revisions[1].body = Some(serde_json::json!({
        "UserName": HOSTILE,
        "Tags": {"x": "csi\u{9b}31m del\u{7f} \u{202e}cod.exe"}
    }));
    h.revisions[1].changes[0].text = HOSTILE.into();
    let text = show(
        &h,
        Some(fixture::day(5)),
        HistoryFormat::Text,
        &ViewOptions::default(),
    );
    assert!(
        !text
            .chars()
            .any(|c| c != '\n' && rampart_output::is_unsafe_char(c)),
        "{text:?}"
    );
    assert!(
        text.contains(r"csi\x9b31m del\x7f \u{202e}cod.exe"),
        "{text}"
    );
    assert!(text.contains(SHOWN), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("FAKE")), "{text}");
    // JSON keeps the text exactly, escaped as JSON.
    let json = show(&h, None, HistoryFormat::Json, &ViewOptions::default());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["name"], HOSTILE);
    assert!(!json.contains('\u{1b}'));
}

// Hostile data: the HTML page escapes every string and has no script at all; its policy
// would refuse one anyway.
#[test]
fn html_escapes_everything() {
    let html = diff(
        &fixture::hostile_diff(),
        HistoryFormat::Html,
        &ViewOptions::default(),
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("script-src 'none'"), "{html}");
    assert!(
        html.contains("web&lt;script&gt;alert(1)&lt;/script&gt;|`x`"),
        "{html}"
    );
    assert!(
        !html.contains("\"web"),
        "a name closed an attribute: {html}"
    );
    // Every tag in the page is one of the page's own.
    let allowed = [
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "span",
        "dl", "div", "dt", "dd", "time", "main", "section", "a", "p", "table", "thead", "tbody",
        "tr", "th", "td", "code", "strong", "footer",
    ];
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        assert!(allowed.contains(&name.as_str()), "<{name}> in {html}");
    }
}

/// Each table row of `md` as GFM parses it: the cells' text (text and code joined).
fn rows(md: &str) -> Vec<Vec<String>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap()),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => rows.push(std::mem::take(&mut row)),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = &mut cell {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows
}

fn assert_markdown_safe(md: &str) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
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
    assert!(
        !md.chars()
            .any(|c| c != '\n' && rampart_output::is_unsafe_char(c)),
        "{md:?}"
    );
}

// Hostile data: in Markdown, a name with HTML, a pipe, backticks, an escape sequence and
// a line break stays in its table cell, shown as written, with no HTML or link (checked
// with a GFM parser): every row has its table's number of cells.
#[test]
fn markdown_keeps_names_in_their_cells() {
    let d: ScanDiff = fixture::hostile_diff();
    let md = diff(&d, HistoryFormat::Markdown, &ViewOptions::default());
    assert_markdown_safe(&md);
    let flat = SHOWN.replace(r"\n", " ");
    let rows = rows(&md);
    let findings = rows.iter().filter(|r| r.len() == 7).count();
    assert_eq!(findings, 1 + 6, "{md}");
    let resources = rows.iter().filter(|r| r.len() == 4).count();
    // Header and one row a line of the changed resources (added 1, changed 2 + 2,
    // removed 1 with no line), then the unknown resources' table (header and 1 row).
    assert_eq!(resources, 1 + 6 + 1 + 1, "{md}");
    let shown_as_written = rows.iter().flatten().filter(|c| c.contains(&flat)).count();
    assert!(
        shown_as_written >= 10,
        "{shown_as_written} cells show the name:\n{md}"
    );
    assert!(
        rows.iter()
            .flatten()
            .any(|c| c == &format!("sg-0abc1234 ({flat}) line {flat}")
                || c.contains(&format!("line {flat}"))),
        "{md}"
    );

    let mut scans = fixture::scans();
    scans[0].account_id = HOSTILE.into();
    let md = history(&scans, HistoryFormat::Markdown, &ViewOptions::default());
    assert_markdown_safe(&md);
    for row in super::hostile::rows(&md).iter().filter(|r| r.len() > 5) {
        assert!(row.len() == 13 || row.len() == 5, "{row:?}\n{md}");
    }
}
