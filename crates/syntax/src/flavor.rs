//! Regex flavors (dialects) and their flags.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The regex dialect a pattern is written in: the engine that will run it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// ECMAScript 2024 (`new RegExp` in V8 / Node.js), flags `dgimsuyv`.
    Js,
    /// Python 3.11+ `re`.
    Python,
    /// `java.util.regex` (Java 9+).
    Java,
    /// PCRE2 (PHP `preg_*`, close to Perl).
    Pcre,
    /// Ruby (Onigmo).
    Ruby,
    /// .NET `System.Text.RegularExpressions`.
    Dotnet,
    /// The Rust `regex` crate (linear engine).
    Rust,
    /// Go `regexp` / RE2 (linear engine).
    Go,
}

impl Flavor {
    /// Every flavor, in a stable order.
    pub const ALL: [Flavor; 8] = [
        Flavor::Js,
        Flavor::Python,
        Flavor::Java,
        Flavor::Pcre,
        Flavor::Ruby,
        Flavor::Dotnet,
        Flavor::Rust,
        Flavor::Go,
    ];

    /// The canonical name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Js => "js",
            Flavor::Python => "python",
            Flavor::Java => "java",
            Flavor::Pcre => "pcre",
            Flavor::Ruby => "ruby",
            Flavor::Dotnet => "dotnet",
            Flavor::Rust => "rust",
            Flavor::Go => "go",
        }
    }

    /// Whether the flavor's own engine guarantees linear-time matching.
    pub fn is_linear(self) -> bool {
        matches!(self, Flavor::Rust | Flavor::Go)
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error returned when a flavor name is not recognized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFlavor(pub String);

impl fmt::Display for UnknownFlavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown flavor '{}' (expected one of: js, python, java, pcre, ruby, dotnet, rust, go)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFlavor {}

impl FromStr for Flavor {
    type Err = UnknownFlavor;

    fn from_str(s: &str) -> Result<Flavor, UnknownFlavor> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "js" | "javascript" | "ecmascript" | "node" | "nodejs" | "v8" | "ts" | "typescript" => {
                Flavor::Js
            }
            "python" | "py" | "re" => Flavor::Python,
            "java" | "kotlin" | "scala" => Flavor::Java,
            "pcre" | "pcre2" | "php" | "perl" => Flavor::Pcre,
            "ruby" | "rb" | "onigmo" | "oniguruma" => Flavor::Ruby,
            "dotnet" | ".net" | "csharp" | "c#" | "cs" => Flavor::Dotnet,
            "rust" | "rs" | "regex" => Flavor::Rust,
            "go" | "golang" | "re2" => Flavor::Go,
            _ => return Err(UnknownFlavor(s.to_string())),
        })
    }
}
