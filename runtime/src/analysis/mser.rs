//! Warm-up detection by the MSER-5 truncation rule.
//!
//! A steady-state simulation starts empty and idle, so its first observations are biased. The
//! Marginal Standard Error Rule (White, "An effective truncation heuristic for bias reduction in
//! simulation output", Simulation 69(6), 1997; White, Cobb and Spratt, "A comparison of five
//! steady-state truncation heuristics for simulation", Proc. Winter Simulation Conference 2000)
//! chooses how many initial observations to delete by trading bias against variance: deleting
//! more removes bias but leaves fewer observations to average.
//!
//! The input is a series of equally spaced observations, for instance the time-average of the work
//! in process over consecutive intervals, averaged across replications. MSER-5 first averages the
//! series in non-overlapping batches of 5 (a trailing incomplete batch is dropped), which smooths
//! the noise the rule would otherwise chase, giving `Z_1 … Z_n`. For each candidate truncation
//! point `d` (delete the first `d` batches) it computes
//!
//! ```text
//! MSER(d) = Σ_{i=d+1}^{n} (Z_i − Z̄_d)² / (n − d)²,   Z̄_d = Σ_{i=d+1}^{n} Z_i / (n − d)
//! ```
//!
//! which is about the squared standard error of the mean of the retained batches, and takes the
//! `d` with the smallest value (the earliest one on ties). Only `d ≤ n/2` is admissible: a
//! minimum in the second half compares means of a handful of batches and is meaningless. A
//! minimum *at* the boundary `d = ⌊n/2⌋` usually means the run never reached steady state (or is
//! too short to tell), so the result says the truncation is not reliable. Hoad, Robinson and
//! Davies ("Automating warm-up length estimation", J. Oper. Res. Soc. 61(9), 2010) recommend
//! MSER-5 for automated warm-up estimation after comparing the published methods. With fewer
//! than 10 batches (50 observations) there is nothing to decide.
//!
//! The sums over the retained batches are accumulated backwards from the end with Welford's
//! update, so every `MSER(d)` costs O(1) and the sum of squares never suffers the cancellation of
//! `Σ Z² − (Σ Z)² / m`.

use serde::Serialize;

/// The observations per batch.
pub const BATCH: usize = 5;

/// The MSER-5 truncation point of a series.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Truncation {
    /// How many initial observations to delete: `5 · batches`.
    pub observations: usize,
    /// How many initial batches of 5 to delete: the minimizing `d`.
    pub batches: usize,
    /// The minimum value `MSER(d)`, in the series' units squared.
    pub statistic: f64,
    /// False when the minimum lies at the last admissible point `d = ⌊n/2⌋`: the series may not
    /// have reached steady state, and a longer run is needed to trust any truncation point.
    pub reliable: bool,
}

/// The MSER-5 truncation point of `series` (equally spaced observations; see the module docs),
/// or `None` when it has fewer than 10 full batches of 5 or holds a value that is not finite.
pub fn mser5(series: &[f64]) -> Option<Truncation> {
    let n = series.len() / BATCH;
    if n < 10 || series.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let batches: Vec<f64> =
        series.chunks_exact(BATCH).map(|chunk| chunk.iter().sum::<f64>() / BATCH as f64).collect();

    // MSER(d) for every d, from the retained tail Z_{d+1..n}, built backwards.
    let mut statistics = vec![0.0; n];
    let mut count = 0.0;
    let mut mean = 0.0;
    let mut squares = 0.0;
    for d in (0..n).rev() {
        let z = batches[d];
        count += 1.0;
        let delta = z - mean;
        mean += delta / count;
        squares += delta * (z - mean);
        statistics[d] = squares / (count * count);
    }

    let last = n / 2;
    let mut best = 0;
    for d in 1..=last {
        if statistics[d] < statistics[best] {
            best = d;
        }
    }
    Some(Truncation {
        observations: BATCH * best,
        batches: best,
        statistic: statistics[best],
        reliable: best < last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fab_stdlib::random::Stream;

    /// A standard normal by Box–Muller from two uniforms.
    fn normal(stream: &mut Stream) -> f64 {
        let radius = libm::sqrt(-2.0 * libm::log(stream.uniform()));
        radius * libm::cos(2.0 * std::f64::consts::PI * stream.uniform())
    }

    #[test]
    fn truncates_at_the_end_of_an_exponential_transient() {
        // x_t = 10 (1 − e^{−t/τ}) + N(0, 1) with τ = 40, over 2000 observations. The bias
        // 10 e^{−t/τ} exceeds the noise's sd until t = τ ln 10 ≈ 92 and is below 1/20 of it after
        // t = τ ln 200 ≈ 212: the rule must delete the first part and keep the second.
        let tau = 40.0;
        let mut stream = Stream::new(1, 0, "mser", "transient");
        let series: Vec<f64> = (0..2000)
            .map(|t| 10.0 * (1.0 - libm::exp(-(t as f64) / tau)) + normal(&mut stream))
            .collect();
        let truncation = mser5(&series).expect("400 batches");
        assert!(truncation.reliable);
        assert_eq!(truncation.observations, 5 * truncation.batches);
        let cut = truncation.observations as f64;
        assert!(cut >= tau * libm::log(10.0), "deleted only {cut} observations");
        assert!(cut <= tau * libm::log(200.0), "deleted {cut} observations");
    }

    #[test]
    fn keeps_almost_all_of_a_stationary_series() {
        // Independent N(5, 1) observations have no warm-up: MSER(d) ≈ σ²/(5(n − d)) grows with d,
        // so only the chance of an unusual first few batches moves the minimum off 0.
        let mut stream = Stream::new(2, 0, "mser", "stationary");
        let series: Vec<f64> = (0..2000).map(|_| 5.0 + normal(&mut stream)).collect();
        let truncation = mser5(&series).expect("400 batches");
        assert!(truncation.reliable);
        assert!(truncation.observations <= 100, "deleted {} of 2000", truncation.observations);
    }

    #[test]
    fn a_constant_series_needs_no_truncation() {
        let truncation = mser5(&[3.5; 100]).expect("20 batches");
        assert_eq!(
            truncation,
            Truncation { observations: 0, batches: 0, statistic: 0.0, reliable: true }
        );
    }

    #[test]
    fn a_series_still_drifting_is_not_reliable() {
        // A straight ramp never settles: the smallest MSER is at the last admissible point.
        let series: Vec<f64> = (0..500).map(|t| t as f64).collect();
        let truncation = mser5(&series).expect("100 batches");
        assert_eq!(truncation.batches, 50);
        assert!(!truncation.reliable);
    }

    #[test]
    fn short_or_non_finite_series_give_none() {
        assert_eq!(mser5(&[]), None);
        assert_eq!(mser5(&[1.0; 49]), None);
        assert!(mser5(&[1.0; 50]).is_some());
        let mut series = vec![1.0; 100];
        series[7] = f64::NAN;
        assert_eq!(mser5(&series), None);
    }

    #[test]
    fn the_statistic_matches_the_definition() {
        // Brute-force MSER(d) on a small series, including the dropped trailing observations.
        let mut stream = Stream::new(3, 0, "mser", "definition");
        let series: Vec<f64> = (0..63).map(|t| 1.0 / (1.0 + t as f64) + stream.uniform()).collect();
        let truncation = mser5(&series).expect("12 batches");
        let z: Vec<f64> = series.chunks_exact(5).map(|c| c.iter().sum::<f64>() / 5.0).collect();
        let mser = |d: usize| -> f64 {
            let tail = &z[d..];
            let m = tail.len() as f64;
            let mean = tail.iter().sum::<f64>() / m;
            tail.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (m * m)
        };
        let best = (0..=6).min_by(|&a, &b| mser(a).total_cmp(&mser(b))).expect("non-empty");
        assert_eq!(truncation.batches, best);
        assert!((truncation.statistic - mser(best)).abs() <= 1e-12 * mser(best).max(1e-300));
    }
}
