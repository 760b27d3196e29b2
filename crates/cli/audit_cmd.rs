//! `redoscope audit PATH…`: walks the trees, extracts every regex, analyzes
//! each unique pattern once in parallel and reports; `redoscope merge`
//! combines the JSON Lines outputs of `--shard` runs.
//!
//! The I/O lives here; what is reported and counted is `redoscope-audit`'s.

use crate::check_cmd::parse_duration;
use crate::{Color, Status};
use anyhow::{bail, Context};
use redoscope::{check, default_mode, Flavor, Mode, Options, Report};
use redoscope_audit::cache::{Cache, FileEntry, Found, FoundError};
use redoscope_audit::{
    emit, Analysis, Audit, Baseline, FileError, Key, Lines, Occurrence, Settings, Severity, Shard,
    Skipped,
};
use redoscope_extract::{extract_cancellable, Language};
use std::collections::HashMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Output formats of `audit` and `merge`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// One line per finding (`file:line:col: …`), sorted by file, then a
    /// summary line.
    Text,
    /// The same, grouped: one header line per file, its findings indented
    /// under it (ruff's `grouped` layout).
    Grouped,
    /// One JSON object: findings, errors, skipped, summary.
    Json,
    /// JSON Lines: begin, finding…, error…, skipped…, summary.
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
}

/// Options of the report shared by `audit` and `merge`.
#[derive(clap::Args, Debug, Clone)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// When to use colors.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also list safe regexes (text format).
    #[arg(long)]
    pub show_safe: bool,
    /// Which vulnerable findings count: exponential, polynomial (all, the
    /// default) or polynomial:K (degree K or more, and exponential).
    #[arg(long, default_value = "polynomial", value_parser = parse_severity)]
    pub severity: Severity,
    /// Count `unknown` verdicts as findings (exit 1).
    #[arg(long)]
    pub strict: bool,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

/// Parses `10M`, `100K`, `1G`, `2048` (bytes; K/M/G are powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 1u64 << 10),
        Some((i, 'M' | 'm')) => (&t[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("invalid size '{s}' (e.g. 10M, 512K, 2048)"))
}

/// Arguments of `redoscope audit`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exit status: 0 no finding counts, 1 a vulnerable regex counts, 2 the audit failed; \
invalid regexes and file errors are reported but do not change it (see --help)."
)]
#[command(after_long_help = "\
Exit status: 0 when no finding counts; 1 when a vulnerable regex above the
--severity threshold is neither suppressed (a `redoscope-ignore` comment on
its line or the line above) nor in the --baseline (with --strict, an
`unknown` verdict counts too); 2 when the audit itself failed (no such
path, bad flags, an unreadable baseline, output failure).

Invalid regexes, unreadable files, regex uses that could not be extracted,
files whose extraction ran over --extract-timeout, and skipped files
(binary, over --max-filesize) are listed in the output and counted in the
summary, but do not change the exit status: an audit reports on the tree
it is given, and such problems are not ReDoS findings.")]
pub struct Args {
    /// Files or directories to audit (default: the current directory).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Search hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
    /// Don't respect .gitignore, .ignore and the like.
    #[arg(long)]
    pub no_ignore: bool,
    /// Include or exclude files and directories matching GLOB (as in
    /// ripgrep: `--glob '!vendor/**'` excludes, `--glob '*.py'` audits only
    /// matching files; later globs take precedence). Repeatable.
    #[arg(long, short = 'g', value_name = "GLOB")]
    pub glob: Vec<String>,
    /// Follow symbolic links (loops are detected and reported as skipped).
    #[arg(long)]
    pub follow: bool,
    /// Skip (and report) files larger than this (e.g. 10M, 512K).
    #[arg(long, default_value = "10M", value_parser = parse_size)]
    pub max_filesize: u64,
    /// Analysis threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// The analysis deadline per unique pattern (e.g. 500ms, 2s).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// The extraction deadline per file; a file over it is reported.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub extract_timeout: Duration,
    /// A previous `--format json` report: report only findings not in it
    /// (matched on file, pattern, flavor and flags, not on lines).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Where to keep the cache of extractions (by file content) and
    /// analyses between runs (default: $REDOSCOPE_CACHE_DIR, else
    /// $XDG_CACHE_HOME/redoscope, else ~/.cache/redoscope).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Analyze only the unique patterns of shard I of N (`--shard 0/4`);
    /// every occurrence is still listed. Combine outputs (`--format jsonl`)
    /// with `redoscope merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
}

/// Arguments of `redoscope merge`.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The JSON Lines outputs of `redoscope audit --shard I/N --format jsonl`.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Extractions waiting for their deadline: (deadline, cancel flag).
type Pending = Arc<Mutex<Vec<(Instant, Arc<AtomicBool>)>>>;

/// Cancels registered extractions at their deadlines (one thread for all).
struct Watchdog {
    pending: Pending,
    stop: Arc<AtomicBool>,
}

impl Watchdog {
    fn start() -> (Watchdog, std::thread::JoinHandle<()>) {
        let pending: Pending = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (pending.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20));
                let now = Instant::now();
                let mut list = p.lock().unwrap_or_else(|e| e.into_inner());
                list.retain(|(deadline, flag)| {
                    if now >= *deadline {
                        flag.store(true, Ordering::Relaxed);
                        false
                    } else {
                        Arc::strong_count(flag) > 1
                    }
                });
            }
        });
        (Watchdog { pending, stop }, handle)
    }

    fn arm(&self, limit: Duration) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((Instant::now() + limit, flag.clone()));
        flag
    }
}

/// What the walk found in one file.
#[derive(Default)]
struct FileResult {
    /// Files read and searched.
    scanned: usize,
    occurrences: Vec<Occurrence>,
    errors: Vec<FileError>,
    skipped: Vec<Skipped>,
    /// Extractions answered by the cache: (language, content hash).
    cache_hits: Vec<(&'static str, u128)>,
    /// Extractions to store: (language, content hash, entry).
    cache_new: Vec<(&'static str, u128, FileEntry)>,
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.to_string()
}

/// What the extraction gave, in the form the cache keeps (the mode
/// resolved to the API's or the flavor's default).
fn file_entry(
    found: Vec<redoscope_extract::Extracted>,
    errors: Vec<redoscope_extract::ExtractError>,
) -> FileEntry {
    FileEntry {
        found: found
            .into_iter()
            .map(|x| {
                let mode = x.mode.unwrap_or_else(|| default_mode(x.flavor, &x.flags));
                Found {
                    flavor: x.flavor.name().to_string(),
                    mode: mode.name().to_string(),
                    pattern: x.pattern,
                    flags: x.flags,
                    api: x.api,
                    line: x.line,
                    column: x.column,
                    start: x.byte_range.start,
                    end: x.byte_range.end,
                    verbatim: x.verbatim,
                    linear_engine: x.linear_engine,
                }
            })
            .collect(),
        errors: errors
            .into_iter()
            .map(|e| FoundError {
                line: e.line,
                column: e.column,
                message: e.message,
            })
            .collect(),
        used: 0,
    }
}

fn audit_file(
    path: &Path,
    lang: Language,
    args: &Args,
    dog: &Watchdog,
    cache: Option<&Cache>,
) -> FileResult {
    let file = display(path);
    let mut r = FileResult::default();
    let err = |kind: &str, message: String| FileError {
        file: file.clone(),
        line: None,
        column: None,
        kind: kind.into(),
        message,
    };
    let size = std::fs::metadata(path).map(|m| m.len()).ok();
    if size.is_some_and(|s| s > args.max_filesize) {
        r.skipped.push(Skipped {
            file,
            reason: "too-large".into(),
            size,
        });
        return r;
    }
    let mut bytes = Vec::new();
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)) {
        r.errors.push(err("read", e.to_string()));
        return r;
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        r.skipped.push(Skipped {
            file,
            reason: "binary".into(),
            size: Some(bytes.len() as u64),
        });
        return r;
    }
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            r.errors.push(err(
                "invalid-utf8",
                format!("invalid UTF-8 at byte {at}; decoded lossily (U+FFFD)"),
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    r.scanned = 1;
    let hash = xxhash_rust::xxh3::xxh3_128(source.as_bytes());
    let (entry, cancelled) = match cache.and_then(|c| c.file(lang.name(), hash)) {
        Some(e) => {
            r.cache_hits.push((lang.name(), hash));
            (e.clone(), false)
        }
        None => {
            let cancel = dog.arm(args.extract_timeout);
            let (found, errors) = extract_cancellable(&source, lang, &cancel);
            let cancelled = cancel.load(Ordering::Relaxed);
            drop(cancel);
            let entry = file_entry(found, errors);
            // A cut-short extraction depends on the machine's load: never
            // remembered.
            if !cancelled {
                r.cache_new.push((lang.name(), hash, entry.clone()));
            }
            (entry, cancelled)
        }
    };
    for e in entry.errors {
        let (kind, message) = if cancelled && e.message.contains("cancel") {
            (
                "timeout",
                format!(
                    "extraction stopped at the {:?} limit (--extract-timeout): {}",
                    args.extract_timeout, e.message
                ),
            )
        } else {
            ("extract", e.message)
        };
        r.errors.push(FileError {
            line: Some(e.line),
            column: Some(e.column),
            ..err(kind, message)
        });
    }
    if cancelled && !r.errors.iter().any(|e| e.kind == "timeout") {
        r.errors.push(err(
            "timeout",
            format!(
                "extraction stopped at the {:?} limit (--extract-timeout); regexes may be missing",
                args.extract_timeout
            ),
        ));
    }
    let lines = (!entry.found.is_empty() && source.contains(redoscope_audit::IGNORE_MARKER))
        .then(|| Lines::new(&source));
    for x in entry.found {
        let text = source.get(x.start..x.end).unwrap_or("");
        let (end_line, end_column) = redoscope_audit::advance(x.line, x.column, text);
        r.occurrences.push(Occurrence {
            file: file.clone(),
            line: x.line,
            column: x.column,
            end_line,
            end_column,
            key: Key {
                flavor: x.flavor,
                flags: x.flags,
                mode: x.mode,
                pattern: x.pattern,
            },
            api: x.api,
            verbatim: x.verbatim,
            linear_engine: x.linear_engine,
            suppressed: lines.as_ref().and_then(|l| l.suppression(x.line)),
        });
    }
    r
}

/// The `--glob` overrides, relative to the current directory.
fn overrides(globs: &[String]) -> anyhow::Result<ignore::overrides::Override> {
    let mut b = ignore::overrides::OverrideBuilder::new(".");
    for g in globs {
        b.add(g).with_context(|| format!("invalid --glob '{g}'"))?;
    }
    b.build().context("building the --glob set")
}

fn walk(
    args: &Args,
    paths: &[PathBuf],
    globs: ignore::overrides::Override,
    cache: Option<&Cache>,
) -> FileResult {
    let mut builder = ignore::WalkBuilder::new(&paths[0]);
    for p in &paths[1..] {
        builder.add(p);
    }
    builder
        .hidden(!args.hidden)
        .ignore(!args.no_ignore)
        .git_ignore(!args.no_ignore)
        .git_global(!args.no_ignore)
        .git_exclude(!args.no_ignore)
        .parents(!args.no_ignore)
        .require_git(false)
        .overrides(globs)
        .follow_links(args.follow)
        .threads(args.jobs.unwrap_or(0));
    let (dog, handle) = Watchdog::start();
    // Per file: (display path, canonical path, result). A file reached
    // twice (overlapping PATHs, links with --follow) is reported once,
    // under its first display path in sorted order, whatever the order
    // the threads reached it in.
    type Visit = (String, Option<PathBuf>, FileResult);
    let visits: Mutex<Vec<Visit>> = Mutex::default();
    // Only overlapping PATHs and followed links can reach a file twice;
    // resolving every path costs a readlink per component.
    let may_repeat = args.follow || paths.len() > 1;
    let bar = io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} extracting: {pos} files {elapsed}")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    });
    builder.build_parallel().run(|| {
        let (args, dog, visits, bar) = (args, &dog, &visits, &bar);
        Box::new(move |entry| {
            let visit = match entry {
                Ok(e) => {
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        return ignore::WalkState::Continue;
                    }
                    let canonical = if may_repeat {
                        std::fs::canonicalize(e.path()).ok()
                    } else {
                        None
                    };
                    let r = match Language::from_path(e.path()) {
                        Some(lang) => audit_file(e.path(), lang, args, dog, cache),
                        // Named on the command line: say why nothing was found.
                        None if e.depth() == 0 => FileResult {
                            skipped: vec![Skipped {
                                file: display(e.path()),
                                reason: "unknown-language".into(),
                                size: None,
                            }],
                            ..FileResult::default()
                        },
                        None => return ignore::WalkState::Continue,
                    };
                    if let Some(b) = bar {
                        b.inc(1);
                    }
                    (display(e.path()), canonical, r)
                }
                Err(e) => (String::new(), None, walk_error(e)),
            };
            visits.lock().unwrap_or_else(|e| e.into_inner()).push(visit);
            ignore::WalkState::Continue
        })
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    dog.stop.store(true, Ordering::Relaxed);
    let _ = handle.join();
    let mut visits = visits.into_inner().unwrap_or_else(|e| e.into_inner());
    visits.sort_by(|a, b| a.0.cmp(&b.0));
    let mut seen = std::collections::HashSet::new();
    let mut total = FileResult::default();
    for (_, canonical, r) in visits {
        if let Some(c) = canonical {
            if !seen.insert(c) {
                continue;
            }
        }
        total.scanned += r.scanned;
        total.occurrences.extend(r.occurrences);
        total.errors.extend(r.errors);
        total.skipped.extend(r.skipped);
        total.cache_hits.extend(r.cache_hits);
        total.cache_new.extend(r.cache_new);
    }
    total
}

fn walk_error(e: ignore::Error) -> FileResult {
    let mut r = FileResult::default();
    let path = walk_error_path(&e);
    let file = path.as_deref().map(display).unwrap_or_default();
    if is_loop(&e) {
        r.skipped.push(Skipped {
            file,
            reason: "symlink-loop".into(),
            size: None,
        });
    } else {
        r.errors.push(FileError {
            file,
            line: None,
            column: None,
            kind: "walk".into(),
            message: e.to_string(),
        });
    }
    r
}

fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
}

fn walk_error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

fn analysis_of(r: &Report) -> Analysis {
    let to = |v: serde_json::Value| serde_json::from_value(v).ok();
    Analysis {
        verdict: match r.verdict {
            redoscope::Verdict::Safe => redoscope_audit::Verdict::Safe,
            redoscope::Verdict::Vulnerable => redoscope_audit::Verdict::Vulnerable,
            redoscope::Verdict::Unknown => redoscope_audit::Verdict::Unknown,
            redoscope::Verdict::Error => redoscope_audit::Verdict::Error,
        },
        complexity: r
            .complexity
            .and_then(|c| to(serde_json::to_value(c).unwrap_or_default())),
        backtracking: r
            .backtracking
            .and_then(|c| to(serde_json::to_value(c).unwrap_or_default())),
        hotspot: r
            .hotspot
            .iter()
            .map(|h| redoscope_audit::Range {
                start: h.start,
                end: h.end,
            })
            .collect(),
        // The pumped form only: the full string of a polynomial attack is
        // up to 100,000 characters, for each of thousands of findings
        // (`redoscope check`/`attack` print it).
        attack: r.attack.as_ref().and_then(|a| {
            let mut v = serde_json::to_value(a).ok()?;
            if let Some(o) = v.as_object_mut() {
                o.remove("string");
            }
            Some(v)
        }),
        fix: r.fix.clone(),
        reason: r.reason.clone(),
    }
}

fn analyze(key: &Key, timeout: Duration) -> Analysis {
    let opts = || -> Result<Options, String> {
        let flavor: Flavor = key.flavor.parse().map_err(|e| format!("{e}"))?;
        let mode: Mode = key.mode.parse()?;
        Ok(Options::new()
            .flavor(flavor)
            .flags(&key.flags)
            .mode(mode)
            .timeout(timeout))
    };
    let opts = match opts() {
        Ok(o) => o,
        Err(e) => {
            return Analysis {
                verdict: redoscope_audit::Verdict::Error,
                complexity: None,
                backtracking: None,
                hotspot: vec![],
                attack: None,
                fix: None,
                reason: Some(e),
            }
        }
    };
    // A panic in the analyzer is a bug; it must not lose the audit.
    let result = std::panic::catch_unwind(|| check(&key.pattern, &opts));
    match result {
        Ok(Ok(r)) => analysis_of(&r),
        Ok(Err(e)) => analysis_of(&Report::from_error(&key.pattern, &opts, &e)),
        Err(_) => Analysis {
            verdict: redoscope_audit::Verdict::Unknown,
            complexity: None,
            backtracking: None,
            hotspot: vec![],
            attack: None,
            fix: None,
            reason: Some("the analyzer panicked (a bug: please report it)".into()),
        },
    }
}

/// Analyzes the keys the cache does not answer; returns every key's
/// analysis and the new ones.
fn analyze_all(
    keys: &[Key],
    args: &Args,
    cache: Option<&Cache>,
) -> anyhow::Result<(HashMap<Key, Analysis>, Vec<Key>)> {
    use rayon::prelude::*;
    let timeout_ms = args.timeout.as_millis() as u64;
    let mut out = HashMap::with_capacity(keys.len());
    let mut todo = Vec::new();
    for k in keys {
        match cache.and_then(|c| c.analysis(k, timeout_ms)) {
            Some(a) => {
                out.insert(k.clone(), a.clone());
            }
            None => todo.push(k),
        }
    }
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.jobs {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool.build().context("starting the analysis threads")?;
    let bar = if io::stderr().is_terminal() && !todo.is_empty() {
        let bar = indicatif::ProgressBar::new(todo.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} analyzing {pos}/{len} unique patterns [{bar:30}] {elapsed}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Some(bar)
    } else {
        None
    };
    let fresh = pool.install(|| {
        todo.par_iter()
            .map(|k| {
                let a = analyze(k, args.timeout);
                if let Some(b) = &bar {
                    b.inc(1);
                }
                ((*k).clone(), a)
            })
            .collect::<Vec<_>>()
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let new_keys = fresh.iter().map(|(k, _)| k.clone()).collect();
    out.extend(fresh);
    Ok((out, new_keys))
}

/// The build of the analyzer a cache belongs to: the version and a hash of
/// the executable's bytes (a rebuilt binary that analyzes differently
/// starts a fresh cache; the same binary installed again keeps it). `None`
/// when the executable cannot be read.
fn build_id() -> Option<String> {
    let exe = std::fs::read(std::env::current_exe().ok()?).ok()?;
    Some(format!(
        "redoscope {} exe {:032x}",
        env!("CARGO_PKG_VERSION"),
        xxhash_rust::xxh3::xxh3_128(&exe)
    ))
}

/// Where the cache lives, if anywhere.
fn cache_dir(args: &Args) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    args.cache_dir
        .clone()
        .or_else(|| env("REDOSCOPE_CACHE_DIR"))
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("redoscope")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("redoscope")))
}

const CACHE_FILE: &str = "audit-cache.json";

/// Entries unused for this long are dropped when the cache is written.
const CACHE_MAX_AGE_SECS: u64 = 30 * 24 * 3600;

/// Reads the cache; a missing, unreadable or foreign one is an empty cache
/// (said on stderr when it is not simply missing).
fn load_cache(dir: &Path, build: &str) -> Cache {
    let path = dir.join(CACHE_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let (cache, why) = Cache::from_json(&text, build);
            if let Some(why) = why.filter(|w| !w.contains("another build")) {
                eprintln!(
                    "redoscope: warning: cache {} not used ({why}); starting a new one",
                    path.display()
                );
            }
            cache
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Cache::new(build),
        Err(e) => {
            eprintln!(
                "redoscope: warning: cannot read the cache {}: {e}; starting a new one",
                path.display()
            );
            Cache::new(build)
        }
    }
}

/// Writes the cache next to its final place and renames it over (a
/// concurrent audit sees the old or the new file, never half of one). A
/// failure is a warning: the audit's result does not depend on it.
fn save_cache(dir: &Path, cache: &Cache) {
    let write = || -> io::Result<()> {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(dir)?;
        let tmp = dir.join(format!(".{CACHE_FILE}.{}", std::process::id()));
        std::fs::write(&tmp, cache.to_json())?;
        std::fs::rename(&tmp, dir.join(CACHE_FILE)).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    };
    if let Err(e) = write() {
        eprintln!(
            "redoscope: warning: cannot write the cache in {}: {e}",
            dir.display()
        );
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn write_report(audit: &Audit, r: &ReportArgs, with_baseline: bool) -> anyhow::Result<Status> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let version = env!("CARGO_PKG_VERSION");
    match r.format {
        AuditFormat::Text | AuditFormat::Grouped => emit::text(
            &mut out,
            audit,
            emit::TextOptions {
                color: r.color.enabled(),
                show_safe: r.show_safe,
                grouped: r.format == AuditFormat::Grouped,
            },
        )?,
        AuditFormat::Json => emit::json(&mut out, audit)?,
        AuditFormat::Jsonl => emit::jsonl(&mut out, audit, version)?,
        AuditFormat::Sarif => emit::sarif(&mut out, audit, version, r.strict, with_baseline)?,
    }
    out.flush()?;
    Ok(if audit.failed() {
        Status::Findings
    } else {
        Status::Clean
    })
}

fn settings(r: &ReportArgs) -> Settings {
    Settings {
        severity: r.severity,
        strict: r.strict,
        baseline: None,
        shard: None,
    }
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let start = Instant::now();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        // `symlink_metadata`: a dangling link given by name is still a path.
        if std::fs::symlink_metadata(p).is_err() {
            bail!("no such file or directory: {}", p.display());
        }
    }
    if args.jobs == Some(0) {
        bail!("--jobs must be at least 1");
    }
    let mut settings = settings(&args.report);
    settings.shard = args.shard;
    if let Some(b) = &args.baseline {
        let text = std::fs::read_to_string(b)
            .with_context(|| format!("cannot read baseline {}", b.display()))?;
        settings.baseline = Some(
            Baseline::from_json(&text)
                .map_err(|e| anyhow::anyhow!("baseline {}: {e}", b.display()))?,
        );
    }
    let dir = cache_dir(args);
    let mut cache = dir.as_ref().and_then(|d| Some(load_cache(d, &build_id()?)));
    let globs = overrides(&args.glob)?;
    let mut walked = walk(args, &paths, globs, cache.as_ref());
    let keys = redoscope_audit::unique_keys(&walked.occurrences, args.shard);
    let (analyses, fresh) = analyze_all(&keys, args, cache.as_ref())?;
    let stats = cache.as_ref().map(|_| redoscope_audit::CacheStats {
        files_cached: walked.cache_hits.len(),
        files_extracted: walked.scanned - walked.cache_hits.len(),
        patterns_cached: keys.len() - fresh.len(),
        patterns_analyzed: fresh.len(),
    });
    if let (Some(c), Some(d)) = (cache.as_mut(), &dir) {
        let now = now_secs();
        let timeout_ms = args.timeout.as_millis() as u64;
        for (lang, hash) in walked.cache_hits.drain(..) {
            c.touch_file(lang, hash, now);
        }
        for (lang, hash, e) in walked.cache_new.drain(..) {
            c.insert_file(lang, hash, e, now);
        }
        for k in &fresh {
            if redoscope_audit::cache::cacheable(&analyses[k]) {
                c.insert_analysis(k, timeout_ms, analyses[k].clone(), now);
            }
        }
        for k in &keys {
            c.touch_analysis(k, timeout_ms, now);
        }
        c.prune(now, CACHE_MAX_AGE_SECS);
        if c.changed() {
            save_cache(d, c);
        }
    }
    let mut audit = redoscope_audit::assemble(
        walked.occurrences,
        &analyses,
        walked.errors,
        walked.skipped,
        walked.scanned,
        &settings,
        start.elapsed().as_millis() as u64,
    );
    audit.summary.cache = stats;
    write_report(&audit, &args.report, settings.baseline.is_some())
}

pub fn run_merge(args: &MergeArgs) -> anyhow::Result<Status> {
    let mut inputs = vec![];
    for f in &args.files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        inputs.push((f.display().to_string(), text));
    }
    let audit = redoscope_audit::merge::merge(&inputs, &settings(&args.report))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let baselined = audit.findings.iter().any(|f| f.baselined);
    write_report(&audit, &args.report, baselined)
}
