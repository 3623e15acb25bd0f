//! Experimental designs: which points of the factor space a study simulates.
//!
//! A design is a list of points, one `Vec<f64>` per run, with one coordinate per factor. The
//! space-filling designs ([`latin_hypercube`], [`SobolSequence`]) live in the unit cube: every
//! coordinate is in `[0, 1)`, and [`scale`] maps it to the factor's range, continuous or integer.
//! A [`full_factorial`] design is built directly from each factor's list of [`levels`].
//!
//! # Scaling to a range
//!
//! A continuous factor on `[low, high]` takes `low + u · (high − low)`. An integer factor takes
//! one of the `m` integers of `[low, high]`, each on an equal share of the unit interval:
//! `⌈low⌉ + ⌊u · m⌋` (with `u = 1` mapped to the last integer). Rounding `low + u · (high − low)`
//! instead would give the two end integers half the share of the others.
//!
//! # Latin hypercube
//!
//! McKay, Beckman and Conover ("A comparison of three methods for selecting values of input
//! variables in the analysis of output from a computer code", Technometrics 21(2), 1979): for `n`
//! points, each factor's axis is cut into `n` equal strata and each stratum holds exactly one
//! point, at a uniformly random position inside it; the strata are paired across factors by an
//! independent random permutation per factor. Every one-dimensional projection is thus perfectly
//! stratified, whatever the number of factors.
//!
//! # Sobol' sequence
//!
//! Sobol' ("On the distribution of points in a cube and the approximate evaluation of integrals",
//! USSR Comput. Math. Math. Phys. 7(4), 1967) is a base-2 digital sequence: coordinate `j` of
//! point `i` is the XOR of the *direction numbers* `v_{j,k}` for the bits `k` set in `i`'s Gray
//! code `i ⊕ ⌊i/2⌋` (Antonov and Saleev's order, which Joe and Kuo's generator follows). The
//! direction numbers of a dimension come from a primitive polynomial over GF(2) of degree `s`,
//! `x^s + c₁x^{s−1} + … + c_{s−1}x + 1`, and `s` initial odd integers `m_k < 2^k`
//! (`v_k = m_k / 2^k`); later ones follow the recurrence
//! `v_k = c₁v_{k−1} ⊕ … ⊕ c_{s−1}v_{k−s+1} ⊕ v_{k−s} ⊕ (v_{k−s} / 2^s)`. The polynomials and
//! initial numbers are those of Joe and Kuo ("Constructing Sobol sequences with better
//! two-dimensional projections", SIAM J. Sci. Comput. 30(5), 2008, file `new-joe-kuo-6.21201`,
//! the table SciPy and PyTorch also use), chosen so that two-dimensional projections are well
//! distributed. The first dimension is the van der Corput sequence. We carry the first
//! [`SOBOL_DIMENSIONS`] dimensions, enough for a Saltelli design of 32 factors, with 52 bits per
//! coordinate.
//!
//! The first `2^m` points of the sequence form a `(t, m, s)`-net: every elementary box of volume
//! `2^{t−m}` holds exactly `2^t` points; in particular every coordinate takes each of the values
//! `⌊2^m x⌋ = 0 … 2^m − 1` exactly once, and the first two dimensions form a `(0, m, 2)`-net.
//! Sample sizes that are powers of two keep these properties.
//!
//! [`SobolSequence::scrambled`] randomizes the sequence with Matoušek's linear matrix scramble
//! and a random digital shift ("On the L2-discrepancy for anchored boxes", J. Complexity 14,
//! 1998; Owen's survey "Randomly permuted (t,m,s)-nets and (t,s)-sequences", 1995): each
//! coordinate's digits `d₁d₂…` (most significant first) become `d'_k = d_k ⊕ ⊕_{l<k} L_{kl} d_l
//! ⊕ e_k` with random bits `L` and `e`. The map is linear in the digits, so it is applied once to
//! the direction numbers; it keeps the net properties, makes every point uniform on the cube and
//! the estimates unbiased, and removes the origin from the first point. Coordinates are returned
//! as the centre of their `2⁻⁵²` cell, so they lie in the open interval `(0, 1)`.

use fab_stdlib::random::Stream;

/// Every combination of the factors' levels, the first factor varying slowest (the last one
/// fastest), as in a nested loop over `levels[0]`, `levels[1]`, ….
///
/// With `k` factors of `n₁ … n_k` levels there are `n₁ · … · n_k` points: none if a factor has
/// no level, and one empty point if there are no factors (the base run).
pub fn full_factorial(levels: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut points: Vec<Vec<f64>> = vec![Vec::with_capacity(levels.len())];
    for factor_levels in levels {
        let mut next = Vec::with_capacity(points.len() * factor_levels.len());
        for prefix in &points {
            for &level in factor_levels {
                let mut point = prefix.clone();
                point.push(level);
                next.push(point);
            }
        }
        points = next;
    }
    points
}

/// A Latin hypercube of `points` points in the unit cube with `factors` coordinates each (see
/// the module docs): point `i`'s coordinate for factor `j` lies in the stratum
/// `[π_j(i) / n, (π_j(i) + 1) / n)` for a random permutation `π_j`, uniformly inside it.
///
/// Draws, factor by factor: a Fisher–Yates shuffle of the strata ([`Stream::below`]), then one
/// [`Stream::uniform`] per point. The same stream state gives the same design.
pub fn latin_hypercube(factors: usize, points: usize, stream: &mut Stream) -> Vec<Vec<f64>> {
    let mut design = vec![vec![0.0; factors]; points];
    if points == 0 {
        return design;
    }
    let count = points as f64;
    for factor in 0..factors {
        let strata = permutation(points, stream);
        for (point, &stratum) in design.iter_mut().zip(&strata) {
            let low = stratum as f64 / count;
            let high = (stratum + 1) as f64 / count;
            let mut x = low + stream.uniform() * (high - low);
            if x >= high {
                // Rounding reached the next stratum: take the largest value below it.
                x = f64::from_bits(high.to_bits() - 1);
            }
            point[factor] = x;
        }
    }
    design
}

/// The whole numbers of the range from `low` to `high` (in either order): the one place a
/// whole-number factor's values are computed, read by [`levels`], [`scale`], the search's ranges
/// and a factor's test for one value, so that a design, a sensitivity study and a search agree on
/// them. `None` when the range holds no whole number (`4.2..=4.8`), or an end is NaN: such a
/// range has no value to run, where a design used to give it no level and a search ran its
/// midpoint rounded, 5, outside it. The checker refuses such a range in a model (E0205 for a
/// fractional end, E0703 for `5..5`); only a factor built in Rust meets it here.
pub fn whole_numbers(low: f64, high: f64) -> Option<WholeNumbers> {
    let lowest = low.min(high).ceil();
    let highest = low.max(high).floor();
    if low.is_nan() || high.is_nan() || lowest > highest {
        return None;
    }
    Some(WholeNumbers { lowest, highest })
}

/// The whole numbers of a range ([`whole_numbers`]): every one from `lowest` to `highest`, at
/// least one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WholeNumbers {
    pub lowest: f64,
    pub highest: f64,
}

impl WholeNumbers {
    /// How many there are (exact below 2⁵³; saturated at `u64::MAX`).
    pub fn count(self) -> u64 {
        ((self.highest - self.lowest) as u64).saturating_add(1)
    }

    /// The whole number whose equal share `[i/m, (i+1)/m)` of the unit interval holds `unit`
    /// (clamped to `[0, 1]`; 1 gives the largest).
    pub fn at_unit(self, unit: f64) -> f64 {
        let count = self.highest - self.lowest + 1.0;
        self.lowest + (unit.clamp(0.0, 1.0) * count).floor().min(count - 1.0)
    }
}

/// `count` evenly spaced levels from `low` to `high`, both included (for `count = 1`, the
/// midpoint). For an `integer` factor the levels are rounded to the nearest integer, kept among
/// the range's [`whole_numbers`]. Repeated values are dropped, so fewer than `count` levels may
/// come back: the integers of a short range (none if no integer lies in it), and the one value of
/// a range whose ends are equal (`8 s..=8 s`), which used to come back `count` times and run each
/// of its design points that many times over. The bounds should be finite.
pub fn levels(low: f64, high: f64, count: usize, integer: bool) -> Vec<f64> {
    let raw: Vec<f64> = match count {
        0 => Vec::new(),
        1 => vec![0.5 * (low + high)],
        _ => {
            let last = (count - 1) as f64;
            (0..count)
                .map(|j| if j + 1 == count { high } else { low + (high - low) * (j as f64 / last) })
                .collect()
        }
    };
    if !integer {
        let mut distinct = raw;
        // The levels are monotone, so equal values are neighbours.
        distinct.dedup();
        return distinct;
    }
    let Some(whole) = whole_numbers(low, high) else { return Vec::new() };
    let mut rounded: Vec<f64> = Vec::with_capacity(raw.len());
    for value in raw {
        let value = value.round().clamp(whole.lowest, whole.highest);
        // The levels are monotone, so equal values are neighbours.
        if rounded.last() != Some(&value) {
            rounded.push(value);
        }
    }
    rounded
}

/// Maps a unit-cube coordinate `unit` (clamped to `[0, 1]`) to a factor's range `[low, high]`.
///
/// A continuous factor takes `low + unit · (high − low)`. An `integer` factor takes one of the
/// `m` integers of the range, each on an equal share `[i/m, (i+1)/m)` of the unit interval (and
/// `unit = 1` gives the largest: [`WholeNumbers::at_unit`]); a range that holds no integer has
/// no value to give, and gives NaN, as [`levels`] gives it no level.
pub fn scale(unit: f64, low: f64, high: f64, integer: bool) -> f64 {
    if !integer {
        let unit = unit.clamp(0.0, 1.0);
        return low + unit * (high - low);
    }
    whole_numbers(low, high).map_or(f64::NAN, |whole| whole.at_unit(unit))
}

/// A uniformly random permutation of `0..n` by Fisher–Yates, drawing `n − 1` values with
/// [`Stream::below`].
pub(crate) fn permutation(n: usize, stream: &mut Stream) -> Vec<usize> {
    let mut items: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = stream.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
    items
}

/// How many dimensions [`SobolSequence`] supports: 64, so a Saltelli design (which needs twice
/// as many as it has factors) takes up to 32 factors.
pub const SOBOL_DIMENSIONS: usize = 1 + JOE_KUO.len();

/// Bits per coordinate: the 52 bits of an f64's mantissa below the leading one.
const SOBOL_BITS: usize = 52;

/// The Sobol' low-discrepancy sequence in up to [`SOBOL_DIMENSIONS`] dimensions, plain or
/// scrambled (see the module docs).
#[derive(Clone, Debug)]
pub struct SobolSequence {
    /// For each dimension, its 52 direction numbers as integers scaled by 2⁵² (scrambled, for a
    /// scrambled sequence).
    directions: Vec<[u64; SOBOL_BITS]>,
    /// For each dimension, the digital shift XORed into every point (0 when not scrambled).
    shifts: Vec<u64>,
}

impl SobolSequence {
    /// The unscrambled sequence in `dimensions` dimensions, or `None` above
    /// [`SOBOL_DIMENSIONS`]. Its first point is the origin's cell.
    pub fn new(dimensions: usize) -> Option<SobolSequence> {
        if dimensions > SOBOL_DIMENSIONS {
            return None;
        }
        let directions = (0..dimensions).map(direction_numbers).collect();
        Some(SobolSequence { directions, shifts: vec![0; dimensions] })
    }

    /// The sequence in `dimensions` dimensions randomized by a linear matrix scramble and a
    /// digital shift drawn from `stream`, or `None` above [`SOBOL_DIMENSIONS`].
    ///
    /// Draws, dimension by dimension: 51 words for the rows of the scrambling matrix (one per
    /// digit below the first), then one word for the shift ([`Stream::next_u64`]).
    pub fn scrambled(dimensions: usize, stream: &mut Stream) -> Option<SobolSequence> {
        let mut sequence = SobolSequence::new(dimensions)?;
        for (directions, shift) in sequence.directions.iter_mut().zip(&mut sequence.shifts) {
            // Row k (digit k + 1, bit SOBOL_BITS − 1 − k) mixes in the more significant digits
            // selected by masks[k].
            let mut masks = [0u64; SOBOL_BITS];
            for (k, mask) in masks.iter_mut().enumerate().skip(1) {
                let above = FULL & !((1u64 << (SOBOL_BITS - k)) - 1);
                *mask = stream.next_u64() & above;
            }
            for direction in directions.iter_mut() {
                let mut scrambled = 0u64;
                for (k, mask) in masks.iter().enumerate() {
                    let bit = SOBOL_BITS - 1 - k;
                    let digit =
                        ((*direction >> bit) & 1) ^ u64::from((*direction & mask).count_ones() & 1);
                    scrambled |= digit << bit;
                }
                *direction = scrambled;
            }
            *shift = stream.next_u64() & FULL;
        }
        Some(sequence)
    }

    /// The number of coordinates of a point.
    pub fn dimensions(&self) -> usize {
        self.directions.len()
    }

    /// Point `index` (counting from 0) of the sequence, each coordinate in `(0, 1)`: the centre
    /// of its cell of width 2⁻⁵². The points come in Gray-code order (point `i` combines the
    /// direction numbers of the bits of `i ⊕ ⌊i/2⌋`), like Joe and Kuo's own generator; the
    /// first `2^m` points are the same set in either order. Indices are taken modulo 2⁵².
    pub fn point(&self, index: u64) -> Vec<f64> {
        let index = index & FULL;
        self.directions
            .iter()
            .zip(&self.shifts)
            .map(|(directions, shift)| {
                let mut x = *shift;
                // Gray-code order (Antonov and Saleev), the order of Joe and Kuo's generator.
                let mut bits = index ^ (index >> 1);
                let mut k = 0;
                while bits != 0 {
                    if bits & 1 == 1 {
                        x ^= directions[k];
                    }
                    bits >>= 1;
                    k += 1;
                }
                // (2x + 1) / 2⁵³ is exact: 2x + 1 < 2⁵³.
                (2 * x + 1) as f64 * HALF_CELL
            })
            .collect()
    }
}

/// The 52 low bits.
const FULL: u64 = (1u64 << SOBOL_BITS) - 1;
/// 2⁻⁵³, half the width of a cell.
const HALF_CELL: f64 = 1.0 / (1u64 << 53) as f64;

/// The direction numbers of `dimension` (from 0), scaled by 2⁵², from the recurrence in the
/// module docs.
fn direction_numbers(dimension: usize) -> [u64; SOBOL_BITS] {
    let mut v = [0u64; SOBOL_BITS];
    if dimension == 0 {
        // Van der Corput: every m_k = 1.
        for (k, value) in v.iter_mut().enumerate() {
            *value = 1u64 << (SOBOL_BITS - 1 - k);
        }
        return v;
    }
    let (degree, coefficients, initial) = JOE_KUO[dimension - 1];
    let s = degree as usize;
    for (k, &m) in initial.iter().enumerate() {
        v[k] = u64::from(m) << (SOBOL_BITS - 1 - k);
    }
    for k in s..SOBOL_BITS {
        let mut value = v[k - s] ^ (v[k - s] >> s);
        for j in 1..s {
            if (coefficients >> (s - 1 - j)) & 1 == 1 {
                value ^= v[k - j];
            }
        }
        v[k] = value;
    }
    v
}

/// Joe and Kuo's parameters (`new-joe-kuo-6.21201`) for dimensions 2 to 64: the degree `s` of
/// the primitive polynomial, its inner coefficients `a` (bit `s − 1 − j` is `c_j`), and the
/// initial direction integers `m_1 … m_s`.
#[rustfmt::skip]
const JOE_KUO: [(u32, u32, &[u32]); 63] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (8, 47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (8, 49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (8, 50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (8, 52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (8, 56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (8, 67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (8, 70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (8, 84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (8, 97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (8, 103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (8, 115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (8, 122, &[1, 1, 3, 5, 11, 43, 53, 133]),
    (9, 8, &[1, 3, 5, 5, 29, 17, 47, 173, 479]),
    (9, 13, &[1, 3, 3, 11, 3, 1, 109, 9, 69]),
    (9, 16, &[1, 1, 1, 5, 17, 39, 23, 5, 343]),
    (9, 22, &[1, 3, 1, 5, 25, 15, 31, 103, 499]),
    (9, 25, &[1, 1, 1, 11, 11, 17, 63, 105, 183]),
    (9, 44, &[1, 1, 5, 11, 9, 29, 97, 231, 363]),
    (9, 47, &[1, 1, 5, 15, 19, 45, 41, 7, 383]),
    (9, 52, &[1, 3, 7, 7, 31, 19, 83, 137, 221]),
    (9, 55, &[1, 1, 1, 3, 23, 15, 111, 223, 83]),
    (9, 59, &[1, 1, 5, 13, 31, 15, 55, 25, 161]),
    (9, 62, &[1, 1, 3, 13, 25, 47, 39, 87, 257]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(seed: u64) -> Stream {
        Stream::new(seed, 0, "design", "test")
    }

    #[test]
    fn full_factorial_has_every_combination_first_factor_slowest() {
        let design = full_factorial(&[vec![1.0, 2.0], vec![10.0, 20.0, 30.0]]);
        assert_eq!(
            design,
            vec![
                vec![1.0, 10.0],
                vec![1.0, 20.0],
                vec![1.0, 30.0],
                vec![2.0, 10.0],
                vec![2.0, 20.0],
                vec![2.0, 30.0],
            ]
        );
        let counts = full_factorial(&[vec![0.0; 3], vec![0.0; 4], vec![0.0; 5]]);
        assert_eq!(counts.len(), 60);
        assert!(counts.iter().all(|point| point.len() == 3));
        assert_eq!(full_factorial(&[vec![1.0], vec![]]), Vec::<Vec<f64>>::new());
        assert_eq!(full_factorial(&[]), vec![Vec::<f64>::new()]);
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_every_stratum_of_every_factor() {
        for &(factors, points) in &[(1, 1), (3, 10), (5, 97), (2, 1000)] {
            let design = latin_hypercube(factors, points, &mut stream(7));
            assert_eq!(design.len(), points);
            for factor in 0..factors {
                let mut hit = vec![false; points];
                for point in &design {
                    assert_eq!(point.len(), factors);
                    let x = point[factor];
                    assert!((0.0..1.0).contains(&x), "{x} outside [0, 1)");
                    let stratum = (0..points)
                        .find(|&s| {
                            x >= s as f64 / points as f64 && x < (s + 1) as f64 / points as f64
                        })
                        .expect("every coordinate lies in a stratum");
                    assert!(!hit[stratum], "two points in stratum {stratum} of factor {factor}");
                    hit[stratum] = true;
                }
                assert!(hit.iter().all(|&h| h));
            }
        }
        assert!(latin_hypercube(3, 0, &mut stream(7)).is_empty());
    }

    #[test]
    fn latin_hypercube_is_determined_by_the_stream() {
        let first = latin_hypercube(4, 50, &mut stream(11));
        let again = latin_hypercube(4, 50, &mut stream(11));
        let other = latin_hypercube(4, 50, &mut stream(12));
        assert_eq!(first, again);
        assert_ne!(first, other);
        // The pairing is random: the strata of factor 0 and factor 1 are not in the same order.
        let order = |factor: usize| -> Vec<usize> {
            first.iter().map(|point| (point[factor] * 50.0).floor() as usize).collect()
        };
        assert_ne!(order(0), order(1));
    }

    #[test]
    fn levels_are_evenly_spaced_and_integer_levels_are_distinct() {
        assert_eq!(levels(0.0, 10.0, 3, false), vec![0.0, 5.0, 10.0]);
        assert_eq!(levels(0.1, 0.3, 3, false)[2], 0.3);
        assert_eq!(levels(2.0, 4.0, 1, false), vec![3.0]);
        assert!(levels(2.0, 4.0, 0, false).is_empty());
        assert_eq!(levels(1.0, 4.0, 4, true), vec![1.0, 2.0, 3.0, 4.0]);
        // Seven evenly spaced values between 1 and 3 round to only three distinct integers.
        assert_eq!(levels(1.0, 3.0, 7, true), vec![1.0, 2.0, 3.0]);
        // Rounded levels stay inside the range.
        assert_eq!(levels(0.6, 3.4, 2, true), vec![1.0, 3.0]);
        assert!(levels(0.2, 0.8, 3, true).is_empty());
        assert!(scale(0.5, 0.2, 0.8, true).is_nan());
        // A continuous range of one value (`8 s..=8 s`) is one level, as an integer one is.
        assert_eq!(levels(8.0, 8.0, 3, false), vec![8.0]);
        assert_eq!(levels(5.0, 5.0, 3, true), vec![5.0]);
    }

    /// One function gives a range's whole numbers, and the levels of a design, the points of a
    /// hypercube and a search's values (`search::Range`) read it: on `4.2..=4.8`, which holds
    /// none, the levels were none and `scale` its midpoint rounded, 5, outside the range.
    #[test]
    fn a_range_s_whole_numbers_are_computed_once_and_agree() {
        let whole = |low, high| whole_numbers(low, high).map(|w| (w.lowest, w.highest, w.count()));
        assert_eq!(whole(1.0, 4.0), Some((1.0, 4.0, 4)));
        assert_eq!(whole(4.0, 1.0), Some((1.0, 4.0, 4)));
        assert_eq!(whole(0.5, 3.7), Some((1.0, 3.0, 3)));
        assert_eq!(whole(5.0, 5.0), Some((5.0, 5.0, 1)));
        assert_eq!(whole(1.0, 1e15), Some((1.0, 1e15, 1_000_000_000_000_000)));
        assert_eq!(whole(4.2, 4.8), None);
        assert_eq!(whole(f64::NAN, 3.0), None);
        // A range without a whole number has no level and no value.
        assert!(levels(4.2, 4.8, 3, true).is_empty());
        assert!(scale(0.5, 4.2, 4.8, true).is_nan());
        // Elsewhere each level and each value is one of the range's whole numbers, each value
        // the one whose third of the unit interval holds the unit (1 gives the last).
        let range = whole_numbers(0.5, 3.7).expect("1, 2 and 3");
        let expected = [(0.0, 1.0), (0.3, 1.0), (0.34, 2.0), (0.5, 2.0), (0.9, 3.0), (1.0, 3.0)];
        for (unit, whole) in expected {
            assert_eq!(scale(unit, 0.5, 3.7, true), whole, "scale at {unit}");
            assert_eq!(range.at_unit(unit), whole, "at_unit at {unit}");
        }
        for level in levels(0.5, 3.7, 5, true) {
            assert!((range.lowest..=range.highest).contains(&level));
        }
    }

    #[test]
    fn scale_maps_the_unit_interval_onto_the_range() {
        assert_eq!(scale(0.0, 2.0, 6.0, false), 2.0);
        assert_eq!(scale(0.25, 2.0, 6.0, false), 3.0);
        assert_eq!(scale(1.0, 2.0, 6.0, false), 6.0);
        assert_eq!(scale(-0.5, 2.0, 6.0, false), 2.0);
        assert_eq!(scale(1.0, 2.0, 5.0, true), 5.0);
    }

    #[test]
    fn integer_scaling_gives_every_integer_an_equal_share() {
        // 2, 3, 4, 5: four integers, so 400 evenly spread unit values give 100 each.
        let mut counts = [0usize; 4];
        for i in 0..400 {
            let value = scale((i as f64 + 0.5) / 400.0, 2.0, 5.0, true);
            assert_eq!(value.fract(), 0.0);
            counts[(value - 2.0) as usize] += 1;
        }
        assert_eq!(counts, [100; 4]);
        // Fractional bounds: the integers 1, 2, 3 of [0.5, 3.7].
        let mut counts = [0usize; 3];
        for i in 0..300 {
            let value = scale((i as f64 + 0.5) / 300.0, 0.5, 3.7, true);
            counts[(value - 1.0) as usize] += 1;
        }
        assert_eq!(counts, [100; 3]);
    }

    /// Whether the polynomial with the bits of `poly` (bit i is the coefficient of x^i) of
    /// degree `degree` is primitive over GF(2): x has order 2^degree − 1 modulo it.
    fn is_primitive(poly: u64, degree: u32) -> bool {
        let multiply = |a: u64, b: u64| -> u64 {
            let mut product = 0u64;
            let mut a = a;
            let mut b = b;
            while b != 0 {
                if b & 1 == 1 {
                    product ^= a;
                }
                b >>= 1;
                a <<= 1;
                if (a >> degree) & 1 == 1 {
                    a ^= poly;
                }
            }
            product
        };
        let power = |mut exponent: u64| -> u64 {
            let mut result = 1u64;
            let mut base = if degree == 1 { 1 } else { 2 };
            while exponent != 0 {
                if exponent & 1 == 1 {
                    result = multiply(result, base);
                }
                base = multiply(base, base);
                exponent >>= 1;
            }
            result
        };
        let order = (1u64 << degree) - 1;
        if power(order) != 1 {
            return false;
        }
        let mut rest = order;
        let mut prime = 2;
        while rest > 1 {
            if rest.is_multiple_of(prime) {
                if power(order / prime) == 1 {
                    return false;
                }
                while rest.is_multiple_of(prime) {
                    rest /= prime;
                }
            }
            prime += 1;
        }
        true
    }

    #[test]
    fn joe_kuo_table_lists_the_primitive_polynomials_in_order_with_valid_initial_numbers() {
        // The number of primitive polynomials of degree s is φ(2^s − 1)/s.
        let primitive_count: [usize; 10] = [0, 1, 1, 2, 2, 6, 6, 18, 16, 48];
        let mut previous = (0u32, 0u32);
        let mut per_degree = [0usize; 10];
        for &(degree, coefficients, initial) in &JOE_KUO {
            assert_eq!(initial.len(), degree as usize);
            assert!(u64::from(coefficients) < 1u64 << (degree - 1));
            let poly = (1u64 << degree) | (u64::from(coefficients) << 1) | 1;
            assert!(is_primitive(poly, degree), "degree {degree}, a = {coefficients}");
            assert!((degree, coefficients) > previous, "table not in Joe and Kuo's order");
            previous = (degree, coefficients);
            per_degree[degree as usize] += 1;
            for (k, &m) in initial.iter().enumerate() {
                assert!(
                    !m.is_multiple_of(2) && m < 1 << (k + 1),
                    "m_{} = {m} must be odd and < 2^{}",
                    k + 1,
                    k + 1
                );
            }
        }
        // Degrees 1 to 8 are complete (dimensions 2 to 53); degree 9 has its first 11.
        assert_eq!(per_degree[1..9], primitive_count[1..9]);
        assert_eq!(per_degree[9], 11);
        assert_eq!(SOBOL_DIMENSIONS, 64);
    }

    #[test]
    fn sobol_starts_like_the_published_sequence() {
        let sequence = SobolSequence::new(3).expect("3 dimensions are supported");
        let cell = |x: f64| (x * 8.0).floor() as u32;
        let first: Vec<Vec<u32>> =
            (0..4).map(|i| sequence.point(i).into_iter().map(cell).collect()).collect();
        // In eighths, in Gray-code order: v₁ = ½ everywhere; v₂ = ¼ in the first dimension and ¾
        // in the second (from the recurrence of x + 1) and third (m₂ = 3), so points 2 and 3
        // (v₁ ⊕ v₂, then v₂) are (¾, ¼, ¼) and (¼, ¾, ¾).
        assert_eq!(first, vec![vec![0, 0, 0], vec![4, 4, 4], vec![6, 2, 2], vec![2, 6, 6]]);
        assert!(SobolSequence::new(SOBOL_DIMENSIONS).is_some());
        assert!(SobolSequence::new(SOBOL_DIMENSIONS + 1).is_none());
        assert!(SobolSequence::scrambled(SOBOL_DIMENSIONS + 1, &mut stream(1)).is_none());
    }

    /// Checks that the first 2^m points stratify every coordinate into 2^m cells, one point each.
    fn assert_one_dimensional_strata(sequence: &SobolSequence, m: u32) {
        let n = 1usize << m;
        for dimension in 0..sequence.dimensions() {
            let mut hit = vec![false; n];
            for i in 0..n as u64 {
                let x = sequence.point(i)[dimension];
                assert!(x > 0.0 && x < 1.0);
                let cell = (x * n as f64).floor() as usize;
                assert!(!hit[cell], "dimension {dimension}: two points in cell {cell} of {n}");
                hit[cell] = true;
            }
        }
    }

    /// Checks the (0, m, 2)-net property of the first two dimensions: every box of
    /// 2^−p × 2^−(m−p) holds exactly one of the first 2^m points.
    fn assert_two_dimensional_net(sequence: &SobolSequence, m: u32) {
        let n = 1usize << m;
        let points: Vec<Vec<f64>> = (0..n as u64).map(|i| sequence.point(i)).collect();
        for p in 0..=m {
            let (rows, columns) = (1usize << p, 1usize << (m - p));
            let mut count = vec![0u32; n];
            for point in &points {
                let row = (point[0] * rows as f64).floor() as usize;
                let column = (point[1] * columns as f64).floor() as usize;
                count[row * columns + column] += 1;
            }
            assert!(count.iter().all(|&c| c == 1), "boxes of 2^-{p} x 2^-{}", m - p);
        }
    }

    #[test]
    fn sobol_points_are_nets_plain_and_scrambled() {
        let plain = SobolSequence::new(SOBOL_DIMENSIONS).expect("supported");
        let scrambled =
            SobolSequence::scrambled(SOBOL_DIMENSIONS, &mut stream(3)).expect("supported");
        for m in [1, 4, 10] {
            assert_one_dimensional_strata(&plain, m);
            assert_one_dimensional_strata(&scrambled, m);
            assert_two_dimensional_net(&plain, m);
            assert_two_dimensional_net(&scrambled, m);
        }
    }

    #[test]
    fn scrambling_is_determined_by_the_stream_and_moves_the_points() {
        let a = SobolSequence::scrambled(6, &mut stream(5)).expect("supported");
        let b = SobolSequence::scrambled(6, &mut stream(5)).expect("supported");
        let c = SobolSequence::scrambled(6, &mut stream(6)).expect("supported");
        let plain = SobolSequence::new(6).expect("supported");
        for i in 0..64 {
            assert_eq!(a.point(i), b.point(i));
        }
        assert_ne!(a.point(0), c.point(0));
        assert_ne!(a.point(0), plain.point(0));
        // The scrambled first point is a random point, not the origin's cell.
        assert!(a.point(0).iter().all(|&x| x > 1e-6));
    }

    #[test]
    fn scrambled_sobol_integrates_a_smooth_function_far_better_than_random_points() {
        // ∫ Π (1 + (x_j − ½)) dx = 1 over the unit cube in 8 dimensions. With 4096 independent
        // random points the standard error would be sd/√n = 0.948/64 = 0.0148 (the variance is
        // (1 + 1/12)^8 − 1 = 0.898); a scrambled Sobol' net does better than a tenth of that.
        let sequence = SobolSequence::scrambled(8, &mut stream(9)).expect("supported");
        let n = 4096;
        let mean = (0..n as u64)
            .map(|i| sequence.point(i).iter().map(|x| 1.0 + (x - 0.5)).product::<f64>())
            .sum::<f64>()
            / n as f64;
        assert!((mean - 1.0).abs() < 1.48e-3, "mean {mean}");
    }
}
