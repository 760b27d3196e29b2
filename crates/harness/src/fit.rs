//! Growth fitting (pure).
