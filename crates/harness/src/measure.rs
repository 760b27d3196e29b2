//! Measuring an attack at growing lengths on one engine: the repeat count
//! grows geometrically (×1.25, and by smaller steps where the cost already
//! grows fast: at most ×4 from one run to the next, so an exponential curve
//! is sampled every repeat or two), short
//! runs are repeated for a median, and the series stops at the first run
//! over the time threshold, at a limit (killed child, match limit), at the
//! length bound, or at the deadline. Then the curve is fitted
//! ([`crate::fit`]) and the lengths at which one match takes 100 ms and 1 s
//! are read off it.

use crate::fit::{self, Class, Fit, Sample};
use crate::{Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use redoscope_attack::Attack;
use serde::Serialize;
use std::time::{Duration, Instant};

/// How to measure.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// The limit of one run (the child is killed, the match limit hit).
    pub run_limit: Limit,
    /// Stop growing once one run takes this long.
    pub stop_at: Duration,
    /// The longest text for a backtracking engine, in characters.
    pub max_length: usize,
    /// The longest text for a linear engine (the control runs to long
    /// texts, where its linear growth shows above the timer's noise).
    pub linear_max_length: usize,
    /// Runs per length (the median is kept) for runs shorter than
    /// `quick` (two more under a tenth of it); longer runs are run once.
    pub repeats: usize,
    /// See `repeats`.
    pub quick: Duration,
    /// The geometric growth factor of the repeat count.
    pub ratio: f64,
    /// When the whole measurement must be over.
    pub deadline: Instant,
}

impl Plan {
    /// The default plan, to finish by `deadline`: runs killed after 2 s,
    /// growth stopped at the first run of 1 s, texts up to 100,000
    /// characters (1,000,000 for linear engines), medians of 3 short runs.
    pub fn new(deadline: Instant) -> Plan {
        Plan {
            run_limit: Limit {
                time: Duration::from_secs(2),
                steps: 2_000_000_000,
            },
            stop_at: Duration::from_secs(1),
            max_length: 100_000,
            linear_max_length: 1_000_000,
            repeats: 3,
            quick: Duration::from_millis(100),
            ratio: 1.25,
            deadline,
        }
    }
}

/// One length of a series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Run {
    /// The repeat count of the pump.
    pub repeat: usize,
    /// The text length in characters.
    pub length: usize,
    /// The median time of one match, in seconds.
    pub seconds: f64,
    /// How many runs the median is of.
    pub runs: usize,
    /// Steps, for engines that count them.
    pub steps: Option<u64>,
    /// Whether the text matched (an attack should make the match fail).
    pub matched: bool,
}

/// The run that went over a limit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Over {
    /// The repeat count.
    pub repeat: usize,
    /// The text length.
    pub length: usize,
    /// Which limit.
    pub limit: LimitKind,
    /// How long it ran, in seconds.
    pub seconds: f64,
}

/// Why a series stopped growing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// A run took `stop_at` or more.
    Threshold,
    /// A run went over a limit.
    OverLimit,
    /// The next text would be longer than the length bound.
    MaxLength,
    /// The deadline came.
    Deadline,
    /// The engine could not compile the pattern or failed.
    Error,
}

/// How a crossing length was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum How {
    /// Between two measured runs.
    Interpolated,
    /// Beyond the measured runs, on the fitted curve.
    Extrapolated,
}

/// The text length at which one match takes a given time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Crossing {
    /// Characters.
    pub length: usize,
    /// How it was found.
    pub how: How,
}

/// An attack measured on one engine.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// The engine.
    pub engine: String,
    /// Its version.
    pub version: String,
    /// How it matches.
    pub kind: Kind,
    /// The pattern text it was given (empty when it could not compile it).
    pub pattern: String,
    /// What the engine actually executes, where it is not what it was
    /// given, and other remarks.
    pub notes: Vec<String>,
    /// The runs, by growing length.
    pub runs: Vec<Run>,
    /// The run that went over a limit, if one did.
    pub over_limit: Option<Over>,
    /// Why the series stopped.
    pub stopped: Stop,
    /// The fitted growth: of steps for the engines that count them, of
    /// time for the others.
    pub fit: Fit,
    /// The text length at which one match takes 100 ms.
    pub at_100ms: Option<Crossing>,
    /// The text length at which one match takes 1 s.
    pub at_1s: Option<Crossing>,
    /// Why the engine could not run the attack.
    pub error: Option<String>,
}

impl Series {
    /// The series of an engine that could not be started (unknown name,
    /// not built in): no runs, the reason as its error.
    pub fn unavailable(engine: &str, why: &str) -> Series {
        Series {
            engine: engine.to_string(),
            version: String::new(),
            kind: Kind::Backtracking,
            pattern: String::new(),
            notes: vec![],
            runs: vec![],
            over_limit: None,
            stopped: Stop::Error,
            fit: Fit {
                class: Class::Undecided,
                r2: 0.0,
                points: 0,
            },
            at_100ms: None,
            at_1s: None,
            error: Some(why.to_string()),
        }
    }
}

/// The shortest attack found to take a given time on one engine.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shortest {
    /// The repeat count.
    pub repeat: usize,
    /// The text length.
    pub length: usize,
    /// The time one match of it took (median when short), in seconds; at
    /// least the target, or the time after which it was stopped when it
    /// went over the run limit.
    pub seconds: f64,
    /// It went over the run limit (it takes at least `seconds`).
    pub over_limit: bool,
}

/// The smallest repeat count whose match takes at least `target` on
/// `engine`: the series is grown until a run takes that long, then the
/// repeat count is bisected between the last run below and the first at
/// or above it. `Err` says why none was found (the slowest run, or the
/// engine's error).
pub fn shortest(
    engine: &mut dyn Engine,
    subject: &Subject<'_>,
    attack: &Attack,
    plan: &Plan,
    target: Duration,
) -> Result<Shortest, String> {
    let mut plan = *plan;
    plan.stop_at = target;
    plan.run_limit.time = plan.run_limit.time.max(target * 2);
    let counts_steps = engine.counts_steps();
    let name = engine.name();
    let mut series = Series::unavailable(name, "");
    series.error = None;
    let mut c = engine.compile(subject).map_err(|e| e.message)?;
    let max_length = plan.max_length;
    let stop = grow(
        &mut *c,
        attack,
        &plan,
        max_length,
        counts_steps,
        &mut series,
    );
    let t = target.as_secs_f64();
    let (hi, hi_secs, over) = match (stop, series.runs.last(), &series.over_limit) {
        (Stop::Threshold, Some(r), _) => (r.repeat, r.seconds, false),
        (Stop::OverLimit, _, Some(o)) if o.limit == LimitKind::Time => (o.repeat, o.seconds, true),
        (Stop::Error, _, _) => return Err(series.error.unwrap_or_default()),
        _ => {
            let slowest = series
                .runs
                .iter()
                .max_by(|a, b| a.seconds.total_cmp(&b.seconds));
            return Err(match slowest {
                Some(r) => format!(
                    "no attack up to {} characters takes that long on {} (slowest: {:.3} s at {} characters{})",
                    max_length,
                    name,
                    r.seconds,
                    r.length,
                    match stop {
                        Stop::Deadline => "; the deadline came",
                        Stop::OverLimit => "; then a limit other than time was hit",
                        _ => "",
                    }
                ),
                None => format!("nothing could be run on {name}"),
            });
        }
    };
    let mut best = Shortest {
        repeat: hi,
        length: attack.len(hi),
        seconds: hi_secs,
        over_limit: over,
    };
    // Bisect between the last run below the target and `hi`.
    let mut lo = series
        .runs
        .iter()
        .filter(|r| r.seconds < t && r.repeat < hi)
        .map(|r| r.repeat)
        .max()
        .unwrap_or(0);
    while best.repeat - lo > 1 && Instant::now() < plan.deadline {
        let mid = lo + (best.repeat - lo) / 2;
        let input = Input::from_chars(&attack.chars(mid));
        let now = Instant::now();
        let limit = Limit {
            time: plan.run_limit.time.min(plan.deadline - now),
            steps: plan.run_limit.steps,
        };
        match c.run(&input, &limit) {
            Outcome::Done { time, .. } if time.as_secs_f64() >= t => {
                best = Shortest {
                    repeat: mid,
                    length: attack.len(mid),
                    seconds: time.as_secs_f64(),
                    over_limit: false,
                }
            }
            Outcome::Done { .. } => lo = mid,
            Outcome::OverLimit {
                limit: LimitKind::Time,
                time,
                ..
            } if limit.time >= target => {
                best = Shortest {
                    repeat: mid,
                    length: attack.len(mid),
                    seconds: time.as_secs_f64(),
                    over_limit: true,
                }
            }
            _ => break,
        }
    }
    Ok(best)
}

/// Costs below these are timer noise and constant overhead.
const FLOOR_SECONDS: f64 = 200e-6;
const FLOOR_STEPS: f64 = 1000.0;

/// Runs `attack` on `engine` at growing lengths, within `plan`.
pub fn measure(
    engine: &mut dyn Engine,
    subject: &Subject<'_>,
    attack: &Attack,
    plan: &Plan,
) -> Series {
    let kind = engine.kind();
    let counts_steps = engine.counts_steps();
    let name = engine.name().to_string();
    let compiled = engine.compile(subject);
    let mut series = Series {
        kind,
        error: None,
        ..Series::unavailable(&name, "")
    };
    if let Err(e) = run_series(compiled, attack, plan, kind, counts_steps, &mut series) {
        series.error = Some(e);
    }
    series.version = engine.version();
    finish(&mut series, attack, counts_steps);
    series
}

/// Compiles and grows the series; the error of a pattern the engine
/// refused.
fn run_series(
    compiled: Result<Box<dyn Compiled + '_>, crate::CompileError>,
    attack: &Attack,
    plan: &Plan,
    kind: Kind,
    counts_steps: bool,
    series: &mut Series,
) -> Result<(), String> {
    let mut compiled = compiled.map_err(|e| e.message)?;
    series.pattern = compiled.pattern().to_string();
    series.notes = compiled.notes();
    let max_length = if kind == Kind::Linear {
        plan.linear_max_length.max(plan.max_length)
    } else {
        plan.max_length
    };
    series.stopped = grow(
        &mut *compiled,
        attack,
        plan,
        max_length,
        counts_steps,
        series,
    );
    Ok(())
}

fn grow(
    c: &mut dyn Compiled,
    attack: &Attack,
    plan: &Plan,
    max_length: usize,
    counts_steps: bool,
    series: &mut Series,
) -> Stop {
    let mut n = 1usize;
    loop {
        let length = attack.len(n);
        if length > max_length {
            return Stop::MaxLength;
        }
        let input = Input::from_chars(&attack.chars(n));
        let mut times = vec![];
        let mut steps = None;
        let mut matched = false;
        let mut want = if counts_steps { 1 } else { plan.repeats.max(1) };
        while times.len() < want {
            let now = Instant::now();
            if now >= plan.deadline {
                return if times.is_empty() {
                    Stop::Deadline
                } else {
                    break;
                };
            }
            let limit = Limit {
                time: plan.run_limit.time.min(plan.deadline - now),
                steps: plan.run_limit.steps,
            };
            match c.run(&input, &limit) {
                Outcome::Done {
                    matched: m,
                    time,
                    steps: s,
                } => {
                    times.push(time.as_secs_f64());
                    steps = s;
                    matched = m;
                    if time >= plan.quick {
                        break;
                    }
                    if time < plan.quick / 10 && !counts_steps {
                        // Short runs are the noisiest: two more.
                        want = want.max(plan.repeats + 2);
                    }
                }
                Outcome::OverLimit { limit: l, time, .. } => {
                    if l == LimitKind::Time && limit.time < plan.run_limit.time {
                        // Cut short by the deadline, not by the run limit.
                        return Stop::Deadline;
                    }
                    series.over_limit = Some(Over {
                        repeat: n,
                        length,
                        limit: l,
                        seconds: time.as_secs_f64(),
                    });
                    return Stop::OverLimit;
                }
                Outcome::Failed(msg) => {
                    series.error = Some(msg);
                    return Stop::Error;
                }
            }
        }
        times.sort_by(f64::total_cmp);
        let seconds = times[times.len() / 2];
        series.runs.push(Run {
            repeat: n,
            length,
            seconds,
            runs: times.len(),
            steps,
            matched,
        });
        if seconds >= plan.stop_at.as_secs_f64() {
            return Stop::Threshold;
        }
        n = next_repeat(&series.runs, plan.ratio, counts_steps);
    }
}

/// The next repeat count: the next of the geometric schedule `1, 2, 3, 4,
/// 5, 6, 8, 10, 13, 16, 20, 25, …` (×ratio, at least +1: the same for
/// every engine, so their runs line up), or sooner where the cost, growing
/// as it did over the last two runs, would more than quadruple before it.
fn next_repeat(runs: &[Run], ratio: f64, counts_steps: bool) -> usize {
    let last = &runs[runs.len() - 1];
    let n = last.repeat;
    let mut geometric = 1usize;
    while geometric <= n {
        geometric = ((geometric as f64 * ratio).round() as usize).max(geometric + 1);
    }
    let cost = |r: &Run| {
        if counts_steps {
            r.steps.unwrap_or(0) as f64
        } else {
            r.seconds
        }
    };
    let floor = if counts_steps {
        FLOOR_STEPS
    } else {
        FLOOR_SECONDS
    };
    if let [.., prev, last] = runs {
        let (c0, c1) = (cost(prev), cost(last));
        // Well below the fit's noise floor already: a curve that is about
        // to cross it must not jump over it in one step.
        if c0 >= floor / 40.0 && c1 > c0 {
            let per_repeat = (c1 / c0).ln() / (last.repeat - prev.repeat) as f64;
            let step = (4f64.ln() / per_repeat).floor() as usize;
            return geometric.min(n + step.max(1));
        }
    }
    geometric
}

fn samples(series: &Series, steps: bool) -> Vec<Sample> {
    series
        .runs
        .iter()
        .map(|r| Sample {
            repeat: r.repeat,
            length: r.length,
            cost: if steps {
                r.steps.unwrap_or(0) as f64
            } else {
                r.seconds
            },
        })
        .collect()
}

fn finish(series: &mut Series, attack: &Attack, counts_steps: bool) {
    series.fit = if counts_steps {
        fit::fit(&samples(series, true), FLOOR_STEPS)
    } else {
        fit::fit(&samples(series, false), FLOOR_SECONDS)
    };
    if series.fit.class == Class::Undecided && series.stopped == Stop::MaxLength {
        if let Some(last) = series.runs.last() {
            // Up to the length bound, every match stayed under the noise
            // floor: no growth that can be measured.
            series.fit.class = Class::Linear { degree: 0.0 };
            series.notes.push(format!(
                "fewer than four matches above {} up to {} characters: no growth to fit",
                if counts_steps {
                    "1,000 steps"
                } else {
                    "200 µs"
                },
                last.length
            ));
        }
    }
    let time_fit = fit::fit(&samples(series, false), FLOOR_SECONDS);
    series.at_100ms = crossing(series, &time_fit, attack, 0.1);
    series.at_1s = crossing(series, &time_fit, attack, 1.0);
}

/// Where one match takes `target` seconds: between the two runs around it,
/// or on the fitted curve beyond the last run (no further than the run that
/// went over the time limit).
fn crossing(series: &Series, time_fit: &Fit, attack: &Attack, target: f64) -> Option<Crossing> {
    let runs = &series.runs;
    if let Some(i) = runs.iter().position(|r| r.seconds >= target) {
        if i == 0 {
            return Some(Crossing {
                length: runs[0].length,
                how: How::Interpolated,
            });
        }
        let (a, b) = (&runs[i - 1], &runs[i]);
        let (ta, tb) = (a.seconds.max(1e-9).ln(), b.seconds.ln());
        let t = if tb > ta {
            (target.ln() - ta) / (tb - ta)
        } else {
            1.0
        };
        let length = a.length as f64 + t * (b.length - a.length) as f64;
        return Some(Crossing {
            length: length.round() as usize,
            how: How::Interpolated,
        });
    }
    let last = runs.last()?;
    let over = series
        .over_limit
        .as_ref()
        .filter(|o| o.limit == LimitKind::Time && o.seconds >= target);
    if !matches!(
        time_fit.class,
        Class::Exponential { .. } | Class::Polynomial { .. } | Class::Linear { .. }
    ) {
        // No curve; a killed run still bounds it.
        return over.map(|o| Crossing {
            length: o.length,
            how: How::Interpolated,
        });
    }
    let s = Sample {
        repeat: last.repeat,
        length: last.length,
        cost: last.seconds,
    };
    let n = fit::repeat_at(time_fit, &s, target)?;
    if !n.is_finite() || n > 1e12 {
        return None;
    }
    if n > 10.0 * last.repeat as f64 {
        // Too far beyond what was measured to say.
        return None;
    }
    let mut length = attack.len(n.ceil().max(1.0) as usize);
    let mut how = How::Extrapolated;
    if let Some(o) = over {
        if length >= o.length {
            length = o.length;
            how = How::Interpolated;
        }
    }
    Some(Crossing { length, how })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::reference::Reference;
    use redoscope_analysis::Pump;
    use redoscope_automata::Mode;
    use redoscope_syntax::{lower, parse, Flavor};

    fn attack(pump: &str, suffix: &str) -> Attack {
        Attack {
            pumps: vec![Pump {
                prefix: String::new(),
                pump: pump.into(),
            }],
            suffix: suffix.into(),
        }
    }

    fn series(pattern: &str, a: &Attack, plan: &Plan) -> Series {
        let l = lower(&parse(pattern, Flavor::Js, "").unwrap()).unwrap();
        let s = Subject {
            pattern,
            flavor: Flavor::Js,
            flags: "",
            mode: Mode::Search,
            lowered: &l,
        };
        measure(&mut Reference, &s, a, plan)
    }

    fn plan() -> Plan {
        let mut p = Plan::new(Instant::now() + Duration::from_secs(20));
        // Stop early: tests check classes, not seconds.
        p.stop_at = Duration::from_millis(20);
        p.max_length = 3000;
        p
    }

    #[test]
    fn exponential_on_the_reference() {
        let s = series("^(a+)+$", &attack("a", "!"), &plan());
        assert!(
            matches!(s.fit.class, Class::Exponential { base } if (base - 2.0).abs() < 0.2),
            "{:?}",
            s.fit
        );
        assert!(s.runs.iter().all(|r| !r.matched));
        // Sampled at every other repeat at most once it grows fast (the
        // cost multiplies by 4 at most from one run to the next).
        let n: Vec<usize> = s.runs.iter().map(|r| r.repeat).collect();
        assert!(
            n.windows(2).rev().take(4).all(|w| w[1] - w[0] <= 2),
            "{n:?}"
        );
        assert!(s.at_1s.is_some());
    }

    #[test]
    fn quadratic_and_cubic() {
        let s = series(r"\s+$", &attack(" ", "!"), &plan());
        assert!(
            matches!(s.fit.class, Class::Polynomial { degree } if (degree - 2.0).abs() <= 0.5),
            "{:?}",
            s.fit
        );
        // Three loops, and the search's retry at each start: degree 4.
        let s = series("a*a*a*b", &attack("a", ""), &plan());
        assert!(
            matches!(s.fit.class, Class::Polynomial { degree } if (degree - 4.0).abs() <= 0.5),
            "{:?}",
            s.fit
        );
    }

    #[test]
    fn safe_pattern_is_linear_up_to_the_length_bound() {
        let s = series("^a+$", &attack("a", "!"), &plan());
        assert_eq!(s.stopped, Stop::MaxLength);
        assert!(matches!(s.fit.class, Class::Linear { .. }), "{:?}", s.fit);
    }

    #[test]
    fn a_step_limit_is_recorded_as_over_limit() {
        let mut p = plan();
        p.run_limit.steps = 100_000;
        p.stop_at = Duration::from_secs(10);
        let s = series("^(a+)+$", &attack("a", "!"), &p);
        assert_eq!(s.stopped, Stop::OverLimit);
        let o = s.over_limit.unwrap();
        assert_eq!(o.limit, LimitKind::Steps);
        assert!((13..=18).contains(&o.repeat), "{o:?}");
    }
}
