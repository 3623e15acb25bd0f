//! Checking one item: its fields against the catalog, its template instantiation, its references.
//!
//! [`check_item`] is the per-item query. It reads the item's own syntax (item-relative spans), the
//! file's scope (names and kinds only) and the syntax of the templates it instantiates, so an edit to
//! one station re-runs this query for that station alone. It returns the item's diagnostics and its
//! *checked body*: every field's evaluated value, with the template's fields merged under the
//! instance's, which `validate` and `lower` read.
//!
//! A template is checked once on its own, with its parameters abstract (dimensions known, values
//! not), for names, types and units; each instance then evaluates the template's body with its
//! arguments, and any error that only those values cause is reported at the instance.

use crate::db::{Db, SourceFile};
use crate::diagnostic::{Diagnostic, Location, and_list};
use crate::eval::{Ctx, dim_phrase, is_non_negative};
use crate::scope::{Declaration, Scope, resolve_import, scope};
use crate::suggest::did_you_mean;
use crate::syntax::{ItemClass, ItemKey, item_syntax};
use crate::value::{Field, Fields, Quantity, Value};
use fab_grammar::ast::{
    self, Arg, Body, Decl, DeclKind, Item, ItemKind, MemberKind, Span, TypeExpr,
};
use fab_runtime::model::{Conveyor, WrittenBound};
use fab_stdlib::catalog::{self, FieldDecl, KindDecl, Presence, Role};
use fab_stdlib::types::ValueType;
use fab_stdlib::units::{self, Dimension};
use std::collections::BTreeMap;
use std::sync::Arc;

mod goals;

use goals::{check_constraint_bounds, check_goal};

/// Whether declarations of this kind are nodes of the process graph.
pub fn is_component_kind(kind: DeclKind) -> bool {
    catalog::kind(kind.keyword()).is_some_and(|decl| decl.role == Role::Component)
}

/// The result of checking one item.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct CheckedItem {
    pub diagnostics: Vec<Diagnostic>,
    pub currencies: Vec<(String, Location)>,
    /// For declarations and templates: the checked, template-merged body.
    pub body: Option<CheckedBody>,
    /// The `fit(…)` calls of the item and what each chose.
    pub fits: Vec<crate::data::FitReport>,
}

impl CheckedItem {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A declaration's fields after checking.
#[derive(Clone, PartialEq, Debug)]
pub struct CheckedBody {
    /// The declaration kind (for a template: the kind it makes).
    pub kind: DeclKind,
    pub fields: Fields,
    /// Named nested items (`failure NAME { … }`), in source order.
    pub nested: Vec<CheckedNested>,
    /// For scenarios, `optimize` and `sync`: the base experiment.
    pub base: Option<Declaration>,
    /// Where a study writes its base's name.
    pub base_location: Option<Location>,
    /// The declaration's name, where it was written.
    pub name_location: Location,
    /// `vary` members of an experiment, a `sensitivity` or an `optimize` study, checked.
    pub varies: Vec<CheckedVary>,
    /// Objectives and constraints of an `optimize` study, checked, in source order.
    pub goals: Vec<CheckedGoal>,
}

/// A checked `minimize`, `maximize` or `subject to` of an `optimize` study.
#[derive(Clone, PartialEq, Debug)]
pub struct CheckedGoal {
    pub quantity: GoalQuantity,
    pub kind: GoalKind,
    pub location: Location,
}

/// What an objective or a constraint measures.
#[derive(Clone, PartialEq, Debug)]
pub enum GoalQuantity {
    /// A measure of the catalog's `MEASURES`.
    Measure(String),
    /// The value of the study's factor with this index (its `vary`, in source order).
    Factor(usize),
    /// A scheduling or layout measure (`makespan`): checked, not yet run.
    Directional(String),
}

#[derive(Clone, PartialEq, Debug)]
pub enum GoalKind {
    Minimize,
    Maximize,
    /// `subject to`: the quantity's mean at least (`>=`, `>`) or at most (`<=`, `<`) the bound
    /// `value`, in the quantity's reported unit; `written` is the bound as the model writes it,
    /// for the reports and the diagnostics.
    Bound {
        at_least: bool,
        value: f64,
        written: WrittenBound,
    },
}

/// A checked `vary PATH in LOW..HIGH`.
#[derive(Clone, PartialEq, Debug)]
pub struct CheckedVary {
    /// The path's segments: a component, then a field, a failure mode or a distribution parameter.
    pub path: Vec<String>,
    /// The range in SI, both ends taken: an integer factor's `LOW..HIGH` ends at `HIGH − 1`.
    pub low: f64,
    pub high: f64,
    /// Only whole numbers.
    pub integer: bool,
    /// The unit the range was written in (empty for a plain number) and its size in SI.
    pub unit: String,
    pub unit_scale: f64,
    /// The number's dimension (count for an integer).
    pub dimension: Dimension,
    pub location: Location,
    /// Where the range's two ends are written.
    pub ends: [Location; 2],
}

impl CheckedVary {
    /// A value of the factor (SI) in the unit its range is written in: `40 s`, or `3` for a
    /// plain number.
    pub fn shown(&self, si: f64) -> String {
        in_unit(si, &self.unit, self.unit_scale)
    }
}

/// A value (SI) in a unit of `scale` SI units, as a range or a report writes it: `40 s`, or `3`
/// without a unit.
fn in_unit(si: f64, unit: &str, scale: f64) -> String {
    units::with_unit(&(si / scale).to_string(), unit)
}

#[derive(Clone, PartialEq, Debug)]
pub struct CheckedNested {
    pub keyword: String,
    pub name: String,
    pub fields: Fields,
    pub location: Location,
}

/// Checks one item of a file.
#[salsa::tracked(returns(ref))]
pub fn check_item(db: &dyn Db, file: SourceFile, key: ItemKey) -> CheckedItem {
    let Some(item) = item_syntax(db, file, key.clone()).clone() else {
        return CheckedItem::default();
    };
    let scope = scope(db, file);
    let mut ctx = Ctx::new(db, file, key, scope);
    let body = match &item.kind {
        ItemKind::Import(import) => {
            if resolve_import(db, file, &import.path.value).is_none() {
                let written = &import.path.value;
                let target = crate::scope::import_target(file.path(db), written);
                let shown = if target.is_empty() { written } else { &target };
                let diagnostic = if !target.ends_with(".fab") {
                    Diagnostic::error("E0104", format!("`{shown}` is not a `.fab` file"))
                        .primary(ctx.loc(import.path.span), "not a model file")
                        .help("`import` brings in the declarations of another `.fab` file; a data file is read where a field names it, e.g. `empirical(\"times.csv\", column = \"t\")` or `schedule = \"releases.csv\"`.")
                } else if crate::scope::is_library_path(&target) {
                    let files: Vec<String> =
                        fab_stdlib::library::FILES.iter().map(|(n, _)| format!("`{n}`")).collect();
                    Diagnostic::error(
                        "E0104",
                        format!("the standard library has no file `{target}`"),
                    )
                    .primary(ctx.loc(import.path.span), "not a file of the library")
                    .help(format!(
                        "`std/…` names a file shipped inside fab: {}. To import a folder of \
                             your own named `std`, write `./{written}`.",
                        files.join(", ")
                    ))
                } else if let Some(reason) = crate::scope::unreadable_import(db, file, written) {
                    Diagnostic::error("E0104", format!("cannot read imported file `{shown}`"))
                        .primary(ctx.loc(import.path.span), reason)
                        .help("An imported file is a `.fab` model saved as UTF-8 text.")
                } else {
                    Diagnostic::error("E0104", format!("cannot find imported file `{shown}`"))
                        .primary(ctx.loc(import.path.span), "no such file")
                        .help("Import paths are relative to the importing file's folder; `std/…` names the standard library.")
                };
                ctx.push(diagnostic);
            }
            None
        }
        ItemKind::Flow(flow) => {
            check_flow(&mut ctx, flow);
            None
        }
        ItemKind::Decl(decl) => check_decl(&mut ctx, decl),
        ItemKind::Template(template) => check_template(&mut ctx, template),
        ItemKind::Error => None,
    };
    CheckedItem { diagnostics: ctx.diagnostics, currencies: ctx.currencies, body, fits: ctx.fits }
}

fn check_flow(ctx: &mut Ctx, flow: &ast::Flow) {
    for stage in &flow.stages {
        if stage.name.is_empty() {
            continue;
        }
        resolve_component(ctx, stage);
    }
}

/// Resolves a name that must be a component, reporting when it is not.
pub fn resolve_component(ctx: &mut Ctx, name: &ast::Ident) -> Option<Declaration> {
    match ctx.scope.lookup(&name.name) {
        Some(declaration) => match declaration.class {
            ItemClass::Decl(kind) if is_component_kind(kind) => Some(declaration.clone()),
            class => {
                ctx.push(
                    Diagnostic::error("E0103", format!("`{}` is {}, not a component", name.name, class.describe()))
                        .primary(ctx.loc(name.span), format!("this is {}", class.describe()))
                        .help("Flows and routes connect sources, stations, buffers, conveyors, robots, transports and sinks."),
                );
                None
            }
        },
        None => {
            report_unknown_name(ctx, name, "component");
            None
        }
    }
}

fn report_unknown_name(ctx: &mut Ctx, name: &ast::Ident, what: &str) {
    let mut diagnostic = Diagnostic::error("E0101", format!("cannot find {what} `{}`", name.name))
        .primary(ctx.loc(name.span), "not declared");
    if let Some(best) = did_you_mean(&name.name, ctx.scope.names()) {
        diagnostic = diagnostic.suggest(ctx.loc(name.span), best);
    } else if let Some(help) = ctx.out_of_sight_help(&name.name) {
        diagnostic = diagnostic.help(help);
    }
    ctx.push(diagnostic);
}

fn kind_decl(kind: DeclKind) -> &'static KindDecl {
    catalog::kind(kind.keyword()).expect("every declaration keyword has a catalog entry")
}

fn check_decl(ctx: &mut Ctx, decl: &Decl) -> Option<CheckedBody> {
    let name_location = ctx.loc(decl.name.span);
    let kind = decl.kind;
    let mut checked = CheckedBody {
        kind,
        fields: Fields::new(),
        nested: Vec::new(),
        base: None,
        base_location: None,
        name_location,
        varies: Vec::new(),
        goals: Vec::new(),
    };
    match kind {
        DeclKind::Route => {
            check_route(ctx, decl, &mut checked);
            return Some(checked);
        }
        DeclKind::Scenario | DeclKind::Optimize | DeclKind::Sync | DeclKind::Sensitivity => {
            checked.base = check_study_base(ctx, decl);
            checked.base_location = decl.base.as_ref().map(|base| ctx.loc(base.name.span));
            check_study(ctx, decl, &mut checked);
            share_and_interval_rules(ctx, &checked);
            if matches!(kind, DeclKind::Optimize | DeclKind::Sensitivity) {
                search_members_rule(ctx, decl);
                study_base_rules(ctx, decl, checked.base.as_ref());
            }
            return Some(checked);
        }
        _ => {}
    }
    let decl_info = kind_decl(kind);
    // A template that cannot be expanded (unknown, of another kind, based on itself) is reported
    // at the base; the fields it would have given are not reported missing as well.
    let mut base_expanded = true;
    if let Some(base) = &decl.base {
        if decl_info.role == Role::Component || decl_info.role == Role::Resource {
            match instantiate(ctx, kind, base) {
                Some((fields, nested)) => {
                    checked.fields = fields;
                    checked.nested = nested;
                }
                None => base_expanded = false,
            }
        } else {
            ctx.push(
                Diagnostic::error(
                    "E0103",
                    format!("{} cannot be based on a template", article(kind.keyword())),
                )
                .primary(ctx.loc(base.span), "remove this")
                .help(
                    "Only components (stations, conveyors, …) instantiate `component` templates.",
                ),
            );
        }
    }
    if let Some(body) = &decl.body {
        let (fields, nested) =
            check_body(ctx, decl_info.fields, decl_info, body, decl_info.free_fields);
        merge(&mut checked, fields, nested);
        if kind == DeclKind::Experiment {
            for member in &body.members {
                if let MemberKind::Vary { path, domain } = &member.kind
                    && let Some(vary) = check_vary(ctx, path, domain)
                {
                    add_factor(ctx, &mut checked.varies, vary);
                }
            }
            check_factor_combinations(ctx, &checked.varies);
            check_parameters_varied_together(ctx, &checked.varies);
            check_design_size(ctx, &checked.varies, &checked.fields);
        }
    }
    // A member that failed to parse may be the missing field: the syntax error says enough.
    if base_expanded && !decl.body.as_ref().is_some_and(has_unparsed_member) {
        check_required(ctx, decl_info.fields, &checked.fields, decl.name.span, kind.keyword());
        kind_rules(ctx, &checked, decl.name.span, None);
        unused_field_warnings(ctx, &checked);
    }
    Some(checked)
}

/// W0206: fields the checker accepts but the simulation does not use, so that setting one is
/// never silently without effect: a conveyor's `accel` (belts start and stop instantly), a
/// robot's `jerk` and a `fidelity` other than `simple` (motion is rest to rest under `speed` and
/// `accel`), a robot's `path`, `process`, `speed` and `accel` when its `cycle` is given (the
/// cycle is used), its `speed` and `accel` when it has no path to move along, and a `setup`
/// beside `assemble` (no change of product to set up for).
fn unused_field_warnings(ctx: &mut Ctx, checked: &CheckedBody) {
    let fields = &checked.fields;
    let mut unused: Vec<(&str, &str)> = Vec::new();
    // A setup runs at a change of product, and an assembly server's part is always the one it
    // `produces`.
    if fields.contains_key("assemble") {
        unused.push(("setup", "an assembly always makes the one product it `produces`"));
    }
    match checked.kind {
        DeclKind::Conveyor => unused.push(("accel", "belts start and stop instantly")),
        // `input_method` says how `input_uncertainty` redraws the inputs; without it (in the
        // experiment or a base it extends) nothing is redrawn, and `--input-uncertainty` on the
        // command line draws by its own `--input-method`.
        DeclKind::Experiment if !fields.contains_key("input_uncertainty") => unused.push((
            "input_method",
            "the experiment has no `input_uncertainty`, so no input is redrawn",
        )),
        DeclKind::Robot => {
            unused.push(("jerk", "motion is rest to rest under `speed` and `accel` only"));
            let fidelity = fields.get("fidelity").map(|f| &f.value);
            if fidelity.is_some_and(|v| !matches!(v, Value::Word(w) if w == "simple")) {
                unused.push(("fidelity", "every robot moves as `simple` does"));
            }
            if fields.contains_key("cycle") {
                for motion in ["path", "process", "speed", "accel"] {
                    unused.push((motion, "the robot's `cycle` is used instead"));
                }
            } else if !robot_moves(fields) {
                let why = if fields.contains_key("path") {
                    "the robot's `path` has fewer than two points: it makes no move"
                } else {
                    "the robot has no `path` to move along"
                };
                for limit in ["speed", "accel"] {
                    unused.push((limit, why));
                }
            }
        }
        _ => {}
    }
    for (name, why) in unused {
        // A value already refused is reported once, as its error.
        let Some(field) = fields.get(name).filter(|f| !matches!(f.value, Value::Error)) else {
            continue;
        };
        ctx.push(
            Diagnostic::warning("W0206", format!("`{name}` does not change the simulation"))
                .primary(field.location.clone(), format!("not simulated: {why}"))
                .help(format!(
                    "Remove `{name}`, or keep it as a note: the results are the same with and \
                     without it."
                )),
        );
    }
}

/// The rules of one declaration's fields taken together (its kind's rules and W0206), applied to
/// `body`: the declaration's checked body as a scenario changes it. A scenario is held to the
/// rules the same edit written in the declaration would meet; the caller keeps what the
/// declaration's own body does not already give. `scenario` is the scenario that changes it.
pub(crate) fn declaration_rules(
    db: &dyn Db,
    declaration: &Declaration,
    body: &CheckedBody,
    scenario: &Declaration,
) -> Vec<Diagnostic> {
    let scope = scope(db, declaration.file);
    let mut ctx = Ctx::new(db, declaration.file, declaration.key.clone(), scope);
    kind_rules(&mut ctx, body, body.name_location.span, Some(scenario));
    unused_field_warnings(&mut ctx, body);
    ctx.diagnostics
}

fn has_unparsed_member(body: &Body) -> bool {
    body.members.iter().any(|member| matches!(member.kind, MemberKind::Error))
}

/// The instance's own fields override the template's; nested items of the same name are replaced.
fn merge(checked: &mut CheckedBody, fields: Fields, nested: Vec<CheckedNested>) {
    checked.fields.extend(fields);
    for item in nested {
        checked.nested.retain(|existing| existing.name != item.name);
        checked.nested.push(item);
    }
}

fn article(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {word}")
}

/// Checks the members of a body against a list of field declarations.
pub fn check_body(
    ctx: &mut Ctx,
    fields: &'static [FieldDecl],
    kind: &'static KindDecl,
    body: &Body,
    free_fields: bool,
) -> (Fields, Vec<CheckedNested>) {
    let mut out = Fields::new();
    let mut nested: Vec<CheckedNested> = Vec::new();
    for member in &body.members {
        match &member.kind {
            MemberKind::Field { path, value } => {
                if path.segments.len() != 1 {
                    ctx.push(
                        Diagnostic::error("E0201", format!("`{}` is not a field name", path.dotted()))
                            .primary(ctx.loc(path.span), "a dotted path")
                            .help("Dotted paths override fields of other components only inside a `scenario`."),
                    );
                    continue;
                }
                let name = &path.segments[0];
                if let Some(previous) = out.get(&name.name) {
                    ctx.push(
                        Diagnostic::error(
                            "E0202",
                            format!("field `{}` is set more than once", name.name),
                        )
                        .primary(ctx.loc(name.span), "set again here")
                        .secondary(previous.location.clone(), "first set here")
                        .help("Remove one of the two; a field has one value."),
                    );
                    continue;
                }
                let Some(field) = catalog::find_field(fields, &name.name) else {
                    if free_fields {
                        let evaluated = ctx.eval(value, None);
                        out.insert(
                            name.name.clone(),
                            ctx.field(evaluated, member.span, value.span),
                        );
                    } else {
                        report_unknown_field(ctx, name, fields, kind);
                    }
                    continue;
                };
                if matches!(field.ty, ValueType::Record(_) | ValueType::Map { .. }) {
                    ctx.push(
                        Diagnostic::error("E0204", format!("`{}` is a record", name.name))
                            .primary(ctx.loc(member.span), "written as a field")
                            .help(format!("Write it as `{} {{ … }}`.", name.name)),
                    );
                    continue;
                }
                let what = format!("field `{}`", name.name);
                let conformed = ctx.eval_field(value, field, &what);
                out.insert(name.name.clone(), ctx.field(conformed, member.span, value.span));
            }
            MemberKind::Record { name, body } => {
                if let Some(previous) = out.get(&name.name) {
                    ctx.push(
                        Diagnostic::error(
                            "E0202",
                            format!("field `{}` is set more than once", name.name),
                        )
                        .primary(ctx.loc(name.span), "set again here")
                        .secondary(previous.location.clone(), "first set here"),
                    );
                    continue;
                }
                let value = match catalog::find_field(fields, &name.name).map(|f| f.ty) {
                    Some(ValueType::Record(record_fields)) => {
                        let (record, _) = check_body(ctx, record_fields, kind, body, false);
                        Value::Record(record)
                    }
                    Some(ValueType::Map { key, value }) => check_map(ctx, key, value, body),
                    Some(other) => {
                        ctx.push(
                            Diagnostic::error(
                                "E0204",
                                format!("field `{}` expects `{other}`, found a record", name.name),
                            )
                            .primary(ctx.loc(name.span), "written as a record")
                            .help(format!("Write it as `{} = …`.", name.name)),
                        );
                        continue;
                    }
                    None => {
                        report_unknown_field(ctx, name, fields, kind);
                        continue;
                    }
                };
                let location = ctx.loc(member.span);
                out.insert(
                    name.name.clone(),
                    Field { value, location: location.clone(), value_location: location },
                );
            }
            MemberKind::Nested { keyword, name, body } => {
                let Some(nested_decl) =
                    kind.nested(&keyword.name).filter(|_| std::ptr::eq(fields, kind.fields))
                else {
                    ctx.push(
                        Diagnostic::error(
                            "E0201",
                            format!(
                                "{} has no nested `{}` items",
                                article(kind.name),
                                keyword.name
                            ),
                        )
                        .primary(ctx.loc(keyword.span), "not allowed here"),
                    );
                    continue;
                };
                if let Some(previous) = nested.iter().find(|n| n.name == name.name) {
                    ctx.push(
                        Diagnostic::error(
                            "E0202",
                            format!("`{} {}` is defined more than once", keyword.name, name.name),
                        )
                        .primary(ctx.loc(name.span), "defined again here")
                        .secondary(previous.location.clone(), "first defined here"),
                    );
                    continue;
                }
                let empty = Body::default();
                let (nested_fields, _) = check_body(
                    ctx,
                    nested_decl.fields,
                    kind,
                    body.as_ref().unwrap_or(&empty),
                    false,
                );
                if !body.as_ref().is_some_and(has_unparsed_member) {
                    check_required(
                        ctx,
                        nested_decl.fields,
                        &nested_fields,
                        name.span,
                        &format!("{} {}", keyword.name, name.name),
                    );
                }
                nested.push(CheckedNested {
                    keyword: keyword.name.clone(),
                    name: name.name.clone(),
                    fields: nested_fields,
                    location: ctx.loc(name.span),
                });
            }
            // An experiment's `vary` members are checked by `check_decl`.
            MemberKind::Vary { .. } if kind.name == "experiment" => {}
            MemberKind::Vary { .. }
            | MemberKind::Objective { .. }
            | MemberKind::Constraint { .. }
            | MemberKind::Bind { .. } => {
                let what = match &member.kind {
                    MemberKind::Vary { .. } => "`vary`",
                    MemberKind::Objective { .. } => "an objective",
                    MemberKind::Constraint { .. } => "`subject to`",
                    _ => "a `<-` binding",
                };
                ctx.push(
                    Diagnostic::error(
                        "E0201",
                        format!("{what} is not allowed in {}", article(kind.name)),
                    )
                    .primary(ctx.loc(member.span), "not allowed here")
                    .help(
                        "It belongs in an `experiment`, `sensitivity`, `optimize` or `sync` block.",
                    ),
                );
            }
            MemberKind::Error => {}
        }
    }
    (out, nested)
}

fn member_value_span(member: &ast::Member) -> Span {
    match &member.kind {
        MemberKind::Field { value, .. } => value.span,
        _ => member.span,
    }
}

fn report_unknown_field(
    ctx: &mut Ctx,
    name: &ast::Ident,
    fields: &'static [FieldDecl],
    kind: &'static KindDecl,
) {
    let candidates = fields.iter().map(|f| f.name).chain(kind.nested.iter().map(|n| n.keyword));
    let owner = if std::ptr::eq(fields, kind.fields) {
        article(kind.name)
    } else {
        "this record".to_string()
    };
    let mut diagnostic =
        Diagnostic::error("E0201", format!("{owner} has no field `{}`", name.name))
            .primary(ctx.loc(name.span), "unknown field");
    diagnostic = match did_you_mean(&name.name, candidates) {
        Some(best) => diagnostic.suggest(ctx.loc(name.span), best),
        None => {
            let names: Vec<String> = fields.iter().map(|f| format!("`{}`", f.name)).collect();
            diagnostic.help(format!("The fields are {}.", names.join(", ")))
        }
    };
    ctx.push(diagnostic);
}

/// A `{ NAME = VALUE }` record whose keys name declarations (`assemble { Body = 1 }`).
fn check_map(
    ctx: &mut Ctx,
    key: fab_stdlib::types::RefClass,
    value_type: &'static ValueType,
    body: &Body,
) -> Value {
    let mut entries: Vec<(Declaration, Value)> = Vec::new();
    for member in &body.members {
        let MemberKind::Field { path, value } = &member.kind else {
            if !matches!(member.kind, MemberKind::Error) {
                ctx.push(
                    Diagnostic::error("E0204", "expected `NAME = value`")
                        .primary(ctx.loc(member.span), "not an entry"),
                );
            }
            continue;
        };
        let name = &path.segments[0];
        let key_expr = ast::Expr { kind: ast::ExprKind::Path(path.clone()), span: path.span };
        let key_value = ctx.eval(&key_expr, None);
        let declaration = match ctx.conform(key_value, &ValueType::Ref(key)) {
            Ok(Value::Ref(declaration)) => declaration,
            Ok(_) => continue,
            Err(mismatch) => {
                ctx.report_mismatch_of(mismatch, &key_expr, "this key");
                continue;
            }
        };
        if entries.iter().any(|(d, _)| d.name == declaration.name) {
            ctx.push(
                Diagnostic::error("E0202", format!("`{}` is listed more than once", name.name))
                    .primary(ctx.loc(name.span), "listed again here"),
            );
            continue;
        }
        match ctx.eval_as(value, value_type, &format!("the entry for `{}`", name.name)) {
            Value::Error => {}
            checked => entries.push((declaration, checked)),
        }
    }
    Value::Map(entries)
}

fn check_required(
    ctx: &mut Ctx,
    fields: &'static [FieldDecl],
    present: &Fields,
    at: Span,
    owner: &str,
) {
    let missing: Vec<&FieldDecl> = fields
        .iter()
        .filter(|f| f.presence == Presence::Required && !present.contains_key(f.name))
        .collect();
    for field in missing {
        ctx.push(
            Diagnostic::error(
                "E0203",
                format!("`{owner}` is missing the required field `{}`", field.name),
            )
            .primary(ctx.loc(at), format!("needs `{}`", field.name))
            .help(format!("Add `{} = …` ({}): {}", field.name, field.ty, field.doc)),
        );
    }
}

/// Rules that tie several fields of one kind together (LANGUAGE.md §3, §6, §9). With `scenario`,
/// `checked` is a declaration as that scenario changes it, and a remedy cannot remove a field.
fn kind_rules(
    ctx: &mut Ctx,
    checked: &CheckedBody,
    name_span: Span,
    scenario: Option<&Declaration>,
) {
    let fields = &checked.fields;
    let has = |name: &str| fields.contains_key(name);
    let at = ctx.loc(name_span);
    let conflict = |message: String, help: &str| {
        Diagnostic::error("E0206", message)
            .primary(at.clone(), "in this declaration")
            .help(help.to_string())
    };
    match checked.kind {
        DeclKind::Source => match (has("interarrival"), has("schedule")) {
            (false, false) => ctx.push(conflict(
                "a source needs `interarrival` or `schedule`".to_string(),
                "Add `interarrival = exponential(mean = 1 min)`, or `schedule = \"releases.csv\"`.",
            )),
            (true, true) => {
                let help = if let Some(scenario) = scenario {
                    both_arrivals_in_scenario_help(&ctx.item.name, fields, scenario)
                } else {
                    "Remove one of them.".to_string()
                };
                ctx.push(conflict(
                    "a source takes `interarrival` or `schedule`, not both".to_string(),
                    &help,
                ))
            }
            _ => {}
        },
        DeclKind::Station | DeclKind::Robot => {
            if has("repair") && !has("failure") {
                ctx.push(conflict("`repair` is set but no `failure` law is".to_string(), "Add `failure = LAW of CLOCK`, or move `repair` into a `failure NAME { … }` mode."));
            }
            if has("failure") && !has("repair") {
                ctx.push(conflict(
                    "`failure` is set without a `repair` time".to_string(),
                    "Add `repair = DIST` next to the shorthand `failure = …`.",
                ));
            }
            match (has("assemble"), has("produces")) {
                (true, false) => ctx.push(
                    Diagnostic::error("E0801", "an assembly station needs `produces`")
                        .primary(at.clone(), "has `assemble` but no `produces`")
                        .help("Add `produces = PRODUCT`: the part emitted after each assembly."),
                ),
                (false, true) => ctx.push(
                    Diagnostic::error("E0801", "`produces` needs an `assemble` record")
                        .primary(at.clone(), "has `produces` but no `assemble`")
                        .help("Add `assemble { PRODUCT = n, … }` listing the parts consumed."),
                ),
                _ => {}
            }
            if checked.kind == DeclKind::Robot {
                // `process` is 0 s when omitted: a robot that moves needs nothing more, one that
                // does not would take no time at all.
                if !has("cycle") && !has("process") && !robot_moves(fields) {
                    ctx.push(conflict("a robot needs `cycle`, `process` or a `path`".to_string(), "Give `cycle = DIST`; or a `path` with `speed` or `accel`, whose motion makes the cycle, and `process = DIST` for the time added to it (0 s when omitted)."));
                }
                check_reach(ctx, fields);
                if !has("cycle") {
                    check_motion_time(ctx, fields);
                }
                if !has("cycle")
                    && !has("speed")
                    && !has("accel")
                    && robot_moves(fields)
                    && let Some(path) = fields.get("path")
                {
                    ctx.push(
                        Diagnostic::error("E0206", "a robot's `path` needs `speed` or `accel`")
                            .primary(path.value_location.clone(), "no limit says how fast the robot moves along this path")
                            .help("Give the robot `speed`, `accel` or both: its motion time comes from them (d/v with `speed` alone, 2·√(d/a) with `accel` alone)."),
                    );
                }
            }
        }
        DeclKind::Resource if has("lead") && !has("stock") => {
            ctx.push(conflict(
                "a resource's `lead` needs a `stock`".to_string(),
                "A reorder lead time belongs to a spare part: add `stock = n`, or remove `lead`.",
            ));
        }
        DeclKind::Resource
            if has("stock")
                && let Some(count) = fields.get("count") =>
        {
            // A spare part is used up, not held: its number is its `stock`, and a `count` beside
            // it would be read by no one.
            ctx.push(
                Diagnostic::error("E0206", "a spare part has a `stock`, not a `count`")
                    .primary(count.location.clone(), "a spare part's units are its `stock`")
                    .help(
                        "A resource with `stock` is a spare part that repairs use up; `count` \
                         is the number of people or tools of a crew or operators, which are held \
                         and given back. Remove `count`, or declare the crew as a resource of \
                         its own.",
                    ),
            );
        }
        DeclKind::Conveyor => {
            let number = |name: &str| fields.get(name).and_then(|f| f.value.si());
            // Larger by more than a rounding error: the runtime's count of the parts the belt
            // holds, which is what the rule protects, decides (a `vary` is held to it too).
            if let (Some(length), Some(spacing)) = (number("length"), number("spacing"))
                && Conveyor::capacity_of(length, spacing) == 0
            {
                ctx.push(
                    Diagnostic::error("E0606", "conveyor spacing is larger than its length")
                        .primary(fields["spacing"].value_location.clone(), format!("spacing is {spacing} m"))
                        .secondary(fields["length"].value_location.clone(), format!("length is {length} m"))
                        .help("A conveyor must hold at least one part: make `spacing` at most `length`."),
                );
            }
        }
        DeclKind::Experiment => {
            let number = |name: &str| fields.get(name).and_then(|f| f.value.si());
            // The span as the clock holds it, in whole nanoseconds (`time::span_problem`, which the
            // engine's `check_span` applies too): a horizon that rounds to the warm-up observes
            // nothing, and the run reported a horizon equal to its warm-up, every share 0.
            use fab_runtime::time::{SpanProblem, span_problem};
            let (horizon, warmup) = (number("horizon"), number("warmup").unwrap_or(0.0));
            match horizon.and_then(|horizon| span_problem(horizon, warmup)) {
                Some(SpanProblem::NoHorizon) => ctx.push(
                    Diagnostic::error("E0205", "the horizon is shorter than a nanosecond")
                        .primary(fields["horizon"].value_location.clone(), "0 ns on the clock")
                        .help(
                            "Time is counted in whole nanoseconds, and this horizon rounds to \
                             none: give it in a unit that makes it longer (`s`, `min`, `h`, `d`).",
                        ),
                ),
                Some(SpanProblem::WarmupNotShorter { rounded }) => {
                    let help = if rounded {
                        format!(
                            "Time is counted in whole nanoseconds, and this warm-up ({warmup} s) \
                             and horizon ({} s) round to the same instant. Statistics are \
                             collected from the end of the warm-up to the horizon: end the \
                             horizon at least 1 ns after the warm-up.",
                            horizon.unwrap_or_default()
                        )
                    } else {
                        "Statistics are collected from the end of the warm-up to the horizon."
                            .to_string()
                    };
                    ctx.push(
                        Diagnostic::error("E0205", "the warm-up is not shorter than the horizon")
                            .primary(fields["warmup"].value_location.clone(), "warm-up")
                            .secondary(fields["horizon"].value_location.clone(), "horizon")
                            .help(help),
                    );
                }
                None => {}
            }
            max_replications_rule(ctx, fields);
            runs_alike_rules(ctx, checked);
            if let Some(confidence) = number("confidence")
                && !(confidence > 0.0 && confidence < 1.0)
            {
                ctx.push(
                    Diagnostic::error(
                        "E0205",
                        "the confidence level must lie between 0 % and 100 %",
                    )
                    .primary(fields["confidence"].value_location.clone(), "out of range")
                    .help(
                        "Give the share of the confidence intervals that should hold the true \
                         value, above 0 % and below 100 % (no finite number of replications \
                         makes an interval certain): `confidence = 95 %`, the default, or \
                         `90 %` or `99 %`.",
                    ),
                );
            }
        }
        _ => {}
    }
    share_and_interval_rules(ctx, checked);
    // Plain quantities of physical dimensions cannot be negative.
    for (name, field) in fields {
        if let Value::Number(Quantity { si: Some(v), dim, .. }) = field.value
            && v < 0.0
            && is_non_negative(dim)
        {
            ctx.push(
                Diagnostic::error("E0205", format!("`{name}` cannot be negative"))
                    .primary(
                        field.value_location.clone(),
                        format!("{} below zero", dim_phrase(dim)),
                    )
                    .help(negative_help(checked.kind, name, dim)),
            );
        }
    }
}

/// The help of a source that a scenario gives both `interarrival` and `schedule`: a scenario
/// changes fields and cannot remove one, so "remove one of them" cannot be done where it is
/// read. It can change the field the source has, or the other way of releasing parts is a model
/// of its own, compared with the same seed.
fn both_arrivals_in_scenario_help(source: &str, fields: &Fields, scenario: &Declaration) -> String {
    let overridden =
        |name: &str| fields.get(name).is_some_and(|field| scenario.writes(&field.location));
    let (kept, set) = match (overridden("interarrival"), overridden("schedule")) {
        (false, _) => ("interarrival", "schedule"),
        (true, false) => ("schedule", "interarrival"),
        (true, true) => {
            return "Set only one of `interarrival` and `schedule` in the scenario.".to_string();
        }
    };
    format!(
        "A scenario can change a field but not remove one, so `{source}` would keep its \
         `{kept}` beside this `{set}`. Change its `{kept}` instead (`{source}.{kept} = …`); or, \
         to compare the two, write the source with a `{set}` in a model file of its own that \
         imports the components they share, and run both with the same seed: the shared \
         components then draw the same random numbers."
    )
}

/// The help of a field of `kind` whose quantity of dimension `dim` is negative: zero or more, in
/// its unit, and `auto` where the field takes it (a warm-up chosen by MSER-5).
fn negative_help(kind: DeclKind, name: &str, dim: Dimension) -> String {
    let units = units::example_units(dim);
    let si = units.iter().find(|u| units::lookup(u).is_some_and(|unit| unit.scale.is_one()));
    let unit = si.or(units.first());
    let zero = match unit {
        Some(unit) => format!("`{name} = 0 {unit}`"),
        None => format!("`{name} = 0`"),
    };
    let words =
        kind_decl(kind).field(name).map(|field| accepted_words(&field.ty)).unwrap_or_default();
    match words.as_slice() {
        [] => format!("Give `{name}` a value of zero or more, such as {zero}."),
        [word, ..] => format!(
            "Give `{name}` a value of zero or more, such as {zero}, or write `{name} = {word}`."
        ),
    }
}

/// The words a field's type accepts besides its values (`auto`, `unlimited`).
fn accepted_words(ty: &ValueType) -> Vec<&'static str> {
    match ty {
        ValueType::Word(words) => words.to_vec(),
        ValueType::OneOf(alternatives) => alternatives.iter().flat_map(accepted_words).collect(),
        _ => Vec::new(),
    }
}

/// A field of `fields` that is set and was not refused already (a refused one is reported once,
/// as its own error).
pub(crate) fn set_field<'a>(fields: &'a Fields, name: &str) -> Option<&'a Field> {
    fields.get(name).filter(|field| !matches!(field.value, Value::Error))
}

/// A setting of an experiment under which its runs are not alike, each with the same
/// replications after the same warm-up on the model as written: what neither a designed
/// experiment, nor input uncertainty, nor the base of a `sensitivity` or `optimize` study can hold
/// (E0206). One list for [`runs_alike_rules`] and [`study_base_rules`], which found each setting
/// and labelled it in words of their own.
#[derive(Clone, Copy, PartialEq, Debug)]
enum UnalikeRuns {
    /// `warmup = auto`: a warm-up chosen by pilot runs.
    AutoWarmup,
    /// `precision`: replications added until the target is reached.
    Precision,
    /// `input_uncertainty`: macro-replications of the model as written.
    InputUncertainty,
}

impl UnalikeRuns {
    /// Each setting, in the order they are reported.
    const ALL: [UnalikeRuns; 3] =
        [UnalikeRuns::AutoWarmup, UnalikeRuns::Precision, UnalikeRuns::InputUncertainty];

    /// The field of `fields` that asks for it, when one does.
    fn field(self, fields: &Fields) -> Option<&Field> {
        match self {
            UnalikeRuns::AutoWarmup => set_field(fields, "warmup")
                .filter(|f| matches!(&f.value, Value::Word(w) if w == "auto")),
            UnalikeRuns::Precision => set_field(fields, "precision"),
            UnalikeRuns::InputUncertainty => set_field(fields, "input_uncertainty"),
        }
    }

    /// The label at the field's value: what the setting makes of the runs.
    fn label(self) -> &'static str {
        match self {
            UnalikeRuns::AutoWarmup => "a warm-up chosen by pilot runs",
            UnalikeRuns::Precision => "replications added until this is reached",
            UnalikeRuns::InputUncertainty => "macro-replications of the model as written",
        }
    }
}

/// The settings of `fields` under which an experiment's runs are not alike, each with its field,
/// in [`UnalikeRuns::ALL`]'s order.
fn unalike_runs(fields: &Fields) -> impl Iterator<Item = (UnalikeRuns, &Field)> {
    UnalikeRuns::ALL.into_iter().filter_map(|setting| Some((setting, setting.field(fields)?)))
}

/// The settings that a study of many runs cannot hold, because each of its runs must run the
/// same replications after the same warm-up ([`UnalikeRuns`]): a designed experiment (`vary`)
/// that would choose its warm-up by pilot runs (`warmup = auto`, E0206) or add replications until
/// a `precision` is reached (E0206), and input uncertainty, whose macro-replications run the
/// model as written, beside either of them or a `vary` (E0206), or with fewer than 2
/// replications, which measure no noise (E0205). A scenario's settings over its experiment's are
/// held to them too. The run refused each of these only once the model had checked clean.
fn runs_alike_rules(ctx: &mut Ctx, checked: &CheckedBody) {
    let fields = &checked.fields;
    let first_vary = checked.varies.first();
    if let Some(input_uncertainty) = UnalikeRuns::InputUncertainty.field(fields) {
        let at = input_uncertainty.value_location.clone();
        let alone = "Every macro-replication of input uncertainty runs the same replications \
                     after the same warm-up on the model as written: give `warmup` a duration, \
                     drop `precision` and `vary`, and run those as experiments of their own.";
        for (setting, field) in unalike_runs(fields) {
            let what = match setting {
                UnalikeRuns::AutoWarmup => "`warmup = auto`",
                UnalikeRuns::Precision => "`precision`",
                UnalikeRuns::InputUncertainty => continue,
            };
            ctx.push(
                Diagnostic::error("E0206", format!("input uncertainty cannot run with {what}"))
                    .primary(at.clone(), UnalikeRuns::InputUncertainty.label())
                    .secondary(field.value_location.clone(), setting.label())
                    .help(alone),
            );
        }
        if let Some(vary) = first_vary {
            ctx.push(
                Diagnostic::error("E0206", "input uncertainty cannot run a designed experiment")
                    .primary(at.clone(), UnalikeRuns::InputUncertainty.label())
                    .secondary(vary.location.clone(), "another model at every point")
                    .help(alone),
            );
        }
        let least = catalog::MIN_INPUT_UNCERTAINTY_REPLICATIONS;
        if let Some(replications) = set_field(fields, "replications")
            && replications.value.si().is_some_and(|n| n < f64::from(least))
        {
            ctx.push(
                Diagnostic::error(
                    "E0205",
                    format!("input uncertainty needs at least {least} replications"),
                )
                .primary(replications.value_location.clone(), "one replication")
                .secondary(at, "each macro-replication runs these")
                .help(format!(
                    "The replications within one macro-replication measure the simulation's own \
                     noise, and one replication has no spread: give `replications` at least \
                     {least}."
                )),
            );
        }
        return;
    }
    let Some(vary) = first_vary else { return };
    for (setting, field) in unalike_runs(fields) {
        let (headline, at_vary, help) = match setting {
            UnalikeRuns::AutoWarmup => (
                "a designed experiment cannot choose its warm-up by `warmup = auto`",
                "every point runs the same warm-up",
                "Every point of a design runs the same replications after the same warm-up: give \
                 `warmup` a duration (run the experiment without `vary` once with `warmup = auto` \
                 to choose one).",
            ),
            UnalikeRuns::Precision => (
                "a designed experiment cannot add replications to reach a `precision`",
                "every point runs the same replications",
                "Every point of a design runs the same replications, with common random numbers: \
                 drop `precision` and give `replications` (run the experiment without `vary` \
                 once with `precision` to find how many reach it).",
            ),
            // Returned above.
            UnalikeRuns::InputUncertainty => continue,
        };
        ctx.push(
            Diagnostic::error("E0206", headline)
                .primary(field.value_location.clone(), setting.label())
                .secondary(vary.location.clone(), at_vary)
                .help(help),
        );
    }
}

/// E0205 at an experiment's `max_replications` below its `replications` (written, or the
/// default): `precision` runs `replications` first and adds more up to the maximum, and `--select`
/// runs at most the maximum, so a maximum below the first round cannot hold. It was raised to
/// `replications` without a word (`max_replications = 1` ran 3).
fn max_replications_rule(ctx: &mut Ctx, fields: &Fields) {
    let Some(field) = fields.get("max_replications") else { return };
    let Some(max) = field.value.si() else { return };
    let written = fields.get("replications");
    let replications = match written {
        Some(replications) => replications.value.si(),
        None => match kind_decl(DeclKind::Experiment).field("replications").map(|f| f.presence) {
            Some(Presence::Default(catalog::DefaultValue::Number(default))) => Some(default),
            _ => None,
        },
    };
    let Some(replications) = replications.filter(|&replications| max < replications) else {
        return;
    };
    let mut diagnostic = Diagnostic::error("E0205", "`max_replications` is below `replications`")
        .primary(field.value_location.clone(), format!("at most {max}"))
        .help(format!(
            "`precision` runs `replications` first, then adds replications up to \
             `max_replications`, and `--select` runs at most `max_replications`: give \
             `max_replications` at least {replications}{}, or fewer `replications`.",
            if written.is_none() { ", the default `replications`" } else { "" }
        ));
    if let Some(written) = written {
        diagnostic = diagnostic
            .secondary(written.value_location.clone(), format!("{replications} run first"));
    }
    ctx.push(diagnostic);
}

/// Ranges a value's type cannot state: a `restores` share lies within 0–100 % (of a failure mode
/// or of preventive maintenance), a maintenance interval, age or inspection interval is longer
/// than zero, a detection threshold and probability are shares, a lead or window is not
/// negative, and preventive or opportunistic maintenance has exactly one of `every` and `age`. Scenario
/// overrides (`press.bearing.restores`, `press.maintenance`) are held to the same ranges.
fn share_and_interval_rules(ctx: &mut Ctx, checked: &CheckedBody) {
    for mode in &checked.nested {
        if let Some(field) = mode.fields.get("restores") {
            range_rule(ctx, "restores", field);
            worn_out_rule(ctx, mode, field);
            kept_by_maintenance_rule(ctx, mode, field, checked.fields.get("maintenance"));
        }
        if let Some(life) = mode.fields.get("after") {
            zero_life_rule(ctx, life);
        }
    }
    for (name, field) in &checked.fields {
        let last = name.rsplit('.').next().unwrap_or(name);
        range_rule(ctx, last, field);
        // The shorthand `failure = LAW`, and a scenario's `press.bearing.after`.
        if last == "failure" || last == "after" {
            zero_life_rule(ctx, field);
        }
    }
}

/// The longest life a failure mode's `after` can give, in seconds or cycles: the upper end of
/// its law's support (infinite for a law without an end); `None` when it is not known here (an
/// abstract template parameter, a value already in error).
fn longest_life(value: &Value) -> Option<f64> {
    match value {
        Value::Clocked { value, .. } => longest_life(value),
        Value::Number(Quantity { si, .. }) => *si,
        Value::Dist(dist) => dist.dist.as_ref().map(|d| d.support().1),
        _ => None,
    }
}

/// E0205: a failure mode whose every life is zero (`after = 0 s`, or a law whose support is
/// {0}) would fail again as soon as each repair ended and hold the station down for the whole
/// run, as `exponential(mean = 0 s)` would (E0403) and as `after = 0 cycles` cannot (E0205).
fn zero_life_rule(ctx: &mut Ctx, life: &Field) {
    let Some(longest) = longest_life(&life.value) else { return };
    if longest > 0.0 {
        return;
    }
    ctx.push(
        Diagnostic::error("E0205", "a failure mode's life must be longer than zero")
            .primary(life.value_location.clone(), "every life drawn from this is 0 s")
            .help(
                "With a life of no time the mode fails again as soon as each repair ends, and \
                 the station is down for the whole run. Give the time to failure, e.g. `after = \
                 exponential(mean = 8 h)`, or remove the failure mode.",
            ),
    );
}

/// W0403: a repair that restores a ratio (`restores = 60 %`, `100 %` included) of a mode whose
/// station's maintenance keeps some of the age at each action (`restores` below 100 %, or `old`
/// for predictive maintenance, which renews the modes it maintains all the same). A ratio
/// removes its share of the age gained since the mode's last renewal, and such a maintenance is
/// one: the virtual age it leaves is never removed by a repair, even one of `100 %`; only `new`
/// removes it. A preventive or opportunistic maintenance that restores `old` leaves the modes
/// alone and is not a renewal. `0 %` removes nothing whatever the renewals, so it is not
/// warned about.
fn kept_by_maintenance_rule(
    ctx: &mut Ctx,
    mode: &CheckedNested,
    restores: &Field,
    maintenance: Option<&Field>,
) {
    let Value::Number(Quantity { si: Some(share), .. }) = restores.value else { return };
    let Some(maintenance) = maintenance else { return };
    let Value::Call(call) = &maintenance.value else { return };
    let keeps_age = match call.args.get("restores") {
        Some(Value::Number(Quantity { si: Some(kept), .. })) => *kept < 1.0,
        Some(Value::Word(word)) => word == "old" && call.name == "predictive",
        _ => false,
    };
    if share <= 0.0 || !keeps_age {
        return;
    }
    ctx.push(
        Diagnostic::warning(
            "W0403",
            format!("the repairs of `{}` never remove the age its maintenance leaves", mode.name),
        )
        .primary(
            restores.value_location.clone(),
            "removes a share of the age gained since the last repair or maintenance only",
        )
        .secondary(maintenance.value_location.clone(), "each maintenance leaves some age")
        .help(
            "A ratio acts on the age gained since the mode's last renewal, and a maintenance is \
             one: the age a partial maintenance leaves stays through every later repair, even \
             one that restores `100 %`. Write `restores = new` on the mode for repairs that \
             remove all of it, or keep the ratio if that age is meant to stay.",
        ),
    );
}

/// W0402: a repair that keeps some of the age (`restores = old`, or less than 100 %) of a life
/// that cannot exceed a bound — a fixed life, a count of cycles, or a law of bounded support
/// (`uniform`, `triangular`, `pert`, `empirical`). The virtual age climbs to the bound, and the
/// lives left shrink to nothing: the mode ends up failing again as soon as each repair ends.
fn worn_out_rule(ctx: &mut Ctx, mode: &CheckedNested, restores: &crate::value::Field) {
    let keeps_age = match &restores.value {
        Value::Word(word) => word == "old",
        Value::Number(Quantity { si: Some(share), .. }) => *share < 1.0,
        _ => false,
    };
    let Some(life) = mode.fields.get("after") else { return };
    let Some(bound) = longest_life(&life.value).filter(|b| b.is_finite()) else { return };
    if !keeps_age || bound <= 0.0 {
        return;
    }
    ctx.push(
        Diagnostic::warning(
            "W0402",
            format!("`{}` wears out for good: its life has an end", mode.name),
        )
        .primary(life.value_location.clone(), "no life lasts longer than this")
        .secondary(restores.value_location.clone(), "each repair keeps age")
        .help(
            "A repair that keeps age leaves a virtual age that climbs towards the longest \
                 life, and the life left after it shrinks to nothing: the mode ends up failing \
                 again as soon as each repair ends. Use `restores = new` for a fixed or bounded \
                 life, or a law without an end (`weibull`, `lognormal`, `gamma`) for imperfect \
                 repair.",
        ),
    );
}

fn range_rule(ctx: &mut Ctx, name: &str, field: &crate::value::Field) {
    let share = |ctx: &mut Ctx, value: &Value| {
        if let Value::Number(Quantity { si: Some(v), .. }) = value
            && !(0.0..=1.0).contains(v)
        {
            ctx.push(
                Diagnostic::error("E0205", "`restores` must lie between 0 % and 100 %")
                    .primary(field.value_location.clone(), format!("this is {} %", v * 100.0))
                    .help(
                        "`restores = 60 %` removes 60 % of the age gained since the last renewal \
                         (the mode's last repair, or a maintenance that restored it) and keeps \
                         the age earlier renewals left, even at `100 %`; `new` removes all the \
                         age and `old` none.",
                    ),
            );
        }
    };
    match (name, &field.value) {
        ("restores", value) => share(ctx, value),
        ("maintenance", Value::Call(call)) => {
            if let Some(restores) = call.args.get("restores") {
                share(ctx, restores);
            }
            for interval in ["every", "age", "inspect_every"] {
                let value = match call.args.get(interval) {
                    Some(Value::Clocked { value, .. }) => value.si(),
                    Some(value) => value.si(),
                    None => None,
                };
                if let Some(value) = value
                    && value <= 0.0
                {
                    ctx.push(
                        Diagnostic::error(
                            "E0205",
                            "a maintenance interval must be longer than zero",
                        )
                        .primary(
                            field.value_location.clone(),
                            format!("`{interval}` is not positive"),
                        )
                        .help(format!(
                            "Write when maintenance comes due, e.g. \
                             `{interval} = 400 h of busy_time`."
                        )),
                    );
                }
            }
            for (param, what, range, help) in [
                (
                    "threshold",
                    "a detection threshold lies above 0 % and below 100 %",
                    0.0..1.0,
                    "The threshold is the share of a life consumed from which a coming failure \
                     can be detected, e.g. `threshold = 80 %`.",
                ),
                (
                    "detection",
                    "a detection probability lies between 0 % and 100 %",
                    0.0..1.0,
                    "Write the chance that one inspection finds a detectable failure, e.g. \
                     `detection = 90 %`.",
                ),
            ] {
                if let Some(v) = call.args.get(param).and_then(Value::si) {
                    let inside = if param == "threshold" {
                        v > range.start && v < range.end
                    } else {
                        (range.start..=range.end).contains(&v)
                    };
                    if !inside {
                        ctx.push(
                            Diagnostic::error("E0205", what)
                                .primary(
                                    field.value_location.clone(),
                                    format!("`{param}` is {} %", v * 100.0),
                                )
                                .help(help),
                        );
                    }
                }
            }
            for param in ["lead", "window"] {
                if let Some(v) = call.args.get(param).and_then(Value::si)
                    && v < 0.0
                {
                    ctx.push(
                        Diagnostic::error("E0205", format!("`{param}` cannot be negative"))
                            .primary(field.value_location.clone(), format!("`{param}` is negative"))
                            .help(format!("Write `{param} = 0 s` for no {param}.")),
                    );
                }
            }
            window_rule(ctx, field, call);
            takes_rule(ctx, field, call);
            let choice = catalog::callable(&call.name).map_or(&[][..], |c| c.choose_one);
            if !choice.is_empty() {
                let given = choice.iter().filter(|p| call.args.contains_key(**p)).count();
                if given != 1 {
                    let options =
                        choice.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" or ");
                    let message = if given > 1 {
                        format!("{} maintenance takes {options}, not several", call.name)
                    } else {
                        format!("{} maintenance needs {options}", call.name)
                    };
                    ctx.push(
                        Diagnostic::error("E0206", message)
                            .primary(field.value_location.clone(), "in this strategy")
                            .help(
                                "Write `every = 400 h` to maintain at a fixed interval from the \
                                 previous maintenance, or `age = 400 h` to maintain when the \
                                 station reaches that age since its last renewal.",
                            ),
                    );
                }
            }
        }
        _ => {}
    }
}

/// Opportunistic maintenance whose window is at least its interval opens the window as soon as
/// the previous maintenance ends: the station is maintained at its first idle moment, every time,
/// which is rarely what was meant (a warning: the model runs).
fn window_rule(ctx: &mut Ctx, field: &Field, call: &crate::value::CallValue) {
    let si = |value: &Value| match value {
        Value::Clocked { value, .. } => value.si(),
        value => value.si(),
    };
    let Some(window) = call.args.get("window").and_then(Value::si) else { return };
    let Some((interval, length)) =
        ["every", "age"].into_iter().find_map(|p| Some((p, call.args.get(p).and_then(si)?)))
    else {
        return;
    };
    if window < length || length <= 0.0 {
        return;
    }
    ctx.push(
        Diagnostic::warning(
            "W0205",
            format!("the opportunistic window is as long as `{interval}`"),
        )
        .primary(
            field.value_location.clone(),
            "the window opens as soon as the previous maintenance ends",
        )
        .help(format!(
            "The station is maintained at its first idle moment after every maintenance. Make \
             `window` a fraction of `{interval}` (say a tenth), or use `preventive(…)` to \
             maintain at fixed intervals."
        )),
    );
}

/// Preventive (or opportunistic) maintenance counted in calendar time whose `takes` lasts, on
/// average, at least as long as its interval: the interval runs from the end of the previous
/// maintenance, so the station is in maintenance half its time or more (`every = 1 us` with
/// `takes = 40 min` kept it there for the whole run, without a word). Almost always a unit
/// written wrong; a warning, since the model runs. On the busy-time clock the station works the
/// whole interval between maintenances, however long they take.
fn takes_rule(ctx: &mut Ctx, field: &Field, call: &crate::value::CallValue) {
    let Some((name, interval)) = ["every", "age"].into_iter().find_map(|p| {
        let seconds = match call.args.get(p)? {
            Value::Clocked { value, clock } if clock == "calendar_time" => value.si(),
            Value::Clocked { .. } => None,
            value => value.si(),
        };
        Some((p, seconds?))
    }) else {
        return;
    };
    // A law by its mean; a constant, written or lowered to a law, as itself.
    let (takes_seconds, constant) = match call.args.get("takes") {
        Some(Value::Dist(crate::value::DistValue { dist: Some(law), .. })) => {
            (law.mean(), matches!(law, fab_stdlib::dist::Distribution::Constant { .. }))
        }
        Some(value) => match value.si() {
            Some(seconds) => (seconds, true),
            None => return,
        },
        None => return,
    };
    if !(interval > 0.0 && takes_seconds >= interval) {
        return;
    }
    let takes = crate::duration(takes_seconds);
    let takes = if constant { takes } else { format!("{takes} on average") };
    // Between two maintenances the station works `interval` (less any time down): the share is
    // that of a renewal cycle, before failures.
    let share = 100.0 * (1.0 - interval / (interval + takes_seconds));
    let share = if share >= 99.5 {
        "nearly all the time".to_string()
    } else {
        format!("about {share:.0} % of the time")
    };
    ctx.push(
        Diagnostic::warning("W0208", format!("maintenance takes as long as `{name}` or longer"))
            .primary(
                field.value_location.clone(),
                format!(
                    "`takes` lasts {takes}, `{name}` is {}: in maintenance {share}",
                    crate::duration(interval),
                ),
            )
            .help(format!(
                "`{name}` is counted in calendar time from the end of the previous maintenance, so \
                 the station works only `{name}` between maintenances. Check the units (`{name} = \
                 120 h`), or count the interval in busy time: `{name} = 400 h of busy_time`."
            )),
    );
}

/// Whether `value` lies beyond `limit` by more than the arithmetic that produced it may have
/// added: eight machine epsilons of the limit. A point written on the reach's circle (21 mm,
/// 28 mm against 35 mm) is 0.35000000000000003 m from the base, and stays within it.
pub(crate) fn beyond_limit(value: f64, limit: f64) -> bool {
    value > limit + limit.abs() * fab_runtime::model::ROUNDING_TOLERANCE
}

/// §9: a robot's path lies within its reach.
fn check_reach(ctx: &mut Ctx, fields: &Fields) {
    // A reach of 0 or less is refused as such (E0205), not at every point.
    let (Some(reach), Some(path)) = (
        fields.get("reach").and_then(|f| f.value.si()).filter(|reach| *reach > 0.0),
        fields.get("path"),
    ) else {
        return;
    };
    let Value::List(points) = &path.value else { return };
    for (index, point) in points.iter().enumerate() {
        if let Value::Tuple(xy) = point
            && let (Some(x), Some(y)) = (xy[0].si(), xy[1].si())
        {
            let distance = libm::hypot(x, y);
            if beyond_limit(distance, reach) {
                ctx.push(
                    Diagnostic::error(
                        "E0802",
                        format!("path point {} is beyond the robot's reach", index + 1),
                    )
                    .primary(
                        path.value_location.clone(),
                        format!(
                            "point {} is {} m from the base",
                            index + 1,
                            beyond_digits(distance, reach)
                        ),
                    )
                    .secondary(
                        fields["reach"].value_location.clone(),
                        format!("reach is {reach} m"),
                    )
                    .help(
                        "Move the point closer to the base, or choose a robot with a longer reach.",
                    ),
                );
            }
        }
    }
}

/// `distance` (greater than `reach`) with three decimals, or as many more as it takes to read
/// larger than `reach` as the reach is shown: 580.4 mm against a reach of 0.58 m is 0.5804 m,
/// not 0.580 m.
fn beyond_digits(distance: f64, reach: f64) -> String {
    (3..=17)
        .map(|decimals| format!("{distance:.decimals$}"))
        .find(|shown| shown.parse::<f64>().is_ok_and(|shown| shown > reach))
        .unwrap_or_else(|| distance.to_string())
}

/// Whether a robot has a path to move along: a `path` of two points or more (a template's
/// abstract path counts). Without one, its `speed` and `accel` move it nowhere, and its cycle is
/// its `process` alone.
pub(crate) fn robot_moves(fields: &Fields) -> bool {
    fields.get("path").is_some_and(|f| !matches!(&f.value, Value::List(points) if points.len() < 2))
}

/// E0205: a robot whose cycle, its motion along `path` plus the mean of its `process`, is not
/// shorter than the longest run, as `cycle` and `process` are held to on their own (the
/// catalog's `run_length`): such a cycle ends in no run, and the clock, which stops counting
/// there, would credit the robot more work than it did. The motion time is the engine's own
/// ([`Motion::motion_seconds`]).
///
/// [`Motion::motion_seconds`]: fab_runtime::model::Motion::motion_seconds
fn check_motion_time(ctx: &mut Ctx, fields: &Fields) {
    let Some((moving, process)) = robot_cycle_seconds(fields, &[]) else { return };
    let path = &fields["path"];
    let longest = fab_runtime::time::longest_run_s();
    if moving + process < longest {
        return;
    }
    // Whole years, or a power of ten for the absurd (a point 10³⁰⁰ km away).
    let years = |seconds: f64| match seconds / (365.25 * 86400.0) {
        years if years < 1e6 => format!("{years:.0}"),
        years => format!("{years:.1e}"),
    };
    ctx.push(
        Diagnostic::error("E0205", "a robot's cycle is longer than the longest run")
            .primary(
                path.value_location.clone(),
                format!("moving along this path takes {} years", years(moving)),
            )
            .help(format!(
                "Time is kept in whole nanoseconds, so a run lasts less than {} years, and a \
                 cycle this long would end in none: raise `speed` or `accel`, or shorten the path.",
                years(longest)
            )),
    );
}

/// A robot's motion time along its `path` and the mean of its `process` (0 s when omitted), s,
/// with the `limits` given (`speed` or `accel`, SI) in place of its own: `None` when the robot
/// has no path or a value is abstract (a template's) or refused.
fn robot_cycle_seconds(fields: &Fields, limits: &[(&str, f64)]) -> Option<(f64, f64)> {
    // A robot with its own `cycle` does not move: its path and limits are unused (W0206).
    if fields.contains_key("cycle") {
        return None;
    }
    let Value::List(points) = &fields.get("path")?.value else { return None };
    let points: Option<Vec<[f64; 2]>> = points
        .iter()
        .map(|point| match point {
            Value::Tuple(xy) if xy.len() == 2 => Some([xy[0].si()?, xy[1].si()?]),
            _ => None,
        })
        .collect();
    let number = |name: &str| match limits.iter().find(|(limit, _)| *limit == name) {
        Some(&(_, value)) => Some(value),
        None => fields.get(name).and_then(|f| f.value.si()),
    };
    let motion = fab_runtime::model::Motion {
        reach: None,
        payload: None,
        speed: number("speed"),
        accel: number("accel"),
        jerk: None,
        path: points?,
        process: None,
        fidelity: fab_runtime::model::Fidelity::Simple,
        cycle_from_motion: true,
    };
    let process = match fields.get("process").map(|f| &f.value) {
        None => 0.0,
        Some(Value::Dist(law)) => law.dist.as_ref()?.mean(),
        Some(_) => return None,
    };
    Some((motion.motion_seconds(), process))
}

/// Evaluates a template instantiation `: Template(args)` and returns the template's fields.
fn instantiate(
    ctx: &mut Ctx,
    kind: DeclKind,
    base: &ast::BaseRef,
) -> Option<(Fields, Vec<CheckedNested>)> {
    let declaration = match ctx.scope.lookup(&base.name.name) {
        Some(declaration) if declaration.class == ItemClass::Template => declaration.clone(),
        Some(declaration) => {
            ctx.push(
                Diagnostic::error(
                    "E0103",
                    format!(
                        "`{}` is {}, not a component template",
                        base.name.name,
                        declaration.class.describe()
                    ),
                )
                .primary(ctx.loc(base.name.span), "not a template"),
            );
            return None;
        }
        None => {
            report_unknown_name(ctx, &base.name, "template");
            return None;
        }
    };
    let instance_span = base.span;
    let args = base.args.clone().unwrap_or_default();
    let mut inner_diagnostics = Vec::new();
    let result = expand(ctx, &declaration, &args, base.span, kind, 0, &mut inner_diagnostics);
    // Errors inside the template that these argument values cause are reported at the instance;
    // what the template or a template it is based on reports on its own is reported once, there.
    // A template with an error of its own says nothing more at its instances: what its expansion
    // finds then may be that error's consequence (a default without a unit makes a field without
    // one), not the arguments'.
    if check_item(ctx.db, declaration.file, declaration.key.clone()).has_errors() {
        return result;
    }
    let own = chain_diagnostics(ctx.db, &declaration);
    for diagnostic in inner_diagnostics {
        if own.contains(&&diagnostic) {
            continue;
        }
        let original = diagnostic.primary_location().cloned();
        let mut rehomed = Diagnostic { labels: Vec::new(), ..diagnostic.clone() };
        rehomed = rehomed.primary(
            ctx.loc(instance_span),
            format!("in this instantiation of `{}`", declaration.name),
        );
        if let Some(original) = original {
            let label = diagnostic
                .labels
                .iter()
                .find(|l| l.primary)
                .map(|l| l.message.clone())
                .unwrap_or_default();
            rehomed = rehomed.secondary(original, label);
        }
        ctx.push(rehomed);
    }
    result
}

/// The diagnostics `template` and the templates it is based on report on their own, down the
/// chain of bases (at most [`MAX_TEMPLATE_CHAIN`]; a cycle is an error of each template in it).
fn chain_diagnostics<'db>(db: &'db dyn Db, template: &Declaration) -> Vec<&'db Diagnostic> {
    let mut own = Vec::new();
    let mut current = template.clone();
    for _ in 0..MAX_TEMPLATE_CHAIN {
        own.extend(&check_item(db, current.file, current.key.clone()).diagnostics);
        let syntax = item_syntax(db, current.file, current.key.clone()).clone();
        let Some(ItemKind::Template(definition)) = syntax.as_ref().map(|item| &item.kind) else {
            break;
        };
        match scope(db, current.file).lookup(&definition.base.name.name) {
            Some(base) if base.class == ItemClass::Template => current = base.clone(),
            _ => break,
        }
    }
    own
}

/// The most templates a chain of bases may hold, from a template down to the component kind it
/// makes: an instance evaluates each of them, and each template checked on its own evaluates its
/// bases, so the work grows with the chain's length, and a longer chain is an error (E0501).
pub const MAX_TEMPLATE_CHAIN: usize = 32;

/// Evaluates a template's body with arguments, following its base templates. `depth` counts the
/// templates above this one; a chain longer than [`MAX_TEMPLATE_CHAIN`] (reported at its
/// templates by [`template_kind`]) or a cycle (likewise) expands to nothing.
///
/// What the instance wrote (its arguments, a missing one, a template of the wrong kind) is
/// checked here, at the instance; the body is evaluated by [`expand_body`], in the template's own
/// context. An instance that gives no arguments to a template whose parameters all have defaults
/// expands it exactly as every other such instance does, so that expansion is a query of its own
/// ([`plain_expansion`]), made once per revision rather than once per instance: a line of a
/// thousand `station s : Cell()` checked `Cell`'s body a thousand times.
fn expand(
    ctx: &mut Ctx,
    template: &Declaration,
    args: &[Arg],
    call_span: Span,
    expected_kind: DeclKind,
    depth: u32,
    inner: &mut Vec<Diagnostic>,
) -> Option<(Fields, Vec<CheckedNested>)> {
    if depth as usize >= MAX_TEMPLATE_CHAIN {
        return None;
    }
    let syntax: Option<Arc<Item>> =
        item_syntax(ctx.db, template.file, template.key.clone()).clone();
    let ItemKind::Template(definition) = &syntax?.kind else { return None };
    if args.is_empty() && definition.params.iter().all(|param| param.default.is_some()) {
        if !makes_expected_kind(ctx, template, call_span, expected_kind) {
            return None;
        }
        let expansion = plain_expansion(ctx.db, template.clone(), expected_kind, depth).as_ref()?;
        inner.extend(expansion.diagnostics.iter().cloned());
        ctx.fits.extend(expansion.fits.iter().cloned());
        return Some((expansion.fields.clone(), expansion.nested.clone()));
    }
    // Bind the arguments in the caller's context.
    let params = param_types(&definition.params);
    let mut env = BTreeMap::new();
    let mut written_in = BTreeMap::new();
    for arg in args {
        let Some(name) = &arg.name else {
            ctx.push(
                Diagnostic::error("E0502", "template arguments are given by name")
                    .primary(ctx.loc(arg.span), "this argument has no name")
                    .help(format!(
                        "Write `NAME = value`; `{}` takes {}.",
                        template.name,
                        param_list(&params)
                    )),
            );
            continue;
        };
        let Some((_, ty, _)) = params.iter().find(|(n, _, _)| *n == name.name) else {
            let best = did_you_mean(&name.name, params.iter().map(|(n, _, _)| n.as_str()));
            let listing = if params.is_empty() {
                format!("`{}` takes no parameters: remove the argument.", template.name)
            } else {
                format!("`{}` takes {}.", template.name, param_list(&params))
            };
            let diagnostic = Diagnostic::error(
                "E0502",
                format!("template `{}` has no parameter `{}`", template.name, name.name),
            )
            .primary(ctx.loc(name.span), "unknown parameter")
            .suggest_or_list(ctx.loc(name.span), best, listing);
            ctx.push(diagnostic);
            continue;
        };
        if env.contains_key(&name.name) {
            ctx.push(
                Diagnostic::error("E0502", format!("argument `{}` is given twice", name.name))
                    .primary(ctx.loc(arg.span), "given again here")
                    .help("Keep one of the two."),
            );
            continue;
        }
        let value = match ty {
            Some(ty) => {
                ctx.eval_as(&arg.value, &ty.as_value_type(), &format!("parameter `{}`", name.name))
            }
            None => Value::Error,
        };
        env.insert(name.name.clone(), value);
        written_in.insert(name.name.clone(), ctx.written_in(&arg.value));
    }
    // A missing argument is the instance's error; defaults are evaluated with the body.
    for param in &definition.params {
        let name = &param.name.name;
        if param.default.is_some() || env.contains_key(name) {
            continue;
        }
        let declared_at = Location {
            file: template.file,
            item: Some(template.key.clone()),
            span: param.name.span,
        };
        ctx.push(
            Diagnostic::error(
                "E0502",
                format!("missing argument `{name}` for template `{}`", template.name),
            )
            .primary(ctx.loc(call_span), format!("needs `{name}`"))
            .secondary(declared_at, "parameter declared here")
            .help(format!("Add `{name} = …` to the arguments, or give the parameter a default.")),
        );
        env.insert(name.clone(), Value::Error);
    }
    if !makes_expected_kind(ctx, template, call_span, expected_kind) {
        return None;
    }
    let expansion =
        expand_body(ctx.db, template, definition, env, written_in, expected_kind, depth)?;
    inner.extend(expansion.diagnostics);
    ctx.fits.extend(expansion.fits);
    Some((expansion.fields, expansion.nested))
}

/// Whether a template makes `expected`, following its bases to the component kind they end in
/// (E0103 at the instance if not). A template whose chain ends in no kind (a cycle, an unknown
/// base) reports that itself.
fn makes_expected_kind(
    ctx: &mut Ctx,
    template: &Declaration,
    call_span: Span,
    expected: DeclKind,
) -> bool {
    let made =
        check_item(ctx.db, template.file, template.key.clone()).body.as_ref().map(|b| b.kind);
    match made {
        Some(kind) if kind != expected => {
            let kind_name = kind.keyword();
            ctx.push(
                Diagnostic::error(
                    "E0103",
                    format!(
                        "template `{}` makes {}, not {}",
                        template.name,
                        article(kind_name),
                        article(expected.keyword())
                    ),
                )
                .primary(ctx.loc(call_span), "wrong kind of template")
                .help(format!("Declare this as `{kind_name} NAME : {}(…)`.", template.name)),
            );
            false
        }
        _ => true,
    }
}

/// A template's body evaluated with its parameters bound, in the template's own context: the
/// fields and nested items it gives, the diagnostics the evaluation raised (located in the
/// template) and the `fit(…)` calls it made.
#[derive(Clone, PartialEq, Debug)]
struct Expansion {
    fields: Fields,
    nested: Vec<CheckedNested>,
    diagnostics: Vec<Diagnostic>,
    fits: Vec<crate::data::FitReport>,
}

/// The expansion of `template` for an instance that gives it no arguments (every parameter takes
/// its default), at `depth` in a chain of templates. It reads only the template's syntax, its
/// file's scope and the templates it is based on, so it is the same for every such instance.
#[salsa::tracked(returns(ref))]
fn plain_expansion(
    db: &dyn Db,
    template: Declaration,
    kind: DeclKind,
    depth: u32,
) -> Option<Expansion> {
    let syntax = item_syntax(db, template.file, template.key.clone()).clone();
    let ItemKind::Template(definition) = &syntax?.kind else { return None };
    expand_body(db, &template, definition, BTreeMap::new(), BTreeMap::new(), kind, depth)
}

/// Evaluates a template's body with the arguments in `env` (the parameters it lacks take their
/// defaults), following its base templates; `None` when a base template cannot be expanded.
fn expand_body(
    db: &dyn Db,
    template: &Declaration,
    definition: &ast::Template,
    mut env: BTreeMap<String, Value>,
    written_in: BTreeMap<String, SourceFile>,
    expected_kind: DeclKind,
    depth: u32,
) -> Option<Expansion> {
    let template_scope = scope(db, template.file);
    let mut inner_ctx = Ctx::new(db, template.file, template.key.clone(), template_scope);
    for param in &definition.params {
        if let Some(default) = &param.default
            && !env.contains_key(&param.name.name)
        {
            let value = inner_ctx.eval(default, None);
            env.insert(param.name.name.clone(), value);
        }
    }
    inner_ctx.env = env;
    inner_ctx.arguments_written_in = written_in;
    // The base: a component kind keyword (checked by the caller), or another template.
    let kind_name = &definition.base.name.name;
    let (mut fields, mut nested) = if DeclKind::from_keyword(kind_name).is_some() {
        (Fields::new(), Vec::new())
    } else {
        let base_declaration =
            inner_ctx.scope.lookup(kind_name).filter(|d| d.class == ItemClass::Template)?.clone();
        let base_args = definition.base.args.clone().unwrap_or_default();
        let mut nested_inner = Vec::new();
        let expanded = expand(
            &mut inner_ctx,
            &base_declaration,
            &base_args,
            definition.base.span,
            expected_kind,
            depth + 1,
            &mut nested_inner,
        );
        inner_ctx.diagnostics.extend(nested_inner);
        expanded?
    };
    if let Some(body) = &definition.body {
        let decl = kind_decl(expected_kind);
        let (own, own_nested) =
            check_body(&mut inner_ctx, decl.fields, decl, body, decl.free_fields);
        fields.extend(own);
        for item in own_nested {
            nested.retain(|n| n.name != item.name);
            nested.push(item);
        }
    }
    // The fits the template's fields made are the instance's inputs (input uncertainty finds
    // them by the instance); each stays located at its call in the template.
    Some(Expansion { fields, nested, diagnostics: inner_ctx.diagnostics, fits: inner_ctx.fits })
}

/// A template parameter's declared type.
#[derive(Clone, Debug)]
pub enum ParamTy {
    Quantity(Dimension),
    Int,
    Bool,
    String,
    Dist(Dimension),
}

impl ParamTy {
    /// What the parameter accepts, as a built-in field's type says it.
    pub fn as_value_type(&self) -> ValueType {
        match self {
            ParamTy::Quantity(dim) => ValueType::Quantity(*dim),
            ParamTy::Int => ValueType::Int { min: i64::MIN },
            ParamTy::Bool => ValueType::Bool,
            ParamTy::String => ValueType::String,
            ParamTy::Dist(dim) => ValueType::Dist(*dim),
        }
    }

    /// The abstract value a parameter has while its template is checked on its own.
    fn abstract_value(&self) -> Value {
        match self {
            ParamTy::Quantity(dim) => {
                Value::Number(Quantity { si: None, dim: *dim, integer: false })
            }
            ParamTy::Int => {
                Value::Number(Quantity { si: None, dim: Dimension::NONE, integer: true })
            }
            ParamTy::Bool => Value::Bool(false),
            ParamTy::String => Value::AbstractStr,
            ParamTy::Dist(dim) => Value::Dist(crate::value::DistValue { dist: None, dim: *dim }),
        }
    }

    fn describe(&self) -> String {
        self.as_value_type().to_string()
    }
}

/// The values a template's parameters have while its body is checked on its own: abstract
/// numbers and distributions of the declared dimensions. The IDE evaluates a template body's
/// expressions in this environment, as the checker does.
pub fn template_environment(params: &[ast::Param]) -> BTreeMap<String, Value> {
    params
        .iter()
        .map(|p| {
            let value = parse_type(&p.ty).map(|ty| ty.abstract_value()).unwrap_or(Value::Error);
            (p.name.name.clone(), value)
        })
        .collect()
}

/// The parameters' names and types (`None` where the type is not understood).
fn param_types(params: &[ast::Param]) -> Vec<(String, Option<ParamTy>, Span)> {
    params.iter().map(|p| (p.name.name.clone(), parse_type(&p.ty).ok(), p.ty.span())).collect()
}

fn param_list(params: &[(String, Option<ParamTy>, Span)]) -> String {
    let shown: Vec<String> = params
        .iter()
        .map(|(n, t, _)| {
            format!("{n}: {}", t.as_ref().map(ParamTy::describe).unwrap_or_else(|| "?".to_string()))
        })
        .collect();
    format!("({})", shown.join(", "))
}

/// Reads a written type; the error names what is not understood.
pub fn parse_type(ty: &TypeExpr) -> Result<ParamTy, String> {
    match ty {
        TypeExpr::Named { name, args, .. } => {
            let args = args.iter().map(parse_type).collect::<Result<Vec<_>, _>>()?;
            named_param_type(&name.name, &args)
        }
        TypeExpr::Tuple { .. } | TypeExpr::List { .. } => {
            Err("template parameters are single values: quantities, `Int`, `Bool`, `String` or `Dist<…>`".to_string())
        }
        TypeExpr::Error { .. } => Err(String::new()),
    }
}

/// The type a name written in a parameter list stands for, given its type arguments: an entry of
/// [`types::PARAM_TYPE_NAMES`], else a quantity name.
pub fn named_param_type(name: &str, args: &[ParamTy]) -> Result<ParamTy, String> {
    use fab_stdlib::types::ParamShape;
    let Some(entry) = fab_stdlib::types::param_type_name(name) else {
        return match args {
            [] => units::dimension_of_type_name(name)
                .map(ParamTy::Quantity)
                .ok_or_else(|| format!("unknown type `{name}`")),
            _ => Err(format!("`{name}` takes no type arguments")),
        };
    };
    match (entry.shape, args) {
        (ParamShape::Dist, [ParamTy::Quantity(dim)]) => Ok(ParamTy::Dist(*dim)),
        (ParamShape::Dist, [_]) => {
            Err("`Dist<…>` takes a quantity type, such as `Dist<Duration>`".to_string())
        }
        (ParamShape::Dist, _) => {
            Err("`Dist` takes one type argument, the quantity it gives, such as `Dist<Duration>`"
                .to_string())
        }
        (_, [_, ..]) => Err(format!("`{name}` takes no type arguments")),
        (ParamShape::Whole, []) => Ok(ParamTy::Int),
        (ParamShape::Plain, []) => Ok(ParamTy::Quantity(Dimension::NONE)),
        (ParamShape::Bool, []) => Ok(ParamTy::Bool),
        (ParamShape::Text, []) => Ok(ParamTy::String),
    }
}

/// The parameter types other than quantities, as a user writes them: `Int`, …, `Dist<Q>`.
fn other_type_names() -> Vec<String> {
    fab_stdlib::types::PARAM_TYPE_NAMES
        .iter()
        .map(|entry| format!("`{}`", entry.written()))
        .collect()
}

/// The help that lists the types a parameter may be declared with.
pub(crate) fn param_types_help() -> String {
    format!(
        "Parameter types are quantity names (`Duration`, `Length`, `Velocity`, …), {}.",
        and_list(&other_type_names())
    )
}

/// Whether `name` is a type a parameter may be declared with (alone or with arguments).
pub fn names_a_type(name: &str) -> bool {
    fab_stdlib::types::param_type_name(name).is_some()
        || units::dimension_of_type_name(name).is_some()
}

fn check_template(ctx: &mut Ctx, template: &ast::Template) -> Option<CheckedBody> {
    // Parameters: known types, unique names, defaults of the right type.
    let mut env = BTreeMap::new();
    for param in &template.params {
        match parse_type(&param.ty) {
            Ok(ty) => {
                if let Some(default) = &param.default {
                    let what = format!("the default of `{}`", param.name.name);
                    ctx.eval_as(default, &ty.as_value_type(), &what);
                }
                if env.insert(param.name.name.clone(), ty.abstract_value()).is_some() {
                    ctx.push(
                        Diagnostic::error(
                            "E0502",
                            format!("parameter `{}` is declared twice", param.name.name),
                        )
                        .primary(ctx.loc(param.name.span), "declared again here")
                        .help("Rename or remove one of the two parameters."),
                    );
                }
            }
            // A type that failed to parse: the syntax error says so.
            Err(message) if message.is_empty() => {
                env.insert(param.name.name.clone(), Value::Error);
            }
            Err(message) => {
                ctx.push(
                    Diagnostic::error("E0204", message)
                        .primary(ctx.loc(param.ty.span()), "this type")
                        .help(param_types_help()),
                );
                env.insert(param.name.name.clone(), Value::Error);
            }
        }
    }
    // The kind it makes, following base templates; a cycle is an error.
    let kind = template_kind(ctx, template)?;
    ctx.env = env;
    let decl = kind_decl(kind);
    if let Some(base_args) = &template.base.args
        && DeclKind::from_keyword(&template.base.name.name).is_some()
    {
        if !base_args.is_empty() {
            ctx.push(
                Diagnostic::error(
                    "E0502",
                    format!("the kind `{}` takes no arguments", template.base.name.name),
                )
                .primary(ctx.loc(template.base.span), "remove the arguments"),
            );
        }
    } else if DeclKind::from_keyword(&template.base.name.name).is_none() {
        let base = ctx.scope.lookup(&template.base.name.name).cloned();
        if let Some(base) = base {
            let mut inner = Vec::new();
            let args = template.base.args.clone().unwrap_or_default();
            expand(ctx, &base, &args, template.base.span, kind, 0, &mut inner);
        }
    }
    let mut checked = CheckedBody {
        kind,
        fields: Fields::new(),
        nested: Vec::new(),
        base: None,
        base_location: None,
        name_location: ctx.loc(template.name.span),
        varies: Vec::new(),
        goals: Vec::new(),
    };
    if let Some(body) = &template.body {
        let (fields, nested) = check_body(ctx, decl.fields, decl, body, decl.free_fields);
        checked.fields = fields;
        checked.nested = nested;
    }
    Some(checked)
}

/// The component kind a template makes; reports unknown bases, cycles of templates and chains
/// longer than [`MAX_TEMPLATE_CHAIN`]. The walk down the bases stops there, so checking every
/// template of a file is linear in their number: a chain of 1600 templates took 112 s, as each
/// template walked its whole chain and copied the scope of the model (every name) at each step.
fn template_kind(ctx: &mut Ctx, template: &ast::Template) -> Option<DeclKind> {
    let db = ctx.db;
    let mut seen = vec![template.name.name.clone()];
    let mut base_name = template.base.name.name.clone();
    let mut declaration_scope: &Scope = ctx.scope;
    loop {
        if let Some(kind) = DeclKind::from_keyword(&base_name) {
            if !is_component_kind(kind) {
                ctx.push(
                    Diagnostic::error("E0103", format!("a template cannot make {}", article(kind.keyword())))
                        .primary(ctx.loc(template.base.name.span), "not a component kind")
                        .help("Templates make sources, stations, buffers, conveyors, robots, transports or sinks."),
                );
                return None;
            }
            return Some(kind);
        }
        if seen.contains(&base_name) {
            ctx.push(
                Diagnostic::error("E0501", format!("template `{}` is based on itself", template.name.name))
                    .primary(ctx.loc(template.base.name.span), format!("the chain {} → {base_name} comes back", seen.join(" → ")))
                    .help("Break the cycle: a template's base must end in a component kind such as `station`."),
            );
            return None;
        }
        let Some(declaration) = declaration_scope.lookup(&base_name).cloned() else {
            if seen.len() == 1 {
                let candidates =
                    catalog::KINDS.iter().filter(|k| k.role == Role::Component).map(|k| k.name);
                let mut diagnostic = Diagnostic::error(
                    "E0101",
                    format!("cannot find component kind or template `{base_name}`"),
                )
                .primary(ctx.loc(template.base.name.span), "not declared");
                if let Some(best) = did_you_mean(&base_name, candidates.chain(ctx.scope.names())) {
                    diagnostic = diagnostic.suggest(ctx.loc(template.base.name.span), best);
                }
                ctx.push(diagnostic);
            }
            return None;
        };
        if declaration.class != ItemClass::Template {
            ctx.push(
                Diagnostic::error(
                    "E0103",
                    format!(
                        "`{base_name}` is {}, not a template or component kind",
                        declaration.class.describe()
                    ),
                )
                .primary(ctx.loc(template.base.name.span), "not a template"),
            );
            return None;
        }
        seen.push(base_name.clone());
        if seen.len() > MAX_TEMPLATE_CHAIN {
            ctx.push(
                Diagnostic::error(
                    "E0501",
                    format!(
                        "template `{}` is more than {MAX_TEMPLATE_CHAIN} templates from a \
                         component kind",
                        template.name.name
                    ),
                )
                .primary(
                    ctx.loc(template.base.name.span),
                    format!(
                        "{} → {} → … → {base_name} is {} templates already",
                        seen[0],
                        seen[1],
                        seen.len()
                    ),
                )
                .help(format!(
                    "A chain of bases holds at most {MAX_TEMPLATE_CHAIN} templates, each \
                     evaluated for every instance; base this template on one nearer to a \
                     component kind, or on the kind itself."
                )),
            );
            return None;
        }
        let syntax = item_syntax(db, declaration.file, declaration.key.clone()).as_ref()?;
        let ItemKind::Template(next) = &syntax.kind else { return None };
        base_name = next.base.name.name.clone();
        declaration_scope = scope(db, declaration.file);
    }
}

fn check_route(ctx: &mut Ctx, decl: &Decl, checked: &mut CheckedBody) {
    resolve_component(ctx, &decl.name);
    let Some(body) = &decl.body else {
        ctx.push(
            Diagnostic::error("E0203", "a route needs its targets")
                .primary(ctx.loc(decl.name.span), "no targets")
                .help("Write `route NAME { target = 60 %, other = 40 % }`."),
        );
        return;
    };
    let mut by_product = None;
    for member in &body.members {
        let MemberKind::Field { path, value } = &member.kind else {
            if !matches!(member.kind, MemberKind::Error) {
                ctx.push(
                    Diagnostic::error(
                        "E0204",
                        "a route lists `TARGET = share` or `PRODUCT = TARGET`",
                    )
                    .primary(ctx.loc(member.span), "not a route entry"),
                );
            }
            continue;
        };
        let key = &path.segments[0];
        if let Some(previous) = checked.fields.get(&key.name) {
            ctx.push(
                Diagnostic::error("E0202", format!("`{}` is listed more than once", key.name))
                    .primary(ctx.loc(key.span), "listed again here")
                    .secondary(previous.location.clone(), "first listed here"),
            );
            continue;
        }
        // A target that names no component keeps its entry, refused: the route's sum is then
        // unknown, and the graph knows a connection is missing (`ModelGraph::incomplete`), so
        // the misspelled `scarp = 3 %` is one error, not also "sums to 97 %" and "`scrap` is not
        // reachable".
        let refuse = |ctx: &mut Ctx, checked: &mut CheckedBody| {
            let field = ctx.field(Value::Error, member.span, member_value_span(member));
            checked.fields.insert(key.name.clone(), field);
        };
        let Some(declaration) = ctx.scope.lookup(&key.name).cloned() else {
            report_unknown_name(ctx, key, "route target");
            refuse(ctx, checked);
            continue;
        };
        let product_key = declaration.class == ItemClass::Decl(DeclKind::Product);
        if *by_product.get_or_insert(product_key) != product_key {
            ctx.push(
                Diagnostic::error("E0206", "a route splits by probability or by product, not both")
                    .primary(ctx.loc(key.span), "mixes the two")
                    .help("Use `TARGET = p %` entries, or `PRODUCT = TARGET` entries."),
            );
            refuse(ctx, checked);
            continue;
        }
        let expected = if product_key {
            ValueType::Ref(fab_stdlib::types::RefClass::Component)
        } else {
            ValueType::Quantity(Dimension::NONE)
        };
        if !product_key
            && !matches!(declaration.class, ItemClass::Decl(kind) if is_component_kind(kind))
        {
            resolve_component(ctx, key);
            refuse(ctx, checked);
            continue;
        }
        let value = ctx.eval_as(value, &expected, &format!("the entry for `{}`", key.name));
        if let Value::Number(Quantity { si: Some(share), .. }) = value
            && !(0.0..=1.0).contains(&share)
        {
            ctx.push(
                Diagnostic::error("E0205", "a route share lies between 0 % and 100 %")
                    .primary(ctx.loc(member_value_span(member)), "out of range")
                    .help(format!(
                        "Give `{}` the share of the parts sent to it, from 0 % to 100 % (such \
                         as `{} = 30 %`); the shares of a route add up to 100 %.",
                        key.name, key.name
                    )),
            );
        }
        checked
            .fields
            .insert(key.name.clone(), ctx.field(value, member.span, member_value_span(member)));
    }
}

/// E0203 at an `optimize` study without a `vary` or without an objective (`minimize`,
/// `maximize`), and at a `sensitivity` study without a `vary`: a search or an analysis needs
/// factors, and a search something to rank its points by. A member written but refused counts as
/// written (its own error says what is wrong), and a body with a member that did not parse is
/// left to the syntax error. A directional study, which schedules `orders` or ranks by a
/// scheduling or layout measure, searches no factors (and is refused by the run, E0906). The run
/// refused both only once the model had checked clean.
fn search_members_rule(ctx: &mut Ctx, decl: &Decl) {
    let members = decl.body.as_ref().map_or(&[][..], |body| &body.members[..]);
    if members.iter().any(|member| matches!(member.kind, MemberKind::Error)) {
        return;
    }
    let (keyword, name) = (decl.kind.keyword(), &decl.name.name);
    let at = ctx.loc(decl.name.span);
    let directional = members.iter().any(|member| match &member.kind {
        MemberKind::Field { path, .. } => path.dotted() == "orders",
        MemberKind::Objective { target, .. } => {
            matches!(&target.kind, ast::ExprKind::Path(path)
                if DIRECTIONAL_KPIS.contains(&path.dotted().as_str()))
        }
        _ => false,
    });
    if !directional && !members.iter().any(|member| matches!(member.kind, MemberKind::Vary { .. }))
    {
        let what = match decl.kind {
            DeclKind::Optimize => "the factors to search",
            _ => "the factors whose effects to measure",
        };
        ctx.push(
            Diagnostic::error("E0203", format!("{keyword} `{name}` varies nothing"))
                .primary(at.clone(), "needs a `vary`")
                .help(format!(
                    "Add {what}, each with its range: `vary b1.capacity in 1..=10`, \
                     `vary weld.cycle.mean in 40 s..60 s`."
                )),
        );
    }
    if decl.kind == DeclKind::Optimize
        && !members.iter().any(|member| matches!(member.kind, MemberKind::Objective { .. }))
    {
        ctx.push(
            Diagnostic::error("E0203", format!("optimize `{name}` has no objective"))
                .primary(at, "needs `minimize` or `maximize`")
                .help(
                    "Add what the search ranks its points by, e.g. `maximize throughput` or \
                     `minimize cost_rate`; `subject to` only bounds what a point may be.",
                ),
        );
    }
}

/// E0206 at a `sensitivity` or `optimize` study whose base experiment chooses its warm-up by
/// pilot runs (`warmup = auto`), adds replications to reach a `precision`, or asks for input
/// uncertainty: every point of the study runs the base's replications after one warm-up, on a
/// model it varies, so it can hold none of them. The label is at the base, where the study names
/// it, and at the base's field. The run refused each of these only once the model had checked
/// clean.
fn study_base_rules(ctx: &mut Ctx, decl: &Decl, base: Option<&Declaration>) {
    let (Some(base), Some(written)) = (base, &decl.base) else { return };
    let checked = check_item(ctx.db, base.file, base.key.clone());
    let Some(body) = &checked.body else { return };
    let name = &base.name;
    let alike = "Every point of a `sensitivity` or `optimize` study runs the base experiment's \
                 replications after the same warm-up";
    for (setting, field) in unalike_runs(&body.fields) {
        let (message, help) = match setting {
            UnalikeRuns::AutoWarmup => (
                format!("the base experiment `{name}` chooses its warm-up by `warmup = auto`"),
                format!(
                    "{alike}: give `{name}` a `warmup` duration (run it alone once with \
                     `warmup = auto` to choose one), or base the study on another experiment."
                ),
            ),
            UnalikeRuns::Precision => (
                format!("the base experiment `{name}` adds replications to reach a `precision`"),
                format!(
                    "{alike}: drop `precision` from `{name}` and give `replications` (run it \
                     alone once with `precision` to find how many reach it), or base the study \
                     on another experiment."
                ),
            ),
            UnalikeRuns::InputUncertainty => (
                format!("the base experiment `{name}` asks for input uncertainty"),
                format!(
                    "Input uncertainty runs the model as written, and a `sensitivity` or \
                     `optimize` study varies it: base the study on an experiment without \
                     `input_uncertainty`, and run `{name}` on its own."
                ),
            ),
        };
        ctx.push(
            Diagnostic::error("E0206", message)
                .primary(ctx.loc(written.name.span), "every point of this study runs alike")
                .secondary(field.value_location.clone(), setting.label())
                .help(help),
        );
    }
}

fn check_study_base(ctx: &mut Ctx, decl: &Decl) -> Option<Declaration> {
    let Some(base) = &decl.base else {
        ctx.push(
            Diagnostic::error(
                "E0702",
                format!("{} needs a base experiment", article(decl.kind.keyword())),
            )
            .primary(ctx.loc(decl.name.span), "no base")
            .help(format!(
                "Write `{} {} : EXPERIMENT {{ … }}`.",
                decl.kind.keyword(),
                decl.name.name
            )),
        );
        return None;
    };
    match ctx.scope.lookup(&base.name.name) {
        Some(declaration) if declaration.class == ItemClass::Decl(DeclKind::Experiment) => {
            Some(declaration.clone())
        }
        Some(declaration) => {
            let found = declaration.class.describe();
            ctx.push(
                Diagnostic::error(
                    "E0702",
                    format!("`{}` is {found}, not an experiment", base.name.name),
                )
                .primary(ctx.loc(base.name.span), format!("this is {found}"))
                .help("Scenarios, `optimize` and `sync` start from an `experiment`."),
            );
            None
        }
        None => {
            report_unknown_name(ctx, &base.name, "experiment");
            None
        }
    }
}

/// The type of the field a dotted path names, e.g. `c1.speed`, `press.bearing.repair`, `horizon`.
/// E0701: `name`, in the study path `path`, is no field of `owner`; suggests the closest of
/// `candidates`.
fn report_no_field(
    ctx: &mut Ctx,
    path: &ast::Path,
    name: &ast::Ident,
    candidates: &[&str],
    owner: &str,
) {
    let mut diagnostic = Diagnostic::error("E0701", format!("`{}` names no field", path.dotted()))
        .primary(ctx.loc(name.span), format!("{owner} has no field `{}`", name.name));
    let best = did_you_mean(&name.name, candidates.iter().copied());
    let at = path.segments.iter().position(|segment| segment.span == name.span).unwrap_or(0);
    if !candidates.is_empty() {
        let names: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
        let listing = format!("The fields of {owner} are {}.", and_list(&names));
        diagnostic = diagnostic.suggest_or_list(ctx.loc(name.span), best, listing);
    } else if at > 0 {
        // `b1.capacity.x`: the path goes on past a field, which has no fields of its own.
        let field: Vec<&str> = path.segments[..at].iter().map(|s| s.name.as_str()).collect();
        diagnostic = diagnostic.help(format!(
            "A path ends at the field it changes, which is set whole: write `{} = …`.",
            field.join(".")
        ));
    }
    ctx.push(diagnostic);
}

/// E0701 for a study path that is one name, the name of a declaration (`b1 = 3` in a scenario):
/// the path names the declaration, not one of its fields, and the experiment has no such field.
fn report_declaration_as_field(
    ctx: &mut Ctx,
    path: &ast::Path,
    declaration: &Declaration,
    kind: DeclKind,
) {
    let name = &path.segments[0];
    // A field to show the form with: the first that holds a number or a law, not a reference.
    let example = kind_decl(kind)
        .fields
        .iter()
        .find(|field| !matches!(field.ty, ValueType::Ref(_) | ValueType::List(_)))
        .map_or("FIELD", |field| field.name);
    ctx.push(
        Diagnostic::error("E0701", format!("`{}` names no field", path.dotted()))
            .primary(
                ctx.loc(name.span),
                format!("{} `{}`, not a field", declaration.class.describe(), name.name),
            )
            .help(format!(
                "A scenario or study changes a field of a declaration, written with the \
                 declaration's name before it: `{}.{example} = …`.",
                name.name
            )),
    );
}

/// E0701 for `weld.route`: a component's route is a declaration of its own (`route weld { … }`),
/// not a field, so no scenario or study can change it.
fn report_route_path(ctx: &mut Ctx, path: &ast::Path, component: &ast::Ident, route: &ast::Ident) {
    ctx.push(
        Diagnostic::error(
            "E0701",
            format!(
                "`{}` names no field: a scenario or study cannot change a route",
                path.dotted()
            ),
        )
        .primary(
            ctx.loc(route.span),
            format!(
                "the route of `{}` is its own declaration, `route {} {{ … }}`",
                component.name, component.name
            ),
        )
        .help(
            "Scenarios and studies change fields only. To compare routings, write each in its \
             own model file that imports the components they share, and run both with the same \
             seed: the shared components then draw the same random numbers.",
        ),
    );
}

fn path_field_type(ctx: &mut Ctx, path: &ast::Path) -> Option<&'static catalog::FieldDecl> {
    let segments = &path.segments;
    let unknown_field =
        |ctx: &mut Ctx, name: &ast::Ident, candidates: Vec<&'static str>, owner: &str| {
            report_no_field(ctx, path, name, &candidates, owner);
            None
        };
    if segments.len() == 1 {
        let experiment = kind_decl(DeclKind::Experiment);
        if experiment.field(&segments[0].name).is_none()
            && let Some(declaration) = ctx.scope.lookup(&segments[0].name).cloned()
            && let ItemClass::Decl(kind) = declaration.class
            && kind != DeclKind::Experiment
        {
            report_declaration_as_field(ctx, path, &declaration, kind);
            return None;
        }
        return match experiment.field(&segments[0].name) {
            Some(field) => Some(field),
            None => unknown_field(
                ctx,
                &segments[0],
                experiment.fields.iter().map(|f| f.name).collect(),
                "the experiment",
            ),
        };
    }
    let target = &segments[0];
    let Some(declaration) = ctx.scope.lookup(&target.name).cloned() else {
        report_unknown_name(ctx, target, "component");
        return None;
    };
    let ItemClass::Decl(kind) = declaration.class else {
        return unknown_field(ctx, target, Vec::new(), &declaration.class.describe());
    };
    let decl = kind_decl(kind);
    let field_name = &segments[1];
    if field_name.name == "route" && is_component_kind(kind) {
        report_route_path(ctx, path, target, field_name);
        return None;
    }
    // A path that goes on past the field it names would be applied to nothing: `press.bearing.
    // repair.mean` (a distribution's parameter is not a field) or `press.costs.repair.x`.
    let ends_at = |ctx: &mut Ctx, depth: usize, owner: &str| match segments.get(depth) {
        Some(extra) => {
            report_no_field(ctx, path, extra, &[], owner);
            false
        }
        None => true,
    };
    if let Some(field) = decl.field(&field_name.name) {
        return match (field.ty, segments.get(2)) {
            (_, None) => Some(field),
            (ValueType::Record(record), Some(inner)) => {
                match catalog::find_field(record, &inner.name) {
                    Some(f) => ends_at(ctx, 3, &format!("`{}`", inner.name)).then_some(f),
                    None => unknown_field(
                        ctx,
                        inner,
                        record.iter().map(|f| f.name).collect(),
                        &format!("`{}`", field_name.name),
                    ),
                }
            }
            (_, Some(extra)) => {
                unknown_field(ctx, extra, Vec::new(), &format!("`{}`", field_name.name))
            }
        };
    }
    // `press.bearing.repair`: a field of a named nested item the component declares (its own or
    // its template's); a scenario cannot add one.
    let checked = check_item(ctx.db, declaration.file, declaration.key.clone());
    let modes: Vec<(String, String)> = checked
        .body
        .iter()
        .flat_map(|body| &body.nested)
        .map(|nested| (nested.keyword.clone(), nested.name.clone()))
        .collect();
    if let Some(inner) = segments.get(2)
        && let Some((keyword, _)) = modes.iter().find(|(_, name)| *name == field_name.name)
        && let Some(nested) = decl.nested(keyword)
    {
        return match catalog::find_field(nested.fields, &inner.name) {
            Some(field) => ends_at(ctx, 3, &format!("`{}`", inner.name)).then_some(field),
            None => unknown_field(
                ctx,
                inner,
                nested.fields.iter().map(|f| f.name).collect(),
                &format!("{keyword} `{}`", field_name.name),
            ),
        };
    }
    let candidates: Vec<&str> = (decl.fields.iter().map(|f| f.name))
        .chain(modes.iter().map(|(_, name)| name.as_str()))
        .collect();
    let owner = format!("{} `{}`", decl.name, target.name);
    if segments.len() > 2 && !decl.nested.is_empty() {
        // `press.jams.after`: a mode the component does not declare (or a typo of one).
        let mut diagnostic = Diagnostic::error("E0701", format!("`{}` names no field", path.dotted()))
            .primary(
                ctx.loc(field_name.span),
                format!("{owner} has no field or failure mode `{}`", field_name.name),
            )
            .help("A scenario changes the fields of what the model declares; it cannot add a failure mode.");
        if let Some(best) = did_you_mean(&field_name.name, candidates.iter().copied()) {
            diagnostic = diagnostic.suggest(ctx.loc(field_name.span), best);
        }
        ctx.push(diagnostic);
        return None;
    }
    report_no_field(ctx, path, field_name, &candidates, &owner);
    None
}

/// A scenario changes a resource's numbers, not what it is (E0103): a resource declared without
/// `stock` is held and given back (a crew, operators), and a scenario that gave it a `stock` or a
/// reorder `lead` would turn it into a spare part under the stations that name it as their crew.
/// A spare part's number is its `stock`: a `count` for it would be read by no one (E0206).
fn check_resource_override(ctx: &mut Ctx, path: &ast::Path) {
    let [target, field] = &path.segments[..] else { return };
    if !matches!(field.name.as_str(), "stock" | "lead" | "count") {
        return;
    }
    let Some(declaration) = ctx.scope.lookup(&target.name).cloned() else { return };
    if declaration.class != ItemClass::Decl(DeclKind::Resource) {
        return;
    }
    let spare_part = crate::validate::is_spare_part(ctx.db, &declaration);
    if field.name == "count" {
        if spare_part {
            ctx.push(
                Diagnostic::error(
                    "E0206",
                    format!("`{}` is a spare part: it has no `count`", target.name),
                )
                .primary(ctx.loc(field.span), "a spare part's units are its `stock`")
                .secondary(
                    crate::validate::name_location(ctx.db, &declaration),
                    "declared with a `stock`",
                )
                .help(format!("Change `{}.stock` instead.", target.name)),
            );
        }
        return;
    }
    if spare_part {
        return;
    }
    ctx.push(
        Diagnostic::error(
            "E0103",
            format!(
                "a scenario cannot give `{}` a `{}`: it is not a spare part",
                target.name, field.name
            ),
        )
        .primary(ctx.loc(field.span), "this would make it a spare part")
        .secondary(crate::validate::name_location(ctx.db, &declaration), "declared without `stock`")
        .help(
            "A scenario changes a resource's numbers, not what it is. Declare the spare part as \
             a resource of its own with a `stock`, and name it in a failure mode's `uses`.",
        ),
    );
}

fn check_study(ctx: &mut Ctx, decl: &Decl, checked: &mut CheckedBody) {
    let info = kind_decl(decl.kind);
    let Some(body) = &decl.body else { return };
    // An optimize study's goals may name factors varied further down: checked after the loop.
    let mut goals = Vec::new();
    // A scenario's overrides whose value is an error of its own, which W0708 leaves alone.
    let mut refused_overrides = Vec::new();
    for member in &body.members {
        match &member.kind {
            // A dotted path overrides a field only in a scenario; a study runs its base's model
            // as written (an `optimize` study took one and was refused by the run, as if the
            // override were a directional part).
            MemberKind::Field { path, .. }
                if decl.kind != DeclKind::Scenario && path.segments.len() > 1 =>
            {
                let help = match decl.kind {
                    DeclKind::Optimize | DeclKind::Sensitivity => format!(
                        "Dotted paths override fields only inside a `scenario`, and a study runs \
                         its base experiment on the model as written, changing only what it \
                         varies: set `{}` in its declaration, or `vary` it.",
                        path.dotted()
                    ),
                    _ => "Dotted paths override fields only inside a `scenario`.".to_string(),
                };
                ctx.push(
                    Diagnostic::error("E0201", format!("`{}` is not a field name", path.dotted()))
                        .primary(ctx.loc(path.span), "a dotted path")
                        .help(help),
                );
            }
            MemberKind::Field { path, value } if decl.kind == DeclKind::Scenario => {
                let key = path.dotted();
                if let Some(previous) = checked.fields.get(&key) {
                    ctx.push(
                        Diagnostic::error("E0202", format!("`{key}` is overridden more than once"))
                            .primary(ctx.loc(path.span), "again here")
                            .secondary(previous.location.clone(), "first here"),
                    );
                    continue;
                }
                let Some(field) = path_field_type(ctx, path) else { continue };
                check_resource_override(ctx, path);
                let before = ctx.diagnostics.len();
                let value_checked = ctx.eval_field(value, field, &format!("`{key}`"));
                let value_checked = ctx.field(value_checked, member.span, value.span);
                if ctx.diagnostics[before..].iter().any(Diagnostic::is_error) {
                    refused_overrides.push(key.clone());
                }
                checked.fields.insert(key, value_checked);
            }
            MemberKind::Field { path, value } => {
                let name = &path.segments[0];
                match info.field(&name.name) {
                    Some(field) => {
                        let what = format!("field `{}`", name.name);
                        let conformed = ctx.eval_field(value, field, &what);
                        let conformed = ctx.field(conformed, member.span, value.span);
                        checked.fields.insert(name.name.clone(), conformed);
                    }
                    None if info.free_fields => {
                        let evaluated = ctx.eval(value, None);
                        checked.fields.insert(
                            name.name.clone(),
                            ctx.field(evaluated, member.span, value.span),
                        );
                    }
                    // `horizon = 1 h` in an `optimize` study: a setting of the base experiment.
                    None if kind_decl(DeclKind::Experiment).field(&name.name).is_some() => {
                        let base = match &checked.base {
                            Some(base) => format!("experiment `{}`", base.name),
                            None => "the base experiment".to_string(),
                        };
                        ctx.push(
                            Diagnostic::error(
                                "E0201",
                                format!("{} has no field `{}`", article(info.name), name.name),
                            )
                            .primary(ctx.loc(name.span), "a setting of the base experiment")
                            .help(format!(
                                "A study runs with its base experiment's settings: set `{}` in \
                                 {base}, or base the study on an experiment that has the \
                                 setting it needs.",
                                name.name
                            )),
                        );
                    }
                    None => report_unknown_field(ctx, name, info.fields, info),
                }
            }
            MemberKind::Vary { path, domain }
                if matches!(decl.kind, DeclKind::Sensitivity | DeclKind::Optimize) =>
            {
                if let Some(vary) = check_vary(ctx, path, domain) {
                    add_factor(ctx, &mut checked.varies, vary);
                }
            }
            MemberKind::Vary { path, domain } => {
                path_field_type(ctx, path);
                ctx.eval(domain, None);
            }
            MemberKind::Bind { path, source } => {
                if let Some(component) = path.segments.first() {
                    resolve_component(ctx, component);
                }
                let value = ctx.eval(source, None);
                if !matches!(value, Value::Str(_) | Value::Error) {
                    ctx.push(
                        Diagnostic::error("E0204", "a feed address is a string")
                            .primary(ctx.loc(source.span), format!("this is {}", value.describe()))
                            .help("Write the topic or node id in quotes, e.g. `weld.state <- \"Weld/State\"`."),
                    );
                }
            }
            MemberKind::Objective { .. } | MemberKind::Constraint { .. }
                if decl.kind == DeclKind::Optimize =>
            {
                goals.push(member);
            }
            MemberKind::Objective { target, .. } | MemberKind::Constraint { condition: target } => {
                check_study_expression(ctx, target);
            }
            MemberKind::Record { name, .. } | MemberKind::Nested { name, .. } => {
                ctx.push(
                    Diagnostic::error(
                        "E0201",
                        format!("{} has no record `{}`", article(decl.kind.keyword()), name.name),
                    )
                    .primary(ctx.loc(name.span), "not allowed here"),
                );
            }
            MemberKind::Error => {}
        }
        if decl.kind == DeclKind::Scenario
            && !matches!(member.kind, MemberKind::Field { .. } | MemberKind::Error)
        {
            ctx.push(
                Diagnostic::error("E0201", "a scenario only overrides fields")
                    .primary(ctx.loc(member.span), "not an override"),
            );
        }
    }
    check_factor_combinations(ctx, &checked.varies);
    check_parameters_varied_together(ctx, &checked.varies);
    if decl.kind == DeclKind::Sensitivity {
        check_sensitivity_widths(ctx, &checked.varies);
    }
    for member in goals {
        if let Some(goal) = check_goal(ctx, member, &checked.varies) {
            checked.goals.push(goal);
        }
    }
    check_constraint_bounds(ctx, &checked.goals, &checked.varies);
    if decl.kind == DeclKind::Scenario {
        replaced_by_design_warnings(ctx, checked, &refused_overrides);
    } else {
        check_required(ctx, info.fields, &checked.fields, decl.name.span, decl.kind.keyword());
    }
}

/// W0708 at a scenario's override that the design of its base experiment replaces at every
/// point, so the scenario runs the experiment's own design and its results are the
/// experiment's. A scenario of a designed experiment runs the design on the model it makes (the
/// only study a scenario can be based on: `sensitivity` and `optimize` take an experiment
/// without `vary`, E0705), and each point sets what the design varies. A number it varies
/// (`b1.capacity = 10` under `vary b1.capacity in 1..=3`) is replaced whatever its value; a law
/// or a maintenance strategy only when the scenario changes no more than the parameters varied
/// (`lognormal(mean = 40 s, cv = 0.3)` over the model's `lognormal(mean = 60 s, cv = 0.3)` under
/// `vary weld.cycle.mean`), since the design varies them over the rest of what the scenario
/// writes (another `cv`, another family), which does run. These ran without a word. An
/// override in `refused` (its value is an error, reported as such) is not warned of too.
fn replaced_by_design_warnings(ctx: &mut Ctx, checked: &CheckedBody, refused: &[String]) {
    let Some(base) = &checked.base else { return };
    let experiment = check_item(ctx.db, base.file, base.key.clone());
    let Some(design) = experiment.body.as_ref().map(|body| &body.varies) else { return };
    for (path, field) in &checked.fields {
        let overridden: Vec<&str> = path.split('.').collect();
        if overridden.len() < 2 || refused.contains(path) {
            continue;
        }
        let varied: Vec<&CheckedVary> = design
            .iter()
            .filter(|vary| {
                vary.path.len() >= overridden.len()
                    && vary.path.iter().zip(&overridden).all(|(a, b)| a == b)
            })
            .collect();
        if varied.is_empty() {
            continue;
        }
        let label = if varied.iter().any(|vary| vary.path.len() == overridden.len()) {
            "every point of the design sets this number".to_string()
        } else {
            let parameters: Vec<String> = varied
                .iter()
                .map(|vary| format!("`{}`", vary.path.last().map_or("", String::as_str)))
                .collect();
            let declared = ctx
                .scope
                .lookup(overridden[0])
                .and_then(|declaration| clean_body(ctx.db, declaration))
                .and_then(|body| varied_field(body, &overridden[1..]).ok());
            let Some(declared) = declared else { continue };
            if varied.iter().any(|vary| vary.path.len() != overridden.len() + 1)
                || !replaced_at_every_point(&declared.value, &field.value, &varied)
            {
                continue;
            }
            format!(
                "this changes only its {}, which every point of the design sets",
                and_list(&parameters)
            )
        };
        let ranges: Vec<String> = varied
            .iter()
            .map(|vary| {
                let (low, high) = (vary.shown(vary.low), vary.shown(vary.high));
                format!("`{}` in {low}..={high}", vary.path.join("."))
            })
            .collect();
        let mut diagnostic = Diagnostic::warning(
            "W0708",
            format!("the design of `{}` replaces `{path}` at every point", base.name),
        )
        .primary(field.location.clone(), label);
        for vary in &varied {
            diagnostic = diagnostic.secondary(vary.location.clone(), "varied here");
        }
        let paths: Vec<String> =
            varied.iter().map(|vary| format!("`{}`", vary.path.join("."))).collect();
        let unvaried = match paths.as_slice() {
            [one] => format!("does not vary {one}"),
            [one, other] => format!("varies neither {one} nor {other}"),
            _ => format!("varies none of {}", and_list(&paths)),
        };
        let help = format!(
            "A scenario of a designed experiment runs the design on the model it makes, and the \
             design sets what it varies at every point: drop the override, or base the scenario \
             on an experiment that {unvaried}.",
        );
        ctx.push(
            diagnostic.note(format!("`{}` varies {}", base.name, and_list(&ranges))).help(help),
        );
    }
}

/// Whether the design's `parameters` (varies of parameters of one law or maintenance strategy)
/// leave nothing of the difference between the model's value `declared` and a scenario's
/// `written`: the two make the same law at the ranges' low and high ends (a point overwrites the
/// parameters it varies and keeps the rest, so what differs elsewhere differs at every point),
/// under the same clock; or the same strategy with the same numbers but those varied.
fn replaced_at_every_point(declared: &Value, written: &Value, parameters: &[&CheckedVary]) -> bool {
    let name = |vary: &CheckedVary| vary.path.last().map_or("", String::as_str).to_string();
    let names: Vec<String> = parameters.iter().map(|vary| name(vary)).collect();
    match (declared, written) {
        (Value::Clocked { value: a, clock: x }, Value::Clocked { value: b, clock: y }) => {
            x == y && replaced_at_every_point(a, b, parameters)
        }
        (Value::Dist(a), Value::Dist(b)) => {
            let (Some(a), Some(b)) = (&a.dist, &b.dist) else { return false };
            [false, true].into_iter().all(|high| {
                let values: Vec<(&str, f64)> = parameters
                    .iter()
                    .zip(&names)
                    .map(|(vary, name)| (name.as_str(), if high { vary.high } else { vary.low }))
                    .collect();
                match (a.with_parameters(&values), b.with_parameters(&values)) {
                    (Ok(a), Ok(b)) => same_law(&a, &b),
                    _ => false,
                }
            })
        }
        (Value::Call(a), Value::Call(b)) => {
            let kept = |args: &BTreeMap<String, Value>| -> Vec<(String, Value)> {
                let kept = args.iter().filter(|(name, _)| !names.contains(name));
                kept.map(|(name, value)| (name.clone(), value.clone())).collect()
            };
            a.name == b.name && kept(&a.args) == kept(&b.args)
        }
        _ => false,
    }
}

/// Whether two laws are the same but for rounding: the same family, its whole-number and
/// truncation settings alike, and every real parameter within 10⁻¹² of the other's (a `mean` set
/// over two laws rescales each by its own factor).
fn same_law(a: &fab_stdlib::dist::Distribution, b: &fab_stdlib::dist::Distribution) -> bool {
    use fab_stdlib::dist::Distribution;
    let (x, y) = (a.parameters(), b.parameters());
    let settings = match (a, b) {
        (Distribution::Normal { truncated: s, .. }, Distribution::Normal { truncated: t, .. }) => {
            s == t
        }
        (Distribution::Erlang { k: j, .. }, Distribution::Erlang { k: l, .. }) => j == l,
        _ => a.family_name() == b.family_name(),
    };
    settings && x.len() == y.len() && x.iter().zip(&y).all(|(&x, &y)| same_but_for_rounding(x, y))
}

/// Whether two numbers are within 10⁻¹² of each other, relative to the larger.
fn same_but_for_rounding(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
}

/// E0703 for a factor of a `sensitivity` study whose range holds one value (`8 s..=8 s`, or
/// whole numbers `5..=5`): moving it moves nothing, so its swing, elementary effects and Sobol'
/// indices are 0 by construction, and it costs runs all the same (two of a one-at-a-time
/// design's, one step of each Morris trajectory, `samples` of a Sobol' design's). A designed
/// experiment runs such a factor as one level and a search holds it there, which is what the
/// one value is for; here it measured nothing and reported a 0 as if it had.
fn check_sensitivity_widths(ctx: &mut Ctx, varies: &[CheckedVary]) {
    for vary in varies.iter().filter(|vary| vary.low == vary.high) {
        let one = vary.shown(vary.low);
        ctx.push(
            Diagnostic::error(
                "E0703",
                format!("the range of `{}` holds one value", vary.path.join(".")),
            )
            .primary(vary.location.clone(), format!("takes only {one}: no effect to measure"))
            .help(
                "A sensitivity study measures how much each factor moves the results over its \
                 range, and runs points for each: give the factor a range, or set the value in \
                 the model and drop the `vary`.",
            ),
        );
    }
}

/// E0205 at `levels` when a full factorial design has more than
/// [`catalog::MAX_STUDY_POINTS`] points: the product over the factors of `levels`, or of the
/// whole numbers in an integer factor's range when it has fewer, or of the one value of a
/// continuous `LOW..=LOW` (`design::levels` runs it once). `levels = 1000` over three
/// factors (10⁹ points) ended the run in a failed allocation. (`levels` and `points`, a Latin
/// hypercube's size, are bounded as fields too.)
fn check_design_size(ctx: &mut Ctx, factors: &[CheckedVary], fields: &Fields) {
    let max = catalog::MAX_STUDY_POINTS;
    let latin = matches!(
        fields.get("design").map(|f| &f.value),
        Some(Value::Word(word)) if word == "latin_hypercube"
    );
    let Some(field) = fields.get("levels").filter(|_| !latin) else { return };
    let Some(levels) = field.value.si() else { return };
    let values = |vary: &CheckedVary| {
        if vary.integer {
            let whole = fab_runtime::analysis::design::whole_numbers(vary.low, vary.high);
            levels.min(whole.map_or(0.0, |whole| whole.count() as f64))
        } else if vary.low == vary.high {
            levels.min(1.0)
        } else {
            levels
        }
    };
    let points: f64 = factors.iter().map(values).product();
    if points <= f64::from(max) {
        return;
    }
    ctx.push(
        Diagnostic::error("E0205", format!("the design has more than {max} points"))
            .primary(
                field.value_location.clone(),
                format!("{levels} levels of {} factors: {points:e} points", factors.len()),
            )
            .help(format!(
                "A design runs every point with all its replications, and {max} points is the \
                 most fab runs. Use fewer levels, or a Latin hypercube for many factors."
            )),
    );
}

/// Adds a checked `vary` to the study's factors, or E0202 when the study already varies that
/// number: one factor takes one range (the second used to win silently, and the report showed
/// both settings).
fn add_factor(ctx: &mut Ctx, varies: &mut Vec<CheckedVary>, vary: CheckedVary) {
    match varies.iter().find(|v| v.path == vary.path) {
        Some(first) => ctx.push(
            Diagnostic::error(
                "E0202",
                format!("`{}` is varied more than once", vary.path.join(".")),
            )
            .primary(vary.location.clone(), "again here")
            .secondary(first.location.clone(), "first here")
            .help("A factor takes one range: keep one of the two `vary` lines."),
        ),
        None => varies.push(vary),
    }
}

/// `vary PATH in LOW..HIGH` of an experiment or a `sensitivity` study: PATH names a number of a
/// component — a numeric field (`b1.capacity`, `c1.speed`), a parameter of one of its
/// distributions (`weld.cycle.mean`, `src.interarrival.rate`), or of a failure mode's
/// (`press.bearing.after.scale`, `press.failure.mean` for the shorthand mode) — and the range
/// must have that number's unit.
fn check_vary(ctx: &mut Ctx, path: &ast::Path, domain: &ast::Expr) -> Option<CheckedVary> {
    let segments = &path.segments;
    let location = ctx.loc(path.span);
    let not_a_number = |ctx: &mut Ctx, why: String| {
        ctx.push(
            Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                .primary(ctx.loc(path.span), why)
                .help(
                    "`vary` takes a number of a component: a field such as `b1.capacity`, or a \
                     distribution parameter such as `weld.cycle.mean`.",
                ),
        );
        None
    };
    if segments.len() < 2 {
        return not_a_number(ctx, "not a component's field".into());
    }
    let field_type = path_field_type_for_vary(ctx, path)?;
    // The number's type, and whether a distribution parameter is named.
    let (ty, integer): (ValueType, bool) = match field_type {
        VaryField::Number(ty, _) => (*ty, matches!(ty, ValueType::Int { .. })),
        VaryField::Dist(dim) => {
            let param = segments.last().expect("at least two segments");
            if !fab_stdlib::dist::VARIABLE_PARAMETERS.contains(&param.name.as_str()) {
                let mut diagnostic =
                    Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                        .primary(ctx.loc(param.span), "not a distribution parameter");
                diagnostic = match did_you_mean(
                    &param.name,
                    fab_stdlib::dist::VARIABLE_PARAMETERS.iter().copied(),
                ) {
                    Some(best) => diagnostic.help(format!("Did you mean `{best}`?")),
                    None => diagnostic.help(format!(
                        "A distribution's parameters are {}.",
                        fab_stdlib::dist::VARIABLE_PARAMETERS.join(", ")
                    )),
                };
                ctx.push(diagnostic);
                return None;
            }
            let dim = match param.name.as_str() {
                "shape" | "cv" | "k" => Dimension::NONE,
                "rate" => Dimension::NONE / dim,
                _ => dim,
            };
            let integer = param.name == "k";
            let ty = if integer { ValueType::Int { min: 1 } } else { ValueType::Quantity(dim) };
            (ty, integer)
        }
        VaryField::Other => {
            return not_a_number(ctx, "not a number".into());
        }
    };
    let ast::ExprKind::Range { start, end, inclusive } = &domain.kind else {
        ctx.push(
            Diagnostic::error("E0703", "a `vary` range is written `LOW..HIGH`")
                .primary(ctx.loc(domain.span), "not a range")
                .help("e.g. `vary b1.capacity in 1..=10` or `vary weld.cycle.mean in 50 s..70 s`."),
        );
        return None;
    };
    let what = format!("the range of `{}`", path.dotted());
    let (low, high) = (ctx.eval(start, Some(&ty)), ctx.eval(end, Some(&ty)));
    // Ends of two dimensions are one mistake in the range (E0302, as for `+`), whichever of them
    // the varied field would refuse; ends of one dimension are each checked against the field.
    if let (Value::Number(a), Value::Number(b)) = (&low, &high)
        && !a.dim.accepts(b.dim)
        && !b.dim.accepts(a.dim)
    {
        ctx.push(ctx.dimension_clash("a range", a.dim, start.span, b.dim, end.span));
        return None;
    }
    let conform_end =
        |ctx: &mut Ctx, value: Value, written: &ast::Expr| match ctx.conform(value, &ty) {
            Ok(value) => value.si(),
            Err(mismatch) => {
                ctx.report_mismatch_of(mismatch, written, &what);
                None
            }
        };
    let low = conform_end(ctx, low, start);
    let high = conform_end(ctx, high, end);
    let (low, high) = (low?, high?);
    // The unit as written, for reports: the one of the range's first end that has one.
    let (unit, unit_scale) = [(start, low), (end, high)]
        .iter()
        .find_map(|(e, si)| match &e.kind {
            ast::ExprKind::Quantity { value, unit } if value.value != 0.0 => {
                Some((unit.display(), si / value.value))
            }
            _ => None,
        })
        .unwrap_or((String::new(), 1.0));
    let shown = |si: f64| in_unit(si, &unit, unit_scale);
    let empty = |ctx: &mut Ctx, label: String, help: String| {
        ctx.push(
            Diagnostic::error("E0703", format!("the range of `{}` is empty", path.dotted()))
                .primary(ctx.loc(domain.span), label)
                .help(help),
        );
    };
    if low > high {
        empty(
            ctx,
            format!("{} > {}", shown(low), shown(high)),
            "Write the smaller end first.".into(),
        );
        return None;
    }
    // `LOW..HIGH` excludes its end. The whole numbers of an integer factor stop before it; a
    // continuous factor's end cannot be told from the numbers just below it, so its range is the
    // interval [LOW, HIGH], empty only when the two ends are equal.
    let (low, high) = if integer {
        (low.ceil(), if *inclusive { high.floor() } else { high.ceil() - 1.0 })
    } else {
        (low, high)
    };
    if low > high || (!integer && !*inclusive && low == high) {
        let one = shown(low);
        empty(
            ctx,
            if integer {
                "no whole number: `..` excludes the end".into()
            } else {
                "`..` with equal ends".into()
            },
            format!("Write `{one}..={one}` for the one value {one}, or a larger end."),
        );
        return None;
    }
    let ends = [(low, start.span), (high, end.span)];
    // Both ends within the field's own bounds, as the model's value is held to them (E0205 for
    // `parallel = 100001`): `vary weld.parallel in 1..=100001` checked clean and ran its top.
    if let VaryField::Number(_, Some(field)) = field_type
        && let Some((value, at, why)) =
            ends.iter().find_map(|&(value, at)| Some((value, at, field.refusal(value)?)))
    {
        ctx.push(
            Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                .primary(ctx.loc(at), format!("{} is out of range: {why}", shown(value)))
                .help(
                    "Every point of the range may run: keep both ends within the values the \
                     number takes, as the field's own value is.",
                ),
        );
        return None;
    }
    if !vary_target_takes(ctx, path, &ends, &shown) {
        return None;
    }
    Some(CheckedVary {
        path: segments.iter().map(|s| s.name.clone()).collect(),
        low,
        high,
        integer,
        unit,
        unit_scale,
        dimension: match ty {
            ValueType::Quantity(dimension) => dimension,
            _ => Dimension::COUNT,
        },
        location,
        ends: [ctx.loc(start.span), ctx.loc(end.span)],
    })
}

/// Whether the component a `vary` path names (already resolved to a number `vary` sets) has the
/// number ([`factor_refusal`]: a failure mode of that name, the maintenance number of the form
/// its strategy uses, `age` or `every`), and takes both ends of the range (`ends`, SI, with where
/// each is written): a parameter its distribution's family has (`shape` is no parameter of an
/// exponential), and values the number accepts (a maintenance age above 0). E0703 otherwise,
/// with the value in the range's unit (`shown`); these used to fail only when the study ran. The
/// values of a distribution's parameter are held to the law they make with the study's other
/// ranges of it, by [`law_corner_refusals`]. A component whose own check failed is left to its
/// errors.
fn vary_target_takes(
    ctx: &mut Ctx,
    path: &ast::Path,
    ends: &[(f64, Span); 2],
    shown: &dyn Fn(f64) -> String,
) -> bool {
    use fab_runtime::factor::{FactorTarget, MaintenanceParameter};
    use fab_stdlib::dist::ParameterError;
    let segments = &path.segments;
    let component = &segments[0];
    let Some(declaration) = ctx.scope.lookup(&component.name) else { return true };
    let Some(body) = clean_body(ctx.db, declaration) else { return true };
    let name = &component.name;
    let refuse = |ctx: &mut Ctx, at: Span, label: String, help: String| {
        ctx.push(
            Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                .primary(ctx.loc(at), label)
                .help(help),
        );
        false
    };
    // Each end against a check of the value; the first refused is reported.
    let out_of_range = |ctx: &mut Ctx, check: &dyn Fn(f64) -> Result<(), String>| {
        for &(value, at) in ends {
            if let Err(why) = check(value) {
                return refuse(
                    ctx,
                    at,
                    format!("{} is out of range: {why}", shown(value)),
                    "Every point of the range may run: keep both ends within the values the \
                     number takes."
                        .into(),
                );
            }
        }
        true
    };
    let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
    let kind = body.kind.keyword();
    let longest_run = fab_runtime::time::longest_run_s;
    if let Some(refusal) = robot_factor_refusal(name, body, &names[1..]) {
        return refuse(ctx, segments[1].span, refusal.label, refusal.help);
    }
    if let Some(refusal) = factor_refusal(name, body, &names[1..]) {
        return refuse(ctx, segments[refusal.at + 1].span, refusal.label, refusal.help);
    }
    match names[1..] {
        [field] => match FactorTarget::number(kind, field) {
            // A robot's motion limit at each end of the range gives a cycle the clock can count
            // (`check_motion_time`'s rule at that point); its other numbers do not move it.
            Some(target) => out_of_range(ctx, &|v| {
                target.check(v)?;
                let moves = kind == "robot" && matches!(field, "speed" | "accel");
                match robot_cycle_seconds(&body.fields, &[(field, v)]) {
                    Some((moving, process)) if moves && moving + process >= longest_run() => {
                        Err("the robot's cycle would be longer than the longest run".into())
                    }
                    _ => Ok(()),
                }
            }),
            None => true,
        },
        ["maintenance", parameter] => match MaintenanceParameter::named(parameter) {
            Some(parameter) => out_of_range(ctx, &|v| parameter.check(v)),
            None => true,
        },
        _ => {
            // A distribution's parameter: `cycle.mean`, `failure.scale`, `bearing.after.shape`.
            let law = &names[1..names.len() - 1];
            let Some(distribution) = varied_field(body, law).ok().and_then(distribution_in) else {
                // Abstract in a template: nothing to check.
                return true;
            };
            let param = segments.last().expect("a parameter");
            if let Err(ParameterError::Unknown(why)) =
                distribution.with_parameter(&param.name, ends[0].0)
            {
                return refuse(
                    ctx,
                    param.span,
                    why,
                    format!(
                        "`{name}.{}` is `{}`: vary one of its own parameters, or `mean`.",
                        segments[1..segments.len() - 1]
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join("."),
                        distribution.family_name()
                    ),
                );
            }
            // Whether each end makes a law is asked of the law a point makes, with the other
            // parameters of it the study varies (`law_corner_refusals`).
            true
        }
    }
}

/// The field of `body` whose parameter a `vary` sets, `law` being the path between the
/// component and the parameter: `[field]` (`cycle`, `failure`, or `maintenance` for its numbers),
/// or `[mode, after|repair]` of a named failure mode. The one lookup of a varied law, for the
/// checks of one `vary` ([`vary_target_takes`], [`factor_refusal`]), of the ranges of a law's
/// parameters together ([`law_corner_refusals`], [`slowest_process`]) and of a scenario's
/// override of it ([`replaced_by_design_warnings`]), on the component as declared or as a
/// scenario makes it. The field may hold no distribution ([`distribution_in`]).
fn varied_field<'a>(body: &'a CheckedBody, law: &[&str]) -> Result<&'a Field, MissingField> {
    let (fields, field) = match law {
        [mode, field @ ("after" | "repair")] => {
            let nested = body.nested.iter().find(|n| n.keyword == "failure" && n.name == *mode);
            (&nested.ok_or(MissingField::Mode)?.fields, *field)
        }
        [field] => (&body.fields, *field),
        _ => return Err(MissingField::Path),
    };
    fields.get(field).ok_or(MissingField::Field)
}

/// Why [`varied_field`] found no field.
#[derive(Clone, Copy, PartialEq, Debug)]
enum MissingField {
    /// The path names no law: it is not `[field]` or `[mode, after|repair]`.
    Path,
    /// The component declares no failure mode of that name.
    Mode,
    /// The component, or its failure mode, does not set the field.
    Field,
}

/// The distribution a field holds, through `VALUE of CLOCK`: `None` when it holds none, or one
/// whose parameters are abstract (a template's).
fn distribution_in(field: &Field) -> Option<&fab_stdlib::dist::Distribution> {
    let value = match &field.value {
        Value::Clocked { value, .. } => value.as_ref(),
        value => value,
    };
    match value {
        Value::Dist(d) => d.dist.as_ref(),
        _ => None,
    }
}

/// Why the component `name`, as `body` has it, has no number at `path` (after its name) for a
/// `vary` to set: no maintenance strategy, or one without that number or due by the other form
/// (`age` of `preventive(every = …)`); a failure mode it does not declare; a law it does not
/// set (`setup`); a life counted in cycles. One rule for a component written so and for one a
/// scenario makes so (`validate`'s scenario checks): `weld.maintenance = preventive(every = …)`
/// under an experiment that varies `weld.maintenance.age` checked clean and stopped the run with
/// "the station's maintenance has no `age` to vary". `None` when it has the number.
pub(crate) fn factor_refusal(
    name: &str,
    body: &CheckedBody,
    path: &[&str],
) -> Option<FactorRefusal> {
    use fab_runtime::factor::MaintenanceParameter;
    let refusal = |at: usize, label: String, help: String| Some(FactorRefusal { at, label, help });
    match path {
        [_] => None,
        ["maintenance", parameter] => {
            let parameter = MaintenanceParameter::named(parameter)?;
            let call = match body.fields.get("maintenance").map(|f| &f.value) {
                Some(Value::Call(call)) => call,
                Some(_) => return None,
                None => {
                    return refusal(
                        0,
                        format!("`{name}` has no maintenance strategy"),
                        format!(
                            "Give `{name}` a `maintenance`, e.g. `preventive(age = 400 h, \
                             takes = 1 h)`, or vary another number."
                        ),
                    );
                }
            };
            if !parameter.strategies().contains(&call.name.as_str()) {
                let strategies: Vec<String> =
                    parameter.strategies().iter().map(|s| format!("`{s}`")).collect();
                return refusal(
                    1,
                    format!(
                        "`{name}`'s maintenance is `{}`, which has no `{}`",
                        call.name,
                        parameter.name()
                    ),
                    format!("`{}` belongs to {}.", parameter.name(), and_list(&strategies)),
                );
            }
            let other = match parameter {
                MaintenanceParameter::Age => "every",
                MaintenanceParameter::Every => "age",
                _ => return None,
            };
            call.args.contains_key(other).then(|| FactorRefusal {
                at: 1,
                label: format!(
                    "`{name}`'s maintenance is due by `{other}`, not `{}`",
                    parameter.name()
                ),
                help: format!(
                    "Vary `{name}.maintenance.{other}`, or write its maintenance with `{} = …`.",
                    parameter.name()
                ),
            })
        }
        [law @ .., _] => {
            let field = law.last().copied().unwrap_or_default();
            // The segment of the path that names the field: after the mode's name, if any.
            let at = law.len().saturating_sub(1);
            match varied_field(body, law) {
                Err(MissingField::Path) => None,
                Err(MissingField::Mode) => {
                    let mode = law[0];
                    let modes = body.nested.iter().filter(|n| n.keyword == "failure");
                    let known: Vec<&str> = modes.map(|n| n.name.as_str()).collect();
                    let help = match did_you_mean(mode, known.iter().copied()) {
                        Some(best) => format!("Did you mean `{best}`?"),
                        None if known.is_empty() => {
                            format!("`{name}` declares no named failure mode.")
                        }
                        None => format!("`{name}`'s failure modes are {}.", known.join(", ")),
                    };
                    refusal(0, format!("`{name}` has no failure mode `{mode}`"), help)
                }
                Err(MissingField::Field) => refusal(
                    at,
                    format!("`{name}` has no `{field}`"),
                    format!("Set `{field}` on `{name}`, or vary another number."),
                ),
                // `failure = 20000 cycles`: a count, not a distribution.
                Ok(set)
                    if matches!(set.value, Value::Number(_))
                        && matches!(field, "failure" | "after") =>
                {
                    refusal(
                        at,
                        "a life counted in cycles, not a distribution".into(),
                        "Vary a failure whose life is a distribution of time.".into(),
                    )
                }
                Ok(_) => None,
            }
        }
        [] => None,
    }
}

/// A `vary` of a number the component does not have ([`factor_refusal`]): the segment of the
/// path after the component's name to label, the label and the help.
pub(crate) struct FactorRefusal {
    pub at: usize,
    pub label: String,
    pub help: String,
}

/// Why a `vary` of the robot `name`'s field `path` (after the robot's name) would change
/// nothing, with `body` the robot as the run has it: its `speed` or `accel` when it has no path
/// to move along, or a `cycle` that is used instead of its motion; its `process` beside a
/// `cycle`; its `cycle` when it has none and its cycle comes from its motion (the engine runs
/// its `process` plus the motion then). One rule for a robot written so and for a scenario that
/// makes it so (`validate`'s scenario checks). `None` for any other component or path.
pub(crate) fn robot_factor_refusal(
    name: &str,
    body: &CheckedBody,
    path: &[&str],
) -> Option<RobotFactorRefusal> {
    if body.kind != DeclKind::Robot {
        return None;
    }
    let has_cycle = body.fields.contains_key("cycle");
    let moves = robot_moves(&body.fields);
    let (label, help, cause) = match path {
        [limit @ ("speed" | "accel")] if !moves => (
            format!("`{name}` has no `path`: its `{limit}` moves it nowhere"),
            format!("Give `{name}` a `path`, whose motion under `speed` and `accel` is its cycle."),
            "path",
        ),
        [limit @ ("speed" | "accel")] if has_cycle => (
            format!("`{name}` has a `cycle`, which is used instead of its motion"),
            format!(
                "Remove `{name}`'s `cycle` (give `process` for the time added to the motion) so \
                 that its `{limit}` sets its cycle, or vary `{name}.cycle`."
            ),
            "cycle",
        ),
        // A limit the robot does not state would be added at every point, none of them the
        // model as written: a field it does not set, as `setup` is for a station.
        [limit @ ("speed" | "accel")] if !body.fields.contains_key(*limit) => {
            let other = if *limit == "speed" { "accel" } else { "speed" };
            (
                format!("`{name}` states no `{limit}`: its moves are limited by `{other}` alone"),
                format!(
                    "Give `{name}` a `{limit}` to vary from, or vary `{name}.{other}`, the limit \
                     it states."
                ),
                other,
            )
        }
        ["process", _] if has_cycle => (
            format!("`{name}` has a `cycle`, which is used instead of its `process`"),
            format!(
                "Remove `{name}`'s `cycle` so that its cycle is its `process` plus its motion, or \
                 vary `{name}.cycle`."
            ),
            "cycle",
        ),
        ["cycle", _] if !has_cycle => (
            format!("`{name}` has no `cycle`: its cycle is its `process` plus its motion"),
            if moves {
                format!(
                    "Vary `{name}.speed` or `{name}.accel` to change its motion, or a parameter \
                     of `{name}.process` (e.g. `{name}.process.mean`) to change the time added \
                     to it."
                )
            } else {
                format!("Vary a parameter of `{name}.process`, e.g. `{name}.process.mean`.")
            },
            "process",
        ),
        _ => return None,
    };
    Some(RobotFactorRefusal { label, help, cause })
}

/// A `vary` of a robot's field that would change nothing ([`robot_factor_refusal`]): the label
/// for the path, the help, and the robot's field that makes it so (`cycle`, `path`), if written.
pub(crate) struct RobotFactorRefusal {
    pub label: String,
    pub help: String,
    pub cause: &'static str,
}

/// E0703 when a study's ranges reach a point where a conveyor's spacing is larger than its
/// length: the rule of E0606, by the same count of the parts a belt holds
/// ([`Conveyor::capacity_of`]), held at the point where it is tightest. Every point of the ranges
/// may run (a full factorial runs the corner, a search may go there), so the largest spacing
/// the study sets, or the conveyor's own, must fit the shortest length, or its own. A range of
/// `spacing` is refused at its top, one of `length` at its bottom; when both vary, the spacing's
/// top is refused and the length's bottom labelled. These used to run, on a belt said to hold
/// one part.
///
/// Likewise for a robot whose ranges together reach a cycle longer than the longest run
/// ([`robot_cycle_refusals`]; one range alone is held to it by its own `vary`), and for
/// parameters of one distribution whose ranges reach a point where it is no law
/// ([`law_corner_refusals`]).
fn check_factor_combinations(ctx: &mut Ctx, varies: &[CheckedVary]) {
    let (db, scope) = (ctx.db, ctx.scope);
    let body_of = |name: &str| clean_body(db, scope.lookup(name)?);
    let mut found = conveyor_factor_refusals(varies, body_of);
    found.extend(robot_cycle_refusals(varies, body_of, true));
    found.extend(law_corner_refusals(varies, body_of));
    for diagnostic in found {
        ctx.push(diagnostic);
    }
}

/// What `declaration` checks to, when it checks without errors: the body the rules over several
/// of a study's ranges hold against (a component with errors of its own is reported as such).
pub(crate) fn clean_body<'db>(
    db: &'db dyn Db,
    declaration: &Declaration,
) -> Option<&'db CheckedBody> {
    let checked = check_item(db, declaration.file, declaration.key.clone());
    checked.body.as_ref().filter(|_| !checked.has_errors())
}

/// The numbers of a robot a study may vary that move its cycle: `speed` and `accel` (slowest at
/// their low ends), and the parameters of its `process` (`process.mean`, `.max`, `.scale`, …),
/// whose law's mean is added to its motion.
fn robot_cycle_factor(vary: &CheckedVary) -> bool {
    matches!(&vary.path[1..], [f] if f == "speed" || f == "accel")
        || matches!(&vary.path[1..], [f, _] if f == "process")
}

/// E0703 when a study's ranges reach a point where a robot's cycle, its motion under the slowest
/// `speed` and `accel` the study sets plus the longest mean its `process` takes at a corner of
/// the ranges of its parameters, is not shorter than the longest run: E0205's rule at the slowest
/// corner, which a full factorial runs and a search may reach. Such a point used to run with its
/// cycle cut to the longest run, delivering nothing, without a word; a `process` varied by a
/// parameter other than its `mean` (a uniform's `max`, a gamma's `scale`) ran so until it was
/// held to the rule too. A range alone is held to the rule by its own `vary`
/// (`vary_target_takes`) against the robot as declared: with `alone_checked`, only what that
/// misses is reported here (a `process` parameter's range, ranges that are slow only together);
/// without it, every range, for the robot as a scenario makes it
/// (`validate::scenario_vary_refusals`). A `process` whose own mean reaches the longest run is
/// the law's rule, reported by [`law_corner_refusals`]. The refusal names, labels and suggests
/// changing only the ranges that move the cycle at that corner: a range that keeps the
/// process's mean (a lognormal's `cv`) was named too, and changing it fixed nothing.
pub(crate) fn robot_cycle_refusals<'a>(
    varies: &[CheckedVary],
    body_of: impl Fn(&str) -> Option<&'a CheckedBody>,
    alone_checked: bool,
) -> Vec<Diagnostic> {
    let mut robots: Vec<&str> = Vec::new();
    for vary in varies.iter().filter(|v| robot_cycle_factor(v)) {
        if !robots.contains(&vary.path[0].as_str()) {
            robots.push(&vary.path[0]);
        }
    }
    let longest = fab_runtime::time::longest_run_s();
    let mut found = Vec::new();
    for name in robots {
        let Some(body) = body_of(name).filter(|body| body.kind == DeclKind::Robot) else {
            continue;
        };
        let factors: Vec<&CheckedVary> =
            varies.iter().filter(|v| v.path[0] == name && robot_cycle_factor(v)).collect();
        let is_limit = |vary: &CheckedVary| vary.path.len() == 2;
        let limits: Vec<(&str, f64)> =
            factors.iter().filter(|v| is_limit(v)).map(|v| (v.path[1].as_str(), v.low)).collect();
        let Some((moving, process)) = robot_cycle_seconds(&body.fields, &limits) else {
            continue;
        };
        // The process's parameters at the corner of their ranges where its mean is longest.
        let parameters: Vec<&CheckedVary> =
            factors.iter().copied().filter(|v| !is_limit(v)).collect();
        let (process, corner, moves) = match parameters.is_empty() {
            true => (process, 0, Vec::new()),
            false => match slowest_process(body, &parameters) {
                Some(slowest) => (slowest.mean, slowest.corner, slowest.moves),
                None => continue,
            },
        };
        if process >= longest || moving + process < longest {
            continue;
        }
        // Only the ranges that move the cycle there are named: a range that leaves the
        // process's mean as it is (a lognormal's `cv`) slows nothing, and changing it would fix
        // nothing.
        let factors: Vec<&CheckedVary> = factors
            .into_iter()
            .filter(|v| {
                is_limit(v) || parameters.iter().zip(&moves).any(|(p, &m)| m && p.path == v.path)
            })
            .collect();
        if factors.is_empty() || (alone_checked && matches!(factors[..], [one] if is_limit(one))) {
            continue;
        }
        // Each range labelled at the end that slows the robot.
        let slow_end = |vary: &CheckedVary| -> usize {
            // A study varies each path once (E0202).
            match parameters.iter().position(|p| p.path == vary.path) {
                Some(k) => corner >> k & 1,
                None => 0,
            }
        };
        let paths: Vec<String> =
            factors.iter().map(|v| format!("`{}`", v.path.join("."))).collect();
        let (last, others) = factors.split_last().expect("a robot is listed for its factors");
        let mut diagnostic = if others.is_empty() {
            Diagnostic::error("E0703", format!("cannot vary {}", paths[0])).primary(
                last.ends[slow_end(last)].clone(),
                "at this end the robot's cycle would be longer than the longest run",
            )
        } else {
            Diagnostic::error("E0703", format!("cannot vary {} together", and_list(&paths)))
                .primary(
                    last.ends[slow_end(last)].clone(),
                    "with the other ranges' slow ends, the robot's cycle would be longer than \
                     the longest run",
                )
        };
        for other in others {
            diagnostic = diagnostic.secondary(other.ends[slow_end(other)].clone(), "a slow end");
        }
        diagnostic = diagnostic.secondary(body.fields["path"].value_location.clone(), "the path");
        let remedies: Vec<String> = factors
            .iter()
            .map(|v| {
                let end = if slow_end(v) == 1 { "lower the high end" } else { "raise the low end" };
                format!("{end} of `{}`", v.path.join("."))
            })
            .collect();
        let points = if others.is_empty() {
            "Every point of the range"
        } else {
            "Every combination of the ranges"
        };
        found.push(diagnostic.help(format!(
            "{points} may run, and a robot's cycle must be shorter than the longest run the \
             clock counts, about 292 years (E0205): {}.",
            remedies.join(", or ")
        )));
    }
    found
}

/// Where a robot's `process` is slowest over the ranges of its parameters ([`slowest_process`]).
struct SlowestProcess {
    /// The law's longest mean, in seconds.
    mean: f64,
    /// The corner it is taken at (bit `k` set: the high end of `parameters[k]`).
    corner: usize,
    /// For each parameter, whether its range moves the mean there: the other end of its range,
    /// the rest of the corner kept, gives another mean; or, where that makes no law, the law as
    /// declared gives another mean at its two ends. A lognormal's `cv`, a gamma's `cv`, an
    /// Erlang's `k` keep the mean.
    moves: Vec<bool>,
}

/// The longest mean the robot's `process` takes where the ranges of its `parameters` (varies of
/// `process.PARAM`) meet, at the first corner that takes it: the law is set at each corner as a
/// point sets it (`Distribution::with_parameters`), and its mean is monotone in each parameter,
/// so the longest is at a corner. Corners that make no law are [`law_corner_refusals`]' to
/// report; `None` when none does, the law is abstract, or there are more than six ranges (as
/// there).
fn slowest_process(body: &CheckedBody, parameters: &[&CheckedVary]) -> Option<SlowestProcess> {
    if parameters.len() > 6 {
        return None;
    }
    let law = distribution_in(varied_field(body, &["process"]).ok()?)?;
    let end = |v: &CheckedVary, high: bool| if high { v.high } else { v.low };
    let mean_at = |corner: usize| -> Option<f64> {
        let values: Vec<(&str, f64)> = parameters
            .iter()
            .enumerate()
            .map(|(k, v)| (v.path[2].as_str(), end(v, corner >> k & 1 == 1)))
            .collect();
        Some(law.with_parameters(&values).ok()?.mean())
    };
    // The first corner of the longest mean.
    let (mean, corner) = (0..1usize << parameters.len())
        .filter_map(|corner| Some((mean_at(corner)?, corner)))
        .fold(None, |slowest: Option<(f64, usize)>, (mean, corner)| match slowest {
            Some((longest, _)) if longest >= mean => slowest,
            _ => Some((mean, corner)),
        })?;
    let alone = |v: &CheckedVary, high: bool| {
        law.with_parameters(&[(v.path[2].as_str(), end(v, high))]).ok().map(|law| law.mean())
    };
    let moves = (0..parameters.len())
        .map(|k| {
            let (a, b) = match mean_at(corner ^ (1 << k)) {
                Some(other) => (Some(mean), Some(other)),
                None => (alone(parameters[k], false), alone(parameters[k], true)),
            };
            // Kept when it cannot be told.
            !matches!((a, b), (Some(a), Some(b)) if same_but_for_rounding(a, b))
        })
        .collect();
    Some(SlowestProcess { mean, corner, moves })
}

/// E0703 for two `vary`s of one distribution's parameters that would overwrite each other
/// ([`fab_stdlib::dist::parameters_contradict`]): `mean` with a parameter in the law's unit
/// (`sd`, `scale`, `min`, …, which rescaling it moves), `mean` with `rate`, `cv` with `sd`,
/// `shape` or `scale`. They used to run, one of them silently undone at every point, which one
/// depending on the order of the lines. The later `vary` is refused, the earlier labelled.
fn check_parameters_varied_together(ctx: &mut Ctx, varies: &[CheckedVary]) {
    // A distribution's parameter: the path of the law, then the parameter (not a maintenance
    // number, whose names are no distribution's).
    fn parameter(vary: &CheckedVary) -> Option<(&[String], &str)> {
        match &vary.path[..] {
            [.., field, _] if field == "maintenance" => None,
            [law @ .., param] if law.len() >= 2 => Some((law, param.as_str())),
            _ => None,
        }
    }
    for (i, later) in varies.iter().enumerate() {
        let Some((law, param)) = parameter(later) else { continue };
        let earlier = varies[..i].iter().find_map(|vary| {
            let (_, other) = parameter(vary).filter(|(l, _)| *l == law)?;
            Some((vary, other, fab_stdlib::dist::parameters_contradict(param, other)?))
        });
        let Some((earlier, other, why)) = earlier else { continue };
        ctx.push(
            Diagnostic::error(
                "E0703",
                format!("cannot vary `{}` with `{}`", later.path.join("."), earlier.path.join(".")),
            )
            .primary(later.location.clone(), format!("`{param}` of the law whose `{other}` varies"))
            .secondary(earlier.location.clone(), format!("`{other}` varied here"))
            .help(why),
        );
    }
}

/// E0703 when the ranges of a distribution's parameters reach a point where the law is no law:
/// a `mean` range reaching 0, a uniform's `min` range above its `max` range, a triangular's
/// `mode` range below its `min` range, a cycle whose mean the clock cannot count. A point sets
/// the parameters of one law together and checks the law they make once
/// (`Distribution::with_parameters`, as `factor::apply_point` does), so each corner of the
/// ranges is checked as that final law, the law's other parameters as `body_of` gives it: as
/// declared, or as a scenario writes it (`validate::scenario_vary_refusals`). A law's constraints
/// are linear in its parameters, and its mean monotone in each, so a corner is where a point
/// breaks them first. A range checked alone against the law as declared refused `vary s.cycle.min
/// in 5 s..=20 s` beside `vary s.cycle.max in 30 s..=50 s` over `uniform(min = 10 s, max =
/// 15 s)`, though every point is a uniform. Ranges of parameters that contradict each other
/// (refused on their own, `check_parameters_varied_together`) are each held to the law alone.
pub(crate) fn law_corner_refusals<'a>(
    varies: &[CheckedVary],
    body_of: impl Fn(&str) -> Option<&'a CheckedBody>,
) -> Vec<Diagnostic> {
    // The parameter a path ends in.
    fn param(vary: &CheckedVary) -> &str {
        vary.path.last().map_or("", String::as_str)
    }
    // The law a distribution parameter's path names: `[press, cycle]` of `[press, cycle, min]`,
    // `[press, bearing, after]`; not a maintenance number.
    let law_of = |vary: &CheckedVary| -> Option<usize> {
        match &vary.path[..] {
            [_, field, _] if field == "maintenance" => None,
            [law @ .., _] if law.len() >= 2 => Some(law.len()),
            _ => None,
        }
    };
    let mut laws: Vec<(&[String], Vec<&CheckedVary>)> = Vec::new();
    for vary in varies {
        let Some(len) = law_of(vary) else { continue };
        let law = &vary.path[..len];
        match laws.iter_mut().find(|(l, _)| *l == law) {
            Some((_, params)) => params.push(vary),
            None => laws.push((law, vec![vary])),
        }
    }
    // Contradicting ranges are set one at a time.
    let contradicting = |params: &[&CheckedVary]| {
        params.iter().enumerate().any(|(i, a)| {
            params[i + 1..]
                .iter()
                .any(|b| fab_stdlib::dist::parameters_contradict(param(a), param(b)).is_some())
        })
    };
    let laws: Vec<(&[String], Vec<&CheckedVary>)> = laws
        .into_iter()
        .flat_map(|(law, params)| {
            if contradicting(&params) {
                params.into_iter().map(|vary| (law, vec![vary])).collect()
            } else {
                vec![(law, params)]
            }
        })
        .collect();
    let mut found = Vec::new();
    for (law, params) in laws {
        if params.len() > 6 {
            continue;
        }
        let Some(body) = body_of(&law[0]) else { continue };
        let names: Vec<&str> = law[1..].iter().map(String::as_str).collect();
        let Some(field) = varied_field(body, &names).ok() else { continue };
        let Some(distribution) = distribution_in(field) else { continue };
        // A cycle's mean within the clock, as the field is held to (the catalog's `run_length`).
        let run_length = law.len() == 2
            && catalog::kind(body.kind.keyword())
                .and_then(|kind| kind.field(&law[1]))
                .is_some_and(|field| field.run_length);
        let value = |corner: usize, k: usize| {
            let vary = params[k];
            if corner >> k & 1 == 1 { vary.high } else { vary.low }
        };
        let corner_fails = |corner: usize| -> Option<String> {
            let values: Vec<(&str, f64)> =
                (0..params.len()).map(|k| (param(params[k]), value(corner, k))).collect();
            match distribution.with_parameters(&values) {
                Err(why) => Some(why.to_string()),
                Ok(made) if run_length && made.mean() >= fab_runtime::time::longest_run_s() => {
                    Some(format!("`{}`'s mean would be longer than the longest run", law[1]))
                }
                Ok(_) => None,
            }
        };
        let Some((corner, why)) =
            (0..1usize << params.len()).find_map(|c| corner_fails(c).map(|w| (c, w)))
        else {
            continue;
        };
        let end = |k: usize| usize::from(corner >> k & 1 == 1);
        let shown = |k: usize| params[k].shown(value(corner, k));
        let point: Vec<String> =
            (0..params.len()).map(|k| format!("`{}` = {}", param(params[k]), shown(k))).collect();
        // Labelled at the `vary` written last, the others' ends beside it.
        let last = (0..params.len()).max_by_key(|&k| params[k].location.span.start).unwrap_or(0);
        let vary = params[last];
        let paths: Vec<String> = params.iter().map(|v| format!("`{}`", v.path.join("."))).collect();
        let (headline, help) = match paths.as_slice() {
            [one] => (
                format!("cannot vary {one}"),
                "Every point of the range may run: narrow the range so that the law holds at both \
                 ends.",
            ),
            _ => (
                format!("cannot vary {} together", and_list(&paths)),
                "Every combination of the ranges may run (a full factorial runs this corner, a \
                 search may reach it): narrow the ranges so that the law holds at all of them.",
            ),
        };
        let mut diagnostic = Diagnostic::error("E0703", headline)
            .primary(vary.ends[end(last)].clone(), format!("at {}: {why}", and_list(&point)));
        for k in (0..params.len()).filter(|&k| k != last) {
            diagnostic = diagnostic.secondary(params[k].ends[end(k)].clone(), "this end");
        }
        diagnostic = diagnostic.secondary(field.value_location.clone(), "the law");
        found.push(diagnostic.help(help));
    }
    found
}

/// [`check_factor_combinations`]'s rule over the conveyors as `body_of` gives them: as declared, or
/// as a scenario makes them (`validate::scenario_vary_refusals`).
pub(crate) fn conveyor_factor_refusals<'a>(
    varies: &[CheckedVary],
    body_of: impl Fn(&str) -> Option<&'a CheckedBody>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let factor = |component: &str, field: &str| {
        varies.iter().find(|v| matches!(&v.path[..], [c, f] if c == component && f == field))
    };
    let mut conveyors: Vec<&str> = Vec::new();
    for vary in varies {
        if let [component, field] = &vary.path[..]
            && matches!(field.as_str(), "length" | "spacing")
            && !conveyors.contains(&component.as_str())
        {
            conveyors.push(component);
        }
    }
    for name in conveyors {
        let Some(body) = body_of(name) else { continue };
        if body.kind != DeclKind::Conveyor {
            continue;
        }
        let own = |field: &str| body.fields.get(field).and_then(|f| f.value.si());
        let (lengths, spacings) = (factor(name, "length"), factor(name, "spacing"));
        let (Some(shortest), Some(widest)) =
            (lengths.map(|v| v.low).or(own("length")), spacings.map(|v| v.high).or(own("spacing")))
        else {
            continue; // abstract in a template
        };
        if Conveyor::capacity_of(shortest, widest) != 0 {
            continue;
        }
        // Each number in the unit its range is written in, or the spacing's when neither varies.
        let shown = |si: f64, vary: Option<&CheckedVary>| {
            let (unit, scale) = vary
                .or(spacings)
                .or(lengths)
                .map_or(("m", 1.0), |v| (v.unit.as_str(), v.unit_scale));
            in_unit(si, unit, scale)
        };
        let diagnostic = match (lengths, spacings) {
            (None, Some(spacing)) => {
                let length = shown(shortest, Some(spacing));
                Diagnostic::error("E0703", format!("cannot vary `{name}.spacing`"))
                    .primary(
                        spacing.ends[1].clone(),
                        format!(
                            "{} is larger than `{name}`'s length, {length}",
                            shown(widest, Some(spacing))
                        ),
                    )
                    .secondary(body.fields["length"].value_location.clone(), "the length")
                    .help(format!(
                        "Every point of the range may run, and a conveyor's spacing must be at \
                         most its length (E0606): end the range at {length} at most."
                    ))
            }
            (Some(length), None) => {
                let spacing = shown(widest, Some(length));
                Diagnostic::error("E0703", format!("cannot vary `{name}.length`"))
                    .primary(
                        length.ends[0].clone(),
                        format!(
                            "{} is shorter than `{name}`'s spacing, {spacing}",
                            shown(shortest, Some(length))
                        ),
                    )
                    .secondary(body.fields["spacing"].value_location.clone(), "the spacing")
                    .help(format!(
                        "Every point of the range may run, and a conveyor's spacing must be at \
                         most its length (E0606): start the range at {spacing} at least."
                    ))
            }
            (Some(length), Some(spacing)) => {
                Diagnostic::error("E0703", format!("cannot vary `{name}.spacing`"))
                    .primary(
                        spacing.ends[1].clone(),
                        format!(
                            "{} is larger than the shortest length, {}",
                            shown(widest, Some(spacing)),
                            shown(shortest, Some(length))
                        ),
                    )
                    .secondary(length.ends[0].clone(), "the shortest length")
                    .help(format!(
                        "Every combination of the ranges may run, and a conveyor's spacing must \
                         be at most its length (E0606): end `{name}.spacing`'s range at most \
                         where `{name}.length`'s starts."
                    ))
            }
            (None, None) => continue,
        };
        found.push(diagnostic);
    }
    found
}

/// The fields `vary` can set, by kind (the runtime's `FactorTarget`s): numbers, or
/// distributions whose parameter the path names next (`after` and `repair` of a named failure
/// mode too).
pub const VARIABLE_FIELDS: &[(&str, &str)] = &[
    ("buffer", "capacity"),
    ("station", "parallel"),
    ("station", "cycle"),
    ("station", "setup"),
    ("station", "failure"),
    ("station", "repair"),
    ("station", "after"),
    ("station", "maintenance"),
    ("robot", "parallel"),
    ("robot", "cycle"),
    ("robot", "process"),
    ("robot", "setup"),
    ("robot", "speed"),
    ("robot", "accel"),
    ("robot", "failure"),
    ("robot", "repair"),
    ("robot", "after"),
    ("robot", "maintenance"),
    ("conveyor", "speed"),
    ("conveyor", "length"),
    ("conveyor", "spacing"),
    ("source", "interarrival"),
];

/// The parameters of a station's maintenance strategy `vary` can set, with their types
/// (`vary press.maintenance.every in 100 h..2000 h`, `vary press.maintenance.threshold in
/// 50 %..95 %`): the numbers of `preventive`, `opportunistic` and `predictive` that the runtime's
/// `MaintenanceParameter` sets.
pub const VARIABLE_MAINTENANCE_PARAMETERS: &[(&str, ValueType)] = &[
    ("every", ValueType::Quantity(Dimension::TIME)),
    ("age", ValueType::Quantity(Dimension::TIME)),
    ("window", ValueType::Quantity(Dimension::TIME)),
    ("threshold", ValueType::Quantity(Dimension::NONE)),
    ("inspect_every", ValueType::Quantity(Dimension::TIME)),
    ("detection", ValueType::Quantity(Dimension::NONE)),
    ("lead", ValueType::Quantity(Dimension::TIME)),
];

/// What a `vary` path names.
#[derive(Clone, Copy)]
enum VaryField {
    /// A number of this type; the field that declares its bounds, when it is a component's own
    /// field (not a number of a maintenance strategy).
    Number(&'static ValueType, Option<&'static catalog::FieldDecl>),
    /// A distribution of this dimension (the path's last segment names its parameter).
    Dist(Dimension),
    Other,
}

/// Resolves `COMPONENT.FIELD[.PARAM]` or `COMPONENT.MODE.FIELD.PARAM` for `vary`.
fn path_field_type_for_vary(ctx: &mut Ctx, path: &ast::Path) -> Option<VaryField> {
    let segments = &path.segments;
    let target = &segments[0];
    let Some(declaration) = ctx.scope.lookup(&target.name).cloned() else {
        report_unknown_name(ctx, target, "component");
        return None;
    };
    let ItemClass::Decl(kind) = declaration.class else {
        ctx.push(
            Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                .primary(ctx.loc(target.span), format!("`{}` is not a component", target.name)),
        );
        return None;
    };
    let decl = kind_decl(kind);
    let classify = |ty: &'static ValueType| -> VaryField {
        match ty {
            ValueType::Int { .. } | ValueType::Quantity(_) => VaryField::Number(ty, None),
            ValueType::Dist(dim) => VaryField::Dist(*dim),
            // `failure = exponential(…) of calendar_time`: a law of time.
            ValueType::OneOf(alternatives) => alternatives
                .iter()
                .find_map(|alternative| match alternative {
                    ValueType::Int { .. } => Some(VaryField::Number(alternative, None)),
                    ValueType::Dist(dim) => Some(VaryField::Dist(*dim)),
                    ValueType::Clocked { value: ValueType::Dist(dim), .. } => {
                        Some(VaryField::Dist(*dim))
                    }
                    _ => None,
                })
                .unwrap_or(VaryField::Other),
            ValueType::Clocked { value: ValueType::Dist(dim), .. } => VaryField::Dist(*dim),
            _ => VaryField::Other,
        }
    };
    let field_name = &segments[1];
    if field_name.name == "route" && is_component_kind(kind) {
        report_route_path(ctx, path, target, field_name);
        return None;
    }
    // A component field, or (`press.bearing.after.scale`) a field of a named failure mode.
    let top = decl.field(&field_name.name);
    let nested = match segments.len() {
        4 if top.is_none() => {
            decl.nested.iter().find_map(|n| catalog::find_field(n.fields, &segments[2].name))
        }
        _ => None,
    };
    let in_mode = segments.len() == 4 && top.is_none();
    let varied = if in_mode { &segments[2] } else { field_name };
    let field = top.or(nested);
    let Some(field) = field else {
        let candidates: Vec<&'static str> = if in_mode {
            decl.nested.iter().flat_map(|n| n.fields.iter().map(|f| f.name)).collect()
        } else {
            decl.fields.iter().map(|f| f.name).collect()
        };
        let owner = format!("{} `{}`", decl.name, target.name);
        report_no_field(ctx, path, varied, &candidates, &owner);
        return None;
    };
    if !VARIABLE_FIELDS.iter().any(|(k, f)| *k == kind.keyword() && *f == varied.name) {
        let supported: Vec<String> = VARIABLE_FIELDS
            .iter()
            .filter(|(k, _)| *k == kind.keyword())
            .map(|(_, f)| format!("`{f}`"))
            .collect();
        ctx.push(
            Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                .primary(ctx.loc(varied.span), format!("a {} field `vary` does not set", decl.name))
                .help(if supported.is_empty() {
                    format!("Nothing of {} can be varied yet.", article(decl.name))
                } else {
                    format!("Of {}, `vary` sets {}.", article(decl.name), supported.join(", "))
                }),
        );
        return None;
    }
    // `press.maintenance.every`: a parameter of the maintenance strategy.
    if matches!(field.ty, ValueType::Call(catalog::CallableKind::Maintenance)) {
        let parameter = segments.get(2).filter(|_| segments.len() == 3);
        return match parameter {
            Some(p)
                if let Some((_, ty)) =
                    VARIABLE_MAINTENANCE_PARAMETERS.iter().find(|(name, _)| *name == p.name) =>
            {
                Some(VaryField::Number(ty, None))
            }
            _ => {
                let at = parameter.map_or(varied.span, |p| p.span);
                ctx.push(
                    Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                        .primary(ctx.loc(at), "not a maintenance parameter `vary` sets")
                        .help(format!(
                            "Of a maintenance strategy, `vary` sets {}, e.g. `{}.{}.{}`.",
                            VARIABLE_MAINTENANCE_PARAMETERS
                                .iter()
                                .map(|(p, _)| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            target.name,
                            varied.name,
                            VARIABLE_MAINTENANCE_PARAMETERS[0].0
                        )),
                );
                None
            }
        };
    }
    // A number is named by two segments; a distribution's parameter by one more than the field.
    let parameter_depth = if in_mode { 4 } else { 3 };
    match classify(&field.ty) {
        VaryField::Number(ty, _) if segments.len() == 2 => Some(VaryField::Number(ty, Some(field))),
        class @ VaryField::Dist(_) if segments.len() == parameter_depth => Some(class),
        VaryField::Dist(_) if segments.len() == parameter_depth - 1 => {
            ctx.push(
                Diagnostic::error("E0703", format!("cannot vary `{}`", path.dotted()))
                    .primary(ctx.loc(varied.span), "a distribution, not a number")
                    .help(format!("Name one of its parameters, e.g. `{}.mean`.", path.dotted())),
            );
            None
        }
        _ => Some(VaryField::Other),
    }
}

/// Words for a scheduling or layout objective: checked, not yet run (directional).
pub const DIRECTIONAL_KPIS: &[&str] = &["makespan", "tardiness", "flow_distance"];

/// Every name an objective or constraint may use: the catalog's measures, then the directional
/// ones.
pub const KPIS: &[&str] = &{
    const COUNT: usize = catalog::MEASURE_NAMES.len() + DIRECTIONAL_KPIS.len();
    let mut names = [""; COUNT];
    let mut i = 0;
    while i < COUNT {
        names[i] = if i < catalog::MEASURE_NAMES.len() {
            catalog::MEASURE_NAMES[i]
        } else {
            DIRECTIONAL_KPIS[i - catalog::MEASURE_NAMES.len()]
        };
        i += 1;
    }
    names
};

/// Objectives and constraints: paths must name fields or KPIs.
fn check_study_expression(ctx: &mut Ctx, expr: &ast::Expr) {
    match &expr.kind {
        ast::ExprKind::Path(path) if path.segments.len() == 1 => {
            let name = &path.segments[0];
            if !KPIS.contains(&name.name.as_str()) && ctx.scope.lookup(&name.name).is_none() {
                let mut diagnostic =
                    Diagnostic::error("E0101", format!("unknown measure `{}`", name.name))
                        .primary(ctx.loc(name.span), "not a KPI or field");
                if let Some(best) = did_you_mean(&name.name, KPIS.iter().copied()) {
                    diagnostic = diagnostic.suggest(ctx.loc(name.span), best);
                }
                ctx.push(diagnostic);
            }
        }
        ast::ExprKind::Path(path) => {
            path_field_type(ctx, path);
        }
        ast::ExprKind::Binary { lhs, rhs, .. } => {
            check_study_expression(ctx, lhs);
            check_study_expression(ctx, rhs);
        }
        _ => {
            ctx.eval(expr, None);
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn parameter_types_are_read_from_one_table() {
        use super::{ParamTy, named_param_type};
        // `Dist` without its quantity was an "unknown type `Dist`".
        let bare = named_param_type("Dist", &[]).unwrap_err();
        assert!(bare.contains("takes one type argument"), "{bare}");
        assert!(matches!(named_param_type("Count", &[]), Ok(ParamTy::Int)));
        assert!(matches!(
            named_param_type("Dist", &[ParamTy::Quantity(fab_stdlib::units::Dimension::TIME)]),
            Ok(ParamTy::Dist(_))
        ));
        assert!(named_param_type("Dist", &[ParamTy::Int]).unwrap_err().contains("quantity type"));
        assert!(named_param_type("Duration", &[ParamTy::Int]).unwrap_err().contains("no type"));
        assert!(named_param_type("Speed", &[]).unwrap_err().contains("unknown type `Speed`"));
    }
    use super::VARIABLE_MAINTENANCE_PARAMETERS;
    use fab_runtime::factor::MaintenanceParameter;

    /// The checker lets `vary` name exactly the maintenance numbers the runtime can set.
    #[test]
    fn every_variable_maintenance_parameter_is_set_by_the_runtime() {
        let checked: Vec<&str> = VARIABLE_MAINTENANCE_PARAMETERS.iter().map(|(n, _)| *n).collect();
        let runtime: Vec<&str> = MaintenanceParameter::NAMES.iter().map(|(_, n)| *n).collect();
        assert_eq!(checked, runtime);
    }
}
