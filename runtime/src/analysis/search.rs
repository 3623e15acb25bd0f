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
//!   factor) or a Latin hypercube (several); the caller keeps the non-dominated points.
//!
//! Constraints follow Deb's feasibility rules (Deb 2000): a feasible point beats an infeasible
//! one, two feasible points compare by objective, two infeasible ones by their violation. So
//! infeasible points are never chosen as the best, and the search moves towards feasibility when
//! it has found none.

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
    let mut state = Search { evaluated: Vec::new(), budget, round: 0, evaluate };
    if ranges.is_empty() || budget == 0 {
        return Ok(Vec::new());
    }
    match strategy {
        Strategy::SpaceFilling if ranges.len() == 1 => {
            let r = ranges[0];
            let points = design::levels(r.low, r.high, budget, r.integer);
            state.batch(points.into_iter().map(|x| vec![x]).collect())?;
        }
        Strategy::SpaceFilling => {
            let unit = design::latin_hypercube(ranges.len(), budget, stream);
            state.batch(unit.iter().map(|u| scale(ranges, u)).collect())?;
        }
        Strategy::Refine => refine(&mut state, ranges[0])?,
        Strategy::Pattern => pattern(&mut state, ranges, stream)?,
    }
    Ok(state.evaluated)
}

struct Search<'a, E> {
    evaluated: Vec<Evaluated>,
    budget: usize,
    round: u32,
    evaluate: &'a mut Evaluate<'a, E>,
}

impl<E> Search<'_, E> {
    fn remaining(&self) -> usize {
        self.budget.saturating_sub(self.evaluated.len())
    }

    fn find(&self, point: &[f64]) -> Option<usize> {
        self.evaluated.iter().position(|e| same(&e.point, point))
    }

    /// Evaluates the points not yet evaluated (duplicates dropped, in order), as far as the
    /// budget goes; returns how many were new.
    fn batch(&mut self, points: Vec<Vec<f64>>) -> Result<usize, E> {
        let mut fresh: Vec<Vec<f64>> = Vec::new();
        for point in points {
            if fresh.len() >= self.remaining() {
                break;
            }
            if self.find(&point).is_none() && !fresh.iter().any(|p| same(p, &point)) {
                fresh.push(point);
            }
        }
        if fresh.is_empty() {
            return Ok(0);
        }
        let scores = (self.evaluate)(&fresh)?;
        let round = self.round;
        self.round += 1;
        let count = fresh.len();
        for (point, score) in fresh.into_iter().zip(scores) {
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

fn scale(ranges: &[Range], unit: &[f64]) -> Vec<f64> {
    ranges.iter().zip(unit).map(|(r, &u)| design::scale(u, r.low, r.high, r.integer)).collect()
}

/// One factor: a coarse grid, then finer grids between the best point's neighbours.
fn refine<E>(state: &mut Search<E>, range: Range) -> Result<(), E> {
    let coarse = if state.budget <= 3 { state.budget } else { (state.budget / 2).clamp(3, 11) };
    let grid = design::levels(range.low, range.high, coarse, range.integer);
    state.batch(grid.into_iter().map(|x| vec![x]).collect())?;
    let tolerance = 1e-6 * (range.high - range.low).abs();
    while state.remaining() > 0 {
        let Some(best) = state.best() else { break };
        let centre = state.evaluated[best].point[0];
        let left = state
            .evaluated
            .iter()
            .map(|e| e.point[0])
            .filter(|&x| x < centre)
            .fold(centre, |a, x| if a == centre || x > a { x } else { a });
        let right = state
            .evaluated
            .iter()
            .map(|e| e.point[0])
            .filter(|&x| x > centre)
            .fold(centre, |a, x| if a == centre || x < a { x } else { a });
        if right - left <= tolerance {
            break;
        }
        let count = REFINE_POINTS.min(state.remaining());
        let candidates: Vec<f64> = if range.integer {
            untried_whole_numbers(left, centre, right, count)
        } else {
            // Evenly spaced points strictly inside the bracket. An odd count on a bracket centred
            // on the best point would put one point on it (already run, so dropped, and a last
            // run of the budget never spent): then space one more and leave the centre out.
            let levels = design::levels(left, right, count + 2 + count % 2, false);
            levels[1..levels.len() - 1]
                .iter()
                .copied()
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

/// Several factors: the centre and a Latin hypercube, then a compass search.
fn pattern<E>(state: &mut Search<E>, ranges: &[Range], stream: &mut Stream) -> Result<(), E> {
    let k = ranges.len();
    let start = (state.budget / 3).clamp(1, 10 * k);
    let mut points = vec![scale(ranges, &vec![0.5; k])];
    let unit = design::latin_hypercube(k, start.saturating_sub(1), stream);
    points.extend(unit.iter().map(|u| scale(ranges, u)));
    state.batch(points)?;
    let mut steps: Vec<f64> = ranges
        .iter()
        .map(|r| {
            let step = 0.25 * (r.high - r.low);
            if r.integer { step.round().max(1.0) } else { step }
        })
        .collect();
    let small = |steps: &[f64]| {
        steps.iter().zip(ranges).all(
            |(&s, r)| {
                if r.integer { s < 1.0 } else { s <= 1e-3 * (r.high - r.low) }
            },
        )
    };
    while state.remaining() > 0 && !small(&steps) {
        let Some(best) = state.best() else { break };
        let centre = state.evaluated[best].point.clone();
        let centre_score = state.evaluated[best].score;
        let mut polls = Vec::with_capacity(2 * k);
        for (i, r) in ranges.iter().enumerate() {
            if r.integer && steps[i] < 1.0 {
                continue;
            }
            for sign in [1.0, -1.0] {
                let mut point = centre.clone();
                point[i] = (centre[i] + sign * steps[i]).clamp(r.low, r.high);
                if r.integer {
                    point[i] = point[i].round().clamp(r.low.ceil(), r.high.floor());
                }
                if !same(&point, &centre) {
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
                *step = if r.integer { (*step / 2.0).floor() } else { *step / 2.0 };
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

    fn run(
        ranges: &[Range],
        budget: usize,
        strategy: Strategy,
        f: impl Fn(&[f64]) -> Score,
    ) -> Vec<Evaluated> {
        let mut stream = Stream::new(7, 0, "search", "test");
        let mut batches = 0;
        let mut evaluate = |points: &[Vec<f64>]| -> Result<Vec<Score>, ()> {
            batches += 1;
            Ok(points.iter().map(|p| f(p)).collect())
        };
        let out = search(ranges, budget, strategy, &mut stream, &mut evaluate).unwrap();
        assert!(batches >= 1);
        out
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

    #[test]
    fn space_filling_spends_the_whole_budget() {
        let range = Range { low: 0.0, high: 1.0, integer: false };
        assert_eq!(run(&[range], 9, Strategy::SpaceFilling, |p| plain(p[0])).len(), 9);
        assert_eq!(Strategy::for_problem(1, 2), Strategy::SpaceFilling);
        assert_eq!(Strategy::for_problem(1, 1), Strategy::Refine);
        assert_eq!(Strategy::for_problem(3, 1), Strategy::Pattern);
    }
}
