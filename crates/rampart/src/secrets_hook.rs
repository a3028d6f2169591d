//! `rampart secrets install-hook`: the git hooks of the commit path. A pre-commit hook
//! runs `rampart secrets --staged` and refuses the commit when the staged lines hold a
//! secret; a pre-push hook runs `rampart secrets --range` on each branch pushed. Hooks go
//! where git runs them (`git rev-parse --git-path hooks`: `core.hooksPath` if set, else the
//! repository's hooks folder, which its linked worktrees share).

use crate::cli::InstallHookArgs;
use anyhow::{bail, Context as _, Result};
use rampart_output::terminal_safe;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Marks a hook rampart wrote.
const MARK: &str = "written by `rampart secrets install-hook`";

/// Install the hooks `args` asks for. A hook already there is left alone unless
/// `--force` (exit 2, nothing written); both hooks are written or neither.
pub fn install(args: &InstallHookArgs) -> Result<ExitCode> {
    let shown = |p: &Path| terminal_safe(&p.display().to_string()).into_owned();
    if !args.repo.is_dir() {
        bail!("{}: no such directory", shown(&args.repo));
    }
    let hooks = hooks_dir(&args.repo)?;
    let rampart = if args.use_path {
        "rampart".to_string()
    } else {
        let exe = std::env::current_exe().context("cannot tell where this rampart is")?;
        let exe = exe.canonicalize().unwrap_or(exe);
        let Some(exe) = exe.to_str() else {
            bail!(
                "{}: the path of this rampart is not UTF-8; use --use-path",
                shown(&exe)
            );
        };
        shell_quote(exe)
    };
    let mut files = vec![(hooks.join("pre-commit"), pre_commit(&rampart))];
    if args.pre_push {
        files.push((hooks.join("pre-push"), pre_push(&rampart)));
    }
    if !args.force {
        for (path, _) in &files {
            if std::fs::symlink_metadata(path).is_ok() {
                bail!(
                    "{}: a hook is already there; not replaced (--force replaces it)",
                    shown(path)
                );
            }
        }
    }
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("{}: cannot create the hooks folder", shown(&hooks)))?;
    let contents: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|(p, text)| (p.clone(), text.clone().into_bytes()))
        .collect();
    rampart_output::write_files(&contents).map_err(|e| {
        anyhow::Error::new(e.source).context(format!("{}: cannot write the hook", shown(&e.path)))
    })?;
    for (path, _) in &files {
        make_executable(path)
            .with_context(|| format!("{}: cannot make the hook executable", shown(path)))?;
        eprintln!("rampart: wrote {}", shown(path));
    }
    Ok(ExitCode::SUCCESS)
}

/// Where git looks for the hooks of the repository whose work tree holds `dir`. Asked from
/// the top of the work tree, where git runs hooks and resolves a relative
/// `core.hooksPath`.
fn hooks_dir(dir: &Path) -> Result<PathBuf> {
    let top = PathBuf::from(git_line(dir, &["rev-parse", "--show-toplevel"])?);
    Ok(top.join(git_line(&top, &["rev-parse", "--git-path", "hooks"])?))
}

/// The first line git prints for `args` in `dir`, or what it says when it fails.
fn git_line(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "{}: not a git work tree: {}",
            terminal_safe(&dir.display().to_string()),
            terminal_safe(String::from_utf8_lossy(&out.stderr).trim())
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

/// `s` as one word for `sh`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The pre-commit hook: scan the staged lines; on failure say why and how to skip it.
fn pre_commit(rampart: &str) -> String {
    format!(
        r#"#!/bin/sh
# rampart pre-commit hook, {MARK}:
# refuses a commit whose staged lines hold a secret. Skip it once with
# `git commit --no-verify`.
{rampart} secrets --staged
status=$?
case $status in
0) ;;
1) echo "rampart: commit refused: the staged lines above hold a secret. Remove it (and rotate it); for a false positive, list the file in .rampartignore. To commit anyway: git commit --no-verify" >&2 ;;
*) echo "rampart: commit refused: the staged lines could not be scanned (exit $status, see above). To commit anyway: git commit --no-verify" >&2 ;;
esac
exit $status
"#
    )
}

/// The pre-push hook: scan the commits of each branch pushed, from what the remote has
/// (or, for a new branch or a remote sha not fetched here, from what no remote-tracking
/// branch holds).
fn pre_push(rampart: &str) -> String {
    format!(
        r#"#!/bin/sh
# rampart pre-push hook, {MARK}:
# refuses a push whose commits add a secret. Skip it once with `git push --no-verify`.
# git gives one line per ref pushed: <local ref> <local sha> <remote ref> <remote sha>.
zero=0000000000000000000000000000000000000000
status=0
while read -r local_ref local_sha remote_ref remote_sha; do
    case $local_sha in *[!0]*) ;; *) continue ;; esac
    # A remote sha not fetched here: scan what no remote-tracking branch holds.
    git cat-file -e "$remote_sha^{{commit}}" 2>/dev/null || remote_sha=$zero
    {rampart} secrets --range "$remote_sha..$local_sha" </dev/null >&2 || status=$?
done
if [ "$status" -ne 0 ]; then
    echo "rampart: push refused: the commits above add a secret, or could not be scanned (exit $status). To push anyway: git push --no-verify" >&2
fi
exit $status
"#
    )
}

#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
