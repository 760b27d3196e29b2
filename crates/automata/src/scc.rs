//! Strongly connected components (iterative Tarjan), for any graph given by
//! a successor function over `0..n`.

use crate::budget::{Budget, GaveUp};

/// The components of a graph: `comp[v]` is the component of `v`;
/// components are numbered in reverse topological order (a component's
/// successors have smaller numbers).
#[derive(Clone, Debug)]
pub struct Sccs {
    /// Component of each vertex.
    pub comp: Vec<u32>,
    /// Number of components.
    pub count: u32,
}

/// Computes the components of the graph with vertices `0..n` whose
/// successors `succ(v)` returns.
pub fn tarjan<F, I>(n: usize, succ: F, budget: &mut Budget) -> Result<Sccs, GaveUp>
where
    F: FnMut(usize) -> I,
    I: IntoIterator<Item = usize>,
{
    tarjan_from(n, 0..n, succ, budget)
}

/// Like [`tarjan`], but explores only what `roots` reach; other vertices get
/// the component `u32::MAX`.
pub fn tarjan_from<F, I, R>(
    n: usize,
    roots: R,
    mut succ: F,
    budget: &mut Budget,
) -> Result<Sccs, GaveUp>
where
    F: FnMut(usize) -> I,
    I: IntoIterator<Item = usize>,
    R: IntoIterator<Item = usize>,
{
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0u32;
    let mut count = 0u32;
    // Call stack: (vertex, its successors, position in them).
    let mut calls: Vec<(usize, Vec<usize>, usize)> = Vec::new();
    for root in roots {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        calls.push((root, succ(root).into_iter().collect(), 0));
        while let Some((v, succs, i)) = calls.last_mut() {
            let v = *v;
            if *i < succs.len() {
                let w = succs[*i];
                *i += 1;
                budget.tick(1)?;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    let s: Vec<usize> = succ(w).into_iter().collect();
                    calls.push((w, s, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                calls.pop();
                if let Some((u, _, _)) = calls.last() {
                    let u = *u;
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    loop {
                        let w = stack.pop().expect("on stack");
                        on_stack[w] = false;
                        comp[w] = count;
                        if w == v {
                            break;
                        }
                    }
                    count += 1;
                }
            }
        }
    }
    Ok(Sccs { comp, count })
}
