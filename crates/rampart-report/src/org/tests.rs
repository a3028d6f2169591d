use super::*;
use crate::json::JsonArray;

fn skipped(id: &str) -> AccountEntry {
    AccountEntry {
        account_id: id.into(),
        name: String::new(),
        tags: BTreeMap::new(),
        outcome: AccountOutcome::Skipped {
            reason: "suspended".into(),
        },
    }
}

// Issue 10: the header sorts its accounts, counts them by outcome and totals only the
// scanned ones; an account that could not be read is counted apart, never as clean.
#[test]
fn header_sorts_counts_and_totals() {
    let mut scanned = skipped("300000000003");
    let mut summary = Summary {
        total: 4,
        fail: 3,
        pass: 1,
        ..Default::default()
    };
    summary.fail_by_severity.high = 3;
    scanned.outcome = AccountOutcome::Scanned {
        summary,
        regions_scanned: 2,
        collection_errors: 0,
    };
    let mut unreadable = skipped("100000000001");
    unreadable.outcome = AccountOutcome::Error {
        reason: "AccessDenied".into(),
    };
    let at = DateTime::<Utc>::default();
    let mut header = OrgHeader::new(
        vec![
            scanned.clone(),
            skipped("200000000002"),
            unreadable,
            scanned,
        ],
        at,
        at,
    );
    let ids: Vec<&str> = header
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(ids[0], "100000000001");
    assert_eq!(
        header.counts(),
        AccountCounts {
            scanned: 2,
            error: 1,
            skipped: 1
        }
    );
    assert_eq!(header.summary.fail, 6);
    assert_eq!(header.summary.fail_by_severity.high, 6);
    assert_eq!(header.shards_label(), None);
    header.shards = vec![Shard { index: 1, count: 4 }, Shard { index: 3, count: 4 }];
    assert_eq!(header.shards_label().unwrap(), "shards 1/4, 3/4");
}

// Issue 10: an array streamed element by element is laid out exactly as serde_json lays
// out the whole array, at any depth, empty or not.
#[test]
fn streamed_arrays_match_serde_layout() {
    let values = [
        serde_json::json!({ "a": [1, 2], "b": { "c": "line\nbreak" } }),
        serde_json::json!([]),
        serde_json::json!("x"),
    ];
    for n in 0..=values.len() {
        let mut out = Vec::new();
        let mut array = JsonArray::open(&mut out, "").unwrap();
        for v in &values[..n] {
            array.push(&mut out, v).unwrap();
        }
        array.close(&mut out).unwrap();
        let expected = serde_json::to_string_pretty(&values[..n]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected, "{n} elements");
    }
}
