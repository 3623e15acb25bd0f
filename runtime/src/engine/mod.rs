//! The discrete-event engine: one replication of a model, from time zero to the horizon.
//!
//! # How parts move
//!
//! Every component may hold *outgoing* parts: a source's new part, a station's finished parts
//! (blocking after service), a buffer's head, a conveyor's front part at the exit. `offer(c)` moves
//! c's outgoing parts, in order, to a successor that can take them now (the route's target, or the
//! first successor in flow order). When none can, c is *blocked*: it is entered at the back of the
//! waiting list of each of its successors. Whenever a component gains room (a server goes idle, a
//! buffer slot frees, a conveyor's entrance clears) it *pulls* from the front of its waiting list,
//! so merging parts are taken in the order they became ready. Offers and pulls go through an
//! agenda rather than recursion, so a release that ripples down a 1,000-station line uses no stack.
//!
//! # Plain data in the hot loop
//!
//! Events are 32-byte `Copy` values in a binary heap; parts are 24-byte `Copy` values moved between
//! components; component state lives in one dense `Vec` indexed by component id. Nothing is
//! allocated, hashed or dispatched dynamically per event (waiting lists and buffers reuse their
//! storage). Cancelled events are skipped by generation numbers.
//!
//! The component behaviours live in the submodules: stations (processing, setups, failures,
//! maintenance, assembly) in `station.rs`, conveyors (exact kinematics) in `conveyor.rs`; the
//! statistics a replication reports are gathered in `collect.rs`.

mod collect;
mod conveyor;
mod crew;
mod queue;
mod spares;
mod station;
mod trace;

use crate::bottleneck::BottleneckTracker;
use crate::model::{
    Arrivals, Component, ComponentId, ComponentKind, Experiment, Model, QueuePolicy, Routing,
};
use crate::results::Results;
use crate::stats::{DurationMean, P2Quantile, TimeWeightedCount};
use crate::time::ns;
use conveyor::ConveyorNode;
use fab_stdlib::random::Stream;
use fab_stdlib::sample::Sampler;
use queue::{EventQueue, Kind};
use station::StationNode;
use std::collections::VecDeque;
use std::fmt;
pub use trace::{TraceEvent, TraceKind, trace_csv};

/// A part's target when its component routes to the first successor that can take it.
const ANY: u32 = u32::MAX;

/// Most events the engine runs at one instant before it decides the model loops without time
/// passing (a source with zero interarrival feeding a sink directly, say).
const ZERO_TIME_LIMIT: u64 = 10_000_000;

/// Why a replication could not run.
#[derive(Clone, PartialEq, Debug)]
pub enum RunError {
    /// The model uses a construct this runtime does not simulate yet.
    Unsupported { component: String, what: String },
    /// Parts circulate without time passing.
    ZeroTimeLoop { time_s: f64, component: String },
    /// The experiment's numbers make no run (horizon ≤ warm-up, no replications).
    BadExperiment(String),
    /// No scenario or experiment of that name.
    UnknownStudy(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Unsupported { component, what } => {
                write!(f, "`{component}`: {what} is not simulated yet")
            }
            RunError::ZeroTimeLoop { time_s, component } => write!(
                f,
                "parts circulate without time passing at t = {time_s} s (last at `{component}`): \
                 give a source a non-zero interarrival or a station a non-zero cycle"
            ),
            RunError::BadExperiment(why) => f.write_str(why),
            RunError::UnknownStudy(name) => write!(f, "no experiment or scenario named `{name}`"),
        }
    }
}

impl std::error::Error for RunError {}

/// A part in the system.
#[derive(Clone, Copy, Debug)]
struct Part {
    /// When a source created it (for an assembly, the earliest of its inputs).
    created: u64,
    /// When it entered the component that holds it.
    entered: u64,
    product: u32,
    /// The successor it must go to (`ANY`: the first that can take it).
    target: u32,
}

/// Work the agenda still has to do after an event.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// Move this component's outgoing parts on.
    Offer(u32),
    /// This component may have room: take parts from its waiting list.
    Pull(u32),
}

/// The work left after an event, done first in, first out. Work is only added while the agenda
/// drains, and a drained agenda is emptied at once, so a vector read from a moving position serves
/// as the queue.
#[derive(Default)]
struct Agenda {
    ops: Vec<Op>,
    next: usize,
}

impl Agenda {
    fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// The next piece of work; `None` once all is done, which empties the agenda.
    fn pop(&mut self) -> Option<Op> {
        let op = self.ops.get(self.next).copied();
        if op.is_some() {
            self.next += 1;
        } else {
            self.ops.clear();
            self.next = 0;
        }
        op
    }
}

/// How a component picks the successor of a finished part.
enum Route {
    First,
    /// Cumulative probabilities with their targets, drawn from the component's route stream.
    Probability(Vec<(f64, u32)>, Stream),
    /// Target per product id.
    ByProduct(Vec<(u32, u32)>),
}

/// A component blocked on another, in the other's waiting list.
#[derive(Clone, Copy, Debug)]
struct Waiter {
    component: u32,
    /// The blocking epoch it registered under (stale once the component's epoch moves on).
    epoch: u32,
    /// Its successor to move the part into: the waited-on component itself, or the buffer without
    /// room in front of it.
    via: u32,
}

/// The flow connections of one component.
struct Links {
    successors: Vec<u32>,
    route: Route,
    /// Components blocked on this one, in the order they blocked.
    waiting: VecDeque<Waiter>,
    /// The waiting list's length at which stale entries are dropped.
    compact_at: usize,
    /// Bumped whenever the component's blocked registration becomes stale.
    epoch: u32,
    blocked: bool,
}

struct SourceNode {
    arrivals: SourceArrivals,
    stream: Stream,
    product: u32,
    limit: u64,
    created: u64,
    held: Option<Part>,
}

enum SourceArrivals {
    Interarrival(Sampler),
    /// Release times (ns) and the index of the next one.
    Schedule(Vec<u64>, usize),
}

struct BufferNode {
    /// `None`: unlimited.
    capacity: Option<u64>,
    lifo: bool,
    parts: VecDeque<Part>,
    content: TimeWeightedCount,
    wait: DurationMean,
}

struct SinkNode {
    count: u64,
    lead: DurationMean,
}

/// A component's state. Stations, the nodes nearly every event touches, are held inline rather
/// than boxed, which saves a pointer chase per access (1 % fewer instructions on the peer
/// benchmark's line); every node then takes a station's size, a few hundred bytes.
#[allow(clippy::large_enum_variant)]
#[repr(u8)]
enum Node {
    Source(SourceNode),
    Station(StationNode),
    Buffer(BufferNode),
    Conveyor(Box<ConveyorNode>),
    Sink(SinkNode),
}

/// Counts of model events over the whole run, warm-up included.
#[derive(Clone, Copy, Default, Debug)]
struct Counters {
    completions: u64,
    failures: u64,
    repairs: u64,
    engine: u64,
}

/// One replication in progress.
pub(crate) struct Sim<'m> {
    model: &'m Model,
    experiment: &'m Experiment,
    now: u64,
    horizon: u64,
    warmup: u64,
    queue: EventQueue,
    agenda: Agenda,
    nodes: Vec<Node>,
    links: Vec<Links>,
    /// Component id → station ordinal (index into the bottleneck tracker), or `u32::MAX`.
    station_ordinal: Vec<u32>,
    bottleneck: BottleneckTracker,
    /// Stations changed at this instant, not yet reported (see `station::report_changes`).
    changed: Vec<u32>,
    wip: TimeWeightedCount,
    lead: DurationMean,
    lead_p50: P2Quantile,
    lead_p95: P2Quantile,
    /// Per product: parts delivered after warm-up and their lead times.
    product_count: Vec<u64>,
    product_lead: Vec<DurationMean>,
    scrapped: u64,
    counters: Counters,
    /// A series being recorded (`wip_series`).
    series: Option<Series>,
    /// Failures, repairs and maintenance, recorded only by `simulate_traced`.
    trace: Option<Vec<trace::RawEvent>>,
    /// The crews of the model's resources, by resource id.
    crews: Vec<crew::Crew>,
    /// The spare parts among the model's resources (those with a `stock`), by resource id.
    spares: Vec<Option<spares::Spare>>,
    /// Servers of stations that `need` resources, loaded and waiting for them: (station, server,
    /// since when).
    operator_line: VecDeque<(u32, u32, u64)>,
}

/// Time-averages of work in process over equal intervals.
struct Series {
    interval: u64,
    /// Observations wanted; each sample schedules the next.
    points: u64,
    last_integral: f64,
    values: Vec<f64>,
}

/// Runs one replication with the warm-up off and returns the time-average work in process over
/// each of `points` equal intervals of the horizon: the series MSER-5 reads to choose a warm-up.
pub fn wip_series(
    model: &Model,
    experiment: &Experiment,
    replication: u32,
    points: usize,
) -> Result<Vec<f64>, RunError> {
    let mut pilot = experiment.clone();
    pilot.warmup = 0.0;
    let mut sim = Sim::new(model, &pilot, replication)?;
    let points = points.max(1) as u64;
    let interval = (sim.horizon / points).max(1);
    sim.series = Some(Series { interval, points, last_integral: 0.0, values: Vec::new() });
    sim.queue.schedule(interval, Kind::Sample, 0, 0, 0);
    sim.run()?;
    Ok(sim.series.map(|s| s.values).unwrap_or_default())
}

/// Runs one replication of `experiment` on `model` and returns its results (one value per
/// statistic).
pub fn simulate(
    model: &Model,
    experiment: &Experiment,
    replication: u32,
) -> Result<Results, RunError> {
    let mut sim = Sim::new(model, experiment, replication)?;
    sim.run()?;
    Ok(sim.collect())
}

/// Runs one replication like [`simulate`] and also returns its failure trace: every failure,
/// repair end and maintenance of every failure mode over the whole run (warm-up included), then a
/// `censored` row per mode not under repair at the horizon. The results are the same bits as
/// [`simulate`]'s: recording draws no random number.
pub fn simulate_traced(
    model: &Model,
    experiment: &Experiment,
    replication: u32,
) -> Result<(Results, Vec<TraceEvent>), RunError> {
    let mut sim = Sim::new(model, experiment, replication)?;
    sim.trace = Some(Vec::new());
    sim.run()?;
    sim.trace_censored();
    let results = sim.collect();
    Ok((results, sim.named_trace()))
}

impl<'m> Sim<'m> {
    fn new(
        model: &'m Model,
        experiment: &'m Experiment,
        replication: u32,
    ) -> Result<Sim<'m>, RunError> {
        if experiment.horizon.is_nan() || experiment.horizon <= experiment.warmup {
            return Err(RunError::BadExperiment(format!(
                "experiment `{}`: the horizon ({} s) must exceed the warm-up ({} s)",
                experiment.name, experiment.horizon, experiment.warmup
            )));
        }
        // Time is whole nanoseconds below `NEVER / 2` (about 292 years): a longer horizon would
        // be cut short while the results report it in full.
        let longest = crate::time::secs(crate::time::NEVER / 2);
        if experiment.horizon >= longest {
            return Err(RunError::BadExperiment(format!(
                "experiment `{}`: the horizon ({} h) is longer than the longest run, {:.0} h (about 292 \
                 years of nanoseconds)",
                experiment.name,
                experiment.horizon / 3600.0,
                longest / 3600.0
            )));
        }
        let seed = experiment.seed;
        let count = model.graph.node_count();
        let mut nodes = Vec::with_capacity(count);
        let mut links = Vec::with_capacity(count);
        let mut station_ordinal = vec![u32::MAX; count];
        let mut stations = 0u32;
        for id in model.component_ids() {
            let component = model.component(id);
            let stream = |purpose: &str| Stream::new(seed, replication, &component.name, purpose);
            let node = match &component.kind {
                ComponentKind::Source(source) => Node::Source(SourceNode {
                    arrivals: match &source.arrivals {
                        Arrivals::Interarrival(d) => SourceArrivals::Interarrival(d.sampler()),
                        Arrivals::Schedule(times) => {
                            SourceArrivals::Schedule(times.iter().map(|t| ns(*t)).collect(), 0)
                        }
                    },
                    stream: stream("arrivals"),
                    product: source.product.0,
                    limit: source.limit.unwrap_or(u64::MAX),
                    created: 0,
                    held: None,
                }),
                ComponentKind::Station(station) => {
                    station_ordinal[id.index()] = stations;
                    stations += 1;
                    Node::Station(StationNode::new(component, station, None, &stream)?)
                }
                ComponentKind::Robot(robot) => {
                    station_ordinal[id.index()] = stations;
                    stations += 1;
                    Node::Station(StationNode::new(
                        component,
                        &robot.station,
                        Some(&robot.motion),
                        &stream,
                    )?)
                }
                ComponentKind::Buffer(buffer) => Node::Buffer(BufferNode {
                    capacity: buffer.capacity,
                    lifo: buffer.policy == QueuePolicy::Lifo,
                    parts: VecDeque::new(),
                    content: TimeWeightedCount::new(0),
                    wait: DurationMean::default(),
                }),
                ComponentKind::Conveyor(conveyor) => {
                    Node::Conveyor(Box::new(ConveyorNode::new(component, conveyor)?))
                }
                ComponentKind::Transport(_) => {
                    return Err(RunError::Unsupported {
                        component: component.name.clone(),
                        what: "a `transport`".into(),
                    });
                }
                ComponentKind::Sink => {
                    Node::Sink(SinkNode { count: 0, lead: DurationMean::default() })
                }
            };
            nodes.push(node);
            links.push(Links {
                successors: model.successors(id).iter().map(|s| s.0).collect(),
                route: route_of(component, seed, replication),
                waiting: VecDeque::new(),
                epoch: 0,
                blocked: false,
                compact_at: 2 * model.predecessors(id).len() + 8,
            });
        }
        let products = model.products.len().max(1);
        Ok(Sim {
            model,
            experiment,
            now: 0,
            horizon: ns(experiment.horizon),
            warmup: ns(experiment.warmup),
            queue: EventQueue::with_capacity(4 * count + 16),
            agenda: Agenda::default(),
            nodes,
            links,
            station_ordinal,
            bottleneck: BottleneckTracker::new(stations as usize, 0),
            changed: Vec::with_capacity(stations as usize),
            wip: TimeWeightedCount::new(0),
            lead: DurationMean::default(),
            lead_p50: P2Quantile::new(0.5),
            lead_p95: P2Quantile::new(0.95),
            product_count: vec![0; products],
            product_lead: vec![DurationMean::default(); products],
            scrapped: 0,
            counters: Counters::default(),
            series: None,
            trace: None,
            crews: model.resources.iter().map(|r| crew::Crew::new(r.count)).collect(),
            spares: model.resources.iter().map(spares::Spare::of).collect(),
            operator_line: VecDeque::new(),
        })
    }

    /// Schedules the first events, then runs events until the horizon.
    fn run(&mut self) -> Result<(), RunError> {
        if self.warmup > 0 {
            self.queue.schedule(self.warmup, Kind::Warmup, 0, 0, 0);
        }
        for c in 0..self.nodes.len() as u32 {
            match &mut self.nodes[c as usize] {
                Node::Source(_) => self.schedule_arrival(c),
                Node::Station(_) => self.start_station(c),
                _ => {}
            }
        }
        self.report_changes();
        let mut same_instant = 0u64;
        while let Some(event) = self.queue.pop() {
            if event.time() > self.horizon {
                break;
            }
            if event.time() == self.now {
                same_instant += 1;
                if same_instant > ZERO_TIME_LIMIT {
                    return Err(RunError::ZeroTimeLoop {
                        time_s: crate::time::secs(self.now),
                        component: self.model.graph[ComponentId(event.node).node()].name.clone(),
                    });
                }
            } else {
                same_instant = 0;
            }
            self.now = event.time();
            self.counters.engine += 1;
            let c = event.node;
            match event.kind {
                Kind::Warmup => self.reset_statistics(),
                Kind::Arrival => self.on_arrival(c),
                Kind::SetupDone => self.on_setup_done(c, event.aux, event.generation),
                Kind::ProcessDone => self.on_process_done(c, event.aux, event.generation),
                Kind::Failure => self.on_failure_due(c, event.aux, event.generation),
                Kind::Repair => self.on_repair_done(c, event.aux),
                Kind::MaintenanceDue => self.on_maintenance_due(c, event.generation),
                Kind::MaintenanceDone => self.on_maintenance_done(c),
                Kind::Inspection => self.on_inspection(c),
                Kind::PredictiveStart => self.on_predictive_start(c, event.generation),
                Kind::SpareArrival => self.on_spare_arrival(event.aux),
                Kind::ConveyorExit => self.on_conveyor_exit(c, event.generation),
                Kind::ConveyorEntrance => self.on_conveyor_entrance(c, event.generation),
                Kind::Sample => self.on_sample(),
            }
            self.drain_agenda();
            self.report_changes();
        }
        self.now = self.horizon;
        Ok(())
    }

    fn drain_agenda(&mut self) {
        while let Some(op) = self.agenda.pop() {
            match op {
                Op::Offer(c) => self.offer(c),
                Op::Pull(c) => self.pull(c),
            }
        }
    }

    // ----- sources -----------------------------------------------------------------------------

    /// Schedules a source's next creation, counted from now (a blocked source's next interarrival
    /// starts when its held part leaves).
    fn schedule_arrival(&mut self, c: u32) {
        let now = self.now;
        let Node::Source(source) = &mut self.nodes[c as usize] else { return };
        if source.created >= source.limit {
            return;
        }
        let time = match &mut source.arrivals {
            SourceArrivals::Interarrival(sampler) => {
                now.saturating_add(ns(sampler.sample(&mut source.stream)))
            }
            SourceArrivals::Schedule(times, next) => match times.get(*next) {
                Some(t) => {
                    *next += 1;
                    (*t).max(now)
                }
                None => return,
            },
        };
        if time <= self.horizon {
            self.queue.schedule(time, Kind::Arrival, c, 0, 0);
        }
    }

    fn on_arrival(&mut self, c: u32) {
        let now = self.now;
        let Node::Source(source) = &mut self.nodes[c as usize] else { return };
        source.created += 1;
        let mut part = Part { created: now, entered: now, product: source.product, target: ANY };
        self.wip.add(now, 1);
        self.choose_target(c, &mut part);
        let Node::Source(source) = &mut self.nodes[c as usize] else { return };
        source.held = Some(part);
        self.offer(c);
    }

    // ----- the flow protocol -------------------------------------------------------------------

    /// Sets a part's target by the component's route (called when the part becomes outgoing).
    fn choose_target(&mut self, c: u32, part: &mut Part) {
        part.target = self.links[c as usize].route.target(part.product);
    }

    /// The part component `c` would release next, if any.
    #[inline]
    fn outgoing(&self, c: u32) -> Option<Part> {
        match &self.nodes[c as usize] {
            Node::Source(source) => source.held,
            Node::Station(station) => station.outgoing(),
            Node::Buffer(buffer) => {
                if buffer.lifo {
                    buffer.parts.back().copied()
                } else {
                    buffer.parts.front().copied()
                }
            }
            Node::Conveyor(conveyor) => conveyor.outgoing(self.now),
            Node::Sink(_) => None,
        }
    }

    /// The successor that can take `part` from `c` now.
    fn taker(&self, c: u32, part: &Part) -> Option<u32> {
        if part.target != ANY {
            return self.can_accept(part.target, part).then_some(part.target);
        }
        self.links[c as usize].successors.iter().copied().find(|&s| self.can_accept(s, part))
    }

    /// Whether component `c` can take `part` now.
    #[inline]
    fn can_accept(&self, c: u32, part: &Part) -> bool {
        match &self.nodes[c as usize] {
            Node::Source(_) => false,
            Node::Station(station) => station.can_accept(part),
            Node::Buffer(buffer) => match buffer.capacity {
                None => true,
                Some(0) => self.can_pass_through(c, part),
                Some(capacity) => (buffer.parts.len() as u64) < capacity,
            },
            Node::Conveyor(conveyor) => conveyor.can_accept(self.now),
            Node::Sink(_) => true,
        }
    }

    /// Whether buffer `c`, which has no room, can pass `part` straight through to a successor now.
    #[inline(never)]
    fn can_pass_through(&self, c: u32, part: &Part) -> bool {
        let mut through = *part;
        through.target = ANY;
        match &self.links[c as usize].route {
            Route::First => self.taker(c, &through).is_some(),
            // A drawn target is not known before the part enters; accept only when every target
            // could take it.
            _ => self.links[c as usize].successors.iter().all(|&s| self.can_accept(s, &through)),
        }
    }

    /// Moves `c`'s outgoing parts on while a successor takes them; registers `c` as blocked
    /// otherwise.
    fn offer(&mut self, c: u32) {
        while let Some(part) = self.outgoing(c) {
            match self.taker(c, &part) {
                Some(target) => self.transfer(c, target),
                None => {
                    self.block(c);
                    return;
                }
            }
        }
    }

    /// Enters `c` in the waiting list of each successor, unless it is already waiting. A
    /// successor that is a buffer without room passes parts straight through and never pulls by
    /// itself, so `c` also waits at the components behind it, to be pulled *through* it.
    fn block(&mut self, c: u32) {
        let links = &mut self.links[c as usize];
        if links.blocked {
            return;
        }
        links.blocked = true;
        links.epoch = links.epoch.wrapping_add(1);
        let epoch = links.epoch;
        for i in 0..self.links[c as usize].successors.len() {
            let via = self.links[c as usize].successors[i];
            self.wait_at(via, Waiter { component: c, epoch, via }, 0);
        }
        self.blocked_changed(c);
    }

    fn wait_at(&mut self, s: u32, waiter: Waiter, depth: u32) {
        if let Node::Buffer(BufferNode { capacity: Some(0), .. }) = &self.nodes[s as usize]
            && depth < 64
        {
            for i in 0..self.links[s as usize].successors.len() {
                let next = self.links[s as usize].successors[i];
                self.wait_at(next, waiter, depth + 1);
            }
            return;
        }
        let links = &mut self.links[s as usize];
        links.waiting.push_back(waiter);
        if links.waiting.len() > links.compact_at {
            // Drop stale entries before the list grows without bound.
            let mut waiting = std::mem::take(&mut self.links[s as usize].waiting);
            waiting.retain(|w| {
                let l = &self.links[w.component as usize];
                l.blocked && l.epoch == w.epoch
            });
            let links = &mut self.links[s as usize];
            links.compact_at = 2 * waiting.len() + 8;
            links.waiting = waiting;
        }
    }

    /// `c` may have room: offers each blocked predecessor, in the order they blocked, the chance to
    /// move a part into `c` (or through the buffer without room that leads to it).
    fn pull(&mut self, c: u32) {
        let mut rounds = self.links[c as usize].waiting.len();
        while rounds > 0 {
            rounds -= 1;
            let Some(waiter) = self.links[c as usize].waiting.pop_front() else { break };
            let w = waiter.component;
            let links = &self.links[w as usize];
            if !links.blocked || links.epoch != waiter.epoch {
                continue; // stale
            }
            let Some(part) = self.outgoing(w) else {
                self.unblock(w);
                continue;
            };
            let via = waiter.via;
            let fits = (part.target == ANY || part.target == via) && self.can_accept(via, &part);
            if fits {
                let single = via == c && self.links[w as usize].successors.len() == 1;
                if single && !matches!(self.nodes[w as usize], Node::Conveyor(_)) {
                    self.deliver(c, waiter);
                } else {
                    self.transfer(w, via);
                    self.agenda.push(Op::Offer(w));
                }
            } else {
                // Still blocked (on another target, or `c` cannot take this product): keep its
                // place for the next pull.
                self.links[c as usize].waiting.push_back(waiter);
            }
        }
    }

    /// A blocked `w` whose only successor is `c` moves parts into `c` while `c` takes them, and
    /// stays blocked at `c` (at the back of its waiting list, as the one ready last) if a part is
    /// left. This is what a transfer and an `offer` would do, without unblocking and blocking
    /// again each time a busy buffer hands a part to its station. (A conveyor's next part is not
    /// at its exit yet, and a component with several successors may have somewhere else to go:
    /// both take the general path.)
    fn deliver(&mut self, c: u32, waiter: Waiter) {
        let w = waiter.component;
        loop {
            let mut part = self.take_outgoing(w);
            part.entered = self.now;
            part.target = ANY;
            self.enter(c, part);
            let Some(next) = self.outgoing(w) else {
                self.unblock(w);
                return;
            };
            if !self.can_accept(c, &next) {
                break;
            }
        }
        self.links[c as usize].waiting.push_back(waiter);
    }

    fn unblock(&mut self, c: u32) {
        let links = &mut self.links[c as usize];
        if links.blocked {
            links.blocked = false;
            links.epoch = links.epoch.wrapping_add(1);
            self.blocked_changed(c);
        }
    }

    /// Moves `from`'s outgoing part into `to`.
    fn transfer(&mut self, from: u32, to: u32) {
        self.unblock(from);
        let mut part = self.take_outgoing(from);
        part.entered = self.now;
        part.target = ANY;
        self.enter(to, part);
    }

    /// Removes `c`'s outgoing part, and does what its leaving frees up.
    #[inline(always)]
    fn take_outgoing(&mut self, c: u32) -> Part {
        let now = self.now;
        match &mut self.nodes[c as usize] {
            Node::Source(source) => {
                let part = source.held.take().expect("a source offers only a held part");
                self.schedule_arrival(c);
                part
            }
            Node::Station(_) => {
                let part = self.station_release(c);
                self.agenda.push(Op::Pull(c));
                part
            }
            Node::Buffer(buffer) => {
                let part =
                    if buffer.lifo { buffer.parts.pop_back() } else { buffer.parts.pop_front() }
                        .expect("a buffer offers only a held part");
                buffer.content.add(now, -1);
                buffer.wait.push(now - part.entered);
                self.agenda.push(Op::Pull(c));
                part
            }
            Node::Conveyor(_) => self.conveyor_release(c),
            Node::Sink(_) => unreachable!("a sink never offers a part"),
        }
    }

    /// A part enters component `c`.
    #[inline(always)]
    fn enter(&mut self, c: u32, mut part: Part) {
        let now = self.now;
        match &mut self.nodes[c as usize] {
            Node::Source(_) => unreachable!("nothing flows into a source"),
            Node::Station(_) => self.station_enter(c, part),
            Node::Buffer(BufferNode { capacity: Some(0), .. }) => self.pass_through(c, part),
            Node::Buffer(buffer) => {
                part.target = self.links[c as usize].route.target(part.product);
                buffer.parts.push_back(part);
                buffer.content.add(now, 1);
                // A blocked FIFO buffer's head is unchanged: nothing new to offer.
                if buffer.lifo || !self.links[c as usize].blocked {
                    self.agenda.push(Op::Offer(c));
                }
            }
            Node::Conveyor(_) => self.conveyor_enter(c, part),
            Node::Sink(_) => self.sink_enter(c, part),
        }
    }

    /// A part enters buffer `c`, which has no room, and leaves it at once. `can_accept` let the
    /// part in only because the successor its route picks (or, without a route, the first free
    /// one) takes it now.
    #[inline(never)]
    fn pass_through(&mut self, c: u32, mut part: Part) {
        self.choose_target(c, &mut part);
        let to = self
            .taker(c, &part)
            .expect("a buffer without room is entered only when a successor is free");
        part.target = ANY;
        self.enter(to, part);
    }

    /// A part leaves the system at sink `c`.
    #[inline(never)]
    fn sink_enter(&mut self, c: u32, part: Part) {
        let now = self.now;
        self.wip.add(now, -1);
        if now < self.warmup {
            return;
        }
        let Node::Sink(sink) = &mut self.nodes[c as usize] else { return };
        let lead_ns = now - part.created;
        let lead = crate::time::secs(lead_ns);
        sink.count += 1;
        sink.lead.push(lead_ns);
        self.lead.push(lead_ns);
        self.lead_p50.push(lead);
        self.lead_p95.push(lead);
        let p = part.product as usize;
        if p < self.product_count.len() {
            self.product_count[p] += 1;
            self.product_lead[p].push(lead_ns);
        }
    }

    /// A component became blocked or unblocked: only conveyors act on it.
    #[inline]
    fn blocked_changed(&mut self, c: u32) {
        if let Node::Conveyor(_) = &self.nodes[c as usize] {
            self.conveyor_blocked_changed(c);
        }
    }

    fn on_sample(&mut self) {
        let now = self.now;
        if let Some(series) = &mut self.series {
            let integral = self.wip.integral(now);
            series.values.push((integral - series.last_integral) / series.interval as f64);
            series.last_integral = integral;
            if (series.values.len() as u64) < series.points {
                self.queue.schedule(now + series.interval, Kind::Sample, 0, 0, 0);
            }
        }
    }

    /// Warm-up deletion: every statistic restarts now; the state of the line is kept.
    fn reset_statistics(&mut self) {
        let now = self.now;
        self.wip.reset(now);
        self.lead = DurationMean::default();
        self.lead_p50 = P2Quantile::new(0.5);
        self.lead_p95 = P2Quantile::new(0.95);
        self.product_count.iter_mut().for_each(|n| *n = 0);
        self.product_lead.iter_mut().for_each(|w| *w = DurationMean::default());
        self.scrapped = 0;
        self.bottleneck.reset(now);
        for crew in &mut self.crews {
            crew.reset_statistics(now);
        }
        for spare in self.spares.iter_mut().flatten() {
            spare.reset_statistics(now);
        }
        for node in &mut self.nodes {
            match node {
                Node::Station(station) => station.reset_statistics(now),
                Node::Buffer(buffer) => {
                    buffer.content.reset(now);
                    buffer.wait = DurationMean::default();
                }
                Node::Conveyor(conveyor) => conveyor.reset_statistics(now),
                Node::Sink(sink) => *sink = SinkNode { count: 0, lead: DurationMean::default() },
                Node::Source(_) => {}
            }
        }
    }
}

impl Route {
    /// The successor a part of `product` goes to (`ANY`: the first that can take it), drawn from
    /// the route's stream when the route is by probability.
    fn target(&mut self, product: u32) -> u32 {
        match self {
            Route::First => ANY,
            Route::Probability(cumulative, stream) => {
                let u = stream.uniform();
                cumulative
                    .iter()
                    .find(|(p, _)| u < *p)
                    .or(cumulative.last())
                    .map_or(ANY, |(_, target)| *target)
            }
            Route::ByProduct(targets) => {
                targets.iter().find(|(p, _)| *p == product).map_or(ANY, |(_, t)| *t)
            }
        }
    }
}

/// The route of a component, with its random stream when it draws.
fn route_of(component: &Component, seed: u64, replication: u32) -> Route {
    match &component.routing {
        Routing::FirstAvailable => Route::First,
        Routing::Probability { targets } => {
            let total: f64 = targets.iter().map(|(_, p)| p).sum();
            let mut acc = 0.0;
            let cumulative = targets
                .iter()
                .map(|(target, p)| {
                    acc += p / total;
                    (acc, target.0)
                })
                .collect();
            Route::Probability(cumulative, Stream::new(seed, replication, &component.name, "route"))
        }
        Routing::ByProduct { targets } => {
            Route::ByProduct(targets.iter().map(|(p, c)| (p.0, c.0)).collect())
        }
    }
}
