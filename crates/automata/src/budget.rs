//! Metered work: a deterministic step budget plus a cancellation check.
//!
//! The core never reads a clock. A caller that wants a deadline passes a
//! `cancel` callback (which may look at a clock); it is consulted every
//! [`Budget::CHECK_EVERY`] steps, so its cost does not matter.

use std::fmt;

/// Why metered work stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GaveUp {
    /// The step budget ran out.
    Steps,
    /// The cancellation callback said stop (e.g. the deadline passed).
    Cancelled,
    /// A size limit was reached (states, product pairs, subsets).
    TooBig(&'static str),
}

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GaveUp::Steps => f.write_str("step budget exhausted"),
            GaveUp::Cancelled => f.write_str("deadline reached"),
            GaveUp::TooBig(what) => write!(f, "{what} over its size limit"),
        }
    }
}

/// A step budget with an optional cancellation callback.
pub struct Budget<'a> {
    steps_left: u64,
    used: u64,
    since_check: u64,
    cancel: Option<&'a dyn Fn() -> bool>,
}

impl<'a> Budget<'a> {
    /// How many steps pass between two calls of the cancellation callback.
    pub const CHECK_EVERY: u64 = 4096;

    /// A budget of `steps`, checking `cancel` now and then.
    pub fn new(steps: u64, cancel: Option<&'a dyn Fn() -> bool>) -> Budget<'a> {
        Budget {
            steps_left: steps,
            used: 0,
            since_check: Self::CHECK_EVERY, // the first tick checks the deadline at once
            cancel,
        }
    }

    /// An unlimited budget (tests).
    pub fn unlimited() -> Budget<'static> {
        Budget::new(u64::MAX, None)
    }

    /// Spends `n` steps.
    #[inline]
    pub fn tick(&mut self, n: u64) -> Result<(), GaveUp> {
        self.used = self.used.saturating_add(n);
        self.steps_left = self.steps_left.checked_sub(n).ok_or(GaveUp::Steps)?;
        self.since_check += n;
        if self.since_check >= Self::CHECK_EVERY {
            self.since_check = 0;
            if self.cancel.is_some_and(|c| c()) {
                return Err(GaveUp::Cancelled);
            }
        }
        Ok(())
    }

    /// Steps spent so far.
    pub fn used(&self) -> u64 {
        self.used
    }
}
