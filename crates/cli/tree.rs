//! Indented tree view of an AST with spans, for `redoscope parse`.

use redoscope::syntax::ast::*;
use std::fmt::Write;

fn ch(c: u32) -> String {
    match char::from_u32(c) {
        Some(c) if !c.is_control() && c != '\'' && c != '\\' => format!("'{c}'"),
        _ => format!("U+{c:04X}"),
    }
}

fn lit(l: &Literal) -> String {
    let how = match l.kind {
        LiteralKind::Verbatim => String::new(),
        k => format!(
            " ({})",
            serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        ),
    };
    format!("{}{how}", ch(l.c))
}

fn perl(p: &PerlClass) -> String {
    let name = serde_json::to_value(p.kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    if p.negated {
        format!("not-{name}")
    } else {
        name
    }
}

fn prop(p: &Property) -> String {
    let v = p
        .value
        .as_ref()
        .map(|v| format!("={v}"))
        .unwrap_or_default();
    format!("{}{}{v}", if p.negated { "not " } else { "" }, p.name)
}

/// Renders `ast` as an indented tree, one node per line, each with its span
/// and the source text it covers.
pub fn render(ast: &Ast, pattern: &str) -> String {
    let mut out = String::new();
    node(&mut out, ast, pattern, 0);
    out
}

fn line(out: &mut String, span: (usize, usize), depth: usize, what: &str, pattern: &str) {
    let src = pattern.get(span.0..span.1).unwrap_or("");
    let src: String = if src.chars().count() > 40 {
        src.chars().take(39).chain(['…']).collect()
    } else {
        src.to_string()
    };
    let at = format!("{}..{}", span.0, span.1);
    let _ = writeln!(out, "{at:<10}{}{what}  {src:?}", "  ".repeat(depth));
}

fn node(out: &mut String, ast: &Ast, pattern: &str, depth: usize) {
    let sp = (ast.span.start, ast.span.end);
    match &ast.kind {
        AstKind::Empty => line(out, sp, depth, "empty", pattern),
        AstKind::Literal(l) => line(out, sp, depth, &format!("literal {}", lit(l)), pattern),
        AstKind::Dot => line(out, sp, depth, "dot", pattern),
        AstKind::Assertion { kind } => {
            let k = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            line(out, sp, depth, &format!("assertion {k}"), pattern)
        }
        AstKind::Perl(p) => line(out, sp, depth, &format!("class {}", perl(p)), pattern),
        AstKind::Property(p) => line(out, sp, depth, &format!("property {}", prop(p)), pattern),
        AstKind::Class(c) => class(out, c, pattern, depth),
        AstKind::Group(g) => {
            let what = match &g.kind {
                GroupKind::Capture {
                    index,
                    name: Some(n),
                } => format!("group capture #{index} <{}>", n.name),
                GroupKind::Capture { index, name: None } => format!("group capture #{index}"),
                GroupKind::NonCapture => "group non-capturing".to_string(),
                GroupKind::Flags(f) => format!("group flags +{} -{}", f.on, f.off),
                GroupKind::Atomic => "group atomic".to_string(),
                GroupKind::Lookahead { negated } => {
                    format!("lookahead{}", if *negated { " negative" } else { "" })
                }
                GroupKind::Lookbehind { negated } => {
                    format!("lookbehind{}", if *negated { " negative" } else { "" })
                }
                GroupKind::BranchReset => "group branch-reset".to_string(),
                GroupKind::Absent => "group absent".to_string(),
            };
            line(out, sp, depth, &what, pattern);
            node(out, &g.ast, pattern, depth + 1);
        }
        AstKind::Repetition(r) => {
            let max = r.max().map_or("inf".to_string(), |m| m.to_string());
            let greed = match r.greed {
                Greed::Greedy => "greedy",
                Greed::Lazy => "lazy",
                Greed::Possessive => "possessive",
            };
            line(
                out,
                sp,
                depth,
                &format!("repetition {{{},{max}}} {greed}", r.min()),
                pattern,
            );
            node(out, &r.ast, pattern, depth + 1);
        }
        AstKind::Alternation(alts) => {
            line(out, sp, depth, "alternation", pattern);
            for a in alts {
                node(out, a, pattern, depth + 1);
            }
        }
        AstKind::Concat(items) => {
            line(out, sp, depth, "concat", pattern);
            for a in items {
                node(out, a, pattern, depth + 1);
            }
        }
        AstKind::Backref(b) => {
            let t = match &b.target {
                BackrefTarget::Number(n) => format!("#{n}"),
                BackrefTarget::Relative(n) => format!("relative {n}"),
                BackrefTarget::Name(n) => format!("<{n}>"),
            };
            line(out, sp, depth, &format!("backreference {t}"), pattern)
        }
        AstKind::Conditional(c) => {
            let cond = match &c.condition {
                Condition::Group(n) => format!("group #{n}"),
                Condition::Name(n) => format!("group <{n}>"),
                Condition::Assertion(_) => "assertion".to_string(),
                Condition::Recursion(r) => r.clone(),
            };
            line(out, sp, depth, &format!("conditional on {cond}"), pattern);
            if let Condition::Assertion(a) = &c.condition {
                node(out, a, pattern, depth + 1);
            }
            node(out, &c.yes, pattern, depth + 1);
            if let Some(n) = &c.no {
                node(out, n, pattern, depth + 1);
            }
        }
        AstKind::SetFlags(f) => line(
            out,
            sp,
            depth,
            &format!("flags +{} -{}", f.on, f.off),
            pattern,
        ),
        AstKind::Special(s) => line(out, sp, depth, &format!("special {s:?}"), pattern),
    }
}

fn class(out: &mut String, c: &Class, pattern: &str, depth: usize) {
    let what = if c.negated { "class negated" } else { "class" };
    line(out, (c.span.start, c.span.end), depth, what, pattern);
    set(out, &c.set, pattern, depth + 1);
}

fn set(out: &mut String, s: &ClassSet, pattern: &str, depth: usize) {
    match s {
        ClassSet::Union { items } => {
            for it in items {
                let sp = (it.span.start, it.span.end);
                match &it.kind {
                    ClassItemKind::Literal(l) => {
                        line(out, sp, depth, &format!("literal {}", lit(l)), pattern)
                    }
                    ClassItemKind::Range { start, end } => line(
                        out,
                        sp,
                        depth,
                        &format!("range {}-{}", ch(start.c), ch(end.c)),
                        pattern,
                    ),
                    ClassItemKind::Perl(p) => {
                        line(out, sp, depth, &format!("class {}", perl(p)), pattern)
                    }
                    ClassItemKind::Property(p) => {
                        line(out, sp, depth, &format!("property {}", prop(p)), pattern)
                    }
                    ClassItemKind::Posix { name, negated } => line(
                        out,
                        sp,
                        depth,
                        &format!("posix {}{name}", if *negated { "not " } else { "" }),
                        pattern,
                    ),
                    ClassItemKind::Nested(c) => class(out, c, pattern, depth),
                    ClassItemKind::Strings(alts) => {
                        let s: Vec<String> = alts
                            .iter()
                            .map(|a| a.iter().filter_map(|l| char::from_u32(l.c)).collect())
                            .collect();
                        line(out, sp, depth, &format!("strings {s:?}"), pattern)
                    }
                }
            }
        }
        ClassSet::Op { op, lhs, rhs } => {
            let name = serde_json::to_value(op)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let _ = writeln!(out, "{:<10}{}{name}", "", "  ".repeat(depth));
            set(out, lhs, pattern, depth + 1);
            set(out, rhs, pattern, depth + 1);
        }
    }
}
