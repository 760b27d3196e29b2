//! The in-process backtracking engines (PCRE2, fancy-regex, Oniguruma) run
//! in a child process, so that a match is killed at its deadline.
//!
//! Their own limits count work, not time, and the work of one counted step
//! varies without bound: PCRE2's match limit lets `a*a*a*b` on 5,300 `a`s
//! run for 11 s under a limit meant for 2 s (a character repeat gives back
//! characters without counting them). A program that can serve them calls
//! [`serve_if_worker`] first thing in `main`: it then runs them in a copy of
//! itself (`<program> __engine-worker <engine>`) with the runtimes'
//! protocol and bounds ([`super::process`]), and [`super::by_name`] hands
//! out those isolated engines. A program that does not (a library user)
//! gets the engines in-process, bounded by their step limits only.

use super::process::{Process, Runtime};
use crate::{CompileError, Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use redoscope_automata::Mode;
use redoscope_syntax::{lower, parse, Flavor};
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The first argument of a worker process.
pub const WORKER_ARG: &str = "__engine-worker";

static ENABLED: AtomicBool = AtomicBool::new(false);

/// An in-process engine that can run isolated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Native {
    /// The PCRE2 interpreter.
    Pcre2,
    /// The PCRE2 JIT.
    Pcre2Jit,
    /// fancy-regex.
    Fancy,
    /// Oniguruma (with the `onig` feature).
    Onig,
}

impl Native {
    /// Every one, by name.
    pub const ALL: [Native; 4] = [Native::Pcre2, Native::Pcre2Jit, Native::Fancy, Native::Onig];

    /// Its engine name.
    pub fn name(self) -> &'static str {
        match self {
            Native::Pcre2 => "pcre2",
            Native::Pcre2Jit => "pcre2-jit",
            Native::Fancy => "fancy",
            Native::Onig => "onig",
        }
    }

    /// The flavor its child is given patterns in (the parent translates
    /// other flavors into it; the engine then runs it as it would in
    /// process).
    pub fn flavor(self) -> Flavor {
        match self {
            Native::Pcre2 | Native::Pcre2Jit => Flavor::Pcre,
            // fancy-regex reads other flavors printed as Java.
            Native::Fancy => Flavor::Java,
            Native::Onig => Flavor::Ruby,
        }
    }

    /// The one called `name` (the names of [`super::by_name`]).
    pub fn by_name(name: &str) -> Option<Native> {
        Native::ALL.into_iter().find(|n| n.name() == name)
    }

    /// The engine, in process.
    pub fn in_process(self) -> Result<Box<dyn Engine>, String> {
        super::in_process(self.name())
    }
}

/// An in-process engine run in a child process.
pub struct Isolated {
    native: Native,
    inner: Box<dyn Engine>,
    process: Process,
}

impl Isolated {
    /// `inner` (the in-process engine `native`) run in a child.
    pub fn new(native: Native, inner: Box<dyn Engine>) -> Isolated {
        Isolated {
            native,
            inner,
            process: Process::new(Runtime::Isolated(native)),
        }
    }
}

impl Engine for Isolated {
    fn name(&self) -> &'static str {
        self.native.name()
    }

    fn kind(&self) -> Kind {
        self.inner.kind()
    }

    fn version(&self) -> String {
        self.inner.version()
    }

    fn compile(&mut self, s: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError> {
        // In process first, for what the engine is given and its notes (a
        // pattern it refuses is refused here).
        let (pattern, mut notes) = {
            let c = self.inner.compile(s)?;
            (c.pattern().to_string(), c.notes())
        };
        let program = self.process.program(s)?;
        notes.push(format!(
            "run in a child process, killed at the deadline ({} counts work, not time)",
            self.native.name()
        ));
        Ok(Box::new(IsolatedProgram {
            program,
            pattern,
            notes,
        }))
    }
}

struct IsolatedProgram<'a> {
    program: super::process::Program<'a>,
    pattern: String,
    notes: Vec<String>,
}

impl Compiled for IsolatedProgram<'_> {
    fn pattern(&self) -> &str {
        &self.pattern
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn run(&mut self, input: &Input, limit: &Limit) -> Outcome {
        self.program.run(input, limit)
    }
}

/// Whether [`serve_if_worker`] was called: the engines of [`Native`] then
/// run isolated.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Call first thing in `main`. In a worker (`<program> __engine-worker
/// <engine>`), serves that engine on stdin/stdout and exits; otherwise
/// turns isolation on for this process and returns.
pub fn serve_if_worker() {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() != Some(std::ffi::OsStr::new(WORKER_ARG)) {
        ENABLED.store(true, Ordering::Relaxed);
        return;
    }
    let name = args
        .next()
        .and_then(|a| a.into_string().ok())
        .unwrap_or_default();
    let code = match Native::by_name(&name) {
        Some(n) => serve(n),
        None => {
            eprintln!("unknown engine `{name}`");
            2
        }
    };
    std::process::exit(code);
}

/// Serves `native` on stdin/stdout (the protocol of [`super::process`]).
fn serve(native: Native) -> i32 {
    let mut engine = match native.in_process() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let say = |out: &mut std::io::StdoutLock<'_>, line: String| -> bool {
        writeln!(out, "{line}").and_then(|_| out.flush()).is_ok()
    };
    if !say(&mut out, format!("ready\t{}", engine.version())) {
        return 1;
    }
    // The compiled program, rebuilt at each `compile`.
    let mut current: Option<(Mode, String, String)> = None;
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return 1 };
        let f: Vec<&str> = line.split('\t').collect();
        let reply = match f.as_slice() {
            ["compile", mode, flags, pattern] => {
                let parsed = (|| {
                    let mode: Mode = mode.parse()?;
                    let pattern = string(pattern)?;
                    Ok::<_, String>((mode, pattern))
                })();
                match parsed {
                    Ok((mode, pattern)) => {
                        let r = compile(engine.as_mut(), native, mode, flags, &pattern);
                        match r {
                            Ok(shown) => {
                                current = Some((mode, flags.to_string(), pattern));
                                format!("ok\t{}", hex_str(&shown))
                            }
                            Err(e) => format!("error\t{}", hex_str(&e)),
                        }
                    }
                    Err(e) => format!("error\t{}", hex_str(&e)),
                }
            }
            ["run", steps, input] => {
                let Some((mode, flags, pattern)) = &current else {
                    say(&mut out, format!("fail\t{}", hex_str("nothing compiled")));
                    continue;
                };
                let cps = match unhex(input) {
                    Ok(c) => c,
                    Err(e) => {
                        say(&mut out, format!("fail\t{}", hex_str(&e)));
                        continue;
                    }
                };
                let steps: u64 = steps.parse().unwrap_or(u64::from(u32::MAX));
                // Compiled again per run: the program borrows the engine.
                let parsed = parse(pattern, native.flavor(), flags).and_then(|p| lower(&p));
                let Ok(lowered) = parsed else {
                    say(
                        &mut out,
                        format!("fail\t{}", hex_str("the pattern no longer parses")),
                    );
                    continue;
                };
                let subject = Subject {
                    pattern,
                    flavor: native.flavor(),
                    flags,
                    mode: *mode,
                    lowered: &lowered,
                };
                let mut program = match engine.compile(&subject) {
                    Ok(p) => p,
                    Err(e) => {
                        say(&mut out, format!("fail\t{}", hex_str(&e.message)));
                        continue;
                    }
                };
                if !say(&mut out, "start".into()) {
                    return 1;
                }
                // The parent kills this process at the deadline; the steps
                // bound it too.
                let limit = Limit {
                    time: Duration::from_secs(24 * 3600),
                    steps,
                };
                match program.run(&Input { code_points: cps }, &limit) {
                    Outcome::Done { matched, time, .. } => {
                        format!("done\t{}\t{}", u8::from(matched), time.as_nanos())
                    }
                    Outcome::OverLimit { limit, time, .. } => format!(
                        "limit\t{}\t{}",
                        if limit == LimitKind::Memory {
                            "memory"
                        } else {
                            "steps"
                        },
                        time.as_nanos()
                    ),
                    Outcome::Failed(m) => format!("fail\t{}", hex_str(&m)),
                }
            }
            ["echo", p, i] => format!("echo\t{p}\t{i}"),
            _ => format!("fail\t{}", hex_str("bad request")),
        };
        if !say(&mut out, reply) {
            return 1;
        }
    }
    0
}

/// Compiles to check the pattern; the text the engine was given.
fn compile(
    engine: &mut dyn Engine,
    native: Native,
    mode: Mode,
    flags: &str,
    pattern: &str,
) -> Result<String, String> {
    let parsed = parse(pattern, native.flavor(), flags).map_err(|e| e.message)?;
    let lowered = lower(&parsed).map_err(|e| e.message)?;
    let subject = Subject {
        pattern,
        flavor: native.flavor(),
        flags,
        mode,
        lowered: &lowered,
    };
    let c = engine.compile(&subject).map_err(|e| e.message)?;
    Ok(c.pattern().to_string())
}

fn hex_str(s: &str) -> String {
    let cps: Vec<u32> = s.chars().map(|c| c as u32).collect();
    cps.iter()
        .map(|c| format!("{c:x}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn unhex(s: &str) -> Result<Vec<u32>, String> {
    if s.is_empty() {
        return Ok(vec![]);
    }
    s.split(',')
        .map(|p| u32::from_str_radix(p, 16).map_err(|_| format!("bad code point `{p:.16}`")))
        .collect()
}

fn string(s: &str) -> Result<String, String> {
    unhex(s)?
        .into_iter()
        .map(|c| char::from_u32(c).ok_or_else(|| "a lone surrogate in the pattern".to_string()))
        .collect()
}
