//! Which Unicode property names each flavor accepts, and how they resolve.

use crate::ast::{Class, ClassItemKind, ClassSet, Property};
use crate::props_js;
use crate::Flavor;
use regex_syntax::hir::ClassUnicode;

/// Resolves a property through `regex-syntax`'s Unicode tables (loose
/// matching: case, spaces and underscores ignored).
pub fn resolve(name: &str, value: Option<&str>) -> Option<ClassUnicode> {
    let body = match value {
        Some(v) => format!("{name}={v}"),
        None => name.to_string(),
    };
    if body.contains(['}', '\\', '{', '[', ']']) || body.len() > 200 {
        return None;
    }
    let text = format!("\\p{{{body}}}");
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&text)
        .ok()?;
    match hir.kind() {
        regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => Some(c.clone()),
        _ => None,
    }
}

fn js_has(table: &[&str], s: &str) -> bool {
    table.binary_search(&s).is_ok()
}

/// Whether a JS `v`-mode property is a property of strings.
pub(crate) fn is_string_property(p: &Property) -> bool {
    p.value.is_none() && js_has(props_js::STRINGS, &p.name)
}

/// Whether a JS `v`-mode class may contain strings (then it cannot be negated).
pub(crate) fn class_may_contain_strings(c: &Class) -> bool {
    fn set(s: &ClassSet) -> bool {
        match s {
            ClassSet::Union { items } => items.iter().any(|i| match &i.kind {
                ClassItemKind::Property(p) => is_string_property(p),
                ClassItemKind::Strings(alts) => alts.iter().any(|a| a.len() != 1),
                ClassItemKind::Nested(c) => !c.negated && class_may_contain_strings(c),
                _ => false,
            }),
            ClassSet::Op {
                op: crate::ast::ClassOp::Intersection,
                lhs,
                rhs,
            } => set(lhs) && set(rhs),
            ClassSet::Op { lhs, .. } => set(lhs),
        }
    }
    set(&c.set)
}

const JAVA_POSIX: &[&str] = &[
    "Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print", "Blank",
    "Cntrl", "XDigit", "Space",
];

const JAVA_CHARACTER: &[&str] = &[
    "javaLowerCase",
    "javaUpperCase",
    "javaWhitespace",
    "javaMirrored",
    "javaAlphabetic",
    "javaIdeographic",
    "javaTitleCase",
    "javaDigit",
    "javaDefined",
    "javaLetter",
    "javaLetterOrDigit",
    "javaJavaIdentifierStart",
    "javaJavaIdentifierPart",
    "javaUnicodeIdentifierStart",
    "javaUnicodeIdentifierPart",
    "javaIdentifierIgnorable",
    "javaSpaceChar",
    "javaISOControl",
];

/// General categories `java.util.regex` knows by their short names, plus
/// its own `LC`, `LD`, `L1` and `all`.
const JAVA_GC: &[&str] = &[
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "L1", "LC", "LD", "Ll", "Lm", "Lo", "Lt", "Lu", "M",
    "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S",
    "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs", "all",
];

/// Binary properties Java 17 accepts after `Is` (case-insensitive; the
/// spellings without underscores are accepted too).
const JAVA_BINARY: &[&str] = &[
    "alphabetic",
    "assigned",
    "control",
    "digit",
    "hex_digit",
    "hexdigit",
    "ideographic",
    "join_control",
    "joincontrol",
    "letter",
    "lowercase",
    "noncharacter_code_point",
    "noncharactercodepoint",
    "punctuation",
    "titlecase",
    "uppercase",
    "white_space",
    "whitespace",
];

fn java_script_ok(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    crate::props_java::SCRIPTS
        .binary_search(&l.as_str())
        .is_ok()
        || (v.len() == 4 && v.is_ascii() && resolve("Script", Some(v)).is_some())
}

fn java_property_ok(name: &str, value: Option<&str>) -> bool {
    if let Some(v) = value {
        return match name.to_ascii_lowercase().as_str() {
            "script" | "sc" => java_script_ok(v),
            "block" | "blk" => crate::props_java::BLOCKS
                .binary_search(&v.to_ascii_lowercase().as_str())
                .is_ok(),
            "general_category" | "gc" => JAVA_GC.contains(&v),
            _ => false,
        };
    }
    if JAVA_POSIX.contains(&name) || JAVA_CHARACTER.contains(&name) || JAVA_GC.contains(&name) {
        return true;
    }
    if let Some(b) = name.strip_prefix("In") {
        return crate::props_java::BLOCKS
            .binary_search(&b.to_ascii_lowercase().as_str())
            .is_ok();
    }
    if let Some(rest) = name.strip_prefix("Is") {
        let l = rest.to_ascii_lowercase();
        return JAVA_GC.contains(&rest)
            || JAVA_BINARY.contains(&l.as_str())
            || java_script_ok(rest)
            || JAVA_POSIX.contains(&rest);
    }
    false
}

const PCRE_SPECIAL: &[&str] = &[
    "Any", "ASCII", "L&", "Lc", "Xan", "Xps", "Xsp", "Xuc", "Xwd",
];

/// Checks a property against what the flavor's engine accepts. The error is
/// the engine's message.
pub(crate) fn validate(flavor: Flavor, v_mode: bool, p: &Property) -> Result<(), String> {
    let name = p.name.as_str();
    let value = p.value.as_deref();
    match flavor {
        Flavor::Js => {
            let ok = match value {
                Some(v) => match name {
                    "General_Category" | "gc" => js_has(props_js::GC, v),
                    "Script" | "sc" | "Script_Extensions" | "scx" => js_has(props_js::SCRIPT, v),
                    _ => false,
                },
                None => {
                    js_has(props_js::GC, name)
                        || js_has(props_js::BINARY, name)
                        || (v_mode && js_has(props_js::STRINGS, name))
                }
            };
            if ok {
                Ok(())
            } else {
                Err("Invalid property name".to_string())
            }
        }
        Flavor::Java => {
            if java_property_ok(name, value) {
                Ok(())
            } else {
                Err(format!("Unknown character property name {{{}}}", p.name))
            }
        }
        Flavor::Pcre => {
            let ok = match value {
                Some(v) => {
                    resolve(name, Some(v)).is_some()
                        || name.eq_ignore_ascii_case("bidi_class")
                        || name.eq_ignore_ascii_case("bc")
                }
                None => {
                    // General categories only by their short names; no `Is` prefix.
                    let gc = resolve("gc", Some(name)).is_some();
                    PCRE_SPECIAL.contains(&name)
                        || (gc && name.len() <= 2)
                        || (!gc
                            && !name.to_ascii_lowercase().starts_with("is")
                            && resolve(name, None).is_some())
                }
            };
            if ok {
                Ok(())
            } else {
                Err("unknown property name after \\P or \\p".to_string())
            }
        }
        Flavor::Dotnet => {
            let ok = value.is_none()
                && (name.starts_with("Is") && name.len() > 2
                    || resolve("gc", Some(name)).is_some() && name.len() <= 2);
            if ok {
                Ok(())
            } else {
                Err(format!("Unknown property '{name}'."))
            }
        }
        Flavor::Go => {
            let ok = value.is_none() && (name == "Any" || resolve(name, None).is_some());
            if ok {
                Ok(())
            } else {
                Err("invalid character class range".to_string())
            }
        }
        Flavor::Ruby => {
            let ok = value.is_none()
                && (resolve(name, None).is_some()
                    || JAVA_POSIX.iter().any(|n| n.eq_ignore_ascii_case(name))
                    || name.eq_ignore_ascii_case("word")
                    || name.eq_ignore_ascii_case("alnum"));
            if ok {
                Ok(())
            } else {
                Err(format!("invalid character property name {{{name}}}"))
            }
        }
        Flavor::Python | Flavor::Rust => Ok(()),
    }
}
