//! The alphabet partition: the distinct character-set atoms of a pattern.
//!
//! Every set the automaton uses is a union of atoms, and no atom is split
//! by any of them, so the analysis works on a handful of symbols however
//! large the Unicode classes are.

use crate::bits::Bits;
use crate::budget::{Budget, GaveUp};
use redoscope_syntax::ir::CharSet;
use std::collections::HashMap;

/// A partition of all Unicode scalar values into atoms.
#[derive(Clone, Debug)]
pub struct Alphabet {
    /// The atoms, as character sets; together they cover every character.
    atoms: Vec<CharSet>,
    /// Elementary intervals `(start, end, atom)`, sorted, covering 0..=0x10FFFF
    /// (surrogates excluded).
    intervals: Vec<(u32, u32, u32)>,
}

impl Alphabet {
    /// Partitions the characters so that each of `sets` is a union of atoms.
    pub fn new(sets: &[CharSet], budget: &mut Budget) -> Result<Alphabet, GaveUp> {
        // Distinct sets only.
        let mut uniq: Vec<&CharSet> = Vec::new();
        let mut seen: HashMap<&CharSet, ()> = HashMap::new();
        for s in sets {
            if seen.insert(s, ()).is_none() {
                uniq.push(s);
            }
        }
        // Boundaries of every range.
        let mut points: Vec<u32> = vec![0, 0x110000];
        for s in &uniq {
            budget.tick(s.range_count() as u64)?;
            for (a, b) in s.ranges() {
                points.push(a as u32);
                points.push(b as u32 + 1);
            }
        }
        points.sort_unstable();
        points.dedup();
        let n_int = points.len() - 1;
        // Signature of each elementary interval: which sets hold it.
        let mut sigs: Vec<Bits> = vec![Bits::new(uniq.len()); n_int];
        for (si, s) in uniq.iter().enumerate() {
            for (a, b) in s.ranges() {
                let lo = points.partition_point(|&p| p < a as u32);
                let hi = points.partition_point(|&p| p < b as u32 + 1);
                budget.tick((hi - lo) as u64 + 1)?;
                for sig in &mut sigs[lo..hi] {
                    sig.insert(si);
                }
            }
        }
        let mut by_sig: HashMap<Bits, u32> = HashMap::new();
        let mut ranges_of: Vec<Vec<(char, char)>> = Vec::new();
        let mut intervals = Vec::with_capacity(n_int);
        for (i, sig) in sigs.into_iter().enumerate() {
            let (a, b) = (points[i], points[i + 1] - 1);
            // Surrogates are not characters.
            let pieces: Vec<(u32, u32)> = if a <= 0xDFFF && b >= 0xD800 {
                let mut v = vec![];
                if a < 0xD800 {
                    v.push((a, 0xD7FF));
                }
                if b > 0xDFFF {
                    v.push((0xE000, b));
                }
                v
            } else {
                vec![(a, b)]
            };
            if pieces.is_empty() {
                continue;
            }
            let next = by_sig.len() as u32;
            let id = *by_sig.entry(sig).or_insert(next);
            if id as usize == ranges_of.len() {
                ranges_of.push(Vec::new());
            }
            for (x, y) in pieces {
                let (cx, cy) = (char::from_u32(x).unwrap(), char::from_u32(y).unwrap());
                ranges_of[id as usize].push((cx, cy));
                intervals.push((x, y, id));
            }
        }
        let atoms = ranges_of.into_iter().map(CharSet::from_ranges).collect();
        Ok(Alphabet { atoms, intervals })
    }

    /// The number of atoms.
    pub fn len(&self) -> usize {
        self.atoms.len()
    }

    /// Whether there are no atoms (never: the atoms cover every character).
    pub fn is_empty(&self) -> bool {
        self.atoms.is_empty()
    }

    /// The characters of atom `a`.
    pub fn atom(&self, a: usize) -> &CharSet {
        &self.atoms[a]
    }

    /// The atom holding `c`.
    pub fn atom_of(&self, c: char) -> usize {
        let c = c as u32;
        let i = self.intervals.partition_point(|&(_, end, _)| end < c);
        self.intervals[i].2 as usize
    }

    /// The atoms whose union is `set` (exact when `set` was one of the sets
    /// the alphabet was built from).
    pub fn atoms_of(&self, set: &CharSet) -> Bits {
        let mut b = Bits::new(self.len());
        for (a, z) in set.ranges() {
            let (a, z) = (a as u32, z as u32);
            let mut i = self.intervals.partition_point(|&(_, end, _)| end < a);
            while i < self.intervals.len() && self.intervals[i].0 <= z {
                b.insert(self.intervals[i].2 as usize);
                i += 1;
            }
        }
        b
    }

    /// Every atom.
    pub fn all(&self) -> Bits {
        Bits::full(self.len())
    }

    /// A character of atom `a` to show to people: a printable ASCII one
    /// when there is one (letters and digits first), else the first.
    pub fn representative(&self, a: usize) -> char {
        let set = &self.atoms[a];
        let prefs = ['a', 'A', '0', '!', ' ', '_', '-', '.', 'x', 'z'];
        for p in prefs {
            if set.contains(p) {
                return p;
            }
        }
        for c in ('!'..='~').chain(std::iter::once(' ')) {
            if set.contains(c) {
                return c;
            }
        }
        set.first().unwrap_or('\u{FFFD}')
    }
}
