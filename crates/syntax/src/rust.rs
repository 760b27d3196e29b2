//! The Rust flavor: read by `regex-syntax` itself (the parser of the `regex`
//! crate), then converted into redoscope's AST.

use crate::ast::*;
use crate::error::{Error, ErrorKind};
use crate::{Config, Flags, Flavor, Pattern, Span};
use regex_syntax::ast as rs;

fn span(s: &rs::Span) -> Span {
    Span::new(s.start.offset, s.end.offset)
}

pub(crate) fn parse(pattern: &str, flags: Flags, config: &Config) -> Result<Pattern, Error> {
    let nest = config.get_nest_limit();
    let mut ast_parser = rs::parse::ParserBuilder::new()
        .nest_limit(nest)
        .ignore_whitespace(flags.extended)
        .build();
    let ast = ast_parser.parse(pattern).map_err(|e| {
        let kind = match e.kind() {
            rs::ErrorKind::NestLimitExceeded(_) => ErrorKind::NestLimitExceeded,
            rs::ErrorKind::GroupUnclosed => ErrorKind::UnclosedGroup,
            rs::ErrorKind::GroupUnopened => ErrorKind::UnopenedGroup,
            rs::ErrorKind::ClassUnclosed => ErrorKind::UnclosedClass,
            rs::ErrorKind::ClassRangeInvalid | rs::ErrorKind::ClassRangeLiteral => {
                ErrorKind::InvalidRange
            }
            rs::ErrorKind::EscapeUnrecognized
            | rs::ErrorKind::EscapeHexInvalid
            | rs::ErrorKind::EscapeHexEmpty
            | rs::ErrorKind::EscapeHexInvalidDigit
            | rs::ErrorKind::EscapeUnexpectedEof => ErrorKind::InvalidEscape,
            rs::ErrorKind::RepetitionMissing => ErrorKind::NothingToRepeat,
            rs::ErrorKind::RepetitionCountInvalid => ErrorKind::RepetitionOrder,
            rs::ErrorKind::GroupNameDuplicate { .. } => ErrorKind::DuplicateGroupName,
            rs::ErrorKind::GroupNameInvalid
            | rs::ErrorKind::GroupNameEmpty
            | rs::ErrorKind::GroupNameUnexpectedEof => ErrorKind::InvalidGroupName,
            rs::ErrorKind::UnsupportedBackreference => ErrorKind::Unsupported,
            rs::ErrorKind::UnsupportedLookAround => ErrorKind::Unsupported,
            rs::ErrorKind::FlagUnrecognized
            | rs::ErrorKind::FlagDuplicate { .. }
            | rs::ErrorKind::FlagRepeatedNegation { .. }
            | rs::ErrorKind::FlagDanglingNegation
            | rs::ErrorKind::FlagUnexpectedEof => ErrorKind::InvalidInlineFlag,
            _ => ErrorKind::Syntax,
        };
        Error::new(kind, pattern, span(e.span()), e.kind().to_string())
    })?;
    // The regex crate also rejects what cannot be translated (unknown
    // Unicode properties, invalid UTF-8 classes).
    let mut tr = regex_syntax::hir::translate::TranslatorBuilder::new()
        .case_insensitive(flags.ignore_case)
        .multi_line(flags.multi_line)
        .dot_matches_new_line(flags.dot_all)
        .swap_greed(flags.ungreedy)
        .unicode(flags.unicode)
        .utf8(true)
        .crlf(flags.crlf)
        .build();
    tr.translate(pattern, &ast).map_err(|e| {
        let kind = match e.kind() {
            regex_syntax::hir::ErrorKind::UnicodePropertyNotFound
            | regex_syntax::hir::ErrorKind::UnicodePropertyValueNotFound => {
                ErrorKind::UnknownProperty
            }
            _ => ErrorKind::Syntax,
        };
        Error::new(kind, pattern, span(e.span()), e.kind().to_string())
    })?;
    let mut cx = Cx {
        caps: 0,
        names: vec![],
    };
    let ast = cx.conv(&ast);
    Ok(Pattern {
        pattern: pattern.to_string(),
        flavor: Flavor::Rust,
        flags,
        ast,
        captures: cx.caps,
        names: cx.names,
    })
}

struct Cx {
    caps: u32,
    names: Vec<(String, u32)>,
}

fn lit(l: &rs::Literal) -> Literal {
    let kind = match &l.kind {
        rs::LiteralKind::Verbatim => LiteralKind::Verbatim,
        rs::LiteralKind::Meta | rs::LiteralKind::Superfluous => LiteralKind::Escaped,
        rs::LiteralKind::Octal => LiteralKind::Octal,
        rs::LiteralKind::HexFixed(rs::HexLiteralKind::X) => LiteralKind::Hex2,
        rs::LiteralKind::HexFixed(rs::HexLiteralKind::UnicodeShort) => LiteralKind::Unicode4,
        rs::LiteralKind::HexFixed(rs::HexLiteralKind::UnicodeLong) => LiteralKind::Unicode8,
        rs::LiteralKind::HexBrace(rs::HexLiteralKind::X) => LiteralKind::HexBrace,
        rs::LiteralKind::HexBrace(_) => LiteralKind::UnicodeBrace,
        rs::LiteralKind::Special(_) => LiteralKind::Special,
    };
    Literal {
        c: l.c as u32,
        kind,
    }
}

fn perl(p: &rs::ClassPerl) -> PerlClass {
    let kind = match p.kind {
        rs::ClassPerlKind::Digit => PerlKind::Digit,
        rs::ClassPerlKind::Space => PerlKind::Space,
        rs::ClassPerlKind::Word => PerlKind::Word,
    };
    PerlClass {
        kind,
        negated: p.negated,
    }
}

fn prop(u: &rs::ClassUnicode) -> Property {
    let (name, value, spelling) = match &u.kind {
        rs::ClassUnicodeKind::OneLetter(c) => (c.to_string(), None, PropertySpelling::Single),
        rs::ClassUnicodeKind::Named(n) => (n.clone(), None, PropertySpelling::Braced),
        rs::ClassUnicodeKind::NamedValue { name, value, .. } => {
            (name.clone(), Some(value.clone()), PropertySpelling::Braced)
        }
    };
    let negated = u.negated
        ^ matches!(
            &u.kind,
            rs::ClassUnicodeKind::NamedValue {
                op: rs::ClassUnicodeOpKind::NotEqual,
                ..
            }
        );
    Property {
        negated,
        name,
        value,
        spelling,
    }
}

fn flag_change(f: &rs::Flags) -> FlagChange {
    let mut ch = FlagChange::default();
    let mut neg = false;
    for it in &f.items {
        let c = match it.kind {
            rs::FlagsItemKind::Negation => {
                neg = true;
                continue;
            }
            rs::FlagsItemKind::Flag(rs::Flag::CaseInsensitive) => 'i',
            rs::FlagsItemKind::Flag(rs::Flag::MultiLine) => 'm',
            rs::FlagsItemKind::Flag(rs::Flag::DotMatchesNewLine) => 's',
            rs::FlagsItemKind::Flag(rs::Flag::SwapGreed) => 'U',
            rs::FlagsItemKind::Flag(rs::Flag::Unicode) => 'u',
            rs::FlagsItemKind::Flag(rs::Flag::CRLF) => 'R',
            rs::FlagsItemKind::Flag(rs::Flag::IgnoreWhitespace) => 'x',
        };
        if neg {
            ch.off.push(c);
        } else {
            ch.on.push(c);
        }
    }
    ch
}

impl Cx {
    fn conv(&mut self, a: &rs::Ast) -> Ast {
        let (sp, kind) = match a {
            rs::Ast::Empty(s) => (span(s), AstKind::Empty),
            rs::Ast::Flags(f) => (span(&f.span), AstKind::SetFlags(flag_change(&f.flags))),
            rs::Ast::Literal(l) => (span(&l.span), AstKind::Literal(lit(l))),
            rs::Ast::Dot(s) => (span(s), AstKind::Dot),
            rs::Ast::Assertion(x) => {
                use rs::AssertionKind as A;
                let kind = match x.kind {
                    A::StartLine => AssertionKind::Caret,
                    A::EndLine => AssertionKind::Dollar,
                    A::StartText => AssertionKind::StartText,
                    A::EndText => AssertionKind::EndText,
                    A::WordBoundary => AssertionKind::WordBoundary,
                    A::NotWordBoundary => AssertionKind::NotWordBoundary,
                    A::WordBoundaryStart | A::WordBoundaryStartAngle => AssertionKind::WordStart,
                    A::WordBoundaryEnd | A::WordBoundaryEndAngle => AssertionKind::WordEnd,
                    A::WordBoundaryStartHalf => AssertionKind::WordStartHalf,
                    A::WordBoundaryEndHalf => AssertionKind::WordEndHalf,
                };
                (span(&x.span), AstKind::Assertion { kind })
            }
            rs::Ast::ClassUnicode(u) => (span(&u.span), AstKind::Property(prop(u))),
            rs::Ast::ClassPerl(p) => (span(&p.span), AstKind::Perl(perl(p))),
            rs::Ast::ClassBracketed(b) => {
                let c = self.class(b);
                (c.span, AstKind::Class(Box::new(c)))
            }
            rs::Ast::Repetition(r) => {
                let op = match &r.op.kind {
                    rs::RepetitionKind::ZeroOrOne => RepetitionOp::Question,
                    rs::RepetitionKind::ZeroOrMore => RepetitionOp::Star,
                    rs::RepetitionKind::OneOrMore => RepetitionOp::Plus,
                    rs::RepetitionKind::Range(rs::RepetitionRange::Exactly(n)) => {
                        RepetitionOp::Exactly { n: *n }
                    }
                    rs::RepetitionKind::Range(rs::RepetitionRange::AtLeast(n)) => {
                        RepetitionOp::AtLeast { n: *n }
                    }
                    rs::RepetitionKind::Range(rs::RepetitionRange::Bounded(a, b)) => {
                        RepetitionOp::Bounded { min: *a, max: *b }
                    }
                };
                let greed = if r.greedy { Greed::Greedy } else { Greed::Lazy };
                let inner = self.conv(&r.ast);
                (
                    span(&r.span),
                    AstKind::Repetition(Box::new(Repetition {
                        op_span: span(&r.op.span),
                        op,
                        greed,
                        ast: inner,
                    })),
                )
            }
            rs::Ast::Group(g) => {
                let kind = match &g.kind {
                    rs::GroupKind::CaptureIndex(i) => {
                        self.caps = self.caps.max(*i);
                        GroupKind::Capture {
                            index: *i,
                            name: None,
                        }
                    }
                    rs::GroupKind::CaptureName {
                        starts_with_p,
                        name,
                    } => {
                        self.caps = self.caps.max(name.index);
                        self.names.push((name.name.clone(), name.index));
                        GroupKind::Capture {
                            index: name.index,
                            name: Some(GroupName {
                                name: name.name.clone(),
                                spelling: if *starts_with_p {
                                    NameSpelling::PAngle
                                } else {
                                    NameSpelling::Angle
                                },
                            }),
                        }
                    }
                    rs::GroupKind::NonCapturing(f) => {
                        if f.items.is_empty() {
                            GroupKind::NonCapture
                        } else {
                            GroupKind::Flags(flag_change(f))
                        }
                    }
                };
                let inner = self.conv(&g.ast);
                (
                    span(&g.span),
                    AstKind::Group(Box::new(Group { kind, ast: inner })),
                )
            }
            rs::Ast::Alternation(x) => (
                span(&x.span),
                AstKind::Alternation(x.asts.iter().map(|a| self.conv(a)).collect()),
            ),
            rs::Ast::Concat(x) => (
                span(&x.span),
                AstKind::Concat(x.asts.iter().map(|a| self.conv(a)).collect()),
            ),
        };
        Ast { span: sp, kind }
    }

    fn class(&mut self, b: &rs::ClassBracketed) -> Class {
        Class {
            span: span(&b.span),
            negated: b.negated,
            set: self.set(&b.kind),
        }
    }

    fn set(&mut self, s: &rs::ClassSet) -> ClassSet {
        match s {
            rs::ClassSet::Item(it) => {
                let mut items = vec![];
                self.items(it, &mut items);
                ClassSet::Union { items }
            }
            rs::ClassSet::BinaryOp(op) => {
                let o = match op.kind {
                    rs::ClassSetBinaryOpKind::Intersection => ClassOp::Intersection,
                    rs::ClassSetBinaryOpKind::Difference => ClassOp::Subtraction,
                    rs::ClassSetBinaryOpKind::SymmetricDifference => ClassOp::SymmetricDifference,
                };
                ClassSet::Op {
                    op: o,
                    lhs: Box::new(self.set(&op.lhs)),
                    rhs: Box::new(self.set(&op.rhs)),
                }
            }
        }
    }

    fn items(&mut self, it: &rs::ClassSetItem, out: &mut Vec<ClassItem>) {
        let (sp, kind) = match it {
            rs::ClassSetItem::Empty(_) => return,
            rs::ClassSetItem::Literal(l) => (span(&l.span), ClassItemKind::Literal(lit(l))),
            rs::ClassSetItem::Range(r) => (
                span(&r.span),
                ClassItemKind::Range {
                    start: lit(&r.start),
                    end: lit(&r.end),
                },
            ),
            rs::ClassSetItem::Ascii(a) => {
                let name = format!("{:?}", a.kind).to_ascii_lowercase();
                (
                    span(&a.span),
                    ClassItemKind::Posix {
                        name,
                        negated: a.negated,
                    },
                )
            }
            rs::ClassSetItem::Unicode(u) => (span(&u.span), ClassItemKind::Property(prop(u))),
            rs::ClassSetItem::Perl(p) => (span(&p.span), ClassItemKind::Perl(perl(p))),
            rs::ClassSetItem::Bracketed(b) => {
                let c = self.class(b);
                (c.span, ClassItemKind::Nested(Box::new(c)))
            }
            rs::ClassSetItem::Union(u) => {
                for i in &u.items {
                    self.items(i, out);
                }
                return;
            }
        };
        out.push(ClassItem { span: sp, kind });
    }
}
