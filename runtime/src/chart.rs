//! Small SVG charts drawn by code, with no dependency: numeric axes with "nice" ticks, and series
//! drawn on them — histograms, bars, lines, steps, scatter points and reference lines — with a
//! legend. Reports assemble their pictures from these pieces (the distribution-fitting plots of
//! `fab fit` do; the station chart of [`crate::report`] can move onto them).
//!
//! A [`Chart`] is plain data: a title, axis labels and [`Series`]; [`Chart::svg`] renders it. The
//! axes span the data, widened to the nearest ticks, unless a range is given. Ticks come from
//! [`nice_ticks`]: steps of 1, 2 or 5 times a power of ten, about five per axis (Heckbert's "nice
//! numbers", *Graphics Gems*, 1990). Series are clipped to the plot area; non-finite points are
//! left out. Colours are the Okabe–Ito palette ([`PALETTE`]), distinguishable with the common
//! forms of colour blindness.
//!
//! Output is deterministic: the same chart gives the same text, numbers printed with fixed
//! precision. Text is escaped for XML, so any label is safe.

use std::fmt::Write;

/// Legend labels longer than this many characters are cut.
const LABEL: usize = 40;

/// The Okabe–Ito colours, in the order series take them.
pub const PALETTE: [&str; 8] =
    ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

/// One bin of a histogram: `[low, high)` with its height (a count or a density).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub height: f64,
}

/// What a chart draws.
#[derive(Clone, Debug, PartialEq)]
pub enum Series {
    /// Adjacent bins drawn as filled rectangles from 0.
    Histogram { label: String, bins: Vec<Bin>, colour: String },
    /// Bars centred at `x` with the given `width`, from 0 to `height`.
    Bars { label: String, bars: Vec<(f64, f64)>, width: f64, colour: String },
    /// A polyline through the points, in order.
    Line { label: String, points: Vec<(f64, f64)>, colour: String, dashed: bool },
    /// A step function: from each point, horizontally to the next point's `x`, then vertically.
    Step { label: String, points: Vec<(f64, f64)>, colour: String },
    /// Points drawn as small circles.
    Scatter { label: String, points: Vec<(f64, f64)>, colour: String },
    /// A straight segment from `from` to `to`, dashed and grey: `y = x` on a Q–Q plot.
    Reference { label: String, from: (f64, f64), to: (f64, f64) },
}

impl Series {
    fn label(&self) -> &str {
        match self {
            Series::Histogram { label, .. }
            | Series::Bars { label, .. }
            | Series::Line { label, .. }
            | Series::Step { label, .. }
            | Series::Scatter { label, .. }
            | Series::Reference { label, .. } => label,
        }
    }

    /// The points that bound the series, for the axes' extent.
    fn extent(&self) -> Vec<(f64, f64)> {
        match self {
            Series::Histogram { bins, .. } => {
                bins.iter().flat_map(|b| [(b.low, 0.0), (b.high, b.height)]).collect()
            }
            Series::Bars { bars, width, .. } => bars
                .iter()
                .flat_map(|&(x, h)| [(x - width / 2.0, 0.0), (x + width / 2.0, h)])
                .collect(),
            Series::Line { points, .. }
            | Series::Step { points, .. }
            | Series::Scatter { points, .. } => points.clone(),
            Series::Reference { from, to, .. } => vec![*from, *to],
        }
    }
}

/// A chart: a title, axis labels, series, and optionally fixed axis ranges.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    pub subtitle: String,
    pub x_label: String,
    pub y_label: String,
    pub width: f64,
    pub height: f64,
    /// Fixed ranges; the data's extent widened to ticks when `None`.
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
}

impl Chart {
    /// An empty chart of the default size (720 × 480).
    pub fn new(title: impl Into<String>) -> Chart {
        Chart {
            title: title.into(),
            subtitle: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            width: 720.0,
            height: 480.0,
            x_range: None,
            y_range: None,
            series: Vec::new(),
        }
    }

    /// The SVG text of the chart.
    pub fn svg(&self) -> String {
        const LEFT: f64 = 76.0;
        const RIGHT: f64 = 24.0;
        const TOP: f64 = 64.0;
        const ROW: f64 = 18.0;
        let labelled: Vec<&Series> = self.series.iter().filter(|s| !s.label().is_empty()).collect();
        // As many legend columns as the longest label leaves room for (about 6.5 px a character).
        let longest =
            labelled.iter().map(|s| s.label().chars().count().min(LABEL)).max().unwrap_or(0);
        let plot_width = self.width.max(240.0) - LEFT - RIGHT;
        let columns = ((plot_width / (34.0 + 6.5 * longest as f64)) as usize).clamp(1, 4);
        let legend_rows = labelled.len().div_ceil(columns);
        let bottom = 58.0 + ROW * legend_rows as f64;
        let (width, height) = (self.width.max(240.0), self.height.max(200.0));
        let plot = Plot {
            left: LEFT,
            top: TOP,
            width: width - LEFT - RIGHT,
            height: (height - TOP - bottom).max(60.0),
            x: Axis::spanning(
                self.x_range,
                self.series.iter().flat_map(|s| s.extent()).map(|p| p.0),
            ),
            y: Axis::spanning(
                self.y_range,
                self.series.iter().flat_map(|s| s.extent()).map(|p| p.1),
            ),
        };
        let height = plot.top + plot.height + bottom;

        let mut svg = String::new();
        open_document(&mut svg, width, height, &self.title, &self.subtitle);
        plot.grid_and_axes(&mut svg, &self.x_label, &self.y_label);
        let _ = writeln!(
            svg,
            r#"<clipPath id="plot-area"><rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}"/></clipPath>"#,
            plot.left, plot.top, plot.width, plot.height
        );
        let _ = writeln!(svg, r#"<g clip-path="url(#plot-area)">"#);
        for series in &self.series {
            plot.draw(&mut svg, series);
        }
        svg.push_str("</g>\n");

        // Legend: rows of entries under the x-axis label.
        let legend_top = plot.top + plot.height + 48.0;
        for (i, series) in labelled.iter().enumerate() {
            let x = plot.left + (plot.width / columns as f64) * (i % columns) as f64;
            let y = legend_top + ROW * (i / columns) as f64;
            let _ = writeln!(svg, "{}", legend_key(series, x, y));
            let _ = writeln!(
                svg,
                r#"<text x="{:.2}" y="{:.2}">{}</text>"#,
                x + 26.0,
                y + 4.0,
                escape(&shorten(series.label(), LABEL))
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// An axis: its range and ticks.
struct Axis {
    low: f64,
    high: f64,
    ticks: Vec<f64>,
}

impl Axis {
    /// The axis for `range`, or for the finite values given, widened to the ticks around them.
    fn spanning(range: Option<(f64, f64)>, values: impl Iterator<Item = f64>) -> Axis {
        let (low, high) = match range {
            Some((low, high)) if low.is_finite() && high.is_finite() && high > low => (low, high),
            _ => {
                let (low, high) = values
                    .filter(|v| v.is_finite())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
                if !low.is_finite() {
                    (0.0, 1.0)
                } else if high - low <= f64::EPSILON * low.abs().max(1.0) {
                    let pad = if low == 0.0 { 1.0 } else { 0.1 * low.abs() };
                    (low - pad, high + pad)
                } else {
                    let ticks = nice_ticks(low, high, 5);
                    let step = if ticks.len() > 1 { ticks[1] - ticks[0] } else { high - low };
                    (libm::floor(low / step) * step, libm::ceil(high / step) * step)
                }
            }
        };
        let ticks = nice_ticks(low, high, 5)
            .into_iter()
            .filter(|t| *t >= low - 1e-9 * (high - low) && *t <= high + 1e-9 * (high - low))
            .collect();
        Axis { low, high, ticks }
    }
}

/// The plot area and its two axes.
struct Plot {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    x: Axis,
    y: Axis,
}

impl Plot {
    fn px(&self, x: f64) -> f64 {
        self.left + self.width * (x - self.x.low) / (self.x.high - self.x.low)
    }

    fn py(&self, y: f64) -> f64 {
        self.top + self.height * (1.0 - (y - self.y.low) / (self.y.high - self.y.low))
    }

    /// Screen coordinates of the finite points, as an SVG `points` list.
    fn path(&self, points: &[(f64, f64)]) -> String {
        points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|&(x, y)| format!("{:.2},{:.2}", self.px(x), self.py(y)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn grid_and_axes(&self, svg: &mut String, x_label: &str, y_label: &str) {
        let (bottom, right) = (self.top + self.height, self.left + self.width);
        let x_step = step_of(&self.x.ticks);
        for &tick in &self.x.ticks {
            let x = self.px(tick);
            let _ = writeln!(
                svg,
                r##"<line x1="{x:.2}" y1="{:.2}" x2="{x:.2}" y2="{bottom:.2}" stroke="#e0e0e0" stroke-width="1"/>"##,
                self.top
            );
            let _ = writeln!(
                svg,
                r#"<text x="{x:.2}" y="{:.2}" text-anchor="middle">{}</text>"#,
                bottom + 16.0,
                tick_label(tick, x_step)
            );
        }
        let y_step = step_of(&self.y.ticks);
        for &tick in &self.y.ticks {
            let y = self.py(tick);
            let _ = writeln!(
                svg,
                r##"<line x1="{:.2}" y1="{y:.2}" x2="{right:.2}" y2="{y:.2}" stroke="#e0e0e0" stroke-width="1"/>"##,
                self.left
            );
            let _ = writeln!(
                svg,
                r#"<text x="{:.2}" y="{:.2}" text-anchor="end">{}</text>"#,
                self.left - 6.0,
                y + 4.0,
                tick_label(tick, y_step)
            );
        }
        let _ = writeln!(
            svg,
            r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="#808080" stroke-width="1"/>"##,
            self.left, self.top, self.width, self.height
        );
        if !x_label.is_empty() {
            let _ = writeln!(
                svg,
                r#"<text x="{:.2}" y="{:.2}" text-anchor="middle">{}</text>"#,
                self.left + self.width / 2.0,
                bottom + 36.0,
                escape(x_label)
            );
        }
        if !y_label.is_empty() {
            let (x, y) = (18.0, self.top + self.height / 2.0);
            let _ = writeln!(
                svg,
                r#"<text x="{x:.2}" y="{y:.2}" text-anchor="middle" transform="rotate(-90 {x:.2} {y:.2})">{}</text>"#,
                escape(y_label)
            );
        }
    }

    fn draw(&self, svg: &mut String, series: &Series) {
        let zero = self.py(0.0_f64.clamp(self.y.low, self.y.high));
        match series {
            Series::Histogram { bins, colour, label } => {
                for bin in
                    bins.iter().filter(|b| [b.low, b.high, b.height].iter().all(|v| v.is_finite()))
                {
                    let (x0, x1) = (self.px(bin.low), self.px(bin.high));
                    let top = self.py(bin.height);
                    let _ = writeln!(
                        svg,
                        r##"<rect x="{x0:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{colour}" fill-opacity="0.35" stroke="{colour}" stroke-width="1"><title>{}: {} to {}, {}</title></rect>"##,
                        top.min(zero),
                        (x1 - x0).max(0.0),
                        (zero - top).abs(),
                        escape(label),
                        number(bin.low),
                        number(bin.high),
                        number(bin.height)
                    );
                }
            }
            Series::Bars { bars, width, colour, .. } => {
                for &(x, h) in bars.iter().filter(|(x, h)| x.is_finite() && h.is_finite()) {
                    let (x0, x1) = (self.px(x - width / 2.0), self.px(x + width / 2.0));
                    let top = self.py(h);
                    let _ = writeln!(
                        svg,
                        r#"<rect x="{x0:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{colour}"/>"#,
                        top.min(zero),
                        (x1 - x0).max(0.0),
                        (zero - top).abs()
                    );
                }
            }
            Series::Line { points, colour, dashed, .. } => {
                let dash = if *dashed { r#" stroke-dasharray="6 4""# } else { "" };
                let _ = writeln!(
                    svg,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    self.path(points)
                );
            }
            Series::Step { points, colour, .. } => {
                let mut corners = Vec::with_capacity(2 * points.len());
                for (i, &point) in points.iter().enumerate() {
                    corners.push(point);
                    if let Some(next) = points.get(i + 1) {
                        corners.push((next.0, point.1));
                    }
                }
                let _ = writeln!(
                    svg,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                    self.path(&corners)
                );
            }
            Series::Scatter { points, colour, .. } => {
                for &(x, y) in points.iter().filter(|(x, y)| x.is_finite() && y.is_finite()) {
                    let _ = writeln!(
                        svg,
                        r#"<circle cx="{:.2}" cy="{:.2}" r="3" fill="{colour}" fill-opacity="0.8"/>"#,
                        self.px(x),
                        self.py(y)
                    );
                }
            }
            Series::Reference { from, to, .. } => {
                let _ = writeln!(
                    svg,
                    r##"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="#808080" stroke-width="1.5" stroke-dasharray="4 4"/>"##,
                    self.px(from.0),
                    self.py(from.1),
                    self.px(to.0),
                    self.py(to.1)
                );
            }
        }
    }
}

/// The legend's key for a series: a swatch, a line or a dot.
fn legend_key(series: &Series, x: f64, y: f64) -> String {
    match series {
        Series::Histogram { colour, .. } | Series::Bars { colour, .. } => format!(
            r#"<rect x="{x:.2}" y="{:.2}" width="18" height="10" fill="{colour}" fill-opacity="0.6"/>"#,
            y - 5.0
        ),
        Series::Line { colour, dashed, .. } => format!(
            r#"<line x1="{x:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="{colour}" stroke-width="2"{}/>"#,
            x + 18.0,
            if *dashed { r#" stroke-dasharray="6 4""# } else { "" }
        ),
        Series::Step { colour, .. } => format!(
            r#"<polyline points="{x:.2},{:.2} {:.2},{:.2} {:.2},{:.2}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            y + 4.0,
            x + 9.0,
            y + 4.0,
            x + 9.0,
            y - 4.0
        ),
        Series::Scatter { colour, .. } => {
            format!(r#"<circle cx="{:.2}" cy="{y:.2}" r="3" fill="{colour}"/>"#, x + 9.0)
        }
        Series::Reference { .. } => format!(
            r##"<line x1="{x:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="#808080" stroke-width="1.5" stroke-dasharray="4 4"/>"##,
            x + 18.0
        ),
    }
}

/// About `target` evenly spaced values covering `[low, high]`, at multiples of 1, 2 or 5 times a
/// power of ten. Empty when the range is not finite or empty.
pub fn nice_ticks(low: f64, high: f64, target: usize) -> Vec<f64> {
    if !(low.is_finite() && high.is_finite()) || high <= low || target == 0 {
        return Vec::new();
    }
    let raw = (high - low) / target as f64;
    let power = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let fraction = raw / power;
    let step = power
        * if fraction < 1.5 {
            1.0
        } else if fraction < 3.0 {
            2.0
        } else if fraction < 7.0 {
            5.0
        } else {
            10.0
        };
    let first = libm::ceil(low / step - 1e-9);
    let last = libm::floor(high / step + 1e-9);
    if last - first > 1000.0 {
        return Vec::new();
    }
    let mut ticks = Vec::new();
    let mut k = first;
    while k <= last {
        // Multiply rather than accumulate, and clean −0.
        let tick = k * step;
        ticks.push(if tick == 0.0 { 0.0 } else { tick });
        k += 1.0;
    }
    ticks
}

/// The spacing of evenly spaced ticks (1 when there are fewer than two).
fn step_of(ticks: &[f64]) -> f64 {
    if ticks.len() > 1 { ticks[1] - ticks[0] } else { 1.0 }
}

/// A tick label with as many decimals as the step needs.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 || step <= 0.0 {
        0
    } else {
        (-libm::floor(libm::log10(step) + 1e-9)) as usize
    };
    let text = format!("{value:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text[1..].to_string()
    } else {
        text
    }
}

/// A number for a tooltip: 4 significant digits.
fn number(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = libm::floor(libm::log10(value.abs())) as i32;
    let decimals = (3 - magnitude).clamp(0, 12) as usize;
    format!("{value:.decimals$}")
}

/// Advance widths of the printable ASCII characters, `' '` to `'~'`, in thousandths of an em: for
/// each, the wider of DejaVu Sans (the usual `sans-serif` on Linux) and Helvetica (whose widths
/// Arial and Liberation Sans share: the usual one elsewhere), rounded up.
const REGULAR_WIDTHS: [u16; 95] = [
    318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637, 637,
    637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 556, 1015, 685, 687, 722, 771, 667,
    611, 778, 752, 295, 500, 667, 558, 863, 749, 788, 667, 788, 722, 667, 611, 732, 685, 989, 686,
    667, 686, 391, 337, 391, 838, 556, 500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580,
    278, 975, 634, 612, 635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,
];

/// [`REGULAR_WIDTHS`] of the bold faces (DejaVu Sans Bold, Helvetica Bold).
const BOLD_WIDTHS: [u16; 95] = [
    349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611, 1000, 774, 763, 734, 831, 684,
    684, 821, 837, 373, 556, 775, 638, 996, 837, 851, 733, 851, 771, 721, 683, 813, 774, 1104, 771,
    725, 726, 458, 366, 458, 838, 556, 500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666,
    343, 1042, 712, 688, 716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838,
];

/// The width in px of `text` drawn at `size` px in the charts' `sans-serif`, bold or not: at
/// least what the usual faces take ([`REGULAR_WIDTHS`], [`BOLD_WIDTHS`]), a character outside
/// ASCII counted as 1.2 em. Charts size their margins with it, so that no label runs off the
/// canvas: a fixed number of pixels per character cut `WWWW…` and bold names.
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let widths = if bold { &BOLD_WIDTHS } else { &REGULAR_WIDTHS };
    let thousandths: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(widths[c as usize - ' ' as usize]),
            _ => 1200,
        })
        .sum();
    size * f64::from(thousandths) / 1000.0
}

/// A column of labels left of a plot, at `size` px, bold or not: each cut ([`fit`]) so that
/// `before + label + after` stays within `most_x`, and the x where the plot then starts, a whole
/// pixel (so that the plot's width, and every bar's, is exact in the SVG's decimals) between
/// `least_x` and `most_x`.
pub(crate) fn label_column<'a>(
    labels: impl Iterator<Item = (&'a str, bool)>,
    size: f64,
    (before, after): (f64, f64),
    (least_x, most_x): (f64, f64),
) -> (Vec<(String, bool)>, f64) {
    let labels: Vec<(String, bool)> =
        labels.map(|(text, bold)| (fit(text, most_x - before - after, size, bold), bold)).collect();
    let widest =
        labels.iter().map(|(label, bold)| text_width(label, size, *bold)).fold(0.0, f64::max);
    let plot_x = libm::ceil(before + widest + after).clamp(least_x, most_x);
    (labels, plot_x)
}

/// `text` as [`text_width`] fits it into `width` px at `size` px: whole, or cut with an ellipsis.
pub(crate) fn fit(text: &str, width: f64, size: f64, bold: bool) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_string();
    }
    let mut short = String::new();
    for c in text.chars() {
        short.push(c);
        if text_width(&short, size, bold) + text_width("…", size, bold) > width {
            short.pop();
            break;
        }
    }
    short.push('…');
    short
}

/// Opens an SVG document of `width` × `height` px, as every chart of fab starts: the root element,
/// the title (also drawn as the heading), a white background and, unless empty, a grey subtitle.
/// The heading and the subtitle are cut to the canvas ([`fit`]); the `<title>` keeps the whole
/// title. The caller draws the rest and closes it with `</svg>`.
pub(crate) fn open_document(
    svg: &mut String,
    width: f64,
    height: f64,
    title: &str,
    subtitle: &str,
) {
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12" role="img">"#
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(title));
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let room = width - 2.0 * 16.0;
    let _ = writeln!(
        svg,
        r#"<text x="16" y="24" font-size="16" font-weight="bold">{}</text>"#,
        escape(&fit(title, room, 16.0, true))
    );
    if !subtitle.is_empty() {
        let _ = writeln!(
            svg,
            r##"<text x="16" y="44" fill="#444444">{}</text>"##,
            escape(&fit(subtitle, room, 12.0, false))
        );
    }
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0 cannot hold.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `limit` characters with an ellipsis.
pub(crate) fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut short: String = text.chars().take(limit - 1).collect();
    short.push('…');
    short
}

/// For tests of every chart, here and in the end-to-end tests: asserts that tags close in order,
/// attributes are quoted, text holds no raw markup or unknown entity, and there is one root;
/// returns the element names in order. (Public for the tests of other crates only.)
#[doc(hidden)]
pub fn well_formed_svg(svg: &str) -> Vec<String> {
    let mut open: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = svg;
    let mut roots = 0;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "raw '>' in text {text:?}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |end| i + end + 1)];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity),
                "bad entity {entity:?}"
            );
        }
        let end = start + rest[start..].find('>').expect("unclosed tag");
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes in <{tag}>");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "mismatched </{name}>");
            continue;
        }
        let name = tag.split([' ', '/', '\n']).next().unwrap_or("").to_string();
        assert!(!name.is_empty(), "empty tag");
        if open.is_empty() {
            roots += 1;
        }
        seen.push(name.clone());
        if !tag.ends_with('/') {
            open.push(name);
        }
    }
    assert!(rest.trim().is_empty(), "text after the root");
    assert!(open.is_empty(), "unclosed {open:?}");
    assert_eq!(roots, 1);
    seen
}

/// For tests of charts: where each `<text>` of `svg` lies, as [`text_width`] measures it, with
/// its anchor and the document's 12 px unless it says otherwise: `(left, top, right, bottom,
/// text)`, from the baseline up 0.8 em and down 0.25 em.
#[cfg(test)]
pub(crate) fn text_boxes(svg: &str) -> Vec<(f64, f64, f64, f64, String)> {
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[start..start + tag[start..].find('"')?].to_string())
    };
    let mut boxes = Vec::new();
    for piece in svg.split("<text").skip(1) {
        let (tag, rest) = piece.split_once('>').expect("a closed tag");
        let content = &rest[..rest.find("</text>").expect("</text>")];
        let text =
            [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")]
                .iter()
                .fold(content.to_string(), |text, (entity, c)| text.replace(entity, c));
        let number = |name: &str| attribute(tag, name).and_then(|v| v.parse::<f64>().ok());
        let size = number("font-size").unwrap_or(12.0);
        let bold = attribute(tag, "font-weight").as_deref() == Some("bold");
        let width = text_width(&text, size, bold);
        let (x, y) = (number("x").expect("x"), number("y").expect("y"));
        let left = match attribute(tag, "text-anchor").as_deref() {
            Some("middle") => x - width / 2.0,
            Some("end") => x - width,
            _ => x,
        };
        boxes.push((left, y - 0.8 * size, left + width, y + 0.25 * size, text));
    }
    boxes
}

/// For tests of charts: asserts that every `<text>` of `svg` lies on its `width` × `height`
/// canvas and that no two overlap ([`text_boxes`]).
#[cfg(test)]
pub(crate) fn assert_text_fits(svg: &str, width: f64, height: f64) {
    let boxes = text_boxes(svg);
    for (left, top, right, bottom, text) in &boxes {
        assert!(
            *left >= 0.0 && *right <= width && *top >= 0.0 && *bottom <= height,
            "{text:?} spans {left:.1}–{right:.1} × {top:.1}–{bottom:.1}, off the {width} × {height} canvas"
        );
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
            assert!(apart, "{:?} and {:?} overlap", a.4, b.4);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_widths_are_at_least_those_of_the_usual_faces() {
        // Advance widths of DejaVu Sans and DejaVu Sans Bold (from the fonts' `hmtx` tables, in
        // thousandths of an em) and of Helvetica (its AFM): the widest of the usual `sans-serif` faces.
        for (text, bold, thousandths) in [
            ("W", false, 989.0),
            ("W", true, 1103.0),
            ("m", false, 974.0),
            ("m", true, 1042.0),
            ("M", true, 995.0),
            ("a", true, 675.0),
            ("_", false, 556.0),
            ("@", false, 1015.0),
            ("0", true, 696.0),
        ] {
            assert!(text_width(text, 1000.0, bold) >= thousandths, "{text} bold {bold}");
        }
        assert_eq!(text_width("ab", 1000.0, false), 613.0 + 635.0);
        assert!(text_width("é", 12.0, true) > text_width("W", 12.0, true));
        let cut = fit(&"W".repeat(40), 200.0, 12.0, true);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0, true) <= 200.0, "{cut}");
        assert_eq!(fit("weld", 200.0, 12.0, true), "weld");
    }

    #[test]
    fn a_long_title_is_cut_to_the_canvas() {
        let mut chart = Chart::new("W".repeat(80));
        chart.subtitle = "M".repeat(80);
        let svg = chart.svg();
        let boxes = text_boxes(&svg);
        let cut: Vec<_> = boxes.iter().filter(|b| b.4.ends_with('…')).collect();
        assert_eq!(cut.len(), 2, "{boxes:?}");
        assert!(cut.iter().all(|b| b.0 >= 16.0 && b.2 <= 720.0 - 16.0), "{cut:?}");
        assert!(svg.contains(&format!("<title>{}</title>", "W".repeat(80))), "the title is whole");
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(nice_ticks(0.0, 10.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(17.3, 82.1, 5), [20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]);
        assert_eq!(nice_ticks(0.0, 1.0, 5), [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(nice_ticks(-3.0, 3.0, 6), [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(nice_ticks(-3.0, 3.0, 4), [-2.0, 0.0, 2.0]);
        assert!(nice_ticks(1.0, 1.0, 5).is_empty());
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert_eq!(tick_label(0.6000000000000001, 0.2), "0.6");
        assert_eq!(tick_label(-0.0001, 0.2), "0.0");
        assert_eq!(tick_label(1500.0, 500.0), "1500");
    }

    #[test]
    fn a_chart_with_every_kind_of_series_is_well_formed() {
        let mut chart = Chart::new("Weld <times> & \"fits\"");
        chart.subtitle = "n = 3".to_string();
        chart.x_label = "time (s)".to_string();
        chart.y_label = "density".to_string();
        chart.series = vec![
            Series::Histogram {
                label: "observed".to_string(),
                bins: vec![
                    Bin { low: 0.0, high: 1.0, height: 0.2 },
                    Bin { low: 1.0, high: 2.0, height: 0.5 },
                ],
                colour: PALETTE[0].to_string(),
            },
            Series::Bars {
                label: "bars".to_string(),
                bars: vec![(0.5, 0.1)],
                width: 0.2,
                colour: PALETTE[1].to_string(),
            },
            Series::Line {
                label: "fitted".to_string(),
                points: vec![(0.0, 0.0), (1.0, 0.4), (f64::NAN, 1.0), (2.0, 0.3)],
                colour: PALETTE[2].to_string(),
                dashed: true,
            },
            Series::Step {
                label: "ecdf".to_string(),
                points: vec![(0.0, 0.1), (1.0, 0.3)],
                colour: PALETTE[3].to_string(),
            },
            Series::Scatter {
                label: String::new(),
                points: vec![(0.5, 0.5)],
                colour: PALETTE[4].to_string(),
            },
            Series::Reference { label: "y = x".to_string(), from: (0.0, 0.0), to: (2.0, 0.6) },
        ];
        let svg = chart.svg();
        let names = well_formed_svg(&svg);
        assert_eq!(names[0], "svg");
        for element in ["polyline", "circle", "clipPath", "rect", "line", "text"] {
            assert!(names.iter().any(|n| n == element), "{element}");
        }
        assert!(svg.contains("Weld &lt;times&gt; &amp; &quot;fits&quot;"));
        assert!(!svg.contains("NaN"), "non-finite points are left out");
        // Five labelled series in the legend, each once.
        assert_eq!(svg.matches(">observed</text>").count(), 1);
        assert_eq!(svg, chart.svg(), "deterministic");
    }

    #[test]
    fn an_empty_or_flat_chart_still_renders() {
        let svg = Chart::new("nothing").svg();
        assert_eq!(well_formed_svg(&svg)[0], "svg");
        let mut flat = Chart::new("flat");
        flat.series.push(Series::Scatter {
            label: "one".to_string(),
            points: vec![(3.0, 3.0)],
            colour: PALETTE[0].to_string(),
        });
        assert!(!flat.svg().contains("NaN"));
    }
}
