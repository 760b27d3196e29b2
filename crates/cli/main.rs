//! The `redoscope` command line.

mod attack_cmd;
mod audit_cmd;
mod check_cmd;
mod parse_cmd;
mod plot;
mod render;
mod tree;
mod verify_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Can this regex be made to hang my service? A ReDoS analyzer and fuzzer.
#[derive(Parser, Debug)]
#[command(name = "redoscope", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand shares.
#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// The regex dialect: js, python, java, pcre, ruby, dotnet, rust, go
    /// (aliases: javascript, node, php, perl, re2, …).
    #[arg(long, default_value = "js")]
    pub flavor: String,
    /// Flags in the flavor's letters (e.g. `giu` for js, `imsx` for python).
    #[arg(long, default_value = "")]
    pub flags: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to use colors.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Read patterns from standard input, one per line.
    #[arg(long)]
    pub stdin: bool,
}

impl Common {
    /// The analysis options of a command that takes one pattern (`attack`,
    /// `verify`): flavor, flags and `mode`; `--stdin` is refused.
    pub fn one_pattern_options(
        &self,
        command: &str,
        mode: Option<&str>,
    ) -> anyhow::Result<redoscope::Options> {
        if self.stdin {
            anyhow::bail!("{command} takes one PATTERN argument, not --stdin");
        }
        let flavor: redoscope::Flavor = self.flavor.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut opts = redoscope::Options::new().flavor(flavor).flags(&self.flags);
        if let Some(m) = mode {
            let m: redoscope::Mode = m.parse().map_err(|e: String| anyhow::anyhow!(e))?;
            opts = opts.mode(m);
        }
        Ok(opts)
    }
}

/// Output formats.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON (one object per line when there are several patterns).
    Json,
}

/// Color choice.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Color when standard output is a terminal.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

impl Color {
    /// Whether to color output written to standard error.
    pub fn enabled_for_stderr(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// Whether to color output written to standard output.
    pub fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the parsed tree with byte spans, or the error with a caret.
    ///
    /// Exits 0 when every pattern is valid in its flavor, 2 when the
    /// flavor's engine would reject one.
    Parse(parse_cmd::Args),
    /// Analyze patterns: verdict, complexity, hotspot, attack, runtimes.
    ///
    /// Exits 0 when nothing is vulnerable, 1 when a pattern is (or, with
    /// --strict, undecided), 2 on an invalid pattern or input.
    Check(check_cmd::Args),
    /// Print an attack string: raw bytes (pipe it into a program), or with
    /// --format json its structure and its measured growth.
    ///
    /// The attack has been run on the reference matcher and confirmed.
    /// Exits 1 when an attack is printed (a vulnerable pattern), 0 when
    /// there is none (safe or undecided; the reason goes to stderr), 2 on
    /// an invalid pattern.
    Attack(attack_cmd::Args),
    /// Run the attack at growing lengths on real engines (the reference
    /// matcher, PCRE2, fancy-regex, node, python, java, perl, and the
    /// linear regex crates as controls), with bounded execution: a table,
    /// the fitted growth per engine, a chart, `--plot FILE.svg`.
    ///
    /// Exits 1 when an engine showed super-linear growth or went over its
    /// limit, 0 otherwise, 2 on an invalid pattern.
    Verify(verify_cmd::Args),
    /// Find every regex in source trees and check each unique pattern once:
    /// findings with file, line and column, in text, JSON, JSON Lines or
    /// SARIF.
    ///
    /// Walks the paths (respecting .gitignore), extracts the regexes of
    /// JS/TS, Python, Java, Go, Ruby, PHP, C# and Rust files with their
    /// flavor, flags and matching mode, and analyzes each unique one in
    /// parallel. Exits 1 when a vulnerable regex counts (see below), 0
    /// otherwise, 2 when the audit itself failed.
    Audit(audit_cmd::Args),
    /// Merge the JSON Lines outputs of `audit --shard I/N` runs into the
    /// report of one run (any --format). Exit status as for `audit`.
    Merge(audit_cmd::MergeArgs),
}

/// The outcome of a command: 0 nothing found, 1 findings, 2 an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Nothing vulnerable.
    Clean = 0,
    /// At least one vulnerable finding.
    Findings = 1,
    /// An error (bad pattern, bad flag, unreadable input).
    Error = 2,
}

fn main() -> ExitCode {
    // A child serving an in-process engine for `verify` exits here; in the
    // parent, PCRE2, fancy-regex and Oniguruma then run in such children.
    redoscope::verify::harness::engines::isolated::serve_if_worker();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::from(
                    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        2
                    } else {
                        0
                    },
                );
            }
            // Usage errors: one `redoscope: ` line (plus clap's hint), exit 2.
            let text = e.render().to_string();
            let text = text.trim_start_matches("error: ");
            let _ = write!(io::stderr(), "redoscope: {text}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Parse(args) => parse_cmd::run(&args),
        Command::Check(args) => check_cmd::run(&args),
        Command::Attack(args) => attack_cmd::run(&args),
        Command::Verify(args) => verify_cmd::run(&args),
        Command::Audit(args) => audit_cmd::run(&args),
        Command::Merge(args) => audit_cmd::run_merge(&args),
    };
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(err) => {
            // A closed pipe (`redoscope … | head`) is not an error.
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
                    || e.downcast_ref::<serde_json::Error>()
                        .is_some_and(|e| e.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
            });
            if broken_pipe {
                return ExitCode::from(0);
            }
            let _ = writeln!(io::stderr(), "redoscope: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Reads the patterns to work on: the arguments, or lines of stdin.
pub fn patterns(args: &[String], stdin: bool) -> anyhow::Result<Vec<String>> {
    if !stdin {
        if args.is_empty() {
            anyhow::bail!("no pattern given (pass PATTERN or --stdin)");
        }
        return Ok(args.to_vec());
    }
    let mut text = String::new();
    io::Read::read_to_string(&mut io::stdin(), &mut text)
        .map_err(|e| anyhow::anyhow!("cannot read standard input: {e}"))?;
    let mut out: Vec<String> = args.to_vec();
    for line in text.lines() {
        out.push(line.strip_suffix('\r').unwrap_or(line).to_string());
    }
    Ok(out)
}
