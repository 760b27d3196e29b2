//! `redoscope attack`: the attack string of a pattern, as raw bytes (to
//! pipe into a program) or as JSON with its structure and measurement.

use crate::check_cmd::parse_duration;
use crate::{Common, Format, Status};
use anyhow::Context;
use redoscope::{check, Verdict};
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

/// Arguments of `redoscope attack`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The pattern to attack.
    pub pattern: String,
    #[command(flatten)]
    pub common: Common,
    /// The matching API: search, full or prefix (default: the flavor's
    /// most common one).
    #[arg(long)]
    pub mode: Option<String>,
    /// The deadline for analysis and confirmation (e.g. 500ms, 2s).
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// The attack string's length: the most repetitions that fit in N
    /// characters. Default: enough for about 10^11 steps of a backtracking
    /// engine (seconds), within --max-length.
    #[arg(long, conflicts_with = "steps")]
    pub length: Option<usize>,
    /// Aim at this many reference-matcher steps instead.
    #[arg(long, conflicts_with = "target")]
    pub steps: Option<u64>,
    /// The shortest attack whose one match takes at least this long on
    /// --engine (measured: the attack is grown, then bisected).
    #[arg(long, value_parser = parse_duration, conflicts_with = "length")]
    pub target: Option<Duration>,
    /// With --target: the engine to time it on (reference, pcre2, fancy,
    /// node, python, java, perl, …).
    #[arg(long, default_value = "reference", requires = "target")]
    pub engine: String,
    /// The longest attack string (characters).
    #[arg(long, default_value_t = 100_000)]
    pub max_length: usize,
    /// Also print an attack whose growth the reference matcher did not
    /// confirm (the verdict is then `unknown`).
    #[arg(long)]
    pub unconfirmed: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let mut opts = args
        .common
        .one_pattern_options("attack", args.mode.as_deref())?
        .timeout(args.timeout)
        .max_length(args.length.unwrap_or(args.max_length));
    if args.length.is_some() {
        // As many repetitions as fit.
        opts = opts.target_steps(u64::MAX);
    } else if let Some(s) = args.steps {
        opts = opts.target_steps(s);
    }
    let mut report = match check(&args.pattern, &opts) {
        Ok(r) => r,
        Err(e) => {
            let color = args.common.color.enabled_for_stderr();
            crate::render::error(&mut io::stderr().lock(), &args.pattern, &opts, &e, color)?;
            return Ok(Status::Error);
        }
    };
    let confirmed = report.verdict == Verdict::Vulnerable;
    let printable = confirmed || (args.unconfirmed && report.attack.is_some());
    let mut timed = None;
    if let (Some(target), true) = (args.target, printable) {
        crate::verify_cmd::check_engines(std::slice::from_ref(&args.engine))?;
        let mut v = redoscope::verify::VerifyOptions::new(opts.clone());
        v.max_length = args.max_length;
        let deadline = std::time::Instant::now() + (target * 4).max(Duration::from_secs(30));
        match redoscope::verify::shortest_attack(&report, &v, &args.engine, target, deadline) {
            Ok(s) => {
                if let Some(a) = report.attack.as_mut() {
                    a.repeat = s.repeat;
                    a.string = a.with_repeat(s.repeat);
                }
                timed = Some(s);
            }
            Err(why) => {
                anyhow::bail!(
                    "no attack of {} on {}: {why}",
                    crate::verify_cmd::seconds(target.as_secs_f64()),
                    args.engine
                );
            }
        }
    }
    let mut out = io::stdout().lock();
    let fits = report
        .attack
        .as_ref()
        .is_some_and(|a| args.length.is_none_or(|n| a.string.chars().count() <= n));
    if args.common.format == Format::Json {
        let mut v = serde_json::to_value(&report).context("writing JSON")?;
        if let Some(t) = &timed {
            v["timed"] = serde_json::json!({
                "engine": args.engine,
                "target_seconds": args.target.map(|t| t.as_secs_f64()),
                "seconds": t.seconds,
                "over_limit": t.over_limit,
                "repeat": t.repeat,
                "length": t.length,
            });
        }
        serde_json::to_writer(&mut out, &v).context("writing JSON")?;
        writeln!(out)?;
    } else if printable && fits {
        let a = report.attack.as_ref().expect("an attack");
        if let (Some(t), true) = (&timed, io::stderr().is_terminal()) {
            writeln!(
                io::stderr(),
                "redoscope: {} characters take {}{} on {}",
                t.length,
                if t.over_limit { "over " } else { "" },
                crate::verify_cmd::seconds(t.seconds),
                args.engine
            )?;
        }
        out.write_all(a.string.as_bytes())?;
        if out.is_terminal() {
            writeln!(out)?;
        }
    }
    out.flush()?;
    if printable && !fits {
        anyhow::bail!(
            "no attack fits in {} characters (one repetition needs {})",
            args.length.unwrap_or_default(),
            report
                .attack
                .as_ref()
                .map_or(0, |a| a.with_repeat(1).chars().count())
        );
    }
    if !printable && args.common.format == Format::Text {
        let why = match report.verdict {
            Verdict::Safe => "the pattern is safe".to_string(),
            _ => format!(
                "the verdict is {}: {}",
                report.verdict,
                report.reason.as_deref().unwrap_or("undecided")
            ),
        };
        writeln!(io::stderr(), "redoscope: no attack: {why}")?;
    }
    Ok(if confirmed {
        Status::Findings
    } else {
        Status::Clean
    })
}
