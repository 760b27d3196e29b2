//! Rewriting every span of a tree (used when a flavor is parsed from a
//! preprocessed text).

use crate::ast::*;
use crate::span::Span;

fn fix(s: &mut Span, f: &dyn Fn(usize) -> usize) {
    let start = f(s.start);
    // An end offset maps to just after the last byte it covers.
    let end = if s.end > s.start {
        f(s.end - 1) + 1
    } else {
        start
    };
    *s = Span::new(start, end.max(start));
}

fn class(c: &mut Class, f: &dyn Fn(usize) -> usize) {
    fix(&mut c.span, f);
    let mut sets: Vec<&mut ClassSet> = vec![&mut c.set];
    while let Some(set) = sets.pop() {
        match set {
            ClassSet::Union { items } => {
                for it in items {
                    fix(&mut it.span, f);
                    if let ClassItemKind::Nested(n) = &mut it.kind {
                        class(n, f);
                    }
                }
            }
            ClassSet::Op { lhs, rhs, .. } => {
                sets.push(lhs);
                sets.push(rhs);
            }
        }
    }
}

/// Maps every span in `ast` through `f` (a map of byte offsets).
pub(crate) fn remap_spans(ast: &mut Ast, f: &dyn Fn(usize) -> usize) {
    let mut stack: Vec<&mut Ast> = vec![ast];
    while let Some(a) = stack.pop() {
        fix(&mut a.span, f);
        match &mut a.kind {
            AstKind::Class(c) => class(c, f),
            AstKind::Group(g) => stack.push(&mut g.ast),
            AstKind::Repetition(r) => {
                fix(&mut r.op_span, f);
                stack.push(&mut r.ast);
            }
            AstKind::Alternation(v) | AstKind::Concat(v) => stack.extend(v.iter_mut()),
            AstKind::Conditional(c) => {
                let c = &mut **c;
                if let Condition::Assertion(a) = &mut c.condition {
                    stack.push(a);
                }
                stack.push(&mut c.yes);
                if let Some(n) = &mut c.no {
                    stack.push(n);
                }
            }
            _ => {}
        }
    }
}
