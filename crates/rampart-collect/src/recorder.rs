//! The one place where rampart-collect sends requests to AWS.
//!
//! A [`Recorder`] is scoped to one service in one region. It sends a request (or walks every
//! page of a list), turns the outcome into data or a [`Gap`] recorded in the ledger, counts
//! the calls that succeeded, turns a panic inside the SDK into a gap for that call, and runs
//! per-item calls a bounded number at a time, keeping the order of the items. Collectors
//! build requests with the SDK's fluent builders and hand them over unsent, through
//! [`request!`], [`items!`] and [`pages!`].

use crate::sdk::gap;
use crate::Collector;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use futures::{FutureExt, StreamExt};
use rampart_inventory::{Collected, Gap};
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// One request, sent when the recorder awaits it: `request!(client.get_x().id(id))`.
macro_rules! request {
    ($builder:expr) => {
        $builder.send()
    };
}

/// Every item of every page of a paginated list, in order:
/// `items!(client.describe_vpcs())`.
macro_rules! items {
    ($builder:expr) => {
        $builder.into_paginator().items().send().try_collect()
    };
}

/// Every page of a paginated call, in order (for outputs that hold several lists or no item
/// paginator): `pages!(client.describe_alarms())`.
macro_rules! pages {
    ($builder:expr) => {
        $builder.into_paginator().send().try_collect()
    };
}

pub(crate) use {items, pages, request};

/// The outcome of an SDK request.
pub(crate) type SdkResult<O, E> = Result<O, SdkError<E, HttpResponse>>;

/// The error types of SDK operations, which [`gap`] can read.
pub(crate) trait OperationError:
    ProvideErrorMetadata + std::error::Error + Send + Sync + 'static
{
}

impl<E> OperationError for E where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static
{
}

/// Sends the requests of one service in one region and records what they give.
#[derive(Clone, Copy)]
pub(crate) struct Recorder<'a> {
    c: &'a Collector,
    service: &'a str,
    region: &'a str,
    counted: bool,
}

impl<'a> Recorder<'a> {
    /// A recorder for `service` (as the ledger names it: `ec2`, `iam`, ...) in `region`
    /// (`global` for account-wide calls).
    pub(crate) fn new(c: &'a Collector, service: &'a str, region: &'a str) -> Self {
        Recorder {
            c,
            service,
            region,
            counted: true,
        }
    }

    /// A recorder for the calls that set collection up (who the caller is, which regions
    /// exist): their success does not count as data read from the account.
    pub(crate) fn setup(c: &'a Collector, service: &'a str, region: &'a str) -> Self {
        Recorder {
            counted: false,
            ..Self::new(c, service, region)
        }
    }

    /// The same region, another service (IAM calls made while reading Organizations).
    pub(crate) fn service(self, service: &'a str) -> Self {
        Recorder { service, ..self }
    }

    /// Send `request` and return its output, or the gap it left, without recording the
    /// gap: for callers that decide whether an error code is a fact (`NotFound`: nothing
    /// configured). A panic inside the SDK (it panics on some inputs it cannot encode, such
    /// as a 70,000-character name in a URI) is that call's gap, code `SdkPanic`.
    pub(crate) async fn try_call<O, E: OperationError>(
        &self,
        api: &str,
        request: impl Future<Output = SdkResult<O, E>>,
    ) -> Result<O, Gap> {
        match AssertUnwindSafe(request).catch_unwind().await {
            Ok(Ok(out)) => {
                self.fact();
                Ok(out)
            }
            Ok(Err(e)) => Err(gap(api, &e)),
            Err(panic) => Err(Gap {
                api: api.to_owned(),
                code: "SdkPanic".into(),
                message: format!(
                    "the AWS SDK failed on this request: {}",
                    panic_message(panic.as_ref())
                ),
            }),
        }
    }

    /// Send `request`: its output through `convert`, or the gap, recorded.
    pub(crate) async fn call<O, E: OperationError, T>(
        &self,
        api: &str,
        request: impl Future<Output = SdkResult<O, E>>,
        convert: impl FnOnce(O) -> T,
    ) -> Collected<T> {
        match self.try_call(api, request).await {
            Ok(out) => Collected::Ok(convert(out)),
            Err(g) => self.missing(g),
        }
    }

    /// Every item of a list (`items!(...)`), each through `convert`, or the gap, recorded.
    pub(crate) async fn list<I, E: OperationError, T>(
        &self,
        api: &str,
        request: impl Future<Output = SdkResult<Vec<I>, E>>,
        convert: impl FnMut(I) -> T,
    ) -> Collected<Vec<T>> {
        self.call(api, request, |list| list.into_iter().map(convert).collect())
            .await
    }

    /// Like [`Recorder::call`], for a setting that may not exist: an error whose code is one
    /// of `absent` (`NoSuchBucketPolicy`, ...) is the fact "not configured" (`Ok(None)`),
    /// not a gap.
    pub(crate) async fn optional<O, E: OperationError, T>(
        &self,
        api: &str,
        request: impl Future<Output = SdkResult<O, E>>,
        absent: &[&str],
        convert: impl FnOnce(O) -> Option<T>,
    ) -> Collected<Option<T>> {
        match self.try_call(api, request).await {
            Ok(out) => Collected::Ok(convert(out)),
            Err(g) if absent.contains(&g.code.as_str()) => {
                self.fact();
                Collected::Ok(None)
            }
            Err(g) => self.missing(g),
        }
    }

    /// Run `per_item` over `items`, a bounded number at a time (`item_concurrency`), the
    /// results in the order of the items. Each item's own calls record their own gaps, so
    /// one failed item never blanks the others.
    pub(crate) async fn each<I, T, Fut>(
        &self,
        items: impl IntoIterator<Item = I>,
        per_item: impl FnMut(I) -> Fut,
    ) -> Vec<T>
    where
        Fut: Future<Output = T>,
    {
        futures::stream::iter(items)
            .map(per_item)
            .buffered(self.c.item_concurrency)
            .collect()
            .await
    }

    /// List (`items!(...)`), then run `per_item` over every item as [`Recorder::each`]
    /// does; the list's own failure is the gap, recorded.
    pub(crate) async fn list_each<I, E: OperationError, T, Fut>(
        &self,
        api: &str,
        request: impl Future<Output = SdkResult<Vec<I>, E>>,
        per_item: impl FnMut(I) -> Fut,
    ) -> Collected<Vec<T>>
    where
        Fut: Future<Output = T>,
    {
        match self.try_call(api, request).await {
            Ok(list) => Collected::Ok(self.each(list, per_item).await),
            Err(g) => self.missing(g),
        }
    }

    /// Where the secret scans of this collection note the AWS access key ids they find.
    pub(crate) fn found_keys(&self) -> &'a crate::secrets::FoundKeyIds {
        &self.c.found_keys
    }

    /// Count a call that read something: an output, or an error code that states a fact
    /// ("not subscribed", "no such policy"), as the callers of [`Recorder::try_call`]
    /// decide.
    pub(crate) fn fact(&self) {
        if self.counted {
            self.c.ledger.success(self.service);
        }
    }

    /// Record `gap` in the ledger and return it as missing data.
    pub(crate) fn missing<T>(&self, gap: Gap) -> Collected<T> {
        self.record(&gap);
        Collected::Missing(gap)
    }

    /// Record `gap` in the ledger.
    pub(crate) fn record(&self, gap: &Gap) {
        self.c.ledger.error(self.service, self.region, gap);
    }
}

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::operation::get_policy::{GetPolicyError, GetPolicyOutput};

    fn collector() -> Collector {
        Collector::new(2)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    // Issue 9, defect 5: a request the SDK panics on (it did for a 70,000-character Lambda
    // function name in GetPolicy's URI) is a gap on that item; the other items are read and
    // the scan goes on.
    #[test]
    fn a_panicking_call_is_a_gap_on_its_item_and_the_others_are_read() {
        let c = collector();
        let rec = Recorder::new(&c, "lambda", "eu-west-1");
        let names = vec!["a".to_owned(), "x".repeat(70_000), "c".to_owned()];
        let got: Vec<(usize, Collected<Option<String>>)> =
            runtime().block_on(rec.each(names, |name| async move {
                let request = async {
                    assert!(name.len() < 1000, "URI too long");
                    SdkResult::<GetPolicyOutput, GetPolicyError>::Ok(
                        GetPolicyOutput::builder().policy(name.clone()).build(),
                    )
                };
                let policy = rec
                    .call("lambda:GetPolicy", request, |out| {
                        out.policy().map(str::to_owned)
                    })
                    .await;
                (name.len(), policy)
            }));
        assert_eq!(got.len(), 3, "every item kept, in order");
        assert_eq!(got[0], (1, Collected::Ok(Some("a".into()))));
        assert_eq!(got[2], (1, Collected::Ok(Some("c".into()))));
        assert_eq!(got[1].0, 70_000);
        let Collected::Missing(g) = &got[1].1 else {
            panic!("{:?}", got[1].1)
        };
        assert_eq!(g.api, "lambda:GetPolicy");
        assert_eq!(g.code, "SdkPanic");
        assert!(g.message.contains("URI too long"), "{g:?}");
        let errors = c.ledger.take_errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].region, "eu-west-1");
        assert_eq!(c.ledger.successes().get("lambda"), Some(&2));
    }

    // Per-item results keep the order of their items whatever order the calls finish in.
    #[test]
    fn each_keeps_input_order() {
        let c = collector();
        let rec = Recorder::new(&c, "ec2", "eu-west-1");
        let got = runtime().block_on(rec.each(0..10u64, |i| async move {
            tokio::task::yield_now().await;
            if i % 2 == 0 {
                tokio::task::yield_now().await;
            }
            i
        }));
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    }

    // Honest results: an absent setting is a fact and a successful read; setup calls do not
    // count as data read.
    #[test]
    fn absent_codes_are_facts_and_setup_calls_are_not_counted() {
        let c = collector();
        let rec = Recorder::new(&c, "lambda", "eu-west-1");
        let absent = async {
            SdkResult::<GetPolicyOutput, GetPolicyError>::Err(SdkError::service_error(
                GetPolicyError::generic(
                    aws_smithy_types::error::ErrorMetadata::builder()
                        .code("ResourceNotFoundException")
                        .message("no policy")
                        .build(),
                ),
                HttpResponse::new(
                    aws_smithy_runtime_api::http::StatusCode::try_from(404u16).unwrap(),
                    aws_smithy_types::body::SdkBody::empty(),
                ),
            ))
        };
        let got = runtime().block_on(rec.optional(
            "lambda:GetPolicy",
            absent,
            &["ResourceNotFoundException"],
            |o: GetPolicyOutput| o.policy().map(str::to_owned),
        ));
        assert_eq!(got, Collected::Ok(None));
        let setup = Recorder::setup(&c, "sts", "us-east-1");
        let ok = async {
            SdkResult::<GetPolicyOutput, GetPolicyError>::Ok(GetPolicyOutput::builder().build())
        };
        assert!(runtime().block_on(setup.try_call("sts:X", ok)).is_ok());
        assert_eq!(
            c.ledger.successes(),
            [("lambda".to_owned(), 1)].into_iter().collect()
        );
        assert!(c.ledger.take_errors().is_empty());
    }
}
