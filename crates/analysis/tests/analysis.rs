//! The analysis on its own: verdicts, degrees, and witnesses that really
//! drive the automaton through the ambiguous loops and make it fail.

use redoscope_analysis::{analyze, Analysis, Complexity, Config as AConfig};
use redoscope_automata::{Budget, Config, Mode, Nfa, SEARCH_STATES};
use redoscope_syntax::{lower, parse, Flavor};

fn run(pattern: &str, mode: Mode) -> (Nfa, Analysis) {
    let ir = lower(&parse(pattern, Flavor::Js, "").unwrap()).unwrap().ir;
    let nfa = Nfa::build(&ir, mode, &Config::default(), &mut Budget::unlimited()).unwrap();
    let a = analyze(&nfa, &AConfig::default(), &mut Budget::unlimited()).unwrap();
    (nfa, a)
}

/// Runs the witness text with each pump repeated `n` times on sets of
/// states and checks that no run matches before the end, and none at it.
fn fails(nfa: &Nfa, text: &str) -> bool {
    let mut set = nfa.start_set();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let a = nfa.alphabet.atom_of(c);
        if nfa.accepts(&set, Some(a)) {
            return false;
        }
        set = nfa.step(&set, a);
        // Attempts that start in the last character no longer matter.
        if i + 1 == chars.len() {
            for s in SEARCH_STATES {
                set.remove(s as usize);
            }
        }
    }
    !nfa.accepts(&set, None)
}

#[test]
fn exponential_witness_fails_the_match() {
    let (nfa, a) = run("^(a|aa)+$", Mode::Search);
    let Analysis::Vulnerable(f) = a else {
        panic!("{a:?}")
    };
    assert_eq!(f.complexity, Complexity::Exponential);
    for n in [1, 5, 20] {
        assert!(
            fails(&nfa, &f.witness.string(n)),
            "{:?}",
            f.witness.string(n)
        );
    }
}

#[test]
fn polynomial_degree_counts_the_search_loop() {
    let (_, a) = run("a*a*a*b", Mode::Search);
    let Analysis::Vulnerable(f) = a else {
        panic!("{a:?}")
    };
    assert_eq!(f.complexity, Complexity::Polynomial { degree: 4 });
    assert_eq!(f.witness.pumps.len(), 3);
    let (_, a) = run("a*a*a*b", Mode::Full);
    let Analysis::Vulnerable(f) = a else {
        panic!("{a:?}")
    };
    assert_eq!(f.complexity, Complexity::Polynomial { degree: 3 });
}

#[test]
fn ambiguity_that_always_matches_is_safe() {
    // `(a|a)*` matches the empty string at once: nothing to exploit.
    assert!(matches!(
        run("(a|a)*", Mode::Search).1,
        Analysis::Safe { .. }
    ));
    // The same ambiguity with an end anchor is exponential.
    assert!(matches!(
        run("(a|a)*$", Mode::Search).1,
        Analysis::Vulnerable(_)
    ));
}

#[test]
fn a_tiny_budget_gives_up_cleanly() {
    let ir = lower(&parse(r"^(\w+\s?)*$", Flavor::Js, "").unwrap())
        .unwrap()
        .ir;
    let nfa = Nfa::build(
        &ir,
        Mode::Search,
        &Config::default(),
        &mut Budget::unlimited(),
    )
    .unwrap();
    let r = analyze(&nfa, &AConfig::default(), &mut Budget::new(50, None));
    assert!(r.is_err(), "50 steps cannot decide this: {r:?}");
}
