//! The objectives and constraints of an `optimize` study: what each names (a measure or a
//! factor the study varies), its bound in the quantity's reported unit and as the model writes
//! it, and what the bounds alone tell before any run: a constraint that no point can meet
//! (E0707) and one that rules out no point (W0707).

use super::{
    CheckedGoal, CheckedVary, DIRECTIONAL_KPIS, GoalKind, GoalQuantity, KPIS, path_field_type,
};
use crate::diagnostic::Diagnostic;
use crate::eval::Ctx;
use crate::suggest::did_you_mean;
use fab_grammar::ast::{self, MemberKind};
use fab_runtime::model::WrittenBound;
use fab_stdlib::catalog::{self, MeasureRange};
use fab_stdlib::types::ValueType;
use fab_stdlib::units;

/// `minimize Q`, `maximize Q` or `subject to Q <= BOUND` of an `optimize` study: Q is a measure
/// or a factor the study varies, and a bound has the quantity's dimension.
pub(super) fn check_goal(
    ctx: &mut Ctx,
    member: &ast::Member,
    varies: &[CheckedVary],
) -> Option<CheckedGoal> {
    let location = ctx.loc(member.span);
    match &member.kind {
        MemberKind::Objective { sense, target } => {
            let quantity = check_goal_quantity(ctx, target, varies)?;
            let kind = match sense {
                ast::Sense::Minimize => GoalKind::Minimize,
                ast::Sense::Maximize => GoalKind::Maximize,
            };
            Some(CheckedGoal { quantity, kind, location })
        }
        MemberKind::Constraint { condition } => {
            let ast::ExprKind::Binary { op, lhs, rhs } = &condition.kind else {
                ctx.push(
                    Diagnostic::error("E0704", "a constraint compares a measure with a bound")
                        .primary(ctx.loc(condition.span), "not a comparison")
                        .help("e.g. `subject to throughput >= 60 parts/h`."),
                );
                return None;
            };
            // `60 parts/h <= throughput` reads the same as `throughput >= 60 parts/h`.
            let flipped = !matches!(lhs.kind, ast::ExprKind::Path(_))
                && matches!(rhs.kind, ast::ExprKind::Path(_));
            let (subject, bound) = if flipped { (rhs, lhs) } else { (lhs, rhs) };
            let at_least = match op {
                ast::BinaryOp::Ge | ast::BinaryOp::Gt => !flipped,
                ast::BinaryOp::Le | ast::BinaryOp::Lt => flipped,
                _ => {
                    ctx.push(
                        Diagnostic::error(
                            "E0704",
                            format!("a constraint cannot use `{}`", op.symbol()),
                        )
                        .primary(ctx.loc(condition.span), "not `<=` or `>=`")
                        .help(
                            "A simulated mean is never exactly a value: bound it with `<=` and \
                             `>=` (`<` and `>` mean the same).",
                        ),
                    );
                    return None;
                }
            };
            let quantity = check_goal_quantity(ctx, subject, varies)?;
            // The bound in the quantity's reported unit, and that unit's SI size and name.
            let (value, reported_si, reported_unit) = match &quantity {
                GoalQuantity::Measure(name) => {
                    let decl = catalog::measure_decl(name)?;
                    let what = format!("the bound of `{name}`");
                    let currencies_before = ctx.currencies.len();
                    let si =
                        ctx.eval_as(bound, &ValueType::Quantity(decl.dimension), &what).si()?;
                    // A money bound writes the model's currency (E0305 holds a model to one), in
                    // which the measure is reported.
                    let currency = ctx.currencies[currencies_before..].first();
                    let unit = decl.reported_unit(currency.map(|(name, _)| name.as_str()));
                    (si / decl.unit_si, decl.unit_si, unit)
                }
                GoalQuantity::Factor(index) => {
                    let vary = &varies[*index];
                    let ty = if vary.integer {
                        ValueType::Int { min: i64::MIN }
                    } else {
                        ValueType::Quantity(vary.dimension)
                    };
                    let what = format!("the bound of `{}`", vary.path.join("."));
                    let si = ctx.eval_as(bound, &ty, &what).si()?;
                    (si / vary.unit_scale, vary.unit_scale, vary.unit.clone())
                }
                GoalQuantity::Directional(_) => {
                    (ctx.eval(bound, None).si().unwrap_or(0.0), 1.0, String::new())
                }
            };
            let written = written_bound(bound, value, reported_si, reported_unit);
            let kind = GoalKind::Bound { at_least, value, written };
            Some(CheckedGoal { quantity, kind, location })
        }
        _ => None,
    }
}

/// A constraint of an `optimize` study with its bound, for [`check_constraint_bounds`].
struct Bounded<'a> {
    goal: &'a CheckedGoal,
    at_least: bool,
    /// In the quantity's reported unit.
    value: f64,
    written: &'a WrittenBound,
    /// The quantity's name or path.
    name: String,
}

impl Bounded<'_> {
    /// The constraint as written, in canonical order: `throughput >= 60 parts/h`.
    fn text(&self) -> String {
        let relation = if self.at_least { ">=" } else { "<=" };
        format!("{} {relation} {}", self.name, self.written.show(self.value))
    }
}

/// E0707 for a constraint of an `optimize` study that no point can meet, and W0707 for one that
/// rules out no point, as far as the bounds alone tell, before any run: a bound beyond every
/// value the quantity takes (`oee >= 120 %`: the measure's range, declared with it in the
/// catalog; `b1.capacity >= 30` of a factor varied in `1..=20`: the `vary`'s range) or two
/// bounds on one quantity that contradict each other (`throughput >= 60 parts/h` beside
/// `throughput <= 50 parts/h`) are errors — such a study used to spend its whole budget and
/// report that no point met every constraint; a bound that every value meets
/// (`availability <= 100 %`), or that a tighter bound on the same side implies, a warning.
pub(super) fn check_constraint_bounds(
    ctx: &mut Ctx,
    goals: &[CheckedGoal],
    varies: &[CheckedVary],
) {
    let constraints: Vec<Bounded> = goals
        .iter()
        .filter_map(|goal| {
            let GoalKind::Bound { at_least, value, written } = &goal.kind else { return None };
            let name = match &goal.quantity {
                GoalQuantity::Measure(name) => name.clone(),
                GoalQuantity::Factor(index) => varies[*index].path.join("."),
                GoalQuantity::Directional(_) => return None,
            };
            Some(Bounded { goal, at_least: *at_least, value: *value, written, name })
        })
        .collect();
    let side = |c: &Bounded| {
        let relation = if c.at_least { "at least" } else { "at most" };
        format!("{relation} {} here", c.written.show(c.value))
    };
    let mut reported = vec![false; constraints.len()];
    for (constraint, reported) in constraints.iter().zip(&mut reported) {
        *reported = check_bound_within_range(ctx, constraint, varies);
    }
    for later in 0..constraints.len() {
        for earlier in 0..later {
            if reported[earlier] || reported[later] {
                continue;
            }
            let (first, second) = (&constraints[earlier], &constraints[later]);
            if first.goal.quantity != second.goal.quantity {
                continue;
            }
            if first.at_least != second.at_least {
                let (low, high) = if first.at_least { (first, second) } else { (second, first) };
                if low.value > high.value {
                    ctx.push(
                        Diagnostic::error(
                            "E0707",
                            format!(
                                "no point can meet both `{}` and `{}`",
                                first.text(),
                                second.text()
                            ),
                        )
                        .primary(second.goal.location.clone(), format!("and {}", side(second)))
                        .secondary(first.goal.location.clone(), side(first))
                        .help(format!(
                            "No value of `{}` is at least {} and at most {}: the search would \
                             spend its whole budget and find no feasible point. Correct one of \
                             the bounds (were they swapped?).",
                            second.name,
                            low.written.show(low.value),
                            high.written.show(high.value)
                        )),
                    );
                    reported[later] = true;
                }
                continue;
            }
            // Two bounds on one side: the looser adds nothing, and of two equal ones the second.
            let looser_is_first = if first.at_least {
                first.value < second.value
            } else {
                first.value > second.value
            };
            let (looser, tighter) =
                if looser_is_first { (earlier, later) } else { (later, earlier) };
            let (loose, tight) = (&constraints[looser], &constraints[tighter]);
            let diagnostic = if first.value == second.value {
                // The same bound, in the same unit or not (`1 parts/min`, `60 parts/h`).
                Diagnostic::warning(
                    "W0707",
                    format!("`{}` repeats `{}`", second.text(), first.text()),
                )
                .primary(second.goal.location.clone(), "again here")
                .secondary(first.goal.location.clone(), "first here")
                .help("A point meets the second whenever it meets the first: keep one.")
            } else {
                Diagnostic::warning(
                    "W0707",
                    format!("`{}` holds wherever `{}` does", loose.text(), tight.text()),
                )
                .primary(loose.goal.location.clone(), "rules out no point the other keeps")
                .secondary(tight.goal.location.clone(), "the tighter bound")
                .help(format!(
                    "A point that meets `{}` meets this constraint too: drop it, or correct the \
                     bound you meant.",
                    tight.text()
                ))
            };
            ctx.push(diagnostic);
            reported[looser] = true;
        }
    }
}

/// E0707 for a bound beyond every value its quantity takes, W0707 for one that every value
/// meets; whether it reported either. A measure of the parts delivered has no value at a point
/// where some replication delivered none, and such a point breaks every constraint on it, so a
/// bound that every value meets (`lead_time >= 0 s`) still rules points out: no W0707.
fn check_bound_within_range(ctx: &mut Ctx, constraint: &Bounded, varies: &[CheckedVary]) -> bool {
    let name = &constraint.name;
    let written = constraint.written;
    // The values the quantity takes (in its reported unit), the `vary` they come from if any,
    // and whether the quantity can have no value.
    let (range, vary, undefined_somewhere) = match &constraint.goal.quantity {
        GoalQuantity::Measure(measure) => {
            let Some(decl) = catalog::measure_decl(measure) else { return false };
            (decl.range, None, decl.of_parts_delivered)
        }
        GoalQuantity::Factor(index) => {
            let vary = &varies[*index];
            let range =
                MeasureRange { low: vary.low / vary.unit_scale, high: vary.high / vary.unit_scale };
            (range, Some(vary), false)
        }
        GoalQuantity::Directional(_) => return false,
    };
    // A measure's range in the bound's unit (`between 0 % and 100 %`), a factor's as its `vary`
    // writes it (`between 0.7 min and 1.1 min`).
    let words = match vary {
        Some(vary) => range.describe(|end| units::with_unit(&units::tidy_number(end), &vary.unit)),
        None => range.describe(|end| written.show(end)),
    };
    let Some(words) = words else { return false };
    let takes = match vary {
        Some(_) => format!("The study varies `{name}` {words}"),
        None => format!("`{name}` is always {words}"),
    };
    let value = constraint.value;
    let (low, high) = (range.low, range.high);
    let (impossible, end) = if constraint.at_least {
        (value > high, if value > high { high } else { low })
    } else {
        (value < low, if value < low { low } else { high })
    };
    // The label says where the quantity ends, in the unit the bound is written in: the end
    // beyond the bound for E0707, the end the bound holds of for W0707.
    let beyond = if constraint.at_least == impossible { "above" } else { "below" };
    let label = format!("`{name}` is never {beyond} {}", written.show(end));
    let diagnostic = if impossible {
        let widen = if vary.is_some() { ", or widen the `vary`" } else { "" };
        Diagnostic::error("E0707", format!("no point can meet `{}`", constraint.text()))
            .primary(constraint.goal.location.clone(), label)
            .help(format!(
                "{takes}: a bound outside that range rules out every point, and the search \
                 would spend its whole budget to find none. Bound `{name}` within it{widen}."
            ))
    } else if !undefined_somewhere
        && ((constraint.at_least && value <= low) || (!constraint.at_least && value >= high))
    {
        Diagnostic::warning(
            "W0707",
            format!("`{}` holds for every value of `{name}`", constraint.text()),
        )
        .primary(constraint.goal.location.clone(), label)
        .help(format!(
            "{takes}, so this constraint rules nothing out: drop it, or move the bound inside \
             the range where it makes a difference."
        ))
    } else {
        return false;
    };
    let diagnostic = match vary {
        Some(vary) => diagnostic.secondary(vary.location.clone(), "the range varied"),
        None => diagnostic,
    };
    ctx.push(diagnostic);
    true
}

/// A constraint's bound as written (see [`WrittenBound`]): a number with or without a unit, with
/// or without a minus, keeps its number and unit; anything else (`2 * 3 EUR/h`) is shown in the
/// reported unit, `reported_unit` (a money measure's with the currency: `EUR/h`). `value` is the
/// bound in the quantity's reported unit, one of which is `reported_si` in SI.
fn written_bound(
    bound: &ast::Expr,
    value: f64,
    reported_si: f64,
    reported_unit: String,
) -> WrittenBound {
    let (negated, literal) = match &bound.kind {
        ast::ExprKind::Unary { op: ast::UnaryOp::Neg, operand } => (true, operand.as_ref()),
        _ => (false, bound),
    };
    let sign = if negated { -1.0 } else { 1.0 };
    // The unit's SI size: the units are known, as the bound evaluated.
    let unit_si = |unit: &ast::UnitExpr| {
        let scale = unit.factors.iter().try_fold(units::Scale::ONE, |scale, part| {
            Some(scale * units::lookup(&part.name.name)?.scale.powi(part.power))
        });
        scale.map(units::Scale::factor)
    };
    let as_written = match &literal.kind {
        ast::ExprKind::Number(number) => Some((number.value, String::new(), 1.0)),
        ast::ExprKind::Quantity { value, unit } => {
            unit_si(unit).map(|size| (value.value, unit.display(), size))
        }
        _ => None,
    };
    match as_written {
        Some((number, unit, size)) if size.is_finite() && size > 0.0 => {
            WrittenBound { value: sign * number, unit, scale: size / reported_si }
        }
        _ => WrittenBound { value, unit: reported_unit, scale: 1.0 },
    }
}

/// The quantity an objective or constraint names.
fn check_goal_quantity(
    ctx: &mut Ctx,
    expr: &ast::Expr,
    varies: &[CheckedVary],
) -> Option<GoalQuantity> {
    let not_measurable = |ctx: &mut Ctx, label: &str| {
        ctx.push(
            Diagnostic::error("E0704", "`optimize` cannot measure this")
                .primary(ctx.loc(expr.span), label.to_string())
                .help(format!(
                    "An objective or constraint names a measure ({}) or a factor the study \
                     varies.",
                    catalog::MEASURE_NAMES.join(", ")
                )),
        );
        None
    };
    let ast::ExprKind::Path(path) = &expr.kind else {
        return not_measurable(ctx, "not a measure or a varied factor");
    };
    if let [name] = &path.segments[..] {
        if catalog::measure_decl(&name.name).is_some() {
            return Some(GoalQuantity::Measure(name.name.clone()));
        }
        if DIRECTIONAL_KPIS.contains(&name.name.as_str()) {
            return Some(GoalQuantity::Directional(name.name.clone()));
        }
        let mut diagnostic = Diagnostic::error("E0101", format!("unknown measure `{}`", name.name))
            .primary(ctx.loc(name.span), "not a measure")
            .help(format!("The measures are {}.", catalog::MEASURE_NAMES.join(", ")));
        if let Some(best) = did_you_mean(&name.name, KPIS.iter().copied()) {
            diagnostic = diagnostic.suggest(ctx.loc(name.span), best);
        }
        ctx.push(diagnostic);
        return None;
    }
    // A varied factor was checked by its `vary` (which also knows the numbers of a maintenance
    // strategy, `press.maintenance.age`, that are no fields of their own).
    let segments: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
    if let Some(index) =
        varies.iter().position(|v| v.path.iter().map(String::as_str).eq(segments.iter().copied()))
    {
        return Some(GoalQuantity::Factor(index));
    }
    path_field_type(ctx, path)?;
    not_measurable(ctx, "a field this study does not vary")
}
