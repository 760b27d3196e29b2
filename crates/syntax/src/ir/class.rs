//! Character sets: the one-character alphabet of the IR, and case folding.

use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A set of Unicode scalar values, stored as sorted, non-adjacent ranges.
///
/// Cloning is cheap (the ranges are shared), so the same large set (say
/// `\w` in Unicode mode) can appear many times in one IR without copying.
/// Sets are immutable: the operations return new sets.
#[derive(Clone)]
pub struct CharSet(Arc<ClassUnicode>);

fn r(a: char, b: char) -> ClassUnicodeRange {
    ClassUnicodeRange::new(a, b)
}

/// Builds a class from `(start, end)` code point pairs. Pairs that are not
/// scalar values (surrogates) must not be passed.
pub(crate) fn class_of(pairs: &[(u32, u32)]) -> ClassUnicode {
    ClassUnicode::new(
        pairs
            .iter()
            .filter_map(|&(a, b)| Some(r(char::from_u32(a)?, char::from_u32(b)?))),
    )
}

impl CharSet {
    /// The set with no characters: a class that never matches.
    pub fn empty() -> CharSet {
        CharSet(Arc::new(ClassUnicode::empty()))
    }

    /// Every Unicode scalar value.
    pub fn any() -> CharSet {
        CharSet::range('\0', char::MAX)
    }

    /// The set holding just `c`.
    pub fn char(c: char) -> CharSet {
        CharSet::range(c, c)
    }

    /// The characters from `start` to `end` inclusive (in either order).
    pub fn range(start: char, end: char) -> CharSet {
        CharSet(Arc::new(ClassUnicode::new([r(start, end)])))
    }

    /// The union of the given inclusive ranges.
    pub fn from_ranges<I: IntoIterator<Item = (char, char)>>(ranges: I) -> CharSet {
        CharSet(Arc::new(ClassUnicode::new(
            ranges.into_iter().map(|(a, b)| r(a, b)),
        )))
    }

    /// Wraps a regex-syntax class.
    pub fn from_class(class: ClassUnicode) -> CharSet {
        CharSet(Arc::new(class))
    }

    /// The underlying regex-syntax class.
    pub fn as_class(&self) -> &ClassUnicode {
        &self.0
    }

    /// A copy of the underlying regex-syntax class, to modify.
    pub fn to_class(&self) -> ClassUnicode {
        (*self.0).clone()
    }

    /// The ranges, sorted and non-overlapping.
    pub fn ranges(&self) -> impl ExactSizeIterator<Item = (char, char)> + '_ {
        self.0.ranges().iter().map(|r| (r.start(), r.end()))
    }

    /// The number of ranges.
    pub fn range_count(&self) -> usize {
        self.0.ranges().len()
    }

    /// Whether `c` is in the set.
    pub fn contains(&self, c: char) -> bool {
        let rs = self.0.ranges();
        // The first range whose end is >= c.
        let i = rs.partition_point(|r| r.end() < c);
        i < rs.len() && rs[i].start() <= c
    }

    /// Whether the set has no characters (a class that never matches).
    pub fn is_empty(&self) -> bool {
        self.0.ranges().is_empty()
    }

    /// Whether the set holds every scalar value.
    pub fn is_any(&self) -> bool {
        let rs = self.0.ranges();
        rs.len() == 1 && rs[0].start() == '\0' && rs[0].end() == char::MAX
    }

    /// The number of characters in the set.
    pub fn len(&self) -> u32 {
        self.0
            .ranges()
            .iter()
            .map(|r| r.end() as u32 - r.start() as u32 + 1)
            .sum::<u32>()
            - self.surrogate_gap_count()
    }

    fn surrogate_gap_count(&self) -> u32 {
        // A range that spans the surrogate block counts 2048 code points that
        // are not scalar values.
        self.0
            .ranges()
            .iter()
            .filter(|r| (r.start() as u32) < 0xD800 && (r.end() as u32) > 0xDFFF)
            .count() as u32
            * 0x800
    }

    /// Whether the set has at most `n` characters (cheaper than [`CharSet::len`]
    /// for big sets).
    pub fn len_at_most(&self, n: u32) -> bool {
        class_len_at_most(&self.0, n)
    }

    /// The only character of a one-character set.
    pub fn single(&self) -> Option<char> {
        match self.0.ranges() {
            [r] if r.start() == r.end() => Some(r.start()),
            _ => None,
        }
    }

    /// The smallest character of the set.
    pub fn first(&self) -> Option<char> {
        self.0.ranges().first().map(|r| r.start())
    }

    /// `self ∪ other`
    pub fn union(&self, other: &CharSet) -> CharSet {
        let mut c = self.to_class();
        c.union(&other.0);
        CharSet::from_class(c)
    }

    /// `self ∩ other`
    pub fn intersect(&self, other: &CharSet) -> CharSet {
        let mut c = self.to_class();
        c.intersect(&other.0);
        CharSet::from_class(c)
    }

    /// `self ∖ other`
    pub fn difference(&self, other: &CharSet) -> CharSet {
        let mut c = self.to_class();
        c.difference(&other.0);
        CharSet::from_class(c)
    }

    /// Every scalar value not in `self`.
    pub fn negate(&self) -> CharSet {
        let mut c = self.to_class();
        c.negate();
        CharSet::from_class(c)
    }

    /// Whether the sets have no character in common.
    pub fn is_disjoint(&self, other: &CharSet) -> bool {
        let (a, b) = (self.0.ranges(), other.0.ranges());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].end() < b[j].start() {
                i += 1;
            } else if b[j].end() < a[i].start() {
                j += 1;
            } else {
                return false;
            }
        }
        true
    }

    /// Whether every character of `self` is in `other`.
    pub fn is_subset(&self, other: &CharSet) -> bool {
        self.difference(other).is_empty()
    }

    /// The closure of the set under Unicode simple case folding.
    pub fn case_fold_simple(&self) -> CharSet {
        self.case_fold(Folding::Simple)
    }

    /// The closure of the set under `folding`'s case equivalence: what a
    /// case-insensitive class made of these characters matches.
    pub fn case_fold(&self, folding: Folding) -> CharSet {
        let mut f = Folder;
        CharSet::from_class(f.fold(&self.0, folding))
    }
}

pub(crate) fn class_len_at_most(c: &ClassUnicode, n: u32) -> bool {
    let mut total: u64 = 0;
    for r in c.ranges() {
        total += u64::from(r.end() as u32 - r.start() as u32 + 1);
        if total > u64::from(n) {
            return false;
        }
    }
    true
}

impl PartialEq for CharSet {
    fn eq(&self, other: &CharSet) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.ranges() == other.0.ranges()
    }
}

impl Eq for CharSet {}

impl Hash for CharSet {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for r in self.0.ranges() {
            (r.start(), r.end()).hash(state);
        }
    }
}

impl From<ClassUnicode> for CharSet {
    fn from(c: ClassUnicode) -> CharSet {
        CharSet::from_class(c)
    }
}

impl Serialize for CharSet {
    /// A list of `[start, end]` code point pairs.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.range_count()))?;
        for (a, b) in self.ranges() {
            seq.serialize_element(&[a as u32, b as u32])?;
        }
        seq.end()
    }
}

/// Writes `c` as it would appear in a pattern, escaped for use inside a
/// class (`in_class`) or outside one.
pub(crate) fn write_char(f: &mut impl fmt::Write, c: char, in_class: bool) -> fmt::Result {
    match c {
        '\n' => f.write_str("\\n"),
        '\r' => f.write_str("\\r"),
        '\t' => f.write_str("\\t"),
        '\x0B' => f.write_str("\\v"),
        '\x0C' => f.write_str("\\f"),
        ' ' => f.write_char(' '),
        c if c.is_ascii_alphanumeric() => f.write_char(c),
        c if c.is_ascii_punctuation() => {
            let meta = if in_class {
                matches!(c, '\\' | ']' | '[' | '^' | '-' | '&' | '~')
            } else {
                matches!(
                    c,
                    '\\' | '.'
                        | '+'
                        | '*'
                        | '?'
                        | '('
                        | ')'
                        | '|'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | '^'
                        | '$'
                )
            };
            if meta {
                f.write_char('\\')?;
            }
            f.write_char(c)
        }
        c if (c as u32) < 0x80 => write!(f, "\\x{:02X}", c as u32),
        c => write!(f, "\\u{{{:X}}}", c as u32),
    }
}

fn write_ranges(f: &mut fmt::Formatter<'_>, ranges: &[ClassUnicodeRange]) -> fmt::Result {
    for r in ranges {
        write_char(f, r.start(), true)?;
        if r.end() != r.start() {
            if r.end() as u32 != r.start() as u32 + 1 {
                f.write_char('-')?;
            }
            write_char(f, r.end(), true)?;
        }
    }
    Ok(())
}

use std::fmt::Write as _;

impl fmt::Display for CharSet {
    /// Regex-like text: `a`, `[a-z]`, `[^\n]`, `(?s:.)` for every character
    /// and `[]` for the empty set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = self.single() {
            return write_char(f, c, false);
        }
        if self.is_any() {
            return f.write_str("(?s:.)");
        }
        if self.is_empty() {
            return f.write_str("[]");
        }
        if self.first() == Some('\0') {
            let neg = self.negate();
            f.write_str("[^")?;
            write_ranges(f, neg.0.ranges())?;
            return f.write_char(']');
        }
        f.write_char('[')?;
        write_ranges(f, self.0.ranges())?;
        f.write_char(']')
    }
}

impl fmt::Debug for CharSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CharSet({self})")
    }
}

/// Which characters a case-insensitive match treats as equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Folding {
    /// Unicode simple case folding (`CaseFolding.txt` statuses C and S):
    /// Go, Rust, JS `u`/`v`, Java `UNICODE_CASE`, PCRE UTF, Python, .NET,
    /// Ruby (whose multi-character folds such as `ß`/`ss` are not modelled).
    Simple,
    /// Simple case folding, and also `İ` (U+0130) and `ı` (U+0131) equal
    /// to `i` and `I`: Python `re` (`lower()` with its extra cases) and
    /// Java `UNICODE_CASE` (`toLowerCase(toUpperCase(c))`).
    SimpleDottedI,
    /// Only ASCII letters are folded (Java without `UNICODE_CASE`, PCRE
    /// without UTF, Python `re.ASCII`, Rust `(?-u)`).
    Ascii,
    /// JS without `u`/`v`: two characters are equal when their ES
    /// `Canonicalize` agree: `toUpperCase` if that gives one character, but
    /// never from a non-ASCII character to an ASCII one (so `ſ`/`s`,
    /// `K`/`k`, `ß`/`ẞ` are not equal). Exact, with Rust's Unicode version.
    JsLegacy,
}

impl Folding {
    /// Whether `a` and `b` are equal under this folding.
    pub fn chars_equal(self, a: char, b: char) -> bool {
        if a == b {
            return true;
        }
        // The matcher calls this per character of a case-insensitive
        // backreference: the common cases must not build sets.
        match self {
            Folding::JsLegacy => Folder::js_canonicalize(a) == Folder::js_canonicalize(b),
            Folding::Ascii => a.is_ascii() && b.is_ascii() && a.eq_ignore_ascii_case(&b),
            // No simple fold orbit (nor the dotted/dotless I rule) holds
            // two ASCII characters but a letter's two cases.
            _ if a.is_ascii() && b.is_ascii() => a.eq_ignore_ascii_case(&b),
            _ => CharSet::char(a).case_fold(self).contains(b),
        }
    }
}

/// Case folding with a lazily built set of every character that has a
/// non-trivial simple case fold orbit, so that folding a big set costs in
/// proportion to its cased part only.
#[derive(Default)]
pub(crate) struct Folder;

const ASCII_LETTERS: &[(u32, u32)] = &[(0x41, 0x5A), (0x61, 0x7A)];

impl Folder {
    /// Every character `c` such that simple case folding maps some other
    /// character to `c`'s orbit: the closure of `Changes_When_Casemapped`.
    /// Built once per process: it is the same for every pattern.
    fn orbit(&mut self) -> &'static ClassUnicode {
        static ORBIT: std::sync::OnceLock<ClassUnicode> = std::sync::OnceLock::new();
        ORBIT.get_or_init(|| {
            let mut c = sets::rs(r"\p{Changes_When_Casemapped}")
                .expect("regex-syntax knows Changes_When_Casemapped");
            c.case_fold_simple();
            c
        })
    }

    fn simple(&mut self, set: &ClassUnicode) -> ClassUnicode {
        let mut out = set.clone();
        if class_len_at_most(set, 256) {
            out.case_fold_simple();
            return out;
        }
        let mut part = set.clone();
        part.intersect(self.orbit());
        part.case_fold_simple();
        out.union(&part);
        out
    }

    fn ascii(set: &ClassUnicode) -> ClassUnicode {
        let mut letters = set.clone();
        letters.intersect(&class_of(ASCII_LETTERS));
        if letters.ranges().is_empty() {
            return set.clone();
        }
        let mut out = set.clone();
        let flip = |c: char| char::from(c as u8 ^ 0x20);
        let swapped = letters
            .ranges()
            .iter()
            .map(|x| r(flip(x.start()), flip(x.end())));
        out.union(&ClassUnicode::new(swapped));
        out
    }

    pub(crate) fn fold(&mut self, set: &ClassUnicode, folding: Folding) -> ClassUnicode {
        match folding {
            Folding::Simple => self.simple(set),
            Folding::SimpleDottedI => {
                let mut out = self.simple(set);
                let i4 = class_of(&[(0x49, 0x49), (0x69, 0x69), (0x130, 0x131)]);
                let mut hit = out.clone();
                hit.intersect(&i4);
                if !hit.ranges().is_empty() {
                    out.union(&i4);
                }
                out
            }
            Folding::Ascii => Folder::ascii(set),
            Folding::JsLegacy => self.js_legacy(set),
        }
    }

    /// ES `Canonicalize(ch)` for non-Unicode, case-insensitive patterns.
    fn js_canonicalize(c: char) -> char {
        let mut up = c.to_uppercase();
        match (up.next(), up.next()) {
            (Some(u), None) if !(c as u32 >= 0x80 && (u as u32) < 0x80) => u,
            _ => c,
        }
    }

    /// JS legacy equivalence classes are within simple case fold orbits:
    /// keep the orbit members with the same `Canonicalize`.
    fn js_legacy(&mut self, set: &ClassUnicode) -> ClassUnicode {
        let mut part = set.clone();
        part.intersect(self.orbit());
        if part.ranges().is_empty() {
            return set.clone();
        }
        let mut extra = Vec::new();
        for x in part.ranges() {
            for c in x.start()..=x.end() {
                let canon = Folder::js_canonicalize(c);
                let mut orbit = ClassUnicode::new([r(c, c)]);
                orbit.case_fold_simple();
                for o in orbit.ranges() {
                    for d in o.start()..=o.end() {
                        if d != c && Folder::js_canonicalize(d) == canon {
                            extra.push(r(d, d));
                        }
                    }
                }
            }
        }
        let mut out = set.clone();
        out.union(&ClassUnicode::new(extra));
        out
    }

    /// A canonical representative of `c`'s case orbit (its smallest member).
    pub(crate) fn canonical(&mut self, c: char, folding: Folding) -> char {
        let set = ClassUnicode::new([r(c, c)]);
        let folded = self.fold(&set, folding);
        folded.ranges().first().map_or(c, |r| r.start())
    }
}

/// The character sets of shorthand escapes, POSIX classes and properties,
/// per flavor.
pub(crate) mod sets {
    use super::class_of;
    use regex_syntax::hir::{Class, ClassUnicode, HirKind};

    /// Translates a regex-syntax class expression (such as `\p{Greek}` or
    /// `[\p{L}\p{N}_]`) into its class, or `None` if regex-syntax rejects it.
    pub(crate) fn rs(text: &str) -> Option<ClassUnicode> {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(text)
            .ok()?;
        match hir.kind() {
            HirKind::Class(Class::Unicode(c)) => Some(c.clone()),
            HirKind::Literal(lit) => {
                let s = std::str::from_utf8(&lit.0).ok()?;
                let mut it = s.chars();
                let c = it.next()?;
                if it.next().is_some() {
                    return None;
                }
                Some(class_of(&[(c as u32, c as u32)]))
            }
            _ => None,
        }
    }

    /// `[0-9]`
    pub(crate) const ASCII_DIGIT: &[(u32, u32)] = &[(0x30, 0x39)];
    /// `[0-9A-Za-z_]`
    pub(crate) const ASCII_WORD: &[(u32, u32)] =
        &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
    /// `[\t\n\v\f\r ]`
    pub(crate) const ASCII_SPACE: &[(u32, u32)] = &[(0x09, 0x0D), (0x20, 0x20)];
    /// Go's `\s`: `[\t\n\f\r ]`
    pub(crate) const GO_SPACE: &[(u32, u32)] = &[(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)];
    /// JS `WhiteSpace` and `LineTerminator`.
    pub(crate) const JS_SPACE: &[(u32, u32)] = &[
        (0x09, 0x0D),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ];
    /// Python's `str.isspace()`.
    pub(crate) const PY_SPACE: &[(u32, u32)] = &[
        (0x09, 0x0D),
        (0x1C, 0x20),
        (0x85, 0x85),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
    ];
    /// `\h`: horizontal white space (PCRE, Java).
    pub(crate) const HSPACE: &[(u32, u32)] = &[
        (0x09, 0x09),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x180E, 0x180E),
        (0x2000, 0x200A),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
    ];
    /// `\v`: vertical white space (PCRE, Java).
    pub(crate) const VSPACE: &[(u32, u32)] = &[(0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029)];
    /// Ruby `\h`: `[0-9a-fA-F]`
    pub(crate) const HEX_DIGIT: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)];
    /// JS word characters under `iu`/`iv`: `[0-9A-Za-z_ſK]`.
    pub(crate) const JS_WORD_FOLDED: &[(u32, u32)] = &[
        (0x30, 0x39),
        (0x41, 0x5A),
        (0x5F, 0x5F),
        (0x61, 0x7A),
        (0x17F, 0x17F),
        (0x212A, 0x212A),
    ];

    /// The ASCII POSIX classes (`[:alpha:]` and friends; Java `\p{Alpha}`).
    pub(crate) fn posix_ascii(name: &str) -> Option<ClassUnicode> {
        let pairs: &[(u32, u32)] = match name {
            "alnum" => &[(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
            "alpha" => &[(0x41, 0x5A), (0x61, 0x7A)],
            "ascii" => &[(0, 0x7F)],
            "blank" => &[(0x09, 0x09), (0x20, 0x20)],
            "cntrl" => &[(0, 0x1F), (0x7F, 0x7F)],
            "digit" => ASCII_DIGIT,
            "graph" => &[(0x21, 0x7E)],
            "lower" => &[(0x61, 0x7A)],
            "print" => &[(0x20, 0x7E)],
            "punct" => &[(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
            "space" => ASCII_SPACE,
            "upper" => &[(0x41, 0x5A)],
            "word" => ASCII_WORD,
            "xdigit" => HEX_DIGIT,
            _ => return None,
        };
        Some(class_of(pairs))
    }

    /// Onigmo's Unicode POSIX brackets (Ruby `[[:alpha:]]`, `\p{Alpha}`).
    pub(crate) fn posix_ruby(name: &str) -> Option<&'static str> {
        Some(match name {
            "alnum" => r"[\p{L}\p{M}\p{Nd}]",
            "alpha" => r"[\p{L}\p{M}]",
            "ascii" => r"[\x00-\x7F]",
            "blank" => r"[\p{Zs}\t]",
            "cntrl" => r"[\p{Cc}\p{Cf}\p{Cn}\p{Co}]",
            "digit" => r"\p{Nd}",
            "graph" => r"[^\p{Z}\t-\r\x85\p{Cc}\p{Cn}]",
            "lower" => r"\p{Ll}",
            "print" => r"[[^\p{Z}\t-\r\x85\p{Cc}\p{Cn}]\p{Zs}]",
            "punct" => r"[\p{P}$+<=>^`|~]",
            "space" => r"[\p{Z}\t-\r\x85]",
            "upper" => r"\p{Lu}",
            "xdigit" => r"[0-9A-Fa-f]",
            "word" => r"[\p{L}\p{M}\p{N}\p{Pc}]",
            _ => return None,
        })
    }

    /// PCRE2's POSIX classes under `PCRE2_UCP`.
    pub(crate) fn posix_pcre_ucp(name: &str) -> Option<&'static str> {
        Some(match name {
            "alnum" => r"[\p{L}\p{N}]",
            "alpha" => r"\p{L}",
            "ascii" => r"[\x00-\x7F]",
            "blank" => r"[\t \xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]",
            "cntrl" => r"\p{Cc}",
            "digit" => r"\p{Nd}",
            "graph" => r"[[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Cf}]--[\x{61C}\x{180E}\x{2066}-\x{2069}]]",
            "lower" => r"\p{Ll}",
            "print" => {
                r"[[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Cf}\p{Zs}]--[\x{61C}\x{180E}\x{2066}-\x{2069}]]"
            }
            "punct" => r"[\p{P}[\x00-\xFF&&\p{S}]]",
            "space" => r"[\p{Z}\t-\r]",
            "upper" => r"\p{Lu}",
            "word" => r"[\p{L}\p{N}\p{Mn}\p{Pc}_]",
            "xdigit" => r"[0-9A-Fa-f]",
            _ => return None,
        })
    }

    /// Java's POSIX-named classes under `UNICODE_CHARACTER_CLASS`.
    pub(crate) fn posix_java_unicode(name: &str) -> Option<&'static str> {
        Some(match name {
            "alnum" => r"[\p{Alphabetic}\p{Nd}]",
            "alpha" => r"\p{Alphabetic}",
            "ascii" => r"[\x00-\x7F]",
            "blank" => r"[\p{White_Space}&&[^\p{Zl}\p{Zp}\x0A-\x0D\x85]]",
            "cntrl" => r"\p{Cc}",
            "digit" => r"\p{Nd}",
            "graph" => r"[^\p{White_Space}\p{Cc}\p{Cn}]",
            "lower" => r"\p{Lowercase}",
            "print" => {
                r"[[[^\p{White_Space}\p{Cc}\p{Cn}][\p{White_Space}&&[^\p{Zl}\p{Zp}\x0A-\x0D\x85]]]&&\P{Cc}]"
            }
            "punct" => r"\p{P}",
            "space" => r"\p{White_Space}",
            "upper" => r"\p{Uppercase}",
            "xdigit" => r"[\p{Nd}\p{Hex_Digit}]",
            "word" => r"\w",
            _ => return None,
        })
    }

    /// Java's `\p{javaXxx}` classes (`Character.isXxx`), approximated by
    /// Unicode properties.
    pub(crate) fn java_method(name: &str) -> Option<&'static str> {
        Some(match name {
            "javalowercase" => r"\p{Lowercase}",
            "javauppercase" => r"\p{Uppercase}",
            "javawhitespace" => r"[[\t-\r\x1C-\x1F\p{Z}]--[\xA0\x{2007}\x{202F}]]",
            "javamirrored" => r"\p{Bidi_Mirrored}",
            "javaalphabetic" => r"\p{Alphabetic}",
            "javadigit" => r"\p{Nd}",
            "javaletter" => r"\p{L}",
            "javaletterordigit" => r"[\p{L}\p{Nd}]",
            "javaideographic" => r"\p{Ideographic}",
            "javatitlecase" => r"\p{Lt}",
            "javaspacechar" => r"\p{Z}",
            "javaisocontrol" => r"[\x00-\x1F\x7F-\x9F]",
            "javadefined" => r"\P{Cn}",
            "javaidentifierignorable" => r"[\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}]",
            "javajavaidentifierstart" => r"[\p{L}\p{Nl}\p{Sc}\p{Pc}]",
            "javajavaidentifierpart" => {
                r"[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}]"
            }
            "javaunicodeidentifierstart" => r"\p{ID_Start}",
            "javaunicodeidentifierpart" => r"[\p{ID_Continue}\x00-\x08\x0E-\x1B\x7F-\x9F\p{Cf}]",
            _ => return None,
        })
    }
}
