//! The curated corpus (`corpus/vulnerable.toml`, `corpus/safe.toml`; see
//! `corpus/README.md`): every entry parses in its flavor, and the analyzer's
//! verdict (and complexity, where the entry gives one) matches `expected`.
//!
//! Entries marked `known_failure = "why"` are printed with the analyzer's
//! answer and do not fail the test; one that starts matching does, so that
//! the marker is removed when the analyzer is fixed.

use redoscope::{check, Flavor, Growth, Mode, Options, Report, Verdict};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::time::Duration;

/// Generous: a debug build on a loaded 2-core machine must not turn a
/// decided verdict into `unknown`.
const DEADLINE: Duration = Duration::from_secs(20);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // attack/engine/js_call/attack_source are for corpus/measure.py
struct Entry {
    name: String,
    pattern: String,
    flavor: String,
    flags: String,
    mode: Option<String>,
    source: String,
    expected: Expected,
    attack: Option<KnownAttack>,
    engine: Option<String>,
    js_call: Option<String>,
    attack_source: Option<String>,
    known_failure: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    verdict: String,
    complexity: Option<String>,
    degree: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct KnownAttack {
    prefix: String,
    pump: String,
    suffix: String,
}

fn load(file: &str) -> Vec<Entry> {
    let path = crate::util::manifest_dir().join("corpus").join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let parsed: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parsed.entry
}

/// What the analyzer said, in the words of `expected`.
fn describe(r: &Report) -> String {
    match (r.verdict, r.complexity) {
        (Verdict::Vulnerable, Some(g)) => format!("vulnerable, {g}"),
        (Verdict::Unknown, _) => format!("unknown ({})", r.reason.as_deref().unwrap_or("")),
        (v, _) => v.to_string(),
    }
}

/// Whether the report agrees with `expected`.
fn agrees(r: &Report, e: &Expected) -> bool {
    if r.verdict.to_string() != e.verdict {
        return false;
    }
    match (&e.complexity, r.complexity) {
        (None, _) => true,
        (Some(c), Some(Growth::Exponential)) => c == "exponential",
        (Some(c), Some(Growth::Polynomial { degree })) => {
            c == "polynomial" && e.degree.is_none_or(|d| d == degree)
        }
        (Some(_), _) => false,
    }
}

/// Checks one file; returns (failures, known failures still failing).
fn run(file: &str, verdict: &str, names: &mut BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    let entries = load(file);
    assert!(
        entries.len() >= 30,
        "{file}: only {} entries",
        entries.len()
    );
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for e in &entries {
        let at = format!("{file}: {}", e.name);
        if !names.insert(e.name.clone()) {
            failures.push(format!("{at}: duplicate name"));
        }
        if e.source.trim().is_empty() {
            failures.push(format!("{at}: no source"));
        }
        if e.expected.verdict != verdict {
            failures.push(format!(
                "{at}: expected verdict {:?} in a file of {verdict} patterns",
                e.expected.verdict
            ));
        }
        match e.expected.complexity.as_deref() {
            None | Some("exponential") | Some("polynomial") => {}
            Some(other) => failures.push(format!("{at}: unknown complexity {other:?}")),
        }
        if e.expected.degree.is_some() && e.expected.complexity.as_deref() != Some("polynomial") {
            failures.push(format!("{at}: degree without complexity = \"polynomial\""));
        }
        let flavor: Flavor = match e.flavor.parse() {
            Ok(f) => f,
            Err(err) => {
                failures.push(format!("{at}: flavor: {err}"));
                continue;
            }
        };
        if let Err(err) = redoscope::syntax::parse(&e.pattern, flavor, &e.flags) {
            failures.push(format!(
                "{at}: does not parse as {flavor} with flags {:?}: {} at {}..{}",
                e.flags, err.message, err.span.start, err.span.end
            ));
            continue;
        }
        let mut opts = Options::new()
            .flavor(flavor)
            .flags(&e.flags)
            .timeout(DEADLINE);
        if let Some(m) = &e.mode {
            match m.parse::<Mode>() {
                Ok(m) => opts = opts.mode(m),
                Err(err) => {
                    failures.push(format!("{at}: {err}"));
                    continue;
                }
            }
        }
        let report = match check(&e.pattern, &opts) {
            Ok(r) => r,
            Err(err) => {
                failures.push(format!("{at}: check failed: {}", err.message));
                continue;
            }
        };
        let ok = agrees(&report, &e.expected);
        match (&e.known_failure, ok) {
            (None, true) => {}
            (None, false) => failures.push(format!(
                "{at}: expected {:?}, analyzer says {} ({:?})",
                e.expected,
                describe(&report),
                e.pattern
            )),
            (Some(why), false) => known.push(format!(
                "{at}: analyzer says {}; known failure: {why}",
                describe(&report)
            )),
            (Some(_), true) => failures.push(format!(
                "{at}: marked known_failure but the analyzer now agrees ({}): remove the marker",
                describe(&report)
            )),
        }
    }
    (failures, known)
}

#[test]
fn corpus_entries_parse_and_match_expected() {
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for (file, verdict) in [("vulnerable.toml", "vulnerable"), ("safe.toml", "safe")] {
        let (f, k) = run(file, verdict, &mut names);
        failures.extend(f);
        known.extend(k);
    }
    for k in &known {
        println!("known failure: {k}");
    }
    println!(
        "corpus: {} entries, {} known failures, {} failures",
        names.len(),
        known.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "corpus failures:\n{}",
        failures.join("\n")
    );
}
