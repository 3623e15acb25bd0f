//! Reports drawn from a results document: CSV tables for spreadsheets and an SVG chart of
//! station states.
//!
//! Every function here is pure: it takes a [`Results`] (or a [`Comparison`]) and returns the text
//! of one file; the command line decides where to write it. Output is deterministic: rows and
//! columns follow model order and declaration order, never a hash, and every number is written
//! the same way every time (below).
//!
//! CSV follows RFC 4180: a header row, CRLF line ends, and fields quoted (with doubled quotes)
//! when they contain a comma, a quote or a line break. Numbers are written in full: the shortest
//! decimal that reads back as the same `f64` (the value the JSON results document holds), always
//! without an exponent (`0.0000013889`, where the JSON may write `1.3889e-6`); a missing or
//! non-finite value is an empty field. Chart labels are rounded to six decimals.
//!
//! Chart text is sized with [`crate::chart::text_width`], an upper bound of the usual sans-serif
//! faces, so that margins hold their labels and a label too long is cut with an ellipsis, never
//! by the canvas's edge.
//!
//! The chart is a stacked horizontal bar per station, in the Okabe–Ito palette, which stays
//! distinguishable with the common forms of colour blindness.

use std::fmt::Write;

use crate::chart::{escape, fit, label_column, open_document, text_width};
use crate::experiment::Comparison;
use crate::results::{Kpis, LineResults, Results, Stat, StationResults};

/// One row per station, in model order: the mean share of each state, OEE, failures,
/// completions, the bottleneck share, the half-widths of the state shares, then the maintenance
/// and cost figures ([`MAINTENANCE_COLUMNS`]).
pub fn stations_csv(r: &Results) -> String {
    let mut csv = Csv::default();
    let mut header = vec!["station".to_string()];
    header.extend(STATES.iter().map(|state| state.column.to_string()));
    header.extend(["oee", "failures", "completions", "bottleneck"].map(String::from));
    header.extend(STATES.iter().map(|state| format!("{}_hw", state.column)));
    header.extend(MAINTENANCE_COLUMNS.iter().map(|(column, _)| column.to_string()));
    csv.row(header);
    for (name, station) in r.stations.iter() {
        let mut row = vec![name.to_string()];
        row.extend(STATES.iter().map(|state| number((state.share)(station).mean)));
        for stat in [&station.oee, &station.failures, &station.completions, &station.bottleneck] {
            row.push(number(stat.mean));
        }
        row.extend(STATES.iter().map(|state| number((state.share)(station).half_width)));
        row.extend(MAINTENANCE_COLUMNS.iter().map(|(_, stat)| number(stat(station).mean)));
        csv.row(row);
    }
    csv.text
}

/// The maintenance and cost columns of `stations.csv`, means over replications.
#[allow(clippy::type_complexity)]
pub const MAINTENANCE_COLUMNS: [(&str, fn(&StationResults) -> &Stat); 10] = [
    ("availability", |s| &s.availability),
    ("downtime_s", |s| &s.downtime_s),
    ("maintenance_s", |s| &s.maintenance_s),
    ("lost_output", |s| &s.lost_output),
    ("maintenance_actions", |s| &s.maintenance_actions),
    ("scrapped", |s| &s.scrapped),
    ("cost_downtime", |s| &s.costs.downtime),
    ("cost_repair", |s| &s.costs.repair),
    ("cost_preventive", |s| &s.costs.preventive),
    ("cost_total", |s| &s.costs.total),
];

/// One row per replication: every KPI, the line's maintenance figures (`line:NAME`), then the
/// count of parts reaching each sink (`sink:NAME`), in model order.
pub fn replications_csv(r: &Results) -> String {
    let mut columns: Vec<(String, &Stat)> =
        kpi_columns(&r.kpis).into_iter().map(|(name, stat)| (name.to_string(), stat)).collect();
    columns.extend(line_columns(&r.line).map(|(name, stat)| (format!("line:{name}"), stat)));
    columns.extend(r.sinks.iter().map(|(name, sink)| (format!("sink:{name}"), &sink.count)));
    let rows = columns.iter().map(|(_, stat)| stat.values.len()).max().unwrap_or(0);

    let mut csv = Csv::default();
    let mut header = vec!["replication".to_string()];
    header.extend(columns.iter().map(|(name, _)| name.clone()));
    csv.row(header);
    for replication in 0..rows {
        let mut row = vec![(replication + 1).to_string()];
        row.extend(
            columns.iter().map(|(_, stat)| {
                stat.values.get(replication).map_or(String::new(), |&v| number(v))
            }),
        );
        csv.row(row);
    }
    csv.text
}

/// A comparison (`fab run --compare A,B`) as a table: one row per indicator, in the order of
/// `comparison.json`, with A's and B's means and half-widths (over the paired replications, at
/// A's confidence), the mean paired difference B − A with its half-width, and whether its
/// interval excludes zero (`true` or `false`; never with one replication).
pub fn comparison_csv(c: &Comparison) -> String {
    let mut csv = Csv::default();
    csv.row(
        [
            "indicator",
            "a_mean",
            "a_half_width",
            "b_mean",
            "b_half_width",
            "mean_diff",
            "half_width",
            "significant",
        ]
        .map(String::from),
    );
    for (name, x) in c.indicators.iter() {
        let d = &x.difference;
        csv.row([
            name.to_string(),
            number(x.a.mean),
            number(x.a.half_width),
            number(x.b.mean),
            number(x.b.half_width),
            number(d.mean_diff),
            number(d.half_width),
            d.is_significant().to_string(),
        ]);
    }
    csv.text
}

/// A stacked horizontal bar chart of the mean share of time each station spends in each state,
/// one bar per station in model order, the bottleneck's label in bold with a marker.
pub fn stations_svg(r: &Results) -> String {
    const WIDTH: f64 = 760.0;
    const ROW: f64 = 26.0;
    const BAR: f64 = 18.0;
    const TOP: f64 = 64.0;
    const RIGHT: f64 = 96.0;
    /// The margin left of the labels, and between a label and its bar.
    const MARGIN: f64 = 16.0;
    const GAP: f64 = 8.0;
    /// The bars start here at the most: a longer label is cut.
    const MOST_PLOT_X: f64 = 280.0;
    const FONT: f64 = 12.0;

    let bottleneck = r.bottleneck();
    // Each label as wide as it is drawn (the bottleneck's in bold), cut to the widest margin.
    let names = r.stations.iter().map(|(name, _)| (name, bottleneck == Some(name)));
    let (labels, plot_x) = label_column(names, FONT, (MARGIN, GAP), (80.0, MOST_PLOT_X));
    let plot_width = WIDTH - plot_x - RIGHT;
    let rows = r.stations.len();
    let axis_y = TOP + ROW * rows as f64 + 4.0;
    let legend_y = axis_y + 34.0;
    let height = legend_y + 28.0;

    let mut svg = String::new();
    let title = match &r.scenario {
        Some(scenario) => format!("Station states: {} / scenario {}", r.experiment, scenario),
        None => format!("Station states: {}", r.experiment),
    };
    let mut subtitle = format!(
        "Mean share of time over {} replication{}",
        r.replications,
        if r.replications == 1 { "" } else { "s" }
    );
    if let Some(name) = bottleneck {
        let share = r.stations.get(name).map_or(0.0, |s| s.bottleneck.mean);
        let share = format!(" ({:.1} % of time)", 100.0 * share);
        subtitle.push_str("; bottleneck: ");
        // The name cut so that the whole line, share included, stays on the canvas.
        let room = WIDTH - 2.0 * MARGIN - text_width(&subtitle, FONT, false);
        let name = fit(name, room - text_width(&share, FONT, false), FONT, false);
        subtitle.push_str(&name);
        subtitle.push_str(&share);
    }
    open_document(&mut svg, WIDTH, height, &title, &subtitle);

    // Grid and axis, unless there is no bar to read against them.
    for tick in (0..=4).filter(|_| rows > 0) {
        let x = plot_x + plot_width * f64::from(tick) / 4.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.2}" y1="{:.2}" x2="{x:.2}" y2="{axis_y:.2}" stroke="#d0d0d0" stroke-width="1"/>"##,
            TOP - 4.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{x:.2}" y="{:.2}" text-anchor="middle">{} %</text>"#,
            axis_y + 16.0,
            tick * 25
        );
    }

    for (row, ((name, station), (label, is_bottleneck))) in
        r.stations.iter().zip(&labels).enumerate()
    {
        let y = TOP + ROW * row as f64;
        let is_bottleneck = *is_bottleneck;
        let weight = if is_bottleneck { r#" font-weight="bold""# } else { "" };
        let _ = writeln!(
            svg,
            r#"<text x="{:.2}" y="{:.2}" text-anchor="end"{weight}>{}</text>"#,
            plot_x - 8.0,
            y + BAR / 2.0 + 4.0,
            escape(label)
        );
        let stacked = STACKING.map(|i| &STATES[i]);
        let shares = stacked.map(|state| {
            let mean = (state.share)(station).mean;
            if mean.is_finite() { mean.clamp(0.0, 1.0) } else { 0.0 }
        });
        let total: f64 = shares.iter().sum();
        let scale = if total > 1.0 { 1.0 / total } else { 1.0 };
        let mut x = plot_x;
        for (state, share) in stacked.iter().zip(&shares) {
            let width = plot_width * share * scale;
            if width <= 0.0 {
                continue;
            }
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.2}" y="{y:.2}" width="{width:.2}" height="{BAR:.2}" fill="{}"><title>{}: {} {:.1} %</title></rect>"#,
                state.colour,
                escape(name),
                state.label,
                100.0 * share
            );
            x += width;
        }
        let _ = writeln!(
            svg,
            r##"<rect x="{plot_x:.2}" y="{y:.2}" width="{plot_width:.2}" height="{BAR:.2}" fill="none" stroke="{}" stroke-width="{}"/>"##,
            if is_bottleneck { "#000000" } else { "#808080" },
            if is_bottleneck { 2 } else { 1 }
        );
        if is_bottleneck {
            let tip = plot_x + plot_width + 6.0;
            let middle = y + BAR / 2.0;
            let _ = writeln!(
                svg,
                r##"<path d="M {tip:.2} {middle:.2} L {:.2} {:.2} L {:.2} {:.2} Z" fill="#000000"/>"##,
                tip + 10.0,
                middle - 6.0,
                tip + 10.0,
                middle + 6.0
            );
            let _ = writeln!(
                svg,
                r#"<text x="{:.2}" y="{:.2}" font-weight="bold">bottleneck</text>"#,
                tip + 14.0,
                middle + 4.0
            );
        }
    }
    if rows == 0 {
        let _ = writeln!(svg, r#"<text x="{MARGIN:.2}" y="{:.2}">no stations</text>"#, TOP + 14.0);
    }

    // Legend.
    for (i, state) in STACKING.map(|i| &STATES[i]).iter().enumerate() {
        let x = 16.0 + 116.0 * i as f64;
        let _ = writeln!(
            svg,
            r#"<rect x="{x:.2}" y="{:.2}" width="12" height="12" fill="{}"/>"#,
            legend_y - 10.0,
            state.colour
        );
        let _ =
            writeln!(svg, r#"<text x="{:.2}" y="{legend_y:.2}">{}</text>"#, x + 18.0, state.label);
    }
    svg.push_str("</svg>\n");
    svg
}

/// A station state: its CSV column, chart label and colour.
struct State {
    column: &'static str,
    label: &'static str,
    colour: &'static str,
    share: fn(&crate::results::StationResults) -> &Stat,
}

/// The states in the order of `StationResults` (and of the CSV columns), with the Okabe–Ito
/// colours.
const STATES: [State; 6] = [
    State { column: "working", label: "working", colour: "#009E73", share: |s| &s.working },
    State { column: "starved", label: "starved", colour: "#F0E442", share: |s| &s.starved },
    State { column: "blocked", label: "blocked", colour: "#E69F00", share: |s| &s.blocked },
    State { column: "down", label: "down", colour: "#D55E00", share: |s| &s.down },
    State {
        column: "maintenance",
        label: "maintenance",
        colour: "#CC79A7",
        share: |s| &s.maintenance,
    },
    State { column: "setup", label: "setup", colour: "#56B4E9", share: |s| &s.setup },
];

/// The order the chart stacks the states in (indexes into [`STATES`]): productive time first,
/// then waiting, then lost time.
const STACKING: [usize; 6] = [0, 5, 2, 1, 3, 4];

/// Every KPI with its column name, in declaration order.
/// One row per measure and factor of a sensitivity study, with every estimate of its method.
pub fn sensitivity_csv(r: &crate::designed::SensitivityResults) -> String {
    let mut out = String::from(
        "measure,factor,low,high,swing,mu,mu_star,sigma,first,first_half_width,total,total_half_width\n",
    );
    let cell = |x: Option<f64>| x.map(number).unwrap_or_default();
    for m in &r.measures {
        for f in &m.factors {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                csv_text(&m.measure),
                csv_text(&f.factor),
                cell(f.low),
                cell(f.high),
                cell(f.swing),
                cell(f.mu),
                cell(f.mu_star),
                cell(f.sigma),
                cell(f.first.as_ref().map(|s| s.mean)),
                cell(f.first.as_ref().map(|s| s.half_width)),
                cell(f.total.as_ref().map(|s| s.mean)),
                cell(f.total.as_ref().map(|s| s.half_width)),
            );
        }
    }
    out
}

/// A chart of a sensitivity study's first measure, factors ranked from the top: a tornado of
/// the low and high ends around the reference (one at a time), bars of μ* with σ as a thin bar
/// (Morris), or paired bars of the first-order and total Sobol indices with their intervals.
pub fn sensitivity_svg(r: &crate::designed::SensitivityResults) -> String {
    const WIDTH: f64 = 760.0;
    const ROW: f64 = 30.0;
    const TOP: f64 = 70.0;
    const RIGHT: f64 = 40.0;
    let Some(m) = r.measures.first() else {
        return String::from(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>\n",
        );
    };
    /// (from, to, colour, thickness)
    type Bar = (f64, f64, &'static str, f64);
    /// (label, bars, an interval drawn as a whisker, the value rows are ranked by)
    type Row = (String, Vec<Bar>, Option<(f64, f64)>, f64);
    let mut rows: Vec<Row> = Vec::new();
    let (title, axis_label, origin) = match r.method.as_str() {
        "oat" => {
            for f in &m.factors {
                let (lo, hi) = (f.low.unwrap_or(m.reference), f.high.unwrap_or(m.reference));
                rows.push((
                    f.factor.clone(),
                    vec![(m.reference, lo, "#4e79a7", 16.0), (m.reference, hi, "#f28e2b", 16.0)],
                    None,
                    f.swing.unwrap_or(0.0),
                ));
            }
            ("One factor at a time", format!("{} {}", m.measure, m.unit), m.reference)
        }
        "morris" => {
            for f in &m.factors {
                let (star, sigma) = (f.mu_star.unwrap_or(0.0), f.sigma.unwrap_or(0.0));
                rows.push((
                    f.factor.clone(),
                    vec![(0.0, star, "#4e79a7", 16.0), (0.0, sigma, "#e15759", 5.0)],
                    None,
                    star,
                ));
            }
            (
                "Morris elementary effects: μ* (wide) and σ (thin)",
                format!("{} {}", m.measure, m.unit),
                0.0,
            )
        }
        _ => {
            for f in &m.factors {
                let first = f.first.clone().unwrap_or_default();
                let total = f.total.clone().unwrap_or_default();
                rows.push((
                    f.factor.clone(),
                    vec![(0.0, first.mean, "#4e79a7", 9.0), (0.0, total.mean, "#f28e2b", 9.0)],
                    Some((total.mean - total.half_width, total.mean + total.half_width)),
                    total.mean,
                ));
            }
            (
                "Sobol indices: first order (blue) and total (orange)",
                "share of variance".to_string(),
                0.0,
            )
        }
    };
    rows.sort_by(|a, b| b.3.total_cmp(&a.3));
    let mut lo = origin;
    let mut hi = origin;
    for (_, bars, whisker, _) in &rows {
        for &(from, to, _, _) in bars {
            lo = lo.min(from.min(to));
            hi = hi.max(from.max(to));
        }
        if let Some((a, b)) = whisker {
            lo = lo.min(*a);
            hi = hi.max(*b);
        }
    }
    if r.method == "sobol" {
        lo = lo.min(0.0);
        hi = hi.max(1.0);
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    // Labels as wide as they are drawn, cut to the widest margin, as on the station chart.
    let names = rows.iter().map(|(label, ..)| (label.as_str(), false));
    let (labels, plot_x) = label_column(names, 12.0, (24.0, 0.0), (80.0, 300.0));
    for ((label, ..), (cut, _)) in rows.iter_mut().zip(labels) {
        *label = cut;
    }
    let plot_width = WIDTH - plot_x - RIGHT;
    let x = |v: f64| plot_x + plot_width * (v - lo) / (hi - lo);
    let axis_y = TOP + ROW * rows.len() as f64;
    let height = axis_y + 48.0;
    let mut svg = String::new();
    let heading = format!("Sensitivity {}: {} — {}", r.study, m.measure, title);
    let subtitle =
        format!("{} points × {} replications, seed {}", r.points, r.replications, r.seed);
    open_document(&mut svg, WIDTH, height, &heading, &subtitle);
    for tick in 0..=4 {
        let v = lo + (hi - lo) * f64::from(tick) / 4.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{0:.2}" y1="{1:.2}" x2="{0:.2}" y2="{axis_y:.2}" stroke="#d0d0d0"/>"##,
            x(v),
            TOP - 6.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.2}" y="{:.2}" text-anchor="middle">{}</text>"#,
            x(v),
            axis_y + 16.0,
            label(v)
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.2}" y="{:.2}" text-anchor="middle">{}</text>"#,
        plot_x + plot_width / 2.0,
        axis_y + 36.0,
        escape(&axis_label)
    );
    for (i, (label, bars, whisker, _)) in rows.iter().enumerate() {
        let centre = TOP + ROW * i as f64 + ROW / 2.0;
        let _ = writeln!(
            svg,
            r#"<text x="{:.2}" y="{:.2}" text-anchor="end">{}</text>"#,
            plot_x - 8.0,
            centre + 4.0,
            escape(label)
        );
        for (k, &(from, to, colour, thickness)) in bars.iter().enumerate() {
            let offset = if r.method == "sobol" { (k as f64 - 0.5) * 10.0 } else { 0.0 };
            let (a, b) = (x(from.min(to)), x(from.max(to)));
            let _ = writeln!(
                svg,
                r#"<rect x="{a:.2}" y="{:.2}" width="{:.2}" height="{thickness:.1}" fill="{colour}"/>"#,
                centre + offset - thickness / 2.0,
                (b - a).max(0.5)
            );
        }
        if let Some((a, b)) = whisker {
            let _ = writeln!(
                svg,
                r##"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="#333333"/>"##,
                x(*a),
                centre + 5.0,
                x(*b),
                centre + 5.0
            );
        }
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{0:.2}" y1="{1:.2}" x2="{0:.2}" y2="{axis_y:.2}" stroke="#333333"/>"##,
        x(origin),
        TOP - 6.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// A CSV cell: quoted when it holds a comma, a quote or a newline.
pub(crate) fn csv_text(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn kpi_columns(k: &Kpis) -> [(&'static str, &Stat); 8] {
    [
        ("throughput_per_hour", &k.throughput_per_hour),
        ("lead_time_s", &k.lead_time_s),
        ("lead_time_p50_s", &k.lead_time_p50_s),
        ("lead_time_p95_s", &k.lead_time_p95_s),
        ("wip", &k.wip),
        ("scrapped", &k.scrapped),
        ("cost", &k.cost),
        ("cost_per_part", &k.cost_per_part),
    ]
}

fn line_columns(l: &LineResults) -> [(&'static str, &Stat); 10] {
    [
        ("availability", &l.availability),
        ("downtime_s", &l.downtime_s),
        ("maintenance_s", &l.maintenance_s),
        ("lost_output", &l.lost_output),
        ("failures", &l.failures),
        ("maintenance_actions", &l.maintenance_actions),
        ("cost_downtime", &l.costs.downtime),
        ("cost_repair", &l.costs.repair),
        ("cost_preventive", &l.costs.preventive),
        ("cost_total", &l.costs.total),
    ]
}

/// An RFC 4180 writer.
#[derive(Default)]
struct Csv {
    text: String,
}

impl Csv {
    fn row(&mut self, fields: impl IntoIterator<Item = String>) {
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            if field.contains([',', '"', '\r', '\n']) {
                self.text.push('"');
                self.text.push_str(&field.replace('"', "\"\""));
                self.text.push('"');
            } else {
                self.text.push_str(&field);
            }
        }
        self.text.push_str("\r\n");
    }
}

/// A CSV number: the shortest decimal that reads back as `x`, `0` for minus zero; empty when not
/// finite. Rounding would lose small values (a share of `1.3889e-9` is not `0`).
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x == 0.0 {
        "0".to_string()
    } else {
        x.to_string()
    }
}

/// A chart label: up to six decimals, trailing zeros trimmed; empty when not finite.
fn label(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let mut text = format!("{x:.6}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if text == "-0" { "0".to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Named, SinkResults, StationResults};

    fn stat(values: &[f64]) -> Stat {
        Stat { mean: 0.0, half_width: 0.0, values: values.to_vec() }
    }

    fn station(
        working: f64,
        starved: f64,
        blocked: f64,
        down: f64,
        bottleneck: f64,
    ) -> StationResults {
        let twice = |x: f64| stat(&[x, x * 0.9 + 0.01 * (1.0 - x)]);
        StationResults {
            working: twice(working),
            starved: twice(starved),
            blocked: twice(blocked),
            down: twice(down),
            maintenance: stat(&[0.0, 0.0]),
            setup: stat(&[0.0, 0.0]),
            oee: twice(working * 0.95),
            completions: stat(&[1200.0, 1185.0]),
            failures: stat(&[3.0, 4.0]),
            downtime_s: stat(&[180.0, 220.0]),
            bottleneck: stat(&[bottleneck, bottleneck]),
            ..StationResults::default()
        }
    }

    /// Two replications of a three-station line; names chosen to need quoting and escaping.
    fn results() -> Results {
        let mut r = Results {
            experiment: "base<line>".to_string(),
            scenario: Some("fast & \"cheap\"".to_string()),
            replications: 2,
            confidence: 0.95,
            stations: Named(vec![
                ("cut".to_string(), station(0.6, 0.3, 0.05, 0.05, 0.2)),
                ("weld, \"big\"".to_string(), station(0.85, 0.0, 0.0, 0.15, 0.8)),
                ("paint <&>\nline".to_string(), station(0.4, 0.5, 0.1, 0.0, 0.1)),
            ]),
            sinks: Named(vec![(
                "out".to_string(),
                SinkResults { count: stat(&[1180.0, 1170.0]), ..SinkResults::default() },
            )]),
            ..Results::default()
        };
        r.kpis.throughput_per_hour = stat(&[59.0, 58.5]);
        r.kpis.lead_time_p95_s = stat(&[f64::NAN, 612.25]);
        r.line.availability = stat(&[0.9, 0.95]);
        r.finish();
        r
    }

    /// A small RFC 4180 reader.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => {
                    assert!(field.is_empty(), "quote inside an unquoted field");
                    quoted = true;
                }
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "CR without LF");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => {
                    assert!(c != '\n', "bare LF outside quotes");
                    field.push(c);
                }
            }
        }
        assert!(!quoted && field.is_empty() && row.is_empty(), "text must end with CRLF");
        rows
    }

    #[test]
    fn stations_csv_has_a_row_per_station_and_round_trips_names() {
        let r = results();
        let rows = parse_csv(&stations_csv(&r));
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|row| row.len() == 17 + 10), "{rows:?}");
        assert_eq!(
            rows[0][..12],
            [
                "station",
                "working",
                "starved",
                "blocked",
                "down",
                "maintenance",
                "setup",
                "oee",
                "failures",
                "completions",
                "bottleneck",
                "working_hw"
            ]
        );
        assert_eq!(rows[0][16], "setup_hw");
        assert_eq!(rows[0][17], "availability");
        assert_eq!(rows[0][26], "cost_total");
        // failures are 3 and 4: the mean is 3.5; the maintenance columns follow the half-widths.
        assert_eq!(rows[1][8], "3.5");
        assert_eq!(rows[1][18], "200");
        let names: Vec<&str> = rows[1..].iter().map(|row| row[0].as_str()).collect();
        assert_eq!(names, ["cut", "weld, \"big\"", "paint <&>\nline"]);
        // cut: working 0.6 and 0.6·0.9 + 0.004 = 0.544, mean 0.572, written in full: the value
        // reads back exactly.
        let working = r.stations.iter().next().unwrap().1.working.mean;
        assert!((working - 0.572).abs() < 1e-12, "{working}");
        assert_eq!(rows[1][1].parse::<f64>(), Ok(working));
        assert_eq!(rows[1][10], "0.2");
        assert!(!rows[1][11].is_empty() && rows[1][11] != "0");
    }

    #[test]
    fn replications_csv_has_every_kpi_and_sink() {
        let r = results();
        let rows = parse_csv(&replications_csv(&r));
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|row| row.len() == 1 + 8 + 10 + 1));
        assert_eq!(rows[0][9], "line:availability");
        assert_eq!(rows[0][19], "sink:out");
        assert_eq!(rows[1][..2], ["1", "59"]);
        assert_eq!(rows[2][..2], ["2", "58.5"]);
        // Non-finite values are empty fields; missing values (kpis never merged) too.
        assert_eq!(rows[1][4], "");
        assert_eq!(rows[2][4], "612.25");
        assert_eq!(rows[1][5], "");
        assert_eq!(rows[2][19], "1170");
        assert_eq!(rows[1][9..11], ["0.9", ""]);
        // The column list names every field of `Kpis`.
        let fields = serde_json::to_value(&r.kpis).unwrap().as_object().unwrap().len();
        assert_eq!(kpi_columns(&r.kpis).len(), fields);
    }

    #[test]
    fn comparison_csv_has_a_row_per_indicator_of_the_comparison() {
        let base = results();
        let mut other = results();
        other.kpis.throughput_per_hour = stat(&[60.0, 59.5]);
        other.finish();
        let c = crate::experiment::compare(&base, &other);
        let rows = parse_csv(&comparison_csv(&c));
        assert_eq!(rows.len(), 1 + c.indicators.iter().count());
        assert_eq!(rows[0][0], "indicator");
        assert!(rows.iter().all(|row| row.len() == 8), "{rows:?}");
        let names: Vec<&str> = rows[1..].iter().map(|row| row[0].as_str()).collect();
        let indicators: Vec<&str> = c.indicators.iter().map(|(name, _)| name).collect();
        assert_eq!(names, indicators, "the indicators of comparison.json, in its order");
        // 59 and 58.5 against 60 and 59.5: each pair differs by 1, an interval of width 0.
        let throughput = rows.iter().find(|row| row[0] == "throughput_per_hour").unwrap();
        let a = &base.kpis.throughput_per_hour;
        assert_eq!([&throughput[1], &throughput[3]], ["58.75", "59.75"]);
        assert_eq!(throughput[2].parse::<f64>(), Ok(a.half_width));
        assert_eq!(throughput[5..], ["1", "0", "true"]);
        let wip = rows.iter().find(|row| row[0] == "wip").unwrap();
        assert_eq!(wip[5..], ["0", "0", "false"], "no difference is not significant");
    }

    #[test]
    fn numbers_read_back_as_written_and_labels_are_short() {
        for x in [0.1 + 0.2, -0.0000001, 1.3889e-9, 5e-6, 12.0, 1e21, -3.25] {
            assert_eq!(number(x).parse::<f64>(), Ok(x), "{}", number(x));
            assert!(!number(x).contains('e'), "no exponent for a spreadsheet: {}", number(x));
        }
        assert_eq!(number(12.0), "12");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(f64::INFINITY), "");
        assert_eq!(label(0.1 + 0.2), "0.3");
        assert_eq!(label(-0.0000001), "0");
        assert_eq!(label(12.0), "12");
    }

    #[test]
    fn stations_svg_is_well_formed_and_names_every_station() {
        let r = results();
        let svg = stations_svg(&r);
        let elements = crate::chart::well_formed_svg(&svg);
        assert_eq!(elements[0], "svg");
        assert!(svg.contains("cut"));
        assert!(svg.contains("weld, &quot;big&quot;"));
        assert!(svg.contains("paint &lt;&amp;&gt; line"));
        assert!(svg.contains("base&lt;line&gt; / scenario fast &amp; &quot;cheap&quot;"));
        // The bottleneck (weld) is bold and marked.
        assert_eq!(r.bottleneck(), Some("weld, \"big\""));
        assert!(svg.contains(r#"font-weight="bold">weld, &quot;big&quot;</text>"#));
        assert!(svg.contains(">bottleneck</text>"));
        assert!(svg.contains("<path "));
        for state in STATES {
            assert!(svg.contains(state.colour) && svg.contains(state.label));
        }
        assert_eq!(svg, stations_svg(&r), "deterministic");
    }

    /// The canvas of a chart: the root's width and height.
    fn canvas(svg: &str) -> (f64, f64) {
        let number = |name: &str| {
            let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            svg[start..start + svg[start..].find('"').unwrap()].parse::<f64>().unwrap()
        };
        (number("width"), number("height"))
    }

    #[test]
    fn a_long_bottleneck_name_is_cut_in_the_subtitle_to_the_canvas() {
        let mut r = results();
        let long = "weld_cell_of_the_second_body_side_line_left_hand_and_some_more".to_string();
        r.stations.0[1].0 = long.clone();
        r.bottlenecks[0].station = long.clone();
        let svg = stations_svg(&r);
        // (The bars' tooltips keep the whole name.)
        assert!(
            !svg.contains(&format!("bottleneck: {long}")),
            "the whole name runs off the canvas"
        );
        assert!(svg.contains("bottleneck: weld_cell_of_the"), "{svg}");
        assert!(svg.contains("… (80.0 % of time)</text>"), "the share stays: {svg}");
        let (width, height) = canvas(&svg);
        crate::chart::assert_text_fits(&svg, width, height);
    }

    /// Every label, bold or not, and the subtitle lie on the canvas, whatever the names: the
    /// margin was 7 px a character, too little for `W`, `M` or bold text, which ran off the left
    /// edge, and the subtitle ran off the right one.
    #[test]
    fn wide_station_names_stay_on_the_canvas() {
        let mut r = results();
        r.stations.0[0].0 = "W".repeat(20);
        r.stations.0[1].0 = "M".repeat(40);
        r.stations.0[2].0 = "a".repeat(32);
        r.bottlenecks[0].station = "M".repeat(40);
        assert_eq!(r.bottleneck(), Some("M".repeat(40).as_str()));
        let svg = stations_svg(&r);
        let (width, height) = canvas(&svg);
        crate::chart::assert_text_fits(&svg, width, height);
        assert!(svg.contains(&format!(">{}</text>", "W".repeat(20))), "a name that fits is whole");
        // A bottleneck name in bold as wide as the others: the plain one fits, the bold one too.
        r.stations.0[1].0 = "a".repeat(31);
        r.bottlenecks[0].station = "a".repeat(31);
        let svg = stations_svg(&r);
        let (width, height) = canvas(&svg);
        crate::chart::assert_text_fits(&svg, width, height);
    }

    #[test]
    fn stations_svg_without_stations_or_bottleneck() {
        let r = Results { experiment: "empty".to_string(), ..Results::default() };
        let svg = stations_svg(&r);
        crate::chart::well_formed_svg(&svg);
        assert!(svg.contains("no stations"));
        // No axis without a bar: its "0 %" was drawn over "no stations".
        assert!(!svg.contains(" %</text>"), "{svg}");
        let (width, height) = canvas(&svg);
        crate::chart::assert_text_fits(&svg, width, height);
        assert!(!svg.contains(">bottleneck</text>"));
        assert_eq!(parse_csv(&stations_csv(&r)).len(), 1);
        assert_eq!(parse_csv(&replications_csv(&r)).len(), 1);
    }
}
