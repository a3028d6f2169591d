//! Decoding the IAM credential report (CSV) into typed rows.

use chrono::{DateTime, Utc};
use rampart_inventory::{CredentialReportRow, KeyReport};
use std::collections::HashMap;

/// Parse the report's CSV. Columns are found by header name, so a report with columns
/// added or reordered still parses.
pub(crate) fn parse(content: &[u8]) -> Result<Vec<CredentialReportRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(content);
    let headers: HashMap<String, usize> = reader
        .headers()
        .map_err(|e| format!("credential report header: {e}"))?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_owned(), i))
        .collect();
    for required in ["user", "arn", "password_enabled", "mfa_active"] {
        if !headers.contains_key(required) {
            return Err(format!("credential report has no `{required}` column"));
        }
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("credential report row {}: {e}", n + 2))?;
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .trim()
        };
        let key = |slot: u8| KeyReport {
            active: flag(get(&format!("access_key_{slot}_active"))),
            last_rotated: date(get(&format!("access_key_{slot}_last_rotated"))),
            last_used: date(get(&format!("access_key_{slot}_last_used_date"))),
            last_used_service: Some(get(&format!("access_key_{slot}_last_used_service")))
                .filter(|v| !is_absent(v))
                .map(str::to_owned),
        };
        rows.push(CredentialReportRow {
            user: get("user").to_owned(),
            arn: get("arn").to_owned(),
            user_creation_time: date(get("user_creation_time")),
            // Root's row says `not_supported`: root always has a password.
            password_enabled: flag(get("password_enabled")),
            password_last_used: date(get("password_last_used")),
            password_last_changed: date(get("password_last_changed")),
            mfa_active: flag(get("mfa_active")),
            access_keys: [key(1), key(2)],
            cert_active: [flag(get("cert_1_active")), flag(get("cert_2_active"))],
        });
    }
    Ok(rows)
}

fn flag(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

fn is_absent(v: &str) -> bool {
    matches!(v, "" | "N/A" | "no_information" | "not_supported")
}

fn date(v: &str) -> Option<DateTime<Utc>> {
    if is_absent(v) {
        return None;
    }
    DateTime::parse_from_rfc3339(v)
        .map(|d| d.with_timezone(&Utc))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 2: the credential report is decoded, root's `not_supported` and `N/A` fields
    // become absent values, not errors.
    #[test]
    fn parses_rows_by_header() {
        let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-02T03:04:05+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2024-05-01T10:00:00+00:00,true,no_information,2024-05-01T10:00:00+00:00,N/A,false,true,2024-05-01T10:00:00+00:00,2026-01-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
        let rows = parse(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_root());
        assert!(rows[0].mfa_active);
        assert!(!rows[0].password_enabled);
        assert!(rows[0].password_last_used.is_some());
        let alice = &rows[1];
        assert!(alice.password_enabled);
        assert!(alice.password_last_used.is_none());
        assert!(alice.access_keys[0].active);
        assert_eq!(
            alice.access_keys[0].last_used_service.as_deref(),
            Some("s3")
        );
        assert!(alice.access_keys[1].last_rotated.is_none());
    }

    #[test]
    fn missing_columns_are_an_error() {
        assert!(parse(b"user,arn\nx,y\n")
            .unwrap_err()
            .contains("password_enabled"));
    }
}
