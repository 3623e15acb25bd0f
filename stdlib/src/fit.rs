//! Maximum-likelihood fitting of distribution families to a sample, ranked by AIC.
//!
//! Closed forms where they exist (exponential, normal, lognormal); a one-dimensional root search on
//! the profile likelihood for the Weibull and gamma shapes. All math goes through `libm`.

use crate::dist::Distribution;

/// One family fitted to a sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    pub distribution: Distribution,
    pub log_likelihood: f64,
    /// Number of estimated parameters.
    pub parameters: u32,
    /// Akaike's information criterion, 2p − 2 ln L.
    pub aic: f64,
}

/// Every applicable family fitted to `sample`, best (lowest AIC) first. Families needing positive
/// data are skipped when a value is ≤ 0; the normal is skipped for non-negative variables whose
/// data would give it a visible negative tail. Fewer than 3 values, or values all equal, fit nothing.
pub fn fit_all(sample: &[f64], non_negative: bool) -> Vec<Fitted> {
    let n = sample.len() as f64;
    if sample.len() < 3 || sample.iter().any(|x| !x.is_finite()) {
        return Vec::new();
    }
    let mean = sample.iter().sum::<f64>() / n;
    let variance = sample.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    if variance <= 0.0 {
        return Vec::new();
    }
    let mut fits = Vec::new();
    let mut push = |distribution: Distribution, log_likelihood: f64, parameters: u32| {
        if log_likelihood.is_finite() {
            let aic = 2.0 * parameters as f64 - 2.0 * log_likelihood;
            fits.push(Fitted { distribution, log_likelihood, parameters, aic });
        }
    };
    let sd = libm::sqrt(variance);
    if !non_negative || mean >= 3.0 * sd {
        let ll = -n / 2.0 * (libm::log(2.0 * std::f64::consts::PI * variance) + 1.0);
        push(Distribution::Normal { mean, sd, truncated: non_negative }, ll, 2);
    }
    if sample.iter().all(|x| *x > 0.0) {
        push(Distribution::Exponential { mean }, -n * (libm::log(mean) + 1.0), 1);

        let logs: Vec<f64> = sample.iter().map(|x| libm::log(*x)).collect();
        let mean_log = logs.iter().sum::<f64>() / n;
        let var_log = logs.iter().map(|l| (l - mean_log) * (l - mean_log)).sum::<f64>() / n;
        let sum_log: f64 = logs.iter().sum();
        if var_log > 0.0 {
            let ll = -sum_log - n / 2.0 * (libm::log(2.0 * std::f64::consts::PI * var_log) + 1.0);
            let m = libm::exp(mean_log + var_log / 2.0);
            let s = m * libm::sqrt(libm::exp(var_log) - 1.0);
            push(Distribution::Lognormal { mean: m, sd: s, location: 0.0 }, ll, 2);
        }

        if let Some(shape) = weibull_shape(sample, &logs) {
            let sum_pow: f64 = sample.iter().map(|x| libm::pow(*x, shape)).sum();
            let scale = libm::pow(sum_pow / n, 1.0 / shape);
            let ll = n * libm::log(shape) - n * shape * libm::log(scale) + (shape - 1.0) * sum_log
                - sample.iter().map(|x| libm::pow(x / scale, shape)).sum::<f64>();
            push(Distribution::Weibull { shape, scale, location: 0.0 }, ll, 2);
        }

        let s = libm::log(mean) - mean_log;
        if let Some(shape) = gamma_shape(s) {
            let scale = mean / shape;
            let ll = (shape - 1.0) * sum_log
                - n * mean / scale
                - n * shape * libm::log(scale)
                - n * libm::lgamma(shape);
            push(Distribution::Gamma { shape, scale }, ll, 2);
        }
    }
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    fits
}

/// The best family by AIC.
pub fn best_fit(sample: &[f64], non_negative: bool) -> Option<Fitted> {
    fit_all(sample, non_negative).into_iter().next()
}

/// Solves the Weibull shape equation Σxᵏ ln x / Σxᵏ − 1/k − mean(ln x) = 0 by bisection.
fn weibull_shape(sample: &[f64], logs: &[f64]) -> Option<f64> {
    let n = sample.len() as f64;
    let mean_log = logs.iter().sum::<f64>() / n;
    // Scale by the largest value so powers stay finite.
    let top = sample.iter().cloned().fold(0.0, f64::max);
    let equation = |k: f64| {
        let (mut numerator, mut denominator) = (0.0, 0.0);
        for (x, l) in sample.iter().zip(logs) {
            let w = libm::pow(x / top, k);
            numerator += w * l;
            denominator += w;
        }
        numerator / denominator - 1.0 / k - mean_log
    };
    bisect(equation, 1e-3, 1e3)
}

/// Solves ln k − ψ(k) = s for the gamma shape k by bisection (the left side decreases in k).
fn gamma_shape(s: f64) -> Option<f64> {
    if s <= 0.0 || !s.is_finite() {
        return None;
    }
    bisect(|k| s - (libm::log(k) - digamma(k)), 1e-4, 1e6)
}

/// A root of an increasing function on [low, high] by bisection in log space.
fn bisect(f: impl Fn(f64) -> f64, mut low: f64, mut high: f64) -> Option<f64> {
    if f(low) > 0.0 || f(high) < 0.0 {
        return None;
    }
    for _ in 0..200 {
        let middle = libm::sqrt(low * high);
        if f(middle) < 0.0 {
            low = middle;
        } else {
            high = middle;
        }
        if high / low - 1.0 < 1e-12 {
            break;
        }
    }
    Some(libm::sqrt(low * high))
}

/// The digamma function ψ(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series.
pub fn digamma(mut x: f64) -> f64 {
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
        // ψ(1) = −γ (Euler–Mascheroni).
        assert!((digamma(1.0) + 0.577_215_664_901_532_9).abs() < 1e-12);
        assert!((digamma(0.5) + 1.963_510_026_021_423_5).abs() < 1e-12);
    }

    #[test]
    fn weibull_fit_solves_the_likelihood_equations() {
        // The exact quantiles of a Weibull(shape 2, scale 10): the MLE lands near the generating law.
        let sample: Vec<f64> = (1..200)
            .map(|i| {
                let p = i as f64 / 200.0;
                10.0 * libm::pow(-libm::log(1.0 - p), 0.5)
            })
            .collect();
        let fits = fit_all(&sample, true);
        let weibull =
            fits.iter().find(|f| matches!(f.distribution, Distribution::Weibull { .. })).unwrap();
        let Distribution::Weibull { shape, scale, .. } = weibull.distribution else {
            unreachable!()
        };
        assert!((shape - 2.0).abs() < 0.05 && (scale - 10.0).abs() < 0.2, "{shape} {scale}");
        assert!(matches!(
            fits[0].distribution,
            Distribution::Weibull { .. } | Distribution::Gamma { .. }
        ));
    }

    #[test]
    fn constant_or_tiny_samples_fit_nothing() {
        assert!(fit_all(&[2.0, 2.0, 2.0], true).is_empty());
        assert!(fit_all(&[1.0, 2.0], true).is_empty());
    }
}
