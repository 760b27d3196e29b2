//! From IR back to pattern text in a flavor: the IR is turned into an AST of
//! that flavor (flags spelled out as the flavor's own constructs) and printed
//! with [`crate::print`]. The repair feature writes its rewrites this way.

use super::{Cond, Ir, IrKind, Look};
use crate::ast::*;
use crate::{Flags, Flavor, Span};

/// Prints `ir` as a pattern of `flavor`, to be compiled with the returned
/// flags (JS: `u`, for `\u{…}` escapes; none otherwise). An error names a
/// construct the flavor cannot express.
pub fn print_ir(ir: &Ir, flavor: Flavor) -> Result<(String, String), String> {
    let ast = to_ast(ir, flavor)?;
    let flags = match flavor {
        Flavor::Js if js_multiline(ir) => "mu",
        Flavor::Js => "u",
        _ => "",
    };
    let f = Flags::parse(flavor, flags).map_err(|e| e.message)?;
    Ok((
        crate::print::print_with_flags(&ast, flavor, &f),
        flags.to_string(),
    ))
}

fn node(kind: AstKind) -> Ast {
    Ast {
        span: Span::default(),
        kind,
    }
}

fn lit(c: char) -> Literal {
    Literal {
        c: c as u32,
        kind: LiteralKind::Verbatim,
    }
}

fn group(kind: GroupKind, ast: Ast) -> Ast {
    node(AstKind::Group(Box::new(Group { kind, ast })))
}

fn class_of(set: &super::CharSet, negated: bool) -> Ast {
    let items = set
        .ranges()
        .map(|(a, b)| ClassItem {
            span: Span::default(),
            kind: if a == b {
                ClassItemKind::Literal(lit(a))
            } else {
                ClassItemKind::Range {
                    start: lit(a),
                    end: lit(b),
                }
            },
        })
        .collect();
    node(AstKind::Class(Box::new(Class {
        span: Span::default(),
        negated,
        set: ClassSet::Union { items },
    })))
}

/// A regex for the look-alike of `text` (parsed in `flavor`, no flags).
fn parsed(text: &str, flavor: Flavor) -> Result<Ast, String> {
    let flags = if flavor == Flavor::Js { "u" } else { "" };
    crate::parse(text, flavor, flags)
        .map(|p| p.ast)
        .map_err(|e| e.message)
}

fn look(l: &Look, flavor: Flavor) -> Result<Ast, String> {
    use Flavor::*;
    let text = match (l, flavor) {
        (Look::StartText, Js) => "^",
        (Look::StartText, _) => "\\A",
        (Look::EndText, Js | Rust | Go) => "$",
        (Look::EndText, Python) => "\\Z",
        (Look::EndText, _) => "\\z",
        (Look::EndTextOptionalNewline { .. }, Js) => "(?=\\n?$)",
        (Look::EndTextOptionalNewline { .. }, Ruby) => "\\Z",
        (Look::EndTextOptionalNewline { .. }, Rust | Go) => "(?:)",
        (Look::EndTextOptionalNewline { .. }, _) => "$",
        (Look::StartLine { .. }, Js) => "(?<=^|[\\n\\r\\u2028\\u2029])",
        (Look::StartLine { .. }, Ruby) => "^",
        (Look::StartLine { .. }, _) => "(?m:^)",
        (Look::EndLine { .. }, Js) => "(?=$|[\\n\\r\\u2028\\u2029])",
        (Look::EndLine { .. }, Ruby) => "$",
        (Look::EndLine { .. }, _) => "(?m:$)",
        (Look::WordBoundary { .. }, _) => "\\b",
        (Look::NotWordBoundary { .. }, _) => "\\B",
        (Look::WordStart { .. }, Js | Python | Java | Pcre | Ruby | Dotnet) => "\\b(?=\\w)",
        (Look::WordEnd { .. }, Js | Python | Java | Pcre | Ruby | Dotnet) => "\\b(?<=\\w)",
        (Look::WordStart { .. }, Rust) => "\\b{start}",
        (Look::WordEnd { .. }, Rust) => "\\b{end}",
        (Look::WordStartHalf { .. }, Rust) => "\\b{start-half}",
        (Look::WordEndHalf { .. }, Rust) => "\\b{end-half}",
        (Look::PrevMatchEnd, Java | Pcre | Ruby | Dotnet) => "\\G",
        (l, f) => return Err(format!("{l:?} cannot be written in {f}")),
    };
    let ast = parsed(text, flavor)?;
    // A lone lookaround or group stays a group; a sequence needs one.
    Ok(match ast.kind {
        AstKind::Concat(_) | AstKind::Alternation(_) => group(GroupKind::NonCapture, ast),
        _ => ast,
    })
}

/// JS has no inline flags: when a pattern uses line anchors and no text
/// anchors, it is printed with the `m` flag and plain `^`/`$`.
fn js_multiline(ir: &Ir) -> bool {
    let (mut line, mut text) = (false, false);
    let mut stack = vec![ir];
    while let Some(n) = stack.pop() {
        if let IrKind::Look(l) = &n.kind {
            match l {
                Look::StartLine { .. } | Look::EndLine { .. } => line = true,
                Look::StartText | Look::EndText | Look::EndTextOptionalNewline { .. } => {
                    text = true
                }
                _ => {}
            }
        }
        stack.extend(n.children());
    }
    line && !text
}

/// The AST of `flavor` that reads like `ir`.
pub fn to_ast(ir: &Ir, flavor: Flavor) -> Result<Ast, String> {
    let m = flavor == Flavor::Js && js_multiline(ir);
    to_ast_in(ir, flavor, m)
}

fn to_ast_in(ir: &Ir, flavor: Flavor, js_m: bool) -> Result<Ast, String> {
    use Flavor::*;
    let to_ast = |x: &Ir, f: Flavor| to_ast_in(x, f, js_m);
    let backtracking = !matches!(flavor, Rust | Go);
    Ok(match &ir.kind {
        IrKind::Empty => node(AstKind::Empty),
        IrKind::Class(set) => {
            if let Some(c) = set.single() {
                node(AstKind::Literal(lit(c)))
            } else if set.is_empty() {
                if flavor == Js {
                    node(AstKind::Class(Box::new(Class {
                        span: Span::default(),
                        negated: false,
                        set: ClassSet::Union { items: vec![] },
                    })))
                } else if backtracking {
                    group(GroupKind::Lookahead { negated: true }, node(AstKind::Empty))
                } else {
                    class_of(&super::CharSet::any(), true)
                }
            } else {
                class_of(set, false)
            }
        }
        IrKind::Look(Look::StartLine { .. }) if js_m => node(AstKind::Assertion {
            kind: AssertionKind::Caret,
        }),
        IrKind::Look(Look::EndLine { .. }) if js_m => node(AstKind::Assertion {
            kind: AssertionKind::Dollar,
        }),
        IrKind::Look(l) => look(l, flavor)?,
        IrKind::Concat(v) => node(AstKind::Concat(
            v.iter()
                .map(|x| to_ast(x, flavor))
                .collect::<Result<_, _>>()?,
        )),
        IrKind::Alt(v) => {
            let alts = node(AstKind::Alternation(
                v.iter()
                    .map(|x| to_ast(x, flavor))
                    .collect::<Result<_, _>>()?,
            ));
            group(GroupKind::NonCapture, alts)
        }
        IrKind::Repeat {
            min,
            max,
            greed,
            sub,
        } => {
            let op = match (*min, *max) {
                (0, None) => RepetitionOp::Star,
                (1, None) => RepetitionOp::Plus,
                (0, Some(1)) => RepetitionOp::Question,
                (n, None) => RepetitionOp::AtLeast { n },
                (n, Some(m)) if n == m => RepetitionOp::Exactly { n },
                (n, Some(m)) => RepetitionOp::Bounded { min: n, max: m },
            };
            // Onigmo reads `{n,m}+` as a nested repetition, not possessive.
            let simple_op = matches!(
                op,
                RepetitionOp::Star | RepetitionOp::Plus | RepetitionOp::Question
            );
            let possessive_ok =
                matches!(flavor, Java | Pcre | Python) || (flavor == Ruby && simple_op);
            let (g, atomic) = match greed {
                Greed::Possessive if possessive_ok => (Greed::Possessive, false),
                Greed::Possessive if backtracking && flavor != Js => (Greed::Greedy, true),
                Greed::Possessive => {
                    return Err(format!(
                        "possessive repetition cannot be written in {flavor}"
                    ))
                }
                g => (*g, false),
            };
            let rep = node(AstKind::Repetition(Box::new(Repetition {
                op_span: Span::default(),
                op,
                greed: g,
                ast: to_ast(sub, flavor)?,
            })));
            if atomic {
                group(GroupKind::Atomic, rep)
            } else {
                rep
            }
        }
        IrKind::Capture { index, name, sub } => {
            let spelling = if matches!(flavor, Python) {
                NameSpelling::PAngle
            } else {
                NameSpelling::Angle
            };
            let name = name.as_ref().map(|n| GroupName {
                name: n.clone(),
                spelling,
            });
            group(
                GroupKind::Capture {
                    index: *index,
                    name,
                },
                to_ast(sub, flavor)?,
            )
        }
        IrKind::Atomic(sub) => {
            if !backtracking || flavor == Js {
                return Err(format!("atomic groups cannot be written in {flavor}"));
            }
            group(GroupKind::Atomic, to_ast(sub, flavor)?)
        }
        IrKind::LookAround {
            behind,
            negated,
            sub,
        } => {
            if !backtracking {
                return Err(format!("lookaround cannot be written in {flavor}"));
            }
            let kind = if *behind {
                GroupKind::Lookbehind { negated: *negated }
            } else {
                GroupKind::Lookahead { negated: *negated }
            };
            group(kind, to_ast(sub, flavor)?)
        }
        IrKind::Backref {
            group: g,
            ignore_case,
            ..
        } => {
            if !backtracking {
                return Err(format!("backreferences cannot be written in {flavor}"));
            }
            let r = node(AstKind::Backref(Backref {
                target: BackrefTarget::Number(*g),
                spelling: BackrefSpelling::Digits,
            }));
            if *ignore_case {
                if flavor == Js {
                    return Err("a case-insensitive backreference cannot be written in js without the i flag".into());
                }
                let change = FlagChange {
                    on: "i".into(),
                    off: String::new(),
                    caret: false,
                };
                group(GroupKind::Flags(change), r)
            } else {
                r
            }
        }
        IrKind::Conditional { cond, yes, no } => {
            if !matches!(flavor, Python | Pcre | Ruby | Dotnet) {
                return Err(format!("conditionals cannot be written in {flavor}"));
            }
            let condition = match cond {
                Cond::Group(n) => Condition::Group(*n),
                Cond::Look(a) => Condition::Assertion(Box::new(to_ast(a, flavor)?)),
                Cond::Define => Condition::Recursion("DEFINE".into()),
                Cond::Recursion(r) => Condition::Recursion(r.clone()),
            };
            node(AstKind::Conditional(Box::new(Conditional {
                condition,
                yes: to_ast(yes, flavor)?,
                no: Some(to_ast(no, flavor)?),
            })))
        }
        IrKind::Unsupported { what } => return Err(format!("{what} has no IR to print")),
    })
}
