//! What `redoscope audit` remembers between runs: the regexes extracted
//! from a file's content and the analysis of a unique pattern. The command
//! line reads and writes the file (JSON); this module only keeps the data.
//!
//! - An extraction is keyed by the file's **content** (a 128-bit hash the
//!   caller computes) and language, never by path or modification time: a
//!   changed file misses, and identical files share one entry.
//! - An analysis is keyed by its [`Key`] and the per-pattern deadline (an
//!   `unknown` after a short deadline must not answer for a longer one).
//! - The whole cache belongs to one build of the analyzer (`build`): a
//!   cache written by another build is discarded, not trusted.
//! - Entries record the time they were last used; [`Cache::prune`] drops
//!   the ones unused for longer than a given age.
//!
//! ```
//! use redoscope_audit::cache::{Cache, FileEntry};
//!
//! let mut c = Cache::new("redoscope 0.1.0 build 42");
//! c.insert_file("js", 0xfeed, FileEntry::default(), 100);
//! let text = c.to_json();
//! let (back, why) = Cache::from_json(&text, "redoscope 0.1.0 build 42");
//! assert!(why.is_none() && back.file("js", 0xfeed).is_some());
//! // Another build of the analyzer starts empty.
//! let (other, why) = Cache::from_json(&text, "redoscope 0.1.0 build 43");
//! assert!(other.file("js", 0xfeed).is_none() && why.is_some());
//! ```

use crate::{key_hash, Analysis, Key};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The layout of the cache file; a file of another layout is discarded.
pub const FORMAT: u32 = 1;

/// One regex found in a file, as the extraction gave it (without the
/// file's name, so that identical files share it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// The pattern.
    pub pattern: String,
    /// The flags, in the flavor's letters.
    pub flags: String,
    /// The flavor's name.
    pub flavor: String,
    /// The matching mode's name (resolved: the API's or the flavor's
    /// default).
    pub mode: String,
    /// The API that builds it.
    pub api: String,
    /// 1-based line of the pattern's first character.
    pub line: u32,
    /// 1-based column (characters) of that character.
    pub column: u32,
    /// Byte range of the pattern's text in the source.
    pub start: usize,
    /// End of that range.
    pub end: usize,
    /// Whether the pattern is byte for byte in the source.
    pub verbatim: bool,
    /// Whether its engine is linear-time whatever the flavor.
    pub linear_engine: bool,
}

/// A problem the extraction reported at a place in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What went wrong.
    pub message: String,
}

/// What the extraction gave for one file content. Extractions cut short
/// (cancelled at the per-file deadline) are never stored: whether they
/// finish depends on the machine's load.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// The regexes, in source order.
    pub found: Vec<Found>,
    /// The extraction's own errors (uses it could not read).
    pub errors: Vec<FoundError>,
    /// When it was last used (seconds since the Unix epoch).
    #[serde(default)]
    pub used: u64,
}

/// The analysis of one unique pattern under one deadline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalysisEntry {
    /// The pattern it is for (checked on lookup: the map's key is a hash).
    pub key: Key,
    /// The per-pattern deadline it ran under, in milliseconds.
    pub timeout_ms: u64,
    /// The result.
    pub analysis: Analysis,
    /// When it was last used (seconds since the Unix epoch).
    #[serde(default)]
    pub used: u64,
}

/// The cache of one analyzer build.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    format: u32,
    build: String,
    files: HashMap<String, FileEntry>,
    analyses: HashMap<String, AnalysisEntry>,
    /// Whether it differs from what was read.
    #[serde(skip)]
    changed: bool,
}

/// A use refreshes an entry's time only when it is older than this
/// (seconds), so that re-auditing an unchanged tree does not rewrite the
/// cache.
const TOUCH_AFTER: u64 = 24 * 3600;

fn file_id(language: &str, content_hash: u128) -> String {
    format!("{language}:{content_hash:032x}")
}

fn analysis_id(key: &Key, timeout_ms: u64) -> String {
    format!("{timeout_ms}:{:016x}", key_hash(key))
}

/// Whether an analysis may be remembered: not when it is `unknown`
/// because a deadline passed (on a less busy machine, or with more time,
/// the next run may decide it).
pub fn cacheable(a: &Analysis) -> bool {
    !(a.verdict == crate::Verdict::Unknown
        && a.reason.as_deref().is_some_and(|r| r.contains("deadline")))
}

impl Cache {
    /// An empty cache for the analyzer build `build`.
    pub fn new(build: &str) -> Cache {
        Cache {
            format: FORMAT,
            build: build.to_string(),
            changed: true,
            ..Cache::default()
        }
    }

    /// Whether it changed since it was read (a new cache has).
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Reads a cache file's text for the build `build`. A text that is not
    /// a cache, of another layout or of another build gives an empty cache
    /// and the reason (the caller may say it; it is never an error).
    pub fn from_json(text: &str, build: &str) -> (Cache, Option<String>) {
        match serde_json::from_str::<Cache>(text) {
            Err(e) => (Cache::new(build), Some(format!("unreadable: {e}"))),
            Ok(c) if c.format != FORMAT => (
                Cache::new(build),
                Some(format!("layout {} (this build reads {FORMAT})", c.format)),
            ),
            Ok(c) if c.build != build => (
                Cache::new(build),
                Some("written by another build of redoscope".into()),
            ),
            Ok(c) => (c, None),
        }
    }

    /// The cache file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The extraction of a file of `language` whose content hashes to
    /// `content_hash`.
    pub fn file(&self, language: &str, content_hash: u128) -> Option<&FileEntry> {
        self.files.get(&file_id(language, content_hash))
    }

    /// Stores (or refreshes) an extraction, used at `now`.
    pub fn insert_file(&mut self, language: &str, content_hash: u128, mut e: FileEntry, now: u64) {
        e.used = now;
        self.files.insert(file_id(language, content_hash), e);
        self.changed = true;
    }

    /// Marks an extraction as used at `now`.
    pub fn touch_file(&mut self, language: &str, content_hash: u128, now: u64) {
        if let Some(e) = self.files.get_mut(&file_id(language, content_hash)) {
            if now.saturating_sub(e.used) > TOUCH_AFTER {
                e.used = now;
                self.changed = true;
            }
        }
    }

    /// The analysis of `key` under a deadline of `timeout_ms`.
    pub fn analysis(&self, key: &Key, timeout_ms: u64) -> Option<&Analysis> {
        self.analyses
            .get(&analysis_id(key, timeout_ms))
            .filter(|e| &e.key == key && e.timeout_ms == timeout_ms)
            .map(|e| &e.analysis)
    }

    /// Stores (or refreshes) an analysis, used at `now`.
    pub fn insert_analysis(&mut self, key: &Key, timeout_ms: u64, analysis: Analysis, now: u64) {
        self.analyses.insert(
            analysis_id(key, timeout_ms),
            AnalysisEntry {
                key: key.clone(),
                timeout_ms,
                analysis,
                used: now,
            },
        );
        self.changed = true;
    }

    /// Marks an analysis as used at `now`.
    pub fn touch_analysis(&mut self, key: &Key, timeout_ms: u64, now: u64) {
        if let Some(e) = self.analyses.get_mut(&analysis_id(key, timeout_ms)) {
            if &e.key == key && now.saturating_sub(e.used) > TOUCH_AFTER {
                e.used = now;
                self.changed = true;
            }
        }
    }

    /// Drops the entries last used more than `max_age` seconds before
    /// `now`; returns how many.
    pub fn prune(&mut self, now: u64, max_age: u64) -> usize {
        let before = self.files.len() + self.analyses.len();
        let keep = |used: u64| now.saturating_sub(used) <= max_age;
        self.files.retain(|_, e| keep(e.used));
        self.analyses.retain(|_, e| keep(e.used));
        let dropped = before - self.files.len() - self.analyses.len();
        self.changed |= dropped > 0;
        dropped
    }

    /// How many extractions and analyses it holds.
    pub fn len(&self) -> (usize, usize) {
        (self.files.len(), self.analyses.len())
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.analyses.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verdict;

    fn key(p: &str) -> Key {
        Key {
            flavor: "js".into(),
            flags: String::new(),
            mode: "search".into(),
            pattern: p.into(),
        }
    }

    fn safe() -> Analysis {
        Analysis {
            verdict: Verdict::Safe,
            complexity: None,
            backtracking: None,
            hotspot: vec![],
            attack: None,
            fix: None,
            reason: None,
        }
    }

    #[test]
    fn analyses_are_per_key_and_deadline() {
        let mut c = Cache::new("b");
        c.insert_analysis(&key("a+"), 1000, safe(), 5);
        assert_eq!(c.analysis(&key("a+"), 1000), Some(&safe()));
        assert_eq!(c.analysis(&key("a+"), 500), None);
        assert_eq!(c.analysis(&key("a*"), 1000), None);
        let mut other_flags = key("a+");
        other_flags.flags = "i".into();
        assert_eq!(c.analysis(&other_flags, 1000), None);
    }

    #[test]
    fn deadline_unknowns_are_not_cacheable() {
        let mut a = safe();
        assert!(cacheable(&a));
        a.verdict = Verdict::Unknown;
        a.reason = Some("automaton (states) over its size limit".into());
        assert!(cacheable(&a));
        a.reason = Some("deadline reached while building the automaton".into());
        assert!(!cacheable(&a));
    }

    #[test]
    fn files_are_per_language_and_content() {
        let mut c = Cache::new("b");
        c.insert_file("js", 7, FileEntry::default(), 5);
        assert!(c.file("js", 7).is_some());
        assert!(c.file("python", 7).is_none());
        assert!(c.file("js", 8).is_none());
    }

    #[test]
    fn round_trip_and_rejections() {
        let mut c = Cache::new("b1");
        c.insert_analysis(&key("(a+)+$"), 1000, safe(), 5);
        let text = c.to_json();
        let (back, why) = Cache::from_json(&text, "b1");
        assert_eq!(why, None);
        assert_eq!(back.analysis(&key("(a+)+$"), 1000), Some(&safe()));
        let (empty, why) = Cache::from_json(&text, "b2");
        assert!(empty.is_empty());
        assert!(why.unwrap().contains("another build"));
        let (empty, why) = Cache::from_json("{not json", "b1");
        assert!(empty.is_empty());
        assert!(why.unwrap().starts_with("unreadable"));
        let old = text.replace("\"format\":1", "\"format\":0");
        let (empty, why) = Cache::from_json(&old, "b1");
        assert!(empty.is_empty());
        assert!(why.unwrap().contains("layout 0"));
    }

    #[test]
    fn prune_drops_what_was_not_used_recently() {
        let mut c = Cache::new("b");
        c.insert_file("js", 1, FileEntry::default(), 100);
        c.insert_file("js", 2, FileEntry::default(), 100);
        c.insert_analysis(&key("x"), 1, safe(), 100);
        let (mut c, _) = Cache::from_json(&c.to_json(), "b");
        assert!(!c.changed());
        // A use soon after the last one changes nothing.
        c.touch_file("js", 2, 100 + TOUCH_AFTER);
        assert!(!c.changed());
        c.touch_file("js", 2, 200 + TOUCH_AFTER);
        assert!(c.changed());
        let now = 200 + TOUCH_AFTER;
        assert_eq!(c.prune(now, TOUCH_AFTER), 2);
        assert!(c.file("js", 1).is_none());
        assert!(c.file("js", 2).is_some());
        assert_eq!(c.len(), (1, 0));
    }
}
