//! Maximum-likelihood estimates of the triangular and PERT laws, whose support's ends are
//! parameters.
//!
//! The parameters `min ≤ mode ≤ max` must hold every value: `min ≤ x₍₁₎`, `max ≥ x₍ₙ₎`, and, for a
//! variable that cannot be negative whose values are at or above 0, `min ≥ 0`. The maximum is
//! often on the edge of that region, so the edges are searched as well as the inside:
//!
//! - **`min = mode = x₍₁₎`** and **`mode = max = x₍ₙ₎`**: a value at an end has density 0 unless the
//!   mode is there too, so an end can reach the data only with the mode. These two edges are
//!   one-parameter problems (the other end), scanned on a logarithmic grid and refined by golden
//!   section. A law whose density is highest at its smallest value (waits, repair times) has its
//!   maximum on the first: the search inside only approaches it.
//! - **the inside**, by a simplex search over the ends written as `min = x₍₁₎ − fold(s·u₀)` and
//!   `max = x₍ₙ₎ + s·|u₁|`, where `fold` reflects the distance back and forth between 0 and the
//!   room above the floor (`x₍₁₎ − 0`, or unbounded): every `u` is valid, the objective has no flat
//!   region, and both `min = x₍₁₎` and `min = 0` are reached exactly. Held with `max(0, …)`
//!   instead, the objective was flat in `u₀` once the minimum reached 0, and a PERT fitted to
//!   durations whose smallest value was below 2 % of the spread stopped at `min = 0` with a log-
//!   likelihood 256 below the best law at or above 0.
//! - **the mode**: the triangular log-likelihood is convex in the mode between two neighbouring
//!   values (`−k ln(c − min) − (n − k) ln(max − c)` with `k` fixed), so for given ends its maximum is
//!   at one of the values; it is found exactly by one pass over the sorted values
//!   ([`triangular_best_mode`]), and the simplex searches the two ends only. A simplex over the
//!   mode too stopped on one of the kinks, up to 0.6 below the maximum on 30 values. The PERT
//!   likelihood is smooth in the mode, written `min + (max − min)·logistic(u₂)`, and searched with
//!   the ends, then polished by Newton steps.

use super::estimate::{Data, log_likelihood};
use super::family::Family;
use super::optimize::{golden_section, nelder_mead, polish};

/// The triangular or PERT maximum-likelihood parameters `[min, mode, max]` of a complete sample,
/// with `min` held at 0 or above when `non_negative` and the values allow it.
pub(crate) fn bounded_with_mode(
    family: Family,
    data: Data,
    non_negative: bool,
) -> Result<Vec<f64>, String> {
    // A sample keeps its failures in ascending order.
    let values = data.failures;
    debug_assert!(values.is_sorted(), "failures in ascending order");
    let (Some(&low), Some(&high)) = (values.first(), values.last()) else {
        return Err("there are no values".to_string());
    };
    let spread = high - low;
    if spread.is_nan() || spread <= 0.0 {
        return Err("the values do not vary".to_string());
    }
    let floor = if non_negative && low >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
    // How far below the smallest value the minimum may go.
    let room = low - floor;
    let value_of = |p: &[f64]| log_likelihood(family, p, data);
    let mut candidates: Vec<Vec<f64>> = Vec::new();

    // The edge min = mode = x₍₁₎: only the maximum, x₍ₙ₎ + g, is free.
    let (gap, _) =
        line_maximum(&|g| value_of(&[low, low, high + g]), (1e-9 * spread, 1e3 * spread));
    candidates.push(vec![low, low, high + gap]);
    if room > 0.0 {
        // The edge mode = max = x₍ₙ₎: only the minimum, x₍₁₎ − g, is free, down to the floor.
        let below = |g: f64| (low - g).max(floor);
        let (gap, _) = line_maximum(
            &|g| value_of(&[below(g), high, high]),
            (1e-9 * spread, room.min(1e3 * spread)),
        );
        candidates.push(vec![below(gap), high, high]);
        candidates.extend(inside(family, values, data, (low, high), floor));
    }

    let best = candidates
        .into_iter()
        .map(|p| (value_of(&p), p))
        .filter(|(value, _)| value.is_finite())
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, p)) => Ok(onto_the_data_s_ends(family, p, data, (low, high))),
        None => Err("the likelihood has no finite maximum".to_string()),
    }
}

/// The best laws the simplex finds with `min < x₍₁₎` and `max > x₍ₙ₎`, one per start.
fn inside(
    family: Family,
    sorted: &[f64],
    data: Data,
    (low, high): (f64, f64),
    floor: f64,
) -> Vec<Vec<f64>> {
    let spread = high - low;
    let room = low - floor;
    let ends = |u: &[f64]| -> (f64, f64) {
        ((low - fold(spread * u[0], room)).max(floor), high + spread * u[1].abs())
    };
    // Starting distances of the ends from the data, as shares of the spread: close, and far.
    let near = 0.02f64.min(0.5 * room / spread);
    let far = 0.3f64.min(room / spread);
    let mut found = Vec::new();
    match family {
        Family::Triangular => {
            let objective = |u: &[f64]| {
                let (min, max) = ends(u);
                -triangular_best_mode(sorted, min, max).0
            };
            for start in [[near, near], [far, far]] {
                let (u, _) = nelder_mead(&objective, &start, &[0.05, 0.05], 3000, 1e-9);
                let (min, max) = ends(&u);
                found.push(vec![min, triangular_best_mode(sorted, min, max).1, max]);
            }
        }
        _ => {
            let natural = |u: &[f64]| -> Vec<f64> {
                let (min, max) = ends(u);
                let share = 1.0 / (1.0 + libm::exp(-u[2]));
                vec![min, min + (max - min) * share, max]
            };
            let objective = |u: &[f64]| -log_likelihood(family, &natural(u), data);
            let (mean, _) = super::estimate::moments(sorted.iter().copied());
            let moment_share = (((6.0 * mean - low - high) / 4.0 - low) / spread).clamp(0.02, 0.98);
            for (gap, share) in [(near, moment_share), (far, moment_share), (near, 0.5)] {
                let start = [gap, gap, libm::log(share / (1.0 - share))];
                let search = nelder_mead(&objective, &start, &[0.05, 0.05, 0.5], 4000, 1e-9);
                let (u, _) = polish(&objective, search, &[1e-6, 1e-6, 1e-4]);
                found.push(natural(&u));
            }
        }
    }
    found
}

/// `distance` reflected back and forth between 0 and `room` (its absolute value when `room` is
/// infinite): a triangle wave, so a search over `distance` sees every point of `[0, room]` with no
/// flat stretch, and both ends exactly.
fn fold(distance: f64, room: f64) -> f64 {
    let distance = distance.abs();
    if !room.is_finite() {
        return distance;
    }
    let phase = distance % (2.0 * room);
    if phase > room { 2.0 * room - phase } else { phase }
}

/// The largest value of `f` over distances in `[from, to]`: a scan of 41 points spaced evenly in
/// the logarithm (both ends included), refined by golden section between the best point's
/// neighbours. Returns the distance and the value.
fn line_maximum(f: &dyn Fn(f64) -> f64, (from, to): (f64, f64)) -> (f64, f64) {
    const POINTS: usize = 41;
    if to <= from {
        return (to, f(to));
    }
    let (first, last) = (libm::log(from), libm::log(to));
    let at = |i: usize| {
        if i + 1 == POINTS {
            to
        } else {
            libm::exp(first + (last - first) * i as f64 / (POINTS - 1) as f64)
        }
    };
    let scanned: Vec<(f64, f64)> = (0..POINTS).map(|i| (at(i), f(at(i)))).collect();
    let best = (0..POINTS)
        .filter(|&i| !scanned[i].1.is_nan())
        .max_by(|&a, &b| scanned[a].1.total_cmp(&scanned[b].1))
        .unwrap_or(0);
    let (low, high) = (at(best.saturating_sub(1)), at((best + 1).min(POINTS - 1)));
    let (t, negated) =
        golden_section(&|t| -f(libm::exp(t)), (libm::log(low), libm::log(high)), 1e-12);
    if -negated > scanned[best].1 { (libm::exp(t), -negated) } else { scanned[best] }
}

/// The triangular log-likelihood of the ascending `sorted` values with ends `min` and `max`, at
/// its best mode, and that mode (one of the values).
///
/// With the mode at a value `v` that `k` values are below and `m` above:
/// `ℓ = n ln 2 − n ln(max − min) + Σ₍ₓ<ᵥ₎ ln(x − min) − k ln(v − min) + Σ₍ₓ>ᵥ₎ ln(max − x) − m ln(max − v)`,
/// the sums running totals over the values.
pub(crate) fn triangular_best_mode(sorted: &[f64], min: f64, max: f64) -> (f64, f64) {
    let n = sorted.len();
    let common = n as f64 * (core::f64::consts::LN_2 - libm::log(max - min));
    // above[i]: the sum over the values from the i-th on. Kept apart, not subtracted from one
    // total, so a maximum at the largest value (a term of −∞) spoils only the modes below it.
    let mut above = vec![0.0; n + 1];
    for i in (0..n).rev() {
        above[i] = above[i + 1] + libm::log(max - sorted[i]);
    }
    let mut below_total = 0.0;
    let mut best = (f64::NEG_INFINITY, f64::NAN);
    let mut start = 0;
    while start < n {
        let v = sorted[start];
        let mut end = start;
        while end < n && sorted[end] == v {
            end += 1;
        }
        let mut value = common + below_total;
        if start > 0 {
            value -= start as f64 * libm::log(v - min);
        }
        if end < n {
            value += above[end] - (n - end) as f64 * libm::log(max - v);
        }
        if value > best.0 {
            best = (value, v);
        }
        for &x in &sorted[start..end] {
            below_total += libm::log(x - min);
        }
        start = end;
    }
    best
}

/// The triangular or PERT parameters `p` found by the search, with an end that the search left
/// within 10⁻⁹ of the spread from the sample's extreme (`low`, `high`) moved onto it (and the mode
/// with it when it is as close), if the likelihood is no lower there.
///
/// The search inside writes `min = x₍₁₎ − fold(s·u)`, which reaches the smallest value only when
/// `u` is exactly 0; a simplex converging there ends a rounding error short of it.
fn onto_the_data_s_ends(
    family: Family,
    p: Vec<f64>,
    data: Data,
    (low, high): (f64, f64),
) -> Vec<f64> {
    let close = 1e-9 * (high - low);
    let (mut min, mut mode, mut max) = (p[0], p[1], p[2]);
    if low - min <= close {
        min = low;
    }
    if max - high <= close {
        max = high;
    }
    mode = mode.clamp(min, max);
    if mode - min <= close {
        mode = min;
    } else if max - mode <= close {
        mode = max;
    }
    let moved = vec![min, mode, max];
    let before = log_likelihood(family, &p, data);
    let after = log_likelihood(family, &moved, data);
    if after >= before - 1e-9 * (1.0 + before.abs()) { moved } else { p }
}
