//! redoscope: can this regex be made to hang my service?
//!
//! This crate is the library face of the `redoscope` tool. Today it exposes
//! the flavor-aware parser and IR ([`syntax`]); the analyzer builds on it.

#![deny(missing_docs)]

pub use redoscope_syntax as syntax;
