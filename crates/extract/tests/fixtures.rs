//! `extract()` over one fixture file per language: insta snapshots of what
//! is found, every pattern checked by the flavor's parser, and garbage
//! input that must neither panic nor hang.

use redoscope_extract::{extract, ExtractError, Extracted, Language};
#[allow(unused_imports)]
use redoscope_syntax::Flavor;
use serde::Serialize;
use std::path::Path;

const FIXTURES: [&str; 10] = [
    "sample.js",
    "sample.ts",
    "sample.tsx",
    "sample.py",
    "Sample.java",
    "sample.go",
    "sample.rb",
    "sample.php",
    "Sample.cs",
    "sample.rs",
];

/// Patterns in the fixtures that are invalid on purpose (`(`), with the
/// fixture they are in.
const DELIBERATELY_INVALID: &[(&str, &str)] = &[
    ("sample.js", "("),
    ("sample.py", "("),
    ("Sample.java", "("),
    ("sample.go", "("),
    ("sample.rb", "("),
    ("sample.php", "("),
    ("Sample.cs", "("),
    ("sample.rs", "("),
];

/// Patterns the flavor's parser rejects although the engine accepts them:
/// fancy_regex patterns are extracted as [`Flavor::Rust`] (the brief's
/// choice), whose parser has no look-around or backreferences.
const FLAVOR_GAPS: &[(&str, &str)] = &[("sample.rs", "(a+)+(?=b)")];

/// Words found only in the fixtures' comments, plain strings and other
/// forms that must not be extracted.
const NOT_REGEX_MARKERS: &[&str] = &[
    "comment",
    "block",
    "not a regex",
    "never",
    "docstring",
    "html text",
    "other module",
    "input text",
];

fn load(name: &str) -> (String, Language) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let src = std::fs::read_to_string(&path).unwrap();
    (src, Language::from_path(&path).unwrap())
}

/// One extraction with the source line it points into, for review.
#[derive(Serialize)]
struct Shown<'a> {
    source_line: &'a str,
    #[serde(flatten)]
    found: &'a Extracted,
}

#[derive(Serialize)]
struct Snapshot<'a> {
    found: Vec<Shown<'a>>,
    errors: &'a [ExtractError],
}

fn snapshot(name: &str) {
    let (src, lang) = load(name);
    let (found, errors) = extract(&src, lang);
    let lines: Vec<&str> = src.lines().collect();
    for e in &found {
        // The fixtures' must-not-extract forms all carry one of these words.
        for word in NOT_REGEX_MARKERS {
            assert!(
                !e.pattern.contains(word),
                "{name}: extracted {:?}",
                e.pattern
            );
        }
        // The position and the range agree, and a verbatim pattern is
        // where it says.
        assert_eq!(src[e.byte_range.clone()] == e.pattern, e.verbatim, "{e:?}");
        let line_start: usize = lines[..e.line as usize - 1]
            .iter()
            .map(|l| l.len() + 1)
            .sum();
        let col = src[line_start..e.byte_range.start].chars().count() + 1;
        assert_eq!(col as u32, e.column, "{e:?}");
    }
    let shown = found
        .iter()
        .map(|e| Shown {
            source_line: lines[e.line as usize - 1].trim(),
            found: e,
        })
        .collect();
    insta::with_settings!({ snapshot_suffix => name, prepend_module_to_snapshot => false }, {
        insta::assert_yaml_snapshot!("extract", Snapshot { found: shown, errors: &errors });
    });
}

macro_rules! snapshot_tests {
    ($($test:ident => $file:literal,)*) => {
        $(#[test] fn $test() { snapshot($file); })*
    };
}

snapshot_tests! {
    javascript => "sample.js",
    typescript => "sample.ts",
    tsx => "sample.tsx",
    python => "sample.py",
    java => "Sample.java",
    go => "sample.go",
    ruby => "sample.rb",
    php => "sample.php",
    csharp => "Sample.cs",
    rust => "sample.rs",
}

#[test]
fn every_extracted_pattern_parses() {
    let mut failures = Vec::new();
    for name in FIXTURES {
        let (src, lang) = load(name);
        let (found, _) = extract(&src, lang);
        assert!(!found.is_empty(), "{name}: nothing found");
        for e in found {
            let ok = redoscope_syntax::parse(&e.pattern, e.flavor, &e.flags);
            let deliberate = DELIBERATELY_INVALID.contains(&(name, e.pattern.as_str()))
                || FLAVOR_GAPS.contains(&(name, e.pattern.as_str()));
            match (ok, deliberate) {
                (Ok(_), false) | (Err(_), true) => {}
                (Ok(_), true) => failures.push(format!(
                    "{name}:{}: {:?} parses but is listed as invalid",
                    e.line, e.pattern
                )),
                (Err(err), false) => failures.push(format!(
                    "{name}:{}: {:?} /{}/ ({}): {err}",
                    e.line, e.pattern, e.flags, e.flavor
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn from_path() {
    for (p, l) in [
        ("a.js", Language::JavaScript),
        ("a.mjs", Language::JavaScript),
        ("a.cjs", Language::JavaScript),
        ("a.jsx", Language::JavaScript),
        ("a.ts", Language::TypeScript),
        ("a.mts", Language::TypeScript),
        ("a.cts", Language::TypeScript),
        ("a.tsx", Language::Tsx),
        ("a.py", Language::Python),
        ("a.pyi", Language::Python),
        ("A.java", Language::Java),
        ("a.go", Language::Go),
        ("a.rb", Language::Ruby),
        ("a.php", Language::Php),
        ("A.cs", Language::CSharp),
        ("a.rs", Language::Rust),
    ] {
        assert_eq!(Language::from_path(Path::new(p)), Some(l), "{p}");
    }
    for p in ["a", "a.c", "a.json", ".js", "a.JS"] {
        assert_eq!(Language::from_path(Path::new(p)), None, "{p}");
    }
}

/// A small deterministic generator (no dependency needed for this).
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn garbage_neither_panics_nor_hangs() {
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..10 {
        let bytes: Vec<u8> = (0..20_000).map(|_| xorshift(&mut s) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        for lang in Language::ALL {
            let (found, errors) = extract(&text, lang);
            assert!(found.is_empty() && errors[0].message.starts_with("binary file"));
        }
        // Without NUL bytes, so that it is parsed.
        let text = text.replace('\0', " ");
        for lang in Language::ALL {
            let _ = extract(&text, lang);
        }
        // Fixtures cut at random points: half-written code.
        for name in FIXTURES {
            let (src, lang) = load(name);
            let mut cut = (xorshift(&mut s) as usize) % src.len();
            while !src.is_char_boundary(cut) {
                cut -= 1;
            }
            let _ = extract(&src[..cut], lang);
            let _ = extract(&src[cut..], lang);
        }
        let _ = round;
    }
    // Regex-ish characters and unbalanced quotes and brackets.
    let alphabet = b"/\\\"'`()[]{}<>#~+*?|^$.,;:=!@%&-_ \nreRegExpnewcompile";
    let text: String = (0..200_000)
        .map(|_| alphabet[(xorshift(&mut s) as usize) % alphabet.len()] as char)
        .collect();
    for lang in Language::ALL {
        let _ = extract(&text, lang);
    }
    // Deep nesting.
    let deep = format!("{}x{}", "(".repeat(50_000), ")".repeat(50_000));
    for lang in Language::ALL {
        let _ = extract(&deep, lang);
    }
}

#[test]
fn cancelled_before_parsing() {
    let (src, lang) = load("sample.js");
    let big = src.repeat(50);
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let (found, errors) = redoscope_extract::extract_cancellable(&big, lang, &cancel);
    assert!(found.is_empty());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.starts_with("cancelled"), "{errors:?}");
}

#[test]
fn minified_js_line_of_5_mb() {
    let unit = r#"var a=/ab+c/gi,b=new RegExp("\\d+","g"),c=x/y/z,d="(a+)+$";function f(s){return s.replace(/\s+/g," ")}"#;
    let mut src = String::with_capacity(5 << 20);
    while src.len() < 5 << 20 {
        src.push_str(unit);
    }
    let (found, errors) = extract(&src, Language::JavaScript);
    assert!(errors.is_empty());
    let per_unit = 3;
    assert_eq!(found.len(), src.len() / unit.len() * per_unit);
    assert!(found.iter().all(|e| e.line == 1));
}
