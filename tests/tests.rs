//! The integration tests of the root package (the single test entry point).

mod agreement;
// Data-driven analysis cases (tests/cases/analysis/*.toml): verdict, growth, hotspot.
mod analysis_cases;
// The `redoscope` binary against INTERFACE.md: exit codes, stdin, JSON, snapshots.
mod cli;
// corpus/*.toml: real-world patterns with provenance, parsed and checked against `expected`.
mod corpus;
// The analyzer over the public corpora: verdict tables, recall, deadlines.
mod labelled;
// The reference matcher against node and python3 on generated inputs.
mod matcher_diff;
mod syntax_cases;
mod util;
// Hostile inputs: deep nesting, megabyte patterns, huge classes and counts.
mod stress;
