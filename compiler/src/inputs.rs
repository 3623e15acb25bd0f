//! The model's inputs made from data, for input uncertainty: which distributions of the lowered
//! model came from `fit(…)` or `empirical(…)`, with the data and the fit behind each.
//!
//! Checking records every `fit(…)` an item evaluates ([`crate::data::FitReport`], memoized by
//! [`crate::data::fitted_column`]); this module reads those records back, so nothing is fitted
//! again. A record is matched to the component's distribution fields, every law the catalog
//! declares for its kind (cycle, a robot's process, setup, interarrival, each failure mode's life
//! and repair), by the distribution it produced: a template instance's fit is recorded by the
//! instance, and the value is what reached the field. An `empirical(…)` distribution is an input
//! by itself: its values are the data.
//! A fit used elsewhere (a maintenance duration, a transport's load time) is not an input here.
//!
//! The checker asks the same question of checked bodies, before any model is lowered
//! ([`data_laws`]): a model whose experiment asks for input uncertainty needs an input to redraw,
//! and a parametric redraw needs fits with standard errors (E0706), which the run refused only
//! once the model had checked clean.

use crate::check::{CheckedBody, check_item};
use crate::data::FitReport;
use crate::db::Db;
use crate::eval::is_non_negative;
use crate::scope::Declaration;
use crate::syntax::ItemClass;
use crate::validate::ModelGraph;
use crate::value::{Field, Value};
use fab_grammar::ast::DeclKind;
use fab_runtime::factor::{DistributionField, distribution_of};
use fab_runtime::model::{Component, ComponentId, ComponentKind, Model};
use fab_runtime::uncertainty::{FittedInput, InputKind};
use fab_stdlib::catalog;
use fab_stdlib::dist::Distribution;

/// The inputs of `model` (lowered from `graph`, its scenarios included) made from data, in
/// component order, then those each scenario's own `fit(…)` and `empirical(…)` made. A run keeps
/// the inputs whose distribution is the one its model has ([`FittedInput::distribution`]), so
/// a scenario's inputs count in that scenario only.
pub fn fitted_inputs(
    db: &dyn Db,
    model: &Model,
    graph: &ModelGraph,
    declarations: &[Declaration],
) -> Vec<FittedInput> {
    let mut inputs = Vec::new();
    let own_fits = |id: ComponentId| {
        let node = &graph.nodes[id.0 as usize];
        &check_item(db, node.declaration.file, node.declaration.key.clone()).fits
    };
    for index in 0..graph.nodes.len() {
        let id = ComponentId(index as u32);
        inputs.extend(component_inputs(db, id, model.component(id), own_fits(id).iter()));
    }
    for scenario in &model.scenarios {
        let Some(declaration) = declarations
            .iter()
            .find(|d| d.class == ItemClass::Decl(DeclKind::Scenario) && d.name == scenario.name)
        else {
            continue;
        };
        let scenario_fits = &check_item(db, declaration.file, declaration.key.clone()).fits;
        for (id, component) in &scenario.components {
            let fits = scenario_fits.iter().chain(own_fits(*id));
            for input in component_inputs(db, *id, component, fits) {
                if !inputs.contains(&input) {
                    inputs.push(input);
                }
            }
        }
    }
    inputs
}

/// The inputs of one component made from data: its distributions that `fits` made, or that are
/// `empirical(…)`.
fn component_inputs<'a>(
    db: &dyn Db,
    id: ComponentId,
    component: &Component,
    fits: impl Iterator<Item = &'a FitReport> + Clone,
) -> Vec<FittedInput> {
    let mut inputs = Vec::new();
    for field in distribution_fields(&component.kind) {
        let Some(distribution) = distribution_of(&component.kind, &field) else { continue };
        let name = format!("{}.{}", component.name, field.path());
        let fitted = fits.clone().find(|report| best_si(report).as_ref() == Some(&distribution));
        let input = match (fitted, &distribution) {
            (Some(report), _) => fitted_input(db, report, name, id, field, &distribution),
            (None, Distribution::Empirical { values }) => Some(FittedInput {
                name,
                component: id,
                field,
                file: String::new(),
                column: String::new(),
                values: values.clone(),
                unit_factor: 1.0,
                non_negative: values.iter().all(|v| *v >= 0.0),
                kind: InputKind::Empirical,
                distribution: distribution.clone(),
            }),
            (None, _) => None,
        };
        inputs.extend(input);
    }
    inputs
}

/// A law of a component's checked body made from data: what becomes a [`FittedInput`] when the
/// model is lowered.
pub struct DataLaw<'a> {
    /// The field as a `vary` path writes it after the component: `cycle`, `wear.after`.
    pub path: String,
    pub field: &'a Field,
    /// The `fit(…)` that made it; `None` for `empirical(…)`.
    pub fit: Option<&'a FitReport>,
}

/// The laws of `body`, a component's checked body (its declaration's, or as a scenario changes
/// it), made from data: each law the engine samples (the catalog's laws of its kind that have a
/// [`DistributionField`], and each failure mode's life and repair, as [`distribution_fields`]
/// reads them) that is `empirical(…)` or the law one of `fits` chose, as [`component_inputs`]
/// finds them in the lowered model.
pub fn data_laws<'a>(body: &'a CheckedBody, fits: &[&'a FitReport]) -> Vec<DataLaw<'a>> {
    let Some(decl) = catalog::kind(body.kind.keyword()).filter(|d| !d.directional) else {
        return Vec::new();
    };
    let mut laws = Vec::new();
    let mut add = |path: String, field: &'a Field| {
        let Some(distribution) = law_of(&field.value) else { return };
        let fit =
            fits.iter().copied().find(|report| best_si(report).as_ref() == Some(distribution));
        if fit.is_some() || matches!(distribution, Distribution::Empirical { .. }) {
            laws.push(DataLaw { path, field, fit });
        }
    };
    for field_decl in decl.fields.iter().filter(|f| f.ty.is_law()) {
        if DistributionField::of_component(field_decl.name).is_some()
            && let Some(field) = body.fields.get(field_decl.name)
        {
            add(field_decl.name.to_string(), field);
        }
    }
    for mode in &body.nested {
        let Some(nested) = decl.nested(&mode.keyword) else { continue };
        for field_decl in nested.fields.iter().filter(|f| f.ty.is_law()) {
            if DistributionField::of_mode(&mode.name, field_decl.name).is_some()
                && let Some(field) = mode.fields.get(field_decl.name)
            {
                add(format!("{}.{}", mode.name, field_decl.name), field);
            }
        }
    }
    laws
}

/// Whether some field of `body` has a value already refused (a law, perhaps): what it would have
/// been is unknown, so no conclusion about the model's inputs is drawn from it.
pub fn has_refused_field(body: &CheckedBody) -> bool {
    let refused = |field: &Field| matches!(field.value, Value::Error);
    body.fields.values().any(refused)
        || body.nested.iter().flat_map(|n| n.fields.values()).any(refused)
}

/// The distribution of a law's value (`LAW of CLOCK` too).
fn law_of(value: &Value) -> Option<&Distribution> {
    match value {
        Value::Dist(law) => law.dist.as_ref(),
        Value::Clocked { value, .. } => law_of(value),
        _ => None,
    }
}

/// The distribution a recorded fit gave the model, SI.
fn best_si(report: &FitReport) -> Option<Distribution> {
    Some(report.fitted.ranking.best()?.distribution.scaled(report.unit_factor))
}

fn fitted_input(
    db: &dyn Db,
    report: &FitReport,
    name: String,
    component: ComponentId,
    field: DistributionField,
    distribution: &Distribution,
) -> Option<FittedInput> {
    let best = report.fitted.ranking.best()?;
    // The column was read when the fit was made; read it again for its values.
    let text = db.data_file(&report.path).contents(db).as_ref().ok()?.clone();
    let values = crate::data::numeric_column(&text, &report.column).ok()?;
    Some(FittedInput {
        name,
        component,
        field,
        file: report.path.clone(),
        column: report.column.clone(),
        values,
        unit_factor: report.unit_factor,
        non_negative: is_non_negative(report.dimension),
        kind: InputKind::Fitted {
            family: best.family,
            parameters: best.values(),
            covariance: best.covariance.clone(),
        },
        distribution: distribution.clone(),
    })
}

/// The distribution fields a component of this kind may have: every field its kind declares in
/// the catalog as a law the engine samples ([`ValueType::is_law`]: a station's `cycle`, a
/// robot's `process`, a `setup`, a source's `interarrival`…), and the life and repair of each of
/// its failure modes, in that order. One reading of the catalog, so a law added to a kind is an
/// input without a list here to keep; a test holds every such law to a [`DistributionField`].
fn distribution_fields(kind: &ComponentKind) -> Vec<DistributionField> {
    let Some(decl) = catalog::kind(kind.keyword()) else { return Vec::new() };
    // The shorthand failure mode's `failure` and `repair` are its mode's, listed with the modes.
    let mut fields: Vec<DistributionField> = (decl.fields.iter())
        .filter(|field| field.ty.is_law())
        .filter_map(|field| DistributionField::of_component(field.name))
        .filter(|field| !field.is_of_mode())
        .collect();
    let station = match kind {
        ComponentKind::Station(station) => station,
        ComponentKind::Robot(robot) => &robot.station,
        _ => return fields,
    };
    for mode in &station.failures {
        for field in decl.nested("failure").map_or(&[][..], |nested| nested.fields) {
            if field.ty.is_law()
                && let Some(field) = DistributionField::of_mode(&mode.name, field.name)
            {
                fields.push(field);
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use fab_stdlib::catalog::Role;

    /// Every law the catalog declares for a simulated component, of the component itself or of a
    /// failure mode, is a distribution field the runtime can read and set: input uncertainty and
    /// `vary` find it, and none is left out for want of a variant.
    #[test]
    fn every_law_of_a_simulated_component_is_a_distribution_field() {
        for kind in catalog::KINDS.iter().filter(|k| k.role == Role::Component && !k.directional) {
            for field in kind.fields.iter().filter(|f| f.ty.is_law()) {
                assert!(
                    DistributionField::of_component(field.name).is_some(),
                    "{}.{} is a law with no distribution field",
                    kind.name,
                    field.name
                );
            }
            for nested in kind.nested {
                for field in nested.fields.iter().filter(|f| f.ty.is_law()) {
                    assert!(
                        DistributionField::of_mode("m", field.name).is_some(),
                        "{}'s {} `{}` is a law with no distribution field",
                        kind.name,
                        nested.keyword,
                        field.name
                    );
                }
            }
        }
    }
}
