//! The principals requests are evaluated for (the account's IAM users and roles, its root,
//! and principals of other accounts named by ARN), and whether a `Principal` element of a
//! resource or trust policy names one of them.

use crate::document::Principals;
use serde::Serialize;

/// What kind of identity a principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// An IAM role, acting through a session of it (a role acts only through sessions).
    Role,
    /// The account root user.
    Root,
}

impl std::fmt::Display for PrincipalKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
            PrincipalKind::Root => "root",
        })
    }
}

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// ARN (`arn:aws:iam::111122223333:user/alice`, `...:role/path/name`, `...:root`).
    pub arn: String,
    /// User or role name; the account id for the root user.
    pub name: String,
    /// User, role or root.
    pub kind: PrincipalKind,
    /// The account the principal belongs to.
    pub account: String,
    /// A service-linked role (path `/aws-service-role/`): SCPs and RCPs do not apply to it.
    pub service_linked: bool,
}

impl Principal {
    /// A principal named by ARN, of this or another account: an IAM user, role or
    /// assumed-role session ARN (read as its role), or a root ARN. `None` when `arn` is
    /// none of these.
    pub fn from_arn(arn: &str) -> Option<Principal> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" || !parts[3].is_empty() {
            return None;
        }
        let (partition, service, account, resource) = (parts[1], parts[2], parts[4], parts[5]);
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match service {
            "iam" if resource == "root" => Some(Principal {
                arn: arn.to_owned(),
                name: account.to_owned(),
                kind: PrincipalKind::Root,
                account: account.to_owned(),
                service_linked: false,
            }),
            "iam" => {
                let (kind, path_name) = if let Some(rest) = resource.strip_prefix("user/") {
                    (PrincipalKind::User, rest)
                } else if let Some(rest) = resource.strip_prefix("role/") {
                    (PrincipalKind::Role, rest)
                } else {
                    return None;
                };
                let name = path_name.rsplit('/').next().unwrap_or(path_name);
                if name.is_empty() {
                    return None;
                }
                Some(Principal {
                    arn: arn.to_owned(),
                    name: name.to_owned(),
                    kind,
                    account: account.to_owned(),
                    service_linked: kind == PrincipalKind::Role
                        && path_name.starts_with("aws-service-role/"),
                })
            }
            "sts" => {
                let rest = resource.strip_prefix("assumed-role/")?;
                let (role, _session) = rest.split_once('/')?;
                Some(Principal {
                    arn: format!("arn:{partition}:iam::{account}:role/{role}"),
                    name: role.to_owned(),
                    kind: PrincipalKind::Role,
                    account: account.to_owned(),
                    service_linked: false,
                })
            }
            _ => None,
        }
    }

    /// The account root's ARN in the principal's partition.
    pub(crate) fn root_arn(&self) -> String {
        let partition = self.arn.split(':').nth(1).unwrap_or("aws");
        format!("arn:{partition}:iam::{}:root", self.account)
    }
}

/// How a `Principal` or `NotPrincipal` element names a principal: every way at once, since
/// `NotPrincipal` with `Deny` exempts a principal only when it lists both the principal and
/// its account (IAM User Guide, "AWS JSON policy elements: NotPrincipal").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Naming {
    /// By its own ARN (or unique id); for the root user, by its ARN or account id.
    pub itself: bool,
    /// By `*`: everyone.
    pub everyone: bool,
    /// By its account (`111122223333` or `arn:aws:iam::111122223333:root`).
    pub account: bool,
    /// By an assumed-role session ARN of the role: whether the request's session is that
    /// one is not known.
    pub session: Option<String>,
}

/// How `set` names `principal` (`unique_id`: the user's `AIDA...` id, when known).
pub(crate) fn names(set: &Principals, principal: &Principal, unique_id: Option<&str>) -> Naming {
    let mut out = Naming {
        everyone: set.everyone,
        ..Default::default()
    };
    let root = principal.root_arn();
    for value in &set.aws {
        let names_account = *value == principal.account || *value == root;
        if names_account {
            out.account = true;
            if principal.kind == PrincipalKind::Root {
                out.itself = true;
            }
        }
        if *value == principal.arn || unique_id.is_some_and(|id| id == value) {
            out.itself = true;
        }
        if principal.kind == PrincipalKind::Role
            && value.contains(":assumed-role/")
            && Principal::from_arn(value).is_some_and(|s| s.arn == role_arn_without_path(principal))
            && out.session.is_none()
        {
            out.session = Some(value.clone());
        }
    }
    out
}

/// A role's ARN without its path, as assumed-role ARNs name roles.
fn role_arn_without_path(principal: &Principal) -> String {
    let partition = principal.arn.split(':').nth(1).unwrap_or("aws");
    format!(
        "arn:{partition}:iam::{}:role/{}",
        principal.account, principal.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // IAM User Guide, "AWS JSON policy elements: Principal": account, user, role and
    // assumed-role session principals.
    #[test]
    fn principals_from_arns() {
        let u = Principal::from_arn("arn:aws:iam::111122223333:user/dev/alice").unwrap();
        assert_eq!((u.kind, u.name.as_str()), (PrincipalKind::User, "alice"));
        let slr = Principal::from_arn(
            "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
        )
        .unwrap();
        assert!(slr.service_linked);
        let s = Principal::from_arn("arn:aws:sts::444455556666:assumed-role/ops/alice").unwrap();
        assert_eq!(s.arn, "arn:aws:iam::444455556666:role/ops");
        assert_eq!(
            Principal::from_arn("arn:aws:iam::444455556666:root")
                .unwrap()
                .kind,
            PrincipalKind::Root
        );
        assert!(Principal::from_arn("arn:aws:s3:::bucket").is_none());
        assert!(Principal::from_arn("arn:aws:iam::12:user/x").is_none());
    }

    // IAM User Guide, "AWS JSON policy elements: Principal": a role is named by its ARN, its
    // account, or one of its sessions' ARNs.
    #[test]
    fn naming() {
        let role = Principal::from_arn("arn:aws:iam::111122223333:role/app/ops").unwrap();
        let set = |aws: &[&str]| Principals {
            aws: aws.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        assert!(
            names(
                &set(&["arn:aws:iam::111122223333:role/app/ops"]),
                &role,
                None
            )
            .itself
        );
        let n = names(&set(&["111122223333"]), &role, None);
        assert!(n.account && !n.itself);
        assert_eq!(
            names(
                &set(&["arn:aws:sts::111122223333:assumed-role/ops/s1"]),
                &role,
                None
            )
            .session
            .as_deref(),
            Some("arn:aws:sts::111122223333:assumed-role/ops/s1")
        );
        assert_eq!(
            names(&set(&["444455556666"]), &role, None),
            Naming::default()
        );
        let root = Principal::from_arn("arn:aws:iam::111122223333:root").unwrap();
        assert!(names(&set(&["111122223333"]), &root, None).itself);
    }
}
