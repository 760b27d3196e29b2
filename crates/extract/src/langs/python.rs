//! Python: the functions of the `re` module.

use crate::decode::{unescape, DecodeError, Decoded, Style};
use crate::walk::{args, Ctx, Flags, Use};
use redoscope_automata::Mode;
use redoscope_syntax::Flavor;
use tree_sitter::Node;

pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    if n.kind() != "string" {
        return None;
    }
    let mut c = n.walk();
    let kids: Vec<Node<'_>> = n.children(&mut c).collect();
    let start = kids.iter().find(|k| k.kind() == "string_start")?;
    let end = kids.iter().rev().find(|k| k.kind() == "string_end")?;
    if kids.iter().any(|k| k.kind() == "interpolation") {
        return Some(Ok(None));
    }
    let prefix: String = ctx
        .text(*start)
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let from = start.end_byte();
    let to = end.start_byte().max(from);
    let content = ctx.src.get(from..to)?;
    if prefix.contains('f') && (content.contains('{') || content.contains('}')) {
        return Some(Ok(None));
    }
    Some(if prefix.contains('r') {
        Ok(Some(Decoded::verbatim(content, from)))
    } else {
        unescape(
            content,
            from,
            Style::Python {
                bytes: prefix.contains('b'),
            },
        )
        .map(Some)
    })
}

pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match n.kind() {
        "assignment" => {
            if let Some(left) = n
                .child_by_field_name("left")
                .filter(|k| k.kind() == "identifier")
            {
                let right = n.child_by_field_name("right");
                ctx.bind(ctx.text(left), right);
            }
        }
        "import_from_statement" => {
            let module = n.child_by_field_name("module_name").map(|m| ctx.text(m));
            if module != Some("re") {
                return;
            }
            let mut c = n.walk();
            let names: Vec<Node<'t>> = n.children_by_field_name("name", &mut c).collect();
            for name in names {
                let (bound, real) = match name.kind() {
                    "aliased_import" => {
                        let (Some(real), Some(alias)) = (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        ) else {
                            continue;
                        };
                        (ctx.text(alias), ctx.text(real))
                    }
                    _ => (ctx.text(name), ctx.text(name)),
                };
                ctx.python_re_imports.insert(bound, real);
            }
        }
        "augmented_assignment" => {
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

/// A `re` flag constant: its letter, `Some("")` for no flag.
fn flag_letter(name: &str) -> Option<&'static str> {
    Some(match name {
        "I" | "IGNORECASE" => "i",
        "M" | "MULTILINE" => "m",
        "S" | "DOTALL" => "s",
        "X" | "VERBOSE" => "x",
        "A" | "ASCII" => "a",
        "L" | "LOCALE" => "L",
        "U" | "UNICODE" => "u",
        "T" | "TEMPLATE" => "t",
        "DEBUG" | "NOFLAG" => "",
        _ => return None,
    })
}

fn eval_flags(ctx: &Ctx<'_>, n: Node<'_>, depth: u32) -> Option<Flags> {
    if depth > 32 {
        return None;
    }
    let mut f = Flags::default();
    match n.kind() {
        "binary_operator" => {
            let op = n.child_by_field_name("operator").map(|o| ctx.text(o));
            if !matches!(op, Some("|" | "+")) {
                return None;
            }
            f.union(eval_flags(ctx, n.child_by_field_name("left")?, depth + 1)?);
            f.union(eval_flags(ctx, n.child_by_field_name("right")?, depth + 1)?);
        }
        "parenthesized_expression" => return eval_flags(ctx, *args(n).first()?, depth + 1),
        "attribute" => {
            let obj = n.child_by_field_name("object")?;
            if !matches!(ctx.text(obj), "re" | "re.RegexFlag") {
                return None;
            }
            let name = ctx.text(n.child_by_field_name("attribute")?);
            f.letters = flag_letter(name)?.to_string();
        }
        // `from re import I`.
        "identifier" => match flag_letter(ctx.text(n)) {
            Some(l) => f.letters = l.to_string(),
            // `FLAGS = re.I | re.M` in the same file.
            None => return eval_flags(ctx, ctx.lookup(ctx.text(n))?, depth + 1),
        },
        "integer" if ctx.text(n) == "0" => {}
        _ => return None,
    }
    Some(f)
}

/// For `re.compile(…)`, the mode of a method called on the result at once.
fn chained_mode(ctx: &Ctx<'_>, call: Node<'_>) -> Option<Mode> {
    let attr = call.parent().filter(|p| p.kind() == "attribute")?;
    attr.parent().filter(|p| p.kind() == "call")?;
    method_mode(ctx.text(attr.child_by_field_name("attribute")?))
}

fn method_mode(name: &str) -> Option<Mode> {
    Some(match name {
        "match" => Mode::Prefix,
        "fullmatch" => Mode::Full,
        "search" | "findall" | "finditer" | "sub" | "subn" | "split" => Mode::Search,
        _ => return None,
    })
}

pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    if n.kind() != "call" {
        return;
    }
    let Some(func) = n.child_by_field_name("function") else {
        return;
    };
    let name = match func.kind() {
        "attribute" => {
            let (Some(obj), Some(attr)) = (
                func.child_by_field_name("object"),
                func.child_by_field_name("attribute"),
            ) else {
                return;
            };
            if ctx.text(obj) != "re" {
                return;
            }
            ctx.text(attr)
        }
        // `from re import compile`.
        "identifier" => match ctx.python_re_imports.get(ctx.text(func)) {
            Some(real) => real,
            None => return,
        },
        _ => return,
    };
    // The positional index of `flags`.
    let flags_at = match name {
        "compile" => 1,
        "match" | "fullmatch" | "search" | "findall" | "finditer" => 2,
        "split" => 3,
        "sub" | "subn" => 4,
        _ => return,
    };
    let mode = if name == "compile" {
        chained_mode(ctx, n)
    } else {
        method_mode(name)
    };
    let Some(list) = n.child_by_field_name("arguments") else {
        return;
    };
    let mut positional = Vec::new();
    let mut pattern_kw = None;
    let mut flags_kw = None;
    for a in args(list) {
        if a.kind() == "keyword_argument" {
            let key = a.child_by_field_name("name").map(|k| ctx.text(k));
            let value = a.child_by_field_name("value");
            match key {
                Some("pattern") => pattern_kw = value,
                Some("flags") => flags_kw = value,
                _ => {}
            }
        } else if matches!(a.kind(), "list_splat" | "dictionary_splat") {
            break;
        } else {
            positional.push(a);
        }
    }
    let Some(pattern) = positional.first().copied().or(pattern_kw) else {
        return;
    };
    let flags = match flags_kw.or_else(|| positional.get(flags_at).copied()) {
        None => Ok(Flags::default()),
        Some(f) => eval_flags(ctx, f, 0).ok_or_else(|| ctx.text(f).to_string()),
    };
    ctx.record(Use {
        pattern,
        flags,
        flavor: Flavor::Python,
        mode,
        api: format!("re.{name}"),
        linear: false,
    });
}
