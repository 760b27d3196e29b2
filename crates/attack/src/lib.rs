//! Attack strings: from the analyzer's witness to a concrete, shrunk,
//! confirmed attack.
//!
//! An [`Attack`] is `prefix₁ pump₁ⁿ … prefixₖ pumpₖⁿ suffix`. [`measure`]
//! runs it at growing `n` on the reference matcher and fits the growth of
//! the step counts; the claim of the analysis is **confirmed** only when
//! the measured class matches it (exponential; or polynomial with the
//! measured degree within ±0.5 of the claimed one). [`shrink`] removes
//! every character whose removal keeps the attack confirmed, and
//! [`repeat_for_steps`] picks the repeat count that reaches a step target
//! from the fitted curve.
//!
//! ```
//! use redoscope_attack::{measure, Attack, Config};
//! use redoscope_analysis::{Complexity, Pump};
//! use redoscope_automata::Mode;
//! use redoscope_backtrack::Matcher;
//! use redoscope_syntax::{lower, parse, Flavor};
//!
//! let l = lower(&parse("^(a+)+$", Flavor::Js, "")?)?;
//! let mut m = Matcher::new(&l).unwrap();
//! let attack = Attack {
//!     pumps: vec![Pump { prefix: String::new(), pump: "a".into() }],
//!     suffix: "!".into(),
//! };
//! let v = measure(&mut m, &attack, Mode::Search, Complexity::Exponential, &Config::default(), None);
//! assert!(v.confirmed);
//! # Ok::<(), redoscope_syntax::Error>(())
//! ```
//!
//! Everything here is pure and bounded by step counts (no clocks).

#![deny(missing_docs)]

use redoscope_analysis::{pumped_text, Complexity, Pump, Witness};
use redoscope_automata::Mode;
use redoscope_backtrack::{Limit, Matcher};
use serde::Serialize;

/// An attack: the pumps, each after its prefix, then the suffix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attack {
    /// The pumped parts, in order.
    pub pumps: Vec<Pump>,
    /// The text that makes the match fail.
    pub suffix: String,
}

impl Attack {
    /// The attack of a witness. Consecutive pumps of the same text with
    /// nothing between them are merged into one (`aⁿaⁿaⁿ` is `a³ⁿ`: the
    /// same family of texts, grown in finer steps).
    pub fn from_witness(w: &Witness) -> Attack {
        let mut pumps: Vec<Pump> = Vec::new();
        for p in &w.pumps {
            if p.prefix.is_empty() && pumps.last().is_some_and(|l| l.pump == p.pump) {
                continue;
            }
            pumps.push(p.clone());
        }
        Attack {
            pumps,
            suffix: w.suffix.clone(),
        }
    }

    /// The text with every pump repeated `n` times.
    pub fn string(&self, n: usize) -> String {
        pumped_text(&self.pumps, &self.suffix, n)
    }

    /// The same, as characters.
    pub fn chars(&self, n: usize) -> Vec<char> {
        let mut v = Vec::with_capacity(self.len(n));
        for p in &self.pumps {
            v.extend(p.prefix.chars());
            for _ in 0..n {
                v.extend(p.pump.chars());
            }
        }
        v.extend(self.suffix.chars());
        v
    }

    /// The length in characters with every pump repeated `n` times.
    pub fn len(&self, n: usize) -> usize {
        self.fixed_len() + n.saturating_mul(self.pump_len())
    }

    /// Whether the attack is empty (never, for a real attack).
    pub fn is_empty(&self) -> bool {
        self.len(1) == 0
    }

    /// Characters in all pumps together.
    pub fn pump_len(&self) -> usize {
        self.pumps.iter().map(|p| p.pump.chars().count()).sum()
    }

    /// Characters outside the pumps.
    pub fn fixed_len(&self) -> usize {
        self.pumps
            .iter()
            .map(|p| p.prefix.chars().count())
            .sum::<usize>()
            + self.suffix.chars().count()
    }

    /// The largest repeat count whose text fits in `max_length` characters.
    pub fn max_repeat(&self, max_length: usize) -> usize {
        max_length.saturating_sub(self.fixed_len()) / self.pump_len().max(1)
    }
}

/// Limits of a measurement.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Stop growing once one run takes this many steps.
    pub point_steps: u64,
    /// The most steps one run may take (it stops there, undecided).
    pub run_limit: u64,
    /// The most steps of all runs of one measurement together.
    pub total_steps: u64,
    /// The longest attack text tried, in characters.
    pub max_length: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            point_steps: 300_000,
            run_limit: 10_000_000,
            total_steps: 6_000_000,
            max_length: 100_000,
        }
    }
}

impl Config {
    /// A cheap configuration (for shrinking): points up to `point_steps`.
    pub fn small(&self, point_steps: u64) -> Config {
        Config {
            point_steps,
            run_limit: point_steps.saturating_mul(32),
            total_steps: point_steps.saturating_mul(8),
            max_length: self.max_length,
        }
    }
}

/// One measured point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    /// The repeat count.
    pub repeat: usize,
    /// The text length in characters.
    pub length: usize,
    /// The steps the reference matcher took (a lower bound when
    /// `hit_limit`).
    pub steps: u64,
    /// The run stopped at the step limit.
    pub hit_limit: bool,
    /// The run found a match (the attack should fail the match).
    pub matched: bool,
}

/// The growth read from the points.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measured {
    /// Steps multiply by `base` with each repeat, and ever faster in
    /// log-log terms.
    Exponential {
        /// The factor per repeat, from the last points.
        base: f64,
    },
    /// Steps grow like `(repeat + shift)ᵈᵉᵍʳᵉᵉ`: the least-squares fit
    /// over the largest points, where the shift stands for the lower-order
    /// terms (the ways to split `n` characters between `k` loops number
    /// about `(n + k)ᵏ / k!`).
    Polynomial {
        /// The measured exponent.
        degree: f64,
        /// The fitted shift of the repeat count.
        shift: f64,
    },
    /// Too few points to say (the runs stayed tiny up to the length
    /// bound).
    Undecided,
}

/// A measurement of an attack on the reference matcher.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Validation {
    /// The engine: `reference`.
    pub engine: &'static str,
    /// The points, by growing repeat count.
    pub points: Vec<Point>,
    /// The growth the points show.
    pub measured: Measured,
    /// The claim checked.
    pub claim: Complexity,
    /// Whether the measured growth matches the claim.
    pub confirmed: bool,
    /// For a polynomial claim that is not confirmed: the measured growth
    /// is steeper than claimed (a high degree that has not reached its
    /// asymptotic regime within the budget, or an under-estimate): the
    /// blow-up is reproduced, its exact degree is not.
    pub steeper: bool,
    /// The measurement was cut short by the cancellation check (nothing is
    /// confirmed then).
    pub cancelled: bool,
}

/// The largest repeat count tried for an exponential claim.
const MAX_EXPONENTIAL_REPEAT: usize = 100;

/// Steps counted below this are mostly constant overhead, not growth.
const MIN_STEPS: u64 = 200;

/// Runs `attack` at growing repeat counts in `mode` and fits the growth:
/// for an exponential claim `n = 1, 2, 3, …`, for a polynomial one
/// `n = 1, 2, 4, 8, …`, until a run takes `point_steps`, the text would
/// pass `max_length`, or `total_steps` are spent.
pub fn measure(
    m: &mut Matcher,
    attack: &Attack,
    mode: Mode,
    claim: Complexity,
    cfg: &Config,
    cancel: Option<&dyn Fn() -> bool>,
) -> Validation {
    let mut points = Vec::new();
    let mut cancelled = false;
    let mut spent = 0u64;
    let max_repeat = attack.max_repeat(cfg.max_length).max(1);
    let mut n = 1usize;
    loop {
        let text = attack.chars(n);
        let limit = cfg
            .run_limit
            .min(cfg.total_steps.saturating_sub(spent))
            .max(1);
        let out = m.exec(&text, mode, Limit::steps(limit).cancel(cancel));
        spent += out.steps;
        if out.cancelled {
            // Undecided: the caller's deadline passed.
            cancelled = true;
            break;
        }
        if out.hit_limit
            && limit < cfg.run_limit
            && points.last().is_some_and(|p: &Point| out.steps <= p.steps)
        {
            // Stopped by what was left of the budget below the previous
            // run's count: a lower bound that says nothing. (One above it
            // is kept: it shows at least that much growth.)
            break;
        }
        points.push(Point {
            repeat: n,
            length: text.len(),
            steps: out.steps,
            hit_limit: out.hit_limit,
            matched: out.span.is_some(),
        });
        if out.hit_limit || out.steps >= cfg.point_steps || spent >= cfg.total_steps {
            break;
        }
        let next = match claim {
            // An exponential that has not taken off by then never will
            // within the budget.
            Complexity::Exponential if n >= MAX_EXPONENTIAL_REPEAT => break,
            Complexity::Exponential => n + 1,
            // Geometric steps of 1.25, so that high degrees, which reach
            // the cap within a few repeats, still get several points.
            _ => (n + 1).max(n * 5 / 4),
        };
        if next > max_repeat {
            if n < max_repeat {
                n = max_repeat;
                continue;
            }
            break;
        }
        n = next;
    }
    let measured = fit(&points, claim);
    let steeper = match (claim, measured) {
        (Complexity::Polynomial { degree }, Measured::Polynomial { degree: d, .. }) => {
            d > degree as f64 + 0.5
        }
        _ => false,
    };
    let confirmed = match (claim, measured) {
        (Complexity::Exponential, Measured::Exponential { .. }) => true,
        (Complexity::Polynomial { degree }, Measured::Polynomial { degree: d, .. }) => {
            (d - degree as f64).abs() <= 0.5
        }
        _ => false,
    };
    Validation {
        engine: "reference",
        points,
        measured,
        claim,
        confirmed: confirmed && !cancelled,
        steeper: steeper && !cancelled,
        cancelled,
    }
}

/// The log-log slope between two points.
fn slope(a: &Point, b: &Point) -> f64 {
    (b.steps as f64 / a.steps as f64).ln() / (b.repeat as f64 / a.repeat as f64).ln()
}

/// The points used for the polynomial fit: the largest ones.
const FIT_POINTS: usize = 6;

/// The least-squares fit of `ln steps = c + k·ln(repeat + a)` over
/// `points` for the shift `a` in `-min_repeat/2..=max_shift` (steps of
/// 1/4) with the smallest residual: `(k, a)`. A negative shift stands for
/// counts like `C(n, k) ≈ (n − k/2)ᵏ / k!`.
fn fit_shifted(points: &[&Point], max_shift: f64) -> (f64, f64) {
    let ys: Vec<f64> = points.iter().map(|p| (p.steps as f64).ln()).collect();
    let mut best = (f64::INFINITY, 0.0, 0.0);
    let (lo, hi) = if points.len() >= 3 {
        let min_repeat = points.iter().map(|p| p.repeat).min().unwrap_or(1) as f64;
        (-(min_repeat * 2.0).floor() as i64, (max_shift * 4.0) as i64)
    } else {
        (0, 0)
    };
    // From 0 outwards, so that ties go to the smallest shift.
    let order = (0..=hi).chain((lo..0).rev());
    for i in order {
        let a = i as f64 / 4.0;
        let xs: Vec<f64> = points.iter().map(|p| (p.repeat as f64 + a).ln()).collect();
        let n = xs.len() as f64;
        let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
        let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
        if sxx <= 0.0 {
            continue;
        }
        let k = sxy / sxx;
        let rss: f64 = xs
            .iter()
            .zip(&ys)
            .map(|(x, y)| {
                let e = y - (my + k * (x - mx));
                e * e
            })
            .sum();
        // Prefer the smallest shift among equally good fits.
        if rss < best.0 * 0.999 - 1e-12 {
            best = (rss, k, a);
        }
    }
    (best.1, best.2)
}

/// The growth the points show for a claim (see [`Measured`]): an
/// exponential claim is checked for a constant factor per repeat and a
/// log-log slope that keeps growing; a polynomial one by fitting
/// `(repeat + shift)ᵏ` with the shift at most four times the claimed
/// degree.
pub fn fit(points: &[Point], claim: Complexity) -> Measured {
    let usable: Vec<&Point> = points
        .iter()
        .filter(|p| p.steps >= MIN_STEPS && p.repeat > 0)
        .collect();
    if usable.len() < 2 {
        return Measured::Undecided;
    }
    let last = usable[usable.len() - 1];
    // The pair that ends at the last point and starts about a quarter (or
    // for doubling sequences, half) of the way back.
    let back = |target: f64| -> &Point {
        usable
            .iter()
            .rev()
            .skip(1)
            .find(|p| p.repeat as f64 <= target)
            .copied()
            .unwrap_or(usable[0])
    };
    let r = last.repeat as f64;
    let prev = back(r * 0.75);
    let k_end = slope(prev, last);
    let base =
        (last.steps as f64 / prev.steps as f64).powf(1.0 / (last.repeat - prev.repeat) as f64);
    // The same at the first points: an exponential's log-log slope grows
    // in proportion to the repeat count, a polynomial's stays put.
    let k_first = slope(usable[0], usable[1]);
    let accelerating = usable.len() >= 3
        && usable[1].repeat < prev.repeat
        && k_end >= 1.4 * k_first
        && k_end - k_first >= 1.0;
    if claim == Complexity::Exponential {
        if base >= 1.25 && k_end >= 4.0 && accelerating {
            return Measured::Exponential { base };
        }
        return Measured::Polynomial {
            degree: k_end,
            shift: 0.0,
        };
    }
    let max_shift = match claim {
        Complexity::Polynomial { degree } => 4.0 * degree as f64,
        _ => 0.0,
    };
    let top = &usable[usable.len().saturating_sub(FIT_POINTS)..];
    let (degree, shift) = fit_shifted(top, max_shift);
    Measured::Polynomial { degree, shift }
}

/// The repeat count at which the attack is expected to take `target`
/// steps, extrapolated from the measurement (at least the last measured
/// count when that already reaches it), and at most what fits in
/// `max_length` characters.
pub fn repeat_for_steps(attack: &Attack, v: &Validation, target: u64, max_length: usize) -> usize {
    let cap = attack.max_repeat(max_length).max(1);
    let Some(last) = v.points.iter().rev().find(|p| !p.hit_limit) else {
        return v.points.first().map_or(1, |p| p.repeat).min(cap);
    };
    let (r, s) = (last.repeat as f64, last.steps.max(1) as f64);
    if s >= target as f64 {
        return last.repeat.min(cap);
    }
    let ratio = target as f64 / s;
    let n = match v.measured {
        Measured::Exponential { base } => r + ratio.ln() / base.ln(),
        Measured::Polynomial { degree, shift } if degree > 0.5 => {
            (r + shift) * ratio.powf(1.0 / degree) - shift
        }
        _ => cap as f64,
    };
    (n.ceil().max(1.0) as usize).min(cap)
}

/// What [`shrink`] may spend.
#[derive(Clone, Copy, Debug)]
pub struct ShrinkLimits {
    /// Steps per point of each trial measurement.
    pub probe: u64,
    /// Steps of all trials together.
    pub budget: u64,
}

/// Removes every character (of the prefixes, pumps and suffix) whose
/// removal keeps the growth measured at a small cost (`probe` steps per
/// point) as steep as the original's and the match failing, trying the
/// parts from the suffix back, within `budget` steps in all. Returns the
/// attack unchanged when it shows no super-linear growth at that cost to
/// begin with.
pub fn shrink(
    m: &mut Matcher,
    attack: &Attack,
    mode: Mode,
    claim: Complexity,
    cfg: &Config,
    limits: ShrinkLimits,
    cancel: Option<&dyn Fn() -> bool>,
) -> Attack {
    let ShrinkLimits { probe, budget } = limits;
    let small = cfg.small(probe);
    let spent = std::cell::Cell::new(0u64);
    let stopped = std::cell::Cell::new(false);
    let run = |m: &mut Matcher, a: &Attack| {
        let v = measure(m, a, mode, claim, &small, cancel);
        stopped.set(stopped.get() || v.cancelled);
        spent.set(spent.get() + v.points.iter().map(|p| p.steps).sum::<u64>());
        v
    };
    // A candidate must grow at least as the original does at this cost,
    // and keep failing the match where the original does.
    let base = run(m, attack);
    let reference = base.measured;
    let must_fail = base.points.last().is_some_and(|p| !p.matched);
    let ok = |m: &mut Matcher, a: &Attack| {
        if spent.get() >= budget || stopped.get() {
            return false;
        }
        let v = run(m, a);
        if must_fail && v.points.iter().any(|p| p.matched) {
            return false;
        }
        match (reference, v.measured) {
            (Measured::Exponential { .. }, Measured::Exponential { .. }) => true,
            (Measured::Polynomial { degree: d0, .. }, Measured::Polynomial { degree: d, .. }) => {
                d0 >= 1.5 && d >= d0 - 0.3
            }
            _ => false,
        }
    };
    if matches!(reference, Measured::Undecided) {
        return attack.clone();
    }
    let mut best = attack.clone();
    // Parts: 0 = suffix, then (prefix, pump) of each pump from the last.
    let parts = 1 + 2 * best.pumps.len();
    let mut changed = true;
    let mut rounds = 0;
    while changed && rounds < 3 {
        changed = false;
        rounds += 1;
        for part in 0..parts {
            let get = |a: &Attack| -> String {
                match part {
                    0 => a.suffix.clone(),
                    p => {
                        let i = a.pumps.len() - 1 - (p - 1) / 2;
                        if (p - 1) % 2 == 0 {
                            a.pumps[i].prefix.clone()
                        } else {
                            a.pumps[i].pump.clone()
                        }
                    }
                }
            };
            let set = |a: &mut Attack, s: String| match part {
                0 => a.suffix = s,
                p => {
                    let i = a.pumps.len() - 1 - (p - 1) / 2;
                    if (p - 1) % 2 == 0 {
                        a.pumps[i].prefix = s;
                    } else {
                        a.pumps[i].pump = s;
                    }
                }
            };
            let is_pump = part > 0 && (part - 1) % 2 == 1;
            let text: Vec<char> = get(&best).chars().collect();
            if text.is_empty() || (is_pump && text.len() == 1) {
                continue;
            }
            // The whole part at once (not a pump), then one character at a
            // time.
            if !is_pump {
                let mut cand = best.clone();
                set(&mut cand, String::new());
                if ok(m, &cand) {
                    best = cand;
                    changed = true;
                    continue;
                }
            }
            let mut i = 0;
            let mut cur = text;
            while i < cur.len() {
                if (is_pump && cur.len() == 1) || spent.get() >= budget || stopped.get() {
                    break;
                }
                let mut shorter = cur.clone();
                shorter.remove(i);
                let mut cand = best.clone();
                set(&mut cand, shorter.iter().collect());
                if ok(m, &cand) {
                    best = cand;
                    cur = shorter;
                    changed = true;
                } else {
                    i += 1;
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use redoscope_syntax::{lower, parse, Flavor};

    fn matcher(p: &str, f: Flavor) -> Matcher {
        Matcher::new(&lower(&parse(p, f, "").unwrap()).unwrap()).unwrap()
    }

    fn attack(parts: &[(&str, &str)], suffix: &str) -> Attack {
        Attack {
            pumps: parts
                .iter()
                .map(|(a, b)| Pump {
                    prefix: a.to_string(),
                    pump: b.to_string(),
                })
                .collect(),
            suffix: suffix.into(),
        }
    }

    #[test]
    fn exponential_is_confirmed_and_polynomial_is_not_exponential() {
        let mut m = matcher("^(a+)+$", Flavor::Js);
        let a = attack(&[("", "a")], "!");
        let v = measure(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Exponential,
            &Config::default(),
            None,
        );
        assert!(v.confirmed, "{v:?}");
        let Measured::Exponential { base } = v.measured else {
            panic!("{v:?}")
        };
        assert!((1.8..2.2).contains(&base), "{base}");
        // A quadratic pattern measured as if exponential: refuted.
        let mut m = matcher(r"\s+$", Flavor::Js);
        let a = attack(&[("", " ")], "!");
        let v = measure(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Exponential,
            &Config::default(),
            None,
        );
        assert!(!v.confirmed, "{v:?}");
        let v = measure(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Polynomial { degree: 2 },
            &Config::default(),
            None,
        );
        assert!(v.confirmed, "{v:?}");
        // Claimed cubic, measured quadratic: refuted.
        let v = measure(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Polynomial { degree: 3 },
            &Config::default(),
            None,
        );
        assert!(!v.confirmed, "{v:?}");
    }

    #[test]
    fn a_run_cut_short_by_the_budget_is_not_a_point() {
        // (\w+)\1+$ is cubic when searched; with a budget that runs out
        // mid-run, the last run must not pass for a shrinking curve.
        let mut m = matcher(r"(\w+)\1+$", Flavor::Python);
        let a = attack(&[("aa", "a")], "!");
        let cfg = Config {
            total_steps: 3_000_000,
            ..Config::default()
        };
        let v = measure(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Exponential,
            &cfg,
            None,
        );
        assert!(v.points.iter().all(|p| !p.hit_limit), "{:?}", v.points);
        let Measured::Polynomial { degree, .. } = v.measured else {
            panic!("{v:?}")
        };
        assert!(degree > 2.0, "{degree}");
    }

    #[test]
    fn a_safe_pattern_refutes_any_claim() {
        let mut m = matcher("^a+$", Flavor::Js);
        let a = attack(&[("", "a")], "!");
        for claim in [
            Complexity::Exponential,
            Complexity::Polynomial { degree: 2 },
        ] {
            let v = measure(&mut m, &a, Mode::Search, claim, &Config::default(), None);
            assert!(!v.confirmed, "{v:?}");
        }
    }

    #[test]
    fn degrees_three_and_four() {
        let mut m = matcher("a*a*a*b", Flavor::Js);
        let a = attack(&[("", "a")], "");
        let v = measure(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Polynomial { degree: 4 },
            &Config::default(),
            None,
        );
        assert!(v.confirmed, "{v:?}");
        let v = measure(
            &mut m,
            &a,
            Mode::Full,
            Complexity::Polynomial { degree: 3 },
            &Config::default(),
            None,
        );
        assert!(v.confirmed, "{v:?}");
    }

    #[test]
    fn shrinking_drops_what_is_not_needed() {
        let mut m = matcher(r"\s+$", Flavor::Js);
        let a = attack(&[("!x", "  ")], "!!");
        let claim = Complexity::Polynomial { degree: 2 };
        let s = shrink(
            &mut m,
            &a,
            Mode::Search,
            claim,
            &Config::default(),
            ShrinkLimits {
                probe: 50_000,
                budget: u64::MAX,
            },
            None,
        );
        assert_eq!(s, attack(&[("", " ")], "!"));
        let mut m = matcher("^(a|a)*$", Flavor::Js);
        let a = attack(&[("a", "aa")], "!");
        let s = shrink(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Exponential,
            &Config::default(),
            ShrinkLimits {
                probe: 50_000,
                budget: u64::MAX,
            },
            None,
        );
        assert_eq!(s, attack(&[("", "a")], "!"));
    }

    #[test]
    fn repeat_reaches_the_target() {
        let mut m = matcher("^(a+)+$", Flavor::Js);
        let a = attack(&[("", "a")], "!");
        let cfg = Config::default();
        let v = measure(
            &mut m,
            &a,
            Mode::Search,
            Complexity::Exponential,
            &cfg,
            None,
        );
        let n = repeat_for_steps(&a, &v, 100_000_000, 100_000);
        let out = m.exec(&a.chars(n), Mode::Search, Limit::steps(1_000_000_000));
        assert!(
            out.steps >= 50_000_000 && out.steps <= 400_000_000,
            "{n} {out:?}"
        );
        assert_eq!(repeat_for_steps(&a, &v, 100_000_000, 20), 19);
    }
}
