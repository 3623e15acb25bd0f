//! `fab fit`: fit distribution families to one column of a CSV file and report the ranking, the
//! estimates with their standard errors, the goodness of fit and the `.fab` expression to paste;
//! optionally as JSON, and with a histogram, a Q–Q and a P–P plot as SVG.
//!
//! The work is done elsewhere: the CSV column is read by `fab_compiler::data` (the reader models
//! use), the fits and statistics come from `fab_stdlib::fit`, the pictures are drawn by
//! `fab_runtime::chart`. This module parses the arguments, prints and writes files. Exit codes:
//! 0 fitted, 1 the data cannot be fitted (a bad cell, an empty or constant column, too few
//! values, no family applies), 2 a usage or IO error (unreadable file, unknown column, family or
//! unit).

use crate::table::{Column, Table};
use fab_compiler::data::observation_rows;
use fab_compiler::db::{FileSystem, OsFileSystem};
use fab_runtime::chart::{Bin, Chart, PALETTE, Series};
use fab_stdlib::fit::gof::{self, GoodnessOfFit, Test};
use fab_stdlib::fit::{
    self, Criterion, Family, Fit, FitOptions, Observation, Ranking, Sample, significant,
};
use fab_stdlib::units::{self, Dimension};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::process::ExitCode;

/// What `fab fit` was asked.
pub struct Options {
    pub file: String,
    pub column: Option<String>,
    pub unit: Option<String>,
    pub censored: Option<String>,
    pub families: Vec<String>,
    pub criterion: Criterion,
    pub plot: Option<String>,
    pub json: bool,
    pub bootstrap: usize,
    pub seed: u64,
}

/// One fitted family with its goodness of fit.
struct Assessed {
    fit: Fit,
    goodness: GoodnessOfFit,
    /// Bootstrap p-values `(KS, AD)`, when asked for.
    bootstrap: Option<(Test, Option<Test>)>,
}

pub fn run(options: Options) -> ExitCode {
    match fit_file(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            errln!("{message}");
            ExitCode::from(code)
        }
    }
}

fn fit_file(options: &Options) -> Result<(), (u8, String)> {
    let usage = |message: String| (2, format!("error: {message}"));
    let text = read_data(&options.file).map_err(usage)?;
    let column = match &options.column {
        Some(column) => column.clone(),
        // An empty file has no column to name: reading it says so, naming the file.
        None if fab_compiler::data::lines(&text).next().is_none() => String::new(),
        None => only_column(&text).map_err(usage)?,
    };
    let (dimension, unit) = match &options.unit {
        Some(unit) => (parse_unit(unit).map_err(usage)?, unit.trim().to_string()),
        None => (Dimension::NONE, String::new()),
    };
    let non_negative = fab_compiler::eval::is_non_negative(dimension);
    let families = select_families(&options.families).map_err(usage)?;

    let read =
        observation_rows(&text, &column, options.censored.as_deref()).map_err(|problem| {
            // A missing column is a usage error; a bad cell is a problem of the data.
            let code = if problem.message.starts_with("no column") { 2 } else { 1 };
            (
                code,
                format!("error: {}: {}\n  help: {}", options.file, problem.message, problem.help),
            )
        })?;
    // The first row below 0 of a quantity that cannot be negative: the fits are then not held at
    // or above 0, which went unsaid.
    let negative =
        read.iter().find(|(_, o)| non_negative && o.value < 0.0).map(|(r, o)| (*r, o.value));
    let read: Vec<Observation> = read.into_iter().map(|(_, o)| o).collect();
    let sample = Sample::new(&read)
        .map_err(|error| (1, format!("error: {}, column `{column}`: {error}", options.file)))?;
    if options.bootstrap > 0 && !sample.is_complete() {
        // It was ignored silently: the report looked as if the p-values had been bootstrapped.
        return Err(usage(format!(
            "{}, column `{column}`: `--bootstrap` cannot be used with censored values\n  help: \
             A parametric bootstrap would have to redraw the censoring too, and no table applies \
             to a censored sample: its KS distance is reported without a p-value. Leave out \
             `--bootstrap`.",
            options.file
        )));
    }
    let (mean, sd, _, median, _) = summary(sample.failures());
    if !(mean.is_finite() && sd.is_finite() && median.is_finite()) {
        return Err((
            1,
            format!(
                "error: {}, column `{column}`: the values are too large to summarise (their \
                 mean or sd exceeds the largest number, about 1.8e308)\n  help: Express them in a \
                 larger unit.",
                options.file
            ),
        ));
    }
    let ranking =
        fit::fit_all(&sample, &FitOptions { families, non_negative, criterion: options.criterion });
    if ranking.fits.is_empty() {
        let mut message =
            format!("error: {}, column `{column}`: no candidate family applies", options.file);
        for skipped in &ranking.skipped {
            let _ = write!(message, "\n  {}: {}", skipped.family.label(), skipped.reason);
        }
        return Err((1, message));
    }
    let assessed: Vec<Assessed> = ranking
        .fits
        .iter()
        .map(|fit| Assessed {
            goodness: gof::goodness_of_fit(&sample, fit),
            bootstrap: gof::bootstrap(&sample, fit, non_negative, options.bootstrap, options.seed),
            fit: fit.clone(),
        })
        .collect();

    let written = match &options.plot {
        Some(dir) => {
            let charts = plots(&sample, &assessed, &column, &unit);
            crate::run::write_plots("`fab fit`", dir, charts, &options.file).map_err(usage)?
        }
        None => Vec::new(),
    };
    let context = Context { options, column: &column, unit: &unit, sample: &sample, negative };
    if options.json {
        let document = json_document(&context, &ranking, &assessed, &written);
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        write_stdout(&text);
    } else {
        write_stdout(&text_report(&context, &ranking, &assessed));
        if !written.is_empty() {
            errln!("wrote {}", written.join(", "));
        }
    }
    Ok(())
}

/// The text of the data file at `path`, read as a model reads its data ([`OsFileSystem`]): a
/// regular file of at most 1 GiB of UTF-8 text, or why not, in a message naming the file. A pipe
/// or a device is refused before it is opened (a FIFO would wait for a writer, `/dev/zero` never
/// ends).
pub(crate) fn read_data(path: &str) -> Result<String, String> {
    OsFileSystem.read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))
}

/// Writes to stdout, ignoring a reader that went away (`fab fit … | head`) instead of panicking.
pub(crate) fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

/// The header's only column, when there is exactly one.
fn only_column(text: &str) -> Result<String, String> {
    let header = fab_compiler::data::lines(text).next().map_or("", |(_, line)| line);
    // A header that cannot be read is reported by reading the column.
    let Ok(names) = fab_compiler::data::cells(header) else { return Ok(String::new()) };
    match names.as_slice() {
        [one] if !one.is_empty() => Ok(one.to_string()),
        _ => Err(format!(
            "name the column to fit with `--column`; the columns are: {}",
            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The dimension of a unit expression such as `s`, `min`, `m/s` or `m/s^2`.
pub(crate) fn parse_unit(text: &str) -> Result<Dimension, String> {
    let mut dimension = Dimension::NONE;
    let mut divide = false;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err("`--unit` needs a unit, e.g. `s` or `min`".to_string());
    }
    loop {
        let end = rest.find(['/', '*']).unwrap_or(rest.len());
        let (factor, power) = match rest[..end].trim().split_once('^') {
            Some((name, power)) => (name.trim(), power.trim().parse::<i32>().ok()),
            None => (rest[..end].trim(), Some(1)),
        };
        let Some(power) = power else {
            return Err(format!("`{text}` is not a unit expression (powers are whole numbers)"));
        };
        let Some(unit) = units::lookup(factor) else {
            let names = units::UNITS.iter().map(|u| u.name);
            let hint = fab_compiler::suggest::did_you_mean(factor, names)
                .map(|best| format!("; did you mean `{best}`?"))
                .unwrap_or_default();
            return Err(format!("`{factor}` is not a unit{hint}"));
        };
        let part = unit.dimension.powi(power);
        dimension = if divide { dimension / part } else { dimension * part };
        if end == rest.len() {
            return Ok(dimension);
        }
        divide = rest.as_bytes()[end] == b'/';
        rest = &rest[end + 1..];
    }
}

/// The families `--families` names (every family when the flag is not given), or which name is
/// unknown, or that it names none (`--families ,`, `--families ""`): as a model's `families = []`
/// (E0403), that is refused rather than taken for every family.
fn select_families(names: &[String]) -> Result<Vec<Family>, String> {
    let known = || Family::names().collect::<Vec<_>>().join(", ");
    if !names.is_empty() && names.iter().all(|name| name.trim().is_empty()) {
        let help = Family::none_named_help("`--families`", "`--families weibull,lognormal`");
        return Err(format!(
            "`--families` names no family (`fab fit` fits {})\n  help: {help}",
            known()
        ));
    }
    let mut out = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        match Family::select(name) {
            Some(families) => out.extend(families),
            None => {
                let hint = fab_compiler::suggest::did_you_mean(name, Family::names())
                    .map(|best| format!("; did you mean `{best}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "`{name}` is not a family `fab fit` knows{hint} (it fits {})",
                    known()
                ));
            }
        }
    }
    Ok(out)
}

/// What every part of the report needs to know.
struct Context<'a> {
    options: &'a Options,
    column: &'a str,
    unit: &'a str,
    sample: &'a Sample,
    /// The first row whose value is below 0 though the unit's quantity cannot be negative, and
    /// that value.
    negative: Option<(usize, f64)>,
}

impl Context<'_> {
    /// `value` with the unit, to 4 significant digits.
    fn quantity(&self, value: f64) -> String {
        if self.unit.is_empty() {
            significant(value, 4)
        } else {
            format!("{} {}", significant(value, 4), self.unit)
        }
    }
}

/// Mean, sd (divisor n − 1), minimum, median and maximum of the observed values.
fn summary(values: &[f64]) -> (f64, f64, f64, f64, f64) {
    let n = values.len() as f64;
    let (mean, sd) = fit::mean_and_sd(values);
    let sd = sd * (n / (n - 1.0).max(1.0)).sqrt();
    let sorted = values; // the sample keeps them sorted
    let middle = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        0.5 * (sorted[middle - 1] + sorted[middle])
    };
    // The middle of two values near `f64::MAX` is their sum halved: halve first.
    let median =
        if median.is_finite() { median } else { 0.5 * sorted[middle - 1] + 0.5 * sorted[middle] };
    (mean, sd, sorted[0], median, sorted[sorted.len() - 1])
}

/// The p-values to show for a fit: the bootstrap ones when computed.
fn shown_tests(a: &Assessed) -> (Test, Option<Test>) {
    match &a.bootstrap {
        Some((ks, ad)) => (*ks, *ad),
        None => (a.goodness.kolmogorov_smirnov, a.goodness.anderson_darling),
    }
}

pub(crate) fn p_text(p: Option<f64>) -> String {
    match p {
        None => "–".to_string(),
        Some(p) if p < 0.001 => "<0.001".to_string(),
        Some(p) => format!("{p:.3}"),
    }
}

fn text_report(context: &Context, ranking: &Ranking, assessed: &[Assessed]) -> String {
    let mut out = String::new();
    let sample = context.sample;
    let unit_note =
        if context.unit.is_empty() { String::new() } else { format!(" ({})", context.unit) };
    let counts = if sample.is_complete() {
        format!("{} values", sample.len())
    } else {
        format!(
            "{} values: {} failures, {} censored",
            sample.len(),
            sample.failures().len(),
            sample.censored_values().len()
        )
    };
    let _ = writeln!(
        out,
        "fit {}, column `{}`{unit_note}: {counts}",
        context.options.file, context.column
    );
    let (mean, sd, min, median, max) = summary(sample.failures());
    let observed = if sample.is_complete() { "" } else { "failures: " };
    let _ = writeln!(
        out,
        "  {observed}mean {}, sd {}, min {}, median {}, max {}\n",
        context.quantity(mean),
        context.quantity(sd),
        context.quantity(min),
        context.quantity(median),
        context.quantity(max)
    );

    let criterion = ranking.criterion.name();
    // Each column as wide as its widest cell: a criterion of 1e300 widens its column instead of
    // pushing the next ones out of line.
    let mut table = Table::new(vec![
        Column::right("#").at_least(2).after(" "),
        Column::left("family").at_least(24),
        Column::right(criterion).at_least(10).after(" "),
        Column::right(format!("Δ{criterion}")).at_least(7).after(" "),
        Column::right("weight").at_least(6).after(" "),
        Column::right(other(ranking.criterion)).at_least(10).after(" "),
        Column::right("log L").at_least(10).after(" "),
        Column::right("KS p").at_least(7).after(" "),
        Column::right("AD p").at_least(7).after(" "),
        Column::right("χ² p").at_least(7).after(" "),
    ]);
    let deltas = ranking.deltas();
    let weights = ranking.weights();
    for (index, a) in assessed.iter().enumerate() {
        let (ks, ad) = shown_tests(a);
        let chi = a.goodness.chi_square.and_then(|c| c.p_value);
        let fit = &a.fit;
        // A fit the criterion does not compare with the best has no difference nor weight.
        let (delta, weight) = match weights[index] {
            Some(weight) => (format!("{:.2}", deltas[index]), format!("{weight:.3}")),
            None => ("–".to_string(), "–".to_string()),
        };
        let other = match ranking.criterion {
            Criterion::Aic => fit.bic,
            Criterion::Bic => fit.aic,
        };
        table.row(vec![
            (index + 1).to_string(),
            fit.family.label().to_string(),
            format!("{:.2}", ranking.criterion.of(fit)),
            delta,
            weight,
            format!("{other:.2}"),
            format!("{:.2}", fit.log_likelihood),
            p_text(ks.p_value),
            p_text(ad.and_then(|t| t.p_value)),
            p_text(chi),
        ]);
    }
    table.write(&mut out);
    let uncompared: Vec<&str> = (0..ranking.fits.len())
        .filter(|&i| !ranking.is_compared(i))
        .map(|i| ranking.fits[i].family.label())
        .collect();
    if !uncompared.is_empty() {
        let _ = writeln!(
            out,
            "\n  not compared by {criterion}: {} (their support's ends are fitted at the sample's \
             extremes, so their likelihood is not regular; they are listed after the others and \
             chosen only when no other family applies or is asked for)",
            uncompared.join(", ")
        );
    }
    if !ranking.skipped.is_empty() {
        let _ = writeln!(out, "\n  left out:");
        for skipped in &ranking.skipped {
            let _ = writeln!(out, "    {}: {}", skipped.family.label(), skipped.reason);
        }
    }

    let best = &assessed[0];
    let fit = &best.fit;
    let _ = writeln!(out, "\nbest by {criterion}: {}", fit.family.label());
    for (index, parameter) in fit.parameters.iter().enumerate() {
        let shown = |value: f64| {
            if fit.family.parameter_has_unit(index) {
                context.quantity(value)
            } else {
                significant(value, 4)
            }
        };
        let mut line = format!("  {:<9} = {}", parameter.name, shown(parameter.value));
        if let Some(se) = parameter.standard_error {
            let unit = if fit.family.parameter_has_unit(index) && !context.unit.is_empty() {
                format!(" {}", context.unit)
            } else {
                String::new()
            };
            let value = if unit.is_empty() {
                shown(parameter.value)
            } else {
                significant(parameter.value, 4)
            };
            line = format!("  {:<9} = {value} ± {}{unit}", parameter.name, significant(se, 2));
            if let Some((low, high)) = fit.confidence_interval(parameter.name, 0.95) {
                let _ = write!(line, "   95 % CI {} to {}", shown(low), shown(high));
            }
        } else if let Some(reason) = fit.missing_standard_error(index) {
            let _ = write!(line, "   (no standard error: {reason})");
        }
        let _ = writeln!(out, "{line}");
    }
    let (ks, ad) = shown_tests(best);
    let mut tests =
        vec![format!("KS D = {} (p {})", significant(ks.statistic, 3), p_text(ks.p_value))];
    if let Some(ad) = ad {
        tests.push(format!("AD A² = {} (p {})", significant(ad.statistic, 3), p_text(ad.p_value)));
    }
    if let Some(chi) = best.goodness.chi_square {
        let statistic = significant(chi.statistic, 3);
        tests.push(if chi.degrees_of_freedom == 0 {
            // Too few bins for the fitted parameters: there is no test to show.
            format!(
                "χ² = {statistic} on {} bins, no test (the {} fitted parameters leave no degrees \
                 of freedom)",
                chi.bins,
                fit.parameter_count()
            )
        } else {
            format!(
                "χ² = {statistic} on {} bins, {} df (p {})",
                chi.bins,
                chi.degrees_of_freedom,
                p_text(chi.p_value)
            )
        });
    }
    let _ = writeln!(out, "  {}", tests.join(", "));

    let _ = writeln!(out, "\npaste into a model:\n  {}", fit.expression(context.unit));
    let unit_argument = if context.unit.is_empty() {
        String::new()
    } else {
        format!(", unit = 1 {}", context.unit)
    };
    // A model's `fit(…)` reads every value of the column as a failure: offered for a censored
    // sample, it refitted the law to the censored values as if they were lives, which shortens
    // them, so it is not offered, and the line says why.
    if context.sample.is_complete() {
        let _ = writeln!(
            out,
            "  or, refitted when the model is checked: fit(\"{}\", column = \"{}\"{unit_argument})",
            context.options.file, context.column
        );
    } else {
        let _ = writeln!(
            out,
            "  (not as `fit(…)` in a model: it reads every value of the column as a failure, so it \
             would take the {} censored values for lives)",
            context.sample.censored_values().len()
        );
    }

    for warning in warnings(context, ranking, best) {
        let _ = writeln!(out, "\nwarning: {warning}");
    }
    let _ = writeln!(out, "\nnote: {}", p_value_note(context.sample, assessed));
    out
}

/// A value below 0 of a quantity that cannot be negative, the ranking's warnings, and one when
/// the best fit fails its goodness-of-fit tests.
fn warnings(context: &Context, ranking: &Ranking, best: &Assessed) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some((row, value)) = context.negative {
        out.push(format!(
            "row {row}, column `{}`: {} is below 0, but a quantity in {} cannot be negative, so \
             the fits are not held at or above 0 (check that row, or leave out `--unit` if the \
             quantity can be negative)",
            context.column,
            context.quantity(value),
            context.unit
        ));
    }
    out.extend(ranking.warnings.iter().map(|w| w.message()));
    let (ks, ad) = shown_tests(best);
    let rejections = best.goodness.rejections(&ks, ad.as_ref());
    out.extend(gof::rejection_warning(best.fit.family.label(), &rejections));
    out
}

/// The other criterion's name.
fn other(criterion: Criterion) -> &'static str {
    match criterion {
        Criterion::Aic => "BIC",
        Criterion::Bic => "AIC",
    }
}

/// What the p-values are worth, in words.
fn p_value_note(sample: &Sample, assessed: &[Assessed]) -> String {
    if !sample.is_complete() {
        return "with censored values, KS is the largest gap between the Kaplan–Meier estimate and \
                the fitted distribution function, without a p-value (no table applies); AD and χ² \
                are not computed."
            .to_string();
    }
    if assessed.iter().any(|a| a.bootstrap.is_some()) {
        return "KS and AD p-values are from a parametric bootstrap (samples drawn from each fit and \
                refitted), so they account for the parameters being estimated from these data; χ² \
                p-values use k − 1 − p degrees of freedom."
            .to_string();
    }
    "KS and AD p-values treat the parameters as known (Marsaglia–Tsang–Wang 2003, Marsaglia & \
     Marsaglia 2004), but they were estimated from these data, so those p-values are too large; \
     the normal and lognormal AD p-values use D'Agostino & Stephens' formula for estimated \
     parameters. `--bootstrap 1000` gives p-values that account for the estimation."
        .to_string()
}

fn test_json(test: &Test) -> Value {
    json!({
        "statistic": test.statistic,
        "p_value": test.p_value,
        "p_value_basis": test.basis.key(),
    })
}

fn json_document(
    context: &Context,
    ranking: &Ranking,
    assessed: &[Assessed],
    written: &[String],
) -> Value {
    let sample = context.sample;
    let (mean, sd, min, median, max) = summary(sample.failures());
    let deltas = ranking.deltas();
    let weights = ranking.weights();
    let unit = (!context.unit.is_empty()).then_some(context.unit);
    let fits: Vec<Value> = assessed
        .iter()
        .enumerate()
        .map(|(index, a)| {
            let fit = &a.fit;
            let parameters: Vec<Value> = fit
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    json!({
                        "name": p.name,
                        "value": p.value,
                        "standard_error": p.standard_error,
                        "ci95": fit.confidence_interval(p.name, 0.95).map(|(l, h)| [l, h]),
                        "unit": if fit.family.parameter_has_unit(i) { unit } else { None },
                    })
                })
                .collect();
            let (ks, ad) = shown_tests(a);
            json!({
                "rank": index + 1,
                "family": fit.family.key(),
                "language_family": fit.family.language_name(),
                "label": fit.family.label(),
                "parameters": parameters,
                "covariance": fit.covariance,
                "log_likelihood": fit.log_likelihood,
                "aic": fit.aic,
                "bic": fit.bic,
                "delta": weights[index].map(|_| deltas[index]),
                "weight": weights[index],
                "expression": fit.expression(context.unit),
                "distribution": fit.distribution,
                "goodness_of_fit": {
                    "kolmogorov_smirnov": test_json(&ks),
                    "anderson_darling": ad.as_ref().map(test_json),
                    "chi_square": a.goodness.chi_square.map(|c| json!({
                        "statistic": c.statistic,
                        "bins": c.bins,
                        "degrees_of_freedom": c.degrees_of_freedom,
                        "p_value": c.p_value,
                    })),
                },
            })
        })
        .collect();
    json!({
        "file": context.options.file,
        "column": context.column,
        "unit": unit,
        "observations": sample.len(),
        "failures": sample.failures().len(),
        "censored": sample.censored_values().len(),
        "summary": { "mean": mean, "sd": sd, "min": min, "median": median, "max": max },
        "criterion": ranking.criterion.name().to_lowercase(),
        "best": ranking.best().map(|f| f.family.key()),
        "fits": fits,
        "skipped": ranking.skipped.iter().map(|s| json!({
            "family": s.family.key(),
            "reason": s.reason,
        })).collect::<Vec<_>>(),
        "warnings": warnings(context, ranking, &assessed[0]),
        "p_values": p_value_note(sample, assessed),
        "plots": written,
    })
}

/// How many families the plots compare: the best few.
const PLOTTED: usize = 4;

/// Plotting positions `(value, p)` of the failures: `(i − ½)/n` for a complete sample; for a
/// censored one, the middle of each Kaplan–Meier step, one point per distinct failure value.
fn plotting_positions(sample: &Sample) -> Vec<(f64, f64)> {
    if sample.is_complete() {
        let n = sample.len() as f64;
        return sample
            .failures()
            .iter()
            .enumerate()
            .map(|(i, &x)| (x, (i as f64 + 0.5) / n))
            .collect();
    }
    let mut before = 1.0;
    gof::kaplan_meier(sample)
        .into_iter()
        .map(|(t, survival)| {
            let p = 1.0 - 0.5 * (before + survival);
            before = survival;
            (t, p)
        })
        .collect()
}

/// The histogram, Q–Q and P–P plots, as `(file name, SVG)`.
fn plots(
    sample: &Sample,
    assessed: &[Assessed],
    column: &str,
    unit: &str,
) -> Vec<(String, String)> {
    let failures = sample.failures();
    let axis = if unit.is_empty() { column.to_string() } else { format!("{column} ({unit})") };
    let shown: Vec<&Assessed> = assessed.iter().take(PLOTTED).collect();
    let described = if sample.is_complete() {
        format!("{} values", failures.len())
    } else {
        format!(
            "{} failures and {} censored values",
            failures.len(),
            sample.censored_values().len()
        )
    };
    let best = |k: usize| match k {
        1 => "the best fit".to_string(),
        k => format!("the {k} best fits"),
    };
    let mut subtitle = format!("{described}; {}", best(shown.len()));
    if !sample.is_complete() {
        subtitle.push_str(" (the histogram shows failures only)");
    }

    // Histogram: Freedman–Diaconis bin width, 5 to 60 bins, as a density.
    let n = failures.len();
    let (low, high) = (failures[0], failures[n - 1]);
    let iqr = failures[(3 * n) / 4] - failures[n / 4];
    let width =
        if iqr > 0.0 { 2.0 * iqr / (n as f64).cbrt() } else { (high - low) / (n as f64).sqrt() };
    let bins = (((high - low) / width).ceil() as usize).clamp(5, 60);
    let width = (high - low) / bins as f64;
    let mut counts = vec![0usize; bins];
    for &x in failures {
        counts[(((x - low) / width) as usize).min(bins - 1)] += 1;
    }
    let histogram: Vec<Bin> = counts
        .iter()
        .enumerate()
        .map(|(i, &count)| Bin {
            low: low + width * i as f64,
            high: low + width * (i + 1) as f64,
            height: count as f64 / (n as f64 * width),
        })
        .collect();
    let tallest = histogram.iter().map(|b| b.height).fold(0.0, f64::max);
    let margin = 0.1 * (high - low);
    let mut chart = Chart::new(format!("Histogram of {column} with fitted densities"));
    chart.subtitle = subtitle.clone();
    chart.x_label = axis.clone();
    chart.y_label = "density".to_string();
    chart.y_range = Some((0.0, 1.35 * tallest));
    chart.x_range = Some((low - margin, high + margin));
    chart.series.push(Series::Histogram {
        label: "observed".to_string(),
        bins: histogram,
        colour: "#7f7f7f".to_string(),
    });
    for (i, a) in shown.iter().enumerate() {
        let points: Vec<(f64, f64)> = (0..=240)
            .map(|k| {
                let x = low - margin + (high - low + 2.0 * margin) * k as f64 / 240.0;
                (x, a.fit.density(x))
            })
            .collect();
        chart.series.push(Series::Line {
            label: format!("{} (#{})", a.fit.family.label(), i + 1),
            points,
            colour: PALETTE[i].to_string(),
            dashed: i > 0,
        });
    }
    let histogram_svg = chart.svg();

    // Q–Q: fitted quantiles against observed values; P–P: fitted against empirical probabilities.
    let positions = plotting_positions(sample);
    let mut qq = Chart::new(format!("Q–Q plot of {column}"));
    let compared = shown.len().min(3);
    qq.subtitle = format!(
        "{described}; {}; {}",
        best(compared),
        if sample.is_complete() {
            "on the dashed line where the fit is exact"
        } else {
            "Kaplan–Meier plotting positions"
        }
    );
    qq.x_label = format!(
        "fitted quantile{}",
        if unit.is_empty() { String::new() } else { format!(" ({unit})") }
    );
    qq.y_label = format!("observed {axis}");
    let mut pp = Chart::new(format!("P–P plot of {column}"));
    pp.subtitle = qq.subtitle.clone();
    pp.x_label = "empirical probability".to_string();
    pp.y_label = "fitted probability".to_string();
    pp.x_range = Some((0.0, 1.0));
    pp.y_range = Some((0.0, 1.0));
    let (mut lowest, mut highest) = (low, high);
    for (i, a) in shown.iter().enumerate().take(3) {
        let law = a.fit.law().sampler();
        let quantiles: Vec<(f64, f64)> =
            positions.iter().map(|&(x, p)| (law.quantile(p), x)).collect();
        for &(q, _) in &quantiles {
            if q.is_finite() {
                lowest = lowest.min(q);
                highest = highest.max(q);
            }
        }
        let label = format!("{} (#{})", a.fit.family.label(), i + 1);
        qq.series.push(Series::Scatter {
            label: label.clone(),
            points: quantiles,
            colour: PALETTE[i].to_string(),
        });
        pp.series.push(Series::Scatter {
            label,
            points: positions.iter().map(|&(x, p)| (p, law.cdf(x))).collect(),
            colour: PALETTE[i].to_string(),
        });
    }
    qq.series.push(Series::Reference {
        label: "y = x".to_string(),
        from: (lowest, lowest),
        to: (highest, highest),
    });
    pp.series.push(Series::Reference {
        label: "y = x".to_string(),
        from: (0.0, 0.0),
        to: (1.0, 1.0),
    });
    vec![
        ("histogram.svg".to_string(), histogram_svg),
        ("qq.svg".to_string(), qq.svg()),
        ("pp.svg".to_string(), pp.svg()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_families_from_arguments() {
        assert_eq!(parse_unit("s"), Ok(Dimension::TIME));
        assert_eq!(parse_unit("m/s"), Ok(Dimension::VELOCITY));
        assert_eq!(parse_unit("m/s^2"), Ok(Dimension::ACCELERATION));
        assert_eq!(parse_unit("kWh"), Ok(Dimension::ENERGY));
        assert!(parse_unit("minn").unwrap_err().contains("did you mean `min`?"));
        assert_eq!(parse_unit("sec"), Err("`sec` is not a unit".to_string()));
        assert!(parse_unit("m/s^x").is_err());
        assert_eq!(
            select_families(&["weibull".to_string(), "gamma".to_string()]),
            Ok(vec![Family::Weibull, Family::Weibull3, Family::Gamma])
        );
        assert!(select_families(&["lognromal".to_string()]).unwrap_err().contains("`lognormal`"));
        assert_eq!(only_column("weld_s\n1\n"), Ok("weld_s".to_string()));
        assert!(only_column("a,b\n1,2\n").unwrap_err().contains("`a`, `b`"));
    }
}
