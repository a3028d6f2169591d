//! The account's trails, each once. DescribeTrails lists a trail in every region it applies
//! to (a multi-region trail appears everywhere as a shadow copy), but only the copy in its
//! home region carries the status and event selectors read there.

use crate::{CheckMeta, Context, Finding, FindingBuilder};
use rampart_inventory::{Bucket, Gap, Trail};
use std::collections::BTreeMap;

/// Every distinct trail seen in the scanned regions, and the regions whose trails could not
/// be listed.
pub(crate) struct Trails<'a> {
    /// Each trail once, in ARN order: the copy listed in its home region when that region
    /// was read, else the first shadow copy met (in region order).
    pub trails: Vec<&'a Trail>,
    /// Regions whose trail list is missing, with the gap: trails homed there may be unseen.
    pub unread: Vec<(&'a str, &'a Gap)>,
}

impl<'a> Trails<'a> {
    /// Collect the trails of every scanned region, deduplicated by ARN.
    pub fn of(ctx: &Context<'a>) -> Self {
        let mut by_arn: BTreeMap<&'a str, (&'a Trail, bool)> = BTreeMap::new();
        let mut unread = Vec::new();
        for (region, data) in ctx.regions() {
            let listed = match data.cloudtrail.trails.get() {
                Ok(listed) => listed,
                Err(gap) => {
                    unread.push((region, gap));
                    continue;
                }
            };
            for trail in listed {
                let home = trail.home_region == region;
                by_arn
                    .entry(trail.arn.as_str())
                    .and_modify(|seen| {
                        if home && !seen.1 {
                            *seen = (trail, true);
                        }
                    })
                    .or_insert((trail, home));
            }
        }
        Trails {
            trails: by_arn.into_values().map(|(trail, _)| trail).collect(),
            unread,
        }
    }
}

/// The shape of a per-trail check: one finding per trail (region: its home region;
/// resource: its ARN) from `judge`, and one ERROR per region whose trails could not be listed.
pub(crate) fn per_trail(
    ctx: &Context,
    meta: &'static CheckMeta,
    judge: impl Fn(&Trail, FindingBuilder) -> Finding,
) -> Vec<Finding> {
    let trails = Trails::of(ctx);
    let mut findings: Vec<Finding> = trails
        .unread
        .iter()
        .map(|(region, gap)| {
            ctx.finding(meta, region, ctx.region_resource("cloudtrail", region))
                .error_reason(unread_reason(region, gap))
        })
        .collect();
    findings.extend(
        trails
            .trails
            .iter()
            .map(|trail| judge(trail, ctx.finding(meta, &trail.home_region, &trail.arn))),
    );
    findings
}

/// The reason of an ERROR for a region whose trails could not be listed.
pub(crate) fn unread_reason(region: &str, gap: &Gap) -> String {
    format!(
        "could not be evaluated: the trails of {region} could not be listed, so trails homed \
         there are unseen: {}",
        gap.describe()
    )
}

/// Where a trail's S3 bucket was found.
pub(crate) enum TrailBucket<'a> {
    /// Among this account's buckets.
    Owned(&'a Bucket),
    /// Not among this account's buckets (which were read): it belongs to another account.
    Elsewhere(&'a str),
    /// The trail names no bucket.
    None,
    /// This account's bucket list could not be read.
    Unread(&'a Gap),
}

impl<'a> TrailBucket<'a> {
    /// Look up the bucket a trail delivers to among the account's buckets.
    pub fn of(ctx: &Context<'a>, trail: &'a Trail) -> Self {
        let Some(name) = trail.s3_bucket_name.as_deref() else {
            return TrailBucket::None;
        };
        match ctx.inventory.s3.buckets.get() {
            Err(gap) => TrailBucket::Unread(gap),
            Ok(buckets) => match buckets.iter().find(|b| b.name == name) {
                Some(bucket) => TrailBucket::Owned(bucket),
                None => TrailBucket::Elsewhere(name),
            },
        }
    }
}

/// The reason of an ERROR for a trail whose bucket settings cannot be read from this account.
pub(crate) fn bucket_unreadable(trail: &Trail, bucket: &TrailBucket) -> String {
    let name = &trail.name;
    match bucket {
        TrailBucket::Elsewhere(b) => format!(
            "could not be evaluated: bucket {b} of trail `{name}` is not one of this account's \
             buckets (it is likely in a separate log-archive account), so its settings cannot \
             be read from here; evaluate it in the account that owns it"
        ),
        TrailBucket::Unread(gap) => format!(
            "could not be evaluated: the account's S3 buckets could not be listed, so the \
             bucket of trail `{name}` is unknown: {}",
            gap.describe()
        ),
        TrailBucket::None => format!("could not be evaluated: trail `{name}` names no S3 bucket"),
        TrailBucket::Owned(b) => format!("bucket {} of trail `{name}` was read", b.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudtrail::testing::{add, list, shadow, trail};
    use crate::checks::fixtures::{denied, Fixture};
    use crate::{Settings, Status};
    use rampart_inventory::Collected;

    // CIS 4.1: a multi-region trail listed in three regions is one trail, taken from its home
    // region (the only copy with a status), whichever region is read first.
    #[test]
    fn shadow_copies_collapse_to_the_home_copy() {
        let mut fx = Fixture::new();
        fx.region("ap-south-1");
        fx.region("eu-west-1");
        add(&mut fx, trail("main", "eu-west-1"));
        let settings = Settings::default();
        let ctx = Context::new(&fx.inv, &settings);
        let trails = Trails::of(&ctx);
        assert_eq!(trails.trails.len(), 1);
        assert_eq!(trails.trails[0].home_region, "eu-west-1");
        assert!(trails.trails[0].status.is_ok());
        assert!(trails.unread.is_empty());
    }

    // CIS 4.1: a trail whose home region was not read is still seen, through a shadow copy.
    #[test]
    fn trail_of_an_unscanned_home_is_kept_from_its_shadow() {
        let mut fx = Fixture::new();
        let home = trail("org", "eu-central-1");
        list(&mut fx, "us-east-1", shadow(&home));
        let settings = Settings::default();
        let ctx = Context::new(&fx.inv, &settings);
        let trails = Trails::of(&ctx);
        assert_eq!(trails.trails.len(), 1);
        assert_eq!(trails.trails[0].arn, home.arn);
        assert!(!trails.trails[0].status.is_ok());
    }

    // CIS 4.1: distinct trails stay distinct, and an unread region is reported, not skipped.
    #[test]
    fn unread_regions_are_reported() {
        let mut fx = Fixture::new();
        add(&mut fx, trail("a", "us-east-1"));
        let mut single = trail("b", "us-east-1");
        single.is_multi_region = false;
        add(&mut fx, single);
        fx.region("eu-west-1").cloudtrail.trails =
            Collected::Missing(denied("cloudtrail:DescribeTrails"));
        let settings = Settings::default();
        let ctx = Context::new(&fx.inv, &settings);
        let trails = Trails::of(&ctx);
        let names: Vec<&str> = trails.trails.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(trails.unread.len(), 1);
        assert_eq!(trails.unread[0].0, "eu-west-1");

        let meta = &crate::checks::cloudtrail::logging::META;
        let findings = per_trail(&ctx, meta, |t, f| f.pass(t.name.clone()));
        let seen: Vec<(Status, &str, &str)> = findings
            .iter()
            .map(|f| (f.status, f.region.as_str(), f.resource.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    Status::Error,
                    "eu-west-1",
                    "arn:aws:cloudtrail:eu-west-1:111122223333:*"
                ),
                (
                    Status::Pass,
                    "us-east-1",
                    "arn:aws:cloudtrail:us-east-1:111122223333:trail/a"
                ),
                (
                    Status::Pass,
                    "us-east-1",
                    "arn:aws:cloudtrail:us-east-1:111122223333:trail/b"
                ),
            ]
        );
    }
}
