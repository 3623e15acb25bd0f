//! Deterministic search for the best point of a noisy function estimated by simulation.
//!
//! The caller evaluates points in batches (every point of a batch with the same replications and
//! seeds: common random numbers, so the estimates of nearby points move together and their
//! differences are far less noisy than the estimates themselves) and returns a [`Score`] per
//! point. The search decides the next batch from the scores it has seen. A budget counts the
//! points evaluated; a point already evaluated is never paid for twice.
//!
//! - **One factor** ([`Strategy::Refine`]): a coarse grid of evenly spaced points over the range
//!   (about half the budget, 3 to 11 points), then rounds of finer grids: each round puts
//!   [`REFINE_POINTS`] evenly spaced points between the best point's two evaluated neighbours,
//!   which shrinks the bracket around the best by a factor 0.4 per round, until the budget is
//!   spent or the bracket is narrower than 10⁻⁶ of the range. An integer factor takes that many
//!   of the bracket's whole numbers not yet run, spread evenly over them (all of them when there
//!   are no more), until every whole number in the bracket has run. This is a grid version of
//!   golden-section search that runs several points per round, in parallel, and does not trust a
//!   unimodal shape the noise may break.
//! - **Several factors** ([`Strategy::Pattern`]): the centre of the box and a Latin hypercube
//!   (a third of the budget, at most 10 points per factor), then a compass (pattern) search from
//!   the best point (Torczon 1997; Kolda, Lewis and Torczon 2003): poll ± one step along each
//!   factor, move to the best poll point when it improves on the centre, otherwise halve the
//!   steps. Steps start at a quarter of each range (at least 1 for an integer factor) and the
//!   search stops when the budget is spent or every step is below 10⁻³ of its range (integers:
//!   below 1).
//! - **Several objectives** ([`Strategy::SpaceFilling`]): the whole budget on an even grid (one
//!   factor) or a Latin hypercube (several); the caller keeps the non-dominated points. Whole-number
//!   factors can round two points of the hypercube to one: further points are drawn until the
//!   budget's worth are distinct, and when the factors' ranges hold no more points than the
//!   budget ([`distinct_points`]), every one of them runs instead.
//!
//! Constraints follow Deb's feasibility rules (Deb 2000): a feasible point beats an infeasible
//! one, two feasible points compare by objective, two infeasible ones by their violation. So
//! infeasible points are never chosen as the best, and the search moves towards feasibility when
//! it has found none.
//!
//! # Exact points
//!
//! A point is never run twice, so the search must know when it meets a point again. Its values
//! cannot tell: the compass search's step out and back, `(c + s) − s`, and a level of a finer
//! grid that falls on the best point, land a rounding error away from the point already run
//! (105.7877355250598 h against 105.78773552505979 h), which would run again. Each point is kept
//! instead as a [`Place`] per factor, an exact fraction of the factor's range (a whole number of
//! steps for a whole-number factor), and its values are computed from the places, always the same
//! way. The grids of the refinement are fractions of their brackets; the hypercube's coordinates
//! are put on the lattice of 2⁵³ equal steps of each range (moving them by at most 2⁻⁵⁴ of the
//! range), on which the compass steps (a quarter of the range, halved) stay exact.

use crate::analysis::design;
use fab_stdlib::random::Stream;

/// The range of one factor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub low: f64,
    pub high: f64,
    /// Only whole numbers.
    pub integer: bool,
}

impl Range {
    /// How many distinct values the range holds: its [`design::whole_numbers`] (none, when a
    /// whole-number range holds none), or `None` for a continuous range wider than a point.
    fn distinct_values(&self) -> Option<u64> {
        match self.integer {
            true => Some(self.whole_numbers().map_or(0, |whole| whole.count())),
            false if self.high == self.low => Some(1),
            false => None,
        }
    }

    fn whole_numbers(&self) -> Option<design::WholeNumbers> {
        design::whole_numbers(self.low, self.high)
    }

    /// The lowest whole number of a whole-number range, which places count from (NaN for a range
    /// that holds none, which no place is in: the search runs no point of it).
    fn lowest(&self) -> f64 {
        self.whole_numbers().map_or(f64::NAN, |whole| whole.lowest)
    }

    /// The factor's value at `place`: the share of the range (its ends exactly), or the whole
    /// number that many above the lowest.
    fn value(&self, place: Place) -> f64 {
        if self.integer {
            return self.lowest() + place.num as f64;
        }
        match place {
            Place { num: 0, .. } => self.low,
            Place { num, den } if num >= den => self.high,
            Place { num, den } => self.low + (self.high - self.low) * (num as f64 / den as f64),
        }
    }

    /// The place of the range's last value: its high end, or its largest whole number.
    fn last(&self) -> Place {
        match self.distinct_values() {
            Some(count) => Place::whole(count - 1),
            None => Place::ONE,
        }
    }

    /// `place` inside the range, and one place for one value: a range of one value has only 0.
    fn canonical(&self, place: Place) -> Place {
        place.min(self.last())
    }

    /// The place of a unit-cube coordinate (see [`design::scale`]): a whole number's share of
    /// the unit interval, or the nearest point of the [`LATTICE`].
    fn place_of_unit(&self, unit: f64) -> Place {
        if self.integer {
            let value = design::scale(unit, self.low, self.high, true);
            return Place::whole((value - self.lowest()) as u64);
        }
        let steps = (unit.clamp(0.0, 1.0) * LATTICE as f64).round() as u128;
        self.canonical(Place::new(steps, LATTICE))
    }
}

/// The steps of each continuous range on which the space-filling and compass points lie: 2⁵³,
/// so a hypercube's coordinate in `[0.5, 1)` is on it and a smaller one moves by at most 2⁻⁵⁴,
/// and the compass steps, 2⁻² of the range halved down to 2⁻¹⁰, are whole numbers of steps.
const LATTICE: u128 = 1 << 53;

/// Where a point lies along one factor, exactly: for a continuous factor the share `num / den`
/// of its range (0 its low end, 1 its high end), for a whole-number factor `num` whole numbers
/// above its lowest (`den` 1). Kept in lowest terms, so two places are the same point exactly
/// when they are equal, however they were reached. The denominators stay far below 2⁶³: the
/// lattice's 2⁵³, and for the refinement's nested grids the coarse grid's (at most 10) times 5
/// or 3 per round, of which there are about 15 before the bracket is 10⁻⁶ of the range. So
/// products of two terms fit in a `u128`; arithmetic that would pass the bound is refused
/// (`None`) rather than rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Place {
    num: u128,
    den: u128,
}

impl Place {
    const ZERO: Place = Place { num: 0, den: 1 };
    const ONE: Place = Place { num: 1, den: 1 };

    fn new(num: u128, den: u128) -> Place {
        let divisor = gcd(num, den);
        Place { num: num / divisor, den: den / divisor }
    }

    /// [`Place::new`] for the results of arithmetic: `None` past the denominators [`Ord`] can
    /// compare.
    fn bounded(num: u128, den: u128) -> Option<Place> {
        let place = Place::new(num, den);
        (place.den < 1 << 63 && place.num < 1 << 64).then_some(place)
    }

    fn whole(n: u64) -> Place {
        Place { num: n as u128, den: 1 }
    }

    /// The place as a number (a share of the range, or a count of whole numbers).
    fn number(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// `self + (other − self) · j / k`, for `self ≤ other` and `j ≤ k`.
    fn towards(self, other: Place, j: u128, k: u128) -> Option<Place> {
        let from = self.num.checked_mul(other.den)?.checked_mul(k)?;
        let gap = other.num.checked_mul(self.den)?.checked_sub(self.num.checked_mul(other.den)?)?;
        let den = self.den.checked_mul(other.den)?.checked_mul(k)?;
        Place::bounded(from.checked_add(gap.checked_mul(j)?)?, den)
    }

    fn plus(self, step: Place) -> Option<Place> {
        let num = self.num.checked_mul(step.den)?.checked_add(step.num.checked_mul(self.den)?)?;
        Place::bounded(num, self.den.checked_mul(step.den)?)
    }

    /// `self − step`, or 0 below it.
    fn minus(self, step: Place) -> Option<Place> {
        let (a, b) = (self.num.checked_mul(step.den)?, step.num.checked_mul(self.den)?);
        Place::bounded(a.saturating_sub(b), self.den.checked_mul(step.den)?)
    }

    fn half(self) -> Option<Place> {
        Place::bounded(self.num, self.den.checked_mul(2)?)
    }
}

impl Ord for Place {
    fn cmp(&self, other: &Place) -> std::cmp::Ordering {
        // Denominators below 2⁶³ and numerators below 2⁶⁴ (`Place::bounded`): the products fit.
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

impl PartialOrd for Place {
    fn partial_cmp(&self, other: &Place) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// How many distinct points the factors' ranges hold together (the product of their numbers of
/// values), or `None` when a continuous range makes them unbounded (or the count passes `u64`).
/// A search can run no more points than this.
pub fn distinct_points(ranges: &[Range]) -> Option<u64> {
    ranges.iter().try_fold(1u64, |product, r| product.checked_mul(r.distinct_values()?))
}

/// What the caller reports for a point: the objective to minimise (negate one to maximise) and
/// the total constraint violation (0 when every constraint holds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    pub objective: f64,
    pub violation: f64,
}

impl Score {
    /// Deb's rules: feasibility first, then the objective; NaN is worst.
    pub fn better_than(&self, other: &Score) -> bool {
        let key = |s: &Score| {
            let objective = if s.objective.is_nan() { f64::INFINITY } else { s.objective };
            let violation = if s.violation.is_nan() { f64::INFINITY } else { s.violation };
            (violation > 0.0, violation, objective)
        };
        let (a, b) = (key(self), key(other));
        match a.0.cmp(&b.0) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal if a.0 => a.1 < b.1,
            std::cmp::Ordering::Equal => a.2 < b.2,
        }
    }
}

/// How the search spends its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Refine,
    Pattern,
    SpaceFilling,
}

impl Strategy {
    /// The strategy for this many factors and objectives.
    pub fn for_problem(factors: usize, objectives: usize) -> Strategy {
        match (factors, objectives) {
            (_, 2..) => Strategy::SpaceFilling,
            (1, _) => Strategy::Refine,
            _ => Strategy::Pattern,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Strategy::Refine => "coarse grid, then finer grids around the best",
            Strategy::Pattern => "Latin hypercube, then compass search from the best",
            Strategy::SpaceFilling => "space-filling design, non-dominated points",
        }
    }
}

/// Points put between the best point's neighbours in each refinement round.
pub const REFINE_POINTS: usize = 4;

/// Rounds of further hypercube points drawn to replace the repeated ones of a space-filling
/// design, when the factors hold more than twice the budget's points: each point drawn is new
/// with probability above 1/2, so a point still missing after them has a chance below 2⁻⁶⁴.
const REDRAW_ROUNDS: usize = 64;

/// Scores a batch of points (factor values in factor order), in order.
pub type Evaluate<'a, E> = dyn FnMut(&[Vec<f64>]) -> Result<Vec<Score>, E> + 'a;

/// One evaluated point.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    pub point: Vec<f64>,
    /// The batch it was evaluated in (0 first).
    pub round: u32,
    pub score: Score,
}

/// Runs the search and returns every evaluated point in evaluation order. `evaluate` gets one
/// batch of points (factor values, in factor order) and returns their scores in order; its
/// error stops the search. `stream` draws the Latin hypercube (several factors).
pub fn search<E>(
    ranges: &[Range],
    budget: usize,
    strategy: Strategy,
    stream: &mut Stream,
    evaluate: &mut Evaluate<'_, E>,
) -> Result<Vec<Evaluated>, E> {
    // A whole-number range that holds no whole number holds no point (the checker refuses it in
    // a model).
    if ranges.is_empty() || budget == 0 || ranges.iter().any(|r| r.distinct_values() == Some(0)) {
        return Ok(Vec::new());
    }
    let mut state =
        Search { ranges, evaluated: Vec::new(), places: Vec::new(), budget, round: 0, evaluate };
    match strategy {
        Strategy::SpaceFilling if ranges.len() == 1 => {
            let points = grid(ranges[0], budget);
            state.batch(points.into_iter().map(|x| vec![x]).collect())?;
        }
        Strategy::SpaceFilling => space_filling(&mut state, stream)?,
        Strategy::Refine => refine(&mut state)?,
        Strategy::Pattern => pattern(&mut state, stream)?,
    }
    Ok(state.evaluated)
}

struct Search<'a, E> {
    ranges: &'a [Range],
    evaluated: Vec<Evaluated>,
    /// The places of each evaluated point, in the same order.
    places: Vec<Vec<Place>>,
    budget: usize,
    round: u32,
    evaluate: &'a mut Evaluate<'a, E>,
}

/// A point's places, each as its range identifies it ([`Range::canonical`]), so that equal points
/// compare equal.
fn canonical(ranges: &[Range], point: &[Place]) -> Vec<Place> {
    ranges.iter().zip(point).map(|(r, &p)| r.canonical(p)).collect()
}

impl<E> Search<'_, E> {
    fn remaining(&self) -> usize {
        self.budget.saturating_sub(self.evaluated.len())
    }

    fn canonical(&self, point: &[Place]) -> Vec<Place> {
        canonical(self.ranges, point)
    }

    fn values(&self, point: &[Place]) -> Vec<f64> {
        self.ranges.iter().zip(point).map(|(r, &p)| r.value(p)).collect()
    }

    /// The evaluated point at these places.
    fn find(&self, point: &[Place]) -> Option<usize> {
        let point = self.canonical(point);
        self.places.iter().position(|p| *p == point)
    }

    /// Evaluates the points not yet evaluated (repeats dropped, in order), as far as the budget
    /// goes; returns how many were new. A point is the same as another at the same places, or
    /// with the same values (two places of a range narrower than its lattice's rounding).
    fn batch(&mut self, points: Vec<Vec<Place>>) -> Result<usize, E> {
        let mut fresh: Vec<(Vec<Place>, Vec<f64>)> = Vec::new();
        for point in points {
            if fresh.len() >= self.remaining() {
                break;
            }
            let point = self.canonical(&point);
            let values = self.values(&point);
            let known = |p: &[Place], v: &[f64]| *p == point[..] || same(v, &values);
            if self.places.iter().zip(&self.evaluated).any(|(p, e)| known(p, &e.point))
                || fresh.iter().any(|(p, v)| known(p, v))
            {
                continue;
            }
            fresh.push((point, values));
        }
        if fresh.is_empty() {
            return Ok(0);
        }
        let values: Vec<Vec<f64>> = fresh.iter().map(|(_, v)| v.clone()).collect();
        let scores = (self.evaluate)(&values)?;
        let round = self.round;
        self.round += 1;
        let count = fresh.len();
        for ((places, point), score) in fresh.into_iter().zip(scores) {
            self.places.push(places);
            self.evaluated.push(Evaluated { point, round, score });
        }
        Ok(count)
    }

    /// The index of the best point evaluated (the first of equals).
    fn best(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, e) in self.evaluated.iter().enumerate() {
            if best.is_none_or(|b| e.score.better_than(&self.evaluated[b].score)) {
                best = Some(i);
            }
        }
        best
    }
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// `count` evenly spaced places over a range, both ends included (for `count = 1`, the middle),
/// as [`design::levels`] spaces them: a whole-number range's levels rounded, repeats dropped.
fn grid(range: Range, count: usize) -> Vec<Place> {
    if range.integer {
        let levels = design::levels(range.low, range.high, count, true);
        return levels.into_iter().map(|x| Place::whole((x - range.lowest()) as u64)).collect();
    }
    match count {
        0 => Vec::new(),
        1 => vec![Place::new(1, 2)],
        _ => (0..count).map(|j| Place::new(j as u128, (count - 1) as u128)).collect(),
    }
}

/// One factor: a coarse grid, then finer grids between the best point's neighbours.
fn refine<E>(state: &mut Search<E>) -> Result<(), E> {
    let range = state.ranges[0];
    let coarse = if state.budget <= 3 { state.budget } else { (state.budget / 2).clamp(3, 11) };
    state.batch(grid(range, coarse).into_iter().map(|x| vec![x]).collect())?;
    // The narrowest bracket refined, as a share of the range; a whole-number factor's bracket
    // (in whole numbers) is refined until it holds no number left to run.
    let tolerance = if range.integer { 0.0 } else { 1e-6 };
    while state.remaining() > 0 {
        let Some(best) = state.best() else { break };
        let centre = state.places[best][0];
        let left =
            state.places.iter().map(|p| p[0]).filter(|&x| x < centre).max().unwrap_or(centre);
        let right =
            state.places.iter().map(|p| p[0]).filter(|&x| x > centre).min().unwrap_or(centre);
        if right.minus(left).is_none_or(|width| width.number() <= tolerance) {
            break;
        }
        let count = REFINE_POINTS.min(state.remaining());
        let candidates: Vec<Place> = if range.integer {
            untried_whole_numbers(left.number(), centre.number(), right.number(), count)
                .into_iter()
                .map(|x| Place::whole(x as u64))
                .collect()
        } else {
            // Evenly spaced points strictly inside the bracket. An odd count on a bracket centred
            // on the best point would put one point on it (already run, so dropped, and a last
            // run of the budget never spent): then space one more and leave the centre out. The
            // places are exact, so a level on the centre is the centre, not a point beside it.
            let intervals = (count + 1 + count % 2) as u128;
            (1..intervals)
                .filter_map(|j| left.towards(right, j, intervals))
                .filter(|&x| x != centre)
                .take(count)
                .collect()
        };
        if state.batch(candidates.into_iter().map(|x| vec![x]).collect())? == 0 {
            break;
        }
    }
    Ok(())
}

/// Up to `count` whole numbers strictly between `left` and `right` other than `centre` (all
/// three whole numbers), evenly spread over them: all of them when there are no more than
/// `count`. `left` and `right` are the evaluated points nearest to `centre` on either side, so
/// none of these numbers has run yet, and the range is never materialised (a factor over
/// `1..=2000000000` has about 4 × 10⁸ of them in its first bracket).
fn untried_whole_numbers(left: f64, centre: f64, right: f64, count: usize) -> Vec<f64> {
    let below = (centre - left - 1.0).max(0.0);
    let above = (right - centre - 1.0).max(0.0);
    let untried = below + above;
    // The untried numbers ranked from 0: `below` of them from `left + 1`, the rest from
    // `centre + 1`.
    let at = |rank: f64| if rank < below { left + 1.0 + rank } else { centre + 1.0 + rank - below };
    if untried <= count as f64 {
        return (0..untried as usize).map(|rank| at(rank as f64)).collect();
    }
    // Ranks at the middles of `count` equal strata: distinct, since each stratum holds more than
    // one number.
    (0..count).map(|j| at(((2 * j + 1) as f64 * untried / (2 * count) as f64).floor())).collect()
}

/// The places of a unit-cube design.
fn places_of(ranges: &[Range], unit: &[Vec<f64>]) -> Vec<Vec<Place>> {
    unit.iter().map(|u| ranges.iter().zip(u).map(|(r, &x)| r.place_of_unit(x)).collect()).collect()
}

/// Every point the ranges hold (each a finite number of values), the first factor varying
/// slowest, as [`design::full_factorial`] orders them.
fn every_point(ranges: &[Range]) -> Vec<Vec<Place>> {
    let levels: Vec<Vec<f64>> = ranges
        .iter()
        .map(|r| (0..r.distinct_values().unwrap_or(1)).map(|n| n as f64).collect())
        .collect();
    design::full_factorial(&levels)
        .into_iter()
        .map(|point| point.into_iter().map(|n| Place::whole(n as u64)).collect())
        .collect()
}

/// Several factors, several objectives: a Latin hypercube of the budget's points, all distinct.
/// Points the hypercube repeats (whole-number factors round two of its points to one) are
/// replaced: among the points not yet chosen at random when the ranges hold at most twice the
/// budget, by further hypercube points otherwise. Ranges that hold no more points than the
/// budget run every one of them.
fn space_filling<E>(state: &mut Search<E>, stream: &mut Stream) -> Result<(), E> {
    let ranges = state.ranges;
    let budget = state.budget;
    let available = distinct_points(ranges);
    if available.is_some_and(|n| n <= budget as u64) {
        state.batch(every_point(ranges))?;
        return Ok(());
    }
    let mut chosen: Vec<Vec<Place>> = Vec::with_capacity(budget);
    let mut seen = std::collections::BTreeSet::new();
    let mut add = |chosen: &mut Vec<Vec<Place>>, points: Vec<Vec<Place>>| {
        for point in points {
            let point = canonical(ranges, &point);
            if chosen.len() < budget && seen.insert(point.clone()) {
                chosen.push(point);
            }
        }
    };
    add(&mut chosen, places_of(ranges, &design::latin_hypercube(ranges.len(), budget, stream)));
    match available {
        Some(n) if n <= (budget as u64).saturating_mul(2) => {
            let mut rest: Vec<Vec<Place>> =
                every_point(ranges).into_iter().filter(|p| !seen.contains(p)).collect();
            while chosen.len() < budget && !rest.is_empty() {
                let i = stream.below(rest.len() as u64) as usize;
                chosen.push(rest.swap_remove(i));
            }
        }
        _ => {
            for _ in 0..REDRAW_ROUNDS {
                let missing = budget - chosen.len();
                if missing == 0 {
                    break;
                }
                let unit = design::latin_hypercube(ranges.len(), missing, stream);
                add(&mut chosen, places_of(ranges, &unit));
            }
        }
    }
    state.batch(chosen)?;
    Ok(())
}

/// Several factors: the centre and a Latin hypercube, then a compass search.
fn pattern<E>(state: &mut Search<E>, stream: &mut Stream) -> Result<(), E> {
    let ranges = state.ranges;
    let k = ranges.len();
    let start = (state.budget / 3).clamp(1, 10 * k);
    let centre_point: Vec<Place> = ranges.iter().map(|r| r.place_of_unit(0.5)).collect();
    let mut points = vec![centre_point];
    points.extend(places_of(ranges, &design::latin_hypercube(k, start.saturating_sub(1), stream)));
    state.batch(points)?;
    // A continuous factor's step is a share of its range, a whole-number factor's a count of
    // whole numbers (0 once it has halved below 1).
    let mut steps: Vec<Place> = ranges
        .iter()
        .map(|r| match r.integer {
            true => Place::whole((0.25 * (r.high - r.low)).round().max(1.0) as u64),
            false => Place::new(1, 4),
        })
        .collect();
    let small = |steps: &[Place]| {
        steps
            .iter()
            .zip(ranges)
            .all(|(s, r)| if r.integer { s.num == 0 } else { s.number() <= 1e-3 })
    };
    while state.remaining() > 0 && !small(&steps) {
        let Some(best) = state.best() else { break };
        let centre = state.places[best].clone();
        let centre_score = state.evaluated[best].score;
        let mut polls = Vec::with_capacity(2 * k);
        for (i, r) in ranges.iter().enumerate() {
            if steps[i].num == 0 {
                continue;
            }
            for moved in [centre[i].plus(steps[i]), centre[i].minus(steps[i])] {
                let Some(moved) = moved else { continue };
                let mut point = centre.clone();
                point[i] = r.canonical(moved);
                if point != centre {
                    polls.push(point);
                }
            }
        }
        state.batch(polls.clone())?;
        let improved = polls.iter().any(|p| {
            state.find(p).is_some_and(|i| state.evaluated[i].score.better_than(&centre_score))
        });
        if !improved {
            for (step, r) in steps.iter_mut().zip(ranges) {
                *step = match r.integer {
                    true => Place::whole((step.num / 2) as u64),
                    false => step.half().unwrap_or(Place::ZERO),
                };
            }
        }
    }
    Ok(())
}

/// The indices of the non-dominated points among `objectives` (each row one point's objectives,
/// all to minimise) restricted to `eligible` points, in index order.
pub fn pareto_front(objectives: &[Vec<f64>], eligible: &[bool]) -> Vec<usize> {
    let dominates = |a: &[f64], b: &[f64]| {
        a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
    };
    (0..objectives.len())
        .filter(|&i| eligible[i] && objectives[i].iter().all(|x| !x.is_nan()))
        .filter(|&i| {
            !(0..objectives.len()).any(|j| {
                j != i
                    && eligible[j]
                    && objectives[j].iter().all(|x| !x.is_nan())
                    && dominates(&objectives[j], &objectives[i])
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`search`] of `f`: every point it evaluates, and in how many batches.
    fn searched(
        ranges: &[Range],
        budget: usize,
        strategy: Strategy,
        f: impl Fn(&[f64]) -> Score,
    ) -> (Vec<Evaluated>, usize) {
        let mut stream = Stream::new(7, 0, "search", "test");
        let mut batches = 0;
        let mut evaluate = |points: &[Vec<f64>]| -> Result<Vec<Score>, ()> {
            batches += 1;
            Ok(points.iter().map(|p| f(p)).collect())
        };
        let out = search(ranges, budget, strategy, &mut stream, &mut evaluate).unwrap();
        (out, batches)
    }

    /// [`searched`], which evaluates a batch at least.
    fn run(
        ranges: &[Range],
        budget: usize,
        strategy: Strategy,
        f: impl Fn(&[f64]) -> Score,
    ) -> Vec<Evaluated> {
        let (out, batches) = searched(ranges, budget, strategy, f);
        assert!(batches >= 1);
        out
    }

    /// [`searched`] with a first batch of none allowed: every point it evaluates.
    fn run_all(
        ranges: &[Range],
        budget: usize,
        strategy: Strategy,
        f: impl Fn(&[f64]) -> Score,
    ) -> Vec<Evaluated> {
        searched(ranges, budget, strategy, f).0
    }

    fn best(evaluated: &[Evaluated]) -> &Evaluated {
        let mut best = &evaluated[0];
        for e in evaluated {
            if e.score.better_than(&best.score) {
                best = e;
            }
        }
        best
    }

    fn plain(objective: f64) -> Score {
        Score { objective, violation: 0.0 }
    }

    #[test]
    fn refinement_finds_the_minimum_of_a_parabola_within_the_budget() {
        let range = Range { low: 50.0, high: 2000.0, integer: false };
        let evaluated =
            run(&[range], 30, Strategy::Refine, |p| plain((p[0] - 354.57) * (p[0] - 354.57)));
        assert!(evaluated.len() <= 30);
        // 11 grid points 195 apart, then 4.75 rounds shrinking the bracket by 0.4 each.
        let found = best(&evaluated).point[0];
        assert!((found - 354.57).abs() < 5.0, "found {found}");
        // Every point lies in the range and none is evaluated twice.
        for (i, e) in evaluated.iter().enumerate() {
            assert!((50.0..=2000.0).contains(&e.point[0]));
            assert!(evaluated[..i].iter().all(|o| o.point != e.point));
        }
    }

    #[test]
    fn refinement_spends_the_whole_budget_when_a_round_is_cut_short() {
        // The minimum in the middle of the range: the grids keep the best point halfway between
        // its neighbours, and these budgets leave an odd number of runs for the last round. An
        // odd number of points between those neighbours must not land on the best point and
        // leave runs unspent.
        let range = Range { low: 0.0, high: 100.0, integer: false };
        for budget in [13, 14, 15] {
            let evaluated =
                run(&[range], budget, Strategy::Refine, |p| plain((p[0] - 50.0) * (p[0] - 50.0)));
            assert_eq!(evaluated.len(), budget);
        }
    }

    #[test]
    fn an_integer_factor_ends_on_the_best_whole_number() {
        let range = Range { low: 1.0, high: 40.0, integer: true };
        let evaluated = run(&[range], 40, Strategy::Refine, |p| plain((p[0] - 17.3).abs()));
        assert_eq!(best(&evaluated).point[0], 17.0);
        assert!(evaluated.iter().all(|e| e.point[0].fract() == 0.0));
        assert!(evaluated.len() < 40, "stops once the bracket holds no new whole number");
    }

    /// The brackets' whole numbers are not listed: `1..=2000000000` (4 × 10⁸ in the first
    /// bracket) aborted on a failed allocation; 10¹⁵ cannot be listed at all. The search spends
    /// its budget on distinct whole numbers.
    #[test]
    fn a_huge_integer_range_is_searched_without_listing_it() {
        let range = Range { low: 1.0, high: 1e15, integer: true };
        let evaluated = run(&[range], 20, Strategy::Refine, |p| plain((p[0] - 3.7e14).abs()));
        assert_eq!(evaluated.len(), 20);
        for (i, e) in evaluated.iter().enumerate() {
            assert!(e.point[0].fract() == 0.0 && (1.0..=1e15).contains(&e.point[0]));
            assert!(evaluated[..i].iter().all(|o| o.point != e.point));
        }
    }

    /// With runs left, the search does not stop while whole numbers of the bracket have not run:
    /// 1..=20 with 9 runs put 10, 12 and 14 in the last round's bracket, and the one run left
    /// went nowhere because the evenly spaced levels 10, 12, 14 had all run.
    #[test]
    fn an_integer_search_spends_its_budget_while_the_bracket_has_untried_numbers() {
        let range = Range { low: 1.0, high: 20.0, integer: true };
        for budget in 1..=20 {
            let evaluated = run(&[range], budget, Strategy::Refine, |p| plain((p[0] - 12.2).abs()));
            let found = best(&evaluated).point[0];
            let neighbours_ran = [found - 1.0, found + 1.0]
                .iter()
                .all(|x| !(1.0..=20.0).contains(x) || evaluated.iter().any(|e| e.point[0] == *x));
            assert!(
                evaluated.len() == budget || neighbours_ran,
                "budget {budget}: {} runs, best {found}",
                evaluated.len()
            );
        }
        let evaluated = run(&[range], 9, Strategy::Refine, |p| plain((p[0] - 12.2).abs()));
        assert_eq!(evaluated.len(), 9);
    }

    /// A noisy objective: a bowl plus noise that is a function of the point's bits, so a point
    /// run again a rounding error away scores differently, as a simulation's would.
    fn noisy(point: &[f64], ranges: &[Range]) -> Score {
        let mut hash = 0x9e37_79b9_7f4a_7c15u64;
        let mut bowl = 0.0;
        for (x, r) in point.iter().zip(ranges) {
            hash = (hash ^ x.to_bits()).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            hash ^= hash >> 31;
            let u = (x - r.low) / (r.high - r.low);
            bowl += (u - 0.3) * (u - 0.3);
        }
        plain(bowl + 0.05 * (hash >> 11) as f64 / (1u64 << 53) as f64)
    }

    /// "A point is never run twice": the compass search stepped out and back (c + s − s) and
    /// the refinement put a level on its best point (2/3 of a bracket whose best lies at 2/3)
    /// one rounding error off the point already run, which ran again and was charged to the
    /// budget (`maintenance.fab`: 105.7877355250598 h and 105.78773552505979 h).
    #[test]
    fn no_point_runs_twice_not_even_a_rounding_error_apart() {
        let one: Vec<[Range; 1]> =
            [(0.0, 1.0), (50.0, 57.3), (0.0, 100.0), (1.0, 8.3), (40.0, 41.0)]
                .iter()
                .map(|&(low, high)| [Range { low, high, integer: false }])
                .collect();
        let four = [
            Range { low: 40.0, high: 400.0, integer: false },
            Range { low: 30.0, high: 300.0, integer: false },
            Range { low: 60.0, high: 600.0, integer: false },
            Range { low: 40.0, high: 500.0, integer: false },
        ];
        let mixed = [
            Range { low: 0.1, high: 0.7, integer: false },
            Range { low: 1.0, high: 20.0, integer: true },
        ];
        let mut cases: Vec<(&[Range], Strategy)> = Vec::new();
        for ranges in &one {
            cases.push((ranges, Strategy::Refine));
        }
        cases.push((&four, Strategy::Pattern));
        cases.push((&mixed, Strategy::Pattern));
        cases.push((&four, Strategy::SpaceFilling));
        for (ranges, strategy) in cases {
            for budget in 3..=80 {
                let evaluated = run(ranges, budget, strategy, |p| noisy(p, ranges));
                assert!(evaluated.len() <= budget);
                for (i, e) in evaluated.iter().enumerate() {
                    for other in &evaluated[..i] {
                        let apart = e
                            .point
                            .iter()
                            .zip(&other.point)
                            .zip(ranges)
                            .any(|((a, b), r)| (a - b).abs() > 1e-9 * (r.high - r.low));
                        assert!(
                            apart,
                            "{strategy:?}, budget {budget}: {:?} and {:?}",
                            other.point, e.point
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn untried_whole_numbers_are_spread_over_both_sides_of_the_best() {
        assert_eq!(untried_whole_numbers(10.0, 12.0, 14.0, 1), vec![13.0]);
        assert_eq!(untried_whole_numbers(10.0, 12.0, 14.0, 4), vec![11.0, 13.0]);
        assert_eq!(untried_whole_numbers(0.0, 10.0, 20.0, 4), vec![3.0, 7.0, 13.0, 17.0]);
        assert!(untried_whole_numbers(4.0, 5.0, 6.0, 4).is_empty());
    }

    #[test]
    fn infeasible_points_are_never_the_best() {
        // Minimise x subject to x >= 700: the violation is the shortfall.
        let range = Range { low: 0.0, high: 1000.0, integer: false };
        let evaluated = run(&[range], 30, Strategy::Refine, |p| Score {
            objective: p[0],
            violation: (700.0 - p[0]).max(0.0),
        });
        let found = best(&evaluated);
        assert_eq!(found.score.violation, 0.0);
        assert!(found.point[0] >= 700.0 && found.point[0] < 720.0, "{:?}", found.point);
    }

    #[test]
    fn pattern_search_finds_the_minimum_of_a_bowl_in_two_factors() {
        let ranges = [
            Range { low: 0.0, high: 10.0, integer: false },
            Range { low: 1.0, high: 20.0, integer: true },
        ];
        let evaluated = run(&ranges, 60, Strategy::Pattern, |p| {
            plain((p[0] - 3.3) * (p[0] - 3.3) + 0.5 * (p[1] - 12.0) * (p[1] - 12.0))
        });
        assert!(evaluated.len() <= 60);
        let found = &best(&evaluated).point;
        assert!((found[0] - 3.3).abs() < 0.2, "{found:?}");
        assert_eq!(found[1], 12.0);
    }

    #[test]
    fn the_same_stream_gives_the_same_search() {
        let ranges = [
            Range { low: 0.0, high: 1.0, integer: false },
            Range { low: 0.0, high: 1.0, integer: false },
        ];
        let f = |p: &[f64]| plain((p[0] - 0.2).abs() + (p[1] - 0.7).abs());
        assert_eq!(run(&ranges, 25, Strategy::Pattern, f), run(&ranges, 25, Strategy::Pattern, f));
    }

    #[test]
    fn pareto_front_keeps_the_non_dominated_points() {
        let objectives = vec![
            vec![1.0, 5.0],
            vec![2.0, 2.0],
            vec![3.0, 3.0], // dominated by (2, 2)
            vec![5.0, 1.0],
            vec![0.5, 0.5], // dominates everything, but infeasible
        ];
        let eligible = [true, true, true, true, false];
        assert_eq!(pareto_front(&objectives, &eligible), vec![0, 1, 3]);
    }

    /// Several objectives spend the whole budget on distinct points: a Latin hypercube of
    /// whole-number factors rounds some of its points to one (6 × 6 capacities with 25 runs ran
    /// 20), and the repeats are replaced. Ranges that hold fewer points than the budget run each
    /// once, in factorial order. A continuous factor of one value beside them repeats as they do
    /// (a wide one would make every point distinct, and the case could not fail).
    #[test]
    fn whole_number_factors_fill_the_budget_with_distinct_points() {
        let six = Range { low: 1.0, high: 6.0, integer: true };
        let three = Range { low: 1.0, high: 3.0, integer: true };
        let wide = Range { low: 0.0, high: 1.0, integer: false };
        let one = Range { low: 5.0, high: 5.0, integer: false };
        let distinct = |evaluated: &[Evaluated]| {
            let mut points: Vec<Vec<u64>> =
                evaluated.iter().map(|e| e.point.iter().map(|x| x.to_bits()).collect()).collect();
            points.sort();
            points.dedup();
            points.len()
        };
        for (ranges, budget) in [
            (vec![six, six], 10),
            (vec![six, six], 25),
            (vec![six, six], 35),
            (vec![six, six, six], 100),
            (vec![six, one, six], 30),
        ] {
            let evaluated = run(&ranges, budget, Strategy::SpaceFilling, |p| plain(p[0]));
            assert_eq!((evaluated.len(), distinct(&evaluated)), (budget, budget), "{ranges:?}");
            for e in &evaluated {
                assert!(e.point.iter().zip(&ranges).all(|(x, r)| (r.low..=r.high).contains(x)));
                assert!(e.point.iter().zip(&ranges).all(|(x, r)| !r.integer || x.fract() == 0.0));
            }
        }
        let evaluated = run(&[three, three], 25, Strategy::SpaceFilling, |p| plain(p[0]));
        let points: Vec<Vec<f64>> = evaluated.into_iter().map(|e| e.point).collect();
        let every: Vec<Vec<f64>> =
            design::full_factorial(&[vec![1.0, 2.0, 3.0], vec![1.0, 2.0, 3.0]]);
        assert_eq!(points, every);
        assert_eq!(distinct_points(&[three, three]), Some(9));
        assert_eq!(distinct_points(&[six, wide]), None);
        assert_eq!(distinct_points(&[six, one]), Some(6));
        // A continuous range of one value (`5 s..=5 s`) is one point, however the grid divides it.
        let evaluated = run(&[one], 4, Strategy::SpaceFilling, |p| plain(p[0]));
        assert_eq!(evaluated.len(), 1);
        let evaluated = run(&[one], 10, Strategy::Refine, |p| plain(p[0]));
        assert_eq!(evaluated.len(), 1);
    }

    /// A whole-number range that holds no whole number (`4.2..=4.8`, which only a factor built
    /// in Rust can have: the checker refuses its fractional ends) holds no point, as a design
    /// gives it no level: the search ran its midpoint rounded, 5, outside it.
    #[test]
    fn a_whole_number_range_without_a_whole_number_runs_no_point() {
        let empty = Range { low: 4.2, high: 4.8, integer: true };
        let six = Range { low: 1.0, high: 6.0, integer: true };
        let wide = Range { low: 0.0, high: 1.0, integer: false };
        assert_eq!(distinct_points(&[empty]), Some(0));
        assert_eq!(distinct_points(&[six, empty]), Some(0));
        assert!(design::levels(4.2, 4.8, 3, true).is_empty());
        for strategy in [Strategy::Refine, Strategy::Pattern, Strategy::SpaceFilling] {
            for ranges in [vec![empty], vec![six, empty], vec![wide, empty]] {
                let evaluated = run_all(&ranges, 10, strategy, |p| plain(p[0]));
                assert!(evaluated.is_empty(), "{strategy:?} {ranges:?}: {evaluated:?}");
            }
        }
    }

    #[test]
    fn places_are_exact_fractions() {
        let quarter = Place::new(1, 4);
        let third = Place::new(1, 3);
        assert_eq!(quarter.plus(third).and_then(|p| p.minus(third)), Some(quarter));
        assert_eq!(third.minus(Place::new(1, 2)), Some(Place::ZERO));
        assert_eq!(Place::ZERO.towards(Place::ONE, 2, 6), Some(third));
        assert_eq!(Place::new(6, 8), Place::new(3, 4));
        assert!(Place::new(1, 3) < Place::new(34, 100) && Place::new(2, 6) == third);
        let range = Range { low: 50.0, high: 2000.0, integer: false };
        // A level of the grid is the same number as `design::levels` gives, bit for bit.
        for (j, level) in design::levels(50.0, 2000.0, 11, false).into_iter().enumerate() {
            assert_eq!(range.value(Place::new(j as u128, 10)).to_bits(), level.to_bits());
        }
        assert_eq!(range.value(Place::ONE), 2000.0);
        let whole = Range { low: 3.0, high: 9.0, integer: true };
        assert_eq!((whole.value(Place::whole(2)), whole.last()), (5.0, Place::whole(6)));
    }

    #[test]
    fn space_filling_spends_the_whole_budget() {
        let range = Range { low: 0.0, high: 1.0, integer: false };
        assert_eq!(run(&[range], 9, Strategy::SpaceFilling, |p| plain(p[0])).len(), 9);
        assert_eq!(Strategy::for_problem(1, 2), Strategy::SpaceFilling);
        assert_eq!(Strategy::for_problem(1, 1), Strategy::Refine);
        assert_eq!(Strategy::for_problem(3, 1), Strategy::Pattern);
    }
}
