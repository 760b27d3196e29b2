//! Errors as data: a kind, the pattern, the span, and the engine's message.

use crate::span::Span;
use serde::Serialize;
use std::fmt;

/// Why a pattern was rejected.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A flag letter the flavor does not know, or a forbidden combination.
    InvalidFlag,
    /// A quantifier with nothing before it (`*a`, `(|+)`).
    NothingToRepeat,
    /// A quantifier directly after another one where the flavor forbids it.
    MultipleRepeat,
    /// `{n,m}` with `n > m`.
    RepetitionOrder,
    /// A repetition count larger than the engine allows.
    RepetitionTooLarge,
    /// A malformed `{...}` quantifier where the flavor does not read it literally.
    InvalidQuantifier,
    /// `(` without `)`.
    UnclosedGroup,
    /// `)` without `(`.
    UnopenedGroup,
    /// `[` without `]`.
    UnclosedClass,
    /// A range whose end is below its start, or whose ends are not characters.
    InvalidRange,
    /// An escape the flavor rejects.
    InvalidEscape,
    /// A Unicode property name or value the flavor does not know.
    UnknownProperty,
    /// A malformed or unknown group construct (`(?Q...)`).
    InvalidGroup,
    /// A malformed capture-group name.
    InvalidGroupName,
    /// A group name used twice.
    DuplicateGroupName,
    /// A backreference to a group that does not exist (or is not allowed there).
    InvalidBackreference,
    /// A lookbehind whose length the flavor needs bounded or fixed.
    LookbehindNotFixed,
    /// Class set syntax errors (JS `v` mode operators, nested classes).
    InvalidClassSet,
    /// Inline flags that are malformed or misplaced.
    InvalidInlineFlag,
    /// The pattern nests deeper than the parser's limit.
    NestLimitExceeded,
    /// Too many capture groups, or a pattern too large for the engine.
    TooLarge,
    /// Syntax of a feature that the flavor's engine does not support.
    Unsupported,
    /// Any other syntax error.
    Syntax,
}

/// A pattern the flavor's engine would reject, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Error {
    /// What kind of error.
    pub kind: ErrorKind,
    /// The text the span points into (the pattern, or the flags string for
    /// [`ErrorKind::InvalidFlag`]).
    pub pattern: String,
    /// The offending bytes of [`Error::pattern`].
    pub span: Span,
    /// A message in the words of the flavor's engine.
    pub message: String,
}

impl Error {
    /// An error of `kind` at `span` of `pattern`.
    pub fn new(kind: ErrorKind, pattern: &str, span: Span, message: String) -> Error {
        Error {
            kind,
            pattern: pattern.to_string(),
            span,
            message,
        }
    }

    /// Renders the pattern with a caret line under [`Error::span`], like:
    ///
    /// ```text
    /// (a+
    /// ^^^
    /// ```
    pub fn caret(&self) -> String {
        render_caret(&self.pattern, self.span)
    }
}

/// Draws `pattern` on one line and `^` under the bytes of `span` on the next.
///
/// Control characters and newlines in the pattern are shown as `␊`-style
/// symbols so that the caret stays aligned.
pub fn render_caret(pattern: &str, span: Span) -> String {
    let mut line = String::new();
    let mut marks = String::new();
    for (i, c) in pattern.char_indices() {
        let shown: char = match c {
            '\n' => '\u{240A}',
            '\r' => '\u{240D}',
            '\t' => '\u{2409}',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
            c => c,
        };
        line.push(shown);
        let in_span = i >= span.start && i < span.end;
        marks.push(if in_span { '^' } else { ' ' });
    }
    if span.start >= pattern.len() {
        marks.push('^');
    }
    let marks = marks.trim_end().to_string();
    format!("{line}\n{marks}")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}..{}",
            self.message, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for Error {}
