//! No stack overflow, no blow-up: hostile patterns get a result or a clear
//! error from the parser and the lowering, in every flavor.
//!
//! These tests check outcomes, not times (speed is measured in `benches/`);
//! a regression to quadratic or exponential behaviour shows up as a test
//! that does not finish.

use redoscope::syntax::{self, ErrorKind, Flavor};

/// 100,000 nested groups: a nest-limit error with a span, never a stack overflow.
#[test]
fn deeply_nested_groups_are_a_clear_error() {
    let depth = 100_000;
    let pattern = format!("{}a{}", "(".repeat(depth), ")".repeat(depth));
    for flavor in Flavor::ALL {
        let err = syntax::parse(&pattern, flavor, "").expect_err("nesting beyond the limit");
        assert_eq!(err.kind, ErrorKind::NestLimitExceeded, "{flavor}: {err}");
        assert!(
            err.span.end <= pattern.len(),
            "{flavor}: span inside the pattern"
        );
        assert!(err.message.contains("nest"), "{flavor}: {}", err.message);
    }
}

/// Nested classes (Java, Ruby, JS `v`) and nested quantifiers count too.
#[test]
fn deeply_nested_classes_and_quantifiers_are_a_clear_error() {
    let classes = format!("{}a{}", "[".repeat(50_000), "]".repeat(50_000));
    for (flavor, flags) in [(Flavor::Java, ""), (Flavor::Ruby, ""), (Flavor::Js, "v")] {
        let err = syntax::parse(&classes, flavor, flags).expect_err("too deep");
        assert_eq!(err.kind, ErrorKind::NestLimitExceeded, "{flavor}");
    }
    // Onigmo accepts stacked quantifiers (`a{1}{1}…`): each one nests.
    let stacked = format!("a{}", "{1}".repeat(100_000));
    let err = syntax::parse(&stacked, Flavor::Ruby, "").expect_err("too deep");
    assert_eq!(err.kind, ErrorKind::NestLimitExceeded);
}

/// Nesting just under the limit parses and lowers.
#[test]
fn nesting_under_the_limit_parses_and_lowers() {
    let depth = 900;
    let pattern = format!("{}a{}", "(?:".repeat(depth), ")".repeat(depth));
    for flavor in [Flavor::Js, Flavor::Python, Flavor::Java, Flavor::Pcre] {
        // Run on a thread with the default test stack size, as users would.
        let p = syntax::parse(&pattern, flavor, "").expect("under the limit");
        let lowered = syntax::lower(&p).expect("lowers");
        assert_eq!(lowered.ir.props.min_len, 1, "{flavor}");
    }
}

/// A 1 MB pattern: parsed and lowered in linear time, its tree intact.
#[test]
fn one_megabyte_pattern() {
    let alts = 200_000;
    let pattern = format!("^(?:{}zz)$", "ab|".repeat(alts));
    assert!(pattern.len() > 600_000);
    let big_class = format!("[{}]", "a-c\\d".repeat(200_000));
    for flavor in Flavor::ALL {
        let p = syntax::parse(&pattern, flavor, "").unwrap_or_else(|e| panic!("{flavor}: {e}"));
        let l = syntax::lower(&p).unwrap_or_else(|e| panic!("{flavor}: {e}"));
        assert_eq!(l.ir.props.max_len, Some(2), "{flavor}");
        if flavor != Flavor::Go {
            let p =
                syntax::parse(&big_class, flavor, "").unwrap_or_else(|e| panic!("{flavor}: {e}"));
            let l = syntax::lower(&p).unwrap_or_else(|e| panic!("{flavor}: {e}"));
            assert_eq!(l.ir.props.min_len, 1, "{flavor}");
        }
    }
    let literal = "x".repeat(1 << 20);
    let p = syntax::parse(&literal, Flavor::Js, "").unwrap();
    assert_eq!(syntax::lower(&p).unwrap().ir.props.min_len, 1 << 20);
}

/// Unicode properties in case-insensitive `v` mode, with set operations and
/// strings: the class is built (folded) without blowing up.
#[test]
fn properties_in_case_insensitive_v_mode() {
    let cases = [
        r"[\p{L}--\p{Script=Greek}]",
        r"[\p{Lu}&&\p{Script=Latin}]",
        r"[[\p{L}\p{N}]--[a-z]]+",
        r"[\p{RGI_Emoji}\q{abc|d}]",
        r"\P{Ll}",
        r"[^\p{Any}]",
    ];
    for pattern in cases {
        let p =
            syntax::parse(pattern, Flavor::Js, "iv").unwrap_or_else(|e| panic!("{pattern}: {e}"));
        syntax::lower(&p).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    }
    // 10,000 properties in one class.
    let many = format!("[{}]", r"\p{L}\P{Lu}\p{Script=Greek}".repeat(10_000));
    let p = syntax::parse(&many, Flavor::Js, "iv").unwrap();
    syntax::lower(&p).unwrap();
}

/// Huge counts are read, not expanded.
#[test]
fn huge_counts_are_not_expanded() {
    for (flavor, pattern) in [
        (Flavor::Js, "a{4294967295}"),
        (Flavor::Js, "(?:a{1000}){1000}"),
        (Flavor::Python, "a{4294967294}"),
        (Flavor::Java, "(?:a{100000}){100000}"),
    ] {
        let p = syntax::parse(pattern, flavor, "").unwrap_or_else(|e| panic!("{pattern}: {e}"));
        let l = syntax::lower(&p).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        assert!(l.ir.props.min_len >= 1000, "{pattern}");
    }
}
