//! Experiments: replications in parallel, scenarios as overrides, paired comparison.
//!
//! Replications are independent and seeded by number, so they run on a rayon pool and are merged in
//! replication order: the results are the same bits whatever the number of threads. Scenarios of
//! one experiment draw from the same streams (seed, replication, component name, purpose), which
//! gives common random numbers: a difference between two scenarios comes from what they change,
//! not from luck, and their paired differences have narrow confidence intervals.

use crate::engine::{RunError, simulate_reporting, wip_series};
use crate::model::{Experiment, Model};
use crate::results::Stops;
use crate::results::{Named, PrecisionOutcome, Results, Stat, SystemDeadlock, WarmupDetection};
use crate::stats::{PairedDiff, paired};
use fab_stdlib::catalog::{DefaultValue, Presence};
use rayon::prelude::*;
use serde::Serialize;

/// Overrides of an experiment's settings from the command line.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    /// s
    pub horizon: Option<f64>,
    /// s
    pub warmup: Option<f64>,
    /// Macro-replications of input uncertainty (sets `input_uncertainty`; 0 turns it off).
    pub input_uncertainty: Option<u32>,
    /// How inputs are redrawn (sets `input_method`, and with it asks for input uncertainty).
    pub input_method: Option<crate::uncertainty::InputMethod>,
}

/// What to run: the model (with a scenario's overrides applied) and its experiment.
#[derive(Clone, Debug)]
pub struct Study {
    pub model: Model,
    pub experiment: Experiment,
    pub scenario: Option<String>,
}

impl Study {
    /// What runs, for a message: ``scenario `late` `` or ``experiment `base` ``. A scenario's
    /// experiment bears its base's name, which the message must not give for the scenario's own
    /// settings.
    pub fn describe(&self) -> String {
        match &self.scenario {
            Some(scenario) => format!("scenario `{scenario}`"),
            None => format!("experiment `{}`", self.experiment.name),
        }
    }

    /// The named experiment or scenario, or the model's first experiment, with the overrides
    /// applied. A model without any experiment runs [`Experiment::default_run`] when a horizon is
    /// given.
    pub fn resolve(
        model: &Model,
        name: Option<&str>,
        overrides: &Overrides,
    ) -> Result<Study, RunError> {
        let mut study = match name {
            None => {
                let experiment = match (model.experiments.first(), overrides.horizon) {
                    (Some(experiment), _) => experiment.clone(),
                    (None, Some(horizon)) => Experiment::default_run(horizon),
                    (None, None) => {
                        return Err(RunError::BadExperiment(
                            "the model declares no experiment: add one, or give a horizon".into(),
                        ));
                    }
                };
                Study { model: model.clone(), experiment, scenario: None }
            }
            Some(name) => {
                if let Some(experiment) = model.experiments.iter().find(|e| e.name == name) {
                    Study { model: model.clone(), experiment: experiment.clone(), scenario: None }
                } else if let Some(scenario) = model.scenarios.iter().find(|s| s.name == name) {
                    let (scenario_model, mut experiment) = model.with_scenario(scenario);
                    // The results name the base experiment; the scenario has its own field.
                    if let Some(base) = model.experiments.get(scenario.base.0 as usize) {
                        experiment.name = base.name.clone();
                    }
                    Study {
                        model: scenario_model,
                        experiment,
                        scenario: Some(scenario.name.clone()),
                    }
                } else {
                    return Err(RunError::UnknownStudy(name.to_string()));
                }
            }
        };
        let e = &mut study.experiment;
        if let Some(n) = overrides.replications {
            e.replications = n;
        }
        if let Some(seed) = overrides.seed {
            e.seed = seed;
        }
        if let Some(horizon) = overrides.horizon {
            e.horizon = horizon;
        }
        if let Some(warmup) = overrides.warmup {
            // A warm-up given on the command line replaces `warmup = auto` too.
            e.warmup = warmup;
            e.warmup_auto = false;
        }
        if overrides.input_uncertainty == Some(0) {
            // `--input-uncertainty 0` runs the model as written.
            e.input_uncertainty = None;
        } else if overrides.input_uncertainty.is_some() || overrides.input_method.is_some() {
            let current = e.input_uncertainty;
            e.input_uncertainty = Some(crate::uncertainty::InputUncertainty {
                macro_replications: overrides
                    .input_uncertainty
                    .or(current.map(|c| c.macro_replications))
                    .unwrap_or(DEFAULT_MACRO_REPLICATIONS),
                method: overrides.input_method.or(current.map(|c| c.method)).unwrap_or_default(),
            });
        }
        // The checker holds a model's own settings to the rules below (E0205), so a number that
        // breaks one came from the command line, or from a `Model` built in Rust.
        let refused = |why: String| {
            Err(RunError::Refused { code: "E0205", why: format!("{}: {why}", study.describe()) })
        };
        let e = &study.experiment;
        let from = |given: bool, flag: &str| {
            if given { format!(" (from `{flag}`)") } else { String::new() }
        };
        let from = [
            from(overrides.input_uncertainty.is_some(), "--input-uncertainty"),
            from(overrides.replications.is_some(), "--replications"),
        ];
        if e.replications == 0 {
            return refused(format!("at least one replication is needed, not 0{}", from[1]));
        }
        // Each macro-replication keeps its model and results until the summary.
        let most = fab_stdlib::catalog::MAX_STUDY_POINTS;
        if let Some(u) = e.input_uncertainty.filter(|u| u.macro_replications > most) {
            return refused(format!(
                "at most {most} macro-replications of input uncertainty can run: {} asked for \
                 (each keeps its model and results until the summary)",
                u.macro_replications
            ));
        }
        let most = fab_stdlib::catalog::MAX_REPLICATIONS;
        if e.replications > most {
            return refused(format!(
                "at most {most} replications can run: {} asked for (each keeps its results \
                 until the summary)",
                e.replications
            ));
        }
        // `precision` runs `replications` first and adds more up to the maximum.
        if e.precision.is_some() {
            let max = e.max_replications.unwrap_or(DEFAULT_MAX_REPLICATIONS);
            if e.replications > max {
                return refused(format!(
                    "{} replications are more than the experiment's max_replications, {max}: \
                     `precision` runs `replications` first and adds more up to the maximum",
                    e.replications
                ));
            }
        }
        // Input uncertainty measures nothing with too few macro-replications or replications.
        if let Some(why) = crate::uncertainty::too_few_runs(e, [&from[0], &from[1]]) {
            return refused(why);
        }
        let given = [overrides.horizon.is_some(), overrides.warmup.is_some()];
        crate::engine::check_span(e, &|| study.describe(), given)?;
        Ok(study)
    }

    /// Runs every replication on `threads` threads (0: all cores) and aggregates them.
    /// `progress` is called, as the replications run, with how many replications' worth of
    /// simulated time is done so far: a whole one per replication finished, and the share of its
    /// horizon reached by each one under way (reported every 2²⁰ events), so that a single long
    /// replication shows its progress too. It never changes the results.
    ///
    /// With `warmup = auto`, pilot runs of the experiment's replications choose the warm-up first
    /// (MSER-5 on their average work in process). With `precision`, replications are added in
    /// rounds until the throughput's half-width is small enough; the rounds depend only on the
    /// results, so the outcome is the same whatever the number of threads.
    pub fn run(
        &self,
        threads: usize,
        progress: &(dyn Fn(f64) + Sync),
    ) -> Result<Results, RunError> {
        let mut experiment = self.experiment.clone();
        // `precision` may add replications up to its maximum.
        let most = match experiment.precision {
            Some(_) => experiment.max_replications.unwrap_or(DEFAULT_MAX_REPLICATIONS),
            None => 0,
        };
        let pool = pool(threads, experiment.replications.max(most) as usize)?;
        let warmup_detection = self.settle_warmup_of(&mut experiment, &pool)?;
        // The replications' progress, in 2⁻³² of a replication, added up as it is reported.
        let done = std::sync::atomic::AtomicU64::new(0);
        let advanced = |step: u64| {
            let total = done.fetch_add(step, std::sync::atomic::Ordering::Relaxed) + step;
            progress(total as f64 / (1u64 << 32) as f64);
        };
        // Replications run in batches, each folded into the results in replication order as it
        // ends: memory holds every replication's values and one batch of whole results, not
        // every replication's whole results (names, tables and estimators, from kilobytes for a
        // station to hundreds for a long line: a million replications of a one-station model
        // took 4.7 GB). Folding in order gives the bits of folding them all at the end, and the
        // first error in replication order is the one reported, as before.
        let run_into = |merged: &mut Option<Results>, from: u32, to: u32| {
            let one = |r: u32| simulate_reporting(&self.model, &experiment, r, &advanced);
            // Every thread has replications to run in each batch, however many there are.
            let threads = pool.as_ref().map_or(1, |pool| pool.current_num_threads()) as u32;
            let batch = REPLICATIONS_PER_BATCH.max(REPLICATIONS_PER_THREAD * threads);
            let mut start = from;
            while start < to {
                let end = to.min(start.saturating_add(batch));
                for run in map_runs(pool.as_ref(), start..end, one) {
                    let run = run?;
                    match merged {
                        Some(merged) => merged.merge(&run),
                        None => *merged = Some(run),
                    }
                }
                start = end;
            }
            Ok::<_, RunError>(())
        };
        let mut merged = None;
        run_into(&mut merged, 0, experiment.replications)?;
        let precision = match experiment.precision {
            None => None,
            Some(target) => {
                let max = experiment.max_replications.unwrap_or(DEFAULT_MAX_REPLICATIONS);
                loop {
                    let throughput = &merged
                        .as_ref()
                        .expect("at least one replication")
                        .kpis
                        .throughput_per_hour
                        .values;
                    let (mean, half_width) =
                        crate::stats::mean_half_width(throughput, experiment.confidence);
                    let achieved =
                        if mean != 0.0 { half_width / mean.abs() } else { f64::INFINITY };
                    let n = throughput.len() as u32;
                    // One value has no spread to estimate: its half-width is not 0 but undefined,
                    // so the target can be reached from the second replication on.
                    let achieved = if n < 2 { f64::INFINITY } else { achieved };
                    if achieved <= target || n >= max {
                        break Some(PrecisionOutcome {
                            target,
                            achieved,
                            replications: n,
                            max_replications: max,
                            reached: achieved <= target,
                        });
                    }
                    // The half-width shrinks as 1/√n: aim at the n that reaches the target.
                    let wanted = (f64::from(n) * (achieved / target) * (achieved / target)).ceil();
                    let next =
                        if n < 2 { 2 } else { (wanted.min(f64::from(max)) as u32).max(n + 1) };
                    run_into(&mut merged, n, next)?;
                }
            }
        };
        let mut results = merged.expect("at least one replication");
        results.finish();
        // Each replication's values were checked as it ended; the mean and half-width now.
        results.check_finite(0)?;
        results.scenario = self.scenario.clone();
        results.model_hash = model_hash(&self.model);
        results.warmup_detection = warmup_detection;
        results.precision = precision;
        Ok(results)
    }

    /// Settles `warmup = auto` as [`Study::run`] does (MSER-5 on pilot runs of the experiment's
    /// replications) and keeps the warm-up found as the experiment's own, so that the runs made
    /// one at a time afterwards, such as a selection's sequential replications, all delete it.
    /// Returns the detection, or `None` when the experiment gives its warm-up.
    pub fn settle_warmup(&mut self, threads: usize) -> Result<Option<WarmupDetection>, RunError> {
        if !self.experiment.warmup_auto {
            return Ok(None);
        }
        let pool = pool(threads, self.experiment.replications as usize)?;
        let mut experiment = self.experiment.clone();
        let detection = self.settle_warmup_of(&mut experiment, &pool)?;
        self.experiment = experiment;
        Ok(detection)
    }

    /// Settles `experiment`'s `warmup = auto`: its warm-up becomes the one [`Study::detect_warmup`]
    /// finds on this study's pilot runs. `None` when the experiment gives its own.
    fn settle_warmup_of(
        &self,
        experiment: &mut Experiment,
        pool: &Option<rayon::ThreadPool>,
    ) -> Result<Option<WarmupDetection>, RunError> {
        if !experiment.warmup_auto {
            return Ok(None);
        }
        let detection = self.detect_warmup(pool)?;
        experiment.warmup = detection.warmup_s;
        experiment.warmup_auto = false;
        Ok(Some(detection))
    }

    /// MSER-5 on the work in process, averaged over pilot runs of the experiment's replications
    /// (each with the warm-up off), chooses the warm-up.
    fn detect_warmup(&self, pool: &Option<rayon::ThreadPool>) -> Result<WarmupDetection, RunError> {
        let replications = self.experiment.replications;
        let one = |r: u32| wip_series(&self.model, &self.experiment, r, WARMUP_SERIES_POINTS);
        let series = map_runs(pool.as_ref(), 0..replications, one);
        let mut average = vec![0.0; WARMUP_SERIES_POINTS];
        for values in series {
            for (sum, value) in average.iter_mut().zip(values?) {
                *sum += value / f64::from(replications);
            }
        }
        let interval = self.experiment.horizon / WARMUP_SERIES_POINTS as f64;
        let (deleted, reliable) = match crate::analysis::mser::mser5(&average) {
            Some(truncation) => (truncation.observations, truncation.reliable),
            None => (0, false),
        };
        Ok(WarmupDetection {
            method: "MSER-5".into(),
            warmup_s: deleted as f64 * interval,
            observations: WARMUP_SERIES_POINTS as u32,
            deleted: deleted as u32,
            reliable,
        })
    }
}

/// Observations of the work-in-process series MSER-5 reads (100 batches of 5).
const WARMUP_SERIES_POINTS: usize = 500;

/// Replications `precision` may add up to when the experiment states no `max_replications`.
pub const DEFAULT_MAX_REPLICATIONS: u32 = 100;

/// Replications a run keeps whole at once before folding them into its results (see
/// [`Study::run`]), at least: few enough that a batch's whole results are small beside the
/// values of a million replications, and with [`REPLICATIONS_PER_THREAD`] for each thread, so
/// that the threads wait at a batch's end for its slowest replication only now and then.
const REPLICATIONS_PER_BATCH: u32 = 256;

/// Replications each thread has in a batch, at least (1,024 threads: batches of 16,384).
const REPLICATIONS_PER_THREAD: u32 = 16;

/// Macro-replications of input uncertainty when only `--input-method` asks for it.
pub const DEFAULT_MACRO_REPLICATIONS: u32 = 20;

/// The most threads a run starts, whatever it is asked for (`fab run --threads` refuses more):
/// more than the cores of any machine fab runs on, and few enough to start in moments. Thousands
/// of threads take seconds to start and hundreds of megabytes of stacks, for nothing.
pub const MAX_THREADS: usize = 1024;

/// `one(i)` for every `i` of `runs`, on `pool`'s threads or, without one, on this thread; the
/// results in the order of `runs` either way.
pub fn map_runs<T: Send>(
    pool: Option<&rayon::ThreadPool>,
    runs: std::ops::Range<u32>,
    one: impl Fn(u32) -> T + Sync + Send,
) -> Vec<T> {
    match pool {
        None => runs.map(one).collect(),
        Some(pool) => pool.install(|| runs.into_par_iter().map(one).collect()),
    }
}

/// A pool for `work` independent runs on `threads` threads (0: all cores), never more threads than
/// runs nor than [`MAX_THREADS`]; none when one thread is enough (the runs go on this one). The
/// runs' results do not depend on the pool.
pub fn pool(threads: usize, work: usize) -> Result<Option<rayon::ThreadPool>, RunError> {
    let wanted = match threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        threads => threads,
    };
    let threads = wanted.min(work).min(MAX_THREADS);
    if threads <= 1 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(Some)
        .map_err(|e| RunError::BadExperiment(format!("cannot start threads: {e}")))
}

impl Experiment {
    /// The experiment of a model that declares none, for a run of `horizon` seconds: every other
    /// setting takes its default from the catalog's `experiment` declaration.
    pub fn default_run(horizon: f64) -> Experiment {
        let default = |field: &str| {
            fab_stdlib::catalog::kind("experiment")
                .and_then(|kind| kind.fields.iter().find(|f| f.name == field))
                .and_then(|f| match f.presence {
                    Presence::Default(DefaultValue::Number(value)) => Some(value),
                    _ => None,
                })
                .unwrap_or_default()
        };
        Experiment {
            name: "default".into(),
            horizon,
            warmup: default("warmup"),
            replications: default("replications") as u32,
            seed: default("seed") as u64,
            confidence: default("confidence"),
            warmup_auto: false,
            precision: None,
            max_replications: None,
            design: None,
            input_uncertainty: None,
        }
    }
}

/// A 64-bit FNV-1a hash of what a run simulates, in hex: the model IR's products, components
/// and flows, resources, currency and data inputs, as compact JSON (as serde_json writes it;
/// [`crate::json`] writes it), hashed as it is written, never held (a 1,000-station line's is about
/// a megabyte). The model's experiments and studies are left out: the run's own settings (seed,
/// horizon, replications, …) are fields of the results beside the hash, and a study declared
/// elsewhere in the file changes nothing that ran. Where a data file lies is not part of the
/// model, only the values it holds: the hash is the same whichever folder a run starts in.
pub fn model_hash(model: &Model) -> String {
    /// The part of the model a run simulates, in the order of `Model`'s fields.
    #[derive(Serialize)]
    struct Simulated<'a> {
        products: &'a [crate::model::Product],
        graph: &'a crate::model::ProcessGraph,
        resources: &'a [crate::model::Resource],
        currency: &'a Option<String>,
        inputs: std::borrow::Cow<'a, [crate::uncertainty::FittedInput]>,
    }
    let mut inputs = std::borrow::Cow::Borrowed(model.inputs.as_slice());
    if model.inputs.iter().any(|input| !input.file.is_empty()) {
        inputs.to_mut().iter_mut().for_each(|input| input.file.clear());
    }
    let simulated = Simulated {
        products: &model.products,
        graph: &model.graph,
        resources: &model.resources,
        currency: &model.currency,
        inputs,
    };
    let mut hasher = Fnv1a::default();
    // Writing into the hasher cannot fail, and the model's fields all serialize.
    let _ = crate::json::to_writer(&mut hasher, &simulated);
    format!("{:016x}", hasher.0)
}

/// The 64-bit FNV-1a hash of `bytes`: a stable name for data, the same on every platform.
pub(crate) fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut hasher = Fnv1a::default();
    bytes.into_iter().for_each(|byte| hasher.eat(byte));
    hasher.0
}

/// FNV-1a's state, fed a byte at a time or as an `io::Write`.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    #[inline]
    fn eat(&mut self, byte: u8) {
        self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
}

impl std::io::Write for Fnv1a {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        bytes.iter().for_each(|&byte| self.eat(byte));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Two runs with common random numbers and their paired differences (B − A).
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    /// The replications paired: those both sides ran.
    pub replications: u32,
    /// How many each side ran, when they differ; A's and B's statistics are then over the paired
    /// replications only, so that they agree with the difference.
    pub ran: Option<(u32, u32)>,
    /// Whether both sides drew from the same seed, so that the pairs share their random numbers.
    /// With different seeds the pairs are independent runs: the paired interval is still valid,
    /// but no noise cancels.
    pub common_random_numbers: bool,
    /// The confidence level of every interval of the comparison: A's. A is the reference the
    /// difference B − A is measured from, so its study sets the level, whatever B's asks for.
    pub confidence: f64,
    /// Each side's own confidence level, `(A's, B's)`, when they differ: the comparison then
    /// states that it uses A's rather than silently use one of two.
    pub confidences: Option<(f64, f64)>,
    /// Per indicator: A's and B's statistics and the paired difference.
    pub indicators: Named<Compared>,
    /// The replications of either side that came to a standstill, A's first, each naming its
    /// side; every replication each side ran, paired or not (absent when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlocks: Vec<SystemDeadlock>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Compared {
    pub a: Stat,
    pub b: Stat,
    pub difference: PairedDiff,
}

impl Comparison {
    /// Refuses a comparison with a difference that is not finite (E0909), as
    /// [`Results::check_finite`] refuses a run's statistic: each side is finite, but `b − a` of
    /// two values of opposite sign near the largest `f64` is not, and would be printed as
    /// `-inf ± NaN` and written as `null`. The error names the indicator's difference by its
    /// path in the comparison document (`indicators.cost.difference`).
    pub fn check_finite(&self) -> Result<(), RunError> {
        for (label, compared) in self.indicators.iter() {
            let d = &compared.difference;
            if let Some((number, value)) =
                crate::results::first_not_finite(&d.values, d.mean_diff, d.half_width, 0)
            {
                let path = ["indicators", label, "difference"].map(String::from).to_vec();
                return Err(RunError::NotFinite { path, number, value });
            }
        }
        Ok(())
    }
}

/// Pairs two results replication by replication on the system indicators and each station's
/// working share and bottleneck share; where either side stopped ([`Stops::stopped`]: lost time
/// to repairs or maintenance, or counted a failure or an action) or had costs, also on the line's
/// and each such station's maintenance figures (availability, downtime, maintenance time, lost
/// output, costs). Every interval, B's own included, is at A's confidence
/// level.
pub fn compare(a: &Results, b: &Results) -> Comparison {
    let name = |r: &Results| r.scenario.clone().unwrap_or_else(|| r.experiment.clone());
    let confidence = a.confidence;
    let pairs = a.replications.min(b.replications);
    let mut indicators = Vec::new();
    let mut add = |label: String, x: &Stat, y: &Stat| {
        indicators.push((
            label,
            Compared {
                a: x.first(pairs as usize, confidence),
                b: y.first(pairs as usize, confidence),
                difference: paired(&x.values, &y.values, confidence),
            },
        ));
    };
    // Whether either side observed anything non-zero: a model without failures or costs keeps
    // its comparison short.
    let seen = |x: &Stat, y: &Stat| x.values.iter().chain(&y.values).any(|v| *v != 0.0);
    add("throughput_per_hour".into(), &a.kpis.throughput_per_hour, &b.kpis.throughput_per_hour);
    add("lead_time_s".into(), &a.kpis.lead_time_s, &b.kpis.lead_time_s);
    add("wip".into(), &a.kpis.wip, &b.kpis.wip);
    add("cost".into(), &a.kpis.cost, &b.kpis.cost);
    add("cost_per_part".into(), &a.kpis.cost_per_part, &b.kpis.cost_per_part);
    if seen(&a.kpis.scrapped, &b.kpis.scrapped) {
        add("scrapped".into(), &a.kpis.scrapped, &b.kpis.scrapped);
    }
    if a.line.stopped() || b.line.stopped() || seen(&a.kpis.cost, &b.kpis.cost) {
        let (x, y) = (&a.line, &b.line);
        add("line.availability".into(), &x.availability, &y.availability);
        add("line.downtime_s".into(), &x.downtime_s, &y.downtime_s);
        add("line.maintenance_s".into(), &x.maintenance_s, &y.maintenance_s);
        add("line.lost_output".into(), &x.lost_output, &y.lost_output);
        add("line.failures".into(), &x.failures, &y.failures);
        add("line.maintenance_actions".into(), &x.maintenance_actions, &y.maintenance_actions);
        for (cost, xc, yc) in [
            ("downtime", &x.costs.downtime, &y.costs.downtime),
            ("repair", &x.costs.repair, &y.costs.repair),
            ("preventive", &x.costs.preventive, &y.costs.preventive),
        ] {
            if seen(xc, yc) {
                add(format!("line.cost.{cost}"), xc, yc);
            }
        }
    }
    for (station, x) in a.stations.iter() {
        if let Some(y) = b.stations.get(station) {
            add(format!("{station}.working"), &x.working, &y.working);
            add(format!("{station}.down"), &x.down, &y.down);
            add(format!("{station}.bottleneck"), &x.bottleneck, &y.bottleneck);
            if x.stopped() || y.stopped() {
                add(format!("{station}.availability"), &x.availability, &y.availability);
                add(format!("{station}.downtime_s"), &x.downtime_s, &y.downtime_s);
                add(format!("{station}.maintenance_s"), &x.maintenance_s, &y.maintenance_s);
                add(format!("{station}.lost_output"), &x.lost_output, &y.lost_output);
            }
            if seen(&x.costs.total, &y.costs.total) {
                add(format!("{station}.cost"), &x.costs.total, &y.costs.total);
            }
        }
    }
    let deadlocks = [a, b]
        .into_iter()
        .flat_map(|r| {
            r.deadlocks
                .iter()
                .map(|deadlock| SystemDeadlock { system: name(r), deadlock: deadlock.clone() })
        })
        .collect();
    Comparison {
        a: name(a),
        b: name(b),
        replications: pairs,
        ran: (a.replications != b.replications).then_some((a.replications, b.replications)),
        common_random_numbers: a.seed == b.seed,
        confidence,
        confidences: (a.confidence != b.confidence).then_some((a.confidence, b.confidence)),
        indicators: Named(indicators),
        deadlocks,
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_THREADS, pool};

    fn threads(asked: usize, work: usize) -> usize {
        pool(asked, work).unwrap().map_or(1, |pool| pool.current_num_threads())
    }

    #[test]
    fn a_pool_never_has_more_threads_than_work() {
        assert_eq!(threads(1, 8), 1);
        assert_eq!(threads(4, 8), 4);
        assert_eq!(threads(5000, 3), 3, "no more threads than runs");
        assert_eq!(threads(5000, 1), 1, "one run goes on this thread");
        assert_eq!(threads(0, 1), 1);
        // 0 asks for every core, still no more than the work.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(threads(0, 64), cores.min(64));
        assert_eq!(threads(MAX_THREADS + 1, 2), 2);
    }
}
