//! The walk over a syntax tree shared by every language: constants, the
//! evaluation of pattern arguments, positions, and the results.

use crate::decode::{DecodeError, Decoded};
use crate::langs;
use crate::{ExtractError, Extracted, Language};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use tree_sitter::{Node, Parser};

/// How deep names and concatenations are followed: bounds the recursion of
/// [`Ctx::eval`] on long `a + b + …` chains and on `A = B; B = A`.
const MAX_EVAL_DEPTH: u32 = 48;

/// The flags of one regex use, as far as they were resolved.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flags {
    /// Letters in the flavor's spelling.
    pub letters: String,
    /// .NET `RegexOptions.NonBacktracking`.
    pub linear: bool,
    /// Java `Pattern.LITERAL`: the text is not a regex at all.
    pub literal: bool,
}

impl Flags {
    pub(crate) fn add(&mut self, letter: char) {
        if !self.letters.contains(letter) {
            self.letters.push(letter);
        }
    }

    pub(crate) fn union(&mut self, other: Flags) {
        for c in other.letters.chars() {
            self.add(c);
        }
        self.linear |= other.linear;
        self.literal |= other.literal;
    }
}

/// What a language module found at one node: a regex use.
pub(crate) struct Use<'t> {
    /// The node giving the pattern (a literal, a name, a concatenation).
    pub pattern: Node<'t>,
    /// The flags, or the text of a flags expression that was not resolved.
    pub flags: Result<Flags, String>,
    pub flavor: Flavor,
    pub mode: Option<Mode>,
    pub api: String,
    pub linear: bool,
}

pub(crate) struct Ctx<'t> {
    pub src: &'t str,
    pub lang: Language,
    /// Names bound once in the file to a value; `None` when bound twice.
    consts: HashMap<&'t str, Option<Node<'t>>>,
    line_starts: Vec<usize>,
    /// The last (line, offset, 0-based column) computed by `position`.
    last_position: (usize, usize, usize),
    out: Vec<Extracted>,
    errors: Vec<ExtractError>,
    /// Rust: what a bare `Regex` names, from the file's `use` items.
    pub rust_regex_crate: langs::rust::Crate,
    /// Python: `from re import compile as c` maps `c` to `compile`.
    pub python_re_imports: HashMap<&'t str, &'t str>,
}

impl<'t> Ctx<'t> {
    /// The source text of a node.
    pub fn text(&self, n: Node<'_>) -> &'t str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    /// Records `name` as bound to `value`; a second binding makes it unknown.
    pub fn bind(&mut self, name: &'t str, value: Option<Node<'t>>) {
        self.consts
            .entry(name)
            .and_modify(|v| *v = None)
            .or_insert(value);
    }

    /// The value a name is bound to, if bound exactly once.
    pub fn lookup(&self, name: &str) -> Option<Node<'t>> {
        self.consts.get(name).copied().flatten()
    }

    /// (line, column), 1-based, column in characters.
    ///
    /// Columns are counted from the last position asked for when it is on
    /// the same line and before `offset`, so that many regexes on one long
    /// line (minified code) cost linear time, not quadratic.
    pub fn position(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.src.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let (from, base) = match self.last_position {
            (l, at, col) if l == line && at <= offset => (at, col),
            _ => (start, 0),
        };
        let col = base
            + self
                .src
                .get(from..offset)
                .map_or(offset - from, |s| s.chars().count());
        self.last_position = (line, offset, col);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col + 1).unwrap_or(u32::MAX),
        )
    }

    pub fn error(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = self.position(offset);
        self.errors.push(ExtractError {
            line,
            column,
            message: message.into(),
        });
    }

    fn decode_error(&mut self, e: DecodeError) {
        self.error(e.at, e.message);
    }

    /// The string value of an expression: a literal, a concatenation of
    /// them, or a name bound to one. `Ok(None)` when it is something else.
    pub fn eval(&self, n: Node<'t>) -> Result<Option<Decoded>, DecodeError> {
        self.eval_depth(n, 0)
    }

    fn eval_depth(&self, n: Node<'t>, depth: u32) -> Result<Option<Decoded>, DecodeError> {
        if depth > MAX_EVAL_DEPTH {
            return Ok(None);
        }
        if let Some(lit) = langs::literal(self, n) {
            return lit;
        }
        match n.kind() {
            // C# and PHP wrap each argument; a C# named argument has its
            // name first.
            "parenthesized_expression"
            | "parenthesized_statements"
            | "argument"
            | "attribute_argument" => match args(n).last() {
                Some(c) => self.eval_depth(*c, depth + 1),
                None => Ok(None),
            },
            "concatenated_string" => {
                let mut acc: Option<Decoded> = None;
                for c in named(n) {
                    if is_comment(c) {
                        continue;
                    }
                    let Some(d) = self.eval_depth(c, depth + 1)? else {
                        return Ok(None);
                    };
                    match &mut acc {
                        Some(a) => a.concat(d),
                        None => acc = Some(d),
                    }
                }
                Ok(acc)
            }
            "binary_expression" | "binary_operator" | "binary" => {
                let (Some(l), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return Ok(None);
                };
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| self.text(o))
                    .unwrap_or_else(|| operator_between(self, l, r));
                let concat = if self.lang == Language::Php { "." } else { "+" };
                if op != concat {
                    return Ok(None);
                }
                let Some(mut a) = self.eval_depth(l, depth + 1)? else {
                    return Ok(None);
                };
                let Some(b) = self.eval_depth(r, depth + 1)? else {
                    return Ok(None);
                };
                a.concat(b);
                Ok(Some(a))
            }
            "identifier" | "constant" | "name" | "variable_name" => match self.lookup(self.text(n))
            {
                Some(v) => self.eval_depth(v, depth + 1),
                None => Ok(None),
            },
            // TypeScript `"…" as const`, `"…" satisfies string`, `x!`.
            "as_expression" | "satisfies_expression" | "non_null_expression" => {
                match args(n).first() {
                    Some(c) => self.eval_depth(*c, depth + 1),
                    None => Ok(None),
                }
            }
            // `&"…"` (Rust), `"…".to_string()` is not followed.
            "reference_expression" => match n.child_by_field_name("value") {
                Some(v) => self.eval_depth(v, depth + 1),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// Records a regex use found by a language module.
    pub fn record(&mut self, u: Use<'t>) {
        let value = match self.eval(u.pattern) {
            Ok(Some(v)) => v,
            Ok(None) => return,
            Err(e) => return self.decode_error(e),
        };
        let flags = match u.flags {
            Ok(f) => f,
            Err(text) => {
                let at = u.pattern.start_byte();
                self.error(
                    at,
                    format!(
                        "{}: flags `{}` could not be resolved; extracted without them",
                        u.api, text
                    ),
                );
                Flags::default()
            }
        };
        if flags.literal {
            return;
        }
        let mut value = value;
        let mut letters = flags.letters;
        if u.flavor == Flavor::Pcre && self.lang == Language::Php {
            match langs::php::split_delimiters(&value) {
                Ok((pattern, modifiers)) => {
                    value = pattern;
                    letters = modifiers;
                }
                Err(e) => return self.decode_error(e),
            }
        }
        self.push(
            value,
            letters,
            u.flavor,
            u.mode,
            u.api,
            u.linear || flags.linear,
        );
    }

    /// Records a regex whose text is already known (regex literals).
    pub fn push(
        &mut self,
        value: Decoded,
        flags: String,
        flavor: Flavor,
        mode: Option<Mode>,
        api: String,
        linear_engine: bool,
    ) {
        let byte_range = value.range();
        let verbatim = self.src.get(byte_range.clone()) == Some(value.text.as_str());
        let (line, column) = self.position(byte_range.start);
        self.out.push(Extracted {
            pattern: value.text,
            flags,
            flavor,
            mode,
            api,
            line,
            column,
            byte_range,
            verbatim,
            linear_engine,
        });
    }
}

/// The operator token between two operands, for grammars without an
/// `operator` field.
fn operator_between<'t>(ctx: &Ctx<'t>, l: Node<'t>, r: Node<'t>) -> &'t str {
    ctx.src
        .get(l.end_byte()..r.start_byte())
        .map_or("", str::trim)
}

/// The named children of a node.
pub(crate) fn named(n: Node<'_>) -> Vec<Node<'_>> {
    let mut c = n.walk();
    n.named_children(&mut c).collect()
}

/// The arguments of a call: named children of the argument list, comments
/// left out.
pub(crate) fn args(list: Node<'_>) -> Vec<Node<'_>> {
    named(list)
        .into_iter()
        .filter(|c| !is_comment(*c))
        .collect()
}

pub(crate) fn is_comment(n: Node<'_>) -> bool {
    matches!(n.kind(), "comment" | "line_comment" | "block_comment")
}

pub(crate) fn run(
    source: &str,
    lang: Language,
    cancel: Option<&AtomicBool>,
) -> (Vec<Extracted>, Vec<ExtractError>) {
    let mut parser = Parser::new();
    if parser.set_language(&lang.grammar()).is_err() {
        return (
            Vec::new(),
            vec![ExtractError {
                line: 1,
                column: 1,
                message: format!("the {lang} grammar could not be loaded"),
            }],
        );
    }
    // A NUL byte means a binary file (as ripgrep decides): tree-sitter's
    // error recovery is super-linear on random bytes (about 18 s for 2 MB
    // of them as JavaScript), so it is not parsed.
    if let Some(at) = source.find('\0') {
        let line = 1 + source[..at].matches('\n').count();
        return (
            Vec::new(),
            vec![ExtractError {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: 1,
                message: "binary file (NUL byte): not searched for regexes".into(),
            }],
        );
    }
    // tree-sitter calls this every 100 parse operations; a set flag stops
    // the parse.
    let mut progress = |_: &tree_sitter::ParseState| {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = source.as_bytes();
    let tree = parser.parse_with_options(
        &mut |i, _| bytes.get(i..).unwrap_or_default(),
        None,
        Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
    );
    let Some(tree) = tree else {
        let message = if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            "cancelled while parsing: not searched for regexes"
        } else {
            "the parser gave up: not searched for regexes"
        };
        return (
            Vec::new(),
            vec![ExtractError {
                line: 1,
                column: 1,
                message: message.into(),
            }],
        );
    };
    let mut line_starts = vec![0];
    line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
    let mut ctx = Ctx {
        src: source,
        lang,
        consts: HashMap::new(),
        line_starts,
        last_position: (0, 0, 0),
        out: Vec::new(),
        errors: Vec::new(),
        rust_regex_crate: langs::rust::Crate::Regex,
        python_re_imports: HashMap::new(),
    };
    // Bindings first, so a use may come before its constant; the walk
    // (most of the time spent) is done once, keeping the nodes that can be
    // regex uses.
    let mut uses = Vec::new();
    preorder(tree.root_node(), |n| {
        langs::bindings(&mut ctx, n);
        if langs::may_use_regex(n.kind()) {
            uses.push(n);
        }
    });
    for n in uses {
        langs::visit(&mut ctx, n);
    }
    ctx.out
        .sort_by_key(|e| (e.byte_range.start, e.byte_range.end));
    ctx.errors.sort_by_key(|e| (e.line, e.column));
    (ctx.out, ctx.errors)
}

/// Visits every node in source order without recursion (trees of
/// pathological input can be very deep). Comments are skipped with their
/// subtrees.
fn preorder<'t>(root: Node<'t>, mut f: impl FnMut(Node<'t>)) {
    let mut c = root.walk();
    loop {
        let n = c.node();
        let descend = !is_comment(n);
        if descend {
            f(n);
        }
        if descend && c.goto_first_child() {
            continue;
        }
        loop {
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return;
            }
        }
    }
}
