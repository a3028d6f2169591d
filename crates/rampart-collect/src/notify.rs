//! Publishing `rampart watch`'s messages to an Amazon SNS topic: the one write rampart makes
//! to AWS, and only to a topic the user named in `rampart.toml`. The delivery id travels as
//! a message attribute, and as the deduplication id of a FIFO topic, so that a repeat of a
//! delivery can be dropped by its subscribers (or by SNS itself).

use crate::accounts::AccountSession;
use crate::{sdk, CollectError};
use aws_sdk_sns::types::MessageAttributeValue;
use aws_smithy_runtime_api::client::result::SdkError;

/// The message attribute that carries the delivery id.
pub const DELIVERY_ID_ATTRIBUTE: &str = "rampart_delivery_id";

/// The message group of FIFO topics: one group, so messages arrive in the order sent.
pub const FIFO_GROUP: &str = "rampart-watch";

/// Error codes that say "try again later".
const TRANSIENT_CODES: &[&str] = &[
    "Throttled",
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "KMSThrottling",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "Timeout",
    "DispatchFailure",
];

/// Publish `message` with `subject` to `topic_arn` (in `region`, else the ARN's region),
/// with the delivery id as the [`DELIVERY_ID_ATTRIBUTE`] attribute, and as the
/// deduplication id when the topic is FIFO (`.fifo`). Returns SNS's message id.
///
/// A failure is [`CollectError::Publish`]; its `transient` says whether another try may
/// succeed (throttling, a 5xx, no answer) or not (the topic does not exist, access denied,
/// a parameter refused).
pub async fn publish_sns(
    session: &AccountSession,
    topic_arn: &str,
    region: Option<&str>,
    subject: &str,
    message: &str,
    delivery_id: &str,
) -> Result<String, CollectError> {
    let region = region
        .map(str::to_owned)
        .or_else(|| {
            topic_arn
                .split(':')
                .nth(3)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
        })
        .or_else(|| session.config().region().map(|r| r.as_ref().to_owned()))
        .unwrap_or_else(|| "us-east-1".into());
    let client = aws_sdk_sns::Client::from_conf(
        aws_sdk_sns::config::Builder::from(session.config())
            .region(aws_types::region::Region::new(region))
            .build(),
    );
    let refused = |reason: String| CollectError::Publish {
        topic_arn: topic_arn.to_owned(),
        reason,
        transient: false,
    };
    let attribute = MessageAttributeValue::builder()
        .data_type("String")
        .string_value(delivery_id)
        .build()
        .map_err(|e| refused(e.to_string()))?;
    let mut request = client
        .publish()
        .topic_arn(topic_arn)
        .subject(subject)
        .message(message)
        .message_attributes(DELIVERY_ID_ATTRIBUTE, attribute);
    if topic_arn.ends_with(".fifo") {
        request = request
            .message_group_id(FIFO_GROUP)
            .message_deduplication_id(delivery_id);
    }
    match request.send().await {
        Ok(out) => Ok(sdk::s(out.message_id())),
        Err(e) => {
            let server_error = matches!(&e, SdkError::ServiceError(se) if se.raw().status().as_u16() >= 500)
                || matches!(&e, SdkError::ResponseError(_));
            let gap = sdk::gap("sns:Publish", &e);
            Err(CollectError::Publish {
                topic_arn: topic_arn.to_owned(),
                transient: server_error || TRANSIENT_CODES.contains(&gap.code.as_str()),
                reason: format!("{}: {}", gap.code, gap.message),
            })
        }
    }
}
