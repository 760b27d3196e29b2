//! Does the growth class fitted from reference-matcher steps match the one
//! fitted from real time on an engine (node by default)?
//!
//! ```text
//! cargo run --release --example verify-agreement -- ATTACKS.jsonl [--engine node]
//!     [--datasets a,b,…] [--every K] [--jobs N] [--stop-at-ms 200] [--out FILE]
//!     [--again PREVIOUS_OUT]
//! ```
//!
//! ATTACKS.jsonl is what the labelled run writes (`target/labelled-vulnerable.jsonl`:
//! `id`, `pattern`, `flavor`, `flags`, `mode`). Each pattern is analyzed again
//! for its attack, the attack is measured on `reference` and on the engine
//! with the same plan (geometric repeats, stop at the first run of
//! `--stop-at-ms`, runs killed after 1 s, at most 100,000 characters), and
//! the two fitted classes are compared (`Class::agrees`: the same class,
//! polynomial degrees within ±0.5). One JSON line per pattern goes to
//! `--out` (default `target/verify-agreement.jsonl`), a summary to stdout.
//!
//! `--again PREVIOUS_OUT` measures once more only the patterns that did not
//! agree in a previous run (timing on a shared machine is noisy; the note
//! reports both passes).
//!
//! The labelled sets by default: regexlib-java8, regexscalpel-cve,
//! redoshunter-batch-engines and the four small test sets.

use redoscope::verify::harness::fit::Class;
use redoscope::verify::{run_engines, VerifyOptions};
use redoscope::{check, Flavor, Mode, Options, Verdict};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const LABELLED: &[&str] = &[
    "redos-benchmarks-regexlib-java8",
    "regexscalpel-cve",
    "redoshunter-batch-engines",
    "redos-detector-tests",
    "eslint-plugin-regexp-tests",
    "vuln-regex-detector-tests",
    "recheck-automaton-tests",
];

struct Args {
    file: String,
    engine: String,
    datasets: Vec<String>,
    every: usize,
    jobs: usize,
    stop_at: Duration,
    out: String,
    /// Only these ids (one per line, or the non-agreeing lines of a
    /// previous --out file).
    ids: Option<std::collections::HashSet<String>>,
}

fn args() -> Args {
    let mut a = Args {
        file: String::new(),
        engine: "node".into(),
        datasets: LABELLED.iter().map(|s| s.to_string()).collect(),
        every: 1,
        jobs: 2,
        stop_at: Duration::from_millis(200),
        out: "target/verify-agreement.jsonl".into(),
        ids: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut val = || it.next().expect("a value after the flag");
        match x.as_str() {
            "--engine" => a.engine = val(),
            "--datasets" => a.datasets = val().split(',').map(str::to_string).collect(),
            "--every" => a.every = val().parse().expect("--every N"),
            "--jobs" => a.jobs = val().parse().expect("--jobs N"),
            "--stop-at-ms" => a.stop_at = Duration::from_millis(val().parse().expect("ms")),
            "--out" => a.out = val(),
            "--again" => {
                // Re-measure what did not agree in a previous --out file.
                let text = std::fs::read_to_string(val()).expect("read --again FILE");
                a.ids = Some(
                    text.lines()
                        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                        .filter(|v| v["outcome"] != "agree")
                        .filter_map(|v| v["id"].as_str().map(str::to_string))
                        .collect(),
                );
            }
            f if !f.starts_with("--") => a.file = f.to_string(),
            f => panic!("unknown flag {f}"),
        }
    }
    assert!(
        !a.file.is_empty(),
        "usage: verify-agreement ATTACKS.jsonl [flags]"
    );
    a
}

fn class(c: &Class) -> Value {
    serde_json::to_value(c).unwrap()
}

fn main() {
    let a = args();
    let text = std::fs::read_to_string(&a.file).expect("read the attacks file");
    let records: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| {
            let id = r["id"].as_str().unwrap_or("");
            a.datasets.iter().any(|d| id.starts_with(&format!("{d}/")))
                && a.ids.as_ref().is_none_or(|ids| ids.contains(id))
        })
        .enumerate()
        .filter(|(i, _)| i % a.every == 0)
        .map(|(_, r)| r)
        .collect();
    eprintln!(
        "{} patterns, engine {}, {} jobs",
        records.len(),
        a.engine,
        a.jobs
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Value)>> = Mutex::new(vec![]);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..a.jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(r) = records.get(i) else { break };
                let line = one(r, &a);
                let mut res = results.lock().unwrap();
                res.push((i, line));
                if res.len() % 50 == 0 {
                    eprintln!(
                        "{} / {} in {:.0} s",
                        res.len(),
                        records.len(),
                        started.elapsed().as_secs_f64()
                    );
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    let mut out = std::fs::File::create(&a.out).expect("create --out");
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for (_, v) in &results {
        writeln!(out, "{v}").unwrap();
        *counts
            .entry(v["outcome"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    let compared =
        counts.get("agree").copied().unwrap_or(0) + counts.get("disagree").copied().unwrap_or(0);
    println!(
        "{} patterns in {:.0} s: {:?}",
        results.len(),
        started.elapsed().as_secs_f64(),
        counts
    );
    if compared > 0 {
        println!(
            "agreement: {} of {} compared = {:.2}%",
            counts.get("agree").copied().unwrap_or(0),
            compared,
            100.0 * counts.get("agree").copied().unwrap_or(0) as f64 / compared as f64
        );
    }
    println!("wrote {}", a.out);
}

fn one(r: &Value, a: &Args) -> Value {
    let id = r["id"].as_str().unwrap_or("").to_string();
    let pattern = r["pattern"].as_str().unwrap_or("").to_string();
    let flavor: Flavor = r["flavor"]
        .as_str()
        .unwrap_or("js")
        .parse()
        .unwrap_or(Flavor::Js);
    let flags = r["flags"].as_str().unwrap_or("").to_string();
    let mode: Option<Mode> = r["mode"].as_str().and_then(|m| m.parse().ok());
    let mut opts = Options::new()
        .flavor(flavor)
        .flags(&flags)
        .timeout(Duration::from_secs(5));
    if let Some(m) = mode {
        opts = opts.mode(m);
    }
    let base = json!({"id": id, "pattern": pattern, "flavor": flavor.name(), "flags": flags});
    let report = match check(&pattern, &opts) {
        Ok(r) => r,
        Err(e) => return merge(base, json!({"outcome": "error", "why": e.message})),
    };
    if report.verdict != Verdict::Vulnerable {
        return merge(
            base,
            json!({"outcome": "not-vulnerable", "why": report.reason}),
        );
    }
    let mut v = VerifyOptions::new(opts).engines(&["reference", &a.engine]);
    v.stop_at = a.stop_at;
    v.run_limit = Duration::from_secs(1);
    let deadline = Instant::now() + Duration::from_secs(20);
    let m = match run_engines(&report, &v, deadline) {
        Ok(m) => m,
        Err(e) => return merge(base, json!({"outcome": "error", "why": e.message})),
    };
    let (rf, en) = (&m.engines[0], &m.engines[1]);
    if let Some(e) = &en.error {
        return merge(base, json!({"outcome": "not-run", "why": e}));
    }
    let agree = rf.fit.class.agrees(&en.fit.class);
    let undecided = rf.fit.class == Class::Undecided || en.fit.class == Class::Undecided;
    merge(
        base,
        json!({
            "outcome": if agree { "agree" } else if undecided { "undecided" } else { "disagree" },
            "claim": report.complexity.map(|g| g.to_string()),
            "reference": class(&rf.fit.class),
            "engine": class(&en.fit.class),
            "reference_r2": rf.fit.r2,
            "engine_r2": en.fit.r2,
            "reference_stop": rf.stopped,
            "engine_stop": en.stopped,
            "reference_last": rf.runs.last().map(|r| (r.length, r.steps, r.seconds)),
            "engine_last": en.runs.last().map(|r| (r.length, r.seconds)),
            "engine_over": en.over_limit.as_ref().map(|o| o.length),
            "engine_pattern": en.pattern,
            "notes": en.notes,
        }),
    )
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}
