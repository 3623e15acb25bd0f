//! Compile-time values: what a field's expression evaluates to.
//!
//! Every expression in a `.fab` model is a constant, so the checker evaluates it: numbers carry their
//! SI value and [`Dimension`], distributions are built and validated, names resolve to declarations.
//! Inside a template's body, parameters are *abstract*: a number whose dimension is known but whose
//! value is not (`si: None`), and a `String` parameter is a string whose text is not known
//! ([`Value::AbstractStr`]), so the template can be checked once for types and units, and again with
//! each instance's arguments for the values. A data file named by a parameter is therefore read
//! only with an instance's argument, never while the template is checked on its own.

use crate::diagnostic::Location;
use crate::scope::Declaration;
use fab_stdlib::dist::Distribution;
use fab_stdlib::units::Dimension;
use std::collections::BTreeMap;

#[derive(Clone, PartialEq, Debug)]
pub enum Value {
    Number(Quantity),
    Bool(bool),
    Str(String),
    /// A template's `String` parameter while its body is checked on its own: a string whose text
    /// is not known yet, as `Quantity::si` is `None` for a number. It names no data file.
    AbstractStr,
    /// A bare name that is one of the words the expected type accepts (whatever is declared with
    /// that name, see `eval::is_accepted_word`) or that is not a declaration: a keyword value such
    /// as `fifo`, `unlimited`, `new`, `busy_time`, or a dotted path in a study. Whether it is
    /// allowed depends on where it stands.
    Word(String),
    /// A name that resolved to a declaration.
    Ref(Declaration),
    Dist(DistValue),
    /// A maintenance strategy or a feed, with its checked arguments.
    Call(CallValue),
    /// `VALUE of CLOCK`.
    Clocked {
        value: Box<Value>,
        clock: String,
    },
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Range {
        start: Box<Value>,
        end: Box<Value>,
        inclusive: bool,
    },
    /// A checked `{ … }` record.
    Record(Fields),
    /// A checked `{ NAME = VALUE }` map whose keys are declarations.
    Map(Vec<(Declaration, Value)>),
    /// A value whose error has been reported already.
    Error,
}

/// A number with its dimension.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Quantity {
    /// The value in SI, or `None` for an abstract template parameter.
    pub si: Option<f64>,
    pub dim: Dimension,
    /// Written as a whole number with no scaling unit (`14`, `20000 cycles`).
    pub integer: bool,
}

/// A distribution of a quantity.
#[derive(Clone, PartialEq, Debug)]
pub struct DistValue {
    /// `None` when a parameter is abstract.
    pub dist: Option<Distribution>,
    pub dim: Dimension,
}

#[derive(Clone, PartialEq, Debug)]
pub struct CallValue {
    pub name: String,
    pub args: BTreeMap<String, Value>,
}

/// A field's checked value and where it was written.
#[derive(Clone, PartialEq, Debug)]
pub struct Field {
    pub value: Value,
    /// The whole `name = value` member.
    pub location: Location,
    /// The value expression alone.
    pub value_location: Location,
}

/// Checked fields by name.
pub type Fields = BTreeMap<String, Field>;

impl Value {
    /// A phrase for messages: what the user wrote, by type (`a Length`, `the station \`weld\``).
    pub fn describe(&self) -> String {
        match self {
            Value::Number(q) if q.dim == Dimension::NONE => "a plain number".to_string(),
            Value::Number(q) => match q.dim.quantity_name() {
                Some(name) => format!("a {name}"),
                None => format!("a quantity of dimension {}", q.dim.formula()),
            },
            Value::Bool(_) => "a Bool".to_string(),
            Value::Str(_) | Value::AbstractStr => "a string".to_string(),
            Value::Word(word) => format!("`{word}`"),
            Value::Ref(declaration) => {
                format!(
                    "{} `{}`",
                    declaration
                        .class
                        .describe()
                        .replacen("a ", "the ", 1)
                        .replacen("an ", "the ", 1),
                    declaration.name
                )
            }
            Value::Dist(d) => format!("a distribution of {}", d.dim),
            Value::Call(call) => format!("`{}(…)`", call.name),
            Value::Clocked { value, clock } => format!("{} of {clock}", value.describe()),
            Value::Tuple(elements) => format!("a tuple of {}", elements.len()),
            Value::List(_) => "a list".to_string(),
            Value::Range { .. } => "a range".to_string(),
            Value::Record(_) => "a record".to_string(),
            Value::Map(_) => "a record".to_string(),
            Value::Error => "an invalid value".to_string(),
        }
    }

    /// The number's SI value, when this is a known number.
    pub fn si(&self) -> Option<f64> {
        match self {
            Value::Number(q) => q.si,
            _ => None,
        }
    }

    /// The distribution, when this is a known one.
    pub fn dist(&self) -> Option<&Distribution> {
        match self {
            Value::Dist(d) => d.dist.as_ref(),
            _ => None,
        }
    }
}
