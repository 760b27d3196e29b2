//! Pattern-level flags, read from each flavor's own letters.

use crate::error::{Error, ErrorKind};
use crate::flavor::Flavor;
use crate::span::Span;
use serde::Serialize;

/// The flags a pattern is compiled with, in flavor-independent form.
///
/// Only the letters the flavor understands are accepted by [`Flags::parse`];
/// fields that a flavor has no letter for stay `false`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Flags {
    /// `i`: case-insensitive matching.
    pub ignore_case: bool,
    /// `m`: `^`/`$` match at line boundaries (Ruby's `m` is [`Flags::dot_all`]).
    pub multi_line: bool,
    /// `s` (Ruby `m`): `.` matches line terminators.
    pub dot_all: bool,
    /// `x`: extended mode, whitespace and `#` comments are ignored.
    pub extended: bool,
    /// PCRE `xx`: extended mode that also ignores spaces and tabs in classes.
    pub extended_more: bool,
    /// JS `u`, Java `U` (UNICODE_CHARACTER_CLASS), PCRE `u` (UTF), Python `u`.
    pub unicode: bool,
    /// JS `v`: Unicode sets mode.
    pub unicode_sets: bool,
    /// JS `g` (no effect on syntax or a single match).
    pub global: bool,
    /// JS `y`: the match must start at `lastIndex`.
    pub sticky: bool,
    /// JS `d`: match indices (no effect on matching).
    pub has_indices: bool,
    /// Python `a` (re.ASCII): `\w`, `\d`, `\s`, `\b` are ASCII-only.
    pub ascii: bool,
    /// Python `L` (re.LOCALE).
    pub locale: bool,
    /// Java `u` (UNICODE_CASE): case-insensitivity covers non-ASCII letters.
    pub unicode_case: bool,
    /// Java `d` (UNIX_LINES): only `\n` is a line terminator.
    pub unix_lines: bool,
    /// .NET / PCRE `n`: plain `(...)` does not capture.
    pub no_auto_capture: bool,
    /// PCRE / Go / Rust `U`: quantifiers are lazy by default.
    pub ungreedy: bool,
    /// PCRE `D`: `$` matches only at the very end.
    pub dollar_endonly: bool,
    /// PCRE `A`: the pattern is anchored at the start.
    pub anchored: bool,
    /// Rust `R`: CRLF mode for `^`, `$` and `.`.
    pub crlf: bool,
    /// .NET `e` (RegexOptions.ECMAScript).
    pub ecmascript: bool,
    /// PCRE `J` (PCRE2_DUPNAMES): group names may repeat.
    pub dup_names: bool,
}

impl Flags {
    /// Reads `letters` in `flavor`'s spelling. Unknown or duplicated letters are
    /// an error with the span of the offending letter (in `letters`).
    pub fn parse(flavor: Flavor, letters: &str) -> Result<Flags, Error> {
        let mut f = Flags::default();
        let bad = |i: usize, c: char, msg: String| {
            Err(Error::new(
                ErrorKind::InvalidFlag,
                letters,
                Span::new(i, i + c.len_utf8()),
                msg,
            ))
        };
        let mut seen = String::new();
        for (i, c) in letters.char_indices() {
            // PCRE allows `xx`; every other duplicate is rejected by JS and
            // harmless elsewhere.
            if seen.contains(c) {
                if flavor == Flavor::Js {
                    return bad(
                        i,
                        c,
                        format!("Invalid flags supplied to RegExp constructor '{letters}'"),
                    );
                }
                if flavor == Flavor::Pcre && c == 'x' {
                    f.extended_more = true;
                }
                continue;
            }
            seen.push(c);
            let ok = match (flavor, c) {
                (_, 'i') => {
                    f.ignore_case = true;
                    true
                }
                (Flavor::Ruby, 'm') => {
                    f.dot_all = true;
                    true
                }
                (_, 'm') => {
                    f.multi_line = true;
                    true
                }
                (Flavor::Js, 's') => {
                    f.dot_all = true;
                    true
                }
                (Flavor::Js, 'u') => {
                    f.unicode = true;
                    true
                }
                (Flavor::Js, 'v') => {
                    f.unicode_sets = true;
                    true
                }
                (Flavor::Js, 'g') => {
                    f.global = true;
                    true
                }
                (Flavor::Js, 'y') => {
                    f.sticky = true;
                    true
                }
                (Flavor::Js, 'd') => {
                    f.has_indices = true;
                    true
                }
                (Flavor::Js, _) => false,
                (Flavor::Go, 's') => {
                    f.dot_all = true;
                    true
                }
                (Flavor::Go, 'U') => {
                    f.ungreedy = true;
                    true
                }
                (Flavor::Go, _) => false,
                (_, 's') => {
                    f.dot_all = true;
                    true
                }
                (Flavor::Ruby, 'x') => {
                    f.extended = true;
                    true
                }
                // Encoding and once-only modifiers: no effect on matching here.
                (Flavor::Ruby, 'o' | 'u' | 'e' | 'n') => true,
                (Flavor::Ruby, _) => false,
                (_, 'x') => {
                    f.extended = true;
                    true
                }
                (Flavor::Python, 'a') => {
                    f.ascii = true;
                    true
                }
                (Flavor::Python, 'L') => {
                    f.locale = true;
                    true
                }
                (Flavor::Python, 't') => true,
                (Flavor::Python, 'u') => {
                    f.unicode = true;
                    true
                }
                (Flavor::Python, _) => false,
                (Flavor::Java, 'u') => {
                    f.unicode_case = true;
                    true
                }
                (Flavor::Java, 'U') => {
                    f.unicode = true;
                    f.unicode_case = true;
                    true
                }
                (Flavor::Java, 'd') => {
                    f.unix_lines = true;
                    true
                }
                (Flavor::Java, _) => false,
                (Flavor::Pcre, 'u') => {
                    f.unicode = true;
                    true
                }
                (Flavor::Pcre, 'U') => {
                    f.ungreedy = true;
                    true
                }
                (Flavor::Pcre, 'D') => {
                    f.dollar_endonly = true;
                    true
                }
                (Flavor::Pcre, 'A') => {
                    f.anchored = true;
                    true
                }
                (Flavor::Pcre, 'n') => {
                    f.no_auto_capture = true;
                    true
                }
                (Flavor::Pcre, 'J') => {
                    f.dup_names = true;
                    true
                }
                // PHP's S (study) and X (extra): no effect on matching.
                (Flavor::Pcre, 'S' | 'X') => true,
                (Flavor::Pcre, _) => false,
                (Flavor::Dotnet, 'n') => {
                    f.no_auto_capture = true;
                    true
                }
                (Flavor::Dotnet, 'e') => {
                    f.ecmascript = true;
                    true
                }
                (Flavor::Dotnet, _) => false,
                (Flavor::Rust, 'U') => {
                    f.ungreedy = true;
                    true
                }
                (Flavor::Rust, 'u') => {
                    f.unicode = true;
                    true
                }
                (Flavor::Rust, 'R') => {
                    f.crlf = true;
                    true
                }
                (Flavor::Rust, _) => false,
            };
            if !ok {
                let msg = match flavor {
                    Flavor::Js => {
                        format!("Invalid flags supplied to RegExp constructor '{letters}'")
                    }
                    _ => format!("unknown flag '{c}' for flavor {flavor}"),
                };
                return bad(i, c, msg);
            }
        }
        if flavor == Flavor::Js && f.unicode && f.unicode_sets {
            return Err(Error::new(
                ErrorKind::InvalidFlag,
                letters,
                Span::new(0, letters.len()),
                format!("Invalid flags supplied to RegExp constructor '{letters}'"),
            ));
        }
        if flavor == Flavor::Python {
            let n = f.ascii as u8 + f.locale as u8 + f.unicode as u8;
            if n > 1 {
                let msg = if f.locale && f.unicode {
                    "cannot use LOCALE flag with a str pattern"
                } else {
                    "ASCII and UNICODE flags are incompatible"
                };
                return Err(Error::new(
                    ErrorKind::InvalidFlag,
                    letters,
                    Span::new(0, letters.len()),
                    msg.to_string(),
                ));
            }
            if f.locale {
                return Err(Error::new(
                    ErrorKind::InvalidFlag,
                    letters,
                    Span::new(0, letters.len()),
                    "cannot use LOCALE flag with a str pattern".to_string(),
                ));
            }
        }
        if flavor == Flavor::Rust && !letters.contains('u') {
            // The regex crate is Unicode-aware unless `(?-u)` says otherwise.
            f.unicode = true;
        }
        Ok(f)
    }

    /// Whether JS is in one of its Unicode modes (`u` or `v`).
    pub fn js_unicode_mode(&self) -> bool {
        self.unicode || self.unicode_sets
    }
}
