//! Agreement with the real engines: does `redoscope::syntax::parse` accept
//! exactly the patterns that the flavor's own engine accepts?
//!
//! Every pattern of a group of corpus sets goes through an oracle and through
//! our parser, and the accept/reject verdicts are compared. An oracle is a
//! program in `scripts/oracle/` (one subprocess per group, JSON Lines on
//! stdin/stdout) or, for PCRE2, the engine itself linked into the tests (the
//! `pcre2` dev-dependency, through `scripts/oracle/pcre2.rs`).
//!
//! - `js` (node) and `python` (python3) are normal tests: agreement must be at
//!   least [`THRESHOLD`] percent and every disagreement must be explained in
//!   `tests/agreement/known.toml`.
//! - `java` (java) and `pcre` (PCRE2 in-process) are `#[ignore]`d and only
//!   report figures: `cargo test --test tests agreement -- --ignored --nocapture`.
//!   The `pcre` group also reports a secondary comparison with perl
//!   (`scripts/oracle/perl.pl`), after the PCRE2 one: perl is only PCRE-like
//!   (it accepts unknown escapes such as `\i`, rejects `(?J)`, `(*UTF)` ...),
//!   so its figures are for information and never explained or asserted.
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

#[allow(dead_code)] // its `main` is the oracle example's; the tests use `verdict`
#[path = "../scripts/oracle/pcre2.rs"]
pub(crate) mod pcre2_oracle;

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

/// An engine that gives the verdicts.
enum Oracle {
    /// An external program: `program script` reading JSON Lines on stdin.
    Process {
        program: &'static str,
        script: &'static str,
    },
    /// An engine linked into the tests: `verdict(pattern, flags)` is `Err`
    /// with the engine's message when it rejects. Run on its own thread under
    /// [`ORACLE_TIMEOUT`] for the whole group.
    InProcess {
        name: &'static str,
        verdict: fn(&str, &str) -> Result<(), String>,
    },
}

impl Oracle {
    /// How the oracle is named in reports.
    fn shown(&self) -> String {
        match self {
            Oracle::Process { program, script } => format!("{program} {script}"),
            Oracle::InProcess { name, .. } => (*name).to_string(),
        }
    }

    /// Whether it can run here (a `skipping:` line is printed when not).
    fn available(&self) -> bool {
        match self {
            Oracle::Process { program, .. } => {
                let found = util::find_on_path(program).is_some();
                if !found {
                    println!("skipping: {program} not found");
                }
                found
            }
            Oracle::InProcess { .. } => true,
        }
    }
}

/// A report-only second oracle for a group, compared with our parser after
/// the primary one.
struct Secondary {
    oracle: Oracle,
    /// Rewrites the flags given to our parser into the flags for this oracle.
    flags: fn(&str) -> String,
}

/// A group of corpus sets checked against one oracle in one flavor.
struct Group {
    name: &'static str,
    flavor: Flavor,
    oracle: Oracle,
    sets: &'static [&'static str],
    /// Rewrites a record's flags into what both the oracle and our parser get.
    flags: fn(&str) -> String,
    /// A second, report-only oracle.
    secondary: Option<Secondary>,
    /// `Some(pct)`: assert agreement >= pct and that every disagreement is
    /// known. `None`: only report.
    threshold: Option<f64>,
}

fn flags_as_is(f: &str) -> String {
    f.to_string()
}

/// Snort modifiers include letters that are not PCRE flags (U, R, B, P, H, O
/// ...): only i, m, s, x and u (PHP's PCRE2_UTF) reach PCRE2 and our parser.
fn flags_pcre(f: &str) -> String {
    let mut out = String::new();
    for c in f.chars() {
        if "imsxu".contains(c) && !out.contains(c) {
            out.push(c);
        }
    }
    out
}

/// Perl has no `u` flag (its patterns are always Unicode strings).
fn flags_perl(f: &str) -> String {
    f.chars().filter(|&c| c != 'u').collect()
}

/// The PCRE2 oracle, in-process (see `scripts/oracle/pcre2.rs`).
const PCRE2_IN_PROCESS: Oracle = Oracle::InProcess {
    name: "PCRE2 in-process (pcre2::bytes::RegexBuilder, scripts/oracle/pcre2.rs)",
    verdict: pcre2_oracle::verdict,
};

const PERL: Oracle = Oracle::Process {
    program: "perl",
    script: "scripts/oracle/perl.pl",
};

const JS: Group = Group {
    name: "js",
    flavor: Flavor::Js,
    oracle: Oracle::Process {
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
    secondary: None,
    threshold: Some(THRESHOLD),
};

const PYTHON: Group = Group {
    name: "python",
    flavor: Flavor::Python,
    oracle: Oracle::Process {
        program: "python3",
        script: "scripts/oracle/python.py",
    },
    sets: &["redoshunter-corpus"],
    flags: flags_as_is,
    secondary: None,
    threshold: Some(THRESHOLD),
};

const JAVA: Group = Group {
    name: "java",
    flavor: Flavor::Java,
    oracle: Oracle::Process {
        program: "java",
        script: "scripts/oracle/Oracle.java",
    },
    sets: &["redos-benchmarks-regexlib-java8"],
    flags: flags_as_is,
    secondary: None,
    threshold: None,
};

const PCRE: Group = Group {
    name: "pcre",
    flavor: Flavor::Pcre,
    oracle: PCRE2_IN_PROCESS,
    sets: &[
        "redoshunter-snort",
        "rxxr2-snort",
        "redoshunter-batch-engines",
    ],
    flags: flags_pcre,
    secondary: Some(Secondary {
        oracle: PERL,
        flags: flags_perl,
    }),
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
    for oracle in [
        &JS.oracle,
        &PYTHON.oracle,
        &JAVA.oracle,
        &PCRE.oracle,
        &PERL,
    ] {
        let shown = oracle.shown();
        let (program, script, verdict) = match oracle {
            Oracle::Process { program, script } => (*program, *script, None),
            Oracle::InProcess { verdict, .. } => ("", "", Some(*verdict)),
        };
        if let Some(verdict) = verdict {
            // No JSON Lines here: the inputs that decode are asked directly;
            // the others (input errors of a program oracle) are left out.
            let start = Instant::now();
            let mut got = Vec::new();
            let mut want = Vec::new();
            for &(line, e) in cases.iter().filter(|(line, _)| !line.is_empty()) {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let (Some(pattern), Some(flags)) = (
                    v.get("pattern").and_then(|p| p.as_str()),
                    v.get("flags").and_then(|f| f.as_str()),
                ) else {
                    continue;
                };
                got.push(Some(verdict(pattern, flags).is_ok()));
                want.push(e);
            }
            assert_eq!(got, want, "{shown}: answers");
            println!("{shown}: ok in {:.2} s", start.elapsed().as_secs_f64());
            continue;
        }
        let Some(program) = util::find_on_path(program) else {
            println!("skipping: {program} not found");
            continue;
        };
        let mut cmd = Command::new(program);
        cmd.arg(util::manifest_dir().join(script));
        let out = util::run_with_input(cmd, input.clone().into_bytes(), ORACLE_TIMEOUT)
            .unwrap_or_else(|e| panic!("{script}: {e}"));
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("oracle output is UTF-8");
        let got: Vec<Option<bool>> = text
            .lines()
            .map(|l| {
                let l: OracleLine = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{script}: bad answer {l:?}: {e}"));
                assert!(
                    l.ok || l.error.is_some(),
                    "{script}: rejection without error"
                );
                (!l.input_error).then_some(l.ok)
            })
            .collect();
        assert_eq!(got, expected, "{script}: answers\n{text}");
        println!("{script}: ok in {:.2} s", out.elapsed.as_secs_f64());
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
    engine: &'a Verdict,
    ours: &'a Verdict,
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

/// Held while a group prints its report, so that reports do not interleave.
static REPORT: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The verdicts of one oracle on a group's cases, in order (`None`: the
/// oracle could not read the case, recorded as an input error).
struct OracleRun {
    verdicts: Vec<Option<Verdict>>,
    elapsed: Duration,
    input_errors: Vec<InputError>,
}

fn check(group: &Group) {
    let Some(corpora) = util::corpora_dir() else {
        return;
    };
    if !group.oracle.available() {
        return;
    }
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

    // The engine, then our parser.
    let shown = group.oracle.shown();
    let flags: Vec<&str> = cases.iter().map(|c| c.flags.as_str()).collect();
    let run = ask_oracle(&group.oracle, group, &cases, &flags)
        .unwrap_or_else(|e| panic!("oracle failed: {e}"));
    input_errors.extend(run.input_errors);
    let (ours, ours_elapsed) = parse_all(group.flavor, &cases);

    // Compare and report, one group at a time (the tests run in parallel).
    let _report = REPORT.lock().unwrap_or_else(|e| e.into_inner());
    let known = load_known(group.flavor);
    println!();
    println!(
        "== agreement, {} group: `{shown}` vs redoscope::syntax::parse(Flavor::{:?}), {} patterns; oracle {:.2} s, redoscope {:.2} s",
        group.name,
        group.flavor,
        cases.len(),
        run.elapsed.as_secs_f64(),
        ours_elapsed.as_secs_f64()
    );
    for n in &notes {
        println!("note: {n}");
    }
    let (total, unexplained) = compare(group, &loaded, &cases, &run.verdicts, &ours, Some(&known));
    if !input_errors.is_empty() {
        println!("input errors ({}), not compared:", input_errors.len());
        for e in &input_errors {
            println!("  {} line {}: {}", e.dataset, e.line, e.message);
        }
    }

    // The report-only second opinion, on the same cases and our same verdicts.
    if let Some(secondary) = &group.secondary {
        report_secondary(group, secondary, &loaded, &cases, &run.verdicts, &ours);
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

/// Compares `group.secondary`'s oracle with our verdicts and with the
/// primary oracle's, printing figures only (nothing here fails the test).
fn report_secondary(
    group: &Group,
    secondary: &Secondary,
    loaded: &[usize],
    cases: &[Case],
    primary: &[Option<Verdict>],
    ours: &[Verdict],
) {
    let shown = secondary.oracle.shown();
    println!();
    if !secondary.oracle.available() {
        return;
    }
    let flags: Vec<String> = cases.iter().map(|c| (secondary.flags)(&c.flags)).collect();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let run = match ask_oracle(&secondary.oracle, group, cases, &flags) {
        Ok(run) => run,
        Err(e) => {
            println!("secondary oracle `{shown}` failed (report only, not an error): {e}");
            return;
        }
    };
    println!(
        "== agreement, {} group, secondary (report only): `{shown}` vs redoscope::syntax::parse(Flavor::{:?}), {} patterns; oracle {:.2} s",
        group.name,
        group.flavor,
        cases.len(),
        run.elapsed.as_secs_f64()
    );
    compare(group, loaded, cases, &run.verdicts, ours, None);
    if !run.input_errors.is_empty() {
        println!(
            "input errors of the secondary oracle ({}), not compared:",
            run.input_errors.len()
        );
        for e in &run.input_errors {
            println!("  {} line {}: {}", e.dataset, e.line, e.message);
        }
    }
    // How far the two engines are apart, independent of our parser.
    let (mut both, mut only_primary, mut only_secondary) = (0usize, 0usize, 0usize);
    for (p, s) in primary.iter().zip(&run.verdicts) {
        let (Some(p), Some(s)) = (p, s) else { continue };
        both += 1;
        match (p, s) {
            (Verdict::Accept, Verdict::Accept) => {}
            (Verdict::Accept, _) => only_primary += 1,
            (_, Verdict::Accept) => only_secondary += 1,
            _ => {}
        }
    }
    println!(
        "`{}` and `{shown}` differ on {} of {both} patterns ({only_primary} only the first accepts, {only_secondary} only the second)",
        group.oracle.shown(),
        only_primary + only_secondary,
    );
}

/// Asks `oracle` about every case, with `flags[i]` for `cases[i]`. `Err` when
/// the oracle cannot be run, fails, or does not finish within
/// [`ORACLE_TIMEOUT`].
fn ask_oracle(
    oracle: &Oracle,
    group: &Group,
    cases: &[Case],
    flags: &[&str],
) -> Result<OracleRun, String> {
    match oracle {
        Oracle::Process { program, script } => ask_process(program, script, group, cases, flags),
        Oracle::InProcess { name, verdict } => ask_in_process(name, *verdict, cases, flags),
    }
}

/// All cases through one subprocess, JSON Lines both ways.
fn ask_process(
    program: &str,
    script: &str,
    group: &Group,
    cases: &[Case],
    flags: &[&str],
) -> Result<OracleRun, String> {
    let shown = format!("{program} {script}");
    let program = util::find_on_path(program).ok_or_else(|| format!("{program} not found"))?;
    let mut input = Vec::new();
    for (c, f) in cases.iter().zip(flags) {
        let line = serde_json::json!({ "pattern": c.pattern, "flags": f });
        serde_json::to_writer(&mut input, &line).expect("serialize oracle input");
        input.push(b'\n');
    }
    let mut cmd = Command::new(&program);
    cmd.arg(util::manifest_dir().join(script))
        .current_dir(util::manifest_dir());
    let out = util::run_with_input(cmd, input, ORACLE_TIMEOUT)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&[u8]> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    if !out.status.success() || lines.len() != cases.len() {
        return Err(format!(
            "`{shown}` exited with {} after {} of {} answers; stderr:\n{}",
            out.status,
            lines.len(),
            cases.len(),
            util::tail(&stderr, 4000)
        ));
    }
    if !stderr.trim().is_empty() {
        println!("note: oracle stderr:\n{}", util::tail(&stderr, 4000));
    }
    let mut input_errors = Vec::new();
    let mut verdicts: Vec<Option<Verdict>> = Vec::with_capacity(cases.len());
    for (line, case) in lines.iter().zip(cases) {
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
                verdicts.push(None);
            }
            Ok(l) if l.ok => verdicts.push(Some(Verdict::Accept)),
            Ok(l) => verdicts.push(Some(Verdict::Reject(
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
                verdicts.push(None);
            }
        }
    }
    Ok(OracleRun {
        verdicts,
        elapsed: out.elapsed,
        input_errors,
    })
}

/// All cases through an in-process engine on its own thread. A compile that
/// does not finish within [`ORACLE_TIMEOUT`] (all cases together) is an
/// `Err` naming the case it is stuck on; the thread is left behind, the test
/// binary ends anyway. A panic of the engine is an input error, not a verdict.
fn ask_in_process(
    name: &str,
    verdict: fn(&str, &str) -> Result<(), String>,
    cases: &[Case],
    flags: &[&str],
) -> Result<OracleRun, String> {
    install_quiet_hook();
    let work: Vec<(String, String)> = cases
        .iter()
        .zip(flags)
        .map(|(c, f)| (c.pattern.clone(), f.to_string()))
        .collect();
    let progress = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let at = Arc::clone(&progress);
    std::thread::Builder::new()
        .name("agreement-oracle".into())
        .stack_size(64 << 20)
        .spawn(move || {
            QUIET.with(|q| q.set(true));
            let start = Instant::now();
            let verdicts: Vec<Result<Verdict, String>> = work
                .iter()
                .enumerate()
                .map(|(i, (pattern, flags))| {
                    at.store(i, Ordering::Relaxed);
                    match std::panic::catch_unwind(|| verdict(pattern, flags)) {
                        Ok(Ok(())) => Ok(Verdict::Accept),
                        Ok(Err(m)) => Ok(Verdict::Reject(m)),
                        Err(_) => Err(LAST_PANIC
                            .with(|p| p.borrow_mut().take())
                            .unwrap_or_else(|| "panic".into())),
                    }
                })
                .collect();
            let _ = tx.send((verdicts, start.elapsed()));
        })
        .expect("spawn oracle thread");
    let (answers, elapsed) = match rx.recv_timeout(ORACLE_TIMEOUT) {
        Ok(done) => done,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let i = progress.load(Ordering::Relaxed);
            let c = &cases[i];
            return Err(format!(
                "{name} did not finish within {ORACLE_TIMEOUT:?} ({i} of {} cases done); stuck on {} flags {:?} pattern {:?}",
                cases.len(),
                c.id,
                flags[i],
                c.pattern
            ));
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            return Err(format!("{name}: oracle thread died"))
        }
    };
    let mut input_errors = Vec::new();
    let verdicts = answers
        .into_iter()
        .zip(cases)
        .map(|(a, case)| match a {
            Ok(v) => Some(v),
            Err(panic) => {
                input_errors.push(InputError {
                    dataset: case.id.clone(),
                    line: 0,
                    message: format!("{name} panicked: {panic}"),
                });
                None
            }
        })
        .collect();
    Ok(OracleRun {
        verdicts,
        elapsed,
        input_errors,
    })
}

/// Tallies `engine` against `ours` per set and prints the table and the
/// disagreements. With `known` (the primary oracle) disagreements are
/// matched against [`KNOWN_FILE`]; without (a secondary oracle) they are
/// listed as `report`. Returns the group's tally and the number of
/// unexplained disagreements (0 without `known`).
fn compare(
    group: &Group,
    loaded: &[usize],
    cases: &[Case],
    engine: &[Option<Verdict>],
    ours: &[Verdict],
    known: Option<&[Known]>,
) -> (Tally, usize) {
    let known_list = known.unwrap_or(&[]);
    let mut known_used = vec![false; known_list.len()];
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, k) in known_list.iter().enumerate() {
        index.entry(k.pattern.as_str()).or_default().push(i);
    }
    let mut tallies: BTreeMap<usize, Tally> =
        loaded.iter().map(|&si| (si, Tally::default())).collect();
    let mut disagreements: Vec<Disagreement> = Vec::new();
    for ((case, engine), ours) in cases.iter().zip(engine).zip(ours) {
        let Some(engine) = engine else { continue };
        let t = tallies.get_mut(&case.set).expect("loaded set");
        t.total += 1;
        let agree = match (engine, ours) {
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
                ks.iter().copied().find(|&i| {
                    known_list[i]
                        .flags
                        .as_deref()
                        .is_none_or(|f| f == case.flags)
                })
            });
            let reason = hit.map(|i| {
                known_used[i] = true;
                known_list[i].reason.clone()
            });
            disagreements.push(Disagreement {
                case,
                engine,
                ours,
                reason,
            });
        }
    }

    let mut total = Tally::default();
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

    // Unexplained first: they are what fails the test.
    disagreements.sort_by_key(|d| d.reason.is_some());
    let unexplained = if known.is_some() {
        disagreements.iter().filter(|d| d.reason.is_none()).count()
    } else {
        0
    };
    let show = match std::env::var("REDOSCOPE_AGREEMENT_SHOW").as_deref() {
        Ok("all") => usize::MAX,
        Ok(n) => n.parse().unwrap_or(DEFAULT_SHOW),
        Err(_) => DEFAULT_SHOW,
    };
    if !disagreements.is_empty() {
        if known.is_some() {
            println!(
                "disagreements: {} ({} unexplained, {} explained in {KNOWN_FILE})",
                disagreements.len(),
                unexplained,
                disagreements.len() - unexplained
            );
        } else {
            println!(
                "disagreements: {} (report only, not matched against {KNOWN_FILE})",
                disagreements.len()
            );
        }
    }
    let untagged = if known.is_some() {
        "UNEXPLAINED"
    } else {
        "report"
    };
    for d in disagreements.iter().take(show) {
        print!("{}", describe(d, untagged));
    }
    if disagreements.len() > show {
        println!(
            "... and {} more disagreements not shown ({} of them unexplained); set REDOSCOPE_AGREEMENT_SHOW=all to list them",
            disagreements.len() - show,
            disagreements
                .iter()
                .skip(show)
                .filter(|d| known.is_some() && d.reason.is_none())
                .count()
        );
    }
    let stale: Vec<&Known> = known_list
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
    (total, unexplained)
}

/// One disagreement; `untagged` is the tag shown when it has no reason.
fn describe(d: &Disagreement, untagged: &str) -> String {
    let mut s = String::new();
    let tag = match &d.reason {
        None => untagged,
        Some(_) => "known",
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
    let _ = writeln!(s, "      engine:    {}", show(d.engine));
    let _ = writeln!(s, "      redoscope: {}", show(d.ours));
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
