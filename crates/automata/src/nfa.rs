//! The position automaton (Glushkov construction) of an IR, with the
//! matching mode built in.
//!
//! Each state but the first four is a *position*: one occurrence of a
//! character set in the (expanded) pattern, carrying the span of the IR node
//! it came from and the unbounded repetitions around it. An edge into a
//! position reads one of that position's characters, narrowed by the
//! assertions crossed on the way (`\b`, `^`, `$`, …), so the automaton has no
//! ε-edges. State 0 is the start of the text; states 1 to 3 are the search
//! loop (the engine's retry at each later position, a lazy `[\s\S]*?` in
//! front of the pattern), split by the class of the last character skipped so
//! that `\b` and multi-line `^` limit where attempts start; they are
//! connected only in [`Mode::Search`].
//!
//! What the construction cannot model exactly it over-approximates (it adds
//! runs, never removes them) and records in [`Nfa::approximations`]:
//! lookarounds are crossed freely, a backreference reads its group's
//! language, atomic groups are ordinary groups. Possessive repetitions of a
//! single class are exact.

use crate::alphabet::Alphabet;
use crate::bits::Bits;
use crate::budget::{Budget, GaveUp};
use redoscope_syntax::ast::Greed;
use redoscope_syntax::ir::{CharSet, Cond, Ir, IrKind, Look, WordChars};
use redoscope_syntax::Span;
use serde::Serialize;
use std::collections::HashMap;

/// The matching API the pattern is used with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Find a match anywhere: JS `test`/`exec`, Python `re.search`, Java
    /// `find`, PHP `preg_match`.
    Search,
    /// The whole text must match: Java `matches`, Python `fullmatch`.
    Full,
    /// A match must start at the beginning: Python `re.match`, JS `y`.
    Prefix,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "search" | "find" | "test" => Ok(Mode::Search),
            "full" | "fullmatch" | "matches" => Ok(Mode::Full),
            "prefix" | "match" | "start" => Ok(Mode::Prefix),
            _ => Err(format!(
                "unknown mode '{s}' (expected search, full or prefix)"
            )),
        }
    }
}

impl Mode {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Search => "search",
            Mode::Full => "full",
            Mode::Prefix => "prefix",
        }
    }
}

/// When a run that has reached a state counts as a successful match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Accept {
    /// Never.
    No,
    /// Only at the end of the text.
    AtEnd,
    /// At the end, or before a final `\n`.
    AtEndOrBeforeNewline,
    /// At the end, or before a line terminator.
    BeforeLineTerminator,
    /// At the end, or before a non-word character (`\b` after a word
    /// character, `\B` after a non-word one).
    AtEndOrBeforeNonWord,
    /// Only before a word character (`\b` after a non-word character, `\B`
    /// after a word one).
    BeforeWord,
    /// Right away: the match is found.
    Anywhere,
}

impl Accept {
    /// A state that accepts in both ways: the union where the two are
    /// comparable, else "anywhere" (more matches: fewer attacks, never a
    /// false one).
    pub fn or(self, other: Accept) -> Accept {
        use Accept::*;
        match (self, other) {
            (No, x) | (x, No) => x,
            (a, b) if a == b => a,
            (Anywhere, _) | (_, Anywhere) => Anywhere,
            (
                a @ (AtEnd | AtEndOrBeforeNewline | BeforeLineTerminator),
                b @ (AtEnd | AtEndOrBeforeNewline | BeforeLineTerminator),
            ) => a.max(b),
            (AtEnd, AtEndOrBeforeNonWord) | (AtEndOrBeforeNonWord, AtEnd) => AtEndOrBeforeNonWord,
            _ => Anywhere,
        }
    }
}

/// What kind of state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    /// The start of the text (nothing read).
    Start,
    /// The search loop: the engine retrying at a later position.
    SearchLoop,
    /// A character position of the pattern.
    Position,
}

/// A state of the automaton.
#[derive(Clone, Debug, Serialize)]
pub struct State {
    /// What it is.
    pub kind: StateKind,
    /// The span of the IR node it reads (empty for the first two).
    pub span: Span,
    /// Whether reaching it is a match.
    pub accept: Accept,
    /// The unbounded repetitions around it, outermost first (indexes into
    /// [`Nfa::repeats`]).
    pub loops: Vec<u32>,
    /// Inside an atomic group or a possessive repetition that is not modelled
    /// exactly.
    pub atomic: bool,
    /// Read by a backreference (the group's language stands in for it).
    pub from_backref: bool,
    /// The top-level alternative the state belongs to (0 when the pattern
    /// is not an alternation): an engine explores earlier alternatives
    /// first, so a later one matching does not stop an earlier one's work.
    pub branch: u32,
}

/// An edge: read one character from `label` and go to `to`.
///
/// The automaton is a multigraph: two edges between the same states stand
/// for two different ways through the pattern (as in `(a+)+`, where the inner
/// and the outer loop both lead from `a` back to `a`), which is exactly the
/// ambiguity a backtracking engine pays for.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Target state.
    pub to: u32,
    /// The atoms that can be read.
    pub label: Bits,
    /// The unbounded repetition whose next iteration this edge starts
    /// (index into [`Nfa::repeats`]), if any.
    pub via: Option<u32>,
}

/// Something the automaton does not model exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Approximation {
    /// Where in the pattern.
    pub span: Span,
    /// What was approximated.
    pub what: String,
}

/// Limits of the construction.
#[derive(Clone, Debug)]
pub struct Config {
    max_states: usize,
    max_edges: usize,
    repeat_cap: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_states: 20_000,
            max_edges: 2_000_000,
            repeat_cap: 100,
        }
    }
}

impl Config {
    /// The most states before giving up with [`GaveUp::TooBig`]. Default 20,000.
    pub fn max_states(mut self, n: usize) -> Config {
        self.max_states = n;
        self
    }

    /// The most edges before giving up. Default 2,000,000.
    pub fn max_edges(mut self, n: usize) -> Config {
        self.max_edges = n;
        self
    }

    /// Counts above this in `{n,m}` are not expanded: `x{n,m}` with `m` over
    /// the cap becomes `x{min(n,cap),}` (an over-approximation). Default 100.
    pub fn repeat_cap(mut self, n: u32) -> Config {
        self.repeat_cap = n;
        self
    }
}

/// Why an automaton could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// Work or size limits.
    GaveUp(GaveUp),
    /// A construct outside what the automaton models (recursion, `\K`, …).
    Unsupported {
        /// What.
        what: String,
        /// Where.
        span: Span,
    },
}

impl From<GaveUp> for BuildError {
    fn from(g: GaveUp) -> BuildError {
        BuildError::GaveUp(g)
    }
}

/// The automaton.
#[derive(Clone, Debug)]
pub struct Nfa {
    /// States; 0 is the start, 1 the search loop.
    pub states: Vec<State>,
    /// Out-edges of each state.
    pub edges: Vec<Vec<Edge>>,
    /// The alphabet the labels are over.
    pub alphabet: Alphabet,
    /// The span of each unbounded repetition (see [`State::loops`]).
    pub repeats: Vec<Span>,
    /// The matching mode built in.
    pub mode: Mode,
    /// What was over-approximated.
    pub approximations: Vec<Approximation>,
    /// The atoms of word characters (for `\b` acceptance).
    pub word_atoms: Bits,
    /// Atoms of line-terminator characters (`$` can match before a final
    /// one; `\r\n` counts as one where the flavor says so).
    pub terminator_atoms: Bits,
    /// The pattern has lookarounds (crossed freely here).
    pub has_lookaround: bool,
    /// The pattern has backreferences (read as their group's language).
    pub has_backref: bool,
    /// The pattern has atomic groups or possessive repetitions not modelled
    /// exactly.
    pub has_atomic: bool,
}

/// The start state.
pub const START: u32 = 0;
/// The search-loop state whose last character read was neither a word
/// character nor a line terminator.
pub const SEARCH: u32 = 1;
/// The search loop, last character a word character.
pub const SEARCH_WORD: u32 = 2;
/// The search loop, last character a line terminator.
pub const SEARCH_LINE: u32 = 3;
/// The three search-loop states: which one the engine's retry is in tells
/// what came before the next attempt, for `\b` and multi-line `^`.
pub const SEARCH_STATES: [u32; 3] = [SEARCH, SEARCH_WORD, SEARCH_LINE];

// Assertion kinds crossed on an ε-path, as bits.
const L_START: u16 = 1 << 0;
const L_END: u16 = 1 << 1;
const L_END_NL: u16 = 1 << 2;
const L_SOL: u16 = 1 << 3;
const L_EOL: u16 = 1 << 4;
const L_WB: u16 = 1 << 5;
const L_NWB: u16 = 1 << 6;
const L_WSTART: u16 = 1 << 7;
const L_WEND: u16 = 1 << 8;
/// Bits 9 to 15: one-character lookaheads `(?=C)` / `(?!C)`, each slot an
/// entry of [`Builder::peeks`]: they narrow the next character read.
const L_PEEK_FIRST: u32 = 9;
const PEEK_SLOTS: usize = 7;

type Looks = u16;

/// First/last sets and nullability of a sub-automaton.
#[derive(Default)]
struct Frag {
    first: Vec<(u32, Looks)>,
    last: Vec<(u32, Looks)>,
    /// The assertion sets of the empty paths (empty: not nullable). Kept
    /// minimal (a subset makes its supersets redundant), but an equal set
    /// may appear twice: two different empty ways through (`(?:|)`, or
    /// CPython's `a(?:|)` from `a|a`) are an ambiguity the engine pays for.
    nullable: Vec<Looks>,
}

/// Adds an empty path with assertions `l`, keeping at most two equal ones.
fn add_nullable(v: &mut Vec<Looks>, l: Looks) {
    let equal = v.iter().filter(|&&m| m == l).count();
    if equal >= 2 {
        return;
    }
    // A strict subset already there makes `l` redundant.
    if v.iter().any(|&m| m != l && m & l == m) {
        return;
    }
    v.retain(|&m| m == l || m & l != l);
    v.push(l);
}

/// Adds an empty path unless one with the same assertions is there.
fn add_nullable_once(v: &mut Vec<Looks>, l: Looks) {
    if !v.contains(&l) {
        add_nullable(v, l);
    }
}

struct Pos {
    set: CharSet,
    span: Span,
    loops: Vec<u32>,
    atomic: bool,
    from_backref: bool,
    /// A possessive `X*+` / `X++` over a single class, and the repetition's
    /// id: every edge out of it but its own loop-back is taken only when the
    /// next character is not in `X`.
    possessive: Option<(CharSet, u32)>,
}

#[derive(Clone)]
struct Ctx {
    loops: Vec<u32>,
    atomic: bool,
    from_backref: bool,
}

struct Builder<'a, 'b> {
    config: &'a Config,
    budget: &'a mut Budget<'b>,
    pos: Vec<Pos>,
    follow: Vec<(u32, u32, Looks, Option<u32>)>,
    /// The repetition whose loop-back the current `link` builds.
    via: Option<u32>,
    repeats: Vec<Span>,
    approximations: Vec<Approximation>,
    groups: HashMap<u32, &'a Ir>,
    expanding: Vec<u32>,
    has_lookaround: bool,
    has_backref: bool,
    has_atomic: bool,
    terminators: Option<CharSet>,
    word: Option<CharSet>,
    /// One-character lookaheads: the set, and whether it is negated.
    peeks: Vec<(CharSet, bool)>,
}

fn collect_groups<'a>(ir: &'a Ir, out: &mut HashMap<u32, &'a Ir>) {
    let mut stack = vec![ir];
    while let Some(n) = stack.pop() {
        if let IrKind::Capture { index, sub, .. } = &n.kind {
            out.entry(*index).or_insert(sub);
        }
        stack.extend(n.children());
    }
}

impl<'a, 'b> Builder<'a, 'b> {
    fn new_pos(&mut self, set: CharSet, span: Span, ctx: &Ctx) -> Result<u32, BuildError> {
        if self.pos.len() + 2 >= self.config.max_states {
            return Err(GaveUp::TooBig("automaton (states)").into());
        }
        self.budget.tick(1)?;
        self.pos.push(Pos {
            set,
            span,
            loops: ctx.loops.clone(),
            atomic: ctx.atomic,
            from_backref: ctx.from_backref,
            possessive: None,
        });
        Ok(self.pos.len() as u32 - 1)
    }

    fn link(&mut self, from: &[(u32, Looks)], to: &[(u32, Looks)]) -> Result<(), BuildError> {
        let n = (from.len() * to.len()) as u64;
        self.budget.tick(n)?;
        if self.follow.len() as u64 + n > self.config.max_edges as u64 {
            return Err(GaveUp::TooBig("automaton (edges)").into());
        }
        for &(p, lp) in from {
            for &(q, lq) in to {
                self.follow.push((p, q, lp | lq, self.via));
            }
        }
        Ok(())
    }

    fn concat(&mut self, a: Frag, b: Frag) -> Result<Frag, BuildError> {
        self.link(&a.last, &b.first)?;
        let mut first = a.first;
        for &n in &a.nullable {
            first.extend(b.first.iter().map(|&(q, l)| (q, l | n)));
        }
        let mut last = b.last;
        for &n in &b.nullable {
            last.extend(a.last.iter().map(|&(p, l)| (p, l | n)));
        }
        let mut nullable = Vec::new();
        for &x in &a.nullable {
            for &y in &b.nullable {
                add_nullable(&mut nullable, x | y);
            }
        }
        Ok(Frag {
            first,
            last,
            nullable,
        })
    }

    fn look_bits(&mut self, look: &Look) -> Looks {
        let word = |w: &WordChars, me: &mut Self| {
            if me.word.is_none() {
                me.word = Some(w.set());
            }
        };
        match look {
            Look::StartText | Look::PrevMatchEnd => L_START,
            Look::EndText => L_END,
            Look::EndTextOptionalNewline { terminators } => {
                self.terminators.get_or_insert_with(|| terminators.set());
                L_END_NL
            }
            Look::StartLine { terminators, .. } => {
                self.terminators.get_or_insert_with(|| terminators.set());
                L_SOL
            }
            Look::EndLine { terminators } => {
                self.terminators.get_or_insert_with(|| terminators.set());
                L_EOL
            }
            Look::WordBoundary { word: w } => {
                word(w, self);
                L_WB
            }
            Look::NotWordBoundary { word: w } => {
                word(w, self);
                L_NWB
            }
            Look::WordStart { word: w } => {
                word(w, self);
                L_WSTART
            }
            Look::WordEnd { word: w } => {
                word(w, self);
                L_WEND
            }
            // Half boundaries: crossed freely (over-approximation).
            Look::WordStartHalf { .. } | Look::WordEndHalf { .. } => 0,
        }
    }

    fn frag(&mut self, ir: &'a Ir, ctx: &Ctx) -> Result<Frag, BuildError> {
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.frag_inner(ir, ctx))
    }

    fn frag_inner(&mut self, ir: &'a Ir, ctx: &Ctx) -> Result<Frag, BuildError> {
        self.budget.tick(1)?;
        Ok(match &ir.kind {
            IrKind::Empty => Frag {
                nullable: vec![0],
                ..Frag::default()
            },
            IrKind::Class(set) => {
                if set.is_empty() {
                    return Ok(Frag::default());
                }
                let p = self.new_pos(set.clone(), ir.span, ctx)?;
                Frag {
                    first: vec![(p, 0)],
                    last: vec![(p, 0)],
                    nullable: vec![],
                }
            }
            IrKind::Look(look) => {
                let b = self.look_bits(look);
                Frag {
                    nullable: vec![b],
                    ..Frag::default()
                }
            }
            IrKind::Concat(items) => {
                let mut acc = Frag {
                    nullable: vec![0],
                    ..Frag::default()
                };
                let mut i = 0;
                while i < items.len() {
                    // `(?=C)x` and `(?!C)x` with one-character C and x: the
                    // class `x ∩ C` or `x − C`, exactly (as in `(?:(?!\{).)*`).
                    if let (
                        IrKind::LookAround {
                            behind: false,
                            negated,
                            sub,
                        },
                        Some(next),
                    ) = (&items[i].kind, items.get(i + 1))
                    {
                        if let (IrKind::Class(c), IrKind::Class(x)) = (&sub.kind, &next.kind) {
                            let set = if *negated {
                                x.difference(c)
                            } else {
                                x.intersect(c)
                            };
                            let f = if set.is_empty() {
                                Frag::default()
                            } else {
                                let p = self.new_pos(set, next.span, ctx)?;
                                Frag {
                                    first: vec![(p, 0)],
                                    last: vec![(p, 0)],
                                    nullable: vec![],
                                }
                            };
                            acc = self.concat(acc, f)?;
                            i += 2;
                            continue;
                        }
                    }
                    let f = self.frag(&items[i], ctx)?;
                    acc = self.concat(acc, f)?;
                    i += 1;
                }
                acc
            }
            IrKind::Alt(alts) => {
                let mut acc = Frag::default();
                for a in alts {
                    let f = self.frag(a, ctx)?;
                    acc.first.extend(f.first);
                    acc.last.extend(f.last);
                    for n in f.nullable {
                        add_nullable(&mut acc.nullable, n);
                    }
                }
                acc
            }
            IrKind::Repeat {
                min,
                max,
                greed,
                sub,
            } => self.repeat(ir, sub, *min, *max, *greed, ctx)?,
            IrKind::Capture { sub, .. } => self.frag(sub, ctx)?,
            IrKind::Atomic(sub) => {
                // `(?>x+)` over one class is exactly the possessive `x++`.
                if let IrKind::Repeat {
                    min,
                    max: None,
                    greed,
                    sub: inner,
                } = &sub.kind
                {
                    if *greed != Greed::Lazy && matches!(inner.kind, IrKind::Class(_)) {
                        return self.repeat(sub, inner, *min, None, Greed::Possessive, ctx);
                    }
                }
                self.has_atomic = true;
                self.approximations.push(Approximation {
                    span: ir.span,
                    what: "atomic group read as an ordinary group".into(),
                });
                let mut c = ctx.clone();
                c.atomic = true;
                self.frag(sub, &c)?
            }
            IrKind::LookAround {
                behind: false,
                negated,
                sub,
            } if matches!(sub.kind, IrKind::Class(_)) && self.peeks.len() < PEEK_SLOTS => {
                // A one-character lookahead only narrows the next character:
                // exact, as a look on the next edge.
                let IrKind::Class(c) = &sub.kind else {
                    unreachable!("matched")
                };
                let slot = self.peeks.len();
                self.peeks.push((c.clone(), *negated));
                Frag {
                    nullable: vec![1 << (L_PEEK_FIRST as usize + slot)],
                    ..Frag::default()
                }
            }
            IrKind::LookAround { .. } => {
                self.has_lookaround = true;
                self.approximations.push(Approximation {
                    span: ir.span,
                    what: "lookaround crossed without checking it".into(),
                });
                Frag {
                    nullable: vec![0],
                    ..Frag::default()
                }
            }
            IrKind::Backref { group, .. } => {
                self.has_backref = true;
                self.approximations.push(Approximation {
                    span: ir.span,
                    what: format!("backreference \\{group} read as any text its group matches"),
                });
                match self.groups.get(group).copied() {
                    Some(g) if !self.expanding.contains(group) && self.expanding.len() < 4 => {
                        self.expanding.push(*group);
                        let mut c = ctx.clone();
                        c.from_backref = true;
                        let f = self.frag(g, &c);
                        self.expanding.pop();
                        f?
                    }
                    _ => {
                        // Any text: a loop on every character.
                        let mut c = ctx.clone();
                        c.from_backref = true;
                        let p = self.new_pos(CharSet::any(), ir.span, &c)?;
                        let id = self.repeats.len() as u32;
                        self.repeats.push(ir.span);
                        self.pos[p as usize].loops.push(id);
                        self.via = Some(id);
                        let linked = self.link(&[(p, 0)], &[(p, 0)]);
                        self.via = None;
                        linked?;
                        Frag {
                            first: vec![(p, 0)],
                            last: vec![(p, 0)],
                            nullable: vec![0],
                        }
                    }
                }
            }
            IrKind::Conditional { cond, yes, no } => {
                if let Cond::Recursion(r) = cond {
                    return Err(BuildError::Unsupported {
                        what: format!("recursion check {r}"),
                        span: ir.span,
                    });
                }
                self.has_backref |= matches!(cond, Cond::Group(_));
                self.has_lookaround |= matches!(cond, Cond::Look(_));
                self.approximations.push(Approximation {
                    span: ir.span,
                    what: "conditional read as a choice of both branches".into(),
                });
                let a = self.frag(yes, ctx)?;
                let b = self.frag(no, ctx)?;
                let mut acc = a;
                acc.first.extend(b.first);
                acc.last.extend(b.last);
                for n in b.nullable {
                    add_nullable(&mut acc.nullable, n);
                }
                acc
            }
            IrKind::Unsupported { what } => {
                return Err(BuildError::Unsupported {
                    what: what.clone(),
                    span: ir.span,
                })
            }
        })
    }

    /// `sub{min,max}`: `min` copies, then a loop (unbounded) or nested
    /// optional copies (bounded), so that bounded repeats add no ambiguity of
    /// their own.
    fn repeat(
        &mut self,
        node: &'a Ir,
        sub: &'a Ir,
        min: u32,
        max: Option<u32>,
        greed: Greed,
        ctx: &Ctx,
    ) -> Result<Frag, BuildError> {
        let (mut min, mut max) = (min, max);
        // A widely varying number of iterations of something of variable
        // length, as in `(a{1,40}){1,40}`, can split a run in exponentially
        // many ways up to the bound: expanded exactly there would be no loop
        // to find. Read it as unbounded (an over-approximation, noted). A
        // fixed count like `(.*a){12}` stays exact: its splits are polynomial.
        if max.is_some_and(|m| m >= min.saturating_add(10))
            && sub.props.max_len != Some(sub.props.min_len)
        {
            self.approximations.push(Approximation {
                span: node.span,
                what: format!(
                    "{{{min},{}}} of a variable-length part read as {{{},}}",
                    max.map_or(String::new(), |m| m.to_string()),
                    min.min(2)
                ),
            });
            min = min.min(2);
            max = None;
        }
        // Copies of a part that holds loops of its own add a loop each, and
        // the search for chains of loops grows with their square: keep at
        // most 32 (the degree found is then a lower bound; noted).
        const LOOP_COPIES: u32 = 32;
        if sub.props.has_unbounded_repeat && max.unwrap_or(min) > LOOP_COPIES {
            self.approximations.push(Approximation {
                span: node.span,
                what: format!(
                    "{{{min},{}}} of a part with loops read as {{{},{}}} (a lower bound on the degree)",
                    max.map_or(String::new(), |m| m.to_string()),
                    min.min(LOOP_COPIES),
                    max.map_or(String::new(), |m| m.min(LOOP_COPIES).to_string())
                ),
            });
            min = min.min(LOOP_COPIES);
            max = max.map(|m| m.min(LOOP_COPIES));
        }
        // Expand exactly when the copies fit in half of what is left of the
        // state budget; otherwise keep at most `cap` copies and no bound.
        let per = positions(sub, 1 << 20).max(1);
        let copies = u64::from(max.unwrap_or(min.saturating_add(1)));
        let room = (self.config.max_states.saturating_sub(self.pos.len()) / 2) as u64;
        let cap = ((room / per).min(u64::from(self.config.repeat_cap)) as u32).max(1);
        if per.saturating_mul(copies) > room && (max.is_some_and(|m| m > cap) || min > cap) {
            self.approximations.push(Approximation {
                span: node.span,
                what: format!(
                    "{{{min},{}}} read as {{{},}}",
                    max.map_or(String::new(), |m| m.to_string()),
                    min.min(cap)
                ),
            });
            min = min.min(cap);
            max = None;
        }
        if max == Some(0) {
            return Ok(Frag {
                nullable: vec![0],
                ..Frag::default()
            });
        }
        let mut acc = Frag {
            nullable: vec![0],
            ..Frag::default()
        };
        let fixed = match max {
            None => min.saturating_sub(1),
            Some(_) => min,
        };
        for _ in 0..fixed {
            let f = self.frag(sub, ctx)?;
            acc = self.concat(acc, f)?;
        }
        match max {
            None => {
                let id = self.repeats.len() as u32;
                self.repeats.push(node.span);
                let mut c = ctx.clone();
                c.loops.push(id);
                let before = self.pos.len();
                let mut f = self.frag(sub, &c)?;
                self.via = Some(id);
                let linked = self.link(&f.last, &f.first);
                self.via = None;
                linked?;
                if greed == Greed::Possessive {
                    let single =
                        self.pos.len() == before + 1 && matches!(sub.kind, IrKind::Class(_));
                    if single {
                        let set = self.pos[before].set.clone();
                        self.pos[before].possessive = Some((set, id));
                    } else {
                        self.has_atomic = true;
                        for p in &mut self.pos[before..] {
                            p.atomic = true;
                        }
                        self.approximations.push(Approximation {
                            span: node.span,
                            what: "possessive repetition read as greedy".into(),
                        });
                    }
                }
                if min == 0 {
                    add_nullable_once(&mut f.nullable, 0);
                }
                acc = self.concat(acc, f)?;
            }
            Some(mx) => {
                if greed == Greed::Possessive {
                    self.has_atomic = true;
                    self.approximations.push(Approximation {
                        span: node.span,
                        what: "possessive repetition read as greedy".into(),
                    });
                }
                // (X(X(X)?)?)? for the optional part.
                let mut tail: Option<Frag> = None;
                for _ in 0..(mx - min) {
                    let f = self.frag(sub, ctx)?;
                    let mut g = match tail.take() {
                        Some(t) => self.concat(f, t)?,
                        None => f,
                    };
                    add_nullable_once(&mut g.nullable, 0);
                    tail = Some(g);
                }
                if let Some(t) = tail {
                    acc = self.concat(acc, t)?;
                }
            }
        }
        Ok(acc)
    }
}

/// An upper bound (capped at `limit`) on the positions `ir` expands to.
fn positions(ir: &Ir, limit: u64) -> u64 {
    let n = match &ir.kind {
        IrKind::Class(_) => 1,
        IrKind::Backref { .. } => 1,
        IrKind::Repeat { min, max, sub, .. } => {
            let copies = u64::from(max.unwrap_or(min.saturating_add(1))).max(1);
            positions(sub, limit).saturating_mul(copies)
        }
        _ => ir
            .children()
            .iter()
            .map(|c| positions(c, limit))
            .fold(0u64, |a, b| a.saturating_add(b)),
    };
    n.min(limit)
}

/// `X(?=Y)` at the end of the pattern (or of each alternative) as `XY`.
fn trailing_lookahead(ir: &Ir) -> Option<Ir> {
    match &ir.kind {
        IrKind::LookAround {
            behind: false,
            negated: false,
            sub,
        } => Some((**sub).clone()),
        IrKind::Concat(items) => {
            let last = items.last()?;
            let t = trailing_lookahead(last)?;
            let mut v: Vec<Ir> = items[..items.len() - 1].to_vec();
            v.push(t);
            Some(Ir::concat(v, ir.span))
        }
        IrKind::Alt(alts) => {
            if !alts.iter().any(|a| trailing_lookahead(a).is_some()) {
                return None;
            }
            let v = alts
                .iter()
                .map(|a| trailing_lookahead(a).unwrap_or_else(|| a.clone()))
                .collect();
            Some(Ir::alt(v, ir.span))
        }
        IrKind::Capture { index, name, sub } => {
            let t = trailing_lookahead(sub)?;
            Some(Ir::capture(*index, name.clone(), t, ir.span))
        }
        _ => None,
    }
}

/// What came before a character, for narrowing by assertions.
#[derive(Clone, Copy)]
enum Prev<'s> {
    /// The start of the text.
    Start,
    /// A character of this set.
    Set(&'s CharSet),
}

struct Narrow {
    word: CharSet,
    nonword: CharSet,
    terminators: CharSet,
    peeks: Vec<(CharSet, bool)>,
}

impl Narrow {
    /// The characters that can follow `prev` across assertions `l` and be
    /// read as `set`; `None` when the path is impossible.
    fn edge(&self, prev: Prev, l: Looks, set: &CharSet) -> Option<CharSet> {
        let mut s = set.clone();
        if l & L_END != 0 {
            return None;
        }
        if l & L_END_NL != 0 {
            s = s.intersect(&CharSet::char('\n'));
        }
        if l & L_START != 0 && !matches!(prev, Prev::Start) {
            return None;
        }
        if l & L_SOL != 0 {
            if let Prev::Set(p) = prev {
                if p.is_disjoint(&self.terminators) {
                    return None;
                }
            }
        }
        if l & L_EOL != 0 {
            s = s.intersect(&self.terminators);
        }
        let prev_word = match prev {
            Prev::Start => Some(false),
            Prev::Set(p) if p.is_subset(&self.word) => Some(true),
            Prev::Set(p) if p.is_disjoint(&self.word) => Some(false),
            Prev::Set(_) => None,
        };
        if l & L_WB != 0 {
            match prev_word {
                Some(true) => s = s.intersect(&self.nonword),
                Some(false) => s = s.intersect(&self.word),
                None => {}
            }
        }
        if l & L_NWB != 0 {
            match prev_word {
                Some(true) => s = s.intersect(&self.word),
                Some(false) => s = s.intersect(&self.nonword),
                None => {}
            }
        }
        if l & L_WSTART != 0 {
            if prev_word == Some(true) {
                return None;
            }
            s = s.intersect(&self.word);
        }
        if l & L_WEND != 0 {
            if prev_word == Some(false) {
                return None;
            }
            s = s.intersect(&self.nonword);
        }
        for (i, (c, negated)) in self.peeks.iter().enumerate() {
            if l & (1 << (L_PEEK_FIRST as usize + i)) != 0 {
                s = if *negated {
                    s.difference(c)
                } else {
                    s.intersect(c)
                };
            }
        }
        (!s.is_empty()).then_some(s)
    }

    /// How a run that ends here after crossing `l` accepts.
    fn accept(&self, prev: Prev, l: Looks, mode: Mode) -> Accept {
        if l & L_START != 0 && !matches!(prev, Prev::Start) {
            return Accept::No;
        }
        if l & L_SOL != 0 {
            if let Prev::Set(p) = prev {
                if p.is_disjoint(&self.terminators) {
                    return Accept::No;
                }
            }
        }
        let prev_word = match prev {
            Prev::Start => Some(false),
            Prev::Set(p) if p.is_subset(&self.word) => Some(true),
            Prev::Set(p) if p.is_disjoint(&self.word) => Some(false),
            Prev::Set(_) => None,
        };
        if l & (L_WSTART) != 0 && prev_word == Some(true) {
            return Accept::No;
        }
        if l & L_WEND != 0 && prev_word == Some(false) {
            return Accept::No;
        }
        let kind = if l & L_END != 0 {
            Accept::AtEnd
        } else if l & L_END_NL != 0 {
            Accept::AtEndOrBeforeNewline
        } else if l & L_EOL != 0 {
            Accept::BeforeLineTerminator
        } else if l & (L_WB | L_NWB | L_WSTART | L_WEND) != 0 {
            // Word boundaries depend on the next character; when the one
            // before is not known, taken as anywhere (more matches: fewer
            // attacks, never a false one).
            let before_word = l & L_WSTART != 0
                || (l & L_WB != 0 && prev_word == Some(false))
                || (l & L_NWB != 0 && prev_word == Some(true));
            let before_nonword = l & L_WEND != 0
                || (l & L_WB != 0 && prev_word == Some(true))
                || (l & L_NWB != 0 && prev_word == Some(false));
            match (before_word, before_nonword) {
                (true, true) => Accept::No,
                (true, false) => Accept::BeforeWord,
                (false, true) => Accept::AtEndOrBeforeNonWord,
                (false, false) => Accept::Anywhere,
            }
        } else {
            Accept::Anywhere
        };
        match mode {
            Mode::Full => Accept::AtEnd,
            _ => kind,
        }
    }
}

impl Nfa {
    /// Builds the automaton of `ir` for `mode`.
    pub fn build(
        ir: &Ir,
        mode: Mode,
        config: &Config,
        budget: &mut Budget,
    ) -> Result<Nfa, BuildError> {
        let mut groups = HashMap::new();
        collect_groups(ir, &mut groups);
        let mut b = Builder {
            config,
            budget,
            pos: Vec::new(),
            follow: Vec::new(),
            via: None,
            repeats: Vec::new(),
            approximations: Vec::new(),
            groups,
            expanding: Vec::new(),
            has_lookaround: false,
            has_backref: false,
            has_atomic: false,
            terminators: None,
            word: None,
            peeks: Vec::new(),
        };
        let ctx = Ctx {
            loops: vec![],
            atomic: false,
            from_backref: false,
        };
        // A positive lookahead that ends the pattern decides whether the
        // attempt succeeds: read it as consumed, so that acceptance waits for
        // it (an attempt succeeds exactly when `X(?=Y)` finds `XY`).
        let consumed;
        let ir = match trailing_lookahead(ir) {
            Some(t) => {
                b.approximations.push(Approximation {
                    span: t.span,
                    what: "final lookahead read as consumed text".into(),
                });
                consumed = t;
                &consumed
            }
            None => ir,
        };
        // Top-level alternatives, built one by one to tag their positions.
        let root = match &ir.kind {
            IrKind::Capture { sub, .. } => sub.as_ref(),
            _ => ir,
        };
        let alts: Vec<&Ir> = match &root.kind {
            IrKind::Alt(v)
                if std::ptr::eq(root, ir) || matches!(ir.kind, IrKind::Capture { .. }) =>
            {
                v.iter().collect()
            }
            _ => vec![ir],
        };
        let mut frag = Frag::default();
        let mut branch_of: Vec<u32> = vec![];
        for (i, a) in alts.iter().enumerate() {
            let f = b.frag(a, &ctx)?;
            branch_of.resize(b.pos.len(), i as u32);
            frag.first.extend(f.first);
            frag.last.extend(f.last);
            for n in f.nullable {
                add_nullable(&mut frag.nullable, n);
            }
        }
        let word = b.word.clone().unwrap_or_else(|| WordChars::Ascii.set());
        let terminators = b.terminators.clone().unwrap_or_else(|| CharSet::char('\n'));
        let narrow = Narrow {
            nonword: word.negate(),
            word,
            terminators,
            peeks: b.peeks.clone(),
        };

        // The alphabet: every set an edge can be labelled with.
        let mut sets: Vec<CharSet> = b.pos.iter().map(|p| p.set.clone()).collect();
        sets.push(narrow.word.clone());
        sets.push(narrow.terminators.clone());
        sets.push(CharSet::char('\n'));
        sets.extend(narrow.peeks.iter().map(|(c, _)| c.clone()));
        let alphabet = Alphabet::new(&sets, b.budget)?;

        let n = b.pos.len() + 4;
        let off = 4u32;
        let mut states = Vec::with_capacity(n);
        for kind in [
            StateKind::Start,
            StateKind::SearchLoop,
            StateKind::SearchLoop,
            StateKind::SearchLoop,
        ] {
            states.push(State {
                kind,
                span: Span::default(),
                accept: Accept::No,
                loops: vec![],
                atomic: false,
                from_backref: false,
                branch: 0,
            });
        }
        for (i, p) in b.pos.iter().enumerate() {
            states.push(State {
                kind: StateKind::Position,
                span: p.span,
                accept: Accept::No,
                loops: p.loops.clone(),
                atomic: p.atomic,
                from_backref: p.from_backref,
                branch: branch_of.get(i).copied().unwrap_or(0),
            });
        }
        let mut edges: Vec<Vec<Edge>> = vec![Vec::new(); n];
        let add = |edges: &mut Vec<Vec<Edge>>,
                   from: u32,
                   to: u32,
                   set: &CharSet,
                   via: Option<u32>,
                   budget: &mut Budget|
         -> Result<(), GaveUp> {
            budget.tick(1 + set.range_count() as u64)?;
            let label = alphabet.atoms_of(set);
            if !label.is_empty() {
                edges[from as usize].push(Edge { to, label, via });
            }
            Ok(())
        };
        let search = mode == Mode::Search;
        // The search loop remembers the class of the last character skipped.
        let other = narrow.word.union(&narrow.terminators).negate();
        let classes: [(u32, CharSet); 3] = [
            (SEARCH, other),
            (SEARCH_WORD, narrow.word.difference(&narrow.terminators)),
            (SEARCH_LINE, narrow.terminators.clone()),
        ];
        // Start and search-loop edges.
        for &(q, l) in &frag.first {
            let qs = &b.pos[q as usize].set;
            if let Some(s) = narrow.edge(Prev::Start, l, qs) {
                add(&mut edges, START, q + off, &s, None, b.budget)?;
            }
            if search {
                for (st, class) in &classes {
                    if let Some(s) = narrow.edge(Prev::Set(class), l, qs) {
                        add(&mut edges, *st, q + off, &s, None, b.budget)?;
                    }
                }
            }
        }
        if search {
            for from in [START, SEARCH, SEARCH_WORD, SEARCH_LINE] {
                for (to, class) in &classes {
                    add(&mut edges, from, *to, class, None, b.budget)?;
                }
            }
        }
        // Follow edges.
        for &(p, q, l, via) in &b.follow {
            let (ps, qs) = (&b.pos[p as usize].set, &b.pos[q as usize].set);
            if let Some(mut s) = narrow.edge(Prev::Set(ps), l, qs) {
                if let Some((x, id)) = &b.pos[p as usize].possessive {
                    if via != Some(*id) {
                        // A possessive loop is left only when it cannot go on.
                        s = s.difference(x);
                    }
                }
                add(&mut edges, p + off, q + off, &s, via, b.budget)?;
            }
        }
        // Acceptance.
        for &(p, l) in &frag.last {
            let a = narrow.accept(Prev::Set(&b.pos[p as usize].set), l, mode);
            let st = &mut states[(p + off) as usize];
            st.accept = st.accept.or(a);
        }
        for &l in &frag.nullable {
            let a = narrow.accept(Prev::Start, l, mode);
            states[START as usize].accept = states[START as usize].accept.or(a);
            if search {
                for (st, class) in &classes {
                    let a = narrow.accept(Prev::Set(class), l, mode);
                    states[*st as usize].accept = states[*st as usize].accept.or(a);
                }
            }
        }
        let word_atoms = alphabet.atoms_of(&narrow.word);
        let terminator_atoms = alphabet.atoms_of(&narrow.terminators);
        Ok(Nfa {
            word_atoms,
            terminator_atoms,
            states,
            edges,
            alphabet,
            repeats: b.repeats,
            mode,
            approximations: b.approximations,
            has_lookaround: b.has_lookaround,
            has_backref: b.has_backref,
            has_atomic: b.has_atomic,
        })
    }

    /// The number of states.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Whether there are no states (never).
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The number of edges.
    pub fn edge_count(&self) -> usize {
        self.edges.iter().map(Vec::len).sum()
    }
}
