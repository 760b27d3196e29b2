//! Regex extraction for `redoscope audit`: finds the regexes a source file
//! builds (literals and calls of each language's regex API), decodes the
//! host language's string escapes, and says which flavor, flags and
//! matching mode each one is used with.
//!
//! This crate is pure: it takes source text and returns data, with no file,
//! process or clock access. Parsing uses the tree-sitter grammars of the ten
//! [`Language`]s, so comments, plain strings and divisions are never taken
//! for regexes.
//!
//! ```
//! use redoscope_extract::{extract, Language};
//! use redoscope_syntax::Flavor;
//!
//! let (found, errors) = extract(r#"const re = new RegExp("\\d+", "g"); // /not/"#, Language::JavaScript);
//! assert!(errors.is_empty());
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].pattern, r"\d+");
//! assert_eq!(found[0].flags, "g");
//! assert_eq!(found[0].flavor, Flavor::Js);
//! assert_eq!((found[0].line, found[0].column), (1, 24));
//! assert!(!found[0].verbatim); // `\\d` in the source is `\d` in the pattern
//! ```
//!
//! The regex uses recognized:
//!
//! | Language | Forms | Flavor, mode |
//! |---|---|---|
//! | JS, TS, TSX | `/…/flags`, `new RegExp(p, f)`, `RegExp(p, f)`, `String.raw` templates | Js, none |
//! | Python | `re.compile/match/search/fullmatch/sub/subn/split/findall/finditer`, `from re import …`, `flags=` | Python; match Prefix, fullmatch Full, others Search, compile from a chained call |
//! | Java | `Pattern.compile(p, flags)`, `Pattern.matches`, `s.matches/replaceAll/replaceFirst/split` | Java; matches Full, others Search, compile from `.matcher(s).matches()` and the like |
//! | Go | `regexp.MustCompile/Compile/…POSIX/MatchString/Match/MatchReader` | Go (linear), Search |
//! | Ruby | `/…/flags`, `%r{…}flags`, `Regexp.new/compile(p, options)` | Ruby, Search |
//! | PHP | `preg_match(_all)/replace(_callback)/split/grep/filter` with `/…/mods` (any delimiter, bracket pairs), arrays of patterns | Pcre, Search |
//! | C# | `new Regex(p, options)`, `Regex.IsMatch/Match/Matches/Replace/Split/Count(input, p, options)`, `[GeneratedRegex]`, `[RegularExpression]` (Full) | Dotnet, Search; NonBacktracking is linear |
//! | Rust | `Regex/RegexBuilder/RegexSet::new` (builder flags), `regex!` and lazy-regex macros, `Regex::new` inside macros (`lazy_static!`), `fancy_regex` (Rust flavor, not linear), `pcre2` (Pcre) | Search |
//!
//! What is understood of the arguments:
//!
//! - patterns given as literals, `+`-concatenations of literals (`.` in PHP,
//!   adjacent literals in Python), and names bound once in the same file to
//!   such a value (`const RE = "…"`, `PATTERN = r"…"`, `static final String
//!   P = "…"`). Names are not scoped: a name bound twice is not resolved.
//! - flags given as literals or as the API's constants (`re.I | re.M`,
//!   `Pattern.CASE_INSENSITIVE`, `RegexOptions.IgnoreCase`, …), translated
//!   to the flavor's letters as [`redoscope_syntax::Flags::parse`] reads them.
//!
//! A literal that cannot be decoded, or flags that cannot be resolved, give
//! an [`ExtractError`]; a pattern that is not a literal (a variable, a
//! formatted string) is skipped silently.

#![deny(missing_docs)]

mod decode;
mod lang;
mod langs;
mod walk;

pub use lang::Language;

use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use serde::Serialize;

/// One regex found in source code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Extracted {
    /// The pattern text, with the host language's escapes resolved.
    pub pattern: String,
    /// The flags, in the flavor's letters (e.g. `"gi"` for JS, `"im"` for
    /// Python's `re.I | re.M`).
    pub flags: String,
    /// The dialect the pattern is compiled as.
    pub flavor: Flavor,
    /// The matching mode the API implies, where it implies one (Python
    /// `re.match` is [`Mode::Prefix`], Java `matches` is [`Mode::Full`]);
    /// `None` when the use is not known (a compiled pattern used elsewhere,
    /// every JS regex).
    #[serde(serialize_with = "ser_mode")]
    pub mode: Option<Mode>,
    /// The API that builds the regex: `"regex literal"`, `"new RegExp"`,
    /// `"re.compile"`, `"Pattern.compile"`, `"preg_match"`, `"Regex::new"`, …
    pub api: String,
    /// The 1-based line of the first character of the pattern text in the
    /// source (after the opening quote, slash or PHP delimiter).
    pub line: u32,
    /// The 1-based column of that character, counted in characters (Unicode
    /// scalar values) from the start of the line.
    pub column: u32,
    /// The byte range of the pattern's text in the source (for a
    /// concatenation, from the first literal's content to the last one's).
    pub byte_range: std::ops::Range<usize>,
    /// Whether the pattern appears byte for byte at `byte_range` (no escapes
    /// decoded, no concatenation), so that pattern offsets map to source
    /// offsets by adding `byte_range.start`.
    pub verbatim: bool,
    /// Whether the engine is linear-time (Go `regexp`, the Rust `regex`
    /// crate, .NET `RegexOptions.NonBacktracking`).
    pub linear_engine: bool,
}

fn ser_mode<S: serde::Serializer>(m: &Option<Mode>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_some(m.name()),
        None => s.serialize_none(),
    }
}

/// A regex use that was found but could not be extracted faithfully: a
/// literal that could not be decoded, a PHP pattern without its closing
/// delimiter, flags that could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExtractError {
    /// The 1-based line.
    pub line: u32,
    /// The 1-based column, in characters.
    pub column: u32,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ExtractError {}

/// Finds the regexes in `source`, written in `lang`.
///
/// Results are in source order (of the pattern text: a pattern bound to a
/// constant is reported where the constant's literal is, with the API of
/// the use). Never panics. A file with syntax errors still yields the
/// regexes of its well-formed parts (tree-sitter recovers from errors); a
/// file with a NUL byte is taken for binary and not parsed (one
/// [`ExtractError`] says so).
///
/// Time is linear in the size of ordinary source (a 5 MB minified line
/// included), but tree-sitter's error recovery is super-linear on text that
/// is far from the language (2 MB of random characters: seconds); callers
/// that need a bound use [`extract_cancellable`] with a deadline of their
/// own.
pub fn extract(source: &str, lang: Language) -> (Vec<Extracted>, Vec<ExtractError>) {
    walk::run(source, lang, None)
}

/// [`extract`], stopped soon after `cancel` is set (checked every 100
/// parse operations): the parse is abandoned and one [`ExtractError`] says
/// so. This crate keeps no clock; the caller sets the flag from a timer.
pub fn extract_cancellable(
    source: &str,
    lang: Language,
    cancel: &std::sync::atomic::AtomicBool,
) -> (Vec<Extracted>, Vec<ExtractError>) {
    walk::run(source, lang, Some(cancel))
}
