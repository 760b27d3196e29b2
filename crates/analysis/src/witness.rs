//! Witnesses: prefix, pumps and a failing suffix, found and checked by
//! running the automaton on sets of states.

use redoscope_automata::{Accept, Bits, Budget, GaveUp, Nfa};
use serde::Serialize;
use std::collections::HashMap;

/// One pumped part of a witness: `prefix` then `pump` repeated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pump {
    /// Text before the pump (after the previous pump).
    pub prefix: String,
    /// The text to repeat.
    pub pump: String,
}

/// A structural witness: `pumps[0].prefix pumps[0].pump^n … suffix` keeps
/// the ambiguous loops busy and makes the whole match fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    /// The pumped parts, in order.
    pub pumps: Vec<Pump>,
    /// The text that makes the match fail after the pumps.
    pub suffix: String,
    /// The same in alphabet atoms: `(prefix, pump)` per part.
    #[serde(skip)]
    pub atoms: Vec<(Vec<usize>, Vec<usize>)>,
    /// The suffix in atoms.
    #[serde(skip)]
    pub suffix_atoms: Vec<usize>,
}

/// The text `pumps[0].prefix pumps[0].pump^n … suffix`.
pub fn pumped_text(pumps: &[Pump], suffix: &str, n: usize) -> String {
    let mut s = String::new();
    for p in pumps {
        s.push_str(&p.prefix);
        for _ in 0..n {
            s.push_str(&p.pump);
        }
    }
    s.push_str(suffix);
    s
}

impl Witness {
    /// The attack text with every pump repeated `n` times.
    pub fn string(&self, n: usize) -> String {
        pumped_text(&self.pumps, &self.suffix, n)
    }
}

/// Set-of-states searches on one automaton.
pub(crate) struct Sim<'a> {
    pub nfa: &'a Nfa,
    pub max_subsets: usize,
    /// Matches by top-level alternatives after this one do not stop the
    /// work (see [`redoscope_automata::State::branch`]).
    pub branch: std::cell::Cell<u32>,
}

/// How many rounds of a pump are simulated before giving up on a cycle.
const PUMP_ROUNDS: usize = 64;

impl Sim<'_> {
    /// Whether a run in `set` has matched whatever comes next.
    fn matched(&self, set: &Bits) -> bool {
        let branch = self.branch.get();
        set.iter().any(|s| {
            let st = &self.nfa.states[s];
            st.branch <= branch && st.accept == Accept::Anywhere
        })
    }

    /// Atoms that can be read from `set` without the match having
    /// succeeded first.
    fn allowed_from(&self, set: &Bits, mask: &Bits) -> Vec<usize> {
        mask.iter()
            .filter(|&a| !self.nfa.accepts_upto(set, Some(a), self.branch.get()))
            .collect()
    }

    /// A shortest word leading from `from` to a set holding `target`, never
    /// through a successful match. Returns the word and the set reached.
    pub fn reach(
        &self,
        from: &Bits,
        target: u32,
        mask: &Bits,
        budget: &mut Budget,
    ) -> Result<Option<(Vec<usize>, Bits)>, GaveUp> {
        if from.contains(target as usize) && !self.matched(from) {
            return Ok(Some((vec![], from.clone())));
        }
        let mut seen: HashMap<Bits, (usize, usize)> = HashMap::new();
        let mut order: Vec<Bits> = vec![from.clone()];
        seen.insert(from.clone(), (usize::MAX, usize::MAX));
        let mut head = 0;
        while head < order.len() {
            if order.len() > self.max_subsets {
                return Ok(None);
            }
            let set = order[head].clone();
            for a in self.allowed_from(&set, mask) {
                budget.tick(set.count() as u64 + 1)?;
                let next = self.nfa.step(&set, a);
                if next.is_empty() || seen.contains_key(&next) {
                    continue;
                }
                seen.insert(next.clone(), (head, a));
                order.push(next.clone());
                // A set that has already matched is no place to pump from.
                if next.contains(target as usize) && !self.matched(&next) {
                    // Walk back.
                    let mut word = vec![];
                    let mut cur = order.len() - 1;
                    loop {
                        let (parent, atom) = seen[&order[cur]];
                        if parent == usize::MAX {
                            break;
                        }
                        word.push(atom);
                        cur = parent;
                    }
                    word.reverse();
                    return Ok(Some((word, next)));
                }
            }
            head += 1;
        }
        Ok(None)
    }

    /// Reads `pump` over and over from `set`: each round must keep `keep`
    /// alive and never match. Returns the set once the rounds cycle.
    pub fn pump(
        &self,
        set: &Bits,
        pump: &[usize],
        keep: u32,
        budget: &mut Budget,
    ) -> Result<Option<Bits>, GaveUp> {
        let mut cur = set.clone();
        let mut seen: Vec<Bits> = vec![];
        for _ in 0..PUMP_ROUNDS {
            for &a in pump {
                budget.tick(cur.count() as u64 + 1)?;
                if self.nfa.accepts_upto(&cur, Some(a), self.branch.get()) {
                    return Ok(None);
                }
                cur = self.nfa.step(&cur, a);
            }
            if !cur.contains(keep as usize) {
                return Ok(None);
            }
            if seen.contains(&cur) {
                return Ok(Some(cur));
            }
            seen.push(cur.clone());
        }
        Ok(Some(cur))
    }

    /// The pending state after reading `a` from `cur` (see
    /// [`Sim::failing_suffix`]): 0 none; 1 the text ends with a line
    /// terminator a `$` could match before; 2 the same with a `\r` that a
    /// `\n` would join (Java: `\r\n` is one terminator).
    fn pending_after(&self, cur: &Bits, a: usize, pend: u8) -> u8 {
        let nl = self.nfa.alphabet.atom_of('\n');
        let cr = self.nfa.alphabet.atom_of('\r');
        let crlf = cr != nl
            && self.nfa.terminator_atoms.contains(cr)
            && self.nfa.terminator_atoms.contains(nl);
        if self.nfa.accepts_before_final_newline(cur, a) {
            if crlf && a == cr {
                2
            } else {
                1
            }
        } else if pend == 2 && a == nl {
            1
        } else {
            0
        }
    }

    /// A shortest word that, read from `set`, ends the text with no match.
    /// `pending` (see [`Sim::pending_after`]): the text so far ends with a
    /// line terminator that a `$` could match before, so the empty word
    /// does not do.
    pub fn failing_suffix(
        &self,
        set: &Bits,
        pending: u8,
        budget: &mut Budget,
    ) -> Result<Option<Vec<usize>>, GaveUp> {
        let mask = self.nfa.alphabet.all();
        // (set, pending) -> (parent index, atom)
        let mut seen: HashMap<(Bits, u8), (usize, usize)> = HashMap::new();
        let mut order: Vec<(Bits, u8)> = vec![(set.clone(), pending)];
        seen.insert((set.clone(), pending), (usize::MAX, usize::MAX));
        let mut head = 0;
        while head < order.len() {
            if order.len() > self.max_subsets {
                return Ok(None);
            }
            let (cur, pend) = order[head].clone();
            if pend == 0 && !self.nfa.accepts_upto(&cur, None, self.branch.get()) {
                let mut word = vec![];
                let mut i = head;
                loop {
                    let (parent, atom) = seen[&order[i]];
                    if parent == usize::MAX {
                        break;
                    }
                    word.push(atom);
                    i = parent;
                }
                word.reverse();
                return Ok(Some(word));
            }
            // Prefer atoms that kill the most runs.
            let mut nexts: Vec<(usize, Bits, u8)> = self
                .allowed_from(&cur, &mask)
                .into_iter()
                .map(|a| (a, self.nfa.step(&cur, a), self.pending_after(&cur, a, pend)))
                .collect();
            budget.tick(nexts.len() as u64 * (cur.count() as u64 + 1))?;
            nexts.sort_by_key(|(a, s, p)| (s.count(), *p, *a));
            for (a, next, p) in nexts {
                let key = (next, p);
                if seen.contains_key(&key) {
                    continue;
                }
                seen.insert(key.clone(), (head, a));
                order.push(key);
            }
            head += 1;
        }
        Ok(None)
    }

    /// Builds and checks a witness for a chain of loops: for each
    /// `(entry, pump)` reach `entry`, then pump; then fail. `None` when no
    /// failing witness exists along these lines.
    pub fn witness(
        &self,
        chain: &[(u32, Vec<usize>)],
        budget: &mut Budget,
    ) -> Result<Option<Witness>, GaveUp> {
        let mask = self.nfa.alphabet.all();
        let mut set = self.nfa.start_set();
        let mut atoms = vec![];
        let mut pending = 0u8;
        for (entry, pump) in chain {
            let Some((prefix, reached)) = self.reach(&set, *entry, &mask, budget)? else {
                return Ok(None);
            };
            // Keep only the runs at the loop entry and the rest as they are:
            // the engine explores all of them.
            let Some(pumped) = self.pump(&reached, pump, *entry, budget)? else {
                return Ok(None);
            };
            // A pump ending in a line terminator may leave a `$` able to
            // match before it (conservatively: any such `$` in the pattern).
            if let Some(&last) = pump.last() {
                let dollar = self
                    .nfa
                    .states
                    .iter()
                    .any(|s| s.accept == Accept::AtEndOrBeforeNewline);
                pending = if !dollar || !self.nfa.terminator_atoms.contains(last) {
                    0
                } else if last == self.nfa.alphabet.atom_of('\r')
                    && self
                        .nfa
                        .terminator_atoms
                        .contains(self.nfa.alphabet.atom_of('\n'))
                {
                    2
                } else {
                    1
                };
            }
            atoms.push((prefix, pump.clone()));
            set = pumped;
        }
        // Attempts that start in the suffix (or at the end) no longer matter:
        // a backtracking search has already paid for every earlier one.
        for s in redoscope_automata::SEARCH_STATES {
            set.remove(s as usize);
        }
        let Some(suffix) = self.failing_suffix(&set, pending, budget)? else {
            return Ok(None);
        };
        let text = |w: &[usize]| -> String {
            w.iter()
                .map(|&a| self.nfa.alphabet.representative(a))
                .collect()
        };
        Ok(Some(Witness {
            pumps: atoms
                .iter()
                .map(|(p, u)| Pump {
                    prefix: text(p),
                    pump: text(u),
                })
                .collect(),
            suffix: text(&suffix),
            atoms,
            suffix_atoms: suffix,
        }))
    }
}
