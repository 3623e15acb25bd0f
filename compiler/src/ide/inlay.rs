//! Inlay hints: values the model derives, shown where they come from.
//!
//! - after a conveyor's name, how many parts it holds when its exit is blocked
//!   (`⌊length / spacing⌋`: no part enters while that many are on it and the first waits at the
//!   exit; parts already on their way still arrive);
//! - after a route's name, what its shares sum to and what is left to reach 100 %;
//! - after a template instantiation, the parameters it leaves to their defaults;
//! - after a distribution, its mean, when no parameter already states it.
//!
//! Every figure is computed by the checker's own evaluation (`check_item` and the evaluator), so a
//! hint shows what the simulation will use.

use crate::check::check_item;
use crate::db::{Db, SourceFile};
use crate::syntax::{ItemClass, parse};
use crate::value::{Quantity, Value};
use fab_grammar::ast::{DeclKind, ExprKind, ItemKind};
use fab_stdlib::dist;

use super::Span;
use super::symbols::template_params;
use super::text::{self, ShownUnit};
use super::values::{children, evaluate, top_expressions, written_unit};

/// What a hint stands for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InlayKind {
    /// A derived value (a capacity, a mean, a sum).
    Value,
    /// Parameters left to their defaults.
    Parameter,
}

/// One hint, shown at `offset`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct InlayHint {
    pub offset: u32,
    pub label: String,
    pub kind: InlayKind,
    pub tooltip: Option<String>,
}

/// The hints of the items that meet `range`.
pub fn inlay_hints(db: &dyn Db, file: SourceFile, range: Span) -> Vec<InlayHint> {
    let mut out = Vec::new();
    let text = file.text(db);
    for item in &parse(db, file).items {
        let span = item.syntax.span.shift(item.offset as i64);
        if span.end < range.start || span.start > range.end {
            continue;
        }
        let at = |relative: u32| relative + item.offset;
        let checked = check_item(db, file, item.key.clone());
        if let ItemKind::Decl(decl) = &item.syntax.kind {
            match decl.kind {
                DeclKind::Conveyor => {
                    let number = |name: &str| {
                        checked
                            .body
                            .as_ref()
                            .and_then(|b| b.fields.get(name))
                            .and_then(|f| f.value.si())
                    };
                    if let (Some(length), Some(spacing)) = (number("length"), number("spacing"))
                        && spacing > 0.0
                        && length >= 0.0
                    {
                        // The runtime's own count: the hint shows what the belt holds.
                        let parts = fab_runtime::model::Conveyor::capacity_of(length, spacing);
                        out.push(InlayHint {
                            offset: at(decl.name.span.end),
                            label: format!("holds {parts} parts"),
                            kind: InlayKind::Value,
                            tooltip: Some(format!(
                                "⌊length / spacing⌋ = ⌊{} / {}⌋: while that many parts are on \
                                 the belt and the first waits at the exit, no part enters (parts \
                                 already on their way still arrive)",
                                text::quantity(length, fab_stdlib::units::Dimension::LENGTH, None),
                                text::quantity(spacing, fab_stdlib::units::Dimension::LENGTH, None)
                            )),
                        });
                    }
                }
                DeclKind::Route => {
                    let shares: Vec<f64> = checked
                        .body
                        .iter()
                        .flat_map(|b| b.fields.values())
                        .filter_map(|f| match f.value {
                            Value::Number(Quantity { si: Some(share), .. }) => Some(share),
                            _ => None,
                        })
                        .collect();
                    if !shares.is_empty() {
                        let total: f64 = shares.iter().sum();
                        let left = 1.0 - total;
                        let label = if left.abs() < 1e-9 {
                            "Σ 100 %".to_string()
                        } else if left > 0.0 {
                            format!(
                                "Σ {} %, {} % left",
                                text::number(total * 100.0, 6),
                                text::number(left * 100.0, 6)
                            )
                        } else {
                            format!(
                                "Σ {} %, {} % too much",
                                text::number(total * 100.0, 6),
                                text::number(-left * 100.0, 6)
                            )
                        };
                        out.push(InlayHint {
                            offset: at(decl.name.span.end),
                            label,
                            kind: InlayKind::Value,
                            tooltip: Some("The shares of a route sum to 100 %.".to_string()),
                        });
                    }
                }
                _ => {}
            }
            if let Some(base) = &decl.base
                && let Some(template) = crate::scope::scope(db, file)
                    .lookup(&base.name.name)
                    .filter(|d| d.class == ItemClass::Template)
            {
                let given: Vec<&str> = base
                    .args
                    .iter()
                    .flatten()
                    .filter_map(|a| a.name.as_ref().map(|n| n.name.as_str()))
                    .collect();
                let template_text = template.file.text(db);
                let template_offset =
                    parse(db, template.file).item(&template.key).map(|p| p.offset).unwrap_or(0);
                let defaults: Vec<String> = template_params(db, template)
                    .iter()
                    .filter(|p| !given.contains(&p.name.name.as_str()))
                    .filter_map(|p| {
                        let default = p.default.as_ref()?;
                        let written = template_text
                            .get(default.span.shift(template_offset as i64).range())?;
                        Some(format!("{} = {written}", p.name.name))
                    })
                    .collect();
                if !defaults.is_empty() {
                    out.push(InlayHint {
                        offset: at(base.span.end),
                        label: defaults.join(", "),
                        kind: InlayKind::Parameter,
                        tooltip: Some(format!("defaults of `{}`", template.name)),
                    });
                }
            }
        }
        // The mean of each distribution written, where no parameter states it.
        let mut stack: Vec<&fab_grammar::ast::Expr> = top_expressions(&item.syntax);
        while let Some(expr) = stack.pop() {
            stack.extend(children(expr));
            let ExprKind::Call { callee, args } = &expr.kind else { continue };
            let Some(family) = dist::family(&callee.name) else { continue };
            if family.name == "constant" {
                continue;
            }
            let Value::Dist(value) = evaluate(db, file, item, expr, None) else { continue };
            let Some(distribution) = value.dist else { continue };
            let mean = distribution.mean();
            let stated = args.iter().any(|a| {
                a.name.as_ref().is_some_and(|n| n.name == "mean")
                    && evaluate(db, file, item, &a.value, None)
                        .si()
                        .is_some_and(|given| (given - mean).abs() <= 1e-9 * given.abs().max(1.0))
            });
            if stated || !mean.is_finite() {
                continue;
            }
            let unit = written_unit(expr).unwrap_or_else(|| ShownUnit::si(value.dim));
            out.push(InlayHint {
                offset: expr.span.end + item.offset,
                label: format!("mean {}", text::in_unit(mean, &unit, text::DERIVED)),
                kind: InlayKind::Value,
                tooltip: Some(format!(
                    "sd {}",
                    text::in_unit(distribution.sd(), &unit, text::DERIVED)
                )),
            });
        }
    }
    out.retain(|hint| {
        hint.offset >= range.start && hint.offset <= range.end && hint.offset as usize <= text.len()
    });
    out.sort_by_key(|hint| hint.offset);
    out
}
