//! The types a built-in field or parameter declares, as plain data the checker interprets.
//!
//! These are descriptions, not the checker's internal types: a [`ValueType`] says what a user may
//! write in one place (`capacity` takes a whole number ≥ 0 or the word `unlimited`), in a form that
//! the checker, hover, completion and the generated docs all read.

use crate::units::Dimension;
use std::fmt;

/// What kind of declaration a name must refer to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum RefClass {
    /// A `product`.
    Product,
    /// Anything that can stand in a `flow`: source, station, buffer, conveyor, robot, transport, sink.
    Component,
    /// A `resource`.
    Resource,
    /// An `experiment` (or scenario).
    Experiment,
}

impl RefClass {
    pub fn describe(self) -> &'static str {
        match self {
            RefClass::Product => "a product",
            RefClass::Component => "a component",
            RefClass::Resource => "a resource",
            RefClass::Experiment => "an experiment",
        }
    }
}

/// What a field or parameter accepts.
#[derive(Clone, Copy, Debug)]
pub enum ValueType {
    /// A number of this dimension; `Dimension::NONE` is a ratio (a bare number or `%`).
    Quantity(Dimension),
    /// A count of cycles, written with a count unit (`20000 cycles`): a bare number is refused here
    /// so that a forgotten time unit is not read as a cycle count.
    Cycles,
    /// A whole number no smaller than `min`.
    Int {
        min: i64,
    },
    Bool,
    String,
    /// A distribution of a quantity of this dimension; a bare quantity is a constant distribution.
    Dist(Dimension),
    /// A name of a declaration of this class.
    Ref(RefClass),
    /// One of these bare words.
    Word(&'static [&'static str]),
    /// The first alternative that fits.
    OneOf(&'static [ValueType]),
    /// `VALUE` or `VALUE of CLOCK`, where CLOCK is one of `clocks`; the first clock is the default.
    Clocked {
        value: &'static ValueType,
        clocks: &'static [&'static str],
    },
    /// `(a, b, …)` with these element types.
    Tuple(&'static [ValueType]),
    /// `[a, b, …]` with this element type.
    List(&'static ValueType),
    /// A `{ … }` record with these fields.
    Record(&'static [crate::catalog::FieldDecl]),
    /// A `{ KEY = VALUE, … }` record whose keys are names of `key` declarations.
    Map {
        key: RefClass,
        value: &'static ValueType,
    },
    /// A call of one of the built-in callables of this kind (a maintenance strategy, a feed).
    Call(crate::catalog::CallableKind),
    /// Anything (free attributes of a product); the checker only infers its type.
    Any,
}

impl ValueType {
    /// Whether a value of this type may be a law that the engine samples: a distribution, alone,
    /// aged by a clock, or as one alternative (`failure` takes a law of time or a count of
    /// cycles). Input uncertainty and `vary` look for inputs in these fields.
    pub fn is_law(&self) -> bool {
        match self {
            ValueType::Dist(_) => true,
            ValueType::Clocked { value, .. } => value.is_law(),
            ValueType::OneOf(alternatives) => alternatives.iter().any(ValueType::is_law),
            _ => false,
        }
    }
}

impl fmt::Display for ValueType {
    /// The type as the docs and hover show it, e.g. `Dist<Duration>`, `Int ≥ 0 | unlimited`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Quantity(dimension) => write!(f, "{dimension}"),
            ValueType::Cycles => f.write_str("Count (cycles)"),
            ValueType::Int { min } if *min == i64::MIN => f.write_str("Int"),
            ValueType::Int { min } => write!(f, "Int ≥ {min}"),
            ValueType::Bool => f.write_str("Bool"),
            ValueType::String => f.write_str("String"),
            ValueType::Dist(dimension) => write!(f, "Dist<{dimension}>"),
            ValueType::Ref(class) => match class {
                RefClass::Product => f.write_str("product name"),
                RefClass::Component => f.write_str("component name"),
                RefClass::Resource => f.write_str("resource name"),
                RefClass::Experiment => f.write_str("experiment name"),
            },
            ValueType::Word(words) => f.write_str(&words.join(" | ")),
            ValueType::OneOf(alternatives) => {
                let shown: Vec<String> = alternatives.iter().map(|a| a.to_string()).collect();
                f.write_str(&shown.join(" | "))
            }
            ValueType::Clocked { value, clocks } => {
                write!(f, "{value} [of {}]", clocks.join(" | "))
            }
            ValueType::Tuple(elements) => {
                let shown: Vec<String> = elements.iter().map(|e| e.to_string()).collect();
                write!(f, "({})", shown.join(", "))
            }
            ValueType::List(element) => write!(f, "[{element}]"),
            ValueType::Record(_) => f.write_str("{ … }"),
            ValueType::Map { key, value } => write!(f, "{{ {} = {value}, … }}", key.describe()),
            ValueType::Call(kind) => f.write_str(kind.describe()),
            ValueType::Any => f.write_str("any value"),
        }
    }
}

/// What a type name in a template's parameter list stands for, besides the quantity names of
/// [`crate::units::QUANTITY_NAMES`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ParamShape {
    /// A whole number.
    Whole,
    /// A plain number (dimension none): a bare number or a percentage.
    Plain,
    Bool,
    Text,
    /// A distribution of the quantity given as its one type argument (`Dist<Duration>`).
    Dist,
}

/// A type name a template parameter may be declared with, other than a quantity's.
#[derive(Clone, Copy, Debug)]
pub struct ParamTypeName {
    pub name: &'static str,
    pub shape: ParamShape,
    pub doc: &'static str,
}

/// The parameter type names that are not quantity names, or that mean something else in a
/// parameter list than in [`crate::units::QUANTITY_NAMES`] (`Count` is a whole number there, not
/// a quantity of dimension count; `Ratio` is listed for its documentation). The checker reads a
/// parameter's type through this table before the quantity names; hover, completion and the
/// generated reference show it.
pub const PARAM_TYPE_NAMES: &[ParamTypeName] = &[
    ParamTypeName { name: "Int", shape: ParamShape::Whole, doc: "a whole number" },
    ParamTypeName {
        name: "Count",
        shape: ParamShape::Whole,
        doc: "a whole number (the same as `Int`)",
    },
    ParamTypeName {
        name: "Real",
        shape: ParamShape::Plain,
        doc: "a plain number: a bare number or a percentage",
    },
    ParamTypeName {
        name: "Ratio",
        shape: ParamShape::Plain,
        doc: "a plain number (the same as `Real`)",
    },
    ParamTypeName { name: "Bool", shape: ParamShape::Bool, doc: "`true` or `false`" },
    ParamTypeName { name: "String", shape: ParamShape::Text, doc: "a string" },
    ParamTypeName {
        name: "Dist",
        shape: ParamShape::Dist,
        doc: "a distribution of a quantity, written with it: `Dist<Duration>`",
    },
];

impl ParamTypeName {
    /// The type as a user writes it: `Int`, `Dist<Q>`.
    pub fn written(&self) -> String {
        match self.shape {
            ParamShape::Dist => format!("{}<Q>", self.name),
            _ => self.name.to_string(),
        }
    }
}

/// The entry of [`PARAM_TYPE_NAMES`] named `name`.
pub fn param_type_name(name: &str) -> Option<&'static ParamTypeName> {
    PARAM_TYPE_NAMES.iter().find(|entry| entry.name == name)
}
