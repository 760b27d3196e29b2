//! IR → program.

use redoscope_syntax::ast::Greed;
use redoscope_syntax::ir::{CharSet, Cond, Folding, Ir, IrKind, Look, Lowered};
use redoscope_syntax::{Flavor, Span};
use std::fmt;

/// Why a pattern cannot run on the reference matcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// What is missing.
    pub what: String,
    /// Where in the pattern.
    pub span: Span,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the reference matcher cannot run {} (at {}..{})",
            self.what, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for CompileError {}

/// The most instructions a program may have.
pub(crate) const MAX_INSTS: usize = 1 << 22;

/// A set of characters, fast for ASCII.
#[derive(Clone, Debug)]
pub(crate) struct Set {
    ascii: [u64; 2],
    /// Ranges above ASCII, sorted.
    ranges: Box<[(u32, u32)]>,
}

impl Set {
    fn new(cs: &CharSet) -> Set {
        let mut ascii = [0u64; 2];
        let mut ranges = Vec::new();
        for (a, b) in cs.ranges() {
            let (a, b) = (a as u32, b as u32);
            for c in a..=b.min(127) {
                ascii[(c / 64) as usize] |= 1 << (c % 64);
            }
            if b >= 128 {
                ranges.push((a.max(128), b));
            }
        }
        Set {
            ascii,
            ranges: ranges.into(),
        }
    }

    #[inline]
    pub(crate) fn contains(&self, c: char) -> bool {
        let c = c as u32;
        if c < 128 {
            return self.ascii[(c / 64) as usize] & (1 << (c % 64)) != 0;
        }
        self.ranges
            .binary_search_by(|&(a, b)| {
                if b < c {
                    std::cmp::Ordering::Less
                } else if a > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

/// What a sub-match is for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SubKind {
    /// An atomic group: the sub-match's end is where matching goes on.
    Atomic,
    /// A lookaround assertion; `no` is where to go when it fails (`None`:
    /// backtrack), for conditionals.
    Look {
        behind: bool,
        negated: bool,
        min: u32,
        max: Option<u32>,
        no: Option<u32>,
    },
}

#[derive(Clone, Debug)]
pub(crate) enum Inst {
    Char(char),
    Set(u32),
    Look(Look),
    /// Try `first`, and on failure `second`.
    Split {
        first: u32,
        second: u32,
    },
    Jmp(u32),
    Save(u32),
    /// Reset the captures of groups `lo..=hi` (JS: at each iteration).
    ClearCaps {
        lo: u32,
        hi: u32,
    },
    /// Enter a counted loop: its counter to 0.
    RepStart {
        reg: u32,
    },
    /// The loop head: decide whether to iterate (`body`) or leave (`exit`).
    RepLoop {
        reg: u32,
        min: u32,
        max: u32,
        lazy: bool,
        body: u32,
        exit: u32,
    },
    /// Start of an iteration: count it, remember where it started.
    RepIter {
        reg: u32,
    },
    /// End of an iteration: the empty-iteration check, then back to the head.
    RepEnd {
        reg: u32,
        min: u32,
        head: u32,
        exit: u32,
    },
    Backref {
        group: u32,
        ignore_case: bool,
        folding: Folding,
    },
    /// Run `body` as a sub-match ending at `SubEnd`, then go on at `next`.
    Sub {
        kind: SubKind,
        body: u32,
        next: u32,
    },
    SubEnd,
    CondGroup {
        group: u32,
        yes: u32,
        no: u32,
    },
    Match,
    Fail,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Program {
    pub insts: Vec<Inst>,
    pub sets: Vec<Set>,
    /// Registers for counted loops.
    pub regs: u32,
    /// Capture groups (slots are `2 * (groups + 1)`).
    pub groups: u32,
    pub flavor: Flavor,
}

struct Compiler {
    insts: Vec<Inst>,
    sets: Vec<Set>,
    regs: u32,
    flavor: Flavor,
}

/// How an empty iteration of a loop ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EmptyRule {
    /// JS: an iteration past the minimum that matches the empty string
    /// fails (ES2024 RepeatMatcher).
    Fail,
    /// PCRE, Perl, Python, Java, Ruby, .NET: the loop stops iterating and
    /// matching goes on after it.
    Exit,
}

pub(crate) fn empty_rule(f: Flavor) -> EmptyRule {
    match f {
        Flavor::Js => EmptyRule::Fail,
        _ => EmptyRule::Exit,
    }
}

pub(crate) fn compile(l: &Lowered) -> Result<Program, CompileError> {
    let mut c = Compiler {
        insts: Vec::new(),
        sets: Vec::new(),
        regs: 0,
        flavor: l.flavor,
    };
    c.push(Inst::Save(0));
    c.node(&l.ir)?;
    c.push(Inst::Save(1));
    c.push(Inst::Match);
    Ok(Program {
        insts: c.insts,
        sets: c.sets,
        regs: c.regs,
        groups: l.captures,
        flavor: l.flavor,
    })
}

/// A split between another iteration (`more`) and leaving (`less`), in
/// the order the quantifier prefers: greedy tries `more` first, lazy `less`.
fn prefer(lazy: bool, more: u32, less: u32) -> Inst {
    if lazy {
        Inst::Split {
            first: less,
            second: more,
        }
    } else {
        Inst::Split {
            first: more,
            second: less,
        }
    }
}

/// The lowest and highest capture index inside `ir`.
fn capture_range(ir: &Ir) -> Option<(u32, u32)> {
    if !ir.props.has_capture {
        return None;
    }
    let mut range: Option<(u32, u32)> = None;
    let mut stack = vec![ir];
    while let Some(n) = stack.pop() {
        if let IrKind::Capture { index, .. } = n.kind {
            range = Some(match range {
                None => (index, index),
                Some((a, b)) => (a.min(index), b.max(index)),
            });
        }
        stack.extend(n.children());
    }
    range
}

impl Compiler {
    fn pc(&self) -> u32 {
        self.insts.len() as u32
    }

    fn push(&mut self, i: Inst) -> u32 {
        self.insts.push(i);
        self.pc() - 1
    }

    fn too_big(&self, span: Span) -> Result<(), CompileError> {
        if self.insts.len() > MAX_INSTS {
            return Err(CompileError {
                what: format!("a program over {MAX_INSTS} instructions"),
                span,
            });
        }
        Ok(())
    }

    fn patch_target(&mut self, at: u32, target: u32) {
        match &mut self.insts[at as usize] {
            Inst::Jmp(t) => *t = target,
            Inst::Split { second, .. } => *second = target,
            Inst::RepLoop { exit, .. } => *exit = target,
            Inst::Sub { next, .. } => *next = target,
            Inst::CondGroup { no, .. } => *no = target,
            _ => unreachable!("patching a non-jump"),
        }
    }

    fn node(&mut self, ir: &Ir) -> Result<(), CompileError> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.node_inner(ir))
    }

    fn node_inner(&mut self, ir: &Ir) -> Result<(), CompileError> {
        self.too_big(ir.span)?;
        match &ir.kind {
            IrKind::Empty => {}
            IrKind::Class(cs) => {
                if let Some(c) = cs.single() {
                    self.push(Inst::Char(c));
                } else if cs.is_empty() {
                    self.push(Inst::Fail);
                } else {
                    self.sets.push(Set::new(cs));
                    self.push(Inst::Set(self.sets.len() as u32 - 1));
                }
            }
            IrKind::Look(l) => {
                self.push(Inst::Look(*l));
            }
            IrKind::Concat(items) => {
                for it in items {
                    self.node(it)?;
                }
            }
            IrKind::Alt(items) => {
                let mut ends = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    if i + 1 < items.len() {
                        let split = self.push(Inst::Split {
                            first: self.pc() + 1,
                            second: 0,
                        });
                        self.node(it)?;
                        ends.push(self.push(Inst::Jmp(0)));
                        let next = self.pc();
                        self.patch_target(split, next);
                    } else {
                        self.node(it)?;
                    }
                }
                let end = self.pc();
                for e in ends {
                    self.patch_target(e, end);
                }
            }
            IrKind::Repeat {
                min,
                max,
                greed,
                sub,
            } => self.repeat(*min, *max, *greed, sub)?,
            IrKind::Capture { index, sub, .. } => {
                self.push(Inst::Save(2 * index));
                self.node(sub)?;
                self.push(Inst::Save(2 * index + 1));
            }
            IrKind::Atomic(sub) => self.sub(SubKind::Atomic, sub)?,
            IrKind::LookAround {
                behind,
                negated,
                sub,
            } => self.sub(
                SubKind::Look {
                    behind: *behind,
                    negated: *negated,
                    min: sub.props.min_len,
                    max: sub.props.max_len,
                    no: None,
                },
                sub,
            )?,
            IrKind::Backref {
                group,
                ignore_case,
                folding,
            } => {
                self.push(Inst::Backref {
                    group: *group,
                    ignore_case: *ignore_case,
                    folding: *folding,
                });
            }
            IrKind::Conditional { cond, yes, no } => match cond {
                Cond::Group(g) => {
                    let at = self.push(Inst::CondGroup {
                        group: *g,
                        yes: self.pc() + 1,
                        no: 0,
                    });
                    self.node(yes)?;
                    let j = self.push(Inst::Jmp(0));
                    let no_pc = self.pc();
                    self.patch_target(at, no_pc);
                    self.node(no)?;
                    let end = self.pc();
                    self.patch_target(j, end);
                }
                Cond::Define => self.node(no)?,
                Cond::Look(a) => {
                    let IrKind::LookAround {
                        behind,
                        negated,
                        sub,
                    } = &a.kind
                    else {
                        return Err(CompileError {
                            what: "a condition that is not an assertion".into(),
                            span: a.span,
                        });
                    };
                    // Sub{…, no} evaluates the assertion, then goes on at
                    // `next` (yes) or `no`.
                    let at = self.push(Inst::Sub {
                        kind: SubKind::Look {
                            behind: *behind,
                            negated: *negated,
                            min: sub.props.min_len,
                            max: sub.props.max_len,
                            no: Some(0),
                        },
                        body: self.pc() + 1,
                        next: 0,
                    });
                    self.node(sub)?;
                    self.push(Inst::SubEnd);
                    let yes_pc = self.pc();
                    self.node(yes)?;
                    let j = self.push(Inst::Jmp(0));
                    let no_pc = self.pc();
                    self.node(no)?;
                    let end = self.pc();
                    self.patch_target(j, end);
                    if let Inst::Sub { kind, next, .. } = &mut self.insts[at as usize] {
                        *next = yes_pc;
                        if let SubKind::Look { no, .. } = kind {
                            *no = Some(no_pc);
                        }
                    }
                }
                Cond::Recursion(what) => {
                    return Err(CompileError {
                        what: format!("the recursion condition {what}"),
                        span: ir.span,
                    })
                }
            },
            IrKind::Unsupported { what } => {
                return Err(CompileError {
                    what: what.clone(),
                    span: ir.span,
                })
            }
        }
        Ok(())
    }

    fn sub(&mut self, kind: SubKind, sub: &Ir) -> Result<(), CompileError> {
        let at = self.push(Inst::Sub {
            kind,
            body: self.pc() + 1,
            next: 0,
        });
        self.node(sub)?;
        self.push(Inst::SubEnd);
        let next = self.pc();
        self.patch_target(at, next);
        Ok(())
    }

    fn clear_caps(&mut self, sub: &Ir) {
        if self.flavor == Flavor::Js {
            if let Some((lo, hi)) = capture_range(sub) {
                self.push(Inst::ClearCaps { lo, hi });
            }
        }
    }

    fn repeat(
        &mut self,
        min: u32,
        max: Option<u32>,
        greed: Greed,
        sub: &Ir,
    ) -> Result<(), CompileError> {
        if greed == Greed::Possessive {
            // x*+ is (?>x*).
            let at = self.push(Inst::Sub {
                kind: SubKind::Atomic,
                body: self.pc() + 1,
                next: 0,
            });
            self.repeat(min, max, Greed::Greedy, sub)?;
            self.push(Inst::SubEnd);
            let next = self.pc();
            self.patch_target(at, next);
            return Ok(());
        }
        let lazy = greed == Greed::Lazy;
        if max == Some(0) {
            return Ok(());
        }
        if min == 1 && max == Some(1) {
            return self.node(sub);
        }
        let simple = !sub.props.nullable;
        match (min, max) {
            // A JS `x?` whose x matched empty fails that iteration (and
            // leaves x's groups unset): the counted loop below does that.
            (0, Some(1)) if simple || empty_rule(self.flavor) == EmptyRule::Exit => {
                // x? : Split(x, next), or Split(next, x) lazily.
                let at = self.push(Inst::Split {
                    first: 0,
                    second: 0,
                });
                let body = self.pc();
                self.node(sub)?;
                let next = self.pc();
                self.insts[at as usize] = prefer(lazy, body, next);
            }
            (0, None) if simple => {
                // L: Split(B, exit); B: x; Jmp L
                let head = self.push(Inst::Split {
                    first: 0,
                    second: 0,
                });
                let body = self.pc();
                self.clear_caps(sub);
                self.node(sub)?;
                self.push(Inst::Jmp(head));
                let exit = self.pc();
                self.insts[head as usize] = prefer(lazy, body, exit);
            }
            (1, None) if simple => {
                // L: x; Split(L, next)
                let body = self.pc();
                self.clear_caps(sub);
                self.node(sub)?;
                let next = self.pc() + 1;
                self.push(prefer(lazy, body, next));
            }
            _ => {
                // Counted loop with an empty-iteration check.
                let reg = self.regs;
                self.regs += 1;
                self.push(Inst::RepStart { reg });
                let head = self.push(Inst::RepLoop {
                    reg,
                    min,
                    max: max.unwrap_or(u32::MAX),
                    lazy,
                    body: self.pc() + 1,
                    exit: 0,
                });
                self.push(Inst::RepIter { reg });
                self.clear_caps(sub);
                self.node(sub)?;
                let end = self.push(Inst::RepEnd {
                    reg,
                    min,
                    head,
                    exit: 0,
                });
                let exit = self.pc();
                self.patch_target(head, exit);
                if let Inst::RepEnd { exit: e, .. } = &mut self.insts[end as usize] {
                    *e = exit;
                }
            }
        }
        Ok(())
    }
}
