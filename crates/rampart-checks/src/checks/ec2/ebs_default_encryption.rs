//! `ec2_ebs_default_encryption`: EBS encryption by default is on in every region.

use crate::{Check, CheckMeta, Context, Finding, Service, Severity};
use rampart_inventory::Collected;

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_ebs_default_encryption",
    title: "EBS encryption by default is enabled in every region",
    service: "ec2",
    severity: Severity::Medium,
    what: "Whether each scanned region encrypts new EBS volumes and snapshot copies by \
           default (GetEbsEncryptionByDefault).",
    why: "Without the default, every volume is encrypted only if whoever creates it \
          remembers to ask; unencrypted volumes and their snapshots can be shared or copied \
          out of the account in readable form. The setting is per region, so a region \
          nobody watches is where the unencrypted volume appears.",
    fix: "aws ec2 enable-ebs-encryption-by-default --region <REGION>",
    references: &[
        "CIS AWS Foundations v7.0 6.1.1",
        "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
    ],
    cis: &["6.1.1"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    ctx.regions()
        .map(|(region, data)| {
            let f = ctx.finding(&META, region, ctx.region_resource("ec2", region));
            match &data.ec2.ebs_encryption_by_default {
                Collected::Ok(true) => {
                    f.pass(format!("EBS encryption by default is enabled in {region}"))
                }
                Collected::Ok(false) => {
                    f.fail(format!("EBS encryption by default is disabled in {region}"))
                }
                Collected::Missing(gap) => f.error(gap),
            }
        })
        .collect()
}

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Turns on EBS encryption by default in the region (EnableEbsEncryptionByDefault), \
          with the AWS managed key `aws/ebs`. Safe: only volumes created afterwards are \
          encrypted; existing volumes and running instances are untouched.",
    plan: fix,
    state: None,
    reads: &[],
};

/// The step for a region where EBS encryption by default is off.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::render::provider_alias;
    use crate::fix::{Call, NotFixable, Risk, Step};
    let region = finding.region.as_str();
    let data = crate::fix::region_data(ctx, region)?;
    let before =
        *data.ec2.ebs_encryption_by_default.get().map_err(|gap| {
            NotFixable::gap(&format!("EBS encryption by default in {region}"), gap)
        })?;
    let alias = provider_alias(region);
    Ok(vec![Step::new(
        META.id,
        &finding.resource,
        region,
        Risk::Safe,
        "applies only to volumes created afterwards; existing volumes and instances are unchanged",
        vec![Call::new("ec2", "EnableEbsEncryptionByDefault", serde_json::json!({}))],
    )
    .states(
        serde_json::json!({"EbsEncryptionByDefault": before}),
        serde_json::json!({"EbsEncryptionByDefault": true}),
    )
    .cli(&[&["aws", "ec2", "enable-ebs-encryption-by-default", "--region", region]])
    .terraform(format!(
        "resource \"aws_ebs_encryption_by_default\" \"rampart_{alias}\" {{\n  provider = aws.{alias}\n  enabled  = true\n}}\n"
    ))
    .undo(format!(
        "aws ec2 disable-ebs-encryption-by-default --region {region}; volumes encrypted \
         meanwhile stay encrypted"
    ))
    .undo_calls(if before {
        vec![]
    } else {
        vec![Call::new(
            "ec2",
            "DisableEbsEncryptionByDefault",
            serde_json::json!({}),
        )]
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{denied, run_check, Fixture};

    // CIS 6.1.1: one finding per region; enabled passes, disabled fails, unreadable is an
    // ERROR.
    #[test]
    fn one_finding_per_region() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").ec2.ebs_encryption_by_default = Collected::Ok(false);
        fx.region("ap-south-1").ec2.ebs_encryption_by_default =
            Collected::Missing(denied("ec2:GetEbsEncryptionByDefault"));
        insta::assert_json_snapshot!("regions", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::{CHECK, META};
    use crate::checks::fixtures::{denied, Fixture};
    use crate::fix::{
        plan, render, testing::assert_states, testing::failing, testing::plan_for, Call,
    };
    use crate::Settings;
    use rampart_inventory::Collected;
    use serde_json::json;

    // Issue 14: a region with EBS encryption by default off gets one step; one with it on
    // gets none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").ec2.ebs_encryption_by_default = Collected::Ok(false);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].region, "eu-west-1");
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: the state is the region's setting: off before, on once a rescan reads it
    // after the call; undo turns it off again.
    #[test]
    fn fix_states_and_undo() {
        let mut fx = Fixture::new();
        fx.region("eu-west-1").ec2.ebs_encryption_by_default = Collected::Ok(false);
        let plan = plan_for(&CHECK, &fx.inv);
        let mut fixed = Fixture::new();
        fixed.region("eu-west-1").ec2.ebs_encryption_by_default = Collected::Ok(true);
        assert_states(&Settings::default(), &fx.inv, &fixed.inv, &plan.steps[0]);
        assert_eq!(
            plan.steps[0].undo_calls,
            [Call::new("ec2", "DisableEbsEncryptionByDefault", json!({}))]
        );
    }

    // Issue 14: a failing finding over a snapshot where the setting could not be read is
    // not planned.
    #[test]
    fn fix_gap_is_not_planned() {
        let mut fx = Fixture::new();
        fx.region("us-east-1").ec2.ebs_encryption_by_default =
            Collected::Missing(denied("ec2:GetEbsEncryptionByDefault"));
        let finding = failing(
            &META,
            &fx.inv,
            "us-east-1",
            "arn:aws:ec2:us-east-1:111122223333:*",
        );
        let plan = plan(&fx.inv, &Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("GetEbsEncryptionByDefault"));
    }
}
