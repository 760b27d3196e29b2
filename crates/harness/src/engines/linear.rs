//! The linear-time controls: the `regex` crate (its meta engine), the
//! regex-automata PikeVM and the regex-automata lazy DFA.
//!
//! * **Pattern.** A Rust subject runs its own text with its flags (`i m s x
//!   U u R` as the syntax options). Other flavors run their IR printed as
//!   Rust regex syntax ([`print_ir`]); a pattern with a backreference,
//!   lookaround, atomic group or possessive quantifier (or anything else
//!   the Rust syntax cannot say) is [`CompileError::unsupported`]. A `$`
//!   that may match before a final newline (Python, Java, PCRE, .NET),
//!   which the Rust syntax lacks, is first rewritten as `\n?\z` when it
//!   ends the pattern (`\z` for a full match); elsewhere it is
//!   unsupported.
//! * **Mode.** The pattern text is wrapped: `\A(?:P)` for a prefix match,
//!   `\A(?:P)\z` for a full match (a full match exists if and only if that
//!   regex matches, whatever the match semantics), and the search is
//!   anchored as well where the engine has the option.
//! * **Limits.** None: these engines run in time linear in the input. The
//!   lazy DFA gives up like the meta engine's does (after 3 cache clearings
//!   at fewer than 10 bytes per state), which is reported as
//!   [`LimitKind::Memory`]; it quits on non-ASCII bytes when the pattern has
//!   a Unicode word boundary, which is [`Outcome::Failed`].

use crate::{CompileError, Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use redoscope_automata::Mode;
use redoscope_syntax::ast::Greed;
use redoscope_syntax::ir::{print_ir, Cond, Ir, IrKind, Look, Terminators};
use redoscope_syntax::{Flags, Flavor};
use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::nfa::thompson::pikevm::{Cache as PikeCache, PikeVM};
use regex_automata::util::syntax;
use regex_automata::{Anchored, MatchErrorKind};
use std::time::Instant;

/// Which linear engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Meta,
    PikeVm,
    LazyDfa,
}

/// A linear-time engine: `regex`, `pikevm` or `dfa`.
#[derive(Clone, Copy, Debug)]
pub struct Linear {
    which: Which,
}

impl Linear {
    /// The `regex` crate's `Regex` (its meta engine picks among its
    /// engines: literal search, one-pass DFA, lazy DFA, PikeVM, bounded
    /// backtracker).
    pub fn regex() -> Linear {
        Linear { which: Which::Meta }
    }

    /// The regex-automata PikeVM (`nfa::thompson::pikevm`): an NFA
    /// simulation, the slowest linear engine.
    pub fn pikevm() -> Linear {
        Linear {
            which: Which::PikeVm,
        }
    }

    /// The regex-automata lazy DFA (`hybrid::dfa`), forward search only.
    pub fn dfa() -> Linear {
        Linear {
            which: Which::LazyDfa,
        }
    }
}

/// What a backtracking-only construct of a pattern is, if it has one.
fn needs_backtracking(s: &Subject<'_>) -> Option<&'static str> {
    let p = &s.lowered.ir.props;
    if p.has_backref {
        Some("backreference")
    } else if p.has_lookaround {
        Some("lookaround")
    } else if p.has_atomic {
        Some("atomic group or possessive quantifier")
    } else {
        None
    }
}

/// Whether `ir` has a `$` that may match before a final line terminator
/// (Python, Java, PCRE and .NET `$`, Ruby and Python `\Z`).
fn has_newline_dollar(ir: &Ir) -> bool {
    let mut stack = vec![ir];
    while let Some(n) = stack.pop() {
        if let IrKind::Look(Look::EndTextOptionalNewline { .. }) = n.kind {
            return true;
        }
        stack.extend(n.children());
    }
    false
}

/// `ir` with every `$` that may match before a final line terminator
/// (`Look::EndTextOptionalNewline`, which the Rust syntax lacks and the
/// printers of Rust-like syntax cannot say) written with plain constructs;
/// `None` when it has none.
///
/// Where nothing but more such `$` follows it on the way to the end of the
/// match, the `$` becomes `\n?\z` (the terminator consumed: the same
/// verdict for a search or a prefix match), or `\z` for a full match (the
/// match ends at the end of the text anyway). Elsewhere it becomes the
/// lookahead `(?=\n?\z)` when `lookahead` allows, and is an error
/// otherwise.
pub(crate) fn without_newline_dollar(
    ir: &Ir,
    mode: Mode,
    lookahead: bool,
) -> Result<Option<Ir>, String> {
    if !has_newline_dollar(ir) {
        return Ok(None);
    }
    rewrite_dollar(ir, true, mode == Mode::Full, lookahead).map(Some)
}

/// A line terminator of `t` (`\r\n` first where it is one terminator).
fn terminator(t: Terminators, span: redoscope_syntax::Span) -> Ir {
    let set = Ir::class(t.set(), span);
    if t.crlf_is_one() {
        let crlf = Ir::concat(vec![Ir::char('\r', span), Ir::char('\n', span)], span);
        Ir::alt(vec![crlf, set], span)
    } else {
        set
    }
}

/// [`without_newline_dollar`] on one node: `tail` when nothing but `$`
/// follows it to the end of the match, `full` when that end must be the end
/// of the text.
fn rewrite_dollar(ir: &Ir, tail: bool, full: bool, lookahead: bool) -> Result<Ir, String> {
    let span = ir.span;
    let go = |x: &Ir, tail: bool| rewrite_dollar(x, tail, full, lookahead);
    Ok(match &ir.kind {
        IrKind::Look(Look::EndTextOptionalNewline { terminators }) => {
            let end = Ir::look(Look::EndText, span);
            if tail && full {
                return Ok(end);
            }
            let nl = Ir::repeat(
                terminator(*terminators, span),
                0,
                Some(1),
                Greed::Greedy,
                span,
            );
            let seq = Ir::concat(vec![nl, end], span);
            if tail {
                seq
            } else if lookahead {
                Ir::look_around(false, false, seq, span)
            } else {
                return Err(
                    "`$` (the end, or before a final newline) followed by more pattern cannot \
                     be written in Rust syntax"
                        .into(),
                );
            }
        }
        IrKind::Concat(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, x) in items.iter().enumerate() {
                let rest_is_dollars = items[i + 1..]
                    .iter()
                    .all(|y| matches!(y.kind, IrKind::Look(Look::EndTextOptionalNewline { .. })));
                out.push(go(x, tail && rest_is_dollars)?);
            }
            Ir::concat(out, span)
        }
        IrKind::Alt(items) => Ir::alt(
            items
                .iter()
                .map(|x| go(x, tail))
                .collect::<Result<_, _>>()?,
            span,
        ),
        IrKind::Repeat {
            min,
            max,
            greed,
            sub,
        } => {
            // Another iteration may follow an iteration, unless there is at
            // most one or they are all empty.
            let last = matches!(max, Some(0 | 1)) || sub.props.max_len == Some(0);
            Ir::repeat(go(sub, tail && last)?, *min, *max, *greed, span)
        }
        IrKind::Capture { index, name, sub } => {
            Ir::capture(*index, name.clone(), go(sub, tail)?, span)
        }
        IrKind::Atomic(sub) => Ir::atomic(go(sub, tail)?, span),
        IrKind::LookAround {
            behind,
            negated,
            sub,
        } => {
            // A lookahead ends where its body does, wherever that is; a
            // lookbehind's body must end right here.
            let sub = rewrite_dollar(sub, !behind, false, lookahead)?;
            Ir::look_around(*behind, *negated, sub, span)
        }
        IrKind::Conditional { cond, yes, no } => {
            let cond = match cond {
                Cond::Look(a) => Cond::Look(Box::new(rewrite_dollar(a, false, false, lookahead)?)),
                c => c.clone(),
            };
            Ir::conditional(cond, go(yes, tail)?, go(no, tail)?, span)
        }
        _ => ir.clone(),
    })
}

/// The pattern in Rust regex syntax with its flags, and whether it was
/// translated from another flavor. `engine` names the engine in messages.
pub(crate) fn rust_text(
    s: &Subject<'_>,
    engine: &str,
) -> Result<(String, Flags, bool), CompileError> {
    if s.flavor == Flavor::Rust {
        let flags = Flags::parse(Flavor::Rust, s.flags).map_err(|e| CompileError {
            message: e.message,
            unsupported: false,
        })?;
        return Ok((s.pattern.to_string(), flags, false));
    }
    if let Some(what) = needs_backtracking(s) {
        return Err(CompileError {
            message: format!("{engine} cannot run this pattern: it needs backtracking ({what})"),
            unsupported: true,
        });
    }
    let unsupported = |e: String| CompileError {
        message: format!("{engine} cannot run this {} pattern: {e}", s.flavor),
        unsupported: true,
    };
    let rewritten = without_newline_dollar(&s.lowered.ir, s.mode, false).map_err(unsupported)?;
    let ir = rewritten.as_ref().unwrap_or(&s.lowered.ir);
    let (text, letters) = print_ir(ir, Flavor::Rust).map_err(unsupported)?;
    let flags = Flags::parse(Flavor::Rust, &letters).map_err(|e| CompileError {
        message: e.message,
        unsupported: true,
    })?;
    Ok((text, flags, true))
}

/// `text` anchored for `mode` in Rust-like syntax: `\A(?:text)` for a
/// prefix match, `\A(?:text)\z` for a full match. When `text` ends in an
/// extended-mode `#` comment, a newline closes the comment before the
/// closing parenthesis (the newline itself is insignificant there).
pub(crate) fn anchored(text: &str, extended: bool, mode: Mode) -> String {
    let (open, close) = match mode {
        Mode::Search => return text.to_string(),
        Mode::Prefix => (r"\A(?:", ")"),
        Mode::Full => (r"\A(?:", r")\z"),
    };
    let comment_at_end = regex_syntax::ast::parse::ParserBuilder::new()
        .ignore_whitespace(extended)
        .build()
        .parse_with_comments(text)
        .is_ok_and(|w| w.comments.iter().any(|c| c.span.end.offset == text.len()));
    let nl = if comment_at_end { "\n" } else { "" };
    format!("{open}{text}{nl}{close}")
}

/// The regex-automata syntax options of Rust-flavor flags.
fn syntax_config(f: &Flags) -> syntax::Config {
    syntax::Config::new()
        .case_insensitive(f.ignore_case)
        .multi_line(f.multi_line)
        .dot_matches_new_line(f.dot_all)
        .ignore_whitespace(f.extended)
        .swap_greed(f.ungreedy)
        .unicode(f.unicode)
        .crlf(f.crlf)
}

impl Engine for Linear {
    fn name(&self) -> &'static str {
        match self.which {
            Which::Meta => "regex",
            Which::PikeVm => "pikevm",
            Which::LazyDfa => "dfa",
        }
    }

    fn kind(&self) -> Kind {
        Kind::Linear
    }

    fn version(&self) -> String {
        match self.which {
            Which::Meta => "regex 1.13 (meta engine)",
            Which::PikeVm => "regex-automata 0.4 (PikeVM)",
            Which::LazyDfa => "regex-automata 0.4 (lazy DFA)",
        }
        .to_string()
    }

    fn compile(&mut self, s: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError> {
        let engine = match self.which {
            Which::Meta => "the regex crate",
            Which::PikeVm => "the PikeVM",
            Which::LazyDfa => "the lazy DFA",
        };
        let (text, flags, translated) = rust_text(s, engine)?;
        let pattern = anchored(&text, flags.extended, s.mode);
        let mut notes = vec![];
        if translated {
            notes.push(format!(
                "translated from {} (the IR printed as Rust regex syntax)",
                s.flavor
            ));
        }
        // A translation the engine rejects is a gap of the Rust syntax; a
        // Rust pattern it rejects is just invalid (or too big).
        let fail = |message: String| CompileError {
            message,
            unsupported: translated,
        };
        let anchored = if s.mode == Mode::Search {
            Anchored::No
        } else {
            Anchored::Yes
        };
        let matcher = match self.which {
            Which::Meta => {
                let re = regex::RegexBuilder::new(&pattern)
                    .case_insensitive(flags.ignore_case)
                    .multi_line(flags.multi_line)
                    .dot_matches_new_line(flags.dot_all)
                    .ignore_whitespace(flags.extended)
                    .swap_greed(flags.ungreedy)
                    .unicode(flags.unicode)
                    .crlf(flags.crlf)
                    .build()
                    .map_err(|e| fail(e.to_string()))?;
                Matcher::Meta(re)
            }
            Which::PikeVm => {
                let vm = PikeVM::builder()
                    .syntax(syntax_config(&flags))
                    .build(&pattern)
                    .map_err(|e| fail(e.to_string()))?;
                let cache = vm.create_cache();
                Matcher::PikeVm(Box::new(vm), cache, anchored)
            }
            Which::LazyDfa => {
                let dfa = DFA::builder()
                    .syntax(syntax_config(&flags))
                    .configure(
                        DFA::config()
                            .unicode_word_boundary(true)
                            .minimum_cache_clear_count(Some(3))
                            .minimum_bytes_per_state(Some(10)),
                    )
                    .build(&pattern)
                    .map_err(|e| fail(e.to_string()))?;
                let cache = dfa.create_cache();
                Matcher::LazyDfa(Box::new(dfa), cache, anchored)
            }
        };
        Ok(Box::new(Program {
            matcher,
            pattern,
            notes,
        }))
    }
}

enum Matcher {
    Meta(regex::Regex),
    PikeVm(Box<PikeVM>, PikeCache, Anchored),
    LazyDfa(Box<DFA>, DfaCache, Anchored),
}

struct Program {
    matcher: Matcher,
    pattern: String,
    notes: Vec<String>,
}

impl Compiled for Program {
    fn pattern(&self) -> &str {
        &self.pattern
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn run(&mut self, input: &Input, _limit: &Limit) -> Outcome {
        let text = match input.utf8_for_engine() {
            Ok(t) => t,
            Err(failed) => return failed,
        };
        let start = Instant::now();
        let result = match &mut self.matcher {
            Matcher::Meta(re) => Ok(re.is_match(&text)),
            Matcher::PikeVm(vm, cache, anchored) => {
                let i = regex_automata::Input::new(&text)
                    .anchored(*anchored)
                    .earliest(true);
                Ok(vm.is_match(cache, i))
            }
            Matcher::LazyDfa(dfa, cache, anchored) => {
                let i = regex_automata::Input::new(&text)
                    .anchored(*anchored)
                    .earliest(true);
                dfa.try_search_fwd(cache, &i).map(|m| m.is_some())
            }
        };
        let time = start.elapsed();
        match result {
            Ok(matched) => Outcome::Done {
                matched,
                time,
                steps: None,
            },
            Err(e) => match e.kind() {
                MatchErrorKind::GaveUp { .. } => Outcome::OverLimit {
                    limit: LimitKind::Memory,
                    time,
                    steps: None,
                },
                MatchErrorKind::Quit { byte, offset } => Outcome::Failed(format!(
                    "the lazy DFA quit at byte 0x{byte:02X} (offset {offset}): it cannot \
                     evaluate a Unicode word boundary next to non-ASCII text"
                )),
                _ => Outcome::Failed(format!("the lazy DFA failed: {e}")),
            },
        }
    }
}
