//! The engine alone: one replication of a model, timed without compiling it, starting the
//! process or writing results.
//!
//! ```text
//! cargo bench --bench engine -- MODEL.fab HOURS [REPEAT]
//! ```
//!
//! compiles `MODEL.fab`, then runs replication 0 of its first experiment over `HOURS` (warm-up
//! off) `REPEAT` times (default 5) and prints one JSON object: the model events (completions,
//! failures, repairs), the best wall time of a run and the model events per second it gives.
//! `bench/compare.sh` measures whole `fab run` processes, as the peers are measured; this is for
//! telling the engine's own cost from the fixed costs around it (`fab check` of a 1,000-station
//! model takes about 22 ms of CPU), and for comparing builds of the engine on a noisy machine
//! (the best of several runs).

#![allow(clippy::disallowed_methods, reason = "a benchmark: it reads the wall clock")]

use fab_compiler::{Database, compile, load_model};

fn main() {
    // `cargo bench` adds flags such as `--bench`; only the plain arguments are read.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let usage = || -> ! {
        eprintln!("usage: cargo bench --bench engine -- MODEL.fab HOURS [REPEAT]");
        std::process::exit(2)
    };
    let (Some(path), Some(hours)) = (args.first(), args.get(1)) else { usage() };
    let Some(hours) = hours.parse::<f64>().ok().filter(|h| *h > 0.0 && h.is_finite()) else {
        usage()
    };
    let repeat: u32 = match args.get(2).map(|r| r.parse()) {
        None => 5,
        Some(Ok(r)) if r > 0 => r,
        Some(_) => usage(),
    };
    let mut db = Database::default();
    let root = load_model(&mut db, path).unwrap_or_else(|e| {
        eprintln!("engine bench: {path}: {e}");
        std::process::exit(2)
    });
    let Some(model) = compile(&db, root).model else {
        eprintln!("engine bench: {path} has errors (fab check {path})");
        std::process::exit(1)
    };
    let Some(experiment) = model.experiments.first() else {
        eprintln!("engine bench: {path} has no experiment");
        std::process::exit(1)
    };
    let mut experiment = experiment.clone();
    experiment.horizon = hours * 3600.0;
    experiment.warmup = 0.0;
    let mut best = f64::INFINITY;
    let mut events = 0.0;
    for _ in 0..repeat {
        let start = std::time::Instant::now();
        let results = fab_runtime::simulate(&model, &experiment, 0).unwrap_or_else(|e| {
            eprintln!("engine bench: {path}: {e}");
            std::process::exit(1)
        });
        best = best.min(start.elapsed().as_secs_f64());
        let e = &results.events;
        events = e.completions.mean + e.failures.mean + e.repairs.mean;
    }
    let report = serde_json::json!({
        "model": path,
        "horizon_h": hours,
        "repeat": repeat,
        "model_events": events,
        "best_wall_s": best,
        "model_events_per_s": events / best,
        "ns_per_model_event": best * 1e9 / events,
    });
    println!("{report}");
}
