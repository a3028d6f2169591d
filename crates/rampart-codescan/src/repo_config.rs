//! A repository's own secrets configuration, `.rampart/secrets.yaml` at its root: read,
//! validated by [`RepoSecretsConfig::parse`], and its errors named with the file, line
//! and column. Scan with [`RepoSecretsConfig::engine`], in [`crate::scan_tree`] and
//! [`crate::scan_history`] alike.

use std::path::Path;

use rampart_secrets::{RepoSecretsConfig, REPO_CONFIG_FILE};

use crate::Error;

/// Read `<repo_root>/.rampart/secrets.yaml`: `Ok(None)` when there is none, the validated
/// configuration otherwise. A file that cannot be read, is not UTF-8 or is refused by
/// [`RepoSecretsConfig::parse`] is an [`Error::RepoConfig`] naming the file and, where
/// there is one, the line and column.
///
/// ```no_run
/// use rampart_codescan::{load_repo_config, scan_tree, ScanOptions};
/// use rampart_secrets::{Engine, RepoSecretsConfig};
///
/// let config = load_repo_config(".".as_ref())?;
/// let engine = config.as_ref().map_or(Engine::builtin(), RepoSecretsConfig::engine);
/// let report = scan_tree(engine, &[".".into()], &ScanOptions::default())?;
/// # Ok::<(), rampart_codescan::Error>(())
/// ```
pub fn load_repo_config(repo_root: &Path) -> Result<Option<RepoSecretsConfig>, Error> {
    let path = repo_root.join(REPO_CONFIG_FILE);
    let refused = |line, column, message: String| Error::RepoConfig {
        path: path.clone(),
        line,
        column,
        message,
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(refused(None, None, format!("cannot read: {e}"))),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        refused(
            None,
            None,
            format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        )
    })?;
    RepoSecretsConfig::parse(&text)
        .map(Some)
        .map_err(|e| refused(Some(e.line), Some(e.column), e.message))
}

/// The configuration that applies to a scan of `path`: the `.rampart/secrets.yaml` at the
/// top of the git work tree holding `path`, or, outside a work tree, in `path` itself (its
/// folder, for a file). Git's own errors (no git installed, not a repository) only mean
/// that the folder is the root.
pub fn repo_config_for(path: &Path) -> Result<Option<RepoSecretsConfig>, Error> {
    let dir = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let git = crate::git::Git { repo: dir.clone() };
    let root = git
        .output(&["rev-parse", "--show-toplevel"])
        .ok()
        .map(|s| std::path::PathBuf::from(s.trim_end_matches(['\n', '\r'])))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(dir);
    load_repo_config(&root)
}
