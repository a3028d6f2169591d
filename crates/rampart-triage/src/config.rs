//! `rampart.toml`: the settings a team keeps beside its code instead of repeating them on
//! every command line. Command-line options override it.
//!
//! ```toml
//! [scan]
//! regions = ["eu-west-1", "us-east-1"]
//! exclude_checks = ["iam_user_mfa_hardware"]
//! fail_on = "high"
//! mutelist = "rampart-mutelist.yaml"   # relative to this file's folder
//!
//! [output]
//! formats = ["text", "json"]
//!
//! [thresholds]
//! access_key_max_age_days = 60
//! ```
//!
//! The `[watch]` and `[store]` tables are read by `watch_config.rs`.

use crate::error::{one_line, TriageError};
use crate::validated::{self, FromScalar};
use crate::watch_config::{StoreConfig, WatchConfig};
use rampart_checks::{Settings, Severity};
pub use rampart_report::ReportFormat;
use serde::{Deserialize, Deserializer};
use std::path::{Path, PathBuf};

/// The file [`Config::discover`] looks for in the working directory.
pub const CONFIG_FILE_NAME: &str = "rampart.toml";

/// The contents of `rampart.toml`. Every key is optional; a missing one leaves the
/// command line's default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[scan]`: what to scan and when to fail.
    #[serde(default)]
    pub scan: ScanConfig,
    /// `[output]`: report formats and where they go.
    #[serde(default)]
    pub output: OutputConfig,
    /// `[thresholds]`: the checks' thresholds and port lists; keys left out keep their
    /// CIS defaults.
    #[serde(default)]
    pub thresholds: Settings,
    /// `[watch]`: schedule, rules and targets of `rampart watch`.
    #[serde(default)]
    pub watch: WatchConfig,
    /// `[store]`: where scans are kept, and for how long.
    #[serde(default)]
    pub store: StoreConfig,
    /// `[fix]`: names and amounts `rampart fix` needs to be told (the bucket a new trail
    /// delivers to, the address alerts go to, the monthly billing limit).
    #[serde(default)]
    pub fix: rampart_checks::FixSettings,
}

/// `[scan]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanConfig {
    /// Regions to scan (empty: every enabled region).
    #[serde(deserialize_with = "strings::<Region, _>")]
    pub regions: Vec<String>,
    /// Regions not to scan.
    #[serde(deserialize_with = "strings::<Region, _>")]
    pub exclude_regions: Vec<String>,
    /// Only checks of these services (empty: all); each must be a service of some check.
    #[serde(deserialize_with = "strings::<Service, _>")]
    pub services: Vec<String>,
    /// Only these checks (empty: all); each must be a check id.
    #[serde(deserialize_with = "strings::<CheckId, _>")]
    pub checks: Vec<String>,
    /// Checks not to run; each must be a check id.
    #[serde(deserialize_with = "strings::<CheckId, _>")]
    pub exclude_checks: Vec<String>,
    /// Only checks of these severities (empty: all).
    #[serde(deserialize_with = "validated::list")]
    pub severity: Vec<Severity>,
    /// Compliance framework to summarise, by its canonical id (`cis-7.0`).
    #[serde(deserialize_with = "some_scalar::<Compliance, _>")]
    pub compliance: Option<Compliance>,
    /// Fail (exit 1) on failing findings at or above this severity, or never.
    #[serde(deserialize_with = "some_scalar::<FailOn, _>")]
    pub fail_on: Option<FailOn>,
    /// Fail only on failures that are new since the baseline.
    pub fail_on_new: bool,
    /// The mutelist file (relative paths: from the config file's folder).
    #[serde(deserialize_with = "some_scalar::<ConfigPath, _>")]
    pub mutelist: Option<ConfigPath>,
    /// The baseline report (relative paths: from the config file's folder).
    #[serde(deserialize_with = "some_scalar::<ConfigPath, _>")]
    pub baseline: Option<ConfigPath>,
}

/// `[output]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// Report formats to write (empty: the command line's default); at least one if given.
    #[serde(deserialize_with = "validated::non_empty_list")]
    pub formats: Vec<ReportFormat>,
    /// Folder the reports are written to (relative paths: from the config file's folder).
    #[serde(deserialize_with = "some_scalar::<ConfigPath, _>")]
    pub output_dir: Option<ConfigPath>,
    /// Print nothing but errors.
    pub quiet: bool,
}

/// A path from the config file, resolved against the file's folder when relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigPath(pub PathBuf);

impl ConfigPath {
    /// The path.
    pub fn as_path(&self) -> &Path {
        &self.0
    }
}

/// A compliance framework id this build knows, in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compliance(pub String);

/// When a scan fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Never (`none`).
    Never,
    /// On an active FAIL finding of this severity or higher.
    AtOrAbove(Severity),
}

impl Config {
    /// The config to use: `explicit` (relative to `cwd`; it must exist), else
    /// `cwd/rampart.toml` if that file exists, else `None`. Returns the file's path with the
    /// config, its relative paths resolved against the file's folder.
    pub fn discover(
        explicit: Option<&Path>,
        cwd: &Path,
    ) -> Result<Option<(PathBuf, Config)>, TriageError> {
        let path = match explicit {
            Some(p) => cwd.join(p),
            None => {
                let p = cwd.join(CONFIG_FILE_NAME);
                if !p.is_file() {
                    return Ok(None);
                }
                p
            }
        };
        let config = Config::load(&path)?;
        Ok(Some((path, config)))
    }

    /// Read and validate a config file, resolving its relative paths against its folder.
    pub fn load(path: &Path) -> Result<Config, TriageError> {
        let text = std::fs::read_to_string(path).map_err(|source| TriageError::Read {
            path: path.to_owned(),
            what: "config file",
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parse and validate a config's text; `path` names the file in errors and its folder
    /// is where relative paths resolve from.
    ///
    /// Refused, with the file, line, column and key: malformed TOML, an unknown section or
    /// key, a value of the wrong type, an unknown severity, format, check id, service or
    /// compliance framework, an empty path or format list, a `[watch]` or `[store]`
    /// duration that is not one (or too short), an unknown risky change kind, a target
    /// whose keys do not fit its kind or whose name is taken, a negative threshold and an
    /// empty list in `[thresholds]` (every number there is a count of days or characters,
    /// or a port, and every list a port list).
    pub fn parse(text: &str, path: &Path) -> Result<Config, TriageError> {
        let de = toml::Deserializer::parse(text).map_err(|e| toml_error(text, path, &[], &e))?;
        let mut config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let keys: Vec<String> = e.path().iter().map(segment).collect();
            toml_error(text, path, &keys, e.inner())
        })?;
        check_thresholds(text, path)?;
        let base = path.parent().unwrap_or(Path::new(""));
        config.resolve_paths(base);
        Ok(config)
    }

    /// Make the relative paths in the config relative to `base` instead (absolute paths
    /// stay as they are).
    pub fn resolve_paths(&mut self, base: &Path) {
        for p in [
            &mut self.scan.mutelist,
            &mut self.scan.baseline,
            &mut self.output.output_dir,
        ]
        .into_iter()
        .flatten()
        {
            p.0 = base.join(&p.0);
        }
        self.store.resolve_paths(base);
    }
}

fn segment(s: &serde_path_to_error::Segment) -> String {
    match s {
        serde_path_to_error::Segment::Seq { index } => format!("[{index}]"),
        serde_path_to_error::Segment::Map { key } => key.clone(),
        serde_path_to_error::Segment::Enum { variant } => variant.clone(),
        serde_path_to_error::Segment::Unknown => "?".into(),
    }
}

/// `[thresholds] access_key_max_age_days`, `[scan] checks[2]`, `[scan]`.
fn place(keys: &[String]) -> String {
    let mut it = keys.iter();
    let Some(section) = it.next() else {
        return String::new();
    };
    let mut out = format!("[{section}]");
    let mut first = true;
    for k in it {
        if k.starts_with('[') {
            out.push_str(k);
        } else {
            out.push(if first { ' ' } else { '.' });
            out.push_str(k);
        }
        first = false;
    }
    out
}

fn toml_error(text: &str, path: &Path, keys: &[String], e: &toml::de::Error) -> TriageError {
    let offset = e.span().map_or(0, |s| s.start);
    let message = one_line(e.message());
    let place = place(keys);
    TriageError::at_offset(
        path,
        text,
        offset,
        if place.is_empty() {
            message
        } else {
            format!("{place}: {message}")
        },
    )
}

/// Refuse negative numbers and empty lists among the keys written under `[thresholds]`,
/// at their own location. Run after the typed parse succeeded, so the document is valid
/// TOML and every key is known.
fn check_thresholds(text: &str, path: &Path) -> Result<(), TriageError> {
    let doc = toml::de::DeTable::parse(text).map_err(|e| toml_error(text, path, &[], &e))?;
    let Some((_, section)) = doc
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == "thresholds")
    else {
        return Ok(());
    };
    let toml::de::DeValue::Table(table) = section.get_ref() else {
        return Ok(());
    };
    for (key, value) in table.iter() {
        let keys = ["thresholds".to_owned(), key.get_ref().to_string()];
        let bad = |message: &str| {
            TriageError::at_offset(
                path,
                text,
                value.span().start,
                format!("{}: {message}", place(&keys)),
            )
        };
        match value.get_ref() {
            toml::de::DeValue::Integer(i) if i.as_str().trim_start().starts_with('-') => {
                let digits: String = i.as_str().chars().filter(|c| c.is_ascii_digit()).collect();
                if digits.chars().any(|c| c != '0') {
                    return Err(bad(&format!("must not be negative (found {})", i.as_str())));
                }
            }
            toml::de::DeValue::Array(a) if a.is_empty() => {
                return Err(bad(
                    "empty list: give at least one port, or leave the key out",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A list of strings, each validated as a `T`.
fn strings<'de, T: FromScalar + Into<String>, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<String>, D::Error> {
    validated::list::<T, D>(d).map(|v| v.into_iter().map(Into::into).collect())
}

fn some_scalar<'de, T: FromScalar, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    validated::scalar(d).map(Some)
}

struct Region(String);

impl From<Region> for String {
    fn from(r: Region) -> String {
        r.0
    }
}

impl FromScalar for Region {
    const EXPECTING: &'static str = "a region name";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() || s.contains(char::is_whitespace) {
            Err(format!("`{s}` is not a region name"))
        } else {
            Ok(Region(s.to_owned()))
        }
    }
}

struct Service(String);

impl From<Service> for String {
    fn from(s: Service) -> String {
        s.0
    }
}

impl FromScalar for Service {
    const EXPECTING: &'static str = "a service name";
    fn from_str(s: &str) -> Result<Self, String> {
        if rampart_checks::registry()
            .iter()
            .any(|c| c.meta.service == s)
        {
            Ok(Service(s.to_owned()))
        } else {
            let mut known: Vec<&str> = rampart_checks::registry()
                .iter()
                .map(|c| c.meta.service)
                .collect();
            known.sort_unstable();
            known.dedup();
            Err(format!("unknown service `{s}` ({})", known.join(", ")))
        }
    }
}

struct CheckId(String);

impl From<CheckId> for String {
    fn from(c: CheckId) -> String {
        c.0
    }
}

impl FromScalar for CheckId {
    const EXPECTING: &'static str = "a check id";
    fn from_str(s: &str) -> Result<Self, String> {
        match rampart_checks::find(s) {
            Some(_) => Ok(CheckId(s.to_owned())),
            None => Err(format!("unknown check `{s}` (`rampart checks` lists them)")),
        }
    }
}

impl FromScalar for Severity {
    const EXPECTING: &'static str = "a severity";
    fn from_str(s: &str) -> Result<Self, String> {
        s.parse()
    }
}

impl FromScalar for FailOn {
    const EXPECTING: &'static str = "a severity or `none`";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("none") {
            return Ok(FailOn::Never);
        }
        s.parse::<Severity>()
            .map(FailOn::AtOrAbove)
            .map_err(|e| format!("{e}, or none"))
    }
}

impl FromScalar for Compliance {
    const EXPECTING: &'static str = "a compliance framework id";
    fn from_str(s: &str) -> Result<Self, String> {
        rampart_checks::compliance::framework(s)
            .map(|f| Compliance(f.id.to_owned()))
            .ok_or_else(|| {
                format!(
                    "unknown compliance framework `{s}` ({})",
                    rampart_checks::compliance::FRAMEWORK_IDS.join(", ")
                )
            })
    }
}

impl FromScalar for ConfigPath {
    const EXPECTING: &'static str = "a path";
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            Err("empty path (leave the key out instead)".into())
        } else {
            Ok(ConfigPath(PathBuf::from(s)))
        }
    }
}

impl FromScalar for ReportFormat {
    const EXPECTING: &'static str = "a report format";
    fn from_str(s: &str) -> Result<Self, String> {
        // Exact names only: the config file is written once and read by tools too.
        ReportFormat::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                ReportFormat::parse(s).err().unwrap_or_else(|| {
                    format!("unknown format `{s}` (formats are written in lower case)")
                })
            })
    }
}
