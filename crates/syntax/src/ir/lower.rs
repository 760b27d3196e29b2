//! AST → IR: flags, flavors and spellings compiled away.

use super::class::{class_of, sets, Folder, Folding};
use super::look::{LineStartAtEnd, Look, Terminators, WordChars};
use super::{CharSet, Cond, Ir, IrKind, Lowered, Note};
use crate::ast::{
    AssertionKind, Ast, AstKind, Backref, BackrefTarget, Class, ClassItemKind, ClassOp, ClassSet,
    Condition, FlagChange, Greed, GroupKind, Literal, PerlKind, Special,
};
use crate::error::{Error, ErrorKind};
use crate::flavor::Flavor;
use crate::span::Span;
use crate::Pattern;
use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use std::collections::{BTreeSet, HashMap, HashSet};

/// PHP's `u` modifier sets both `PCRE2_UTF` and `PCRE2_UCP` (php-src
/// `ext/pcre/php_pcre.c`), so with it `\d \s \w \b` and POSIX classes are
/// Unicode-aware. Set to `false` to model plain PCRE2 with `PCRE2_UTF` only.
const PCRE_U_IMPLIES_UCP: bool = true;

/// Lowers a parsed pattern into the IR.
///
/// Fails only on a backreference or condition naming a group that does not
/// exist (with the span of the reference).
pub fn lower(p: &Pattern) -> Result<Lowered, Error> {
    Lowerer::new(p).run()
}

/// The flags in effect at a point of the pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Mode {
    ignore_case: bool,
    multi_line: bool,
    dot_all: bool,
    ungreedy: bool,
    /// Unicode-aware `\d \s \w` (and `\b`, POSIX classes except in Ruby).
    unicode: bool,
    /// Case-insensitivity beyond ASCII.
    unicode_case: bool,
    /// Java `UNIX_LINES`.
    unix_lines: bool,
    /// Rust CRLF mode.
    crlf: bool,
    /// Ruby `(?a)`: `\b` and POSIX brackets ASCII too.
    ruby_ascii: bool,
    /// PCRE `(*BSR_ANYCRLF)`.
    bsr_anycrlf: bool,
}

impl Mode {
    fn initial(p: &Pattern) -> Mode {
        let f = &p.flags;
        let (unicode, unicode_case) = match p.flavor {
            Flavor::Js => (false, f.js_unicode_mode()),
            Flavor::Python => (!f.ascii, !f.ascii),
            Flavor::Java => (f.unicode, f.unicode_case || f.unicode),
            Flavor::Pcre => (f.unicode && PCRE_U_IMPLIES_UCP, f.unicode),
            Flavor::Ruby => (false, true),
            Flavor::Dotnet => (!f.ecmascript, true),
            Flavor::Rust => (f.unicode, f.unicode),
            Flavor::Go => (false, true),
        };
        Mode {
            ignore_case: f.ignore_case,
            multi_line: f.multi_line,
            dot_all: f.dot_all,
            ungreedy: f.ungreedy,
            unicode,
            unicode_case,
            unix_lines: f.unix_lines,
            crlf: f.crlf,
            ruby_ascii: false,
            bsr_anycrlf: false,
        }
    }

    /// Applies one inline flag letter.
    fn set(&mut self, flavor: Flavor, c: char, on: bool) {
        match (flavor, c) {
            (_, 'i') => self.ignore_case = on,
            (Flavor::Ruby, 'm') => self.dot_all = on,
            (_, 'm') => self.multi_line = on,
            (Flavor::Ruby, _) if !on => {}
            (Flavor::Ruby, 'a') => (self.unicode, self.ruby_ascii) = (false, true),
            (Flavor::Ruby, 'u') => (self.unicode, self.ruby_ascii) = (true, false),
            (Flavor::Ruby, 'd') => (self.unicode, self.ruby_ascii) = (false, false),
            (_, 's') => self.dot_all = on,
            (Flavor::Pcre | Flavor::Go | Flavor::Rust, 'U') => self.ungreedy = on,
            (Flavor::Java, 'U') => {
                self.unicode = on;
                self.unicode_case |= on;
            }
            (Flavor::Java, 'u') => self.unicode_case = on,
            (Flavor::Java, 'd') => self.unix_lines = on,
            (Flavor::Rust, 'u') => (self.unicode, self.unicode_case) = (on, on),
            (Flavor::Rust, 'R') => self.crlf = on,
            (Flavor::Python, 'a') if on => (self.unicode, self.unicode_case) = (false, false),
            (Flavor::Python, 'u') if on => (self.unicode, self.unicode_case) = (true, true),
            (Flavor::Pcre, 'a') => self.unicode &= !on,
            // x, n, J, L, …: syntax only, handled by the parser.
            _ => {}
        }
    }

    fn folding(&self, flavor: Flavor) -> Folding {
        match flavor {
            Flavor::Js if self.unicode_case => Folding::Simple,
            Flavor::Js => Folding::JsLegacy,
            Flavor::Python | Flavor::Java | Flavor::Pcre | Flavor::Rust if !self.unicode_case => {
                Folding::Ascii
            }
            Flavor::Python | Flavor::Java => Folding::SimpleDottedI,
            _ => Folding::Simple,
        }
    }

    fn word_chars(&self, flavor: Flavor) -> WordChars {
        match flavor {
            Flavor::Js if self.ignore_case && self.unicode_case => WordChars::JsIgnoreCase,
            Flavor::Ruby if self.ruby_ascii => WordChars::Ascii,
            Flavor::Ruby => WordChars::Ruby,
            Flavor::Js | Flavor::Go => WordChars::Ascii,
            // Java 17: \b is Unicode-aware even when \w is not.
            Flavor::Java if !self.unicode => WordChars::Java,
            _ if !self.unicode => WordChars::Ascii,
            Flavor::Python => WordChars::Python,
            Flavor::Java | Flavor::Rust => WordChars::Unicode,
            Flavor::Pcre => WordChars::Pcre,
            Flavor::Dotnet => WordChars::Dotnet,
        }
    }

    /// Line terminators for `^ $ \Z` and `.`.
    fn terminators(&self, flavor: Flavor) -> Terminators {
        match flavor {
            Flavor::Js => Terminators::Js,
            Flavor::Java if self.unix_lines => Terminators::Lf,
            Flavor::Java => Terminators::Java,
            Flavor::Rust if self.crlf => Terminators::Crlf,
            _ => Terminators::Lf,
        }
    }
}

/// Memo key for sets that do not depend on the text of the pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum LeafKey {
    Dot,
    Perl(PerlKind, bool),
    Posix(String, bool),
    Prop(String, Option<String>, bool),
}

#[derive(Clone)]
enum LeafVal {
    Set(CharSet, Option<String>),
    Unsupported(String),
}

enum PropOut {
    Set(ClassUnicode, Option<String>),
    /// A property of strings (JS `v` mode).
    Strings(String),
    /// Not known: any character, with this note.
    Unknown(String),
}

enum Work<'a> {
    Visit(&'a Ast),
    /// Items in sequence (part of a concatenation).
    Seq(&'a [Ast], Span),
    /// Ruby alternatives: an optional leading sequence, then nodes.
    RubyAlts {
        head: Option<(&'a [Ast], Span)>,
        rest: &'a [Ast],
        span: Span,
    },
    Concat {
        span: Span,
        n: usize,
    },
    Alt {
        span: Span,
        n: usize,
    },
    Repeat {
        min: u32,
        max: Option<u32>,
        greed: Greed,
        span: Span,
    },
    Group {
        kind: &'a GroupKind,
        span: Span,
        saved: Mode,
    },
    Cond {
        plan: CondPlan,
        has_no: bool,
        span: Span,
        saved: Mode,
    },
}

enum CondPlan {
    Group(u32),
    Look,
    Define,
    Recursion(String),
}

/// A class value during evaluation: single characters and (JS `v`) strings
/// of other lengths.
struct CVal {
    set: ClassUnicode,
    strings: BTreeSet<Vec<char>>,
    unsupported: Option<String>,
}

enum CTask<'a> {
    Set(&'a ClassSet),
    Class(&'a Class),
    Union { base: CVal, n: usize },
    Op(ClassOp),
    Negate(bool, Span),
}

struct Lowerer<'p> {
    p: &'p Pattern,
    flavor: Flavor,
    mode: Mode,
    notes: Vec<Note>,
    folder: Folder,
    leaves: HashMap<(LeafKey, Mode), LeafVal>,
    chars: HashMap<(char, Folding), CharSet>,
    rs_memo: HashMap<String, Option<ClassUnicode>>,
    /// PCRE's `bracount`: the number of the last group opened.
    bracount: u32,
    max_index: u32,
}

fn range(a: char, b: char) -> ClassUnicodeRange {
    ClassUnicodeRange::new(a, b)
}

/// Property names compared loosely: lower case, no spaces, `_` or `-`.
fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `Character.toUpperCase(int)`: the simple upper case mapping (Rust's full
/// mapping when it is one character).
fn simple_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `Character.toLowerCase(int)`: the simple lower case mapping.
fn simple_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The position of a top-level `(?flags)` in an alternative.
fn set_flags_in(items: &[Ast]) -> Option<usize> {
    items
        .iter()
        .position(|a| matches!(a.kind, AstKind::SetFlags(_)))
}

/// Ruby (Onigmo): `(?flags)` takes the rest of its alternative *and all
/// later alternatives* as its body, so `a(?i)b|c` is `a(?i:b|c)`: it
/// matches `ac` and `aC`, not `c`. Schedules the alternatives with that
/// structure.
fn ruby_alts<'a>(
    head: Option<(&'a [Ast], Span)>,
    rest: &'a [Ast],
    span: Span,
    work: &mut Vec<Work<'a>>,
) {
    // The alternatives as sequences of items.
    let alts: Vec<(&'a [Ast], Span)> = head
        .into_iter()
        .chain(rest.iter().map(|a| match &a.kind {
            AstKind::Concat(items) => (&items[..], a.span),
            _ => (std::slice::from_ref(a), a.span),
        }))
        .collect();
    let head_n = usize::from(head.is_some());
    let split = alts[..alts.len().saturating_sub(1)]
        .iter()
        .enumerate()
        .find_map(|(i, (items, _))| Some((i, set_flags_in(items)?)));
    let Some((i, k)) = split else {
        work.push(Work::Alt {
            span,
            n: alts.len(),
        });
        work.extend(alts.iter().rev().map(|&(items, s)| Work::Seq(items, s)));
        return;
    };
    let (items, alt_span) = alts[i];
    let flag_end = items[k].span.end;
    let suffix_span = Span::new(flag_end, items.last().map_or(flag_end, |a| a.span.end));
    let inner_span = Span::new(flag_end, span.end);
    work.push(Work::Alt { span, n: i + 1 });
    work.push(Work::Concat {
        span: Span::new(alt_span.start, span.end),
        n: 3,
    });
    work.push(Work::RubyAlts {
        head: Some((&items[k + 1..], suffix_span)),
        rest: &rest[i + 1 - head_n..],
        span: inner_span,
    });
    work.push(Work::Visit(&items[k]));
    work.push(Work::Seq(
        &items[..k],
        Span::new(alt_span.start, items[k].span.start),
    ));
    work.extend(
        alts[..i]
            .iter()
            .rev()
            .map(|&(items, s)| Work::Seq(items, s)),
    );
}

const JS_STRING_PROPERTIES: &[&str] = &[
    "Basic_Emoji",
    "Emoji_Keycap_Sequence",
    "RGI_Emoji_Modifier_Sequence",
    "RGI_Emoji_Flag_Sequence",
    "RGI_Emoji_Tag_Sequence",
    "RGI_Emoji_ZWJ_Sequence",
    "RGI_Emoji",
];

const JAVA_POSIX: &[&str] = &[
    "lower", "upper", "ascii", "alpha", "digit", "alnum", "punct", "graph", "print", "blank",
    "cntrl", "xdigit", "space",
];

impl<'p> Lowerer<'p> {
    fn new(p: &'p Pattern) -> Lowerer<'p> {
        Lowerer {
            p,
            flavor: p.flavor,
            mode: Mode::initial(p),
            notes: Vec::new(),
            folder: Folder,
            leaves: HashMap::new(),
            chars: HashMap::new(),
            rs_memo: HashMap::new(),
            bracount: 0,
            max_index: 0,
        }
    }

    fn note(&mut self, span: Span, message: impl Into<String>) {
        self.notes.push(Note {
            span,
            message: message.into(),
        });
    }

    fn error(&self, span: Span, message: String) -> Error {
        Error::new(
            ErrorKind::InvalidBackreference,
            &self.p.pattern,
            span,
            message,
        )
    }

    fn run(mut self) -> Result<Lowered, Error> {
        if self.flavor == Flavor::Python {
            self.python_global_flags();
        }
        let mut work = vec![Work::Visit(&self.p.ast)];
        let mut out: Vec<Ir> = Vec::new();
        while let Some(w) = work.pop() {
            match w {
                Work::Visit(ast) => self.visit(ast, &mut work, &mut out)?,
                Work::Seq(items, span) => {
                    work.push(Work::Concat {
                        span,
                        n: items.len(),
                    });
                    work.extend(items.iter().rev().map(Work::Visit));
                }
                Work::RubyAlts { head, rest, span } => ruby_alts(head, rest, span, &mut work),
                Work::Concat { span, n } => {
                    let items = out.split_off(out.len() - n);
                    out.push(Ir::concat(items, span));
                }
                Work::Alt { span, n } => {
                    let items = out.split_off(out.len() - n);
                    let alt = if self.flavor == Flavor::Python {
                        self.python_branch(items, span)
                    } else {
                        Ir::alt(items, span)
                    };
                    out.push(alt);
                }
                Work::Repeat {
                    min,
                    max,
                    greed,
                    span,
                } => {
                    let sub = out.pop().expect("operand");
                    out.push(Ir::repeat(sub, min, max, greed, span));
                }
                Work::Group { kind, span, saved } => {
                    let sub = out.pop().expect("group body");
                    self.mode = saved;
                    out.push(self.finish_group(kind, sub, span));
                }
                Work::Cond {
                    plan,
                    has_no,
                    span,
                    saved,
                } => {
                    self.mode = saved;
                    let no = if has_no {
                        out.pop().expect("no branch")
                    } else {
                        Ir::empty(Span::empty(span.end.saturating_sub(1)))
                    };
                    let yes = out.pop().expect("yes branch");
                    let cond = match plan {
                        CondPlan::Group(n) => Cond::Group(n),
                        CondPlan::Define => Cond::Define,
                        CondPlan::Recursion(s) => Cond::Recursion(s),
                        CondPlan::Look => {
                            let a = out.pop().expect("assertion");
                            let a = if matches!(a.kind, IrKind::LookAround { .. }) {
                                a
                            } else {
                                let s = a.span;
                                Ir::look_around(false, false, a, s)
                            };
                            Cond::Look(Box::new(a))
                        }
                    };
                    out.push(Ir::conditional(cond, yes, no, span));
                }
            }
        }
        let mut ir = out.pop().expect("one result");
        debug_assert!(out.is_empty());
        let flags = &self.p.flags;
        if flags.sticky || flags.anchored {
            let whole = Span::new(0, self.p.pattern.len());
            ir = Ir::concat(
                vec![Ir::look(Look::PrevMatchEnd, Span::empty(0)), ir],
                whole,
            );
        }
        Ok(Lowered {
            ir,
            notes: self.notes,
            captures: self.p.captures,
            flavor: self.flavor,
        })
    }

    /// Python: inline flags apply to the whole pattern wherever they are.
    fn python_global_flags(&mut self) {
        let mut stack = vec![&self.p.ast];
        while let Some(a) = stack.pop() {
            match &a.kind {
                AstKind::SetFlags(fc) => self.apply_flags(fc),
                AstKind::Group(g) => stack.push(&g.ast),
                AstKind::Repetition(r) => stack.push(&r.ast),
                AstKind::Alternation(v) | AstKind::Concat(v) => stack.extend(v.iter().rev()),
                AstKind::Conditional(c) => {
                    stack.push(&c.yes);
                    stack.extend(c.no.as_ref());
                }
                _ => {}
            }
        }
    }

    fn apply_flags(&mut self, fc: &FlagChange) {
        if fc.caret {
            self.mode.ignore_case = false;
            self.mode.multi_line = false;
            self.mode.dot_all = false;
        }
        for c in fc.on.chars() {
            self.mode.set(self.flavor, c, true);
        }
        for c in fc.off.chars() {
            self.mode.set(self.flavor, c, false);
        }
    }

    fn greed(&self, g: Greed) -> Greed {
        match (self.mode.ungreedy, g) {
            (true, Greed::Greedy) => Greed::Lazy,
            (true, Greed::Lazy) => Greed::Greedy,
            _ => g,
        }
    }

    fn visit(
        &mut self,
        ast: &'p Ast,
        work: &mut Vec<Work<'p>>,
        out: &mut Vec<Ir>,
    ) -> Result<(), Error> {
        let span = ast.span;
        let ir = match &ast.kind {
            AstKind::Empty => Ir::empty(span),
            AstKind::Literal(l) => self.literal(l, span),
            AstKind::Dot => self.leaf(LeafKey::Dot, span),
            AstKind::Assertion { kind } => self.assertion(*kind, span),
            AstKind::Perl(pc) => self.leaf(LeafKey::Perl(pc.kind, pc.negated), span),
            AstKind::Property(pr) => self.leaf(
                LeafKey::Prop(pr.name.clone(), pr.value.clone(), pr.negated),
                span,
            ),
            AstKind::Class(c) => self.class(c),
            AstKind::Group(g) => {
                let saved = self.mode;
                match &g.kind {
                    GroupKind::Flags(fc) => self.apply_flags(fc),
                    GroupKind::Capture { index, .. } => {
                        self.bracount = *index;
                        self.max_index = self.max_index.max(*index);
                    }
                    _ => {}
                }
                work.push(Work::Group {
                    kind: &g.kind,
                    span,
                    saved,
                });
                work.push(Work::Visit(&g.ast));
                return Ok(());
            }
            AstKind::Repetition(r) => {
                let greed = self.greed(r.greed);
                work.push(Work::Repeat {
                    min: r.min(),
                    max: r.max(),
                    greed,
                    span,
                });
                work.push(Work::Visit(&r.ast));
                return Ok(());
            }
            AstKind::Alternation(v) if self.flavor == Flavor::Ruby => {
                ruby_alts(None, v, span, work);
                return Ok(());
            }
            AstKind::Alternation(v) => {
                work.push(Work::Alt { span, n: v.len() });
                work.extend(v.iter().rev().map(Work::Visit));
                return Ok(());
            }
            AstKind::Concat(v) => {
                work.push(Work::Concat { span, n: v.len() });
                work.extend(v.iter().rev().map(Work::Visit));
                return Ok(());
            }
            AstKind::Backref(b) => self.backref(b, span)?,
            AstKind::Conditional(c) => {
                let saved = self.mode;
                let plan = match &c.condition {
                    Condition::Group(n) => CondPlan::Group(self.check_group(*n, span)?),
                    Condition::Name(name) => CondPlan::Group(self.resolve_name(name, span)?),
                    Condition::Assertion(_) => CondPlan::Look,
                    Condition::Recursion(s) if s == "DEFINE" => CondPlan::Define,
                    Condition::Recursion(s) => CondPlan::Recursion(s.clone()),
                };
                work.push(Work::Cond {
                    plan,
                    has_no: c.no.is_some(),
                    span,
                    saved,
                });
                if let Some(no) = &c.no {
                    work.push(Work::Visit(no));
                }
                work.push(Work::Visit(&c.yes));
                if let Condition::Assertion(a) = &c.condition {
                    work.push(Work::Visit(a));
                }
                return Ok(());
            }
            AstKind::SetFlags(fc) => {
                if self.flavor != Flavor::Python {
                    self.apply_flags(fc);
                }
                Ir::empty(span)
            }
            AstKind::Special(s) => self.special(s, span),
        };
        out.push(ir);
        Ok(())
    }

    /// CPython's parser rewrites a branch before compiling it (sre_parse
    /// `_parse_sub`): a first item common to every alternative is moved in
    /// front, and alternatives that are each one literal or one
    /// non-negated class become a single class. Both change how it
    /// backtracks (`(\d|[0-9])+` is linear there, `(a|a)*` is not).
    fn python_branch(&mut self, mut items: Vec<Ir>, span: Span) -> Ir {
        let seq = |ir: Ir| -> Vec<Ir> {
            match &ir.kind {
                IrKind::Empty => vec![],
                IrKind::Concat(_) => match ir.into_kind() {
                    IrKind::Concat(v) => v,
                    _ => unreachable!("checked above"),
                },
                _ => vec![ir],
            }
        };
        let mut seqs: Vec<Vec<Ir>> = items.drain(..).map(seq).collect();
        let mut prefix: Vec<Ir> = vec![];
        while let Some(first) = seqs.first().and_then(|s| s.first()) {
            // CPython compares parsed items, before case folding: compare
            // the source text.
            let text = |ir: &Ir| {
                self.p
                    .pattern
                    .get(ir.span.start..ir.span.end)
                    .unwrap_or("")
                    .to_string()
            };
            // Items holding a sub-pattern (groups, repeats, lookarounds,
            // branches) never compare equal there (`SubPattern` has no
            // `__eq__`), and equal text can differ under scoped flags.
            let leaf = matches!(
                first.kind,
                IrKind::Class(_) | IrKind::Look(_) | IrKind::Backref { .. }
            );
            let key = text(first);
            if !leaf
                || key.is_empty()
                || !seqs.iter().all(|s| {
                    s.first()
                        .is_some_and(|f| text(f) == key && f.kind == first.kind)
                })
            {
                break;
            }
            let mut taken = None;
            for s in &mut seqs {
                let f = s.remove(0);
                taken.get_or_insert(f);
            }
            prefix.extend(taken);
        }
        // One literal or non-negated class per alternative: one class.
        let foldable = seqs.len() > 1
            && seqs.iter().all(|s| {
                s.len() == 1 && matches!(s[0].kind, IrKind::Class(_)) && {
                    let text = self
                        .p
                        .pattern
                        .get(s[0].span.start..s[0].span.end)
                        .unwrap_or("");
                    !text.starts_with("[^") && text != "."
                }
            });
        let branch = if foldable {
            let mut set = CharSet::empty();
            for s in &seqs {
                if let IrKind::Class(c) = &s[0].kind {
                    set = set.union(c);
                }
            }
            Ir::class(set, span)
        } else {
            Ir::alt(
                seqs.into_iter().map(|s| Ir::concat(s, span)).collect(),
                span,
            )
        };
        prefix.push(branch);
        Ir::concat(prefix, span)
    }

    fn finish_group(&mut self, kind: &GroupKind, sub: Ir, span: Span) -> Ir {
        match kind {
            GroupKind::Capture { index, name } => {
                Ir::capture(*index, name.as_ref().map(|n| n.name.clone()), sub, span)
            }
            GroupKind::NonCapture | GroupKind::Flags(_) => sub,
            GroupKind::BranchReset => {
                self.bracount = self.max_index;
                sub
            }
            GroupKind::Atomic => Ir::atomic(sub, span),
            GroupKind::Lookahead { negated } => Ir::look_around(false, *negated, sub, span),
            GroupKind::Lookbehind { negated } => Ir::look_around(true, *negated, sub, span),
            GroupKind::Absent => Ir::unsupported("absence operator (?~...)", span),
        }
    }

    // ----- backreferences -----

    fn check_group(&self, n: u32, span: Span) -> Result<u32, Error> {
        if n == 0 || n > self.p.captures {
            return Err(self.error(span, format!("reference to non-existent group {n}")));
        }
        Ok(n)
    }

    fn resolve_name(&mut self, name: &str, span: Span) -> Result<u32, Error> {
        let mut found = self
            .p
            .names
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, i)| *i);
        let Some(first) = found.next() else {
            return Err(self.error(
                span,
                format!("reference to non-existent group name '{name}'"),
            ));
        };
        if found.any(|i| i != first) {
            self.note(
                span,
                format!(
                    "several groups are named '{name}'; the reference is taken to group {first}"
                ),
            );
        }
        self.check_group(first, span)
    }

    fn backref(&mut self, b: &Backref, span: Span) -> Result<Ir, Error> {
        let n = match &b.target {
            BackrefTarget::Number(n) => *n,
            BackrefTarget::Name(name) => self.resolve_name(name, span)?,
            BackrefTarget::Relative(r) => {
                let base = i64::from(self.bracount);
                let n = if *r < 0 {
                    base + 1 + i64::from(*r)
                } else {
                    base + i64::from(*r)
                };
                if n < 1 || n > i64::from(u32::MAX) {
                    return Err(self.error(span, format!("relative reference {r} to no group")));
                }
                n as u32
            }
        };
        let n = self.check_group(n, span)?;
        Ok(Ir::backref(
            n,
            self.mode.ignore_case,
            self.mode.folding(self.flavor),
            span,
        ))
    }

    // ----- characters -----

    /// A scalar value for a code point (lone surrogates become U+FFFD).
    fn scalar(&mut self, c: u32, span: Span) -> char {
        match char::from_u32(c) {
            Some(c) => c,
            None => {
                self.note(
                    span,
                    format!("lone surrogate U+{c:04X} cannot be represented; U+FFFD stands for it"),
                );
                '\u{FFFD}'
            }
        }
    }

    /// The set a character matches, with case folding if it is on.
    fn char_set(&mut self, c: char) -> CharSet {
        if !self.mode.ignore_case {
            return CharSet::char(c);
        }
        let folding = self.mode.folding(self.flavor);
        if let Some(v) = self.chars.get(&(c, folding)) {
            return v.clone();
        }
        let one = ClassUnicode::new([range(c, c)]);
        let v = CharSet::from_class(self.folder.fold(&one, folding));
        self.chars.insert((c, folding), v.clone());
        v
    }

    fn literal(&mut self, l: &Literal, span: Span) -> Ir {
        let c = self.scalar(l.c, span);
        Ir::class(self.char_set(c), span)
    }

    /// Case-folds a class if case-insensitivity is on.
    fn fold(&mut self, set: ClassUnicode) -> ClassUnicode {
        if !self.mode.ignore_case {
            return set;
        }
        let folding = self.mode.folding(self.flavor);
        self.folder.fold(&set, folding)
    }

    fn rs(&mut self, text: &str) -> Option<ClassUnicode> {
        if let Some(v) = self.rs_memo.get(text) {
            return v.clone();
        }
        let v = sets::rs(text);
        self.rs_memo.insert(text.to_string(), v.clone());
        v
    }

    fn rs_known(&mut self, text: &str) -> ClassUnicode {
        self.rs(text)
            .unwrap_or_else(|| panic!("regex-syntax rejects built-in class {text}"))
    }

    fn leaf(&mut self, key: LeafKey, span: Span) -> Ir {
        match self.leaf_set(key, span) {
            Ok(set) => Ir::class(set, span),
            Err(what) => Ir::unsupported(what, span),
        }
    }

    /// The final (folded, negated) set of a leaf, noting approximations at
    /// `span`; `Err` for an unsupported property of strings.
    fn leaf_set(&mut self, key: LeafKey, span: Span) -> Result<CharSet, String> {
        let k = (key, self.mode);
        let v = match self.leaves.get(&k) {
            Some(v) => v.clone(),
            None => {
                let v = self.compute_leaf(&k.0);
                self.leaves.insert(k, v.clone());
                v
            }
        };
        match v {
            LeafVal::Set(set, note) => {
                if let Some(m) = note {
                    self.note(span, m);
                }
                Ok(set)
            }
            LeafVal::Unsupported(what) => Err(what),
        }
    }

    fn compute_leaf(&mut self, key: &LeafKey) -> LeafVal {
        let (raw, negated, note) = match key {
            LeafKey::Dot => {
                let set = if self.mode.dot_all {
                    CharSet::any()
                } else {
                    let t = match self.flavor {
                        Flavor::Js | Flavor::Java | Flavor::Rust => {
                            self.mode.terminators(self.flavor)
                        }
                        _ => Terminators::Lf,
                    };
                    t.set().negate()
                };
                return LeafVal::Set(set, None);
            }
            LeafKey::Perl(kind, negated) => (self.perl_raw(*kind), *negated, None),
            LeafKey::Posix(name, negated) => match self.posix_raw(name) {
                Some(c) => (c, *negated, None),
                None => {
                    let m = format!("unknown POSIX class [:{name}:]: any character is assumed");
                    return LeafVal::Set(CharSet::any(), Some(m));
                }
            },
            LeafKey::Prop(name, value, negated) => {
                match self.property_raw(name, value.as_deref()) {
                    PropOut::Set(c, note) => (c, *negated, note),
                    PropOut::Strings(what) => return LeafVal::Unsupported(what),
                    PropOut::Unknown(m) => return LeafVal::Set(CharSet::any(), Some(m)),
                }
            }
        };
        // Java and PCRE apply case-insensitivity to literals and ranges only
        // (their case properties are handled when resolving them).
        let mut set = if matches!(self.flavor, Flavor::Java | Flavor::Pcre) {
            raw
        } else {
            self.fold(raw)
        };
        if negated {
            set.negate();
        }
        LeafVal::Set(CharSet::from_class(set), note)
    }

    fn word_class(&mut self) -> ClassUnicode {
        if !self.mode.unicode {
            return class_of(sets::ASCII_WORD);
        }
        let text = match self.flavor {
            Flavor::Js | Flavor::Go => return class_of(sets::ASCII_WORD),
            Flavor::Python => r"[\p{L}\p{N}_]",
            Flavor::Java | Flavor::Rust => r"\w",
            Flavor::Pcre => r"[\p{L}\p{N}\p{Mn}\p{Pc}_]",
            Flavor::Ruby => r"[\p{L}\p{M}\p{N}\p{Pc}]",
            Flavor::Dotnet => r"[\p{L}\p{Mn}\p{Nd}\p{Pc}]",
        };
        self.rs_known(text)
    }

    /// The positive set of a shorthand, before folding.
    fn perl_raw(&mut self, kind: PerlKind) -> ClassUnicode {
        let uni = self.mode.unicode;
        match kind {
            PerlKind::Digit => match self.flavor {
                Flavor::Js | Flavor::Go => class_of(sets::ASCII_DIGIT),
                _ if uni => self.rs_known(r"\p{Nd}"),
                _ => class_of(sets::ASCII_DIGIT),
            },
            PerlKind::Word => self.word_class(),
            PerlKind::Space => match self.flavor {
                Flavor::Js => class_of(sets::JS_SPACE),
                Flavor::Go => class_of(sets::GO_SPACE),
                _ if !uni => class_of(sets::ASCII_SPACE),
                Flavor::Python => class_of(sets::PY_SPACE),
                Flavor::Java | Flavor::Rust => self.rs_known(r"\p{White_Space}"),
                Flavor::Pcre => {
                    let mut c = self.rs_known(r"\p{Z}");
                    c.union(&class_of(sets::HSPACE));
                    c.union(&class_of(sets::VSPACE));
                    c
                }
                Flavor::Ruby | Flavor::Dotnet => self.rs_known(r"[\p{Z}\t-\r\x85]"),
            },
            PerlKind::HorizontalSpace => class_of(sets::HSPACE),
            PerlKind::VerticalSpace => class_of(sets::VSPACE),
            PerlKind::NotNewline => class_of(&[(0, 0x09), (0x0B, 0x10FFFF)]),
            PerlKind::HexDigit => class_of(sets::HEX_DIGIT),
        }
    }

    fn posix_raw(&mut self, name: &str) -> Option<ClassUnicode> {
        let mut n = name.to_ascii_lowercase();
        // PCRE2: "if matching is caseless, upper and lower are converted to
        // alpha".
        if self.flavor == Flavor::Pcre && self.mode.ignore_case && (n == "lower" || n == "upper") {
            n = "alpha".to_string();
        }
        let text = match self.flavor {
            Flavor::Ruby if !self.mode.ruby_ascii => sets::posix_ruby(&n),
            Flavor::Pcre if self.mode.unicode => sets::posix_pcre_ucp(&n),
            Flavor::Java if self.mode.unicode => sets::posix_java_unicode(&n),
            _ => None,
        };
        match text {
            Some(t) => Some(self.rs_known(t)),
            None => sets::posix_ascii(&n),
        }
    }

    /// `\p{name}` or `\p{name=value}` through regex-syntax.
    fn rs_property(&mut self, name: &str, value: Option<&str>) -> Option<ClassUnicode> {
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '-' | '.'))
        };
        if !ok(name) || !value.is_none_or(ok) {
            return None;
        }
        let text = match value {
            Some(v) => format!(r"\p{{{name}={v}}}"),
            None => format!(r"\p{{{name}}}"),
        };
        self.rs(&text)
    }

    fn block(&mut self, name: &str) -> PropOut {
        if let Some((a, b)) = super::blocks::find(&loose(name)) {
            return PropOut::Set(class_of(&[(a, b)]), None);
        }
        if let Some(c) = self.rs_property("sc", Some(name)) {
            let m =
                format!("Unicode block '{name}' is approximated by the script of the same name");
            return PropOut::Set(c, Some(m));
        }
        PropOut::Unknown(format!(
            "unknown Unicode block '{name}': any character is assumed"
        ))
    }

    fn unknown_property(name: &str, value: Option<&str>) -> PropOut {
        let shown = match value {
            Some(v) => format!("{name}={v}"),
            None => name.to_string(),
        };
        PropOut::Unknown(format!(
            "unknown property \\p{{{shown}}}: any character is assumed"
        ))
    }

    fn generic_property(&mut self, name: &str, value: Option<&str>) -> PropOut {
        match self.rs_property(name, value) {
            Some(c) => PropOut::Set(c, None),
            None => Lowerer::unknown_property(name, value),
        }
    }

    /// The positive set of a property, before folding.
    fn property_raw(&mut self, name: &str, value: Option<&str>) -> PropOut {
        let n = loose(name);
        match self.flavor {
            Flavor::Java => return self.java_property(name, value),
            Flavor::Dotnet if value.is_none() => {
                if let Some(rest) = name.strip_prefix("Is") {
                    return self.block(rest);
                }
            }
            Flavor::Ruby if value.is_none() => {
                if let Some(rest) = name.strip_prefix("In_") {
                    return self.block(rest);
                }
                if let Some(t) = sets::posix_ruby(&n) {
                    return PropOut::Set(self.rs_known(t), None);
                }
            }
            Flavor::Pcre => {
                let text = match (n.as_str(), value) {
                    ("xan", None) => Some(r"[\p{L}\p{N}]"),
                    ("xps" | "xsp", None) => Some(r"[\p{Z}\t-\r]"),
                    ("xwd", None) => Some(r"[\p{L}\p{N}_]"),
                    ("xuc", None) => Some(r"[$@`\xA0-\x{D7FF}\x{E000}-\x{10FFFF}]"),
                    ("l&", None) => Some(r"\p{LC}"),
                    _ => None,
                };
                if let Some(t) = text {
                    return PropOut::Set(self.rs_known(t), None);
                }
                if let Some(v) = value {
                    if matches!(n.as_str(), "bc" | "bidiclass") {
                        return Lowerer::unknown_property(name, Some(v));
                    }
                }
            }
            Flavor::Js if value.is_none() && JS_STRING_PROPERTIES.contains(&name) => {
                return PropOut::Strings(format!("property of strings \\p{{{name}}}"));
            }
            _ => {}
        }
        self.generic_property(name, value)
    }

    fn java_property(&mut self, name: &str, value: Option<&str>) -> PropOut {
        if let Some(v) = value {
            return match loose(name).as_str() {
                "gc" | "generalcategory" if self.mode.ignore_case => match loose(v).as_str() {
                    "lu" | "ll" | "lt" => PropOut::Set(self.rs_known(r"\p{LC}"), None),
                    _ => self.generic_property("gc", Some(v)),
                },
                "gc" | "generalcategory" => self.generic_property("gc", Some(v)),
                "sc" | "script" => self.generic_property("sc", Some(v)),
                "blk" | "block" => self.block(v),
                _ => self.generic_property(name, Some(v)),
            };
        }
        let n = loose(name);
        if self.mode.ignore_case {
            // java.util.regex.CharPredicates: under CASE_INSENSITIVE the case
            // properties match every cased letter.
            let bare = loose(name.strip_prefix("Is").unwrap_or(name));
            let text = match (n.as_str(), bare.as_str()) {
                (_, "lu" | "ll" | "lt") => Some(r"\p{LC}"),
                ("lower" | "upper", _) if !self.mode.unicode => Some(r"[A-Za-z]"),
                ("lower" | "upper" | "javalowercase" | "javauppercase" | "javatitlecase", _)
                | (_, "lowercase" | "uppercase" | "titlecase") => {
                    Some(r"[\p{Lowercase}\p{Uppercase}\p{Lt}]")
                }
                _ => None,
            };
            if let Some(t) = text {
                return PropOut::Set(self.rs_known(t), None);
            }
        }
        if JAVA_POSIX.contains(&n.as_str()) {
            let set = match sets::posix_java_unicode(&n) {
                Some(t) if self.mode.unicode => self.rs_known(t),
                _ => sets::posix_ascii(&n).expect("POSIX name"),
            };
            return PropOut::Set(set, None);
        }
        if n.starts_with("java") {
            return match sets::java_method(&n) {
                Some(t) => PropOut::Set(self.rs_known(t), None),
                None => Lowerer::unknown_property(name, None),
            };
        }
        if let Some(rest) = name.strip_prefix("In") {
            return self.block(rest);
        }
        let bare = name.strip_prefix("Is").unwrap_or(name);
        match loose(bare).as_str() {
            "all" => PropOut::Set(CharSet::any().to_class(), None),
            "l1" => PropOut::Set(class_of(&[(0, 0xFF)]), None),
            "ld" => PropOut::Set(self.rs_known(r"[\p{L}\p{Nd}]"), None),
            "l&" => PropOut::Set(self.rs_known(r"\p{LC}"), None),
            _ => self.generic_property(bare, None),
        }
    }

    // ----- assertions and specials -----

    fn assertion(&mut self, kind: AssertionKind, span: Span) -> Ir {
        let (fl, m) = (self.flavor, self.mode);
        let t = m.terminators(fl);
        let line_mode = fl == Flavor::Ruby || m.multi_line;
        let at_end = match fl {
            Flavor::Pcre | Flavor::Ruby => LineStartAtEnd::OnlyEmpty,
            Flavor::Java => LineStartAtEnd::Never,
            _ => LineStartAtEnd::Yes,
        };
        let word = m.word_chars(fl);
        let look = match kind {
            AssertionKind::Caret if line_mode => Look::StartLine {
                terminators: t,
                at_end,
            },
            AssertionKind::Caret => Look::StartText,
            AssertionKind::Dollar if line_mode => Look::EndLine { terminators: t },
            AssertionKind::Dollar => match fl {
                Flavor::Js | Flavor::Rust | Flavor::Go => Look::EndText,
                Flavor::Pcre if self.p.flags.dollar_endonly => Look::EndText,
                _ => Look::EndTextOptionalNewline { terminators: t },
            },
            AssertionKind::StartText => Look::StartText,
            AssertionKind::EndText => Look::EndText,
            // Python's `\Z` is the very end.
            AssertionKind::EndTextOptionalNewline if fl == Flavor::Python => Look::EndText,
            AssertionKind::EndTextOptionalNewline => {
                Look::EndTextOptionalNewline { terminators: t }
            }
            AssertionKind::WordBoundary => Look::WordBoundary { word },
            AssertionKind::NotWordBoundary => Look::NotWordBoundary { word },
            AssertionKind::WordStart => Look::WordStart { word },
            AssertionKind::WordEnd => Look::WordEnd { word },
            AssertionKind::WordStartHalf => Look::WordStartHalf { word },
            AssertionKind::WordEndHalf => Look::WordEndHalf { word },
            AssertionKind::PrevMatchEnd => Look::PrevMatchEnd,
        };
        Ir::look(look, span)
    }

    fn special(&mut self, s: &Special, span: Span) -> Ir {
        match s {
            Special::KeepOut => Ir::unsupported("\\K", span),
            Special::LineBreak => {
                let crlf = Ir::concat(vec![Ir::char('\r', span), Ir::char('\n', span)], span);
                let single: &[(u32, u32)] = if self.mode.bsr_anycrlf {
                    &[(0x0A, 0x0A), (0x0D, 0x0D)]
                } else {
                    sets::VSPACE
                };
                let one = Ir::class(CharSet::from_class(class_of(single)), span);
                Ir::atomic(Ir::alt(vec![crlf, one], span), span)
            }
            Special::Grapheme => Ir::unsupported("\\X (extended grapheme cluster)", span),
            Special::AnyByte => Ir::unsupported("\\C (one code unit)", span),
            Special::GraphemeBoundary => Ir::unsupported("\\b{g} (grapheme boundary)", span),
            Special::Recursion(r) => Ir::unsupported(format!("recursion {r}"), span),
            Special::Verb(v) => self.verb(v, span),
            Special::Callout(c) => Ir::unsupported(format!("callout {c}"), span),
        }
    }

    fn verb(&mut self, v: &str, span: Span) -> Ir {
        let inner = v
            .trim_start_matches('(')
            .trim_start_matches('*')
            .trim_end_matches(')');
        let (name, arg) = match inner.find([':', '=']) {
            Some(i) => (&inner[..i], Some(&inner[i + 1..])),
            None => (inner, None),
        };
        match name.to_ascii_uppercase().as_str() {
            "FAIL" | "F" => Ir::fail(span),
            "MARK" => Ir::empty(span),
            "" if arg.is_some() => Ir::empty(span),
            "UTF" | "UTF8" | "UTF16" | "UTF32" => {
                self.mode.unicode_case = true;
                Ir::empty(span)
            }
            "UCP" => {
                self.mode.unicode = true;
                Ir::empty(span)
            }
            "BSR_ANYCRLF" => {
                self.mode.bsr_anycrlf = true;
                Ir::empty(span)
            }
            "LF" | "BSR_UNICODE" | "NO_AUTO_POSSESS" | "NO_START_OPT" | "NO_DOTSTAR_ANCHOR"
            | "NO_JIT" | "LIMIT_MATCH" | "LIMIT_DEPTH" | "LIMIT_HEAP" | "LIMIT_RECURSION" => {
                Ir::empty(span)
            }
            "CR" | "CRLF" | "ANYCRLF" | "ANY" | "NUL" => {
                self.note(
                    span,
                    format!("newline convention {v} is not modelled; \\n is assumed"),
                );
                Ir::empty(span)
            }
            "NOTEMPTY" | "NOTEMPTY_ATSTART" => {
                self.note(
                    span,
                    format!("{v} is not modelled: empty matches are assumed allowed"),
                );
                Ir::empty(span)
            }
            _ => Ir::unsupported(format!("backtracking control verb {v}"), span),
        }
    }

    // ----- bracketed classes -----

    /// A class range, with lone surrogate ends clamped (and U+FFFD added).
    fn class_range(&mut self, a: u32, b: u32, span: Span, out: &mut Vec<ClassUnicodeRange>) {
        if let (Some(x), Some(y)) = (char::from_u32(a), char::from_u32(b)) {
            out.push(range(x, y));
            return;
        }
        self.note(
            span,
            format!(
                "range U+{a:04X}-U+{b:04X} has a lone surrogate end, which cannot be \
                 represented; U+FFFD stands for the surrogates"
            ),
        );
        out.push(range('\u{FFFD}', '\u{FFFD}'));
        let clamp_lo = |c: u32| {
            if (0xD800..=0xDFFF).contains(&c) {
                0xE000
            } else {
                c.min(0x10FFFF)
            }
        };
        let clamp_hi = |c: u32| {
            if (0xD800..=0xDFFF).contains(&c) {
                0xD7FF
            } else {
                c.min(0x10FFFF)
            }
        };
        let (lo, hi) = (clamp_lo(a.min(b)), clamp_hi(a.max(b)));
        if lo <= hi {
            if let (Some(x), Some(y)) = (char::from_u32(lo), char::from_u32(hi)) {
                out.push(range(x, y));
            }
        }
    }

    /// The leaves of a union; nested classes are returned for evaluation.
    fn union_leaves(&mut self, items: &'p [crate::ast::ClassItem]) -> (CVal, Vec<&'p Class>) {
        let mut raw: Vec<ClassUnicodeRange> = Vec::new();
        let mut done: Vec<ClassUnicodeRange> = Vec::new();
        let mut strings = BTreeSet::new();
        let mut unsupported = None;
        let mut nested = Vec::new();
        let mut seen = HashSet::new();
        for item in items {
            let span = item.span;
            let key = match &item.kind {
                ClassItemKind::Literal(l) => {
                    let c = self.scalar(l.c, span);
                    raw.push(range(c, c));
                    continue;
                }
                ClassItemKind::Range { start, end }
                    if self.flavor == Flavor::Java && self.mode.ignore_case =>
                {
                    let mut r = Vec::new();
                    self.class_range(start.c, end.c, span, &mut r);
                    let set = self.java_range_ci(ClassUnicode::new(r));
                    done.extend_from_slice(set.ranges());
                    continue;
                }
                ClassItemKind::Range { start, end } => {
                    self.class_range(start.c, end.c, span, &mut raw);
                    continue;
                }
                ClassItemKind::Nested(c) => {
                    nested.push(&**c);
                    continue;
                }
                ClassItemKind::Strings(alts) => {
                    for alt in alts {
                        let s: Vec<char> = alt.iter().map(|l| self.scalar(l.c, span)).collect();
                        if let [c] = s[..] {
                            raw.push(range(c, c));
                        } else {
                            strings.insert(self.canonical_string(s));
                        }
                    }
                    continue;
                }
                ClassItemKind::Perl(p) => LeafKey::Perl(p.kind, p.negated),
                ClassItemKind::Property(p) => {
                    LeafKey::Prop(p.name.clone(), p.value.clone(), p.negated)
                }
                ClassItemKind::Posix { name, negated } => LeafKey::Posix(name.clone(), *negated),
            };
            // The same shorthand or property many times over adds its
            // ranges once.
            let fresh = seen.insert(key.clone());
            match self.leaf_set(key, span) {
                Ok(set) if fresh => done.extend_from_slice(set.as_class().ranges()),
                Ok(_) => {}
                Err(what) => unsupported = Some(what),
            }
        }
        let mut set = self.fold(ClassUnicode::new(raw));
        if !done.is_empty() {
            done.extend_from_slice(set.ranges());
            set = ClassUnicode::new(done);
        }
        (
            CVal {
                set,
                strings,
                unsupported,
            },
            nested,
        )
    }

    /// Java's case-insensitive range: `c` matches when `c`, its upper case
    /// or its lower case is in the range (not symmetric: `[\u212A-\u212B]`
    /// does not match `k`, though `[\u212A]` does).
    fn java_range_ci(&mut self, range_set: ClassUnicode) -> ClassUnicode {
        if !self.mode.unicode_case {
            return self.folder.fold(&range_set, Folding::Ascii);
        }
        let mut candidates = self.folder.fold(&range_set, Folding::SimpleDottedI);
        candidates.difference(&range_set);
        let contains = |c: char| {
            let rs = range_set.ranges();
            let i = rs.partition_point(|r| r.end() < c);
            i < rs.len() && rs[i].start() <= c
        };
        let mut extra = Vec::new();
        for x in candidates.ranges() {
            for c in x.start()..=x.end() {
                if contains(simple_upper(c)) || contains(simple_lower(c)) {
                    extra.push(range(c, c));
                }
            }
        }
        let mut out = range_set.clone();
        out.union(&ClassUnicode::new(extra));
        out
    }

    /// A string of a class, with case-insensitive equality made equality.
    fn canonical_string(&mut self, s: Vec<char>) -> Vec<char> {
        if !self.mode.ignore_case {
            return s;
        }
        let folding = self.mode.folding(self.flavor);
        s.into_iter()
            .map(|c| self.folder.canonical(c, folding))
            .collect()
    }

    fn class(&mut self, class: &'p Class) -> Ir {
        let mut tasks = vec![CTask::Class(class)];
        let mut vals: Vec<CVal> = Vec::new();
        while let Some(t) = tasks.pop() {
            match t {
                CTask::Class(c) => {
                    tasks.push(CTask::Negate(c.negated, c.span));
                    tasks.push(CTask::Set(&c.set));
                }
                CTask::Set(ClassSet::Union { items }) => {
                    let (base, nested) = self.union_leaves(items);
                    tasks.push(CTask::Union {
                        base,
                        n: nested.len(),
                    });
                    tasks.extend(nested.into_iter().map(CTask::Class));
                }
                CTask::Set(ClassSet::Op { op, lhs, rhs }) => {
                    tasks.push(CTask::Op(*op));
                    tasks.push(CTask::Set(rhs));
                    tasks.push(CTask::Set(lhs));
                }
                CTask::Union { mut base, n } => {
                    if n > 0 {
                        let parts = vals.split_off(vals.len() - n);
                        let mut ranges = base.set.ranges().to_vec();
                        for p in parts {
                            ranges.extend_from_slice(p.set.ranges());
                            base.strings.extend(p.strings);
                            base.unsupported = base.unsupported.or(p.unsupported);
                        }
                        base.set = ClassUnicode::new(ranges);
                    }
                    vals.push(base);
                }
                CTask::Op(op) => {
                    let r = vals.pop().expect("rhs");
                    let mut l = vals.pop().expect("lhs");
                    match op {
                        ClassOp::Intersection => {
                            l.set.intersect(&r.set);
                            l.strings.retain(|s| r.strings.contains(s));
                        }
                        ClassOp::Subtraction => {
                            l.set.difference(&r.set);
                            l.strings.retain(|s| !r.strings.contains(s));
                        }
                        ClassOp::SymmetricDifference => {
                            l.set.symmetric_difference(&r.set);
                            let both: BTreeSet<Vec<char>> =
                                l.strings.intersection(&r.strings).cloned().collect();
                            l.strings.extend(r.strings);
                            l.strings.retain(|s| !both.contains(s));
                        }
                    }
                    l.unsupported = l.unsupported.or(r.unsupported);
                    vals.push(l);
                }
                CTask::Negate(negated, span) => {
                    if negated {
                        let v = vals.last_mut().expect("class value");
                        if !v.strings.is_empty() {
                            v.strings.clear();
                            self.note(span, "strings in a negated class are ignored");
                        }
                        v.set.negate();
                    }
                }
            }
        }
        let v = vals.pop().expect("class value");
        let span = class.span;
        if let Some(what) = v.unsupported {
            return Ir::unsupported(what, span);
        }
        if v.strings.is_empty() {
            return Ir::class(CharSet::from_class(v.set), span);
        }
        // JS `v` mode: the longest strings first, then single characters,
        // then the empty string.
        let mut strings: Vec<Vec<char>> = v.strings.into_iter().collect();
        strings.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut alts = Vec::with_capacity(strings.len() + 2);
        let mut has_empty = false;
        for s in strings {
            if s.is_empty() {
                has_empty = true;
                continue;
            }
            let chars = s
                .into_iter()
                .map(|c| Ir::class(self.char_set(c), span))
                .collect();
            alts.push(Ir::concat(chars, span));
        }
        if !v.set.ranges().is_empty() {
            alts.push(Ir::class(CharSet::from_class(v.set), span));
        }
        if has_empty {
            alts.push(Ir::empty(span));
        }
        Ir::alt(alts, span)
    }
}
