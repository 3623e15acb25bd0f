//! The future-event set: a binary heap of small `Copy` events ordered by (time, priority, sequence).
//!
//! The sequence number is the order of scheduling, so two events at the same instant with the same
//! priority run in the order they were scheduled: no tie is ever broken by an address, a hash or a
//! thread. Cancelled events are not removed; each carries the generation of the thing it belongs to
//! and the handler skips it when the generation has moved on (lazy deletion), which keeps
//! cancellation O(1).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What an event does when it comes due.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// Warm-up ends: statistics restart.
    Warmup,
    /// A source creates its next part.
    Arrival,
    /// A server finishes its setup.
    SetupDone,
    /// A server finishes processing (`aux` = server).
    ProcessDone,
    /// A failure mode strikes (`aux` = mode).
    Failure,
    /// A repair ends (`aux` = mode).
    Repair,
    /// Preventive maintenance comes due.
    MaintenanceDue,
    /// Maintenance ends.
    MaintenanceDone,
    /// Predictive maintenance inspects the station.
    Inspection,
    /// A predictive maintenance planned at a detection starts.
    PredictiveStart,
    /// A reordered spare part arrives (`aux` = resource).
    SpareArrival,
    /// The front part of a conveyor reaches its exit.
    ConveyorExit,
    /// A conveyor's entrance may have become clear.
    ConveyorEntrance,
    /// The end of an interval of a recorded series (`wip_series`).
    Sample,
}

impl Kind {
    /// Lower runs first among events at one instant: warm-up deletion happens before anything
    /// else at its instant; everything else runs in scheduling order.
    fn priority(self) -> u64 {
        match self {
            Kind::Warmup => 0,
            _ => 1,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Event {
    /// The time (ns) in the high 64 bits, then the priority in the top byte of the low 64 bits,
    /// then the scheduling sequence: the whole order in one integer comparison.
    key: u128,
    pub kind: Kind,
    pub node: u32,
    pub aux: u32,
    pub generation: u32,
}

impl Event {
    pub fn time(&self) -> u64 {
        (self.key >> 64) as u64
    }
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
    /// Reversed, so the max-heap pops the earliest event.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

#[derive(Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Event>,
    sequence: u64,
    /// The event last returned by `pop` is still at the top of the heap: the next `schedule`
    /// overwrites it (one sift instead of a pop and a push: most events schedule one successor),
    /// or the next `pop` removes it.
    popped_top: bool,
}

impl EventQueue {
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue { heap: BinaryHeap::with_capacity(capacity), sequence: 0, popped_top: false }
    }

    #[inline]
    pub fn schedule(&mut self, time: u64, kind: Kind, node: u32, aux: u32, generation: u32) {
        self.sequence += 1;
        debug_assert!(self.sequence < 1 << 56, "the scheduling sequence overflows its 56 bits");
        let order = (kind.priority() << 56) | self.sequence;
        let key = (u128::from(time) << 64) | u128::from(order);
        let event = Event { key, kind, node, aux, generation };
        if self.popped_top {
            self.popped_top = false;
            if let Some(mut top) = self.heap.peek_mut() {
                // Sifts down when `top` is dropped.
                *top = event;
                return;
            }
        }
        self.heap.push(event);
    }

    /// The earliest event. It leaves the heap lazily (see `popped_top`).
    pub fn pop(&mut self) -> Option<Event> {
        if self.popped_top {
            self.heap.pop();
        }
        let top = self.heap.peek().copied();
        self.popped_top = top.is_some();
        top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_priority_then_scheduling_order() {
        let mut queue = EventQueue::default();
        let mut x: u64 = 12345;
        let mut expected = Vec::new();
        for n in 0..2000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let time = (x >> 33) % 50;
            let kind = if n % 7 == 0 { Kind::Warmup } else { Kind::Arrival };
            queue.schedule(time, kind, n, 0, 0);
            expected.push((time, kind.priority(), n));
        }
        expected.sort();
        let popped: Vec<(u64, u64, u32)> = std::iter::from_fn(|| queue.pop())
            .map(|e| (e.time(), e.kind.priority(), e.node))
            .collect();
        assert_eq!(popped, expected);
    }

    #[test]
    fn interleaved_pops_and_schedules_keep_the_order() {
        // A reference: every pending (time, priority, sequence) in a sorted vector.
        let mut queue = EventQueue::default();
        let mut reference: Vec<(u64, u64, u32)> = Vec::new();
        let mut x: u64 = 99;
        let mut now = 0;
        for n in 0..20_000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if (x >> 60) < 7 || reference.is_empty() {
                let time = now + (x >> 40) % 100;
                let kind = if n % 5 == 0 { Kind::Warmup } else { Kind::Arrival };
                queue.schedule(time, kind, n, 0, 0);
                reference.push((time, kind.priority(), n));
                reference.sort();
            } else {
                let event = queue.pop().expect("pending events");
                let expected = reference.remove(0);
                assert_eq!((event.time(), event.kind.priority(), event.node), expected);
                now = event.time();
            }
        }
    }

    #[test]
    fn the_order_holds_across_time_scales_bursts_and_far_events() {
        // Phases that change the spacing of events by orders of magnitude (nanoseconds to days),
        // bursts at one instant, far events left pending for long, and the queue growing and
        // shrinking, with pops and schedules interleaved as the engine does them (a schedule
        // right after a pop overwrites the top). The reference is a plain heap of the same
        // (time, priority, sequence) triples.
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut queue = EventQueue::default();
        let mut reference = BinaryHeap::new();
        let mut x: u64 = 7;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x >> 11
        };
        let mut now = 0u64;
        let mut n = 0u32;
        let scales = [1_000u64, 60_000_000_000, 7, 86_400_000_000_000, 1_000_000];
        for (phase, &scale) in scales.iter().cycle().take(15).enumerate() {
            let target = [50usize, 3000, 200, 10, 1500][phase % 5];
            for _ in 0..20_000 {
                let r = next();
                let grow = reference.len() < target || r % 3 == 0;
                if grow || reference.is_empty() {
                    let time = match r % 16 {
                        0 => now,                                     // at the current instant
                        1 => now + 40 * 3_600_000_000_000 + r % 1000, // far ahead
                        _ => now + r % (2 * scale),
                    };
                    let kind = if r % 11 == 0 { Kind::Warmup } else { Kind::Arrival };
                    n += 1;
                    queue.schedule(time, kind, n, 0, 0);
                    reference.push(Reverse((time, kind.priority(), n)));
                } else {
                    let event = queue.pop().expect("pending events");
                    let Reverse(expected) = reference.pop().expect("pending events");
                    assert_eq!((event.time(), event.kind.priority(), event.node), expected);
                    now = event.time();
                }
            }
        }
        while let Some(Reverse(expected)) = reference.pop() {
            let event = queue.pop().expect("pending events");
            assert_eq!((event.time(), event.kind.priority(), event.node), expected);
        }
        assert!(queue.pop().is_none());
    }
}
