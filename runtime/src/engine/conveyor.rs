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

use super::{At, Op, Part, RunError, Sim};
use crate::model::{Component, Conveyor};
use crate::stats::{DurationMean, TimeWeightedCount};
use crate::time::{ns_up, secs};
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

pub(super) struct ConveyorNode {
    length: f64,
    speed: f64,
    spacing: f64,
    /// Positions closer than this (m) count as equal: `SLACK_M`, or a thousandth of the spacing
    /// when that is less.
    slack: f64,
    accumulating: bool,
    capacity: u64,
    parts: VecDeque<Carried>,
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
            });
        }
        Ok(ConveyorNode {
            length: conveyor.length,
            speed: conveyor.speed,
            spacing: conveyor.spacing.max(0.0),
            slack: SLACK_M.min(conveyor.spacing.max(0.0) * SLACK_OF_SPACING),
            accumulating: conveyor.accumulating,
            capacity: conveyor.capacity().max(1),
            parts: VecDeque::new(),
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

    /// The position of the last part to enter, m from the entrance (infinite when empty).
    fn last_position(&self, now: u64) -> f64 {
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

    pub(super) fn can_accept(&self, now: u64) -> bool {
        !self.full(now) && self.last_position(now) >= self.spacing - self.slack
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
        let gap = self.spacing / self.speed;
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
        let mut at = 0u64;
        for (j, carried) in self.parts.iter().enumerate() {
            at = at.max(carried.entry + ns_up((m - j) as f64 * gap));
        }
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
        if self.accumulating
            && let Some(entry) = self.parts.front().map(|f| f.entry)
        {
            let arrival = self.first_arrival(entry, now);
            self.parts.front_mut().expect("checked").arrival = arrival;
        }
        carried.part
    }

    /// When a part that entered at `entry` and is now the front part reaches the exit.
    fn first_arrival(&self, entry: u64, now: u64) -> u64 {
        let free = entry + ns_up(self.length / self.speed);
        let queued = self.last_departure.map_or(0, |d| d + ns_up(self.spacing / self.speed));
        free.max(queued).max(now)
    }
}
