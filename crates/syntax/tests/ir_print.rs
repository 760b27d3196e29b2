//! IR → pattern text → IR: printing an IR in a flavor and reading it back
//! gives the same IR (compared in its compact notation, which ignores spans).

use redoscope_syntax::ir::print_ir;
use redoscope_syntax::{lower, parse, Flavor};

fn roundtrip(pattern: &str, flavor: Flavor, flags: &str) -> Result<(), String> {
    let p = parse(pattern, flavor, flags).map_err(|e| format!("parse: {e}"))?;
    let ir = lower(&p).map_err(|e| format!("lower: {e}"))?.ir;
    let (text, printed_flags) = print_ir(&ir, flavor)?;
    let back = parse(&text, flavor, &printed_flags)
        .map_err(|e| format!("printed {text:?} does not parse: {e}"))?;
    let ir2 = lower(&back).map_err(|e| format!("lower again: {e}"))?.ir;
    if ir.to_string() != ir2.to_string() {
        return Err(format!("printed {text:?}\n  was  {ir}\n  now  {ir2}"));
    }
    Ok(())
}

const CASES: &[(&str, &str)] = &[
    (r"^(a+)+$", ""),
    (r"k\w+\s*[^\d-]", "i"),
    (r"^\s*(\S+(?:\s+\S+)*)\s*$", ""),
    (r"(?<y>\d{4})-(?<m>\d\d)-\k<y>", ""),
    (r"a{2,5}?b{3}c{4,}", ""),
    (r"(?=a)(?!b)(?<=c)(?<!d)e", ""),
    (r"\bfoo\B.*$", "m"),
    (r"^\w+@\w+\.com$", "i"),
    (r"[\p{L}--[a-z]]", "v"),
    (r"x|y|z|(?:)", ""),
    (r"[^]|[]", ""),
];

#[test]
fn js_patterns_print_back() {
    let mut fails = vec![];
    for (p, f) in CASES {
        if let Err(e) = roundtrip(p, Flavor::Js, f) {
            fails.push(format!("{p:?} /{f}: {e}"));
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn every_flavor_prints_back() {
    let cases: &[(&str, Flavor, &str)] = &[
        (r"^(\w+\s?)*$", Flavor::Python, ""),
        (r"(?P<a>x)(?P=a)\Z", Flavor::Python, ""),
        (r"(?>a+)b++c*+", Flavor::Java, ""),
        (r"\Aab$\z", Flavor::Java, "m"),
        (r"(?|(a)|(b))\1(?(1)x|y)", Flavor::Pcre, ""),
        (r"\Q.*\E[[:alpha:]]+", Flavor::Pcre, "i"),
        (r"^a\z|b$", Flavor::Ruby, ""),
        (r"(?<n>a)\k<n>[a-z-[aeiou]]", Flavor::Dotnet, ""),
        (r"(?i)straße\b", Flavor::Rust, ""),
        (r"(?s).+\pL{2,}", Flavor::Go, ""),
    ];
    let mut fails = vec![];
    for (p, fl, f) in cases {
        if let Err(e) = roundtrip(p, *fl, f) {
            fails.push(format!("{fl} {p:?} /{f}: {e}"));
        }
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

#[test]
fn what_a_flavor_lacks_is_an_error() {
    let p = parse(r"(?=a)b", Flavor::Js, "").unwrap();
    let ir = lower(&p).unwrap().ir;
    assert!(print_ir(&ir, Flavor::Go)
        .unwrap_err()
        .contains("lookaround"));
    let p = parse(r"(?>a)", Flavor::Java, "").unwrap();
    let ir = lower(&p).unwrap().ir;
    assert!(print_ir(&ir, Flavor::Js).unwrap_err().contains("atomic"));
}

/// Every pattern of the public corpora that lowers, in its own flavor
/// (skipped when `../shared/corpora` is absent).
#[test]
fn corpus_patterns_print_back() {
    let dir = std::env::var_os("REDOSCOPE_CORPORA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora")
        });
    let Ok(text) = std::fs::read_to_string(dir.join("redos-benchmarks-regexlib-java8/data.jsonl"))
    else {
        eprintln!("skipping: corpora not found at {}", dir.display());
        return;
    };
    let (mut ok, mut fails) = (0, vec![]);
    for line in text.lines() {
        let Some(p) = line
            .split("\"pattern\": \"")
            .nth(1)
            .and_then(|r| r.split("\", \"flags\"").next())
        else {
            continue;
        };
        let Ok(pattern) = serde_json::from_str::<String>(&format!("\"{p}\"")) else {
            continue;
        };
        if parse(&pattern, Flavor::Java, "").is_err() {
            continue;
        }
        match roundtrip(&pattern, Flavor::Java, "") {
            Ok(()) => ok += 1,
            Err(e) => fails.push(format!("{pattern:?}: {e}")),
        }
    }
    eprintln!("java: {ok} printed back, {} not", fails.len());
    assert!(
        fails.is_empty(),
        "{}",
        fails
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
