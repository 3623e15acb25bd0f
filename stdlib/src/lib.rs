//! The built-ins of the `.fab` language, each declared once: units and dimensions, value types,
//! distribution families, declaration kinds with their fields, maintenance strategies and feeds.
//!
//! The compiler's checker, its hover and completion, and the generated docs all read these tables;
//! nothing else may restate them. This crate depends on no other fab crate: it knows no syntax.
//!
//! Random streams (`random`), the sampling, distribution and quantile functions of every family
//! (`sample`) and normal variates (`ziggurat`) live here too, so the runtime and the tools draw the
//! same numbers. Maximum-likelihood fitting of the families to data, with standard errors and
//! goodness of fit (`fit`), is the core `fab fit`, the compiler's `fit(…)` and reliability share.
//!
//! Transcendental math goes through `libm` so results are bit-identical on every platform.

pub mod catalog;
pub mod dist;
pub mod fastexp;
pub mod fit;
pub mod library;
pub mod maintenance;
pub mod random;
pub mod sample;
pub mod special;
pub mod types;
pub mod units;
pub mod ziggurat;

/// Test support: source files generated from a definition and committed.
#[cfg(test)]
mod generated;
