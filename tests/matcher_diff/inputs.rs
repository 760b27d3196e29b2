//! Inputs for the differential matcher test: strings likely to match a
//! pattern (random walks over its IR), mutations of them, and random strings
//! over the pattern's characters.
//!
//! Every string holds only BMP characters (so JS UTF-16 offsets are code
//! point offsets) and no surrogates (a `char` cannot hold one). Generation
//! is deterministic: the same IR and seed give the same strings.

use redoscope::syntax::ir::{CharSet, Cond, Ir, IrKind};
use std::collections::HashSet;

/// The longest string a walk keeps (longer ones are cut).
pub const MAX_LEN: usize = 30;
/// Random walks per pattern.
const WALKS: usize = 8;
/// Mutations per pattern.
const MUTATIONS: usize = 8;
/// Random strings over the pattern's characters per pattern.
const RANDOM: usize = 4;
/// Characters that exercise line, word and case rules, added to every pool.
const EXTRA: &[char] = &[
    '\n', '\r', ' ', '\t', 'a', 'Z', '0', '_', '-', '.', 'é', 'ſ', 'K', '\u{2028}',
];

/// splitmix64: small, fast, good enough for sampling.
pub struct Rng(u64);

impl Rng {
    /// A generator seeded from `seed` and the bytes of `salt`.
    pub fn new(seed: u64, salt: &str) -> Rng {
        // FNV-1a over the salt, so each pattern has its own stream.
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for b in salt.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `p` percent.
    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

/// Whether `c` may appear in an input.
fn usable(c: char) -> bool {
    (c as u32) <= 0xFFFF
}

/// A character of `cs`: an ASCII printable member most of the time when
/// there is one, else any BMP member (each range equally likely, then each
/// character of it). `None` when `cs` has no BMP member.
fn pick(cs: &CharSet, rng: &mut Rng) -> Option<char> {
    let printable: Vec<(u32, u32)> = cs
        .ranges()
        .filter_map(|(a, b)| {
            let (a, b) = ((a as u32).max(0x20), (b as u32).min(0x7E));
            (a <= b).then_some((a, b))
        })
        .collect();
    if !printable.is_empty() && rng.percent(85) {
        let (a, b) = printable[rng.below(printable.len() as u64) as usize];
        return char::from_u32(a + rng.below(u64::from(b - a + 1)) as u32);
    }
    let bmp: Vec<(u32, u32)> = cs
        .ranges()
        .filter(|&(a, _)| usable(a))
        .map(|(a, b)| (a as u32, (b as u32).min(0xFFFF)))
        .collect();
    if bmp.is_empty() {
        return None;
    }
    let (a, b) = bmp[rng.below(bmp.len() as u64) as usize];
    // Surrogates are not in a CharSet, but a clipped range may span them.
    (0..8)
        .map(|_| a + rng.below(u64::from(b - a + 1)) as u32)
        .find_map(char::from_u32)
}

/// One random walk: follows the IR, picking alternatives, iteration counts
/// (the minimum plus 0..3) and a character of each class; assertions add
/// nothing; a backreference repeats what its group last took.
struct Walk<'r> {
    rng: &'r mut Rng,
    out: Vec<char>,
    groups: Vec<Option<Vec<char>>>,
    /// Nodes visited, to stop walks over huge counted repeats.
    budget: usize,
}

impl Walk<'_> {
    fn node(&mut self, ir: &Ir) -> Option<()> {
        self.budget = self.budget.checked_sub(1)?;
        if self.out.len() > 4 * MAX_LEN {
            return Some(());
        }
        match &ir.kind {
            IrKind::Empty | IrKind::Look(_) | IrKind::LookAround { .. } => {}
            IrKind::Class(cs) => self.out.push(pick(cs, self.rng)?),
            IrKind::Concat(items) => {
                for it in items {
                    self.node(it)?;
                }
            }
            IrKind::Alt(items) => {
                let i = self.rng.below(items.len() as u64) as usize;
                self.node(&items[i])?;
            }
            IrKind::Repeat { min, max, sub, .. } => {
                let hi = max.unwrap_or(u32::MAX).min(min.saturating_add(3));
                let n = min + self.rng.below(u64::from(hi - min) + 1) as u32;
                for _ in 0..n {
                    self.node(sub)?;
                    if self.out.len() > 4 * MAX_LEN {
                        break;
                    }
                }
            }
            IrKind::Capture { index, sub, .. } => {
                let start = self.out.len();
                self.node(sub)?;
                let i = *index as usize;
                if self.groups.len() <= i {
                    self.groups.resize(i + 1, None);
                }
                self.groups[i] = Some(self.out[start.min(self.out.len())..].to_vec());
            }
            IrKind::Atomic(sub) => self.node(sub)?,
            IrKind::Backref { group, .. } => {
                if let Some(Some(g)) = self.groups.get(*group as usize) {
                    let g = g.clone();
                    self.out.extend(g);
                }
            }
            IrKind::Conditional { cond, yes, no } => {
                let take_yes = match cond {
                    Cond::Group(g) => matches!(self.groups.get(*g as usize), Some(Some(_))),
                    Cond::Look(_) => self.rng.percent(50),
                    Cond::Define | Cond::Recursion(_) => false,
                };
                self.node(if take_yes { yes } else { no })?;
            }
            IrKind::Unsupported { .. } => return None,
        }
        Some(())
    }
}

/// The characters of `ir`'s classes (one sample from each, up to a bound).
fn class_chars(ir: &Ir, rng: &mut Rng, out: &mut Vec<char>) {
    let mut stack = vec![ir];
    while let Some(n) = stack.pop() {
        if out.len() >= 64 {
            return;
        }
        if let IrKind::Class(cs) = &n.kind {
            if let Some(c) = pick(cs, rng) {
                out.push(c);
            }
        }
        stack.extend(n.children());
    }
}

/// A random edit of `s`: delete, insert or replace a character, or cut.
fn mutate(s: &[char], pool: &[char], rng: &mut Rng) -> Vec<char> {
    let mut s = s.to_vec();
    let edits = 1 + rng.below(2);
    for _ in 0..edits {
        let c = pool[rng.below(pool.len() as u64) as usize];
        let at = rng.below(s.len() as u64 + 1) as usize;
        match rng.below(4) {
            0 if !s.is_empty() => {
                s.remove(at.min(s.len() - 1));
            }
            1 => s.insert(at, c),
            2 if !s.is_empty() => {
                let at = at.min(s.len() - 1);
                s[at] = c;
            }
            _ => s.truncate(at),
        }
    }
    s
}

/// Inputs for the pattern `pattern` lowered to `ir`: walks, mutations of
/// them and random strings over the pattern's characters, deduplicated, in
/// a stable order, each at most [`MAX_LEN`] characters (walks are cut).
pub fn generate(ir: &Ir, pattern: &str, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed, pattern);
    let mut walks: Vec<Vec<char>> = Vec::new();
    for _ in 0..WALKS {
        let mut w = Walk {
            rng: &mut rng,
            out: Vec::new(),
            groups: Vec::new(),
            budget: 10_000,
        };
        if w.node(ir).is_some() {
            let mut s = w.out;
            s.truncate(MAX_LEN);
            walks.push(s);
        }
    }
    let mut pool: Vec<char> = pattern.chars().filter(|&c| usable(c)).collect();
    class_chars(ir, &mut rng, &mut pool);
    pool.extend(walks.iter().flatten());
    pool.extend_from_slice(EXTRA);
    pool.sort_unstable();
    pool.dedup();

    let mut all = walks.clone();
    for _ in 0..MUTATIONS {
        let base: &[char] = if walks.is_empty() {
            &[]
        } else {
            &walks[rng.below(walks.len() as u64) as usize]
        };
        let mut m = mutate(base, &pool, &mut rng);
        m.truncate(MAX_LEN);
        all.push(m);
    }
    for _ in 0..RANDOM {
        let len = rng.below(13) as usize;
        all.push(
            (0..len)
                .map(|_| pool[rng.below(pool.len() as u64) as usize])
                .collect(),
        );
    }
    all.push(Vec::new());
    let mut seen = HashSet::new();
    all.into_iter()
        .map(|s| s.into_iter().collect::<String>())
        .filter(|s| seen.insert(s.clone()))
        .collect()
}

#[test]
fn inputs_are_bmp_bounded_and_deterministic() {
    use redoscope::syntax::{lower, parse, Flavor};
    for (p, f) in [
        (r"^(a+|b{2,})*c\d$", Flavor::Js),
        (r"(?i)(?P<x>[α-ω]+)-(?P=x)", Flavor::Python),
        ("[\u{1F600}-\u{1F64F}]x", Flavor::Python),
        (r"(?<=a)b(?=c)|\bq{40}", Flavor::Js),
    ] {
        let l = lower(&parse(p, f, "").unwrap()).unwrap();
        let a = generate(&l.ir, p, 7);
        assert!(a.len() > 5, "{p}: {a:?}");
        assert_eq!(a, generate(&l.ir, p, 7));
        for s in &a {
            assert!(s.chars().count() <= MAX_LEN, "{p}: {s:?}");
            assert!(s.chars().all(usable), "{p}: {s:?}");
        }
    }
    // Walks follow the pattern: most of them match it.
    let p = r"(ab|cd)+e\1";
    let l = lower(&parse(p, Flavor::Python, "").unwrap()).unwrap();
    let mut m = redoscope::backtrack::Matcher::new(&l).unwrap();
    let mut full = |s: &String| {
        let t: Vec<char> = s.chars().collect();
        let limit = redoscope::backtrack::Limit::steps(10_000);
        m.exec(&t, redoscope::Mode::Full, limit).span.is_some()
    };
    let inputs = generate(&l.ir, p, 1);
    assert!(inputs.iter().filter(|s| full(s)).count() >= 4, "{inputs:?}");
}
