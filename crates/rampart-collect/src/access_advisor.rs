//! IAM Access Advisor, once per account: for every user and role, the services its policies
//! grant and when it last used them. Each principal is one job: it is started with
//! `GenerateServiceLastAccessedDetails` (action level, so that S3, EC2, IAM, Lambda and
//! the other tracked services give their actions too), then polled with
//! `GetServiceLastAccessedDetails`, with backoff, until it completes; a bounded number of
//! jobs run at once. A failed job is that principal's gap. The first principal is asked
//! alone: when the account cannot answer at all (the caller may not start jobs, or the
//! endpoint does not serve them), that one gap stands for every principal instead of one
//! failure per principal.

use crate::recorder::{request, Recorder};
use crate::sdk::{s, time};
use crate::Collector;
use aws_sdk_iam::types::{AccessAdvisorUsageGranularityType, JobStatusType};
use aws_sdk_iam::Client;
use rampart_inventory::*;
use std::collections::BTreeMap;
use std::time::Duration;

/// The first wait between two polls of a job, doubled after each poll up to [`POLL_MAX`].
const POLL_FIRST: Duration = Duration::from_millis(250);
/// The longest wait between two polls.
const POLL_MAX: Duration = Duration::from_secs(5);
/// How long a job may stay in progress before its principal is given up as a gap.
const JOB_TIMEOUT: Duration = Duration::from_secs(180);

/// Access Advisor's report for every user and role of `iam`, by ARN.
pub(crate) async fn collect(
    c: &Collector,
    client: &Client,
    iam: &IamData,
) -> Collected<BTreeMap<String, Collected<ServiceLastAccessed>>> {
    let rec = &c.recorder("iam", "global");
    let (users, roles) = match (iam.users.get(), iam.roles.get()) {
        (Ok(u), Ok(r)) => (u, r),
        (Err(g), _) | (_, Err(g)) => {
            // Without the principals there is nothing to ask about: the same gap.
            return Collected::Missing(g.clone());
        }
    };
    let mut arns: Vec<&str> = users
        .iter()
        .map(|u| u.arn.as_str())
        .chain(roles.iter().map(|r| r.arn.as_str()))
        .collect();
    arns.sort_unstable();
    arns.dedup();
    let Some((first, rest)) = arns.split_first() else {
        return Collected::Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    match job(rec, client, first).await {
        Err(JobError::Call(g)) => {
            rec.record(&g);
            return Collected::Missing(g);
        }
        Err(JobError::Job(g)) => {
            rec.record(&g);
            out.insert((*first).to_owned(), Collected::Missing(g));
        }
        Ok(report) => {
            out.insert((*first).to_owned(), Collected::Ok(report));
        }
    }
    let reports = rec
        .each(rest.iter().copied(), |arn| async move {
            let report = match job(rec, client, arn).await {
                Ok(r) => Collected::Ok(r),
                Err(JobError::Call(g) | JobError::Job(g)) => rec.missing(g),
            };
            (arn.to_owned(), report)
        })
        .await;
    out.extend(reports);
    Collected::Ok(out)
}

/// Why one principal's report could not be had.
enum JobError {
    /// A call failed: the account may not be able to answer for anyone.
    Call(Gap),
    /// The job itself failed or never completed: this principal only.
    Job(Gap),
}

/// Start the job for `arn`, wait for it, and read every page of its report.
async fn job(
    rec: &Recorder<'_>,
    client: &Client,
    arn: &str,
) -> Result<ServiceLastAccessed, JobError> {
    const GET: &str = "iam:GetServiceLastAccessedDetails";
    let started = rec
        .try_call(
            "iam:GenerateServiceLastAccessedDetails",
            request!(client
                .generate_service_last_accessed_details()
                .arn(arn)
                .granularity(AccessAdvisorUsageGranularityType::ActionLevel)),
        )
        .await
        .map_err(JobError::Call)?;
    let Some(job_id) = started.job_id().filter(|id| !id.is_empty()) else {
        return Err(JobError::Call(Gap {
            api: "iam:GenerateServiceLastAccessedDetails".into(),
            code: "InvalidResponse".into(),
            message: format!("no JobId in the answer for {arn}"),
        }));
    };
    let begun = tokio::time::Instant::now();
    let mut wait = POLL_FIRST;
    let mut report = ServiceLastAccessed::default();
    let mut marker: Option<String> = None;
    loop {
        let page = rec
            .try_call(
                GET,
                request!(client
                    .get_service_last_accessed_details()
                    .job_id(job_id)
                    .set_marker(marker.clone())),
            )
            .await
            .map_err(JobError::Call)?;
        match page.job_status() {
            JobStatusType::Completed => {}
            JobStatusType::Failed => {
                let (code, message) = page
                    .error()
                    .map(|e| (e.code().to_owned(), e.message().to_owned()))
                    .unwrap_or_else(|| ("JobFailed".into(), String::new()));
                return Err(JobError::Job(Gap {
                    api: GET.into(),
                    code,
                    message: format!("the Access Advisor job for {arn} failed: {message}"),
                }));
            }
            // IN_PROGRESS, or a status this build does not know: wait and ask again.
            _ => {
                if begun.elapsed() + wait > JOB_TIMEOUT {
                    return Err(JobError::Job(Gap {
                        api: GET.into(),
                        code: "Timeout".into(),
                        message: format!(
                            "the Access Advisor job for {arn} did not complete within {} s",
                            JOB_TIMEOUT.as_secs()
                        ),
                    }));
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(POLL_MAX);
                continue;
            }
        }
        report.job_completion_date = time(Some(page.job_completion_date()));
        report
            .services
            .extend(page.services_last_accessed().iter().map(service));
        match page.marker().filter(|_| page.is_truncated()) {
            Some(next) if marker.as_deref() != Some(next) => marker = Some(next.to_owned()),
            _ => break,
        }
    }
    report
        .services
        .sort_by(|a, b| a.namespace.cmp(&b.namespace));
    Ok(report)
}

/// One service of a report.
fn service(sla: &aws_sdk_iam::types::ServiceLastAccessed) -> ServiceAccess {
    let mut tracked_actions: Vec<TrackedAction> = sla
        .tracked_actions_last_accessed()
        .iter()
        .map(|a| TrackedAction {
            action: s(a.action_name()),
            last_accessed: time(a.last_accessed_time()),
        })
        .collect();
    tracked_actions.sort_by(|a, b| a.action.cmp(&b.action));
    ServiceAccess {
        namespace: sla.service_namespace().to_owned(),
        name: sla.service_name().to_owned(),
        last_authenticated: time(sla.last_authenticated()),
        last_authenticated_entity: sla.last_authenticated_entity().map(str::to_owned),
        last_authenticated_region: sla.last_authenticated_region().map(str::to_owned),
        tracked_actions,
    }
}
