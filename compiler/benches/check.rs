//! Compile-time benchmarks: `cargo bench -p fab-compiler --bench check`.
//!
//! - a generated serial line of 10,001 components (source, 5,000 stations, 4,999 buffers, sink),
//!   checked and lowered from scratch; target under 1 s;
//! - re-checking a 5,000-line model after editing one station's field; target under 50 ms.
//!
//! Each figure is the best of several runs, in wall-clock time on the machine it runs on.

use fab_compiler::db::{Database, MemoryFileSystem};
use fab_compiler::scope::set_file;
use fab_compiler::{check_model, compile, load_model};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn line(stations: usize, cycle: &str) -> String {
    let mut text = String::from("source arrivals { interarrival = exponential(mean = 1 min) }\n");
    text.push_str("component Cell(mean: Duration) : station {\n    cycle = lognormal(mean = mean, cv = 0.25)\n    failure = exponential(mean = 8 h) of calendar_time\n    repair = exponential(mean = 20 min)\n}\n");
    let mut flow = vec!["arrivals".to_string()];
    for index in 0..stations {
        let mean = if index == stations / 2 { cycle } else { "60 s" };
        text.push_str(&format!(
            "/// Cell {index}.\nstation s{index} : Cell(mean = {mean}) {{\n    parallel = 1\n}}\n"
        ));
        flow.push(format!("s{index}"));
        if index + 1 < stations {
            text.push_str(&format!("buffer b{index} {{ capacity = 5 }}\n"));
            flow.push(format!("b{index}"));
        }
    }
    text.push_str("sink done\n");
    flow.push("done".to_string());
    text.push_str(&format!(
        "flow {}\nexperiment year {{ horizon = 365 d }}\n",
        flow.join("\n  -> ")
    ));
    text
}

fn best_of(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..runs).map(|_| f()).min().unwrap_or_default()
}

fn main() {
    let large = line(5_000, "60 s");
    let cold = best_of(3, || {
        let fs = Arc::new(MemoryFileSystem::default());
        fs.insert("line.fab", &large);
        let start = Instant::now();
        let mut db = Database::new(fs);
        let root = load_model(&mut db, "line.fab").unwrap();
        let compilation = compile(&db, root);
        assert!(compilation.diagnostics.is_empty());
        let model = compilation.model.expect("clean model lowers");
        assert_eq!(model.graph.node_count(), 10_001);
        start.elapsed()
    });
    println!(
        "check + lower, 10,001 components ({} lines): {:.1} ms",
        large.lines().count(),
        cold.as_secs_f64() * 1e3
    );

    let editor = line(1_250, "60 s");
    let fs = Arc::new(MemoryFileSystem::default());
    fs.insert("line.fab", &editor);
    let mut db = Database::new(fs);
    let root = load_model(&mut db, "line.fab").unwrap();
    check_model(&db, root);
    let mut toggle = false;
    let edit = best_of(10, || {
        toggle = !toggle;
        let start = Instant::now();
        set_file(&mut db, "line.fab", line(1_250, if toggle { "61.5 s" } else { "60 s" }));
        assert!(check_model(&db, root).is_empty());
        start.elapsed()
    });
    println!(
        "re-check after editing one field, {} lines: {:.1} ms",
        editor.lines().count(),
        edit.as_secs_f64() * 1e3
    );
}
