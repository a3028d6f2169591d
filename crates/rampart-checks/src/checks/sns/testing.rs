//! Builders for SNS fixtures: a topic in `us-east-1` whose policy allows the account only.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;
use serde_json::json;

/// The SNS data of `us-east-1`.
pub(crate) fn sns(fx: &mut Fixture) -> &mut SnsData {
    &mut fx.region("us-east-1").sns
}

/// A topic whose policy is the default one: the owner account only.
pub(crate) fn topic(name: &str) -> Topic {
    let arn = format!("arn:aws:sns:us-east-1:{ACCOUNT}:{name}");
    Topic {
        policy: Collected::Ok(Some(json!({"Statement": [{"Sid": "__default_statement_ID",
            "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}}}]}))),
        arn,
    }
}
