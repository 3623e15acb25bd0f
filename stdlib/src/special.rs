//! Special functions shared by sampling (`sample.rs`) and the runtime's confidence intervals: the
//! log of the beta function and the regularized incomplete beta function.
//!
//! Written once here so that the PERT distribution's CDF and Student's t quantiles rest on one
//! implementation. Transcendental functions come from `libm`.

/// `ln B(a, b)`. For a large argument, the difference `ln Γ(large) − ln Γ(large + small)` is taken
/// from Stirling's series directly, avoiding the cancellation of two large log-gammas (Student's t
/// with a million degrees of freedom needs it).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    let (small, large) = if a < b { (a, b) } else { (b, a) };
    if large < 10.0 {
        return libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b);
    }
    let sum = large + small;
    let ratio = -(large - 0.5) * libm::log1p(small / large) - small * libm::log(sum)
        + small
        + stirling_correction(large)
        - stirling_correction(sum);
    libm::lgamma(small) + ratio
}

/// `ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π)` for `x ≥ 10`.
fn stirling_correction(x: f64) -> f64 {
    let r = 1.0 / x;
    let r2 = r * r;
    r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 * (1.0 / 1680.0 - r2 / 1188.0))))
}

/// `(I_x(a, b), 1 − I_x(a, b))`, the regularized incomplete beta function and its complement,
/// given `ln B(a, b)`, `x` and `y = 1 − x` (passed separately so a value near either end keeps its
/// precision). The continued fraction converges fast for `x < (a + 1) / (a + b + 2)`; beyond, the
/// symmetry `I_x(a, b) = 1 − I_y(b, a)` is used.
pub fn incomplete_beta(a: f64, b: f64, ln_beta: f64, x: f64, y: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    let ln_x = if x < 0.5 { libm::log(x) } else { libm::log1p(-y) };
    let ln_y = if y < 0.5 { libm::log(y) } else { libm::log1p(-x) };
    let front = libm::exp(a * ln_x + b * ln_y - ln_beta);
    if x < (a + 1.0) / (a + b + 2.0) {
        let value = (front * beta_fraction(a, b, x) / a).clamp(0.0, 1.0);
        (value, 1.0 - value)
    } else {
        let value = (front * beta_fraction(b, a, y) / b).clamp(0.0, 1.0);
        (1.0 - value, value)
    }
}

/// The continued fraction of the incomplete beta function, by the modified Lentz method.
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}
