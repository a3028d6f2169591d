//! `ec2_sg_cifs_open_to_world`: no security group lets the internet reach Windows file
//! sharing (CIFS/SMB).

use super::exposure::{evaluate_groups, port_openings, Transport};
use super::reachability::PortRange;
use crate::{Check, CheckMeta, Context, Finding, Service, Severity};

/// The SMB ports: 445 (SMB over TCP, what CIS 6.1.2 names) and 139 (SMB over the NetBIOS
/// session service, the same file sharing on an older transport).
const CIFS_PORTS: [u16; 2] = [139, 445];

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {
    id: "ec2_sg_cifs_open_to_world",
    title: "No security group allows CIFS/SMB from the internet",
    service: "ec2",
    severity: Severity::High,
    what: "Whether any inbound rule of each security group admits TCP port 445 (SMB, named \
           by CIS 6.1.2) or 139 (SMB over NetBIOS) from 0.0.0.0/0 or ::/0, counting rules \
           for all protocols (-1) and port ranges that include them. Every open group fails; \
           the reason says whether it matters today: a group no network interface uses is \
           lowered to low; one whose interfaces the internet cannot reach on these ports is \
           lowered to medium, saying why; one behind a reachable interface names it.",
    why: "SMB exposed to the internet has carried some of the most damaging worms and \
          ransomware (WannaCry, NotPetya through EternalBlue) and leaks file shares and \
          credentials (NTLM hashes). File shares belong behind a VPN or inside the VPC.",
    fix: "Find the rule: aws ec2 describe-security-group-rules --region <REGION> --filters \
          Name=group-id,Values=<GROUP_ID>; remove it: aws ec2 revoke-security-group-ingress \
          --region <REGION> --group-id <GROUP_ID> --security-group-rule-ids <RULE_ID>; admit \
          a trusted range only: aws ec2 authorize-security-group-ingress --region <REGION> \
          --group-id <GROUP_ID> --protocol tcp --port 445 --cidr <TRUSTED_CIDR>",
    references: &[
        "CIS AWS Foundations v7.0 6.1.2",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html",
        "https://learn.microsoft.com/en-us/windows-server/storage/file-server/smb-secure-traffic",
    ],
    cis: &["6.1.2"],
    needs: &[Service::Ec2],
};

/// The check.
pub const CHECK: Check = Check { meta: &META, run };

fn run(ctx: &Context) -> Vec<Finding> {
    let concern = CIFS_PORTS.map(|p| PortRange::port(Transport::Tcp, p));
    evaluate_groups(ctx, &META, "CIFS (139/tcp, 445/tcp)", &concern, |group| {
        port_openings(group, &CIFS_PORTS, &[Transport::Tcp])
    })
}

/// What the fixer closes, and what it suggests instead.
const FIX: super::sg_revoke::WorldOpenFix = super::sg_revoke::WorldOpenFix {
    meta: &META,
    subject: "CIFS (139/tcp, 445/tcp)",
    instead: "reach the shares over a VPN or from inside the VPC, or admit a trusted range \
              (aws ec2 authorize-security-group-ingress --protocol tcp --port 445 --cidr \
              <TRUSTED_CIDR>)",
    concern: super::sg_revoke::Concern::Ports {
        ports: &CIFS_PORTS,
        transports: &[Transport::Tcp],
    },
};

/// How `rampart fix` fixes it.
pub(crate) const FIXER: crate::fix::Fixer = crate::fix::Fixer {
    meta: &META,
    how: "Revokes 0.0.0.0/0 and ::/0 from every inbound rule of the group that admits \
          139/tcp or 445/tcp (RevokeSecurityGroupIngress); other sources of the rule stay, \
          and a wider port range is admitted again without those ports. Disruptive when a \
          network interface uses the group or the interfaces could not be read (the reason \
          names them); safe on a group nothing uses. Not planned when an all-traffic rule \
          opens the ports (the all-ports fixer revokes it).",
    plan: fix,
    state: Some(state),
    reads: &[rampart_inventory::Service::Ec2],
};

/// The step for a group that opens SMB to the internet.
pub(crate) fn fix(
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    super::sg_revoke::world_open_fix(ctx, finding, &FIX)
}

/// The group's rules that open SMB to the internet.
fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    super::sg_revoke::world_open_state(ctx, step, FIX.concern)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::ec2::reachability::tests::{iface, two_subnets};
    use crate::checks::ec2::testing::{ec2, eni, rule, sg};
    use crate::checks::fixtures::{run_check, Fixture};
    use rampart_inventory::{Collected, NetworkInterface};

    // CIS 6.1.2: 445 from 0.0.0.0/0 on a public interface fails high; 139 from ::/0 on a
    // private one fails medium; an all-traffic rule on an unused group fails low; 445 from
    // the VPC, UDP 445 and other ports pass.
    #[test]
    fn pass_and_fail() {
        let mut fx = Fixture::new();
        two_subnets(&mut fx);
        let data = ec2(&mut fx);
        data.security_groups = Collected::Ok(vec![
            sg(
                "sg-01",
                "files",
                vec![rule("tcp", Some((445, 445)), &["0.0.0.0/0"])],
            ),
            sg(
                "sg-02",
                "legacy",
                vec![rule("6", Some((137, 139)), &["::/0"])],
            ),
            sg("sg-03", "unused", vec![rule("-1", None, &["0.0.0.0/0"])]),
            sg(
                "sg-04",
                "internal",
                vec![
                    rule("tcp", Some((445, 445)), &["10.0.0.0/16"]),
                    rule("udp", Some((445, 445)), &["0.0.0.0/0"]),
                    rule("tcp", Some((443, 443)), &["0.0.0.0/0"]),
                ],
            ),
        ]);
        data.network_interfaces = Collected::Ok(vec![
            NetworkInterface {
                security_group_ids: vec!["sg-01".into(), "sg-04".into()],
                ..iface("eni-1", "subnet-pub", Some("3.3.3.3"))
            },
            eni("eni-2", &["sg-02"]),
        ]);
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }
}

#[cfg(test)]
mod fix_tests {
    use super::CHECK;
    use crate::checks::ec2::testing::{ec2, rule, sg};
    use crate::checks::fixtures::Fixture;
    use crate::fix::testing::{assert_states, plan_for};
    use rampart_inventory::Collected;
    use serde_json::json;

    // Issue 14: a range over 137-139 from ::/0 loses 139 (the other SMB port, 445, is not
    // in it) and keeps 137-138; a rule on 445 from 0.0.0.0/0 is revoked whole.
    #[test]
    fn fix_closes_both_smb_ports() {
        let mut fx = Fixture::new();
        ec2(&mut fx).security_groups = Collected::Ok(vec![sg(
            "sg-01",
            "files",
            vec![
                rule("6", Some((137, 139)), &["::/0"]),
                rule("tcp", Some((445, 445)), &["0.0.0.0/0", "192.0.2.0/24"]),
            ],
        )]);
        let plan = plan_for(&CHECK, &fx.inv);
        let step = &plan.steps[0];
        assert_eq!(
            step.calls[0].params["IpPermissions"],
            json!([
                {"IpProtocol": "6", "FromPort": 137, "ToPort": 139,
                 "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                {"IpProtocol": "tcp", "FromPort": 445, "ToPort": 445,
                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            ])
        );
        assert_eq!(
            step.calls[1].params["IpPermissions"],
            json!([{"IpProtocol": "tcp", "FromPort": 137, "ToPort": 138,
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        );
        let mut fixed = Fixture::new();
        ec2(&mut fixed).security_groups = Collected::Ok(vec![sg(
            "sg-01",
            "files",
            vec![
                rule("tcp", Some((445, 445)), &["192.0.2.0/24"]),
                rule("tcp", Some((137, 138)), &["::/0"]),
            ],
        )]);
        assert_states(&crate::Settings::default(), &fx.inv, &fixed.inv, step);
    }
}
