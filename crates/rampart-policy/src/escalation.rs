//! The privilege-escalation methods rampart knows, as data: what each needs, whom it
//! reaches, and where it was published. [`crate::graph`] turns every method into edges
//! between principals, each decided by the [`crate::Authorizer`]; `docs/privilege-escalation.md`
//! is rendered from this table by [`methods_markdown`].

use serde::Serialize;
use std::fmt::Write as _;

/// How a method is exploited, which decides the requests the graph evaluates for it and the
/// principal it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// Publish or select a version of a customer managed policy attached to the target
    /// (directly or through one of its groups): the request's resource is the policy ARN.
    ManagedPolicy,
    /// Attach a managed policy to, or put an inline policy on, the target user or role:
    /// the resource is the target's ARN.
    PrincipalPolicy,
    /// Attach a managed policy to, or put an inline policy on, a group of the target user:
    /// the resource is the group's ARN.
    GroupPolicy,
    /// Add the target user to a group whose policies make it an administrator: the
    /// resource is the group's ARN.
    GroupMembership,
    /// Obtain credentials of another user of the account: the resource is the user's ARN.
    UserCredentials,
    /// Assume a role its trust policy lets the principal assume (`sts:AssumeRole` on the
    /// role, trust and identity side both evaluated).
    AssumeRole,
    /// Rewrite a role's trust policy to trust oneself, then assume it.
    UpdateTrust,
    /// Pass an existing role to a new compute resource of a service and run code there:
    /// `iam:PassRole` on the role with `iam:PassedToService`, and the service's actions.
    PassRole,
    /// Change the code of an existing Lambda function: the resource is the function's
    /// ARN; the method reaches its execution role.
    ExistingFunction,
    /// Run commands on an existing EC2 instance: the resource is the instance's ARN; the
    /// method reaches the role of its instance profile.
    ExistingInstance,
    /// Change an existing Glue development endpoint: endpoints are not in the inventory,
    /// so the edge to each role that trusts Glue is conditional.
    ExistingDevEndpoint,
}

impl Mechanism {
    /// Whether the method raises the target's own permissions (it then leads to
    /// administrator when nothing but the target's identity policies stood in the way),
    /// rather than giving the actor the target's identity.
    pub fn raises_permissions(self) -> bool {
        matches!(
            self,
            Mechanism::ManagedPolicy
                | Mechanism::PrincipalPolicy
                | Mechanism::GroupPolicy
                | Mechanism::GroupMembership
        )
    }
}

/// One published privilege-escalation method.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Method {
    /// Stable id, `service-what` in kebab case (`iam-create-access-key`).
    pub id: &'static str,
    /// What the method does, in a few words.
    pub title: &'static str,
    /// How it is exploited.
    pub mechanism: Mechanism,
    /// Which kind of principal it applies to (`user`, `role`, or `user or role`).
    pub target: &'static str,
    /// Every action it needs, the one on the target first.
    pub actions: &'static [&'static str],
    /// For [`Mechanism::PassRole`], the service the role is passed to: the role must trust
    /// it, and `iam:PassedToService` is set to it.
    pub service: Option<&'static str>,
    /// How the attacker uses it, in one or two sentences.
    pub how: &'static str,
    /// Where it was published.
    pub source: &'static str,
}

const RHINO: &str = "Rhino Security Labs, AWS IAM Privilege Escalation – Methods and Mitigation \
                     (2018)";
const BISHOP_FOX: &str = "Bishop Fox, IAM Vulnerable (2021)";
const PATHFINDING: &str = "Datadog, pathfinding.cloud";

/// Every method, in the order the documentation lists them.
pub const METHODS: &[Method] = &[
    Method {
        id: "iam-create-policy-version",
        title: "Publish a new default version of an attached policy",
        mechanism: Mechanism::ManagedPolicy,
        target: "user or role",
        actions: &["iam:CreatePolicyVersion"],
        service: None,
        how: "Write a version of a customer managed policy attached to the target (directly or \
              through a group) that allows everything, with --set-as-default.",
        source: RHINO,
    },
    Method {
        id: "iam-set-default-policy-version",
        title: "Make another version of an attached policy the default",
        mechanism: Mechanism::ManagedPolicy,
        target: "user or role",
        actions: &["iam:SetDefaultPolicyVersion"],
        service: None,
        how: "Select a non-default version of a customer managed policy attached to the target \
              that grants more. The snapshot holds only the default version, so the edge is \
              always conditional.",
        source: RHINO,
    },
    Method {
        id: "iam-attach-user-policy",
        title: "Attach a managed policy to a user",
        mechanism: Mechanism::PrincipalPolicy,
        target: "user",
        actions: &["iam:AttachUserPolicy"],
        service: None,
        how: "Attach AdministratorAccess to the target user.",
        source: RHINO,
    },
    Method {
        id: "iam-attach-group-policy",
        title: "Attach a managed policy to a group of the user",
        mechanism: Mechanism::GroupPolicy,
        target: "user",
        actions: &["iam:AttachGroupPolicy"],
        service: None,
        how: "Attach AdministratorAccess to a group the target user belongs to.",
        source: RHINO,
    },
    Method {
        id: "iam-attach-role-policy",
        title: "Attach a managed policy to a role",
        mechanism: Mechanism::PrincipalPolicy,
        target: "role",
        actions: &["iam:AttachRolePolicy"],
        service: None,
        how: "Attach AdministratorAccess to the target role.",
        source: RHINO,
    },
    Method {
        id: "iam-put-user-policy",
        title: "Put an inline policy on a user",
        mechanism: Mechanism::PrincipalPolicy,
        target: "user",
        actions: &["iam:PutUserPolicy"],
        service: None,
        how: "Write an inline policy allowing everything on the target user.",
        source: RHINO,
    },
    Method {
        id: "iam-put-group-policy",
        title: "Put an inline policy on a group of the user",
        mechanism: Mechanism::GroupPolicy,
        target: "user",
        actions: &["iam:PutGroupPolicy"],
        service: None,
        how: "Write an inline policy allowing everything on a group the target user belongs to.",
        source: RHINO,
    },
    Method {
        id: "iam-put-role-policy",
        title: "Put an inline policy on a role",
        mechanism: Mechanism::PrincipalPolicy,
        target: "role",
        actions: &["iam:PutRolePolicy"],
        service: None,
        how: "Write an inline policy allowing everything on the target role.",
        source: RHINO,
    },
    Method {
        id: "iam-add-user-to-group",
        title: "Join a group whose policies make the user an administrator",
        mechanism: Mechanism::GroupMembership,
        target: "user",
        actions: &["iam:AddUserToGroup"],
        service: None,
        how: "Add the target user to a group that grants administrator access; the engine \
              evaluates the user as a member of that group.",
        source: RHINO,
    },
    Method {
        id: "iam-create-access-key",
        title: "Create an access key for another user",
        mechanism: Mechanism::UserCredentials,
        target: "user",
        actions: &["iam:CreateAccessKey"],
        service: None,
        how: "Create an access key for the target user and sign requests as that user.",
        source: RHINO,
    },
    Method {
        id: "iam-create-login-profile",
        title: "Create a console password for another user",
        mechanism: Mechanism::UserCredentials,
        target: "user",
        actions: &["iam:CreateLoginProfile"],
        service: None,
        how: "Give a user without a console password one, and sign in to the console as that \
              user. Users the credential report shows with a password are not targets (see \
              iam-update-login-profile).",
        source: RHINO,
    },
    Method {
        id: "iam-update-login-profile",
        title: "Change another user's console password",
        mechanism: Mechanism::UserCredentials,
        target: "user",
        actions: &["iam:UpdateLoginProfile"],
        service: None,
        how: "Reset the console password of a user that has one, and sign in as that user. \
              Users the credential report shows without a password are not targets.",
        source: RHINO,
    },
    Method {
        id: "sts-assume-role",
        title: "Assume a role that trusts the principal",
        mechanism: Mechanism::AssumeRole,
        target: "role",
        actions: &["sts:AssumeRole"],
        service: None,
        how: "Assume a role whose trust policy names the principal or its account (the identity \
              side then has to allow sts:AssumeRole too). A trust of another account's root or \
              principals is an edge from that external account.",
        source: "AWS IAM User Guide, How IAM roles differ from resource-based policies",
    },
    Method {
        id: "iam-update-assume-role-policy",
        title: "Rewrite a role's trust policy, then assume the role",
        mechanism: Mechanism::UpdateTrust,
        target: "role",
        actions: &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        service: None,
        how: "Replace the target role's trust policy with one that trusts the attacker, then \
              assume it; sts:AssumeRole is evaluated on the identity side as if the trust \
              allowed it.",
        source: RHINO,
    },
    Method {
        id: "ec2-run-instances",
        title: "Launch an EC2 instance with an existing instance profile",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &["iam:PassRole", "ec2:RunInstances"],
        service: Some("ec2.amazonaws.com"),
        how: "Launch an instance with an instance profile holding the role, and read the role's \
              credentials from the instance metadata service. The role must be in an instance \
              profile of the account.",
        source: RHINO,
    },
    Method {
        id: "lambda-create-function-invoke",
        title: "Create a Lambda function with the role and invoke it",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        service: Some("lambda.amazonaws.com"),
        how: "Create a function running as the role whose code does what the attacker wants, \
              and invoke it.",
        source: RHINO,
    },
    Method {
        id: "lambda-create-function-event-source",
        title: "Create a Lambda function with the role and trigger it from an event source",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        service: Some("lambda.amazonaws.com"),
        how: "Create a function running as the role and map a DynamoDB stream, Kinesis stream or \
              SQS queue to it, so that it runs without lambda:InvokeFunction.",
        source: RHINO,
    },
    Method {
        id: "lambda-create-function-add-permission",
        title: "Create a Lambda function with the role and let anyone invoke it",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission",
        ],
        service: Some("lambda.amazonaws.com"),
        how: "Create a function running as the role and add a function policy that lets the \
              attacker (or everyone) invoke it.",
        source: PATHFINDING,
    },
    Method {
        id: "lambda-update-function-code",
        title: "Replace the code of an existing Lambda function",
        mechanism: Mechanism::ExistingFunction,
        target: "role",
        actions: &["lambda:UpdateFunctionCode"],
        service: None,
        how: "Upload new code to a function of the account; it runs as the function's execution \
              role the next time it is invoked.",
        source: RHINO,
    },
    Method {
        id: "cloudformation-create-stack",
        title: "Create a CloudFormation stack with the role",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &["iam:PassRole", "cloudformation:CreateStack"],
        service: Some("cloudformation.amazonaws.com"),
        how: "Create a stack whose service role is the target role; its template creates \
              whatever the role may create (an administrator user, for instance).",
        source: RHINO,
    },
    Method {
        id: "glue-create-dev-endpoint",
        title: "Create a Glue development endpoint with the role",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &["iam:PassRole", "glue:CreateDevEndpoint"],
        service: Some("glue.amazonaws.com"),
        how: "Create a development endpoint running as the role with the attacker's SSH key, \
              and read the role's credentials there.",
        source: RHINO,
    },
    Method {
        id: "glue-update-dev-endpoint",
        title: "Add an SSH key to an existing Glue development endpoint",
        mechanism: Mechanism::ExistingDevEndpoint,
        target: "role",
        actions: &["glue:UpdateDevEndpoint"],
        service: Some("glue.amazonaws.com"),
        how: "Add the attacker's SSH key to an existing development endpoint and use its role. \
              Endpoints are not in the snapshot, so the edge to each role that trusts Glue is \
              conditional on an endpoint running as it.",
        source: RHINO,
    },
    Method {
        id: "codebuild-create-project",
        title: "Create a CodeBuild project with the role and start a build",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
        service: Some("codebuild.amazonaws.com"),
        how: "Create a project whose service role is the target role and whose buildspec runs \
              the attacker's commands, then start a build.",
        source: BISHOP_FOX,
    },
    Method {
        id: "sagemaker-create-notebook-instance",
        title: "Create a SageMaker notebook instance with the role and open it",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &[
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        service: Some("sagemaker.amazonaws.com"),
        how: "Create a notebook instance running as the role, open it with a presigned URL and \
              run code in its Jupyter terminal.",
        source: BISHOP_FOX,
    },
    Method {
        id: "sagemaker-create-training-job",
        title: "Create a SageMaker training job with the role",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &["iam:PassRole", "sagemaker:CreateTrainingJob"],
        service: Some("sagemaker.amazonaws.com"),
        how: "Run a training job whose container is the attacker's, as the role.",
        source: PATHFINDING,
    },
    Method {
        id: "sagemaker-create-processing-job",
        title: "Create a SageMaker processing job with the role",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &["iam:PassRole", "sagemaker:CreateProcessingJob"],
        service: Some("sagemaker.amazonaws.com"),
        how: "Run a processing job whose container is the attacker's, as the role.",
        source: PATHFINDING,
    },
    Method {
        id: "datapipeline-create-pipeline",
        title: "Create a Data Pipeline with the role",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        service: Some("datapipeline.amazonaws.com"),
        how: "Create and activate a pipeline whose role is the target role and whose \
              ShellCommandActivity runs the attacker's commands.",
        source: RHINO,
    },
    Method {
        id: "ecs-run-task",
        title: "Register an ECS task definition with the role and run it",
        mechanism: Mechanism::PassRole,
        target: "role",
        actions: &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        service: Some("ecs-tasks.amazonaws.com"),
        how: "Register a task definition whose task role is the target role and whose \
              container is the attacker's, and run it.",
        source: PATHFINDING,
    },
    Method {
        id: "ssm-send-command",
        title: "Run a command on an instance with an instance profile",
        mechanism: Mechanism::ExistingInstance,
        target: "role",
        actions: &["ssm:SendCommand"],
        service: None,
        how: "Run a shell command through Systems Manager on a running instance of the account \
              and read its instance profile role's credentials from the metadata service.",
        source: PATHFINDING,
    },
    Method {
        id: "ssm-start-session",
        title: "Open a session on an instance with an instance profile",
        mechanism: Mechanism::ExistingInstance,
        target: "role",
        actions: &["ssm:StartSession"],
        service: None,
        how: "Open a Session Manager shell on a running instance of the account and read its \
              instance profile role's credentials from the metadata service.",
        source: PATHFINDING,
    },
];

/// The method with this id.
pub fn method(id: &str) -> Option<&'static Method> {
    METHODS.iter().find(|m| m.id == id)
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The page `docs/privilege-escalation.md`: what an administrator is, how edges are
/// decided, and every method of [`METHODS`] with its count.
pub fn methods_markdown() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Privilege-escalation paths\n\n<!-- Generated from the method table \
         (`crates/rampart-policy/src/escalation.rs`); do not edit. A test fails when this page \
         is stale: regenerate it with `RAMPART_UPDATE_DOCS=1 cargo test -p rampart-policy \
         --lib escalation`. -->\n"
    );
    let _ = writeln!(
        out,
        "`rampart paths` and the check `iam_principal_escalates_to_admin` build a graph of the \
         account's principals (IAM users and roles, and the external accounts that role trust \
         policies name) with one edge for each way one principal can act as another or raise \
         its own permissions, and report for every principal that is not an administrator the \
         shortest path to one.\n\n\
         **Administrator** means allowed `*` on `*` once every policy type is evaluated: \
         identity policies (inline, attached, and through groups), the permissions boundary \
         and the service control policies (`Authorizer::is_admin`).\n\n\
         **Edges are decided by the policy engine.** Every request a method needs is evaluated \
         against the account's policies: an explicit deny, a permissions boundary, a service \
         control policy, a condition or a resource scope that blocks it leaves no edge; a \
         condition the engine cannot decide from the snapshot (a source IP, MFA, a tag) gives \
         a *conditional* edge, shown as such, and a path through one is conditional. A method \
         that raises the target's own permissions (policy versions, attachments, inline \
         policies, group membership) leads to administrator only if the target would be one \
         with every identity permission, that is when its boundary and the SCPs allow `*` on \
         `*`; it is usable by the target itself or by a principal earlier on the path, whose \
         credentials the attacker also holds.\n\n\
         Actions that create a new resource (a function, a stack, an instance) are evaluated \
         on resource `*`. Edges that a resource policy alone would grant, without any identity \
         policy allowing the action, are found only for role trust policies. A trust of \
         another account is an edge from that account, conditional (its identity policies \
         are not in the snapshot); a trust of everyone is an edge from `anyone`.\n\n\
         Not covered: federated (SAML, OIDC) trusts, session policies, the non-default \
         versions of managed policies (iam-set-default-policy-version is therefore always \
         conditional), resources the snapshot does not hold (Glue development endpoints), and \
         paths that need the credentials of two principals reached separately (a principal \
         raising another is followed when it reaches that principal itself).\n"
    );
    let _ = writeln!(out, "## Methods ({})\n", METHODS.len());
    let _ = writeln!(out, "| Method | Target | Actions | How | Published by |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for m in METHODS {
        let mut actions = m
            .actions
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(" + ");
        if let Some(service) = m.service {
            let _ = write!(actions, " (role trusts `{service}`)");
        }
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} | {} | {} |",
            m.id,
            cell(m.title),
            m.target,
            actions,
            cell(m.how),
            cell(m.source)
        );
    }
    let _ = writeln!(
        out,
        "\nReferences:\n\n\
         - <https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/>\n\
         - <https://github.com/BishopFox/iam-vulnerable>\n\
         - <https://pathfinding.cloud>\n\
         - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated files are checked to be current (developer guide): docs/privilege-escalation.md
    // must be exactly what the method table renders. RAMPART_UPDATE_DOCS=1 rewrites it.
    #[test]
    fn docs_page_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/privilege-escalation.md");
        let fresh = methods_markdown();
        if std::env::var_os("RAMPART_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == fresh,
            "docs/privilege-escalation.md is stale: run `RAMPART_UPDATE_DOCS=1 cargo test -p \
             rampart-policy --lib escalation`"
        );
    }

    // Every method has a unique id, at least one action, and a service exactly when it
    // passes a role or depends on one (the table is the registry: ruff-style test).
    #[test]
    fn table_is_consistent() {
        let mut ids = std::collections::BTreeSet::new();
        for m in METHODS {
            assert!(ids.insert(m.id), "duplicate method id {}", m.id);
            assert!(!m.actions.is_empty(), "{}", m.id);
            assert!(m.actions.iter().all(|a| a.contains(':')), "{}", m.id);
            let needs_service = matches!(
                m.mechanism,
                Mechanism::PassRole | Mechanism::ExistingDevEndpoint
            );
            assert_eq!(m.service.is_some(), needs_service, "{}", m.id);
            if m.mechanism == Mechanism::PassRole {
                assert_eq!(m.actions[0], "iam:PassRole", "{}", m.id);
            }
            assert_eq!(method(m.id).map(|x| x.id), Some(m.id));
        }
        assert!(method("no-such-method").is_none());
    }

    // Every action a method needs is an action of the catalogue, in its canonical case (a
    // typo would make the method silently never apply).
    #[test]
    fn every_action_is_in_the_catalogue() {
        use crate::actions::{catalogue, ActionStatus};
        for m in METHODS {
            for a in m.actions {
                assert_eq!(
                    catalogue().check(a),
                    Ok(ActionStatus::Listed((*a).to_owned())),
                    "{}: {a}",
                    m.id
                );
            }
        }
    }
}
