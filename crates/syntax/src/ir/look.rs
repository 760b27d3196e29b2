//! Zero-width assertions with their exact per-flavor parameters.

use super::class::{class_of, sets, CharSet};
use serde::Serialize;
use std::fmt;

/// A zero-width assertion, with everything needed to evaluate it exactly.
///
/// [`Look::is_match`] is the reference semantics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Look {
    /// The start of the text: `\A`, and `^` outside multi-line mode.
    StartText,
    /// The very end of the text: `\z`, and `$` in JS, Rust and Go.
    EndText,
    /// The end of the text, or before a line terminator that ends the text:
    /// `\Z`, and `$` in Python, PCRE (without `D`), .NET and Java.
    EndTextOptionalNewline {
        /// Which characters end a line.
        terminators: Terminators,
    },
    /// The start of a line: multi-line `^` (always in Ruby).
    StartLine {
        /// Which characters end a line.
        terminators: Terminators,
        /// Whether `^` can match at the very end of the text.
        at_end: LineStartAtEnd,
    },
    /// The end of a line: multi-line `$` (always in Ruby).
    EndLine {
        /// Which characters end a line.
        terminators: Terminators,
    },
    /// `\b`: a word character on exactly one side.
    WordBoundary {
        /// What a word character is.
        word: WordChars,
    },
    /// `\B`: word characters on both sides or on neither.
    NotWordBoundary {
        /// What a word character is.
        word: WordChars,
    },
    /// `\<`, `\b{start}`, `[[:<:]]`: a non-word character (or the start)
    /// before and a word character after.
    WordStart {
        /// What a word character is.
        word: WordChars,
    },
    /// `\>`, `\b{end}`, `[[:>:]]`: a word character before and a non-word
    /// character (or the end) after.
    WordEnd {
        /// What a word character is.
        word: WordChars,
    },
    /// `\b{start-half}` (Rust): no word character before.
    WordStartHalf {
        /// What a word character is.
        word: WordChars,
    },
    /// `\b{end-half}` (Rust): no word character after.
    WordEndHalf {
        /// What a word character is.
        word: WordChars,
    },
    /// `\G` (and the implicit anchor of JS `y` and PCRE `A`): where the
    /// search started, which the analysis takes to be the start of the text.
    PrevMatchEnd,
}

/// The line terminators of a flavor (and mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Terminators {
    /// `\n` only: Python, PCRE, Ruby, .NET, Go, Rust, Java `UNIX_LINES`.
    Lf,
    /// `\n` and `\r`, with `\r\n` one terminator: Rust CRLF mode (`R`).
    Crlf,
    /// JS `LineTerminator`: `\n \r U+2028 U+2029`, each on its own (`$`
    /// matches between `\r` and `\n`).
    Js,
    /// Java: `\n \r U+0085 U+2028 U+2029`, with `\r\n` one terminator.
    Java,
}

impl Terminators {
    /// Whether `c` is (the start or end of) a line terminator.
    pub fn contains(self, c: char) -> bool {
        match self {
            Terminators::Lf => c == '\n',
            Terminators::Crlf => c == '\n' || c == '\r',
            Terminators::Js => matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'),
            Terminators::Java => matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'),
        }
    }

    /// Whether `\r\n` is a single terminator (no line boundary between them).
    pub fn crlf_is_one(self) -> bool {
        matches!(self, Terminators::Crlf | Terminators::Java)
    }

    /// The terminator characters as a set (what `.` excludes).
    pub fn set(self) -> CharSet {
        let pairs: &[(u32, u32)] = match self {
            Terminators::Lf => &[(0x0A, 0x0A)],
            Terminators::Crlf => &[(0x0A, 0x0A), (0x0D, 0x0D)],
            Terminators::Js => &[(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)],
            Terminators::Java => &[(0x0A, 0x0A), (0x0D, 0x0D), (0x85, 0x85), (0x2028, 0x2029)],
        };
        CharSet::from_class(class_of(pairs))
    }
}

/// Whether a multi-line `^` can match at the very end of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStartAtEnd {
    /// Yes, after a final line terminator or in the empty text (JS, Python,
    /// .NET, Rust, Go).
    Yes,
    /// Only in the empty text: not after a final terminator (PCRE, Ruby).
    OnlyEmpty,
    /// Never, not even in the empty text (Java).
    Never,
}

/// What counts as a word character for `\b` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordChars {
    /// `[0-9A-Za-z_]`: JS, Go, PCRE without UCP, Python `re.ASCII`, Rust
    /// `(?-u)`, .NET ECMAScript, Ruby `(?a)`.
    Ascii,
    /// Java 17 `\b` without `UNICODE_CHARACTER_CLASS`: `[\p{L}\p{Nd}_]`
    /// (`Character.isLetterOrDigit` or `_`), where a non-spacing mark also
    /// counts when it follows (through other marks) a letter or digit.
    /// [`WordChars::set`] leaves the marks out; [`Look::is_match`] applies
    /// the rule. (Java 19 made `\b` ASCII, like `\w`.)
    Java,
    /// JS with `i` and `u`/`v`: `[0-9A-Za-z_]` plus `U+017F` and `U+212A`.
    JsIgnoreCase,
    /// `[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]`: Rust, Java
    /// `UNICODE_CHARACTER_CLASS`.
    Unicode,
    /// `[\p{L}\p{N}_]` (`str.isalnum()` or `_`): Python.
    Python,
    /// `[\p{L}\p{Mn}\p{Nd}\p{Pc}\u200C\u200D]`: .NET.
    Dotnet,
    /// `[\p{L}\p{N}\p{Mn}\p{Pc}_]`: PCRE with UCP.
    Pcre,
    /// `[\p{L}\p{M}\p{N}\p{Pc}]`: Ruby (Onigmo, Unicode).
    Ruby,
}

impl WordChars {
    /// Whether this is an ASCII-only definition.
    pub fn is_ascii(self) -> bool {
        matches!(self, WordChars::Ascii)
    }

    /// The word characters as a set. Costs a table lookup: cache it (see
    /// [`WordSets`]).
    pub fn set(self) -> CharSet {
        let text = match self {
            WordChars::Ascii => return CharSet::from_class(class_of(sets::ASCII_WORD)),
            WordChars::JsIgnoreCase => {
                return CharSet::from_class(class_of(sets::JS_WORD_FOLDED));
            }
            WordChars::Java => r"[\p{L}\p{Nd}_]",
            WordChars::Unicode => r"\w",
            WordChars::Python => r"[\p{L}\p{N}_]",
            WordChars::Dotnet => r"[\p{L}\p{Mn}\p{Nd}\p{Pc}\x{200C}\x{200D}]",
            WordChars::Pcre => r"[\p{L}\p{N}\p{Mn}\p{Pc}_]",
            WordChars::Ruby => r"[\p{L}\p{M}\p{N}\p{Pc}]",
        };
        CharSet::from_class(sets::rs(text).expect("valid word class"))
    }

    const ALL: [WordChars; 8] = [
        WordChars::Ascii,
        WordChars::Java,
        WordChars::JsIgnoreCase,
        WordChars::Unicode,
        WordChars::Python,
        WordChars::Dotnet,
        WordChars::Pcre,
        WordChars::Ruby,
    ];
}

/// The word-character sets of every [`WordChars`], built once, for
/// evaluating word-boundary assertions.
#[derive(Clone, Debug)]
pub struct WordSets {
    sets: [CharSet; 8],
    /// `\p{Mn}`, for Java's rule about marks.
    mn: CharSet,
    /// `[\p{L}\p{Nd}]`: what a mark needs as its base in Java.
    letter_or_digit: CharSet,
}

impl Default for WordSets {
    fn default() -> WordSets {
        WordSets::new()
    }
}

impl WordSets {
    /// Builds all the sets.
    pub fn new() -> WordSets {
        let rs = |t: &str| CharSet::from_class(sets::rs(t).expect("valid class"));
        WordSets {
            sets: WordChars::ALL.map(WordChars::set),
            mn: rs(r"\p{Mn}"),
            letter_or_digit: rs(r"[\p{L}\p{Nd}]"),
        }
    }

    /// Whether `c` is in `word`'s set (see [`WordChars::set`]).
    pub fn is_word(&self, word: WordChars, c: char) -> bool {
        let i = WordChars::ALL.iter().position(|w| *w == word).unwrap_or(0);
        self.sets[i].contains(c)
    }

    /// Whether `text[i]` counts as a word character for a boundary.
    fn is_word_at(&self, word: WordChars, text: &[char], i: usize) -> bool {
        let c = text[i];
        if self.is_word(word, c) {
            return true;
        }
        if word != WordChars::Java || !self.mn.contains(c) {
            return false;
        }
        // java.util.regex.Pattern.hasBaseCharacter
        for &b in text[..=i].iter().rev() {
            if self.letter_or_digit.contains(b) {
                return true;
            }
            if !self.mn.contains(b) {
                return false;
            }
        }
        false
    }
}

impl Look {
    /// Whether the assertion holds at position `at` (`0..=text.len()`) of
    /// `text`, where the search started at position 0.
    pub fn is_match(&self, text: &[char], at: usize, words: &WordSets) -> bool {
        let n = text.len();
        let before = if at > 0 {
            text.get(at - 1).copied()
        } else {
            None
        };
        let after = text.get(at).copied();
        let word_before = |w| at > 0 && at <= n && words.is_word_at(w, text, at - 1);
        let word_after = |w| at < n && words.is_word_at(w, text, at);
        match *self {
            Look::StartText | Look::PrevMatchEnd => at == 0,
            Look::EndText => at == n,
            Look::EndTextOptionalNewline { terminators: t } => {
                if at == n {
                    return true;
                }
                if t.crlf_is_one() && at + 2 == n && text[at] == '\r' && text[at + 1] == '\n' {
                    return true;
                }
                at + 1 == n
                    && t.contains(text[at])
                    && !(t.crlf_is_one() && text[at] == '\n' && before == Some('\r'))
            }
            Look::StartLine {
                terminators: t,
                at_end,
            } => {
                if at == n {
                    match at_end {
                        LineStartAtEnd::Never => return false,
                        LineStartAtEnd::OnlyEmpty => return n == 0,
                        LineStartAtEnd::Yes => {}
                    }
                }
                match before {
                    None => true,
                    Some(p) => {
                        t.contains(p) && !(t.crlf_is_one() && p == '\r' && after == Some('\n'))
                    }
                }
            }
            Look::EndLine { terminators: t } => match after {
                None => true,
                Some(c) => t.contains(c) && !(t.crlf_is_one() && c == '\n' && before == Some('\r')),
            },
            Look::WordBoundary { word } => word_before(word) != word_after(word),
            Look::NotWordBoundary { word } => word_before(word) == word_after(word),
            Look::WordStart { word } => !word_before(word) && word_after(word),
            Look::WordEnd { word } => word_before(word) && !word_after(word),
            Look::WordStartHalf { word } => !word_before(word),
            Look::WordEndHalf { word } => !word_after(word),
        }
    }

    /// The word-character definition of a word assertion.
    pub fn word_chars(&self) -> Option<WordChars> {
        match *self {
            Look::WordBoundary { word }
            | Look::NotWordBoundary { word }
            | Look::WordStart { word }
            | Look::WordEnd { word }
            | Look::WordStartHalf { word }
            | Look::WordEndHalf { word } => Some(word),
            _ => None,
        }
    }
}

impl fmt::Display for Look {
    /// Flavor-neutral text: `\A \z \Z (?m:^) (?m:$) \b \B \b{start} \b{end}
    /// \b{start-half} \b{end-half} \G`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Look::StartText => "\\A",
            Look::EndText => "\\z",
            Look::EndTextOptionalNewline { .. } => "\\Z",
            Look::StartLine { .. } => "(?m:^)",
            Look::EndLine { .. } => "(?m:$)",
            Look::WordBoundary { .. } => "\\b",
            Look::NotWordBoundary { .. } => "\\B",
            Look::WordStart { .. } => "\\b{start}",
            Look::WordEnd { .. } => "\\b{end}",
            Look::WordStartHalf { .. } => "\\b{start-half}",
            Look::WordEndHalf { .. } => "\\b{end-half}",
            Look::PrevMatchEnd => "\\G",
        })
    }
}
