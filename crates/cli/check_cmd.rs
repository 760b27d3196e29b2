//! `redoscope check`: the verdict, complexity, hotspot, attack and
//! per-runtime table for each pattern.

use crate::{Common, Format, Status};
use anyhow::Context;
use redoscope::{check, Flavor, Mode, Options, Report, Verdict};
use std::io::{self, BufRead, Write};
use std::time::Duration;

/// Arguments of `redoscope check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The patterns to check.
    pub patterns: Vec<String>,
    #[command(flatten)]
    pub common: Common,
    /// The matching API: search (JS test, Python re.search, Java find), full
    /// (Java matches, Python fullmatch) or prefix (Python re.match).
    /// Default: the flavor's most common one.
    #[arg(long)]
    pub mode: Option<String>,
    /// The deadline per pattern (e.g. 500ms, 2s).
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Exit 1 on `unknown` verdicts too.
    #[arg(long)]
    pub strict: bool,
    /// With --stdin: `lines` (one pattern per line) or `jsonl` (objects with
    /// `pattern` and optional `flags`, `flavor`, `mode`).
    #[arg(long, default_value = "lines")]
    pub input: String,
    /// The longest attack string (characters; default 100000).
    #[arg(long)]
    pub max_length: Option<usize>,
    /// Also run each attack on these engines (comma-separated: reference,
    /// pcre2, pcre2-jit, fancy, node, python, java, perl, regex, pikevm,
    /// dfa) and report what each measured (`verification`; the runtimes
    /// table then shows the measured growth).
    #[arg(long, value_delimiter = ',', value_name = "ENGINES")]
    pub verify: Vec<String>,
    /// With --verify: the time each pattern's verification may take.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub verify_timeout: Duration,
}

/// Parses `500ms`, `2s`, `1.5s`, `1m`, `1h`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len()));
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("invalid duration '{s}'"))?;
    let secs = match unit {
        "ms" => v / 1e3,
        "" | "s" => v,
        "m" | "min" => v * 60.0,
        "h" => v * 3600.0,
        "us" | "µs" => v / 1e6,
        _ => {
            return Err(format!(
                "invalid duration unit in '{s}' (use ms, s, m or h)"
            ))
        }
    };
    if !(secs.is_finite() && secs >= 0.0) {
        return Err(format!("invalid duration '{s}'"));
    }
    Ok(Duration::from_secs_f64(secs))
}

struct Job {
    pattern: String,
    opts: Options,
}

fn jobs(args: &Args) -> anyhow::Result<Vec<Job>> {
    if !args.common.stdin && args.input != "lines" {
        anyhow::bail!("--input {} needs --stdin", args.input);
    }
    if !matches!(args.input.as_str(), "lines" | "jsonl") {
        anyhow::bail!("unknown --input '{}' (expected lines or jsonl)", args.input);
    }
    let flavor: Flavor = args
        .common
        .flavor
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mode: Option<Mode> = match &args.mode {
        Some(m) => Some(m.parse().map_err(|e: String| anyhow::anyhow!(e))?),
        None => None,
    };
    let base = |flavor: Flavor, flags: &str, mode: Option<Mode>| {
        let mut o = Options::new()
            .flavor(flavor)
            .flags(flags)
            .timeout(args.timeout);
        if let Some(n) = args.max_length {
            o = o.max_length(n);
        }
        if let Some(m) = mode {
            o = o.mode(m);
        }
        o
    };
    let mut out: Vec<Job> = args
        .patterns
        .iter()
        .map(|p| Job {
            pattern: p.clone(),
            opts: base(flavor, &args.common.flags, mode),
        })
        .collect();
    if args.common.stdin {
        let stdin = io::stdin();
        for (i, line) in stdin.lock().lines().enumerate() {
            let line = line.context("reading standard input")?;
            let line = line.strip_suffix('\r').unwrap_or(&line).to_string();
            match args.input.as_str() {
                // Blank lines are skipped (an empty pattern can be passed as
                // an argument).
                "lines" if line.is_empty() => {}
                "lines" => out.push(Job {
                    pattern: line,
                    opts: base(flavor, &args.common.flags, mode),
                }),
                "jsonl" => {
                    if line.trim().is_empty() {
                        continue;
                    }
                    let v: serde_json::Value = serde_json::from_str(&line)
                        .with_context(|| format!("line {}: not a JSON object", i + 1))?;
                    let pattern = v["pattern"]
                        .as_str()
                        .with_context(|| format!("line {}: no \"pattern\" string", i + 1))?
                        .to_string();
                    let f = match v["flavor"].as_str() {
                        Some(f) => f
                            .parse()
                            .map_err(|e| anyhow::anyhow!("line {}: {e}", i + 1))?,
                        None => flavor,
                    };
                    let flags = v["flags"]
                        .as_str()
                        .unwrap_or(&args.common.flags)
                        .to_string();
                    let m = match v["mode"].as_str() {
                        Some(m) => Some(
                            m.parse()
                                .map_err(|e: String| anyhow::anyhow!("line {}: {e}", i + 1))?,
                        ),
                        None => mode,
                    };
                    out.push(Job {
                        pattern,
                        opts: base(f, &flags, m),
                    });
                }
                other => anyhow::bail!("unknown --input '{other}' (expected lines or jsonl)"),
            }
        }
    }
    if out.is_empty() {
        anyhow::bail!("no pattern given (pass PATTERN or --stdin)");
    }
    Ok(out)
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let jobs = jobs(args)?;
    let color = args.common.color.enabled();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut status = Status::Clean;
    for job in &jobs {
        let mut report = match check(&job.pattern, &job.opts) {
            Ok(r) => r,
            Err(e) => {
                status = status.max(Status::Error);
                if args.common.format == Format::Text {
                    // Errors go to stderr (the contract); stdout keeps the reports.
                    out.flush()?;
                    let err_color = args.common.color.enabled_for_stderr();
                    crate::render::error(
                        &mut io::stderr().lock(),
                        &job.pattern,
                        &job.opts,
                        &e,
                        err_color,
                    )?;
                    continue;
                }
                Report::from_error(&job.pattern, &job.opts, &e)
            }
        };
        if !args.verify.is_empty() && report.verdict != Verdict::Error {
            let mut v = redoscope::verify::VerifyOptions::new(job.opts.clone());
            v.engines = args.verify.iter().map(|s| s.trim().to_string()).collect();
            crate::verify_cmd::check_engines(&v.engines)?;
            if let Some(max) = args.max_length {
                v.max_length = max;
            }
            let deadline = std::time::Instant::now() + args.verify_timeout;
            let measured = redoscope::verify::run_engines(&report, &v, deadline)?;
            redoscope::verify::attach(&mut report, &measured);
        }
        if let Some(max) = args.max_length {
            crate::render::limit_attack(&mut report, max);
        }
        match report.verdict {
            Verdict::Vulnerable => status = status.max(Status::Findings),
            Verdict::Unknown if args.strict => status = status.max(Status::Findings),
            _ => {}
        }
        match args.common.format {
            Format::Json => {
                serde_json::to_writer(&mut out, &report).context("writing JSON")?;
                writeln!(out)?;
            }
            Format::Text => crate::render::report(&mut out, &report, color)?,
        }
    }
    out.flush()?;
    Ok(status)
}
