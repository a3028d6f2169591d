//! The literal prefilter: every detector's keywords in one Aho-Corasick automaton, matched
//! ASCII-case-insensitively by lower-casing the input a chunk at a time, so the automaton
//! can stay case-sensitive and use its SIMD (Teddy) prefilter.

use aho_corasick::{AhoCorasick, Input, MatchKind};

/// Bytes lower-cased and searched at a time (fits in L2 next to the input).
const CHUNK: usize = 64 * 1024;

/// Lower-cased keywords, each with the detectors it gates.
#[derive(Debug)]
pub(crate) struct KeywordSet {
    automaton: AhoCorasick,
    /// Per automaton pattern: the detectors to try near a hit.
    detectors: Vec<Vec<usize>>,
    /// Length of the longest keyword.
    longest: usize,
    /// Per detector, its own keywords, to check a match's surroundings.
    per_detector: Vec<AhoCorasick>,
}

impl KeywordSet {
    /// Build from each detector's keywords (ASCII, any case), `keywords[d]` for detector `d`.
    pub(crate) fn new<'a>(
        keywords: impl IntoIterator<Item = &'a [String]>,
    ) -> Result<KeywordSet, aho_corasick::BuildError> {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut gated: Vec<Vec<usize>> = Vec::new();
        let mut per_detector = Vec::new();
        for (d, list) in keywords.into_iter().enumerate() {
            per_detector.push(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(list)?,
            );
            for keyword in list {
                let lower = keyword.to_ascii_lowercase().into_bytes();
                match literals.iter().position(|l| *l == lower) {
                    Some(i) if gated[i].contains(&d) => {}
                    Some(i) => gated[i].push(d),
                    None => {
                        literals.push(lower);
                        gated.push(vec![d]);
                    }
                }
            }
        }
        // The search reports the longest keyword at each position where one starts, so
        // a keyword that is a prefix of another (`ghp_` of a hypothetical `ghp_x`) is
        // hidden by it: the longer one triggers the shorter one's detectors too.
        let mut detectors = gated.clone();
        for (x, lx) in literals.iter().enumerate() {
            for (y, ly) in literals.iter().enumerate() {
                if x != y && lx.starts_with(ly) {
                    for &d in &gated[y] {
                        if !detectors[x].contains(&d) {
                            detectors[x].push(d);
                        }
                    }
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&literals)?;
        Ok(KeywordSet {
            automaton,
            detectors,
            longest: literals.iter().map(Vec::len).max().unwrap_or(0),
            per_detector,
        })
    }

    /// Call `f(offset, detectors)` for each keyword hit in `hay`, in increasing offset.
    pub(crate) fn for_each_hit(&self, hay: &[u8], mut f: impl FnMut(usize, &[usize])) {
        let overlap = self.longest.saturating_sub(1);
        let mut lower = Vec::with_capacity(hay.len().min(CHUNK + overlap));
        let mut start = 0;
        while start < hay.len() {
            // Search `start..start + CHUNK`, plus enough of the next chunk to finish a
            // keyword that starts in this one; hits starting in the extra part are left
            // for the next chunk.
            let own_end = hay.len().min(start + CHUNK);
            let end = hay.len().min(own_end + overlap);
            lower.clear();
            lower.extend(hay[start..end].iter().map(u8::to_ascii_lowercase));
            // Resume one byte after each hit's start, not at its end, so that keywords
            // overlapping a hit (`secretoken`: `secret`, `token`) are all reported.
            let mut from = 0;
            while let Some(hit) = self.automaton.find(Input::new(&lower).range(from..)) {
                let at = start + hit.start();
                if at >= own_end {
                    break;
                }
                f(at, &self.detectors[hit.pattern().as_usize()]);
                from = hit.start() + 1;
            }
            start = own_end;
        }
    }

    /// Whether one of detector `d`'s keywords occurs in `hay`.
    pub(crate) fn occurs_for(&self, d: usize, hay: &[u8]) -> bool {
        self.per_detector[d].is_match(hay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(set: &KeywordSet, hay: &[u8]) -> Vec<(usize, Vec<usize>)> {
        let mut out = Vec::new();
        set.for_each_hit(hay, |at, d| out.push((at, d.to_vec())));
        out
    }

    fn set(keywords: &[&[&str]]) -> KeywordSet {
        let owned: Vec<Vec<String>> = keywords
            .iter()
            .map(|l| l.iter().map(|k| k.to_string()).collect())
            .collect();
        KeywordSet::new(owned.iter().map(Vec::as_slice)).expect("builds")
    }

    // Practice: keywords are matched case-insensitively (the prefilter must not miss
    // `PASSWORD` or `Password`).
    #[test]
    fn case_insensitive() {
        let s = set(&[&["password"], &["AKIA"]]);
        assert_eq!(
            hits(&s, b"PASSWORD Password akia AKIA"),
            vec![(0, vec![0]), (9, vec![0]), (18, vec![1]), (23, vec![1])]
        );
    }

    // Practice: one combined matcher must still trigger every detector whose keyword
    // occurs, even when keywords contain, start or overlap each other.
    #[test]
    fn contained_and_overlapping_keywords_trigger_all_detectors() {
        let s = set(&[
            &["secret"],
            &["aws_secret"],
            &["token"],
            &["session_token"],
            &["sess"],
        ]);
        let sorted = |mut d: Vec<usize>| {
            d.sort();
            d
        };
        let found: Vec<(usize, Vec<usize>)> = hits(&s, b"aws_secret session_token secretoken")
            .into_iter()
            .map(|(at, d)| (at, sorted(d)))
            .collect();
        assert_eq!(
            found,
            vec![
                (0, vec![1]),
                (4, vec![0]),
                // `session_token` hides its prefix `sess`, so it triggers both.
                (11, vec![3, 4]),
                (19, vec![2]),
                (25, vec![0]),
                (30, vec![2]),
            ]
        );
    }

    // Practice: chunked lower-casing must not lose or duplicate a keyword that straddles
    // a chunk boundary.
    #[test]
    fn keywords_across_chunk_boundaries() {
        let s = set(&[&["password"], &["ghp_"]]);
        for shift in 0..10 {
            let mut hay = vec![b'.'; CHUNK - shift];
            hay.extend_from_slice(b"PassWord ghp_");
            hay.extend(std::iter::repeat_n(b'.', CHUNK));
            hay.extend_from_slice(b"password");
            let at: Vec<usize> = hits(&s, &hay).into_iter().map(|h| h.0).collect();
            let base = CHUNK - shift;
            assert_eq!(at, vec![base, base + 9, hay.len() - 8], "shift {shift}");
        }
    }
}
