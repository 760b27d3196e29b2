//! The real runtimes — node (V8), python (`re`), java (`java.util.regex`),
//! perl, ruby (Onigmo) and PHP (`preg_match`, PCRE2) — as engines, each in a
//! child process that is killed at the deadline.
//!
//! # Running a runtime
//!
//! Each runtime runs a small driver (`crates/harness/drivers/`) compiled
//! into this binary with `include_str!` and passed as an argument, without
//! a shell: `node -e SRC`, `python3 -I -c SRC <memory>`, `perl -e SRC`,
//! `ruby -e SRC`, `php -n -r SRC`. The Java driver is compiled once with
//! `javac` into a private cache directory (`<temp>/redoscope-drivers-<hash of
//! the source>-<uid>`, mode 0700, built in a fresh directory and renamed into
//! place) and run as `java -cp <dir> Driver` (a single-file source launch
//! when `javac` is missing). The program of each runtime can be overridden
//! with `REDOSCOPE_NODE`, `REDOSCOPE_PYTHON`, `REDOSCOPE_JAVA` (and
//! `REDOSCOPE_JAVAC`), `REDOSCOPE_PERL`, `REDOSCOPE_RUBY`, `REDOSCOPE_PHP`.
//! Environment variables that would load code or options into a runtime
//! (`NODE_OPTIONS`, `PERL5OPT`, `JAVA_TOOL_OPTIONS`, `RUBYOPT`, `PHPRC`, …)
//! are removed from the child's environment; python runs isolated (`-I`).
//!
//! One child serves an engine: it is started on first use, compiles each
//! pattern it is given, and is reused until it is killed; the next run then
//! starts a fresh child and compiles the pattern again.
//!
//! # Protocol
//!
//! Lines on the child's stdin and stdout, fields separated by tabs. Every
//! string (pattern, input, message) travels as its code points in lowercase
//! hex separated by commas (`61,d800,0`; the empty string is empty), so NUL,
//! quotes, newlines, tabs, shell metacharacters and lone surrogates all
//! travel intact and nothing is ever interpreted as code or protocol. Each
//! driver builds its strings from the code points (UTF-16 in node and java,
//! where an astral code point becomes a surrogate pair; code points in
//! python and perl; UTF-8 bytes in ruby and PHP, where a lone surrogate
//! becomes its 3-byte form).
//!
//! - At start the child prints `ready\t<runtime version>`.
//! - `compile\t<mode>\t<flags>\t<pattern>` with mode `search`, `full` or
//!   `prefix` and the flags as the runtime's flavor spells them (ASCII
//!   letters) → `ok\t<the pattern as compiled>`, `error\t<message>` (the
//!   runtime rejects it) or `unsupported\t<message>` (a flag the runtime has
//!   no equivalent for).
//! - `run\t<steps>\t<input>` → `start` (flushed just before the match call),
//!   then `done\t<0|1>\t<nanoseconds>` (matched or not, with the time of the
//!   match call alone), `limit\t<steps|memory>\t<nanoseconds>` (the engine's
//!   own limit: PHP's backtrack limit, a stack overflow, an out-of-memory
//!   error caught by the driver) or `fail\t<message>`. `steps` is used by PHP
//!   only (`pcre.backtrack_limit`). A `limit` or `fail` line may also come
//!   instead of `start` (the input could not be built).
//! - `echo\t<pattern>\t<input>` → `echo\t<pattern>\t<input>`, both decoded
//!   and encoded again (to test that strings travel intact).
//!
//! # Matching by mode
//!
//! | runtime | search | full | prefix |
//! |---------|--------|------|--------|
//! | node | `re.test(s)` | sticky `(?:P)(?![\s\S])` | sticky `y` |
//! | python | `r.search` | `r.fullmatch` | `r.match` |
//! | java | `m.find()` | `m.matches()` | `m.lookingAt()` |
//! | perl | `$s =~ $re` | `\A(?:P)\z` | `\A(?:P)` |
//! | ruby | `re.match?(s)` | `\A(?:P)\z` | `\A(?:P)` |
//! | php | `preg_match` | `A` modifier and `(?:P)\z` | `A` modifier |
//!
//! Where a driver wraps the pattern it first compiles it alone, so a wrapper
//! cannot turn an invalid pattern into a valid one.
//!
//! # Bounds
//!
//! The parent starts the kill timer when it reads `start` and waits for the
//! answer up to the run's time limit (plus a small allowance for the answer
//! to arrive); past it the child's process group is killed and the run is
//! `OverLimit { limit: Time }` (as is a match that the child reports slower
//! than the limit). A child that dies during a run is
//! `OverLimit { limit: Memory }` when it died for memory (its stderr says so,
//! or it was killed by SIGKILL, the kernel's OOM killer), else `Failed` with
//! the tail of its stderr. Startup (30 s, including `javac`), compilation
//! (5 s) and the transfer of an input (30 s) are bounded too. Memory is
//! limited to 2 GiB by default ([`Process::memory_limit`]): node
//! `--max-old-space-size`, java `-Xmx`, python `RLIMIT_AS` set by the driver,
//! perl, ruby and PHP `RLIMIT_AS` set before `exec` (and PHP's
//! `memory_limit`). On Linux each run also lowers the child's soft
//! `RLIMIT_CPU` to a generous budget past its current CPU time, so a child
//! whose parent died mid-run (a Ctrl-C skips destructors) stops on its own.

mod java;
mod sys;
mod worker;

use crate::{CompileError, Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use redoscope_automata::Mode;
use redoscope_syntax::ir::print_ir;
use redoscope_syntax::Flavor;
use std::cell::RefCell;
use std::ffi::OsString;
use std::time::{Duration, Instant};
use worker::{Reply, StartError, Worker};

/// The default memory limit of a child: 2 GiB.
pub const DEFAULT_MEMORY: u64 = 2 << 30;

/// How long a child may take to start (and `javac` to build the Java driver).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a pattern may take to compile (plus a second per MiB of text).
const COMPILE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an input may take to reach the child and be decoded there (plus
/// a second per MiB of text).
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(30);
/// Past the time limit, how long the `done` line may take to arrive.
const ANSWER_SLACK: Duration = Duration::from_millis(100);

/// A runtime redoscope can run in a child process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Runtime {
    /// Node.js (V8 Irregexp), flavor JS.
    Node,
    /// CPython's `re`, flavor Python.
    Python,
    /// `java.util.regex`, flavor Java.
    Java,
    /// Perl, flavor PCRE (its flags mapped to Perl's).
    Perl,
    /// Ruby (Onigmo), flavor Ruby.
    Ruby,
    /// PHP `preg_match` (PCRE2 with its JIT), flavor PCRE.
    Php,
    /// An in-process engine of this harness (PCRE2, fancy-regex,
    /// Oniguruma) run in a child process of the current program (see
    /// [`super::isolated`]), so that a match its own limits cannot stop is
    /// killed at the deadline like any runtime's.
    Isolated(super::isolated::Native),
}

impl Runtime {
    /// Every runtime, in the order a table shows them.
    pub const ALL: [Runtime; 6] = [
        Runtime::Node,
        Runtime::Python,
        Runtime::Java,
        Runtime::Perl,
        Runtime::Ruby,
        Runtime::Php,
    ];

    /// Its engine name (`node`, `python`, `java`, `perl`, `ruby`, `php`).
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Node => "node",
            Runtime::Python => "python",
            Runtime::Java => "java",
            Runtime::Perl => "perl",
            Runtime::Ruby => "ruby",
            Runtime::Php => "php",
            Runtime::Isolated(n) => n.name(),
        }
    }

    /// The runtime of an engine name.
    pub fn by_name(name: &str) -> Option<Runtime> {
        Runtime::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The flavor its patterns are written in.
    pub fn flavor(self) -> Flavor {
        match self {
            Runtime::Node => Flavor::Js,
            Runtime::Python => Flavor::Python,
            Runtime::Java => Flavor::Java,
            Runtime::Perl | Runtime::Php => Flavor::Pcre,
            Runtime::Ruby => Flavor::Ruby,
            Runtime::Isolated(n) => n.flavor(),
        }
    }

    /// The environment variable that overrides its program.
    pub fn env_var(self) -> &'static str {
        match self {
            Runtime::Node => "REDOSCOPE_NODE",
            Runtime::Python => "REDOSCOPE_PYTHON",
            Runtime::Java => "REDOSCOPE_JAVA",
            Runtime::Perl => "REDOSCOPE_PERL",
            Runtime::Ruby => "REDOSCOPE_RUBY",
            Runtime::Php => "REDOSCOPE_PHP",
            Runtime::Isolated(_) => "REDOSCOPE_SELF",
        }
    }

    /// Its program when [`Runtime::env_var`] is not set.
    pub fn default_program(self) -> &'static str {
        match self {
            Runtime::Node => "node",
            Runtime::Python => "python3",
            Runtime::Java => "java",
            Runtime::Perl => "perl",
            Runtime::Ruby => "ruby",
            Runtime::Php => "php",
            Runtime::Isolated(_) => "redoscope",
        }
    }

    /// Its program: [`Runtime::env_var`] when set and not empty, else
    /// [`Runtime::default_program`].
    pub fn program(self) -> OsString {
        if let Runtime::Isolated(_) = self {
            // The running program serves the isolated engines.
            if let Ok(exe) = std::env::current_exe() {
                return exe.into_os_string();
            }
        }
        match std::env::var_os(self.env_var()) {
            Some(p) if !p.is_empty() => p,
            _ => self.default_program().into(),
        }
    }

    /// The source of its driver.
    pub fn driver(self) -> &'static str {
        match self {
            Runtime::Node => include_str!("../../drivers/driver.js"),
            Runtime::Python => include_str!("../../drivers/driver.py"),
            Runtime::Java => java::SOURCE,
            Runtime::Perl => include_str!("../../drivers/driver.pl"),
            Runtime::Ruby => include_str!("../../drivers/driver.rb"),
            Runtime::Php => include_str!("../../drivers/driver.php"),
            Runtime::Isolated(_) => "",
        }
    }
}

impl std::fmt::Display for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a child has compiled: the text it was given and how.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    mode: Mode,
    flags: String,
    pattern: String,
}

struct State {
    worker: Option<Worker>,
    version: String,
}

/// A runtime as an engine: one child process, started on first use and
/// started again after it is killed.
pub struct Process {
    runtime: Runtime,
    program: OsString,
    memory: u64,
    state: RefCell<State>,
}

impl std::fmt::Debug for Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Process")
            .field("runtime", &self.runtime)
            .field("program", &self.program)
            .field("memory", &self.memory)
            .field("pid", &self.child_pid())
            .finish()
    }
}

impl Process {
    /// The engine of `runtime`, with its program from the environment
    /// ([`Runtime::program`]) and a 2 GiB memory limit. Nothing is started
    /// yet.
    pub fn new(runtime: Runtime) -> Process {
        Process {
            runtime,
            program: runtime.program(),
            memory: DEFAULT_MEMORY,
            state: RefCell::new(State {
                worker: None,
                version: String::new(),
            }),
        }
    }

    /// With another program for the runtime (a running child is stopped).
    pub fn with_program(mut self, program: impl Into<OsString>) -> Process {
        self.program = program.into();
        self.reset();
        self
    }

    /// With a memory limit of `bytes` for the child (a running child is
    /// stopped).
    pub fn memory_limit(mut self, bytes: u64) -> Process {
        self.memory = bytes;
        self.reset();
        self
    }

    fn reset(&mut self) {
        let state = self.state.get_mut();
        state.worker = None;
        state.version.clear();
    }

    /// The runtime.
    pub fn runtime(&self) -> Runtime {
        self.runtime
    }

    /// Starts the child now if it is not running (it is otherwise started by
    /// the first compilation); fails when the runtime is not installed or
    /// does not start.
    pub fn start(&mut self) -> Result<(), CompileError> {
        let (runtime, program, memory) = (self.runtime, self.program.clone(), self.memory);
        ensure(self.state.get_mut(), runtime, &program, memory)
            .map(|_| ())
            .map_err(|e| e.into_compile_error(runtime, &program))
    }

    /// Kills the child, if any.
    pub fn stop(&mut self) {
        self.state.get_mut().worker = None;
    }

    /// Compiles the subject in the runtime: the concrete form of
    /// [`Engine::compile`].
    pub fn program(&mut self, s: &Subject<'_>) -> Result<Program<'_>, CompileError> {
        let flavor = self.runtime.flavor();
        let mut notes = vec![];
        let (pattern, flags) = if s.flavor == flavor {
            (s.pattern.to_string(), s.flags.to_string())
        } else {
            let (p, f) = print_ir(&s.lowered.ir, flavor).map_err(|c| CompileError {
                message: format!(
                    "{} cannot run this {} pattern: {flavor} cannot express {c}",
                    self.runtime, s.flavor
                ),
                unsupported: true,
            })?;
            notes.push(format!(
                "translated from {} to {flavor}: {p} (flags `{f}`)",
                s.flavor
            ));
            (p, f)
        };
        if self.runtime == Runtime::Node && flags.contains(['g', 'y']) {
            notes.push("flags g and y are left out: the mode decides where a match starts".into());
        }
        if !flags.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(CompileError {
                message: format!("invalid flags `{}`", flags.escape_debug()),
                unsupported: false,
            });
        }
        let key = Key {
            mode: s.mode,
            flags,
            pattern,
        };
        let shown = self.compile_key(&key)?;
        Ok(Program {
            process: self,
            key,
            shown,
            notes,
        })
    }

    /// Makes sure the child has `key` compiled; returns the pattern as the
    /// driver compiled it.
    fn compile_key(&mut self, key: &Key) -> Result<String, CompileError> {
        let (runtime, program, memory) = (self.runtime, self.program.clone(), self.memory);
        let w = ensure(self.state.get_mut(), runtime, &program, memory)
            .map_err(|e| e.into_compile_error(runtime, &program))?;
        if let Some((k, shown)) = &w.compiled {
            if k == key {
                return Ok(shown.clone());
            }
        }
        w.compiled = None;
        let cps: Vec<u32> = key.pattern.chars().map(|c| c as u32).collect();
        let line = format!(
            "compile\t{}\t{}\t{}",
            mode_name(key.mode),
            key.flags,
            hex(&cps)
        );
        let timeout = COMPILE_TIMEOUT + per_mib(line.len());
        w.send(line);
        let reply = w.recv(timeout);
        let fail = |message: String| CompileError {
            message,
            unsupported: false,
        };
        match reply {
            Reply::Line(l) => {
                let (tag, rest) = l.split_once('\t').unwrap_or((&l, ""));
                match tag {
                    "ok" => {
                        let shown = text(rest);
                        w.compiled = Some((key.clone(), shown.clone()));
                        Ok(shown)
                    }
                    "error" => Err(fail(text(rest))),
                    "unsupported" => Err(CompileError {
                        message: text(rest),
                        unsupported: true,
                    }),
                    _ => {
                        let e = format!("{runtime}: unexpected answer to compile: {l:.200}");
                        self.stop();
                        Err(fail(e))
                    }
                }
            }
            Reply::Timeout => {
                self.stop();
                Err(fail(format!(
                    "{runtime} took more than {} s to compile the pattern",
                    timeout.as_secs()
                )))
            }
            Reply::Eof => {
                let death = w.death();
                self.stop();
                Err(fail(format!(
                    "{runtime} died compiling the pattern ({death})"
                )))
            }
        }
    }

    /// The pid of the running child, if any.
    #[doc(hidden)]
    pub fn child_pid(&self) -> Option<u32> {
        self.state.borrow().worker.as_ref().map(|w| w.pid)
    }

    /// The command line a child is started with (the driver source shown as
    /// `<driver>`), to check what limits it gets.
    #[doc(hidden)]
    pub fn command_line(&self) -> Vec<String> {
        let cmd = worker::command(self.runtime, &self.program, self.memory, None);
        std::iter::once(&cmd.program)
            .chain(&cmd.args)
            .map(|a| {
                if a == self.runtime.driver() {
                    "<driver>".into()
                } else {
                    a.to_string_lossy().into_owned()
                }
            })
            .collect()
    }

    /// Sends `pattern` and `input` to the child and back: the strings as the
    /// runtime built them, as code points.
    #[doc(hidden)]
    pub fn echo(&mut self, pattern: &[u32], input: &[u32]) -> Result<(Vec<u32>, Vec<u32>), String> {
        let (runtime, program, memory) = (self.runtime, self.program.clone(), self.memory);
        let w = ensure(self.state.get_mut(), runtime, &program, memory)
            .map_err(|e| e.into_compile_error(runtime, &program).message)?;
        let line = format!("echo\t{}\t{}", hex(pattern), hex(input));
        let timeout = TRANSFER_TIMEOUT + per_mib(line.len());
        w.send(line);
        match w.recv(timeout) {
            Reply::Line(l) => {
                let mut f = l.split('\t');
                match (f.next(), f.next(), f.next(), f.next()) {
                    (Some("echo"), Some(p), Some(i), None) => Ok((unhex(p)?, unhex(i)?)),
                    _ => Err(format!("unexpected answer to echo: {l:.200}")),
                }
            }
            Reply::Timeout => {
                self.stop();
                Err("no answer to echo".into())
            }
            Reply::Eof => {
                let death = w.death();
                self.stop();
                Err(format!("{runtime} died: {death}"))
            }
        }
    }
}

/// The running worker of `state`, started when there is none.
fn ensure<'s>(
    state: &'s mut State,
    runtime: Runtime,
    program: &OsString,
    memory: u64,
) -> Result<&'s mut Worker, StartError> {
    if state.worker.is_none() {
        let w = Worker::start(runtime, program, memory, STARTUP_TIMEOUT)?;
        state.version = w.version.clone();
        state.worker = Some(w);
    }
    Ok(state.worker.as_mut().expect("just started"))
}

impl Engine for Process {
    fn name(&self) -> &'static str {
        self.runtime.name()
    }

    fn kind(&self) -> Kind {
        Kind::Backtracking
    }

    /// The runtime's version; starts the child to learn it (bounded by the
    /// startup timeout) and is empty when the runtime does not start.
    fn version(&self) -> String {
        let mut state = self.state.borrow_mut();
        if state.version.is_empty() {
            let _ = ensure(&mut state, self.runtime, &self.program, self.memory);
        }
        state.version.clone()
    }

    fn compile(&mut self, s: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError> {
        Ok(Box::new(self.program(s)?))
    }
}

/// A pattern compiled in a runtime's child.
pub struct Program<'a> {
    process: &'a mut Process,
    key: Key,
    shown: String,
    notes: Vec<String>,
}

impl std::fmt::Debug for Program<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("runtime", &self.process.runtime)
            .field("pattern", &self.shown)
            .finish()
    }
}

impl Program<'_> {
    /// The pid of the child that runs it now, if one is running.
    #[doc(hidden)]
    pub fn child_pid(&self) -> Option<u32> {
        self.process.child_pid()
    }

    fn kill(&mut self) {
        self.process.stop();
    }
}

impl Compiled for Program<'_> {
    fn pattern(&self) -> &str {
        &self.shown
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn run(&mut self, input: &Input, limit: &Limit) -> Outcome {
        if let Some(&c) = input.code_points.iter().find(|&&c| c > 0x10FFFF) {
            return Outcome::Failed(format!("code point {c:#x} is out of range"));
        }
        let runtime = self.process.runtime;
        match self.process.compile_key(&self.key) {
            Ok(shown) => self.shown = shown,
            Err(e) => return Outcome::Failed(format!("{runtime}: {}", e.message)),
        }
        let w = self
            .process
            .state
            .get_mut()
            .worker
            .as_mut()
            .expect("compile_key leaves a worker");
        let steps = limit.steps.min(u64::from(u32::MAX));
        let line = format!("run\t{steps}\t{}", hex(&input.code_points));
        let transfer = TRANSFER_TIMEOUT + per_mib(line.len());
        // The budget only stops a child whose parent died mid-run: twice the
        // time limit (a JVM's compiler and GC threads count too), a second
        // per MiB of input, ten seconds.
        let budget = limit
            .time
            .saturating_mul(2)
            .saturating_add(per_mib(line.len()) * 2)
            .saturating_add(Duration::from_secs(10));
        sys::cpu_backstop(w.pid, budget);
        w.send(line);
        match w.recv(transfer) {
            Reply::Line(l) if l == "start" => {}
            Reply::Line(l) => {
                // The input could not be built: a `fail` leaves a healthy
                // child; out of memory or a protocol error, start afresh.
                let out = answer(&l, limit, runtime, Duration::ZERO);
                if !l.starts_with("fail\t") {
                    self.kill();
                }
                return out;
            }
            Reply::Timeout => {
                self.kill();
                return Outcome::Failed(format!(
                    "{runtime} did not take the input within {} s",
                    transfer.as_secs()
                ));
            }
            Reply::Eof => {
                let out = died(w, runtime, Duration::ZERO);
                self.kill();
                return out;
            }
        }
        let started = Instant::now();
        let reply = w.recv(limit.time.saturating_add(ANSWER_SLACK));
        let elapsed = started.elapsed();
        match reply {
            Reply::Line(l) => {
                let out = answer(&l, limit, runtime, elapsed);
                let healthy = match out {
                    // A done (even past the limit), a step limit, an
                    // exception of the runtime: the child goes on.
                    Outcome::Done { .. } => true,
                    Outcome::OverLimit {
                        limit: LimitKind::Time | LimitKind::Steps,
                        ..
                    } => true,
                    Outcome::Failed(_) => l.starts_with("fail\t"),
                    // A memory limit (java after an OutOfMemoryError): start
                    // afresh.
                    Outcome::OverLimit {
                        limit: LimitKind::Memory,
                        ..
                    } => false,
                };
                if !healthy {
                    self.kill();
                }
                out
            }
            Reply::Timeout => {
                self.kill();
                Outcome::OverLimit {
                    limit: LimitKind::Time,
                    time: started.elapsed(),
                    steps: None,
                }
            }
            Reply::Eof => {
                let out = died(w, runtime, elapsed);
                self.kill();
                out
            }
        }
    }
}

/// The outcome of an answer to `run`.
fn answer(line: &str, limit: &Limit, runtime: Runtime, elapsed: Duration) -> Outcome {
    let f: Vec<&str> = line.split('\t').collect();
    let nanos = |s: &str| s.parse::<u64>().ok().map(Duration::from_nanos);
    match f.as_slice() {
        ["done", m @ ("0" | "1"), ns] => match nanos(ns) {
            Some(time) if time > limit.time => Outcome::OverLimit {
                limit: LimitKind::Time,
                time,
                steps: None,
            },
            Some(time) => Outcome::Done {
                matched: *m == "1",
                time,
                steps: None,
            },
            None => Outcome::Failed(format!("{runtime}: bad answer {line:.200}")),
        },
        ["limit", kind @ ("steps" | "memory"), ns] => {
            let time = nanos(ns).unwrap_or(elapsed);
            if *kind == "steps" {
                Outcome::OverLimit {
                    limit: LimitKind::Steps,
                    time,
                    steps: Some(limit.steps.min(u64::from(u32::MAX))),
                }
            } else {
                Outcome::OverLimit {
                    limit: LimitKind::Memory,
                    time,
                    steps: None,
                }
            }
        }
        ["fail", msg] => Outcome::Failed(format!("{runtime}: {}", text(msg))),
        _ => Outcome::Failed(format!("{runtime}: unexpected answer {line:.200}")),
    }
}

/// The outcome of a child that died during a run.
fn died(w: &mut Worker, runtime: Runtime, elapsed: Duration) -> Outcome {
    let death = w.death();
    if death.for_memory() {
        Outcome::OverLimit {
            limit: LimitKind::Memory,
            time: elapsed,
            steps: None,
        }
    } else if death.for_cpu() {
        Outcome::OverLimit {
            limit: LimitKind::Time,
            time: elapsed,
            steps: None,
        }
    } else {
        Outcome::Failed(format!("{runtime} died: {death}"))
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Search => "search",
        Mode::Full => "full",
        Mode::Prefix => "prefix",
    }
}

/// A second per MiB of a line, for timeouts that grow with the text.
fn per_mib(bytes: usize) -> Duration {
    Duration::from_secs((bytes >> 20) as u64)
}

/// Code points as protocol text: lowercase hex, comma-separated.
fn hex(cps: &[u32]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(cps.len() * 3);
    for (i, c) in cps.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{c:x}");
    }
    s
}

/// Protocol text to code points.
fn unhex(s: &str) -> Result<Vec<u32>, String> {
    if s.is_empty() {
        return Ok(vec![]);
    }
    s.split(',')
        .map(|p| {
            let ok = (1..=6).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            ok.then(|| u32::from_str_radix(p, 16).ok())
                .flatten()
                .ok_or_else(|| format!("bad code point `{p:.16}`"))
        })
        .collect()
}

/// Protocol text to a Rust string (a lone surrogate or bad text becomes
/// U+FFFD): for messages.
fn text(s: &str) -> String {
    match unhex(s) {
        Ok(cps) => cps
            .into_iter()
            .map(|c| char::from_u32(c).unwrap_or('\u{FFFD}'))
            .collect(),
        Err(_) => s.to_string(),
    }
}
