//! Maximum-likelihood estimates, family by family, for complete and right-censored samples, and
//! their covariance from the observed information.
//!
//! The likelihood of a sample with failures `xᵢ` and right-censored values `cⱼ` is
//! `Σ ln f(xᵢ) + Σ ln S(cⱼ)`. How it is maximised depends on the family:
//!
//! - **closed forms**: exponential (`mean = Σ all values / failures`, censored or not), normal and
//!   lognormal on complete samples, uniform (the extreme values);
//! - **one equation in the shape**: the Weibull shape solves
//!   `Σ xᵏ ln x / Σ xᵏ − 1/k − mean of ln x over failures = 0` (sums over every value, censored
//!   ones included), whose left side increases in `k`, so bisection finds it exactly; the scale
//!   follows as `(Σ xᵏ / failures)^(1/k)`. The gamma shape on a complete sample solves
//!   `ln k − ψ(k) = ln(mean) − mean(ln x)` the same way;
//! - **a profile over the location** for the shifted families: for each location `γ` below the
//!   smallest failure the two-parameter fit of `x − γ` is cheap, so the profile likelihood is
//!   scanned on a logarithmic grid of distances `x₍₁₎ − γ` and refined by golden section around
//!   its best interior peak. Both shifted likelihoods grow without bound as `γ` reaches the
//!   smallest value (for a Weibull shape below 1, and always for the lognormal), so the estimate
//!   is the interior local maximum, as Cohen and Whitten recommend; when there is none, the
//!   shifted family is not fitted and says why;
//! - **a simplex search** (Nelder–Mead, then Newton polishing) on the other censored likelihoods,
//!   over parameters transformed so that every point of the search space is valid (logarithms of
//!   positive parameters);
//! - **the edges and the inside** of the triangular and PERT parameter space, whose maximum is
//!   often where the mode meets an end: see `bounded.rs`.
//!
//! Standard errors are the square roots of the diagonal of the inverse observed information,
//! `(−∂²ℓ/∂θ∂θᵀ)⁻¹`, with the second derivatives taken by central differences at the estimate.
//! They are not given for the bounded families (their support's ends are parameters, so the
//! likelihood is not regular), for Erlang's whole-number `k`, nor for a 3-parameter Weibull whose
//! shape is 2 or less (Smith, 1985: the location's estimate is then not asymptotically normal).

use super::Sample;
use super::family::Family;
use super::optimize::{
    derivatives, golden_section, increasing_root, increasing_root_newton, invert_positive_definite,
    nelder_mead, polish,
};

/// The failures and right-censored values of a sample.
#[derive(Clone, Copy)]
pub(crate) struct Data<'a> {
    pub failures: &'a [f64],
    pub censored: &'a [f64],
}

impl<'a> Data<'a> {
    pub(crate) fn of(sample: &'a Sample) -> Data<'a> {
        Data { failures: sample.failures(), censored: sample.censored_values() }
    }

    fn all(&self) -> impl Iterator<Item = f64> + '_ {
        self.failures.iter().chain(self.censored).copied()
    }

    fn is_complete(&self) -> bool {
        self.censored.is_empty()
    }

    /// The smallest failure.
    fn first_failure(&self) -> f64 {
        self.failures.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// The mean and the standard deviation (divisor n) of the failures.
    fn failure_moments(&self) -> (f64, f64) {
        moments(self.failures.iter().copied())
    }

    /// A typical size of the values: the failures' sd, or their mean's size when they are equal.
    fn spread(&self) -> f64 {
        let (mean, sd) = self.failure_moments();
        if sd > 0.0 { sd } else { mean.abs().max(1.0) }
    }
}

/// The mean and the standard deviation (divisor n) of `values`, computed on the values divided by
/// the largest magnitude among them and scaled back, so values near 10³⁰⁰ do not overflow when
/// summed or squared, nor values near 10⁻³⁰⁰ underflow to an sd of 0.
pub(crate) fn moments(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count() as f64;
    let largest = values.clone().fold(0.0, |m: f64, x| m.max(x.abs()));
    if !(largest > 0.0 && largest.is_finite()) {
        let mean = values.clone().sum::<f64>() / n;
        return (mean, if largest == 0.0 { 0.0 } else { f64::NAN });
    }
    let mean = values.clone().map(|x| x / largest).sum::<f64>() / n;
    let variance = values.map(|x| (x / largest - mean) * (x / largest - mean)).sum::<f64>() / n;
    (mean * largest, libm::sqrt(variance) * largest)
}

/// The log-likelihood of `p` for `family`: −∞ where it is not defined.
pub(crate) fn log_likelihood(family: Family, p: &[f64], data: Data) -> f64 {
    let mut total = 0.0;
    for &x in data.failures {
        total += family.log_density(p, x);
    }
    for &c in data.censored {
        total += family.log_survival(p, c);
    }
    if total.is_nan() { f64::NEG_INFINITY } else { total }
}

/// The maximum-likelihood parameters of `family`, or why the family cannot be fitted to `data`.
/// The caller has checked that the family applies (sign of the values, sample size).
pub(crate) fn estimate(family: Family, data: Data, non_negative: bool) -> Result<Vec<f64>, String> {
    match family {
        Family::Exponential => {
            let total: f64 = data.all().sum();
            Ok(vec![total / data.failures.len() as f64])
        }
        Family::Normal => {
            let (mean, sd) = data.failure_moments();
            if data.is_complete() {
                return Ok(vec![mean, sd]);
            }
            let start = vec![mean, sd.max(1e-3 * data.spread())];
            let scale = data.spread();
            maximise(family, data, start, &[Free::Shift(scale), Free::Log])
        }
        Family::Lognormal => lognormal(data, 0.0),
        Family::Weibull => weibull(data, 0.0),
        Family::Lognormal3 | Family::Weibull3 => shifted(family, data, non_negative),
        Family::Gamma => gamma(data),
        Family::Erlang => erlang(data),
        Family::Uniform => {
            let (min, max) = data
                .failures
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |m, &x| (m.0.min(x), m.1.max(x)));
            Ok(vec![min, max])
        }
        Family::Triangular | Family::Pert => {
            super::bounded::bounded_with_mode(family, data, non_negative)
        }
    }
}

/// How a parameter is moved in a simplex search: by an offset of about the given size, or on the
/// logarithmic scale (a positive parameter).
#[derive(Clone, Copy)]
enum Free {
    Shift(f64),
    Log,
}

/// Maximises the likelihood from `start` by a simplex search and Newton polishing over the
/// transformed parameters.
fn maximise(
    family: Family,
    data: Data,
    start: Vec<f64>,
    free: &[Free],
) -> Result<Vec<f64>, String> {
    let to_natural = |u: &[f64]| -> Vec<f64> {
        u.iter()
            .zip(free)
            .map(|(&v, how)| match how {
                Free::Shift(scale) => v * scale,
                Free::Log => libm::exp(v),
            })
            .collect()
    };
    let from_natural: Vec<f64> = start
        .iter()
        .zip(free)
        .map(|(&v, how)| match how {
            Free::Shift(scale) => v / scale,
            Free::Log => libm::log(v),
        })
        .collect();
    let objective = |u: &[f64]| -log_likelihood(family, &to_natural(u), data);
    let steps = vec![0.2; free.len()];
    let found = nelder_mead(&objective, &from_natural, &steps, 4000, 1e-6);
    let (best, value) = polish(&objective, found, &vec![1e-4; free.len()]);
    if !value.is_finite() {
        return Err("the likelihood has no finite maximum".to_string());
    }
    Ok(to_natural(&best))
}

/// Lognormal of `x − location`: closed form on a complete sample, a simplex search otherwise.
fn lognormal(data: Data, location: f64) -> Result<Vec<f64>, String> {
    let logs = data.failures.iter().map(|x| libm::log(x - location));
    let (mu, sigma) = moments(logs);
    if !(sigma > 0.0 && mu.is_finite()) {
        return Err("the logarithms of the values do not vary".to_string());
    }
    if data.is_complete() {
        return Ok(vec![mu, sigma]);
    }
    let shifted_failures: Vec<f64> = data.failures.iter().map(|x| x - location).collect();
    let shifted_censored: Vec<f64> =
        data.censored.iter().map(|c| c - location).filter(|c| *c > 0.0).collect();
    let shifted = Data { failures: &shifted_failures, censored: &shifted_censored };
    maximise(Family::Lognormal, shifted, vec![mu, sigma], &[Free::Shift(1.0), Free::Log])
}

/// Weibull of `x − location` by the shape equation; values at or below the location (only
/// censored ones can be) contribute nothing.
fn weibull(data: Data, location: f64) -> Result<Vec<f64>, String> {
    let failures: Vec<f64> = data.failures.iter().map(|x| x - location).collect();
    let all: Vec<f64> = data.all().map(|x| x - location).filter(|x| *x > 0.0).collect();
    let top = all.iter().copied().fold(0.0, f64::max);
    if top <= 0.0 || failures.iter().any(|x| *x <= 0.0) {
        return Err("a value is at or below the location".to_string());
    }
    let r = failures.len() as f64;
    let mean_log_failures = failures.iter().map(|x| libm::log(x / top)).sum::<f64>() / r;
    let logs: Vec<f64> = all.iter().map(|x| libm::log(x / top)).collect();
    // g(k) = Σ w l / Σ w − 1/k − mean of l over failures, with w = eᵏˡ; its slope is the
    // w-weighted variance of l plus 1/k², positive, so g increases.
    let equation = |k: f64| {
        let (mut total, mut first, mut second) = (0.0, 0.0, 0.0);
        for &l in &logs {
            let w = libm::exp(k * l);
            total += w;
            first += w * l;
            second += w * l * l;
        }
        let mean = first / total;
        let value = mean - 1.0 / k - mean_log_failures;
        (value, second / total - mean * mean + 1.0 / (k * k))
    };
    // Start from Menon's estimate 1.28 / sd(ln x) of the failures.
    let (_, sd_log) = moments(failures.iter().map(|x| libm::log(*x)));
    let start = if sd_log > 0.0 { 1.28 / sd_log } else { 1.0 };
    let shape = increasing_root_newton(&equation, WEIBULL_SHAPES, start)
        .filter(|&k| !at_bound(k, WEIBULL_SHAPES))
        .ok_or_else(|| {
            "the Weibull shape equation has no root between 0.001 and 1000, the shapes searched \
             (the values vary too little, or too much, beside their size)"
                .to_string()
        })?;
    let total: f64 = logs.iter().map(|&l| libm::exp(shape * l)).sum();
    let scale = top * libm::pow(total / r, 1.0 / shape);
    Ok(vec![shape, scale])
}

/// The Weibull shapes the shape equation is solved over. A shape of 1000 is a law whose sd is
/// 0.13 % of its scale; beyond it the fit is better described as a normal or a shifted law.
const WEIBULL_SHAPES: (f64, f64) = (1e-3, 1e3);

/// Whether `value` lies at one end of `range` (to 10⁻⁹ relative): a root or a maximum found there
/// is the search's limit, not the likelihood's, and is not reported as an estimate.
fn at_bound(value: f64, (low, high): (f64, f64)) -> bool {
    value <= low * (1.0 + 1e-9) || value >= high * (1.0 - 1e-9)
}

/// Gamma: the shape equation on a complete sample, a simplex search otherwise.
fn gamma(data: Data) -> Result<Vec<f64>, String> {
    let r = data.failures.len() as f64;
    let mean = data.failures.iter().sum::<f64>() / r;
    let mean_log = data.failures.iter().map(|x| libm::log(*x)).sum::<f64>() / r;
    let s = libm::log(mean) - mean_log;
    let shape = if s > 0.0 && s.is_finite() {
        increasing_root(&|k| s - (libm::log(k) - digamma(k)), (1e-4, 1e7))
    } else {
        None
    }
    .ok_or_else(|| {
        "the gamma shape equation has no root between 0.0001 and 10⁷, the shapes searched (the \
         values vary too little, or too much, beside their size)"
            .to_string()
    })?;
    if data.is_complete() {
        return Ok(vec![shape, mean / shape]);
    }
    maximise(Family::Gamma, data, vec![shape, mean / shape], &[Free::Log, Free::Log])
}

/// Erlang: the whole numbers next to the gamma shape, each with its best mean.
fn erlang(data: Data) -> Result<Vec<f64>, String> {
    let continuous = gamma(data)?[0];
    let mut best: Option<(f64, Vec<f64>)> = None;
    let low = libm::floor(continuous).max(1.0);
    for k in [low, low + 1.0] {
        if k > 1e6 {
            continue;
        }
        let mean = if data.is_complete() {
            data.failures.iter().sum::<f64>() / data.failures.len() as f64
        } else {
            let objective =
                |log_mean: f64| -log_likelihood(Family::Erlang, &[k, libm::exp(log_mean)], data);
            let (mean, _) = data.failure_moments();
            let centre = libm::log(mean);
            libm::exp(golden_section(&objective, (centre - 3.0, centre + 6.0), 1e-11).0)
        };
        let value = log_likelihood(Family::Erlang, &[k, mean], data);
        if value.is_finite() && best.as_ref().is_none_or(|(v, _)| value > *v) {
            best = Some((value, vec![k, mean]));
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| "no whole-number shape fits".to_string())
}

/// A shifted family: the profile likelihood over the location, scanned and refined.
fn shifted(family: Family, data: Data, non_negative: bool) -> Result<Vec<f64>, String> {
    let inner = |location: f64| match family {
        Family::Weibull3 => weibull(data, location),
        _ => lognormal(data, location),
    };
    let first = data.first_failure();
    let spread = data.spread();
    // Distances d = x₍₁₎ − γ, on a logarithmic grid.
    let smallest = spread * 1e-6;
    let mut largest = spread * 1e3;
    if non_negative {
        if first <= 0.0 {
            return Err(format!(
                "the smallest value is {}, so no location at or above 0 is below it",
                super::significant(first, 4)
            ));
        }
        largest = largest.min(first);
    }
    if largest <= smallest {
        return Err("the smallest value is too close to 0 for a location".to_string());
    }
    let profile = |log_distance: f64| -> f64 {
        let location = first - libm::exp(log_distance);
        match inner(location) {
            Ok(p) => {
                let mut full = p;
                full.push(location);
                log_likelihood(family, &full, data)
            }
            Err(_) => f64::NEG_INFINITY,
        }
    };
    const POINTS: usize = 61;
    let (from, to) = (libm::log(smallest), libm::log(largest));
    let grid: Vec<f64> =
        (0..POINTS).map(|i| from + (to - from) * i as f64 / (POINTS - 1) as f64).collect();
    let values: Vec<f64> = grid.iter().map(|&t| profile(t)).collect();
    // The best interior peak: a grid point at least as high as both neighbours, which must be
    // finite. Next to a location where the 2-parameter fit failed (a Weibull shape beyond the
    // shapes searched) the profile is unknown, not lower, so the point is no peak: a 3-parameter
    // Weibull reported shape = 1000 there, while its likelihood kept rising past it.
    let peak = (1..POINTS - 1)
        .filter(|&i| {
            values[i - 1].is_finite()
                && values[i].is_finite()
                && values[i + 1].is_finite()
                && values[i] >= values[i - 1]
                && values[i] >= values[i + 1]
        })
        .max_by(|&a, &b| values[a].total_cmp(&values[b]));
    let Some(peak) = peak else {
        // No peak inside: the likelihood is highest at one end of the grid, or where the
        // 2-parameter fit stopped. Say which, since they mean different things to the engineer.
        let highest = (0..POINTS)
            .filter(|&i| values[i].is_finite())
            .max_by(|&a, &b| values[a].total_cmp(&values[b]).then(b.cmp(&a)));
        let at_zero = non_negative && largest >= first;
        let Some(highest) = highest else {
            return Err("the likelihood is not finite for any location".to_string());
        };
        let near_first = highest == 0;
        let cut_short = highest + 1 < POINTS && !values[highest + 1].is_finite();
        return Err(if near_first {
            "the likelihood keeps rising as the location nears the smallest value, so it has no \
             maximum"
                .to_string()
        } else if cut_short {
            "the likelihood keeps rising as the location moves down, away from the values, with \
             the shape growing past 1000 (towards an extreme-value law, not a Weibull), so it has \
             no maximum"
                .to_string()
        } else if at_zero {
            "the likelihood is highest with the location at 0: the 2-parameter family".to_string()
        } else {
            "the likelihood has no peak with a location below the smallest value".to_string()
        });
    };
    let (log_distance, _) =
        golden_section(&|t| -profile(t), (grid[peak - 1], grid[peak + 1]), 1e-10);
    let location = first - libm::exp(log_distance);
    let mut p = inner(location)?;
    if family == Family::Weibull3 && at_bound(p[0], WEIBULL_SHAPES) {
        return Err(
            "the likelihood is highest with the shape at 1000, the largest searched, so it \
                    has no maximum there"
                .to_string(),
        );
    }
    p.push(location);
    Ok(p)
}

/// The covariance matrix of the estimate (the inverse observed information), over every
/// parameter, with NaN for parameters that have no standard error; `None` when no parameter has
/// one or the information is not positive definite.
pub(crate) fn covariance(family: Family, p: &[f64], data: Data) -> Option<Vec<Vec<f64>>> {
    if family.is_bounded() {
        return None;
    }
    if family == Family::Weibull3 && p[0] <= 2.0 {
        return None;
    }
    // Erlang's k is a whole number: its mean alone is estimated continuously.
    let free: Vec<usize> = match family {
        Family::Erlang => vec![1],
        _ => (0..p.len()).collect(),
    };
    let typical = data.spread();
    let first = data.first_failure();
    let steps: Vec<f64> = free
        .iter()
        .map(|&i| {
            let mut h = 1e-4 * p[i].abs().max(1e-3 * typical);
            if family.parameter_names()[i] == "location" {
                h = h.min(0.25 * (first - p[i]));
            }
            h
        })
        .collect();
    let objective = |q: &[f64]| {
        let mut full = p.to_vec();
        for (slot, &i) in free.iter().enumerate() {
            full[i] = q[slot];
        }
        -log_likelihood(family, &full, data)
    };
    let at: Vec<f64> = free.iter().map(|&i| p[i]).collect();
    let (_, information) = derivatives(&objective, &at, objective(&at), &steps)?;
    let inverse = invert_positive_definite(&information)?;
    let mut out = vec![vec![f64::NAN; p.len()]; p.len()];
    for (a, &i) in free.iter().enumerate() {
        for (b, &j) in free.iter().enumerate() {
            out[i][j] = inverse[a][b];
        }
    }
    Some(out)
}

/// The digamma function ψ(x) for x > 0: the recurrence up to x ≥ 10, then the asymptotic series.
pub(crate) fn digamma(mut x: f64) -> f64 {
    let mut result = 0.0;
    while x < 10.0 {
        result -= 1.0 / x;
        x += 1.0;
    }
    let inverse = 1.0 / x;
    let inverse2 = inverse * inverse;
    result + libm::log(x)
        - 0.5 * inverse
        - inverse2
            * (1.0 / 12.0
                - inverse2
                    * (1.0 / 120.0
                        - inverse2 * (1.0 / 252.0 - inverse2 * (1.0 / 240.0 - inverse2 / 132.0))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_matches_known_values() {
        // ψ(1) = −γ (Euler–Mascheroni), ψ(½) = −γ − 2 ln 2.
        assert!((digamma(1.0) + 0.577_215_664_901_532_9).abs() < 1e-12);
        assert!((digamma(0.5) + 1.963_510_026_021_423_5).abs() < 1e-12);
    }

    /// The censored exponential estimate is the total time on test over the failures, and the
    /// censored Weibull with shape fixed near 1 agrees with it.
    #[test]
    fn censored_exponential_is_total_time_over_failures() {
        let data = Data { failures: &[2.0, 5.0, 11.0], censored: &[12.0, 12.0] };
        let mean = estimate(Family::Exponential, data, true).unwrap()[0];
        assert_eq!(mean, 42.0 / 3.0);
        // The likelihood is maximal there: a small change either way lowers it.
        let at = |m: f64| log_likelihood(Family::Exponential, &[m], data);
        assert!(at(mean) > at(mean * 1.001) && at(mean) > at(mean * 0.999));
        // By hand: ℓ(m) = −3 ln m − 42 / m.
        assert!((at(mean) - (-3.0 * libm::log(14.0) - 3.0)).abs() < 1e-12);
    }

    /// A censored likelihood's gradient vanishes at the estimate, for each family estimated by a
    /// search.
    #[test]
    fn censored_estimates_are_stationary_points() {
        let failures = [3.1, 4.7, 5.2, 6.0, 6.8, 7.3, 8.9, 9.4, 10.2, 12.5, 13.1, 15.8];
        let censored = [9.0, 11.0, 14.0, 14.0, 16.0, 16.0];
        let data = Data { failures: &failures, censored: &censored };
        for family in [Family::Normal, Family::Lognormal, Family::Gamma, Family::Weibull] {
            let p = estimate(family, data, true).unwrap();
            let objective = |q: &[f64]| log_likelihood(family, q, data);
            let steps: Vec<f64> = p.iter().map(|v| 1e-6 * v.abs().max(1e-3)).collect();
            let (gradient, _) = derivatives(&objective, &p, objective(&p), &steps).unwrap();
            for (g, v) in gradient.iter().zip(&p) {
                assert!((g * v).abs() < 1e-4, "{family:?}: gradient {gradient:?} at {p:?}");
            }
        }
    }
}
