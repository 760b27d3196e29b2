use super::*;
use crate::ast::{self, AstKind, Greed};
use crate::{parse, Flags, Flavor, Pattern};

fn low(flavor: Flavor, flags: &str, pat: &str) -> Lowered {
    let p = parse(pat, flavor, flags).unwrap_or_else(|e| panic!("{flavor} /{pat}/{flags}: {e}"));
    lower(&p).unwrap_or_else(|e| panic!("{flavor} /{pat}/{flags}: {e}"))
}

fn ir(flavor: Flavor, flags: &str, pat: &str) -> Ir {
    low(flavor, flags, pat).ir
}

fn text(flavor: Flavor, flags: &str, pat: &str) -> String {
    ir(flavor, flags, pat).to_string()
}

fn set(ir: &Ir) -> &CharSet {
    match &ir.kind {
        IrKind::Class(s) => s,
        k => panic!("not a class: {k:?}"),
    }
}

fn class(flavor: Flavor, flags: &str, pat: &str) -> CharSet {
    set(&ir(flavor, flags, pat)).clone()
}

fn look(flavor: Flavor, flags: &str, pat: &str) -> Look {
    match ir(flavor, flags, pat).kind {
        IrKind::Look(l) => l,
        ref k => panic!("not a look: {k:?}"),
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

// ----- properties and constructors -----

#[test]
fn props_of_alt_star_c() {
    let ir = ir(Flavor::Js, "", "(a|b)*c");
    let p = ir.props;
    assert!(!p.nullable);
    assert_eq!(p.min_len, 1);
    assert_eq!(p.max_len, None);
    assert!(p.has_unbounded_repeat);
    assert!(p.has_capture);
    assert!(!p.has_backref && !p.has_lookaround && !p.has_atomic && !p.has_unsupported);
    assert_eq!(ir.to_string(), "(a|b)*c");
}

#[test]
fn props_bounded() {
    let p = ir(Flavor::Pcre, "", "a{2,5}(?:bc)?").props;
    assert_eq!((p.nullable, p.min_len, p.max_len), (false, 2, Some(7)));
    assert!(!p.has_unbounded_repeat && !p.has_capture);
    let p = ir(Flavor::Pcre, "", "(?=a)b?").props;
    assert_eq!((p.nullable, p.min_len, p.max_len), (true, 0, Some(1)));
    assert!(p.has_lookaround);
    let p = ir(Flavor::Pcre, "", "(a)\\1").props;
    assert!(p.has_backref);
    assert_eq!((p.min_len, p.max_len), (1, None));
    assert!(ir(Flavor::Pcre, "", "a++").props.has_atomic);
    assert!(ir(Flavor::Pcre, "", "(?>a)").props.has_atomic);
    assert!(ir(Flavor::Pcre, "", "a(?R)?").props.has_unsupported);
    // Saturating / overflowing lengths.
    let p = ir(Flavor::Pcre, "", "(?:a{65535}){65535}").props;
    assert_eq!(p.min_len, 65535 * 65535);
    let p = ir(Flavor::Java, "", "(?:a{100000}){100000}").props;
    assert_eq!(p.min_len, u32::MAX);
    assert_eq!(p.max_len, None);
}

#[test]
fn smart_constructors() {
    let s = Span::default();
    let c = Ir::concat(
        vec![
            Ir::empty(s),
            Ir::concat(vec![Ir::char('a', s), Ir::char('b', s)], s),
            Ir::char('c', s),
        ],
        s,
    );
    match &c.kind {
        IrKind::Concat(v) => assert_eq!(v.len(), 3),
        k => panic!("{k:?}"),
    }
    assert_eq!(
        Ir::concat(vec![Ir::empty(s), Ir::char('a', s)], s).to_string(),
        "a"
    );
    assert!(matches!(Ir::concat(vec![], s).kind, IrKind::Empty));
    let a = Ir::alt(
        vec![
            Ir::alt(vec![Ir::char('a', s), Ir::char('b', s)], s),
            Ir::empty(s),
        ],
        s,
    );
    assert_eq!(a.to_string(), "a|b|");
    assert!(a.props.nullable);
    let never = Ir::alt(vec![], s);
    assert!(set(&never).is_empty());
    assert_eq!(never.to_string(), "[]");
}

#[test]
fn printer() {
    assert_eq!(text(Flavor::Js, "", "[a-z]+"), "[a-z]+");
    assert_eq!(text(Flavor::Js, "", "(?:ab)*?c|d{2,}"), "(?:ab)*?c|d{2,}");
    assert_eq!(
        text(Flavor::Pcre, "", "(?<n>a|b)(?=x)(?<!y)\\1"),
        "(?<n>a|b)(?=x)(?<!y)\\1"
    );
    assert_eq!(text(Flavor::Pcre, "", "(?:a*)+"), "(?:a*)+");
    assert_eq!(text(Flavor::Pcre, "", "a{3}+"), "a{3}+");
    assert_eq!(text(Flavor::Python, "", "."), "[^\\n]");
    assert_eq!(text(Flavor::Python, "s", "."), "(?s:.)");
    assert_eq!(text(Flavor::Js, "", "[.*+]"), "[*+.]");
    assert_eq!(text(Flavor::Js, "", "\\.\\*"), "\\.\\*");
    assert_eq!(text(Flavor::Pcre, "i", "(a)\\1"), "([Aa])(?i:\\1)");
    assert_eq!(text(Flavor::Pcre, "", "(a)?(?(1)b|c)"), "(a)?(?(1)b|c)");
}

// ----- case folding -----

#[test]
fn ignore_case_kelvin() {
    let s = class(Flavor::Rust, "", "(?i)k");
    assert!(s.contains('k') && s.contains('K') && s.contains('\u{212A}'));
    assert_eq!(s.len(), 3);
    assert_eq!(text(Flavor::Rust, "", "(?i)k"), "[Kk\\u{212A}]");
    // JS without u: toUpperCase canonicalization never maps K to k.
    let s = class(Flavor::Js, "i", "k");
    assert!(s.contains('K') && !s.contains('\u{212A}'));
    let s = class(Flavor::Js, "iu", "k");
    assert!(s.contains('\u{212A}'));
    // Java without UNICODE_CASE folds only ASCII.
    let s = class(Flavor::Java, "i", "k");
    assert_eq!(s.len(), 2);
    assert_eq!(class(Flavor::Java, "i", "é").len(), 1);
    assert_eq!(class(Flavor::Java, "iu", "é").len(), 2);
    assert_eq!(class(Flavor::Java, "", "(?iu)é").len(), 2);
    // Python folds Unicode unless re.ASCII.
    assert_eq!(class(Flavor::Python, "i", "é").len(), 2);
    // Python and Java (UNICODE_CASE) also put İ and ı with i and I.
    let i4 = CharSet::from_ranges([('I', 'I'), ('i', 'i'), ('\u{130}', '\u{131}')]);
    assert_eq!(class(Flavor::Python, "i", "ı"), i4);
    assert_eq!(class(Flavor::Java, "iu", "i"), i4);
    assert_eq!(class(Flavor::Java, "i", "i").len(), 2);
    assert_eq!(class(Flavor::Rust, "i", "i").len(), 2);
    assert_eq!(class(Flavor::Js, "iu", "\\u0130").len(), 1);
    assert_eq!(class(Flavor::Python, "ia", "é").len(), 1);
    // PCRE folds Unicode only in UTF mode.
    assert_eq!(class(Flavor::Pcre, "i", "é").len(), 1);
    assert_eq!(class(Flavor::Pcre, "iu", "é").len(), 2);
}

#[test]
fn ignore_case_classes() {
    // Case folding applies before negation.
    let s = class(Flavor::Rust, "i", "[^k]");
    assert!(!s.contains('K') && !s.contains('\u{212A}') && s.contains('x'));
    // Rust folds properties; PCRE does not ("\p{Lu} always matches only
    // upper case letters").
    assert!(class(Flavor::Rust, "i", "\\p{Lu}").contains('a'));
    assert!(!class(Flavor::Pcre, "iu", "\\p{Lu}").contains('a'));
    assert!(!class(Flavor::Pcre, "i", "(*UTF)\\w").contains('\u{212A}'));
    assert!(class(Flavor::Go, "i", "\\w").contains('\u{212A}'));
    assert_eq!(class(Flavor::Pcre, "i", "[[:upper:]]").len(), 52);
    // Java: literals and ranges only, ranges by c, upper(c) or lower(c).
    assert!(!class(Flavor::Java, "iu", "\\w").contains('\u{212A}'));
    assert!(class(Flavor::Java, "iu", "[\\u212A]").contains('k'));
    assert!(!class(Flavor::Java, "iu", "[\\u212A-\\u212B]").contains('k'));
    assert!(class(Flavor::Java, "iu", "[a-z]").contains('\u{212A}'));
    let s = class(Flavor::Java, "iu", "[\\u0100-\\u02ff]");
    assert!(!s.contains('s') && !s.contains('i') && s.contains('\u{17F}'));
    // Java's case properties under CASE_INSENSITIVE.
    assert!(class(Flavor::Java, "i", "\\p{Lu}").contains('\u{138}'));
    assert!(!class(Flavor::Java, "iu", "\\p{Lu}").contains('\u{345}'));
    assert!(class(Flavor::Java, "i", "\\p{javaUpperCase}").contains('a'));
    assert_eq!(class(Flavor::Java, "i", "\\p{Upper}").len(), 52);
    let s = class(Flavor::Js, "iu", "[a-z]");
    assert!(s.contains('\u{17F}') && s.contains('\u{212A}') && s.contains('Q'));
    // A big class folds through the orbit path.
    let s = class(Flavor::Rust, "i", "[\\x{100}-\\x{10000}]");
    assert!(s.contains('k') && s.contains('S')); // from U+212A and U+017F
    assert!(!s.contains('a'));
}

#[test]
fn js_legacy_folding() {
    // ES Canonicalize without u/v: toUpperCase, never non-ASCII to ASCII.
    let f = |p: &str| class(Flavor::Js, "i", p);
    assert_eq!(f("é"), CharSet::from_ranges([('É', 'É'), ('é', 'é')]));
    assert_eq!(f("s").len(), 2);
    assert_eq!(f("\\u017F").len(), 1);
    assert_eq!(f("ß").len(), 1); // not ẞ (U+1E9E)
    assert!(!f("θ").contains('\u{3F4}') && f("θ").contains('\u{3D1}'));
    assert_eq!(f("σ").len(), 3); // σ ς Σ
    assert!(low(Flavor::Js, "i", "é").notes.is_empty());
    // Unicode mode: simple case folding.
    assert_eq!(class(Flavor::Js, "iu", "ß").len(), 2);
    assert_eq!(class(Flavor::Js, "iu", "s").len(), 3);
}

#[test]
fn serializes_to_json() {
    let l = low(Flavor::Pcre, "i", "(?<n>a|[b-d])+\\b(?=x)\\k<n>(?(1)y)");
    let v = serde_json::to_value(&l).unwrap();
    let s = v.to_string();
    assert!(s.contains("\"type\":\"capture\""), "{s}");
    assert!(s.contains("[[66,68],[98,100]]"), "{s}");
}

#[test]
fn folder_orbit_is_complete() {
    // Every character that simple case folding changes is in the orbit set,
    // so the fast path agrees with folding each character.
    let mut f = class::Folder;
    let all = CharSet::range('\0', '\u{1FFFF}');
    let fast = f.fold(all.as_class(), Folding::Simple);
    assert_eq!(CharSet::from_class(fast), all);
    for text in [r"\p{L}", r"[\x{100}-\x{2FFF}]", r"\p{Greek}", r"[^a-z]"] {
        let c = class::sets::rs(text).unwrap();
        let mut slow = c.clone();
        slow.case_fold_simple();
        let fast = f.fold(&c, Folding::Simple);
        assert_eq!(fast, slow, "{text}");
    }
}

#[test]
fn chars_equal_fast_paths_agree_with_folding_sets() {
    // `chars_equal` answers without building sets for ASCII pairs and JS
    // legacy folding; it must say what the folded sets say.
    let foldings = [
        Folding::Simple,
        Folding::SimpleDottedI,
        Folding::Ascii,
        Folding::JsLegacy,
    ];
    let probes: Vec<char> = (0u32..0x600)
        .chain(0x1E00..0x2200)
        .chain([0xA7AB, 0xFF21, 0xFF41, 0x10400, 0x10428])
        .filter_map(char::from_u32)
        .collect();
    for folding in foldings {
        for &a in &probes {
            let set = CharSet::char(a).case_fold(folding);
            // Every member of a's fold set, and every ASCII character.
            let mut others: Vec<char> = (0u8..0x80).map(char::from).collect();
            for r in set.as_class().ranges() {
                others.extend(r.start()..=r.end());
            }
            for b in others {
                assert_eq!(
                    folding.chars_equal(a, b),
                    set.contains(b),
                    "{folding:?}: {a:?} vs {b:?}"
                );
            }
        }
    }
    assert!(Folding::JsLegacy.chars_equal('k', 'K'));
    assert!(!Folding::JsLegacy.chars_equal('k', '\u{212A}'));
    assert!(Folding::Simple.chars_equal('k', '\u{212A}'));
    assert!(Folding::SimpleDottedI.chars_equal('i', '\u{130}'));
    assert!(!Folding::Ascii.chars_equal('\u{e9}', '\u{c9}'));
}

#[test]
fn backref_ignore_case_and_folding() {
    let ir = ir(Flavor::Java, "i", "(a)\\1");
    let IrKind::Concat(v) = &ir.kind else {
        panic!()
    };
    assert!(matches!(
        v[1].kind,
        IrKind::Backref {
            group: 1,
            ignore_case: true,
            folding: Folding::Ascii
        }
    ));
    assert!(Folding::Simple.chars_equal('k', '\u{212A}'));
    assert!(!Folding::Ascii.chars_equal('é', 'É'));
    assert!(!Folding::JsLegacy.chars_equal('s', '\u{17F}'));
    assert!(Folding::JsLegacy.chars_equal('é', 'É'));
    assert!(!Folding::JsLegacy.chars_equal('ß', '\u{1E9E}'));
}

// ----- dot and line terminators -----

#[test]
fn dot_per_flavor() {
    let js = class(Flavor::Js, "", ".");
    assert!(!js.contains('\u{2028}') && !js.contains('\r') && !js.contains('\n'));
    assert!(js.contains('\u{85}'));
    let py = class(Flavor::Python, "", ".");
    assert!(py.contains('\u{2028}') && py.contains('\r') && !py.contains('\n'));
    let java = class(Flavor::Java, "", ".");
    assert!(!java.contains('\u{85}') && !java.contains('\r'));
    let java_d = class(Flavor::Java, "d", ".");
    assert!(java_d.contains('\u{85}') && !java_d.contains('\n'));
    assert!(class(Flavor::Rust, "R", ".").contains('\u{85}'));
    assert!(!class(Flavor::Rust, "R", ".").contains('\r'));
    assert!(class(Flavor::Rust, "", ".").contains('\r'));
    assert!(class(Flavor::Js, "s", ".").is_any());
    assert!(class(Flavor::Ruby, "m", ".").is_any());
    assert!(class(Flavor::Pcre, "", "(?s).").is_any());
    assert!(class(Flavor::Pcre, "", "\\N").contains('\r'));
    assert!(!class(Flavor::Pcre, "", "\\N").contains('\n'));
}

#[test]
fn anchors_per_flavor() {
    use LineStartAtEnd as E;
    use Terminators as T;
    assert_eq!(
        look(Flavor::Python, "", "$"),
        Look::EndTextOptionalNewline { terminators: T::Lf }
    );
    assert_eq!(look(Flavor::Js, "", "$"), Look::EndText);
    assert_eq!(look(Flavor::Rust, "", "$"), Look::EndText);
    assert_eq!(look(Flavor::Go, "", "$"), Look::EndText);
    assert_eq!(look(Flavor::Pcre, "D", "$"), Look::EndText);
    assert_eq!(
        look(Flavor::Pcre, "", "$"),
        Look::EndTextOptionalNewline { terminators: T::Lf }
    );
    assert_eq!(
        look(Flavor::Dotnet, "", "$"),
        Look::EndTextOptionalNewline { terminators: T::Lf }
    );
    assert_eq!(
        look(Flavor::Java, "", "$"),
        Look::EndTextOptionalNewline {
            terminators: T::Java
        }
    );
    assert_eq!(
        look(Flavor::Java, "d", "$"),
        Look::EndTextOptionalNewline { terminators: T::Lf }
    );
    assert_eq!(look(Flavor::Js, "", "^"), Look::StartText);
    assert_eq!(
        look(Flavor::Js, "m", "^"),
        Look::StartLine {
            terminators: T::Js,
            at_end: E::Yes
        }
    );
    assert_eq!(
        look(Flavor::Js, "m", "$"),
        Look::EndLine { terminators: T::Js }
    );
    assert_eq!(
        look(Flavor::Pcre, "m", "^"),
        Look::StartLine {
            terminators: T::Lf,
            at_end: E::OnlyEmpty
        }
    );
    assert_eq!(
        look(Flavor::Java, "", "(?m)^"),
        Look::StartLine {
            terminators: T::Java,
            at_end: E::Never
        }
    );
    assert_eq!(
        look(Flavor::Rust, "", "(?Rm)$"),
        Look::EndLine {
            terminators: T::Crlf
        }
    );
    // Ruby: always line anchors.
    assert_eq!(
        look(Flavor::Ruby, "", "^"),
        Look::StartLine {
            terminators: T::Lf,
            at_end: E::OnlyEmpty
        }
    );
    assert_eq!(
        look(Flavor::Ruby, "", "$"),
        Look::EndLine { terminators: T::Lf }
    );
    assert_eq!(
        look(Flavor::Ruby, "", "\\Z"),
        Look::EndTextOptionalNewline { terminators: T::Lf }
    );
    assert_eq!(look(Flavor::Ruby, "", "\\z"), Look::EndText);
    assert_eq!(look(Flavor::Python, "", "\\Z"), Look::EndText);
    assert_eq!(look(Flavor::Pcre, "", "\\A"), Look::StartText);
    assert_eq!(look(Flavor::Pcre, "", "\\G"), Look::PrevMatchEnd);
    // JS sticky and PCRE anchored: an implicit \G.
    assert_eq!(text(Flavor::Js, "y", "a"), "\\Ga");
    assert_eq!(text(Flavor::Pcre, "A", "a|b"), "\\G(?:a|b)");
}

#[test]
fn look_semantics() {
    let w = WordSets::new();
    let at = |l: Look, s: &str| -> Vec<usize> {
        let t = chars(s);
        (0..=t.len()).filter(|&i| l.is_match(&t, i, &w)).collect()
    };
    let java_dollar = Look::EndTextOptionalNewline {
        terminators: Terminators::Java,
    };
    assert_eq!(at(java_dollar, "a\r\n"), vec![1, 3]);
    assert_eq!(at(java_dollar, "a\n"), vec![1, 2]);
    assert_eq!(at(java_dollar, "a\u{85}"), vec![1, 2]);
    let py_dollar = Look::EndTextOptionalNewline {
        terminators: Terminators::Lf,
    };
    assert_eq!(at(py_dollar, "a\r\n"), vec![2, 3]);
    assert_eq!(at(py_dollar, "a\n\n"), vec![2, 3]);
    let sl = |t, e| Look::StartLine {
        terminators: t,
        at_end: e,
    };
    assert_eq!(
        at(sl(Terminators::Lf, LineStartAtEnd::Yes), "a\nb\n"),
        vec![0, 2, 4]
    );
    assert_eq!(
        at(sl(Terminators::Lf, LineStartAtEnd::OnlyEmpty), "a\nb\n"),
        vec![0, 2]
    );
    assert_eq!(
        at(sl(Terminators::Lf, LineStartAtEnd::OnlyEmpty), ""),
        vec![0]
    );
    assert_eq!(
        at(sl(Terminators::Java, LineStartAtEnd::Never), ""),
        Vec::<usize>::new()
    );
    assert_eq!(
        at(sl(Terminators::Java, LineStartAtEnd::Never), "a\r\nb"),
        vec![0, 3]
    );
    assert_eq!(
        at(sl(Terminators::Js, LineStartAtEnd::Yes), "a\r\nb"),
        vec![0, 2, 3]
    );
    let el = |t| Look::EndLine { terminators: t };
    assert_eq!(at(el(Terminators::Js), "a\r\nb"), vec![1, 2, 4]);
    assert_eq!(at(el(Terminators::Crlf), "a\r\nb"), vec![1, 4]);
    let b = |word| Look::WordBoundary { word };
    assert_eq!(at(b(WordChars::Ascii), "ab é"), vec![0, 2]);
    assert_eq!(at(b(WordChars::Python), "ab é"), vec![0, 2, 3, 4]);
    assert_eq!(
        at(
            Look::NotWordBoundary {
                word: WordChars::Ascii
            },
            "ab"
        ),
        vec![1]
    );
    assert_eq!(
        at(
            Look::WordStart {
                word: WordChars::Ascii
            },
            "a b"
        ),
        vec![0, 2]
    );
    assert_eq!(
        at(
            Look::WordEnd {
                word: WordChars::Ascii
            },
            "a b"
        ),
        vec![1, 3]
    );
    assert_eq!(at(b(WordChars::JsIgnoreCase), "\u{17F}"), vec![0, 1]);
    assert_eq!(at(b(WordChars::Ascii), "\u{17F}"), Vec::<usize>::new());
    // Java 17: letters and digits, and marks that follow one.
    assert_eq!(at(b(WordChars::Java), "é a\u{301}"), vec![0, 1, 2, 4]);
    assert_eq!(at(b(WordChars::Java), " \u{301}"), Vec::<usize>::new());
    assert_eq!(at(b(WordChars::Java), "_\u{301}"), vec![0, 1]);
}

// ----- shorthands -----

#[test]
fn shorthands_per_flavor() {
    let arabic3 = '\u{663}';
    assert!(class(Flavor::Python, "", "\\d").contains(arabic3));
    assert!(!class(Flavor::Python, "a", "\\d").contains(arabic3));
    assert!(!class(Flavor::Python, "", "(?a)\\d").contains(arabic3));
    assert!(!class(Flavor::Js, "u", "\\d").contains(arabic3));
    assert!(!class(Flavor::Java, "", "\\d").contains(arabic3));
    assert!(class(Flavor::Java, "U", "\\d").contains(arabic3));
    assert!(class(Flavor::Java, "", "(?U)\\d").contains(arabic3));
    assert!(!class(Flavor::Pcre, "", "\\d").contains(arabic3));
    assert!(!class(Flavor::Ruby, "", "\\d").contains(arabic3));
    assert!(class(Flavor::Ruby, "", "(?u)\\d").contains(arabic3));
    assert!(class(Flavor::Dotnet, "", "\\d").contains(arabic3));
    assert!(!class(Flavor::Dotnet, "e", "\\d").contains(arabic3));
    assert!(class(Flavor::Rust, "", "\\d").contains(arabic3));
    assert!(!class(Flavor::Rust, "", "(?-u)\\d").contains(arabic3));
    assert!(!class(Flavor::Go, "", "\\d").contains(arabic3));

    // \s
    let js = class(Flavor::Js, "", "\\s");
    assert!(js.contains('\u{FEFF}') && js.contains('\u{2029}') && js.contains('\x0B'));
    assert!(!js.contains('\u{85}'));
    assert!(!class(Flavor::Go, "", "\\s").contains('\x0B'));
    assert!(class(Flavor::Python, "", "\\s").contains('\x1C'));
    assert!(!class(Flavor::Python, "", "\\s").contains('\u{FEFF}'));
    assert!(!class(Flavor::Java, "", "\\s").contains('\u{A0}'));
    assert!(class(Flavor::Dotnet, "", "\\s").contains('\u{A0}'));

    // \w
    assert!(class(Flavor::Python, "", "\\w").contains('é'));
    assert!(!class(Flavor::Python, "", "\\w").contains('\u{301}')); // combining acute: Mn
    assert!(class(Flavor::Rust, "", "\\w").contains('\u{301}'));
    assert!(!class(Flavor::Ruby, "", "\\w").contains('é'));
    assert!(!class(Flavor::Go, "", "\\w").contains('é'));
    assert!(class(Flavor::Dotnet, "", "\\w").contains('é'));
    assert_eq!(class(Flavor::Js, "", "\\w").len(), 63);

    // JS \w under iu: ſ and K by case folding.
    let w = class(Flavor::Js, "iu", "\\w");
    assert!(w.contains('\u{17F}') && w.contains('\u{212A}'));
    assert!(!class(Flavor::Js, "i", "\\w").contains('\u{17F}'));
    assert!(!class(Flavor::Js, "iu", "\\W").contains('\u{17F}'));
    assert!(class(Flavor::Js, "u", "\\W").contains('\u{17F}'));

    // \h \v (PCRE, Java), Ruby \h.
    assert!(class(Flavor::Pcre, "", "\\h").contains('\u{3000}'));
    assert!(class(Flavor::Java, "", "\\v").contains('\u{2028}'));
    assert_eq!(class(Flavor::Ruby, "", "\\h").len(), 22);
}

#[test]
fn pcre_u_flag_is_ucp() {
    // PHP's /u sets PCRE2_UCP as well as PCRE2_UTF.
    assert!(class(Flavor::Pcre, "u", "\\w").contains('é'));
    assert!(class(Flavor::Pcre, "", "(*UCP)\\w").contains('é'));
}

#[test]
fn word_boundaries() {
    let wb = |f, fl, p| look(f, fl, p).word_chars().unwrap();
    assert_eq!(wb(Flavor::Js, "", "\\b"), WordChars::Ascii);
    assert_eq!(wb(Flavor::Js, "iu", "\\b"), WordChars::JsIgnoreCase);
    assert_eq!(wb(Flavor::Python, "", "\\b"), WordChars::Python);
    assert_eq!(wb(Flavor::Python, "a", "\\B"), WordChars::Ascii);
    assert_eq!(wb(Flavor::Java, "", "\\b"), WordChars::Java);
    assert_eq!(wb(Flavor::Java, "U", "\\b"), WordChars::Unicode);
    assert_eq!(wb(Flavor::Ruby, "", "\\b"), WordChars::Ruby);
    assert_eq!(wb(Flavor::Ruby, "", "(?a)\\b"), WordChars::Ascii);
    assert_eq!(wb(Flavor::Dotnet, "", "\\b"), WordChars::Dotnet);
    assert_eq!(wb(Flavor::Rust, "", "\\b"), WordChars::Unicode);
    assert_eq!(wb(Flavor::Rust, "", "(?-u:\\b)"), WordChars::Ascii);
    assert_eq!(wb(Flavor::Go, "", "\\b"), WordChars::Ascii);
    assert!(matches!(
        look(Flavor::Rust, "", "\\b{start}"),
        Look::WordStart { .. }
    ));
}

// ----- properties and POSIX -----

#[test]
fn unicode_properties() {
    let greek = class(Flavor::Js, "u", "\\p{Script=Greek}");
    assert!(greek.contains('α') && !greek.contains('a'));
    assert!(class(Flavor::Pcre, "", "\\p{Greek}").contains('α'));
    assert!(!class(Flavor::Pcre, "", "\\P{Greek}").contains('α'));
    assert!(!class(Flavor::Pcre, "", "\\p{^Greek}").contains('α'));
    assert!(class(Flavor::Java, "", "\\p{IsGreek}").contains('α'));
    assert!(class(Flavor::Java, "", "\\p{Lu}").contains('A'));
    assert!(class(Flavor::Java, "", "\\p{IsLu}").contains('A'));
    assert!(class(Flavor::Java, "", "\\p{L}").contains('é'));
    assert!(class(Flavor::Java, "", "\\p{javaLowerCase}").contains('é'));
    assert!(class(Flavor::Java, "", "\\p{IsAlphabetic}").contains('é'));
    assert!(class(Flavor::Go, "", "\\pL").contains('é'));
    assert!(class(Flavor::Rust, "", "\\p{scx=Greek}").contains('α'));
    // Java POSIX-named classes: ASCII unless UNICODE_CHARACTER_CLASS.
    assert!(!class(Flavor::Java, "", "\\p{Alpha}").contains('é'));
    assert!(class(Flavor::Java, "U", "\\p{Alpha}").contains('é'));
    assert_eq!(class(Flavor::Java, "", "\\p{Punct}").len(), 32);
    // PCRE specials.
    assert!(class(Flavor::Pcre, "", "\\p{Xan}").contains('٣'));
    assert!(class(Flavor::Pcre, "", "\\p{L&}").contains('a'));
}

#[test]
fn blocks() {
    let l = low(Flavor::Java, "", "\\p{InGreek}");
    let s = set(&l.ir);
    assert_eq!(s, &CharSet::range('\u{370}', '\u{3FF}'));
    assert!(l.notes.is_empty());
    let l = low(Flavor::Dotnet, "", "\\p{IsBasicLatin}");
    assert_eq!(set(&l.ir), &CharSet::range('\0', '\x7F'));
    let l = low(Flavor::Java, "", "\\p{InRunic}");
    assert_eq!(set(&l.ir), &CharSet::range('\u{16A0}', '\u{16FF}'));
    let l = low(Flavor::Dotnet, "", "\\p{IsLatin-1Supplement}");
    assert_eq!(set(&l.ir), &CharSet::range('\u{80}', '\u{FF}'));
    assert!(l.notes.is_empty());
    // Unknown: any character.
    let mut p = parse("\\p{InGreek}", Flavor::Java, "").unwrap();
    let AstKind::Property(prop) = &mut p.ast.kind else {
        panic!()
    };
    prop.name = "InNoSuchBlockAtAll".into();
    let l = lower(&p).unwrap();
    assert!(set(&l.ir).is_any());
    assert_eq!(l.notes.len(), 1);
}

#[test]
fn unknown_property_is_any_with_note() {
    let mut p = parse("\\p{L}", Flavor::Pcre, "").unwrap();
    p.ast.kind = AstKind::Property(ast::Property {
        negated: true,
        name: "NoSuchThing".into(),
        value: None,
        spelling: ast::PropertySpelling::Braced,
    });
    let l = lower(&p).unwrap();
    assert!(set(&l.ir).is_any());
    assert_eq!(l.notes.len(), 1);
    assert!(l.notes[0].message.contains("NoSuchThing"));
}

#[test]
fn builtin_class_texts_translate() {
    use class::sets;
    let names = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];
    for n in names {
        for t in [
            sets::posix_ruby(n),
            sets::posix_pcre_ucp(n),
            sets::posix_java_unicode(n),
        ]
        .into_iter()
        .flatten()
        {
            assert!(sets::rs(t).is_some(), "{t}");
        }
        assert!(sets::posix_ascii(n).is_some(), "{n}");
    }
    for n in [
        "javalowercase",
        "javauppercase",
        "javawhitespace",
        "javamirrored",
        "javaalphabetic",
        "javadigit",
        "javaletter",
        "javaletterordigit",
        "javaideographic",
        "javatitlecase",
        "javaspacechar",
        "javaisocontrol",
        "javadefined",
        "javaidentifierignorable",
        "javajavaidentifierstart",
        "javajavaidentifierpart",
        "javaunicodeidentifierstart",
        "javaunicodeidentifierpart",
    ] {
        let t = sets::java_method(n).unwrap_or_else(|| panic!("{n}"));
        assert!(sets::rs(t).is_some(), "{t}");
    }
    let w = WordSets::new();
    assert!(w.is_word(WordChars::Dotnet, '\u{200D}'));
    // Every flavor's shorthands and POSIX classes, in both modes.
    for f in Flavor::ALL {
        for p in [r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", "."] {
            for fl in ["", "i"] {
                let _ = low(f, fl, p);
            }
        }
    }
    for (f, fl) in [
        (Flavor::Pcre, "u"),
        (Flavor::Ruby, ""),
        (Flavor::Java, "U"),
        (Flavor::Python, ""),
    ] {
        for p in [r"\d", r"\w", r"\s"] {
            let _ = low(f, fl, p);
        }
    }
    for n in names {
        let _ = low(Flavor::Pcre, "u", &format!("[[:{n}:]]"));
        let _ = low(Flavor::Ruby, "", &format!("[[:{n}:]]"));
    }
}

#[test]
fn posix_classes() {
    assert_eq!(class(Flavor::Pcre, "", "[[:alpha:]]").len(), 52);
    assert!(class(Flavor::Pcre, "u", "[[:alpha:]]").contains('é'));
    assert!(class(Flavor::Ruby, "", "[[:alpha:]]").contains('é'));
    assert!(!class(Flavor::Ruby, "", "(?a)[[:alpha:]]").contains('é'));
    assert!(!class(Flavor::Rust, "", "[[:alpha:]]").contains('é'));
    assert!(!class(Flavor::Go, "", "[[:^digit:]]").contains('5'));
    assert_eq!(class(Flavor::Go, "", "[[:punct:]]").len(), 32);
    assert!(class(Flavor::Ruby, "", "\\p{Alpha}").contains('é'));
}

// ----- bracketed classes -----

#[test]
fn class_set_operations() {
    let s = class(Flavor::Java, "", "[a-z&&[^aeiou]]");
    assert_eq!(s.len(), 21);
    assert!(!s.contains('a') && s.contains('b'));
    let s = class(Flavor::Js, "v", "[\\p{L}--[a-z]]");
    assert!(!s.contains('a') && s.contains('A') && s.contains('é'));
    let s = class(Flavor::Js, "v", "[[a-z]&&[^b]]");
    assert_eq!(s.len(), 25);
    let s = class(Flavor::Dotnet, "", "[a-z-[aeiou]]");
    assert_eq!(s.len(), 21);
    let s = class(Flavor::Rust, "", "[a-c~~b-d]");
    assert_eq!(s, CharSet::from_ranges([('a', 'a'), ('d', 'd')]));
    assert_eq!(class(Flavor::Ruby, "", "[a-z&&b-y&&c-x]").len(), 22);
    assert!(class(Flavor::Js, "", "[^]").is_any());
    assert!(class(Flavor::Js, "", "[]").is_empty());
    assert!(!class(Flavor::Js, "", "[^\\d\\s]").contains('5'));
}

#[test]
fn class_strings() {
    assert_eq!(text(Flavor::Js, "v", "[\\q{abc|d}x]"), "abc|[dx]");
    assert_eq!(text(Flavor::Js, "v", "[\\q{abc|de|}x]"), "abc|de|x|");
    assert_eq!(text(Flavor::Js, "v", "[\\q{ab|cd}--\\q{ab}]"), "cd");
    assert_eq!(text(Flavor::Js, "vi", "[\\q{ab}&&\\q{AB}]"), "[Aa][Bb]");
    let ir = ir(Flavor::Js, "v", "[\\p{RGI_Emoji}a]");
    assert!(ir.props.has_unsupported);
}

#[test]
fn lone_surrogates() {
    let l = low(Flavor::Js, "", "\\uD800");
    assert_eq!(set(&l.ir).single(), Some('\u{FFFD}'));
    assert_eq!(l.notes.len(), 1);
    let l = low(Flavor::Js, "", "[\\uD800-\\uDFFF]");
    assert_eq!(set(&l.ir).single(), Some('\u{FFFD}'));
    assert_eq!(l.notes.len(), 1);
    let l = low(Flavor::Js, "", "[\\uD000-\\uDBFF]");
    assert!(set(&l.ir).contains('\u{D000}') && set(&l.ir).contains('\u{FFFD}'));
}

// ----- flags -----

#[test]
fn inline_flag_scopes() {
    // Java/PCRE: (?i) lasts to the end of the group, across alternatives.
    assert_eq!(text(Flavor::Java, "", "(a(?i)b|c)d"), "(a[Bb]|[Cc])d");
    assert_eq!(text(Flavor::Pcre, "", "(a(?i)b|c)d"), "(a[Bb]|[Cc])d");
    assert_eq!(text(Flavor::Dotnet, "", "a(?i:b)c"), "a[Bb]c");
    assert_eq!(text(Flavor::Pcre, "i", "a(?-i)b"), "[Aa]b");
    assert_eq!(text(Flavor::Pcre, "i", "a(?^)b"), "[Aa]b");
    // Python: global flags apply to the whole pattern.
    // (CPython also folds one-character alternatives into one class.)
    assert_eq!(text(Flavor::Python, "", "(?i)a|b"), "[ABab]");
    assert_eq!(text(Flavor::Python, "", "(?i)ab|c"), "[Aa][Bb]|[Cc]");
    assert_eq!(text(Flavor::Python, "", "a(?i:b)c"), "a[Bb]c");
    // Ruby: (?i) takes the later alternatives into its scope.
    assert_eq!(text(Flavor::Ruby, "", "a(?i)b|c"), "a(?:[Bb]|[Cc])");
    assert_eq!(
        text(Flavor::Ruby, "", "x|a(?i)b|c|d"),
        "x|a(?:[Bb]|[Cc]|[Dd])"
    );
    assert_eq!(text(Flavor::Ruby, "", "(a(?i)b|c)d"), "(a(?:[Bb]|[Cc]))d");
    assert_eq!(
        text(Flavor::Ruby, "", "a(?i)b(?m)c|d.|e"),
        "a[Bb](?:[Cc]|[Dd](?s:.)|[Ee])"
    );
    assert_eq!(text(Flavor::Ruby, "", "a|(?i)b"), "a|[Bb]");
    assert_eq!(text(Flavor::Ruby, "", "(?i)a|b"), "[Aa]|[Bb]");
    // Ruby m is dot-all.
    assert!(class(Flavor::Ruby, "", "(?m:.)").is_any());
    // Multi-line inline.
    assert!(matches!(
        look(Flavor::Go, "", "(?m)^"),
        Look::StartLine { .. }
    ));
}

#[test]
fn ungreedy() {
    let g = |f, fl, p| match ir(f, fl, p).kind {
        IrKind::Repeat { greed, .. } => greed,
        ref k => panic!("{k:?}"),
    };
    assert_eq!(g(Flavor::Pcre, "U", "a+"), Greed::Lazy);
    assert_eq!(g(Flavor::Pcre, "U", "a+?"), Greed::Greedy);
    assert_eq!(g(Flavor::Pcre, "U", "a++"), Greed::Possessive);
    assert_eq!(g(Flavor::Go, "", "(?U)a*"), Greed::Lazy);
    assert_eq!(g(Flavor::Rust, "U", "a*"), Greed::Lazy);
    assert_eq!(g(Flavor::Js, "", "a*?"), Greed::Lazy);
}

// ----- backreferences and conditionals -----

#[test]
fn backrefs_resolved() {
    let br = |f, p| {
        let ir = ir(f, "", p);
        let IrKind::Concat(v) = &ir.kind else {
            panic!("{ir}")
        };
        match v.last().unwrap().kind {
            IrKind::Backref { group, .. } => group,
            ref k => panic!("{k:?}"),
        }
    };
    assert_eq!(br(Flavor::Js, "(?<x>a)(b)\\k<x>"), 1);
    assert_eq!(br(Flavor::Python, "(a)(?P<y>b)(?P=y)"), 2);
    assert_eq!(br(Flavor::Pcre, "(a)(b)\\g{-1}"), 2);
    assert_eq!(br(Flavor::Pcre, "(a)(b)\\g{-2}"), 1);
    assert_eq!(br(Flavor::Pcre, "(a)(b)\\g1"), 1);
    assert_eq!(br(Flavor::Ruby, "(a)(b)\\k<-1>"), 2);
}

#[test]
fn unknown_backref_is_an_error() {
    let mut p = parse("a", Flavor::Pcre, "").unwrap();
    p.ast.kind = AstKind::Backref(ast::Backref {
        target: ast::BackrefTarget::Name("nope".into()),
        spelling: ast::BackrefSpelling::KAngle,
    });
    let e = lower(&p).unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::InvalidBackreference);
    assert_eq!(e.span, p.ast.span);
    p.ast.kind = AstKind::Backref(ast::Backref {
        target: ast::BackrefTarget::Number(2),
        spelling: ast::BackrefSpelling::Digits,
    });
    assert!(lower(&p).is_err());
}

#[test]
fn conditionals() {
    let ir = ir(Flavor::Pcre, "", "(a)?(?(1)b|c)");
    let IrKind::Concat(v) = &ir.kind else {
        panic!()
    };
    assert!(matches!(
        &v[1].kind,
        IrKind::Conditional {
            cond: Cond::Group(1),
            ..
        }
    ));
    assert!(ir.props.has_backref);
    let ir = self::ir(Flavor::Pcre, "", "(?<n>a)?(?(<n>)b)");
    assert_eq!(ir.to_string(), "(?<n>a)?(?(1)b)");
    let ir = self::ir(Flavor::Pcre, "", "(?(?=a)ab|cd)");
    assert!(matches!(
        &ir.kind,
        IrKind::Conditional {
            cond: Cond::Look(_),
            ..
        }
    ));
    assert!(ir.props.has_lookaround);
    assert_eq!(ir.props.min_len, 2);
    let ir = self::ir(Flavor::Pcre, "", "(?(DEFINE)(?<x>a))b");
    assert_eq!(ir.to_string(), "(?(DEFINE)(?<x>a))b");
    assert!(!ir.props.has_unsupported);
    assert!(
        self::ir(Flavor::Pcre, "", "(?(R)a|b)")
            .props
            .has_unsupported
    );
}

// ----- specials -----

#[test]
fn specials() {
    assert_eq!(
        text(Flavor::Pcre, "", "\\R"),
        "(?>\\r\\n|[\\n-\\r\\u{85}\\u{2028}\\u{2029}])"
    );
    assert_eq!(
        text(Flavor::Java, "", "\\R"),
        "(?>\\r\\n|[\\n-\\r\\u{85}\\u{2028}\\u{2029}])"
    );
    assert_eq!(
        text(Flavor::Pcre, "", "(*BSR_ANYCRLF)\\R"),
        "(?>\\r\\n|[\\n\\r])"
    );
    for p in ["a\\Kb", "(?R)", "a(*SKIP)b", "\\X", "(?1)(a)", "a(?C1)"] {
        assert!(ir(Flavor::Pcre, "", p).props.has_unsupported, "{p}");
    }
    assert!(ir(Flavor::Ruby, "", "(?~abc)").props.has_unsupported);
    assert_eq!(text(Flavor::Pcre, "", "a(*FAIL)"), "a[]");
    assert_eq!(text(Flavor::Pcre, "", "a(*MARK:x)b"), "ab");
    let l = low(Flavor::Pcre, "", "(*CRLF)a");
    assert_eq!(l.notes.len(), 1);
}

// ----- scale -----

/// Runs `f` on a thread with a big stack (the parser and the AST's derived
/// traits recurse).
fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deep_nesting() {
    // Lowering runs on the (small) test thread; only parsing and dropping
    // the AST need a big stack.
    let n = 1000;
    for pat in [
        format!("{}a{}", "(".repeat(n), ")".repeat(n)),
        format!("{}a{}", "(?:".repeat(n), ")*".repeat(n)),
        format!("{}a{}", "[".repeat(n), "]".repeat(n)),
    ] {
        let p = big_stack(move || {
            let config = crate::Config::new().nest_limit(2 * n as u32);
            crate::parse_with(&pat, Flavor::Java, "", &config).unwrap()
        });
        let l = lower(&p).unwrap();
        assert!(!l.ir.to_string().is_empty());
        big_stack(move || drop(p));
        drop(l);
    }
}

#[test]
fn very_deep_hand_built_tree() {
    // A chain far deeper than any nest limit lowers, prints and drops
    // without recursion.
    let mut p = parse("a", Flavor::Java, "").unwrap();
    let lit = p.ast.clone();
    let mut ast = lit;
    for _ in 0..200_000 {
        ast = ast::Ast {
            span: Span::default(),
            kind: AstKind::Repetition(Box::new(ast::Repetition {
                op_span: Span::default(),
                op: ast::RepetitionOp::Exactly { n: 1 },
                greed: Greed::Greedy,
                ast,
            })),
        };
    }
    p.ast = ast;
    let l = lower(&p).unwrap();
    assert_eq!(l.ir.props.min_len, 1);
    assert!(l.ir.to_string().ends_with("{1}"));
    // Dismantle the AST without recursion (its Drop is recursive).
    let mut a = std::mem::replace(&mut p.ast.kind, AstKind::Empty);
    while let AstKind::Repetition(r) = a {
        a = r.ast.kind;
    }
}

#[test]
fn megabyte_patterns() {
    let big = "(?i)\\w+[^a-z]\\d.".repeat(70_000);
    assert!(big.len() > 1_000_000);
    let start = std::time::Instant::now();
    let l = low(Flavor::Pcre, "u", &big);
    assert!(l.ir.props.min_len >= 4 * 70_000);
    let big = format!("[{}]", "a-z\\w".repeat(200_000));
    let s = class(Flavor::Rust, "i", &big);
    assert!(s.contains('\u{212A}'));
    let big = "a|".repeat(500_000);
    let ir = ir(Flavor::Js, "", &big);
    assert!(ir.props.nullable);
    assert!(start.elapsed().as_secs() < 60);
}

#[test]
fn python_flags_are_global_pattern_flags() {
    let p = Pattern {
        pattern: String::new(),
        flavor: Flavor::Python,
        flags: Flags::default(),
        ast: ast::Ast {
            span: Span::default(),
            kind: AstKind::Empty,
        },
        captures: 0,
        names: vec![],
    };
    assert!(matches!(lower(&p).unwrap().ir.kind, IrKind::Empty));
}

/// CPython moves a first item common to every alternative in front, but
/// only a leaf item: groups and repeats hold a `SubPattern`, which never
/// compares equal; and the same text under other scoped flags is another
/// item. Found by tests/matcher_diff.rs (`\+(\d*) |\+(\d*)$` took group 2's
/// match as group 1's).
#[test]
fn python_common_prefix_is_leaf_items_only() {
    assert_eq!(text(Flavor::Python, "", "ab|ac"), "a[bc]");
    assert_eq!(text(Flavor::Python, "", "a$|a\\b"), "a(?:\\Z|\\b)");
    assert_eq!(text(Flavor::Python, "", "(a)b|(a)c"), "(a)b|(a)c");
    assert_eq!(text(Flavor::Python, "", "a*b|a*c"), "a*b|a*c");
    assert_eq!(text(Flavor::Python, "", "(?i:a)b|ac"), "[Aa]b|ac");
    assert_eq!(text(Flavor::Python, "", "(?:ab)c|(?:ab)d"), "ab[cd]");
}
