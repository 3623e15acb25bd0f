//! The flow protocol's offers and pulls for the commonest shapes of component, written out.
//!
//! Most of a serial line is stations with one server and one successor, and FIFO buffers with
//! one successor, each linked one to one with its neighbours (`Links::sole`). For these the
//! general offer and pull (find the outgoing part, look for a taker among the successors, take the
//! part out, put it in, look again) reduce to a few reads and writes of known fields. A stretch of
//! such stations and buffers alternating is a *lane* (`Links::lane_in`, `lane_out`): there the
//! agenda's next work is always known (last in, first out: the buffer's offer to its station, then
//! the station's pull, then the pull of the buffer before it, and so on up the line), so it is
//! done at once, in that order, without being queued.
//!
//! The functions here do exactly what the general ones do for these shapes, in the same order, so
//! they queue the same work on the agenda, schedule the same events and draw the same numbers:
//! a test runs models with and without them and compares the results bit for bit
//! (`the_lean_paths_change_no_result` in `tests/run.rs`, through `simulate_general`). Everything
//! else, and every neighbour of another shape, goes the general way.
//!
//! Together with the component numbering and the layout of `mod.rs`, they took the 100-station
//! benchmark line from about 1,550 to 1,150 instructions per model event.
//!
//! Each record a step reads (a station, a buffer, their links) is indexed once and kept
//! borrowed, here and in `Sim::on_process_done`: an index into one of `Sim`'s vectors made after
//! a write through another record reloads the vector's pointer and length and checks the bound
//! again, since the compiler cannot tell that the write left them alone. Borrowing once took
//! the engine harness from 1,308.7M to 1,265.6M instructions at 100 stations over 438 h
//! (callgrind; 877.1M to 848.8M at 10 stations over 2,190 h, 1,089.4M to 1,062.2M at 1,000
//! over 60 h).
//!
//! Within a lane every component waits on its neighbour downstream as that neighbour's `sole`,
//! so its waiting is its blocked flag alone: a station that finishes with its lane buffer full,
//! or a lane buffer left holding parts when its station is busy, sets the flag where the
//! general path would go through `offer` or `Sim::block` to the same end. That took the
//! 100-station line from 1,247.5M to 1,210.8M instructions (837.1M to 821.4M at 10 stations,
//! 1,053.4M to 1,037.6M at 1,000).
//!
//! Tried and not kept: the lane's walk up the line (`Sim::pull` without its waiting lists)
//! inlined into the pass along the lane, 1,210.8M → 1,228.3M instructions at 100 stations; the
//! engine's loop, which holds much in registers, spills more than the call saves.

use super::queue::Kind;
use super::{NONE, Op, Part, Sim};

/// What a lean pull leaves to do.
pub(super) enum Pulled {
    /// Nothing more here.
    Done,
    /// Pull into this component next.
    Then(u32),
}

/// What the flow protocol knows about a component's shape (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Shape {
    /// Handled by the general protocol.
    General,
    /// A station with one server and no setup, assembly or needed resources, whose parts go to
    /// its one successor in flow order.
    Station,
    /// A FIFO buffer with room for at least one part, whose parts go to its one successor.
    Buffer,
}

impl Sim<'_> {
    /// `offer` for a lean station: its one finished part, if any, goes to its successor.
    #[inline]
    pub(super) fn offer_lean_station(&mut self, c: u32) {
        let station = &self.stations[c as usize];
        if !station.holds_finished() {
            return;
        }
        let part = station.first_finished();
        let to = self.successors[self.links[c as usize].first as usize];
        if !self.can_accept(to, &part) {
            self.block(c);
            return;
        }
        self.unblock(c);
        let part = self.station_release(c);
        self.agenda.push(Op::Pull(c));
        self.enter(to, part.handed_over(self.now));
    }

    /// Station `c`, of the lean shape, just finished its part: if its successor takes the part
    /// now, it moves on and the station's pull follows (queued, or at once along a lane), as the
    /// general path would do by marking the server blocked and offering the part (which frees
    /// the server). Returns false, having done nothing, when it does not apply.
    #[inline]
    pub(super) fn pass_on_lean(&mut self, c: u32) -> bool {
        let links = &self.links[c as usize];
        debug_assert!(links.shape == Shape::Station);
        let out = links.lane_out;
        if out != NONE {
            return self.pass_on_lane(c, out);
        }
        let to = self.successors[links.first as usize];
        let part = self.stations[c as usize].servers_part();
        if !self.can_accept(to, &part) {
            return false;
        }
        self.unblock(c);
        let part = self.stations[c as usize].release_lean();
        self.agenda.push(Op::Pull(c));
        self.enter(to, part.handed_over(self.now));
        true
    }

    /// `pass_on_lean` for a station whose successor `out` is a lean buffer of its lane: the part
    /// enters the buffer if it has room, then what the agenda would do next is done here. The
    /// buffer's offer comes first (last in, first out); if it was queued, its head goes to the
    /// buffer's station if that is a lean one with a server free. The buffer's pull, queued by
    /// that move, finds this station not blocked and does nothing; this station's pull comes
    /// last, at once. A full buffer blocks the station, as the general path's offer would find:
    /// the part waits on the server, and the station, the buffer's `sole`, waits by its flag.
    /// Always applies.
    #[inline]
    fn pass_on_lane(&mut self, c: u32, out: u32) -> bool {
        let now = self.now;
        let b = (out - self.first_buffer) as usize;
        let buffer = &mut self.buffers[b];
        if !buffer.has_room() {
            self.stations[c as usize].hold_finished_lean();
            self.links[c as usize].set_blocked();
            return true;
        }
        // A station is no conveyor: nothing else to tell of the change (`Sim::unblock`).
        self.links[c as usize].clear_blocked();
        let part = self.stations[c as usize].release_lean();
        let out_links = &self.links[out as usize];
        buffer.put(now, part.handed_over(now));
        if !out_links.blocked {
            let next = out_links.lane_out;
            if next == NONE {
                self.agenda.push(Op::Pull(c));
                self.offer(out);
                return true;
            }
            if self.stations[next as usize].idle > 0 {
                let part = buffer.take(now);
                self.lean_station_enter(next, part.handed_over(now));
            }
            if !self.buffers[b].parts.is_empty() {
                // It waits on its station as that station's `sole`: its flag is all of its
                // waiting (what `Sim::block` comes to for it).
                self.links[out as usize].set_blocked();
            }
        }
        self.pull(c);
        true
    }

    /// `offer` for a lean buffer: parts leave from its head while its successor takes them.
    #[inline]
    pub(super) fn offer_lean_buffer(&mut self, c: u32, b: usize) {
        let to = self.successors[self.links[c as usize].first as usize];
        while let Some(&head) = self.buffers[b].parts.front() {
            if !self.can_accept(to, &head) {
                self.block(c);
                return;
            }
            self.unblock(c);
            let part = self.buffer_release(c, b);
            self.enter(to, part.handed_over(self.now));
        }
    }

    /// `pull` for a component whose one predecessor `p` is its neighbour up the lane
    /// (`Links::lane_in`) and is blocked: `p` moves its parts in while `c` takes them. The room
    /// this leaves in `p` is the agenda's next work when nothing was queued after it; then the
    /// pull of `p` is returned, for the caller to do at once. (A lane's stations and buffers are
    /// no conveyors: a change of their blocked flag is nothing else's business, see
    /// `Sim::unblock`.)
    #[inline]
    pub(super) fn pull_lane(&mut self, c: u32, p: u32) -> Pulled {
        let now = self.now;
        if c < self.first_buffer {
            // A buffer hands its head to its station.
            let buffer = &mut self.buffers[(p - self.first_buffer) as usize];
            if buffer.parts.is_empty() {
                self.links[p as usize].clear_blocked();
                return Pulled::Done;
            }
            // A lean station takes any part while its server is idle (`can_accept`, without
            // reading the kit it does not have).
            if self.stations[c as usize].idle == 0 {
                return Pulled::Done;
            }
            // The buffer's pull is queued last of this work, so it is the next thing to do.
            let part = buffer.take(now);
            // One server: the station takes no more; the buffer waits on while it holds parts.
            if buffer.parts.is_empty() {
                self.links[p as usize].clear_blocked();
            }
            self.lean_station_enter(c, part.handed_over(now));
            return Pulled::Then(p);
        }
        // A station hands its finished part to its buffer.
        let station = &mut self.stations[p as usize];
        if !station.holds_finished() {
            self.links[p as usize].clear_blocked();
            return Pulled::Done;
        }
        let buffer = &mut self.buffers[(c - self.first_buffer) as usize];
        if !buffer.has_room() {
            return Pulled::Done;
        }
        let part = station.release(now);
        station.mark_changed(p, &mut self.changed);
        let offers = !self.links[c as usize].blocked;
        buffer.put(now, part.handed_over(now));
        // One server: nothing more to move.
        self.links[p as usize].clear_blocked();
        // The buffer's offer, queued after the station's pull, comes first (usually its station
        // has just been given a part, which is how this room opened, and the offer blocks the
        // buffer). The station's pull is next if the offer queued nothing.
        if offers {
            self.agenda.push(Op::Pull(p));
            self.offer(c);
            if self.agenda.top() != Some(Op::Pull(p)) {
                return Pulled::Done;
            }
            self.agenda.pop();
        }
        Pulled::Then(p)
    }

    /// A part enters lean station `c`, whose one server is idle (`can_accept`): the server loads
    /// it and starts processing, or waits with it while the station is stopped. This is what
    /// `station_enter` and `start_server` do when there is no assembly, setup or resource to
    /// wait for.
    ///
    /// Always inlined: a lane's pull calls it for nearly every event, and as a call of its own
    /// it saved and restored six registers each time (1,265.6M → 1,247.5M instructions at 100
    /// stations over 438 h, 848.8M → 837.1M at 10, 1,062.2M → 1,053.4M at 1,000; callgrind's
    /// simulated instruction-cache misses at 1,000 stations 1.36M → 1.42M, against 17.9M data
    /// misses).
    #[inline(always)]
    pub(super) fn lean_station_enter(&mut self, c: u32, part: Part) {
        let (now, horizon) = (self.now, self.horizon);
        let station = &mut self.stations[c as usize];
        station.touch(now);
        station.idle -= 1;
        if station.stopped() {
            station.load_only(part);
            return;
        }
        station.working += 1;
        let (end, generation) = station.start_lean(now, part);
        if end <= horizon {
            self.queue.schedule(end, Kind::ProcessDone, c, 0, generation);
        }
        station.mark_changed(c, &mut self.changed);
    }

    /// The head part leaves buffer `c` (index `b`); the room it frees is pulled into later.
    #[inline]
    pub(super) fn buffer_release(&mut self, c: u32, b: usize) -> Part {
        let part = self.buffers[b].take(self.now);
        self.agenda.push(Op::Pull(c));
        part
    }

    /// A part enters buffer `c` (index `b`), which has room.
    #[inline]
    pub(super) fn buffer_enter(&mut self, c: u32, b: usize, mut part: Part) {
        let now = self.now;
        part.target = self.links[c as usize].route.target(part.product);
        self.buffers[b].put(now, part);
        // A blocked FIFO buffer's head is unchanged: nothing new to offer.
        if self.buffers[b].lifo || !self.links[c as usize].blocked {
            self.agenda.push(Op::Offer(c));
        }
    }
}
