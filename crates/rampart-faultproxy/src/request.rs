//! What a request is, read from the request alone: the service and region of its SigV4
//! credential scope, its protocol, its action, and for `AssumeRole` the role it asks for.
//!
//! Action names by protocol:
//! - awsJson: the part of `X-Amz-Target` after the last `.`
//!   (`AmazonEC2ContainerServiceV20141113.ListClusters` → `ListClusters`);
//! - query and EC2 query: the `Action=` parameter of the form body (or of the URL query);
//! - S3 (restXml): the S3 operation name for path-style requests (`GET /bucket?policy` →
//!   `GetBucketPolicy`, `GET /` → `ListBuckets`, `PUT /bucket/key` → `PutObject`...; the SDK
//!   must use path-style addressing, as it does against an emulator with `force_path_style`:
//!   the bucket of a virtual-hosted request is in its `Host`, which is not read); an S3
//!   request it cannot name, and every other rest request, is named `METHOD /path` with the
//!   path segments that look like ids written `{id}`: those with a digit (other than an API
//!   version such as `2015-03-31` or `v20180820`), `%`, `:`, `.`, `@` or `=`, those starting
//!   with a capital, and those longer than 32 characters (`publicAccessBlock` stays, `MyFunction`
//!   and `fn-1` go; a lower-case name without digits stays, as the proxy cannot tell it apart).

use hyper::header::HeaderMap;
use hyper::Method;

/// How the request's service speaks, which decides the form of a fault's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// awsJson 1.0 / 1.1: an `X-Amz-Target` header.
    AwsJson,
    /// The query protocol (iam, sts, rds, sns, cloudformation...): a form body with `Action=`.
    Query,
    /// EC2's own variant of the query protocol.
    Ec2Query,
    /// restXml as S3 speaks it (errors not wrapped).
    RestXml,
    /// restXml with errors wrapped in `<ErrorResponse>`: S3 Control (S3's signing name, paths
    /// under `/v20180820/`), Route 53 and CloudFront.
    RestXmlWrapped,
    /// restJson 1 (every other rest service).
    RestJson,
}

/// Everything the proxy knows about a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    /// Signing name from the credential scope (`iam`, `ec2`...), `unknown` if unsigned.
    pub service: String,
    /// Region from the credential scope, `unknown` if unsigned.
    pub region: String,
    /// The action (see the module documentation for how it is named).
    pub action: String,
    /// The protocol.
    pub protocol: Protocol,
    /// The access key id of the credential scope, empty if unsigned.
    pub access_key: String,
    /// For `AssumeRole` (and anything else with one), the decoded `RoleArn` parameter.
    pub role_arn: Option<String>,
    /// The body as text, when it is UTF-8.
    pub body_text: Option<String>,
    /// The form-decoded body, when it is a form (query protocols).
    pub form_body: Option<String>,
    /// A hash of the method, path, query and body: the request's identity in the schedule.
    pub content_hash: u64,
}

impl RequestInfo {
    /// Reads a request: its method, path and query, headers and (whole) body.
    pub fn classify(
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let scope = headers
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(scope_from_authorization)
            .or_else(|| {
                form_params(query)
                    .find(|(k, _)| k == "X-Amz-Credential")
                    .and_then(|(_, v)| CredentialScope::parse(&v))
            });
        let (service, region, access_key) = match scope {
            Some(s) => (s.service, s.region, s.access_key),
            None => ("unknown".to_string(), "unknown".to_string(), String::new()),
        };

        let is_form = headers
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let body_text = std::str::from_utf8(body).ok();
        let form_body = match body_text {
            Some(text) if is_form => Some(text.to_string()),
            _ => None,
        };
        let param = |name: &str| -> Option<String> {
            form_body
                .as_deref()
                .into_iter()
                .chain(std::iter::once(query))
                .flat_map(form_params)
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
        };

        let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
        let (protocol, action) = if let Some(target) = target {
            let action = target.rsplit('.').next().unwrap_or(target).to_string();
            (Protocol::AwsJson, action)
        } else if let Some(action) = param("Action") {
            let protocol = if service == "ec2" {
                Protocol::Ec2Query
            } else {
                Protocol::Query
            };
            (protocol, action)
        } else if service == "s3" && !path.starts_with("/v20180820/") {
            let action =
                s3_action(method, path, query).unwrap_or_else(|| rest_action(method, path));
            (Protocol::RestXml, action)
        } else if matches!(service.as_str(), "s3" | "route53" | "cloudfront") {
            (Protocol::RestXmlWrapped, rest_action(method, path))
        } else {
            (Protocol::RestJson, rest_action(method, path))
        };

        let mut hash = Fnv::new();
        hash.write(method.as_str().as_bytes());
        hash.write(b" ");
        hash.write(path_and_query.as_bytes());
        hash.write(b"\n");
        hash.write(body);

        RequestInfo {
            service,
            region,
            action,
            protocol,
            access_key,
            role_arn: param("RoleArn"),
            form_body: form_body.map(|b| form_decode(&b)),
            body_text: body_text.map(str::to_string),
            content_hash: hash.finish(),
        }
    }
}

struct CredentialScope {
    access_key: String,
    region: String,
    service: String,
}

impl CredentialScope {
    /// `AKID/20261201/us-east-1/ec2/aws4_request`.
    fn parse(credential: &str) -> Option<Self> {
        let mut parts = credential.trim().split('/');
        let access_key = parts.next()?.to_string();
        let _date = parts.next()?;
        let region = parts.next()?.to_string();
        let service = parts.next()?.to_string();
        (parts.next()? == "aws4_request").then_some(CredentialScope {
            access_key,
            region,
            service,
        })
    }
}

/// `AWS4-HMAC-SHA256 Credential=AKID/.../aws4_request, SignedHeaders=..., Signature=...`.
fn scope_from_authorization(value: &str) -> Option<CredentialScope> {
    let start = value.find("Credential=")? + "Credential=".len();
    let rest = &value[start..];
    let end = rest.find([',', ' ']).unwrap_or(rest.len());
    CredentialScope::parse(&rest[..end])
}

/// The `key=value` pairs of a form or URL query, decoded.
pub(crate) fn form_params(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode(k), form_decode(v))
    })
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub(crate) fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The S3 operation of a path-style request, when it is one the table knows.
fn s3_action(method: &Method, path: &str, query: &str) -> Option<String> {
    let trimmed = path.trim_start_matches('/');
    let (bucket, key) = match trimmed.split_once('/') {
        Some((b, k)) => (b, k),
        None => (trimmed, ""),
    };
    let params: Vec<String> = form_params(query).map(|(k, _)| k).collect();
    let has = |name: &str| params.iter().any(|p| p == name);
    let verb = match *method {
        Method::GET => "Get",
        Method::PUT => "Put",
        Method::DELETE => "Delete",
        Method::HEAD => "Head",
        Method::POST => "Post",
        _ => return None,
    };
    if bucket.is_empty() {
        return (*method == Method::GET).then(|| "ListBuckets".to_string());
    }
    if !key.is_empty() {
        let name = if has("tagging") {
            format!("{verb}ObjectTagging")
        } else if has("acl") {
            format!("{verb}ObjectAcl")
        } else if has("uploads") || has("uploadId") {
            format!("{verb}MultipartUpload")
        } else {
            format!("{verb}Object")
        };
        return Some(name);
    }
    // Bucket subresources, named as the S3 API names them.
    const SUBRESOURCES: &[(&str, &str)] = &[
        ("policyStatus", "BucketPolicyStatus"),
        ("policy", "BucketPolicy"),
        ("acl", "BucketAcl"),
        ("encryption", "BucketEncryption"),
        ("versioning", "BucketVersioning"),
        ("logging", "BucketLogging"),
        ("publicAccessBlock", "PublicAccessBlock"),
        ("ownershipControls", "BucketOwnershipControls"),
        ("lifecycle", "BucketLifecycleConfiguration"),
        ("tagging", "BucketTagging"),
        ("notification", "BucketNotificationConfiguration"),
        ("replication", "BucketReplication"),
        ("website", "BucketWebsite"),
        ("cors", "BucketCors"),
        ("object-lock", "ObjectLockConfiguration"),
        ("location", "BucketLocation"),
        ("accelerate", "BucketAccelerateConfiguration"),
        ("requestPayment", "BucketRequestPayment"),
        ("analytics", "BucketAnalyticsConfiguration"),
        ("inventory", "BucketInventoryConfiguration"),
        ("metrics", "BucketMetricsConfiguration"),
        (
            "intelligent-tiering",
            "BucketIntelligentTieringConfiguration",
        ),
    ];
    if let Some((_, name)) = SUBRESOURCES.iter().find(|(q, _)| has(q)) {
        return Some(format!("{verb}{name}"));
    }
    let name = match *method {
        Method::GET if has("versions") => "ListObjectVersions".to_string(),
        Method::GET if has("uploads") => "ListMultipartUploads".to_string(),
        Method::GET if has("list-type") => "ListObjectsV2".to_string(),
        Method::GET => "ListObjects".to_string(),
        Method::PUT => "CreateBucket".to_string(),
        Method::DELETE => "DeleteBucket".to_string(),
        Method::HEAD => "HeadBucket".to_string(),
        Method::POST if has("delete") => "DeleteObjects".to_string(),
        _ => return None,
    };
    Some(name)
}

/// `METHOD /path` with the segments that look like ids written `{id}`.
fn rest_action(method: &Method, path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if looks_like_id(s) { "{id}" } else { s })
        .collect();
    format!("{} /{}", method.as_str(), segments.join("/"))
}

fn looks_like_id(segment: &str) -> bool {
    let is_api_date = segment.len() == 10
        && segment.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let is_api_version = segment.starts_with('v')
        && segment.len() > 1
        && segment[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-');
    if is_api_date || is_api_version {
        return false;
    }
    segment.len() > 32
        || segment.starts_with(char::is_uppercase)
        || segment
            .chars()
            .any(|c| c.is_ascii_digit() || "%:.@=".contains(c))
}

/// FNV-1a, 64 bits: a hash that is the same on every build and platform, unlike `std`'s.
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(crate) fn write_u64(&mut self, n: u64) {
        self.write(&n.to_le_bytes());
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn signed(service: &str, region: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/{region}/{service}/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=abc"
        );
        h.insert("authorization", HeaderValue::from_str(&auth).unwrap());
        h
    }

    fn form(mut h: HeaderMap) -> HeaderMap {
        h.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        h
    }

    // issue 10: service, region and access key come from the SigV4 credential scope.
    #[test]
    fn query_request_is_read_from_scope_and_form_body() {
        let body = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FAudit&RoleSessionName=rampart";
        let info =
            RequestInfo::classify(&Method::POST, "/", &form(signed("sts", "eu-west-1")), body);
        assert_eq!(info.service, "sts");
        assert_eq!(info.region, "eu-west-1");
        assert_eq!(info.access_key, "AKIDEXAMPLE");
        assert_eq!(info.action, "AssumeRole");
        assert_eq!(info.protocol, Protocol::Query);
        assert_eq!(
            info.role_arn.as_deref(),
            Some("arn:aws:iam::222222222222:role/Audit")
        );
        assert!(info.form_body.unwrap().contains("role/Audit"));
    }

    // issue 10: EC2 answers in its own query variant.
    #[test]
    fn ec2_is_its_own_query_variant() {
        let info = RequestInfo::classify(
            &Method::POST,
            "/",
            &form(signed("ec2", "us-east-1")),
            b"Action=DescribeInstances&Version=2016-11-15",
        );
        assert_eq!(
            (info.protocol, info.action.as_str()),
            (Protocol::Ec2Query, "DescribeInstances")
        );
    }

    // issue 10: awsJson actions come from X-Amz-Target.
    #[test]
    fn aws_json_action_is_the_target_suffix() {
        let mut h = signed("ecs", "us-east-1");
        h.insert(
            "x-amz-target",
            HeaderValue::from_static("AmazonEC2ContainerServiceV20141113.ListClusters"),
        );
        let info = RequestInfo::classify(&Method::POST, "/", &h, b"{}");
        assert_eq!(
            (info.protocol, info.action.as_str()),
            (Protocol::AwsJson, "ListClusters")
        );
    }

    // issue 10: S3 path-style requests are named like the S3 API's operations.
    #[test]
    fn s3_operations_are_named() {
        let h = signed("s3", "us-east-1");
        let name = |m: Method, p: &str| RequestInfo::classify(&m, p, &h, b"").action;
        assert_eq!(name(Method::GET, "/"), "ListBuckets");
        assert_eq!(name(Method::GET, "/logs?policy"), "GetBucketPolicy");
        assert_eq!(
            name(Method::GET, "/logs?policyStatus"),
            "GetBucketPolicyStatus"
        );
        assert_eq!(
            name(Method::GET, "/logs?publicAccessBlock="),
            "GetPublicAccessBlock"
        );
        assert_eq!(name(Method::PUT, "/logs?encryption"), "PutBucketEncryption");
        assert_eq!(
            name(Method::GET, "/logs?list-type=2&prefix=a"),
            "ListObjectsV2"
        );
        assert_eq!(name(Method::HEAD, "/logs"), "HeadBucket");
        assert_eq!(
            name(Method::PUT, "/logs/a/b.txt?x-id=PutObject"),
            "PutObject"
        );
        assert_eq!(
            RequestInfo::classify(&Method::GET, "/logs?policy", &h, b"").protocol,
            Protocol::RestXml
        );
    }

    // issue 10: S3 Control (signed as s3), Route 53 and CloudFront wrap their XML errors.
    #[test]
    fn wrapped_rest_xml_services() {
        let info = RequestInfo::classify(
            &Method::GET,
            "/v20180820/configuration/publicAccessBlock",
            &signed("s3", "us-east-1"),
            b"",
        );
        assert_eq!(info.protocol, Protocol::RestXmlWrapped);
        assert_eq!(
            info.action,
            "GET /v20180820/configuration/publicAccessBlock"
        );
        let info = RequestInfo::classify(
            &Method::GET,
            "/2013-04-01/hostedzone",
            &signed("route53", "us-east-1"),
            b"",
        );
        assert_eq!(info.protocol, Protocol::RestXmlWrapped);
    }

    // issue 10: other rest requests are `METHOD /path` with ids reduced.
    #[test]
    fn rest_json_paths_reduce_ids() {
        let h = signed("lambda", "us-east-1");
        let info = RequestInfo::classify(
            &Method::GET,
            "/2015-03-31/functions/fn-1/policy?Qualifier=x",
            &h,
            b"",
        );
        assert_eq!(info.protocol, Protocol::RestJson);
        assert_eq!(info.action, "GET /2015-03-31/functions/{id}/policy");
        let info = RequestInfo::classify(&Method::GET, "/2015-03-31/functions/MyFunction", &h, b"");
        assert_eq!(info.action, "GET /2015-03-31/functions/{id}");
        let info = RequestInfo::classify(
            &Method::GET,
            "/v1/accounts/arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx",
            &signed("guardduty", "us-east-1"),
            b"",
        );
        assert_eq!(info.action, "GET /v1/accounts/{id}");
    }

    // issue 10: an unsigned request is still classified, as service `unknown`.
    #[test]
    fn unsigned_request_is_unknown_service() {
        let info = RequestInfo::classify(&Method::GET, "/x", &HeaderMap::new(), b"");
        assert_eq!(
            (info.service.as_str(), info.region.as_str()),
            ("unknown", "unknown")
        );
    }

    // issue 10: form decoding of `+`, `%XX` and a stray `%`.
    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a+b%3Ac%2F"), "a b:c/");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%4"), "%4");
        assert_eq!(form_decode("%zz"), "%zz");
    }
}
