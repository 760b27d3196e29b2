//! PHP: the `preg_*` functions, patterns written with delimiters and
//! modifiers (`'/…/i'`, `'#…#'`, `'{…}x'`).

use crate::decode::{unescape, DecodeError, Decoded, Style};
use crate::langs::inner;
use crate::walk::{args, named, Ctx, Flags, Use};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use tree_sitter::Node;

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    match n.kind() {
        "string" => {
            let text = ctx.text(n);
            let q = text.find('\'')?;
            let (s, at) = inner(ctx, n, q + 1, 1)?;
            Some(unescape(s, at, Style::SingleQuoted('\'')).map(Some))
        }
        "encapsed_string" => {
            if named(n).iter().any(|k| {
                !matches!(
                    k.kind(),
                    "string_content" | "escape_sequence" | "string_value"
                )
            }) {
                return Some(Ok(None));
            }
            let text = ctx.text(n);
            let q = text.find('"')?;
            let (s, at) = inner(ctx, n, q + 1, 1)?;
            Some(unescape(s, at, Style::PhpDouble).map(Some))
        }
        _ => None,
    }
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "const_element" => {
            let kids = named(n);
            if let (Some(name), Some(value)) = (kids.first(), kids.get(1)) {
                ctx.bind(ctx.text(*name), Some(*value));
            }
        }
        "assignment_expression" => {
            if let Some(left) = n
                .child_by_field_name("left")
                .filter(|k| k.kind() == "variable_name")
            {
                ctx.bind(ctx.text(left), n.child_by_field_name("right"));
            }
        }
        "augmented_assignment_expression" => {
            if let Some(left) = n.child_by_field_name("left") {
                ctx.bind(ctx.text(left), None);
            }
        }
        _ => {}
    }
}

/// Splits `/pattern/flags` as PHP does: a delimiter that is not
/// alphanumeric, backslash or NUL (leading whitespace skipped), the same
/// character or the matching bracket at the end, modifiers after it.
pub(crate) fn split_delimiters(d: &Decoded) -> Result<(Decoded, String), DecodeError> {
    let text = &d.text;
    let at = |i: usize| d.offsets.get(i).copied().unwrap_or(0);
    let start = text.len() - text.trim_start().len();
    let Some(open) = text[start..].chars().next() else {
        return Err(DecodeError {
            at: at(0),
            message: "preg: empty regular expression".into(),
        });
    };
    if open.is_alphanumeric() || open == '\\' || open == '\0' {
        return Err(DecodeError {
            at: at(start),
            message: "preg: delimiter must not be alphanumeric, backslash, or NUL".into(),
        });
    }
    let close = match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        c => c,
    };
    let body = start + open.len_utf8();
    let mut depth = 0usize;
    let mut end = None;
    let mut it = text[body..].char_indices();
    while let Some((i, c)) = it.next() {
        if c == '\\' {
            it.next();
        } else if c == close && depth == 0 {
            end = Some(body + i);
            break;
        } else if close != open && c == close {
            depth -= 1;
        } else if close != open && c == open {
            depth += 1;
        }
    }
    let Some(end) = end else {
        return Err(DecodeError {
            at: at(start),
            message: format!("preg: no ending delimiter '{close}' found"),
        });
    };
    let modifiers = &text[end + close.len_utf8()..];
    let mut flags = String::new();
    for (i, c) in modifiers.char_indices() {
        match c {
            'i' | 'm' | 's' | 'x' | 'u' | 'U' | 'D' | 'A' | 'n' | 'J' | 'S' | 'X' => flags.push(c),
            '\n' | '\r' | ' ' => {}
            _ => {
                return Err(DecodeError {
                    at: at(end + close.len_utf8() + i),
                    message: format!("preg: unknown modifier '{c}'"),
                })
            }
        }
    }
    Ok((d.slice(body, end), flags))
}

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    if n.kind() != "function_call_expression" {
        return;
    }
    let Some(func) = n.child_by_field_name("function") else {
        return;
    };
    let name = ctx.text(func).trim_start_matches('\\');
    if !matches!(
        name,
        "preg_match"
            | "preg_match_all"
            | "preg_replace"
            | "preg_replace_callback"
            | "preg_split"
            | "preg_grep"
            | "preg_filter"
    ) {
        return;
    }
    let Some(list) = n.child_by_field_name("arguments") else {
        return;
    };
    let Some(&first) = args(list).first() else {
        return;
    };
    // `preg_replace(['/a/', '/b/'], …)`: every element is a pattern.
    let inner_arg = args(first).last().copied().unwrap_or(first);
    let patterns: Vec<Node<'t>> = if inner_arg.kind() == "array_creation_expression" {
        named(inner_arg)
            .into_iter()
            .filter_map(|e| named(e).last().copied())
            .collect()
    } else {
        vec![first]
    };
    for pattern in patterns {
        ctx.record(Use {
            pattern,
            flags: Ok(Flags::default()),
            flavor: Flavor::Pcre,
            mode: Some(Mode::Search),
            api: name.to_string(),
            linear: false,
        });
    }
}
