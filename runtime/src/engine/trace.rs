//! The failure trace: every failure, repair and preventive maintenance of one replication, recorded
//! only when asked for ([`simulate_traced`](super::simulate_traced)).
//!
//! A run without a trace pays one test of an `Option` per failure, repair and maintenance, never
//! per part. The trace is what a maintenance log of the simulated line would hold, in the event-log
//! shape `fab reliability` reads (one row per asset, mode, time and event), so the simulated lives
//! can be fitted like field data, and tests can check the simulated lives against their law.

use super::Sim;
use crate::model::ComponentKind;
use crate::time::secs;
use serde::Serialize;

/// What happened to a failure mode.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    /// The mode struck: the station went down for its repair.
    Failure,
    /// The mode's repair ended; the mode was renewed as its `restores` says.
    Repaired,
    /// A preventive maintenance ended and renewed the mode as the maintenance's `restores` says
    /// (one row per mode it renewed; a mode under repair at the time is not renewed).
    Maintenance,
    /// The horizon ended the mode's current life (a right-censored observation).
    Censored,
}

impl TraceKind {
    /// The word of the event column.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceKind::Failure => "failure",
            TraceKind::Repaired => "repaired",
            TraceKind::Maintenance => "maintenance",
            TraceKind::Censored => "censored",
        }
    }
}

/// One row of the trace.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct TraceEvent {
    /// Simulated time of the event, s from the start of the run (warm-up included).
    pub time_s: f64,
    /// The station (or robot).
    pub station: String,
    /// The failure mode.
    pub mode: String,
    pub event: TraceKind,
    /// The mode's age on its own clock since its last renewal (repair end or maintenance), at the
    /// event: s of calendar or busy time, or cycles for a mode that counts cycles. At a failure
    /// this is the life that just ended; at a renewal it is the age the renewal found.
    pub age: f64,
}

/// A trace row as the engine records it: ids, resolved to names at the end.
#[derive(Clone, Copy, Debug)]
pub(super) struct RawEvent {
    pub time: u64,
    pub component: u32,
    pub mode: u32,
    pub kind: TraceKind,
    pub age: f64,
}

impl Sim<'_> {
    /// Records an event when the run is traced.
    pub(super) fn record(&mut self, component: u32, mode: u32, kind: TraceKind, age: f64) {
        if let Some(trace) = &mut self.trace {
            trace.push(RawEvent { time: self.now, component, mode, kind, age });
        }
    }

    /// The recorded events with names, in the order they happened.
    pub(super) fn named_trace(&self) -> Vec<TraceEvent> {
        let Some(trace) = &self.trace else { return Vec::new() };
        trace
            .iter()
            .map(|raw| {
                let component = self.model.component(self.ids[raw.component as usize]);
                let failures = match &component.kind {
                    ComponentKind::Station(station) => station.failures.as_slice(),
                    ComponentKind::Robot(robot) => robot.station.failures.as_slice(),
                    _ => &[],
                };
                TraceEvent {
                    time_s: secs(raw.time),
                    station: component.name.clone(),
                    mode: failures
                        .get(raw.mode as usize)
                        .map_or_else(String::new, |mode| mode.name.clone()),
                    event: raw.kind,
                    age: raw.age,
                }
            })
            .collect()
    }
}

/// The trace as an event-log CSV (RFC 4180, CRLF): `asset,mode,time,event,age`, times and ages in
/// seconds (ages of cycle-count modes in cycles), one row per event in time order.
///
/// It opens with a `start` row at time 0 for every asset and mode of the trace (in the order they
/// first appear): every mode is new when the run starts, and the log says so. A reader of a
/// plant's log cannot know what came before its first event, so `fab reliability` opens a pair's
/// first life at its first event; without these rows the first failure of every mode only opened
/// a life, and the round trip lost it.
pub fn trace_csv(trace: &[TraceEvent]) -> String {
    let mut out = String::from("asset,mode,time,event,age\r\n");
    let mut seen = std::collections::BTreeSet::new();
    for event in trace {
        if seen.insert((event.station.as_str(), event.mode.as_str())) {
            out.push_str(&format!(
                "{},{},0,start,0\r\n",
                crate::report::csv_text(&event.station),
                crate::report::csv_text(&event.mode),
            ));
        }
    }
    for event in trace {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            crate::report::csv_text(&event.station),
            crate::report::csv_text(&event.mode),
            event.time_s,
            event.event.as_str(),
            event.age
        ));
    }
    out
}
