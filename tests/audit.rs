//! `redoscope audit` and `redoscope merge` on the fixture tree
//! `tests/fixtures/audit/` (see its README.txt), copied to a temporary
//! directory with a symlink loop added: verdicts per regex, suppressions,
//! skipped and erroneous files, --hidden/--no-ignore, baselines, severity,
//! --strict, shards and their merge, exit statuses, insta snapshots of each
//! format (elapsed times redacted; paths are relative), the SARIF output
//! validated against the SARIF 2.1.0 schema. The hostile inputs are in
//! `tests/audit_stress.rs`.
//!
//! A test binary of its own: the audit runs the analysis on every core,
//! which would skew the timing tests of `tests/tests.rs` running beside it.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures/audit")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of the fixture tree, with `src/loop -> ..` (a symlink
/// loop once links are followed).
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures(), dir.path());
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", dir.path().join("src/loop")).unwrap();
    dir
}

/// Runs `redoscope ARGS` in `dir`: (exit code, stdout, stderr). An audit
/// runs without a cache unless ARGS name a `--cache-dir`.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("redoscope").unwrap();
    cmd.current_dir(dir)
        .timeout(Duration::from_secs(300))
        .env_remove("NO_COLOR");
    let mut args = args.to_vec();
    if args.first() == Some(&"audit") && !args.contains(&"--cache-dir") {
        args.insert(1, "--no-cache");
    }
    cmd.args(args);
    let out = cmd.output().unwrap();
    (
        out.status.code().expect("exits, not killed"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `audit --format json --timeout 20s ARGS .` in `dir`.
fn audit_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["audit", "--format", "json", "--timeout", "20s"];
    args.extend_from_slice(extra);
    let (code, out, err) = run_in(dir, &args);
    assert!(code != 2, "audit failed: {err}");
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}")),
    )
}

fn find<'a>(report: &'a Value, file: &str, line: u64) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file && f["line"] == line)
        .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
}

/// Every regex of the fixture tree (default walk), with its verdict and
/// growth: none is dropped, whatever its verdict.
const EXPECTED: &[(&str, u64, &str, Option<&str>)] = &[
    ("lib/check.rb", 2, "vulnerable", Some("polynomial")),
    ("lib/lib.rs", 5, "safe", Some("linear")),
    ("src/Main.java", 4, "vulnerable", Some("exponential")),
    ("src/Main.java", 7, "safe", Some("linear")),
    ("src/app.js", 2, "vulnerable", Some("exponential")),
    ("src/app.js", 3, "safe", Some("linear")),
    ("src/app.js", 4, "vulnerable", Some("polynomial")),
    ("src/app.js", 5, "error", None),
    ("src/app.js", 6, "unknown", None),
    ("src/app.js", 7, "vulnerable", Some("exponential")),
    ("src/latin1.py", 3, "vulnerable", Some("exponential")),
    ("src/main.go", 6, "safe", Some("linear")),
    ("src/util.py", 4, "vulnerable", Some("exponential")),
    ("src/util.py", 5, "safe", Some("linear")),
    ("src/util.py", 9, "safe", Some("linear")),
    ("src/util.py", 14, "vulnerable", Some("exponential")),
    ("src/util.py", 19, "safe", Some("linear")),
];

#[test]
fn every_regex_with_its_verdict() {
    let dir = tree();
    let (code, r) = audit_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64, String, Option<String>)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["verdict"].as_str().unwrap().to_string(),
                f["complexity"]["kind"].as_str().map(String::from),
            )
        })
        .collect();
    let want: Vec<(String, u64, String, Option<String>)> = EXPECTED
        .iter()
        .map(|(f, l, v, c)| (f.to_string(), *l, v.to_string(), c.map(String::from)))
        .collect();
    assert_eq!(got, want);

    // Positions: 1-based, of the pattern inside the source; the hotspot in
    // source columns for verbatim patterns.
    let exp = find(&r, "src/app.js", 2);
    assert_eq!(
        (exp["column"].as_u64(), exp["end_column"].as_u64()),
        (Some(14), Some(21))
    );
    assert_eq!(exp["api"], "regex literal");
    assert_eq!(exp["flavor"], "js");
    assert_eq!(exp["mode"], "search");
    // The attack in its pumped form (no 100,000-character string per
    // finding): prefix + pump x repeat + suffix.
    assert_eq!(exp["attack"]["pumps"][0]["pump"], "a");
    assert!(exp["attack"]["repeat"].as_u64().unwrap() >= 20);
    assert!(exp["attack"].get("string").is_none());
    let h = &exp["hotspot"][0];
    assert_eq!(h["line"], 2);
    assert!(h["column"].as_u64().unwrap() >= 14 && h["end_column"].as_u64().unwrap() <= 21);
    assert_eq!(find(&r, "src/Main.java", 4)["mode"], "full");
    assert_eq!(find(&r, "src/app.js", 4)["flags"], "i");
    assert!(find(&r, "src/main.go", 6)["reason"]
        .as_str()
        .unwrap()
        .contains("linear-time"));

    // Suppressions, with and without a reason.
    let s = find(&r, "src/app.js", 7);
    assert_eq!(s["suppressed"], "input is at most 10 characters");
    assert_eq!(s["counts"], false);
    assert_eq!(find(&r, "src/util.py", 14)["suppressed"], "");
    assert_eq!(find(&r, "src/app.js", 2)["suppressed"], Value::Null);

    // Skipped and erroneous files are listed, not dropped.
    assert_eq!(r["skipped"][0]["file"], "src/blob.js");
    assert_eq!(r["skipped"][0]["reason"], "binary");
    let errors = r["errors"].as_array().unwrap();
    assert!(errors
        .iter()
        .any(|e| e["file"] == "src/latin1.py" && e["kind"] == "invalid-utf8"));
    assert!(errors.iter().any(|e| e["file"] == "src/util.py"
        && e["kind"] == "extract"
        && e["line"] == 19
        && e["message"].as_str().unwrap().contains("FLAGS")));

    let s = &r["summary"];
    assert_eq!(s["files_scanned"], 7);
    assert_eq!(s["regexes_found"], 17);
    assert_eq!(s["unique_patterns"], 17);
    assert_eq!(s["vulnerable"]["exponential"], 4);
    assert_eq!(s["vulnerable"]["polynomial"], 2);
    assert_eq!(s["unknown"], 1);
    assert_eq!(s["errors"], 2);
    assert_eq!(s["warnings"], 1);
    assert_eq!(s["suppressed"], 2);
    assert_eq!(s["skipped"], 1);
}

#[test]
fn hidden_and_ignored_files() {
    let dir = tree();
    let files = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["file"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, r) = audit_json(dir.path(), &[]);
    assert!(!files(&r)
        .iter()
        .any(|f| f == "ignored.js" || f.starts_with(".hidden")));
    let (_, r) = audit_json(dir.path(), &["--no-ignore"]);
    assert!(files(&r).contains(&"ignored.js".to_string()));
    assert!(!files(&r).iter().any(|f| f.starts_with(".hidden")));
    let (_, r) = audit_json(dir.path(), &["--hidden"]);
    assert!(files(&r).contains(&".hidden/secret.js".to_string()));
    assert!(!files(&r).contains(&"ignored.js".to_string()));

    // --glob, as in ripgrep: `!` excludes, a positive glob keeps only its
    // matches; an invalid glob is a usage error.
    let (_, r) = audit_json(dir.path(), &["--glob", "!src/**"]);
    let found = files(&r);
    assert!(found.contains(&"lib/check.rb".to_string()), "{found:?}");
    assert!(!found.iter().any(|f| f.starts_with("src/")), "{found:?}");
    let (_, r) = audit_json(dir.path(), &["-g", "*.py"]);
    let found = files(&r);
    assert!(
        !found.is_empty() && found.iter().all(|f| f.ends_with(".py")),
        "{found:?}"
    );
    let (code, _, err) = run_in(dir.path(), &["audit", "--glob", "["]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid --glob '['"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed_forever() {
    let dir = tree();
    let (_, plain) = audit_json(dir.path(), &[]);
    let (code, r) = audit_json(dir.path(), &["--follow"]);
    assert_eq!(code, 1);
    assert!(
        r["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["reason"] == "symlink-loop" && s["file"] == "src/loop"),
        "{}",
        r["skipped"]
    );
    // Following the loop once adds no file twice over.
    assert_eq!(
        plain["summary"]["files_scanned"],
        r["summary"]["files_scanned"]
    );
}

#[test]
fn exit_statuses_and_usage_errors() {
    let dir = tree();
    // Only safe and linear-engine regexes: 0.
    let (code, _, _) = run_in(dir.path(), &["audit", "src/main.go", "lib/lib.rs"]);
    assert_eq!(code, 0);
    // Overlapping paths: each file once.
    let (_, whole) = audit_json(dir.path(), &[]);
    let (_, twice) = audit_json(dir.path(), &[".", "src", "src/app.js"]);
    assert_eq!(
        twice["summary"]["regexes_found"],
        whole["summary"]["regexes_found"]
    );
    assert_eq!(
        twice["summary"]["files_scanned"],
        whole["summary"]["files_scanned"]
    );
    // A file named on the command line in no known language is listed.
    let (code, r) = audit_json(dir.path(), &["README.md"]);
    assert_eq!(code, 0);
    assert_eq!(r["skipped"][0]["reason"], "unknown-language");
    let (code, _, err) = run_in(dir.path(), &["audit", "no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("redoscope: "), "{err}");
    for bad in [
        &["audit", "--shard", "2/2"][..],
        &["audit", "--shard", "x"],
        &["audit", "--severity", "cubic"],
        &["audit", "--max-filesize", "lots"],
        &["audit", "--format", "xml"],
        &["audit", "--jobs", "0"],
        &["audit", "--baseline", "missing.json"],
        &["merge"],
    ] {
        let (code, _, err) = run_in(dir.path(), bad);
        assert_eq!(code, 2, "{bad:?}");
        assert!(err.starts_with("redoscope: "), "{bad:?}: {err}");
    }
}

#[test]
fn severity_and_strict() {
    let dir = tree();
    // check.rb: polynomial degree 2 only.
    let only = |extra: &[&str]| {
        let mut a = vec!["audit", "--timeout", "20s", "lib/check.rb"];
        a.extend_from_slice(extra);
        run_in(dir.path(), &a).0
    };
    assert_eq!(only(&[]), 1);
    assert_eq!(only(&["--severity", "polynomial"]), 1);
    assert_eq!(only(&["--severity", "polynomial:2"]), 1);
    assert_eq!(only(&["--severity", "polynomial:3"]), 0);
    assert_eq!(only(&["--severity", "exponential"]), 0);
    let (_, r) = audit_json(dir.path(), &["--severity", "exponential", "lib/check.rb"]);
    assert_eq!(r["summary"]["below_threshold"], 1);
    assert_eq!(r["summary"]["vulnerable"]["polynomial"], 0);

    // An unknown verdict counts only with --strict.
    std::fs::write(
        dir.path().join("big.js"),
        "const big = /((a{100}){100}){100}/;\n",
    )
    .unwrap();
    assert_eq!(run_in(dir.path(), &["audit", "big.js"]).0, 0);
    assert_eq!(run_in(dir.path(), &["audit", "--strict", "big.js"]).0, 1);
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tree();
    let (code, before) = audit_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&baseline, serde_json::to_string(&before).unwrap()).unwrap();
    // Move the code down: still baselined.
    let app = dir.path().join("src/app.js");
    let text = std::fs::read_to_string(&app).unwrap();
    std::fs::write(&app, format!("\n\n// moved\n{text}")).unwrap();
    let (code, r) = audit_json(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(code, 0, "{}", r["summary"]);
    assert_eq!(r["summary"]["baselined"], 7);
    assert_eq!(find(&r, "src/app.js", 5)["baselined"], true);
    // A new vulnerable regex is reported.
    std::fs::write(&app, format!("{text}const fresh = /^(f+)+$/;\n")).unwrap();
    let (code, r) = audit_json(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    let counting: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["counts"] == true)
        .collect();
    assert_eq!(counting.len(), 1);
    assert_eq!(counting[0]["pattern"], "^(f+)+$");
    assert_eq!(r["summary"]["vulnerable"]["exponential"], 1);
}

/// The JSON report without its elapsed time.
fn without_elapsed(mut v: Value) -> Value {
    v["summary"]["elapsed_ms"] = Value::from(0);
    v
}

/// The cache: a re-audit of an unchanged tree takes every file's regexes
/// and every pattern's analysis from it and reports exactly what a run
/// without a cache reports; a changed file is extracted again and only
/// its new pattern analyzed; a damaged cache file is replaced, with a
/// warning; `--no-cache` neither reads nor writes one.
#[test]
fn cache_answers_for_unchanged_content_only() {
    let dir = tree();
    let cache = tempfile::tempdir().unwrap();
    let c = cache.path().to_str().unwrap();
    let strip = |mut v: Value| {
        v["summary"]["elapsed_ms"] = Value::from(0);
        v["summary"].as_object_mut().unwrap().remove("cache");
        v
    };
    let (code0, plain) = audit_json(dir.path(), &[]);
    assert!(plain["summary"].get("cache").is_none());
    assert!(!cache.path().join("audit-cache.json").exists());

    let (code1, first) = audit_json(dir.path(), &["--cache-dir", c]);
    let (files, unique) = (
        &first["summary"]["files_scanned"],
        &first["summary"]["unique_patterns"],
    );
    let stats = &first["summary"]["cache"];
    assert_eq!(stats["files_cached"], 0, "{stats}");
    assert_eq!(&stats["files_extracted"], files, "{stats}");
    assert_eq!(stats["patterns_cached"], 0, "{stats}");
    assert_eq!(&stats["patterns_analyzed"], unique, "{stats}");
    assert!(cache.path().join("audit-cache.json").exists());

    let (code2, second) = audit_json(dir.path(), &["--cache-dir", c]);
    let stats = &second["summary"]["cache"];
    assert_eq!(&stats["files_cached"], files, "{stats}");
    assert_eq!(stats["files_extracted"], 0, "{stats}");
    assert_eq!(&stats["patterns_cached"], unique, "{stats}");
    assert_eq!(stats["patterns_analyzed"], 0, "{stats}");
    assert_eq!((code0, code1), (code2, code2));
    assert_eq!(strip(first.clone()), strip(plain.clone()));
    assert_eq!(strip(second.clone()), strip(plain));

    // One file changes: a new regex on a new line 10.
    let app = dir.path().join("src/app.js");
    let mut text = std::fs::read_to_string(&app).unwrap();
    text.push_str("const added = /^(b+)+c$/;\n");
    std::fs::write(&app, text).unwrap();
    let (_, third) = audit_json(dir.path(), &["--cache-dir", c]);
    let stats = &third["summary"]["cache"];
    assert_eq!(stats["files_extracted"], 1, "{stats}");
    assert_eq!(stats["patterns_analyzed"], 1, "{stats}");
    let added = find(&third, "src/app.js", 10);
    assert_eq!(added["pattern"], "^(b+)+c$");
    assert_eq!(added["verdict"], "vulnerable");
    assert_eq!(added["complexity"]["kind"], "exponential");

    // A damaged cache file: a warning, and the same report.
    std::fs::write(cache.path().join("audit-cache.json"), "{ not a cache").unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "audit",
            "--format",
            "json",
            "--timeout",
            "20s",
            "--cache-dir",
            c,
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("warning: cache") && err.contains("not used"),
        "{err}"
    );
    let fourth: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(fourth["summary"]["cache"]["files_cached"], 0);
    assert_eq!(strip(fourth), strip(third));
}

#[test]
fn shards_merge_into_the_unsharded_report() {
    let dir = tree();
    let (_, whole) = audit_json(dir.path(), &[]);
    let mut names = vec![];
    let mut analyzed = 0;
    for i in 0..2 {
        let shard = format!("{i}/2");
        let (code, out, err) = run_in(
            dir.path(),
            &[
                "audit",
                "--format",
                "jsonl",
                "--timeout",
                "20s",
                "--shard",
                &shard,
            ],
        );
        assert!(code != 2, "{err}");
        let records: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(records[0]["type"], "begin");
        assert_eq!(records[0]["data"]["shard"]["index"], i);
        let summary = &records.last().unwrap()["data"];
        // Every occurrence is listed; only the shard's patterns analyzed.
        assert_eq!(summary["regexes_found"], 17);
        analyzed += summary["analyzed"].as_u64().unwrap();
        let name = format!("shard{i}.jsonl");
        std::fs::write(dir.path().join(&name), out).unwrap();
        names.push(name);
    }
    assert_eq!(analyzed, 17);
    let (code, out, err) = run_in(
        dir.path(),
        &["merge", "--format", "json", &names[0], &names[1]],
    );
    assert_eq!(code, 1, "{err}");
    let merged: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(without_elapsed(merged), without_elapsed(whole));
    // Incomplete or mismatched shard sets are refused.
    let (code, _, err) = run_in(dir.path(), &["merge", &names[0]]);
    assert_eq!(code, 2);
    assert!(err.contains("shard 1/2 is missing"), "{err}");
    let (code, _, _) = run_in(dir.path(), &["merge", &names[0], &names[0]]);
    assert_eq!(code, 2);
}

#[test]
fn text_snapshot() {
    let dir = tree();
    let (code, out, err) = run_in(
        dir.path(),
        &["audit", "--color", "never", "--timeout", "20s"],
    );
    assert_eq!(code, 1);
    // No progress bar when stderr is not a terminal.
    assert_eq!(err, "");
    let (body, last) = out.trim_end().rsplit_once('\n').unwrap();
    let last = match last.rsplit_once(" (") {
        Some((head, _)) => format!("{head} ([elapsed] ms)."),
        None => last.to_string(),
    };
    insta::assert_snapshot!("audit_text", format!("{body}\n{last}\n"));
    let (_, out, _) = run_in(
        dir.path(),
        &[
            "audit",
            "--color",
            "never",
            "--show-safe",
            "--timeout",
            "20s",
            "src/main.go",
        ],
    );
    assert!(
        out.starts_with("src/main.go:6:30: safe `^(a+)+$` (regexp.MustCompile, go)"),
        "{out}"
    );
    // The grouped layout: the same entries under one header per file.
    let (code, out, _) = run_in(
        dir.path(),
        &[
            "audit",
            "--format",
            "grouped",
            "--color",
            "never",
            "--timeout",
            "20s",
        ],
    );
    assert_eq!(code, 1);
    let (body, _) = out.trim_end().rsplit_once('\n').unwrap();
    insta::assert_snapshot!("audit_grouped", format!("{body}\n"));
}

#[test]
fn json_snapshot() {
    let dir = tree();
    let (_, r) = audit_json(dir.path(), &[]);
    insta::assert_json_snapshot!("audit_json", r, {
        ".summary.elapsed_ms" => "[elapsed]",
        ".findings[].attack.string" => "[attack]",
    });
}

#[test]
fn jsonl_snapshot() {
    let dir = tree();
    let (_, out, _) = run_in(
        dir.path(),
        &["audit", "--format", "jsonl", "--timeout", "20s"],
    );
    let lines: Vec<String> = out
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            match v["type"].as_str() {
                Some("summary") => v["data"]["elapsed_ms"] = "[elapsed]".into(),
                Some("begin") => v["data"]["version"] = "[version]".into(),
                Some("finding") if v["data"]["attack"].is_object() => {
                    v["data"]["attack"]["string"] = "[attack]".into()
                }
                _ => {}
            }
            serde_json::to_string(&v).unwrap()
        })
        .collect();
    insta::assert_snapshot!("audit_jsonl", lines.join("\n"));
}

fn sarif_of(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["audit", "--format", "sarif", "--timeout", "20s"];
    args.extend_from_slice(extra);
    let (code, out, err) = run_in(dir, &args);
    assert!(code != 2, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The SARIF 2.1.0 schema (tests/data/sarif-schema-2.1.0.json, see
/// tests/data/README.md for where it comes from).
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(manifest_dir().join("tests/data/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_and_snapshotted() {
    let dir = tree();
    let validator = sarif_validator();
    let baseline = dir.path().join("b.json");
    let (_, before) = audit_json(dir.path(), &[]);
    std::fs::write(&baseline, before.to_string()).unwrap();
    for extra in [
        &[][..],
        &["--strict"],
        &["--baseline", "b.json"],
        &["--hidden", "--no-ignore", "--follow"],
    ] {
        let log = sarif_of(dir.path(), extra);
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{extra:?}: {errors:#?}");
    }
    // The schema does catch mistakes.
    let mut broken = sarif_of(dir.path(), &[]);
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    let log = sarif_of(dir.path(), &[]);
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "redos/exponential",
            "redos/polynomial",
            "redos/unknown",
            "redos/invalid-regex"
        ]
    );
    let first = &run["results"][0];
    assert_eq!(first["ruleId"], "redos/polynomial");
    let loc = &first["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "lib/check.rb");
    assert_eq!(loc["region"]["startLine"], 2);
    assert!(first["message"]["text"]
        .as_str()
        .unwrap()
        .contains("attack: "));
    insta::assert_json_snapshot!("audit_sarif", log, {
        ".runs[].tool.driver.version" => "[version]",
    });
}

/// The project audits its own sources (test fixtures, which hold
/// vulnerable regexes on purpose, left out): nothing vulnerable that is
/// not suppressed with a reason, no invalid regex.
#[test]
fn the_project_audits_clean() {
    let (code, r) = audit_json(
        &manifest_dir(),
        &[
            "--glob",
            "!tests/fixtures/**",
            "--glob",
            "!crates/extract/tests/**",
            "--glob",
            "!target/**",
        ],
    );
    let s = &r["summary"];
    assert_eq!(code, 0, "{s}");
    assert!(s["regexes_found"].as_u64().unwrap() >= 10, "{s}");
    assert_eq!(s["errors"], 0, "{}", r["errors"]);
    for f in r["findings"].as_array().unwrap() {
        if f["verdict"] == "vulnerable" {
            let reason = f["suppressed"].as_str().unwrap_or("");
            assert!(!reason.is_empty(), "{f}");
        }
    }
}

/// SARIF fingerprints: the same regex keeps its fingerprint when lines
/// move; a second copy of it in the same file is a second alert.
#[test]
fn sarif_fingerprints_survive_line_moves_and_tell_copies_apart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.js");
    let prints = |v: &Value| -> Vec<(u64, String)> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["partialFingerprints"]["redoscope/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    std::fs::write(&file, "const a = /^(a+)+$/;\nconst b = /^(a+)+$/;\n").unwrap();
    let before = prints(&sarif_of(dir.path(), &[]));
    assert_eq!(before.len(), 2, "{before:?}");
    assert_ne!(before[0].1, before[1].1);
    std::fs::write(
        &file,
        "// a new first line\nconst a = /^(a+)+$/;\nconst b = /^(a+)+$/;\n",
    )
    .unwrap();
    let after = prints(&sarif_of(dir.path(), &[]));
    assert_eq!(
        after,
        vec![(2, before[0].1.clone()), (3, before[1].1.clone())]
    );
}
