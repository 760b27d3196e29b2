//! Rust: the `regex` crate (linear), `fancy_regex` and `pcre2`.

use crate::decode::{unescape, DecodeError, Decoded, Style};
use crate::langs::inner;
use crate::walk::{args, named, Ctx, Flags, Use};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use tree_sitter::Node;

/// The crate a `Regex` path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Crate {
    /// `regex` (and `regex::bytes`): linear.
    Regex,
    /// `fancy_regex`: backtracking where the pattern needs it.
    Fancy,
    /// `pcre2`: backtracking.
    Pcre2,
}

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    match n.kind() {
        "string_literal" => {
            let text = ctx.text(n);
            let q = text.find('"')?;
            let (s, at) = inner(ctx, n, q + 1, 1)?;
            Some(unescape(s, at, Style::Rust).map(Some))
        }
        "raw_string_literal" => {
            let text = ctx.text(n);
            let q = text.find('"')?;
            let hashes = text[..q].matches('#').count();
            let (s, at) = inner(ctx, n, q + 1, 1 + hashes)?;
            Some(Ok(Some(Decoded::verbatim(s, at))))
        }
        _ => None,
    }
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "const_item" | "static_item" => {
            if let Some(name) = n.child_by_field_name("name") {
                ctx.bind(ctx.text(name), n.child_by_field_name("value"));
            }
        }
        "let_declaration" => {
            if let Some(p) = n
                .child_by_field_name("pattern")
                .filter(|p| p.kind() == "identifier")
            {
                ctx.bind(ctx.text(p), n.child_by_field_name("value"));
            }
        }
        "assignment_expression" | "compound_assignment_expr" => {
            if let Some(left) = n
                .child_by_field_name("left")
                .filter(|k| k.kind() == "identifier")
            {
                ctx.bind(ctx.text(left), None);
            }
        }
        "use_declaration" => {
            // `use fancy_regex::Regex;` makes a bare `Regex` that crate's.
            let text = ctx.text(n);
            let names_regex = text
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == "Regex" || w == "RegexBuilder");
            if names_regex && text.contains("fancy_regex") {
                ctx.rust_regex_crate = Crate::Fancy;
            } else if names_regex && text.contains("pcre2") {
                ctx.rust_regex_crate = Crate::Pcre2;
            }
        }
        _ => {}
    }
}

/// `RegexBuilder::new(…)` followed by `.case_insensitive(true)` and the like.
fn builder_flags(ctx: &Ctx<'_>, call: Node<'_>) -> Flags {
    let mut f = Flags::default();
    let mut cur = call;
    while let Some(field) = cur.parent().filter(|p| p.kind() == "field_expression") {
        let Some(next) = field.parent().filter(|p| p.kind() == "call_expression") else {
            break;
        };
        let method = field
            .child_by_field_name("field")
            .map_or("", |m| ctx.text(m));
        let on = next
            .child_by_field_name("arguments")
            .and_then(|l| args(l).first().copied())
            .is_some_and(|a| ctx.text(a) == "true");
        let letter = match method {
            "case_insensitive" => Some('i'),
            "multi_line" => Some('m'),
            "dot_matches_new_line" => Some('s'),
            "ignore_whitespace" | "extended" => Some('x'),
            "swap_greed" => Some('U'),
            "crlf" => Some('R'),
            _ => None,
        };
        if let (Some(c), true) = (letter, on) {
            f.add(c);
        }
        cur = next;
    }
    f
}

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "call_expression" => {
            let Some(func) = n
                .child_by_field_name("function")
                .filter(|f| f.kind() == "scoped_identifier")
            else {
                return;
            };
            let (Some(path), Some(name)) = (
                func.child_by_field_name("path"),
                func.child_by_field_name("name"),
            ) else {
                return;
            };
            if ctx.text(name) != "new" {
                return;
            }
            let path = ctx.text(path);
            let Some(list) = n.child_by_field_name("arguments") else {
                return;
            };
            let Some(&first) = args(list).first() else {
                return;
            };
            regex_new(ctx, path, first, Some(n));
        }
        // Inside a macro (`lazy_static! { … }`, `assert!(…)`) there is no
        // syntax tree, only tokens: `Regex :: new (…)` is looked for there.
        "token_tree" => {
            let mut path = Vec::new();
            let mut prev = n.prev_sibling();
            while let Some(p) = prev.filter(|p| p.kind() == "identifier" || p.kind() == "::") {
                path.push(ctx.text(p));
                prev = p.prev_sibling();
            }
            path.reverse();
            let path = path.concat();
            let Some(path) = path.strip_suffix("::new") else {
                return;
            };
            let Some(&first) = args(n).first() else {
                return;
            };
            if matches!(
                first.kind(),
                "string_literal" | "raw_string_literal" | "identifier"
            ) {
                regex_new(ctx, path, first, None);
            }
        }
        "macro_invocation" => {
            let Some(m) = n.child_by_field_name("macro") else {
                return;
            };
            let name = ctx.text(m).rsplit("::").next().unwrap_or("");
            if !matches!(
                name,
                "regex"
                    | "lazy_regex"
                    | "bytes_regex"
                    | "regex_is_match"
                    | "regex_find"
                    | "regex_captures"
                    | "regex_replace"
                    | "regex_replace_all"
            ) {
                return;
            }
            let Some(tt) = named(n).into_iter().find(|k| k.kind() == "token_tree") else {
                return;
            };
            let Some(&pattern) = args(tt).first() else {
                return;
            };
            if !matches!(pattern.kind(), "string_literal" | "raw_string_literal") {
                return;
            }
            ctx.record(Use {
                pattern,
                flags: Ok(Flags::default()),
                flavor: Flavor::Rust,
                mode: Some(Mode::Search),
                api: format!("{name}!"),
                linear: true,
            });
        }
        _ => {}
    }
}

/// `path::new(first, …)` where `path` names a regex type: recorded with
/// the crate's flavor. `call` is the call expression, for builder methods
/// chained on it.
fn regex_new<'t>(ctx: &mut Ctx<'t>, path: &str, first: Node<'t>, call: Option<Node<'t>>) {
    let ty = path.rsplit("::").next().unwrap_or(path);
    if !matches!(
        ty,
        "Regex" | "RegexBuilder" | "RegexSet" | "RegexSetBuilder"
    ) {
        return;
    }
    let krate = if path.contains("fancy_regex") {
        Crate::Fancy
    } else if path.contains("pcre2") {
        Crate::Pcre2
    } else if path.contains("regex") {
        Crate::Regex
    } else {
        ctx.rust_regex_crate
    };
    // The brief: fancy_regex keeps the Rust flavor, without the linear
    // guarantee; the API name tells the two apart.
    let (flavor, linear, krate_name) = match krate {
        Crate::Regex => (Flavor::Rust, true, "regex"),
        Crate::Fancy => (Flavor::Rust, false, "fancy_regex"),
        Crate::Pcre2 => (Flavor::Pcre, false, "pcre2"),
    };
    let api = if path.contains("::") || krate == Crate::Regex {
        format!("{path}::new")
    } else {
        format!("{krate_name}::{ty}::new")
    };
    let flags = if ty.starts_with("RegexBuilder") || ty == "RegexSetBuilder" {
        call.map(|c| builder_flags(ctx, c)).unwrap_or_default()
    } else {
        Flags::default()
    };
    // `RegexSet::new([…])`: one regex per element.
    let patterns = if ty.starts_with("RegexSet") {
        let arr = if first.kind() == "reference_expression" {
            first.child_by_field_name("value").unwrap_or(first)
        } else {
            first
        };
        if arr.kind() != "array_expression" {
            return;
        }
        args(arr)
    } else {
        vec![first]
    };
    for pattern in patterns {
        ctx.record(Use {
            pattern,
            flags: Ok(flags.clone()),
            flavor,
            mode: Some(Mode::Search),
            api: api.clone(),
            linear,
        });
    }
}
