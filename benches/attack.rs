//! Attack synthesis and confirmation cost per vulnerable pattern, on the
//! labelled public sets (`$REDOSCOPE_CORPORA` or `../shared/corpora`).
//!
//! `cargo bench --bench attack` finds the patterns the analysis calls
//! vulnerable (checked without confirmation), then times each one
//! single-threaded twice, side by side: `check` with confirmation (shrink
//! the witness, run it at growing lengths on the reference matcher, fit the
//! growth) and without. It prints p50/p90/p99/max of both and of the
//! per-pattern difference (the attack stage), the confirmation outcomes and
//! the slowest patterns. Then divan times a few classic patterns.

use redoscope::{check, Options, Verdict};
use std::time::Instant;

#[path = "corpus.rs"]
mod corpus;
use corpus::{load, Case};

/// The sets with labels (the rest are unlabelled collections).
const LABELLED: &[&str] = &[
    "redos-benchmarks-regexlib-java8",
    "regexscalpel-cve",
    "redoshunter-batch-engines",
    "redos-detector-tests",
    "eslint-plugin-regexp-tests",
    "recheck-automaton-tests",
    "vuln-regex-detector-tests",
];

fn options(c: &Case, confirm: bool) -> Options {
    Options::default()
        .flavor(c.flavor)
        .flags(&c.flags)
        .confirm(confirm)
}

fn quantiles(mut v: Vec<f64>) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!(
        "p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.1} ms",
        q(0.5),
        q(0.9),
        q(0.99),
        v[v.len() - 1]
    )
}

fn pass() {
    let cases: Vec<Case> = load()
        .into_iter()
        .filter(|c| LABELLED.contains(&c.dataset.as_str()))
        .collect();
    let vulnerable: Vec<&Case> = cases
        .iter()
        .filter(|c| {
            check(&c.pattern, &options(c, false)).is_ok_and(|r| r.verdict == Verdict::Vulnerable)
        })
        .collect();
    println!(
        "{} labelled patterns, {} vulnerable before confirmation",
        cases.len(),
        vulnerable.len()
    );
    let (mut with, mut without, mut diff) = (vec![], vec![], vec![]);
    let (mut confirmed, mut steeper, mut regraded, mut refuted) = (0, 0, 0, 0);
    let mut slowest: Vec<(f64, &Case)> = vec![];
    for c in &vulnerable {
        let t = Instant::now();
        let r = check(&c.pattern, &options(c, true));
        let a = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let _ = check(&c.pattern, &options(c, false));
        let b = t.elapsed().as_secs_f64() * 1e3;
        with.push(a);
        without.push(b);
        diff.push((a - b).max(0.0));
        slowest.push((a - b, c));
        match r.ok().and_then(|r| r.validation) {
            Some(v) if v.confirmed => confirmed += 1,
            Some(v) if v.steeper => steeper += 1,
            Some(v) if v.regraded => regraded += 1,
            _ => refuted += 1,
        }
    }
    println!("  check with confirmation:    {}", quantiles(with));
    println!("  check without confirmation: {}", quantiles(without));
    println!("  attack stage (difference):  {}", quantiles(diff));
    println!(
        "  outcomes: {confirmed} confirmed, {steeper} steeper than claimed, {regraded} regraded to the measured degree, {refuted} not reproduced (reported unknown)"
    );
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("  slowest attack stages:");
    for (ms, c) in slowest.iter().take(8) {
        let p: String = c.pattern.chars().take(90).collect();
        println!("    {ms:8.1} ms  {} {}", c.flavor, p);
    }
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("redoscope attack bench on {cores} cores");
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--list") {
        pass();
    }
    divan::main();
}

#[divan::bench(args = ["^(a+)+$", r"\s+$", "a*a*a*b", r"^(\w+\s?)*$", "(a|b|ab)*c"])]
fn check_with_confirmation(pattern: &str) -> Verdict {
    check(pattern, &Options::default()).unwrap().verdict
}
