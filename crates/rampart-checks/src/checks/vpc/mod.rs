//! VPC checks: subnets that hand out public addresses, network ACLs open to administration
//! ports, and flow logs.

use crate::Check;

pub mod flow_logs_enabled;
pub mod nacl_admin_ports_open;
pub mod subnet_auto_public_ip;

/// The vpc checks.
pub const CHECKS: &[Check] = &[
    flow_logs_enabled::CHECK,
    nacl_admin_ports_open::CHECK,
    subnet_auto_public_ip::CHECK,
];
