//! The pooled public corpora (`$REDOSCOPE_CORPORA` or `../shared/corpora`)
//! for the benchmarks: deduplicated on (flavor, flags, pattern) across
//! datasets; flavor `unknown` is read as JS and PCRE flags are reduced to
//! `imsx` (the Snort sets carry Snort-only modifiers).

use redoscope::Flavor;
use std::path::PathBuf;

/// One distinct pattern.
pub struct Case {
    pub pattern: String,
    pub flavor: Flavor,
    pub flags: String,
    /// The dataset it was first seen in (read by `benches/attack.rs`).
    #[allow(dead_code)]
    pub dataset: String,
}

fn corpora_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("REDOSCOPE_CORPORA")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    dir.is_dir().then_some(dir)
}

/// Every distinct pattern of every dataset, in a stable order; empty (with a
/// message) when the corpora are absent.
pub fn load() -> Vec<Case> {
    let Some(dir) = corpora_dir() else {
        eprintln!("skipping: corpora not found (set REDOSCOPE_CORPORA or place ../shared/corpora)");
        return Vec::new();
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let Ok(text) = std::fs::read_to_string(e.path().join("data.jsonl")) else {
            continue;
        };
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let pattern = v["pattern"].as_str().unwrap_or_default().to_string();
            let flavor = v["flavor"]
                .as_str()
                .and_then(|f| f.parse().ok())
                .unwrap_or(Flavor::Js);
            let mut flags = v["flags"].as_str().unwrap_or_default().to_string();
            if flavor == Flavor::Pcre {
                flags.retain(|c| "imsx".contains(c));
            }
            if seen.insert((flavor, flags.clone(), pattern.clone())) {
                out.push(Case {
                    pattern,
                    flavor,
                    flags,
                    dataset: e.file_name().to_string_lossy().into_owned(),
                });
            }
        }
    }
    out
}
