//! Stations (and robots): servers, setups, assembly, failure modes and maintenance.
//!
//! A station has `parallel` servers. A server is idle (starved), in setup, processing (working),
//! or blocked holding a finished part. A station takes a part whenever a server is idle, even
//! while it is down; the part waits loaded and processing starts when the station is up again.
//! A finished part stays on its server until a successor takes it (blocking after service). The
//! blocked servers are listed in the order they finished, and the first part that can move leaves
//! first: a later one leaves past an earlier one that waits for another target (`Sim::overtaker`).
//! A part goes to the lowest-numbered idle server, except at a station with a `setup` and
//! several servers: there it goes to an idle server that needs no setup for it, if one is idle
//! (one whose last part was of the same product, else one that has processed no part yet), and
//! only otherwise to the lowest-numbered idle one. The lowest-numbered idle server, on its own,
//! set up needlessly: a server set up for A took a B while another idle one was set up for B.
//!
//! Failures and maintenance stop the whole station. A stop pauses every server in setup or
//! processing, and the part resumes its remaining time afterwards (preemptive-resume); a
//! catastrophic failure scraps the parts in process instead. A failure counted in cycles strikes
//! as a part completes the cycle that brings the mode due: a catastrophic one scraps that part,
//! and only that part (the other servers' parts pause, as for any failure). While stopped, every
//! server's time counts as down (or in maintenance).
//!
//! OEE's ideal work (`ideal_work`) is the ideal cycle's share of each processing done in the
//! observed period. The share done on a part that is scrapped is booked apart
//! (`StationCold::scrapped_work`): performance credits all of it, quality is the good share of
//! it, so that availability × performance × quality is the good parts' ideal work over the
//! observed time, the standard OEE.
//!
//! Each failure mode ages on its own clock: calendar time, busy time (while at least one server
//! processes and the station is up) or completed cycles. A mode's life is drawn when it is
//! renewed; with virtual age `v` (Kijima type I: a repair that restores a fraction `f` leaves
//! `v + (1 − f)·x` of the age `x` gained since the last renewal; `new` is f = 1, `old` f = 0) the
//! next life is drawn conditioned on survival to `v`. Busy-time events are scheduled lazily: the
//! event is set for when the busy clock would reach the due value if the station kept working;
//! when it fires early (the station idled meanwhile) it is rescheduled, and while the station is
//! idle no event is pending at all.
//!
//! Preventive maintenance comes due every `every` on its clock (calendar or busy time), counted
//! from the end of the previous maintenance; with `age` (age replacement) the count also restarts
//! at the end of every repair whose mode restores `new`, which cancels a maintenance that fell due
//! during that repair. Due while a repair is in progress, it starts when the repair ends. It
//! restores every time-based failure mode as its `restores` says. Opportunistic maintenance is
//! preventive maintenance with a window before the due point, and predictive maintenance acts on
//! detected coming failures; both are described in the `strategy` submodule.

use super::lean::Shape;
use super::trace::TraceKind;
use super::{ANY, NONE, Op, Part, RunError, Sim};
use crate::model::{
    Clock, Costs, FailureLaw, Maintenance, Motion, PreventivePolicy, Restoration, Station,
};
use crate::time::{ns, secs};
use fab_stdlib::random::Stream;
use fab_stdlib::sample::Sampler;

mod strategy;

/// The failure-rate guard: a mode whose repairs keep its age (`restores = old` or a share below
/// 100 %) and take no time can fail ever faster: the life a steep wear-out law has left at a large
/// virtual age is nanoseconds, and the run would crawl through billions of failures. More than
/// `FAILURE_BURST_LIMIT` failures of one such mode while its age, and the time of the run as
/// well, grow by less than `FAILURE_BURST_AGE_SHARE` of that age stop it with an error. The test
/// is on the mode's own age, so it does not depend on the law's time scale: under minimal repair
/// a Weibull of shape β has had about `LIMIT / (β · SHARE)` failures when it trips (50,000 for
/// β = 20), and a law whose rate does not climb never trips it. Repairs that take time move the
/// run's clock on, so a run whose failures come fast but each cost a repair (it ends) is not
/// stopped: 10,000 repairs of a minute are a week.
pub(super) const FAILURE_BURST_LIMIT: u32 = 10_000;
pub(super) const FAILURE_BURST_AGE_SHARE: f64 = 0.01;
/// Lives of no time in a row after which the guard says the mode fails as soon as each repair
/// ends, rather than ever faster.
const ZERO_LIVES: u32 = 100;

/// Whether a repair or maintenance that restores as `restores` keeps some of a mode's age.
fn keeps_age(restores: Restoration) -> bool {
    match restores {
        Restoration::New => false,
        Restoration::Old => true,
        Restoration::Fraction(f) => f < 1.0,
    }
}

/// Indices of the time shares a station reports.
pub(super) const WORKING: usize = 0;
pub(super) const STARVED: usize = 1;
pub(super) const BLOCKED: usize = 2;
pub(super) const DOWN: usize = 3;
pub(super) const MAINTENANCE: usize = 4;
pub(super) const SETUP: usize = 5;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ServerState {
    Idle,
    /// Holds a part that waits for the station to come up.
    Loaded,
    Setup,
    Busy,
    /// Setup interrupted by a stop; `end` holds the remaining time.
    PausedSetup,
    /// Processing interrupted by a stop; `end` holds the remaining time.
    PausedBusy,
    Blocked,
}

#[derive(Clone, Copy, Debug)]
struct Server {
    state: ServerState,
    part: Part,
    /// Absolute end of the current setup or processing, or the remaining time while paused.
    end: u64,
    /// The length of the current setup or processing, ns: with `end`, how much of it is done.
    span: u64,
    generation: u32,
    /// The product of the last part this server processed (`ANY` before the first).
    last_product: u32,
    /// The server that finished after this one, while both are blocked (`NONE`: none).
    next: u32,
    /// Holds a unit of each resource the station `needs` (from the start of its setup or
    /// processing to the end of processing).
    holding: bool,
    /// Loaded and waiting in line for the resources the station `needs`.
    awaiting: bool,
    /// Processing, since before the warm-up, the part whose work then done is in
    /// `StationCold::carried` (cleared when the server begins anything new).
    carried: bool,
}

/// A station's servers, by number. The first is held in the station's own record, beside its
/// counts, and the others, if any, in a boxed slice: most stations have one server, which the
/// lean paths read at every event, and in an allocation of its own a line of many stations would
/// miss it in the cache. Its number is usually a constant 0, which indexing folds away.
#[derive(Debug)]
#[repr(C)]
struct Servers {
    first: Server,
    /// The servers numbered 1 and up.
    others: Box<[Server]>,
}

impl Servers {
    /// `parallel` servers (at least one), each `server`.
    fn new(server: Server, parallel: usize) -> Servers {
        Servers { first: server, others: vec![server; parallel.max(1) - 1].into_boxed_slice() }
    }

    fn len(&self) -> usize {
        1 + self.others.len()
    }

    fn iter(&self) -> impl Iterator<Item = &Server> {
        std::iter::once(&self.first).chain(self.others.iter())
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut Server> {
        std::iter::once(&mut self.first).chain(self.others.iter_mut())
    }
}

impl std::ops::Index<usize> for Servers {
    type Output = Server;

    #[inline]
    fn index(&self, s: usize) -> &Server {
        if s == 0 { &self.first } else { &self.others[s - 1] }
    }
}

impl std::ops::IndexMut<usize> for Servers {
    #[inline]
    fn index_mut(&mut self, s: usize) -> &mut Server {
        if s == 0 { &mut self.first } else { &mut self.others[s - 1] }
    }
}

impl Server {
    /// The ideal work, s, done on the part this server processes (or paused processing) at
    /// `now`: `ideal_cycle` × the share of its processing time done. 0 when it processes nothing.
    fn work_done(&self, now: u64, ideal_cycle: f64) -> f64 {
        let remaining = match self.state {
            ServerState::Busy => self.end.saturating_sub(now),
            ServerState::PausedBusy => self.end,
            _ => return 0.0,
        };
        if self.span == 0 {
            return ideal_cycle;
        }
        // Whole nanoseconds times the ideal cycle, divided last: exact when the share is.
        ideal_cycle * self.span.saturating_sub(remaining) as f64 / self.span as f64
    }
}

enum ModeClock {
    Calendar,
    Busy,
    Cycles(u64),
}

struct Mode {
    clock: ModeClock,
    life: Sampler,
    life_stream: Stream,
    repair: Sampler,
    repair_stream: Stream,
    restores: Restoration,
    catastrophic: bool,
    /// Virtual age at the last renewal, on the mode's clock: s, or cycles.
    virtual_age: f64,
    /// Clock value at the last renewal (ns, or cycles).
    renewed_at: u64,
    /// Clock value at the mode's last failure: while it is under repair, the mode's age stays
    /// what it was then (a calendar clock runs on during the repair, the age does not).
    failed_at: u64,
    /// Clock value at which the mode fails (ns, or cycles).
    due: u64,
    /// Whether an event for `due` is pending in the event set.
    armed: bool,
    generation: u32,
    in_repair: bool,
    /// The spare part each repair consumes (a resource id).
    uses: Option<u32>,
    /// Predictive maintenance: the clock value from which the coming failure is detectable
    /// (`u64::MAX` without predictive maintenance).
    detectable: u64,
    /// Continuous monitoring: the clock value of the one detection chance still to come
    /// (`u64::MAX` when none is).
    watch: u64,
    /// The coming failure was detected and awaits its predictive maintenance.
    detected: bool,
    /// Under the predictive maintenance in progress.
    in_action: bool,
    /// Where on the mode's clock (ns) the failure-rate guard's current stretch began, when (ns of
    /// the run), and the mode's failures since then (`FAILURE_BURST_LIMIT`).
    burst_start: u64,
    burst_started_at: u64,
    burst_failures: u32,
    /// Its failures in a row at the clock value of the one before (lives of no time).
    zero_lives: u32,
}

impl Mode {
    /// The clock value of the mode's next event: its failure, or its monitoring's chance of
    /// detecting it first.
    fn next_due(&self) -> u64 {
        self.due.min(self.watch)
    }
}

struct Preventive {
    every: u64,
    busy_clock: bool,
    /// Age replacement: a repair that restores `new` also restarts the count to `due`.
    age: bool,
    /// Opportunistic maintenance: how far before `due` (on the same clock) an idle station is
    /// maintained; 0 for preventive maintenance.
    window: u64,
    /// The window is open: the station is maintained as soon as it is starved or blocked.
    window_open: bool,
    /// The strategy is `opportunistic` (whatever its window).
    opportunistic: bool,
    takes: Sampler,
    stream: Stream,
    restores: Restoration,
    due: u64,
    armed: bool,
    generation: u32,
}

impl Preventive {
    /// The clock value the next maintenance event waits for: the due point, or for opportunistic
    /// maintenance whose window is not open yet, the opening of the window.
    fn target(&self) -> u64 {
        if self.window > 0 && !self.window_open {
            self.due.saturating_sub(self.window)
        } else {
            self.due
        }
    }
}

/// What an assembly station is gathering.
struct Kit {
    /// (product, parts needed, parts held)
    needs: Vec<(u32, u32, u32)>,
    produces: u32,
    earliest: u64,
    held: u32,
}

/// A station's state read or written at nearly every event. `repr(C)` keeps the declaration
/// order, and the alignment starts every station on a cache line: the counts, flags and clocks
/// fill the first line, the first server the second, the time shares and counters the third, and
/// the cycle stream and the head of the cycle law (a lognormal's parameters) the fourth. What a
/// lean station does not read comes last, and what only failures, maintenance and the final
/// report read is boxed in `cold`. (With the first server in a slice of its own, and the station
/// records unaligned, callgrind's simulated 48 KB L1 missed 13.8M times at 100 stations over
/// 438 h, not 9.6M, and 20.7M times at 1,000 stations over 60 h, not 17.9M. Indexing the first
/// server by a constant 0 needs no bounds check nor pointer: 1,350.2M instructions at 100
/// stations became 1,319.8M, and 1,308.6M once the lean pull stopped reading the kit.)
///
/// The time shares of a station with one server are 64-bit sums: they add up to the time since
/// the last reset, below 2⁶³ ns. Several servers can outgrow that (three over two centuries), so
/// such a station books 128-bit sums in `cold`. The 128-bit sums in the record, 48 bytes more,
/// had made a lean station's event read five lines, not four, and the record 448 bytes, not 384:
/// the simulated L1 missed 9.55M times at 100 stations over 438 h, not 7.72M, and 17.7M times at
/// 1,000 stations over 60 h, not 16.6M, for the same instructions (1,206.7M against 1,211.8M at
/// 100 stations; 992.5M against 995.5M at 1,000).
#[repr(C, align(64))]
pub(super) struct StationNode {
    pub(super) idle: u32,
    pub(super) working: u32,
    in_setup: u32,
    blocked: u32,
    /// Failure modes under repair.
    down: u32,
    /// Loaded servers waiting for the resources the station `needs`.
    awaiting: u32,
    parallel: u32,
    /// The blocked servers in the order they finished, linked through `Server::next`: the first
    /// and the last (`NONE` when no server is blocked).
    finished_first: u32,
    finished_last: u32,
    /// A part that finished later may leave before one that finished earlier and cannot leave
    /// yet: the station has several servers and its parts may differ in where they can go (set
    /// by `Sim::new`, see `Sim::overtaker`). Otherwise when one cannot leave none can.
    pub(super) overtaking: bool,
    /// Changed since the last report (listed in `Sim::changed`).
    changed: bool,
    /// More than one server: activity is not occupation (see `report_station`).
    several: bool,
    /// Occupation, busy state and activity as last reported by `report_changes`.
    was_occupied: bool,
    was_working: bool,
    was_active: bool,
    /// Whether a failure mode or the preventive maintenance runs on busy time.
    busy_clocked: bool,
    /// Whether a failure mode counts cycles.
    cycle_clocked: bool,
    /// Whether its maintenance is opportunistic with a window (taken at idle moments).
    windowed: bool,
    maintaining: bool,
    maintenance_pending: bool,
    /// When the time shares were last booked (`touch`); also when the busy clock last moved.
    last: u64,
    /// Busy time booked up to `last`, ns.
    busy_acc: u64,
    servers: Servers,
    /// Server time per state since the last reset, ns (indexed by `WORKING` and the others), for
    /// a station with one server; one with several keeps it in `StationCold::wide_shares`.
    shares: [u64; 6],
    pub(super) completions: u64,
    /// Cycles completed over the whole run (the cycle-count failure clock).
    cycles_total: u64,
    /// Constant seconds added to every cycle (a robot's motion time).
    cycle_offset: f64,
    cycle_stream: Stream,
    cycle: Sampler,
    pub(super) cold: Box<StationCold>,
    /// The resources each server holds while it sets up and processes (`needs`).
    needs: Box<[u32]>,
    setup: Option<Box<(Sampler, Stream)>>,
    kit: Option<Box<Kit>>,
}

/// The parts of a station's state that failures, maintenance and the report read.
pub(super) struct StationCold {
    /// `StationNode::shares` for a station with several servers, whose server time can outgrow
    /// 64 bits (three servers over two centuries).
    wide_shares: [u128; 6],
    modes: Vec<Mode>,
    preventive: Option<Box<Preventive>>,
    predictive: Option<Box<strategy::Predictive>>,
    /// The mean cycle, s: the ideal cycle of OEE's performance.
    ideal_cycle: f64,
    /// Ideal work, s, done before the warm-up on the parts in process then (per server, for the
    /// ones still `carried`), which their completions after it must not credit.
    carried: Vec<f64>,
    /// The sum of `carried` over the servers still carrying their part.
    carried_work: f64,
    /// Ideal work, s, done in the observed period on the parts scrapped in it: the ideal cycle's
    /// share of the processing each received (a whole cycle for a part scrapped as it completes,
    /// nothing for one scrapped in setup), less any share done before the warm-up.
    scrapped_work: f64,
    costs: Costs,
    observed_from: u64,
    pub(super) failures: u64,
    pub(super) maintenance_actions: u64,
    pub(super) scrapped: u64,
    pub(super) inspections: u64,
    pub(super) detections: u64,
    pub(super) opportunistic_actions: u64,
    /// The resource whose units repair and maintain this station (`crew = NAME`).
    crew: Option<u32>,
    /// Time during which at least one of its jobs waited for the crew.
    pub(super) crew_wait: WaitTime,
    /// Time during which at least one of its repairs waited for a spare part.
    pub(super) spare_wait: WaitTime,
    /// When the station last paused work in setup or processing, ns (`resume_servers`).
    stopped_at: u64,
}

/// The time during which a station had at least one job waiting (for its crew, or for a spare
/// part): the union of the waits of its jobs, not their sum, so that it never exceeds the time
/// the station was down or in maintenance, whatever the number of jobs waiting at once.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct WaitTime {
    /// Jobs waiting now.
    waiting: u32,
    /// When the current stretch with a job waiting began, ns.
    since: u64,
    /// Observed time of the stretches that ended, ns.
    total: u64,
}

impl WaitTime {
    /// A job starts waiting at `now`.
    pub(super) fn begin(&mut self, now: u64) {
        if self.waiting == 0 {
            self.since = now;
        }
        self.waiting += 1;
    }

    /// A job stops waiting at `now`; time before `observed_from` does not count.
    pub(super) fn end(&mut self, now: u64, observed_from: u64) {
        self.waiting -= 1;
        if self.waiting == 0 {
            self.total += now.saturating_sub(self.since.max(observed_from));
        }
    }

    /// The observed waiting time up to `now`, the stretch under way included, ns.
    pub(super) fn observed(&self, now: u64, observed_from: u64) -> u64 {
        let open =
            if self.waiting > 0 { now.saturating_sub(self.since.max(observed_from)) } else { 0 };
        self.total + open
    }
}

impl StationNode {
    pub(super) fn new(
        station: &Station,
        motion: Option<&Motion>,
        stream: &dyn Fn(&str) -> Stream,
    ) -> Result<StationNode, RunError> {
        let timed = |every: f64,
                     clock: Clock,
                     takes: &fab_stdlib::dist::Distribution,
                     restores: Restoration,
                     policy: PreventivePolicy,
                     window: Option<f64>| Preventive {
            every: ns(every).max(1),
            busy_clock: clock == Clock::BusyTime,
            age: policy == PreventivePolicy::Age,
            window: ns(window.unwrap_or(0.0)),
            window_open: false,
            opportunistic: window.is_some(),
            takes: takes.sampler(),
            stream: stream("maintenance"),
            restores,
            due: ns(every).max(1),
            armed: false,
            generation: 0,
        };
        let (preventive, predictive) = match &station.maintenance {
            Maintenance::Reactive => (None, None),
            Maintenance::Preventive { every, clock, takes, restores, policy } => {
                (Some(Box::new(timed(*every, *clock, takes, *restores, *policy, None))), None)
            }
            Maintenance::Opportunistic { every, clock, window, takes, restores, policy } => (
                Some(Box::new(timed(*every, *clock, takes, *restores, *policy, Some(*window)))),
                None,
            ),
            Maintenance::Predictive { .. } => {
                (None, Some(Box::new(strategy::Predictive::new(station, stream))))
            }
        };
        let modes: Vec<Mode> = station
            .failures
            .iter()
            .map(|mode| {
                let (clock, life) = match &mode.law {
                    FailureLaw::Time { life, clock: Clock::CalendarTime } => {
                        (ModeClock::Calendar, life.sampler())
                    }
                    FailureLaw::Time { life, clock: Clock::BusyTime } => {
                        (ModeClock::Busy, life.sampler())
                    }
                    FailureLaw::Cycles(n) => (
                        ModeClock::Cycles((*n).max(1)),
                        fab_stdlib::dist::Distribution::Constant { value: 0.0 }.sampler(),
                    ),
                };
                Mode {
                    clock,
                    life,
                    life_stream: stream(&format!("failure.{}", mode.name)),
                    repair: mode.repair.sampler(),
                    repair_stream: stream(&format!("repair.{}", mode.name)),
                    restores: mode.restores,
                    catastrophic: mode.catastrophic,
                    virtual_age: 0.0,
                    renewed_at: 0,
                    failed_at: 0,
                    due: 0,
                    armed: false,
                    generation: 0,
                    in_repair: false,
                    uses: mode.uses.map(|r| r.0),
                    detectable: u64::MAX,
                    watch: u64::MAX,
                    detected: false,
                    in_action: false,
                    burst_start: 0,
                    burst_started_at: 0,
                    burst_failures: 0,
                    zero_lives: 0,
                }
            })
            .collect();
        // A robot without its own `cycle` runs its process time plus the motion of its path.
        let (cycle, cycle_offset) = match motion {
            Some(motion) if motion.cycle_from_motion => {
                let process = motion
                    .process
                    .clone()
                    .unwrap_or(fab_stdlib::dist::Distribution::Constant { value: 0.0 });
                (process, motion.motion_seconds())
            }
            _ => (station.cycle.clone(), 0.0),
        };
        // The clock counts no span longer than the longest run (`time::ns`), and neither does
        // the ideal cycle, so that work credited never exceeds the time it took. The checker
        // refuses such a cycle where it is written; a study's point may still reach one.
        // A fixed cycle runs as the whole nanoseconds it rounds to, and that is its ideal: a
        // robot's motion of 5.18265077304882 s takes 5182650773 ns, and crediting 5.182650773…
        // for each would put performance above 1 with nothing to explain it.
        let ideal_cycle = match cycle {
            fab_stdlib::dist::Distribution::Constant { value } => {
                crate::time::ns(value + cycle_offset) as f64 / crate::time::NS_PER_S
            }
            _ => cycle.mean() + cycle_offset,
        }
        .min(crate::time::longest_run_s());
        let cycle = cycle.sampler();
        let parallel = station.parallel.max(1);
        let empty = Part { created: 0, entered: 0, product: ANY, target: ANY };
        let cycle_clocked = modes.iter().any(|m| matches!(m.clock, ModeClock::Cycles(_)));
        let busy_clocked = modes.iter().any(|m| matches!(m.clock, ModeClock::Busy))
            || preventive.as_ref().is_some_and(|pm| pm.busy_clock);
        Ok(StationNode {
            idle: parallel,
            working: 0,
            in_setup: 0,
            blocked: 0,
            down: 0,
            awaiting: 0,
            parallel,
            finished_first: NONE,
            finished_last: NONE,
            overtaking: false,
            changed: false,
            several: parallel > 1,
            was_occupied: false,
            was_working: false,
            was_active: false,
            busy_clocked,
            cycle_clocked,
            windowed: preventive.as_ref().is_some_and(|pm| pm.window > 0),
            maintaining: false,
            maintenance_pending: false,
            last: 0,
            busy_acc: 0,
            completions: 0,
            cycles_total: 0,
            cycle_offset,
            servers: Servers::new(
                Server {
                    state: ServerState::Idle,
                    part: empty,
                    end: 0,
                    span: 0,
                    generation: 0,
                    last_product: ANY,
                    next: NONE,
                    holding: false,
                    awaiting: false,
                    carried: false,
                },
                parallel as usize,
            ),
            needs: station.needs.iter().map(|r| r.0).collect(),
            setup: station.setup.as_ref().map(|d| Box::new((d.sampler(), stream("setup")))),
            kit: station.assembly.as_ref().map(|a| {
                Box::new(Kit {
                    needs: a.inputs.iter().map(|(p, n)| (p.0, *n, 0)).collect(),
                    produces: a.produces.0,
                    earliest: u64::MAX,
                    held: 0,
                })
            }),
            cold: Box::new(StationCold {
                wide_shares: [0; 6],
                modes,
                preventive,
                predictive,
                ideal_cycle,
                carried: Vec::new(),
                carried_work: 0.0,
                scrapped_work: 0.0,
                costs: station.costs,
                observed_from: 0,
                failures: 0,
                maintenance_actions: 0,
                scrapped: 0,
                inspections: 0,
                detections: 0,
                opportunistic_actions: 0,
                crew: station.crew.map(|r| r.0),
                crew_wait: WaitTime::default(),
                spare_wait: WaitTime::default(),
                stopped_at: 0,
            }),
            shares: [0; 6],
            cycle_stream: stream("cycle"),
            cycle,
        })
    }

    pub(super) fn stopped(&self) -> bool {
        self.down > 0 || self.maintaining
    }

    fn is_working(&self) -> bool {
        self.working > 0 && !self.stopped()
    }

    /// Active in the sense of the active-period bottleneck method: the station can take no more
    /// work because no server waits. It is down or in maintenance, or every server processes or
    /// sets up; a starved or blocked server (or one waiting for the resources it `needs`) means
    /// the station waits for another part of the line, so it is not the constraint. With one
    /// server this is "not starved or blocked"; a station with `parallel` servers staggered in
    /// time would otherwise nearly always have one of them working and be active all run long.
    fn is_active(&self) -> bool {
        self.stopped() || self.working + self.in_setup == self.parallel
    }

    /// Some server processes or sets up, or the station is stopped: not the idle moment
    /// opportunistic maintenance waits for (every server starved or blocked). The same as
    /// `is_active` for one server.
    fn is_occupied(&self) -> bool {
        self.stopped() || self.working > 0 || self.in_setup > 0
    }

    /// The busy-time clock now, ns.
    fn busy_clock(&self, now: u64) -> u64 {
        if self.is_working() { self.busy_acc + (now - self.last) } else { self.busy_acc }
    }

    /// Books the time since the last change to the current state; call before every change.
    #[inline]
    pub(super) fn touch(&mut self, now: u64) {
        let dt = now - self.last;
        if dt == 0 {
            return;
        }
        if self.several {
            self.book_wide(dt);
        } else if self.down > 0 {
            self.shares[DOWN] += dt;
        } else if self.maintaining {
            self.shares[MAINTENANCE] += dt;
        } else {
            // One server: its shares sum to the time since the reset, below 2⁶³ ns. Written out
            // rather than as `book_wide` adds: six products through `servers_by_state`, four of
            // them here, cost 2 % more instructions (callgrind, 1,234.9M against 1,211.8M at 100
            // stations over 438 h).
            self.shares[WORKING] += u64::from(self.working) * dt;
            self.shares[SETUP] += u64::from(self.in_setup) * dt;
            self.shares[BLOCKED] += u64::from(self.blocked) * dt;
            self.shares[STARVED] += u64::from(self.idle + self.awaiting) * dt;
            debug_assert!(
                self.working + self.in_setup + self.blocked + self.idle + self.awaiting <= 1
            );
            if self.working > 0 {
                self.busy_acc += dt;
            }
        }
        self.last = now;
    }

    /// How many servers each time share counts now (indexed like the shares): while the station
    /// is stopped, all of them are down or in maintenance.
    fn servers_by_state(&self) -> [u32; 6] {
        let mut servers = [0; 6];
        if self.down > 0 {
            servers[DOWN] = self.parallel;
        } else if self.maintaining {
            servers[MAINTENANCE] = self.parallel;
        } else {
            servers[WORKING] = self.working;
            servers[SETUP] = self.in_setup;
            servers[BLOCKED] = self.blocked;
            servers[STARVED] = self.idle + self.awaiting;
        }
        servers
    }

    /// `touch`'s booking for a station with several servers, in 128 bits.
    #[inline(never)]
    fn book_wide(&mut self, dt: u64) {
        let servers = self.servers_by_state();
        for (share, n) in self.cold.wide_shares.iter_mut().zip(servers) {
            *share += u128::from(n) * u128::from(dt);
        }
        if servers[WORKING] > 0 {
            self.busy_acc += dt;
        }
    }

    /// Share `i`'s server time since the last reset, ns.
    fn share(&self, i: usize) -> u128 {
        if self.several { self.cold.wide_shares[i] } else { u128::from(self.shares[i]) }
    }

    /// At the horizon: the crew and spare waits under way count up to `now`, as the down and
    /// maintenance shares count them.
    pub(super) fn book_open_waits(&mut self, now: u64) {
        let cold = &mut self.cold;
        cold.crew_wait.total = cold.crew_wait.observed(now, cold.observed_from);
        cold.spare_wait.total = cold.spare_wait.observed(now, cold.observed_from);
    }

    pub(super) fn reset_statistics(&mut self, now: u64) {
        self.touch(now);
        self.shares = [0; 6];
        self.cold.wide_shares = [0; 6];
        // The work done so far on the parts in process is not the observed period's.
        let ideal_cycle = self.cold.ideal_cycle;
        self.cold.carried = self.servers.iter().map(|s| s.work_done(now, ideal_cycle)).collect();
        self.cold.carried_work = self.cold.carried.iter().sum();
        for server in self.servers.iter_mut() {
            server.carried = matches!(server.state, ServerState::Busy | ServerState::PausedBusy);
        }
        self.cold.observed_from = now;
        self.completions = 0;
        self.cold.failures = 0;
        self.cold.maintenance_actions = 0;
        self.cold.scrapped = 0;
        self.cold.scrapped_work = 0.0;
        self.cold.inspections = 0;
        self.cold.detections = 0;
        self.cold.opportunistic_actions = 0;
        self.cold.crew_wait.total = 0;
        self.cold.spare_wait.total = 0;
    }

    /// Time shares since the last reset, fractions of server time; closes the books at `now`.
    pub(super) fn shares(&mut self, now: u64) -> [f64; 6] {
        self.touch(now);
        let total = self.parallel as f64 * (now - self.cold.observed_from) as f64;
        let mut out = [0.0; 6];
        if total > 0.0 {
            for (i, o) in out.iter_mut().enumerate() {
                *o = self.share(i) as f64 / total;
            }
        }
        out
    }

    pub(super) fn ideal_cycle(&self) -> f64 {
        self.cold.ideal_cycle
    }

    /// The ideal work, s, done in the observed period on the parts scrapped in it.
    pub(super) fn scrapped_work(&self) -> f64 {
        self.cold.scrapped_work
    }

    /// The ideal work, s, done in the observed period on the parts not scrapped (the good ideal
    /// work of OEE's quality): the ideal cycle of each part completed, less the share of its
    /// processing done before the warm-up, plus the share done of each part in process at `now`.
    /// A share is of the part's own processing time (drawn, so it may differ from the ideal
    /// cycle), so the work credited to a cycle never exceeds the ideal cycle's share of the time
    /// the server spent processing it in the period. The work done on scrapped parts is
    /// `scrapped_work`.
    pub(super) fn ideal_work(&self, now: u64) -> f64 {
        let ideal_cycle = self.cold.ideal_cycle;
        let in_process: f64 = self.servers.iter().map(|s| s.work_done(now, ideal_cycle)).sum();
        ideal_cycle * self.completions as f64 - self.cold.carried_work + in_process
    }

    /// Time down and time in maintenance since the last reset, s, from the whole nanoseconds
    /// booked (every server counts the station's time, so each is a multiple of `parallel`).
    pub(super) fn stopped_seconds(&mut self, now: u64) -> (f64, f64) {
        self.touch(now);
        let per_server = |server_time: u128| secs((server_time / self.parallel as u128) as u64);
        (per_server(self.share(DOWN)), per_server(self.share(MAINTENANCE)))
    }

    /// Working server time since the last reset, s.
    pub(super) fn working_seconds(&mut self, now: u64) -> f64 {
        self.touch(now);
        self.share(WORKING) as f64 / crate::time::NS_PER_S
    }

    pub(super) fn parallel(&self) -> u32 {
        self.parallel
    }

    #[inline]
    pub(super) fn outgoing(&self) -> Option<Part> {
        (self.finished_first != NONE).then(|| self.servers[self.finished_first as usize].part)
    }

    #[inline]
    pub(super) fn can_accept(&self, part: &Part) -> bool {
        if self.idle == 0 {
            return false;
        }
        match &self.kit {
            None => true,
            Some(kit) => kit.needs.iter().any(|&(p, need, have)| p == part.product && have < need),
        }
    }

    /// Server `s` finished: it joins the end of the list of blocked servers.
    #[inline]
    fn push_finished(&mut self, s: u32) {
        self.servers[s as usize].next = NONE;
        match self.finished_last {
            NONE => self.finished_first = s,
            last => self.servers[last as usize].next = s,
        }
        self.finished_last = s;
    }

    /// When every server holds a finished part that waits to leave: those parts, and when the
    /// last of them finished, the station's last change of state (see `engine::deadlock`).
    /// `None` while a server is idle, loaded, in setup or processing.
    pub(super) fn standstill(&self) -> Option<(Vec<Part>, u64)> {
        if self.blocked < self.parallel
            || self.servers.iter().any(|s| s.state != ServerState::Blocked)
        {
            return None;
        }
        let last = self.servers.iter().map(|s| s.end).max()?;
        Some((self.servers.iter().map(|s| s.part).collect(), last))
    }

    /// The blocked servers after the first, in the order they finished.
    pub(super) fn later_finished(&self) -> impl Iterator<Item = u32> + '_ {
        let first = self.finished_first;
        let second = if first == NONE { NONE } else { self.servers[first as usize].next };
        std::iter::successors((second != NONE).then_some(second), |&s| {
            let next = self.servers[s as usize].next;
            (next != NONE).then_some(next)
        })
    }

    /// The part blocked server `s` holds.
    pub(super) fn part_of(&self, s: u32) -> Part {
        self.servers[s as usize].part
    }

    /// Blocked server `s` moves to the front of the list of blocked servers, to leave next; the
    /// others keep their order.
    pub(super) fn bring_forward(&mut self, s: u32) {
        if self.finished_first == s {
            return;
        }
        let mut before = self.finished_first;
        while self.servers[before as usize].next != s {
            before = self.servers[before as usize].next;
        }
        self.servers[before as usize].next = self.servers[s as usize].next;
        if self.finished_last == s {
            self.finished_last = before;
        }
        self.servers[s as usize].next = self.finished_first;
        self.finished_first = s;
    }

    /// The first finished part leaves its server, which becomes idle (the caller lists the
    /// change, `Sim::station_release`).
    #[inline]
    pub(super) fn release(&mut self, now: u64) -> Part {
        self.touch(now);
        let s = self.pop_finished();
        let server = &mut self.servers[s as usize];
        server.state = ServerState::Idle;
        let part = server.part;
        self.blocked -= 1;
        self.idle += 1;
        part
    }

    /// The server that finished first leaves the list of blocked servers.
    #[inline]
    fn pop_finished(&mut self) -> u32 {
        let s = self.finished_first;
        assert!(s != NONE, "a station offers only a finished part");
        self.finished_first = self.servers[s as usize].next;
        if self.finished_first == NONE {
            self.finished_last = NONE;
        }
        s
    }

    /// It assembles: which parts it takes depends on their products.
    pub(super) fn assembles(&self) -> bool {
        self.kit.is_some()
    }

    /// One server, no setup, assembly or needed resources: the lean shape (`lean.rs`), given
    /// one successor in flow order.
    pub(super) fn is_lean(&self) -> bool {
        self.parallel == 1 && self.setup.is_none() && self.kit.is_none() && self.needs.is_empty()
    }

    /// The part on the one server of a lean station.
    #[inline]
    pub(super) fn servers_part(&self) -> Part {
        self.servers[0].part
    }

    /// The one server of a lean station hands its finished part on: it is idle.
    #[inline]
    pub(super) fn release_lean(&mut self) -> Part {
        let server = &mut self.servers[0];
        server.state = ServerState::Idle;
        self.idle += 1;
        server.part
    }

    /// The one server of a lean station, idle, loads `part` to start when the station is up.
    #[inline]
    pub(super) fn load_only(&mut self, part: Part) {
        let server = &mut self.servers[0];
        server.part = part;
        server.state = ServerState::Loaded;
    }

    /// The one server of a lean station, idle, starts processing `part` now (the caller counts it
    /// as working); returns when it ends and the generation of its event.
    #[inline]
    pub(super) fn start_lean(&mut self, now: u64, part: Part) -> (u64, u32) {
        let cycle = self.draw_cycle();
        self.servers[0].part = part;
        self.begin(0, ServerState::Busy, now, cycle)
    }

    /// The next cycle time, s: a draw of the cycle law plus the constant motion time.
    #[inline]
    fn draw_cycle(&mut self) -> f64 {
        self.cycle.sample(&mut self.cycle_stream) + self.cycle_offset
    }

    /// Server `s` enters `state` (setup or processing) for `duration` s from `now`; returns when
    /// that ends and the generation its event carries.
    #[inline]
    fn begin(&mut self, s: usize, state: ServerState, now: u64, duration: f64) -> (u64, u32) {
        let server = &mut self.servers[s];
        let span = ns(duration);
        server.state = state;
        server.end = now + span;
        server.span = span;
        server.carried = false;
        server.generation = server.generation.wrapping_add(1);
        (server.end, server.generation)
    }

    /// Server `s` finished: it holds its part, blocked, until a successor takes it (the caller
    /// lists it among the finished ones, `push_finished`, once no failure counted in cycles
    /// strikes the part).
    #[inline]
    fn hold_finished(&mut self, s: u32) {
        self.servers[s as usize].state = ServerState::Blocked;
        self.blocked += 1;
    }

    /// The one server of a lean station finished, and its part waits for room downstream.
    #[inline]
    pub(super) fn hold_finished_lean(&mut self) {
        self.hold_finished(0);
        self.push_finished(0);
    }

    /// This station, number `c`, changed: it is listed in `changed` (`Sim::changed`) unless it
    /// already is (see `Sim::station_changed`).
    #[inline]
    pub(super) fn mark_changed(&mut self, c: u32, changed: &mut Vec<u32>) {
        if !self.changed {
            self.changed = true;
            changed.push(c);
        }
    }

    /// Whether a server holds a finished part.
    #[inline]
    pub(super) fn holds_finished(&self) -> bool {
        self.finished_first != NONE
    }

    /// The part of the server that finished first among the blocked ones (`holds_finished`).
    #[inline]
    pub(super) fn first_finished(&self) -> Part {
        self.servers[self.finished_first as usize].part
    }

    fn idle_server(&self) -> Option<usize> {
        self.servers.iter().position(|s| s.state == ServerState::Idle)
    }

    /// The idle server a part of `product` goes to (see the module's notes): with setups and
    /// several servers, one that needs no setup for it when one is idle, set up for `product`
    /// first, then fresh; otherwise, and without setups, the lowest-numbered idle one.
    fn idle_server_for(&self, product: u32) -> Option<usize> {
        if self.setup.is_none() || !self.several {
            return self.idle_server();
        }
        let idle = |s: &Server| s.state == ServerState::Idle;
        self.servers
            .iter()
            .position(|s| idle(s) && s.last_product == product)
            .or_else(|| self.servers.iter().position(|s| idle(s) && s.last_product == ANY))
            .or_else(|| self.idle_server())
    }
}

/// Whether a server can take all it `needs` now: as many free units of each resource as the
/// list names it (`needs = [ops, ops]` holds two).
fn needs_are_free(needs: &[u32], crews: &[super::crew::Crew]) -> bool {
    needs.iter().all(|&r| {
        let wanted = needs.iter().filter(|&&other| other == r).count() as u32;
        crews[r as usize].free_units() >= wanted
    })
}

impl Sim<'_> {
    /// A station and the event set, borrowed together, so events are scheduled while iterating
    /// the station's servers or modes without collecting them first.
    fn station_and_queue(&mut self, c: u32) -> (&mut StationNode, &mut super::queue::EventQueue) {
        (&mut self.stations[c as usize], &mut self.queue)
    }

    /// Server `s` of station `c` takes a unit of each resource the station `needs` if all are
    /// free, leaving the line if it was in it; otherwise it joins (or stays in) the line.
    pub(super) fn acquire_needs(&mut self, c: u32, s: usize) -> bool {
        let now = self.now;
        let station = &mut self.stations[c as usize];
        if !needs_are_free(&station.needs, &self.crews) {
            if !station.servers[s].awaiting {
                station.touch(now);
                station.servers[s].awaiting = true;
                station.awaiting += 1;
                self.operator_line.push_back((c, s as u32, now));
            }
            return false;
        }
        let mut waited = 0;
        if station.servers[s].awaiting {
            station.touch(now);
            station.servers[s].awaiting = false;
            station.awaiting -= 1;
            if let Some(at) =
                self.operator_line.iter().position(|&(lc, ls, _)| (lc, ls) == (c, s as u32))
            {
                waited = self.operator_line.remove(at).map_or(0, |(_, _, since)| now - since);
            }
        }
        station.servers[s].holding = true;
        // One hold of each resource listed, however many of its units (`[ops, ops]` is one job
        // of `ops` taking two units, with one wait).
        for (i, &r) in station.needs.iter().enumerate() {
            let first_listing = !station.needs[..i].contains(&r);
            self.crews[r as usize].take_unit(now, first_listing.then_some(waited));
        }
        true
    }

    /// A server of station `c` gives back the resources it held for processing.
    fn release_needs(&mut self, c: u32) {
        for i in 0..self.station(c).needs.len() {
            let r = self.station(c).needs[i];
            self.release_unit(r);
        }
        self.serve_operator_line();
    }

    /// Servers in line for resources start, in line order, when all they need is free.
    pub(super) fn serve_operator_line(&mut self) {
        let mut i = 0;
        // Everyone in line waits for at least one unit: once no resource has a unit free, no one
        // further on can start, and the rest of the line need not be looked at. Starting a server
        // is the only thing here that takes units, so the test is repeated after each start.
        let mut any_free = self.crews.iter().any(|crew| crew.free_units() > 0);
        while any_free && i < self.operator_line.len() {
            let (c, s, _) = self.operator_line[i];
            let ready = {
                let station = &self.stations[c as usize];
                !station.stopped() && needs_are_free(&station.needs, &self.crews)
            };
            if ready {
                // `start_server` takes the resources and leaves the line.
                self.start_server(c, s as usize);
                any_free = self.crews.iter().any(|crew| crew.free_units() > 0);
            } else {
                i += 1;
            }
        }
    }

    /// The crew that repairs and maintains station `c`, if it names one.
    pub(super) fn station_crew(&mut self, c: u32) -> Option<u32> {
        self.station(c).cold.crew
    }

    /// A repair or maintenance of station `c` starts waiting for its crew.
    pub(super) fn begin_crew_wait(&mut self, c: u32) {
        let now = self.now;
        self.station(c).cold.crew_wait.begin(now);
    }

    /// A repair or maintenance of station `c` that waited for its crew got a unit.
    pub(super) fn end_crew_wait(&mut self, c: u32) {
        let now = self.now;
        let cold = &mut self.station(c).cold;
        cold.crew_wait.end(now, cold.observed_from);
    }

    /// The spare part mode `m` of station `c` uses, if any.
    pub(super) fn mode_spare(&mut self, c: u32, m: u32) -> Option<u32> {
        self.station(c).cold.modes[m as usize].uses
    }

    /// A repair of station `c` starts waiting for a spare part.
    pub(super) fn begin_spare_wait(&mut self, c: u32) {
        let now = self.now;
        self.station(c).cold.spare_wait.begin(now);
    }

    /// A repair of station `c` that waited for a spare part got one.
    pub(super) fn end_spare_wait(&mut self, c: u32) {
        let now = self.now;
        let cold = &mut self.station(c).cold;
        cold.spare_wait.end(now, cold.observed_from);
    }

    #[inline]
    fn station(&mut self, c: u32) -> &mut StationNode {
        &mut self.stations[c as usize]
    }

    /// At time zero: draws each failure mode's first life and the first maintenance.
    pub(super) fn start_station(&mut self, c: u32) {
        let station = self.station(c);
        for m in 0..station.cold.modes.len() {
            let mode = &mut station.cold.modes[m];
            mode.due = match mode.clock {
                ModeClock::Cycles(n) => n,
                _ => ns(mode.life.sample(&mut mode.life_stream)),
            };
            Self::set_detectable(station, m);
        }
        self.arm_all(c);
        self.arm_preventive(c);
        self.start_inspections(c);
        self.station_changed(c);
    }

    /// Schedules the events of every time-based mode that has none pending and can come due.
    fn arm_all(&mut self, c: u32) {
        let (now, horizon) = (self.now, self.horizon);
        let (station, queue) = self.station_and_queue(c);
        let working = station.is_working();
        let busy = station.busy_clock(now);
        for (m, mode) in station.cold.modes.iter_mut().enumerate() {
            if mode.armed || mode.in_repair {
                continue;
            }
            let at = match mode.clock {
                ModeClock::Calendar => mode.next_due(),
                ModeClock::Busy if working => now + mode.next_due().saturating_sub(busy),
                _ => continue,
            };
            mode.armed = true;
            mode.generation = mode.generation.wrapping_add(1);
            if at <= horizon {
                queue.schedule(at, super::Kind::Failure, c, m as u32, mode.generation);
            }
        }
    }

    fn arm_preventive(&mut self, c: u32) {
        let now = self.now;
        let horizon = self.horizon;
        let station = self.station(c);
        let working = station.is_working();
        let busy = station.busy_clock(now);
        let Some(pm) = station.cold.preventive.as_mut() else { return };
        if pm.armed {
            return;
        }
        let target = pm.target();
        let at = if pm.busy_clock {
            if !working {
                return;
            }
            now + target.saturating_sub(busy)
        } else {
            // A window longer than the time to the due point opened in the past: it opens now.
            target.max(now)
        };
        pm.armed = true;
        pm.generation = pm.generation.wrapping_add(1);
        let generation = pm.generation;
        if at <= horizon {
            self.queue.schedule(at, super::Kind::MaintenanceDue, c, 0, generation);
        }
    }

    /// After any change of a station's state: the station is reported once the instant's work is
    /// done (`report_changes`), so a station that finishes a part and starts the next at one
    /// instant reports nothing.
    #[inline]
    pub(super) fn station_changed(&mut self, c: u32) {
        self.stations[c as usize].mark_changed(c, &mut self.changed);
    }

    /// Reports the stations changed since the last call: bottleneck activity, and busy-time
    /// events that can run again. A report may change a station again (an idle moment taken for
    /// opportunistic maintenance), which lists it anew: the loop reports that too.
    ///
    /// A call of its own: inlined into `Sim::run`, it cost 1.2 % more instructions at 100
    /// stations over 438 h (callgrind, 1,247.5M against 1,262.6M), the loop spilling more
    /// registers than the call saves.
    pub(super) fn report_changes(&mut self) {
        let mut i = 0;
        while let Some(&c) = self.changed.get(i) {
            i += 1;
            self.report_station(c);
        }
        self.changed.clear();
    }

    #[inline]
    fn report_station(&mut self, c: u32) {
        let station = self.station(c);
        station.changed = false;
        let occupied = station.is_occupied();
        let working = station.is_working();
        // With one server, activity is occupation. With several, it can change while occupation
        // and the busy state do not (the last idle server starts), so it is checked there.
        if (occupied != station.was_occupied) | (working != station.was_working) | station.several {
            self.report_change(c, occupied, working);
        }
        // Otherwise it changed and came back at this instant: nothing to report.
    }

    fn report_change(&mut self, c: u32, occupied: bool, working: bool) {
        let now = self.now;
        let station = self.station(c);
        let active = if station.several { station.is_active() } else { occupied };
        let (was_active, was_working) = (station.was_active, station.was_working);
        let busy_clocked = station.busy_clocked;
        let opportunity = !occupied
            && station.was_occupied
            && station.windowed
            && station.cold.preventive.as_ref().is_some_and(|pm| pm.window_open);
        station.was_occupied = occupied;
        station.was_active = active;
        station.was_working = working;
        if active != was_active {
            self.bottleneck.set_active(c as usize, now, active);
        }
        if working && !was_working && busy_clocked {
            // The busy clock runs again: busy-time events left unscheduled can be scheduled.
            self.arm_all(c);
            self.arm_preventive(c);
        }
        if opportunity {
            self.take_opportunity(c);
        }
    }

    /// A part enters the station.
    #[inline]
    pub(super) fn station_enter(&mut self, c: u32, part: Part) {
        let now = self.now;
        if self.lean && self.stations[c as usize].is_lean() {
            self.lean_station_enter(c, part);
            return;
        }
        let station = &mut self.stations[c as usize];
        station.touch(now);
        if station.kit.is_some() {
            self.kit_enter(c, part);
            return;
        }
        let s =
            station.idle_server_for(part.product).expect("can_accept checked for an idle server");
        station.idle -= 1;
        station.servers[s].part = part;
        station.servers[s].state = ServerState::Loaded;
        self.start_server(c, s);
    }

    /// Assembly: a part joins the kit; a complete kit becomes one part on an idle server.
    #[inline(never)]
    fn kit_enter(&mut self, c: u32, part: Part) {
        let now = self.now;
        let station = self.station(c);
        let Some(kit) = station.kit.as_mut() else { return };
        if let Some(need) =
            kit.needs.iter_mut().find(|(p, need, have)| *p == part.product && have < need)
        {
            need.2 += 1;
        }
        kit.held += 1;
        kit.earliest = kit.earliest.min(part.created);
        if kit.needs.iter().any(|&(_, need, have)| have < need) {
            return;
        }
        let assembled =
            Part { created: kit.earliest, entered: now, product: kit.produces, target: ANY };
        let consumed = kit.held;
        kit.needs.iter_mut().for_each(|n| n.2 = 0);
        kit.held = 0;
        kit.earliest = u64::MAX;
        let s = station.idle_server().expect("can_accept checked for an idle server");
        station.idle -= 1;
        station.servers[s].part = assembled;
        station.servers[s].state = ServerState::Loaded;
        let idle = station.idle;
        self.wip.add(now, 1 - i64::from(consumed));
        self.start_server(c, s);
        // The set is empty again. Parts refused while it held enough of their product wait
        // upstream; with a server still idle to take the next set, they are asked for now, not
        // when a server next frees (which left a server of a two-server assembly idle beside
        // the part it needed).
        if idle > 0 {
            self.agenda.push(Op::Pull(c));
        }
    }

    /// Starts setup or processing of a loaded server if the station is up.
    fn start_server(&mut self, c: u32, s: usize) {
        let now = self.now;
        let horizon = self.horizon;
        let station = self.station(c);
        if station.stopped() {
            return; // stays Loaded until the station is up
        }
        if !station.needs.is_empty() && !station.servers[s].holding && !self.acquire_needs(c, s) {
            return; // stays Loaded, in line for its resources
        }
        let station = self.station(c);
        station.touch(now);
        let server = &mut station.servers[s];
        let needs_setup = station.setup.is_some()
            && server.last_product != ANY
            && server.last_product != server.part.product;
        let (state, duration, kind) = if needs_setup {
            let (sampler, stream) = &mut **station.setup.as_mut().expect("checked");
            station.in_setup += 1;
            (ServerState::Setup, sampler.sample(stream), super::Kind::SetupDone)
        } else {
            station.working += 1;
            (ServerState::Busy, station.draw_cycle(), super::Kind::ProcessDone)
        };
        let (end, generation) = station.begin(s, state, now, duration);
        if end <= horizon {
            self.queue.schedule(end, kind, c, s as u32, generation);
        }
        self.station_changed(c);
    }

    pub(super) fn on_setup_done(&mut self, c: u32, s: u32, generation: u32) {
        let now = self.now;
        let station = self.station(c);
        let server = &station.servers[s as usize];
        if server.generation != generation || server.state != ServerState::Setup {
            return;
        }
        station.touch(now);
        station.in_setup -= 1;
        let server = &mut station.servers[s as usize];
        server.last_product = server.part.product;
        server.state = ServerState::Loaded;
        self.start_server(c, s as usize);
    }

    pub(super) fn on_process_done(&mut self, c: u32, s: u32, generation: u32) {
        let now = self.now;
        let station = &mut self.stations[c as usize];
        let server = &station.servers[s as usize];
        if server.generation != generation || server.state != ServerState::Busy {
            return;
        }
        let (holding, product) = (server.holding, server.part.product);
        station.touch(now);
        station.working -= 1;
        station.completions += 1;
        // The station's record stays borrowed, not indexed again, unless resources are released.
        let station = if holding {
            station.servers[s as usize].holding = false;
            self.release_needs(c);
            &mut self.stations[c as usize]
        } else {
            station
        };
        let links = &mut self.links[c as usize];
        let target = links.route.target(product);
        station.cycles_total += 1;
        let server = &mut station.servers[s as usize];
        server.last_product = product;
        server.part.target = target;
        let cycle_clocked = station.cycle_clocked;
        self.counters.completions += 1;
        station.mark_changed(c, &mut self.changed);
        if self.lean && !cycle_clocked && links.shape == Shape::Station && self.pass_on_lean(c) {
            return;
        }
        let station = self.station(c);
        station.hold_finished(s);
        if cycle_clocked {
            self.count_cycle(c, s);
        } else {
            station.push_finished(s);
        }
        // Offered at once: the agenda would do it next.
        self.offer(c);
    }

    /// Server `s` completed a cycle, and holds its finished part, not yet in the list of
    /// finished ones: failure modes that count cycles may come due, or be detected. A failure
    /// that comes due strikes that part; unless a catastrophic one scraps it, it then joins the
    /// finished parts.
    #[inline(never)]
    fn count_cycle(&mut self, c: u32, s: u32) {
        let cycles = self.station(c).cycles_total;
        for m in 0..self.station(c).cold.modes.len() {
            let mode = &self.station(c).cold.modes[m];
            if matches!(mode.clock, ModeClock::Cycles(_)) && !mode.in_repair {
                if cycles >= mode.due {
                    self.fail(c, m as u32, Some(s));
                } else if cycles >= mode.watch {
                    self.monitor(c, m);
                }
            }
        }
        let station = self.station(c);
        if station.servers[s as usize].state == ServerState::Blocked {
            station.push_finished(s);
        }
    }

    /// Removes the first finished part from its server; the server becomes idle.
    #[inline]
    pub(super) fn station_release(&mut self, c: u32) -> Part {
        let station = &mut self.stations[c as usize];
        let part = station.release(self.now);
        station.mark_changed(c, &mut self.changed);
        part
    }

    pub(super) fn on_failure_due(&mut self, c: u32, m: u32, generation: u32) {
        let now = self.now;
        let horizon = self.horizon;
        let station = self.station(c);
        let busy = station.busy_clock(now);
        let working = station.is_working();
        let mode = &mut station.cold.modes[m as usize];
        if mode.generation != generation || mode.in_repair {
            return;
        }
        mode.armed = false;
        if let ModeClock::Busy = mode.clock
            && busy < mode.next_due()
        {
            // The station idled since this was scheduled: not due yet.
            if working {
                mode.armed = true;
                let at = now + (mode.next_due() - busy);
                if at <= horizon {
                    self.queue.schedule(at, super::Kind::Failure, c, m, generation);
                }
            }
            return;
        }
        let clock = if let ModeClock::Busy = mode.clock { busy } else { now };
        if clock < mode.due {
            // The monitoring's chance to detect the coming failure.
            self.monitor(c, m as usize);
            return;
        }
        self.fail(c, m, None);
    }

    /// Failure mode `m` strikes now: as server `struck` completes the cycle that brought a mode
    /// counted in cycles due, or at a time its clock brought it due (`None`).
    fn fail(&mut self, c: u32, m: u32, struck: Option<u32>) {
        let now = self.now;
        self.trace_mode(c, m, TraceKind::Failure);
        let station = self.station(c);
        station.touch(now);
        let was_stopped = station.stopped();
        station.cold.failures += 1;
        station.down += 1;
        let clock = Self::mode_clock(station, m as usize, now);
        let mode = &mut station.cold.modes[m as usize];
        if keeps_age(mode.restores) && !matches!(mode.clock, ModeClock::Cycles(_)) {
            // A mode whose repairs keep its age has a failure rate that can grow without bound.
            let gained = clock.saturating_sub(mode.renewed_at);
            let age = mode.virtual_age + secs(gained);
            let window = ns(age * FAILURE_BURST_AGE_SHARE);
            if clock.saturating_sub(mode.burst_start) >= window
                || now.saturating_sub(mode.burst_started_at) >= window
            {
                mode.burst_start = clock;
                mode.burst_started_at = now;
                mode.burst_failures = 0;
            }
            mode.burst_failures += 1;
            mode.zero_lives = if clock == mode.failed_at { mode.zero_lives + 1 } else { 0 };
        }
        if mode.burst_failures > FAILURE_BURST_LIMIT && self.halt.is_none() {
            let (time_s, component, mode_name) =
                (secs(now), self.name(c).to_string(), self.mode_name(c, m));
            let mode = &self.stations[c as usize].cold.modes[m as usize];
            self.halt = Some(if mode.zero_lives >= ZERO_LIVES {
                // Its last lives had not a nanosecond of age: it fails as soon as each repair ends.
                RunError::ZeroTimeLoop {
                    time_s,
                    component,
                    cause: super::LoopCause::Failures { mode: mode_name, keeps_age: true },
                }
            } else {
                RunError::FailuresDiverge { time_s, component, mode: mode_name }
            });
        }
        let mode = &mut self.stations[c as usize].cold.modes[m as usize];
        mode.failed_at = clock;
        mode.in_repair = true;
        mode.armed = false;
        mode.generation = mode.generation.wrapping_add(1);
        let repair = ns(mode.repair.sample(&mut mode.repair_stream));
        let catastrophic = mode.catastrophic;
        self.counters.failures += 1;
        if !was_stopped {
            self.pause_servers(c);
        }
        match struck {
            // The cycle that brought the mode due is the one it strikes; the other servers'
            // parts pause as for any failure.
            Some(s) if catastrophic => self.scrap_finished(c, s),
            None if catastrophic => self.scrap_in_process(c),
            _ => {}
        }
        self.start_repair(c, m, repair);
        self.station_changed(c);
    }

    /// The name of failure mode `m` of station `c`, as the model gives it.
    pub(super) fn mode_name(&self, c: u32, m: u32) -> String {
        let failures = match &self.model.component(self.ids[c as usize]).kind {
            crate::model::ComponentKind::Station(station) => &station.failures,
            crate::model::ComponentKind::Robot(robot) => &robot.station.failures,
            _ => return String::new(),
        };
        failures.get(m as usize).map(|mode| mode.name.clone()).unwrap_or_default()
    }

    /// Whether the repairs of failure mode `m` of station `c` keep some of its age.
    pub(super) fn mode_keeps_age(&self, c: u32, m: u32) -> bool {
        self.stations[c as usize]
            .cold
            .modes
            .get(m as usize)
            .is_some_and(|mode| keeps_age(mode.restores))
    }

    /// Records an event of mode `m` with its age now, when the run is traced.
    fn trace_mode(&mut self, c: u32, m: u32, kind: TraceKind) {
        if self.trace.is_none() {
            return;
        }
        let now = self.now;
        let station = self.station(c);
        let clock = Self::aged_clock(station, m as usize, now);
        let mode = &station.cold.modes[m as usize];
        let gained = clock.saturating_sub(mode.renewed_at);
        let age = match mode.clock {
            ModeClock::Cycles(_) => gained as f64,
            _ => secs(gained),
        };
        self.record(c, m, kind, age);
    }

    /// At the horizon of a traced run: a `censored` row for every mode not under repair.
    pub(super) fn trace_censored(&mut self) {
        for c in 0..self.stations.len() as u32 {
            let station = &self.stations[c as usize];
            let open: Vec<u32> = (0..station.cold.modes.len() as u32)
                .filter(|&m| !station.cold.modes[m as usize].in_repair)
                .collect();
            for m in open {
                self.trace_mode(c, m, TraceKind::Censored);
            }
        }
    }

    /// The clock value of a mode now (ns, or cycles).
    fn mode_clock(station: &StationNode, m: usize, now: u64) -> u64 {
        match station.cold.modes[m].clock {
            ModeClock::Calendar => now,
            ModeClock::Busy => station.busy_clock(now),
            ModeClock::Cycles(_) => station.cycles_total,
        }
    }

    /// The clock value up to which mode `m` has aged: its clock now or, while it is under
    /// repair, its clock when it failed.
    fn aged_clock(station: &StationNode, m: usize, now: u64) -> u64 {
        let mode = &station.cold.modes[m];
        if mode.in_repair { mode.failed_at } else { Self::mode_clock(station, m, now) }
    }

    /// Renews mode `m` after a repair or maintenance that restores as `restores`: its virtual
    /// age keeps what `restores` leaves of the age gained since its last renewal (Kijima type I),
    /// and its next life, on its clock from now, is the law's remaining life at that age.
    fn renew(station: &mut StationNode, m: usize, now: u64, restores: Restoration) {
        let clock = Self::mode_clock(station, m, now);
        let gained =
            Self::aged_clock(station, m, now).saturating_sub(station.cold.modes[m].renewed_at);
        let mode = &mut station.cold.modes[m];
        let gained = match mode.clock {
            ModeClock::Cycles(_) => gained as f64,
            _ => secs(gained),
        };
        mode.virtual_age = match restores {
            Restoration::New => 0.0,
            Restoration::Old => mode.virtual_age + gained,
            Restoration::Fraction(f) => mode.virtual_age + (1.0 - f.clamp(0.0, 1.0)) * gained,
        };
        mode.renewed_at = clock;
        if let ModeClock::Cycles(n) = mode.clock {
            // A count is a fixed life: the cycles left of it after the virtual age.
            mode.due = clock + (n as f64 - mode.virtual_age).max(0.0).ceil() as u64;
            Self::set_detectable(station, m);
            return;
        }
        let life = if mode.virtual_age > 0.0 {
            mode.life.sample_residual(mode.virtual_age, &mut mode.life_stream)
        } else {
            mode.life.sample(&mut mode.life_stream)
        };
        mode.due = clock + ns(life);
        mode.armed = false;
        mode.generation = mode.generation.wrapping_add(1);
        Self::set_detectable(station, m);
    }

    pub(super) fn on_repair_done(&mut self, c: u32, m: u32) {
        let now = self.now;
        self.counters.repairs += 1;
        self.end_job(c);
        let station = self.station(c);
        station.touch(now);
        station.down -= 1;
        self.trace_mode(c, m, TraceKind::Repaired);
        let station = self.station(c);
        let restores = station.cold.modes[m as usize].restores;
        Self::renew(station, m as usize, now, restores);
        station.cold.modes[m as usize].in_repair = false;
        let renews_age = restores == Restoration::New
            && station.cold.preventive.as_ref().is_some_and(|pm| pm.age);
        if renews_age {
            // Age replacement: the renewal restarts the age, and a maintenance that fell due
            // during the repair is no longer due.
            let busy = station.busy_clock(now);
            let pm = station.cold.preventive.as_mut().expect("checked");
            pm.due = if pm.busy_clock { busy } else { now } + pm.every;
            pm.armed = false;
            pm.window_open = false;
            pm.generation = pm.generation.wrapping_add(1);
            station.maintenance_pending = false;
        }
        self.restart_after_stop(c);
        self.arm_all(c);
        if renews_age {
            self.arm_preventive(c);
        }
        self.station_changed(c);
    }

    /// A repair or maintenance of station `c` ended: unless another stop still holds it, the
    /// maintenance that fell due meanwhile starts, or else its servers resume.
    fn restart_after_stop(&mut self, c: u32) {
        let station = self.station(c);
        if station.stopped() {
            return;
        }
        if station.maintenance_pending {
            station.maintenance_pending = false;
            if self.begin_maintenance(c) {
                return;
            }
        }
        self.resume_servers(c);
    }

    pub(super) fn on_maintenance_due(&mut self, c: u32, generation: u32) {
        let now = self.now;
        let horizon = self.horizon;
        let station = self.station(c);
        let busy = station.busy_clock(now);
        let working = station.is_working();
        let Some(pm) = station.cold.preventive.as_mut() else { return };
        if pm.generation != generation {
            return;
        }
        pm.armed = false;
        let target = pm.target();
        if pm.busy_clock && busy < target {
            if working {
                pm.armed = true;
                let at = now + (target - busy);
                if at <= horizon {
                    self.queue.schedule(at, super::Kind::MaintenanceDue, c, 0, generation);
                }
            }
            return;
        }
        if target < pm.due {
            // Opportunistic maintenance's window opens: an idle station is maintained now, a
            // busy one at its next idle moment or at the due point, whichever comes first.
            pm.window_open = true;
            if station.is_occupied() {
                self.arm_preventive(c);
            } else {
                self.take_opportunity(c);
            }
            return;
        }
        if station.down > 0 {
            station.maintenance_pending = true;
            return;
        }
        self.begin_maintenance(c);
    }

    /// Starts a maintenance action; false when there is nothing to maintain (every mode a
    /// predictive action was planned for failed first).
    fn begin_maintenance(&mut self, c: u32) -> bool {
        let now = self.now;
        let station = self.station(c);
        if station.cold.predictive.is_some() && !Self::claim_detected(station) {
            return false;
        }
        station.touch(now);
        let was_stopped = station.stopped();
        station.maintaining = true;
        station.cold.maintenance_actions += 1;
        let takes = match (station.cold.preventive.as_mut(), station.cold.predictive.as_mut()) {
            (Some(pm), _) => ns(pm.takes.sample(&mut pm.stream)),
            (None, Some(pd)) => ns(pd.takes.sample(&mut pd.stream)),
            (None, None) => unreachable!("maintenance needs a plan"),
        };
        if !was_stopped {
            self.pause_servers(c);
        }
        self.start_job(c, super::crew::Job::Maintenance, takes);
        self.station_changed(c);
        true
    }

    pub(super) fn on_maintenance_done(&mut self, c: u32) {
        let now = self.now;
        self.end_job(c);
        let station = self.station(c);
        station.touch(now);
        station.maintaining = false;
        if station.cold.predictive.is_some() {
            self.end_predictive_action(c);
            return;
        }
        let pm = station.cold.preventive.as_ref().expect("maintenance needs a plan");
        let restores = pm.restores;
        let (every, busy_clock) = (pm.every, pm.busy_clock);
        if restores != Restoration::Old {
            for m in 0..station.cold.modes.len() {
                if !self.station(c).cold.modes[m].in_repair {
                    self.trace_mode(c, m as u32, TraceKind::Maintenance);
                    Self::renew(self.station(c), m, now, restores);
                }
            }
        }
        let station = self.station(c);
        let clock = if busy_clock { station.busy_clock(now) } else { now };
        let pm = station.cold.preventive.as_mut().expect("checked");
        pm.due = clock + every;
        pm.armed = false;
        pm.window_open = false;
        pm.generation = pm.generation.wrapping_add(1);
        if !station.stopped() {
            self.resume_servers(c);
        }
        self.arm_all(c);
        self.arm_preventive(c);
        self.station_changed(c);
    }

    /// The station stops: setups and processing pause with their remaining time.
    fn pause_servers(&mut self, c: u32) {
        let now = self.now;
        let station = self.station(c);
        for server in station.servers.iter_mut() {
            match server.state {
                ServerState::Busy => {
                    server.state = ServerState::PausedBusy;
                    station.working -= 1;
                }
                ServerState::Setup => {
                    server.state = ServerState::PausedSetup;
                    station.in_setup -= 1;
                }
                // Idle, loaded, blocked, or paused already: a maintenance that was due during
                // a repair starts as the repair ends, its servers still paused by the failure.
                _ => continue,
            }
            server.end = server.end.saturating_sub(now);
            server.generation = server.generation.wrapping_add(1);
            // Only work paused now is taken back as it was by a resumption at this instant.
            station.cold.stopped_at = now;
        }
    }

    /// The station is up again: paused work resumes, loaded parts start.
    ///
    /// After a stop of no time (a repair or maintenance that `takes = 0 s`) the work ends when it
    /// would have ended without it, and the event already scheduled for that end is taken back
    /// as it was, in its place among the events of that later instant. Scheduling a new event
    /// instead left the old one in the set, cancelled: a maintenance every microsecond that
    /// takes no time left 50 million of them at the end of a 50 s cycle, which tripped the
    /// zero-time guard (E0901) at that instant. Work due to end at the stop's own instant has
    /// ended before the stop, which comes due after the other events of its instant
    /// (`Kind::priority`); work of no time started at that instant and paused by the stop had
    /// its end event come up, cancelled, during the stop, and is scheduled again.
    fn resume_servers(&mut self, c: u32) {
        let (now, horizon) = (self.now, self.horizon);
        let (station, queue) = self.station_and_queue(c);
        let no_time = station.cold.stopped_at == now;
        for (s, server) in station.servers.iter_mut().enumerate() {
            let kind = match server.state {
                ServerState::PausedBusy => {
                    server.state = ServerState::Busy;
                    station.working += 1;
                    super::Kind::ProcessDone
                }
                ServerState::PausedSetup => {
                    server.state = ServerState::Setup;
                    station.in_setup += 1;
                    super::Kind::SetupDone
                }
                _ => continue,
            };
            server.end += now;
            if no_time && server.end > now {
                // Paused at this instant (`pause_servers` moved the generation on by one), its
                // event still pending if its end lies within the horizon: it is later than now.
                // (One due now has come up, cancelled, during the stop.)
                server.generation = server.generation.wrapping_sub(1);
                continue;
            }
            server.generation = server.generation.wrapping_add(1);
            if server.end <= horizon {
                queue.schedule(server.end, kind, c, s as u32, server.generation);
            }
        }
        // Loaded parts start after the paused ones resume, in server order.
        for s in 0..self.station(c).servers.len() {
            if self.station(c).servers[s].state == ServerState::Loaded {
                self.start_server(c, s);
            }
        }
    }

    /// A catastrophic failure scraps the parts in setup or processing (paused by the failure, or
    /// by the stop it struck during). The ideal work done on each in the observed period moves
    /// from the good work to `scrapped_work`.
    fn scrap_in_process(&mut self, c: u32) {
        let now = self.now;
        let station = self.station(c);
        let ideal_cycle = station.cold.ideal_cycle;
        let mut scrapped = 0;
        let mut holders = 0;
        for s in 0..station.servers.len() {
            let server = &mut station.servers[s];
            if matches!(server.state, ServerState::PausedBusy | ServerState::PausedSetup) {
                let work = server.work_done(now, ideal_cycle);
                server.generation = server.generation.wrapping_add(1);
                holders += u32::from(server.holding);
                server.holding = false;
                station.scrap_part(s, work);
                scrapped += 1;
            }
        }
        if scrapped > 0 {
            self.count_scrapped(c, scrapped);
        }
        // Each scrapped server gives back what it held.
        for _ in 0..holders {
            self.release_needs(c);
        }
    }

    /// A catastrophic failure counted in cycles scraps the part whose cycle brought it due: the
    /// part server `s` has just finished (not yet among the finished parts), whose completion is
    /// taken back. Nothing when another mode due at the same cycle scrapped it already.
    fn scrap_finished(&mut self, c: u32, s: u32) {
        let now = self.now;
        let station = self.station(c);
        station.touch(now);
        if station.servers[s as usize].state != ServerState::Blocked {
            return;
        }
        // Its completion credited a whole ideal cycle, less the share done before the warm-up.
        let work = station.cold.ideal_cycle;
        station.completions -= 1;
        station.blocked -= 1;
        station.scrap_part(s as usize, work);
        self.count_scrapped(c, 1);
    }

    /// `scrapped` parts of station `c` left the line (`StationNode::scrap_part`): counted for the
    /// line once the warm-up is over, out of the work in process, and the room they leave pulled
    /// into.
    fn count_scrapped(&mut self, c: u32, scrapped: u32) {
        let now = self.now;
        if now >= self.warmup {
            self.scrapped += u64::from(scrapped);
        }
        self.wip.add(now, -i64::from(scrapped));
        self.agenda.push(Op::Pull(c));
    }
}

impl StationNode {
    /// Server `s`'s part is scrapped after `work` s of ideal work in the observed period, counted
    /// with the share done before the warm-up (deducted here, with the part's carried work): the
    /// server is idle, and the station counts the part and its work as scrap. What a catastrophic
    /// failure and a cycle-counted one that scraps its part share.
    fn scrap_part(&mut self, s: usize, mut work: f64) {
        let server = &mut self.servers[s];
        if server.carried {
            // Never completed: its work before the warm-up is no longer to deduct.
            self.cold.carried_work -= self.cold.carried[s];
            work -= self.cold.carried[s];
            server.carried = false;
        }
        server.state = ServerState::Idle;
        self.idle += 1;
        self.cold.scrapped += 1;
        self.cold.scrapped_work += work;
    }

    /// The counts of the maintenance strategy since the last reset.
    pub(super) fn maintenance_detail(&self) -> crate::results::MaintenanceDetail {
        use crate::results::Stat;
        let opportunistic = self.cold.preventive.as_ref().is_some_and(|pm| pm.opportunistic);
        let forced = if opportunistic {
            self.cold.maintenance_actions.saturating_sub(self.cold.opportunistic_actions)
        } else {
            0
        };
        crate::results::MaintenanceDetail {
            inspections: Stat::single(self.cold.inspections as f64),
            detections: Stat::single(self.cold.detections as f64),
            opportunistic_actions: Stat::single(self.cold.opportunistic_actions as f64),
            forced_actions: Stat::single(forced as f64),
            crew_wait_s: Stat::single(secs(self.cold.crew_wait.total)),
            spare_wait_s: Stat::single(secs(self.cold.spare_wait.total)),
        }
    }
}

/// Costs of one station over the observed period.
pub(super) struct StationCosts {
    pub downtime: f64,
    pub repair: f64,
    pub preventive: f64,
    pub operating: f64,
    pub parts: f64,
}

impl StationNode {
    /// The station's costs, from its time down or in maintenance and its working server time
    /// (both s, over the observed period) and its counts.
    pub(super) fn cost_breakdown(&self, stopped_s: f64, working_s: f64) -> StationCosts {
        let c = &self.cold.costs;
        StationCosts {
            downtime: c.downtime_per_s * stopped_s,
            // Priced when the failure strikes, as a maintenance action is when it starts: the
            // cost of a repair under way at the horizon or the warm-up goes with its failure.
            repair: c.repair * self.cold.failures as f64,
            preventive: c.preventive * self.cold.maintenance_actions as f64
                + c.inspection * self.cold.inspections as f64,
            operating: c.operating_per_s * working_s,
            parts: c.per_part * self.completions as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    /// The layout `StationNode` documents: what a lean station reads at every event is in its
    /// first four cache lines.
    #[test]
    fn a_lean_station_reads_its_first_four_cache_lines() {
        assert_eq!(size_of::<StationNode>() % 64, 0);
        assert!(offset_of!(StationNode, busy_acc) + 8 <= 64);
        assert_eq!(offset_of!(StationNode, servers), 64);
        assert!(size_of::<Server>() <= 64);
        assert!(offset_of!(StationNode, completions) + 8 <= 192);
        assert!(offset_of!(StationNode, cycles_total) >= 192);
        // A lognormal's tag and three parameters.
        assert!(offset_of!(StationNode, cycle) + 32 <= 256);
    }
}
