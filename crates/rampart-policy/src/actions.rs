//! The action catalogue: the IAM actions of the services that matter for privilege
//! escalation, data access and rampart's checks, as data (`actions/SERVICE.txt`, one action
//! name a line, a `# complete` line when the list is the service's whole list). It expands
//! wildcards (`iam:Put*`), validates an action a user names (`rampart can`), and lists the
//! actions of a service (rightsizing). Action names compare case-insensitively.

use crate::pattern::action_matches;
use std::sync::OnceLock;

/// Every catalogue file, by service prefix. A test checks that this lists every file of
/// `actions/`.
const FILES: &[(&str, &str)] = &[
    (
        "cloudformation",
        include_str!("../actions/cloudformation.txt"),
    ),
    ("cloudtrail", include_str!("../actions/cloudtrail.txt")),
    ("codebuild", include_str!("../actions/codebuild.txt")),
    ("config", include_str!("../actions/config.txt")),
    ("datapipeline", include_str!("../actions/datapipeline.txt")),
    ("dynamodb", include_str!("../actions/dynamodb.txt")),
    ("ec2", include_str!("../actions/ec2.txt")),
    ("ecs", include_str!("../actions/ecs.txt")),
    ("glue", include_str!("../actions/glue.txt")),
    ("guardduty", include_str!("../actions/guardduty.txt")),
    ("iam", include_str!("../actions/iam.txt")),
    ("kms", include_str!("../actions/kms.txt")),
    ("lambda", include_str!("../actions/lambda.txt")),
    ("logs", include_str!("../actions/logs.txt")),
    (
        "organizations",
        include_str!("../actions/organizations.txt"),
    ),
    ("rds", include_str!("../actions/rds.txt")),
    ("s3", include_str!("../actions/s3.txt")),
    ("sagemaker", include_str!("../actions/sagemaker.txt")),
    (
        "secretsmanager",
        include_str!("../actions/secretsmanager.txt"),
    ),
    ("sns", include_str!("../actions/sns.txt")),
    ("sqs", include_str!("../actions/sqs.txt")),
    ("ssm", include_str!("../actions/ssm.txt")),
    ("sts", include_str!("../actions/sts.txt")),
];

/// The actions of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceActions {
    /// The action prefix (`iam`).
    pub prefix: &'static str,
    /// The service's name (`AWS Identity and Access Management (IAM)`).
    pub title: &'static str,
    /// Whether the list is the service's whole list of actions: a name it lacks is then not
    /// an action.
    pub complete: bool,
    /// Action names without the prefix (`PassRole`), sorted case-insensitively.
    pub actions: Vec<&'static str>,
}

impl ServiceActions {
    /// The action's name as the catalogue writes it (`PassRole` for `passrole`).
    pub fn canonical(&self, name: &str) -> Option<&'static str> {
        self.actions
            .iter()
            .copied()
            .find(|a| a.eq_ignore_ascii_case(name))
    }
}

/// The catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    services: Vec<ServiceActions>,
    /// Every service prefix of AWS (`actions/prefixes.txt`), lower case, sorted: the
    /// services whose actions are accepted without a list of their own.
    prefixes: Vec<&'static str>,
}

/// Every service prefix of AWS, one a line (`#` comments).
const PREFIXES: &str = include_str!("../actions/prefixes.txt");

/// What the catalogue says of an action a user named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionStatus {
    /// A listed action, as the catalogue writes it (`iam:PassRole`).
    Listed(String),
    /// A pattern (`iam:Put*`, `*`): the listed actions it matches.
    Pattern(Vec<String>),
    /// A known service whose list is partial does not list it: accepted, with this note.
    Unlisted {
        /// The action as given.
        action: String,
        /// Why it is accepted without being known.
        note: String,
    },
}

/// Why an action a user named is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// Not `service:Action` (or `*`).
    #[error("unknown action {0:?}: an action is written service:Action (such as s3:GetObject)")]
    Malformed(String),
    /// The service prefix is not in the catalogue.
    #[error("unknown action {action:?}: AWS has no service {prefix:?}")]
    UnknownService {
        /// The action as given.
        action: String,
        /// Its prefix.
        prefix: String,
    },
    /// The service's list is complete and does not hold it.
    #[error("unknown action {action:?}: {prefix} has no such action")]
    UnknownAction {
        /// The action as given.
        action: String,
        /// Its prefix.
        prefix: String,
    },
}

/// The built-in catalogue, read once.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue {
        services: FILES
            .iter()
            .map(|(prefix, text)| parse_file(prefix, text))
            .collect(),
        prefixes: {
            let mut p: Vec<&'static str> = PREFIXES
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect();
            p.sort_unstable();
            p
        },
    })
}

fn parse_file(prefix: &'static str, text: &'static str) -> ServiceActions {
    let mut title = prefix;
    let mut complete = false;
    let mut actions = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if i == 0 {
                title = comment.split(':').next().unwrap_or(prefix).trim();
            } else if comment == "complete" {
                complete = true;
            }
        } else if !line.is_empty() {
            actions.push(line);
        }
    }
    actions.sort_by_key(|a| a.to_ascii_lowercase());
    ServiceActions {
        prefix,
        title,
        complete,
        actions,
    }
}

impl Catalogue {
    /// Every service, by prefix.
    pub fn services(&self) -> &[ServiceActions] {
        &self.services
    }

    /// The service with this prefix (case-insensitive).
    pub fn service(&self, prefix: &str) -> Option<&ServiceActions> {
        self.services
            .iter()
            .find(|s| s.prefix.eq_ignore_ascii_case(prefix))
    }

    /// The listed actions (`iam:PutUserPolicy`) an IAM action pattern matches: `iam:Put*`,
    /// `*`, `*:Get*`. A pattern of a service the catalogue does not hold matches nothing.
    pub fn expand(&self, pattern: &str) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.services {
            for a in &s.actions {
                let full = format!("{}:{a}", s.prefix);
                if action_matches(pattern, &full) {
                    out.push(full);
                }
            }
        }
        out
    }

    /// Validates an action a user named: a listed action (canonical case), a pattern, or an
    /// action of a known service whose list is partial (accepted with a note). An unknown
    /// prefix, or a name a complete list lacks, is an error.
    pub fn check(&self, action: &str) -> Result<ActionStatus, ActionError> {
        if !action.is_empty() && action.chars().all(|c| c == '*') {
            return Ok(ActionStatus::Pattern(self.expand(action)));
        }
        let Some((prefix, name)) = action.split_once(':') else {
            return Err(ActionError::Malformed(action.to_owned()));
        };
        let well_formed = |s: &str, extra: &[char]| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(&c))
        };
        if !well_formed(prefix, &[]) || !well_formed(name, &['*', '?']) {
            return Err(ActionError::Malformed(action.to_owned()));
        }
        let Some(service) = self.service(prefix) else {
            let lower = prefix.to_ascii_lowercase();
            if self.prefixes.binary_search(&lower.as_str()).is_err() {
                return Err(ActionError::UnknownService {
                    action: action.to_owned(),
                    prefix: prefix.to_owned(),
                });
            }
            // A service of AWS without a list here: accepted as written.
            if name.contains(['*', '?']) {
                return Ok(ActionStatus::Pattern(Vec::new()));
            }
            return Ok(ActionStatus::Unlisted {
                action: action.to_owned(),
                note: format!(
                    "rampart has no list of {lower} actions: {action} is evaluated as written"
                ),
            });
        };
        if name.contains(['*', '?']) {
            return Ok(ActionStatus::Pattern(self.expand(action)));
        }
        match service.canonical(name) {
            Some(a) => Ok(ActionStatus::Listed(format!("{}:{a}", service.prefix))),
            None if service.complete => Err(ActionError::UnknownAction {
                action: action.to_owned(),
                prefix: service.prefix.to_owned(),
            }),
            None => Ok(ActionStatus::Unlisted {
                action: action.to_owned(),
                note: format!(
                    "{action} is not in rampart's list of {} actions, which is partial: evaluated as written",
                    service.prefix
                ),
            }),
        }
    }

    /// The listed actions of a service (`iam:PassRole`, ...), for rightsizing; empty for an
    /// unknown service.
    pub fn actions_of(&self, prefix: &str) -> Vec<String> {
        self.service(prefix)
            .map(|s| {
                s.actions
                    .iter()
                    .map(|a| format!("{}:{a}", s.prefix))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The registry lists every data file, and every file is well formed: names are
    // alphanumeric, unique (case-insensitively), and the first line names the service.
    #[test]
    fn every_file_is_listed_and_well_formed() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/actions");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "prefixes.txt")
            .collect();
        on_disk.sort();
        // Every service with a list is a prefix of AWS.
        for (p, _) in FILES {
            assert!(catalogue().prefixes.binary_search(p).is_ok(), "{p}");
        }
        let listed: Vec<String> = FILES.iter().map(|(p, _)| format!("{p}.txt")).collect();
        assert_eq!(on_disk, listed);
        for s in catalogue().services() {
            assert!(!s.actions.is_empty(), "{}", s.prefix);
            assert_ne!(s.title, s.prefix, "{} has a title line", s.prefix);
            let mut seen = std::collections::HashSet::new();
            for a in &s.actions {
                assert!(
                    a.chars().all(|c| c.is_ascii_alphanumeric()),
                    "{}:{a}",
                    s.prefix
                );
                assert!(
                    a.chars().next().unwrap().is_ascii_uppercase(),
                    "{}:{a}",
                    s.prefix
                );
                assert!(
                    seen.insert(a.to_ascii_lowercase()),
                    "duplicate {}:{a}",
                    s.prefix
                );
            }
        }
    }

    // Wildcards expand as IAM matches them: case-insensitively, `*` and `?`.
    #[test]
    fn expand() {
        let c = catalogue();
        let put = c.expand("iam:Put*");
        assert_eq!(
            put,
            [
                "iam:PutGroupPolicy",
                "iam:PutRolePermissionsBoundary",
                "iam:PutRolePolicy",
                "iam:PutUserPermissionsBoundary",
                "iam:PutUserPolicy"
            ]
        );
        assert_eq!(c.expand("STS:assumerole"), ["sts:AssumeRole"]);
        assert!(c.expand("sts:AssumeRole*").len() >= 3);
        assert!(c.expand("*").len() > 500);
        assert!(c.expand("nosuch:*").is_empty());
        assert_eq!(
            c.actions_of("sqs").len(),
            c.service("sqs").unwrap().actions.len()
        );
    }

    // `rampart can` ACTION: unknown prefix and unknown name of a complete list are errors,
    // a name a partial list lacks is accepted with a note.
    #[test]
    fn check() {
        let c = catalogue();
        assert_eq!(
            c.check("iam:passrole"),
            Ok(ActionStatus::Listed("iam:PassRole".into()))
        );
        assert!(matches!(c.check("iam:Put*"), Ok(ActionStatus::Pattern(p)) if p.len() == 5));
        assert!(matches!(c.check("*"), Ok(ActionStatus::Pattern(_))));
        assert_eq!(
            c.check("nosuch:Thing").unwrap_err().to_string(),
            "unknown action \"nosuch:Thing\": AWS has no service \"nosuch\""
        );
        // A service of AWS without an action list here: accepted as written, with a note.
        let Ok(ActionStatus::Unlisted { note, .. }) = c.check("athena:StartQueryExecution") else {
            panic!("a known prefix without a list is accepted")
        };
        assert!(note.contains("no list of athena actions"), "{note}");
        assert!(c.check("CloudWatch:PutMetricData").is_ok());
        assert_eq!(
            c.check("sts:AssumeEverything").unwrap_err().to_string(),
            "unknown action \"sts:AssumeEverything\": sts has no such action"
        );
        let Ok(ActionStatus::Unlisted { note, .. }) = c.check("ec2:DescribeCapacityBlocks") else {
            panic!("partial list accepts")
        };
        assert!(note.contains("partial"));
        for bad in [
            "PassRole",
            "iam:",
            ":PassRole",
            "iam:Pass Role",
            "iam:Pass:Role",
        ] {
            assert!(
                matches!(c.check(bad), Err(ActionError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
