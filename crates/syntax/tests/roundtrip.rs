//! Property tests: printing a generated tree and parsing it back gives the
//! same tree (modulo spans), for every flavor; and the parser never panics.
//!
//! The generators build trees the parser could have produced for the flavor
//! (its image): kinds and spellings the flavor has, capture groups numbered in
//! order of `(`, backreferences to groups that are already closed. A final
//! `fixup` pass enforces the few context rules that depend on neighbours
//! (a verbatim `{` before digits, a verbatim `-` inside a class, …).
//!
//! Case counts can be raised with `PROPTEST_CASES`.

use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, TestRunner};
use redoscope_syntax::ast::*;
use redoscope_syntax::print::{print_pattern, print_with_flags, strip_spans};
use redoscope_syntax::{parse, Flags, Flavor, Span};

type S<T> = BoxedStrategy<T>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Plain,
    U,
    V,
}

#[derive(Clone, Copy, Debug)]
struct Cfg {
    flavor: Flavor,
    mode: Mode,
    flags: &'static str,
}

impl Cfg {
    fn is(&self, f: Flavor) -> bool {
        self.flavor == f
    }
    fn any(&self, fs: &[Flavor]) -> bool {
        fs.contains(&self.flavor)
    }
    fn js_u(&self) -> bool {
        self.flavor == Flavor::Js && self.mode != Mode::Plain
    }
    fn v(&self) -> bool {
        self.flavor == Flavor::Js && self.mode == Mode::V
    }
}

use Flavor::*;

fn mk(kind: AstKind) -> Ast {
    Ast {
        span: Span::default(),
        kind,
    }
}

fn item(kind: ClassItemKind) -> ClassItem {
    ClassItem {
        span: Span::default(),
        kind,
    }
}

// ----- characters and literals -----------------------------------------------

/// Any scalar value, biased towards interesting ones.
fn any_char() -> S<u32> {
    prop_oneof![
        3 => 0u32..0x80,
        1 => 0x80u32..0x800,
        1 => prop_oneof![0x800u32..0xD800, 0xE000u32..0x10000],
        1 => 0x10000u32..0x110000,
    ]
    .boxed()
}

fn chars_of(s: &'static str) -> S<u32> {
    let v: Vec<u32> = s.chars().map(|c| c as u32).collect();
    proptest::sample::select(v).boxed()
}

fn lit(c: u32, kind: LiteralKind) -> Literal {
    Literal { c, kind }
}

/// Characters the flavor reads as themselves outside classes.
fn verbatim_pool_top(cfg: Cfg) -> &'static str {
    if cfg.js_u() {
        "abcxyzABCXYZ0123456789,:;=!<>@%&~'\"/_-#é中😀"
    } else {
        "abcxyzABCXYZ0123456789,:;=!<>@%&~'\"/_-#}]é中😀"
    }
}

/// Characters the flavor reads as themselves inside classes (positional
/// cases such as `-`, `^` and doubled punctuators are fixed up later).
fn verbatim_pool_class(cfg: Cfg) -> &'static str {
    if cfg.is(Js) && !cfg.js_u() {
        // Without `u`, a class holds UTF-16 units: an astral character
        // written as itself is two (surrogate) members.
        "abcxyzABC0123456789,:;=!<>@%&~'\"_-$.*+?(){}|/^é中"
    } else if cfg.v() {
        "abcxyzABC0123456789,:;=!<>@%&~'\"_-$.*+?^é中😀"
    } else {
        "abcxyzABC0123456789,:;=!<>@%&~'\"_-$.*+?(){}|/^é中😀"
    }
}

/// Characters with a valid identity escape.
fn escaped_pool(cfg: Cfg, in_class: bool) -> &'static str {
    match cfg.flavor {
        Js => match (cfg.mode, in_class) {
            (Mode::Plain, _) => "^$\\.*+?()[]{}|/-,:=!<>@%&~#'\"_ ",
            (Mode::U, false) | (Mode::V, false) => "^$\\.*+?()[]{}|/",
            (Mode::U, true) => "^$\\.*+?()[]{}|/-",
            (Mode::V, true) => "^$\\.*+?()[]{}|/&-!#%,:;<=>@`~",
        },
        Python | Pcre | Java | Ruby => "^$\\.*+?()[]{}|/-,:=!<>@%&~#'\"_ ",
        Dotnet => "^$\\.*+?()[]{}|/-,:=!<>@%&~#'\" ",
        Rust => "^$\\.*+?()[]{}|/-,:=!@%&~#'\"_ ",
        Go => "^$\\.*+?()[]{}|/-,:=!<>@%&~#'\"_",
    }
}

fn special_pool(cfg: Cfg, in_class: bool) -> Vec<u32> {
    let mut v = vec![0x0A, 0x0D, 0x09, 0x0C];
    if !cfg.any(&[Java, Pcre]) {
        v.push(0x0B);
    }
    if !cfg.is(Js) {
        v.push(0x07);
    }
    if cfg.any(&[Java, Pcre, Ruby, Dotnet]) {
        v.push(0x1B);
    }
    if in_class && cfg.any(&[Js, Python, Pcre, Ruby, Dotnet]) {
        v.push(0x08);
    }
    v
}

fn literal_strategy(cfg: Cfg, in_class: bool) -> S<Literal> {
    let f = cfg.flavor;
    let mut s: Vec<(u32, S<Literal>)> = Vec::new();
    let pool = if in_class {
        verbatim_pool_class(cfg)
    } else {
        verbatim_pool_top(cfg)
    };
    s.push((
        8,
        chars_of(pool)
            .prop_map(|c| lit(c, LiteralKind::Verbatim))
            .boxed(),
    ));
    s.push((
        3,
        chars_of(escaped_pool(cfg, in_class))
            .prop_map(|c| lit(c, LiteralKind::Escaped))
            .boxed(),
    ));
    let hex2_max = if f == Ruby { 0x80 } else { 0x100 };
    s.push((
        2,
        (0u32..hex2_max)
            .prop_map(|c| lit(c, LiteralKind::Hex2))
            .boxed(),
    ));
    let narrow = cfg.is(Pcre) && !cfg.flags.contains('u');
    let wide = move || {
        if narrow {
            (0u32..0x100).boxed()
        } else {
            any_char()
        }
    };
    if cfg.any(&[Pcre, Java, Ruby, Rust, Go]) {
        s.push((
            1,
            wide().prop_map(|c| lit(c, LiteralKind::HexBrace)).boxed(),
        ));
    }
    if cfg.any(&[Js, Python, Java, Ruby, Dotnet, Rust]) {
        let surrogates = (cfg.is(Js) && !cfg.js_u()) || cfg.is(Python);
        let st = if surrogates {
            prop_oneof![0u32..0x10000].boxed()
        } else {
            prop_oneof![0u32..0xD800, 0xE000u32..0x10000].boxed()
        };
        s.push((2, st.prop_map(|c| lit(c, LiteralKind::Unicode4)).boxed()));
    }
    if cfg.js_u() || cfg.any(&[Rust, Ruby]) {
        s.push((
            1,
            any_char()
                .prop_map(|c| lit(c, LiteralKind::UnicodeBrace))
                .boxed(),
        ));
    }
    if cfg.any(&[Python, Rust]) {
        s.push((
            1,
            any_char()
                .prop_map(|c| lit(c, LiteralKind::Unicode8))
                .boxed(),
        ));
    }
    if cfg.js_u() {
        s.push((
            1,
            (0x10000u32..0x110000)
                .prop_map(|c| lit(c, LiteralKind::SurrogatePair))
                .boxed(),
        ));
    }
    if cfg.js_u() {
        s.push((1, Just(lit(0, LiteralKind::Octal)).boxed()));
    } else if f != Rust {
        let max = if f == Ruby { 0x80 } else { 0o400 };
        s.push((
            2,
            (0u32..max).prop_map(|c| lit(c, LiteralKind::Octal)).boxed(),
        ));
    }
    if f == Pcre {
        s.push((
            1,
            wide().prop_map(|c| lit(c, LiteralKind::OctalBrace)).boxed(),
        ));
        if cfg.flags.contains('u') {
            s.push((
                1,
                any_char().prop_map(|c| lit(c, LiteralKind::Named)).boxed(),
            ));
        }
    }
    if cfg.any(&[Python, Java]) {
        s.push((1, Just(lit(0xFFFD, LiteralKind::Named)).boxed()));
    }
    if cfg.any(&[Js, Java, Pcre, Ruby, Dotnet]) {
        s.push((
            1,
            (1u32..27)
                .prop_map(|c| lit(c, LiteralKind::Control))
                .boxed(),
        ));
    }
    s.push((
        2,
        proptest::sample::select(special_pool(cfg, in_class))
            .prop_map(|c| lit(c, LiteralKind::Special))
            .boxed(),
    ));
    if cfg.any(&[Pcre, Java, Go]) {
        s.push((
            2,
            chars_of("ab.()[]}|\\^$E -é")
                .prop_map(|c| lit(c, LiteralKind::Quoted))
                .boxed(),
        ));
    }
    proptest::strategy::Union::new_weighted(s).boxed()
}

// ----- small leaves --------------------------------------------------------------

fn perl_strategy(cfg: Cfg, in_class: bool) -> S<PerlClass> {
    let mut kinds = vec![PerlKind::Digit, PerlKind::Word, PerlKind::Space];
    if cfg.any(&[Java, Pcre]) {
        kinds.push(PerlKind::HorizontalSpace);
        kinds.push(PerlKind::VerticalSpace);
    }
    if cfg.is(Ruby) {
        kinds.push(PerlKind::HexDigit);
    }
    let nn = cfg.is(Pcre) && !in_class;
    (proptest::sample::select(kinds), any::<bool>(), 0..8u8)
        .prop_map(move |(kind, negated, r)| {
            if nn && r == 0 {
                PerlClass {
                    kind: PerlKind::NotNewline,
                    negated: false,
                }
            } else {
                PerlClass { kind, negated }
            }
        })
        .boxed()
}

fn prop_list(cfg: Cfg) -> Vec<(&'static str, Option<&'static str>, PropertySpelling)> {
    use PropertySpelling::*;
    match cfg.flavor {
        Js if cfg.js_u() => vec![
            ("L", None, Braced),
            ("Lu", None, Braced),
            ("Alphabetic", None, Braced),
            ("Script", Some("Greek"), Braced),
            ("General_Category", Some("Letter"), Braced),
        ],
        Java => vec![
            ("L", None, Braced),
            ("L", None, Single),
            ("Lu", None, Braced),
            ("IsLatin", None, Braced),
            ("InGreek", None, Braced),
            ("Alpha", None, Braced),
        ],
        Pcre => vec![
            ("L", None, Braced),
            ("L", None, Single),
            ("Lu", None, BracedCaret),
            ("Greek", None, Braced),
            ("Xan", None, Braced),
        ],
        Ruby => vec![
            ("Alpha", None, Braced),
            ("Greek", None, Braced),
            ("L", None, BracedCaret),
        ],
        Dotnet => vec![
            ("L", None, Braced),
            ("Lu", None, Braced),
            ("IsGreek", None, Braced),
        ],
        Rust => vec![
            ("L", None, Braced),
            ("L", None, Single),
            ("Greek", None, Braced),
            ("sc", Some("Greek"), Braced),
        ],
        Go => vec![
            ("L", None, Braced),
            ("L", None, Single),
            ("Greek", None, Braced),
        ],
        _ => vec![],
    }
}

fn property_strategy(cfg: Cfg) -> Option<S<Property>> {
    let list = prop_list(cfg);
    if list.is_empty() {
        return None;
    }
    Some(
        (proptest::sample::select(list), any::<bool>())
            .prop_map(|((name, value, spelling), negated)| Property {
                negated,
                name: name.to_string(),
                value: value.map(str::to_string),
                spelling,
            })
            .boxed(),
    )
}

fn assertion_list(cfg: Cfg) -> Vec<AssertionKind> {
    use AssertionKind::*;
    let mut v = vec![Caret, Dollar, WordBoundary, NotWordBoundary];
    if !cfg.is(Js) {
        v.push(StartText);
        v.push(EndText);
    }
    if cfg.any(&[Java, Pcre, Ruby, Dotnet]) {
        v.push(EndTextOptionalNewline);
        v.push(PrevMatchEnd);
    }
    if cfg.is(Rust) {
        v.extend([WordStart, WordEnd, WordStartHalf, WordEndHalf]);
    }
    v
}

fn special_list(cfg: Cfg) -> Vec<Special> {
    match cfg.flavor {
        Pcre => vec![
            Special::KeepOut,
            Special::LineBreak,
            Special::Grapheme,
            Special::AnyByte,
            Special::Recursion("(?R)".into()),
            Special::Recursion("(?1)".into()),
            Special::Verb("(*FAIL)".into()),
            Special::Verb("(*SKIP)".into()),
            Special::Callout("(?C1)".into()),
        ],
        Java => vec![Special::LineBreak, Special::Grapheme],
        Ruby => vec![Special::KeepOut, Special::LineBreak, Special::Grapheme],
        _ => vec![],
    }
}

fn backref_spellings(cfg: Cfg) -> Vec<BackrefSpelling> {
    use BackrefSpelling::*;
    match cfg.flavor {
        Js => vec![Digits, KAngle],
        Python => vec![Digits, PEquals],
        Java => vec![Digits, KAngle],
        Pcre => vec![Digits, KAngle, KQuote, KBrace, PEquals, G, GBrace],
        Ruby => vec![Digits, KAngle, KQuote],
        Dotnet => vec![Digits, KAngle, KQuote],
        Rust | Go => vec![],
    }
}

// ----- classes ----------------------------------------------------------------

fn range_strategy(cfg: Cfg) -> S<ClassItemKind> {
    let end = || {
        literal_strategy(cfg, true).prop_filter("no quoted ends", |l| l.kind != LiteralKind::Quoted)
    };
    (end(), end())
        .prop_map(|(a, b)| {
            let (start, end) = if a.c <= b.c { (a, b) } else { (b, a) };
            ClassItemKind::Range { start, end }
        })
        .boxed()
}

fn class_item_strategy(cfg: Cfg, depth: u32) -> S<ClassItemKind> {
    let mut s: Vec<(u32, S<ClassItemKind>)> = vec![
        (
            6,
            literal_strategy(cfg, true)
                .prop_map(ClassItemKind::Literal)
                .boxed(),
        ),
        (3, range_strategy(cfg)),
        (
            2,
            perl_strategy(cfg, true)
                .prop_map(ClassItemKind::Perl)
                .boxed(),
        ),
    ];
    if let Some(p) = property_strategy(cfg) {
        s.push((1, p.prop_map(ClassItemKind::Property).boxed()));
    }
    if cfg.any(&[Pcre, Ruby, Go, Rust]) {
        let names = vec![
            "alpha", "digit", "space", "upper", "xdigit", "word", "punct",
        ];
        s.push((
            1,
            (proptest::sample::select(names), any::<bool>())
                .prop_map(|(n, negated)| ClassItemKind::Posix {
                    name: n.to_string(),
                    negated,
                })
                .boxed(),
        ));
    }
    if depth > 0 && (cfg.any(&[Java, Ruby, Rust]) || cfg.v()) {
        s.push((
            1,
            class_strategy(cfg, depth - 1)
                .prop_map(|c| ClassItemKind::Nested(Box::new(c)))
                .boxed(),
        ));
    }
    if cfg.v() {
        let l = literal_strategy(cfg, true);
        s.push((
            1,
            proptest::collection::vec(proptest::collection::vec(l, 0..3), 1..3)
                .prop_map(ClassItemKind::Strings)
                .boxed(),
        ));
    }
    proptest::strategy::Union::new_weighted(s).boxed()
}

fn union_of(items: Vec<ClassItemKind>) -> ClassSet {
    ClassSet::Union {
        items: items.into_iter().map(item).collect(),
    }
}

fn class_strategy(cfg: Cfg, depth: u32) -> S<Class> {
    let it = class_item_strategy(cfg, depth);
    let min = if cfg.is(Js) { 0 } else { 1 };
    let plain = proptest::collection::vec(it.clone(), min..5)
        .prop_map(union_of)
        .boxed();
    let set: S<ClassSet> = match cfg.flavor {
        Java | Ruby => prop_oneof![
            4 => plain,
            1 => proptest::collection::vec(proptest::collection::vec(it, 1..3), 2..4).prop_map(|ops| {
                let mut it = ops.into_iter().map(union_of);
                let first = it.next().unwrap();
                it.fold(first, |acc, u| ClassSet::Op {
                    op: ClassOp::Intersection,
                    lhs: Box::new(acc),
                    rhs: Box::new(u),
                })
            }),
        ]
        .boxed(),
        Rust => prop_oneof![
            4 => plain,
            1 => (
                proptest::collection::vec(it.clone(), 1..3),
                proptest::collection::vec(
                    (
                        proptest::sample::select(vec![
                            ClassOp::Intersection,
                            ClassOp::Subtraction,
                            ClassOp::SymmetricDifference
                        ]),
                        proptest::collection::vec(it, 1..3)
                    ),
                    1..3
                )
            )
                .prop_map(|(first, rest)| {
                    rest.into_iter().fold(union_of(first), |acc, (op, u)| ClassSet::Op {
                        op,
                        lhs: Box::new(acc),
                        rhs: Box::new(union_of(u)),
                    })
                }),
        ]
        .boxed(),
        Js if cfg.v() => {
            let operand = it
                .prop_filter("operands are single non-range items", |k| {
                    !matches!(k, ClassItemKind::Range { .. })
                })
                .prop_map(|k| union_of(vec![k]));
            prop_oneof![
                4 => plain,
                1 => (
                    proptest::sample::select(vec![ClassOp::Intersection, ClassOp::Subtraction]),
                    proptest::collection::vec(operand, 2..4)
                )
                    .prop_map(|(op, ops)| {
                        let mut it = ops.into_iter();
                        let first = it.next().unwrap();
                        it.fold(first, |acc, u| ClassSet::Op { op, lhs: Box::new(acc), rhs: Box::new(u) })
                    }),
            ]
            .boxed()
        }
        Dotnet if depth > 0 => prop_oneof![
            4 => plain,
            1 => (proptest::collection::vec(it, 1..3), class_strategy(cfg, depth - 1)).prop_map(|(l, c)| {
                ClassSet::Op {
                    op: ClassOp::Subtraction,
                    lhs: Box::new(union_of(l)),
                    rhs: Box::new(union_of(vec![ClassItemKind::Nested(Box::new(c))])),
                }
            }),
        ]
        .boxed(),
        _ => plain,
    };
    (any::<bool>(), set)
        .prop_map(|(negated, set)| Class {
            span: Span::default(),
            negated,
            set,
        })
        .boxed()
}

// ----- nodes ------------------------------------------------------------------

const NAMES: &[&str] = &["a", "b", "n1", "gr", "xy", "zz"];

fn group_kind_strategy(cfg: Cfg) -> S<GroupKind> {
    let mut s: Vec<(u32, S<GroupKind>)> = vec![
        (
            4,
            Just(GroupKind::Capture {
                index: 0,
                name: None,
            })
            .boxed(),
        ),
        (2, Just(GroupKind::NonCapture).boxed()),
    ];
    let spellings: Vec<NameSpelling> = match cfg.flavor {
        Js | Java | Dotnet => vec![NameSpelling::Angle],
        Python => vec![NameSpelling::PAngle],
        Pcre => vec![
            NameSpelling::Angle,
            NameSpelling::PAngle,
            NameSpelling::Quote,
        ],
        Ruby => vec![NameSpelling::Angle, NameSpelling::Quote],
        Rust | Go => vec![NameSpelling::Angle, NameSpelling::PAngle],
    };
    s.push((
        3,
        (
            proptest::sample::select(NAMES),
            proptest::sample::select(spellings),
        )
            .prop_map(|(n, spelling)| GroupKind::Capture {
                index: 0,
                name: Some(GroupName {
                    name: n.to_string(),
                    spelling,
                }),
            })
            .boxed(),
    ));
    let letters: &'static str = match cfg.flavor {
        // ES2024 has no modifier groups.
        Js => "",
        Python => "imsx",
        Java => "imsudx",
        Pcre => "imsnx",
        Ruby => "imx",
        Dotnet => "imnsx",
        Rust => "imsURx",
        Go => "imsU",
    };
    let pool: Vec<char> = if letters.is_empty() {
        vec!['i']
    } else {
        letters.chars().collect()
    };
    let on = proptest::sample::subsequence(pool.clone(), 0..3.min(pool.len() + 1));
    let off = proptest::sample::subsequence(pool, 0..2);
    let caret_ok = cfg.is(Pcre);
    if !letters.is_empty() {
        s.push((
            1,
            (on, off, any::<bool>())
                .prop_filter_map("non-empty flag change", move |(on, off, caret)| {
                    let on: String = on.into_iter().filter(|c| *c != 'n').collect();
                    let off: String = off.into_iter().filter(|c| !on.contains(*c)).collect();
                    let caret = caret && caret_ok;
                    // `(?^…)` takes no `-`.
                    let off = if caret { String::new() } else { off };
                    if on.is_empty() && off.is_empty() && !caret {
                        return None;
                    }
                    Some(GroupKind::Flags(FlagChange { on, off, caret }))
                })
                .boxed(),
        ));
    }
    if !cfg.any(&[Js, Go, Rust]) {
        s.push((1, Just(GroupKind::Atomic).boxed()));
    }
    if !cfg.any(&[Go, Rust]) {
        s.push((
            1,
            any::<bool>()
                .prop_map(|negated| GroupKind::Lookahead { negated })
                .boxed(),
        ));
    }
    if cfg.is(Pcre) {
        s.push((1, Just(GroupKind::BranchReset).boxed()));
    }
    if cfg.is(Ruby) {
        s.push((1, Just(GroupKind::Absent).boxed()));
    }
    proptest::strategy::Union::new_weighted(s).boxed()
}

fn op_strategy(cfg: Cfg) -> S<RepetitionOp> {
    let big = match cfg.flavor {
        Go => 1000,
        Pcre => 65535,
        _ => 100_000,
    };
    let n = prop_oneof![8 => 0u32..6, 1 => 0u32..=big].boxed();
    let mut s: Vec<S<RepetitionOp>> = vec![
        Just(RepetitionOp::Star).boxed(),
        Just(RepetitionOp::Plus).boxed(),
        Just(RepetitionOp::Question).boxed(),
        n.clone().prop_map(|n| RepetitionOp::Exactly { n }).boxed(),
        n.clone().prop_map(|n| RepetitionOp::AtLeast { n }).boxed(),
        (n.clone(), n.clone())
            .prop_map(|(a, b)| RepetitionOp::Bounded {
                min: a.min(b),
                max: a.max(b),
            })
            .boxed(),
    ];
    if cfg.any(&[Python, Ruby, Pcre]) {
        s.push(n.prop_map(|max| RepetitionOp::UpTo { max }).boxed());
    }
    proptest::strategy::Union::new(s).boxed()
}

fn greed_strategy(cfg: Cfg, op: RepetitionOp) -> S<Greed> {
    let counted = !matches!(
        op,
        RepetitionOp::Star | RepetitionOp::Plus | RepetitionOp::Question
    );
    if cfg.any(&[Java, Pcre, Python]) || (cfg.is(Ruby) && !counted) {
        prop_oneof![
            Just(Greed::Greedy),
            Just(Greed::Lazy),
            Just(Greed::Possessive)
        ]
        .boxed()
    } else {
        prop_oneof![Just(Greed::Greedy), Just(Greed::Lazy)].boxed()
    }
}

fn leaf_strategy(cfg: Cfg) -> S<Ast> {
    let mut s: Vec<(u32, S<Ast>)> = vec![
        (
            10,
            literal_strategy(cfg, false)
                .prop_map(|l| mk(AstKind::Literal(l)))
                .boxed(),
        ),
        (1, Just(mk(AstKind::Dot)).boxed()),
        (
            2,
            proptest::sample::select(assertion_list(cfg))
                .prop_map(|kind| mk(AstKind::Assertion { kind }))
                .boxed(),
        ),
        (
            2,
            perl_strategy(cfg, false)
                .prop_map(|p| mk(AstKind::Perl(p)))
                .boxed(),
        ),
        (
            3,
            class_strategy(cfg, 1)
                .prop_map(|c| mk(AstKind::Class(Box::new(c))))
                .boxed(),
        ),
    ];
    if let Some(p) = property_strategy(cfg) {
        s.push((1, p.prop_map(|p| mk(AstKind::Property(p))).boxed()));
    }
    let specials = special_list(cfg);
    if !specials.is_empty() {
        s.push((
            1,
            proptest::sample::select(specials)
                .prop_map(|x| mk(AstKind::Special(x)))
                .boxed(),
        ));
    }
    let spellings = backref_spellings(cfg);
    if !spellings.is_empty() {
        // Placeholder: the target is resolved by `fixup`.
        s.push((
            2,
            (proptest::sample::select(spellings), any::<u32>())
                .prop_map(|(spelling, seed)| {
                    mk(AstKind::Backref(Backref {
                        target: BackrefTarget::Number(seed),
                        spelling,
                    }))
                })
                .boxed(),
        ));
    }
    proptest::strategy::Union::new_weighted(s).boxed()
}

/// A lookbehind body every flavor accepts: a fixed-width sequence.
fn lookbehind_body(cfg: Cfg) -> S<Ast> {
    let one = prop_oneof![
        4 => literal_strategy(cfg, false)
            .prop_filter("one unit", |l| l.kind != LiteralKind::Quoted)
            .prop_map(|l| mk(AstKind::Literal(l))),
        1 => Just(mk(AstKind::Dot)),
        1 => class_strategy(cfg, 0).prop_map(|c| mk(AstKind::Class(Box::new(c)))),
    ];
    proptest::collection::vec(one, 1..4)
        .prop_map(seq_of)
        .boxed()
}

fn seq_of(mut items: Vec<Ast>) -> Ast {
    match items.len() {
        0 => mk(AstKind::Empty),
        1 => items.pop().unwrap(),
        _ => mk(AstKind::Concat(items)),
    }
}

fn alt_of(mut items: Vec<Ast>) -> Ast {
    if items.len() == 1 {
        items.pop().unwrap()
    } else {
        mk(AstKind::Alternation(items))
    }
}

/// Whether the flavor lets `a` be quantified as printed (without a group).
fn repeatable(cfg: Cfg, a: &Ast) -> bool {
    match &a.kind {
        AstKind::Assertion { .. } => cfg.any(&[Java, Ruby, Dotnet, Rust]),
        AstKind::Group(g) => match g.kind {
            GroupKind::Lookbehind { .. } => !cfg.is(Js),
            GroupKind::Lookahead { .. } => !cfg.js_u(),
            _ => true,
        },
        AstKind::Special(Special::KeepOut | Special::Verb(_) | Special::Callout(_)) => false,
        AstKind::Literal(l) => !(l.c > 0xFFFF && (cfg.is(Dotnet) || (cfg.is(Js) && !cfg.js_u()))),
        AstKind::SetFlags(_) | AstKind::Empty | AstKind::Concat(_) | AstKind::Alternation(_) => {
            false
        }
        AstKind::Repetition(_) => false,
        _ => true,
    }
}

struct Gen {
    atom: S<Ast>,
    alt: S<Ast>,
}

fn build(cfg: Cfg, depth: u32) -> Gen {
    let leaf = leaf_strategy(cfg);
    let atom: S<Ast> = if depth == 0 {
        leaf
    } else {
        let inner = build(cfg, depth - 1);
        let mut s: Vec<(u32, S<Ast>)> = vec![
            (6, leaf),
            (
                3,
                (group_kind_strategy(cfg), inner.alt.clone())
                    .prop_map(|(kind, ast)| mk(AstKind::Group(Box::new(Group { kind, ast }))))
                    .boxed(),
            ),
        ];
        if !cfg.any(&[Go, Rust]) {
            s.push((
                1,
                (any::<bool>(), lookbehind_body(cfg))
                    .prop_map(|(negated, ast)| {
                        mk(AstKind::Group(Box::new(Group {
                            kind: GroupKind::Lookbehind { negated },
                            ast,
                        })))
                    })
                    .boxed(),
            ));
        }
        if cfg.any(&[Pcre, Python, Ruby, Dotnet]) {
            let seq = proptest::collection::vec(inner.atom.clone(), 0..3).prop_map(seq_of);
            let cond = if cfg.is(Pcre) {
                prop_oneof![
                    4 => any::<u32>().prop_map(Condition::Group),
                    1 => proptest::sample::select(vec!["R", "R1", "DEFINE"])
                        .prop_map(|s| Condition::Recursion(s.to_string())),
                    1 => (any::<bool>(), inner.atom.clone()).prop_map(|(negated, a)| {
                        Condition::Assertion(Box::new(mk(AstKind::Group(Box::new(Group {
                            kind: GroupKind::Lookahead { negated },
                            ast: a,
                        })))))
                    }),
                ]
                .boxed()
            } else {
                any::<u32>().prop_map(Condition::Group).boxed()
            };
            s.push((
                1,
                (cond, seq.clone(), proptest::option::of(seq))
                    .prop_map(|(condition, yes, no)| {
                        mk(AstKind::Conditional(Box::new(Conditional {
                            condition,
                            yes,
                            no,
                        })))
                    })
                    .boxed(),
            ));
        }
        proptest::strategy::Union::new_weighted(s).boxed()
    };
    let term = (
        atom.clone(),
        proptest::option::weighted(
            0.3,
            op_strategy(cfg).prop_flat_map(move |op| (Just(op), greed_strategy(cfg, op))),
        ),
    )
        .prop_map(move |(a, rep)| match rep {
            Some((op, greed)) if repeatable(cfg, &a) => {
                mk(AstKind::Repetition(Box::new(Repetition {
                    op_span: Span::default(),
                    op,
                    greed,
                    ast: a,
                })))
            }
            _ => a,
        })
        .boxed();
    let term: S<Ast> = if cfg.any(&[Java, Pcre, Ruby, Dotnet, Rust, Go]) {
        let letters: &'static str = match cfg.flavor {
            Ruby => "imx",
            Java | Pcre | Dotnet | Rust => "imsx",
            Go => "ims",
            _ => "",
        };
        let flags = (
            proptest::sample::subsequence(letters.chars().collect::<Vec<_>>(), 1..3),
            any::<bool>(),
        )
            .prop_map(|(on, neg)| {
                let s: String = on.into_iter().collect();
                mk(AstKind::SetFlags(if neg {
                    FlagChange {
                        on: String::new(),
                        off: s,
                        caret: false,
                    }
                } else {
                    FlagChange {
                        on: s,
                        off: String::new(),
                        caret: false,
                    }
                }))
            });
        prop_oneof![20 => term, 1 => flags].boxed()
    } else {
        term
    };
    let seq = proptest::collection::vec(term, 0..5)
        .prop_map(seq_of)
        .boxed();
    let alt = prop_oneof![
        3 => seq.clone(),
        1 => proptest::collection::vec(seq, 2..4).prop_map(alt_of),
    ]
    .boxed();
    Gen { atom, alt }
}

// ----- fixup: numbering, references and neighbour rules -----------------------

struct Fix {
    cfg: Cfg,
    /// Groups opened so far: (index, name).
    groups: Vec<(u32, Option<String>)>,
    closed: Vec<u32>,
    count: u32,
    names_used: Vec<String>,
    /// Ruby: all captures are named (named and numbered captures do not mix).
    ruby_named: bool,
}

impl Fix {
    fn node(&mut self, a: &mut Ast) {
        match &mut a.kind {
            AstKind::Group(g) => {
                let g = &mut **g;
                if let GroupKind::Capture { index, name } = &mut g.kind {
                    if self.cfg.is(Ruby) {
                        if self.ruby_named && name.is_none() {
                            *name = Some(GroupName {
                                name: "r".into(),
                                spelling: NameSpelling::Angle,
                            });
                        } else if !self.ruby_named {
                            *name = None;
                        }
                    }
                    if let Some(n) = name {
                        // Unique names.
                        let mut candidate = n.name.clone();
                        let mut k = 1;
                        while self.names_used.contains(&candidate) {
                            candidate = format!("{}{k}", n.name);
                            k += 1;
                        }
                        n.name = candidate.clone();
                        self.names_used.push(candidate);
                    }
                    self.count += 1;
                    *index = self.count;
                    self.groups
                        .push((self.count, name.as_ref().map(|n| n.name.clone())));
                    let i = self.count;
                    self.node(&mut g.ast);
                    self.closed.push(i);
                } else if g.kind == GroupKind::BranchReset {
                    // Groups sharing a number must share the name: no names.
                    unname(&mut g.ast);
                    let start = self.count;
                    let mut max = start;
                    match &mut g.ast.kind {
                        AstKind::Alternation(v) => {
                            for b in v.iter_mut() {
                                self.count = start;
                                self.node(b);
                                max = max.max(self.count);
                            }
                        }
                        _ => {
                            self.node(&mut g.ast);
                            max = self.count;
                        }
                    }
                    self.count = max;
                } else {
                    if matches!(g.kind, GroupKind::Lookbehind { .. }) {
                        // Nothing inside needs numbering (literals only).
                    }
                    self.node(&mut g.ast);
                }
            }
            AstKind::Backref(b) => {
                if let Some(new) = self.resolve_backref(b) {
                    *a = new;
                }
            }
            AstKind::Conditional(c) => {
                let c = &mut **c;
                match &mut c.condition {
                    Condition::Group(seed) => {
                        let seed = *seed;
                        if self.closed.is_empty() {
                            c.condition = Condition::Recursion("DEFINE".into());
                            c.no = None;
                            if !self.cfg.is(Pcre) {
                                // Replace the whole conditional by its yes branch.
                                let mut yes = std::mem::replace(&mut c.yes, mk(AstKind::Empty));
                                self.node(&mut yes);
                                *a = mk(AstKind::Group(Box::new(Group {
                                    kind: GroupKind::NonCapture,
                                    ast: yes,
                                })));
                                return;
                            }
                        } else {
                            let idx = self.closed[seed as usize % self.closed.len()];
                            let name = self
                                .groups
                                .iter()
                                .find(|g| g.0 == idx)
                                .and_then(|g| g.1.clone());
                            c.condition = match name {
                                Some(n) if seed % 2 == 0 || self.cfg.is(Ruby) => Condition::Name(n),
                                _ => Condition::Group(idx),
                            };
                        }
                    }
                    Condition::Assertion(x) => self.node(x),
                    Condition::Recursion(r) => {
                        if r == "R1" && self.count == 0 {
                            *r = "R".into();
                        }
                        if r == "DEFINE" {
                            // One branch only.
                            c.no = None;
                        }
                    }
                    _ => {}
                }
                if matches!(c.yes.kind, AstKind::Alternation(_)) {
                    c.yes = mk(AstKind::Group(Box::new(Group {
                        kind: GroupKind::NonCapture,
                        ast: std::mem::replace(&mut c.yes, mk(AstKind::Empty)),
                    })));
                }
                self.node(&mut c.yes);
                if let Some(no) = &mut c.no {
                    self.node(no);
                }
            }
            AstKind::Repetition(r) => self.node(&mut r.ast),
            AstKind::Alternation(v) => {
                for x in v.iter_mut() {
                    self.node(x);
                }
            }
            AstKind::Concat(v) => {
                for x in v.iter_mut() {
                    self.node(x);
                }
                self.neighbours(v);
            }
            AstKind::Class(c) => self.class(c, true),
            _ => {}
        }
    }

    fn resolve_backref(&mut self, b: &Backref) -> Option<Ast> {
        use BackrefSpelling::*;
        let BackrefTarget::Number(seed) = b.target else {
            return None;
        };
        if self.closed.is_empty() {
            return Some(mk(AstKind::Literal(lit('z' as u32, LiteralKind::Verbatim))));
        }
        let idx = self.closed[seed as usize % self.closed.len()];
        let name = self
            .groups
            .iter()
            .find(|g| g.0 == idx)
            .and_then(|g| g.1.clone());
        let f = self.cfg.flavor;
        let target = match (b.spelling, name) {
            (Digits, _) => {
                if self.cfg.is(Ruby) && self.ruby_named {
                    return Some(mk(AstKind::Literal(lit('z' as u32, LiteralKind::Verbatim))));
                }
                BackrefTarget::Number(idx)
            }
            (KAngle | KQuote | KBrace | PEquals, Some(n)) => BackrefTarget::Name(n),
            (KAngle | KQuote, None) if matches!(f, Ruby | Dotnet) => {
                if f == Ruby && seed % 2 == 0 && idx <= self.count {
                    BackrefTarget::Relative(idx as i32 - self.count as i32 - 1)
                } else {
                    BackrefTarget::Number(idx)
                }
            }
            (KAngle | KQuote | KBrace | PEquals, None) => {
                return Some(mk(AstKind::Backref(Backref {
                    target: BackrefTarget::Number(idx),
                    spelling: Digits,
                })))
            }
            (G | GBrace, Some(n)) if b.spelling == GBrace && seed % 3 == 0 => {
                BackrefTarget::Name(n)
            }
            (G | GBrace, _) => {
                // Relative references count back from the groups opened so
                // far (in a branch reset, earlier alternatives' groups may
                // have higher numbers).
                if seed % 2 == 0 && idx <= self.count {
                    BackrefTarget::Relative(idx as i32 - self.count as i32 - 1)
                } else {
                    BackrefTarget::Number(idx)
                }
            }
        };
        if self.cfg.is(Ruby) && self.ruby_named && !matches!(target, BackrefTarget::Name(_)) {
            return Some(mk(AstKind::Literal(lit('z' as u32, LiteralKind::Verbatim))));
        }
        Some(mk(AstKind::Backref(Backref {
            target,
            spelling: b.spelling,
        })))
    }

    /// Rules between neighbours in a sequence.
    fn neighbours(&mut self, v: &mut [Ast]) {
        for i in 0..v.len() {
            let next_first = v.get(i + 1).and_then(first_verbatim);
            let next_digit = next_first.is_some_and(|c| c.is_ascii_digit());
            match &mut v[i].kind {
                // A `{` before digits or a comma could read as a quantifier.
                AstKind::Literal(l)
                    if l.kind == LiteralKind::Verbatim
                        && l.c == '{' as u32
                        && next_first.is_some_and(|c| c.is_ascii_digit() || c == ',') =>
                {
                    l.kind = LiteralKind::Escaped;
                }
                AstKind::Literal(l)
                    if l.kind == LiteralKind::Octal && next_digit && self.cfg.js_u() =>
                {
                    l.kind = LiteralKind::Hex2;
                }
                _ => {}
            }
            let is_ref = matches!(&v[i].kind, AstKind::Backref(b) if matches!(b.spelling, BackrefSpelling::Digits | BackrefSpelling::G));
            if is_ref && next_digit {
                set_first_verbatim_kind(&mut v[i + 1], LiteralKind::Hex2);
            }
        }
    }

    fn class(&mut self, c: &mut Class, top: bool) {
        if self.cfg.v() && c.negated && class_has_strings(c) {
            c.negated = false;
        }
        let negated = c.negated;
        let is_union = matches!(c.set, ClassSet::Union { .. });
        self.set(&mut c.set, top && is_union, negated, top);
    }

    fn set(&mut self, s: &mut ClassSet, plain: bool, negated: bool, top: bool) {
        match s {
            ClassSet::Union { items } => {
                let n = items.len();
                for i in 0..n {
                    let next = items.get(i + 1).and_then(item_first_verbatim);
                    let first = plain && i == 0;
                    let last = plain && i + 1 == n;
                    let cfg = self.cfg;
                    match &mut items[i].kind {
                        ClassItemKind::Literal(l) if l.kind == LiteralKind::Verbatim => {
                            let c = char::from_u32(l.c).unwrap();
                            let dash_ok = !cfg.v() && (first || last) && next != Some('-');
                            if c == '-' && !dash_ok {
                                l.kind = LiteralKind::Escaped;
                            }
                            if c == '^' && i == 0 && !negated {
                                l.kind = LiteralKind::Escaped;
                            }
                            if posix_like(cfg, top, i, c) {
                                l.kind = LiteralKind::Escaped;
                            }
                            if next == Some(c) && doubled_is_operator(cfg, c) {
                                l.kind = LiteralKind::Escaped;
                            }
                        }
                        ClassItemKind::Range { start, end } => {
                            for l in [&mut *start, &mut *end] {
                                if l.kind == LiteralKind::Verbatim && l.c == '-' as u32 {
                                    l.kind = LiteralKind::Escaped;
                                }
                            }
                            if start.kind == LiteralKind::Verbatim
                                && start.c == '^' as u32
                                && i == 0
                                && !negated
                            {
                                start.kind = LiteralKind::Escaped;
                            }
                            if end.kind == LiteralKind::Octal
                                && cfg.js_u()
                                && next.is_some_and(|c| c.is_ascii_digit())
                            {
                                end.kind = LiteralKind::Hex2;
                            }
                            if start.kind == LiteralKind::Verbatim
                                && posix_like(cfg, top, i, char::from_u32(start.c).unwrap())
                            {
                                start.kind = LiteralKind::Escaped;
                            }
                            if end.kind == LiteralKind::Verbatim
                                && next == char::from_u32(end.c)
                                && doubled_is_operator(cfg, char::from_u32(end.c).unwrap())
                            {
                                end.kind = LiteralKind::Escaped;
                            }
                        }
                        ClassItemKind::Literal(l)
                            if l.kind == LiteralKind::Octal
                                && cfg.js_u()
                                && next.is_some_and(|c| c.is_ascii_digit()) =>
                        {
                            l.kind = LiteralKind::Hex2;
                        }
                        ClassItemKind::Nested(inner) => self.class(inner, false),
                        ClassItemKind::Strings(alts) => {
                            for alt in alts.iter_mut() {
                                for j in 0..alt.len() {
                                    let nx = alt
                                        .get(j + 1)
                                        .filter(|l| l.kind == LiteralKind::Verbatim)
                                        .map(|l| l.c);
                                    let l = &mut alt[j];
                                    if l.kind == LiteralKind::Octal
                                        && nx.is_some_and(|c| {
                                            char::from_u32(c).is_some_and(|c| c.is_ascii_digit())
                                        })
                                    {
                                        l.kind = LiteralKind::Hex2;
                                    }
                                    if l.kind == LiteralKind::Verbatim
                                        && (nx == Some(l.c)
                                            && doubled_is_operator(
                                                cfg,
                                                char::from_u32(l.c).unwrap(),
                                            )
                                            || l.c == '-' as u32)
                                    {
                                        l.kind = LiteralKind::Escaped;
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            ClassSet::Op { lhs, rhs, .. } => {
                self.set(lhs, false, negated, top);
                self.set(rhs, false, negated, false);
                for side in [&mut **lhs, &mut **rhs] {
                    escape_operator_chars(side);
                }
            }
        }
    }
}

/// Operands of class set operations: no verbatim `&`, `~`, `-` next to the
/// operator.
fn escape_operator_chars(s: &mut ClassSet) {
    if let ClassSet::Union { items } = s {
        for it in items.iter_mut() {
            let ls: Vec<&mut Literal> = match &mut it.kind {
                ClassItemKind::Literal(l) => vec![l],
                ClassItemKind::Range { start, end } => vec![start, end],
                _ => vec![],
            };
            for l in ls {
                if l.kind == LiteralKind::Verbatim && "&~-".contains(char::from_u32(l.c).unwrap()) {
                    l.kind = LiteralKind::Escaped;
                }
            }
        }
    }
}

/// Workarounds for parser bugs these tests found (quoted quantifier
/// characters, Java's inline `(?x)` scope), all fixed since: kept as a switch
/// to turn back on while a new parser bug is being fixed.
const KNOWN_PARSER_BUGS: bool = false;

/// A fixed seed, so that `cargo test` (and CI) runs the same cases every
/// time; set `PROPTEST_RNG_SEED` to explore others.
fn seed() -> proptest::test_runner::RngSeed {
    if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
        PtConfig::default().rng_seed
    } else {
        proptest::test_runner::RngSeed::Fixed(0x5eed_2026)
    }
}

/// Visits every node (pre-order).
fn walk<'a>(a: &'a Ast, f: &mut dyn FnMut(&'a Ast)) {
    f(a);
    match &a.kind {
        AstKind::Group(g) => walk(&g.ast, f),
        AstKind::Repetition(r) => walk(&r.ast, f),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter().for_each(|x| walk(x, f)),
        AstKind::Conditional(c) => {
            if let Condition::Assertion(x) = &c.condition {
                walk(x, f);
            }
            walk(&c.yes, f);
            if let Some(n) = &c.no {
                walk(n, f);
            }
        }
        _ => {}
    }
}

fn mixes_named_and_numbered(a: &Ast) -> bool {
    let (mut named, mut unnamed, mut numbered) = (false, false, false);
    walk(a, &mut |n| match &n.kind {
        AstKind::Group(g) => {
            if let GroupKind::Capture { name, .. } = &g.kind {
                if name.is_some() {
                    named = true;
                } else {
                    unnamed = true;
                }
            }
        }
        AstKind::Backref(b) if !matches!(b.target, BackrefTarget::Name(_)) => numbered = true,
        AstKind::Conditional(c) if matches!(c.condition, Condition::Group(_)) => numbered = true,
        _ => {}
    });
    named && (unnamed || numbered)
}

/// The tree with .NET's group numbers: unnamed groups first, in order, then
/// named ones (a repeated name keeps its number).
fn dotnet_renumber(a: &Ast) -> Ast {
    let mut caps: Vec<(u32, Option<String>)> = vec![];
    walk(a, &mut |n| {
        if let AstKind::Group(g) = &n.kind {
            if let GroupKind::Capture { index, name } = &g.kind {
                caps.push((*index, name.as_ref().map(|x| x.name.clone())));
            }
        }
    });
    let unnamed = caps.iter().filter(|c| c.1.is_none()).count() as u32;
    let mut map = std::collections::HashMap::new();
    let (mut u, mut names): (u32, Vec<String>) = (0, vec![]);
    for (old, name) in &caps {
        let new = match name {
            None => {
                u += 1;
                u
            }
            Some(nm) => match names.iter().position(|x| x == nm) {
                Some(i) => unnamed + 1 + i as u32,
                None => {
                    names.push(nm.clone());
                    unnamed + names.len() as u32
                }
            },
        };
        map.insert(*old, new);
    }
    fn rewrite(a: &mut Ast, map: &std::collections::HashMap<u32, u32>) {
        match &mut a.kind {
            AstKind::Group(g) => {
                if let GroupKind::Capture { index, .. } = &mut g.kind {
                    *index = map.get(index).copied().unwrap_or(*index);
                }
                rewrite(&mut g.ast, map);
            }
            AstKind::Backref(b) => {
                if let BackrefTarget::Number(n) = &mut b.target {
                    *n = map.get(n).copied().unwrap_or(*n);
                }
            }
            AstKind::Repetition(r) => rewrite(&mut r.ast, map),
            AstKind::Alternation(v) | AstKind::Concat(v) => {
                v.iter_mut().for_each(|x| rewrite(x, map))
            }
            AstKind::Conditional(c) => {
                if let Condition::Group(n) = &mut c.condition {
                    *n = map.get(n).copied().unwrap_or(*n);
                }
                rewrite(&mut c.yes, map);
                if let Some(n) = &mut c.no {
                    rewrite(n, map);
                }
            }
            _ => {}
        }
    }
    let mut out = a.clone();
    rewrite(&mut out, &map);
    out
}

fn unname(a: &mut Ast) {
    match &mut a.kind {
        AstKind::Group(g) => {
            if let GroupKind::Capture { name, .. } = &mut g.kind {
                *name = None;
            }
            unname(&mut g.ast);
        }
        AstKind::Repetition(r) => unname(&mut r.ast),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter_mut().for_each(unname),
        AstKind::Conditional(c) => {
            unname(&mut c.yes);
            if let Some(n) = &mut c.no {
                unname(n);
            }
        }
        _ => {}
    }
}

/// A nested class starting with `:` (or `.`, `=`) could read as a POSIX
/// bracket in Ruby (and in this parser's Java): the printer escapes it.
fn posix_like(cfg: Cfg, top: bool, i: usize, c: char) -> bool {
    !top && i == 0 && ":.=".contains(c) && cfg.any(&[Ruby, Java])
}

fn doubled_is_operator(cfg: Cfg, c: char) -> bool {
    if cfg.v() {
        return "&!#$%*+,.:;<=>?@^`~".contains(c);
    }
    match cfg.flavor {
        Java | Ruby => c == '&',
        Rust => c == '&' || c == '~',
        _ => false,
    }
}

fn class_has_strings(c: &Class) -> bool {
    fn set(s: &ClassSet) -> bool {
        match s {
            ClassSet::Union { items } => items.iter().any(|i| match &i.kind {
                ClassItemKind::Strings(_) => true,
                ClassItemKind::Nested(c) => class_has_strings(c),
                _ => false,
            }),
            ClassSet::Op { lhs, rhs, .. } => set(lhs) || set(rhs),
        }
    }
    set(&c.set)
}

/// The first character printed for `a`, when it is a verbatim literal.
fn first_verbatim(a: &Ast) -> Option<char> {
    match &a.kind {
        AstKind::Literal(l) if matches!(l.kind, LiteralKind::Verbatim | LiteralKind::Quoted) => {
            if l.kind == LiteralKind::Quoted {
                return None;
            }
            char::from_u32(l.c)
        }
        AstKind::Repetition(r) => first_verbatim(&r.ast),
        _ => None,
    }
}

fn set_first_verbatim_kind(a: &mut Ast, kind: LiteralKind) {
    match &mut a.kind {
        AstKind::Literal(l) => l.kind = kind,
        AstKind::Repetition(r) => set_first_verbatim_kind(&mut r.ast, kind),
        _ => {}
    }
}

fn item_first_verbatim(i: &ClassItem) -> Option<char> {
    match &i.kind {
        ClassItemKind::Literal(l) if l.kind == LiteralKind::Verbatim => char::from_u32(l.c),
        ClassItemKind::Range { start, .. } if start.kind == LiteralKind::Verbatim => {
            char::from_u32(start.c)
        }
        _ => None,
    }
}

fn has_named(a: &Ast) -> bool {
    match &a.kind {
        AstKind::Group(g) => {
            matches!(&g.kind, GroupKind::Capture { name: Some(_), .. }) || has_named(&g.ast)
        }
        AstKind::Repetition(r) => has_named(&r.ast),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter().any(has_named),
        AstKind::Conditional(c) => has_named(&c.yes) || c.no.as_ref().is_some_and(has_named),
        _ => false,
    }
}

fn fixup(cfg: Cfg, mut ast: Ast) -> Ast {
    let ruby_named = cfg.is(Ruby) && has_named(&ast);
    let mut f = Fix {
        cfg,
        groups: vec![],
        closed: vec![],
        count: 0,
        names_used: vec![],
        ruby_named,
    };
    f.node(&mut ast);
    if f.count == 0 {
        // `(?1)` needs a group 1 somewhere.
        no_group_calls(&mut ast);
    }
    if cfg.flags.contains('x') || has_x(&ast) {
        // In extended mode `#` starts a comment: only its escape is a literal.
        escape_hash(&mut ast);
    }
    ast
}

fn no_group_calls(a: &mut Ast) {
    match &mut a.kind {
        AstKind::Special(Special::Recursion(r)) if r == "(?1)" => *r = "(?R)".into(),
        AstKind::Group(g) => no_group_calls(&mut g.ast),
        AstKind::Repetition(r) => no_group_calls(&mut r.ast),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter_mut().for_each(no_group_calls),
        AstKind::Conditional(c) => {
            if let Condition::Assertion(x) = &mut c.condition {
                no_group_calls(x);
            }
            no_group_calls(&mut c.yes);
            if let Some(n) = &mut c.no {
                no_group_calls(n);
            }
        }
        _ => {}
    }
}

fn has_x(a: &Ast) -> bool {
    match &a.kind {
        AstKind::SetFlags(fc) => fc.on.contains('x'),
        AstKind::Group(g) => {
            matches!(&g.kind, GroupKind::Flags(fc) if fc.on.contains('x')) || has_x(&g.ast)
        }
        AstKind::Repetition(r) => has_x(&r.ast),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter().any(has_x),
        AstKind::Conditional(c) => has_x(&c.yes) || c.no.as_ref().is_some_and(has_x),
        _ => false,
    }
}

fn escape_hash(a: &mut Ast) {
    fn lit(l: &mut Literal) {
        if l.kind == LiteralKind::Verbatim && l.c == '#' as u32 {
            l.kind = LiteralKind::Escaped;
        }
    }
    fn set(s: &mut ClassSet) {
        match s {
            ClassSet::Union { items } => {
                for it in items {
                    match &mut it.kind {
                        ClassItemKind::Literal(l) => lit(l),
                        ClassItemKind::Range { start, end } => {
                            lit(start);
                            lit(end);
                        }
                        ClassItemKind::Nested(c) => set(&mut c.set),
                        _ => {}
                    }
                }
            }
            ClassSet::Op { lhs, rhs, .. } => {
                set(lhs);
                set(rhs);
            }
        }
    }
    match &mut a.kind {
        AstKind::Literal(l) => lit(l),
        AstKind::Class(c) => set(&mut c.set),
        AstKind::Group(g) => escape_hash(&mut g.ast),
        AstKind::Repetition(r) => escape_hash(&mut r.ast),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter_mut().for_each(escape_hash),
        AstKind::Conditional(c) => {
            if let Condition::Assertion(x) = &mut c.condition {
                escape_hash(x);
            }
            escape_hash(&mut c.yes);
            if let Some(n) = &mut c.no {
                escape_hash(n);
            }
        }
        _ => {}
    }
}

fn ast_strategy(cfg: Cfg, depth: u32) -> S<Ast> {
    build(cfg, depth)
        .alt
        .prop_map(move |a| fixup(cfg, a))
        .boxed()
}

// ----- the properties ----------------------------------------------------------

fn configs() -> Vec<Cfg> {
    vec![
        Cfg {
            flavor: Js,
            mode: Mode::Plain,
            flags: "",
        },
        Cfg {
            flavor: Js,
            mode: Mode::U,
            flags: "u",
        },
        Cfg {
            flavor: Js,
            mode: Mode::V,
            flags: "v",
        },
        Cfg {
            flavor: Python,
            mode: Mode::Plain,
            flags: "",
        },
        Cfg {
            flavor: Java,
            mode: Mode::Plain,
            flags: "",
        },
        Cfg {
            flavor: Pcre,
            mode: Mode::Plain,
            flags: "u",
        },
        Cfg {
            flavor: Ruby,
            mode: Mode::Plain,
            flags: "",
        },
        Cfg {
            flavor: Dotnet,
            mode: Mode::Plain,
            flags: "",
        },
        Cfg {
            flavor: Rust,
            mode: Mode::Plain,
            flags: "",
        },
        Cfg {
            flavor: Go,
            mode: Mode::Plain,
            flags: "",
        },
    ]
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn roundtrip(cfg: Cfg) {
    roundtrip_n(cfg, cases(300))
}

fn roundtrip_n(cfg: Cfg, n: u32) {
    let mut runner = TestRunner::new(PtConfig {
        cases: n,
        failure_persistence: None,
        max_shrink_iters: 2000,
        rng_seed: seed(),
        ..PtConfig::default()
    });
    let flags = Flags::parse(cfg.flavor, cfg.flags).unwrap();
    let result = runner.run(&ast_strategy(cfg, 3), |ast| {
        // .NET numbers unnamed groups first, then named ones: give the tree
        // those numbers so that its references mean what .NET reads.
        let ast = if cfg.is(Dotnet) {
            dotnet_renumber(&ast)
        } else {
            ast
        };
        let text = print_with_flags(&ast, cfg.flavor, &flags);
        let parsed = parse(&text, cfg.flavor, cfg.flags).map_err(|e| {
            TestCaseError::fail(format!(
                "{cfg:?}: printed {text:?} does not parse: {e}\ntree: {ast:?}"
            ))
        })?;
        let want = strip_spans(&ast);
        if cfg.is(Ruby) && mixes_named_and_numbered(&ast) {
            // Onigmo: with named groups, plain groups do not capture and
            // numbered references are errors; such trees are not valid Ruby.
            return Ok(());
        }
        let got = strip_spans(&parsed.ast);
        if got != want {
            let (w, g) = (format!("{want:?}"), format!("{got:?}"));
            let i = w.bytes().zip(g.bytes()).take_while(|(a, b)| a == b).count();
            let from = w[..i].char_indices().rev().nth(150).map_or(0, |(k, _)| k);
            let cut = |s: &str| {
                s.get(from..)
                    .unwrap_or("")
                    .chars()
                    .take(400)
                    .collect::<String>()
            };
            return Err(TestCaseError::fail(format!(
                "{cfg:?}: printed {text:?}, reprinted {:?}\nwant …{}\ngot  …{}",
                print_with_flags(&parsed.ast, cfg.flavor, &flags),
                cut(&w),
                cut(&g)
            )));
        }
        Ok(())
    });
    if let Err(e) = result {
        let e = e.to_string();
        panic!("{}", e.split("minimal failing input").next().unwrap_or(&e));
    }
}

#[test]
fn roundtrip_js() {
    roundtrip(configs()[0]);
}

#[test]
fn roundtrip_js_u() {
    roundtrip(configs()[1]);
}

#[test]
fn roundtrip_js_v() {
    roundtrip(configs()[2]);
}

#[test]
fn roundtrip_python() {
    roundtrip(configs()[3]);
}

#[test]
fn roundtrip_java() {
    roundtrip(configs()[4]);
}

#[test]
fn roundtrip_pcre() {
    roundtrip(configs()[5]);
}

#[test]
fn roundtrip_ruby() {
    roundtrip(configs()[6]);
}

#[test]
fn roundtrip_dotnet() {
    roundtrip(configs()[7]);
}

#[test]
fn roundtrip_rust() {
    roundtrip(configs()[8]);
}

#[test]
fn roundtrip_go() {
    roundtrip(configs()[9]);
}

/// PCRE without UTF mode: no escapes above \xFF.
#[test]
fn roundtrip_pcre_bytes() {
    roundtrip_n(
        Cfg {
            flavor: Pcre,
            mode: Mode::Plain,
            flags: "",
        },
        cases(300) / 2,
    );
}

/// Extended mode from the flags argument (whitespace and `#` escaped).
#[test]
fn roundtrip_extended() {
    for flavor in [Python, Java, Pcre, Ruby, Dotnet, Rust] {
        roundtrip_n(
            Cfg {
                flavor,
                mode: Mode::Plain,
                flags: "x",
            },
            cases(300) / 3,
        );
    }
}

// ----- any literal spelling prints to a valid pattern -----------------------------

/// A small deterministic generator for mutations inside a strategy.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ALL_KINDS: [LiteralKind; 14] = [
    LiteralKind::Verbatim,
    LiteralKind::Escaped,
    LiteralKind::Hex2,
    LiteralKind::HexBrace,
    LiteralKind::Unicode4,
    LiteralKind::UnicodeBrace,
    LiteralKind::Unicode8,
    LiteralKind::SurrogatePair,
    LiteralKind::Octal,
    LiteralKind::OctalBrace,
    LiteralKind::Control,
    LiteralKind::Special,
    LiteralKind::Named,
    LiteralKind::Quoted,
];

/// Characters that test the escaping rules.
const TRICKY: &str = "\u{0}\u{1}\t\n\u{b}\u{1b}\u{7f}\u{85}\u{a0}\u{ad}\u{200b}\u{2028}\u{feff} #-^]}[{&~:.=!$*+?()|/\\0123456789aEQz_'\"<>,é中\u{10ffff}😀";

struct Mutator {
    cfg: Cfg,
    rng: Rng,
}

impl Mutator {
    fn kind(&mut self, l: &mut Literal, may_quote: bool) {
        if self.rng.below(2) == 0 {
            return;
        }
        let k = ALL_KINDS[self.rng.below(ALL_KINDS.len())];
        // Parser bug: `\Q*\E` (a quantifier character first in a quote).
        let quote_bug = KNOWN_PARSER_BUGS && "*+?{".contains(char::from_u32(l.c).unwrap_or('a'));
        if k == LiteralKind::Quoted && (!may_quote || quote_bug) {
            return;
        }
        l.kind = k;
    }
    fn char(&mut self, l: &mut Literal, may_quote: bool) {
        if self.rng.below(3) == 0 {
            let pool: Vec<char> = TRICKY.chars().collect();
            let c = pool[self.rng.below(pool.len())];
            // Without `u`, JS classes hold UTF-16 units.
            if !(c as u32 > 0xFFFF && self.cfg.is(Js) && !self.cfg.js_u()) {
                l.c = c as u32;
            }
        }
        self.kind(l, may_quote);
        if l.kind == LiteralKind::Quoted
            && KNOWN_PARSER_BUGS
            && "*+?{".contains(char::from_u32(l.c).unwrap_or('a'))
        {
            l.kind = LiteralKind::Verbatim;
        }
    }
    fn class(&mut self, c: &mut Class) {
        self.set(&mut c.set);
    }
    fn set(&mut self, s: &mut ClassSet) {
        match s {
            ClassSet::Union { items } => {
                for it in items {
                    match &mut it.kind {
                        ClassItemKind::Literal(l) => self.char(l, true),
                        ClassItemKind::Range { start, end } => {
                            self.kind(start, false);
                            self.kind(end, false);
                        }
                        ClassItemKind::Nested(c) => self.class(c),
                        ClassItemKind::Strings(v) => {
                            for l in v.iter_mut().flatten() {
                                self.char(l, false);
                            }
                        }
                        _ => {}
                    }
                }
            }
            ClassSet::Op { lhs, rhs, .. } => {
                self.set(lhs);
                self.set(rhs);
            }
        }
    }
    fn node(&mut self, a: &mut Ast) {
        match &mut a.kind {
            AstKind::Literal(l) => self.char(l, true),
            AstKind::Class(c) => self.class(c),
            AstKind::Group(g) => {
                // Lookbehind bodies stay fixed-width: change spellings only.
                if matches!(g.kind, GroupKind::Lookbehind { .. }) {
                    self.spellings_only(&mut g.ast);
                } else {
                    self.node(&mut g.ast);
                }
            }
            AstKind::Repetition(r) => self.node(&mut r.ast),
            AstKind::Alternation(v) | AstKind::Concat(v) => v.iter_mut().for_each(|x| self.node(x)),
            AstKind::Conditional(c) => {
                self.node(&mut c.yes);
                if let Some(n) = &mut c.no {
                    self.node(n);
                }
            }
            _ => {}
        }
    }
    fn spellings_only(&mut self, a: &mut Ast) {
        match &mut a.kind {
            AstKind::Literal(l) => self.kind(l, false),
            AstKind::Concat(v) => v.iter_mut().for_each(|x| self.spellings_only(x)),
            _ => {}
        }
    }
}

fn robust(cfg: Cfg, n: u32) {
    let mut runner = TestRunner::new(PtConfig {
        cases: n,
        failure_persistence: None,
        max_shrink_iters: 2000,
        rng_seed: seed(),
        ..PtConfig::default()
    });
    let flags = Flags::parse(cfg.flavor, cfg.flags).unwrap();
    // Parser bug: Java's inline `(?x)` is not scoped to its group.
    let java_x_bug = KNOWN_PARSER_BUGS && cfg.is(Java);
    let trees = ast_strategy(cfg, 3)
        .prop_filter("Java inline x", move |a| !(java_x_bug && has_x(a)))
        .boxed();
    let strat = (trees, any::<u64>()).prop_map(move |(mut a, seed)| {
        let mut m = Mutator {
            cfg,
            rng: Rng(seed | 1),
        };
        m.node(&mut a);
        a
    });
    let result = runner.run(&strat, |ast| {
        let ast = if cfg.is(Dotnet) {
            dotnet_renumber(&ast)
        } else {
            ast
        };
        if cfg.is(Ruby) && mixes_named_and_numbered(&ast) {
            return Ok(());
        }
        let text = print_with_flags(&ast, cfg.flavor, &flags);
        let parsed = parse(&text, cfg.flavor, cfg.flags).map_err(|e| {
            TestCaseError::fail(format!(
                "{cfg:?}: printed {text:?} does not parse: {e}\ntree: {ast:?}"
            ))
        })?;
        let (want, got) = (canon(&ast), canon(&parsed.ast));
        prop_assert!(
            want == got,
            "{:?}: printed {:?} reads differently:\n{:?}\n{:?}",
            cfg,
            text,
            want,
            got
        );
        Ok(())
    });
    if let Err(e) = result {
        let e = e.to_string();
        panic!("{}", e.split("minimal failing input").next().unwrap_or(&e));
    }
}

/// Trees with literals of any kind and any character (as a rewrite could
/// make them) print to a valid pattern that reads back the same characters.
#[test]
fn any_spelling_prints_validly() {
    for cfg in configs() {
        robust(cfg, cases(300) / 2);
    }
    for flavor in [Python, Java, Pcre, Ruby, Dotnet, Rust] {
        robust(
            Cfg {
                flavor,
                mode: Mode::Plain,
                flags: "x",
            },
            cases(300) / 6,
        );
    }
}

// ----- parsing never panics ----------------------------------------------------

const ALPHABET: &str = "()[]{}|*+?\\^$.-,:=!<>PpkgxuUcdDwWsSbB0123456789aAzZ &#'_EQNRKXhHvVoq~@%";

/// Pieces of syntax, so that random sequences often parse.
const TOKENS: &[&str] = &[
    "(",
    "(",
    ")",
    ")",
    ")",
    "(?:",
    "(?<n>",
    "(?P<m>",
    "(?'q'",
    "(?=",
    "(?!",
    "(?<=",
    "(?<!",
    "(?>",
    "(?i)",
    "(?x)",
    "(?-x)",
    "(?i:",
    "(?s-i:",
    "(?^",
    "(?|",
    "(?~",
    "(?#c)",
    "(?(1)",
    "(?(<n>)",
    "[",
    "[^",
    "]",
    "]",
    "[a-z]",
    "[:alpha:]",
    "[[:digit:]]",
    "&&",
    "--",
    "~~",
    "-",
    "\\q{",
    "}",
    "\\d",
    "\\W",
    "\\s",
    "\\h",
    "\\R",
    "\\X",
    "\\K",
    "\\b",
    "\\B",
    "\\A",
    "\\z",
    "\\Z",
    "\\G",
    "\\p{L}",
    "\\P{Lu}",
    "\\pL",
    "\\p{^L}",
    "\\p{Script=Greek}",
    "\\1",
    "\\2",
    "\\10",
    "\\k<n>",
    "\\g{-1}",
    "\\g1",
    "(?P=m)",
    "\\0",
    "\\012",
    "\\x41",
    "\\x{263A}",
    "\\u0041",
    "\\u{1F600}",
    "\\uD83D\\uDE00",
    "\\U0001F600",
    "\\o{101}",
    "\\cA",
    "\\n",
    "\\t",
    "\\e",
    "\\a",
    "\\N{U+41}",
    "\\Q",
    "\\E",
    "*",
    "+",
    "?",
    "*?",
    "++",
    "{2}",
    "{2,}",
    "{1,3}",
    "{,3}",
    "{",
    "|",
    "|",
    "^",
    "$",
    ".",
    "a",
    "b",
    "0",
    "1",
    " ",
    "#",
    "\\ ",
    "\\#",
    "\\.",
    "\\*",
    "\\[",
    "\\]",
    "\\{",
    "\\-",
    "\\/",
    "é",
    "😀",
    "\\",
    ",",
    ":",
    "=",
    "!",
    "<",
    ">",
];

fn regexish() -> S<String> {
    let alpha: Vec<char> = ALPHABET.chars().collect();
    prop_oneof![
        4 => proptest::collection::vec(proptest::sample::select(TOKENS), 0..16)
            .prop_map(|v| v.concat()),
        4 => proptest::collection::vec(proptest::sample::select(alpha), 0..24)
            .prop_map(|v| v.into_iter().collect::<String>()),
        1 => any::<String>(),
        1 => proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>()),
                any::<char>()
            ],
            0..24
        )
        .prop_map(|v| v.into_iter().collect::<String>()),
    ]
    .boxed()
}

fn flag_string(f: Flavor) -> S<String> {
    let letters: Vec<char> = match f {
        Js => "dgimsuyv".chars().collect(),
        Python => "aiLmsux".chars().collect(),
        Java => "idmsuxU".chars().collect(),
        Pcre => "imsxuUDAnSXJ".chars().collect(),
        Ruby => "imxoune".chars().collect(),
        Dotnet => "imnsxe".chars().collect(),
        Rust => "imsxUuR".chars().collect(),
        Go => "imsU".chars().collect(),
    };
    prop_oneof![
        3 => proptest::collection::vec(proptest::sample::select(letters), 0..4)
            .prop_map(|v| v.into_iter().collect::<String>()),
        1 => "[a-zA-Z]{0,3}",
    ]
    .boxed()
}

/// A tree with spellings erased: spans, literal kinds, backreference,
/// property and group-name spellings, and the grouping a printer may add.
fn canon(a: &Ast) -> Ast {
    fn lit(l: &Literal) -> Literal {
        Literal {
            c: l.c,
            kind: LiteralKind::Verbatim,
        }
    }
    fn class(c: &Class) -> Class {
        Class {
            span: Span::default(),
            negated: c.negated,
            set: set(&c.set),
        }
    }
    fn prop(p: &Property) -> Property {
        Property {
            spelling: PropertySpelling::Braced,
            ..p.clone()
        }
    }
    fn set(s: &ClassSet) -> ClassSet {
        match s {
            ClassSet::Union { items } => ClassSet::Union {
                items: items
                    .iter()
                    .map(|i| {
                        item(match &i.kind {
                            ClassItemKind::Literal(l) => ClassItemKind::Literal(lit(l)),
                            ClassItemKind::Range { start, end } => ClassItemKind::Range {
                                start: lit(start),
                                end: lit(end),
                            },
                            ClassItemKind::Nested(c) => ClassItemKind::Nested(Box::new(class(c))),
                            ClassItemKind::Strings(v) => ClassItemKind::Strings(
                                v.iter().map(|s| s.iter().map(lit).collect()).collect(),
                            ),
                            ClassItemKind::Property(p) => ClassItemKind::Property(prop(p)),
                            other => other.clone(),
                        })
                    })
                    .collect(),
            },
            ClassSet::Op { op, lhs, rhs } => ClassSet::Op {
                op: *op,
                lhs: Box::new(set(lhs)),
                rhs: Box::new(set(rhs)),
            },
        }
    }
    let kind = match &a.kind {
        AstKind::SetFlags(fc) if fc.on.is_empty() && fc.off.is_empty() && !fc.caret => {
            AstKind::Empty
        }
        AstKind::Literal(l) => AstKind::Literal(lit(l)),
        AstKind::Property(p) => AstKind::Property(prop(p)),
        AstKind::Class(c) => AstKind::Class(Box::new(class(c))),
        AstKind::Group(g) => {
            let inner = canon(&g.ast);
            let kind = match &g.kind {
                GroupKind::NonCapture => return inner,
                GroupKind::Capture { index, name } => GroupKind::Capture {
                    index: *index,
                    name: name.as_ref().map(|n| GroupName {
                        name: n.name.clone(),
                        spelling: NameSpelling::Angle,
                    }),
                },
                other => other.clone(),
            };
            AstKind::Group(Box::new(Group { kind, ast: inner }))
        }
        AstKind::Repetition(r) => AstKind::Repetition(Box::new(Repetition {
            op_span: Span::default(),
            op: r.op,
            greed: r.greed,
            ast: canon(&r.ast),
        })),
        AstKind::Alternation(v) => AstKind::Alternation(v.iter().map(canon).collect()),
        AstKind::Concat(v) => {
            let mut out = Vec::new();
            for x in v.iter().map(canon) {
                match x.kind {
                    AstKind::Empty => {}
                    // `(?)` changes nothing and may be printed as nothing.
                    AstKind::SetFlags(ref fc)
                        if fc.on.is_empty() && fc.off.is_empty() && !fc.caret => {}
                    AstKind::Concat(inner) => out.extend(inner),
                    _ => out.push(x),
                }
            }
            return seq_of(out);
        }
        AstKind::Backref(b) => AstKind::Backref(Backref {
            target: b.target.clone(),
            spelling: BackrefSpelling::Digits,
        }),
        AstKind::Conditional(c) => AstKind::Conditional(Box::new(Conditional {
            condition: match &c.condition {
                Condition::Assertion(x) => Condition::Assertion(Box::new(canon(x))),
                other => other.clone(),
            },
            yes: canon(&c.yes),
            no: c.no.as_ref().map(canon),
        })),
        other => other.clone(),
    };
    mk(kind)
}

fn never_panics(f: Flavor) {
    let mut runner = TestRunner::new(PtConfig {
        cases: cases(2000),
        failure_persistence: None,
        rng_seed: seed(),
        ..PtConfig::default()
    });
    let result = runner.run(&(regexish(), flag_string(f)), |(pattern, flags)| {
        let r = std::panic::catch_unwind(|| parse(&pattern, f, &flags));
        prop_assert!(
            r.is_ok(),
            "{}: parse panicked on {:?} with flags {:?}",
            f,
            pattern,
            flags
        );
        // Whatever parses prints back to a pattern that parses to the same
        // tree (modulo spellings), and printing is then stable.
        if let Ok(Ok(p)) = r {
            let s1 = print_pattern(&p);
            let p1 = parse(&s1, f, &flags).map_err(|e| {
                TestCaseError::fail(format!(
                    "{f} {flags:?}: {pattern:?} printed as {s1:?}, which does not parse: {e}"
                ))
            })?;
            let (c0, c1) = (canon(&p.ast), canon(&p1.ast));
            prop_assert!(
                c0 == c1,
                "{} {:?}: {:?} printed as {:?} reads differently:\n{:?}\n{:?}",
                f,
                flags,
                pattern,
                s1,
                c0,
                c1
            );
            let s2 = print_pattern(&p1);
            prop_assert_eq!(
                &s2,
                &s1,
                "{} {:?}: printing {:?} is not stable",
                f,
                flags,
                pattern
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn never_panics_js() {
    never_panics(Js);
}

#[test]
fn never_panics_python() {
    never_panics(Python);
}

#[test]
fn never_panics_java() {
    never_panics(Java);
}

#[test]
fn never_panics_pcre() {
    never_panics(Pcre);
}

#[test]
fn never_panics_ruby() {
    never_panics(Ruby);
}

#[test]
fn never_panics_dotnet() {
    never_panics(Dotnet);
}

#[test]
fn never_panics_rust() {
    never_panics(Rust);
}

#[test]
fn never_panics_go() {
    never_panics(Go);
}
