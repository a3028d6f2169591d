//! Test harness: starts moto server (an AWS emulator) on a free 127.0.0.1 port, installed
//! into the workspace's `.venv` on first use, and builds scenario accounts in it through the
//! AWS SDK for Rust. Used by the integration tests, the example snapshot and the benchmark.
//! Also a webhook receiver on 127.0.0.1 for the tests of `rampart watch`'s deliveries.

/// An SDK client of crate `$krate` for `$cfg` in `$region`: the scenario modules build
/// every client this way.
macro_rules! client {
    ($krate:ident, $cfg:expr, $region:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($cfg)
                .region(aws_types::region::Region::new($region.to_owned()))
                .build(),
        )
    };
}

pub mod breaking;
pub mod catalogue;
pub mod fix_scenario;
pub mod iam_scenario;
pub mod moto;
pub mod org;
pub mod scenario;
pub mod webhook;

pub use moto::{Moto, RecordedCall};
pub use webhook::{ReceivedRequest, WebhookReceiver};
