//! Input validation with redoscope: a service that lets users submit their
//! own search patterns (say, a log search box) and must not let one of them
//! hang a worker.
//!
//! ```text
//! cargo run --example validate -- '^(a+)+$' 'error|warn' '(\w+\s?)*$'
//! ```
//!
//! Each pattern is checked with a small deadline before it is compiled; the
//! service keeps the safe ones and tells the user why the others were
//! refused.

use redoscope::{check, Flavor, Options, Verdict};
use std::time::Duration;

/// The service's decision about a user's pattern.
#[derive(Debug)]
enum Decision {
    Accept,
    Reject(String),
}

fn validate(pattern: &str) -> Decision {
    // The patterns will run on a backtracking engine (V8 here), searched
    // over each log line. 20 ms is plenty for normal patterns; a pattern
    // the analyzer cannot decide in time is refused too.
    let opts = Options::new()
        .flavor(Flavor::Js)
        .timeout(Duration::from_millis(20));
    match check(pattern, &opts) {
        Err(e) => Decision::Reject(format!(
            "invalid pattern: {} (at byte {})",
            e.message, e.span.start
        )),
        Ok(r) => match r.verdict {
            Verdict::Safe => Decision::Accept,
            Verdict::Vulnerable => {
                let how = r.complexity.map(|c| c.to_string()).unwrap_or_default();
                let spans: Vec<String> = r
                    .hotspot
                    .iter()
                    .map(|h| pattern[h.start..h.end].to_string())
                    .collect();
                Decision::Reject(format!(
                    "{how} backtracking, caused by {}",
                    spans.join(" and ")
                ))
            }
            Verdict::Unknown | Verdict::Error => Decision::Reject(format!(
                "could not prove it safe: {}",
                r.reason.unwrap_or_default()
            )),
        },
    }
}

fn main() {
    let mut patterns: Vec<String> = std::env::args().skip(1).collect();
    if patterns.is_empty() {
        patterns = vec![
            "^(a+)+$".into(),
            r"error|warn(ing)?".into(),
            r"(\w+\s?)*$".into(),
            "(unclosed".into(),
        ];
    }
    for p in &patterns {
        match validate(p) {
            Decision::Accept => println!("accept  {p}"),
            Decision::Reject(why) => println!("reject  {p}  -- {why}"),
        }
    }
}
