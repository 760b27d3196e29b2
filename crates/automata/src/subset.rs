//! Running the automaton on sets of states: what a backtracking engine
//! explores, all at once. Used to check that an attack string really makes
//! the overall match fail.

use crate::bits::Bits;
use crate::nfa::{Accept, Nfa, START};

impl Nfa {
    /// The set holding just the start state.
    pub fn start_set(&self) -> Bits {
        let mut b = Bits::new(self.len());
        b.insert(START as usize);
        b
    }

    /// The states reached from `set` by reading a character of `atom`.
    pub fn step(&self, set: &Bits, atom: usize) -> Bits {
        let mut out = Bits::new(self.len());
        for s in set.iter() {
            for e in &self.edges[s] {
                if e.label.contains(atom) {
                    out.insert(e.to as usize);
                }
            }
        }
        out
    }

    /// Whether reading `atom` from `set` reaches a point where the match
    /// succeeds if the text ends right after it (`$` before a final line
    /// terminator: `\n`, and in Java also `\r`, `\u{85}`, `\u{2028}`,
    /// `\u{2029}`).
    pub fn accepts_before_final_newline(&self, set: &Bits, atom: usize) -> bool {
        self.terminator_atoms.contains(atom)
            && set
                .iter()
                .any(|s| self.states[s].accept == Accept::AtEndOrBeforeNewline)
    }

    /// Whether a run in `set` is a successful match before reading a
    /// character of `next` (or at the end of the text, for `None`).
    ///
    /// When whether it matches depends on more than the atom (`$` before a
    /// final newline), it answers yes: a caller looking for a failing input
    /// then avoids that atom.
    pub fn accepts(&self, set: &Bits, next: Option<usize>) -> bool {
        self.accepts_upto(set, next, u32::MAX)
    }

    /// [`Nfa::accepts`], counting only states of top-level alternatives up
    /// to `branch` (an engine explores the earlier ones first).
    pub fn accepts_upto(&self, set: &Bits, next: Option<usize>, branch: u32) -> bool {
        set.iter()
            .filter(|&s| self.states[s].branch <= branch)
            .any(|s| match self.states[s].accept {
                Accept::No => false,
                Accept::Anywhere => true,
                Accept::AtEnd => next.is_none(),
                // Before a *final* newline only: see `accepts_before_final_newline`.
                Accept::AtEndOrBeforeNewline => next.is_none(),
                Accept::AtEndOrBeforeNonWord => next.is_none_or(|a| !self.word_atoms.contains(a)),
                Accept::BeforeWord => next.is_some_and(|a| self.word_atoms.contains(a)),
                Accept::BeforeLineTerminator => next.is_none_or(|a| {
                    self.alphabet.atom(a).first().is_some_and(|c| {
                        matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}')
                    })
                }),
            })
    }
}
