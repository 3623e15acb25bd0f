//! The fab runtime: the model IR it runs and the deterministic discrete-event engine.
//!
//! This crate knows no syntax: a program can build a [`model::Model`] in Rust and run it without
//! the language. It depends only on `fab-stdlib` for distributions and random streams.
//!
//! - [`model`]: the IR, plain data in SI units.
//! - [`engine`]: one replication, event by event ([`engine::simulate`]).
//! - [`experiment`]: replications in parallel, scenarios, paired comparison.
//! - [`results`]: the results document; [`report`] renders it as CSV and SVG.
//! - [`chart`]: SVG charts drawn by code (axes, histograms, lines, steps, scatter), for reports.
//! - [`optimize`]: `optimize` studies, a search by simulation with common random numbers.
//! - [`stats`] and [`bottleneck`]: the estimators the engine accumulates.
//! - [`uncertainty`]: input uncertainty, macro-replications over redrawn fitted inputs.

pub mod analysis;
pub mod bottleneck;
pub mod chart;
pub mod designed;
pub mod engine;
pub mod experiment;
pub mod factor;
pub mod json;
pub mod model;
pub mod optimize;
pub mod report;
pub mod results;
pub mod stats;
#[cfg(test)]
mod test_data;
pub mod time;
pub mod uncertainty;

pub use engine::{LoopCause, RunError, simulate, simulate_reporting, simulate_traced, wip_series};
pub use experiment::{Overrides, Study, compare};
pub use model::Model;
pub use results::Results;
