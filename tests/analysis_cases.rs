//! Data-driven analysis cases: `redoscope::check` against what backtracking
//! engines really do.
//!
//! Every `tests/cases/analysis/*.toml` holds `[[case]]` tables:
//!
//! ```toml
//! [[case]]
//! name = "nested-plus"            # unique across all files
//! pattern = '^(a+)+$'             # a TOML literal string: the pattern as written
//! flavor = "js"                   # default js
//! flags = ""                      # in the flavor's letters
//! mode = "search"                 # search | full | prefix; default: the flavor's (java: full)
//! verdict = "vulnerable"          # safe | vulnerable | unknown | error
//! complexity = "exponential"      # linear | polynomial | exponential (safe and vulnerable)
//! degree = 3                      # polynomial only
//! hotspot = [[1, 6]]              # optional: byte ranges, must equal the report's
//! needs_confirmation = false      # optional
//! backtracking = "exponential"    # optional, linear-engine flavors: Report::backtracking
//! backtracking_degree = 2         # with backtracking = "polynomial"
//! reason = "recursion"            # optional: substring of the reason (unknown) or error
//! note = "why"                    # provenance and explanation: note and/or see
//! see = "CVE-…, URL or dataset id"
//! measured = "node search: …"     # optional: the timing evidence
//! known_failure = "why"           # optional: an analyzer bug, reported but not failed
//! ```
//!
//! The expectations are what real engines do (measured, see `measured`), not
//! what the analyzer happens to say. A case that the analyzer gets wrong keeps
//! its correct expectation and gets `known_failure = "why"`: the run reports
//! it without failing, and fails if it starts passing, so that the list stays
//! honest.
//!
//! - [`case_files_are_well_formed`]: the files parse and are consistent.
//! - [`analysis_cases`]: runs every case (deadline [`TIMEOUT`]) and compares
//!   verdict, complexity and degree, hotspot, needs_confirmation,
//!   backtracking and reason. All failing cases are listed at once.
//! - [`attack_strings_are_consistent`]: for every vulnerable report, the
//!   attack string is the prefixes, the pumps repeated `repeat` times and the
//!   suffix, and the hotspot lies inside the pattern.
//!
//! `REDOSCOPE_TEST=nested,-python` selects cases by substring of
//! `file/name` (e.g. `polynomial/` or `ua-parser`); a leading `-` excludes.

use crate::util;
use redoscope::{check, Flavor, Growth, Mode, Options, Range, Report, Verdict};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The deadline of one analysis.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Where the case files are, relative to the package root.
const DIR: &str = "tests/cases/analysis";

/// One case file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    case: Vec<Case>,
}

/// One pattern and what the analysis must say about it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    pattern: String,
    #[serde(default = "default_flavor")]
    flavor: String,
    #[serde(default)]
    flags: String,
    mode: Option<String>,
    verdict: String,
    complexity: Option<String>,
    degree: Option<u32>,
    hotspot: Option<Vec<[usize; 2]>>,
    needs_confirmation: Option<bool>,
    backtracking: Option<String>,
    backtracking_degree: Option<u32>,
    reason: Option<String>,
    note: Option<String>,
    see: Option<String>,
    #[allow(dead_code)]
    measured: Option<String>,
    known_failure: Option<String>,
}

fn default_flavor() -> String {
    "js".to_string()
}

/// A case with where it comes from.
#[derive(Clone, Debug)]
struct Loaded {
    /// The file stem: `classics`, `polynomial`, ...
    file: String,
    case: Case,
}

impl Loaded {
    /// `file/name`, what `REDOSCOPE_TEST` matches against.
    fn id(&self) -> String {
        format!("{}/{}", self.file, self.case.name)
    }
}

/// What the analyzer said about one case.
enum Outcome {
    Report(Box<Report>),
    Rejected(redoscope::Error),
    Panicked(String),
}

/// Loads every `*.toml` of [`DIR`] (sorted by name). Panics with every
/// problem found: unreadable or malformed files, duplicate names, and
/// inconsistent expectations.
fn load_all() -> Vec<Loaded> {
    let dir = util::manifest_dir().join(DIR);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no case files in {}", dir.display());
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for path in &paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let file: CaseFile = match toml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{}: malformed: {e}", path.display()));
                continue;
            }
        };
        if file.case.is_empty() {
            problems.push(format!("{}: no [[case]] tables", path.display()));
        }
        for case in file.case {
            let at = format!("{stem}/{}", case.name);
            if let Some(first) = seen.insert(case.name.clone(), stem.clone()) {
                problems.push(format!("{at}: duplicate name (also in {first}.toml)"));
            }
            problems.extend(validate(&case).into_iter().map(|p| format!("{at}: {p}")));
            out.push(Loaded {
                file: stem.clone(),
                case,
            });
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) in {DIR}/*.toml:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    out
}

fn parse_growth(kind: &str, degree: Option<u32>) -> Result<Growth, String> {
    match (kind, degree) {
        ("linear", None) => Ok(Growth::Linear),
        ("exponential", None) => Ok(Growth::Exponential),
        ("polynomial", Some(d)) if d >= 2 => Ok(Growth::Polynomial { degree: d }),
        ("polynomial", Some(d)) => Err(format!("polynomial degree {d} is below 2")),
        ("polynomial", None) => Err("polynomial without a degree".into()),
        ("linear" | "exponential", Some(_)) => Err(format!("a degree with {kind}")),
        _ => Err(format!(
            "unknown complexity {kind:?} (linear, polynomial or exponential)"
        )),
    }
}

fn parse_verdict(v: &str) -> Result<Verdict, String> {
    match v {
        "safe" => Ok(Verdict::Safe),
        "vulnerable" => Ok(Verdict::Vulnerable),
        "unknown" => Ok(Verdict::Unknown),
        "error" => Ok(Verdict::Error),
        _ => Err(format!(
            "unknown verdict {v:?} (safe, vulnerable, unknown or error)"
        )),
    }
}

/// The expected growth of a case (after validation).
fn expected_growth(c: &Case) -> Option<Growth> {
    c.complexity
        .as_deref()
        .map(|k| parse_growth(k, c.degree).expect("validated"))
}

fn expected_backtracking(c: &Case) -> Option<Growth> {
    c.backtracking
        .as_deref()
        .map(|k| parse_growth(k, c.backtracking_degree).expect("validated"))
}

/// The problems of one case, as text.
fn validate(c: &Case) -> Vec<String> {
    let mut p = Vec::new();
    if c.name.trim().is_empty() || c.name.contains(char::is_whitespace) {
        p.push("the name must be non-empty without spaces".to_string());
    }
    if c.pattern.is_empty() {
        p.push("empty pattern".into());
    }
    if c.flavor.parse::<Flavor>().is_err() {
        p.push(format!("unknown flavor {:?}", c.flavor));
    }
    if let Some(m) = &c.mode {
        if !matches!(m.as_str(), "search" | "full" | "prefix") {
            p.push(format!("mode {m:?} is not search, full or prefix"));
        }
    }
    let verdict = match parse_verdict(&c.verdict) {
        Ok(v) => Some(v),
        Err(e) => {
            p.push(e);
            None
        }
    };
    let growth = match &c.complexity {
        Some(k) => match parse_growth(k, c.degree) {
            Ok(g) => Some(g),
            Err(e) => {
                p.push(e);
                None
            }
        },
        None => {
            if c.degree.is_some() {
                p.push("a degree without complexity".into());
            }
            None
        }
    };
    match (verdict, growth) {
        (Some(Verdict::Safe), g) if g != Some(Growth::Linear) => {
            p.push("a safe case has complexity = \"linear\"".into())
        }
        (Some(Verdict::Vulnerable), None | Some(Growth::Linear)) => p.push(
            "a vulnerable case has complexity = \"polynomial\" (with degree) or \"exponential\""
                .into(),
        ),
        (Some(Verdict::Unknown | Verdict::Error), Some(_)) => {
            p.push("unknown and error cases have no complexity".into())
        }
        _ => {}
    }
    match (&c.backtracking, c.backtracking_degree) {
        (Some(k), d) => match parse_growth(k, d) {
            Ok(Growth::Linear) => p.push("backtracking = \"linear\": leave it out".into()),
            Ok(_) => {
                if verdict != Some(Verdict::Safe) {
                    p.push("backtracking only goes with a safe verdict".into());
                }
            }
            Err(e) => p.push(format!("backtracking: {e}")),
        },
        (None, Some(_)) => p.push("backtracking_degree without backtracking".into()),
        (None, None) => {}
    }
    if let Some(hs) = &c.hotspot {
        for &[s, e] in hs {
            if s > e || e > c.pattern.len() {
                p.push(format!(
                    "hotspot [{s}, {e}] is not inside the pattern ({} bytes)",
                    c.pattern.len()
                ));
            } else if !c.pattern.is_char_boundary(s) || !c.pattern.is_char_boundary(e) {
                p.push(format!("hotspot [{s}, {e}] splits a character"));
            }
        }
        if hs.windows(2).any(|w| w[0] >= w[1]) {
            p.push("hotspot ranges must be sorted and distinct".into());
        }
    }
    if c.reason.as_deref().is_some_and(|r| r.trim().is_empty()) {
        p.push("empty reason".into());
    }
    if c.known_failure
        .as_deref()
        .is_some_and(|r| r.trim().is_empty())
    {
        p.push("empty known_failure: say why".into());
    }
    let provenance = [&c.note, &c.see, &c.measured]
        .iter()
        .any(|s| s.as_deref().is_some_and(|s| !s.trim().is_empty()));
    if !provenance
        && !matches!(
            verdict,
            Some(Verdict::Safe | Verdict::Error | Verdict::Unknown)
        )
    {
        p.push("a vulnerable case needs note, see or measured (provenance)".into());
    }
    p
}

/// Whether `$REDOSCOPE_TEST` selects this case.
fn selected(id: &str) -> bool {
    let Ok(spec) = std::env::var("REDOSCOPE_TEST") else {
        return true;
    };
    let mut includes = Vec::new();
    let mut excludes = Vec::new();
    for term in spec.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match term.strip_prefix('-') {
            Some(t) => excludes.push(t),
            None => includes.push(term),
        }
    }
    (includes.is_empty() || includes.iter().any(|t| id.contains(t)))
        && !excludes.iter().any(|t| id.contains(t))
}

fn options(c: &Case) -> Options {
    let flavor: Flavor = c.flavor.parse().expect("validated");
    let mut opts = Options::new()
        .flavor(flavor)
        .flags(&c.flags)
        .timeout(TIMEOUT);
    if let Some(m) = &c.mode {
        opts = opts.mode(m.parse::<Mode>().expect("validated"));
    }
    opts
}

/// Runs every selected case once (on two threads) and keeps the outcomes
/// for all the tests of this module.
fn outcomes() -> &'static [(Loaded, Outcome, Duration)] {
    static RESULTS: OnceLock<Vec<(Loaded, Outcome, Duration)>> = OnceLock::new();
    RESULTS.get_or_init(|| {
        let cases: Vec<Loaded> = load_all()
            .into_iter()
            .filter(|l| selected(&l.id()))
            .collect();
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<(Outcome, Duration)>>> =
            cases.iter().map(|_| Mutex::new(None)).collect();
        let workers = std::thread::available_parallelism()
            .map(|n| n.get().min(2))
            .unwrap_or(1);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(l) = cases.get(i) else { break };
                    let opts = options(&l.case);
                    let start = Instant::now();
                    let outcome = match panic::catch_unwind(AssertUnwindSafe(|| {
                        check(&l.case.pattern, &opts)
                    })) {
                        Ok(Ok(r)) => Outcome::Report(Box::new(r)),
                        Ok(Err(e)) => Outcome::Rejected(e),
                        Err(p) => Outcome::Panicked(
                            p.downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_else(|| "(non-string panic)".into()),
                        ),
                    };
                    *slots[i].lock().unwrap() = Some((outcome, start.elapsed()));
                });
            }
        });
        cases
            .into_iter()
            .zip(slots)
            .map(|(l, slot)| {
                let (o, t) = slot.into_inner().unwrap().expect("every case ran");
                (l, o, t)
            })
            .collect()
    })
}

fn show_growth(g: Option<Growth>) -> String {
    g.map_or("none".to_string(), |g| g.to_string())
}

fn show_ranges(r: &[Range]) -> String {
    let v: Vec<String> = r
        .iter()
        .map(|r| format!("[{}, {}]", r.start, r.end))
        .collect();
    format!("[{}]", v.join(", "))
}

/// The mismatches between a case and what the analyzer said (empty: pass).
fn mismatches(c: &Case, outcome: &Outcome) -> Vec<String> {
    let want_verdict = parse_verdict(&c.verdict).expect("validated");
    let mut m = Vec::new();
    let report = match outcome {
        Outcome::Panicked(msg) => return vec![format!("panicked: {msg}")],
        Outcome::Rejected(e) => {
            if want_verdict != Verdict::Error {
                m.push(format!(
                    "verdict: want {want_verdict}, got error ({} at {}..{})",
                    e.message, e.span.start, e.span.end
                ));
            } else if let Some(r) = &c.reason {
                if !e.message.contains(r.as_str()) {
                    m.push(format!("reason: want …{r}…, got {:?}", e.message));
                }
            }
            return m;
        }
        Outcome::Report(r) => r,
    };
    if report.verdict != want_verdict {
        m.push(format!(
            "verdict: want {want_verdict}, got {}",
            report.verdict
        ));
    }
    let want_growth = expected_growth(c);
    if want_growth.is_some() && report.complexity != want_growth {
        m.push(format!(
            "complexity: want {}, got {}",
            show_growth(want_growth),
            show_growth(report.complexity)
        ));
    }
    if let Some(want) = &c.hotspot {
        let got: Vec<[usize; 2]> = report.hotspot.iter().map(|r| [r.start, r.end]).collect();
        if &got != want {
            m.push(format!(
                "hotspot: want {want:?}, got {}",
                show_ranges(&report.hotspot)
            ));
        }
    }
    if let Some(want) = c.needs_confirmation {
        if report.needs_confirmation != want {
            m.push(format!(
                "needs_confirmation: want {want}, got {}",
                report.needs_confirmation
            ));
        }
    }
    let want_bt = expected_backtracking(c);
    if want_bt != report.backtracking
        && (want_bt.is_some() || c.flavor.parse::<Flavor>().is_ok_and(|f| f.is_linear()))
    {
        m.push(format!(
            "backtracking: want {}, got {}",
            show_growth(want_bt),
            show_growth(report.backtracking)
        ));
    }
    if let Some(r) = &c.reason {
        let got = report.reason.as_deref().unwrap_or("");
        if !got.contains(r.as_str()) {
            m.push(format!("reason: want …{r}…, got {got:?}"));
        }
    }
    m
}

/// One line describing what the analyzer said.
fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Panicked(msg) => format!("panic: {msg}"),
        Outcome::Rejected(e) => format!("error: {}", e.message),
        Outcome::Report(r) => {
            let mut s = format!("{} {}", r.verdict, show_growth(r.complexity));
            if !r.hotspot.is_empty() {
                let _ = write!(s, ", hotspot {}", show_ranges(&r.hotspot));
            }
            if r.needs_confirmation {
                s.push_str(", needs confirmation");
            }
            if let Some(a) = &r.attack {
                let pumps: Vec<String> = a
                    .pumps
                    .iter()
                    .map(|p| format!("{:?}+{:?}^n", p.prefix, p.pump))
                    .collect();
                let _ = write!(s, ", attack {} {:?}", pumps.join(" "), a.suffix);
            }
            if let Some(reason) = &r.reason {
                let _ = write!(s, ", reason: {reason}");
            }
            s
        }
    }
}

fn describe(l: &Loaded, outcome: &Outcome, problems: &[String]) -> String {
    let c = &l.case;
    let mut s = format!("{}  /{}/", l.id(), c.pattern);
    if !c.flags.is_empty() {
        s.push_str(&c.flags);
    }
    let _ = write!(s, " [{}", c.flavor);
    if let Some(m) = &c.mode {
        let _ = write!(s, ", {m}");
    }
    s.push(']');
    for p in problems {
        let _ = write!(s, "\n      {p}");
    }
    let _ = write!(s, "\n      analyzer: {}", summary(outcome));
    if let Some(why) = &c.known_failure {
        let _ = write!(s, "\n      known failure: {why}");
    }
    s
}

#[test]
fn case_files_are_well_formed() {
    let cases = load_all();
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &cases {
        *per_file.entry(&l.file).or_default() += 1;
    }
    println!(
        "{} analysis cases: {}",
        cases.len(),
        per_file
            .iter()
            .map(|(f, n)| format!("{f} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // The issue's classics are all there.
    let patterns: Vec<&str> = cases.iter().map(|l| l.case.pattern.as_str()).collect();
    for p in [
        r"^(a+)+$",
        r"(a|aa)+$",
        r"^(a|a?)+$",
        r"^(?:a|a)*$",
        r"^(\w+\s?)*$",
        r"a*a*a*b",
        r"\s*#?\s*$",
        r"^\s+|\s+$",
        r"\s+$",
        r"^\d+\d+$",
        r".*.*=.*",
        r"(.*a){12}",
        r"^(a|ab)*c$",
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        r"^(\+|-)?\d+(\.\d+)?$",
        r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$",
        r"^\s*(\S+(?:\s+\S+)*)\s*$",
    ] {
        assert!(patterns.contains(&p), "the classic {p} has no case");
    }
}

#[test]
fn analysis_cases() {
    let results = outcomes();
    let mut failed = Vec::new();
    let mut known = Vec::new();
    let mut fixed = Vec::new();
    let mut passed = 0;
    let mut slowest: Option<(&Loaded, Duration)> = None;
    for (l, outcome, took) in results {
        if slowest.is_none_or(|(_, t)| *took > t) {
            slowest = Some((l, *took));
        }
        let problems = mismatches(&l.case, outcome);
        match (problems.is_empty(), &l.case.known_failure) {
            (true, None) => passed += 1,
            (true, Some(_)) => fixed.push(describe(l, outcome, &[])),
            (false, None) => failed.push(describe(l, outcome, &problems)),
            (false, Some(_)) => known.push(describe(l, outcome, &problems)),
        }
    }
    println!(
        "{} cases: {passed} passed, {} failed, {} known failures, {} known failures now passing",
        results.len(),
        failed.len(),
        known.len(),
        fixed.len()
    );
    if let Some((l, t)) = slowest {
        println!("slowest: {} ({:.1} ms)", l.id(), t.as_secs_f64() * 1e3);
    }
    if !known.is_empty() {
        println!(
            "\nknown failures (analyzer bugs, see known_failure):\n  {}",
            known.join("\n  ")
        );
    }
    let mut msg = String::new();
    if !failed.is_empty() {
        let _ = write!(
            msg,
            "\n{} case(s) failed:\n  {}\n",
            failed.len(),
            failed.join("\n  ")
        );
    }
    if !fixed.is_empty() {
        let _ = write!(
            msg,
            "\n{} known failure(s) now pass: remove their known_failure line:\n  {}\n",
            fixed.len(),
            fixed.join("\n  ")
        );
    }
    assert!(msg.is_empty(), "{msg}");
}

#[test]
fn attack_strings_are_consistent() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (l, outcome, _) in outcomes() {
        let Outcome::Report(r) = outcome else {
            continue;
        };
        let at = l.id();
        for h in &r.hotspot {
            if h.start > h.end
                || h.end > r.pattern.len()
                || !r.pattern.is_char_boundary(h.start)
                || !r.pattern.is_char_boundary(h.end)
            {
                problems.push(format!(
                    "{at}: hotspot {}..{} is not a range of the pattern",
                    h.start, h.end
                ));
            }
        }
        match (&r.verdict, &r.attack) {
            (Verdict::Vulnerable, None) => {
                problems.push(format!("{at}: vulnerable without an attack"))
            }
            (Verdict::Vulnerable, Some(_)) if r.hotspot.is_empty() => {
                problems.push(format!("{at}: vulnerable without a hotspot"))
            }
            (Verdict::Unknown | Verdict::Error, Some(_)) => {
                problems.push(format!("{at}: {} with an attack", r.verdict))
            }
            _ => {}
        }
        let Some(a) = &r.attack else { continue };
        checked += 1;
        let mut want = String::new();
        for p in &a.pumps {
            want.push_str(&p.prefix);
            for _ in 0..a.repeat {
                want.push_str(&p.pump);
            }
        }
        want.push_str(&a.suffix);
        if a.string != want {
            problems.push(format!(
                "{at}: attack.string ({} chars) is not prefix + pump*{} ... + suffix ({} chars)",
                a.string.chars().count(),
                a.repeat,
                want.chars().count()
            ));
        }
        if a.with_repeat(a.repeat) != a.string {
            problems.push(format!(
                "{at}: Attack::with_repeat(repeat) differs from attack.string"
            ));
        }
        if a.pumps.is_empty() || a.pumps.iter().any(|p| p.pump.is_empty()) {
            problems.push(format!("{at}: an attack needs non-empty pumps"));
        }
        if a.repeat == 0 {
            problems.push(format!("{at}: attack.repeat is 0"));
        }
    }
    println!("{checked} attacks checked");
    assert!(
        problems.is_empty(),
        "{} attack problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
