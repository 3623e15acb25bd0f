//! Maintenance strategies, crews and spare parts in cases with known answers: the models in
//! `tests/maintenance/`, each described in its header.

mod support;

use fab_compiler::{Database, compile, load_model};
use fab_runtime::experiment::{Overrides, Study};
use fab_runtime::results::{Results, StationResults};
use fab_runtime::stats::mean_half_width;

/// Compiles a model of `tests/maintenance/` and runs one of its experiments or scenarios.
fn run(file: &str, study: Option<&str>) -> Results {
    run_path(&support::repo().join("tests/maintenance").join(file), study)
}

fn run_path(path: &std::path::Path, study: Option<&str>) -> Results {
    let mut db = Database::default();
    let root = load_model(&mut db, &path.to_string_lossy()).expect("the model file reads");
    let compilation = compile(&db, root);
    let model = compilation.model.unwrap_or_else(|| {
        panic!("{} does not compile: {:?}", path.display(), compilation.diagnostics)
    });
    let study = Study::resolve(&model, study, &Overrides::default()).expect("the study exists");
    study.run(0, &|_| {}).expect("the model runs")
}

fn station<'r>(results: &'r Results, name: &str) -> &'r StationResults {
    results.stations.get(name).unwrap_or_else(|| panic!("no station `{name}`"))
}

/// `expected` lies in the confidence interval of the per-replication `values`.
#[track_caller]
fn assert_covers(values: &[f64], confidence: f64, expected: f64, what: &str) {
    let (mean, half_width) = mean_half_width(values, confidence);
    assert!(
        (mean - expected).abs() <= half_width,
        "{what}: {expected} is outside {mean} ± {half_width} ({values:?})"
    );
}

#[test]
fn continuous_monitoring_replaces_every_life_at_the_threshold() {
    let r = run("predictive.fab", None);
    let monitored = station(&r, "monitored");
    assert!(monitored.failures.values.iter().all(|f| *f == 0.0), "{:?}", monitored.failures);
    assert_eq!(
        monitored.maintenance_detail.detections.values,
        monitored.maintenance_actions.values
    );
    // Actions start at the renewals of a (delayed) renewal process of cycles 0.8·L + 0.5 h with
    // L ~ Weibull(2, 100 h): mean m = 0.8·100·Γ(1.5) + 0.5 = 71.398 h, sd s = 0.8·100·√(1 − π/4)
    // = 37.060 h. Over H = 20,000 h, E[N] = (H + 0.5)/m + (s² − m²)/(2m²) + o(1).
    let (m, s) = (0.8 * 100.0 * 0.886_226_925_452_758 + 0.5, 0.8 * 100.0 * 0.463_251_375_259_4);
    let expected = (20_000.5) / m + (s * s - m * m) / (2.0 * m * m);
    assert_covers(&monitored.maintenance_actions.values, r.confidence, expected, "actions");
}

#[test]
fn blind_monitoring_fails_exactly_as_reactive_maintenance() {
    let blind = run("predictive.fab", Some("blind"));
    let reactive = run("predictive.fab", Some("unmaintained"));
    let (blind, reactive) = (station(&blind, "monitored"), station(&reactive, "monitored"));
    assert!(blind.failures.mean > 100.0);
    assert_eq!(blind.failures.values, reactive.failures.values);
    assert_eq!(blind.completions.values, reactive.completions.values);
    assert_eq!(blind.down.values, reactive.down.values);
    assert!(blind.maintenance_actions.values.iter().all(|n| *n == 0.0));
}

#[test]
fn two_inspections_in_the_pf_window_catch_84_percent() {
    let r = run("predictive.fab", None);
    let inspected = station(&r, "inspected");
    // Inspections every 25 h of calendar time from 25 h on.
    let inspections = (20_000.0_f64 / 25.0).floor();
    let detail = &inspected.maintenance_detail;
    assert!(detail.inspections.values.iter().all(|n| *n == inspections));
    // Every life ends caught (one detection, one action) or failed.
    assert_eq!(detail.detections.values, inspected.maintenance_actions.values);
    let caught: Vec<f64> = detail
        .detections
        .values
        .iter()
        .zip(&inspected.failures.values)
        .map(|(caught, failed)| caught / (caught + failed))
        .collect();
    assert_covers(&caught, r.confidence, 1.0 - 0.4 * 0.4, "share of lives caught");
    // Each inspection costs 5 EUR, each action 100 EUR: both are maintenance costs.
    for ((cost, actions), inspections) in inspected
        .costs
        .preventive
        .values
        .iter()
        .zip(&inspected.maintenance_actions.values)
        .zip(&detail.inspections.values)
    {
        assert_eq!(*cost, 100.0 * actions + 5.0 * inspections);
    }
}

#[test]
fn a_wide_window_maintains_only_while_starved() {
    let r = run("opportunistic.fab", None);
    for name in ["busy_clocked", "calendar_clocked"] {
        let s = station(&r, name);
        let detail = &s.maintenance_detail;
        assert!(s.maintenance_actions.mean > 10.0, "{name}");
        assert_eq!(detail.opportunistic_actions.values, s.maintenance_actions.values, "{name}");
        assert!(detail.forced_actions.values.iter().all(|n| *n == 0.0), "{name}");
        // A 2 min action in a 3 min idle spell delays no part: 11,999 parts leave in 2,000 h
        // (the 12,000th is still in process).
        assert!(s.completions.values.iter().all(|n| *n == 11_999.0), "{name}");
    }
    // The busy-time window opens after 2,700 min of work, 385.7 cycles: each action follows
    // cycle 386 k, at (3,860 k − 3) min; 31 of them fit in 120,000 min.
    let busy = station(&r, "busy_clocked");
    assert!(busy.maintenance_actions.values.iter().all(|n| *n == 31.0));
}

#[test]
fn a_window_beyond_the_interval_is_open_from_the_end_of_each_maintenance() {
    // The window opens `window` before the due point, which lies before the end of the previous
    // maintenance: it is open at once, not at a moment already past.
    let r = run("opportunistic.fab", Some("window_beyond_interval"));
    let s = station(&r, "calendar_clocked");
    let detail = &s.maintenance_detail;
    assert!(s.maintenance_actions.mean > 1000.0, "{:?}", s.maintenance_actions);
    assert_eq!(detail.opportunistic_actions.values, s.maintenance_actions.values);
    assert!(detail.forced_actions.values.iter().all(|n| *n == 0.0));
    for i in 0..s.working.values.len() {
        let total = support::share_total(s, i);
        assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
    }
}

#[test]
fn no_window_is_preventive_maintenance() {
    let opportunistic = run("opportunistic.fab", Some("no_window"));
    let preventive = run("opportunistic.fab", Some("plain_preventive"));
    for name in ["busy_clocked", "calendar_clocked"] {
        let (o, p) = (station(&opportunistic, name), station(&preventive, name));
        assert_eq!(o.maintenance_actions.values, p.maintenance_actions.values, "{name}");
        assert_eq!(o.maintenance.values, p.maintenance.values, "{name}");
        assert_eq!(o.working.values, p.working.values, "{name}");
        assert_eq!(o.completions.values, p.completions.values, "{name}");
        assert_eq!(o.maintenance_detail.forced_actions.values, o.maintenance_actions.values);
        assert!(o.maintenance_detail.opportunistic_actions.values.iter().all(|n| *n == 0.0));
    }
}

#[test]
fn one_technician_for_two_machines_is_the_machine_repair_queue() {
    let r = run("crew.fab", None);
    // ρ = 0.1: p₀ = 1 / 1.22, p₁ = 0.2 p₀, p₂ = 0.02 p₀ (see the model's header).
    let p0 = 1.0 / 1.22;
    let (p1, p2) = (0.2 * p0, 0.02 * p0);
    let crew = r.resources.get("technicians").expect("the crew is reported");
    assert_covers(&crew.utilisation.values, r.confidence, 1.0 - p0, "technician utilisation");
    let wait_h = p2 / ((2.0 * p0 + p1) / 100.0);
    assert_covers(&crew.mean_wait_s.values, r.confidence, wait_h * 3600.0, "mean repair wait");
    for name in ["left", "right"] {
        let s = station(&r, name);
        assert_covers(&s.down.values, r.confidence, (p1 + 2.0 * p2) / 2.0, name);
        // Waiting for the technician is down time on top of the repairs themselves.
        let waits = &s.maintenance_detail.crew_wait_s.values;
        assert!(waits.iter().all(|w| *w > 0.0), "{name}: {waits:?}");
        assert!(s.downtime_s.values.iter().zip(waits).all(|(down, wait)| down > wait));
    }
}

#[test]
fn a_technician_per_machine_is_the_uncrewed_model() {
    let crewed = run("crew.fab", Some("own_technicians"));
    // The same model without any crew, written beside the test's other files.
    let text = std::fs::read_to_string(support::repo().join("tests/maintenance/crew.fab"))
        .expect("the model reads");
    let uncrewed_text = text.replace("    crew = technicians\n", "");
    assert_ne!(text, uncrewed_text);
    let path = support::write_temp("uncrewed.fab", &uncrewed_text);
    let uncrewed = run_path(std::path::Path::new(&path), None);
    for name in ["left", "right"] {
        let (a, b) = (station(&crewed, name), station(&uncrewed, name));
        assert!(a.failures.mean > 100.0);
        assert_eq!(a.failures.values, b.failures.values, "{name}");
        assert_eq!(a.down.values, b.down.values, "{name}");
        assert!(a.maintenance_detail.crew_wait_s.values.iter().all(|w| *w == 0.0));
    }
    let own = crewed.resources.get("left_technician").unwrap();
    assert_eq!(own.utilisation.values, station(&crewed, "left").down.values);
}

#[test]
fn a_scenario_overrides_a_resource() {
    // Two technicians for two machines: nobody ever waits, as with one technician each.
    let shared = run("crew.fab", Some("two_technicians"));
    let own = run("crew.fab", Some("own_technicians"));
    assert_eq!(shared.resources.get("technicians").unwrap().jobs.mean, {
        let (l, r) = (station(&own, "left"), station(&own, "right"));
        l.failures.mean + r.failures.mean
    });
    for name in ["left", "right"] {
        let (a, b) = (station(&shared, name), station(&own, name));
        assert_eq!(a.failures.values, b.failures.values, "{name}");
        assert_eq!(a.down.values, b.down.values, "{name}");
        assert!(a.maintenance_detail.crew_wait_s.values.iter().all(|w| *w == 0.0));
    }
    // The base keeps its one technician, and its machines wait for him.
    let base = run("crew.fab", None);
    assert!(station(&base, "left").maintenance_detail.crew_wait_s.mean > 0.0);
}

#[test]
fn a_one_for_one_reorder_makes_every_second_failure_wait() {
    let r = run("spares.fab", None);
    let machine = station(&r, "machine");
    let bearings = r.resources.get("bearings").expect("the spare part is reported");
    let hours = |values: &[f64]| values.iter().map(|s| s / 3600.0).collect::<Vec<f64>>();
    for replication in 0..2 {
        assert_eq!(machine.failures.values[replication], 76.0);
        assert_eq!(bearings.stockouts.values[replication], 38.0);
        assert_eq!(bearings.jobs.values[replication], 76.0);
        assert_eq!(hours(&machine.maintenance_detail.spare_wait_s.values)[replication], 152.0);
        assert_eq!(hours(&machine.downtime_s.values)[replication], 228.0);
    }
    let ample = run("spares.fab", Some("two_in_stock"));
    let machine = station(&ample, "machine");
    let pair = ample.resources.get("bearing_pair").unwrap();
    assert!(machine.failures.values.iter().all(|n| *n == 90.0));
    assert!(pair.stockouts.values.iter().all(|n| *n == 0.0));
    assert!(hours(&machine.downtime_s.values).iter().all(|h| (h - 90.0).abs() < 1e-9));
}

#[test]
fn waits_for_parts_and_crews_count_over_the_observed_period() {
    // Waits still under way at the horizon used to count nothing, and a wait that began before
    // the warm-up counted whole (5 h of bearing wait in a 5 h period that also holds a 2 h repair).
    let hours = |s: f64| s / 3600.0;
    for (experiment, bearing, fitter) in [("open", 2.0, 2.0), ("cut", 3.0, 1.0)] {
        let r = run("waits.fab", Some(experiment));
        let a = station(&r, "a");
        assert_eq!(hours(a.maintenance_detail.spare_wait_s.mean), bearing, "{experiment}");
        let crew: f64 =
            ["b", "c"].iter().map(|s| station(&r, s).maintenance_detail.crew_wait_s.mean).sum();
        assert_eq!(hours(crew), fitter, "{experiment}");
        // Waiting for the part is part of being down.
        assert!(a.maintenance_detail.spare_wait_s.mean <= a.downtime_s.mean, "{experiment}");
    }
}

#[test]
fn one_operator_for_two_stations_works_one_at_a_time() {
    let r = run("operators.fab", None);
    let operators = r.resources.get("operators").unwrap();
    assert!(r.sinks.get("done").unwrap().count.values.iter().all(|n| *n == 494.0));
    assert!(operators.utilisation.values.iter().all(|u| (u - 5930.0 / 5940.0).abs() < 1e-12));
    // `cut` waits while `fold` works (2, 4, then 6 min); `fold` never waits.
    assert!(operators.mean_wait_s.values.iter().all(|w| *w > 0.0 && *w < 6.0 * 60.0));
    let cut = station(&r, "cut");
    assert!(cut.starved.mean > 0.5, "waiting for the operator counts as starved");
    let pair = run("operators.fab", Some("two_operators"));
    assert!(pair.sinks.get("done").unwrap().count.values.iter().all(|n| *n == 592.0));
    let operators = pair.resources.get("operator_pair").unwrap();
    assert!(operators.mean_wait_s.values.iter().all(|w| *w == 0.0));
    // A resource listed twice is held twice: `cut` takes both units, never one of them while
    // `fold` holds the other (which gave 592 parts and three units held of two).
    let both = run("operators.fab", Some("pair_at_cut"));
    assert!(both.sinks.get("done").unwrap().count.values.iter().all(|n| *n == 494.0));
    let operators = both.resources.get("operator_pair").unwrap();
    let held = 8896.0 / (2.0 * 5940.0);
    assert!(operators.utilisation.values.iter().all(|u| (u - held).abs() < 1e-12), "{operators:?}");
}
