//! Selecting the best of `k` simulated systems: Kim and Nelson's fully sequential procedure KN.
//!
//! Given `k` alternatives (scenarios) whose outputs are normal with unknown means and variances,
//! an indifference-zone procedure promises: *if the best mean beats every other by at least `δ`,
//! the system selected is the best with probability at least `1 − α`*. `δ` is the smallest
//! difference worth detecting, in the output's units; below it the user is indifferent.
//!
//! KN (Kim and Nelson, "A fully sequential procedure for indifference-zone selection in
//! simulation", ACM TOMACS 11(3), 2001; also their chapter "Selecting the best system" in
//! Henderson and Nelson (eds.), *Handbooks in OR & MS* 13, 2006) runs one replication of every
//! surviving system at a time and eliminates a system as soon as its running mean falls clearly
//! below another's. It allows common random numbers, and gains from them: the screening uses the
//! variances of *paired differences*, which CRN make small. With larger-is-better outputs:
//!
//! 1. Setup: `η = ½ [(2α / (k − 1))^(−2/(n₀−1)) − 1]` and `h² = 2η(n₀ − 1)`.
//! 2. First stage: `n₀ ≥ 2` replications of every system; for every pair `i ≠ l`,
//!    `S²_il = Σ_j (X_ij − X_lj − (X̄_i(n₀) − X̄_l(n₀)))² / (n₀ − 1)`, the sample variance of
//!    their differences, fixed from then on.
//! 3. Screening after `r ≥ n₀` replications: with
//!    `W_il(r) = max(0, (δ / 2r) (h² S²_il / δ² − r))`, system `i` survives if
//!    `X̄_i(r) ≥ X̄_l(r) − W_il(r)` for every other survivor `l` of the previous step; the
//!    others are eliminated, all at once.
//! 4. Stop when one system survives; otherwise run replication `r + 1` of the survivors and
//!    screen again.
//!
//! `W_il` shrinks to 0 at `r = h² S²_il / δ²`, so the procedure ends after at most
//! `max_il ⌊h² S²_il / δ²⌋ + 1` replications ([`KimNelson::replication_bound`]). Once every
//! surviving pair's `W` is 0 a system survives only with the largest mean; survivors left then
//! have exactly equal means (a probability-zero event for continuous outputs, but it happens when
//! two scenarios are the same model), and the procedure stops with all of them, choosing the
//! lowest-numbered as best.
//!
//! For smaller-is-better outputs the values are negated internally. A caller may impose a
//! maximum number of replications ([`KimNelson::with_max_replications`]); if it is reached
//! first, the outcome is the survivor with the best sample mean and is marked as not
//! guaranteed.
//!
//! The procedure is a state machine with no knowledge of simulation: [`KimNelson::needs`] says
//! which systems need their next replication, [`KimNelson::observe`] takes the outputs (the
//! caller runs the systems of one replication number with common random numbers), and
//! [`KimNelson::outcome`] reports. Rinott's two-stage procedure, which needs Rinott's constant
//! from a double integral, is not provided.

use serde::Serialize;

/// Kim and Nelson's fully sequential procedure KN, driven replication by replication (see the
/// module docs).
#[derive(Clone, Debug)]
pub struct KimNelson {
    systems: usize,
    first_stage: usize,
    indifference: f64,
    maximize: bool,
    /// `h² = 2η(n₀ − 1)`.
    h_squared: f64,
    /// The replications after which the procedure stops without its guarantee.
    max_replications: Option<usize>,
    /// Every observation received, per system, in replication order (as given).
    observations: Vec<Vec<f64>>,
    /// Sum of the first `screened` observations of each surviving system, sign-adjusted so that
    /// larger is better.
    sums: Vec<f64>,
    /// `S²_il`, row-major `k × k`, once the first stage is complete.
    variances: Vec<f64>,
    alive: Vec<bool>,
    /// Observations used in the estimates, per system: `screened` for survivors, the count at
    /// elimination for the others.
    used: Vec<usize>,
    eliminated: Vec<(usize, usize)>,
    /// Whether an output was NaN or infinite, which voids the guarantee.
    non_finite: bool,
    /// `r`: the replications every survivor has completed and that have been screened.
    screened: usize,
    finished: Option<Finish>,
}

/// Why the procedure stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Finish {
    /// By its own rule: one survivor, or survivors with equal means after the last elimination.
    Rule,
    /// At the maximum number of replications.
    Budget,
}

/// The outcome of a selection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Selection {
    /// The system selected as best: the only survivor, or the survivor with the best sample mean
    /// (the lowest-numbered among equals).
    pub best: usize,
    /// The systems never eliminated, in increasing order.
    pub survivors: Vec<usize>,
    /// The eliminated systems with the replication number `r` at whose screening they fell, in
    /// the order of elimination.
    pub eliminated: Vec<(usize, usize)>,
    /// The replications of each system the procedure used.
    pub replications: Vec<usize>,
    /// The sample mean of each system over the replications it used (0 with none), in the
    /// output's units and sign.
    pub means: Vec<f64>,
    /// Whether the probability-of-correct-selection guarantee holds: true when the procedure
    /// stopped by its own rule, false when it was cut off at the maximum number of replications,
    /// asked for an outcome before it finished, or given a non-finite output.
    pub guaranteed: bool,
}

impl KimNelson {
    /// A selection among `systems` alternatives with `first_stage` (`n₀ ≥ 2`) initial
    /// replications each, probability of correct selection `confidence` (`1 − α`, strictly
    /// between `1/k` — what a random guess achieves — and 1), indifference zone `indifference`
    /// (`δ > 0`, in the output's units), choosing the largest mean if `maximize`, else the
    /// smallest.
    ///
    /// With a single system there is nothing to compare: the procedure is finished at once and
    /// selects it without any replication.
    pub fn new(
        systems: usize,
        first_stage: usize,
        confidence: f64,
        indifference: f64,
        maximize: bool,
    ) -> Result<KimNelson, String> {
        if systems == 0 {
            return Err("selection needs at least one system".to_string());
        }
        if first_stage < 2 {
            return Err(format!(
                "the first stage needs at least 2 replications per system to estimate variances, \
                 not {first_stage}"
            ));
        }
        if !(indifference > 0.0 && indifference.is_finite()) {
            return Err(format!(
                "the indifference zone must be a positive, finite difference, not {indifference}"
            ));
        }
        let floor = 1.0 / systems as f64;
        if systems > 1 && !(confidence > floor && confidence < 1.0) {
            return Err(format!(
                "the probability of correct selection must lie strictly between 1/{systems} (a \
                 random choice) and 1, not {confidence}"
            ));
        }
        if systems == 1 && !(confidence > 0.0 && confidence < 1.0) {
            return Err(format!(
                "the probability of correct selection must lie strictly between 0 and 1, not \
                 {confidence}"
            ));
        }
        let h_squared = if systems > 1 {
            let alpha = 1.0 - confidence;
            let base = 2.0 * alpha / (systems - 1) as f64;
            let eta = 0.5 * (libm::pow(base, -2.0 / (first_stage - 1) as f64) - 1.0);
            2.0 * eta * (first_stage - 1) as f64
        } else {
            0.0
        };
        Ok(KimNelson {
            systems,
            first_stage,
            indifference,
            maximize,
            h_squared,
            max_replications: None,
            observations: vec![Vec::new(); systems],
            sums: vec![0.0; systems],
            variances: Vec::new(),
            alive: vec![true; systems],
            used: vec![0; systems],
            eliminated: Vec::new(),
            non_finite: false,
            screened: 0,
            finished: if systems == 1 { Some(Finish::Rule) } else { None },
        })
    }

    /// Stops the procedure after `limit` replications of the survivors (never before the first
    /// stage is complete), reporting the best sample mean without the guarantee if more than one
    /// system survives then.
    pub fn with_max_replications(mut self, limit: usize) -> KimNelson {
        self.max_replications = Some(limit);
        self
    }

    /// The constant `h² = 2η(n₀ − 1)` of the continuation region (0 for a single system).
    pub fn h_squared(&self) -> f64 {
        self.h_squared
    }

    /// The systems that need their next replication now, in increasing order: every system
    /// during the first stage, then the survivors; none once the procedure is done. Each listed
    /// system needs replication number `r + 1`, where `r` replications have been screened.
    pub fn needs(&self) -> Vec<usize> {
        if self.finished.is_some() {
            return Vec::new();
        }
        (0..self.systems)
            .filter(|&i| self.alive[i] && self.observations[i].len() <= self.screened)
            .collect()
    }

    /// Records the next output of `system`: its `r`-th call for a system is that system's
    /// replication `r`. Once every survivor has replication `r`, the procedure screens (from
    /// `r = n₀` on) and may finish. Outputs for an eliminated system, or after the procedure is
    /// done, are ignored. Outputs should be finite: a NaN eliminates nothing and is never
    /// eliminated, and any non-finite output voids the guarantee of the outcome.
    ///
    /// # Panics
    ///
    /// If `system` is not below the number of systems: a programming error of the caller.
    pub fn observe(&mut self, system: usize, value: f64) {
        assert!(system < self.systems, "system {system} of {}", self.systems);
        if self.finished.is_some() || !self.alive[system] {
            return;
        }
        self.non_finite |= !value.is_finite();
        self.observations[system].push(value);
        self.advance();
    }

    /// Whether the procedure has finished: by its own rule or at the maximum number of
    /// replications.
    pub fn done(&self) -> bool {
        self.finished.is_some()
    }

    /// An upper bound on the replications the procedure can take, `max ⌊h² S²_il / δ²⌋ + 1` over
    /// the pairs of systems, once the first stage is complete (`None` before, and for a single
    /// system).
    pub fn replication_bound(&self) -> Option<usize> {
        if self.variances.is_empty() {
            return None;
        }
        let delta_squared = self.indifference * self.indifference;
        let largest = self.variances.iter().copied().fold(0.0, f64::max);
        let bound = (self.h_squared * largest / delta_squared).floor() + 1.0;
        Some(if bound.is_finite() { (bound as usize).max(self.first_stage) } else { usize::MAX })
    }

    /// The outcome so far: final once [`KimNelson::done`], otherwise the current leader without
    /// the guarantee.
    pub fn outcome(&self) -> Selection {
        let survivors: Vec<usize> = (0..self.systems).filter(|&i| self.alive[i]).collect();
        let means: Vec<f64> = (0..self.systems)
            .map(|i| {
                let used = &self.observations[i][..self.used[i]];
                if used.is_empty() { 0.0 } else { used.iter().sum::<f64>() / used.len() as f64 }
            })
            .collect();
        let better = |a: f64, b: f64| if self.maximize { a > b } else { a < b };
        let mut best = survivors[0];
        for &i in &survivors[1..] {
            if better(means[i], means[best]) {
                best = i;
            }
        }
        Selection {
            best,
            survivors,
            eliminated: self.eliminated.clone(),
            replications: self.used.clone(),
            means,
            guaranteed: self.finished == Some(Finish::Rule) && !self.non_finite,
        }
    }

    /// The output of `system` in replication `index` (from 0), larger is better.
    fn signed(&self, system: usize, index: usize) -> f64 {
        let value = self.observations[system][index];
        if self.maximize { value } else { -value }
    }

    /// Screens every replication number all survivors have completed.
    fn advance(&mut self) {
        while self.finished.is_none()
            && (0..self.systems)
                .all(|i| !self.alive[i] || self.observations[i].len() > self.screened)
        {
            let index = self.screened;
            for i in 0..self.systems {
                if self.alive[i] {
                    self.sums[i] += self.signed(i, index);
                    self.used[i] = index + 1;
                }
            }
            self.screened += 1;
            if self.screened == self.first_stage {
                self.estimate_variances();
            }
            if self.screened >= self.first_stage {
                self.screen();
            }
        }
    }

    /// `S²_il` from the first-stage differences.
    fn estimate_variances(&mut self) {
        let k = self.systems;
        let n = self.first_stage;
        let mut variances = vec![0.0; k * k];
        for i in 0..k {
            for l in (i + 1)..k {
                let mean = (self.sums[i] - self.sums[l]) / n as f64;
                let mut squares = 0.0;
                for j in 0..n {
                    let deviation = self.signed(i, j) - self.signed(l, j) - mean;
                    squares += deviation * deviation;
                }
                let variance = squares / (n - 1) as f64;
                variances[i * k + l] = variance;
                variances[l * k + i] = variance;
            }
        }
        self.variances = variances;
    }

    /// `W_il(r)`, the half-width of the continuation region of the pair `(i, l)` at `r`.
    fn allowance(&self, i: usize, l: usize, r: f64) -> f64 {
        let delta = self.indifference;
        let variance = self.variances[i * self.systems + l];
        (delta / (2.0 * r) * (self.h_squared * variance / (delta * delta) - r)).max(0.0)
    }

    /// One screening step at `r = screened`, then the stopping rules.
    fn screen(&mut self) {
        let r = self.screened as f64;
        let previous: Vec<usize> = (0..self.systems).filter(|&i| self.alive[i]).collect();
        // Every system is compared with every survivor of the previous step, so eliminations at
        // this step do not affect each other.
        let out: Vec<usize> = previous
            .iter()
            .copied()
            .filter(|&i| {
                let mean_i = self.sums[i] / r;
                // Written as an elimination test so that a NaN eliminates nothing.
                previous
                    .iter()
                    .any(|&l| l != i && mean_i < self.sums[l] / r - self.allowance(i, l, r))
            })
            .collect();
        for &i in &out {
            self.alive[i] = false;
            self.eliminated.push((i, self.screened));
        }
        let survivors: Vec<usize> = (0..self.systems).filter(|&i| self.alive[i]).collect();
        // Once every surviving pair's region has closed (W = 0), the survivors have equal means.
        let closed = survivors
            .iter()
            .all(|&i| survivors.iter().all(|&l| l == i || self.allowance(i, l, r) == 0.0));
        if survivors.len() <= 1 || closed {
            self.finished = Some(Finish::Rule);
        } else if self.max_replications.is_some_and(|limit| self.screened >= limit) {
            self.finished = Some(Finish::Budget);
        }
    }
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

    /// Normal systems with the given means and sds, correlated across systems by common random
    /// numbers: `X_ij = μ_i + σ_i (√ρ Z_j + √(1 − ρ) E_ij)`.
    struct Systems {
        means: Vec<f64>,
        sds: Vec<f64>,
        correlation: f64,
        common: Stream,
        own: Vec<Stream>,
    }

    impl Systems {
        fn new(means: &[f64], sds: &[f64], correlation: f64, macro_replication: u32) -> Systems {
            Systems {
                means: means.to_vec(),
                sds: sds.to_vec(),
                correlation,
                common: Stream::new(2001, macro_replication, "common", "noise"),
                own: (0..means.len())
                    .map(|i| Stream::new(2001, macro_replication, &format!("system{i}"), "noise"))
                    .collect(),
            }
        }

        /// Runs the procedure to the end; one common draw per replication number.
        fn run(&mut self, procedure: &mut KimNelson, sign: f64) {
            let mut guard = 0;
            while !procedure.done() {
                let needs = procedure.needs();
                assert!(!needs.is_empty(), "not done, yet nothing to run");
                let z = normal(&mut self.common);
                for i in needs {
                    let e = normal(&mut self.own[i]);
                    let noise =
                        libm::sqrt(self.correlation) * z + libm::sqrt(1.0 - self.correlation) * e;
                    procedure.observe(i, sign * (self.means[i] + self.sds[i] * noise));
                }
                guard += 1;
                assert!(guard < 100_000, "the procedure does not terminate");
            }
        }
    }

    #[test]
    fn selects_the_best_of_five_normal_systems_with_the_promised_probability() {
        // The slippage configuration, the hardest the guarantee covers: the best mean exceeds the
        // four others by exactly δ = 1, with unequal sds and correlation 0.5 from common random
        // numbers. KN promises P(correct selection) ≥ 0.95. Over 200 independent
        // macro-replications the number of correct selections is then at least Binomial(200,
        // 0.95), with mean 190 and sd 3.08; requiring at least 181 (3 sd below) fails with
        // probability below 0.2 % if the procedure only just keeps its promise.
        let means = [0.0, 0.0, 1.0, 0.0, 0.0];
        let sds = [1.5, 2.0, 2.5, 2.0, 1.0];
        let mut correct = 0;
        for macro_replication in 0..200 {
            let mut procedure = KimNelson::new(5, 10, 0.95, 1.0, true).expect("valid");
            Systems::new(&means, &sds, 0.5, macro_replication).run(&mut procedure, 1.0);
            let outcome = procedure.outcome();
            assert!(outcome.guaranteed);
            assert_eq!(outcome.survivors, vec![outcome.best]);
            let bound = procedure.replication_bound().expect("first stage done");
            assert!(outcome.replications.iter().all(|&r| (10..=bound).contains(&r)));
            assert_eq!(outcome.eliminated.len(), 4);
            if outcome.best == 2 {
                correct += 1;
            }
        }
        assert!(correct >= 181, "{correct} correct selections of 200");
    }

    #[test]
    fn minimizing_negated_outputs_makes_the_same_decisions() {
        let means = [0.0, 0.5, 1.0, 0.0];
        let sds = [1.0, 1.0, 1.0, 1.0];
        for macro_replication in 0..20 {
            let mut larger = KimNelson::new(4, 5, 0.9, 0.5, true).expect("valid");
            let mut smaller = KimNelson::new(4, 5, 0.9, 0.5, false).expect("valid");
            Systems::new(&means, &sds, 0.3, macro_replication).run(&mut larger, 1.0);
            Systems::new(&means, &sds, 0.3, macro_replication).run(&mut smaller, -1.0);
            let (a, b) = (larger.outcome(), smaller.outcome());
            assert_eq!(
                (a.best, &a.eliminated, &a.replications),
                (b.best, &b.eliminated, &b.replications)
            );
            for (x, y) in a.means.iter().zip(&b.means) {
                assert_eq!(*x, -*y);
            }
        }
    }

    #[test]
    fn screening_follows_the_formulas() {
        // Two systems, n₀ = 3, α = 1/16 (exact in binary): η = ½ ((2α)^(−1) − 1) = 3.5 and
        // h² = 2 · 3.5 · 2 = 14.
        let mut procedure = KimNelson::new(2, 3, 0.9375, 1.0, true).expect("valid");
        assert_eq!(procedure.h_squared(), 14.0);
        assert_eq!(procedure.needs(), vec![0, 1]);
        // Differences 0.5, 2.5, 1.5: mean 1.5, S² = 1. W(3) = 1/6 · (14 − 3) = 1.83 > 1.5: both
        // survive.
        for (a, b) in [(1.5, 1.0), (3.5, 1.0), (2.5, 1.0)] {
            procedure.observe(0, a);
            assert_eq!(procedure.needs(), vec![1]);
            procedure.observe(1, b);
        }
        assert!(!procedure.done());
        assert_eq!(procedure.replication_bound(), Some(15));
        assert_eq!(procedure.needs(), vec![0, 1]);
        let early = procedure.outcome();
        assert_eq!((early.best, early.guaranteed), (0, false));
        assert_eq!(early.means, vec![2.5, 1.0]);
        // Replication 4 with difference 1.5: W(4) = 1/8 · (14 − 4) = 1.25 < 1.5: system 1 falls.
        procedure.observe(1, 1.0);
        procedure.observe(0, 2.5);
        assert!(procedure.done());
        let outcome = procedure.outcome();
        assert_eq!(outcome.best, 0);
        assert_eq!(outcome.survivors, vec![0]);
        assert_eq!(outcome.eliminated, vec![(1, 4)]);
        assert_eq!(outcome.replications, vec![4, 4]);
        assert!(outcome.guaranteed);
        assert!(procedure.needs().is_empty());
        // Later outputs are ignored.
        procedure.observe(0, 100.0);
        assert_eq!(procedure.outcome(), outcome);
    }

    #[test]
    fn identical_outputs_stop_at_the_first_stage_with_every_system() {
        // The same model three times with common random numbers: every difference is exactly 0,
        // so S² = 0, every W is 0 from the start, and the survivors tie.
        let mut procedure = KimNelson::new(3, 4, 0.95, 0.5, true).expect("valid");
        let mut stream = Stream::new(5, 0, "identical", "noise");
        while !procedure.done() {
            let value = normal(&mut stream);
            for i in procedure.needs() {
                procedure.observe(i, value);
            }
        }
        let outcome = procedure.outcome();
        assert_eq!(outcome.survivors, vec![0, 1, 2]);
        assert_eq!(outcome.best, 0);
        assert_eq!(outcome.replications, vec![4, 4, 4]);
        assert!(outcome.eliminated.is_empty());
        assert!(outcome.guaranteed);
    }

    #[test]
    fn systems_with_equal_means_terminate_within_the_bound() {
        for macro_replication in 0..20 {
            let mut procedure = KimNelson::new(4, 5, 0.95, 0.5, false).expect("valid");
            Systems::new(&[3.0; 4], &[1.0; 4], 0.0, macro_replication).run(&mut procedure, 1.0);
            let outcome = procedure.outcome();
            let bound = procedure.replication_bound().expect("first stage done");
            assert!(outcome.replications.iter().all(|&r| r <= bound));
            assert!(!outcome.survivors.is_empty());
            assert!(outcome.survivors.contains(&outcome.best));
            assert!(outcome.guaranteed);
        }
    }

    #[test]
    fn the_replication_limit_cuts_the_procedure_without_the_guarantee() {
        // Noisy systems with equal means and a narrow indifference zone would need hundreds of
        // replications; the limit stops them at 8.
        let mut procedure =
            KimNelson::new(3, 5, 0.95, 0.01, true).expect("valid").with_max_replications(8);
        Systems::new(&[1.0; 3], &[10.0; 3], 0.0, 0).run(&mut procedure, 1.0);
        let outcome = procedure.outcome();
        assert!(!outcome.guaranteed);
        assert!(outcome.survivors.len() > 1);
        assert!(outcome.replications.iter().all(|&r| r <= 8));
        let leader = outcome
            .survivors
            .iter()
            .copied()
            .max_by(|&a, &b| outcome.means[a].total_cmp(&outcome.means[b]))
            .expect("survivors");
        assert_eq!(outcome.best, leader);
    }

    #[test]
    fn a_single_system_is_selected_at_once() {
        let procedure = KimNelson::new(1, 2, 0.95, 1.0, true).expect("valid");
        assert!(procedure.done());
        assert!(procedure.needs().is_empty());
        assert_eq!(procedure.replication_bound(), None);
        let outcome = procedure.outcome();
        assert_eq!(outcome.best, 0);
        assert_eq!(outcome.survivors, vec![0]);
        assert_eq!(outcome.replications, vec![0]);
        assert_eq!(outcome.means, vec![0.0]);
        assert!(outcome.guaranteed);
    }

    #[test]
    fn a_non_finite_output_voids_the_guarantee_without_panicking() {
        let mut procedure =
            KimNelson::new(2, 2, 0.9, 1.0, true).expect("valid").with_max_replications(10);
        let mut r = 0;
        while !procedure.done() {
            for i in procedure.needs() {
                procedure.observe(i, if i == 0 && r == 0 { f64::NAN } else { r as f64 + i as f64 });
            }
            r += 1;
        }
        assert!(!procedure.outcome().guaranteed);
    }

    #[test]
    fn invalid_parameters_are_refused() {
        let error = |result: Result<KimNelson, String>| result.expect_err("invalid parameters");
        assert!(error(KimNelson::new(0, 10, 0.95, 1.0, true)).contains("at least one system"));
        assert!(error(KimNelson::new(3, 1, 0.95, 1.0, true)).contains("at least 2 replications"));
        assert!(error(KimNelson::new(3, 10, 0.95, 0.0, true)).contains("indifference zone"));
        assert!(error(KimNelson::new(3, 10, 0.95, -1.0, true)).contains("indifference zone"));
        assert!(error(KimNelson::new(3, 10, 0.95, f64::NAN, true)).contains("indifference zone"));
        assert!(error(KimNelson::new(3, 10, 1.0, 1.0, true)).contains("between 1/3"));
        assert!(error(KimNelson::new(3, 10, 0.0, 1.0, true)).contains("between 1/3"));
        assert!(error(KimNelson::new(4, 10, 0.25, 1.0, true)).contains("between 1/4"));
        assert!(error(KimNelson::new(1, 10, 1.5, 1.0, true)).contains("between 0 and 1"));
        assert!(KimNelson::new(4, 10, 0.26, 1.0, true).is_ok());
    }
}
