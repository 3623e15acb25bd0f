//! Statistical engines for studies made of many simulation runs: warm-up detection, experimental
//! designs, sensitivity analysis, and selection of the best system.
//!
//! These modules know nothing of models or simulation. They take numbers (and, where they draw
//! random numbers, a [`fab_stdlib::random::Stream`]) and return numbers, so the experiment layer
//! can feed them simulation outputs and the tests can feed them functions with known answers.
//! The usual protocol is: ask a module for a *design* (the points of the factor space to run),
//! run one simulation per point, hand the outputs back in the same order, and read the estimates.
//!
//! - [`mser`]: the MSER-5 truncation rule for the warm-up period of a steady-state output.
//! - [`design`]: full factorial and Latin hypercube designs, factor levels and scaling from the
//!   unit cube to a factor's range, and a scrambled Sobol' low-discrepancy sequence.
//! - [`sensitivity`]: one-at-a-time swings (tornado charts), Morris elementary effects, and
//!   variance-based Sobol' indices from a Saltelli design with bootstrap confidence intervals.
//! - [`selection`]: Kim and Nelson's fully sequential procedure for selecting the best of `k`
//!   systems simulated with common random numbers.
//! - [`variance`]: the one-way random-effects decomposition of an output's variance into a part
//!   between groups (input uncertainty) and a part within them (stochastic noise).
//! - [`search`]: deterministic search for the best point of a noisy function evaluated in
//!   batches with common random numbers (grid refinement, compass search, Pareto fronts).
//!
//! Designs live in the unit cube `[0, 1]^k` (the random and quasi-random ones inside it, the
//! one-at-a-time and Morris grids on its faces too); [`design::scale`] maps a coordinate to a
//! factor's range (continuous or integer). Every random draw comes from the stream the caller
//! passes, in a documented order, so a seed gives the same design and the same confidence
//! intervals on every platform. Transcendental functions go through `libm`, as everywhere in the
//! runtime.

pub mod design;
pub mod mser;
pub mod search;
pub mod selection;
pub mod sensitivity;
pub mod variance;
