//! `redoscope audit` on hostile inputs: a 50 MB minified file (a second of
//! parsing and a gigabyte of memory), 200 levels of nesting. A test binary
//! of its own, so that it runs beside no timing test (cargo runs test
//! binaries one after the other).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Runs `redoscope ARGS` in `dir` (an audit without a cache): (exit code,
/// stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut args = args.to_vec();
    if args.first() == Some(&"audit") {
        args.insert(1, "--no-cache");
    }
    let out = Command::cargo_bin("redoscope")
        .unwrap()
        .current_dir(dir)
        .timeout(Duration::from_secs(300))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().expect("exits, not killed"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn audit_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["audit", "--format", "json", "--timeout", "20s"];
    args.extend_from_slice(extra);
    let (code, out, err) = run_in(dir, &args);
    assert!(code != 2, "audit failed: {err}");
    (code, serde_json::from_str(&out).unwrap())
}

/// A 50 MB single-line "minified" JS file: with --max-filesize 100M the
/// audit finishes (the extraction is cut at --extract-timeout and
/// reported, or completes); with the default 10M the file is reported as
/// skipped.
#[test]
fn fifty_megabyte_minified_file() {
    let dir = tempfile::tempdir().unwrap();
    let chunk =
        "var a=function(b,c){return b.replace(/^(a+)+$/,c)+[1,2,3].map(function(d){return d*2})};";
    let mut text = String::with_capacity(50 << 20);
    while text.len() < 50 << 20 {
        text.push_str(chunk);
    }
    std::fs::write(dir.path().join("bundle.min.js"), &text).unwrap();
    drop(text);
    let start = std::time::Instant::now();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "audit",
            "--format",
            "json",
            "--max-filesize",
            "100M",
            "--extract-timeout",
            "5s",
        ],
    );
    assert!(code != 2, "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(240),
        "{:?}",
        start.elapsed()
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["summary"]["files_scanned"], 1);
    let timed_out = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["file"] == "bundle.min.js" && e["kind"] == "timeout");
    let found = r["summary"]["regexes_found"].as_u64().unwrap();
    assert!(timed_out || found > 0, "{}", r["summary"]);
    assert!(r["summary"]["unique_patterns"].as_u64().unwrap() <= 1);

    let (code, out, _) = run_in(dir.path(), &["audit", "--format", "json"]);
    assert_eq!(code, 0);
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["skipped"][0]["reason"], "too-large");
    assert!(r["skipped"][0]["size"].as_u64().unwrap() >= 50 << 20);
}

/// 200 levels of nesting, in the source and in the pattern.
#[test]
fn deep_nesting() {
    let dir = tempfile::tempdir().unwrap();
    let pattern = format!("{}a{}+", "(".repeat(200), ")".repeat(200));
    let src = format!(
        "{}new RegExp(\"{pattern}\"){};\nconst x = /^(a+)+$/;\n",
        "f(".repeat(200),
        ")".repeat(200)
    );
    std::fs::write(dir.path().join("deep.js"), src).unwrap();
    let (code, r) = audit_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{}", r);
    assert_eq!(findings[0]["pattern"], pattern.as_str());
    assert!(findings[0]["verdict"].is_string());
    assert_eq!(findings[1]["verdict"], "vulnerable");
}

/// A directory tree 1,000 levels deep (a 2,000-byte relative path): the
/// walk reaches the bottom and reports the regex there, with its path.
#[test]
fn deep_directory_tree() {
    let dir = tempfile::tempdir().unwrap();
    let rel: std::path::PathBuf = std::iter::repeat_n("d", 1000).collect();
    std::fs::create_dir_all(dir.path().join(&rel)).unwrap();
    std::fs::write(
        dir.path().join(&rel).join("deep.js"),
        "const x = /^(a+)+$/;\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("top.py"),
        "import re\nre.compile(r\"\\s+$\")\n",
    )
    .unwrap();
    let (code, r) = audit_json(dir.path(), &[]);
    assert_eq!(code, 1, "{}", r["summary"]);
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{}", r["summary"]);
    let deep = format!("{}/deep.js", rel.display());
    let f = findings
        .iter()
        .find(|f| f["file"] == deep.as_str())
        .expect("the deep file");
    assert_eq!(f["verdict"], "vulnerable");
    assert_eq!(f["complexity"]["kind"], "exponential");
    assert!(
        r["errors"].as_array().unwrap().is_empty(),
        "{}",
        r["errors"]
    );
}
