//! Variance components of a balanced one-way layout: how much of an output's variance comes from
//! the groups (input uncertainty, when each group is one set of resampled inputs) and how much
//! from the replications within a group (stochastic noise).
//!
//! With `B` groups of `R` values `y_bj`, group means `ȳ_b` and grand mean `ȳ`, the random-effects
//! model `y_bj = μ + a_b + e_bj` (`a_b` with variance `σ²_I`, `e_bj` with variance `σ²_S`) has
//!
//! ```text
//! MS_between = R Σ_b (ȳ_b − ȳ)² / (B − 1)        E[MS_between] = σ²_S + R σ²_I
//! MS_within  = Σ_b Σ_j (y_bj − ȳ_b)² / (B (R − 1))   E[MS_within]  = σ²_S
//! ```
//!
//! so `σ̂²_S = MS_within` and `σ̂²_I = max(0, (MS_between − MS_within) / R)`, the ANOVA
//! (method-of-moments) estimators, truncated at zero as usual (Searle, Casella and McCulloch,
//! *Variance Components*, 1992, §3.5). They hold whether or not the groups share their random
//! numbers replication by replication (common random numbers): `MS_within` compares the
//! replications of one group with each other, and those are independent within a group.
//!
//! Two intervals around the grand mean are given:
//!
//! - **with input uncertainty**: `ȳ ± t_{B−1} · s_ȳ · √(1 + 1/B)`, with `s_ȳ² = MS_between / R`
//!   the variance of the group means. `s_ȳ²` estimates `σ²_I + σ²_S / R`, the variance of what one
//!   run of `R` replications with inputs fitted to data of this size reports (Cheng and Holland,
//!   *J. Statist. Comput. Simul.* 57, 1997; Barton, "Tutorial: input uncertainty in output
//!   analysis", *Proc. Winter Simulation Conference*, 2012). The interval is the normal-theory
//!   prediction interval of one more group mean, so it does not shrink as `B` grows: input
//!   uncertainty is a property of the data, not of the number of macro-replications. (The
//!   narrower `ȳ ± t_{B−1} s_ȳ / √B` is a confidence interval for the average over the resampled
//!   inputs, which is not what a user of a fitted model needs.)
//! - **stochastic noise only**: `ȳ ± t_{B(R−1)} · √(MS_within / R)`, the interval a run of `R`
//!   replications of one model would report, with the within-group variance pooled over groups.

use crate::stats::student_t_quantile;
use serde::Serialize;

/// The variance components of one output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VarianceComponents {
    /// `B` and `R`.
    pub groups: usize,
    pub per_group: usize,
    pub grand_mean: f64,
    pub ms_between: f64,
    pub ms_within: f64,
    /// `σ̂²_I = max(0, (MS_between − MS_within) / R)`.
    pub input_variance: f64,
    /// `σ̂²_S = MS_within`.
    pub stochastic_variance: f64,
    /// `σ̂²_I / (σ̂²_I + σ̂²_S)`; 0 when both are 0.
    pub input_share: f64,
    /// Half-width of the interval with input uncertainty (see the module's notes).
    pub half_width_with_input: f64,
    /// Half-width of the interval of stochastic noise alone.
    pub half_width_stochastic: f64,
}

/// The one-way random-effects decomposition of `groups` (each one group's values) at the
/// confidence level `confidence` (e.g. 0.95). `None` unless there are at least 2 groups, every
/// group has the same number (at least 2) of values, and every value is finite.
pub fn one_way_random_effects(groups: &[Vec<f64>], confidence: f64) -> Option<VarianceComponents> {
    let b = groups.len();
    let r = groups.first()?.len();
    if b < 2 || r < 2 || groups.iter().any(|g| g.len() != r || g.iter().any(|x| !x.is_finite())) {
        return None;
    }
    let (bf, rf) = (b as f64, r as f64);
    let means: Vec<f64> = groups.iter().map(|g| g.iter().sum::<f64>() / rf).collect();
    let grand_mean = means.iter().sum::<f64>() / bf;
    let between: f64 = means.iter().map(|m| (m - grand_mean) * (m - grand_mean)).sum();
    let within: f64 = groups
        .iter()
        .zip(&means)
        .map(|(g, m)| g.iter().map(|x| (x - m) * (x - m)).sum::<f64>())
        .sum();
    let ms_between = rf * between / (bf - 1.0);
    let ms_within = within / (bf * (rf - 1.0));
    let input_variance = ((ms_between - ms_within) / rf).max(0.0);
    let stochastic_variance = ms_within;
    let total = input_variance + stochastic_variance;
    let input_share = if total > 0.0 { input_variance / total } else { 0.0 };
    let p = 0.5 * (1.0 + confidence);
    let t_between = student_t_quantile(p, bf - 1.0);
    let t_within = student_t_quantile(p, bf * (rf - 1.0));
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    Some(VarianceComponents {
        groups: b,
        per_group: r,
        grand_mean,
        ms_between,
        ms_within,
        input_variance,
        stochastic_variance,
        input_share,
        half_width_with_input: finite(
            t_between * libm::sqrt(ms_between / rf) * libm::sqrt(1.0 + 1.0 / bf),
        ),
        half_width_stochastic: finite(t_within * libm::sqrt(ms_within / rf)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fab_stdlib::random::Stream;
    use fab_stdlib::sample::standard_normal_quantile;

    fn normal(stream: &mut Stream) -> f64 {
        standard_normal_quantile(stream.uniform())
    }

    /// Many layouts drawn with known components: the estimators are unbiased, so their averages
    /// over the layouts fall within a few standard errors of the truth.
    #[test]
    fn recovers_known_between_and_within_variances() {
        let (sigma_input, sigma_noise) = (2.0, 3.0);
        let (b, r, layouts) = (20, 10, 400);
        let mut stream = Stream::new(11, 0, "variance", "test");
        let (mut inputs, mut noises) = (Vec::new(), Vec::new());
        for _ in 0..layouts {
            let groups: Vec<Vec<f64>> = (0..b)
                .map(|_| {
                    let effect = 50.0 + sigma_input * normal(&mut stream);
                    (0..r).map(|_| effect + sigma_noise * normal(&mut stream)).collect()
                })
                .collect();
            let c = one_way_random_effects(&groups, 0.95).unwrap();
            assert_eq!((c.groups, c.per_group), (b, r));
            inputs.push(c.input_variance);
            noises.push(c.stochastic_variance);
        }
        let mean_sd = |xs: &[f64]| {
            let n = xs.len() as f64;
            let m = xs.iter().sum::<f64>() / n;
            let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
            (m, libm::sqrt(v / n))
        };
        // MS_within is unbiased for σ²_S; (MS_between − MS_within)/R is unbiased for σ²_I, and the
        // truncation at 0 almost never acts at these sizes (σ²_I R / σ²_S = 4.4).
        let (input, input_se) = mean_sd(&inputs);
        let (noise, noise_se) = mean_sd(&noises);
        let truth_input = sigma_input * sigma_input;
        let truth_noise = sigma_noise * sigma_noise;
        assert!((input - truth_input).abs() < 4.0 * input_se, "{input} ± {input_se}");
        assert!((noise - truth_noise).abs() < 4.0 * noise_se, "{noise} ± {noise_se}");
    }

    #[test]
    fn computes_the_textbook_sums_of_squares_exactly() {
        // Group means 2, 4, 6; grand mean 4; within-group deviations ±1.
        let groups = vec![vec![1.0, 3.0], vec![3.0, 5.0], vec![5.0, 7.0]];
        let c = one_way_random_effects(&groups, 0.95).unwrap();
        assert_eq!(c.grand_mean, 4.0);
        // MS_between = 2 · (4 + 0 + 4) / 2 = 8; MS_within = 6 · 2 / 3 = 2 (each group: 1 + 1).
        assert_eq!(c.ms_between, 8.0);
        assert_eq!(c.ms_within, 2.0);
        assert_eq!(c.input_variance, 3.0);
        assert_eq!(c.stochastic_variance, 2.0);
        assert_eq!(c.input_share, 0.6);
        // t_{0.975, 2} = 4.3027, s_ȳ = 2, √(1 + 1/3); t_{0.975, 3} = 3.1824, √(2/2) = 1.
        assert!((c.half_width_with_input - 4.302_653 * 2.0 * (4.0f64 / 3.0).sqrt()).abs() < 1e-4);
        assert!((c.half_width_stochastic - 3.182_446).abs() < 1e-4);
    }

    #[test]
    fn a_negative_estimate_is_truncated_and_bad_layouts_are_refused() {
        // Equal group means: MS_between = 0 < MS_within.
        let groups = vec![vec![1.0, 3.0], vec![3.0, 1.0]];
        let c = one_way_random_effects(&groups, 0.95).unwrap();
        assert_eq!(c.input_variance, 0.0);
        assert_eq!(c.input_share, 0.0);
        assert!(one_way_random_effects(&[vec![1.0, 2.0]], 0.95).is_none());
        assert!(one_way_random_effects(&[vec![1.0], vec![2.0]], 0.95).is_none());
        assert!(one_way_random_effects(&[vec![1.0, 2.0], vec![2.0]], 0.95).is_none());
        assert!(one_way_random_effects(&[vec![1.0, f64::NAN], vec![2.0, 3.0]], 0.95).is_none());
        let constant = one_way_random_effects(&[vec![1.0, 1.0], vec![1.0, 1.0]], 0.95).unwrap();
        assert_eq!(constant.input_share, 0.0);
    }
}
