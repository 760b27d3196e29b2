//! Merging the JSON Lines outputs of `redoscope audit --shard i/n`: every
//! shard lists every occurrence, with verdicts only for its own patterns;
//! the merge takes each occurrence from the shard that analyzed it and
//! recounts, giving the report of one unsharded run (elapsed time: the
//! slowest shard's).

use crate::{summarize, Audit, FileError, Finding, Settings, Shard, Skipped, Summary};
use std::collections::BTreeSet;

struct Part {
    name: String,
    shard: Option<Shard>,
    findings: Vec<Finding>,
    errors: Vec<FileError>,
    skipped: Vec<Skipped>,
    summary: Option<Summary>,
}

fn parse(name: &str, text: &str) -> Result<Part, String> {
    let mut part = Part {
        name: name.to_string(),
        shard: None,
        findings: vec![],
        errors: vec![],
        skipped: vec![],
        summary: None,
    };
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let at = |e: String| format!("{name}:{}: {e}", i + 1);
        let v: serde_json::Value = serde_json::from_str(l).map_err(|e| at(e.to_string()))?;
        let data = v.get("data").cloned().unwrap_or_default();
        let de = |e: serde_json::Error| at(e.to_string());
        match v.get("type").and_then(|t| t.as_str()) {
            Some("begin") => {
                part.shard = serde_json::from_value(data.get("shard").cloned().unwrap_or_default())
                    .map_err(de)?
            }
            Some("finding") => part
                .findings
                .push(serde_json::from_value(data).map_err(de)?),
            Some("error") => part.errors.push(serde_json::from_value(data).map_err(de)?),
            Some("skipped") => part.skipped.push(serde_json::from_value(data).map_err(de)?),
            Some("summary") => part.summary = Some(serde_json::from_value(data).map_err(de)?),
            other => return Err(at(format!("unknown record type {other:?}"))),
        }
    }
    if part.summary.is_none() {
        return Err(format!("{name}: no summary record (an interrupted run?)"));
    }
    Ok(part)
}

/// Merges shard outputs (`(name, text)` pairs of JSON Lines), recounting
/// with `settings` (severity and strictness; baselines were applied by the
/// shards). Fails unless the inputs are exactly the shards `0/n … n-1/n`
/// of the same tree.
pub fn merge(inputs: &[(String, String)], settings: &Settings) -> Result<Audit, String> {
    let parts: Vec<Part> = inputs
        .iter()
        .map(|(n, t)| parse(n, t))
        .collect::<Result<_, _>>()?;
    let Some(first) = parts.first() else {
        return Err("nothing to merge".into());
    };
    let count = match first.shard {
        Some(s) => s.count,
        None if parts.len() == 1 => 1,
        None => {
            return Err(format!(
                "{}: not a shard's output (no shard in its begin record)",
                first.name
            ))
        }
    };
    let mut seen = BTreeSet::new();
    for p in &parts {
        let s = p.shard.unwrap_or(Shard { index: 0, count: 1 });
        if s.count != count {
            return Err(format!(
                "{}: shard {}/{} does not match {count} shards",
                p.name, s.index, s.count
            ));
        }
        if !seen.insert(s.index) {
            return Err(format!("{}: shard {}/{count} given twice", p.name, s.index));
        }
    }
    if let Some(missing) = (0..count).find(|i| !seen.contains(i)) {
        return Err(format!("shard {missing}/{count} is missing"));
    }
    let mut findings = first.findings.clone();
    for p in &parts[1..] {
        if p.findings.len() != findings.len() {
            return Err(format!(
                "{}: {} regexes, but {} has {} (shards of different trees?)",
                p.name,
                p.findings.len(),
                first.name,
                findings.len()
            ));
        }
        for (m, f) in findings.iter_mut().zip(&p.findings) {
            let same = (
                &m.file, m.line, m.column, &m.pattern, &m.flavor, &m.flags, &m.mode,
            ) == (
                &f.file, f.line, f.column, &f.pattern, &f.flavor, &f.flags, &f.mode,
            );
            if !same {
                return Err(format!(
                    "{}: {}:{}:{} does not match {} (shards of different trees?)",
                    p.name, f.file, f.line, f.column, first.name
                ));
            }
            if m.verdict.is_none() && f.verdict.is_some() {
                *m = f.clone();
            }
        }
    }
    if let Some(f) = findings.iter().find(|f| f.verdict.is_none()) {
        return Err(format!(
            "{}:{}:{}: no shard analyzed {:?}",
            f.file, f.line, f.column, f.pattern
        ));
    }
    for f in &mut findings {
        f.counts = crate::counts(f, settings);
    }
    let errors: Vec<FileError> = parts
        .iter()
        .flat_map(|p| p.errors.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let skipped: Vec<Skipped> = parts
        .iter()
        .flat_map(|p| p.skipped.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut summary = summarize(&findings, &errors, &skipped, settings);
    let sums = parts.iter().filter_map(|p| p.summary.as_ref());
    summary.files_scanned = sums.clone().map(|s| s.files_scanned).max().unwrap_or(0);
    summary.elapsed_ms = sums.clone().map(|s| s.elapsed_ms).max().unwrap_or(0);
    // Every shard walks every file; each analyzes its own patterns.
    summary.cache = sums
        .filter_map(|s| s.cache.clone())
        .reduce(|a, b| crate::CacheStats {
            files_cached: a.files_cached.max(b.files_cached),
            files_extracted: a.files_extracted.max(b.files_extracted),
            patterns_cached: a.patterns_cached + b.patterns_cached,
            patterns_analyzed: a.patterns_analyzed + b.patterns_analyzed,
        });
    Ok(Audit {
        findings,
        errors,
        skipped,
        summary,
        shard: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{assemble, emit, Analysis, Complexity, Key, Occurrence, Verdict};
    use std::collections::HashMap;

    fn occurrences() -> Vec<Occurrence> {
        (0..12)
            .map(|i| Occurrence {
                file: format!("f{}.js", i % 3),
                line: i + 1,
                column: 1,
                end_line: i + 1,
                end_column: 5,
                key: Key {
                    flavor: "js".into(),
                    flags: String::new(),
                    mode: "search".into(),
                    // Repeated patterns: each key occurs several times.
                    pattern: format!("(a{}+)+", i % 5),
                },
                api: "regex literal".into(),
                verbatim: true,
                linear_engine: false,
                suppressed: (i == 4).then(String::new),
            })
            .collect()
    }

    fn analyses(occ: &[Occurrence]) -> HashMap<Key, Analysis> {
        occ.iter()
            .map(|o| {
                let exp = o.key.pattern.contains('1') || o.key.pattern.contains('3');
                let a = Analysis {
                    verdict: if exp {
                        Verdict::Vulnerable
                    } else {
                        Verdict::Safe
                    },
                    complexity: Some(if exp {
                        Complexity::Exponential
                    } else {
                        Complexity::Linear
                    }),
                    backtracking: None,
                    hotspot: vec![],
                    attack: None,
                    fix: None,
                    reason: None,
                };
                (o.key.clone(), a)
            })
            .collect()
    }

    fn jsonl(a: &Audit) -> String {
        let mut out = vec![];
        emit::jsonl(&mut out, a, "0").unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn shards_merge_into_one_run() {
        let occ = occurrences();
        let all = analyses(&occ);
        let settings = Settings::default();
        let whole = assemble(occ.clone(), &all, vec![], vec![], 3, &settings, 7);
        for n in 1..4 {
            let inputs: Vec<(String, String)> = (0..n)
                .map(|i| {
                    let shard = Shard { index: i, count: n };
                    let own: HashMap<Key, Analysis> = all
                        .iter()
                        .filter(|(k, _)| shard.owns(k))
                        .map(|(k, a)| (k.clone(), a.clone()))
                        .collect();
                    let s = Settings {
                        shard: Some(shard),
                        ..Settings::default()
                    };
                    (
                        format!("s{i}"),
                        jsonl(&assemble(occ.clone(), &own, vec![], vec![], 3, &s, 7)),
                    )
                })
                .collect();
            let merged = merge(&inputs, &settings).unwrap();
            assert_eq!(merged, whole, "{n} shards");
            // Reversed order gives the same.
            let rev: Vec<_> = inputs.iter().rev().cloned().collect();
            assert_eq!(merge(&rev, &settings).unwrap(), whole);
            if n > 1 {
                let err = merge(&inputs[1..], &settings).unwrap_err();
                assert!(err.contains("shard 0/"), "{err}");
            }
        }
    }
}
