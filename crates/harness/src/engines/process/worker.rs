//! One child process running a driver: spawning it, the line protocol with
//! timeouts (reader and writer threads), its stderr tail, killing it.

use super::{java, sys, Key, Runtime};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How much of a child's stderr is kept for messages.
const STDERR_TAIL: usize = 4096;
/// The longest line read from a child (an echo of a long input).
const MAX_LINE: u64 = 1 << 30;

/// Environment variables that would load code or options into a runtime.
const SCRUBBED_ENV: &[&str] = &[
    "NODE_OPTIONS",
    "NODE_PATH",
    "NODE_REPL_EXTERNAL_MODULE",
    "PERL5OPT",
    "PERL5LIB",
    "PERLLIB",
    "PERL5DB",
    "PERL_UNICODE",
    "RUBYOPT",
    "RUBYLIB",
    "JAVA_TOOL_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "_JAVA_OPTIONS",
    "CLASSPATH",
    "PHPRC",
    "PHP_INI_SCAN_DIR",
];

/// The program and arguments a runtime's child is started with.
pub(super) struct Cmd {
    pub program: OsString,
    pub args: Vec<OsString>,
    /// `RLIMIT_AS` to set in the child before `exec`.
    pub address_space: Option<u64>,
}

/// The command of `runtime`'s child; for java, `launch` is where the driver
/// is (`None`: where it will be).
pub(super) fn command(
    runtime: Runtime,
    program: &OsStr,
    memory: u64,
    launch: Option<&java::Launch>,
) -> Cmd {
    let mib = (memory >> 20).max(16);
    let src = OsString::from(runtime.driver());
    let mut address_space = None;
    let args: Vec<OsString> = match runtime {
        Runtime::Node => vec![
            format!("--max-old-space-size={mib}").into(),
            "-e".into(),
            src,
        ],
        Runtime::Python => vec!["-I".into(), "-c".into(), src, memory.to_string().into()],
        Runtime::Java => {
            let mut a: Vec<OsString> = vec![
                format!("-Xmx{mib}m").into(),
                "-XX:+UseSerialGC".into(),
                "-XX:-UsePerfData".into(),
            ];
            match launch.cloned().unwrap_or_else(java::planned) {
                java::Launch::Classes(dir) => {
                    a.extend(["-cp".into(), dir.into_os_string(), "Driver".into()]);
                }
                java::Launch::Source(file) => a.push(file.into_os_string()),
            }
            a
        }
        Runtime::Perl => {
            address_space = Some(memory);
            vec!["-e".into(), src]
        }
        Runtime::Ruby => {
            address_space = Some(memory);
            vec!["--disable-gems".into(), "-W0".into(), "-e".into(), src]
        }
        Runtime::Isolated(n) => {
            address_space = Some(memory);
            vec![super::super::isolated::WORKER_ARG.into(), n.name().into()]
        }
        Runtime::Php => {
            address_space = Some(memory);
            vec![
                "-n".into(),
                "-d".into(),
                format!("memory_limit={memory}").into(),
                "-d".into(),
                "display_errors=stderr".into(),
                "-d".into(),
                "log_errors=0".into(),
                "-r".into(),
                src,
            ]
        }
    };
    Cmd {
        program: program.to_owned(),
        args,
        address_space,
    }
}

/// A child that did not start.
pub(super) enum StartError {
    /// The program does not exist.
    NotFound(String),
    /// Anything else (it died, did not answer, javac failed, …).
    Other(String),
}

impl StartError {
    pub(super) fn into_compile_error(
        self,
        runtime: Runtime,
        program: &OsStr,
    ) -> super::CompileError {
        let message = match self {
            StartError::NotFound(e) => format!(
                "{runtime} is not installed (cannot run `{}`: {e}; set {} to its path)",
                program.to_string_lossy(),
                runtime.env_var()
            ),
            StartError::Other(e) => format!("{runtime} did not start: {e}"),
        };
        super::CompileError {
            message,
            unsupported: true,
        }
    }
}

/// What came from the child.
pub(super) enum Reply {
    /// A line (without its newline).
    Line(String),
    /// Nothing within the timeout.
    Timeout,
    /// Its stdout closed: it died (or misbehaved).
    Eof,
}

/// The last bytes of a stream.
#[derive(Default)]
struct Tail(Vec<u8>);

impl Tail {
    fn push(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
        if self.0.len() > STDERR_TAIL {
            let cut = self.0.len() - STDERR_TAIL;
            self.0.drain(..cut);
        }
    }
}

/// How a child ended.
pub(super) struct Death {
    status: Option<ExitStatus>,
    stderr: String,
}

impl Death {
    /// Whether it died for memory: its runtime said so, or it was killed
    /// by SIGKILL (not by us: the kernel's OOM killer).
    pub(super) fn for_memory(&self) -> bool {
        const MARKS: &[&str] = &[
            "out of memory",
            "memoryerror",
            "outofmemoryerror",
            "nomemoryerror",
            "cannot allocate memory",
            "failed to allocate",
            "allocation failed",
            "bad_alloc",
            "allowed memory size",
            "heap limit",
        ];
        let e = self.stderr.to_lowercase();
        MARKS.iter().any(|m| e.contains(m)) || self.signal() == Some(sys::SIGKILL)
    }

    /// Whether it was stopped by its CPU time limit (the backstop).
    pub(super) fn for_cpu(&self) -> bool {
        self.signal() == Some(sys::SIGXCPU)
    }

    fn signal(&self) -> Option<i32> {
        self.status.and_then(|s| s.signal())
    }
}

impl std::fmt::Display for Death {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "{s}")?,
            None => f.write_str("no exit status")?,
        }
        let e = self.stderr.trim();
        if !e.is_empty() {
            write!(f, "; stderr: {e}")?;
        }
        Ok(())
    }
}

/// A running child.
pub(super) struct Worker {
    child: Child,
    /// Its pid, also its process group.
    pub pid: u32,
    input: Option<Sender<Vec<u8>>>,
    lines: Receiver<Option<String>>,
    stderr: Arc<Mutex<Tail>>,
    stderr_done: Receiver<()>,
    /// The runtime's version, from its `ready` line.
    pub version: String,
    /// The pattern it has compiled and its text as compiled.
    pub compiled: Option<(Key, String)>,
    reaped: bool,
}

impl Worker {
    /// Starts `runtime`'s driver and waits for its `ready` line.
    pub(super) fn start(
        runtime: Runtime,
        program: &OsStr,
        memory: u64,
        timeout: Duration,
    ) -> Result<Worker, StartError> {
        let deadline = Instant::now() + timeout;
        let launch = match runtime {
            Runtime::Java => Some(java::prepare(program, timeout).map_err(StartError::Other)?),
            _ => None,
        };
        let cmd = command(runtime, program, memory, launch.as_ref());
        let mut c = Command::new(&cmd.program);
        c.args(&cmd.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        for v in SCRUBBED_ENV {
            c.env_remove(v);
        }
        sys::limit_child(&mut c, cmd.address_space);
        let mut child = c.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StartError::NotFound(e.to_string()),
            _ => StartError::Other(format!(
                "cannot run `{}`: {e}",
                cmd.program.to_string_lossy()
            )),
        })?;
        let pid = child.id();
        let name = runtime.name();

        let stdin = child.stdin.take().expect("piped");
        let (input, to_write) = mpsc::channel::<Vec<u8>>();
        spawn(format!("redoscope-{name}-stdin"), move || {
            write_lines(stdin, to_write)
        });

        let stdout = child.stdout.take().expect("piped");
        let (line_tx, lines) = mpsc::channel();
        spawn(format!("redoscope-{name}-stdout"), move || {
            read_lines(stdout, line_tx)
        });

        let mut stderr_pipe = child.stderr.take().expect("piped");
        let stderr = Arc::new(Mutex::new(Tail::default()));
        let (done_tx, stderr_done) = mpsc::channel();
        let tail = Arc::clone(&stderr);
        spawn(format!("redoscope-{name}-stderr"), move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = stderr_pipe.read(&mut buf) {
                if let Ok(mut t) = tail.lock() {
                    t.push(&buf[..n]);
                }
            }
            let _ = done_tx.send(());
        });

        let mut w = Worker {
            child,
            pid,
            input: Some(input),
            lines,
            stderr,
            stderr_done,
            version: String::new(),
            compiled: None,
            reaped: false,
        };
        let left = deadline.saturating_duration_since(Instant::now());
        match w.recv(left) {
            Reply::Line(l) => match l.strip_prefix("ready\t") {
                Some(v) if !v.trim().is_empty() => {
                    w.version = v.trim().to_string();
                    Ok(w)
                }
                _ => Err(StartError::Other(format!("unexpected first line {l:.200}"))),
            },
            Reply::Timeout => Err(StartError::Other(format!(
                "no ready line within {} s",
                timeout.as_secs()
            ))),
            Reply::Eof => Err(StartError::Other(w.death().to_string())),
        }
    }

    /// Sends a line (the newline is added) without blocking: a writer
    /// thread writes it.
    pub(super) fn send(&mut self, mut line: String) {
        line.push('\n');
        if let Some(tx) = &self.input {
            let _ = tx.send(line.into_bytes());
        }
    }

    /// The next line, waiting at most `timeout`.
    pub(super) fn recv(&mut self, timeout: Duration) -> Reply {
        match self.lines.recv_timeout(timeout) {
            Ok(Some(l)) => Reply::Line(l),
            Ok(None) | Err(RecvTimeoutError::Disconnected) => Reply::Eof,
            Err(RecvTimeoutError::Timeout) => Reply::Timeout,
        }
    }

    /// After its stdout closed: its exit status and stderr (killed if it
    /// does not exit within a second).
    pub(super) fn death(&mut self) -> Death {
        let deadline = Instant::now() + Duration::from_secs(1);
        let mut status = None;
        while !self.reaped {
            match self.child.try_wait() {
                Ok(Some(s)) => {
                    self.reaped = true;
                    status = Some(s);
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                _ => self.kill(),
            }
        }
        let _ = self.stderr_done.recv_timeout(Duration::from_millis(500));
        let stderr = self
            .stderr
            .lock()
            .map(|t| String::from_utf8_lossy(&t.0).into_owned())
            .unwrap_or_default();
        Death { status, stderr }
    }

    /// Kills its process group and reaps it.
    pub(super) fn kill(&mut self) {
        self.input = None;
        if !self.reaped {
            sys::kill_group(self.pid);
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.reaped = true;
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(name: String, f: impl FnOnce() + Send + 'static) {
    // Without a thread the engine cannot bound anything: give up loudly.
    thread::Builder::new()
        .name(name)
        .spawn(f)
        .expect("cannot start a thread");
}

fn write_lines(mut stdin: ChildStdin, lines: Receiver<Vec<u8>>) {
    for l in lines {
        if stdin.write_all(&l).and_then(|()| stdin.flush()).is_err() {
            return;
        }
    }
}

fn read_lines(stdout: impl Read, tx: Sender<Option<String>>) {
    let mut r = BufReader::new(stdout);
    loop {
        let mut buf = Vec::new();
        match (&mut r).take(MAX_LINE).read_until(b'\n', &mut buf) {
            Ok(_) if buf.last() == Some(&b'\n') => {
                buf.pop();
                let line = String::from_utf8(buf)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                if tx.send(Some(line)).is_err() {
                    return;
                }
            }
            // End of file, a line cut short or too long, an error.
            _ => {
                let _ = tx.send(None);
                return;
            }
        }
    }
}
