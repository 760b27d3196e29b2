//! `redoscope attack`: the attack string of a pattern, as raw bytes (to
//! pipe into a program) or as JSON with its structure and measurement.

use crate::check_cmd::parse_duration;
use crate::{Common, Format, Status};
use anyhow::Context;
use redoscope::{check, Flavor, Mode, Options, Verdict};
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
    #[arg(long)]
    pub steps: Option<u64>,
    /// The longest attack string (characters).
    #[arg(long, default_value_t = 100_000)]
    pub max_length: usize,
    /// Also print an attack whose growth the reference matcher did not
    /// confirm (the verdict is then `unknown`).
    #[arg(long)]
    pub unconfirmed: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    if args.common.stdin {
        anyhow::bail!("attack takes one PATTERN argument, not --stdin");
    }
    let flavor: Flavor = args
        .common
        .flavor
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut opts = Options::new()
        .flavor(flavor)
        .flags(&args.common.flags)
        .timeout(args.timeout)
        .max_length(args.length.unwrap_or(args.max_length));
    if let Some(m) = &args.mode {
        let m: Mode = m.parse().map_err(|e: String| anyhow::anyhow!(e))?;
        opts = opts.mode(m);
    }
    if args.length.is_some() {
        // As many repetitions as fit.
        opts = opts.target_steps(u64::MAX);
    } else if let Some(s) = args.steps {
        opts = opts.target_steps(s);
    }
    let report = match check(&args.pattern, &opts) {
        Ok(r) => r,
        Err(e) => {
            let color = args.common.color.enabled_for_stderr();
            crate::render::error(&mut io::stderr().lock(), &args.pattern, &opts, &e, color)?;
            return Ok(Status::Error);
        }
    };
    let mut out = io::stdout().lock();
    let confirmed = report.verdict == Verdict::Vulnerable;
    let printable = confirmed || (args.unconfirmed && report.attack.is_some());
    let fits = report
        .attack
        .as_ref()
        .is_some_and(|a| args.length.is_none_or(|n| a.string.chars().count() <= n));
    if args.common.format == Format::Json {
        serde_json::to_writer(&mut out, &report).context("writing JSON")?;
        writeln!(out)?;
    } else if printable && fits {
        let a = report.attack.as_ref().expect("an attack");
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
