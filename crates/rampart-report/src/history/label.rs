//! What a person calls a resource: its key (an ARN, else an id) cut to the part that names
//! it (`sg-0abc`, `user alice`, `bucket logs`), with its name beside it when the key does
//! not already say it. The results are not escaped: each format escapes what it prints.

/// The part of `key` that names the resource. An ARN becomes its resource part: an AWS id
/// alone (`security-group/sg-0abc` → `sg-0abc`), else its type and name (`user/alice` →
/// `user alice`, `db:orders` → `db orders`), and a bare name gets its service's noun
/// (`bucket logs`, `topic alerts`). The root user is `root account`. Anything that is not
/// an ARN is kept as it is.
pub fn short_key(key: &str) -> String {
    let parts: Vec<&str> = key.splitn(6, ':').collect();
    let [arn, _partition, service, _region, _account, resource] = parts[..] else {
        return key.to_owned();
    };
    if arn != "arn" || resource.is_empty() {
        return key.to_owned();
    }
    if resource == "root" {
        return "root account".to_owned();
    }
    let split = resource
        .split_once('/')
        .or_else(|| resource.split_once(':'));
    match split {
        Some((_, rest)) if is_aws_id(rest) => rest.to_owned(),
        Some((kind, rest)) if !kind.is_empty() && !rest.is_empty() => format!("{kind} {rest}"),
        _ => {
            let noun = match service {
                "s3" => "bucket",
                "sns" => "topic",
                "sqs" => "queue",
                other => other,
            };
            format!("{noun} {resource}")
        }
    }
}

/// Whether `s` reads as an AWS resource id that says what it is: a short lower-case
/// prefix, a dash and 8 to 17 hex digits (`sg-0abc1234`, `i-0123456789abcdef0`,
/// `vpc-1a2b3c4d`).
fn is_aws_id(s: &str) -> bool {
    let Some((prefix, hex)) = s.split_once('-') else {
        return false;
    };
    (1..=12).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
        && (8..=17).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The resource as a person reads it: [`short_key`], then its name in brackets unless the
/// key already ends with it: `sg-0abc (web)`, `user alice`. With `full`, the key is kept
/// whole.
pub fn resource_label(key: &str, name: Option<&str>, full: bool) -> String {
    let short = if full { key.to_owned() } else { short_key(key) };
    match name.map(str::trim) {
        Some(name)
            if !name.is_empty()
                && !short.ends_with(&format!(" {name}"))
                && !short.ends_with(&format!("/{name}"))
                && short != name =>
        {
            format!("{short} ({name})")
        }
        _ => short,
    }
}

/// One change line after its resource's label: `sg-0abc (web) ingress + tcp/22 from
/// 0.0.0.0/0` when the label ends with the name in brackets, `user alice: MFA device
/// removed` otherwise; the label alone when there is no line.
pub fn change_line(label: &str, text: &str) -> String {
    if text.is_empty() {
        label.to_owned()
    } else if label.ends_with(')') {
        format!("{label} {text}")
    } else {
        format!("{label}: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 11: a change reads at a glance, `sg-0abc (web) ingress + tcp/22 from
    // 0.0.0.0/0` and `user alice: MFA device removed`, not as a full ARN.
    #[test]
    fn arns_are_cut_to_what_names_the_resource() {
        let sg = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc1234";
        assert_eq!(short_key(sg), "sg-0abc1234");
        let user = "arn:aws:iam::111122223333:user/alice";
        assert_eq!(short_key(user), "user alice");
        assert_eq!(
            short_key("arn:aws:iam::111122223333:role/service-role/deployer"),
            "role service-role/deployer"
        );
        assert_eq!(
            short_key("arn:aws:rds:eu-west-1:111122223333:db:orders"),
            "db orders"
        );
        assert_eq!(short_key("arn:aws:s3:::logs-bucket"), "bucket logs-bucket");
        assert_eq!(
            short_key("arn:aws:sns:eu-west-1:111122223333:alerts"),
            "topic alerts"
        );
        assert_eq!(short_key("arn:aws:iam::111122223333:root"), "root account");
        // Not an ARN: kept whole.
        assert_eq!(short_key("sg-0abc1234"), "sg-0abc1234");
        assert_eq!(short_key("arn:broken"), "arn:broken");
        // A type whose id is not an AWS id keeps its type.
        assert_eq!(
            short_key("arn:aws:ec2:eu-west-1:111122223333:instance/web-1"),
            "instance web-1"
        );

        assert_eq!(
            change_line(&resource_label(sg, Some("web"), false), "ingress + tcp/22"),
            "sg-0abc1234 (web) ingress + tcp/22"
        );
        assert_eq!(
            change_line(
                &resource_label(user, Some("alice"), false),
                "MFA device removed"
            ),
            "user alice: MFA device removed"
        );
        assert_eq!(resource_label(sg, Some(" "), false), "sg-0abc1234");
        assert_eq!(resource_label(sg, Some("web"), true), format!("{sg} (web)"));
        assert_eq!(change_line("user alice", ""), "user alice");
    }
}
