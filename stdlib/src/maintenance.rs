//! Maintenance math with closed or numerical answers, to check simulations against.
//!
//! Age replacement (Barlow and Proschan, *Mathematical Theory of Reliability*, 1965, ch. 4):
//! a unit is replaced preventively at age `T` for `c_p`, or at failure for `c_f > c_p`, and each
//! replacement makes it new. For a Weibull life `R(t) = exp(−(t/η)^β)`, `F = 1 − R`.
//!
//! A replacement may take time: a preventive one `τ_p` on average, one at failure `τ_f` (the
//! repair), each hour of it costing `c_d` (lost production). By the renewal-reward theorem the
//! long-run cost rate is the expected cost of a cycle (from one renewal to the next) over its
//! expected length:
//!
//! `C(T) = [c_p R(T) + c_f F(T) + c_d (τ_p R(T) + τ_f F(T))] / [∫₀ᵀ R(t) dt + τ_p R(T) + τ_f F(T)]`
//!
//! (a cycle ends at age `T` with probability `R(T)`, at the failure before it otherwise; the time
//! up is `min(X, T)`, of mean `∫₀ᵀ R`). Only the means of the durations enter. With negligible
//! durations it is Barlow and Proschan's `[c_p R(T) + c_f F(T)] / ∫₀ᵀ R(t) dt`. The unit must not
//! age while it is replaced: a life that runs on during a preventive replacement and can end in
//! it (a calendar-time clock) is another model, close to this one only while that is rare.
//!
//! Write `A = c_p + c_d τ_p` and `B = c_f + c_d τ_f`, the costs of the two kinds of cycle end. A
//! finite optimum needs an increasing hazard (β > 1) and `0 < A < B`; it may then still lie at
//! `T = ∞` (run to failure) when the repair is long: see [`AgeReplacement::optimum`].

/// An age-replacement problem with a Weibull life, its time unit the unit of `scale`, the
/// durations and rates (a cost per unit of that time).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AgeReplacement {
    /// The Weibull life's shape β and scale η.
    pub shape: f64,
    pub scale: f64,
    /// The cost of a preventive replacement `c_p` and of one at failure `c_f`.
    pub cost_preventive: f64,
    pub cost_failure: f64,
    /// The mean time a preventive replacement `τ_p` and a repair `τ_f` take.
    pub service_time: f64,
    pub repair_time: f64,
    /// The cost of each unit of time replacing, `c_d`.
    pub downtime_cost: f64,
}

impl AgeReplacement {
    /// Barlow and Proschan's problem: replacements that take no time.
    pub fn instant(shape: f64, scale: f64, cost_preventive: f64, cost_failure: f64) -> Self {
        AgeReplacement {
            shape,
            scale,
            cost_preventive,
            cost_failure,
            service_time: 0.0,
            repair_time: 0.0,
            downtime_cost: 0.0,
        }
    }

    /// `A` and `B`: what a cycle's end costs, replaced at age `T` or at a failure.
    fn end_costs(&self) -> (f64, f64) {
        (
            self.cost_preventive + self.downtime_cost * self.service_time,
            self.cost_failure + self.downtime_cost * self.repair_time,
        )
    }

    /// The Weibull life's cumulative hazard at age `t`, `(t/η)^β`.
    fn cumulative_hazard(&self, t: f64) -> f64 {
        libm::pow(t / self.scale, self.shape)
    }

    /// The life at age `t`: its cumulative hazard `x = (t/η)^β`, `R(t) = e^−x` and
    /// `F(t) = 1 − e^−x` (from `expm1`, exact where `R` is near 1).
    fn life_at(&self, t: f64) -> LifeAt {
        let x = self.cumulative_hazard(t);
        LifeAt { x, survival: libm::exp(-x), failure: -libm::expm1(-x) }
    }

    /// `C(T)`, per unit of the time `scale` and `t` are in (see the module docs).
    pub fn cost_rate(&self, t: f64) -> f64 {
        let (beta, eta) = (self.shape, self.scale);
        if !(t > 0.0 && eta > 0.0 && beta > 0.0) {
            return f64::NAN;
        }
        let (a, b) = self.end_costs();
        let LifeAt { survival: r, failure: f, .. } = self.life_at(t);
        let length =
            weibull_survival_integral(beta, eta, t) + self.service_time * r + self.repair_time * f;
        (a * r + b * f) / length
    }

    /// The share of a cycle's expected cost that failures during a preventive replacement at
    /// age `t` would add, were the life to run on while it is replaced (which this model leaves
    /// out): `R(t) q B / N(t)`, with `q = 1 − R(t + τ_p) / R(t)` the chance that a life which
    /// reached `t` ends within the replacement's mean time, and `N` the rate's numerator. 0 when
    /// a preventive replacement takes no time.
    pub fn service_failure_share(&self, t: f64) -> f64 {
        if self.service_time == 0.0 {
            return 0.0;
        }
        let (a, b) = self.end_costs();
        let LifeAt { x, survival: r, failure: f } = self.life_at(t);
        let within = -libm::expm1(x - self.cumulative_hazard(t + self.service_time));
        r * within * b / (a * r + b * f)
    }

    /// The age `T*` that minimizes [`AgeReplacement::cost_rate`] and `C(T*)`, from the
    /// first-order condition. With `N` and `D` the rate's numerator and denominator, `C' = 0`
    /// where `N' D = N D'`, that is where `φ D − N = 0` with `φ = N' / D' = (B − A) h / (1 + Δ h)`
    /// (h the hazard, `Δ = τ_f − τ_p`); divided by `B − A`:
    /// `h D / (1 + Δ h) − F − A / (B − A) = 0`, which without durations is Barlow and Proschan's
    /// `h(T) ∫₀ᵀ R(t) dt − F(T) = c_p / (c_f − c_p)`, computed to the same bits. Its left side is
    /// `−A / (B − A)` at `T = 0` and its derivative is `φ' D / (B − A)`, positive for β > 1 while
    /// `1 + Δ h > 0`; past that (a service longer than a repair) the rate increases. So the root
    /// is unique: bracketed by doubling from η, then bisected to rounding. C(T) is flat near `T*`
    /// (with β = 1.5, c_p = 800 and c_f = 1000 it changes by 10⁻⁹ of itself over hundreds of
    /// hours), so comparing values of C cannot place `T*`; the condition can. `None` without an
    /// interior optimum: β ≤ 1, `A ≤ 0` (C falls towards its value at `T = 0`) or `A ≥ B`, a
    /// negative duration or rate, or a root beyond 10¹² η (a long repair can make running to
    /// failure the cheapest).
    pub fn optimum(&self) -> Option<(f64, f64)> {
        let (beta, eta) = (self.shape, self.scale);
        let (a, b) = self.end_costs();
        let durations = [self.service_time, self.repair_time, self.downtime_cost];
        if !(beta > 1.0 && eta > 0.0 && a > 0.0 && b > a && durations.iter().all(|&d| d >= 0.0)) {
            return None;
        }
        let target = a / (b - a);
        let longer = self.repair_time - self.service_time;
        let condition = |t: f64| {
            let failure = self.life_at(t).failure;
            let hazard = beta / eta * libm::pow(t / eta, beta - 1.0);
            let stretch = 1.0 + longer * hazard;
            if stretch <= 0.0 {
                // A later replacement shortens the cycle here: the rate increases.
                return f64::INFINITY;
            }
            let length =
                weibull_survival_integral(beta, eta, t) + self.service_time + longer * failure;
            hazard * length / stretch - failure - target
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
        Some((t, self.cost_rate(t)))
    }
}

/// A Weibull life at one age (see [`AgeReplacement::life_at`]).
struct LifeAt {
    x: f64,
    survival: f64,
    failure: f64,
}

/// `∫₀ᵀ R(t) dt` for a Weibull life: `η Γ(1 + 1/β) P(1/β, (T/η)^β)`, with `P` the regularized
/// lower incomplete gamma function (accurate to rounding, where a quadrature of `R` loses
/// digits near `t = 0`, at the root singularity of `R'` for β < 2).
fn weibull_survival_integral(beta: f64, eta: f64, t: f64) -> f64 {
    let a = 1.0 / beta;
    let (p, _) = crate::sample::incomplete_gamma(a, libm::lgamma(a), libm::pow(t / eta, beta));
    eta * libm::tgamma(1.0 + a) * p
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
            let (t, c) = AgeReplacement::instant(beta, eta, cp, cf).optimum().unwrap();
            assert!((t - t_star).abs() < 0.005, "β = {beta}: T* = {t}");
            assert!((c - c_star).abs() < 5e-7, "β = {beta}: C(T*) = {c}");
        }
        assert_eq!(AgeReplacement::instant(1.0, 1000.0, 100.0, 1000.0).optimum(), None);
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
            let (t, c) = AgeReplacement::instant(1.5, 1000.0, cp, 1000.0).optimum().unwrap();
            assert!((t - t_star).abs() < 1e-6 * t_star, "c_p = {cp}: T* = {t}");
            assert!((c - c_star).abs() < 1e-12, "c_p = {cp}: C(T*) = {c}");
        }
        // The same for the worked examples, to mpmath's digits.
        for (beta, eta, cp, cf, t_star, c_star) in [
            (2.5, 1000.0, 100.0, 1000.0, 354.5744096, 0.475054679897992),
            (2.0, 1000.0, 100.0, 1000.0, 336.4511913, 0.605612144259699),
            (3.0, 5000.0, 500.0, 2500.0, 2513.047911, 0.303139670425571),
        ] {
            let (t, c) = AgeReplacement::instant(beta, eta, cp, cf).optimum().unwrap();
            assert!((t - t_star).abs() < 1e-6 * t_star, "β = {beta}: T* = {t}");
            assert!((c - c_star).abs() < 1e-12, "β = {beta}: C(T*) = {c}");
        }
    }

    /// Without a preventive cost, C(T) falls towards 0 as T → 0: no age is optimal (the scan
    /// used to return its lower end, 10⁻³ η). Nor when a service costs as much as a failure.
    #[test]
    fn no_interior_optimum_without_a_preventive_cost() {
        assert_eq!(AgeReplacement::instant(2.5, 1000.0, 0.0, 1000.0).optimum(), None);
        assert_eq!(AgeReplacement::instant(2.5, 1000.0, 1000.0, 1000.0).optimum(), None);
        assert!(AgeReplacement::instant(2.5, 1000.0, 0.0, 1000.0).cost_rate(1.0) < 1e-4);
    }

    /// The repair and the service are part of the cycle: a repair of 300 h moves the optimum of
    /// the first worked example from 354.57 h to 378.43 h, where the simulation finds it (fab
    /// printed 354.57 h and C = 0.475055 beside a simulated 0.4453 ± 0.0040). The figures are the
    /// probe's, by golden-section search on C computed with Simpson's rule (200,000 panels).
    #[test]
    fn counts_the_repair_and_service_times_in_the_cycle() {
        let base = AgeReplacement::instant(2.5, 1000.0, 100.0, 1000.0);
        for (repair, service, downtime, t_star, c_star) in [
            (300.0, 0.0, 0.0, 378.4295543909212, 0.4459342442422128),
            (50.0, 1.0 / 60.0, 2.0, 343.2601852497763, 0.49043502665300504),
        ] {
            let problem = AgeReplacement {
                repair_time: repair,
                service_time: service,
                downtime_cost: downtime,
                ..base
            };
            let (t, c) = problem.optimum().unwrap();
            assert!((t - t_star).abs() < 1e-3, "repair {repair}: T* = {t}");
            assert!((c - c_star).abs() < 1e-10, "repair {repair}: C(T*) = {c}");
            // The root of the condition is the minimum of the rate.
            for nearby in [t * (1.0 - 1e-3), t * (1.0 + 1e-3)] {
                assert!(problem.cost_rate(nearby) > c, "{nearby}");
            }
        }
        // A service longer than a repair (the condition's denominator crosses 0) still has its
        // minimum at the root.
        let slow = AgeReplacement { service_time: 40.0, repair_time: 5.0, ..base };
        let (t, c) = slow.optimum().unwrap();
        let scan = (1..4000).map(|i| slow.cost_rate(i as f64)).fold(f64::INFINITY, f64::min);
        assert!(c <= scan && slow.cost_rate(t * 0.999) > c && slow.cost_rate(t * 1.001) > c);
        // Without a downtime cost, a repair of 10,000 h spreads a failure's cost over so long a
        // cycle that running to failure is cheapest: the condition stays below 0 at every age
        // once τ_f > μ (c_f − c_p) / c_p = 7,985 h (μ = 887.3 h, the mean life). No interior
        // optimum, and the rate keeps falling with the age.
        let endless = AgeReplacement { repair_time: 10_000.0, ..base };
        assert_eq!(endless.optimum(), None);
        assert!(endless.cost_rate(5000.0) < endless.cost_rate(1000.0));
        assert_eq!(AgeReplacement { downtime_cost: -1.0, ..base }.optimum(), None);
        // A life that reached 353.07 h ends within a 2 h service once in 950 times: 0.6 % of a
        // cycle's expected cost at that age; within a minute, 0.005 %.
        let two_hours = AgeReplacement { service_time: 2.0, ..base };
        assert!((two_hours.service_failure_share(353.07) - 0.005952).abs() < 1e-5);
        let minute = AgeReplacement {
            service_time: 1.0 / 60.0,
            repair_time: 50.0,
            downtime_cost: 2.0,
            ..base
        };
        assert!((minute.service_failure_share(343.26) - 5.16e-5).abs() < 1e-7);
        assert_eq!(base.service_failure_share(353.07), 0.0);
    }
}
