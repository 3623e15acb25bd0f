//! Maintenance math with closed or numerical answers, to check simulations against.
//!
//! Age replacement (Barlow and Proschan, *Mathematical Theory of Reliability*, 1965, ch. 4):
//! a unit is replaced preventively at age `T` for `c_p`, or at failure for `c_f > c_p`, and each
//! replacement makes it new. With negligible replacement times the long-run cost rate is
//! `C(T) = [c_p R(T) + c_f F(T)] / ∫₀ᵀ R(t) dt`; for a Weibull life
//! `R(t) = exp(−(t/η)^β)`. A finite optimum needs an increasing hazard (β > 1) and
//! `0 < c_p < c_f`; for a Weibull life with β > 1 the hazard grows without bound, so one then
//! always exists.

/// `∫₀ᵀ R(t) dt` for a Weibull life: `η Γ(1 + 1/β) P(1/β, (T/η)^β)`, with `P` the regularized
/// lower incomplete gamma function (accurate to rounding, where a quadrature of `R` loses
/// digits near `t = 0`, at the root singularity of `R'` for β < 2).
fn weibull_survival_integral(beta: f64, eta: f64, t: f64) -> f64 {
    let a = 1.0 / beta;
    let (p, _) = crate::sample::incomplete_gamma(a, libm::lgamma(a), libm::pow(t / eta, beta));
    eta * libm::tgamma(1.0 + a) * p
}

/// `C(T)` for a Weibull life (shape `beta`, scale `eta`), per unit of the time `eta` and `t`
/// are in.
pub fn age_replacement_cost_rate(beta: f64, eta: f64, cp: f64, cf: f64, t: f64) -> f64 {
    if !(t > 0.0 && eta > 0.0 && beta > 0.0) {
        return f64::NAN;
    }
    let x = libm::pow(t / eta, beta);
    let (r, f) = (libm::exp(-x), -libm::expm1(-x));
    (cp * r + cf * f) / weibull_survival_integral(beta, eta, t)
}

/// The age `T*` that minimizes [`age_replacement_cost_rate`] and `C(T*)`, from the first-order
/// condition `h(T) ∫₀ᵀ R(t) dt − F(T) = c_p / (c_f − c_p)` (h the hazard). Its left side is 0
/// at `T = 0` and increases with `T` for β > 1 (its derivative is `h'(T) ∫₀ᵀ R`), so the root is
/// unique: bracketed by doubling from η, then bisected to rounding. C(T) is flat near `T*` (with
/// β = 1.5, c_p = 800 and c_f = 1000 it changes by 10⁻⁹ of itself over hundreds of hours), so
/// comparing values of C cannot place `T*`; the condition can. `None` without an interior
/// optimum: β ≤ 1, `c_p ≤ 0` (C falls towards 0 as `T → 0`) or `c_p ≥ c_f`, or a root beyond
/// 10¹² η.
pub fn optimal_age(beta: f64, eta: f64, cp: f64, cf: f64) -> Option<(f64, f64)> {
    if !(beta > 1.0 && eta > 0.0 && cp > 0.0 && cf > cp) {
        return None;
    }
    let target = cp / (cf - cp);
    let condition = |t: f64| {
        let x = libm::pow(t / eta, beta);
        let hazard = beta / eta * libm::pow(t / eta, beta - 1.0);
        hazard * weibull_survival_integral(beta, eta, t) + libm::expm1(-x) - target
    };
    let (mut low, mut high) = (0.0, eta);
    while condition(high) < 0.0 {
        low = high;
        high *= 2.0;
        if high > 1e12 * eta {
            return None;
        }
    }
    while high - low > 4.0 * f64::EPSILON * high {
        let middle = 0.5 * (low + high);
        if middle <= low || middle >= high {
            break;
        }
        if condition(middle) < 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    let t = 0.5 * (low + high);
    Some((t, age_replacement_cost_rate(beta, eta, cp, cf, t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_worked_examples_of_the_oracles() {
        // ORACLES.md §9: (β, η, c_p, c_f) → T*, C(T*), to the digits printed there.
        for (beta, eta, cp, cf, t_star, c_star) in [
            (2.5, 1000.0, 100.0, 1000.0, 354.57, 0.475055),
            (2.0, 1000.0, 100.0, 1000.0, 336.45, 0.605612),
            (3.0, 5000.0, 500.0, 2500.0, 2513.05, 0.303140),
        ] {
            let (t, c) = optimal_age(beta, eta, cp, cf).unwrap();
            assert!((t - t_star).abs() < 0.005, "β = {beta}: T* = {t}");
            assert!((c - c_star).abs() < 5e-7, "β = {beta}: C(T*) = {c}");
        }
        assert_eq!(optimal_age(1.0, 1000.0, 100.0, 1000.0), None);
    }

    /// Where C(T) is flat, a scan of C could not rank the ages near T* (it reported 6919.40 h
    /// for the first case). The roots of the first-order condition computed independently with
    /// mpmath at 40 digits (the probe's `bp_mp.py`): β = 1.5, η = 1000 h, c_f = 1000.
    #[test]
    fn finds_the_optimum_where_the_cost_rate_is_flat() {
        for (cp, t_star, c_star) in [
            (800.0, 13634.11728, 1.10773216743247),
            (750.0, 8725.835056, 1.10773216743245),
            (700.0, 6059.607653, 1.10773216515519),
        ] {
            let (t, c) = optimal_age(1.5, 1000.0, cp, 1000.0).unwrap();
            assert!((t - t_star).abs() < 1e-6 * t_star, "c_p = {cp}: T* = {t}");
            assert!((c - c_star).abs() < 1e-12, "c_p = {cp}: C(T*) = {c}");
        }
        // The same for the worked examples, to mpmath's digits.
        for (beta, eta, cp, cf, t_star, c_star) in [
            (2.5, 1000.0, 100.0, 1000.0, 354.5744096, 0.475054679897992),
            (2.0, 1000.0, 100.0, 1000.0, 336.4511913, 0.605612144259699),
            (3.0, 5000.0, 500.0, 2500.0, 2513.047911, 0.303139670425571),
        ] {
            let (t, c) = optimal_age(beta, eta, cp, cf).unwrap();
            assert!((t - t_star).abs() < 1e-6 * t_star, "β = {beta}: T* = {t}");
            assert!((c - c_star).abs() < 1e-12, "β = {beta}: C(T*) = {c}");
        }
    }

    /// Without a preventive cost, C(T) falls towards 0 as T → 0: no age is optimal (the scan
    /// used to return its lower end, 10⁻³ η). Nor when a service costs as much as a failure.
    #[test]
    fn no_interior_optimum_without_a_preventive_cost() {
        assert_eq!(optimal_age(2.5, 1000.0, 0.0, 1000.0), None);
        assert_eq!(optimal_age(2.5, 1000.0, 1000.0, 1000.0), None);
        assert!(age_replacement_cost_rate(2.5, 1000.0, 0.0, 1000.0, 1.0) < 1e-4);
    }
}
