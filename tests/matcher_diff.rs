//! The reference matcher (`redoscope-backtrack`) against the real engines:
//! node for flavor js (`scripts/oracle/match.js`) and python3 for flavor
//! python (`scripts/oracle/match.py`).
//!
//! For each corpus pattern of the flavor that our parser, the lowering and
//! the reference matcher accept, inputs are generated from its IR (see
//! [`inputs`]) and searched by both: the match (or its absence), its span
//! and the span of every group both report must be the same.
//!
//! - Inputs on which the reference needs more than [`STEP_LIMIT`] steps are
//!   left out (and counted): the engine could backtrack catastrophically on
//!   them too. The engine runs in batches of [`BATCH`] patterns, each killed
//!   after [`BATCH_TIMEOUT`]; a batch that fails is retried one pattern at a
//!   time to name the culprit; a pattern that fails alone fails the test.
//! - Every known difference is an explicit case in
//!   `tests/cases/matcher/known.toml` with its reason: `known_differences`
//!   checks each one on both sides, and the corpus runs fail on a
//!   difference that is not listed, or on a listed one that now agrees or
//!   differs in another way.
//! - `js` and `python` run a fixed slice (every n-th pattern);
//!   `all_patterns` (ignored) runs every js and python pattern:
//!   `cargo test --release --test tests matcher -- --include-ignored --nocapture`.
//!
//! Without the corpora or the engine's program on `$PATH`, a test prints
//! `skipping: ...` and passes.

mod inputs;

use crate::util;
use redoscope::backtrack::{Limit, Matcher};
use redoscope::syntax::{self, Flavor};
use redoscope::Mode;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Inputs on which the reference takes more steps than this are skipped.
const STEP_LIMIT: u64 = 100_000;
/// The seed of the input generator (mixed with each pattern).
const SEED: u64 = 0x5eed;
/// Patterns per engine subprocess.
const BATCH: usize = 100;
/// How long one batch may take before it is killed.
const BATCH_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one pattern may take when a failed batch is retried.
const ALONE_TIMEOUT: Duration = Duration::from_secs(10);
/// The explained differences, relative to the package root.
const KNOWN_FILE: &str = "tests/cases/matcher/known.toml";
/// How many unexplained differences are printed.
const SHOW: usize = 60;

/// A real engine and the corpus sets holding patterns of its flavor.
struct Engine {
    flavor: Flavor,
    program: &'static str,
    script: &'static str,
    sets: &'static [&'static str],
}

const JS: Engine = Engine {
    flavor: Flavor::Js,
    program: "node",
    script: "scripts/oracle/match.js",
    sets: &[
        "redos-detector-tests",
        "eslint-plugin-regexp-tests",
        "recheck-automaton-tests",
        "vuln-regex-detector-tests",
        "redoshunter-batch-engines",
    ],
};

const PYTHON: Engine = Engine {
    flavor: Flavor::Python,
    program: "python3",
    script: "scripts/oracle/match.py",
    sets: &["redoshunter-corpus"],
};

/// Which of an engine's patterns to run.
#[derive(Clone, Copy)]
enum Slice {
    All,
    /// Every n-th pattern (the 0th, the n-th, ...), across the sets in order.
    Every(usize),
}

#[test]
fn js() {
    if let Err(e) = check(&JS, Slice::Every(2)) {
        panic!("{e}");
    }
}

#[test]
fn python() {
    if let Err(e) = check(&PYTHON, Slice::Every(4)) {
        panic!("{e}");
    }
}

#[test]
#[ignore = "slow: cargo test --release --test tests matcher -- --include-ignored --nocapture"]
fn all_patterns() {
    // Both flavors run before either fails.
    let js = check(&JS, Slice::All);
    let python = check(&PYTHON, Slice::All);
    let failed: Vec<String> = [js, python].into_iter().filter_map(Result::err).collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Each listed difference, run on both sides: both must still give the
/// listed results.
#[test]
fn known_differences() {
    let known = load_known();
    for engine in [&JS, &PYTHON] {
        let mine: Vec<&Known> = known
            .iter()
            .filter(|k| k.flavor == engine.flavor.name())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let Some(program) = util::find_on_path(engine.program) else {
            println!("skipping: {} not found", engine.program);
            continue;
        };
        let cases: Vec<Case> = mine
            .iter()
            .map(|k| {
                let l = syntax::lower(&syntax::parse(&k.pattern, engine.flavor, &k.flags).unwrap())
                    .unwrap();
                let mut m = Matcher::new(&l).unwrap();
                let (res, hit) = reference(&mut m, &k.input);
                assert!(
                    !hit,
                    "{KNOWN_FILE}: {:?} on {:?} hits the step limit",
                    k.pattern, k.input
                );
                Case {
                    id: "known".into(),
                    pattern: k.pattern.clone(),
                    flags: k.flags.clone(),
                    inputs: vec![k.input.clone()],
                    reference: vec![res],
                }
            })
            .collect();
        let refs: Vec<&Case> = cases.iter().collect();
        let answers = ask(&program, engine.script, &refs, BATCH_TIMEOUT)
            .unwrap_or_else(|e| panic!("{}: {e}", engine.script));
        let mut wrong = String::new();
        for ((k, case), a) in mine.iter().zip(&cases).zip(&answers) {
            let engine_res = match a {
                Answer {
                    ok: true, results, ..
                } => results[0].clone(),
                Answer { error, .. } => panic!("{:?}: the engine rejects it: {error:?}", k.pattern),
            };
            let (e, r) = (show(&convert(&engine_res)), show(&case.reference[0]));
            if e != k.engine || r != k.reference || agree(&case.reference[0], &convert(&engine_res))
            {
                let _ = writeln!(
                    wrong,
                    "  {} {:?} on {:?}: engine {e} (listed {}), reference {r} (listed {})",
                    k.flavor, k.pattern, k.input, k.engine, k.reference
                );
            }
        }
        assert!(
            wrong.is_empty(),
            "{KNOWN_FILE}: entries that no longer hold:\n{wrong}"
        );
        println!(
            "{}: {} known differences hold",
            engine.flavor.name(),
            mine.len()
        );
    }
}

// ---------------------------------------------------------------------------

/// A match: the span of the whole match, then of each group (`None`: the
/// group did not take part); `None` when there is no match.
type Res = Option<Vec<Option<(usize, usize)>>>;

/// `none`, `2..5`, or `2..5 (2..3, -)` with the groups.
fn show(r: &Res) -> String {
    let Some(groups) = r else {
        return "none".into();
    };
    let span = |g: &Option<(usize, usize)>| match g {
        Some((a, b)) => format!("{a}..{b}"),
        None => "-".into(),
    };
    let mut s = groups.first().map_or_else(|| "?".into(), span);
    if groups.len() > 1 {
        let rest: Vec<String> = groups[1..].iter().map(span).collect();
        let _ = write!(s, " ({})", rest.join(", "));
    }
    s
}

/// Same match, same span, same spans for the groups both report.
fn agree(a: &Res, b: &Res) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.first() == b.first() && a.iter().zip(b).all(|(x, y)| x == y),
        _ => false,
    }
}

/// The engine's answer for one pattern.
#[derive(Clone, Debug, Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    results: Vec<Option<Vec<Option<[usize; 2]>>>>,
    #[serde(default)]
    input_error: bool,
}

fn convert(r: &Option<Vec<Option<[usize; 2]>>>) -> Res {
    r.as_ref()
        .map(|v| v.iter().map(|g| g.map(|[a, b]| (a, b))).collect())
}

/// A pattern with its inputs and the reference's results on them.
struct Case {
    id: String,
    pattern: String,
    flags: String,
    inputs: Vec<String>,
    reference: Vec<Res>,
}

/// The reference's result on `input`, and whether it hit the step limit.
fn reference(m: &mut Matcher, input: &str) -> (Res, bool) {
    let text: Vec<char> = input.chars().collect();
    let out = m.exec(&text, Mode::Search, Limit::steps(STEP_LIMIT));
    (out.span.map(|_| m.captures()), out.hit_limit)
}

/// Asks the engine about `cases` in one subprocess.
fn ask(
    program: &std::path::Path,
    script: &str,
    cases: &[&Case],
    timeout: Duration,
) -> Result<Vec<Answer>, String> {
    let mut input = Vec::new();
    for c in cases {
        let line = serde_json::json!({"pattern": c.pattern, "flags": c.flags, "inputs": c.inputs});
        serde_json::to_writer(&mut input, &line).expect("JSON");
        input.push(b'\n');
    }
    let mut cmd = Command::new(program);
    cmd.arg(util::manifest_dir().join(script));
    let out = util::run_with_input(cmd, input, timeout)?;
    if !out.status.success() {
        return Err(format!(
            "exited with {}: {}",
            out.status,
            util::tail(&String::from_utf8_lossy(&out.stderr), 2000)
        ));
    }
    let text = String::from_utf8(out.stdout).map_err(|e| format!("output is not UTF-8: {e}"))?;
    let answers: Vec<Answer> = text
        .lines()
        .map(|l| serde_json::from_str(l).map_err(|e| format!("bad answer {l:?}: {e}")))
        .collect::<Result<_, _>>()?;
    if answers.len() != cases.len() {
        return Err(format!(
            "{} answers for {} patterns",
            answers.len(),
            cases.len()
        ));
    }
    for (a, c) in answers.iter().zip(cases) {
        if a.input_error {
            return Err(format!("input error on {:?}: {:?}", c.pattern, a.error));
        }
        if a.ok && a.results.len() != c.inputs.len() {
            return Err(format!(
                "{} results for {} inputs of {:?}",
                a.results.len(),
                c.inputs.len(),
                c.pattern
            ));
        }
    }
    Ok(answers)
}

/// `tests/cases/matcher/known.toml`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KnownFile {
    #[serde(default)]
    known: Vec<Known>,
}

/// An explained difference on one input.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Known {
    flavor: String,
    pattern: String,
    #[serde(default)]
    flags: String,
    input: String,
    /// The engine's result, as [`show`] writes it.
    engine: String,
    /// The reference's result, as [`show`] writes it.
    reference: String,
    reason: String,
}

fn load_known() -> Vec<Known> {
    let path = util::manifest_dir().join(KNOWN_FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: KnownFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{} is malformed: {e}", path.display()));
    let mut keys = std::collections::HashSet::new();
    for k in &file.known {
        assert!(
            k.flavor == "js" || k.flavor == "python",
            "{KNOWN_FILE}: flavor {:?} (js or python)",
            k.flavor
        );
        assert!(
            !k.reason.trim().is_empty(),
            "{KNOWN_FILE}: empty reason for {:?}",
            k.pattern
        );
        assert!(
            keys.insert((&k.flavor, &k.pattern, &k.flags, &k.input)),
            "{KNOWN_FILE}: {:?} on {:?} is listed twice",
            k.pattern,
            k.input
        );
    }
    file.known
}

// ---------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    /// Patterns of the flavor in the slice.
    patterns: usize,
    /// Rejected by our parser or the lowering.
    not_parsed: usize,
    /// Accepted, but the reference matcher cannot run them.
    unsupported: usize,
    /// Rejected by the engine (a parse disagreement: tests/agreement.rs).
    engine_rejects: usize,
    /// The engine failed or timed out on them, alone.
    engine_failed: usize,
    /// Patterns with at least one input compared.
    compared_patterns: usize,
    inputs: usize,
    /// Inputs the engine found a match in.
    matched: usize,
    agree: usize,
    /// Differences listed in the known file.
    known: usize,
    skipped_steps: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.patterns += o.patterns;
        self.not_parsed += o.not_parsed;
        self.unsupported += o.unsupported;
        self.engine_rejects += o.engine_rejects;
        self.engine_failed += o.engine_failed;
        self.compared_patterns += o.compared_patterns;
        self.inputs += o.inputs;
        self.matched += o.matched;
        self.agree += o.agree;
        self.known += o.known;
        self.skipped_steps += o.skipped_steps;
    }
}

/// What one batch found, besides its tally.
#[derive(Default)]
struct Found {
    /// Differences not in the known file (as TOML entries to fill in).
    unexplained: Vec<String>,
    /// Listed differences that now agree or differ otherwise.
    stale: Vec<String>,
    /// Notes: engine rejections and failures.
    notes: Vec<String>,
}

/// A corpus record of the engine's flavor.
struct Rec {
    id: String,
    pattern: String,
    flags: String,
}

/// Runs the engine's slice; `Err` lists what fails.
fn check(engine: &Engine, slice: Slice) -> Result<(), String> {
    let Some(corpora) = util::corpora_dir() else {
        return Ok(());
    };
    let Some(program) = util::find_on_path(engine.program) else {
        println!("skipping: {} not found", engine.program);
        return Ok(());
    };
    let name = engine.flavor.name();
    let mut recs = Vec::new();
    for set in engine.sets {
        let Some((records, _)) = util::load_dataset(&corpora, set) else {
            println!("skipping set {set}: not found under {}", corpora.display());
            continue;
        };
        recs.extend(
            records
                .into_iter()
                .filter(|r| r.flavor == name)
                .map(|r| Rec {
                    id: r.id,
                    pattern: r.pattern,
                    flags: r.flags,
                }),
        );
    }
    if recs.is_empty() {
        println!("skipping: no {name} patterns under {}", corpora.display());
        return Ok(());
    }
    let recs: Vec<Rec> = match slice {
        Slice::All => recs,
        Slice::Every(n) => recs.into_iter().step_by(n).collect(),
    };
    let known: HashMap<(String, String, String), Known> = load_known()
        .into_iter()
        .filter(|k| k.flavor == name)
        .map(|k| ((k.pattern.clone(), k.flags.clone(), k.input.clone()), k))
        .collect();

    let start = Instant::now();
    let batches: Vec<&[Rec]> = recs.chunks(BATCH).collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Tally, Found)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(batch) = batches.get(i) else { break };
                let (t, f) = run_batch(engine, &program, i, batch, &known);
                results.lock().unwrap().push((i, t, f));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let mut tally = Tally::default();
    let mut found = Found::default();
    for (_, t, f) in results {
        tally.add(&t);
        found.unexplained.extend(f.unexplained);
        found.stale.extend(f.stale);
        found.notes.extend(f.notes);
    }

    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!();
    println!(
        "== matcher, {name}: `{} {}` vs redoscope-backtrack, {} patterns ({}), {:.1} s",
        engine.program,
        engine.script,
        tally.patterns,
        match slice {
            Slice::All => "all".to_string(),
            Slice::Every(n) => format!("1 in {n}"),
        },
        start.elapsed().as_secs_f64()
    );
    println!(
        "patterns: {} compared, {} not parsed by us, {} unsupported by the reference, {} rejected by the engine, {} failed in the engine",
        tally.compared_patterns, tally.not_parsed, tally.unsupported, tally.engine_rejects, tally.engine_failed
    );
    println!(
        "inputs: {} compared ({} matched by the engine), {} agree ({:.3}%), {} known differences, {} unexplained; {} skipped (over {STEP_LIMIT} reference steps)",
        tally.inputs,
        tally.matched,
        tally.agree,
        pct(tally.agree, tally.inputs),
        tally.known,
        found.unexplained.len(),
        tally.skipped_steps
    );
    for n in found.notes.iter().take(20) {
        println!("note: {n}");
    }
    if found.notes.len() > 20 {
        println!("note: ... {} more", found.notes.len() - 20);
    }
    let mut msg = String::new();
    if tally.engine_failed > 0 {
        // Each failed alone, within ALONE_TIMEOUT, on inputs that take the
        // reference at most STEP_LIMIT steps: a crash, or an engine that
        // backtracks far more than the reference (see the notes).
        let _ = writeln!(msg, "the engine failed on {} patterns", tally.engine_failed);
    }
    if !found.stale.is_empty() {
        let _ = writeln!(
            msg,
            "{} listed differences no longer hold:",
            found.stale.len()
        );
        for s in &found.stale {
            let _ = writeln!(msg, "  {s}");
        }
    }
    if !found.unexplained.is_empty() {
        let _ = writeln!(
            msg,
            "{} unexplained differences (first {SHOW}; explain them in {KNOWN_FILE} or fix the matcher):",
            found.unexplained.len()
        );
        for s in found.unexplained.iter().take(SHOW) {
            let _ = writeln!(msg, "{s}");
        }
    }
    if msg.is_empty() {
        Ok(())
    } else {
        Err(format!("matcher, {name}:\n{msg}"))
    }
}

/// TOML basic string (escapes everything a TOML reader needs).
fn toml_str(s: &str) -> String {
    serde_json::to_string(s).expect("JSON string")
}

fn run_batch(
    engine: &Engine,
    program: &std::path::Path,
    index: usize,
    batch: &[Rec],
    known: &HashMap<(String, String, String), Known>,
) -> (Tally, Found) {
    let mut t = Tally {
        patterns: batch.len(),
        ..Tally::default()
    };
    let mut found = Found::default();
    let mut cases = Vec::new();
    for r in batch {
        let lowered = match syntax::parse(&r.pattern, engine.flavor, &r.flags) {
            Ok(p) => match syntax::lower(&p) {
                Ok(l) => l,
                Err(_) => {
                    t.not_parsed += 1;
                    continue;
                }
            },
            Err(_) => {
                t.not_parsed += 1;
                continue;
            }
        };
        let Ok(mut m) = Matcher::new(&lowered) else {
            t.unsupported += 1;
            continue;
        };
        let mut case = Case {
            id: r.id.clone(),
            pattern: r.pattern.clone(),
            flags: r.flags.clone(),
            inputs: Vec::new(),
            reference: Vec::new(),
        };
        for input in inputs::generate(&lowered.ir, &r.pattern, SEED) {
            let (res, hit) = reference(&mut m, &input);
            if hit {
                t.skipped_steps += 1;
            } else {
                case.inputs.push(input);
                case.reference.push(res);
            }
        }
        if !case.inputs.is_empty() {
            cases.push(case);
        }
    }
    let refs: Vec<&Case> = cases.iter().collect();
    let answers: Vec<Option<Answer>> = match ask(program, engine.script, &refs, BATCH_TIMEOUT) {
        Ok(a) => a.into_iter().map(Some).collect(),
        Err(e) => {
            println!(
                "batch {index} ({} .. {}) failed, retrying one pattern at a time: {}",
                batch[0].id,
                batch[batch.len() - 1].id,
                util::tail(&e, 500)
            );
            refs.iter()
                .map(|c| match ask(program, engine.script, &[c], ALONE_TIMEOUT) {
                    Ok(mut a) => a.pop(),
                    Err(e) => {
                        found.notes.push(format!(
                            "{} {:?}: the engine failed: {}",
                            c.id,
                            c.pattern,
                            util::tail(&e, 300)
                        ));
                        None
                    }
                })
                .collect()
        }
    };
    for (case, answer) in cases.iter().zip(answers) {
        let Some(answer) = answer else {
            t.engine_failed += 1;
            continue;
        };
        if !answer.ok {
            t.engine_rejects += 1;
            found.notes.push(format!(
                "{} {:?}: rejected by the engine: {}",
                case.id,
                case.pattern,
                answer.error.unwrap_or_default()
            ));
            continue;
        }
        t.compared_patterns += 1;
        for ((input, ours), theirs) in case.inputs.iter().zip(&case.reference).zip(&answer.results)
        {
            let theirs = convert(theirs);
            t.inputs += 1;
            t.matched += usize::from(theirs.is_some());
            let key = (case.pattern.clone(), case.flags.clone(), input.clone());
            let (e, r) = (show(&theirs), show(ours));
            match (agree(ours, &theirs), known.get(&key)) {
                (true, None) => t.agree += 1,
                (true, Some(_)) => {
                    t.agree += 1;
                    found.stale.push(format!(
                        "{:?} on {:?} now agrees ({e})",
                        case.pattern, input
                    ));
                }
                (false, Some(k)) if k.engine == e && k.reference == r => t.known += 1,
                (false, Some(k)) => found.stale.push(format!(
                    "{:?} on {:?}: engine {e} (listed {}), reference {r} (listed {})",
                    case.pattern, input, k.engine, k.reference
                )),
                (false, None) => {
                    let mut s = String::new();
                    let _ = writeln!(s, "# {}", case.id);
                    let _ = writeln!(s, "[[known]]");
                    let _ = writeln!(s, "flavor = \"{}\"", engine.flavor.name());
                    let _ = writeln!(s, "pattern = {}", toml_str(&case.pattern));
                    if !case.flags.is_empty() {
                        let _ = writeln!(s, "flags = {}", toml_str(&case.flags));
                    }
                    let _ = writeln!(s, "input = {}", toml_str(input));
                    let _ = writeln!(s, "engine = \"{e}\"");
                    let _ = writeln!(s, "reference = \"{r}\"");
                    let _ = writeln!(s, "reason = \"\"");
                    found.unexplained.push(s);
                }
            }
        }
    }
    (t, found)
}
