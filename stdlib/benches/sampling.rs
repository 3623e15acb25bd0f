//! Nanoseconds per draw of a few samplers, best of five runs of 10⁷ draws:
//! `cargo bench -p fab-stdlib --bench sampling`.

#![allow(clippy::disallowed_methods, reason = "a wall-clock benchmark, not a simulation result")]

use fab_stdlib::dist::Distribution;
use fab_stdlib::random::Stream;
use std::hint::black_box;
use std::time::Instant;

const DRAWS: u32 = 10_000_000;

fn main() {
    let cases = [
        ("uniform", Distribution::Uniform { min: 0.0, max: 1.0 }),
        ("normal", Distribution::Normal { mean: 60.0, sd: 15.0, truncated: false }),
        ("lognormal", Distribution::Lognormal { mean: 60.0, sd: 15.0, location: 0.0 }),
        ("normal ≥ 0", Distribution::Normal { mean: 60.0, sd: 15.0, truncated: true }),
        ("gamma 2.5", Distribution::Gamma { shape: 2.5, scale: 4.0 }),
        ("exponential", Distribution::Exponential { mean: 3.0 }),
    ];
    for (label, distribution) in cases {
        let sampler = black_box(distribution.sampler());
        let mut stream = Stream::new(1, 0, "bench", label);
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let start = Instant::now();
            let mut sum = 0.0;
            for _ in 0..DRAWS {
                sum += sampler.sample(&mut stream);
            }
            black_box(sum);
            best = best.min(start.elapsed().as_secs_f64() * 1e9 / f64::from(DRAWS));
        }
        println!("{label:>12}: {best:6.2} ns per draw");
    }
}
