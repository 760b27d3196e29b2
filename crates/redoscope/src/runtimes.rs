//! Per-runtime verdicts: what each runtime does with the growth the analysis
//! found, from what each engine is known to do (and, with `--verify`, what
//! was measured on it).

use crate::Growth;
use redoscope_syntax::ir::{CharSet, Ir, IrKind};
use std::collections::BTreeMap;

/// What the pattern uses that changes a runtime's behaviour.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Backreferences.
    pub backref: bool,
    /// Lookahead or lookbehind.
    pub lookaround: bool,
    /// Atomic groups or possessive quantifiers.
    pub atomic: bool,
    /// The largest bound of a bounded repeat (`x{1000}`): linear engines
    /// expand them, which costs memory.
    pub largest_bound: u32,
    /// The last character every match must contain (PCRE2's "last
    /// required code unit", Perl's required substring): both look for it
    /// before backtracking, and fail at once on a text without it.
    pub required: Option<CharSet>,
    /// The pattern starts with a greedy `.*` (or `[\s\S]*`): V8 then tries
    /// a search at one start per line only (a failed attempt after `.*`
    /// fails at every later start too).
    pub leading_dot_star: bool,
    /// The pattern is searched (not matched at one start only): set by the
    /// caller from the matching mode.
    pub search: bool,
}

/// Whether `ir` starts with a greedy unbounded repeat of a class that
/// holds every character but line terminators (or every character).
fn starts_with_dot_star(ir: &Ir) -> bool {
    match &ir.kind {
        IrKind::Concat(items) => items.first().is_some_and(starts_with_dot_star),
        IrKind::Capture { sub, .. } => starts_with_dot_star(sub),
        IrKind::Repeat {
            min: 0,
            max: None,
            greed: redoscope_syntax::ast::Greed::Greedy,
            sub,
        } => {
            matches!(&sub.kind, IrKind::Class(c) if c.is_any() || (!c.contains('\n') && c.contains('a') && c.contains('\u{10FFFF}') && c.contains('\u{0}')))
        }
        _ => false,
    }
}

/// The last character a match of `ir` must contain, as the set of its
/// spellings (`b`, or `b`/`B` under case folding).
fn required_last(ir: &Ir) -> Option<CharSet> {
    match &ir.kind {
        IrKind::Class(c) if c.len_at_most(4) && !c.is_empty() => Some(c.clone()),
        IrKind::Concat(items) => items.iter().rev().find_map(required_last),
        IrKind::Capture { sub, .. } | IrKind::Atomic(sub) => required_last(sub),
        IrKind::Repeat { min, sub, .. } if *min >= 1 => required_last(sub),
        _ => None,
    }
}

impl Facts {
    /// The facts of a lowered pattern.
    pub fn of(ir: &Ir) -> Facts {
        let mut f = Facts {
            required: required_last(ir),
            leading_dot_star: starts_with_dot_star(ir),
            ..Facts::default()
        };
        let mut stack = vec![ir];
        while let Some(n) = stack.pop() {
            match &n.kind {
                IrKind::Backref { .. } => f.backref = true,
                IrKind::LookAround { .. } => f.lookaround = true,
                IrKind::Atomic(_) => f.atomic = true,
                IrKind::Repeat {
                    min, max, greed, ..
                } => {
                    f.largest_bound = f.largest_bound.max(max.unwrap_or(0)).max(*min);
                    if *greed == redoscope_syntax::ast::Greed::Possessive {
                        f.atomic = true;
                    }
                }
                _ => {}
            }
            stack.extend(n.children());
        }
        f
    }
}

/// The runtimes reported, in order.
pub const RUNTIMES: &[&str] = &[
    "node",
    "python",
    "java",
    "java8",
    "perl",
    "php",
    "dotnet",
    "dotnet-nonbacktracking",
    "ruby<3.2",
    "ruby>=3.2",
    "rust-regex",
    "go",
    "re2",
];

/// The expected growth on each runtime, and a note where the runtime does
/// something other than plain backtracking with this pattern and `attack`
/// (its text at some repeat count).
pub fn expected(
    g: Option<Growth>,
    f: &Facts,
    attack: Option<&str>,
) -> (
    BTreeMap<&'static str, String>,
    BTreeMap<&'static str, String>,
) {
    let mut m = BTreeMap::new();
    let mut notes = BTreeMap::new();
    let Some(g) = g else { return (m, notes) };
    let s = g.to_string();
    let super_linear = g != Growth::Linear;
    let needs_backtracking = f.backref || f.lookaround;
    for rt in ["node", "python", "java", "perl", "dotnet", "ruby<3.2"] {
        m.insert(rt, s.clone());
    }
    if super_linear {
        notes.insert(
            "node",
            "V8's Irregexp backtracks; its linear engine is used only with --enable-experimental-regexp-engine-on-excessive-backtracks (off by default) and never for backreferences or lookaround. One slow match blocks the event loop.".into(),
        );
        notes.insert(
            "java8",
            "java.util.regex of Java 8 backtracks without memoization".into(),
        );
    }
    m.insert("java8", s.clone());
    // Java 9+ memoizes greedy loops over groups when the pattern has no
    // backreference: measured on OpenJDK 17, `^(a+)+$` and `(\w+\s?)*$`
    // grow quadratically, `^(a|aa)+$` linearly (until a StackOverflowError
    // on long texts); polynomial findings (`\s+$`, `a*a*a*b`) keep their
    // degree.
    if g == Growth::Exponential && !f.backref {
        m.insert("java", "polynomial".into());
        notes.insert(
            "java",
            "Java 9+ memoizes greedy loops over groups: this exponential blow-up is at most polynomial there (quadratic for nested quantifiers, measured on OpenJDK 17), exponential on Java 8; long texts can still end in a StackOverflowError".into(),
        );
    } else if super_linear {
        notes.insert(
            "java",
            "java.util.regex backtracks (Java 9+ memoizes greedy group loops, which does not help here)".into(),
        );
    }
    // Perl's super-linear cache turns exponential CURLYX loops into at
    // most polynomial work (quadratic for `^(a+)+$`, linear for
    // `^(a|aa)+$`, measured on perl 5.36).
    if g == Growth::Exponential && !f.backref {
        m.insert("perl", "polynomial".into());
    }
    if super_linear {
        notes.insert(
            "perl",
            if g == Growth::Exponential && !f.backref {
                "Perl's super-linear cache for complex quantifiers ((…)* and (…)+) makes this exponential blow-up at most polynomial (quadratic for nested quantifiers, linear for overlapping alternatives, measured on perl 5.36)"
            } else {
                "Perl backtracks; its super-linear cache does not change polynomial growth"
            }
            .into(),
        );
        notes.insert(
            "dotnet",
            "System.Text.RegularExpressions backtracks with no match timeout by default (set matchTimeout, or use RegexOptions.NonBacktracking).".into(),
        );
    }
    // PHP: preg_* stop at pcre.backtrack_limit (1,000,000 by default) and
    // return false: a denial of the match, not a hang.
    m.insert(
        "php",
        if super_linear {
            "match-limit error".to_string()
        } else {
            s.clone()
        },
    );
    if super_linear {
        notes.insert(
            "php",
            format!("PCRE2 would be {s}; preg_match stops at pcre.backtrack_limit (1,000,000) and returns false (PREG_BACKTRACK_LIMIT_ERROR, or the JIT stack limit): the match is denied, not hung — each attack still costs up to the limit, and code that treats false as \"no match\" may misbehave"),
        );
    }
    // Ruby 3.2+ memoizes the backtracking matcher, except with
    // backreferences, lookaround and atomic groups.
    let memo_off = f.backref || f.lookaround || f.atomic;
    m.insert(
        "ruby>=3.2",
        if memo_off {
            s.clone()
        } else {
            "linear".to_string()
        },
    );
    if super_linear {
        notes.insert(
            "ruby>=3.2",
            if memo_off {
                "Ruby 3.2's memoization is off for patterns with backreferences, lookaround or atomic groups: it backtracks like Ruby < 3.2 (Regexp.timeout bounds it)".into()
            } else {
                "Ruby 3.2+ memoizes match positions (Onigmo cache): linear time, at a memory cost proportional to pattern × input".into()
            },
        );
    }
    // Linear engines.
    let linear = if needs_backtracking {
        "unsupported"
    } else {
        "linear"
    };
    for rt in ["rust-regex", "go", "re2", "dotnet-nonbacktracking"] {
        m.insert(rt, linear.to_string());
    }
    if needs_backtracking {
        let what = if f.backref {
            "backreferences"
        } else {
            "lookaround"
        };
        for rt in ["rust-regex", "go", "re2", "dotnet-nonbacktracking"] {
            notes.insert(rt, format!("rejects the pattern: no {what}"));
        }
    } else if f.largest_bound >= 1000 {
        for rt in ["rust-regex", "go", "re2", "dotnet-nonbacktracking"] {
            notes.insert(
                rt,
                format!("linear time, but the bounded repeat {{…{}}} is expanded: the compiled program is large (memory, compile time; may exceed the size limit)", f.largest_bound),
            );
        }
    }
    if f.atomic {
        notes.insert(
            "dotnet-nonbacktracking",
            "rejects atomic groups and possessive quantifiers".into(),
        );
        if !needs_backtracking {
            m.insert("dotnet-nonbacktracking", "unsupported".into());
        }
    }
    // V8 treats a search whose pattern starts with a greedy `.*` as
    // anchored at each line start: one degree less (measured on node 20:
    // `(.*)用名` and `.*(ё).*` are linear where the reference and PCRE2
    // are quadratic).
    if let (true, true, Growth::Polynomial { degree }) = (f.leading_dot_star, f.search, g) {
        m.insert(
            "node",
            if degree <= 2 {
                "linear".into()
            } else {
                Growth::Polynomial { degree: degree - 1 }.to_string()
            },
        );
        notes.insert(
            "node",
            "the pattern starts with `.*`: V8 tries it at one start per line (a failure there fails at every later start), one degree less than other backtracking engines when searched".into(),
        );
    }
    // PCRE2 and Perl look for a required character first: an attack
    // without it fails at once there (PCRE2's interpreter only for texts up
    // to 5,000 characters; its JIT, which PHP uses, at any length).
    if let (true, Some(req), Some(text)) = (super_linear, &f.required, attack) {
        if !text.chars().any(|c| req.contains(c)) {
            let c = req
                .single()
                .map_or_else(|| "its last literal".to_string(), |c| format!("`{c}`"));
            for rt in ["php", "perl"] {
                m.insert(rt, "linear".into());
                notes.insert(
                    rt,
                    format!("every match needs {c}, which the attack lacks: {} looks for it before backtracking and fails at once (measured: PCRE2 10.46 JIT at any length, its interpreter up to 5,000 characters; perl 5.36). An attack that contains {c} usually matches", if rt == "php" { "PCRE2" } else { "Perl" }),
                );
            }
        }
    }
    (m, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use redoscope_syntax::{lower, parse, Flavor};

    fn facts(p: &str) -> Facts {
        Facts::of(&lower(&parse(p, Flavor::Pcre, "").unwrap()).unwrap().ir)
    }

    #[test]
    fn facts_of_patterns() {
        assert_eq!(facts("^(a+)+$").largest_bound, 1);
        assert!(!facts("^(a+)+$").backref && !facts("^(a+)+$").lookaround);
        assert!(facts(r"(a+)\1").backref);
        assert!(facts(r"(?=a)a+").lookaround);
        assert!(facts(r"(?>a+)b").atomic && facts(r"a++b").atomic);
        assert_eq!(facts(r"a{2,5000}").largest_bound, 5000);
    }

    #[test]
    fn per_runtime() {
        let (m, n) = expected(Some(Growth::Exponential), &facts("^(a+)+$"), Some("aaa!"));
        assert_eq!(m["node"], "exponential");
        assert_eq!(m["ruby>=3.2"], "linear");
        assert_eq!(m["php"], "match-limit error");
        assert_eq!(m["rust-regex"], "linear");
        assert!(n["perl"].contains("super-linear cache"));
        assert_eq!(m["perl"], "polynomial");
        assert_eq!(m["java"], "polynomial");
        assert_eq!(m["java8"], "exponential");
        // A required character the attack lacks: PCRE2 and Perl fail fast.
        let (m, n) = expected(
            Some(Growth::Polynomial { degree: 4 }),
            &facts("a*a*a*b"),
            Some("aaaa"),
        );
        assert_eq!(m["php"], "linear");
        assert_eq!(m["perl"], "linear");
        assert_eq!(m["node"], "polynomial (degree 4)");
        assert!(n["php"].contains("`b`"));
        assert_eq!(
            facts("a*b(?=x)c*").required.and_then(|c| c.single()),
            Some('b')
        );
        assert_eq!(facts("a*(b|c)").required, None);
        // V8's anchoring of a leading `.*`.
        assert!(facts("(.*)x").leading_dot_star && facts(".*a.*").leading_dot_star);
        assert!(!facts("a.*").leading_dot_star && !facts(".*?a").leading_dot_star);
        let searched = Facts {
            search: true,
            ..facts(".*(x).*")
        };
        let (m, _) = expected(
            Some(Growth::Polynomial { degree: 2 }),
            &searched,
            Some("aaa"),
        );
        assert_eq!(m["node"], "linear");
        assert_eq!(m["python"], "polynomial (degree 2)");
        let (m, n) = expected(Some(Growth::Exponential), &facts(r"^(a+)+\1$"), None);
        assert_eq!(m["ruby>=3.2"], "exponential");
        assert_eq!(m["go"], "unsupported");
        assert!(n["re2"].contains("backreferences"));
        let (m, _) = expected(Some(Growth::Linear), &facts("^a+$"), None);
        assert_eq!(m["php"], "linear");
        assert_eq!(m["node"], "linear");
    }
}
