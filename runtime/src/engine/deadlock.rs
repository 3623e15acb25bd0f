//! Deadlock: components that hold parts no one can ever take, found at the horizon.
//!
//! Blocking after service lets a line stop for good. In a rework loop, a station holds a finished
//! part for the buffer in front of it, and that buffer is full, its first part waiting for the
//! station: neither can move, and nothing else can move them. The run goes on to the horizon
//! (failures, maintenance and arrivals keep coming), and its statistics describe a line standing
//! still: every station in the loop blocked, no throughput. This module finds such a standstill
//! after the run, so that the run can say so rather than report it as the line's performance.
//!
//! A component is *stuck* when it is full and what it would release next waits:
//!
//! - a station whose every server holds a finished part (blocked after service): it takes no part
//!   until one of them leaves;
//! - a buffer with no room left whose next part waits to leave;
//! - a conveyor whose front part waits at the exit, with no room at the entrance and none to come
//!   from its parts' own motion (`ConveyorNode::standstill`): its last part stopped within a
//!   spacing of the entrance, or the belt at its accumulation limit.
//!
//! A stuck component stays stuck as long as every component its waiting parts may go to is stuck
//! too: room opens only where a part leaves, and a part leaves only into room. The largest set
//! closed that way (every part waiting in it may go only to members) is found by removing, from
//! all the stuck components, those with a way out, and then those whose way out opened, until
//! none is left to remove. Failures, repairs and maintenance stop servers but move no part, so
//! nothing outside the set can change it: what remains at the horizon stands still for ever.
//!
//! The set has two parts: the components that wait on one another (in loops, and between them),
//! and those stuck *behind* them, upstream, waiting into the loop. The second are found by
//! peeling off every member that no member waits on, until none is left to peel.
//!
//! Conservatively, a component that may still change on its own is not stuck: a station with a
//! part in processing, in setup or loaded, a conveyor whose parts will free its entrance as they
//! move up. Sources are never stuck (nothing waits on them). So every standstill reported is
//! real, and one still forming at the horizon is not reported.
//!
//! Buffers of capacity 0 hold no part: a part that waits at one waits for the components behind
//! it, as the flow protocol has it (`Sim::walk_through`).

use super::{ANY, At, Part, Sim};
use crate::results::{Deadlock, Stuck};
use crate::time::secs;

impl Sim<'_> {
    /// The standstill at the horizon, if any: see the module documentation. `replication`
    /// (counted from 1) names the run in the report.
    pub(super) fn deadlock(&self, replication: u32) -> Option<Deadlock> {
        let n = self.links.len();
        // Each stuck component's waiting parts and when it last changed.
        let mut stuck: Vec<Option<(Vec<Part>, u64)>> = vec![None; n];
        let mut any = false;
        for (c, slot) in stuck.iter_mut().enumerate() {
            *slot = self.standstill(c as u32);
            any |= slot.is_some();
        }
        if !any {
            return None;
        }
        // Where each may send its waiting parts: c → t when one of c's parts may go to t.
        let mut ways: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut into: Vec<Vec<u32>> = vec![Vec::new(); n];
        for c in 0..n {
            let Some((parts, _)) = &stuck[c] else { continue };
            let mut targets = Vec::new();
            for part in parts {
                self.ways_of(c as u32, part, &mut targets);
            }
            targets.sort_unstable();
            targets.dedup();
            for &t in &targets {
                into[t as usize].push(c as u32);
            }
            ways[c] = targets;
        }
        // Remove those with a way out, then those whose way out opened by that, and so on.
        let mut member: Vec<bool> = stuck.iter().map(Option::is_some).collect();
        let has_way_out = |c: usize| ways[c].iter().any(|&t| !member[t as usize]);
        let mut open: Vec<u32> =
            (0..n as u32).filter(|&c| member[c as usize] && has_way_out(c as usize)).collect();
        for &c in &open {
            member[c as usize] = false;
        }
        while let Some(c) = open.pop() {
            for &before in &into[c as usize] {
                if member[before as usize] {
                    member[before as usize] = false;
                    open.push(before);
                }
            }
        }
        // Peel off those no member waits on: they are stuck behind the rest.
        let mut waited_on = vec![0u32; n];
        for c in (0..n).filter(|&c| member[c]) {
            for &t in &ways[c] {
                waited_on[t as usize] += 1;
            }
        }
        let mut behind = vec![false; n];
        let mut peel: Vec<u32> =
            (0..n as u32).filter(|&c| member[c as usize] && waited_on[c as usize] == 0).collect();
        while let Some(c) = peel.pop() {
            behind[c as usize] = true;
            for &t in &ways[c as usize] {
                waited_on[t as usize] -= 1;
                if waited_on[t as usize] == 0 {
                    peel.push(t);
                }
            }
        }
        let mut components = Vec::new();
        let mut upstream = Vec::new();
        let mut since = 0;
        for c in self.model_order() {
            let i = c as usize;
            if !member[i] {
                continue;
            }
            if behind[i] {
                upstream.push(self.name(c).to_string());
                continue;
            }
            let (_, changed) = stuck[i].as_ref().expect("a member is stuck");
            since = since.max(*changed);
            let waits_for = ways[i].iter().map(|&t| self.name(t).to_string()).collect();
            components.push(Stuck { name: self.name(c).to_string(), waits_for });
        }
        // Members that wait into a loop always lead to one, so a set with members has a loop.
        (!components.is_empty()).then(|| Deadlock {
            replication,
            since_s: secs(since),
            components,
            behind: upstream,
        })
    }

    /// Component `c`'s waiting parts and when it came to its standstill, if it is stuck (full,
    /// and what it would release next waits).
    fn standstill(&self, c: u32) -> Option<(Vec<Part>, u64)> {
        match self.at(c) {
            At::Station(i) => self.stations[i].standstill(),
            At::Buffer(i) => {
                let buffer = &self.buffers[i];
                if buffer.passes_through() || buffer.has_room() || !self.links[c as usize].blocked {
                    return None;
                }
                // Full: the last change was the part that filled it, the newest.
                let newest = buffer.parts.back()?.entered;
                Some((vec![buffer.head()?], newest))
            }
            At::Conveyor(i) => {
                if !self.links[c as usize].blocked {
                    return None;
                }
                let (front, since) = self.conveyors[i].standstill(self.now)?;
                Some((vec![front], since))
            }
            At::Source(_) | At::Sink(_) => None,
        }
    }

    /// Adds to `out` every component `part`, waiting at `c`, may go to: its target, or else each
    /// successor in flow order; through a buffer of capacity 0, the components behind it.
    fn ways_of(&self, c: u32, part: &Part, out: &mut Vec<u32>) {
        let targets: &[u32] = if part.target != ANY {
            std::slice::from_ref(&part.target)
        } else {
            &self.successors[self.links[c as usize].successors()]
        };
        for &t in targets {
            if self.passes_through(t) {
                self.walk_through(t, Some(part.product), |s| {
                    out.push(s);
                    false
                });
            } else {
                out.push(t);
            }
        }
    }
}
