//! The integration tests of the root package (the single test entry point).

mod agreement;
mod util;
