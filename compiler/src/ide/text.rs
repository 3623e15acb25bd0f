//! Numbers, quantities and distributions in words, for hover and inlay hints.
//!
//! A value is shown in the unit the user wrote and, when that differs, in SI: `25 min (1500 s)`.
//! SI here means seconds, metres, kilograms and radians; counts carry no unit and money shows as
//! `money`, since the model's one currency is whatever it writes.

use crate::value::{Quantity, Value};
use fab_grammar::ast::UnitExpr;
use fab_stdlib::dist::Distribution;
use fab_stdlib::units::{self, Dimension};

/// A unit to show values in: its spelling and the SI value of one of it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ShownUnit {
    pub name: String,
    pub factor: f64,
}

impl ShownUnit {
    /// The unit a user wrote, when every factor is a known unit.
    pub fn written(unit: &UnitExpr) -> Option<ShownUnit> {
        let mut scale = units::Scale::ONE;
        for part in &unit.factors {
            let decl = units::lookup(&part.name.name)?;
            scale = scale * decl.scale.powi(part.power);
        }
        let factor = scale.factor();
        (factor.is_finite() && factor != 0.0).then(|| ShownUnit { name: unit.display(), factor })
    }

    /// The SI unit of a dimension.
    pub fn si(dim: Dimension) -> ShownUnit {
        ShownUnit { name: si_unit(dim), factor: 1.0 }
    }
}

/// The SI unit of a dimension, e.g. `m/s^2`, `1/s`; empty for plain numbers and counts.
pub(crate) fn si_unit(dim: Dimension) -> String {
    const SYMBOLS: [&str; 6] = ["s", "m", "kg", "rad", "money", ""];
    let part = |positive: bool| {
        let mut factors = Vec::new();
        for (symbol, exponent) in SYMBOLS.iter().zip(dim.0) {
            let power = if positive { exponent } else { -exponent };
            if power > 0 && !symbol.is_empty() {
                factors.push(if power == 1 {
                    symbol.to_string()
                } else {
                    format!("{symbol}^{power}")
                });
            }
        }
        factors.join("*")
    };
    let (numerator, denominator) = (part(true), part(false));
    match (numerator.is_empty(), denominator.is_empty()) {
        (_, true) => numerator,
        (true, false) => format!("1/{denominator}"),
        (false, false) => format!("{numerator}/{denominator}"),
    }
}

/// A number for people: at most `digits` significant digits, without trailing zeros.
pub(crate) fn number(value: f64, digits: i32) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "∞".to_string() } else { "-∞".to_string() };
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs().log10().floor() as i32;
    if !(-6..=12).contains(&magnitude) {
        return format!("{:.*e}", (digits - 1).max(0) as usize, value);
    }
    let value = if magnitude >= digits {
        // Round away the digits beyond the significant ones: 580980 to 4 digits is 581000.
        let scale = 10f64.powi(magnitude - digits + 1);
        (value / scale).round() * scale
    } else {
        value
    };
    let decimals = (digits - 1 - magnitude).clamp(0, 15) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

/// Significant digits of a value the user wrote, converted.
pub(crate) const EXACT: i32 = 6;

/// Significant digits of a derived value (a mean, a standard deviation).
pub(crate) const DERIVED: i32 = 4;

/// `value` (in SI) in `unit`, with the unit after it.
pub(crate) fn in_unit(si: f64, unit: &ShownUnit, digits: i32) -> String {
    let shown = number(si / unit.factor, digits);
    if unit.name.is_empty() { shown } else { format!("{shown} {}", unit.name) }
}

/// A quantity in the unit written and, when that is not SI, in SI too: `25 min (1500 s)`.
pub(crate) fn quantity(si: f64, dim: Dimension, written: Option<&ShownUnit>) -> String {
    quantity_to(si, dim, written, EXACT)
}

/// [`quantity`] with `digits` significant digits.
pub(crate) fn quantity_to(
    si: f64,
    dim: Dimension,
    written: Option<&ShownUnit>,
    digits: i32,
) -> String {
    let si_shown = in_unit(si, &ShownUnit::si(dim), digits);
    match written {
        Some(unit) if unit.factor != 1.0 || unit.name != si_unit(dim) => {
            let written_shown = in_unit(si, unit, digits);
            if written_shown == si_shown {
                si_shown
            } else {
                format!("{written_shown} ({si_shown})")
            }
        }
        _ => si_shown,
    }
}

/// The mean, standard deviation and support of a distribution, one fact per entry.
pub(crate) fn distribution_facts(
    dist: &Distribution,
    dim: Dimension,
    written: Option<&ShownUnit>,
) -> Vec<(&'static str, String)> {
    let show = |si: f64| quantity_to(si, dim, written, DERIVED);
    let short = |si: f64| match written {
        Some(unit) => in_unit(si, unit, EXACT),
        None => in_unit(si, &ShownUnit::si(dim), EXACT),
    };
    let (low, high) = dist.support();
    let support = match (low.is_finite(), high.is_finite()) {
        (true, true) if low == high => format!("{{{}}}", short(low)),
        (true, true) => format!("[{}, {}]", short(low), short(high)),
        (true, false) if low == 0.0 && !matches!(dist, Distribution::Lognormal { .. }) => {
            format!("[{}, ∞)", short(low))
        }
        (true, false) if matches!(dist, Distribution::Lognormal { .. }) => {
            format!("({}, ∞)", short(low))
        }
        (true, false) => format!("[{}, ∞)", short(low)),
        _ => "(-∞, ∞)".to_string(),
    };
    vec![("mean", show(dist.mean())), ("sd", show(dist.sd())), ("support", support)]
}

/// A short phrase for a value, for inlay hints and hover: `26.7 s`, `lognormal, mean 40 s`.
pub(crate) fn value_summary(value: &Value, written: Option<&ShownUnit>) -> Option<String> {
    match value {
        Value::Number(Quantity { si: Some(si), dim, .. }) => Some(quantity(*si, *dim, written)),
        Value::Dist(d) => {
            let dist = d.dist.as_ref()?;
            let unit = written.cloned().unwrap_or_else(|| ShownUnit::si(d.dim));
            Some(format!("{}, mean {}", dist.family_name(), in_unit(dist.mean(), &unit, DERIVED)))
        }
        Value::Bool(b) => Some(b.to_string()),
        Value::Str(s) => Some(format!("{s:?}")),
        Value::Word(w) => Some(w.clone()),
        Value::Ref(declaration) => Some(declaration.name.clone()),
        Value::Clocked { value, clock } => {
            value_summary(value, written).map(|inner| format!("{inner} of {clock}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact_enough() {
        assert_eq!(number(1500.0, 6), "1500");
        assert_eq!(number(0.4, 6), "0.4");
        assert_eq!(number(26.666_666, 4), "26.67");
        assert_eq!(number(-0.000_01, 3), "-0.00001");
        assert_eq!(number(3.0e15, 3), "3.00e15");
        assert_eq!(number(580_980.0, 4), "581000");
        assert_eq!(number(f64::INFINITY, 3), "∞");
    }

    #[test]
    fn si_units_of_dimensions() {
        assert_eq!(si_unit(Dimension::ACCELERATION), "m/s^2");
        assert_eq!(si_unit(Dimension::RATE), "1/s");
        assert_eq!(si_unit(Dimension::COUNT), "");
        assert_eq!(si_unit(Dimension::POWER), "m^2*kg/s^3");
    }

    #[test]
    fn quantities_show_the_written_unit_then_si() {
        let minutes = ShownUnit { name: "min".to_string(), factor: 60.0 };
        assert_eq!(quantity(1500.0, Dimension::TIME, Some(&minutes)), "25 min (1500 s)");
        assert_eq!(quantity(1.5, Dimension::LENGTH, None), "1.5 m");
        let metres = ShownUnit { name: "m".to_string(), factor: 1.0 };
        assert_eq!(quantity(1.5, Dimension::LENGTH, Some(&metres)), "1.5 m");
    }
}
