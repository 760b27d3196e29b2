//! The engines, by name.

pub mod fancy;
pub mod isolated;
pub mod linear;
#[cfg(feature = "onig")]
pub mod onig;
pub mod pcre2;
pub mod process;
pub mod reference;

use crate::Engine;

/// Every engine name `by_name` knows, in the order a table shows them.
pub const NAMES: &[&str] = &[
    "reference",
    "pcre2",
    "pcre2-jit",
    "fancy",
    #[cfg(feature = "onig")]
    "onig",
    "regex",
    "pikevm",
    "dfa",
    "node",
    "python",
    "java",
    "perl",
    "ruby",
    "php",
];

/// The engine called `name` (`reference`, `pcre2`, `node`, …). The
/// in-process backtracking engines (PCRE2, fancy-regex, Oniguruma) run in a
/// child process when the program serves them ([`isolated`]).
pub fn by_name(name: &str) -> Result<Box<dyn Engine>, String> {
    let canonical = match name {
        "pcre" => "pcre2",
        "pcre-jit" => "pcre2-jit",
        "fancy-regex" => "fancy",
        "oniguruma" => "onig",
        n => n,
    };
    if let Some(n) = isolated::Native::by_name(canonical) {
        let inner = in_process(canonical)?;
        if isolated::enabled() {
            return Ok(Box::new(isolated::Isolated::new(n, inner)));
        }
        return Ok(inner);
    }
    in_process(name)
}

/// The engine called `name`, in this process.
pub fn in_process(name: &str) -> Result<Box<dyn Engine>, String> {
    match name {
        "reference" | "ref" => Ok(Box::new(reference::Reference)),
        "pcre2" | "pcre" => Ok(Box::new(pcre2::Pcre2::interpreter())),
        "pcre2-jit" | "pcre-jit" => Ok(Box::new(pcre2::Pcre2::jit())),
        "fancy" | "fancy-regex" => Ok(Box::new(fancy::Fancy)),
        #[cfg(feature = "onig")]
        "onig" | "oniguruma" => Ok(Box::new(onig::Onig)),
        #[cfg(not(feature = "onig"))]
        "onig" | "oniguruma" => Err(
            "the onig engine is not built in (build redoscope-harness with the `onig` feature)"
                .into(),
        ),
        "regex" | "rust-regex" => Ok(Box::new(linear::Linear::regex())),
        "pikevm" => Ok(Box::new(linear::Linear::pikevm())),
        "dfa" | "lazy-dfa" | "hybrid" => Ok(Box::new(linear::Linear::dfa())),
        "node" | "nodejs" | "v8" => Ok(Box::new(process::Process::new(process::Runtime::Node))),
        "python" | "python3" => Ok(Box::new(process::Process::new(process::Runtime::Python))),
        "java" => Ok(Box::new(process::Process::new(process::Runtime::Java))),
        "perl" => Ok(Box::new(process::Process::new(process::Runtime::Perl))),
        "ruby" => Ok(Box::new(process::Process::new(process::Runtime::Ruby))),
        "php" => Ok(Box::new(process::Process::new(process::Runtime::Php))),
        _ => Err(format!(
            "unknown engine `{name}` (known: {})",
            NAMES.join(", ")
        )),
    }
}
