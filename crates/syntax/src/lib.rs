//! Flavor-aware regex syntax for redoscope: parse a pattern in its own
//! dialect into an [`ast::Ast`] with byte spans, lower it into an analysis
//! [`ir`], and print either back as pattern text.
//!
//! This crate is pure: no I/O, no clocks, no global state.
//!
//! ```
//! use redoscope_syntax::{parse, Flavor};
//!
//! let p = parse(r"^(?<word>\w+)\s\k<word>$", Flavor::Js, "u")?;
//! assert_eq!(p.captures, 1);
//! assert!(parse("(a", Flavor::Python, "").is_err());
//! # Ok::<(), redoscope_syntax::Error>(())
//! ```

#![deny(missing_docs)]

pub mod ast;
pub mod error;
pub mod flags;
pub mod flavor;
pub mod ir;
mod parse;
pub mod print;
pub mod props;
mod props_java;
mod props_js;
mod remap;
mod rust;
pub mod span;

pub use error::{Error, ErrorKind};
pub use flags::Flags;
pub use flavor::Flavor;
pub use span::Span;

use serde::Serialize;

/// The default limit on group and class nesting.
pub const DEFAULT_NEST_LIMIT: u32 = 1000;

/// A parsed pattern: the tree plus what the parser learned about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pattern {
    /// The pattern text.
    pub pattern: String,
    /// The flavor it was read in.
    pub flavor: Flavor,
    /// The flags it is compiled with (from the flags argument, not inline flags).
    pub flags: Flags,
    /// The tree.
    pub ast: ast::Ast,
    /// The number of capture groups.
    pub captures: u32,
    /// Named groups and their numbers, in order of appearance.
    pub names: Vec<(String, u32)>,
}

/// Parser settings.
#[derive(Clone, Debug)]
pub struct Config {
    nest_limit: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            nest_limit: DEFAULT_NEST_LIMIT,
        }
    }
}

impl Config {
    /// The default configuration.
    pub fn new() -> Config {
        Config::default()
    }

    /// The deepest nesting of groups and classes accepted before the parser
    /// gives up with [`ErrorKind::NestLimitExceeded`]. Default:
    /// [`DEFAULT_NEST_LIMIT`]. This bounds the recursion of every later stage.
    pub fn nest_limit(mut self, limit: u32) -> Config {
        self.nest_limit = limit;
        self
    }

    /// See [`Config::nest_limit`].
    pub fn get_nest_limit(&self) -> u32 {
        self.nest_limit
    }
}

/// Parses `pattern` as `flavor` would, with `flags` in that flavor's letters.
///
/// Returns an [`Error`] exactly when the flavor's engine would reject the
/// pattern (with the flags), with a span and a message in the engine's words.
pub fn parse(pattern: &str, flavor: Flavor, flags: &str) -> Result<Pattern, Error> {
    parse_with(pattern, flavor, flags, &Config::default())
}

/// [`parse`] with explicit settings.
pub fn parse_with(
    pattern: &str,
    flavor: Flavor,
    flags: &str,
    config: &Config,
) -> Result<Pattern, Error> {
    let flags = Flags::parse(flavor, flags)?;
    parse::parse(pattern, flavor, flags, config)
}

/// Lowers a parsed pattern into the analysis [`ir`]: flags and flavor
/// spellings compiled away, with a note for every approximation.
///
/// Fails only when a backreference or condition names a group that does not
/// exist.
pub fn lower(p: &Pattern) -> Result<ir::Lowered, Error> {
    ir::lower(p)
}
