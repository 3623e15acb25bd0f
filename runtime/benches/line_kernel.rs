//! A floor under the engine's cost per event: the peer benchmark's serial line (`bench/line.fab`,
//! `../shared/bench/peers/line_simpy.py`) written as the smallest event loop that simulates it,
//! with fab's own random streams, samplers and time representation.
//!
//! ```text
//! cargo bench -p fab-runtime --bench line_kernel -- N HOURS [SEED]
//! ```
//!
//! prints one JSON object on stdout, in the peers' form (`model_events`, `parts_completed`,
//! `throughput_per_h`), which `bench/compare.sh` reads and times like any engine.
//!
//! This is not a second engine and nothing else uses it. It knows nothing but this one model:
//! stations in a row with integer buffer counters, three event kinds, no flow protocol, no
//! routes, no dispatch on component kinds, no agenda. It keeps only the statistics every
//! engine needs for the model's answer (parts out, time shares working / starved / blocked /
//! down per station); it has no bottleneck detection, lead times, work in process, buffer
//! statistics or results document. What it does per event is what any engine must do at the
//! least: pop an event, draw a lognormal, schedule an event, move a part. Its speed therefore
//! bounds what any restructuring of fab's engine can reach on this machine, and the gap between
//! the two is the cost of fab's generality and statistics.
//!
//! Its events and draws follow the peers' specification: a part's processing time is drawn when
//! the station loads it (the k-th draw of the station's cycle stream is its k-th part); failures
//! strike on calendar time, pre-empt processing (which resumes after the repair) and keep a
//! down station from starting; loading and releasing a blocked part are unaffected by a
//! failure; time to failure counts from the end of the previous repair.

#![allow(clippy::disallowed_methods, reason = "a benchmark probe, not a simulation result")]

use fab_stdlib::dist::Distribution;
use fab_stdlib::random::Stream;
use fab_stdlib::sample::Sampler;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

const BUFFER_CAPACITY: u32 = 5;
const NS_PER_S: f64 = 1e9;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Done,
    Failure,
    Repair,
}

#[derive(Clone, Copy, Debug)]
struct Event {
    /// Time (ns) in the high 64 bits, the scheduling sequence in the low: one comparison orders
    /// them, as in fab's future-event set.
    key: u128,
    kind: Kind,
    station: u32,
    generation: u32,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Reversed: the max-heap pops the earliest event. By the key alone, written out as the
    /// engine does: a derived order under `Reverse` compares field after field and measured
    /// 5–12 % slower here.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// The future-event set, with the engine's one trick: the schedule that follows a pop
/// overwrites the popped top (one sift instead of two).
#[derive(Default)]
struct Queue {
    heap: BinaryHeap<Event>,
    sequence: u64,
    popped_top: bool,
}

impl Queue {
    fn schedule(&mut self, time: u64, kind: Kind, station: u32, generation: u32) {
        self.sequence += 1;
        let event = Event {
            key: (u128::from(time) << 64) | u128::from(self.sequence),
            kind,
            station,
            generation,
        };
        if std::mem::take(&mut self.popped_top)
            && let Some(mut top) = self.heap.peek_mut()
        {
            *top = event;
            return;
        }
        self.heap.push(event);
    }

    fn pop(&mut self) -> Option<Event> {
        if self.popped_top {
            self.heap.pop();
        }
        let top = self.heap.peek().copied();
        self.popped_top = top.is_some();
        top
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum State {
    /// No part.
    Idle,
    /// A part loaded and its processing time drawn (ns), waiting for the repair to end.
    Loaded(u64),
    /// Processing, due at this time.
    Busy(u64),
    /// Processing interrupted by a failure, with this much left (ns).
    Paused(u64),
    /// Holding a finished part the next buffer has no room for.
    Blocked,
}

const WORKING: usize = 0;
const STARVED: usize = 1;
const BLOCKED: usize = 2;
const DOWN: usize = 3;

struct Station {
    state: State,
    down: bool,
    /// Bumped when a scheduled completion is cancelled (pre-empted by a failure).
    generation: u32,
    /// Parts in this station's input buffer (station 0 draws from the source instead).
    input: u32,
    cycle: Stream,
    failure: Stream,
    /// Time per state (working, starved, blocked, down), ns, booked up to `last`.
    shares: [u64; 4],
    last: u64,
}

impl Station {
    fn share_index(&self) -> usize {
        match self.state {
            _ if self.down => DOWN,
            State::Busy(_) => WORKING,
            State::Blocked => BLOCKED,
            State::Idle | State::Loaded(_) | State::Paused(_) => STARVED,
        }
    }

    /// Books the time since the last change to the current state; call before every change.
    fn touch(&mut self, now: u64) {
        let index = self.share_index();
        self.shares[index] += now - self.last;
        self.last = now;
    }
}

struct Line {
    now: u64,
    horizon: u64,
    queue: Queue,
    stations: Vec<Station>,
    processing: Sampler,
    to_failure: Sampler,
    to_repair: Sampler,
    completions: u64,
    failures: u64,
    repairs: u64,
    parts_out: u64,
}

fn ns(seconds: f64) -> u64 {
    (seconds * NS_PER_S + 0.5) as u64
}

impl Line {
    fn new(n: usize, hours: f64, seed: u64) -> Line {
        let stations = (0..n)
            .map(|i| {
                let name = format!("s{:04}", i + 1);
                Station {
                    state: State::Idle,
                    down: false,
                    generation: 0,
                    input: 0,
                    cycle: Stream::new(seed, 0, &name, "cycle"),
                    failure: Stream::new(seed, 0, &name, "failure"),
                    shares: [0; 4],
                    last: 0,
                }
            })
            .collect();
        Line {
            now: 0,
            horizon: ns(hours * 3600.0),
            queue: Queue::default(),
            stations,
            processing: Distribution::Lognormal { mean: 60.0, sd: 15.0, location: 0.0 }.sampler(),
            to_failure: Distribution::Exponential { mean: 8.0 * 3600.0 }.sampler(),
            to_repair: Distribution::Exponential { mean: 20.0 * 60.0 }.sampler(),
            completions: 0,
            failures: 0,
            repairs: 0,
            parts_out: 0,
        }
    }

    fn run(&mut self) {
        for i in 0..self.stations.len() {
            let first = ns(self.to_failure.sample(&mut self.stations[i].failure));
            self.schedule(first, Kind::Failure, i, 0);
        }
        self.load(0);
        while let Some(event) = self.queue.pop() {
            let time = (event.key >> 64) as u64;
            if time > self.horizon {
                break;
            }
            self.now = time;
            let i = event.station as usize;
            match event.kind {
                Kind::Done => self.on_done(i, event.generation),
                Kind::Failure => self.on_failure(i),
                Kind::Repair => self.on_repair(i),
            }
        }
        let horizon = self.horizon;
        for station in &mut self.stations {
            station.touch(horizon);
        }
    }

    fn schedule(&mut self, time: u64, kind: Kind, station: usize, generation: u32) {
        if time <= self.horizon {
            self.queue.schedule(time, kind, station as u32, generation);
        }
    }

    /// Station `i` is idle: it loads a part if one is there, and the room that frees in its
    /// input buffer releases the station before it, if blocked, which loads in turn.
    fn load(&mut self, mut i: usize) {
        loop {
            if self.stations[i].state != State::Idle {
                return;
            }
            if i > 0 {
                if self.stations[i].input == 0 {
                    return;
                }
                self.stations[i].input -= 1;
            }
            let now = self.now;
            let station = &mut self.stations[i];
            let duration = ns(self.processing.sample(&mut station.cycle));
            station.touch(now);
            if station.down {
                station.state = State::Loaded(duration);
            } else {
                station.state = State::Busy(now + duration);
                let generation = station.generation;
                self.schedule(now + duration, Kind::Done, i, generation);
            }
            if i == 0 || self.stations[i - 1].state != State::Blocked {
                return;
            }
            self.stations[i].input += 1;
            let before = &mut self.stations[i - 1];
            before.touch(now);
            before.state = State::Idle;
            i -= 1;
        }
    }

    fn on_done(&mut self, i: usize, generation: u32) {
        let now = self.now;
        let last = self.stations.len() - 1;
        let station = &mut self.stations[i];
        if station.generation != generation || !matches!(station.state, State::Busy(_)) {
            return;
        }
        self.completions += 1;
        station.touch(now);
        if i == last {
            self.parts_out += 1;
        } else if self.stations[i + 1].input < BUFFER_CAPACITY {
            self.stations[i + 1].input += 1;
            self.load(i + 1);
        } else {
            self.stations[i].state = State::Blocked;
            return;
        }
        self.stations[i].state = State::Idle;
        self.load(i);
    }

    fn on_failure(&mut self, i: usize) {
        let now = self.now;
        self.failures += 1;
        let station = &mut self.stations[i];
        station.touch(now);
        station.down = true;
        if let State::Busy(end) = station.state {
            station.state = State::Paused(end - now);
            station.generation = station.generation.wrapping_add(1);
        }
        let repair = ns(self.to_repair.sample(&mut station.failure));
        self.schedule(now + repair, Kind::Repair, i, 0);
    }

    fn on_repair(&mut self, i: usize) {
        let now = self.now;
        self.repairs += 1;
        let station = &mut self.stations[i];
        station.touch(now);
        station.down = false;
        let next_failure = ns(self.to_failure.sample(&mut station.failure));
        let resume = match station.state {
            State::Paused(left) | State::Loaded(left) => Some(left),
            _ => None,
        };
        let generation = station.generation;
        if let Some(left) = resume {
            station.state = State::Busy(now + left);
        }
        self.schedule(now + next_failure, Kind::Failure, i, 0);
        if let Some(left) = resume {
            self.schedule(now + left, Kind::Done, i, generation);
        }
    }
}

fn main() {
    // `cargo bench` adds flags such as `--bench`; the probe reads only the plain arguments.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let number = |k: usize, default: f64| -> f64 {
        args.get(k).map_or(default, |a| {
            a.parse().unwrap_or_else(|_| {
                eprintln!("line_kernel: `{a}` is not a number (usage: line_kernel N HOURS [SEED])");
                std::process::exit(2)
            })
        })
    };
    let n = number(0, 10.0);
    let hours = number(1, 2190.0);
    let seed = number(2, 42.0);
    if n < 1.0 || n.fract() != 0.0 || hours.is_nan() || hours <= 0.0 || seed < 0.0 {
        eprintln!("line_kernel: want N ≥ 1 stations, HOURS > 0 and SEED ≥ 0");
        std::process::exit(2);
    }
    let mut line = Line::new(n as usize, hours, seed as u64);
    let start = std::time::Instant::now();
    line.run();
    let wall_s = start.elapsed().as_secs_f64();
    let horizon = line.horizon as f64;
    let share = |index: usize| {
        let total: u64 = line.stations.iter().map(|s| s.shares[index]).sum();
        total as f64 / (horizon * line.stations.len() as f64)
    };
    let report = serde_json::json!({
        "engine": "fab line kernel (probe)",
        "stations": line.stations.len(),
        "horizon_h": hours,
        "seed": seed as u64,
        "model_events": line.completions + line.failures + line.repairs,
        "completions": line.completions,
        "failures": line.failures,
        "repairs": line.repairs,
        "parts_completed": line.parts_out,
        "throughput_per_h": line.parts_out as f64 / hours,
        "mean_shares": {
            "working": share(WORKING),
            "starved": share(STARVED),
            "blocked": share(BLOCKED),
            "down": share(DOWN),
        },
        "run_wall_s": wall_s,
    });
    println!("{report}");
}
