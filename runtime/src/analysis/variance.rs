//! Variance components of a balanced layout of `B` groups × `R` replications: how much of an
//! output's variance comes from the groups (input uncertainty, when each group is one set of
//! resampled inputs) and how much from the replications (stochastic noise).
//!
//! Value `y_bj` is replication `j` of group `b`; the groups are run with common random numbers,
//! so replication `j` of every group shares its random numbers. The model is
//! `y_bj = μ + a_b + e_j + ε_bj`: `a_b` the group's input effect (variance `σ²_I`), `e_j` the part
//! of replication `j`'s noise that all groups share, `ε_bj` the rest; a replication's stochastic
//! variance is `σ²_S = var(e_j) + var(ε_bj)`. With group means `ȳ_b`, replication means `ȳ_.j`
//! and grand mean `ȳ`:
//!
//! ```text
//! MS_groups   = R Σ_b (ȳ_b − ȳ)² / (B − 1)                      E = var(ε) + R σ²_I
//! MS_residual = Σ_bj (y_bj − ȳ_b − ȳ_.j + ȳ)² / ((B − 1)(R − 1))    E = var(ε)
//! MS_within   = Σ_bj (y_bj − ȳ_b)² / (B (R − 1))                  E = var(e) + var(ε) = σ²_S
//! ```
//!
//! so `σ̂²_I = max(0, (MS_groups − MS_residual) / R)` and `σ̂²_S = MS_within`: the ANOVA
//! (method-of-moments) estimators, truncated at zero as usual (Searle, Casella and McCulloch,
//! *Variance Components*, 1992, §3.5 and §4). `MS_within` compares the replications of one group
//! with each other, which are independent, so it estimates the stochastic variance with or
//! without common random numbers. The one-way estimator `(MS_groups − MS_within) / R` would not:
//! the noise the groups share drops out of the group means, so it is biased low by
//! `var(e) / R`; the residual of the two-way layout (replications as blocks) removes exactly the
//! shared part. Without common random numbers `var(e) = 0` and the two coincide in expectation.
//!
//! Two intervals around the grand mean are given:
//!
//! - **stochastic noise only**: `ȳ ± h_S`, `h_S = t_{R−1} · √(σ̂²_S / R)`, the interval a run of
//!   `R` replications of one model would report, its variance pooled over the groups. Common
//!   random numbers give every group the same `R` replication streams, so the pooled variance
//!   does not have `B(R − 1)` degrees of freedom: `MS_within = (MS_replications + (B − 1)
//!   MS_residual) / B`, with `MS_replications = B Σ_j (ȳ_.j − ȳ)² / (R − 1)` on `R − 1` degrees of
//!   freedom and `MS_residual` on `(B − 1)(R − 1)`. `R − 1` is right when the shared noise
//!   dominates, and conservative otherwise (by the concavity argument below).
//! - **with input uncertainty**: `ȳ ± h`, `h = √(h_S² + h_I²)`, `h_I = t_{B−1} · √σ̂²_I`: the
//!   noise-only half-width and the input part's own, from the `B` group means, added in
//!   quadrature. It is an interval for a quantity of variance `V = σ²_I + σ²_S / R`, the variance
//!   of what one run of `R` replications with inputs fitted to data of this size reports (Cheng
//!   and Holland, *J. Statist. Comput. Simul.* 57, 1997; Barton, "Tutorial: input uncertainty in
//!   output analysis", *Proc. Winter Simulation Conference*, 2012). It does not shrink as `B`
//!   grows: input uncertainty is a property of the data, not of the number of
//!   macro-replications. (A confidence interval for the grand mean, `± t s_ȳ / √B`, would shrink,
//!   and answer another question: the average over the resampled inputs.)
//!
//!   Lemma: let `X ~ N(0, σ₁² + σ₂²)` be independent of random half-widths `h₁, h₂`, each of
//!   which would cover its own part, `P(|Z| σ_k ≤ h_k) ≥ 1 − α` for a standard normal `Z`. Given
//!   the half-widths, `P(|X| ≤ √(h₁² + h₂²)) = g(λ h₁²/σ₁² + (1 − λ) h₂²/σ₂²)` with
//!   `g(x) = 2Φ(√x) − 1` and `λ = σ₁² / (σ₁² + σ₂²)`; `g` is concave (`g′(x) = φ(√x)/√x`
//!   falls), so this is at least `λ g(h₁²/σ₁²) + (1 − λ) g(h₂²/σ₂²)`, whose expectation is at
//!   least `1 − α`. The two half-widths need not be independent of each other (`σ̂²_I` and
//!   `σ̂²_S` share `MS_residual`). This is Banerjee's conservative interval for a linear function
//!   of means with unequal variances (*Sankhyā* 22, 1960). The same step, `g` of a weighted
//!   mean at least the weighted mean of `g`, with `MS_within`'s two parts as the weighted mean,
//!   shows `t_{R−1}` conservative for the noise-only interval. The input part's
//!   `t_{B−1} √σ̂²_I` covers its part exactly when `MS_residual` is small against `MS_groups`
//!   (`σ̂²_I` is then `MS_groups / R`, a scaled `χ²` on `B − 1` degrees of freedom), and only
//!   approximately when the subtraction of `MS_residual` adds to the estimate's variance.
//!
//!   So `h ≥ h_S`, equal when `σ̂²_I = 0` (no jump where the estimate is truncated); `h` rises
//!   with `σ̂²_I`, and tends to `t_{B−1} √V` as it dominates. `h = t_ν √V` defines the degrees of
//!   freedom reported with it, between `R − 1` and `B − 1`.
//!
//!   Satterthwaite's degrees of freedom for `V` as a combination of mean squares (*Biometrics
//!   Bulletin* 2, 1946), which this used, can exceed those of the part of `V` that dominates:
//!   adding a part on `B − 1` degrees of freedom to a noise part on `R − 1 < B − 1` raised `ν`
//!   faster than `√V`, so the `t` quantile fell more than `√V` rose, and an interval accounting
//!   for more uncertainty claimed more precision. Under common random numbers, with few
//!   replications and a small input share, it was narrower than the noise-only one (an
//!   example's B = 5, R = 3, 4 % input share: ± 1.203 against ± 1.376), and in a Monte Carlo of
//!   the normal random-effects model (B = 20, R = 3, 99 % of the noise shared, `σ²_I` 5 % of
//!   `σ²_S / R`) in 99 % of the layouts, covering a run 93 % of the time instead of 95 %. (Its
//!   three mean squares were not independent either: `MS_within` contains `MS_residual`.) Over
//!   `B` from 3 to 50, `R` from 2 to 30, `σ²_I` from 0 to 1000 `σ²_S / R` and 0 to 99 % of the
//!   noise shared, Satterthwaite's interval covered 89 % at worst (B = 50, R = 2), this one 91 %
//!   (B = 3, R = 30, no noise shared; Satterthwaite's 93 % there); with 90 % or more of the noise
//!   shared, as common random numbers make it, this one covered 94.8 % or more (95 % within the
//!   Monte Carlo's error). The price is width where both parts matter and `R` is small: the noise
//!   part keeps its `t_{R−1}`.

use crate::stats::student_t_quantile;
use serde::Serialize;

/// The variance components of one output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VarianceComponents {
    /// `B` and `R`.
    pub groups: usize,
    pub per_group: usize,
    pub grand_mean: f64,
    pub ms_groups: f64,
    pub ms_residual: f64,
    pub ms_within: f64,
    /// `σ̂²_I = max(0, (MS_groups − MS_residual) / R)`.
    pub input_variance: f64,
    /// `σ̂²_S = MS_within`.
    pub stochastic_variance: f64,
    /// `σ̂²_I / (σ̂²_I + σ̂²_S)`; 0 when both are 0.
    pub input_share: f64,
    /// Half-width of the interval with input uncertainty, `√(h_S² + (t_{B−1} σ̂_I)²)` (see the
    /// module's notes).
    pub half_width_with_input: f64,
    /// The degrees of freedom `ν` at which `t_ν √(σ̂²_I + σ̂²_S / R)` is that half-width: `R − 1`
    /// with no input variance, tending to `B − 1` as it dominates.
    pub degrees_of_freedom_with_input: f64,
    /// Half-width of the interval of stochastic noise alone.
    pub half_width_stochastic: f64,
}

/// The decomposition of `groups` (each one group's values, replication `j` at index `j` in every
/// group) at the confidence level `confidence` (e.g. 0.95). `None` unless there are at least 2
/// groups, every group has the same number (at least 2) of values, and every value is finite.
pub fn variance_components(groups: &[Vec<f64>], confidence: f64) -> Option<VarianceComponents> {
    let b = groups.len();
    let r = groups.first()?.len();
    if b < 2 || r < 2 || groups.iter().any(|g| g.len() != r || g.iter().any(|x| !x.is_finite())) {
        return None;
    }
    let (bf, rf) = (b as f64, r as f64);
    let group_means: Vec<f64> = groups.iter().map(|g| g.iter().sum::<f64>() / rf).collect();
    let replication_means: Vec<f64> =
        (0..r).map(|j| groups.iter().map(|g| g[j]).sum::<f64>() / bf).collect();
    let grand_mean = group_means.iter().sum::<f64>() / bf;
    let square = |x: f64| x * x;
    let between: f64 = group_means.iter().map(|m| square(m - grand_mean)).sum();
    let mut within = 0.0;
    let mut residual = 0.0;
    for (g, m) in groups.iter().zip(&group_means) {
        for (x, c) in g.iter().zip(&replication_means) {
            within += square(x - m);
            residual += square(x - m - c + grand_mean);
        }
    }
    let ms_groups = rf * between / (bf - 1.0);
    let ms_residual = residual / ((bf - 1.0) * (rf - 1.0));
    let ms_within = within / (bf * (rf - 1.0));
    let input_variance = ((ms_groups - ms_residual) / rf).max(0.0);
    let stochastic_variance = ms_within;
    let total = input_variance + stochastic_variance;
    let input_share = if total > 0.0 { input_variance / total } else { 0.0 };
    let p = 0.5 * (1.0 + confidence);
    // Common random numbers give every group the same R replication streams, so the pooled
    // within-group variance has R − 1 degrees of freedom or more, not B(R − 1): the interval is
    // the one a run of R replications reports, conservative when the groups share little noise.
    let within_df = rf - 1.0;
    let groups_df = bf - 1.0;
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let half_width_stochastic =
        finite(student_t_quantile(p, within_df) * libm::sqrt(stochastic_variance / rf));
    // The input part's own half-width, on the B − 1 degrees of freedom of the group means, added
    // to the noise's in quadrature (see the module's notes).
    let half_width_input = finite(student_t_quantile(p, groups_df) * libm::sqrt(input_variance));
    let half_width_with_input = quadrature(half_width_stochastic, half_width_input);
    let combined = input_variance + stochastic_variance / rf;
    let degrees_of_freedom_with_input = if input_variance == 0.0 {
        within_df
    } else if stochastic_variance == 0.0 {
        groups_df
    } else {
        degrees_of_freedom_at(p, half_width_with_input / libm::sqrt(combined), within_df, groups_df)
    };
    Some(VarianceComponents {
        groups: b,
        per_group: r,
        grand_mean,
        ms_groups,
        ms_residual,
        ms_within,
        input_variance,
        stochastic_variance,
        input_share,
        half_width_with_input,
        degrees_of_freedom_with_input,
        half_width_stochastic,
    })
}

/// `√(a² + b²)` for `a, b ≥ 0`, scaled by the larger so that no square overflows, and never below
/// `a` to the last bit: `a · √(1 + (b/a)²)` rounds to `a` or more, and to `a` itself when `b` is 0.
/// The interval with input uncertainty is then never narrower than the noise-only one, and the
/// same when there is no input variance.
fn quadrature(a: f64, b: f64) -> f64 {
    let (large, small) = if a >= b { (a, b) } else { (b, a) };
    if large == 0.0 {
        return 0.0;
    }
    let ratio = small / large;
    large * libm::sqrt(1.0 + ratio * ratio)
}

/// The degrees of freedom `ν` between `one` and `other` at which `t_{p,ν} = t`. `t_{p,ν}` falls
/// as `ν` grows, so `ν` is found by bisection; a `t` beyond either end's quantile gives that end.
fn degrees_of_freedom_at(p: f64, t: f64, one: f64, other: f64) -> f64 {
    let (mut low, mut high) = (one.min(other), one.max(other));
    if t >= student_t_quantile(p, low) {
        return low;
    }
    if t <= student_t_quantile(p, high) {
        return high;
    }
    loop {
        let middle = 0.5 * (low + high);
        if middle <= low || middle >= high {
            return middle;
        }
        if student_t_quantile(p, middle) > t {
            low = middle;
        } else {
            high = middle;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fab_stdlib::random::Stream;
    use fab_stdlib::sample::standard_normal_quantile;
    use proptest::prelude::*;

    fn normal(stream: &mut Stream) -> f64 {
        standard_normal_quantile(stream.uniform())
    }

    fn mean_se(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
        (m, libm::sqrt(v / n))
    }

    /// Many layouts drawn with known components, `shared` of the noise's sd common to the groups
    /// (common random numbers): the estimators are unbiased, so their averages over the layouts
    /// fall within 4 standard errors of the truth.
    fn recovers(shared: f64) {
        let (sigma_input, sigma_noise) = (1.0, 3.0);
        let (b, r, layouts) = (20, 10, 400);
        let own = libm::sqrt(1.0 - shared * shared);
        let mut stream = Stream::new(11, 0, "variance", "test");
        let (mut inputs, mut noises) = (Vec::new(), Vec::new());
        for _ in 0..layouts {
            let common: Vec<f64> = (0..r).map(|_| shared * normal(&mut stream)).collect();
            let groups: Vec<Vec<f64>> = (0..b)
                .map(|_| {
                    let effect = 50.0 + sigma_input * normal(&mut stream);
                    (0..r)
                        .map(|j| effect + sigma_noise * (common[j] + own * normal(&mut stream)))
                        .collect()
                })
                .collect();
            let c = variance_components(&groups, 0.95).unwrap();
            assert_eq!((c.groups, c.per_group), (b, r));
            inputs.push(c.input_variance);
            noises.push(c.stochastic_variance);
        }
        // The truncation at 0 acts on a small share of layouts here (σ²_I R / var(ε) ≥ 1.1); it
        // biases the average up by far less than the tolerance.
        let (input, input_se) = mean_se(&inputs);
        let (noise, noise_se) = mean_se(&noises);
        let truth_input = sigma_input * sigma_input;
        let truth_noise = sigma_noise * sigma_noise;
        assert!((input - truth_input).abs() < 4.0 * input_se, "σ²_I {input} ± {input_se}");
        assert!((noise - truth_noise).abs() < 4.0 * noise_se, "σ²_S {noise} ± {noise_se}");
    }

    #[test]
    fn recovers_known_variances_with_independent_groups() {
        recovers(0.0);
    }

    #[test]
    fn recovers_known_variances_with_common_random_numbers() {
        // 90 % of the noise's variance is shared by the groups replication by replication: the
        // one-way estimator would be low by 0.9 · 9 / 10 = 0.81 of the true 1.
        recovers(libm::sqrt(0.9));
    }

    #[test]
    fn computes_the_textbook_sums_of_squares_exactly() {
        // Group means 2, 4, 6; replication means 10/3 and 14/3; grand mean 4.
        let groups = vec![vec![1.0, 3.0], vec![3.0, 5.0], vec![6.0, 6.0]];
        let c = variance_components(&groups, 0.95).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12 * b.abs().max(1.0);
        assert_eq!(c.grand_mean, 4.0);
        // SS_groups = 2 (4 + 0 + 4) = 16 on 2 df; SS_within = 2 + 2 + 0 = 4 on 3 df;
        // SS_replications = 3 (4/9 + 4/9) = 8/3; SS_residual = 4 − 8/3 = 4/3 on 2 df.
        assert!(close(c.ms_groups, 8.0));
        assert!(close(c.ms_within, 4.0 / 3.0));
        assert!(close(c.ms_residual, 2.0 / 3.0));
        assert!(close(c.input_variance, 11.0 / 3.0));
        assert!(close(c.stochastic_variance, 4.0 / 3.0));
        assert!(close(c.input_share, 11.0 / 15.0));
        // Noise only: t_{0.975, 1} √(σ̂²_S / R) = 12.706205 √(2/3) (R − 1 = 1). With input: that
        // and the input part's t_{0.975, 2} √σ̂²_I = 4.302653 √(11/3) in quadrature,
        // √(161.447639 · 2/3 + 18.512821 · 11/3) = √175.512 = 13.248; V = 11/3 + 2/3 = 13/3, so
        // the t it amounts to is 13.248 / √(13/3) = 6.364, between t_1 and t_2.
        let (t1, t2): (f64, f64) = (12.706_204_736, 4.302_652_730);
        let with_input = (t1 * t1 * 2.0 / 3.0 + t2 * t2 * 11.0 / 3.0).sqrt();
        assert!((c.half_width_with_input - with_input).abs() < 1e-8, "{c:?}");
        assert!((1.0..2.0).contains(&c.degrees_of_freedom_with_input), "{c:?}");
        let t = student_t_quantile(0.975, c.degrees_of_freedom_with_input);
        assert!(close(t * (13.0f64 / 3.0).sqrt(), c.half_width_with_input), "{c:?}");
        assert!((c.half_width_stochastic - 12.706_205 * (2.0f64 / 3.0).sqrt()).abs() < 1e-5);
    }

    #[test]
    fn a_negative_estimate_is_truncated_and_bad_layouts_are_refused() {
        // Equal group means: MS_groups = 0.
        let groups = vec![vec![1.0, 3.0, 2.0], vec![3.0, 1.0, 2.0]];
        let c = variance_components(&groups, 0.95).unwrap();
        assert_eq!(c.input_variance, 0.0);
        assert_eq!(c.input_share, 0.0);
        assert!(variance_components(&[vec![1.0, 2.0]], 0.95).is_none());
        assert!(variance_components(&[vec![1.0], vec![2.0]], 0.95).is_none());
        assert!(variance_components(&[vec![1.0, 2.0], vec![2.0]], 0.95).is_none());
        assert!(variance_components(&[vec![1.0, f64::NAN], vec![2.0, 3.0]], 0.95).is_none());
        let constant = variance_components(&[vec![1.0, 1.0], vec![1.0, 1.0]], 0.95).unwrap();
        assert_eq!(constant.input_share, 0.0);
    }

    /// Inputs that do not vary (an empirical input of equal values) give every group the same
    /// values under common random numbers: no input variance, and the interval with input
    /// uncertainty is the noise-only one. It used `t_{B−1}` for the noise's variance, whose
    /// degrees of freedom are `R − 1`, and came out narrower (a probe's model with B = 5, R = 4:
    /// 1.134 against 1.300).
    #[test]
    fn no_input_variance_gives_the_noise_only_interval() {
        let replications = vec![61.2, 64.8, 59.9, 66.1];
        let groups = vec![replications; 5];
        let c = variance_components(&groups, 0.95).unwrap();
        assert_eq!(c.input_variance, 0.0);
        assert_eq!(c.degrees_of_freedom_with_input, 3.0);
        assert!(c.half_width_stochastic > 0.0);
        assert_eq!(c.half_width_with_input, c.half_width_stochastic, "{c:?}");
    }

    /// Replication `j`'s noise shared by every macro-replication, as common random numbers make
    /// it, and a little input variance: `σ̂²_S / R = 3` on `R − 1 = 2` degrees of freedom,
    /// `σ̂²_I = 0.225` from `B = 5` group means. Satterthwaite's formula gave the sum 2.30 degrees
    /// of freedom, more than the noise that makes up 93 % of it has, and its `t` fell faster than
    /// `√V` rose: ± 6.91 with input against ± 7.45 for the noise alone (the probe's
    /// `examples/variation.fab`, B = 5, R = 3: 1.203 against 1.376).
    #[test]
    fn a_little_input_variance_does_not_narrow_the_interval() {
        let shared = [-3.0, 0.0, 3.0];
        let groups: Vec<Vec<f64>> = [-0.6, -0.3, 0.0, 0.3, 0.6]
            .iter()
            .map(|effect| shared.iter().map(|noise| 100.0 + effect + noise).collect())
            .collect();
        let c = variance_components(&groups, 0.95).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.abs().max(1.0);
        assert!(close(c.stochastic_variance, 9.0) && close(c.input_variance, 0.225), "{c:?}");
        let noise = student_t_quantile(0.975, 2.0) * 3f64.sqrt();
        let input = student_t_quantile(0.975, 4.0) * 0.225f64.sqrt();
        assert!(close(c.half_width_stochastic, noise), "{c:?}");
        assert!(c.half_width_with_input > c.half_width_stochastic, "{c:?}");
        assert!(close(c.half_width_with_input, (noise * noise + input * input).sqrt()), "{c:?}");
        // The t quantile it amounts to lies between the parts' own.
        let df = c.degrees_of_freedom_with_input;
        assert!((2.0..4.0).contains(&df), "{c:?}");
        let t = student_t_quantile(0.975, df);
        assert!(close(t * (3.0f64 + 0.225).sqrt(), c.half_width_with_input), "{c:?}");
    }

    /// How often the interval with input uncertainty holds a run's deviation from the mean,
    /// `N(0, σ²_I + σ²_S / R)`, in the layouts fab makes: B = 20 macro-replications of R = 3,
    /// 99 % of the noise shared by common random numbers, an input variance of 5 % of a run's
    /// noise variance. Averaged over 4000 layouts, `P(|X| ≤ h) = erf(h / √(2V))` is 0.959 (one
    /// layout's sd is 0.095, the average's 0.0015); Satterthwaite's degrees of freedom gave 0.930,
    /// with an interval narrower than the noise-only one in 99 % of such layouts.
    #[test]
    fn the_interval_with_input_covers_a_run_under_common_random_numbers() {
        let (b, r, layouts) = (20, 3, 4000);
        let (shared, own) = (libm::sqrt(0.99), libm::sqrt(0.01));
        let input_variance = 0.05 / r as f64;
        let truth = input_variance + 1.0 / r as f64;
        let mut stream = Stream::new(5, 0, "coverage", "test");
        let mut coverage = 0.0;
        for _ in 0..layouts {
            let common: Vec<f64> = (0..r).map(|_| shared * normal(&mut stream)).collect();
            let groups: Vec<Vec<f64>> = (0..b)
                .map(|_| {
                    let effect = libm::sqrt(input_variance) * normal(&mut stream);
                    common.iter().map(|e| effect + e + own * normal(&mut stream)).collect()
                })
                .collect();
            let c = variance_components(&groups, 0.95).unwrap();
            coverage += libm::erf(c.half_width_with_input / libm::sqrt(2.0 * truth));
        }
        coverage /= layouts as f64;
        assert!((0.945..0.98).contains(&coverage), "coverage {coverage}");
    }

    /// The degrees of freedom the interval amounts to are those of the dominant part: near `B − 1`
    /// when the input variance dominates, near `R − 1` when the noise does.
    #[test]
    fn the_degrees_of_freedom_follow_the_dominant_part() {
        let layout = |effect: f64, noise: f64| -> Vec<Vec<f64>> {
            (0..30)
                .map(|b| {
                    let a = effect * ((b * 7 % 11) as f64 - 5.0);
                    (0..4).map(|j| 100.0 + a + noise * ((b * 3 + j * 5) % 7) as f64).collect()
                })
                .collect()
        };
        let input = variance_components(&layout(10.0, 0.01), 0.95).unwrap();
        assert!(input.degrees_of_freedom_with_input > 25.0, "{input:?}");
        let noise = variance_components(&layout(0.001, 10.0), 0.95).unwrap();
        assert!(noise.degrees_of_freedom_with_input < 4.0, "{noise:?}");
    }

    /// A layout of `b` groups × `r` replications, `100 + input·δ_b + shared·e_j + own·ε_bj` with
    /// standard normal `δ`, `e` and `ε` from `seed`.
    fn layout(b: usize, r: usize, input: f64, shared: f64, own: f64, seed: u64) -> Vec<Vec<f64>> {
        let mut stream = Stream::new(seed, 0, "layout", "test");
        let common: Vec<f64> = (0..r).map(|_| shared * normal(&mut stream)).collect();
        (0..b)
            .map(|_| {
                let effect = 100.0 + input * normal(&mut stream);
                common.iter().map(|e| effect + e + own * normal(&mut stream)).collect()
            })
            .collect()
    }

    /// A scale of 0, or from 10⁻⁴ to 10².
    fn scale() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), (-4.0f64..2.0).prop_map(|e| libm::pow(10.0, e))]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// An interval that adds the input variance to the noise never claims more precision
        /// than the noise alone, whatever `B`, `R` and the shares of the variance; with no input
        /// variance it is the noise-only interval; and it is `t_ν √V` at the degrees of freedom
        /// reported.
        #[test]
        fn the_interval_with_input_is_never_narrower_than_the_noise_alone(
            b in 2usize..40,
            r in 2usize..40,
            input in scale(),
            shared in scale(),
            own in scale(),
            confidence in prop_oneof![Just(0.95), 0.5f64..0.999],
            seed in any::<u64>(),
        ) {
            let c = variance_components(&layout(b, r, input, shared, own, seed), confidence)
                .unwrap();
            prop_assert!(c.half_width_with_input >= c.half_width_stochastic, "{:?}", c);
            if c.input_variance == 0.0 {
                prop_assert_eq!(c.half_width_with_input, c.half_width_stochastic);
                prop_assert_eq!(c.degrees_of_freedom_with_input, (r - 1) as f64);
            }
            let df = c.degrees_of_freedom_with_input;
            let (low, high) = ((b.min(r) - 1) as f64, (b.max(r) - 1) as f64);
            prop_assert!((low..=high).contains(&df), "{:?}", c);
            let v = c.input_variance + c.stochastic_variance / r as f64;
            let t = student_t_quantile(0.5 * (1.0 + confidence), df);
            let tolerance = 1e-9 * c.half_width_with_input;
            prop_assert!((t * v.sqrt() - c.half_width_with_input).abs() <= tolerance, "{:?}", c);
        }
    }
}
