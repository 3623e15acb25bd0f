//! The completion items of each kind, built from the stdlib tables: fields, distribution
//! families and strategies as snippets with their parameters, item keywords as snippets with the
//! kind's required fields, and compound units.

use fab_stdlib::catalog::{
    self, CallableKind, FieldDecl, KindDecl, ParamDecl, ParamType, Presence,
};
use fab_stdlib::dist;
use fab_stdlib::types::ValueType;
use fab_stdlib::units::{self, Dimension};

use super::{CompletionItem, CompletionKind};
use crate::ide::Span;

/// The fields (and records and nested items) of a body that are not yet set.
pub(super) fn field_items(
    fields: &'static [FieldDecl],
    kind: Option<&'static KindDecl>,
    written: &[String],
    replace: Span,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for field in fields {
        if written.iter().any(|w| w == field.name) {
            continue;
        }
        let presence = match field.presence {
            Presence::Required => ", required",
            _ => "",
        };
        let item = match field.ty {
            ValueType::Record(_) | ValueType::Map { .. } => {
                CompletionItem::new(field.name, CompletionKind::Record, replace)
                    .snippet(format!("{} {{\n\t$0\n}}", field.name))
            }
            _ => CompletionItem::new(field.name, CompletionKind::Field, replace)
                .snippet(format!("{} = $0", field.name)),
        };
        let rank = if field.presence == Presence::Required { 0 } else { 1 };
        items.push(item.detail(format!("{}{presence}", field.ty)).doc(field.doc).rank(rank));
    }
    if let Some(kind) = kind {
        for nested in kind.nested {
            items.push(
                CompletionItem::new(
                    format!("{} NAME {{ … }}", nested.keyword),
                    CompletionKind::Nested,
                    replace,
                )
                .filter(nested.keyword)
                .snippet(format!("{} ${{1:name}} {{\n\t$0\n}}", nested.keyword))
                .detail(format!("nested {}", nested.keyword))
                .doc(nested.doc)
                .rank(2),
            );
        }
    }
    items
}

/// Distribution families, one snippet per parameter set, filling in the required parameters.
pub(super) fn family_items(dim: Dimension, replace: Span, items: &mut Vec<CompletionItem>) {
    for family in dist::FAMILIES_DECLS {
        for signature in family.signatures {
            let required: Vec<&ParamDecl> = signature.iter().filter(|p| !p.optional).collect();
            let names: Vec<&str> = required.iter().map(|p| p.name).collect();
            let mut placeholders = Vec::new();
            for (index, param) in required.iter().enumerate() {
                let slot = index + 1;
                let value = match param.ty {
                    ParamType::Fixed(ValueType::String) => format!("\"${{{slot}}}\""),
                    _ => format!("${{{slot}}}"),
                };
                if param.positional && index == 0 {
                    placeholders.push(value);
                } else {
                    placeholders.push(format!("{} = {value}", param.name));
                }
            }
            let label = format!("{}({})", family.name, names.join(", "));
            items.push(
                CompletionItem::new(label, CompletionKind::Family, replace)
                    .filter(family.name)
                    .snippet(format!("{}({})", family.name, placeholders.join(", ")))
                    .detail(format!("Dist<{dim}>, support {}", family.support))
                    .doc(family.doc)
                    .rank(1),
            );
        }
    }
}

/// Maintenance strategies or feeds, with their required parameters as snippets.
pub(super) fn callable_items(kind: CallableKind, replace: Span, items: &mut Vec<CompletionItem>) {
    for callable in catalog::CALLABLES.iter().filter(|c| c.kind == kind) {
        // One item per choice of `choose_one` (`preventive(every, …)`, `preventive(age, …)`).
        let choices: Vec<Option<&str>> = if callable.choose_one.is_empty() {
            vec![None]
        } else {
            callable.choose_one.iter().map(|name| Some(*name)).collect()
        };
        for choice in choices {
            callable_item(callable, choice, replace, items);
        }
    }
}

fn callable_item(
    callable: &'static catalog::CallableDecl,
    choice: Option<&str>,
    replace: Span,
    items: &mut Vec<CompletionItem>,
) {
    {
        let required: Vec<&ParamDecl> =
            callable.params.iter().filter(|p| !p.optional || choice == Some(p.name)).collect();
        let item = if required.is_empty() {
            CompletionItem::new(callable.name, CompletionKind::Strategy, replace)
        } else {
            let names: Vec<&str> = required.iter().map(|p| p.name).collect();
            let placeholders: Vec<String> = required
                .iter()
                .enumerate()
                .map(|(index, p)| {
                    let slot = index + 1;
                    match (p.positional && index == 0, p.ty) {
                        (true, ParamType::Fixed(ValueType::String)) => format!("\"${{{slot}}}\""),
                        (true, _) => format!("${{{slot}}}"),
                        (false, ParamType::Fixed(ValueType::String)) => {
                            format!("{} = \"${{{slot}}}\"", p.name)
                        }
                        (false, _) => format!("{} = ${{{slot}}}", p.name),
                    }
                })
                .collect();
            CompletionItem::new(
                format!("{}({})", callable.name, names.join(", ")),
                CompletionKind::Strategy,
                replace,
            )
            .filter(callable.name)
            .snippet(format!("{}({})", callable.name, placeholders.join(", ")))
        };
        let directional = if callable.directional { " (directional)" } else { "" };
        items.push(
            item.detail(format!("{}{directional}", callable.kind.describe()))
                .doc(callable.doc)
                .rank(1),
        );
    }
}

/// Item keywords at the top level, as snippets with each kind's required fields.
pub(super) fn item_snippets(replace: Span) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for kind in catalog::KINDS {
        let required: Vec<&FieldDecl> =
            kind.fields.iter().filter(|f| f.presence == Presence::Required).collect();
        let snippet = match (kind.name, kind.fields.is_empty() && !kind.free_fields) {
            ("route", _) => "route ${1:component} {\n\t$0\n}".to_string(),
            ("scenario" | "optimize" | "sync", _) => {
                let lines: Vec<String> = required
                    .iter()
                    .enumerate()
                    .map(|(i, f)| format!("\t{} = ${{{}}}", f.name, i + 3))
                    .collect();
                let body = if lines.is_empty() { "\t$0".to_string() } else { lines.join("\n") };
                format!("{} ${{1:name}} : ${{2:experiment}} {{\n{body}\n}}", kind.name)
            }
            (_, true) => format!("{} ${{1:name}}", kind.name),
            _ if required.is_empty() && kind.fields.len() <= 1 && !kind.free_fields => {
                format!("{} ${{1:name}}", kind.name)
            }
            _ => {
                let lines: Vec<String> = required
                    .iter()
                    .enumerate()
                    .map(|(i, f)| format!("\t{} = ${{{}}}", f.name, i + 2))
                    .collect();
                let body = if lines.is_empty() { "\t$0".to_string() } else { lines.join("\n") };
                format!("{} ${{1:name}} {{\n{body}\n}}", kind.name)
            }
        };
        items.push(
            CompletionItem::new(kind.name, CompletionKind::Keyword, replace)
                .snippet(snippet)
                .detail("declaration")
                .doc(kind.doc)
                .rank(1),
        );
    }
    for keyword in catalog::ITEM_KEYWORDS {
        items.push(
            CompletionItem::new(keyword.name, CompletionKind::Keyword, replace)
                .snippet(keyword.snippet)
                .detail("item")
                .doc(keyword.doc)
                .rank(1),
        );
    }
    items
}

/// Compound units of a dimension built from the unit table: `m/s`, `km/h`, `m/s^2`, `EUR/h`,
/// each with whether both of its units are SI base units (those sort first).
pub(super) fn compound_units(dim: Dimension) -> Vec<(String, Dimension, bool)> {
    let mut out = Vec::new();
    if dim.is_dimensionless() {
        return out;
    }
    for numerator in units::UNITS {
        for denominator in units::UNITS {
            if numerator.dimension.is_dimensionless() || denominator.dimension.is_dimensionless() {
                continue;
            }
            for power in 1..=2 {
                let result = numerator.dimension / denominator.dimension.powi(power);
                if result == dim {
                    let suffix = if power == 1 { String::new() } else { format!("^{power}") };
                    let si = numerator.scale.is_one() && denominator.scale.is_one();
                    out.push((
                        format!("{}/{}{suffix}", numerator.name, denominator.name),
                        result,
                        si,
                    ));
                }
            }
        }
    }
    out
}
