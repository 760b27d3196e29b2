//! `redoscope parse`: the tree with spans, or the error with a caret.

use crate::{patterns, Common, Format, Status};
use anyhow::Context;
use redoscope::syntax::{self, Flavor};
use std::io::{self, Write};

/// Arguments of `redoscope parse`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The patterns to parse.
    pub patterns: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &Args) -> anyhow::Result<Status> {
    let flavor: Flavor = args
        .common
        .flavor
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let pats = patterns(&args.patterns, args.common.stdin)?;
    let color = args.common.color.enabled();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut status = Status::Clean;
    for pat in &pats {
        let res = syntax::parse(pat, flavor, &args.common.flags);
        if res.is_err() {
            status = Status::Error;
        }
        match args.common.format {
            Format::Json => {
                let v = match &res {
                    Ok(p) => serde_json::json!({
                        "pattern": pat, "flavor": flavor, "flags": args.common.flags,
                        "valid": true, "captures": p.captures, "names": p.names, "ast": p.ast,
                    }),
                    Err(e) => serde_json::json!({
                        "pattern": pat, "flavor": flavor, "flags": args.common.flags,
                        "valid": false, "error": e,
                    }),
                };
                serde_json::to_writer(&mut out, &v).context("writing JSON")?;
                writeln!(out)?;
            }
            Format::Text => match &res {
                Ok(p) => {
                    writeln!(
                        out,
                        "{pat}  ({flavor}, flags \"{}\", {} capture group{})",
                        args.common.flags,
                        p.captures,
                        if p.captures == 1 { "" } else { "s" }
                    )?;
                    write!(out, "{}", crate::tree::render(&p.ast, pat))?;
                }
                Err(e) => {
                    let (red, bold, reset) = if color {
                        ("\x1b[31;1m", "\x1b[1m", "\x1b[0m")
                    } else {
                        ("", "", "")
                    };
                    writeln!(
                        out,
                        "{red}error{reset}{bold}: {}{reset} ({flavor})",
                        e.message
                    )?;
                    let what = if e.kind == syntax::ErrorKind::InvalidFlag {
                        "flags"
                    } else {
                        "pattern"
                    };
                    writeln!(out, "  --> {what} bytes {}..{}", e.span.start, e.span.end)?;
                    for l in e.caret().lines() {
                        writeln!(out, "   | {red}{l}{reset}")?;
                    }
                }
            },
        }
    }
    out.flush()?;
    Ok(status)
}
