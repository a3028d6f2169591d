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
