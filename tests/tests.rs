//! The integration tests of the root package (the single test entry point).

mod agreement;
mod syntax_cases;
mod util;
// Hostile inputs: deep nesting, megabyte patterns, huge classes and counts.
mod stress;
