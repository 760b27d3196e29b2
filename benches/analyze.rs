//! Analysis throughput and per-pattern latency over the pooled public corpora
//! (`$REDOSCOPE_CORPORA` or `../shared/corpora`).
//!
//! `cargo bench --bench analyze` first times every pattern once on its own
//! (single-threaded, the default 1 s deadline) and prints the latency
//! distribution (p50/p90/p99/p99.9/max), the slowest patterns and the
//! verdict counts; then divan measures whole-corpus passes and reports the
//! throughput in patterns per second. Patterns are deduplicated on (flavor,
//! flags, pattern) across datasets, read as in `benches/parse.rs`: flavor
//! `unknown` → JS, PCRE flags reduced to `imsx`.
//!
//! Goals (issue "labelled sets"): at least 1,000 patterns/s and p99 ≤ 10 ms
//! on the project's 2-core machine.

use redoscope::{check, Options, Verdict};
use std::collections::BTreeMap;
use std::time::Instant;

#[path = "corpus.rs"]
mod corpus;
use corpus::{load, Case};

/// The analysis alone: the attack stage (shrinking and confirming each
/// vulnerable finding on the reference matcher) is measured by
/// `benches/attack.rs`.
fn options(c: &Case) -> Options {
    Options::default()
        .flavor(c.flavor)
        .flags(&c.flags)
        .confirm(false)
}

/// The check itself; the verdict as a small number so nothing is optimized
/// away.
fn run(c: &Case) -> u8 {
    match check(&c.pattern, &options(c)) {
        Ok(r) => match r.verdict {
            Verdict::Safe => 0,
            Verdict::Vulnerable => 1,
            Verdict::Unknown => 2,
            Verdict::Error => 3,
        },
        Err(_) => 3,
    }
}

/// What the machine is: cores and CPU model.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores ({model})")
}

/// One pass with every pattern timed on its own.
fn latency_pass(cases: &[Case]) {
    let mut times: Vec<(f64, usize)> = Vec::with_capacity(cases.len());
    let mut verdicts: BTreeMap<&str, usize> = BTreeMap::new();
    let start = Instant::now();
    for (i, c) in cases.iter().enumerate() {
        let t = Instant::now();
        let v = run(c);
        times.push((t.elapsed().as_secs_f64() * 1e3, i));
        *verdicts
            .entry(["safe", "vulnerable", "unknown", "error"][v as usize])
            .or_default() += 1;
    }
    let total = start.elapsed().as_secs_f64();
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].0;
    let sum: f64 = times.iter().map(|t| t.0).sum();
    println!("per-pattern latency, one single-threaded pass, 1 s deadline:");
    println!(
        "  {} patterns in {:.2} s: {:.0} patterns/s; mean {:.3} ms",
        cases.len(),
        total,
        cases.len() as f64 / total,
        sum / cases.len() as f64
    );
    println!(
        "  p50 {:.3} ms  p90 {:.3} ms  p99 {:.3} ms  p99.9 {:.3} ms  max {:.1} ms",
        q(0.50),
        q(0.90),
        q(0.99),
        q(0.999),
        times.last().unwrap().0
    );
    let slow = times.iter().filter(|t| t.0 > 10.0).count();
    let slow_sum: f64 = times.iter().filter(|t| t.0 > 10.0).map(|t| t.0).sum();
    println!(
        "  over 10 ms: {slow} patterns, {:.1}% of the total time",
        slow_sum / sum * 100.0
    );
    println!("  verdicts: {verdicts:?}");
    println!("  slowest:");
    for &(ms, i) in times.iter().rev().take(10) {
        let c = &cases[i];
        let mut p: String = c.pattern.chars().take(100).collect();
        if p.len() < c.pattern.len() {
            p.push('…');
        }
        println!("    {ms:8.1} ms  {} /{}/  {p}", c.flavor, c.flags);
    }
    println!();
}

fn main() {
    println!("redoscope analyze bench on {}", machine());
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes --bench; `--list` and test runs skip the long pass.
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--list") {
        let cases = load();
        if !cases.is_empty() {
            latency_pass(&cases);
        }
    }
    divan::main();
}

/// Whole pooled corpus, single-threaded: divan's items/s is patterns/s.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn analyze_pooled_corpora(bencher: divan::Bencher) {
    let cases = load();
    bencher
        .counter(divan::counter::ItemsCount::new(cases.len()))
        .bench_local(|| cases.iter().map(|c| run(c) as usize).sum::<usize>());
}
