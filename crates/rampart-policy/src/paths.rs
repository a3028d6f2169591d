//! Paths to administrator, read from the escalation [`Graph`]: one shortest path per
//! principal that is not an administrator, hop by hop with the method and the permission
//! (action, resource, deciding statement) that makes each hop possible, and their text
//! rendering. Also what a foothold reaches besides administrator: the data its permissions
//! read (objects, keys, secrets, parameters, tables), for the joined attack paths.

use crate::graph::{Graph, Permission, Step};
use crate::{
    Authorizer, DecidingStatement, PolicyKind, Principal, Request, RequestContext, Verdict,
};
use serde::Serialize;
use std::fmt::{self, Write as _};

/// A node of a path, as the reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathNode {
    /// ARN (the root ARN for an external account, `*` for everyone).
    pub arn: String,
    /// `user/dev`, `role/admin`, `account/444455556666`.
    pub label: String,
}

/// One hop of a path.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    /// Where the hop starts.
    pub from: PathNode,
    /// Where it leads: the principal acted as, or whose permissions were raised.
    pub to: PathNode,
    /// Method id (`iam-create-access-key`).
    pub method: &'static str,
    /// The method's title.
    pub title: &'static str,
    /// Who does it, when not `from` (a principal earlier on the path raising `to`).
    pub by: Option<PathNode>,
    /// What the method goes through (`function app`, `policy/Deploy`), if not the target.
    pub via: Option<String>,
    /// The requests it needs, as the engine decided them.
    pub permissions: Vec<Permission>,
    /// Whether the hop is conditional.
    pub conditional: bool,
    /// Why it is conditional beyond its permissions.
    pub note: Option<String>,
    /// Whether the hop makes `to` an administrator (policy versions, attachments, inline
    /// policies, group membership) rather than acting as it.
    pub raises: bool,
}

/// The shortest path of one principal to an administrator.
#[derive(Debug, Clone, Serialize)]
pub struct EscalationPath {
    /// The principal the path starts from.
    pub from: PathNode,
    /// The administrator it ends at (a principal that is one, or whose permissions the
    /// path raises).
    pub admin: PathNode,
    /// The hops, in order.
    pub hops: Vec<Hop>,
    /// Whether any hop, or the administrator's own decision, is conditional.
    pub conditional: bool,
}

/// How a path names a policy statement: `policy dev-inline Statement[0]`.
pub fn statement_label(s: &DecidingStatement) -> String {
    let what = match s.policy.kind {
        PolicyKind::Trust => format!(
            "trust of {}",
            crate::graph::short_arn(s.policy.arn.as_deref().unwrap_or(&s.policy.name))
        ),
        PolicyKind::Boundary => format!("boundary {}", s.policy.name),
        PolicyKind::Scp => format!("SCP {}", s.policy.name),
        PolicyKind::Rcp => format!("RCP {}", s.policy.name),
        PolicyKind::Resource => format!("resource policy {}", s.policy.name),
        _ => format!("policy {}", s.policy.name),
    };
    let via = s
        .policy
        .via
        .as_ref()
        .map(|v| format!(" (via {v})"))
        .unwrap_or_default();
    format!("{what}{via} Statement[{}]", s.index)
}

/// `iam:CreateAccessKey on user/ops, policy dev-inline Statement[0]`.
fn permission_text(p: &Permission) -> String {
    let resource = if p.resource == "*" {
        String::new()
    } else {
        format!(" on {}", crate::graph::short_arn(&p.resource))
    };
    // Identity statements first, then the resource or trust policy.
    let mut allows: Vec<&DecidingStatement> = p
        .statements
        .iter()
        .filter(|s| s.effect == crate::Effect::Allow)
        .collect();
    allows.sort_by_key(|s| matches!(s.policy.kind, PolicyKind::Trust | PolicyKind::Resource));
    let allows: Vec<String> = allows.into_iter().map(statement_label).collect();
    let mut out = format!("{}{resource}", p.action);
    if !allows.is_empty() {
        let _ = write!(out, ", {}", allows.join(" and "));
    }
    out
}

/// What the conditional permissions of a hop hang on, each once: the conditions the
/// engine could not decide, or its notes when there are none (`aws:SourceIp IpAddress
/// 10.0.0.0/8`).
fn pending(permissions: &[Permission]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in permissions
        .iter()
        .filter(|p| p.verdict == Verdict::Conditional)
    {
        let mut conds: Vec<String> = p
            .conditions
            .iter()
            .map(|c| format!("{} {} {}", c.key, c.operator, c.values.join("|")))
            .collect();
        if conds.is_empty() {
            conds.extend(p.notes.iter().cloned());
        }
        for c in conds {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

impl fmt::Display for Hop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self.permissions.iter().map(permission_text).collect();
        if let Some(by) = &self.by {
            parts.push(format!("by {}", by.label));
        }
        if let Some(via) = &self.via {
            parts.push(format!("via {via}"));
        }
        let pending = pending(&self.permissions);
        if !pending.is_empty() {
            parts.push(format!("conditional on {}", pending.join(", ")));
        }
        if let Some(note) = &self.note {
            parts.push(format!("conditional: {note}"));
        }
        write!(f, "({})", parts.join("; "))
    }
}

impl fmt::Display for EscalationPath {
    /// `user/dev → (iam:CreateAccessKey on user/ops, policy dev-inline Statement[0]) →
    /// user/ops → (sts:AssumeRole on role/admin, trust of admin Statement[0]) → role/admin
    /// [admin]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.from.label)?;
        for hop in &self.hops {
            write!(f, " → {hop} → {}", hop.to.label)?;
        }
        f.write_str(if self.conditional {
            " [admin, conditional]"
        } else {
            " [admin]"
        })
    }
}

impl EscalationPath {
    /// The path hop by hop, one line each, for `rampart paths`.
    pub fn render_text(&self) -> String {
        let mut out = format!(
            "{} → {}{}\n",
            self.from.label,
            self.admin.label,
            if self.conditional {
                " (conditional)"
            } else {
                ""
            }
        );
        for (i, hop) in self.hops.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} → {}: {} {hop}",
                i + 1,
                hop.from.label,
                hop.to.label,
                hop.method
            );
        }
        out
    }
}

fn node(g: &Graph, i: usize) -> PathNode {
    PathNode {
        arn: g.nodes[i].arn.clone(),
        label: g.nodes[i].label.clone(),
    }
}

fn edge_hop(g: &Graph, from: usize, ei: usize) -> Hop {
    let e = &g.edges[from][ei];
    Hop {
        from: node(g, from),
        to: node(g, e.to),
        method: e.method.id,
        title: e.method.title,
        by: None,
        via: e.via.clone(),
        permissions: e.permissions.clone(),
        conditional: e.conditional,
        note: e.note.clone(),
        raises: false,
    }
}

/// The path from `start` following the solution's next steps.
fn walk(g: &Graph, next: &[Option<crate::graph::Step>], start: usize) -> Option<EscalationPath> {
    let mut hops = Vec::new();
    let mut at = start;
    let mut guard = 0;
    loop {
        guard += 1;
        if guard > g.nodes.len() + 1 {
            return None;
        }
        match next[at].as_ref()? {
            Step::Admin => {
                let admin_conditional = g.admin_state(at) == Some(true);
                let conditional = admin_conditional || hops.iter().any(|h: &Hop| h.conditional);
                return Some(EscalationPath {
                    from: node(g, start),
                    admin: node(g, at),
                    hops,
                    conditional,
                });
            }
            Step::Edge { from, edge } => {
                let hop = edge_hop(g, *from, *edge);
                at = g.edges[*from][*edge].to;
                hops.push(hop);
            }
            Step::Raise {
                target,
                raise,
                path,
            } => {
                for (from, ei) in path {
                    hops.push(edge_hop(g, *from, *ei));
                }
                let r = &g.raises[*target][*raise];
                hops.push(Hop {
                    from: node(g, *target),
                    to: node(g, *target),
                    method: r.method.id,
                    title: r.method.title,
                    by: (r.by != *target).then(|| node(g, r.by)),
                    via: r.via.clone(),
                    permissions: r.permissions.clone(),
                    conditional: r.conditional,
                    note: r.note.clone(),
                    raises: true,
                });
                let conditional = hops.iter().any(|h| h.conditional);
                return Some(EscalationPath {
                    from: node(g, start),
                    admin: node(g, *target),
                    hops,
                    conditional,
                });
            }
        }
    }
}

impl Graph<'_> {
    /// The shortest path of each principal that is not an administrator to one (only
    /// `from`'s when given), preferring paths with no conditional hop; principals that
    /// cannot reach an administrator have none. Ordered as the nodes are.
    pub fn paths_to_admin(&self, from: Option<&Principal>) -> Vec<EscalationPath> {
        let solution = self.solve();
        let starts: Vec<usize> = match from {
            Some(p) => self.node_of(&p.arn).into_iter().collect(),
            None => (0..self.nodes.len()).collect(),
        };
        starts
            .into_iter()
            .filter(|&v| self.admin_state(v) != Some(false))
            .filter_map(|v| {
                if self.admin_state(v) == Some(true) {
                    // A conditional administrator: an unconditional path still helps.
                    return walk(self, &solution.unconditional, v).filter(|p| !p.hops.is_empty());
                }
                walk(self, &solution.unconditional, v).or_else(|| walk(self, &solution.any, v))
            })
            .filter(|p| !p.hops.is_empty())
            .collect()
    }
}

/// The shortest path of each principal of the account that is not an administrator to
/// one (only `from`'s when given). See [`Graph::paths_to_admin`].
pub fn paths_to_admin(auth: &Authorizer, from: Option<&Principal>) -> Vec<EscalationPath> {
    Graph::build(auth).paths_to_admin(from)
}

/// What `rampart paths` reports: the paths found, the administrators (where paths end), and
/// what the graph could not evaluate.
#[derive(Debug, Clone, Serialize)]
pub struct PathsReport {
    /// The principal asked about, when one was.
    pub from: Option<PathNode>,
    /// Whether that principal is an administrator itself (no path is then given).
    pub from_is_admin: bool,
    /// The shortest path of each principal that reaches an administrator.
    pub paths: Vec<EscalationPath>,
    /// The administrators of the account (allowed `*` on `*`), conditional ones marked.
    pub admins: Vec<(PathNode, bool)>,
    /// The principals examined (users and roles of the account, external accounts).
    pub principals: usize,
    /// The edges of the graph.
    pub edges: usize,
    /// What could not be evaluated (data missing from the snapshot).
    pub notes: Vec<String>,
}

/// The escalation graph of the account, and the paths of every principal (or `from`'s).
pub fn paths_report(auth: &Authorizer, from: Option<&Principal>) -> PathsReport {
    let g = Graph::build(auth);
    let node = from.and_then(|p| g.node_of(&p.arn));
    PathsReport {
        from: node.map(|i| self::node(&g, i)),
        from_is_admin: node.is_some_and(|i| g.admin_state(i) == Some(false)),
        paths: g.paths_to_admin(from),
        admins: (0..g.nodes.len())
            .filter_map(|i| g.admin_state(i).map(|c| (self::node(&g, i), c)))
            .collect(),
        principals: g.nodes.len(),
        edges: g.edge_count(),
        notes: g.notes.clone(),
    }
}

impl PathsReport {
    /// The report as text: the paths hop by hop, then the administrators and the notes.
    pub fn render_text(&self) -> String {
        let mut out = match (&self.from, self.from_is_admin) {
            (Some(p), true) => {
                format!("{} is an administrator itself (allowed * on *).\n", p.label)
            }
            (Some(p), false) if self.paths.is_empty() => {
                format!("{} cannot reach an administrator.\n", p.label)
            }
            _ => render_paths(&self.paths),
        };
        if self.from.is_none() {
            let admins: Vec<String> = self
                .admins
                .iter()
                .map(|(n, c)| {
                    if *c {
                        format!("{} (conditional)", n.label)
                    } else {
                        n.label.clone()
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "Administrators ({}): {}",
                admins.len(),
                if admins.is_empty() {
                    "none".to_owned()
                } else {
                    admins.join(", ")
                }
            );
            let _ = writeln!(
                out,
                "{} principal(s), {} edge(s) examined by {} methods.",
                self.principals,
                self.edges,
                crate::METHODS.len()
            );
        }
        for n in &self.notes {
            let _ = writeln!(out, "Not evaluated: {n}");
        }
        out
    }
}

/// The paths as text, one block per principal, for `rampart paths`.
pub fn render_paths(paths: &[EscalationPath]) -> String {
    if paths.is_empty() {
        return "No principal can reach an administrator.\n".into();
    }
    let mut out = format!(
        "{} principal(s) can reach an administrator:\n\n",
        paths.len()
    );
    for p in paths {
        out.push_str(&p.render_text());
        let _ = writeln!(out, "  {p}\n");
    }
    out
}

/// One kind of data read, allowed (or conditionally allowed) on one resource.
#[derive(Debug, Clone, Serialize)]
pub struct DataAccess {
    /// The action (`s3:GetObject`).
    pub action: &'static str,
    /// What it reads (`bucket logs`, `key 1234abcd-...`, `every secret`).
    pub what: String,
    /// The resource evaluated.
    pub resource: String,
    /// Allowed or conditional.
    pub verdict: Verdict,
}

impl fmt::Display for DataAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.action, self.what)?;
        if self.verdict == Verdict::Conditional {
            f.write_str(" (conditional)")?;
        }
        Ok(())
    }
}

/// What data a principal reads, and the lists that could not be read to tell.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataReach {
    /// Each read allowed (or conditionally allowed).
    pub access: Vec<DataAccess>,
    /// The resource lists that were not in the snapshot (`S3 buckets (AccessDenied ...)`).
    pub unread: Vec<String>,
}

/// The data a principal can read: S3 objects of every bucket, KMS decryption with every
/// key, SSM parameters of the inventory, and, for the services whose resources the
/// inventory does not list, every Secrets Manager secret and DynamoDB table of the
/// account (evaluated on the wildcard ARN of the service in the account).
pub fn data_access(auth: &Authorizer, principal: &Principal) -> DataReach {
    let inv = auth.inventory();
    let partition = &inv.account.partition;
    let account = &inv.account.id;
    let ctx = RequestContext::default();
    let mut out = DataReach::default();
    let ask = |out: &mut DataReach, action: &'static str, resource: String, what: String| {
        let d = auth.evaluate(&Request {
            principal,
            action,
            resource: &resource,
            context: &ctx,
        });
        if d.verdict != Verdict::Denied {
            out.access.push(DataAccess {
                action,
                what,
                resource,
                verdict: d.verdict,
            });
        }
    };
    match inv.s3.buckets.get() {
        Ok(buckets) => {
            for b in buckets {
                ask(
                    &mut out,
                    "s3:GetObject",
                    format!("arn:{partition}:s3:::{}/*", b.name),
                    format!("bucket {}", b.name),
                );
            }
        }
        Err(gap) => out.unread.push(format!("S3 buckets ({})", gap.describe())),
    }
    for (region, data) in &inv.regional {
        match data.kms.keys.get() {
            Ok(keys) => {
                for k in keys {
                    ask(
                        &mut out,
                        "kms:Decrypt",
                        k.arn.clone(),
                        format!("key {} in {region}", k.id),
                    );
                }
            }
            Err(gap) => out
                .unread
                .push(format!("KMS keys in {region} ({})", gap.describe())),
        }
        match data.ssm.parameters.get() {
            Ok(params) => {
                for p in params {
                    ask(
                        &mut out,
                        "ssm:GetParameter",
                        p.arn.clone(),
                        format!("parameter {} in {region}", p.name),
                    );
                }
            }
            Err(gap) => out
                .unread
                .push(format!("SSM parameters in {region} ({})", gap.describe())),
        }
    }
    ask(
        &mut out,
        "secretsmanager:GetSecretValue",
        format!("arn:{partition}:secretsmanager:*:{account}:secret:*"),
        "every secret".into(),
    );
    ask(
        &mut out,
        "dynamodb:Scan",
        format!("arn:{partition}:dynamodb:*:{account}:table/*"),
        "every table".into(),
    );
    out
}

/// Data accesses grouped for a reason: `s3:GetObject on bucket a, bucket b; kms:Decrypt on
/// key k in us-east-1`.
pub fn data_summary(access: &[DataAccess]) -> String {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for a in access {
        let what = if a.verdict == Verdict::Conditional {
            format!("{} (conditional)", a.what)
        } else {
            a.what.clone()
        };
        match groups.iter_mut().find(|(action, _)| *action == a.action) {
            Some((_, list)) => list.push(what),
            None => groups.push((a.action, vec![what])),
        }
    }
    groups
        .into_iter()
        .map(|(action, list)| format!("{action} on {}", list.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the escalation graph of an account concludes, owned (no borrow of the graph or its
/// authorizer), so that it is computed once and read by every check that needs it: each
/// node, whether it is an administrator, and the shortest path of each one that reaches one.
#[derive(Debug, Clone)]
pub struct Escalation {
    /// The nodes, as the graph has them.
    pub nodes: Vec<crate::graph::Node>,
    /// By node: `Some(false)` administrator outright, `Some(true)` conditionally, `None` not.
    pub admin: Vec<Option<bool>>,
    /// The shortest path to an administrator, by the ARN of the node it starts from.
    pub paths: std::collections::HashMap<String, EscalationPath>,
    /// What the graph could not evaluate.
    pub notes: Vec<String>,
    index: std::collections::HashMap<String, usize>,
}

impl Escalation {
    /// The conclusions of `graph`: every node's administrator state and shortest path.
    pub fn of(graph: &Graph) -> Escalation {
        Escalation {
            nodes: graph.nodes.clone(),
            admin: (0..graph.nodes.len())
                .map(|i| graph.admin_state(i))
                .collect(),
            paths: graph
                .paths_to_admin(None)
                .into_iter()
                .map(|p| (p.from.arn.clone(), p))
                .collect(),
            notes: graph.notes.clone(),
            index: graph
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.arn.clone(), i))
                .collect(),
        }
    }

    /// The node of a principal's ARN.
    pub fn node_of(&self, arn: &str) -> Option<usize> {
        self.index.get(arn).copied()
    }

    /// Whether a node is an administrator: `Some(false)` outright, `Some(true)`
    /// conditionally, `None` not.
    pub fn admin_state(&self, node: usize) -> Option<bool> {
        self.admin[node]
    }
}
