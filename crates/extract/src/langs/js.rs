//! JavaScript, TypeScript and TSX: `/…/flags` literals and `RegExp(…)`.

use crate::decode::{unescape, DecodeError, Decoded, Style};
use crate::langs::inner;
use crate::walk::{args, Ctx, Flags, Use};
use redoscope_syntax::Flavor;
use tree_sitter::Node;

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    match n.kind() {
        "string" => {
            let (s, at) = inner(ctx, n, 1, 1)?;
            Some(unescape(s, at, Style::Js).map(Some))
        }
        "template_string" => {
            let mut c = n.walk();
            if n.named_children(&mut c)
                .any(|k| k.kind() == "template_substitution")
            {
                return Some(Ok(None));
            }
            let (s, at) = inner(ctx, n, 1, 1)?;
            Some(unescape(s, at, Style::Js).map(Some))
        }
        // String.raw`\d+`: the template's text as written.
        "call_expression" => {
            let f = n.child_by_field_name("function")?;
            let t = n
                .child_by_field_name("arguments")
                .filter(|a| a.kind() == "template_string")?;
            if ctx.text(f) != "String.raw" {
                return None;
            }
            let mut c = t.walk();
            if t.named_children(&mut c)
                .any(|k| k.kind() == "template_substitution")
            {
                return Some(Ok(None));
            }
            let (s, at) = inner(ctx, t, 1, 1)?;
            Some(Ok(Some(Decoded::verbatim(s, at))))
        }
        _ => None,
    }
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        // `const NAME = value`; `let`/`var` too when never reassigned.
        "variable_declarator" => {
            if let Some(name) = n
                .child_by_field_name("name")
                .filter(|k| k.kind() == "identifier")
            {
                let value = n.child_by_field_name("value");
                ctx.bind(ctx.text(name), value);
            }
        }
        "assignment_expression" | "augmented_assignment_expression" => {
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

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "regex" => {
            let Some(p) = n.child_by_field_name("pattern") else {
                return;
            };
            let flags = n.child_by_field_name("flags").map_or("", |f| ctx.text(f));
            let text = ctx.text(p);
            ctx.push(
                Decoded::verbatim(text, p.start_byte()),
                flags.to_string(),
                Flavor::Js,
                None,
                "regex literal".into(),
                false,
            );
        }
        "new_expression" | "call_expression" => {
            let callee = n
                .child_by_field_name("constructor")
                .or_else(|| n.child_by_field_name("function"));
            if callee.is_none_or(|c| ctx.text(c) != "RegExp") {
                return;
            }
            let Some(list) = n.child_by_field_name("arguments") else {
                return;
            };
            let a = args(list);
            let Some(&pattern) = a.first() else { return };
            let flags = match a.get(1) {
                None => Ok(Flags::default()),
                Some(&f) => match ctx.eval(f) {
                    Ok(Some(d)) => Ok(Flags {
                        letters: d.text,
                        ..Flags::default()
                    }),
                    _ => Err(ctx.text(f).to_string()),
                },
            };
            let api = if n.kind() == "new_expression" {
                "new RegExp"
            } else {
                "RegExp"
            };
            ctx.record(Use {
                pattern,
                flags,
                flavor: Flavor::Js,
                mode: None,
                api: api.into(),
                linear: false,
            });
        }
        _ => {}
    }
}
