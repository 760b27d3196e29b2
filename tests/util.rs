//! Helpers shared by the integration tests: locating the corpora, reading
//! their records, and running external programs with piped stdin and a
//! wall-clock timeout.

use serde::Deserialize;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The root package's directory.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The normalized corpora: `$REDOSCOPE_CORPORA`, or `../shared/corpora` next
/// to the workspace. `None` (with a `skipping:` line printed) when absent.
pub fn corpora_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("REDOSCOPE_CORPORA") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => manifest_dir().join("..").join("shared").join("corpora"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipping: corpora directory {} not found (set REDOSCOPE_CORPORA)",
            dir.display()
        );
        None
    }
}

/// The first executable called `program` on `$PATH`.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// One record of a corpus `data.jsonl` (only the fields the tests use).
#[derive(Clone, Debug, Deserialize)]
pub struct Record {
    pub id: String,
    pub pattern: String,
    #[serde(default)]
    pub flags: String,
    #[serde(default)]
    pub flavor: String,
}

/// A line of a corpus file that could not be decoded.
#[derive(Clone, Debug)]
pub struct InputError {
    pub dataset: String,
    pub line: usize,
    pub message: String,
}

/// Reads `<corpora>/<dataset>/data.jsonl`. Lines that do not decode are
/// returned as [`InputError`]s, never a panic. `None` when the file is absent.
pub fn load_dataset(corpora: &Path, dataset: &str) -> Option<(Vec<Record>, Vec<InputError>)> {
    let path = corpora.join(dataset).join("data.jsonl");
    let file = std::fs::File::open(&path).ok()?;
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
        let error = |message: String| InputError {
            dataset: dataset.to_string(),
            line: i + 1,
            message,
        };
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                errors.push(error(format!("read error: {e}")));
                break;
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Record>(&line) {
            Ok(r) => records.push(r),
            Err(e) => errors.push(error(e.to_string())),
        }
    }
    Some((records, errors))
}

/// What a finished child process produced.
pub struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: std::process::ExitStatus,
    pub elapsed: Duration,
}

/// Runs `cmd` with `input` written to its stdin from a separate thread (so a
/// child that writes before it has read everything cannot deadlock us), and
/// collects stdout and stderr. The child is killed once `timeout` has passed.
pub fn run_with_input(
    mut cmd: Command,
    input: Vec<u8>,
    timeout: Duration,
) -> Result<Output, String> {
    let start = Instant::now();
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        // A child that exits early closes the pipe: that is reported through
        // its output and status, not here.
        let _ = stdin.write_all(&input);
        drop(stdin);
    });
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let mut stderr = child.stderr.take().expect("piped stderr");
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = writer.join();
                let out = reader.join().unwrap_or_default();
                let err = err_reader.join().unwrap_or_default();
                return Err(format!(
                    "{shown} timed out after {timeout:?} and was killed; it had written {} lines; stderr:\n{}",
                    out.iter().filter(|&&b| b == b'\n').count(),
                    tail(&String::from_utf8_lossy(&err), 4000),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("waiting for {shown}: {e}"));
            }
        }
    };
    let _ = writer.join();
    let stdout = reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Output {
        stdout,
        stderr,
        status,
        elapsed: start.elapsed(),
    })
}

/// The last `max` bytes of `s` (on a char boundary).
pub fn tail(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut at = s.len() - max;
    while !s.is_char_boundary(at) {
        at += 1;
    }
    &s[at..]
}

#[cfg(unix)]
#[test]
fn run_with_input_kills_on_timeout() {
    if find_on_path("sleep").is_none() {
        println!("skipping: sleep not found");
        return;
    }
    let mut cmd = Command::new("sleep");
    cmd.arg("30");
    let start = Instant::now();
    let err = run_with_input(cmd, Vec::new(), Duration::from_millis(300))
        .err()
        .expect("timeout");
    assert!(err.contains("timed out"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[cfg(unix)]
#[test]
fn run_with_input_does_not_deadlock_on_large_io() {
    if find_on_path("cat").is_none() {
        println!("skipping: cat not found");
        return;
    }
    // Far larger than a pipe buffer in both directions at once.
    let input: Vec<u8> = (0..8u32 << 20).map(|i| b'a' + (i % 26) as u8).collect();
    let out =
        run_with_input(Command::new("cat"), input.clone(), Duration::from_secs(60)).expect("cat");
    assert!(out.status.success());
    assert!(out.stdout == input);
}
