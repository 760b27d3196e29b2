//! fancy-regex 0.20: a backtracking VM for what needs it (backreferences,
//! lookaround, atomic groups, conditionals…), the linear `regex` engines
//! for the rest.
//!
//! * **Pattern.** A Rust subject runs its own text, its flags as the
//!   builder's options (`U` as an inline `(?U)`). Other flavors run their
//!   IR printed as Java ([`print_ir`]; as .NET for conditionals, which Java
//!   lacks). Not as Rust: that printer refuses the very constructs
//!   fancy-regex exists for. Not as PCRE: that printer spells some
//!   characters `\Q…\E`, which fancy-regex rejects. A `$` that may match
//!   before a final newline (Python, Java, PCRE, .NET), which fancy-regex's
//!   `$` never does, is rewritten first (see
//!   [`without_newline_dollar`](super::linear)): `\n?\z` at the end of
//!   the pattern (`\z` for a full match), the lookahead `(?=\n?\z)`
//!   elsewhere.
//! * **Mode.** The text is wrapped: `\A(?:P)` for a prefix match,
//!   `\A(?:P)\z` for a full match.
//! * **Limits.** `backtrack_limit(limit.steps)`;
//!   `RuntimeError::BacktrackLimitExceeded` is [`LimitKind::Steps`], a VM
//!   stack overflow [`LimitKind::Memory`]. `limit.time` becomes a
//!   backtrack limit through a probe run ([`crate::run_within_time`]).
//! * **Optimizer off** (`RegexBuilder::optimize(false)`): by default
//!   fancy-regex rewrites the tree first (nested repeats such as `(a+)+`
//!   become `(a+)`, a trailing lookahead is hoisted), which hides the
//!   backtracking being measured.
//!
//! What actually runs is reported by [`Compiled::notes`]: a pattern with
//! nothing "hard" is handed whole to the linear `regex` engine (it does not
//! backtrack at all); otherwise the VM backtracks, with its constant-size
//! prefix and the easy suffix after the last hard part delegated.

use super::linear::{anchored, without_newline_dollar};
use crate::{CompileError, Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use fancy_regex::{Error, Regex, RegexBuilder, RuntimeError};
use redoscope_syntax::ir::print_ir;
use redoscope_syntax::{Flags, Flavor};
use std::fmt;
use std::time::Instant;

/// The note for a pattern fancy-regex hands whole to the `regex` crate.
pub const DELEGATED: &str =
    "fancy-regex delegates this pattern to the linear regex crate: it does not backtrack";

/// The fancy-regex engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fancy;

/// What fancy-regex made of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Plan {
    /// The whole pattern runs on the `regex` crate's engines.
    Delegated,
    /// The VM runs it; these parts (as fancy-regex prints them) are
    /// delegated.
    Vm(Vec<String>),
}

/// `Regex::debug_print` as text (a public but undocumented method: the
/// program, or `wrapped Regex …` for a delegated pattern).
struct Dump<'a>(&'a Regex);

impl fmt::Display for Dump<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.debug_print(f)
    }
}

/// What runs a regex, read from its dump ([`Dump`]); `None` when the dump
/// has a shape this version does not know.
fn plan(dump: &str) -> Option<Plan> {
    if dump.starts_with("wrapped Regex") {
        return Some(Plan::Delegated);
    }
    // One instruction a line:
    // "  5: Delegate(Delegate { pattern: \"(a+)+$\", capture_groups: … })".
    let mut parts = vec![];
    let mut lines = 0;
    for line in dump.lines() {
        let (pc, insn) = line.split_once(": ")?;
        pc.trim().parse::<usize>().ok()?;
        lines += 1;
        let delegate = insn
            .strip_prefix("Delegate(Delegate { pattern: ")
            .or_else(|| insn.strip_prefix("Delegate { pattern: "));
        if let Some(rest) = delegate {
            let part = rest.split(", capture_groups").next().unwrap_or(rest);
            parts.push(part.to_string());
        }
    }
    (lines > 0).then_some(Plan::Vm(parts))
}

/// Builds `text` with the engine's options.
fn build(text: &str, flags: &Flags, steps: usize, optimize: bool) -> Result<Regex, Error> {
    let mut b = RegexBuilder::new(text);
    b.case_insensitive(flags.ignore_case)
        .multi_line(flags.multi_line)
        .dot_matches_new_line(flags.dot_all)
        .ignore_whitespace(flags.extended)
        .crlf(flags.crlf)
        .unicode_mode(flags.unicode)
        .backtrack_limit(steps)
        .optimize(optimize);
    b.build()
}

impl Engine for Fancy {
    fn name(&self) -> &'static str {
        "fancy"
    }

    fn kind(&self) -> Kind {
        Kind::Hybrid
    }

    fn version(&self) -> String {
        "fancy-regex 0.20 (optimizer off)".to_string()
    }

    fn compile(&mut self, s: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError> {
        let mut notes = vec![];
        let native = s.flavor == Flavor::Rust;
        let (text, flags) = if native {
            let f = Flags::parse(Flavor::Rust, s.flags).map_err(|e| CompileError {
                message: e.message,
                unsupported: false,
            })?;
            let text = if f.ungreedy {
                format!("(?U){}", s.pattern)
            } else {
                s.pattern.to_string()
            };
            (text, f)
        } else {
            let unsupported = |e: String| CompileError {
                message: format!("fancy-regex cannot run this {} pattern: {e}", s.flavor),
                unsupported: true,
            };
            let rewritten =
                without_newline_dollar(&s.lowered.ir, s.mode, true).map_err(unsupported)?;
            let ir = rewritten.as_ref().unwrap_or(&s.lowered.ir);
            // Java syntax, or .NET for what Java lacks (conditionals).
            let (text, printed_as) = match print_ir(ir, Flavor::Java) {
                Ok((text, _)) => (text, Flavor::Java),
                Err(_) => (
                    print_ir(ir, Flavor::Dotnet).map_err(unsupported)?.0,
                    Flavor::Dotnet,
                ),
            };
            notes.push(format!(
                "translated from {} (the IR printed as {printed_as})",
                s.flavor
            ));
            // fancy-regex is Unicode-aware by default, like the printed
            // classes (which are explicit code points).
            let f = Flags::parse(Flavor::Rust, "").map_err(|e| unsupported(e.message))?;
            (text, f)
        };
        let pattern = anchored(&text, flags.extended, s.mode);
        // The limit is set per run; a build with the largest limit tells
        // whether the pattern compiles at all.
        let re = build(&pattern, &flags, usize::MAX, false).map_err(|e| CompileError {
            // The subject is valid in its flavor: what fancy-regex cannot
            // parse, it does not support; a Rust pattern it cannot compile
            // (too big) is just rejected.
            unsupported: !native
                || matches!(e, Error::ParseError(..))
                || matches!(
                    &e,
                    Error::CompileError(c) if matches!(
                        **c,
                        fancy_regex::CompileError::FeatureNotYetSupported(_)
                            | fancy_regex::CompileError::LookBehindNotConst
                            | fancy_regex::CompileError::VariableLookBehindRequiresFeature
                    )
                ),
            message: e.to_string(),
        })?;
        let dump = Dump(&re).to_string();
        let runs = plan(&dump).unwrap_or_else(|| {
            // Unknown dump: decide from the IR, as fancy-regex's analysis
            // does (a pattern is hard when it needs the VM).
            let p = &s.lowered.ir.props;
            if p.has_backref || p.has_lookaround || p.has_atomic {
                Plan::Vm(vec![])
            } else {
                Plan::Delegated
            }
        });
        match &runs {
            Plan::Delegated => notes.push(DELEGATED.to_string()),
            Plan::Vm(parts) => {
                let mut note = "fancy-regex runs this pattern on its backtracking VM".to_string();
                if !parts.is_empty() {
                    note += &format!(
                        "; these parts of it are delegated to the linear regex crate: {}",
                        parts.join(", ")
                    );
                }
                notes.push(note);
                // What a default build (optimizer on) would run instead.
                if let Ok(default) = build(&pattern, &flags, usize::MAX, true) {
                    let default_dump = Dump(&default).to_string();
                    if plan(&default_dump) == Some(Plan::Delegated) {
                        notes.push(
                            "with fancy-regex's default optimizer (off here), this pattern \
                             would be rewritten and delegated to the linear regex crate"
                                .to_string(),
                        );
                    } else if default_dump != dump {
                        notes.push(
                            "with fancy-regex's default optimizer (off here), this pattern \
                             would be rewritten first (nested repeats such as (a+)+ become \
                             (a+))"
                                .to_string(),
                        );
                    }
                }
            }
        }
        Ok(Box::new(Program {
            re,
            built_for: usize::MAX,
            flags,
            pattern,
            notes,
        }))
    }
}

struct Program {
    re: Regex,
    /// The backtrack limit `re` was built with.
    built_for: usize,
    flags: Flags,
    pattern: String,
    notes: Vec<String>,
}

impl Compiled for Program {
    fn pattern(&self) -> &str {
        &self.pattern
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn run(&mut self, input: &Input, limit: &Limit) -> Outcome {
        let text = match input.utf8_for_engine() {
            Ok(t) => t,
            Err(failed) => return failed,
        };
        crate::run_within_time(limit, |steps| self.run_steps(&text, steps))
    }
}

impl Program {
    /// One match with `cap` as the backtrack limit.
    fn run_steps(&mut self, text: &str, cap: u64) -> Outcome {
        let steps = usize::try_from(cap).unwrap_or(usize::MAX);
        if steps != self.built_for {
            // The backtrack limit is a build option: rebuild (it compiled
            // once, so it compiles again).
            match build(&self.pattern, &self.flags, steps, false) {
                Ok(re) => {
                    self.re = re;
                    self.built_for = steps;
                }
                Err(e) => return Outcome::Failed(e.to_string()),
            }
        }
        let start = Instant::now();
        let r = self.re.is_match(text);
        let time = start.elapsed();
        match r {
            Ok(matched) => Outcome::Done {
                matched,
                time,
                steps: None,
            },
            Err(Error::RuntimeError(RuntimeError::BacktrackLimitExceeded)) => Outcome::OverLimit {
                limit: LimitKind::Steps,
                time,
                steps: Some(cap),
            },
            Err(Error::RuntimeError(RuntimeError::StackOverflow)) => Outcome::OverLimit {
                limit: LimitKind::Memory,
                time,
                steps: None,
            },
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }
}
