//! Parse throughput over the pooled public corpora (`../shared/corpora`).
//!
//! `cargo bench --bench parse` prints the time per whole-corpus pass and the
//! throughput in patterns per second. Patterns are deduplicated on (flavor,
//! flags, pattern) across datasets; a record whose flavor is `unknown` is
//! read as JS.

use redoscope::syntax::{self, Flavor};
use std::path::PathBuf;

struct Case {
    pattern: String,
    flavor: Flavor,
    flags: String,
}

fn corpora_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("REDOSCOPE_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    dir.is_dir().then_some(dir)
}

fn load() -> Vec<Case> {
    let Some(dir) = corpora_dir() else {
        eprintln!("skipping: corpora not found (set REDOSCOPE_CORPORA or place ../shared/corpora)");
        return Vec::new();
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let Ok(text) = std::fs::read_to_string(e.path().join("data.jsonl")) else {
            continue;
        };
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let pattern = v["pattern"].as_str().unwrap_or_default().to_string();
            let flavor = v["flavor"]
                .as_str()
                .and_then(|f| f.parse().ok())
                .unwrap_or(Flavor::Js);
            let mut flags = v["flags"].as_str().unwrap_or_default().to_string();
            if flavor == Flavor::Pcre {
                flags.retain(|c| "imsx".contains(c));
            }
            if seen.insert((flavor, flags.clone(), pattern.clone())) {
                out.push(Case {
                    pattern,
                    flavor,
                    flags,
                });
            }
        }
    }
    out
}

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn parse_pooled_corpora(bencher: divan::Bencher) {
    let cases = load();
    bencher
        .counter(divan::counter::ItemsCount::new(cases.len()))
        .bench_local(|| {
            let mut ok = 0usize;
            for c in &cases {
                ok += syntax::parse(&c.pattern, c.flavor, &c.flags).is_ok() as usize;
            }
            ok
        });
}

#[divan::bench(sample_count = 10)]
fn parse_and_lower_pooled_corpora(bencher: divan::Bencher) {
    let cases = load();
    bencher
        .counter(divan::counter::ItemsCount::new(cases.len()))
        .bench_local(|| {
            let mut ok = 0usize;
            for c in &cases {
                if let Ok(p) = syntax::parse(&c.pattern, c.flavor, &c.flags) {
                    ok += syntax::lower(&p).is_ok() as usize;
                }
            }
            ok
        });
}
