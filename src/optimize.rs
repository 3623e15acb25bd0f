//! `fab optimize MODEL [NAME]`: run an `optimize` study and print the best point and every
//! evaluated point; `--out DIR` writes `optimize.json`, `optimize.csv` and `optimize.svg`.

use crate::run::{
    Compiled, OPTIMIZE_FILES, Options, emit, pm, resolve_base, the_model_has, with_progress,
};
use crate::table::{Column, Table};
use fab_runtime::optimize::{ObjectiveInfo, OptimizationResults, run_optimization};
use fab_stdlib::units::{labelled, with_unit};
use std::fmt::Write as _;
use std::process::ExitCode;

/// Runs the study named `name`, or the model's only one.
pub fn run(options: &Options, name: Option<&str>) -> ExitCode {
    let compiled = match crate::run::compile_model(&options.file) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let outputs = match crate::run::prepare_outputs(options, &compiled.inputs, &OPTIMIZE_FILES) {
        Ok(outputs) => outputs,
        Err(code) => return code,
    };
    outputs.finish(optimize(options, &compiled, name))
}

/// Runs the study, the outputs prepared.
fn optimize(options: &Options, compiled: &Compiled, name: Option<&str>) -> ExitCode {
    let model = &compiled.model;
    let known: Vec<&str> = model.optimizations.iter().map(|o| o.name.as_str()).collect();
    let study = match name {
        Some(name) => model.optimizations.iter().find(|o| o.name == name),
        None if known.len() == 1 => model.optimizations.first(),
        None => None,
    };
    let Some(study) = study else {
        let listed = the_model_has(&known);
        match name {
            Some(name) => errln!("error: no optimize study named `{name}` ({listed})"),
            None if known.is_empty() => {
                errln!("error: `{}` declares no `optimize` study", options.file)
            }
            None => errln!("error: name the optimize study to run ({listed})"),
        }
        return ExitCode::from(if known.is_empty() || name.is_some() { 1 } else { 2 });
    };
    let resolved = match resolve_base(model, study.base, options) {
        Ok(resolved) => resolved,
        Err(code) => return code,
    };
    let results = match with_progress(compiled, &study.name, options.json, None, |progress| {
        run_optimization(&resolved.model, study, &resolved.experiment, options.threads, progress)
    }) {
        Ok(results) => results,
        Err(code) => return code,
    };
    let [document, points, chart] = OPTIMIZE_FILES;
    let emitted = emit(
        options,
        &results,
        document,
        || table(&options.file, &results),
        || vec![(points, results.csv()), (chart, results.svg())],
    );
    compiled.warn_points(&results.deadlocks, results.runs * results.replications, "point");
    emitted
}

fn table(file: &str, r: &OptimizationResults) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{file}: optimize {} on experiment {}, {} of {} runs × {}, seed {}",
        r.study,
        r.experiment,
        r.runs,
        r.budget,
        crate::study::replications(r.replications),
        r.seed
    );
    let _ = writeln!(out, "search: {} (common random numbers)", r.method);
    if let Some(count) = r.distinct_points.filter(|&count| count < u64::from(r.budget)) {
        let _ = writeln!(
            out,
            "(the factors' ranges hold {count} distinct points, fewer than the budget: none runs \
             twice)"
        );
    }
    for o in &r.objectives {
        let sense = if o.maximize { "maximize" } else { "minimize" };
        let _ = writeln!(out, "objective: {sense} {}", labelled(&o.quantity, &o.unit));
    }
    for c in &r.constraints {
        let _ = writeln!(out, "subject to: {}", c.describe());
    }
    let _ = writeln!(
        out,
        "({}; infeasible points break a constraint on their means)\n",
        crate::study::intervals(r.replications, r.confidence)
    );
    // An objective that is a varied factor (`minimize b.capacity`) is shown once, as the factor.
    let shown = |objective: &ObjectiveInfo| !r.objective_is_factor(objective);
    let describe = |index: usize| -> String {
        let point = &r.points[index];
        let values: Vec<String> = r
            .factors
            .iter()
            .zip(&point.values)
            .map(|(f, v)| format!("{} = {}", f.path, with_unit(&round(*v), &f.unit)))
            .collect();
        let objectives: Vec<String> = r
            .objectives
            .iter()
            .zip(&point.objectives)
            .filter(|(o, _)| shown(o))
            .map(|(o, s)| format!("{} {}", o.quantity, with_unit(&pm(s, 4), &o.unit)))
            .collect();
        format!("{}   {}", values.join(", "), objectives.join(", ")).trim_end().to_string()
    };
    if !r.pareto.is_empty() {
        let _ = writeln!(out, "non-dominated points ({}):", r.pareto.len());
        for &i in &r.pareto {
            let _ = writeln!(out, "  {}", describe(i));
        }
    } else if let Some(best) = r.best {
        let _ = writeln!(out, "best: {}", describe(best));
    } else if !r.points.iter().any(|p| p.feasible) {
        let _ = writeln!(out, "no evaluated point meets every constraint");
    } else {
        // Feasible points, none with a value of the objective: a measure of the parts
        // delivered, at points where some replication delivered none.
        let objective = r.objectives.first().map_or("the objective", |o| o.quantity.as_str());
        let valued = |p: &fab_runtime::optimize::OptimizedPoint| {
            p.objectives.first().is_some_and(|s| !s.mean.is_nan())
        };
        let which =
            if r.points.iter().any(valued) { "no feasible point" } else { "no evaluated point" };
        let _ = writeln!(
            out,
            "no best: {which} has a value of {objective} (a measure of the parts delivered, and \
             some replication of each such point delivered none)"
        );
    }
    if let Some(check) = analytic_check(r) {
        let _ = writeln!(out, "{check}");
    }
    out.push('\n');
    let headers: Vec<String> = r
        .factors
        .iter()
        .map(|f| labelled(&f.path, &f.unit))
        .chain(r.objectives.iter().filter(|o| shown(o)).map(|o| o.quantity.clone()))
        .chain(r.constraint_columns())
        .collect();
    // Rows in the order of the factors' values, so one factor reads as a curve.
    let mut order: Vec<usize> = (0..r.points.len()).collect();
    order.sort_by(|&a, &b| {
        r.points[a]
            .values
            .iter()
            .zip(&r.points[b].values)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let rows: Vec<(usize, Vec<String>)> = order
        .into_iter()
        .map(|i| {
            let p = &r.points[i];
            let cells = p
                .values
                .iter()
                .map(|v| round(*v))
                .chain(
                    r.objectives
                        .iter()
                        .zip(&p.objectives)
                        .filter(|(o, _)| shown(o))
                        .map(|(_, s)| s)
                        .chain(&p.constraints)
                        .map(|s| pm(s, 4)),
                )
                .collect();
            (i, cells)
        })
        .collect();
    // Each column as wide as its header or its widest cell (a mean ± half-width is often wider
    // than the measure's name).
    let columns = [Column::right("point").at_least(5), Column::right("round").at_least(5)];
    let columns =
        columns.into_iter().chain(headers.into_iter().map(|h| Column::right(h).at_least(10)));
    let mut table = Table::new(columns.collect());
    for (i, cells) in rows {
        let p = &r.points[i];
        let mark = if Some(i) == r.best && r.pareto.is_empty() {
            "  ◀ best"
        } else if r.pareto.contains(&i) {
            "  ◀ non-dominated"
        } else if !p.feasible {
            "  infeasible"
        } else {
            ""
        };
        let numbers = [(i + 1).to_string(), p.round.to_string()];
        table.row_with(numbers.into_iter().chain(cells).collect(), mark);
    }
    table.write(&mut out);
    // The columns that read `n/a` somewhere: measures of the parts delivered (the catalog's
    // `of_parts_delivered`), undefined where a replication delivered none.
    let quantities = r.objectives.iter().map(|o| &o.quantity);
    let quantities = quantities.chain(r.constraints.iter().map(|c| &c.quantity));
    let mut undefined: Vec<&str> = Vec::new();
    for p in &r.points {
        for (quantity, stat) in quantities.clone().zip(p.objectives.iter().chain(&p.constraints)) {
            if stat.mean.is_nan() && !undefined.contains(&quantity.as_str()) {
                undefined.push(quantity);
            }
        }
    }
    if !undefined.is_empty() {
        let names: Vec<String> = undefined.iter().map(|name| format!("`{name}`")).collect();
        let (names, what) = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => {
                (format!("{} and {last}", rest.join(", ")), "measures")
            }
            _ => (names.concat(), "a measure"),
        };
        let _ = writeln!(
            out,
            "\n  n/a: no value of {names}, {what} of the parts delivered, where a replication \
             delivered none; such a point ranks last"
        );
    }
    out
}

/// A factor value with at most four decimals, trailing zeros dropped.
fn round(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-0" { "0".into() } else { text.to_string() }
}

/// The Barlow–Proschan optimum beside the simulated one, when the study is the textbook case.
fn analytic_check(r: &OptimizationResults) -> Option<String> {
    let a = r.analytic.as_ref()?;
    let outside = if a.within_range { "" } else { ", outside the range searched" };
    let durations = if a.repair_h == 0.0 && a.service_h == 0.0 {
        "repairs and services take no time".to_string()
    } else {
        let downtime = if a.cost_downtime_per_h == 0.0 {
            String::new()
        } else {
            format!(", c_d = {} /h", round(a.cost_downtime_per_h))
        };
        format!(
            "mean repair {} h, mean service {} h{downtime}",
            round(a.repair_h),
            round(a.service_h)
        )
    };
    Some(format!(
        "analytic (Barlow–Proschan, Weibull β = {}, η = {} h, c_p = {}, c_f = {}, {durations}): \
         T* = {:.2} h{outside}, C(T*) = {:.6} /h; C at the found age = {:.6} /h",
        a.shape,
        round(a.scale_h),
        a.cost_preventive,
        a.cost_failure,
        a.optimal_age_h,
        a.optimal_cost_rate_per_h,
        a.cost_rate_at_found_per_h
    ))
}
