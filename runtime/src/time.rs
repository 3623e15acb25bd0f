//! Simulation time: an integer count of nanoseconds.
//!
//! Integer time makes event order exact: two events scheduled for the same instant compare equal
//! on every platform, and no rounding drift accumulates over a simulated year (3.2·10¹⁶ ns fits a
//! `u64` 500 times over). Durations drawn from distributions are `f64` seconds and are rounded to
//! the nearest nanosecond once, when they are scheduled.

/// Nanoseconds per second.
pub const NS_PER_S: f64 = 1e9;

/// The latest representable instant; events beyond it are never scheduled.
pub const NEVER: u64 = u64::MAX;

/// Seconds (finite, clamped to ≥ 0) to nanoseconds, rounded to nearest.
#[inline]
pub fn ns(seconds: f64) -> u64 {
    let scaled = seconds * NS_PER_S;
    if scaled > 0.0 && scaled < (NEVER / 2) as f64 {
        // Round half up; `f64::round` is a library call on baseline x86-64. Below 2⁶³ the signed
        // conversion is exact and one instruction (the unsigned one is a branch and several).
        (scaled + 0.5) as i64 as u64
    } else if scaled > 0.0 {
        NEVER / 2
    } else {
        // Zero, negative or NaN.
        0
    }
}

/// Seconds to nanoseconds, rounded up: a conveyor never looks at a part before it got there. Clamped
/// as [`ns`] is: a span too long for the clock (a 2·10¹⁰ m belt, a speed of 10⁻³⁰⁰ m/s) becomes
/// `NEVER / 2`, which added to any instant before the horizon stays above it and cannot wrap.
pub fn ns_up(seconds: f64) -> u64 {
    let scaled = seconds * NS_PER_S;
    if seconds <= 0.0 || seconds.is_nan() {
        0
    } else if scaled < (NEVER / 2) as f64 {
        scaled.ceil() as u64
    } else {
        NEVER / 2
    }
}

/// The longest horizon a run may have, s: time is whole nanoseconds below `NEVER / 2`, about
/// 292 years. The checker refuses a longer horizon in a model, and the engine one from the CLI.
pub fn longest_run_s() -> f64 {
    secs(NEVER / 2)
}

/// What keeps a run of `horizon` s, after a warm-up of `warmup` s, from observing anything on the
/// clock, which counts whole nanoseconds: the one rule the checker (E0205) and the engine (for the
/// command line's numbers) both apply, each in its own words.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SpanProblem {
    /// The horizon rounds to no nanosecond (NaN included).
    NoHorizon,
    /// The horizon ends no later than the warm-up; `rounded`: in seconds it ends later, but the
    /// two round to the same nanosecond.
    WarmupNotShorter { rounded: bool },
}

/// The [`SpanProblem`] of a horizon and warm-up, if any.
pub fn span_problem(horizon: f64, warmup: f64) -> Option<SpanProblem> {
    let (end, start) = (ns(horizon), ns(warmup));
    if end == 0 {
        Some(SpanProblem::NoHorizon)
    } else if end <= start {
        Some(SpanProblem::WarmupNotShorter { rounded: horizon > warmup })
    } else {
        None
    }
}

/// Nanoseconds to seconds.
pub fn secs(ns: u64) -> f64 {
    ns as f64 / NS_PER_S
}
