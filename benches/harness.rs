//! The harness's overhead per run, engine by engine: one match of `a+b` on a
//! short text that matches at once, through the engine interface (the
//! reference matcher and the regex crate in process; PCRE2 in process; node
//! and python in their child process, a round trip on the line protocol).
//! Runtimes that are not installed are skipped.
//!
//! `cargo bench --bench harness`

use redoscope::verify::harness::engines::in_process;
use redoscope::verify::harness::{Input, Limit, Subject};
use redoscope::Mode;
use redoscope_syntax::{lower, parse, Flavor};
use std::time::Duration;

fn main() {
    divan::main();
}

fn installed(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[divan::bench(args = ["reference", "regex", "pikevm", "pcre2", "pcre2-jit", "fancy", "node", "python", "perl"])]
fn one_run(bencher: divan::Bencher, engine: &str) {
    let program = match engine {
        "python" => Some("python3"),
        "node" | "perl" => Some(engine),
        _ => None,
    };
    if program.is_some_and(|p| !installed(p)) {
        eprintln!("skipping {engine}: not installed");
        return;
    }
    let pattern = "a+b";
    let lowered = lower(&parse(pattern, Flavor::Js, "").unwrap()).unwrap();
    let subject = Subject {
        pattern,
        flavor: Flavor::Js,
        flags: "",
        mode: Mode::Search,
        lowered: &lowered,
    };
    let mut e = in_process(engine).unwrap();
    let mut c = e.compile(&subject).unwrap();
    let input = Input::from_str("xxaaab");
    let limit = Limit {
        time: Duration::from_secs(5),
        steps: 1_000_000,
    };
    // The child (if any) is started and the pattern compiled by the first run.
    c.run(&input, &limit);
    bencher.bench_local(|| c.run(&input, &limit));
}
