//! The regex APIs and string literals of each language.

pub(crate) mod csharp;
pub(crate) mod go;
pub(crate) mod java;
pub(crate) mod js;
pub(crate) mod php;
pub(crate) mod python;
pub(crate) mod ruby;
pub(crate) mod rust;

use crate::decode::{DecodeError, Decoded};
use crate::walk::Ctx;
use crate::Language;
use tree_sitter::Node;

/// The value of a string literal node: `None` when the node is not a
/// string literal of the language, `Some(Ok(None))` for one that is not a
/// constant (interpolation, heredoc).
pub(crate) fn literal(ctx: &Ctx<'_>, n: Node<'_>) -> Option<Result<Option<Decoded>, DecodeError>> {
    match ctx.lang {
        Language::JavaScript | Language::TypeScript | Language::Tsx => js::literal(ctx, n),
        Language::Python => python::literal(ctx, n),
        Language::Java => java::literal(ctx, n),
        Language::Go => go::literal(ctx, n),
        Language::Ruby => ruby::literal(ctx, n),
        Language::Php => php::literal(ctx, n),
        Language::CSharp => csharp::literal(ctx, n),
        Language::Rust => rust::literal(ctx, n),
    }
}

/// First pass: names bound to values.
pub(crate) fn bindings<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match ctx.lang {
        Language::JavaScript | Language::TypeScript | Language::Tsx => js::bindings(ctx, n),
        Language::Python => python::bindings(ctx, n),
        Language::Java => java::bindings(ctx, n),
        Language::Go => go::bindings(ctx, n),
        Language::Ruby => ruby::bindings(ctx, n),
        Language::Php => php::bindings(ctx, n),
        Language::CSharp => csharp::bindings(ctx, n),
        Language::Rust => rust::bindings(ctx, n),
    }
}

/// Whether a node of this kind can be a regex use in some language: the
/// kinds [`visit`] looks at.
pub(crate) fn may_use_regex(kind: &str) -> bool {
    matches!(
        kind,
        "regex"
            | "new_expression"
            | "call_expression"
            | "call"
            | "method_invocation"
            | "function_call_expression"
            | "object_creation_expression"
            | "invocation_expression"
            | "attribute"
            | "macro_invocation"
            | "token_tree"
    )
}

/// Second pass: regex uses.
pub(crate) fn visit<'t>(ctx: &mut Ctx<'t>, n: Node<'t>) {
    match ctx.lang {
        Language::JavaScript | Language::TypeScript | Language::Tsx => js::visit(ctx, n),
        Language::Python => python::visit(ctx, n),
        Language::Java => java::visit(ctx, n),
        Language::Go => go::visit(ctx, n),
        Language::Ruby => ruby::visit(ctx, n),
        Language::Php => php::visit(ctx, n),
        Language::CSharp => csharp::visit(ctx, n),
        Language::Rust => rust::visit(ctx, n),
    }
}

/// The content of a literal whose delimiters are `open` bytes before and
/// `close` bytes after, with its source offset.
pub(crate) fn inner<'t>(
    ctx: &Ctx<'t>,
    n: Node<'_>,
    open: usize,
    close: usize,
) -> Option<(&'t str, usize)> {
    let r = n.byte_range();
    if r.end < r.start + open + close {
        return None;
    }
    let start = r.start + open;
    ctx.src.get(start..r.end - close).map(|s| (s, start))
}

/// Rewrites the offsets of `outer` (decoded from `inner.text` at base 0)
/// into source offsets through `inner`.
pub(crate) fn compose(outer: Decoded, inner: &Decoded) -> Decoded {
    let offsets = outer
        .offsets
        .iter()
        .map(|&o| {
            inner
                .offsets
                .get(o)
                .copied()
                .unwrap_or_else(|| inner.range().end)
        })
        .collect();
    Decoded {
        text: outer.text,
        offsets,
    }
}
