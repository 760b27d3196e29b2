//! Oniguruma 6.9 (the `onig` crate's bundled build), Ruby syntax: the
//! closest in-process stand-in for Ruby's Onigmo. Behind the `onig` cargo
//! feature.
//!
//! * **Pattern.** A Ruby subject runs its own text with its flags (`i`, `m`
//!   = dot matches newline, `x`; `o u e n` change nothing here). Other
//!   flavors run their IR printed as Ruby ([`print_ir`]). Ruby's `\u{H}`
//!   escapes, which Ruby itself reads before Onigmo sees the pattern, are
//!   given to Oniguruma as `\x{H}`.
//! * **Mode.** `search_with_param` for a search, `match_with_param` at
//!   offset 0 for a prefix match, and with `ONIG_OPTION_MATCH_WHOLE_STRING`
//!   for a full match (the match must end at the end; Oniguruma backtracks
//!   until one does).
//! * **Limits.** `MatchParam::set_retry_limit_in_match(limit.steps)`
//!   (capped to `u32::MAX`); going over it is [`LimitKind::Steps`], the
//!   match stack limit [`LimitKind::Memory`]. The retry limit counts per
//!   start position, so a search may retry up to that many times at each
//!   position (the `onig` crate does not expose the per-search limit).
//!   `limit.time` becomes a retry limit through a probe run
//!   ([`crate::run_within_time`]).
//!   `Regex::is_match` panics at the retry limit and is never used.
//!   `limit.time` is not enforced.

use crate::{CompileError, Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use onig::{MatchParam, Regex, RegexOptions, SearchOptions, Syntax};
use redoscope_automata::Mode;
use redoscope_syntax::ir::print_ir;
use redoscope_syntax::{Flags, Flavor};
use std::time::Instant;

/// `ONIGERR_RETRY_LIMIT_IN_MATCH_OVER`.
const RETRY_LIMIT_IN_MATCH_OVER: i32 = -17;
/// `ONIGERR_RETRY_LIMIT_IN_SEARCH_OVER`.
const RETRY_LIMIT_IN_SEARCH_OVER: i32 = -18;
/// `ONIGERR_MATCH_STACK_LIMIT_OVER`.
const MATCH_STACK_LIMIT_OVER: i32 = -15;
/// `ONIGERR_MEMORY`.
const MEMORY: i32 = -5;

/// `text` with Ruby's `\u{H…}` escapes (one or more code points, separated
/// by spaces) spelled `\x{H}`: Ruby reads `\u{…}` itself before Onigmo
/// sees the pattern, and Oniguruma's Ruby syntax only knows `\uHHHH` and
/// `\x{H…}`. Everything else is copied, an escaped backslash as a pair.
fn brace_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let converted = after
            .strip_prefix("u{")
            .and_then(|body| body.split_once('}'))
            .and_then(|(inside, tail)| {
                let points: Vec<&str> = inside
                    .split([' ', '\t'])
                    .filter(|p| !p.is_empty())
                    .collect();
                let ok = !points.is_empty()
                    && points
                        .iter()
                        .all(|p| p.len() <= 6 && p.chars().all(|c| c.is_ascii_hexdigit()));
                ok.then_some((points, tail))
            });
        match converted {
            Some((points, tail)) => {
                for p in points {
                    out.push_str(&format!("\\x{{{p}}}"));
                }
                rest = tail;
            }
            None => {
                // The backslash and the character it escapes.
                let n = after.chars().next().map_or(0, char::len_utf8);
                out.push('\\');
                out.push_str(&after[..n]);
                rest = &after[n..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The Oniguruma engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct Onig;

impl Engine for Onig {
    fn name(&self) -> &'static str {
        "onig"
    }

    fn kind(&self) -> Kind {
        Kind::Backtracking
    }

    fn version(&self) -> String {
        format!("Oniguruma {}", onig::version())
    }

    fn compile(&mut self, s: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError> {
        let mut notes = vec![];
        let native = s.flavor == Flavor::Ruby;
        let (pattern, options) = if native {
            let f = Flags::parse(Flavor::Ruby, s.flags).map_err(|e| CompileError {
                message: e.message,
                unsupported: false,
            })?;
            let mut o = RegexOptions::REGEX_OPTION_NONE;
            if f.ignore_case {
                o |= RegexOptions::REGEX_OPTION_IGNORECASE;
            }
            if f.dot_all {
                // Ruby's `m`: Oniguruma's MULTILINE is "dot matches newline".
                o |= RegexOptions::REGEX_OPTION_MULTILINE;
            }
            if f.extended {
                o |= RegexOptions::REGEX_OPTION_EXTEND;
            }
            (s.pattern.to_string(), o)
        } else {
            let (text, _) = print_ir(&s.lowered.ir, Flavor::Ruby).map_err(|e| CompileError {
                message: format!("Oniguruma cannot run this {} pattern: {e}", s.flavor),
                unsupported: true,
            })?;
            notes.push(format!(
                "translated from {} (the IR printed as Ruby)",
                s.flavor
            ));
            (text, RegexOptions::REGEX_OPTION_NONE)
        };
        let pattern = brace_escapes(&pattern);
        let re =
            Regex::with_options(&pattern, options, Syntax::ruby()).map_err(|e| CompileError {
                message: e.description().to_string(),
                unsupported: !native,
            })?;
        Ok(Box::new(Program {
            re,
            mode: s.mode,
            pattern,
            notes,
        }))
    }
}

struct Program {
    re: Regex,
    mode: Mode,
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
    /// One match with `cap` as the retry limit.
    fn run_steps(&mut self, text: &str, cap: u64) -> Outcome {
        let steps = u32::try_from(cap).unwrap_or(u32::MAX);
        let mut param = MatchParam::default();
        param.set_retry_limit_in_match(steps);
        let t = text;
        let start = Instant::now();
        let r = match self.mode {
            Mode::Search => self.re.search_with_param(
                t,
                0,
                t.len(),
                SearchOptions::SEARCH_OPTION_NONE,
                None,
                param,
            ),
            Mode::Prefix => {
                self.re
                    .match_with_param(t, 0, SearchOptions::SEARCH_OPTION_NONE, None, param)
            }
            Mode::Full => self.re.match_with_param(
                t,
                0,
                SearchOptions::SEARCH_OPTION_WHOLE_STRING,
                None,
                param,
            ),
        };
        let time = start.elapsed();
        match r {
            Ok(m) => Outcome::Done {
                matched: m.is_some(),
                time,
                steps: None,
            },
            Err(e) => match e.code() {
                RETRY_LIMIT_IN_MATCH_OVER | RETRY_LIMIT_IN_SEARCH_OVER => Outcome::OverLimit {
                    limit: LimitKind::Steps,
                    time,
                    steps: Some(u64::from(steps)),
                },
                MATCH_STACK_LIMIT_OVER | MEMORY => Outcome::OverLimit {
                    limit: LimitKind::Memory,
                    time,
                    steps: None,
                },
                _ => Outcome::Failed(e.description().to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::brace_escapes;

    #[test]
    fn brace_escapes_become_hex() {
        assert_eq!(brace_escapes(r"a\u{1F600}+"), r"a\x{1F600}+");
        assert_eq!(brace_escapes(r"[\u{61 62}]"), r"[\x{61}\x{62}]");
        // An escaped backslash, then a literal `u{61}`.
        assert_eq!(brace_escapes(r"\\u{61}"), r"\\u{61}");
        // Not an escape of code points: copied.
        assert_eq!(brace_escapes(r"\u0061\u{xyz}é\é"), r"\u0061\u{xyz}é\é");
        assert_eq!(brace_escapes(r"a\"), r"a\");
    }
}
