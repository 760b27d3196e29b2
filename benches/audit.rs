//! `redoscope audit` on a real tree next to the I/O floor (listing the
//! tree and reading every file), side by side in one run:
//!
//! - `io_floor`: walk (hidden entries skipped, as the audit does) and read
//!   every file, in this process, on one thread;
//! - `audit_first_run`: the release binary, `--no-cache`: every file
//!   parsed, every unique pattern analyzed;
//! - `audit_extract_only`: the same with `--shard 1/1000` (the walk, the
//!   reading and the extraction; ~1/1000 of the analysis);
//! - `audit_unchanged_tree`: a re-audit with the cache a previous run left
//!   (every file read and hashed; extractions and analyses from the cache).
//!
//! The tree is `$REDOSCOPE_AUDIT_TREE`, else `/tmp/audit-tree` (made by
//! `scripts/audit-tree/install.sh /tmp/audit-tree`); without it, the
//! fixture tree `tests/fixtures/audit` (small: the figures then say
//! little). Peak memory and cold-cache runs: `scripts/audit-tree/bench.py`.
//!
//! `cargo bench --bench audit`

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    divan::main();
}

fn tree() -> PathBuf {
    let t = std::env::var_os("REDOSCOPE_AUDIT_TREE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/audit-tree"));
    if t.is_dir() {
        return t;
    }
    eprintln!(
        "{} not found (scripts/audit-tree/install.sh makes it): benchmarking the fixture tree",
        t.display()
    );
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit")
}

fn read_all(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => {
                    total += std::fs::read(e.path()).map_or(0, |b| b.len() as u64);
                }
                _ => {}
            }
        }
    }
    total
}

fn audit(dir: &Path, extra: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_redoscope"))
        .arg("audit")
        .arg(dir)
        .args(["--format", "json"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("runs the redoscope binary");
    assert!(matches!(status.code(), Some(0 | 1)), "{status}");
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn io_floor() -> u64 {
    read_all(&tree())
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn audit_first_run() {
    audit(&tree(), &["--no-cache"]);
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn audit_extract_only() {
    audit(&tree(), &["--no-cache", "--shard", "1/1000"]);
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn audit_unchanged_tree(bencher: divan::Bencher) {
    let cache = std::env::temp_dir().join(format!("redoscope-bench-cache-{}", std::process::id()));
    let c = cache.to_string_lossy().into_owned();
    audit(&tree(), &["--cache-dir", &c]);
    bencher.bench(|| audit(&tree(), &["--cache-dir", &c]));
    let _ = std::fs::remove_dir_all(&cache);
}
