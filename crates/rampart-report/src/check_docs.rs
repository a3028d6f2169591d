//! What the check registry says about a finding's check, in the forms the renderers need:
//! its metadata, its documentation URLs and its CIS requirements; and text cut to the
//! length limits some formats set.

use rampart_checks::CheckMeta;

/// The compliance standard that a check's CIS ids belong to.
pub(crate) const CIS_STANDARD: &str = "CIS AWS Foundations Benchmark v7.0";

/// The check's documentation, when this build knows the check (a report written by
/// another version may hold findings of checks it does not know).
pub(crate) fn meta(check_id: &str) -> Option<&'static CheckMeta> {
    rampart_checks::find(check_id).map(|c| c.meta)
}

/// The check's references that are URLs (the others are CIS ids, given apart).
pub(crate) fn urls(meta: &CheckMeta) -> impl Iterator<Item = &'static str> {
    meta.references
        .iter()
        .copied()
        .filter(|r| r.starts_with("https://"))
}

/// The check's CIS ids as `CIS AWS Foundations Benchmark v7.0/2.4`.
pub(crate) fn cis_requirements(meta: Option<&CheckMeta>) -> Vec<String> {
    meta.map(|m| m.cis)
        .unwrap_or_default()
        .iter()
        .map(|id| format!("{CIS_STANDARD}/{id}"))
        .collect()
}

/// `text` cut to at most `max` characters, ending with `…` when it was cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_and_marks_the_cut() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ééééé", 3).chars().count(), 3);
    }
}
