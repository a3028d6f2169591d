//! Fault answers in each protocol's own AWS error form, as the AWS SDK for Rust parses them:
//! query errors, and those of S3 Control, Route 53 and CloudFront, are
//! `<ErrorResponse><Error><Code>` (read by its wrapped-XML parser), EC2 errors
//! `<Response><Errors><Error><Code>`, S3 errors an unwrapped `<Error><Code>`, and JSON errors take
//! their code from the `x-amzn-ErrorType` header before the body's `code` or `__type`. The codes
//! used (`Throttling`, `RequestLimitExceeded`, `ThrottlingException`, `SlowDown`) are in the
//! SDK's list of throttling codes, so it retries them with backoff; 500s are retried as
//! transient; access denials are not retried.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode};

use crate::request::{Protocol, RequestInfo};

/// Which error to answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Throttle,
    Internal,
    Denied,
}

struct Shape {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// `Sender` or `Receiver`, for the query protocol's `<Type>`.
    fault_type: &'static str,
}

/// The whole HTTP answer for `kind` in `info`'s protocol. `request_content_type` is echoed for
/// awsJson (1.0 or 1.1).
pub(crate) fn answer(
    kind: ErrorKind,
    info: &RequestInfo,
    request_content_type: Option<&str>,
    request_id: &str,
) -> Response<Full<Bytes>> {
    let shape = shape(kind, info);
    let builder = Response::builder().status(shape.status);
    let response = match info.protocol {
        Protocol::Query => builder
            .header("content-type", "text/xml")
            .header("x-amzn-requestid", request_id)
            .body(format!(
                "<ErrorResponse xmlns=\"https://{service}.amazonaws.com/doc/\">\
                 <Error><Type>{fault_type}</Type><Code>{code}</Code><Message>{message}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>",
                service = xml_escape(&info.service),
                fault_type = shape.fault_type,
                code = shape.code,
                message = xml_escape(&shape.message),
            )),
        Protocol::Ec2Query => builder
            .header("content-type", "text/xml;charset=UTF-8")
            .body(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
                 <Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>",
                code = shape.code,
                message = xml_escape(&shape.message),
            )),
        Protocol::RestXml => builder
            .header("content-type", "application/xml")
            .header("x-amz-request-id", request_id)
            .body(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>{message}</Message><RequestId>{request_id}</RequestId>\
                 <HostId>rampart-fault-proxy</HostId></Error>",
                code = shape.code,
                message = xml_escape(&shape.message),
            )),
        Protocol::RestXmlWrapped => builder
            .header("content-type", "application/xml")
            .header("x-amzn-requestid", request_id)
            .body(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error><Type>{fault_type}</Type>\
                 <Code>{code}</Code><Message>{message}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>",
                fault_type = shape.fault_type,
                code = shape.code,
                message = xml_escape(&shape.message),
            )),
        Protocol::AwsJson => {
            let content_type = request_content_type
                .filter(|ct| ct.starts_with("application/x-amz-json-"))
                .unwrap_or("application/x-amz-json-1.1");
            builder
                .header("content-type", content_type)
                .header("x-amzn-requestid", request_id)
                .body(
                    serde_json::json!({ "__type": shape.code, "message": shape.message })
                        .to_string(),
                )
        }
        Protocol::RestJson => builder
            .header("content-type", "application/json")
            .header("x-amzn-errortype", shape.code)
            .header("x-amzn-requestid", request_id)
            .body(serde_json::json!({ "message": shape.message }).to_string()),
    };
    match response {
        Ok(response) => response.map(|body| Full::new(Bytes::from(body))),
        // Only reachable with an invalid header value, which the fixed names above are not.
        Err(_) => Response::new(Full::new(Bytes::new())),
    }
}

fn shape(kind: ErrorKind, info: &RequestInfo) -> Shape {
    let who = if info.access_key.is_empty() {
        "an anonymous caller".to_string()
    } else {
        format!("the caller with access key {}", info.access_key)
    };
    let permission = format!("{}:{}", info.service, info.action);
    let resource = info.role_arn.as_deref().unwrap_or("*");
    let denied = format!(
        "User: {who} is not authorized to perform: {permission} on resource: {resource} \
         (denied by rampart-fault-proxy)"
    );
    let (status, code, message, fault_type) = match (kind, info.protocol) {
        (ErrorKind::Throttle, Protocol::Query | Protocol::RestXmlWrapped) => {
            (400, "Throttling", "Rate exceeded".into(), "Sender")
        }
        (ErrorKind::Throttle, Protocol::Ec2Query) => (
            503,
            "RequestLimitExceeded",
            "Request limit exceeded.".into(),
            "Sender",
        ),
        (ErrorKind::Throttle, Protocol::AwsJson) => {
            (400, "ThrottlingException", "Rate exceeded".into(), "Sender")
        }
        (ErrorKind::Throttle, Protocol::RestJson) => {
            (429, "ThrottlingException", "Rate exceeded".into(), "Sender")
        }
        (ErrorKind::Throttle, Protocol::RestXml) => (
            503,
            "SlowDown",
            "Please reduce your request rate.".into(),
            "Sender",
        ),
        (ErrorKind::Internal, Protocol::Ec2Query) => (
            500,
            "InternalError",
            "An internal error has occurred.".into(),
            "Receiver",
        ),
        (ErrorKind::Internal, Protocol::RestXml) => (
            500,
            "InternalError",
            "We encountered an internal error. Please try again.".into(),
            "Receiver",
        ),
        (ErrorKind::Internal, _) => (
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure."
                .into(),
            "Receiver",
        ),
        (ErrorKind::Denied, Protocol::Query | Protocol::RestXmlWrapped) => {
            (403, "AccessDenied", denied, "Sender")
        }
        (ErrorKind::Denied, Protocol::Ec2Query) => (
            403,
            "UnauthorizedOperation",
            format!("You are not authorized to perform this operation. {denied}"),
            "Sender",
        ),
        (ErrorKind::Denied, Protocol::AwsJson) => (400, "AccessDeniedException", denied, "Sender"),
        (ErrorKind::Denied, Protocol::RestJson) => (403, "AccessDeniedException", denied, "Sender"),
        (ErrorKind::Denied, Protocol::RestXml) => (403, "AccessDenied", denied, "Sender"),
    };
    Shape {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        code,
        message,
        fault_type,
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
