//! `fab run` for studies of many runs: designed experiments, `sensitivity` studies and the
//! selection of the best scenario. The statistics are the runtime's; this module prints them and
//! writes the files.

use crate::run::{
    Compiled, DESIGN_FILES, INPUT_UNCERTAINTY_FILES, Options, SELECTION_FILES, SENSITIVITY_FILES,
    duration, emit, percent_number, pm, resolve_base, the_model_has, with_progress,
};
use crate::table::{Column, Table, counted};
use fab_runtime::analysis::selection::KimNelson;
use fab_runtime::designed::{self, DesignResults, FactorSensitivity, SensitivityResults};
use fab_runtime::experiment::Study;
use fab_runtime::report;
use fab_runtime::results::{Deadlock, SystemDeadlock};
use fab_runtime::simulate;
use fab_runtime::uncertainty::{InputUncertaintyResults, run_input_uncertainty};
use std::fmt::Write as _;
use std::process::ExitCode;

/// A designed experiment: every point with common random numbers.
pub fn design(options: &Options, compiled: &Compiled, study: &Study) -> ExitCode {
    let experiment = &study.experiment;
    let label = study.scenario.as_deref().unwrap_or(&experiment.name);
    let within = study.scenario.is_some().then(|| study.describe());
    let mut results =
        match with_progress(compiled, label, options.json, within.as_deref(), |progress| {
            designed::run_design(&study.model, experiment, options.threads, progress)
        }) {
            Ok(results) => results,
            Err(code) => return code,
        };
    results.scenario = study.scenario.clone();
    let [document, points] = DESIGN_FILES;
    let emitted = emit(
        options,
        &results,
        document,
        || design_table(&options.file, &results),
        || vec![(points, results.csv())],
    );
    let runs = results.points.len() as u32 * results.replications;
    compiled.warn_points(&results.deadlocks, runs, "point");
    emitted
}

/// What the `±` of a table of means means, as every such table words it (in parentheses under
/// its title): the half-width of the confidence interval at `confidence`, or, with one
/// replication, that there is none (`run::pm` then prints the mean alone).
pub fn intervals(replications: u32, confidence: f64) -> String {
    if replications > 1 {
        format!("mean ± half-width of the {}% confidence interval", percent_number(confidence))
    } else {
        "one replication gives no confidence interval".to_string()
    }
}

/// `1 replication`, `3 replications`.
pub fn replications(n: u32) -> String {
    counted(n as usize, "replication", "replications")
}

/// `experiment doe`, or `scenario small (of doe)`: what a study's table says ran.
fn study_named(experiment: &str, scenario: Option<&str>) -> String {
    match scenario {
        Some(scenario) => format!("scenario {scenario} (of {experiment})"),
        None => format!("experiment {experiment}"),
    }
}

fn design_table(file: &str, r: &DesignResults) -> String {
    let mut out = String::new();
    let study = study_named(&r.experiment, r.scenario.as_deref());
    let _ = writeln!(
        out,
        "{file}: {study}, {} design, {} points × {}, seed {} (common random numbers)",
        r.design.replace('_', " "),
        r.points.len(),
        replications(r.replications),
        r.seed
    );
    let _ = writeln!(out, "({})\n", intervals(r.replications, r.confidence));
    let headers: Vec<String> = r
        .factors
        .iter()
        .map(
            |f| if f.unit.is_empty() { f.path.clone() } else { format!("{} [{}]", f.path, f.unit) },
        )
        .collect();
    let columns = std::iter::once(Column::right("point").at_least(5))
        .chain(headers.into_iter().map(|header| Column::right(header).at_least(8)))
        .chain([
            Column::right("throughput/h").at_least(18),
            Column::right("lead time s").at_least(16),
            Column::right("WIP").at_least(14),
        ]);
    let mut table = Table::new(columns.collect());
    for (index, point) in r.points.iter().enumerate() {
        let get = |name: &str| point.measures.iter().find(|(n, _)| n == name).map(|(_, s)| s);
        let cell = |name: &str, digits: usize| get(name).map(|s| pm(s, digits)).unwrap_or_default();
        let cells = std::iter::once((index + 1).to_string())
            .chain(point.values.iter().map(|value| format!("{value:.4}")))
            .chain([cell("throughput", 2), cell("lead_time", 1), cell("wip", 2)]);
        table.row(cells.collect());
    }
    table.write(&mut out);
    out
}

/// An experiment with input uncertainty: macro-replications over redrawn fitted inputs.
pub fn input_uncertainty(options: &Options, compiled: &Compiled, study: &Study) -> ExitCode {
    let experiment = &study.experiment;
    let label = study.scenario.as_deref().unwrap_or(&experiment.name);
    let within = study.scenario.is_some().then(|| study.describe());
    let mut results =
        match with_progress(compiled, label, options.json, within.as_deref(), |progress| {
            run_input_uncertainty(&study.model, experiment, options.threads, progress)
        }) {
            Ok(results) => results,
            Err(code) => return code,
        };
    results.scenario = study.scenario.clone();
    let document = serde_json::json!({ "input_uncertainty": &results });
    let [json, macro_replications] = INPUT_UNCERTAINTY_FILES;
    let emitted = emit(
        options,
        &document,
        json,
        || input_uncertainty_table(&options.file, &results),
        || vec![(macro_replications, results.csv())],
    );
    let runs = results.macro_replications * results.replications;
    compiled.warn_points(&results.deadlocks, runs, "macro-replication");
    emitted
}

fn input_uncertainty_table(file: &str, r: &InputUncertaintyResults) -> String {
    let mut out = String::new();
    let study = study_named(&r.experiment, r.scenario.as_deref());
    let _ = writeln!(
        out,
        "{file}: {study}, input uncertainty by {}, {} macro-replications × {} replications, \
         seed {} (common random numbers)\n",
        r.method, r.macro_replications, r.replications, r.seed
    );
    let mut inputs = Table::new(vec![
        Column::left("input"),
        Column::left("family").at_least(22),
        Column::right("n").at_least(6),
        Column::right("redrawn").at_least(7),
        Column::left("data"),
    ]);
    for input in &r.inputs {
        let data = if input.file.is_empty() {
            "empirical values".to_string()
        } else {
            format!("{}, column {}", input.file, input.column)
        };
        let family = match input.family.as_str() {
            "empirical" => "empirical (resampled)".to_string(),
            family => format!("{family} ({})", input.method),
        };
        inputs.row(vec![
            input.name.clone(),
            family,
            input.observations.to_string(),
            input.redrawn.to_string(),
            data,
        ]);
    }
    inputs.write(&mut out);
    let mut measures = Table::new(vec![
        Column::left("measure").at_least(22),
        Column::right("mean").at_least(12),
        Column::right("input").at_least(8),
        Column::right("stochastic").at_least(10),
        Column::right("± with input").at_least(14),
        Column::right("± noise only").at_least(14),
    ]);
    for m in &r.measures {
        let name = if m.unit.is_empty() {
            m.measure.clone()
        } else {
            format!("{} [{}]", m.measure, m.unit)
        };
        let mean = format!("{:.4}", m.mean);
        if m.note.is_some() {
            measures.row([name, mean].into_iter().chain(["—"; 4].map(String::from)).collect());
            continue;
        }
        measures.row(vec![
            name,
            mean,
            format!("{:.1}%", 100.0 * m.input_share),
            format!("{:.1}%", 100.0 * m.stochastic_share),
            format!("{:.4}", m.half_width_with_input),
            format!("{:.4}", m.half_width_stochastic),
        ]);
    }
    out.push('\n');
    measures.write(&mut out);
    // Measures without a decomposition, one line per reason.
    let mut notes: Vec<(&str, Vec<&str>)> = Vec::new();
    for m in &r.measures {
        let Some(note) = m.note.as_deref() else { continue };
        match notes.iter_mut().find(|(n, _)| *n == note) {
            Some((_, names)) => names.push(&m.measure),
            None => notes.push((note, vec![&m.measure])),
        }
    }
    for (note, names) in notes {
        let _ = writeln!(
            out,
            "\n  — {}: no decomposition, {note}; leaving those macro-replications out would keep \
             only the inputs that delivered.",
            names.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "\n  input / stochastic: shares of one replication's variance (random effects, \
         replications as blocks).\n  ± with input: {c}% interval of a run's mean with inputs \
         fitted to data of this size;\n  ± noise only: {c}% interval of a run of {} replications \
         of one model.",
        r.replications,
        c = percent_number(r.confidence)
    );
    out
}

/// A `sensitivity` study, on its base experiment with the command line's overrides.
pub fn sensitivity(options: &Options, compiled: &Compiled, name: &str) -> ExitCode {
    let model = &compiled.model;
    let Some(study) = model.sensitivities.iter().find(|s| s.name == name) else {
        let known: Vec<&str> = model.sensitivities.iter().map(|s| s.name.as_str()).collect();
        errln!("error: no sensitivity study named `{name}` ({})", the_model_has(&known));
        return ExitCode::from(1);
    };
    let resolved = match resolve_base(model, study.base, options) {
        Ok(resolved) => resolved,
        Err(code) => return code,
    };
    let results = match with_progress(compiled, name, options.json, None, |progress| {
        designed::run_sensitivity(
            &resolved.model,
            study,
            &resolved.experiment,
            options.threads,
            progress,
        )
    }) {
        Ok(results) => results,
        Err(code) => return code,
    };
    let [document, factors, chart] = SENSITIVITY_FILES;
    let emitted = emit(
        options,
        &results,
        document,
        || sensitivity_table(&options.file, &results),
        || {
            vec![
                (factors, report::sensitivity_csv(&results)),
                (chart, report::sensitivity_svg(&results)),
            ]
        },
    );
    compiled.warn_points(&results.deadlocks, results.points * results.replications, "point");
    emitted
}

fn sensitivity_table(file: &str, r: &SensitivityResults) -> String {
    let mut out = String::new();
    let method = match r.method.as_str() {
        "oat" => "one factor at a time",
        "morris" => "Morris elementary effects",
        _ => "Sobol indices (Saltelli sampling)",
    };
    let _ = writeln!(
        out,
        "{file}: sensitivity {}, {method}, {} points × {}, seed {}\n",
        r.study,
        r.points,
        replications(r.replications),
        r.seed
    );
    for m in &r.measures {
        let unit = if m.unit.is_empty() { String::new() } else { format!(" [{}]", m.unit) };
        let _ = writeln!(out, "  {}{unit}  (reference {:.4})", m.measure, m.reference);
        match r.method.as_str() {
            method @ ("oat" | "morris") => {
                // Three numbers per factor; the one at `rank` orders the rows.
                type Cells = fn(&FactorSensitivity) -> [Option<f64>; 3];
                let (headers, cells, rank): ([&str; 3], Cells, usize) = if method == "oat" {
                    (["low", "high", "swing"], |f| [f.low, f.high, f.swing], 2)
                } else {
                    (["mu*", "mu", "sigma"], |f| [f.mu_star, f.mu, f.sigma], 0)
                };
                let columns = std::iter::once(Column::left("factor").after("    "))
                    .chain(headers.map(|header| Column::right(header).at_least(12)));
                let mut table = Table::new(columns.collect());
                let mut rows: Vec<_> = m.factors.iter().collect();
                let key = |f: &FactorSensitivity| cells(f)[rank].unwrap_or(0.0);
                rows.sort_by(|a, b| key(b).total_cmp(&key(a)));
                for f in rows {
                    let numbers = cells(f).map(|c| format!("{:.4}", c.unwrap_or(f64::NAN)));
                    table.row(std::iter::once(f.factor.clone()).chain(numbers).collect());
                }
                table.write(&mut out);
            }
            _ => {
                let mut table = Table::new(vec![
                    Column::left("factor").after("    "),
                    Column::right("first order").at_least(18),
                    Column::right("total").at_least(18),
                ]);
                let mut rows: Vec<_> = m.factors.iter().collect();
                let total = |f: &&FactorSensitivity| f.total.as_ref().map_or(0.0, |s| s.mean);
                rows.sort_by(|a, b| total(b).total_cmp(&total(a)));
                for f in rows {
                    // An index of a measure undefined in some run (a lead time where no part
                    // was delivered) is itself undefined.
                    let cell = |s: &Option<fab_runtime::results::Stat>| {
                        s.as_ref()
                            .map(|s| {
                                if s.mean.is_nan() {
                                    "n/a".to_string()
                                } else {
                                    format!("{:.3} ± {:.3}", s.mean, s.half_width)
                                }
                            })
                            .unwrap_or_default()
                    };
                    table.row(vec![f.factor.clone(), cell(&f.first), cell(&f.total)]);
                }
                table.write(&mut out);
                let _ =
                    writeln!(out, "    (± : {}% bootstrap interval)", percent_number(r.confidence));
            }
        }
        out.push('\n');
    }
    out
}

/// Selects the best of several experiments or scenarios by Kim and Nelson's fully sequential
/// procedure: every system runs replication r with its own seed (common random numbers when the
/// seeds are the same, independent runs otherwise, and the report says which), after its own
/// warm-up (`warmup = auto` detected once, as a plain run does), and systems are eliminated as
/// soon as they are clearly worse.
pub fn select(
    options: &Options,
    compiled: &Compiled,
    selection: &crate::run::Selection,
) -> ExitCode {
    let model = &compiled.model;
    let Some(measured) = designed::measure(&selection.measure) else {
        let names: Vec<&str> = designed::measures().map(|m| m.name()).collect();
        errln!("error: no measure `{}`; use one of {}", selection.measure, names.join(", "));
        return ExitCode::from(2);
    };
    let (measure, unit, maximize) =
        (measured.name(), measured.unit(), measured.decl.larger_is_better);
    let mut studies = Vec::new();
    for name in &selection.names {
        match Study::resolve(model, Some(name), &options.overrides) {
            Ok(study) => match crate::run::runs_alone(&study, "select among") {
                Some(why) => {
                    errln!("error: {why}");
                    return ExitCode::from(2);
                }
                None => studies.push(study),
            },
            Err(error) => return crate::run::resolve_failed(&error, model),
        }
    }
    // `warmup = auto`, detected once per system as a plain run of it detects it, then held for
    // its sequential replications (a run of one replication cannot detect it: `simulate` alone
    // ran such a system with no warm-up at all).
    let mut detections = Vec::with_capacity(studies.len());
    for (study, name) in studies.iter_mut().zip(&selection.names) {
        match study.settle_warmup(options.threads) {
            Ok(detection) => detections.push(detection),
            Err(error) => {
                compiled.report_in(&error, Some(&format!("`{name}`")));
                return ExitCode::from(1);
            }
        }
    }
    // The systems draw common random numbers when they share a seed, as `--compare` reports.
    let common_random_numbers =
        studies.iter().all(|s| s.experiment.seed == studies[0].experiment.seed);
    let first_stage = studies[0].experiment.replications.max(2) as usize;
    let max_replications = studies[0]
        .experiment
        .max_replications
        .unwrap_or(fab_runtime::experiment::DEFAULT_MAX_REPLICATIONS)
        .max(first_stage as u32) as usize;
    let procedure = match KimNelson::new(
        studies.len(),
        first_stage,
        selection.pcs,
        selection.indifference,
        maximize,
    ) {
        Ok(procedure) => procedure.with_max_replications(max_replications),
        Err(why) => {
            errln!("error: {why}");
            return ExitCode::from(2);
        }
    };
    let mut procedure = procedure;
    let mut taken = vec![0u32; studies.len()];
    // The replications that came to a standstill, by system.
    let mut stopped: Vec<(usize, Deadlock)> = Vec::new();
    // A round runs at most one replication of every system.
    let pool = match fab_runtime::experiment::pool(options.threads, studies.len()) {
        Ok(pool) => pool,
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    while !procedure.done() {
        let needs = procedure.needs();
        if needs.is_empty() {
            break;
        }
        // One replication of every system that needs one, in parallel; observed in system order.
        let one = |&system: &usize| {
            let study = &studies[system];
            simulate(&study.model, &study.experiment, taken[system]).map(|r| {
                (measured.stat(&r).values.first().copied().unwrap_or(f64::NAN), r.deadlocks)
            })
        };
        let runs = fab_runtime::experiment::map_runs(pool.as_ref(), 0..needs.len() as u32, |i| {
            one(&needs[i as usize])
        });
        for (&system, run) in needs.iter().zip(runs) {
            match run {
                // Only a measure of the parts delivered has no value (every other output is
                // checked finite as its run ends): a mean over replications that include one is
                // undefined, so there is nothing to rank the system by.
                Ok((value, _)) if value.is_nan() => {
                    errln!(
                        "error: `{}` delivered no part in its replication {}, so its {measure} \
                         is undefined and the systems cannot be ranked on it: select on a \
                         measure every run has (throughput, wip, …), or leave `{}` out",
                        selection.names[system],
                        taken[system] + 1,
                        selection.names[system]
                    );
                    return ExitCode::from(1);
                }
                Ok((value, deadlocks)) => {
                    procedure.observe(system, value);
                    taken[system] += 1;
                    stopped.extend(deadlocks.into_iter().map(|deadlock| (system, deadlock)));
                }
                Err(error) => {
                    compiled.report_in(&error, Some(&format!("`{}`", selection.names[system])));
                    return ExitCode::from(1);
                }
            }
        }
    }
    let outcome = procedure.outcome();
    // Every output was finite (each run's results are checked), but the procedure sums them: a
    // sum beyond the largest f64 compares as infinite or NaN and screens wrongly. Refused as a
    // run's statistic would be (E0909), rather than a pick made on it.
    if let Some(i) = outcome.means.iter().position(|mean| !mean.is_finite()) {
        compiled.report(&fab_runtime::engine::RunError::NotFinite {
            path: vec!["systems".to_string(), selection.names[i].clone()],
            number: fab_runtime::results::NumberOf::Mean,
            value: outcome.means[i],
        });
        return ExitCode::from(1);
    }
    let mut document = serde_json::json!({
        "procedure": if common_random_numbers {
            "Kim-Nelson (KN), common random numbers"
        } else {
            "Kim-Nelson (KN), independent runs"
        },
        "common_random_numbers": common_random_numbers,
        "measure": measure,
        "unit": unit,
        "maximize": maximize,
        "indifference": selection.indifference,
        "probability_of_correct_selection": selection.pcs,
        "guaranteed": outcome.guaranteed,
        "best": selection.names[outcome.best],
        "systems": selection.names.iter().enumerate().map(|(i, name)| serde_json::json!({
            "name": name,
            "mean": outcome.means[i],
            "replications": outcome.replications[i],
            "eliminated_at": outcome.eliminated.iter().find(|(s, _)| *s == i).map(|(_, r)| *r),
            "warmup_s": studies[i].experiment.warmup,
            "warmup_detection": detections[i],
        })).collect::<Vec<_>>(),
    });
    if !stopped.is_empty() {
        let deadlocks: Vec<SystemDeadlock> = stopped
            .iter()
            .map(|(system, deadlock)| SystemDeadlock {
                system: selection.names[*system].clone(),
                deadlock: deadlock.clone(),
            })
            .collect();
        document["deadlocks"] = serde_json::json!(deadlocks);
    }
    let table = || {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: selecting the {} {measure} among {} (Kim–Nelson, {})\n",
            options.file,
            if maximize { "largest" } else { "smallest" },
            selection.names.join(", "),
            if common_random_numbers {
                "common random numbers"
            } else {
                "independent runs: different seeds, no common random numbers"
            }
        );
        let warmups: Vec<String> = studies
            .iter()
            .zip(&detections)
            .map(|(study, detection)| {
                let warmup = duration(study.experiment.warmup);
                match detection {
                    Some(d) if d.reliable => format!("{warmup} ({})", d.method),
                    Some(d) => format!("{warmup} ({}, unreliable)", d.method),
                    None => warmup,
                }
            })
            .collect();
        let mut table = Table::new(vec![
            Column::left("system"),
            Column::right(format!("mean {unit}")).at_least(14),
            Column::right("replications").at_least(12),
            Column::left("warm-up"),
            Column::left("status"),
        ]);
        for (i, (name, warmup)) in selection.names.iter().zip(warmups).enumerate() {
            let status = if i == outcome.best {
                "◀ best".to_string()
            } else if let Some((_, r)) = outcome.eliminated.iter().find(|(s, _)| *s == i) {
                format!("eliminated after {r} replications")
            } else {
                "not eliminated".to_string()
            };
            table.row(vec![
                name.clone(),
                format!("{:.4}", outcome.means[i]),
                outcome.replications[i].to_string(),
                warmup,
                status,
            ]);
        }
        table.write(&mut out);
        let _ = writeln!(
            out,
            "\n  {}",
            if outcome.guaranteed {
                format!(
                    "`{}` is the best with probability ≥ {} when the best is better than the \
                     others by at least {} {unit}.",
                    selection.names[outcome.best], selection.pcs, selection.indifference
                )
            } else {
                format!(
                    "stopped at the maximum of {max_replications} replications: `{}` has the \
                     best sample mean, but the probability guarantee does not hold (raise \
                     `max_replications` or the indifference zone).",
                    selection.names[outcome.best]
                )
            }
        );
        out
    };
    let [json] = SELECTION_FILES;
    let emitted = emit(options, &document, json, table, Vec::new);
    let labelled: Vec<_> = stopped
        .iter()
        .map(|(system, deadlock)| (Some(format!("`{}`", selection.names[*system])), deadlock))
        .collect();
    compiled.print_warnings(&labelled, taken.iter().sum());
    emitted
}
