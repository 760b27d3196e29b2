//! The reference backtracking matcher: a compiled program over the IR,
//! executed the way a backtracking engine of the pattern's flavor explores
//! it (greedy / lazy / possessive quantifiers, atomic groups, alternation
//! priority, lookaround, backreferences, each flavor's empty-iteration rule
//! and capture reset, the search loop of the matching mode), counting
//! steps and stopping at a step limit.
//!
//! It is the deterministic engine of redoscope: attacks are confirmed on it,
//! the fuzzer uses its step count as fitness. It is pure (no clocks, no I/O)
//! and allocates nothing per step: the backtracking stack and the registers
//! live in the [`Matcher`] and are reused.
//!
//! ```
//! use redoscope_backtrack::{Matcher, Limit};
//! use redoscope_syntax::{lower, parse, Flavor};
//! use redoscope_automata::Mode;
//!
//! let ir = lower(&parse("^(a+)+$", Flavor::Js, "")?)?;
//! let mut m = Matcher::new(&ir).expect("supported");
//! let text: Vec<char> = "aaaaaaaaaaaaaaaa!".chars().collect();
//! let out = m.exec(&text, Mode::Search, Limit::steps(10_000_000));
//! assert_eq!(out.span, None);
//! assert!(out.steps > 100_000); // 2^16 ways to split the a's
//! let text: Vec<char> = "aaaa".chars().collect();
//! assert_eq!(m.exec(&text, Mode::Search, Limit::steps(1000)).span, Some((0, 4)));
//! # Ok::<(), redoscope_syntax::Error>(())
//! ```
//!
//! What is exact and what is not:
//! - match / no match, the match span and the captures follow the
//!   flavor's engine for everything the IR expresses; a lookbehind is
//!   matched forwards from each possible start, nearest first (JS and .NET
//!   match it backwards, which can choose different captures inside it);
//! - steps count one per instruction and one per backtrack: the same
//!   growth as the engine, not the same constant (engines' start-of-match
//!   optimizations are not modelled, so unanchored searches try every
//!   start position).

#![deny(missing_docs)]

mod compile;
mod exec;

pub use compile::CompileError;
pub use exec::{Limit, Matcher, Outcome};
