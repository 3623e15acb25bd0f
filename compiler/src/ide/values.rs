//! Evaluating one expression where it stands, and finding the syntax around an offset.
//!
//! Hover and inlay hints show what an expression is worth. They ask the checker's own evaluator
//! ([`crate::eval::Ctx`]) in the item's scope — inside a template, with the parameters abstract as
//! the checker has them — so a value shown in the editor is the value the model gets. The
//! diagnostics this evaluation produces are dropped: `check_item` reports them once.

use crate::check::template_environment;
use crate::db::{Db, SourceFile};
use crate::eval::Ctx;
use crate::scope::scope;
use crate::syntax::ParsedItem;
use crate::value::Value;
use fab_grammar::ast::{Body, Expr, ExprKind, Item, ItemKind, Member, MemberKind};
use fab_stdlib::catalog::ParamType;
use fab_stdlib::dist;
use fab_stdlib::types::ValueType;

use super::symbols::family_param;
use super::text::ShownUnit;

/// The value of `expr`, an expression of `item`, conformed to `expected` when given.
pub(crate) fn evaluate(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    expr: &Expr,
    expected: Option<&ValueType>,
) -> Value {
    let scope = scope(db, file);
    let mut ctx = Ctx::new(db, file, item.key.clone(), scope);
    if let ItemKind::Template(template) = &item.syntax.kind {
        ctx.env = template_environment(&template.params);
    }
    match expected {
        Some(ty) => ctx.eval_as(expr, ty, "this value"),
        None => ctx.eval(expr, None),
    }
}

/// The unit the user wrote for the variable of `expr`: a quantity's unit, or that of the first
/// argument of a distribution given in the variable's own units.
pub(crate) fn written_unit(expr: &Expr) -> Option<ShownUnit> {
    match &expr.kind {
        ExprKind::Quantity { unit, .. } => ShownUnit::written(unit),
        ExprKind::Call { callee, args } => {
            let family = dist::family(&callee.name);
            args.iter().enumerate().find_map(|(index, arg)| {
                let of_variable = match (&arg.name, family) {
                    (Some(name), Some(family)) => family_param(family, &name.name)
                        .is_some_and(|p| matches!(p.ty, ParamType::OfVariable)),
                    (None, _) => index == 0,
                    (Some(_), None) => true,
                };
                if of_variable { written_unit(&arg.value) } else { None }
            })
        }
        ExprKind::Of { value, .. } => written_unit(value),
        ExprKind::Unary { operand, .. } => written_unit(operand),
        _ => None,
    }
}

/// Every member of an item, in every body and record, outer before inner.
pub(crate) fn members(item: &Item) -> Vec<&Member> {
    fn walk<'a>(body: &'a Body, out: &mut Vec<&'a Member>) {
        for member in &body.members {
            out.push(member);
            match &member.kind {
                MemberKind::Record { body, .. } => walk(body, out),
                MemberKind::Nested { body: Some(body), .. } => walk(body, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    let body = match &item.kind {
        ItemKind::Decl(decl) => decl.body.as_ref(),
        ItemKind::Template(template) => template.body.as_ref(),
        _ => None,
    };
    if let Some(body) = body {
        walk(body, &mut out);
    }
    out
}

/// The expressions containing the item-relative offset `at`, from `expr` inwards.
pub(crate) fn expressions_at(expr: &Expr, at: u32) -> Vec<&Expr> {
    let mut chain = Vec::new();
    let mut current = Some(expr);
    while let Some(expr) = current {
        if !expr.span.contains(at) {
            break;
        }
        chain.push(expr);
        current = children(expr).into_iter().find(|child| child.span.contains(at));
    }
    chain
}

/// The direct sub-expressions of an expression.
pub(crate) fn children(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::Call { args, .. } => args.iter().map(|a| &a.value).collect(),
        ExprKind::Unary { operand, .. } => vec![operand],
        ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
        ExprKind::Tuple(elements) | ExprKind::List(elements) => elements.iter().collect(),
        ExprKind::Range { start, end, .. } => vec![start, end],
        ExprKind::Of { value, .. } => vec![value],
        ExprKind::Number(_)
        | ExprKind::Quantity { .. }
        | ExprKind::String(_)
        | ExprKind::Bool(_)
        | ExprKind::Path(_)
        | ExprKind::Error => Vec::new(),
    }
}

/// Every expression of an item that is a member's value or an argument of its base, outermost.
pub(crate) fn top_expressions(item: &Item) -> Vec<&Expr> {
    let mut out = Vec::new();
    match &item.kind {
        ItemKind::Decl(decl) => {
            if let Some(args) = decl.base.as_ref().and_then(|b| b.args.as_ref()) {
                out.extend(args.iter().map(|a| &a.value));
            }
        }
        ItemKind::Template(template) => {
            out.extend(template.params.iter().filter_map(|p| p.default.as_ref()));
            if let Some(args) = &template.base.args {
                out.extend(args.iter().map(|a| &a.value));
            }
        }
        _ => {}
    }
    for member in members(item) {
        match &member.kind {
            MemberKind::Field { value, .. } => out.push(value),
            MemberKind::Vary { domain, .. } => out.push(domain),
            MemberKind::Objective { target, .. } => out.push(target),
            MemberKind::Constraint { condition } => out.push(condition),
            MemberKind::Bind { source, .. } => out.push(source),
            _ => {}
        }
    }
    out
}
