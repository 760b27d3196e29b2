//! PCRE2 10.46 (the bundled build of `pcre2-sys`), interpreter and JIT, with
//! explicit limits.
//!
//! The safe `pcre2` crate exposes neither the match limit nor the depth and
//! heap limits, so this engine talks to the C API directly: the 8-bit
//! library in UTF mode, the input as UTF-8.
//!
//! * **Pattern.** A PCRE subject runs its own text with its flags (`i m s x
//!   xx U D A n J` as the matching `PCRE2_*` options; PHP's `u` adds
//!   `PCRE2_UCP`, as `preg_*` does). Other flavors run their IR printed as
//!   PCRE ([`print_ir`]), with `PCRE2_UCP` only when a word boundary of the
//!   IR uses a Unicode definition of a word character (the printed classes
//!   are explicit, so only `\b`, `\B` and `\w` in a printed word start or
//!   end depend on it).
//! * **Mode.** Anchoring is a compile option (`PCRE2_ANCHORED`, plus
//!   `PCRE2_ENDANCHORED` for a full match): as a match-time option it would
//!   make `pcre2_match` skip the JIT code and run the interpreter.
//! * **Limits.** `pcre2_set_match_limit` = the step limit (capped to
//!   `u32::MAX`), the depth limit the same (PCRE2's own default relation),
//!   the heap limit [`HEAP_LIMIT_KIB`]; the JIT runs on its own stack of at
//!   most [`JIT_STACK_MAX`] bytes (the JIT ignores the depth and heap
//!   limits). The match limit gives [`LimitKind::Steps`], the others
//!   [`LimitKind::Memory`]. `limit.time` becomes a match limit through a
//!   probe run ([`crate::run_within_time`]): going over it is
//!   [`LimitKind::Time`].

// PCRE2 is a C library: compiling, matching and freeing go through raw FFI
// calls, which need `unsafe`. This module is the only place the harness
// allows it; each block says why it is sound.
#![allow(unsafe_code)]

use crate::{CompileError, Compiled, Engine, Input, Kind, Limit, LimitKind, Outcome, Subject};
use pcre2_sys::*;
use redoscope_automata::Mode;
use redoscope_syntax::ir::{print_ir, Ir, IrKind, Look, WordChars};
use redoscope_syntax::{Flags, Flavor};
use std::ffi::c_void;
use std::ptr;
use std::time::Instant;

/// The heap limit of the interpreter, in KiB (1 GiB; PCRE2's default is
/// 20 GB, which would let one backtracking match take the machine's memory).
pub const HEAP_LIMIT_KIB: u32 = 1024 * 1024;

/// The most the JIT's stack may grow to, in bytes (PCRE2's default without
/// an assigned stack is 32 KiB of the machine stack, which deep but linear
/// matches outgrow).
pub const JIT_STACK_MAX: usize = 64 * 1024 * 1024;

/// The PCRE2 engine: `pcre2` (the interpreter) or `pcre2-jit`.
#[derive(Clone, Copy, Debug)]
pub struct Pcre2 {
    jit: bool,
}

impl Pcre2 {
    /// The interpreter (`pcre2_match` on a pattern that is not JIT-compiled).
    pub fn interpreter() -> Pcre2 {
        Pcre2 { jit: false }
    }

    /// The JIT (`pcre2_jit_compile` with `PCRE2_JIT_COMPLETE`, then
    /// `pcre2_match`, which runs the JIT code).
    pub fn jit() -> Pcre2 {
        Pcre2 { jit: true }
    }
}

/// PCRE2's version string, e.g. `10.46 2025-08-27`.
pub fn library_version() -> String {
    // SAFETY: with a null buffer, pcre2_config returns the length needed for
    // the version string (in code units, with its terminating zero) and
    // writes nothing.
    let n = unsafe { pcre2_config_8(PCRE2_CONFIG_VERSION, ptr::null_mut()) };
    if n <= 0 {
        return "unknown".into();
    }
    let mut buf = vec![0u8; n as usize];
    // SAFETY: the buffer holds the `n` code units pcre2_config asked for.
    let r = unsafe { pcre2_config_8(PCRE2_CONFIG_VERSION, buf.as_mut_ptr().cast::<c_void>()) };
    if r <= 0 {
        return "unknown".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// The message of a PCRE2 error code.
fn error_message(code: i32) -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer and its length agree; PCRE2 writes a zero-terminated
    // message into it (truncated if needed) and returns its length or a
    // negative error code.
    let n = unsafe { pcre2_get_error_message_8(code, buf.as_mut_ptr(), buf.len()) };
    if n < 0 {
        return format!("PCRE2 error {code}");
    }
    String::from_utf8_lossy(&buf[..n as usize]).into_owned()
}

/// Whether a word-boundary assertion of `ir` counts non-ASCII word
/// characters (then PCRE2 needs `PCRE2_UCP` to read the printed `\b`).
fn unicode_word_looks(ir: &Ir) -> bool {
    let mut stack = vec![ir];
    while let Some(n) = stack.pop() {
        if let IrKind::Look(
            Look::WordBoundary { word }
            | Look::NotWordBoundary { word }
            | Look::WordStart { word }
            | Look::WordEnd { word }
            | Look::WordStartHalf { word }
            | Look::WordEndHalf { word },
        ) = &n.kind
        {
            if !matches!(word, WordChars::Ascii | WordChars::JsIgnoreCase) {
                return true;
            }
        }
        stack.extend(n.children());
    }
    false
}

/// The compile options of PHP-style flag letters (UTF not included).
fn flag_options(f: &Flags) -> u32 {
    let mut o = 0;
    for (on, bit) in [
        (f.ignore_case, PCRE2_CASELESS),
        (f.multi_line, PCRE2_MULTILINE),
        (f.dot_all, PCRE2_DOTALL),
        (f.extended, PCRE2_EXTENDED),
        (f.extended_more, PCRE2_EXTENDED_MORE),
        (f.unicode, PCRE2_UCP),
        (f.ungreedy, PCRE2_UNGREEDY),
        (f.dollar_endonly, PCRE2_DOLLAR_ENDONLY),
        (f.anchored, PCRE2_ANCHORED),
        (f.no_auto_capture, PCRE2_NO_AUTO_CAPTURE),
        (f.dup_names, PCRE2_DUPNAMES),
    ] {
        if on {
            o |= bit;
        }
    }
    o
}

impl Engine for Pcre2 {
    fn name(&self) -> &'static str {
        if self.jit {
            "pcre2-jit"
        } else {
            "pcre2"
        }
    }

    fn kind(&self) -> Kind {
        Kind::Backtracking
    }

    fn version(&self) -> String {
        let v = format!("PCRE2 {}", library_version());
        if self.jit {
            v + " (JIT)"
        } else {
            v
        }
    }

    fn compile(&mut self, s: &Subject<'_>) -> Result<Box<dyn Compiled + '_>, CompileError> {
        let mut notes = vec![];
        let native = s.flavor == Flavor::Pcre;
        let (pattern, mut options) = if native {
            let f = Flags::parse(Flavor::Pcre, s.flags).map_err(|e| CompileError {
                message: e.message,
                unsupported: false,
            })?;
            if f.ignore_case && !f.unicode {
                notes.push(
                    "PCRE2 runs in UTF mode: without /u, PHP compares bytes, so non-ASCII \
                     letters do not fold there but do here"
                        .to_string(),
                );
            }
            (s.pattern.to_string(), flag_options(&f))
        } else {
            let (text, _) = print_ir(&s.lowered.ir, Flavor::Pcre).map_err(|e| CompileError {
                message: format!("PCRE2 cannot express this {} pattern: {e}", s.flavor),
                unsupported: true,
            })?;
            notes.push(format!(
                "translated from {} (the IR printed as PCRE)",
                s.flavor
            ));
            let ucp = unicode_word_looks(&s.lowered.ir);
            (text, if ucp { PCRE2_UCP } else { 0 })
        };
        options |= PCRE2_UTF;
        options |= match s.mode {
            Mode::Search => 0,
            Mode::Prefix => PCRE2_ANCHORED,
            Mode::Full => PCRE2_ANCHORED | PCRE2_ENDANCHORED,
        };
        let mut program =
            Program::new(&pattern, options, self.jit).map_err(|message| CompileError {
                message,
                // A translation PCRE2 rejects is a construct it lacks; a PCRE
                // pattern it rejects is just invalid.
                unsupported: !native,
            })?;
        program.pattern = pattern;
        program.notes = notes;
        Ok(Box::new(program))
    }
}

/// A compiled pattern with its match data, match context and JIT stack,
/// all owned (freed on drop).
struct Program {
    code: *mut pcre2_code_8,
    match_data: *mut pcre2_match_data_8,
    context: *mut pcre2_match_context_8,
    jit_stack: *mut pcre2_jit_stack_8,
    pattern: String,
    notes: Vec<String>,
}

impl Program {
    fn new(pattern: &str, options: u32, jit: bool) -> Result<Program, String> {
        let mut code_err = 0;
        let mut offset = 0usize;
        // SAFETY: the pattern pointer and length describe a live &str (PCRE2
        // takes a length, so no terminating zero is needed); the error
        // outputs point to live locals; a null compile context means the
        // defaults.
        let code = unsafe {
            pcre2_compile_8(
                pattern.as_ptr(),
                pattern.len(),
                options,
                &mut code_err,
                &mut offset,
                ptr::null_mut(),
            )
        };
        if code.is_null() {
            return Err(format!("{} at offset {offset}", error_message(code_err)));
        }
        // From here on, `p` owns what has been allocated and frees it on
        // drop, including on the early returns.
        let mut p = Program {
            code,
            match_data: ptr::null_mut(),
            context: ptr::null_mut(),
            jit_stack: ptr::null_mut(),
            pattern: String::new(),
            notes: vec![],
        };
        if jit {
            // SAFETY: `code` is a valid compiled pattern owned by `p`.
            let r = unsafe { pcre2_jit_compile_8(p.code, PCRE2_JIT_COMPLETE) };
            if r != 0 {
                return Err(format!(
                    "the PCRE2 JIT cannot compile this pattern: {}",
                    error_message(r)
                ));
            }
        }
        // SAFETY: `code` is valid; a null general context means malloc/free.
        p.match_data = unsafe { pcre2_match_data_create_from_pattern_8(p.code, ptr::null_mut()) };
        // SAFETY: as above.
        p.context = unsafe { pcre2_match_context_create_8(ptr::null_mut()) };
        if p.match_data.is_null() || p.context.is_null() {
            return Err("PCRE2 could not allocate its match data".into());
        }
        if jit {
            // SAFETY: sizes in bytes, start <= max; a null general context
            // means malloc/free.
            p.jit_stack =
                unsafe { pcre2_jit_stack_create_8(32 * 1024, JIT_STACK_MAX, ptr::null_mut()) };
            if p.jit_stack.is_null() {
                return Err("PCRE2 could not allocate a JIT stack".into());
            }
            // SAFETY: with no callback, the data argument is the stack to
            // use; the context and the stack are both owned by `p` and freed
            // together, so the stack outlives every match using the context.
            unsafe { pcre2_jit_stack_assign_8(p.context, None, p.jit_stack.cast::<c_void>()) };
        }
        Ok(p)
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: each pointer is null or was returned by the matching
        // create call, is owned by this value alone and is freed once; the
        // PCRE2 free functions accept null.
        unsafe {
            pcre2_match_data_free_8(self.match_data);
            pcre2_match_context_free_8(self.context);
            pcre2_jit_stack_free_8(self.jit_stack);
            pcre2_code_free_8(self.code);
        }
    }
}

impl Compiled for Program {
    fn pattern(&self) -> &str {
        &self.pattern
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn run(&mut self, input: &Input, limit: &Limit) -> Outcome {
        let text = match input.utf8_for_engine() {
            Ok(t) => t,
            Err(failed) => return failed,
        };
        crate::run_within_time(limit, |steps| self.run_steps(&text, steps))
    }
}

impl Program {
    /// One match with `steps` as the match and depth limits.
    fn run_steps(&mut self, text: &str, steps: u64) -> Outcome {
        let steps = u32::try_from(steps).unwrap_or(u32::MAX);
        // SAFETY: the context is valid and owned by `self`; these setters
        // only store a value.
        unsafe {
            pcre2_set_match_limit_8(self.context, steps);
            pcre2_set_depth_limit_8(self.context, steps);
            pcre2_set_heap_limit_8(self.context, HEAP_LIMIT_KIB);
        }
        let start = Instant::now();
        // SAFETY: the code, match data and context are valid and owned by
        // `self` (the match data was made for this code); the subject
        // pointer and length describe a live string, which is valid UTF-8 as
        // UTF mode requires; no match-time options.
        let rc = unsafe {
            pcre2_match_8(
                self.code,
                text.as_ptr(),
                text.len(),
                0,
                0,
                self.match_data,
                self.context,
            )
        };
        let time = start.elapsed();
        match rc {
            // 0: a match, with an ovector too small for its groups.
            rc if rc >= 0 => Outcome::Done {
                matched: true,
                time,
                steps: None,
            },
            PCRE2_ERROR_NOMATCH => Outcome::Done {
                matched: false,
                time,
                steps: None,
            },
            PCRE2_ERROR_MATCHLIMIT => Outcome::OverLimit {
                limit: LimitKind::Steps,
                time,
                steps: Some(u64::from(steps)),
            },
            PCRE2_ERROR_DEPTHLIMIT
            | PCRE2_ERROR_HEAPLIMIT
            | PCRE2_ERROR_JIT_STACKLIMIT
            | PCRE2_ERROR_NOMEMORY => Outcome::OverLimit {
                limit: LimitKind::Memory,
                time,
                steps: None,
            },
            rc => Outcome::Failed(format!("pcre2_match: {}", error_message(rc))),
        }
    }
}
