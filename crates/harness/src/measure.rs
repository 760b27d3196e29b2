//! Measuring an attack at growing lengths on one engine.
