//! Go: the `regexp` package (RE2 syntax, a linear-time engine).

use crate::decode::{unescape, DecodeError, Decoded, Style};
use crate::langs::inner;
use crate::walk::{args, named, Ctx, Flags, Use};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use tree_sitter::Node;

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    match n.kind() {
        "interpreted_string_literal" => {
            let (s, at) = inner(ctx, n, 1, 1)?;
            Some(unescape(s, at, Style::Go).map(Some))
        }
        "raw_string_literal" => {
            let (s, at) = inner(ctx, n, 1, 1)?;
            // Carriage returns are dropped from raw strings.
            let mut d = Decoded::verbatim(s, at);
            if s.contains('\r') {
                let keep: Vec<usize> = (0..d.text.len())
                    .filter(|&i| d.text.as_bytes()[i] != b'\r')
                    .collect();
                let end = d.range().end;
                let text: String = d.text.chars().filter(|&c| c != '\r').collect();
                let mut offsets: Vec<usize> = keep.iter().map(|&i| d.offsets[i]).collect();
                offsets.push(end);
                d = Decoded { text, offsets };
            }
            Some(Ok(Some(d)))
        }
        _ => None,
    }
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "const_spec" | "var_spec" => {
            let mut c = n.walk();
            let names: Vec<Node<'t>> = n.children_by_field_name("name", &mut c).collect();
            let values = n
                .child_by_field_name("value")
                .map(named)
                .unwrap_or_default();
            for (k, name) in names.iter().enumerate() {
                let v = if names.len() == values.len() {
                    values.get(k).copied()
                } else {
                    None
                };
                ctx.bind(ctx.text(*name), v);
            }
        }
        "short_var_declaration" | "assignment_statement" => {
            let left = n.child_by_field_name("left").map(named).unwrap_or_default();
            let right = n
                .child_by_field_name("right")
                .map(named)
                .unwrap_or_default();
            let decl = n.kind() == "short_var_declaration";
            for (k, name) in left.iter().enumerate() {
                if name.kind() == "identifier" {
                    let v = if decl && left.len() == right.len() {
                        right.get(k).copied()
                    } else {
                        None
                    };
                    ctx.bind(ctx.text(*name), v);
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    if n.kind() != "call_expression" {
        return;
    }
    let Some(func) = n
        .child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
    else {
        return;
    };
    let (Some(op), Some(field)) = (
        func.child_by_field_name("operand"),
        func.child_by_field_name("field"),
    ) else {
        return;
    };
    if ctx.text(op) != "regexp" {
        return;
    }
    let name = ctx.text(field);
    if !matches!(
        name,
        "MustCompile"
            | "Compile"
            | "MustCompilePOSIX"
            | "CompilePOSIX"
            | "MatchString"
            | "Match"
            | "MatchReader"
    ) {
        return;
    }
    let Some(list) = n.child_by_field_name("arguments") else {
        return;
    };
    let Some(&pattern) = args(list).first() else {
        return;
    };
    ctx.record(Use {
        pattern,
        flags: Ok(Flags::default()),
        flavor: Flavor::Go,
        mode: Some(Mode::Search),
        api: format!("regexp.{name}"),
        linear: true,
    });
}
