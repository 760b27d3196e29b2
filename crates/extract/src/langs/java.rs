//! Java: `Pattern` and the regex methods of `String`.

use crate::decode::{strip_block, unescape, DecodeError, Decoded, Style};
use crate::langs::{compose, inner};
use crate::walk::{args, Ctx, Flags, Use};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use tree_sitter::Node;

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    if n.kind() != "string_literal" {
        return None;
    }
    let text = ctx.text(n);
    if text.starts_with("\"\"\"") {
        let (s, at) = inner(ctx, n, 3, 3)?;
        let block = strip_block(s, at, true);
        return Some(
            unescape(&block.text, 0, Style::Java)
                .map(|d| Some(compose(d, &block)))
                .map_err(|e| DecodeError {
                    at: block.offsets.get(e.at).copied().unwrap_or(at),
                    message: e.message,
                }),
        );
    }
    let (s, at) = inner(ctx, n, 1, 1)?;
    Some(unescape(s, at, Style::Java).map(Some))
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "variable_declarator" => {
            if let Some(name) = n.child_by_field_name("name") {
                let value = n.child_by_field_name("value");
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

fn eval_flags(ctx: &Ctx<'_>, n: Node<'_>, depth: u32) -> Option<Flags> {
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
            f.union(eval_flags(ctx, n.child_by_field_name("left")?, depth + 1)?);
            f.union(eval_flags(ctx, n.child_by_field_name("right")?, depth + 1)?);
            return Some(f);
        }
        "parenthesized_expression" => return eval_flags(ctx, *args(n).first()?, depth + 1),
        "field_access" => {
            if ctx.text(n.child_by_field_name("object")?) != "Pattern" {
                return None;
            }
            ctx.text(n.child_by_field_name("field")?)
        }
        // `import static java.util.regex.Pattern.*`.
        // (or a constant of the same file holding flags).
        "identifier" => match ctx.lookup(ctx.text(n)) {
            Some(v) => return eval_flags(ctx, v, depth + 1),
            None => ctx.text(n),
        },
        "decimal_integer_literal" if ctx.text(n) == "0" => return Some(f),
        _ => return None,
    };
    match name {
        "CASE_INSENSITIVE" => f.add('i'),
        "MULTILINE" => f.add('m'),
        "DOTALL" => f.add('s'),
        "COMMENTS" => f.add('x'),
        "UNICODE_CASE" => f.add('u'),
        "UNICODE_CHARACTER_CLASS" => f.add('U'),
        "UNIX_LINES" => f.add('d'),
        "CANON_EQ" => {}
        "LITERAL" => f.literal = true,
        _ => return None,
    }
    Some(f)
}

/// For `Pattern.compile(…)`, the mode of `.matcher(s).matches()` and the
/// like called on the result at once.
fn chained_mode(ctx: &Ctx<'_>, call: Node<'_>) -> Option<Mode> {
    let outer = call.parent().filter(|p| p.kind() == "method_invocation")?;
    if outer.child_by_field_name("object") != Some(call) {
        return None;
    }
    let name = ctx.text(outer.child_by_field_name("name")?);
    match name {
        "matcher" => {
            let next = outer.parent().filter(|p| p.kind() == "method_invocation")?;
            if next.child_by_field_name("object") != Some(outer) {
                return None;
            }
            match ctx.text(next.child_by_field_name("name")?) {
                "matches" => Some(Mode::Full),
                "lookingAt" => Some(Mode::Prefix),
                "find" | "replaceAll" | "replaceFirst" | "results" => Some(Mode::Search),
                _ => None,
            }
        }
        "asMatchPredicate" => Some(Mode::Full),
        "asPredicate" | "split" | "splitAsStream" => Some(Mode::Search),
        _ => None,
    }
}

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    if n.kind() != "method_invocation" {
        return;
    }
    let (Some(name), Some(list)) = (
        n.child_by_field_name("name"),
        n.child_by_field_name("arguments"),
    ) else {
        return;
    };
    let name = ctx.text(name);
    let object = n.child_by_field_name("object").map(|o| ctx.text(o));
    let a = args(list);
    let on_pattern = matches!(object, Some("Pattern" | "java.util.regex.Pattern"));
    let (mode, api, flags_arg) = match (on_pattern, name, a.len()) {
        (true, "compile", 1 | 2) => (
            chained_mode(ctx, n),
            "Pattern.compile".to_string(),
            a.get(1).copied(),
        ),
        (true, "matches", 2) => (Some(Mode::Full), "Pattern.matches".to_string(), None),
        // Any other receiver: taken as a String (there is no type
        // information); these names with these arities are rarely
        // anything else.
        (false, "matches", 1) => (Some(Mode::Full), "String.matches".to_string(), None),
        (false, "replaceAll" | "replaceFirst", 2) | (false, "split", 1 | 2) => {
            (Some(Mode::Search), format!("String.{name}"), None)
        }
        _ => return,
    };
    let flags = match flags_arg {
        None => Ok(Flags::default()),
        Some(f) => eval_flags(ctx, f, 0).ok_or_else(|| ctx.text(f).to_string()),
    };
    ctx.record(Use {
        pattern: a[0],
        flags,
        flavor: Flavor::Java,
        mode,
        api,
        linear: false,
    });
}
