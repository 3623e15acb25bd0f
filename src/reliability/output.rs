//! What `fab reliability` prints and draws: the text report, the JSON document, and the Weibull
//! probability, hazard and cumulative hazard plots.

use super::input::Loaded;
use super::{DETAILED_GROUPS, Group, Options};
use crate::table::{Column, Table, counted};
use fab_runtime::chart::{Chart, PALETTE, Series};
use fab_stdlib::fit::reliability::{self, Estimate};
use fab_stdlib::fit::{self, Family, Fit, significant};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// What every part of the report needs to know.
pub(super) struct Context<'a> {
    pub(super) options: &'a Options,
    pub(super) loaded: &'a Loaded,
    pub(super) keys: &'a [String],
    pub(super) is_time: bool,
}

impl Context<'_> {
    fn quantity(&self, value: f64) -> String {
        let unit = self.options.unit.trim();
        if value.is_finite() {
            format!("{} {unit}", significant(value, 4))
        } else {
            "–".to_string()
        }
    }

    fn interval(&self, e: &Estimate) -> String {
        bounds(e.low, e.high).map_or(NO_INTERVAL.to_string(), |(low, high)| {
            format!("{} to {}", significant(low, 3), self.quantity(high))
        })
    }
}

pub(super) fn text_report(context: &Context, groups: &[Group]) -> String {
    let mut out = String::new();
    let loaded = context.loaded;
    let unit = context.options.unit.trim();
    let assets: std::collections::BTreeSet<&str> =
        loaded.lives.iter().map(|l| l.asset.as_str()).collect();
    let modes: std::collections::BTreeSet<&str> =
        loaded.lives.iter().map(|l| l.mode.as_str()).collect();
    let failures = loaded.lives.iter().filter(|l| !l.censored()).count();
    let rows: Vec<String> = loaded.rows.iter().map(|(what, n)| format!("{n} {what}")).collect();
    let _ = writeln!(
        out,
        "reliability {} ({}): {}",
        context.options.input,
        loaded.format,
        rows.join(", ")
    );
    let extent = if loaded.format == "lives" {
        String::new()
    } else {
        format!(
            "{}, {}: {}, ",
            counted(assets.len(), "asset", "assets"),
            counted(modes.len(), "mode", "modes"),
            counted(loaded.lives.len(), "life", "lives")
        )
    };
    // A table of lives with a mode column counts each unit once per mode (competing risks): the
    // units censored are those that did not fail, not the lives censored across the modes.
    let observed = match loaded.rows.as_slice() {
        [(_, units)] if loaded.format == "lives" => *units,
        _ => loaded.lives.len(),
    };
    let _ = writeln!(
        out,
        "  {extent}{}, {} censored; lives in {unit}{}",
        counted(failures, "failure", "failures"),
        observed - failures,
        loaded.until.as_ref().map(|u| format!("; observed until {u}")).unwrap_or_default()
    );
    for note in &loaded.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    let by = if context.keys.is_empty() {
        "all lives".to_string()
    } else {
        format!("by {}", context.keys.join(", "))
    };
    let _ = writeln!(
        out,
        "\n{} ({by}); {} % confidence intervals\n",
        counted(groups.len(), "group", "groups"),
        significant(100.0 * context.options.level, 3)
    );

    // Each column as wide as its widest cell: an interval that cannot be computed ("0.0896 (no
    // interval)") widens its column instead of pushing the next ones out of line.
    let mut table = Table::new(vec![
        Column::left("group"),
        Column::right("lives").at_least(5).after(" "),
        Column::right("fail").at_least(5).after(" "),
        Column::right("cens").at_least(5).after(" "),
        Column::left(format!("MTBF {unit} (CI)")).at_least(24),
        Column::left("MTTR").at_least(10).after(" "),
        Column::right("avail").at_least(7).after(" "),
        Column::left("best").at_least(12),
        Column::left("shape β (CI)").at_least(18).after(" "),
        Column::left("B10 (CI)").at_least(24).after(" "),
        Column::left("failure rate").after(" "),
    ]);
    for group in groups {
        let mtbf = group
            .mtbf
            .map(|m| with_interval(m.value, m.low, m.high, 4))
            .unwrap_or_else(|| "–".to_string());
        let mttr =
            group.mttr.map(|(m, _, _)| context.quantity(m)).unwrap_or_else(|| "–".to_string());
        let availability = group
            .availability
            .map(|a| format!("{:.2} %", 100.0 * a))
            .unwrap_or_else(|| "–".to_string());
        let (best, shape, b10, trend) = match &group.fitted {
            None => {
                // The reason in full is in the group's warning; the table says which kind it is.
                let why = if group.failures < fit::MINIMUM_FAILURES {
                    "too few failures"
                } else {
                    "not fitted"
                };
                ("–".to_string(), "–".to_string(), "–".to_string(), why.to_string())
            }
            Some(f) => {
                let best = f.ranking.best().map(|b| b.family.key().to_string()).unwrap_or_default();
                let shape = f
                    .shape
                    .map(|s| with_interval(s.shape.value, s.shape.low, s.shape.high, 3))
                    .unwrap_or_else(|| "–".to_string());
                let b10 = f
                    .b10_weibull
                    .map(|b| with_interval(b.value, b.low, b.high, 3))
                    .unwrap_or_else(|| "–".to_string());
                let trend = f
                    .shape
                    .map(|s| format!("{} (p {})", s.trend.key(), p_phrase(s.p_value)))
                    .unwrap_or_else(|| "–".to_string());
                (best, shape, b10, trend)
            }
        };
        table.row(vec![
            group.name(),
            group.lives.to_string(),
            group.failures.to_string(),
            group.censored().to_string(),
            mtbf,
            mttr,
            availability,
            best,
            shape,
            b10,
            trend,
        ]);
    }
    table.write(&mut out);
    let _ = writeln!(
        out,
        "\n  MTBF: total time / failures, chi-square interval; B10: 10 % quantile of the Weibull fit, \
         likelihood-ratio interval; failure rate: likelihood-ratio test of Weibull shape 1"
    );
    if groups.len() > DETAILED_GROUPS {
        let _ = writeln!(
            out,
            "\n{} groups: details, fits and failure blocks are in `--json`, or group more coarsely \
             with `--by mode`",
            groups.len()
        );
        return out;
    }
    for group in groups {
        details(&mut out, context, group);
    }
    out
}

fn details(out: &mut String, context: &Context, group: &Group) {
    let level = significant(100.0 * context.options.level, 3);
    let assets = if context.loaded.format == "lives" {
        String::new()
    } else {
        format!(" from {}", counted(group.assets, "asset", "assets"))
    };
    let _ = writeln!(
        out,
        "\n{}: {}{assets}, {}, {} censored{}",
        group.name(),
        counted(group.lives, "life", "lives"),
        counted(group.failures, "failure", "failures"),
        group.censored(),
        if context.loaded.format == "lives" {
            String::new()
        } else {
            format!(
                " ({} by maintenance, {} at the end of observation)",
                group.by_maintenance, group.at_end
            )
        }
    );
    if let Some(m) = group.mtbf {
        let _ = writeln!(
            out,
            "  MTBF {}, {level} % CI {} ({} total time on test)",
            context.quantity(m.value),
            context.interval(&m),
            context.quantity(group.total_time)
        );
    }
    match group.mttr {
        Some((mean, half, n)) => {
            let _ = writeln!(
                out,
                "  MTTR {}{} ({}); availability MTBF/(MTBF + MTTR) = {}",
                context.quantity(mean),
                if n > 1 { format!(" ± {}", context.quantity(half)) } else { String::new() },
                counted(n, "repair", "repairs"),
                group
                    .availability
                    .map(|a| format!("{:.2} %", 100.0 * a))
                    .unwrap_or_else(|| "–".into())
            );
        }
        None if context.loaded.format != "lives" => {
            let _ = writeln!(out, "  MTTR and availability: unavailable (no repair durations)");
        }
        None => {}
    }
    if let Some(f) = &group.fitted {
        let mut table = Table::new(vec![
            Column::right("#").at_least(2).after(" "),
            Column::left("family").at_least(24),
            Column::right("AIC").at_least(10).after(" "),
            Column::right("ΔAIC").at_least(7).after(" "),
            Column::right("log L").at_least(10).after(" "),
            Column::left(format!("parameters ({level} % CI)")),
        ]);
        let deltas = f.ranking.deltas();
        for (i, fit) in f.ranking.fits.iter().enumerate() {
            table.row(vec![
                (i + 1).to_string(),
                fit.family.label().to_string(),
                format!("{:.2}", fit.aic),
                format!("{:.2}", deltas[i]),
                format!("{:.2}", fit.log_likelihood),
                parameters(context, fit),
            ]);
        }
        table.write(out);
        for skipped in &f.ranking.skipped {
            let _ =
                writeln!(out, "      {}: not fitted, {}", skipped.family.label(), skipped.reason);
        }
        if let Some(b) = f.b10_weibull {
            let _ = writeln!(
                out,
                "  B10 life (weibull): {}, {level} % CI {} (likelihood ratio)",
                context.quantity(b.value),
                context.interval(&b)
            );
        }
        if let Some(best) = f.ranking.best().filter(|b| b.family != Family::Weibull) {
            let _ = writeln!(
                out,
                "  B10 life ({}, the best): {}, {level} % CI {} (delta method)",
                best.family.label(),
                context.quantity(f.b10_best.value),
                context.interval(&f.b10_best)
            );
        }
        if let Some(s) = f.shape {
            let interval = bounds(s.shape.low, s.shape.high)
                .map_or(NO_INTERVAL.to_string(), |(low, high)| {
                    format!("{} to {}", significant(low, 3), significant(high, 3))
                });
            let _ = writeln!(
                out,
                "  failure rate: shape β = {}, {level} % CI {interval}; likelihood ratio against β = \
                 1: Λ = {}, p {} → {}",
                significant(s.shape.value, 4),
                significant(s.statistic, 3),
                p_phrase(s.p_value),
                s.trend.describe()
            );
        }
    }
    for warning in &group.warnings {
        let _ = writeln!(out, "  warning: {warning}");
    }
    if let Some(block) = &group.block {
        let _ = writeln!(out, "  paste into the station:");
        for line in block.lines() {
            let _ = writeln!(out, "    {line}");
        }
    } else if !context.is_time && group.fitted.is_some() {
        let _ = writeln!(out, "  (no failure block: the lives are not durations)");
    }
}

/// `245.1 (198–310)`: a value to `digits` significant digits and its interval to 3; `–` for a
/// value that could not be computed (a total time beyond the largest number) and `(no interval)`
/// for bounds that could not (lives near the smallest number).
fn with_interval(value: f64, low: f64, high: f64, digits: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    match bounds(low, high) {
        Some((low, high)) => {
            format!(
                "{} ({}–{})",
                significant(value, digits),
                significant(low, 3),
                significant(high, 3)
            )
        }
        None => format!("{} ({NO_INTERVAL})", significant(value, digits)),
    }
}

/// What the report says of an interval whose bounds could not be computed.
const NO_INTERVAL: &str = "no interval";

/// An interval's bounds, or `None` where they could not be computed (lives near the smallest
/// number): the one test of the table, the details and the failure-rate line.
fn bounds(low: f64, high: f64) -> Option<(f64, f64)> {
    (low.is_finite() && high.is_finite()).then_some((low, high))
}

/// `< 0.001` or `= 0.042`.
fn p_phrase(p: f64) -> String {
    if p < 0.001 { "< 0.001".to_string() } else { format!("= {p:.3}") }
}

/// `shape = 2.1 (1.4–3.2), scale = 300 h (250–360)`.
fn parameters(context: &Context, fit: &Fit) -> String {
    fit.parameters
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let value = if fit.family.parameter_has_unit(i) {
                context.quantity(p.value)
            } else {
                significant(p.value, 4)
            };
            match fit.confidence_interval(p.name, context.options.level) {
                Some((low, high)) => format!(
                    "{} = {value} ({}–{})",
                    p.name,
                    significant(low, 3),
                    significant(high, 3)
                ),
                None => format!("{} = {value}", p.name),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn estimate_json(e: &Estimate) -> Value {
    json!({ "value": e.value, "low": e.low, "high": e.high })
}

fn fit_json(context: &Context, fit: &Fit, delta: f64) -> Value {
    let unit = context.options.unit.trim();
    let level = context.options.level;
    json!({
        "family": fit.family.key(),
        "label": fit.family.label(),
        "parameters": fit.parameters.iter().enumerate().map(|(i, p)| json!({
            "name": p.name,
            "value": p.value,
            "standard_error": p.standard_error,
            "interval": fit.confidence_interval(p.name, level).map(|(l, h)| [l, h]),
            "unit": if fit.family.parameter_has_unit(i) { Some(unit) } else { None },
        })).collect::<Vec<_>>(),
        "covariance": fit.covariance,
        "log_likelihood": fit.log_likelihood,
        "aic": fit.aic,
        "delta_aic": delta,
        "b10_delta_method": estimate_json(&reliability::quantile_life(fit, 0.1, level)),
        "mean_life": fit.law().sampler().mean(),
        "expression": fit.expression(unit),
    })
}

pub(super) fn json_document(context: &Context, groups: &[Group], written: &[String]) -> Value {
    let loaded = context.loaded;
    let groups: Vec<Value> = groups
        .iter()
        .map(|g| {
            let fitted = g.fitted.as_ref();
            json!({
                "group": g.name(),
                "key": context.keys.iter().zip(&g.key).map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect::<serde_json::Map<_, _>>(),
                "assets": g.assets,
                "lives": g.lives,
                "failures": g.failures,
                "censored": g.censored(),
                "censored_by_maintenance": g.by_maintenance,
                "censored_at_end": g.at_end,
                "total_time": g.total_time,
                "mtbf": g.mtbf.as_ref().map(estimate_json),
                "mttr": g.mttr.map(|(m, h, n)| json!({ "value": m, "half_width": h, "repairs": n })),
                "availability": g.availability,
                "best": fitted.and_then(|f| f.ranking.best()).map(|b| b.family.key()),
                "fits": fitted.map(|f| {
                    let deltas = f.ranking.deltas();
                    f.ranking.fits.iter().zip(deltas).map(|(fit, d)| fit_json(context, fit, d)).collect::<Vec<_>>()
                }),
                "skipped": fitted.map(|f| f.ranking.skipped.iter().map(|s| json!({ "family": s.family.key(), "reason": s.reason })).collect::<Vec<_>>()),
                "b10_weibull": fitted.and_then(|f| f.b10_weibull.as_ref().map(estimate_json)),
                "shape_test": fitted.and_then(|f| f.shape).map(|s| json!({
                    "shape": estimate_json(&s.shape),
                    "statistic": s.statistic,
                    "p_value": s.p_value,
                    "trend": s.trend.key(),
                    "verdict": s.trend.describe(),
                })),
                "not_fitted": g.unfitted,
                "repair_law": g.repair_law,
                "warnings": g.warnings,
                "failure_block": g.block,
            })
        })
        .collect();
    json!({
        "input": context.options.input,
        "format": loaded.format,
        "unit": context.options.unit.trim(),
        "level": context.options.level,
        "rows": loaded.rows.iter().map(|(k, n)| (k.clone(), Value::from(*n))).collect::<serde_json::Map<_, _>>(),
        "lives": loaded.lives.len(),
        "failures": loaded.lives.iter().filter(|l| !l.censored()).count(),
        "censored": loaded.lives.iter().filter(|l| l.censored()).count(),
        "repairs": loaded.repairs.len(),
        "until": loaded.until,
        "notes": loaded.notes,
        "by": context.keys,
        "groups": groups,
        "plots": written,
    })
}

/// A group's name as a file name: letters, digits, `-` and `_`.
pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The Weibull probability plot, the hazard plot and the cumulative hazard plot of a group, as
/// `(file name, SVG)`.
pub(super) fn plots(group: &Group, unit: &str) -> Vec<(String, String)> {
    let Some(fitted) = &group.fitted else { return Vec::new() };
    let sample = &fitted.sample;
    let name = slug(&group.name());
    let name = if name.is_empty() { "all".to_string() } else { name };
    let (_, longest) = sample.range();
    let described = format!(
        "{}: {} failures, {} censored",
        group.name(),
        sample.failures().len(),
        sample.censored_values().len()
    );
    let shown: Vec<&Fit> = fitted.ranking.fits.iter().take(PALETTE.len()).collect();

    // Weibull paper: x = ln t, y = ln(−ln(1 − F)); a Weibull is a line of slope β.
    let positions = reliability::median_ranks(sample);
    let mut weibull = Chart::new("Weibull probability plot");
    weibull.subtitle =
        format!("{described}; median ranks (Johnson, Bernard); a Weibull fit is a straight line");
    weibull.x_label = format!("ln(life in {unit})");
    weibull.y_label = "ln(−ln(1 − F))".to_string();
    let paper = |p: f64| (-(1.0 - p).ln()).ln();
    weibull.series.push(Series::Scatter {
        label: "failures".to_string(),
        points: positions.iter().map(|&(t, p)| ((t).ln(), paper(p))).collect(),
        colour: "#000000".to_string(),
    });
    let (first, last) = (positions[0].0, positions[positions.len() - 1].0.max(longest));
    let grid: Vec<f64> = (0..=160)
        .map(|k| {
            ((0.5 * first).ln() + ((1.5 * last).ln() - (0.5 * first).ln()) * k as f64 / 160.0).exp()
        })
        .collect();
    for (i, fit) in shown.iter().enumerate() {
        let points: Vec<(f64, f64)> = grid
            .iter()
            .map(|&t| ((t).ln(), (reliability::cumulative_hazard(fit, t)).ln()))
            .filter(|(_, y)| y.is_finite())
            .collect();
        weibull.series.push(Series::Line {
            label: fit.family.label().to_string(),
            points,
            colour: PALETTE[i].to_string(),
            dashed: fit.family != Family::Weibull,
        });
    }
    let low = positions.iter().map(|&(_, p)| paper(p)).fold(f64::INFINITY, f64::min);
    let high = positions.iter().map(|&(_, p)| paper(p)).fold(f64::NEG_INFINITY, f64::max);
    weibull.y_range = Some((low - 1.0, high + 1.0));
    weibull.x_range = Some(((0.5 * first).ln(), (1.5 * last).ln()));

    // The hazard rate of each fit on a linear time axis.
    let linear: Vec<f64> = (1..=200).map(|k| 1.2 * longest * k as f64 / 200.0).collect();
    let mut hazard = Chart::new("Hazard rate of the fitted laws");
    hazard.subtitle = format!("{described}; rising for wear-out, falling for infant mortality");
    hazard.x_label = format!("age ({unit})");
    hazard.y_label = format!("failures per {unit}");
    let mut tallest: f64 = 0.0;
    for (i, fit) in shown.iter().enumerate() {
        let points: Vec<(f64, f64)> = linear
            .iter()
            .map(|&t| (t, reliability::hazard(fit, t)))
            .filter(|(_, h)| h.is_finite())
            .collect();
        // The 90th percentile of the hazard over the range bounds the axis, so a hazard that
        // explodes at the origin (shape < 1) does not flatten the others.
        let mut heights: Vec<f64> = points.iter().map(|p| p.1).collect();
        heights.sort_by(f64::total_cmp);
        if let Some(&h) = heights.get(heights.len() * 9 / 10) {
            tallest = tallest.max(h);
        }
        hazard.series.push(Series::Line {
            label: fit.family.label().to_string(),
            points,
            colour: PALETTE[i].to_string(),
            dashed: fit.family != Family::Weibull,
        });
    }
    hazard.x_range = Some((0.0, 1.2 * longest));
    hazard.y_range = Some((0.0, 1.2 * tallest.max(f64::MIN_POSITIVE)));

    // Nelson–Aalen against the fitted cumulative hazards.
    let mut cumulative = Chart::new("Cumulative hazard: Nelson–Aalen and fitted");
    cumulative.subtitle = described.clone();
    cumulative.x_label = format!("age ({unit})");
    cumulative.y_label = "cumulative hazard H(t)".to_string();
    let mut steps = vec![(0.0, 0.0)];
    steps.extend(reliability::nelson_aalen(sample));
    let top = steps.last().map(|s| s.1).unwrap_or(1.0);
    cumulative.series.push(Series::Step {
        label: "Nelson–Aalen".to_string(),
        points: steps,
        colour: "#000000".to_string(),
    });
    for (i, fit) in shown.iter().enumerate() {
        cumulative.series.push(Series::Line {
            label: fit.family.label().to_string(),
            points: linear.iter().map(|&t| (t, reliability::cumulative_hazard(fit, t))).collect(),
            colour: PALETTE[i].to_string(),
            dashed: fit.family != Family::Weibull,
        });
    }
    cumulative.x_range = Some((0.0, 1.2 * longest));
    cumulative.y_range = Some((0.0, 1.5 * top));
    vec![
        (format!("weibull-{name}.svg"), weibull.svg()),
        (format!("hazard-{name}.svg"), hazard.svg()),
        (format!("cumulative-hazard-{name}.svg"), cumulative.svg()),
    ]
}
