//! The timing harness: every engine redoscope can run an attack on, behind
//! one interface, with execution that cannot run away.
//!
//! An [`Engine`] compiles a [`Subject`] (the pattern in its flavor, flags,
//! matching mode and lowered IR) into a [`Compiled`] program, which runs one
//! [`Input`] under a [`Limit`]. Going over the limit is an ordinary
//! [`Outcome::OverLimit`], never an error and never a hang: the reference
//! matcher counts steps, PCRE2 / fancy-regex / Oniguruma use their own
//! match limits, and the real runtimes (node, python, java, perl) run in a
//! child process that is killed at the deadline.
//!
//! [`measure`] runs an attack at growing lengths on one engine and
//! [`fit`] classifies the growth (exponential, polynomial with its degree,
//! linear) with a goodness of fit.
//!
//! Unlike the analysis crates, this one does I/O and reads clocks.

#![deny(missing_docs)]

pub mod engines;
pub mod fit;
pub mod measure;

use redoscope_automata::Mode;
use redoscope_syntax::ir::Lowered;
use redoscope_syntax::Flavor;
use serde::Serialize;
use std::time::Duration;

/// What a pattern is, for an engine to compile it.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The pattern text, in `flavor`.
    pub pattern: &'a str,
    /// Its flavor.
    pub flavor: Flavor,
    /// Its flags, in the flavor's letters.
    pub flags: &'a str,
    /// The matching API it is used with.
    pub mode: Mode,
    /// The pattern, parsed and lowered (engines of another flavor print it
    /// in their own syntax from this).
    pub lowered: &'a Lowered,
}

/// An input text, as code points: any Unicode scalar value, and also lone
/// surrogates (JS, Java and Python strings can hold them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    /// The code points.
    pub code_points: Vec<u32>,
}

impl Input {
    /// The input of a Rust string (infallible, unlike `FromStr`).
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(s: &str) -> Input {
        Input {
            code_points: s.chars().map(|c| c as u32).collect(),
        }
    }

    /// The input of characters.
    pub fn from_chars(s: &[char]) -> Input {
        Input {
            code_points: s.iter().map(|&c| c as u32).collect(),
        }
    }

    /// Its length in code points.
    pub fn len(&self) -> usize {
        self.code_points.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.code_points.is_empty()
    }

    /// As characters; `None` when it holds a surrogate.
    pub fn to_chars(&self) -> Option<Vec<char>> {
        self.code_points
            .iter()
            .map(|&c| char::from_u32(c))
            .collect()
    }

    /// As UTF-8; `None` when it holds a surrogate.
    pub fn to_utf8(&self) -> Option<String> {
        self.to_chars().map(|c| c.into_iter().collect())
    }

    /// As UTF-8, for an engine that reads nothing else; the engine's
    /// `Failed` outcome when it holds a lone surrogate.
    pub fn utf8_for_engine(&self) -> Result<String, Outcome> {
        self.to_utf8().ok_or_else(|| {
            Outcome::Failed(
                "the input is not representable in UTF-8 (it holds a lone surrogate)".into(),
            )
        })
    }
}

/// How far one run may go. Engines that count work use `steps` (their own
/// unit: reference steps, PCRE2 match calls, fancy-regex backtracks,
/// Oniguruma retries); engines that cannot be stopped from inside run in a
/// child process killed after `time`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Wall-clock time for one match.
    pub time: Duration,
    /// The engine's own work limit, where it has one.
    pub steps: u64,
}

impl Default for Limit {
    fn default() -> Limit {
        Limit {
            time: Duration::from_secs(1),
            steps: 1_000_000_000,
        }
    }
}

/// Steps of the probe run of [`run_within_time`].
pub const PROBE_STEPS: u64 = 100_000;

/// Runs one match of an in-process engine, which no clock can stop but
/// which counts its work, so that it ends by about `limit.time`: first a
/// probe with a limit of [`PROBE_STEPS`] (a match that finishes within it
/// is the answer), then, from the probe's speed on this very pattern and
/// input, the run with the step limit it can take in `limit.time` (at most
/// `limit.steps`). `run(steps)` runs the match with that step limit and
/// gives `OverLimit { limit: Steps }` when it is hit; a second run stopped
/// by the limit derived from the time is `OverLimit { limit: Time }`.
///
/// The speed of one engine step varies a lot between patterns (a PCRE2
/// match call may loop over a whole run of characters: `a*a*a*b` on 5,300
/// `a`s takes ~110 ns per call, `^(a+)+$` ~13 ns), so no fixed rate can
/// turn a time into a step limit.
pub fn run_within_time(limit: &Limit, mut run: impl FnMut(u64) -> Outcome) -> Outcome {
    let probe = PROBE_STEPS.min(limit.steps);
    let first = run(probe);
    let probe_time = match &first {
        Outcome::OverLimit {
            limit: LimitKind::Steps,
            time,
            ..
        } if probe < limit.steps => *time,
        _ => return first,
    };
    if probe_time >= limit.time {
        return Outcome::OverLimit {
            limit: LimitKind::Time,
            time: probe_time,
            steps: Some(probe),
        };
    }
    let rate = probe as f64 / probe_time.as_secs_f64().max(1e-7);
    // A margin: later steps of a match can be slower than the first.
    let by_time = (rate * limit.time.as_secs_f64() * 0.9) as u64;
    let (steps, timed) = if by_time < limit.steps {
        (by_time.max(probe + 1), true)
    } else {
        (limit.steps, false)
    };
    match run(steps) {
        Outcome::OverLimit {
            limit: LimitKind::Steps,
            time,
            steps,
        } if timed => Outcome::OverLimit {
            limit: LimitKind::Time,
            time,
            steps,
        },
        o => o,
    }
}

/// Which limit a run went over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LimitKind {
    /// The time limit (the child process was killed).
    Time,
    /// The engine's step / match / backtrack limit.
    Steps,
    /// The engine's memory or depth limit (PCRE2 depth/heap limits, a child
    /// killed for memory, a lazy DFA that gave up).
    Memory,
}

/// What one run did.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// The match finished.
    Done {
        /// Whether it matched.
        matched: bool,
        /// The time the match took (measured around the match call only).
        time: Duration,
        /// Steps, for engines that count them (the reference matcher).
        steps: Option<u64>,
    },
    /// The run went over a limit: a normal outcome of an attack.
    OverLimit {
        /// Which limit.
        limit: LimitKind,
        /// How long it ran before it was stopped.
        time: Duration,
        /// Steps when the limit is a step count.
        steps: Option<u64>,
    },
    /// The engine failed in a way that is not a limit (a crash of the child,
    /// an engine error); the message says what.
    Failed(String),
}

/// How an engine matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A backtracking engine: super-linear on ambiguous patterns.
    Backtracking,
    /// A linear-time engine (automata): the control.
    Linear,
    /// Backtracking only for the parts that need it; the rest runs on a
    /// linear engine (fancy-regex).
    Hybrid,
}

/// An engine could not take the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// Why (the engine's own message where there is one).
    pub message: String,
    /// Whether the engine does not support the pattern's constructs at all
    /// (backreferences on a linear engine, a flavor the runtime cannot
    /// express), as opposed to rejecting this pattern.
    pub unsupported: bool,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CompileError {}

/// A regex engine the harness can run.
pub trait Engine: Send {
    /// Its name on the command line (`reference`, `pcre2`, `node`, …).
    fn name(&self) -> &'static str;
    /// How it matches.
    fn kind(&self) -> Kind;
    /// Its version (the runtime's or the crate's), once known.
    fn version(&self) -> String;
    /// Whether it reports steps (deterministic) rather than time.
    fn counts_steps(&self) -> bool {
        false
    }
    /// Compiles the subject.
    fn compile(&mut self, subject: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError>;
}

/// A pattern compiled by an engine.
pub trait Compiled {
    /// The pattern text the engine was given (after translation to its
    /// syntax, and the anchoring of the mode where it has no such API).
    fn pattern(&self) -> &str;
    /// Notes on what the engine actually executes (e.g. fancy-regex handing
    /// a purely regular pattern to the linear `regex` crate).
    fn notes(&self) -> Vec<String> {
        vec![]
    }
    /// Runs one match of `input`, within `limit`.
    fn run(&mut self, input: &Input, limit: &Limit) -> Outcome;
}
