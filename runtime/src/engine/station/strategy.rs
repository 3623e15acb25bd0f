//! Predictive and opportunistic maintenance: detection of coming failures, inspections, and
//! idle moments taken for maintenance.
//!
//! Predictive maintenance follows the delay-time (P–F interval) model. A failure mode's
//! indicator is the share of its current life consumed, age over drawn life, counting the virtual
//! age a repair left: 0 at a renewal to new, 1 at the failure. From the clock value where it
//! reaches `threshold` (`Mode::detectable`) the coming failure can be detected: by inspections
//! every `inspect_every` of calendar time, each detecting it with probability `detection`, or,
//! without inspections, by continuous monitoring, which has one chance, as the threshold is
//! passed (`Mode::watch`, an event on the mode's own clock beside its failure). A detection plans
//! a maintenance `lead` later; it maintains every mode detected by then (unless it failed first,
//! which is repaired as usual), restoring it as `restores` says, and leaves the other modes alone.
//! Draws of the detection trials come from each mode's `detection.MODE` stream, so stations
//! without predictive maintenance draw exactly what they drew before.
//!
//! Opportunistic maintenance is preventive maintenance with a window (`Preventive::window`): its
//! first event waits for the window to open, `window` before the due point on the same clock.
//! From then on the station is maintained as soon as it is starved or blocked (at once if it is
//! already), and at the due point otherwise (a forced action).

use super::super::Sim;
use super::super::trace::TraceKind;
use super::StationNode;
use crate::model::{Maintenance, Restoration, Station};
use crate::time::{ns, secs};
use fab_stdlib::random::Stream;
use fab_stdlib::sample::Sampler;

/// A station's predictive maintenance plan and its state.
pub(in crate::engine) struct Predictive {
    threshold: f64,
    /// ns of calendar time from detection to the start of the maintenance.
    lead: u64,
    /// ns between inspections; 0 for continuous monitoring.
    inspect_every: u64,
    detection: f64,
    pub(super) takes: Sampler,
    pub(super) stream: Stream,
    restores: Restoration,
    /// One stream of detection trials per failure mode.
    trials: Vec<Stream>,
    /// A maintenance is planned and has not started yet.
    planned: bool,
    generation: u32,
}

impl Predictive {
    pub(super) fn new(station: &Station, stream: &dyn Fn(&str) -> Stream) -> Predictive {
        let Maintenance::Predictive { threshold, lead, takes, inspect_every, detection, restores } =
            &station.maintenance
        else {
            unreachable!("a predictive plan is built from predictive maintenance");
        };
        Predictive {
            threshold: threshold.clamp(0.0, 1.0),
            lead: ns(*lead),
            inspect_every: inspect_every.map_or(0, |every| ns(every).max(1)),
            detection: *detection,
            takes: takes.sampler(),
            stream: stream("maintenance"),
            restores: *restores,
            trials: station
                .failures
                .iter()
                .map(|mode| stream(&format!("detection.{}", mode.name)))
                .collect(),
            planned: false,
            generation: 0,
        }
    }

    /// One detection trial of mode `m`.
    fn detects(&mut self, m: usize) -> bool {
        if self.detection >= 1.0 {
            true
        } else if self.detection <= 0.0 {
            false
        } else {
            self.trials[m].uniform() < self.detection
        }
    }
}

impl Sim<'_> {
    /// After mode `m` was renewed (or drew its first life): where its indicator will pass the
    /// threshold. Nothing for a station without predictive maintenance.
    pub(super) fn set_detectable(station: &mut StationNode, m: usize) {
        let Some(plan) = station.cold.predictive.as_ref() else { return };
        let (threshold, monitored) = (plan.threshold, plan.inspect_every == 0);
        let mode = &mut station.cold.modes[m];
        let span = mode.due.saturating_sub(mode.renewed_at);
        // Age over life, with the virtual age v a repair left: (v + x) / (v + r) ≥ θ.
        let v = mode.virtual_age;
        let after = match mode.clock {
            super::ModeClock::Cycles(_) => {
                (threshold * (v + span as f64) - v).max(0.0).ceil() as u64
            }
            _ => ns((threshold * (v + secs(span)) - v).max(0.0)),
        };
        mode.detectable = mode.renewed_at.saturating_add(after);
        mode.watch = if monitored { mode.detectable } else { u64::MAX };
        mode.detected = false;
        mode.in_action = false;
    }

    /// At time zero: the first inspection of a station with an inspection interval.
    pub(super) fn start_inspections(&mut self, c: u32) {
        let horizon = self.horizon;
        let station = self.station(c);
        let Some(every) = station.cold.predictive.as_ref().map(|plan| plan.inspect_every) else {
            return;
        };
        if every > 0 && every <= horizon {
            self.queue.schedule(every, super::super::Kind::Inspection, c, 0, 0);
        }
    }

    /// An inspection: every mode whose coming failure is detectable may be detected.
    pub(in crate::engine) fn on_inspection(&mut self, c: u32) {
        let (now, horizon) = (self.now, self.horizon);
        let station = self.station(c);
        station.cold.inspections += 1;
        for m in 0..station.cold.modes.len() {
            let station = self.station(c);
            let clock = Self::mode_clock(station, m, now);
            let mode = &station.cold.modes[m];
            if mode.in_repair || mode.detected || mode.in_action || clock < mode.detectable {
                continue;
            }
            let plan = station.cold.predictive.as_mut().expect("inspections belong to a plan");
            if plan.detects(m) {
                self.detect(c, m);
            }
        }
        let station = self.station(c);
        let every = station.cold.predictive.as_ref().expect("checked").inspect_every;
        if now + every <= horizon {
            self.queue.schedule(now + every, super::super::Kind::Inspection, c, 0, 0);
        }
    }

    /// Continuous monitoring's one chance to detect mode `m`'s coming failure.
    pub(super) fn monitor(&mut self, c: u32, m: usize) {
        let station = self.station(c);
        let mode = &mut station.cold.modes[m];
        mode.watch = u64::MAX;
        mode.armed = false;
        let skip = mode.detected || mode.in_action;
        let plan = station.cold.predictive.as_mut().expect("monitoring belongs to a plan");
        if !skip && plan.detects(m) {
            self.detect(c, m);
        }
        // The mode's next event is its failure now.
        self.arm_all(c);
    }

    /// Mode `m`'s coming failure is detected: a maintenance is planned `lead` from now, unless
    /// one is planned already.
    fn detect(&mut self, c: u32, m: usize) {
        let (now, horizon) = (self.now, self.horizon);
        let station = self.station(c);
        station.cold.detections += 1;
        station.cold.modes[m].detected = true;
        let plan = station.cold.predictive.as_mut().expect("detection belongs to a plan");
        if plan.planned {
            return;
        }
        plan.planned = true;
        plan.generation = plan.generation.wrapping_add(1);
        let (at, generation) = (now + plan.lead, plan.generation);
        if at <= horizon {
            self.queue.schedule(at, super::super::Kind::PredictiveStart, c, 0, generation);
        }
    }

    /// The planned predictive maintenance starts, or waits for the repair or maintenance in
    /// progress to end.
    pub(in crate::engine) fn on_predictive_start(&mut self, c: u32, generation: u32) {
        let station = self.station(c);
        let plan = station.cold.predictive.as_mut().expect("checked");
        if plan.generation != generation || !plan.planned {
            return;
        }
        plan.planned = false;
        if station.stopped() {
            station.maintenance_pending = true;
            return;
        }
        self.begin_maintenance(c);
    }

    /// Marks the detected modes that have not failed as under the action; false if none is.
    pub(super) fn claim_detected(station: &mut StationNode) -> bool {
        let mut any = false;
        for mode in &mut station.cold.modes {
            if mode.detected && !mode.in_repair {
                mode.in_action = true;
                any = true;
            }
        }
        any
    }

    /// A predictive maintenance ends: the modes it maintained are restored, the station resumes
    /// or starts the maintenance planned meanwhile.
    pub(super) fn end_predictive_action(&mut self, c: u32) {
        let now = self.now;
        let station = self.station(c);
        let restores = station.cold.predictive.as_ref().expect("checked").restores;
        for m in 0..station.cold.modes.len() {
            let station = self.station(c);
            if !station.cold.modes[m].in_action {
                continue;
            }
            if station.cold.modes[m].in_repair {
                station.cold.modes[m].in_action = false;
                station.cold.modes[m].detected = false;
            } else {
                self.trace_mode(c, m as u32, TraceKind::Maintenance);
                let station = self.station(c);
                Self::renew(station, m, now, restores);
                let mode = &mut station.cold.modes[m];
                // `renew` keeps a cycle count under `old`; the action is done either way.
                mode.in_action = false;
                mode.detected = false;
            }
        }
        self.restart_after_stop(c);
        self.arm_all(c);
        self.station_changed(c);
    }

    /// The station is starved or blocked: opportunistic maintenance whose window is open starts.
    pub(super) fn take_opportunity(&mut self, c: u32) {
        let station = self.station(c);
        if station.stopped() {
            return;
        }
        let Some(pm) = station.cold.preventive.as_mut().filter(|pm| pm.window_open) else { return };
        // The forced event planned for the due point is void.
        pm.armed = false;
        pm.generation = pm.generation.wrapping_add(1);
        station.cold.opportunistic_actions += 1;
        self.begin_maintenance(c);
    }
}
