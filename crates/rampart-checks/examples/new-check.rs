//! Scaffold a new check: writes `src/checks/<service>/<name>.rs` (its `META` with TODOs, `run`
//! and a pass/fail snapshot test), registers it in the service's module list and `CHECKS`,
//! and prints the next steps. See `docs/adding-a-check.md`.
//!
//! ```sh
//! cargo run -p rampart-checks --example new-check -- <service> <name>
//! cargo run -p rampart-checks --example new-check -- efs backup_policy_enabled
//! ```
//!
//! The id is `<service>_<name>` (a name that already starts with `<service>_` is taken as the
//! whole id). Unknown services and ids already in use are refused. `--checks-dir DIR` works
//! on another copy of `src/checks` (the tests use one).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What the scaffold wrote, for the next-steps message.
#[derive(Debug)]
struct Scaffolded {
    id: String,
    /// What `cargo test` filters the new check's tests by: `<service>::<name>::`.
    test_filter: String,
    file: PathBuf,
    service_mod: PathBuf,
}

/// Why the scaffold refused.
#[derive(Debug, PartialEq)]
enum Refusal {
    /// Not `<service> <name>`.
    Usage(String),
    /// The name is not snake case.
    BadName(String),
    /// No `<service>/mod.rs` with a `CHECKS` list.
    UnknownService { service: String, known: Vec<String> },
    /// The id (or the file) already exists.
    Exists { id: String, at: PathBuf },
    /// Reading or writing failed.
    Io(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Usage(m) => write!(
                f,
                "{m}\nusage: new-check [--checks-dir DIR] <service> <name>"
            ),
            Refusal::BadName(n) => write!(
                f,
                "`{n}` is not a check name: use snake case (lower-case letters, digits, `_`), \
                 starting with a letter"
            ),
            Refusal::UnknownService { service, known } => write!(
                f,
                "unknown service `{service}`: no checks/{service}/mod.rs with a CHECKS list \
                 (known: {}). A new service needs its collector and inventory part first; \
                 see docs/adding-a-check.md",
                known.join(", ")
            ),
            Refusal::Exists { id, at } => {
                write!(f, "check `{id}` already exists ({})", at.display())
            }
            Refusal::Io(m) => f.write_str(m),
        }
    }
}

fn io(path: &Path, e: std::io::Error) -> Refusal {
    Refusal::Io(format!("{}: {e}", path.display()))
}

fn is_snake(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.ends_with('_')
        && !s.contains("__")
}

/// The services that have a check directory, sorted.
fn known_services(checks_dir: &Path) -> Vec<String> {
    let mut known: Vec<String> = std::fs::read_dir(checks_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            std::fs::read_to_string(e.path().join("mod.rs"))
                .is_ok_and(|s| s.contains("pub const CHECKS: &[Check]"))
        })
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    known.sort();
    known
}

/// The file under `dir` (recursively) that declares check id `id`, if any.
fn declares_id(dir: &Path, id: &str) -> Option<PathBuf> {
    let needle = format!("id: \"{id}\"");
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = declares_id(&path, id) {
                return Some(found);
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && std::fs::read_to_string(&path).is_ok_and(|s| s.contains(&needle))
        {
            return Some(path);
        }
    }
    None
}

/// The `needs` of the service's first check, as the starting guess for a new one.
fn sibling_needs(service_dir: &Path) -> Option<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(service_dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files.iter().find_map(|p| {
        let text = std::fs::read_to_string(p).ok()?;
        let start = text.find("    needs: &[")?;
        let end = start + text[start..].find("],")? + 2;
        Some(
            text[start..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
    })
}

/// The new check's file.
fn check_file(service: &str, id: &str, needs: Option<&str>) -> String {
    let needs = needs.unwrap_or("needs: &[],");
    let mut out = String::new();
    let _ = write!(
        out,
        r#"//! `{id}`: TODO one line saying what the good state is.

use crate::{{Check, CheckMeta, Context, Finding, Service, Severity}};

/// Documentation and metadata.
pub const META: CheckMeta = CheckMeta {{
    id: "{id}",
    // TODO: the good state, as a title ("EFS file systems are encrypted at rest").
    title: "TODO",
    service: "{service}",
    // TODO: the severity of a FAIL.
    severity: Severity::Medium,
    // TODO: what is examined, naming the API fields ("Whether each ... (`Encrypted`).").
    what: "TODO",
    // TODO: why it matters, for someone deciding whether to fix it.
    why: "TODO",
    // TODO: a runnable command with <UPPER_SNAKE> placeholders: "aws {service} ... --region <REGION>".
    fix: "TODO",
    // TODO: "CIS AWS Foundations v7.0 <ID>" for each id in `cis`, and AWS documentation URLs.
    references: &[],
    // TODO: the CIS AWS Foundations v7.0 controls this check answers, if any.
    cis: &[],
    // TODO: exactly the services whose data `run` reads (the registry tests check it).
    {needs}
}};

/// The check.
pub const CHECK: Check = Check {{ meta: &META, run }};

fn run(ctx: &Context) -> Vec<Finding> {{
    // TODO: one finding per resource examined, from the data in `needs`: `ctx.finding(&META,
    // region, arn).pass(..)` or `.fail(..)` with a reason naming the resource and the fact
    // that decided it, and an ERROR where that data is missing (`ctx.over` does both for a
    // list; see the other checks of this service).
    let _ = ctx;
    todo!("judge the inventory for {id}")
}}

#[cfg(test)]
mod tests {{
    use super::*;
    use crate::checks::fixtures::{{run_check, Fixture}};

    // TODO: cite the practice or the CIS control: a compliant resource passes, a
    // non-compliant one fails. (Missing data is tested for every check at once, in
    // checks/registry_tests.rs.)
    #[test]
    fn pass_and_fail() {{
        let fx = Fixture::new();
        // TODO: add one passing and one failing resource to `fx` (see {service}/testing.rs or
        // fixtures.rs), then review and accept the snapshot.
        insta::assert_json_snapshot!("pass_and_fail", run_check(&CHECK, &fx.inv));
    }}
}}
"#
    );
    out
}

/// `text` (a service's `mod.rs`) with `name` added to its module declarations and to its
/// `CHECKS` list, both kept sorted.
fn register(text: &str, name: &str) -> Result<String, String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // The module: among the other check modules (private `mod x;` lines without an
    // attribute such as `#[cfg(test)]`), sorted.
    let decl = format!("mod {name};");
    let mods: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = &lines[i];
            l.starts_with("mod ") && l.ends_with(';') && (i == 0 || !lines[i - 1].starts_with("#["))
        })
        .collect();
    let (Some(&first), Some(&last)) = (mods.first(), mods.last()) else {
        return Err("no `mod ...;` line to add the new module beside".into());
    };
    let module_of = |l: &str| {
        l.trim_start_matches("mod ")
            .trim_end_matches(';')
            .to_owned()
    };
    let at = (first..=last)
        .find(|&i| mods.contains(&i) && module_of(&lines[i]).as_str() > name)
        .unwrap_or(last + 1);
    lines.insert(at, decl);
    // The list: every `x::CHECK` between `CHECKS: &[Check] = &[` and `];`, sorted.
    let text = lines.join("\n") + "\n";
    let open = "pub const CHECKS: &[Check] = &[";
    let start = text
        .find(open)
        .ok_or("no `pub const CHECKS: &[Check] = &[` list")?;
    let end = start
        + text[start..]
            .find("];")
            .ok_or("the CHECKS list is not closed")?;
    let mut entries: Vec<String> = text[start + open.len()..end]
        .split(',')
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    entries.push(format!("{name}::CHECK"));
    entries.sort();
    let list: String = entries.iter().map(|e| format!("    {e},\n")).collect();
    Ok(format!("{}{open}\n{list}{}", &text[..start], &text[end..]))
}

/// Write the check and register it; nothing is written when something is refused.
fn scaffold(checks_dir: &Path, service: &str, name: &str) -> Result<Scaffolded, Refusal> {
    let known = known_services(checks_dir);
    if !known.iter().any(|s| s == service) {
        return Err(Refusal::UnknownService {
            service: service.to_owned(),
            known,
        });
    }
    let prefix = format!("{service}_");
    let name = name.strip_prefix(&prefix).unwrap_or(name);
    if !is_snake(name) || name == "mod" || name == "testing" {
        return Err(Refusal::BadName(name.to_owned()));
    }
    let id = format!("{prefix}{name}");
    let service_dir = checks_dir.join(service);
    let file = service_dir.join(format!("{name}.rs"));
    if file.exists() {
        return Err(Refusal::Exists { id, at: file });
    }
    if let Some(at) = declares_id(checks_dir, &id) {
        return Err(Refusal::Exists { id, at });
    }
    let service_mod = service_dir.join("mod.rs");
    let mod_text = std::fs::read_to_string(&service_mod).map_err(|e| io(&service_mod, e))?;
    let registered = register(&mod_text, name)
        .map_err(|e| Refusal::Io(format!("{}: {e}", service_mod.display())))?;
    let source = check_file(service, &id, sibling_needs(&service_dir).as_deref());
    std::fs::write(&file, source).map_err(|e| io(&file, e))?;
    std::fs::write(&service_mod, registered).map_err(|e| io(&service_mod, e))?;
    // Leave both files as `cargo fmt` would (best effort: rustfmt may not be installed).
    let _ = std::process::Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(&file)
        .arg(&service_mod)
        .status();
    Ok(Scaffolded {
        test_filter: format!("{service}::{name}::"),
        id,
        file,
        service_mod,
    })
}

fn next_steps(s: &Scaffolded) -> String {
    format!(
        "wrote check `{id}` in {file}\nregistered it in {module}\n\nnext:\n  \
         1. fill the TODOs in {file}: META (title, what, why, fix, references, cis, needs) \
         and run\n  \
         2. build the pass/fail fixture in its test and run it; read the .snap.new it writes \
         and accept it (rename it to .snap) only if every finding is right:\n     \
         cargo test -p rampart-checks {filter}\n  \
         3. run the registry-wide tests (needs exact, missing data never a PASS, docs):\n     \
         cargo test -p rampart-checks && cargo clippy -p rampart-checks --all-targets -- -D warnings\n  \
         4. regenerate the catalogue:\n     \
         cargo run -p rampart -- checks --format markdown > docs/checks.md\n",
        file = s.file.display(),
        module = s.service_mod.display(),
        id = s.id,
        filter = s.test_filter
    )
}

fn parse(args: &[String]) -> Result<(PathBuf, String, String), Refusal> {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--checks-dir" => {
                dir = it
                    .next()
                    .ok_or_else(|| Refusal::Usage("--checks-dir needs a directory".into()))?
                    .into()
            }
            "-h" | "--help" => return Err(Refusal::Usage("scaffold a new check".into())),
            _ => positional.push(a.clone()),
        }
    }
    match <[String; 2]>::try_from(positional) {
        Ok([service, name]) => Ok((dir, service, name)),
        Err(_) => Err(Refusal::Usage("expected a service and a check name".into())),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args).and_then(|(dir, service, name)| scaffold(&dir, &service, &name)) {
        Ok(done) => {
            print!("{}", next_steps(&done));
            ExitCode::SUCCESS
        }
        Err(refusal) => {
            eprintln!("new-check: {refusal}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the real checks directory, to scaffold into.
    fn copy_of_checks() -> tempfile::TempDir {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for e in std::fs::read_dir(from).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    copy(&p, &to.join(e.file_name()));
                } else {
                    std::fs::copy(&p, to.join(e.file_name())).unwrap();
                }
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks"),
            tmp.path(),
        );
        tmp
    }

    // Issue 9: the scaffold writes the check file with its META, run and test, and registers
    // it in its service's module list and CHECKS, sorted.
    #[test]
    fn writes_and_registers_a_check() {
        let tmp = copy_of_checks();
        let done = scaffold(tmp.path(), "efs", "backup_policy_enabled").unwrap();
        assert_eq!(done.id, "efs_backup_policy_enabled");
        let file =
            std::fs::read_to_string(tmp.path().join("efs/backup_policy_enabled.rs")).unwrap();
        for part in [
            "id: \"efs_backup_policy_enabled\"",
            "service: \"efs\"",
            "needs: &[Service::Efs]",
            "pub const CHECK: Check",
            "fn run(ctx: &Context) -> Vec<Finding>",
            "fn pass_and_fail()",
            "assert_json_snapshot!(\"pass_and_fail\"",
        ] {
            assert!(file.contains(part), "missing `{part}` in:\n{file}");
        }
        let module = std::fs::read_to_string(tmp.path().join("efs/mod.rs")).unwrap();
        let decl = module
            .find("mod backup_policy_enabled;")
            .expect("module declared");
        assert!(
            decl < module.find("mod encrypted;").unwrap(),
            "sorted:\n{module}"
        );
        let list = &module[module.find("pub const CHECKS").unwrap()..];
        let new = list
            .find("backup_policy_enabled::CHECK")
            .expect("in CHECKS");
        assert!(
            new < list.find("encrypted::CHECK").unwrap(),
            "sorted:\n{module}"
        );
        assert!(
            list.contains("policy_public::CHECK"),
            "others kept:\n{module}"
        );
        // The id now exists: a second run is refused.
        assert!(matches!(
            scaffold(tmp.path(), "efs", "efs_backup_policy_enabled"),
            Err(Refusal::Exists { .. })
        ));
        let steps = next_steps(&done);
        assert!(steps.contains("cargo test -p rampart-checks efs::backup_policy_enabled::"));
        assert!(steps.contains("docs/checks.md"));
    }

    // Issue 9: existing ids, unknown services and bad names are refused with a clear
    // message, and nothing is written.
    #[test]
    fn refuses_existing_ids_unknown_services_and_bad_names() {
        let tmp = copy_of_checks();
        let before = std::fs::read_to_string(tmp.path().join("efs/mod.rs")).unwrap();
        let existing = scaffold(tmp.path(), "efs", "encrypted").unwrap_err();
        assert!(existing
            .to_string()
            .contains("`efs_encrypted` already exists"));
        // An id declared in another file than its name suggests is found too.
        let elsewhere = scaffold(tmp.path(), "iam", "root_mfa").unwrap_err();
        assert!(matches!(elsewhere, Refusal::Exists { .. }));
        let unknown = scaffold(tmp.path(), "dynamodb", "encrypted").unwrap_err();
        let message = unknown.to_string();
        assert!(message.contains("unknown service `dynamodb`"), "{message}");
        assert!(message.contains("efs, elbv2"), "{message}");
        for bad in ["Backup", "backup-policy", "9lives", "x__y", "testing", ""] {
            assert_eq!(
                scaffold(tmp.path(), "efs", bad).unwrap_err(),
                Refusal::BadName(bad.to_owned())
            );
        }
        assert!(matches!(parse(&["efs".into()]), Err(Refusal::Usage(_))));
        let after = std::fs::read_to_string(tmp.path().join("efs/mod.rs")).unwrap();
        assert_eq!(before, after);
        assert!(!tmp.path().join("dynamodb").exists());
    }

    // Issue 9: a one-line CHECKS list and a multi-line one are both extended.
    #[test]
    fn register_handles_both_list_shapes() {
        let one = "use crate::Check;\n\nmod b;\n\npub const CHECKS: &[Check] = &[b::CHECK];\n";
        let out = register(one, "a").unwrap();
        assert!(out.contains("mod a;\nmod b;"), "{out}");
        assert!(out.contains("    a::CHECK,\n    b::CHECK,\n];"), "{out}");
        let many = "mod a;\nmod c;\n\n#[cfg(test)]\nmod testing;\n\npub const CHECKS: &[Check] = &[\n    a::CHECK,\n    c::CHECK,\n];\n";
        let out = register(many, "b").unwrap();
        assert!(out.contains("mod a;\nmod b;\nmod c;"), "{out}");
        assert!(
            out.contains("    a::CHECK,\n    b::CHECK,\n    c::CHECK,\n];"),
            "{out}"
        );
        // Never under the attribute of a test-only module.
        let out = register(many, "s").unwrap();
        assert!(
            out.contains("mod c;\nmod s;\n\n#[cfg(test)]\nmod testing;"),
            "{out}"
        );
        assert!(register("nothing here", "a").is_err());
    }
}
