//! The reference matcher (redoscope's own step-counting backtracker) as an
//! engine: deterministic, reports steps.

use crate::{CompileError, Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use redoscope_automata::Mode;
use redoscope_backtrack::{Limit as Steps, Matcher};
use std::time::Instant;

/// The reference matcher.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reference;

impl Engine for Reference {
    fn name(&self) -> &'static str {
        "reference"
    }

    fn kind(&self) -> Kind {
        Kind::Backtracking
    }

    fn version(&self) -> String {
        concat!("redoscope ", env!("CARGO_PKG_VERSION")).to_string()
    }

    fn counts_steps(&self) -> bool {
        true
    }

    fn compile(&mut self, s: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError> {
        let m = Matcher::new(s.lowered).map_err(|e| CompileError {
            message: e.to_string(),
            unsupported: true,
        })?;
        Ok(Box::new(Program {
            m,
            mode: s.mode,
            pattern: s.pattern.to_string(),
        }))
    }
}

struct Program {
    m: Matcher,
    mode: Mode,
    pattern: String,
}

impl Compiled for Program {
    fn pattern(&self) -> &str {
        &self.pattern
    }

    fn run(&mut self, input: &Input, limit: &Limit) -> Outcome {
        let Some(text) = input.to_chars() else {
            return Outcome::Failed("the reference matcher takes no lone surrogates".into());
        };
        let start = Instant::now();
        let deadline = start + limit.time;
        let past = move || Instant::now() >= deadline;
        let out = self.m.exec(
            &text,
            self.mode,
            Steps::steps(limit.steps).cancel(Some(&past)),
        );
        let time = start.elapsed();
        if out.cancelled {
            Outcome::OverLimit {
                limit: LimitKind::Time,
                time,
                steps: Some(out.steps),
            }
        } else if out.hit_limit {
            Outcome::OverLimit {
                limit: LimitKind::Steps,
                time,
                steps: Some(out.steps),
            }
        } else {
            Outcome::Done {
                matched: out.span.is_some(),
                time,
                steps: Some(out.steps),
            }
        }
    }
}
