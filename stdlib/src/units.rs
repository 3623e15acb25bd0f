//! Dimensions and units: the one table of every unit a `.fab` model may write.
//!
//! A [`Dimension`] is a vector of integer exponents over six base dimensions: time, length, mass,
//! angle, money and count. Angle, money and count are kept as base dimensions of their own so that an
//! angle is never mistaken for a ratio, a price for a number, or `20000 cycles` for a plain 20000.
//!
//! Count is a *soft* dimension: where a count is expected, a bare number is accepted (`capacity = 5`);
//! where a rate is expected, `30 parts/h` and `1 / 2 min` are both accepted; more generally two
//! dimensions that differ only in count match when one has no count exponent (a time per part is
//! a duration), except that a plain ratio refuses a count. See [`Dimension::accepts`]. Every other
//! exponent must match exactly.
//!
//! Every unit converts to SI by a factor (no unit here has an offset): seconds, metres, kilograms,
//! radians, the model's one currency, and counts.

use std::fmt;

/// Exponents over the base dimensions, in the order of [`BASE_NAMES`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Dimension(pub [i8; 6]);

/// The base dimensions' symbols, in exponent order.
pub const BASE_NAMES: [&str; 6] = ["T", "L", "M", "angle", "money", "count"];

impl Dimension {
    pub const NONE: Dimension = Dimension([0, 0, 0, 0, 0, 0]);
    pub const TIME: Dimension = Dimension([1, 0, 0, 0, 0, 0]);
    pub const LENGTH: Dimension = Dimension([0, 1, 0, 0, 0, 0]);
    pub const MASS: Dimension = Dimension([0, 0, 1, 0, 0, 0]);
    pub const ANGLE: Dimension = Dimension([0, 0, 0, 1, 0, 0]);
    pub const MONEY: Dimension = Dimension([0, 0, 0, 0, 1, 0]);
    pub const COUNT: Dimension = Dimension([0, 0, 0, 0, 0, 1]);
    pub const VELOCITY: Dimension = Dimension([-1, 1, 0, 0, 0, 0]);
    pub const ACCELERATION: Dimension = Dimension([-2, 1, 0, 0, 0, 0]);
    pub const JERK: Dimension = Dimension([-3, 1, 0, 0, 0, 0]);
    pub const ANGULAR_VELOCITY: Dimension = Dimension([-1, 0, 0, 1, 0, 0]);
    pub const RATE: Dimension = Dimension([-1, 0, 0, 0, 0, 1]);
    pub const POWER: Dimension = Dimension([-3, 2, 1, 0, 0, 0]);
    pub const ENERGY: Dimension = Dimension([-2, 2, 1, 0, 0, 0]);
    pub const MONEY_RATE: Dimension = Dimension([-1, 0, 0, 0, 1, 0]);

    /// The largest exponent a dimension holds, either way. Arithmetic on what a model writes goes
    /// through the `checked_` methods, which refuse a result beyond it instead of clamping it
    /// (a clamped `s^130` would be checked as some other dimension).
    pub const MAX_EXPONENT: i32 = i8::MAX as i32;

    /// The dimension raised to `power`, or `None` when an exponent leaves ±[`Self::MAX_EXPONENT`].
    pub fn checked_powi(self, power: i32) -> Option<Dimension> {
        self.combine(self, |exponent, _| exponent.checked_mul(power))
    }

    /// The dimension of a product, or `None` when an exponent leaves ±[`Self::MAX_EXPONENT`].
    pub fn checked_mul(self, other: Dimension) -> Option<Dimension> {
        self.combine(other, |a, b| a.checked_add(b))
    }

    /// The dimension of a quotient, or `None` when an exponent leaves ±[`Self::MAX_EXPONENT`].
    pub fn checked_div(self, other: Dimension) -> Option<Dimension> {
        self.combine(other, |a, b| a.checked_sub(b))
    }

    /// Applies `f` exponent by exponent, in `i32`, keeping the result only when every exponent
    /// lies within ±[`Self::MAX_EXPONENT`] (so that negating one never overflows either).
    fn combine(self, other: Dimension, f: impl Fn(i32, i32) -> Option<i32>) -> Option<Dimension> {
        let mut out = [0i8; 6];
        for (slot, (a, b)) in out.iter_mut().zip(self.0.iter().zip(other.0)) {
            let exponent = f(i32::from(*a), i32::from(b))?;
            if exponent.abs() > Self::MAX_EXPONENT {
                return None;
            }
            *slot = exponent as i8;
        }
        Some(Dimension(out))
    }

    /// The dimension raised to `power`, for the small powers of the catalog's own declarations;
    /// an exponent out of range saturates. Use [`Dimension::checked_powi`] on what a model writes.
    pub fn powi(self, power: i32) -> Dimension {
        let power = power.clamp(-Self::MAX_EXPONENT, Self::MAX_EXPONENT) as i8;
        Dimension(self.0.map(|exponent| exponent.saturating_mul(power).max(-i8::MAX)))
    }

    pub fn is_dimensionless(self) -> bool {
        self == Dimension::NONE
    }

    /// Whether a value of dimension `found` may stand where `self` is expected: the exponents are
    /// equal, or they differ only in count and one side has no count exponent (count is soft). A
    /// plain ratio still refuses a count (`cv = 5 parts` is a mistake), while a count accepts a
    /// plain number.
    pub fn accepts(self, found: Dimension) -> bool {
        if self == found {
            return true;
        }
        let same_but_count = self.0[..5] == found.0[..5];
        let one_side_uncounted = found.0[5] == 0 || self.0[5] == 0;
        let plain_ratio_expected = self == Dimension::NONE;
        same_but_count && one_side_uncounted && !plain_ratio_expected
    }

    /// The name of the quantity type with this dimension, where it has one (`Duration`, `Velocity`).
    pub fn quantity_name(self) -> Option<&'static str> {
        QUANTITY_NAMES.iter().find(|(dimension, _)| *dimension == self).map(|(_, name)| *name)
    }
}

impl std::ops::Mul for Dimension {
    type Output = Dimension;

    /// The dimension of a product: exponents add (saturating; see [`Dimension::checked_mul`] for
    /// what a model writes).
    fn mul(self, other: Dimension) -> Dimension {
        let mut out = self.0;
        for (slot, exponent) in out.iter_mut().zip(other.0) {
            *slot = slot.saturating_add(exponent).max(-i8::MAX);
        }
        Dimension(out)
    }
}

impl std::ops::Div for Dimension {
    type Output = Dimension;

    /// The dimension of a quotient: exponents subtract.
    fn div(self, other: Dimension) -> Dimension {
        self * other.powi(-1)
    }
}

/// Names of the quantity types of LANGUAGE.md §4, by dimension.
pub const QUANTITY_NAMES: &[(Dimension, &str)] = &[
    (Dimension::NONE, "Ratio"),
    (Dimension::TIME, "Duration"),
    (Dimension::LENGTH, "Length"),
    (Dimension::MASS, "Mass"),
    (Dimension::ANGLE, "Angle"),
    (Dimension::MONEY, "Money"),
    (Dimension::COUNT, "Count"),
    (Dimension::VELOCITY, "Velocity"),
    (Dimension::ACCELERATION, "Acceleration"),
    (Dimension::JERK, "Jerk"),
    (Dimension::ANGULAR_VELOCITY, "AngularVelocity"),
    (Dimension::RATE, "Rate"),
    (Dimension::POWER, "Power"),
    (Dimension::ENERGY, "Energy"),
    (Dimension::MONEY_RATE, "MoneyRate"),
];

/// The dimension of a quantity type name (`Duration` → T).
pub fn dimension_of_type_name(name: &str) -> Option<Dimension> {
    QUANTITY_NAMES.iter().find(|(_, n)| *n == name).map(|(dimension, _)| *dimension)
}

impl fmt::Display for Dimension {
    /// `Duration` where the dimension has a name, otherwise its exponents, as `L/T^3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = self.quantity_name() {
            return f.write_str(name);
        }
        f.write_str(&self.formula())
    }
}

impl fmt::Debug for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formula())
    }
}

impl Dimension {
    /// The exponents as a formula, e.g. `L/T^2`, `1/T`, `1` for none.
    pub fn formula(self) -> String {
        let part = |positive: bool| {
            let mut factors = Vec::new();
            for (name, exponent) in BASE_NAMES.iter().zip(self.0) {
                let power = if positive { exponent } else { -exponent };
                if power > 0 {
                    factors.push(if power == 1 {
                        name.to_string()
                    } else {
                        format!("{name}^{power}")
                    });
                }
            }
            factors.join("·")
        };
        let (numerator, denominator) = (part(true), part(false));
        match (numerator.is_empty(), denominator.is_empty()) {
            (true, true) => "1".to_string(),
            (false, true) => numerator,
            (true, false) => format!("1/{denominator}"),
            (false, false) => format!("{numerator}/{denominator}"),
        }
    }
}

/// The SI value of one of a unit, as the ratio `times / per` of two whole numbers where the unit
/// allows: `min` is 60 / 1, `ms` is 1 / 1000, `%` is 1 / 100. A quantity is converted as
/// `value × times / per`. For a unit that is a whole number of SI units, one over a whole
/// number, or a ratio of such (`km/h`), that is the exact value correctly rounded while the
/// product `value × times` is exact: `95 %` is 0.95 and `3 EUR/h` is 3 / 3600, where a factor of
/// 0.01 or 1 / 3600 (neither exact in binary) gives one unit in the last place more.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Scale {
    pub times: f64,
    pub per: f64,
}

impl Scale {
    /// The scale of an SI unit.
    pub const ONE: Scale = Scale { times: 1.0, per: 1.0 };

    /// `times` SI units in one.
    pub const fn times(times: f64) -> Scale {
        Scale { times, per: 1.0 }
    }

    /// One SI unit is `per` of these.
    pub const fn per(per: f64) -> Scale {
        Scale { times: 1.0, per }
    }

    /// The scale of this unit raised to `power` (a negative power swaps the two sides), by
    /// repeated multiplication: `mm^2` is 1 / 1000000, exactly.
    pub fn powi(self, power: i32) -> Scale {
        let mut raised = Scale::ONE;
        for _ in 0..power.unsigned_abs() {
            raised = raised * self;
        }
        if power < 0 { Scale { times: raised.per, per: raised.times } } else { raised }
    }

    /// `value` of this unit, in SI. Where the product `value × times` overflows, or comes so
    /// close to zero that it loses digits, while the quotient would not (`1.7e308 km/h` is
    /// 4.7e307 m/s), the value is divided by `per` first: rounded twice, but not turned to
    /// infinity or 0 on the way.
    pub fn to_si(self, value: f64) -> f64 {
        let si = value * self.times / self.per;
        let intermediate = value * self.times;
        if value == 0.0 || (intermediate.is_finite() && intermediate.abs() >= f64::MIN_POSITIVE) {
            si
        } else {
            value / self.per * self.times
        }
    }

    /// The number written as `text` (digits, `_`, a decimal point, an exponent), of this unit, in
    /// SI, rounded once from the exact decimal: `99.9 %` is the double nearest 0.999 and `2.007 t`
    /// is 2007, where [`Scale::to_si`] rounds twice (99.9 to a double, then its hundredth:
    /// 0.9990000000000001; 2007.0000000000002). `None` when the value is not in reach of whole
    /// numbers of 127 bits (some 38 digits, a large exponent) or of a normal double; the
    /// caller then converts the parsed value with [`Scale::to_si`].
    pub fn decimal_to_si(self, text: &str) -> Option<f64> {
        let whole = |x: f64| {
            ((1.0..=9_007_199_254_740_992.0).contains(&x) && x.fract() == 0.0).then_some(x as u128)
        };
        let (times, per) = (whole(self.times)?, whole(self.per)?);
        let (digits, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], text[at + 1..].replace('_', "").parse::<i32>().ok()?),
            None => (text, 0),
        };
        let mut mantissa: u128 = 0;
        let mut decimals: i32 = 0;
        let mut after_point = false;
        for character in digits.chars() {
            match character {
                '0'..='9' => {
                    mantissa = mantissa
                        .checked_mul(10)?
                        .checked_add(u128::from(character as u8 - b'0'))?;
                    decimals += i32::from(after_point);
                }
                '.' => after_point = true,
                '_' => {}
                _ => return None,
            }
        }
        let power = exponent.checked_sub(decimals)?;
        let ten = 10u128.checked_pow(power.unsigned_abs())?;
        let (numerator, denominator) = if power >= 0 {
            (mantissa.checked_mul(times)?.checked_mul(ten)?, per)
        } else {
            (mantissa.checked_mul(times)?, per.checked_mul(ten)?)
        };
        correctly_rounded(numerator, denominator)
    }

    /// The SI value of one of this unit.
    pub fn factor(self) -> f64 {
        self.times / self.per
    }

    /// Whether this is the scale of an SI unit.
    pub fn is_one(self) -> bool {
        self.times == self.per
    }
}

/// `numerator / denominator` rounded to the nearest double (ties to even), by long division:
/// `None` for operands of 2¹²⁷ or more (so that every shift below fits 128 bits), and for
/// quotients outside the normal doubles.
fn correctly_rounded(numerator: u128, denominator: u128) -> Option<f64> {
    const LIMIT: u128 = 1 << 127;
    if numerator == 0 {
        return Some(0.0);
    }
    if numerator >= LIMIT || denominator == 0 || denominator >= LIMIT {
        return None;
    }
    let bits = |x: u128| 128 - x.leading_zeros() as i32;
    // 2^e ≤ numerator / denominator < 2^(e + 1), and a / b the quotient scaled into [1, 2).
    let mut e = bits(numerator) - bits(denominator);
    let scaled = |e: i32| {
        if e >= 0 { (numerator, denominator << e) } else { (numerator << -e, denominator) }
    };
    let (mut a, mut b) = scaled(e);
    if a < b {
        e -= 1;
        (a, b) = scaled(e);
    }
    // The leading 1, 52 more bits and a rounding bit; what remains decides a tie.
    let mut quotient: u64 = 1;
    let mut remainder = a - b;
    for _ in 0..53 {
        remainder <<= 1;
        quotient <<= 1;
        if remainder >= b {
            remainder -= b;
            quotient |= 1;
        }
    }
    let round = quotient & 1 == 1;
    quotient >>= 1;
    if round && (remainder != 0 || quotient & 1 == 1) {
        quotient += 1;
        if quotient == 1 << 53 {
            quotient >>= 1;
            e += 1;
        }
    }
    if !(-1022..=1023).contains(&e) {
        return None;
    }
    let biased = u64::try_from(e + 1023).ok()?;
    Some(f64::from_bits((biased << 52) | (quotient & ((1 << 52) - 1))))
}

/// The scale of the product of two units.
impl std::ops::Mul for Scale {
    type Output = Scale;

    fn mul(self, other: Scale) -> Scale {
        Scale { times: self.times * other.times, per: self.per * other.per }
    }
}

/// One unit name with its dimension and its value in SI.
#[derive(Clone, Copy, Debug)]
pub struct UnitDecl {
    pub name: &'static str,
    pub dimension: Dimension,
    /// The SI value of one of this unit: `min` is 60 (seconds), `ms` 1 / 1000.
    pub scale: Scale,
    pub doc: &'static str,
}

impl UnitDecl {
    /// The SI value of one of this unit, e.g. 60 for `min`.
    pub fn to_si(&self) -> f64 {
        self.scale.factor()
    }
}

const fn unit(
    name: &'static str,
    dimension: Dimension,
    scale: Scale,
    doc: &'static str,
) -> UnitDecl {
    UnitDecl { name, dimension, scale, doc }
}

const ONE: Scale = Scale::ONE;
const fn times(times: f64) -> Scale {
    Scale::times(times)
}
const fn per(per: f64) -> Scale {
    Scale::per(per)
}

/// Every unit name, declared once. Compound units (`m/s^2`, `EUR/h`) are products of these.
pub const UNITS: &[UnitDecl] = &[
    unit("ms", Dimension::TIME, per(1e3), "millisecond"),
    unit("s", Dimension::TIME, ONE, "second (SI base unit of time)"),
    unit("min", Dimension::TIME, times(60.0), "minute, 60 s"),
    unit("h", Dimension::TIME, times(3600.0), "hour, 3600 s"),
    unit("d", Dimension::TIME, times(86_400.0), "day, 24 h"),
    unit("wk", Dimension::TIME, times(604_800.0), "week, 7 d"),
    // Last of the times: a number without a unit is offered the first three of its dimension.
    unit("us", Dimension::TIME, per(1e6), "microsecond (the clock counts whole nanoseconds)"),
    unit("mm", Dimension::LENGTH, per(1e3), "millimetre"),
    unit("cm", Dimension::LENGTH, per(1e2), "centimetre"),
    unit("m", Dimension::LENGTH, ONE, "metre (SI base unit of length)"),
    unit("km", Dimension::LENGTH, times(1e3), "kilometre"),
    unit("inch", Dimension::LENGTH, Scale { times: 254.0, per: 1e4 }, "inch, 25.4 mm"),
    unit("ft", Dimension::LENGTH, Scale { times: 3048.0, per: 1e4 }, "foot, 0.3048 m"),
    unit("g", Dimension::MASS, per(1e3), "gram"),
    unit("kg", Dimension::MASS, ONE, "kilogram (SI base unit of mass)"),
    unit("t", Dimension::MASS, times(1e3), "tonne, 1000 kg"),
    unit("lb", Dimension::MASS, Scale { times: 45_359_237.0, per: 1e8 }, "pound, 0.45359237 kg"),
    unit(
        "deg",
        Dimension::ANGLE,
        Scale { times: std::f64::consts::PI, per: 180.0 },
        "degree of arc",
    ),
    unit("rad", Dimension::ANGLE, ONE, "radian"),
    unit("EUR", Dimension::MONEY, ONE, "euro (one currency per model)"),
    unit("USD", Dimension::MONEY, ONE, "US dollar (one currency per model)"),
    unit("W", Dimension::POWER, ONE, "watt"),
    unit("kW", Dimension::POWER, times(1e3), "kilowatt"),
    unit("Wh", Dimension::ENERGY, times(3600.0), "watt-hour, 3600 J"),
    unit("kWh", Dimension::ENERGY, times(3.6e6), "kilowatt-hour"),
    unit("J", Dimension::ENERGY, ONE, "joule"),
    unit("%", Dimension::NONE, per(100.0), "percent, one hundredth"),
    unit("cycles", Dimension::COUNT, ONE, "a count of machine cycles"),
    unit("parts", Dimension::COUNT, ONE, "a count of parts"),
    unit("runs", Dimension::COUNT, ONE, "a count of simulation runs (optimization budgets)"),
];

/// The currency units; a model uses one of them.
pub const CURRENCIES: &[&str] = &["EUR", "USD"];

/// Looks a unit name up.
pub fn lookup(name: &str) -> Option<&'static UnitDecl> {
    UNITS.iter().find(|unit| unit.name == name)
}

/// Whether `name` is a unit name: the predicate the parser uses to end a unit expression.
pub fn is_unit_name(name: &str) -> bool {
    lookup(name).is_some()
}

/// The units of one dimension, for completion and for "did you mean" on a wrong unit.
pub fn units_of(dimension: Dimension) -> impl Iterator<Item = &'static UnitDecl> {
    UNITS.iter().filter(move |unit| unit.dimension == dimension)
}

/// Up to three units to suggest for a number of `dimension` written without one: units of that
/// dimension (`ms`, `s`, `min`) or, for a dimension that no single unit has (a velocity, a rate, a
/// cost rate), a declared unit per time (`m/s`, `parts/h`, `EUR/h`). A count is soft, so `parts` per time stands where one over a time is expected.
pub fn example_units(dimension: Dimension) -> Vec<String> {
    let own: Vec<String> = units_of(dimension).take(3).map(|unit| unit.name.to_string()).collect();
    if !own.is_empty() {
        return own;
    }
    let usual_time = display_unit(dimension)
        .and_then(|(shown, _)| shown.rsplit('/').next())
        .map(|time| time.split('^').next().unwrap_or(time));
    for power in 1..=3 {
        let mut numerator = dimension * Dimension::TIME.powi(power);
        if numerator == Dimension::NONE {
            numerator = Dimension::COUNT;
        }
        let name = display_unit(numerator)
            .map(|(shown, _)| shown)
            .filter(|shown| !shown.contains('/'))
            .or_else(|| units_of(numerator).next().map(|unit| unit.name));
        let Some(name) = name else { continue };
        if power > 1 {
            return vec![format!("{name}/s^{power}")];
        }
        // Speeds per second, rates and costs per hour, as they are usually quoted.
        let times = if usual_time == Some("s") { ["s", "min", "h"] } else { ["h", "min", "s"] };
        return times.into_iter().map(|time| format!("{name}/{time}")).collect();
    }
    Vec::new()
}

/// A unit for showing a value of `dimension` back to a user, with its factor, e.g. `m/s` for velocity.
pub fn display_unit(dimension: Dimension) -> Option<(&'static str, f64)> {
    const DISPLAY: &[(Dimension, &str, f64)] = &[
        (Dimension::TIME, "s", 1.0),
        (Dimension::LENGTH, "m", 1.0),
        (Dimension::MASS, "kg", 1.0),
        (Dimension::ANGLE, "deg", std::f64::consts::PI / 180.0),
        (Dimension::VELOCITY, "m/s", 1.0),
        (Dimension::ACCELERATION, "m/s^2", 1.0),
        (Dimension::JERK, "m/s^3", 1.0),
        (Dimension::ANGULAR_VELOCITY, "deg/s", std::f64::consts::PI / 180.0),
        (Dimension::RATE, "parts/h", 1.0 / 3600.0),
        (Dimension::POWER, "W", 1.0),
        (Dimension::ENERGY, "kWh", 3.6e6),
        (Dimension::COUNT, "parts", 1.0),
        (Dimension::MONEY_RATE, "/h", 1.0 / 3600.0),
    ];
    DISPLAY.iter().find(|(d, _, _)| *d == dimension).map(|(_, unit, factor)| (*unit, *factor))
}

/// A number converted between units, written back without the rounding noise of the conversion:
/// its value rounded to 12 significant digits, as the shortest decimal (`99.9 %` as a share is
/// `0.999`, not `0.9990000000000001`; `2 h` in seconds is `7200`).
pub fn tidy_number(value: f64) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let rounded: f64 = format!("{value:.11e}").parse().unwrap_or(value);
    if rounded == 0.0 { "0".to_string() } else { format!("{rounded}") }
}

/// A number followed by its unit, as fab writes a value: `6 EUR/h`, `90 %`; the number alone
/// where there is no unit (a plain number, a share).
pub fn with_unit(number: &str, unit: &str) -> String {
    if unit.is_empty() { number.to_string() } else { format!("{number} {unit}") }
}

/// A name followed by its unit in brackets, as a column or an axis is headed: `lead_time [s]`;
/// the name alone where there is no unit.
pub fn labelled(name: &str, unit: &str) -> String {
    if unit.is_empty() { name.to_string() } else { format!("{name} [{unit}]") }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number without a unit is offered units it can take, compound ones where no single unit
    /// has the dimension: a velocity, a rate and a cost rate used to be offered none.
    #[test]
    fn example_units_cover_the_dimensions_of_compound_units() {
        assert_eq!(example_units(Dimension::TIME), ["ms", "s", "min"]);
        assert_eq!(example_units(Dimension::VELOCITY), ["m/s", "m/min", "m/h"]);
        assert_eq!(example_units(Dimension::ACCELERATION), ["m/s^2"]);
        assert_eq!(example_units(Dimension::RATE), ["parts/h", "parts/min", "parts/s"]);
        assert_eq!(
            example_units(Dimension::NONE / Dimension::TIME),
            ["parts/h", "parts/min", "parts/s"]
        );
        assert_eq!(example_units(Dimension::MONEY_RATE), ["EUR/h", "EUR/min", "EUR/s"]);
        for units in
            [Dimension::VELOCITY, Dimension::RATE, Dimension::MONEY_RATE].map(example_units)
        {
            assert!(units.iter().all(|unit| {
                unit.split('/').all(|name| lookup(name.split('^').next().unwrap()).is_some())
            }));
        }
    }

    #[test]
    fn unit_names_are_unique() {
        for (index, unit) in UNITS.iter().enumerate() {
            assert!(
                UNITS[index + 1..].iter().all(|other| other.name != unit.name),
                "{}",
                unit.name
            );
        }
    }

    #[test]
    fn dimension_algebra() {
        assert_eq!(Dimension::LENGTH / Dimension::TIME, Dimension::VELOCITY);
        assert_eq!(Dimension::VELOCITY / Dimension::TIME, Dimension::ACCELERATION);
        assert_eq!(Dimension::LENGTH / Dimension::VELOCITY, Dimension::TIME);
        assert_eq!(Dimension::TIME.powi(-1).formula(), "1/T");
        assert_eq!(Dimension::ACCELERATION.formula(), "L/T^2");
        assert_eq!(Dimension::ACCELERATION.to_string(), "Acceleration");
    }

    #[test]
    fn exponent_overflow_is_refused_not_clamped() {
        let s64 = Dimension::TIME.checked_powi(64).unwrap();
        assert_eq!(s64.0[0], 64);
        assert_eq!(s64.checked_mul(s64), None);
        assert_eq!(
            Dimension::TIME.checked_powi(65).unwrap().checked_div(s64.checked_powi(1).unwrap()),
            Some(Dimension::TIME)
        );
        assert_eq!(Dimension::TIME.checked_powi(128), None);
        assert_eq!(Dimension::TIME.checked_powi(-127).unwrap().0[0], -127);
        assert_eq!(Dimension::TIME.checked_powi(-128), None);
        assert_eq!(Dimension::NONE.checked_powi(i32::MAX), Some(Dimension::NONE));
        assert_eq!(Dimension::VELOCITY.checked_div(Dimension::TIME), Some(Dimension::ACCELERATION));
    }

    /// The scale of a product of units with powers: `[("km", 1), ("h", -1)]` is km/h.
    fn scale(names: &[(&str, i32)]) -> Scale {
        names
            .iter()
            .fold(Scale::ONE, |s, (name, power)| s * lookup(name).unwrap().scale.powi(*power))
    }

    /// A unit converts with one rounding: the exact value, correctly rounded, where a factor of
    /// 0.01 or 1000 / 3600 (inexact in binary) would be off by one unit in the last place.
    #[test]
    fn conversions_are_correctly_rounded() {
        assert_eq!(scale(&[("%", 1)]).to_si(95.0), 0.95);
        assert_ne!(95.0 * 0.01, 0.95, "the rounding this avoids");
        // 7 km/h is 7000 / 3600 m/s, rounded once.
        assert_eq!(scale(&[("km", 1), ("h", -1)]).to_si(7.0), 7000.0 / 3600.0);
        assert_ne!(7.0 * (1e3 / 3600.0), 7000.0 / 3600.0, "the rounding this avoids");
        assert_eq!(scale(&[("EUR", 1), ("h", -1)]).to_si(3.0), 3.0 / 3600.0);
        assert_ne!(3.0 * (1.0 / 3600.0), 3.0 / 3600.0, "the rounding this avoids");
        assert_eq!(scale(&[("ms", 1)]).to_si(5.0), 0.005);
        assert_eq!(scale(&[("us", 1)]).to_si(95.0), 95e-6);
        assert_eq!(scale(&[("mm", 2)]).to_si(3.0), 3e-6);
        assert_eq!(scale(&[("parts", 1), ("min", -1)]).to_si(3.0), 0.05);
        assert!(scale(&[("m", 1), ("s", -2)]).is_one());
        assert_eq!(lookup("%").unwrap().to_si(), 0.01);
        assert_eq!(lookup("inch").unwrap().to_si(), 0.0254);
    }

    /// A decimal literal converts from its exact value, rounded once, where the parsed double
    /// times the scale rounds twice (the second value of each pair; Python's `fractions` gave
    /// the first).
    #[test]
    fn decimals_convert_from_their_exact_value() {
        let cases = [
            ("%", "99.9", 0.999, 0.9990000000000001),
            ("t", "2.007", 2007.0, 2007.0000000000002),
            ("cm", "0.35", 0.0035, 0.0034999999999999996),
            ("g", "2.1", 0.0021, 0.0021000000000000003),
        ];
        for (unit, text, exact, twice) in cases {
            let scale = scale(&[(unit, 1)]);
            assert_eq!(scale.decimal_to_si(text), Some(exact), "{text} {unit}");
            assert_eq!(scale.to_si(text.parse().unwrap()), twice, "{text} {unit}");
        }
        let km_h = scale(&[("km", 1), ("h", -1)]);
        assert_eq!(km_h.decimal_to_si("7"), Some(7000.0 / 3600.0));
        assert_eq!(km_h.decimal_to_si("7_000.0e-3"), Some(7000.0 / 3600.0));
        assert_eq!(
            scale(&[("EUR", 1), ("h", -1)]).decimal_to_si("0.1"),
            Some(2.777777777777778e-05)
        );
        assert_eq!(scale(&[("lb", 1)]).decimal_to_si("12.5"), Some(5.669904625));
        assert_eq!(scale(&[("min", 1)]).decimal_to_si("0"), Some(0.0));
        // Halfway between two doubles: to the even one.
        assert_eq!(Scale::ONE.decimal_to_si("9007199254740993"), Some(9007199254740992.0));
        assert_eq!(Scale::ONE.decimal_to_si("9007199254740995"), Some(9007199254740996.0));
        assert_eq!(Scale::ONE.decimal_to_si("9007199254740993.000001"), Some(9007199254740994.0));
        // Out of reach of the exact computation: the caller converts the parsed value.
        assert_eq!(scale(&[("h", 1)]).decimal_to_si("1e308"), None);
        assert_eq!(scale(&[("ms", 1)]).decimal_to_si("1e-307"), None);
        assert_eq!(Scale::ONE.decimal_to_si("1234567890123456789012345678901234567890"), None);
    }

    /// Against Rust's own parser, which rounds a decimal correctly: a scale that is a power of
    /// ten moves the exponent, and a whole-number scale multiplies the digits exactly.
    #[test]
    fn decimals_convert_as_the_parser_rounds_them() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let digits = 1 + next() % 19;
            let mantissa = next() % 10u64.pow(digits as u32);
            let point = next() % (digits + 1);
            let exponent = (next() % 25) as i32 - 12;
            let plain = format!("{mantissa:0width$}", width = digits as usize);
            let (whole, fraction) = plain.split_at((digits - point) as usize);
            let text = format!("{whole}.{fraction}e{exponent}");
            let decimals = fraction.len() as i32;
            for (unit, shift) in [("mm", -3), ("%", -2), ("km", 3), ("us", -6)] {
                let expected: f64 =
                    format!("{mantissa}e{}", exponent - decimals + shift).parse().unwrap();
                assert_eq!(
                    scale(&[(unit, 1)]).decimal_to_si(&text),
                    Some(expected),
                    "{text} {unit}"
                );
            }
            let expected: f64 =
                format!("{}e{}", u128::from(mantissa) * 3600, exponent - decimals).parse().unwrap();
            assert_eq!(scale(&[("h", 1)]).decimal_to_si(&text), Some(expected), "{text} h");
        }
    }

    #[test]
    fn a_conversion_does_not_overflow_or_underflow_on_the_way() {
        // 1.7e308 × 1000 overflowed before the division by 3600 brought it back in range.
        let km_h = scale(&[("km", 1), ("h", -1)]);
        assert_eq!(km_h.to_si(1.7e308), 1.7e308 / 3600.0 * 1000.0);
        // Where the product is in range, the plain path, rounded once.
        assert_eq!(km_h.to_si(1e-307), 1e-307 * 1000.0 / 3600.0);
        // What truly lies beyond stays so: infinite, subnormal, or 0 (the checker refuses
        // each, E0205).
        assert_eq!(scale(&[("h", 1)]).to_si(1e308), f64::INFINITY);
        assert_eq!(scale(&[("ms", 1)]).to_si(1e-307), 1e-310);
        assert_eq!(scale(&[("us", 4)]).to_si(1e-300), 0.0);
    }

    #[test]
    fn count_is_soft() {
        assert!(Dimension::COUNT.accepts(Dimension::NONE));
        assert!(Dimension::RATE.accepts(Dimension::TIME.powi(-1)));
        assert!(!Dimension::NONE.accepts(Dimension::COUNT));
        assert!(Dimension::TIME.powi(-1).accepts(Dimension::RATE));
        assert!(!Dimension::TIME.accepts(Dimension::NONE));
    }

    /// A converted bound reads as the number it is: the conversion's last bits are noise.
    #[test]
    fn tidy_numbers_drop_the_noise_of_a_conversion() {
        assert_eq!(99.9 * 0.01, 0.9990000000000001);
        assert_eq!(tidy_number(99.9 * 0.01), "0.999");
        assert_eq!(tidy_number(2.0 * 3600.0), "7200");
        assert_eq!(tidy_number(1.0 / 0.01), "100");
        assert_eq!(tidy_number(-0.0), "0");
        assert_eq!(tidy_number(1.5e-7), "0.00000015");
        assert_eq!(tidy_number(f64::INFINITY), "inf");
    }
}
