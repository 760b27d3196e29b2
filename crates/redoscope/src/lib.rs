//! redoscope: can this regex be made to hang my service?
//!
//! [`check`] reads a pattern in its flavor, builds its position automaton
//! and looks for the ambiguity that makes a backtracking engine blow up:
//! exponential, or polynomial with its exact degree. Every stage is bounded
//! by a step budget and a deadline; when they run out the verdict is
//! `unknown`, with the reason — the analyzer itself cannot be made to hang.
//!
//! ```
//! use redoscope::{check, Options, Verdict};
//!
//! let report = check("^(a+)+$", &Options::default())?;
//! assert_eq!(report.verdict, Verdict::Vulnerable);
//! assert_eq!(report.complexity.unwrap().to_string(), "exponential");
//!
//! let report = check("^[a-z0-9]+(?:-[a-z0-9]+)*$", &Options::default())?;
//! assert_eq!(report.verdict, Verdict::Safe);
//! # Ok::<(), redoscope::Error>(())
//! ```
//!
//! At input-validation time (say, a service that accepts search patterns
//! from users), [`is_safe`] gives a yes/no answer within a small budget:
//!
//! ```
//! use redoscope::{is_safe, Options};
//! use std::time::Duration;
//!
//! let opts = Options::default().timeout(Duration::from_millis(50));
//! assert!(is_safe(r"^\w+@\w+\.com$", &opts));
//! assert!(!is_safe(r"(\w+\s?)*$", &opts));
//! assert!(!is_safe("(unclosed", &opts));
//! ```

#![deny(missing_docs)]

pub mod runtimes;
pub mod verify;

pub use redoscope_analysis as analysis;
pub use redoscope_attack as attack;
pub use redoscope_automata as automata;
pub use redoscope_backtrack as backtrack;
pub use redoscope_syntax as syntax;

pub use redoscope_automata::Mode;
pub use redoscope_syntax::{Error, ErrorKind, Flavor, Span};

use redoscope_analysis::{Analysis, Complexity};
use redoscope_automata::{Budget, BuildError, GaveUp, Nfa};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

/// How to analyze a pattern.
#[derive(Clone, Debug)]
pub struct Options {
    flavor: Flavor,
    flags: String,
    mode: Option<Mode>,
    timeout: Duration,
    steps: u64,
    max_states: usize,
    max_length: usize,
    target_steps: u64,
    confirm: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            flavor: Flavor::Js,
            flags: String::new(),
            mode: None,
            timeout: Duration::from_secs(1),
            steps: 200_000_000,
            max_states: 20_000,
            max_length: 100_000,
            target_steps: DEFAULT_TARGET_STEPS,
            confirm: true,
        }
    }
}

impl Options {
    /// Default options: JS, no flags, the flavor's usual matching mode, a
    /// deadline of one second.
    pub fn new() -> Options {
        Options::default()
    }

    /// The flavor the pattern is written in. Default: JS.
    pub fn flavor(mut self, flavor: Flavor) -> Options {
        self.flavor = flavor;
        self
    }

    /// Flags in the flavor's letters. Default: none.
    pub fn flags(mut self, flags: &str) -> Options {
        self.flags = flags.to_string();
        self
    }

    /// The matching API the pattern is used with. Default: the flavor's most
    /// common one (see [`default_mode`]).
    pub fn mode(mut self, mode: Mode) -> Options {
        self.mode = Some(mode);
        self
    }

    /// The deadline for the whole analysis. Default: 1 s. When it passes,
    /// the verdict is `unknown`.
    pub fn timeout(mut self, timeout: Duration) -> Options {
        self.timeout = timeout;
        self
    }

    /// The deterministic step budget (independent of machine speed).
    /// Default: 200,000,000.
    pub fn steps(mut self, steps: u64) -> Options {
        self.steps = steps;
        self
    }

    /// The most automaton states (memory bound). Default: 20,000.
    pub fn max_states(mut self, n: usize) -> Options {
        self.max_states = n;
        self
    }

    /// The longest attack string, in characters. Default: 100,000.
    pub fn max_length(mut self, n: usize) -> Options {
        self.max_length = n.max(1);
        self
    }

    /// The reference-matcher step count the attack's repeat count aims at
    /// (within `max_length`). Default: 10¹¹, seconds on a backtracking
    /// engine.
    pub fn target_steps(mut self, n: u64) -> Options {
        self.target_steps = n.max(1);
        self
    }

    /// Whether to run every attack on the reference matcher and report a
    /// finding as `vulnerable` only when the measured growth confirms it
    /// (default: yes). Without it, findings are reported unconfirmed.
    pub fn confirm(mut self, yes: bool) -> Options {
        self.confirm = yes;
        self
    }

    /// The flavor.
    pub fn get_flavor(&self) -> Flavor {
        self.flavor
    }

    /// The flags.
    pub fn get_flags(&self) -> &str {
        &self.flags
    }

    /// The matching mode that will be used.
    pub fn get_mode(&self) -> Mode {
        self.mode
            .unwrap_or_else(|| default_mode(self.flavor, &self.flags))
    }
}

/// The most common matching API of a flavor: search everywhere, except
/// Java (`String.matches` / `Matcher.matches`, full) and sticky JS (`y`,
/// prefix).
pub fn default_mode(flavor: Flavor, flags: &str) -> Mode {
    match flavor {
        Flavor::Java => Mode::Full,
        Flavor::Js if flags.contains('y') => Mode::Prefix,
        _ => Mode::Search,
    }
}

/// The three-way verdict (plus `error` for patterns the flavor rejects, in
/// reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Linear on a backtracking engine (up to the search loop).
    Safe,
    /// A backtracking engine can be driven into super-linear work.
    Vulnerable,
    /// The analysis could not decide (see the reason).
    Unknown,
    /// The pattern is not valid in its flavor.
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

/// Growth of the work of a failing match, as reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Growth {
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

impl fmt::Display for Growth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Growth::Linear => f.write_str("linear"),
            Growth::Polynomial { degree } => write!(f, "polynomial (degree {degree})"),
            Growth::Exponential => f.write_str("exponential"),
        }
    }
}

impl From<Complexity> for Growth {
    fn from(c: Complexity) -> Growth {
        match c {
            Complexity::Linear => Growth::Linear,
            Complexity::Polynomial { degree } => Growth::Polynomial { degree },
            Complexity::Exponential => Growth::Exponential,
        }
    }
}

/// A byte range of the pattern, as reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Range {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl From<Span> for Range {
    fn from(s: Span) -> Range {
        Range {
            start: s.start,
            end: s.end,
        }
    }
}

/// One pumped part of an attack: `prefix`, then `pump` repeated.
pub use redoscope_analysis::Pump as AttackPump;

/// An attack string: the pumps repeated `repeat` times, then the suffix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attack {
    /// The pumped parts.
    pub pumps: Vec<AttackPump>,
    /// The text that makes the match fail.
    pub suffix: String,
    /// How many times each pump is repeated in `string`.
    pub repeat: usize,
    /// The attack text.
    pub string: String,
}

impl Attack {
    /// The attack with each pump repeated `n` times.
    pub fn with_repeat(&self, n: usize) -> String {
        analysis::pumped_text(&self.pumps, &self.suffix, n)
    }
}

/// An attack run at growing lengths on an engine.
#[derive(Clone, Debug, Serialize)]
pub struct Validation {
    /// The engine: `reference` (the step-counting backtracker).
    pub engine: &'static str,
    /// `[repeat, steps]` for each run, by growing repeat count.
    pub steps: Vec<[u64; 2]>,
    /// The attack length in characters of each run.
    pub lengths: Vec<usize>,
    /// The growth the runs show.
    pub measured: attack::Measured,
    /// The growth the analysis claimed.
    pub claim: Growth,
    /// Whether the measured growth matches the claim (exponential; or
    /// polynomial with the measured degree within ±0.5 of the claimed).
    pub confirmed: bool,
    /// Not confirmed, but steeper than the claimed polynomial: the blow-up
    /// is reproduced, its exact degree is not (high degrees do not reach
    /// their asymptotic growth within the budget).
    pub steeper: bool,
    /// Not confirmed and slower than claimed, but super-linear (measured
    /// degree at least 1.5): the verdict reports the measured degree.
    pub regraded: bool,
}

impl Validation {
    fn new(v: &attack::Validation) -> Validation {
        Validation {
            engine: v.engine,
            steps: v
                .points
                .iter()
                .map(|p| [p.repeat as u64, p.steps])
                .collect(),
            lengths: v.points.iter().map(|p| p.length).collect(),
            measured: v.measured,
            claim: v.claim.into(),
            confirmed: v.confirmed,
            steeper: v.steeper,
            regraded: false,
        }
    }
}

/// The analysis of one pattern; serializes to the JSON of the command-line
/// contract.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The pattern.
    pub pattern: String,
    /// Its flavor.
    pub flavor: Flavor,
    /// Its flags.
    pub flags: String,
    /// The matching mode analyzed.
    pub mode: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// The growth class (`linear` for safe patterns; none for unknown).
    pub complexity: Option<Growth>,
    /// For flavors that run on a linear-time engine (Rust, Go): the growth a
    /// backtracking engine would show on this pattern, if super-linear.
    pub backtracking: Option<Growth>,
    /// The spans whose repetition causes the blow-up.
    pub hotspot: Vec<Range>,
    /// A concrete attack (for vulnerable verdicts, and for findings that
    /// were not confirmed).
    pub attack: Option<Attack>,
    /// The attack run at growing lengths on the reference matcher.
    pub validation: Option<Validation>,
    /// Whether the finding rests on over-approximations (lookaround,
    /// backreferences, atomic groups) and must be confirmed by running it.
    pub needs_confirmation: bool,
    /// What is expected on each runtime, from the analysis and what each
    /// engine is known to do.
    pub runtimes: BTreeMap<&'static str, String>,
    /// Why a runtime differs from plain backtracking on this pattern (PHP's
    /// match limit, Ruby 3.2's memoization, Perl's super-linear cache, a
    /// linear engine that rejects it, …).
    pub runtime_notes: BTreeMap<&'static str, String>,
    /// With `--verify`: what each engine measured, by engine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<BTreeMap<String, verify::Measured>>,
    /// A suggested rewrite (not produced yet).
    pub fix: Option<serde_json::Value>,
    /// Why, for `unknown` and `error`; and what was approximated.
    pub reason: Option<String>,
    /// Approximations the analysis made.
    pub notes: Vec<String>,
    /// The analysis time in milliseconds.
    pub elapsed_ms: f64,
}

impl Report {
    /// A report with nothing decided yet (verdict `unknown`, no reason).
    fn undecided(pattern: &str, opts: &Options) -> Report {
        Report {
            pattern: pattern.to_string(),
            flavor: opts.flavor,
            flags: opts.flags.clone(),
            mode: opts.get_mode().name(),
            verdict: Verdict::Unknown,
            complexity: None,
            backtracking: None,
            hotspot: vec![],
            attack: None,
            validation: None,
            needs_confirmation: false,
            runtimes: BTreeMap::new(),
            runtime_notes: BTreeMap::new(),
            verification: None,
            fix: None,
            reason: None,
            notes: vec![],
            elapsed_ms: 0.0,
        }
    }

    /// A report for a pattern the flavor rejects.
    pub fn from_error(pattern: &str, opts: &Options, err: &Error) -> Report {
        Report {
            verdict: Verdict::Error,
            reason: Some(format!(
                "{} at {}..{}",
                err.message, err.span.start, err.span.end
            )),
            ..Report::undecided(pattern, opts)
        }
    }
}

/// The default step target of an attack: about 10¹¹ reference steps,
/// seconds on a backtracking engine.
pub const DEFAULT_TARGET_STEPS: u64 = 100_000_000_000;

/// The most reference-matcher steps spent on shrinking an attack.
const SHRINK_STEPS: u64 = 1_000_000;

/// Reference-matcher steps per second assumed when turning what is left of
/// the deadline into a step budget (the matcher runs at about 3·10⁸ on a
/// slow machine).
const STEPS_PER_SECOND: f64 = 1.0e8;

/// Turns the finding into an attack, runs it on the reference matcher and
/// reports it as vulnerable only when the measured growth confirms the
/// claim; otherwise `unknown`, saying what was found and measured.
fn attack_and_confirm(
    report: &mut Report,
    f: &analysis::Finding,
    lowered: &syntax::ir::Lowered,
    mode: Mode,
    opts: &Options,
    deadline: Instant,
) {
    let g = Growth::from(f.complexity);
    let shape = attack::Attack::from_witness(&f.witness);
    // Measured up to the default length whatever the printed attack's
    // bound: a short attack is still confirmed on longer ones.
    let mut cfg = attack::Config::default();
    let to_report = |a: &attack::Attack, repeat: usize| Attack {
        pumps: a.pumps.clone(),
        suffix: a.suffix.clone(),
        repeat,
        string: a.string(repeat),
    };
    if !opts.confirm {
        report.verdict = Verdict::Vulnerable;
        report.complexity = Some(g);
        let repeat = match g {
            Growth::Exponential => 30,
            Growth::Polynomial { degree } => 10f64.powf(10.0 / degree as f64) as usize,
            Growth::Linear => 1,
        }
        .min(shape.max_repeat(opts.max_length))
        .max(1);
        report.attack = Some(to_report(&shape, repeat));
        report.reason = Some("not confirmed (confirmation was turned off)".into());
        return;
    }
    let unconfirmed = |report: &mut Report, why: String| {
        report.verdict = Verdict::Unknown;
        report.complexity = None;
        report.reason = Some(format!(
            "the analysis found {g} ambiguity but {why}; reported as unconfirmed"
        ));
    };
    let mut m = match backtrack::Matcher::new(lowered) {
        Ok(m) => m,
        Err(e) => {
            report.attack = Some(to_report(&shape, 1));
            unconfirmed(report, format!("the attack could not be run: {e}"));
            return;
        }
    };
    // What is left of the deadline, as a step budget: a quarter for
    // shrinking, the rest for measuring the shrunk attack and, if need be,
    // the analyzer's own.
    let left = deadline.saturating_duration_since(Instant::now());
    let budget = (left.as_secs_f64() * STEPS_PER_SECOND) as u64;
    let measure_budget = (budget / 20 * 7).min(cfg.total_steps);
    if measure_budget < cfg.total_steps {
        cfg.total_steps = measure_budget;
        cfg.point_steps = (measure_budget / 20).max(1);
        cfg.run_limit = measure_budget.max(1);
    }
    if cfg.total_steps < 100_000 {
        report.attack = Some(to_report(&shape, 1));
        return unconfirmed(
            report,
            "the deadline was reached before its attack could be run".into(),
        );
    }
    let shrink_budget = (budget / 4).min(SHRINK_STEPS);
    let probe = (shrink_budget / 100).clamp(1_000, 10_000);
    // The deadline, checked by the matcher every 16,384 steps (the step
    // budgets above assume a speed; a debug build or a busy machine is
    // slower).
    let past_deadline = move || Instant::now() >= deadline;
    let cancel: Option<&dyn Fn() -> bool> = Some(&past_deadline);
    let shrunk = attack::shrink(
        &mut m,
        &shape,
        mode,
        f.complexity,
        &cfg,
        attack::ShrinkLimits {
            probe,
            budget: shrink_budget,
        },
        cancel,
    );
    let mut v = attack::measure(&mut m, &shrunk, mode, f.complexity, &cfg, cancel);
    let mut chosen = shrunk;
    if !v.confirmed && chosen != shape {
        // Neither confirmed: report the analyzer's own witness.
        let v0 = attack::measure(&mut m, &shape, mode, f.complexity, &cfg, cancel);
        if v0.confirmed || !v.steeper {
            v = v0;
            chosen = shape;
        }
    }
    let mut repeat = attack::repeat_for_steps(&chosen, &v, opts.target_steps, opts.max_length);
    if v.cancelled {
        report.attack = Some(to_report(&chosen, 1));
        report.validation = Some(Validation::new(&v));
        report.verdict = Verdict::Unknown;
        report.complexity = None;
        report.reason = Some(format!(
            "the analysis found {g} ambiguity; the deadline was reached while running its attack on the reference matcher"
        ));
        return;
    }
    let regrade = match v.measured {
        attack::Measured::Polynomial { degree, .. }
            if !(v.confirmed || v.steeper) && degree >= 1.5 =>
        {
            Some(degree)
        }
        _ => None,
    };
    if !(v.confirmed || v.steeper || regrade.is_some()) {
        // Not a proven attack: a sample to look at, not to paste.
        repeat = repeat.min(20);
    }
    report.attack = Some(to_report(&chosen, repeat));
    report.validation = Some(Validation::new(&v));
    if v.confirmed || v.steeper {
        report.verdict = Verdict::Vulnerable;
        report.complexity = Some(g);
        if v.steeper {
            let last = v.points.last().map_or(0, |p| p.length);
            report.notes.push(format!(
                "the attack grows faster than degree {} up to {last} characters: the blow-up is reproduced, the exact degree is not",
                match g {
                    Growth::Polynomial { degree } => degree,
                    _ => 0,
                }
            ));
        }
        if f.needs_confirmation {
            report.notes.push(
                "found on an over-approximation (lookaround, backreference or atomic group); the attack confirmed it".into(),
            );
        }
    } else if let Some(d) = regrade {
        // Super-linear, but slower than claimed (the analysis
        // over-approximates backreferences and lookaround): reported with
        // the measured degree, and said so.
        let measured = Growth::Polynomial {
            degree: (d.round() as u32).max(2),
        };
        report.verdict = Verdict::Vulnerable;
        report.complexity = Some(measured);
        if let Some(val) = report.validation.as_mut() {
            val.regraded = true;
        }
        report.notes.push(format!(
            "the analysis claimed {g}, the attack measured degree {d:.2}: reported as measured"
        ));
    } else {
        let measured = match v.measured {
            attack::Measured::Exponential { base } => {
                format!("exponential growth (×{base:.2} per repeat)")
            }
            attack::Measured::Polynomial { degree, .. } => format!("growth of degree {degree:.2}"),
            attack::Measured::Undecided => "too few steps to fit a growth".into(),
        };
        let last = v.points.last().map_or(0, |p| p.length);
        unconfirmed(
            report,
            format!(
                "its attack did not reproduce on the reference matcher (measured {measured} up to {last} characters)"
            ),
        );
    }
}

/// Analyzes `pattern`. An invalid pattern is an [`Error`]; everything else
/// is a [`Report`], whose verdict may be `unknown` when the budget or the
/// deadline ran out.
pub fn check(pattern: &str, opts: &Options) -> Result<Report, Error> {
    let start = Instant::now();
    let deadline = start + opts.timeout;
    let cancel = move || Instant::now() >= deadline;
    let mut budget = Budget::new(opts.steps, Some(&cancel));
    let parsed = syntax::parse(pattern, opts.flavor, &opts.flags)?;
    let lowered = syntax::lower(&parsed)?;
    let mode = opts.get_mode();
    let mut notes: Vec<String> = lowered.notes.iter().map(|n| n.message.clone()).collect();
    let mut report = Report::undecided(pattern, opts);
    let config = automata::Config::default().max_states(opts.max_states);
    let nfa = match Nfa::build(&lowered.ir, mode, &config, &mut budget) {
        Ok(nfa) => nfa,
        Err(BuildError::GaveUp(g)) => {
            report.reason = Some(gave_up_reason(g, "building the automaton"));
            report.notes = notes;
            report.elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
            return Ok(report);
        }
        Err(BuildError::Unsupported { what, span }) => {
            report.reason = Some(format!(
                "unsupported construct: {what} at {}..{}",
                span.start, span.end
            ));
            report.hotspot = vec![span.into()];
            report.notes = notes;
            report.elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
            return Ok(report);
        }
    };
    notes.extend(
        nfa.approximations
            .iter()
            .map(|a| format!("{} at {}..{}", a.what, a.span.start, a.span.end)),
    );
    match analysis::analyze(&nfa, &analysis::Config::default(), &mut budget) {
        Ok(Analysis::Safe { .. }) => {
            report.verdict = Verdict::Safe;
            report.complexity = Some(Growth::Linear);
        }
        Ok(Analysis::Vulnerable(f)) => {
            report.hotspot = f.hotspot.iter().map(|&s| s.into()).collect();
            report.needs_confirmation = f.needs_confirmation;
            attack_and_confirm(&mut report, &f, &lowered, mode, opts, deadline);
        }
        Ok(Analysis::Unknown { reason }) => report.reason = Some(reason),
        Err(g) => report.reason = Some(gave_up_reason(g, "analyzing")),
    }
    let facts = runtimes::Facts {
        search: mode == Mode::Search,
        ..runtimes::Facts::of(&lowered.ir)
    };
    let (rt, rt_notes) = runtimes::expected(
        report.complexity,
        &facts,
        report.attack.as_ref().map(|a| a.string.as_str()),
    );
    report.runtimes = rt;
    report.runtime_notes = rt_notes;
    let unconfirmed = report.validation.as_ref().is_some_and(|v| !v.confirmed);
    if opts.flavor.is_linear() && report.verdict == Verdict::Unknown && unconfirmed {
        // A finding that did not reproduce; the engine is linear anyway.
        report.verdict = Verdict::Safe;
        report.complexity = Some(Growth::Linear);
        report.reason = Some(format!(
            "{} runs on a linear-time engine (a static finding for backtracking engines did not reproduce)",
            opts.flavor
        ));
    }
    if opts.flavor.is_linear() && report.verdict == Verdict::Vulnerable {
        // The flavor's own engine is immune; keep what a backtracking
        // runtime would do for the audit and the library caller.
        report.backtracking = report.complexity;
        report.verdict = Verdict::Safe;
        report.complexity = Some(Growth::Linear);
        report.reason =
            Some(format!(
            "{} runs on a linear-time engine; on a backtracking engine this pattern would be {}",
            opts.flavor,
            report.backtracking.map(|g| g.to_string()).unwrap_or_default()
        ));
    }
    notes.append(&mut report.notes);
    report.notes = notes;
    report.elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
    Ok(report)
}

fn gave_up_reason(g: GaveUp, stage: &str) -> String {
    match g {
        GaveUp::Cancelled => format!("deadline reached while {stage}"),
        GaveUp::Steps => format!("step budget exhausted while {stage}"),
        GaveUp::TooBig(what) => format!("{what} over its size limit while {stage}"),
    }
}

/// Whether `pattern` is valid and proven safe within the options' budget.
/// Invalid patterns, vulnerable ones and undecided ones are all `false`.
pub fn is_safe(pattern: &str, opts: &Options) -> bool {
    // Confirmation only tells vulnerable from unknown: both are `false`.
    let opts = opts.clone().confirm(false);
    matches!(check(pattern, &opts), Ok(r) if r.verdict == Verdict::Safe)
}
