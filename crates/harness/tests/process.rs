//! The real runtimes in child processes (node, python, java, perl, ruby,
//! php): strings travel intact, modes, bounded runs, memory limits, versions.
//! A test skips a runtime that is not installed, saying so on stderr.

use redoscope_automata::Mode;
use redoscope_harness::engines::process::{Process, Runtime};
use redoscope_harness::{Compiled, Engine, Input, Limit, LimitKind, Outcome, Subject};
use redoscope_syntax::ir::Lowered;
use redoscope_syntax::Flavor;
use std::path::Path;
use std::time::{Duration, Instant};

/// A pattern with its parse, to make subjects of.
struct Pat {
    pattern: String,
    flavor: Flavor,
    flags: String,
    lowered: Lowered,
}

impl Pat {
    fn new(pattern: &str, flavor: Flavor, flags: &str) -> Pat {
        let p = redoscope_syntax::parse(pattern, flavor, flags)
            .unwrap_or_else(|e| panic!("{flavor} {pattern:?}: {e:?}"));
        let lowered = redoscope_syntax::lower(&p).expect("lowers");
        Pat {
            pattern: pattern.to_string(),
            flavor,
            flags: flags.to_string(),
            lowered,
        }
    }

    fn subject(&self, mode: Mode) -> Subject<'_> {
        Subject {
            pattern: &self.pattern,
            flavor: self.flavor,
            flags: &self.flags,
            mode,
            lowered: &self.lowered,
        }
    }
}

/// The started engine of `rt`, or `None` (with the reason on stderr) when
/// the runtime is not installed.
fn engine(rt: Runtime) -> Option<Process> {
    let mut p = Process::new(rt);
    match p.start() {
        Ok(()) => Some(p),
        Err(e) if e.message.contains("is not installed") => {
            eprintln!("skipping: {rt} not found ({})", e.message);
            None
        }
        Err(e) => panic!("{rt} does not start: {e}"),
    }
}

/// Runs `f` on every installed runtime, each in its own thread.
fn each_runtime(f: impl Fn(Runtime, Process) + Sync) {
    std::thread::scope(|s| {
        for rt in Runtime::ALL {
            let f = &f;
            s.spawn(move || {
                if let Some(p) = engine(rt) {
                    f(rt, p);
                }
            });
        }
    });
}

fn run(p: &mut Process, pat: &Pat, mode: Mode, input: &Input) -> Outcome {
    let rt = p.runtime();
    let mut c = p
        .program(&pat.subject(mode))
        .unwrap_or_else(|e| panic!("{rt}: {:?} does not compile: {e}", pat.pattern));
    c.run(input, &Limit::default())
}

fn matched(out: &Outcome) -> bool {
    match out {
        Outcome::Done { matched, .. } => *matched,
        other => panic!("not done: {other:?}"),
    }
}

/// Everything a shell, a quoting layer or a line protocol could trip on.
const DANGER: &str = "$(rm -rf /) `id` ;|&><*? 'single' \"double\" \\back\\slash\\ \
                      tab\there nl\nhere cr\rhere nul\0here #~ \u{1F600} \u{2028} [x]{1}^.+";

fn cps(s: &str) -> Vec<u32> {
    s.chars().map(|c| c as u32).collect()
}

/// `s` with every regex metacharacter escaped (the same set in every flavor).
fn escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if r"\^$.|?*+()[]{}".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[test]
fn strings_travel_intact() {
    each_runtime(|rt, mut p| {
        // Lone surrogates apart (adjacent, UTF-16 would pair them).
        let mut text = cps(DANGER);
        text.extend([0xD800, 'x' as u32, 0xDC00, 'y' as u32, 0]);
        let mut pattern = cps(&escape(DANGER));
        pattern.extend([0xDBFF, 0x0A, 0xDFFF]);
        let (p2, t2) = p
            .echo(&pattern, &text)
            .unwrap_or_else(|e| panic!("{rt}: {e}"));
        assert_eq!(p2, pattern, "{rt}: pattern");
        assert_eq!(t2, text, "{rt}: input");
        let (p3, t3) = p.echo(&[], &[]).unwrap();
        assert!(p3.is_empty() && t3.is_empty(), "{rt}: empty strings");
    });
}

#[test]
fn literal_of_dangerous_text_matches_itself() {
    each_runtime(|rt, mut p| {
        let flags = match rt {
            Runtime::Node | Runtime::Perl | Runtime::Php => "u",
            _ => "",
        };
        // Lone surrogates as escapes, where the runtime's strings hold them.
        let surrogates = match rt {
            Runtime::Node | Runtime::Java => Some(r"\uD800x\uDC00"),
            Runtime::Python => Some(r"\ud800x\udc00"),
            Runtime::Perl => Some(r"\x{D800}x\x{DC00}"),
            Runtime::Ruby | Runtime::Php | Runtime::Isolated(_) => None,
        };
        let mut pattern = escape(DANGER);
        let mut text = cps(DANGER);
        if let Some(s) = surrogates {
            pattern.push_str(s);
            text.extend([0xD800, 'x' as u32, 0xDC00]);
        }
        let pat = if rt == Runtime::Perl {
            // Perl takes lone surrogates, PCRE2 does not: the parse is of
            // the pattern without them (the engine does not use it).
            let mut p = Pat::new(&escape(DANGER), rt.flavor(), flags);
            p.pattern = pattern;
            p
        } else {
            Pat::new(&pattern, rt.flavor(), flags)
        };
        let yes = Input {
            code_points: text.clone(),
        };
        let out = run(&mut p, &pat, Mode::Full, &yes);
        assert!(
            matched(&out),
            "{rt}: the literal does not match its text: {out:?}"
        );
        let mut other = text.clone();
        other.push('!' as u32);
        let out = run(&mut p, &pat, Mode::Full, &Input { code_points: other });
        assert!(!matched(&out), "{rt}: a longer text matches in full mode");
        let mut changed = text;
        changed[2] = 'x' as u32;
        let out = run(
            &mut p,
            &pat,
            Mode::Search,
            &Input {
                code_points: changed,
            },
        );
        assert!(!matched(&out), "{rt}: a changed text matches");
        if surrogates.is_none() {
            // UTF-8 strings cannot hold a lone surrogate: a clean failure,
            // and the child goes on.
            let lone = Input {
                code_points: vec!['a' as u32, 0xD800],
            };
            let pid = p.child_pid();
            let out = run(&mut p, &pat, Mode::Search, &lone);
            assert!(matches!(out, Outcome::Failed(_)), "{rt}: {out:?}");
            assert_eq!(p.child_pid(), pid, "{rt}: a failed match keeps the child");
            let out = run(&mut p, &pat, Mode::Full, &yes);
            assert!(matched(&out), "{rt}: after a failure: {out:?}");
        }
    });
}

#[test]
fn code_blocks_do_not_run() {
    let Some(mut p) = engine(Runtime::Perl) else {
        return;
    };
    for pattern in [
        r#"a(?{ print STDOUT "pwned\n" })"#,
        r#"(??{ system("true") })"#,
    ] {
        let pat = Pat::new(r"a", Flavor::Pcre, "");
        let s = Subject {
            pattern,
            ..pat.subject(Mode::Search)
        };
        let e = p.program(&s).expect_err("a code block is refused");
        assert!(!e.unsupported, "{e:?}");
        assert!(e.message.contains("Eval-group not allowed"), "{e:?}");
    }
    // The child is still in step with the protocol.
    let pat = Pat::new("a", Flavor::Pcre, "");
    assert!(matched(&run(
        &mut p,
        &pat,
        Mode::Search,
        &Input::from_str("ba")
    )));
}

#[test]
fn modes() {
    each_runtime(|rt, mut p| {
        let pat = Pat::new("b+", rt.flavor(), "");
        for (text, search, prefix, full) in [
            ("abbb", true, false, false),
            ("bbb", true, true, true),
            ("bbba", true, true, false),
            ("aaa", false, false, false),
        ] {
            let input = Input::from_str(text);
            for (mode, want) in [
                (Mode::Search, search),
                (Mode::Prefix, prefix),
                (Mode::Full, full),
            ] {
                let out = run(&mut p, &pat, mode, &input);
                assert_eq!(matched(&out), want, "{rt} {mode:?} b+ on {text:?}: {out:?}");
            }
        }
        // An alternation must stay whole when the mode wraps it.
        let pat = Pat::new("a|ab", rt.flavor(), "");
        let out = run(&mut p, &pat, Mode::Full, &Input::from_str("ab"));
        assert!(matched(&out), "{rt}: a|ab in full mode on ab");
        let out = run(&mut p, &pat, Mode::Full, &Input::from_str("xab"));
        assert!(!matched(&out), "{rt}: a|ab in full mode on xab");
    });
}

#[test]
fn extended_comment_at_the_end_does_not_swallow_the_wrapper() {
    each_runtime(|rt, mut p| {
        let flags = match rt {
            Runtime::Node => return,
            Runtime::Python => "x",
            _ => "x",
        };
        let pat = Pat::new("a b # a comment", rt.flavor(), flags);
        let out = run(&mut p, &pat, Mode::Full, &Input::from_str("ab"));
        assert!(matched(&out), "{rt}: {out:?}");
        let out = run(&mut p, &pat, Mode::Full, &Input::from_str("abc"));
        assert!(!matched(&out), "{rt}: {out:?}");
    });
}

#[test]
fn translated_from_another_flavor() {
    let pat = Pat::new(r"^(?:ab|c)+$", Flavor::Js, "");
    each_runtime(|rt, mut p| {
        let mut c = p
            .program(&pat.subject(Mode::Search))
            .unwrap_or_else(|e| panic!("{rt}: {e}"));
        let limit = Limit::default();
        assert!(
            matched(&c.run(&Input::from_str("abcab"), &limit)),
            "{rt}: {}",
            c.pattern()
        );
        assert!(
            !matched(&c.run(&Input::from_str("abca"), &limit)),
            "{rt}: {}",
            c.pattern()
        );
        if rt != Runtime::Node {
            assert!(
                c.notes().iter().any(|n| n.contains("translated")),
                "{rt}: {:?}",
                c.notes()
            );
        }
    });
}

#[test]
fn bounded() {
    each_runtime(|rt, mut p| {
        // Perl's super-linear cache and Java's loop memo defuse (a+)+; a
        // backreference turns them off.
        let pattern = match rt {
            Runtime::Perl | Runtime::Java => r"^(?:(a)|a)+\1?$",
            _ => r"^(a+)+$",
        };
        let pat = Pat::new(pattern, rt.flavor(), "");
        let mut c = p.program(&pat.subject(Mode::Search)).unwrap();
        let pid = c.child_pid().expect("a child runs");
        let attack = Input::from_str(&format!("{}!", "a".repeat(40)));
        // No step limit: PHP would stop at its backtrack limit.
        let limit = Limit {
            time: Duration::from_secs(1),
            steps: u64::MAX,
        };
        let t = Instant::now();
        let out = c.run(&attack, &limit);
        let wall = t.elapsed();
        assert!(
            matches!(
                out,
                Outcome::OverLimit {
                    limit: LimitKind::Time,
                    ..
                }
            ),
            "{rt}: {out:?}"
        );
        assert!(wall < Duration::from_millis(2500), "{rt}: took {wall:?}");
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "{rt}: pid {pid} lives"
        );
        assert_eq!(c.child_pid(), None, "{rt}: a killed child is forgotten");
        let out = c.run(&Input::from_str("aaa!"), &Limit::default());
        assert!(!matched(&out), "{rt}: {out:?}");
        let fresh = c.child_pid().expect("a fresh child");
        assert_ne!(fresh, pid, "{rt}");
        assert!(
            matched(&c.run(&Input::from_str("aaa"), &Limit::default())),
            "{rt}"
        );
        assert_eq!(c.child_pid(), Some(fresh), "{rt}: the child is reused");
        drop(c);
        drop(p);
        assert!(
            !Path::new(&format!("/proc/{fresh}")).exists(),
            "{rt}: dropped, pid {fresh} lives"
        );
    });
}

#[test]
fn php_backtrack_limit_is_a_step_limit() {
    let Some(mut p) = engine(Runtime::Php) else {
        return;
    };
    let pat = Pat::new(r"^(a+)+$", Flavor::Pcre, "");
    let mut c = p.program(&pat.subject(Mode::Search)).unwrap();
    let attack = Input::from_str(&format!("{}!", "a".repeat(30)));
    let limit = Limit {
        time: Duration::from_secs(10),
        steps: 10_000,
    };
    let out = c.run(&attack, &limit);
    assert!(
        matches!(
            out,
            Outcome::OverLimit {
                limit: LimitKind::Steps,
                steps: Some(10_000),
                ..
            }
        ),
        "{out:?}"
    );
    assert!(!matched(&c.run(&Input::from_str("aa!"), &limit)));
}

/// `Max address space` of `/proc/<pid>/limits` (soft), in bytes.
fn address_space(pid: u32) -> Option<u64> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[test]
fn memory_limits() {
    const MIB: u64 = 1 << 20;
    each_runtime(|rt, p| {
        let mut p = p.memory_limit(512 * MIB);
        let cmd = p.command_line();
        match rt {
            Runtime::Node => assert!(cmd.contains(&"--max-old-space-size=512".into()), "{cmd:?}"),
            Runtime::Java => assert!(cmd.contains(&"-Xmx512m".into()), "{cmd:?}"),
            _ => {
                p.start().unwrap();
                let pid = p.child_pid().unwrap();
                if Path::new("/proc/self/limits").exists() {
                    assert_eq!(address_space(pid), Some(512 * MIB), "{rt}");
                }
            }
        }
    });
}

#[test]
fn memory_exhaustion_is_reported() {
    let Some(p) = engine(Runtime::Python) else {
        return;
    };
    // sre keeps a backtracking frame per repetition of a group: a million
    // of them do not fit in 64 MiB.
    let mut p = p.memory_limit(64 << 20);
    let pat = Pat::new("(a)*", Flavor::Python, "");
    let mut c = p.program(&pat.subject(Mode::Full)).unwrap();
    let out = c.run(&Input::from_str(&"a".repeat(1_000_000)), &Limit::default());
    assert!(
        matches!(
            out,
            Outcome::OverLimit {
                limit: LimitKind::Memory,
                ..
            }
        ),
        "{out:?}"
    );
    assert!(matched(&c.run(&Input::from_str("aaa"), &Limit::default())));
}

#[test]
fn versions() {
    each_runtime(|rt, p| {
        let v = p.version();
        assert!(v.chars().any(|c| c.is_ascii_digit()), "{rt}: version {v:?}");
    });
}

#[test]
fn compile_errors() {
    each_runtime(|rt, mut p| {
        let pat = Pat::new("a", rt.flavor(), "");
        let s = Subject {
            pattern: "(a",
            ..pat.subject(Mode::Search)
        };
        let e = p.program(&s).expect_err("(a is refused");
        assert!(!e.unsupported && !e.message.is_empty(), "{rt}: {e:?}");
        // Wrapping for the mode must not make an unbalanced pattern valid.
        let s = Subject {
            pattern: "a)(b",
            ..pat.subject(Mode::Full)
        };
        assert!(p.program(&s).is_err(), "{rt}: a)(b compiles in full mode");
        let s = Subject {
            flags: "a\tb",
            ..pat.subject(Mode::Search)
        };
        assert!(p.program(&s).is_err(), "{rt}: a tab in the flags");
        assert!(
            matched(&run(&mut p, &pat, Mode::Search, &Input::from_str("a"))),
            "{rt}"
        );
    });
}

#[test]
fn missing_runtime_is_unsupported() {
    let mut p = Process::new(Runtime::Node).with_program("/nonexistent/redoscope-test/node");
    let pat = Pat::new("a", Flavor::Js, "");
    let e = p
        .program(&pat.subject(Mode::Search))
        .expect_err("no node there");
    assert!(e.unsupported, "{e:?}");
    assert!(e.message.starts_with("node is not installed"), "{e:?}");
    assert_eq!(p.version(), "");
    // A program that exits at once: a clear error, not a hang.
    let mut p = Process::new(Runtime::Perl).with_program("/bin/false");
    let e = p
        .program(&pat.subject(Mode::Search))
        .expect_err("false is no perl");
    assert!(e.message.contains("did not start"), "{e:?}");
}
