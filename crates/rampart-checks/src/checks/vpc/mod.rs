//! VPC checks: subnets that hand out public addresses, network ACLs open to administration
//! ports, flow logs, peering routes and S3 endpoints.

use crate::Check;

mod flow_logs_enabled;
mod nacl_admin_ports_open;
mod peering_routes_least_access;
mod s3_gateway_endpoint;
mod subnet_auto_public_ip;

/// The vpc checks.
pub const CHECKS: &[Check] = &[
    flow_logs_enabled::CHECK,
    nacl_admin_ports_open::CHECK,
    peering_routes_least_access::CHECK,
    s3_gateway_endpoint::CHECK,
    subnet_auto_public_ip::CHECK,
];

/// The VPC fixers.
pub(crate) const FIXERS: &[crate::fix::Fixer] = &[flow_logs_enabled::FIXER];
