//! Text from data made safe for a Slack message (`mrkdwn`).
//!
//! Slack reads `<...>` as a link, a user or channel mention (`<!channel>`, `<@U123>`) or a
//! date, and `&` starts an entity; its documentation asks senders to escape exactly `&`,
//! `<` and `>`. A name from an AWS account could otherwise page a whole channel or show a
//! link whose label lies about its target. Control characters are shown escaped too, so a
//! name cannot start a forged line of the message.

use crate::terminal::{is_unsafe_char, terminal_safe};
use std::borrow::Cow;

/// `s` for a Slack mrkdwn message: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, and every
/// [unsafe character](is_unsafe_char) escaped as [`terminal_safe`] does. Borrowed when
/// nothing needed escaping.
pub fn slack_escape(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>') || is_unsafe_char(c))
    {
        return Cow::Borrowed(s);
    }
    let visible = terminal_safe(s);
    let mut out = String::with_capacity(visible.len() + 16);
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Practice "hostile data": a mention, a disguised link and a forged line from a resource
    // name reach Slack as plain text.
    #[test]
    fn mentions_links_and_lines_are_shown_not_acted_on() {
        assert_eq!(
            slack_escape("<!channel> & <https://evil.example|aws.amazon.com>"),
            "&lt;!channel&gt; &amp; &lt;https://evil.example|aws.amazon.com&gt;"
        );
        assert_eq!(slack_escape("sg\n• fake line"), "sg\\n• fake line");
        assert_eq!(
            slack_escape("&amp;"),
            "&amp;amp;",
            "escaped once more, not trusted"
        );
        assert!(matches!(slack_escape("web-sg_1 (prod)"), Cow::Borrowed(_)));
    }
}
