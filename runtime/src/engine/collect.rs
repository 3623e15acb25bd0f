//! One replication's results, gathered from the engine's accumulators at the horizon.
//!
//! Everything is measured over the observed period, from the end of the warm-up to the horizon.
//! A statistic with no observation (the lead time when no part reached a sink) is 0.

use super::station::{BLOCKED, DOWN, MAINTENANCE, SETUP, STARVED, WORKING};
use super::{At, RunError, Sim};
use crate::results::{
    BufferResults, ConveyorResults, CostResults, EventCounts, Kpis, LineResults, Named,
    ResourceResults, Results, SinkResults, Stat, StationResults,
};
use crate::stats::DurationHistogram;
use crate::time::secs;

impl Sim<'_> {
    /// The results of replication `replication` (counted from 0), ended at the horizon, with its
    /// standstill if its line came to one; an error (E0909) if a number overflowed.
    pub(super) fn results(&mut self, replication: u32) -> Result<Results, RunError> {
        let mut results = self.collect();
        results.check_finite(replication)?;
        results.deadlocks.extend(self.deadlock(replication + 1));
        Ok(results)
    }

    fn collect(&mut self) -> Results {
        let now = self.horizon;
        let observed_s = secs(self.horizon - self.warmup);
        let observed_h = observed_s / 3600.0;
        let per_hour = |count: u64| if observed_h > 0.0 { count as f64 / observed_h } else { 0.0 };
        let bottlenecks = self.bottleneck.finish(now);
        let mut stations = Vec::new();
        let mut buffers = Vec::new();
        let mut conveyors = Vec::new();
        let mut sinks = Vec::new();
        // Every lead time after warm-up: the merge of the sinks'.
        let mut all_leads = DurationHistogram::new();
        let mut total_cost = 0.0;
        let mut line = LineTotals::default();
        for c in self.model_order() {
            let name = self.name(c).to_string();
            match self.at(c) {
                At::Station(i) => {
                    let station = &mut self.stations[i];
                    let shares = station.shares(now);
                    let (downtime_s, maintenance_s) = station.stopped_seconds(now);
                    let availability = 1.0 - shares[DOWN] - shares[MAINTENANCE];
                    let run_s = station.parallel() as f64 * observed_s * availability;
                    // The ideal work done inside the observed period, not whole cycles of the
                    // parts completed in it: a part finished just after the warm-up brings
                    // only the share of its processing done after it. Performance credits the
                    // work done on scrapped parts too, and quality is the good share of the
                    // work, so that availability × performance × quality is the good parts'
                    // ideal work over the observed server time: a scrapped part's time is lost
                    // once, from quality.
                    let good_work = station.ideal_work(now);
                    let all_work = good_work + station.scrapped_work();
                    let performance = if run_s > 0.0 { all_work / run_s } else { 0.0 };
                    let quality = if all_work > 0.0 { good_work / all_work } else { 1.0 };
                    let working_s = station.working_seconds(now);
                    let costs = station.cost_breakdown(downtime_s + maintenance_s, working_s);
                    let total = costs.downtime
                        + costs.repair
                        + costs.preventive
                        + costs.operating
                        + costs.parts;
                    total_cost += total;
                    let ideal_rate = if station.ideal_cycle() > 0.0 {
                        station.parallel() as f64 / station.ideal_cycle()
                    } else {
                        0.0
                    };
                    let lost_output = ideal_rate * (downtime_s + maintenance_s);
                    line.stations += 1;
                    line.availability += availability;
                    line.downtime_s += downtime_s;
                    line.maintenance_s += maintenance_s;
                    line.lost_output += lost_output;
                    line.failures += station.cold.failures as f64;
                    line.maintenance_actions += station.cold.maintenance_actions as f64;
                    line.costs[0] += costs.downtime;
                    line.costs[1] += costs.repair;
                    line.costs[2] += costs.preventive;
                    line.costs[3] += costs.operating;
                    line.costs[4] += costs.parts;
                    let share = bottlenecks.get(i).map_or((0.0, 0.0), |b| (b.sole, b.shifting));
                    stations.push((
                        name,
                        StationResults {
                            working: Stat::single(shares[WORKING]),
                            starved: Stat::single(shares[STARVED]),
                            blocked: Stat::single(shares[BLOCKED]),
                            down: Stat::single(shares[DOWN]),
                            maintenance: Stat::single(shares[MAINTENANCE]),
                            setup: Stat::single(shares[SETUP]),
                            oee: Stat::single(availability * performance * quality),
                            availability: Stat::single(availability),
                            performance: Stat::single(performance),
                            quality: Stat::single(quality),
                            completions: Stat::single(station.completions as f64),
                            failures: Stat::single(station.cold.failures as f64),
                            maintenance_actions: Stat::single(
                                station.cold.maintenance_actions as f64,
                            ),
                            downtime_s: Stat::single(downtime_s),
                            maintenance_s: Stat::single(maintenance_s),
                            lost_output: Stat::single(lost_output),
                            scrapped: Stat::single(station.cold.scrapped as f64),
                            costs: CostResults {
                                downtime: Stat::single(costs.downtime),
                                repair: Stat::single(costs.repair),
                                preventive: Stat::single(costs.preventive),
                                operating: Stat::single(costs.operating),
                                parts: Stat::single(costs.parts),
                                total: Stat::single(total),
                            },
                            bottleneck: Stat::single(share.0 + share.1),
                            bottleneck_sole: Stat::single(share.0),
                            bottleneck_shifting: Stat::single(share.1),
                            maintenance_detail: station.maintenance_detail(),
                        },
                    ));
                }
                At::Buffer(i) => {
                    let buffer = &self.buffers[i];
                    buffers.push((
                        name,
                        BufferResults {
                            mean_content: Stat::single(
                                buffer.stays.mean_held(now, buffer.entered()),
                            ),
                            max_content: Stat::single(buffer.stays.max_held()),
                            mean_wait_s: Stat::single(buffer.stays.mean_stay_s()),
                        },
                    ));
                }
                At::Conveyor(i) => {
                    let conveyor = &self.conveyors[i];
                    conveyors.push((
                        name,
                        ConveyorResults {
                            mean_content: Stat::single(conveyor.content.mean(now)),
                            mean_transit_s: Stat::single(conveyor.transit.mean_s()),
                            blocked: Stat::single(conveyor.blocked_share(now)),
                        },
                    ));
                }
                At::Sink(i) => {
                    let lead = &self.sinks[i].lead;
                    all_leads.merge(lead);
                    sinks.push((name, sink_results(lead, per_hour)));
                }
                At::Source(_) => {}
            }
        }
        let products = self
            .model
            .products
            .iter()
            .enumerate()
            .map(|(p, product)| {
                (product.name.clone(), sink_results(&self.product_lead[p], per_hour))
            })
            .collect();
        let resources = self
            .model
            .resources
            .iter()
            .zip(self.crews.iter().zip(&self.spares))
            .map(|(resource, (crew, spare))| {
                let results = match spare {
                    Some(spare) => ResourceResults {
                        utilisation: Stat::single(0.0),
                        mean_wait_s: Stat::single(spare.wait.mean_s()),
                        jobs: Stat::single(spare.wait.count() as f64),
                        stockouts: Stat::single(spare.stockouts as f64),
                        mean_stock: Stat::single(spare.stock.mean(now)),
                    },
                    None => ResourceResults {
                        utilisation: Stat::single(crew.held.mean(now) / f64::from(crew.count())),
                        mean_wait_s: Stat::single(crew.wait.mean_s()),
                        jobs: Stat::single(crew.wait.count() as f64),
                        stockouts: Stat::single(0.0),
                        mean_stock: Stat::single(0.0),
                    },
                };
                (resource.name.clone(), results)
            })
            .collect();
        let experiment = self.experiment;
        Results {
            fab_version: env!("CARGO_PKG_VERSION").to_string(),
            model_hash: String::new(),
            experiment: experiment.name.clone(),
            scenario: None,
            seed: experiment.seed,
            replications: 1,
            // The times the clock ran, whole nanoseconds: those the rates are per.
            horizon_s: secs(self.horizon),
            warmup_s: secs(self.warmup),
            confidence: experiment.confidence,
            currency: self.model.currency.clone(),
            kpis: Kpis {
                throughput_per_hour: Stat::single(per_hour(all_leads.count())),
                lead_time_s: Stat::single(all_leads.mean_s()),
                lead_time_p50_s: Stat::single(all_leads.quantile(0.5)),
                lead_time_p95_s: Stat::single(all_leads.quantile(0.95)),
                wip: Stat::single(self.wip.mean(now)),
                scrapped: Stat::single(self.scrapped as f64),
                cost: Stat::single(total_cost),
                cost_per_part: Stat::single(if all_leads.count() > 0 {
                    total_cost / all_leads.count() as f64
                } else {
                    0.0
                }),
            },
            line: LineResults {
                availability: Stat::single(if line.stations > 0 {
                    line.availability / line.stations as f64
                } else {
                    1.0
                }),
                downtime_s: Stat::single(line.downtime_s),
                maintenance_s: Stat::single(line.maintenance_s),
                lost_output: Stat::single(line.lost_output),
                failures: Stat::single(line.failures),
                maintenance_actions: Stat::single(line.maintenance_actions),
                costs: CostResults {
                    downtime: Stat::single(line.costs[0]),
                    repair: Stat::single(line.costs[1]),
                    preventive: Stat::single(line.costs[2]),
                    operating: Stat::single(line.costs[3]),
                    parts: Stat::single(line.costs[4]),
                    total: Stat::single(total_cost),
                },
            },
            stations: Named(stations),
            buffers: Named(buffers),
            conveyors: Named(conveyors),
            sinks: Named(sinks),
            products: Named(products),
            resources: Named(resources),
            bottlenecks: Vec::new(),
            events: EventCounts {
                completions: Stat::single(self.counters.completions as f64),
                failures: Stat::single(self.counters.failures as f64),
                repairs: Stat::single(self.counters.repairs as f64),
                engine: Stat::single(self.counters.engine as f64),
            },
            warmup_detection: None,
            precision: None,
            deadlocks: Vec::new(),
        }
    }
}

/// Sums over the stations for [`LineResults`].
#[derive(Default)]
struct LineTotals {
    stations: u32,
    /// Sum of the stations' availabilities (averaged at the end).
    availability: f64,
    downtime_s: f64,
    maintenance_s: f64,
    lost_output: f64,
    failures: f64,
    maintenance_actions: f64,
    /// downtime, repair, preventive, operating, parts
    costs: [f64; 5],
}

/// What a sink or a product reports: parts, their rate and their lead times' mean and quantiles.
fn sink_results(lead: &DurationHistogram, per_hour: impl Fn(u64) -> f64) -> SinkResults {
    SinkResults {
        count: Stat::single(lead.count() as f64),
        throughput_per_hour: Stat::single(per_hour(lead.count())),
        lead_time_s: Stat::single(lead.mean_s()),
        lead_time_p50_s: Stat::single(lead.quantile(0.5)),
        lead_time_p95_s: Stat::single(lead.quantile(0.95)),
    }
}
