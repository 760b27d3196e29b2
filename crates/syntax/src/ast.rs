//! The abstract syntax tree: what the pattern says, in its own flavor's
//! spelling, with a byte span on every node.
//!
//! The AST keeps spelling (how a literal was escaped, which group-name syntax
//! was used) so that the printer can reproduce the pattern, but no layout:
//! whitespace and comments of extended mode are not nodes.

use crate::span::Span;
use serde::Serialize;

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ast {
    /// The bytes of the pattern this node was read from.
    pub span: Span,
    /// What the node is.
    pub kind: AstKind,
}

/// The kinds of node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum AstKind {
    /// Matches the empty string (an empty pattern or alternative).
    Empty,
    /// One character.
    Literal(Literal),
    /// `.`
    Dot,
    /// A zero-width assertion such as `^`, `$`, `\b`.
    Assertion {
        /// Which assertion.
        kind: AssertionKind,
    },
    /// A shorthand class such as `\d` or `\S`.
    Perl(PerlClass),
    /// A Unicode property such as `\p{L}` or `\P{Script=Greek}`.
    Property(Property),
    /// A bracketed class `[...]`.
    Class(Box<Class>),
    /// A group `(...)` of any kind.
    Group(Box<Group>),
    /// A quantified expression.
    Repetition(Box<Repetition>),
    /// `a|b|c`: two or more alternatives.
    Alternation(Vec<Ast>),
    /// `abc`: two or more items in sequence.
    Concat(Vec<Ast>),
    /// A backreference to a capture group.
    Backref(Backref),
    /// `(?(cond)yes|no)`.
    Conditional(Box<Conditional>),
    /// Inline flags that apply to the rest of the enclosing group: `(?i)`.
    SetFlags(FlagChange),
    /// Constructs the analyzer treats as opaque: recursion, `\K`, verbs, …
    Special(Special),
}

/// A single character, with how it was spelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Literal {
    /// The code point (a lone surrogate is possible in JS and Python).
    pub c: u32,
    /// How the character was written.
    pub kind: LiteralKind,
}

/// How a literal character was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiteralKind {
    /// The character itself.
    Verbatim,
    /// A backslash and the character (`\.`, `\/`, or an identity escape).
    Escaped,
    /// `\xHH`.
    Hex2,
    /// `\x{H…}` (PCRE, Java, Ruby, Go, Rust), or `\o{…}` when octal.
    HexBrace,
    /// `\uHHHH`.
    Unicode4,
    /// `\u{H…}` (JS `u`/`v` mode, Rust).
    UnicodeBrace,
    /// `\UHHHHHHHH` (Python, Rust).
    Unicode8,
    /// A JS surrogate pair `\uD83D\uDE00` read as one astral character.
    SurrogatePair,
    /// An octal escape (`\012`, `\0`, legacy `\1` when no such group exists).
    Octal,
    /// `\o{…}` (PCRE, Perl).
    OctalBrace,
    /// `\cX`.
    Control,
    /// A named control escape: `\n \r \t \f \v \a \e`, class `[\b]`.
    Special,
    /// `\N{NAME}` or `\N{U+HHHH}`.
    Named,
    /// A character inside `\Q…\E`.
    Quoted,
}

/// Zero-width assertions, in source spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertionKind {
    /// `^`: start of text, or of a line in multi-line mode (always in Ruby).
    Caret,
    /// `$`: end of text (or before a final newline, per flavor), or of a line.
    Dollar,
    /// `\A`
    StartText,
    /// `\z`
    EndText,
    /// `\Z`: end of text or before a final line terminator.
    EndTextOptionalNewline,
    /// `\b`
    WordBoundary,
    /// `\B`
    NotWordBoundary,
    /// `\<`, `\b{start}`, `[[:<:]]`
    WordStart,
    /// `\>`, `\b{end}`, `[[:>:]]`
    WordEnd,
    /// `\b{start-half}` (Rust)
    WordStartHalf,
    /// `\b{end-half}` (Rust)
    WordEndHalf,
    /// `\G`: where the previous match ended (start of the search).
    PrevMatchEnd,
}

/// A shorthand class escape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PerlClass {
    /// Which class.
    pub kind: PerlKind,
    /// Upper-case spelling (`\D`, `\W`, …).
    pub negated: bool,
}

/// The shorthand classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PerlKind {
    /// `\d`
    Digit,
    /// `\w`
    Word,
    /// `\s`
    Space,
    /// `\h` (horizontal white space; Ruby: hex digit).
    HorizontalSpace,
    /// `\v` where it means vertical white space (PCRE, Java).
    VerticalSpace,
    /// `\N` where it means "not a newline" (PCRE, Perl).
    NotNewline,
    /// `\h` in Ruby: a hexadecimal digit.
    HexDigit,
}

/// A Unicode property escape or a Java/Ruby named class.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Property {
    /// `\P{…}` or `\p{^…}`.
    pub negated: bool,
    /// The property name, or the lone value (`L`, `Greek`, `Alphabetic`).
    pub name: String,
    /// The value for `name=value` forms.
    pub value: Option<String>,
    /// How it was written.
    pub spelling: PropertySpelling,
}

/// How a property was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertySpelling {
    /// `\p{…}` / `\P{…}`.
    Braced,
    /// `\p{^…}` (PCRE, Ruby): negated inside the braces.
    BracedCaret,
    /// `\pL`: a one-letter name without braces.
    Single,
}

/// A bracketed character class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Class {
    /// From `[` to `]` inclusive.
    pub span: Span,
    /// `[^…]`
    pub negated: bool,
    /// What is inside.
    pub set: ClassSet,
}

/// The body of a class: a union of items, or set operations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClassSet {
    /// The union of the items (possibly none).
    Union {
        /// The items in source order.
        items: Vec<ClassItem>,
    },
    /// A binary set operation; chains are left-associative.
    Op {
        /// The operator.
        op: ClassOp,
        /// Left operand.
        lhs: Box<ClassSet>,
        /// Right operand.
        rhs: Box<ClassSet>,
    },
}

/// Class set operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassOp {
    /// `&&` (Java, Ruby, JS `v`).
    Intersection,
    /// `--` (JS `v`, Rust) or `-[…]` (.NET).
    Subtraction,
    /// `~~` (Rust).
    SymmetricDifference,
}

/// One item of a class union.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassItem {
    /// The bytes of the item.
    pub span: Span,
    /// What it is.
    pub kind: ClassItemKind,
}

/// The kinds of class items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum ClassItemKind {
    /// One character.
    Literal(Literal),
    /// `a-z`.
    Range {
        /// First character.
        start: Literal,
        /// Last character.
        end: Literal,
    },
    /// `\d`, `\W`, …
    Perl(PerlClass),
    /// `\p{…}`.
    Property(Property),
    /// `[:alpha:]`, `[:^digit:]`.
    Posix {
        /// The class name.
        name: String,
        /// `[:^…:]`.
        negated: bool,
    },
    /// A nested class `[…]` (Java, Ruby, JS `v`, and .NET subtraction operands).
    Nested(Box<Class>),
    /// JS `v` mode `\q{abc|d}`: alternatives of strings.
    Strings(Vec<Vec<Literal>>),
}

/// A group and what it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The kind of group.
    pub kind: GroupKind,
    /// The contents.
    pub ast: Ast,
}

/// The kinds of group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GroupKind {
    /// A capture group, numbered from 1 in order of its `(`.
    Capture {
        /// The group number.
        index: u32,
        /// The name, for named groups.
        name: Option<GroupName>,
    },
    /// `(?:…)`
    NonCapture,
    /// `(?flags:…)` or `(?flags-flags:…)`.
    Flags(FlagChange),
    /// `(?>…)`
    Atomic,
    /// `(?=…)` / `(?!…)`
    Lookahead {
        /// `(?!…)`
        negated: bool,
    },
    /// `(?<=…)` / `(?<!…)`
    Lookbehind {
        /// `(?<!…)`
        negated: bool,
    },
    /// PCRE `(?|…)`: each alternative numbers its groups from the same start.
    BranchReset,
    /// Ruby `(?~…)`: the absence operator.
    Absent,
}

/// A capture-group name and how it was introduced.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct GroupName {
    /// The name.
    pub name: String,
    /// The syntax used.
    pub spelling: NameSpelling,
}

/// Spellings of named groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameSpelling {
    /// `(?<name>…)`
    Angle,
    /// `(?P<name>…)`
    PAngle,
    /// `(?'name'…)`
    Quote,
}

/// Inline flag changes: `(?i-m)` or the `i-m` of `(?i-m:…)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct FlagChange {
    /// Letters turned on, in source order.
    pub on: String,
    /// Letters turned off, in source order.
    pub off: String,
    /// PCRE `(?^…)`: reset to defaults first.
    pub caret: bool,
}

/// A quantifier and its operand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Repetition {
    /// The span of the quantifier itself (`+`, `{2,5}?`).
    pub op_span: Span,
    /// How the count was written.
    pub op: RepetitionOp,
    /// Greedy, lazy or possessive.
    pub greed: Greed,
    /// What is repeated.
    pub ast: Ast,
}

impl Repetition {
    /// The least number of iterations.
    pub fn min(&self) -> u32 {
        self.op.min()
    }

    /// The most iterations, `None` for unbounded.
    pub fn max(&self) -> Option<u32> {
        self.op.max()
    }
}

/// How a repetition count was written. Counts saturate at `u32::MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RepetitionOp {
    /// `*`
    Star,
    /// `+`
    Plus,
    /// `?`
    Question,
    /// `{n}`
    Exactly {
        /// n
        n: u32,
    },
    /// `{n,}`
    AtLeast {
        /// n
        n: u32,
    },
    /// `{n,m}`
    Bounded {
        /// n
        min: u32,
        /// m
        max: u32,
    },
    /// `{,m}` (Python, Ruby, recent PCRE)
    UpTo {
        /// m
        max: u32,
    },
}

impl RepetitionOp {
    /// The least number of iterations.
    pub fn min(self) -> u32 {
        match self {
            RepetitionOp::Star | RepetitionOp::Question | RepetitionOp::UpTo { .. } => 0,
            RepetitionOp::Plus => 1,
            RepetitionOp::Exactly { n } | RepetitionOp::AtLeast { n } => n,
            RepetitionOp::Bounded { min, .. } => min,
        }
    }

    /// The most iterations, `None` for unbounded.
    pub fn max(self) -> Option<u32> {
        match self {
            RepetitionOp::Star | RepetitionOp::Plus | RepetitionOp::AtLeast { .. } => None,
            RepetitionOp::Question => Some(1),
            RepetitionOp::Exactly { n } => Some(n),
            RepetitionOp::Bounded { max, .. } | RepetitionOp::UpTo { max } => Some(max),
        }
    }
}

/// Quantifier greed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Greed {
    /// Try more iterations first.
    Greedy,
    /// `?` suffix: try fewer iterations first.
    Lazy,
    /// `+` suffix: never give iterations back.
    Possessive,
}

/// A backreference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Backref {
    /// Which group.
    pub target: BackrefTarget,
    /// How it was written.
    pub spelling: BackrefSpelling,
}

/// What a backreference refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum BackrefTarget {
    /// An absolute group number.
    Number(u32),
    /// A relative group number (`\g{-1}`, `\k<-1>`), as written.
    Relative(i32),
    /// A group name.
    Name(String),
}

/// Spellings of backreferences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackrefSpelling {
    /// `\1`
    Digits,
    /// `\k<name>`
    KAngle,
    /// `\k'name'`
    KQuote,
    /// `\k{name}`
    KBrace,
    /// `(?P=name)`
    PEquals,
    /// `\g1` / `\g-1`
    G,
    /// `\g{1}` / `\g{name}`
    GBrace,
}

/// A conditional group `(?(cond)yes|no)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conditional {
    /// The condition.
    pub condition: Condition,
    /// Taken when the condition holds.
    pub yes: Ast,
    /// Taken otherwise (empty when absent).
    pub no: Option<Ast>,
}

/// Conditions of a conditional group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Condition {
    /// Group n has matched: `(?(1)…)`.
    Group(u32),
    /// Named group has matched: `(?(name)…)`, `(?(<name>)…)`.
    Name(String),
    /// A lookaround assertion: `(?(?=…)…)`.
    Assertion(Box<Ast>),
    /// PCRE `(?(R)…)`, `(?(R1)…)`, `(?(DEFINE)…)`: recursion state.
    Recursion(String),
}

/// Constructs outside the regular core that the analyzer treats as opaque.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Special {
    /// `\K`: reset the reported match start.
    KeepOut,
    /// `\R`: any line break sequence.
    LineBreak,
    /// `\X`: an extended grapheme cluster.
    Grapheme,
    /// `\C`: one code unit / byte.
    AnyByte,
    /// Java `\b{g}`: an extended grapheme cluster boundary.
    GraphemeBoundary,
    /// Recursion or a subroutine call: `(?R)`, `(?1)`, `(?&name)`, `\g<name>`.
    Recursion(String),
    /// A backtracking control verb such as `(*SKIP)` or `(*FAIL)`, as written.
    Verb(String),
    /// A callout `(?C…)`, as written.
    Callout(String),
}
