//! Lowering: checked items to the runtime's [`Model`], every value in SI.
//!
//! Lowering runs only on a model without errors, so it may rely on what checking established: every
//! required field is present and of its type, every reference resolves. Defaults come from the
//! catalog's field declarations, never from constants here.

use crate::check::{CheckedBody, CheckedNested, CheckedVary, GoalKind, GoalQuantity, check_item};
use crate::db::{Db, SourceFile};
use crate::scope::Declaration;
use crate::syntax::ItemClass;
use crate::validate::{model_declarations, model_graph, scenario_settings};
use crate::value::{Fields, Value};
use fab_grammar::ast::DeclKind;
use fab_runtime::factor::{DistributionField, Factor, FactorTarget, MaintenanceParameter};
use fab_runtime::model::*;
use fab_stdlib::catalog::{self, DefaultValue, FieldDecl, Presence};
use fab_stdlib::dist::Distribution;
use std::collections::BTreeMap;

/// Lowers a checked model. Call only when checking reported no errors.
pub fn lower(db: &dyn Db, root: SourceFile) -> Model {
    let mut model = Model::default();
    let declarations = model_declarations(db, root);
    let body = |declaration: &Declaration| checked_body(db, declaration);

    let mut products: BTreeMap<String, ProductId> = BTreeMap::new();
    let mut resources: BTreeMap<String, ResourceId> = BTreeMap::new();
    for declaration in declarations {
        let (ItemClass::Decl(kind), Some(checked)) = (declaration.class, body(declaration)) else {
            continue;
        };
        match kind {
            DeclKind::Product => {
                products.insert(declaration.name.clone(), ProductId(model.products.len() as u32));
                model.products.push(lower_product(&declaration.name, checked));
            }
            DeclKind::Resource => {
                resources
                    .insert(declaration.name.clone(), ResourceId(model.resources.len() as u32));
                model.resources.push(lower_resource(&declaration.name, checked));
            }
            _ => {}
        }
    }
    // A source without `product` makes parts of an implicit product named after it.
    let graph = model_graph(db, root);
    for node in &graph.nodes {
        if node.kind == DeclKind::Source
            && body(&node.declaration).is_some_and(|b| !b.fields.contains_key("product"))
        {
            products.insert(node.declaration.name.clone(), ProductId(model.products.len() as u32));
            model.products.push(Product {
                name: node.declaration.name.clone(),
                mass: None,
                size: None,
                attributes: BTreeMap::new(),
            });
        }
    }
    let names = Names {
        products: &products,
        resources: &resources,
        components: graph
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.declaration.name.clone(), ComponentId(i as u32)))
            .collect(),
    };

    model.graph.reserve_nodes(graph.nodes.len());
    model.graph.reserve_edges(graph.edges.len());
    for node in &graph.nodes {
        let checked = body(&node.declaration).expect("checked components have bodies");
        model.graph.add_node(lower_component(&node.declaration.name, checked, &names));
    }
    for (order, edge) in graph.edges.iter().enumerate() {
        let (from, to) = (ComponentId(edge.from as u32), ComponentId(edge.to as u32));
        model.graph.add_edge(from.node(), to.node(), Connection { order: order as u32 });
    }
    for (node, declaration) in &graph.routes {
        if let Some(route) = body(declaration) {
            model.graph[ComponentId(*node as u32).node()].routing =
                lower_routing(&route.fields, &names);
        }
    }

    let mut experiments: BTreeMap<String, (ExperimentId, &CheckedBody)> = BTreeMap::new();
    for declaration in declarations {
        if declaration.class == ItemClass::Decl(DeclKind::Experiment)
            && let Some(checked) = body(declaration)
        {
            let id = ExperimentId(model.experiments.len() as u32);
            let mut experiment = lower_experiment(&declaration.name, &checked.fields);
            experiment.design = lower_design(&checked.fields, &checked.varies, &model);
            model.experiments.push(experiment);
            experiments.insert(declaration.name.clone(), (id, checked));
        }
    }
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Scenario) {
            continue;
        }
        let Some(scenario) = body(declaration) else { continue };
        let Some((base_id, base)) = scenario.base.as_ref().and_then(|b| experiments.get(&b.name))
        else {
            continue;
        };
        let settings = scenario_settings(base, scenario);
        let mut experiment = lower_experiment(&declaration.name, &settings);
        // A scenario of a designed experiment runs its design, with the scenario's settings.
        experiment.design = lower_design(&settings, &base.varies, &model);
        let mut lowered = Scenario {
            name: declaration.name.clone(),
            base: *base_id,
            experiment,
            components: Vec::new(),
            resources: Vec::new(),
        };
        lower_overrides(&mut lowered, db, scenario, graph, &names, declarations, &model);
        model.scenarios.push(lowered);
    }
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Sensitivity) {
            continue;
        }
        let Some(study) = body(declaration) else { continue };
        let Some((base_id, _)) = study.base.as_ref().and_then(|b| experiments.get(&b.name)) else {
            continue;
        };
        let sensitivity = lower_sensitivity(&declaration.name, *base_id, study, &model);
        model.sensitivities.push(sensitivity);
    }
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Optimize) {
            continue;
        }
        let Some(study) = body(declaration) else { continue };
        let Some((base_id, _)) = study.base.as_ref().and_then(|b| experiments.get(&b.name)) else {
            continue;
        };
        let optimization = lower_optimization(&declaration.name, *base_id, study, &model);
        model.optimizations.push(optimization);
    }
    model.inputs = crate::inputs::fitted_inputs(db, &model, graph, declarations);
    model.currency =
        crate::validate::model_currencies(db, root).first().map(|(currency, _)| currency.clone());
    model
}

/// The checked body of a declaration, as its query stored it: read in place, never copied.
fn checked_body<'db>(db: &'db dyn Db, declaration: &Declaration) -> Option<&'db CheckedBody> {
    check_item(db, declaration.file, declaration.key.clone()).body.as_ref()
}

struct Names<'a> {
    products: &'a BTreeMap<String, ProductId>,
    resources: &'a BTreeMap<String, ResourceId>,
    components: BTreeMap<String, ComponentId>,
}

fn lower_product(name: &str, checked: &CheckedBody) -> Product {
    let mut attributes = BTreeMap::new();
    for (field, value) in &checked.fields {
        if field == "mass" || field == "size" {
            continue;
        }
        let attribute = match &value.value {
            Value::Number(q) => q.si.map(AttributeValue::Number),
            Value::Bool(b) => Some(AttributeValue::Bool(*b)),
            Value::Str(s) | Value::Word(s) => Some(AttributeValue::Text(s.clone())),
            _ => None,
        };
        if let Some(attribute) = attribute {
            attributes.insert(field.clone(), attribute);
        }
    }
    Product {
        name: name.to_string(),
        mass: checked.fields.get("mass").and_then(|f| f.value.si()),
        size: checked.fields.get("size").and_then(|f| triple(&f.value)),
        attributes,
    }
}

fn triple(value: &Value) -> Option<[f64; 3]> {
    match value {
        Value::Tuple(v) if v.len() == 3 => Some([v[0].si()?, v[1].si()?, v[2].si()?]),
        _ => None,
    }
}

fn pair(value: &Value) -> Option<[f64; 2]> {
    match value {
        Value::Tuple(v) if v.len() == 2 => Some([v[0].si()?, v[1].si()?]),
        _ => None,
    }
}

/// The declared default of a field of `kind`.
fn default_of(kind: DeclKind, name: &str) -> Option<DefaultValue> {
    let field: &FieldDecl = catalog::kind(kind.keyword())?.field(name)?;
    match field.presence {
        Presence::Default(value) => Some(value),
        _ => None,
    }
}

fn number_field(checked: &CheckedBody, name: &str) -> Option<f64> {
    number_in(&checked.fields, checked.kind, name)
}

/// A number field of a `kind` declaration, or its declared default.
fn number_in(fields: &Fields, kind: DeclKind, name: &str) -> Option<f64> {
    match fields.get(name) {
        Some(field) => field.value.si(),
        None => match default_of(kind, name) {
            Some(DefaultValue::Number(value)) => Some(value),
            _ => None,
        },
    }
}

fn int_field(checked: &CheckedBody, name: &str) -> u64 {
    number_field(checked, name).unwrap_or(0.0).max(0.0) as u64
}

fn word_field(checked: &CheckedBody, name: &str) -> Option<String> {
    match checked.fields.get(name).map(|f| &f.value) {
        Some(Value::Word(word)) => Some(word.clone()),
        Some(_) => None,
        None => match default_of(checked.kind, name) {
            Some(DefaultValue::Word(word)) => Some(word.to_string()),
            _ => None,
        },
    }
}

fn bool_field(checked: &CheckedBody, name: &str) -> bool {
    match checked.fields.get(name).map(|f| &f.value) {
        Some(Value::Bool(b)) => *b,
        _ => matches!(default_of(checked.kind, name), Some(DefaultValue::Bool(true))),
    }
}

fn dist(value: &Value) -> Option<Distribution> {
    match value {
        Value::Clocked { value, .. } => dist(value),
        _ => value.dist().cloned(),
    }
}

fn dist_field(fields: &Fields, name: &str) -> Option<Distribution> {
    fields.get(name).and_then(|f| dist(&f.value))
}

fn lower_component(name: &str, checked: &CheckedBody, names: &Names) -> Component {
    let at = checked.fields.get("at").and_then(|f| pair(&f.value));
    let kind = match checked.kind {
        DeclKind::Source => {
            let product = match checked.fields.get("product").map(|f| &f.value) {
                Some(Value::Ref(declaration)) => names.products[&declaration.name],
                _ => names.products[name],
            };
            let arrivals = match (
                dist_field(&checked.fields, "interarrival"),
                checked.fields.get("schedule").map(|f| &f.value),
            ) {
                (Some(distribution), _) => Arrivals::Interarrival(distribution),
                (None, Some(Value::List(times))) => {
                    Arrivals::Schedule(times.iter().filter_map(Value::si).collect())
                }
                (None, _) => Arrivals::Schedule(Vec::new()),
            };
            let limit = checked.fields.get("limit").and_then(|f| f.value.si()).map(|v| v as u64);
            ComponentKind::Source(Source { product, arrivals, limit })
        }
        DeclKind::Station => ComponentKind::Station(lower_station(checked, names)),
        DeclKind::Robot => {
            let mut station = lower_station(checked, names);
            let cycle_from_motion = !checked.fields.contains_key("cycle");
            if cycle_from_motion {
                station.cycle = Distribution::Constant { value: 0.0 };
            }
            let get = |n: &str| checked.fields.get(n).and_then(|f| f.value.si());
            let path = match checked.fields.get("path").map(|f| &f.value) {
                Some(Value::List(points)) => points.iter().filter_map(pair).collect(),
                _ => Vec::new(),
            };
            let fidelity = match word_field(checked, "fidelity").as_deref() {
                Some("kinematic") => Fidelity::Kinematic,
                Some("dynamic") => Fidelity::Dynamic,
                _ => Fidelity::Simple,
            };
            ComponentKind::Robot(Robot {
                station,
                motion: Motion {
                    reach: get("reach"),
                    payload: get("payload"),
                    speed: get("speed"),
                    accel: get("accel"),
                    jerk: get("jerk"),
                    path,
                    process: dist_field(&checked.fields, "process").or_else(|| {
                        number_in(&checked.fields, checked.kind, "process")
                            .map(|value| Distribution::Constant { value })
                    }),
                    fidelity,
                    cycle_from_motion,
                },
            })
        }
        DeclKind::Buffer => {
            let capacity = match checked.fields.get("capacity").map(|f| &f.value) {
                Some(Value::Number(q)) => q.si.map(|v| v as u64),
                _ => None,
            };
            let policy = if word_field(checked, "policy").as_deref() == Some("lifo") {
                QueuePolicy::Lifo
            } else {
                QueuePolicy::Fifo
            };
            ComponentKind::Buffer(Buffer { capacity, policy })
        }
        DeclKind::Conveyor => ComponentKind::Conveyor(Conveyor {
            length: number_field(checked, "length").unwrap_or(0.0),
            speed: number_field(checked, "speed").unwrap_or(0.0),
            spacing: number_field(checked, "spacing").unwrap_or(0.0),
            accumulating: bool_field(checked, "accumulating"),
            accel: number_field(checked, "accel"),
        }),
        DeclKind::Transport => ComponentKind::Transport(Transport {
            count: int_field(checked, "count") as u32,
            speed: number_field(checked, "speed").unwrap_or(0.0),
            load: dist_field(&checked.fields, "load"),
            unload: dist_field(&checked.fields, "unload"),
        }),
        _ => ComponentKind::Sink,
    };
    Component { name: name.to_string(), kind, routing: Routing::FirstAvailable, at }
}

fn restoration(value: Option<&Value>) -> Restoration {
    match value {
        Some(Value::Word(word)) if word == "old" => Restoration::Old,
        Some(Value::Number(q)) => Restoration::Fraction(q.si.unwrap_or(1.0)),
        _ => Restoration::New,
    }
}

fn clock(name: &str) -> Clock {
    if name == "calendar_time" { Clock::CalendarTime } else { Clock::BusyTime }
}

fn failure_law(value: &Value) -> FailureLaw {
    match value {
        Value::Clocked { value, clock: c } => FailureLaw::Time {
            life: dist(value).unwrap_or(Distribution::Constant { value: f64::INFINITY }),
            clock: clock(c),
        },
        Value::Number(q) => FailureLaw::Cycles(q.si.unwrap_or(0.0) as u64),
        other => FailureLaw::Time {
            life: dist(other).unwrap_or(Distribution::Constant { value: f64::INFINITY }),
            clock: Clock::BusyTime,
        },
    }
}

fn lower_failure(
    name: &str,
    fields: &Fields,
    law_field: &str,
    names: &Names,
) -> Option<FailureMode> {
    Some(FailureMode {
        name: name.to_string(),
        law: failure_law(&fields.get(law_field)?.value),
        repair: dist_field(fields, "repair")?,
        restores: restoration(fields.get("restores").map(|f| &f.value)),
        catastrophic: matches!(
            fields.get("catastrophic").map(|f| &f.value),
            Some(Value::Bool(true))
        ),
        uses: match fields.get("uses").map(|f| &f.value) {
            Some(Value::Ref(d)) => names.resources.get(&d.name).copied(),
            _ => None,
        },
    })
}

fn lower_station(checked: &CheckedBody, names: &Names) -> Station {
    let fields = &checked.fields;
    let mut failures = Vec::new();
    if let Some(mode) = lower_failure("failure", fields, "failure", names) {
        failures.push(mode);
    }
    for CheckedNested { keyword, name, fields, .. } in &checked.nested {
        if keyword == "failure"
            && let Some(mode) = lower_failure(name, fields, "after", names)
        {
            failures.push(mode);
        }
    }
    let maintenance = match fields.get("maintenance").map(|f| &f.value) {
        Some(Value::Call(call)) => {
            let arg = |n: &str| call.args.get(n);
            let takes =
                arg("takes").and_then(dist).unwrap_or(Distribution::Constant { value: 0.0 });
            match call.name.as_str() {
                "preventive" | "opportunistic" => {
                    // Checking established that exactly one of `every` and `age` is given.
                    let (interval, policy) = match arg("age") {
                        Some(age) => (Some(age), PreventivePolicy::Age),
                        None => (arg("every"), PreventivePolicy::Interval),
                    };
                    let (every, every_clock) = match interval {
                        Some(Value::Clocked { value, clock: c }) => {
                            (value.si().unwrap_or(0.0), clock(c))
                        }
                        Some(other) => (other.si().unwrap_or(0.0), Clock::CalendarTime),
                        None => (0.0, Clock::CalendarTime),
                    };
                    let restores = restoration(arg("restores"));
                    if call.name == "opportunistic" {
                        Maintenance::Opportunistic {
                            every,
                            clock: every_clock,
                            window: arg("window").and_then(Value::si).unwrap_or(0.0),
                            takes,
                            restores,
                            policy,
                        }
                    } else {
                        Maintenance::Preventive {
                            every,
                            clock: every_clock,
                            takes,
                            restores,
                            policy,
                        }
                    }
                }
                "predictive" => Maintenance::Predictive {
                    threshold: arg("threshold").and_then(Value::si).unwrap_or(0.0),
                    lead: arg("lead").and_then(Value::si).unwrap_or(0.0),
                    takes,
                    inspect_every: arg("inspect_every").and_then(Value::si),
                    detection: arg("detection").and_then(Value::si).unwrap_or(1.0),
                    restores: restoration(arg("restores")),
                },
                _ => Maintenance::Reactive,
            }
        }
        _ => Maintenance::Reactive,
    };
    let mut costs = Costs::default();
    if let Some(Value::Record(record)) = fields.get("costs").map(|f| &f.value) {
        let get = |n: &str| record.get(n).and_then(|f| f.value.si()).unwrap_or(0.0);
        costs = Costs {
            downtime_per_s: get("downtime"),
            repair: get("repair"),
            preventive: get("preventive"),
            operating_per_s: get("operating"),
            per_part: get("per_part"),
            inspection: get("inspection"),
        };
    }
    let assembly = match (
        fields.get("assemble").map(|f| &f.value),
        fields.get("produces").map(|f| &f.value),
    ) {
        (Some(Value::Map(inputs)), Some(Value::Ref(produces))) => Some(Assembly {
            inputs: inputs
                .iter()
                .filter_map(|(p, n)| Some((names.products[&p.name], n.si()? as u32)))
                .collect(),
            produces: names.products[&produces.name],
        }),
        _ => None,
    };
    let needs = match fields.get("needs").map(|f| &f.value) {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Ref(d) => names.resources.get(&d.name).copied(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Station {
        cycle: dist_field(fields, "cycle").unwrap_or(Distribution::Constant { value: 0.0 }),
        parallel: number_field(checked, "parallel").unwrap_or(1.0) as u32,
        setup: dist_field(fields, "setup"),
        failures,
        maintenance,
        costs,
        assembly,
        needs,
        crew: match fields.get("crew").map(|f| &f.value) {
            Some(Value::Ref(d)) => names.resources.get(&d.name).copied(),
            _ => None,
        },
    }
}

fn lower_routing(fields: &Fields, names: &Names) -> Routing {
    let mut probability = Vec::new();
    let mut by_product = Vec::new();
    for (key, field) in fields {
        match &field.value {
            Value::Number(q) => {
                if let Some(&id) = names.components.get(key) {
                    probability.push((id, q.si.unwrap_or(0.0)));
                }
            }
            Value::Ref(target) => {
                if let (Some(&product), Some(&id)) =
                    (names.products.get(key), names.components.get(&target.name))
                {
                    by_product.push((product, id));
                }
            }
            _ => {}
        }
    }
    if !by_product.is_empty() {
        Routing::ByProduct { targets: by_product }
    } else {
        Routing::Probability { targets: probability }
    }
}

fn lower_experiment(name: &str, fields: &Fields) -> Experiment {
    // Every experiment field is required or has a declared default, so each is present here.
    let get = |field: &str| number_in(fields, DeclKind::Experiment, field).unwrap_or_default();
    Experiment {
        name: name.to_string(),
        horizon: get("horizon"),
        warmup: get("warmup"),
        replications: get("replications") as u32,
        seed: get("seed") as u64,
        confidence: get("confidence"),
        warmup_auto: matches!(
            fields.get("warmup").map(|f| &f.value),
            Some(Value::Word(word)) if word == "auto"
        ),
        precision: fields.get("precision").and_then(|f| f.value.si()),
        max_replications: fields
            .get("max_replications")
            .and_then(|f| f.value.si())
            .map(|n| n as u32),
        design: None,
        input_uncertainty: fields.get("input_uncertainty").and_then(|f| f.value.si()).map(|b| {
            fab_runtime::uncertainty::InputUncertainty {
                macro_replications: b as u32,
                method: match fields.get("input_method").map(|f| &f.value) {
                    Some(Value::Word(word)) => {
                        fab_runtime::uncertainty::InputMethod::from_name(word).unwrap_or_default()
                    }
                    _ => fab_runtime::uncertainty::InputMethod::default(),
                },
            }
        }),
    }
}

/// The design of an experiment with `vary` members.
fn lower_design(fields: &Fields, varies: &[CheckedVary], model: &Model) -> Option<Design> {
    if varies.is_empty() {
        return None;
    }
    let get = |field: &str| number_in(fields, DeclKind::Experiment, field).unwrap_or_default();
    let kind = match fields.get("design").map(|f| &f.value) {
        Some(Value::Word(word)) if word == "latin_hypercube" => {
            DesignKind::LatinHypercube { points: get("points") as u32 }
        }
        _ => DesignKind::FullFactorial { levels: get("levels") as u32 },
    };
    Some(Design { factors: varies.iter().filter_map(|v| lower_factor(v, model)).collect(), kind })
}

/// A checked `vary` as a factor of the IR (its path was checked against `VARIABLE_FIELDS`).
fn lower_factor(vary: &CheckedVary, model: &Model) -> Option<Factor> {
    let component = model.find_component(&vary.path[0])?;
    let parameter = |field: DistributionField, param: &str| FactorTarget::Parameter {
        field,
        param: param.to_string(),
    };
    let target = match vary.path[1..].iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [field] => FactorTarget::number(model.component(component).kind.keyword(), field)?,
        ["maintenance", p] => FactorTarget::Maintenance(MaintenanceParameter::named(p)?),
        // The shorthand failure mode (`failure`, `repair`) is named after its field.
        [field, p] => parameter(DistributionField::of_component(field)?, p),
        [mode, field, p] => parameter(DistributionField::of_mode(mode, field)?, p),
        _ => return None,
    };
    Some(Factor {
        path: vary.path.join("."),
        component,
        target,
        low: vary.low,
        high: vary.high,
        integer: vary.integer,
        unit: vary.unit.clone(),
        unit_scale: vary.unit_scale,
    })
}

/// A `sensitivity` study on its base experiment.
fn lower_sensitivity(
    name: &str,
    base: ExperimentId,
    checked: &CheckedBody,
    model: &Model,
) -> Sensitivity {
    let fields = &checked.fields;
    let method = match fields.get("method").map(|f| &f.value) {
        Some(Value::Word(word)) if word == "oat" => SensitivityMethod::OneAtATime,
        Some(Value::Word(word)) if word == "morris" => SensitivityMethod::Morris,
        _ => SensitivityMethod::Sobol,
    };
    let measures = match fields.get("measures").map(|f| &f.value) {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::Word(word) => Some(word.clone()),
                _ => None,
            })
            .collect(),
        _ => vec!["throughput".to_string()],
    };
    Sensitivity {
        name: name.to_string(),
        base,
        factors: checked.varies.iter().filter_map(|v| lower_factor(v, model)).collect(),
        method,
        samples: number_in(fields, DeclKind::Sensitivity, "samples").unwrap_or(64.0) as u32,
        measures,
    }
}

/// An `optimize` study on its base experiment. What is still directional (orders to schedule,
/// a layout, a scheduling measure) is kept as the reason it cannot run.
fn lower_optimization(
    name: &str,
    base: ExperimentId,
    checked: &CheckedBody,
    model: &Model,
) -> Optimization {
    let quantity = |q: &GoalQuantity| match q {
        GoalQuantity::Measure(name) | GoalQuantity::Directional(name) => {
            Quantity::Measure { name: name.clone() }
        }
        GoalQuantity::Factor(index) => Quantity::Factor { index: *index },
    };
    let mut objectives = Vec::new();
    let mut constraints = Vec::new();
    for goal in &checked.goals {
        let quantity = quantity(&goal.quantity);
        match &goal.kind {
            GoalKind::Minimize => objectives.push(Objective { quantity, maximize: false }),
            GoalKind::Maximize => objectives.push(Objective { quantity, maximize: true }),
            GoalKind::Bound { at_least, value, written } => constraints.push(Constraint {
                quantity,
                at_least: *at_least,
                bound: *value,
                written: written.clone(),
            }),
        }
    }
    let directional_goal = checked.goals.iter().find_map(|goal| match &goal.quantity {
        GoalQuantity::Directional(word) => Some(word),
        _ => None,
    });
    let unsupported = match (checked.fields.contains_key("orders"), directional_goal) {
        (true, _) => Some(
            "scheduling production orders (`orders`) is directional: checked, not yet run".into(),
        ),
        (false, Some(word)) => Some(format!(
            "`{word}` is a scheduling or layout measure, directional: checked, not yet run"
        )),
        (false, None) => None,
    };
    Optimization {
        name: name.to_string(),
        base,
        factors: checked.varies.iter().filter_map(|v| lower_factor(v, model)).collect(),
        objectives,
        constraints,
        budget: checked
            .fields
            .get("budget")
            .and_then(|f| f.value.si())
            .map_or(fab_runtime::optimize::DEFAULT_BUDGET, |n| n as u32),
        unsupported,
    }
}

fn lower_resource(name: &str, checked: &CheckedBody) -> Resource {
    let number = |name: &str| checked.fields.get(name).and_then(|f| f.value.si());
    Resource {
        name: name.to_string(),
        count: int_field(checked, "count") as u32,
        stock: number("stock").map(|stock| stock as u32),
        lead: number("lead").unwrap_or(0.0),
    }
}

/// Fills `lowered` with the components and resources `scenario` overrides, each lowered again
/// from its checked body with the overrides applied. A scenario changes fields, never routes: a
/// component keeps the base `model`'s routing.
fn lower_overrides(
    lowered: &mut Scenario,
    db: &dyn Db,
    scenario: &CheckedBody,
    graph: &crate::validate::ModelGraph,
    names: &Names,
    declarations: &[Declaration],
    model: &Model,
) {
    for (item, (_, checked)) in crate::validate::scenario_bodies(db, declarations, scenario) {
        if let Some(index) = graph.index_of(&item) {
            let id = ComponentId(index as u32);
            let mut component = lower_component(&item, &checked, names);
            component.routing = model.component(id).routing.clone();
            lowered.components.push((id, component));
        } else if let Some(&id) = names.resources.get(&item) {
            lowered.resources.push((id, lower_resource(&item, &checked)));
        }
    }
}
