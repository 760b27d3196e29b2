//! The `redoscope` binary against the command-line contract
//! (`../shared/INTERFACE.md`): exit statuses, `--stdin` and JSON Lines
//! input, the JSON fields, `--mode`, `--max-length`, flavor aliases, errors
//! on stderr, a closed pipe; and insta snapshots of the text and JSON output
//! (`tests/snapshots/tests__cli__*.snap`).
//!
//! Snapshots are committed. `cargo insta review` (or `INSTA_UPDATE=always`)
//! accepts new output after a deliberate change; with `CI=true` or
//! `INSTA_UPDATE=no` insta writes nothing, and a changed *or missing*
//! snapshot fails the test.

use assert_cmd::Command;
use serde_json::Value;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

/// Patterns whose verdicts the tests rely on.
const EXPONENTIAL: &str = "^(a+)+$";
const POLYNOMIAL: &str = r"\s*#?\s*$";
const TRAILING_SPACE: &str = r"\s+$";
const SAFE: &str = "^[a-z0-9]+(?:-[a-z0-9]+)*$";
/// The automaton of this pattern is over the default state limit (20,000):
/// `unknown`, deterministically and fast.
const UNKNOWN: &str = "((a{100}){100}){100}";
const INVALID: &str = "(a";

/// The built binary, with a deadline so that a hang fails instead of
/// blocking the suite, and without the environment that changes colors.
fn redoscope() -> Command {
    let mut cmd = Command::cargo_bin("redoscope").expect("the redoscope binary is built");
    cmd.timeout(Duration::from_secs(60))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// Runs `redoscope ARGS` and returns (exit code, stdout, stderr).
fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = redoscope();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().expect("redoscope runs");
    (
        out.status.code().expect("redoscope exits, not killed"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// The exit code of `redoscope ARGS`.
fn code(args: &[&str]) -> i32 {
    run(args, None).0
}

/// Every line of `stdout` as a JSON object.
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}"));
            assert!(v.is_object(), "not an object: {l}");
            v
        })
        .collect()
}

/// `check --format json PATTERN EXTRA…` for one pattern.
fn check_json(pattern: &str, extra: &[&str]) -> Value {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push("--");
    args.push(pattern);
    let (_, stdout, stderr) = run(&args, None);
    let mut lines = json_lines(&stdout);
    assert_eq!(
        lines.len(),
        1,
        "one object for one pattern: {stdout}{stderr}"
    );
    lines.remove(0)
}

/// The report with `elapsed_ms` (the only nondeterministic field) redacted.
fn redacted(mut v: Value) -> Value {
    let elapsed = v
        .get_mut("elapsed_ms")
        .expect("every report has elapsed_ms");
    assert!(
        elapsed.as_f64().is_some_and(|ms| ms >= 0.0),
        "elapsed_ms is a non-negative number: {elapsed}"
    );
    *elapsed = Value::String("[elapsed]".into());
    v
}

// ---------------------------------------------------------------------------
// Exit statuses
// ---------------------------------------------------------------------------

#[test]
fn exit_0_when_safe() {
    assert_eq!(code(&["check", SAFE]), 0);
    assert_eq!(code(&["check", "--format", "json", SAFE]), 0);
}

#[test]
fn exit_1_when_vulnerable() {
    assert_eq!(code(&["check", EXPONENTIAL]), 1);
    assert_eq!(code(&["check", "--format", "json", POLYNOMIAL]), 1);
    // One vulnerable pattern among safe ones is enough.
    assert_eq!(code(&["check", SAFE, EXPONENTIAL, SAFE]), 1);
}

#[test]
fn exit_2_on_invalid_pattern_whatever_else() {
    assert_eq!(code(&["check", INVALID]), 2);
    assert_eq!(code(&["check", "--format", "json", INVALID]), 2);
    // An error outranks a finding, in any order.
    assert_eq!(code(&["check", EXPONENTIAL, INVALID]), 2);
    assert_eq!(code(&["check", INVALID, EXPONENTIAL]), 2);
    // Valid in one flavor, rejected by another's engine.
    assert_eq!(code(&["check", "--flavor", "js", "(?<n>a)"]), 0);
    assert_eq!(code(&["check", "--flavor", "python", "(?<n>a)"]), 2);
}

#[test]
fn exit_2_on_bad_flag_flavor_mode_or_option() {
    assert_eq!(code(&["check", "--flags", "Q", "a"]), 2);
    assert_eq!(
        code(&["check", "--flavor", "python", "--flags", "g", "a"]),
        2
    );
    assert_eq!(code(&["check", "--flavor", "nope", "a"]), 2);
    assert_eq!(code(&["check", "--mode", "sideways", "a"]), 2);
    assert_eq!(code(&["check", "--timeout", "soon", "a"]), 2);
    assert_eq!(code(&["check", "--format", "yaml", "a"]), 2);
    assert_eq!(code(&["check"]), 2, "no pattern at all");
    assert_eq!(code(&["parse", "--flavor", "nope", "a"]), 2);
    assert_eq!(code(&["parse", "--flags", "Q", "a"]), 2);
}

#[test]
fn parse_exit_status() {
    assert_eq!(code(&["parse", SAFE]), 0);
    assert_eq!(
        code(&["parse", EXPONENTIAL, SAFE]),
        0,
        "parse does not analyze"
    );
    assert_eq!(code(&["parse", INVALID]), 2);
    assert_eq!(code(&["parse", SAFE, INVALID, SAFE]), 2);
    assert_eq!(code(&["parse", "--flavor", "python", "(?P<n>a)(?P=n)"]), 0);
    assert_eq!(code(&["parse", "--flavor", "python", "(?<n>a)"]), 2);
    assert_eq!(code(&["parse", "--format", "json", INVALID]), 2);
}

#[test]
fn unknown_exits_0_and_1_with_strict() {
    let v = check_json(UNKNOWN, &[]);
    assert_eq!(v["verdict"], "unknown", "{v}");
    assert!(v["reason"].is_string(), "an unknown verdict says why: {v}");
    assert_eq!(code(&["check", UNKNOWN]), 0);
    assert_eq!(code(&["check", "--strict", UNKNOWN]), 1);
    assert_eq!(code(&["check", "--strict", "--format", "json", UNKNOWN]), 1);
    // --strict changes nothing for decided verdicts.
    assert_eq!(code(&["check", "--strict", SAFE]), 0);
    assert_eq!(code(&["check", "--strict", INVALID]), 2);
}

#[test]
fn timeout_bounds_the_analysis() {
    // This pattern needs about 100 ms of analysis (a large expansion of
    // Unicode `\w`); 50 ms must give `unknown`, well before 500 ms.
    let start = std::time::Instant::now();
    let v = check_json("(\\w{1,500}\\s?)*$", &["--timeout", "50ms"]);
    assert_eq!(v["verdict"], "unknown", "{v}");
    let reason = v["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("deadline"),
        "reason names the deadline: {v}"
    );
    assert!(
        v["elapsed_ms"].as_f64().unwrap() < 500.0,
        "analysis overran a 50 ms deadline: {v}"
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(
        code(&[
            "check",
            "--strict",
            "--timeout",
            "50ms",
            "(\\w{1,500}\\s?)*$"
        ]),
        1
    );
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Errors that are not about one pattern go to stderr, prefixed, with
/// nothing on stdout.
#[test]
fn errors_go_to_stderr_with_prefix() {
    let cases: &[(&[&str], &str)] = &[
        (&["check", "--flavor", "nope", "a"], "nope"),
        (&["parse", "--flavor", "nope", "a"], "nope"),
        (&["check", "--mode", "sideways", "a"], "sideways"),
        (&["check"], "pattern"),
        (&["parse"], "pattern"),
    ];
    for (args, mentions) in cases {
        let (code, stdout, stderr) = run(args, None);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(stdout, "", "{args:?}: nothing on stdout");
        assert!(
            stderr.starts_with("redoscope: "),
            "{args:?}: stderr is prefixed: {stderr:?}"
        );
        assert!(stderr.contains(mentions), "{args:?}: {stderr:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr:?}");
    }
}

#[test]
fn jsonl_input_errors_name_the_line() {
    let input = "{\"pattern\": \"a\"}\nnot json\n";
    let (code, _, stderr) = run(&["check", "--stdin", "--input", "jsonl"], Some(input));
    assert_eq!(code, 2);
    assert!(stderr.starts_with("redoscope: "), "{stderr:?}");
    assert!(stderr.contains("line 2"), "{stderr:?}");

    let input = "{\"flags\": \"i\"}\n";
    let (code, _, stderr) = run(&["check", "--stdin", "--input", "jsonl"], Some(input));
    assert_eq!(code, 2);
    assert!(stderr.starts_with("redoscope: line 1"), "{stderr:?}");
    assert!(stderr.contains("pattern"), "{stderr:?}");

    let input = "{\"pattern\": \"a\", \"flavor\": \"cobol\"}\n";
    let (code, _, stderr) = run(&["check", "--stdin", "--input", "jsonl"], Some(input));
    assert_eq!(code, 2);
    assert!(stderr.starts_with("redoscope: line 1"), "{stderr:?}");
    assert!(stderr.contains("cobol"), "{stderr:?}");
}

#[test]
fn unreadable_stdin_exits_2() {
    let mut cmd = redoscope();
    cmd.args(["check", "--stdin"])
        .write_stdin(vec![b'a', 0xff, b'\n']);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("redoscope: "), "{stderr:?}");
}

/// An invalid pattern is reported like a finding: in JSON as verdict
/// `error` with the reason, in text with a caret under the bad part.
#[test]
fn invalid_pattern_report() {
    let v = check_json("[z-a]", &[]);
    assert_eq!(v["verdict"], "error");
    assert_eq!(v["pattern"], "[z-a]");
    assert!(v["complexity"].is_null() && v["attack"].is_null(), "{v}");
    let reason = v["reason"].as_str().expect("an error has a reason");
    assert!(
        reason.contains("1..4"),
        "the reason carries the span: {reason}"
    );
}

// ---------------------------------------------------------------------------
// Input: arguments, --stdin lines, --stdin --input jsonl
// ---------------------------------------------------------------------------

#[test]
fn several_patterns_one_json_object_per_line_in_order() {
    let pats = [SAFE, EXPONENTIAL, INVALID, UNKNOWN, POLYNOMIAL];
    let mut args = vec!["check", "--format", "json", "--"];
    args.extend_from_slice(&pats);
    let (code, stdout, _) = run(&args, None);
    assert_eq!(code, 2);
    let lines = json_lines(&stdout);
    let got: Vec<&str> = lines
        .iter()
        .map(|v| v["pattern"].as_str().unwrap())
        .collect();
    assert_eq!(got, pats);
    let verdicts: Vec<&str> = lines
        .iter()
        .map(|v| v["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["safe", "vulnerable", "error", "unknown", "vulnerable"]
    );
}

#[test]
fn stdin_one_pattern_per_line() {
    // CRLF line ends are accepted; the patterns come out in input order.
    let input = format!("{SAFE}\r\n{EXPONENTIAL}\n{TRAILING_SPACE}\n");
    let (code, stdout, stderr) = run(&["check", "--stdin", "--format", "json"], Some(&input));
    assert_eq!(code, 1, "{stderr}");
    let lines = json_lines(&stdout);
    let got: Vec<&str> = lines
        .iter()
        .map(|v| v["pattern"].as_str().unwrap())
        .collect();
    assert_eq!(got, [SAFE, EXPONENTIAL, TRAILING_SPACE]);

    // Arguments come first, then the lines of stdin.
    let (_, stdout, _) = run(&["check", "--stdin", "--format", "json", "x"], Some("y\n"));
    let got: Vec<String> = json_lines(&stdout)
        .iter()
        .map(|v| v["pattern"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["x", "y"]);

    // The options apply to every line.
    let (code, stdout, _) = run(
        &[
            "check", "--stdin", "--format", "json", "--flavor", "python", "--flags", "i",
        ],
        Some("(?P<a>x)\nA+\n"),
    );
    assert_eq!(code, 0);
    for v in json_lines(&stdout) {
        assert_eq!(v["flavor"], "python");
        assert_eq!(v["flags"], "i");
    }

    // parse reads stdin the same way.
    let (code, stdout, _) = run(&["parse", "--stdin", "--format", "json"], Some("a\n(b\n"));
    assert_eq!(code, 2);
    let valid: Vec<bool> = json_lines(&stdout)
        .iter()
        .map(|v| v["valid"].as_bool().unwrap())
        .collect();
    assert_eq!(valid, [true, false]);
}

#[test]
fn stdin_jsonl_with_per_line_flavor_flags_and_mode() {
    let lines = [
        // Defaults from the command line (js, search).
        serde_json::json!({"pattern": TRAILING_SPACE}),
        // The same pattern in full-match mode is safe.
        serde_json::json!({"pattern": TRAILING_SPACE, "mode": "full"}),
        // Per-line flavor: (?P<…>) is Python syntax.
        serde_json::json!({"pattern": "^(?P<x>a+)+$", "flavor": "python"}),
        // Per-line flags: with `i` the class covers the upper-case pump.
        serde_json::json!({"pattern": "^(A+)+$", "flags": "i"}),
        // An alias in the flavor field.
        serde_json::json!({"pattern": "(?<n>a)\\k<n>", "flavor": "node"}),
    ];
    let input: String = lines.iter().map(|l| format!("{l}\n\n")).collect();
    let (code, stdout, stderr) = run(
        &["check", "--stdin", "--input", "jsonl", "--format", "json"],
        Some(&input),
    );
    assert_eq!(code, 1, "{stderr}");
    let out = json_lines(&stdout);
    assert_eq!(out.len(), lines.len(), "blank lines are skipped: {stdout}");
    for (i, (o, l)) in out.iter().zip(&lines).enumerate() {
        assert_eq!(o["pattern"], l["pattern"], "line {i} in order");
    }
    assert_eq!(out[0]["mode"], "search");
    assert_eq!(out[0]["verdict"], "vulnerable");
    assert_eq!(out[1]["mode"], "full");
    assert_eq!(out[1]["verdict"], "safe");
    assert_eq!(out[2]["flavor"], "python");
    assert_eq!(out[2]["verdict"], "vulnerable");
    assert_eq!(out[3]["flags"], "i");
    assert_eq!(out[3]["flavor"], "js");
    assert_eq!(out[3]["verdict"], "vulnerable");
    assert_eq!(out[4]["flavor"], "js");

    // Command-line options are the defaults for missing fields.
    let (_, stdout, _) = run(
        &[
            "check", "--stdin", "--input", "jsonl", "--format", "json", "--flavor", "java",
            "--mode", "search",
        ],
        Some("{\"pattern\": \"a\"}\n{\"pattern\": \"a\", \"mode\": \"full\"}\n"),
    );
    let out = json_lines(&stdout);
    assert_eq!(out[0]["flavor"], "java");
    assert_eq!(out[0]["mode"], "search");
    assert_eq!(out[1]["mode"], "full");
}

// ---------------------------------------------------------------------------
// The JSON report
// ---------------------------------------------------------------------------

/// The fields INTERFACE.md promises, with their types, on every verdict.
fn assert_contract_fields(v: &Value) {
    for field in [
        "pattern",
        "flavor",
        "flags",
        "verdict",
        "complexity",
        "hotspot",
        "attack",
        "runtimes",
        "fix",
        "reason",
        "elapsed_ms",
    ] {
        assert!(v.get(field).is_some(), "missing field {field}: {v}");
    }
    assert!(v["pattern"].is_string() && v["flavor"].is_string() && v["flags"].is_string());
    let verdict = v["verdict"].as_str().expect("verdict is a string");
    assert!(
        ["safe", "vulnerable", "unknown", "error"].contains(&verdict),
        "{verdict}"
    );
    assert!(v["elapsed_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{v}");
    assert!(v["runtimes"].is_object(), "{v}");
    for (k, rt) in v["runtimes"].as_object().unwrap() {
        assert!(rt.is_string(), "runtime {k}: {rt}");
    }
    assert!(v["fix"].is_null() || v["fix"].is_object(), "{v}");
    assert!(v["reason"].is_null() || v["reason"].is_string(), "{v}");
    let pattern = v["pattern"].as_str().unwrap();
    for h in v["hotspot"].as_array().expect("hotspot is an array") {
        let (s, e) = (h["start"].as_u64().unwrap(), h["end"].as_u64().unwrap());
        assert!(
            s < e && e as usize <= pattern.len(),
            "hotspot {h} in {pattern:?}"
        );
        assert!(
            pattern.is_char_boundary(s as usize) && pattern.is_char_boundary(e as usize),
            "hotspot {h} is on byte/char boundaries of {pattern:?}"
        );
    }
    match &v["complexity"] {
        Value::Null => assert!(
            verdict == "unknown" || verdict == "error",
            "only unknown/error lack a complexity: {v}"
        ),
        c => {
            let kind = c["kind"].as_str().expect("complexity.kind");
            match kind {
                "linear" | "exponential" => {}
                "polynomial" => assert!(c["degree"].as_u64().is_some_and(|d| d >= 2), "{c}"),
                _ => panic!("unknown complexity kind {kind}"),
            }
        }
    }
    if verdict == "vulnerable" {
        let a = &v["attack"];
        let pumps = a["pumps"].as_array().expect("attack.pumps");
        assert!(!pumps.is_empty());
        let repeat = a["repeat"].as_u64().expect("attack.repeat") as usize;
        let suffix = a["suffix"].as_str().expect("attack.suffix");
        let mut expect = String::new();
        for p in pumps {
            expect.push_str(p["prefix"].as_str().expect("pump.prefix"));
            expect.push_str(&p["pump"].as_str().expect("pump.pump").repeat(repeat));
        }
        expect.push_str(suffix);
        assert_eq!(a["string"].as_str(), Some(expect.as_str()), "attack.string");
        assert!(!v["hotspot"].as_array().unwrap().is_empty(), "{v}");
        // A vulnerable verdict's attack has been run and its growth matches.
        let val = &v["validation"];
        assert_eq!(val["engine"], "reference", "{v}");
        assert!(
            val["confirmed"] == true || val["steeper"] == true,
            "vulnerable without a reproduced attack: {v}"
        );
        let steps = val["steps"].as_array().expect("validation.steps");
        assert!(steps.len() >= 2, "{val}");
        let counts: Vec<u64> = steps.iter().map(|p| p[1].as_u64().unwrap()).collect();
        assert!(
            counts.windows(2).all(|w| w[0] <= w[1]),
            "steps grow with the repeat count: {counts:?}"
        );
    }
    if verdict == "unknown" && !v["validation"].is_null() {
        assert_eq!(v["validation"]["confirmed"], false, "{v}");
        assert!(v["reason"].as_str().unwrap().contains("unconfirmed"), "{v}");
    }
    if verdict == "unknown" || verdict == "error" {
        assert!(v["reason"].is_string(), "{verdict} says why: {v}");
    }
}

#[test]
fn json_has_the_contract_fields() {
    for (p, verdict) in [
        (EXPONENTIAL, "vulnerable"),
        (POLYNOMIAL, "vulnerable"),
        (SAFE, "safe"),
        (UNKNOWN, "unknown"),
        (INVALID, "error"),
        ("^(é+)+ü$", "vulnerable"),
    ] {
        let v = check_json(p, &[]);
        assert_eq!(v["verdict"], verdict, "{v}");
        assert_contract_fields(&v);
    }
    let v = check_json(EXPONENTIAL, &[]);
    assert_eq!(v["complexity"], serde_json::json!({"kind": "exponential"}));
    assert_eq!(v["hotspot"], serde_json::json!([{"start": 1, "end": 6}]));
    assert_eq!(v["runtimes"]["node"], "exponential");
    assert_eq!(v["runtimes"]["rust-regex"], "linear");
    let v = check_json(SAFE, &[]);
    assert_eq!(v["complexity"], serde_json::json!({"kind": "linear"}));
    assert!(v["attack"].is_null());
    let v = check_json(POLYNOMIAL, &[]);
    assert_eq!(v["complexity"]["kind"], "polynomial");
    // Hotspots are byte offsets: `é` is two bytes in UTF-8.
    let v = check_json("^(é+)+$", &[]);
    assert_eq!(v["hotspot"], serde_json::json!([{"start": 1, "end": 7}]));
}

#[test]
fn max_length_shortens_the_attack() {
    let full = check_json(TRAILING_SPACE, &[]);
    let full_len = full["attack"]["string"].as_str().unwrap().chars().count();
    assert!(full_len > 100, "the default attack is long: {full_len}");
    for max in [100usize, 37, 10] {
        let v = check_json(TRAILING_SPACE, &["--max-length", &max.to_string()]);
        assert_contract_fields(&v);
        let s = v["attack"]["string"].as_str().unwrap();
        assert!(
            s.chars().count() <= max,
            "--max-length {max}: {} chars",
            s.len()
        );
        assert!(
            v["attack"]["repeat"].as_u64().unwrap() < full["attack"]["repeat"].as_u64().unwrap()
        );
    }
    // A bound above the attack's length changes nothing.
    let v = check_json(EXPONENTIAL, &["--max-length", "100000"]);
    assert_eq!(v["attack"], check_json(EXPONENTIAL, &[])["attack"]);
    // Text output reports the shortened length.
    let (_, stdout, _) = run(
        &[
            "check",
            "--color",
            "never",
            "--max-length",
            "50",
            TRAILING_SPACE,
        ],
        None,
    );
    assert!(stdout.contains("(50 chars)"), "{stdout}");
}

#[test]
fn mode_changes_the_verdict() {
    // `\s+$` is quadratic when the engine retries at each start position,
    // linear when the match is anchored at the start.
    let v = check_json(TRAILING_SPACE, &["--mode", "search"]);
    assert_eq!(
        (v["mode"].as_str(), v["verdict"].as_str()),
        (Some("search"), Some("vulnerable"))
    );
    assert_eq!(
        v["complexity"],
        serde_json::json!({"kind": "polynomial", "degree": 2})
    );
    for mode in ["full", "prefix"] {
        let v = check_json(TRAILING_SPACE, &["--mode", mode]);
        assert_eq!(
            (v["mode"].as_str(), v["verdict"].as_str()),
            (Some(mode), Some("safe"))
        );
    }
    // The flavor's most common API by default: search for JS, matches() for Java.
    assert_eq!(check_json(TRAILING_SPACE, &[])["mode"], "search");
    let v = check_json(TRAILING_SPACE, &["--flavor", "java"]);
    assert_eq!(
        (v["mode"].as_str(), v["verdict"].as_str()),
        (Some("full"), Some("safe"))
    );
    let v = check_json(TRAILING_SPACE, &["--flavor", "java", "--mode", "search"]);
    assert_eq!(v["verdict"], "vulnerable");
    // Exit status follows the mode.
    assert_eq!(code(&["check", "--mode", "full", TRAILING_SPACE]), 0);
    assert_eq!(code(&["check", "--mode", "search", TRAILING_SPACE]), 1);
}

#[test]
fn flavor_aliases() {
    for (alias, name) in [
        ("js", "js"),
        ("javascript", "js"),
        ("node", "js"),
        ("python", "python"),
        ("py", "python"),
        ("java", "java"),
        ("pcre", "pcre"),
        ("pcre2", "pcre"),
        ("php", "pcre"),
        ("perl", "pcre"),
        ("ruby", "ruby"),
        ("dotnet", "dotnet"),
        ("csharp", "dotnet"),
        ("rust", "rust"),
        ("go", "go"),
        ("golang", "go"),
        ("re2", "go"),
    ] {
        let v = check_json("^ab$", &["--flavor", alias]);
        assert_eq!(v["flavor"], name, "--flavor {alias}");
        assert_eq!(v["verdict"], "safe", "--flavor {alias}");
        let (code, stdout, _) = run(&["parse", "--format", "json", "--flavor", alias, "a"], None);
        assert_eq!(code, 0, "parse --flavor {alias}");
        assert_eq!(
            json_lines(&stdout)[0]["flavor"],
            name,
            "parse --flavor {alias}"
        );
    }
    // Aliases reach each flavor's own syntax: PHP and Perl read PCRE.
    assert_eq!(code(&["parse", "--flavor", "php", r"(?|(a)|(b))\1"]), 0);
    assert_eq!(code(&["parse", "--flavor", "node", r"(?|(a)|(b))\1"]), 2);
}

#[test]
fn color_never_and_always() {
    let (_, plain, _) = run(&["check", "--color", "never", EXPONENTIAL], None);
    assert!(!plain.contains('\x1b'), "{plain:?}");
    let (_, colored, _) = run(&["check", "--color", "always", EXPONENTIAL], None);
    assert!(colored.contains("\x1b["), "{colored:?}");
    // Output to a pipe is plain by default.
    let (_, auto, _) = run(&["check", EXPONENTIAL], None);
    assert_eq!(auto, plain);
    let (_, colored, _) = run(&["parse", "--color", "always", INVALID], None);
    assert!(colored.contains("\x1b["), "{colored:?}");
}

// ---------------------------------------------------------------------------
// A closed pipe
// ---------------------------------------------------------------------------

/// `redoscope … | head -c 16`: the reader goes away after a few bytes. The
/// binary must exit 0 and print nothing on stderr (no panic, no error).
fn closed_pipe(args: &[&str]) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("redoscope"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn redoscope");
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 16];
    stdout.read_exact(&mut head).expect("some output");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{args:?}: stderr {stderr:?}");
    assert_eq!(stderr, "", "{args:?}: quiet on a closed pipe");
}

#[test]
fn broken_pipe_exits_quietly() {
    // Each run writes megabytes, far more than a pipe buffer holds.
    let many_checks: Vec<&str> = std::iter::repeat_n(EXPONENTIAL, 3000).collect();
    let mut args = vec!["check", "--format", "json", "--"];
    args.extend(&many_checks);
    closed_pipe(&args);

    let mut args = vec!["check", "--color", "never", "--"];
    args.extend(&many_checks);
    closed_pipe(&args);

    let many_parses: Vec<&str> = std::iter::repeat_n(SAFE, 5000).collect();
    let mut args = vec!["parse", "--"];
    args.extend(&many_parses);
    closed_pipe(&args);
}

// ---------------------------------------------------------------------------
// Snapshots of the text output (`--color never`) and of the JSON
// ---------------------------------------------------------------------------

/// stdout of a command that must exit with `expect_code`, plus its stderr
/// when not empty, for a snapshot.
fn output_for_snapshot(args: &[&str], expect_code: i32) -> String {
    let (code, stdout, stderr) = run(args, None);
    assert_eq!(code, expect_code, "{args:?}\n{stdout}{stderr}");
    if stderr.is_empty() {
        stdout
    } else {
        format!("{stdout}--- stderr ---\n{stderr}")
    }
}

#[test]
fn snapshot_check_text_exponential() {
    let out = output_for_snapshot(&["check", "--color", "never", EXPONENTIAL], 1);
    insta::assert_snapshot!("check_text_exponential", out);
}

#[test]
fn snapshot_check_text_exponential_python_nested_words() {
    let out = output_for_snapshot(
        &[
            "check",
            "--color",
            "never",
            "--flavor",
            "python",
            r"^(\w+\s?)*$",
        ],
        1,
    );
    insta::assert_snapshot!("check_text_exponential_python", out);
}

#[test]
fn snapshot_check_text_polynomial() {
    let out = output_for_snapshot(&["check", "--color", "never", TRAILING_SPACE], 1);
    insta::assert_snapshot!("check_text_polynomial", out);
}

#[test]
fn snapshot_check_text_polynomial_cubic_with_flags() {
    let out = output_for_snapshot(
        &["check", "--color", "never", "--flags", "i", r"\s*#?\s*$"],
        1,
    );
    insta::assert_snapshot!("check_text_polynomial_cubic", out);
}

#[test]
fn snapshot_check_text_safe() {
    let out = output_for_snapshot(&["check", "--color", "never", SAFE], 0);
    insta::assert_snapshot!("check_text_safe", out);
}

#[test]
fn snapshot_check_text_unknown() {
    let out = output_for_snapshot(&["check", "--color", "never", UNKNOWN], 0);
    insta::assert_snapshot!("check_text_unknown", out);
}

#[test]
fn snapshot_check_text_error() {
    let out = output_for_snapshot(&["check", "--color", "never", INVALID, "[z-a]"], 2);
    insta::assert_snapshot!("check_text_error", out);
    let out = output_for_snapshot(&["check", "--color", "never", "--flags", "gQ", "a"], 2);
    insta::assert_snapshot!("check_text_error_flags", out);
}

#[test]
fn snapshot_check_text_several() {
    let out = output_for_snapshot(
        &["check", "--color", "never", SAFE, EXPONENTIAL, INVALID],
        2,
    );
    insta::assert_snapshot!("check_text_several", out);
}

#[test]
fn snapshot_parse_text_tree() {
    let out = output_for_snapshot(
        &[
            "parse",
            "--color",
            "never",
            r"^(?<user>[a-z0-9]+)@(\w+\.)+\w+$",
        ],
        0,
    );
    insta::assert_snapshot!("parse_text_tree", out);
    let out = output_for_snapshot(
        &[
            "parse",
            "--color",
            "never",
            "--flavor",
            "python",
            "--flags",
            "i",
            r"(?P<q>['\x22])(?:\\.|[^\\])*?(?P=q)",
        ],
        0,
    );
    insta::assert_snapshot!("parse_text_tree_python", out);
}

#[test]
fn snapshot_parse_text_error() {
    let out = output_for_snapshot(
        &["parse", "--color", "never", "--flavor", "python", "(a+"],
        2,
    );
    insta::assert_snapshot!("parse_text_error", out);
    let out = output_for_snapshot(&["parse", "--color", "never", "x{2,1}"], 2);
    insta::assert_snapshot!("parse_text_error_quantifier", out);
}

#[test]
fn snapshot_check_json() {
    let reports: Vec<Value> = [
        (EXPONENTIAL, &[][..]),
        (TRAILING_SPACE, &["--max-length", "20"][..]),
        (SAFE, &[][..]),
        (UNKNOWN, &[][..]),
        (INVALID, &[][..]),
        (
            "^(?P<x>a|a)*$",
            &["--flavor", "python", "--flags", "i", "--mode", "full"][..],
        ),
    ]
    .into_iter()
    .map(|(p, extra)| redacted(check_json(p, extra)))
    .collect();
    insta::assert_json_snapshot!("check_json", reports);
}

/// Runs `redoscope attack ARGS` and returns (exit code, raw stdout bytes,
/// stderr).
fn attack(args: &[&str]) -> (i32, Vec<u8>, String) {
    let mut cmd = redoscope();
    cmd.arg("attack").args(args);
    let out = cmd.output().expect("redoscope runs");
    (
        out.status.code().expect("redoscope exits, not killed"),
        out.stdout,
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

#[test]
fn attack_prints_raw_bytes_and_exits_1() {
    let (code, out, err) = attack(&[EXPONENTIAL, "--length", "40"]);
    assert_eq!(code, 1, "{err}");
    // A one-character pump and a one-character suffix, no newline.
    assert_eq!(out, format!("{}!", "a".repeat(39)).into_bytes());
    let (code, out, _) = attack(&[TRAILING_SPACE, "--length", "12"]);
    assert_eq!(code, 1);
    assert_eq!(out, format!("{}!", " ".repeat(11)).into_bytes());
    // The default length aims at seconds of backtracking, within 100,000.
    let (_, out, _) = attack(&[EXPONENTIAL]);
    assert!((25..=40).contains(&out.len()), "{}", out.len());
    let (_, out, _) = attack(&[TRAILING_SPACE]);
    assert!(out.len() > 10_000 && out.len() <= 100_000, "{}", out.len());
    let (_, out, _) = attack(&[TRAILING_SPACE, "--max-length", "500"]);
    assert_eq!(out.len(), 500);
}

#[test]
fn attack_json_and_no_attack_cases() {
    let (code, out, _) = attack(&[EXPONENTIAL, "--format", "json", "--length", "20"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_slice(&out).expect("one JSON object");
    assert_contract_fields(&v);
    assert_eq!(v["attack"]["string"], format!("{}!", "a".repeat(19)));
    assert_eq!(v["attack"]["pumps"][0]["pump"], "a");
    assert_eq!(v["validation"]["confirmed"], true);
    // Safe: nothing on stdout, the reason on stderr, exit 0.
    let (code, out, err) = attack(&[SAFE]);
    assert_eq!((code, out.len()), (0, 0));
    assert!(err.contains("no attack: the pattern is safe"), "{err}");
    // A finding whose attack does not reproduce: no attack unless asked.
    let lookbehind = "(?<=a)(b+)+$";
    let (code, out, err) = attack(&[lookbehind]);
    assert_eq!((code, out.len()), (0, 0), "{err}");
    assert!(err.contains("unconfirmed"), "{err}");
    let (code, out, _) = attack(&[lookbehind, "--unconfirmed", "--length", "10"]);
    assert_eq!(code, 0);
    assert_eq!(out.len(), 10);
    // Invalid pattern: exit 2 with the caret on stderr.
    let (code, _, err) = attack(&[INVALID]);
    assert_eq!(code, 2);
    assert!(err.starts_with("redoscope: "), "{err}");
    // One character does not fit: an error.
    let (code, _, err) = attack(&[r"^(\w+\s?)*$", "--length", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no attack fits"), "{err}");
}

/// The attack piped into Node: the exact bytes reach the engine and the
/// match fails there, as the attack requires.
#[test]
fn attack_pipes_into_node() {
    let Some(node) = crate::util::find_on_path("node") else {
        println!("skipping: node not found");
        return;
    };
    let (_, out, _) = attack(&[EXPONENTIAL, "--length", "18"]);
    let mut child = std::process::Command::new(node)
        .args([
            "-e",
            "const s = require('fs').readFileSync(0, 'utf8'); process.stdout.write(JSON.stringify([s.length, /^(a+)+$/.test(s)]))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&out).unwrap();
    let mut text = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(text, "[18,false]");
}
