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

use crate::check::check_item;
use crate::data::FitReport;
use crate::db::Db;
use crate::eval::is_non_negative;
use crate::scope::Declaration;
use crate::syntax::ItemClass;
use crate::validate::ModelGraph;
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
