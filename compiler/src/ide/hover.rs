//! Hover: what the name or value under the cursor is.
//!
//! On a field, hover shows the field's type, its dimension, its value in the unit written and in
//! SI, and its documentation from the catalog; on a distribution, its mean, standard deviation and
//! support; on a declaration, its header, its `///` comment and what its kind is; on a built-in
//! (a kind, a family, a unit, a strategy), the documentation `fab-stdlib` declares for it. Every
//! text about a built-in comes from the stdlib tables.

use crate::db::{Db, SourceFile};
use crate::scope::Declaration;
use crate::syntax::{ItemClass, ParsedItem, item_syntax, parse};
use crate::value::{Quantity, Value};
use fab_grammar::ast::{Expr, ExprKind, Item, ItemKind, MemberKind};
use fab_stdlib::catalog::{
    self, CallableDecl, FieldDecl, KindDecl, ParamDecl, ParamType, Presence,
};
use fab_stdlib::dist::FamilyDecl;
use fab_stdlib::types::ValueType;
use fab_stdlib::units::{self, Dimension, UnitDecl};

use super::symbols::{Definition, Occurrence, Symbol, WordKind, occurrence_at, template_params};
use super::text;
use super::values::{evaluate, expressions_at, members, top_expressions, written_unit};
use super::{Span, item_at};

/// What hover shows: Markdown, and the span it is about.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

/// The hover at `offset`, if there is something there to explain.
pub fn hover(db: &dyn Db, file: SourceFile, offset: u32) -> Option<Hover> {
    let offset = super::clamp_offset(file.text(db), offset);
    let item = item_at(db, file, offset)?;
    if let Some(occurrence) = occurrence_at(db, file, offset) {
        let markdown = symbol_hover(db, file, item, &occurrence)?;
        return Some(Hover { span: occurrence.span, markdown });
    }
    literal_hover(db, file, item, offset)
}

/// A fenced `.fab` code block.
fn code(text: &str) -> String {
    format!("```fab\n{text}\n```")
}

fn join(parts: Vec<String>) -> String {
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

fn symbol_hover(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    occurrence: &Occurrence,
) -> Option<String> {
    let relative = occurrence.span.shift(-(item.offset as i64));
    match &occurrence.symbol {
        Symbol::Definition(Definition::Declaration(declaration)) => {
            Some(declaration_hover(db, file, declaration))
        }
        Symbol::Definition(Definition::Parameter { template, name }) => {
            Some(parameter_hover(db, file, item, template, name, relative))
        }
        Symbol::Definition(Definition::Nested { owner, keyword, name }) => {
            let docs = nested_docs(db, owner, name);
            let kind_doc = catalog::KINDS
                .iter()
                .find_map(|k| k.nested(keyword))
                .map(|n| format!("*{keyword}*: {}", n.doc));
            Some(join(vec![
                code(&format!("{keyword} {name}")),
                format!("in `{}`", owner.name),
                docs.unwrap_or_default(),
                kind_doc.unwrap_or_default(),
            ]))
        }
        Symbol::Field { field, owner } => Some(field_hover(db, file, item, field, owner, relative)),
        Symbol::Attribute => {
            let (_, value) = member_value(db, file, item, relative, None)?;
            Some(join(vec![
                code(&item.syntax_text(file.text(db), relative)),
                "a free attribute".to_string(),
                value,
            ]))
        }
        Symbol::Kind(kind) => Some(kind_hover(kind)),
        Symbol::ItemKeyword(keyword) => Some(join(vec![code(keyword.form), keyword.doc.into()])),
        Symbol::NestedKind(nested) => Some(join(vec![
            code(&format!("{} NAME {{ … }}", nested.keyword)),
            nested.doc.to_string(),
            fields_list(nested.fields),
        ])),
        Symbol::Family(family) => Some(family_hover(db, file, item, family, relative)),
        Symbol::Callable(callable) => Some(callable_hover(callable)),
        Symbol::Argument { param, callee } => {
            Some(argument_hover(db, file, item, param, callee, relative))
        }
        Symbol::Unit(unit) => Some(unit_hover(unit)),
        Symbol::Word(kind) => {
            let word = item.syntax_text(file.text(db), relative);
            Some(word_hover(&word, *kind))
        }
        Symbol::Type { known: true } => {
            let name = item.syntax_text(file.text(db), relative);
            Some(type_hover(&name))
        }
        Symbol::File(target) => {
            let docs = parse(db, *target).docs.clone().unwrap_or_default();
            Some(join(vec![code(&format!("import \"{}\"", target.path(db))), docs]))
        }
        Symbol::Type { known: false } | Symbol::Unresolved => None,
    }
}

trait SyntaxText {
    fn syntax_text(&self, text: &str, relative: Span) -> String;
}

impl SyntaxText for ParsedItem {
    /// The source text of an item-relative span.
    fn syntax_text(&self, text: &str, relative: Span) -> String {
        let span = relative.shift(self.offset as i64);
        text.get(span.range()).unwrap_or_default().to_string()
    }
}

/// A declaration's header as written (`station w1 : Cell(spots = 14)`), on one line.
fn header(db: &dyn Db, declaration: &Declaration) -> Option<String> {
    let parsed = parse(db, declaration.file).item(&declaration.key)?;
    let item = &parsed.syntax;
    let end = match &item.kind {
        ItemKind::Decl(decl) => decl.body.as_ref().map(|b| b.span.start).unwrap_or(item.span.end),
        ItemKind::Template(template) => {
            template.body.as_ref().map(|b| b.span.start).unwrap_or(item.span.end)
        }
        _ => item.span.end,
    };
    let span = Span { start: item.span.start, end }.shift(parsed.offset as i64);
    let written = declaration.file.text(db).get(span.range())?;
    Some(written.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn declaration_hover(db: &dyn Db, file: SourceFile, declaration: &Declaration) -> String {
    let syntax = item_syntax(db, declaration.file, declaration.key.clone()).clone();
    let docs = syntax.as_ref().and_then(|item| item.docs.clone()).unwrap_or_default();
    let title = header(db, declaration).unwrap_or_else(|| declaration.name.clone());
    let mut parts = vec![code(&title), docs];
    match (declaration.class, syntax.as_deref()) {
        (ItemClass::Decl(kind), Some(item)) => {
            if let ItemKind::Decl(decl) = &item.kind
                && let Some(base) = &decl.base
                && let Some(template) = crate::scope::scope(db, declaration.file)
                    .lookup(&base.name.name)
                    .filter(|t| t.class == ItemClass::Template)
            {
                parts.push(resolved_parameters(db, declaration, template, item));
            }
            if let Some(kind) = catalog::kind(kind.keyword()) {
                parts.push(format!("*{}*: {}", kind.name, kind.doc));
            }
        }
        (ItemClass::Template, _) => {
            let made = super::symbols::template_kind(db, declaration);
            if let Some(kind) = made.and_then(|k| catalog::kind(k.keyword())) {
                parts.push(format!("A template of *{}*: {}", kind.name, kind.doc));
            }
        }
        _ => {}
    }
    if declaration.file != file {
        parts.push(format!("Declared in `{}`.", declaration.file.path(db)));
    }
    join(parts)
}

/// The arguments of an instance, with the defaults it leaves out: `spots = 14`, `per_spot = 2.5 s`.
fn resolved_parameters(
    db: &dyn Db,
    instance: &Declaration,
    template: &Declaration,
    item: &Item,
) -> String {
    let ItemKind::Decl(decl) = &item.kind else { return String::new() };
    let args = decl.base.as_ref().and_then(|b| b.args.clone()).unwrap_or_default();
    let instance_text = instance.file.text(db);
    let instance_offset =
        parse(db, instance.file).item(&instance.key).map(|p| p.offset).unwrap_or(0);
    let template_text = template.file.text(db);
    let template_offset =
        parse(db, template.file).item(&template.key).map(|p| p.offset).unwrap_or(0);
    let mut lines = Vec::new();
    for param in template_params(db, template) {
        let given =
            args.iter().find(|a| a.name.as_ref().is_some_and(|n| n.name == param.name.name));
        let (text, note) = match (given, &param.default) {
            (Some(arg), _) => {
                let span = arg.value.span.shift(instance_offset as i64);
                (instance_text.get(span.range()).unwrap_or_default().to_string(), "")
            }
            (None, Some(default)) => {
                let span = default.span.shift(template_offset as i64);
                (template_text.get(span.range()).unwrap_or_default().to_string(), " (default)")
            }
            (None, None) => ("missing".to_string(), ""),
        };
        lines.push(format!("- `{} = {text}`{note}", param.name.name));
    }
    if lines.is_empty() {
        return String::new();
    }
    format!("Parameters of `{}`:\n{}", template.name, lines.join("\n"))
}

fn nested_docs(db: &dyn Db, owner: &Declaration, name: &str) -> Option<String> {
    let item = item_syntax(db, owner.file, owner.key.clone()).clone()?;
    members(&item).into_iter().find_map(|member| match &member.kind {
        MemberKind::Nested { name: n, .. } if n.name == name => member.docs.clone(),
        _ => None,
    })
}

fn parameter_hover(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    template: &Declaration,
    name: &str,
    relative: Span,
) -> String {
    let params = template_params(db, template);
    let Some(param) = params.iter().find(|p| p.name.name == name) else {
        return code(name);
    };
    let template_text = template.file.text(db);
    let offset = parse(db, template.file).item(&template.key).map(|p| p.offset).unwrap_or(0);
    let written =
        template_text.get(param.span.shift(offset as i64).range()).unwrap_or_default().to_string();
    let mut parts =
        vec![code(&written), format!("a parameter of the template `{}`", template.name)];
    // In an instantiation, the argument's value.
    if let ItemKind::Decl(decl) = &item.syntax.kind
        && let Some(arg) = decl.base.as_ref().and_then(|b| b.args.as_ref()).and_then(|args| {
            args.iter().find(|a| a.name.as_ref().is_some_and(|n| n.span == relative))
        })
    {
        let value = evaluate(db, file, item, &arg.value, None);
        parts.push(value_facts(&value, &arg.value));
    }
    join(parts)
}

/// The member whose first path segment is at `relative`: its value's facts and the raw value.
fn member_value(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    relative: Span,
    expected: Option<&ValueType>,
) -> Option<(Value, String)> {
    let member = members(&item.syntax).into_iter().find(|member| match &member.kind {
        MemberKind::Field { path, .. } => path.segments.iter().any(|s| s.span == relative),
        _ => false,
    })?;
    let MemberKind::Field { value, .. } = &member.kind else { return None };
    if matches!(value.kind, ExprKind::Error) {
        return None;
    }
    let evaluated = evaluate(db, file, item, value, expected);
    let facts = value_facts(&evaluated, value);
    Some((evaluated, facts))
}

fn presence(presence: Presence, ty: &ValueType) -> String {
    match presence {
        Presence::Required => "required".to_string(),
        Presence::Optional => "optional".to_string(),
        Presence::Default(catalog::DefaultValue::Word(word)) => format!("default `{word}`"),
        Presence::Default(catalog::DefaultValue::Bool(b)) => format!("default `{b}`"),
        Presence::Default(catalog::DefaultValue::Number(v)) => match ty {
            // `process`'s 0 s: a distribution's default is a constant of its dimension.
            ValueType::Quantity(dim) | ValueType::Dist(dim) if !dim.is_dimensionless() => {
                format!("default {}", text::quantity(v, *dim, None))
            }
            _ => format!("default {}", text::number(v, 6)),
        },
    }
}

/// The dimension a type expects, when it expects a quantity or a distribution of one.
fn type_dimension(ty: &ValueType) -> Option<Dimension> {
    match ty {
        ValueType::Quantity(dim) | ValueType::Dist(dim) => Some(*dim),
        ValueType::Cycles | ValueType::Int { .. } => Some(Dimension::COUNT),
        ValueType::Clocked { value, .. } => type_dimension(value),
        ValueType::OneOf(alternatives) => alternatives.iter().find_map(type_dimension),
        _ => None,
    }
}

fn dimension_line(dim: Dimension) -> String {
    let name = dim.quantity_name().map(|n| format!("{n}, ")).unwrap_or_default();
    format!("dimension: {name}`{}`", dim.formula())
}

fn field_hover(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    field: &'static FieldDecl,
    owner: &str,
    relative: Span,
) -> String {
    let mut parts = vec![
        code(&format!("{}: {}", field.name, field.shown_type())),
        format!("field of `{owner}` · {}", presence(field.presence, &field.ty)),
    ];
    if let Some(dim) = type_dimension(&field.ty) {
        parts.push(dimension_line(dim));
    }
    if let Some((_, facts)) = member_value(db, file, item, relative, Some(&field.ty)) {
        parts.push(facts);
    }
    parts.push(field.doc.to_string());
    join(parts)
}

/// A value's facts, as Markdown lines, each quantity in the unit `written` writes it in and in SI.
fn value_facts(value: &Value, written_expr: &Expr) -> String {
    let unit = written_unit(written_expr);
    let written = unit.as_ref();
    match value {
        Value::Number(Quantity { si: Some(si), dim, .. }) => {
            format!("value: {}", text::quantity(*si, *dim, written))
        }
        Value::Number(Quantity { si: None, .. })
        | Value::AbstractStr
        | Value::Dist(crate::value::DistValue { dist: None, .. }) => {
            "value: depends on the template's parameters".to_string()
        }
        Value::Dist(d) => {
            let Some(dist) = &d.dist else { return String::new() };
            let facts: Vec<String> = text::distribution_facts(dist, d.dim, written)
                .into_iter()
                .map(|(name, fact)| format!("- {name}: {fact}"))
                .collect();
            format!("`{}` distribution\n{}", dist.family_name(), facts.join("\n"))
        }
        Value::Clocked { value, clock } => {
            join(vec![value_facts(value, written_expr), format!("aged by `{clock}`")])
        }
        Value::Call(call) => {
            let args: Vec<String> = call
                .args
                .iter()
                .map(|(name, arg)| {
                    let unit = call_argument(written_expr, name).and_then(written_unit);
                    let shown =
                        text::value_summary(arg, unit.as_ref()).unwrap_or_else(|| "…".to_string());
                    format!("- {name}: {shown}")
                })
                .collect();
            format!("`{}`\n{}", call.name, args.join("\n"))
        }
        Value::Error => "value: invalid (see the diagnostics)".to_string(),
        other => match text::value_summary(other, written) {
            Some(summary) => format!("value: {summary}"),
            None => String::new(),
        },
    }
}

/// The expression written for the argument `name` of a strategy's call. Only a string can be
/// given by position (E0402), so a quantity's argument is found by its name.
fn call_argument<'e>(call: &'e Expr, name: &str) -> Option<&'e Expr> {
    let ExprKind::Call { args, .. } = &call.kind else { return None };
    let arg = args.iter().find(|arg| arg.name.as_ref().is_some_and(|n| n.name == name))?;
    Some(&arg.value)
}

fn fields_list(fields: &[FieldDecl]) -> String {
    let lines: Vec<String> = fields
        .iter()
        .map(|f| format!("- `{}`: `{}` ({})", f.name, f.shown_type(), presence(f.presence, &f.ty)))
        .collect();
    if lines.is_empty() { String::new() } else { format!("Fields:\n{}", lines.join("\n")) }
}

fn kind_hover(kind: &'static KindDecl) -> String {
    let directional =
        if kind.directional { " (directional: checked, not yet simulated)" } else { "" };
    let nested: Vec<String> =
        kind.nested.iter().map(|n| format!("- `{} NAME {{ … }}`: {}", n.keyword, n.doc)).collect();
    join(vec![
        code(kind.name),
        format!("{}{directional}", kind.doc),
        fields_list(kind.fields),
        nested.join("\n"),
    ])
}

fn signatures(family: &FamilyDecl) -> String {
    family
        .signatures
        .iter()
        .map(|s| {
            let params: Vec<String> = s
                .iter()
                .map(|p| if p.optional { format!("{}?", p.name) } else { p.name.to_string() })
                .collect();
            format!("{}({})", family.name, params.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn family_hover(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    family: &'static FamilyDecl,
    relative: Span,
) -> String {
    let mut parts = vec![code(&signatures(family)), family.doc.to_string()];
    parts.push(format!("support: {}", family.support));
    // The call the name stands in, evaluated where it stands.
    let call = top_expressions(&item.syntax).into_iter().find_map(|top| {
        expressions_at(top, relative.start)
            .into_iter()
            .rev()
            .find(|e| matches!(&e.kind, ExprKind::Call { callee, .. } if callee.span == relative))
    });
    if let Some(call) = call {
        let value = evaluate(db, file, item, call, None);
        if matches!(value, Value::Dist(_)) {
            parts.push(value_facts(&value, call));
        }
    }
    join(parts)
}

fn param_type(param: &ParamDecl) -> String {
    match param.ty {
        ParamType::OfVariable => "in the variable's units".to_string(),
        ParamType::PerVariable => "per unit of the variable".to_string(),
        ParamType::Fixed(ty) => format!("`{ty}`"),
    }
}

fn callable_hover(callable: &'static CallableDecl) -> String {
    let params: Vec<String> = callable
        .params
        .iter()
        .map(|p| {
            let optional = if p.optional { ", optional" } else { "" };
            format!("- `{}` ({}{optional}): {}", p.name, param_type(p), p.doc)
        })
        .collect();
    let names: Vec<&str> = callable.params.iter().map(|p| p.name).collect();
    let directional = if callable.directional { " (directional)" } else { "" };
    join(vec![
        code(&format!("{}({})", callable.name, names.join(", "))),
        format!("{}{directional}: {}", callable.kind.describe(), callable.doc),
        params.join("\n"),
    ])
}

fn argument_hover(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    param: &'static ParamDecl,
    callee: &str,
    relative: Span,
) -> String {
    let mut parts = vec![
        code(&format!("{callee}({} = …)", param.name)),
        format!("`{}`: {} ({})", param.name, param.doc, param_type(param)),
    ];
    let argument = top_expressions(&item.syntax).into_iter().find_map(|top| {
        expressions_at(top, relative.start).into_iter().rev().find_map(|e| match &e.kind {
            ExprKind::Call { args, .. } => args
                .iter()
                .find(|a| a.name.as_ref().is_some_and(|n| n.span == relative))
                .map(|a| &a.value),
            _ => None,
        })
    });
    if let Some(argument) = argument {
        let value = evaluate(db, file, item, argument, None);
        parts.push(value_facts(&value, argument));
    }
    join(parts)
}

fn unit_hover(unit: &'static UnitDecl) -> String {
    let si = text::quantity(unit.to_si(), unit.dimension, None);
    let same: Vec<String> =
        units::units_of(unit.dimension).map(|u| format!("`{}`", u.name)).collect();
    join(vec![
        code(unit.name),
        format!("{}: 1 {} = {si}", unit.doc, unit.name),
        dimension_line(unit.dimension),
        format!("Units of this dimension: {}.", same.join(", ")),
    ])
}

fn word_hover(word: &str, kind: WordKind) -> String {
    let list =
        |words: &[&str]| words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ");
    let meaning = match kind {
        WordKind::Clock => format!(
            "A clock that ages a failure mode or times maintenance; the clocks are {}.",
            list(catalog::CLOCKS)
        ),
        WordKind::Kpi => {
            format!("A measure an objective or constraint can name: {}.", list(crate::check::KPIS))
        }
        WordKind::Value => {
            // The fields that accept the word: a kind's own (`buffer.policy`) and those of its
            // nested items (`failure.restores`, listed once for every kind that has it).
            let mut owners: Vec<(String, &FieldDecl)> = Vec::new();
            for kind in catalog::KINDS {
                let own = kind.fields.iter().map(|f| (format!("{}.{}", kind.name, f.name), f));
                let nested = kind.nested.iter().flat_map(|n| {
                    n.fields.iter().map(move |f| (format!("{}.{}", n.keyword, f.name), f))
                });
                for (path, field) in own.chain(nested) {
                    let accepts = super::symbols::type_accepts_word(&field.ty, word);
                    if accepts && !owners.iter().any(|(known, _)| *known == path) {
                        owners.push((path, field));
                    }
                }
            }
            let listed: Vec<String> =
                owners.iter().map(|(path, f)| format!("`{path}` (`{}`)", f.shown_type())).collect();
            let mut meaning = if listed.is_empty() {
                "A keyword value.".to_string()
            } else {
                format!("A keyword value of {}.", listed.join(", "))
            };
            // When every owner is documented alike, that documentation says what the word means.
            if let [(_, first), rest @ ..] = owners.as_slice()
                && rest.iter().all(|(_, f)| f.doc == first.doc)
                && !first.doc.is_empty()
            {
                meaning = join(vec![meaning, first.doc.to_string()]);
            }
            meaning
        }
    };
    join(vec![code(word), meaning])
}

fn type_hover(name: &str) -> String {
    let meaning = match fab_stdlib::types::param_type_name(name) {
        Some(entry) => entry.doc.to_string(),
        None => match units::dimension_of_type_name(name) {
            Some(dim) => {
                let accepted: Vec<String> =
                    units::units_of(dim).map(|u| format!("`{}`", u.name)).collect();
                let units_line = if accepted.is_empty() {
                    String::new()
                } else {
                    format!("; units: {}", accepted.join(", "))
                };
                format!("a quantity of dimension `{}`{units_line}", dim.formula())
            }
            None => String::new(),
        },
    };
    join(vec![code(name), meaning])
}

/// A number or quantity literal under the cursor: its value in the unit written and in SI.
fn literal_hover(db: &dyn Db, file: SourceFile, item: &ParsedItem, offset: u32) -> Option<Hover> {
    let relative = offset.checked_sub(item.offset)?;
    let literal = top_expressions(&item.syntax).into_iter().find_map(|top| {
        expressions_at(top, relative)
            .into_iter()
            .rev()
            .find(|e| matches!(e.kind, ExprKind::Number(_) | ExprKind::Quantity { .. }))
    })?;
    let value = evaluate(db, file, item, literal, None);
    let Value::Number(Quantity { si: Some(si), dim, .. }) = value else { return None };
    let written = written_unit(literal);
    let mut parts = vec![code(&item.syntax_text(file.text(db), literal.span))];
    parts.push(format!("value: {}", text::quantity(si, dim, written.as_ref())));
    parts.push(dimension_line(dim));
    Some(Hover { span: literal.span.shift(item.offset as i64), markdown: join(parts) })
}

#[cfg(test)]
mod tests {
    use super::hover;
    use crate::ide::fixture::fixture;

    fn markdown(text: &str) -> String {
        let (db, file, cursor) = fixture(text);
        hover(&db, file, cursor).expect("a hover").markdown
    }

    #[test]
    fn a_keyword_value_of_a_nested_field_shows_that_field_and_its_doc() {
        let text = "station s {\n    cycle = 1 s\n    failure f {\n        every = exponential(mean = 10 h)\n        repair = 1 h\n        restores = n$0ew\n    }\n}\n";
        let shown = markdown(text);
        assert!(shown.contains("`failure.restores`"), "{shown}");
        assert!(shown.contains("age back to zero"), "{shown}");
    }
}
