//! Parse throughput over the pooled public corpora (`../shared/corpora`).
//!
//! `cargo bench --bench parse` prints the time per whole-corpus pass and the
//! throughput in patterns per second. Patterns are deduplicated on (flavor,
//! flags, pattern) across datasets; a record whose flavor is `unknown` is
//! read as JS.

use redoscope::syntax;

#[path = "corpus.rs"]
mod corpus;
use corpus::load;

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
