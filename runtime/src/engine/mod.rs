//! The discrete-event engine: one replication of a model, from time zero to the horizon.
//!
//! # How parts move
//!
//! Every component may hold *outgoing* parts: a source's new part, a station's finished parts
//! (blocking after service), a buffer's head, a conveyor's front part at the exit. `offer(c)` moves
//! c's outgoing parts, in order, to a successor that can take them now (the route's target, or the
//! first successor in flow order); of a station's finished parts, any that can move, in the order
//! they finished (`Sim::overtaker`). When none can, c is *blocked*: it is entered at the back of the
//! waiting list of each of its successors. Whenever a component gains room (a server goes idle, a
//! buffer slot frees, a conveyor's entrance clears) it *pulls* from the front of its waiting list,
//! so merging parts are taken in the order they became ready. A component whose one predecessor
//! has no other successor keeps no list: that predecessor's waiting is its `blocked` flag
//! (`Links::sole`). A buffer of capacity 0 takes a part only when the successor the part will go
//! to can take it at once (for a route by probability, a target drawn ahead: see
//! `Sim::pass_through_target`), through any buffers of capacity 0 behind it (`Sim::through`); a
//! component blocked at it waits at the components behind them.
//!
//! Offers and pulls go through an agenda rather than recursion, so a release that ripples down a
//! 1,000-station line uses no stack. The agenda is last in, first out: the work an offer or a pull
//! gives rise to is done, to the end, before work queued earlier. A finished part is followed
//! downstream first, then the room it leaves is filled from upstream, station after station; this
//! order (which only decides what runs first among things due at one nanosecond) is the one a
//! hand-written line loop follows, which is what lets the lean paths below be such loops.
//!
//! # Lean shapes and lanes
//!
//! Stations with one server and no setup, assembly or needed resources, and FIFO buffers with
//! room, each with one successor in flow order, are *lean* (`lean.rs`); a stretch of them linked
//! one to one is a *lane*. For these the offers and pulls are written out: a finished part passes
//! into its lane buffer, the buffer's offer to its station and the station's pull are done at
//! once, and a pull walks up the lane by precomputed neighbours, each step what the agenda would
//! do next. They change no result: `tests/run.rs` runs every example and random lines and networks
//! both ways (`simulate_general` turns them off) and compares the bits.
//!
//! # Plain data in the hot loop
//!
//! The event set (`queue.rs`) is a 4-ary heap of 16-byte keys with the events' payloads in slots,
//! and beside it a plain heap for the events that come due rarely (failures, maintenance); parts
//! are 24-byte `Copy` values moved between components. The engine numbers components by kind
//! (stations, then buffers, sources, conveyors and sinks), so a component's number says, by
//! comparisons, which dense `Vec` holds its state and at what index: no table to look up, no jump
//! on a kind tag. A station's state read at nearly every event (server counts, clocks, time shares,
//! its cycle law) is one compact record; what only failures, maintenance and the final report read
//! is boxed beside it; its first server is in that record and any others in a boxed slice, the
//! blocked ones linked in the order they finished. A component's flow links (its successors as a
//! range of one shared table, its shape and lane neighbours, its blocked flag) are in `Sim::links`,
//! 56 bytes each; its waiting list, with the first waiter inline, is in `Sim::waiting`, which only
//! the general protocol reads. (Kept in the links, the lists made them 104 bytes, and a
//! 1,000-station line missed the first-level cache 4 % more often: callgrind's simulation of a
//! 48 KB L1, 21.5M against 20.7M misses over 60 h.) Nothing is allocated, hashed or dispatched
//! dynamically per event (waiting lists, buffers and event slots reuse their storage). Cancelled
//! events are skipped by generation numbers.
//!
//! The component behaviours live in the submodules: stations (processing, setups, failures,
//! maintenance, assembly) in `station.rs`, conveyors (exact kinematics) in `conveyor.rs`, the lean
//! paths in `lean.rs`; the statistics a replication reports are gathered in `collect.rs`.

mod collect;
mod conveyor;
mod crew;
mod deadlock;
mod lean;
mod queue;
mod spares;
mod station;
mod trace;

use crate::bottleneck::BottleneckTracker;
use crate::model::{
    Arrivals, Component, ComponentId, ComponentKind, Experiment, Model, QueuePolicy, Routing,
};
use crate::results::{NumberOf, Results};
use crate::stats::{DurationHistogram, Stays, TimeWeightedCount};
use crate::time::{SpanProblem, ns};
use conveyor::ConveyorNode;
use fab_stdlib::random::Stream;
use fab_stdlib::sample::Sampler;
use lean::{Pulled, Shape};
use queue::{EventQueue, Kind};
use station::StationNode;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
pub use trace::{TraceEvent, TraceKind, trace_csv};

/// A part's target when its component routes to the first successor that can take it.
const ANY: u32 = u32::MAX;

/// Most events the engine runs at one instant before it decides the model loops without time
/// passing: a source with zero interarrival feeding a sink through a station whose cycle is always
/// zero, say. (The floods the checker can see, through buffers alone, it refuses: E0608.)
const ZERO_TIME_LIMIT: u64 = 10_000_000;
const _: () = assert!(ZERO_TIME_LIMIT == 10_000_000, "E0901's reason says ten million");

/// Events between two reports of a run's progress (`simulate_reporting`): about a tenth of a
/// second of the engine's time. Testing the event count is the only cost on every event: the
/// engine harness ran 1,211.9M → 1,213.0M instructions with it (callgrind, 100 stations over
/// 438 h), and no slower on the clock.
const PROGRESS_EVENTS: u64 = 1 << 20;

/// Most parts a buffer may hold, whatever its `capacity` (`unlimited` included). A queue fed
/// faster than it drains grows without end; at 24 bytes a part, ten million parts are about
/// 400 MB of buffer storage, and the run stops with an error once a buffer is that full rather
/// than take all the machine's memory. No model that settles comes near it.
pub const MAX_BUFFER_CONTENT: u64 = 10_000_000;

/// Why a replication could not run.
#[derive(Clone, PartialEq, Debug)]
pub enum RunError {
    /// The model uses a construct this runtime does not simulate yet; `why` says what a run
    /// would lack, `help` what to write instead.
    Unsupported { component: String, what: String, why: &'static str, help: &'static str },
    /// Events run without time passing at `time_s`, the last at `component`, for `cause`.
    ZeroTimeLoop { time_s: f64, component: String, cause: LoopCause },
    /// A failure mode whose repairs keep its age failed more often than the failure-rate guard
    /// allows (10,000 times while its age grew by less than 1 %).
    FailuresDiverge { time_s: f64, component: String, mode: String },
    /// A buffer filled to `MAX_BUFFER_CONTENT` parts: parts arrive faster than they leave.
    BufferOverflow { component: String },
    /// Buffer `component`, of capacity 0 and routed by probability, leads through buffers of
    /// capacity 0 back to itself: a part could pass it twice at one instant, and it draws only
    /// one target ahead (`Sim::pass_through_target`).
    DrawingLoop { component: String },
    /// A loop of buffers only, one of which can hold a part (capacity above 0 or unlimited):
    /// `buffers` names them in the order a part goes round, the first again at the end. A part
    /// could go round it for ever at one instant (`buffer_loop`).
    HoldingLoop { buffers: Vec<String> },
    /// A number of the results is infinite or NaN, which the results document cannot hold: the
    /// statistic at `path` (`["stations", "press", "costs", "operating"]`), its `number` that is
    /// `value` (`Results::check_finite`).
    NotFinite { path: Vec<String>, number: NumberOf, value: f64 },
    /// The experiment makes no run for a reason no rule of the model names: no experiment to run,
    /// threads that cannot start, a redrawn input that cannot be fitted.
    BadExperiment(String),
    /// The experiment or study breaks a rule the checker holds a model's own text to, reported
    /// with that rule's `code` (E0205 for a number out of range, E0206 for settings that exclude
    /// each other…): the checker refuses a model that breaks it, so the run meets it only by what
    /// the command line gave (`--horizon` before the warm-up, `--input-uncertainty` on a model
    /// without inputs made from data) or in a `Model` built in Rust. `why` names the study.
    Refused { code: &'static str, why: String },
    /// No scenario or experiment of that name.
    UnknownStudy(String),
}

/// What runs without time passing when the zero-time guard stops a run.
#[derive(Clone, PartialEq, Debug)]
pub enum LoopCause {
    /// Parts move from component to component.
    Parts,
    /// Failure mode `mode` fails again as soon as each repair of no time ends; `keeps_age`:
    /// its repairs keep some of its age.
    Failures { mode: String, keeps_age: bool },
    /// Maintenance of no time falls due again as soon as it ends.
    Maintenance,
}

impl RunError {
    /// The diagnostic code of the error (`fab explain` prints its page): the engine's own for
    /// what the model does while it runs, the checker's for a rule the command line's numbers
    /// break ([`RunError::Refused`]); `None` for what no rule names, such as an unknown study.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            RunError::ZeroTimeLoop { cause: LoopCause::Parts, .. } => Some("E0901"),
            RunError::ZeroTimeLoop { cause: LoopCause::Failures { .. }, .. } => Some("E0902"),
            RunError::ZeroTimeLoop { cause: LoopCause::Maintenance, .. } => Some("E0903"),
            RunError::FailuresDiverge { .. } => Some("E0904"),
            RunError::BufferOverflow { .. } => Some("E0905"),
            RunError::Unsupported { .. } => Some("E0906"),
            RunError::DrawingLoop { .. } => Some("E0907"),
            RunError::HoldingLoop { .. } => Some("E0911"),
            RunError::NotFinite { .. } => Some("E0909"),
            RunError::Refused { code, .. } => Some(code),
            RunError::BadExperiment(_) | RunError::UnknownStudy(_) => None,
        }
    }

    /// The component the error is about, by qualified name: where a report points in the model.
    pub fn component(&self) -> Option<&str> {
        match self {
            RunError::ZeroTimeLoop { component, .. }
            | RunError::FailuresDiverge { component, .. }
            | RunError::BufferOverflow { component }
            | RunError::DrawingLoop { component }
            | RunError::Unsupported { component, .. } => Some(component),
            RunError::HoldingLoop { buffers } => buffers.first().map(String::as_str),
            // A component's statistic: `stations.NAME.…`, where NAME may hold dots itself.
            RunError::NotFinite { path, .. } => match path[0].as_str() {
                "stations" | "buffers" | "conveyors" | "sinks" => Some(&path[1]),
                _ => None,
            },
            RunError::BadExperiment(_) | RunError::Refused { .. } | RunError::UnknownStudy(_) => {
                None
            }
        }
    }

    /// What happened, in one line.
    pub fn headline(&self) -> String {
        match self {
            RunError::Unsupported { component, what, .. } => {
                format!("`{component}`: {what} is not simulated yet")
            }
            RunError::ZeroTimeLoop { time_s, component, cause: LoopCause::Parts } => format!(
                "parts circulate without time passing at t = {time_s} s (last at `{component}`)"
            ),
            RunError::ZeroTimeLoop { time_s, component, cause: LoopCause::Failures { .. } } => {
                format!(
                    "`{component}` fails again as soon as each repair ends, without time \
                     passing, at t = {time_s} s"
                )
            }
            RunError::ZeroTimeLoop { time_s, component, cause: LoopCause::Maintenance } => format!(
                "`{component}` is maintained again and again without time passing at \
                 t = {time_s} s"
            ),
            RunError::FailuresDiverge { time_s, component, mode } => format!(
                "failure mode `{mode}` of `{component}` failed more than {} times while its age \
                 grew by less than {} %, at t = {time_s} s",
                station::FAILURE_BURST_LIMIT,
                station::FAILURE_BURST_AGE_SHARE * 100.0
            ),
            RunError::BufferOverflow { component } => format!(
                "buffer `{component}` filled up to {MAX_BUFFER_CONTENT} parts, the most a buffer \
                 may hold in a run"
            ),
            RunError::DrawingLoop { component } => format!(
                "a part could come back to buffer `{component}`, of capacity 0 and routed by \
                 probability, without time passing"
            ),
            RunError::HoldingLoop { buffers } => format!(
                "a part could go round the loop of buffers `{}` without time passing",
                buffers.join(" -> ")
            ),
            RunError::NotFinite { path, number, value } => {
                let what = if value.is_nan() { "is not a number" } else { "overflows to infinity" };
                let path = path.join(".");
                match number {
                    NumberOf::Replication(r) => format!("`{path}` {what} in replication {r}"),
                    NumberOf::Mean => format!("the mean of `{path}` {what}"),
                    NumberOf::HalfWidth => {
                        format!("the confidence half-width of `{path}` {what}")
                    }
                }
            }
            RunError::BadExperiment(why) | RunError::Refused { why, .. } => why.clone(),
            RunError::UnknownStudy(name) => format!("no experiment or scenario named `{name}`"),
        }
    }

    /// Why it happened, where the headline does not say. Every error a model's behaviour causes
    /// (one with a [`RunError::code`], but for a [`RunError::Refused`], which the command line
    /// causes and whose headline says why) has one, printed as a note.
    pub fn reason(&self) -> Option<String> {
        let reason = match self {
            // "Ten million" is `ZERO_TIME_LIMIT`, held to it below.
            RunError::ZeroTimeLoop { cause: LoopCause::Parts, .. } => "more than ten million \
                 events ran at this one instant: parts are released and passed on with no time \
                 between them (an interarrival or a cycle of 0 s, or under half a nanosecond, \
                 which the clock, counting whole nanoseconds, runs as none), and nothing on \
                 their way to a sink takes time"
                .into(),
            RunError::ZeroTimeLoop {
                cause: LoopCause::Failures { mode, keeps_age: true }, ..
            } => {
                format!(
                    "the repairs of failure mode `{mode}` take no time and keep its age \
                     (`restores = old` or a share), so the life left at that age is under a \
                     nanosecond (W0402 warns of this for a life that has an end)"
                )
            }
            RunError::ZeroTimeLoop {
                cause: LoopCause::Failures { mode, keeps_age: false },
                ..
            } => {
                format!(
                    "failure mode `{mode}` draws lives under a nanosecond and its repair takes \
                     no time"
                )
            }
            RunError::ZeroTimeLoop { cause: LoopCause::Maintenance, .. } => {
                "its maintenance takes no time and falls due again as soon as it ends".into()
            }
            RunError::FailuresDiverge { .. } => "its repairs keep its age (`restores = old` or a \
                 share) and take next to no time, so under a law whose failure rate climbs with \
                 age (a steep wear-out, such as a weibull of large shape) its failures come ever \
                 faster and the run would not end"
                .into(),
            RunError::BufferOverflow { .. } => "parts arrive faster than they leave, so its queue \
                 would grow without end"
                .into(),
            RunError::DrawingLoop { .. } => "one of its targets leads through buffers of \
                 capacity 0 back to it, and such a buffer draws the target of its next part \
                 before the part enters, one draw ahead, so it has no second target for a part \
                 that comes round again"
                .into(),
            RunError::HoldingLoop { .. } => "a move from one buffer to the next takes no time, \
                 and a buffer that lets a part go has room for it again, so a part that finds \
                 nothing else to take it can go round and round within one instant"
                .into(),
            RunError::Unsupported { why, .. } => (*why).into(),
            RunError::NotFinite { value, .. } if value.is_nan() => "a result is a 64-bit \
                 floating-point number, and this one came out as no number at all: two \
                 infinities met (one minus the other, or one times zero), each from a figure \
                 beyond the largest such a number holds, about 1.8e308"
                .into(),
            RunError::NotFinite { .. } => "a result is a 64-bit floating-point number, which \
                 holds nothing beyond about 1.8e308, and this one, a sum over the run of figures \
                 the model gives, grew past it"
                .into(),
            // The headline of a refusal is its reason: the rule it breaks, with the numbers.
            RunError::BadExperiment(_) | RunError::UnknownStudy(_) | RunError::Refused { .. } => {
                return None;
            }
        };
        Some(reason)
    }

    /// The remedy, as a sentence.
    pub fn help(&self) -> Option<&'static str> {
        Some(match self {
            RunError::ZeroTimeLoop { cause: LoopCause::Parts, .. } => {
                "Give a source a non-zero interarrival or a station a non-zero cycle."
            }
            RunError::ZeroTimeLoop {
                cause: LoopCause::Failures { keeps_age: true, .. }, ..
            } => "Give the repair a duration, or renew the life (`restores = new`).",
            RunError::ZeroTimeLoop {
                cause: LoopCause::Failures { keeps_age: false, .. }, ..
            } => {
                "Give the life (`after`) a law that is not all but zero, or the repair a duration."
            }
            RunError::ZeroTimeLoop { cause: LoopCause::Maintenance, .. } => {
                "Give `takes` a duration, or open an opportunistic `window` shorter than its \
                 `every`."
            }
            RunError::FailuresDiverge { .. } => {
                "Give the repair a duration, or let it renew the life (`restores = new`)."
            }
            RunError::BufferOverflow { .. } => {
                "Drain the buffer faster than it is fed, or give it a capacity."
            }
            RunError::DrawingLoop { .. } => {
                "Route the buffer straight to the components its loop leads out to, each with the \
                 share of parts that reach it."
            }
            RunError::HoldingLoop { .. } => {
                "Put a station or a conveyor in the loop, whose cycle or length is the time the \
                 way round takes; a part moved between buffers takes no time."
            }
            RunError::NotFinite { .. } => {
                "Look for a number many orders of magnitude off, such as a cost typed with a \
                 wrong exponent or unit (`1e306 EUR/h` where `1e3 EUR/h` was meant): no real \
                 figure comes near that bound."
            }
            RunError::Unsupported { help, .. } => help,
            RunError::BadExperiment(_) | RunError::Refused { .. } | RunError::UnknownStudy(_) => {
                return None;
            }
        })
    }
}

/// One line: the headline, the reason after a colon, the remedy after a semicolon.
impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let Some(reason) = self.reason() {
            write!(f, ": {reason}")?;
        }
        if let Some(help) = self.help() {
            let mut letters = help.chars();
            let first = letters.next().map(|c| c.to_ascii_lowercase()).unwrap_or_default();
            let rest = letters.as_str().trim_end_matches('.');
            write!(f, "; {first}{rest}")?;
        }
        Ok(())
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

impl Part {
    /// The part as handed to the next component at `now`: it entered there now, and where it
    /// goes from there is that component's to decide.
    #[inline(always)]
    fn handed_over(self, now: u64) -> Part {
        Part { entered: now, target: ANY, ..self }
    }
}

/// Work the agenda still has to do after an event.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    /// Move this component's outgoing parts on.
    Offer(u32),
    /// This component may have room: take parts from its waiting list.
    Pull(u32),
}

/// The work left after an event, done last in, first out: the work an offer or a pull gives rise
/// to is done, to the end, before the work queued earlier. A part that moves on is therefore
/// followed downstream first, and the room it leaves is then filled from upstream, station after
/// station, as far as the room goes.
#[derive(Default)]
struct Agenda {
    ops: Vec<Op>,
}

impl Agenda {
    #[inline]
    fn push(&mut self, op: Op) {
        self.ops.push(op);
    }

    /// The next piece of work; `None` once all is done.
    #[inline]
    fn pop(&mut self) -> Option<Op> {
        self.ops.pop()
    }

    /// The piece of work `pop` would return.
    #[inline]
    fn top(&self) -> Option<Op> {
        self.ops.last().copied()
    }
}

/// How a component picks the successor of a finished part.
enum Route {
    First,
    /// Cumulative probabilities with their targets, drawn from the component's route stream.
    Probability(Box<(Vec<(f64, u32)>, Stream)>),
    /// Target per product id.
    ByProduct(Box<[(u32, u32)]>),
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

/// The components blocked on one component, in the order they blocked. Most lists hold one
/// waiter at most (a line's buffer waits on its one station), so the first is kept inline and
/// only the others go to a deque; `first` is `None` only when the list is empty.
#[derive(Default)]
struct WaitList {
    first: Option<Waiter>,
    rest: VecDeque<Waiter>,
    /// The length at which stale entries are dropped.
    compact_at: u32,
}

impl WaitList {
    #[inline]
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    #[inline]
    fn push_back(&mut self, waiter: Waiter) {
        if self.first.is_none() {
            self.first = Some(waiter);
        } else {
            self.rest.push_back(waiter);
        }
    }

    #[inline]
    fn pop_front(&mut self) -> Option<Waiter> {
        let first = self.first.take();
        if first.is_some() && !self.rest.is_empty() {
            self.first = self.rest.pop_front();
        }
        first
    }

    /// Keeps the waiters `keep` accepts, in order.
    fn retain(&mut self, mut keep: impl FnMut(&Waiter) -> bool) {
        let mut all: VecDeque<Waiter> = std::mem::take(&mut self.rest);
        if let Some(first) = self.first.take() {
            all.push_front(first);
        }
        all.retain(|w| keep(w));
        self.first = all.pop_front();
        self.rest = all;
    }
}

/// A component number meaning "none".
const NONE: u32 = u32::MAX;

/// The storage of the walks through buffers without room (`Sim::walk_through`), kept from walk
/// to walk so that a walk allocates nothing once it has grown to the model's size.
#[derive(Default)]
struct Walk {
    /// The buffers passed on the way being followed, from the first, each with the number of its
    /// ways on tried so far.
    path: Vec<(u32, u32)>,
    /// Per component: the number of the last walk that reached it.
    reached: Vec<u32>,
    /// The number of the current walk.
    number: u32,
    /// The components behind a buffer without room that a blocked component waits at
    /// (`Sim::wait_at`).
    behind: Vec<u32>,
}

impl Walk {
    fn new(components: usize) -> Walk {
        Walk { reached: vec![0; components], ..Walk::default() }
    }

    /// A new walk, from buffer `c`.
    fn start(&mut self, c: u32) {
        self.number = self.number.wrapping_add(1);
        if self.number == 0 {
            // Numbers ran out: forget every mark rather than mistake an old one for this walk's.
            self.reached.fill(0);
            self.number = 1;
        }
        self.path.clear();
        self.path.push((c, 0));
        self.reached[c as usize] = self.number;
    }

    /// Marks `c` reached by this walk; false if it was already.
    fn reach(&mut self, c: u32) -> bool {
        let mark = &mut self.reached[c as usize];
        let first = *mark != self.number;
        *mark = self.number;
        first
    }
}

/// The flow connections of one component.
struct Links {
    /// Its successors in flow order: `Sim::successors[first .. first + count]`.
    first: u32,
    count: u32,
    /// The one component that can wait on this one when the link between them is one to one:
    /// that component has no other successor, this one no other predecessor, and neither passes
    /// parts through without room. Its waiting is then just its `blocked` flag, and no waiting
    /// list is kept. `NONE` otherwise.
    sole: u32,
    /// This component waits on its one successor that way (it is the successor's `sole`).
    waits_implicitly: bool,
    /// Its shape, when the flow protocol has a lean path for it.
    shape: Shape,
    /// For a lean station or buffer: its neighbour upstream and downstream when that neighbour is
    /// of the other lean shape and linked to it one to one (`sole`), a stretch of line the lean
    /// paths follow without looking anything else up (`NONE` otherwise).
    lane_in: u32,
    lane_out: u32,
    /// Bumped whenever the component's blocked registration becomes stale.
    epoch: u32,
    blocked: bool,
    route: Route,
}

impl Links {
    fn successors(&self) -> std::ops::Range<usize> {
        self.first as usize..(self.first + self.count) as usize
    }

    /// The component is blocked, under a new epoch; returns whether it was not already (the
    /// caller then enters it in the waiting lists, unless it `waits_implicitly`, and tells a
    /// conveyor: `Sim::block`).
    #[inline]
    fn set_blocked(&mut self) -> bool {
        let was = self.blocked;
        if !was {
            self.blocked = true;
            self.epoch = self.epoch.wrapping_add(1);
        }
        !was
    }

    /// The component is not blocked (any registration it had is stale); returns whether it
    /// was, which a conveyor must hear of (`Sim::unblock`).
    #[inline]
    fn clear_blocked(&mut self) -> bool {
        let was = self.blocked;
        if was {
            self.blocked = false;
            self.epoch = self.epoch.wrapping_add(1);
        }
        was
    }
}

/// Where a component's state lives: its kind and its index among the components of that kind
/// (see `Sim::at`).
#[derive(Clone, Copy, Debug)]
enum At {
    Station(usize),
    Buffer(usize),
    Source(usize),
    Conveyor(usize),
    Sink(usize),
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
    /// Parts it holds at most (0: parts pass straight through); an `unlimited` capacity, or one
    /// above `MAX_BUFFER_CONTENT`, is that bound, and `bounded` is set.
    capacity: u64,
    /// Its capacity is the engine's bound, not the model's: the run is an error if it is reached.
    bounded: bool,
    /// It was full before the last reset of its statistics (which forgets the largest content).
    was_full: bool,
    lifo: bool,
    /// For a buffer that passes parts through and routes by probability: the target of the next
    /// part to pass, drawn ahead from the route's stream (`ANY` otherwise). See
    /// `Sim::pass_through_target`.
    drawn: u32,
    parts: VecDeque<Part>,
    /// The parts' stays: the mean content, the largest and the mean wait. Each part held entered
    /// at its `entered` time, which is what the mean content needs of the parts still held.
    stays: Stays,
}

impl BufferNode {
    fn passes_through(&self) -> bool {
        self.capacity == 0
    }

    /// Whether it can hold one part more.
    #[inline]
    fn has_room(&self) -> bool {
        (self.parts.len() as u64) < self.capacity
    }

    /// Holds `part`, which enters now (it has room).
    #[inline]
    fn put(&mut self, now: u64, part: Part) {
        debug_assert_eq!(part.entered, now, "a part enters a buffer as it is handed over");
        self.parts.push_back(part);
        self.stays.entered(self.parts.len() as u64);
    }

    /// When each part held entered.
    fn entered(&self) -> impl Iterator<Item = u64> + '_ {
        self.parts.iter().map(|part| part.entered)
    }

    /// The head part leaves (the room it frees is the caller's to pull into).
    #[inline]
    fn take(&mut self, now: u64) -> Part {
        let part = if self.lifo { self.parts.pop_back() } else { self.parts.pop_front() }
            .expect("a buffer offers only a held part");
        self.stays.left(now - part.entered);
        part
    }

    /// The part it would release next.
    #[inline]
    fn head(&self) -> Option<Part> {
        if self.lifo { self.parts.back().copied() } else { self.parts.front().copied() }
    }
}

struct SinkNode {
    /// The lead times of the parts it took after warm-up: their count, mean and quantiles. The
    /// model's are the merge of its sinks'.
    lead: DurationHistogram,
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
    /// The engine numbers components by kind: stations first (in model order, so a station's
    /// number is its index in `stations` and its ordinal in the bottleneck tracker), then
    /// buffers, sources, conveyors and sinks, each from the number given here. Events, waiting
    /// lists and successors hold these numbers; `ids` maps them back to the model's.
    first_buffer: u32,
    first_source: u32,
    first_conveyor: u32,
    first_sink: u32,
    /// Engine number → the model's component id.
    ids: Vec<ComponentId>,
    /// Engine number → its flow connections.
    links: Vec<Links>,
    /// Engine number → the components blocked on it, in the order they blocked. Apart from
    /// `links`, which the lean paths read at every step: a line's links are small without them.
    waiting: Vec<WaitList>,
    /// Every component's successors, each a range given by its `Links`.
    successors: Vec<u32>,
    sources: Vec<SourceNode>,
    /// Stations and robots in model order.
    stations: Vec<StationNode>,
    buffers: Vec<BufferNode>,
    conveyors: Vec<ConveyorNode>,
    sinks: Vec<SinkNode>,
    bottleneck: BottleneckTracker,
    /// Stations changed at this instant, not yet reported (see `station::report_changes`).
    changed: Vec<u32>,
    wip: TimeWeightedCount,
    /// Per product: the lead times of parts delivered after warm-up.
    product_lead: Vec<DurationHistogram>,
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
    /// Offers and pulls of lean shapes take their written-out paths (`lean.rs`); off only to
    /// check that those paths change nothing.
    lean: bool,
    /// An error found inside an event (the failure-rate guard), returned by `run` after it.
    halt: Option<RunError>,
    /// The walks through buffers without room, inside `can_accept` (hence the cell).
    walk: RefCell<Walk>,
    /// Told how much further the clock is on its way to the horizon, in 2⁻³² of the horizon,
    /// every `PROGRESS_EVENTS` events (`simulate_reporting`).
    progress: Option<&'m (dyn Fn(u64) + Sync)>,
    /// How far it was last told the clock was, in 2⁻³² of the horizon.
    reported: u64,
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
    simulate_with(model, experiment, replication, true, None)
}

/// Runs one replication like [`simulate`] and tells `progress`, as it goes, how much further its
/// clock is on its way to the horizon since it last told it, in 2⁻³² of the horizon: every 2²⁰
/// events, and once more at the end, so that what it was told adds up to exactly 2³² when the
/// run succeeds. The results are the same bits as [`simulate`]'s.
pub fn simulate_reporting(
    model: &Model,
    experiment: &Experiment,
    replication: u32,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Results, RunError> {
    simulate_with(model, experiment, replication, true, Some(progress))
}

/// Runs one replication like [`simulate`], with every offer and pull taken by the general flow
/// protocol: the written-out paths for lean shapes (`engine/lean.rs`) are off. The results are
/// the same bits; this exists so that tests can check that they are.
#[doc(hidden)]
pub fn simulate_general(
    model: &Model,
    experiment: &Experiment,
    replication: u32,
) -> Result<Results, RunError> {
    simulate_with(model, experiment, replication, false, None)
}

fn simulate_with(
    model: &Model,
    experiment: &Experiment,
    replication: u32,
    lean: bool,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Results, RunError> {
    let mut sim = Sim::new(model, experiment, replication)?;
    sim.lean = lean;
    sim.progress = progress;
    sim.run()?;
    // The rest of the way to the horizon (nothing without a sink).
    sim.report_progress(sim.horizon);
    sim.results(replication)
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
    let results = sim.results(replication)?;
    Ok((results, sim.named_trace()))
}

/// The experiment's span of time makes a run: on the clock, which counts whole nanoseconds
/// ([`ns`], as the run holds them), its horizon is at least 1 ns and ends after its warm-up, and
/// it fits the clock. A horizon and a warm-up that round to the same nanosecond used to pass: the
/// run observed nothing and reported it (every share 0, the horizon equal to the warm-up). The
/// checker holds a model's own experiments and scenarios to the same rule (E0205), so a refusal
/// here names the study that breaks it (`study()`: ``scenario `late` ``, written only then) and
/// which of the two numbers `given` (horizon, warm-up) came from the command line.
pub(crate) fn check_span(
    experiment: &Experiment,
    study: &dyn Fn() -> String,
    given: [bool; 2],
) -> Result<(), RunError> {
    let from =
        |given: bool, flag: &str| if given { format!(", from `{flag}`") } else { String::new() };
    let (horizon, warmup) = (from(given[0], "--horizon"), from(given[1], "--warmup"));
    let why = match crate::time::span_problem(experiment.horizon, experiment.warmup) {
        Some(SpanProblem::NoHorizon) => format!(
            "the horizon ({} s{horizon}) is shorter than a nanosecond, the clock's tick",
            experiment.horizon
        ),
        Some(SpanProblem::WarmupNotShorter { rounded }) => {
            let rounded = if rounded {
                ": the clock counts whole nanoseconds, and they round to the same instant"
            } else {
                ""
            };
            format!(
                "the horizon ({} s{horizon}) must end at least 1 ns after the warm-up \
                 ({} s{warmup}){rounded}",
                experiment.horizon, experiment.warmup
            )
        }
        // Time is whole nanoseconds below `NEVER / 2` (about 292 years): a longer horizon would
        // be cut short while the results report it in full.
        None if experiment.horizon >= crate::time::longest_run_s() => format!(
            "the horizon ({} h{horizon}) is longer than the longest run, {:.0} h (about \
             292 years of nanoseconds)",
            experiment.horizon / 3600.0,
            crate::time::longest_run_s() / 3600.0
        ),
        None => return Ok(()),
    };
    Err(RunError::Refused { code: "E0205", why: format!("{}: {why}", study()) })
}

impl<'m> Sim<'m> {
    fn new(
        model: &'m Model,
        experiment: &'m Experiment,
        replication: u32,
    ) -> Result<Sim<'m>, RunError> {
        check_span(experiment, &|| format!("experiment `{}`", experiment.name), [false; 2])?;
        let seed = experiment.seed;
        let count = model.graph.node_count();
        // Engine numbers: by kind, in model order within each kind.
        let rank = |kind: &ComponentKind| match kind {
            ComponentKind::Station(_) | ComponentKind::Robot(_) => 0,
            ComponentKind::Buffer(_) => 1,
            ComponentKind::Source(_) => 2,
            ComponentKind::Conveyor(_) | ComponentKind::Transport(_) => 3,
            ComponentKind::Sink => 4,
        };
        let mut ids: Vec<ComponentId> = model.component_ids().collect();
        ids.sort_by_key(|&id| rank(&model.component(id).kind));
        let mut number = vec![0u32; count];
        for (c, id) in ids.iter().enumerate() {
            number[id.index()] = c as u32;
        }
        let first_of = |r: usize| {
            ids.iter().position(|&id| rank(&model.component(id).kind) >= r).unwrap_or(count) as u32
        };
        let (first_buffer, first_source, first_conveyor, first_sink) =
            (first_of(1), first_of(2), first_of(3), first_of(4));
        let mut links = Vec::with_capacity(count);
        let mut waiting = Vec::with_capacity(count);
        let mut successors = Vec::with_capacity(count);
        let (mut sources, mut stations, mut buffers, mut conveyors, mut sinks) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for &id in &ids {
            let component = model.component(id);
            let stream = |purpose: &str| Stream::new(seed, replication, &component.name, purpose);
            match &component.kind {
                ComponentKind::Source(source) => sources.push(SourceNode {
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
                    stations.push(StationNode::new(station, None, &stream)?);
                }
                ComponentKind::Robot(robot) => {
                    stations.push(StationNode::new(&robot.station, Some(&robot.motion), &stream)?);
                }
                ComponentKind::Buffer(buffer) => buffers.push(BufferNode {
                    capacity: buffer.capacity.unwrap_or(u64::MAX).min(MAX_BUFFER_CONTENT),
                    bounded: buffer.capacity.is_none_or(|c| c > MAX_BUFFER_CONTENT),
                    was_full: false,
                    lifo: buffer.policy == QueuePolicy::Lifo,
                    drawn: ANY,
                    parts: VecDeque::new(),
                    stays: Stays::new(0),
                }),
                ComponentKind::Conveyor(conveyor) => {
                    conveyors.push(ConveyorNode::new(component, conveyor)?);
                }
                ComponentKind::Transport(_) => {
                    return Err(RunError::Unsupported {
                        component: component.name.clone(),
                        what: "a `transport`".into(),
                        why: "the runtime does not yet simulate a fleet of movers (their \
                              travel, waiting for a free one, and the way back), so it cannot \
                              say when the parts it would carry arrive",
                        help: "Model the move with what the runtime simulates: a conveyor, or a \
                               station whose cycle is the time the move takes.",
                    });
                }
                ComponentKind::Sink => sinks.push(SinkNode { lead: DurationHistogram::new() }),
            }
            let first = successors.len() as u32;
            successors.extend(model.successors(id).iter().map(|s| number[s.index()]));
            links.push(Links {
                first,
                count: successors.len() as u32 - first,
                sole: NONE,
                waits_implicitly: false,
                shape: Shape::General,
                lane_in: NONE,
                lane_out: NONE,
                route: route_of(component, &number, seed, replication),
                epoch: 0,
                blocked: false,
            });
            waiting.push(WaitList {
                compact_at: 2 * model.predecessors(id).len() as u32 + 8,
                ..WaitList::default()
            });
        }
        // One-to-one links: the receiver knows its one sender, so the sender's waiting needs no
        // list entry.
        let passes_through = |c: usize| {
            c >= first_buffer as usize
                && c < first_source as usize
                && buffers[c - first_buffer as usize].passes_through()
        };
        let mut predecessors = vec![0u32; count];
        let mut last_predecessor = vec![NONE; count];
        for (p, l) in links.iter().enumerate() {
            for &s in &successors[l.successors()] {
                predecessors[s as usize] += 1;
                last_predecessor[s as usize] = p as u32;
            }
        }
        for s in 0..count {
            let p = last_predecessor[s];
            if predecessors[s] == 1
                && links[p as usize].count == 1
                && !passes_through(s)
                && !passes_through(p as usize)
            {
                links[s].sole = p;
                links[p as usize].waits_implicitly = true;
            }
        }
        for (c, l) in links.iter_mut().enumerate() {
            let first = l.count == 1 && matches!(l.route, Route::First);
            l.shape = if c < first_buffer as usize {
                if first && stations[c].is_lean() { Shape::Station } else { Shape::General }
            } else if c < first_source as usize {
                let buffer = &buffers[c - first_buffer as usize];
                if first && buffer.capacity > 0 && !buffer.lifo {
                    Shape::Buffer
                } else {
                    Shape::General
                }
            } else {
                Shape::General
            };
        }
        // Where the parts of a station with several servers can go may differ from part to part:
        // by its route, or at a successor that takes some products and not others (an assembly
        // station, or a buffer without room, which passes a part on only to where it may go).
        let assembles: Vec<bool> = stations.iter().map(StationNode::assembles).collect();
        for (c, station) in stations.iter_mut().enumerate() {
            let l = &links[c];
            let picky = |&s: &u32| {
                passes_through(s as usize) || assembles.get(s as usize).copied().unwrap_or(false)
            };
            station.overtaking = station.parallel() > 1
                && (!matches!(l.route, Route::First)
                    || successors[l.successors()].iter().any(picky));
        }
        let is_buffer = |c: usize| c >= first_buffer as usize && c < first_source as usize;
        // Between buffers a part keeps its product, so each product's ways are searched apart:
        // lanes whose routes by product hand each other's parts across make no loop.
        // A loop that holds parts is named before one that draws, whichever product finds it.
        let products = model.products.len().max(1) as u32;
        let mut found = None;
        for p in 0..products {
            match buffer_loop(&links, &successors, &is_buffer, &passes_through, p) {
                Some(holding @ BufferLoop::Holding(_)) => {
                    found = Some(holding);
                    break;
                }
                drawing => found = found.or(drawing),
            }
        }
        match found {
            Some(BufferLoop::Holding(round)) => {
                let name = |c: &u32| model.component(ids[*c as usize]).name.clone();
                return Err(RunError::HoldingLoop { buffers: round.iter().map(name).collect() });
            }
            Some(BufferLoop::Drawing(c)) => {
                let component = model.component(ids[c as usize]).name.clone();
                return Err(RunError::DrawingLoop { component });
            }
            None => {}
        }
        // A buffer that passes parts through by a drawn route holds the draw of its next part.
        for (b, buffer) in buffers.iter_mut().enumerate() {
            let route = &mut links[first_buffer as usize + b].route;
            if buffer.passes_through() && matches!(route, Route::Probability(_)) {
                buffer.drawn = route.draw();
            }
        }
        for c in 0..count {
            let (shape, sole) = (links[c].shape, links[c].sole);
            let other = match shape {
                Shape::Station => Shape::Buffer,
                Shape::Buffer => Shape::Station,
                Shape::General => continue,
            };
            if sole != NONE && links[sole as usize].shape == other {
                links[c].lane_in = sole;
            }
            let next = successors[links[c].first as usize];
            if links[next as usize].shape == other && links[next as usize].sole == c as u32 {
                links[c].lane_out = next;
            }
        }
        let products = model.products.len().max(1);
        let station_count = stations.len();
        Ok(Sim {
            model,
            experiment,
            now: 0,
            horizon: ns(experiment.horizon),
            warmup: ns(experiment.warmup),
            queue: EventQueue::with_capacity(4 * count + 16),
            agenda: Agenda::default(),
            first_buffer,
            first_source,
            first_conveyor,
            first_sink,
            ids,
            links,
            waiting,
            successors,
            sources,
            stations,
            buffers,
            conveyors,
            sinks,
            bottleneck: BottleneckTracker::new(station_count, 0),
            changed: Vec::with_capacity(station_count),
            wip: TimeWeightedCount::new(0),
            product_lead: vec![DurationHistogram::new(); products],
            scrapped: 0,
            counters: Counters::default(),
            series: None,
            trace: None,
            crews: model.resources.iter().map(|r| crew::Crew::new(r.count)).collect(),
            spares: model.resources.iter().map(spares::Spare::of).collect(),
            operator_line: VecDeque::new(),
            lean: true,
            halt: None,
            progress: None,
            reported: 0,
            walk: RefCell::new(Walk::new(count)),
        })
    }

    /// Schedules the first events, then runs events until the horizon.
    fn run(&mut self) -> Result<(), RunError> {
        if self.warmup > 0 {
            self.queue.schedule(self.warmup, Kind::Warmup, 0, 0, 0);
        }
        for c in self.model_order() {
            match self.at(c) {
                At::Source(_) => self.schedule_arrival(c),
                At::Station(_) => self.start_station(c),
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
                    return Err(self.zero_time_loop(event.node, event.kind, event.aux));
                }
            } else {
                same_instant = 0;
            }
            self.now = event.time();
            self.counters.engine += 1;
            if self.counters.engine.is_multiple_of(PROGRESS_EVENTS) {
                self.report_progress(self.now);
            }
            let c = event.node;
            match event.kind {
                Kind::Warmup => self.reset_statistics(),
                Kind::Arrival => self.on_arrival(c),
                Kind::SetupDone => self.on_setup_done(c, event.aux, event.generation),
                Kind::ProcessDone => self.on_process_done(c, event.aux, event.generation),
                Kind::Failure => {
                    self.on_failure_due(c, event.aux, event.generation);
                    if let Some(error) = self.halt.take() {
                        return Err(error);
                    }
                }
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
        // A buffer held back at the engine's bound has blocked what feeds it since: the run went
        // on, its memory bounded, but its results are not the model's.
        let overflowed =
            |b: &BufferNode| b.bounded && (b.was_full || b.stays.max_held() >= b.capacity as f64);
        if let Some(b) = self.buffers.iter().position(overflowed) {
            let c = self.first_buffer + b as u32;
            return Err(RunError::BufferOverflow { component: self.name(c).to_string() });
        }
        self.now = self.horizon;
        for station in &mut self.stations {
            station.book_open_waits(self.horizon);
        }
        Ok(())
    }

    /// Tells the progress sink, if any, how far the clock moved since it was last told, in 2⁻³²
    /// of the horizon: the steps add up to exactly 2³² at the horizon, and a study adds up a
    /// million replications' steps without overflow (nanoseconds would overflow 64 bits in five
    /// replications of 100 years).
    #[cold]
    fn report_progress(&mut self, now: u64) {
        if let Some(progress) = self.progress {
            let reached = ((u128::from(now) << 32) / u128::from(self.horizon.max(1))) as u64;
            progress(reached - self.reported);
            self.reported = reached;
        }
    }

    /// The zero-time guard's error, named by the event that tripped it: one of component `c`'s,
    /// of `kind`, with `aux` (a failure mode for failures and repairs).
    #[cold]
    fn zero_time_loop(&self, c: u32, kind: Kind, aux: u32) -> RunError {
        let cause = match kind {
            Kind::Failure | Kind::Repair => LoopCause::Failures {
                mode: self.mode_name(c, aux),
                keeps_age: self.mode_keeps_age(c, aux),
            },
            Kind::MaintenanceDue
            | Kind::MaintenanceDone
            | Kind::Inspection
            | Kind::PredictiveStart => LoopCause::Maintenance,
            _ => LoopCause::Parts,
        };
        RunError::ZeroTimeLoop {
            time_s: crate::time::secs(self.now),
            component: self.name(c).to_string(),
            cause,
        }
    }

    fn drain_agenda(&mut self) {
        while let Some(op) = self.agenda.pop() {
            match op {
                Op::Offer(c) => self.offer(c),
                Op::Pull(c) => self.pull(c),
            }
        }
    }

    // ----- components by engine number --------------------------------------------------------

    /// Where component `c`'s state lives.
    #[inline(always)]
    fn at(&self, c: u32) -> At {
        if c < self.first_buffer {
            At::Station(c as usize)
        } else if c < self.first_source {
            At::Buffer((c - self.first_buffer) as usize)
        } else if c < self.first_conveyor {
            At::Source((c - self.first_source) as usize)
        } else if c < self.first_sink {
            At::Conveyor((c - self.first_conveyor) as usize)
        } else {
            At::Sink((c - self.first_sink) as usize)
        }
    }

    /// The engine numbers of the components in the model's order.
    fn model_order(&self) -> Vec<u32> {
        let mut number = vec![0u32; self.ids.len()];
        for (c, id) in self.ids.iter().enumerate() {
            number[id.index()] = c as u32;
        }
        number
    }

    /// The name of component `c`.
    fn name(&self, c: u32) -> &str {
        &self.model.component(self.ids[c as usize]).name
    }

    // ----- sources -----------------------------------------------------------------------------

    fn source(&mut self, c: u32) -> &mut SourceNode {
        match self.at(c) {
            At::Source(i) => &mut self.sources[i],
            _ => unreachable!("component {c} is not a source"),
        }
    }

    /// Schedules a source's next creation, counted from now (a blocked source's next interarrival
    /// starts when its held part leaves).
    fn schedule_arrival(&mut self, c: u32) {
        let now = self.now;
        let source = self.source(c);
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
        let source = self.source(c);
        source.created += 1;
        let mut part = Part { created: now, entered: now, product: source.product, target: ANY };
        self.wip.add(now, 1);
        self.choose_target(c, &mut part);
        self.source(c).held = Some(part);
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
        match self.at(c) {
            At::Station(i) => self.stations[i].outgoing(),
            At::Buffer(i) => self.buffers[i].head(),
            At::Source(i) => self.sources[i].held,
            At::Conveyor(i) => self.conveyors[i].outgoing(),
            At::Sink(_) => None,
        }
    }

    /// The successor that can take `part` from `c` now.
    #[inline]
    fn taker(&self, c: u32, part: &Part) -> Option<u32> {
        if part.target != ANY {
            return self.can_accept(part.target, part).then_some(part.target);
        }
        let links = &self.links[c as usize];
        self.successors[links.successors()].iter().copied().find(|&s| self.can_accept(s, part))
    }

    /// Whether component `c` can take `part` now.
    #[inline]
    fn can_accept(&self, c: u32, part: &Part) -> bool {
        match self.at(c) {
            At::Station(i) => self.stations[i].can_accept(part),
            At::Buffer(i) => {
                let buffer = &self.buffers[i];
                buffer.has_room() || (buffer.passes_through() && self.through(c, part).is_some())
            }
            At::Source(_) => false,
            At::Conveyor(i) => self.conveyors[i].can_accept(self.now),
            At::Sink(_) => true,
        }
    }

    /// Whether component `c` is a buffer that passes parts through (capacity 0).
    #[inline]
    fn passes_through(&self, c: u32) -> bool {
        matches!(self.at(c), At::Buffer(i) if self.buffers[i].passes_through())
    }

    /// Where `part`, entering buffer `c` (which passes parts through) now, ends up: the first
    /// component that takes it now, following the way it would pass through buffers without room
    /// (at each, the part's own target by the buffer's route, or else its successors in flow
    /// order), depth first. A way back to a buffer already passed leads nowhere: the part would
    /// go round and meet the same choices again without time passing (a loop through a buffer
    /// that draws is refused when the run starts, see `buffer_loop`), and a buffer or a
    /// component already found unable to take the part is not asked again. `None` when no way
    /// ends at a component that takes it; otherwise `Walk::path` holds the buffers passed, from
    /// `c` on.
    #[inline(never)]
    fn through(&self, c: u32, part: &Part) -> Option<u32> {
        self.walk_through(c, Some(part.product), |s| self.can_accept(s, part))
    }

    /// The walk through buffers without room that `through` and `wait_at` share: from buffer `c`
    /// (which passes parts through), each component behind it is reached once, in the order a
    /// part of `product` would try them (`None`: every successor of every buffer, whatever its
    /// route), and `stop` is asked about each that is not such a buffer; the first it accepts is
    /// returned, with the buffers on the way to it in `Walk::path`. An explicit path rather than
    /// recursion, so that no chain is too long for the stack, and marks rather than a depth
    /// limit, so that a loop ends and none is cut short.
    fn walk_through(
        &self,
        c: u32,
        product: Option<u32>,
        mut stop: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        let mut walk = self.walk.borrow_mut();
        walk.start(c);
        while let Some(&(b, tried)) = walk.path.last() {
            let i = (b - self.first_buffer) as usize;
            let target = product.map_or(ANY, |p| self.pass_through_target(b, i, p));
            let links = &self.links[b as usize];
            let next = if target != ANY {
                (tried == 0).then_some(target)
            } else {
                (tried < links.count).then(|| self.successors[(links.first + tried) as usize])
            };
            let Some(s) = next else {
                walk.path.pop();
                continue;
            };
            if let Some(last) = walk.path.last_mut() {
                last.1 += 1;
            }
            if !walk.reach(s) {
                continue;
            }
            if self.passes_through(s) {
                walk.path.push((s, 0));
            } else if stop(s) {
                return Some(s);
            }
        }
        None
    }

    /// The successor a part of `product` goes to on passing through buffer `c` (of index `i`),
    /// which has no room (`ANY`: the first that can take it, in flow order), as the part is offered
    /// to the buffer, before it enters.
    ///
    /// A part must only enter when its own target can take it, so that target must be known
    /// before it enters. A route by product names it (or, for a product it does not name, leaves
    /// the first-available rule). A route by probability draws it, and the draw is made *ahead*:
    /// the buffer holds the target of its next part (`BufferNode::drawn`), which whatever part
    /// enters next takes, and the next draw is made as it enters. Every part thus draws once, the
    /// k-th part through the k-th number of the route's stream, as a part that draws on entering
    /// would; parts offered meanwhile wait for that target, as they would behind a station of no
    /// time that holds a part waiting for its drawn target.
    #[inline]
    fn pass_through_target(&self, c: u32, i: usize, product: u32) -> u32 {
        match &self.links[c as usize].route {
            Route::First => ANY,
            Route::Probability(_) => self.buffers[i].drawn,
            Route::ByProduct(targets) => by_product_target(targets, product),
        }
    }

    /// Moves `c`'s outgoing parts on while a successor takes them; registers `c` as blocked
    /// otherwise.
    fn offer(&mut self, c: u32) {
        if self.lean {
            match self.links[c as usize].shape {
                Shape::Station => return self.offer_lean_station(c),
                Shape::Buffer => {
                    if let At::Buffer(b) = self.at(c) {
                        return self.offer_lean_buffer(c, b);
                    }
                }
                Shape::General => {}
            }
        }
        while let Some(part) = self.outgoing(c) {
            if let Some(target) = self.taker(c, &part) {
                self.transfer(c, target);
                continue;
            }
            // The first part waits, and `c` with it, in its place in the waiting lists; a later
            // one may go where it can.
            match self.overtaker(c, NONE) {
                Some(target) => self.move_part(c, target),
                None => {
                    self.block(c);
                    return;
                }
            }
        }
    }

    /// When `c` is a station whose parts may differ in where they can go (`overtaking`) and its
    /// first finished part cannot move: the first of its later-finished parts, in the order they
    /// finished, that can move now (into `via`, or with `NONE` to a successor that takes it), which
    /// is brought to the front to leave next; returns where it goes. Each server's part waits for
    /// where it can go, not behind another server's part that waits for somewhere else.
    fn overtaker(&mut self, c: u32, via: u32) -> Option<u32> {
        let At::Station(i) = self.at(c) else { return None };
        let station = &self.stations[i];
        if !station.overtaking {
            return None;
        }
        let (s, to) = station.later_finished().find_map(|s| {
            let part = station.part_of(s);
            let to = if via == NONE {
                self.taker(c, &part)
            } else {
                self.fits(via, &part).then_some(via)
            };
            to.map(|to| (s, to))
        })?;
        self.stations[i].bring_forward(s);
        Some(to)
    }

    /// Whether `part`, blocked, can move into `via` now: `via` is its target (or it has none) and
    /// takes it.
    #[inline]
    fn fits(&self, via: u32, part: &Part) -> bool {
        (part.target == ANY || part.target == via) && self.can_accept(via, part)
    }

    /// Enters `c` in the waiting list of each successor, unless it is already waiting. A
    /// successor that is a buffer without room passes parts straight through and never pulls by
    /// itself, so `c` also waits at the components behind it, to be pulled *through* it.
    fn block(&mut self, c: u32) {
        let links = &mut self.links[c as usize];
        if !links.set_blocked() {
            return;
        }
        let epoch = links.epoch;
        if !links.waits_implicitly {
            for i in self.links[c as usize].successors() {
                let via = self.successors[i];
                self.wait_at(via, Waiter { component: c, epoch, via });
            }
        }
        self.blocked_changed(c);
    }

    /// Enters `waiter` in the waiting list of `s`; when `s` is a buffer that passes parts
    /// through (it never pulls by itself), in the list of each component behind it instead, each
    /// once, through any number of such buffers in a row or in a loop (`walk_through`).
    fn wait_at(&mut self, s: u32, waiter: Waiter) {
        if !self.passes_through(s) {
            self.enlist(s, waiter);
            return;
        }
        let mut behind = std::mem::take(&mut self.walk.get_mut().behind);
        self.walk_through(s, None, |x| {
            behind.push(x);
            false
        });
        for &x in &behind {
            self.enlist(x, waiter);
        }
        behind.clear();
        self.walk.get_mut().behind = behind;
    }

    /// Enters `waiter` at the back of `s`'s waiting list.
    fn enlist(&mut self, s: u32, waiter: Waiter) {
        let list = &mut self.waiting[s as usize];
        list.push_back(waiter);
        if list.len() > list.compact_at as usize {
            // Drop stale entries before the list grows without bound.
            let links = &self.links;
            list.retain(|w| {
                let l = &links[w.component as usize];
                l.blocked && l.epoch == w.epoch
            });
            list.compact_at = 2 * list.len() as u32 + 8;
        }
    }

    /// `c` may have room: offers each blocked predecessor, in the order they blocked, the chance to
    /// move a part into `c` (or through the buffer without room that leads to it).
    fn pull(&mut self, mut c: u32) {
        loop {
            let links = &self.links[c as usize];
            let (sole, lane_in) = (links.sole, links.lane_in);
            if sole == NONE {
                break;
            }
            if !self.links[sole as usize].blocked {
                return;
            }
            if self.lean && lane_in == sole {
                match self.pull_lane(c, sole) {
                    Pulled::Then(next) => {
                        c = next;
                        continue;
                    }
                    Pulled::Done => return,
                }
            }
            let epoch = self.links[sole as usize].epoch;
            let waiter = Waiter { component: sole, epoch, via: c };
            // Still blocked or not, its waiting stays its flag.
            let _ = self.serve(c, waiter);
            return;
        }
        let mut rounds = self.waiting[c as usize].len();
        while rounds > 0 {
            rounds -= 1;
            let Some(waiter) = self.waiting[c as usize].pop_front() else { break };
            let links = &self.links[waiter.component as usize];
            if !links.blocked || links.epoch != waiter.epoch {
                continue; // stale
            }
            if let Some(waiter) = self.serve(c, waiter) {
                // Still blocked (on another target, or `c` cannot take this product): keep its
                // place for the next pull.
                self.waiting[c as usize].push_back(waiter);
            }
        }
    }

    /// Offers blocked `waiter` the chance to move its part into `c` (or through the buffer
    /// without room that leads to it). Returns the waiter if it is still blocked at `c`.
    #[inline]
    fn serve(&mut self, c: u32, waiter: Waiter) -> Option<Waiter> {
        let w = waiter.component;
        let Some(part) = self.outgoing(w) else {
            self.unblock(w);
            return None;
        };
        let via = waiter.via;
        let overtaking = !self.fits(via, &part);
        if overtaking && self.overtaker(w, via).is_none() {
            return Some(waiter);
        }
        let single = via == c && self.links[w as usize].count == 1;
        if single && !matches!(self.at(w), At::Conveyor(_)) {
            self.deliver(c, w).then_some(waiter)
        } else if overtaking {
            // `w`'s first part still waits: `w` stays blocked, in its place in the other lists.
            self.move_part(w, via);
            self.agenda.push(Op::Offer(w));
            Some(waiter)
        } else {
            self.transfer(w, via);
            self.agenda.push(Op::Offer(w));
            None
        }
    }

    /// A blocked `w` whose only successor is `c` moves parts into `c` while `c` takes them, and
    /// stays blocked at `c` (at the back of its waiting list, as the one ready last) if a part is
    /// left; returns whether it does. This is what a transfer and an `offer` would do, without
    /// unblocking and blocking again each time a busy buffer hands a part to its station. (A
    /// conveyor's next part is not at its exit yet, and a component with several successors may
    /// have somewhere else to go: both take the general path.)
    fn deliver(&mut self, c: u32, w: u32) -> bool {
        loop {
            let part = self.take_outgoing(w).handed_over(self.now);
            self.enter(c, part);
            let Some(next) = self.outgoing(w) else {
                self.unblock(w);
                return false;
            };
            if !self.can_accept(c, &next) && self.overtaker(w, c).is_none() {
                return true;
            }
        }
    }

    fn unblock(&mut self, c: u32) {
        if self.links[c as usize].clear_blocked() {
            self.blocked_changed(c);
        }
    }

    /// Moves `from`'s outgoing part into `to`; `from` is no longer blocked.
    fn transfer(&mut self, from: u32, to: u32) {
        self.unblock(from);
        self.move_part(from, to);
    }

    /// Moves `from`'s outgoing part into `to`.
    fn move_part(&mut self, from: u32, to: u32) {
        let part = self.take_outgoing(from).handed_over(self.now);
        self.enter(to, part);
    }

    /// Removes `c`'s outgoing part, and does what its leaving frees up.
    #[inline(always)]
    fn take_outgoing(&mut self, c: u32) -> Part {
        match self.at(c) {
            At::Station(_) => {
                let part = self.station_release(c);
                self.agenda.push(Op::Pull(c));
                part
            }
            At::Buffer(i) => self.buffer_release(c, i),
            At::Source(i) => {
                let part = self.sources[i].held.take();
                self.schedule_arrival(c);
                part.expect("a source offers only a held part")
            }
            At::Conveyor(_) => self.conveyor_release(c),
            At::Sink(_) => unreachable!("a sink never offers a part"),
        }
    }

    /// A part enters component `c`.
    #[inline(always)]
    fn enter(&mut self, c: u32, part: Part) {
        match self.at(c) {
            At::Station(_) => self.station_enter(c, part),
            At::Buffer(i) if self.buffers[i].passes_through() => self.pass_through(c, part),
            At::Buffer(i) => self.buffer_enter(c, i, part),
            At::Conveyor(_) => self.conveyor_enter(c, part),
            At::Sink(i) => self.sink_enter(i, part),
            At::Source(_) => unreachable!("nothing flows into a source"),
        }
    }

    /// A part enters buffer `c`, which has no room, and leaves it at once, through any buffers
    /// without room behind it, for the component `through` finds (`can_accept` let it in only
    /// because there is one). Each buffer it passes that routes by probability draws the next
    /// part's target now that this part has taken the one drawn for it, in the order the part
    /// passes them.
    #[inline(never)]
    fn pass_through(&mut self, c: u32, mut part: Part) {
        let to = self
            .through(c, &part)
            .expect("a buffer without room is entered only when a component behind it is free");
        let walk = self.walk.get_mut();
        for &(b, _) in &walk.path {
            let route = &mut self.links[b as usize].route;
            if let Route::Probability(_) = route {
                self.buffers[(b - self.first_buffer) as usize].drawn = route.draw();
            }
        }
        part.target = ANY;
        self.enter(to, part);
    }

    /// A part leaves the system at the sink of index `i`.
    #[inline(never)]
    fn sink_enter(&mut self, i: usize, part: Part) {
        let now = self.now;
        self.wip.add(now, -1);
        if now < self.warmup {
            return;
        }
        let lead_ns = now - part.created;
        self.sinks[i].lead.push(lead_ns);
        if let Some(product) = self.product_lead.get_mut(part.product as usize) {
            product.push(lead_ns);
        }
    }

    /// A component became blocked or unblocked: only conveyors act on it.
    #[inline]
    fn blocked_changed(&mut self, c: u32) {
        if let At::Conveyor(_) = self.at(c) {
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
        self.product_lead.iter_mut().for_each(DurationHistogram::clear);
        self.scrapped = 0;
        self.bottleneck.reset(now);
        for crew in &mut self.crews {
            crew.reset_statistics(now);
        }
        for spare in self.spares.iter_mut().flatten() {
            spare.reset_statistics(now);
        }
        for station in &mut self.stations {
            station.reset_statistics(now);
        }
        for buffer in &mut self.buffers {
            buffer.was_full |= buffer.stays.max_held() >= buffer.capacity as f64;
            buffer.stays.reset(now, buffer.parts.iter().map(|part| part.entered));
        }
        for conveyor in &mut self.conveyors {
            conveyor.reset_statistics(now);
        }
        for sink in &mut self.sinks {
            sink.lead.clear();
        }
    }
}

impl Route {
    /// The successor a part of `product` goes to (`ANY`: the first that can take it), drawn from
    /// the route's stream when the route is by probability.
    fn target(&mut self, product: u32) -> u32 {
        match self {
            Route::First => ANY,
            Route::Probability(_) => self.draw(),
            Route::ByProduct(targets) => by_product_target(targets, product),
        }
    }

    /// Whether a part of `product` may go to successor `s` by this route: any successor, unless
    /// the route draws and gives `s` no share, or sends that product elsewhere.
    fn may_lead_to(&self, s: u32, product: u32) -> bool {
        match self {
            Route::First => true,
            Route::Probability(drawn) => {
                let mut below = 0.0;
                drawn.0.iter().any(|&(p, target)| {
                    let share = p > below;
                    below = p;
                    share && target == s
                })
            }
            Route::ByProduct(targets) => {
                let target = by_product_target(targets, product);
                target == ANY || target == s
            }
        }
    }

    /// The next target a route by probability draws from its stream (`ANY` for another route).
    fn draw(&mut self) -> u32 {
        let Route::Probability(drawn) = self else { return ANY };
        let (cumulative, stream) = &mut **drawn;
        let u = stream.uniform();
        cumulative
            .iter()
            .find(|(p, _)| u < *p)
            .or(cumulative.last())
            .map_or(ANY, |(_, target)| *target)
    }
}

/// A loop of buffers that a part could go round without time passing: nothing in it takes time,
/// so each way round is made within the event that moved the part.
enum BufferLoop {
    /// The buffers of a loop, in the order a part goes round it from the first, where one can
    /// hold a part (capacity above 0 or unlimited): `RunError::HoldingLoop`. A part released by a
    /// buffer frees its room, so the way round leads back to room for it whatever the line does,
    /// and the part would go round for ever at one instant.
    Holding(Vec<u32>),
    /// A buffer of capacity 0 that routes by probability and leads back to itself through
    /// buffers of capacity 0: `RunError::DrawingLoop`.
    Drawing(u32),
}

/// The first loop of buffers the model has that a part could go round without time passing, if
/// any (`BufferLoop`), the one through a buffer that holds parts before one of buffers of capacity
/// 0 that draws. A buffer of capacity 0 that routes by probability draws the target of its next
/// part before the part enters (`Sim::pass_through_target`), so a part that came round would meet
/// the target it was already given and go round for ever. A loop of buffers of capacity 0 that
/// draw nothing is no trouble: a part meets the same choices each time round, so
/// `Sim::walk_through` takes a way back to a buffer already passed for no way. The loops counted
/// are those a part of `product` can take (a part keeps its product between buffers): a route by
/// probability leads only to the targets it gives a share, a route by product to the product's
/// target (to every successor for a product it does not name), and the first-available rule to
/// every successor. Every buffer-only loop that holds a part is refused, by
/// probability or not: one that draws would go round a random number of times (ending only when
/// a draw leads out), which is no model of anything, since a move between buffers takes no time.
fn buffer_loop(
    links: &[Links],
    successors: &[u32],
    is_buffer: &dyn Fn(usize) -> bool,
    passes_through: &dyn Fn(usize) -> bool,
    product: u32,
) -> Option<BufferLoop> {
    let ways = |b: usize, along: &'_ dyn Fn(usize) -> bool| {
        let links = &links[b];
        successors[links.successors()]
            .iter()
            .map(|&s| s as usize)
            .filter(move |&s| along(s) && links.route.may_lead_to(s as u32, product))
            .collect::<Vec<usize>>()
    };
    // A buffer with no way in from another left, or no way out to one, is on no loop: peeled
    // off first, so that a long line of buffers one behind the other costs no search.
    let count = links.len();
    let (mut ins, mut outs, mut back) = (vec![0u32; count], vec![0u32; count], vec![vec![]; count]);
    for b in (0..count).filter(|&b| is_buffer(b)) {
        for s in ways(b, is_buffer) {
            outs[b] += 1;
            ins[s] += 1;
            back[s].push(b);
        }
    }
    let mut looped: Vec<bool> = (0..count).map(is_buffer).collect();
    let mut peel: Vec<usize> =
        (0..count).filter(|&b| looped[b] && (ins[b] == 0 || outs[b] == 0)).collect();
    while let Some(b) = peel.pop() {
        if !std::mem::replace(&mut looped[b], false) {
            continue;
        }
        for s in ways(b, is_buffer) {
            ins[s] -= 1;
            if ins[s] == 0 && looped[s] {
                peel.push(s);
            }
        }
        for &p in &back[b] {
            outs[p] -= 1;
            if outs[p] == 0 && looped[p] {
                peel.push(p);
            }
        }
    }
    // From each buffer left that holds parts, breadth first through those left: the first way
    // back to it is a shortest loop, named from the buffers each was first reached from.
    let mut from = vec![usize::MAX; count];
    let mut work = std::collections::VecDeque::new();
    for c in (0..count).filter(|&c| looped[c] && !passes_through(c)) {
        from.fill(usize::MAX);
        work.clear();
        work.push_back(c);
        while let Some(b) = work.pop_front() {
            for s in ways(b, &|s| looped[s]) {
                if s == c {
                    let mut round = vec![c as u32];
                    let mut at = b;
                    while at != c {
                        round.push(at as u32);
                        at = from[at];
                    }
                    round[1..].reverse();
                    round.push(c as u32);
                    return Some(BufferLoop::Holding(round));
                }
                if from[s] == usize::MAX {
                    from[s] = b;
                    work.push_back(s);
                }
            }
        }
    }
    let mut reached = vec![false; links.len()];
    let mut work = Vec::new();
    for (c, l) in links.iter().enumerate() {
        if !passes_through(c) || !matches!(l.route, Route::Probability(_)) {
            continue;
        }
        reached.fill(false);
        work.clear();
        work.extend(ways(c, passes_through));
        while let Some(b) = work.pop() {
            if b == c {
                return Some(BufferLoop::Drawing(c as u32));
            }
            if !std::mem::replace(&mut reached[b], true) {
                work.extend(ways(b, passes_through));
            }
        }
    }
    None
}

/// The target a route by product names for `product` (`ANY` when it names none: the part goes to
/// the first successor that can take it, in flow order).
#[inline]
fn by_product_target(targets: &[(u32, u32)], product: u32) -> u32 {
    targets.iter().find(|(p, _)| *p == product).map_or(ANY, |(_, t)| *t)
}

/// The route of a component, with its random stream when it draws.
fn route_of(component: &Component, number: &[u32], seed: u64, replication: u32) -> Route {
    match &component.routing {
        Routing::FirstAvailable => Route::First,
        Routing::Probability { targets } => {
            let total: f64 = targets.iter().map(|(_, p)| p).sum();
            let mut acc = 0.0;
            let cumulative = targets
                .iter()
                .map(|(target, p)| {
                    acc += p / total;
                    (acc, number[target.index()])
                })
                .collect();
            Route::Probability(Box::new((
                cumulative,
                Stream::new(seed, replication, &component.name, "route"),
            )))
        }
        Routing::ByProduct { targets } => {
            Route::ByProduct(targets.iter().map(|(p, c)| (p.0, number[c.index()])).collect())
        }
    }
}
