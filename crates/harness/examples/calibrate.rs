//! Measures how many steps per second the in-process backtracking engines
//! take on heavy backtracking (the rates behind `Limit::engine_steps`):
//! `cargo run --release -p redoscope-harness --example calibrate`.

use redoscope_automata::Mode;
use redoscope_harness::engines::by_name;
use redoscope_harness::{Input, Limit, Outcome, Subject};
use redoscope_syntax::{lower, parse, Flavor};
use std::time::Duration;

fn main() {
    let cases = [
        ("^(a+)+$", "a", "!"),
        (r"^(a|aa)+$", "a", "!"),
        (r"^(\w+\s?)+$", "ab ", "!"),
        (r"^(a+)+\1?$", "a", "!"),
    ];
    for (pat, pump, suffix) in cases {
        let l = lower(&parse(pat, Flavor::Pcre, "").unwrap()).unwrap();
        let s = Subject {
            pattern: pat,
            flavor: Flavor::Pcre,
            flags: "",
            mode: Mode::Search,
            lowered: &l,
        };
        for e in ["pcre2", "pcre2-jit", "fancy", "onig"] {
            let Ok(mut eng) = by_name(e) else { continue };
            let Ok(mut c) = eng.compile(&s) else { continue };
            let text: String = pump.repeat(200) + suffix;
            let steps = 50_000_000u64;
            let limit = Limit {
                time: Duration::from_secs(1000),
                steps,
            };
            match c.run(&Input::from_str(&text), &limit) {
                Outcome::OverLimit { time, .. } => println!(
                    "{pat:14} {e:10} {:.0} M steps/s",
                    steps as f64 / time.as_secs_f64() / 1e6
                ),
                o => println!("{pat:14} {e:10} does not backtrack here: {o:?}"),
            }
        }
    }
}
