//! The model IR: what the runtime simulates, as the compiler lowers it.
//!
//! Everything here is plain data in SI units (seconds, metres, kilograms, radians, the model's
//! currency) with resolved distributions; there is no syntax, no unit and no name lookup left. The
//! process graph is a petgraph [`DiGraph`] whose node indices are the dense [`ComponentId`]s; an edge's
//! `order` is the position of its flow in the source, which decides which successor a part tries
//! first. A program may build a [`Model`] directly in Rust and run it without the language.

use fab_stdlib::dist::Distribution;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A component's dense index; equal to its node index in the process graph.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct ComponentId(pub u32);

/// A product's index in [`Model::products`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct ProductId(pub u32);

/// A resource's index in [`Model::resources`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct ResourceId(pub u32);

/// An experiment's index in [`Model::experiments`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct ExperimentId(pub u32);

impl ComponentId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
    pub fn node(self) -> NodeIndex {
        NodeIndex::new(self.index())
    }
}

/// A whole model: products, the process graph, resources and the studies to run on it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Model {
    pub products: Vec<Product>,
    pub graph: ProcessGraph,
    pub resources: Vec<Resource>,
    pub experiments: Vec<Experiment>,
    pub scenarios: Vec<Scenario>,
    #[serde(default)]
    pub sensitivities: Vec<Sensitivity>,
    #[serde(default)]
    pub optimizations: Vec<Optimization>,
    /// The model's currency (`EUR`, `USD`), when it states any cost.
    pub currency: Option<String>,
    /// The distributions made from data (`fit(…)`, `empirical(…)`), for input uncertainty.
    #[serde(default)]
    pub inputs: Vec<crate::uncertainty::FittedInput>,
}

/// Components connected by flows.
pub type ProcessGraph = DiGraph<Component, Connection>;

/// An edge of the process graph.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct Connection {
    /// The position of this connection among the flows written in the source (0 first): a part
    /// tries successors in this order.
    pub order: u32,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Product {
    pub name: String,
    /// kg
    pub mass: Option<f64>,
    /// (l, w, h) in m
    pub size: Option<[f64; 3]>,
    /// Free attributes, by name.
    pub attributes: BTreeMap<String, AttributeValue>,
}

/// The value of a product's free attribute.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeValue {
    Number(f64),
    Bool(bool),
    Text(String),
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Resource {
    pub name: String,
    pub count: u32,
    /// A spare part: the units in stock at the start. Repairs of the failure modes that use it
    /// consume one each, and each use reorders one.
    #[serde(default)]
    pub stock: Option<u32>,
    /// Replenishment lead time of a spare part, s.
    #[serde(default)]
    pub lead: f64,
}

/// A node of the process graph.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Component {
    /// The qualified name, unique in the model; random streams are derived from it.
    pub name: String,
    pub kind: ComponentKind,
    /// How a finished part chooses among several successors.
    pub routing: Routing,
    /// Floor position (x, y) in m.
    pub at: Option<[f64; 2]>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComponentKind {
    Source(Source),
    Station(Station),
    Buffer(Buffer),
    Conveyor(Conveyor),
    Robot(Robot),
    Transport(Transport),
    Sink,
}

impl ComponentKind {
    /// The `.fab` keyword of this kind.
    pub fn keyword(&self) -> &'static str {
        match self {
            ComponentKind::Source(_) => "source",
            ComponentKind::Station(_) => "station",
            ComponentKind::Buffer(_) => "buffer",
            ComponentKind::Conveyor(_) => "conveyor",
            ComponentKind::Robot(_) => "robot",
            ComponentKind::Transport(_) => "transport",
            ComponentKind::Sink => "sink",
        }
    }
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Source {
    pub product: ProductId,
    pub arrivals: Arrivals,
    /// Stop after this many parts.
    pub limit: Option<u64>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Time between creations, s.
    Interarrival(Distribution),
    /// Release times from a file, s from the start, ascending.
    Schedule(Vec<f64>),
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Station {
    /// Processing time, s.
    pub cycle: Distribution,
    pub parallel: u32,
    /// Setup time when the product type changes, s.
    pub setup: Option<Distribution>,
    pub failures: Vec<FailureMode>,
    pub maintenance: Maintenance,
    pub costs: Costs,
    pub assembly: Option<Assembly>,
    pub needs: Vec<ResourceId>,
    /// The resource whose units repair and maintain the station: each repair and maintenance
    /// waits for a free unit and holds it throughout.
    #[serde(default)]
    pub crew: Option<ResourceId>,
}

/// What an assembly station consumes and produces.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Assembly {
    /// Parts consumed per assembly, by product, in source order.
    pub inputs: Vec<(ProductId, u32)>,
    pub produces: ProductId,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct FailureMode {
    pub name: String,
    pub law: FailureLaw,
    /// Time to repair, s.
    pub repair: Distribution,
    pub restores: Restoration,
    pub catastrophic: bool,
    /// The spare part each repair consumes.
    #[serde(default)]
    pub uses: Option<ResourceId>,
}

/// When a failure mode strikes.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureLaw {
    /// After a time drawn from `life` (s) on `clock`.
    Time { life: Distribution, clock: Clock },
    /// After this many cycles.
    Cycles(u64),
}

/// What ages a failure mode or times preventive maintenance.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    BusyTime,
    CalendarTime,
}

/// What a repair or maintenance restores.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Restoration {
    /// Age back to zero.
    New,
    /// Age kept (minimal repair).
    Old,
    /// This fraction of the age removed (Kijima type I).
    Fraction(f64),
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "strategy", rename_all = "snake_case")]
pub enum Maintenance {
    Reactive,
    /// Maintenance at `every` s on `clock`: counted from the end of the previous maintenance
    /// (`PreventivePolicy::Interval`), or the station's age since its last renewal
    /// (`PreventivePolicy::Age`).
    Preventive {
        every: f64,
        clock: Clock,
        takes: Distribution,
        restores: Restoration,
        #[serde(default)]
        policy: PreventivePolicy,
    },
    /// Condition-based maintenance on the delay-time model: a failure mode's indicator is the
    /// share of its current life consumed; from `threshold` on, the coming failure is detected
    /// by inspections every `inspect_every` s of calendar time (continuous monitoring when
    /// `None`: one chance as the threshold is passed), each with probability `detection`. The
    /// detected modes are maintained `lead` s after detection, restored as `restores` says.
    Predictive {
        threshold: f64,
        lead: f64,
        takes: Distribution,
        #[serde(default)]
        inspect_every: Option<f64>,
        #[serde(default = "certain")]
        detection: f64,
        #[serde(default = "as_new")]
        restores: Restoration,
    },
    /// Preventive maintenance due like `Preventive`, done earlier when the station is starved or
    /// blocked while the due point is at most `window` s away on the same clock.
    Opportunistic {
        every: f64,
        clock: Clock,
        window: f64,
        takes: Distribution,
        restores: Restoration,
        policy: PreventivePolicy,
    },
}

fn certain() -> f64 {
    1.0
}

fn as_new() -> Restoration {
    Restoration::New
}

/// What preventive maintenance's `every` counts from.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreventivePolicy {
    /// `every`: an interval from the end of the previous maintenance.
    #[default]
    Interval,
    /// `age`: the station's age, which restarts at every maintenance and at every repair that
    /// restores `new` (age replacement).
    Age,
}

/// Costs in the model's currency; rates per second.
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Costs {
    pub downtime_per_s: f64,
    pub repair: f64,
    pub preventive: f64,
    pub operating_per_s: f64,
    pub per_part: f64,
    /// Per inspection of predictive maintenance.
    #[serde(default)]
    pub inspection: f64,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Buffer {
    /// `None` is unlimited.
    pub capacity: Option<u64>,
    pub policy: QueuePolicy,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueuePolicy {
    Fifo,
    Lifo,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Conveyor {
    /// m
    pub length: f64,
    /// m/s
    pub speed: f64,
    /// Minimum pitch between parts, m.
    pub spacing: f64,
    pub accumulating: bool,
    /// m/s², when the belt restarts.
    pub accel: Option<f64>,
}

impl Conveyor {
    /// The accumulation limit: no part enters while the belt holds this many and its front part
    /// waits at the exit (see [`Conveyor::capacity_of`]).
    pub fn capacity(&self) -> u64 {
        Conveyor::capacity_of(self.length, self.spacing)
    }

    /// ⌊`length` / `spacing`⌋, the accumulation limit of a belt of this length and spacing; 0 when
    /// the spacing is larger than the length, which the checker refuses (E0606, and at a `vary`
    /// E0703) by this same function, so that the two never disagree. `u64::MAX` for a spacing
    /// that is not positive.
    ///
    /// A quotient that falls a rounding error short of a whole number counts as that number:
    /// 0.7 / 0.1 is 6.999999999999999 in binary floating point, and a belt 0.7 m long with parts
    /// 0.1 m apart holds 7. The tolerance, [`ROUNDING_TOLERANCE`] of the whole number, is
    /// a few units in the last place: above the error of numbers written in decimal and divided
    /// once (three roundings), far below any difference a belt could show, and less than one
    /// part for any quotient below 2⁴⁹.
    pub fn capacity_of(length: f64, spacing: f64) -> u64 {
        if spacing.is_nan() || spacing <= 0.0 {
            return u64::MAX;
        }
        let quotient = length / spacing;
        let whole = quotient.ceil();
        let counted =
            if whole - quotient <= whole * ROUNDING_TOLERANCE { whole } else { quotient.floor() };
        // `as` saturates: a negative length holds nothing, an infinite one without bound.
        counted as u64
    }
}

/// How much, as a share of a value, the arithmetic on written numbers that produced it may have
/// added or taken: eight machine epsilons, 8 to 16 units in the last place. A quotient
/// `length / spacing` this far below a whole number counts as that number
/// ([`Conveyor::capacity_of`]); a robot's point or a product's mass this far beyond its reach or
/// payload stays within it (the checker's E0802, E0803).
pub const ROUNDING_TOLERANCE: f64 = 8.0 * f64::EPSILON;

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Robot {
    pub station: Station,
    pub motion: Motion,
}

/// A robot's physical limits and path (motion models come with the physics work).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Motion {
    pub reach: Option<f64>,
    pub payload: Option<f64>,
    pub speed: Option<f64>,
    pub accel: Option<f64>,
    pub jerk: Option<f64>,
    pub path: Vec<[f64; 2]>,
    pub process: Option<Distribution>,
    pub fidelity: Fidelity,
    /// The robot states no `cycle`: each cycle is its `process` time plus the motion time of its
    /// path.
    #[serde(default)]
    pub cycle_from_motion: bool,
}

impl Motion {
    /// The motion time of one cycle along the path, s: straight segments from each point to the
    /// next and from the last back to the first (a cycle that repeats starts where the last one
    /// began), each rest to rest under the limits the robot states. With `speed` and `accel`, a
    /// trapezoidal velocity profile (d/v + v/a, or 2·√(d/a) for a move too short to reach full
    /// speed); with `speed` alone, instant acceleration (d/v); with `accel` alone, no top speed
    /// (a triangle, 2·√(d/a)). The checker refuses a path with neither limit and a limit that is
    /// not positive, so the last arm is never reached from a source; it reads this time too, to
    /// refuse a cycle longer than the longest run.
    pub fn motion_seconds(&self) -> f64 {
        let positive = |limit: Option<f64>| limit.filter(|x| *x > 0.0);
        let move_seconds: fn(f64, f64, f64) -> f64 =
            match (positive(self.speed), positive(self.accel)) {
                (Some(_), Some(_)) => {
                    |d, v, a| if d >= v * v / a { d / v + v / a } else { 2.0 * (d / a).sqrt() }
                }
                (Some(_), None) => |d, v, _| d / v,
                (None, Some(_)) => |d, _, a| 2.0 * (d / a).sqrt(),
                (None, None) => return 0.0,
            };
        let (v, a) = (self.speed.unwrap_or(0.0), self.accel.unwrap_or(0.0));
        let path = &self.path;
        let next = path.iter().cycle().skip(1);
        path.iter()
            .zip(next)
            .map(|(from, to)| {
                let (dx, dy) = (to[0] - from[0], to[1] - from[1]);
                // `hypot` only where the squares overflow: the same bits as before elsewhere.
                let distance = (dx * dx + dy * dy).sqrt();
                let distance = if distance.is_finite() { distance } else { libm::hypot(dx, dy) };
                move_seconds(distance, v, a)
            })
            .sum()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fidelity {
    Simple,
    Kinematic,
    Dynamic,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Transport {
    pub count: u32,
    pub speed: f64,
    pub load: Option<Distribution>,
    pub unload: Option<Distribution>,
}

/// How a finished part picks its next component.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Routing {
    /// The first successor, in flow order, that can take the part now.
    #[default]
    FirstAvailable,
    /// A successor drawn with these probabilities (summing to 1).
    Probability { targets: Vec<(ComponentId, f64)> },
    /// The successor named for the part's product.
    ByProduct { targets: Vec<(ProductId, ComponentId)> },
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Experiment {
    pub name: String,
    /// s
    pub horizon: f64,
    /// s
    pub warmup: f64,
    pub replications: u32,
    pub seed: u64,
    /// e.g. 0.95
    pub confidence: f64,
    /// `warmup = auto`: the warm-up is chosen by MSER-5 from the replications' work in process
    /// (`warmup` is then ignored).
    #[serde(default)]
    pub warmup_auto: bool,
    /// `precision = 2 %`: replications are added until the half-width of the mean throughput is
    /// at most this fraction of it, or `max_replications` is reached.
    #[serde(default)]
    pub precision: Option<f64>,
    #[serde(default)]
    pub max_replications: Option<u32>,
    /// `vary` members: a designed experiment, every point run with common random numbers.
    #[serde(default)]
    pub design: Option<Design>,
    /// `input_uncertainty = B`: the replications are run for `B` resamplings of the inputs fitted
    /// to data (see [`crate::uncertainty`]).
    #[serde(default)]
    pub input_uncertainty: Option<crate::uncertainty::InputUncertainty>,
}

/// A designed experiment: the factors and how their values are combined.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Design {
    pub factors: Vec<crate::factor::Factor>,
    pub kind: DesignKind,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "design", rename_all = "snake_case")]
pub enum DesignKind {
    /// Every combination of `levels` evenly spaced values per factor (every whole number of a
    /// small integer range).
    FullFactorial { levels: u32 },
    /// `points` points, one per stratum of each factor's range.
    LatinHypercube { points: u32 },
}

/// A `sensitivity` study: how much each factor moves each measure.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Sensitivity {
    pub name: String,
    /// The experiment whose settings (horizon, replications, seed) every point runs with.
    pub base: ExperimentId,
    pub factors: Vec<crate::factor::Factor>,
    pub method: SensitivityMethod,
    /// Base samples (Sobol: the model runs N·(factors + 2) points) or trajectories (Morris).
    pub samples: u32,
    /// The measures, by KPI name (`throughput`, `lead_time`, `wip`, …).
    pub measures: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitivityMethod {
    /// One factor at a time from the centre to each end of its range (a tornado chart).
    OneAtATime,
    /// Morris elementary effects.
    Morris,
    /// Sobol first-order and total indices by Saltelli sampling.
    Sobol,
}

/// An `optimize` study: a search over factors for the best objectives, by simulation.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Optimization {
    pub name: String,
    /// The experiment every point runs with (horizon, replications, seed).
    pub base: ExperimentId,
    pub factors: Vec<crate::factor::Factor>,
    pub objectives: Vec<Objective>,
    pub constraints: Vec<Constraint>,
    /// The most runs the search may spend; a run is one point with all the base experiment's
    /// replications.
    pub budget: u32,
    /// Why the study cannot run yet (a directional part: `orders`, a scheduling or layout
    /// objective), when it cannot.
    #[serde(default)]
    pub unsupported: Option<String>,
}

/// What an objective or a constraint measures at a point.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Quantity {
    /// A measure of the runs, by name (`cost_rate`, `throughput`, …), in its reported unit.
    Measure { name: String },
    /// The value of a factor (by index), in the factor's unit: `minimize b1.capacity`.
    Factor { index: usize },
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Objective {
    pub quantity: Quantity,
    pub maximize: bool,
}

/// `subject to QUANTITY <= bound` (or `>=`): the bound in the quantity's reported unit.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Constraint {
    pub quantity: Quantity,
    /// `true` for `>=` / `>`, `false` for `<=` / `<`.
    pub at_least: bool,
    pub bound: f64,
    /// The bound as the model writes it, for reports.
    pub written: WrittenBound,
}

/// A constraint's bound as the model writes it: `90 %` where the bound is 0.9 of a share, `2 h`
/// where it is 7200 s of a lead time. The checker keeps it for its messages and the reports echo
/// it. A bound written as an expression (`2 * 3 EUR/h`) is taken as written in the quantity's
/// reported unit, the currency included.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct WrittenBound {
    /// The number written, with its sign (`-1` of `-1 %`).
    pub value: f64,
    /// Its unit as written (`%`), empty for a plain number.
    pub unit: String,
    /// One written unit in the quantity's reported unit (`%`: 0.01 of a share), to show another
    /// value of the quantity in the written unit. Not reported: `optimize.json` gives the bound
    /// in both units.
    #[serde(skip, default = "WrittenBound::same_unit")]
    pub scale: f64,
}

impl WrittenBound {
    /// A value of the quantity in its reported unit, shown in the written unit: `1` of a share as
    /// `100 %`, the bound itself as written.
    pub fn show(&self, reported: f64) -> String {
        fab_stdlib::units::with_unit(
            &fab_stdlib::units::tidy_number(reported / self.scale),
            &self.unit,
        )
    }

    /// The scale of a bound written in the reported unit.
    fn same_unit() -> f64 {
        1.0
    }
}

/// A what-if: a base experiment with replaced experiment settings and components.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Scenario {
    pub name: String,
    pub base: ExperimentId,
    /// The base experiment with the scenario's experiment overrides applied (named after the scenario).
    pub experiment: Experiment,
    /// Components whose fields the scenario overrides, each replaced whole.
    pub components: Vec<(ComponentId, Component)>,
    /// Resources whose fields the scenario overrides (`technicians.count = 2`), each replaced
    /// whole.
    #[serde(default)]
    pub resources: Vec<(ResourceId, Resource)>,
}

impl Model {
    pub fn component(&self, id: ComponentId) -> &Component {
        &self.graph[id.node()]
    }

    pub fn component_ids(&self) -> impl Iterator<Item = ComponentId> + '_ {
        self.graph.node_indices().map(|node| ComponentId(node.index() as u32))
    }

    pub fn find_component(&self, name: &str) -> Option<ComponentId> {
        self.component_ids().find(|id| self.component(*id).name == name)
    }

    /// The successors of a component in flow order.
    pub fn successors(&self, id: ComponentId) -> Vec<ComponentId> {
        self.neighbors(id, Direction::Outgoing)
    }

    /// The predecessors of a component in flow order.
    pub fn predecessors(&self, id: ComponentId) -> Vec<ComponentId> {
        self.neighbors(id, Direction::Incoming)
    }

    fn neighbors(&self, id: ComponentId, direction: Direction) -> Vec<ComponentId> {
        let mut edges: Vec<(u32, ComponentId)> = self
            .graph
            .edges_directed(id.node(), direction)
            .map(|edge| {
                let other = if direction == Direction::Outgoing {
                    petgraph::visit::EdgeRef::target(&edge)
                } else {
                    petgraph::visit::EdgeRef::source(&edge)
                };
                (edge.weight().order, ComponentId(other.index() as u32))
            })
            .collect();
        edges.sort();
        edges.into_iter().map(|(_, id)| id).collect()
    }

    /// The model with a scenario's overrides applied, and the experiment it runs.
    pub fn with_scenario(&self, scenario: &Scenario) -> (Model, Experiment) {
        let mut model = self.clone();
        for (id, component) in &scenario.components {
            model.graph[id.node()] = component.clone();
        }
        for (id, resource) in &scenario.resources {
            model.resources[id.0 as usize] = resource.clone();
        }
        (model, scenario.experiment.clone())
    }

    /// The process graph in Graphviz DOT, components labelled with their kind.
    pub fn to_dot(&self) -> String {
        let mut out =
            String::from("digraph model {\n    rankdir=LR;\n    node [fontname=\"Helvetica\"];\n");
        for id in self.component_ids() {
            let component = self.component(id);
            let shape = match component.kind {
                ComponentKind::Source(_) => "invhouse",
                ComponentKind::Sink => "house",
                ComponentKind::Buffer(_) => "cylinder",
                ComponentKind::Conveyor(_) => "cds",
                _ => "box",
            };
            let _ = writeln!(
                out,
                "    \"{}\" [shape={shape}, label=\"{}\\n{}\"];",
                component.name,
                component.name,
                component.kind.keyword()
            );
        }
        for id in self.component_ids() {
            let component = self.component(id);
            for target in self.successors(id) {
                let label = match &component.routing {
                    Routing::Probability { targets } => targets
                        .iter()
                        .find(|(t, _)| *t == target)
                        .map(|(_, p)| format!(" [label=\"{}%\"]", (p * 100.0 * 1e6).round() / 1e6))
                        .unwrap_or_default(),
                    // The products the route sends this way.
                    Routing::ByProduct { targets } => {
                        let products: Vec<&str> = targets
                            .iter()
                            .filter(|(_, t)| *t == target)
                            .map(|(p, _)| self.products[p.0 as usize].name.as_str())
                            .collect();
                        if products.is_empty() {
                            String::new()
                        } else {
                            format!(" [label=\"{}\"]", products.join(", "))
                        }
                    }
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "    \"{}\" -> \"{}\"{label};",
                    component.name,
                    self.component(target).name
                );
            }
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Conveyor;

    /// Quotients that are whole in decimal but fall just short of it in binary floating point
    /// (0.7 / 0.1 is 6.999999999999999) count as the whole number; they used to lose a part.
    #[test]
    fn a_quotient_whole_in_decimal_is_whole() {
        for (length, spacing, parts) in
            [(0.7_f64, 0.1, 7), (0.3, 0.1, 3), (0.6, 0.2, 3), (1.2, 0.4, 3), (1.4, 0.1, 14)]
        {
            // The plain floor is one short: these are the cases the tolerance is for.
            assert_eq!((length / spacing).floor(), (parts - 1) as f64, "{length} / {spacing}");
            assert_eq!(Conveyor::capacity_of(length, spacing), parts, "{length} / {spacing}");
        }
        // Every one-decimal pair from 0.1 m to 10 m whose quotient is whole, counted in tenths.
        for tenths_l in 1..=100u64 {
            for tenths_s in 1..=tenths_l {
                let (length, spacing) = (tenths_l as f64 / 10.0, tenths_s as f64 / 10.0);
                assert_eq!(
                    Conveyor::capacity_of(length, spacing),
                    tenths_l / tenths_s,
                    "{length} / {spacing}"
                );
            }
        }
    }

    /// A quotient short of a whole number by more than a rounding error is floored, and a
    /// spacing larger than the length holds nothing.
    #[test]
    fn a_quotient_short_of_a_whole_number_is_floored() {
        assert_eq!(Conveyor::capacity_of(0.7, 0.1000001), 6);
        assert_eq!(Conveyor::capacity_of(10.0, 1.3), 7);
        assert_eq!(Conveyor::capacity_of(0.7, 0.7000001), 0);
        assert_eq!(Conveyor::capacity_of(1.0, 1.0 + 1e-12), 0);
        // The spacing one rounding error above the length (0.7000000000000001): one part.
        assert_eq!(Conveyor::capacity_of(0.7, 70.0 * 0.01), 1);
        assert_eq!(Conveyor::capacity_of(0.0, 1.0), 0);
        assert_eq!(Conveyor::capacity_of(-1.0, 1.0), 0);
        assert_eq!(Conveyor::capacity_of(1.0, 0.0), u64::MAX);
        assert_eq!(Conveyor::capacity_of(1e12, 1.0), 1_000_000_000_000);
        assert_eq!(Conveyor::capacity_of(1e12 - 0.5, 1.0), 999_999_999_999);
    }
}
