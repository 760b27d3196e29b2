//! `redoscope verify`: the attack run at growing lengths on real engines,
//! with bounded execution; a table, the fitted growth per engine, a
//! terminal chart and an SVG plot.

use crate::check_cmd::parse_duration;
use crate::render::visible;
use crate::{Common, Format, Status};
use anyhow::Context;
use redoscope::attack::Attack;
use redoscope::verify::harness::measure::{How, Series, Stop};
use redoscope::verify::harness::{engines, LimitKind};
use redoscope::verify::{super_linear, verify, VerifyOptions, VerifyReport, DEFAULT_ENGINES};
use redoscope::AttackPump;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `redoscope verify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The pattern to verify.
    pub pattern: String,
    #[command(flatten)]
    pub common: Common,
    /// The matching API: search, full or prefix (default: the flavor's
    /// most common one).
    #[arg(long)]
    pub mode: Option<String>,
    /// The engines, comma-separated: reference, pcre2, pcre2-jit, fancy,
    /// node, python, java, perl, regex, pikevm, dfa (default: all of these;
    /// runtimes that are not installed are reported as such).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// The deadline of the whole verification (analysis included).
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// One match is stopped after this long (the child process is killed;
    /// in-process engines stop at their match limit).
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub run_limit: Duration,
    /// Stop growing an engine's attack at the first match this slow.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub stop_at: Duration,
    /// The longest attack text for backtracking engines (linear controls
    /// run to 1,000,000 characters).
    #[arg(long, default_value_t = 100_000)]
    pub max_length: usize,
    /// Write a chart of match time against text length per engine (SVG).
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Run this attack instead of the analysis's: the pumped text.
    #[arg(long)]
    pub pump: Option<String>,
    /// With --pump: the text before the pumped part.
    #[arg(long, default_value = "", requires = "pump")]
    pub prefix: String,
    /// With --pump: the text after it (that makes the match fail).
    #[arg(long, default_value = "", requires = "pump")]
    pub suffix: String,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let check = args
        .common
        .one_pattern_options("verify", args.mode.as_deref())?
        .timeout(args.timeout.min(Duration::from_secs(5)));
    let names: Vec<String> = if args.engines.is_empty() {
        DEFAULT_ENGINES.iter().map(|s| s.to_string()).collect()
    } else {
        args.engines.iter().map(|s| s.trim().to_string()).collect()
    };
    check_engines(&names)?;
    let mut opts = VerifyOptions::new(check);
    opts.engines = names;
    opts.timeout = args.timeout;
    opts.run_limit = args.run_limit;
    opts.stop_at = args.stop_at;
    opts.max_length = args.max_length;
    if let Some(pump) = &args.pump {
        if pump.is_empty() {
            anyhow::bail!("--pump must not be empty");
        }
        opts.attack = Some(Attack {
            pumps: vec![AttackPump {
                prefix: args.prefix.clone(),
                pump: pump.clone(),
            }],
            suffix: args.suffix.clone(),
        });
    }
    let report = match verify(&args.pattern, &opts) {
        Ok(r) => r,
        Err(e) => {
            crate::render::error(
                &mut io::stderr(),
                &args.pattern,
                &opts.check,
                &e,
                args.common.color.enabled_for_stderr(),
            )?;
            return Ok(Status::Error);
        }
    };
    if let Some(path) = &args.plot {
        crate::plot::svg(&report, path)
            .with_context(|| format!("cannot write the plot to {}", path.display()))?;
    }
    let mut out = io::stdout().lock();
    match args.common.format {
        Format::Json => {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => text(&mut out, &report, args.common.color.enabled())?,
    }
    if let Some(path) = &args.plot {
        if args.common.format == Format::Text {
            writeln!(out, "plot written to {}", path.display())?;
        }
    }
    Ok(
        if report
            .engines
            .iter()
            .any(|s| s.error.is_none() && super_linear(s))
        {
            Status::Findings
        } else {
            Status::Clean
        },
    )
}

/// Refuses engine names the harness does not know.
pub fn check_engines(names: &[String]) -> anyhow::Result<()> {
    for n in names {
        if engines::by_name(n).is_err() && !DEFAULT_ENGINES.contains(&n.as_str()) {
            anyhow::bail!(
                "unknown engine '{n}' (known: {})",
                engines::NAMES.join(", ")
            );
        }
    }
    Ok(())
}

/// A duration, short.
pub fn seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.0} µs", s * 1e6)
    } else {
        "<1 µs".into()
    }
}

/// A step count, short.
fn steps(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=9_999_999 => format!("{:.0}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// The cell of one run: time, and steps for the engines that count them.
fn cell(s: &Series, length: usize) -> String {
    if let Some(r) = s.runs.iter().find(|r| r.length == length) {
        let t = seconds(r.seconds);
        let m = if r.matched { " (match)" } else { "" };
        return match r.steps {
            Some(n) => format!("{} ({t}){m}", steps(n)),
            None => format!("{t}{m}"),
        };
    }
    match &s.over_limit {
        Some(o) if o.length == length => match o.limit {
            LimitKind::Time => format!("> {} killed", seconds(o.seconds)),
            LimitKind::Steps => "over limit".into(),
            LimitKind::Memory => "out of memory".into(),
        },
        _ => String::new(),
    }
}

/// The lengths shown: those of the backtracking engines, then some of the
/// linear controls' longer ones; at most `max` rows, keeping the last.
fn rows(r: &VerifyReport, max: usize) -> Vec<usize> {
    let mut all: Vec<usize> = r
        .engines
        .iter()
        .flat_map(|s| {
            s.runs
                .iter()
                .map(|x| x.length)
                .chain(s.over_limit.as_ref().map(|o| o.length))
        })
        .collect();
    all.sort_unstable();
    all.dedup();
    if all.len() <= max {
        return all;
    }
    // Evenly spaced, always with the last rows.
    let keep_last = max / 3;
    let head = &all[..all.len() - keep_last];
    let step = head.len() as f64 / (max - keep_last) as f64;
    let mut out: Vec<usize> = (0..max - keep_last)
        .map(|i| head[(i as f64 * step) as usize])
        .collect();
    out.extend_from_slice(&all[all.len() - keep_last..]);
    out.dedup();
    out
}

/// Eight levels of a sparkline.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of log time per run, on a scale shared by all engines.
fn sparkline(s: &Series, lo: f64, hi: f64) -> String {
    let span = (hi - lo).max(1e-9);
    let mut o: String = s
        .runs
        .iter()
        .map(|r| {
            let v = (r.seconds.max(1e-9).ln() - lo) / span;
            BARS[((v * 7.0).round() as usize).min(7)]
        })
        .collect();
    if s.over_limit.is_some() {
        o.push('↑');
    }
    o
}

fn text(out: &mut impl Write, r: &VerifyReport, _color: bool) -> anyhow::Result<()> {
    writeln!(
        out,
        "{}  ({}, {} mode): {}{}",
        r.pattern,
        r.flavor,
        r.mode,
        r.verdict,
        r.complexity.map(|g| format!(", {g}")).unwrap_or_default()
    )?;
    let Some(a) = &r.attack else {
        writeln!(
            out,
            "nothing run: {}",
            r.reason.as_deref().unwrap_or("no attack")
        )?;
        return Ok(());
    };
    let mut shape = String::new();
    for p in &a.pumps {
        if !p.prefix.is_empty() {
            shape.push_str(&format!("\"{}\" + ", visible(&p.prefix)));
        }
        shape.push_str(&format!("\"{}\"×n + ", visible(&p.pump)));
    }
    shape.push_str(&format!("\"{}\"", visible(&a.suffix)));
    writeln!(out, "attack: {shape}")?;
    writeln!(out)?;
    let ran: Vec<&Series> = r.engines.iter().filter(|s| s.error.is_none()).collect();
    // The table.
    let width = |s: &Series| s.engine.len().max(12);
    write!(out, "{:>9}", "length")?;
    for s in &ran {
        write!(out, "  {:>w$}", s.engine, w = width(s))?;
    }
    writeln!(out)?;
    for len in rows(r, 24) {
        write!(out, "{len:>9}")?;
        for s in &ran {
            write!(out, "  {:>w$}", cell(s, len), w = width(s))?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    // The fits.
    writeln!(
        out,
        "{:<10} {:<26} {:<34} {:>6} {:>12} {:>12}  stopped",
        "engine", "version", "growth", "R²", "100 ms at", "1 s at"
    )?;
    let cross = |c: Option<redoscope::verify::harness::measure::Crossing>| match c {
        Some(c) => format!(
            "{}{}",
            if c.how == How::Extrapolated {
                "≈"
            } else {
                ""
            },
            c.length
        ),
        None => "—".into(),
    };
    for s in &r.engines {
        if let Some(e) = &s.error {
            writeln!(out, "{:<10} not run: {e}", s.engine)?;
            continue;
        }
        let stopped = match s.stopped {
            Stop::Threshold => "--stop-at reached".to_string(),
            Stop::OverLimit => match &s.over_limit {
                Some(o) => format!(
                    "over limit at length {} ({})",
                    o.length,
                    match o.limit {
                        LimitKind::Time => "killed",
                        LimitKind::Steps => "match limit",
                        LimitKind::Memory => "memory",
                    }
                ),
                None => "over limit".into(),
            },
            Stop::MaxLength => "length bound".into(),
            Stop::Deadline => "deadline".into(),
            Stop::Error => "error".into(),
        };
        let version: String = s.version.chars().take(26).collect();
        writeln!(
            out,
            "{:<10} {:<26} {:<34} {:>6.3} {:>12} {:>12}  {stopped}",
            s.engine,
            version,
            s.fit.class.to_string(),
            s.fit.r2,
            cross(s.at_100ms),
            cross(s.at_1s)
        )?;
    }
    // Notes.
    for s in &ran {
        for n in &s.notes {
            writeln!(out, "note ({}): {n}", s.engine)?;
        }
    }
    // The chart.
    let logs: Vec<f64> = ran
        .iter()
        .flat_map(|s| s.runs.iter().map(|r| r.seconds.max(1e-9).ln()))
        .collect();
    if !logs.is_empty() {
        let lo = logs.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        writeln!(
            out,
            "\nmatch time per run, log scale {} … {} (↑ = over the limit):",
            seconds(lo.exp()),
            seconds(hi.exp())
        )?;
        for s in &ran {
            writeln!(out, "{:<10} {}", s.engine, sparkline(s, lo, hi))?;
        }
    }
    Ok(())
}
