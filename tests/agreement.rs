//! Agreement with the real engines: does `redoscope::syntax::parse` accept
//! exactly the patterns that the flavor's own engine accepts?
//!
//! Every pattern of a group of corpus sets goes through an oracle program in
//! `scripts/oracle/` (one subprocess per group, JSON Lines on stdin/stdout)
//! and through our parser, and the accept/reject verdicts are compared.
//!
//! - `js` (node) and `python` (python3) are normal tests: agreement must be at
//!   least [`THRESHOLD`] percent and every disagreement must be explained in
//!   `tests/agreement/known.toml`.
//! - `java` (java) and `pcre` (perl) are `#[ignore]`d and only report figures:
//!   `cargo test --test tests agreement -- --ignored --nocapture`.
//!
//! Known disagreements are still counted as disagreements in the percentages.
//! Without the corpora (`$REDOSCOPE_CORPORA` or `../shared/corpora`) or the
//! oracle's interpreter on `$PATH`, a test prints `skipping: ...` and passes.
//!
//! `REDOSCOPE_AGREEMENT_SHOW=<n>|all` changes how many disagreements are
//! listed (default [`DEFAULT_SHOW`]).

use crate::util::{self, InputError};
use redoscope::syntax::{self, Flavor};
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// The agreement (in percent) that the js and python groups must reach.
const THRESHOLD: f64 = 99.9;
/// How long an oracle may take for a whole group before it is killed.
const ORACLE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long our parser may take for a whole group.
const PARSE_TIMEOUT: Duration = Duration::from_secs(120);
/// How many disagreements are listed by default.
const DEFAULT_SHOW: usize = 200;
/// Where the explained disagreements live, relative to the package root.
const KNOWN_FILE: &str = "tests/agreement/known.toml";

/// An external engine: `program script` reading JSON Lines on stdin.
struct Oracle {
    program: &'static str,
    script: &'static str,
}

/// A group of corpus sets checked against one oracle in one flavor.
struct Group {
    name: &'static str,
    flavor: Flavor,
    oracle: Oracle,
    sets: &'static [&'static str],
    /// Rewrites a record's flags into what both the oracle and our parser get.
    flags: fn(&str) -> String,
    /// `Some(pct)`: assert agreement >= pct and that every disagreement is
    /// known. `None`: only report.
    threshold: Option<f64>,
}

fn flags_as_is(f: &str) -> String {
    f.to_string()
}

/// Snort modifiers include letters that are not PCRE flags (U, R, B, P, H, O
/// ...): only i, m, s, x reach perl and our parser.
fn flags_pcre(f: &str) -> String {
    let mut out = String::new();
    for c in f.chars() {
        if "imsx".contains(c) && !out.contains(c) {
            out.push(c);
        }
    }
    out
}

const JS: Group = Group {
    name: "js",
    flavor: Flavor::Js,
    oracle: Oracle {
        program: "node",
        script: "scripts/oracle/node.js",
    },
    sets: &[
        "redos-detector-tests",
        "eslint-plugin-regexp-tests",
        "recheck-automaton-tests",
        "vuln-regex-detector-tests",
        "redoshunter-batch-engines",
    ],
    flags: flags_as_is,
    threshold: Some(THRESHOLD),
};

const PYTHON: Group = Group {
    name: "python",
    flavor: Flavor::Python,
    oracle: Oracle {
        program: "python3",
        script: "scripts/oracle/python.py",
    },
    sets: &["redoshunter-corpus"],
    flags: flags_as_is,
    threshold: Some(THRESHOLD),
};

const JAVA: Group = Group {
    name: "java",
    flavor: Flavor::Java,
    oracle: Oracle {
        program: "java",
        script: "scripts/oracle/Oracle.java",
    },
    sets: &["redos-benchmarks-regexlib-java8"],
    flags: flags_as_is,
    threshold: None,
};

const PCRE: Group = Group {
    name: "pcre",
    flavor: Flavor::Pcre,
    oracle: Oracle {
        program: "perl",
        script: "scripts/oracle/perl.pl",
    },
    sets: &[
        "redoshunter-snort",
        "rxxr2-snort",
        "redoshunter-batch-engines",
    ],
    flags: flags_pcre,
    threshold: None,
};

#[test]
fn js() {
    check(&JS);
}

#[test]
fn python() {
    check(&PYTHON);
}

#[test]
#[ignore = "report only: cargo test --test tests agreement -- --ignored --nocapture"]
fn java() {
    check(&JAVA);
}

#[test]
#[ignore = "report only: cargo test --test tests agreement -- --ignored --nocapture"]
fn pcre() {
    check(&PCRE);
}

/// Each oracle on its own, independent of our parser and of the corpora:
/// verdicts, order, escaping round trips (NUL, newline, quote, backslash,
/// non-BMP), bad flags, blank and malformed input lines.
#[test]
fn oracles_work() {
    // (input line, expected: Some(accepts) or None for an input error)
    let cases: &[(&str, Option<bool>)] = &[
        (r#"{"pattern":"(a","flags":""}"#, Some(false)),
        (r#"{"pattern":"a+","flags":""}"#, Some(true)),
        // NUL, newline, e-acute, U+1F600 (as a surrogate pair escape).
        (
            r#"{"pattern":"a\u0000b\nc\u00e9\ud83d\ude00+","flags":""}"#,
            Some(true),
        ),
        // `"\\` is a quote then an escaped backslash; `"\` ends in a lone backslash.
        (r#"{"pattern":"\"\\\\","flags":""}"#, Some(true)),
        (r#"{"pattern":"\"\\","flags":""}"#, Some(false)),
        ("", None), // blank: no answer at all
        (r#"{"pattern":"a","flags":"Q"}"#, Some(false)),
        ("not json", None),
        // Raw (unescaped) non-ASCII, including U+2028, which is not a line end here.
        (
            "{\"pattern\":\"\u{e9}\u{2028}\u{1F600}x\",\"flags\":\"\"}",
            Some(true),
        ),
        (r#"{"flags":"i","pattern":"x"}"#, Some(true)),
    ];
    let mut input = String::new();
    for (line, _) in cases {
        input.push_str(line);
        input.push('\n');
    }
    let expected: Vec<Option<bool>> = cases
        .iter()
        .filter(|(line, _)| !line.is_empty())
        .map(|&(_, e)| e)
        .collect();
    for oracle in [&JS.oracle, &PYTHON.oracle, &JAVA.oracle, &PCRE.oracle] {
        let Some(program) = util::find_on_path(oracle.program) else {
            println!("skipping: {} not found", oracle.program);
            continue;
        };
        let mut cmd = Command::new(program);
        cmd.arg(util::manifest_dir().join(oracle.script));
        let out = util::run_with_input(cmd, input.clone().into_bytes(), ORACLE_TIMEOUT)
            .unwrap_or_else(|e| panic!("{}: {e}", oracle.script));
        assert!(
            out.status.success(),
            "{}: {}",
            oracle.script,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("oracle output is UTF-8");
        let got: Vec<Option<bool>> = text
            .lines()
            .map(|l| {
                let l: OracleLine = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{}: bad answer {l:?}: {e}", oracle.script));
                assert!(
                    l.ok || l.error.is_some(),
                    "{}: rejection without error",
                    oracle.script
                );
                (!l.input_error).then_some(l.ok)
            })
            .collect();
        assert_eq!(got, expected, "{}: answers\n{text}", oracle.script);
        println!(
            "{}: ok in {:.2} s",
            oracle.script,
            out.elapsed.as_secs_f64()
        );
    }
}

// ---------------------------------------------------------------------------

/// One pattern to compare.
struct Case {
    set: usize,
    id: String,
    pattern: String,
    flags: String,
}

/// A verdict: accepted, or rejected with a message.
#[derive(Clone, Debug)]
enum Verdict {
    Accept,
    Reject(String),
    /// Our parser panicked (always a disagreement).
    Panic(String),
}

#[derive(Default, Clone)]
struct Tally {
    total: usize,
    both_accept: usize,
    both_reject: usize,
    only_engine_accepts: usize,
    only_we_accept: usize,
    panics: usize,
}

impl Tally {
    fn agree(&self) -> usize {
        self.both_accept + self.both_reject
    }

    fn disagree(&self) -> usize {
        self.total - self.agree()
    }

    fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.agree() as f64 / self.total as f64
        }
    }

    fn add(&mut self, o: &Tally) {
        self.total += o.total;
        self.both_accept += o.both_accept;
        self.both_reject += o.both_reject;
        self.only_engine_accepts += o.only_engine_accepts;
        self.only_we_accept += o.only_we_accept;
        self.panics += o.panics;
    }
}

struct Disagreement<'a> {
    case: &'a Case,
    engine: Verdict,
    ours: Verdict,
    reason: Option<String>,
}

/// `tests/agreement/known.toml`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KnownFile {
    #[serde(default)]
    known: Vec<Known>,
}

/// An explained disagreement, keyed by (flavor, pattern) and optionally flags.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Known {
    flavor: String,
    pattern: String,
    /// When given, only these flags (as passed to the parser) match.
    flags: Option<String>,
    reason: String,
}

fn load_known(flavor: Flavor) -> Vec<Known> {
    let path = util::manifest_dir().join(KNOWN_FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: KnownFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{} is malformed: {e}", path.display()));
    for k in &file.known {
        let f: Flavor = k
            .flavor
            .parse()
            .unwrap_or_else(|e| panic!("{KNOWN_FILE}: {e}"));
        assert!(
            f.name() == k.flavor,
            "{KNOWN_FILE}: write flavor {:?} as {:?}",
            k.flavor,
            f.name()
        );
        assert!(
            !k.reason.trim().is_empty(),
            "{KNOWN_FILE}: empty reason for {:?}",
            k.pattern
        );
    }
    file.known
        .into_iter()
        .filter(|k| k.flavor == flavor.name())
        .collect()
}

/// The oracle's answer for one line.
#[derive(Deserialize)]
struct OracleLine {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    input_error: bool,
}

fn check(group: &Group) {
    let Some(corpora) = util::corpora_dir() else {
        return;
    };
    let Some(program) = util::find_on_path(group.oracle.program) else {
        println!("skipping: {} not found", group.oracle.program);
        return;
    };
    let script = util::manifest_dir().join(group.oracle.script);
    let mut input_errors: Vec<InputError> = Vec::new();

    // Load the sets.
    let mut cases: Vec<Case> = Vec::new();
    let mut loaded: Vec<usize> = Vec::new(); // indices into group.sets
    let mut notes: Vec<String> = Vec::new();
    for (si, &set) in group.sets.iter().enumerate() {
        let Some((records, errors)) = util::load_dataset(&corpora, set) else {
            println!(
                "skipping set {set}: {} not found",
                corpora.join(set).join("data.jsonl").display()
            );
            continue;
        };
        loaded.push(si);
        input_errors.extend(errors);
        let (mut other, mut assumed) = (0usize, 0usize);
        for r in records {
            match r.flavor.parse::<Flavor>() {
                Ok(f) if f == group.flavor => {}
                Ok(_) => {
                    other += 1;
                    continue;
                }
                // "unknown": a set chosen for this group is read in its flavor.
                Err(_) => assumed += 1,
            }
            let flags = (group.flags)(&r.flags);
            cases.push(Case {
                set: si,
                id: r.id,
                pattern: r.pattern,
                flags,
            });
        }
        if other > 0 {
            notes.push(format!("{set}: {other} records of other flavors left out"));
        }
        if assumed > 0 {
            notes.push(format!(
                "{set}: {assumed} records with flavor 'unknown' read as {}",
                group.flavor
            ));
        }
    }
    if loaded.is_empty() {
        println!(
            "skipping: none of the {} sets found under {}",
            group.name,
            corpora.display()
        );
        return;
    }

    // The engine, all patterns in one subprocess.
    let mut input = Vec::new();
    for c in &cases {
        let line = serde_json::json!({ "pattern": c.pattern, "flags": c.flags });
        serde_json::to_writer(&mut input, &line).expect("serialize oracle input");
        input.push(b'\n');
    }
    let mut cmd = Command::new(&program);
    cmd.arg(&script).current_dir(util::manifest_dir());
    let shown = format!("{} {}", group.oracle.program, group.oracle.script);
    let out = util::run_with_input(cmd, input, ORACLE_TIMEOUT)
        .unwrap_or_else(|e| panic!("oracle failed: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&[u8]> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert!(
        out.status.success() && lines.len() == cases.len(),
        "oracle `{shown}` exited with {} after {} of {} answers; stderr:\n{}",
        out.status,
        lines.len(),
        cases.len(),
        util::tail(&stderr, 4000)
    );
    if !stderr.trim().is_empty() {
        println!("note: oracle stderr:\n{}", util::tail(&stderr, 4000));
    }
    let mut engine: Vec<Option<Verdict>> = Vec::with_capacity(cases.len());
    for (line, case) in lines.iter().zip(&cases) {
        let set = group.sets[case.set];
        match serde_json::from_slice::<OracleLine>(line) {
            Ok(l) if l.input_error => {
                input_errors.push(InputError {
                    dataset: set.to_string(),
                    line: 0,
                    message: format!(
                        "{}: oracle could not read it: {}",
                        case.id,
                        l.error.unwrap_or_default()
                    ),
                });
                engine.push(None);
            }
            Ok(l) if l.ok => engine.push(Some(Verdict::Accept)),
            Ok(l) => engine.push(Some(Verdict::Reject(
                l.error.unwrap_or_else(|| "(no message)".into()),
            ))),
            Err(e) => {
                input_errors.push(InputError {
                    dataset: set.to_string(),
                    line: 0,
                    message: format!(
                        "{}: oracle answer {:?} does not decode: {e}",
                        case.id,
                        String::from_utf8_lossy(line)
                    ),
                });
                engine.push(None);
            }
        }
    }

    // Our parser.
    let (ours, ours_elapsed) = parse_all(group.flavor, &cases);

    // Compare.
    let known = load_known(group.flavor);
    let mut known_used = vec![false; known.len()];
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, k) in known.iter().enumerate() {
        index.entry(k.pattern.as_str()).or_default().push(i);
    }
    let mut tallies: BTreeMap<usize, Tally> =
        loaded.iter().map(|&si| (si, Tally::default())).collect();
    let mut disagreements: Vec<Disagreement> = Vec::new();
    for ((case, engine), ours) in cases.iter().zip(engine).zip(ours) {
        let Some(engine) = engine else { continue };
        let t = tallies.get_mut(&case.set).expect("loaded set");
        t.total += 1;
        let agree = match (&engine, &ours) {
            (_, Verdict::Panic(_)) => {
                t.panics += 1;
                false
            }
            (Verdict::Accept, Verdict::Accept) => {
                t.both_accept += 1;
                true
            }
            (Verdict::Accept, _) => {
                t.only_engine_accepts += 1;
                false
            }
            (_, Verdict::Accept) => {
                t.only_we_accept += 1;
                false
            }
            _ => {
                t.both_reject += 1;
                true
            }
        };
        if !agree {
            let hit = index.get(case.pattern.as_str()).and_then(|ks| {
                ks.iter()
                    .copied()
                    .find(|&i| known[i].flags.as_deref().is_none_or(|f| f == case.flags))
            });
            let reason = hit.map(|i| {
                known_used[i] = true;
                known[i].reason.clone()
            });
            disagreements.push(Disagreement {
                case,
                engine,
                ours,
                reason,
            });
        }
    }

    // Report.
    let mut total = Tally::default();
    println!();
    println!(
        "== agreement, {} group: `{shown}` vs redoscope::syntax::parse(Flavor::{:?}), {} patterns; oracle {:.2} s, redoscope {:.2} s",
        group.name,
        group.flavor,
        cases.len(),
        out.elapsed.as_secs_f64(),
        ours_elapsed.as_secs_f64()
    );
    for n in &notes {
        println!("note: {n}");
    }
    println!(
        "{:<34} {:>6} {:>11} {:>11} {:>12} {:>12} {:>6} {:>10}",
        "set",
        "total",
        "both-accept",
        "both-reject",
        "only-engine",
        "only-we",
        "panics",
        "agreement"
    );
    let row = |name: &str, t: &Tally| {
        println!(
            "{:<34} {:>6} {:>11} {:>11} {:>12} {:>12} {:>6} {:>9.3}%",
            name,
            t.total,
            t.both_accept,
            t.both_reject,
            t.only_engine_accepts,
            t.only_we_accept,
            t.panics,
            t.percent()
        )
    };
    for (&si, t) in &tallies {
        row(group.sets[si], t);
        total.add(t);
    }
    row(&format!("{} group", group.name), &total);
    println!("(only-engine = only the engine accepts; only-we = only redoscope accepts)");

    if !input_errors.is_empty() {
        println!("input errors ({}), not compared:", input_errors.len());
        for e in &input_errors {
            println!("  {} line {}: {}", e.dataset, e.line, e.message);
        }
    }

    // Unexplained first: they are what fails the test.
    disagreements.sort_by_key(|d| d.reason.is_some());
    let unexplained = disagreements.iter().filter(|d| d.reason.is_none()).count();
    let show = match std::env::var("REDOSCOPE_AGREEMENT_SHOW").as_deref() {
        Ok("all") => usize::MAX,
        Ok(n) => n.parse().unwrap_or(DEFAULT_SHOW),
        Err(_) => DEFAULT_SHOW,
    };
    if !disagreements.is_empty() {
        println!(
            "disagreements: {} ({} unexplained, {} explained in {KNOWN_FILE})",
            disagreements.len(),
            unexplained,
            disagreements.len() - unexplained
        );
    }
    for d in disagreements.iter().take(show) {
        print!("{}", describe(d));
    }
    if disagreements.len() > show {
        println!(
            "... and {} more disagreements not shown ({} of them unexplained); set REDOSCOPE_AGREEMENT_SHOW=all to list them",
            disagreements.len() - show,
            disagreements.iter().skip(show).filter(|d| d.reason.is_none()).count()
        );
    }
    let stale: Vec<&Known> = known
        .iter()
        .zip(&known_used)
        .filter(|(_, &u)| !u)
        .map(|(k, _)| k)
        .collect();
    if !stale.is_empty() {
        println!(
            "note: {} {KNOWN_FILE} entries for {} matched no disagreement here:",
            stale.len(),
            group.name
        );
        for k in stale {
            let flags = k
                .flags
                .as_deref()
                .map(|f| format!(" flags {f:?}"))
                .unwrap_or_default();
            println!("  pattern {:?}{flags}: {}", k.pattern, k.reason);
        }
    }

    if let Some(threshold) = group.threshold {
        let mut failures = Vec::new();
        if total.percent() < threshold {
            failures.push(format!(
                "agreement {:.3}% is below {threshold}% ({} of {} patterns disagree)",
                total.percent(),
                total.disagree(),
                total.total
            ));
        }
        if unexplained > 0 {
            failures.push(format!(
                "{unexplained} disagreements are not explained in {KNOWN_FILE} (listed above, unexplained first)"
            ));
        }
        assert!(
            failures.is_empty(),
            "{} group vs `{shown}`: {}",
            group.name,
            failures.join("; ")
        );
    }
}

fn describe(d: &Disagreement) -> String {
    let mut s = String::new();
    let tag = match &d.reason {
        None => "UNEXPLAINED".to_string(),
        Some(_) => "known".to_string(),
    };
    let _ = writeln!(
        s,
        "  [{tag}] {}  flags {:?}  pattern {:?}",
        d.case.id, d.case.flags, d.case.pattern
    );
    let show = |v: &Verdict| match v {
        Verdict::Accept => "accepts".to_string(),
        Verdict::Reject(m) => format!("rejects: {m}"),
        Verdict::Panic(m) => format!("PANICS: {m}"),
    };
    let _ = writeln!(s, "      engine:    {}", show(&d.engine));
    let _ = writeln!(s, "      redoscope: {}", show(&d.ours));
    if let Some(r) = &d.reason {
        let _ = writeln!(s, "      reason:    {r}");
    }
    s
}

thread_local! {
    /// Set while our parser runs, so that its panics are recorded, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Wraps the panic hook once: on a thread in [`QUIET`] mode a panic is kept in
/// [`LAST_PANIC`] instead of printed; elsewhere the previous hook runs.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

/// Parses every case on a thread with a large stack (a recursive parser must
/// not abort the test binary on deep nesting), catching panics. A parser that
/// does not finish within [`PARSE_TIMEOUT`] fails the test with the pattern
/// it is stuck on (the thread is left behind; the test binary ends anyway).
fn parse_all(flavor: Flavor, cases: &[Case]) -> (Vec<Verdict>, Duration) {
    install_quiet_hook();
    let work: Vec<(String, String)> = cases
        .iter()
        .map(|c| (c.pattern.clone(), c.flags.clone()))
        .collect();
    let progress = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let at = Arc::clone(&progress);
    std::thread::Builder::new()
        .name("agreement-parse".into())
        .stack_size(256 << 20)
        .spawn(move || {
            QUIET.with(|q| q.set(true));
            let start = Instant::now();
            let verdicts = work
                .iter()
                .enumerate()
                .map(|(i, (pattern, flags))| {
                    at.store(i, Ordering::Relaxed);
                    match std::panic::catch_unwind(|| syntax::parse(pattern, flavor, flags)) {
                        Ok(Ok(_)) => Verdict::Accept,
                        Ok(Err(e)) => Verdict::Reject(format!(
                            "{} ({:?} at {}..{})",
                            e.message, e.kind, e.span.start, e.span.end
                        )),
                        Err(_) => Verdict::Panic(
                            LAST_PANIC
                                .with(|p| p.borrow_mut().take())
                                .unwrap_or_else(|| "panic".into()),
                        ),
                    }
                })
                .collect();
            let _ = tx.send((verdicts, start.elapsed()));
        })
        .expect("spawn parser thread");
    match rx.recv_timeout(PARSE_TIMEOUT) {
        Ok(done) => done,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let c = &cases[progress.load(Ordering::Relaxed)];
            panic!(
                "redoscope::syntax::parse did not finish within {PARSE_TIMEOUT:?}; stuck on {} flags {:?} pattern {:?}",
                c.id, c.flags, c.pattern
            )
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("parser thread died"),
    }
}
