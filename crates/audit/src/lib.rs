//! The data of `redoscope audit`, kept apart from the command line so that
//! it can be tested without files or processes: the regex occurrences found
//! in a tree, their deduplication into unique patterns, shards, inline
//! suppressions, baselines and severity thresholds, the assembled
//! [`Audit`], its formats ([`emit`]: text, JSON, JSON Lines, SARIF 2.1.0),
//! the merging of shard outputs ([`merge`]) and what is remembered between
//! runs ([`cache`]: extractions by file content, analyses by pattern).
//!
//! This crate is pure: the command line walks the tree, extracts the
//! regexes and runs the analysis; it hands the results here.
//!
//! ```
//! use redoscope_audit::{Key, shard_of};
//!
//! let k = Key { flavor: "js".into(), flags: "".into(), mode: "search".into(), pattern: "^(a+)+$".into() };
//! // A stable hash: the same shard on every machine and every run.
//! assert_eq!(shard_of(&k, 2), shard_of(&k.clone(), 2));
//! ```

#![deny(missing_docs)]

pub mod cache;
pub mod emit;
pub mod merge;

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// What identifies a pattern's analysis: every occurrence with the same key
/// shares one analysis.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    /// The flavor's name (`js`, `python`, …).
    pub flavor: String,
    /// The flags, in the flavor's letters.
    pub flags: String,
    /// The matching mode (`search`, `full`, `prefix`).
    pub mode: String,
    /// The pattern.
    pub pattern: String,
}

/// The 64-bit FNV-1a hash of a key (flavor, flags, mode and pattern, each
/// followed by a NUL byte): stable across runs, machines and versions.
pub fn key_hash(k: &Key) -> u64 {
    fnv1a(&[&k.flavor, &k.flags, &k.mode, &k.pattern])
}

/// The 64-bit FNV-1a hash of `parts`, each followed by a NUL byte.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The shard (`0..count`) a key belongs to.
pub fn shard_of(k: &Key, count: u32) -> u32 {
    (key_hash(k) % u64::from(count.max(1))) as u32
}

/// A shard: `index` of `count` (`--shard 1/4` is index 1 of 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, from 0.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// Parses `i/n` with `i < n`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("invalid shard '{s}' (expected I/N with 0 <= I < N, e.g. 0/4)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether this shard analyzes `k`.
    pub fn owns(&self, k: &Key) -> bool {
        shard_of(k, self.count) == self.index
    }
}

/// The verdict of an occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Linear on its engine.
    Safe,
    /// Super-linear on its engine.
    Vulnerable,
    /// Not decided within the limits.
    Unknown,
    /// The flavor rejects the pattern.
    Error,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Safe => "safe",
            Verdict::Vulnerable => "vulnerable",
            Verdict::Unknown => "unknown",
            Verdict::Error => "error",
        })
    }
}

/// Growth of a failing match's work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Complexity {
    /// Linear.
    Linear,
    /// `O(n^degree)`.
    Polynomial {
        /// The degree.
        degree: u32,
    },
    /// Exponential.
    Exponential,
}

impl fmt::Display for Complexity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Complexity::Linear => f.write_str("linear"),
            Complexity::Polynomial { degree } => write!(f, "polynomial (degree {degree})"),
            Complexity::Exponential => f.write_str("exponential"),
        }
    }
}

/// A byte range of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The analysis of one unique pattern (the part of `redoscope::Report` an
/// audit keeps).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The verdict on the flavor's engine.
    pub verdict: Verdict,
    /// The growth class.
    pub complexity: Option<Complexity>,
    /// For linear flavors: what a backtracking engine would do.
    pub backtracking: Option<Complexity>,
    /// The spans whose repetition causes the blow-up (pattern bytes).
    pub hotspot: Vec<Range>,
    /// The attack, as the library reports it (`pumps`, `suffix`, `repeat`,
    /// `string`).
    pub attack: Option<serde_json::Value>,
    /// A suggested rewrite.
    pub fix: Option<serde_json::Value>,
    /// Why, for `unknown` and `error`.
    pub reason: Option<String>,
}

/// One regex found in a file, before analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The file, as displayed (relative to where the audit ran when the
    /// paths given were relative).
    pub file: String,
    /// 1-based line of the pattern's first character in the source.
    pub line: u32,
    /// 1-based column (characters) of that character.
    pub column: u32,
    /// Line just past the pattern's text in the source.
    pub end_line: u32,
    /// Column just past the pattern's text (exclusive, as in SARIF).
    pub end_column: u32,
    /// What the pattern is analyzed as.
    pub key: Key,
    /// The API that builds it (`regex literal`, `re.compile`, …).
    pub api: String,
    /// Whether the pattern is byte for byte in the source, so that its
    /// offsets map to source positions.
    pub verbatim: bool,
    /// Whether its engine is linear-time whatever the flavor says (the Rust
    /// `regex` crate, Go, .NET NonBacktracking).
    pub linear_engine: bool,
    /// `Some(reason)` when a `redoscope-ignore` comment suppresses it (the
    /// reason may be empty).
    pub suppressed: Option<String>,
}

/// The position just past `text` when it starts at (`line`, `column`):
/// lines counted by `\n`, columns in characters.
pub fn advance(line: u32, column: u32, text: &str) -> (u32, u32) {
    match text.rfind('\n') {
        None => (line, column + text.chars().count() as u32),
        Some(i) => (
            line + text.bytes().filter(|&b| b == b'\n').count() as u32,
            1 + text[i + 1..].chars().count() as u32,
        ),
    }
}

/// The marker of an inline suppression.
pub const IGNORE_MARKER: &str = "redoscope-ignore";

/// The suppression a line carries: `Some(reason)` when it contains
/// `redoscope-ignore` (the reason is what follows `redoscope-ignore:`,
/// without a comment's closing `*/`, `-->` or `#}`; empty when there is
/// none).
pub fn suppression_on(line: &str) -> Option<String> {
    let at = line.find(IGNORE_MARKER)?;
    let rest = &line[at + IGNORE_MARKER.len()..];
    let Some(reason) = rest.strip_prefix(':') else {
        return Some(String::new());
    };
    let mut reason = reason.trim();
    for close in ["*/", "-->", "#}", "%>", "?>"] {
        if let Some(r) = reason.strip_suffix(close) {
            reason = r.trim_end();
        }
    }
    Some(reason.to_string())
}

/// A line index of a source text, for looking up the comment lines of a
/// suppression.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    /// Line `n` (1-based) without its line ending; empty past the end.
    pub fn line(&self, n: u32) -> &'a str {
        let n = n as usize;
        if n == 0 || n > self.starts.len() {
            return "";
        }
        let start = self.starts[n - 1];
        let end = self.starts.get(n).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// The suppression of a regex at `line`: `redoscope-ignore` on that line
    /// or the line above.
    pub fn suppression(&self, line: u32) -> Option<String> {
        suppression_on(self.line(line)).or_else(|| suppression_on(self.line(line.wrapping_sub(1))))
    }
}

/// A file-level problem: unreadable, not extracted in time, a regex use
/// that could not be extracted, invalid UTF-8 (a warning).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileError {
    /// The file (or directory, for walk errors).
    pub file: String,
    /// The 1-based line, when the problem is at a place.
    pub line: Option<u32>,
    /// The 1-based column.
    pub column: Option<u32>,
    /// `read`, `walk`, `extract`, `timeout` (extraction cancelled at the
    /// per-file limit) or `invalid-utf8` (a warning: the file was decoded
    /// lossily and audited).
    pub kind: String,
    /// What went wrong.
    pub message: String,
}

impl FileError {
    /// Whether this is only a warning (the file was still audited).
    pub fn is_warning(&self) -> bool {
        self.kind == "invalid-utf8"
    }
}

/// A file that was not audited, and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// `binary` (a NUL byte in its first 8 KiB), `too-large` (over
    /// `--max-filesize`), `symlink-loop`, or `unknown-language` (a file
    /// named on the command line whose extension is not a known
    /// language's).
    pub reason: String,
    /// Its size in bytes, when known.
    pub size: Option<u64>,
}

/// Which vulnerable findings count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Severity {
    /// Every vulnerable finding (the default).
    #[default]
    All,
    /// Exponential ones only.
    Exponential,
    /// Polynomial of at least this degree, and exponential.
    Polynomial(u32),
}

impl std::str::FromStr for Severity {
    type Err = String;
    /// `exponential`, `polynomial` or `polynomial:K`.
    fn from_str(s: &str) -> Result<Severity, String> {
        match s {
            "exponential" => Ok(Severity::Exponential),
            "polynomial" | "all" => Ok(Severity::All),
            _ => match s.strip_prefix("polynomial:").map(str::parse::<u32>) {
                Some(Ok(k)) => Ok(Severity::Polynomial(k)),
                _ => Err(format!(
                    "invalid severity '{s}' (expected exponential, polynomial or polynomial:K)"
                )),
            },
        }
    }
}

impl Severity {
    /// Whether a vulnerable finding of this complexity counts.
    pub fn admits(self, c: Option<Complexity>) -> bool {
        match (self, c) {
            (Severity::All, _) => true,
            (_, Some(Complexity::Exponential)) => true,
            (Severity::Polynomial(k), Some(Complexity::Polynomial { degree })) => degree >= k,
            // Unknown growth: keep it rather than hide it.
            (_, None) => true,
            _ => false,
        }
    }
}

/// A previous `--format json` report: its vulnerable and unknown findings,
/// matched on file, pattern, flavor and flags (not lines: moved code stays
/// baselined).
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    known: HashSet<(String, String, String, String)>,
}

impl Baseline {
    /// Reads a JSON report.
    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a JSON report: {e}"))?;
        let findings = v
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or("not a `redoscope audit --format json` report (no \"findings\" array)")?;
        let mut known = HashSet::new();
        for f in findings {
            let s = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            if matches!(s("verdict").as_str(), "vulnerable" | "unknown") {
                known.insert((s("file"), s("pattern"), s("flavor"), s("flags")));
            }
        }
        Ok(Baseline { known })
    }

    /// Whether the baseline has this finding.
    pub fn contains(&self, file: &str, k: &Key) -> bool {
        self.known.contains(&(
            file.to_string(),
            k.pattern.clone(),
            k.flavor.clone(),
            k.flags.clone(),
        ))
    }
}

/// What decides which findings count.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The threshold for vulnerable findings.
    pub severity: Severity,
    /// Whether `unknown` verdicts count.
    pub strict: bool,
    /// Findings already known.
    pub baseline: Option<Baseline>,
    /// The shard this run analyzes.
    pub shard: Option<Shard>,
}

/// A hotspot span mapped to the source (positions only for verbatim
/// patterns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hotspot {
    /// First byte in the pattern.
    pub start: usize,
    /// One past the last byte in the pattern.
    pub end: usize,
    /// Source line of the span's start.
    pub line: Option<u32>,
    /// Source column of the span's start.
    pub column: Option<u32>,
    /// Source line just past the span.
    pub end_line: Option<u32>,
    /// Source column just past the span.
    pub end_column: Option<u32>,
}

/// One extracted regex with its analysis, as reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The file.
    pub file: String,
    /// 1-based line of the pattern in the source.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// End line.
    pub end_line: u32,
    /// End column (exclusive).
    pub end_column: u32,
    /// The pattern (host-language escapes resolved).
    pub pattern: String,
    /// Its flags.
    pub flags: String,
    /// Its flavor.
    pub flavor: String,
    /// The matching mode analyzed.
    pub mode: String,
    /// The API that builds it.
    pub api: String,
    /// The verdict (`null` in a shard's output for a pattern another shard
    /// analyzes).
    pub verdict: Option<Verdict>,
    /// The growth class.
    pub complexity: Option<Complexity>,
    /// The hotspot, mapped to the source when the pattern is verbatim.
    pub hotspot: Vec<Hotspot>,
    /// The attack.
    pub attack: Option<serde_json::Value>,
    /// A suggested rewrite.
    pub fix: Option<serde_json::Value>,
    /// Why, for `unknown` and `error` (and linear engines).
    pub reason: Option<String>,
    /// `Some(reason)` when suppressed by a `redoscope-ignore` comment.
    pub suppressed: Option<String>,
    /// Whether the baseline already has it.
    pub baselined: bool,
    /// Whether it counts: vulnerable above the threshold (or unknown with
    /// `--strict`), neither suppressed nor baselined. The exit status is 1
    /// when any finding counts.
    pub counts: bool,
}

impl Finding {
    /// Whether the verdict is vulnerable but below the `--severity`
    /// threshold.
    fn below(&self, settings: &Settings) -> bool {
        self.verdict == Some(Verdict::Vulnerable) && !settings.severity.admits(self.complexity)
    }
}

/// Counts of vulnerable findings by growth.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnerableCounts {
    /// Exponential.
    pub exponential: usize,
    /// Polynomial.
    pub polynomial: usize,
}

/// The summary of an audit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Source files read (in a known language, not skipped).
    pub files_scanned: usize,
    /// Regex occurrences extracted.
    pub regexes_found: usize,
    /// Unique (flavor, flags, mode, pattern).
    pub unique_patterns: usize,
    /// Unique patterns analyzed by this run (all of them, unless sharded).
    pub analyzed: usize,
    /// Vulnerable findings that count (not suppressed, not baselined, above
    /// the threshold).
    pub vulnerable: VulnerableCounts,
    /// Occurrences with an `unknown` verdict (not suppressed or baselined).
    pub unknown: usize,
    /// Invalid regexes plus file errors (warnings excluded).
    pub errors: usize,
    /// Warnings (invalid UTF-8).
    pub warnings: usize,
    /// Findings suppressed by `redoscope-ignore`.
    pub suppressed: usize,
    /// Findings in the baseline.
    pub baselined: usize,
    /// Vulnerable findings under the `--severity` threshold.
    pub below_threshold: usize,
    /// Files skipped.
    pub skipped: usize,
    /// Wall-clock time of the audit.
    pub elapsed_ms: u64,
    /// What the cache answered, when one was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheStats>,
}

/// How much of an audit the cache answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheStats {
    /// Files whose regexes came from the cache.
    pub files_cached: usize,
    /// Files extracted by this run.
    pub files_extracted: usize,
    /// Unique patterns whose analysis came from the cache.
    pub patterns_cached: usize,
    /// Unique patterns analyzed by this run.
    pub patterns_analyzed: usize,
}

/// An assembled audit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    /// Every extracted regex, sorted by file, line and column.
    pub findings: Vec<Finding>,
    /// File-level problems.
    pub errors: Vec<FileError>,
    /// Files not audited.
    pub skipped: Vec<Skipped>,
    /// The counts.
    pub summary: Summary,
    /// The shard this output covers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

/// The unique keys of `occurrences`, sorted; with a shard, only its own.
pub fn unique_keys(occurrences: &[Occurrence], shard: Option<Shard>) -> Vec<Key> {
    let set: HashSet<&Key> = occurrences
        .iter()
        .map(|o| &o.key)
        .filter(|k| shard.is_none_or(|s| s.owns(k)))
        .collect();
    let mut keys: Vec<&Key> = set.into_iter().collect();
    keys.sort_unstable();
    keys.into_iter().cloned().collect()
}

/// Applies what the occurrence's engine implies: a linear engine makes a
/// vulnerable pattern safe (keeping the backtracking growth in the reason);
/// a backtracking engine of a linear flavor (`fancy_regex`) makes the
/// backtracking growth count.
fn effective(o: &Occurrence, a: &Analysis) -> Analysis {
    let mut a = a.clone();
    if o.linear_engine && a.verdict == Verdict::Vulnerable {
        a.reason = Some(format!(
            "runs on a linear-time engine; on a backtracking engine this pattern would be {}",
            a.complexity.map(|c| c.to_string()).unwrap_or_default()
        ));
        a.backtracking = a.complexity;
        a.verdict = Verdict::Safe;
        a.complexity = Some(Complexity::Linear);
    } else if !o.linear_engine && a.verdict == Verdict::Safe && a.backtracking.is_some() {
        a.verdict = Verdict::Vulnerable;
        a.complexity = a.backtracking;
        a.reason = Some("the flavor's default engine is linear, but this API backtracks".into());
    }
    a
}

fn hotspot(o: &Occurrence, a: &Analysis) -> Vec<Hotspot> {
    a.hotspot
        .iter()
        .map(|r| {
            let pos = (o.verbatim
                && o.key.pattern.is_char_boundary(r.start)
                && o.key.pattern.is_char_boundary(r.end)
                && r.start <= r.end
                && r.end <= o.key.pattern.len())
            .then(|| {
                let (l, c) = advance(o.line, o.column, &o.key.pattern[..r.start]);
                let (el, ec) = advance(l, c, &o.key.pattern[r.start..r.end]);
                (l, c, el, ec)
            });
            Hotspot {
                start: r.start,
                end: r.end,
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
                end_line: pos.map(|p| p.2),
                end_column: pos.map(|p| p.3),
            }
        })
        .collect()
}

/// Turns an occurrence and its analysis (`None`: another shard's) into a
/// finding, deciding whether it counts.
pub fn finding(o: &Occurrence, a: Option<&Analysis>, settings: &Settings) -> Finding {
    let a = a.map(|a| effective(o, a));
    let baselined = settings
        .baseline
        .as_ref()
        .is_some_and(|b| b.contains(&o.file, &o.key));
    let mut f = Finding {
        file: o.file.clone(),
        line: o.line,
        column: o.column,
        end_line: o.end_line,
        end_column: o.end_column,
        pattern: o.key.pattern.clone(),
        flags: o.key.flags.clone(),
        flavor: o.key.flavor.clone(),
        mode: o.key.mode.clone(),
        api: o.api.clone(),
        verdict: a.as_ref().map(|a| a.verdict),
        complexity: a.as_ref().and_then(|a| a.complexity),
        hotspot: a.as_ref().map(|a| hotspot(o, a)).unwrap_or_default(),
        attack: a.as_ref().and_then(|a| a.attack.clone()),
        fix: a.as_ref().and_then(|a| a.fix.clone()),
        reason: a.as_ref().and_then(|a| a.reason.clone()),
        suppressed: o.suppressed.clone(),
        baselined,
        counts: false,
    };
    f.counts = counts(&f, settings);
    f
}

fn counts(f: &Finding, settings: &Settings) -> bool {
    let bad = match f.verdict {
        Some(Verdict::Vulnerable) => !f.below(settings),
        Some(Verdict::Unknown) => settings.strict,
        _ => false,
    };
    bad && f.suppressed.is_none() && !f.baselined
}

/// Counts the findings, errors and skipped files (`files_scanned` and
/// `elapsed_ms` are the caller's).
pub fn summarize(
    findings: &[Finding],
    errors: &[FileError],
    skipped: &[Skipped],
    settings: &Settings,
) -> Summary {
    let mut s = Summary {
        regexes_found: findings.len(),
        skipped: skipped.len(),
        ..Summary::default()
    };
    let mut keys = HashSet::new();
    let mut analyzed = HashSet::new();
    for f in findings {
        let k = (&f.flavor, &f.flags, &f.mode, &f.pattern);
        keys.insert(k);
        if f.verdict.is_some() {
            analyzed.insert(k);
        }
        let quiet = f.suppressed.is_some() || f.baselined;
        if f.suppressed.is_some()
            && matches!(f.verdict, Some(Verdict::Vulnerable | Verdict::Unknown))
        {
            s.suppressed += 1;
        } else if f.baselined && matches!(f.verdict, Some(Verdict::Vulnerable | Verdict::Unknown)) {
            s.baselined += 1;
        }
        match f.verdict {
            Some(Verdict::Vulnerable) if !quiet && f.below(settings) => s.below_threshold += 1,
            Some(Verdict::Vulnerable) if !quiet => match f.complexity {
                Some(Complexity::Exponential) => s.vulnerable.exponential += 1,
                _ => s.vulnerable.polynomial += 1,
            },
            Some(Verdict::Unknown) if !quiet => s.unknown += 1,
            Some(Verdict::Error) => s.errors += 1,
            _ => {}
        }
    }
    s.unique_patterns = keys.len();
    s.analyzed = analyzed.len();
    s.errors += errors.iter().filter(|e| !e.is_warning()).count();
    s.warnings = errors.iter().filter(|e| e.is_warning()).count();
    s
}

/// Assembles an audit from the occurrences, the analyses by key, the file
/// problems and the skipped files. Findings come out sorted by file, line
/// and column; occurrences of keys with no analysis (another shard's) have
/// no verdict.
pub fn assemble(
    mut occurrences: Vec<Occurrence>,
    analyses: &HashMap<Key, Analysis>,
    mut errors: Vec<FileError>,
    mut skipped: Vec<Skipped>,
    files_scanned: usize,
    settings: &Settings,
    elapsed_ms: u64,
) -> Audit {
    occurrences.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.key, &a.api)
            .cmp(&(&b.file, b.line, b.column, &b.key, &b.api))
    });
    errors.sort();
    skipped.sort();
    let findings: Vec<Finding> = occurrences
        .iter()
        .map(|o| finding(o, analyses.get(&o.key), settings))
        .collect();
    let mut summary = summarize(&findings, &errors, &skipped, settings);
    summary.files_scanned = files_scanned;
    summary.elapsed_ms = elapsed_ms;
    Audit {
        findings,
        errors,
        skipped,
        summary,
        shard: settings.shard,
    }
}

impl Audit {
    /// Whether any finding counts (exit status 1).
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| f.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(p: &str) -> Key {
        Key {
            flavor: "js".into(),
            flags: String::new(),
            mode: "search".into(),
            pattern: p.into(),
        }
    }

    fn occ(file: &str, line: u32, p: &str) -> Occurrence {
        let (end_line, end_column) = advance(line, 5, p);
        Occurrence {
            file: file.into(),
            line,
            column: 5,
            end_line,
            end_column,
            key: key(p),
            api: "regex literal".into(),
            verbatim: true,
            linear_engine: false,
            suppressed: None,
        }
    }

    fn vuln(c: Complexity) -> Analysis {
        Analysis {
            verdict: Verdict::Vulnerable,
            complexity: Some(c),
            backtracking: None,
            hotspot: vec![Range { start: 1, end: 5 }],
            attack: Some(serde_json::json!({"string": "aaaa!"})),
            fix: None,
            reason: None,
        }
    }

    #[test]
    fn advance_counts_characters_and_lines() {
        assert_eq!(advance(3, 7, "ab"), (3, 9));
        assert_eq!(advance(3, 7, "é€"), (3, 9));
        assert_eq!(advance(3, 7, "a\nbc"), (4, 3));
        assert_eq!(advance(3, 7, ""), (3, 7));
    }

    #[test]
    fn suppressions() {
        assert_eq!(suppression_on("x = 1"), None);
        assert_eq!(
            suppression_on("/(a+)+/ // redoscope-ignore"),
            Some(String::new())
        );
        assert_eq!(
            suppression_on("/* redoscope-ignore: input is bounded */"),
            Some("input is bounded".into())
        );
        let src = "a\n# redoscope-ignore: trusted\nre.compile('(a+)+')\nb\n";
        let lines = Lines::new(src);
        assert_eq!(lines.line(3), "re.compile('(a+)+')");
        assert_eq!(lines.suppression(3), Some("trusted".into()));
        assert_eq!(lines.suppression(4), None);
        assert_eq!(lines.suppression(1), None);
        assert_eq!(lines.line(99), "");
    }

    #[test]
    fn shards_partition_the_keys() {
        let keys: Vec<Key> = (0..200).map(|i| key(&format!("a{{{i}}}"))).collect();
        for n in 1..5 {
            for k in &keys {
                let owners = (0..n)
                    .filter(|&i| Shard { index: i, count: n }.owns(k))
                    .count();
                assert_eq!(owners, 1);
            }
        }
        // FNV-1a of "" is the offset basis; stability across versions.
        assert_eq!(key_hash(&key("x")), key_hash(&key("x")));
        assert_eq!("1/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        assert!("4/4".parse::<Shard>().is_err());
        assert!("0/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn severity_threshold() {
        let exp = Some(Complexity::Exponential);
        let p2 = Some(Complexity::Polynomial { degree: 2 });
        let p3 = Some(Complexity::Polynomial { degree: 3 });
        let s: Severity = "exponential".parse().unwrap();
        assert!(s.admits(exp) && !s.admits(p2));
        let s: Severity = "polynomial:3".parse().unwrap();
        assert!(s.admits(exp) && s.admits(p3) && !s.admits(p2));
        let s: Severity = "polynomial".parse().unwrap();
        assert!(s.admits(p2));
        assert!("cubic".parse::<Severity>().is_err());
    }

    #[test]
    fn assemble_counts_suppressions_baseline_and_threshold() {
        let mut sup = occ("b.js", 2, "(x+)+");
        sup.suppressed = Some("trusted".into());
        let occs = vec![
            occ("b.js", 1, "(a+)+"),
            sup,
            occ("a.js", 9, "a*a*$"),
            occ("a.js", 3, "ok"),
        ];
        let mut analyses = HashMap::new();
        analyses.insert(key("(a+)+"), vuln(Complexity::Exponential));
        analyses.insert(key("(x+)+"), vuln(Complexity::Exponential));
        analyses.insert(key("a*a*$"), vuln(Complexity::Polynomial { degree: 2 }));
        analyses.insert(
            key("ok"),
            Analysis {
                verdict: Verdict::Safe,
                complexity: Some(Complexity::Linear),
                hotspot: vec![],
                attack: None,
                ..vuln(Complexity::Linear)
            },
        );
        let settings = Settings::default();
        let audit = assemble(occs.clone(), &analyses, vec![], vec![], 2, &settings, 0);
        let order: Vec<(&str, u32)> = audit
            .findings
            .iter()
            .map(|f| (f.file.as_str(), f.line))
            .collect();
        assert_eq!(order, [("a.js", 3), ("a.js", 9), ("b.js", 1), ("b.js", 2)]);
        assert_eq!(
            audit.summary.vulnerable,
            VulnerableCounts {
                exponential: 1,
                polynomial: 1
            }
        );
        assert_eq!(audit.summary.suppressed, 1);
        assert_eq!(audit.summary.unique_patterns, 4);
        assert!(audit.failed());
        // The hotspot 1..5 of `(a+)+` at column 5 is columns 6..10.
        let f = &audit.findings[2];
        assert_eq!(
            (f.hotspot[0].column, f.hotspot[0].end_column),
            (Some(6), Some(10))
        );

        let settings = Settings {
            severity: Severity::Exponential,
            ..Settings::default()
        };
        let audit = assemble(occs.clone(), &analyses, vec![], vec![], 2, &settings, 0);
        assert_eq!(audit.summary.below_threshold, 1);
        assert_eq!(audit.summary.vulnerable.polynomial, 0);

        let json = serde_json::to_string(&audit).unwrap();
        let settings = Settings {
            baseline: Some(Baseline::from_json(&json).unwrap()),
            ..Settings::default()
        };
        let mut moved = occs.clone();
        moved[0].line = 40; // moved code stays baselined
        let audit = assemble(moved, &analyses, vec![], vec![], 2, &settings, 0);
        assert!(!audit.failed());
        assert_eq!(audit.summary.baselined, 2);
    }

    #[test]
    fn linear_engines() {
        let mut o = occ("a.rs", 1, "(a+)+");
        o.linear_engine = true;
        let f = finding(
            &o,
            Some(&vuln(Complexity::Exponential)),
            &Settings::default(),
        );
        assert_eq!(f.verdict, Some(Verdict::Safe));
        assert!(!f.counts);
        assert!(f.reason.unwrap().contains("exponential"));
    }
}
