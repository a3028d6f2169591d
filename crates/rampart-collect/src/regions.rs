//! Which regions a collection reads: the regions enabled for the account, narrowed by the
//! user's `--region` and `--exclude-region` lists. A pure function of the region list, so
//! that every case is tested without an account; a name that is not an enabled region, or
//! lists that leave nothing to scan, are refused rather than scanning nothing.

use crate::CollectError;
use rampart_inventory::{Gap, Regions, SkippedRegion};

/// A region `DescribeRegions` lists, with its opt-in status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AvailableRegion {
    /// Region name.
    pub(crate) name: String,
    /// `opt-in-not-required`, `opted-in` or `not-opted-in`.
    pub(crate) opt_in_status: String,
}

impl AvailableRegion {
    fn enabled(&self) -> bool {
        self.opt_in_status != "not-opted-in"
    }
}

/// The regions to read and those passed over (with the reason), from the account's region
/// list. `requested` empty means every enabled region.
///
/// Refused: a requested name that is not a region (`us-est-1`, `''`), a requested region
/// not enabled for the account, a region both requested and excluded, and lists that leave
/// no region to scan. The error lists the enabled regions.
pub(crate) fn select(
    available: &[AvailableRegion],
    requested: &[String],
    excluded: &[String],
) -> Result<Regions, CollectError> {
    let mut enabled: Vec<String> = available
        .iter()
        .filter(|r| r.enabled())
        .map(|r| r.name.clone())
        .collect();
    enabled.sort();
    enabled.dedup();
    let refuse = |problem: String| CollectError::RegionSelection {
        problem,
        enabled: enabled.clone(),
    };
    let mut problems = Vec::new();
    let unknown: Vec<&String> = requested
        .iter()
        .filter(|r| !available.iter().any(|a| &a.name == *r))
        .collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "unknown region(s) in --region: {}",
            quoted(&unknown)
        ));
    }
    let not_enabled: Vec<&String> = requested
        .iter()
        .filter(|r| available.iter().any(|a| &a.name == *r && !a.enabled()))
        .collect();
    if !not_enabled.is_empty() {
        problems.push(format!(
            "region(s) not enabled for this account: {}",
            quoted(&not_enabled)
        ));
    }
    let both: Vec<&String> = requested.iter().filter(|r| excluded.contains(r)).collect();
    if !both.is_empty() {
        problems.push(format!(
            "region(s) both requested (--region) and excluded (--exclude-region): {}",
            quoted(&both)
        ));
    }
    if !problems.is_empty() {
        return Err(refuse(problems.join("; ")));
    }
    let mut regions = Regions::default();
    for r in available {
        let reason = if excluded.contains(&r.name) {
            Some("excluded (--exclude-region or exclude_regions)".to_owned())
        } else if !r.enabled() {
            Some("not enabled for this account (opt-in region)".to_owned())
        } else if !requested.is_empty() && !requested.contains(&r.name) {
            Some("not requested (--region)".to_owned())
        } else {
            None
        };
        match reason {
            Some(reason) => regions.skipped.push(SkippedRegion {
                region: r.name.clone(),
                reason,
            }),
            None => regions.scanned.push(r.name.clone()),
        }
    }
    finish(regions).map_err(|()| refuse("no region left to scan".into()))
}

/// The regions to read when the region list itself could not be read (`gap`): the
/// requested ones (else `default_region`), less the excluded ones, with the failure
/// recorded as a skipped `*`.
pub(crate) fn fallback(
    requested: &[String],
    excluded: &[String],
    default_region: &str,
    gap: &Gap,
) -> Result<Regions, CollectError> {
    let refuse = |problem: String| CollectError::RegionSelection {
        problem: format!(
            "{problem} (the account's region list could not be read: {})",
            gap.describe()
        ),
        enabled: Vec::new(),
    };
    let empty: Vec<&String> = requested.iter().filter(|r| r.trim().is_empty()).collect();
    if !empty.is_empty() {
        return Err(refuse("an empty region name in --region".into()));
    }
    let wanted: Vec<String> = if requested.is_empty() {
        vec![default_region.to_owned()]
    } else {
        requested.to_vec()
    };
    let mut regions = Regions::default();
    for r in wanted {
        if excluded.contains(&r) {
            regions.skipped.push(SkippedRegion {
                region: r,
                reason: "excluded (--exclude-region or exclude_regions)".into(),
            });
        } else {
            regions.scanned.push(r);
        }
    }
    if requested.is_empty() {
        regions.skipped.push(SkippedRegion {
            region: "*".into(),
            reason: format!(
                "the region list could not be read ({}); only {default_region} was scanned",
                gap.describe()
            ),
        });
    }
    finish(regions).map_err(|()| refuse("no region left to scan".into()))
}

/// Sort and deduplicate; `Err` when nothing is left to scan.
fn finish(mut regions: Regions) -> Result<Regions, ()> {
    regions.scanned.sort();
    regions.scanned.dedup();
    regions.skipped.sort_by(|a, b| a.region.cmp(&b.region));
    if regions.scanned.is_empty() {
        Err(())
    } else {
        Ok(regions)
    }
}

/// `'a', 'b'`: names quoted so that an empty one shows.
fn quoted(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn available() -> Vec<AvailableRegion> {
        [
            ("us-east-1", "opt-in-not-required"),
            ("eu-west-1", "opt-in-not-required"),
            ("af-south-1", "opted-in"),
            ("ap-east-1", "not-opted-in"),
        ]
        .into_iter()
        .map(|(name, status)| AvailableRegion {
            name: name.into(),
            opt_in_status: status.into(),
        })
        .collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn refused(requested: &[&str], excluded: &[&str]) -> String {
        let err = select(&available(), &names(requested), &names(excluded)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("regions enabled for this account: af-south-1, eu-west-1, us-east-1"),
            "the error lists the enabled regions: {text}"
        );
        text
    }

    #[test]
    fn every_enabled_region_by_default() {
        let r = select(&available(), &[], &[]).unwrap();
        assert_eq!(r.scanned, names(&["af-south-1", "eu-west-1", "us-east-1"]));
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.skipped[0].region, "ap-east-1");
        assert!(r.skipped[0].reason.contains("not enabled"));
    }

    #[test]
    fn requested_and_excluded_narrow_the_enabled_regions() {
        let r = select(&available(), &names(&["eu-west-1", "us-east-1"]), &[]).unwrap();
        assert_eq!(r.scanned, names(&["eu-west-1", "us-east-1"]));
        let why = |r: &Regions, name: &str| {
            r.skipped
                .iter()
                .find(|s| s.region == name)
                .map(|s| s.reason.clone())
                .unwrap()
        };
        assert!(why(&r, "af-south-1").contains("not requested"));
        let r = select(&available(), &[], &names(&["us-east-1"])).unwrap();
        assert_eq!(r.scanned, names(&["af-south-1", "eu-west-1"]));
        assert!(why(&r, "us-east-1").contains("excluded"));
    }

    // Issue 9, defect 2: a mistyped, empty or not enabled region is refused with the list of
    // enabled regions, never a scan of nothing.
    #[test]
    fn unknown_empty_and_not_enabled_regions_are_refused() {
        let text = refused(&["us-est-1", "mars-1"], &[]);
        assert!(text.contains("'us-est-1', 'mars-1'"), "{text}");
        assert!(refused(&[""], &[]).contains("unknown region(s) in --region: ''"));
        assert!(refused(&["eu-west-1", "ap-east-1"], &[]).contains("not enabled"));
    }

    #[test]
    fn a_region_both_requested_and_excluded_is_refused() {
        let text = refused(&["eu-west-1", "us-east-1"], &["eu-west-1"]);
        assert!(text.contains("both requested"), "{text}");
        assert!(text.contains("'eu-west-1'"), "{text}");
    }

    #[test]
    fn no_region_left_is_refused() {
        let all = names(&["us-east-1", "eu-west-1", "af-south-1"]);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        assert!(refused(&[], &all).contains("no region left to scan"));
    }

    #[test]
    fn fallback_reads_requested_or_default_less_excluded() {
        let g = Gap {
            api: "ec2:DescribeRegions".into(),
            code: "AccessDenied".into(),
            message: "no".into(),
        };
        let r = fallback(&[], &[], "eu-west-1", &g).unwrap();
        assert_eq!(r.scanned, names(&["eu-west-1"]));
        assert_eq!(r.skipped[0].region, "*");
        let r = fallback(&names(&["b", "a"]), &names(&["b"]), "x", &g).unwrap();
        assert_eq!(r.scanned, names(&["a"]));
        let err = fallback(&names(&["a"]), &names(&["a"]), "x", &g).unwrap_err();
        assert!(err.to_string().contains("no region left to scan"), "{err}");
        assert!(fallback(&names(&[""]), &[], "x", &g).is_err());
    }
}
