//! The chain every CIS section 5 monitoring control asks for, shared by one small check per
//! control: a multi-region, logging trail with all management events delivers to a
//! CloudWatch Logs log group; a metric filter on that group matches the control's pattern;
//! an alarm watches the filter's metric; the alarm notifies an SNS topic; the topic has a
//! confirmed subscription.
//!
//! Filter patterns are compared as logic, not text: both the benchmark's pattern and the
//! account's are parsed into terms `(field, operator, value)` joined by `&&` and `||`, and
//! brought to a disjunction of conjunctions. A filter matches the control when every
//! conjunction of the benchmark's pattern contains all the terms of some conjunction of the
//! filter: the filter then matches at least every event the benchmark's pattern matches.
//! Whitespace, parentheses, term order and quoting do not matter; extra `||` alternatives are
//! fine; a missing alternative or an extra `&&` condition is not.

use crate::checks::cloudtrail::trails::Trails;
use crate::checks::cloudtrail::{management_events, Management};
use crate::{CheckMeta, Context, Finding};
use rampart_inventory::{MetricAlarm, MetricFilter, RegionData, Trail};
use std::collections::BTreeSet;

/// One comparison of a filter pattern: `$.eventName = ConsoleLogin`,
/// `$.userIdentity.invokedBy NOT EXISTS`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Term {
    /// The selector, such as `$.eventName`.
    pub field: String,
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`, `NOT EXISTS`, `IS NULL`, `IS TRUE`, `IS FALSE`.
    pub op: String,
    /// The value, unquoted (empty for the unary operators).
    pub value: String,
}

/// A pattern as a disjunction of conjunctions of terms.
pub(crate) type Dnf = Vec<BTreeSet<Term>>;

/// Why a filter pattern could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PatternError(pub String);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Term(Term),
}

/// Parse a JSON-event filter pattern (`{ ... }`) into its disjunctive normal form. `&&` binds
/// more tightly than `||`.
pub(crate) fn parse(pattern: &str) -> Result<Dnf, PatternError> {
    let body = pattern
        .trim()
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .ok_or_else(|| PatternError("not a JSON filter pattern in `{ }`".into()))?;
    let tokens = tokenize(body)?;
    let mut pos = 0;
    let dnf = or_expr(&tokens, &mut pos)?;
    if pos != tokens.len() {
        return Err(PatternError(
            "unexpected text after the end of the expression".into(),
        ));
    }
    Ok(dnf)
}

fn or_expr(tokens: &[Token], pos: &mut usize) -> Result<Dnf, PatternError> {
    let mut dnf = and_expr(tokens, pos)?;
    while tokens.get(*pos) == Some(&Token::Or) {
        *pos += 1;
        dnf.extend(and_expr(tokens, pos)?);
    }
    Ok(dnf)
}

fn and_expr(tokens: &[Token], pos: &mut usize) -> Result<Dnf, PatternError> {
    let mut dnf = atom(tokens, pos)?;
    while tokens.get(*pos) == Some(&Token::And) {
        *pos += 1;
        let right = atom(tokens, pos)?;
        dnf = dnf
            .iter()
            .flat_map(|l| {
                right
                    .iter()
                    .map(move |r| l.union(r).cloned().collect::<BTreeSet<Term>>())
            })
            .collect();
    }
    Ok(dnf)
}

fn atom(tokens: &[Token], pos: &mut usize) -> Result<Dnf, PatternError> {
    match tokens.get(*pos) {
        Some(Token::Open) => {
            *pos += 1;
            let dnf = or_expr(tokens, pos)?;
            if tokens.get(*pos) != Some(&Token::Close) {
                return Err(PatternError("unbalanced parentheses".into()));
            }
            *pos += 1;
            Ok(dnf)
        }
        Some(Token::Term(t)) => {
            *pos += 1;
            Ok(vec![BTreeSet::from([t.clone()])])
        }
        Some(other) => Err(PatternError(format!("expected a term, found {other:?}"))),
        None => Err(PatternError("the expression ends too early".into())),
    }
}

fn tokenize(body: &str) -> Result<Vec<Token>, PatternError> {
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let mut tokens = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        let Some(&c) = chars.get(i) else { break };
        let rest: String = chars[i..].iter().take(2).collect();
        if c == '(' {
            tokens.push(Token::Open);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::Close);
            i += 1;
        } else if rest == "&&" {
            tokens.push(Token::And);
            i += 2;
        } else if rest == "||" {
            tokens.push(Token::Or);
            i += 2;
        } else if c == '$' {
            tokens.push(Token::Term(term(&chars, &mut i)?));
        } else {
            return Err(PatternError(format!(
                "unexpected `{c}` at character {}",
                i + 1
            )));
        }
    }
    Ok(tokens)
}

/// Read one term starting at the `$` of its selector.
fn term(chars: &[char], i: &mut usize) -> Result<Term, PatternError> {
    let start = *i;
    while *i < chars.len()
        && (chars[*i].is_alphanumeric() || matches!(chars[*i], '$' | '.' | '_' | '-' | '[' | ']'))
    {
        *i += 1;
    }
    let field: String = chars[start..*i].iter().collect();
    while *i < chars.len() && chars[*i].is_whitespace() {
        *i += 1;
    }
    let upper: String = chars[*i..]
        .iter()
        .take(10)
        .collect::<String>()
        .to_ascii_uppercase();
    for unary in ["NOT EXISTS", "IS NULL", "IS TRUE", "IS FALSE"] {
        if upper.starts_with(unary) {
            *i += unary.len();
            return Ok(Term {
                field,
                op: unary.into(),
                value: String::new(),
            });
        }
    }
    let two: String = chars[*i..].iter().take(2).collect();
    let op = match two.as_str() {
        "!=" | "<=" | ">=" | "==" => {
            *i += 2;
            if two == "==" {
                "=".to_owned()
            } else {
                two
            }
        }
        _ if matches!(chars.get(*i), Some('=' | '<' | '>')) => {
            *i += 1;
            chars[*i - 1].to_string()
        }
        _ => return Err(PatternError(format!("no operator after `{field}`"))),
    };
    while *i < chars.len() && chars[*i].is_whitespace() {
        *i += 1;
    }
    let value = if chars.get(*i) == Some(&'"') {
        *i += 1;
        let mut v = String::new();
        loop {
            match chars.get(*i) {
                None => return Err(PatternError("unterminated quoted value".into())),
                Some('\\') => {
                    if let Some(next) = chars.get(*i + 1) {
                        v.push(*next);
                    }
                    *i += 2;
                }
                Some('"') => {
                    *i += 1;
                    break;
                }
                Some(c) => {
                    v.push(*c);
                    *i += 1;
                }
            }
        }
        v
    } else {
        let start = *i;
        while *i < chars.len()
            && !chars[*i].is_whitespace()
            && !matches!(chars[*i], '(' | ')' | '&' | '|')
        {
            *i += 1;
        }
        chars[start..*i].iter().collect()
    };
    if value.is_empty() {
        return Err(PatternError(format!("no value after `{field} {op}`")));
    }
    Ok(Term { field, op, value })
}

/// Whether `filter` matches at least every event `benchmark` matches (see the module docs).
pub(crate) fn covers(filter: &Dnf, benchmark: &Dnf) -> bool {
    benchmark
        .iter()
        .all(|b| filter.iter().any(|f| f.is_subset(b)))
}

/// Whether a metric filter's pattern matches the benchmark's (already parsed) pattern.
pub(crate) fn pattern_matches(filter_pattern: &str, benchmark: &Dnf) -> bool {
    parse(filter_pattern).is_ok_and(|dnf| covers(&dnf, benchmark))
}

/// How far one path along the chain got.
enum Link {
    /// The whole chain exists: how, in one line.
    Complete(String),
    /// The chain breaks: the missing link, and how far the path got (deeper is closer).
    Broken(u8, String),
    /// Data needed to follow the chain was not read.
    Unread(String),
}

/// The log group name and region of a log group ARN
/// (`arn:aws:logs:<region>:<account>:log-group:<name>:*`).
fn log_group(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "logs", region, _, "log-group", name, ..] if !name.is_empty() => {
            Some((region, name))
        }
        _ => None,
    }
}

fn region<'a>(ctx: &Context<'a>, name: &str) -> Result<&'a RegionData, String> {
    ctx.inventory
        .regional
        .get(name)
        .ok_or_else(|| format!("region {name} was not scanned"))
}

/// Follow the chain from one trail.
fn follow(ctx: &Context, trail: &Trail, benchmark: &Dnf) -> Vec<Link> {
    let label = format!("trail `{}`", trail.name);
    let mut lacks = Vec::new();
    let mut unread = Vec::new();
    if !trail.is_multi_region {
        lacks.push("is not multi-region");
    }
    match trail.status.get() {
        Ok(s) if !s.is_logging => lacks.push("is not logging"),
        Ok(_) => {}
        Err(gap) => unread.push(format!("its status was not read ({})", gap.describe())),
    }
    match trail.event_selectors.get().map(management_events) {
        Ok(Management::All) => {}
        Ok(Management::Lacking(_)) => lacks.push("does not record all management events"),
        Ok(Management::Unrecognized) => {
            unread.push("its event selectors have a form rampart does not recognize".into())
        }
        Err(gap) => unread.push(format!(
            "its event selectors were not read ({})",
            gap.describe()
        )),
    }
    let Some(group_arn) = &trail.cloudwatch_logs_log_group_arn else {
        lacks.push("does not deliver to CloudWatch Logs");
        return vec![Link::Broken(0, format!("{label} {}", lacks.join(" and ")))];
    };
    if !lacks.is_empty() {
        return vec![Link::Broken(0, format!("{label} {}", lacks.join(" and ")))];
    }
    if !unread.is_empty() {
        return vec![Link::Unread(format!("{label}: {}", unread.join(", ")))];
    }
    let Some((group_region, group)) = log_group(group_arn) else {
        return vec![Link::Unread(format!(
            "{label} names log group ARN {group_arn}, which rampart cannot read"
        ))];
    };
    let data = match region(ctx, group_region) {
        Ok(d) => d,
        Err(why) => {
            return vec![Link::Unread(format!(
                "the metric filters of log group {group} ({label}) are unknown: {why}"
            ))]
        }
    };
    let filters = match data.logs.metric_filters.get() {
        Ok(f) => f,
        Err(gap) => {
            return vec![Link::Unread(format!(
                "the metric filters of {group_region} were not read ({})",
                gap.describe()
            ))]
        }
    };
    let on_group: Vec<&MetricFilter> = filters.iter().filter(|f| f.log_group == group).collect();
    let matching: Vec<&MetricFilter> = on_group
        .iter()
        .copied()
        .filter(|f| pattern_matches(&f.pattern, benchmark))
        .collect();
    if matching.is_empty() {
        let seen = match on_group.len() {
            0 => "it has no metric filter at all".to_owned(),
            1 => format!("its only filter, {}, does not", on_group[0].name),
            n => format!("none of its {n} filters does"),
        };
        return vec![Link::Broken(
            1,
            format!(
                "no metric filter on log group {group} ({label}) matches the benchmark's \
                 pattern: {seen}"
            ),
        )];
    }
    let alarms = match data.cloudwatch.alarms.get() {
        Ok(a) => a,
        Err(gap) => {
            return vec![Link::Unread(format!(
                "the alarms of {group_region} were not read ({})",
                gap.describe()
            ))]
        }
    };
    let mut links = Vec::new();
    for filter in matching {
        for metric in &filter.metrics {
            let watching: Vec<_> = alarms
                .iter()
                .filter(|a| {
                    a.namespace.as_deref() == Some(metric.namespace.as_str())
                        && a.metric_name.as_deref() == Some(metric.name.as_str())
                })
                .collect();
            if watching.is_empty() {
                links.push(Link::Broken(
                    2,
                    format!(
                        "no alarm watches metric {}/{} of metric filter {} on log group {group}",
                        metric.namespace, metric.name, filter.name
                    ),
                ));
            }
            for alarm in watching {
                let topics: Vec<&str> = alarm
                    .alarm_actions
                    .iter()
                    .map(String::as_str)
                    .filter(|a| a.split(':').nth(2) == Some("sns"))
                    .collect();
                if !alarm.actions_enabled {
                    links.push(Link::Broken(
                        3,
                        format!("alarm {} has its actions disabled", alarm.name),
                    ));
                    continue;
                }
                if topics.is_empty() {
                    links.push(Link::Broken(
                        3,
                        format!("alarm {} has no SNS action", alarm.name),
                    ));
                    continue;
                }
                for topic in topics {
                    links.push(subscribed(ctx, topic, &|subs| {
                        format!(
                            "alarm {} on metric {}/{} of metric filter {} (log group {group}, \
                             {label}) notifies SNS topic {topic}, which has {subs}",
                            alarm.name, metric.namespace, metric.name, filter.name
                        )
                    }));
                }
            }
        }
    }
    links
}

/// Whether an SNS topic has a confirmed subscription.
fn subscribed(ctx: &Context, topic: &str, complete: &dyn Fn(String) -> String) -> Link {
    let Some(topic_region) = topic.split(':').nth(3) else {
        return Link::Unread(format!("topic ARN {topic} cannot be read"));
    };
    let data = match region(ctx, topic_region) {
        Ok(d) => d,
        Err(why) => {
            return Link::Unread(format!(
                "the subscriptions of topic {topic} are unknown: {why}"
            ))
        }
    };
    match data.sns.subscriptions.get() {
        Err(gap) => Link::Unread(format!(
            "the SNS subscriptions of {topic_region} were not read ({})",
            gap.describe()
        )),
        Ok(subs) => {
            let confirmed = subs
                .iter()
                .filter(|s| s.topic_arn == topic && s.confirmed())
                .count();
            match confirmed {
                0 => Link::Broken(4, format!("topic {topic} has no confirmed subscription")),
                1 => Link::Complete(complete("1 confirmed subscription".into())),
                n => Link::Complete(complete(format!("{n} confirmed subscriptions"))),
            }
        }
    }
}

/// The one account-level finding of a monitoring control whose benchmark filter pattern is
/// `pattern`.
pub(crate) fn evaluate(ctx: &Context, meta: &'static CheckMeta, pattern: &str) -> Vec<Finding> {
    let f = ctx.finding(meta, "global", ctx.account_arn());
    let benchmark = match parse(pattern) {
        Ok(dnf) => dnf,
        Err(e) => {
            return vec![f.error_reason(format!(
                "could not be evaluated: the benchmark's filter pattern does not parse: {}",
                e.0
            ))]
        }
    };
    let trails = Trails::of(ctx);
    let mut broken: Vec<(u8, String)> = Vec::new();
    let mut unread: Vec<String> = trails
        .unread
        .iter()
        .map(|(region, gap)| {
            format!(
                "the trails of {region} could not be listed ({})",
                gap.describe()
            )
        })
        .collect();
    for trail in &trails.trails {
        for link in follow(ctx, trail, &benchmark) {
            match link {
                Link::Complete(how) => return vec![f.pass(how)],
                Link::Broken(depth, why) => broken.push((depth, why)),
                Link::Unread(why) => unread.push(why),
            }
        }
    }
    if !unread.is_empty() {
        return vec![f.error_reason(format!(
            "could not be evaluated: no complete chain was found, but {}",
            unread.join("; ")
        ))];
    }
    // Report the path that got furthest: its missing link is the one to fix.
    let deepest = broken.iter().map(|(d, _)| *d).max();
    vec![match deepest {
        None => f.fail("no CloudTrail trail exists in the scanned regions"),
        Some(d) => {
            let reasons: Vec<&str> = broken
                .iter()
                .filter(|(depth, _)| *depth == d)
                .map(|(_, why)| why.as_str())
                .collect();
            f.fail(reasons.join("; "))
        }
    }]
}

/// The first topic (by ARN) among `subscriptions` with a confirmed subscription: the one an
/// alarm rampart plans notifies.
pub(crate) fn confirmed_topic(subscriptions: &[rampart_inventory::Subscription]) -> Option<&str> {
    subscriptions
        .iter()
        .filter(|s| s.confirmed())
        .map(|s| s.topic_arn.as_str())
        .min()
}

/// How `rampart fix` fixes a CIS section 5 monitoring control.
pub(crate) const FIX_HOW: &str = "Completes the chain on the first trail (by ARN) that is \
     multi-region, logging, records all management events and delivers to CloudWatch Logs: \
     a metric filter `rampart-<control>` with the benchmark's pattern on its log group \
     (PutMetricFilter; an existing filter that already matches is reused) and an alarm \
     `rampart-<control>` on the filter's metric (PutMetricAlarm) notifying the first SNS \
     topic of that region with a confirmed subscription; a name already taken gets `-2`, \
     `-3`... so that nothing existing is overwritten. Safe; alarms are billed. Not planned \
     when no trail qualifies or no topic has a confirmed subscription.";

/// The step that completes the monitoring chain of `meta`'s control (benchmark `pattern`).
pub(crate) fn fix(
    meta: &'static CheckMeta,
    pattern: &str,
    ctx: &Context,
    finding: &Finding,
) -> Result<Vec<crate::fix::Step>, crate::fix::NotFixable> {
    use crate::fix::render::{hcl_string, provider_alias};
    use crate::fix::{logical_id, Call, NotFixable, Risk, Step};
    use serde_json::json;
    let benchmark = parse(pattern).map_err(|e| NotFixable::new(e.0))?;
    let control = meta.id.trim_start_matches("cloudwatch_alarm_");
    let trails = Trails::of(ctx);
    let mut unread: Vec<String> = trails
        .unread
        .iter()
        .map(|(region, gap)| format!("the trails of {region} ({})", gap.describe()))
        .collect();
    let mut chosen = None;
    for trail in &trails.trails {
        let status = trail.status.get().map(|s| s.is_logging);
        let management = trail.event_selectors.get().map(management_events);
        let qualifies = trail.is_multi_region
            && matches!(status, Ok(true))
            && matches!(management, Ok(Management::All));
        let group = trail
            .cloudwatch_logs_log_group_arn
            .as_deref()
            .and_then(log_group);
        match (qualifies, group) {
            (true, Some(group)) => {
                chosen = Some((trail, group));
                break;
            }
            _ if trail.is_multi_region
                && group.is_some()
                && (status.is_err() || management.is_err()) =>
            {
                unread.push(format!(
                    "the status or event selectors of trail `{}`",
                    trail.name
                ));
            }
            _ => {}
        }
    }
    let Some((trail, (region, group))) = chosen else {
        return Err(NotFixable::new(if unread.is_empty() {
            "no multi-region, logging trail with all management events delivers to CloudWatch \
             Logs: the trail is fixed first"
                .to_owned()
        } else {
            format!(
                "no trail is known to qualify, and these could not be read: {}",
                unread.join("; ")
            )
        }));
    };
    let data = crate::fix::region_data(ctx, region)?;
    let read = |what: &str, gap| NotFixable::gap(&format!("the {what} of {region}"), gap);
    let filters = data
        .logs
        .metric_filters
        .get()
        .map_err(|g| read("metric filters", g))?;
    let alarms = data
        .cloudwatch
        .alarms
        .get()
        .map_err(|g| read("alarms", g))?;
    let subscriptions = data
        .sns
        .subscriptions
        .get()
        .map_err(|g| read("SNS subscriptions", g))?;
    let Some(topic) = confirmed_topic(subscriptions) else {
        return Err(NotFixable::new(format!(
            "no SNS topic in {region} has a confirmed subscription for the alarm to notify: \
             subscribe a person to one first"
        )));
    };
    let mut existing: Vec<_> = filters
        .iter()
        .filter(|f| f.log_group == group && !f.metrics.is_empty())
        .filter(|f| pattern_matches(&f.pattern, &benchmark))
        .collect();
    existing.sort_by(|a, b| a.name.cmp(&b.name));
    // Names already taken are left alone (the next free `-2`, `-3`... is used), so the
    // step only creates and its undo only deletes.
    let base = format!("rampart-{}", control.replace('_', "-"));
    let free = |taken: &dyn Fn(&str) -> bool| {
        (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{base}-{n}"),
            })
            .find(|n| !taken(n))
            .unwrap_or_default()
    };
    let alarm_name = free(&|n| alarms.iter().any(|a| a.name == n));
    let mut calls = Vec::new();
    let mut cli: Vec<Vec<String>> = Vec::new();
    let mut undo_calls = Vec::new();
    let (namespace, metric, filter_before, filter_after) = match existing.first() {
        Some(f) => (
            f.metrics[0].namespace.clone(),
            f.metrics[0].name.clone(),
            filter_state(f),
            filter_state(f),
        ),
        None => {
            let filter_name =
                free(&|n| filters.iter().any(|f| f.log_group == group && f.name == n));
            let (namespace, metric) = ("CISBenchmark".to_owned(), control.to_owned());
            let created = MetricFilter {
                name: filter_name.clone(),
                log_group: group.to_owned(),
                pattern: pattern.to_owned(),
                metrics: vec![rampart_inventory::MetricTransformation {
                    namespace: namespace.clone(),
                    name: metric.clone(),
                }],
            };
            calls.push(Call::new(
                "logs",
                "PutMetricFilter",
                json!({
                    "logGroupName": group,
                    "filterName": filter_name,
                    "filterPattern": pattern,
                    "metricTransformations": [{
                        "metricName": metric, "metricNamespace": namespace, "metricValue": "1",
                    }],
                }),
            ));
            cli.push(vec![
                "aws".into(),
                "logs".into(),
                "put-metric-filter".into(),
                "--region".into(),
                region.into(),
                "--log-group-name".into(),
                group.into(),
                "--filter-name".into(),
                filter_name.clone(),
                "--filter-pattern".into(),
                pattern.into(),
                "--metric-transformations".into(),
                format!("metricName={metric},metricNamespace={namespace},metricValue=1"),
            ]);
            undo_calls.push(Call::new(
                "logs",
                "DeleteMetricFilter",
                json!({"logGroupName": group, "filterName": filter_name}),
            ));
            (
                namespace,
                metric,
                serde_json::Value::Null,
                filter_state(&created),
            )
        }
    };
    let filter_name = filter_after["filterName"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    calls.push(Call::new(
        "cloudwatch",
        "PutMetricAlarm",
        json!({
            "AlarmName": alarm_name,
            "MetricName": metric,
            "Namespace": namespace,
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [topic],
        }),
    ));
    cli.push(
        [
            "aws",
            "cloudwatch",
            "put-metric-alarm",
            "--region",
            region,
            "--alarm-name",
            &alarm_name,
            "--metric-name",
            &metric,
            "--namespace",
            &namespace,
            "--statistic",
            "Sum",
            "--period",
            "300",
            "--evaluation-periods",
            "1",
            "--threshold",
            "1",
            "--comparison-operator",
            "GreaterThanOrEqualToThreshold",
            "--treat-missing-data",
            "notBreaching",
            "--alarm-actions",
            topic,
        ]
        .map(String::from)
        .to_vec(),
    );
    // The alarm goes first: it watches the filter's metric.
    undo_calls.insert(
        0,
        Call::new(
            "cloudwatch",
            "DeleteAlarms",
            json!({"AlarmNames": [alarm_name]}),
        ),
    );
    let key = format!("{}/{group}/{control}", trail.arn);
    let (cfn_filter, cfn_alarm) = (
        logical_id("RampartMetricFilter", &key),
        logical_id("RampartAlarm", &key),
    );
    let tf = logical_id("cis_", &key);
    let alias = provider_alias(region);
    let mut cfn = serde_json::Map::new();
    let mut hcl = String::new();
    if existing.is_empty() {
        cfn.insert(cfn_filter, json!({"Type": "AWS::Logs::MetricFilter", "Properties": {
            "LogGroupName": group, "FilterName": filter_name, "FilterPattern": pattern,
            "MetricTransformations": [{"MetricName": metric, "MetricNamespace": namespace, "MetricValue": "1"}],
        }}));
        hcl.push_str(&format!(
            "resource \"aws_cloudwatch_log_metric_filter\" \"{tf}\" {{\n  provider       = aws.{alias}\n  name           = {n}\n  log_group_name = {g}\n  pattern        = {p}\n\n  metric_transformation {{\n    name      = {m}\n    namespace = {ns}\n    value     = \"1\"\n  }}\n}}\n\n",
            n = hcl_string(&filter_name), g = hcl_string(group), p = hcl_string(pattern),
            m = hcl_string(&metric), ns = hcl_string(&namespace),
        ));
    }
    cfn.insert(cfn_alarm, json!({"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": alarm_name, "MetricName": metric, "Namespace": namespace, "Statistic": "Sum",
        "Period": 300, "EvaluationPeriods": 1, "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [topic],
    }}));
    hcl.push_str(&format!(
        "resource \"aws_cloudwatch_metric_alarm\" \"{tf}\" {{\n  provider            = aws.{alias}\n  alarm_name          = {n}\n  metric_name         = {m}\n  namespace           = {ns}\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  treat_missing_data  = \"notBreaching\"\n  alarm_actions       = [{t}]\n}}\n",
        n = hcl_string(&alarm_name), m = hcl_string(&metric), ns = hcl_string(&namespace), t = hcl_string(topic),
    ));
    let alarm_after = MetricAlarm {
        name: alarm_name.clone(),
        namespace: Some(namespace.clone()),
        metric_name: Some(metric.clone()),
        actions_enabled: true,
        alarm_actions: vec![topic.to_owned()],
        ..Default::default()
    };
    let mut step = Step::new(
        meta.id,
        &finding.resource,
        region,
        Risk::Safe,
        format!(
            "a metric filter and an alarm only watch the logs trail `{}` delivers to log group \
             {group}; nothing is blocked",
            trail.name
        ),
        calls,
    )
    .states(
        json!({"MetricFilter": filter_before, "Alarm": null}),
        json!({"MetricFilter": filter_after, "Alarm": alarm_state(&alarm_after)}),
    )
    .cloudformation(serde_json::Value::Object(cfn))
    .terraform(hcl)
    .billing(format!("a CloudWatch standard alarm in {region} (billed per alarm per month) and, for a new filter, its custom metric"))
    .undo(format!(
        "aws cloudwatch delete-alarms --region {region} --alarm-names {alarm_name}{}; nothing is \
         lost but the alerts",
        if existing.is_empty() {
            format!(", then aws logs delete-metric-filter --region {region} --log-group-name {group} --filter-name {filter_name}")
        } else {
            String::new()
        }
    ))
    .undo_calls(undo_calls);
    step.cli = cli
        .iter()
        .map(|c| {
            crate::fix::render::shell_command(&c.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect();
    Ok(vec![step])
}

/// A metric filter as `DescribeMetricFilters` names the members the snapshot holds.
fn filter_state(f: &MetricFilter) -> serde_json::Value {
    serde_json::json!({
        "filterName": f.name,
        "logGroupName": f.log_group,
        "filterPattern": f.pattern,
        "metricTransformations": f.metrics.iter().map(|m| serde_json::json!({
            "metricName": m.name, "metricNamespace": m.namespace,
        })).collect::<Vec<_>>(),
    })
}

/// An alarm as `DescribeAlarms` names the members the step sets.
fn alarm_state(a: &MetricAlarm) -> serde_json::Value {
    serde_json::json!({
        "AlarmName": a.name,
        "Namespace": a.namespace,
        "MetricName": a.metric_name,
        "AlarmActions": a.alarm_actions,
        "ActionsEnabled": a.actions_enabled,
    })
}

/// The state of a monitoring step: the metric filter and the alarm it names in its `after`,
/// as the snapshot of its region shows them (`null` where there is none of that name).
/// Planning again cannot give it: once the alarm exists, the names it took are no longer
/// free.
pub(crate) fn state(
    ctx: &Context,
    step: &crate::fix::Step,
) -> Result<serde_json::Value, crate::fix::NotFixable> {
    use crate::fix::NotFixable;
    let named = |path: &[&str]| {
        path.iter()
            .try_fold(&step.after, |v, k| v.get(k))
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| NotFixable::new(format!("step {} names no {}", step.id, path.join("."))))
    };
    let group = named(&["MetricFilter", "logGroupName"])?;
    let filter = named(&["MetricFilter", "filterName"])?;
    let alarm = named(&["Alarm", "AlarmName"])?;
    let region = step.region.as_str();
    let data = crate::fix::region_data(ctx, region)?;
    let read = |what: &str, gap| NotFixable::gap(&format!("the {what} of {region}"), gap);
    let filters = data
        .logs
        .metric_filters
        .get()
        .map_err(|g| read("metric filters", g))?;
    let alarms = data
        .cloudwatch
        .alarms
        .get()
        .map_err(|g| read("alarms", g))?;
    Ok(serde_json::json!({
        "MetricFilter": filters
            .iter()
            .find(|f| f.log_group == group && f.name == filter)
            .map(filter_state),
        "Alarm": alarms.iter().find(|a| a.name == alarm).map(alarm_state),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::cloudwatch::alarm_root_usage as root_usage;
    use crate::checks::cloudwatch::testing::{chain, TOPIC};
    use crate::checks::fixtures::{denied, run_check, Fixture};
    use rampart_inventory::Collected;

    fn t(field: &str, op: &str, value: &str) -> Term {
        Term {
            field: field.into(),
            op: op.into(),
            value: value.into(),
        }
    }

    // CIS 5.x: the pattern syntax: quoted and bare values, unary operators, parentheses,
    // `&&` binding tighter than `||`.
    #[test]
    fn parses_patterns() {
        let dnf = parse(
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        )
        .unwrap();
        assert_eq!(
            dnf,
            vec![BTreeSet::from([
                t("$.userIdentity.type", "=", "Root"),
                t("$.userIdentity.invokedBy", "NOT EXISTS", ""),
                t("$.eventType", "!=", "AwsServiceEvent"),
            ])]
        );
        let dnf = parse("{($.eventSource=kms.amazonaws.com)&&(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}").unwrap();
        assert_eq!(dnf.len(), 2);
        assert!(dnf[1].contains(&t("$.eventName", "=", "ScheduleKeyDeletion")));
        assert!(dnf[1].contains(&t("$.eventSource", "=", "kms.amazonaws.com")));
        // A || B && C is A || (B && C).
        let dnf = parse("{ $.a = 1 || $.b = 2 && $.c = 3 }").unwrap();
        assert_eq!(dnf.len(), 2);
        assert_eq!(dnf[0].len(), 1);
        assert_eq!(dnf[1].len(), 2);
        for bad in [
            "$.a = 1",
            "{ ($.a = 1 }",
            "{ $.a }",
            "{ $.a = }",
            "{ $.a = \"x }",
            "{ $.a = 1 $.b = 2 }",
            "{ ERROR }",
        ] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
    }

    // CIS 5.x: whitespace, quotes, order and regrouping do not matter; extra `||` terms are
    // fine; a missing alternative or an extra `&&` condition is a near miss.
    #[test]
    fn compares_patterns() {
        let benchmark = parse(
            r#"{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }"#,
        )
        .unwrap();
        for good in [
            r#"{($.eventSource="kms.amazonaws.com")&&(($.eventName="ScheduleKeyDeletion")||($.eventName="DisableKey"))}"#,
            "{ ($.eventSource = kms.amazonaws.com && $.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion && $.eventSource = kms.amazonaws.com) }",
            "{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }",
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) || ($.eventName = DeleteAlias)) }",
        ] {
            assert!(pattern_matches(good, &benchmark), "{good} should match");
        }
        for near_miss in [
            "{ ($.eventSource = kms.amazonaws.com) && ($.eventName = DisableKey) }",
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && ($.userIdentity.type = Root) }",
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = disablekey) || ($.eventName = ScheduleKeyDeletion)) }",
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName != DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
            "DisableKey ScheduleKeyDeletion",
        ] {
            assert!(!pattern_matches(near_miss, &benchmark), "{near_miss} should not match");
        }
    }

    // CIS 5.1, 5.2, 5.13: filters written to earlier benchmark versions, which match more
    // events than the v7.0 patterns, still pass; the v7.0 patterns match themselves.
    #[test]
    fn earlier_benchmark_patterns() {
        use crate::checks::cloudwatch::{
            alarm_console_signin_without_mfa as mfa, alarm_route_table_changes as routes,
            alarm_unauthorized_api_calls as unauthorized,
        };
        let cases = [
            (
                unauthorized::PATTERN,
                r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#,
            ),
            (
                mfa::PATTERN,
                r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
            ),
            (
                routes::PATTERN,
                "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || \
                 ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || \
                 ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || \
                 ($.eventName = DisassociateRouteTable) }",
            ),
        ];
        for (benchmark, earlier) in cases {
            let benchmark = parse(benchmark).unwrap();
            assert!(pattern_matches(earlier, &benchmark), "{earlier}");
        }
        // Without the AccessDenied alternative, 5.1 is a near miss.
        let b = parse(unauthorized::PATTERN).unwrap();
        assert!(!pattern_matches(
            r#"{ ($.errorCode = "*UnauthorizedOperation") && ($.eventName != "HeadBucket") }"#,
            &b
        ));
    }

    // CIS 5.3: each missing link is named: the SNS action, the confirmed subscription, the
    // alarm, the filter (on another log group), the trail's CloudWatch Logs delivery.
    #[test]
    fn broken_links() {
        let pattern = root_usage::PATTERN;
        let mut fx = chain(pattern);
        fx.region("us-east-1").sns.subscriptions = Collected::Ok(vec![]);
        insta::assert_json_snapshot!("no_subscription", run_check(&root_usage::CHECK, &fx.inv));

        let mut fx = chain(pattern);
        if let Collected::Ok(alarms) = &mut fx.region("us-east-1").cloudwatch.alarms {
            alarms[0].alarm_actions =
                vec!["arn:aws:lambda:us-east-1:111122223333:function:f".into()];
        }
        insta::assert_json_snapshot!("no_sns_action", run_check(&root_usage::CHECK, &fx.inv));

        let mut fx = chain(pattern);
        fx.region("us-east-1").cloudwatch.alarms = Collected::Ok(vec![]);
        insta::assert_json_snapshot!("no_alarm", run_check(&root_usage::CHECK, &fx.inv));

        let mut fx = chain(pattern);
        if let Collected::Ok(filters) = &mut fx.region("us-east-1").logs.metric_filters {
            filters[0].log_group = "some-other-group".into();
        }
        insta::assert_json_snapshot!("other_log_group", run_check(&root_usage::CHECK, &fx.inv));

        let mut fx = chain(pattern);
        if let Collected::Ok(trails) = &mut fx.region("us-east-1").cloudtrail.trails {
            trails[0].cloudwatch_logs_log_group_arn = None;
        }
        insta::assert_json_snapshot!("no_log_group", run_check(&root_usage::CHECK, &fx.inv));

        let fx = Fixture::new();
        insta::assert_json_snapshot!("no_trail", run_check(&root_usage::CHECK, &fx.inv));
    }

    // CIS 5.3: a topic in a region whose subscriptions were not read, or not scanned, is an
    // ERROR; a complete chain through any one trail still passes.
    #[test]
    fn unread_links() {
        let mut fx = chain(root_usage::PATTERN);
        fx.region("us-east-1").sns.subscriptions =
            Collected::Missing(denied("sns:ListSubscriptions"));
        insta::assert_json_snapshot!(
            "unread_subscriptions",
            run_check(&root_usage::CHECK, &fx.inv)
        );

        let mut fx = chain(root_usage::PATTERN);
        if let Collected::Ok(alarms) = &mut fx.region("us-east-1").cloudwatch.alarms {
            alarms[0].alarm_actions = vec![TOPIC.replace("us-east-1", "ap-south-1")];
        }
        insta::assert_json_snapshot!(
            "topic_region_not_scanned",
            run_check(&root_usage::CHECK, &fx.inv)
        );
    }

    // Log group ARNs as DescribeTrails returns them.
    #[test]
    fn log_group_arns() {
        assert_eq!(
            log_group("arn:aws:logs:eu-west-1:111122223333:log-group:aws-cloudtrail-logs:*"),
            Some(("eu-west-1", "aws-cloudtrail-logs"))
        );
        assert_eq!(
            log_group("arn:aws:logs:eu-west-1:111122223333:log-group:/org/trail"),
            Some(("eu-west-1", "/org/trail"))
        );
        assert_eq!(log_group("arn:aws:s3:::bucket"), None);
    }
}

#[cfg(test)]
mod fix_tests {
    use crate::checks::cloudwatch::alarm_root_usage::{CHECK, META, PATTERN};
    use crate::checks::cloudwatch::testing::{chain, TOPIC};
    use crate::checks::fixtures::denied;
    use crate::checks::fixtures::run_check;
    use crate::fix::testing::{assert_states, failing};
    use crate::fix::{render, testing::plan_for, Call, Step};
    use crate::{Settings, Status};
    use rampart_inventory::{
        Collected, Inventory, MetricAlarm, MetricFilter, MetricTransformation, Subscription,
    };
    use serde_json::json;

    // Issue 14 (CIS 5.3): a trail delivering to CloudWatch Logs and a subscribed topic, but
    // no filter for the control: one step adds the filter and an alarm notifying the topic;
    // with the chain complete there is none.
    #[test]
    fn fix_fail_and_pass() {
        let mut fx = chain(PATTERN);
        assert!(plan_for(&CHECK, &fx.inv).steps.is_empty());
        fx.region("us-east-1").logs.metric_filters = Collected::Ok(vec![]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert_eq!(plan.steps.len(), 1, "{plan:#?}");
        let ops: Vec<&str> = plan.steps[0]
            .calls
            .iter()
            .map(|c| c.operation.as_str())
            .collect();
        assert_eq!(ops, ["PutMetricFilter", "PutMetricAlarm"]);
        assert_eq!(plan.steps[0].calls[1].params["AlarmActions"][0], TOPIC);
        assert_eq!(plan.steps[0].calls[0].params["filterPattern"], PATTERN);
        insta::assert_snapshot!("fix_step", render::json(&plan));
    }

    // Issue 14: a matching filter whose metric no alarm watches is reused: only the alarm is
    // added, on that filter's metric.
    #[test]
    fn fix_reuses_a_matching_filter() {
        let mut fx = chain(PATTERN);
        fx.region("us-east-1").cloudwatch.alarms = Collected::Ok(vec![]);
        fx.region("us-east-1").logs.metric_filters = Collected::Ok(vec![MetricFilter {
            name: "root".into(),
            log_group: "cloudtrail-main".into(),
            pattern: PATTERN.into(),
            metrics: vec![MetricTransformation {
                namespace: "Security".into(),
                name: "RootUse".into(),
            }],
        }]);
        let plan = plan_for(&CHECK, &fx.inv);
        let calls = &plan.steps[0].calls;
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].params["Namespace"], "Security");
        assert_eq!(calls[0].params["MetricName"], "RootUse");
    }

    /// The inventory as a rescan shows it once `step`'s calls are made: each PutMetricFilter
    /// and PutMetricAlarm read back with the members the collector keeps.
    fn applied(inv: &Inventory, step: &Step) -> Inventory {
        let mut inv = inv.clone();
        let region = inv.regional.get_mut(&step.region).unwrap();
        for call in &step.calls {
            let p = &call.params;
            let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
            match call.operation.as_str() {
                "PutMetricFilter" => {
                    if let Collected::Ok(filters) = &mut region.logs.metric_filters {
                        let m = &p["metricTransformations"][0];
                        filters.push(MetricFilter {
                            name: text(&p["filterName"]),
                            log_group: text(&p["logGroupName"]),
                            pattern: text(&p["filterPattern"]),
                            metrics: vec![MetricTransformation {
                                namespace: text(&m["metricNamespace"]),
                                name: text(&m["metricName"]),
                            }],
                        });
                    }
                }
                "PutMetricAlarm" => {
                    if let Collected::Ok(alarms) = &mut region.cloudwatch.alarms {
                        alarms.push(MetricAlarm {
                            name: text(&p["AlarmName"]),
                            arn: format!(
                                "arn:aws:cloudwatch:{}:111122223333:alarm:{}",
                                step.region,
                                text(&p["AlarmName"])
                            ),
                            namespace: Some(text(&p["Namespace"])),
                            metric_name: Some(text(&p["MetricName"])),
                            dimensions: vec![],
                            actions_enabled: true,
                            alarm_actions: vec![text(&p["AlarmActions"][0])],
                            state: "INSUFFICIENT_DATA".into(),
                        });
                    }
                }
                other => panic!("unexpected call {other}"),
            }
        }
        inv
    }

    // Issue 14, for all 15 CIS section 5 fixers: on an account with the trail and a
    // subscribed topic but no metric filter, each step's state is `before` (no filter, no
    // alarm of its names); once its calls are made, as a rescan shows them, it is `after`
    // and the control passes. Undo deletes the alarm, then the filter the step created.
    #[test]
    fn fix_states_and_undo_every_control() {
        let mut fx = chain(PATTERN);
        fx.region("us-east-1").logs.metric_filters = Collected::Ok(vec![]);
        fx.region("us-east-1").cloudwatch.alarms = Collected::Ok(vec![]);
        let settings = Settings::default();
        let fixers: Vec<_> = crate::checks::cloudwatch::FIXERS
            .iter()
            .filter(|f| f.meta.id.starts_with("cloudwatch_alarm_"))
            .collect();
        assert_eq!(fixers.len(), 15);
        for fixer in fixers {
            let finding = failing(
                fixer.meta,
                &fx.inv,
                "global",
                "arn:aws:iam::111122223333:root",
            );
            let plan = crate::fix::plan(&fx.inv, &settings, &[finding]);
            assert_eq!(plan.steps.len(), 1, "{}: {plan:#?}", fixer.meta.id);
            let step = &plan.steps[0];
            let fixed = applied(&fx.inv, step);
            assert_states(&settings, &fx.inv, &fixed, step);
            let check = crate::registry()
                .iter()
                .find(|c| c.meta.id == fixer.meta.id)
                .unwrap();
            let findings = run_check(check, &fixed);
            assert_eq!(findings[0].status, Status::Pass, "{findings:#?}");
            let name = format!(
                "rampart-{}",
                fixer
                    .meta
                    .id
                    .trim_start_matches("cloudwatch_alarm_")
                    .replace('_', "-")
            );
            assert_eq!(
                step.undo_calls,
                [
                    Call::new("cloudwatch", "DeleteAlarms", json!({"AlarmNames": [name]})),
                    Call::new(
                        "logs",
                        "DeleteMetricFilter",
                        json!({"logGroupName": "cloudtrail-main", "filterName": name})
                    ),
                ]
            );
            assert!(step.undo_loses.is_none());
        }
    }

    // Issue 14: names already taken (a broken alarm, a filter with another pattern) are
    // left alone: the step takes the next free ones, so undo deletes only what it created;
    // a reused filter is in `before` and `after` alike, and undo leaves it.
    #[test]
    fn fix_takes_free_names_and_keeps_what_it_reuses() {
        let mut fx = chain(PATTERN);
        let r = fx.region("us-east-1");
        r.logs.metric_filters = Collected::Ok(vec![MetricFilter {
            name: "rampart-root-usage".into(),
            log_group: "cloudtrail-main".into(),
            pattern: "{ $.eventName = ConsoleLogin }".into(),
            metrics: vec![],
        }]);
        if let Collected::Ok(alarms) = &mut r.cloudwatch.alarms {
            alarms[0].name = "rampart-root-usage".into();
            alarms[0].actions_enabled = false;
        }
        let settings = Settings::default();
        let plan = plan_for(&CHECK, &fx.inv);
        let step = &plan.steps[0];
        assert_eq!(step.calls[0].params["filterName"], "rampart-root-usage-2");
        assert_eq!(step.calls[1].params["AlarmName"], "rampart-root-usage-2");
        assert_eq!(step.before, json!({"MetricFilter": null, "Alarm": null}));
        assert_states(&settings, &fx.inv, &applied(&fx.inv, step), step);
        assert_eq!(
            step.undo_calls,
            [
                Call::new(
                    "cloudwatch",
                    "DeleteAlarms",
                    json!({"AlarmNames": ["rampart-root-usage-2"]})
                ),
                Call::new(
                    "logs",
                    "DeleteMetricFilter",
                    json!({"logGroupName": "cloudtrail-main", "filterName": "rampart-root-usage-2"})
                ),
            ]
        );

        // A matching filter whose metric no alarm watches: only the alarm is created.
        let mut fx = chain(PATTERN);
        fx.region("us-east-1").cloudwatch.alarms = Collected::Ok(vec![]);
        let plan = plan_for(&CHECK, &fx.inv);
        let step = &plan.steps[0];
        assert_eq!(step.before["MetricFilter"]["filterName"], "cis-filter");
        assert_states(&settings, &fx.inv, &applied(&fx.inv, step), step);
        assert_eq!(
            step.undo_calls,
            [Call::new(
                "cloudwatch",
                "DeleteAlarms",
                json!({"AlarmNames": ["rampart-root-usage"]})
            )]
        );
    }

    // Issue 14: no topic with a confirmed subscription, or unread alarms: not planned.
    #[test]
    fn fix_not_planned() {
        let mut fx = chain(PATTERN);
        fx.region("us-east-1").logs.metric_filters = Collected::Ok(vec![]);
        fx.region("us-east-1").sns.subscriptions = Collected::Ok(vec![Subscription {
            arn: "PendingConfirmation".into(),
            topic_arn: TOPIC.into(),
            protocol: "email".into(),
        }]);
        let plan = plan_for(&CHECK, &fx.inv);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0]
            .reason
            .contains("confirmed subscription"));

        let mut fx = chain(PATTERN);
        fx.region("us-east-1").logs.metric_filters = Collected::Ok(vec![]);
        fx.region("us-east-1").cloudwatch.alarms =
            Collected::Missing(denied("cloudwatch:DescribeAlarms"));
        let finding = crate::fix::testing::failing(
            &META,
            &fx.inv,
            "global",
            "arn:aws:iam::111122223333:root",
        );
        let plan = crate::fix::plan(&fx.inv, &crate::Settings::default(), &[finding]);
        assert!(plan.steps.is_empty());
        assert!(plan.not_planned[0].reason.contains("DescribeAlarms"));
    }
}
