//! The families a sample can be fitted to: their names, their parameters in the form the estimate
//! is made in, their log-density and log-survival (the two pieces of a censored likelihood), and
//! the language's [`Distribution`] each set of parameters stands for.
//!
//! Parameters are those of the estimate, which are not always the language's: a lognormal is
//! estimated by `μ` and `σ` of the logarithm (what the literature publishes and what has a
//! well-behaved likelihood) and written in `.fab` by the mean and sd of the variable itself
//! ([`Family::distribution`] converts). The two shifted families, Weibull and lognormal with a
//! location, are families of their own here so that both variants are fitted and ranked.

use crate::dist::Distribution;
use crate::special::ln_beta;
use std::f64::consts::PI;

/// A family that can be fitted. Serialized by its [`Family::key`] (`weibull3`), so a model that
/// records a fit (the IR's fitted inputs) names the family as reports do.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Normal,
    Lognormal,
    /// Lognormal shifted by a location: three parameters.
    Lognormal3,
    Exponential,
    Gamma,
    /// Gamma with a whole-number shape `k`.
    Erlang,
    Weibull,
    /// Weibull shifted by a location: three parameters.
    Weibull3,
    Uniform,
    Triangular,
    Pert,
}

impl Family {
    /// Every fittable family, in the order reports list them when they tie.
    pub const ALL: [Family; 11] = [
        Family::Normal,
        Family::Lognormal,
        Family::Lognormal3,
        Family::Exponential,
        Family::Gamma,
        Family::Erlang,
        Family::Weibull,
        Family::Weibull3,
        Family::Uniform,
        Family::Triangular,
        Family::Pert,
    ];

    /// The family's key, unique among fittable families: the language's family name, with `3`
    /// appended for the shifted three-parameter variants (`weibull3`, `lognormal3`).
    pub fn key(self) -> &'static str {
        match self {
            Family::Normal => "normal",
            Family::Lognormal => "lognormal",
            Family::Lognormal3 => "lognormal3",
            Family::Exponential => "exponential",
            Family::Gamma => "gamma",
            Family::Erlang => "erlang",
            Family::Weibull => "weibull",
            Family::Weibull3 => "weibull3",
            Family::Uniform => "uniform",
            Family::Triangular => "triangular",
            Family::Pert => "pert",
        }
    }

    /// The `.fab` family the fit is written as.
    pub fn language_name(self) -> &'static str {
        match self {
            Family::Lognormal3 => "lognormal",
            Family::Weibull3 => "weibull",
            other => other.key(),
        }
    }

    /// A short description for reports: `weibull (3-parameter)`.
    pub fn label(self) -> &'static str {
        match self {
            Family::Lognormal3 => "lognormal (3-parameter)",
            Family::Weibull3 => "weibull (3-parameter)",
            other => other.key(),
        }
    }

    /// The families a name selects: a language family name selects every variant of it
    /// (`weibull` is the 2- and the 3-parameter Weibull), a key selects one (`weibull3`). `None` if
    /// no fittable family has that name.
    pub fn select(name: &str) -> Option<Vec<Family>> {
        if let Some(one) = Family::ALL.iter().find(|f| f.key() == name) {
            let variants: Vec<Family> =
                Family::ALL.iter().copied().filter(|f| f.language_name() == name).collect();
            return Some(if variants.len() > 1 { variants } else { vec![*one] });
        }
        None
    }

    /// Every name [`Family::select`] accepts, for "did you mean" suggestions and help text.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Family::ALL.iter().map(|f| f.key())
    }

    /// The help for a list of families that names none (a model's `families = []`, E0403;
    /// `fab fit --families ,`), where `option` is how the list is written (`` `families` ``) and
    /// `example` a list of two (`` `families = ["weibull", "lognormal"]` ``): one wording for both.
    pub fn none_named_help(option: &str, example: &str) -> String {
        format!(
            "List the families to choose from, e.g. {example}, or leave {option} out to fit every \
             family."
        )
    }

    /// The parameters, in the order of the fitted values.
    pub fn parameter_names(self) -> &'static [&'static str] {
        match self {
            Family::Normal => &["mean", "sd"],
            Family::Lognormal => &["mu", "sigma"],
            Family::Lognormal3 => &["mu", "sigma", "location"],
            Family::Exponential => &["mean"],
            Family::Gamma => &["shape", "scale"],
            Family::Erlang => &["k", "mean"],
            Family::Weibull => &["shape", "scale"],
            Family::Weibull3 => &["shape", "scale", "location"],
            Family::Uniform => &["min", "max"],
            Family::Triangular | Family::Pert => &["min", "mode", "max"],
        }
    }

    /// Whether parameter `index` is in the variable's units (a mean, a scale, a location) rather
    /// than a pure number (a shape, the `μ` and `σ` of a logarithm, a phase count).
    pub fn parameter_has_unit(self, index: usize) -> bool {
        let name = self.parameter_names()[index];
        !matches!(name, "shape" | "mu" | "sigma" | "k")
    }

    /// Parameter `index`'s value once the variable is measured in a unit `factor` times smaller
    /// (values multiplied by `factor`): a mean, scale or location scales with the values, the
    /// `μ` of a logarithm moves by `ln factor`, and a shape, `σ` or phase count stays.
    pub fn rescaled_parameter(self, index: usize, value: f64, factor: f64) -> f64 {
        match self.parameter_names()[index] {
            "mu" => value + libm::log(factor),
            _ if self.parameter_has_unit(index) => value * factor,
            _ => value,
        }
    }

    /// Whether parameter `index` is positive by nature (its confidence interval is taken on the
    /// log scale, so it stays positive).
    pub fn parameter_is_positive(self, index: usize) -> bool {
        let name = self.parameter_names()[index];
        match self {
            Family::Normal => name == "sd",
            _ => matches!(name, "sd" | "sigma" | "shape" | "scale" | "mean" | "k"),
        }
    }

    /// The number of parameters, each counted by AIC and BIC (Erlang's `k` included).
    pub fn parameter_count(self) -> usize {
        self.parameter_names().len()
    }

    /// Whether the family needs every value above zero (lognormal, exponential, gamma, Erlang and
    /// Weibull without a location).
    pub fn needs_positive_values(self) -> bool {
        matches!(
            self,
            Family::Lognormal
                | Family::Exponential
                | Family::Gamma
                | Family::Erlang
                | Family::Weibull
        )
    }

    /// Whether the support's ends are parameters (uniform, triangular, PERT): the likelihood is not
    /// regular there, so no standard errors are given, and censored samples are not fitted.
    pub fn is_bounded(self) -> bool {
        matches!(self, Family::Uniform | Family::Triangular | Family::Pert)
    }

    /// The fewest failures the family is fitted to: 3 for one or two parameters, 10 for three.
    pub fn minimum_failures(self) -> usize {
        if self.parameter_count() >= 3 { 10 } else { 3 }
    }

    /// `ln f(x)` with parameters `p`; −∞ outside the support or for invalid parameters.
    pub fn log_density(self, p: &[f64], x: f64) -> f64 {
        let value = match self {
            Family::Normal => normal_log_density((x - p[0]) / p[1]) - ln(p[1]),
            Family::Lognormal => lognormal_log_density(p[0], p[1], 0.0, x),
            Family::Lognormal3 => lognormal_log_density(p[0], p[1], p[2], x),
            Family::Exponential => {
                if x < 0.0 || p[0] <= 0.0 {
                    f64::NEG_INFINITY
                } else {
                    -ln(p[0]) - x / p[0]
                }
            }
            Family::Gamma => gamma_log_density(p[0], p[1], x),
            Family::Erlang => gamma_log_density(p[0], p[1] / p[0], x),
            Family::Weibull => weibull_log_density(p[0], p[1], 0.0, x),
            Family::Weibull3 => weibull_log_density(p[0], p[1], p[2], x),
            Family::Uniform => {
                if x < p[0] || x > p[1] || p[1] <= p[0] {
                    f64::NEG_INFINITY
                } else {
                    -ln(p[1] - p[0])
                }
            }
            Family::Triangular => {
                let (min, mode, max) = (p[0], p[1], p[2]);
                if !(min <= mode && mode <= max && min < max) || x < min || x > max {
                    f64::NEG_INFINITY
                } else if x < mode {
                    ln(2.0 * (x - min)) - ln(max - min) - ln(mode - min)
                } else if x > mode {
                    ln(2.0 * (max - x)) - ln(max - min) - ln(max - mode)
                } else {
                    ln(2.0) - ln(max - min)
                }
            }
            Family::Pert => {
                let (min, mode, max) = (p[0], p[1], p[2]);
                if !(min <= mode && mode <= max && min < max) || x < min || x > max {
                    f64::NEG_INFINITY
                } else {
                    let width = max - min;
                    let alpha = 1.0 + 4.0 * (mode - min) / width;
                    let beta = 1.0 + 4.0 * (max - mode) / width;
                    x_ln_y(alpha - 1.0, (x - min) / width) + x_ln_y(beta - 1.0, (max - x) / width)
                        - ln_beta(alpha, beta)
                        - ln(width)
                }
            }
        };
        if value.is_nan() { f64::NEG_INFINITY } else { value }
    }

    /// `ln P(X > x)` with parameters `p`: what a right-censored observation contributes.
    pub fn log_survival(self, p: &[f64], x: f64) -> f64 {
        let value = match self {
            Family::Normal => ln(upper_tail((x - p[0]) / p[1])),
            Family::Lognormal | Family::Lognormal3 => {
                let location = if self == Family::Lognormal3 { p[2] } else { 0.0 };
                if x <= location { 0.0 } else { ln(upper_tail((ln(x - location) - p[0]) / p[1])) }
            }
            Family::Exponential => -x.max(0.0) / p[0],
            Family::Weibull | Family::Weibull3 => {
                let location = if self == Family::Weibull3 { p[2] } else { 0.0 };
                if x <= location { 0.0 } else { -libm::pow((x - location) / p[1], p[0]) }
            }
            _ => ln(self.distribution(p, false).sampler().survival(x)),
        };
        if value.is_nan() { f64::NEG_INFINITY } else { value }
    }

    /// The distribution that parameters `p` stand for, in the language's terms. `non_negative`
    /// marks a variable that cannot be negative, which makes a normal truncated at 0 (the model's
    /// reading of `normal(mean, sd)` for such a variable).
    pub fn distribution(self, p: &[f64], non_negative: bool) -> Distribution {
        match self {
            Family::Normal => {
                Distribution::Normal { mean: p[0], sd: p[1], truncated: non_negative }
            }
            Family::Lognormal | Family::Lognormal3 => {
                let location = if self == Family::Lognormal3 { p[2] } else { 0.0 };
                let (mu, sigma) = (p[0], p[1]);
                let above = libm::exp(mu + 0.5 * sigma * sigma);
                let sd = above * libm::sqrt(libm::expm1(sigma * sigma));
                Distribution::Lognormal { mean: location + above, sd, location }
            }
            Family::Exponential => Distribution::Exponential { mean: p[0] },
            Family::Gamma => Distribution::Gamma { shape: p[0], scale: p[1] },
            Family::Erlang => Distribution::Erlang { k: p[0] as u32, mean: p[1] },
            Family::Weibull => Distribution::Weibull { shape: p[0], scale: p[1], location: 0.0 },
            Family::Weibull3 => Distribution::Weibull { shape: p[0], scale: p[1], location: p[2] },
            Family::Uniform => Distribution::Uniform { min: p[0], max: p[1] },
            Family::Triangular => Distribution::Triangular { min: p[0], mode: p[1], max: p[2] },
            Family::Pert => Distribution::Pert { min: p[0], mode: p[1], max: p[2] },
        }
    }
}

fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// `x ln y`, 0 when `x = 0` (a PERT with a unit exponent is finite at its ends).
fn x_ln_y(x: f64, y: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * ln(y) }
}

fn normal_log_density(z: f64) -> f64 {
    -0.5 * z * z - 0.5 * ln(2.0 * PI)
}

/// `P(Z > z)` for a standard normal `Z`, without cancellation in the upper tail.
fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

fn lognormal_log_density(mu: f64, sigma: f64, location: f64, x: f64) -> f64 {
    if x <= location || sigma <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let y = ln(x - location);
    normal_log_density((y - mu) / sigma) - ln(sigma) - y
}

fn gamma_log_density(shape: f64, scale: f64, x: f64) -> f64 {
    if x < 0.0 || shape <= 0.0 || scale <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let z = x / scale;
    x_ln_y(shape - 1.0, z) - z - ln(scale) - libm::lgamma(shape)
}

fn weibull_log_density(shape: f64, scale: f64, location: f64, x: f64) -> f64 {
    if x < location || shape <= 0.0 || scale <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let z = (x - location) / scale;
    ln(shape) - ln(scale) + x_ln_y(shape - 1.0, z) - libm::pow(z, shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each density integrates to 1 (trapezoids on a fine grid over the bulk of the law) and its
    /// survival agrees with the sampler's.
    #[test]
    fn densities_integrate_to_one_and_survivals_agree() {
        let cases: [(Family, &[f64]); 11] = [
            (Family::Normal, &[10.0, 2.0]),
            (Family::Lognormal, &[3.0, 0.4]),
            (Family::Lognormal3, &[2.0, 0.5, 5.0]),
            (Family::Exponential, &[4.0]),
            (Family::Gamma, &[2.5, 3.0]),
            (Family::Erlang, &[3.0, 12.0]),
            (Family::Weibull, &[1.7, 20.0]),
            (Family::Weibull3, &[2.4, 10.0, 3.0]),
            (Family::Uniform, &[2.0, 7.0]),
            (Family::Triangular, &[1.0, 2.0, 6.0]),
            (Family::Pert, &[1.0, 2.0, 6.0]),
        ];
        for (family, p) in cases {
            let law = family.distribution(p, false).sampler();
            let (low, high) = (law.quantile(1e-9), law.quantile(1.0 - 1e-9));
            let steps = 200_000;
            let width = (high - low) / steps as f64;
            let mut total = 0.0;
            for i in 0..=steps {
                let x = low + width * i as f64;
                let weight = if i == 0 || i == steps { 0.5 } else { 1.0 };
                total += weight * libm::exp(family.log_density(p, x)) * width;
            }
            assert!((total - 1.0).abs() < 1e-4, "{family:?}: {total}");
            let middle = law.quantile(0.3);
            let survival = libm::exp(family.log_survival(p, middle));
            assert!((survival - 0.7).abs() < 1e-9, "{family:?}: {survival}");
        }
    }

    #[test]
    fn names_select_variants() {
        assert_eq!(Family::select("weibull"), Some(vec![Family::Weibull, Family::Weibull3]));
        assert_eq!(Family::select("weibull3"), Some(vec![Family::Weibull3]));
        assert_eq!(Family::select("gamma"), Some(vec![Family::Gamma]));
        assert_eq!(Family::select("constant"), None);
        for family in Family::ALL {
            assert!(crate::dist::family(family.language_name()).is_some(), "{family:?}");
        }
    }

    #[test]
    fn a_lognormal_is_written_by_the_variable_s_own_mean() {
        let d = Family::Lognormal3.distribution(&[1.0, 0.5, 10.0], true);
        let Distribution::Lognormal { mean, sd, location } = d else { panic!("{d:?}") };
        let m = libm::exp(1.0 + 0.125);
        assert!((mean - (10.0 + m)).abs() < 1e-12 && location == 10.0);
        assert!((sd - m * libm::sqrt(libm::exp(0.25) - 1.0)).abs() < 1e-12);
    }
}
