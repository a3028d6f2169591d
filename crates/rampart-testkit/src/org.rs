//! An AWS Organization in moto (issue 10): a management account, member accounts created
//! through the Organizations API, one of them in an organizational unit, one closed
//! (suspended), and each member seeded differently through a role assumed in it, so that a
//! test can tell which account each finding belongs to.

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_sdk_organizations::types::OrganizationFeatureSet;

macro_rules! client {
    ($krate:ident, $cfg:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($cfg)
                .region(aws_types::region::Region::new("us-east-1"))
                .build(),
        )
    };
}

/// The role moto creates in every account made by `CreateAccount`.
pub const MEMBER_ROLE: &str = "OrganizationAccountAccessRole";

/// What [`build_org`] made.
#[derive(Debug, Clone, Default)]
pub struct Org {
    /// `o-...`.
    pub organization_id: String,
    /// The management account (the caller's).
    pub management: String,
    /// Active member accounts, in creation order. Member `i` has `i + 1` IAM users named
    /// `member{i}-user{j}`, each with a console password and no MFA, and member 0 also a
    /// security group `member0-ssh` open to the world on port 22.
    pub members: Vec<String>,
    /// A member account closed after creation (suspended).
    pub closed: String,
    /// An organizational unit under the root, holding `members[0]` only.
    pub ou: String,
}

/// Create a member account named `name` in the organization of `org`'s caller; its id.
pub async fn create_member(org: &aws_sdk_organizations::Client, name: &str) -> String {
    let status = org
        .create_account()
        .account_name(name)
        .email(format!("{name}@example.com"))
        .send()
        .await
        .expect("create account");
    status
        .create_account_status()
        .and_then(|s| s.account_id())
        .expect("account id")
        .to_owned()
}

/// The id of the default VPC that moto gives every account and region `ec2` reaches.
pub async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> String {
    ec2.describe_vpcs()
        .send()
        .await
        .expect("describe vpcs")
        .vpcs()
        .first()
        .and_then(|v| v.vpc_id())
        .expect("default VPC")
        .to_owned()
}

/// Build an organization with `members` active members (and one closed) in moto, through
/// `management` (the management account's configuration).
pub async fn build_org(management: &SdkConfig, members: usize) -> Org {
    let org = client!(aws_sdk_organizations, management);
    let created = org
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .expect("create organization");
    let o = created.organization().expect("organization");
    let mut out = Org {
        organization_id: o.id().unwrap_or_default().to_owned(),
        management: o.master_account_id().unwrap_or_default().to_owned(),
        ..Org::default()
    };
    let mut ids = Vec::new();
    for i in 0..=members {
        ids.push(create_member(&org, &format!("member{i}")).await);
    }
    out.closed = ids.pop().expect("one more account");
    org.close_account()
        .account_id(&out.closed)
        .send()
        .await
        .expect("close account");
    out.members = ids;

    let roots = org.list_roots().send().await.expect("list roots");
    let root = roots.roots()[0].id().unwrap_or_default().to_owned();
    let ou = org
        .create_organizational_unit()
        .parent_id(&root)
        .name("workloads")
        .send()
        .await
        .expect("create OU");
    out.ou = ou
        .organizational_unit()
        .and_then(|u| u.id())
        .unwrap_or_default()
        .to_owned();
    org.move_account()
        .account_id(&out.members[0])
        .source_parent_id(&root)
        .destination_parent_id(&out.ou)
        .send()
        .await
        .expect("move account");

    for (i, id) in out.members.iter().enumerate() {
        let cfg = assume(management, id).await;
        seed_member(&cfg, i).await;
    }
    out
}

/// The configuration of `account`, through [`MEMBER_ROLE`] assumed from `management`.
pub async fn assume(management: &SdkConfig, account: &str) -> SdkConfig {
    let sts = client!(aws_sdk_sts, management);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/{MEMBER_ROLE}"))
        .role_session_name("rampart-testkit")
        .send()
        .await
        .expect("assume role");
    let c = out.credentials().expect("credentials");
    management
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                Some(c.session_token().to_owned()),
                None,
                "rampart-testkit",
            )),
        )
        .build()
}

async fn seed_member(cfg: &SdkConfig, i: usize) {
    let iam = client!(aws_sdk_iam, cfg);
    for j in 0..=i {
        let name = format!("member{i}-user{j}");
        iam.create_user()
            .user_name(&name)
            .send()
            .await
            .expect("create user");
        iam.create_login_profile()
            .user_name(&name)
            .password("Correct-Horse-9!")
            .send()
            .await
            .expect("create login profile");
    }
    if i == 0 {
        let ec2 = client!(aws_sdk_ec2, cfg);
        let vpc = default_vpc(&ec2).await;
        let sg = ec2
            .create_security_group()
            .group_name("member0-ssh")
            .description("ssh from anywhere")
            .vpc_id(vpc)
            .send()
            .await
            .expect("create security group");
        ec2.authorize_security_group_ingress()
            .group_id(sg.group_id().unwrap_or_default())
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .cidr_ip("0.0.0.0/0")
            .send()
            .await
            .expect("authorize ingress");
    }
}
