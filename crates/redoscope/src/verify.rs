//! Verification on real engines: the attack of [`crate::check`] run at
//! growing lengths on each engine of the harness, with bounded execution,
//! and the growth each engine shows.
//!
//! ```no_run
//! use redoscope::verify::{verify, VerifyOptions};
//! use redoscope::Options;
//!
//! let opts = VerifyOptions::new(Options::default()).engines(&["reference", "node", "regex"]);
//! let report = verify("^(a+)+$", &opts)?;
//! for s in &report.engines {
//!     println!("{}: {}", s.engine, s.fit.class);
//! }
//! # Ok::<(), redoscope::Error>(())
//! ```

use crate::{attack as attack_crate, check, syntax, AttackPump, Growth, Options, Report, Verdict};
use redoscope_harness::engines;
use redoscope_harness::fit::Class;
use redoscope_harness::measure::{measure, Plan, Series, Stop};
use redoscope_harness::{Kind, Subject};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use redoscope_harness as harness;

/// The engines `verify` runs when none are named: the reference matcher,
/// the in-process backtracking engines, the real runtimes (those not
/// installed are reported as such) and the linear controls.
pub const DEFAULT_ENGINES: &[&str] = &[
    "reference",
    "pcre2",
    "pcre2-jit",
    "fancy",
    "node",
    "python",
    "java",
    "perl",
    "regex",
    "pikevm",
    "dfa",
];

/// How to verify.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// The analysis options (flavor, flags, mode; its timeout bounds the
    /// analysis that finds the attack).
    pub check: Options,
    /// The engines, by name (see [`harness::engines::NAMES`]).
    pub engines: Vec<String>,
    /// The deadline of the whole verification, analysis included.
    pub timeout: Duration,
    /// One match is stopped (the child killed, the match limit hit) after
    /// this long.
    pub run_limit: Duration,
    /// An engine's series stops at the first match that takes this long.
    pub stop_at: Duration,
    /// The longest attack text for backtracking engines.
    pub max_length: usize,
    /// An attack to run instead of the analysis's own.
    pub attack: Option<attack_crate::Attack>,
}

impl VerifyOptions {
    /// Every default engine, 60 s in all, runs killed after 2 s, each
    /// series grown up to a 1 s match or 100,000 characters.
    pub fn new(check: Options) -> VerifyOptions {
        VerifyOptions {
            check,
            engines: DEFAULT_ENGINES.iter().map(|s| s.to_string()).collect(),
            timeout: Duration::from_secs(60),
            run_limit: Duration::from_secs(2),
            stop_at: Duration::from_secs(1),
            max_length: 100_000,
            attack: None,
        }
    }

    /// The engines to run.
    pub fn engines(mut self, names: &[&str]) -> VerifyOptions {
        self.engines = names.iter().map(|s| s.to_string()).collect();
        self
    }
}

/// What was measured on one runtime.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measured {
    /// The growth class name (`exponential`, `polynomial`, `linear`,
    /// `undecided`), with the degree for polynomials.
    pub growth: String,
    /// Whether a match went over the run limit.
    pub over_limit_at: Option<usize>,
    /// The text length at which one match takes 1 s.
    pub length_at_1s: Option<usize>,
}

/// The verification of one pattern.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    /// The pattern.
    pub pattern: String,
    /// Its flavor.
    pub flavor: syntax::Flavor,
    /// Its flags.
    pub flags: String,
    /// The matching mode.
    pub mode: &'static str,
    /// The verdict of the analysis.
    pub verdict: Verdict,
    /// Its growth class.
    pub complexity: Option<Growth>,
    /// The attack run: the pumps and the suffix; the text at repeat `n` is
    /// each prefix then its pump `n` times, then the suffix.
    pub attack: Option<AttackShape>,
    /// One series per engine, in the order asked.
    pub engines: Vec<Series>,
    /// What each engine measured, by engine name.
    pub measured: BTreeMap<String, Measured>,
    /// Why nothing was run, when nothing was.
    pub reason: Option<String>,
    /// Milliseconds, analysis included.
    pub elapsed_ms: f64,
}

/// An attack's structure.
#[derive(Clone, Debug, Serialize)]
pub struct AttackShape {
    /// The pumps.
    pub pumps: Vec<AttackPump>,
    /// The suffix.
    pub suffix: String,
}

impl Measured {
    fn of(s: &Series) -> Measured {
        let growth = match s.fit.class {
            Class::Polynomial { degree } => format!("polynomial (degree {:.1})", degree),
            c => c.name().to_string(),
        };
        Measured {
            growth: if s.error.is_some() {
                "not run".into()
            } else {
                growth
            },
            over_limit_at: s.over_limit.as_ref().map(|o| o.length),
            length_at_1s: s.at_1s.map(|c| c.length),
        }
    }
}

/// Whether a series shows super-linear growth (or went over a limit on the
/// way there).
pub fn super_linear(s: &Series) -> bool {
    s.kind != Kind::Linear
        && (matches!(
            s.fit.class,
            Class::Exponential { .. } | Class::Polynomial { .. }
        ) || s.stopped == Stop::OverLimit)
}

/// Analyzes `pattern`, then runs its attack on each engine of `opts`.
pub fn verify(pattern: &str, opts: &VerifyOptions) -> Result<VerifyReport, crate::Error> {
    let start = Instant::now();
    let report = check(pattern, &opts.check.clone().max_length(opts.max_length))?;
    let mut out = run_engines(&report, opts, start + opts.timeout)?;
    out.elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
    Ok(out)
}

/// Runs the attack of `report` (or the one of `opts`) on each engine of
/// `opts`, all by `deadline`.
pub fn run_engines(
    report: &Report,
    opts: &VerifyOptions,
    deadline: Instant,
) -> Result<VerifyReport, crate::Error> {
    let start = Instant::now();
    let pattern = report.pattern.as_str();
    let parsed = syntax::parse(pattern, opts.check.get_flavor(), opts.check.get_flags())?;
    let lowered = syntax::lower(&parsed)?;
    let mut out = VerifyReport {
        pattern: pattern.to_string(),
        flavor: report.flavor,
        flags: report.flags.clone(),
        mode: report.mode,
        verdict: report.verdict,
        complexity: report.complexity,
        attack: None,
        engines: vec![],
        measured: BTreeMap::new(),
        reason: None,
        elapsed_ms: 0.0,
    };
    let attack = match (&opts.attack, &report.attack) {
        (Some(a), _) => a.clone(),
        (None, Some(a)) => attack_crate::Attack {
            pumps: a.pumps.clone(),
            suffix: a.suffix.clone(),
        },
        (None, None) => {
            out.reason = Some(match report.verdict {
                Verdict::Safe => "the pattern is safe: there is no attack to run (give one with an explicit attack)".into(),
                _ => format!(
                    "no attack to run: {}",
                    report.reason.as_deref().unwrap_or("the analysis found none")
                ),
            });
            out.elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
            return Ok(out);
        }
    };
    out.attack = Some(AttackShape {
        pumps: attack.pumps.clone(),
        suffix: attack.suffix.clone(),
    });
    let subject = Subject {
        pattern,
        flavor: opts.check.get_flavor(),
        flags: opts.check.get_flags(),
        mode: opts.check.get_mode(),
        lowered: &lowered,
    };
    let n = opts.engines.len();
    for (i, name) in opts.engines.iter().enumerate() {
        let now = Instant::now();
        let left = deadline.saturating_duration_since(now);
        // An equal share of what is left for each engine still to run.
        let share = left / (n - i) as u32;
        let mut plan = Plan::new(now + share);
        plan.run_limit.time = opts.run_limit;
        plan.stop_at = opts.stop_at;
        plan.max_length = opts.max_length;
        let series = match engines::by_name(name) {
            Ok(mut engine) => measure(engine.as_mut(), &subject, &attack, &plan),
            Err(e) => Series::unavailable(name, &e),
        };
        out.measured
            .insert(series.engine.clone(), Measured::of(&series));
        out.engines.push(series);
    }
    out.elapsed_ms = start.elapsed().as_secs_f64() * 1e3;
    Ok(out)
}

/// The shortest text of `report`'s attack whose match takes at least
/// `target` on `engine` (grown, then bisected; by `deadline`).
pub fn shortest_attack(
    report: &Report,
    opts: &VerifyOptions,
    engine: &str,
    target: Duration,
    deadline: Instant,
) -> Result<harness::measure::Shortest, String> {
    let a = report
        .attack
        .as_ref()
        .ok_or_else(|| "there is no attack".to_string())?;
    let attack = attack_crate::Attack {
        pumps: a.pumps.clone(),
        suffix: a.suffix.clone(),
    };
    let parsed = syntax::parse(
        &report.pattern,
        opts.check.get_flavor(),
        opts.check.get_flags(),
    )
    .map_err(|e| e.message)?;
    let lowered = syntax::lower(&parsed).map_err(|e| e.message)?;
    let subject = Subject {
        pattern: &report.pattern,
        flavor: opts.check.get_flavor(),
        flags: opts.check.get_flags(),
        mode: opts.check.get_mode(),
        lowered: &lowered,
    };
    let mut e = engines::by_name(engine)?;
    let mut plan = Plan::new(deadline);
    plan.run_limit.time = opts.run_limit;
    plan.max_length = opts.max_length;
    harness::measure::shortest(e.as_mut(), &subject, &attack, &plan, target)
}

/// The runtime of the per-runtime table an engine measures, if any.
pub fn runtime_of(engine: &str) -> Option<&'static str> {
    Some(match engine {
        "node" => "node",
        "python" => "python",
        "java" => "java",
        "perl" => "perl",
        "php" => "php",
        "ruby" => "ruby>=3.2",
        "regex" => "rust-regex",
        _ => return None,
    })
}

/// Adds what `v` measured to `report`: `verification`, and the measured
/// growth in place of the expected one for the runtimes that were run.
pub fn attach(report: &mut Report, v: &VerifyReport) {
    for s in &v.engines {
        if s.error.is_some() {
            continue;
        }
        if let Some(rt) = runtime_of(&s.engine) {
            let m = Measured::of(s);
            let expected = report.runtimes.get(rt).cloned().unwrap_or_default();
            report.runtime_notes.insert(
                rt,
                format!(
                    "measured on {} ({}): {}{} (expected: {expected})",
                    s.engine,
                    s.version,
                    s.fit.class,
                    match (&s.over_limit, s.at_1s) {
                        (Some(o), _) => format!(", over the limit at {} characters", o.length),
                        (None, Some(c)) => format!(", 1 s at {} characters", c.length),
                        _ => String::new(),
                    }
                ),
            );
            report
                .runtimes
                .insert(rt, format!("{} (measured)", m.growth));
        }
    }
    report.verification = Some(v.measured.clone());
}
