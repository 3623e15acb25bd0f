//! Sensitivity analysis: which factors move an output, and by how much.
//!
//! Three methods, from cheapest to most informative. Each comes as a *design* (points in the unit
//! cube, to be mapped to the factors' ranges with [`super::design::scale`] and simulated in
//! order) and an *analysis* of the outputs, one per point, in the design's order.
//!
//! # One at a time
//!
//! [`oat_design`] is the base point (every factor at the centre, ½) followed, factor by factor,
//! by the point with that factor at its low end (0) and at its high end (1), the others at the
//! centre: `1 + 2k` runs. [`oat_effects`] reports the two outputs and their swing
//! `|y_high − y_low|`, the bar of a tornado chart. It sees no interaction and no curvature
//! between the ends, but it is what a reader of a tornado chart expects.
//!
//! # Morris elementary effects
//!
//! Morris ("Factorial sampling plans for preliminary computational experiments",
//! Technometrics 33(2), 1991) screens many factors with few runs. Each factor takes `p` levels
//! `0, 1/(p−1), …, 1` (`p` even), and a *trajectory* is `k + 1` points in which each factor in
//! turn moves by `Δ = p / (2(p − 1))`, up or down: a random base point whose coordinates are in
//! the lower half of the grid, a random direction per factor (a factor going down starts at
//! base + Δ), and a random order of the factors. Each step gives one *elementary effect*
//!
//! ```text
//! EE_i = (y(x + Δ e_i) − y(x)) / Δ
//! ```
//!
//! (for a step down, the same with `x` the lower point). Over `r` trajectories each factor has
//! `r` effects, summarized by their mean `μ`, the mean of their absolute values `μ*` (Campolongo,
//! Cariboni and Saltelli, "An effective screening design for sensitivity analysis of large
//! models", Environ. Model. Softw. 22(10), 2007: unlike `μ`, effects of opposite signs do not
//! cancel) and their sample standard deviation `σ` (large for a factor acting nonlinearly or
//! through interactions). `μ*` ranks the factors; a factor the output ignores has `μ* = σ = 0`
//! exactly. Effects are in output units per unit of the unit-cube coordinate: divide by a
//! factor's range `high − low` for output units per factor unit. A whole-number factor takes the
//! whole number its coordinate maps to ([`super::design::scale`]), and a step of `Δ` moves it
//! by a share of its range that is not `Δ` (all of it, for a factor of `1..=2`): its effects are
//! divided by the share the step really moved it, so that they too are per whole range. The
//! design has `r(k + 1)` runs;
//! Campolongo et al.'s selection of spread-out trajectories among many candidates is not done.
//!
//! # Sobol' indices
//!
//! Variance-based indices (Sobol', "Sensitivity estimates for nonlinear mathematical models",
//! Math. Model. Comput. Exp. 1, 1993) apportion the variance `V` of the output `Y = f(X)` over
//! independent uniform factors. The first-order index `S_i = V[E(Y | X_i)] / V` is the share of
//! the variance factor `i` explains alone; the total index `S_Ti = E[V(Y | X_~i)] / V` is the share
//! it takes part in, interactions included, so `S_Ti − S_i` measures its interactions and
//! `S_Ti = 0` means the output ignores it.
//!
//! The estimates follow Saltelli, Annoni, Azzini, Campolongo, Ratto and Tarantola ("Variance based
//! sensitivity analysis of model output. Design and estimator for the total sensitivity index",
//! Comput. Phys. Commun. 181(2), 2010). Two `N × k` sample matrices `A` and `B` give, for each
//! factor, the matrix `A_B^(i)`: `A` with column `i` taken from `B`. [`saltelli_design`] lists the
//! rows of `A`, then of `B`, then of `A_B^(1)`, …, `A_B^(k)`: `N(k + 2)` runs. With
//! `f_A = f(A_j)`, `f_B = f(B_j)` and `f_i = f(A_B^(i)_j)` for row `j`:
//!
//! ```text
//! V    = the variance of the 2N outputs f_A and f_B (divided by 2N)
//! S_i  = (1/N) Σ_j f_B (f_i − f_A) / V                (the estimator of Saltelli et al. 2010)
//! S_Ti = (1/2N) Σ_j (f_A − f_i)² / V                  (Jansen's estimator, recommended there)
//! ```
//!
//! The outputs are centred on the mean of the `2N` outputs of `A` and `B` first, which leaves
//! both estimators' expectations unchanged and keeps a large mean (a throughput of 1,000 parts
//! that factors move by a few) from inflating the first-order estimator's variance. Output with no
//! variance at all gives indices of 0.
//!
//! `A` and `B` are the first and last `k` coordinates of a scrambled Sobol' sequence in `2k`
//! dimensions ([`super::design::SobolSequence`], up to 32 factors), as Saltelli et al. recommend:
//! a quasi-random design converges faster than a random one. Powers of two for `N` keep the
//! sequence's balance. Beyond 32 factors the matrices are pseudo-random uniforms from the stream
//! ([`SaltelliDesign::quasi_random`] says which).
//!
//! The confidence intervals are **bootstrap percentile intervals**: the `N` rows (each with its
//! `k + 2` outputs) are resampled with replacement [`BOOTSTRAP_RESAMPLES`] times, the indices
//! recomputed on each resample, and the interval runs between the `(1 − c)/2` and `(1 + c)/2`
//! quantiles of the resampled indices; the reported half-width is half its length. The
//! bootstrap treats the rows as independent, so for a quasi-random design, whose errors are
//! smaller than a random design's, it overstates the uncertainty.

use fab_stdlib::random::Stream;
use serde::Serialize;

use super::design::{SOBOL_DIMENSIONS, SobolSequence, WholeNumbers, permutation};

/// The one-at-a-time design for `factors` factors: the base point (all coordinates ½), then for
/// each factor the point with it at 0 and the point with it at 1, the others at ½.
pub fn oat_design(factors: usize) -> Vec<Vec<f64>> {
    let mut points = Vec::with_capacity(1 + 2 * factors);
    points.push(vec![0.5; factors]);
    for factor in 0..factors {
        for end in [0.0, 1.0] {
            let mut point = vec![0.5; factors];
            point[factor] = end;
            points.push(point);
        }
    }
    points
}

/// The effect of one factor moved alone from its low end to its high end.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct OatEffect {
    /// The output with the factor at its low end, the others at the centre.
    pub low: f64,
    /// The output with the factor at its high end, the others at the centre.
    pub high: f64,
    /// `|high − low|`: the length of the factor's bar in a tornado chart.
    pub swing: f64,
}

/// The one-at-a-time effects of `factors` factors from the `outputs` of [`oat_design`], in
/// factor order (the caller sorts them for a tornado chart; the base output is `outputs[0]`).
///
/// # Panics
///
/// If `outputs` does not hold `1 + 2 · factors` values.
pub fn oat_effects(outputs: &[f64], factors: usize) -> Vec<OatEffect> {
    assert_eq!(outputs.len(), 1 + 2 * factors, "one output per point of the one-at-a-time design");
    (0..factors)
        .map(|factor| {
            let low = outputs[1 + 2 * factor];
            let high = outputs[2 + 2 * factor];
            OatEffect { low, high, swing: (high - low).abs() }
        })
        .collect()
}

/// A Morris design: `trajectories` trajectories of `factors + 1` points on a grid of `levels`
/// levels per factor (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisDesign {
    /// The points in the unit cube, trajectory after trajectory: `trajectories × (factors + 1)`
    /// points, consecutive points of a trajectory differing in one factor by `±delta`.
    pub points: Vec<Vec<f64>>,
    /// The number of factors `k`.
    pub factors: usize,
    /// The number of trajectories `r`.
    pub trajectories: usize,
    /// The number of grid levels `p` used (even).
    pub levels: usize,
    /// The step `Δ = p / (2(p − 1))`.
    pub delta: f64,
}

/// A Morris design of `trajectories` random trajectories for `factors` factors on a grid of
/// `levels` levels, 4 being the usual choice. `levels` must be even for the steps to stay on the
/// grid: an odd number is raised to the next even one, and fewer than 2 taken as 2 (the design
/// records the number used).
///
/// Draws, trajectory by trajectory: for each factor its base level
/// ([`Stream::below`]`(p/2)`), then for each factor its direction (`below(2)`), then the order
/// of the factors (a Fisher–Yates shuffle).
pub fn morris_design(
    factors: usize,
    trajectories: usize,
    levels: usize,
    stream: &mut Stream,
) -> MorrisDesign {
    let levels = levels.max(2).next_multiple_of(2);
    let last = (levels - 1) as f64;
    let jump = levels / 2;
    let delta = jump as f64 / last;
    let mut points = Vec::with_capacity(trajectories * (factors + 1));
    for _ in 0..trajectories {
        let base: Vec<usize> = (0..factors).map(|_| stream.below(jump as u64) as usize).collect();
        let up: Vec<bool> = (0..factors).map(|_| stream.below(2) == 0).collect();
        let order = permutation(factors, stream);
        // Grid indices: a factor going up starts at its base, one going down at base + jump.
        let mut grid: Vec<usize> =
            (0..factors).map(|i| if up[i] { base[i] } else { base[i] + jump }).collect();
        points.push(grid.iter().map(|&g| g as f64 / last).collect());
        for &factor in &order {
            grid[factor] = if up[factor] { base[factor] + jump } else { base[factor] };
            points.push(grid.iter().map(|&g| g as f64 / last).collect());
        }
    }
    MorrisDesign { points, factors, trajectories, levels, delta }
}

/// The summary of one factor's elementary effects.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MorrisEffect {
    /// The mean elementary effect `μ`.
    pub mu: f64,
    /// The mean absolute elementary effect `μ*`, which ranks the factors.
    pub mu_star: f64,
    /// The sample standard deviation `σ` of the elementary effects (divisor `r − 1`; 0 with a
    /// single trajectory).
    pub sigma: f64,
}

/// The Morris statistics of each factor, in factor order, from the `outputs` of the points of
/// `design` (see the module docs for the units). `whole_numbers` holds, per factor, the whole
/// numbers of a whole-number factor's range, whose steps are measured by the ones it took
/// ([`WholeNumbers::at_unit`], where [`super::design::scale`] puts it), and `None` for a
/// continuous one, whose steps are `Δ`.
///
/// # Panics
///
/// If `outputs` does not hold one value per point of the design, or `whole_numbers` one entry
/// per factor.
pub fn morris_effects(
    design: &MorrisDesign,
    outputs: &[f64],
    whole_numbers: &[Option<WholeNumbers>],
) -> Vec<MorrisEffect> {
    assert_eq!(outputs.len(), design.points.len(), "one output per point of the Morris design");
    assert_eq!(whole_numbers.len(), design.factors, "one entry per factor");
    // The share of its range a factor moved between two unit coordinates.
    let moved = |factor: usize, before: f64, after: f64| match whole_numbers[factor] {
        Some(whole) if whole.highest > whole.lowest => {
            (whole.at_unit(after) - whole.at_unit(before)).abs() / (whole.highest - whole.lowest)
        }
        _ => design.delta,
    };
    let k = design.factors;
    let mut effects: Vec<Vec<f64>> = vec![Vec::with_capacity(design.trajectories); k];
    for trajectory in 0..design.trajectories {
        let start = trajectory * (k + 1);
        for step in start + 1..start + k + 1 {
            let (before, after) = (&design.points[step - 1], &design.points[step]);
            let Some(factor) = (0..k).find(|&i| after[i] != before[i]) else { continue };
            let change = outputs[step] - outputs[step - 1];
            // A step down measures the effect from the lower point to the upper one too.
            let upward_change = if after[factor] > before[factor] { change } else { -change };
            effects[factor].push(upward_change / moved(factor, before[factor], after[factor]));
        }
    }
    effects
        .iter()
        .map(|values| {
            let count = values.len() as f64;
            if values.is_empty() {
                return MorrisEffect { mu: 0.0, mu_star: 0.0, sigma: 0.0 };
            }
            let mu = values.iter().sum::<f64>() / count;
            let mu_star = values.iter().map(|v| v.abs()).sum::<f64>() / count;
            let sigma = if values.len() < 2 {
                0.0
            } else {
                let squares: f64 = values.iter().map(|v| (v - mu) * (v - mu)).sum();
                (squares / (count - 1.0)).sqrt()
            };
            MorrisEffect { mu, mu_star, sigma }
        })
        .collect()
}

/// A Saltelli design for Sobol' indices (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct SaltelliDesign {
    /// The points in the unit cube: the `samples` rows of `A`, then those of `B`, then those of
    /// `A_B^(i)` for each factor `i` in turn, `samples × (factors + 2)` points in all. Row `j`
    /// of block `b` is `points[b · samples + j]`.
    pub points: Vec<Vec<f64>>,
    /// The number of factors `k`.
    pub factors: usize,
    /// The number of base samples `N`, the rows of `A` and `B`.
    pub samples: usize,
    /// Whether `A` and `B` come from a scrambled Sobol' sequence (up to 32 factors) rather than
    /// pseudo-random numbers.
    pub quasi_random: bool,
}

/// A Saltelli design with `samples` base samples (a power of two keeps the quasi-random
/// sequence balanced) for `factors` factors: `samples × (factors + 2)` points.
///
/// Draws: the scrambling of a Sobol' sequence in `2k` dimensions
/// ([`SobolSequence::scrambled`]), whose points `0 … N − 1` give the rows of `A` (first `k`
/// coordinates) and `B` (last `k`); beyond 32 factors, `2k` uniforms per row instead, `A`'s then
/// `B`'s.
pub fn saltelli_design(factors: usize, samples: usize, stream: &mut Stream) -> SaltelliDesign {
    let dimensions = 2 * factors;
    let quasi_random = dimensions <= SOBOL_DIMENSIONS;
    let rows: Vec<Vec<f64>> = match SobolSequence::scrambled(dimensions, stream) {
        Some(sequence) => (0..samples as u64).map(|j| sequence.point(j)).collect(),
        None => (0..samples).map(|_| (0..dimensions).map(|_| stream.uniform()).collect()).collect(),
    };
    let mut points = Vec::with_capacity(samples * (factors + 2));
    points.extend(rows.iter().map(|row| row[..factors].to_vec()));
    points.extend(rows.iter().map(|row| row[factors..].to_vec()));
    for factor in 0..factors {
        points.extend(rows.iter().map(|row| {
            let mut point = row[..factors].to_vec();
            point[factor] = row[factors + factor];
            point
        }));
    }
    SaltelliDesign { points, factors, samples, quasi_random }
}

/// The number of bootstrap resamples behind the confidence intervals of [`sobol_indices`].
pub const BOOTSTRAP_RESAMPLES: usize = 1000;

/// One factor's Sobol' indices with the half-widths of their bootstrap percentile intervals.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SobolIndex {
    /// The first-order index `S_i` (Saltelli et al. 2010's estimator).
    pub first: f64,
    /// Half the length of the bootstrap percentile interval of `S_i`.
    pub first_half_width: f64,
    /// The total index `S_Ti` (Jansen's estimator).
    pub total: f64,
    /// Half the length of the bootstrap percentile interval of `S_Ti`.
    pub total_half_width: f64,
}

/// The Sobol' indices of each factor, in factor order, from the `outputs` of the points of
/// `design`, with bootstrap percentile intervals at `confidence` (e.g. 0.95) drawn from `stream`
/// (see the module docs).
///
/// A `confidence` outside `(0, 1)` or fewer than 2 samples give half-widths of 0 without
/// drawing. Non-finite outputs give NaN indices.
///
/// Draws: for each of the [`BOOTSTRAP_RESAMPLES`] resamples, `N` row numbers
/// ([`Stream::below`]).
///
/// # Panics
///
/// If `outputs` does not hold one value per point of the design.
pub fn sobol_indices(
    design: &SaltelliDesign,
    outputs: &[f64],
    confidence: f64,
    stream: &mut Stream,
) -> Vec<SobolIndex> {
    assert_eq!(outputs.len(), design.points.len(), "one output per point of the Saltelli design");
    let n = design.samples;
    let k = design.factors;
    // Centre on the mean of A's and B's outputs (see the module docs).
    let centre = if n == 0 { 0.0 } else { outputs[..2 * n].iter().sum::<f64>() / (2 * n) as f64 };
    let centred: Vec<f64> = outputs.iter().map(|y| y - centre).collect();
    let blocks = Blocks { outputs: &centred, samples: n, factors: k };

    let mut sums = Sums::new(k);
    for row in 0..n {
        sums.add(&blocks, row);
    }
    let (first, total) = sums.indices();

    let mut first_half_widths = vec![0.0; k];
    let mut total_half_widths = vec![0.0; k];
    if n >= 2 && confidence > 0.0 && confidence < 1.0 {
        let mut first_resampled = vec![Vec::with_capacity(BOOTSTRAP_RESAMPLES); k];
        let mut total_resampled = vec![Vec::with_capacity(BOOTSTRAP_RESAMPLES); k];
        for _ in 0..BOOTSTRAP_RESAMPLES {
            let mut sums = Sums::new(k);
            for _ in 0..n {
                sums.add(&blocks, stream.below(n as u64) as usize);
            }
            let (first, total) = sums.indices();
            for i in 0..k {
                first_resampled[i].push(first[i]);
                total_resampled[i].push(total[i]);
            }
        }
        let lower = 0.5 * (1.0 - confidence);
        let upper = 0.5 * (1.0 + confidence);
        for i in 0..k {
            first_half_widths[i] = percentile_half_width(&mut first_resampled[i], lower, upper);
            total_half_widths[i] = percentile_half_width(&mut total_resampled[i], lower, upper);
        }
    }
    (0..k)
        .map(|i| SobolIndex {
            first: first[i],
            first_half_width: first_half_widths[i],
            total: total[i],
            total_half_width: total_half_widths[i],
        })
        .collect()
}

/// The centred outputs of a Saltelli design, by block and row.
struct Blocks<'a> {
    outputs: &'a [f64],
    samples: usize,
    factors: usize,
}

impl Blocks<'_> {
    /// The output of row `row` of block `block` (0 for `A`, 1 for `B`, `2 + i` for `A_B^(i)`).
    fn get(&self, block: usize, row: usize) -> f64 {
        self.outputs[block * self.samples + row]
    }
}

/// The sums both estimators need over a set of rows (with repetitions, for the bootstrap).
struct Sums {
    rows: f64,
    /// Σ (f_A + f_B) and Σ (f_A² + f_B²).
    sum: f64,
    squares: f64,
    /// Per factor, with `d = f_i − f_A`: Σ f_B d, Σ d and Σ d².
    cross: Vec<f64>,
    differences: Vec<f64>,
    squared_differences: Vec<f64>,
}

impl Sums {
    fn new(factors: usize) -> Sums {
        Sums {
            rows: 0.0,
            sum: 0.0,
            squares: 0.0,
            cross: vec![0.0; factors],
            differences: vec![0.0; factors],
            squared_differences: vec![0.0; factors],
        }
    }

    fn add(&mut self, blocks: &Blocks, row: usize) {
        let a = blocks.get(0, row);
        let b = blocks.get(1, row);
        self.rows += 1.0;
        self.sum += a + b;
        self.squares += a * a + b * b;
        for i in 0..blocks.factors {
            let d = blocks.get(2 + i, row) - a;
            self.cross[i] += b * d;
            self.differences[i] += d;
            self.squared_differences[i] += d * d;
        }
    }

    /// `(S_i, S_Ti)` for every factor; 0 when the outputs have no variance.
    fn indices(&self) -> (Vec<f64>, Vec<f64>) {
        let n = self.rows;
        let factors = self.cross.len();
        let mean = self.sum / (2.0 * n);
        let variance = self.squares / (2.0 * n) - mean * mean;
        if n == 0.0 || variance == 0.0 {
            return (vec![0.0; factors], vec![0.0; factors]);
        }
        // Σ (f_B − mean) d = Σ f_B d − mean Σ d.
        let first = (0..factors)
            .map(|i| (self.cross[i] - mean * self.differences[i]) / n / variance)
            .collect();
        let total = self.squared_differences.iter().map(|s| s / (2.0 * n) / variance).collect();
        (first, total)
    }
}

/// Half the distance between the `lower` and `upper` quantiles of `values` (sorted in place),
/// interpolating linearly between order statistics.
fn percentile_half_width(values: &mut [f64], lower: f64, upper: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let quantile = |p: f64| -> f64 {
        let position = p * (values.len() - 1) as f64;
        let below = position.floor() as usize;
        let above = (below + 1).min(values.len() - 1);
        let fraction = position - below as f64;
        values[below] + fraction * (values[above] - values[below])
    };
    0.5 * (quantile(upper) - quantile(lower))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn stream(seed: u64, purpose: &str) -> Stream {
        Stream::new(seed, 0, "sensitivity", purpose)
    }

    #[test]
    fn one_at_a_time_moves_each_factor_to_both_ends() {
        let design = oat_design(3);
        assert_eq!(
            design,
            vec![
                vec![0.5, 0.5, 0.5],
                vec![0.0, 0.5, 0.5],
                vec![1.0, 0.5, 0.5],
                vec![0.5, 0.0, 0.5],
                vec![0.5, 1.0, 0.5],
                vec![0.5, 0.5, 0.0],
                vec![0.5, 0.5, 1.0],
            ]
        );
        // y = 2 x₀ − 3 x₁ + 1: swings 2 and 3; the third factor is inert.
        let outputs: Vec<f64> = design.iter().map(|x| 2.0 * x[0] - 3.0 * x[1] + 1.0).collect();
        let effects = oat_effects(&outputs, 3);
        assert_eq!(
            effects,
            vec![
                OatEffect { low: -0.5, high: 1.5, swing: 2.0 },
                OatEffect { low: 2.0, high: -1.0, swing: 3.0 },
                OatEffect { low: 0.5, high: 0.5, swing: 0.0 },
            ]
        );
        assert_eq!(oat_design(0), vec![Vec::<f64>::new()]);
        assert!(oat_effects(&[4.0], 0).is_empty());
    }

    #[test]
    fn morris_trajectories_move_every_factor_once_by_delta_on_the_grid() {
        let design = morris_design(5, 12, 4, &mut stream(1, "morris"));
        assert_eq!((design.factors, design.trajectories, design.levels), (5, 12, 4));
        assert!((design.delta - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(design.points.len(), 12 * 6);
        let on_grid = |x: f64| (0..4).any(|g| x == g as f64 / 3.0);
        for trajectory in design.points.chunks(6) {
            let mut moved = [0; 5];
            for pair in trajectory.windows(2) {
                let changed: Vec<usize> = (0..5).filter(|&i| pair[0][i] != pair[1][i]).collect();
                assert_eq!(changed.len(), 1, "one factor per step");
                let factor = changed[0];
                assert!(((pair[1][factor] - pair[0][factor]).abs() - design.delta).abs() < 1e-15);
                moved[factor] += 1;
            }
            assert_eq!(moved, [1; 5]);
            assert!(trajectory.iter().flatten().all(|&x| on_grid(x)));
        }
        // Random directions, orders and bases: not every trajectory starts at the same point.
        assert!(design.points.chunks(6).any(|t| t[0] != design.points[0]));
        assert_eq!(design, morris_design(5, 12, 4, &mut stream(1, "morris")));
        assert_ne!(design, morris_design(5, 12, 4, &mut stream(2, "morris")));
    }

    #[test]
    fn morris_levels_are_made_even() {
        let mut random = stream(3, "levels");
        assert_eq!(morris_design(2, 1, 5, &mut random).levels, 6);
        assert_eq!(morris_design(2, 1, 1, &mut random).levels, 2);
        let two = morris_design(2, 3, 0, &mut random);
        assert_eq!((two.levels, two.delta), (2, 1.0));
        assert!(two.points.iter().flatten().all(|&x| x == 0.0 || x == 1.0));
    }

    #[test]
    fn morris_ranks_linear_nonlinear_and_inert_factors() {
        // y = 10 x₀ + 3 x₁² + 0 · x₂ + x₃ x₄. With p = 4 and Δ = ⅔:
        // - x₀ is linear: every effect is exactly 10, so μ = μ* = 10 and σ = 0;
        // - x₁'s effects are 3 (2x + Δ) with x ∈ {0, ⅓}, i.e. 2 or 4: μ* in [2, 4], σ > 0;
        // - x₂ is inert: μ* = σ = 0 exactly;
        // - x₃ acts only with x₄: effects x₄ ∈ [0, 1], so μ* ≤ 1 and σ > 0.
        let design = morris_design(5, 20, 4, &mut stream(4, "morris"));
        let outputs: Vec<f64> = design
            .points
            .iter()
            .map(|x| 10.0 * x[0] + 3.0 * x[1] * x[1] + 0.0 * x[2] + x[3] * x[4])
            .collect();
        let effects = morris_effects(&design, &outputs, &[None; 5]);
        assert!((effects[0].mu - 10.0).abs() < 1e-12);
        assert!((effects[0].mu_star - 10.0).abs() < 1e-12);
        assert!(effects[0].sigma < 1e-12);
        assert!(effects[1].mu_star >= 2.0 - 1e-12 && effects[1].mu_star <= 4.0 + 1e-12);
        assert!(effects[1].sigma > 0.0);
        assert_eq!(effects[2], MorrisEffect { mu: 0.0, mu_star: 0.0, sigma: 0.0 });
        assert!(effects[3].mu_star <= 1.0 + 1e-12 && effects[3].sigma > 0.0);
        let mut ranking: Vec<usize> = (0..5).collect();
        ranking.sort_by(|&a, &b| effects[b].mu_star.total_cmp(&effects[a].mu_star));
        assert_eq!(ranking[..2], [0, 1]);
        assert_eq!(ranking[4], 2);
    }

    #[test]
    fn morris_effects_of_a_decreasing_factor_are_negative() {
        let design = morris_design(2, 8, 4, &mut stream(5, "morris"));
        let outputs: Vec<f64> = design.points.iter().map(|x| 5.0 - 4.0 * x[1]).collect();
        let effects = morris_effects(&design, &outputs, &[None; 2]);
        assert!((effects[1].mu + 4.0).abs() < 1e-12);
        assert!((effects[1].mu_star - 4.0).abs() < 1e-12);
        assert_eq!(effects[0].mu_star, 0.0);
    }

    /// A linear whole-number factor has one effect per whole range, whatever its range: 60 per
    /// server over `1..=n` is `60 (n − 1)`, with σ = 0. Divided by Δ = ⅔, the step the unit cube
    /// takes, they were 90 for `1..=2` (a step there moves it by its whole range), 450 for
    /// `1..=8` (5 of its 7), and for `1..=3` 144 with σ 46.5 (steps of 1 and 2 servers).
    #[test]
    fn morris_effects_of_a_whole_number_factor_are_per_whole_range() {
        for (high, trajectories) in [(2.0, 10), (3.0, 12), (8.0, 10)] {
            let design = morris_design(2, trajectories, 4, &mut stream(7, "morris"));
            let servers = |x: &Vec<f64>| crate::analysis::design::scale(x[0], 1.0, high, true);
            let outputs: Vec<f64> = design.points.iter().map(|x| 60.0 * servers(x)).collect();
            let whole = crate::analysis::design::whole_numbers(1.0, high);
            let effects = morris_effects(&design, &outputs, &[whole, None]);
            let whole_range = 60.0 * (high - 1.0);
            assert!((effects[0].mu_star - whole_range).abs() < 1e-9, "1..={high}: {effects:?}");
            assert!((effects[0].mu - whole_range).abs() < 1e-9, "1..={high}: {effects:?}");
            assert!(effects[0].sigma < 1e-9, "1..={high}: {effects:?}");
            assert_eq!(effects[1].mu_star, 0.0);
        }
    }

    #[test]
    fn saltelli_design_swaps_one_column_of_a_for_b_per_factor() {
        let design = saltelli_design(3, 16, &mut stream(6, "saltelli"));
        assert!(design.quasi_random);
        assert_eq!((design.factors, design.samples), (3, 16));
        assert_eq!(design.points.len(), 16 * 5);
        let row = |block: usize, j: usize| &design.points[block * 16 + j];
        for j in 0..16 {
            for i in 0..3 {
                for (c, &value) in row(2 + i, j).iter().enumerate() {
                    let expected = if c == i { row(1, j)[c] } else { row(0, j)[c] };
                    assert_eq!(value, expected);
                }
            }
        }
        assert!(design.points.iter().flatten().all(|&x| x > 0.0 && x < 1.0));
        // A's and B's columns are stratified like a Sobol' net of 16 points.
        for block in 0..2 {
            for c in 0..3 {
                let mut cells: Vec<usize> =
                    (0..16).map(|j| (row(block, j)[c] * 16.0).floor() as usize).collect();
                cells.sort_unstable();
                assert_eq!(cells, (0..16).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn saltelli_design_falls_back_to_random_numbers_beyond_32_factors() {
        let design = saltelli_design(33, 4, &mut stream(7, "saltelli"));
        assert!(!design.quasi_random);
        assert_eq!(design.points.len(), 4 * 35);
        assert!(design.points.iter().all(|p| p.len() == 33));
        // Row 1 of A_B^(0): B's first coordinate, A's others.
        let hybrid = &design.points[2 * 4 + 1];
        assert_eq!(hybrid[0], design.points[4 + 1][0]);
        assert_eq!(hybrid[1..], design.points[1][1..]);
        assert!(saltelli_design(32, 4, &mut stream(7, "saltelli")).quasi_random);
    }

    #[test]
    fn pseudo_random_designs_estimate_the_indices_of_a_linear_model() {
        // y = 4x₀ + 2x₁ + x₂ with 30 inert factors: 33 factors, beyond the quasi-random
        // sequence. For an additive linear model S_i = S_Ti = c_i² / Σ c² = 16/21, 4/21, 1/21.
        // Six statements at 99 % hold together with probability ≥ 94 % (Bonferroni); the inert
        // factors' indices are exactly 0.
        let design = saltelli_design(33, 1 << 11, &mut stream(13, "linear"));
        assert!(!design.quasi_random);
        let outputs: Vec<f64> =
            design.points.iter().map(|x| 4.0 * x[0] + 2.0 * x[1] + x[2]).collect();
        let indices = sobol_indices(&design, &outputs, 0.99, &mut stream(13, "bootstrap"));
        for (index, truth) in indices.iter().zip([16.0 / 21.0, 4.0 / 21.0, 1.0 / 21.0]) {
            assert!((index.first - truth).abs() <= index.first_half_width, "{index:?} vs {truth}");
            assert!((index.total - truth).abs() <= index.total_half_width, "{index:?} vs {truth}");
        }
        for index in &indices[3..] {
            assert_eq!((index.first, index.total), (0.0, 0.0));
        }
    }

    /// The Ishigami function on the unit cube mapped to [−π, π]³.
    fn ishigami(x: &[f64], a: f64, b: f64) -> f64 {
        let [x1, x2, x3] = [x[0], x[1], x[2]].map(|u| -PI + 2.0 * PI * u);
        let sin2 = libm::sin(x2);
        libm::sin(x1) + a * sin2 * sin2 + b * x3 * x3 * x3 * x3 * libm::sin(x1)
    }

    #[test]
    fn sobol_indices_of_the_ishigami_function_match_the_analytic_values() {
        // Ishigami and Homma (1990): Y = sin X₁ + a sin² X₂ + b X₃⁴ sin X₁ with a = 7, b = 0.1 and
        // X_i uniform on [−π, π]. With E sin² = ½, E X₃⁴ = π⁴/5, E X₃⁸ = π⁸/9, Var sin² = 1/8:
        //   V₁ = Var E(Y | X₁) = (1 + bπ⁴/5)² Var sin X₁ = ½ (1 + bπ⁴/5)²,
        //   V₂ = a² Var sin² X₂ = a²/8,   V₃ = 0 (E(Y | X₃) is constant),
        //   V₁₃ = b² Var(X₃⁴) E sin² X₁ = b²π⁸ (1/9 − 1/25) / 2 = 8b²π⁸/225,
        // and the total V = a²/8 + bπ⁴/5 + b²π⁸/18 + ½ is their sum.
        let (a, b) = (7.0, 0.1);
        let pi4 = PI * PI * PI * PI;
        let pi8 = pi4 * pi4;
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0) * (1.0 + b * pi4 / 5.0);
        let v2 = a * a / 8.0;
        let v13 = 8.0 * b * b * pi8 / 225.0;
        let v = a * a / 8.0 + b * pi4 / 5.0 + b * b * pi8 / 18.0 + 0.5;
        assert!((v - (v1 + v2 + v13)).abs() < 1e-12 * v, "the components add up");
        let first = [v1 / v, v2 / v, 0.0];
        let total = [(v1 + v13) / v, v2 / v, v13 / v];
        // The rounded values of the literature.
        for (computed, published) in first.iter().zip([0.3139, 0.4424, 0.0]) {
            assert!((computed - published).abs() < 5e-5);
        }
        for (computed, published) in total.iter().zip([0.5576, 0.4424, 0.2437]) {
            assert!((computed - published).abs() < 5e-5);
        }

        // N = 2¹³ base samples, 5 · 2¹³ = 40,960 evaluations. Each of the six estimates must lie
        // within its 99 % bootstrap interval of the truth: six statements at 99 % hold together
        // with probability ≥ 94 % for independent rows (Bonferroni), and more for the
        // quasi-random design, whose errors the bootstrap overstates.
        let design = saltelli_design(3, 1 << 13, &mut stream(8, "ishigami"));
        let outputs: Vec<f64> = design.points.iter().map(|x| ishigami(x, a, b)).collect();
        let indices = sobol_indices(&design, &outputs, 0.99, &mut stream(8, "bootstrap"));
        for i in 0..3 {
            let index = indices[i];
            assert!(
                (index.first - first[i]).abs() <= index.first_half_width,
                "S{}: {} ± {} vs {}",
                i + 1,
                index.first,
                index.first_half_width,
                first[i]
            );
            assert!(
                (index.total - total[i]).abs() <= index.total_half_width,
                "ST{}: {} ± {} vs {}",
                i + 1,
                index.total,
                index.total_half_width,
                total[i]
            );
            // The intervals are narrow enough to tell the factors apart (the indices differ by
            // 0.13 or more).
            assert!(index.first_half_width < 0.05 && index.total_half_width < 0.05, "{index:?}");
        }
    }

    #[test]
    fn a_function_of_one_factor_has_all_the_variance_on_it() {
        // y = sin(2π x₀) + x₀ with three inert factors: S₀ = S_T0 = 1, all others exactly 0 (the
        // outputs of A_B^(i) equal A's for an inert factor i).
        let design = saltelli_design(4, 1 << 10, &mut stream(9, "one factor"));
        let outputs: Vec<f64> =
            design.points.iter().map(|x| libm::sin(2.0 * PI * x[0]) + x[0]).collect();
        let indices = sobol_indices(&design, &outputs, 0.95, &mut stream(9, "bootstrap"));
        let only = indices[0];
        assert!((only.first - 1.0).abs() <= only.first_half_width, "{only:?}");
        assert!((only.total - 1.0).abs() <= only.total_half_width, "{only:?}");
        for inert in &indices[1..] {
            assert_eq!(
                *inert,
                SobolIndex { first: 0.0, first_half_width: 0.0, total: 0.0, total_half_width: 0.0 }
            );
        }
    }

    #[test]
    fn constant_outputs_have_zero_indices() {
        let design = saltelli_design(2, 8, &mut stream(10, "constant"));
        let outputs = vec![42.0; design.points.len()];
        let indices = sobol_indices(&design, &outputs, 0.95, &mut stream(10, "bootstrap"));
        for index in indices {
            assert_eq!(
                index,
                SobolIndex { first: 0.0, first_half_width: 0.0, total: 0.0, total_half_width: 0.0 }
            );
        }
    }

    #[test]
    fn the_bootstrap_is_determined_by_its_stream_and_skipped_without_a_confidence() {
        let design = saltelli_design(2, 64, &mut stream(11, "design"));
        let outputs: Vec<f64> = design.points.iter().map(|x| x[0] + 2.0 * x[1] * x[0]).collect();
        let one = sobol_indices(&design, &outputs, 0.9, &mut stream(11, "bootstrap"));
        let two = sobol_indices(&design, &outputs, 0.9, &mut stream(11, "bootstrap"));
        assert_eq!(one, two);
        assert!(one.iter().all(|i| i.first_half_width > 0.0 && i.total_half_width > 0.0));
        let mut untouched = stream(12, "bootstrap");
        let before = untouched.clone().next_u64();
        let plain = sobol_indices(&design, &outputs, 1.0, &mut untouched);
        assert_eq!(untouched.next_u64(), before, "no draw without a confidence level");
        for (with, without) in one.iter().zip(&plain) {
            assert_eq!((with.first, with.total), (without.first, without.total));
            assert_eq!((without.first_half_width, without.total_half_width), (0.0, 0.0));
        }
    }

    #[test]
    fn the_percentile_half_width_interpolates_between_order_statistics() {
        let mut values: Vec<f64> = (0..=100).rev().map(f64::from).collect();
        // The 5 % and 95 % quantiles of 0..=100 are 5 and 95.
        assert_eq!(percentile_half_width(&mut values, 0.05, 0.95), 45.0);
        let mut values = vec![0.0, 1.0];
        assert_eq!(percentile_half_width(&mut values, 0.25, 0.75), 0.25);
    }
}
