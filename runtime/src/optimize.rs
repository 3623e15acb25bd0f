//! `optimize` studies: a search over factors for the point that minimizes or maximizes the
//! objectives subject to the constraints, by simulation.
//!
//! The search itself is [`crate::analysis::search`], a function of numbers. This module gives it
//! simulation outputs: each batch of points runs through the same machinery as designed
//! experiments ([`crate::designed::run_points`]: every point with the base experiment's
//! replications and seeds, so every point draws common random numbers; all (point, replication)
//! runs on one rayon pool, gathered in order, so the result does not depend on the thread
//! count). A **run** is one point with all its replications: the budget counts runs.
//!
//! A point is scored on the means of its replications: the first objective (negated when
//! maximized) and the constraint violation, the sum over constraints of the relative shortfall of
//! the mean from its bound. A point whose means break a constraint is infeasible and never
//! reported as the best (Deb's feasibility rules), nor is a point without a value of the
//! objective (a lead time where a replication delivered no part): when no feasible point has
//! one, there is no best. With several objectives the report holds the non-dominated feasible
//! points instead of one best.

use crate::analysis::search::{self, Range, Score, Strategy};
use crate::chart::{Chart, PALETTE, Series};
use crate::designed::{self, FactorInfo, measure, run_points};
use crate::engine::RunError;
use crate::factor::{FactorTarget, MaintenanceParameter};
use crate::model::{Experiment, Model, Optimization, Quantity, Robot, WrittenBound};
use crate::results::{PointDeadlock, Results, Stat, point_deadlocks};
use fab_stdlib::random::Stream;
use fab_stdlib::units::{labelled, tidy_number, with_unit};
use serde::Serialize;
use std::fmt::Write as _;

/// The budget when the study states none.
pub const DEFAULT_BUDGET: u32 = 30;

/// The most of a cycle's expected cost that failures during a service at T* may add for the
/// analytic optimum to be claimed ([`AgeReplacement::service_failure_share`]): the formula lets
/// no life end in a service, and a calendar-time life can. A service of one minute adds 0.005 %
/// on `examples/maintenance_plan.fab`, one of two hours 0.6 %.
///
/// [`AgeReplacement::service_failure_share`]: fab_stdlib::maintenance::AgeReplacement::service_failure_share
pub const NEGLIGIBLE_SERVICE_FAILURES: f64 = 1e-3;

/// The results of an `optimize` study.
#[derive(Clone, Debug, Serialize)]
pub struct OptimizationResults {
    pub study: String,
    pub experiment: String,
    pub seed: u64,
    pub replications: u32,
    pub confidence: f64,
    /// The search strategy, in words.
    pub method: String,
    pub budget: u32,
    /// Runs spent: points evaluated, each with every replication.
    pub runs: u32,
    /// How many distinct points the factors' ranges hold (whole-number factors), or `None` when a
    /// continuous factor makes them unbounded: below the budget, the search runs no more.
    pub distinct_points: Option<u64>,
    pub currency: Option<String>,
    pub factors: Vec<FactorInfo>,
    pub objectives: Vec<ObjectiveInfo>,
    pub constraints: Vec<ConstraintInfo>,
    /// Every evaluated point, in evaluation order.
    pub points: Vec<OptimizedPoint>,
    /// The index in `points` of the best feasible point (of the first objective), if any
    /// feasible point has a value of it.
    pub best: Option<usize>,
    /// With several objectives: the indices of the non-dominated feasible points.
    pub pareto: Vec<usize>,
    /// The analytic optimum, for the textbook case that has one (see [`AnalyticOptimum`]).
    pub analytic: Option<AnalyticOptimum>,
    /// The evaluated points' replications that came to a standstill, by their place in `points`
    /// (absent when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlocks: Vec<PointDeadlock>,
}

/// Barlow and Proschan's optimum of age replacement, for the textbook case: one station that
/// fails, is maintained or has costs (no other station or robot does), one Weibull failure mode
/// on calendar time, age-based preventive maintenance on the same clock, repairs and maintenance
/// restoring `new`, repair, preventive and downtime costs only, its age as the only factor and
/// `minimize cost_rate` as the only objective, with no constraint that T* breaks or that cannot
/// be judged at T* (one on a measure). The mean repair and service times are in the cycle, with
/// the downtime cost of their hours ([`fab_stdlib::maintenance`]), so a repair must take its own
/// time and no more: no spare part to wait for, and a crew (if any) that no station needs for
/// its work. The formula does not let the press fail while it is serviced, which a calendar-time
/// life can: the optimum is claimed only while failures during a service at T* would add at
/// most [`NEGLIGIBLE_SERVICE_FAILURES`] of a cycle's expected cost.
#[derive(Clone, Debug, Serialize)]
pub struct AnalyticOptimum {
    /// The Weibull life's shape β and scale η (h).
    pub shape: f64,
    pub scale_h: f64,
    /// The cost of a preventive action c_p and of a failure c_f.
    pub cost_preventive: f64,
    pub cost_failure: f64,
    /// The mean repair time τ_f and service time τ_p (h), and the cost of an hour down or in
    /// maintenance c_d (per hour).
    pub repair_h: f64,
    pub service_h: f64,
    pub cost_downtime_per_h: f64,
    /// The optimal age T* (h) and its cost rate C(T*) (per hour).
    pub optimal_age_h: f64,
    pub optimal_cost_rate_per_h: f64,
    /// The age the search found best (h) and the analytic cost rate there (per hour).
    pub found_age_h: f64,
    pub cost_rate_at_found_per_h: f64,
    /// Whether T* lies within the range the study searched: outside it, no search of that range
    /// could find it.
    pub within_range: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveInfo {
    /// A measure's name or a factor's path.
    pub quantity: String,
    pub unit: String,
    pub maximize: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConstraintInfo {
    pub quantity: String,
    /// The quantity's reported unit, in which `bound` and the points' `constraints` are.
    pub unit: String,
    /// `>=` or `<=`.
    pub relation: String,
    pub bound: f64,
    /// The bound as the model writes it (`90 %` where `bound` is 0.9).
    pub written: WrittenBound,
}

impl ConstraintInfo {
    /// The constraint as the model writes it, and its bound in the quantity's reported unit
    /// when that reads otherwise: `availability >= 90 % (0.9)`, `lead_time <= 2 h (7200 s)`,
    /// `throughput >= 60 parts/h`. The table, its header and `optimize.csv` name a constraint
    /// so.
    pub fn describe(&self) -> String {
        let written = tidy_number(self.written.value);
        let reported = tidy_number(self.bound);
        let text = format!(
            "{} {} {}",
            self.quantity,
            self.relation,
            with_unit(&written, &self.written.unit)
        );
        if reported == written {
            text
        } else {
            format!("{text} ({})", with_unit(&reported, &self.unit))
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct OptimizedPoint {
    /// Factor values in their units, in factor order.
    pub values: Vec<f64>,
    /// The search round that evaluated it (0 first).
    pub round: u32,
    pub feasible: bool,
    /// Per objective, in order: mean and half-width (a factor's value has no interval).
    pub objectives: Vec<Stat>,
    /// Per constraint, in order.
    pub constraints: Vec<Stat>,
    /// Every measure (the names of [`measures`](crate::designed::measures)).
    pub measures: Vec<(String, Stat)>,
}

/// Runs an `optimize` study on its base experiment (already resolved with any overrides).
pub fn run_optimization(
    model: &Model,
    study: &Optimization,
    experiment: &Experiment,
    threads: usize,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<OptimizationResults, RunError> {
    let refused = |code: &'static str, why: String| {
        Err(RunError::Refused { code, why: format!("optimize `{}`: {why}", study.name) })
    };
    // A directional part is checked and not yet run, as a `transport` is (E0906).
    if let Some(why) = &study.unsupported {
        return refused("E0906", why.clone());
    }
    // The checker refuses both in a model (E0203).
    if study.factors.is_empty() {
        return refused("E0203", "it varies nothing: add `vary PATH in LOW..HIGH`".into());
    }
    if study.objectives.is_empty() {
        return refused(
            "E0203",
            "it has no objective: add `minimize MEASURE` or `maximize MEASURE`".into(),
        );
    }
    crate::designed::refuse_empty_ranges(&study.factors, &format!("optimize `{}`", study.name))?;
    let bad =
        |why: String| Err(RunError::BadExperiment(format!("optimize `{}`: {why}", study.name)));
    for quantity in study
        .objectives
        .iter()
        .map(|o| &o.quantity)
        .chain(study.constraints.iter().map(|c| &c.quantity))
    {
        if let Quantity::Measure { name } = quantity
            && measure(name).is_none()
        {
            return bad(format!("no measure named `{name}`"));
        }
    }
    let ranges: Vec<Range> = study
        .factors
        .iter()
        .map(|f| Range { low: f.low, high: f.high, integer: f.integer })
        .collect();
    let strategy = Strategy::for_problem(study.factors.len(), study.objectives.len());
    let replications = experiment.replications;
    let total = study.budget.saturating_mul(replications);
    let mut done_before = 0u32;
    let mut evaluated: Vec<(Vec<f64>, Results)> = Vec::new();
    let mut evaluate = |points: &[Vec<f64>]| -> Result<Vec<Score>, RunError> {
        let offset = done_before;
        let results =
            run_points(model, experiment, &study.factors, points, threads, &|done, _| {
                progress(offset + done, total)
            })?;
        done_before += points.len() as u32 * replications;
        let scores = points.iter().zip(&results).map(|(point, r)| score(study, point, r)).collect();
        evaluated.extend(points.iter().cloned().zip(results));
        Ok(scores)
    };
    let mut stream = Stream::new(experiment.seed, 0, &study.name, "optimize");
    let searched =
        search::search(&ranges, study.budget as usize, strategy, &mut stream, &mut evaluate)?;

    let points: Vec<OptimizedPoint> = searched
        .iter()
        .zip(&evaluated)
        .map(|(found, (point, results))| OptimizedPoint {
            values: study.factors.iter().zip(point).map(|(f, &v)| f.display(v)).collect(),
            round: found.round,
            feasible: found.score.violation == 0.0,
            objectives: study
                .objectives
                .iter()
                .map(|o| quantity_stat(study, &o.quantity, point, results))
                .collect(),
            constraints: study
                .constraints
                .iter()
                .map(|c| quantity_stat(study, &c.quantity, point, results))
                .collect(),
            measures: designed::measured(results),
        })
        .collect();
    // A point without a value of the objective (NaN: a lead time where a replication delivered
    // no part) ranks last in the search, but is no best: with no other, there is none.
    let mut best: Option<usize> = None;
    for (i, found) in searched.iter().enumerate() {
        if found.score.violation == 0.0
            && !found.score.objective.is_nan()
            && best.is_none_or(|b| found.score.better_than(&searched[b].score))
        {
            best = Some(i);
        }
    }
    let pareto = if study.objectives.len() > 1 {
        let minimized: Vec<Vec<f64>> = points
            .iter()
            .map(|p| {
                study
                    .objectives
                    .iter()
                    .zip(&p.objectives)
                    .map(|(o, s)| if o.maximize { -s.mean } else { s.mean })
                    .collect()
            })
            .collect();
        let feasible: Vec<bool> = points.iter().map(|p| p.feasible).collect();
        search::pareto_front(&minimized, &feasible)
    } else {
        Vec::new()
    };
    Ok(OptimizationResults {
        study: study.name.clone(),
        experiment: experiment.name.clone(),
        seed: experiment.seed,
        replications,
        confidence: experiment.confidence,
        method: strategy.describe().into(),
        budget: study.budget,
        runs: points.len() as u32,
        distinct_points: search::distinct_points(&ranges),
        currency: model.currency.clone(),
        factors: study.factors.iter().map(FactorInfo::of).collect(),
        objectives: study
            .objectives
            .iter()
            .map(|o| ObjectiveInfo {
                quantity: quantity_name(study, &o.quantity),
                unit: quantity_unit(model, study, &o.quantity),
                maximize: o.maximize,
            })
            .collect(),
        constraints: study
            .constraints
            .iter()
            .map(|c| ConstraintInfo {
                quantity: quantity_name(study, &c.quantity),
                unit: quantity_unit(model, study, &c.quantity),
                relation: if c.at_least { ">=" } else { "<=" }.into(),
                bound: c.bound,
                written: c.written.clone(),
            })
            .collect(),
        analytic: analytic_optimum(model, study, &points, best),
        deadlocks: point_deadlocks(evaluated.iter().map(|(_, results)| results)),
        points,
        best,
        pareto,
    })
}

/// The Barlow–Proschan optimum when the study is the textbook case (see [`AnalyticOptimum`]):
/// `minimize cost_rate` alone over the age of the one station that fails, is maintained or has
/// costs (no other station or robot may: their failures, services and costs count in the
/// simulated cost rate and not in the formula), its repair and service times in the cycle. With
/// constraints, only bounds on the age itself can be judged: the optimum is given when T* meets
/// them, and not at all beside a constraint on a measure.
fn analytic_optimum(
    model: &Model,
    study: &Optimization,
    points: &[OptimizedPoint],
    best: Option<usize>,
) -> Option<AnalyticOptimum> {
    use crate::model::{
        Clock, ComponentKind, Costs, FailureLaw, Maintenance, PreventivePolicy, Restoration,
    };
    use fab_stdlib::dist::Distribution;
    use fab_stdlib::maintenance::AgeReplacement;
    let [factor] = study.factors.as_slice() else { return None };
    let [objective] = study.objectives.as_slice() else { return None };
    if objective.maximize
        || quantity_name(study, &objective.quantity) != "cost_rate"
        || factor.target != FactorTarget::Maintenance(MaintenanceParameter::Age)
    {
        return None;
    }
    // Every component that fails, is maintained or costs anything.
    let mut involved = model.component_ids().filter(|&id| match &model.component(id).kind {
        ComponentKind::Station(s) | ComponentKind::Robot(Robot { station: s, .. }) => {
            !s.failures.is_empty()
                || s.maintenance != Maintenance::Reactive
                || s.costs != Costs::default()
        }
        _ => false,
    });
    let (Some(id), None) = (involved.next(), involved.next()) else { return None };
    let ComponentKind::Station(station) = &model.component(id).kind else { return None };
    if id != factor.component {
        return None;
    }
    let [mode] = station.failures.as_slice() else { return None };
    // A repair that waits for a spare part, or for a crew unit busy with work, lasts longer than
    // its own time, which is all the formula counts.
    let crew_works = station.crew.is_some_and(|crew| {
        model.component_ids().any(|other| match &model.component(other).kind {
            ComponentKind::Station(s) | ComponentKind::Robot(Robot { station: s, .. }) => {
                s.needs.contains(&crew)
            }
            _ => false,
        })
    });
    if mode.uses.is_some() || crew_works {
        return None;
    }
    let FailureLaw::Time { life: Distribution::Weibull { shape, scale, location }, clock } =
        &mode.law
    else {
        return None;
    };
    let Maintenance::Preventive {
        clock: maintenance_clock,
        policy: PreventivePolicy::Age,
        restores: Restoration::New,
        takes,
        ..
    } = &station.maintenance
    else {
        return None;
    };
    let costs = &station.costs;
    // On busy time the analytic rate would be per busy hour, the simulated one per calendar hour.
    if *location != 0.0
        || *clock != Clock::CalendarTime
        || clock != maintenance_clock
        || mode.restores != Restoration::New
        || costs.operating_per_s != 0.0
        || costs.per_part != 0.0
        || costs.inspection != 0.0
    {
        return None;
    }
    let problem = AgeReplacement {
        shape: *shape,
        scale: scale / 3600.0,
        cost_preventive: costs.preventive,
        cost_failure: costs.repair,
        service_time: takes.mean() / 3600.0,
        repair_time: mode.repair.mean() / 3600.0,
        downtime_cost: costs.downtime_per_s * 3600.0,
    };
    let (t_star, c_star) = problem.optimum()?;
    if problem.service_failure_share(t_star) > NEGLIGIBLE_SERVICE_FAILURES {
        return None;
    }
    // The factor's values are in its own time unit (`h`, `d`, `min`, …).
    let info = FactorInfo::of(factor);
    let hours_per_unit =
        fab_stdlib::units::lookup(&info.unit).map_or(1.0 / 3600.0, |u| u.to_si() / 3600.0);
    // A constraint on a measure cannot be judged at T*; one on the age can.
    let t_star_in_unit = t_star / hours_per_unit;
    let allowed = study.constraints.iter().all(|c| match c.quantity {
        Quantity::Factor { .. } if c.at_least => t_star_in_unit >= c.bound,
        Quantity::Factor { .. } => t_star_in_unit <= c.bound,
        Quantity::Measure { .. } => false,
    });
    if !allowed {
        return None;
    }
    let found = points[best?].values[0] * hours_per_unit;
    Some(AnalyticOptimum {
        shape: problem.shape,
        scale_h: problem.scale,
        cost_preventive: problem.cost_preventive,
        cost_failure: problem.cost_failure,
        repair_h: problem.repair_time,
        service_h: problem.service_time,
        cost_downtime_per_h: problem.downtime_cost,
        optimal_age_h: t_star,
        optimal_cost_rate_per_h: c_star,
        found_age_h: found,
        cost_rate_at_found_per_h: problem.cost_rate(found),
        within_range: (info.low..=info.high).contains(&t_star_in_unit),
    })
}

/// The first objective (to minimise) and the constraint violation of a point's means.
fn score(study: &Optimization, point: &[f64], results: &Results) -> Score {
    let objective = &study.objectives[0];
    let value = quantity_stat(study, &objective.quantity, point, results).mean;
    let violation = study
        .constraints
        .iter()
        .map(|c| {
            let value = quantity_stat(study, &c.quantity, point, results).mean;
            let shortfall = if c.at_least { c.bound - value } else { value - c.bound };
            if shortfall.is_nan() {
                f64::INFINITY
            } else {
                shortfall.max(0.0) / c.bound.abs().max(1e-12)
            }
        })
        .sum();
    Score { objective: if objective.maximize { -value } else { value }, violation }
}

/// A measure's statistic, or a factor's value (in its unit) as a statistic without interval.
fn quantity_stat(study: &Optimization, quantity: &Quantity, point: &[f64], r: &Results) -> Stat {
    match quantity {
        Quantity::Measure { name } => measure(name).map(|m| m.stat(r)).unwrap_or_default(),
        Quantity::Factor { index } => {
            let value = study.factors[*index].display(point[*index]);
            Stat { mean: value, half_width: 0.0, values: Vec::new() }
        }
    }
}

fn quantity_name(study: &Optimization, quantity: &Quantity) -> String {
    match quantity {
        Quantity::Measure { name } => name.clone(),
        Quantity::Factor { index } => study.factors[*index].path.clone(),
    }
}

/// A quantity's unit as reported: a measure's as the catalog reports it in the model's currency
/// (`EUR/h` for `cost_rate`), a factor's as its range was written.
fn quantity_unit(model: &Model, study: &Optimization, quantity: &Quantity) -> String {
    match quantity {
        Quantity::Measure { name } => measure(name)
            .map(|m| m.decl.reported_unit(model.currency.as_deref()))
            .unwrap_or_default(),
        Quantity::Factor { index } => study.factors[*index].unit.clone(),
    }
}

impl OptimizationResults {
    /// Whether an objective is a factor the study varies (`minimize b1.capacity`): its value is
    /// the factor's, so the table and `optimize.csv` show it once, in the factor's column.
    pub fn objective_is_factor(&self, objective: &ObjectiveInfo) -> bool {
        self.factors.iter().any(|f| f.path == objective.quantity)
    }

    /// The names of the constraints' columns, in the table and in `optimize.csv`: each named as
    /// [`ConstraintInfo::describe`] names it, and one written again with the same bound (which
    /// W0707 warns of, and which still runs) numbered from its second (`throughput >= 55
    /// parts/h #2`), so that no two columns share a name.
    pub fn constraint_columns(&self) -> Vec<String> {
        let described: Vec<String> =
            self.constraints.iter().map(ConstraintInfo::describe).collect();
        described
            .iter()
            .enumerate()
            .map(|(i, name)| match described[..i].iter().filter(|d| *d == name).count() {
                0 => name.clone(),
                earlier => format!("{name} #{}", earlier + 1),
            })
            .collect()
    }

    /// One row per evaluated point (`docs/results.md` lists the columns): its number, round,
    /// factor values, each objective's mean and half-width (but an objective that is a factor,
    /// whose column is the factor's), each constraint's, feasibility, and whether it is the best
    /// or on the Pareto front.
    pub fn csv(&self) -> String {
        use crate::report::{csv_text, number as csv_number};
        let measured: Vec<bool> =
            self.objectives.iter().map(|o| !self.objective_is_factor(o)).collect();
        let objectives = self.objectives.iter().zip(&measured).filter(|(_, m)| **m);
        let estimated = objectives
            .map(|(o, _)| labelled(&o.quantity, &o.unit))
            .chain(self.constraint_columns());
        let headers: Vec<String> = ["point".to_string(), "round".to_string()]
            .into_iter()
            .chain(self.factors.iter().map(|f| labelled(&f.path, &f.unit)))
            .chain(estimated.flat_map(|name| {
                let half_width = format!("{name} half_width");
                [name, half_width]
            }))
            .chain(["feasible".to_string(), "best".to_string()])
            .collect();
        let mut out: String = headers.iter().map(|h| csv_text(h)).collect::<Vec<_>>().join(",");
        out.push('\n');
        for (i, p) in self.points.iter().enumerate() {
            let _ = write!(out, "{},{}", i + 1, p.round);
            for v in &p.values {
                let _ = write!(out, ",{}", csv_number(*v));
            }
            let objectives = p.objectives.iter().zip(&measured).filter(|(_, m)| **m);
            for s in objectives.map(|(s, _)| s).chain(&p.constraints) {
                let _ = write!(out, ",{},{}", csv_number(s.mean), csv_number(s.half_width));
            }
            let best = Some(i) == self.best || self.pareto.contains(&i);
            let _ = writeln!(out, ",{},{}", p.feasible, best);
        }
        out
    }

    /// The curve of the first objective against each factor: for one factor, the mean through
    /// the evaluated points with the confidence band drawn as dashed lines and the best point
    /// marked; for several, one panel per factor with every evaluated point.
    pub fn svg(&self) -> String {
        let Some(objective) = self.objectives.first() else {
            return String::from(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>\n",
            );
        };
        let y_label = labelled(&objective.quantity, &objective.unit);
        let subtitle = format!(
            "{} runs × {} replications, seed {}, {}; band: {}% confidence interval",
            self.runs,
            self.replications,
            self.seed,
            self.method,
            100.0 * self.confidence
        );
        let panel = |index: usize| -> Chart {
            let factor = &self.factors[index];
            let mut chart = Chart::new(format!("Optimize {}: {}", self.study, objective.quantity));
            chart.subtitle = subtitle.clone();
            chart.x_label = labelled(&factor.path, &factor.unit);
            chart.y_label = y_label.clone();
            let mut rows: Vec<(f64, &Stat, bool)> = self
                .points
                .iter()
                .map(|p| (p.values[index], &p.objectives[0], p.feasible))
                .collect();
            rows.sort_by(|a, b| a.0.total_cmp(&b.0));
            let feasible: Vec<(f64, f64)> =
                rows.iter().filter(|r| r.2).map(|r| (r.0, r.1.mean)).collect();
            let infeasible: Vec<(f64, f64)> =
                rows.iter().filter(|r| !r.2).map(|r| (r.0, r.1.mean)).collect();
            if self.factors.len() == 1 {
                let band = |sign: f64| -> Vec<(f64, f64)> {
                    rows.iter().map(|r| (r.0, r.1.mean + sign * r.1.half_width)).collect()
                };
                chart.series.push(Series::Line {
                    label: "mean".into(),
                    points: rows.iter().map(|r| (r.0, r.1.mean)).collect(),
                    colour: PALETTE[0].into(),
                    dashed: false,
                });
                chart.series.push(Series::Line {
                    label: "confidence band".into(),
                    points: band(1.0),
                    colour: PALETTE[5].into(),
                    dashed: true,
                });
                chart.series.push(Series::Line {
                    label: String::new(),
                    points: band(-1.0),
                    colour: PALETTE[5].into(),
                    dashed: true,
                });
            }
            chart.series.push(Series::Scatter {
                label: "evaluated".into(),
                points: feasible,
                colour: PALETTE[0].into(),
            });
            if !infeasible.is_empty() {
                chart.series.push(Series::Scatter {
                    label: "infeasible".into(),
                    points: infeasible,
                    colour: PALETTE[7].into(),
                });
            }
            let marked: Vec<usize> = match self.best {
                _ if !self.pareto.is_empty() => self.pareto.clone(),
                Some(best) => vec![best],
                None => Vec::new(),
            };
            if !marked.is_empty() {
                chart.series.push(Series::Scatter {
                    label: if self.pareto.is_empty() { "best" } else { "non-dominated" }.into(),
                    points: marked
                        .iter()
                        .map(|&i| (self.points[i].values[index], self.points[i].objectives[0].mean))
                        .collect(),
                    colour: PALETTE[1].into(),
                });
            }
            chart
        };
        if self.factors.len() == 1 {
            return panel(0).svg();
        }
        // One panel per factor, stacked: nested <svg> elements, each with its own clip path id.
        let (width, height) = (720.0, 480.0);
        let total = height * self.factors.len() as f64;
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{total:.0}\" \
             viewBox=\"0 0 {width:.0} {total:.0}\">\n"
        );
        for index in 0..self.factors.len() {
            let svg = panel(index)
                .svg()
                .replacen("<svg ", &format!("<svg x=\"0\" y=\"{:.0}\" ", height * index as f64), 1)
                .replace("plot-area", &format!("plot-area-{index}"));
            out.push_str(&svg);
        }
        out.push_str("</svg>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraint(quantity: &str, unit: &str, bound: f64, written: (f64, &str)) -> ConstraintInfo {
        ConstraintInfo {
            quantity: quantity.into(),
            unit: unit.into(),
            relation: ">=".into(),
            bound,
            // The scale, which only the checker's messages read, does not count here.
            written: WrittenBound { value: written.0, unit: written.1.into(), scale: f64::NAN },
        }
    }

    /// A constraint reads as written, and in the reported unit too only where the numbers differ:
    /// a count written without its unit, or a cost rate with its currency, reads once.
    #[test]
    fn a_constraint_reads_as_written_with_the_reported_value_where_it_differs() {
        let shown = |c: ConstraintInfo| c.describe();
        assert_eq!(
            shown(constraint("availability", "", 99.9 * 0.01, (99.9, "%"))),
            "availability >= 99.9 % (0.999)"
        );
        assert_eq!(
            shown(constraint("lead_time", "s", 7200.0, (2.0, "h"))),
            "lead_time >= 2 h (7200 s)"
        );
        assert_eq!(shown(constraint("availability", "", 0.0, (0.0, "%"))), "availability >= 0 %");
        assert_eq!(shown(constraint("wip", "parts", 10.0, (10.0, ""))), "wip >= 10");
        assert_eq!(
            shown(constraint("cost_rate", "EUR/h", 40.0, (40.0, "EUR/h"))),
            "cost_rate >= 40 EUR/h"
        );
        assert_eq!(
            shown(constraint("throughput", "parts/h", 60.00000000000001, (1.0, "parts/min"))),
            "throughput >= 1 parts/min (60 parts/h)"
        );
    }
}
