//! Whose credentials a scan uses, and which accounts an Organization has.
//!
//! A [`Caller`] is the configuration the user's own credentials give (profile, SSO, env,
//! instance role), with the run's [`RequestBudget`]. From it come [`AccountSession`]s: the
//! caller's own account, or another account through a role assumed there
//! ([`Caller::assume`]). An assumed session refreshes its credentials by itself before they
//! expire (the SDK's identity cache, on the configured time source), so a long run never
//! meets an expired token. [`Caller::organization`] lists the accounts of the caller's
//! Organization, or of one organizational unit and everything under it.

use crate::recorder::{pages, request, Recorder};
use crate::transport::{AccountBudget, CallPolicy, RequestBudget};
use crate::{sdk, CollectError, Collector};
use aws_config::sts::AssumeRoleProvider;
use aws_config::SdkConfig;
use aws_credential_types::provider::{
    error::CredentialsError, future, ProvideCredentials, SharedCredentialsProvider,
};
use aws_credential_types::Credentials;
use aws_smithy_async::time::SharedTimeSource;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How to reach AWS.
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// Named profile (else the default chain: env, default profile, SSO, instance role).
    pub profile: Option<String>,
    /// Endpoint for every service (an emulator); the SDK also honours `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    /// Retries, timeouts and requests in flight.
    pub policy: CallPolicy,
    /// The clock credentials expire by (default: the system clock).
    pub time_source: Option<SharedTimeSource>,
}

/// The user's own credentials and the run's request budget.
#[derive(Clone)]
pub struct Caller {
    config: SdkConfig,
    budget: RequestBudget,
    /// Organization policy documents read so far (shared by the members of one run).
    org_policies: Arc<crate::org_policies::PolicyCache>,
}

/// One account's credentials and its share of the run's request budget.
#[derive(Clone)]
pub struct AccountSession {
    config: SdkConfig,
}

/// A role to assume in another account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpec {
    /// The role's ARN.
    pub role_arn: String,
    /// `sts:ExternalId`, when the role's trust policy asks for one.
    pub external_id: Option<String>,
    /// The session name, seen in the account's CloudTrail.
    pub session_name: String,
    /// How long each set of credentials lasts (refreshed before it ends).
    pub duration: Duration,
}

/// An account of an Organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    /// 12-digit id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED` (the `State`, else the older
    /// `Status`).
    pub state: String,
}

/// Who the caller is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The caller's account id.
    pub account_id: String,
    /// The caller's ARN.
    pub arn: String,
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
}

/// An Organization's accounts, as the caller sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgListing {
    /// The partition of the Organization (that of the caller).
    pub partition: String,
    /// `o-...`.
    pub organization_id: String,
    /// The management account's id.
    pub management_account_id: String,
    /// The accounts asked for (the whole Organization, or one OU's subtree), by id.
    pub accounts: Vec<OrgAccount>,
}

/// Why an Organization's accounts could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// The caller's account is in no Organization.
    #[error("account {0} is not in an AWS Organization: use --accounts-file to list the accounts to scan")]
    NotInOrganization(String),
    /// The OU does not exist.
    #[error("organizational unit {0} not found in organization {1}")]
    UnknownOu(String, String),
    /// A call failed.
    #[error("cannot list the organization's accounts: {0}\nhint: run from the management account or a delegated administrator of AWS Organizations")]
    Listing(String),
    /// The caller could not be identified.
    #[error(transparent)]
    Caller(#[from] CollectError),
}

impl Caller {
    /// The user's credentials, resolved the way the AWS CLI does, with a fresh request
    /// budget sized by `opts.policy`.
    pub async fn connect(opts: &ConnectOptions) -> Caller {
        let config = sdk::load_config(
            opts.profile.as_deref(),
            opts.endpoint_url.as_deref(),
            &opts.policy,
            opts.time_source.clone(),
        )
        .await;
        Caller {
            config,
            budget: RequestBudget::new(&opts.policy),
            org_policies: Arc::default(),
        }
    }

    /// A session for an account with `credentials`, on a new share of the budget.
    fn session_with(&self, credentials: Option<SharedCredentialsProvider>) -> AccountSession {
        let share: Arc<AccountBudget> = self.budget.account();
        let mut builder = self.config.to_builder();
        if let Some(http) = self.config.http_client() {
            builder = builder.http_client(share.client(http));
        }
        if let Some(c) = credentials {
            builder = builder.credentials_provider(c);
        }
        AccountSession {
            config: builder.build(),
        }
    }

    /// Who the caller is (`sts:GetCallerIdentity`).
    pub async fn identity(&self) -> Result<Identity, CollectError> {
        let session = self.session();
        let collector = Collector::new(1);
        let region = session
            .config
            .region()
            .map(|r| r.as_ref().to_owned())
            .unwrap_or_else(|| "us-east-1".into());
        let sts = client!(
            aws_sdk_sts,
            &session.config,
            region,
            collector.ledger,
            "sts"
        );
        let out = Recorder::setup(&collector, "sts", "global")
            .try_call("sts:GetCallerIdentity", request!(sts.get_caller_identity()))
            .await
            .map_err(|g| CollectError::NoAccount(g.describe()))?;
        let arn = sdk::s(out.arn());
        Ok(Identity {
            account_id: sdk::s(out.account()),
            partition: arn.split(':').nth(1).unwrap_or("aws").to_owned(),
            arn,
        })
    }

    /// The caller's own account, with the caller's own credentials.
    pub fn session(&self) -> AccountSession {
        self.session_with(None)
    }

    /// Another account, through `role`. The role is assumed once here, so that a role that
    /// cannot be assumed is reported now, with AWS's reason; later credentials are fetched
    /// by the session itself before these expire.
    pub async fn assume(&self, role: &RoleSpec) -> Result<AccountSession, CollectError> {
        // The STS calls go through the run's request budget too.
        let signer = self.session();
        let mut builder = AssumeRoleProvider::builder(role.role_arn.clone())
            .session_name(role.session_name.clone())
            .session_length(role.duration)
            .configure(&signer.config);
        if let Some(id) = &role.external_id {
            builder = builder.external_id(id.clone());
        }
        let provider = builder.build().await;
        let first = provider
            .provide_credentials()
            .await
            .map_err(|e| CollectError::AssumeRole {
                role_arn: role.role_arn.clone(),
                reason: credentials_error(&e),
            })?;
        let credentials = Refreshing {
            first: Mutex::new(Some(first)),
            provider,
        };
        Ok(self.session_with(Some(SharedCredentialsProvider::new(credentials))))
    }

    /// The accounts of the caller's Organization, or of organizational unit `ou` and every
    /// OU under it, sorted by id.
    pub async fn organization(&self, ou: Option<&str>) -> Result<OrgListing, OrgError> {
        let (collector, org) = self.organizations_client();
        let rec = Recorder::setup(&collector, "organizations", "global");
        let identity = self.identity().await?;
        let caller_account = identity.account_id;
        let described = match rec
            .try_call(
                "organizations:DescribeOrganization",
                request!(org.describe_organization()),
            )
            .await
        {
            Ok(out) => out,
            Err(g) if g.code == "AWSOrganizationsNotInUseException" => {
                return Err(OrgError::NotInOrganization(caller_account))
            }
            Err(g) => return Err(OrgError::Listing(g.describe())),
        };
        let (organization_id, management_account_id) = described
            .organization()
            .map(|o| (sdk::s(o.id()), sdk::s(o.master_account_id())))
            .unwrap_or_default();
        let convert = |a: &aws_sdk_organizations::types::Account| OrgAccount {
            id: sdk::s(a.id()),
            name: sdk::s(a.name()),
            state: a
                .state()
                .map(|s| s.as_str().to_owned())
                .or_else(|| a.status().map(|s| s.as_str().to_owned()))
                .unwrap_or_default(),
        };
        let mut accounts: Vec<OrgAccount> = match ou {
            None => rec
                .try_call("organizations:ListAccounts", pages!(org.list_accounts()))
                .await
                .map_err(|g| OrgError::Listing(g.describe()))?
                .iter()
                .flat_map(|page| page.accounts())
                .map(convert)
                .collect(),
            Some(ou) => {
                let mut found = Vec::new();
                let mut parents = vec![ou.to_owned()];
                while let Some(parent) = parents.pop() {
                    let unknown = |g: &rampart_inventory::Gap| {
                        if g.code == "ParentNotFoundException" || g.code == "InvalidInputException"
                        {
                            OrgError::UnknownOu(ou.to_owned(), organization_id.clone())
                        } else {
                            OrgError::Listing(g.describe())
                        }
                    };
                    let here = rec
                        .try_call(
                            "organizations:ListAccountsForParent",
                            pages!(org.list_accounts_for_parent().parent_id(&parent)),
                        )
                        .await
                        .map_err(|g| unknown(&g))?;
                    found.extend(here.iter().flat_map(|p| p.accounts()).map(convert));
                    let children = rec
                        .try_call(
                            "organizations:ListOrganizationalUnitsForParent",
                            pages!(org
                                .list_organizational_units_for_parent()
                                .parent_id(&parent)),
                        )
                        .await
                        .map_err(|g| unknown(&g))?;
                    parents.extend(
                        children
                            .iter()
                            .flat_map(|p| p.organizational_units())
                            .map(|u| sdk::s(u.id())),
                    );
                }
                found
            }
        };
        accounts.sort_by(|a, b| a.id.cmp(&b.id));
        accounts.dedup_by(|a, b| a.id == b.id);
        Ok(OrgListing {
            partition: identity.partition,
            organization_id,
            management_account_id,
            accounts,
        })
    }
}

impl Caller {
    /// An Organizations client with the caller's credentials, and the collector whose
    /// ledger counts its calls (in no account's inventory).
    fn organizations_client(&self) -> (Collector, aws_sdk_organizations::Client) {
        let session = self.session();
        let base = &session.config;
        let collector = Collector::new(4);
        let region = base
            .region()
            .map(|r| r.as_ref().to_owned())
            .unwrap_or_else(|| "us-east-1".into());
        let org = client!(
            aws_sdk_organizations,
            base,
            region,
            collector.ledger,
            "organizations"
        );
        (collector, org)
    }

    /// The service and resource control policies that apply to `account_id`, read with the
    /// caller's credentials: an Organization scan run from the management account (or a
    /// delegated administrator) reads them for each member, which cannot read its own.
    /// The calls are not counted in any account's ledger; a failure is the gap.
    pub async fn applied_org_policies(
        &self,
        account_id: &str,
    ) -> rampart_inventory::Collected<rampart_inventory::AppliedOrgPolicies> {
        let (collector, org) = self.organizations_client();
        let rec = Recorder::setup(&collector, "organizations", "global");
        match crate::org_policies::applied(&rec, &org, account_id, &self.org_policies).await {
            Ok(applied) => rampart_inventory::Collected::Ok(applied),
            Err(g) => rampart_inventory::Collected::Missing(g),
        }
    }
}

impl AccountSession {
    /// The SDK configuration of the session.
    pub(crate) fn config(&self) -> &SdkConfig {
        &self.config
    }
}

/// Credentials of an assumed role: the first set, fetched when the role was assumed, then
/// new sets from the provider whenever the SDK's identity cache sees the last one expire.
#[derive(Debug)]
struct Refreshing {
    first: Mutex<Option<Credentials>>,
    provider: AssumeRoleProvider,
}

impl ProvideCredentials for Refreshing {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        if let Some(first) = self.first.lock().expect("credentials lock").take() {
            return future::ProvideCredentials::ready(Ok(first));
        }
        self.provider.provide_credentials()
    }
}

/// A credentials error as one line: the service's code and message where STS answered.
fn credentials_error(e: &CredentialsError) -> String {
    sdk::one_line(&sdk::chain(e))
}
