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

use super::queue::Kind;
use super::{NONE, Op, Part, Sim};

/// What a lean pull leaves to do.
pub(super) enum Pulled {
    /// Nothing more here.
    Done,
    /// Pull into this component next.
    Then(u32),
    /// The two are not of one lane: serve the waiter the general way.
    General,
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

    /// Lean station `c` just finished its part: if its successor takes the part now, it moves on
    /// and the station's pull follows (queued, or at once along a lane), as the general path
    /// would do by marking the server blocked and offering the part (which frees the server).
    /// Returns false, having done nothing, when it does not apply.
    #[inline]
    pub(super) fn pass_on_lean(&mut self, c: u32) -> bool {
        if self.links[c as usize].shape != Shape::Station {
            return false;
        }
        let out = self.links[c as usize].lane_out;
        if out != NONE {
            return self.pass_on_lane(c, out);
        }
        let part = self.stations[c as usize].servers_part();
        let to = self.successors[self.links[c as usize].first as usize];
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
    /// last, at once.
    #[inline]
    fn pass_on_lane(&mut self, c: u32, out: u32) -> bool {
        let b = (out - self.first_buffer) as usize;
        if !self.buffers[b].has_room() {
            return false;
        }
        let now = self.now;
        self.unblock(c);
        let part = self.stations[c as usize].release_lean();
        let offers = !self.links[out as usize].blocked;
        self.buffers[b].put(now, part.handed_over(now));
        if offers {
            let next = self.links[out as usize].lane_out;
            if next == NONE {
                self.agenda.push(Op::Pull(c));
                self.offer(out);
                return true;
            }
            if self.stations[next as usize].idle > 0 {
                let part = self.buffer_take(b);
                self.lean_station_enter(next, part.handed_over(now));
            }
            if !self.buffers[b].parts.is_empty() {
                self.block(out);
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

    /// `pull` for a component whose one predecessor `p` is linked to it one to one and is
    /// blocked: `p` moves its parts in while `c` takes them. The room this leaves in `p` is the
    /// agenda's next work when nothing was queued after it; then the pull of `p` is returned, for
    /// the caller to do at once. `Pulled::General` when the two are not of one lane, so the
    /// caller serves `p` the general way.
    #[inline]
    pub(super) fn pull_lean(&mut self, c: u32, p: u32) -> Pulled {
        if self.links[c as usize].lane_in != p {
            return Pulled::General;
        }
        if c < self.first_buffer {
            // A buffer hands its head to its station.
            let b = (p - self.first_buffer) as usize;
            if self.buffers[b].parts.is_empty() {
                self.unblock(p);
                return Pulled::Done;
            }
            // A lean station takes any part while its server is idle (`can_accept`, without
            // reading the kit it does not have).
            if self.stations[c as usize].idle == 0 {
                return Pulled::Done;
            }
            // The buffer's pull is queued last of this work, so it is the next thing to do.
            let part = self.buffer_take(b);
            self.lean_station_enter(c, part.handed_over(self.now));
            // One server: the station takes no more; the buffer waits on while it holds parts.
            if self.buffers[b].parts.is_empty() {
                self.unblock(p);
            }
            return Pulled::Then(p);
        }
        // A station hands its finished part to its buffer.
        let b = (c - self.first_buffer) as usize;
        if !self.stations[p as usize].holds_finished() {
            self.unblock(p);
            return Pulled::Done;
        }
        if !self.buffers[b].has_room() {
            return Pulled::Done;
        }
        let part = self.station_release(p);
        let offers = !self.links[c as usize].blocked;
        let now = self.now;
        self.buffers[b].put(now, part.handed_over(now));
        // One server: nothing more to move.
        self.unblock(p);
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

    /// The head part leaves buffer `b`, as `buffer_release` does, but the pull of the room it
    /// frees is the caller's to do.
    #[inline]
    fn buffer_take(&mut self, b: usize) -> Part {
        let now = self.now;
        let buffer = &mut self.buffers[b];
        let part = if buffer.lifo { buffer.parts.pop_back() } else { buffer.parts.pop_front() }
            .expect("a buffer offers only a held part");
        buffer.stays.left(now - part.entered);
        part
    }

    /// A part enters lean station `c`, whose one server is idle (`can_accept`): the server loads
    /// it and starts processing, or waits with it while the station is stopped. This is what
    /// `station_enter` and `start_server` do when there is no assembly, setup or resource to
    /// wait for.
    #[inline]
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
        self.station_changed(c);
    }

    /// The head part leaves buffer `c` (index `b`); the room it frees is pulled into later.
    #[inline]
    pub(super) fn buffer_release(&mut self, c: u32, b: usize) -> Part {
        let part = self.buffer_take(b);
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
