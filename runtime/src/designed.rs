//! Designed experiments and sensitivity studies: many variants of one model, run with common
//! random numbers.
//!
//! A design point is the model with each [`Factor`] set to one value. Every point runs the same
//! replications from the same seeds, so each draws the same random numbers and the differences
//! between points come from the factors (common random numbers). All (point, replication) runs
//! go to one rayon pool and are gathered in order: results do not depend on the thread count.
//!
//! The statistics are in [`crate::analysis`]: designs in `design`, the sensitivity estimators in
//! `sensitivity`.

use crate::analysis::{design, sensitivity};
use crate::engine::{RunError, simulate};
use crate::factor::{Factor, apply_point};
use crate::model::{DesignKind, Experiment, Model, Sensitivity, SensitivityMethod};
use crate::results::{PointDeadlock, Results, Stat, point_deadlocks};
use fab_stdlib::catalog::{self, MeasureDecl};
use fab_stdlib::random::Stream;
use serde::Serialize;

/// A measure a design, a sensitivity study or a search reports per point: its declaration in
/// the catalog (name, unit, which way is better) and how a run's results give it.
#[derive(Clone, Copy)]
pub struct Measure {
    pub decl: &'static MeasureDecl,
    /// The statistic of a run's results as the results document gives it.
    reported: fn(&Results) -> Stat,
}

impl Measure {
    pub fn name(&self) -> &'static str {
        self.decl.name
    }

    pub fn unit(&self) -> &'static str {
        self.decl.unit
    }

    /// The statistic of a run's results (finished: mean, half-width and per-replication
    /// values); for a measure of the parts delivered, undefined in a replication that delivered
    /// none (see [`per_part`]).
    pub fn stat(&self, results: &Results) -> Stat {
        let stat = (self.reported)(results);
        if self.decl.of_parts_delivered { per_part(results, &stat) } else { stat }
    }
}

/// How the measure the catalog declares under `name` is computed, as the results document gives
/// it (a measure of the parts delivered, 0 where none was).
fn stat_of(name: &str) -> Option<fn(&Results) -> Stat> {
    Some(match name {
        "throughput" => |r| r.kpis.throughput_per_hour.clone(),
        "lead_time" => |r| r.kpis.lead_time_s.clone(),
        "lead_time_p50" => |r| r.kpis.lead_time_p50_s.clone(),
        "lead_time_p95" => |r| r.kpis.lead_time_p95_s.clone(),
        "wip" => |r| r.kpis.wip.clone(),
        "cost" => |r| r.kpis.cost.clone(),
        "cost_per_part" => |r| r.kpis.cost_per_part.clone(),
        "scrapped" => |r| r.kpis.scrapped.clone(),
        "cost_rate" => cost_rate,
        "downtime" => downtime,
        "availability" => |r| r.line.availability.clone(),
        "oee" => |r| station_average(r, |s, i| s.oee.values[i]),
        _ => return None,
    })
}

/// Every measure, in the catalog's order (`catalog::MEASURES`).
pub fn measures() -> impl Iterator<Item = Measure> {
    catalog::MEASURES
        .iter()
        .filter_map(|decl| Some(Measure { decl, reported: stat_of(decl.name)? }))
}

/// The measure of this name.
pub fn measure(name: &str) -> Option<Measure> {
    measures().find(|m| m.name() == name)
}

/// Every measure of a run's results, by name, in the catalog's order.
pub fn measured(results: &Results) -> Vec<(String, Stat)> {
    measures().map(|m| (m.name().to_string(), m.stat(results))).collect()
}

/// A measure of the parts that reached a sink (the catalog's `of_parts_delivered`): undefined
/// (NaN) in a replication where none did.
/// The results document reports such a replication's lead time and cost per part as 0, but a
/// study must not read 0 as the best lead time or the cheapest part: a point that delivers
/// nothing ranks last, is no Pareto point, and its mean is NaN.
fn per_part(r: &Results, stat: &Stat) -> Stat {
    let delivered = &r.kpis.throughput_per_hour.values;
    let values = (stat.values.iter().zip(delivered))
        .map(|(&value, &throughput)| if throughput > 0.0 { value } else { f64::NAN })
        .collect();
    per_replication(r, values)
}

/// Cost per hour of the observed period (horizon minus warm-up), replication by replication.
fn cost_rate(r: &Results) -> Stat {
    let hours = (r.horizon_s - r.warmup_s) / 3600.0;
    let values = r.kpis.cost.values.iter().map(|c| if hours > 0.0 { c / hours } else { 0.0 });
    per_replication(r, values.collect())
}

/// The share of time down or in maintenance, averaged over the stations.
fn downtime(r: &Results) -> Stat {
    station_average(r, |s, i| s.down.values[i] + s.maintenance.values[i])
}

/// A station's value averaged over the stations, replication by replication; 0 without stations
/// (a sum of none is -0.0, which read as a negative share). The stations' availability is the
/// line's (`line.availability`: 1 without stations, none of which was ever down).
fn station_average(r: &Results, value: fn(&crate::results::StationResults, usize) -> f64) -> Stat {
    let replications = r.kpis.cost.values.len();
    let count = r.stations.len().max(1) as f64;
    let values = (0..replications)
        .map(|i| r.stations.iter().fold(0.0, |sum, (_, s)| sum + value(s, i)) / count)
        .collect();
    per_replication(r, values)
}

fn per_replication(r: &Results, values: Vec<f64>) -> Stat {
    let (mean, half_width) = crate::stats::mean_half_width(&values, r.confidence);
    Stat { mean, half_width, values }
}

/// A factor as reported: its path, unit and range in that unit.
#[derive(Clone, Debug, Serialize)]
pub struct FactorInfo {
    pub path: String,
    pub unit: String,
    pub low: f64,
    pub high: f64,
}

impl FactorInfo {
    pub(crate) fn of(factor: &Factor) -> FactorInfo {
        FactorInfo {
            path: factor.path.clone(),
            unit: factor.unit.clone(),
            low: factor.display(factor.low),
            high: factor.display(factor.high),
        }
    }
}

/// The results of a designed experiment: every point with its factor values and results.
#[derive(Clone, Debug, Serialize)]
pub struct DesignResults {
    pub experiment: String,
    /// The scenario of `experiment` that ran the design, if any (set by the caller).
    pub scenario: Option<String>,
    pub design: String,
    pub seed: u64,
    pub replications: u32,
    /// The confidence level of every point's half-widths (the experiment's `confidence`).
    pub confidence: f64,
    pub factors: Vec<FactorInfo>,
    pub points: Vec<DesignPoint>,
    /// The points' replications that came to a standstill (absent when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlocks: Vec<PointDeadlock>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DesignPoint {
    /// Factor values in their units, in factor order.
    pub values: Vec<f64>,
    /// Per measure (the names of [`measures`]): mean, half-width and per-replication values.
    pub measures: Vec<(String, Stat)>,
}

/// Runs every (point, replication) of `points` (SI factor values) on `threads` threads and
/// returns each point's aggregated results, in point order.
pub(crate) fn run_points(
    model: &Model,
    experiment: &Experiment,
    factors: &[Factor],
    points: &[Vec<f64>],
    threads: usize,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<Vec<Results>, RunError> {
    // The checker refuses both in a model (E0206): a design's experiment, or a study's base.
    if experiment.warmup_auto || experiment.precision.is_some() {
        return Err(RunError::Refused {
            code: "E0206",
            why: format!(
                "experiment `{}`: every point of a design, sensitivity or optimize study runs the \
                 same replications and warm-up; give `warmup` a duration and drop `precision` \
                 (or run the experiment alone to choose them)",
                experiment.name
            ),
        });
    }
    if experiment.input_uncertainty.is_some() {
        return Err(RunError::Refused {
            code: "E0206",
            why: format!(
                "experiment `{}`: input uncertainty runs the model as written; a design, \
                 sensitivity or optimize study varies it: run them as separate experiments",
                experiment.name
            ),
        });
    }
    let mut models = Vec::with_capacity(points.len());
    for point in points {
        let mut variant = model.clone();
        apply_point(factors, point, &mut variant).map_err(RunError::BadExperiment)?;
        models.push(variant);
    }
    run_models(&models, experiment, threads, progress)
}

/// Runs every (model, replication) of `models` on `threads` threads, each model with the
/// experiment's replications from the same seeds (common random numbers), and returns each
/// model's aggregated results, in model order: the same bits whatever the thread count.
pub(crate) fn run_models(
    models: &[Model],
    experiment: &Experiment,
    threads: usize,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<Vec<Results>, RunError> {
    let replications = experiment.replications;
    let total = models.len() as u32 * replications;
    let done = std::sync::atomic::AtomicU32::new(0);
    let one = |index: u32| {
        let (point, r) = (index / replications, index % replications);
        let result = simulate(&models[point as usize], experiment, r);
        progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
        result
    };
    let pool = crate::experiment::pool(threads, total as usize)?;
    let runs = crate::experiment::map_runs(pool.as_ref(), 0..total, one);
    let mut out = Vec::with_capacity(models.len());
    let mut runs = runs.into_iter();
    for _ in models {
        let mut results = runs.next().expect("one run per replication")?;
        for _ in 1..replications {
            results.merge(&runs.next().expect("one run per replication")?);
        }
        results.finish();
        // Each replication's values were checked as it ended; the mean and half-width now.
        results.check_finite(0)?;
        out.push(results);
    }
    Ok(out)
}

/// The design points of an experiment's `vary` members, SI values in factor order.
pub fn design_points(experiment: &Experiment) -> Vec<Vec<f64>> {
    let Some(plan) = &experiment.design else { return Vec::new() };
    match plan.kind {
        DesignKind::FullFactorial { levels } => {
            let levels: Vec<Vec<f64>> = plan
                .factors
                .iter()
                .map(|f| design::levels(f.low, f.high, levels as usize, f.integer))
                .collect();
            design::full_factorial(&levels)
        }
        DesignKind::LatinHypercube { points } => {
            let mut stream = Stream::new(experiment.seed, 0, &experiment.name, "latin_hypercube");
            design::latin_hypercube(plan.factors.len(), points as usize, &mut stream)
                .into_iter()
                .map(|unit| to_factors(&plan.factors, &unit))
                .collect()
        }
    }
}

/// E0703 for a whole-number factor whose range holds no whole number ([`Factor::holds_no_value`]),
/// in the study `what`: it has no value to run. A full factorial design gave it no level and a
/// Latin hypercube its midpoint rounded, outside the range. The checker refuses it in a model.
pub(crate) fn refuse_empty_ranges(factors: &[Factor], what: &str) -> Result<(), RunError> {
    match factors.iter().find(|f| f.holds_no_value()) {
        Some(empty) => Err(RunError::Refused {
            code: "E0703",
            why: format!(
                "{what}: the range of `{}`, {} to {}, holds no whole number",
                empty.path,
                empty.with_unit(empty.low),
                empty.with_unit(empty.high)
            ),
        }),
        None => Ok(()),
    }
}

fn to_factors(factors: &[Factor], unit: &[f64]) -> Vec<f64> {
    factors.iter().zip(unit).map(|(f, &u)| design::scale(u, f.low, f.high, f.integer)).collect()
}

/// Runs every point of a designed experiment (an experiment with `vary` members).
pub fn run_design(
    model: &Model,
    experiment: &Experiment,
    threads: usize,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<DesignResults, RunError> {
    let Some(plan) = &experiment.design else {
        return Err(RunError::BadExperiment(format!(
            "experiment `{}` varies nothing: add `vary PATH in LOW..HIGH`",
            experiment.name
        )));
    };
    refuse_empty_ranges(&plan.factors, &format!("experiment `{}`", experiment.name))?;
    let points = design_points(experiment);
    if points.is_empty() {
        return Err(RunError::BadExperiment(format!(
            "experiment `{}`: the design has no point",
            experiment.name
        )));
    }
    let results = run_points(model, experiment, &plan.factors, &points, threads, progress)?;
    Ok(DesignResults {
        experiment: experiment.name.clone(),
        scenario: None,
        design: match plan.kind {
            DesignKind::FullFactorial { .. } => "full_factorial".into(),
            DesignKind::LatinHypercube { .. } => "latin_hypercube".into(),
        },
        seed: experiment.seed,
        replications: experiment.replications,
        confidence: experiment.confidence,
        factors: plan.factors.iter().map(FactorInfo::of).collect(),
        points: points
            .iter()
            .zip(&results)
            .map(|(point, r)| DesignPoint {
                values: plan.factors.iter().zip(point).map(|(f, &v)| f.display(v)).collect(),
                measures: measured(r),
            })
            .collect(),
        deadlocks: point_deadlocks(&results),
    })
}

impl DesignResults {
    /// One row per point and measure: the factor values, the measure, its mean and half-width
    /// (an empty cell where a measure of the parts delivered has no value, as in `optimize.csv`).
    pub fn csv(&self) -> String {
        use crate::report::number;
        let mut out = String::from("point");
        for factor in &self.factors {
            out.push(',');
            out.push_str(&crate::report::csv_text(&if factor.unit.is_empty() {
                factor.path.clone()
            } else {
                format!("{} [{}]", factor.path, factor.unit)
            }));
        }
        out.push_str(",measure,mean,half_width,replications\n");
        for (index, point) in self.points.iter().enumerate() {
            for (name, stat) in &point.measures {
                out.push_str(&(index + 1).to_string());
                for value in &point.values {
                    out.push(',');
                    out.push_str(&number(*value));
                }
                out.push_str(&format!(
                    ",{name},{},{},{}\n",
                    number(stat.mean),
                    number(stat.half_width),
                    stat.values.len()
                ));
            }
        }
        out
    }
}

/// The results of a `sensitivity` study.
#[derive(Clone, Debug, Serialize)]
pub struct SensitivityResults {
    pub study: String,
    pub method: String,
    pub seed: u64,
    pub replications: u32,
    /// Model variants run (points × replications simulations).
    pub points: u32,
    pub confidence: f64,
    pub factors: Vec<FactorInfo>,
    /// Per measure, per factor (in factor order).
    pub measures: Vec<MeasureSensitivity>,
    /// The points' replications that came to a standstill (absent when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlocks: Vec<PointDeadlock>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MeasureSensitivity {
    pub measure: String,
    pub unit: String,
    /// The measure at the centre of every range (one-at-a-time), or its mean over all points.
    pub reference: f64,
    pub factors: Vec<FactorSensitivity>,
}

/// One factor's effect on one measure; the fields of the study's method are set.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FactorSensitivity {
    pub factor: String,
    /// One-at-a-time: the measure with the factor at the low and high end of its range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// One-at-a-time: |high − low|.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swing: Option<f64>,
    /// Morris: mean elementary effect, mean absolute effect and the effects' sd: the change of
    /// the measure over a step of Δ = 2/3 of the range, divided by the share of the range the
    /// step moved the factor (Δ, or for a whole-number factor the whole numbers it took), so in
    /// measure units per whole range of the factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mu: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mu_star: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// Sobol: first-order and total indices with bootstrap half-widths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<Stat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Stat>,
}

/// Runs a `sensitivity` study: the method's design points, each with the base experiment's
/// replications, then the estimators per measure.
pub fn run_sensitivity(
    model: &Model,
    study: &Sensitivity,
    experiment: &Experiment,
    threads: usize,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<SensitivityResults, RunError> {
    let k = study.factors.len();
    // The checker refuses it in a model (E0203).
    if k == 0 {
        return Err(RunError::Refused {
            code: "E0203",
            why: format!(
                "sensitivity `{}` varies nothing: add `vary PATH in LOW..HIGH`",
                study.name
            ),
        });
    }
    refuse_empty_ranges(&study.factors, &format!("sensitivity `{}`", study.name))?;
    // A factor of one value moves nothing: its effect and indices are 0 by construction, and
    // its points (N of a Sobol' design's, one per Morris trajectory) run for nothing.
    if let Some(fixed) = study.factors.iter().find(|f| f.takes_one_value()) {
        return Err(RunError::BadExperiment(format!(
            "sensitivity `{}`: `{}` takes the one value {}, whose effect there is nothing to \
             measure: give it a range, or drop the `vary`",
            study.name,
            fixed.path,
            fixed.with_unit(fixed.whole_numbers().map_or(fixed.low, |whole| whole.lowest))
        )));
    }
    let mut stream = Stream::new(experiment.seed, 0, &study.name, "sensitivity");
    let samples = study.samples.max(2) as usize;
    let plan = match study.method {
        SensitivityMethod::OneAtATime => Plan::Oat(sensitivity::oat_design(k)),
        SensitivityMethod::Morris => {
            Plan::Morris(sensitivity::morris_design(k, samples, MORRIS_LEVELS, &mut stream))
        }
        SensitivityMethod::Sobol => {
            Plan::Sobol(sensitivity::saltelli_design(k, samples, &mut stream))
        }
    };
    let (unit_points, method) = match &plan {
        Plan::Oat(points) => (points, "oat"),
        Plan::Morris(design) => (&design.points, "morris"),
        Plan::Sobol(design) => (&design.points, "sobol"),
    };
    let points: Vec<Vec<f64>> = unit_points.iter().map(|u| to_factors(&study.factors, u)).collect();
    let results = run_points(model, experiment, &study.factors, &points, threads, progress)?;
    // Morris measures a whole-number factor's steps by the whole numbers it took.
    let whole_numbers: Vec<_> = study.factors.iter().map(Factor::whole_numbers).collect();
    let mut measures = Vec::new();
    for name in &study.measures {
        let Some(measured) = measure(name) else {
            return Err(RunError::BadExperiment(format!("no measure named `{name}`")));
        };
        let (name, unit) = (measured.name(), measured.unit());
        let outputs: Vec<f64> = results.iter().map(|r| measured.stat(r).mean).collect();
        let reference = match study.method {
            SensitivityMethod::OneAtATime => outputs[0],
            _ => outputs.iter().sum::<f64>() / outputs.len() as f64,
        };
        let info = |factor: &Factor| FactorSensitivity {
            factor: factor.path.clone(),
            ..FactorSensitivity::default()
        };
        let factors = match &plan {
            Plan::Oat(_) => sensitivity::oat_effects(&outputs, k)
                .into_iter()
                .zip(&study.factors)
                .map(|(effect, factor)| FactorSensitivity {
                    low: Some(effect.low),
                    high: Some(effect.high),
                    swing: Some(effect.swing),
                    ..info(factor)
                })
                .collect(),
            Plan::Morris(design) => sensitivity::morris_effects(design, &outputs, &whole_numbers)
                .into_iter()
                .zip(&study.factors)
                .map(|(effect, factor)| FactorSensitivity {
                    mu: Some(effect.mu),
                    mu_star: Some(effect.mu_star),
                    sigma: Some(effect.sigma),
                    ..info(factor)
                })
                .collect(),
            Plan::Sobol(design) => {
                let mut bootstrap = Stream::new(experiment.seed, 0, &study.name, "bootstrap");
                sensitivity::sobol_indices(design, &outputs, experiment.confidence, &mut bootstrap)
                    .into_iter()
                    .zip(&study.factors)
                    .map(|(index, factor)| FactorSensitivity {
                        first: Some(Stat {
                            mean: index.first,
                            half_width: index.first_half_width,
                            values: Vec::new(),
                        }),
                        total: Some(Stat {
                            mean: index.total,
                            half_width: index.total_half_width,
                            values: Vec::new(),
                        }),
                        ..info(factor)
                    })
                    .collect()
            }
        };
        measures.push(MeasureSensitivity {
            measure: name.to_string(),
            unit: unit.to_string(),
            reference,
            factors,
        });
    }
    Ok(SensitivityResults {
        study: study.name.clone(),
        method: method.into(),
        seed: experiment.seed,
        replications: experiment.replications,
        points: points.len() as u32,
        confidence: experiment.confidence,
        factors: study.factors.iter().map(FactorInfo::of).collect(),
        measures,
        deadlocks: point_deadlocks(&results),
    })
}

/// A sensitivity method's design, kept for its estimator.
enum Plan {
    Oat(Vec<Vec<f64>>),
    Morris(sensitivity::MorrisDesign),
    Sobol(sensitivity::SaltelliDesign),
}

/// Grid levels of the Morris design.
const MORRIS_LEVELS: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_of_the_catalog_is_computed() {
        for decl in catalog::MEASURES {
            assert!(stat_of(decl.name).is_some(), "no statistic for `{}`", decl.name);
        }
        assert_eq!(measures().count(), catalog::MEASURES.len());
    }
}
