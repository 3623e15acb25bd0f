//! Evaluating expressions and conforming values to the types the catalog declares.
//!
//! [`Ctx::eval`] works bottom-up: literals become quantities through the unit table, arithmetic
//! follows dimension algebra, names resolve through the template environment and then the file's
//! scope (except a name that is one of the words the expected type accepts: that is the word, see
//! [`is_accepted_word`]), calls build distributions or strategies. [`Ctx::conform`] then works
//! top-down, checking a value against the [`ValueType`] a field declares and converting where the
//! language allows (a bare quantity where a distribution is expected is a constant distribution).
//!
//! Every mistake becomes a diagnostic here and the value becomes [`Value::Error`], which conforms to
//! anything, so one mistake is reported once.

use crate::db::{Db, SourceFile};
use crate::diagnostic::{Diagnostic, Location};
use crate::scope::Scope;
use crate::suggest::did_you_mean;
use crate::syntax::ItemKey;
use crate::value::{CallValue, DistValue, Field, Quantity, Value};
use fab_grammar::ast::{Arg, BinaryOp, Expr, ExprKind, Span, UnaryOp, UnitExpr};
use fab_stdlib::catalog::{self, ParamDecl, ParamType};
use fab_stdlib::dist::{self, InvalidParameter};
use fab_stdlib::fit::Family;
use fab_stdlib::types::{RefClass, ValueType};
use fab_stdlib::units::{self, Dimension, Scale};
use std::collections::BTreeMap;

/// The signature that matched a call and each argument with its parameter.
type BoundArgs<'p, 'x> = (&'p [ParamDecl], Vec<(&'p ParamDecl, &'x Arg)>);

/// Whether a bare name, written where a value of type `expected` goes, is one of the words that
/// type accepts. Such a name is that word, whatever parameters or declarations share its name: a
/// study called `sobol` does not stop `method = sobol` meaning the method, and a scenario called
/// `lifo` does not stop `policy = lifo` meaning the policy. Everything that resolves names in
/// values (evaluation here, and hover, go-to-definition and rename in `ide::symbols`) asks this one
/// function, so they agree.
pub fn is_accepted_word(expected: &ValueType, name: &str) -> bool {
    match expected {
        ValueType::Word(words) => words.contains(&name),
        ValueType::OneOf(alternatives) => alternatives.iter().any(|a| is_accepted_word(a, name)),
        ValueType::Clocked { value, .. } => is_accepted_word(value, name),
        _ => false,
    }
}

/// The type the value before `of` must have, when `expected` takes a clocked value (`5000 h of
/// busy_time`) directly or as one of its alternatives. Evaluation and the IDE's name resolution
/// both ask it, so they pass the same type down.
pub fn clocked_value(expected: Option<&ValueType>) -> Option<&'static ValueType> {
    match expected {
        Some(ValueType::Clocked { value, .. }) => Some(*value),
        Some(ValueType::OneOf(alternatives)) => alternatives.iter().find_map(|a| match a {
            ValueType::Clocked { value, .. } => Some(*value),
            _ => None,
        }),
        _ => None,
    }
}

/// The state of checking one item.
pub struct Ctx<'a> {
    pub db: &'a dyn Db,
    pub file: SourceFile,
    pub item: ItemKey,
    pub scope: &'a Scope,
    /// Template parameters in scope, by name.
    pub env: BTreeMap<String, Value>,
    /// The file each argument in `env` was written in, by parameter name, when an instance
    /// binds it: a data file a `String` argument names is relative to the file where that name
    /// is written, as every path is ([`Ctx::written_in`]).
    pub arguments_written_in: BTreeMap<String, SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Currencies written in this item, with where.
    pub currencies: Vec<(String, Location)>,
    /// The `fit(…)` calls evaluated in this item, with what they chose.
    pub fits: Vec<crate::data::FitReport>,
}

/// Why a value does not fit a type; [`Ctx::report_mismatch`] turns it into words.
#[derive(Debug)]
pub enum Mismatch {
    WrongKind {
        expected: String,
        found: String,
    },
    Dimension {
        expected: Dimension,
        found: Dimension,
    },
    NotInteger,
    BelowMinimum {
        min: i64,
        found: f64,
    },
    /// A whole number too large to be exact ([`MAX_WHOLE_NUMBER`]).
    AboveWholeNumbers,
    UnknownWord {
        word: String,
        expected: Vec<String>,
    },
    WrongReference {
        expected: RefClass,
        found: String,
    },
    Negative,
}

impl<'a> Ctx<'a> {
    pub fn new(db: &'a dyn Db, file: SourceFile, item: ItemKey, scope: &'a Scope) -> Ctx<'a> {
        Ctx {
            db,
            file,
            item,
            scope,
            env: BTreeMap::new(),
            arguments_written_in: BTreeMap::new(),
            diagnostics: Vec::new(),
            currencies: Vec::new(),
            fits: Vec::new(),
        }
    }

    /// The file in which the text of `expr` is written: the instance's file for a template
    /// parameter an instance gives, else the file of the item being checked. A data file's name
    /// is relative to it.
    pub fn written_in(&self, expr: &Expr) -> SourceFile {
        match &expr.kind {
            ExprKind::Path(path) if path.segments.len() == 1 => {
                let name = &path.segments[0].name;
                self.arguments_written_in.get(name).copied().unwrap_or(self.file)
            }
            _ => self.file,
        }
    }

    /// A location inside the item being checked.
    pub fn loc(&self, span: Span) -> Location {
        Location { file: self.file, item: Some(self.item.clone()), span }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Evaluates `expr` where a value of type `ty` is expected and conforms it; a mismatch is
    /// reported as about `what` (`field \`cycle\``) and gives [`Value::Error`].
    pub fn eval_as(&mut self, expr: &Expr, ty: &ValueType, what: &str) -> Value {
        let value = self.eval(expr, Some(ty));
        match self.conform(value, ty) {
            Ok(value) => value,
            Err(mismatch) => {
                self.report_mismatch_of(mismatch, expr, what);
                Value::Error
            }
        }
    }

    /// Evaluates the value of a declared field: [`Ctx::eval_as`] with the field's type, then the
    /// field's bounds: above zero, within the clock, at most its `max`. A file of release times
    /// (a source's `schedule`) is read here, relative to where its name is written (in a
    /// template, an instance's argument, a scenario or the source itself): the field's value is
    /// the times. A name that depends on a template's parameter is not known while the template
    /// is checked on its own ([`Value::AbstractStr`]): its file is read with each instance.
    pub fn eval_field(&mut self, expr: &Expr, field: &catalog::FieldDecl, what: &str) -> Value {
        let value = self.eval_as(expr, &field.ty, what);
        if field.release_times
            && let Value::Str(file) = &value
        {
            let base = self.written_in(expr);
            return self.read_schedule(file, base, expr.span);
        }
        if field.run_length
            && let Value::Dist(DistValue { dist: Some(law), .. }) = &value
        {
            let is = if matches!(law, dist::Distribution::Constant { .. }) {
                "is"
            } else {
                "has a mean"
            };
            if let Some(refused) = self.within_longest_run(law.mean(), expr.span, what, is) {
                return refused;
            }
        }
        // A horizon that rounds to no time is refused (E0205, in the experiment's rules), which
        // says more than this warning would.
        if !(field.run_length && matches!(value, Value::Number(_))) {
            self.within_the_clock_tick(&value, expr.span, what, false);
        }
        let Value::Number(Quantity { si: Some(v), .. }) = &value else { return value };
        if field.positive && *v <= 0.0 {
            self.push(
                Diagnostic::error("E0205", format!("{what} must be greater than zero"))
                    .primary(self.loc(expr.span), "not positive")
                    .help(format!("Give {what} a value above zero.")),
            );
            return Value::Error;
        }
        if field.run_length
            && let Some(refused) = self.within_longest_run(*v, expr.span, what, "is")
        {
            return refused;
        }
        if let Some(max) = field.max
            && *v > f64::from(max)
        {
            self.push(
                Diagnostic::error("E0205", format!("{what} must be at most {max}"))
                    .primary(self.loc(expr.span), format!("this is {v}"))
                    .help(format!("fab simulates at most {max} here; a larger value is a typo or asks for more memory than a machine has.")),
            );
            return Value::Error;
        }
        value
    }

    /// E0205 when `seconds`, what `what` `is` (or `has a mean`), is not shorter than the longest
    /// run the clock holds: [`Value::Error`] then, `None` when it is shorter.
    fn within_longest_run(
        &mut self,
        seconds: f64,
        span: Span,
        what: &str,
        is: &str,
    ) -> Option<Value> {
        let longest = fab_runtime::time::longest_run_s();
        if seconds < longest {
            return None;
        }
        let years = longest / (365.25 * 86400.0);
        self.push(
            Diagnostic::error("E0205", format!("{what} {is} longer than the longest run"))
                .primary(self.loc(span), "too long")
                .help(format!(
                    "Time is kept in whole nanoseconds, so a run lasts less than {years:.0} \
                     years; shorten it."
                )),
        );
        Some(Value::Error)
    }

    /// W0207 when `value`, a time the engine counts to (a duration, or a law of durations by its
    /// mean; `of` a clock alike), is longer than zero but shorter than one nanosecond, the tick of
    /// the engine's clock: each time is rounded to whole nanoseconds when it is scheduled, so it
    /// runs as 0 ns (or 1 ns from half of one on), and parts pass without time passing.
    /// `interarrival = exponential(mean = 1e-300 s)` passed the checks and then ran out of memory
    /// or into E0901 after seconds of work; `cycle = 1e-10 s` ran as a zero cycle.
    fn within_the_clock_tick(&mut self, value: &Value, span: Span, what: &str, recurring: bool) {
        let (seconds, constant) = match value {
            Value::Number(Quantity { si: Some(seconds), dim, .. }) if *dim == Dimension::TIME => {
                (*seconds, true)
            }
            Value::Dist(DistValue { dist: Some(law), dim }) if *dim == Dimension::TIME => {
                (law.mean(), matches!(law, dist::Distribution::Constant { .. }))
            }
            Value::Clocked { value, .. } => {
                return self.within_the_clock_tick(value, span, what, recurring);
            }
            _ => return,
        };
        let tick = 1.0 / fab_runtime::time::NS_PER_S;
        if !(seconds > 0.0 && seconds < tick) {
            return;
        }
        let nanoseconds = seconds * fab_runtime::time::NS_PER_S;
        // Three significant digits, trailing zeros of the digits dropped (never of an exponent):
        // 0.1, 0.125, 2.5e-10; a value that rounds up to 1 keeps its digits (0.9996 ns).
        let shown = if nanoseconds >= 1e-3 {
            let digits = if nanoseconds >= 0.9995 { 4 } else { 3 };
            let fixed = format!("{nanoseconds:.digits$}");
            fixed.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            let scientific = format!("{nanoseconds:.2e}");
            let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
            format!("{}e{exponent}", mantissa.trim_end_matches('0').trim_end_matches('.'))
        };
        let (message, label) = if constant {
            // An interval the engine repeats at runs as one tick at least (`ParamDecl::recurring`).
            let runs_as = if recurring { 1 } else { fab_runtime::time::ns(seconds) };
            (
                format!("{what} is shorter than a nanosecond"),
                format!("{shown} ns, which the engine runs as {runs_as} ns"),
            )
        } else {
            (
                format!("{what} has a mean shorter than a nanosecond"),
                format!("a mean of {shown} ns; each draw is rounded to whole nanoseconds"),
            )
        };
        let help = if recurring {
            "The engine keeps time in whole nanoseconds and repeats this at most once a \
             nanosecond: a billion times for each second of the run, minutes of computing for \
             each second of model time. Check the unit (`1e-10 s` is a tenth of a nanosecond)."
        } else {
            "The engine keeps time in whole nanoseconds, so a time under half of one runs as no \
             time at all. Check the unit (`1e-10 s` is a tenth of a nanosecond), or write `0 s` \
             if no time is meant."
        };
        self.push(Diagnostic::warning("W0207", message).primary(self.loc(span), label).help(help));
    }

    /// The help for a name this file cannot see but another loaded file declares: that file is
    /// not imported, directly or through an import.
    pub fn out_of_sight_help(&self, name: &str) -> Option<String> {
        let other = crate::scope::declared_out_of_sight(self.db, self.file, name)?;
        Some(format!(
            "`{name}` is declared in `{}`, which this file does not import, directly or through \
             its imports; import that file to use it.",
            other.path(self.db)
        ))
    }

    /// A checked field of this item: its value, the whole member and the value expression.
    pub fn field(&self, value: Value, member: Span, value_span: Span) -> Field {
        Field { value, location: self.loc(member), value_location: self.loc(value_span) }
    }

    /// Evaluates an expression. `expected` guides calls: a distribution's variable dimension comes
    /// from the type the value will be conformed to.
    pub fn eval(&mut self, expr: &Expr, expected: Option<&ValueType>) -> Value {
        match &expr.kind {
            // A literal a number does not hold was reported by the lexer (E0002).
            ExprKind::Number(number) | ExprKind::Quantity { value: number, .. }
                if !number.is_representable() =>
            {
                Value::Error
            }
            ExprKind::Number(number) => Value::Number(Quantity {
                si: Some(number.value),
                dim: Dimension::NONE,
                integer: number.is_integer,
            }),
            ExprKind::Quantity { value, unit } => match self.eval_unit(unit) {
                Some((dim, scale)) => {
                    let integer = value.is_integer && scale.is_one();
                    let si = scale.decimal_to_si(&value.text).unwrap_or(scale.to_si(value.value));
                    self.representable(
                        Quantity { si: Some(si), dim, integer },
                        expr.span,
                        value.value == 0.0,
                    )
                }
                None => Value::Error,
            },
            ExprKind::String(text) => Value::Str(text.clone()),
            ExprKind::Bool(value) => Value::Bool(*value),
            ExprKind::Path(path) => {
                if path.segments.len() == 1 {
                    let name = &path.segments[0].name;
                    if expected.is_some_and(|ty| is_accepted_word(ty, name)) {
                        return Value::Word(name.clone());
                    }
                    if let Some(value) = self.env.get(name) {
                        return value.clone();
                    }
                    if let Some(declaration) = self.scope.lookup(name) {
                        return Value::Ref(declaration.clone());
                    }
                }
                Value::Word(path.dotted())
            }
            ExprKind::Call { callee, args } => {
                self.eval_call(&callee.name, callee.span, args, expr.span, expected)
            }
            ExprKind::Unary { op: UnaryOp::Neg, operand } => match self.eval(operand, expected) {
                Value::Number(q) => Value::Number(Quantity { si: q.si.map(|v| -v), ..q }),
                Value::Error => Value::Error,
                other => {
                    self.push(
                        Diagnostic::error("E0204", format!("cannot negate {}", other.describe()))
                            .primary(self.loc(operand.span), "this is not a number"),
                    );
                    Value::Error
                }
            },
            ExprKind::Binary { op, lhs, rhs } => self.eval_binary(*op, lhs, rhs, expected),
            ExprKind::Tuple(elements) => {
                let types: Option<&[ValueType]> = match expected {
                    Some(ValueType::Tuple(types)) => Some(types),
                    _ => None,
                };
                Value::Tuple(
                    elements
                        .iter()
                        .enumerate()
                        .map(|(index, e)| self.eval(e, types.and_then(|t| t.get(index))))
                        .collect(),
                )
            }
            ExprKind::List(elements) => {
                let element_type = match expected {
                    Some(ValueType::List(element)) => Some(*element),
                    _ => None,
                };
                Value::List(elements.iter().map(|e| self.eval(e, element_type)).collect())
            }
            ExprKind::Range { start, end, inclusive } => {
                let (start_value, end_value) = (self.eval(start, None), self.eval(end, None));
                if let (Value::Number(a), Value::Number(b)) = (&start_value, &end_value)
                    && !a.dim.accepts(b.dim)
                    && !b.dim.accepts(a.dim)
                {
                    self.push(self.dimension_clash("a range", a.dim, start.span, b.dim, end.span));
                    return Value::Error;
                }
                Value::Range {
                    start: Box::new(start_value),
                    end: Box::new(end_value),
                    inclusive: *inclusive,
                }
            }
            ExprKind::Of { value, clock } => {
                let value = self.eval(value, clocked_value(expected));
                Value::Clocked { value: Box::new(value), clock: clock.name.clone() }
            }
            ExprKind::Error => Value::Error,
        }
    }

    /// The dimension and SI scale of a unit expression; reports unknown units.
    fn eval_unit(&mut self, unit: &UnitExpr) -> Option<(Dimension, Scale)> {
        let mut dim = Dimension::NONE;
        let mut scale = Scale::ONE;
        let mut ok = true;
        for part in &unit.factors {
            match units::lookup(&part.name.name) {
                Some(decl) => {
                    let combined = (part.power.abs() <= Dimension::MAX_EXPONENT)
                        .then(|| decl.dimension.checked_powi(part.power))
                        .flatten()
                        .and_then(|power| dim.checked_mul(power));
                    let Some(combined) = combined else {
                        self.push(exponent_out_of_range(self.loc(unit.span), "in this unit"));
                        return None;
                    };
                    dim = combined;
                    scale = scale * decl.scale.powi(part.power);
                    if units::CURRENCIES.contains(&decl.name) {
                        self.currencies.push((decl.name.to_string(), self.loc(part.name.span)));
                    }
                }
                None => {
                    ok = false;
                    let names = units::UNITS.iter().map(|u| u.name);
                    let mut diagnostic =
                        Diagnostic::error("E0301", format!("unknown unit `{}`", part.name.name))
                            .primary(self.loc(part.name.span), "not a unit fab knows");
                    diagnostic = match did_you_mean(&part.name.name, names) {
                        Some(best) => diagnostic.suggest(self.loc(part.name.span), best),
                        None => diagnostic
                            .help("The units fab knows are listed in docs/reference/builtins.md."),
                    };
                    self.push(diagnostic);
                }
            }
        }
        ok.then_some((dim, scale))
    }

    fn eval_binary(
        &mut self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        expected: Option<&ValueType>,
    ) -> Value {
        let span = lhs.span.cover(rhs.span);
        let (left, right) = self.eval_operands(op, lhs, rhs, expected);
        let (a, b) = match (&left, &right) {
            (Value::Error, _) | (_, Value::Error) => return Value::Error,
            (Value::Number(a), Value::Number(b)) => (*a, *b),
            (Value::Dist(d), Value::Number(q)) if matches!(op, BinaryOp::Mul | BinaryOp::Div) => {
                return self.scale_dist(d, q, op == BinaryOp::Div, rhs.span, span);
            }
            (Value::Number(q), Value::Dist(d)) if op == BinaryOp::Mul => {
                return self.scale_dist(d, q, false, lhs.span, span);
            }
            _ => {
                let mut diagnostic = Diagnostic::error(
                    "E0204",
                    format!(
                        "cannot apply `{}` to {} and {}",
                        op.symbol(),
                        left.describe(),
                        right.describe()
                    ),
                )
                .primary(self.loc(lhs.span.cover(rhs.span)), "in this expression")
                .secondary(self.loc(lhs.span), left.describe())
                .secondary(self.loc(rhs.span), right.describe());
                // A unit name on its own: a word, or a declaration that has that name too.
                if let ExprKind::Path(path) = &rhs.kind
                    && let [word] = &path.segments[..]
                    && matches!(right, Value::Word(_) | Value::Ref(_))
                    && let Some(mut help) = stray_unit_help(op, lhs, &word.name)
                {
                    if let Value::Ref(_) = &right {
                        help.push_str(&format!(" Here `{}` is {}.", word.name, right.describe()));
                    }
                    diagnostic = diagnostic.help(help);
                }
                self.push(diagnostic);
                return Value::Error;
            }
        };
        let both = |f: fn(f64, f64) -> f64| match (a.si, b.si) {
            (Some(x), Some(y)) => Some(f(x, y)),
            _ => None,
        };
        match op {
            BinaryOp::Add | BinaryOp::Sub => {
                let dim = if a.dim.accepts(b.dim) {
                    a.dim
                } else if b.dim.accepts(a.dim) {
                    b.dim
                } else {
                    // `5 m + 3 s`: "cannot add Length to Duration"; `5 m - 3 s`: "cannot
                    // subtract Duration from Length".
                    let message = if op == BinaryOp::Add {
                        format!("cannot add {} to {}", a.dim, b.dim)
                    } else {
                        format!("cannot subtract {} from {}", b.dim, a.dim)
                    };
                    self.push(
                        self.dimension_clash_message(message, a.dim, lhs.span, b.dim, rhs.span),
                    );
                    return Value::Error;
                };
                let si = if op == BinaryOp::Add { both(|x, y| x + y) } else { both(|x, y| x - y) };
                // A sum is 0 only when it is exactly 0 (`x - x`): gradual underflow.
                self.representable(
                    Quantity { si, dim, integer: a.integer && b.integer },
                    span,
                    true,
                )
            }
            BinaryOp::Mul => {
                let Some(dim) = a.dim.checked_mul(b.dim) else {
                    self.push(exponent_out_of_range(self.loc(span), "in this product"));
                    return Value::Error;
                };
                self.representable(
                    Quantity { si: both(|x, y| x * y), dim, integer: a.integer && b.integer },
                    span,
                    a.si == Some(0.0) || b.si == Some(0.0),
                )
            }
            BinaryOp::Div => {
                if b.si == Some(0.0) {
                    self.push(
                        Diagnostic::error("E0205", "division by zero")
                            .primary(self.loc(rhs.span), "this is zero")
                            .help("Divide by a number other than zero."),
                    );
                    return Value::Error;
                }
                let Some(dim) = a.dim.checked_div(b.dim) else {
                    self.push(exponent_out_of_range(self.loc(span), "in this quotient"));
                    return Value::Error;
                };
                let si = both(|x, y| x / y);
                self.representable(Quantity { si, dim, integer: false }, span, a.si == Some(0.0))
            }
            BinaryOp::Pow => {
                let exponent = match (b.dim.is_dimensionless(), b.si) {
                    (true, Some(e)) if e.fract() == 0.0 && e.abs() <= 64.0 => e as i32,
                    (plain, e) => {
                        // What is wrong with the exponent, said of the exponent as written.
                        let label = match e {
                            _ if !plain => {
                                format!("this is {}, not a plain number", right.describe())
                            }
                            Some(e) if e.fract() != 0.0 => {
                                format!("this is {e}, not a whole number")
                            }
                            Some(e) if e.is_finite() => format!("this is {e}, beyond ±64"),
                            Some(_) => "this is not a finite number".to_string(),
                            None => "a template parameter: its value is not known here".to_string(),
                        };
                        self.push(
                            Diagnostic::error(
                                "E0204",
                                "an exponent must be a whole plain number from -64 to 64",
                            )
                            .primary(self.loc(rhs.span), label)
                            .help(
                                "Raise to a whole power, such as `^2` or `^-1`: a quantity to a \
                                 fractional power (`s^1.5`) has no unit to be written in.",
                            ),
                        );
                        return Value::Error;
                    }
                };
                let Some(dim) = a.dim.checked_powi(exponent) else {
                    self.push(exponent_out_of_range(self.loc(span), "in this power"));
                    return Value::Error;
                };
                let si = a.si.map(|x| powi_exact(x, exponent));
                let integer = a.integer && exponent >= 0;
                self.representable(Quantity { si, dim, integer }, span, a.si == Some(0.0))
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Eq => {
                if !a.dim.accepts(b.dim) && !b.dim.accepts(a.dim) {
                    let message = format!("cannot compare {} with {}", a.dim, b.dim);
                    self.push(
                        self.dimension_clash_message(message, a.dim, lhs.span, b.dim, rhs.span),
                    );
                    return Value::Error;
                }
                Value::Bool(match (a.si, b.si) {
                    (Some(x), Some(y)) => match op {
                        BinaryOp::Lt => x < y,
                        BinaryOp::Le => x <= y,
                        BinaryOp::Gt => x > y,
                        BinaryOp::Ge => x >= y,
                        _ => x == y,
                    },
                    _ => false,
                })
            }
        }
    }

    /// Evaluates both operands of `op`. The expected type only guides a distribution call, and it
    /// describes the whole expression: `+` and `-` pass it to both sides. A product or quotient
    /// passes it to the side with the call only when the other side, evaluated first, is a plain
    /// number (`exponential(rate = 2/h) * 3`): only then must that side have the whole's dimension.
    /// Otherwise the call takes its dimension from its own arguments and the product's dimension
    /// is checked as a whole, so `uniform(min = 10 m, max = 20 m) / (1 m/s)` is a duration and a
    /// wrong divisor is reported at the expression, not at `min`.
    fn eval_operands(
        &mut self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        expected: Option<&ValueType>,
    ) -> (Value, Value) {
        if !matches!(op, BinaryOp::Mul | BinaryOp::Div) {
            return (self.eval(lhs, expected), self.eval(rhs, expected));
        }
        let plain = |value: &Value| matches!(value, Value::Number(q) if q.dim.is_dimensionless());
        match (contains_call(lhs), contains_call(rhs)) {
            (true, false) => {
                let right = self.eval(rhs, None);
                let left = self.eval(lhs, expected.filter(|_| plain(&right)));
                (left, right)
            }
            (false, true) => {
                let left = self.eval(lhs, None);
                let right = self.eval(rhs, expected.filter(|_| plain(&left)));
                (left, right)
            }
            _ => (self.eval(lhs, None), self.eval(rhs, None)),
        }
    }

    /// A number computed from representable operands, by a unit's conversion to SI or by
    /// arithmetic, must be representable itself, as a literal must be (E0002 there,
    /// `Number::is_representable`). One that is not finite (`1e308 s * 10`, or `x - x` of such a
    /// number) would run as zero or never; one that came out 0 although `zero` is false (its
    /// exact value is not 0: `1e-200 ms * 1e-200`), or closer to zero than the smallest normal
    /// `f64` (about 2.2e-308, where digits are lost: `1e-307 ms` is 1e-310 s), would run as
    /// nothing or as a value other than written. Either is an error at the expression.
    fn representable(&mut self, q: Quantity, span: Span, zero: bool) -> Value {
        let Some(problem) = q.si.and_then(|v| Unrepresentable::of(v, zero)) else {
            return Value::Number(q);
        };
        let message = if problem.too_large() {
            "the value is not a finite number"
        } else {
            "the value is too close to zero to represent"
        };
        self.push(
            Diagnostic::error("E0205", message).primary(self.loc(span), problem.label()).help(
                "Every value must be a finite number, 0 or at least about 2.2e-308 in size once \
             converted to SI units (seconds, metres, EUR per second); check the sizes and the \
             units.",
            ),
        );
        Value::Error
    }

    /// E0302: `what` (`a range`) mixes the dimensions of its two sides, both labelled.
    pub fn dimension_clash(
        &self,
        what: &str,
        a: Dimension,
        a_span: Span,
        b: Dimension,
        b_span: Span,
    ) -> Diagnostic {
        let message = format!("{what} mixes {a} and {b}");
        self.dimension_clash_message(message, a, a_span, b, b_span)
    }

    fn dimension_clash_message(
        &self,
        message: String,
        a: Dimension,
        a_span: Span,
        b: Dimension,
        b_span: Span,
    ) -> Diagnostic {
        Diagnostic::error("E0302", message)
            .primary(self.loc(a_span), format!("this is {}", dim_phrase(a)))
            .secondary(self.loc(b_span), format!("this is {}", dim_phrase(b)))
            .help("Both sides must have the same dimension; check the units.")
    }

    /// `dist * number`, `number * dist`, `dist / number`: the distribution scaled.
    fn scale_dist(
        &mut self,
        d: &DistValue,
        q: &Quantity,
        divide: bool,
        q_span: Span,
        span: Span,
    ) -> Value {
        let dim = if divide { d.dim.checked_div(q.dim) } else { d.dim.checked_mul(q.dim) };
        let Some(dim) = dim else {
            let what = if divide { "in this quotient" } else { "in this product" };
            self.push(exponent_out_of_range(self.loc(span), what));
            return Value::Error;
        };
        let factor = q.si.map(|v| if divide { 1.0 / v } else { v });
        if let Some(f) = factor
            && !(f > 0.0 && f.is_finite())
        {
            self.push(
                Diagnostic::error(
                    "E0205",
                    "a distribution can only be scaled by a positive number",
                )
                .primary(self.loc(q_span), "this is not positive")
                .help("Scale by a number greater than zero; a distribution cannot be flipped."),
            );
            return Value::Error;
        }
        let dist = match (&d.dist, factor) {
            (Some(dist), Some(f)) => {
                let scaled = dist.scaled(f);
                if let Some(problem) = Unrepresentable::of_scaled(dist, &scaled) {
                    let help = if problem.too_large() {
                        "Scale the distribution by a smaller factor, or check the units."
                    } else {
                        "Scale the distribution by a larger factor, or check the units."
                    };
                    self.push(problem.of_distribution(
                        self.loc(span),
                        "the scaled distribution",
                        help,
                    ));
                    return Value::Error;
                }
                Some(scaled)
            }
            _ => None,
        };
        Value::Dist(DistValue { dist, dim })
    }

    fn eval_call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Arg],
        span: Span,
        expected: Option<&ValueType>,
    ) -> Value {
        if let Some(family) = dist::family(name) {
            return self.eval_distribution(family, args, span, expected);
        }
        if let Some(callable) = catalog::callable(name) {
            return self.eval_callable(callable, args, span);
        }
        // Where a distribution is expected, the families alone are what would do.
        let law = expected.and_then(expected_dist_dimension).is_some();
        let (best, listing) = callees(name, law);
        let diagnostic =
            Diagnostic::error("E0401", format!("unknown distribution or function `{name}`"))
                .primary(self.loc(name_span), "not a built-in")
                .suggest_or_list(self.loc(name_span), best, listing);
        self.push(diagnostic);
        Value::Error
    }

    /// Matches named (and leading positional) arguments to one of the signatures.
    fn bind_args<'p, 'x>(
        &mut self,
        what: &str,
        signatures: &[&'p [ParamDecl]],
        args: &'x [Arg],
        span: Span,
    ) -> Option<BoundArgs<'p, 'x>> {
        let all_params = || signatures.iter().flat_map(|s| s.iter());
        let mut named: Vec<(&str, &Arg)> = Vec::with_capacity(args.len());
        let mut ok = true;
        for (index, arg) in args.iter().enumerate() {
            let name = match &arg.name {
                Some(ident) => {
                    if !all_params().any(|p| p.name == ident.name) {
                        let best = did_you_mean(&ident.name, all_params().map(|p| p.name));
                        let diagnostic = Diagnostic::error(
                            "E0402",
                            format!("`{what}` has no parameter `{}`", ident.name),
                        )
                        .primary(self.loc(ident.span), "unknown parameter")
                        .suggest_or_list(
                            self.loc(ident.span),
                            best,
                            format!("`{what}` takes {}.", signature_list(signatures)),
                        );
                        self.push(diagnostic);
                        ok = false;
                        continue;
                    }
                    ident.name.as_str()
                }
                None => {
                    match signatures.first().and_then(|s| s.get(index)).filter(|p| p.positional) {
                        Some(param) => param.name,
                        None => {
                            self.push(
                                Diagnostic::error(
                                    "E0402",
                                    format!("arguments of `{what}` are given by name"),
                                )
                                .primary(self.loc(arg.span), "this argument has no name")
                                .help(format!(
                                    "Write it as `NAME = value`; `{what}` takes {}.",
                                    signature_list(signatures)
                                )),
                            );
                            ok = false;
                            continue;
                        }
                    }
                }
            };
            if let Some((_, first)) = named.iter().find(|(n, _)| *n == name) {
                self.push(
                    Diagnostic::error("E0402", format!("parameter `{name}` is given twice"))
                        .primary(self.loc(arg.span), "given again here")
                        .secondary(self.loc(first.span), "first given here"),
                );
                ok = false;
                continue;
            }
            named.push((name, arg));
        }
        if !ok {
            return None;
        }
        let fits = |signature: &[ParamDecl]| {
            named.iter().all(|(n, _)| signature.iter().any(|p| p.name == *n))
                && signature.iter().all(|p| p.optional || named.iter().any(|(n, _)| *n == p.name))
        };
        let Some(signature) = signatures.iter().copied().find(|s| fits(s)) else {
            let given: Vec<&str> = named.iter().map(|(n, _)| *n).collect();
            let given = if given.is_empty() {
                "no parameters".to_string()
            } else {
                format!("({})", given.join(", "))
            };
            self.push(
                Diagnostic::error("E0402", format!("`{what}` does not take {given}"))
                    .primary(self.loc(span), "wrong parameters")
                    .help(format!("`{what}` takes {}.", signature_list(signatures))),
            );
            return None;
        };
        let bound = named
            .into_iter()
            .map(|(n, arg)| (signature.iter().find(|p| p.name == n).expect("checked by fits"), arg))
            .collect();
        Some((signature, bound))
    }

    fn eval_distribution(
        &mut self,
        family: &'static dist::FamilyDecl,
        args: &[Arg],
        span: Span,
        expected: Option<&ValueType>,
    ) -> Value {
        let Some((_, bound)) = self.bind_args(family.name, family.signatures, args, span) else {
            return Value::Error;
        };
        // The variable's dimension: from the expected type, else from an argument in its units.
        let mut variable = expected.and_then(expected_dist_dimension);
        let mut values: Vec<(&ParamDecl, Value, &Expr)> = Vec::with_capacity(bound.len());
        for (param, arg) in &bound {
            let value = self.eval(&arg.value, None);
            if variable.is_none()
                && matches!(param.ty, ParamType::OfVariable)
                && let Value::Number(q) = &value
            {
                variable = Some(q.dim);
            }
            values.push((param, value, &arg.value));
        }
        let variable = variable.unwrap_or(Dimension::NONE);
        let mut known: Vec<(&str, f64)> = Vec::with_capacity(bound.len());
        let mut abstract_param = false;
        let mut failed = false;
        let mut data: Option<(String, String, Span)> = None;
        let mut data_written_in = self.file;
        let mut unit_factor = 1.0;
        let mut unit_span = None;
        let mut families: Option<(Vec<Value>, &Expr)> = None;
        for (param, value, written) in values {
            let value_span = written.span;
            let ty = match param.ty {
                ParamType::OfVariable => ValueType::Quantity(variable),
                ParamType::PerVariable => match variable.checked_powi(-1) {
                    Some(inverse) => ValueType::Quantity(inverse),
                    None => ValueType::Any,
                },
                // A whole-number parameter (`erlang`'s `k`) is held here to its dimension alone:
                // which numbers it takes is the family's rule (`dist::build`), one rule with one
                // code, E0403, where `k = 0` was E0205 and `k = 2³²` E0403.
                ParamType::Fixed(ValueType::Int { .. }) => ValueType::Quantity(Dimension::COUNT),
                ParamType::Fixed(ty) => ty,
            };
            match self.conform(value, &ty) {
                // Already reported where it was written.
                Ok(Value::Error) => failed = true,
                Ok(Value::Number(q)) => match q.si {
                    // What one number of the file stands for scales every value: zero would make
                    // them all 0, and a negative unit would flip their signs.
                    Some(si) if param.name == "unit" && si <= 0.0 => {
                        let message = "`unit` must be greater than zero";
                        self.push(
                            Diagnostic::error(
                                "E0403",
                                format!("invalid parameters for `{}`: {message}", family.name),
                            )
                            .primary(self.loc(value_span), message)
                            .note(format!("`unit`: {}.", param.doc))
                            .help(
                                "Give `unit` what one number in the file stands for, e.g. `1 s` \
                                 for a column of seconds or `1 min` for one of minutes.",
                            ),
                        );
                        failed = true;
                    }
                    Some(si) if param.name == "unit" => {
                        unit_factor = si;
                        unit_span = Some(value_span);
                    }
                    Some(si) => known.push((param.name, si)),
                    None => abstract_param = true,
                },
                Ok(Value::Str(text)) if param.name == "file" => {
                    data_written_in = self.written_in(written);
                    data = Some((text, data.map(|d| d.1).unwrap_or_default(), value_span))
                }
                // A file or column named by a template's parameter, checked on its own.
                Ok(Value::AbstractStr) => abstract_param = true,
                Ok(Value::List(names))
                    if param.name == "families"
                        && names.iter().any(|n| matches!(n, Value::AbstractStr)) =>
                {
                    abstract_param = true
                }
                Ok(Value::Str(text)) if param.name == "column" => match &mut data {
                    Some(d) => d.1 = text,
                    None => data = Some((String::new(), text, value_span)),
                },
                Ok(Value::List(names)) if param.name == "families" => {
                    families = Some((names, written))
                }
                Ok(_) => {}
                Err(mismatch) => {
                    self.report_mismatch_of(
                        mismatch,
                        written,
                        &format!("parameter `{}`", param.name),
                    );
                    failed = true;
                }
            }
        }
        if failed {
            return Value::Error;
        }
        if abstract_param {
            return Value::Dist(DistValue { dist: None, dim: variable });
        }
        let non_negative = is_non_negative(variable);
        let candidates = match families {
            Some((names, written)) => match self.fit_families(&names, written) {
                Some(candidates) => candidates,
                None => return Value::Error,
            },
            None => Vec::new(),
        };
        let built = if family.reads_data {
            let (file, column, file_span) = data.unwrap_or_default();
            match self.read_column(&file, data_written_in, &column, file_span) {
                Some(values) if family.name == "empirical" => {
                    let read = dist::Distribution::Empirical { values };
                    match self.in_unit(
                        &read,
                        unit_factor,
                        &file,
                        &column,
                        unit_span.unwrap_or(span),
                    ) {
                        Some(distribution) => Ok(distribution),
                        None => return Value::Error,
                    }
                }
                Some(_) => {
                    let request = crate::data::FitRequest {
                        column: column.clone(),
                        families: candidates,
                        non_negative,
                    };
                    let fitted = self.fit_column(
                        &file,
                        data_written_in,
                        request,
                        (span, unit_span.unwrap_or(span)),
                        variable,
                        unit_factor,
                    );
                    match fitted {
                        Some(distribution) => Ok(distribution),
                        None => return Value::Error,
                    }
                }
                None => return Value::Error,
            }
        } else {
            let get = |name: &str| known.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
            dist::build(family.name, &get, non_negative)
        };
        match built {
            Ok(distribution) => {
                self.check_support(&distribution, variable, span);
                Value::Dist(DistValue { dist: Some(distribution), dim: variable })
            }
            Err(invalid) => {
                let param_span = |name: &str| {
                    bound
                        .iter()
                        .find(|(p, _)| p.name == name)
                        .map(|(_, a)| a.value.span)
                        .unwrap_or(span)
                };
                let mean_not_finite = invalid == InvalidParameter::MeanNotFinite;
                let not_whole = matches!(invalid, InvalidParameter::NotWholeNumber { .. });
                let derived_not_finite = invalid == InvalidParameter::DerivedNotFinite;
                let (message, at) = match invalid {
                    InvalidParameter::Negative { param, strictly: true } => {
                        (format!("`{param}` must be greater than zero"), param_span(param))
                    }
                    InvalidParameter::Negative { param, strictly: false } => {
                        (format!("`{param}` must not be negative"), param_span(param))
                    }
                    InvalidParameter::Order { lower, upper, strictly: false } => {
                        (format!("`{lower}` must not be greater than `{upper}`"), param_span(lower))
                    }
                    InvalidParameter::Order { lower, upper, strictly: true } => {
                        (format!("`{lower}` must be smaller than `{upper}`"), param_span(lower))
                    }
                    InvalidParameter::NotWholeNumber { param } => (
                        format!("`{param}` must be a whole number from 1 to {}", u32::MAX),
                        param_span(param),
                    ),
                    InvalidParameter::NotFinite { param } => {
                        (format!("`{param}` is not a finite number"), param_span(param))
                    }
                    InvalidParameter::MeanNotFinite => {
                        ("its mean is not a finite number".to_string(), span)
                    }
                    InvalidParameter::DerivedNotFinite => {
                        ("a parameter derived from these is not a finite number".to_string(), span)
                    }
                    InvalidParameter::NoData => ("no data".to_string(), span),
                };
                let help = match mean_not_finite {
                    false if derived_not_finite => format!(
                        "Check the sizes of the parameters of `{}` and their units: as written, \
                         a parameter derived from them overflows (a lognormal's `sd` is `cv` × \
                         `mean`, a gamma's scale `mean` × `cv`², an exponential's mean 1 / \
                         `rate`).",
                        family.name
                    ),
                    true if family.name == "weibull" => {
                        "The mean of a `weibull` is `location + scale · Γ(1 + 1/shape)`, which \
                         overflows for a shape below about 0.0059; a station's ideal cycle, a \
                         mean repair time and every expected figure are means: raise `shape`."
                            .to_string()
                    }
                    true => format!(
                        "Make the parameters of `{}` smaller: a station's ideal cycle, a mean \
                         repair time and every expected figure are means, and this one \
                         overflows.",
                        family.name
                    ),
                    false if not_whole => whole_number_help(family.name),
                    false => format!("Change the parameters of `{}`: {message}.", family.name),
                };
                self.push(
                    Diagnostic::error(
                        "E0403",
                        format!("invalid parameters for `{}`: {message}", family.name),
                    )
                    .primary(self.loc(at), message.clone())
                    .note(format!("`{}`: {}", family.name, family.doc))
                    .help(help),
                );
                Value::Error
            }
        }
    }

    /// Non-negative variables (durations, lengths…) need a distribution that cannot go below zero.
    fn check_support(
        &mut self,
        distribution: &dist::Distribution,
        variable: Dimension,
        span: Span,
    ) {
        if !is_non_negative(variable) {
            return;
        }
        if let dist::Distribution::Normal { mean, sd, .. } = distribution {
            if *mean < 3.0 * sd {
                self.push(
                    Diagnostic::warning("W0401", format!("this normal {} is truncated at zero", variable))
                        .primary(self.loc(span), format!("mean is less than 3 sd; about {:.1} % of draws would be negative", 100.0 * normal_below_zero(*mean, *sd)))
                        .help("Negative draws are redrawn, which raises the mean; consider `lognormal(mean, sd)` or `gamma(mean, cv)`."),
                );
            }
            return;
        }
        let (low, _) = distribution.support();
        if low < 0.0 {
            self.push(
                Diagnostic::error("E0403", format!("a {} cannot be negative", variable))
                    .primary(self.loc(span), format!("this distribution reaches {low}"))
                    .help("Keep the distribution's smallest value at zero or above."),
            );
        }
    }

    /// The families a `families = [...]` list names; an unknown name is an error with a "did you
    /// mean" suggestion, and so is an empty list, which names none (the fit took it for every
    /// family, as if `families` were not written).
    fn fit_families(&mut self, names: &[Value], written: &Expr) -> Option<Vec<Family>> {
        if names.is_empty() {
            self.push(
                Diagnostic::error(
                    "E0403",
                    "invalid parameters for `fit`: `families` names no family",
                )
                .primary(self.loc(written.span), "an empty list")
                .note(format!("`fit` fits {}.", Family::names().collect::<Vec<_>>().join(", ")))
                .help(Family::none_named_help(
                    "`families`",
                    "`families = [\"weibull\", \"lognormal\"]`",
                )),
            );
            return None;
        }
        let item_spans: Vec<Span> = match &written.kind {
            ExprKind::List(items) if items.len() == names.len() => {
                items.iter().map(|item| item.span).collect()
            }
            _ => vec![written.span; names.len()],
        };
        let mut selected = Vec::new();
        let mut ok = true;
        for (name, at) in names.iter().zip(item_spans) {
            let Value::Str(name) = name else { continue };
            match Family::select(name) {
                Some(families) => selected.extend(families),
                None => {
                    let known: Vec<&str> = Family::names().collect();
                    let mut diagnostic = Diagnostic::error(
                        "E0403",
                        format!("invalid parameters for `fit`: unknown family `{name}`"),
                    )
                    .primary(self.loc(at), "not a family `fit` knows")
                    .note(format!("`fit` fits {}.", known.join(", ")));
                    if let Some(best) = did_you_mean(name, known.iter().copied()) {
                        diagnostic = diagnostic.help(format!("Did you mean `{best}`?")).fix(
                            format!("Replace with `\"{best}\"`"),
                            self.loc(at),
                            format!("\"{best}\""),
                        );
                    }
                    self.push(diagnostic);
                    ok = false;
                }
            }
        }
        ok.then_some(selected)
    }

    /// `read`, a law of the values of `column` of `file` (resampled or fitted) in the file's own
    /// units, in SI: scaled by `unit_factor`, what one number of the file stands for. A value or
    /// parameter that the scaling takes beyond what a number holds, or below its smallest normal
    /// size, is an error at `unit` (E0205), as a quantity's own conversion is: `1e306` hours is
    /// infinite in seconds, and ran as a life that never ends (a fitted law as lives of 0).
    fn in_unit(
        &mut self,
        read: &dist::Distribution,
        unit_factor: f64,
        file: &str,
        column: &str,
        unit_span: Span,
    ) -> Option<dist::Distribution> {
        let scaled = read.scaled(unit_factor);
        let Some(problem) = Unrepresentable::of_scaled(read, &scaled) else { return Some(scaled) };
        let what = format!("column `{column}` of `{file}` in this unit");
        let help = "The numbers of the file times `unit` must be finite numbers, 0 or at least \
                    about 2.2e-308 in size in SI units; check the file's numbers and `unit`.";
        self.push(problem.of_distribution(self.loc(unit_span), &what, help));
        None
    }

    /// Fits a column of a data file (memoized by [`crate::data::fitted_column`]), records what was
    /// chosen for reports, and returns the best distribution in SI units.
    fn fit_column(
        &mut self,
        file: &str,
        written_in: SourceFile,
        request: crate::data::FitRequest,
        (span, unit_span): (Span, Span),
        dimension: Dimension,
        unit_factor: f64,
    ) -> Option<dist::Distribution> {
        use crate::data::FitFailure;
        let path = self.data_path(written_in, file);
        let data = self.db.data_file(&path);
        let column = request.column.clone();
        match crate::data::fitted_column(self.db, data, request) {
            Ok(fitted) => {
                let best = &fitted.ranking.best()?.distribution;
                let best = self.in_unit(best, unit_factor, file, &column, unit_span)?;
                self.fits.push(crate::data::FitReport {
                    location: self.loc(span),
                    path,
                    column,
                    dimension,
                    unit_factor,
                    fitted: fitted.clone(),
                });
                Some(best)
            }
            Err(failure) => {
                let (label, help) = match failure {
                    FitFailure::Unreadable { message, help } => (message.clone(), help.clone()),
                    FitFailure::Sample(reason) => (
                        reason.clone(),
                        "A fit needs at least 3 values that are not all equal.".to_string(),
                    ),
                    FitFailure::NoFamily(reasons) => (
                        "no candidate family applies".to_string(),
                        format!("Each family was left out: {}.", reasons.join("; ")),
                    ),
                };
                let mut diagnostic = Diagnostic::error(
                    "E0404",
                    format!("no distribution fits column `{column}` of `{file}`"),
                )
                .primary(self.loc(span), label);
                if !help.is_empty() {
                    diagnostic = diagnostic.help(help);
                }
                self.push(diagnostic);
                None
            }
        }
    }

    /// A schedule file's release times: seconds from the start of the run, in a column named
    /// `time`, in ascending order (equal times allowed), none negative. A problem names the row
    /// of the file, counting the header as row 1 and blank lines too, as every data-file problem
    /// does.
    fn read_schedule(&mut self, file: &str, written_in: SourceFile, span: Span) -> Value {
        let path = self.data_path(written_in, file);
        let Some(text) = self.data_text(&path, span) else { return Value::Error };
        let rows = match crate::data::numeric_rows(&text, "time") {
            Ok(rows) => rows,
            Err(problem) => {
                self.push_data_problem(&path, problem, span);
                return Value::Error;
            }
        };
        let mut previous: Option<(usize, f64)> = None;
        for &(row, time) in &rows {
            if time < 0.0 {
                let problem = crate::data::DataProblem {
                    message: format!(
                        "row {row}, column `time`: `{time}` is before the start of the run"
                    ),
                    help: "Release times are seconds from the start of the run, 0 or more; \
                           remove or fix that row."
                        .to_string(),
                };
                self.push_data_problem(&path, problem, span);
                return Value::Error;
            }
            if let Some((earlier_row, earlier)) = previous
                && time < earlier
            {
                self.push(
                    Diagnostic::error(
                        "E0404",
                        format!("schedule `{file}` is not in ascending order"),
                    )
                    .primary(
                        self.loc(span),
                        format!(
                            "row {row} ({time} s) comes before row {earlier_row} ({earlier} s)"
                        ),
                    )
                    .help("Sort the release times from the earliest to the latest."),
                );
                return Value::Error;
            }
            previous = Some((row, time));
        }
        let time =
            |(_, t)| Value::Number(Quantity { si: Some(t), dim: Dimension::TIME, integer: false });
        // The times are in order, so only the first after 0 may lie within the clock's tick.
        if let Some(&(row, first)) = rows.iter().find(|(_, t)| *t > 0.0) {
            self.within_the_clock_tick(
                &time((row, first)),
                span,
                &format!("the release time of row {row} of `{file}`"),
                false,
            );
        }
        Value::List(rows.into_iter().map(time).collect())
    }

    /// Reads one numeric column of a CSV data file, relative to the folder of the file
    /// `written_in`, where its name is written.
    pub fn read_column(
        &mut self,
        file: &str,
        written_in: SourceFile,
        column: &str,
        span: Span,
    ) -> Option<Vec<f64>> {
        let path = self.data_path(written_in, file);
        let text = self.data_text(&path, span)?;
        match crate::data::numeric_column(&text, column) {
            Ok(values) => Some(values),
            Err(problem) => {
                self.push_data_problem(&path, problem, span);
                None
            }
        }
    }

    /// The workspace path of the data file `file` names, written in `written_in`. A name that
    /// folds to nothing (`"."` beside a model in the working folder) keeps `.`, so the message
    /// names the folder it points to.
    fn data_path(&self, written_in: SourceFile, file: &str) -> String {
        let path = crate::scope::relative_to(written_in.path(self.db), file);
        if path.is_empty() { ".".to_string() } else { path }
    }

    /// The text of the data file at `path`, or E0404 at `span` saying why it cannot be read.
    fn data_text(&mut self, path: &str, span: Span) -> Option<std::sync::Arc<str>> {
        match self.db.data_file(path).contents(self.db) {
            Ok(text) => Some(text.clone()),
            Err(error) => {
                let help = if error.missing {
                    "A path is relative to the folder of the file it is written in: the model, \
                     or the instance that names it for a template."
                } else {
                    "A data file is a CSV file of at most 1 GiB, saved as UTF-8 text."
                };
                self.push(
                    Diagnostic::error("E0404", format!("cannot read data file `{path}`"))
                        .primary(self.loc(span), error.reason.clone())
                        .help(help),
                );
                None
            }
        }
    }

    /// E0404 at `span`: the data file at `path` has `problem`.
    fn push_data_problem(&mut self, path: &str, problem: crate::data::DataProblem, span: Span) {
        self.push(
            Diagnostic::error("E0404", format!("data file `{path}`: {}", problem.message))
                .primary(self.loc(span), "in this file")
                .help(problem.help),
        );
    }

    fn eval_callable(
        &mut self,
        callable: &'static catalog::CallableDecl,
        args: &[Arg],
        span: Span,
    ) -> Value {
        let Some((_, bound)) = self.bind_args(callable.name, &[callable.params], args, span) else {
            return Value::Error;
        };
        let mut checked = BTreeMap::new();
        let mut failed = false;
        for (param, arg) in bound {
            let ty = match param.ty {
                ParamType::Fixed(ty) => ty,
                _ => ValueType::Any,
            };
            let what = format!("parameter `{}`", param.name);
            match self.eval_as(&arg.value, &ty, &what) {
                Value::Error => failed = true,
                value => {
                    self.within_the_clock_tick(&value, arg.value.span, &what, param.recurring);
                    checked.insert(param.name.to_string(), value);
                }
            }
        }
        if failed {
            return Value::Error;
        }
        Value::Call(CallValue { name: callable.name.to_string(), args: checked })
    }

    /// Checks `value` against `ty`, converting where the language allows.
    pub fn conform(&mut self, value: Value, ty: &ValueType) -> Result<Value, Mismatch> {
        if matches!(value, Value::Error) {
            return Ok(Value::Error);
        }
        match ty {
            ValueType::Any => Ok(value),
            ValueType::Quantity(dim) => match value {
                Value::Number(q) if dim.accepts(q.dim) => {
                    Ok(Value::Number(Quantity { dim: *dim, ..q }))
                }
                Value::Number(q) => Err(Mismatch::Dimension { expected: *dim, found: q.dim }),
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Cycles => match value {
                Value::Number(q) if q.dim == Dimension::COUNT => {
                    check_integer(&q, 1).map(|_| Value::Number(q))
                }
                Value::Number(q) => {
                    Err(Mismatch::Dimension { expected: Dimension::COUNT, found: q.dim })
                }
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Int { min } => match value {
                Value::Number(q) if Dimension::COUNT.accepts(q.dim) => {
                    check_integer(&q, *min).map(|_| Value::Number(q))
                }
                Value::Number(q) => {
                    Err(Mismatch::Dimension { expected: Dimension::COUNT, found: q.dim })
                }
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Bool => match value {
                Value::Bool(_) => Ok(value),
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::String => match value {
                Value::Str(_) | Value::AbstractStr => Ok(value),
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Dist(dim) => match value {
                Value::Dist(d) if dim.accepts(d.dim) => {
                    Ok(Value::Dist(DistValue { dim: *dim, ..d }))
                }
                Value::Dist(d) => Err(Mismatch::Dimension { expected: *dim, found: d.dim }),
                Value::Number(q) if dim.accepts(q.dim) => {
                    if is_non_negative(*dim) && q.si.is_some_and(|v| v < 0.0) {
                        return Err(Mismatch::Negative);
                    }
                    let dist = q.si.map(|value| dist::Distribution::Constant { value });
                    Ok(Value::Dist(DistValue { dist, dim: *dim }))
                }
                Value::Number(q) => Err(Mismatch::Dimension { expected: *dim, found: q.dim }),
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Ref(class) => match value {
                Value::Ref(declaration) => {
                    if ref_class_matches(*class, declaration.class) {
                        Ok(Value::Ref(declaration))
                    } else {
                        Err(Mismatch::WrongReference {
                            expected: *class,
                            found: format!(
                                "{} `{}`",
                                declaration.class.describe(),
                                declaration.name
                            ),
                        })
                    }
                }
                Value::Word(word) => Err(Mismatch::UnknownWord { word, expected: Vec::new() }),
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Word(words) => match value {
                Value::Word(word) if words.contains(&word.as_str()) => Ok(Value::Word(word)),
                Value::Word(word) => Err(Mismatch::UnknownWord {
                    word,
                    expected: words.iter().map(|w| w.to_string()).collect(),
                }),
                Value::Ref(declaration) => Err(Mismatch::UnknownWord {
                    word: declaration.name,
                    expected: words.iter().map(|w| w.to_string()).collect(),
                }),
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::OneOf(alternatives) => {
                let mut best: Option<Mismatch> = None;
                for alternative in *alternatives {
                    match self.conform(value.clone(), alternative) {
                        Ok(v) => return Ok(v),
                        Err(mismatch) => {
                            let informative = !matches!(
                                mismatch,
                                Mismatch::WrongKind { .. } | Mismatch::UnknownWord { .. }
                            );
                            if best.is_none() || informative {
                                best = Some(mismatch);
                            }
                        }
                    }
                }
                match best {
                    Some(Mismatch::WrongKind { .. })
                    | Some(Mismatch::UnknownWord { .. })
                    | None => Err(wrong_kind(ty, &value)),
                    Some(other) => Err(other),
                }
            }
            ValueType::Clocked { value: inner, clocks } => {
                let (value, clock) = match value {
                    Value::Clocked { value, clock } => (*value, clock),
                    other => (other, clocks[0].to_string()),
                };
                if !clocks.contains(&clock.as_str()) {
                    return Err(Mismatch::UnknownWord {
                        word: clock,
                        expected: clocks.iter().map(|c| c.to_string()).collect(),
                    });
                }
                let value = self.conform(value, inner)?;
                Ok(Value::Clocked { value: Box::new(value), clock })
            }
            ValueType::Tuple(types) => match value {
                Value::Tuple(elements) if elements.len() == types.len() => {
                    let mut out = Vec::new();
                    for (element, element_type) in elements.into_iter().zip(types.iter()) {
                        out.push(self.conform(element, element_type)?);
                    }
                    Ok(Value::Tuple(out))
                }
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::List(element_type) => match value {
                Value::List(elements) => {
                    let mut out = Vec::new();
                    for element in elements {
                        out.push(self.conform(element, element_type)?);
                    }
                    Ok(Value::List(out))
                }
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Call(kind) => match value {
                Value::Call(call)
                    if catalog::callable(&call.name).is_some_and(|c| c.kind == *kind) =>
                {
                    Ok(Value::Call(call))
                }
                Value::Word(word) => match catalog::callable(&word) {
                    Some(callable)
                        if callable.kind == *kind && callable.params.iter().all(|p| p.optional) =>
                    {
                        Ok(Value::Call(CallValue { name: word, args: BTreeMap::new() }))
                    }
                    _ => Err(Mismatch::UnknownWord {
                        word,
                        expected: catalog::CALLABLES
                            .iter()
                            .filter(|c| c.kind == *kind)
                            .map(|c| c.name.to_string())
                            .collect(),
                    }),
                },
                other => Err(wrong_kind(ty, &other)),
            },
            ValueType::Record(_) | ValueType::Map { .. } => match value {
                Value::Record(_) | Value::Map(_) => Ok(value),
                other => Err(wrong_kind(ty, &other)),
            },
        }
    }

    /// Reports why a value did not fit where it was written.
    pub fn report_mismatch(&mut self, mismatch: Mismatch, span: Span, what: &str) {
        let diagnostic = self.mismatch_diagnostic(mismatch, span, None, what);
        self.push(diagnostic);
    }

    /// Reports why the value of `written` did not fit, with the fixes the expression allows: a unit
    /// after a bare number, the closest word for a misspelt one.
    pub fn report_mismatch_of(&mut self, mismatch: Mismatch, written: &Expr, what: &str) {
        let diagnostic = self.mismatch_diagnostic(mismatch, written.span, Some(written), what);
        self.push(diagnostic);
    }

    fn mismatch_diagnostic(
        &self,
        mismatch: Mismatch,
        span: Span,
        written: Option<&Expr>,
        what: &str,
    ) -> Diagnostic {
        let at = self.loc(span);
        // A misspelt word can be replaced only where the expression is that word alone.
        let word_at = |word: &str| match written.map(|e| &e.kind) {
            Some(ExprKind::Path(path))
                if path.segments.len() == 1 && path.segments[0].name == word =>
            {
                Some(self.loc(path.segments[0].span))
            }
            _ => None,
        };
        match mismatch {
            Mismatch::WrongKind { expected, found } => {
                Diagnostic::error("E0204", format!("{what} expects {expected}, found {found}"))
                    .primary(at, format!("this is {found}"))
                    .help(format!("Write {expected} here; `fab explain E0204` shows examples."))
            }
            Mismatch::Dimension { expected, found } if found.is_dimensionless() => {
                let units = units::example_units(expected);
                let examples: Vec<String> = units.iter().map(|u| format!("`{u}`")).collect();
                let mut d = Diagnostic::error(
                    "E0304",
                    format!("{what} expects {}, found a plain number", dim_phrase(expected)),
                )
                .primary(at, "this number has no unit");
                if !examples.is_empty() {
                    d = d.help(format!("Add a unit, such as {}.", examples.join(", ")));
                }
                if let Some(ExprKind::Number(_)) = written.map(|e| &e.kind) {
                    let end = Span { start: span.end, end: span.end };
                    for unit in &units {
                        let title = format!("Add the unit `{unit}`");
                        d = d.fix(title, self.loc(end), format!(" {unit}"));
                    }
                }
                d
            }
            Mismatch::Dimension { expected, found } => Diagnostic::error(
                "E0303",
                format!("{what} expects {}, found {}", dim_phrase(expected), dim_phrase(found)),
            )
            .primary(at, format!("this is {}", dim_phrase(found)))
            .help(dimension_help(expected)),
            Mismatch::NotInteger => {
                Diagnostic::error("E0205", format!("{what} must be a whole number"))
                    .primary(at, "this is not a whole number")
                    .help("Write a whole number, without a fraction.")
            }
            Mismatch::BelowMinimum { min, found } => {
                Diagnostic::error("E0205", format!("{what} must be at least {min}"))
                    .primary(at, format!("this is {found}"))
                    .help(format!("Use a whole number of {min} or more."))
            }
            Mismatch::AboveWholeNumbers => Diagnostic::error(
                "E0205",
                format!("{what} must be at most {MAX_WHOLE_NUMBER}"),
            )
            .primary(at, "this whole number is too large to be exact")
            .help("Whole numbers are exact up to 2^53 - 1 = 9007199254740991; use a smaller one."),
            Mismatch::Negative => Diagnostic::error("E0205", format!("{what} cannot be negative"))
                .primary(at, "this is negative")
                .help("Use a value of zero or more."),
            Mismatch::UnknownWord { word, expected } if expected.is_empty() => {
                let mut d =
                    Diagnostic::error("E0101", format!("cannot find `{word}` in this scope"))
                        .primary(at, "not declared");
                if let Some(best) = did_you_mean(&word, self.scope.names()) {
                    d = match word_at(&word) {
                        Some(location) => d.suggest(location, best),
                        None => d.help(format!("Did you mean `{best}`?")),
                    };
                } else if let Some(help) = self.out_of_sight_help(&word) {
                    d = d.help(help);
                }
                d
            }
            Mismatch::UnknownWord { word, expected } => {
                let listed: Vec<String> = expected.iter().map(|w| format!("`{w}`")).collect();
                let mut d = Diagnostic::error("E0205", format!("{what} does not accept `{word}`"))
                    .primary(at, format!("expected {}", listed.join(" or ")));
                if let Some(best) = did_you_mean(&word, expected.iter().map(String::as_str)) {
                    d = match word_at(&word) {
                        Some(location) => d.suggest(location, best),
                        None => d.help(format!("Did you mean `{best}`?")),
                    };
                }
                d
            }
            Mismatch::WrongReference { expected, found } => Diagnostic::error(
                "E0103",
                format!("{what} expects {}, but this names {found}", expected.describe()),
            )
            .primary(at, format!("this is {found}"))
            .help(format!("Name {} here.", expected.describe())),
        }
    }
}

/// How a number computed from representable numbers (by a unit's conversion, arithmetic, or the
/// scaling of a distribution) fails to be representable itself, as a literal must be
/// (`Number::is_representable`, E0002): the one test of [`Ctx::representable`] and of
/// scaled distributions.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Unrepresentable {
    NotANumber,
    Overflow,
    /// 0, where the exact value is not.
    Underflow,
    /// Other than 0, but closer to it than the smallest normal `f64`, about 2.2e-308.
    LostDigits,
}

impl Unrepresentable {
    /// What is wrong with `value`, whose exact value is 0 only when `zero` is true (`x - x`, a
    /// factor of 0), if anything.
    fn of(value: f64, zero: bool) -> Option<Unrepresentable> {
        if value.is_nan() {
            Some(Unrepresentable::NotANumber)
        } else if value.is_infinite() {
            Some(Unrepresentable::Overflow)
        } else if value == 0.0 && !zero {
            Some(Unrepresentable::Underflow)
        } else if value != 0.0 && value.abs() < f64::MIN_POSITIVE {
            Some(Unrepresentable::LostDigits)
        } else {
            None
        }
    }

    /// What is wrong with `scaled`, `original` scaled by a factor: a parameter (each exactly 0
    /// only where the original's is 0), or else its mean.
    fn of_scaled(original: &dist::Distribution, scaled: &dist::Distribution) -> Option<Self> {
        let before = original.parameters();
        let after = scaled.parameters();
        let parameter = before.iter().zip(&after).find_map(|(b, a)| Self::of(*a, *b == 0.0));
        parameter.or_else(|| Self::of(scaled.mean(), true).filter(|p| p.too_large()))
    }

    fn too_large(self) -> bool {
        matches!(self, Unrepresentable::NotANumber | Unrepresentable::Overflow)
    }

    fn label(self) -> &'static str {
        match self {
            Unrepresentable::NotANumber => "this is not a number",
            Unrepresentable::Overflow => "this overflows",
            Unrepresentable::Underflow => "this underflows to 0",
            Unrepresentable::LostDigits => "this loses digits below 2.2e-308",
        }
    }

    /// E0205 for `what`, a distribution scaled out of range, at `at`.
    fn of_distribution(self, at: Location, what: &str, help: &str) -> Diagnostic {
        let (message, label) = if self.too_large() {
            (
                format!("{what} is too large to represent"),
                "a parameter of this distribution is not finite",
            )
        } else {
            (
                format!("{what} is too close to zero to represent"),
                "a parameter of this distribution underflows",
            )
        };
        Diagnostic::error("E0205", message).primary(at, label).help(help)
    }
}

/// E0306 at `at`: a dimension whose exponent would leave ±[`Dimension::MAX_EXPONENT`].
fn exponent_out_of_range(at: Location, label: &str) -> Diagnostic {
    let max = Dimension::MAX_EXPONENT;
    Diagnostic::error("E0306", "a dimension exponent is out of range")
        .primary(at, format!("an exponent goes beyond ±{max} {label}"))
        .help(format!(
            "Dimensions are checked with exponents from -{max} to {max}; check the powers `^n` and \
             what is multiplied."
        ))
}

fn wrong_kind(ty: &ValueType, value: &Value) -> Mismatch {
    Mismatch::WrongKind { expected: format!("`{ty}`"), found: value.describe() }
}

/// The largest whole number a field takes, 2⁵³ − 1: every whole number up to it is exact as a
/// compile-time number, while above it neighbours merge (`seed = 9007199254740993` would run as
/// …992) and 64-bit conversions clamp.
pub const MAX_WHOLE_NUMBER: f64 = 9_007_199_254_740_991.0;

fn check_integer(q: &Quantity, min: i64) -> Result<(), Mismatch> {
    match q.si {
        None => Ok(()),
        Some(v) if v.fract() != 0.0 || !v.is_finite() => Err(Mismatch::NotInteger),
        Some(v) if v < min as f64 => Err(Mismatch::BelowMinimum { min, found: v }),
        Some(v) if v > MAX_WHOLE_NUMBER => Err(Mismatch::AboveWholeNumbers),
        Some(_) => Ok(()),
    }
}

fn ref_class_matches(expected: RefClass, class: crate::syntax::ItemClass) -> bool {
    use crate::syntax::ItemClass;
    use fab_grammar::ast::DeclKind;
    match (expected, class) {
        (RefClass::Product, ItemClass::Decl(DeclKind::Product)) => true,
        (RefClass::Resource, ItemClass::Decl(DeclKind::Resource)) => true,
        (RefClass::Experiment, ItemClass::Decl(DeclKind::Experiment | DeclKind::Scenario)) => true,
        (RefClass::Component, ItemClass::Decl(kind)) => crate::check::is_component_kind(kind),
        _ => false,
    }
}

/// What a call to `name`, which is no built-in, could have called: the closest built-in name,
/// and a sentence listing them — the distributions alone where a `law` is expected, else the
/// maintenance strategies and data feeds too.
pub(crate) fn callees(name: &str, law: bool) -> (Option<&'static str>, String) {
    let families: Vec<&'static str> = dist::FAMILIES_DECLS.iter().map(|f| f.name).collect();
    let callables = catalog::CALLABLES.iter().map(|c| c.name);
    let candidates = families.iter().copied().chain(callables.filter(|_| !law));
    let best = did_you_mean(name, candidates);
    let quoted = |names: &mut dyn Iterator<Item = &str>| {
        let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
        crate::diagnostic::and_list(&names)
    };
    let mut listing = format!("The distributions are {}", quoted(&mut families.iter().copied()));
    if !law {
        for (kind, what) in [
            (catalog::CallableKind::Maintenance, "maintenance strategies"),
            (catalog::CallableKind::Feed, "data feeds"),
        ] {
            let mut names = catalog::CALLABLES.iter().filter(|c| c.kind == kind).map(|c| c.name);
            listing.push_str(&format!("; the {what} are {}", quoted(&mut names)));
        }
    }
    listing.push('.');
    (best, listing)
}

/// The variable dimension a type expects of a distribution in it.
fn expected_dist_dimension(ty: &ValueType) -> Option<Dimension> {
    match ty {
        ValueType::Dist(dim) | ValueType::Quantity(dim) => Some(*dim),
        ValueType::Clocked { value, .. } => expected_dist_dimension(value),
        ValueType::OneOf(alternatives) => alternatives.iter().find_map(|a| match a {
            ValueType::Dist(dim) => Some(*dim),
            ValueType::Clocked { value, .. } => expected_dist_dimension(value),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether an expression builds a distribution somewhere outside a nested list or tuple: only
/// then does the type it is expected to have matter while evaluating it.
fn contains_call(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call { .. } => true,
        ExprKind::Unary { operand, .. } => contains_call(operand),
        ExprKind::Binary { lhs, rhs, .. } => contains_call(lhs) || contains_call(rhs),
        _ => false,
    }
}

/// Whether quantities of this dimension cannot be negative (times, lengths, masses, speeds, counts).
pub fn is_non_negative(dim: Dimension) -> bool {
    dim != Dimension::NONE && dim != Dimension::ANGLE && dim.0[4] == 0
}

/// The help of a value of the wrong dimension: units of the expected one, or its formula.
fn dimension_help(expected: Dimension) -> String {
    let examples: Vec<String> =
        units::example_units(expected).iter().map(|u| format!("`{u}`")).collect();
    if examples.is_empty() {
        format!(
            "Use a value of dimension {}; check the units and what is divided.",
            expected.formula()
        )
    } else {
        format!(
            "{} takes units such as {}.",
            capitalized(&dim_phrase(expected)),
            examples.join(", ")
        )
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `a Duration`, `a plain number`.
pub fn dim_phrase(dim: Dimension) -> String {
    if dim.is_dimensionless() {
        "a plain number".to_string()
    } else {
        let name = dim.to_string();
        let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
        format!("{article} {name}")
    }
}

/// The help of a whole-number parameter out of its range: `erlang`'s `k`, its number of phases.
fn whole_number_help(family: &str) -> String {
    format!(
        "Give `k`, the number of phases, a whole number of 1 or more: `{family}(k = 1, …)` is an \
         exponential, and the more phases, the less the time varies (its cv is 1/√k, 0.5 at \
         `k = 4`)."
    )
}

/// The help for a unit name that stands alone beside `*` or `/` (`2/h`, or `12 m` with `/ s` on
/// the next line): a unit is read only right after its number, on the same line, and starting
/// with a unit name, so the word is a name on its own and the expression means nothing. What the
/// lexer reads is described in `docs/language.md` (Numbers and quantities).
fn stray_unit_help(op: BinaryOp, lhs: &Expr, word: &str) -> Option<String> {
    let unit = units::lookup(word)?;
    let symbol = op.symbol();
    if !matches!(op, BinaryOp::Mul | BinaryOp::Div) {
        return None;
    }
    Some(match &lhs.kind {
        ExprKind::Number(number) if op == BinaryOp::Div => {
            let n = &number.text;
            let rate = if unit.dimension == Dimension::TIME {
                format!("`{n} parts/{word}`, or as `{n} / 1 {word}`")
            } else {
                format!("`{n} / 1 {word}`")
            };
            format!(
                "A unit must start with a unit name, so `{n}/{word}` divides {n} by a name \
                 `{word}` rather than giving {n} a unit. Write it as {rate}."
            )
        }
        ExprKind::Number(number) => format!(
            "A unit is written right after its number, without `*`: write `{} {word}`.",
            number.text
        ),
        ExprKind::Quantity { value, unit: written } => format!(
            "A unit ends at the end of its line, so `{symbol} {word}` does not continue the unit \
             of `{} {}`: write the whole unit on one line, `{} {}{symbol}{word}`.",
            value.text,
            written.display(),
            value.text,
            written.display()
        ),
        _ => format!(
            "`{word}` is a unit, and a unit stands only right after a number, on the same line: \
             write `1 {word}` for one {}.",
            unit.doc.split([',', '(']).next().unwrap_or(word).trim()
        ),
    })
}

fn signature_list(signatures: &[&[ParamDecl]]) -> String {
    let shown: Vec<String> = signatures
        .iter()
        .map(|s| {
            let names: Vec<String> = s
                .iter()
                .map(|p| if p.optional { format!("{}?", p.name) } else { p.name.to_string() })
                .collect();
            format!("({})", names.join(", "))
        })
        .collect();
    shown.join(" or ")
}

fn normal_below_zero(mean: f64, sd: f64) -> f64 {
    0.5 * libm::erfc(mean / (sd * std::f64::consts::SQRT_2))
}

/// `x^n` for an integer `n`, by repeated multiplication (exact and platform-independent).
fn powi_exact(x: f64, n: i32) -> f64 {
    let mut result = 1.0;
    for _ in 0..n.unsigned_abs() {
        result *= x;
    }
    if n < 0 { 1.0 / result } else { result }
}
