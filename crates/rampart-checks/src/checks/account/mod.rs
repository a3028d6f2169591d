//! AWS Account Management checks: the account's security contact and contact information
//! are registered, so that AWS can reach the right people about a security event.

use crate::Check;

pub mod contact_details;
pub mod security_contact;

/// The account checks.
pub const CHECKS: &[Check] = &[contact_details::CHECK, security_contact::CHECK];
