//! Crews: a `resource` whose units (technicians) repairs and maintenance wait for.
//!
//! A station with `crew = NAME` needs one unit of that resource for each repair and each
//! maintenance action. The job asks when it would start (a failure strikes, maintenance begins);
//! a free unit takes it at once, otherwise it waits in line, and the unit is held for the job's
//! whole duration. Repairs go before maintenance; within each, first come, first served. While a
//! repair waits the station is down, and while a maintenance waits it is in maintenance, so the
//! wait counts in those shares. Durations are drawn when the job asks, from the same streams as
//! without a crew, so a crew that is never short changes no draw and no event.
//!
//! The same units serve stations that `needs = [NAME, …]`: each server holds one unit per listing
//! of every resource listed from the start of its setup or processing to the end of processing (through
//! any stop), taking them all at once when all are free; a loaded part otherwise waits in one
//! line shared by all such servers, served in order whenever units come back (a server whose
//! resources are free may pass one that waits for others). Crew jobs take a returned unit before
//! that line. A server in line counts as starved. Each hold is one job of each resource it takes,
//! with one wait, however many units of it (`needs = [ops, ops]`: one job of `ops`).

use super::Sim;
use super::queue::Kind;
use crate::stats::{DurationMean, TimeWeightedCount};
use std::collections::VecDeque;

/// What a crew does for a station.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Job {
    /// The repair of this failure mode.
    Repair(u32),
    Maintenance,
}

#[derive(Clone, Copy, Debug)]
struct Request {
    station: u32,
    job: Job,
    /// ns the job takes once a unit holds it.
    duration: u64,
    requested: u64,
}

/// One crew's state and statistics.
pub(super) struct Crew {
    count: u32,
    busy: u32,
    repairs: VecDeque<Request>,
    maintenance: VecDeque<Request>,
    /// Units held, time-weighted.
    pub(super) held: TimeWeightedCount,
    /// Waits of the jobs granted since the last reset.
    pub(super) wait: DurationMean,
}

impl Crew {
    pub(super) fn new(count: u32) -> Crew {
        Crew {
            count: count.max(1),
            busy: 0,
            repairs: VecDeque::new(),
            maintenance: VecDeque::new(),
            held: TimeWeightedCount::new(0),
            wait: DurationMean::default(),
        }
    }

    pub(super) fn count(&self) -> u32 {
        self.count
    }

    pub(super) fn free_units(&self) -> u32 {
        self.count.saturating_sub(self.busy)
    }

    /// A server takes a unit to process with (`needs`); `waited` is the wait, ns, of the hold it
    /// begins, given with the hold's first unit of this resource only, so that a job is one hold
    /// and its wait counts once, however many units it takes.
    pub(super) fn take_unit(&mut self, now: u64, waited: Option<u64>) {
        self.busy += 1;
        self.held.add(now, 1);
        if let Some(waited) = waited {
            self.wait.push(waited);
        }
    }

    pub(super) fn reset_statistics(&mut self, now: u64) {
        self.held.reset(now);
        self.wait = DurationMean::default();
    }
}

impl Sim<'_> {
    /// Station `c` starts `job`, taking `duration` ns: now, or when a unit of its crew is free.
    pub(super) fn start_job(&mut self, c: u32, job: Job, duration: u64) {
        let now = self.now;
        if let Some(k) = self.station_crew(c) {
            let crew = &mut self.crews[k as usize];
            if crew.busy >= crew.count {
                let request = Request { station: c, job, duration, requested: now };
                match job {
                    Job::Repair(_) => crew.repairs.push_back(request),
                    Job::Maintenance => crew.maintenance.push_back(request),
                }
                self.begin_crew_wait(c);
                return;
            }
            crew.busy += 1;
            crew.held.add(now, 1);
            crew.wait.push(0);
        }
        self.schedule_job_end(c, job, now + duration);
    }

    /// Station `c` finished a job: its crew's unit takes the next job in line.
    pub(super) fn end_job(&mut self, c: u32) {
        let Some(k) = self.station_crew(c) else { return };
        self.release_unit(k);
        if !self.operator_line.is_empty() {
            self.serve_operator_line();
        }
    }

    /// A unit of resource `k` is given back: the next repair, else the next maintenance waiting
    /// for it takes it. (Servers in line for it are served by the caller.)
    pub(super) fn release_unit(&mut self, k: u32) {
        let now = self.now;
        let crew = &mut self.crews[k as usize];
        let Some(next) = crew.repairs.pop_front().or_else(|| crew.maintenance.pop_front()) else {
            crew.busy -= 1;
            crew.held.add(now, -1);
            return;
        };
        crew.wait.push(now - next.requested);
        self.end_crew_wait(next.station);
        self.schedule_job_end(next.station, next.job, now + next.duration);
    }

    fn schedule_job_end(&mut self, c: u32, job: Job, at: u64) {
        if at > self.horizon {
            return;
        }
        match job {
            Job::Repair(m) => self.queue.schedule(at, Kind::Repair, c, m, 0),
            Job::Maintenance => self.queue.schedule(at, Kind::MaintenanceDone, c, 0, 0),
        }
    }
}
