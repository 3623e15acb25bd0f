//! The results document: what a run reports, per replication and across replications.
//!
//! `docs/results.md` specifies it field by field. Every statistic is a [`Stat`]: the mean over
//! replications, the Student-t confidence half-width at the experiment's confidence, and the value
//! of each replication in replication order. One replication's results use the same types with a
//! single value each; [`Results::merge`] appends another replication's values and
//! [`Results::finish`] computes means and half-widths, so aggregation is written once per field.
//!
//! Maps whose order matters to a reader (stations in model order) are `Vec<(name, value)>`
//! serialised as JSON objects in that order.

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One statistic across replications.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Stat {
    pub mean: f64,
    /// Half-width of the Student-t confidence interval of the mean (0 with one replication).
    pub half_width: f64,
    /// The value of each replication, in replication order.
    pub values: Vec<f64>,
}

impl Stat {
    /// One replication's value.
    pub fn single(value: f64) -> Stat {
        Stat { mean: value, half_width: 0.0, values: vec![value] }
    }

    /// The statistic of the first `n` replications only (all of them when there are fewer).
    pub fn first(&self, n: usize, confidence: f64) -> Stat {
        let mut first = Stat { values: self.values[..n.min(self.values.len())].to_vec(), ..*self };
        first.finish(confidence);
        first
    }

    fn merge(&mut self, other: &Stat) {
        self.values.extend_from_slice(&other.values);
    }

    fn finish(&mut self, confidence: f64) {
        let (mean, half_width) = crate::stats::mean_half_width(&self.values, confidence);
        self.mean = mean;
        self.half_width = half_width;
    }
}

/// Which number of a statistic [`Results::check_finite`] found not finite.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum NumberOf {
    /// The value of a replication, counted from 1.
    Replication(u32),
    /// The mean over the replications.
    Mean,
    /// The half-width of its confidence interval.
    HalfWidth,
}

/// Which of a statistic's numbers is the first that is not finite, and that number: a value (of
/// replication `first` + its place in `values` + 1), else the mean, else the half-width. The one
/// test of [`Results::check_finite`] and of a comparison's differences (E0909).
pub(crate) fn first_not_finite(
    values: &[f64],
    mean: f64,
    half_width: f64,
    first: u32,
) -> Option<(NumberOf, f64)> {
    if let Some(i) = values.iter().position(|value| !value.is_finite()) {
        Some((NumberOf::Replication(first + i as u32 + 1), values[i]))
    } else if !mean.is_finite() {
        Some((NumberOf::Mean, mean))
    } else if !half_width.is_finite() {
        Some((NumberOf::HalfWidth, half_width))
    } else {
        None
    }
}

/// Fields merged and finished together; implemented by [`aggregate!`] for every results struct.
trait Aggregate {
    fn merge(&mut self, other: &Self);
    fn finish(&mut self, confidence: f64);
    /// The first statistic, in field order, that `test` picks, with its path (field and table
    /// names, outermost first, as in the JSON document).
    fn find(&self, test: &dyn Fn(&Stat) -> bool) -> Option<Found<'_>>;
}

impl Aggregate for Stat {
    fn merge(&mut self, other: &Self) {
        Stat::merge(self, other);
    }
    fn finish(&mut self, confidence: f64) {
        Stat::finish(self, confidence);
    }
    fn find(&self, test: &dyn Fn(&Stat) -> bool) -> Option<Found<'_>> {
        test(self).then(|| (Vec::new(), self))
    }
}

/// A statistic [`Aggregate::find`] found, with its path.
type Found<'a> = (Vec<String>, &'a Stat);

/// `found`, a statistic inside `name`, with `name` in front of its path.
fn within<'a>(name: &str, found: Option<Found<'a>>) -> Option<Found<'a>> {
    found.map(|(mut path, stat)| {
        path.insert(0, name.to_string());
        (path, stat)
    })
}

impl<T: Aggregate> Aggregate for Named<T> {
    fn merge(&mut self, other: &Self) {
        for ((name, mine), (other_name, theirs)) in self.0.iter_mut().zip(&other.0) {
            debug_assert_eq!(name, other_name);
            mine.merge(theirs);
        }
    }
    fn finish(&mut self, confidence: f64) {
        for (_, value) in &mut self.0 {
            value.finish(confidence);
        }
    }
    fn find(&self, test: &dyn Fn(&Stat) -> bool) -> Option<Found<'_>> {
        self.0.iter().find_map(|(name, value)| within(name, value.find(test)))
    }
}

macro_rules! aggregate {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Aggregate for $ty {
            fn merge(&mut self, other: &Self) {
                $( self.$field.merge(&other.$field); )*
            }
            fn finish(&mut self, confidence: f64) {
                $( self.$field.finish(confidence); )*
            }
            fn find(&self, test: &dyn Fn(&Stat) -> bool) -> Option<Found<'_>> {
                None $( .or_else(|| within(stringify!($field), self.$field.find(test))) )*
            }
        }
    };
}

/// A name-keyed table kept in a meaningful order (model order), serialised as a JSON object.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T> Named<T> {
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Named<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Named<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Named(entries))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// The whole results document of one experiment (or scenario) run.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub fab_version: String,
    /// A hash of the model IR that ran (hex), so results can be matched to their model.
    pub model_hash: String,
    pub experiment: String,
    pub scenario: Option<String>,
    pub seed: u64,
    pub replications: u32,
    pub horizon_s: f64,
    pub warmup_s: f64,
    pub confidence: f64,
    /// The currency of every cost, when the model states costs.
    pub currency: Option<String>,
    pub kpis: Kpis,
    /// Failures, maintenance and costs summed over every station.
    #[serde(default)]
    pub line: LineResults,
    pub stations: Named<StationResults>,
    pub buffers: Named<BufferResults>,
    pub conveyors: Named<ConveyorResults>,
    pub sinks: Named<SinkResults>,
    /// Output per product (parts of that product reaching any sink).
    pub products: Named<SinkResults>,
    /// Every resource: crews and operators (`crew`, `needs`) and spare parts (`stock`, `uses`).
    #[serde(default)]
    pub resources: Named<ResourceResults>,
    /// Stations ranked by their share of time as the momentary bottleneck, largest first.
    pub bottlenecks: Vec<Bottleneck>,
    pub events: EventCounts,
    /// How the warm-up was chosen, with `warmup = auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup_detection: Option<WarmupDetection>,
    /// How the number of replications was chosen, with `precision = …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionOutcome>,
    /// The replications whose line stood still at the horizon, in replication order (absent when
    /// none did).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlocks: Vec<Deadlock>,
}

/// A replication whose line came to a standstill: components that hold parts only one another
/// could take, all full (see `engine::deadlock`). Every statistic of that replication counts the
/// standstill from `since_s` to the horizon.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Deadlock {
    /// The replication, counted from 1 (as in `replications.csv`).
    pub replication: u32,
    /// When the last of `components` came to its standstill, s from the start of the run.
    pub since_s: f64,
    /// The components that wait on one another, in model order.
    pub components: Vec<Stuck>,
    /// Components stuck behind them: full, waiting for parts to leave into the standstill.
    pub behind: Vec<String>,
}

/// A standstill in one point of a study of many models (a designed experiment, a sensitivity or
/// an `optimize` study): the point, counted from 1 in the order the study lists its points, and
/// the replication's standstill.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct PointDeadlock {
    pub point: u32,
    #[serde(flatten)]
    pub deadlock: Deadlock,
}

/// A standstill in a run of one of several studies set side by side (`--compare`, `--select`):
/// the study's name, the system it is, and the replication's standstill (the replication counted
/// among that system's).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct SystemDeadlock {
    pub system: String,
    #[serde(flatten)]
    pub deadlock: Deadlock,
}

/// Every standstill of a study's points (`points[i]` is point i + 1), in point and replication
/// order.
pub fn point_deadlocks<'a>(points: impl IntoIterator<Item = &'a Results>) -> Vec<PointDeadlock> {
    let mut out = Vec::new();
    for (i, results) in points.into_iter().enumerate() {
        for deadlock in &results.deadlocks {
            out.push(PointDeadlock { point: i as u32 + 1, deadlock: deadlock.clone() });
        }
    }
    out
}

/// A component of a standstill and the components its waiting parts may go to.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Stuck {
    pub name: String,
    pub waits_for: Vec<String>,
}

/// The warm-up MSER-5 chose from pilot runs (`warmup = auto`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct WarmupDetection {
    pub method: String,
    /// The chosen warm-up, s (also `warmup_s`).
    pub warmup_s: f64,
    /// Observations of the work-in-process series (equal intervals of the horizon) and how many
    /// of them the truncation deleted.
    pub observations: u32,
    pub deleted: u32,
    /// False when the minimum lies at the edge of the admissible range (the first half of the
    /// run): the run is probably too short to reach steady state, and the warm-up is unreliable.
    pub reliable: bool,
}

/// The outcome of sequential replications (`precision = …`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct PrecisionOutcome {
    /// The target half-width of the mean throughput, as a fraction of the mean.
    pub target: f64,
    /// The relative half-width reached.
    pub achieved: f64,
    pub replications: u32,
    pub max_replications: u32,
    pub reached: bool,
}

/// Whole-system indicators.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Kpis {
    /// Parts reaching any sink per hour, after warm-up.
    pub throughput_per_hour: Stat,
    /// Mean time from creation to a sink, s.
    pub lead_time_s: Stat,
    pub lead_time_p50_s: Stat,
    pub lead_time_p95_s: Stat,
    /// Time-average number of parts in the system.
    pub wip: Stat,
    /// Parts scrapped by catastrophic failures.
    pub scrapped: Stat,
    /// Total cost over the observed period, in the model's currency.
    pub cost: Stat,
    /// Total cost per part delivered: divided by the parts that reached any sink (parts scrapped
    /// by catastrophic failures never do; a sink the model uses for rejects counts like any other).
    pub cost_per_part: Stat,
}
aggregate!(Kpis {
    throughput_per_hour,
    lead_time_s,
    lead_time_p50_s,
    lead_time_p95_s,
    wip,
    scrapped,
    cost,
    cost_per_part
});

/// The line as a whole: each station's failure and maintenance figures, summed or averaged over
/// the stations (see `docs/results.md`).
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct LineResults {
    /// Mean of the stations' availabilities: 1 − (downtime + maintenance time) / (stations ×
    /// observed time).
    pub availability: Stat,
    /// Time the stations were down for repair, summed over stations, s.
    pub downtime_s: Stat,
    /// Time the stations were in maintenance, summed over stations, s.
    pub maintenance_s: Stat,
    /// The stations' lost output, summed: an upper bound on the parts the line lost, since a stop
    /// that a buffer absorbs costs the line nothing and stops that overlap are counted twice.
    pub lost_output: Stat,
    pub failures: Stat,
    pub maintenance_actions: Stat,
    /// Each cost summed over stations (`total` is `kpis.cost`).
    pub costs: CostResults,
}
aggregate!(LineResults {
    availability,
    downtime_s,
    maintenance_s,
    lost_output,
    failures,
    maintenance_actions,
    costs
});

/// One station (or robot). State shares are fractions of server time (0–1) and sum to 1.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct StationResults {
    pub working: Stat,
    pub starved: Stat,
    pub blocked: Stat,
    pub down: Stat,
    pub maintenance: Stat,
    pub setup: Stat,
    /// Availability × performance × quality.
    pub oee: Stat,
    pub availability: Stat,
    /// Ideal work in the observed period (the ideal cycle × the parts processed, each for the
    /// share of its processing time in the period) over the available server time.
    pub performance: Stat,
    pub quality: Stat,
    /// Parts finished.
    pub completions: Stat,
    /// Failures of every mode.
    pub failures: Stat,
    /// Maintenance actions (preventive, predictive or opportunistic).
    pub maintenance_actions: Stat,
    /// Time down for repair, s.
    pub downtime_s: Stat,
    /// Time in maintenance (preventive, predictive or opportunistic), s.
    #[serde(default)]
    pub maintenance_s: Stat,
    /// Parts the station could have made at its ideal rate (`parallel` / ideal cycle) in its
    /// downtime and maintenance time.
    #[serde(default)]
    pub lost_output: Stat,
    /// Parts scrapped here by catastrophic failures.
    pub scrapped: Stat,
    pub costs: CostResults,
    /// Share of time as the momentary bottleneck (sole + shifting).
    pub bottleneck: Stat,
    pub bottleneck_sole: Stat,
    pub bottleneck_shifting: Stat,
    /// What predictive and opportunistic maintenance did.
    #[serde(default)]
    pub maintenance_detail: MaintenanceDetail,
}
aggregate!(StationResults {
    working,
    starved,
    blocked,
    down,
    maintenance,
    setup,
    oee,
    availability,
    performance,
    quality,
    completions,
    failures,
    maintenance_actions,
    downtime_s,
    maintenance_s,
    lost_output,
    scrapped,
    costs,
    bottleneck,
    bottleneck_sole,
    bottleneck_shifting,
    maintenance_detail
});

/// Counts of a station's maintenance strategy over the observed period (0 where the strategy
/// does not apply).
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct MaintenanceDetail {
    /// Inspections of predictive maintenance.
    pub inspections: Stat,
    /// Coming failures detected by inspections or monitoring.
    pub detections: Stat,
    /// Opportunistic maintenance done while the station was starved or blocked.
    pub opportunistic_actions: Stat,
    /// Opportunistic maintenance forced at its due point.
    pub forced_actions: Stat,
    /// Time repairs and maintenance waited for a unit of the station's crew, s.
    pub crew_wait_s: Stat,
    /// Time repairs waited for spare parts, s.
    pub spare_wait_s: Stat,
}
aggregate!(MaintenanceDetail {
    inspections,
    detections,
    opportunistic_actions,
    forced_actions,
    crew_wait_s,
    spare_wait_s
});

/// One resource, used as a crew or as a spare part, over the observed period.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct ResourceResults {
    /// A crew: the time-average share of its units held by jobs.
    pub utilisation: Stat,
    /// Mean wait of the jobs it took (crew) or of the repairs that used a unit (spare part),
    /// from request to start, zero waits included, s.
    pub mean_wait_s: Stat,
    /// Jobs (repairs and maintenance actions) it took, or units of a spare part used.
    pub jobs: Stat,
    /// A spare part: uses that found the stock empty.
    #[serde(default)]
    pub stockouts: Stat,
    /// A spare part: time-average units on hand.
    #[serde(default)]
    pub mean_stock: Stat,
}
aggregate!(ResourceResults { utilisation, mean_wait_s, jobs, stockouts, mean_stock });

/// Costs over the observed period, in the model's currency.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct CostResults {
    pub downtime: Stat,
    pub repair: Stat,
    pub preventive: Stat,
    pub operating: Stat,
    pub parts: Stat,
    pub total: Stat,
}
aggregate!(CostResults { downtime, repair, preventive, operating, parts, total });

#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct BufferResults {
    /// Time-average number of parts held.
    pub mean_content: Stat,
    pub max_content: Stat,
    /// Mean time a departing part spent in the buffer, s.
    pub mean_wait_s: Stat,
}
aggregate!(BufferResults { mean_content, max_content, mean_wait_s });

#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct ConveyorResults {
    pub mean_content: Stat,
    /// Mean time from entering to leaving, s.
    pub mean_transit_s: Stat,
    /// Share of time the exit held a part no successor could take.
    pub blocked: Stat,
}
aggregate!(ConveyorResults { mean_content, mean_transit_s, blocked });

#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct SinkResults {
    pub count: Stat,
    pub throughput_per_hour: Stat,
    pub lead_time_s: Stat,
    pub lead_time_p50_s: Stat,
    pub lead_time_p95_s: Stat,
}
aggregate!(SinkResults {
    count,
    throughput_per_hour,
    lead_time_s,
    lead_time_p50_s,
    lead_time_p95_s
});

#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct Bottleneck {
    pub station: String,
    /// Share of time as the momentary bottleneck (sole + shifting), across replications.
    pub share: Stat,
}

/// A station or the line: its maintenance figures (the table's "maintenance and cost" section, a
/// comparison's availability, downtime and lost output) are shown where it stopped.
pub trait Stops {
    /// Its failures, maintenance actions, time down for repair and time in maintenance.
    fn stop_figures(&self) -> [&Stat; 4];

    /// Whether it stopped in the observed period of any replication: lost time to repairs or
    /// maintenance, or counted a failure or an action. The time decides as well as the counts: a
    /// station that failed in the warm-up and stays down for the whole observed period counts no
    /// failure there but loses all its time, and its section was missing beside its 100 % down.
    fn stopped(&self) -> bool {
        self.stop_figures().iter().any(|stat| stat.values.iter().any(|&value| value != 0.0))
    }
}

impl Stops for LineResults {
    fn stop_figures(&self) -> [&Stat; 4] {
        [&self.failures, &self.maintenance_actions, &self.downtime_s, &self.maintenance_s]
    }
}

impl Stops for StationResults {
    fn stop_figures(&self) -> [&Stat; 4] {
        [&self.failures, &self.maintenance_actions, &self.downtime_s, &self.maintenance_s]
    }
}

/// Counts of the model's timed events over the whole run (warm-up included), per replication.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct EventCounts {
    /// Processing completions.
    pub completions: Stat,
    pub failures: Stat,
    pub repairs: Stat,
    /// Events the engine's event set delivered (including cancelled ones it skipped).
    pub engine: Stat,
}
aggregate!(EventCounts { completions, failures, repairs, engine });

impl Results {
    /// Appends another replication's values to every statistic (same model, same order).
    pub fn merge(&mut self, other: &Results) {
        self.replications += other.replications;
        self.kpis.merge(&other.kpis);
        self.line.merge(&other.line);
        self.stations.merge(&other.stations);
        self.buffers.merge(&other.buffers);
        self.conveyors.merge(&other.conveyors);
        self.sinks.merge(&other.sinks);
        self.products.merge(&other.products);
        self.resources.merge(&other.resources);
        self.events.merge(&other.events);
        self.deadlocks.extend(other.deadlocks.iter().cloned());
    }

    /// Computes every mean and half-width from the merged values, and ranks the bottlenecks.
    pub fn finish(&mut self) {
        let confidence = self.confidence;
        self.kpis.finish(confidence);
        self.line.finish(confidence);
        self.stations.finish(confidence);
        self.buffers.finish(confidence);
        self.conveyors.finish(confidence);
        self.sinks.finish(confidence);
        self.products.finish(confidence);
        self.resources.finish(confidence);
        self.events.finish(confidence);
        let mut ranking: Vec<Bottleneck> = self
            .stations
            .iter()
            .map(|(name, s)| Bottleneck { station: name.to_string(), share: s.bottleneck.clone() })
            .collect();
        // Stable sort: equal shares keep model order.
        ranking.sort_by(|a, b| b.share.mean.total_cmp(&a.share.mean));
        self.bottlenecks = ranking;
    }

    /// Refuses results with a number that is not finite (E0909): infinite or NaN, which the
    /// table would print as `inf` and JSON can only write as `null`, where `docs/results.md`
    /// promises a number. Every value of a real run is far from the largest `f64` (about
    /// 1.8e308); only magnitudes typed wrong (a cost of `1e300 EUR/h`) reach it. `replication`
    /// is the number, counted from 0, of the first replication in these results: a value's
    /// replication is this plus its place in `values`.
    ///
    /// The components come first, then the line, then the KPIs, each in field order, so that the
    /// error names the statistic the overflow started in (a station's `costs.operating`) rather
    /// than a sum it spread to (`kpis.cost`).
    pub fn check_finite(&self, replication: u32) -> Result<(), crate::engine::RunError> {
        let not_finite =
            |stat: &Stat, first| first_not_finite(&stat.values, stat.mean, stat.half_width, first);
        let bad = &|stat: &Stat| not_finite(stat, 0).is_some();
        let Some((path, stat)) = None
            .or_else(|| within("stations", self.stations.find(bad)))
            .or_else(|| within("buffers", self.buffers.find(bad)))
            .or_else(|| within("conveyors", self.conveyors.find(bad)))
            .or_else(|| within("sinks", self.sinks.find(bad)))
            .or_else(|| within("products", self.products.find(bad)))
            .or_else(|| within("resources", self.resources.find(bad)))
            .or_else(|| within("line", self.line.find(bad)))
            .or_else(|| within("kpis", self.kpis.find(bad)))
            .or_else(|| within("events", self.events.find(bad)))
        else {
            return Ok(());
        };
        let (number, value) = not_finite(stat, replication).expect("found not finite");
        Err(crate::engine::RunError::NotFinite { path, number, value })
    }

    /// The station ranked first, when any station was ever the bottleneck.
    pub fn bottleneck(&self) -> Option<&str> {
        self.bottlenecks.first().filter(|b| b.share.mean > 0.0).map(|b| b.station.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RunError;

    fn stat(values: &[f64]) -> Stat {
        Stat { values: values.to_vec(), ..Stat::default() }
    }

    /// Two replications of a line of one station, `press`, with `cost` as its operating cost
    /// and its total, the line's and the KPIs'.
    fn results(cost: &[f64]) -> Results {
        let costs = CostResults { operating: stat(cost), total: stat(cost), ..Default::default() };
        let station = StationResults { costs: costs.clone(), ..Default::default() };
        let mut r = Results {
            confidence: 0.95,
            stations: Named(vec![("press".into(), station)]),
            line: LineResults { costs, ..Default::default() },
            ..Results::default()
        };
        r.kpis.cost = stat(cost);
        r.finish();
        r
    }

    fn error(r: &Results, first: u32) -> (String, NumberOf) {
        match r.check_finite(first) {
            Err(RunError::NotFinite { path, number, .. }) => (path.join("."), number),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn check_finite_names_the_first_number_that_is_not() {
        assert_eq!(results(&[1.0, 2.0]).check_finite(0), Ok(()));
        // The station's own cost before the sums it spreads to; the replication after `first`.
        let expected = ("stations.press.costs.operating".to_string(), NumberOf::Replication(5));
        assert_eq!(error(&results(&[1.0, f64::INFINITY]), 3), expected);
        // Finite values whose spread overflows the largest f64: the half-width.
        let expected = ("stations.press.costs.operating".to_string(), NumberOf::HalfWidth);
        assert_eq!(error(&results(&[0.0, f64::MAX]), 0), expected);
        // Their mean fits: three thirds of the largest f64 rounded upwards, but identical values
        // are their own mean.
        assert_eq!(results(&[f64::MAX, f64::MAX]).check_finite(0), Ok(()));
        assert_eq!(results(&[f64::MAX; 3]).check_finite(0), Ok(()));
        // A mean that is not finite comes after the values and before the half-width.
        let inf = f64::INFINITY;
        assert_eq!(first_not_finite(&[1.0, 2.0], inf, inf, 0), Some((NumberOf::Mean, inf)));
        assert_eq!(
            first_not_finite(&[1.0, inf], inf, 0.0, 2),
            Some((NumberOf::Replication(4), inf))
        );
        let mut nan = results(&[1.0, 2.0]);
        nan.kpis.wip = stat(&[f64::NAN]);
        assert_eq!(error(&nan, 0), ("kpis.wip".to_string(), NumberOf::Replication(1)));
    }
}
