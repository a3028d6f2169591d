//! The IAM commands over the policy engine (`rampart-policy`): `can` (one request decided,
//! with the statements that decided it), `paths` (who can become an administrator, hop by
//! hop) and `rightsize` (a narrowed policy from Access Advisor, verified by the engine).
//! Each reads a snapshot (`--snapshot`, offline) or the account itself, collecting only
//! the services the engine reads.

use crate::cli::{CanArgs, ColorChoice, IamFormat, IamSourceArgs, PathsArgs, RightsizeArgs};
use crate::commands::collect_account;
use anyhow::{bail, Context as _, Result};
use rampart_collect::Service;
use rampart_inventory::{load_snapshot, Inventory};
use rampart_output::terminal_safe_lines;
use rampart_policy::actions::{catalogue, ActionStatus};
use rampart_policy::{
    paths_report, rightsize, Authorizer, Principal, Request, RequestContext, Verdict,
};
use rampart_triage::Config;
use std::collections::BTreeSet;
use std::process::ExitCode;

/// The services whose data the policy engine reads: identity policies, the resource
/// policies it evaluates, and the organization's policies.
const ENGINE_SERVICES: &[Service] = &[
    Service::Iam,
    Service::Organizations,
    Service::S3,
    Service::Kms,
    Service::Lambda,
    Service::Sns,
];

/// The inventory the command reads, and how to name it in messages.
struct Source {
    inventory: Inventory,
    /// The snapshot's path, or `account 111122223333`.
    name: String,
}

fn read_source(source: &IamSourceArgs, extra: &[Service]) -> Result<Source> {
    match &source.snapshot {
        Some(path) => Ok(Source {
            inventory: load_snapshot(path)?,
            name: path.display().to_string(),
        }),
        None => {
            let services: BTreeSet<Service> =
                ENGINE_SERVICES.iter().chain(extra).copied().collect();
            // Access keys matter to no `iam` command: the default threshold, as any scan.
            let idle_key_days = rampart_checks::Settings::default().unused_credentials_days;
            let inventory =
                collect_account(&source.account, services, idle_key_days, ColorChoice::Auto)?;
            let name = format!("account {}", inventory.account.id);
            Ok(Source { inventory, name })
        }
    }
}

/// The policy engine over a source: a malformed policy document is bad input, named with
/// the file.
fn authorizer<'a>(source: &'a Source) -> Result<Authorizer<'a>> {
    Authorizer::new(&source.inventory)
        .with_context(|| format!("{}: a policy cannot be evaluated", source.name))
}

/// A principal by ARN, `user/NAME`, `role/NAME`, `root` or name, or a clear error.
fn principal<'a>(az: &'a Authorizer, source: &Source, query: &str) -> Result<&'a Principal> {
    if let Some(p) = az.find_principal(query) {
        return Ok(p);
    }
    let same_name = az.principals().iter().filter(|p| p.name == query).count();
    if same_name > 1 {
        bail!(
            "{query:?} names {same_name} principals in {}: give `user/{query}` or `role/{query}`, or the ARN",
            source.name
        );
    }
    bail!(
        "unknown principal {query:?} in {} ({} principals; give an ARN, `user/NAME`, `role/NAME` or `root`)",
        source.name,
        az.principals().len()
    )
}

/// `KEY=VALUE` context entries; `KEY=` marks the key absent.
fn request_context(entries: &[String]) -> Result<RequestContext> {
    let mut context = RequestContext::new();
    for entry in entries {
        let Some((key, value)) = entry.split_once('=') else {
            bail!(
                "--context {entry:?}: expected KEY=VALUE (KEY= for a key absent from the request)"
            );
        };
        if key.is_empty() || !key.contains(':') {
            bail!("--context {entry:?}: the key must be a condition key such as aws:SourceIp");
        }
        if value.is_empty() {
            context.set_absent(key);
        } else {
            context.set(key, value);
        }
    }
    Ok(context)
}

/// `rampart can PRINCIPAL ACTION [RESOURCE]`. Exit 0 allowed, 1 denied, 3 conditional.
pub(crate) fn can(args: CanArgs) -> Result<ExitCode> {
    let context = request_context(&args.context)?;
    let unlisted = match catalogue().check(&args.action) {
        Ok(ActionStatus::Unlisted { note, .. }) => Some(note),
        Ok(_) => None,
        Err(e) => bail!("{e} (see `rampart can --help`)"),
    };
    let resource = args.resource.as_deref().unwrap_or("*");
    if resource != "*" && !resource.starts_with("arn:") {
        bail!("resource {resource:?}: expected an ARN (arn:aws:s3:::bucket/key) or *");
    }
    let source = read_source(&args.source, &[])?;
    let az = authorizer(&source)?;
    let who = principal(&az, &source, &args.principal)?;
    let mut decision = az.evaluate(&Request {
        principal: who,
        action: &args.action,
        resource,
        context: &context,
    });
    decision.notes.extend(unlisted);
    match args.format {
        IamFormat::Json => {
            let out = serde_json::json!({
                "source": source.name,
                "principal": who.arn,
                "action": args.action,
                "resource": resource,
                "decision": decision,
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        IamFormat::Text => {
            let mut out = format!(
                "{}: {} {} on {}\n",
                decision.verdict.to_string().to_uppercase(),
                who.arn,
                args.action,
                resource
            );
            if !decision.statements.is_empty() {
                out.push_str("decided by:\n");
                for s in &decision.statements {
                    out.push_str(&format!("  {}: {s}\n", source.name));
                }
            }
            if !decision.conditions.is_empty() {
                out.push_str("if these conditions hold (their values are not known):\n");
                for c in &decision.conditions {
                    out.push_str(&format!("  {c}\n"));
                }
            }
            for note in &decision.notes {
                out.push_str(&format!("note: {note}\n"));
            }
            print!("{}", terminal_safe_lines(&out));
        }
    }
    Ok(match decision.verdict {
        Verdict::Allowed => ExitCode::SUCCESS,
        Verdict::Denied => ExitCode::from(1),
        Verdict::Conditional => ExitCode::from(3),
    })
}

/// `rampart paths --to admin [--from PRINCIPAL]`. Exit 0 when no principal (or not
/// `--from`) can reach an administrator, 1 when one can.
pub(crate) fn paths(args: PathsArgs) -> Result<ExitCode> {
    if args.to != "admin" {
        bail!("--to {:?}: only `admin` is supported", args.to);
    }
    let source = read_source(&args.source, &[])?;
    let az = authorizer(&source)?;
    let from = match &args.from {
        Some(q) => Some(principal(&az, &source, q)?),
        None => None,
    };
    let report = paths_report(&az, from);
    match args.format {
        IamFormat::Json => {
            let mut out = serde_json::to_value(&report)?;
            out["source"] = source.name.clone().into();
            out["to"] = "admin".into();
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        IamFormat::Text => print!("{}", terminal_safe_lines(&report.render_text())),
    }
    Ok(if report.paths.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `rampart rightsize PRINCIPAL [--days N]`.
pub(crate) fn rightsize_cmd(args: RightsizeArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let config = Config::discover(args.config.as_deref(), &cwd)?
        .map(|(_, c)| c)
        .unwrap_or_default();
    let days = args.days.unwrap_or(config.thresholds.unused_service_days);
    if days <= 0 {
        bail!("--days {days}: expected a positive number of days");
    }
    let source = read_source(&args.source, &[Service::AccessAdvisor])?;
    let az = authorizer(&source)?;
    let who = principal(&az, &source, &args.principal)?;
    let now = source.inventory.collected_at;
    let narrowed = rightsize(&az, who, now, days).map_err(anyhow::Error::new)?;
    match args.format {
        IamFormat::Json => println!("{}", serde_json::to_string_pretty(&narrowed)?),
        IamFormat::Text => print!("{}", terminal_safe_lines(&narrowed.render_text(now))),
    }
    Ok(if narrowed.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
