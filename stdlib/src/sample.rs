//! Fast, deterministic sampling of [`Distribution`]s, with their distribution and quantile
//! functions.
//!
//! [`Distribution::sampler`] prepares a [`Sampler`] once: every parameter a draw needs is
//! precomputed (the lognormal's `μ` and `σ` of the log, the gamma's Marsaglia–Tsang constants, the
//! sorted data of an empirical law), so a draw costs a few arithmetic operations and at most one or
//! two calls into `libm`. All transcendental math goes through `libm`, so a seed gives the same
//! numbers on every platform.
//!
//! # Methods
//!
//! Where a closed-form inverse exists and is cheap, a draw is an inversion of **one** uniform `u`:
//! the value is the quantile at `u`, increasing in `u`. It keeps common random numbers aligned: two
//! scenarios that change a parameter map the same `u` to neighbouring values.
//!
//! - constant: the value (no uniform is used).
//! - uniform, triangular: the closed-form quantile.
//! - exponential: `−mean · ln(1 − u)` (`ln(1 − u)` rather than `ln u` so a draw is the quantile).
//! - Weibull: `location + scale · (−ln(1 − u))^(1/shape)`.
//!
//! The normal quantile has no closed form, and evaluating it costs several times a uniform, so
//! normal variates come from the ziggurat method ([`crate::ziggurat`]): usually one output of the
//! stream, a table look-up, a multiplication and a comparison; exact, with the tail beyond
//! `r ≈ 3.65` sampled exactly and no approximation of the density. A standard normal `Z` drawn this
//! way depends only on the stream, not on the parameters, so common random numbers stay aligned
//! across scenarios that change a mean or an sd: the same `Z` is scaled differently.
//!
//! - normal: `mean + sd · Z`.
//! - lognormal: `location + exp(μ + σ Z)` with `σ² = ln(1 + cv²)` and `μ = ln m − σ²/2`
//!   precomputed from the variable's own mean and sd, where `m = mean − location` is the mean of
//!   the lognormal factor and `cv = sd / m` (the location is 0 unless the law is shifted).
//! - truncated normal (`x ≥ 0`), when the kept mass is at least ½ (`mean ≥ 0`): `mean + sd · Z`,
//!   with negative values redrawn (fewer than two draws on average, and about one when the mean
//!   is a few sd above 0). This is exactly the normal conditioned on `x ≥ 0`, and the same draws as
//!   the untruncated normal until the first negative one.
//! - truncated normal with a smaller kept mass: inversion restricted to the kept part, where
//!   redrawing would be slow or loop for ever. With `α = −mean / sd` and `Q` the upper tail of the
//!   standard normal, the kept mass is `Q(α)` and `z = −Φ⁻¹((1 − u) Q(α))`: exact, and accurate
//!   even far in the tail. Close to 0, where `x = sd · (z − α)` would cancel, a few Newton steps
//!   solve for `z − α` directly, with `P(α < Z ≤ α + δ)` from a Taylor series. A kept mass below
//!   10⁻³⁰⁰ gives the constant 0. `Φ⁻¹` is Wichura's algorithm AS 241 (PPND16): a rational
//!   function of degree 7/7 in the central region `|u − ½| ≤ 0.425`, and in `√(−ln min(u, 1 − u))`
//!   in the two tail regions; relative error about 10⁻¹⁶ everywhere. It also gives the normal and
//!   lognormal quantiles and residual lives.
//!
//! The other families have no cheap inverse:
//!
//! - gamma: Marsaglia and Tsang's squeeze-and-reject method (one normal and one uniform per trial,
//!   acceptance above 95 %); for `shape < 1` a draw of `shape + 1` is multiplied by `u^(1/shape)`.
//!   Its normals are ziggurat draws, so the whole stream stays platform-independent.
//! - Erlang `k`: for `k ≤ 16`, `−(mean / k) · ln(u₁ ⋯ u_k)`, one logarithm for the sum of `k`
//!   exponentials (the product cannot underflow: each `uᵢ ≥ 2⁻⁵³`); for larger `k`, a gamma draw.
//! - PERT: `min + (max − min) · X` with `X = G_α / (G_α + G_β)` a beta variate from two gamma draws,
//!   `α = 1 + 4 (mode − min)/(max − min)`, `β = 1 + 4 (max − mode)/(max − min)`.
//! - empirical: uniform resampling of the observed values (each observation, not each distinct
//!   value, is equally likely), by [`Stream::below`]; no interpolation between observations.
//!
//! # Distribution and quantile functions
//!
//! Closed forms where they exist, with the upper tail computed directly (through `erfc`, `exp`)
//! rather than as `1 − F`, so far tails keep their relative precision. Gamma and Erlang use the
//! regularized incomplete gamma function (power series below `x = a + 1`, Lentz's continued
//! fraction above), PERT the regularized incomplete beta function (continued fraction), and their
//! quantiles a safeguarded Newton iteration inside a bracket (bisection whenever a Newton step
//! leaves it) to about 10⁻¹³ relative. The empirical law's distribution function is the ECDF and
//! its quantile the order statistic: the smallest observation `x` with `F(x) ≥ p`.
//!
//! # Residual lives
//!
//! [`Sampler::sample_residual`] draws `T − age` for `T` conditioned on `T > age`. Exponential:
//! memoryless, a fresh draw. Weibull: `T − age = scale · a · ((1 + E / aᵝ)^(1/β) − 1)` with
//! `a = (age − location)/scale` and `E` a unit exponential, evaluated through `log1p`/`expm1` so a
//! short residual of an old unit keeps its precision. Empirical: a uniform choice among the
//! observations above `age`. Otherwise inversion: the survival target `S(age) · (1 − u)` is
//! inverted; an `age` whose survival is below 10⁻³⁰⁰ gives 0.
//!
//! Parameters a [`Distribution`] built by [`crate::dist::build`] cannot have (a non-positive shape,
//! an empty empirical law) give a sampler that always returns NaN, rather than a panic or an
//! endless rejection loop.

use std::f64::consts::{FRAC_1_SQRT_2, PI};
use std::sync::Arc;

use crate::dist::Distribution;
use crate::random::Stream;
use crate::special::incomplete_beta;
use crate::ziggurat::standard_normal;

/// A distribution prepared for fast repeated sampling. Build it with [`Distribution::sampler`];
/// the fields are precomputed from the distribution's parameters and must stay consistent.
#[derive(Clone, Debug)]
pub enum Sampler {
    Constant {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// `min + (max − min) · Beta(alpha, beta)`.
    Pert {
        min: f64,
        max: f64,
        alpha: StandardGamma,
        beta: StandardGamma,
        /// `ln B(α, β)`.
        ln_beta: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    /// A normal restricted to `x ≥ 0`.
    TruncatedNormal {
        mean: f64,
        sd: f64,
        /// `Φ(−mean / sd)`, the cut-off mass.
        below: f64,
        /// `Q(−mean / sd) = 1 − below`, the kept mass, computed without cancellation.
        kept: f64,
    },
    /// `location + exp(mu + sigma · Z)`.
    Lognormal {
        mu: f64,
        sigma: f64,
        location: f64,
    },
    Exponential {
        mean: f64,
    },
    Gamma {
        gamma: StandardGamma,
        scale: f64,
    },
    /// The gamma law with shape `k` and scale `mean / k`.
    Erlang {
        k: u32,
        scale: f64,
        gamma: StandardGamma,
    },
    Weibull {
        shape: f64,
        scale: f64,
        location: f64,
    },
    /// The observations, sorted ascending.
    Empirical {
        sorted: Arc<[f64]>,
    },
}

/// The precomputed constants of a standard (unit-scale) gamma law of one shape.
#[derive(Clone, Copy, Debug)]
pub struct StandardGamma {
    shape: f64,
    /// `ln Γ(shape)`.
    ln_gamma: f64,
    /// Marsaglia–Tsang's `d = s − 1/3` and `c = 1/√(9d)` for `s = max(shape, shape + 1)`.
    d: f64,
    c: f64,
    /// `1 / shape` when `shape < 1` (the boost `u^(1/shape)`), else 0.
    boost: f64,
}

/// Erlang laws with at most this many phases are drawn as one logarithm of a product of uniforms.
const ERLANG_PRODUCT_MAX: u32 = 16;
/// A truncated normal keeping at least this mass is drawn by redrawing negative normal draws (at
/// most two draws on average); below it, by inversion.
const REDRAW_MIN_KEPT: f64 = 0.5;
/// A survival below this is treated as 0.
const NEGLIGIBLE: f64 = 1e-300;

impl Distribution {
    /// Prepares this distribution for repeated sampling.
    pub fn sampler(&self) -> Sampler {
        let invalid = Sampler::Constant { value: f64::NAN };
        match self {
            Distribution::Constant { value } => Sampler::Constant { value: *value },
            Distribution::Uniform { min, max } => {
                if max > min {
                    Sampler::Uniform { min: *min, max: *max }
                } else {
                    Sampler::Constant { value: *min }
                }
            }
            Distribution::Triangular { min, mode, max } => {
                if !(min <= mode && mode <= max) {
                    invalid
                } else if max > min {
                    Sampler::Triangular { min: *min, mode: *mode, max: *max }
                } else {
                    Sampler::Constant { value: *min }
                }
            }
            Distribution::Pert { min, mode, max } => {
                if !(min <= mode && mode <= max) {
                    return invalid;
                }
                if max <= min {
                    return Sampler::Constant { value: *min };
                }
                let width = max - min;
                let alpha = 1.0 + 4.0 * (mode - min) / width;
                let beta = 1.0 + 4.0 * (max - mode) / width;
                let ln_beta = crate::special::ln_beta(alpha, beta);
                match (StandardGamma::new(alpha), StandardGamma::new(beta)) {
                    (Some(alpha), Some(beta)) => {
                        Sampler::Pert { min: *min, max: *max, alpha, beta, ln_beta }
                    }
                    _ => invalid,
                }
            }
            Distribution::Normal { mean, sd, truncated } => {
                if !(mean.is_finite() && sd.is_finite() && *sd >= 0.0) {
                    return invalid;
                }
                if !truncated {
                    return if *sd > 0.0 {
                        Sampler::Normal { mean: *mean, sd: *sd }
                    } else {
                        Sampler::Constant { value: *mean }
                    };
                }
                let alpha = -mean / sd;
                let kept = upper_tail(alpha);
                if *sd > 0.0 && kept >= NEGLIGIBLE {
                    Sampler::TruncatedNormal {
                        mean: *mean,
                        sd: *sd,
                        below: lower_tail(alpha),
                        kept,
                    }
                } else {
                    Sampler::Constant { value: mean.max(0.0) }
                }
            }
            Distribution::Lognormal { mean, sd, location } => {
                // The shifted part `mean − location` is the mean of the lognormal factor.
                let above = mean - location;
                let finite = [mean, sd, location, &above].iter().all(|v| v.is_finite());
                if !(finite && above > 0.0 && *sd >= 0.0) {
                    return invalid;
                }
                if *sd == 0.0 {
                    return Sampler::Constant { value: *mean };
                }
                let cv = sd / above;
                let variance_of_log = libm::log1p(cv * cv);
                Sampler::Lognormal {
                    mu: libm::log(above) - 0.5 * variance_of_log,
                    sigma: libm::sqrt(variance_of_log),
                    location: *location,
                }
            }
            Distribution::Exponential { mean } => {
                if mean.is_finite() && *mean > 0.0 {
                    Sampler::Exponential { mean: *mean }
                } else {
                    invalid
                }
            }
            Distribution::Gamma { shape, scale } => match StandardGamma::new(*shape) {
                Some(gamma) if scale.is_finite() && *scale > 0.0 => {
                    Sampler::Gamma { gamma, scale: *scale }
                }
                _ => invalid,
            },
            Distribution::Erlang { k, mean } => match StandardGamma::new(f64::from(*k)) {
                Some(gamma) if mean.is_finite() && *mean > 0.0 => {
                    Sampler::Erlang { k: *k, scale: mean / f64::from(*k), gamma }
                }
                _ => invalid,
            },
            Distribution::Weibull { shape, scale, location } => {
                let valid = [shape, scale, location].iter().all(|v| v.is_finite())
                    && *shape > 0.0
                    && *scale > 0.0;
                if valid {
                    Sampler::Weibull { shape: *shape, scale: *scale, location: *location }
                } else {
                    invalid
                }
            }
            Distribution::Empirical { values } => {
                if values.is_empty() || values.iter().any(|v| v.is_nan()) {
                    return invalid;
                }
                let mut sorted = values.clone();
                sorted.sort_by(f64::total_cmp);
                Sampler::Empirical { sorted: sorted.into() }
            }
        }
    }

    /// The distribution function `P(X ≤ x)`. For repeated evaluation, build the [`Sampler`] once
    /// and call [`Sampler::cdf`].
    pub fn cdf(&self, x: f64) -> f64 {
        self.sampler().cdf(x)
    }

    /// The quantile (inverse distribution function) at `p` in (0, 1): closed form where one
    /// exists, else a bracketed Newton solve on the cdf to about 10⁻¹³ relative. `p ≤ 0` and
    /// `p ≥ 1` give the ends of the support.
    pub fn quantile(&self, p: f64) -> f64 {
        self.sampler().quantile(p)
    }
}

/// A lognormal draw: `location + e^(μ + σ·Z)`.
#[inline]
fn lognormal(mu: f64, sigma: f64, location: f64, stream: &mut Stream) -> f64 {
    location + crate::fastexp::exp(mu + sigma * standard_normal(stream))
}

impl Sampler {
    /// One draw.
    ///
    /// The lognormal, the commonest law of processing times, is drawn here, small enough to be
    /// inlined into the caller; the other laws in [`Self::sample_other`], whose many arms would
    /// otherwise make every draw save and restore registers it does not use.
    #[inline(always)]
    pub fn sample(&self, stream: &mut Stream) -> f64 {
        match self {
            Sampler::Lognormal { mu, sigma, location } => lognormal(*mu, *sigma, *location, stream),
            _ => self.sample_other(stream),
        }
    }

    /// One draw of a law other than the lognormal.
    #[inline(never)]
    fn sample_other(&self, stream: &mut Stream) -> f64 {
        match self {
            Sampler::Constant { value } => *value,
            Sampler::Uniform { min, max } => min + (max - min) * stream.uniform(),
            Sampler::Normal { mean, sd } => mean + sd * standard_normal(stream),
            Sampler::Lognormal { mu, sigma, location } => lognormal(*mu, *sigma, *location, stream),
            Sampler::TruncatedNormal { mean, sd, kept, .. } if *kept >= REDRAW_MIN_KEPT => loop {
                let x = mean + sd * standard_normal(stream);
                if x >= 0.0 {
                    break x;
                }
            },
            Sampler::Exponential { mean } => -mean * libm::log1p(-stream.uniform()),
            Sampler::Triangular { .. }
            | Sampler::TruncatedNormal { .. }
            | Sampler::Weibull { .. } => {
                let u = stream.uniform();
                self.inverse(u, 1.0 - u)
            }
            Sampler::Gamma { gamma, scale } => scale * gamma.sample(stream),
            Sampler::Erlang { k, scale, gamma } => {
                if *k <= ERLANG_PRODUCT_MAX {
                    let product = (0..*k).fold(1.0, |product, _| product * stream.uniform());
                    -scale * libm::log(product)
                } else {
                    scale * gamma.sample(stream)
                }
            }
            Sampler::Pert { min, max, alpha, beta, .. } => {
                let a = alpha.sample(stream);
                let b = beta.sample(stream);
                let x = if a + b > 0.0 { a / (a + b) } else { 0.5 };
                min + (max - min) * x
            }
            Sampler::Empirical { sorted } => sorted[stream.below(sorted.len() as u64) as usize],
        }
    }

    /// A remaining life given survival to `age` (`age ≥ 0`): draws `T` conditioned on `T > age`
    /// and returns `T − age ≥ 0`. Used for minimal repair and virtual age. If the survival at
    /// `age` is negligible (below 10⁻³⁰⁰), returns 0.
    pub fn sample_residual(&self, age: f64, stream: &mut Stream) -> f64 {
        match self {
            Sampler::Exponential { mean } => -mean * libm::log1p(-stream.uniform()),
            Sampler::Weibull { shape, scale, location } => {
                if age <= *location {
                    return (self.sample(stream) - age).max(0.0);
                }
                let a = (age - location) / scale;
                let hazard = libm::pow(a, *shape);
                let exponential = -libm::log1p(-stream.uniform());
                let ratio = exponential / hazard;
                let residual = if hazard > 0.0 && ratio.is_finite() {
                    scale * a * libm::expm1(libm::log1p(ratio) / shape)
                } else {
                    scale * libm::pow(hazard + exponential, 1.0 / shape) - (age - location)
                };
                if residual.is_nan() { 0.0 } else { residual.max(0.0) }
            }
            Sampler::Empirical { sorted } => {
                let first_above = sorted.partition_point(|v| *v <= age);
                let count = sorted.len() - first_above;
                if count == 0 {
                    return 0.0;
                }
                sorted[first_above + stream.below(count as u64) as usize] - age
            }
            _ => {
                let survival = self.survival(age);
                if survival.is_nan() || survival < NEGLIGIBLE {
                    return 0.0;
                }
                if survival >= 1.0 {
                    return (self.sample(stream) - age).max(0.0);
                }
                let q = survival * (1.0 - stream.uniform());
                let residual = self.inverse(1.0 - q, q) - age;
                if residual.is_nan() { 0.0 } else { residual.max(0.0) }
            }
        }
    }

    /// The mean of the variable.
    pub fn mean(&self) -> f64 {
        match self {
            Sampler::Constant { value } => *value,
            Sampler::Uniform { min, max } => 0.5 * (min + max),
            Sampler::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Sampler::Pert { min, max, alpha, beta, .. } => {
                min + (max - min) * alpha.shape / (alpha.shape + beta.shape)
            }
            Sampler::Normal { mean, .. } => *mean,
            Sampler::TruncatedNormal { mean, sd, kept, .. } => {
                let alpha = -mean / sd;
                mean + sd * normal_density(alpha) / kept
            }
            Sampler::Lognormal { mu, sigma, location } => {
                location + libm::exp(mu + 0.5 * sigma * sigma)
            }
            Sampler::Exponential { mean } => *mean,
            Sampler::Gamma { gamma, scale } => gamma.shape * scale,
            Sampler::Erlang { k, scale, .. } => f64::from(*k) * scale,
            Sampler::Weibull { shape, scale, location } => {
                location + scale * libm::tgamma(1.0 + 1.0 / shape)
            }
            Sampler::Empirical { sorted } => sorted.iter().sum::<f64>() / sorted.len() as f64,
        }
    }

    /// The distribution function `P(X ≤ x)`.
    pub fn cdf(&self, x: f64) -> f64 {
        self.cdf_and_survival(x).0
    }

    /// The survival function `P(X > x)`, computed directly (not as `1 − cdf`) so far upper tails
    /// keep their relative precision.
    pub fn survival(&self, x: f64) -> f64 {
        self.cdf_and_survival(x).1
    }

    /// The quantile at `p`: the smallest `x` with `cdf(x) ≥ p`. `p ≤ 0` and `p ≥ 1` give the
    /// ends of the support; NaN gives NaN.
    pub fn quantile(&self, p: f64) -> f64 {
        if p.is_nan() {
            return f64::NAN;
        }
        if p <= 0.0 || p >= 1.0 {
            let (low, high) = self.support();
            return if p <= 0.0 { low } else { high };
        }
        self.inverse(p, 1.0 - p)
    }

    /// The smallest and largest values.
    fn support(&self) -> (f64, f64) {
        let inf = f64::INFINITY;
        match self {
            Sampler::Constant { value } => (*value, *value),
            Sampler::Uniform { min, max }
            | Sampler::Triangular { min, max, .. }
            | Sampler::Pert { min, max, .. } => (*min, *max),
            Sampler::Normal { .. } => (-inf, inf),
            Sampler::TruncatedNormal { .. }
            | Sampler::Exponential { .. }
            | Sampler::Gamma { .. }
            | Sampler::Erlang { .. } => (0.0, inf),
            Sampler::Lognormal { location, .. } | Sampler::Weibull { location, .. } => {
                (*location, inf)
            }
            Sampler::Empirical { sorted } => (sorted[0], sorted[sorted.len() - 1]),
        }
    }

    /// `(P(X ≤ x), P(X > x))`, each computed as precisely as the family allows.
    fn cdf_and_survival(&self, x: f64) -> (f64, f64) {
        if x.is_nan() {
            return (f64::NAN, f64::NAN);
        }
        match self {
            Sampler::Constant { value } => {
                if x >= *value {
                    (1.0, 0.0)
                } else {
                    (0.0, 1.0)
                }
            }
            Sampler::Uniform { min, max } => {
                if x <= *min {
                    (0.0, 1.0)
                } else if x >= *max {
                    (1.0, 0.0)
                } else {
                    ((x - min) / (max - min), (max - x) / (max - min))
                }
            }
            Sampler::Triangular { min, mode, max } => {
                let width = max - min;
                if x <= *min {
                    (0.0, 1.0)
                } else if x >= *max {
                    (1.0, 0.0)
                } else {
                    // Each side's complement is written without a subtraction from 1:
                    // 1 − (x − min)²/(width·left) = (left·right + s(2·left − s))/(width·left) with
                    // s = mode − x, and symmetrically on the right.
                    let (left, right) = (mode - min, max - mode);
                    if x <= *mode {
                        let s = mode - x;
                        let cdf = (x - min) * (x - min) / (width * left);
                        (cdf, (left * right + s * (2.0 * left - s)) / (width * left))
                    } else {
                        let t = x - mode;
                        let survival = (max - x) * (max - x) / (width * right);
                        ((right * left + t * (2.0 * right - t)) / (width * right), survival)
                    }
                }
            }
            Sampler::Pert { min, max, alpha, beta, ln_beta } => {
                let width = max - min;
                let z = ((x - min) / width).clamp(0.0, 1.0);
                let w = ((max - x) / width).clamp(0.0, 1.0);
                incomplete_beta(alpha.shape, beta.shape, *ln_beta, z, w)
            }
            Sampler::Normal { mean, sd } => {
                let z = (x - mean) / sd;
                (lower_tail(z), upper_tail(z))
            }
            Sampler::TruncatedNormal { mean, sd, kept, .. } => {
                if x <= 0.0 {
                    return (0.0, 1.0);
                }
                let cdf = (normal_mass(-mean / sd, x / sd) / kept).clamp(0.0, 1.0);
                let survival = (upper_tail((x - mean) / sd) / kept).clamp(0.0, 1.0);
                (cdf, survival)
            }
            Sampler::Lognormal { mu, sigma, location } => {
                if x <= *location {
                    return (0.0, 1.0);
                }
                let z = (libm::log(x - location) - mu) / sigma;
                (lower_tail(z), upper_tail(z))
            }
            Sampler::Exponential { mean } => {
                if x <= 0.0 {
                    return (0.0, 1.0);
                }
                (-libm::expm1(-x / mean), libm::exp(-x / mean))
            }
            Sampler::Gamma { gamma, scale } => {
                incomplete_gamma(gamma.shape, gamma.ln_gamma, x / scale)
            }
            Sampler::Erlang { scale, gamma, .. } => {
                incomplete_gamma(gamma.shape, gamma.ln_gamma, x / scale)
            }
            Sampler::Weibull { shape, scale, location } => {
                if x <= *location {
                    return (0.0, 1.0);
                }
                let hazard = libm::pow((x - location) / scale, *shape);
                (-libm::expm1(-hazard), libm::exp(-hazard))
            }
            Sampler::Empirical { sorted } => {
                let at_most = sorted.partition_point(|v| *v <= x);
                let n = sorted.len() as f64;
                (at_most as f64 / n, (sorted.len() - at_most) as f64 / n)
            }
        }
    }

    /// The value with `cdf = p` and `survival = q`, for `p, q` in (0, 1) with `p + q = 1`; each
    /// family reads the one of the two that is more precise on its side (the smaller one).
    fn inverse(&self, p: f64, q: f64) -> f64 {
        let lower = p <= 0.5;
        match self {
            Sampler::Constant { value } => *value,
            Sampler::Uniform { min, max } => {
                if lower {
                    min + (max - min) * p
                } else {
                    max - (max - min) * q
                }
            }
            Sampler::Triangular { min, mode, max } => {
                let width = max - min;
                let (left, right) = (mode - min, max - mode);
                if p * width <= left {
                    min + libm::sqrt(p * width * left)
                } else if lower {
                    // max − √(q·width·right), rewritten so a small p does not cancel against max.
                    mode + (p * width - left) / (1.0 + libm::sqrt(q * width / right))
                } else {
                    max - libm::sqrt(q * width * right)
                }
            }
            Sampler::Pert { min, max, alpha, beta, ln_beta } => {
                let (a, b, ln_beta) = (alpha.shape, beta.shape, *ln_beta);
                // Solve for the logarithm of the distance from the nearer end, z = (x − min)/width
                // on the lower side and w = (max − x)/width on the upper, so that it keeps its
                // precision and bisection halves its order of magnitude.
                let equation = |y: f64| {
                    let v = libm::exp(y);
                    let (z, w) = if lower { (v, 1.0 - v) } else { (1.0 - v, v) };
                    let (cdf, survival) = incomplete_beta(a, b, ln_beta, z, w);
                    let density = libm::exp(x_log_y(a - 1.0, z) + x_log_y(b - 1.0, w) - ln_beta);
                    let probability = if lower { cdf } else { survival };
                    log_equation(probability, if lower { p } else { q }, v * density)
                };
                let start = libm::log(if lower { a / (a + b) } else { b / (a + b) });
                let v = libm::exp(solve_increasing(equation, (-745.0, 0.0), start, (1e-14, 1.0)));
                if lower { min + (max - min) * v } else { max - (max - min) * v }
            }
            Sampler::Normal { mean, sd } => {
                let z =
                    if lower { standard_normal_quantile(p) } else { -standard_normal_quantile(q) };
                mean + sd * z
            }
            Sampler::TruncatedNormal { mean, sd, below, kept } => {
                // Φ(z) = below + p · kept, equivalently Q(z) = q · kept.
                let z = if lower && *below < 0.5 {
                    standard_normal_quantile(below + p * kept)
                } else {
                    -standard_normal_quantile(q * kept)
                };
                let alpha = -mean / sd;
                let delta = z - alpha;
                if lower && delta < 1e-3 * alpha.abs().max(1.0) {
                    // Near 0, x = sd · (z − α) cancels: refine δ = z − α directly by Newton's
                    // method on P(α < Z ≤ α + δ) = p · kept, which has no cancellation.
                    let target = p * kept;
                    let mut delta =
                        if delta > 0.0 { delta } else { target / normal_density(alpha) };
                    for _ in 0..50 {
                        let step =
                            (normal_mass(alpha, delta) - target) / normal_density(alpha + delta);
                        let next = if delta - step > 0.0 { delta - step } else { 0.5 * delta };
                        let converged = (next - delta).abs() <= 1e-15 * next;
                        delta = next;
                        if converged {
                            break;
                        }
                    }
                    return sd * delta;
                }
                (mean + sd * z).max(0.0)
            }
            Sampler::Lognormal { mu, sigma, location } => {
                let z =
                    if lower { standard_normal_quantile(p) } else { -standard_normal_quantile(q) };
                location + libm::exp(mu + sigma * z)
            }
            Sampler::Exponential { mean } => mean * unit_exponential_quantile(p, q),
            Sampler::Gamma { gamma, scale } => scale * gamma.inverse(p, q),
            Sampler::Erlang { scale, gamma, .. } => scale * gamma.inverse(p, q),
            Sampler::Weibull { shape, scale, location } => {
                location + scale * libm::pow(unit_exponential_quantile(p, q), 1.0 / shape)
            }
            Sampler::Empirical { sorted } => {
                // The smallest index i with cdf(x_(i)) = (i + 1) / n ≥ p, computed with the same
                // floating-point division as the cdf so quantile(cdf(x)) = x exactly.
                let n = sorted.len();
                let nf = n as f64;
                let mut i = ((p * nf).ceil() as usize).clamp(1, n) - 1;
                while i > 0 && i as f64 / nf >= p {
                    i -= 1;
                }
                while i + 1 < n && ((i + 1) as f64 / nf) < p {
                    i += 1;
                }
                sorted[i]
            }
        }
    }
}

impl StandardGamma {
    /// The constants for `shape`, or `None` if it is not a positive finite number.
    fn new(shape: f64) -> Option<StandardGamma> {
        if !(shape.is_finite() && shape > 0.0) {
            return None;
        }
        let (boosted, boost) = if shape < 1.0 { (shape + 1.0, 1.0 / shape) } else { (shape, 0.0) };
        let d = boosted - 1.0 / 3.0;
        Some(StandardGamma {
            shape,
            ln_gamma: libm::lgamma(shape),
            d,
            c: 1.0 / libm::sqrt(9.0 * d),
            boost,
        })
    }

    /// One draw of the unit-scale gamma law (Marsaglia and Tsang, 2000).
    #[inline]
    fn sample(&self, stream: &mut Stream) -> f64 {
        let x = loop {
            let z = standard_normal(stream);
            let t = 1.0 + self.c * z;
            if t <= 0.0 {
                continue;
            }
            let v = t * t * t;
            let u = stream.uniform();
            let z2 = z * z;
            // The squeeze accepts most trials without a logarithm.
            if u < 1.0 - 0.0331 * z2 * z2
                || libm::log(u) < 0.5 * z2 + self.d * (1.0 - v + libm::log(v))
            {
                break self.d * v;
            }
        };
        if self.boost > 0.0 { x * libm::pow(stream.uniform(), self.boost) } else { x }
    }

    /// The unit-scale value with `P = p` and `Q = q`, by a bracketed Newton solve in `ln x`.
    fn inverse(&self, p: f64, q: f64) -> f64 {
        let (a, ln_gamma) = (self.shape, self.ln_gamma);
        let lower = p <= 0.5;
        // Starting point: Wilson–Hilferty's cube-root normal approximation, or, where it fails
        // (small shapes, far lower tail), the leading term P(a, x) ≈ xᵃ / Γ(a + 1).
        let z = if lower { standard_normal_quantile(p) } else { -standard_normal_quantile(q) };
        let cube_root = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * libm::sqrt(a));
        let start = if cube_root > 0.0 && a >= 0.5 {
            libm::log(a) + 3.0 * libm::log(cube_root)
        } else if lower {
            (libm::log(p) + libm::lgamma(a + 1.0)) / a
        } else {
            libm::log(a)
        };
        let equation = |y: f64| {
            let x = libm::exp(y);
            let (cdf, survival) = incomplete_gamma(a, ln_gamma, x);
            // d/dy P(a, eʸ) = x · density(x).
            let slope = libm::exp(a * y - x - ln_gamma);
            if lower {
                log_equation(cdf, p, slope)
            } else {
                let (value, derivative) = log_equation(survival, q, slope);
                (-value, derivative)
            }
        };
        // ln x from −745 (the smallest positive double) to 710 (the largest finite exponential).
        libm::exp(solve_increasing(
            equation,
            (-745.0, 710.0),
            start.clamp(-745.0, 710.0),
            (1e-14, 1.0),
        ))
    }
}

/// The root of an increasing function on `[low, high]`, by Newton steps from `start` that fall
/// back to bisection whenever a step leaves the current bracket. `equation(x)` returns the value
/// and the derivative. Stops when the bracket or the step is below `tolerance · max(|x|, floor)`.
fn solve_increasing(
    equation: impl Fn(f64) -> (f64, f64),
    (mut low, mut high): (f64, f64),
    start: f64,
    (tolerance, floor): (f64, f64),
) -> f64 {
    let mut x = if start > low && start < high { start } else { 0.5 * (low + high) };
    for _ in 0..300 {
        let (value, derivative) = equation(x);
        if value == 0.0 {
            return x;
        }
        if value < 0.0 {
            low = x;
        } else {
            high = x;
        }
        let newton = x - value / derivative;
        let next = if newton > low && newton < high { newton } else { 0.5 * (low + high) };
        let scale = next.abs().max(floor);
        if (next - x).abs() <= tolerance * scale || high - low <= tolerance * scale {
            return next;
        }
        x = next;
    }
    x
}

/// The equation `ln probability = ln target` with its derivative, given the derivative `slope` of
/// `probability`. Solving on the logarithm keeps Newton's steps long in the far tails, where the
/// probability itself changes by orders of magnitude over a short step. For a survival that
/// decreases in the unknown, the caller passes the distribution function's slope and negates the
/// value.
fn log_equation(probability: f64, target: f64, slope: f64) -> (f64, f64) {
    (libm::log(probability) - libm::log(target), slope / probability)
}

/// `(P(a, x), Q(a, x))`, the regularized lower and upper incomplete gamma functions, given
/// `ln Γ(a)`. Power series for `x < a + 1`, Lentz's continued fraction for `Q` above.
pub(crate) fn incomplete_gamma(a: f64, ln_gamma: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x == f64::INFINITY {
        return (1.0, 0.0);
    }
    let max_terms = 1000 + 20 * libm::sqrt(a) as usize;
    let front = libm::exp(a * libm::log(x) - x - ln_gamma);
    if x < a + 1.0 {
        let (mut denominator, mut term) = (a, 1.0 / a);
        let mut sum = term;
        for _ in 0..max_terms {
            denominator += 1.0;
            term *= x / denominator;
            sum += term;
            if term.abs() < sum.abs() * f64::EPSILON {
                break;
            }
        }
        let p = (sum * front).min(1.0);
        (p, 1.0 - p)
    } else {
        let q =
            (front * continued_fraction(max_terms, x + 1.0 - a, |i| -i * (i - a), 2.0)).min(1.0);
        (1.0 - q, q)
    }
}

/// `1 / (b₀ + a₁ / (b₁ + a₂ / (b₂ + …)))` with `bᵢ = b₀ + i · b_step` and `aᵢ = numerator(i)`,
/// by Lentz's method: the continued fraction of the upper incomplete gamma function.
fn continued_fraction(
    max_terms: usize,
    b0: f64,
    numerator: impl Fn(f64) -> f64,
    b_step: f64,
) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut b = b0;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / guard(b);
    let mut h = d;
    for i in 1..max_terms {
        let an = numerator(i as f64);
        b += b_step;
        d = 1.0 / guard(an * d + b);
        c = guard(b + an / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < f64::EPSILON {
            break;
        }
    }
    h
}

/// `x · ln y`, taken as 0 when `x = 0` (so a beta density with a unit exponent is finite at the
/// ends).
fn x_log_y(x: f64, y: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * libm::log(y) }
}

/// The quantile of the unit exponential law from `p` and `q = 1 − p`.
fn unit_exponential_quantile(p: f64, q: f64) -> f64 {
    if p <= 0.5 { -libm::log1p(-p) } else { -libm::log(q) }
}

/// The standard normal density.
fn normal_density(z: f64) -> f64 {
    libm::exp(-0.5 * z * z) / libm::sqrt(2.0 * PI)
}

/// `P(a < Z ≤ a + δ)` for a standard normal `Z` and `δ ≥ 0`, without the cancellation of
/// `Φ(a + δ) − Φ(a)` on short intervals: there, with `b = a + δ`, it is
/// `φ(b) ∫₀^δ exp(b s − s²/2) ds`, integrated term by term from the Taylor series `Σ cₙ sⁿ` of the
/// integrand (`c₀ = 1`, `c₁ = b`, `(n + 1) cₙ₊₁ = b cₙ − cₙ₋₁`).
fn normal_mass(a: f64, delta: f64) -> f64 {
    if delta.is_nan() || delta <= 0.0 {
        return 0.0;
    }
    let b = a + delta;
    if delta * (b.abs() + delta) >= 0.5 {
        return if b <= 0.0 {
            lower_tail(b) - lower_tail(a)
        } else if a >= 0.0 {
            upper_tail(a) - upper_tail(b)
        } else {
            1.0 - lower_tail(a) - upper_tail(b)
        };
    }
    let (mut previous, mut coefficient) = (1.0, b);
    let mut power = delta;
    let mut sum = delta;
    let mut last_term = delta;
    for n in 1..100 {
        power *= delta;
        let term = coefficient * power / (n + 1) as f64;
        sum += term;
        if (term.abs() + last_term.abs()) <= f64::EPSILON * sum.abs() {
            break;
        }
        last_term = term;
        let next = (b * coefficient - previous) / (n + 1) as f64;
        previous = coefficient;
        coefficient = next;
    }
    normal_density(b) * sum
}

/// `Φ(z) = P(Z ≤ z)` for a standard normal `Z`.
fn lower_tail(z: f64) -> f64 {
    0.5 * libm::erfc(-z * FRAC_1_SQRT_2)
}

/// `Q(z) = P(Z > z)` for a standard normal `Z`.
fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z * FRAC_1_SQRT_2)
}

/// `Φ⁻¹(p)`, the standard normal quantile, by Wichura's algorithm AS 241 (PPND16, Applied
/// Statistics 37, 1988), accurate to about 1 part in 10¹⁶. `p ≤ 0` gives −∞, `p ≥ 1` gives +∞.
#[allow(clippy::excessive_precision, reason = "the coefficients as published, digit for digit")]
pub fn standard_normal_quantile(p: f64) -> f64 {
    // Central region, |p − ½| ≤ 0.425: q · A(r) / B(r) with r = 0.425² − q².
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561e3,
    ];
    // Intermediate tail, r = √(−ln min(p, 1 − p)) ≤ 5: C(r − 1.6) / D(r − 1.6).
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_7e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        6.897_673_349_851_000_045_5e-1,
        1.481_039_764_274_800_745_9e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    // Far tail, r > 5: E(r − 5) / F(r − 5).
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        2.965_605_718_285_048_912_3e-1,
        2.653_218_952_657_612_309_3e-2,
        1.242_660_947_388_078_438_6e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_9e-1,
        1.369_298_809_227_358_053_1e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    fn ratio(numerator: &[f64; 8], denominator: &[f64; 8], r: f64) -> f64 {
        let horner = |c: &[f64; 8]| c.iter().rev().fold(0.0, |sum, &c| sum * r + c);
        horner(numerator) / horner(denominator)
    }

    if p.is_nan() {
        return f64::NAN;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        return q * ratio(&A, &B, 0.180_625 - q * q);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    if tail <= 0.0 {
        return if q < 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let r = libm::sqrt(-libm::log(tail));
    let magnitude = if r <= 5.0 { ratio(&C, &D, r - 1.6) } else { ratio(&E, &F, r - 5.0) };
    if q < 0.0 { -magnitude } else { magnitude }
}
