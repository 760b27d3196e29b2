//! The flavor-aware parser.
//!
//! One recursive-descent parser serves every flavor but Rust (which is read
//! by `regex-syntax` itself, see [`crate::rust`]). Flavor differences are
//! decided at each point where the dialects disagree; the comments name the
//! engine behaviour being reproduced. Recursion depth is bounded by
//! [`crate::Config::nest_limit`], so no input can overflow the stack, and
//! every loop advances the position, so parsing is linear in the pattern.

use crate::ast::*;
use crate::error::{Error, ErrorKind as K};
use crate::{Config, Flags, Flavor, Pattern, Span};

type Result<T> = std::result::Result<T, Error>;

/// Below this much stack left, recursion continues on a new heap segment.
pub(crate) const STACK_RED_ZONE: usize = 128 * 1024;
/// The size of each new stack segment.
pub(crate) const STACK_GROW: usize = 2 * 1024 * 1024;

pub(crate) fn parse(
    pattern: &str,
    flavor: Flavor,
    flags: Flags,
    config: &Config,
) -> Result<Pattern> {
    if flavor == Flavor::Rust {
        return crate::rust::parse(pattern, flags, config);
    }
    if flavor == Flavor::Java && (flags.extended || pattern.contains("(?")) {
        if let Some((stripped, map)) = java_strip_comments(pattern, flags.extended) {
            // Java's COMMENTS mode skips white space and comments even inside
            // tokens (`a{1, 2}`, `( ?:a)`): parse without them, then map the
            // spans back to the original text.
            let fix = |i: usize| map.get(i).copied().unwrap_or(pattern.len());
            return match parse_inner(&stripped, flavor, flags, config) {
                Ok(mut p) => {
                    crate::remap::remap_spans(&mut p.ast, &fix);
                    p.pattern = pattern.to_string();
                    Ok(p)
                }
                Err(mut e) => {
                    e.span = Span::new(fix(e.span.start), fix(e.span.end).max(fix(e.span.start)));
                    e.pattern = pattern.to_string();
                    Err(e)
                }
            };
        }
    }
    parse_inner(pattern, flavor, flags, config)
}

fn parse_inner(pattern: &str, flavor: Flavor, flags: Flags, config: &Config) -> Result<Pattern> {
    let mut p = Parser::new(pattern, flavor, flags.clone(), config);
    p.prescan();
    let ast = p.parse_pattern()?;
    p.finish()?;
    Ok(Pattern {
        pattern: pattern.to_string(),
        flavor,
        flags,
        ast,
        captures: p.caps,
        names: p.names,
    })
}

/// Removes what Java's COMMENTS mode ignores: white space and `#` comments
/// outside escapes and `\Q…\E`, while the mode is on (from the flags or an
/// inline `(?x)`; `(?-x)` turns it off; scoping is not tracked). Returns the
/// text and, for each of its byte offsets (and its end), the offset in the
/// original; `None` when nothing was removed.
fn java_strip_comments(pat: &str, mut x: bool) -> Option<(String, Vec<usize>)> {
    let mut out = String::with_capacity(pat.len());
    let mut map = Vec::with_capacity(pat.len() + 1);
    let mut removed = false;
    let mut scopes: Vec<bool> = Vec::new();
    let mut class_depth = 0u32;
    let mut it = pat.char_indices().peekable();
    let push = |out: &mut String, map: &mut Vec<usize>, i: usize, c: char| {
        for k in 0..c.len_utf8() {
            map.push(i + k);
        }
        out.push(c);
    };
    while let Some((i, c)) = it.next() {
        match c {
            '\\' => {
                push(&mut out, &mut map, i, c);
                if let Some((j, d)) = it.next() {
                    push(&mut out, &mut map, j, d);
                    if d == 'Q' {
                        // Quoted text up to \E, verbatim.
                        let rest = &pat[j + 1..];
                        let end = rest.find("\\E").map_or(rest.len(), |e| e + 2);
                        while let Some(&(k, e)) = it.peek() {
                            if k >= j + 1 + end {
                                break;
                            }
                            push(&mut out, &mut map, k, e);
                            it.next();
                        }
                    }
                }
            }
            '[' => {
                class_depth += 1;
                push(&mut out, &mut map, i, c);
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                push(&mut out, &mut map, i, c);
            }
            '(' if class_depth == 0 => {
                // Inline flags: `(?x)` changes the rest of the group,
                // `(?x:…)` only its own body; every group restores the mode
                // it started with.
                let body: String = pat[i + 1..]
                    .strip_prefix('?')
                    .map(|r| r.chars().take_while(|c| "idmsuxUc-".contains(*c)).collect())
                    .unwrap_or_default();
                let after = pat[i + 1..].strip_prefix('?').map(|r| &r[body.len()..]);
                let is_flags = !body.is_empty()
                    && after.is_some_and(|a| a.starts_with(')') || a.starts_with(':'));
                let set_only = is_flags && after.is_some_and(|a| a.starts_with(')'));
                if !set_only {
                    scopes.push(x);
                }
                if is_flags {
                    let (on, off) = body.split_once('-').unwrap_or((&body, ""));
                    if on.contains('x') {
                        x = true;
                    }
                    if off.contains('x') {
                        x = false;
                    }
                }
                push(&mut out, &mut map, i, c);
                if set_only {
                    // `(?x)` opens no group: copy it whole, so that its `)`
                    // does not close the enclosing group's scope.
                    for (j, d) in it.by_ref() {
                        push(&mut out, &mut map, j, d);
                        if d == ')' {
                            break;
                        }
                    }
                }
            }
            ')' if class_depth == 0 => {
                if let Some(prev) = scopes.pop() {
                    x = prev;
                }
                push(&mut out, &mut map, i, c);
            }
            c if x && matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r') => removed = true,
            '#' if x => {
                removed = true;
                for (_, d) in it.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            _ => push(&mut out, &mut map, i, c),
        }
    }
    map.push(pat.len());
    removed.then_some((out, map))
}

/// What an escape sequence turned out to be.
enum Esc {
    Lit(Literal),
    Perl(PerlClass),
    Prop(Property),
    Assert(AssertionKind),
    Backref(Backref),
    Special(Special),
    /// `\Q`: start of a quoted run.
    Quote,
    /// `\E` outside a quote: ignored.
    Nothing,
}

struct Parser<'a> {
    pat: &'a str,
    pos: usize,
    fl: Flavor,
    flags: Flags,
    /// Extended mode in force at the current position.
    x: bool,
    /// PCRE `xx` in force.
    xx: bool,
    /// JS `u` or `v`.
    u: bool,
    /// JS `v`.
    v: bool,
    /// `.NET`/PCRE `n`: plain groups do not capture.
    no_capture: bool,
    /// PCRE `(?J)`/.NET/Ruby: duplicate names allowed.
    dup_names: bool,
    /// Pre-scan: the pattern has named groups (JS `\k` rules).
    has_names: bool,
    /// Pre-scan: total number of capture groups in the pattern.
    total_caps: u32,
    caps: u32,
    names: Vec<(String, u32)>,
    /// Capture groups not yet closed (Python: no reference to an open group).
    open: Vec<u32>,
    depth: u32,
    limit: u32,
    /// Named references to check once all groups are known.
    refs: Vec<(String, Span)>,
    /// Numbered references to check once all groups are known.
    num_refs: Vec<(u32, Span)>,
    /// Inside a `\Q…\E` run.
    quoting: bool,
    /// JS without `u`: the low surrogate of an astral class character, read next.
    pending_low: Option<(u32, Span)>,
    /// Pre-scan: the number of unnamed capture groups (.NET numbering).
    unnamed_total: u32,
    /// .NET: unnamed and named groups numbered so far.
    dn_unnamed: u32,
    dn_named: u32,
    /// Set just before the body of a PCRE `(?|…)` is parsed: its base group number.
    branch_reset: Option<u32>,
    /// End of the PCRE start-of-pattern options `(*UTF)(*UCP)…` read so far.
    start_opts_end: usize,
    /// Inside a lookbehind: the first group number defined in it (Python).
    lookbehind_first_group: Option<u32>,
    /// Pre-scan: the pattern may contain a lookbehind.
    has_lookbehind: bool,
    /// Width of each closed capture group (index = group number).
    group_widths: Vec<Option<(u32, Option<u32>)>>,
    /// Nodes that width computations may still visit.
    width_budget: u64,
}

fn is_ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl<'a> Parser<'a> {
    fn new(pat: &'a str, fl: Flavor, flags: Flags, config: &Config) -> Parser<'a> {
        Parser {
            pat,
            pos: 0,
            fl,
            x: flags.extended,
            xx: flags.extended_more,
            u: fl == Flavor::Js && flags.js_unicode_mode(),
            v: fl == Flavor::Js && flags.unicode_sets,
            no_capture: flags.no_auto_capture,
            dup_names: matches!(fl, Flavor::Dotnet | Flavor::Ruby) || flags.dup_names,
            flags,
            has_names: false,
            total_caps: 0,
            caps: 0,
            names: Vec::new(),
            open: Vec::new(),
            depth: 0,
            limit: config.get_nest_limit(),
            refs: Vec::new(),
            num_refs: Vec::new(),
            quoting: false,
            pending_low: None,
            has_lookbehind: pat.contains("(?<=") || pat.contains("(?<!") || pat.contains("(*"),
            group_widths: Vec::new(),
            lookbehind_first_group: None,
            branch_reset: None,
            unnamed_total: 0,
            dn_unnamed: 0,
            dn_named: 0,
            start_opts_end: 0,
            width_budget: 1_000_000,
        }
    }

    // ----- low-level cursor -------------------------------------------------

    fn peek(&self) -> Option<char> {
        self.pat[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.pat[self.pos..].chars().nth(n)
    }

    fn rest(&self) -> &'a str {
        &self.pat[self.pos..]
    }

    fn eof(&self) -> bool {
        self.pos >= self.pat.len()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.pos)
    }

    fn err<T>(&self, kind: K, span: Span, msg: impl Into<String>) -> Result<T> {
        Err(Error::new(kind, self.pat, span, msg.into()))
    }

    fn js(&self) -> bool {
        self.fl == Flavor::Js
    }

    fn py(&self) -> bool {
        self.fl == Flavor::Python
    }

    /// Skips whitespace and `#` comments in extended mode (outside classes).
    fn skip_trivia(&mut self) {
        if !self.x || self.quoting {
            return;
        }
        loop {
            match self.peek() {
                Some(c) if self.is_x_space(c) => {
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
    }

    fn is_x_space(&self, c: char) -> bool {
        match self.fl {
            // Python's verbose mode ignores what str.isspace() accepts.
            Flavor::Python => c.is_whitespace() || ('\x1c'..='\x1f').contains(&c),
            // Java COMMENTS: [ \t\n\x0B\f\r].
            Flavor::Java => matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r'),
            // PCRE2 extended: Pattern_White_Space subset.
            Flavor::Pcre => matches!(
                c,
                ' ' | '\t'
                    | '\n'
                    | '\x0B'
                    | '\x0C'
                    | '\r'
                    | '\u{85}'
                    | '\u{200E}'
                    | '\u{200F}'
                    | '\u{2028}'
                    | '\u{2029}'
            ),
            _ => c.is_whitespace(),
        }
    }

    // ----- pre-scan ---------------------------------------------------------

    /// Counts capture groups and notes named groups before parsing: JS, PCRE
    /// and .NET decide between backreference and octal escape by the total
    /// number of groups in the whole pattern.
    fn prescan(&mut self) {
        let b = self.pat.as_bytes();
        let mut i = 0;
        let mut in_class = false;
        let mut count = 0u32;
        let mut unnamed = 0u32;
        while i < b.len() {
            match b[i] {
                b'\\' => {
                    if !self.js() && b.get(i + 1) == Some(&b'Q') {
                        // \Q…\E
                        match self.pat[i + 2..].find("\\E") {
                            Some(e) => i = i + 2 + e + 2,
                            None => break,
                        }
                        continue;
                    }
                    i += 2;
                    continue;
                }
                b'[' if !in_class => in_class = true,
                b']' if in_class => in_class = false,
                b'(' if !in_class => {
                    let r = &b[i + 1..];
                    if r.starts_with(b"?(") && !r.starts_with(b"?(?") {
                        // A conditional's `(cond)` is not a group.
                        i += 3;
                        continue;
                    }
                    if r.first() != Some(&b'?') && r.first() != Some(&b'*') {
                        if !self.no_capture {
                            count += 1;
                            unnamed += 1;
                        }
                    } else if r.starts_with(b"?<")
                        && !r.starts_with(b"?<=")
                        && !r.starts_with(b"?<!")
                        || r.starts_with(b"?P<")
                        || r.starts_with(b"?'")
                    {
                        count += 1;
                        self.has_names = true;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.total_caps = count;
        self.unnamed_total = unnamed;
        if self.fl == Flavor::Ruby && self.has_names {
            // Onigmo: once a pattern names groups, plain groups do not capture.
            self.no_capture = true;
        }
    }

    fn finish(&mut self) -> Result<()> {
        for (name, span) in std::mem::take(&mut self.refs) {
            if !self.names.iter().any(|(n, _)| *n == name) {
                let msg = match self.fl {
                    Flavor::Js => "Invalid named capture referenced".to_string(),
                    Flavor::Java => format!("named capturing group <{name}> does not exist"),
                    Flavor::Pcre => "reference to non-existent subpattern".to_string(),
                    Flavor::Dotnet => format!("Reference to undefined group name '{name}'."),
                    Flavor::Ruby => format!("undefined name <{name}> reference"),
                    _ => format!("unknown group name '{name}'"),
                };
                return self.err(K::InvalidBackreference, span, msg);
            }
        }
        for (n, span) in std::mem::take(&mut self.num_refs) {
            if n > self.caps {
                let msg = match self.fl {
                    Flavor::Pcre => "reference to non-existent subpattern".to_string(),
                    Flavor::Dotnet => format!("Reference to undefined group number {n}."),
                    Flavor::Ruby => "invalid backref number/name".to_string(),
                    _ => format!("invalid group reference {n}"),
                };
                return self.err(K::InvalidBackreference, span, msg);
            }
        }
        Ok(())
    }

    // ----- structure --------------------------------------------------------

    fn parse_pattern(&mut self) -> Result<Ast> {
        let ast = self.parse_alternation()?;
        if !self.eof() {
            // Only a stray `)` stops the top level early.
            let start = self.pos;
            let msg = match self.fl {
                Flavor::Js => "Unmatched ')'",
                Flavor::Python => "unbalanced parenthesis",
                Flavor::Java => "Unmatched closing ')'",
                Flavor::Pcre => "unmatched closing parenthesis",
                Flavor::Dotnet => "Too many )'s.",
                Flavor::Ruby => "unmatched close parenthesis",
                _ => "unexpected )",
            };
            return self.err(K::UnopenedGroup, Span::new(start, start + 1), msg);
        }
        Ok(ast)
    }

    fn enter(&mut self, span: Span) -> Result<()> {
        self.depth += 1;
        if self.depth > self.limit {
            return self.err(
                K::NestLimitExceeded,
                span,
                format!("pattern nests deeper than {} levels", self.limit),
            );
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn parse_alternation(&mut self) -> Result<Ast> {
        let start = self.pos;
        let mut alts = Vec::new();
        // Inline flags such as `(?x)` last to the end of the enclosing group,
        // across alternatives: restore them when the group ends.
        let saved = (self.x, self.xx, self.no_capture, self.dup_names);
        // PCRE `(?|…)`: every alternative numbers its groups from the same base.
        let reset = self.branch_reset.take();
        let mut most = self.caps;
        loop {
            let c = self.parse_concat()?;
            alts.push(c);
            most = most.max(self.caps);
            if !self.eat('|') {
                break;
            }
            if let Some(base) = reset {
                self.caps = base;
            }
        }
        if reset.is_some() {
            self.caps = most;
        }
        if self.fl != Flavor::Python {
            // Python's global flags apply to the whole pattern.
            (self.x, self.xx, self.no_capture, self.dup_names) = saved;
        }
        if alts.len() == 1 {
            return Ok(alts.pop().unwrap());
        }
        Ok(Ast {
            span: self.span_from(start),
            kind: AstKind::Alternation(alts),
        })
    }

    fn parse_concat(&mut self) -> Result<Ast> {
        let start = self.pos;
        let mut items: Vec<Ast> = Vec::new();
        loop {
            self.skip_trivia();
            if self.quoting {
                if self.eat_str("\\E") {
                    self.quoting = false;
                    // `a\Q\E*`: the quantifier applies to what came before.
                    self.parse_quantifiers(&mut items)?;
                    continue;
                }
                let s = self.pos;
                match self.bump() {
                    Some(c) => {
                        let lit = Literal {
                            c: c as u32,
                            kind: LiteralKind::Quoted,
                        };
                        // Quoted: a following `*` is quoted too. A quantifier
                        // after `\E` applies to the last quoted character.
                        items.push(Ast {
                            span: self.span_from(s),
                            kind: AstKind::Literal(lit),
                        });
                        continue;
                    }
                    None => {
                        self.quoting = false;
                        break;
                    }
                }
            }
            match self.peek() {
                None | Some('|') | Some(')') => break,
                _ => {}
            }
            if let Some(atom) = self.parse_atom()? {
                items.push(atom);
                self.parse_quantifiers(&mut items)?;
            } else if !self.quoting {
                // A stray `\E`: what follows quantifies the previous item.
                self.parse_quantifiers(&mut items)?;
            }
        }
        Ok(match items.len() {
            0 => Ast {
                span: self.span_from(start),
                kind: AstKind::Empty,
            },
            1 => items.pop().unwrap(),
            _ => Ast {
                span: self.span_from(start),
                kind: AstKind::Concat(items),
            },
        })
    }

    // ----- quantifiers ------------------------------------------------------

    /// Reads a `{…}` quantifier at the cursor without consuming it.
    /// Returns the op and its length in bytes, or `None` when the braces are
    /// not a quantifier in this flavor (then `{` is literal, where allowed).
    fn peek_brace(&self) -> Option<(RepetitionOp, usize)> {
        let r = self.rest();
        let b = r.as_bytes();
        if b.first() != Some(&b'{') {
            return None;
        }
        let mut i = 1;
        // PCRE2 10.43+ allows spaces around numbers and comma.
        let spaces = self.fl == Flavor::Pcre;
        let skip = |i: &mut usize| {
            if spaces {
                while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t') {
                    *i += 1;
                }
            }
        };
        skip(&mut i);
        let d0 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let lo = &r[d0..i];
        skip(&mut i);
        let mut hi: Option<&str> = None;
        let comma = i < b.len() && b[i] == b',';
        if comma {
            i += 1;
            skip(&mut i);
            let d1 = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            hi = Some(&r[d1..i]);
            skip(&mut i);
        }
        if i >= b.len() || b[i] != b'}' {
            return None;
        }
        // V8 caps counts at 2^31-1 before comparing them.
        let cap = if self.js() {
            i32::MAX as u64
        } else {
            u32::MAX as u64
        };
        let num = |s: &str| -> u32 {
            let mut v: u64 = 0;
            for d in s.bytes() {
                v = (v * 10 + (d - b'0') as u64).min(cap);
            }
            v as u32
        };
        let op = match (lo.is_empty(), comma, hi) {
            (true, false, _) => return None, // `{}`
            (false, false, _) => RepetitionOp::Exactly { n: num(lo) },
            (false, true, Some("")) => RepetitionOp::AtLeast { n: num(lo) },
            (false, true, Some(h)) => RepetitionOp::Bounded {
                min: num(lo),
                max: num(h),
            },
            (true, true, Some("")) => {
                // `{,}`: Python reads it as `{0,}`; elsewhere literal.
                if self.py() {
                    RepetitionOp::AtLeast { n: 0 }
                } else {
                    return None;
                }
            }
            (true, true, Some(h)) => {
                if matches!(self.fl, Flavor::Python | Flavor::Ruby | Flavor::Pcre) {
                    RepetitionOp::UpTo { max: num(h) }
                } else {
                    return None;
                }
            }
            (_, true, None) => unreachable!(),
        };
        Some((op, i + 1))
    }

    fn parse_quantifiers(&mut self, items: &mut Vec<Ast>) -> Result<()> {
        let mut quantified = 0;
        loop {
            self.skip_trivia();
            let start = self.pos;
            let op = match self.peek() {
                Some('*') => {
                    self.bump();
                    RepetitionOp::Star
                }
                Some('+') => {
                    self.bump();
                    RepetitionOp::Plus
                }
                Some('?') => {
                    self.bump();
                    RepetitionOp::Question
                }
                Some('{') => match self.peek_brace() {
                    Some((op, len)) => {
                        self.pos += len;
                        op
                    }
                    None => return Ok(()),
                },
                _ => return Ok(()),
            };
            let (min, max) = (op.min(), op.max());
            let op_span0 = self.span_from(start);
            // Greed suffix.
            let mut greed = Greed::Greedy;
            let possessive_ok = match self.fl {
                Flavor::Java | Flavor::Pcre | Flavor::Python => true,
                // Onigmo: `{n,m}+` is a nested repeat, not possessive.
                Flavor::Ruby => !matches!(
                    op,
                    RepetitionOp::Exactly { .. }
                        | RepetitionOp::AtLeast { .. }
                        | RepetitionOp::Bounded { .. }
                        | RepetitionOp::UpTo { .. }
                ),
                _ => false,
            };
            if self.x && matches!(self.fl, Flavor::Pcre) {
                // PCRE2's extended mode allows space before the `?`/`+` suffix.
                self.skip_trivia();
            }
            if self.peek() == Some('?') {
                self.bump();
                greed = Greed::Lazy;
            } else if possessive_ok && self.peek() == Some('+') {
                self.bump();
                greed = Greed::Possessive;
            }
            let op_span = self.span_from(start);
            // Order of bounds.
            if let Some(mx) = max {
                if mx < min {
                    let msg = match self.fl {
                        Flavor::Js => "numbers out of order in {} quantifier",
                        Flavor::Python => "min repeat greater than max repeat",
                        Flavor::Java => "Illegal repetition range",
                        Flavor::Pcre => "numbers out of order in {} quantifier",
                        Flavor::Dotnet => "Illegal {x,y} with x > y.",
                        Flavor::Ruby => "upper bound must be greater than lower bound",
                        _ => "invalid repeat count",
                    };
                    return self.err(K::RepetitionOrder, op_span0, msg);
                }
            }
            let limit: Option<(u32, &str)> = match self.fl {
                Flavor::Python => Some((u32::MAX - 1, "the repetition number is too large")),
                Flavor::Pcre => Some((65535, "number too big in {} quantifier")),
                Flavor::Ruby => Some((100_000, "too big number for repeat range")),
                Flavor::Go => Some((1000, "invalid repeat count")),
                Flavor::Java | Flavor::Dotnet => {
                    Some((i32::MAX as u32, "Illegal repetition range"))
                }
                _ => None,
            };
            if let Some((lim, msg)) = limit {
                if min > lim || max.is_some_and(|m| m > lim) {
                    return self.err(K::RepetitionTooLarge, op_span0, msg);
                }
            }
            // What is being repeated.
            let Some(target) = items.pop() else {
                return self.nothing_to_repeat(op_span0);
            };
            if quantified > 0 && !self.allows_nested_quantifier(&op) {
                return self.multiple_repeat(op_span0);
            }
            if !self.repeatable(&target) {
                items.push(target);
                return self.nothing_to_repeat(op_span0);
            }
            quantified += 1;
            if quantified > 1 {
                // Nested repetitions deepen the tree: count them.
                self.enter(op_span)?;
            }
            let span = target.span.cover(op_span);
            items.push(Ast {
                span,
                kind: AstKind::Repetition(Box::new(Repetition {
                    op_span,
                    op,
                    greed,
                    ast: target,
                })),
            });
            let _ = op_span0;
        }
    }

    fn allows_nested_quantifier(&self, op: &RepetitionOp) -> bool {
        match self.fl {
            // Onigmo allows `a**`, `a{2}{3}` (with a warning).
            Flavor::Ruby => true,
            // PCRE2 allows a quantifier after `{n}`-style ones? No: only
            // after a bracketed item. Perl and PCRE2 reject nested ones.
            Flavor::Pcre => false,
            // Java reads `a{2}{3}`? It rejects `**` as a dangling meta char
            // but accepts a brace quantifier after a quantifier.
            Flavor::Java => matches!(
                op,
                RepetitionOp::Exactly { .. }
                    | RepetitionOp::AtLeast { .. }
                    | RepetitionOp::Bounded { .. }
            ),
            _ => false,
        }
    }

    fn repeatable(&self, target: &Ast) -> bool {
        match &target.kind {
            AstKind::SetFlags(_) => matches!(self.fl, Flavor::Ruby),
            AstKind::Assertion { .. } => match self.fl {
                Flavor::Js | Flavor::Python | Flavor::Pcre | Flavor::Go => false,
                Flavor::Java | Flavor::Ruby | Flavor::Dotnet | Flavor::Rust => true,
            },
            AstKind::Group(g) => match g.kind {
                GroupKind::Lookbehind { .. } => !self.js(),
                GroupKind::Lookahead { .. } => !(self.js() && self.u),
                _ => true,
            },
            AstKind::Special(Special::KeepOut) => self.fl == Flavor::Ruby,
            AstKind::Special(Special::Verb(v)) => v.starts_with("(*ACCEPT"),
            AstKind::Special(Special::Callout(_)) => false,
            _ => true,
        }
    }

    fn nothing_to_repeat<T>(&self, span: Span) -> Result<T> {
        let msg = match self.fl {
            Flavor::Js => "Nothing to repeat".to_string(),
            Flavor::Python => "nothing to repeat".to_string(),
            Flavor::Java => format!(
                "Dangling meta character '{}'",
                &self.pat[span.start..span.start + 1]
            ),
            Flavor::Pcre => "quantifier does not follow a repeatable item".to_string(),
            Flavor::Dotnet => "Quantifier following nothing.".to_string(),
            Flavor::Ruby => "target of repeat operator is not specified".to_string(),
            _ => "missing argument to repetition operator".to_string(),
        };
        self.err(K::NothingToRepeat, span, msg)
    }

    fn multiple_repeat<T>(&self, span: Span) -> Result<T> {
        let msg = match self.fl {
            Flavor::Js => "Nothing to repeat".to_string(),
            Flavor::Python => "multiple repeat".to_string(),
            Flavor::Java => format!(
                "Dangling meta character '{}'",
                &self.pat[span.start..span.start + 1]
            ),
            Flavor::Pcre => "quantifier does not follow a repeatable item".to_string(),
            Flavor::Dotnet => "Nested quantifier.".to_string(),
            _ => "invalid nested repetition operator".to_string(),
        };
        self.err(K::MultipleRepeat, span, msg)
    }

    // ----- atoms ------------------------------------------------------------

    fn parse_atom(&mut self) -> Result<Option<Ast>> {
        let start = self.pos;
        let c = self.peek().expect("not at end");
        match c {
            '(' => self.parse_group().map(Some),
            '[' => {
                if self.fl == Flavor::Pcre && self.looks_like_posix_class() {
                    let end = self.pos + self.rest().find(":]").map_or(1, |e| e + 2);
                    return self.err(
                        K::InvalidClassSet,
                        Span::new(start, end),
                        "POSIX named classes are supported only within a class",
                    );
                }
                let class = self.parse_class()?;
                Ok(Some(Ast {
                    span: class.span,
                    kind: AstKind::Class(Box::new(class)),
                }))
            }
            '.' => {
                self.bump();
                Ok(Some(Ast {
                    span: self.span_from(start),
                    kind: AstKind::Dot,
                }))
            }
            '^' => {
                self.bump();
                Ok(Some(self.assertion(start, AssertionKind::Caret)))
            }
            '$' => {
                self.bump();
                Ok(Some(self.assertion(start, AssertionKind::Dollar)))
            }
            '\\' => self.parse_escape_atom(),
            '*' | '+' | '?' => {
                self.bump();
                let span = self.span_from(start);
                self.nothing_to_repeat(span)
            }
            '{' => {
                if let Some((_, len)) = self.peek_brace() {
                    // A valid quantifier with nothing before it.
                    let span = Span::new(start, start + len);
                    if self.fl == Flavor::Java {
                        // Java quantifies an empty node: `{1}a` compiles.
                        return Ok(Some(Ast {
                            span: Span::empty(start),
                            kind: AstKind::Empty,
                        }));
                    }
                    if self.fl == Flavor::Ruby {
                        // Onigmo reads a leading `{n}` literally.
                        self.bump();
                        return Ok(Some(self.lit(start, '{', LiteralKind::Verbatim)));
                    }
                    return self.nothing_to_repeat(span);
                }
                if (self.js() && self.u) || self.fl == Flavor::Java {
                    self.bump();
                    let span = self.span_from(start);
                    let msg = if self.js() {
                        "Lone quantifier brackets"
                    } else {
                        "Illegal repetition"
                    };
                    return self.err(K::InvalidQuantifier, span, msg);
                }
                if self.fl == Flavor::Go || self.fl == Flavor::Java {
                    // Go reads a non-quantifier `{` literally.
                }
                self.bump();
                Ok(Some(self.lit(start, '{', LiteralKind::Verbatim)))
            }
            '}' | ']' if self.js() && self.u => {
                self.bump();
                let span = self.span_from(start);
                self.err(K::InvalidQuantifier, span, "Lone quantifier brackets")
            }
            _ => {
                self.bump();
                Ok(Some(self.lit(start, c, LiteralKind::Verbatim)))
            }
        }
    }

    fn assertion(&self, start: usize, kind: AssertionKind) -> Ast {
        Ast {
            span: self.span_from(start),
            kind: AstKind::Assertion { kind },
        }
    }

    fn lit(&self, start: usize, c: char, kind: LiteralKind) -> Ast {
        Ast {
            span: self.span_from(start),
            kind: AstKind::Literal(Literal { c: c as u32, kind }),
        }
    }

    fn parse_escape_atom(&mut self) -> Result<Option<Ast>> {
        let start = self.pos;
        let e = self.parse_escape(false)?;
        let span = self.span_from(start);
        Ok(Some(Ast {
            span,
            kind: match e {
                Esc::Lit(l) => AstKind::Literal(l),
                Esc::Perl(p) => AstKind::Perl(p),
                Esc::Prop(p) => AstKind::Property(p),
                Esc::Assert(kind) => AstKind::Assertion { kind },
                Esc::Backref(b) => AstKind::Backref(b),
                Esc::Special(s) => AstKind::Special(s),
                Esc::Quote => {
                    self.quoting = true;
                    return Ok(None);
                }
                Esc::Nothing => return Ok(None),
            },
        }))
    }

    // ----- escapes ----------------------------------------------------------

    fn bad_escape<T>(&self, start: usize) -> Result<T> {
        let span = self.span_from(start);
        let text = &self.pat[span.start..span.end];
        let msg = match self.fl {
            Flavor::Js => "Invalid escape".to_string(),
            Flavor::Python => format!("bad escape {text}"),
            Flavor::Java => "Illegal/unsupported escape sequence".to_string(),
            Flavor::Pcre => "unrecognized character follows \\".to_string(),
            Flavor::Dotnet => format!("Unrecognized escape sequence {text}."),
            Flavor::Ruby => "invalid escape".to_string(),
            _ => format!("invalid escape sequence: {text}"),
        };
        self.err(K::InvalidEscape, span, msg)
    }

    fn hex_digits(&mut self, n: usize) -> Option<u32> {
        let r = self.rest();
        if r.len() < n || !r.as_bytes()[..n].iter().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = u32::from_str_radix(&r[..n], 16).ok()?;
        self.pos += n;
        Some(v)
    }

    /// `{H…}` after `\x`/`\u`/`\o`: returns the value, or an error when the
    /// braces are malformed or the value is out of range.
    fn braced_number(&mut self, start: usize, radix: u32, max: u32) -> Result<Option<u32>> {
        if !self.rest().starts_with('{') {
            return Ok(None);
        }
        let save = self.pos;
        self.bump();
        let d0 = self.pos;
        if self.fl != Flavor::Js {
            while self.peek() == Some(' ') && self.fl == Flavor::Pcre {
                self.bump();
            }
        }
        let mut v: u64 = 0;
        let mut n = 0;
        while let Some(c) = self.peek() {
            match c.to_digit(radix) {
                Some(d) => {
                    v = (v * radix as u64 + d as u64).min(u64::from(u32::MAX) + 1);
                    n += 1;
                    self.bump();
                }
                None => break,
            }
        }
        let _ = d0;
        if n == 0 || !self.eat('}') {
            if self.fl == Flavor::Js {
                self.pos = save;
                return Ok(None);
            }
            return self.bad_escape(start);
        }
        if v > max as u64 {
            let span = self.span_from(start);
            let msg = match self.fl {
                Flavor::Js => "Invalid Unicode escape",
                Flavor::Pcre => "character code point value in \\x{} or \\o{} is too large",
                _ => "character value out of range",
            };
            return self.err(K::InvalidEscape, span, msg);
        }
        Ok(Some(v as u32))
    }

    /// Parses an escape after `\`, inside a class or not.
    fn parse_escape(&mut self, in_class: bool) -> Result<Esc> {
        let start = self.pos;
        self.bump(); // '\'
        let Some(c) = self.bump() else {
            let span = Span::new(start, self.pos);
            let msg = match self.fl {
                Flavor::Js => "\\ at end of pattern",
                Flavor::Python => "bad escape (end of pattern)",
                Flavor::Java => "Unexpected internal error",
                Flavor::Pcre => "\\ at end of pattern",
                Flavor::Dotnet => "Illegal \\ at end of pattern.",
                Flavor::Ruby => "end pattern at escape",
                _ => "trailing backslash at end of expression",
            };
            return self.err(K::InvalidEscape, span, msg);
        };
        let lit = |c: u32, kind| Ok(Esc::Lit(Literal { c, kind }));
        let perl = |kind, negated| Ok(Esc::Perl(PerlClass { kind, negated }));
        let fl = self.fl;
        match c {
            // Shorthand classes: everywhere.
            'd' | 'D' => perl(PerlKind::Digit, c == 'D'),
            'w' | 'W' => perl(PerlKind::Word, c == 'W'),
            's' | 'S' => perl(PerlKind::Space, c == 'S'),
            'h' | 'H' if matches!(fl, Flavor::Java | Flavor::Pcre) => {
                perl(PerlKind::HorizontalSpace, c == 'H')
            }
            'h' | 'H' if fl == Flavor::Ruby => perl(PerlKind::HexDigit, c == 'H'),
            'v' if matches!(fl, Flavor::Java | Flavor::Pcre) => {
                perl(PerlKind::VerticalSpace, false)
            }
            'V' if matches!(fl, Flavor::Java | Flavor::Pcre) => perl(PerlKind::VerticalSpace, true),
            'N' if fl == Flavor::Pcre
                && !in_class
                && (!self.rest().starts_with('{') || self.peek_brace().is_some()) =>
            {
                perl(PerlKind::NotNewline, false)
            }
            // Control characters.
            'n' => lit(0x0A, LiteralKind::Special),
            'r' => lit(0x0D, LiteralKind::Special),
            't' => lit(0x09, LiteralKind::Special),
            'f' => lit(0x0C, LiteralKind::Special),
            'v' => lit(0x0B, LiteralKind::Special),
            'a' if fl != Flavor::Js => lit(0x07, LiteralKind::Special),
            'e' if matches!(
                fl,
                Flavor::Java | Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet
            ) =>
            {
                lit(0x1B, LiteralKind::Special)
            }
            'b' if in_class => {
                if fl == Flavor::Go || fl == Flavor::Java {
                    return self.bad_escape(start);
                }
                lit(0x08, LiteralKind::Special)
            }
            'B' if in_class && fl == Flavor::Js && !self.u => lit('B' as u32, LiteralKind::Escaped),
            'b' if fl == Flavor::Java && self.rest().starts_with("{g}") => {
                self.pos += 3;
                Ok(Esc::Special(Special::GraphemeBoundary))
            }
            'b' | 'B' => {
                if fl == Flavor::Go && self.rest().starts_with('{') {
                    return self.bad_escape(start);
                }
                Ok(Esc::Assert(if c == 'b' {
                    AssertionKind::WordBoundary
                } else {
                    AssertionKind::NotWordBoundary
                }))
            }
            'A' if !in_class && fl != Flavor::Js => Ok(Esc::Assert(AssertionKind::StartText)),
            'z' if !in_class && !matches!(fl, Flavor::Js | Flavor::Python) => {
                Ok(Esc::Assert(AssertionKind::EndText))
            }
            'Z' if !in_class && !matches!(fl, Flavor::Js | Flavor::Go) => {
                Ok(Esc::Assert(if fl == Flavor::Python {
                    AssertionKind::EndText
                } else {
                    AssertionKind::EndTextOptionalNewline
                }))
            }
            'G' if !in_class
                && matches!(
                    fl,
                    Flavor::Java | Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet
                ) =>
            {
                Ok(Esc::Assert(AssertionKind::PrevMatchEnd))
            }
            'K' if !in_class && matches!(fl, Flavor::Pcre | Flavor::Ruby) => {
                Ok(Esc::Special(Special::KeepOut))
            }
            'R' if !in_class && matches!(fl, Flavor::Java | Flavor::Pcre | Flavor::Ruby) => {
                Ok(Esc::Special(Special::LineBreak))
            }
            'X' if !in_class && matches!(fl, Flavor::Java | Flavor::Pcre | Flavor::Ruby) => {
                Ok(Esc::Special(Special::Grapheme))
            }
            'C' if !in_class && matches!(fl, Flavor::Pcre | Flavor::Go) => {
                if fl == Flavor::Go {
                    return self.bad_escape(start);
                }
                Ok(Esc::Special(Special::AnyByte))
            }
            'Q' if matches!(fl, Flavor::Java | Flavor::Pcre | Flavor::Go) => Ok(Esc::Quote),
            // A stray `\E` is ignored by PCRE; Java rejects it.
            'E' if fl == Flavor::Pcre => Ok(Esc::Nothing),
            'x' => self.escape_x(start),
            'u' => self.escape_u(start, in_class),
            'U' if fl == Flavor::Python => match self.hex_digits(8) {
                Some(v) if v <= 0x10FFFF => lit(v, LiteralKind::Unicode8),
                Some(_) => {
                    let span = self.span_from(start);
                    self.err(
                        K::InvalidEscape,
                        span,
                        format!("bad escape {}", &self.pat[span.start..span.end]),
                    )
                }
                None => self.incomplete_escape(start),
            },
            'o' if fl == Flavor::Pcre && self.rest().starts_with('{') => {
                match self.braced_number(start, 8, 0x10FFFF)? {
                    Some(v) => {
                        self.pcre_code_point(start, v)?;
                        lit(v, LiteralKind::OctalBrace)
                    }
                    None => self.bad_escape(start),
                }
            }
            'c' => self.escape_c(start, in_class),
            'N' if matches!(fl, Flavor::Python | Flavor::Java | Flavor::Pcre) => {
                self.escape_named_char(start)
            }
            'p' | 'P' => self.escape_property(start, c == 'P', in_class),
            'k' | 'g' if in_class && fl == Flavor::Pcre => lit(c as u32, LiteralKind::Escaped),
            'k' => self.escape_k(start, in_class),
            'g' if !in_class && matches!(fl, Flavor::Pcre | Flavor::Ruby) => self.escape_g(start),
            '0'..='9' => self.escape_digit(start, c, in_class),
            _ => self.escape_other(start, c, in_class),
        }
    }

    /// PCRE2: a code point must fit the mode (a byte without UTF; no
    /// surrogates with it).
    fn pcre_code_point(&self, start: usize, v: u32) -> Result<()> {
        if self.fl != Flavor::Pcre {
            return Ok(());
        }
        let span = self.span_from(start);
        if !self.flags.unicode && v > 0xFF {
            return self.err(
                K::InvalidEscape,
                span,
                "character code point value in \\x{} or \\o{} is too large",
            );
        }
        if (0xD800..=0xDFFF).contains(&v) {
            return self.err(
                K::InvalidEscape,
                span,
                "disallowed Unicode code point (>= 0xd800 && <= 0xdfff)",
            );
        }
        Ok(())
    }

    /// Python's error for an octal escape above `\377`.
    fn octal_out_of_range<T>(&self, start: usize) -> Result<T> {
        let span = self.span_from(start);
        let text = &self.pat[start..self.pos];
        self.err(
            K::InvalidEscape,
            span,
            format!("octal escape value {text} outside of range 0-0o377"),
        )
    }

    fn pcre_octal(&self, start: usize, v: u32) -> Result<()> {
        if self.fl == Flavor::Pcre && !self.flags.unicode && v > 0o377 {
            let span = self.span_from(start);
            return self.err(
                K::InvalidEscape,
                span,
                "octal value is greater than \\377 in 8-bit non-UTF-8 mode",
            );
        }
        Ok(())
    }

    fn incomplete_escape<T>(&self, start: usize) -> Result<T> {
        let span = self.span_from(start);
        let text = &self.pat[span.start..span.end];
        let msg = match self.fl {
            Flavor::Python => format!("incomplete escape {text}"),
            Flavor::Js => "Invalid Unicode escape".to_string(),
            Flavor::Java => "Illegal Unicode escape sequence".to_string(),
            _ => "invalid escape".to_string(),
        };
        self.err(K::InvalidEscape, span, msg)
    }

    fn escape_x(&mut self, start: usize) -> Result<Esc> {
        let lit = |c: u32, kind| Ok(Esc::Lit(Literal { c, kind }));
        match self.fl {
            Flavor::Js => match self.hex_digits(2) {
                Some(v) => lit(v, LiteralKind::Hex2),
                None if self.u => self.bad_escape(start),
                None => lit('x' as u32, LiteralKind::Escaped),
            },
            Flavor::Python => match self.hex_digits(2) {
                Some(v) => lit(v, LiteralKind::Hex2),
                None => self.incomplete_escape(start),
            },
            Flavor::Java | Flavor::Go | Flavor::Pcre | Flavor::Ruby => {
                if let Some(v) = self.braced_number(start, 16, 0x10FFFF)? {
                    self.pcre_code_point(start, v)?;
                    return lit(v, LiteralKind::HexBrace);
                }
                if self.fl == Flavor::Pcre || self.fl == Flavor::Ruby {
                    // PCRE: up to two hex digits, possibly none (\x = NUL).
                    let r = self.rest().as_bytes();
                    let n = r
                        .iter()
                        .take(2)
                        .take_while(|b| b.is_ascii_hexdigit())
                        .count();
                    if n == 0 && self.fl == Flavor::Ruby {
                        return self.bad_escape(start);
                    }
                    if n == 0 {
                        let span = self.span_from(start);
                        return self.err(
                            K::InvalidEscape,
                            span,
                            "digits missing after \\x or in \\x{} or \\o{} or \\N{U+}",
                        );
                    }
                    let v = if n == 0 {
                        0
                    } else {
                        self.hex_digits(n).unwrap()
                    };
                    return lit(v, LiteralKind::Hex2);
                }
                match self.hex_digits(2) {
                    Some(v) => lit(v, LiteralKind::Hex2),
                    None => self.bad_escape(start),
                }
            }
            Flavor::Dotnet => match self.hex_digits(2) {
                Some(v) => lit(v, LiteralKind::Hex2),
                None => self.bad_escape(start),
            },
            Flavor::Rust => unreachable!(),
        }
    }

    fn escape_u(&mut self, start: usize, in_class: bool) -> Result<Esc> {
        let lit = |c: u32, kind| Ok(Esc::Lit(Literal { c, kind }));
        match self.fl {
            Flavor::Js => {
                if self.u {
                    if let Some(v) = self.braced_number(start, 16, 0x10FFFF)? {
                        return lit(v, LiteralKind::UnicodeBrace);
                    }
                    if self.rest().starts_with('{') {
                        return self.bad_escape(start);
                    }
                }
                match self.hex_digits(4) {
                    Some(hi) => {
                        // In u/v mode a surrogate pair of escapes is one character.
                        if self.u
                            && (0xD800..0xDC00).contains(&hi)
                            && self.rest().starts_with("\\u")
                        {
                            let save = self.pos;
                            self.pos += 2;
                            if let Some(lo) = self.hex_digits(4) {
                                if (0xDC00..0xE000).contains(&lo) {
                                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    return lit(c, LiteralKind::SurrogatePair);
                                }
                            }
                            self.pos = save;
                        }
                        lit(hi, LiteralKind::Unicode4)
                    }
                    None if self.u => self.bad_escape(start),
                    None => lit('u' as u32, LiteralKind::Escaped),
                }
            }
            Flavor::Python | Flavor::Java | Flavor::Dotnet | Flavor::Ruby => {
                if self.fl == Flavor::Ruby {
                    if let Some(v) = self.braced_number(start, 16, 0x10FFFF)? {
                        return lit(v, LiteralKind::UnicodeBrace);
                    }
                }
                match self.hex_digits(4) {
                    Some(v) => lit(v, LiteralKind::Unicode4),
                    None => self.incomplete_escape(start),
                }
            }
            Flavor::Pcre => {
                let _ = in_class;
                // PCRE2 without the ALT_BSUX option rejects \u.
                self.bad_escape(start)
            }
            Flavor::Go => self.bad_escape(start),
            Flavor::Rust => unreachable!(),
        }
    }

    fn escape_c(&mut self, start: usize, in_class: bool) -> Result<Esc> {
        let lit = |c: u32| {
            Ok(Esc::Lit(Literal {
                c,
                kind: LiteralKind::Control,
            }))
        };
        match self.fl {
            Flavor::Js => {
                let n = self.peek();
                match n {
                    Some(l) if l.is_ascii_alphabetic() => {
                        self.bump();
                        lit(l as u32 % 32)
                    }
                    // Annex B: in a class, digits and `_` are control letters too.
                    Some(l) if !self.u && in_class && (l.is_ascii_digit() || l == '_') => {
                        self.bump();
                        lit(l as u32 % 32)
                    }
                    _ if self.u => self.bad_escape(start),
                    _ => {
                        // `\c` is a literal backslash; the `c` is read next.
                        self.pos = start + 1;
                        Ok(Esc::Lit(Literal {
                            c: '\\' as u32,
                            kind: LiteralKind::Verbatim,
                        }))
                    }
                }
            }
            Flavor::Java | Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet => match self.bump() {
                Some(l) if l.is_ascii() => {
                    if self.fl == Flavor::Dotnet
                        && !l.is_ascii_alphabetic()
                        && !"@[\\]^_".contains(l)
                    {
                        return self.bad_escape(start);
                    }
                    if self.fl == Flavor::Pcre && !(' '..='~').contains(&l) {
                        return self.bad_escape(start);
                    }
                    lit((l.to_ascii_uppercase() as u32) ^ 0x40)
                }
                _ => {
                    let span = self.span_from(start);
                    let msg = match self.fl {
                        Flavor::Pcre => "\\c at end of pattern",
                        Flavor::Java => "Illegal control escape sequence",
                        _ => "invalid control escape",
                    };
                    self.err(K::InvalidEscape, span, msg)
                }
            },
            Flavor::Python | Flavor::Go => self.bad_escape(start),
            Flavor::Rust => unreachable!(),
        }
    }

    fn escape_named_char(&mut self, start: usize) -> Result<Esc> {
        if !self.eat('{') {
            if self.py() {
                let span = self.span_from(start);
                return self.err(K::InvalidEscape, span, "missing {");
            }
            return self.bad_escape(start);
        }
        let s = self.pos;
        while let Some(c) = self.peek() {
            if c == '}' {
                break;
            }
            self.bump();
        }
        let name = &self.pat[s..self.pos];
        if !self.eat('}') || name.is_empty() {
            let span = self.span_from(start);
            let msg = if self.py() {
                "missing }"
            } else {
                "invalid \\N{...} escape"
            };
            return self.err(K::InvalidEscape, span, msg);
        }
        if let Some(hex) = name.strip_prefix("U+") {
            if let Ok(v) = u32::from_str_radix(hex, 16) {
                if self.fl == Flavor::Pcre && !self.flags.unicode {
                    let span = self.span_from(start);
                    return self.err(
                        K::InvalidEscape,
                        span,
                        "\\N{U+dddd} is supported only in Unicode (UTF) mode",
                    );
                }
                if self.fl == Flavor::Pcre && v <= 0x10FFFF {
                    self.pcre_code_point(start, v)?;
                    return Ok(Esc::Lit(Literal {
                        c: v,
                        kind: LiteralKind::Named,
                    }));
                }
            }
        }
        if self.fl == Flavor::Pcre {
            // PCRE2 supports only \N{U+hh..} and only in UTF mode.
            return self.bad_escape(start);
        }
        match unicode_names2::character(name) {
            Some(c) => Ok(Esc::Lit(Literal {
                c: c as u32,
                kind: LiteralKind::Named,
            })),
            None => {
                let span = self.span_from(start);
                let msg = match self.fl {
                    Flavor::Java => format!("Unknown character name [{name}]"),
                    _ => format!("undefined character name '{name}'"),
                };
                self.err(K::InvalidEscape, span, msg)
            }
        }
    }

    fn escape_property(&mut self, start: usize, negated: bool, in_class: bool) -> Result<Esc> {
        let _ = in_class;
        let supported = match self.fl {
            Flavor::Js => self.u,
            Flavor::Python => false,
            _ => true,
        };
        if !supported {
            if self.js() {
                return Ok(Esc::Lit(Literal {
                    c: if negated { 'P' } else { 'p' } as u32,
                    kind: LiteralKind::Escaped,
                }));
            }
            return self.bad_escape(start);
        }
        let (body, spelling) = if self.eat('{') {
            let s = self.pos;
            while let Some(c) = self.peek() {
                if c == '}' {
                    break;
                }
                self.bump();
            }
            let body = &self.pat[s..self.pos];
            if !self.eat('}') {
                let span = self.span_from(start);
                let msg = if self.js() {
                    "Invalid property name"
                } else {
                    "malformed \\p{...}"
                };
                return self.err(K::UnknownProperty, span, msg);
            }
            (body, PropertySpelling::Braced)
        } else if self.js() {
            let span = self.span_from(start);
            return self.err(K::UnknownProperty, span, "Invalid property name");
        } else {
            match self.bump() {
                Some(c) if c.is_ascii_alphabetic() => {
                    (&self.pat[self.pos - 1..self.pos], PropertySpelling::Single)
                }
                _ => {
                    let span = self.span_from(start);
                    return self.err(K::UnknownProperty, span, "malformed \\p escape");
                }
            }
        };
        let mut negated = negated;
        let mut spelling = spelling;
        let mut body = body;
        if matches!(self.fl, Flavor::Pcre | Flavor::Ruby) && body.starts_with('^') {
            body = &body[1..];
            negated = !negated;
            spelling = PropertySpelling::BracedCaret;
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => match body.split_once(':') {
                Some((n, v)) if self.fl == Flavor::Pcre => (n.to_string(), Some(v.to_string())),
                _ => (body.to_string(), None),
            },
        };
        let span = self.span_from(start);
        let prop = Property {
            negated,
            name,
            value,
            spelling,
        };
        crate::props::validate(self.fl, self.v, &prop)
            .map_err(|msg| Error::new(K::UnknownProperty, self.pat, span, msg))?;
        if self.js() && negated && crate::props::is_string_property(&prop) {
            return self.err(K::UnknownProperty, span, "Invalid property name");
        }
        Ok(Esc::Prop(prop))
    }

    /// Reads a group name terminated by `close`; returns it and whether it
    /// was well-formed for the flavor.
    fn read_name(&mut self, close: char) -> Option<String> {
        let s = self.pos;
        while let Some(c) = self.peek() {
            if c == close {
                let name = self.pat[s..self.pos].to_string();
                self.bump();
                return Some(name);
            }
            if c == ')' && close != ')' {
                break;
            }
            self.bump();
        }
        None
    }

    fn valid_name(&self, name: &str) -> bool {
        let mut cs = name.chars();
        let Some(first) = cs.next() else { return false };
        match self.fl {
            Flavor::Js => {
                let ok_start = |c: char| c == '$' || c == '_' || c.is_alphabetic();
                let ok_cont = |c: char| {
                    c == '$'
                        || c == '_'
                        || c.is_alphanumeric()
                        || c == '\u{200C}'
                        || c == '\u{200D}'
                        || unicode_mark_or_connector(c)
                };
                ok_start(first) && cs.all(ok_cont)
            }
            Flavor::Python => {
                (first == '_' || first.is_alphabetic())
                    && cs.all(|c| c == '_' || c.is_alphanumeric() || unicode_mark_or_connector(c))
            }
            Flavor::Java => first.is_ascii_alphabetic() && cs.all(|c| c.is_ascii_alphanumeric()),
            Flavor::Pcre => {
                // In UTF mode PCRE2 10.43+ also takes Unicode letters and digits.
                let word =
                    |c: char| is_ascii_word(c) || (self.flags.unicode && c.is_alphanumeric());
                !first.is_ascii_digit() && word(first) && cs.all(word) && name.len() <= 128
            }
            Flavor::Go => is_ascii_word(first) && cs.all(is_ascii_word),
            Flavor::Dotnet => {
                (is_ascii_word(first) || first.is_alphanumeric())
                    && cs.all(|c| is_ascii_word(c) || c.is_alphanumeric())
            }
            Flavor::Ruby => {
                !first.is_ascii_digit()
                    && (is_ascii_word(first) || !first.is_ascii())
                    && cs.all(|c| is_ascii_word(c) || !c.is_ascii())
            }
            Flavor::Rust => true,
        }
    }

    fn js_decode_name(&self, raw: &str) -> Option<String> {
        // JS group names may contain \uXXXX and \u{…} escapes.
        if !raw.contains('\\') {
            return Some(raw.to_string());
        }
        let mut out = String::new();
        let mut it = raw.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let rest = &raw[i + 1..];
            let rest = rest.strip_prefix('u')?;
            let (v, used) = if let Some(b) = rest.strip_prefix('{') {
                let end = b.find('}')?;
                (u32::from_str_radix(&b[..end], 16).ok()?, 1 + end + 2)
            } else {
                if rest.len() < 4 {
                    return None;
                }
                (u32::from_str_radix(rest.get(..4)?, 16).ok()?, 5)
            };
            out.push(char::from_u32(v)?);
            for _ in 0..used {
                it.next();
            }
        }
        Some(out)
    }

    fn escape_k(&mut self, start: usize, in_class: bool) -> Result<Esc> {
        match self.fl {
            Flavor::Js => {
                if !self.u && !self.has_names {
                    return Ok(Esc::Lit(Literal {
                        c: 'k' as u32,
                        kind: LiteralKind::Escaped,
                    }));
                }
                if in_class || !self.eat('<') {
                    let span = self.span_from(start);
                    return self.err(K::InvalidBackreference, span, "Invalid named reference");
                }
                let raw = self.read_name('>');
                let name = raw.as_deref().and_then(|r| self.js_decode_name(r));
                match name {
                    Some(n) if self.valid_name(&n) => {
                        self.refs.push((n.clone(), self.span_from(start)));
                        Ok(Esc::Backref(Backref {
                            target: BackrefTarget::Name(n),
                            spelling: BackrefSpelling::KAngle,
                        }))
                    }
                    _ => {
                        let span = self.span_from(start);
                        self.err(K::InvalidGroupName, span, "Invalid capture group name")
                    }
                }
            }
            Flavor::Java | Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet => {
                if in_class && self.fl != Flavor::Dotnet {
                    return self.bad_escape(start);
                }
                let (close, spelling) = match self.peek() {
                    Some('<') => ('>', BackrefSpelling::KAngle),
                    Some('\'') if self.fl != Flavor::Java => ('\'', BackrefSpelling::KQuote),
                    Some('{') if self.fl == Flavor::Pcre => ('}', BackrefSpelling::KBrace),
                    _ => {
                        if self.fl == Flavor::Dotnet && !in_class {
                            return self.bad_escape(start);
                        }
                        if self.fl == Flavor::Dotnet {
                            return Ok(Esc::Lit(Literal {
                                c: 'k' as u32,
                                kind: LiteralKind::Escaped,
                            }));
                        }
                        let span = self.span_from(start);
                        let msg = match self.fl {
                            Flavor::Java => "\\k is not followed by '<' for named capturing group",
                            Flavor::Pcre => {
                                "\\k is not followed by a braced, angle-bracketed, or quoted name"
                            }
                            _ => "invalid backref",
                        };
                        return self.err(K::InvalidBackreference, span, msg);
                    }
                };
                self.bump();
                let name = self.read_name(close).unwrap_or_default();
                let span = self.span_from(start);
                if (self.fl == Flavor::Ruby || self.fl == Flavor::Dotnet) && !name.is_empty() {
                    // Numeric and relative references: \k<1>, \k<-1>.
                    if let Ok(n) = name.parse::<i32>() {
                        let target = if name.starts_with('-') || name.starts_with('+') {
                            BackrefTarget::Relative(n)
                        } else {
                            self.num_refs.push((n as u32, span));
                            BackrefTarget::Number(n as u32)
                        };
                        return Ok(Esc::Backref(Backref { target, spelling }));
                    }
                }
                if !self.valid_name(&name) {
                    let msg = match self.fl {
                        Flavor::Java => "capturing group name does not start with a Latin letter",
                        Flavor::Pcre => "subpattern name expected",
                        _ => "invalid group name",
                    };
                    return self.err(K::InvalidGroupName, span, msg);
                }
                if self.fl == Flavor::Java && !self.names.iter().any(|(n, _)| *n == name) {
                    // Java resolves `\k<name>` when it reads it: no forward references.
                    return self.err(
                        K::InvalidBackreference,
                        span,
                        format!("named capturing group <{name}> does not exist"),
                    );
                }
                self.refs.push((name.clone(), span));
                Ok(Esc::Backref(Backref {
                    target: BackrefTarget::Name(name),
                    spelling,
                }))
            }
            _ => self.escape_other(start, 'k', in_class),
        }
    }

    /// PCRE `\g1`, `\g{-1}`, `\g{name}`, `\g<name>` (subroutine); Ruby `\g<…>`.
    fn escape_g(&mut self, start: usize) -> Result<Esc> {
        if self.peek() == Some('<') || (self.fl == Flavor::Pcre && self.peek() == Some('\'')) {
            let close = if self.bump() == Some('<') { '>' } else { '\'' };
            let name = self.read_name(close).unwrap_or_default();
            if name.is_empty() {
                return self.bad_escape(start);
            }
            let span = self.span_from(start);
            if let Ok(n) = name.strip_prefix('+').unwrap_or(&name).parse::<i64>() {
                let abs = if name.starts_with('+') {
                    self.caps as i64 + n
                } else if n < 0 {
                    self.caps as i64 + 1 + n
                } else {
                    n
                };
                if abs < 0 {
                    return self.err(
                        K::InvalidBackreference,
                        span,
                        "reference to non-existent subpattern",
                    );
                }
                if abs > 0 {
                    self.num_refs.push((abs as u32, span));
                }
            } else {
                self.refs.push((name.clone(), span));
            }
            return Ok(Esc::Special(Special::Recursion(
                self.pat[start..self.pos].to_string(),
            )));
        }
        if self.fl == Flavor::Ruby {
            return self.bad_escape(start);
        }
        let (body, spelling) = if self.eat('{') {
            match self.read_name('}') {
                Some(b) => (b, BackrefSpelling::GBrace),
                None => return self.bad_escape(start),
            }
        } else {
            let s = self.pos;
            if self.peek() == Some('-') || self.peek() == Some('+') {
                self.bump();
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
            (self.pat[s..self.pos].to_string(), BackrefSpelling::G)
        };
        let span = self.span_from(start);
        if let Ok(n) = body.parse::<i32>() {
            if body.starts_with('-') || body.starts_with('+') {
                if n == 0 || body.starts_with('+') {
                    return self.err(
                        K::InvalidBackreference,
                        span,
                        "a relative value of zero is not allowed",
                    );
                }
                let abs = self.caps as i32 + 1 + n;
                if abs < 1 {
                    return self.err(
                        K::InvalidBackreference,
                        span,
                        "reference to non-existent subpattern",
                    );
                }
                return Ok(Esc::Backref(Backref {
                    target: BackrefTarget::Relative(n),
                    spelling,
                }));
            }
            if n == 0 {
                return self.err(
                    K::InvalidBackreference,
                    span,
                    "a numbered reference must not be zero",
                );
            }
            self.num_refs.push((n as u32, span));
            return Ok(Esc::Backref(Backref {
                target: BackrefTarget::Number(n as u32),
                spelling,
            }));
        }
        if spelling == BackrefSpelling::GBrace && self.valid_name(&body) {
            self.refs.push((body.clone(), span));
            return Ok(Esc::Backref(Backref {
                target: BackrefTarget::Name(body),
                spelling,
            }));
        }
        self.err(
            K::InvalidBackreference,
            span,
            "\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number",
        )
    }

    fn octal_run(&mut self, max_digits: usize) -> u32 {
        let mut v = 0;
        let mut n = 0;
        while n < max_digits {
            match self.peek() {
                Some(c @ '0'..='7') => {
                    v = v * 8 + (c as u32 - '0' as u32);
                    self.bump();
                    n += 1;
                }
                _ => break,
            }
        }
        v
    }

    fn escape_digit(&mut self, start: usize, c: char, in_class: bool) -> Result<Esc> {
        let lit = |c: u32, kind| Ok(Esc::Lit(Literal { c, kind }));
        let digits_start = start + 1;
        match self.fl {
            Flavor::Js => {
                if c == '0' && !self.peek().is_some_and(|d| d.is_ascii_digit()) {
                    return lit(0, LiteralKind::Octal);
                }
                if !in_class && c != '0' {
                    // DecimalEscape: the longest digit run.
                    let mut n: u64 = c as u64 - '0' as u64;
                    let save = self.pos;
                    while let Some(d) = self.peek().filter(|d| d.is_ascii_digit()) {
                        n = (n * 10 + (d as u64 - '0' as u64)).min(u32::MAX as u64);
                        self.bump();
                    }
                    if n <= self.total_caps as u64 {
                        return Ok(Esc::Backref(Backref {
                            target: BackrefTarget::Number(n as u32),
                            spelling: BackrefSpelling::Digits,
                        }));
                    }
                    if self.u {
                        return self.bad_escape(start);
                    }
                    self.pos = save;
                }
                if self.u {
                    return self.bad_escape(start);
                }
                // Annex B legacy octal, or identity escape of 8 and 9.
                if c >= '8' {
                    return lit(c as u32, LiteralKind::Escaped);
                }
                self.pos = digits_start;
                let first = c as u32 - '0' as u32;
                self.pos += 1;
                let mut v = first;
                // Up to 3 digits if the first is 0-3, else 2.
                let max_more = if first <= 3 { 2 } else { 1 };
                for _ in 0..max_more {
                    match self.peek() {
                        Some(d @ '0'..='7') => {
                            v = v * 8 + (d as u32 - '0' as u32);
                            self.bump();
                        }
                        _ => break,
                    }
                }
                lit(v, LiteralKind::Octal)
            }
            Flavor::Python => {
                if c == '0' {
                    let v = self.octal_run(2);
                    return lit(v, LiteralKind::Octal);
                }
                if in_class {
                    if c >= '8' {
                        return self.bad_escape(start);
                    }
                    self.pos = digits_start;
                    let v = self.octal_run(3);
                    if v > 0o377 {
                        return self.octal_out_of_range(start);
                    }
                    return lit(v, LiteralKind::Octal);
                }
                // Octal escape *or* group reference.
                if let Some(d2) = self.peek().filter(|d| d.is_ascii_digit()) {
                    self.bump();
                    let d3 = self.peek();
                    if c <= '7' && d2 <= '7' && d3.is_some_and(|d| ('0'..='7').contains(&d)) {
                        self.bump();
                        let v =
                            (c as u32 - 48) * 64 + (d2 as u32 - 48) * 8 + (d3.unwrap() as u32 - 48);
                        if v > 0o377 {
                            return self.octal_out_of_range(start);
                        }
                        return lit(v, LiteralKind::Octal);
                    }
                }
                let n: u32 = self.pat[digits_start..self.pos].parse().unwrap();
                let span = self.span_from(start);
                if n <= self.caps {
                    if self.open.contains(&n) {
                        return self.err(
                            K::InvalidBackreference,
                            span,
                            "cannot refer to an open group",
                        );
                    }
                    if self.lookbehind_first_group.is_some_and(|f| n >= f) {
                        return self.err(
                            K::InvalidBackreference,
                            span,
                            "cannot refer to group defined in the same lookbehind subpattern",
                        );
                    }
                    return Ok(Esc::Backref(Backref {
                        target: BackrefTarget::Number(n),
                        spelling: BackrefSpelling::Digits,
                    }));
                }
                self.err(
                    K::InvalidBackreference,
                    span,
                    format!("invalid group reference {n}"),
                )
            }
            Flavor::Java => {
                if c == '0' {
                    // \0n, \0nn, \0mnn (m ≤ 3): at least one octal digit.
                    let s = self.pos;
                    let first = self.peek();
                    if !first.is_some_and(|d| ('0'..='7').contains(&d)) {
                        let span = self.span_from(start);
                        return self.err(K::InvalidEscape, span, "Illegal octal escape sequence");
                    }
                    let max = if first.is_some_and(|d| d <= '3') {
                        3
                    } else {
                        2
                    };
                    let v = self.octal_run(max);
                    let _ = s;
                    return lit(v, LiteralKind::Octal);
                }
                if in_class {
                    return self.bad_escape(start);
                }
                // Back reference: take further digits while the number stays
                // a group that exists so far.
                let mut n = c as u32 - '0' as u32;
                while let Some(d) = self.peek().filter(|d| d.is_ascii_digit()) {
                    let m = n.saturating_mul(10).saturating_add(d as u32 - '0' as u32);
                    if m > self.caps {
                        break;
                    }
                    n = m;
                    self.bump();
                }
                Ok(Esc::Backref(Backref {
                    target: BackrefTarget::Number(n),
                    spelling: BackrefSpelling::Digits,
                }))
            }
            Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet => {
                if c == '0' {
                    let v = self.octal_run(2);
                    return lit(v, LiteralKind::Octal);
                }
                if in_class {
                    if c >= '8' {
                        if self.fl == Flavor::Pcre {
                            return lit(c as u32, LiteralKind::Escaped);
                        }
                        return self.bad_escape(start);
                    }
                    self.pos = digits_start;
                    let v = self.octal_run(3);
                    self.pcre_octal(start, v)?;
                    return lit(v, LiteralKind::Octal);
                }
                let mut n: u64 = c as u64 - 48;
                while let Some(d) = self.peek().filter(|d| d.is_ascii_digit()) {
                    n = (n * 10 + (d as u64 - 48)).min(u32::MAX as u64);
                    self.bump();
                }
                let n = n as u32;
                let is_ref = match self.fl {
                    // PCRE2: < 10, starts with 8/9, or at least that many groups so far.
                    Flavor::Pcre => n < 10 || c >= '8' || n <= self.caps,
                    _ => n < 10 || n <= self.total_caps,
                };
                if is_ref {
                    let span = self.span_from(start);
                    if self.fl == Flavor::Ruby && self.has_names {
                        return self.err(
                            K::InvalidBackreference,
                            span,
                            "numbered backref/call is not allowed. (use name)",
                        );
                    }
                    if self.fl == Flavor::Dotnet && n > self.total_caps {
                        return self.err(
                            K::InvalidBackreference,
                            span,
                            format!("Reference to undefined group number {n}."),
                        );
                    }
                    self.num_refs.push((n, span));
                    return Ok(Esc::Backref(Backref {
                        target: BackrefTarget::Number(n),
                        spelling: BackrefSpelling::Digits,
                    }));
                }
                self.pos = digits_start;
                if c >= '8' {
                    self.bump();
                    return lit(c as u32, LiteralKind::Escaped);
                }
                let v = self.octal_run(3);
                self.pcre_octal(start, v)?;
                lit(v, LiteralKind::Octal)
            }
            Flavor::Go => {
                if c == '0' || in_class {
                    // Go: \0 is not valid; octal \123 is.
                }
                self.pos = digits_start;
                if ('1'..='7').contains(&c) || c == '0' {
                    // RE2 accepts octal \1-\7 only followed by more digits; Go: \[0-7]{1,3} when not \1-\9 alone?
                    if c != '0' && !self.rest()[1..].starts_with(|d: char| ('0'..='7').contains(&d))
                    {
                        self.pos = digits_start + 1;
                        return self.bad_escape(start);
                    }
                    let v = self.octal_run(3);
                    return lit(v, LiteralKind::Octal);
                }
                self.pos = digits_start + 1;
                self.bad_escape(start)
            }
            Flavor::Rust => unreachable!(),
        }
    }

    fn escape_other(&mut self, start: usize, c: char, in_class: bool) -> Result<Esc> {
        let esc = |c: char| {
            Ok(Esc::Lit(Literal {
                c: c as u32,
                kind: LiteralKind::Escaped,
            }))
        };
        match self.fl {
            Flavor::Js => {
                if self.u {
                    let syntax = "^$\\.*+?()[]{}|/";
                    if syntax.contains(c) || (in_class && c == '-') {
                        return esc(c);
                    }
                    if self.v && in_class && "&-!#%,:;<=>@`~".contains(c) {
                        return esc(c);
                    }
                    return self.bad_escape(start);
                }
                esc(c)
            }
            Flavor::Python => {
                if c.is_ascii_alphabetic() {
                    return self.bad_escape(start);
                }
                esc(c)
            }
            Flavor::Java => {
                if c.is_ascii_alphabetic() {
                    return self.bad_escape(start);
                }
                esc(c)
            }
            Flavor::Pcre => {
                if c.is_ascii_alphanumeric() {
                    return self.bad_escape(start);
                }
                esc(c)
            }
            Flavor::Dotnet => {
                if is_ascii_word(c) || (c.is_alphanumeric()) {
                    return self.bad_escape(start);
                }
                esc(c)
            }
            Flavor::Ruby => esc(c),
            Flavor::Go => {
                // RE2: any escaped ASCII character that is not a letter or digit.
                if c.is_ascii() && !c.is_ascii_alphanumeric() {
                    return esc(c);
                }
                self.bad_escape(start)
            }
            Flavor::Rust => unreachable!(),
        }
    }

    // ----- groups -----------------------------------------------------------

    fn parse_group(&mut self) -> Result<Ast> {
        let start = self.pos;
        self.bump(); // (
        self.enter(Span::new(start, start + 1))?;
        // Deep nesting recurses; grow the stack on the heap when it runs
        // low, so that any thread (a 2 MB test thread, a debug build) can
        // parse up to the nest limit.
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.parse_group_inner(start));
        self.leave();
        r
    }

    fn unclosed<T>(&self, start: usize) -> Result<T> {
        let msg = match self.fl {
            Flavor::Js => "Unterminated group",
            Flavor::Python => "missing ), unterminated subpattern",
            Flavor::Java => "Unclosed group",
            Flavor::Pcre => "missing closing parenthesis",
            Flavor::Dotnet => "Not enough )'s.",
            Flavor::Ruby => "end pattern with unmatched parenthesis",
            _ => "missing closing )",
        };
        self.err(K::UnclosedGroup, Span::new(start, self.pos), msg)
    }

    fn bad_group<T>(&self, start: usize) -> Result<T> {
        let end = (self.pos + self.peek().map_or(0, |c| c.len_utf8())).min(self.pat.len());
        let span = Span::new(start, end);
        let text = &self.pat[start..end];
        let msg = match self.fl {
            Flavor::Js => "Invalid group".to_string(),
            Flavor::Python => format!("unknown extension {}", &text[1.min(text.len())..]),
            Flavor::Java => "Unknown inline modifier".to_string(),
            Flavor::Pcre => "unrecognized character after (? or (?-".to_string(),
            Flavor::Dotnet => "Unrecognized grouping construct.".to_string(),
            Flavor::Ruby => "undefined group option".to_string(),
            _ => format!("invalid or unsupported Perl syntax: `{text}`"),
        };
        self.err(K::InvalidGroup, span, msg)
    }

    /// Parses the body and the closing `)` of a group whose header is read.
    fn group_body(&mut self, start: usize, kind: GroupKind) -> Result<Ast> {
        let is_lookbehind = matches!(kind, GroupKind::Lookbehind { .. });
        let capture = if let GroupKind::Capture { index, .. } = kind {
            Some(index)
        } else {
            None
        };
        if let Some(i) = capture {
            self.open.push(i);
        }
        let outer_lookbehind = self.lookbehind_first_group;
        if is_lookbehind && outer_lookbehind.is_none() {
            self.lookbehind_first_group = Some(self.caps + 1);
        }
        let saved = (self.x, self.xx, self.no_capture, self.dup_names);
        if kind == GroupKind::BranchReset {
            self.branch_reset = Some(self.caps);
        }
        let ast = self.parse_alternation()?;
        if !self.eat(')') {
            return self.unclosed(start);
        }
        if self.fl != Flavor::Python {
            (self.x, self.xx, self.no_capture, self.dup_names) = saved;
        }
        if let Some(i) = capture {
            self.open.pop();
            // Widths of groups, for backreferences inside lookbehinds. The
            // work is budgeted so that deep nesting cannot make it quadratic.
            if self.has_lookbehind && self.width_budget > 0 {
                let n = count_nodes(&ast, 10_000);
                self.width_budget = self.width_budget.saturating_sub(n);
                if n < 10_000 {
                    let w = width(&ast, &|t| self.backref_width(t));
                    let idx = i as usize;
                    if self.group_widths.len() <= idx {
                        self.group_widths.resize(idx + 1, None);
                    }
                    self.group_widths[idx] = Some(w);
                }
            }
        }
        self.lookbehind_first_group = outer_lookbehind;
        let span = self.span_from(start);
        if is_lookbehind {
            self.check_lookbehind(&ast, span)?;
        }
        Ok(Ast {
            span,
            kind: AstKind::Group(Box::new(Group { kind, ast })),
        })
    }

    /// The width of what a backreference matches: its group's width, when known.
    fn backref_width(&self, t: &BackrefTarget) -> (u32, Option<u32>) {
        let n = match t {
            BackrefTarget::Number(n) => Some(*n),
            BackrefTarget::Name(name) => {
                self.names.iter().find(|(m, _)| m == name).map(|(_, i)| *i)
            }
            BackrefTarget::Relative(r) => u32::try_from(self.caps as i64 + 1 + *r as i64).ok(),
        };
        n.and_then(|n| self.group_widths.get(n as usize).copied().flatten())
            .unwrap_or((0, None))
    }

    fn check_lookbehind(&self, ast: &Ast, span: Span) -> Result<()> {
        let wf = |t: &BackrefTarget| self.backref_width(t);
        let (min, max) = width(ast, &wf);
        match self.fl {
            Flavor::Python
                if max != Some(min) => {
                    return self.err(
                        K::LookbehindNotFixed,
                        span,
                        "look-behind requires fixed-width pattern",
                    );
                }
            Flavor::Java
                // Java needs an "obvious maximum length": bounded, except that
                // a greedy or possessive repetition of one character may be
                // unbounded; no backreferences.
                if (contains_backref(ast) || !java_lookbehind_bounded(ast)) => {
                    return self.err(
                        K::LookbehindNotFixed,
                        span,
                        "Look-behind group does not have an obvious maximum length",
                    );
                }
            Flavor::Pcre => {
                // Each top-level branch is fixed-length, or bounded by 255.
                let branches: Vec<&Ast> = match &ast.kind {
                    AstKind::Alternation(alts) => alts.iter().collect(),
                    _ => vec![ast],
                };
                let bad = branches.iter().any(|b| {
                    let (lo, hi) = width(b, &wf);
                    hi != Some(lo) && hi.is_none_or(|m| m > 255)
                });
                let _ = (min, max);
                if self.flags.unicode && contains_special(ast, &|s| matches!(s, Special::AnyByte)) {
                    return self.err(
                        K::LookbehindNotFixed,
                        span,
                        "\\C is not allowed in a lookbehind assertion in UTF-8 mode",
                    );
                }
                if bad {
                    return self.err(
                        K::LookbehindNotFixed,
                        span,
                        "length of lookbehind assertion is not limited",
                    );
                }
            }
            Flavor::Ruby
                if max.is_none() => {
                    return self.err(
                        K::LookbehindNotFixed,
                        span,
                        "invalid pattern in look-behind",
                    );
                }
            _ => {}
        }
        Ok(())
    }

    fn new_capture(&mut self, name: Option<GroupName>, span: Span) -> Result<GroupKind> {
        if self.fl == Flavor::Dotnet {
            // .NET numbers unnamed groups first, then named ones, and a
            // repeated name is the same group.
            let index = match &name {
                None => {
                    self.dn_unnamed += 1;
                    self.dn_unnamed
                }
                Some(n) => match self.names.iter().find(|(m, _)| *m == n.name) {
                    Some((_, i)) => *i,
                    None => {
                        self.dn_named += 1;
                        let i = self.unnamed_total + self.dn_named;
                        self.names.push((n.name.clone(), i));
                        i
                    }
                },
            };
            self.caps = self.caps.max(index);
            return Ok(GroupKind::Capture { index, name });
        }
        self.caps += 1;
        let index = self.caps;
        if let Some(n) = &name {
            let same_name = self
                .names
                .iter()
                .find(|(m, _)| *m == n.name)
                .map(|(_, i)| *i);
            let same_number = self
                .names
                .iter()
                .find(|(_, i)| *i == index)
                .map(|(m, _)| m.clone());
            if self.fl == Flavor::Pcre && same_number.as_ref().is_some_and(|m| *m != n.name) {
                return self.err(
                    K::DuplicateGroupName,
                    span,
                    "different names for subpatterns of the same number are not allowed",
                );
            }
            // In a PCRE branch reset the same name may name the same number.
            let reused = self.fl == Flavor::Pcre && same_name == Some(index);
            if !self.dup_names && same_name.is_some() && !reused {
                let msg = match self.fl {
                    Flavor::Js => "Duplicate capture group name".to_string(),
                    Flavor::Python => {
                        format!("redefinition of group name '{}' as group {index}", n.name)
                    }
                    Flavor::Java => {
                        format!("Named capturing group <{}> is already defined", n.name)
                    }
                    Flavor::Pcre => {
                        "two named subpatterns have the same name (PCRE2_DUPNAMES not set)"
                            .to_string()
                    }
                    _ => format!("duplicate capture group name {}", n.name),
                };
                return self.err(K::DuplicateGroupName, span, msg);
            }
            if !reused {
                self.names.push((n.name.clone(), index));
            }
        }
        Ok(GroupKind::Capture { index, name })
    }

    fn parse_group_inner(&mut self, start: usize) -> Result<Ast> {
        let fl = self.fl;
        // PCRE verbs: (*VERB) / (*VERB:NAME), and (*napla: etc.
        if fl == Flavor::Pcre
            && self.peek() == Some('*')
            && self
                .peek_at(1)
                .is_some_and(|c| c.is_ascii_alphabetic() || c == ':')
        {
            return self.parse_verb(start);
        }
        if !self.eat('?') {
            if self.py() && self.peek() == Some('*') {
                // `(*` : nothing to repeat.
            }
            if self.no_capture {
                return self.group_body(start, GroupKind::NonCapture);
            }
            let kind = self.new_capture(None, Span::new(start, start + 1))?;
            return self.group_body(start, kind);
        }
        let Some(c) = self.peek() else {
            return self.unclosed(start);
        };
        match c {
            ':' => {
                self.bump();
                self.group_body(start, GroupKind::NonCapture)
            }
            '=' | '!' => {
                if matches!(fl, Flavor::Go) {
                    return self.bad_group(start);
                }
                self.bump();
                self.group_body(start, GroupKind::Lookahead { negated: c == '!' })
            }
            '>' if !matches!(fl, Flavor::Js | Flavor::Go) => {
                self.bump();
                self.group_body(start, GroupKind::Atomic)
            }
            '|' if fl == Flavor::Pcre => {
                self.bump();
                self.group_body(start, GroupKind::BranchReset)
            }
            '~' if fl == Flavor::Ruby => {
                self.bump();
                self.group_body(start, GroupKind::Absent)
            }
            '#' if matches!(
                fl,
                Flavor::Python | Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet
            ) =>
            {
                // Comment group: skip to `)`; it is not a node. Return an
                // empty node so that position bookkeeping stays simple.
                while let Some(ch) = self.bump() {
                    if ch == ')' {
                        return Ok(Ast {
                            span: self.span_from(start),
                            kind: AstKind::Empty,
                        });
                    }
                }
                let msg = match fl {
                    Flavor::Python => "missing ), unterminated comment",
                    Flavor::Pcre => "missing ) at end of (?# comment",
                    _ => "end pattern in group",
                };
                self.err(K::UnclosedGroup, Span::new(start, self.pos), msg)
            }
            '<' => {
                self.bump();
                match self.peek() {
                    Some('=') | Some('!') if fl != Flavor::Go => {
                        let neg = self.bump() == Some('!');
                        self.group_body(start, GroupKind::Lookbehind { negated: neg })
                    }
                    _ if fl == Flavor::Python => self.bad_group(start),
                    _ => self.named_group(start, '>', NameSpelling::Angle),
                }
            }
            '\'' if matches!(fl, Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet) => {
                self.bump();
                self.named_group(start, '\'', NameSpelling::Quote)
            }
            'P' if matches!(fl, Flavor::Python | Flavor::Pcre | Flavor::Go) => {
                self.bump();
                match self.peek() {
                    Some('<') => {
                        self.bump();
                        self.named_group(start, '>', NameSpelling::PAngle)
                    }
                    Some('=') if fl != Flavor::Go => {
                        self.bump();
                        let s = self.pos;
                        let name = self.read_name(')');
                        let span = self.span_from(start);
                        let Some(name) = name else {
                            return self.err(
                                K::InvalidGroupName,
                                span,
                                "missing ), unterminated name",
                            );
                        };
                        if !self.valid_name(&name) {
                            let _ = s;
                            return self.err(
                                K::InvalidGroupName,
                                span,
                                format!("bad character in group name '{name}'"),
                            );
                        }
                        if self.py() {
                            match self.names.iter().find(|(n, _)| *n == name) {
                                None => {
                                    return self.err(
                                        K::InvalidBackreference,
                                        span,
                                        format!("unknown group name '{name}'"),
                                    )
                                }
                                Some((_, i)) if self.open.contains(i) => {
                                    return self.err(
                                        K::InvalidBackreference,
                                        span,
                                        "cannot refer to an open group",
                                    )
                                }
                                _ => {}
                            }
                        } else {
                            self.refs.push((name.clone(), span));
                        }
                        Ok(Ast {
                            span,
                            kind: AstKind::Backref(Backref {
                                target: BackrefTarget::Name(name),
                                spelling: BackrefSpelling::PEquals,
                            }),
                        })
                    }
                    Some('>') if fl == Flavor::Pcre => {
                        self.bump();
                        let name = self.read_name(')').unwrap_or_default();
                        if !self.valid_name(&name) {
                            return self.bad_group(start);
                        }
                        self.refs.push((name, self.span_from(start)));
                        Ok(Ast {
                            span: self.span_from(start),
                            kind: AstKind::Special(Special::Recursion(
                                self.pat[start..self.pos].to_string(),
                            )),
                        })
                    }
                    _ => {
                        if self.py() {
                            let span = Span::new(
                                start,
                                self.pos + self.peek().map_or(0, |c| c.len_utf8()),
                            );
                            return self.err(
                                K::InvalidGroup,
                                span,
                                format!(
                                    "unknown extension ?P{}",
                                    self.peek().map(String::from).unwrap_or_default()
                                ),
                            );
                        }
                        self.bad_group(start)
                    }
                }
            }
            '(' if matches!(
                fl,
                Flavor::Python | Flavor::Pcre | Flavor::Ruby | Flavor::Dotnet
            ) =>
            {
                self.parse_conditional(start)
            }
            'R' | '0'..='9' | '+' | '&' if fl == Flavor::Pcre => self.parse_recursion(start),
            '-' if fl == Flavor::Pcre && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => {
                self.parse_recursion(start)
            }
            'C' if fl == Flavor::Pcre => {
                let digits: String = self.rest()[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if digits.parse::<u64>().is_ok_and(|n| n > 255) {
                    let span = Span::new(start, self.pos + 1 + digits.len());
                    return self.err(
                        K::InvalidGroup,
                        span,
                        "number after (?C is greater than 255",
                    );
                }
                while let Some(ch) = self.bump() {
                    if ch == ')' {
                        return Ok(Ast {
                            span: self.span_from(start),
                            kind: AstKind::Special(Special::Callout(
                                self.pat[start..self.pos].to_string(),
                            )),
                        });
                    }
                }
                self.unclosed(start)
            }
            _ => {
                if fl == Flavor::Js {
                    return self.bad_group(start);
                }
                self.parse_flag_group(start)
            }
        }
    }

    fn named_group(&mut self, start: usize, close: char, spelling: NameSpelling) -> Result<Ast> {
        let raw = self.read_name(close);
        let span = self.span_from(start);
        let name = match raw {
            Some(r) if self.js() => self.js_decode_name(&r),
            other => other,
        };
        let Some(name) = name.filter(|n| self.valid_name(n)) else {
            // .NET balancing groups (?<a-b>…) and (?<-b>…).
            let msg = match self.fl {
                Flavor::Js => "Invalid capture group name".to_string(),
                Flavor::Python => "bad character in group name".to_string(),
                Flavor::Java => "named capturing group is missing trailing '>'".to_string(),
                Flavor::Pcre => "subpattern name expected".to_string(),
                Flavor::Dotnet => {
                    "Invalid group name: Group names must begin with a word character.".to_string()
                }
                _ => "invalid capture group name".to_string(),
            };
            return self.err(K::InvalidGroupName, span, msg);
        };
        if self.fl == Flavor::Python && name.is_empty() {
            return self.err(K::InvalidGroupName, span, "missing group name");
        }
        let kind = if self.fl == Flavor::Dotnet && name.chars().all(|c| c.is_ascii_digit()) {
            // (?<2>…) names group 2.
            let n: u32 = name.parse().unwrap_or(u32::MAX);
            self.caps = self.caps.max(n.saturating_sub(1));
            self.new_capture(None, span)?
        } else {
            self.new_capture(Some(GroupName { name, spelling }), span)?
        };
        self.group_body(start, kind)
    }

    fn parse_conditional(&mut self, start: usize) -> Result<Ast> {
        // At `(` after `(?`.
        let cstart = self.pos;
        let alpha_assertion = self.fl == Flavor::Pcre
            && self.peek_at(1) == Some('*')
            && self.peek_at(2).is_some_and(|c| c.is_ascii_lowercase());
        let condition = if alpha_assertion
            || self.peek_at(1) == Some('?')
                && matches!(self.peek_at(2), Some('=' | '!' | '<'))
                && self.fl != Flavor::Python
        {
            // (?(?=…)yes|no)
            let g = self.parse_group()?;
            Condition::Assertion(Box::new(g))
        } else {
            self.bump();
            let s = self.pos;
            while let Some(ch) = self.peek() {
                if ch == ')' {
                    break;
                }
                self.bump();
            }
            let body = self.pat[s..self.pos].to_string();
            if !self.eat(')') {
                return self.unclosed(start);
            }
            let span = self.span_from(cstart);
            let body_trim = body
                .trim_start_matches(['<', '\''])
                .trim_end_matches(['>', '\'']);
            let pcre = self.fl == Flavor::Pcre;
            let relative = pcre
                && (body.starts_with('+') || body.starts_with('-'))
                && body[1..].parse::<u32>().is_ok();
            if relative {
                let n: i64 = body[1..].parse().unwrap_or(0);
                let abs = if body.starts_with('+') {
                    self.caps as i64 + n
                } else {
                    self.caps as i64 + 1 - n
                };
                if n == 0 || abs < 1 {
                    return self.err(
                        K::InvalidBackreference,
                        span,
                        "reference to non-existent subpattern",
                    );
                }
                self.num_refs.push((abs as u32, span));
                Condition::Group(abs as u32)
            } else if let Ok(n) = body_trim.parse::<u32>() {
                if self.py() && n == 0 {
                    return self.err(K::InvalidBackreference, span, "bad group number");
                }
                if pcre && n == 0 {
                    return self.err(
                        K::InvalidBackreference,
                        span,
                        "reference to non-existent subpattern",
                    );
                }
                if (self.py() && n > self.caps) || pcre {
                    // Checked once all groups are known: forward references are allowed.
                    self.num_refs.push((n, span));
                }
                Condition::Group(n)
            } else if pcre && body.starts_with("VERSION") {
                let v = body["VERSION".len()..].trim_start_matches('>');
                let ok = v.strip_prefix('=').is_some_and(|n| {
                    let (a, b) = n.split_once('.').unwrap_or((n, "0"));
                    !a.is_empty()
                        && a.chars().all(|c| c.is_ascii_digit())
                        && !b.is_empty()
                        && b.chars().all(|c| c.is_ascii_digit())
                });
                if !ok {
                    return self.err(
                        K::Syntax,
                        span,
                        "syntax error or number too big in (?(VERSION condition",
                    );
                }
                Condition::Recursion(body)
            } else if pcre && (body.starts_with('R') || body == "DEFINE") {
                if let Some(name) = body.strip_prefix("R&") {
                    self.refs.push((name.to_string(), span));
                } else if let Ok(n) = body[1..].parse::<u32>() {
                    self.num_refs.push((n, span));
                }
                Condition::Recursion(body)
            } else if self.valid_name(body_trim) {
                if self.py() {
                    if !self.names.iter().any(|(n, _)| n == body_trim) {
                        return self.err(
                            K::InvalidBackreference,
                            span,
                            format!("unknown group name '{body_trim}'"),
                        );
                    }
                } else if self.fl != Flavor::Dotnet {
                    self.refs.push((body_trim.to_string(), span));
                }
                Condition::Name(body_trim.to_string())
            } else {
                let msg = if self.py() {
                    format!("bad character in group name '{body}'")
                } else {
                    "malformed number or name after (?(".to_string()
                };
                return self.err(K::InvalidGroup, span, msg);
            }
        };
        // yes|no
        let saved = (self.x, self.xx, self.no_capture, self.dup_names);
        let ystart = self.pos;
        let yes = self.parse_concat()?;
        let mut no = None;
        if self.eat('|') {
            let n = self.parse_concat()?;
            if self.peek() == Some('|') {
                let span = Span::new(ystart, self.pos + 1);
                let msg = if self.py() {
                    "conditional backref with more than two branches"
                } else {
                    "conditional subpattern contains more than two branches"
                };
                return self.err(K::Syntax, span, msg);
            }
            no = Some(n);
            if matches!(&condition, Condition::Recursion(b) if b == "DEFINE") {
                let span = Span::new(start, self.pos);
                return self.err(
                    K::Syntax,
                    span,
                    "DEFINE subpattern contains more than one branch",
                );
            }
        }
        if !self.eat(')') {
            return self.unclosed(start);
        }
        (self.x, self.xx, self.no_capture, self.dup_names) = saved;
        Ok(Ast {
            span: self.span_from(start),
            kind: AstKind::Conditional(Box::new(Conditional { condition, yes, no })),
        })
    }

    /// PCRE recursion and subroutine calls: `(?R)`, `(?1)`, `(?+1)`,
    /// `(?-1)`, `(?&name)`. The cursor is after `(?`.
    fn parse_recursion(&mut self, start: usize) -> Result<Ast> {
        let s = self.pos;
        while let Some(ch) = self.peek() {
            if ch == ')' {
                break;
            }
            self.bump();
        }
        let body = self.pat[s..self.pos].to_string();
        if !self.eat(')') {
            return self.bad_group(start);
        }
        let span = self.span_from(start);
        if body != "R" {
            if let Some(name) = body.strip_prefix('&') {
                if !self.valid_name(name) {
                    return self.bad_group(start);
                }
                self.refs.push((name.to_string(), span));
            } else {
                let n: i64 = match body.strip_prefix('+').unwrap_or(&body).parse() {
                    Ok(n) => n,
                    Err(_) => return self.bad_group(start),
                };
                let abs = if body.starts_with('+') {
                    self.caps as i64 + n
                } else if n < 0 {
                    self.caps as i64 + 1 + n
                } else {
                    n
                };
                if abs < 0 || (abs == 0 && body != "0") {
                    return self.err(
                        K::InvalidBackreference,
                        span,
                        "reference to non-existent subpattern",
                    );
                }
                if abs > 0 {
                    self.num_refs.push((abs as u32, span));
                }
            }
        }
        Ok(Ast {
            span,
            kind: AstKind::Special(Special::Recursion(self.pat[start..self.pos].to_string())),
        })
    }

    /// `(*…)`: PCRE2 backtracking verbs, start-of-pattern options, and the
    /// alphabetic spellings of lookaround and atomic groups.
    fn parse_verb(&mut self, start: usize) -> Result<Ast> {
        self.bump(); // *
                     // Alphabetic assertions: (*pla:…), (*atomic:…), … are groups.
        let word: String = self
            .rest()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '_')
            .collect();
        if self.rest()[word.len()..].starts_with(':')
            && word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            let kind = match word.as_str() {
                "pla" | "positive_lookahead" | "napla" | "non_atomic_positive_lookahead" => {
                    Some(GroupKind::Lookahead { negated: false })
                }
                "nla" | "negative_lookahead" => Some(GroupKind::Lookahead { negated: true }),
                "plb" | "positive_lookbehind" | "naplb" | "non_atomic_positive_lookbehind" => {
                    Some(GroupKind::Lookbehind { negated: false })
                }
                "nlb" | "negative_lookbehind" => Some(GroupKind::Lookbehind { negated: true }),
                "atomic" | "asr" | "atomic_script_run" => Some(GroupKind::Atomic),
                "sr" | "script_run" => Some(GroupKind::NonCapture),
                _ => None,
            };
            if let Some(kind) = kind {
                self.pos += word.len() + 1;
                return self.group_body(start, kind);
            }
        }
        let s = self.pos;
        while let Some(ch) = self.peek() {
            if ch == ')' {
                break;
            }
            self.bump();
        }
        let body = self.pat[s..self.pos].to_string();
        if !self.eat(')') {
            return self.unclosed(start);
        }
        let span = self.span_from(start);
        let (name, arg) = match body.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (body.as_str(), None),
        };
        const VERBS: &[&str] = &[
            "ACCEPT", "FAIL", "F", "COMMIT", "PRUNE", "SKIP", "THEN", "MARK", "",
        ];
        const START_OPTS: &[&str] = &[
            "UTF",
            "UTF8",
            "UCP",
            "NO_AUTO_POSSESS",
            "NO_START_OPT",
            "NO_DOTSTAR_ANCHOR",
            "NO_JIT",
            "CR",
            "LF",
            "CRLF",
            "ANYCRLF",
            "ANY",
            "NUL",
            "BSR_ANYCRLF",
            "BSR_UNICODE",
            "NOTEMPTY",
            "NOTEMPTY_ATSTART",
            "LIMIT_MATCH",
            "LIMIT_DEPTH",
            "LIMIT_HEAP",
            "LIMIT_RECURSION",
            "CASELESS_RESTRICT",
            "TURKISH_CASING",
        ];
        let bad =
            |p: &Self, msg: &str| -> Result<Ast> { p.err(K::InvalidGroup, span, msg.to_string()) };
        if VERBS.contains(&name) {
            if (name == "MARK" || name.is_empty()) && arg.is_none_or(|a| a.is_empty()) {
                return bad(self, "(*MARK) must have an argument");
            }
        } else {
            let (opt, value) = match name.split_once('=') {
                Some((o, v)) => (o, Some(v)),
                None => (name, None),
            };
            let limit = opt.starts_with("LIMIT_");
            let ok = START_OPTS.contains(&opt)
                && arg.is_none()
                && (limit == value.is_some())
                && value.is_none_or(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
                && start == self.start_opts_end;
            if !ok {
                return bad(self, "(*VERB) not recognized or malformed");
            }
            self.start_opts_end = self.pos;
            if opt == "UTF" || opt == "UTF8" {
                self.flags.unicode = true;
            }
        }
        Ok(Ast {
            span,
            kind: AstKind::Special(Special::Verb(self.pat[start..self.pos].to_string())),
        })
    }

    /// `(?flags)` / `(?flags:…)` / `(?flags-flags…)`.
    fn parse_flag_group(&mut self, start: usize) -> Result<Ast> {
        let fl = self.fl;
        let allowed: &str = match fl {
            // `t` is re.TEMPLATE, still accepted by 3.11.
            Flavor::Python => "aiLmsuxt",
            Flavor::Java => "idmsuxUc",
            // PCRE2 10.43+: `a` (ASCII restrictions, optionally followed by
            // D, S, W, P or T) and `r` (caseless restrict).
            Flavor::Pcre => "imnsxJUxraDSWPT",
            Flavor::Ruby => "imxadlu",
            Flavor::Dotnet => "imnsx",
            Flavor::Go => "imsU",
            _ => "",
        };
        let mut change = FlagChange::default();
        if fl == Flavor::Pcre && self.eat('^') {
            change.caret = true;
            if self.peek() == Some('-') {
                let span = Span::new(start, self.pos + 1);
                return self.err(
                    K::InvalidInlineFlag,
                    span,
                    "invalid hyphen in option setting",
                );
            }
        }
        let mut neg = false;
        loop {
            let Some(c) = self.peek() else {
                return self.unclosed(start);
            };
            match c {
                ')' | ':' => break,
                '-' if !neg => {
                    neg = true;
                    self.bump();
                }
                c if allowed.contains(c)
                    && (fl != Flavor::Pcre
                        || !"DSWPT".contains(c)
                        || change.on.ends_with('a')
                        || change.off.ends_with('a')) =>
                {
                    self.bump();
                    if neg {
                        if fl == Flavor::Python && matches!(c, 'a' | 'L' | 'u') {
                            let span = Span::new(start, self.pos);
                            return self.err(
                                K::InvalidInlineFlag,
                                span,
                                "bad inline flags: cannot turn off flags 'a', 'u' and 'L'",
                            );
                        }
                        change.off.push(c);
                    } else {
                        change.on.push(c);
                    }
                }
                _ => {
                    if fl == Flavor::Python {
                        let span = Span::new(start, self.pos + c.len_utf8());
                        let msg = if c.is_alphabetic() {
                            "unknown flag"
                        } else {
                            "missing -, : or )"
                        };
                        return self.err(K::InvalidInlineFlag, span, msg);
                    }
                    return self.bad_group(start);
                }
            }
        }
        if neg && change.off.is_empty() && !matches!(fl, Flavor::Pcre | Flavor::Ruby | Flavor::Java)
        {
            let span = Span::new(start, self.pos);
            let msg = if fl == Flavor::Python {
                "missing flag"
            } else {
                "missing flag after -"
            };
            return self.err(K::InvalidInlineFlag, span, msg);
        }
        if fl == Flavor::Python {
            let a = change.on.matches(['a', 'L', 'u']).count();
            if a > 1 || change.on.contains('L') {
                let span = Span::new(start, self.pos);
                let msg = if change.on.contains('L') {
                    "bad inline flags: cannot use 'L' flag with a str pattern"
                } else {
                    "bad inline flags: flags 'a', 'u' and 'L' are incompatible"
                };
                return self.err(K::InvalidInlineFlag, span, msg);
            }
            if change.on.chars().any(|c| change.off.contains(c)) {
                let span = Span::new(start, self.pos);
                return self.err(
                    K::InvalidInlineFlag,
                    span,
                    "bad inline flags: flag turned on and off",
                );
            }
            // Global flags join the pattern's flags; scoped ones may differ.
            let global = self.peek() == Some(')');
            if global
                && ((self.flags.ascii && change.on.contains('u'))
                    || (change.on.contains('a') && self.flags.unicode))
            {
                let span = Span::new(start, self.pos);
                return self.err(
                    K::InvalidInlineFlag,
                    span,
                    "bad inline flags: flags 'a', 'u' and 'L' are incompatible",
                );
            }
        }
        if fl == Flavor::Python && change.on.is_empty() && !neg && self.peek() == Some(')') {
            let span = Span::new(start, self.pos + 1);
            return self.err(K::InvalidGroup, span, "unknown extension ?)");
        }
        let scoped = self.eat(':');
        if !scoped {
            self.bump(); // ')'
            if fl == Flavor::Python {
                if !change.off.is_empty() {
                    let span = self.span_from(start);
                    return self.err(K::InvalidInlineFlag, span, "missing :");
                }
                if !only_global_flags(&self.pat[..start]) {
                    let span = self.span_from(start);
                    return self.err(
                        K::InvalidInlineFlag,
                        span,
                        "global flags not at the start of the expression",
                    );
                }
            }
            if fl == Flavor::Go && change.on.is_empty() && change.off.is_empty() {
                return self.bad_group(start);
            }
            self.apply_flags(&change);
            return Ok(Ast {
                span: self.span_from(start),
                kind: AstKind::SetFlags(change),
            });
        }
        if fl == Flavor::Go && change.on.is_empty() && change.off.is_empty() && neg {
            return self.bad_group(start);
        }
        let saved = (self.x, self.xx, self.no_capture, self.dup_names);
        self.apply_flags(&change);
        let r = self.group_body(start, GroupKind::Flags(change));
        (self.x, self.xx, self.no_capture, self.dup_names) = saved;
        r
    }

    fn apply_flags(&mut self, change: &FlagChange) {
        if change.caret {
            self.x = false;
            self.xx = false;
            self.no_capture = false;
        }
        for c in change.on.chars() {
            match c {
                'x' => {
                    if self.fl == Flavor::Pcre && self.x && change.on.matches('x').count() > 1 {
                        self.xx = true;
                    }
                    self.x = true;
                }
                'n' => self.no_capture = true,
                'J' => self.dup_names = true,
                _ => {}
            }
        }
        if self.fl == Flavor::Pcre && change.on.matches('x').count() > 1 {
            self.xx = true;
        }
        for c in change.off.chars() {
            match c {
                'x' => {
                    self.x = false;
                    self.xx = false;
                }
                'n' => self.no_capture = false,
                'J' => self.dup_names = false,
                _ => {}
            }
        }
    }

    // ----- classes ----------------------------------------------------------

    fn unclosed_class<T>(&self, start: usize) -> Result<T> {
        let msg = match self.fl {
            Flavor::Js => "Unterminated character class",
            Flavor::Python => "unterminated character set",
            Flavor::Java => "Unclosed character class",
            Flavor::Pcre => "missing terminating ] for character class",
            Flavor::Dotnet => "Unterminated [] set.",
            Flavor::Ruby => "premature end of char-class",
            _ => "missing closing ]",
        };
        self.err(K::UnclosedClass, Span::new(start, self.pat.len()), msg)
    }

    fn parse_class(&mut self) -> Result<Class> {
        let start = self.pos;
        self.enter(Span::new(start, start + 1))?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || {
            if self.v {
                self.parse_class_v(start)
            } else {
                self.parse_class_plain(start)
            }
        });
        self.leave();
        r
    }

    /// One class atom in a non-`v` class: a character or a class escape.
    fn class_atom(&mut self, class_start: usize) -> Result<(ClassItemKind, Span)> {
        if let Some((lo, span)) = self.pending_low.take() {
            return Ok((
                ClassItemKind::Literal(Literal {
                    c: lo,
                    kind: LiteralKind::Verbatim,
                }),
                span,
            ));
        }
        let (kind, span) = self.class_atom_inner(class_start)?;
        // Without `u`/`v`, JS classes hold UTF-16 code units: an astral
        // character is two items, its surrogates.
        if let ClassItemKind::Literal(l) = &kind {
            if self.js() && !self.u && l.c > 0xFFFF {
                let v = l.c - 0x10000;
                let (hi, lo) = (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
                self.pending_low = Some((lo, span));
                return Ok((
                    ClassItemKind::Literal(Literal {
                        c: hi,
                        kind: l.kind,
                    }),
                    span,
                ));
            }
        }
        Ok((kind, span))
    }

    fn class_atom_inner(&mut self, class_start: usize) -> Result<(ClassItemKind, Span)> {
        let s = self.pos;
        if self.quoting {
            let c = self.bump().unwrap();
            return Ok((
                ClassItemKind::Literal(Literal {
                    c: c as u32,
                    kind: LiteralKind::Quoted,
                }),
                self.span_from(s),
            ));
        }
        let c = match self.peek() {
            Some(c) => c,
            None => return self.unclosed_class(class_start),
        };
        if c == '\\' {
            let e = self.parse_escape(true)?;
            let span = self.span_from(s);
            let kind = match e {
                Esc::Lit(l) => ClassItemKind::Literal(l),
                Esc::Perl(p) => ClassItemKind::Perl(p),
                Esc::Prop(p) => ClassItemKind::Property(p),
                Esc::Quote => {
                    self.quoting = true;
                    return Ok((ClassItemKind::Strings(vec![]), span));
                }
                Esc::Nothing => return Ok((ClassItemKind::Strings(vec![]), span)),
                Esc::Assert(_) | Esc::Backref(_) | Esc::Special(_) => {
                    // Assertion escapes inside a class.
                    return self.bad_escape(s);
                }
            };
            return Ok((kind, span));
        }
        // POSIX classes [:alpha:]
        if c == '[' && matches!(self.fl, Flavor::Pcre | Flavor::Ruby | Flavor::Go) {
            if let Some(item) = self.try_posix()? {
                return Ok((item, self.span_from(s)));
            }
        }
        self.bump();
        Ok((
            ClassItemKind::Literal(Literal {
                c: c as u32,
                kind: LiteralKind::Verbatim,
            }),
            self.span_from(s),
        ))
    }

    /// `[:name:]` at the cursor (PCRE2 rejects it outside a class).
    fn looks_like_posix_class(&self) -> bool {
        let r = self.rest();
        let Some(body) = r.strip_prefix("[:") else {
            return false;
        };
        match body.find(":]") {
            Some(e) => {
                let name = body[..e].strip_prefix('^').unwrap_or(&body[..e]);
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic())
            }
            None => false,
        }
    }

    fn try_posix(&mut self) -> Result<Option<ClassItemKind>> {
        let r = self.rest();
        let Some(body) = r.strip_prefix("[:") else {
            if self.fl == Flavor::Pcre && (r.starts_with("[.") || r.starts_with("[=")) {
                let d = &r[1..2];
                if r[2..].contains(&format!("{d}]")) {
                    let span = Span::new(self.pos, self.pos + 2);
                    return self.err(
                        K::InvalidClassSet,
                        span,
                        "POSIX collating elements are not supported",
                    );
                }
            }
            return Ok(None);
        };
        let Some(end) = body.find(":]") else {
            return Ok(None);
        };
        let name = &body[..end];
        if name.contains(']') || name.contains('[') {
            return Ok(None);
        }
        let (negated, bare) = match name.strip_prefix('^') {
            Some(n) => (true, n),
            None => (false, name),
        };
        const NAMES: &[&str] = &[
            "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print",
            "punct", "space", "upper", "word", "xdigit",
        ];
        let span = Span::new(self.pos, self.pos + 2 + end + 2);
        if !bare.chars().all(|c| c.is_ascii_alphabetic()) {
            return Ok(None);
        }
        if !NAMES.contains(&bare) && !(self.fl == Flavor::Pcre && (bare == "<" || bare == ">")) {
            let msg = match self.fl {
                Flavor::Pcre => "unknown POSIX class name",
                Flavor::Go => "invalid character class range",
                _ => "invalid POSIX bracket type",
            };
            return self.err(K::InvalidClassSet, span, msg);
        }
        self.pos = span.end;
        Ok(Some(ClassItemKind::Posix {
            name: bare.to_string(),
            negated,
        }))
    }

    fn parse_class_plain(&mut self, start: usize) -> Result<Class> {
        self.bump(); // [
        let negated = self.eat('^');
        let fl = self.fl;
        let nested_ok = matches!(fl, Flavor::Java | Flavor::Ruby);
        let mut items: Vec<ClassItem> = Vec::new();
        let mut ops: Vec<ClassSet> = Vec::new(); // Java/Ruby `&&` operands so far
        let mut first = true;
        if self.xx {
            while matches!(self.peek(), Some(' ' | '\t')) {
                self.bump();
            }
        }
        // `]` first is literal except in JS (empty class).
        if self.peek() == Some(']') && fl != Flavor::Js && fl != Flavor::Java {
            let s = self.pos;
            self.bump();
            items.push(ClassItem {
                span: self.span_from(s),
                kind: ClassItemKind::Literal(Literal {
                    c: ']' as u32,
                    kind: LiteralKind::Verbatim,
                }),
            });
            first = false;
        }
        if fl == Flavor::Java && self.peek() == Some(']') {
            // Java: `[]…]` starts with a literal `]`? It is an error if the
            // class would be empty.
            let s = self.pos;
            self.bump();
            items.push(ClassItem {
                span: self.span_from(s),
                kind: ClassItemKind::Literal(Literal {
                    c: ']' as u32,
                    kind: LiteralKind::Verbatim,
                }),
            });
            first = false;
        }
        let _ = first;
        loop {
            if self.pending_low.is_some() {
                // The low surrogate of an astral character comes next.
            } else if self.quoting {
                if self.eat_str("\\E") {
                    self.quoting = false;
                    continue;
                }
                if self.eof() {
                    return self.unclosed_class(start);
                }
            } else {
                if self.xx {
                    while matches!(self.peek(), Some(' ' | '\t')) {
                        self.bump();
                    }
                }
                if fl == Flavor::Java && self.x {
                    // Java COMMENTS mode also ignores whitespace in classes.
                    while self.peek().is_some_and(|c| self.is_x_space(c)) {
                        self.bump();
                    }
                }
                match self.peek() {
                    None => return self.unclosed_class(start),
                    Some(']') => {
                        self.bump();
                        break;
                    }
                    // Java has no POSIX brackets: `[[:a]]` nests a class.
                    Some('[')
                        if nested_ok && !(fl == Flavor::Ruby && self.looks_like_posix_class()) =>
                    {
                        let inner = self.parse_class()?;
                        items.push(ClassItem {
                            span: inner.span,
                            kind: ClassItemKind::Nested(Box::new(inner)),
                        });
                        continue;
                    }
                    Some('&') if nested_ok && self.rest().starts_with("&&") => {
                        self.pos += 2;
                        ops.push(ClassSet::Union {
                            items: std::mem::take(&mut items),
                        });
                        continue;
                    }
                    Some('-')
                        if fl == Flavor::Dotnet
                            && self.rest().starts_with("-[")
                            && !items.is_empty() =>
                    {
                        // .NET subtraction: must be the last element.
                        self.bump();
                        let inner = self.parse_class()?;
                        if !self.eat(']') {
                            let span = Span::new(start, self.pos);
                            return self.err(
                                K::InvalidClassSet,
                                span,
                                "A subtraction must be the last element in a character class.",
                            );
                        }
                        let lhs = ClassSet::Union {
                            items: std::mem::take(&mut items),
                        };
                        let rhs = ClassSet::Union {
                            items: vec![ClassItem {
                                span: inner.span,
                                kind: ClassItemKind::Nested(Box::new(inner)),
                            }],
                        };
                        let set = ClassSet::Op {
                            op: ClassOp::Subtraction,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        };
                        return Ok(Class {
                            span: self.span_from(start),
                            negated,
                            set,
                        });
                    }
                    _ => {}
                }
            }
            let (atom, aspan) = self.class_atom(start)?;
            if let ClassItemKind::Strings(ref v) = atom {
                if v.is_empty() {
                    continue; // \Q or \E
                }
            }
            // Range?
            let is_range = !self.quoting
                && self.pending_low.is_none()
                && self.peek() == Some('-')
                && self.peek_at(1).is_some_and(|c| c != ']')
                && self.peek_at(1).is_some();
            let is_range = is_range && !(fl == Flavor::Dotnet && self.peek_at(1) == Some('['));
            let is_range = is_range && !(nested_ok && self.peek_at(1) == Some('['));
            if !is_range {
                items.push(ClassItem {
                    span: aspan,
                    kind: atom,
                });
                continue;
            }
            let dash = self.pos;
            self.bump(); // -
            let (end_atom, espan) = self.class_atom(start)?;
            let span = aspan.cover(espan);
            match (&atom, &end_atom) {
                (ClassItemKind::Literal(a), ClassItemKind::Literal(b)) => {
                    if a.c > b.c {
                        let msg = match fl {
                            Flavor::Js => "Range out of order in character class".to_string(),
                            Flavor::Python => {
                                format!("bad character range {}", &self.pat[span.start..span.end])
                            }
                            Flavor::Java => "Illegal character range".to_string(),
                            Flavor::Pcre => "range out of order in character class".to_string(),
                            Flavor::Dotnet => "[x-y] range in reverse order.".to_string(),
                            Flavor::Ruby => "empty range in char class".to_string(),
                            _ => "invalid character class range".to_string(),
                        };
                        return self.err(K::InvalidRange, span, msg);
                    }
                    items.push(ClassItem {
                        span,
                        kind: ClassItemKind::Range { start: *a, end: *b },
                    });
                }
                _ => {
                    // A class escape at either end.
                    let lenient = (fl == Flavor::Js && !self.u) || fl == Flavor::Ruby;
                    // PCRE2 rejects a class escape as either end of a range.
                    let pcre_ok = false;
                    if lenient
                        || pcre_ok
                        || (fl == Flavor::Java && !matches!(atom, ClassItemKind::Literal(_)))
                    {
                        items.push(ClassItem {
                            span: aspan,
                            kind: atom,
                        });
                        items.push(ClassItem {
                            span: Span::new(dash, dash + 1),
                            kind: ClassItemKind::Literal(Literal {
                                c: '-' as u32,
                                kind: LiteralKind::Verbatim,
                            }),
                        });
                        items.push(ClassItem {
                            span: espan,
                            kind: end_atom,
                        });
                        continue;
                    }
                    let msg = match fl {
                        Flavor::Js => "Invalid character class".to_string(),
                        Flavor::Python => {
                            format!("bad character range {}", &self.pat[span.start..span.end])
                        }
                        Flavor::Java => "Illegal character range".to_string(),
                        Flavor::Pcre => "invalid range in character class".to_string(),
                        Flavor::Dotnet => {
                            "A subtraction must be the last element in a character class."
                                .to_string()
                        }
                        _ => "invalid character class range".to_string(),
                    };
                    return self.err(K::InvalidRange, span, msg);
                }
            }
        }
        let span = self.span_from(start);
        let mut set = ClassSet::Union { items };
        if !ops.is_empty() {
            let mut acc = ops.remove(0);
            for o in ops.into_iter().chain(std::iter::once(set)) {
                acc = ClassSet::Op {
                    op: ClassOp::Intersection,
                    lhs: Box::new(acc),
                    rhs: Box::new(o),
                };
            }
            set = acc;
        }
        if fl == Flavor::Java {
            if let ClassSet::Union { items } = &set {
                if items.is_empty() {
                    return self.err(K::UnclosedClass, span, "Unclosed character class");
                }
            }
        }
        Ok(Class { span, negated, set })
    }

    // ----- JS `v`-mode classes ---------------------------------------------

    fn parse_class_v(&mut self, start: usize) -> Result<Class> {
        self.bump(); // [
        let negated = self.eat('^');
        let bad = |p: &Parser, s: usize, msg: &str| -> Result<Class> {
            p.err(
                K::InvalidClassSet,
                Span::new(s, p.pos.max(s + 1).min(p.pat.len())),
                msg,
            )
        };
        let mut items: Vec<ClassItem> = Vec::new();
        let mut op: Option<ClassOp> = None;
        let mut acc: Option<ClassSet> = None;
        let mut operand_count = 0;
        loop {
            let Some(c) = self.peek() else {
                return self.unclosed_class(start);
            };
            if c == ']' {
                self.bump();
                break;
            }
            // Operators.
            if self.rest().starts_with("&&") || self.rest().starts_with("--") {
                let this = if self.rest().starts_with("&&") {
                    ClassOp::Intersection
                } else {
                    ClassOp::Subtraction
                };
                let s = self.pos;
                self.pos += 2;
                if self.rest().starts_with('&') && this == ClassOp::Intersection {
                    return bad(self, s, "Invalid set operation in character class");
                }
                if items.len() != 1 && op.is_none()
                    || items.is_empty()
                    || items
                        .iter()
                        .any(|i| matches!(i.kind, ClassItemKind::Range { .. }))
                {
                    return bad(self, s, "Invalid set operation in character class");
                }
                if op.is_some_and(|o| o != this) {
                    return bad(self, s, "Invalid set operation in character class");
                }
                let operand = ClassSet::Union {
                    items: std::mem::take(&mut items),
                };
                acc = Some(match acc.take() {
                    None => operand,
                    Some(a) => ClassSet::Op {
                        op: this,
                        lhs: Box::new(a),
                        rhs: Box::new(operand),
                    },
                });
                op = Some(this);
                operand_count += 1;
                continue;
            }
            if op.is_some() && !items.is_empty() {
                return bad(self, self.pos, "Invalid set operation in character class");
            }
            let s = self.pos;
            let (kind, span) = self.class_operand_v(start)?;
            // Ranges.
            if self.peek() == Some('-') && !self.rest().starts_with("--") {
                let ClassItemKind::Literal(a) = kind else {
                    return bad(self, s, "Invalid character class");
                };
                if op.is_some() {
                    return bad(self, s, "Invalid set operation in character class");
                }
                self.bump();
                let (k2, e) = self.class_operand_v(start)?;
                let ClassItemKind::Literal(b) = k2 else {
                    return bad(self, s, "Invalid character class");
                };
                let span = span.cover(e);
                if a.c > b.c {
                    return self.err(
                        K::InvalidRange,
                        span,
                        "Range out of order in character class",
                    );
                }
                items.push(ClassItem {
                    span,
                    kind: ClassItemKind::Range { start: a, end: b },
                });
                continue;
            }
            items.push(ClassItem { span, kind });
        }
        let _ = operand_count;
        let set = match (acc, op) {
            (None, _) => ClassSet::Union { items },
            (Some(a), Some(o)) => {
                if items.len() != 1 || matches!(items[0].kind, ClassItemKind::Range { .. }) {
                    return self.err(
                        K::InvalidClassSet,
                        Span::new(start, self.pos),
                        "Invalid set operation in character class",
                    );
                }
                ClassSet::Op {
                    op: o,
                    lhs: Box::new(a),
                    rhs: Box::new(ClassSet::Union { items }),
                }
            }
            (Some(_), None) => unreachable!(),
        };
        let span = self.span_from(start);
        let class = Class { span, negated, set };
        if negated && crate::props::class_may_contain_strings(&class) {
            return self.err(
                K::InvalidClassSet,
                span,
                "Negated character class may contain strings",
            );
        }
        Ok(class)
    }

    fn class_operand_v(&mut self, class_start: usize) -> Result<(ClassItemKind, Span)> {
        let s = self.pos;
        let Some(c) = self.peek() else {
            return self.unclosed_class(class_start);
        };
        match c {
            '[' => {
                let inner = self.parse_class()?;
                let span = inner.span;
                Ok((ClassItemKind::Nested(Box::new(inner)), span))
            }
            '\\' => {
                if self.rest().starts_with("\\q{") {
                    self.pos += 3;
                    let mut alts: Vec<Vec<Literal>> = vec![vec![]];
                    loop {
                        match self.peek() {
                            None => return self.unclosed_class(class_start),
                            Some('}') => {
                                self.bump();
                                break;
                            }
                            Some('|') => {
                                self.bump();
                                alts.push(vec![]);
                            }
                            Some('\\') => {
                                let es = self.pos;
                                match self.parse_escape(true)? {
                                    Esc::Lit(l) => alts.last_mut().unwrap().push(l),
                                    _ => return self.bad_escape(es),
                                }
                            }
                            Some(ch) => {
                                let cs = self.pos;
                                self.bump();
                                let doubled =
                                    "&!#$%*+,.:;<=>?@^`~".contains(ch) && self.peek() == Some(ch);
                                if "()[]{}/-|".contains(ch) || doubled {
                                    return self.err(
                                        K::InvalidClassSet,
                                        Span::new(cs, self.pos),
                                        "Invalid character in character class",
                                    );
                                }
                                alts.last_mut().unwrap().push(Literal {
                                    c: ch as u32,
                                    kind: LiteralKind::Verbatim,
                                });
                            }
                        }
                    }
                    return Ok((ClassItemKind::Strings(alts), self.span_from(s)));
                }
                let e = self.parse_escape(true)?;
                let span = self.span_from(s);
                Ok((
                    match e {
                        Esc::Lit(l) => ClassItemKind::Literal(l),
                        Esc::Perl(p) => ClassItemKind::Perl(p),
                        Esc::Prop(p) => ClassItemKind::Property(p),
                        _ => return self.bad_escape(s),
                    },
                    span,
                ))
            }
            _ => {
                // ClassSetSyntaxCharacter must be escaped; reserved double
                // punctuators are errors.
                if "()[]{}/-|".contains(c) && c != '[' {
                    self.bump();
                    return self.err(
                        K::InvalidClassSet,
                        self.span_from(s),
                        "Invalid set operation in character class",
                    );
                }
                let next = self.peek_at(1);
                if "&!#$%*+,.:;<=>?@^`~".contains(c) && next == Some(c) {
                    self.pos += 2;
                    return self.err(
                        K::InvalidClassSet,
                        self.span_from(s),
                        "Invalid set operation in character class",
                    );
                }
                self.bump();
                Ok((
                    ClassItemKind::Literal(Literal {
                        c: c as u32,
                        kind: LiteralKind::Verbatim,
                    }),
                    self.span_from(s),
                ))
            }
        }
    }
}

/// Whether `s` is a run of Python global flag groups `(?aiLmsux)`: only
/// those may precede another global flag group.
fn only_global_flags(s: &str) -> bool {
    let mut r = s;
    while !r.is_empty() {
        let Some(body) = r.strip_prefix("(?") else {
            return false;
        };
        let Some(end) = body.find(')') else {
            return false;
        };
        if end == 0 || !body[..end].chars().all(|c| "aiLmsuxt".contains(c)) {
            return false;
        }
        r = &body[end + 1..];
    }
    true
}

fn unicode_mark_or_connector(c: char) -> bool {
    // Approximation of ID_Continue beyond alphanumerics: combining marks
    // and connector punctuation.
    matches!(c as u32, 0x0300..=0x036F | 0x203F | 0x2040 | 0x2054 | 0xFE33 | 0xFE34 | 0xFE4D..=0xFE4F | 0xFF3F)
}

/// Java's "obvious maximum length" for lookbehind bodies, as observed on
/// Java 17: bounded, except an unbounded greedy or possessive repetition of
/// one character (or of a group holding one), and a lazy one only where
/// nothing repeated or consuming comes before it in the top-level sequence.
fn java_lookbehind_bounded(ast: &Ast) -> bool {
    fn single(a: &Ast) -> bool {
        match &a.kind {
            AstKind::Literal(_)
            | AstKind::Dot
            | AstKind::Perl(_)
            | AstKind::Property(_)
            | AstKind::Class(_) => true,
            AstKind::Group(g) => {
                matches!(g.kind, GroupKind::Capture { .. } | GroupKind::NonCapture)
                    && single(&g.ast)
            }
            _ => false,
        }
    }
    fn ok(a: &Ast, lazy_ok: bool) -> bool {
        match &a.kind {
            AstKind::Repetition(r) => {
                if r.max().is_none() {
                    single(&r.ast) && (r.greed != Greed::Lazy || lazy_ok)
                } else {
                    ok(&r.ast, false)
                }
            }
            AstKind::Group(g) => match g.kind {
                GroupKind::Lookahead { .. } | GroupKind::Lookbehind { .. } => true,
                _ => ok(&g.ast, lazy_ok),
            },
            AstKind::Alternation(v) => v.iter().all(|a| ok(a, lazy_ok)),
            AstKind::Concat(v) => {
                let mut lazy_ok = lazy_ok;
                for a in v {
                    if !ok(a, lazy_ok) {
                        return false;
                    }
                    let branch = match &a.kind {
                        AstKind::Group(g) => matches!(g.ast.kind, AstKind::Alternation(_)),
                        AstKind::Alternation(_) => true,
                        _ => false,
                    };
                    if branch {
                        // Java's study does not follow an alternation group:
                        // a lazy single-character repetition after one passes.
                        lazy_ok = true;
                        continue;
                    }
                    let nothing_consumed = !matches!(a.kind, AstKind::Repetition(_))
                        && width(a, &|_| (0, None)).0 == 0;
                    lazy_ok = lazy_ok && nothing_consumed;
                }
                true
            }
            _ => true,
        }
    }
    ok(ast, true)
}

fn contains_special(ast: &Ast, f: &dyn Fn(&Special) -> bool) -> bool {
    match &ast.kind {
        AstKind::Special(s) => f(s),
        AstKind::Group(g) => contains_special(&g.ast, f),
        AstKind::Repetition(r) => contains_special(&r.ast, f),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter().any(|a| contains_special(a, f)),
        AstKind::Conditional(c) => {
            contains_special(&c.yes, f) || c.no.as_ref().is_some_and(|a| contains_special(a, f))
        }
        _ => false,
    }
}

fn contains_backref(ast: &Ast) -> bool {
    match &ast.kind {
        AstKind::Backref(_) => true,
        AstKind::Group(g) => contains_backref(&g.ast),
        AstKind::Repetition(r) => contains_backref(&r.ast),
        AstKind::Alternation(v) | AstKind::Concat(v) => v.iter().any(contains_backref),
        AstKind::Conditional(c) => {
            contains_backref(&c.yes) || c.no.as_ref().is_some_and(contains_backref)
        }
        _ => false,
    }
}

/// The (min, max) number of characters an AST node can match, for
/// lookbehind checks. Backreferences count as unbounded.
pub(crate) fn width(
    ast: &Ast,
    br: &dyn Fn(&BackrefTarget) -> (u32, Option<u32>),
) -> (u32, Option<u32>) {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || width_inner(ast, br))
}

fn width_inner(ast: &Ast, br: &dyn Fn(&BackrefTarget) -> (u32, Option<u32>)) -> (u32, Option<u32>) {
    let width = |a: &Ast| width(a, br);
    match &ast.kind {
        AstKind::Empty | AstKind::Assertion { .. } | AstKind::SetFlags(_) => (0, Some(0)),
        AstKind::Literal(_)
        | AstKind::Dot
        | AstKind::Perl(_)
        | AstKind::Property(_)
        | AstKind::Class(_) => (1, Some(1)),
        AstKind::Group(g) => match g.kind {
            GroupKind::Lookahead { .. } | GroupKind::Lookbehind { .. } => (0, Some(0)),
            _ => width(&g.ast),
        },
        AstKind::Repetition(r) => {
            let (a, b) = width(&r.ast);
            let min = a.saturating_mul(r.min());
            let max = match (b, r.max()) {
                (Some(0), _) => Some(0),
                (Some(b), Some(m)) => b.checked_mul(m),
                _ => None,
            };
            (min, max)
        }
        AstKind::Alternation(alts) => {
            let mut min = u32::MAX;
            let mut max = Some(0);
            for a in alts {
                let (lo, hi) = width(a);
                min = min.min(lo);
                max = match (max, hi) {
                    (Some(x), Some(y)) => Some(x.max(y)),
                    _ => None,
                };
            }
            (min, max)
        }
        AstKind::Concat(items) => {
            let mut min = 0u32;
            let mut max = Some(0u32);
            for a in items {
                let (lo, hi) = width(a);
                min = min.saturating_add(lo);
                max = match (max, hi) {
                    (Some(x), Some(y)) => x.checked_add(y),
                    _ => None,
                };
            }
            (min, max)
        }
        AstKind::Backref(b) => br(&b.target),
        AstKind::Conditional(c) => {
            let (a, b) = width(&c.yes);
            let (x, y) = c.no.as_ref().map(width).unwrap_or((0, Some(0)));
            (
                a.min(x),
                match (b, y) {
                    (Some(b), Some(y)) => Some(b.max(y)),
                    _ => None,
                },
            )
        }
        AstKind::Special(Special::LineBreak) => (1, Some(2)),
        AstKind::Special(Special::Grapheme) => (1, None),
        AstKind::Special(Special::AnyByte) => (1, Some(1)),
        // Whole-pattern recursion has no bound; calls of a group are taken
        // as fixed (PCRE2 checks them against the group).
        AstKind::Special(Special::Recursion(r)) if r == "(?R)" || r == "(?0)" => (0, None),
        AstKind::Special(Special::Recursion(_)) | AstKind::Special(Special::Verb(_)) => {
            (0, Some(0))
        }
        AstKind::Special(_) => (0, None),
    }
}

/// Counts nodes up to `limit`.
fn count_nodes(ast: &Ast, limit: u64) -> u64 {
    let mut n = 0;
    let mut stack = vec![ast];
    while let Some(a) = stack.pop() {
        n += 1;
        if n >= limit {
            break;
        }
        match &a.kind {
            AstKind::Group(g) => stack.push(&g.ast),
            AstKind::Repetition(r) => stack.push(&r.ast),
            AstKind::Alternation(v) | AstKind::Concat(v) => stack.extend(v.iter()),
            AstKind::Conditional(c) => {
                stack.push(&c.yes);
                stack.extend(c.no.iter());
            }
            _ => {}
        }
    }
    n
}
