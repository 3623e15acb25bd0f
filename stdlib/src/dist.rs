//! Distribution families: their declarations (names, parameter sets, docs) and the resolved
//! [`Distribution`] value the runtime samples.
//!
//! Parameters are given by name in the variable's own units (LANGUAGE.md §5). A family may accept more
//! than one parameter set (`lognormal(mean, sd)` or `lognormal(mean, cv)`); each set is one signature.
//! Every value here is in SI: the compiler converts before it calls [`build`].

use crate::catalog::{ParamDecl, ParamType};
use crate::types::ValueType;
use crate::units::Dimension;
use serde::{Deserialize, Serialize};

/// One distribution family as the language knows it.
#[derive(Debug)]
pub struct FamilyDecl {
    pub name: &'static str,
    pub doc: &'static str,
    /// The accepted parameter sets; exactly one must match what the user wrote.
    pub signatures: &'static [&'static [ParamDecl]],
    /// The support, in words, for docs and hover.
    pub support: &'static str,
    /// Whether the family reads a data file (its first parameter is the file name).
    pub reads_data: bool,
}

const fn same(name: &'static str, doc: &'static str) -> ParamDecl {
    ParamDecl {
        name,
        ty: ParamType::OfVariable,
        doc,
        positional: false,
        optional: false,
        recurring: false,
    }
}

const fn ratio(name: &'static str, doc: &'static str) -> ParamDecl {
    ParamDecl {
        name,
        ty: ParamType::Fixed(ValueType::Quantity(Dimension::NONE)),
        doc,
        positional: false,
        optional: false,
        recurring: false,
    }
}

const FILE: ParamDecl = ParamDecl {
    name: "file",
    ty: ParamType::Fixed(ValueType::String),
    doc: "path of a CSV file, relative to the model file",
    positional: true,
    optional: false,
    recurring: false,
};
const COLUMN: ParamDecl = ParamDecl {
    name: "column",
    ty: ParamType::Fixed(ValueType::String),
    doc: "the column's header",
    positional: false,
    optional: false,
    recurring: false,
};
const UNIT: ParamDecl = ParamDecl {
    name: "unit",
    ty: ParamType::OfVariable,
    doc: "what one unit in the file stands for, e.g. `1 s` or `1 min` (the SI unit when omitted)",
    positional: false,
    optional: true,
    recurring: false,
};
const FAMILIES: ParamDecl = ParamDecl {
    name: "families",
    ty: ParamType::Fixed(ValueType::List(&ValueType::String)),
    doc: "the candidate families, e.g. `[\"lognormal\", \"gamma\"]`; a name selects its variants \
          with and without a location, `weibull3` and `lognormal3` the shifted ones alone (every \
          family that applies when omitted)",
    positional: false,
    optional: true,
    recurring: false,
};

const MIN: ParamDecl = same("min", "smallest value");
const MAX: ParamDecl = same("max", "largest value");
const MODE: ParamDecl = same("mode", "most likely value");
const MEAN: ParamDecl = same("mean", "mean of the variable");
const SD: ParamDecl = same("sd", "standard deviation of the variable");
const CV: ParamDecl = ratio("cv", "coefficient of variation, sd / mean");
const SHAPE: ParamDecl = ratio("shape", "shape parameter (> 0)");
const SCALE: ParamDecl = same("scale", "scale parameter (> 0)");
const LOCATION: ParamDecl =
    ParamDecl { optional: true, ..same("location", "shift (γ), the earliest value") };

/// Every distribution family, declared once.
pub const FAMILIES_DECLS: &[FamilyDecl] = &[
    FamilyDecl {
        name: "constant",
        doc: "Always the same value. A bare quantity where a distribution is expected means this.",
        signatures: &[&[ParamDecl { positional: true, ..same("value", "the value") }]],
        support: "{value}",
        reads_data: false,
    },
    FamilyDecl {
        name: "uniform",
        doc: "Every value between `min` and `max` equally likely.",
        signatures: &[&[MIN, MAX]],
        support: "[min, max]",
        reads_data: false,
    },
    FamilyDecl {
        name: "triangular",
        doc: "Triangular density rising from `min` to a peak at `mode` and falling to `max`.",
        signatures: &[&[MIN, MODE, MAX]],
        support: "[min, max]",
        reads_data: false,
    },
    FamilyDecl {
        name: "pert",
        doc: "Beta-PERT: a smooth three-point estimate, mean (min + 4·mode + max) / 6.",
        signatures: &[&[MIN, MODE, MAX]],
        support: "[min, max]",
        reads_data: false,
    },
    FamilyDecl {
        name: "normal",
        doc: "Normal (Gaussian). For quantities that cannot be negative (durations, lengths) it is \
              truncated at 0, and a warning says so when the mean is less than 3 sd (W0401).",
        signatures: &[&[MEAN, SD]],
        support: "(-∞, ∞), or [0, ∞) when truncated",
        reads_data: false,
    },
    FamilyDecl {
        name: "lognormal",
        doc: "Lognormal, parameterized by the mean and spread of the variable itself (not of its \
              logarithm): `sd` or `cv`; optionally shifted by `location`, the value it stays above \
              (the mean and spread still describe the variable itself, so `mean > location`).",
        signatures: &[&[MEAN, SD, LOCATION], &[MEAN, CV, LOCATION]],
        support: "(location, ∞), (0, ∞) without a location",
        reads_data: false,
    },
    FamilyDecl {
        name: "exponential",
        doc: "Exponential (memoryless), by its `mean` or its `rate` (1 / mean).",
        signatures: &[
            &[MEAN],
            &[ParamDecl {
                name: "rate",
                ty: ParamType::PerVariable,
                doc: "events per unit of the variable, 1 / mean",
                positional: false,
                optional: false,
                recurring: false,
            }],
        ],
        support: "[0, ∞)",
        reads_data: false,
    },
    FamilyDecl {
        name: "gamma",
        doc: "Gamma, by `shape` and `scale` (mean = shape · scale) or by `mean` and `cv`.",
        signatures: &[&[SHAPE, SCALE], &[MEAN, CV]],
        support: "[0, ∞)",
        reads_data: false,
    },
    FamilyDecl {
        name: "erlang",
        doc: "Erlang: the sum of `k` exponential phases with total mean `mean`.",
        signatures: &[&[
            ParamDecl {
                name: "k",
                ty: ParamType::Fixed(ValueType::Int { min: 1 }),
                doc: "number of phases (a whole number from 1 to 2³² − 1)",
                positional: false,
                optional: false,
                recurring: false,
            },
            MEAN,
        ]],
        support: "[0, ∞)",
        reads_data: false,
    },
    FamilyDecl {
        name: "weibull",
        doc: "Weibull with `shape` (β) and `scale` (η), optionally shifted by `location` (γ). \
              β < 1: early failures; β = 1: exponential; β > 1: wear-out.",
        signatures: &[&[SHAPE, SCALE, LOCATION]],
        support: "[location, ∞)",
        reads_data: false,
    },
    FamilyDecl {
        name: "empirical",
        doc: "Resamples the observed values of one column of a CSV file, each equally likely.",
        signatures: &[&[FILE, COLUMN, UNIT]],
        support: "the observed values",
        reads_data: true,
    },
    FamilyDecl {
        name: "fit",
        doc: "Fits candidate families to one column of a CSV file by maximum likelihood at compile \
              time and keeps the best by AIC; `fab check --verbose` shows the choice with its \
              standard errors and goodness of fit, and `fab fit` compares the families.",
        signatures: &[&[FILE, COLUMN, UNIT, FAMILIES]],
        support: "that of the chosen family",
        reads_data: true,
    },
];

/// Looks a family up by name.
pub fn family(name: &str) -> Option<&'static FamilyDecl> {
    FAMILIES_DECLS.iter().find(|family| family.name == name)
}

/// A resolved distribution with every parameter in SI units.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Distribution {
    Constant {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// `truncated`: samples below zero are redrawn (for quantities that cannot be negative).
    Normal {
        mean: f64,
        sd: f64,
        truncated: bool,
    },
    /// The mean and standard deviation of the variable itself, which is `location` plus a
    /// lognormal variable (so `mean > location`; 0 when the family is not shifted).
    Lognormal {
        mean: f64,
        sd: f64,
        #[serde(default, skip_serializing_if = "is_zero")]
        location: f64,
    },
    Exponential {
        mean: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
    },
    Erlang {
        k: u32,
        mean: f64,
    },
    Weibull {
        shape: f64,
        scale: f64,
        location: f64,
    },
    /// The observed values, in file order.
    Empirical {
        values: Vec<f64>,
    },
}

/// Why a family's parameters are not valid; the compiler turns it into words.
#[derive(Clone, PartialEq, Debug)]
pub enum InvalidParameter {
    /// `param` must be ≥ 0 (or > 0 when `strictly`).
    Negative { param: &'static str, strictly: bool },
    /// `lower` must not exceed `upper` (or be smaller when `strictly`).
    Order { lower: &'static str, upper: &'static str, strictly: bool },
    /// `param` must be a whole number from 1 to 2³² − 1 (`u32::MAX`).
    NotWholeNumber { param: &'static str },
    /// A parameter is not finite.
    NotFinite { param: &'static str },
    /// Every parameter is finite, and the mean is not: a Weibull whose shape is below about
    /// 0.0059 (`Γ(1 + 1/shape)` overflows), or parameters so large their mean overflows. No
    /// input of a model can use such a law: a station's ideal cycle, the MTTR, the expected
    /// figures are its mean.
    MeanNotFinite,
    /// Every parameter written is finite, and one the family derives from them is not: a
    /// lognormal's `sd` (`cv` × `mean`), a gamma's shape or scale from `mean` and `cv`, an
    /// exponential's mean from a `rate` too close to 0.
    DerivedNotFinite,
    /// Empirical data with no values.
    NoData,
}

/// Builds a distribution of `family` from its named SI parameter values. `get(name)` answers for
/// exactly the parameters of the one signature the user wrote. `non_negative` says the variable
/// cannot be negative (a duration, a length), which truncates a normal.
pub fn build(
    family: &str,
    get: &dyn Fn(&str) -> Option<f64>,
    non_negative: bool,
) -> Result<Distribution, InvalidParameter> {
    use InvalidParameter::*;
    let value = |name: &'static str| -> Result<f64, InvalidParameter> {
        let v = get(name).unwrap_or(f64::NAN);
        if v.is_finite() { Ok(v) } else { Err(NotFinite { param: name }) }
    };
    let positive = |name: &'static str| -> Result<f64, InvalidParameter> {
        let v = value(name)?;
        if v > 0.0 { Ok(v) } else { Err(Negative { param: name, strictly: true }) }
    };
    let non_negative_param = |name: &'static str| -> Result<f64, InvalidParameter> {
        let v = value(name)?;
        if v >= 0.0 { Ok(v) } else { Err(Negative { param: name, strictly: false }) }
    };
    let ordered = |lower: &'static str, upper: &'static str, strictly: bool| {
        let (a, b) = (value(lower)?, value(upper)?);
        if a < b || (!strictly && a == b) { Ok(()) } else { Err(Order { lower, upper, strictly }) }
    };
    let distribution = match family {
        "constant" => Distribution::Constant { value: value("value")? },
        "uniform" => {
            ordered("min", "max", false)?;
            Distribution::Uniform { min: value("min")?, max: value("max")? }
        }
        "triangular" | "pert" => {
            ordered("min", "max", true)?;
            ordered("min", "mode", false)?;
            ordered("mode", "max", false)?;
            let (min, mode, max) = (value("min")?, value("mode")?, value("max")?);
            if family == "pert" {
                Distribution::Pert { min, mode, max }
            } else {
                Distribution::Triangular { min, mode, max }
            }
        }
        "normal" => Distribution::Normal {
            mean: value("mean")?,
            sd: non_negative_param("sd")?,
            truncated: non_negative,
        },
        "lognormal" => {
            let location = get("location").map(|_| value("location")).transpose()?;
            let mean = match location {
                Some(_) => {
                    ordered("location", "mean", true)?;
                    value("mean")?
                }
                None => positive("mean")?,
            };
            let sd = match get("cv") {
                Some(_) => non_negative_param("cv")? * mean.abs(),
                None => non_negative_param("sd")?,
            };
            Distribution::Lognormal { mean, sd, location: location.unwrap_or(0.0) }
        }
        "exponential" => match get("rate") {
            Some(_) => Distribution::Exponential { mean: 1.0 / positive("rate")? },
            None => Distribution::Exponential { mean: positive("mean")? },
        },
        "gamma" => match get("cv") {
            Some(_) => {
                let (mean, cv) = (positive("mean")?, positive("cv")?);
                let shape = 1.0 / (cv * cv);
                Distribution::Gamma { shape, scale: mean / shape }
            }
            None => Distribution::Gamma { shape: positive("shape")?, scale: positive("scale")? },
        },
        "erlang" => {
            let k = value("k")?;
            if k < 1.0 || k.fract() != 0.0 || k > u32::MAX as f64 {
                return Err(NotWholeNumber { param: "k" });
            }
            Distribution::Erlang { k: k as u32, mean: positive("mean")? }
        }
        "weibull" => Distribution::Weibull {
            shape: positive("shape")?,
            scale: positive("scale")?,
            location: get("location").map(|_| value("location")).transpose()?.unwrap_or(0.0),
        },
        _ => return Err(NoData),
    };
    if !distribution.parameters_are_finite() {
        Err(DerivedNotFinite)
    } else if !distribution.mean().is_finite() {
        Err(MeanNotFinite)
    } else {
        Ok(distribution)
    }
}

impl Distribution {
    /// The mean of the variable.
    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Constant { value } => *value,
            Distribution::Uniform { min, max } => (min + max) / 2.0,
            Distribution::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Distribution::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Distribution::Normal { mean, sd, truncated } => {
                if *truncated && *sd > 0.0 {
                    mean + sd * inverse_mills_ratio(-mean / sd)
                } else {
                    *mean
                }
            }
            Distribution::Lognormal { mean, .. } => *mean,
            Distribution::Exponential { mean } => *mean,
            Distribution::Gamma { shape, scale } => shape * scale,
            Distribution::Erlang { mean, .. } => *mean,
            Distribution::Weibull { shape, scale, location } => {
                location + scale * libm::tgamma(1.0 + 1.0 / shape)
            }
            Distribution::Empirical { values } => {
                values.iter().sum::<f64>() / values.len().max(1) as f64
            }
        }
    }

    /// The variance of the variable.
    pub fn variance(&self) -> f64 {
        match self {
            Distribution::Constant { .. } => 0.0,
            Distribution::Uniform { min, max } => (max - min) * (max - min) / 12.0,
            Distribution::Triangular { min: a, mode: c, max: b } => {
                (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
            }
            Distribution::Pert { min, max, .. } => {
                let mean = self.mean();
                (mean - min) * (max - mean) / 7.0
            }
            Distribution::Normal { mean, sd, truncated } => {
                if *truncated && *sd > 0.0 {
                    let alpha = -mean / sd;
                    let lambda = inverse_mills_ratio(alpha);
                    sd * sd * (1.0 + alpha * lambda - lambda * lambda)
                } else {
                    sd * sd
                }
            }
            Distribution::Lognormal { sd, .. } => sd * sd,
            Distribution::Exponential { mean } => mean * mean,
            Distribution::Gamma { shape, scale } => shape * scale * scale,
            Distribution::Erlang { k, mean } => mean * mean / *k as f64,
            Distribution::Weibull { shape, scale, .. } => {
                let g1 = libm::tgamma(1.0 + 1.0 / shape);
                let g2 = libm::tgamma(1.0 + 2.0 / shape);
                scale * scale * (g2 - g1 * g1)
            }
            Distribution::Empirical { values } => {
                let mean = self.mean();
                let n = values.len().max(1) as f64;
                values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n
            }
        }
    }

    pub fn sd(&self) -> f64 {
        libm::sqrt(self.variance())
    }

    /// The smallest and largest values the variable can take. A law without spread (a `normal`
    /// or `lognormal` whose `sd` is 0) takes one value, as its sampler draws it.
    pub fn support(&self) -> (f64, f64) {
        let inf = f64::INFINITY;
        match self {
            Distribution::Constant { value } => (*value, *value),
            Distribution::Uniform { min, max }
            | Distribution::Triangular { min, max, .. }
            | Distribution::Pert { min, max, .. } => (*min, *max),
            Distribution::Normal { mean, sd, truncated } if *sd == 0.0 => {
                let value = if *truncated { mean.max(0.0) } else { *mean };
                (value, value)
            }
            Distribution::Normal { truncated: true, .. } => (0.0, inf),
            Distribution::Normal { .. } => (-inf, inf),
            Distribution::Exponential { .. }
            | Distribution::Gamma { .. }
            | Distribution::Erlang { .. } => (0.0, inf),
            Distribution::Lognormal { mean, sd, .. } if *sd == 0.0 => (*mean, *mean),
            Distribution::Lognormal { location, .. } | Distribution::Weibull { location, .. } => {
                (*location, inf)
            }
            Distribution::Empirical { values } => {
                values.iter().fold((inf, -inf), |(lo, hi), v| (lo.min(*v), hi.max(*v)))
            }
        }
    }

    /// Whether the variable is always zero: its support is {0}, however the law is written
    /// (`constant(0 s)`, `uniform(min = 0 s, max = 0 s)`, a `normal` of mean 0 and no spread, an
    /// `empirical` of zeros, …). The checker's flood rule (E0608) reads it.
    pub fn is_always_zero(&self) -> bool {
        self.support() == (0.0, 0.0)
    }

    /// The family's name as written in `.fab`.
    pub fn family_name(&self) -> &'static str {
        match self {
            Distribution::Constant { .. } => "constant",
            Distribution::Uniform { .. } => "uniform",
            Distribution::Triangular { .. } => "triangular",
            Distribution::Pert { .. } => "pert",
            Distribution::Normal { .. } => "normal",
            Distribution::Lognormal { .. } => "lognormal",
            Distribution::Exponential { .. } => "exponential",
            Distribution::Gamma { .. } => "gamma",
            Distribution::Erlang { .. } => "erlang",
            Distribution::Weibull { .. } => "weibull",
            Distribution::Empirical { .. } => "empirical",
        }
    }

    /// Whether every parameter, and the mean, is a finite number. [`build`] refuses a
    /// distribution that is not; scaling a valid distribution by a large factor can still overflow
    /// a parameter or the mean, and a Weibull with a finite shape below about 0.0059 has a mean
    /// that overflows.
    pub fn is_finite(&self) -> bool {
        self.parameters_are_finite() && self.mean().is_finite()
    }

    fn parameters_are_finite(&self) -> bool {
        self.parameters().iter().all(|v| v.is_finite())
    }

    /// Every real parameter (an empirical law's values), in a fixed order per family: those of
    /// [`Distribution::scaled`]'s result stand beside the original's, so that a check can tell
    /// what the scaling did to each.
    pub fn parameters(&self) -> Vec<f64> {
        match self {
            Distribution::Constant { value } => vec![*value],
            Distribution::Uniform { min, max } => vec![*min, *max],
            Distribution::Triangular { min, mode, max } | Distribution::Pert { min, mode, max } => {
                vec![*min, *mode, *max]
            }
            Distribution::Normal { mean, sd, .. } => vec![*mean, *sd],
            Distribution::Lognormal { mean, sd, location } => vec![*mean, *sd, *location],
            Distribution::Exponential { mean } | Distribution::Erlang { mean, .. } => vec![*mean],
            Distribution::Gamma { shape, scale } => vec![*shape, *scale],
            Distribution::Weibull { shape, scale, location } => vec![*shape, *scale, *location],
            Distribution::Empirical { values } => values.clone(),
        }
    }

    /// This distribution with every value multiplied by `factor` (> 0): a template's `cycle_time *
    /// spots` scales a distribution of cycle time.
    pub fn scaled(&self, factor: f64) -> Distribution {
        match self.clone() {
            Distribution::Constant { value } => Distribution::Constant { value: value * factor },
            Distribution::Uniform { min, max } => {
                Distribution::Uniform { min: min * factor, max: max * factor }
            }
            Distribution::Triangular { min, mode, max } => Distribution::Triangular {
                min: min * factor,
                mode: mode * factor,
                max: max * factor,
            },
            Distribution::Pert { min, mode, max } => {
                Distribution::Pert { min: min * factor, mode: mode * factor, max: max * factor }
            }
            Distribution::Normal { mean, sd, truncated } => {
                Distribution::Normal { mean: mean * factor, sd: sd * factor, truncated }
            }
            Distribution::Lognormal { mean, sd, location } => Distribution::Lognormal {
                mean: mean * factor,
                sd: sd * factor,
                location: location * factor,
            },
            Distribution::Exponential { mean } => Distribution::Exponential { mean: mean * factor },
            Distribution::Gamma { shape, scale } => {
                Distribution::Gamma { shape, scale: scale * factor }
            }
            Distribution::Erlang { k, mean } => Distribution::Erlang { k, mean: mean * factor },
            Distribution::Weibull { shape, scale, location } => {
                Distribution::Weibull { shape, scale: scale * factor, location: location * factor }
            }
            Distribution::Empirical { values } => {
                Distribution::Empirical { values: values.iter().map(|v| v * factor).collect() }
            }
        }
    }
}

/// Why [`Distribution::with_parameter`] refused a parameter's value.
#[derive(Clone, PartialEq, Debug)]
pub enum ParameterError {
    /// The family has no such parameter.
    Unknown(String),
    /// The family has it, and the value is invalid for it.
    Invalid(String),
}

impl std::fmt::Display for ParameterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParameterError::Unknown(why) | ParameterError::Invalid(why) => f.write_str(why),
        }
    }
}

/// The parameter names a study may vary on a distribution (`vary weld.cycle.mean in …`); which of
/// them a given family has is decided by [`Distribution::with_parameter`].
pub const VARIABLE_PARAMETERS: &[&str] =
    &["mean", "sd", "cv", "rate", "shape", "scale", "location", "min", "mode", "max", "k", "value"];

/// When a study sets several parameters of one distribution at a point: the family's own
/// parameters first (stage 0), then `cv` (1), which sets the spread and keeps the mean, then
/// `mean` (2), which rescales the whole law and keeps its shape. [`with_parameters`] sets each
/// over the law as the ones before it left it, so an order fixed by the parameters, not by the
/// order the `vary` lines are written in, is what makes the varied numbers hold at every point:
/// a gamma's `mean` varied with its `shape` is the mean at every point (set last, over the
/// shape), where written first it used to be undone by the shape (a `mean` of 60 s run as 30 s
/// and 240 s). The pairs that no order reconciles are refused by [`parameters_contradict`]. The
/// order is for the parameters that depend on each other; whether the result is a law is asked
/// of the law they make together, once all are set.
///
/// [`with_parameters`]: Distribution::with_parameters
pub fn parameter_stage(param: &str) -> u8 {
    match param {
        "cv" => 1,
        "mean" => 2,
        _ => 0,
    }
}

/// Why two parameters of one distribution cannot be varied together, or `None` when they can.
/// Applied in [`parameter_stage`]'s order, a later one overwrites what an earlier one set when
/// both set the same number: `mean` rescales the whole law, so it would overwrite any parameter
/// measured in the law's unit (`sd`, `scale`, `location`, `min`, `mode`, `max`, `value`) and the
/// `rate` that is one over it, and combines only with the dimensionless `shape`, `cv` and `k`;
/// `cv` sets the spread with the mean kept, so it would overwrite `sd`, `shape` and `scale`.
/// The reason is a full sentence naming both.
pub fn parameters_contradict(a: &str, b: &str) -> Option<String> {
    let (first, second) = if parameter_stage(a) >= parameter_stage(b) { (a, b) } else { (b, a) };
    match (first, second) {
        ("mean", "rate" | "value") => Some(format!(
            "`mean` and `{second}` set the same number of the distribution: vary one of them."
        )),
        ("mean", "sd" | "scale" | "location" | "min" | "mode" | "max") => Some(format!(
            "Varying `mean` rescales the whole distribution, its `{second}` with it, so the \
             `{second}` varied beside it would not hold: vary one of the two, or `mean` with a \
             shape parameter (`shape`, `cv` or `k`)."
        )),
        ("cv", "sd" | "shape" | "scale") => Some(format!(
            "Varying `cv` sets the spread of the distribution and keeps its mean, so it would \
             overwrite the `{second}` varied beside it: vary one of the two, or `cv` with `mean`."
        )),
        _ => None,
    }
}

impl Distribution {
    /// This distribution with one parameter set to `value` (SI), the others kept: the canonical
    /// parameters of its family, plus `mean`, which scales the whole distribution to the new mean
    /// (its coefficient of variation kept, as for a faster or slower machine; a normal's `mean`
    /// too, with its `sd`, so that one truncated at zero gets the new mean, not its location),
    /// `cv` (lognormal and gamma, mean kept) and `rate` (exponential). Fails, saying why, when the
    /// family has no such parameter, the value is invalid for it, or the law it makes is no law;
    /// the reason does not restate the value, which is SI here and which the caller shows in the
    /// user's unit. [`Distribution::with_parameters`] with one parameter.
    pub fn with_parameter(&self, param: &str, value: f64) -> Result<Distribution, ParameterError> {
        self.with_parameters(&[(param, value)])
    }

    /// This distribution with several parameters set at once, as a point of a study sets the
    /// parameters of one law it varies: each in [`parameter_stage`]'s order (a `mean` over the
    /// `shape` set before it), each value checked for its own parameter (a `mean` above 0, a
    /// whole `k`), and the law they make checked once, at the end. A law is validated whole: a
    /// uniform's `min` set to 20 s with its `max` set to 30 s is a law, though `min` alone over
    /// the old `max` of 15 s would not be; checking each parameter as it was set refused such
    /// points, and the checker's rule for study ranges, which copied that order, refused the
    /// study. Two parameters that would overwrite each other ([`parameters_contradict`]) are
    /// refused, since no order makes both hold.
    pub fn with_parameters(&self, values: &[(&str, f64)]) -> Result<Distribution, ParameterError> {
        for (i, (a, _)) in values.iter().enumerate() {
            if let Some(why) = values[i + 1..].iter().find_map(|(b, _)| parameters_contradict(a, b))
            {
                return Err(ParameterError::Invalid(why));
            }
        }
        let mut order: Vec<&(&str, f64)> = values.iter().collect();
        order.sort_by_key(|(param, _)| parameter_stage(param));
        let mut law = self.clone();
        for &&(param, value) in &order {
            law = law.set_parameter(param, value)?;
        }
        law.checked_law()
    }

    /// This distribution with `param` set to `value`, checked for that parameter alone: the law
    /// it makes with the others is checked by [`Distribution::checked_law`] once they are all set.
    fn set_parameter(&self, param: &str, value: f64) -> Result<Distribution, ParameterError> {
        if !value.is_finite() {
            return Err(ParameterError::Invalid(format!("`{param}` must be a finite number")));
        }
        let family = self.family_name();
        let positive = |what: &str| {
            if value > 0.0 {
                Ok(())
            } else {
                Err(ParameterError::Invalid(format!("`{what}` must be > 0")))
            }
        };
        let mut d = self.clone();
        match (&mut d, param) {
            (Distribution::Constant { value: v }, "value" | "mean") => *v = value,
            (_, "mean") => {
                positive("mean")?;
                let old = self.mean();
                if !(old > 0.0 && old.is_finite()) {
                    return Err(ParameterError::Invalid(format!(
                        "a {family} distribution without a positive mean cannot be rescaled"
                    )));
                }
                return Ok(self.scaled(value / old));
            }
            (Distribution::Normal { sd, .. } | Distribution::Lognormal { sd, .. }, "sd") => {
                if value < 0.0 {
                    return Err(ParameterError::Invalid("`sd` cannot be negative".into()));
                }
                *sd = value;
            }
            (Distribution::Lognormal { mean, sd, .. }, "cv") => {
                if value < 0.0 {
                    return Err(ParameterError::Invalid("`cv` cannot be negative".into()));
                }
                *sd = value * *mean;
            }
            (Distribution::Gamma { shape, scale }, "cv") => {
                positive("cv")?;
                let mean = *shape * *scale;
                *shape = 1.0 / (value * value);
                *scale = mean / *shape;
            }
            (Distribution::Exponential { mean }, "rate") => {
                positive("rate")?;
                *mean = 1.0 / value;
            }
            (Distribution::Gamma { shape, .. } | Distribution::Weibull { shape, .. }, "shape") => {
                positive("shape")?;
                *shape = value;
            }
            (Distribution::Gamma { scale, .. } | Distribution::Weibull { scale, .. }, "scale") => {
                positive("scale")?;
                *scale = value;
            }
            (
                Distribution::Weibull { location, .. } | Distribution::Lognormal { location, .. },
                "location",
            ) => *location = value,
            (Distribution::Erlang { k, .. }, "k") => {
                if value < 1.0 || value.fract() != 0.0 || value > u32::MAX as f64 {
                    return Err(ParameterError::Invalid(format!(
                        "`k` must be a whole number from 1 to {}",
                        u32::MAX
                    )));
                }
                *k = value as u32;
            }
            (
                Distribution::Uniform { min, .. }
                | Distribution::Triangular { min, .. }
                | Distribution::Pert { min, .. },
                "min",
            ) => *min = value,
            (
                Distribution::Uniform { max, .. }
                | Distribution::Triangular { max, .. }
                | Distribution::Pert { max, .. },
                "max",
            ) => *max = value,
            (Distribution::Triangular { mode, .. } | Distribution::Pert { mode, .. }, "mode") => {
                *mode = value;
            }
            _ => {
                let article =
                    if family.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                return Err(ParameterError::Unknown(format!(
                    "{article} {family} distribution has no parameter `{param}` to vary"
                )));
            }
        }
        Ok(d)
    }

    /// This distribution when its parameters make a law, as [`build`] holds a law written in the
    /// model to: the order of a uniform's, triangular's or PERT's bounds, a shifted lognormal's
    /// `location` below its `mean` (its sampler has no law to draw from otherwise, and ran every
    /// draw as 0), a finite mean.
    fn checked_law(self) -> Result<Distribution, ParameterError> {
        let family = self.family_name();
        match &self {
            Distribution::Uniform { min, max } if min > max => {
                Err(ParameterError::Invalid("`min` must not exceed `max`".into()))
            }
            Distribution::Triangular { min, mode, max } | Distribution::Pert { min, mode, max }
                if !(min <= mode && mode <= max && min < max) =>
            {
                Err(ParameterError::Invalid(
                    "`min` ≤ `mode` ≤ `max` must hold, with `min` < `max`".into(),
                ))
            }
            Distribution::Lognormal { mean, location, .. } if location >= mean => {
                Err(ParameterError::Invalid("`location` must be below `mean`".into()))
            }
            _ if !self.is_finite() => Err(ParameterError::Invalid(format!(
                "the {family} distribution's mean would not be a finite number"
            ))),
            _ => Ok(self),
        }
    }
}

/// Whether a serialized parameter is zero, so an unshifted law keeps its short form.
fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

fn standard_normal_pdf(x: f64) -> f64 {
    libm::exp(-0.5 * x * x) / libm::sqrt(2.0 * std::f64::consts::PI)
}

/// P(Z > x) for a standard normal Z.
fn upper_tail(x: f64) -> f64 {
    0.5 * libm::erfc(x / std::f64::consts::SQRT_2)
}

/// φ(x) / P(Z > x), the mean of a standard normal beyond `x` (the inverse Mills ratio). Far in
/// the tail both the density and the tail underflow (from x ≈ 38) and their quotient would be
/// 0 / 0; there the asymptotic series of P(Z > x) / φ(x), 1/x − 1/x³ + 3/x⁵ − 15/x⁷ + 105/x⁹,
/// is exact to about 10⁻¹¹ from x = 30.
fn inverse_mills_ratio(x: f64) -> f64 {
    if x < 30.0 {
        return standard_normal_pdf(x) / upper_tail(x);
    }
    let y = 1.0 / (x * x);
    x / (1.0 - y * (1.0 - y * (3.0 - y * (15.0 - 105.0 * y))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_law_without_spread_takes_one_value() {
        // Each is drawn as a constant (`Distribution::sampler`), and its support says so: the
        // checker's flood rule (E0608) reads `is_always_zero` from it.
        let zero = [
            Distribution::Constant { value: 0.0 },
            Distribution::Uniform { min: 0.0, max: 0.0 },
            Distribution::Normal { mean: 0.0, sd: 0.0, truncated: true },
            Distribution::Normal { mean: -2.0, sd: 0.0, truncated: true },
            Distribution::Lognormal { mean: 0.0, sd: 0.0, location: -1.0 },
            Distribution::Empirical { values: vec![0.0, 0.0] },
        ];
        for d in zero {
            assert!(d.is_always_zero(), "{d:?}: {:?}", d.support());
            assert_eq!(d.sampler().sample(&mut crate::random::Stream::new(1, 0, "x", "y")), 0.0);
        }
        let not = [
            Distribution::Constant { value: 1.0 },
            Distribution::Uniform { min: 0.0, max: 1.0 },
            Distribution::Normal { mean: 3.0, sd: 0.0, truncated: false },
            Distribution::Normal { mean: 0.0, sd: 1.0, truncated: true },
            Distribution::Lognormal { mean: 2.0, sd: 0.0, location: 0.0 },
            Distribution::Exponential { mean: 1.0 },
            Distribution::Empirical { values: vec![0.0, 1.0] },
        ];
        for d in not {
            assert!(!d.is_always_zero(), "{d:?}: {:?}", d.support());
        }
        let normal = Distribution::Normal { mean: 5.0, sd: 0.0, truncated: false };
        assert_eq!(normal.support(), (5.0, 5.0));
    }

    #[test]
    fn a_normal_truncated_far_in_its_tail_has_a_finite_mean() {
        // normal(mean = -100 s, sd = 1 s) kept above 0: the mean of Z beyond 100 is about 100.01
        // (scipy: truncnorm(100, inf).mean() = 100.00999801...), so the truncated mean is 0.01 s.
        let far = Distribution::Normal { mean: -100.0, sd: 1.0, truncated: true };
        assert!((far.mean() - 0.009_998_01).abs() < 1e-7, "{}", far.mean());
        assert!(far.variance().is_finite() && far.variance() > 0.0, "{}", far.variance());
        // Where the series takes over, it agrees with the quotient (scipy: 30.03325966743...).
        let quotient = standard_normal_pdf(30.0) / upper_tail(30.0);
        let series = inverse_mills_ratio(30.0);
        assert!((quotient - series).abs() < 1e-10 * series, "{quotient} {series}");
        assert!((series - 30.033_259_667_4).abs() < 1e-9, "{series}");
    }

    fn build_with(family: &str, params: &[(&str, f64)]) -> Result<Distribution, InvalidParameter> {
        let get = |name: &str| params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        build(family, &get, true)
    }

    /// A Weibull's mean `scale · Γ(1 + 1/shape)` overflows below a shape of about 0.0059: such
    /// a law is refused, as it is when varying the shape into that range; a shape of 0.05 has a
    /// mean of `Γ(21)` = 20! scales, huge and finite, and is a law.
    #[test]
    fn a_law_whose_mean_is_not_finite_is_refused() {
        let weibull = |shape: f64| build_with("weibull", &[("shape", shape), ("scale", 1.0)]);
        assert_eq!(weibull(0.005), Err(InvalidParameter::MeanNotFinite));
        assert_eq!(weibull(0.0058), Err(InvalidParameter::MeanNotFinite));
        let small = weibull(0.05).unwrap();
        assert!((small.mean() / 2_432_902_008_176_640_000.0 - 1.0).abs() < 1e-9, "{small:?}");
        assert!(!Distribution::Weibull { shape: 0.005, scale: 1.0, location: 0.0 }.is_finite());
        let uniform = build_with("uniform", &[("min", f64::MAX), ("max", f64::MAX)]);
        assert_eq!(uniform, Err(InvalidParameter::MeanNotFinite));
        assert!(matches!(
            small.with_parameter("shape", 0.005),
            Err(ParameterError::Invalid(why)) if why.contains("mean would not be a finite number")
        ));
    }

    /// Finite parameters from which the family derives one that is not: the law is refused as
    /// such, not as a mean that overflows (the mean of `lognormal(mean = 1e299, cv = 1e10)` is
    /// 1e299; its `sd`, `cv` × `mean`, is not finite).
    #[test]
    fn a_law_whose_derived_parameter_is_not_finite_is_refused() {
        let lognormal = build_with("lognormal", &[("mean", 1e299), ("cv", 1e10)]);
        assert_eq!(lognormal, Err(InvalidParameter::DerivedNotFinite));
        let gamma = build_with("gamma", &[("mean", 1e300), ("cv", 1e5)]);
        assert_eq!(gamma, Err(InvalidParameter::DerivedNotFinite));
        assert!(build_with("lognormal", &[("mean", 1e299), ("cv", 10.0)]).is_ok());
    }

    /// `mean` sets the mean of a normal by scaling it, as of every family: a normal truncated at
    /// zero got the new value as its location instead, and `normal(mean = -100 s, sd = 1 s)`
    /// varied to a mean of 0.9 s ran a law whose mean is 1.226 s.
    #[test]
    fn varying_a_normals_mean_sets_its_mean() {
        let far = Distribution::Normal { mean: -100.0, sd: 1.0, truncated: true };
        let varied = far.with_parameter("mean", 0.9).unwrap();
        assert!((varied.mean() - 0.9).abs() < 1e-9, "{varied:?} has mean {}", varied.mean());
        let d = Distribution::Normal { mean: 50.0, sd: 5.0, truncated: true };
        let varied = d.with_parameter("mean", 60.0).unwrap();
        let Distribution::Normal { mean, sd, truncated: true } = varied else { panic!() };
        assert!((mean - 60.0).abs() < 1e-12 && (sd - 6.0).abs() < 1e-12, "{varied:?}");
        assert!((varied.mean() - 60.0).abs() < 1e-9, "{}", varied.mean());
    }

    #[test]
    fn varying_a_parameter_keeps_the_others() {
        let d = Distribution::Lognormal { mean: 60.0, sd: 15.0, location: 0.0 };
        assert_eq!(
            d.with_parameter("mean", 30.0),
            Ok(Distribution::Lognormal { mean: 30.0, sd: 7.5, location: 0.0 })
        );
        assert_eq!(
            d.with_parameter("cv", 0.5),
            Ok(Distribution::Lognormal { mean: 60.0, sd: 30.0, location: 0.0 })
        );
        assert_eq!(
            d.with_parameter("sd", 1.0),
            Ok(Distribution::Lognormal { mean: 60.0, sd: 1.0, location: 0.0 })
        );
        let w = Distribution::Weibull { shape: 2.0, scale: 100.0, location: 0.0 };
        assert_eq!(
            w.with_parameter("shape", 3.0),
            Ok(Distribution::Weibull { shape: 3.0, scale: 100.0, location: 0.0 })
        );
        let g = Distribution::Gamma { shape: 4.0, scale: 5.0 };
        let g2 = g.with_parameter("cv", 1.0).unwrap();
        assert!((g2.mean() - 20.0).abs() < 1e-12 && (g2.sd() - 20.0).abs() < 1e-12);
        assert_eq!(
            Distribution::Exponential { mean: 10.0 }.with_parameter("rate", 0.5),
            Ok(Distribution::Exponential { mean: 2.0 })
        );
        assert_eq!(
            Distribution::Constant { value: 3.0 }.with_parameter("mean", 4.0),
            Ok(Distribution::Constant { value: 4.0 })
        );
        assert!(matches!(
            w.with_parameter("sd", 1.0),
            Err(ParameterError::Unknown(why)) if why.contains("no parameter `sd`")
        ));
        assert!(matches!(d.with_parameter("mean", -1.0), Err(ParameterError::Invalid(_))));
        assert!(d.with_parameter("mean", -1.0).is_err());
        assert!(
            Distribution::Triangular { min: 1.0, mode: 2.0, max: 3.0 }
                .with_parameter("mode", 5.0)
                .is_err()
        );
        assert!(Distribution::Erlang { k: 2, mean: 1.0 }.with_parameter("k", 2.5).is_err());
    }

    /// A point sets all the parameters of one law it varies, and the law they make is checked
    /// once: `min` = 20 s with `max` = 30 s over `uniform(min = 10 s, max = 15 s)` is a law in
    /// either order of the pairs, where `min` set alone first broke against the old `max`.
    #[test]
    fn parameters_set_together_are_checked_as_one_law() {
        let narrow = Distribution::Uniform { min: 10.0, max: 15.0 };
        let wide = Distribution::Uniform { min: 20.0, max: 30.0 };
        assert_eq!(narrow.with_parameters(&[("min", 20.0), ("max", 30.0)]), Ok(wide.clone()));
        assert_eq!(narrow.with_parameters(&[("max", 30.0), ("min", 20.0)]), Ok(wide));
        assert!(matches!(
            narrow.with_parameter("min", 20.0),
            Err(ParameterError::Invalid(why)) if why == "`min` must not exceed `max`"
        ));
        assert!(narrow.with_parameters(&[("min", 20.0), ("max", 18.0)]).is_err());
        let peaked = Distribution::Triangular { min: 10.0, mode: 12.0, max: 20.0 };
        assert_eq!(
            peaked.with_parameters(&[("mode", 25.0), ("max", 30.0), ("min", 21.0)]),
            Ok(Distribution::Triangular { min: 21.0, mode: 25.0, max: 30.0 })
        );
        // Each value is still held to its own parameter, and the stages still apply: the mean
        // over the shape, whichever is written first.
        assert!(narrow.with_parameters(&[("min", 20.0), ("max", f64::NAN)]).is_err());
        let gamma = Distribution::Gamma { shape: 2.0, scale: 5.0 };
        let both = gamma.with_parameters(&[("mean", 30.0), ("shape", 3.0)]).unwrap();
        assert!((both.mean() - 30.0).abs() < 1e-12, "{both:?}");
        assert!(matches!(
            gamma.with_parameters(&[("mean", 30.0), ("scale", 3.0)]),
            Err(ParameterError::Invalid(why)) if why.contains("rescales the whole distribution")
        ));
    }

    /// A shifted lognormal stays above its `location`, which must be below its `mean`: a
    /// `location` varied up to the mean made a law whose sampler has nothing to draw from (a
    /// study ran every draw of it as 0 s).
    #[test]
    fn a_lognormals_location_stays_below_its_mean() {
        let shifted = Distribution::Lognormal { mean: 10.0, sd: 2.0, location: 5.0 };
        assert!(shifted.with_parameter("location", 9.0).is_ok());
        assert!(matches!(
            shifted.with_parameter("location", 12.0),
            Err(ParameterError::Invalid(why)) if why == "`location` must be below `mean`"
        ));
        assert!(shifted.with_parameter("location", 10.0).is_err());
    }

    /// Two parameters of one law varied together, set in [`parameter_stage`]'s order, both
    /// hold at the end (setting either again changes nothing) exactly when
    /// [`parameters_contradict`] lets them be varied together: the order makes every allowed
    /// pair hold, and every refused pair is one where the later would undo the earlier.
    #[test]
    fn parameters_varied_together_hold_unless_they_contradict() {
        let laws = [
            Distribution::Constant { value: 2.0 },
            Distribution::Uniform { min: 0.0, max: 10.0 },
            Distribution::Triangular { min: 0.0, mode: 5.0, max: 10.0 },
            Distribution::Pert { min: 0.0, mode: 5.0, max: 10.0 },
            Distribution::Normal { mean: 10.0, sd: 1.0, truncated: false },
            Distribution::Lognormal { mean: 10.0, sd: 2.0, location: 0.0 },
            Distribution::Exponential { mean: 10.0 },
            Distribution::Gamma { shape: 2.0, scale: 5.0 },
            Distribution::Erlang { k: 2, mean: 10.0 },
            Distribution::Weibull { shape: 2.0, scale: 10.0, location: 0.0 },
        ];
        let value = |param: &str| match param {
            "mean" => 7.0,
            "sd" => 2.0,
            "cv" => 0.3,
            "rate" => 0.2,
            "shape" => 3.0,
            "scale" => 4.0,
            "location" => 1.0,
            "min" => 1.0,
            "mode" => 2.0,
            "max" => 9.0,
            "k" => 3.0,
            _ => 5.0,
        };
        let same = |a: &Distribution, b: &Distribution| {
            let (a, b) = (a.parameters(), b.parameters());
            a.len() == b.len()
                && a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1e-12 * x.abs().max(1.0))
        };
        let mut allowed = 0;
        for law in &laws {
            let has = |p: &&str| law.with_parameter(p, value(p)).is_ok();
            let params: Vec<&str> = VARIABLE_PARAMETERS.iter().copied().filter(has).collect();
            for (i, &a) in params.iter().enumerate() {
                for &b in &params[i + 1..] {
                    let (first, second) =
                        if parameter_stage(a) <= parameter_stage(b) { (a, b) } else { (b, a) };
                    let Ok(both) = law
                        .with_parameter(first, value(first))
                        .and_then(|d| d.with_parameter(second, value(second)))
                    else {
                        continue;
                    };
                    let hold = |p: &str| {
                        both.with_parameter(p, value(p)).is_ok_and(|again| same(&again, &both))
                    };
                    let contradict = parameters_contradict(a, b);
                    assert_eq!(
                        hold(a) && hold(b),
                        contradict.is_none(),
                        "{} with `{a}` and `{b}`: {both:?}, {contradict:?}",
                        law.family_name()
                    );
                    allowed += usize::from(contradict.is_none());
                }
            }
        }
        // gamma: mean–shape, mean–cv, shape–scale; weibull's four; lognormal's three; erlang's
        // mean–k; uniform, triangular and pert's bounds.
        assert_eq!(allowed, 3 + 4 + 3 + 1 + 1 + 3 + 3, "allowed pairs");
    }

    #[test]
    fn lognormal_by_cv_keeps_the_variable_mean() {
        let d = build_with("lognormal", &[("mean", 40.0), ("cv", 0.15)]).unwrap();
        assert_eq!(d, Distribution::Lognormal { mean: 40.0, sd: 6.0, location: 0.0 });
    }

    #[test]
    fn lognormal_with_a_location_describes_the_variable_itself() {
        let params = [("mean", 40.0), ("sd", 6.0), ("location", 10.0)];
        let d = build_with("lognormal", &params).unwrap();
        assert_eq!(d, Distribution::Lognormal { mean: 40.0, sd: 6.0, location: 10.0 });
        assert_eq!((d.mean(), d.sd(), d.support().0), (40.0, 6.0, 10.0));
        assert!(matches!(
            build_with("lognormal", &[("mean", 40.0), ("cv", 0.1), ("location", 40.0)]),
            Err(InvalidParameter::Order { lower: "location", upper: "mean", strictly: true })
        ));
        let shifted = d.scaled(60.0);
        assert_eq!(shifted, Distribution::Lognormal { mean: 2400.0, sd: 360.0, location: 600.0 });
    }

    #[test]
    fn invalid_parameters_are_reported() {
        assert_eq!(
            build_with("normal", &[("mean", 1.0), ("sd", -1.0)]),
            Err(InvalidParameter::Negative { param: "sd", strictly: false })
        );
        assert!(matches!(
            build_with("triangular", &[("min", 1.0), ("mode", 5.0), ("max", 3.0)]),
            Err(InvalidParameter::Order { lower: "mode", upper: "max", .. })
        ));
        assert!(matches!(
            build_with("weibull", &[("shape", 0.0), ("scale", 3.0)]),
            Err(InvalidParameter::Negative { param: "shape", strictly: true })
        ));
    }

    #[test]
    fn moments_match_closed_forms() {
        let w = Distribution::Weibull { shape: 1.0, scale: 2.0, location: 0.0 };
        assert!((w.mean() - 2.0).abs() < 1e-12 && (w.variance() - 4.0).abs() < 1e-12);
        let t = Distribution::Triangular { min: 20.0, mode: 25.0, max: 35.0 };
        assert!((t.mean() - 80.0 / 3.0).abs() < 1e-12);
        let g = build_with("gamma", &[("mean", 10.0), ("cv", 0.5)]).unwrap();
        assert!((g.mean() - 10.0).abs() < 1e-12 && (g.sd() - 5.0).abs() < 1e-12);
    }

    #[test]
    fn every_family_has_a_doc_and_a_signature() {
        for family in FAMILIES_DECLS {
            assert!(!family.doc.is_empty() && !family.signatures.is_empty(), "{}", family.name);
        }
    }
}
