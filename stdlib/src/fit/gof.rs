//! Goodness of fit: how far a sample is from a fitted law, and how surprising that distance is.
//!
//! # Statistics
//!
//! With `uᵢ = F(x₍ᵢ₎)` the fitted distribution function at the ordered values:
//!
//! - **Kolmogorov–Smirnov**: `D = maxᵢ max(i/n − uᵢ, uᵢ − (i − 1)/n)`, the largest vertical gap
//!   between the empirical and the fitted distribution functions.
//! - **Anderson–Darling**: `A² = −n − (1/n) Σ (2i − 1) [ln uᵢ + ln(1 − u₍ₙ₊₁₋ᵢ₎)]`, a squared gap
//!   weighted towards the tails; `ln(1 − u)` is taken from the survival function directly.
//! - **Chi-square**: the values are counted in `k` bins of equal fitted probability
//!   (`k = ⌈2 n^0.4⌉`, Moore's rule, and at most `n / 5` so each bin expects 5 values or more);
//!   `X² = Σ (Oⱼ − n/k)² / (n/k)`.
//!
//! # p-values, and what they are worth
//!
//! - KS: the exact distribution of `D` for a fully specified law, by the method of Marsaglia,
//!   Tsang and Wang, "Evaluating Kolmogorov's distribution", *Journal of Statistical Software* 8(18),
//!   2003 (a power of a `(2k − 1)`-square matrix, with their quick formula in the far tail); for
//!   large samples where that matrix would be big, Kolmogorov's limiting law at Stephens' corrected
//!   argument `(√n + 0.12 + 0.11/√n) D` (Stephens, *JASA* 69, 1974).
//! - AD: Marsaglia and Marsaglia, "Evaluating the Anderson–Darling distribution", *Journal of
//!   Statistical Software* 9(2), 2004: their approximation of the limiting law with the
//!   finite-sample correction (about 5 correct digits for n ≥ 7).
//! - Chi-square: the upper tail of the χ² law with `k − 1 − p` degrees of freedom.
//!
//! All three tests are exact (or nearly so) only for a law fixed **before** the data were seen.
//! Here the parameters were estimated from the same data, which pulls the fitted law towards the
//! sample: the statistics come out smaller than the null tables expect, so the p-values above are
//! **too large** (conservative about rejecting a family) — [`Basis::ParametersKnown`] says so.
//! Two remedies are offered:
//!
//! - for the normal and the 2-parameter lognormal (tested on the logarithms), the Anderson–Darling
//!   p-value with both parameters estimated, from D'Agostino and Stephens, *Goodness-of-Fit
//!   Techniques*, 1986, Table 4.9: `A²` against the normal with the sd of divisor `n − 1` (the
//!   table's), `A*² = A² (1 + 0.75/n + 2.25/n²)` and four exponential formulas in `A*²`, each kept
//!   to its range so the p-value never rises with `A²` ([`Basis::EstimatedParameters`]);
//! - for every family, [`bootstrap`]: a parametric bootstrap draws samples from the fitted law,
//!   refits the family to each and counts how often the refitted statistic is at least the
//!   observed one — the estimation is then part of the null distribution
//!   ([`Basis::Bootstrap`]). For chi-square, the `p` estimated parameters are already taken off the
//!   degrees of freedom; with estimates made from the ungrouped data, the true null law lies
//!   between χ²(k − 1 − p) and χ²(k − 1) (Chernoff and Lehmann, 1954), so that p-value is slightly
//!   too small.
//!
//! A censored sample has no such tables (the null distribution depends on the censoring): the KS
//! distance is then measured against the Kaplan–Meier estimate and given without a p-value, and AD
//! and chi-square are not computed.

use super::{Fit, Sample, fit_one};
use crate::dist::Distribution;
use crate::random::Stream;
use crate::sample::Sampler;

/// One test's statistic and p-value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Test {
    pub statistic: f64,
    pub p_value: Option<f64>,
    pub basis: Basis,
}

/// How a p-value was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// From the null distribution for a law fixed in advance: too large when, as here, the
    /// parameters were estimated from the same data.
    ParametersKnown,
    /// From D'Agostino and Stephens' formula for the family with its parameters estimated.
    EstimatedParameters,
    /// By a parametric bootstrap with this many replicates.
    Bootstrap { replicates: usize },
    /// No p-value: the sample is censored, too small, or the statistic is degenerate.
    Unavailable,
}

impl Basis {
    /// A short description for reports.
    pub fn describe(self) -> String {
        match self {
            Basis::ParametersKnown => {
                "approximate: parameters treated as known, so too large".to_string()
            }
            Basis::EstimatedParameters => {
                "with estimated parameters (D'Agostino & Stephens 1986)".to_string()
            }
            Basis::Bootstrap { replicates } => {
                format!("parametric bootstrap, {replicates} samples")
            }
            Basis::Unavailable => "not available".to_string(),
        }
    }

    /// A stable key for machines.
    pub fn key(self) -> &'static str {
        match self {
            Basis::ParametersKnown => "parameters_known",
            Basis::EstimatedParameters => "estimated_parameters",
            Basis::Bootstrap { .. } => "bootstrap",
            Basis::Unavailable => "unavailable",
        }
    }
}

/// The chi-square test over bins of equal fitted probability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub bins: usize,
    pub degrees_of_freedom: usize,
    pub p_value: Option<f64>,
}

/// The goodness of fit of one fit to its sample.
#[derive(Clone, Debug, PartialEq)]
pub struct GoodnessOfFit {
    pub kolmogorov_smirnov: Test,
    /// `None` for a censored sample, or when a value lies at an end of the fitted support (where
    /// `A²` is infinite: a uniform fitted to its extreme values).
    pub anderson_darling: Option<Test>,
    /// `None` for a censored sample or fewer than 15 values.
    pub chi_square: Option<ChiSquare>,
}

/// Measures how well `fit` describes `sample`.
pub fn goodness_of_fit(sample: &Sample, fit: &Fit) -> GoodnessOfFit {
    let law = fit.law().sampler();
    if !sample.is_complete() {
        let distance = censored_distance(sample, &law);
        return GoodnessOfFit {
            kolmogorov_smirnov: Test {
                statistic: distance,
                p_value: None,
                basis: Basis::Unavailable,
            },
            anderson_darling: None,
            chi_square: None,
        };
    }
    let values = sample.failures();
    let n = values.len();
    let probabilities: Vec<(f64, f64)> =
        values.iter().map(|&x| (law.cdf(x), law.survival(x))).collect();
    let d = kolmogorov_smirnov_statistic(&probabilities);
    let kolmogorov_smirnov = Test {
        statistic: d,
        p_value: Some(kolmogorov_smirnov_p_value(n, d)),
        basis: Basis::ParametersKnown,
    };
    let anderson_darling = anderson_darling_of(fit, values, &probabilities).map(|a2| {
        if tested_on_logs(fit) {
            Test {
                statistic: a2,
                p_value: Some(normal_anderson_darling_p_value(n, a2)),
                basis: Basis::EstimatedParameters,
            }
        } else {
            Test {
                statistic: a2,
                p_value: Some(anderson_darling_p_value(n, a2)),
                basis: Basis::ParametersKnown,
            }
        }
    });
    let chi_square = chi_square(&probabilities, fit.parameter_count());
    GoodnessOfFit { kolmogorov_smirnov, anderson_darling, chi_square }
}

/// Whether a fit's Anderson–Darling test is the normal one with estimated parameters (D'Agostino
/// and Stephens), on the values or their logarithms.
fn tested_on_logs(fit: &Fit) -> bool {
    matches!(fit.family, super::Family::Normal | super::Family::Lognormal)
}

/// The Anderson–Darling statistic A² of `fit` to the complete sample `values` (ascending), the one
/// both the table's p-value and the bootstrap's measure. For a normal or lognormal fit it is
/// measured against the law with the sample sd (divisor n − 1), not the maximum-likelihood one
/// (divisor n): D'Agostino and Stephens' table is for that sd, and with the smaller one A² comes
/// out larger and a correct normal sample was rejected too often (8.7 % of the time at a nominal
/// 5 % for n = 5). `probabilities` are the values' (cdf, survival) under the fitted law itself,
/// which every other family's A² is measured on.
fn anderson_darling_of(fit: &Fit, values: &[f64], probabilities: &[(f64, f64)]) -> Option<f64> {
    if !tested_on_logs(fit) {
        return anderson_darling_statistic(probabilities);
    }
    let estimate = fit.values();
    let n = values.len() as f64;
    let widened = libm::sqrt(n / (n - 1.0));
    let law = fit.family.distribution(&[estimate[0], estimate[1] * widened], false).sampler();
    let probabilities: Vec<(f64, f64)> =
        values.iter().map(|&x| (law.cdf(x), law.survival(x))).collect();
    anderson_darling_statistic(&probabilities)
}

/// Below this p-value a goodness-of-fit test rejects the family clearly enough for a report to warn
/// when it is the one chosen.
pub const REJECTED_BELOW: f64 = 0.01;

impl GoodnessOfFit {
    /// The tests that reject the fit at [`REJECTED_BELOW`], as `("KS", p)`, in the order KS, AD,
    /// χ². The KS and AD p-values that treat the parameters as known are too large, so a rejection
    /// by them is, if anything, understated. `ks` and `ad` are the tests shown (bootstrapped ones
    /// when asked for).
    pub fn rejections(&self, ks: &Test, ad: Option<&Test>) -> Vec<(&'static str, f64)> {
        let chi = self.chi_square.and_then(|c| c.p_value);
        [("KS", ks.p_value), ("AD", ad.and_then(|t| t.p_value)), ("χ²", chi)]
            .into_iter()
            .filter_map(|(name, p)| p.filter(|p| *p < REJECTED_BELOW).map(|p| (name, p)))
            .collect()
    }
}

/// A warning that the chosen fit `label` is rejected by `rejections` (see
/// [`GoodnessOfFit::rejections`]), or `None` when no test rejects it.
pub fn rejection_warning(label: &str, rejections: &[(&str, f64)]) -> Option<String> {
    if rejections.is_empty() {
        return None;
    }
    let tests: Vec<String> =
        rejections
            .iter()
            .map(|(name, p)| {
                if *p < 0.001 { format!("{name} p < 0.001") } else { format!("{name} p = {p:.3}") }
            })
            .collect();
    Some(format!(
        "the best family, {label}, fails its goodness-of-fit test{} ({}): none of the candidates \
         describes these data well; look at the Q–Q plot (`fab fit … --plot DIR`) before using it",
        if tests.len() == 1 { "" } else { "s" },
        tests.join(", ")
    ))
}

/// `D` from the pairs `(F(x₍ᵢ₎), S(x₍ᵢ₎))` at the ordered values.
pub fn kolmogorov_smirnov_statistic(probabilities: &[(f64, f64)]) -> f64 {
    let n = probabilities.len() as f64;
    let mut d: f64 = 0.0;
    for (i, &(u, _)) in probabilities.iter().enumerate() {
        d = d.max((i + 1) as f64 / n - u).max(u - i as f64 / n);
    }
    d
}

/// `A²` from the pairs `(F(x₍ᵢ₎), S(x₍ᵢ₎))` at the ordered values; `None` when some value lies
/// at or beyond an end of the support (a probability of exactly 0 or 1), where `A²` is infinite.
pub fn anderson_darling_statistic(probabilities: &[(f64, f64)]) -> Option<f64> {
    let n = probabilities.len();
    let mut sum = 0.0;
    for i in 0..n {
        let (lower, _) = probabilities[i];
        let (_, upper) = probabilities[n - 1 - i];
        if !(lower > 0.0 && upper > 0.0) {
            return None;
        }
        sum += (2 * i + 1) as f64 * (libm::log(lower) + libm::log(upper));
    }
    let a2 = -(n as f64) - sum / n as f64;
    a2.is_finite().then_some(a2)
}

/// `P(Dₙ ≥ d)` for a law fixed in advance.
pub fn kolmogorov_smirnov_p_value(n: usize, d: f64) -> f64 {
    if n == 0 || d.is_nan() {
        return f64::NAN;
    }
    if d <= 0.0 {
        return 1.0;
    }
    if d >= 1.0 {
        return 0.0;
    }
    let nf = n as f64;
    let s = d * d * nf;
    // Marsaglia, Tsang and Wang's formula for the far tail, good to about 7 digits there.
    if s > 7.24 || (s > 3.76 && n > 99) {
        let exponent = (2.000_071 + 0.331 / libm::sqrt(nf) + 1.409 / nf) * s;
        return (2.0 * libm::exp(-exponent)).min(1.0);
    }
    match kolmogorov_exact_cdf(n, d) {
        Some(cdf) => (1.0 - cdf).clamp(0.0, 1.0),
        None => {
            let root = libm::sqrt(nf);
            kolmogorov_limit_survival((root + 0.12 + 0.11 / root) * d)
        }
    }
}

/// Matrices larger than this are not powered: the limiting law is used instead.
const LARGEST_MATRIX: usize = 121;

/// `P(Dₙ < d)` by Marsaglia, Tsang and Wang's matrix method, or `None` when the matrix would be
/// larger than [`LARGEST_MATRIX`].
///
/// With `k = ⌊n d⌋ + 1`, `m = 2k − 1` and `h = k − n d`, the probability is
/// `n!/nⁿ · (Hⁿ)ₖₖ` for the `m × m` matrix `H` with `H_ij = 1/(i − j + 1)!` on and below the first
/// superdiagonal (0 above), whose first column and last row are corrected by powers of `h`. The
/// power is taken by repeated squaring; its entries are kept in range by moving factors of 2⁵⁰⁰
/// into a separate exponent.
fn kolmogorov_exact_cdf(n: usize, d: f64) -> Option<f64> {
    let nf = n as f64;
    let k = libm::floor(nf * d) as usize + 1;
    let m = 2 * k - 1;
    if m > LARGEST_MATRIX {
        return None;
    }
    let h = k as f64 - nf * d;
    let mut matrix = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            if i + 1 >= j {
                matrix[i * m + j] = 1.0;
            }
        }
    }
    for i in 0..m {
        matrix[i * m] -= libm::pow(h, (i + 1) as f64);
        matrix[(m - 1) * m + i] -= libm::pow(h, (m - i) as f64);
    }
    if 2.0 * h - 1.0 > 0.0 {
        matrix[(m - 1) * m] += libm::pow(2.0 * h - 1.0, m as f64);
    }
    for i in 0..m {
        for j in 0..m {
            if i + 1 > j {
                let mut factorial = 1.0;
                for g in 1..=(i + 1 - j) {
                    factorial *= g as f64;
                }
                matrix[i * m + j] /= factorial;
            }
        }
    }
    let centre = (k - 1) * m + (k - 1);
    let (power, mut exponent) = matrix_power(&matrix, m, n, centre);
    let mut s = power[centre];
    for i in 1..=n {
        s = s * i as f64 / nf;
        if s < RESCALE_DOWN {
            s *= RESCALE_UP;
            exponent -= RESCALE_BITS;
        }
    }
    Some(libm::ldexp(s, exponent))
}

const RESCALE_BITS: i32 = 500;
const RESCALE_UP: f64 = 3.273_390_607_896_142e150; // 2⁵⁰⁰
const RESCALE_DOWN: f64 = 3.054_936_363_499_605e-151; // 2⁻⁵⁰⁰

/// `matrixⁿ` (`m × m`, row-major) and the power of 2 its entries were divided by.
fn matrix_power(matrix: &[f64], m: usize, n: usize, centre: usize) -> (Vec<f64>, i32) {
    if n == 1 {
        return (matrix.to_vec(), 0);
    }
    let (half, half_exponent) = matrix_power(matrix, m, n / 2, centre);
    let mut result = multiply(&half, &half, m);
    let mut exponent = 2 * half_exponent;
    if n % 2 == 1 {
        result = multiply(matrix, &result, m);
    }
    if result[centre] > RESCALE_UP {
        for value in &mut result {
            *value *= RESCALE_DOWN;
        }
        exponent += RESCALE_BITS;
    }
    (result, exponent)
}

fn multiply(a: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut out = vec![0.0; m * m];
    for i in 0..m {
        for k in 0..m {
            let factor = a[i * m + k];
            if factor == 0.0 {
                continue;
            }
            for j in 0..m {
                out[i * m + j] += factor * b[k * m + j];
            }
        }
    }
    out
}

/// `P(K > x)` for Kolmogorov's limiting law `K`: `2 Σ (−1)ʲ⁻¹ exp(−2j²x²)` for x ≥ 1, and
/// `1 − √(2π)/x Σ exp(−(2j − 1)²π²/(8x²))` below, where that series converges faster.
pub fn kolmogorov_limit_survival(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if x < 1.0 {
        let mut sum = 0.0;
        for j in 1..=20 {
            let odd = (2 * j - 1) as f64;
            sum +=
                libm::exp(-odd * odd * std::f64::consts::PI * std::f64::consts::PI / (8.0 * x * x));
        }
        return (1.0 - libm::sqrt(2.0 * std::f64::consts::PI) / x * sum).clamp(0.0, 1.0);
    }
    let mut sum = 0.0;
    for j in 1..=100 {
        let term = libm::exp(-2.0 * (j * j) as f64 * x * x);
        sum += if j % 2 == 1 { term } else { -term };
        if term < 1e-300 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// `P(Aₙ² ≥ a2)` for a law fixed in advance, by Marsaglia and Marsaglia's approximation of the
/// limiting distribution and their correction for `n` values (2004).
pub fn anderson_darling_p_value(n: usize, a2: f64) -> f64 {
    if n == 0 || a2.is_nan() {
        return f64::NAN;
    }
    if a2 <= 0.0 {
        return 1.0;
    }
    let limit = anderson_darling_limit_cdf(a2);
    (1.0 - (limit + anderson_darling_correction(n as f64, limit))).clamp(0.0, 1.0)
}

/// Marsaglia and Marsaglia's short approximation of `lim P(Aₙ² < z)`: absolute error below
/// 2·10⁻⁶ for z < 2 and 8·10⁻⁷ above.
fn anderson_darling_limit_cdf(z: f64) -> f64 {
    if z < 2.0 {
        let polynomial = 2.00012
            + (0.247105 - (0.0649821 - (0.0347962 - (0.011672 - 0.00168691 * z) * z) * z) * z) * z;
        libm::exp(-1.2337141 / z) / libm::sqrt(z) * polynomial
    } else {
        let inner = 1.0776
            - (2.30695 - (0.43424 - (0.082433 - (0.008056 - 0.0003146 * z) * z) * z) * z) * z;
        libm::exp(-libm::exp(inner))
    }
}

/// The finite-sample correction to add to the limiting probability `x` (Marsaglia and
/// Marsaglia's `errfix`), in three pieces over `x`.
///
/// At `x = 1` the correction must vanish (both laws are certain to be below an infinite `A²`),
/// but the published coefficients of the top piece, rounded to 7 digits, leave `−0.0006/n` there.
/// Left alone, that residue becomes a floor of `0.0006/n` under every p-value, so `A² = 565`
/// with 1000 values read `p = 6·10⁻⁷`. The residue is taken off linearly over the piece
/// `(0.8, 1]`, which leaves the correction at 0.8 as published and changes it nowhere by more
/// than `0.0006/n`.
fn anderson_darling_correction(n: f64, x: f64) -> f64 {
    if x > 0.8 {
        let top = |x: f64| {
            -130.2137
                + (745.2337 - (1705.091 - (1950.646 - (1116.360 - 255.7844 * x) * x) * x) * x) * x
        };
        return (top(x) - top(1.0) * (x - 0.8) / 0.2) / n;
    }
    let c = 0.01265 + 0.1757 / n;
    if x < c {
        let t = x / c;
        let shape = libm::sqrt(t) * (1.0 - t) * (49.0 * t - 102.0);
        return shape * (0.0037 / (n * n) + 0.00078 / n + 0.00006) / n;
    }
    let t = (x - c) / (0.8 - c);
    let shape =
        -0.00022633 + (6.54034 - (14.6538 - (14.458 - (8.259 - 1.91864 * t) * t) * t) * t) * t;
    shape * (0.04213 + 0.01365 / n) / n
}

/// `P(A² ≥ a2)` for a normal (or the logarithms of a lognormal) with mean and sd both estimated,
/// the sd with divisor `n − 1` as the table assumes: D'Agostino and Stephens (1986), Table 4.9,
/// in the modified statistic `A*² = A² (1 + 0.75/n + 2.25/n²)`.
///
/// The table gives four exponential formulas in `A*²`, each fitted over its own range. The last
/// one, `exp(1.2937 − 5.709 a + 0.0186 a²)`, is a parabola in the exponent: it has its lowest
/// point near `a = 153` and climbs back above 1 near `a = 307`, so applied beyond its range it
/// called the worst fits the best. It is used up to `a = 10` (where `p ≈ 3.7·10⁻²⁴`, as R's
/// `nortest::ad.test` does too), and the p-value stays there beyond. The third and fourth formulas
/// do not meet at `a = 0.6`: the fourth starts 0.0025 higher, so the p-value is held at the third's
/// value there until the fourth falls below it. The result never increases with `A²` and lies in
/// [0, 1].
pub fn normal_anderson_darling_p_value(n: usize, a2: f64) -> f64 {
    if n == 0 || a2.is_nan() {
        return f64::NAN;
    }
    let nf = n as f64;
    let a = (a2 * (1.0 + 0.75 / nf + 2.25 / (nf * nf))).max(0.0);
    let third = |a: f64| libm::exp(0.9177 - 4.279 * a - 1.38 * a * a);
    let fourth = |a: f64| libm::exp(1.2937 - 5.709 * a + 0.0186 * a * a);
    let p = if a < 0.2 {
        1.0 - libm::exp(-13.436 + 101.14 * a - 223.73 * a * a)
    } else if a < 0.34 {
        1.0 - libm::exp(-8.318 + 42.796 * a - 59.938 * a * a)
    } else if a < 0.6 {
        third(a)
    } else {
        fourth(a.min(NORMAL_ANDERSON_DARLING_LAST)).min(third(0.6))
    };
    p.clamp(0.0, 1.0)
}

/// The largest `A*²` D'Agostino and Stephens' last formula is used at (see
/// [`normal_anderson_darling_p_value`]).
const NORMAL_ANDERSON_DARLING_LAST: f64 = 10.0;

/// The chi-square test on bins of equal fitted probability, or `None` below 15 values.
fn chi_square(probabilities: &[(f64, f64)], estimated: usize) -> Option<ChiSquare> {
    let n = probabilities.len();
    let most = n / 5;
    if most < 3 {
        return None;
    }
    let bins = (libm::ceil(2.0 * libm::pow(n as f64, 0.4)) as usize).clamp(3, most);
    let mut counts = vec![0usize; bins];
    for &(u, _) in probabilities {
        let bin = (libm::floor(u * bins as f64).max(0.0) as usize).min(bins - 1);
        counts[bin] += 1;
    }
    let expected = n as f64 / bins as f64;
    let statistic: f64 =
        counts.iter().map(|&o| (o as f64 - expected) * (o as f64 - expected) / expected).sum();
    let degrees_of_freedom = (bins - 1).saturating_sub(estimated);
    let p_value =
        (degrees_of_freedom > 0).then(|| chi_square_p_value(statistic, degrees_of_freedom as f64));
    Some(ChiSquare { statistic, bins, degrees_of_freedom, p_value })
}

/// `P(χ²_df ≥ x)`: the upper regularized incomplete gamma function `Q(df/2, x/2)`.
pub fn chi_square_p_value(x: f64, degrees_of_freedom: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    Distribution::Gamma { shape: degrees_of_freedom / 2.0, scale: 2.0 }.sampler().survival(x)
}

/// The Kaplan–Meier estimate of the survival function: `(t, S(t))` after each distinct failure
/// time. A value censored at a failure time counts as still at risk then (the usual convention).
pub fn kaplan_meier(sample: &Sample) -> Vec<(f64, f64)> {
    let failures = sample.failures();
    let censored = sample.censored_values();
    let mut steps = Vec::new();
    let mut survival = 1.0;
    let mut i = 0;
    while i < failures.len() {
        let t = failures[i];
        let deaths = failures[i..].iter().take_while(|&&x| x == t).count();
        let at_risk = failures.len() - i + censored.len() - censored.partition_point(|&c| c < t);
        survival *= 1.0 - deaths as f64 / at_risk as f64;
        steps.push((t, survival));
        i += deaths;
    }
    steps
}

/// The largest gap between the Kaplan–Meier estimate of the distribution function and the fitted
/// one, on both sides of each step.
fn censored_distance(sample: &Sample, law: &Sampler) -> f64 {
    let mut before = 0.0;
    let mut d: f64 = 0.0;
    for (t, survival) in kaplan_meier(sample) {
        let fitted = law.cdf(t);
        let after = 1.0 - survival;
        d = d.max((fitted - before).abs()).max((after - fitted).abs());
        before = after;
    }
    d
}

/// Parametric bootstrap p-values `(KS, AD)` for a fit to a complete sample: `replicates` samples of
/// the same size are drawn from the fitted law (streams seeded by `seed`, the replicate number and
/// the family), the family is refitted to each, and each p-value is
/// `(1 + #{T* ≥ T}) / (1 + B)` over the `B` replicates that could be refitted. `None` for a censored
/// sample, no replicates, or when no replicate could be refitted. The AD p-value is `None` when
/// the observed `A²` is not finite.
pub fn bootstrap(
    sample: &Sample,
    fit: &Fit,
    non_negative: bool,
    replicates: usize,
    seed: u64,
) -> Option<(Test, Option<Test>)> {
    if !sample.is_complete() || replicates == 0 {
        return None;
    }
    // The statistics the plain tests report, so that a bootstrap changes their p-values only.
    let statistics = |sample: &Sample, fit: &Fit| {
        let law = fit.law().sampler();
        let probabilities: Vec<(f64, f64)> =
            sample.failures().iter().map(|&x| (law.cdf(x), law.survival(x))).collect();
        let ad = anderson_darling_of(fit, sample.failures(), &probabilities);
        (kolmogorov_smirnov_statistic(&probabilities), ad)
    };
    let (ks, ad) = statistics(sample, fit);
    let law = fit.law().sampler();
    let n = sample.len();
    let (mut used, mut ks_above, mut ad_above) = (0usize, 0usize, 0usize);
    for replicate in 0..replicates {
        let mut stream = Stream::new(seed, replicate as u32, "fit.bootstrap", fit.family.key());
        let values: Vec<f64> = (0..n).map(|_| law.sample(&mut stream)).collect();
        let Ok(resample) = Sample::complete(&values) else { continue };
        let Ok(refit) = fit_one(&resample, fit.family, non_negative, false) else { continue };
        let (ks_star, ad_star) = statistics(&resample, &refit);
        used += 1;
        if ks_star >= ks {
            ks_above += 1;
        }
        // A replicate whose A² is infinite is at least as extreme as any observed value.
        if ad.is_some_and(|ad| ad_star.is_none_or(|a| a >= ad)) {
            ad_above += 1;
        }
    }
    if used == 0 {
        return None;
    }
    let basis = Basis::Bootstrap { replicates: used };
    let p = |above: usize| (1 + above) as f64 / (1 + used) as f64;
    let ks_test = Test { statistic: ks, p_value: Some(p(ks_above)), basis };
    let ad_test = ad.map(|a2| Test { statistic: a2, p_value: Some(p(ad_above)), basis });
    Some((ks_test, ad_test))
}
