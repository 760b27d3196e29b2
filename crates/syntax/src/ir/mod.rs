//! The analysis IR: a small, flavor-independent regex core.
//!
//! Lowering ([`lower()`]) compiles the flavor's spelling and flags away:
//! literals, `.`, shorthands, properties and bracketed classes become
//! [`CharSet`]s (case-folded under `i`), `^`/`$`/`\b` become [`Look`]s with
//! the flavor's exact line and word rules, named and relative
//! backreferences become group numbers, and what the analysis cannot model
//! becomes [`IrKind::Unsupported`]. Every approximation is reported as a
//! [`Note`].
//!
//! Nodes are built with smart constructors ([`Ir::concat`], [`Ir::alt`], …)
//! that keep the tree canonical (no nested or single-item `Concat`/`Alt`,
//! no `Empty` inside a `Concat`) and compute [`Properties`] once per node.
//!
//! Tree depth is bounded by the parser's nest limit; lowering, printing and
//! dropping are iterative. The derived `Clone`, `PartialEq`, `Debug` and
//! `Serialize` recurse, which is fine within that limit.
//!
//! ```
//! use redoscope_syntax::ir::{IrKind, Look, Terminators};
//! use redoscope_syntax::{lower, parse, Flavor};
//!
//! let l = lower(&parse(r"(?i)(a|bc)*k$", Flavor::Python, "")?)?;
//! assert_eq!(l.ir.to_string(), r"([Aa]|[Bb][Cc])*[Kk\u{212A}]\Z");
//! assert_eq!((l.ir.props.nullable, l.ir.props.min_len, l.ir.props.max_len), (false, 1, None));
//! let IrKind::Concat(items) = &l.ir.kind else { unreachable!() };
//! let dollar = Look::EndTextOptionalNewline { terminators: Terminators::Lf };
//! assert_eq!(items[2].kind, IrKind::Look(dollar));
//! # Ok::<(), redoscope_syntax::Error>(())
//! ```

mod blocks;
mod class;
mod look;
mod lower;
mod print;
#[cfg(test)]
mod tests;
mod unlower;

pub use class::{CharSet, Folding};
pub use look::{LineStartAtEnd, Look, Terminators, WordChars, WordSets};
pub use lower::lower;
pub use unlower::{print_ir, to_ast};

use crate::ast::Greed;
use crate::flavor::Flavor;
use crate::span::Span;
use serde::Serialize;

/// A node of the IR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ir {
    /// What the node is.
    pub kind: IrKind,
    /// The span of the AST node it came from.
    pub span: Span,
    /// Facts about the node and everything below it, computed by the
    /// constructors.
    pub props: Properties,
}

/// The kinds of IR node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum IrKind {
    /// Matches the empty string.
    Empty,
    /// One character from the set (an empty set never matches).
    Class(CharSet),
    /// A zero-width assertion.
    Look(Look),
    /// Two or more nodes in sequence, none of them `Concat` or `Empty`.
    Concat(Vec<Ir>),
    /// Two or more alternatives, none of them `Alt`, tried in order.
    Alt(Vec<Ir>),
    /// A quantified node.
    Repeat {
        /// The least number of iterations.
        min: u32,
        /// The most iterations, `None` for unbounded.
        max: Option<u32>,
        /// Greedy, lazy or possessive, after the ungreedy flag.
        greed: Greed,
        /// What is repeated.
        sub: Box<Ir>,
    },
    /// A capture group.
    Capture {
        /// The group number (from 1).
        index: u32,
        /// The group name, for named groups.
        name: Option<String>,
        /// The contents.
        sub: Box<Ir>,
    },
    /// An atomic group `(?>…)`: once it matches, it is never re-entered for
    /// another way to match.
    Atomic(Box<Ir>),
    /// A lookahead or lookbehind.
    LookAround {
        /// A lookbehind.
        behind: bool,
        /// A negative assertion.
        negated: bool,
        /// The asserted expression.
        sub: Box<Ir>,
    },
    /// A backreference to an absolute group number.
    Backref {
        /// The group number.
        group: u32,
        /// Compared case-insensitively.
        ignore_case: bool,
        /// The case equivalence used when `ignore_case`.
        folding: Folding,
    },
    /// A conditional group `(?(cond)yes|no)`.
    Conditional {
        /// The condition.
        cond: Cond,
        /// Taken when the condition holds.
        yes: Box<Ir>,
        /// Taken otherwise (`Empty` when absent in the pattern).
        no: Box<Ir>,
    },
    /// A construct the analysis cannot model: recursion, `\K`, backtracking
    /// verbs, callouts, `\X`, `\C`, Ruby's absence operator, JS properties
    /// of strings. The analyzer answers "unknown" for patterns containing
    /// one.
    Unsupported {
        /// What it is, for messages.
        what: String,
    },
}

/// The condition of an [`IrKind::Conditional`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cond {
    /// Whether group n has matched (names are resolved).
    Group(u32),
    /// A lookaround assertion (an [`IrKind::LookAround`] node).
    Look(Box<Ir>),
    /// PCRE `(?(DEFINE)…)`: never true; `yes` only defines groups.
    Define,
    /// PCRE recursion checks `(?(R)…)`, `(?(R1)…)`, `(?(R&name)…)`, as written.
    /// Unsupported.
    Recursion(String),
}

/// Facts about a node, including everything below it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Properties {
    /// Whether it can match the empty string (backreferences, unsupported
    /// nodes and lookarounds count as nullable).
    pub nullable: bool,
    /// A lower bound on the length in characters of a match (saturating;
    /// exact except for backreferences, which count 0).
    pub min_len: u32,
    /// An upper bound on the length of a match, `None` when unbounded (or
    /// larger than `u32::MAX`, or unknown as for backreferences).
    pub max_len: Option<u32>,
    /// Contains a backreference or a group-condition conditional.
    pub has_backref: bool,
    /// Contains a lookahead or lookbehind (including conditional assertions).
    pub has_lookaround: bool,
    /// Contains a repetition without an upper bound.
    pub has_unbounded_repeat: bool,
    /// Contains an atomic group or a possessive quantifier.
    pub has_atomic: bool,
    /// Contains an [`IrKind::Unsupported`] node.
    pub has_unsupported: bool,
    /// Contains a capture group.
    pub has_capture: bool,
}

impl Properties {
    fn leaf(min: u32, max: Option<u32>) -> Properties {
        Properties {
            nullable: min == 0,
            min_len: min,
            max_len: max,
            ..Properties::default()
        }
    }

    /// The flags (`has_*`) of both.
    fn or_flags(mut self, o: &Properties) -> Properties {
        self.has_backref |= o.has_backref;
        self.has_lookaround |= o.has_lookaround;
        self.has_unbounded_repeat |= o.has_unbounded_repeat;
        self.has_atomic |= o.has_atomic;
        self.has_unsupported |= o.has_unsupported;
        self.has_capture |= o.has_capture;
        self
    }
}

fn add_max(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    a?.checked_add(b?)
}

impl Ir {
    fn new(kind: IrKind, span: Span, props: Properties) -> Ir {
        Ir { kind, span, props }
    }

    /// The empty string.
    pub fn empty(span: Span) -> Ir {
        Ir::new(IrKind::Empty, span, Properties::leaf(0, Some(0)))
    }

    /// One character of `set`.
    pub fn class(set: CharSet, span: Span) -> Ir {
        Ir::new(IrKind::Class(set), span, Properties::leaf(1, Some(1)))
    }

    /// The character `c`.
    pub fn char(c: char, span: Span) -> Ir {
        Ir::class(CharSet::char(c), span)
    }

    /// A node that never matches (an empty class).
    pub fn fail(span: Span) -> Ir {
        Ir::class(CharSet::empty(), span)
    }

    /// A zero-width assertion.
    pub fn look(look: Look, span: Span) -> Ir {
        Ir::new(IrKind::Look(look), span, Properties::leaf(0, Some(0)))
    }

    /// The items in sequence: nested `Concat`s are spliced in, `Empty`s are
    /// dropped; no items gives `Empty`, one item gives the item itself.
    pub fn concat(items: Vec<Ir>, span: Span) -> Ir {
        let mut flat = Vec::with_capacity(items.len());
        for mut item in items {
            match &mut item.kind {
                IrKind::Empty => {}
                IrKind::Concat(subs) => flat.append(subs),
                _ => flat.push(item),
            }
        }
        match flat.len() {
            0 => Ir::empty(span),
            1 => flat.pop().expect("one item"),
            _ => {
                let mut p = Properties::leaf(0, Some(0));
                p.nullable = true;
                for it in &flat {
                    p = p.or_flags(&it.props);
                    p.nullable &= it.props.nullable;
                    p.min_len = p.min_len.saturating_add(it.props.min_len);
                    p.max_len = add_max(p.max_len, it.props.max_len);
                }
                Ir::new(IrKind::Concat(flat), span, p)
            }
        }
    }

    /// Ordered alternatives: nested `Alt`s are spliced in (which keeps the
    /// order of preference); no alternatives gives a node that never
    /// matches, one gives the alternative itself.
    pub fn alt(items: Vec<Ir>, span: Span) -> Ir {
        let mut flat = Vec::with_capacity(items.len());
        for mut item in items {
            match &mut item.kind {
                IrKind::Alt(subs) => flat.append(subs),
                _ => flat.push(item),
            }
        }
        match flat.len() {
            0 => Ir::fail(span),
            1 => flat.pop().expect("one item"),
            _ => {
                let mut p = Properties {
                    min_len: u32::MAX,
                    max_len: Some(0),
                    ..Properties::default()
                };
                for it in &flat {
                    p = p.or_flags(&it.props);
                    p.nullable |= it.props.nullable;
                    p.min_len = p.min_len.min(it.props.min_len);
                    p.max_len = match (p.max_len, it.props.max_len) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    };
                }
                Ir::new(IrKind::Alt(flat), span, p)
            }
        }
    }

    /// `sub{min,max}` with the given greed.
    pub fn repeat(sub: Ir, min: u32, max: Option<u32>, greed: Greed, span: Span) -> Ir {
        let s = sub.props;
        let mut p = Properties::default().or_flags(&s);
        p.nullable = min == 0 || s.nullable;
        p.min_len = s.min_len.saturating_mul(min);
        p.max_len = match (max, s.max_len) {
            (Some(0), _) | (_, Some(0)) => Some(0),
            (Some(m), Some(l)) => m.checked_mul(l),
            _ => None,
        };
        p.has_unbounded_repeat |= max.is_none();
        p.has_atomic |= greed == Greed::Possessive;
        Ir::new(
            IrKind::Repeat {
                min,
                max,
                greed,
                sub: Box::new(sub),
            },
            span,
            p,
        )
    }

    /// Capture group `index` around `sub`.
    pub fn capture(index: u32, name: Option<String>, sub: Ir, span: Span) -> Ir {
        let mut p = sub.props;
        p.has_capture = true;
        Ir::new(
            IrKind::Capture {
                index,
                name,
                sub: Box::new(sub),
            },
            span,
            p,
        )
    }

    /// An atomic group.
    pub fn atomic(sub: Ir, span: Span) -> Ir {
        let mut p = sub.props;
        p.has_atomic = true;
        Ir::new(IrKind::Atomic(Box::new(sub)), span, p)
    }

    /// A lookahead or lookbehind.
    pub fn look_around(behind: bool, negated: bool, sub: Ir, span: Span) -> Ir {
        let mut p = Properties::leaf(0, Some(0)).or_flags(&sub.props);
        p.has_lookaround = true;
        Ir::new(
            IrKind::LookAround {
                behind,
                negated,
                sub: Box::new(sub),
            },
            span,
            p,
        )
    }

    /// A backreference to group `group`.
    pub fn backref(group: u32, ignore_case: bool, folding: Folding, span: Span) -> Ir {
        let mut p = Properties::leaf(0, None);
        p.has_backref = true;
        Ir::new(
            IrKind::Backref {
                group,
                ignore_case,
                folding,
            },
            span,
            p,
        )
    }

    /// A conditional group.
    pub fn conditional(cond: Cond, yes: Ir, no: Ir, span: Span) -> Ir {
        let mut p = Properties::default()
            .or_flags(&yes.props)
            .or_flags(&no.props);
        let (y, n) = (&yes.props, &no.props);
        p.nullable = y.nullable || n.nullable;
        p.min_len = y.min_len.min(n.min_len);
        p.max_len = match (y.max_len, n.max_len) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        match &cond {
            Cond::Group(_) => p.has_backref = true,
            Cond::Look(a) => p = p.or_flags(&a.props),
            Cond::Define => {}
            Cond::Recursion(_) => p.has_unsupported = true,
        }
        Ir::new(
            IrKind::Conditional {
                cond,
                yes: Box::new(yes),
                no: Box::new(no),
            },
            span,
            p,
        )
    }

    /// A construct the analysis does not model.
    pub fn unsupported(what: impl Into<String>, span: Span) -> Ir {
        let mut p = Properties::leaf(0, None);
        p.has_unsupported = true;
        Ir::new(IrKind::Unsupported { what: what.into() }, span, p)
    }

    /// Takes the kind out of the node (`Ir` implements `Drop`, so its
    /// fields cannot be moved out by a pattern).
    pub fn into_kind(mut self) -> IrKind {
        std::mem::replace(&mut self.kind, IrKind::Empty)
    }

    /// The direct children, in order (for a conditional: the assertion, if
    /// any, then `yes`, then `no`).
    pub fn children(&self) -> Vec<&Ir> {
        match &self.kind {
            IrKind::Empty
            | IrKind::Class(_)
            | IrKind::Look(_)
            | IrKind::Backref { .. }
            | IrKind::Unsupported { .. } => vec![],
            IrKind::Concat(v) | IrKind::Alt(v) => v.iter().collect(),
            IrKind::Repeat { sub, .. }
            | IrKind::Capture { sub, .. }
            | IrKind::Atomic(sub)
            | IrKind::LookAround { sub, .. } => vec![sub],
            IrKind::Conditional { cond, yes, no } => {
                let mut v = Vec::with_capacity(3);
                if let Cond::Look(a) = cond {
                    v.push(&**a);
                }
                v.push(yes);
                v.push(no);
                v
            }
        }
    }

    fn is_leaf(&self) -> bool {
        matches!(
            self.kind,
            IrKind::Empty
                | IrKind::Class(_)
                | IrKind::Look(_)
                | IrKind::Backref { .. }
                | IrKind::Unsupported { .. }
        )
    }

    /// Moves the children that have children of their own into `out`,
    /// leaving leaves behind.
    fn take_deep_children(&mut self, out: &mut Vec<Ir>) {
        let take = |b: &mut Box<Ir>, out: &mut Vec<Ir>| {
            if !b.is_leaf() {
                out.push(std::mem::replace(&mut **b, Ir::empty(Span::default())));
            }
        };
        match &mut self.kind {
            IrKind::Concat(v) | IrKind::Alt(v) if v.iter().any(|c| !c.is_leaf()) => {
                out.append(v);
            }
            IrKind::Repeat { sub, .. }
            | IrKind::Capture { sub, .. }
            | IrKind::Atomic(sub)
            | IrKind::LookAround { sub, .. } => take(sub, out),
            IrKind::Conditional { cond, yes, no } => {
                if let Cond::Look(a) = cond {
                    take(a, out);
                }
                take(yes, out);
                take(no, out);
            }
            _ => {}
        }
    }
}

impl Drop for Ir {
    /// Drops deep trees without deep recursion.
    fn drop(&mut self) {
        let mut stack = Vec::new();
        self.take_deep_children(&mut stack);
        while let Some(mut node) = stack.pop() {
            node.take_deep_children(&mut stack);
        }
    }
}

/// An approximation made while lowering, with the span it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Note {
    /// The bytes of the pattern concerned.
    pub span: Span,
    /// What was approximated, and how.
    pub message: String,
}

/// The result of lowering a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lowered {
    /// The IR.
    pub ir: Ir,
    /// Every approximation made, in pattern order (roughly).
    pub notes: Vec<Note>,
    /// The number of capture groups (the highest group number).
    pub captures: u32,
    /// The flavor, whose engine semantics a matcher follows where the IR
    /// leaves them implicit (a JS backreference to a group that has not
    /// matched matches the empty string; elsewhere it fails).
    pub flavor: Flavor,
}
