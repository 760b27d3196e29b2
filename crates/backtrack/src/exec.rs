//! Running a program: a backtracking interpreter with an explicit stack.

use crate::compile::{self, empty_rule, CompileError, EmptyRule, Inst, Program, SubKind};
use redoscope_automata::Mode;
use redoscope_syntax::ir::{Lowered, WordSets};
use redoscope_syntax::Flavor;
use std::sync::OnceLock;

/// How far one run may go: a step count, and optionally a cancellation
/// check (say, a deadline kept by the caller: this crate reads no clock),
/// asked every 16,384 steps.
#[derive(Clone, Copy)]
pub struct Limit<'a> {
    steps: u64,
    cancel: Option<&'a dyn Fn() -> bool>,
}

impl std::fmt::Debug for Limit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limit")
            .field("steps", &self.steps)
            .field("cancel", &self.cancel.is_some())
            .finish()
    }
}

impl<'a> Limit<'a> {
    /// At most `n` steps (instructions executed plus backtracks).
    pub fn steps(n: u64) -> Limit<'static> {
        Limit {
            steps: n,
            cancel: None,
        }
    }

    /// Also stop, undecided, once `cancel` says so.
    pub fn cancel(self, cancel: Option<&'a dyn Fn() -> bool>) -> Limit<'a> {
        Limit {
            steps: self.steps,
            cancel,
        }
    }
}

/// What a run reads: the text, and the cancellation check.
struct Cx<'a> {
    text: &'a [char],
    cancel: Option<&'a dyn Fn() -> bool>,
}

/// Steps between two cancellation checks (about 0.1 ms in release).
const CHECK_EVERY: u64 = 1 << 14;

/// What one run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The match, as character offsets `(start, end)`; `None` when there is
    /// no match or the limit was hit.
    pub span: Option<(usize, usize)>,
    /// Steps taken (equal to the limit plus one when it was hit).
    pub steps: u64,
    /// Whether the run stopped at the step limit (or was cancelled),
    /// undecided.
    pub hit_limit: bool,
    /// Whether the run was stopped by the cancellation check.
    pub cancelled: bool,
}

const NONE: usize = usize::MAX;

#[derive(Clone, Copy, Debug)]
enum Frame {
    /// An alternative to resume.
    Alt { pc: u32, pos: usize },
    /// Undo a capture slot write.
    Slot { slot: u32, old: usize },
    /// Undo a loop register write.
    Reg { reg: u32, count: u32, start: usize },
}

/// The step limit was reached.
struct Stop;

/// The reference matcher for one pattern. Reuse it: its stack and registers
/// are kept between runs.
#[derive(Clone, Debug)]
pub struct Matcher {
    prog: Program,
    stack: Vec<Frame>,
    slots: Vec<usize>,
    counts: Vec<u32>,
    starts: Vec<usize>,
    steps: u64,
    limit: u64,
    next_check: u64,
    cancelled: bool,
    mode: Mode,
    rule: EmptyRule,
    words: &'static WordSets,
}

fn words() -> &'static WordSets {
    static WORDS: OnceLock<WordSets> = OnceLock::new();
    WORDS.get_or_init(WordSets::new)
}

impl Matcher {
    /// Compiles a lowered pattern. Fails for what the IR marks unsupported
    /// (recursion, `\K`, verbs, …) and for programs over the size limit.
    pub fn new(l: &Lowered) -> Result<Matcher, CompileError> {
        let prog = compile::compile(l)?;
        let slots = vec![NONE; 2 * (prog.groups as usize + 1)];
        let regs = prog.regs as usize;
        Ok(Matcher {
            rule: empty_rule(prog.flavor),
            prog,
            stack: Vec::new(),
            slots,
            counts: vec![0; regs],
            starts: vec![NONE; regs],
            steps: 0,
            limit: 0,
            next_check: 0,
            cancelled: false,
            mode: Mode::Search,
            words: words(),
        })
    }

    /// The number of instructions (a size measure).
    pub fn len(&self) -> usize {
        self.prog.insts.len()
    }

    /// Whether the program is empty (never: it always has its match
    /// instructions).
    pub fn is_empty(&self) -> bool {
        self.prog.insts.is_empty()
    }

    /// Runs the pattern on `text` in `mode`: the first match the engine
    /// would report (search: leftmost, trying each start position in turn;
    /// prefix: at 0; full: at 0 and ending at the end).
    pub fn exec(&mut self, text: &[char], mode: Mode, limit: Limit<'_>) -> Outcome {
        self.steps = 0;
        self.limit = limit.steps;
        self.next_check = CHECK_EVERY;
        self.cancelled = false;
        self.mode = mode;
        let cx = Cx {
            text,
            cancel: limit.cancel,
        };
        let last = match mode {
            Mode::Search => text.len(),
            Mode::Full | Mode::Prefix => 0,
        };
        for start in 0..=last {
            self.slots.fill(NONE);
            self.stack.clear();
            match self.run(&cx, 0, start, None) {
                Ok(Some(_)) => {
                    return Outcome {
                        span: Some((self.slots[0], self.slots[1])),
                        steps: self.steps,
                        hit_limit: false,
                        cancelled: false,
                    }
                }
                Ok(None) => {}
                Err(Stop) => {
                    return Outcome {
                        span: None,
                        steps: self.steps,
                        hit_limit: true,
                        cancelled: self.cancelled,
                    }
                }
            }
        }
        Outcome {
            span: None,
            steps: self.steps,
            hit_limit: false,
            cancelled: false,
        }
    }

    /// The capture groups of the last successful [`Matcher::exec`] (index
    /// 0 is the whole match), as character offsets.
    pub fn captures(&self) -> Vec<Option<(usize, usize)>> {
        self.slots
            .chunks(2)
            .map(|s| (s[0] != NONE && s[1] != NONE).then(|| (s[0], s[1])))
            .collect()
    }

    /// Pops frames down to `base`, undoing register and capture writes.
    fn undo_to(&mut self, base: usize) {
        while self.stack.len() > base {
            match self.stack.pop() {
                Some(Frame::Slot { slot, old }) => self.slots[slot as usize] = old,
                Some(Frame::Reg { reg, count, start }) => {
                    self.counts[reg as usize] = count;
                    self.starts[reg as usize] = start;
                }
                _ => {}
            }
        }
    }

    /// Drops the alternatives above `base`, keeping the undo records (an
    /// atomic group or lookaround that succeeded is never re-entered, but
    /// what it captured is undone when matching backtracks past it).
    fn cut(&mut self, base: usize) {
        let mut w = base;
        for r in base..self.stack.len() {
            let f = self.stack[r];
            if !matches!(f, Frame::Alt { .. }) {
                self.stack[w] = f;
                w += 1;
            }
        }
        self.stack.truncate(w);
    }

    /// Runs a sub-match (atomic group or assertion body) from `pc` at `pos`;
    /// on success its alternatives are cut.
    fn sub_run(
        &mut self,
        cx: &Cx<'_>,
        pc: u32,
        pos: usize,
        end_at: Option<usize>,
    ) -> Result<Option<usize>, Stop> {
        let base = self.stack.len();
        let r = stacker::maybe_grow(32 * 1024, 1024 * 1024, || {
            self.run(cx, pc as usize, pos, end_at)
        })?;
        if r.is_some() {
            self.cut(base);
        }
        Ok(r)
    }

    /// Evaluates an assertion body at `pos`; on success (of the body) its
    /// alternatives are cut and its captures kept.
    fn assert_body(
        &mut self,
        cx: &Cx<'_>,
        body: u32,
        pos: usize,
        behind: bool,
        min: u32,
        max: Option<u32>,
    ) -> Result<bool, Stop> {
        if !behind {
            return Ok(self.sub_run(cx, body, pos, None)?.is_some());
        }
        let Some(hi) = pos.checked_sub(min as usize) else {
            return Ok(false);
        };
        let lo = max.map_or(0, |m| pos.saturating_sub(m as usize));
        for s in (lo..=hi).rev() {
            if self.sub_run(cx, body, s, Some(pos))?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The interpreter. Returns the end of the match reached at `Match` or
    /// `SubEnd`; `None` once every alternative above the entry stack height
    /// failed (which leaves the stack at that height, writes undone).
    fn run(
        &mut self,
        cx: &Cx<'_>,
        mut pc: usize,
        mut pos: usize,
        end_at: Option<usize>,
    ) -> Result<Option<usize>, Stop> {
        let text = cx.text;
        let base = self.stack.len();
        let n = text.len();
        loop {
            self.steps += 1;
            if self.steps > self.limit {
                return Err(Stop);
            }
            if self.steps >= self.next_check {
                self.next_check = self.steps + CHECK_EVERY;
                if cx.cancel.is_some_and(|c| c()) {
                    self.cancelled = true;
                    return Err(Stop);
                }
            }
            let ok = match self.prog.insts[pc] {
                Inst::Char(c) => {
                    if pos < n && text[pos] == c {
                        pos += 1;
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Inst::Set(i) => {
                    if pos < n && self.prog.sets[i as usize].contains(text[pos]) {
                        pos += 1;
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Inst::Look(l) => {
                    pc += 1;
                    l.is_match(text, pos, self.words)
                }
                Inst::Split { first, second } => {
                    self.stack.push(Frame::Alt { pc: second, pos });
                    pc = first as usize;
                    true
                }
                Inst::Jmp(t) => {
                    pc = t as usize;
                    true
                }
                Inst::Save(slot) => {
                    let old = self.slots[slot as usize];
                    self.stack.push(Frame::Slot { slot, old });
                    self.slots[slot as usize] = pos;
                    pc += 1;
                    true
                }
                Inst::ClearCaps { lo, hi } => {
                    for slot in 2 * lo..2 * hi + 2 {
                        let old = self.slots[slot as usize];
                        if old != NONE {
                            self.stack.push(Frame::Slot { slot, old });
                            self.slots[slot as usize] = NONE;
                        }
                    }
                    pc += 1;
                    true
                }
                Inst::RepStart { reg } => {
                    self.save_reg(reg);
                    self.counts[reg as usize] = 0;
                    self.starts[reg as usize] = NONE;
                    pc += 1;
                    true
                }
                Inst::RepLoop {
                    reg,
                    min,
                    max,
                    lazy,
                    body,
                    exit,
                } => {
                    let c = self.counts[reg as usize];
                    if c < min {
                        pc = body as usize;
                    } else if c >= max {
                        pc = exit as usize;
                    } else if lazy {
                        self.stack.push(Frame::Alt { pc: body, pos });
                        pc = exit as usize;
                    } else {
                        self.stack.push(Frame::Alt { pc: exit, pos });
                        pc = body as usize;
                    }
                    true
                }
                Inst::RepIter { reg } => {
                    self.save_reg(reg);
                    self.counts[reg as usize] += 1;
                    self.starts[reg as usize] = pos;
                    pc += 1;
                    true
                }
                Inst::RepEnd {
                    reg,
                    min,
                    head,
                    exit,
                } => {
                    if pos == self.starts[reg as usize] && self.counts[reg as usize] > min {
                        match self.rule {
                            EmptyRule::Fail => false,
                            EmptyRule::Exit => {
                                pc = exit as usize;
                                true
                            }
                        }
                    } else {
                        pc = head as usize;
                        true
                    }
                }
                Inst::Backref {
                    group,
                    ignore_case,
                    folding,
                } => {
                    let (s, e) = (
                        self.slots[2 * group as usize],
                        self.slots[2 * group as usize + 1],
                    );
                    pc += 1;
                    if s == NONE || e == NONE || e < s {
                        // JS: a group that has not matched matches empty.
                        self.prog.flavor == Flavor::Js
                    } else {
                        let len = e - s;
                        self.steps += len as u64;
                        if pos + len > n {
                            false
                        } else {
                            let eq = if ignore_case {
                                (0..len).all(|k| folding.chars_equal(text[s + k], text[pos + k]))
                            } else {
                                text[s..e] == text[pos..pos + len]
                            };
                            if eq {
                                pos += len;
                            }
                            eq
                        }
                    }
                }
                Inst::Sub { kind, body, next } => match kind {
                    SubKind::Atomic => match self.sub_run(cx, body, pos, None)? {
                        Some(end) => {
                            pos = end;
                            pc = next as usize;
                            true
                        }
                        None => false,
                    },
                    SubKind::Look {
                        behind,
                        negated,
                        min,
                        max,
                        no,
                    } => {
                        let height = self.stack.len();
                        let matched = self.assert_body(cx, body, pos, behind, min, max)?;
                        if matched && negated {
                            // A negative assertion keeps nothing.
                            self.undo_to(height);
                        }
                        if matched != negated {
                            pc = next as usize;
                            true
                        } else if let Some(no) = no {
                            pc = no as usize;
                            true
                        } else {
                            false
                        }
                    }
                },
                Inst::SubEnd => {
                    if end_at.is_none_or(|e| e == pos) {
                        return Ok(Some(pos));
                    }
                    false
                }
                Inst::CondGroup { group, yes, no } => {
                    pc = if self.slots[2 * group as usize + 1] != NONE {
                        yes as usize
                    } else {
                        no as usize
                    };
                    true
                }
                Inst::Match => {
                    if self.mode != Mode::Full || pos == n {
                        return Ok(Some(pos));
                    }
                    false
                }
                Inst::Fail => false,
            };
            if ok {
                continue;
            }
            // Backtrack.
            loop {
                if self.stack.len() == base {
                    return Ok(None);
                }
                match self.stack.pop().expect("above base") {
                    Frame::Alt { pc: p, pos: q } => {
                        pc = p as usize;
                        pos = q;
                        break;
                    }
                    Frame::Slot { slot, old } => self.slots[slot as usize] = old,
                    Frame::Reg { reg, count, start } => {
                        self.counts[reg as usize] = count;
                        self.starts[reg as usize] = start;
                    }
                }
            }
            self.steps += 1;
        }
    }

    fn save_reg(&mut self, reg: u32) {
        self.stack.push(Frame::Reg {
            reg,
            count: self.counts[reg as usize],
            start: self.starts[reg as usize],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redoscope_syntax::{lower, parse};

    fn run(p: &str, f: Flavor, flags: &str, t: &str, mode: Mode) -> Outcome {
        let l = lower(&parse(p, f, flags).unwrap()).unwrap();
        let mut m = Matcher::new(&l).unwrap();
        let text: Vec<char> = t.chars().collect();
        m.exec(&text, mode, Limit::steps(100_000_000))
    }

    fn span(p: &str, t: &str) -> Option<(usize, usize)> {
        run(p, Flavor::Js, "", t, Mode::Search).span
    }

    #[test]
    fn basics() {
        assert_eq!(span("abc", "xxabcx"), Some((2, 5)));
        assert_eq!(span("a|ab", "ab"), Some((0, 1)));
        assert_eq!(span("a*?b", "aab"), Some((0, 3)));
        assert_eq!(span("a*", "baa"), Some((0, 0)));
        assert_eq!(span("a{2,3}", "aaaa"), Some((0, 3)));
        assert_eq!(span("a{2,3}?", "aaaa"), Some((0, 2)));
        assert_eq!(span("(?:ab)+", "ababa"), Some((0, 4)));
        assert_eq!(span("x(?=ab)", "xaxab"), Some((2, 3)));
        assert_eq!(span("x(?!ab)", "xabx"), Some((3, 4)));
        assert_eq!(span("(?<=a)b", "bab"), Some((2, 3)));
        assert_eq!(span("(?<!a)b", "abb"), Some((2, 3)));
        assert_eq!(span(r"(a)\1", "aba aa"), Some((4, 6)));
        assert_eq!(span(r"\bfoo\b", "afoo foo"), Some((5, 8)));
        assert_eq!(span("^$", ""), Some((0, 0)));
        assert_eq!(
            run("(?>a+)a", Flavor::Pcre, "", "aaa", Mode::Search).span,
            None
        );
        let java = run("a++a", Flavor::Java, "", "aaa", Mode::Search);
        assert_eq!(java.span, None);
        let java = run("a*+b", Flavor::Java, "", "aab", Mode::Search);
        assert_eq!(java.span, Some((0, 3)));
    }

    #[test]
    fn flavor_rules() {
        // JS: a backreference to a group that has not matched is empty.
        assert_eq!(span(r"(a)?\1b", "b"), Some((0, 1)));
        let py = run(r"(a)?\1b", Flavor::Python, "", "b", Mode::Search);
        assert_eq!(py.span, None);
        // JS resets captures at each iteration; Python keeps the last.
        let js = run(r"(?:(a)|b)+\1", Flavor::Js, "", "ab", Mode::Search);
        assert_eq!(js.span, Some((0, 2)));
        let py = run(r"(?:(a)|b)+\1", Flavor::Python, "", "aba", Mode::Search);
        assert_eq!(py.span, Some((0, 3)));
        // Empty iterations: JS fails them, PCRE stops looping.
        let js = run(r"(a|)*b", Flavor::Js, "", "aab", Mode::Search);
        assert_eq!(js.span, Some((0, 3)));
    }

    /// A JS `x?` whose x matches empty fails that iteration, so x's groups
    /// stay unset; Python keeps the empty iteration (found by
    /// tests/matcher_diff.rs).
    #[test]
    fn optional_empty_iteration() {
        let caps = |f: Flavor, p: &str, t: &str| {
            let l = lower(&parse(p, f, "").unwrap()).unwrap();
            let mut m = Matcher::new(&l).unwrap();
            let text: Vec<char> = t.chars().collect();
            let out = m.exec(&text, Mode::Search, Limit::steps(10_000));
            out.span.map(|_| m.captures())
        };
        let unset = Some(vec![Some((0, 0)), None]);
        assert_eq!(caps(Flavor::Js, "^(a*)?$", ""), unset);
        assert_eq!(caps(Flavor::Js, "^(a*)??$", ""), unset);
        let ab = Some(vec![Some((0, 2)), Some((0, 1))]);
        assert_eq!(caps(Flavor::Js, "^(a*)??b", "ab"), ab);
        assert_eq!(caps(Flavor::Js, "^(a*)?$", "aa").unwrap()[1], Some((0, 2)));
        let py = Some(vec![Some((0, 0)), Some((0, 0))]);
        assert_eq!(caps(Flavor::Python, "^(a*)?$", ""), py);
    }

    #[test]
    fn modes() {
        let full = run("a+", Flavor::Java, "", "aab", Mode::Full);
        assert_eq!(full.span, None);
        let pre = run("a+", Flavor::Python, "", "aab", Mode::Prefix);
        assert_eq!(pre.span, Some((0, 2)));
        let pre = run("b", Flavor::Python, "", "ab", Mode::Prefix);
        assert_eq!(pre.span, None);
    }

    #[test]
    fn steps_grow() {
        let s = |k: usize| {
            let t = format!("{}!", "a".repeat(k));
            run("^(a+)+$", Flavor::Js, "", &t, Mode::Search).steps
        };
        let (a, b) = (s(10), s(12));
        assert!(b > 3 * a, "{a} {b}");
        let out = run("^(a+)+$", Flavor::Js, "", &"a".repeat(40), Mode::Search);
        assert_eq!(out.span, Some((0, 40)));
        let l = lower(&parse("^(a+)+$", Flavor::Js, "").unwrap()).unwrap();
        let mut m = Matcher::new(&l).unwrap();
        let text: Vec<char> = format!("{}!", "a".repeat(40)).chars().collect();
        let out = m.exec(&text, Mode::Search, Limit::steps(1000));
        assert!(out.hit_limit && out.span.is_none() && out.steps == 1001);
        assert!(!out.cancelled);
        // A cancellation check stops it early.
        let calls = std::cell::Cell::new(0);
        let stop = || {
            calls.set(calls.get() + 1);
            calls.get() >= 3
        };
        let out = m.exec(
            &text,
            Mode::Search,
            Limit::steps(u64::MAX).cancel(Some(&stop)),
        );
        assert!(out.hit_limit && out.cancelled, "{out:?}");
        assert_eq!(calls.get(), 3);
        assert!(
            out.steps >= 3 * CHECK_EVERY && out.steps < 4 * CHECK_EVERY,
            "{out:?}"
        );
    }
}
