//! Single forms, one assertion each: the corners the fixtures do not show.

use redoscope_extract::{extract, Language};

/// (pattern, flags) of every regex found.
fn found(src: &str, lang: Language) -> Vec<(String, String)> {
    let (found, errors) = extract(src, lang);
    assert!(errors.is_empty(), "{errors:?}");
    found.into_iter().map(|e| (e.pattern, e.flags)).collect()
}

fn one(p: &str, f: &str) -> Vec<(String, String)> {
    vec![(p.to_string(), f.to_string())]
}

#[test]
fn php_bracket_delimiters_nest() {
    assert_eq!(
        found("<?php preg_match('{a{2,3}}i', $s);", Language::Php),
        one("a{2,3}", "i")
    );
    assert_eq!(
        found("<?php preg_match('[x[0-9]]', $s);", Language::Php),
        one("x[0-9]", "")
    );
    assert_eq!(
        found("<?php preg_match(' /x\\/y/ ', $s);", Language::Php),
        one("x\\/y", "")
    );
}

#[test]
fn php_pattern_arrays() {
    let src = "<?php preg_replace(['/a+/', '#b#i'], ['x', 'y'], $s);";
    assert_eq!(
        found(src, Language::Php),
        vec![("a+".into(), "".into()), ("b".into(), "i".into())]
    );
}

#[test]
fn php_alphanumeric_delimiter_is_an_error() {
    let (found, errors) = extract("<?php preg_match('abc', $s);", Language::Php);
    assert!(found.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("alphanumeric"), "{errors:?}");
}

#[test]
fn js_regex_after_parenthesis_and_in_templates() {
    let src = "if (ok) /a+/.test(s);\nconst t = `${/b+/.test(s)}`;\nx = (a) / 2 / (b);";
    assert_eq!(
        found(src, Language::JavaScript),
        vec![("a+".into(), "".into()), ("b+".into(), "".into())]
    );
}

#[test]
fn python_keywords() {
    let src = "import re\nre.compile(pattern=r'x+', flags=re.I)\nre.sub('a', 'b', s, count=1, flags=re.M | re.S)";
    assert_eq!(
        found(src, Language::Python),
        vec![("x+".into(), "i".into()), ("a".into(), "ms".into())]
    );
}

#[test]
fn unresolved_flags_are_reported_and_the_pattern_kept() {
    let (found, errors) = extract(
        "import re\nre.compile(r'a+', get_flags())",
        Language::Python,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].flags, "");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("get_flags()"), "{errors:?}");
}

#[test]
fn a_name_bound_twice_is_not_resolved() {
    let src = "let P = 'a+';\nP = 'b+';\nnew RegExp(P);";
    assert!(found(src, Language::JavaScript).is_empty());
    let src = "P = 'a+'\nP = 'b+'\nimport re\nre.compile(P)";
    assert!(found(src, Language::Python).is_empty());
}

#[test]
fn columns_count_characters() {
    let (found, _) = extract("const é = 'ü'; const r = /a+/;", Language::JavaScript);
    assert_eq!((found[0].line, found[0].column), (1, 27));
    assert_eq!(found[0].byte_range, 28..30);
}

#[test]
fn verbatim_maps_pattern_offsets_to_the_source() {
    let src = "package main\nimport \"regexp\"\nvar r = regexp.MustCompile(`(a|b)+c`)\n";
    let (found, _) = extract(src, Language::Go);
    let e = &found[0];
    assert!(e.verbatim && e.linear_engine);
    assert_eq!(&src[e.byte_range.clone()], "(a|b)+c");
    assert_eq!((e.line, e.column), (3, 29));
}

#[test]
fn java_literal_flag_is_not_a_regex() {
    let src = "class A { void f() { Pattern.compile(\"a.b\", Pattern.LITERAL | Pattern.CASE_INSENSITIVE); } }";
    assert!(found(src, Language::Java).is_empty());
}

#[test]
fn ruby_integer_and_string_options() {
    let src = "Regexp.new('a', 5)\nRegexp.new('b', 'mx')\nRegexp.new('c', true)";
    assert_eq!(
        found(src, Language::Ruby),
        vec![
            ("a".into(), "im".into()),
            ("b".into(), "mx".into()),
            ("c".into(), "i".into())
        ]
    );
}

#[test]
fn csharp_named_arguments() {
    let src = "class A { void F() { Regex.IsMatch(pattern: \"a+\", input: s, options: RegexOptions.Multiline); } }";
    assert_eq!(found(src, Language::CSharp), one("a+", "m"));
}

#[test]
fn rust_use_decides_the_crate() {
    let src = "use fancy_regex::Regex;\nfn f() { Regex::new(r\"(?=a)\").unwrap(); }";
    let (found, _) = extract(src, Language::Rust);
    assert_eq!(found[0].api, "fancy_regex::Regex::new");
    assert!(!found[0].linear_engine);
}

#[test]
fn empty_and_whitespace_sources() {
    for lang in Language::ALL {
        for src in ["", " ", "\n\n", "\u{feff}"] {
            let (found, _) = extract(src, lang);
            assert!(found.is_empty());
        }
    }
}
