//! The engine: the keyword prefilter finds where each detector may match, each detector's
//! regex runs only over the merged windows around its keywords' hits, and noise control
//! and overlap resolution turn regex matches into redacted [`Match`]es.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet};
use serde::Serialize;

use crate::assignment;
use crate::detector::{self, invalid, Detector, DetectorError, Severity};
use crate::keywords::KeywordSet;
use crate::noise;
use crate::redact::{fingerprint, redact};

/// The builtin detectors, embedded at build time.
const BUILTIN_YAML: &str = include_str!("../detectors.yaml");

/// Bytes before a keyword hit that a single-line window reaches back (key names such as
/// `aws_secret_access_key` start before the keyword).
const LOOKBACK: usize = 512;
/// Bytes after a keyword hit that a single-line window reaches at most (bounds the work on
/// minified files whose lines are megabytes long).
const LOOKAHEAD: usize = 8192;
/// Windows of one detector closer than this are merged, to run its regex once over both.
const MERGE_GAP: usize = 4096;

/// One secret found by [`Engine::scan`]. It holds no part of the secret beyond what
/// [`redact`] shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The detector's stable id, e.g. `github-token`.
    pub detector_id: String,
    /// The detector's human-readable name.
    pub detector_name: String,
    /// The detector's severity.
    pub severity: Severity,
    /// 1-based line of the secret's first byte.
    pub line: u32,
    /// 1-based column of the secret's first byte, counted in bytes.
    pub column: u32,
    /// Offset of the secret's first byte in the scanned buffer.
    pub byte_offset: usize,
    /// The secret as [`redact`] shows it.
    pub redacted: String,
    /// Hex SHA-256 of the full secret, see [`fingerprint`].
    pub fingerprint: String,
}

/// A compiled set of detectors. Build it once and share it: scanning takes `&self`.
#[derive(Debug)]
pub struct Engine {
    detectors: Vec<Detector>,
    regexes: Vec<Regex>,
    keywords: KeywordSet,
    /// A repository's allowed patterns: a match whose secret or line one of them matches
    /// is not reported.
    allowed: Option<RegexSet>,
    /// Fingerprints of the secrets a repository's own detectors hold in their examples:
    /// the examples live in the repository's config file and are fake by contract, so
    /// they are not reported, there or anywhere.
    example_fingerprints: HashSet<String>,
}

/// A secret a detector's regex found and noise control kept, before overlaps are resolved.
struct Candidate {
    detector: usize,
    start: usize,
    end: usize,
}

impl Engine {
    /// The builtin detectors (`detectors.yaml`), compiled on first use and shared.
    pub fn builtin() -> &'static Engine {
        static BUILTIN: OnceLock<Engine> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Engine::from_yaml(BUILTIN_YAML)
                .unwrap_or_else(|e| panic!("builtin detectors.yaml is invalid: {e}"))
        })
    }

    /// Parse, validate and compile detectors from YAML in the format of `detectors.yaml`,
    /// then check that each detector reports each of its examples and that no detector
    /// reports any negative example. Errors name the detector and the field.
    pub fn from_yaml(text: &str) -> Result<Engine, DetectorError> {
        let (detectors, regexes): (Vec<_>, Vec<_>) = detector::parse(text)?.into_iter().unzip();
        let count = detectors.len();
        let engine = Engine::compile(detectors, regexes)?;
        engine.check_examples(0..count)?;
        Ok(engine)
    }

    /// The detectors, in the order they were defined (which is also their precedence
    /// when two report overlapping secrets).
    pub fn detectors(&self) -> &[Detector] {
        &self.detectors
    }

    /// Find the secrets in `hay`, ordered by position. Input need not be UTF-8.
    pub fn scan(&self, hay: &[u8]) -> Vec<Match> {
        let candidates = self.resolve_overlaps(self.candidates(hay));
        self.to_matches(hay, candidates)
    }

    fn compile(detectors: Vec<Detector>, regexes: Vec<Regex>) -> Result<Engine, DetectorError> {
        let keywords = KeywordSet::new(detectors.iter().map(|d| d.keywords.as_slice()))
            .map_err(|e| invalid("*", "keywords", e.to_string()))?;
        Ok(Engine {
            detectors,
            regexes,
            keywords,
            allowed: None,
            example_fingerprints: HashSet::new(),
        })
    }

    /// A repository's engine: its own detectors (validated and compiled), listed before
    /// the builtin ones so that they win an overlap, and its allowed patterns (compiled
    /// with Unicode off, as the patterns are). The custom detectors' examples and negative
    /// examples are checked through the whole engine, allowed patterns included.
    pub(crate) fn with_repo(
        custom: Vec<(Detector, Regex)>,
        allowed: &[String],
    ) -> Result<Engine, DetectorError> {
        let builtin = Engine::builtin();
        let count = custom.len();
        let (mut detectors, mut regexes): (Vec<_>, Vec<_>) = custom.into_iter().unzip();
        detectors.extend(builtin.detectors.iter().cloned());
        regexes.extend(builtin.regexes.iter().cloned());
        let mut engine = Engine::compile(detectors, regexes)?;
        if !allowed.is_empty() {
            let set = regex::bytes::RegexSetBuilder::new(allowed)
                .unicode(false)
                .build()
                .map_err(|e| invalid("*", "allowed", e.to_string()))?;
            engine.allowed = Some(set);
        }
        engine.check_examples(0..count)?;
        let fingerprints: HashSet<String> = engine.detectors[..count]
            .iter()
            .flat_map(|d| d.examples.iter())
            .flat_map(|example| engine.scan(example.as_bytes()))
            .map(|m| m.fingerprint)
            .collect();
        engine.example_fingerprints = fingerprints;
        Ok(engine)
    }

    /// Whether one of the allowed patterns matches the secret at `start..end` or the line
    /// that holds its first byte.
    fn is_allowed_by_pattern(&self, hay: &[u8], start: usize, end: usize) -> bool {
        let Some(allowed) = &self.allowed else {
            return false;
        };
        if allowed.is_match(&hay[start..end]) {
            return true;
        }
        let line_start = memchr::memrchr(b'\n', &hay[..start]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &hay[start..]).map_or(hay.len(), |i| start + i);
        allowed.is_match(&hay[line_start..line_end])
    }

    /// The second, cross-detector validation step: the examples of the detectors in
    /// `range` through the whole engine.
    fn check_examples(&self, range: std::ops::Range<usize>) -> Result<(), DetectorError> {
        for (d, detector) in self
            .detectors
            .iter()
            .enumerate()
            .take(range.end)
            .skip(range.start)
        {
            for (i, example) in detector.examples.iter().enumerate() {
                let found = self.scan(example.as_bytes());
                if found.iter().any(|m| m.detector_id == detector.id) {
                    continue;
                }
                let reason = if !self.keywords.occurs_for(d, example.as_bytes()) {
                    "contains none of the keywords".to_string()
                } else if !self.regexes[d].is_match(example.as_bytes()) {
                    "the pattern does not match it".to_string()
                } else if let Some(other) = found.first() {
                    format!(
                        "reported by `{}`, listed earlier, instead",
                        other.detector_id
                    )
                } else if self
                    .allowed
                    .as_ref()
                    .is_some_and(|a| a.is_match(example.as_bytes()))
                {
                    "an `allowed` pattern matches it".to_string()
                } else {
                    "the match is dropped as noise (placeholder, hash, UUID, sequence, low \
                     entropy, code on the value side of an assignment, allow comment), \
                     crosses a line without `reach`, or has none of the keywords on its line"
                        .to_string()
                };
                return Err(invalid(&detector.id, &format!("examples[{i}]"), reason));
            }
            for (i, example) in detector.negative_examples.iter().enumerate() {
                if let Some(m) = self.scan(example.as_bytes()).first() {
                    return Err(invalid(
                        &detector.id,
                        &format!("negative_examples[{i}]"),
                        format!("reported by `{}` as {}", m.detector_id, m.redacted),
                    ));
                }
            }
        }
        Ok(())
    }

    /// For each detector, the regions of `hay` its regex must search: around each hit of
    /// one of its keywords, the hit's line (bounded by [`LOOKBACK`] and [`LOOKAHEAD`]) or,
    /// with `reach`, that many bytes from the hit; overlapping or close regions merged.
    fn windows(&self, hay: &[u8]) -> Vec<Vec<(usize, usize)>> {
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.detectors.len()];
        let mut lines = LineBounds::default();
        self.keywords.for_each_hit(hay, |at, detectors| {
            let (line_start, line_end) = lines.around(hay, at);
            for &d in detectors {
                let end = match self.detectors[d].reach {
                    Some(reach) => hay.len().min(at.saturating_add(reach)),
                    None => line_end,
                };
                let list = &mut windows[d];
                match list.last_mut() {
                    Some(last) if line_start <= last.1.saturating_add(MERGE_GAP) => {
                        last.1 = last.1.max(end);
                    }
                    _ => list.push((line_start, end)),
                }
            }
        });
        windows
    }

    fn candidates(&self, hay: &[u8]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for (d, windows) in self.windows(hay).into_iter().enumerate() {
            if windows.is_empty() {
                continue;
            }
            let regex = &self.regexes[d];
            let entropy_min = self.detectors[d].entropy_min;
            let reach = self.detectors[d].reach;
            let assignment = self.detectors[d].assignment;
            let keywords = &self.detectors[d].keywords;
            let mut locations = regex.capture_locations();
            for (start, end) in windows {
                // Searching `hay[..end]` from `start` keeps the bytes before `start` as
                // context for `\b`, while the match cannot run past the window.
                let window = &hay[..end];
                let mut at = start;
                while at <= end {
                    let Some(m) = regex.captures_read_at(&mut locations, window, at) else {
                        break;
                    };
                    at = if m.end() > m.start() {
                        m.end()
                    } else {
                        m.end() + 1
                    };
                    let Some((s, e)) = locations.get(1) else {
                        continue;
                    };
                    let secret = &hay[s..e];
                    if noise::is_noise(secret)
                        || entropy_min.is_some_and(|min| noise::shannon_entropy(secret) < min)
                        || (assignment && assignment::is_code(hay, m.start(), s, e, keywords))
                        || noise::is_allowed(hay, s, e)
                        || self.is_allowed_by_pattern(hay, s, e)
                        || (!self.example_fingerprints.is_empty()
                            && self.example_fingerprints.contains(&fingerprint(secret)))
                        || !self.is_gated(d, reach, hay, m.start(), m.end())
                    {
                        continue;
                    }
                    out.push(Candidate {
                        detector: d,
                        start: s,
                        end: e,
                    });
                }
            }
        }
        out
    }

    /// Whether a regex match of detector `d` at `start..end` is one the keywords let
    /// through, whatever windows were merged: without `reach`, the match lies on one line
    /// (it may end with that line's break) that holds one of the detector's keywords;
    /// with `reach`, a keyword occurs within `reach` bytes before its end. Windows are
    /// merged for speed, so the regex also sees lines that hold no keyword; this keeps
    /// their matches out.
    fn is_gated(
        &self,
        d: usize,
        reach: Option<usize>,
        hay: &[u8],
        start: usize,
        end: usize,
    ) -> bool {
        let (lo, hi) = match reach {
            Some(reach) => (end.saturating_sub(reach), end),
            None => {
                // A pattern may end on the line break as a boundary, but not cross it.
                let whole = &hay[start..end];
                let end = start + whole.strip_suffix(b"\n").unwrap_or(whole).len();
                if memchr::memchr(b'\n', &hay[start..end]).is_some() {
                    return false;
                }
                let lo = start.saturating_sub(LOOKAHEAD);
                let hi = hay.len().min(end.saturating_add(LOOKBACK));
                let line_start = memchr::memrchr(b'\n', &hay[lo..start]);
                let line_end = memchr::memchr(b'\n', &hay[end..hi]);
                (
                    line_start.map_or(lo, |i| lo + i + 1),
                    line_end.map_or(hi, |i| end + i),
                )
            }
        };
        self.keywords.occurs_for(d, &hay[lo..hi])
    }

    /// When secrets overlap, keep the one of the detector listed first; return the kept
    /// ones ordered by position.
    fn resolve_overlaps(&self, mut candidates: Vec<Candidate>) -> Vec<Candidate> {
        candidates.sort_by_key(|c| (c.detector, c.start));
        // Kept spans by start; they never overlap, so only the last one starting before a
        // candidate's end can overlap it.
        let mut kept: BTreeMap<usize, Candidate> = BTreeMap::new();
        for c in candidates {
            let clashes = kept
                .range(..c.end)
                .next_back()
                .is_some_and(|(_, k)| k.end > c.start);
            if !clashes {
                kept.insert(c.start, c);
            }
        }
        kept.into_values().collect()
    }

    fn to_matches(&self, hay: &[u8], candidates: Vec<Candidate>) -> Vec<Match> {
        let mut line = 1usize;
        let mut line_start = 0usize;
        let mut counted_to = 0usize;
        candidates
            .into_iter()
            .map(|c| {
                // Candidates are ordered by start, so newlines are counted once overall.
                let gap = &hay[counted_to..c.start];
                line += memchr::memchr_iter(b'\n', gap).count();
                if let Some(i) = memchr::memrchr(b'\n', gap) {
                    line_start = counted_to + i + 1;
                }
                counted_to = c.start;
                let detector = &self.detectors[c.detector];
                let secret = &hay[c.start..c.end];
                Match {
                    detector_id: detector.id.clone(),
                    detector_name: detector.name.clone(),
                    severity: detector.severity,
                    line: u32::try_from(line).unwrap_or(u32::MAX),
                    column: u32::try_from(c.start - line_start + 1).unwrap_or(u32::MAX),
                    byte_offset: c.start,
                    redacted: redact(&detector.id, secret),
                    fingerprint: fingerprint(secret),
                }
            })
            .collect()
    }
}

/// Finds the line around a keyword hit, bounded by [`LOOKBACK`] and [`LOOKAHEAD`],
/// remembering what it learnt so that many hits on one long line cost one pass over it.
#[derive(Default)]
struct LineBounds {
    /// No newline in `hay[known_start..known_to]`.
    known_start: usize,
    known_to: usize,
    /// Whether `known_start` is where a line starts, rather than a look-back bound.
    start_is_line_start: bool,
    /// For a hit at `ahead_from`: the first newline at or after it (`Some`), or none
    /// before `ahead_to` (`None`).
    ahead_from: usize,
    ahead_to: usize,
    ahead_newline: Option<usize>,
}

impl LineBounds {
    /// `(start, end)` of the window for a hit at `at`: from the start of its line (at most
    /// `LOOKBACK` before) to the end of its line, newline excluded (at most `LOOKAHEAD`
    /// after).
    fn around(&mut self, hay: &[u8], at: usize) -> (usize, usize) {
        (self.start(hay, at), self.end(hay, at))
    }

    fn start(&mut self, hay: &[u8], at: usize) -> usize {
        let floor = at.saturating_sub(LOOKBACK);
        // What is known about `[known_start, at)` answers only if `known_start` is a real
        // line start or the floor lies within the known stretch.
        let known_answers = self.start_is_line_start || floor >= self.known_start;
        if at >= self.known_start && at <= self.known_to && known_answers {
            return self.known_start.max(floor);
        }
        if at < self.known_to || !known_answers {
            // Hits arrive in (nearly) increasing order; the rare one that does not, or
            // one the state cannot answer, is computed directly.
            let start = memchr::memrchr(b'\n', &hay[floor..at]).map_or(floor, |i| floor + i + 1);
            if at > self.known_to {
                self.remember_start(hay, start, at);
            }
            return start;
        }
        let from = self.known_to.max(floor);
        let start = match memchr::memrchr(b'\n', &hay[from..at]) {
            Some(i) => from + i + 1,
            None if from == self.known_to => self.known_start.max(floor),
            None => floor,
        };
        self.remember_start(hay, start, at);
        start
    }

    fn remember_start(&mut self, hay: &[u8], start: usize, at: usize) {
        self.start_is_line_start = start == 0 || hay[start - 1] == b'\n';
        self.known_start = start;
        self.known_to = at;
    }

    fn end(&mut self, hay: &[u8], at: usize) -> usize {
        let cap = hay.len().min(at.saturating_add(LOOKAHEAD));
        if at >= self.ahead_from {
            if let Some(newline) = self.ahead_newline {
                if at <= newline {
                    return newline.min(cap);
                }
            }
        }
        let from = if at >= self.ahead_from && at < self.ahead_to && self.ahead_newline.is_none() {
            self.ahead_to.min(cap)
        } else {
            at
        };
        let newline = memchr::memchr(b'\n', &hay[from..cap]).map(|i| from + i);
        self.ahead_from = at;
        self.ahead_to = newline.unwrap_or(cap);
        self.ahead_newline = newline;
        newline.unwrap_or(cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_bounds(hay: &[u8], at: usize) -> (usize, usize) {
        let floor = at.saturating_sub(LOOKBACK);
        let cap = hay.len().min(at + LOOKAHEAD);
        let start = hay[floor..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(floor, |i| floor + i + 1);
        let end = hay[at..cap]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(cap, |i| at + i);
        (start, end)
    }

    // Practice: the prefilter's incremental line finding must agree with the obvious
    // computation, for short lines, lines longer than the look-back/ahead bounds, and
    // hits out of order.
    #[test]
    fn line_bounds_agree_with_naive() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut hay = Vec::new();
        while hay.len() < 200_000 {
            let len = match next() % 10 {
                0 => (next() % 20_000) as usize,
                1 => 0,
                _ => (next() % 120) as usize,
            };
            hay.extend(std::iter::repeat_n(b'a', len));
            hay.push(b'\n');
        }
        let mut bounds = LineBounds::default();
        let mut at = 0usize;
        for _ in 0..20_000 {
            at = match next() % 20 {
                0 => at.saturating_sub((next() % 50) as usize),
                1 => (next() % hay.len() as u64) as usize,
                _ => (at + (next() % 200) as usize).min(hay.len()),
            };
            assert_eq!(
                bounds.around(&hay, at),
                naive_bounds(&hay, at),
                "hit at {at}"
            );
        }
    }
}
