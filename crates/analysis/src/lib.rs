//! Ambiguity analysis: can a backtracking engine be driven into
//! super-linear work by this pattern, how badly, and where?
//!
//! On the position automaton of [`redoscope_automata`] (a multigraph whose
//! parallel edges are the different ways through the pattern):
//!
//! - **Exponential** (EDA): a state with two different loops reading the
//!   same word. Found as a component of the pair automaton that holds a
//!   diagonal pair and either an off-diagonal pair or a step along two
//!   different parallel edges.
//! - **Polynomial of degree k** (IDA): a chain of k−1 pairs of loops
//!   `p ⇝ p, p ⇝ q, q ⇝ q` on one word per pair, found in the triple
//!   automaton between components; the degree is the longest chain plus one.
//!
//! Each candidate is then turned into a witness — a prefix, the pump words
//! and a suffix — and checked by running the automaton on sets of states:
//! the pumped text must keep the ambiguous loops alive and the whole match
//! must fail, or a backtracking engine stops at the first success and the
//! ambiguity costs nothing. Candidates no witness can be built for are
//! dropped. Every step is metered: when the budget runs out the answer is
//! "unknown", with the reason.

#![deny(missing_docs)]

mod search;
mod witness;

use redoscope_automata::{Budget, GaveUp, Nfa};
use redoscope_syntax::Span;
use serde::Serialize;

pub use witness::{pumped_text, Pump, Witness};

/// How the work of a failing match grows with the attack length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Complexity {
    /// Linear (up to the search loop): safe on a backtracking engine.
    Linear,
    /// `O(n^degree)`.
    Polynomial {
        /// The exponent, at least 2.
        degree: u32,
    },
    /// `O(c^n)`.
    Exponential,
}

/// A super-linear ambiguity with the witness that exercises it.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// How bad.
    pub complexity: Complexity,
    /// The pattern spans whose repetition causes the blow-up.
    pub hotspot: Vec<Span>,
    /// Prefix, pumps and failing suffix.
    pub witness: Witness,
    /// The analysis over-approximated something on the witness's path
    /// (lookaround, backreference, atomic group): the finding must be
    /// confirmed by running it.
    pub needs_confirmation: bool,
    /// Automaton states on the ambiguous loops (for the attack generator).
    pub states: Vec<u32>,
}

/// The result of the analysis.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Analysis {
    /// No super-linear ambiguity reachable by a failing input.
    Safe {
        /// Whether the automaton over-approximated the pattern (the verdict
        /// is still sound: approximations only add runs).
        approximated: bool,
    },
    /// A super-linear ambiguity with a witness.
    Vulnerable(Finding),
    /// The analysis could not decide.
    Unknown {
        /// Why.
        reason: String,
    },
}

/// Limits of the analysis.
#[derive(Clone, Debug)]
pub struct Config {
    max_product: usize,
    max_subsets: usize,
    candidates: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_product: 4_000_000,
            max_subsets: 4_000,
            candidates: 24,
        }
    }
}

impl Config {
    /// The most pairs (or triples) one product search may visit. Default
    /// 4,000,000.
    pub fn max_product(mut self, n: usize) -> Config {
        self.max_product = n;
        self
    }

    /// The most state sets one witness search may visit. Default 4,000.
    pub fn max_subsets(mut self, n: usize) -> Config {
        self.max_subsets = n;
        self
    }

    /// How many candidate loops (and pump words) to try before concluding
    /// that none is exploitable. Default 24.
    pub fn candidates(mut self, n: usize) -> Config {
        self.candidates = n;
        self
    }
}

/// Analyzes `nfa`.
pub fn analyze(nfa: &Nfa, config: &Config, budget: &mut Budget) -> Result<Analysis, GaveUp> {
    search::run(nfa, config, budget)
}
