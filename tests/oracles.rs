//! The runtime against analytic results (`../shared/data/oracles/ORACLES.md`): each model in
//! `tests/oracles/` reproduces one oracle, and each check asks that the analytic value lie inside
//! the simulation's own confidence interval (99 %, from 20 independent replications with fixed
//! seeds). The analytic values are written here; the oracle sheet's section is cited for each.

mod support;

use fab_compiler::{Database, compile, load_model};
use fab_runtime::engine::{TraceEvent, TraceKind};
use fab_runtime::experiment::{Overrides, Study};
use fab_runtime::results::{Results, Stat};
use fab_runtime::simulate_traced;
use fab_stdlib::fit::gof;

/// Compiles a model of `tests/oracles/` and runs one of its experiments or scenarios.
fn run(file: &str, study: Option<&str>) -> Results {
    run_with(&format!("tests/oracles/{file}"), study, &Overrides::default())
}

fn run_with(path: &str, study: Option<&str>, overrides: &Overrides) -> Results {
    resolve(path, study, overrides).run(0, &|_| {}).expect("the model runs")
}

fn resolve(path: &str, study: Option<&str>, overrides: &Overrides) -> Study {
    let path = support::repo().join(path);
    let mut db = Database::default();
    let root = load_model(&mut db, &path.to_string_lossy()).expect("the model file reads");
    let compilation = compile(&db, root);
    let model = compilation.model.unwrap_or_else(|| {
        panic!("{} does not compile: {:?}", path.display(), compilation.diagnostics)
    });
    Study::resolve(&model, study, overrides).expect("the study exists")
}

/// The analytic value lies in the confidence interval.
#[track_caller]
fn assert_covers(stat: &Stat, expected: f64, what: &str) {
    assert!(stat.values.len() > 1, "{what}: needs replications");
    assert!(
        (stat.mean - expected).abs() <= stat.half_width,
        "{what}: analytic {expected} is outside {} ± {} (values {:?})",
        stat.mean,
        stat.half_width,
        stat.values
    );
}

const MIN: f64 = 60.0;

#[test]
fn mm1_matches_its_closed_form() {
    let r = run("mm1.fab", None);
    assert_covers(&r.kpis.wip, 4.0, "M/M/1 L");
    assert_covers(&r.kpis.lead_time_s, 5.0 * MIN, "M/M/1 W");
    assert_covers(&r.stations.get("server").unwrap().working, 0.8, "M/M/1 utilisation");
    assert_covers(&r.buffers.get("queue").unwrap().mean_content, 3.2, "M/M/1 Lq");
    assert_covers(&r.buffers.get("queue").unwrap().mean_wait_s, 4.0 * MIN, "M/M/1 Wq");
    assert_covers(&r.kpis.throughput_per_hour, 48.0, "M/M/1 throughput");
    // The sojourn time is exponential with rate μ − λ = 0.2/min: median 5 ln 2 min, p95 5 ln 20.
    assert_covers(&r.kpis.lead_time_p50_s, 5.0 * MIN * std::f64::consts::LN_2, "M/M/1 median W");
    assert_covers(&r.kpis.lead_time_p95_s, 5.0 * MIN * 2.995_732_273_553_991, "M/M/1 p95 W");
}

#[test]
fn mmc_matches_erlang_c() {
    let r = run("mmc.fab", None);
    assert_covers(&r.kpis.wip, 26.0 / 9.0, "M/M/3 L");
    assert_covers(&r.kpis.lead_time_s, 13.0 / 9.0 * MIN, "M/M/3 W");
    assert_covers(&r.buffers.get("queue").unwrap().mean_wait_s, 4.0 / 9.0 * MIN, "M/M/3 Wq");
    assert_covers(&r.stations.get("servers").unwrap().working, 2.0 / 3.0, "M/M/3 utilisation");
}

#[test]
fn an_assembly_with_one_part_always_on_hand_is_mmc() {
    // The same M/M/3 queue as `mmc.fab`, through an assembly station whose second part is always
    // there. Its queue's wait read 0.83 min against Erlang C's 4/9: a refused A waited for a
    // server to free rather than for one idle.
    let r = run("assembly_mmc.fab", None);
    assert_covers(&r.buffers.get("queue").unwrap().mean_wait_s, 4.0 / 9.0 * MIN, "M/M/3 Wq");
    assert_covers(&r.stations.get("servers").unwrap().working, 2.0 / 3.0, "M/M/3 utilisation");
}

#[test]
fn mg1_depends_only_on_the_first_two_moments() {
    // W = E[S] + λ E[S]² (1 + c²) / (2 (1 − ρ)) with λ = 0.8/min, E[S] = 1 min.
    let w = |scv: f64| (1.0 + 0.8 * (1.0 + scv) / (2.0 * 0.2)) * MIN;
    for (study, scv) in [
        (None, 1.0),
        (Some("constant_service"), 0.0),
        (Some("uniform_service"), 1.0 / 12.0),
        (Some("erlang_service"), 0.5),
        (Some("scv4_service"), 4.0),
    ] {
        let r = run("mg1.fab", study);
        let name = study.unwrap_or("exponential_service");
        assert_covers(&r.kpis.lead_time_s, w(scv), &format!("M/G/1 W, {name}"));
        assert_covers(&r.kpis.wip, 0.8 * w(scv) / MIN, &format!("M/G/1 L, {name}"));
    }
}

#[test]
fn jackson_network_with_rework_has_product_form() {
    let r = run("jackson.fab", None);
    assert_covers(&r.kpis.wip, 1.960331, "Jackson total L");
    assert_covers(&r.kpis.lead_time_s, 1.960331 * MIN, "Jackson sojourn W");
    for (station, rho) in [("s1", 0.378788), ("s2", 0.340909), ("s3", 0.454545)] {
        assert_covers(
            &r.stations.get(station).unwrap().working,
            rho,
            &format!("Jackson utilisation of {station}"),
        );
    }
    // Visits to station 1 per part: its completions over the parts that left.
    let s1 = &r.stations.get("s1").unwrap().completions;
    let done = &r.sinks.get("done").unwrap().count;
    let visits: Vec<f64> = s1.values.iter().zip(&done.values).map(|(a, b)| a / b).collect();
    let (mean, half_width) = fab_runtime::stats::mean_half_width(&visits, 0.99);
    assert!((mean - 1.136364).abs() <= half_width.max(1e-3), "visits {mean} ± {half_width}");
}

#[test]
fn two_station_line_matches_the_birth_death_chain() {
    let per_hour = |per_minute: f64| per_minute * 60.0;
    for (study, th) in [
        (None, 0.725275),
        (Some("buffer1"), 0.813711),
        (Some("buffer2"), 0.865620),
        (Some("buffer5"), 0.939391),
        (Some("buffer10"), 0.979380),
        (Some("equal0"), 2.0 / 3.0),
        (Some("equal1"), 3.0 / 4.0),
        (Some("equal2"), 4.0 / 5.0),
    ] {
        let r = run("two_station.fab", study);
        let name = study.unwrap_or("buffer0");
        assert_covers(
            &r.kpis.throughput_per_hour,
            per_hour(th),
            &format!("two-station TH, {name}"),
        );
    }
}

#[test]
fn availability_is_mtbf_over_mtbf_plus_mttr() {
    let r = run("availability.fab", None);
    let machine = r.stations.get("machine").unwrap();
    assert_covers(&machine.down, 20.0 / 500.0, "calendar: down share");
    assert_covers(&machine.availability, 0.96, "calendar: availability");
    assert_covers(&r.kpis.throughput_per_hour, 57.6, "calendar: output");

    let r = run("availability.fab", Some("wearout"));
    let mtbf = 10.0 * 0.887_263_817_503_075_3; // 10 h · Γ(1.4)
    let a = mtbf / (mtbf + 0.5);
    assert_covers(&r.stations.get("machine").unwrap().availability, a, "wear-out: availability");
    assert_covers(&r.kpis.throughput_per_hour, 60.0 * a, "wear-out: output");

    let r = run("availability.fab", Some("busy"));
    // Each hour of work loses 20 min / 8 h of repair: A = 8 h / (8 h + 20 min) again.
    assert_covers(&r.stations.get("machine").unwrap().availability, 0.96, "busy: availability");
    assert_covers(&r.kpis.throughput_per_hour, 57.6, "busy: output");
}

#[test]
fn conveyors_follow_their_kinematics() {
    // Everything is deterministic here, so the identities hold exactly.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let r = run("conveyor.fab", None);
    let belt = r.conveyors.get("belt").unwrap();
    assert!(
        close(r.kpis.throughput_per_hour.mean, 4500.0),
        "v/s: {:?}",
        r.kpis.throughput_per_hour
    );
    assert!(close(belt.mean_transit_s.mean, 24.0), "ℓ/v: {:?}", belt.mean_transit_s);
    assert!(close(belt.mean_content.mean, 30.0), "ℓ/s: {:?}", belt.mean_content);
    assert_eq!(belt.blocked.mean, 0.0);

    for scenario in ["slow_exit", "slow_exit_belt"] {
        let r = run("conveyor.fab", Some(scenario));
        let belt = r.conveyors.get("belt").unwrap();
        // 1800 parts/h, plus the one part the exit finishes at the start of the observed hour.
        let th = r.kpis.throughput_per_hour.mean;
        assert!((th - 1800.0).abs() < 0.2, "{scenario}: throughput {th}");
        // The belt is full: 30 parts 0.4 m apart, each waiting 30 exit cycles.
        assert!(close(belt.mean_content.mean, 30.0), "{scenario}: {:?}", belt.mean_content);
        assert!(close(belt.mean_transit_s.mean, 60.0), "{scenario}: {:?}", belt.mean_transit_s);
        // Per exit cycle of 2 s the front part waits 2 − 0.4/0.5 = 1.2 s.
        assert!((belt.blocked.mean - 0.6).abs() < 1e-9, "{scenario}: {:?}", belt.blocked);
    }
}

#[test]
fn a_freely_moving_conveyor_carries_speed_over_spacing_whatever_its_length() {
    // ℓ/s is not whole: a part enters once the one before has moved s, so the belt carries v/s,
    // each part for ℓ/v, with ℓ/s parts on it (Little). A count limit ⌊ℓ/s⌋ on a free belt gave
    // ⌊ℓ/s⌋·v/ℓ instead: 864 parts/h and 1809 parts/h here.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    for (study, length, speed, spacing) in [
        (None, 10.0, 0.4, 1.5),
        (Some("free_flow_belt"), 10.0, 0.4, 1.5),
        (Some("short"), 1.99, 1.0, 1.0),
        (Some("short_belt"), 1.99, 1.0, 1.0),
    ] {
        let r = run("conveyor_pitch.fab", study);
        let name = study.unwrap_or("free_flow");
        let belt = r.conveyors.get("belt").unwrap();
        let th = r.kpis.throughput_per_hour.mean;
        assert!(close(th, 3600.0 * speed / spacing), "{name}: v/s, throughput {th}");
        assert!(
            close(belt.mean_transit_s.mean, length / speed),
            "{name}: ℓ/v {:?}",
            belt.mean_transit_s
        );
        assert!(
            close(belt.mean_content.mean, length / spacing),
            "{name}: ℓ/s {:?}",
            belt.mean_content
        );
        assert_eq!(belt.blocked.mean, 0.0, "{name}");
    }
}

#[test]
fn unreliable_two_machine_line_matches_the_gershwin_chain() {
    // Zero-buffer value 1/(1 + p1/r1 + p2/r2) and the isolated efficiency r/(r + p) bound the
    // throughput strictly; it grows with the buffer.
    let (zero_buffer, efficiency) = (1.0 / 1.2, 0.1 / 0.11);
    let mut previous = 0.0;
    for (study, th) in [
        (None, 0.833699),
        (Some("n3"), 0.837500),
        (Some("n5"), 0.844058),
        (Some("n10"), 0.856175),
        (Some("n20"), 0.870541),
        (Some("n50"), 0.887845),
    ] {
        let r = run("unreliable_line.fab", study);
        let name = study.unwrap_or("n2");
        let per_second = |s: &Stat| Stat {
            mean: s.mean / 3600.0,
            half_width: s.half_width / 3600.0,
            values: s.values.iter().map(|v| v / 3600.0).collect(),
        };
        let measured = per_second(&r.kpis.throughput_per_hour);
        assert_covers(&measured, th, &format!("Gershwin line TH, {name}"));
        assert!(measured.mean < efficiency, "{name}: above the isolated efficiency");
        if study.is_some() {
            assert!(measured.mean > zero_buffer, "{name}: below the zero-buffer bound");
        }
        assert!(measured.mean > previous - measured.half_width, "{name}: not increasing with N");
        previous = measured.mean;
    }
}

#[test]
fn a_robot_cycle_is_its_motion_plus_its_process() {
    let r = run("robot.fab", None);
    // The cycle closes: the move from the last point back to the first is part of it.
    let back = 0.25f64.hypot(0.2);
    let cycle = 1.5 + 1.25 + 2.0 * (0.2f64 / 2.0).sqrt() + 2.0 * (back / 2.0).sqrt() + 1.0;
    let expected = 3600.0 / cycle;
    // Deterministic: only the part unfinished at the horizon is missing (1 part in 10 h).
    let th = r.kpis.throughput_per_hour.mean;
    assert!((th - expected).abs() <= 0.1, "robot throughput {th}, expected {expected}");
    let working = r.stations.get("picker").unwrap().working.mean;
    assert!(working > 0.9999, "an always-fed robot works all the time: {working}");
}

#[test]
fn a_robot_with_one_motion_limit_moves_under_that_limit() {
    // Speed alone: d/v per move. Acceleration alone: a triangle, 2·√(d/a) per move. Both used to
    // give no motion at all, only the process time.
    let r = run("robot_limits.fab", None);
    let moves = [1.0f64, 0.75, 0.2, 0.25f64.hypot(0.2)];
    let by_speed = 1.0 + moves.iter().map(|d| d / 1.0).sum::<f64>();
    let by_accel = 1.0 + moves.iter().map(|d| 2.0 * (d / 2.0).sqrt()).sum::<f64>();
    for (name, cycle) in [("by_speed", by_speed), ("by_accel", by_accel)] {
        // Deterministic and always fed: every whole cycle in 10 h completes.
        let completions = r.stations.get(name).unwrap().completions.mean;
        assert_eq!(completions, (36000.0 / cycle).floor(), "{name}: cycle {cycle} s");
    }
}

#[test]
fn failure_clocks_virtual_age_and_maintenance_intervals() {
    let r = run("repairs.fab", None);
    let hours = r.horizon_s / 3600.0;

    // Minimal repair: a non-homogeneous Poisson process with mean count (B / η)^β over the busy
    // time B. Each replication's B is known, so compare replication by replication.
    let worn = r.stations.get("worn").unwrap();
    let expected: Vec<f64> =
        worn.working.values.iter().map(|w| (w * hours / 100.0) * (w * hours / 100.0)).collect();
    let mean_expected = expected.iter().sum::<f64>() / expected.len() as f64;
    assert_covers(&worn.failures, mean_expected, "minimal repair: failures = cumulative hazard");

    // A cycle-count law fails exactly at every 500th completion.
    let counted = r.stations.get("counted").unwrap();
    for (failures, completions) in counted.failures.values.iter().zip(&counted.completions.values) {
        assert_eq!(*failures, (completions / 500.0).floor(), "one failure per 500 cycles");
    }

    // Preventive maintenance every 100 h, counted from the end of the previous 2 h action.
    let serviced = r.stations.get("serviced").unwrap();
    assert!(serviced.maintenance_actions.values.iter().all(|n| *n == 10.0));
    assert!(
        (serviced.maintenance.mean - 20.0 / 1020.0).abs() < 1e-12,
        "{:?}",
        serviced.maintenance
    );
}

/// The lives a station's mode completed in a trace: its age at each failure.
fn lives(trace: &[TraceEvent], station: &str, mode: &str) -> Vec<f64> {
    trace
        .iter()
        .filter(|e| e.station == station && e.mode == mode && e.event == TraceKind::Failure)
        .map(|e| e.age)
        .collect()
}

/// The Kolmogorov–Smirnov p-value of a sample against a law fixed in advance.
fn ks_p_value(mut sample: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    sample.sort_by(f64::total_cmp);
    let pairs: Vec<(f64, f64)> = sample.iter().map(|&x| (cdf(x), 1.0 - cdf(x))).collect();
    let d = gof::kolmogorov_smirnov_statistic(&pairs);
    gof::kolmogorov_smirnov_p_value(sample.len(), d)
}

#[test]
fn simulated_lives_pass_a_ks_test_against_their_law() {
    // One replication of 10,000 h at a fixed seed; the KS test at the 1 % level.
    let overrides = Overrides { horizon: Some(10_000.0 * 3600.0), ..Overrides::default() };
    let study = resolve("tests/oracles/lives.fab", None, &overrides);
    let (results, trace) = simulate_traced(&study.model, &study.experiment, 0).expect("it runs");
    let weibull = |x: f64| 1.0 - (-(x / 36_000.0).powf(2.5)).exp(); // shape 2.5, scale 10 h
    for station in ["wear", "worn"] {
        let lives = lives(&trace, station, "bearing");
        assert!(lives.len() >= 500, "{station}: only {} lives", lives.len());
        // The trace and the results count the same failures.
        assert_eq!(lives.len() as f64, results.stations.get(station).unwrap().failures.mean);
        let p = ks_p_value(lives.clone(), weibull);
        assert!(p > 0.01, "{station}: KS p-value {p} against weibull(2.5, 10 h)");
        // The test has the power to see a law 10 % off.
        let off = |x: f64| 1.0 - (-(x / 32_400.0).powf(2.5)).exp();
        let p = ks_p_value(lives, off);
        assert!(p < 0.01, "{station}: KS p-value {p} against weibull(2.5, 9 h)");
    }
    // Every failure is followed by its repair's end, or the horizon cuts the repair short.
    let rows = |event| trace.iter().filter(|e| e.station == "wear" && e.event == event).count();
    let (failures, repairs) = (rows(TraceKind::Failure), rows(TraceKind::Repaired));
    assert!(repairs == failures || repairs + 1 == failures, "{failures} vs {repairs}");
    assert!(trace.windows(2).all(|w| w[0].time_s <= w[1].time_s), "the trace is in time order");
    // Tracing changes nothing: the untraced replication gives the same bits.
    let untraced = fab_runtime::simulate(&study.model, &study.experiment, 0).unwrap();
    assert_eq!(untraced, results);
}

#[test]
fn virtual_age_is_the_same_on_every_clock_and_stops_during_the_repair() {
    let study = resolve("tests/oracles/virtual_age.fab", None, &Overrides::default());
    let (_, trace) = simulate_traced(&study.model, &study.experiment, 0).expect("it runs");
    let failures = |station: &str| -> Vec<f64> {
        let at = trace.iter().filter(|e| e.station == station && e.event == TraceKind::Failure);
        at.map(|e| e.time_s / 3600.0).collect()
    };
    // Virtual ages 0, 5, 7.5, 8.75 h: lives of 10, 5, 2.5 and 1.25 h, each after an hour's repair.
    let expected = [10.0, 16.0, 19.5, 21.75];
    for station in ["by_calendar", "by_busy", "by_cycles"] {
        assert_eq!(failures(station), expected, "{station}");
    }
    // The trace's age at a repair's end is the age at the failure, not one hour more.
    let ages: Vec<(TraceKind, f64)> = trace
        .iter()
        .filter(|e| e.station == "by_calendar")
        .take(4)
        .map(|e| (e.event, e.age / 3600.0))
        .collect();
    assert_eq!(
        ages,
        [
            (TraceKind::Failure, 10.0),
            (TraceKind::Repaired, 10.0),
            (TraceKind::Failure, 5.0),
            (TraceKind::Repaired, 5.0)
        ]
    );
}

#[test]
fn restores_at_its_ends_is_old_and_new_for_repairs_and_a_renewal_for_maintenance() {
    // docs/language.md: a ratio removes its share of the age gained since the mode's last
    // renewal (Kijima type I), `0 %` is the same as `old`; `100 %` is `new` only while nothing
    // left age behind; a maintenance is a renewal "even at `0 %`", where `old` leaves the modes
    // alone. Each scenario of `restores.fab` changes one `restores`.
    let worn = |scenario: Option<&str>| {
        run("restores.fab", scenario).stations.get("worn").unwrap().clone()
    };
    // Without maintenance, a repair of 0 % is `old` and one of 100 % is `new`, bit for bit (the
    // scenarios draw the same lives), and the two pairs differ: the wear law's age matters.
    let (old, zero) = (worn(None), worn(Some("repair_zero")));
    let (new, full) = (worn(Some("repair_new")), worn(Some("repair_full")));
    assert_eq!(zero, old);
    assert_eq!(full, new);
    assert!(old.failures.mean > new.failures.mean, "{:?} vs {:?}", old.failures, new.failures);

    // `fixed`: a life of 10 h of calendar time, repairs of 1 h restoring 100 %, a maintenance of
    // no time at 6, 12 and 18 h. By hand:
    // - `old`: the maintenance leaves the mode alone. It fails at 10 h; the repair, to 11 h,
    //   removes all the 10 h gained since the start: fails again at 21 h.
    // - `0 %`: each maintenance is a renewal that removes nothing. At 6 h the virtual age is 6 h,
    //   4 h of life left: fails at 10 h. The repair removes the 4 h gained since 6 h and keeps
    //   the 6 h: fails at 11 + 4 = 15 h. At 12 h the age is 7 h, 3 h left: fails at 15 h, and
    //   the repair to 16 h keeps the 7 h: fails at 19 h. At 18 h the age is 9 h, 1 h left:
    //   fails at 19 h, and 1 h after each repair from then on, at 21 and 23 h.
    // - `100 %`: each maintenance removes all the age: 6 h of life at 18 h, none fails.
    let failures = |scenario: Option<&str>| {
        let study = resolve("tests/oracles/restores.fab", scenario, &Overrides::default());
        let (_, trace) = simulate_traced(&study.model, &study.experiment, 0).expect("it runs");
        let at = trace.iter().filter(|e| e.station == "fixed" && e.event == TraceKind::Failure);
        at.map(|e| e.time_s / 3600.0).collect::<Vec<f64>>()
    };
    assert_eq!(failures(None), [10.0, 21.0]);
    assert_eq!(failures(Some("maintenance_zero")), [10.0, 15.0, 19.0, 21.0, 23.0]);
    assert_eq!(failures(Some("maintenance_full")), [] as [f64; 0]);
}

#[test]
fn minimal_repair_on_calendar_time_fails_as_the_cumulative_hazard() {
    // Weibull β = 2, η = 100 h, restores = old, repairs of 1 s, T = 1,000 h: the failures form a
    // non-homogeneous Poisson process with mean count (T/η)^β = 100 (the 1 s repairs shift it
    // by less than a second per failure).
    let r = run("lives.fab", None);
    let minimal = r.stations.get("minimal").unwrap();
    assert_covers(&minimal.failures, 100.0, "minimal repair: (T/η)^β");
}

#[test]
fn a_catastrophic_failure_scraps_once_and_the_line_recovers() {
    let r = run("catastrophic.fab", None);
    let cutter = r.stations.get("cutter").unwrap();
    let finisher = r.stations.get("finisher").unwrap();
    let done = r.sinks.get("done").unwrap();
    for i in 0..r.replications as usize {
        let scrapped = r.kpis.scrapped.values[i];
        // Conservation: every part released is delivered or scrapped, none left in the line.
        assert_eq!(done.count.values[i] + scrapped, 2000.0, "replication {i}");
        // Counted once: the line's scrap is the cutter's, one part per failure (a busy-time
        // failure strikes only while a part is being cut).
        assert_eq!(cutter.scrapped.values[i], scrapped, "replication {i}");
        assert_eq!(cutter.failures.values[i], scrapped, "replication {i}");
        assert_eq!(r.line.failures.values[i], scrapped, "replication {i}");
        // The line kept producing after each failure: every good part went through both.
        assert_eq!(cutter.completions.values[i], done.count.values[i], "replication {i}");
        assert_eq!(finisher.completions.values[i], done.count.values[i], "replication {i}");
    }
    assert!(r.kpis.scrapped.mean > 0.0);
    // Negative binomial: 2,000 · (e^(1/120) − 1) scrapped parts on average.
    assert_covers(&r.kpis.scrapped, 2000.0 * (1.0f64 / 120.0).exp_m1(), "scrapped parts");
    // Quality is the good share of the ideal work: each cut, good or scrapped, does the ideal
    // work of its length min(X, c), so per good part c / (E[min(X, c)] / q) = λc·q / (1 − q).
    let q = (-1.0f64 / 120.0).exp();
    assert_covers(&cutter.quality, q / 120.0 / (1.0 - q), "quality: good share of the ideal work");
    // Every part is finished or scrapped before the horizon, so the OEE is exactly the good
    // parts' ideal work over the time: A × P × Q charges a scrapped part's time once.
    for i in 0..r.replications as usize {
        let oee = cutter.oee.values[i];
        let good = cutter.completions.values[i] * 60.0 / (100.0 * 3600.0);
        assert!((oee - good).abs() <= 1e-12, "replication {i}: OEE {oee}, good work / time {good}");
    }
}

#[test]
fn oee_is_the_good_parts_ideal_work_over_the_time() {
    // tests/oracles/catastrophic_oee.fab: an alternating renewal process, worked out in its header.
    let r = run("catastrophic_oee.fab", None);
    let m = r.stations.get("m").unwrap();
    let q = (-0.1f64).exp();
    let quality = 0.1 * q / (1.0 - q);
    assert_covers(&m.availability, 10.0 / 11.0, "availability: MTBF / (MTBF + MTTR)");
    assert_covers(&m.quality, quality, "quality: λc·q / (1 − q)");
    assert_covers(&m.oee, 10.0 / 11.0 * quality, "OEE: good ideal work / time");
    for (i, p) in m.performance.values.iter().enumerate() {
        assert!((p - 1.0).abs() <= 1e-12, "replication {i}: performance {p}");
    }
}

#[test]
fn availability_with_two_failure_modes() {
    let r = run("two_modes.fab", None);
    let calendar = r.stations.get("calendar").unwrap();
    assert_covers(&calendar.availability, 0.96 * 0.96, "two calendar-time modes: A = A1 · A2");
    let busy = r.stations.get("busy").unwrap();
    assert_covers(&busy.availability, 12.0 / 13.0, "two busy-time modes: 1 / (1 + Σ MTTR/MTBF)");
    // The line's availability is the stations' mean, its downtime their sum.
    assert_covers(&r.line.availability, (0.96 * 0.96 + 12.0 / 13.0) / 2.0, "line availability");
    for i in 0..r.replications as usize {
        let sum = calendar.downtime_s.values[i] + busy.downtime_s.values[i];
        assert!((r.line.downtime_s.values[i] - sum).abs() <= 1e-6 * sum, "replication {i}");
        // Lost output: parts at the ideal rate (one per 60 s) in the time down.
        let lost = calendar.downtime_s.values[i] / 60.0;
        assert!((calendar.lost_output.values[i] - lost).abs() <= 1e-9 * lost, "replication {i}");
    }
}

#[test]
fn age_replacement_reaches_the_barlow_proschan_cost_rate() {
    // ORACLES.md §9, first worked example: β = 2.5, η = 1000 h, c_p = 100, c_f = 1000.
    let r = run("age_replacement.fab", None);
    let hours = r.horizon_s / 3600.0;
    let machine = r.stations.get("machine").unwrap();
    let cost_rate: Vec<f64> = machine.costs.total.values.iter().map(|c| c / hours).collect();
    let (mean, half_width) = fab_runtime::stats::mean_half_width(&cost_rate, r.confidence);
    assert!(
        (mean - 0.475055).abs() <= half_width,
        "cost rate {mean} ± {half_width} per h, analytic 0.475055"
    );
    // Each renewal is a preventive replacement (the life outlasted T*) or a repair.
    let preventive_share: Vec<f64> = machine
        .maintenance_actions
        .values
        .iter()
        .zip(&machine.failures.values)
        .map(|(p, f)| p / (p + f))
        .collect();
    let (mean, half_width) = fab_runtime::stats::mean_half_width(&preventive_share, r.confidence);
    assert!(
        (mean - 0.92787).abs() <= half_width,
        "preventive share {mean} ± {half_width}, analytic R(T*) = 0.92787"
    );
    // `every` counts from the previous maintenance only: failures do not restart it, so the
    // same 354.57 h gives exactly ⌊horizon / T⌋ maintenances in every replication.
    let interval = run("age_replacement.fab", Some("fixed_interval"));
    let fixed = interval.stations.get("machine").unwrap();
    let expected = (hours / 354.57).floor();
    assert!(fixed.maintenance_actions.values.iter().all(|n| *n == expected), "{expected}");
    assert!(machine.maintenance_actions.values.iter().all(|n| *n < expected));
}
