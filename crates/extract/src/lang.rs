//! Source languages and their tree-sitter grammars.

use serde::Serialize;
use std::path::Path;

/// A programming language whose source can be searched for regexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// JavaScript (`.js`, `.mjs`, `.cjs`, `.jsx`), JSX included.
    JavaScript,
    /// TypeScript (`.ts`, `.mts`, `.cts`).
    TypeScript,
    /// TypeScript with JSX (`.tsx`).
    Tsx,
    /// Python 3 (`.py`, `.pyi`).
    Python,
    /// Java (`.java`).
    Java,
    /// Go (`.go`).
    Go,
    /// Ruby (`.rb`).
    Ruby,
    /// PHP (`.php`), HTML around `<?php … ?>` included.
    Php,
    /// C# (`.cs`).
    CSharp,
    /// Rust (`.rs`).
    Rust,
}

impl Language {
    /// Every language, in a stable order.
    pub const ALL: [Language; 10] = [
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Python,
        Language::Java,
        Language::Go,
        Language::Ruby,
        Language::Php,
        Language::CSharp,
        Language::Rust,
    ];

    /// The language of a file, from its extension (case-sensitive, as
    /// written by the tools of each language). `None` for anything else.
    ///
    /// ```
    /// use redoscope_extract::Language;
    /// use std::path::Path;
    ///
    /// assert_eq!(Language::from_path(Path::new("src/app.mjs")), Some(Language::JavaScript));
    /// assert_eq!(Language::from_path(Path::new("View.tsx")), Some(Language::Tsx));
    /// assert_eq!(Language::from_path(Path::new("README.md")), None);
    /// ```
    pub fn from_path(p: &Path) -> Option<Language> {
        let ext = p.extension()?.to_str()?;
        Some(match ext {
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "py" | "pyi" => Language::Python,
            "java" => Language::Java,
            "go" => Language::Go,
            "rb" => Language::Ruby,
            "php" => Language::Php,
            "cs" => Language::CSharp,
            "rs" => Language::Rust,
            _ => return None,
        })
    }

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Python => "python",
            Language::Java => "java",
            Language::Go => "go",
            Language::Ruby => "ruby",
            Language::Php => "php",
            Language::CSharp => "csharp",
            Language::Rust => "rust",
        }
    }

    /// The tree-sitter grammar.
    pub(crate) fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Language::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Language::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
