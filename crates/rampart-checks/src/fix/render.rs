//! A [`Plan`] as text for review: `json` (byte-stable), `sh` (a script of the steps' CLI
//! commands), `terraform` and `cloudformation`. Every value from the account is quoted for
//! the format it lands in.

use super::{Plan, Risk};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One argument for bash: bare when it holds only characters no shell treats specially;
/// in single quotes (a `'` inside becomes `'\''`) when it has no control character; else
/// ANSI-C quoted (`$'...'`, newlines as `\n`), so that every command stays on one line and
/// a commented-out command cannot spill onto a line that runs.
pub fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b));
    if plain {
        return arg.to_owned();
    }
    if !arg.chars().any(char::is_control) {
        return format!("'{}'", arg.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for c in arg.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\x{b:02x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A command line from its arguments, each quoted with [`shell_quote`].
pub fn shell_command(args: &[&str]) -> String {
    args.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Terraform (HCL) string literal: `"`, `\`, control characters and the `${`/`%{`
/// template openers escaped.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A line of a comment in a script or HCL file: no newline can end the comment early.
fn comment(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The Terraform provider alias of a region (`us-east-1` → `us_east_1`).
pub fn provider_alias(region: &str) -> String {
    region
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `--format json`: the plan with sorted keys, two-space indent and a final newline. The
/// same plan gives the same bytes.
pub fn json(plan: &Plan) -> String {
    let value = super::canonical(serde_json::to_value(plan).unwrap_or(Value::Null));
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}

/// `--format sh`: a script for review. Each step's commands are preceded by comments naming
/// its check, resource, region, risk, billing, undo and what undoing it loses. Disruptive
/// steps are commented out unless `include_disruptive`.
pub fn sh(plan: &Plan, include_disruptive: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "#!/usr/bin/env bash");
    let _ = writeln!(
        out,
        "# rampart fix plan for account {} ({}), snapshot of {}.",
        comment(&plan.account_id),
        comment(&plan.partition),
        plan.collected_at.to_rfc3339()
    );
    let _ = writeln!(
        out,
        "# Review every command before running it. {} step(s); {} failing finding(s) not planned.",
        plan.steps.len(),
        plan.not_planned.len()
    );
    let _ = writeln!(out, "set -euo pipefail\n");
    for step in &plan.steps {
        let _ = writeln!(out, "# step {}", step.id);
        let _ = writeln!(out, "# check:    {}", comment(&step.check_id));
        if !step.also_fixes.is_empty() {
            let _ = writeln!(out, "# also:     {}", comment(&step.also_fixes.join(", ")));
        }
        let _ = writeln!(out, "# resource: {}", comment(&step.resource));
        let _ = writeln!(out, "# region:   {}", comment(&step.region));
        let _ = writeln!(
            out,
            "# risk:     {} ({})",
            step.risk.as_str(),
            comment(&step.risk_reason)
        );
        if let Some(billing) = &step.billing {
            let _ = writeln!(out, "# billing:  {}", comment(billing));
        }
        if let Some(undo) = &step.undo {
            let _ = writeln!(out, "# undo:     {}", comment(undo));
        }
        if let Some(loses) = &step.undo_loses {
            let _ = writeln!(out, "# undoing loses: {}", comment(loses));
        }
        let skip = step.risk == Risk::Disruptive && !include_disruptive;
        if skip {
            let _ = writeln!(
                out,
                "# disruptive: left commented out (plan with --include-disruptive to run it)"
            );
        }
        for command in &step.cli {
            // Commands are one line each (see `shell_quote`); `comment` only guards a CLI
            // string that did not come from `shell_command`.
            let lead = if skip { "# " } else { "" };
            let _ = writeln!(out, "{lead}{}", comment(command));
        }
        let _ = writeln!(out);
    }
    for np in &plan.not_planned {
        let _ = writeln!(
            out,
            "# not planned: {} {} ({}): {}",
            comment(&np.check_id),
            comment(&np.resource),
            comment(&np.region),
            comment(&np.reason)
        );
    }
    out
}

/// `--format terraform`: the steps that Terraform can express, with one aliased provider
/// per region. Steps it cannot express are listed in a comment.
pub fn terraform(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# rampart fix plan for account {} as Terraform.",
        comment(&plan.account_id)
    );
    let regions: BTreeSet<&str> = plan
        .steps
        .iter()
        .filter(|s| s.terraform.is_some() && s.region != "global")
        .map(|s| s.region.as_str())
        .collect();
    for region in regions {
        let _ = writeln!(
            out,
            "\nprovider \"aws\" {{\n  alias  = \"{}\"\n  region = {}\n}}",
            provider_alias(region),
            hcl_string(region)
        );
    }
    let mut without = Vec::new();
    for step in &plan.steps {
        match &step.terraform {
            Some(hcl) => {
                let _ = writeln!(
                    out,
                    "\n# {} {} ({}, {})",
                    step.id,
                    comment(&step.check_id),
                    comment(&step.resource),
                    step.risk.as_str()
                );
                out.push_str(hcl);
                if !hcl.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => without.push(step),
        }
    }
    if !without.is_empty() {
        let _ = writeln!(out, "\n# Not expressible in Terraform (use --format sh):");
        for step in without {
            let _ = writeln!(
                out,
                "#   {} {} {}",
                step.id,
                comment(&step.check_id),
                comment(&step.resource)
            );
        }
    }
    out
}

/// `--format cloudformation`: one JSON template per region (a stack is regional), as
/// `(region, template)` in region order, holding the steps CloudFormation can express; the
/// steps it cannot express are named in each template's `Metadata`. The binary writes each
/// to its own file.
pub fn cloudformation(plan: &Plan) -> Vec<(String, String)> {
    let mut templates: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for step in &plan.steps {
        if let Some(Value::Object(resources)) = &step.cloudformation {
            let all = templates.entry(step.region.clone()).or_default();
            for (id, resource) in resources {
                all.insert(id.clone(), resource.clone());
            }
        }
    }
    let skipped: Vec<Value> = plan
        .steps
        .iter()
        .filter(|s| s.cloudformation.is_none())
        .map(|s| json!({"Step": s.id, "Check": s.check_id, "Resource": s.resource}))
        .collect();
    templates
        .into_iter()
        .map(|(region, resources)| {
            let mut template = json!({
                "AWSTemplateFormatVersion": "2010-09-09",
                "Description": format!(
                    "rampart fix plan for account {} in {region}",
                    plan.account_id
                ),
                "Resources": resources,
            });
            if !skipped.is_empty() {
                template["Metadata"] = json!({"RampartNotExpressible": skipped});
            }
            let mut text =
                serde_json::to_string_pretty(&super::canonical(template)).unwrap_or_default();
            text.push('\n');
            (region, text)
        })
        .collect()
}
