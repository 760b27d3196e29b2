//! The Java driver, compiled once with `javac` into a private cache
//! directory (a JVM started on a compiled class is several times faster than
//! a single-file source launch, which compiles in memory at every start).
//!
//! The directory is `<temp>/redoscope-drivers-<hash>-<uid>`, where the hash
//! covers the source and the `javac` options. It is trusted only when it is a
//! real directory owned by this user with no access for others (mode 0700):
//! a temp directory is shared, and a class file planted there would run. It
//! is built in a fresh private directory that is then renamed into place, so
//! a reader never sees a half-written one; when the name is taken by a
//! directory that cannot be trusted, the fresh directory is used instead.

use super::sys;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// The driver's source.
pub(super) const SOURCE: &str = include_str!("../../../drivers/Driver.java");

/// The options `javac` compiles it with (class files any Java 11+ runs).
const JAVAC_OPTIONS: &[&str] = &["--release", "11"];

/// How to start the driver.
#[derive(Clone, Debug)]
pub(super) enum Launch {
    /// `java -cp <dir> Driver`.
    Classes(PathBuf),
    /// `java <dir>/Driver.java`, when `javac` is missing or failed.
    Source(PathBuf),
}

fn hash() -> u64 {
    // FNV-1a: stable across builds and Rust versions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in SOURCE.bytes().chain(JAVAC_OPTIONS.join(" ").bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn cache_dir() -> PathBuf {
    std::env::temp_dir().join(format!("redoscope-drivers-{:016x}-{}", hash(), sys::euid()))
}

/// Where the driver will be (for showing the command line).
pub(super) fn planned() -> Launch {
    Launch::Classes(cache_dir())
}

/// Whether `dir` is a directory (not a link) of this user, closed to others.
fn trusted(dir: &Path) -> bool {
    fs::symlink_metadata(dir)
        .is_ok_and(|m| m.is_dir() && m.uid() == sys::euid() && m.mode() & 0o077 == 0)
}

fn is_file(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.is_file())
}

/// What a trusted directory holds.
fn found(dir: &Path) -> Option<Launch> {
    if !trusted(dir) {
        return None;
    }
    if is_file(&dir.join("Driver.class")) {
        Some(Launch::Classes(dir.to_path_buf()))
    } else if is_file(&dir.join("Driver.java")) {
        Some(Launch::Source(dir.join("Driver.java")))
    } else {
        None
    }
}

/// The compiled driver, built when it is not in the cache yet.
pub(super) fn prepare(java: &OsStr, timeout: Duration) -> Result<Launch, String> {
    let dir = cache_dir();
    if let Some(l) = found(&dir) {
        return Ok(l);
    }
    let fresh = fresh_dir(&dir)?;
    fs::write(fresh.join("Driver.java"), SOURCE)
        .map_err(|e| format!("cannot write {}: {e}", fresh.display()))?;
    let compiled = javac(java, &fresh, timeout);
    match fs::rename(&fresh, &dir) {
        Ok(()) => Ok(found(&dir).unwrap_or(launch_of(&dir, compiled))),
        Err(_) => match found(&dir) {
            // Another process built it first.
            Some(l) => {
                let _ = fs::remove_dir_all(&fresh);
                Ok(l)
            }
            None => Ok(launch_of(&fresh, compiled)),
        },
    }
}

fn launch_of(dir: &Path, compiled: bool) -> Launch {
    if compiled {
        Launch::Classes(dir.to_path_buf())
    } else {
        Launch::Source(dir.join("Driver.java"))
    }
}

/// A new empty directory next to `dir`, mode 0700.
fn fresh_dir(dir: &Path) -> Result<PathBuf, String> {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = String::new();
    for i in 0..100u32 {
        let mut name = dir.as_os_str().to_owned();
        name.push(format!(".tmp-{}-{nanos}-{i}", std::process::id()));
        let p = PathBuf::from(name);
        match fs::DirBuilder::new().mode(0o700).create(&p) {
            Ok(()) => return Ok(p),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!(
        "cannot create a directory in {}: {last}",
        dir.display()
    ))
}

/// `javac`: `REDOSCOPE_JAVAC`, else next to the `java` given as a path,
/// else from `PATH`.
fn javac_program(java: &OsStr) -> OsString {
    if let Some(p) = std::env::var_os("REDOSCOPE_JAVAC").filter(|p| !p.is_empty()) {
        return p;
    }
    let java = Path::new(java);
    if let Some(dir) = java.parent().filter(|d| !d.as_os_str().is_empty()) {
        let sibling = dir.join("javac");
        if sibling.exists() {
            return sibling.into_os_string();
        }
    }
    "javac".into()
}

/// Compiles `dir/Driver.java` into `dir`; whether it worked (in time).
fn javac(java: &OsStr, dir: &Path, timeout: Duration) -> bool {
    let mut c = Command::new(javac_program(java));
    c.args(JAVAC_OPTIONS)
        .arg("-d")
        .arg(dir)
        .arg(dir.join("Driver.java"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for v in [
        "JAVA_TOOL_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "_JAVA_OPTIONS",
        "CLASSPATH",
    ] {
        c.env_remove(v);
    }
    let Ok(mut child) = c.spawn() else {
        return false;
    };
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success() && is_file(&dir.join("Driver.class")),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
        }
    }
}
