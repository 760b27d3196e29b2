//! Compact regex-like text for IR (for tests and `redoscope parse --ir`).
//!
//! The text is flavor-neutral and meant for people: sets print as classes
//! (`[a-z]`, `[^\n]`, `(?s:.)` for any character, `[]` for none), looks as
//! `\A \z \Z (?m:^) (?m:$) \b \B \G`, case-insensitive backreferences as
//! `(?i:\1)`, unsupported nodes as `(*UNSUPPORTED:what)`.

use super::{Cond, Ir, IrKind};
use crate::ast::Greed;
use std::fmt::{self, Write as _};

/// Where a node is printed, which decides whether it needs a group.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Top level, a group body, or an alternative: anything goes.
    Alt,
    /// An item of a concatenation: alternations need a group.
    Concat,
    /// The operand of a quantifier: anything but an atom needs a group.
    Atom,
}

enum Step<'a> {
    Node(&'a Ir, Ctx),
    Text(&'static str),
    Owned(String),
}

fn needs_group(ir: &Ir, ctx: Ctx) -> bool {
    match (&ir.kind, ctx) {
        (_, Ctx::Alt) => false,
        (IrKind::Alt(_), _) => true,
        (_, Ctx::Concat) => false,
        (IrKind::Class(_), _) => false,
        (IrKind::Capture { .. } | IrKind::Atomic(_) | IrKind::LookAround { .. }, _) => false,
        (IrKind::Conditional { .. } | IrKind::Unsupported { .. }, _) => false,
        (
            IrKind::Backref {
                ignore_case: false, ..
            },
            _,
        ) => false,
        _ => true,
    }
}

fn quantifier(min: u32, max: Option<u32>, greed: Greed) -> String {
    let mut s = match (min, max) {
        (0, None) => "*".to_string(),
        (1, None) => "+".to_string(),
        (0, Some(1)) => "?".to_string(),
        (n, None) => format!("{{{n},}}"),
        (n, Some(m)) if n == m => format!("{{{n}}}"),
        (n, Some(m)) => format!("{{{n},{m}}}"),
    };
    match greed {
        Greed::Greedy => {}
        Greed::Lazy => s.push('?'),
        Greed::Possessive => s.push('+'),
    }
    s
}

impl fmt::Display for Ir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut stack = vec![Step::Node(self, Ctx::Alt)];
        while let Some(step) = stack.pop() {
            let (ir, ctx) = match step {
                Step::Text(s) => {
                    f.write_str(s)?;
                    continue;
                }
                Step::Owned(s) => {
                    f.write_str(&s)?;
                    continue;
                }
                Step::Node(ir, ctx) => (ir, ctx),
            };
            // Steps are pushed in reverse order of printing.
            if needs_group(ir, ctx) {
                f.write_str("(?:")?;
                stack.push(Step::Text(")"));
                stack.push(Step::Node(ir, Ctx::Alt));
                continue;
            }
            match &ir.kind {
                IrKind::Empty => {}
                IrKind::Class(set) => write!(f, "{set}")?,
                IrKind::Look(look) => write!(f, "{look}")?,
                IrKind::Concat(items) => {
                    for it in items.iter().rev() {
                        stack.push(Step::Node(it, Ctx::Concat));
                    }
                }
                IrKind::Alt(items) => {
                    for (i, it) in items.iter().enumerate().rev() {
                        stack.push(Step::Node(it, Ctx::Alt));
                        if i > 0 {
                            stack.push(Step::Text("|"));
                        }
                    }
                }
                IrKind::Repeat {
                    min,
                    max,
                    greed,
                    sub,
                } => {
                    stack.push(Step::Owned(quantifier(*min, *max, *greed)));
                    stack.push(Step::Node(sub, Ctx::Atom));
                }
                IrKind::Capture { name, sub, .. } => {
                    match name {
                        Some(n) => write!(f, "(?<{n}>")?,
                        None => f.write_char('(')?,
                    }
                    stack.push(Step::Text(")"));
                    stack.push(Step::Node(sub, Ctx::Alt));
                }
                IrKind::Atomic(sub) => {
                    f.write_str("(?>")?;
                    stack.push(Step::Text(")"));
                    stack.push(Step::Node(sub, Ctx::Alt));
                }
                IrKind::LookAround {
                    behind,
                    negated,
                    sub,
                } => {
                    f.write_str(match (behind, negated) {
                        (false, false) => "(?=",
                        (false, true) => "(?!",
                        (true, false) => "(?<=",
                        (true, true) => "(?<!",
                    })?;
                    stack.push(Step::Text(")"));
                    stack.push(Step::Node(sub, Ctx::Alt));
                }
                IrKind::Backref {
                    group, ignore_case, ..
                } => {
                    if *ignore_case {
                        write!(f, "(?i:\\{group})")?;
                    } else {
                        write!(f, "\\{group}")?;
                    }
                }
                IrKind::Conditional { cond, yes, no } => {
                    f.write_str("(?")?;
                    stack.push(Step::Text(")"));
                    if !matches!(no.kind, IrKind::Empty) {
                        stack.push(Step::Node(no, Ctx::Concat));
                        stack.push(Step::Text("|"));
                    }
                    stack.push(Step::Node(yes, Ctx::Concat));
                    match cond {
                        Cond::Group(n) => stack.push(Step::Owned(format!("({n})"))),
                        Cond::Define => stack.push(Step::Text("(DEFINE)")),
                        Cond::Recursion(s) => stack.push(Step::Owned(format!("({s})"))),
                        Cond::Look(a) => stack.push(Step::Node(a, Ctx::Alt)),
                    }
                }
                IrKind::Unsupported { what } => write!(f, "(*UNSUPPORTED:{what})")?,
            }
        }
        Ok(())
    }
}
