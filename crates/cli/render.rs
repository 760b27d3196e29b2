//! Text rendering of reports, in the style of a rustc / ruff diagnostic.

use redoscope::{Error, Growth, Options, Report, Verdict};
use std::io::{self, Write};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn red(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn green(&self, s: &str) -> String {
        self.wrap("1;32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("1;33", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn blue(&self, s: &str) -> String {
        self.wrap("1;34", s)
    }
}

/// Shows control characters and non-ASCII whitespace visibly.
pub fn visible(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        match c {
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                o.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => o.push(c),
        }
    }
    o
}

/// Shortens the attack's repeat so that the string fits `max` characters;
/// drops the attack when even one repetition does not fit.
pub fn limit_attack(r: &mut Report, max: usize) {
    let Some(a) = r.attack.as_mut() else { return };
    let fixed: usize = a
        .pumps
        .iter()
        .map(|p| p.prefix.chars().count())
        .sum::<usize>()
        + a.suffix.chars().count();
    let per: usize = a
        .pumps
        .iter()
        .map(|p| p.pump.chars().count())
        .sum::<usize>()
        .max(1);
    let n = max.saturating_sub(fixed) / per;
    if n == 0 {
        r.attack = None;
        r.notes.push(format!("no attack fits in {max} characters"));
    } else if n < a.repeat {
        a.repeat = n;
        a.string = a.with_repeat(n);
    }
}

fn why(r: &Report) -> String {
    match r.complexity {
        Some(Growth::Exponential) => "the pumped text can be split among the repetitions in exponentially many ways, and a backtracking engine tries them all before failing".into(),
        Some(Growth::Polynomial { degree }) => format!(
            "{} repetitions in sequence can share the pumped text in O(n^{}) ways{}, and a backtracking engine tries them all before failing",
            degree,
            degree,
            if r.mode == "search" { " (counting the engine's retry at each start position)" } else { "" }
        ),
        _ => String::new(),
    }
}

fn underline(pattern: &str, spans: &[redoscope::Range]) -> String {
    let mut marks = String::new();
    for (i, c) in pattern.char_indices() {
        let on = spans.iter().any(|s| i >= s.start && i < s.end);
        let w = visible(&c.to_string()).chars().count();
        for _ in 0..w {
            marks.push(if on { '^' } else { ' ' });
        }
    }
    marks.trim_end().to_string()
}

/// One line on the attack's measurement.
fn validation(v: &redoscope::Validation) -> String {
    use redoscope::attack::Measured;
    let first = v.steps.first().copied().unwrap_or_default();
    let last = v.steps.last().copied().unwrap_or_default();
    let growth = match v.measured {
        Measured::Exponential { base } => format!("×{base:.2} per repeat"),
        Measured::Polynomial { degree, .. } => format!("degree {degree:.2}"),
        Measured::Undecided => "too few steps to fit".to_string(),
    };
    let status = if v.confirmed {
        "confirmed"
    } else if v.steeper {
        "reproduced (steeper than claimed)"
    } else if v.regraded {
        "reproduced at a lower degree than claimed"
    } else {
        "not reproduced"
    };
    format!(
        "{status} on the {} matcher: {} → {} steps for {} → {} repeats ({growth})",
        v.engine, first[1], last[1], first[0], last[0]
    )
}

/// Writes one report.
pub fn report(out: &mut impl Write, r: &Report, color: bool) -> io::Result<()> {
    let p = Paint { on: color };
    let ctx = format!(
        "{}, {} mode{}",
        r.flavor,
        r.mode,
        if r.flags.is_empty() {
            String::new()
        } else {
            format!(", flags {}", r.flags)
        }
    );
    match r.verdict {
        Verdict::Safe => {
            writeln!(
                out,
                "{}: {} ({ctx})",
                p.green("safe"),
                p.bold(&visible(&r.pattern))
            )?;
            match (&r.backtracking, &r.reason) {
                (Some(_), Some(reason)) => {
                    writeln!(out, "  = linear: {reason}")?;
                    if !r.hotspot.is_empty() {
                        writeln!(out, "   | {}", visible(&r.pattern))?;
                        writeln!(out, "   | {} where", underline(&r.pattern, &r.hotspot))?;
                    }
                }
                _ => writeln!(
                    out,
                    "  = linear on a backtracking engine: no ambiguity a failing input can exploit"
                )?,
            }
        }
        Verdict::Unknown => {
            writeln!(
                out,
                "{}: {} ({ctx})",
                p.yellow("unknown"),
                p.bold(&visible(&r.pattern))
            )?;
            if let Some(reason) = &r.reason {
                writeln!(out, "  = reason: {reason}")?;
            }
            if let (Some(a), Some(v)) = (&r.attack, &r.validation) {
                let shown: String = visible(&a.with_repeat(a.repeat.min(20)));
                writeln!(out, "  = unconfirmed attack: {shown:?}")?;
                writeln!(out, "  = {}", validation(v))?;
            }
        }
        Verdict::Error => {
            writeln!(
                out,
                "{}: {} ({ctx})",
                p.red("error"),
                p.bold(&visible(&r.pattern))
            )?;
            if let Some(reason) = &r.reason {
                writeln!(out, "  = {reason}")?;
            }
        }
        Verdict::Vulnerable => {
            let growth = r.complexity.map(|g| g.to_string()).unwrap_or_default();
            writeln!(
                out,
                "{}: {growth} backtracking ({ctx})",
                p.red("vulnerable")
            )?;
            writeln!(out, "   {}", p.blue("|"))?;
            writeln!(out, "   {} {}", p.blue("|"), visible(&r.pattern))?;
            writeln!(
                out,
                "   {} {} {}",
                p.blue("|"),
                p.red(&underline(&r.pattern, &r.hotspot)),
                p.red("hotspot")
            )?;
            writeln!(out, "   {}", p.blue("|"))?;
            match &r.attack {
                Some(a) => {
                    let parts: Vec<String> = a
                        .pumps
                        .iter()
                        .map(|pm| {
                            let pre = if pm.prefix.is_empty() {
                                String::new()
                            } else {
                                format!("{:?} + ", visible(&pm.prefix))
                            };
                            format!("{pre}{:?}×{}", visible(&pm.pump), a.repeat)
                        })
                        .collect();
                    writeln!(
                        out,
                        "   = attack: {} + {:?} ({} chars)",
                        parts.join(" + "),
                        visible(&a.suffix),
                        a.string.chars().count()
                    )?;
                    let shown: String = visible(&a.string);
                    if shown.chars().count() <= 120 {
                        writeln!(out, "   = attack string: {shown:?}")?;
                    } else {
                        let head: String = shown.chars().take(100).collect();
                        writeln!(
                            out,
                            "   = attack string: {head:?}… (use --format json or `--max-length`)"
                        )?;
                    }
                }
                None => writeln!(out, "   = attack: none within the length limit")?,
            }
            writeln!(out, "   = why: {}", why(r))?;
            if let Some(v) = &r.validation {
                writeln!(out, "   = {}", validation(v))?;
            }
            for note in &r.notes {
                if note.starts_with("found on an over-approximation")
                    || note.starts_with("the attack grows faster")
                    || note.starts_with("the analysis claimed")
                {
                    writeln!(out, "   = note: {note}")?;
                }
            }
            if !r.runtimes.is_empty() {
                writeln!(out, "   = runtimes:")?;
                let width = r.runtimes.keys().map(|k| k.len()).max().unwrap_or(0);
                for (k, v) in &r.runtimes {
                    writeln!(out, "       {k:<width$}  {v}")?;
                }
                // Why a runtime differs from the analysis (the JSON has a
                // note for every runtime that does something particular).
                let main = r.complexity.map(|g| g.to_string()).unwrap_or_default();
                for (k, note) in &r.runtime_notes {
                    if r.runtimes.get(k).is_some_and(|v| *v != main) {
                        writeln!(out, "   = {k}: {note}")?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Writes a pattern error with its caret (to standard error: prefixed).
pub fn error(
    out: &mut impl Write,
    pattern: &str,
    opts: &Options,
    e: &Error,
    color: bool,
) -> io::Result<()> {
    let p = Paint { on: color };
    writeln!(
        out,
        "redoscope: {}: {} ({})",
        p.red("error"),
        p.bold(&e.message),
        opts.get_flavor()
    )?;
    let what = if e.kind == redoscope::ErrorKind::InvalidFlag {
        "flags"
    } else {
        "pattern"
    };
    writeln!(out, "  --> {what} bytes {}..{}", e.span.start, e.span.end)?;
    for l in e.caret().lines() {
        writeln!(out, "   | {}", p.red(l))?;
    }
    let _ = pattern;
    Ok(())
}
