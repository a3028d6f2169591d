//! Tests over the whole registry, one table for every check (like ruff's rule tables): each
//! check declares the data it needs, exactly, and never passes on data it could not read.
//!
//! The inventories are made by walking a rich inventory's JSON and turning `Collected`
//! nodes (`{"ok": ...}`) into gaps (`{"missing": ...}`): all of them, a whole service, a
//! whole region, or one at a time. The inventories they start from are the example snapshot
//! (`examples/demo-snapshot.json`, collected from moto) and its schema 3 predecessor
//! (`tests/data/demo-snapshot-schema-3.json`), the empty fixture account (every
//! list read and empty) and an account built to take checks down their longer paths, so
//! that each check is seen both with data and without.
//!
//! Adding a check needs nothing here: the tables run over [`registry`].

use crate::checks::fixtures::Fixture;
use crate::{registry, Check, Context, Finding, Service, Settings, Status};
use rampart_inventory::{Gap, Inventory};
use serde_json::Value;
use std::collections::BTreeMap;

/// Services that no check reads, each with the reason. Empty today: every collector feeds
/// at least one check.
const NOT_NEEDED_BY_ANY_CHECK: &[(Service, &str)] = &[];

/// The example snapshot, as JSON.
fn demo() -> Value {
    serde_json::from_str(include_str!("../../../../examples/demo-snapshot.json"))
        .expect("examples/demo-snapshot.json is valid JSON")
}

/// The example snapshot as schema 3 wrote it (every user's `ListAccessKeys`, no per-key
/// answers): older snapshots must evaluate by the same rules (issue 10).
fn demo_schema_3() -> Value {
    serde_json::from_str(include_str!("../../tests/data/demo-snapshot-schema-3.json"))
        .expect("tests/data/demo-snapshot-schema-3.json is valid JSON")
}

/// The fixture account: one region, every list read and empty.
fn empty_account() -> Value {
    serde_json::to_value(Fixture::new().inv).unwrap()
}

/// An account that takes the checks down their longer paths: the management account of an
/// organization, the CIS monitoring chain complete for every section 5 pattern, a publicly
/// accessible RDS instance, an enabled GuardDuty detector, and the footholds of the joined
/// attack paths (an exposed instance, a leaked live key, a public function, each leading to
/// data, and a user who escalates to an administrator).
fn exercised_account() -> Value {
    use crate::checks::{cloudwatch, ec2, guardduty, organizations, rds};
    use rampart_inventory::Collected;
    let mut fx = cloudwatch::testing::all_chains();
    organizations::testing::management(&mut fx, "ALL");
    let public = rampart_inventory::DbInstance {
        publicly_accessible: true,
        ..rds::testing::db("public-db")
    };
    rds::testing::rds(&mut fx).instances = Collected::Ok(vec![public]);
    ec2::testing::ec2(&mut fx).security_groups =
        Collected::Ok(vec![ec2::testing::sg("sg-db", "db", vec![])]);
    fx.region("us-east-1").guardduty.detectors = Collected::Ok(vec![guardduty::testing::detector(
        "12abc34d567e8fa901bc2d34e56789f0",
        "ENABLED",
    )]);
    crate::checks::paths::testing::footholds(&mut fx);
    serde_json::to_value(fx.inv).unwrap()
}

/// The rich inventories the tests start from, by name.
fn bases() -> Vec<(&'static str, Value)> {
    vec![
        ("demo snapshot", demo()),
        ("schema 3 demo snapshot", demo_schema_3()),
        ("empty account", empty_account()),
        ("exercised account", exercised_account()),
    ]
}

/// Whether a check judges region by region: it reads regional data only, and none of its
/// findings over the bases is account-wide (`global`). Such a check must say when a region's
/// data is missing; one that judges the account may rightly decide from another region (a
/// multi-region trail is seen from every region).
fn judges_by_region(check: &Check, bases: &[(&str, Value)]) -> bool {
    check.meta.needs.iter().all(|s| !s.is_global())
        && bases.iter().all(|(_, base)| {
            run(check, &inventory(base))
                .iter()
                .all(|f| f.region != "global")
        })
}

/// The gap every made-missing node holds.
fn gap() -> Value {
    serde_json::to_value(Gap {
        api: "test:MadeMissing".into(),
        code: "AccessDenied".into(),
        message: "made missing by the registry test".into(),
    })
    .unwrap()
}

/// Whether a JSON node is a read `Collected` (`{"ok": ...}`).
fn is_ok_node(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key("ok"))
}

/// Whether a JSON node is a `Collected` of either kind.
fn is_collected_node(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.len() == 1
            && (o.contains_key("ok")
                || o.get("missing")
                    .is_some_and(|g| g.get("api").is_some() && g.get("code").is_some()))
    })
}

/// Turn every `Collected` node under `v` into a gap (the outermost ones: what is under a gap
/// is gone with it).
fn blank(v: &mut Value) {
    if is_collected_node(v) {
        *v = serde_json::json!({ "missing": gap() });
        return;
    }
    match v {
        Value::Object(o) => o.values_mut().for_each(blank),
        Value::Array(a) => a.iter_mut().for_each(blank),
        _ => {}
    }
}

/// JSON pointers to every read `Collected` node, nested ones included, in document order.
fn ok_nodes(v: &Value) -> Vec<String> {
    fn walk(v: &Value, at: &str, out: &mut Vec<String>) {
        if is_ok_node(v) {
            out.push(at.to_owned());
        }
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    walk(x, &format!("{at}/{k}"), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, "", &mut out);
    out
}

/// The scanned regions of an inventory.
fn regions(v: &Value) -> Vec<String> {
    v["regional"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// `base` with the data of `service` made missing: in every region, or in `region` only.
fn without_service(base: &Value, service: Service, region: Option<&str>) -> Value {
    let mut v = base.clone();
    let field = service.inventory_field();
    if service.is_global() {
        if region.is_none() {
            match service.inventory_subfield() {
                Some(sub) => match v[field].get_mut(sub) {
                    Some(part) => blank(part),
                    None => v[field][sub] = serde_json::json!({ "missing": gap() }),
                },
                None => blank(&mut v[field]),
            }
        }
    } else {
        for r in regions(base) {
            if region.is_none_or(|only| only == r) {
                blank(&mut v["regional"][&r][field]);
            }
        }
    }
    v
}

fn inventory(v: &Value) -> Inventory {
    serde_json::from_value(v.clone()).expect("a made-missing inventory still deserializes")
}

/// One check's findings, sorted as `evaluate` sorts them.
fn run(check: &Check, inv: &Inventory) -> Vec<Finding> {
    let settings = Settings::default();
    let mut f = (check.run)(&Context::new(inv, &settings));
    f.sort_by(|a, b| (&a.region, &a.resource, &a.reason).cmp(&(&b.region, &b.resource, &b.reason)));
    f
}

/// What a finding is about: its region and resource.
type Key = (String, String);

fn by_key(findings: &[Finding]) -> BTreeMap<Key, Vec<&Finding>> {
    let mut map: BTreeMap<Key, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        map.entry((f.region.clone(), f.resource.clone()))
            .or_default()
            .push(f);
    }
    map
}

/// The rule for an inventory where some data is missing (`variant`) compared with the same
/// inventory whole (`full`). Returns what is wrong, if anything.
///
/// "A check must not PASS on what it could not see" is judged by difference, because which
/// of the missing data a check reads is known only to the check:
/// 1. Missing data never creates a PASS: every PASS of the variant is about a resource
///    (region and resource) that passed on the whole inventory. Its reason may change: the
///    check decided on what it did see and may say what it could not (a trail seen only
///    from another region passes on its configuration, "delivery status not read").
/// 2. Missing data never changes the findings silently: when a finding of the whole
///    inventory is gone, has another status, or a new one appears (a FAIL on what could
///    not be seen), the variant holds an ERROR that the whole inventory did not (a new
///    resource in ERROR, or one whose status became ERROR). A check that drops its
///    findings, or turns a PASS into nothing, when the data it read is gone fails here
///    (`guardduty_findings_routed` with unreadable detectors did).
///
/// A finding that is the same with and without the data is taken as not depending on it.
/// So that this says something, the bases hold data in the lists the checks read, and
/// [`needs_are_declared_exactly`] checks at service level that every declared need changes
/// the outcome. The blind spot: a nested value that is empty in every base (a bucket
/// without logging) and that a check would read a gap in as empty; the all-missing and
/// one-region tests still cover every top-level list.
fn judge_partial(full: &[Finding], variant: &[Finding]) -> Option<String> {
    let full_keys = by_key(full);
    let variant_keys = by_key(variant);
    for f in variant.iter().filter(|f| f.status == Status::Pass) {
        let before = full_keys.get(&(f.region.clone(), f.resource.clone()));
        let passed = before.is_some_and(|b| b.iter().any(|b| b.status == Status::Pass));
        if !passed {
            return Some(format!(
                "PASS that the whole inventory did not give: {} {}: {}",
                f.region, f.resource, f.reason
            ));
        }
    }
    let statuses = |fs: Option<&Vec<&Finding>>| -> Vec<Status> {
        let mut s: Vec<Status> = fs.into_iter().flatten().map(|f| f.status).collect();
        s.sort();
        s
    };
    let changed: Vec<&Key> = full_keys
        .keys()
        .chain(variant_keys.keys())
        .filter(|k| statuses(full_keys.get(*k)) != statuses(variant_keys.get(*k)))
        .collect();
    if changed.is_empty() {
        return None;
    }
    let new_error = variant_keys.iter().any(|(k, fs)| {
        fs.iter().any(|f| f.status == Status::Error)
            && !statuses(full_keys.get(k)).contains(&Status::Error)
    });
    if new_error {
        None
    } else {
        Some(format!(
            "findings changed without a new ERROR saying why: {}",
            changed
                .iter()
                .map(|(r, res)| format!("{r} {res}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// Run `what` for every check and collect the failures into one report.
fn for_every_check(mut what: impl FnMut(&Check) -> Vec<String>) {
    let mut failures = Vec::new();
    for check in registry() {
        for problem in what(check) {
            failures.push(format!("{}: {problem}", check.meta.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// Issue 9: every check declares the data it needs, once each.
#[test]
fn every_check_declares_needs() {
    for_every_check(|c| {
        let mut problems = Vec::new();
        if c.meta.needs.is_empty() {
            problems.push("declares no needs".to_owned());
        }
        for (i, s) in c.meta.needs.iter().enumerate() {
            if c.meta.needs[..i].contains(s) {
                problems.push(format!("declares {s} twice"));
            }
        }
        problems
    });
}

// Issue 9: every collector feeds a check, or says here why not (a collector nothing reads
// costs API calls for nothing; one missing from every `needs` is never run by a scan).
#[test]
fn every_service_is_needed_by_a_check() {
    for s in Service::ALL {
        let needed = registry().iter().any(|c| c.meta.needs.contains(&s));
        let excused = NOT_NEEDED_BY_ANY_CHECK.iter().any(|(n, _)| *n == s);
        assert!(
            needed != excused,
            "{s}: needed by a check: {needed}, listed as not: {excused}"
        );
    }
}

// Issue 9: `needs` is exact. Without a service it does not declare, a check gives the same
// findings (it does not read it); without one it declares, its findings change in at least
// one of the bases (it reads it; whether it says so is the missing-data tests' business).
#[test]
fn needs_are_declared_exactly() {
    let checks = registry();
    // changes[check][service]: whether the check's findings changed without the service.
    let mut changes = vec![[false; Service::ALL.len()]; checks.len()];
    for (_, base) in bases() {
        let whole = inventory(&base);
        let full: Vec<Vec<Finding>> = checks.iter().map(|c| run(c, &whole)).collect();
        for (si, s) in Service::ALL.into_iter().enumerate() {
            let without = inventory(&without_service(&base, s, None));
            for (ci, c) in checks.iter().enumerate() {
                changes[ci][si] |= run(c, &without) != full[ci];
            }
        }
    }
    for_every_check(|c| {
        let ci = checks.iter().position(|x| x.meta.id == c.meta.id).unwrap();
        let mut problems = Vec::new();
        for (si, s) in Service::ALL.into_iter().enumerate() {
            let declared = c.meta.needs.contains(&s);
            if declared && !changes[ci][si] {
                problems.push(format!(
                    "declares {s}, but its findings are the same without it"
                ));
            }
            if !declared && changes[ci][si] {
                problems.push(format!(
                    "reads {s} (its findings change without it) but does not declare it"
                ));
            }
        }
        problems
    });
}

/// Every check over every variant of every base. `variants` makes a base's variants (a
/// label and the inventory's JSON); `judge` says what is wrong, if anything, with one check's
/// findings on a variant (`variant`) given its findings on the whole base (`full`). Each
/// variant is read once and all checks run over it. Returns how many variants there were.
fn over_variants(
    variants: impl Fn(&Value) -> Vec<(String, Value)>,
    judge: impl Fn(&Check, &[Finding], &[Finding], &str) -> Option<String>,
) -> usize {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, base) in bases() {
        let whole = inventory(&base);
        let full: Vec<Vec<Finding>> = registry().iter().map(|c| run(c, &whole)).collect();
        for (label, v) in variants(&base) {
            count += 1;
            let inv = inventory(&v);
            for (c, full) in registry().iter().zip(&full) {
                if let Some(p) = judge(c, full, &run(c, &inv), &label) {
                    failures.push(format!("{}: {name} without {label}: {p}", c.meta.id));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

// Issue 9: over an inventory where every list is missing, every check gives at least one
// ERROR and never a PASS or a FAIL: it saw nothing, so it can judge nothing.
#[test]
fn all_data_missing_gives_error_never_pass() {
    let bases = bases();
    for_every_check(|c| {
        let mut problems = Vec::new();
        for (name, base) in &bases {
            let mut v = base.clone();
            blank(&mut v);
            let findings = run(c, &inventory(&v));
            if !findings.iter().any(|f| f.status == Status::Error) {
                problems.push(format!("{name}: no ERROR when nothing could be read"));
            }
            for f in findings.iter().filter(|f| f.status != Status::Error) {
                problems.push(format!(
                    "{name}: {} when nothing could be read: {} {}: {}",
                    f.status, f.region, f.resource, f.reason
                ));
            }
        }
        problems
    });
}

// Issue 9: with one region's data missing (every service in it), no check passes on it or
// drops findings silently; see `judge_partial` for the rule.
#[test]
fn one_region_missing_never_passes_on_it() {
    let all = bases();
    let by_region: BTreeMap<&str, bool> = registry()
        .iter()
        .map(|c| (c.meta.id, judges_by_region(c, &all)))
        .collect();
    let variants = over_variants(
        |base| {
            regions(base)
                .into_iter()
                .map(|region| {
                    let mut v = base.clone();
                    blank(&mut v["regional"][&region]);
                    (region, v)
                })
                .collect()
        },
        |c, full, variant, region| {
            if let Some(p) = judge_partial(full, variant) {
                return Some(p);
            }
            // A check that judges region by region says so in the region it could not
            // read, even when it had nothing to say there before.
            let said = variant
                .iter()
                .any(|f| f.status == Status::Error && f.region == region);
            (by_region[c.meta.id] && !said).then(|| format!("no ERROR in {region}"))
        },
    );
    assert!(variants >= 4, "{variants} variants");
}

// Issue 9: with the data of one API call missing (one `Collected` at a time, nested ones
// included: a bucket's policy, a rule's targets, a user's keys), no check passes on it or
// drops findings silently; see `judge_partial` for the rule.
#[test]
fn one_api_missing_never_passes_on_it() {
    let variants = over_variants(
        |base| {
            ok_nodes(base)
                .into_iter()
                .map(|at| {
                    let mut v = base.clone();
                    *v.pointer_mut(&at).unwrap() = serde_json::json!({ "missing": gap() });
                    (at, v)
                })
                .collect()
        },
        |_, full, variant, _| judge_partial(full, variant),
    );
    // The walk reaches nested data (a bucket's policy), not only the top-level lists.
    assert!(variants > 150, "{variants} variants");
}

// Issue 9: the rule itself: a check that drops its findings when its data is missing, or
// passes on it, is caught; one that turns them into ERROR is not.
#[test]
fn judge_partial_catches_silence_and_blind_passes() {
    let fx = Fixture::new();
    let settings = Settings::default();
    let ctx = Context::new(&fx.inv, &settings);
    let meta = registry()[0].meta;
    let pass = ctx.finding(meta, "us-east-1", "arn:x").pass("fine");
    let error = ctx
        .finding(meta, "us-east-1", "arn:x")
        .error(&Gap::not_collected());
    let fail = ctx.finding(meta, "us-east-1", "arn:y").fail("bad");
    assert!(judge_partial(std::slice::from_ref(&pass), &[]).is_some());
    assert!(judge_partial(std::slice::from_ref(&pass), std::slice::from_ref(&error)).is_none());
    assert!(judge_partial(&[], std::slice::from_ref(&pass)).is_some());
    assert!(judge_partial(std::slice::from_ref(&fail), std::slice::from_ref(&pass)).is_some());
    assert!(judge_partial(&[pass.clone(), fail.clone()], std::slice::from_ref(&pass)).is_some());
    // A PASS about the same resource may change its reason (it says what it could not read).
    let less = ctx
        .finding(meta, "us-east-1", "arn:x")
        .pass("fine (status not read)");
    assert!(judge_partial(std::slice::from_ref(&pass), &[less]).is_none());
    // A FAIL that appears on missing data, with nothing saying what was missing.
    assert!(judge_partial(&[], std::slice::from_ref(&fail)).is_some());
    assert!(judge_partial(&[], &[fail.clone(), error.clone()]).is_none());
    let other_resource = ctx.finding(meta, "us-east-1", "arn:z").pass("fine");
    assert!(judge_partial(&[pass], &[other_resource]).is_some());
}
