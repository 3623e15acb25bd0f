//! Conveyors: the exact kinematics of every part, not a fixed delay.
//!
//! Parts enter at position 0 and leave at position `length`, moving at `speed`; a part may enter
//! only when the part before it has moved at least `spacing` along. That rule is about positions,
//! not a count, so a belt that moves freely carries `speed / spacing` parts per second whatever
//! `length / spacing` is. The accumulation limit `⌊length / spacing⌋` applies only while the front
//! part is at the exit: then no part enters while the belt holds that many, so parts queued at the
//! exit never exceed it (a part already on its way when the front stops stays on the belt).
//!
//! - A **non-accumulating** belt moves all its parts together. When the front part reaches the exit
//!   and no successor takes it, the whole belt stops until the part leaves. The belt is an
//!   odometer: a part's position is the distance the belt ran since the part entered.
//! - An **accumulating** (zero-pressure) conveyor stops only the parts that catch up with a stopped
//!   part; they queue `spacing` apart and start again the moment the part ahead moves. Each part's
//!   position is the smaller of its free-flow position and the position of the part ahead minus
//!   `spacing`, which is exact for parts that all move at one speed and stop and start instantly.
//!   So the front part reaches the exit at `max(entry + length/speed, previous departure +
//!   spacing/speed)`, and nothing but the front part needs an event.
//!
//! Belts start and stop instantly (`accel` is not simulated yet).
//!
//! # Cost
//!
//! What an event costs does not grow with the parts on the belt, so a run's cost grows with its
//! length, not its square. A non-accumulating belt needs only its front and last parts: O(1). On
//! an accumulating conveyor the last part's position and the time the entrance clears depend on
//! every part ahead (each holds back the parts behind it), so the parts that may bind are kept in
//! [`Holders`] as parts enter and leave (O(1) amortized a part), and an event looks at those
//! alone: O(1) for the position and O(log n) for each run of parts the clearing keeps, of which
//! there are one or two. The results are those of walking the whole belt, to the bit: where the
//! walk's own roundings decide which part binds, every part they may favour is kept, and the last
//! part's position is walked after all when it lies within the walk's rounding error of the
//! spacing the entrance needs (which the slack makes all but impossible).

use super::{At, Op, Part, RunError, Sim};
use crate::model::{Component, Conveyor};
use crate::stats::{DurationMean, TimeWeightedCount};
use crate::time::{NS_PER_S, ns_up, secs};
use std::collections::VecDeque;

/// Positions closer than this (m) count as equal: event times are rounded to whole nanoseconds.
/// A belt's own slack is smaller still when its spacing is short (`ConveyorNode::slack`).
const SLACK_M: f64 = 1e-6;

/// The share of the spacing below which positions count as equal: a slack must stay a small part
/// of the gap it forgives, or a spacing of a micrometre or less would admit every part at once.
const SLACK_OF_SPACING: f64 = 1e-3;

#[derive(Clone, Copy, Debug)]
struct Carried {
    part: Part,
    /// When it entered, ns.
    entry: u64,
    /// The belt's odometer when it entered, m (non-accumulating belts).
    odometer: f64,
    /// When it reaches the exit, ns (accumulating conveyors, set once it is the front part).
    arrival: u64,
}

/// The parts of an accumulating conveyor that may hold its last part back. Parts are numbered
/// from 0 as they enter; the part numbered `n` is `k = entered − n` parts from the end of the belt,
/// itself included. Each part joins and leaves each queue once, so keeping them costs O(1)
/// amortized a part.
///
/// - **By position** ([`Holders::behind`]): the last part is no further along than any part ahead
///   of it, less a spacing per part between them (the walk's recursion, unrolled). Free parts move
///   alike, so a part `n` that entered at least `n − o` spacings' travel time after an older part
///   `o` holds the last part back at least as much as `o` for good. `behind` keeps, oldest first,
///   the parts no newer part outdoes so (a monotone queue): the first holds back most.
/// - **By time** ([`Holders::runs`]): the entrance clears once every part has moved `k` spacings,
///   at `entry + spacings_ns(k)`, and `spacings_ns(k)` rounds each `k · gap` up on its own, so it
///   is not always `k` times one spacing's nanoseconds (`3 × 0.1 s` rounds to 300,000,001 ns,
///   `0.1 s` to 100,000,000). Which part binds may then turn on a nanosecond of rounding, as it
///   did in the walk, and parts that entered exactly one spacing (`gap_ns`) apart, as a fed belt's
///   do, tie but for it. So such parts are kept as a [`Run`]: part `n` of a run entered at
///   `level + n · gap_ns`, its clearing is `level + entered · gap_ns + r(k)` with
///   `r(k) = spacings_ns(k) − k · gap_ns`, and the run's is that with the greatest `r` over its
///   parts' `k` ([`Roundings`]). A run is dropped once a newer part must clear after every part
///   of it whatever the rounding; the few left are those within a rounding error of binding.
#[derive(Default)]
struct Holders {
    /// Parts that have entered so far: the next part's number.
    entered: u64,
    behind: VecDeque<u64>,
    runs: VecDeque<Run>,
    roundings: Roundings,
}

impl Holders {
    /// The number of the front part, when the belt carries `m` parts.
    fn first(&self, m: usize) -> u64 {
        self.entered - m as u64
    }

    /// The front part left; `m` parts remain.
    fn leave(&mut self, m: usize) {
        let n = self.first(m) - 1;
        if self.behind.front() == Some(&n) {
            self.behind.pop_front();
        }
        if let Some(run) = self.runs.front_mut()
            && run.first == n
        {
            run.first += 1;
            if run.first > run.last {
                self.runs.pop_front();
            }
        }
    }
}

/// Parts `first` to `last` (by number), part `n` having entered at `level + n · gap_ns` ns.
#[derive(Clone, Copy, Debug)]
struct Run {
    level: i128,
    first: u64,
    last: u64,
}

/// `r(k) = spacings_ns(k) − k · gap_ns` for `k` from 1 as far as the belt has carried parts, with
/// the greatest of every aligned block of 2, 4, 8, … values, so that the greatest over any range
/// of `k` takes O(log k). Appending keeps the blocks in O(1) amortized.
#[derive(Default)]
struct Roundings {
    /// `blocks[j][i]`: the greatest `r(k)` for `k − 1` from `i · 2ʲ` to `(i + 1) · 2ʲ − 1`.
    blocks: Vec<Vec<i128>>,
}

impl Roundings {
    /// How many `k` are known.
    fn len(&self) -> u64 {
        self.blocks.first().map_or(0, |values| values.len() as u64)
    }

    /// Appends `r(len + 1)`.
    fn push(&mut self, r: i128) {
        let mut value = r;
        for j in 0.. {
            if self.blocks.len() == j {
                self.blocks.push(Vec::new());
            }
            let level = &mut self.blocks[j];
            level.push(value);
            if level.len() % 2 == 1 {
                break;
            }
            value = level[level.len() - 2].max(value);
        }
    }

    /// The greatest `r(k)` for `k` from `low` to `high` (1 ≤ low ≤ high ≤ len).
    fn greatest(&self, low: u64, high: u64) -> i128 {
        let (mut from, to) = ((low - 1) as usize, high as usize);
        let mut greatest = i128::MIN;
        while from < to {
            // The largest aligned block that starts at `from` and ends by `to`.
            let mut j = (from.trailing_zeros() as usize).min(self.blocks.len() - 1);
            while 1 << j > to - from {
                j -= 1;
            }
            greatest = greatest.max(self.blocks[j][from >> j]);
            from += 1 << j;
        }
        greatest
    }
}

pub(super) struct ConveyorNode {
    length: f64,
    speed: f64,
    spacing: f64,
    /// Positions closer than this (m) count as equal: `SLACK_M`, or a thousandth of the spacing
    /// when that is less.
    slack: f64,
    accumulating: bool,
    capacity: u64,
    /// The time one spacing takes, `spacing / speed`, s.
    gap: f64,
    /// One spacing as the entrance's clearing counts it: `ns_up(gap)`.
    gap_ns: u64,
    /// How far `spacings_ns(k)` may be from `k · gap` in nanoseconds (its roundings) for any `k`
    /// the entrance's clearing is computed for; infinite when that is not bounded.
    rounding_ns: f64,
    parts: VecDeque<Carried>,
    /// Accumulating conveyors: the parts that may hold the last one back.
    holders: Holders,
    /// The front part has reached the exit and waits to leave.
    at_exit: bool,
    // Non-accumulating belt.
    odometer: f64,
    odometer_time: u64,
    running: bool,
    // Accumulating conveyor: when the last front part left.
    last_departure: Option<u64>,
    exit_generation: u32,
    entrance_generation: u32,
    // Statistics.
    pub(super) content: TimeWeightedCount,
    pub(super) transit: DurationMean,
    blocked_since: Option<u64>,
    blocked_ns: u64,
    observed_from: u64,
}

impl ConveyorNode {
    pub(super) fn new(component: &Component, conveyor: &Conveyor) -> Result<Self, RunError> {
        if !(conveyor.speed > 0.0 && conveyor.length > 0.0) {
            return Err(RunError::Unsupported {
                component: component.name.clone(),
                what: "a conveyor without positive length and speed".into(),
                why: "a part would cross it in no time or never",
                help: "Give the conveyor a `length` and a `speed` above zero.",
            });
        }
        let spacing = conveyor.spacing.max(0.0);
        let slack = SLACK_M.min(spacing * SLACK_OF_SPACING);
        let gap = spacing / conveyor.speed;
        // The clearing is computed only while `m · spacing ≤ length + slack`, so for fewer than
        // `most` spacings. Rounding k, k · gap and that by 10⁹ errs by under 3 units in the last
        // place; twice the machine epsilon is 4.
        let most = ((conveyor.length + slack) / spacing).floor() + 2.0;
        let rounding_ns = most * gap * NS_PER_S * 2.0 * f64::EPSILON;
        Ok(ConveyorNode {
            length: conveyor.length,
            speed: conveyor.speed,
            spacing,
            slack,
            accumulating: conveyor.accumulating,
            capacity: conveyor.capacity().max(1),
            gap,
            gap_ns: ns_up(gap),
            // 0 · ∞ when there is no spacing: nothing to round.
            rounding_ns: if gap == 0.0 { 0.0 } else { rounding_ns },
            parts: VecDeque::new(),
            holders: Holders::default(),
            at_exit: false,
            odometer: 0.0,
            odometer_time: 0,
            running: true,
            last_departure: None,
            exit_generation: 0,
            entrance_generation: 0,
            content: TimeWeightedCount::new(0),
            transit: DurationMean::default(),
            blocked_since: None,
            blocked_ns: 0,
            observed_from: 0,
        })
    }

    fn odometer_at(&self, now: u64) -> f64 {
        if self.running {
            self.odometer + self.speed * secs(now - self.odometer_time)
        } else {
            self.odometer
        }
    }

    /// The position of the last part to enter, m from the entrance (infinite when empty), by
    /// walking the belt from the front: each part is where it would be moving freely, or `spacing`
    /// behind the part ahead if that is less. O(parts) on an accumulating conveyor, so events use
    /// it there only when [`ConveyorNode::last_position_estimate`] cannot settle what they ask.
    fn walked_last_position(&self, now: u64) -> f64 {
        if !self.accumulating {
            return match self.parts.back() {
                Some(last) => self.odometer_at(now) - last.odometer,
                None => f64::INFINITY,
            };
        }
        let mut ahead = f64::INFINITY;
        for (k, carried) in self.parts.iter().enumerate() {
            let free = self.speed * secs(now.saturating_sub(carried.entry));
            let mut position = free.min(ahead - self.spacing);
            if k == 0 {
                position = self.front_position(now);
            }
            ahead = position;
        }
        ahead
    }

    /// Where the front part of an accumulating conveyor is (infinite when there is none): at the
    /// exit, or where it would be moving freely unless it is held back to arrive at `arrival`.
    fn front_position(&self, now: u64) -> f64 {
        let Some(front) = self.parts.front() else { return f64::INFINITY };
        if self.at_exit {
            return self.length;
        }
        let free = self.speed * secs(now.saturating_sub(front.entry));
        let to_go = self.speed * secs(front.arrival.saturating_sub(now));
        free.min(self.length - to_go)
    }

    /// The last part's position on an accumulating conveyor carrying two parts or more, in O(1),
    /// and a bound on how far [`ConveyorNode::walked_last_position`] may be from it.
    ///
    /// Unrolled, the walk gives the least of the front's position less `m − 1` spacings and of
    /// every other part's free position less a spacing per part behind it; the first part of
    /// [`Holders::behind`] other than the front gives the least. The walk subtracts a spacing at a
    /// time, rounding each time, and `behind` was ordered by rounded comparisons: each errs by a
    /// few units in the last place of the farthest position from 0 the walk passes.
    fn last_position_estimate(&self, now: u64) -> (f64, f64) {
        let m = self.parts.len();
        let behind = &self.holders.behind;
        let n = if behind[0] == self.holders.first(m) { behind[1] } else { behind[0] };
        let free = self.speed * secs(now.saturating_sub(self.carried(n).entry));
        let k = self.holders.entered - n;
        let front = self.front_position(now);
        let estimate =
            (front - (m - 1) as f64 * self.spacing).min(free - (k - 1) as f64 * self.spacing);
        // The part behind the front is the farthest along of the free positions.
        let second = self.speed * secs(now.saturating_sub(self.parts[1].entry));
        let reach = front.abs().max(second) + (m + 1) as f64 * self.spacing;
        (estimate, 8.0 * (m + 2) as f64 * f64::EPSILON * reach)
    }

    pub(super) fn can_accept(&self, now: u64) -> bool {
        !self.full(now) && self.last_part_moved_on(now)
    }

    /// The last part has moved `spacing` along (less the slack), or the belt is empty.
    fn last_part_moved_on(&self, now: u64) -> bool {
        let needed = self.spacing - self.slack;
        if !self.accumulating || self.parts.len() < 2 {
            return self.walked_last_position(now) >= needed;
        }
        let (estimate, error) = self.last_position_estimate(now);
        if estimate - error >= needed {
            true
        } else if estimate + error < needed {
            false
        } else {
            self.walked_last_position(now) >= needed
        }
    }

    /// The accumulation limit holds: the belt carries `capacity` parts or more and its front part
    /// is at the exit. "At the exit" allows the rounding slack of every gap behind it, so that a
    /// part the positions admit with a whole `length / spacing` is refused whatever the order of
    /// the front's arrival and the entrance's clearing in one instant.
    fn full(&self, now: u64) -> bool {
        let m = self.parts.len() as u64;
        if m < self.capacity {
            return false;
        }
        if self.at_exit {
            return true;
        }
        let Some(front) = self.parts.front() else { return false };
        let position = if self.accumulating {
            self.front_position(now)
        } else {
            self.odometer_at(now) - front.odometer
        };
        position >= self.length - (m + 1) as f64 * self.slack
    }

    /// The front part and when the belt came to its standstill, if it can take no part until
    /// the front one leaves and that part waits at the exit (see `deadlock.rs`): no room at the
    /// entrance now, and none coming by the parts' own motion. A belt whose parts still move up
    /// to free the entrance is not stuck yet. It stopped changing when its last part entered or
    /// when the front part reached the exit (a non-accumulating belt stopped then), whichever was
    /// later: from then on no part entered, and the entrance stayed closed.
    pub(super) fn standstill(&self, now: u64) -> Option<(Part, u64)> {
        if !self.at_exit || self.can_accept(now) || self.entrance_clear(now).is_some() {
            return None;
        }
        let front = self.parts.front()?;
        let at_exit = if self.accumulating { front.arrival } else { self.odometer_time };
        Some((front.part, at_exit.max(self.parts.back()?.entry)))
    }

    pub(super) fn outgoing(&self) -> Option<Part> {
        if self.at_exit { self.parts.front().map(|c| c.part) } else { None }
    }

    pub(super) fn reset_statistics(&mut self, now: u64) {
        self.content.reset(now);
        self.transit = DurationMean::default();
        self.blocked_ns = 0;
        if self.blocked_since.is_some() {
            self.blocked_since = Some(now);
        }
        self.observed_from = now;
    }

    /// Share of the observed time the exit was blocked.
    pub(super) fn blocked_share(&self, now: u64) -> f64 {
        let blocked = self.blocked_ns + self.blocked_since.map_or(0, |since| now - since);
        let observed = now - self.observed_from;
        if observed == 0 { 0.0 } else { blocked as f64 / observed as f64 }
    }

    /// When the front part reaches the exit, if it is moving.
    fn front_arrival(&self, now: u64) -> Option<u64> {
        let front = self.parts.front()?;
        if self.at_exit {
            return None;
        }
        if self.accumulating {
            Some(front.arrival)
        } else if self.running {
            let to_go = front.odometer + self.length - self.odometer_at(now);
            Some(now + ns_up(to_go / self.speed))
        } else {
            None
        }
    }

    /// When the entrance clears for the next part, if it will without a departure.
    ///
    /// With the belt at its accumulation limit, not when the front part will be at the exit by
    /// then: the departure pulls the next part, and no useless event is scheduled.
    fn entrance_clear(&self, now: u64) -> Option<u64> {
        let at = self.entrance_clear_by_position(now)?;
        if (self.parts.len() as u64) >= self.capacity && self.full(at) { None } else { Some(at) }
    }

    /// When the last part will have moved `spacing` along, if it will without a departure.
    fn entrance_clear_by_position(&self, now: u64) -> Option<u64> {
        if self.parts.is_empty() || self.can_accept(now) {
            return None; // clear already (or full: a departure will pull)
        }
        if self.full(now) {
            return None; // a departure will pull
        }
        if !self.accumulating {
            if !self.running {
                return None;
            }
            let last = self.parts.back()?;
            let to_go = last.odometer + self.spacing - self.odometer_at(now);
            return Some(now + ns_up(to_go / self.speed));
        }
        let m = self.parts.len();
        // Every part j (front = 0) must have moved (m − j + 1) spacings along.
        if m as f64 * self.spacing > self.length + self.slack {
            return None;
        }
        let mut at = self.spaced_out();
        let front = self.parts.front()?;
        if !self.at_exit {
            let slack = (self.length - m as f64 * self.spacing) / self.speed;
            at = at.max(front.arrival.saturating_sub(ns_up(slack).saturating_sub(1)));
        }
        Some(at.max(now))
    }
}

impl Sim<'_> {
    fn conveyor(&mut self, c: u32) -> &mut ConveyorNode {
        match self.at(c) {
            At::Conveyor(i) => &mut self.conveyors[i],
            _ => unreachable!("component {c} is not a conveyor"),
        }
    }

    /// Schedules the front part's exit and the entrance's clearing, cancelling older ones.
    fn conveyor_schedule(&mut self, c: u32) {
        let now = self.now;
        let horizon = self.horizon;
        let conveyor = self.conveyor(c);
        conveyor.exit_generation = conveyor.exit_generation.wrapping_add(1);
        conveyor.entrance_generation = conveyor.entrance_generation.wrapping_add(1);
        let exit = conveyor.front_arrival(now).map(|t| (t, conveyor.exit_generation));
        let entrance = conveyor.entrance_clear(now).map(|t| (t, conveyor.entrance_generation));
        if let Some((t, generation)) = exit
            && t <= horizon
        {
            self.queue.schedule(t, super::Kind::ConveyorExit, c, 0, generation);
        }
        if let Some((t, generation)) = entrance
            && t <= horizon
        {
            self.queue.schedule(t, super::Kind::ConveyorEntrance, c, 0, generation);
        }
    }

    pub(super) fn conveyor_enter(&mut self, c: u32, part: Part) {
        let now = self.now;
        self.conveyor(c).enter(part, now);
        self.conveyor_schedule(c);
    }

    pub(super) fn on_conveyor_exit(&mut self, c: u32, generation: u32) {
        let conveyor = self.conveyor(c);
        if conveyor.exit_generation != generation || conveyor.parts.is_empty() {
            return;
        }
        conveyor.at_exit = true;
        let mut part = conveyor.parts.front().expect("checked").part;
        self.choose_target(c, &mut part);
        if let Some(front) = self.conveyor(c).parts.front_mut() {
            front.part = part;
        }
        self.offer(c);
    }

    pub(super) fn on_conveyor_entrance(&mut self, c: u32, generation: u32) {
        if self.conveyor(c).entrance_generation == generation {
            self.agenda.push(Op::Pull(c));
        }
    }

    /// The front part leaves: the belt runs again, the next part heads for the exit.
    pub(super) fn conveyor_release(&mut self, c: u32) -> Part {
        let now = self.now;
        let part = self.conveyor(c).leave(now);
        self.conveyor_schedule(c);
        self.agenda.push(Op::Pull(c));
        part
    }

    /// The exit became blocked or free: a non-accumulating belt stops or may run again.
    pub(super) fn conveyor_blocked_changed(&mut self, c: u32) {
        let now = self.now;
        let blocked = self.links[c as usize].blocked;
        let conveyor = self.conveyor(c);
        if blocked && conveyor.at_exit {
            if conveyor.blocked_since.is_none() {
                conveyor.blocked_since = Some(now);
            }
            if !conveyor.accumulating && conveyor.running {
                conveyor.odometer = conveyor.odometer_at(now);
                conveyor.odometer_time = now;
                conveyor.running = false;
                // The entrance may clear at this very instant (the last part has moved `spacing`
                // as the front reaches the exit): rescheduling cancels that entrance event, and
                // a stopped belt schedules none, so the part waiting there is pulled now.
                let clear = conveyor.can_accept(now);
                self.conveyor_schedule(c);
                if clear {
                    self.agenda.push(Op::Pull(c));
                }
            }
        } else if !blocked && let Some(since) = conveyor.blocked_since.take() {
            conveyor.blocked_ns += now - since;
        }
    }
}

impl ConveyorNode {
    /// A part enters at `now`.
    fn enter(&mut self, part: Part, now: u64) {
        let odometer = self.odometer_at(now);
        let mut carried = Carried { part, entry: now, odometer, arrival: 0 };
        if self.parts.is_empty() && self.accumulating {
            carried.arrival = self.first_arrival(now, now);
        }
        self.parts.push_back(carried);
        self.content.add(now, 1);
        if self.accumulating {
            self.hold_back();
        }
    }

    /// The front part leaves at `now`: the belt runs again, the next part heads for the exit.
    fn leave(&mut self, now: u64) -> Part {
        let carried = self.parts.pop_front().expect("a conveyor offers only its front part");
        self.at_exit = false;
        self.content.add(now, -1);
        self.transit.push(now - carried.entry);
        if !self.running {
            self.odometer_time = now;
            self.running = true;
        }
        self.last_departure = Some(now);
        if self.accumulating {
            self.holders.leave(self.parts.len());
            if let Some(entry) = self.parts.front().map(|f| f.entry) {
                let arrival = self.first_arrival(entry, now);
                self.parts.front_mut().expect("checked").arrival = arrival;
            }
        }
        carried.part
    }

    /// The part numbered `n` (see [`Holders`]), which must be on the belt.
    fn carried(&self, n: u64) -> &Carried {
        &self.parts[(n - self.holders.first(self.parts.len())) as usize]
    }

    /// The nanoseconds `k` spacings take as the entrance's clearing counts them: `k · gap`
    /// rounded up on its own for every `k` (so not always `k` times one spacing's).
    fn spacings_ns(&self, k: u64) -> u64 {
        ns_up(k as f64 * self.gap)
    }

    /// When every part will have moved as many spacings as there are parts from it to the end of
    /// the belt, itself included: the latest `entry + spacings_ns(k)` of all parts, from the runs
    /// in [`Holders::runs`], each in O(log k).
    fn spaced_out(&self) -> u64 {
        let entered = self.holders.entered;
        let base = i128::from(entered) * i128::from(self.gap_ns);
        let roundings = &self.holders.roundings;
        let latest = self.holders.runs.iter().map(|run| {
            run.level + base + roundings.greatest(entered - run.last, entered - run.first)
        });
        // Each is some part's `entry + spacings_ns(k)`, a u64.
        latest.max().map_or(0, |at| at as u64)
    }

    /// Numbers the part that just entered an accumulating conveyor and adds it to the holders,
    /// dropping those it outdoes for good.
    fn hold_back(&mut self) {
        let n = self.holders.entered;
        self.holders.entered += 1;
        let entry = self.carried(n).entry;
        // By position: it entered at least (n − o) spacings' travel time after part o.
        while let Some(&o) = self.holders.behind.back()
            && self.speed * secs(entry - self.carried(o).entry) >= (n - o) as f64 * self.spacing
        {
            self.holders.behind.pop_back();
        }
        self.holders.behind.push_back(n);
        // By time: one spacing after the last part to enter continues its run.
        let level = i128::from(entry) - i128::from(n) * i128::from(self.gap_ns);
        let extends = self.holders.runs.back().is_some_and(|run| run.level == level);
        let keep = usize::from(extends);
        while self.holders.runs.len() > keep {
            let before = self.holders.runs.len() - 1 - keep;
            let run = self.holders.runs[before];
            if !(self.clears_after_for_good(n, run.first)
                && self.clears_after_for_good(n, run.last))
            {
                break;
            }
            self.holders.runs.remove(before);
        }
        match self.holders.runs.back_mut() {
            Some(run) if extends => run.last = n,
            _ => self.holders.runs.push_back(Run { level, first: n, last: n }),
        }
        // The roundings of every `k` up to the parts on the belt.
        while self.holders.roundings.len() < self.parts.len() as u64 {
            let k = self.holders.roundings.len() + 1;
            let r = i128::from(self.spacings_ns(k)) - i128::from(k) * i128::from(self.gap_ns);
            self.holders.roundings.push(r);
        }
    }

    /// Part `n` (entered after part `o`) needs at least as long as `o` for every count of spacings
    /// the clearing may ask of them, however each count rounds: it entered later than `o` by
    /// `(n − o) · gap` and twice the rounding bound, after the error of this very sum.
    ///
    /// `spacings_ns(k)` is within `rounding_ns` of `k · gap`, so `entry + spacings_ns(k)` is within
    /// it of `entry − n · gap + entered · gap` for every `k`, and rounding up to whole nanoseconds
    /// (and the clock's cap) keeps the order.
    fn clears_after_for_good(&self, n: u64, o: u64) -> bool {
        let waited = (self.carried(n).entry - self.carried(o).entry) as f64;
        let spacings = (n - o) as f64 * self.gap * NS_PER_S;
        let error = 2.0 * f64::EPSILON * (waited + spacings);
        waited - spacings - error >= 2.0 * self.rounding_ns
    }

    /// When a part that entered at `entry` and is now the front part reaches the exit.
    fn first_arrival(&self, entry: u64, now: u64) -> u64 {
        let free = entry + ns_up(self.length / self.speed);
        let queued = self.last_departure.map_or(0, |d| d + ns_up(self.spacing / self.speed));
        free.max(queued).max(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ComponentKind, Routing};
    use crate::test_data::Lcg;

    fn accumulating(length: f64, speed: f64, spacing: f64) -> ConveyorNode {
        let conveyor = Conveyor { length, speed, spacing, accumulating: true, accel: None };
        let component = Component {
            name: "belt".into(),
            kind: ComponentKind::Conveyor(conveyor.clone()),
            routing: Routing::FirstAvailable,
            at: None,
        };
        ConveyorNode::new(&component, &conveyor).unwrap()
    }

    /// The entrance's clearing as it was computed before `Holders`: every part's own term.
    fn walked_spaced_out(belt: &ConveyorNode) -> u64 {
        let m = belt.parts.len();
        let mut at = 0u64;
        for (j, carried) in belt.parts.iter().enumerate() {
            at = at.max(carried.entry + ns_up((m - j) as f64 * belt.gap));
        }
        at
    }

    /// `entrance_clear` as it was before `Holders`, walking the belt for the last part's position
    /// and for the clearing.
    fn walked_entrance_clear(belt: &ConveyorNode, now: u64) -> Option<u64> {
        let can_accept =
            |t: u64| !belt.full(t) && belt.walked_last_position(t) >= belt.spacing - belt.slack;
        if belt.parts.is_empty() || can_accept(now) || belt.full(now) {
            return None;
        }
        let m = belt.parts.len();
        if m as f64 * belt.spacing > belt.length + belt.slack {
            return None;
        }
        let mut at = walked_spaced_out(belt);
        let front = belt.parts.front()?;
        if !belt.at_exit {
            let slack = (belt.length - m as f64 * belt.spacing) / belt.speed;
            at = at.max(front.arrival.saturating_sub(ns_up(slack).saturating_sub(1)));
        }
        let at = at.max(now);
        if (m as u64) >= belt.capacity && belt.full(at) { None } else { Some(at) }
    }

    /// Runs an accumulating belt fed by a source and emptied by a station that holds its exit
    /// for a while now and then, as the engine does (enter when the entrance is clear, reach the
    /// exit when the front arrives, leave when released), and at every event and at times in
    /// between checks the belt's answers against the walks: the last part's clearance, the
    /// clearing, and so the event times the engine would schedule.
    fn run_against_the_walk(length: f64, speed: f64, spacing: f64, seed: u64, events: usize) {
        let mut belt = accumulating(length, speed, spacing);
        let mut draw = Lcg(seed);
        let gap_ns = belt.gap_ns.max(1) as f64;
        let transit_ns = length / speed * 1e9;
        let part = Part { created: 0, entered: 0, product: 0, target: 0 };
        let (mut now, mut arrival, mut waiting, mut release) = (0u64, 0u64, false, None);
        let (mut most, mut walked) = (0usize, 0usize);
        for event in 0..events {
            // Feed: back to back for a while, then sparse; the exit: mostly free, at times held.
            let feed = (event / 500) % 3;
            let exit = belt.front_arrival(now).filter(|_| !belt.at_exit);
            let entrance = if waiting { belt.entrance_clear(now) } else { None };
            assert_eq!(entrance, if waiting { walked_entrance_clear(&belt, now) } else { None });
            let next = [(!waiting).then_some(arrival), exit, entrance, release]
                .into_iter()
                .flatten()
                .min();
            let Some(next) = next else { break };
            // In between, and at the event.
            for t in [now + (next - now) / 3, next.saturating_sub(1).max(now), next] {
                let walked_accept =
                    !belt.full(t) && belt.walked_last_position(t) >= belt.spacing - belt.slack;
                assert_eq!(belt.can_accept(t), walked_accept, "belt {length} {speed} {spacing}");
                if belt.parts.len() >= 2 {
                    let (estimate, error) = belt.last_position_estimate(t);
                    let walk = belt.walked_last_position(t);
                    assert!((estimate - walk).abs() <= error, "{estimate} {walk} {error}");
                    let needed = belt.spacing - belt.slack;
                    if (estimate - needed).abs() <= error {
                        walked += 1;
                    }
                }
            }
            now = next;
            if release == Some(now) {
                belt.leave(now);
                release = None;
            }
            if exit == Some(now) {
                belt.at_exit = true;
                let r = draw.uniform();
                let hold = if r < 0.8 {
                    0.0
                } else if r < 0.97 {
                    r * gap_ns
                } else {
                    r * transit_ns
                };
                release = Some(now + hold as u64);
            }
            if !waiting && arrival == now {
                waiting = true;
            }
            if waiting && belt.can_accept(now) {
                belt.enter(part, now);
                waiting = false;
                let r = draw.uniform();
                let wait = match feed {
                    0 => 0.0,
                    1 => r * 3.0 * gap_ns,
                    _ => -libm::log(1.0 - r) * 1.2 * gap_ns,
                };
                arrival = now + wait as u64;
            }
            let m = belt.parts.len();
            if m > 0 && m as f64 * belt.spacing <= belt.length + belt.slack {
                assert_eq!(
                    belt.spaced_out(),
                    walked_spaced_out(&belt),
                    "belt {length} {speed} {spacing}"
                );
            }
            most = most.max(belt.holders.runs.len());
        }
        // The walk is a fallback for positions within a rounding error of the spacing, and the
        // runs kept are those within a rounding error of binding: one or two.
        assert!(walked * 100 <= events, "walked {walked} times in {events} events");
        assert!(most <= 4, "{most} runs within a rounding error of binding");
    }

    #[test]
    fn an_accumulating_conveyor_gives_what_walking_the_belt_gives() {
        // Spacings whose multiples round each their own way (0.1 s: 3 spacings are 300,000,001 ns,
        // 0.8 s, 1 ms, 0.10333… s), that round exactly (1 s, 3.75 s, 0.3 s), and that never meet
        // a whole nanosecond (1.33… s); belts of a few parts to 4,000, and a 0.7 m belt that
        // holds 7.
        let belts = [
            (2.0, 0.5, 0.05),
            (200.0, 0.5, 0.05),
            (1.24, 0.3, 0.031),
            (12.0, 0.5, 0.4),
            (2.0, 1.0, 0.001),
            (30.0, 1.0, 0.3),
            (10.0, 1.0, 1.0),
            (12.0, 0.4, 1.5),
            (4.0, 0.3, 0.4),
            (0.7, 1.0, 0.1),
            (1e-3, 1e-3, 1e-6),
        ];
        for (i, &(length, speed, spacing)) in belts.iter().enumerate() {
            run_against_the_walk(length, speed, spacing, 17 + i as u64, 20_000);
        }
        let mut draw = Lcg(5);
        for seed in 0..20 {
            let length = 1.0 + 49.0 * draw.uniform();
            let speed = 0.1 + 2.9 * draw.uniform();
            let spacing = length / (1.5 + 300.0 * draw.uniform());
            run_against_the_walk(length, speed, spacing, seed, 5_000);
        }
    }

    #[test]
    fn a_part_that_binds_by_a_nanosecond_of_rounding_is_kept() {
        // One spacing of 0.031 m at 0.3 m/s takes 0.10333… s, 103,333,334 ns as counted. Part 3
        // enters 310,000,000 ns after part 0: later than 3 spacings by 2·10⁻⁹ ns, less than any
        // rounding bound, and not on part 0's run (3 spacings count 310,000,002). With 39 parts
        // on the belt, part 3 must move 36 spacings, 3,720,000,000 ns, so it clears at
        // 4,030,000,000; part 0 must move 39, which are 4.02999999999999997 s but count
        // 4,030,000,001 ns (39 · 0.10333… rounds to 4.03, and that times 10⁹ to a hair above
        // 4,030,000,000). Part 0 binds, by that nanosecond, as it did in the walk.
        let mut belt = accumulating(1.24, 0.3, 0.031);
        let part = Part { created: 0, entered: 0, product: 0, target: 0 };
        for entry in [0, 1, 2, 310_000_000] {
            belt.enter(part, entry);
        }
        for _ in 4..39 {
            belt.enter(part, 310_000_000);
        }
        assert_eq!(belt.gap_ns, 103_333_334);
        assert_eq!(walked_spaced_out(&belt), 4_030_000_001);
        assert_eq!(belt.spaced_out(), 4_030_000_001);
    }

    #[test]
    fn a_last_part_within_rounding_of_the_spacing_is_walked() {
        // A 10 m belt at 1 m/s, 1 m spacing: the entrance needs the last part 1 m − 1 µm along.
        // Part 1 entered 1 s after part 0; 1.999999 s after part 0 it is 0.999999 m along, and
        // part 0 one spacing ahead: the estimate is the spacing needed, within its error, so the
        // belt is walked. A nanosecond earlier it is 10⁻⁹ m short, which the estimate settles.
        let mut belt = accumulating(10.0, 1.0, 1.0);
        let part = Part { created: 0, entered: 0, product: 0, target: 0 };
        belt.enter(part, 0);
        belt.enter(part, 1_000_000_000);
        let needed = belt.spacing - belt.slack;
        let at = 1_999_999_000;
        let (estimate, error) = belt.last_position_estimate(at);
        assert!((estimate - needed).abs() <= error, "{estimate} {needed} {error}");
        assert_eq!(belt.can_accept(at), belt.walked_last_position(at) >= needed);
        let (estimate, error) = belt.last_position_estimate(at - 1);
        assert!(estimate + error < needed, "{estimate} {needed} {error}");
        assert!(!belt.can_accept(at - 1));
    }
}
