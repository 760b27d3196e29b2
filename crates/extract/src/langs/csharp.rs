//! C#: `System.Text.RegularExpressions.Regex` and `[GeneratedRegex]`.

use crate::decode::{cs_verbatim, strip_block, unescape, DecodeError, Decoded, Style};
use crate::langs::inner;
use crate::walk::{args, named, Ctx, Flags, Use};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use tree_sitter::Node;

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    match n.kind() {
        "string_literal" => {
            let text = ctx.text(n);
            let close = if text.ends_with("u8") { 3 } else { 1 };
            let (s, at) = inner(ctx, n, 1, close)?;
            Some(unescape(s, at, Style::CSharp).map(Some))
        }
        "verbatim_string_literal" => {
            let (s, at) = inner(ctx, n, 2, 1)?;
            Some(Ok(Some(cs_verbatim(s, at))))
        }
        "raw_string_literal" => {
            let text = ctx.text(n);
            let q = text.len() - text.trim_start_matches('"').len();
            let (s, at) = inner(ctx, n, q, q)?;
            if s.contains('\n') {
                Some(Ok(Some(strip_block(s, at, false))))
            } else {
                Some(Ok(Some(Decoded::verbatim(s, at))))
            }
        }
        _ => None,
    }
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "variable_declarator" => {
            if let Some(name) = n.child_by_field_name("name") {
                let value = named(n)
                    .into_iter()
                    .skip(1)
                    .find(|k| k.kind() != "bracketed_argument_list");
                // `string s = "…"` has the value after `=`.
                let value = value.filter(|v| v.start_byte() > name.end_byte());
                ctx.bind(ctx.text(name), value);
            }
        }
        "assignment_expression" => {
            if let Some(left) = n
                .child_by_field_name("left")
                .filter(|k| k.kind() == "identifier")
            {
                ctx.bind(ctx.text(left), None);
            }
        }
        _ => {}
    }
}

fn eval_options(ctx: &Ctx<'_>, n: Node<'_>, depth: u32) -> Option<Flags> {
    if depth > 32 {
        return None;
    }
    let mut f = Flags::default();
    let name = match n.kind() {
        "binary_expression" => {
            let op = n.child_by_field_name("operator").map(|o| ctx.text(o));
            if !matches!(op, Some("|" | "+")) {
                return None;
            }
            f.union(eval_options(
                ctx,
                n.child_by_field_name("left")?,
                depth + 1,
            )?);
            f.union(eval_options(
                ctx,
                n.child_by_field_name("right")?,
                depth + 1,
            )?);
            return Some(f);
        }
        "parenthesized_expression" => return eval_options(ctx, *named(n).first()?, depth + 1),
        "argument" | "attribute_argument" => {
            return eval_options(ctx, *named(n).last()?, depth + 1)
        }
        "identifier" => return eval_options(ctx, ctx.lookup(ctx.text(n))?, depth + 1),
        "member_access_expression" => {
            let scope = ctx.text(n.child_by_field_name("expression")?);
            if !scope.ends_with("RegexOptions") {
                return None;
            }
            ctx.text(n.child_by_field_name("name")?)
        }
        _ => return None,
    };
    match name {
        "IgnoreCase" => f.add('i'),
        "Multiline" => f.add('m'),
        "Singleline" => f.add('s'),
        "IgnorePatternWhitespace" => f.add('x'),
        "ExplicitCapture" => f.add('n'),
        "ECMAScript" => f.add('e'),
        "NonBacktracking" => f.linear = true,
        "None" | "Compiled" | "CultureInvariant" | "RightToLeft" => {}
        _ => return None,
    }
    Some(f)
}

/// The argument named `name:` or else the positional one at `index`.
fn arg<'t>(ctx: &Ctx<'t>, a: &[Node<'t>], name: &str, index: usize) -> Option<Node<'t>> {
    let by_name = a.iter().find(|x| {
        x.child_by_field_name("name")
            .is_some_and(|k| ctx.text(k) == name)
    });
    by_name.or_else(|| a.get(index)).copied()
}

/// Among the arguments after the pattern, the one that is `RegexOptions`.
fn options<'t>(ctx: &Ctx<'t>, a: &[Node<'t>], after: usize) -> Result<Flags, String> {
    for x in a.iter().skip(after + 1) {
        let t = ctx.text(*x);
        if let Some(f) = eval_options(ctx, *x, 0) {
            return Ok(f);
        }
        if t.contains("RegexOptions")
            || x.child_by_field_name("name")
                .is_some_and(|k| ctx.text(k) == "options")
        {
            return eval_options(ctx, *x, 0).ok_or_else(|| t.to_string());
        }
    }
    Ok(Flags::default())
}

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    let mut mode = Some(Mode::Search);
    let (api, a, index) = match n.kind() {
        "object_creation_expression" => {
            let ty = n.child_by_field_name("type").map(|t| ctx.text(t));
            if !matches!(ty, Some("Regex" | "System.Text.RegularExpressions.Regex")) {
                return;
            }
            let Some(list) = n.child_by_field_name("arguments") else {
                return;
            };
            ("new Regex".to_string(), args(list), 0)
        }
        "invocation_expression" => {
            let Some(func) = n
                .child_by_field_name("function")
                .filter(|f| f.kind() == "member_access_expression")
            else {
                return;
            };
            let (Some(e), Some(m)) = (
                func.child_by_field_name("expression"),
                func.child_by_field_name("name"),
            ) else {
                return;
            };
            if !matches!(
                ctx.text(e),
                "Regex" | "System.Text.RegularExpressions.Regex"
            ) {
                return;
            }
            let m = ctx.text(m);
            if !matches!(
                m,
                "IsMatch"
                    | "Match"
                    | "Matches"
                    | "Replace"
                    | "Split"
                    | "Count"
                    | "EnumerateMatches"
                    | "EnumerateSplits"
            ) {
                return;
            }
            let Some(list) = n.child_by_field_name("arguments") else {
                return;
            };
            // Static methods take the input first, the pattern second.
            (format!("Regex.{m}"), args(list), 1)
        }
        "attribute" => {
            let name = n.child_by_field_name("name").map(|t| ctx.text(t));
            let name = match name.map(|t| t.trim_end_matches("Attribute")) {
                Some(t @ ("GeneratedRegex" | "RegularExpression")) => t,
                _ => return,
            };
            let Some(list) = named(n)
                .into_iter()
                .find(|k| k.kind() == "attribute_argument_list")
            else {
                return;
            };
            // DataAnnotations' [RegularExpression] accepts a value only when
            // the match covers all of it.
            if name == "RegularExpression" {
                mode = Some(Mode::Full);
            }
            (format!("[{name}]"), args(list), 0)
        }
        _ => return,
    };
    let Some(pattern) = arg(ctx, &a, "pattern", index) else {
        return;
    };
    let flags = options(ctx, &a, index);
    ctx.record(Use {
        pattern,
        flags,
        flavor: Flavor::Dotnet,
        mode,
        api,
        linear: false,
    });
}
