//! Which station limits the line, moment by moment: the active-period method.
//!
//! This is the bottleneck detection method of Roser, Nakano and Tanaka ("A practical bottleneck
//! detection method", Winter Simulation Conference 2001; "Shifting bottleneck detection", WSC
//! 2002). A station is *active* while it works, sets up, is down or is in maintenance, and
//! *inactive* while it is starved or blocked: an active station holds the line back, an inactive
//! one waits for the others. A station with several servers is active while none of them waits:
//! every server works or sets up, or the station is down or in maintenance. One starved or
//! blocked server means the station could take more work than the line gives it, so it is not
//! the constraint (the engine decides this; the tracker only sees active or not). An *active
//! period* is a maximal stretch of activity, from its start to its end.
//!
//! At every instant the *momentary bottleneck* is the station whose current active period — the
//! whole period, not the part elapsed so far — is the longest (ties go to the station listed
//! first). Following the bottleneck through time gives a sequence of bottleneck periods. Where a
//! bottleneck period overlaps the one before or after it in the sequence, the bottleneck is
//! *shifting* from one station to the other: the overlap counts as shifting bottleneck time for
//! both stations. A bottleneck period that overlaps both the one before and the one after counts
//! the union of the two overlaps, once, as that station's shifting time (an instant inside both
//! overlaps is not counted twice). The rest of the time a station is the momentary bottleneck is *sole*
//! bottleneck time. A station's share of time as the bottleneck is sole plus shifting; summed
//! over stations, shares can exceed 1 because shifting time is counted twice.
//!
//! # Streaming
//!
//! Whether a station is the bottleneck at time `t` depends on when its period *ends*, which the
//! tracker learns later. [`BottleneckTracker`] decides time incrementally: every instant before
//! the earliest start of a still-active period is covered by completed periods only, so it can
//! be decided. A sweep over completed periods (a heap by start, a heap by rank) advances the
//! decided frontier to that point on every call; the current bottleneck period is attributed as
//! sole or shifting once the next one is known. Each period is pushed and popped a constant
//! number of times, so a call costs O(log stations) amortized, without allocation once the heaps
//! have grown.
//!
//! Memory stays bounded without approximation. When a period ends while another station's period
//! that started no later is still active, the ended period lies inside the active one, which is
//! already longer; it can never be the longest, and is dropped at once. The completed periods
//! kept therefore all started before every active period, and once time up to the earliest active
//! start is decided the ones that have not yet ended cover that instant: at most one per station.
//! (Ended periods buried in the rank heap under a longer one are purged whenever they would double
//! its size.) So a station active for a whole year, while the others cycle millions of times,
//! costs nothing, and the tracker holds O(stations) periods however long the run. A cap that
//! decided pending time by treating ongoing periods as ending early is therefore unnecessary and
//! not used: shares are exact.
//!
//! A station that stops and restarts at the same instant (the engine finishing one part and
//! starting the next) continues one active period: an end is only final once time moves on.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use serde::Serialize;

/// One station's share of the observed time as the momentary bottleneck (fractions, 0–1).
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize)]
pub struct BottleneckShare {
    /// The station alone was the bottleneck.
    pub sole: f64,
    /// The bottleneck was shifting between this station and the one before or after it.
    pub shifting: f64,
}

impl BottleneckShare {
    /// Sole plus shifting.
    pub fn total(&self) -> f64 {
        self.sole + self.shifting
    }
}

/// Streaming bottleneck detection by active periods (see the module documentation).
///
/// Times are simulation nanoseconds; they must not decrease from call to call.
#[derive(Clone, Debug)]
pub struct BottleneckTracker {
    /// Start of the observed time (construction or the last reset).
    observed_from: u64,
    /// The latest time seen.
    now: u64,
    /// Each station's current period, and the stations holding one in order of start.
    periods: Periods,
    /// Stations whose period ended at `now`, final once time moves on, each with scratch space
    /// for the start of the period it closes (see [`Self::close_ended_periods`]).
    ending: Vec<(u32, u64)>,
    /// Bottleneck time is decided up to here.
    decided: u64,
    /// Completed periods the sweep has not reached, by start.
    upcoming: BinaryHeap<Reverse<(u64, usize, u64)>>,
    /// Completed periods the sweep has reached, best rank on top; ended ones are removed lazily.
    live: BinaryHeap<ByRank>,
    /// Size of `live` beyond which ended periods are purged.
    live_limit: usize,
    /// The bottleneck period before `current`.
    previous: Option<Period>,
    /// The latest bottleneck period, awaiting its successor.
    current: Option<Spell>,
    /// Sole and shifting bottleneck time per station, ns.
    sole: Vec<u64>,
    shifting: Vec<u64>,
}

impl BottleneckTracker {
    /// A tracker for `stations` stations, all inactive, observing from `start`.
    pub fn new(stations: usize, start: u64) -> BottleneckTracker {
        BottleneckTracker {
            observed_from: start,
            now: start,
            periods: Periods::new(stations),
            ending: Vec::with_capacity(stations),
            decided: start,
            upcoming: BinaryHeap::with_capacity(stations),
            live: BinaryHeap::with_capacity(stations),
            live_limit: base_live_limit(stations),
            previous: None,
            current: None,
            sole: vec![0; stations],
            shifting: vec![0; stations],
        }
    }

    /// Records the state of `station` from `now` on: active (working, setup, down, maintenance;
    /// with several servers, every one of them) or not (a server starved or blocked). Repeating the current state is allowed and ignored.
    #[inline]
    pub fn set_active(&mut self, station: usize, now: u64, active: bool) {
        let now = self.move_clock(now);
        let period = &mut self.periods.slots[station];
        if active {
            if period.start == NO_PERIOD {
                self.periods.begin(station, now);
            } else {
                // Stopped and restarted at the same instant: the same period goes on.
                period.ending = false;
            }
        } else if period.start != NO_PERIOD && !period.ending {
            period.ending = true;
            self.ending.push((station as u32, 0));
        }
    }

    /// Warm-up deletion: nothing before `now` counts, and everything already credited is
    /// forgotten. The line's history is not: periods keep their true start (a period's rank is
    /// its whole length, which the warm-up does not change), and the sequence of momentary
    /// bottlenecks goes on through the warm-up, so a bottleneck period overlapping the one before
    /// it is shifting after the warm-up as before it. Only the time credited (as sole or as
    /// shifting bottleneck) is cut at `now`: the shares of the observed period are those of the
    /// whole run, restricted to it.
    ///
    /// Nothing credited before the reset could have counted after it: a spell is credited once
    /// its successor is decided, which takes completed periods only, so its period and both its
    /// overlaps ended by the reset. (Clearing the sweep here, as it once did, started the
    /// sequence afresh: a station whose period began before the warm-up and went on after it lost
    /// its shifting time with the bottleneck that followed it, which got it as sole.)
    pub fn reset(&mut self, now: u64) {
        let now = self.move_clock(now);
        self.sole.fill(0);
        self.shifting.fill(0);
        self.observed_from = now;
    }

    /// Ends the observation at `now`: active periods end there, all time is decided, and each
    /// station's share of `now − start` (or of `now −` the last reset) is returned in station
    /// order. Meant to be called once, at the end of a replication; afterwards every station is
    /// inactive.
    pub fn finish(&mut self, now: u64) -> Vec<BottleneckShare> {
        let now = self.move_clock(now);
        for station in 0..self.periods.slots.len() {
            let start = self.periods.slots[station].start;
            if start != NO_PERIOD {
                if start < now {
                    self.upcoming.push(Reverse((start, station, now)));
                }
                self.periods.end(station);
            }
        }
        self.ending.clear();
        self.sweep(now);
        if let Some(spell) = self.current.take() {
            self.attribute(spell, None);
        }
        self.previous = None;
        let span = (now - self.observed_from) as f64;
        self.sole
            .iter()
            .zip(&self.shifting)
            .map(|(&sole, &shifting)| {
                if span > 0.0 {
                    BottleneckShare { sole: sole as f64 / span, shifting: shifting as f64 / span }
                } else {
                    BottleneckShare::default()
                }
            })
            .collect()
    }

    /// Completed periods held (for tests of the memory bound).
    #[cfg(test)]
    fn buffered(&self) -> usize {
        self.upcoming.len() + self.live.len()
    }

    /// Moves the clock to `now`: periods that ended at the previous instant become final, and
    /// time is decided up to the earliest start of a period still active.
    ///
    /// Inlined: several state changes often share an instant, and then there is nothing to do;
    /// nor is there when no period ended and the earliest start, which the decided time has
    /// reached, holds the frontier where it was (a station active since before it still is).
    #[inline]
    fn move_clock(&mut self, now: u64) -> u64 {
        debug_assert!(now >= self.now, "time went backwards: {now} < {}", self.now);
        let now = now.max(self.now);
        if now > self.now {
            if self.ending.is_empty() && self.decided >= self.periods.earliest() {
                self.now = now;
            } else {
                self.advance(now);
            }
        }
        now
    }

    /// [`Self::move_clock`] once time has moved on to `now`.
    fn advance(&mut self, now: u64) {
        if !self.ending.is_empty() {
            self.close_ended_periods();
        }
        let frontier = self.periods.earliest().min(now);
        // Usually a station active since before the frontier was decided is still active, and
        // the frontier has not moved: nothing to sweep.
        if self.decided < frontier {
            self.sweep(frontier);
        }
        self.now = now;
    }

    /// Makes the periods that ended at the previous instant final. Two passes over `ending`, so
    /// that the second sees the earliest start once all of them are inactive; the first notes
    /// in each entry the start of the period it closed (`u64::MAX`: none, the station restarted
    /// or was already closed by an earlier entry).
    fn close_ended_periods(&mut self) {
        for (station, closed_start) in &mut self.ending {
            *closed_start = NO_PERIOD;
            if self.periods.slots[*station as usize].ending {
                *closed_start = self.periods.end(*station as usize);
            }
        }
        // A period inside one still active that started no later can never be the longest:
        // the active one is already longer (it lasts past `now`, after this period ended). Empty
        // periods (`start == now`) are dropped too.
        let earliest_active = self.periods.earliest();
        for &(station, start) in &self.ending {
            if start < self.now && start < earliest_active {
                self.upcoming.push(Reverse((start, station as usize, self.now)));
            }
        }
        self.ending.clear();
    }

    /// Decides the momentary bottleneck from `decided` to `to`, from completed periods.
    fn sweep(&mut self, to: u64) {
        while self.decided < to {
            while let Some(&Reverse((start, station, end))) = self.upcoming.peek()
                && start <= self.decided
            {
                self.upcoming.pop();
                self.live.push(ByRank(Period { station, start, end }));
            }
            while self.live.peek().is_some_and(|top| top.0.end <= self.decided) {
                self.live.pop();
            }
            let next_start = self.upcoming.peek().map_or(u64::MAX, |next| next.0.0);
            let top = self.live.peek().map(|top| top.0);
            let until = to.min(next_start).min(top.map_or(u64::MAX, |period| period.end));
            if let Some(period) = top {
                self.note_bottleneck(period, self.decided, until);
            }
            self.decided = until;
        }
        if self.live.len() > self.live_limit {
            let decided = self.decided;
            self.live.retain(|period| period.0.end > decided);
            self.live_limit = (2 * self.live.len()).max(base_live_limit(self.periods.slots.len()));
        }
    }

    /// `period` is the momentary bottleneck over `[from, to)`.
    fn note_bottleneck(&mut self, period: Period, from: u64, to: u64) {
        match &mut self.current {
            Some(spell) if spell.period == period => spell.to = to,
            _ => {
                if let Some(spell) = self.current.take() {
                    self.attribute(spell, Some(period));
                    self.previous = Some(spell.period);
                }
                self.current = Some(Spell { period, from, to });
            }
        }
    }

    /// Credits a finished bottleneck spell, now that its successor is known.
    fn attribute(&mut self, spell: Spell, next: Option<Period>) {
        let period = spell.period;
        let neighbours = [self.previous, next];
        // Time before the warm-up is not observed.
        let shifting = covered(period.start.max(self.observed_from), period.end, neighbours);
        let from = spell.from.max(self.observed_from);
        let to = spell.to.max(from);
        let sole = (to - from) - covered(from, to, neighbours);
        self.sole[period.station] += sole;
        self.shifting[period.station] += shifting;
    }
}

fn base_live_limit(stations: usize) -> usize {
    2 * stations + 16
}

/// The length of `[from, to)` covered by the union of two periods.
fn covered(from: u64, to: u64, periods: [Option<Period>; 2]) -> u64 {
    let overlap = |lo: u64, hi: u64, period: Option<Period>| -> (u64, u64) {
        match period {
            Some(p) => (lo.max(p.start), hi.min(p.end).max(lo.max(p.start))),
            None => (lo, lo),
        }
    };
    let (a_lo, a_hi) = overlap(from, to, periods[0]);
    let (b_lo, b_hi) = overlap(from, to, periods[1]);
    let (both_lo, both_hi) = overlap(a_lo, a_hi, periods[1]);
    (a_hi - a_lo) + (b_hi - b_lo) - (both_hi - both_lo)
}

/// An active period `[start, end)` of a station.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Period {
    station: usize,
    start: u64,
    end: u64,
}

impl Period {
    fn length(self) -> u64 {
        self.end - self.start
    }

    /// Which of two periods is the bottleneck where both are active (greater wins): the longer,
    /// then the station listed first. The start only makes the order total.
    fn rank_cmp(self, other: Period) -> Ordering {
        self.length()
            .cmp(&other.length())
            .then(other.station.cmp(&self.station))
            .then(other.start.cmp(&self.start))
    }
}

/// A period ordered by bottleneck rank.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct ByRank(Period);

impl Ord for ByRank {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.rank_cmp(other.0)
    }
}

impl PartialOrd for ByRank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A bottleneck period and the stretch `[from, to)` in which it was the momentary bottleneck.
#[derive(Clone, Copy, Debug)]
struct Spell {
    period: Period,
    from: u64,
    to: u64,
}

/// The start of no period: the station is inactive.
const NO_PERIOD: u64 = u64::MAX;

/// No station.
const NONE: u32 = u32::MAX;

/// Each station's current period, and the stations holding one (active, or ended at the
/// tracker's `now`) as a doubly linked list in order of start, for the earliest start: O(1)
/// beginning, ending and minimum, no allocation after construction.
///
/// Keeping the order costs nothing because starts arrive in order: a period begins at the
/// tracker's `now`, which no start held is later than. A station's state and its place in the
/// list are one record, so a change reads and writes one place. That, and `move_clock` returning
/// early when no period ended, took 0.9 % off the instructions of the 100-station benchmark line
/// (callgrind, 1,362.2M against 1,349.9M for the engine harness over 438 h): it had kept the
/// state and the list apart, and called the advance at every instant.
#[derive(Clone, Debug)]
struct Periods {
    slots: Vec<Slot>,
    /// The station with the earliest start, and the one with the latest (`NONE`: empty).
    head: u32,
    tail: u32,
}

/// One station's current period and its place in [`Periods`].
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// The start of its current period (`NO_PERIOD`: inactive, and not in the list).
    start: u64,
    previous: u32,
    next: u32,
    /// The period ended at the tracker's `now`: it may still go on if the station restarts at
    /// that instant, and is final once time moves on.
    ending: bool,
}

impl Slot {
    const INACTIVE: Slot = Slot { start: NO_PERIOD, previous: NONE, next: NONE, ending: false };
}

impl Periods {
    fn new(stations: usize) -> Periods {
        Periods { slots: vec![Slot::INACTIVE; stations], head: NONE, tail: NONE }
    }

    /// Inactive `station` begins a period at `start`, no earlier than any held.
    #[inline]
    fn begin(&mut self, station: usize, start: u64) {
        debug_assert!(self.slots[station].start == NO_PERIOD, "station {station} already active");
        debug_assert!(
            self.tail == NONE || self.slots[self.tail as usize].start <= start,
            "start out of order"
        );
        self.slots[station] = Slot { start, previous: self.tail, next: NONE, ending: false };
        match self.tail {
            NONE => self.head = station as u32,
            tail => self.slots[tail as usize].next = station as u32,
        }
        self.tail = station as u32;
    }

    /// `station`'s period, which it holds, is over; returns its start.
    fn end(&mut self, station: usize) -> u64 {
        let Slot { start, previous, next, .. } = self.slots[station];
        debug_assert!(start != NO_PERIOD, "station {station} holds no period");
        self.slots[station] = Slot::INACTIVE;
        match previous {
            NONE => self.head = next,
            previous => self.slots[previous as usize].next = next,
        }
        match next {
            NONE => self.tail = previous,
            next => self.slots[next as usize].previous = previous,
        }
        start
    }

    /// The earliest start held; `NO_PERIOD` when none is.
    #[inline]
    fn earliest(&self) -> u64 {
        match self.head {
            NONE => NO_PERIOD,
            head => self.slots[head as usize].start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_data::Lcg;

    /// Feeds whole periods (already merged, non-overlapping per station) and finishes at `end`.
    fn run(stations: usize, periods: &[(usize, u64, u64)], end: u64) -> Vec<BottleneckShare> {
        let mut events: Vec<(u64, usize, bool)> = Vec::new();
        for &(station, start, stop) in periods {
            events.push((start, station, true));
            events.push((stop, station, false));
        }
        events.sort_by_key(|&(time, _, active)| (time, active));
        let mut tracker = BottleneckTracker::new(stations, 0);
        for (time, station, active) in events {
            tracker.set_active(station, time, active);
        }
        tracker.finish(end)
    }

    fn share(sole: f64, shifting: f64) -> BottleneckShare {
        BottleneckShare { sole, shifting }
    }

    #[test]
    fn two_machines_shift_where_their_periods_overlap() {
        // A [0, 10), B [5, 20): B is longer, so the bottleneck from 5 on; [5, 10) is shifting.
        let shares = run(2, &[(0, 0, 10), (1, 5, 20)], 20);
        assert_eq!(shares, vec![share(0.25, 0.25), share(0.5, 0.25)]);
        // A [0, 20), B [5, 22): A stays the bottleneck until it ends; [5, 20) is shifting.
        let shares = run(2, &[(0, 0, 20), (1, 5, 22)], 22);
        assert_eq!(shares, vec![share(5.0 / 22.0, 15.0 / 22.0), share(2.0 / 22.0, 15.0 / 22.0)]);
        // A short period inside a longer one never counts.
        let shares = run(2, &[(0, 0, 20), (1, 5, 10)], 20);
        assert_eq!(shares, vec![share(1.0, 0.0), share(0.0, 0.0)]);
    }

    #[test]
    fn an_always_active_station_is_the_sole_bottleneck() {
        let mut tracker = BottleneckTracker::new(3, 100);
        tracker.set_active(1, 100, true);
        tracker.set_active(1, 150, true);
        assert_eq!(tracker.finish(1100), vec![share(0.0, 0.0), share(1.0, 0.0), share(0.0, 0.0)]);
        // No time observed: no shares, no NaN.
        assert_eq!(BottleneckTracker::new(1, 7).finish(7), vec![share(0.0, 0.0)]);
    }

    #[test]
    fn stopping_and_restarting_at_one_instant_continues_the_period() {
        let mut tracker = BottleneckTracker::new(2, 0);
        tracker.set_active(0, 0, true);
        tracker.set_active(1, 2, true);
        for t in [3, 6, 8, 9] {
            if t == 8 {
                tracker.set_active(1, 8, false);
            }
            tracker.set_active(0, t, false);
            tracker.set_active(0, t, true);
        }
        tracker.set_active(0, 10, false);
        // A [0, 10) is one period, longer than B [2, 8).
        assert_eq!(tracker.finish(10), vec![share(1.0, 0.0), share(0.0, 0.0)]);
    }

    #[test]
    fn reset_forgets_what_was_credited_and_keeps_active_periods_whole() {
        let mut tracker = BottleneckTracker::new(2, 0);
        tracker.set_active(0, 0, true);
        tracker.set_active(1, 10, true);
        tracker.set_active(1, 40, false);
        // B's [10, 40) ends before the reset and is forgotten; A, active since 0, keeps its whole
        // period, which B's [60, 70) lies inside: A alone is the bottleneck of [50, 100).
        tracker.reset(50);
        tracker.set_active(1, 60, true);
        tracker.set_active(1, 70, false);
        assert_eq!(tracker.finish(100), vec![share(1.0, 0.0), share(0.0, 0.0)]);
    }

    #[test]
    fn the_bottleneck_before_the_warm_up_is_still_the_previous_one() {
        // s1 is active over [0, 1200), s2 over [100, 3000): s1 is the bottleneck until 100, s2
        // from then on, and their overlap [100, 1200) is shifting. With a warm-up at 600 the
        // observed [600, 1200) is still shifting, for both; s2 alone is the bottleneck after.
        // The reset used to start the sequence afresh: s2 sole all 2400 s, s1 nothing.
        let mut tracker = BottleneckTracker::new(2, 0);
        tracker.set_active(0, 0, true);
        tracker.set_active(1, 100, true);
        tracker.reset(600);
        tracker.set_active(0, 1200, false);
        assert_eq!(tracker.finish(3000), vec![share(0.0, 0.25), share(0.75, 0.25)]);
    }

    /// The definition, by brute force: the momentary bottleneck of every time unit, the sequence
    /// of bottleneck periods, and for each the time it shares with its neighbours. Returns sole
    /// and shifting time per station.
    fn reference(stations: usize, periods: &[Period], from: u64, to: u64) -> Vec<(u64, u64)> {
        // The sequence of bottlenecks is the whole run's; only time from `from` on is credited.
        let mut spells: Vec<Spell> = Vec::new();
        for t in 0..to {
            let best = periods
                .iter()
                .filter(|p| p.start <= t && t < p.end)
                .max_by(|a, b| a.rank_cmp(**b))
                .copied();
            let Some(period) = best else { continue };
            match spells.last_mut() {
                Some(spell) if spell.period == period && spell.to == t => spell.to = t + 1,
                _ => spells.push(Spell { period, from: t, to: t + 1 }),
            }
        }
        let mut totals = vec![(0, 0); stations];
        for (k, spell) in spells.iter().enumerate() {
            let previous = k.checked_sub(1).map(|k| spells[k].period);
            let next = spells.get(k + 1).map(|spell| spell.period);
            let inside = |p: Option<Period>, t: u64| p.is_some_and(|p| p.start <= t && t < p.end);
            for t in spell.period.start.max(from)..spell.period.end {
                if inside(previous, t) || inside(next, t) {
                    totals[spell.period.station].1 += 1;
                } else if spell.from <= t && t < spell.to {
                    totals[spell.period.station].0 += 1;
                }
            }
        }
        totals
    }

    /// Random active periods per station, as state-change events with noise (repeated states,
    /// stop-and-restart at one instant), and the true merged periods.
    fn random_history(
        random: &mut Lcg,
        stations: usize,
        horizon: u64,
    ) -> (Vec<(u64, usize, bool)>, Vec<Period>) {
        let mut events = Vec::new();
        let mut periods = Vec::new();
        for station in 0..stations {
            let scale = 1 + random.below(40);
            let mut t = 0;
            let mut active = random.below(2) == 1;
            while t < horizon {
                let length = if random.below(12) == 0 {
                    50 + random.below(250)
                } else {
                    1 + random.below(scale)
                };
                let end = (t + length).min(horizon);
                if active {
                    events.push((t, station, true));
                    if end - t >= 2 && random.below(3) == 0 {
                        let middle = t + 1 + random.below(end - t - 1);
                        events.push((middle, station, false));
                        events.push((middle, station, true));
                    }
                    if random.below(4) == 0 {
                        events.push((t + random.below(end - t), station, true));
                    }
                    if end < horizon || random.below(2) == 0 {
                        events.push((end, station, false));
                    }
                    periods.push(Period { station, start: t, end });
                } else if random.below(4) == 0 {
                    events.push((t + random.below(end - t), station, false));
                }
                t = end;
                active = !active;
            }
        }
        // Stable: a station's events at one instant keep their order.
        events.sort_by_key(|&(time, _, _)| time);
        (events, periods)
    }

    #[test]
    fn streaming_matches_the_brute_force_definition() {
        let mut random = Lcg(7);
        for case in 0..600 {
            let stations = 1 + random.below(6) as usize;
            let horizon = 50 + random.below(400);
            let warmup = if case % 2 == 0 { 0 } else { random.below(horizon / 3) };
            let reset_first = random.below(2) == 0;
            let (events, periods) = random_history(&mut random, stations, horizon);

            let mut tracker = BottleneckTracker::new(stations, 0);
            let mut reset_done = warmup == 0;
            for &(time, station, active) in &events {
                let before_warmup_events = time > warmup || (time == warmup && reset_first);
                if !reset_done && before_warmup_events {
                    tracker.reset(warmup);
                    reset_done = true;
                }
                tracker.set_active(station, time, active);
            }
            if !reset_done {
                tracker.reset(warmup);
            }
            let shares = tracker.finish(horizon);

            // Periods keep their true start through the warm-up (their rank is their whole
            // length); only time from the warm-up on is credited.
            let expected = reference(stations, &periods, warmup, horizon);
            let span = (horizon - warmup) as f64;
            let expected: Vec<BottleneckShare> = expected
                .iter()
                .map(|&(sole, shifting)| share(sole as f64 / span, shifting as f64 / span))
                .collect();
            assert_eq!(shares, expected, "case {case}: {stations} stations, warm-up {warmup}");
        }
    }

    #[test]
    fn memory_stays_bounded_when_one_station_is_always_active() {
        let mut tracker = BottleneckTracker::new(3, 0);
        tracker.set_active(0, 0, true);
        let mut t = 0;
        for _ in 0..1_000_000 {
            tracker.set_active(1, t, true);
            tracker.set_active(2, t + 1, true);
            tracker.set_active(1, t + 3, false);
            tracker.set_active(2, t + 5, false);
            t += 7;
            assert!(tracker.buffered() <= 4, "{} periods held", tracker.buffered());
        }
        assert_eq!(tracker.finish(t), vec![share(1.0, 0.0), share(0.0, 0.0), share(0.0, 0.0)]);
    }

    #[test]
    fn memory_stays_bounded_over_a_long_random_run() {
        let mut random = Lcg(11);
        let stations = 8;
        let mut tracker = BottleneckTracker::new(stations, 0);
        let mut next_change = vec![0_u64; stations];
        let mut active = vec![false; stations];
        let mut now = 0;
        let mut most = 0;
        for _ in 0..2_000_000 {
            let station = (0..stations).min_by_key(|&s| next_change[s]).unwrap_or(0);
            now = next_change[station];
            active[station] = !active[station];
            tracker.set_active(station, now, active[station]);
            // Station 0 has rare, very long periods (a breakdown); the others cycle quickly.
            let length = if station == 0 && random.below(50) == 0 {
                20_000 + random.below(100_000)
            } else {
                1 + random.below(30)
            };
            next_change[station] = now + length;
            most = most.max(tracker.buffered());
        }
        assert!(most <= base_live_limit(stations) + stations, "{most} periods held");
        let shares = tracker.finish(now);
        let total: f64 = shares.iter().map(BottleneckShare::total).sum();
        assert!(total >= 0.99, "some station is active almost always: {total}");
    }
}
