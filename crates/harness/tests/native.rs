//! The in-process engines (PCRE2 interpreter and JIT, fancy-regex, the
//! regex crate, the PikeVM, the lazy DFA, and Oniguruma with the `onig`
//! feature): verdicts per mode, flags, translation from other flavors,
//! limits, what fancy-regex really runs, inputs UTF-8 cannot hold.

use redoscope_automata::Mode;
use redoscope_harness::engines::{by_name, fancy::DELEGATED, NAMES};
use redoscope_harness::{CompileError, Input, Limit, LimitKind, Outcome, Subject};
use redoscope_syntax::{lower, parse, Flavor};
use std::time::Duration;

/// Every in-process engine built in, with its own flavor.
fn engines() -> Vec<(&'static str, Flavor)> {
    let mut v = vec![
        ("pcre2", Flavor::Pcre),
        ("pcre2-jit", Flavor::Pcre),
        ("fancy", Flavor::Rust),
        ("regex", Flavor::Rust),
        ("pikevm", Flavor::Rust),
        ("dfa", Flavor::Rust),
    ];
    if cfg!(feature = "onig") {
        v.push(("onig", Flavor::Ruby));
    }
    v
}

const BACKTRACKING: &[&str] = &["pcre2", "pcre2-jit", "fancy", "onig"];
const LINEAR: &[&str] = &["regex", "pikevm", "dfa"];

/// What one compile and run gave.
#[derive(Debug)]
struct Ran {
    outcome: Outcome,
    notes: Vec<String>,
    /// The text the engine was given.
    text: String,
}

fn limit(steps: u64) -> Limit {
    Limit {
        time: Duration::from_secs(5),
        steps,
    }
}

/// Compiles `pattern` (`flavor`, `flags`, `mode`) on `engine` and runs it
/// on `input`.
fn run_input(
    engine: &str,
    pattern: &str,
    flavor: Flavor,
    flags: &str,
    mode: Mode,
    input: &Input,
    steps: u64,
) -> Result<Ran, CompileError> {
    let parsed = parse(pattern, flavor, flags).expect("parses");
    let lowered = lower(&parsed).expect("lowers");
    let subject = Subject {
        pattern,
        flavor,
        flags,
        mode,
        lowered: &lowered,
    };
    let mut e = by_name(engine).expect("engine");
    let ran = match e.compile(&subject) {
        Ok(mut c) => Ok(Ran {
            outcome: c.run(input, &limit(steps)),
            notes: c.notes(),
            text: c.pattern().to_string(),
        }),
        Err(err) => Err(err),
    };
    ran
}

fn run(
    engine: &str,
    pattern: &str,
    flavor: Flavor,
    flags: &str,
    mode: Mode,
    input: &str,
) -> Result<Ran, CompileError> {
    run_input(
        engine,
        pattern,
        flavor,
        flags,
        mode,
        &Input::from_str(input),
        1_000_000,
    )
}

/// Whether the run finished with a match (panics on anything else).
fn matched(
    engine: &str,
    pattern: &str,
    flavor: Flavor,
    flags: &str,
    mode: Mode,
    input: &str,
) -> bool {
    let ran = run(engine, pattern, flavor, flags, mode, input)
        .unwrap_or_else(|e| panic!("{engine} {flavor} {pattern:?}: {e}"));
    match ran.outcome {
        Outcome::Done { matched, .. } => matched,
        o => panic!("{engine} {flavor} {pattern:?} {mode:?} on {input:?}: {o:?}"),
    }
}

fn evil(n: usize) -> Input {
    Input::from_str(&format!("{}!", "a".repeat(n)))
}

#[test]
fn every_engine_has_a_name() {
    for (name, _) in engines() {
        assert!(NAMES.contains(&name), "{name}");
        let e = by_name(name).unwrap();
        assert_eq!(e.name(), name);
        assert!(!e.version().is_empty());
    }
    if !cfg!(feature = "onig") {
        let err = by_name("onig").err().expect("no onig without the feature");
        assert!(err.contains("feature"), "{err}");
    }
    let v = by_name("pcre2").unwrap().version();
    assert!(v.starts_with("PCRE2 10.46"), "{v}");
}

#[test]
fn modes_search_prefix_full() {
    for (e, native) in engines() {
        for flavor in [native, Flavor::Js] {
            let m = |mode, input| matched(e, "b+", flavor, "", mode, input);
            assert!(m(Mode::Search, "abbb"), "{e} {flavor}");
            assert!(!m(Mode::Prefix, "abbb"), "{e} {flavor}");
            assert!(!m(Mode::Full, "abbb"), "{e} {flavor}");
            assert!(m(Mode::Search, "bbb"), "{e} {flavor}");
            assert!(m(Mode::Prefix, "bbb"), "{e} {flavor}");
            assert!(m(Mode::Full, "bbb"), "{e} {flavor}");
            assert!(!m(Mode::Full, "bbba"), "{e} {flavor}");
            assert!(m(Mode::Prefix, "bbba"), "{e} {flavor}");
            // A full match that is not the leftmost-first one.
            let full = matched(e, "a|ab", flavor, "", Mode::Full, "ab");
            assert!(full, "{e} {flavor}: a|ab must fully match ab");
        }
    }
}

#[test]
fn the_i_flag() {
    for (e, native) in engines() {
        for flavor in [native, Flavor::Js] {
            assert!(
                matched(e, "B+", flavor, "i", Mode::Full, "bBb"),
                "{e} {flavor}"
            );
            assert!(
                !matched(e, "B+", flavor, "", Mode::Full, "bBb"),
                "{e} {flavor}"
            );
        }
    }
}

#[test]
fn other_flags() {
    // Dot-all: `s` in PCRE and Rust, `m` in Ruby.
    for (e, native) in engines() {
        let dotall = if native == Flavor::Ruby { "m" } else { "s" };
        assert!(matched(e, "a.b", native, dotall, Mode::Full, "a\nb"), "{e}");
        assert!(!matched(e, "a.b", native, "", Mode::Full, "a\nb"), "{e}");
    }
    // Extended mode, with a comment running to the end of the pattern,
    // which the anchoring of a full match must not swallow.
    for e in ["fancy", "regex", "pikevm", "dfa"] {
        let ran = run(
            e,
            r"\bfoo\b \s* # a comment",
            Flavor::Rust,
            "x",
            Mode::Full,
            "foo  ",
        )
        .unwrap();
        assert!(
            matches!(ran.outcome, Outcome::Done { matched: true, .. }),
            "{e}: {ran:?}"
        );
        assert!(
            !matched(e, r"foo # c", Flavor::Rust, "x", Mode::Full, "food"),
            "{e}"
        );
    }
    for e in ["pcre2", "pcre2-jit"] {
        assert!(
            matched(e, r"foo \s* # c", Flavor::Pcre, "x", Mode::Full, "foo  "),
            "{e}"
        );
        // PHP's D: `$` only at the very end.
        assert!(
            matched(e, r"a$", Flavor::Pcre, "", Mode::Search, "a\n"),
            "{e}"
        );
        assert!(
            !matched(e, r"a$", Flavor::Pcre, "D", Mode::Search, "a\n"),
            "{e}"
        );
        // U: lazy by default, which a full match does not care about.
        assert!(
            matched(e, r"a+", Flavor::Pcre, "U", Mode::Full, "aaa"),
            "{e}"
        );
    }
}

#[test]
fn a_dollar_before_a_final_newline_is_kept_in_translation() {
    // Python's `$` matches at the end and before a final newline.
    for (e, _) in engines() {
        let m = |mode, input| matched(e, r"^a+$", Flavor::Python, "", mode, input);
        assert!(m(Mode::Search, "aaa\n"), "{e}");
        assert!(m(Mode::Prefix, "aaa\n"), "{e}");
        assert!(!m(Mode::Full, "aaa\n"), "{e}");
        assert!(m(Mode::Full, "aaa"), "{e}");
        assert!(!m(Mode::Search, "aaa\n\n"), "{e}");
    }
    // Followed by more pattern: the backtracking engines keep it (fancy as
    // a lookahead), the Rust syntax cannot say it.
    for e in ["pcre2", "fancy"] {
        assert!(
            matched(e, r"a$\n", Flavor::Python, "", Mode::Search, "a\n"),
            "{e}"
        );
    }
    for e in LINEAR {
        let err = run(e, r"a$\n", Flavor::Python, "", Mode::Search, "a\n").unwrap_err();
        assert!(err.unsupported, "{e}");
    }
}

#[test]
fn other_flavors_run_translated() {
    // Java's `.` excludes its line terminators, printed as a class with
    // ranges up to U+10FFFF, and a Unicode property.
    for (e, _) in engines() {
        let ran = run(
            e,
            r"[\w-]+@(?i:x)\p{L}.",
            Flavor::Java,
            "",
            Mode::Full,
            "a-b@XéZ",
        )
        .unwrap();
        assert!(
            matches!(ran.outcome, Outcome::Done { matched: true, .. }),
            "{e}: {:?}",
            ran.outcome
        );
        assert!(
            ran.notes.iter().any(|n| n.contains("translated from java")),
            "{e}"
        );
        assert!(
            !matched(e, r"a.b", Flavor::Java, "", Mode::Full, "a\u{2028}b"),
            "{e}"
        );
    }
    // Backtracking-only constructs on the backtracking engines.
    for e in ["pcre2", "pcre2-jit", "fancy"] {
        assert!(
            matched(e, r"(a)?(?(1)b|c)", Flavor::Pcre, "", Mode::Full, "ab"),
            "{e}"
        );
        assert!(
            matched(e, r"(?<=a)b", Flavor::Js, "", Mode::Search, "ab"),
            "{e}"
        );
        assert!(
            !matched(e, r"(?<=a)b", Flavor::Js, "", Mode::Search, "cb"),
            "{e}"
        );
        assert!(
            matched(e, r"(\w+)-\1", Flavor::Python, "", Mode::Full, "ab-ab"),
            "{e}"
        );
        assert!(
            !matched(e, r"a++a", Flavor::Java, "", Mode::Search, "aaa"),
            "{e}"
        );
    }
}

#[test]
fn backtracking_engines_stop_at_the_step_limit() {
    // (pattern, flavor) per engine: fancy needs a hard node to backtrack.
    let cases: &[(&str, &str, Flavor)] = &[
        ("pcre2", r"^(a+)+$", Flavor::Pcre),
        ("pcre2-jit", r"^(a+)+$", Flavor::Pcre),
        ("fancy", r"^(a+)+(?!b)$", Flavor::Pcre),
        ("fancy", r"^(a+)+\1?$", Flavor::Pcre),
        ("onig", r"^(a+)+$", Flavor::Ruby),
    ];
    for &(e, p, flavor) in cases {
        if e == "onig" && !cfg!(feature = "onig") {
            continue;
        }
        let ran = run_input(e, p, flavor, "", Mode::Search, &evil(40), 100_000).unwrap();
        match ran.outcome {
            Outcome::OverLimit {
                limit: LimitKind::Steps,
                time,
                steps,
            } => {
                assert_eq!(steps, Some(100_000), "{e} {p}");
                assert!(time < Duration::from_secs(2), "{e} {p}: {time:?}");
            }
            o => panic!("{e} {p}: {o:?}"),
        }
        // A generous limit at a small length: it finishes, no match.
        let ran = run_input(e, p, flavor, "", Mode::Search, &evil(12), 100_000_000).unwrap();
        assert!(
            matches!(ran.outcome, Outcome::Done { matched: false, .. }),
            "{e} {p}: {:?}",
            ran.outcome
        );
        let ran = run_input(
            e,
            p,
            flavor,
            "",
            Mode::Search,
            &Input::from_str("aaaa"),
            100_000,
        )
        .unwrap();
        assert!(
            matches!(ran.outcome, Outcome::Done { matched: true, .. }),
            "{e} {p}"
        );
    }
}

#[test]
fn fancy_says_what_it_runs() {
    // Nothing hard: fancy-regex hands the pattern to the regex crate, which
    // does not backtrack: microseconds where a backtracker takes ages.
    for flavor in [Flavor::Rust, Flavor::Js, Flavor::Pcre] {
        let ran = run_input(
            "fancy",
            r"^(a+)+$",
            flavor,
            "",
            Mode::Search,
            &evil(30),
            1_000_000,
        )
        .unwrap();
        assert!(
            ran.notes.iter().any(|n| n == DELEGATED),
            "{flavor}: {:?}",
            ran.notes
        );
        match ran.outcome {
            Outcome::Done {
                matched: false,
                time,
                ..
            } => assert!(time < Duration::from_millis(50), "{flavor}: {time:?}"),
            o => panic!("{flavor}: {o:?}"),
        }
    }
    // A backreference is hard: the VM runs it and backtracks.
    let ran = run_input(
        "fancy",
        r"^(a+)+\1?$",
        Flavor::Pcre,
        "",
        Mode::Search,
        &evil(12),
        1_000_000,
    )
    .unwrap();
    assert!(!ran.notes.iter().any(|n| n == DELEGATED), "{:?}", ran.notes);
    assert!(
        ran.notes.iter().any(|n| n.contains("backtracking VM")),
        "{:?}",
        ran.notes
    );
    // A lookahead after the nested repeat is hard too: the VM backtracks
    // through `(a+)+` (with the optimizer off; by default fancy-regex would
    // rewrite it).
    let ran = run_input(
        "fancy",
        r"^(a+)+(?!b)$",
        Flavor::Js,
        "",
        Mode::Search,
        &evil(3),
        1000,
    )
    .unwrap();
    assert!(!ran.notes.iter().any(|n| n == DELEGATED), "{:?}", ran.notes);
    assert!(ran.text.contains("(?!b)"), "{}", ran.text);
    assert!(
        ran.notes.iter().any(|n| n.contains("default optimizer")),
        "{:?}",
        ran.notes
    );
    // A lookahead before it does not help: the rest after the last hard
    // part, `(a+)+$`, is delegated, and does not backtrack.
    let ran = run_input(
        "fancy",
        r"^(?=a)(a+)+$",
        Flavor::Js,
        "",
        Mode::Search,
        &evil(40),
        1000,
    )
    .unwrap();
    let vm = ran
        .notes
        .iter()
        .find(|n| n.contains("backtracking VM"))
        .expect("a VM note");
    assert!(vm.contains("(a+)+$"), "{vm}");
    assert!(
        matches!(ran.outcome, Outcome::Done { matched: false, .. }),
        "{:?}",
        ran.outcome
    );
}

#[test]
fn linear_engines_stay_linear_and_refuse_backtracking() {
    let long = evil(100_000);
    for e in LINEAR {
        for flavor in [Flavor::Rust, Flavor::Python] {
            for mode in [Mode::Search, Mode::Prefix, Mode::Full] {
                let ran = run_input(e, r"^(a+)+$", flavor, "", mode, &long, 1).unwrap();
                match ran.outcome {
                    Outcome::Done {
                        matched: false,
                        time,
                        ..
                    } => assert!(
                        time < Duration::from_secs(1),
                        "{e} {flavor} {mode:?}: {time:?}"
                    ),
                    o => panic!("{e} {flavor} {mode:?}: {o:?}"),
                }
            }
        }
        for (p, what) in [
            (r"(a)\1", "backreference"),
            (r"a(?=b)", "lookaround"),
            (r"(?>a)", "atomic"),
        ] {
            let err = run(e, p, Flavor::Python, "", Mode::Search, "aa").unwrap_err();
            assert!(err.unsupported, "{e} {p}");
            assert!(
                err.message.contains("needs backtracking"),
                "{e} {p}: {}",
                err.message
            );
            assert!(err.message.contains(what), "{e} {p}: {}", err.message);
        }
    }
}

#[test]
fn the_lazy_dfa_quits_on_a_unicode_word_boundary_next_to_non_ascii() {
    let ran = run("dfa", r"\bx", Flavor::Rust, "", Mode::Search, "éx").unwrap();
    match ran.outcome {
        Outcome::Failed(m) => assert!(m.contains("quit"), "{m}"),
        o => panic!("{o:?}"),
    }
    assert!(matched(
        "dfa",
        r"\bx",
        Flavor::Rust,
        "",
        Mode::Search,
        "a x"
    ));
}

#[test]
fn lone_surrogates_are_not_utf8() {
    let input = Input {
        code_points: vec![0x61, 0xD800, 0x62],
    };
    for (e, native) in engines() {
        let ran = run_input(e, "a", native, "", Mode::Search, &input, 1000).unwrap();
        match ran.outcome {
            Outcome::Failed(m) => assert!(m.contains("UTF-8"), "{e}: {m}"),
            o => panic!("{e}: {o:?}"),
        }
    }
}

#[test]
fn the_text_given_is_reported() {
    let ran = run("regex", "b+", Flavor::Rust, "", Mode::Full, "b").unwrap();
    assert_eq!(ran.text, r"\A(?:b+)\z");
    let ran = run("regex", "b+", Flavor::Rust, "", Mode::Prefix, "b").unwrap();
    assert_eq!(ran.text, r"\A(?:b+)");
    // PCRE2 anchors with options: its text is the pattern.
    let ran = run("pcre2", "b+", Flavor::Pcre, "", Mode::Full, "b").unwrap();
    assert_eq!(ran.text, "b+");
    assert!(ran.notes.is_empty(), "{:?}", ran.notes);
}

#[cfg(feature = "onig")]
#[test]
fn onig_reads_translated_escapes() {
    // Ruby prints U+10FFFF as `\u{10FFFF}`, which Oniguruma reads as `\x{…}`.
    assert!(matched(
        "onig",
        r"[^a]",
        Flavor::Python,
        "",
        Mode::Full,
        "\u{10FFFF}"
    ));
    assert!(matched(
        "onig",
        r"\u{1F600}+",
        Flavor::Ruby,
        "",
        Mode::Full,
        "😀😀"
    ));
    assert!(!matched(
        "onig",
        r"\\u{61}",
        Flavor::Ruby,
        "",
        Mode::Search,
        "a"
    ));
}

#[test]
fn backtracking_list_is_known() {
    for e in BACKTRACKING.iter().chain(LINEAR) {
        if *e == "onig" && !cfg!(feature = "onig") {
            continue;
        }
        assert!(by_name(e).is_ok(), "{e}");
    }
}
