//! Printing an [`Ast`] back to pattern text in its flavor.
//!
//! The printer reproduces each node's spelling ([`LiteralKind`],
//! [`NameSpelling`], [`BackrefSpelling`], [`PropertySpelling`],
//! [`RepetitionOp`], [`FlagChange`], …) so that, for a tree the parser
//! produced, `parse(print(ast)) == ast` modulo spans (see [`strip_spans`]).
//!
//! For trees the parser would not produce (a rewritten tree, or a spelling
//! that cannot be written in its context) the printer falls back to a safe
//! spelling that means the same thing:
//!
//! * a literal whose kind cannot be written in its context is escaped with a
//!   backslash where the flavor allows that identity escape, and written as a
//!   hex escape otherwise (`\0` before a digit becomes `\000`, a `{` that would
//!   start a quantifier becomes `\{`, a `Verbatim` metacharacter is escaped);
//! * control characters and other invisible characters are always written as
//!   hex escapes, whitespace and `#` are escaped in extended (`x`) mode;
//! * a group, backreference or property spelling the flavor lacks is written
//!   in the flavor's own spelling;
//! * an operand that cannot be quantified directly (a sequence, an
//!   alternation, an assertion, another repetition) is wrapped in `(?:…)`, as
//!   is an alternation inside a sequence.
//!
//! What cannot be expressed in a flavor at all (a lookaround in Go, a
//! class intersection in Python, …) is printed in the nearest syntax and may
//! be rejected by that flavor's engine.

use crate::ast::*;
use crate::flags::Flags;
use crate::flavor::Flavor;
use crate::span::Span;
use crate::Pattern;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Prints `ast` as a pattern of `flavor` compiled with no flags.
///
/// For JS trees that need the `u` or `v` flag (properties, `\u{…}`, class set
/// operations), use [`print_with_flags`] with those flags.
pub fn print(ast: &Ast, flavor: Flavor) -> String {
    let flags = Flags::parse(flavor, "").unwrap_or_default();
    print_with_flags(ast, flavor, &flags)
}

/// Prints `ast` as a pattern of `flavor` compiled with `flags` (which decide
/// JS `u`/`v` mode and the initial extended mode).
pub fn print_with_flags(ast: &Ast, flavor: Flavor, flags: &Flags) -> String {
    let p = Printer::new(flavor, flags, ast);
    p.node(ast, State::from_flags(flags), "")
}

/// Prints a parsed pattern's tree with the pattern's flavor and flags.
pub fn print_pattern(pattern: &Pattern) -> String {
    print_with_flags(&pattern.ast, pattern.flavor, &pattern.flags)
}

/// Prints a bracketed class on its own (as it would appear outside any other
/// class) in `flavor` with `flags`.
pub fn print_class(class: &Class, flavor: Flavor, flags: &Flags) -> String {
    let empty = Ast {
        span: Span::default(),
        kind: AstKind::Empty,
    };
    let p = Printer::new(flavor, flags, &empty);
    p.class(class, State::from_flags(flags), false)
}

/// A copy of `ast` with every span (node, class, class item and quantifier
/// spans) set to the empty span at 0, for comparisons that ignore positions.
pub fn strip_spans(ast: &Ast) -> Ast {
    let mut a = ast.clone();
    clear_spans(&mut a);
    a
}

/// Whether `a` and `b` are the same tree apart from spans.
pub fn eq_ignore_spans(a: &Ast, b: &Ast) -> bool {
    strip_spans(a) == strip_spans(b)
}

fn clear_spans(a: &mut Ast) {
    a.span = Span::default();
    match &mut a.kind {
        AstKind::Class(c) => clear_class(c),
        AstKind::Group(g) => clear_spans(&mut g.ast),
        AstKind::Repetition(r) => {
            r.op_span = Span::default();
            clear_spans(&mut r.ast);
        }
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter_mut().for_each(clear_spans),
        AstKind::Conditional(c) => {
            if let Condition::Assertion(x) = &mut c.condition {
                clear_spans(x);
            }
            clear_spans(&mut c.yes);
            if let Some(no) = &mut c.no {
                clear_spans(no);
            }
        }
        _ => {}
    }
}

fn clear_class(c: &mut Class) {
    c.span = Span::default();
    clear_set(&mut c.set);
}

fn clear_set(set: &mut ClassSet) {
    match set {
        ClassSet::Union { items } => {
            for it in items {
                it.span = Span::default();
                if let ClassItemKind::Nested(c) = &mut it.kind {
                    clear_class(c);
                }
            }
        }
        ClassSet::Op { lhs, rhs, .. } => {
            clear_set(lhs);
            clear_set(rhs);
        }
    }
}

/// JS parsing mode.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum JsMode {
    Legacy,
    U,
    V,
}

/// Inline-flag state that affects how text is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct State {
    extended: bool,
    extended_more: bool,
}

impl State {
    fn from_flags(flags: &Flags) -> State {
        State {
            extended: flags.extended,
            extended_more: flags.extended_more,
        }
    }

    fn apply(mut self, fc: &FlagChange, flavor: Flavor) -> State {
        if fc.caret {
            self = State::default();
        }
        let x = match flavor {
            Flavor::Js | Flavor::Go => return self,
            _ => 'x',
        };
        if fc.on.contains(x) {
            self.extended = true;
            if flavor == Flavor::Pcre && fc.on.matches('x').count() >= 2 {
                self.extended_more = true;
            }
        }
        if fc.off.contains(x) {
            self.extended = false;
            self.extended_more = false;
        }
        self
    }
}

/// Where a literal is printed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    /// Outside classes.
    Top,
    /// Inside a bracketed class.
    Class,
    /// Inside a JS `\q{…}`.
    QString,
}

struct Printer {
    flavor: Flavor,
    js: JsMode,
    /// PCRE UTF mode (needed for `\N{U+…}`).
    utf: bool,
    /// For each relative backreference (by address), the number of capture
    /// groups opened before it.
    opened_before: HashMap<*const Backref, u32>,
}

const WINDOW: usize = 64;

/// The first few characters of `s`, enough for the look-ahead decisions.
fn window(s: &str) -> &str {
    if s.len() <= WINDOW {
        return s;
    }
    let mut end = WINDOW;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `a` followed by `b`, cut to the look-ahead window.
fn join_follow(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(WINDOW + 4);
    s.push_str(window(a));
    if s.len() < WINDOW {
        s.push_str(window(b));
    }
    window(&s).to_string()
}

fn starts_with_digit(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// Whether `follow`, after a `{`, could make it a counted quantifier in some
/// flavor: digits, commas and spaces up to a `}`. Conservative when the
/// window ends first.
fn looks_like_quantifier_body(follow: &str) -> bool {
    let mut body = false;
    for b in follow.bytes() {
        match b {
            b'0'..=b'9' | b',' => body = true,
            b' ' => continue,
            b'}' => return body,
            _ => return false,
        }
    }
    follow.len() >= WINDOW - 4
}

/// Characters that are always written as escapes: control characters,
/// invisible format characters, separators other than the space, private-use
/// characters and noncharacters.
fn needs_hex(c: char) -> bool {
    let u = c as u32;
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        return true;
    }
    matches!(
        u,
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x2028..=0x202F
            | 0x205F..=0x206F
            | 0x3164
            | 0xFDD0..=0xFDEF
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0xE000..=0xF8FF
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
            | 0xF0000..
    ) || (u & 0xFFFE) == 0xFFFE
}

fn is_x_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}')
}

/// `\` + this letter is a named control escape for `c`, in `flavor`.
fn special_letter(c: u32, flavor: Flavor, place: Place) -> Option<char> {
    use Flavor::*;
    Some(match c {
        0x0A => 'n',
        0x0D => 'r',
        0x09 => 't',
        0x0C => 'f',
        0x0B if !matches!(flavor, Java | Pcre) => 'v',
        0x07 if flavor != Js => 'a',
        0x1B if matches!(flavor, Java | Pcre | Ruby | Dotnet) => 'e',
        0x08 if place != Place::Top && matches!(flavor, Js | Python | Pcre | Ruby | Dotnet) => 'b',
        _ => return None,
    })
}

impl Printer {
    fn new(flavor: Flavor, flags: &Flags, ast: &Ast) -> Printer {
        let js = if flavor != Flavor::Js {
            JsMode::Legacy
        } else if flags.unicode_sets {
            JsMode::V
        } else if flags.unicode {
            JsMode::U
        } else {
            JsMode::Legacy
        };
        let mut p = Printer {
            flavor,
            js,
            utf: flags.unicode,
            opened_before: HashMap::new(),
        };
        if has_relative_backref(ast) && !p.supports_relative() {
            let mut count = 0;
            p.count_groups(ast, &mut count);
        }
        p
    }

    fn supports_relative(&self) -> bool {
        matches!(self.flavor, Flavor::Pcre | Flavor::Ruby)
    }

    /// Records, for each relative backreference, how many groups open before it.
    fn count_groups(&mut self, ast: &Ast, count: &mut u32) {
        match &ast.kind {
            AstKind::Backref(b) => {
                self.opened_before.insert(b as *const Backref, *count);
            }
            AstKind::Group(g) => {
                if matches!(g.kind, GroupKind::Capture { .. }) {
                    *count += 1;
                }
                self.count_groups(&g.ast, count);
            }
            AstKind::Repetition(r) => self.count_groups(&r.ast, count),
            AstKind::Alternation(v) | AstKind::Concat(v) => {
                for a in v {
                    self.count_groups(a, count);
                }
            }
            AstKind::Conditional(c) => {
                if let Condition::Assertion(a) = &c.condition {
                    self.count_groups(a, count);
                }
                self.count_groups(&c.yes, count);
                if let Some(no) = &c.no {
                    self.count_groups(no, count);
                }
            }
            _ => {}
        }
    }

    fn js_unicode(&self) -> bool {
        self.js != JsMode::Legacy
    }

    // ----- literals -----

    /// Whether `c` may be written as itself at `place`, followed by `follow`.
    fn verbatim_ok(&self, c: char, place: Place, st: State, follow: &str) -> bool {
        use Flavor::*;
        if needs_hex(c) {
            return false;
        }
        let v = self.js == JsMode::V;
        match place {
            Place::Top => {
                if st.extended && (is_x_space(c) || c == '#') {
                    return false;
                }
                match c {
                    '\\' | '^' | '$' | '.' | '|' | '?' | '*' | '+' | '(' | ')' | '[' => false,
                    // Perl (5.26+) rejects many unescaped `{` that PCRE
                    // takes: PCRE text is escaped too, for both.
                    '{' => {
                        !self.js_unicode()
                            && !matches!(self.flavor, Java | Rust | Pcre)
                            && !looks_like_quantifier_body(follow)
                    }
                    '}' | ']' => !self.js_unicode(),
                    _ => true,
                }
            }
            Place::Class | Place::QString => {
                let x_in_class = st.extended && matches!(self.flavor, Java | Rust);
                if x_in_class && (is_x_space(c) || c == '#') {
                    return false;
                }
                if st.extended_more && self.flavor == Pcre && (c == ' ' || c == '\t') {
                    return false;
                }
                if v {
                    if matches!(
                        c,
                        '(' | ')' | '[' | ']' | '{' | '}' | '/' | '-' | '\\' | '|'
                    ) {
                        return false;
                    }
                    if "&!#$%*+,.:;<=>?@^`~".contains(c) && follow.starts_with(c) {
                        return false;
                    }
                    return true;
                }
                match c {
                    '\\' | ']' => false,
                    // Handled by position in the class printer.
                    '-' => false,
                    '[' => match self.flavor {
                        Java | Ruby | Rust => false,
                        Pcre | Go => {
                            !(follow.starts_with(':')
                                || follow.starts_with('.')
                                || follow.starts_with('='))
                        }
                        _ => true,
                    },
                    '&' if matches!(self.flavor, Java | Ruby | Rust) => !follow.starts_with('&'),
                    '~' if self.flavor == Rust => !follow.starts_with('~'),
                    _ => true,
                }
            }
        }
    }

    /// Whether `\c` is an identity escape for `c` at `place`.
    fn escape_ok(&self, c: char, place: Place) -> bool {
        use Flavor::*;
        if c.is_control() || c.is_ascii_digit() {
            return false;
        }
        let ascii_punct = c.is_ascii() && !c.is_ascii_alphanumeric();
        match self.flavor {
            Js => match self.js {
                JsMode::Legacy => {
                    if c.is_ascii_alphabetic() {
                        !"bBcdDfknrsStuvwWxpP".contains(c)
                    } else {
                        true
                    }
                }
                JsMode::U => "^$\\.*+?()[]{}|/".contains(c) || (place != Place::Top && c == '-'),
                JsMode::V => {
                    "^$\\.*+?()[]{}|/".contains(c)
                        || (place != Place::Top && "&-!#%,:;<=>@`~".contains(c))
                }
            },
            Python | Pcre | Java => !c.is_ascii_alphanumeric(),
            Ruby => ascii_punct,
            Go => c.is_ascii_punctuation(),
            Dotnet => ascii_punct && c != '_',
            Rust => ascii_punct && c != '<' && c != '>',
        }
    }

    /// The flavor's preferred hex escape for `c`.
    fn hex(&self, c: u32) -> String {
        use Flavor::*;
        let mut s = String::new();
        let pair = |s: &mut String, c: u32| {
            let v = c - 0x10000;
            let _ = write!(
                s,
                "\\u{:04X}\\u{:04X}",
                0xD800 + (v >> 10),
                0xDC00 + (v & 0x3FF)
            );
        };
        match self.flavor {
            Js => {
                if c <= 0xFF {
                    let _ = write!(s, "\\x{c:02X}");
                } else if c <= 0xFFFF {
                    let _ = write!(s, "\\u{c:04X}");
                } else if self.js_unicode() {
                    let _ = write!(s, "\\u{{{c:X}}}");
                } else {
                    // No single escape in UTF-16 engines: the character
                    // itself reads as one (a pair of escapes would be two).
                    match char::from_u32(c) {
                        Some(ch) => s.push(ch),
                        None => pair(&mut s, c),
                    }
                }
            }
            Python => {
                if c <= 0xFF {
                    let _ = write!(s, "\\x{c:02X}");
                } else if c <= 0xFFFF {
                    let _ = write!(s, "\\u{c:04X}");
                } else {
                    let _ = write!(s, "\\U{c:08X}");
                }
            }
            Ruby => {
                if c <= 0x7F {
                    let _ = write!(s, "\\x{c:02X}");
                } else if c <= 0xFFFF {
                    let _ = write!(s, "\\u{c:04X}");
                } else {
                    let _ = write!(s, "\\u{{{c:X}}}");
                }
            }
            Dotnet => {
                if c <= 0xFF {
                    let _ = write!(s, "\\x{c:02X}");
                } else if c <= 0xFFFF {
                    let _ = write!(s, "\\u{c:04X}");
                } else {
                    // No single escape in UTF-16 engines: the character
                    // itself reads as one (a pair of escapes would be two).
                    match char::from_u32(c) {
                        Some(ch) => s.push(ch),
                        None => pair(&mut s, c),
                    }
                }
            }
            Java | Pcre | Rust | Go => {
                if c <= 0xFF {
                    let _ = write!(s, "\\x{c:02X}");
                } else if self.flavor == Pcre && !self.utf {
                    // Without UTF mode PCRE has no escape above \xFF: the
                    // character's UTF-8 bytes match the same text.
                    match char::from_u32(c) {
                        // Quoted, so that extended mode cannot skip it.
                        Some(ch) if needs_hex(ch) || is_x_space(ch) => {
                            let _ = write!(s, "\\Q{ch}\\E");
                        }
                        Some(ch) => s.push(ch),
                        None => {
                            let _ = write!(s, "\\x{{{c:X}}}");
                        }
                    }
                } else {
                    let _ = write!(s, "\\x{{{c:X}}}");
                }
            }
        }
        s
    }

    /// Whether a literal prints as more than one atom (so that a quantifier
    /// would apply to its last part only).
    fn multi_unit(&self, l: &Literal) -> bool {
        l.c > 0xFFFF
            && match self.flavor {
                Flavor::Js => !self.js_unicode(),
                Flavor::Dotnet => true,
                _ => false,
            }
    }

    /// The safe spelling: the character itself, an identity escape, or a hex
    /// escape, in that order of preference.
    fn safe_literal(&self, c: u32, place: Place, st: State, follow: &str) -> String {
        if let Some(ch) = char::from_u32(c) {
            if self.verbatim_ok(ch, place, st, follow) {
                return ch.to_string();
            }
            if self.escape_ok(ch, place) && !needs_hex(ch) {
                return format!("\\{ch}");
            }
        }
        self.hex(c)
    }

    fn octal(&self, c: u32, follow: &str) -> Option<String> {
        use Flavor::*;
        let digit_next = starts_with_digit(follow);
        match self.flavor {
            Js if self.js_unicode() => (c == 0 && !digit_next).then(|| "\\0".to_string()),
            Rust => None,
            Ruby if c > 0x7F => None,
            _ if c > 0o377 => None,
            Java => Some(if c == 0 && !digit_next {
                "\\00".into()
            } else {
                format!("\\0{c:03o}")
            }),
            _ => Some(if c == 0 && !digit_next {
                "\\0".into()
            } else {
                format!("\\{c:03o}")
            }),
        }
    }

    #[inline(never)]
    fn literal(&self, l: &Literal, place: Place, st: State, follow: &str) -> String {
        use Flavor::*;
        let c = l.c;
        let ch = char::from_u32(c);
        let out: Option<String> = match l.kind {
            LiteralKind::Verbatim => ch
                .filter(|&ch| self.verbatim_ok(ch, place, st, follow))
                .map(|ch| ch.to_string()),
            LiteralKind::Escaped => ch
                .filter(|&ch| self.escape_ok(ch, place) && !needs_hex(ch))
                .map(|ch| format!("\\{ch}")),
            LiteralKind::Hex2 => {
                (c <= 0xFF && !(self.flavor == Ruby && c > 0x7F)).then(|| format!("\\x{c:02X}"))
            }
            LiteralKind::HexBrace => (matches!(self.flavor, Java | Ruby | Rust | Go)
                || (self.flavor == Pcre && (self.utf || c <= 0xFF)))
                .then(|| format!("\\x{{{c:X}}}")),
            LiteralKind::Unicode4 => {
                let ok = c <= 0xFFFF
                    && match self.flavor {
                        Js | Python | Java | Ruby | Dotnet | Rust => true,
                        Pcre | Go => false,
                    };
                if !ok {
                    None
                } else if (0xD800..0xDC00).contains(&c)
                    && (self.flavor == Java || (self.flavor == Js && self.js_unicode()))
                    && follows_low_surrogate(follow)
                {
                    // `\uD83D\uDE00` would be read as one character.
                    None
                } else {
                    Some(format!("\\u{c:04X}"))
                }
            }
            LiteralKind::UnicodeBrace => {
                let ok = match self.flavor {
                    Js => self.js_unicode(),
                    Rust | Ruby => true,
                    _ => false,
                };
                ok.then(|| format!("\\u{{{c:X}}}"))
            }
            LiteralKind::Unicode8 => {
                matches!(self.flavor, Python | Rust).then(|| format!("\\U{c:08X}"))
            }
            LiteralKind::SurrogatePair => (self.flavor == Js && self.js_unicode() && c > 0xFFFF)
                .then(|| {
                    let v = c - 0x10000;
                    format!(
                        "\\u{:04X}\\u{:04X}",
                        0xD800 + (v >> 10),
                        0xDC00 + (v & 0x3FF)
                    )
                }),
            LiteralKind::Octal => self.octal(c, follow),
            LiteralKind::OctalBrace => {
                (self.flavor == Pcre && (self.utf || c <= 0xFF)).then(|| format!("\\o{{{c:o}}}"))
            }
            LiteralKind::Control => {
                let ok = matches!(self.flavor, Js | Java | Pcre | Ruby | Dotnet)
                    && (1..=26).contains(&c);
                ok.then(|| format!("\\c{}", char::from(b'@' + c as u8)))
            }
            LiteralKind::Special => special_letter(c, self.flavor, place).map(|s| format!("\\{s}")),
            LiteralKind::Named => match self.flavor {
                Pcre if self.utf => Some(format!("\\N{{U+{c:X}}}")),
                // The parser does not bundle the name database: it reads every
                // name as U+FFFD, whose name is known.
                Python | Java if c == 0xFFFD => Some("\\N{REPLACEMENT CHARACTER}".into()),
                _ => None,
            },
            LiteralKind::Quoted => ch
                .filter(|&ch| matches!(self.flavor, Pcre | Java | Go) && !needs_hex(ch))
                .map(|ch| format!("\\Q{ch}\\E")),
        };
        match out {
            Some(s) => s,
            None => self.fallback_literal(c, place, st, follow),
        }
    }

    fn fallback_literal(&self, c: u32, place: Place, st: State, follow: &str) -> String {
        if let Some(letter) = special_letter(c, self.flavor, place) {
            if !(self.flavor == Flavor::Js && letter == 'b') {
                return format!("\\{letter}");
            }
        }
        if (0xD800..0xDC00).contains(&c) && follows_low_surrogate(follow) {
            match self.flavor {
                Flavor::Js if self.js_unicode() => return format!("\\u{{{c:X}}}"),
                Flavor::Java => return format!("\\x{{{c:X}}}"),
                _ => {}
            }
        }
        self.safe_literal(c, place, st, follow)
    }

    // ----- nodes -----

    fn node(&self, ast: &Ast, st: State, follow: &str) -> String {
        match &ast.kind {
            AstKind::Empty => String::new(),
            AstKind::Literal(l) => self.literal(l, Place::Top, st, follow),
            AstKind::Dot => ".".into(),
            AstKind::Assertion { kind } => {
                let s = self.assertion(*kind);
                if self.flavor == Flavor::Go && s.starts_with("\\") && follow.starts_with('{') {
                    // Go rejects `\b{`.
                    format!("(?:{s})")
                } else {
                    s.into()
                }
            }
            AstKind::Perl(p) => self.perl(*p, Place::Top),
            AstKind::Property(p) => self.property(p),
            AstKind::Class(c) => self.class(c, st, false),
            AstKind::Group(g) => self.group(g, st),
            AstKind::Repetition(r) => self.repetition(r, st),
            AstKind::Alternation(v) => self.alternation(v, st, follow),
            AstKind::Concat(v) => self.concat(v, st, follow),
            AstKind::Backref(b) => self.backref(b, follow),
            AstKind::Conditional(c) => self.conditional(c, st),
            AstKind::SetFlags(fc) => set_flags(fc, self.flavor),
            AstKind::Special(x) => self.special(x),
        }
    }

    #[inline(never)]
    fn special(&self, s: &Special) -> String {
        use Flavor::*;
        match s {
            Special::KeepOut => "\\K".into(),
            Special::LineBreak => match self.flavor {
                Pcre | Java | Ruby => "\\R".into(),
                Rust | Go => "(?:\\r\\n|[\\n\\x0B\\f\\r\\x{85}\\x{2028}\\x{2029}])".into(),
                _ => format!(
                    "(?:\\r\\n|[\\n\\x0B\\f\\r{}{}{}])",
                    self.hex(0x85),
                    self.hex(0x2028),
                    self.hex(0x2029)
                ),
            },
            Special::Grapheme => "\\X".into(),
            Special::AnyByte => "\\C".into(),
            // Only Java has it; elsewhere there is no equivalent.
            Special::GraphemeBoundary => match self.flavor {
                Java => "\\b{g}".into(),
                _ => "(?:)".into(),
            },
            Special::Recursion(s) => {
                if s.starts_with('(') || s.starts_with('\\') {
                    s.clone()
                } else {
                    format!("(?{s})")
                }
            }
            Special::Verb(s) => {
                if s.starts_with("(*") {
                    s.clone()
                } else {
                    format!("(*{s})")
                }
            }
            Special::Callout(s) => {
                if s.starts_with("(?C") {
                    s.clone()
                } else {
                    format!("(?C{s})")
                }
            }
        }
    }

    fn assertion(&self, kind: AssertionKind) -> &'static str {
        use AssertionKind::*;
        use Flavor::*;
        let f = self.flavor;
        match kind {
            Caret => "^",
            Dollar => "$",
            WordBoundary => "\\b",
            NotWordBoundary => "\\B",
            StartText => match f {
                Js => "(?<![\\s\\S])",
                _ => "\\A",
            },
            EndText => match f {
                Js => "(?![\\s\\S])",
                Python => "\\Z",
                _ => "\\z",
            },
            EndTextOptionalNewline => match f {
                Js => "(?=\\n?(?![\\s\\S]))",
                Python => "(?=\\n?\\Z)",
                Rust | Go => "\\z",
                _ => "\\Z",
            },
            WordStart => match f {
                Rust => "\\b{start}",
                Go => "\\b",
                _ => "(?:\\b(?=\\w))",
            },
            WordEnd => match f {
                Rust => "\\b{end}",
                Go => "\\b",
                _ => "(?:\\b(?<=\\w))",
            },
            WordStartHalf => match f {
                Rust => "\\b{start-half}",
                Go => "\\b",
                _ => "(?<!\\w)",
            },
            WordEndHalf => match f {
                Rust => "\\b{end-half}",
                Go => "\\b",
                _ => "(?!\\w)",
            },
            PrevMatchEnd => match f {
                Java | Pcre | Ruby | Dotnet => "\\G",
                _ => "(?:)",
            },
        }
    }

    #[inline(never)]
    fn perl(&self, p: PerlClass, place: Place) -> String {
        use Flavor::*;
        use PerlKind::*;
        let letter = match p.kind {
            Digit => Some('d'),
            Word => Some('w'),
            Space => Some('s'),
            HorizontalSpace => matches!(self.flavor, Pcre | Java).then_some('h'),
            VerticalSpace => matches!(self.flavor, Pcre | Java).then_some('v'),
            NotNewline => (self.flavor == Pcre && place == Place::Top).then_some('N'),
            HexDigit => (self.flavor == Ruby).then_some('h'),
        };
        if let Some(l) = letter {
            let l = if p.negated { l.to_ascii_uppercase() } else { l };
            return format!("\\{l}");
        }
        // Expansions for flavors without the shorthand.
        let members = match p.kind {
            HorizontalSpace => format!(
                "\\t {}{}{}{}{}{}{}",
                self.hex(0xA0),
                self.hex(0x1680),
                self.hex(0x180E),
                range_str(&self.hex(0x2000), &self.hex(0x200A)),
                self.hex(0x202F),
                self.hex(0x205F),
                self.hex(0x3000)
            ),
            VerticalSpace => format!(
                "\\n\\x0B\\f\\r{}{}{}",
                self.hex(0x85),
                self.hex(0x2028),
                self.hex(0x2029)
            ),
            NotNewline => "\\n".into(),
            HexDigit => "0-9A-Fa-f".into(),
            _ => unreachable!(),
        };
        let negated = p.negated != (p.kind == NotNewline);
        match (place, negated) {
            (Place::Top, false) => format!("[{members}]"),
            (Place::Top, true) => format!("[^{members}]"),
            (_, false) => members,
            (_, true) => format!("[^{members}]"),
        }
    }

    #[inline(never)]
    fn property(&self, p: &Property) -> String {
        use Flavor::*;
        let single = p.spelling == PropertySpelling::Single
            && p.value.is_none()
            && p.name.chars().count() == 1
            && matches!(self.flavor, Pcre | Java | Rust | Go);
        let caret =
            p.spelling == PropertySpelling::BracedCaret && matches!(self.flavor, Pcre | Ruby);
        let body = match &p.value {
            Some(v) => format!("{}={}", p.name, v),
            None => p.name.clone(),
        };
        if single {
            format!("\\{}{}", if p.negated { 'P' } else { 'p' }, body)
        } else if caret {
            // `negated` is the net effect: `\P{^…}` is a double negation.
            format!("\\{}{{^{body}}}", if p.negated { 'p' } else { 'P' })
        } else {
            format!("\\{}{{{body}}}", if p.negated { 'P' } else { 'p' })
        }
    }

    fn group(&self, g: &Group, st: State) -> String {
        let inner_state = match &g.kind {
            GroupKind::Flags(fc) => st.apply(fc, self.flavor),
            _ => st,
        };
        let inner = self.node(&g.ast, inner_state, ")");
        let mut out = self.group_open(&g.kind);
        out.push_str(&inner);
        out.push(')');
        out
    }

    #[inline(never)]
    fn group_open(&self, kind: &GroupKind) -> String {
        use Flavor::*;
        match kind {
            GroupKind::Capture { name: None, .. } => "(".to_string(),
            GroupKind::Capture { name: Some(n), .. } => {
                let supported = match n.spelling {
                    NameSpelling::Angle => self.flavor != Python,
                    NameSpelling::PAngle => matches!(self.flavor, Python | Pcre | Rust | Go),
                    NameSpelling::Quote => matches!(self.flavor, Pcre | Ruby | Dotnet),
                };
                let spelling = if supported {
                    n.spelling
                } else if self.flavor == Python {
                    NameSpelling::PAngle
                } else {
                    NameSpelling::Angle
                };
                match spelling {
                    NameSpelling::Angle => format!("(?<{}>", n.name),
                    NameSpelling::PAngle => format!("(?P<{}>", n.name),
                    NameSpelling::Quote => format!("(?'{}'", n.name),
                }
            }
            GroupKind::NonCapture => "(?:".into(),
            GroupKind::Flags(fc) => format!("(?{}:", flag_letters(fc)),
            GroupKind::Atomic => "(?>".into(),
            GroupKind::Lookahead { negated: false } => "(?=".into(),
            GroupKind::Lookahead { negated: true } => "(?!".into(),
            GroupKind::Lookbehind { negated: false } => "(?<=".into(),
            GroupKind::Lookbehind { negated: true } => "(?<!".into(),
            GroupKind::BranchReset => "(?|".into(),
            GroupKind::Absent => "(?~".into(),
        }
    }

    /// Whether `ast` must be wrapped in `(?:…)` to be quantified by `op`.
    #[inline(never)]
    fn needs_wrap_for_repetition(&self, ast: &Ast, op: RepetitionOp) -> bool {
        use Flavor::*;
        let counted = !matches!(
            op,
            RepetitionOp::Star | RepetitionOp::Plus | RepetitionOp::Question
        );
        match &ast.kind {
            // Ruby and Java (counted outer) read stacked quantifiers as nested
            // repetitions, unless the outer one would read as a greed suffix.
            AstKind::Repetition(inner) => match self.flavor {
                Java => !counted,
                Ruby => {
                    let inner_counted = !matches!(
                        inner.op,
                        RepetitionOp::Star | RepetitionOp::Plus | RepetitionOp::Question
                    );
                    inner.greed == Greed::Greedy
                        && (op == RepetitionOp::Question
                            || (op == RepetitionOp::Plus && !inner_counted))
                }
                _ => true,
            },
            AstKind::Assertion { .. } => !matches!(self.flavor, Java | Ruby | Dotnet | Rust),
            AstKind::Empty
            | AstKind::Concat(_)
            | AstKind::Alternation(_)
            | AstKind::SetFlags(_)
            | AstKind::Special(Special::KeepOut | Special::Verb(_) | Special::Callout(_)) => true,
            AstKind::Literal(l) => {
                self.multi_unit(l) || (l.kind == LiteralKind::SurrogatePair && !self.js_unicode())
            }
            AstKind::Group(g) => match g.kind {
                GroupKind::Lookbehind { .. } => self.flavor == Js,
                GroupKind::Lookahead { .. } => self.flavor == Js && self.js_unicode(),
                _ => false,
            },
            _ => false,
        }
    }

    fn repetition(&self, r: &Repetition, st: State) -> String {
        let (op, atomic_wrap) = self.repetition_op(r);
        let operand = self.node(&r.ast, st, &op);
        let wrap = self.needs_wrap_for_repetition(&r.ast, r.op);
        let mut out = String::with_capacity(operand.len() + op.len() + 8);
        if atomic_wrap {
            out.push_str("(?>");
        }
        if wrap {
            out.push_str("(?:");
        }
        out.push_str(&operand);
        if wrap {
            out.push(')');
        }
        out.push_str(&op);
        if atomic_wrap {
            out.push(')');
        }
        out
    }

    /// The quantifier text, and whether the repetition must be wrapped in an
    /// atomic group instead of a possessive suffix.
    #[inline(never)]
    fn repetition_op(&self, r: &Repetition) -> (String, bool) {
        use Flavor::*;
        let mut op = match r.op {
            RepetitionOp::Star => "*".to_string(),
            RepetitionOp::Plus => "+".to_string(),
            RepetitionOp::Question => "?".to_string(),
            RepetitionOp::Exactly { n } => format!("{{{n}}}"),
            RepetitionOp::AtLeast { n } => format!("{{{n},}}"),
            RepetitionOp::Bounded { min, max } => format!("{{{min},{max}}}"),
            RepetitionOp::UpTo { max } => {
                if matches!(self.flavor, Python | Ruby | Pcre) {
                    format!("{{,{max}}}")
                } else {
                    format!("{{0,{max}}}")
                }
            }
        };
        let counted = op.starts_with('{');
        let mut atomic_wrap = false;
        match r.greed {
            Greed::Greedy => {}
            Greed::Lazy => op.push('?'),
            Greed::Possessive => {
                let ok = match self.flavor {
                    Java | Pcre | Python => true,
                    Ruby => !counted,
                    _ => false,
                };
                if ok {
                    op.push('+');
                } else if matches!(self.flavor, Ruby | Dotnet) {
                    atomic_wrap = true;
                }
            }
        }
        (op, atomic_wrap)
    }

    fn alternation(&self, v: &[Ast], st: State, follow: &str) -> String {
        let mut out = String::new();
        let mut st = st;
        for (i, a) in v.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            let f = if i + 1 == v.len() { follow } else { "|" };
            let s = self.node(a, st, f);
            if matches!(a.kind, AstKind::Alternation(_)) {
                let _ = write!(out, "(?:{s})");
            } else {
                out.push_str(&s);
            }
            st = self.flow(a, st);
        }
        out
    }

    /// The inline-flag state after `ast`, given the state before it.
    fn flow(&self, ast: &Ast, st: State) -> State {
        match &ast.kind {
            AstKind::SetFlags(fc) => st.apply(fc, self.flavor),
            AstKind::Concat(v) | AstKind::Alternation(v) => {
                v.iter().fold(st, |s, a| self.flow(a, s))
            }
            _ => st,
        }
    }

    fn concat(&self, v: &[Ast], st: State, follow: &str) -> String {
        // States before each item, computed forwards.
        let mut states = Vec::with_capacity(v.len());
        let mut s = st;
        for a in v {
            states.push(s);
            s = self.flow(a, s);
        }
        // Runs of `\Q…\E` literals.
        let quoting = matches!(self.flavor, Flavor::Pcre | Flavor::Java | Flavor::Go);
        let is_quoted = |a: &Ast| {
            quoting
                && matches!(&a.kind, AstKind::Literal(l) if l.kind == LiteralKind::Quoted
                    && char::from_u32(l.c).is_some_and(|c| !needs_hex(c)))
        };
        // Print backwards so that each item knows what follows it.
        let mut parts: Vec<String> = Vec::with_capacity(v.len());
        let mut follow_buf = window(follow).to_string();
        let mut i = v.len();
        while i > 0 {
            let end = i;
            if is_quoted(&v[i - 1]) {
                while i > 0 && is_quoted(&v[i - 1]) {
                    i -= 1;
                }
                let s = quoted_run(&v[i..end]);
                follow_buf = join_follow(&s, &follow_buf);
                parts.push(s);
                continue;
            }
            i -= 1;
            let a = &v[i];
            let s = self.node(a, states[i], &follow_buf);
            let s = if matches!(a.kind, AstKind::Alternation(_)) {
                format!("(?:{s})")
            } else {
                s
            };
            follow_buf = join_follow(&s, &follow_buf);
            parts.push(s);
        }
        parts.reverse();
        parts.concat()
    }

    #[inline(never)]
    fn backref(&self, b: &Backref, follow: &str) -> String {
        use BackrefSpelling::*;
        use Flavor::*;
        let target = |t: &BackrefTarget| match t {
            BackrefTarget::Number(n) => n.to_string(),
            BackrefTarget::Relative(r) => {
                if *r > 0 {
                    format!("+{r}")
                } else {
                    r.to_string()
                }
            }
            BackrefTarget::Name(n) => n.clone(),
        };
        let digit_next = starts_with_digit(follow);
        let ok = match (&b.target, b.spelling) {
            (BackrefTarget::Number(_), Digits) => !digit_next,
            (BackrefTarget::Name(_), Digits) => false,
            (BackrefTarget::Relative(_), Digits) => false,
            (BackrefTarget::Name(_), KAngle) => {
                matches!(self.flavor, Js | Java | Pcre | Ruby | Dotnet)
            }
            (BackrefTarget::Name(_), KQuote) => matches!(self.flavor, Pcre | Ruby | Dotnet),
            (BackrefTarget::Number(_), KAngle | KQuote) => matches!(self.flavor, Ruby | Dotnet),
            (BackrefTarget::Relative(_), KAngle | KQuote) => self.flavor == Ruby,
            (BackrefTarget::Name(_), KBrace) => self.flavor == Pcre,
            (_, KBrace) => false,
            (BackrefTarget::Name(_), PEquals) => matches!(self.flavor, Python | Pcre),
            (_, PEquals) => false,
            (BackrefTarget::Name(_), G) => false,
            (_, G) => self.flavor == Pcre && !digit_next,
            (_, GBrace) => self.flavor == Pcre,
        };
        if ok {
            let t = target(&b.target);
            return match b.spelling {
                Digits => format!("\\{t}"),
                KAngle => format!("\\k<{t}>"),
                KQuote => format!("\\k'{t}'"),
                KBrace => format!("\\k{{{t}}}"),
                PEquals => format!("(?P={t})"),
                G => format!("\\g{t}"),
                GBrace => format!("\\g{{{t}}}"),
            };
        }
        // Fallbacks in the flavor's own spelling.
        let number = match &b.target {
            BackrefTarget::Number(n) => Some(*n),
            BackrefTarget::Relative(r) if !self.supports_relative() => {
                let before = self
                    .opened_before
                    .get(&(b as *const Backref))
                    .copied()
                    .unwrap_or(0);
                let n = if *r < 0 {
                    before as i64 + 1 + *r as i64
                } else {
                    before as i64 + *r as i64
                };
                Some(n.max(0) as u32)
            }
            _ => None,
        };
        match (&b.target, number) {
            (_, Some(n)) => match self.flavor {
                Pcre => format!("\\g{{{n}}}"),
                Ruby | Dotnet => format!("\\k<{n}>"),
                _ => {
                    if digit_next {
                        format!("(?:\\{n})")
                    } else {
                        format!("\\{n}")
                    }
                }
            },
            (BackrefTarget::Relative(r), None) => match self.flavor {
                Pcre => format!("\\g{{{r}}}"),
                _ => format!("\\k<{}>", target(&BackrefTarget::Relative(*r))),
            },
            (BackrefTarget::Name(n), _) => match self.flavor {
                Python => format!("(?P={n})"),
                _ => format!("\\k<{n}>"),
            },
            (BackrefTarget::Number(_), None) => unreachable!(),
        }
    }

    fn conditional(&self, c: &Conditional, st: State) -> String {
        use Flavor::*;
        let cond = match &c.condition {
            Condition::Group(n) => format!("({n})"),
            Condition::Name(n) => match self.flavor {
                Pcre | Ruby => format!("(<{n}>)"),
                _ => format!("({n})"),
            },
            Condition::Assertion(a) => self.node(a, st, ")"),
            Condition::Recursion(s) => format!("({s})"),
        };
        let wrap = |a: &Ast, s: String| {
            if matches!(a.kind, AstKind::Alternation(_)) {
                format!("(?:{s})")
            } else {
                s
            }
        };
        let yes_follow = if c.no.is_some() { "|" } else { ")" };
        let yes = wrap(&c.yes, self.node(&c.yes, st, yes_follow));
        let st2 = self.flow(&c.yes, st);
        match &c.no {
            Some(no) => {
                let no_s = wrap(no, self.node(no, st2, ")"));
                format!("(?{cond}{yes}|{no_s})")
            }
            None => format!("(?{cond}{yes})"),
        }
    }

    // ----- classes -----

    fn class(&self, c: &Class, st: State, nested: bool) -> String {
        let empty = matches!(&c.set, ClassSet::Union { items } if items.is_empty());
        if empty && self.flavor != Flavor::Js {
            return if c.negated {
                "[\\s\\S]".into()
            } else {
                "[^\\s\\S]".into()
            };
        }
        let mut out = String::from("[");
        if c.negated {
            out.push('^');
        }
        let body = self.set(&c.set, st, true, c.negated, "]");
        if nested
            && !c.negated
            && matches!(self.flavor, Flavor::Ruby | Flavor::Java)
            && body.starts_with([':', '.', '='])
        {
            // Onigmo would try `[[:…` as a POSIX bracket (Java has none, but
            // the escape costs nothing and no reader can take it wrongly).
            out.push('\\');
        }
        out.push_str(&body);
        out.push(']');
        out
    }

    fn supports_nested(&self) -> bool {
        matches!(self.flavor, Flavor::Java | Flavor::Ruby | Flavor::Rust) || self.js == JsMode::V
    }

    /// Prints a class body. `at_start`: this text comes right after `[` or `[^`.
    fn set(
        &self,
        set: &ClassSet,
        st: State,
        at_start: bool,
        negated: bool,
        follow: &str,
    ) -> String {
        match set {
            ClassSet::Union { items } => self.union(items, st, at_start, negated, follow),
            ClassSet::Op { op, lhs, rhs } => {
                self.set_op(*op, lhs, rhs, st, at_start, negated, follow)
            }
        }
    }

    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn set_op(
        &self,
        op: ClassOp,
        lhs: &ClassSet,
        rhs: &ClassSet,
        st: State,
        at_start: bool,
        negated: bool,
        follow: &str,
    ) -> String {
        use Flavor::*;
        let op = &op;

        let op_s = match op {
            ClassOp::Intersection => "&&",
            ClassOp::Subtraction => "--",
            ClassOp::SymmetricDifference => "~~",
        };
        match self.flavor {
            Dotnet => {
                // Subtraction: `base-[class]`; intersection A && B = A - [^B].
                let (neg, rhs_class) = (matches!(op, ClassOp::Intersection), rhs);
                let rhs_s = self.dotnet_subtrahend(rhs_class, st, neg);
                let lhs_s = self.set(lhs, st, at_start, negated, &join_follow("-", &rhs_s));
                format!("{lhs_s}-{rhs_s}")
            }
            Java | Ruby if matches!(op, ClassOp::Subtraction) => {
                // A -- B = A && [^B]
                let rhs_s = format!("[^{}]", self.set(rhs, st, true, true, "]"));
                let lhs_s = self.set_operand(lhs, st, at_start, negated, "&&", true, *op);
                format!("{lhs_s}&&{rhs_s}")
            }
            _ => {
                let mut rhs_s = self.set_operand(rhs, st, false, negated, follow, false, *op);
                if rhs_s.starts_with(&op_s[..1]) {
                    // `&&&`, `---`, `~~~`: escape the operand's first character.
                    rhs_s.insert(0, '\\');
                }
                let lhs_s = self.set_operand(
                    lhs,
                    st,
                    at_start,
                    negated,
                    &join_follow(op_s, &rhs_s),
                    true,
                    *op,
                );
                format!("{lhs_s}{op_s}{rhs_s}")
            }
        }
    }

    fn dotnet_subtrahend(&self, rhs: &ClassSet, st: State, negate: bool) -> String {
        if !negate {
            if let ClassSet::Union { items } = rhs {
                if let [ClassItem {
                    kind: ClassItemKind::Nested(c),
                    ..
                }] = items.as_slice()
                {
                    return self.class(c, st, true);
                }
            }
        }
        let body = self.set(rhs, st, true, negate, "]");
        format!("[{}{body}]", if negate { "^" } else { "" })
    }

    /// An operand of a class set operation.
    #[allow(clippy::too_many_arguments)]
    fn set_operand(
        &self,
        set: &ClassSet,
        st: State,
        at_start: bool,
        negated: bool,
        follow: &str,
        is_lhs: bool,
        parent: ClassOp,
    ) -> String {
        let wrap = |s: String| format!("[{s}]");
        match set {
            ClassSet::Op { op, .. } => {
                let inline = is_lhs && (self.js != JsMode::V || *op == parent);
                if inline {
                    self.set(set, st, at_start, negated, follow)
                } else {
                    wrap(self.set(set, st, true, false, "]"))
                }
            }
            ClassSet::Union { items } => {
                if self.js == JsMode::V {
                    let single =
                        items.len() == 1 && !matches!(items[0].kind, ClassItemKind::Range { .. });
                    if single {
                        self.union(items, st, at_start, negated, follow)
                    } else {
                        wrap(self.union(items, st, true, false, "]"))
                    }
                } else {
                    self.union(items, st, at_start, negated, follow)
                }
            }
        }
    }

    fn union(
        &self,
        items: &[ClassItem],
        st: State,
        at_start: bool,
        negated: bool,
        follow: &str,
    ) -> String {
        let mut parts: Vec<String> = Vec::with_capacity(items.len());
        let mut follow_buf = window(follow).to_string();
        for (i, item) in items.iter().enumerate().rev() {
            let first = at_start && i == 0;
            let last = i + 1 == items.len() && follow.starts_with(']');
            let s = self.class_item(item, st, first, last, negated, &follow_buf);
            follow_buf = join_follow(&s, &follow_buf);
            parts.push(s);
        }
        parts.reverse();
        parts.concat()
    }

    /// A literal inside a class, with the positional rules for `^` and `-`.
    fn class_literal(
        &self,
        l: &Literal,
        st: State,
        first: bool,
        last: bool,
        negated: bool,
        follow: &str,
    ) -> String {
        if l.kind == LiteralKind::Verbatim && l.c == '-' as u32 {
            let dash_ok = self.js != JsMode::V
                && !follow.starts_with('-')
                && !(self.flavor == Flavor::Dotnet && follow.starts_with('['))
                && (first || last);
            if dash_ok {
                return "-".into();
            }
            return self.fallback_literal(l.c, Place::Class, st, follow);
        }
        let s = self.literal(l, Place::Class, st, follow);
        if first && !negated && s.starts_with('^') {
            // `[^…` would negate the class.
            return "\\^".into();
        }
        s
    }

    fn class_item(
        &self,
        item: &ClassItem,
        st: State,
        first: bool,
        last: bool,
        negated: bool,
        follow: &str,
    ) -> String {
        match &item.kind {
            ClassItemKind::Nested(c) => {
                if self.supports_nested() {
                    self.class(c, st, true)
                } else if let (false, ClassSet::Union { items }) = (c.negated, &c.set) {
                    // Flatten `[a[bc]]` to `[abc]`.
                    self.union(items, st, first, negated, follow)
                } else {
                    self.class(c, st, true)
                }
            }
            _ => self.class_leaf(item, st, first, last, negated, follow),
        }
    }

    #[inline(never)]
    fn class_leaf(
        &self,
        item: &ClassItem,
        st: State,
        first: bool,
        last: bool,
        negated: bool,
        follow: &str,
    ) -> String {
        match &item.kind {
            ClassItemKind::Literal(l) => self.class_literal(l, st, first, last, negated, follow),
            ClassItemKind::Range { start, end } => {
                let mut end_s = self.range_end(end, st, follow);
                if end_s == "[" {
                    // `-[` is .NET's subtraction (and a nested class elsewhere).
                    end_s = "\\[".into();
                }
                let start_s = self.range_end(start, st, &join_follow("-", &end_s));
                let start_s = if first && !negated && start_s == "^" {
                    "\\^".into()
                } else {
                    start_s
                };
                format!("{start_s}-{end_s}")
            }
            ClassItemKind::Perl(p) => self.perl(*p, Place::Class),
            ClassItemKind::Property(p) => self.property(p),
            ClassItemKind::Posix { name, negated } => {
                format!("[:{}{name}:]", if *negated { "^" } else { "" })
            }
            ClassItemKind::Nested(_) => unreachable!(),
            ClassItemKind::Strings(alts) => {
                if self.js == JsMode::V {
                    let mut out = String::from("\\q{");
                    for (i, alt) in alts.iter().enumerate() {
                        if i > 0 {
                            out.push('|');
                        }
                        let mut parts = Vec::with_capacity(alt.len());
                        let mut fb = String::from("|");
                        for l in alt.iter().rev() {
                            let s = self.literal(l, Place::QString, st, &fb);
                            fb = join_follow(&s, &fb);
                            parts.push(s);
                        }
                        parts.reverse();
                        out.push_str(&parts.concat());
                    }
                    out.push('}');
                    out
                } else {
                    // Single characters as class members; longer strings have
                    // no class syntax outside JS `v` mode.
                    let mut out = String::new();
                    for alt in alts {
                        for l in alt {
                            out.push_str(&self.literal(l, Place::Class, st, "]"));
                        }
                    }
                    out
                }
            }
        }
    }

    fn range_end(&self, l: &Literal, st: State, follow: &str) -> String {
        if l.kind == LiteralKind::Verbatim && l.c == '-' as u32 {
            return self.fallback_literal(l.c, Place::Class, st, follow);
        }
        self.literal(l, Place::Class, st, follow)
    }
}

fn range_str(a: &str, b: &str) -> String {
    format!("{a}-{b}")
}

fn follows_low_surrogate(follow: &str) -> bool {
    let b = follow.as_bytes();
    if b.len() < 6 || b[0] != b'\\' || b[1] != b'u' {
        return false;
    }
    match u32::from_str_radix(&follow[2..6], 16) {
        Ok(v) => (0xDC00..0xE000).contains(&v),
        Err(_) => false,
    }
}

fn set_flags(fc: &FlagChange, flavor: Flavor) -> String {
    let f = flag_letters(fc);
    if f.is_empty() {
        // `(?)` changes nothing; PCRE is the one engine sure to accept it.
        if flavor == Flavor::Pcre {
            "(?)".into()
        } else {
            String::new()
        }
    } else {
        format!("(?{f})")
    }
}

fn flag_letters(fc: &FlagChange) -> String {
    let mut s = String::new();
    if fc.caret {
        s.push('^');
    }
    s.push_str(&fc.on);
    if !fc.off.is_empty() {
        s.push('-');
        s.push_str(&fc.off);
    }
    s
}

/// Prints a run of `\Q…\E`-quoted literals.
fn quoted_run(items: &[Ast]) -> String {
    let chars: Vec<char> = items
        .iter()
        .filter_map(|a| match &a.kind {
            AstKind::Literal(l) => char::from_u32(l.c),
            _ => None,
        })
        .collect();
    let mut out = String::from("\\Q");
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        if c == '\\' && chars.get(i + 1) == Some(&'E') {
            // `\E` would end the quote: close after the backslash.
            out.push_str("\\E\\Q");
        }
    }
    out.push_str("\\E");
    out
}

fn has_relative_backref(ast: &Ast) -> bool {
    match &ast.kind {
        AstKind::Backref(b) => matches!(b.target, BackrefTarget::Relative(_)),
        AstKind::Group(g) => has_relative_backref(&g.ast),
        AstKind::Repetition(r) => has_relative_backref(&r.ast),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter().any(has_relative_backref),
        AstKind::Conditional(c) => {
            has_relative_backref(&c.yes) || c.no.as_ref().is_some_and(has_relative_backref)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Flavor::*;

    fn ast(kind: AstKind) -> Ast {
        Ast {
            span: Span::default(),
            kind,
        }
    }

    fn l(c: char, kind: LiteralKind) -> Ast {
        ast(AstKind::Literal(Literal { c: c as u32, kind }))
    }

    fn v(c: char) -> Ast {
        l(c, LiteralKind::Verbatim)
    }

    fn cat(items: Vec<Ast>) -> Ast {
        ast(AstKind::Concat(items))
    }

    fn item(kind: ClassItemKind) -> ClassItem {
        ClassItem {
            span: Span::default(),
            kind,
        }
    }

    fn cls(negated: bool, items: Vec<ClassItemKind>) -> Ast {
        ast(AstKind::Class(Box::new(Class {
            span: Span::default(),
            negated,
            set: ClassSet::Union {
                items: items.into_iter().map(item).collect(),
            },
        })))
    }

    fn cl(c: char) -> ClassItemKind {
        ClassItemKind::Literal(Literal {
            c: c as u32,
            kind: LiteralKind::Verbatim,
        })
    }

    fn rep(a: Ast, op: RepetitionOp, greed: Greed) -> Ast {
        ast(AstKind::Repetition(Box::new(Repetition {
            op_span: Span::default(),
            op,
            greed,
            ast: a,
        })))
    }

    fn group(kind: GroupKind, a: Ast) -> Ast {
        ast(AstKind::Group(Box::new(Group { kind, ast: a })))
    }

    fn pf(a: &Ast, f: Flavor, letters: &str) -> String {
        let flags = Flags::parse(f, letters).unwrap();
        let s = print_with_flags(a, f, &flags);
        // Every output must be a valid pattern in the flavor.
        if let Err(e) = crate::parse(&s, f, letters) {
            panic!("{f}: {s:?} does not parse: {e}");
        }
        s
    }

    #[test]
    fn verbatim_metacharacters_are_escaped_outside_classes() {
        let metas: Vec<Ast> = "\\^$.|?*+()[".chars().map(v).collect();
        for f in Flavor::ALL {
            assert_eq!(
                pf(&cat(metas.clone()), f, ""),
                "\\\\\\^\\$\\.\\|\\?\\*\\+\\(\\)\\[",
                "{f}"
            );
        }
    }

    #[test]
    fn braces_and_brackets_depend_on_flavor_and_mode() {
        let a = cat(vec![v('a'), v('{'), v('}'), v(']')]);
        assert_eq!(pf(&a, Js, ""), "a{}]");
        assert_eq!(pf(&a, Js, "u"), "a\\{\\}\\]");
        assert_eq!(pf(&a, Python, ""), "a{}]");
        assert_eq!(pf(&a, Java, ""), "a\\{}]");
        assert_eq!(pf(&a, Rust, ""), "a\\{}]");
        // A `{` that would start a quantifier.
        let q = cat(vec![v('a'), v('{'), v('2'), v('}')]);
        for f in [Js, Python, Pcre, Ruby, Dotnet, Go] {
            assert_eq!(pf(&q, f, ""), "a\\{2}", "{f}");
        }
        let q = cat(vec![v('a'), v('{'), v(','), v('5'), v('}')]);
        assert_eq!(pf(&q, Python, ""), "a\\{,5}");
    }

    #[test]
    fn class_context() {
        // `]` and `\` always; `-` in the middle; `^` first; `[` where it nests.
        let c = cls(
            false,
            vec![
                cl('^'),
                cl('a'),
                cl('-'),
                cl('z'),
                cl(']'),
                cl('\\'),
                cl('['),
                cl('-'),
            ],
        );
        assert_eq!(pf(&c, Python, ""), "[\\^a\\-z\\]\\\\[-]");
        assert_eq!(pf(&c, Js, ""), "[\\^a\\-z\\]\\\\[-]");
        assert_eq!(pf(&c, Java, ""), "[\\^a\\-z\\]\\\\\\[-]");
        assert_eq!(pf(&c, Rust, ""), "[\\^a\\-z\\]\\\\\\[-]");
        assert_eq!(pf(&c, Js, "v"), "[\\^a\\-z\\]\\\\\\[\\-]");
        // Negated: a leading `^` needs no escape; a leading `-` stays.
        let c = cls(true, vec![cl('-'), cl('^')]);
        assert_eq!(pf(&c, Pcre, ""), "[^-^]");
        // Metacharacters of the top level are plain inside classes.
        let c = cls(
            false,
            vec![cl('.'), cl('*'), cl('('), cl('$'), cl('|'), cl('{')],
        );
        assert_eq!(pf(&c, Pcre, ""), "[.*($|{]");
        assert_eq!(pf(&c, Js, "v"), "[.*\\($\\|\\{]");
    }

    #[test]
    fn class_operators_are_not_formed_by_accident() {
        let c = cls(false, vec![cl('&'), cl('&'), cl('~'), cl('~')]);
        assert_eq!(pf(&c, Java, ""), "[\\&&~~]");
        assert_eq!(pf(&c, Rust, ""), "[\\&&\\~~]");
        assert_eq!(pf(&c, Python, ""), "[&&~~]");
        assert_eq!(pf(&c, Js, "v"), "[\\&&\\~~]");
        // v-mode double punctuators.
        let c = cls(false, vec![cl('!'), cl('!'), cl('.')]);
        assert_eq!(pf(&c, Js, "v"), "[\\!!.]");
        // PCRE/Go POSIX brackets.
        let c = cls(false, vec![cl('['), cl(':'), cl('a'), cl(':'), cl(']')]);
        assert_eq!(pf(&c, Pcre, ""), "[\\[:a:\\]]");
        assert_eq!(pf(&c, Python, ""), "[[:a:\\]]");
    }

    #[test]
    fn identity_escapes_per_flavor() {
        let a = cat(vec![
            l('/', LiteralKind::Escaped),
            l('-', LiteralKind::Escaped),
            l('_', LiteralKind::Escaped),
        ]);
        assert_eq!(pf(&a, Js, ""), "\\/\\-\\_");
        // u mode: only syntax characters and `/`.
        assert_eq!(pf(&a, Js, "u"), "\\/-_");
        assert_eq!(pf(&a, Dotnet, ""), "\\/\\-_");
        assert_eq!(pf(&a, Rust, ""), "\\/\\-\\_");
        let b = l('<', LiteralKind::Escaped);
        assert_eq!(pf(&b, Rust, ""), "<");
        assert_eq!(pf(&b, Pcre, ""), "\\<");
        // Inside a u-mode class `\-` is allowed.
        let c = ast(AstKind::Class(Box::new(Class {
            span: Span::default(),
            negated: false,
            set: ClassSet::Union {
                items: vec![
                    item(cl('a')),
                    item(ClassItemKind::Literal(Literal {
                        c: '-' as u32,
                        kind: LiteralKind::Escaped,
                    })),
                    item(cl('b')),
                ],
            },
        })));
        assert_eq!(pf(&c, Js, "u"), "[a\\-b]");
    }

    #[test]
    fn control_and_invisible_characters_use_escapes() {
        let a = cat(vec![
            v('\u{1}'),
            v('\t'),
            v('\u{7f}'),
            v('\u{200b}'),
            v('\u{a0}'),
            v('é'),
        ]);
        assert_eq!(pf(&a, Js, ""), "\\x01\\t\\x7F\\u200B\\xA0é");
        assert_eq!(pf(&a, Ruby, ""), "\\x01\\t\\x7F\\u200B\\u00A0é");
        assert_eq!(pf(&a, Pcre, "u"), "\\x01\\t\\x7F\\x{200B}\\xA0é");
        assert_eq!(pf(&a, Python, ""), "\\x01\\t\\x7F\\u200B\\xA0é");
    }

    #[test]
    fn literal_kinds_are_reproduced() {
        use LiteralKind::*;
        let a = cat(vec![
            l('A', Hex2),
            l('é', Unicode4),
            l('\n', Special),
            l('\u{1}', Control),
            l('\u{8}', Octal),
        ]);
        assert_eq!(pf(&a, Js, ""), "\\x41\\u00E9\\n\\cA\\010");
        assert_eq!(pf(&a, Java, ""), "\\x41\\u00E9\\n\\cA\\0010");
        // Python has no \c: a hex escape instead.
        assert_eq!(pf(&a, Python, ""), "\\x41\\u00E9\\n\\x01\\010");
        let b = l('😀', UnicodeBrace);
        assert_eq!(pf(&b, Js, "u"), "\\u{1F600}");
        // Without `u` there is no one escape for it: the character itself.
        assert_eq!(pf(&b, Js, ""), "😀");
        assert_eq!(pf(&l('😀', SurrogatePair), Js, "u"), "\\uD83D\\uDE00");
        assert_eq!(pf(&l('😀', Unicode8), Python, ""), "\\U0001F600");
        assert_eq!(pf(&l('😀', HexBrace), Go, ""), "\\x{1F600}");
        assert_eq!(pf(&l('A', OctalBrace), Pcre, ""), "\\o{101}");
        assert_eq!(pf(&l('A', Named), Pcre, "u"), "\\N{U+41}");
        assert_eq!(pf(&l('\u{1b}', Special), Js, ""), "\\x1B");
        assert_eq!(pf(&l('\u{b}', Special), Java, ""), "\\x0B");
    }

    #[test]
    fn octal_before_a_digit() {
        let a = cat(vec![l('\0', LiteralKind::Octal), v('1')]);
        assert_eq!(pf(&a, Js, ""), "\\0001");
        assert_eq!(pf(&a, Python, ""), "\\0001");
        assert_eq!(pf(&a, Java, ""), "\\00001");
        // u mode has only `\0` not followed by a digit.
        assert_eq!(pf(&a, Js, "u"), "\\x001");
        let b = cat(vec![l('\0', LiteralKind::Octal), v('a')]);
        assert_eq!(pf(&b, Js, "u"), "\\0a");
        assert_eq!(pf(&b, Java, ""), "\\00a");
    }

    #[test]
    fn backreference_before_a_digit() {
        let g = group(
            GroupKind::Capture {
                index: 1,
                name: None,
            },
            v('a'),
        );
        let r = ast(AstKind::Backref(Backref {
            target: BackrefTarget::Number(1),
            spelling: BackrefSpelling::Digits,
        }));
        let a = cat(vec![g, r, v('0')]);
        assert_eq!(pf(&a, Js, ""), "(a)(?:\\1)0");
        assert_eq!(pf(&a, Pcre, ""), "(a)\\g{1}0");
        assert_eq!(pf(&a, Dotnet, ""), "(a)\\k<1>0");
    }

    #[test]
    fn quoting() {
        let a = cat(vec![
            l('a', LiteralKind::Quoted),
            l('*', LiteralKind::Quoted),
            l('\\', LiteralKind::Quoted),
            l('E', LiteralKind::Quoted),
        ]);
        assert_eq!(pf(&a, Pcre, ""), "\\Qa*\\\\E\\QE\\E");
        // No quoting in JS: each character on its own.
        assert_eq!(pf(&a, Js, ""), "a\\*\\\\E");
    }

    #[test]
    fn quantifier_operands_are_grouped_when_needed() {
        let c = cat(vec![v('a'), v('b')]);
        assert_eq!(
            pf(&rep(c, RepetitionOp::Plus, Greed::Greedy), Go, ""),
            "(?:ab)+"
        );
        let caret = ast(AstKind::Assertion {
            kind: AssertionKind::Caret,
        });
        assert_eq!(
            pf(
                &rep(caret.clone(), RepetitionOp::Star, Greed::Greedy),
                Python,
                ""
            ),
            "(?:^)*"
        );
        assert_eq!(
            pf(&rep(caret, RepetitionOp::Star, Greed::Greedy), Java, ""),
            "^*"
        );
        let inner = rep(v('a'), RepetitionOp::Star, Greed::Greedy);
        let nested = rep(inner, RepetitionOp::Question, Greed::Greedy);
        assert_eq!(pf(&nested, Pcre, ""), "(?:a*)?");
        assert_eq!(pf(&nested, Ruby, ""), "(?:a*)?");
        let inner = rep(v('a'), RepetitionOp::Star, Greed::Greedy);
        assert_eq!(
            pf(
                &rep(inner, RepetitionOp::Exactly { n: 2 }, Greed::Greedy),
                Java,
                ""
            ),
            "a*{2}"
        );
        // Greed and count spellings.
        let p = rep(
            v('a'),
            RepetitionOp::Bounded { min: 1, max: 3 },
            Greed::Possessive,
        );
        assert_eq!(pf(&p, Java, ""), "a{1,3}+");
        assert_eq!(pf(&p, Ruby, ""), "(?>a{1,3})");
        assert_eq!(pf(&p, Js, ""), "a{1,3}");
        let u = rep(v('a'), RepetitionOp::UpTo { max: 3 }, Greed::Lazy);
        assert_eq!(pf(&u, Python, ""), "a{,3}?");
        assert_eq!(pf(&u, Go, ""), "a{0,3}?");
        // A lookahead in JS u mode cannot be quantified directly.
        let la = group(GroupKind::Lookahead { negated: false }, v('a'));
        assert_eq!(
            pf(
                &rep(la.clone(), RepetitionOp::Question, Greed::Greedy),
                Js,
                "u"
            ),
            "(?:(?=a))?"
        );
        assert_eq!(
            pf(&rep(la, RepetitionOp::Question, Greed::Greedy), Js, ""),
            "(?=a)?"
        );
    }

    #[test]
    fn alternation_inside_sequence_is_grouped() {
        let alt = ast(AstKind::Alternation(vec![v('a'), v('b')]));
        assert_eq!(pf(&cat(vec![v('x'), alt]), Go, ""), "x(?:a|b)");
    }

    #[test]
    fn group_and_backref_spellings() {
        let name = |spelling| GroupKind::Capture {
            index: 1,
            name: Some(GroupName {
                name: "n".into(),
                spelling,
            }),
        };
        let g = group(name(NameSpelling::Quote), v('a'));
        assert_eq!(pf(&g, Pcre, ""), "(?'n'a)");
        assert_eq!(pf(&g, Python, ""), "(?P<n>a)");
        assert_eq!(pf(&g, Js, ""), "(?<n>a)");
        let r = |spelling| {
            ast(AstKind::Backref(Backref {
                target: BackrefTarget::Name("n".into()),
                spelling,
            }))
        };
        let a = cat(vec![
            group(name(NameSpelling::PAngle), v('a')),
            r(BackrefSpelling::PEquals),
        ]);
        assert_eq!(pf(&a, Python, ""), "(?P<n>a)(?P=n)");
        assert_eq!(pf(&a, Java, ""), "(?<n>a)\\k<n>");
        let a = cat(vec![
            group(name(NameSpelling::Angle), v('a')),
            r(BackrefSpelling::KBrace),
        ]);
        assert_eq!(pf(&a, Pcre, ""), "(?<n>a)\\k{n}");
        assert_eq!(pf(&a, Ruby, ""), "(?<n>a)\\k<n>");
        let rel = ast(AstKind::Backref(Backref {
            target: BackrefTarget::Relative(-1),
            spelling: BackrefSpelling::GBrace,
        }));
        let a = cat(vec![
            group(
                GroupKind::Capture {
                    index: 1,
                    name: None,
                },
                v('a'),
            ),
            rel,
        ]);
        assert_eq!(pf(&a, Pcre, ""), "(a)\\g{-1}");
        // Without relative references: the absolute number.
        assert_eq!(pf(&a, Java, ""), "(a)\\1");
    }

    #[test]
    fn properties() {
        let p = |negated, spelling| {
            ast(AstKind::Property(Property {
                negated,
                name: "L".into(),
                value: None,
                spelling,
            }))
        };
        assert_eq!(pf(&p(false, PropertySpelling::Single), Pcre, ""), "\\pL");
        assert_eq!(pf(&p(true, PropertySpelling::Single), Js, "u"), "\\P{L}");
        assert_eq!(
            pf(&p(true, PropertySpelling::BracedCaret), Pcre, ""),
            "\\p{^L}"
        );
        assert_eq!(
            pf(&p(false, PropertySpelling::BracedCaret), Pcre, ""),
            "\\P{^L}"
        );
        assert_eq!(
            pf(&p(true, PropertySpelling::BracedCaret), Java, ""),
            "\\P{L}"
        );
    }

    #[test]
    fn extended_mode_escapes_whitespace_and_hash() {
        let a = cat(vec![v('a'), v(' '), v('#'), l(' ', LiteralKind::Escaped)]);
        assert_eq!(pf(&a, Pcre, ""), "a #\\ ");
        assert_eq!(pf(&a, Pcre, "x"), "a\\ \\#\\ ");
        // Turned on inline, for the rest of the group only.
        let on = ast(AstKind::SetFlags(FlagChange {
            on: "x".into(),
            off: String::new(),
            caret: false,
        }));
        let g = group(GroupKind::NonCapture, cat(vec![on, v(' ')]));
        assert_eq!(pf(&cat(vec![g, v(' ')]), Pcre, ""), "(?:(?x)\\ ) ");
        // In classes: Java and Rust skip whitespace there too.
        let c = cls(false, vec![cl(' '), cl('#')]);
        assert_eq!(pf(&c, Java, "x"), "[\\ \\#]");
        assert_eq!(pf(&c, Python, "x"), "[ #]");
    }

    #[test]
    fn empty_classes_outside_js() {
        assert_eq!(pf(&cls(false, vec![]), Js, ""), "[]");
        assert_eq!(pf(&cls(true, vec![]), Js, ""), "[^]");
        assert_eq!(pf(&cls(false, vec![]), Python, ""), "[^\\s\\S]");
        assert_eq!(pf(&cls(true, vec![]), Go, ""), "[\\s\\S]");
    }

    #[test]
    fn set_operations() {
        let u = |c| ClassSet::Union {
            items: vec![item(cl(c))],
        };
        let op = |op, a, b| ClassSet::Op {
            op,
            lhs: Box::new(a),
            rhs: Box::new(b),
        };
        let c = |set| {
            ast(AstKind::Class(Box::new(Class {
                span: Span::default(),
                negated: false,
                set,
            })))
        };
        let and = c(op(
            ClassOp::Intersection,
            op(ClassOp::Intersection, u('a'), u('b')),
            u('c'),
        ));
        assert_eq!(pf(&and, Js, "v"), "[a&&b&&c]");
        assert_eq!(pf(&and, Java, ""), "[a&&b&&c]");
        assert_eq!(pf(&and, Rust, ""), "[a&&b&&c]");
        // Mixed operators need brackets in v mode.
        let mixed = c(op(
            ClassOp::Subtraction,
            op(ClassOp::Intersection, u('a'), u('b')),
            u('c'),
        ));
        assert_eq!(pf(&mixed, Js, "v"), "[[a&&b]--c]");
        assert_eq!(pf(&mixed, Rust, ""), "[a&&b--c]");
        let nested = ClassSet::Union {
            items: vec![item(ClassItemKind::Nested(Box::new(Class {
                span: Span::default(),
                negated: false,
                set: u('b'),
            })))],
        };
        let sub = c(op(ClassOp::Subtraction, u('a'), nested));
        assert_eq!(pf(&sub, Dotnet, ""), "[a-[b]]");
        assert_eq!(pf(&sub, Js, "v"), "[a--[b]]");
    }

    #[test]
    fn strip_spans_clears_every_span() {
        let parsed = crate::parse(r"(a[b-c])+\1|[[x]&&y]", Flavor::Java, "").unwrap();
        let stripped = strip_spans(&parsed.ast);
        let json = format!("{stripped:?}");
        assert!(!json.contains("start: 1"), "{json}");
        assert!(eq_ignore_spans(&parsed.ast, &stripped));
        let other = crate::parse(r"(a[b-c])+\1|[[x]&&z]", Flavor::Java, "").unwrap();
        assert!(!eq_ignore_spans(&parsed.ast, &other.ast));
    }

    #[test]
    fn deep_nesting_within_the_nest_limit() {
        // Print and strip at the parser's nest limit on a 2 MiB stack (the
        // default of spawned threads). The trees are built by the parser on a
        // bigger stack.
        let depth = crate::DEFAULT_NEST_LIMIT as usize;
        let cases = [
            (
                format!("{}a{}", "(?:".repeat(depth), ")".repeat(depth)),
                Flavor::Pcre,
            ),
            (
                format!("{}a{}", "(".repeat(depth), ")*".repeat(depth)),
                Flavor::Ruby,
            ),
            (
                format!("{}a{}", "[".repeat(depth), "]".repeat(depth)),
                Flavor::Java,
            ),
            (
                format!("{}a{}", "[".repeat(depth), "]".repeat(depth)),
                Flavor::Js,
            ),
        ];
        for (pattern, flavor) in cases {
            let flags = if flavor == Js { "v" } else { "" };
            let pat = pattern.clone();
            let p = std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn(move || crate::parse(&pat, flavor, flags).unwrap())
                .unwrap()
                .join()
                .unwrap();
            let printed = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let s = print_pattern(&p);
                    let stripped = strip_spans(&p.ast);
                    assert!(eq_ignore_spans(&stripped, &p.ast));
                    std::mem::forget(stripped);
                    // Dropping the tree recurses too: leak it on the big stack's behalf.
                    std::mem::forget(p);
                    s
                })
                .unwrap()
                .join()
                .unwrap();
            assert_eq!(printed, pattern, "{flavor}");
        }
    }
}
