//! `redoscope audit PATH…`: walks the trees, extracts every regex, analyzes
//! each unique pattern once in parallel and reports; `redoscope merge`
//! combines the JSON Lines outputs of `--shard` runs.
//!
//! The I/O lives here; what is reported and counted is `redoscope-audit`'s.

use crate::check_cmd::parse_duration;
use crate::{Color, Status};
use anyhow::{bail, Context};
use redoscope::{check, default_mode, Flavor, Mode, Options, Report};
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
    /// One line per finding, grouped by file, then a summary line.
    Text,
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
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.to_string()
}

fn audit_file(path: &Path, lang: Language, args: &Args, dog: &Watchdog) -> FileResult {
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
    let cancel = dog.arm(args.extract_timeout);
    let (found, errors) = extract_cancellable(&source, lang, &cancel);
    let cancelled = cancel.load(Ordering::Relaxed);
    drop(cancel);
    for e in errors {
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
    let lines = (!found.is_empty() && source.contains(redoscope_audit::IGNORE_MARKER))
        .then(|| Lines::new(&source));
    for x in found {
        let flags = x.flags.clone();
        let mode = x.mode.unwrap_or_else(|| default_mode(x.flavor, &flags));
        let text = source.get(x.byte_range.clone()).unwrap_or("");
        let (end_line, end_column) = redoscope_audit::advance(x.line, x.column, text);
        r.occurrences.push(Occurrence {
            file: file.clone(),
            line: x.line,
            column: x.column,
            end_line,
            end_column,
            key: Key {
                flavor: x.flavor.name().to_string(),
                flags,
                mode: mode.name().to_string(),
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

fn walk(args: &Args, paths: &[PathBuf]) -> FileResult {
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
        .follow_links(args.follow)
        .threads(args.jobs.unwrap_or(0));
    let (dog, handle) = Watchdog::start();
    // Per file: (display path, canonical path, result). A file reached
    // twice (overlapping PATHs, links with --follow) is reported once,
    // under its first display path in sorted order, whatever the order
    // the threads reached it in.
    type Visit = (String, Option<PathBuf>, FileResult);
    let visits: Mutex<Vec<Visit>> = Mutex::default();
    builder.build_parallel().run(|| {
        let (args, dog, visits) = (args, &dog, &visits);
        Box::new(move |entry| {
            let visit = match entry {
                Ok(e) => {
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        return ignore::WalkState::Continue;
                    }
                    let canonical = std::fs::canonicalize(e.path()).ok();
                    let r = match Language::from_path(e.path()) {
                        Some(lang) => audit_file(e.path(), lang, args, dog),
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
                    (display(e.path()), canonical, r)
                }
                Err(e) => (String::new(), None, walk_error(e)),
            };
            visits.lock().unwrap_or_else(|e| e.into_inner()).push(visit);
            ignore::WalkState::Continue
        })
    });
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
        attack: r.attack.as_ref().and_then(|a| serde_json::to_value(a).ok()),
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

fn analyze_all(keys: &[Key], args: &Args) -> anyhow::Result<HashMap<Key, Analysis>> {
    use rayon::prelude::*;
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.jobs {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool.build().context("starting the analysis threads")?;
    let bar = if io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(keys.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} analyzing {pos}/{len} unique patterns [{bar:30}] {elapsed}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Some(bar)
    } else {
        None
    };
    let out = pool.install(|| {
        keys.par_iter()
            .map(|k| {
                let a = analyze(k, args.timeout);
                if let Some(b) = &bar {
                    b.inc(1);
                }
                (k.clone(), a)
            })
            .collect::<HashMap<_, _>>()
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(out)
}

fn write_report(audit: &Audit, r: &ReportArgs, with_baseline: bool) -> anyhow::Result<Status> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let version = env!("CARGO_PKG_VERSION");
    match r.format {
        AuditFormat::Text => emit::text(
            &mut out,
            audit,
            emit::TextOptions {
                color: r.color.enabled(),
                show_safe: r.show_safe,
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
    let walked = walk(args, &paths);
    let keys = redoscope_audit::unique_keys(&walked.occurrences, args.shard);
    let analyses = analyze_all(&keys, args)?;
    let audit = redoscope_audit::assemble(
        walked.occurrences,
        &analyses,
        walked.errors,
        walked.skipped,
        walked.scanned,
        &settings,
        start.elapsed().as_millis() as u64,
    );
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
