//! Model-wide validation: the rules no single item can check (LANGUAGE.md §3, §9).
//!
//! [`model_graph`] collects every component of the model and every flow between them.
//! [`validate_model`] then checks that names are unique across the model's files, that every
//! component is reachable from a source and reaches a sink, that flows do not enter sources or leave
//! sinks, that routes name successors and sum to 100 %, that one currency is used, that parts are
//! within robot payloads and that assembly stations can receive what they assemble.

use crate::check::{self, CheckedBody, check_item, is_component_kind};
use crate::db::{Db, SourceFile};
use crate::diagnostic::{Diagnostic, Label, Location, and_list};
use crate::scope::{Declaration, files_in_definition_order, model_files, scope};
use crate::syntax::{ItemClass, item_index, item_syntax};
use crate::value::{Field, Value};
use fab_grammar::ast::{DeclKind, ItemKind, Span};
use fab_stdlib::dist::Distribution;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// A component of the model graph.
#[derive(Clone, PartialEq, Debug)]
pub struct GraphNode {
    pub declaration: Declaration,
    pub kind: DeclKind,
    pub name_location: Location,
}

/// The components and flows of a model, before lowering.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct ModelGraph {
    /// Components in declaration order (files in model order).
    pub nodes: Vec<GraphNode>,
    /// Connections by node index, flows first in the order written, then route targets that no
    /// flow connects; without repeats.
    pub edges: Vec<GraphEdge>,
    /// Routes: the node they route and the route declaration.
    pub routes: Vec<(usize, Declaration)>,
    /// A flow or route names something that is not a component of the model (reported as E0101
    /// or E0103 where it is written), or a file of the model was not read to its end (E0001: an
    /// expression nested past the bounds on depth), so some connections may be missing from
    /// `edges`.
    pub incomplete: bool,
}

/// One connection of the model graph.
#[derive(Clone, PartialEq, Debug)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    /// Where the flow (or route entry) that makes it was written.
    pub location: Location,
    /// Made by a route entry rather than a flow.
    pub from_route: bool,
}

impl ModelGraph {
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.declaration.name == name)
    }

    /// Successor lists, indexed by node, in edge order (built once: `edges` is a flat list).
    pub fn successor_lists(&self) -> Vec<Vec<usize>> {
        let mut lists = vec![Vec::new(); self.nodes.len()];
        for edge in &self.edges {
            lists[edge.from].push(edge.to);
        }
        lists
    }

    /// Predecessor lists, indexed by node.
    pub fn predecessor_lists(&self) -> Vec<Vec<usize>> {
        let mut lists = vec![Vec::new(); self.nodes.len()];
        for edge in &self.edges {
            lists[edge.to].push(edge.from);
        }
        lists
    }
}

/// Every declaration of the model's files, in the order they are defined
/// ([`crate::scope::files_in_definition_order`]). A query, so that the model-wide passes that each
/// walk the list (the graph, the checks of names and bodies, lowering) share one copy.
#[salsa::tracked(returns(ref))]
pub fn model_declarations(db: &dyn Db, root: SourceFile) -> Vec<Declaration> {
    let mut out = Vec::new();
    for &file in files_in_definition_order(db, root) {
        for entry in item_index(db, file) {
            if let ItemClass::Decl(_) | ItemClass::Template = entry.class {
                out.push(Declaration {
                    name: entry.key.name.clone(),
                    file,
                    key: entry.key.clone(),
                    class: entry.class,
                });
            }
        }
    }
    out
}

/// The model's process graph.
#[salsa::tracked(returns(ref))]
pub fn model_graph(db: &dyn Db, root: SourceFile) -> ModelGraph {
    let unread =
        model_files(db, root).iter().any(|&file| *crate::syntax::has_unread_text(db, file));
    let mut graph = ModelGraph { incomplete: unread, ..ModelGraph::default() };
    // Looked up by name only, never walked in order.
    let declarations = model_declarations(db, root);
    let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(declarations.len());
    for declaration in declarations {
        let ItemClass::Decl(kind) = declaration.class else { continue };
        if is_component_kind(kind) && !by_name.contains_key(declaration.name.as_str()) {
            let name_location =
                match check_item(db, declaration.file, declaration.key.clone()).body.as_ref() {
                    Some(body) => body.name_location.clone(),
                    None => Location {
                        file: declaration.file,
                        item: Some(declaration.key.clone()),
                        span: Span::default(),
                    },
                };
            by_name.insert(&declaration.name, graph.nodes.len());
            graph.nodes.push(GraphNode { declaration: declaration.clone(), kind, name_location });
        }
    }
    // Routes may come before their component, so they are attached once every node is known. A
    // route in a file that does not see its component is reported there (E0101) and attached to
    // nothing, as a flow naming it would be: the graph lacks its connections.
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Route) {
            continue;
        }
        let seen = scope(db, declaration.file).lookup(&declaration.name).cloned();
        match by_name.get(declaration.name.as_str()) {
            Some(&node) if seen.as_ref() == Some(&graph.nodes[node].declaration) => {
                graph.routes.push((node, declaration.clone()));
            }
            _ => graph.incomplete = true,
        }
    }
    let mut seen_edges = BTreeSet::new();
    for &file in files_in_definition_order(db, root) {
        let file_scope = scope(db, file);
        for entry in item_index(db, file) {
            if entry.class != ItemClass::Flow {
                continue;
            }
            let Some(item) = item_syntax(db, file, entry.key.clone()).clone() else { continue };
            let ItemKind::Flow(flow) = &item.kind else { continue };
            let nodes: Vec<Option<(usize, Span)>> = flow
                .stages
                .iter()
                .map(|stage| {
                    let declaration = file_scope.lookup(&stage.name)?;
                    by_name.get(declaration.name.as_str()).map(|&index| (index, stage.span))
                })
                .collect();
            graph.incomplete |= nodes.iter().any(Option::is_none);
            for pair in nodes.windows(2) {
                if let [Some((from, from_span)), Some((to, to_span))] = pair
                    && seen_edges.insert((*from, *to))
                {
                    let location = Location {
                        file,
                        item: Some(entry.key.clone()),
                        span: from_span.cover(*to_span),
                    };
                    graph.edges.push(GraphEdge {
                        from: *from,
                        to: *to,
                        location,
                        from_route: false,
                    });
                }
            }
        }
    }
    // A route's targets are successors of the routed component even without a flow (LANGUAGE.md §1).
    for (node, declaration) in graph.routes.clone() {
        let Some(route) = &check_item(db, declaration.file, declaration.key.clone()).body else {
            continue;
        };
        for (key, field) in &route.fields {
            let target = match &field.value {
                Value::Ref(target) => target.name.clone(),
                // A share whose value was refused still names its target.
                Value::Number(_) | Value::Error => key.clone(),
                _ => continue,
            };
            let Some(&to) = by_name.get(target.as_str()) else {
                graph.incomplete = true;
                continue;
            };
            if seen_edges.insert((node, to)) {
                graph.edges.push(GraphEdge {
                    from: node,
                    to,
                    location: field.location.clone(),
                    from_route: true,
                });
            }
        }
    }
    graph
}

/// Checks the rules that span the whole model.
#[salsa::tracked(returns(ref))]
pub fn validate_model(db: &dyn Db, root: SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_unique_names(db, root, &mut out);
    let graph = model_graph(db, root);

    // Flows into sources and out of sinks.
    for GraphEdge { from, to, location, .. } in &graph.edges {
        if graph.nodes[*to].kind == DeclKind::Source {
            out.push(
                Diagnostic::error(
                    "E0605",
                    format!("flow into the source `{}`", graph.nodes[*to].declaration.name),
                )
                .primary(location.clone(), "a source creates parts; nothing flows into it")
                .help("Start the flow at the source, or make the target a station or buffer."),
            );
        }
        if graph.nodes[*from].kind == DeclKind::Sink {
            out.push(
                Diagnostic::error(
                    "E0605",
                    format!("flow out of the sink `{}`", graph.nodes[*from].declaration.name),
                )
                .primary(location.clone(), "a sink removes parts; nothing leaves it")
                .help("End the flow at the sink, or make it a station or buffer."),
            );
        }
    }

    // Reachability: from some source, and to some sink. A name in a flow or route that does not
    // resolve is reported where it is written; its missing connection would make the components
    // around it look unconnected, so reachability waits until every name resolves.
    let successors = graph.successor_lists();
    let of_kind = |kind: DeclKind| {
        graph.nodes.iter().enumerate().filter(move |(_, n)| n.kind == kind).map(|(i, _)| i)
    };
    let reachability = (!graph.incomplete).then(|| {
        let forward = reachable(of_kind(DeclKind::Source), &successors);
        (forward, reachable(of_kind(DeclKind::Sink), &graph.predecessor_lists()))
    });
    for (index, node) in graph.nodes.iter().enumerate() {
        let Some((forward, backward)) = &reachability else { break };
        let name = &node.declaration.name;
        if !forward[index] {
            out.push(
                Diagnostic::error("E0601", format!("`{name}` is not reachable from any source"))
                    .primary(node.name_location.clone(), "no flow leads here from a source")
                    .help(format!(
                        "Connect it with a `flow` from a source, e.g. `flow SOURCE -> … -> {name}`."
                    )),
            );
        } else if !backward[index] {
            out.push(
                Diagnostic::error(
                    "E0602",
                    format!("`{name}` is a dead end: no sink can be reached from it"),
                )
                .primary(
                    node.name_location.clone(),
                    "parts that arrive here can never leave the model",
                )
                .help(format!("Continue the flow to a sink, e.g. `flow {name} -> … -> SINK`.")),
            );
        }
    }

    // Routes: they cover every successor a flow gives; probabilities sum to 100 %.
    for (node, declaration) in &graph.routes {
        let checked = check_item(db, declaration.file, declaration.key.clone());
        let Some(route) = &checked.body else { continue };
        let mut total = 0.0;
        let mut probabilistic = false;
        let mut covered = BTreeSet::new();
        // A share already refused (E0303, E0205…) leaves the sum unknown.
        let mut refused = false;
        for (target, field) in &route.fields {
            let target_name = match &field.value {
                Value::Ref(declaration) => declaration.name.clone(),
                Value::Number(q) => {
                    probabilistic = true;
                    total += q.si.unwrap_or(0.0);
                    target.clone()
                }
                Value::Error => {
                    refused = true;
                    target.clone()
                }
                _ => continue,
            };
            covered.insert(target_name);
        }
        if probabilistic {
            for edge in graph.edges.iter().filter(|e| e.from == *node && !e.from_route) {
                let successor = &graph.nodes[edge.to].declaration.name;
                if !covered.contains(successor) {
                    out.push(
                        Diagnostic::error(
                            "E0604",
                            format!(
                                "the route of `{}` never sends parts to `{successor}`",
                                declaration.name
                            ),
                        )
                        .primary(route.name_location.clone(), format!("no share for `{successor}`"))
                        .secondary(edge.location.clone(), "this flow leads there")
                        .help(format!(
                            "Give `{successor}` a share in the route, or remove the flow."
                        )),
                    );
                }
            }
        }
        if probabilistic && !refused && (total - 1.0).abs() > 1e-9 {
            let remainder = (1.0 - total) * 100.0;
            // One fix per target whose share can absorb the difference and stay within 0–100 %.
            let mut fixes = Vec::new();
            for (target, field) in &route.fields {
                if let Value::Number(q) = &field.value
                    && let Some(share) = q.si
                {
                    let adjusted = (share + 1.0 - total) * 100.0;
                    if (-1e-9..=100.0 + 1e-9).contains(&adjusted) {
                        let text = format!("{} %", trim_float(adjusted.clamp(0.0, 100.0)));
                        fixes.push((
                            format!("Set `{target}` to {text}"),
                            field.value_location.clone(),
                            text,
                        ));
                    }
                }
            }
            let mut diagnostic = Diagnostic::error(
                "E0603",
                format!(
                    "the route of `{}` sums to {} %",
                    declaration.name,
                    trim_float(total * 100.0)
                ),
            )
            .primary(route.name_location.clone(), "shares must sum to 100 %")
            .help(if remainder > 0.0 {
                format!("Add {} % to one of the targets.", trim_float(remainder))
            } else {
                format!("Remove {} % from the targets.", trim_float(-remainder))
            });
            for (title, location, text) in fixes {
                diagnostic = diagnostic.fix(title, location, text);
            }
            out.push(diagnostic);
        }
    }

    check_currencies(db, root, &mut out);
    let declarations = model_declarations(db, root);
    let body = |declaration: &Declaration| {
        check_item(db, declaration.file, declaration.key.clone()).body.as_ref()
    };
    let found = checks_of_bodies(db, graph, &successors, declarations, &body);
    check_scenarios(db, graph, &successors, declarations, &found, &mut out);
    check_study_bases(db, declarations, &mut out);
    out.extend(found);
    check_input_uncertainty(db, graph, declarations, &mut out);
    out
}

/// E0706 at an experiment or scenario whose input uncertainty has nothing it can redraw: a
/// model without a law made from data (`fit(…)`, `empirical(…)` as a law the engine samples), or
/// `input_method = parametric` with a fit whose estimate has no standard errors to draw from
/// (a uniform's, a triangular's: [`fab_runtime::uncertainty::parametric_problem`], which the run
/// asks too). A scenario is held to it on the model it runs, with its settings over its base's
/// (one that replaces every fitted law leaves nothing to redraw); what its base experiment
/// already has is reported once, there. The run refused these only once the model had checked
/// clean.
fn check_input_uncertainty(
    db: &dyn Db,
    graph: &ModelGraph,
    declarations: &[Declaration],
    out: &mut Vec<Diagnostic>,
) {
    let own = |declaration: &Declaration| {
        let checked = check_item(db, declaration.file, declaration.key.clone());
        checked.body.as_ref().map(|body| (body, checked.fits.iter().collect::<Vec<_>>()))
    };
    let mut of_experiments: BTreeMap<&str, Vec<Diagnostic>> = BTreeMap::new();
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Experiment) {
            continue;
        }
        let Some((body, _)) = own(declaration) else { continue };
        let found = redraw_refusals(graph, &body.fields, &own);
        out.extend(found.iter().cloned());
        of_experiments.insert(&declaration.name, found);
    }
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Scenario) {
            continue;
        }
        let checked = check_item(db, declaration.file, declaration.key.clone());
        let Some(scenario) = checked.body.as_ref() else { continue };
        if checked.diagnostics.iter().any(Diagnostic::is_error) {
            continue;
        }
        let Some(base) = &scenario.base else { continue };
        let Some((base_body, _)) = own(base) else { continue };
        let settings = scenario_settings(base_body, scenario);
        let changed = scenario_bodies(db, declarations, scenario);
        let component = |d: &Declaration| match changed.get(&d.name) {
            Some((_, body)) => {
                let own_fits = &check_item(db, d.file, d.key.clone()).fits;
                Some((body, checked.fits.iter().chain(own_fits).collect()))
            }
            None => own(d),
        };
        let known = of_experiments.get(base.name.as_str()).map_or(&[][..], Vec::as_slice);
        for diagnostic in redraw_refusals(graph, &settings, &component) {
            if !known.iter().any(|k| k.code == diagnostic.code && k.message == diagnostic.message) {
                let diagnostic = shown_at_scenario(diagnostic, declaration);
                out.push(under_scenario(diagnostic, declaration, scenario));
            }
        }
    }
}

/// A component's checked body, with the fits that may have made its laws.
type BodyAndFits<'a> = (&'a CheckedBody, Vec<&'a crate::data::FitReport>);

/// The refusals of [`check_input_uncertainty`] for experiment settings `settings` on the model
/// whose components `component` gives, each with its checked body and the fits that may have made
/// its laws.
fn redraw_refusals<'a>(
    graph: &ModelGraph,
    settings: &crate::value::Fields,
    component: &dyn Fn(&Declaration) -> Option<BodyAndFits<'a>>,
) -> Vec<Diagnostic> {
    let set = |name: &str| check::set_field(settings, name);
    let Some(input_uncertainty) = set("input_uncertainty") else { return Vec::new() };
    let mut laws = Vec::new();
    let mut refused = graph.incomplete;
    for node in &graph.nodes {
        let Some((body, fits)) = component(&node.declaration) else {
            refused = true;
            continue;
        };
        refused |= crate::inputs::has_refused_field(body);
        let name = &node.declaration.name;
        laws.extend(crate::inputs::data_laws(body, &fits).into_iter().map(|law| (name, law)));
    }
    let mut found = Vec::new();
    if laws.is_empty() {
        if !refused {
            found.push(
                Diagnostic::error(
                    "E0706",
                    "input uncertainty has no input made from data to redraw",
                )
                .primary(
                    input_uncertainty.value_location.clone(),
                    "redraws the laws made from data",
                )
                .help(
                    "Input uncertainty redraws the laws the model makes from data: a \
                         `fit(\"data.csv\", column = …)` or an `empirical(…)` as a cycle, a \
                         robot's process, a setup, an interarrival time, a failure's life or a \
                         repair (a fit elsewhere, such as a maintenance duration, is no input). \
                         This model has none: make one from data, or remove \
                         `input_uncertainty`.",
                ),
            );
        }
        return found;
    }
    let parametric = set("input_method")
        .filter(|method| matches!(&method.value, Value::Word(word) if word == "parametric"));
    let Some(method) = parametric else { return found };
    for (component, law) in laws {
        let Some(report) = law.fit else { continue };
        let Some(best) = report.fitted.ranking.best() else { continue };
        let problem = fab_runtime::uncertainty::parametric_problem(
            best.family,
            &best.values(),
            best.covariance.as_deref(),
        );
        let Some(why) = problem else { continue };
        let input = format!("{component}.{}", law.path);
        found.push(
            Diagnostic::error(
                "E0706",
                format!("`input_method = parametric` cannot redraw `{input}`"),
            )
            .primary(method.value_location.clone(), "draws parameters from their standard errors")
            .secondary(report.location.clone(), why)
            .help(format!(
                "Use `input_method = bootstrap`, which resamples the data and refits the \
                     family, or fit `{input}` to families whose estimates have standard errors \
                     (its `families`)."
            )),
        );
    }
    found
}

/// The model-wide rules that read components' and resources' fields, with each body as `body`
/// gives it: the model's own, or the model as a scenario changes it.
fn checks_of_bodies<'a>(
    db: &dyn Db,
    graph: &ModelGraph,
    successors: &[Vec<usize>],
    declarations: &[Declaration],
    body: &dyn Fn(&Declaration) -> Option<&'a CheckedBody>,
) -> Vec<Diagnostic> {
    let node_body = |node: &GraphNode| body(&node.declaration);
    let mut out = Vec::new();
    check_instant_flows(graph, successors, &node_body, &mut out);
    check_products(db, graph, successors, body, &mut out);
    check_crews_and_spares(db, graph, &node_body, &mut out);
    check_staffing(db, graph, declarations, body, &mut out);
    out
}

/// A scenario is held to the rules its overrides would meet written into the model: the rules of
/// each declaration it changes (`weld.failure` without a `repair` is E0206, as in `weld` itself)
/// and the model-wide rules on the model it runs (a source's `product` changed so that no `B`
/// reaches an assembly is E0801). Only what the scenario adds is reported, with its name: a
/// problem the model has already is reported once, for the model.
fn check_scenarios(
    db: &dyn Db,
    graph: &ModelGraph,
    successors: &[Vec<usize>],
    declarations: &[Declaration],
    model_found: &[Diagnostic],
    out: &mut Vec<Diagnostic>,
) {
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Scenario) {
            continue;
        }
        let checked = check_item(db, declaration.file, declaration.key.clone());
        let (Some(scenario), own) = (checked.body.as_ref(), &checked.diagnostics) else {
            continue;
        };
        // An override refused on its own (a value out of range, a resource made a spare part)
        // is reported there; the model it would make is not checked further.
        if own.iter().any(Diagnostic::is_error) {
            continue;
        }
        let known = |d: &Diagnostic, already: &[Diagnostic]| {
            already.iter().any(|a| a.code == d.code && a.message == d.message)
        };
        let mut added = Vec::new();
        // Its own settings over its base experiment's are held to an experiment's rules, as if
        // written into the base: a `warmup` past the base's `horizon` is E0205 here, not a
        // refusal when the scenario runs.
        if let Some(base) = &scenario.base
            && scenario.fields.keys().any(|path| !path.contains('.'))
            && let Some(base_body) = check_item(db, base.file, base.key.clone()).body.as_ref()
        {
            let settings =
                CheckedBody { fields: scenario_settings(base_body, scenario), ..base_body.clone() };
            let before = check::declaration_rules(db, base, base_body, declaration);
            for diagnostic in check::declaration_rules(db, base, &settings, declaration) {
                if !known(&diagnostic, &before) && !known(&diagnostic, own) {
                    added.push(shown_at_scenario(diagnostic, declaration));
                }
            }
        }
        let changed = scenario_bodies(db, declarations, scenario);
        if changed.is_empty() {
            out.extend(added.into_iter().map(|d| under_scenario(d, declaration, scenario)));
            continue;
        }
        for (item, body) in changed.values() {
            let model_body = check_item(db, item.file, item.key.clone()).body.as_ref();
            let before = model_body
                .map(|b| check::declaration_rules(db, item, b, declaration))
                .unwrap_or_default();
            for diagnostic in check::declaration_rules(db, item, body, declaration) {
                if !known(&diagnostic, &before) && !known(&diagnostic, own) {
                    added.push(diagnostic);
                }
            }
        }
        added.extend(scenario_vary_refusals(db, declaration, scenario, &changed));
        let body = |d: &Declaration| match changed.get(&d.name) {
            Some((_, body)) => Some(body),
            None => check_item(db, d.file, d.key.clone()).body.as_ref(),
        };
        for diagnostic in checks_of_bodies(db, graph, successors, declarations, &body) {
            if !known(&diagnostic, model_found) && !known(&diagnostic, own) {
                added.push(diagnostic);
            }
        }
        out.extend(added.into_iter().map(|d| under_scenario(d, declaration, scenario)));
    }
}

/// E0705: an `optimize` or `sensitivity` study runs its own factors with its base experiment's
/// horizon, replications and seed, and nothing else of it; a design the base declares (its
/// `vary`s) would be dropped without a word, every point running with those numbers at their
/// model values. Like the other settings of a base no study can honour (`warmup = auto`,
/// `precision`, input uncertainty), it is refused, and here before anything runs. A scenario
/// inherits its base's design, and `sync` does not run, so neither is concerned.
fn check_study_bases(db: &dyn Db, declarations: &[Declaration], out: &mut Vec<Diagnostic>) {
    for declaration in declarations {
        let ItemClass::Decl(kind @ (DeclKind::Optimize | DeclKind::Sensitivity)) =
            declaration.class
        else {
            continue;
        };
        let checked = check_item(db, declaration.file, declaration.key.clone());
        let Some(study) = checked.body.as_ref() else { continue };
        let (Some(base), Some(written)) = (&study.base, &study.base_location) else { continue };
        let base_checked = check_item(db, base.file, base.key.clone());
        let Some(design) = base_checked.body.as_ref().map(|body| &body.varies) else { continue };
        let Some(first) = design.first() else { continue };
        let factors: Vec<String> =
            design.iter().map(|vary| format!("`{}`", vary.path.join("."))).collect();
        let keyword = kind.keyword();
        let article = if keyword.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
        out.push(
            Diagnostic::error(
                "E0705",
                format!(
                    "{keyword} `{}` is based on `{}`, a designed experiment",
                    declaration.name, base.name
                ),
            )
            .primary(written.clone(), format!("`{}` varies {}", base.name, and_list(&factors)))
            .secondary(first.location.clone(), "a design the study would drop")
            .help(format!(
                "{article} `{keyword}` study varies only its own factors, with its base's horizon, \
                 replications and seed: base it on an experiment without `vary`, or move \
                 `{}` into the study to vary it there.",
                first.path.join(".")
            )),
        );
    }
}

/// E0703 for each `vary` of the scenario's base experiment of a number the component as the
/// scenario makes it does not have ([`check::factor_refusal`]: `vary weld.maintenance.age` under
/// a scenario that maintains `weld` by `every`, which stopped the run), or that would change
/// nothing on a robot as the scenario makes it ([`check::robot_factor_refusal`]): `vary arm.speed` under a scenario
/// that gives `arm` a `cycle` runs the same point at every level, as the same `vary` of a robot
/// written with a `cycle` would, which the experiment's own check refuses. The experiment keeps
/// only the `vary`s the model accepts, so what is found here is the scenario's doing. Likewise
/// for a range that reaches a conveyor spacing larger than the length the scenario gives
/// ([`check::conveyor_factor_refusals`]), a robot cycle longer than the longest run on the
/// path or limits the scenario gives ([`check::robot_cycle_refusals`]), or a law the scenario
/// writes that some point of its parameters' ranges breaks ([`check::law_corner_refusals`]),
/// found here only when the declared component passes.
fn scenario_vary_refusals(
    db: &dyn Db,
    declaration: &Declaration,
    scenario: &CheckedBody,
    changed: &BTreeMap<String, (Declaration, CheckedBody)>,
) -> Vec<Diagnostic> {
    let Some(base) = &scenario.base else { return Vec::new() };
    let experiment = check_item(db, base.file, base.key.clone());
    let Some(experiment) = experiment.body.as_ref() else { return Vec::new() };
    let mut found = Vec::new();
    for vary in &experiment.varies {
        let [name, path @ ..] = vary.path.as_slice() else { continue };
        let Some((item, body)) = changed.get(name) else { continue };
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        // A number the component as the scenario makes it does not have (its maintenance due
        // by `every` where the experiment varies its `age`); the declared one has it, or the
        // experiment's own check refused the `vary`.
        let refused = match check::factor_refusal(name, body, &path) {
            Some(refusal)
                if check::clean_body(db, item).is_some_and(|declared| {
                    check::factor_refusal(name, declared, &path).is_none()
                }) =>
            {
                Some((refusal.label, refusal.help, path[0]))
            }
            _ => check::robot_factor_refusal(name, body, &path)
                .map(|refusal| (refusal.label, refusal.help, refusal.cause)),
        };
        let Some((label, help, cause_field)) = refused else { continue };
        let mut diagnostic =
            Diagnostic::error("E0703", format!("cannot vary `{}`", vary.path.join(".")))
                .primary(vary.location.clone(), label)
                .help(help);
        if let Some(cause) = body.fields.get(cause_field)
            && declaration.writes(&cause.location)
        {
            diagnostic = diagnostic.secondary(
                cause.location.clone(),
                format!("`{name}.{cause_field}` set by this scenario"),
            );
        }
        found.push(diagnostic);
    }
    // A conveyor the scenario shortens, or widens the spacing of, under a range of the other; a
    // robot it slows (a longer path, a lower limit). What the components as declared refuse was
    // reported at the experiment.
    let declared =
        range_refusals(&experiment.varies, &|name| check::clean_body(db, &changed.get(name)?.0));
    let made = range_refusals(&experiment.varies, &|name| changed.get(name).map(|(_, body)| body));
    found.extend(made.into_iter().filter(|d| !declared.iter().any(|o| o.message == d.message)));
    found
}

/// The refusals of a study's ranges that depend on more than the varied number, for the
/// components `body_of` gives: a conveyor's spacing beyond its length
/// ([`check::conveyor_factor_refusals`]), a robot's cycle beyond the longest run
/// ([`check::robot_cycle_refusals`]) and a distribution that is no law at a corner of the ranges
/// of its parameters ([`check::law_corner_refusals`]); the last two for every range, since a
/// scenario's robot or law is not the one each `vary` was checked against.
fn range_refusals<'a>(
    varies: &[check::CheckedVary],
    body_of: &dyn Fn(&str) -> Option<&'a CheckedBody>,
) -> Vec<Diagnostic> {
    let mut found = check::conveyor_factor_refusals(varies, body_of);
    found.extend(check::robot_cycle_refusals(varies, body_of, false));
    found.extend(check::law_corner_refusals(varies, body_of));
    found
}

/// `diagnostic` with its first label in `scenario` made the primary one, when it has one and its
/// primary is elsewhere: a problem of the scenario's own settings, or of the inputs its run
/// redraws, is shown where the scenario writes what causes it (`precision` beside its
/// experiment's `input_uncertainty`, which alone is fine), not in the experiment.
fn shown_at_scenario(mut diagnostic: Diagnostic, declaration: &Declaration) -> Diagnostic {
    let in_scenario = |label: &Label| declaration.writes(&label.location);
    if let Some(first) = diagnostic.labels.iter().position(in_scenario)
        && !diagnostic.labels.iter().any(|label| label.primary && in_scenario(label))
    {
        for (index, label) in diagnostic.labels.iter_mut().enumerate() {
            label.primary = index == first;
        }
    }
    diagnostic
}

/// A problem found under `scenario`: named with it, and shown at the scenario. When none of its
/// labels is in the scenario (`weld` has a `failure` and no `repair`, said at `weld`), the
/// scenario's overrides of the declarations it points at (or else all its overrides) are
/// labelled, and its fixes, which would edit the model, are dropped.
fn under_scenario(
    mut diagnostic: Diagnostic,
    declaration: &Declaration,
    scenario: &CheckedBody,
) -> Diagnostic {
    diagnostic.message = format!("under scenario `{}`, {}", declaration.name, diagnostic.message);
    let in_scenario = |location: &Location| declaration.writes(location);
    if diagnostic.labels.iter().any(|label| in_scenario(&label.location)) {
        return diagnostic;
    }
    let named: BTreeSet<&str> = diagnostic
        .labels
        .iter()
        .filter_map(|label| label.location.item.as_ref())
        .map(|key| key.name.as_str())
        .collect();
    let overrides: Vec<(&String, &Field, bool)> = scenario
        .fields
        .iter()
        .filter_map(|(path, field)| {
            let (item, _) = path.split_once('.')?;
            Some((path, field, named.contains(item)))
        })
        .collect();
    let any_named = overrides.iter().any(|(_, _, named)| *named);
    let pointed = overrides.into_iter().filter(|(_, _, named)| *named || !any_named);
    for label in &mut diagnostic.labels {
        label.primary = false;
    }
    for (index, (path, field, _)) in pointed.enumerate() {
        let label = Label {
            location: field.location.clone(),
            message: format!("`{path}` set by this scenario"),
            primary: index == 0,
        };
        diagnostic.labels.insert(index, label);
    }
    diagnostic.fixes.clear();
    diagnostic
}

/// The declarations a scenario changes, each as the scenario runs it, by name: its checked body
/// with the scenario's overrides in place of its fields (`press.bearing.repair = …` in the failure
/// mode `bearing`, `press.costs.repair = …` in the record `costs`). Only components, resources
/// and products have fields a scenario may override, as the checker ensures; a product's
/// (`P.mass = 10 kg`) is read by the model-wide rules, not by the run.
pub(crate) fn scenario_bodies(
    db: &dyn Db,
    declarations: &[Declaration],
    scenario: &CheckedBody,
) -> BTreeMap<String, (Declaration, CheckedBody)> {
    let mut changed: BTreeMap<String, (Declaration, CheckedBody)> = BTreeMap::new();
    for (path, field) in &scenario.fields {
        let segments: Vec<&str> = path.split('.').collect();
        let [item, rest @ ..] = segments.as_slice() else { continue };
        if rest.is_empty() {
            continue;
        }
        if !changed.contains_key(*item) {
            let Some(declaration) = declarations.iter().find(|d| {
                d.name == *item
                    && matches!(d.class, ItemClass::Decl(kind)
                        if is_component_kind(kind)
                            || kind == DeclKind::Resource
                            || kind == DeclKind::Product)
            }) else {
                continue;
            };
            let Some(body) = check_item(db, declaration.file, declaration.key.clone()).body.clone()
            else {
                continue;
            };
            changed.insert(item.to_string(), (declaration.clone(), body));
        }
        let (_, body) = changed.get_mut(*item).expect("inserted above");
        apply_override(body, rest, field.clone());
    }
    changed
}

/// The experiment settings of a scenario: its base experiment's fields with the scenario's own
/// (`horizon = 60 d`) in their place; paths to components' fields are not settings. Lowering
/// runs these, and checking holds them to an experiment's rules.
pub(crate) fn scenario_settings(
    base: &CheckedBody,
    scenario: &CheckedBody,
) -> crate::value::Fields {
    let mut settings = base.fields.clone();
    for (path, field) in &scenario.fields {
        if !path.contains('.') {
            settings.insert(path.clone(), field.clone());
        }
    }
    settings
}

/// Puts one override, at `path` below its declaration, into the declaration's checked body.
fn apply_override(checked: &mut CheckedBody, path: &[&str], field: Field) {
    match path {
        [name] => {
            checked.fields.insert(name.to_string(), field);
        }
        [record, name]
            if checked.fields.contains_key(*record)
                || fab_stdlib::catalog::kind(checked.kind.keyword())
                    .and_then(|k| k.field(record))
                    .is_some() =>
        {
            let entry = checked.fields.entry(record.to_string()).or_insert_with(|| Field {
                value: Value::Record(crate::value::Fields::new()),
                location: field.location.clone(),
                value_location: field.location.clone(),
            });
            if let Value::Record(inner) = &mut entry.value {
                inner.insert(name.to_string(), field);
            }
        }
        [mode, name] => {
            if let Some(nested) = checked.nested.iter_mut().find(|n| n.name == *mode) {
                nested.fields.insert(name.to_string(), field);
            }
        }
        _ => {}
    }
}

/// E0608: a source with a part ready at every instant (`interarrival = 0 s`, no `limit`) whose
/// parts can always move on without time passing, to a sink or into an unlimited buffer, through
/// buffers only. Such a model creates parts for ever at its first instant; the engine would stop it
/// only after ten million events (and, into an unlimited buffer, hundreds of megabytes).
///
/// A component *drains* when it takes any number of parts at one instant: a sink, an unlimited
/// buffer, or a buffer of limited capacity whose parts can always go on to one that drains — to
/// any successor (a part goes to the first that can take it), or, when a route draws the successor,
/// to every one (a drawn successor that cannot take the part holds the buffer up). The analysis
/// only reports what is certain: stations, conveyors and robots take time, or may, and a route by
/// product counts as drawing, so anything it cannot settle is left to the engine's own guard.
fn check_instant_flows<'db>(
    graph: &ModelGraph,
    successors: &[Vec<usize>],
    body: &dyn Fn(&GraphNode) -> Option<&'db CheckedBody>,
    out: &mut Vec<Diagnostic>,
) {
    let routed: BTreeSet<usize> = graph.routes.iter().map(|(node, _)| *node).collect();
    let bodies: Vec<Option<&CheckedBody>> = graph.nodes.iter().map(body).collect();
    let capacity = |index: usize| bodies[index].and_then(|b| b.fields.get("capacity"));
    let unlimited = |index: usize| {
        capacity(index).is_some_and(|f| matches!(&f.value, Value::Word(w) if w == "unlimited"))
    };
    // For each node that drains, the sink or unlimited buffer its parts reach.
    let mut drains_into: Vec<Option<usize>> = vec![None; graph.nodes.len()];
    // Whether `index`'s parts can always go on at once to a successor that drains: if so, the
    // sink or unlimited buffer they reach.
    let goes_on = |index: usize, drains_into: &[Option<usize>]| -> Option<usize> {
        let next = &successors[index];
        if routed.contains(&index) {
            if !next.iter().all(|&s| drains_into[s].is_some()) {
                return None;
            }
            next.first().and_then(|&s| drains_into[s])
        } else {
            next.iter().find_map(|&s| drains_into[s])
        }
    };
    let predecessors = graph.predecessor_lists();
    let mut work = Vec::new();
    for (index, node) in graph.nodes.iter().enumerate() {
        if node.kind == DeclKind::Sink || (node.kind == DeclKind::Buffer && unlimited(index)) {
            drains_into[index] = Some(index);
            work.push(index);
        }
    }
    // Backwards from the draining nodes, through buffers of limited capacity.
    while let Some(done) = work.pop() {
        for &p in &predecessors[done] {
            if drains_into[p].is_none()
                && graph.nodes[p].kind == DeclKind::Buffer
                && capacity(p).is_some()
                && let Some(into) = goes_on(p, &drains_into)
            {
                drains_into[p] = Some(into);
                work.push(p);
            }
        }
    }
    for (index, node) in graph.nodes.iter().enumerate() {
        let Some(b) = bodies[index] else { continue };
        if node.kind != DeclKind::Source || b.fields.contains_key("limit") {
            continue;
        }
        let Some(interarrival) = b.fields.get("interarrival") else { continue };
        let zero = interarrival.value.si() == Some(0.0)
            || interarrival.value.dist().is_some_and(Distribution::is_always_zero);
        if !zero {
            continue;
        }
        let Some(into) = goes_on(index, &drains_into) else { continue };
        let into_node = &graph.nodes[into];
        let label = if into_node.kind == DeclKind::Sink {
            "its parts reach this sink without time passing"
        } else {
            "its parts pile up here without time passing: the capacity is unlimited"
        };
        out.push(
            Diagnostic::error(
                "E0608",
                format!(
                    "`{}` would create parts for ever without time passing",
                    node.declaration.name
                ),
            )
            .primary(interarrival.value_location.clone(), "a new part is ready at every instant")
            .secondary(into_node.name_location.clone(), label)
            .help(
                "Give the source a time between parts (`interarrival = 1 min`) or a `limit`, or \
                 hold its parts back with a station, or with a buffer of limited capacity in \
                 front of one.",
            ),
        );
    }
}

/// A station's `crew` and the resources it `needs` are resources without `stock` (people or tools
/// that are held and given back), and a failure mode `uses` one with `stock` (a spare part that is
/// consumed).
fn check_crews_and_spares<'db>(
    db: &'db dyn Db,
    graph: &ModelGraph,
    body: &dyn Fn(&GraphNode) -> Option<&'db CheckedBody>,
    out: &mut Vec<Diagnostic>,
) {
    for node in &graph.nodes {
        let Some(b) = body(node) else { continue };
        if let Some(field) = b.fields.get("crew")
            && let Value::Ref(resource) = &field.value
            && is_spare_part(db, resource)
        {
            out.push(spare_held(
                field,
                resource,
                "a crew",
                "A crew is a resource with a `count` of people",
            ));
        }
        if let Some(field) = b.fields.get("needs")
            && let Value::List(items) = &field.value
        {
            for item in items {
                if let Value::Ref(resource) = item
                    && is_spare_part(db, resource)
                {
                    out.push(spare_held(
                        field,
                        resource,
                        "an operator",
                        "A station `needs` people or tools that are held and given back (a \
                         resource with a `count`)",
                    ));
                }
            }
        }
        for mode in &b.nested {
            if let Some(field) = mode.fields.get("uses")
                && let Value::Ref(resource) = &field.value
                && !is_spare_part(db, resource)
            {
                out.push(
                    Diagnostic::error("E0103", format!("`{}` is not a spare part", resource.name))
                        .primary(field.value_location.clone(), "this resource has no `stock`")
                        .help(format!(
                            "Give `{}` a `stock` (and a reorder `lead`) to make it a spare part.",
                            resource.name
                        )),
                );
            }
        }
    }
}

/// Who holds what at one station: its crew and the resources each of its servers needs, as the
/// base model or a scenario sets them, with where each is written.
#[derive(Clone)]
struct Staffing {
    station: String,
    parallel: f64,
    /// It has failure modes, whose repairs its crew does.
    fails: bool,
    /// It has maintenance (other than `reactive`), which its crew does.
    maintained: bool,
    crew: Option<(String, Location)>,
    /// One entry per listing: `needs = [ops, ops]` holds two units of `ops` per server.
    needs: Vec<String>,
    needs_location: Option<Location>,
}

impl Staffing {
    /// Its servers can be stopped, holding what they need.
    fn stops(&self) -> bool {
        self.fails || self.maintained
    }

    fn set_crew(&mut self, db: &dyn Db, field: &Field) {
        self.crew = match &field.value {
            Value::Ref(crew) if !is_spare_part(db, crew) => {
                Some((crew.name.clone(), field.value_location.clone()))
            }
            _ => None,
        };
    }

    fn set_needs(&mut self, db: &dyn Db, field: &Field) {
        self.needs_location = Some(field.value_location.clone());
        self.needs = match &field.value {
            Value::List(items) => items
                .iter()
                .filter_map(|item| match item {
                    Value::Ref(resource) if !is_spare_part(db, resource) => {
                        Some(resource.name.clone())
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
    }

    /// Units of `resource` each server holds.
    fn units_of(&self, resource: &str) -> usize {
        self.needs.iter().filter(|n| *n == resource).count()
    }
}

/// Who holds what, over the whole model: every station's crew and needs, and every held
/// resource's number of units.
#[derive(Clone)]
struct Holdings {
    stations: Vec<Staffing>,
    counts: BTreeMap<String, f64>,
}

/// E0205 and E0607 on the resources servers hold: a server that needs more units of a resource
/// than there are, and stations whose repairs wait for what other stopped stations hold.
fn check_staffing<'a>(
    db: &dyn Db,
    graph: &ModelGraph,
    declarations: &[Declaration],
    body: &dyn Fn(&Declaration) -> Option<&'a CheckedBody>,
    out: &mut Vec<Diagnostic>,
) {
    let number = |b: &CheckedBody, name: &str| b.fields.get(name).and_then(|f| f.value.si());
    let stations = Vec::with_capacity(graph.nodes.len());
    let mut holdings = Holdings { stations, counts: BTreeMap::new() };
    for node in &graph.nodes {
        let Some(b) = body(&node.declaration) else { continue };
        let mut staffing = Staffing {
            station: node.declaration.name.clone(),
            parallel: number(b, "parallel").unwrap_or(1.0),
            fails: !b.nested.is_empty() || b.fields.contains_key("failure"),
            maintained: b.fields.get("maintenance").is_some_and(maintains),
            crew: None,
            needs: Vec::new(),
            needs_location: None,
        };
        if let Some(field) = b.fields.get("crew") {
            staffing.set_crew(db, field);
        }
        if let Some(field) = b.fields.get("needs") {
            staffing.set_needs(db, field);
        }
        holdings.stations.push(staffing);
    }
    for declaration in declarations {
        if declaration.class == ItemClass::Decl(DeclKind::Resource)
            && let Some(b) = body(declaration)
            && !b.fields.contains_key("stock")
        {
            holdings.counts.insert(declaration.name.clone(), number(b, "count").unwrap_or(1.0));
        }
    }
    out.extend(holding_problems(&holdings));
}

/// Whether a station's `maintenance` field stops it now and then: any strategy but `reactive`
/// (repairs on failure only, which is no maintenance of its own).
fn maintains(field: &Field) -> bool {
    match &field.value {
        Value::Word(name) | Value::Call(crate::value::CallValue { name, .. }) => name != "reactive",
        _ => true,
    }
}

/// The problems of one set of holdings: a server that needs more units of a resource
/// than there are (E0205), and stations whose stopped servers can hold the units their own
/// repairs wait for, directly or through other stations (E0607).
fn holding_problems(holdings: &Holdings) -> Vec<Diagnostic> {
    let count = |resource: &str| holdings.counts.get(resource).copied().unwrap_or(1.0);
    let mut problems = Vec::new();
    for staffing in &holdings.stations {
        let distinct: BTreeSet<&String> = staffing.needs.iter().collect();
        for resource in distinct {
            let units = staffing.units_of(resource);
            if units as f64 > count(resource)
                && let Some(location) = &staffing.needs_location
            {
                problems.push(
                    Diagnostic::error(
                        "E0205",
                        format!(
                            "each server of `{}` needs {units} units of `{resource}`, which has {}",
                            staffing.station,
                            count(resource)
                        ),
                    )
                    .primary(location.clone(), format!("`{resource}` listed {units} times"))
                    .help(format!(
                        "A server holds one unit per listing of a resource in `needs`, so it \
                         could never start. Raise `{resource}`'s `count`, or list it fewer times."
                    )),
                );
            }
        }
    }
    // The units of a resource the servers that need it can hold at once.
    let held = |resource: &str| -> u64 {
        let units: f64 =
            holdings.stations.iter().map(|s| s.parallel * s.units_of(resource) as f64).sum();
        units as u64
    };
    // A resource whose every unit they can hold.
    let exhaustible = |resource: &str| held(resource) as f64 >= count(resource);
    // Station i waits on station j when both can stop, i's crew is a resource j's servers hold,
    // and the servers can hold all of it: a stopped j keeps it, so i's repair may wait for j's
    // to free it.
    let n = holdings.stations.len();
    let holds = |j: usize, resource: &str| {
        let holder = &holdings.stations[j];
        holder.stops() && holder.units_of(resource) > 0
    };
    let waits_on: Vec<Vec<usize>> = holdings
        .stations
        .iter()
        .map(|s| match &s.crew {
            Some((crew, _)) if s.stops() && exhaustible(crew) => {
                (0..n).filter(|&j| holds(j, crew)).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    // Only a station that waits on another can be in a circle: most models have none, and the
    // rest few, so reachability is worked out for those alone.
    let waiting: Vec<usize> = (0..n).filter(|&i| !waits_on[i].is_empty()).collect();
    let reach: Vec<Option<Vec<bool>>> = (0..n)
        .map(|i| {
            let starts = waits_on[i].iter().copied();
            (!waits_on[i].is_empty()).then(|| reachable(starts, &waits_on))
        })
        .collect();
    let reaches = |i: usize, j: usize| reach[i].as_ref().is_some_and(|row| row[j]);
    // "`A`'s crew, held by `B`'s servers": the stations in i's circle that hold it.
    let crew_label = |i: usize, circle: &[usize]| {
        let holders: Vec<String> = waits_on[i]
            .iter()
            .filter(|j| circle.contains(j))
            .map(|&j| format!("`{}`'s", holdings.stations[j].station))
            .collect();
        format!("`{}`'s crew, held by {} servers", holdings.stations[i].station, and_list(&holders))
    };
    let mut reported = vec![false; n];
    for &i in &waiting {
        if reported[i] || !reaches(i, i) {
            continue;
        }
        // The stations that wait on each other in a circle with `i`.
        let circle: Vec<usize> =
            waiting.iter().copied().filter(|&j| reaches(i, j) && reaches(j, i)).collect();
        for &j in &circle {
            reported[j] = true;
        }
        let station = &holdings.stations[i];
        let Some((crew, crew_location)) = &station.crew else { continue };
        // What the crews do for these stations: repairs, maintenance or both.
        let fails = circle.iter().any(|&j| holdings.stations[j].fails);
        let maintained = circle.iter().any(|&j| holdings.stations[j].maintained);
        let (jobs, job) = match (fails, maintained) {
            (true, false) => ("repairs", "repair"),
            (false, true) => ("maintenance", "maintenance action"),
            _ => ("repairs and maintenance", "repair or maintenance action"),
        };
        let mut diagnostic = if circle == [i] {
            // A resource for the crew alone, named after the station and free in the model.
            let taken = |name: &String| holdings.counts.contains_key(name);
            let own = std::iter::once(format!("{}_crew", station.station))
                .chain((2..).map(|k| format!("{}_crew_{k}", station.station)))
                .find(|name| !taken(name))
                .unwrap_or_default();
            Diagnostic::error(
                "E0607",
                format!("`{crew}` is both this station's crew and among its needs"),
            )
            .primary(crew_location.clone(), format!("the crew that does the station's {jobs}"))
            .help(format!(
                "A server keeps what it `needs` while the station is stopped, so its {job} could \
                 wait for `{crew}` forever. Give the {jobs} a crew of their own: declare \
                 `resource {own} {{ count = 1 }}` and write `crew = {own}`, keeping `{crew}` in \
                 `needs`; or give `{crew}` `count = {}`, one more unit than the servers can \
                 hold.",
                held(crew) + 1
            ))
        } else {
            let names: Vec<String> =
                circle.iter().map(|&j| format!("`{}`", holdings.stations[j].station)).collect();
            Diagnostic::error(
                "E0607",
                format!("the {jobs} of {} can wait for each other forever", and_list(&names)),
            )
            .primary(crew_location.clone(), crew_label(i, &circle))
            .help(format!(
                "A server keeps what it `needs` while its station is stopped. Here each \
                 station's crew is a resource the servers of another station in the circle need, \
                 so if they are all stopped at once, every {job} waits for a unit that only \
                 another can free. Give the crews a resource no station `needs`, or more units \
                 than the servers can hold."
            ))
        };
        for &j in &circle {
            let other = &holdings.stations[j];
            if let Some(location) = &other.needs_location {
                diagnostic = diagnostic.secondary(
                    location.clone(),
                    format!("held by `{}`'s servers while it is stopped", other.station),
                );
            }
            if j != i
                && let Some((_, location)) = &other.crew
            {
                diagnostic = diagnostic.secondary(location.clone(), crew_label(j, &circle));
            }
        }
        problems.push(diagnostic);
    }
    problems
}

/// Whether resource `declaration` is a spare part: declared with a `stock`.
pub(crate) fn is_spare_part(db: &dyn Db, declaration: &Declaration) -> bool {
    check_item(db, declaration.file, declaration.key.clone())
        .body
        .as_ref()
        .is_some_and(|resource| resource.fields.contains_key("stock"))
}

/// E0103 for a spare part (a resource with `stock`) named where a held resource is expected: as
/// `role` (`a crew`, `an operator`), which `what_is_held` describes.
fn spare_held(field: &Field, resource: &Declaration, role: &str, what_is_held: &str) -> Diagnostic {
    Diagnostic::error("E0103", format!("`{}` is a spare part, not {role}", resource.name))
        .primary(field.value_location.clone(), "this resource has a `stock`")
        .help(format!(
            "{what_is_held}; a spare part (with `stock`) is named by a failure mode's `uses`."
        ))
}

/// The nodes reachable from `starts` (included) along `next`.
fn reachable(starts: impl Iterator<Item = usize>, next: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; next.len()];
    let mut queue: VecDeque<usize> = starts.collect();
    for &node in &queue {
        seen[node] = true;
    }
    while let Some(node) = queue.pop_front() {
        for &other in &next[node] {
            if !seen[other] {
                seen[other] = true;
                queue.push_back(other);
            }
        }
    }
    seen
}

fn trim_float(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    format!("{rounded}")
}

fn check_unique_names(db: &dyn Db, root: SourceFile, out: &mut Vec<Diagnostic>) {
    // An imported file's declarations come first: a name the importing file declares again is
    // the one redefined (docs/language.md, Imports).
    let declarations = model_declarations(db, root);
    let mut first: HashMap<&str, &Declaration> = HashMap::with_capacity(declarations.len());
    for declaration in declarations {
        if declaration.class == ItemClass::Decl(DeclKind::Route) {
            continue;
        }
        match first.get(declaration.name.as_str()) {
            Some(previous) => out.push(
                Diagnostic::error("E0102", format!("`{}` is defined more than once", declaration.name))
                    .primary(name_location(db, declaration), format!("`{}` redefined here", declaration.name))
                    .secondary(name_location(db, previous), "first defined here")
                    .help("Names are unique across the model and the files it imports; rename one of them."),
            ),
            None => {
                first.insert(&declaration.name, declaration);
            }
        }
    }
    // A route is attached to a component; two routes for one component are one too many.
    let mut routed: HashMap<&str, &Declaration> = HashMap::new();
    for declaration in declarations {
        if declaration.class != ItemClass::Decl(DeclKind::Route) {
            continue;
        }
        if let Some(previous) = routed.get(declaration.name.as_str()) {
            out.push(
                Diagnostic::error(
                    "E0102",
                    format!("`{}` has more than one route", declaration.name),
                )
                .primary(name_location(db, declaration), "second route here")
                .secondary(name_location(db, previous), "first route here")
                .help("A component has one route; merge the two into one."),
            );
        } else {
            routed.insert(&declaration.name, declaration);
        }
    }
}

/// Where a declaration's name is written.
pub fn name_location(db: &dyn Db, declaration: &Declaration) -> Location {
    let span = item_syntax(db, declaration.file, declaration.key.clone())
        .as_ref()
        .map(|item| match &item.kind {
            ItemKind::Decl(decl) => decl.name.span,
            ItemKind::Template(template) => template.name.span,
            _ => item.span,
        })
        .unwrap_or_default();
    Location { file: declaration.file, item: Some(declaration.key.clone()), span }
}

/// Every currency the model's items write, with where, in model order.
pub fn model_currencies(db: &dyn Db, root: SourceFile) -> Vec<(String, Location)> {
    let mut out = Vec::new();
    for &file in model_files(db, root) {
        for entry in item_index(db, file) {
            out.extend(check_item(db, file, entry.key.clone()).currencies.iter().cloned());
        }
    }
    out
}

fn check_currencies(db: &dyn Db, root: SourceFile, out: &mut Vec<Diagnostic>) {
    let currencies = model_currencies(db, root);
    let Some((used, used_at)) = currencies.first() else { return };
    if let Some((other, at)) = currencies.iter().find(|(currency, _)| currency != used) {
        out.push(
            Diagnostic::error("E0305", format!("the model uses both {used} and {other}"))
                .primary(at.clone(), format!("{other} here"))
                .secondary(used_at.clone(), format!("{used} here"))
                .help("A model states all costs in one currency; convert them to one."),
        );
    }
}

/// The targets of routes by product: (routed node, product name) → target node.
fn routes_by_product(db: &dyn Db, graph: &ModelGraph) -> BTreeMap<(usize, String), usize> {
    let mut out = BTreeMap::new();
    for (node, declaration) in &graph.routes {
        let Some(route) = &check_item(db, declaration.file, declaration.key.clone()).body else {
            continue;
        };
        for (key, field) in &route.fields {
            if let Value::Ref(target) = &field.value
                && let Some(to) = graph.index_of(&target.name)
            {
                out.insert((*node, key.clone()), to);
            }
        }
    }
    out
}

/// E0804 and W0801: what reaches an assembly station, against what it assembles.
///
/// The station accepts a part only while it still needs parts of that product (docs/language.md
/// §Assembly stations), so a part of a product its `assemble` record does not name is never
/// accepted: it waits at the station's door for ever, and everything queued behind it with it.
/// That is an error whenever such a product can arrive. And a predecessor that can hand over parts
/// of two assembled products holds them in one line: when the part it offers is of a product the
/// station already has enough of, the part waits, and the parts of the other products behind it
/// never reach the station, which then never completes a set. That can happen, not must, so it is
/// a warning.
fn check_assembly_inputs(
    graph: &ModelGraph,
    index: usize,
    inputs: &[(Declaration, Value)],
    body: &CheckedBody,
    arriving: &BTreeMap<String, Declaration>,
    carried: &BTreeMap<(usize, usize), BTreeSet<String>>,
    out: &mut Vec<Diagnostic>,
) {
    let station = &graph.nodes[index].declaration.name;
    let assembled: BTreeSet<&str> = inputs.iter().map(|(p, _)| p.name.as_str()).collect();
    let record = &body.fields["assemble"].location;
    let incoming: Vec<&GraphEdge> = graph.edges.iter().filter(|e| e.to == index).collect();
    let carries = |edge: &GraphEdge, product: &str| {
        carried.get(&(edge.from, edge.to)).is_some_and(|set| set.contains(product))
    };
    for product in arriving.keys().filter(|p| !assembled.contains(p.as_str())) {
        let Some(edge) = incoming.iter().find(|e| carries(e, product)) else { continue };
        let from = &graph.nodes[edge.from].declaration.name;
        out.push(
            Diagnostic::error(
                "E0804",
                format!("`{product}` can reach `{station}`, which does not assemble it"),
            )
            .primary(edge.location.clone(), format!("`{product}` can arrive from `{from}`"))
            .secondary(record.clone(), format!("`{product}` is not in this record"))
            .help(format!(
                "An assembly station never accepts a part it does not assemble, so a `{product}` \
                 would wait at `{station}` for ever and stall everything behind it; send `{product}` \
                 elsewhere (a `route` by product, or other flows), or add it to `assemble {{ … }}`."
            )),
        );
    }
    for edge in &incoming {
        let node = &graph.nodes[edge.from];
        if node.kind == DeclKind::Source {
            continue;
        }
        let shared: Vec<&str> = carried
            .get(&(edge.from, edge.to))
            .map(|set| set.iter().map(String::as_str).filter(|p| assembled.contains(p)).collect())
            .unwrap_or_default();
        if shared.len() < 2 {
            continue;
        }
        let names = and_list(&shared.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>());
        let from = &node.declaration.name;
        out.push(
            Diagnostic::warning(
                "W0801",
                format!("{names} reach `{station}` through one line at `{from}`"),
            )
            .primary(edge.location.clone(), format!("`{from}` holds {names} in one line"))
            .secondary(record.clone(), "each assembly takes a fixed number of each")
            .help(format!(
                "When the part at the head of `{from}` is of a product `{station}` already has \
                 enough of, it waits, the parts behind it never reach `{station}`, and the line \
                 stops; give each product its own buffer in front of `{station}`, e.g. with a \
                 `route` by product."
            )),
        );
    }
}

/// Propagates which products can reach each component, then checks robot payloads and assembly inputs.
fn check_products<'a>(
    db: &dyn Db,
    graph: &ModelGraph,
    successors: &[Vec<usize>],
    body: &dyn Fn(&Declaration) -> Option<&'a CheckedBody>,
    out: &mut Vec<Diagnostic>,
) {
    let bodies: Vec<Option<&CheckedBody>> =
        graph.nodes.iter().map(|node| body(&node.declaration)).collect();
    let product_of = |value: &Value| match value {
        Value::Ref(declaration) => Some(declaration.clone()),
        _ => None,
    };
    let count = graph.nodes.len();
    let mut arriving: Vec<BTreeMap<String, Declaration>> = vec![BTreeMap::new(); count];
    let mut queue = VecDeque::new();
    let mut queued = vec![false; count];
    let mut emitted: Vec<BTreeMap<String, Declaration>> = vec![BTreeMap::new(); count];
    for (index, node) in graph.nodes.iter().enumerate() {
        let Some(b) = &bodies[index] else { continue };
        if node.kind == DeclKind::Source
            && let Some(product) = b.fields.get("product").and_then(|f| product_of(&f.value))
        {
            emitted[index].insert(product.name.clone(), product);
            queue.push_back(index);
            queued[index] = true;
        }
        if let Some(product) = b.fields.get("produces").and_then(|f| product_of(&f.value)) {
            emitted[index].insert(product.name.clone(), product);
        }
    }
    let is_assembly =
        |index: usize| bodies[index].as_ref().is_some_and(|b| b.fields.contains_key("produces"));
    let by_product = routes_by_product(db, graph);
    // The products each connection can carry, by (from, to).
    let mut carried: BTreeMap<(usize, usize), BTreeSet<String>> = BTreeMap::new();
    while let Some(n) = queue.pop_front() {
        queued[n] = false;
        let outgoing: Vec<Declaration> =
            if is_assembly(n) || graph.nodes[n].kind == DeclKind::Source {
                emitted[n].values().cloned().collect()
            } else {
                arriving[n].values().cloned().collect()
            };
        for &m in &successors[n] {
            let mut changed = false;
            for product in &outgoing {
                // A route by product sends the parts of a product it names to that target only.
                if let Some(&target) = by_product.get(&(n, product.name.clone()))
                    && target != m
                {
                    continue;
                }
                carried.entry((n, m)).or_default().insert(product.name.clone());
                if !arriving[m].contains_key(&product.name) {
                    arriving[m].insert(product.name.clone(), product.clone());
                    changed = true;
                }
            }
            // A component is (re)visited when what can arrive there grew; an assembly station's
            // output is fixed, so its first visit is the one that matters.
            if changed && !queued[m] {
                queue.push_back(m);
                queued[m] = true;
            }
        }
    }
    for (index, node) in graph.nodes.iter().enumerate() {
        let Some(b) = &bodies[index] else { continue };
        if let Some(Value::Map(inputs)) = b.fields.get("assemble").map(|f| &f.value) {
            // A station whose own fields have errors may have lost entries of its record.
            let complete =
                !check_item(db, node.declaration.file, node.declaration.key.clone()).has_errors();
            if complete {
                check_assembly_inputs(graph, index, inputs, b, &arriving[index], &carried, out);
            }
            for (product, _) in inputs {
                if !arriving[index].contains_key(&product.name) && !successors[index].is_empty() {
                    out.push(
                        Diagnostic::error(
                            "E0801",
                            format!(
                                "`{}` assembles `{}`, but no `{}` can reach it",
                                node.declaration.name, product.name, product.name
                            ),
                        )
                        .primary(
                            b.fields["assemble"].location.clone(),
                            format!("needs `{}`", product.name),
                        )
                        .help(format!(
                            "Add a flow from a source of `{}` to `{}`.",
                            product.name, node.declaration.name
                        )),
                    );
                }
            }
        }
        if node.kind == DeclKind::Robot
            && let Some(payload_field) = b.fields.get("payload")
            && let Some(payload) = payload_field.value.si()
        {
            // What it handles: the parts that reach it, and, when it assembles, the part it makes,
            // which the engine loads on a server for the robot's cycle, its motion included.
            let made = b.fields.get("produces");
            let mut handled: BTreeMap<&str, &Declaration> =
                arriving[index].iter().map(|(name, product)| (name.as_str(), product)).collect();
            handled.extend(emitted[index].iter().map(|(name, product)| (name.as_str(), product)));
            for product in handled.into_values() {
                // The product as the model runs it: a scenario may change its `mass`.
                let Some(mass_field) = body(product).and_then(|p| p.fields.get("mass")) else {
                    continue;
                };
                let Some(mass) = mass_field.value.si() else { continue };
                if !check::beyond_limit(mass, payload) {
                    continue;
                }
                let robot = &node.declaration.name;
                let mut diagnostic = Diagnostic::error(
                    "E0803",
                    format!("`{}` weighs more than `{robot}` can carry", product.name),
                )
                .primary(payload_field.value_location.clone(), format!("payload is {payload} kg"))
                .secondary(
                    mass_field.value_location.clone(),
                    format!("`{}` weighs {mass} kg", product.name),
                );
                let made_here = made.filter(
                    |field| matches!(&field.value, Value::Ref(p) if p.name == product.name),
                );
                diagnostic = match made_here {
                    Some(produces) => diagnostic
                        .secondary(
                            produces.value_location.clone(),
                            format!(
                                "`{robot}` makes `{}` and holds it through its cycle",
                                product.name
                            ),
                        )
                        .help(
                            "A robot that assembles holds the part it makes through its cycle, \
                             its moves included: choose a robot with a larger payload, or \
                             assemble the part at a station.",
                        ),
                    None => diagnostic.help(
                        "Choose a robot with a larger payload, or a lighter gripper and part.",
                    ),
                };
                out.push(diagnostic);
            }
        }
    }
}
