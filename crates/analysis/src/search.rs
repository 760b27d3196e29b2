//! The search for ambiguous loops: components, pair and triple automata,
//! and the longest chain of polynomial pairs.

use crate::witness::Sim;
use crate::{Analysis, Complexity, Config, Finding};
use redoscope_automata::scc::{tarjan, tarjan_from};
use redoscope_automata::{Bits, Budget, GaveUp, Nfa, StateKind, START};
use redoscope_syntax::Span;
use std::collections::{HashMap, VecDeque};

const NONE: u32 = u32::MAX;

/// A loop structure found in the automaton, before it is checked.
struct Candidate {
    /// Where the pump starts (and, for EDA, ends).
    entry: u32,
    /// The pump in atoms.
    pump: Vec<usize>,
    /// States on the loops.
    states: Vec<u32>,
    /// Repetitions whose loop-back edges the loops use.
    loops: Vec<u32>,
}

struct Ctx<'a, 'b, 'c> {
    nfa: &'a Nfa,
    config: &'a Config,
    budget: &'b mut Budget<'c>,
    /// Reasons some part of the search was skipped.
    incomplete: Option<String>,
}

pub(crate) fn run(nfa: &Nfa, config: &Config, budget: &mut Budget) -> Result<Analysis, GaveUp> {
    let mut cx = Ctx {
        nfa,
        config,
        budget,
        incomplete: None,
    };
    let n = nfa.len();
    // Reachable states.
    let mut reach = vec![false; n];
    let mut queue = VecDeque::from([START as usize]);
    reach[START as usize] = true;
    while let Some(v) = queue.pop_front() {
        for e in &nfa.edges[v] {
            cx.budget.tick(1)?;
            if !reach[e.to as usize] {
                reach[e.to as usize] = true;
                queue.push_back(e.to as usize);
            }
        }
    }
    let sccs = tarjan(
        n,
        |v| -> Vec<usize> {
            if reach[v] {
                nfa.edges[v].iter().map(|e| e.to as usize).collect()
            } else {
                vec![]
            }
        },
        cx.budget,
    )?;
    let mut members: Vec<Vec<u32>> = vec![vec![]; sccs.count as usize];
    for v in 0..n {
        if reach[v] {
            members[sccs.comp[v] as usize].push(v as u32);
        }
    }
    // Components with a cycle.
    let nontrivial: Vec<bool> = (0..sccs.count as usize)
        .map(|c| {
            let m = &members[c];
            m.len() > 1
                || m.iter()
                    .any(|&v| nfa.edges[v as usize].iter().any(|e| e.to == v))
        })
        .collect();
    let sim = Sim {
        nfa,
        max_subsets: config.max_subsets,
        branch: std::cell::Cell::new(u32::MAX),
    };

    // Exponential: components in topological order (higher numbers first).
    let mut tried = 0;
    for c in (0..sccs.count as usize).rev() {
        if !nontrivial[c] {
            continue;
        }
        for cand in eda_candidates(&mut cx, &members[c], &sccs.comp, c as u32)? {
            tried += 1;
            if tried > config.candidates {
                break;
            }
            let chain = [(cand.entry, cand.pump.clone())];
            sim.branch.set(branch_of(nfa, &cand.states));
            if let Some(w) = sim.witness(&chain, cx.budget)? {
                return Ok(Analysis::Vulnerable(finding(
                    nfa,
                    Complexity::Exponential,
                    w,
                    &[cand],
                )));
            }
        }
    }

    // Polynomial: pairs of components.
    let edges = ida_edges(&mut cx, &sccs.comp, &members, &nontrivial, &reach, &sim)?;
    if !edges.is_empty() {
        if let Some(f) = longest_chain(&mut cx, &sccs, &members, &reach, edges, &sim)? {
            return Ok(Analysis::Vulnerable(f));
        }
    }
    if let Some(reason) = cx.incomplete {
        return Ok(Analysis::Unknown { reason });
    }
    Ok(Analysis::Safe {
        approximated: !nfa.approximations.is_empty(),
    })
}

fn finding(
    nfa: &Nfa,
    complexity: Complexity,
    witness: crate::Witness,
    cands: &[Candidate],
) -> Finding {
    let mut states: Vec<u32> = cands
        .iter()
        .flat_map(|c| c.states.iter().copied())
        .collect();
    states.sort_unstable();
    states.dedup();
    let mut hotspot: Vec<Span> = vec![];
    for c in cands {
        // Per loop structure: the outermost of the repetitions involved.
        let spans: Vec<Span> = c.loops.iter().map(|&l| nfa.repeats[l as usize]).collect();
        for s in &spans {
            let inside_other = spans
                .iter()
                .any(|o| o != s && o.start <= s.start && s.end <= o.end);
            if !inside_other && !hotspot.contains(s) {
                hotspot.push(*s);
            }
        }
    }
    hotspot.sort();
    let needs_confirmation = nfa.has_lookaround
        || nfa.has_backref
        || states.iter().any(|&s| {
            let st = &nfa.states[s as usize];
            st.atomic || st.from_backref
        });
    Finding {
        complexity,
        hotspot,
        witness,
        needs_confirmation,
        states,
    }
}

/// The latest top-level alternative among `states`: matches by later
/// alternatives come only after their work.
///
/// The search loop's retries are different: a later start position is only
/// tried when every alternative failed at the earlier ones, so any match
/// counts against them.
fn branch_of(nfa: &Nfa, states: &[u32]) -> u32 {
    if states
        .iter()
        .any(|&s| nfa.states[s as usize].kind == StateKind::SearchLoop)
    {
        return u32::MAX;
    }
    states
        .iter()
        .map(|&s| nfa.states[s as usize].branch)
        .max()
        .unwrap_or(u32::MAX)
}

/// The first atom in all of `labels` (and in `mask`).
fn common_atom(labels: &[&Bits], mask: &Bits) -> Option<usize> {
    let mut acc = mask.clone();
    for l in labels {
        acc.intersect_with(l);
    }
    acc.first()
}

/// Exponential candidates in one component: pair-automaton components
/// with a diagonal pair and a divergence, and a pump around each.
fn eda_candidates(
    cx: &mut Ctx,
    comp_states: &[u32],
    comp: &[u32],
    c: u32,
) -> Result<Vec<Candidate>, GaveUp> {
    let nfa = cx.nfa;
    let m = comp_states.len();
    if m * m > cx.config.max_product {
        cx.incomplete = Some(format!(
            "a loop of {m} states is too large for the pair automaton"
        ));
        return Ok(vec![]);
    }
    let mut local = vec![NONE; nfa.len()];
    for (i, &s) in comp_states.iter().enumerate() {
        local[s as usize] = i as u32;
    }
    // Local edges: (edge index, target local index).
    let ledges: Vec<Vec<(usize, usize)>> = comp_states
        .iter()
        .map(|&s| {
            nfa.edges[s as usize]
                .iter()
                .enumerate()
                .filter(|(_, e)| comp[e.to as usize] == c)
                .map(|(k, e)| (k, local[e.to as usize] as usize))
                .collect()
        })
        .collect();
    let label = |i: usize, k: usize| &nfa.edges[comp_states[i] as usize][k].label;
    let succ = |node: usize| -> Vec<usize> {
        let (i, j) = (node / m, node % m);
        let mut out = vec![];
        for &(k1, t1) in &ledges[i] {
            for &(k2, t2) in &ledges[j] {
                if label(i, k1).intersects(label(j, k2)) {
                    out.push(t1 * m + t2);
                }
            }
        }
        out
    };
    let prod = tarjan_from(m * m, (0..m).map(|i| i * m + i), succ, cx.budget)?;
    // Which product components hold a diagonal pair and diverge.
    let mut has_diag = vec![false; prod.count as usize];
    let mut diverges = vec![false; prod.count as usize];
    for node in 0..m * m {
        let pc = prod.comp[node];
        if pc == NONE {
            continue;
        }
        let (i, j) = (node / m, node % m);
        if i == j {
            has_diag[pc as usize] = true;
        } else {
            diverges[pc as usize] = true;
        }
        if i == j {
            for &(k1, t1) in &ledges[i] {
                for &(k2, t2) in &ledges[j] {
                    cx.budget.tick(1)?;
                    if k1 != k2
                        && prod.comp[t1 * m + t2] == pc
                        && label(i, k1).intersects(label(j, k2))
                    {
                        diverges[pc as usize] = true;
                    }
                }
            }
        }
    }
    let mut out = vec![];
    let all = nfa.alphabet.all();
    for pc in 0..prod.count as usize {
        if !(has_diag[pc] && diverges[pc]) {
            continue;
        }
        // A diagonal pair of this component.
        let Some(d) = (0..m).find(|&i| prod.comp[i * m + i] == pc as u32) else {
            continue;
        };
        // Shortest cycle d → (diverge) → d inside the component, per mask.
        let mut mask = all.clone();
        for _ in 0..3 {
            let Some(cand) =
                eda_cycle(cx, comp_states, &ledges, &prod.comp, pc as u32, m, d, &mask)?
            else {
                break;
            };
            for &a in &cand.pump {
                mask.remove(a);
            }
            out.push(cand);
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn eda_cycle(
    cx: &mut Ctx,
    comp_states: &[u32],
    ledges: &[Vec<(usize, usize)>],
    pcomp: &[u32],
    pc: u32,
    m: usize,
    d: usize,
    mask: &Bits,
) -> Result<Option<Candidate>, GaveUp> {
    let nfa = cx.nfa;
    let label = |i: usize, k: usize| &nfa.edges[comp_states[i] as usize][k].label;
    // BFS over (pair, diverged).
    let start = (d * m + d, false);
    // (pair, diverged) -> (previous, atom, edge of the first run, of the second)
    type Back = ((usize, bool), usize, usize, usize);
    let mut prev: HashMap<(usize, bool), Back> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut found = None;
    'bfs: while let Some((node, div)) = queue.pop_front() {
        let (i, j) = (node / m, node % m);
        for &(k1, t1) in &ledges[i] {
            for &(k2, t2) in &ledges[j] {
                cx.budget.tick(1)?;
                let next = t1 * m + t2;
                if pcomp[next] != pc {
                    continue;
                }
                let Some(atom) = common_atom(&[label(i, k1), label(j, k2)], mask) else {
                    continue;
                };
                let ndiv = div || t1 != t2 || (i == j && k1 != k2);
                let key = (next, ndiv);
                if prev.contains_key(&key) || key == start {
                    if key == (start.0, true) && !prev.contains_key(&key) {
                        prev.insert(key, ((node, div), atom, k1, k2));
                        found = Some(key);
                        break 'bfs;
                    }
                    continue;
                }
                prev.insert(key, ((node, div), atom, k1, k2));
                if key == (start.0, true) {
                    found = Some(key);
                    break 'bfs;
                }
                if prev.len() > cx.config.max_product {
                    return Ok(None);
                }
                queue.push_back(key);
            }
        }
    }
    let Some(mut cur) = found else {
        return Ok(None);
    };
    let mut pump = vec![];
    let mut states = vec![];
    let mut loops = vec![];
    loop {
        let (p, atom, k1, k2) = prev[&cur];
        pump.push(atom);
        let (i, j) = (p.0 / m, p.0 % m);
        for (s, k) in [(i, k1), (j, k2)] {
            let st = comp_states[s];
            states.push(st);
            if let Some(v) = nfa.edges[st as usize][k].via {
                if !loops.contains(&v) {
                    loops.push(v);
                }
            }
        }
        cur = p;
        if cur == start {
            break;
        }
    }
    pump.reverse();
    states.sort_unstable();
    states.dedup();
    Ok(Some(Candidate {
        entry: comp_states[d],
        pump,
        states,
        loops,
    }))
}

/// A checked polynomial pair: loops at `p` (component `from`) and `q`
/// (component `to`) on one pump.
struct IdaEdge {
    from: u32,
    to: u32,
    cand: Candidate,
    /// A witness for this pair alone was found.
    validated: bool,
}

fn ida_edges(
    cx: &mut Ctx,
    comp: &[u32],
    members: &[Vec<u32>],
    nontrivial: &[bool],
    reach: &[bool],
    sim: &Sim,
) -> Result<Vec<IdaEdge>, GaveUp> {
    let nfa = cx.nfa;
    let n = nfa.len();
    let ncomp = members.len();
    let mut out = vec![];
    let mut preds: Vec<Vec<u32>> = vec![vec![]; n];
    for (v, es) in nfa.edges.iter().enumerate() {
        if reach[v] {
            for e in es {
                preds[e.to as usize].push(v as u32);
            }
        }
    }
    for c1 in (0..ncomp).rev() {
        if !nontrivial[c1] {
            continue;
        }
        let fwd = forward(cx, &members[c1])?;
        let mut targets: Vec<usize> = (0..ncomp)
            .filter(|&c2| {
                c2 != c1 && nontrivial[c2] && members[c2].iter().any(|&s| fwd[s as usize])
            })
            .collect();
        targets.reverse();
        for c2 in targets {
            // States between: reachable from c1 and reaching c2.
            let mut bwd = vec![false; n];
            let mut q: VecDeque<u32> = members[c2].iter().copied().collect();
            for &s in &members[c2] {
                bwd[s as usize] = true;
            }
            while let Some(v) = q.pop_front() {
                for &p in &preds[v as usize] {
                    cx.budget.tick(1)?;
                    if fwd[p as usize] && !bwd[p as usize] {
                        bwd[p as usize] = true;
                        q.push_back(p);
                    }
                }
            }
            let between: Vec<bool> = (0..n).map(|v| fwd[v] && bwd[v]).collect();
            let ny = between.iter().filter(|&&b| b).count();
            let size = members[c1].len() * ny * members[c2].len();
            if size > cx.config.max_product {
                cx.incomplete = Some(format!(
                    "a triple automaton of {size} states is over the limit"
                ));
                continue;
            }
            // Structural pairs only: witnesses are built for the chain.
            if let Some(edge) = ida_pair(
                cx, comp, members, c1 as u32, c2 as u32, &between, sim, false,
            )? {
                out.push(edge);
            }
        }
    }
    Ok(out)
}

/// Looks for p in c1, q in c2 and a word v with p ⇝ p, p ⇝ q, q ⇝ q on v,
/// whose witness fails; tries a few pumps.
#[allow(clippy::too_many_arguments)]
fn ida_pair(
    cx: &mut Ctx,
    comp: &[u32],
    members: &[Vec<u32>],
    c1: u32,
    c2: u32,
    between: &[bool],
    sim: &Sim,
    validate: bool,
) -> Result<Option<IdaEdge>, GaveUp> {
    let nfa = cx.nfa;
    let all = nfa.alphabet.all();
    for &p in &members[c1 as usize] {
        for &q in &members[c2 as usize] {
            let mut mask = all.clone();
            for _ in 0..3 {
                let Some(cand) = triple_cycle(cx, comp, c1, c2, between, p, q, &mask)? else {
                    break;
                };
                for &a in &cand.pump {
                    mask.remove(a);
                }
                if !validate {
                    return Ok(Some(IdaEdge {
                        from: c1,
                        to: c2,
                        cand,
                        validated: false,
                    }));
                }
                let chain = [(p, cand.pump.clone())];
                sim.branch.set(branch_of(nfa, &cand.states));
                if sim.witness(&chain, cx.budget)?.is_some() {
                    return Ok(Some(IdaEdge {
                        from: c1,
                        to: c2,
                        cand,
                        validated: true,
                    }));
                }
            }
        }
    }
    Ok(None)
}

/// BFS in the triple automaton from (p, p, q) to (p, q, q).
#[allow(clippy::too_many_arguments)]
fn triple_cycle(
    cx: &mut Ctx,
    comp: &[u32],
    c1: u32,
    c2: u32,
    between: &[bool],
    p: u32,
    q: u32,
    mask: &Bits,
) -> Result<Option<Candidate>, GaveUp> {
    let nfa = cx.nfa;
    type T = (u32, u32, u32);
    let start: T = (p, p, q);
    let goal: T = (p, q, q);
    let mut prev: HashMap<T, (T, usize, [Option<u32>; 3])> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut found = false;
    'bfs: while let Some((x, y, z)) = queue.pop_front() {
        for e1 in nfa.edges[x as usize]
            .iter()
            .filter(|e| comp[e.to as usize] == c1)
        {
            for e2 in nfa.edges[y as usize]
                .iter()
                .filter(|e| between[e.to as usize])
            {
                if !e1.label.intersects(&e2.label) {
                    continue;
                }
                for e3 in nfa.edges[z as usize]
                    .iter()
                    .filter(|e| comp[e.to as usize] == c2)
                {
                    cx.budget.tick(1)?;
                    let Some(atom) = common_atom(&[&e1.label, &e2.label, &e3.label], mask) else {
                        continue;
                    };
                    let next = (e1.to, e2.to, e3.to);
                    if prev.contains_key(&next) {
                        continue;
                    }
                    prev.insert(next, ((x, y, z), atom, [e1.via, e2.via, e3.via]));
                    if next == goal {
                        found = true;
                        break 'bfs;
                    }
                    if prev.len() > cx.config.max_product {
                        return Ok(None);
                    }
                    queue.push_back(next);
                }
            }
        }
    }
    if !found {
        return Ok(None);
    }
    let mut cur = goal;
    let mut pump = vec![];
    let mut states = vec![];
    let mut loops = vec![];
    loop {
        let (pv, atom, vias) = prev[&cur];
        pump.push(atom);
        states.extend([pv.0, pv.2]);
        // Loop-backs of the two loops (not of the path between them).
        for v in [vias[0], vias[2]].into_iter().flatten() {
            if !loops.contains(&v) {
                loops.push(v);
            }
        }
        cur = pv;
        if cur == start {
            break;
        }
        if pump.len() > prev.len() + 1 {
            return Ok(None);
        }
    }
    pump.reverse();
    states.sort_unstable();
    states.dedup();
    Ok(Some(Candidate {
        entry: p,
        pump,
        states,
        loops,
    }))
}

/// The longest chain of checked pairs, checked as a whole.
fn longest_chain(
    cx: &mut Ctx,
    sccs: &redoscope_automata::scc::Sccs,
    members: &[Vec<u32>],
    reach: &[bool],
    mut edges: Vec<IdaEdge>,
    sim: &Sim,
) -> Result<Option<Finding>, GaveUp> {
    let nfa = cx.nfa;
    let ncomp = sccs.count as usize;
    // Predecessor components in the condensation.
    let mut cpreds: Vec<Vec<u32>> = vec![vec![]; ncomp];
    for (v, es) in nfa.edges.iter().enumerate() {
        if !reach[v] {
            continue;
        }
        for e in es {
            let (a, b) = (sccs.comp[v], sccs.comp[e.to as usize]);
            if a != b && !cpreds[b as usize].contains(&a) {
                cpreds[b as usize].push(a);
            }
        }
    }
    let _ = members;
    // Each failed attempt checks or drops one pair: enough attempts to go
    // through all of them (bounded).
    let attempts = (edges.len() * 2 + 4).min(256);
    for _attempt in 0..attempts {
        // end[c]: longest chain whose last pair ends in c; best[c]: longest
        // chain ending at or before c.
        let mut end = vec![(0u32, usize::MAX); ncomp];
        let mut best = vec![(0u32, u32::MAX); ncomp]; // (len, component where it ends)
        for c in (0..ncomp).rev() {
            for (ei, e) in edges.iter().enumerate() {
                if e.to as usize == c {
                    let l = best[e.from as usize].0 + 1;
                    if l > end[c].0 {
                        end[c] = (l, ei);
                    }
                }
            }
            let mut b = if end[c].0 > 0 {
                (end[c].0, c as u32)
            } else {
                (0, u32::MAX)
            };
            for &p in &cpreds[c] {
                if best[p as usize].0 > b.0 {
                    b = best[p as usize];
                }
            }
            best[c] = b;
        }
        let Some((last_c, &(len, _))) = end.iter().enumerate().max_by_key(|(_, (l, _))| *l) else {
            return Ok(None);
        };
        if len == 0 {
            return Ok(None);
        }
        // Rebuild the chain backwards.
        let mut chain_edges: Vec<usize> = vec![];
        let mut c = last_c;
        loop {
            let (l, ei) = end[c];
            if l == 0 || ei == usize::MAX {
                break;
            }
            chain_edges.push(ei);
            let from = edges[ei].from as usize;
            let (bl, bc) = best[from];
            if bl == 0 || bc == u32::MAX {
                break;
            }
            c = bc as usize;
        }
        chain_edges.reverse();
        let chain: Vec<(u32, Vec<usize>)> = chain_edges
            .iter()
            .map(|&ei| (edges[ei].cand.entry, edges[ei].cand.pump.clone()))
            .collect();
        let states: Vec<u32> = chain_edges
            .iter()
            .flat_map(|&ei| edges[ei].cand.states.clone())
            .collect();
        sim.branch.set(branch_of(nfa, &states));
        if let Some(w) = sim.witness(&chain, cx.budget)? {
            let degree = chain.len() as u32 + 1;
            let cands: Vec<Candidate> = chain_edges
                .iter()
                .map(|&ei| {
                    let c = &edges[ei].cand;
                    Candidate {
                        entry: c.entry,
                        pump: c.pump.clone(),
                        states: c.states.clone(),
                        loops: c.loops.clone(),
                    }
                })
                .collect();
            return Ok(Some(finding(
                nfa,
                Complexity::Polynomial { degree },
                w,
                &cands,
            )));
        }
        // The chain failed: check its pairs one by one (trying other
        // pumps); a pair with no witness of its own goes, and if every pair
        // has one, the last pair of the chain goes.
        let mut changed = false;
        for &ei in &chain_edges {
            if edges[ei].validated {
                continue;
            }
            let (c1, c2) = (edges[ei].from, edges[ei].to);
            let between = between_states(cx, members, reach, c1, c2)?;
            match ida_pair(cx, &sccs.comp, members, c1, c2, &between, sim, true)? {
                Some(e) => edges[ei] = e,
                None => {
                    edges.remove(ei);
                }
            }
            changed = true;
            break;
        }
        if !changed {
            edges.remove(*chain_edges.last().expect("non-empty"));
        }
        if edges.is_empty() {
            return Ok(None);
        }
    }
    // Out of attempts at long chains: settle for one pair with a witness.
    for i in 0..edges.len().min(cx.config.candidates) {
        let e = if edges[i].validated {
            Some(edges.swap_remove(i))
        } else {
            let (c1, c2) = (edges[i].from, edges[i].to);
            let between = between_states(cx, members, reach, c1, c2)?;
            ida_pair(cx, &sccs.comp, members, c1, c2, &between, sim, true)?
        };
        let Some(e) = e else { continue };
        sim.branch.set(branch_of(nfa, &e.cand.states));
        if let Some(w) = sim.witness(&[(e.cand.entry, e.cand.pump.clone())], cx.budget)? {
            cx.incomplete = None;
            let f = finding(nfa, Complexity::Polynomial { degree: 2 }, w, &[e.cand]);
            // A longer chain may exist: say the degree is a lower bound.
            return Ok(Some(f));
        }
        break;
    }
    cx.incomplete = Some("the search for the polynomial degree ran out of attempts".into());
    Ok(None)
}

/// The states reachable from `from` (including them).
fn forward(cx: &mut Ctx, from: &[u32]) -> Result<Vec<bool>, GaveUp> {
    let nfa = cx.nfa;
    let mut fwd = vec![false; nfa.len()];
    let mut q: VecDeque<u32> = from.iter().copied().collect();
    for &s in from {
        fwd[s as usize] = true;
    }
    while let Some(v) = q.pop_front() {
        for e in &nfa.edges[v as usize] {
            cx.budget.tick(1)?;
            if !fwd[e.to as usize] {
                fwd[e.to as usize] = true;
                q.push_back(e.to);
            }
        }
    }
    Ok(fwd)
}

/// The states on paths from component `c1` to component `c2`.
fn between_states(
    cx: &mut Ctx,
    members: &[Vec<u32>],
    reach: &[bool],
    c1: u32,
    c2: u32,
) -> Result<Vec<bool>, GaveUp> {
    let nfa = cx.nfa;
    let n = nfa.len();
    let fwd = forward(cx, &members[c1 as usize])?;
    // Backwards from c2, within what c1 reaches.
    let mut bwd = vec![false; n];
    for &s in &members[c2 as usize] {
        bwd[s as usize] = true;
    }
    let mut changed = true;
    while changed {
        changed = false;
        for v in 0..n {
            if !reach[v] || !fwd[v] || bwd[v] {
                continue;
            }
            cx.budget.tick(nfa.edges[v].len() as u64 + 1)?;
            if nfa.edges[v].iter().any(|e| bwd[e.to as usize]) {
                bwd[v] = true;
                changed = true;
            }
        }
    }
    Ok((0..n).map(|v| fwd[v] && bwd[v]).collect())
}
