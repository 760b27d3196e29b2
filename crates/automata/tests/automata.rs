//! Unit-level checks of the automaton pieces: the alphabet partition, the
//! budget, strongly connected components, and the position automaton's
//! shape for patterns whose ambiguity lives in parallel edges.

use redoscope_automata::scc::tarjan;
use redoscope_automata::{
    Alphabet, Budget, Config, GaveUp, Mode, Nfa, StateKind, SEARCH_STATES, START,
};
use redoscope_syntax::ir::CharSet;
use redoscope_syntax::{lower, parse, Flavor};

fn nfa(pattern: &str, mode: Mode) -> Nfa {
    let ir = lower(&parse(pattern, Flavor::Js, "").unwrap()).unwrap().ir;
    Nfa::build(&ir, mode, &Config::default(), &mut Budget::unlimited()).unwrap()
}

#[test]
fn alphabet_atoms_split_no_set() {
    let sets = [
        CharSet::range('a', 'z'),
        CharSet::range('0', 'm'),
        CharSet::char('q'),
        CharSet::any(),
    ];
    let a = Alphabet::new(&sets, &mut Budget::unlimited()).unwrap();
    // Every set is exactly the union of its atoms, and atoms are disjoint.
    for s in &sets {
        let atoms = a.atoms_of(s);
        let mut union = CharSet::empty();
        for i in atoms.iter() {
            union = union.union(a.atom(i));
        }
        assert!(
            union.is_subset(s) && s.is_subset(&union),
            "{s:?} is not the union of its atoms"
        );
    }
    for i in 0..a.len() {
        for j in i + 1..a.len() {
            assert!(
                a.atom(i).is_disjoint(a.atom(j)),
                "atoms {i} and {j} overlap"
            );
        }
    }
    assert_eq!(
        a.atom_of('q'),
        a.atoms_of(&CharSet::char('q')).first().unwrap()
    );
    assert_ne!(a.atom_of('q'), a.atom_of('r'));
}

#[test]
fn budget_runs_out_and_cancels() {
    let mut b = Budget::new(10, None);
    assert!(b.tick(10).is_ok());
    assert_eq!(b.tick(1), Err(GaveUp::Steps));
    let stop = || true;
    let mut b = Budget::new(u64::MAX, Some(&stop));
    // The first tick already consults the callback.
    assert_eq!(b.tick(1), Err(GaveUp::Cancelled));
}

#[test]
fn tarjan_finds_cycles() {
    // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 3
    let succ = |v: usize| -> Vec<usize> {
        match v {
            0 => vec![1],
            1 => vec![2],
            2 => vec![0, 3],
            _ => vec![3],
        }
    };
    let s = tarjan(4, succ, &mut Budget::unlimited()).unwrap();
    assert_eq!(s.count, 2);
    assert_eq!(s.comp[0], s.comp[1]);
    assert_eq!(s.comp[1], s.comp[2]);
    assert_ne!(s.comp[2], s.comp[3]);
    // Successor components are numbered lower.
    assert!(s.comp[3] < s.comp[0]);
}

#[test]
fn nested_loops_are_parallel_edges() {
    // `(a+)+`: one position, two loop-backs (inner and outer) kept apart.
    let n = nfa("^(a+)+$", Mode::Search);
    let positions: Vec<usize> = (0..n.len())
        .filter(|&s| n.states[s].kind == StateKind::Position)
        .collect();
    assert_eq!(positions.len(), 1);
    let a = positions[0];
    let loops = n.edges[a].iter().filter(|e| e.to as usize == a).count();
    assert_eq!(loops, 2, "inner and outer loop-back");
    // Anchored: the search loop never enters the pattern.
    for s in SEARCH_STATES {
        assert!(n.edges[s as usize]
            .iter()
            .all(|e| n.states[e.to as usize].kind == StateKind::SearchLoop));
    }
}

#[test]
fn modes_shape_the_automaton() {
    let search = nfa(r"\s+", Mode::Search);
    let full = nfa(r"\s+", Mode::Full);
    assert!(search.edges[SEARCH_STATES[0] as usize]
        .iter()
        .any(|e| search.states[e.to as usize].kind == StateKind::Position));
    assert!(full.edges[START as usize]
        .iter()
        .all(|e| full.states[e.to as usize].kind == StateKind::Position));
}

#[test]
fn possessive_loop_leaves_only_on_other_characters() {
    let ir = lower(&parse(r"a*+a", Flavor::Java, "").unwrap())
        .unwrap()
        .ir;
    let n = Nfa::build(
        &ir,
        Mode::Full,
        &Config::default(),
        &mut Budget::unlimited(),
    )
    .unwrap();
    // The loop position cannot move on to the final `a`: that edge is gone.
    let a_atom = n.alphabet.atom_of('a');
    let loop_pos = (0..n.len())
        .find(|&s| n.edges[s].iter().any(|e| e.to as usize == s))
        .expect("a looping position");
    assert!(n.edges[loop_pos]
        .iter()
        .filter(|e| e.to as usize != loop_pos)
        .all(|e| !e.label.contains(a_atom)));
}

#[test]
fn size_limit_is_an_error_not_a_hang() {
    // 6,000 positions that no approximation can merge.
    let pattern = "ab".repeat(3_000);
    let ir = lower(&parse(&pattern, Flavor::Js, "").unwrap()).unwrap().ir;
    let r = Nfa::build(
        &ir,
        Mode::Search,
        &Config::default().max_states(5_000),
        &mut Budget::unlimited(),
    );
    assert!(matches!(
        r,
        Err(redoscope_automata::BuildError::GaveUp(GaveUp::TooBig(_)))
    ));
}
