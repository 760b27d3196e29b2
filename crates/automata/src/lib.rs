//! Automata for redoscope's analysis: the alphabet partition, the position
//! automaton of an IR with its matching mode, strongly connected components,
//! and subset simulation. Pure: no I/O, no clocks; every loop that can grow
//! is metered by a [`Budget`].

#![deny(missing_docs)]

pub mod alphabet;
pub mod bits;
pub mod budget;
pub mod nfa;
pub mod scc;
mod subset;

pub use alphabet::Alphabet;
pub use bits::Bits;
pub use budget::{Budget, GaveUp};
pub use nfa::{
    Accept, BuildError, Config, Edge, Mode, Nfa, State, StateKind, SEARCH, SEARCH_LINE,
    SEARCH_STATES, SEARCH_WORD, START,
};
