//! The formats of an audit: text (ruff-style lines and a summary), JSON
//! (one object), JSON Lines (the `{"type", "data"}` envelope) and SARIF
//! 2.1.0.

use crate::{Audit, Complexity, Finding, Verdict};
use serde_json::{json, Value};
use std::io::{self, Write};

/// Options of the text format.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// Color with ANSI escapes.
    pub color: bool,
    /// List safe regexes too.
    pub show_safe: bool,
    /// One header line per file, its findings indented under it (ruff's
    /// `grouped` layout), instead of `file:line:col:` on every line.
    pub grouped: bool,
}

fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// A JSON string literal of `s`, cut to about `max` characters.
fn quoted(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return serde_json::to_string(s).unwrap_or_default();
    }
    let cut: String = s.chars().take(max).collect();
    let q = serde_json::to_string(&cut).unwrap_or_default();
    format!("{}…\"", &q[..q.len() - 1])
}

/// `s` between backticks, control characters escaped, cut to about `max`
/// characters.
fn ticked(s: &str, max: usize) -> String {
    let mut o = String::from("`");
    for (i, c) in s.chars().enumerate() {
        if i == max {
            o.push('…');
            break;
        }
        match c {
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('`');
    o
}

/// The attack in a short form: `"prefix" + "pump"×n + "suffix"`.
pub fn attack_summary(attack: &Value) -> Option<String> {
    let repeat = attack.get("repeat")?.as_u64()?;
    let mut parts = vec![];
    for p in attack.get("pumps")?.as_array()? {
        let prefix = p.get("prefix").and_then(Value::as_str).unwrap_or("");
        if !prefix.is_empty() {
            parts.push(quoted(prefix, 40));
        }
        let pump = p.get("pump").and_then(Value::as_str).unwrap_or("");
        parts.push(format!("{}×{repeat}", quoted(pump, 40)));
    }
    let suffix = attack.get("suffix").and_then(Value::as_str).unwrap_or("");
    if !suffix.is_empty() {
        parts.push(quoted(suffix, 40));
    }
    Some(parts.join(" + "))
}

fn verdict_text(f: &Finding) -> String {
    match (f.verdict, f.complexity) {
        (Some(Verdict::Vulnerable), Some(c)) => format!("vulnerable {c}"),
        (Some(v), _) => v.to_string(),
        (None, _) => "not in this shard".into(),
    }
}

/// Whether the text format lists a finding.
fn listed(f: &Finding, show_safe: bool) -> bool {
    if f.suppressed.is_some() || f.baselined {
        return false;
    }
    match f.verdict {
        Some(Verdict::Vulnerable) => f.counts,
        Some(Verdict::Unknown | Verdict::Error) => true,
        Some(Verdict::Safe) => show_safe,
        None => false,
    }
}

/// Writes the text format: one line per listed finding or file problem,
/// sorted by file, line and column (each vulnerable finding followed by its
/// attack, others by their reason); then skipped files and a summary line.
pub fn text(out: &mut dyn Write, audit: &Audit, opts: TextOptions) -> io::Result<()> {
    let c = opts.color;
    // (file, line, column, place, first line, following lines): findings
    // first at equal positions. `place` is `:line:col` (empty for a
    // file-level problem).
    type Entry<'a> = (&'a str, u32, u32, String, String, String);
    let mut entries: Vec<Entry<'_>> = vec![];
    for f in audit.findings.iter().filter(|f| listed(f, opts.show_safe)) {
        let verdict = verdict_text(f);
        let verdict = match f.verdict {
            Some(Verdict::Vulnerable) => paint(c, "1;31", &verdict),
            Some(Verdict::Unknown) => paint(c, "1;33", &verdict),
            Some(Verdict::Error) => paint(c, "1;31", "invalid regex"),
            _ => paint(c, "1;32", &verdict),
        };
        let flags = if f.flags.is_empty() {
            String::new()
        } else {
            format!(", flags {}", f.flags)
        };
        let head = format!(
            "{verdict} {} ({}, {}{flags})",
            ticked(&f.pattern, 200),
            f.api,
            f.flavor,
        );
        let mut t = String::new();
        let attack = f
            .attack
            .as_ref()
            .filter(|_| f.verdict == Some(Verdict::Vulnerable))
            .and_then(attack_summary);
        if f.verdict == Some(Verdict::Vulnerable) {
            for h in &f.hotspot {
                let part = ticked(f.pattern.get(h.start..h.end).unwrap_or(""), 80);
                match (h.line, h.column) {
                    (Some(l), Some(col)) => t.push_str(&format!("hotspot: {part} at {l}:{col}\n")),
                    _ => t.push_str(&format!(
                        "hotspot: {part} (pattern bytes {}..{})\n",
                        h.start, h.end
                    )),
                }
            }
        }
        match (attack, &f.reason) {
            (Some(a), _) => t.push_str(&format!("attack: {a}\n")),
            (None, Some(r)) => t.push_str(&format!("reason: {r}\n")),
            (None, None) => {}
        }
        let place = format!(":{}:{}", f.line, f.column);
        entries.push((&f.file, f.line, f.column, place, head, t));
    }
    for e in &audit.errors {
        let place = match (e.line, e.column) {
            (Some(l), Some(col)) => format!(":{l}:{col}"),
            _ => String::new(),
        };
        let label = if e.is_warning() {
            paint(c, "1;33", "warning")
        } else {
            paint(c, "1;31", "error")
        };
        let head = format!("{label} ({}): {}", e.kind, e.message);
        entries.push((
            &e.file,
            e.line.unwrap_or(0),
            e.column.unwrap_or(0),
            place,
            head,
            String::new(),
        ));
    }
    entries.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let mut current: Option<&str> = None;
    for (file, _, _, place, head, rest) in entries {
        if opts.grouped {
            if current != Some(file) {
                writeln!(out, "{}:", paint(c, "1", file))?;
                current = Some(file);
            }
            let place = place.strip_prefix(':').unwrap_or("");
            let sep = if place.is_empty() { "" } else { ": " };
            writeln!(out, "  {place}{sep}{head}")?;
            for l in rest.lines() {
                writeln!(out, "    {l}")?;
            }
        } else {
            writeln!(out, "{}{place}: {head}", paint(c, "1", file))?;
            for l in rest.lines() {
                writeln!(out, "  {l}")?;
            }
        }
    }
    for s in &audit.skipped {
        let size = s.size.map(|n| format!(", {n} bytes")).unwrap_or_default();
        writeln!(
            out,
            "{}: skipped ({}{size})",
            paint(c, "1", &s.file),
            s.reason
        )?;
    }
    writeln!(out, "{}", summary_line(audit))
}

/// The summary line of the text format.
pub fn summary_line(audit: &Audit) -> String {
    let s = &audit.summary;
    let n = s.vulnerable.exponential + s.vulnerable.polynomial;
    let files = audit
        .findings
        .iter()
        .filter(|f| f.counts && f.verdict == Some(Verdict::Vulnerable))
        .map(|f| &f.file)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut line = if n == 0 {
        "No vulnerable regexes found".to_string()
    } else {
        format!(
            "Found {n} vulnerable regex{} ({} exponential, {} polynomial) in {files} file{}",
            if n == 1 { "" } else { "es" },
            s.vulnerable.exponential,
            s.vulnerable.polynomial,
            if files == 1 { "" } else { "s" },
        )
    };
    line.push_str(&format!(
        "; {} files scanned, {} regexes, {} unique patterns",
        s.files_scanned, s.regexes_found, s.unique_patterns
    ));
    if s.analyzed != s.unique_patterns {
        line.push_str(&format!(" ({} analyzed in this shard)", s.analyzed));
    }
    for (count, one, many) in [
        (s.unknown, "unknown", "unknown"),
        (s.errors, "error", "errors"),
        (s.warnings, "warning", "warnings"),
        (s.suppressed, "suppressed", "suppressed"),
        (s.baselined, "baselined", "baselined"),
        (s.below_threshold, "below threshold", "below threshold"),
        (s.skipped, "skipped file", "skipped files"),
    ] {
        if count > 0 {
            line.push_str(&format!(
                ", {count} {}",
                if count == 1 { one } else { many }
            ));
        }
    }
    match &s.cache {
        Some(c) if c.files_cached + c.patterns_cached > 0 => line.push_str(&format!(
            " ({} ms; from the cache: {} of {} files, {} of {} patterns).",
            s.elapsed_ms,
            c.files_cached,
            c.files_cached + c.files_extracted,
            c.patterns_cached,
            c.patterns_cached + c.patterns_analyzed
        )),
        _ => line.push_str(&format!(" ({} ms).", s.elapsed_ms)),
    }
    line
}

/// Writes the JSON format: one pretty-printed object.
pub fn json(out: &mut dyn Write, audit: &Audit) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, audit)?;
    writeln!(out)
}

fn line(out: &mut dyn Write, kind: &str, data: &impl serde::Serialize) -> io::Result<()> {
    // `type` first, as in ripgrep's envelope.
    write!(out, "{{\"type\":\"{kind}\",\"data\":")?;
    serde_json::to_writer(&mut *out, data)?;
    writeln!(out, "}}")
}

/// Writes the JSON Lines format: `begin` (version, shard), one `finding` per
/// extracted regex, one `error` per file problem, one `skipped` per skipped
/// file, and `summary`.
pub fn jsonl(out: &mut dyn Write, audit: &Audit, tool_version: &str) -> io::Result<()> {
    line(
        out,
        "begin",
        &json!({"tool": "redoscope", "version": tool_version, "shard": audit.shard}),
    )?;
    for f in &audit.findings {
        line(out, "finding", f)?;
    }
    for e in &audit.errors {
        line(out, "error", e)?;
    }
    for s in &audit.skipped {
        line(out, "skipped", s)?;
    }
    line(out, "summary", &audit.summary)
}

/// What to do about a finding of each rule (SARIF `help`, shown by code
/// scanning beside the alert).
const HELP: [&str; 4] = [
    "Rewrite the regex so that no input can be matched in two ways by the repeated part: make the alternatives or the nested quantifiers disjoint (e.g. `(a+)+` -> `a+`), or bound the input length before matching, or use a linear-time engine (RE2, Go, Rust `regex`, .NET `RegexOptions.NonBacktracking`, Ruby >= 3.2's memoization for patterns without backreferences). The attack in the message reproduces the blow-up: `redoscope check` and `redoscope verify` show it on each runtime.",
    "Rewrite the regex so that two adjacent quantified parts cannot match the same characters (e.g. `\\s*\\s+` or `.*x.*` over long inputs), anchor it where the API searches, or bound the input length before matching. The degree says how fast the time grows: at degree 2, an input twice as long takes four times as long. The attack in the message reproduces it.",
    "The analysis did not reach a verdict within its limits (see the message). Re-run `redoscope check` with a longer `--timeout`, or `redoscope verify` to measure the regex on the real engines.",
    "The pattern does not compile in its flavor: the engine throws when the code runs. Fix the pattern.",
];

/// The SARIF rules, by id: exponential, polynomial, unknown, invalid regex.
pub const RULES: [(&str, &str, &str, &str); 4] = [
    (
        "redos/exponential",
        "ExponentialBacktracking",
        "Regex with exponential backtracking (ReDoS)",
        "A backtracking engine takes time exponential in the input length on inputs that fail to match: a short input can hang the process.",
    ),
    (
        "redos/polynomial",
        "PolynomialBacktracking",
        "Regex with polynomial backtracking (ReDoS)",
        "A backtracking engine takes time polynomial (quadratic or worse) in the input length on inputs that fail to match: long inputs can hang the process.",
    ),
    (
        "redos/unknown",
        "UndecidedRegex",
        "Regex whose backtracking behaviour could not be decided",
        "The analysis ran out of time or steps, or met a construct it does not support; the regex may or may not be vulnerable.",
    ),
    (
        "redos/invalid-regex",
        "InvalidRegex",
        "Regex that its engine rejects",
        "The pattern is not valid in its flavor: the engine would throw when compiling it.",
    ),
];

fn uri(path: &str) -> String {
    let mut o = String::new();
    for c in path.chars() {
        match c {
            '\\' => o.push('/'),
            ' ' => o.push_str("%20"),
            '%' => o.push_str("%25"),
            '#' => o.push_str("%23"),
            '?' => o.push_str("%3F"),
            c => o.push(c),
        }
    }
    o
}

/// `ordinal`: how many earlier findings of the file have the same regex
/// (flavor, flags, mode, pattern).
fn sarif_result(f: &Finding, ordinal: usize, strict: bool, with_baseline: bool) -> Option<Value> {
    let (rule, level, what) = match (f.verdict?, f.complexity) {
        (Verdict::Vulnerable, Some(Complexity::Polynomial { .. }))
            if !f.counts && f.suppressed.is_none() && !f.baselined =>
        {
            return None
        }
        (Verdict::Vulnerable, Some(Complexity::Polynomial { degree })) => (
            "redos/polynomial",
            "error",
            format!("is vulnerable to polynomial backtracking (degree {degree})"),
        ),
        (Verdict::Vulnerable, _) if !f.counts && f.suppressed.is_none() && !f.baselined => {
            return None
        }
        (Verdict::Vulnerable, _) => (
            "redos/exponential",
            "error",
            "is vulnerable to exponential backtracking".to_string(),
        ),
        (Verdict::Unknown, _) => (
            "redos/unknown",
            if strict { "error" } else { "note" },
            format!(
                "could not be decided: {}",
                f.reason.as_deref().unwrap_or("no reason given")
            ),
        ),
        (Verdict::Error, _) => (
            "redos/invalid-regex",
            "warning",
            format!(
                "is not valid in its flavor: {}",
                f.reason.as_deref().unwrap_or("invalid")
            ),
        ),
        (Verdict::Safe, _) => return None,
    };
    let attack = f.attack.as_ref().and_then(attack_summary);
    let mut text = format!("{} regex {} {what}", f.flavor, ticked(&f.pattern, 200));
    if let Some(a) = &attack {
        text.push_str(&format!("; attack: {a}"));
    }
    let mut r = json!({
        "ruleId": rule,
        "ruleIndex": RULES.iter().position(|r| r.0 == rule).unwrap_or(0),
        "level": level,
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&f.file)},
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line,
                    "endColumn": f.end_column,
                }
            }
        }],
        "properties": {
            "pattern": f.pattern,
            "flavor": f.flavor,
            "flags": f.flags,
            "mode": f.mode,
            "api": f.api,
            "complexity": f.complexity.map(|c| c.to_string()),
            "attack": attack,
        }
    });
    // The hotspot, where it maps to source columns: code scanning shows
    // it beside the alert.
    let related: Vec<Value> = f
        .hotspot
        .iter()
        .filter_map(|h| Some((h.line?, h.column?, h.end_line?, h.end_column?, h)))
        .enumerate()
        .map(|(i, (line, column, end_line, end_column, h))| {
            json!({
                "id": i,
                "message": {"text": format!(
                    "hotspot: {} (its repetition makes the backtracking blow up)",
                    ticked(f.pattern.get(h.start..h.end).unwrap_or(""), 80)
                )},
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(&f.file)},
                    "region": {
                        "startLine": line,
                        "startColumn": column,
                        "endLine": end_line,
                        "endColumn": end_column,
                    }
                }
            })
        })
        .collect();
    if !related.is_empty() {
        r["relatedLocations"] = Value::Array(related);
    }
    // Stable across line moves: the same regex in the same file is the
    // same alert (the baseline matches the same way); a second copy of it
    // in the file is another alert.
    let nth = ordinal.to_string();
    let mut parts = vec![
        f.file.as_str(),
        f.flavor.as_str(),
        f.flags.as_str(),
        f.mode.as_str(),
        f.pattern.as_str(),
    ];
    if ordinal > 0 {
        parts.push(&nth);
    }
    r["partialFingerprints"] = json!({
        "redoscope/v1": format!("{:016x}", crate::fnv1a(&parts))
    });
    if let Some(reason) = &f.suppressed {
        r["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
    }
    if with_baseline {
        r["baselineState"] = json!(if f.baselined { "unchanged" } else { "new" });
    }
    Some(r)
}

/// The SARIF 2.1.0 log of an audit: one run, the four rules, a result per
/// vulnerable finding above the threshold (suppressed ones with an
/// in-source suppression, baselined ones `unchanged`), per undecided and
/// per invalid regex; file errors as tool notifications.
pub fn sarif_value(audit: &Audit, tool_version: &str, strict: bool, with_baseline: bool) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .zip(HELP)
        .map(|((id, name, short, full), help)| {
            json!({
                "id": id,
                "name": name,
                "shortDescription": {"text": short},
                "fullDescription": {"text": full},
                "help": {"text": help, "markdown": help},
                "defaultConfiguration": {"level": if id.ends_with("unknown") { "note" } else if id.ends_with("invalid-regex") { "warning" } else { "error" }},
            })
        })
        .collect();
    let results: Vec<Value> = audit
        .findings
        .iter()
        .scan(std::collections::HashMap::<_, usize>::new(), |seen, f| {
            let n = seen
                .entry((&f.file, &f.flavor, &f.flags, &f.mode, &f.pattern))
                .or_default();
            let ordinal = *n;
            *n += 1;
            Some(sarif_result(f, ordinal, strict, with_baseline))
        })
        .flatten()
        .collect();
    let notifications: Vec<Value> = audit
        .errors
        .iter()
        .map(|e| {
            let mut region = json!({});
            if let (Some(l), Some(c)) = (e.line, e.column) {
                region = json!({"startLine": l, "startColumn": c});
            }
            let mut loc = json!({"physicalLocation": {"artifactLocation": {"uri": uri(&e.file)}}});
            if region.as_object().is_some_and(|o| !o.is_empty()) {
                loc["physicalLocation"]["region"] = region;
            }
            json!({
                "level": if e.is_warning() { "warning" } else { "error" },
                "message": {"text": format!("{}: {}", e.kind, e.message)},
                "locations": [loc],
            })
        })
        .chain(audit.skipped.iter().map(|s| {
            json!({
                "level": "note",
                "message": {"text": format!("skipped ({})", s.reason)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&s.file)}}}],
            })
        }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "redoscope",
                "version": tool_version,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// Writes the SARIF format.
pub fn sarif(
    out: &mut dyn Write,
    audit: &Audit,
    tool_version: &str,
    strict: bool,
    with_baseline: bool,
) -> io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *out,
        &sarif_value(audit, tool_version, strict, with_baseline),
    )?;
    writeln!(out)
}
