//! The engines, by name.

pub mod reference;

use crate::Engine;

/// Every engine name `by_name` knows, in the order a table shows them.
pub const NAMES: &[&str] = &["reference"];

/// The engine called `name` (`reference`, `pcre2`, `node`, …).
pub fn by_name(name: &str) -> Result<Box<dyn Engine>, String> {
    match name {
        "reference" | "ref" => Ok(Box::new(reference::Reference)),
        _ => Err(format!(
            "unknown engine `{name}` (known: {})",
            NAMES.join(", ")
        )),
    }
}
