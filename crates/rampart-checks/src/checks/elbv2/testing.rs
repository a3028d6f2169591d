//! Builders for load balancer fixtures: each makes a resource in `us-east-1` of the fixture
//! account; tests change the fields they are about.

use crate::checks::fixtures::{Fixture, ACCOUNT};
use rampart_inventory::*;
use std::collections::BTreeMap;

/// The load balancers of `us-east-1`, set to `lbs`.
pub(crate) fn set_load_balancers(fx: &mut Fixture, lbs: Vec<LoadBalancer>) {
    fx.region("us-east-1").elbv2.load_balancers = Collected::Ok(lbs);
}

/// A load balancer of `kind` (`application`, `network`, `gateway`) and `scheme`, with no
/// listeners and these attributes.
pub(crate) fn lb(
    name: &str,
    kind: &str,
    scheme: &str,
    attributes: &[(&str, &str)],
) -> LoadBalancer {
    let short = match kind {
        "application" => "app",
        "network" => "net",
        _ => "gwy",
    };
    LoadBalancer {
        name: name.into(),
        arn: format!(
            "arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/{short}/{name}/0123456789abcdef"
        ),
        kind: kind.into(),
        scheme: scheme.into(),
        vpc_id: Some("vpc-1".into()),
        subnet_ids: vec!["subnet-1".into()],
        security_group_ids: vec![],
        listeners: Collected::Ok(vec![]),
        attributes: Collected::Ok(
            attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ),
        tags: vec![],
    }
}

/// A listener on `port` with `protocol`, redirecting to HTTPS or not.
pub(crate) fn listener(port: i32, protocol: &str, redirects_to_https: bool) -> Listener {
    Listener {
        arn: format!("arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:listener/{port}"),
        port,
        protocol: protocol.into(),
        ssl_policy: (protocol == "HTTPS" || protocol == "TLS")
            .then(|| "ELBSecurityPolicy-TLS13-1-2-2021-06".into()),
        redirects_to_https,
    }
}
