//! `redoscope verify`, `check --verify` and `attack --target`: bounded
//! execution (children killed, the outcome recorded as over the limit at a
//! length), the table, the plot, the measurements attached to a report.
//! Runtimes that are not installed are skipped with a printed reason.
//!
//! A test binary of its own (they time engines), its tests one at a time.

use assert_cmd::Command;
use serde_json::Value;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Holds the other tests of this binary off while one times engines.
fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn redoscope() -> Command {
    let mut cmd = Command::cargo_bin("redoscope").expect("the redoscope binary is built");
    cmd.timeout(Duration::from_secs(120));
    cmd
}

fn installed(program: &str) -> bool {
    std::process::Command::new(program)
        .arg(if program == "java" {
            "-version"
        } else {
            "--version"
        })
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The processes whose environment holds `tag` (children left behind).
fn processes_tagged(tag: &str) -> Vec<String> {
    let mut found = vec![];
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(env) = std::fs::read(e.path().join("environ")) {
            if env.split(|&b| b == 0).any(|kv| kv == tag.as_bytes()) {
                let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                found.push(format!(
                    "{name}: {}",
                    String::from_utf8_lossy(&cmd[..cmd.len().min(80)])
                ));
            }
        }
    }
    found
}

fn engines(report: &Value) -> Vec<Value> {
    report["engines"].as_array().expect("engines").clone()
}

/// A pattern that takes hours on a backtracking runtime at the lengths the
/// series reaches: every run stops at the run limit (1 s), verify returns
/// within its timeout + 1 s, no child is left, and each engine records the
/// length it went over the limit at.
#[test]
fn verify_is_bounded_and_leaves_no_child() {
    let _alone = alone();
    let mut names = vec!["pcre2"];
    for rt in ["node", "python"] {
        if installed(if rt == "python" { "python3" } else { rt }) {
            names.push(rt);
        } else {
            println!("skipping {rt}: not installed");
        }
    }
    let tag = format!("REDOSCOPE_TEST_TAG=bounded-{}", std::process::id());
    let (key, value) = tag.split_once('=').unwrap();
    let timeout = 15.0;
    let started = Instant::now();
    let out = redoscope()
        .env(key, value)
        .args([
            "verify",
            "^(a+)+$",
            "--engines",
            &names.join(","),
            "--run-limit",
            "1s",
            // Never stop early: grow until a run is stopped.
            "--stop-at",
            "1h",
            "--timeout",
            &format!("{timeout}s"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    assert!(
        elapsed < timeout + 1.0,
        "verify took {elapsed:.1} s with --timeout {timeout}s"
    );
    assert_eq!(out.status.code(), Some(1), "super-linear growth exits 1");
    let left = processes_tagged(&tag);
    assert!(left.is_empty(), "children left behind: {left:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for s in engines(&report) {
        assert!(s["error"].is_null(), "{s}");
        assert_eq!(s["stopped"], "over-limit", "{}: {s}", s["engine"]);
        let over = &s["over_limit"];
        assert_eq!(over["limit"], "time", "{}", s["engine"]);
        let n = over["length"].as_u64().unwrap();
        // 2^n steps: about a second between 22 and 32 characters.
        assert!((18..=40).contains(&n), "{}: over at {n}", s["engine"]);
    }
}

/// PCRE2's match limit does not bound `a*a*a*b` (its character repeats give
/// characters back without counting them): the isolated PCRE2 child is
/// killed at the run limit instead.
#[test]
fn pcre2_past_its_match_limit_is_killed() {
    let started = Instant::now();
    let out = redoscope()
        .args([
            "verify",
            "a*a*a*b",
            "--mode",
            "prefix",
            "--engines",
            "pcre2",
            "--run-limit",
            "1s",
            "--stop-at",
            "1h",
            "--timeout",
            "10s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(11));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &engines(&report)[0];
    assert_eq!(s["stopped"], "over-limit", "{s}");
    assert_eq!(s["over_limit"]["limit"], "time");
    // Fast while PCRE2 checks for the required `b` first (up to 5,000
    // characters), cubic past it.
    let n = s["over_limit"]["length"].as_u64().unwrap();
    assert!(n > 5000, "over the limit at {n}");
    assert!(s["notes"].to_string().contains("child process"), "{s}");
}

#[test]
fn verify_prints_a_table_fits_a_chart_and_plots() {
    let _alone = alone();
    let dir = std::env::temp_dir().join(format!("redoscope-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("chart.svg");
    let out = redoscope()
        .args([
            "verify",
            "^(a+)+$",
            "--engines",
            "reference,regex",
            "--stop-at",
            "30ms",
            "--plot",
        ])
        .arg(&svg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "length",
        "reference",
        "regex",
        // The reference counts steps: its fit is deterministic.
        "exponential (×2.00 per repeat)",
        "100 ms at",
        "match time per run",
        "plot written to",
    ] {
        assert!(text.contains(want), "no `{want}` in:\n{text}");
    }
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg"), "{}", &picture[..80]);
    assert!(picture.contains("reference") && picture.contains("regex"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_verify_attaches_what_was_measured() {
    let _alone = alone();
    let out = redoscope()
        .args([
            "check",
            "^(a+)+$",
            "--verify",
            "reference,regex",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["verification"]["reference"]["growth"], "exponential");
    assert_eq!(r["verification"]["regex"]["growth"], "linear");
    assert_eq!(r["runtimes"]["rust-regex"], "linear (measured)");
    assert!(r["runtime_notes"]["rust-regex"]
        .as_str()
        .unwrap()
        .starts_with("measured on regex"));
    // Without --verify there is no verification.
    let out = redoscope()
        .args(["check", "^(a+)+$", "--format", "json"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r.get("verification").is_none());
}

#[test]
fn attack_target_is_the_shortest_that_takes_that_long() {
    let _alone = alone();
    let out = redoscope()
        .args([
            "attack",
            "^(a+)+$",
            "--target",
            "20ms",
            "--engine",
            "reference",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &r["timed"];
    assert!(t["seconds"].as_f64().unwrap() >= 0.02, "{t}");
    let n = t["repeat"].as_u64().unwrap();
    assert_eq!(r["attack"]["repeat"].as_u64().unwrap(), n);
    assert_eq!(
        r["attack"]["string"].as_str().unwrap().chars().count() as u64,
        t["length"].as_u64().unwrap()
    );
    // 2^n steps at ~10^8 steps/s: 20 ms is reached between 14 and 26 `a`s.
    assert!((14..=26).contains(&n), "{n}");
    // Raw bytes by default.
    let out = redoscope()
        .args(["attack", "^(a+)+$", "--target", "20ms"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.starts_with("aaaa") && !s.ends_with('\n'), "{s}");
}

#[test]
fn verify_without_an_attack_or_with_an_unknown_engine() {
    let _alone = alone();
    let out = redoscope()
        .args(["verify", "^[a-z]+$", "--engines", "reference"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("nothing run"));
    let out = redoscope()
        .args(["verify", "^(a+)+$", "--engines", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("unknown engine 'nosuch'"));
    // A given attack is run even on a safe pattern.
    let out = redoscope()
        .args([
            "verify",
            "^[a-z]+$",
            "--engines",
            "reference",
            "--pump",
            "ab",
            "--suffix",
            "!",
            "--stop-at",
            "10ms",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(engines(&r)[0]["fit"]["kind"], "linear");
}

/// Shell metacharacters, quotes, backslashes, tabs and newlines in the
/// pattern and the attack reach every subprocess engine (the runtimes and
/// the isolated in-process engines) intact: the literal pattern matches the
/// pumped text on every engine, and not once a `!` follows. (NUL and lone
/// surrogates cannot be command-line arguments; the harness's own
/// tests/process.rs sends them through the protocol.)
#[test]
fn dangerous_text_reaches_every_engine_intact() {
    let _alone = alone();
    let danger = "$(touch /tmp/redoscope-pwned)`id`;|&><*?'\"\\\t\n{x}[y]";
    let mut lit = String::new();
    for c in danger.chars() {
        match c {
            '\t' => lit.push_str("\\t"),
            '\n' => lit.push_str("\\n"),
            c if "\\^$.|?*+()[]{}/".contains(c) => {
                lit.push('\\');
                lit.push(c);
            }
            c => lit.push(c),
        }
    }
    let pattern = format!("^(?:{lit})+$");
    let mut names = vec!["reference", "pcre2", "pcre2-jit", "fancy", "regex"];
    for rt in ["node", "python", "java", "perl"] {
        if installed(if rt == "python" { "python3" } else { rt }) {
            names.push(rt);
        } else {
            println!("skipping {rt}: not installed");
        }
    }
    for (suffix, matched) in [("", true), ("!", false)] {
        let out = redoscope()
            .args([
                "verify",
                &pattern,
                "--engines",
                &names.join(","),
                "--pump",
                danger,
                "--suffix",
                suffix,
                "--max-length",
                "400",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        for s in engines(&r) {
            assert!(s["error"].is_null(), "{s}");
            let runs = s["runs"].as_array().unwrap();
            assert!(runs.len() >= 3, "{s}");
            for run in runs {
                assert_eq!(
                    run["matched"], matched,
                    "{} on suffix {suffix:?}: {run}",
                    s["engine"]
                );
            }
        }
    }
    assert!(!std::path::Path::new("/tmp/redoscope-pwned").exists());
}
