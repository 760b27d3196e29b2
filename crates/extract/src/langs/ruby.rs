//! Ruby: `/…/` and `%r{…}` literals, `Regexp.new`.

use crate::decode::{unescape, DecodeError, Decoded, Style};
use crate::walk::{args, Ctx, Flags, Use};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use tree_sitter::Node;

/// The opening and closing tokens of a delimited literal, and the content
/// range between them.
fn delimiters<'t>(ctx: &Ctx<'t>, n: Node<'t>) -> Option<(&'t str, &'t str, usize, usize)> {
    let mut c = n.walk();
    let kids: Vec<Node<'t>> = n.children(&mut c).collect();
    let open = kids.first().filter(|k| !k.is_named())?;
    let close = kids
        .last()
        .filter(|k| !k.is_named() && k.id() != open.id())?;
    Some((
        ctx.text(*open),
        ctx.text(*close),
        open.end_byte(),
        close.start_byte(),
    ))
}

fn has_interpolation(n: Node<'_>) -> bool {
    let mut c = n.walk();
    let found = n
        .named_children(&mut c)
        .any(|k| k.kind() == "interpolation");
    found
}

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    if n.kind() != "string" {
        return None;
    }
    if has_interpolation(n) {
        return Some(Ok(None));
    }
    let (open, close, from, to) = delimiters(ctx, n)?;
    let content = ctx.src.get(from..to.max(from))?;
    let style = if open == "'" || open.starts_with("%q") {
        Style::SingleQuoted(close.chars().next().unwrap_or('\''))
    } else {
        Style::RubyDouble
    };
    Some(unescape(content, from, style).map(Some))
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "assignment" => {
            if let Some(left) = n
                .child_by_field_name("left")
                .filter(|k| matches!(k.kind(), "constant" | "identifier"))
            {
                let right = n.child_by_field_name("right");
                ctx.bind(ctx.text(left), right);
            }
        }
        "operator_assignment" => {
            if let Some(left) = n.child_by_field_name("left") {
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
    match n.kind() {
        "binary" => {
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
        }
        "scope_resolution" => {
            if ctx.text(n.child_by_field_name("scope")?) != "Regexp" {
                return None;
            }
            match ctx.text(n.child_by_field_name("name")?) {
                "IGNORECASE" => f.add('i'),
                "EXTENDED" => f.add('x'),
                "MULTILINE" => f.add('m'),
                "NOENCODING" | "FIXEDENCODING" => {}
                _ => return None,
            }
        }
        "integer" => {
            let v: u32 = ctx.text(n).parse().ok()?;
            for (bit, c) in [(1, 'i'), (2, 'x'), (4, 'm')] {
                if v & bit != 0 {
                    f.add(c);
                }
            }
        }
        "constant" | "identifier" => return eval_options(ctx, ctx.lookup(ctx.text(n))?, depth + 1),
        "true" => f.add('i'),
        "false" | "nil" => {}
        // Ruby 3.2+: `Regexp.new("a", "im")`.
        "string" => {
            let s = ctx.eval(n).ok()??;
            for c in s.text.chars() {
                if !matches!(c, 'i' | 'm' | 'x') {
                    return None;
                }
                f.add(c);
            }
        }
        _ => return None,
    }
    Some(f)
}

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "regex" => {
            if has_interpolation(n) {
                return;
            }
            let Some((_, close, from, to)) = delimiters(ctx, n) else {
                return;
            };
            let Some(content) = ctx.src.get(from..to.max(from)) else {
                return;
            };
            let flags: String = close.chars().skip(1).collect();
            ctx.push(
                Decoded::verbatim(content, from),
                flags,
                Flavor::Ruby,
                Some(Mode::Search),
                "regex literal".into(),
                false,
            );
        }
        "call" => {
            let (Some(recv), Some(method)) = (
                n.child_by_field_name("receiver"),
                n.child_by_field_name("method"),
            ) else {
                return;
            };
            if !matches!(ctx.text(recv), "Regexp" | "::Regexp") {
                return;
            }
            let name = ctx.text(method);
            if !matches!(name, "new" | "compile") {
                return;
            }
            let Some(list) = n.child_by_field_name("arguments") else {
                return;
            };
            let a = args(list);
            let Some(&pattern) = a.first() else { return };
            // `Regexp.new(/re/)` copies a literal that is reported as such.
            if pattern.kind() == "regex" {
                return;
            }
            let flags = match a.get(1) {
                None => Ok(Flags::default()),
                Some(&f) => eval_options(ctx, f, 0).ok_or_else(|| ctx.text(f).to_string()),
            };
            ctx.record(Use {
                pattern,
                flags,
                flavor: Flavor::Ruby,
                mode: Some(Mode::Search),
                api: format!("Regexp.{name}"),
                linear: false,
            });
        }
        _ => {}
    }
}
