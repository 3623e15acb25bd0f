//! Studies of many runs, end to end through `fab run`: MSER-5 warm-up detection, sequential
//! replications to a precision, designed experiments with common random numbers, sensitivity
//! studies (one at a time and Sobol) and the selection of the best scenario.

mod support;

use serde_json::Value;
use support::{fab, stderr, stdout, svg_elements};

fn run_json(args: &[&str]) -> Value {
    let output = fab(&[&["run"], args, &["--json"]].concat());
    assert!(output.status.success(), "fab run {args:?} failed:\n{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("a JSON document")
}

fn values(stat: &Value) -> Vec<f64> {
    stat["values"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

#[test]
fn mser5_finds_the_warm_up_of_an_empty_mm1_within_its_relaxation_time() {
    // λ = 0.9/min, μ = 1/min: the number in system relaxes with time constant
    // 1 / (μ (1 − √ρ)²) ≈ 380 min from the empty start.
    let relaxation_s = 60.0 / (1.0 - 0.9_f64.sqrt()).powi(2);
    let d = run_json(&["tests/runs/mm1_warmup.fab"]);
    let detection = &d["warmup_detection"];
    assert_eq!(detection["method"], "MSER-5");
    assert_eq!(detection["reliable"], true);
    let warmup = d["warmup_s"].as_f64().unwrap();
    assert_eq!(warmup, detection["warmup_s"].as_f64().unwrap());
    assert!(
        warmup > 0.0 && warmup <= relaxation_s,
        "warm-up {warmup} s, relaxation time {relaxation_s} s"
    );
}

#[test]
fn precision_adds_replications_until_the_half_width_is_small_enough() {
    let d = run_json(&["examples/studies.fab", "--experiment", "steady"]);
    let p = &d["precision"];
    let target = p["target"].as_f64().unwrap();
    let replications = p["replications"].as_u64().unwrap();
    assert_eq!(target, 0.01);
    assert!(replications > 5, "more than the first 5 replications: {p}");
    assert_eq!(d["replications"].as_u64().unwrap(), replications);
    let throughput = &d["kpis"]["throughput_per_hour"];
    let (mean, half_width) =
        (throughput["mean"].as_f64().unwrap(), throughput["half_width"].as_f64().unwrap());
    assert_eq!(p["reached"], true, "{p}");
    assert!(half_width / mean <= target, "{half_width} / {mean}");
    assert!((p["achieved"].as_f64().unwrap() - half_width / mean).abs() < 1e-12);
    // Identical on one thread and on several: the rounds depend only on the results.
    let one = stdout(&fab(&[
        "run",
        "examples/studies.fab",
        "--experiment",
        "steady",
        "--json",
        "--threads",
        "1",
    ]));
    let many = stdout(&fab(&[
        "run",
        "examples/studies.fab",
        "--experiment",
        "steady",
        "--json",
        "--threads",
        "3",
    ]));
    assert_eq!(one, many);
}

#[test]
fn a_design_runs_every_point_with_common_random_numbers() {
    let d = run_json(&["examples/studies.fab", "--experiment", "doe"]);
    let points = d["points"].as_array().unwrap();
    assert_eq!(points.len(), 27, "3 levels of 3 factors");
    assert_eq!(d["factors"][1]["path"], "weld.cycle.mean");
    assert_eq!(d["factors"][1]["unit"], "s");
    let levels: Vec<f64> = points.iter().map(|p| p["values"][0].as_f64().unwrap()).collect();
    assert_eq!(levels.iter().filter(|&&v| v == 1.0).count(), 9);
    assert!(levels.iter().all(|v| [1.0, 5.0, 8.0].contains(v)), "{levels:?}");
    // A point equal to the base model reproduces a plain run of it, draw for draw.
    let design = run_json(&["tests/runs/one_rate.fab", "--experiment", "same_point"]);
    let plain = run_json(&["tests/runs/one_rate.fab", "--experiment", "base"]);
    let measures = design["points"][0]["measures"].as_array().unwrap();
    let throughput = measures.iter().find(|m| m[0] == "throughput").unwrap();
    assert_eq!(values(&throughput[1]), values(&plain["kpis"]["throughput_per_hour"]));
    // The CSV: one row per point and measure.
    let dir = std::env::temp_dir().join(format!("fab-design-{}", std::process::id()));
    let out = fab(&[
        "run",
        "examples/studies.fab",
        "--experiment",
        "doe",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(dir.join("design.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "point,infeed.capacity,weld.cycle.mean [s],weld.repair.mean [min],measure,mean,\
             half_width,replications"
        )
    );
    assert_eq!(lines.count(), 27 * 6);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sobol_indices_single_out_the_station_that_sets_the_rate() {
    // Throughput = 3600 / cycle of `press`: its total index dominates, the inert factors score
    // zero (the outputs do not depend on them at all).
    let d = run_json(&["tests/runs/one_rate.fab", "--sensitivity", "rate"]);
    assert_eq!(d["method"], "sobol");
    assert_eq!(d["points"].as_u64().unwrap(), 64 * (3 + 2));
    let factors = d["measures"][0]["factors"].as_array().unwrap();
    let total = |i: usize| factors[i]["total"]["mean"].as_f64().unwrap();
    let first = |i: usize| factors[i]["first"]["mean"].as_f64().unwrap();
    assert_eq!(factors[0]["factor"], "press.cycle.value");
    assert!(total(0) > 0.9 && first(0) > 0.9, "{}", factors[0]);
    for inert in [1, 2] {
        assert!(total(inert).abs() < 1e-9 && first(inert).abs() < 1e-9, "{}", factors[inert]);
    }
}

#[test]
fn one_at_a_time_gives_the_swing_of_each_factor() {
    let d = run_json(&["tests/runs/one_rate.fab", "--sensitivity", "tornado"]);
    let factors = d["measures"][0]["factors"].as_array().unwrap();
    // 24 h at one part per 40 s and per 80 s (the first part leaves after one cycle).
    let low = factors[0]["low"].as_f64().unwrap();
    let high = factors[0]["high"].as_f64().unwrap();
    assert!((low - 89.96).abs() < 0.05 && (high - 44.96).abs() < 0.05, "{}", factors[0]);
    assert_eq!(factors[1]["swing"].as_f64().unwrap(), 0.0);
    let dir = std::env::temp_dir().join(format!("fab-oat-{}", std::process::id()));
    let out = fab(&[
        "run",
        "tests/runs/one_rate.fab",
        "--sensitivity",
        "tornado",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(dir.join("sensitivity.svg")).unwrap();
    assert_eq!(svg_elements(&svg)[0], "svg");
    assert!(svg.contains("press.cycle.value") && svg.contains("One factor at a time"));
    let csv = std::fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kim_nelson_selects_the_best_scenario() {
    let d = run_json(&[
        "examples/studies.fab",
        "--select",
        "small,medium,large",
        "--indifference",
        "0.5",
    ]);
    assert_eq!(d["best"], "large");
    assert_eq!(d["guaranteed"], true);
    let systems = d["systems"].as_array().unwrap();
    assert!(systems[0]["eliminated_at"].is_u64(), "{}", systems[0]);
    // A selection needs an indifference zone.
    let out = fab(&["run", "examples/studies.fab", "--select", "small,large"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--indifference"));
}

#[test]
fn an_unknown_sensitivity_study_is_named_in_the_error() {
    let out = fab(&["run", "tests/runs/one_rate.fab", "--sensitivity", "rates"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no sensitivity study named `rates`"), "{}", stderr(&out));
    assert!(stderr(&out).contains("rate, tornado"));
}

#[test]
fn a_warm_up_on_the_command_line_replaces_auto_and_designs_refuse_auto() {
    let d = run_json(&["tests/runs/mm1_warmup.fab", "--warmup", "100min", "--replications", "2"]);
    assert_eq!(d["warmup_s"].as_f64().unwrap(), 6000.0);
    assert!(d.get("warmup_detection").is_none(), "{}", d["warmup_detection"]);
    let out = fab(&["run", "tests/runs/one_rate.fab", "--experiment", "auto_design"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("give `warmup` a duration"), "{}", stderr(&out));
}
