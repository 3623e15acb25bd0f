//! Spare parts: a `resource` with a `stock`, consumed by the repairs of the failure modes that
//! `uses` it.
//!
//! A failure of such a mode takes one unit from stock before anything else (then, if the station
//! has a crew, it asks for a technician); while none is in stock the repair waits, the station
//! down, in the order the failures struck. Every use reorders one unit at once (a one-for-one or
//! base-stock policy with base stock `stock`), which arrives `lead` later and goes to the first
//! waiting repair, if any. The repair's duration is drawn when the failure strikes, as without
//! spares.

use super::Sim;
use super::crew::Job;
use super::queue::Kind;
use crate::model::Resource;
use crate::stats::{DurationMean, TimeWeightedCount};
use crate::time::ns;
use std::collections::VecDeque;

/// A repair waiting for a spare part.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    station: u32,
    mode: u32,
    duration: u64,
    requested: u64,
}

/// One spare part's stock, reorders and statistics.
pub(super) struct Spare {
    on_hand: u32,
    /// ns from a use to the arrival of its reorder.
    lead: u64,
    waiting: VecDeque<Waiting>,
    /// Units on hand, time-weighted.
    pub(super) stock: TimeWeightedCount,
    /// Waits of the repairs that used a unit since the last reset.
    pub(super) wait: DurationMean,
    /// Uses that found the stock empty since the last reset.
    pub(super) stockouts: u64,
}

impl Spare {
    /// The spare-part state of a resource with a `stock`, or `None`.
    pub(super) fn of(resource: &Resource) -> Option<Spare> {
        let on_hand = resource.stock?;
        let mut stock = TimeWeightedCount::new(0);
        stock.add(0, i64::from(on_hand));
        Some(Spare {
            on_hand,
            lead: ns(resource.lead),
            waiting: VecDeque::new(),
            stock,
            wait: DurationMean::default(),
            stockouts: 0,
        })
    }

    pub(super) fn reset_statistics(&mut self, now: u64) {
        self.stock.reset(now);
        self.wait = DurationMean::default();
        self.stockouts = 0;
    }
}

impl Sim<'_> {
    /// The repair of mode `m` of station `c`, taking `duration` ns, starts once it has its spare
    /// part (if the mode uses one) and its technician (if the station has a crew).
    pub(super) fn start_repair(&mut self, c: u32, m: u32, duration: u64) {
        let (now, horizon) = (self.now, self.horizon);
        let Some(k) = self.mode_spare(c, m) else {
            self.start_job(c, Job::Repair(m), duration);
            return;
        };
        let Some(spare) = self.spares[k as usize].as_mut() else {
            self.start_job(c, Job::Repair(m), duration);
            return;
        };
        // Every use reorders one unit, whether or not one is on hand now.
        let arrival = now + spare.lead;
        if arrival <= horizon {
            self.queue.schedule(arrival, Kind::SpareArrival, 0, k, 0);
        }
        if spare.on_hand == 0 {
            spare.stockouts += 1;
            spare.waiting.push_back(Waiting { station: c, mode: m, duration, requested: now });
            self.begin_spare_wait(c);
            return;
        }
        spare.on_hand -= 1;
        spare.stock.add(now, -1);
        spare.wait.push(0);
        self.start_job(c, Job::Repair(m), duration);
    }

    /// A reordered unit of spare part `k` arrives: the first waiting repair takes it.
    pub(super) fn on_spare_arrival(&mut self, k: u32) {
        let now = self.now;
        let Some(spare) = self.spares[k as usize].as_mut() else { return };
        let Some(next) = spare.waiting.pop_front() else {
            spare.on_hand += 1;
            spare.stock.add(now, 1);
            return;
        };
        spare.wait.push(now - next.requested);
        self.end_spare_wait(next.station);
        self.start_job(next.station, Job::Repair(next.mode), next.duration);
    }
}
