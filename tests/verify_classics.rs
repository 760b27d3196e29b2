//! The classic ReDoS shapes measured on every engine by `redoscope verify`
//! (cases: `tests/cases/verify/classics.toml`): the backtracking engines
//! measure the class the analysis claims (polynomial degrees within ±0.5),
//! the linear controls measure linear, and the engines listed as doing
//! something else measure what the case says.
//!
//! A test binary of its own, so that no other test runs beside it while it
//! times engines; an engine that mismatches is measured again, up to twice
//! (timing on a shared machine is noisy), and fails only if it never
//! matches. Runtimes that are not installed are skipped with a line
//! saying so. `REDOSCOPE_VERIFY_STOP_AT` (e.g. `1s`) grows the attacks
//! further than the default 150 ms.

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The tests of this binary time engines: one at a time.
fn alone() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    pattern: String,
    #[serde(default = "js")]
    flavor: String,
    mode: Option<String>,
    growth: String,
    degree: Option<f64>,
    #[serde(default)]
    engines: BTreeMap<String, Expect>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Expect {
    growth: String,
    degree: Option<f64>,
    why: String,
}

fn js() -> String {
    "js".into()
}

const BACKTRACKING: &[&str] = &[
    "reference",
    "pcre2",
    "pcre2-jit",
    "node",
    "python",
    "java",
    "perl",
];
const LINEAR: &[&str] = &["regex", "pikevm", "dfa"];
const RUNTIMES: &[&str] = &["node", "python", "java", "perl"];

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

/// What an engine measured, in the words of the cases.
fn measured(series: &Value) -> (String, Option<f64>) {
    let fit = &series["fit"];
    let kind = fit["kind"].as_str().unwrap_or("?").to_string();
    if series["stopped"] == "over-limit" && kind != "exponential" && kind != "polynomial" {
        return ("over-limit".into(), None);
    }
    (kind, fit["degree"].as_f64())
}

#[test]
fn classics_on_every_engine() {
    let _alone = alone();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/verify/classics.toml"),
    )
    .expect("read the cases");
    let cases: Cases = toml::from_str(&text).expect("parse the cases");
    fn program(rt: &str) -> &str {
        match rt {
            "python" => "python3",
            p => p,
        }
    }
    let mut engines: Vec<&str> = vec![];
    for &e in BACKTRACKING.iter().chain(LINEAR).chain(&["fancy"]) {
        if RUNTIMES.contains(&e) && !installed(program(e)) {
            println!("skipping {e}: {} not found", program(e));
            continue;
        }
        engines.push(e);
    }
    let stop_at = std::env::var("REDOSCOPE_VERIFY_STOP_AT").unwrap_or_else(|_| "150ms".into());
    let mut failures = vec![];
    for case in &cases.case {
        println!("{} ({}):", case.name, case.pattern);
        let mut mismatched = vec![];
        for s in run_case(case, &engines, &stop_at) {
            if judge(case, &s).is_err() {
                mismatched.push(s["engine"].as_str().unwrap().to_string());
            }
        }
        if mismatched.is_empty() {
            continue;
        }
        // Timing on a shared machine is noisy: the mismatched engines are
        // measured again, up to twice, and fail only if they never match.
        let mut again: Vec<String> = mismatched;
        let mut last_errors = vec![];
        for _ in 0..2 {
            let names: Vec<&str> = again.iter().map(String::as_str).collect();
            println!("  measuring {} again", names.join(", "));
            last_errors.clear();
            let mut still = vec![];
            for s in run_case(case, &names, &stop_at) {
                if let Err(e) = judge(case, &s) {
                    still.push(s["engine"].as_str().unwrap().to_string());
                    last_errors.push(e);
                }
            }
            again = still;
            if again.is_empty() {
                break;
            }
        }
        failures.extend(last_errors);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `redoscope verify` on the case with `engines`; the series.
fn run_case(case: &Case, engines: &[&str], stop_at: &str) -> Vec<Value> {
    let mut args = vec![
        "verify".to_string(),
        case.pattern.clone(),
        "--flavor".into(),
        case.flavor.clone(),
        "--engines".into(),
        engines.join(","),
        "--stop-at".into(),
        stop_at.into(),
        "--run-limit".into(),
        "1s".into(),
        "--timeout".into(),
        "120s".into(),
        "--format".into(),
        "json".into(),
    ];
    if let Some(m) = &case.mode {
        args.extend(["--mode".into(), m.clone()]);
    }
    let out = Command::cargo_bin("redoscope")
        .unwrap()
        .args(&args)
        .timeout(Duration::from_secs(180))
        .output()
        .expect("redoscope runs");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON ({e}): {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["engines"].as_array().expect("engines").clone()
}

/// Whether one engine's series is what the case expects; prints a line.
fn judge(case: &Case, s: &Value) -> Result<(), String> {
    let engine = s["engine"].as_str().unwrap();
    if let Some(e) = s["error"].as_str() {
        return Err(format!("{}: {engine} did not run: {e}", case.name));
    }
    let expect = case.engines.get(engine).cloned().unwrap_or_else(|| {
        if LINEAR.contains(&engine) || engine == "fancy" {
            Expect {
                growth: "linear".into(),
                degree: None,
                why: "a linear engine".into(),
            }
        } else {
            Expect {
                growth: case.growth.clone(),
                degree: case.degree,
                why: "the analysis".into(),
            }
        }
    });
    let (growth, degree) = measured(s);
    let ok = growth == expect.growth
        && match (expect.degree, degree) {
            (Some(want), Some(got)) => (want - got).abs() <= 0.5,
            (Some(_), None) => false,
            (None, _) => true,
        };
    println!(
        "  {engine:<10} {growth:<12} {:<6} expected {} {} ({}){}",
        degree.map(|d| format!("{d:.2}")).unwrap_or_default(),
        expect.growth,
        expect.degree.map(|d| d.to_string()).unwrap_or_default(),
        expect.why,
        if ok { "" } else { "  <-- MISMATCH" }
    );
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{}: {engine} measured {growth} {degree:?}, expected {} {:?} ({})",
            case.name, expect.growth, expect.degree, expect.why
        ))
    }
}

#[allow(dead_code)]
#[path = "util.rs"]
mod util;

/// The CI slice of `cargo run --release --example verify-agreement`: every
/// 40th regex of regexscalpel-cve (CVE and issue regexes, read as JS,
/// searched), analyzed; each vulnerable one's attack is measured on the
/// reference matcher (steps) and on node (time) with the same plan, and the
/// two fitted classes must agree (same class; degrees within ±0.5), with
/// up to two re-measurements allowed for timing noise, and one pattern of
/// the slice allowed a polynomial degree outside ±0.5.
#[test]
#[ignore = "timing-sensitive beyond what re-measuring absorbs in a debug build on a busy 2-core machine (node read cve-1 as degree 1.36 three times in one CI run): run with --ignored; CI compares node with the analysis in classics_on_every_engine"]
fn reference_steps_and_node_time_agree_on_a_slice() {
    let _alone = alone();
    let Some(dir) = util::corpora_dir() else {
        return;
    };
    if !installed("node") {
        println!("skipping: node not found");
        return;
    }
    let Some((records, _)) = util::load_dataset(&dir, "regexscalpel-cve") else {
        println!("skipping: regexscalpel-cve not found");
        return;
    };
    use redoscope::verify::{run_engines, VerifyOptions};
    use redoscope::{check, Options, Verdict};
    let mut compared = 0;
    let mut failures = vec![];
    for r in records.iter().step_by(40) {
        let opts = Options::new().timeout(Duration::from_secs(5));
        let Ok(report) = check(&r.pattern, &opts) else {
            continue;
        };
        if report.verdict != Verdict::Vulnerable {
            continue;
        }
        let mut v = VerifyOptions::new(opts).engines(&["reference", "node"]);
        v.stop_at = Duration::from_millis(150);
        v.run_limit = Duration::from_secs(1);
        let mut agree = None;
        for _attempt in 0..3 {
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            let m = run_engines(&report, &v, deadline).expect("runs");
            let (rf, nd) = (&m.engines[0].fit.class, &m.engines[1].fit.class);
            println!("{:<24} reference {rf:<34} node {nd}", r.id);
            agree = Some((
                rf.agrees(nd),
                format!("{}: reference {rf}, node {nd}", r.id),
            ));
            if rf.agrees(nd) {
                break;
            }
        }
        let (ok, what) = agree.unwrap();
        compared += 1;
        if !ok {
            failures.push(what);
        }
    }
    println!("{compared} vulnerable patterns compared");
    assert!(compared >= 5, "too few vulnerable patterns in the slice");
    // The full sweep agrees on 98.5% (its exceptions are V8 optimizations
    // and node's time outgrowing its steps on long texts, e.g. cve-401
    // measured 2.8–3.0 then 2.2 against 2.0): the slice allows one such
    // pattern of its eleven, never a different class.
    let other_class = failures
        .iter()
        .filter(|f| !f.contains("polynomial (degree") || f.matches("polynomial").count() < 2)
        .count();
    assert!(
        failures.len() <= 1 && other_class == 0,
        "{}",
        failures.join("\n")
    );
}
