//! Oracle: does PCRE2 accept this regex?
//!
//! Run: `cargo run --quiet --example pcre2-oracle` (the `pcre2` crate, a
//! dev-dependency, builds its bundled PCRE2; set `PCRE2_SYS_STATIC=1` so that
//! it never links a system libpcre2 of another version instead).
//!
//! Reads JSON Lines on stdin, one {"pattern": "...", "flags": "..."} per line,
//! and writes one line per input, in order:
//!   {"ok": true}                          the pattern compiled
//!   {"ok": false, "error": "<message>"}   it did not (PCRE2's message and offset)
//!   {"ok": false, "error": "...", "input_error": true}   the line was not a
//!                                          valid input object (not a verdict)
//!
//! Flag letters are PHP's modifiers: i, m, s, x, u -> PCRE2_CASELESS,
//! PCRE2_MULTILINE, PCRE2_DOTALL, PCRE2_EXTENDED, PCRE2_UTF; `xx`, U, n and J
//! are applied as the inline options `(?xx)`, `(?U)`, `(?n)` and `(?J)` put
//! after any leading `(*VERB)` start-of-pattern items; D, A, S and X do not
//! change what compiles and are accepted and ignored. Any other letter is a
//! rejection. Blank lines are ignored.
//!
//! The test suite includes this file as a module to re-check its PCRE2
//! verdicts in-process (see `tests/syntax_cases.rs`), through [`verdict`].

use std::io::{BufRead, Write};

/// Compiles `pattern` with PHP-style `flags`. `Err` carries PCRE2's message,
/// with the offset into `pattern` when PCRE2 gives one.
pub fn verdict(pattern: &str, flags: &str) -> Result<(), String> {
    let mut builder = pcre2::bytes::RegexBuilder::new();
    let mut inline = String::new();
    let mut seen_x = false;
    for c in flags.chars() {
        match c {
            'i' => {
                builder.caseless(true);
            }
            'm' => {
                builder.multi_line(true);
            }
            's' => {
                builder.dotall(true);
            }
            'x' if seen_x => {
                if !inline.contains("xx") {
                    inline.push_str("xx");
                }
            }
            'x' => {
                seen_x = true;
                builder.extended(true);
            }
            'u' => {
                builder.utf(true);
            }
            'U' | 'n' | 'J' => {
                if !inline.contains(c) {
                    inline.push(c);
                }
            }
            'D' | 'A' | 'S' | 'X' => {}
            _ => return Err(format!("unknown flag '{c}'")),
        }
    }
    let (text, at, added) = if inline.is_empty() {
        (pattern.to_string(), 0, 0)
    } else {
        let at = leading_verbs(pattern);
        let option = format!("(?{inline})");
        let text = format!("{}{option}{}", &pattern[..at], &pattern[at..]);
        (text, at, option.len())
    };
    match builder.build(&text) {
        Ok(_) => Ok(()),
        Err(e) => {
            let shown = e.to_string();
            // "PCRE2: error compiling pattern at offset N: message"
            let message = match shown.split_once(": ").and_then(|(_, rest)| {
                rest.split_once(": ")
                    .map(|(_, m)| m.to_string())
                    .filter(|_| rest.starts_with("error compiling pattern"))
            }) {
                Some(m) => m,
                None => shown,
            };
            Err(match e.offset() {
                Some(off) => {
                    let off = if off >= at + added {
                        off - added
                    } else {
                        off.min(at)
                    };
                    format!("{message} at offset {off}")
                }
                None => message,
            })
        }
    }
}

/// The length of the `(*NAME)` / `(*NAME=digits)` items at the start of
/// `pattern` (PCRE2 reads start-of-pattern options only there).
fn leading_verbs(pattern: &str) -> usize {
    let b = pattern.as_bytes();
    let mut at = 0;
    loop {
        if !pattern[at..].starts_with("(*") {
            return at;
        }
        let mut i = at + 2;
        while i < b.len() && (b[i].is_ascii_uppercase() || b[i] == b'_' || b[i].is_ascii_digit()) {
            i += 1;
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < b.len() && b[i] == b')' && i > at + 2 {
            at = i + 1;
        } else {
            return at;
        }
    }
}

fn answer(line: &str) -> serde_json::Value {
    let input: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return input_error(&e.to_string()),
    };
    let Some(pattern) = input.get("pattern").and_then(|p| p.as_str()) else {
        return input_error("expected an object with a string \"pattern\"");
    };
    let flags = match input.get("flags") {
        None | Some(serde_json::Value::Null) => "",
        Some(serde_json::Value::String(f)) => f.as_str(),
        Some(_) => return input_error("\"flags\" must be a string"),
    };
    match verdict(pattern, flags) {
        Ok(()) => serde_json::json!({ "ok": true }),
        Err(e) => serde_json::json!({ "ok": false, "error": e }),
    }
}

fn input_error(message: &str) -> serde_json::Value {
    serde_json::json!({
        "ok": false,
        "error": format!("oracle input error: {message}"),
        "input_error": true,
    })
}

fn main() {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.split(b'\n') {
        let line = line.expect("read stdin");
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        serde_json::to_writer(&mut out, &answer(line)).expect("write stdout");
        out.write_all(b"\n").expect("write stdout");
    }
    out.flush().expect("write stdout");
}
