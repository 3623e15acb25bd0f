//! The future-event set: events ordered by (time, priority, sequence).
//!
//! The sequence number is the order of scheduling, so two events at the same instant with the same
//! priority run in the order they were scheduled: no tie is ever broken by an address, a hash or a
//! thread. Cancelled events are not removed; each carries the generation of the thing it belongs to
//! and the handler skips it when the generation has moved on (lazy deletion), which keeps
//! cancellation O(1).
//!
//! # Layout
//!
//! The heap holds only each event's key, one `u128` that orders by a single comparison: the time
//! in the top 63 bits (events are never scheduled at or after `NEVER / 2`), then two bits of
//! priority, then a 39-bit sequence number, then the 24-bit slot where the rest of the event
//! (what it does, for which component) waits in `slots`. The heap is 4-ary: the four children of a node are 64
//! bytes, one cache line, and the smallest of them is found by comparisons the compiler turns into
//! conditional moves, so a sift has half the levels of a binary heap and few branches to
//! mispredict. It was about 5 % faster than a binary heap of whole events on the peer benchmark's
//! lines (a kernel of that model, 100 and 1,000 stations).
//!
//! The popped event leaves the heap lazily: its key stays at the root until the next `schedule`
//! overwrites it (one sift instead of a pop and a push: most events schedule one successor) or the
//! next `pop` removes it.
//!
//! Events that come due rarely — failures, repairs, maintenance, inspections, spare parts, samples,
//! the warm-up's end — wait beside the heap, in a plain binary heap of whole events, and `pop`
//! takes the earlier of the two tops. On the peer benchmark's lines these are the failure events,
//! one per station, hours ahead: in the 4-ary heap they were half its keys, all near the bottom,
//! so every new processing end descended past them and climbed back. Beside it, the heap has half
//! the keys and a new key mostly stays where the descent ends: at 100 and 1,000 stations 3 %
//! fewer instructions and 14–23 % fewer (simulated) mispredicted branches per model event, and
//! 6–9 % less CPU (`bench/HISTORY.md`). Any split of the events between the two
//! heaps pops them in the same order, since every key is unique.
//!
//! Should the 39-bit sequence run out (5 × 10¹¹ events in one run), the pending keys are
//! renumbered in their order; should more than 2²⁴ events be pending at once, the excess waits
//! beside the heap too. Neither changes the order.
//!
//! # Not a radix heap
//!
//! A radix heap was tried in place of the 4-ary heap and not kept. A simulation never schedules
//! before the event it handles, so the frequent events can be filed by the first digit in which
//! their time differs from the last one given out (buckets by that digit's level and value, the
//! lowest occupied one found by two `trailing_zeros` on a bitmap); a bucket due next is given out
//! if it holds one event, or else spread to lower levels, and a bucket keeps its events in
//! scheduling order, so no sequence number is compared. With 8- or 9-bit digits it ran 2–10 %
//! fewer instructions (callgrind, engine harness, peer benchmark's lines of 10, 100 and 1,000
//! stations) and was no faster (engine harness, best of interleaved runs): at 100 stations 5–15 %
//! slower with 8-bit digits whatever the buckets were made of (vectors of whole events, lists
//! through one slab, a small heap of the earliest events over them), within ±2 % with 9-bit
//! digits, and up to 4 % slower with those on the same line with 1 s cycles. The heap does its
//! work where it costs little: the next event is at the root when asked for, and the descent that
//! puts a new one in place overlaps the handling of the current one, with conditional moves. The
//! radix heap's work lies on the way to the next event (finding its bucket; spreading one that
//! holds several, which mispredicts branches and misses the cache on events filed a hundred
//! events before), and how much of it there is depends on how the digits fall on the model's time
//! scale. Comparing only the times (`u64`) in the heap saved under 1 % of the instructions and no
//! time.

use std::cmp::{Ordering, Reverse};
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
    /// Whether events of this kind come due rarely, and wait beside the heap (see the module
    /// documentation).
    #[inline]
    fn is_rare(self) -> bool {
        !matches!(
            self,
            Kind::Arrival
                | Kind::SetupDone
                | Kind::ProcessDone
                | Kind::ConveyorExit
                | Kind::ConveyorEntrance
        )
    }

    /// Lower runs first among events at one instant. Work that ends at an instant ends before a
    /// stop that comes due at it: a part's processing (or setup) occupies `[start, end)`, so a
    /// failure or a maintenance at `end` finds it finished, not in process to be paused or
    /// scrapped. Failures strike before maintenance comes due, so that a repair asks for a crew
    /// before a maintenance action of that instant does, as repairs go first in a crew's line.
    /// The warm-up's end comes after everything else at its instant, so that what happens at the
    /// warm-up belongs to the warm-up and the observed period is (warm-up, horizon], as long as
    /// it says. Otherwise events run in scheduling order.
    #[inline]
    fn priority(self) -> u64 {
        match self {
            Kind::Failure => 1,
            Kind::MaintenanceDue | Kind::PredictiveStart => 2,
            Kind::Warmup => 3,
            _ => 0,
        }
    }
}

/// An event as the engine handles it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Event {
    key: u128,
    pub kind: Kind,
    pub node: u32,
    pub aux: u32,
    pub generation: u32,
}

impl Event {
    pub fn time(&self) -> u64 {
        (self.key >> TIME_SHIFT) as u64
    }
}

/// The part of an event the heap does not hold.
#[derive(Clone, Copy, Debug)]
struct Payload {
    kind: Kind,
    node: u32,
    aux: u32,
    generation: u32,
}

/// Bits of a key below the time: the priority (two bits), the sequence and the slot.
const TIME_SHIFT: u32 = 65;
const PRIORITY_SHIFT: u32 = 63;
/// Bits of the slot in production (see [`EventQueue`]).
const SLOT_BITS: u32 = 24;

/// An event waiting beside the heap: its key and payload, ordered by the key.
#[derive(Clone, Copy, Debug)]
struct Whole(u128, Payload);

impl PartialEq for Whole {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for Whole {}
impl PartialOrd for Whole {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Whole {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

/// `BITS` is the width of the slot in a key: [`SLOT_BITS`] in production; the tests also build
/// queues with fewer slots (to fill them) or a shorter sequence (to renumber it often). Being a
/// constant, it costs no variable shifts.
pub(crate) struct EventQueue<const BITS: u32 = SLOT_BITS> {
    /// A 4-ary min-heap of keys.
    keys: Vec<u128>,
    /// The payload of each pending event, by slot.
    slots: Vec<Payload>,
    /// Slots free for reuse.
    free: Vec<u32>,
    /// Events that come due rarely, and events scheduled while every slot was taken.
    beside: BinaryHeap<Reverse<Whole>>,
    sequence: u64,
    /// The key last returned by `pop` is still at the root of `keys`, its slot still taken.
    popped_top: bool,
}

impl<const BITS: u32> Default for EventQueue<BITS> {
    fn default() -> Self {
        EventQueue::with_capacity(0)
    }
}

impl<const BITS: u32> EventQueue<BITS> {
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            keys: Vec::with_capacity(capacity),
            slots: Vec::with_capacity(capacity),
            free: Vec::new(),
            beside: BinaryHeap::new(),
            sequence: 0,
            popped_top: false,
        }
    }

    const SEQUENCE_LIMIT: u64 = 1 << (PRIORITY_SHIFT - BITS);
    const SLOT_MASK: u64 = (1 << BITS) - 1;

    /// Schedules an event. Its kind's priority is worked out here, inlined where the kind is
    /// almost always a constant, so that the body receives it ready: worked out in the body it
    /// cost the engine about 1 % more instructions (callgrind, the benchmark's 100-station line).
    #[inline(always)]
    pub fn schedule(&mut self, time: u64, kind: Kind, node: u32, aux: u32, generation: u32) {
        self.schedule_at(time, kind.priority(), Payload { kind, node, aux, generation });
    }

    #[inline]
    fn schedule_at(&mut self, time: u64, priority: u64, payload: Payload) {
        debug_assert!(time < 1 << 63, "an event at {time} ns, beyond the last instant");
        self.sequence += 1;
        if self.sequence >= Self::SEQUENCE_LIMIT {
            self.renumber();
        }
        let kind = payload.kind;
        let order = (u128::from(priority) << PRIORITY_SHIFT) | (u128::from(self.sequence) << BITS);
        let key = (u128::from(time.min((1 << 63) - 1)) << TIME_SHIFT) | order;
        if kind.is_rare() {
            self.beside.push(Reverse(Whole(key, payload)));
            return;
        }
        if self.popped_top {
            // The popped event's slot and place at the root go to this one.
            self.popped_top = false;
            let slot = self.slot_of(self.keys[0]);
            self.slots[slot as usize] = payload;
            self.replace_root(key | u128::from(slot));
            return;
        }
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None if self.slots.len() as u64 <= Self::SLOT_MASK => {
                self.slots.push(payload);
                (self.slots.len() - 1) as u32
            }
            None => {
                self.beside.push(Reverse(Whole(key, payload)));
                return;
            }
        };
        self.slots[slot as usize] = payload;
        self.push(key | u128::from(slot));
    }

    /// The earliest event. It leaves the heap lazily (see the module documentation).
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        if self.popped_top {
            self.popped_top = false;
            let slot = self.slot_of(self.keys[0]);
            self.free.push(slot);
            let last = self.keys.pop().expect("the popped key is held");
            if !self.keys.is_empty() {
                self.replace_root(last);
            }
        }
        // The earlier of the root and the top of the events beside the heap.
        let root = self.keys.first().copied();
        let Some(&Reverse(Whole(key, payload))) = self.beside.peek() else {
            self.popped_top = root.is_some();
            return root.map(|root| self.event(root));
        };
        if let Some(root) = root
            && root < key
        {
            self.popped_top = true;
            return Some(self.event(root));
        }
        self.beside.pop();
        let Payload { kind, node, aux, generation } = payload;
        Some(Event { key, kind, node, aux, generation })
    }

    #[inline]
    fn slot_of(&self, key: u128) -> u32 {
        ((key as u64) & Self::SLOT_MASK) as u32
    }

    #[inline]
    fn event(&self, key: u128) -> Event {
        let Payload { kind, node, aux, generation } = self.slots[self.slot_of(key) as usize];
        Event { key, kind, node, aux, generation }
    }

    /// Puts `key` in place of the root: down to a leaf along the smallest children, then up to
    /// where it belongs (a new event usually belongs near the bottom).
    #[inline]
    fn replace_root(&mut self, key: u128) {
        let keys = &mut self.keys;
        let len = keys.len();
        let mut hole = 0;
        loop {
            let first = 4 * hole + 1;
            if let Some(&[a, b, c, d]) = keys.get(first..first + 4) {
                let (i, low) = if b < a { (1, b) } else { (0, a) };
                let (j, high) = if d < c { (3, d) } else { (2, c) };
                let (k, min) = if high < low { (j, high) } else { (i, low) };
                keys[hole] = min;
                hole = first + k;
            } else {
                if first < len {
                    let mut k = first;
                    for m in first + 1..len {
                        if keys[m] < keys[k] {
                            k = m;
                        }
                    }
                    keys[hole] = keys[k];
                    hole = k;
                }
                break;
            }
        }
        Self::sift_up(keys, hole, key);
    }

    #[inline]
    fn push(&mut self, key: u128) {
        let hole = self.keys.len();
        self.keys.push(key);
        Self::sift_up(&mut self.keys, hole, key);
    }

    #[inline]
    fn sift_up(keys: &mut [u128], mut hole: usize, key: u128) {
        while hole > 0 {
            let parent = (hole - 1) / 4;
            if keys[parent] <= key {
                break;
            }
            keys[hole] = keys[parent];
            hole = parent;
        }
        keys[hole] = key;
    }

    /// Gives the pending keys new sequence numbers 1, 2, … in their order, so that scheduling can
    /// go on counting: the order of every pair is kept, and so is the heap.
    #[cold]
    #[inline(never)]
    fn renumber(&mut self) {
        let slot_mask = u128::from(Self::SLOT_MASK);
        let sequence_mask = ((1u128 << PRIORITY_SHIFT) - 1) & !slot_mask;
        let mut sorted: Vec<u128> = self.keys.clone();
        sorted.extend(self.beside.iter().map(|Reverse(Whole(key, _))| *key));
        sorted.sort_unstable();
        debug_assert!((sorted.len() as u64) + 1 < Self::SEQUENCE_LIMIT, "too many pending events");
        let renumbered = |key: u128| -> u128 {
            let rank = sorted.binary_search(&key).expect("every pending key was sorted") as u128;
            (key & !sequence_mask) | ((rank + 1) << BITS)
        };
        let keys: Vec<u128> = self.keys.iter().map(|&key| renumbered(key)).collect();
        let beside: BinaryHeap<Reverse<Whole>> = self
            .beside
            .iter()
            .map(|&Reverse(Whole(key, payload))| Reverse(Whole(renumbered(key), payload)))
            .collect();
        self.keys = keys;
        self.beside = beside;
        self.sequence = sorted.len() as u64 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a check on the production layout, on one with 8 slots (so that most events wait
    /// beside the heap) and on one whose 13-bit sequence is renumbered every few thousand events
    /// (the tests hold at most about 3,000 pending).
    macro_rules! on_every_layout {
        ($check:ident) => {
            $check(EventQueue::<SLOT_BITS>::default());
            $check(EventQueue::<3>::default());
            $check(EventQueue::<{ PRIORITY_SHIFT - 13 }>::default());
        };
    }

    /// A kind for a test event: frequent, rare, a failure and a maintenance (rare, after the
    /// rest at their instant, in that order) or the warm-up (rare, last at its instant). Rare
    /// events of priority 0 tie with frequent ones at an instant, by scheduling order.
    fn kind_of(r: u64) -> Kind {
        match r % 13 {
            0 => Kind::Warmup,
            1 => Kind::Failure,
            2 => Kind::Repair,
            3 => Kind::MaintenanceDue,
            _ => Kind::Arrival,
        }
    }

    #[test]
    fn pops_in_time_then_priority_then_scheduling_order() {
        on_every_layout!(pops_in_order);
    }

    fn pops_in_order<const BITS: u32>(mut queue: EventQueue<BITS>) {
        let mut x: u64 = 12345;
        let mut expected = Vec::new();
        for n in 0..2000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let time = (x >> 33) % 50;
            let kind = kind_of(u64::from(n));
            queue.schedule(time, kind, n, 0, 0);
            expected.push((time, kind.priority(), n));
        }
        // Rare events wait beside the heap (with whatever finds no slot).
        let rare = (0..2000).filter(|&n| kind_of(n).is_rare()).count();
        assert!(rare > 0 && queue.beside.len() >= rare);
        expected.sort();
        let popped: Vec<(u64, u64, u32)> = std::iter::from_fn(|| queue.pop())
            .map(|e| (e.time(), e.kind.priority(), e.node))
            .collect();
        assert_eq!(popped, expected);
    }

    #[test]
    fn interleaved_pops_and_schedules_keep_the_order() {
        on_every_layout!(interleaved);
    }

    fn interleaved<const BITS: u32>(mut queue: EventQueue<BITS>) {
        // A reference: every pending (time, priority, sequence) in a sorted vector.
        let mut reference: Vec<(u64, u64, u32)> = Vec::new();
        let mut x: u64 = 99;
        let mut now = 0;
        for n in 0..20_000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if (x >> 60) < 7 || reference.is_empty() {
                let time = now + (x >> 40) % 100;
                let kind = kind_of(x >> 20);
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
        on_every_layout!(across_scales);
    }

    fn across_scales<const BITS: u32>(mut queue: EventQueue<BITS>) {
        // Phases that change the spacing of events by orders of magnitude (nanoseconds to days),
        // bursts at one instant, far events left pending for long, and the queue growing and
        // shrinking, with pops and schedules interleaved as the engine does them (a schedule
        // right after a pop overwrites the top). The reference is a plain heap of the same
        // (time, priority, sequence) triples.
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
                    let kind = kind_of(r >> 7);
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

    #[test]
    fn renumbering_and_full_slots_are_used_and_keep_the_order() {
        // A 4-bit sequence: renumbered every few events.
        let mut queue = EventQueue::<{ PRIORITY_SHIFT - 4 }>::default();
        let times = [5u64, 3, 9, 3, 7, 1, 3, 8];
        for (n, &t) in times.iter().enumerate() {
            queue.schedule(t, Kind::Arrival, n as u32, 0, 0);
        }
        let first = queue.pop().unwrap();
        assert_eq!((first.time(), first.node), (1, 5));
        for n in 8..20u32 {
            queue.schedule(3 + u64::from(n % 3), Kind::Arrival, n, 0, 0);
            queue.pop();
        }
        assert!(queue.sequence < 20, "the sequence was renumbered");
        // Two slots: the rest wait beside the heap, and come out in order all the same.
        let mut queue = EventQueue::<1>::default();
        for n in 0..10u32 {
            queue.schedule(u64::from(10 - n), Kind::Arrival, n, 0, 0);
        }
        assert_eq!(queue.beside.len(), 8);
        let popped: Vec<u32> = std::iter::from_fn(|| queue.pop()).map(|e| e.node).collect();
        assert_eq!(popped, (0..10).rev().collect::<Vec<_>>());
    }
}
