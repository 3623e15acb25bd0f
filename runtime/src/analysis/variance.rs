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
//! - **with input uncertainty**: `ȳ ± t_ν · √V`, `V = σ̂²_I + σ̂²_S / R`. `σ²_I + σ²_S / R` is
//!   the variance of what one run of `R` replications with inputs fitted to data of this size
//!   reports (Cheng and Holland, *J. Statist. Comput. Simul.* 57, 1997; Barton, "Tutorial: input
//!   uncertainty in output analysis", *Proc. Winter Simulation Conference*, 2012). The interval
//!   does not shrink as `B` grows: input uncertainty is a property of the data, not of the number
//!   of macro-replications. (A confidence interval for the grand mean, `± t s_ȳ / √B`, would
//!   shrink, and answer another question: the average over the resampled inputs.)
//!
//!   `V` is a linear combination of mean squares, `V = Σ_k c_k MS_k`:
//!   `(MS_groups − MS_residual + MS_within) / R` when `σ̂²_I > 0`, `MS_within / R` when it is
//!   truncated to 0. Its degrees
//!   of freedom are Satterthwaite's (*Biometrics Bulletin* 2, 1946, "An approximate distribution
//!   of estimates of variance components"):
//!
//!   ```text
//!   ν = V² / Σ_k (c_k MS_k)² / ν_k
//!   ```
//!
//!   with `ν_k` = `B − 1`, `(B − 1)(R − 1)` and `R − 1` (for `MS_within`, as below). Taking
//!   `B − 1` for the whole, as this once did, gave the input part's degrees of freedom to the
//!   noise part too: with no input variance at all the interval with input uncertainty came out
//!   narrower than the noise-only one. With `σ̂²_I = 0` the two intervals are now the same; as
//!   `σ̂²_I` dominates, `ν` tends to `B − 1`.
//! - **stochastic noise only**: `ȳ ± t_{R−1} · √(σ̂²_S / R)`, the interval a run of `R`
//!   replications of one model would report, its variance pooled over the groups. Common random
//!   numbers give every group the same `R` replication streams, so the pooled within-group
//!   variance has about `R − 1` degrees of freedom, not `B(R − 1)`.

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
    /// Half-width of the interval with input uncertainty (see the module's notes).
    pub half_width_with_input: f64,
    /// The Satterthwaite degrees of freedom of that interval's variance.
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
    // within-group variance has about R − 1 degrees of freedom, not B(R − 1): the interval is
    // the one a run of R replications reports.
    let within_df = rf - 1.0;
    let t_within = student_t_quantile(p, within_df);
    // Satterthwaite's degrees of freedom for V = σ̂²_I + σ̂²_S / R (see the module's notes).
    let terms: Vec<(f64, f64)> = if input_variance > 0.0 {
        vec![
            (ms_groups / rf, bf - 1.0),
            (-ms_residual / rf, (bf - 1.0) * (rf - 1.0)),
            (ms_within / rf, within_df),
        ]
    } else {
        vec![(ms_within / rf, within_df)]
    };
    let combined = input_variance + stochastic_variance / rf;
    let spread: f64 = terms.iter().map(|(term, df)| term * term / df).sum();
    let combined_df = if spread > 0.0 { combined * combined / spread } else { within_df };
    let t_combined = student_t_quantile(p, combined_df);
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
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
        half_width_with_input: finite(t_combined * libm::sqrt(combined)),
        degrees_of_freedom_with_input: combined_df,
        half_width_stochastic: finite(t_within * libm::sqrt(stochastic_variance / rf)),
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
        // V = (8 − 2/3 + 4/3) / 2 = 13/3, on Satterthwaite's
        // (13/3)² / (4²/2 + (1/3)²/2 + (2/3)²/1) = (169/9) / (17/2) = 338/153 degrees of freedom;
        // t_{0.975, 1} = 12.706205 (R − 1).
        assert!(close(c.degrees_of_freedom_with_input, 338.0 / 153.0));
        let t = student_t_quantile(0.975, 338.0 / 153.0);
        assert!(close(c.half_width_with_input, t * (13.0f64 / 3.0).sqrt()));
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

    /// Satterthwaite's degrees of freedom are those of the dominant part: near `B − 1` when the
    /// input variance dominates, near `R − 1` when the noise does.
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
}
