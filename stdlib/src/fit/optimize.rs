//! The numerical tools of maximum likelihood: a Nelder–Mead simplex search, Newton polishing with
//! finite-difference derivatives, a golden-section search on one variable, a bracketed root of an
//! increasing function, and the inverse of a small symmetric positive-definite matrix.
//!
//! Every function here minimises (the callers pass the negative log-likelihood) and treats a
//! non-finite value as +∞, so a likelihood that leaves its support simply repels the search. None of
//! them allocates per step beyond a few small vectors; the dimension is at most 3.

/// Minimises `f` from `start` by the Nelder–Mead simplex method (reflection 1, expansion 2,
/// contraction ½, shrink ½), with an initial simplex of one `step` along each axis, until the
/// simplex is narrower than `tolerance` on every axis and its values agree to 10⁻¹² relative. The
/// search restarts (at most three times) from its best point while a restart improves it, which
/// cures the simplex's habit of collapsing early. Returns the best point and its value; callers
/// wanting more digits follow it with [`polish`].
pub(crate) fn nelder_mead(
    f: &dyn Fn(&[f64]) -> f64,
    start: &[f64],
    step: &[f64],
    max_evaluations: usize,
    tolerance: f64,
) -> (Vec<f64>, f64) {
    let value = |x: &[f64]| {
        let v = f(x);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    let mut best = start.to_vec();
    let mut best_value = value(&best);
    let mut budget = max_evaluations;
    let mut scale = 1.0;
    for _restart in 0..4 {
        let (point, point_value, used) = simplex_run(&value, &best, step, scale, budget, tolerance);
        budget = budget.saturating_sub(used);
        let improved = point_value < best_value - 1e-12 * (1.0 + best_value.abs());
        if point_value <= best_value {
            best = point;
            best_value = point_value;
        }
        if !improved || budget == 0 {
            break;
        }
        scale *= 0.5;
    }
    (best, best_value)
}

/// One Nelder–Mead run; returns the best vertex, its value and the evaluations used.
fn simplex_run(
    f: &dyn Fn(&[f64]) -> f64,
    start: &[f64],
    step: &[f64],
    scale: f64,
    budget: usize,
    tolerance: f64,
) -> (Vec<f64>, f64, usize) {
    let dimension = start.len();
    let mut vertices: Vec<Vec<f64>> = vec![start.to_vec()];
    for axis in 0..dimension {
        let mut vertex = start.to_vec();
        vertex[axis] += step[axis] * scale;
        vertices.push(vertex);
    }
    let mut values: Vec<f64> = vertices.iter().map(|v| f(v)).collect();
    let mut used = vertices.len();
    while used < budget {
        let mut order: Vec<usize> = (0..vertices.len()).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        vertices = order.iter().map(|&i| vertices[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let (best, worst) = (values[0], values[dimension]);
        let spread = (0..dimension)
            .map(|axis| {
                vertices.iter().map(|v| (v[axis] - vertices[0][axis]).abs()).fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        let flat = (worst - best).abs() <= 1e-12 * (1.0 + best.abs());
        if (flat && spread < tolerance) || (best.is_finite() && spread < 1e-3 * tolerance) {
            break;
        }
        let centroid: Vec<f64> = (0..dimension)
            .map(|axis| {
                vertices[..dimension].iter().map(|v| v[axis]).sum::<f64>() / dimension as f64
            })
            .collect();
        let along = |t: f64| -> Vec<f64> {
            centroid.iter().zip(&vertices[dimension]).map(|(c, w)| c + t * (w - c)).collect()
        };
        let reflected = along(-1.0);
        let reflected_value = f(&reflected);
        used += 1;
        if reflected_value < values[0] {
            let expanded = along(-2.0);
            let expanded_value = f(&expanded);
            used += 1;
            if expanded_value < reflected_value {
                vertices[dimension] = expanded;
                values[dimension] = expanded_value;
            } else {
                vertices[dimension] = reflected;
                values[dimension] = reflected_value;
            }
            continue;
        }
        if reflected_value < values[dimension - 1] {
            vertices[dimension] = reflected;
            values[dimension] = reflected_value;
            continue;
        }
        let (contracted, contracted_value) = if reflected_value < values[dimension] {
            let outside = along(-0.5);
            let value = f(&outside);
            (outside, value)
        } else {
            let inside = along(0.5);
            let value = f(&inside);
            (inside, value)
        };
        used += 1;
        if contracted_value < values[dimension].min(reflected_value) {
            vertices[dimension] = contracted;
            values[dimension] = contracted_value;
            continue;
        }
        // Shrink every vertex halfway towards the best one.
        for index in 1..vertices.len() {
            let shrunk: Vec<f64> =
                vertices[0].iter().zip(&vertices[index]).map(|(b, v)| b + 0.5 * (v - b)).collect();
            values[index] = f(&shrunk);
            vertices[index] = shrunk;
        }
        used += dimension;
    }
    let best = (0..vertices.len()).min_by(|&a, &b| values[a].total_cmp(&values[b])).unwrap_or(0);
    (vertices[best].clone(), values[best], used)
}

/// Newton steps on `f` with central-difference derivatives, from a point a simplex search found:
/// each step solves `H δ = −g` and is kept only if it lowers `f` (halving it up to 20 times
/// otherwise). Stops when a step no longer helps. `steps` are the difference steps, one per axis.
pub(crate) fn polish(
    f: &dyn Fn(&[f64]) -> f64,
    start: (Vec<f64>, f64),
    steps: &[f64],
) -> (Vec<f64>, f64) {
    let (mut x, mut value) = start;
    for _ in 0..30 {
        let Some((gradient, hessian)) = derivatives(f, &x, value, steps) else { break };
        let Some(inverse) = invert_positive_definite(&hessian) else { break };
        let direction: Vec<f64> = (0..x.len())
            .map(|i| -(0..x.len()).map(|j| inverse[i][j] * gradient[j]).sum::<f64>())
            .collect();
        let mut length = 1.0;
        let mut moved = false;
        for _ in 0..20 {
            let candidate: Vec<f64> =
                x.iter().zip(&direction).map(|(xi, di)| xi + length * di).collect();
            let candidate_value = f(&candidate);
            if candidate_value < value {
                let gain = value - candidate_value;
                x = candidate;
                value = candidate_value;
                moved = gain > 1e-14 * (1.0 + value.abs());
                break;
            }
            length *= 0.5;
        }
        if !moved {
            break;
        }
    }
    (x, value)
}

/// The gradient and Hessian of `f` at `x` (where `f(x) = value`) by central differences with the
/// given steps; `None` if some evaluation is not finite.
pub(crate) fn derivatives(
    f: &dyn Fn(&[f64]) -> f64,
    x: &[f64],
    value: f64,
    steps: &[f64],
) -> Option<(Vec<f64>, Vec<Vec<f64>>)> {
    let dimension = x.len();
    let at = |offsets: &[(usize, f64)]| {
        let mut point = x.to_vec();
        for &(axis, offset) in offsets {
            point[axis] += offset;
        }
        f(&point)
    };
    let mut gradient = vec![0.0; dimension];
    let mut hessian = vec![vec![0.0; dimension]; dimension];
    for i in 0..dimension {
        let h = steps[i];
        let (plus, minus) = (at(&[(i, h)]), at(&[(i, -h)]));
        gradient[i] = (plus - minus) / (2.0 * h);
        hessian[i][i] = (plus - 2.0 * value + minus) / (h * h);
        for j in 0..i {
            let k = steps[j];
            let mixed = (at(&[(i, h), (j, k)]) - at(&[(i, h), (j, -k)]) - at(&[(i, -h), (j, k)])
                + at(&[(i, -h), (j, -k)]))
                / (4.0 * h * k);
            hessian[i][j] = mixed;
            hessian[j][i] = mixed;
        }
    }
    let finite = gradient.iter().chain(hessian.iter().flatten()).all(|v| v.is_finite());
    finite.then_some((gradient, hessian))
}

/// The inverse of a symmetric positive-definite matrix by its Cholesky factor, or `None` if the
/// matrix is not positive definite (a saddle or a flat direction of the likelihood).
pub(crate) fn invert_positive_definite(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    // Cholesky: matrix = L Lᵀ.
    let mut lower = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| lower[i][k] * lower[j][k]).sum();
            if i == j {
                let pivot = matrix[i][i] - sum;
                if !(pivot > 0.0 && pivot.is_finite()) {
                    return None;
                }
                lower[i][j] = libm::sqrt(pivot);
            } else {
                lower[i][j] = (matrix[i][j] - sum) / lower[j][j];
            }
        }
    }
    // Columns of the inverse: solve L y = e, then Lᵀ x = y.
    let mut inverse = vec![vec![0.0; n]; n];
    for column in 0..n {
        let mut y = vec![0.0; n];
        for i in 0..n {
            let e = if i == column { 1.0 } else { 0.0 };
            y[i] = (e - (0..i).map(|k| lower[i][k] * y[k]).sum::<f64>()) / lower[i][i];
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            x[i] = (y[i] - (i + 1..n).map(|k| lower[k][i] * x[k]).sum::<f64>()) / lower[i][i];
        }
        for (row, value) in inverse.iter_mut().zip(x) {
            row[column] = value;
        }
    }
    Some(inverse)
}

/// The minimum of `f` on `[low, high]` by golden-section search, to a bracket of `tolerance`;
/// assumes `f` unimodal there. Returns the point and its value.
pub(crate) fn golden_section(
    f: &dyn Fn(f64) -> f64,
    (mut low, mut high): (f64, f64),
    tolerance: f64,
) -> (f64, f64) {
    const INVERSE_PHI: f64 = 0.618_033_988_749_894_8;
    let value = |x: f64| {
        let v = f(x);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    let mut a = high - INVERSE_PHI * (high - low);
    let mut b = low + INVERSE_PHI * (high - low);
    let (mut fa, mut fb) = (value(a), value(b));
    for _ in 0..200 {
        if high - low <= tolerance {
            break;
        }
        if fa <= fb {
            high = b;
            b = a;
            fb = fa;
            a = high - INVERSE_PHI * (high - low);
            fa = value(a);
        } else {
            low = a;
            a = b;
            fa = fb;
            b = low + INVERSE_PHI * (high - low);
            fb = value(b);
        }
    }
    if fa <= fb { (a, fa) } else { (b, fb) }
}

/// A root of an increasing function on `[low, high]` (both > 0) given with its derivative, by
/// Newton steps from `start` that fall back to bisection (on the logarithm) whenever a step would
/// leave the bracket the signs so far enclose. Converges in a handful of steps from a fair start,
/// to a relative width of 10⁻¹³. `None` if the function does not change sign on the bracket.
pub(crate) fn increasing_root_newton(
    f: &dyn Fn(f64) -> (f64, f64),
    (mut low, mut high): (f64, f64),
    start: f64,
) -> Option<f64> {
    let mut x = if start > low && start < high { start } else { libm::sqrt(low * high) };
    for _ in 0..200 {
        let (value, slope) = f(x);
        if value.is_nan() {
            return None;
        }
        if value == 0.0 {
            return Some(x);
        }
        if value < 0.0 {
            low = x;
        } else {
            high = x;
        }
        let newton = x - value / slope;
        let next = if newton > low && newton < high && slope > 0.0 {
            newton
        } else {
            libm::sqrt(low * high)
        };
        if (next - x).abs() <= 1e-13 * next || high / low - 1.0 < 1e-13 {
            // Confirm the bracket really holds a sign change before trusting the last step.
            let (at_low, _) = f(low);
            let (at_high, _) = f(high);
            return (at_low <= 0.0 && at_high >= 0.0).then_some(next);
        }
        x = next;
    }
    None
}

/// A root of an increasing function on `[low, high]` (both > 0) by bisection on the logarithm,
/// to a relative width of 10⁻¹³; `None` if the function does not change sign there.
pub(crate) fn increasing_root(
    f: &dyn Fn(f64) -> f64,
    (mut low, mut high): (f64, f64),
) -> Option<f64> {
    let (at_low, at_high) = (f(low), f(high));
    if !(at_low <= 0.0 && at_high >= 0.0) {
        return None;
    }
    for _ in 0..400 {
        let middle = libm::sqrt(low * high);
        let value = f(middle);
        if value.is_nan() {
            return None;
        }
        if value < 0.0 {
            low = middle;
        } else {
            high = middle;
        }
        if high / low - 1.0 < 1e-13 {
            break;
        }
    }
    Some(libm::sqrt(low * high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nelder_mead_finds_the_rosenbrock_minimum() {
        let rosenbrock = |x: &[f64]| {
            100.0 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1.0 - x[0]) * (1.0 - x[0])
        };
        let (x, value) = nelder_mead(&rosenbrock, &[-1.2, 1.0], &[0.5, 0.5], 5000, 1e-9);
        assert!((x[0] - 1.0).abs() < 1e-5 && (x[1] - 1.0).abs() < 1e-5, "{x:?}");
        assert!(value < 1e-10);
        let (x, value) = polish(&rosenbrock, (x, value), &[1e-5, 1e-5]);
        assert!((x[0] - 1.0).abs() < 1e-7 && value < 1e-14, "{x:?} {value}");
    }

    #[test]
    fn a_non_finite_value_repels_the_simplex() {
        // The minimum of (x − 3)² subject to x > 2, with +∞ outside.
        let f = |x: &[f64]| if x[0] > 2.0 { (x[0] - 3.0) * (x[0] - 3.0) } else { f64::NAN };
        let (x, _) = nelder_mead(&f, &[2.5], &[1.0], 1000, 1e-9);
        assert!((x[0] - 3.0).abs() < 1e-6);
    }

    #[test]
    fn the_inverse_of_a_covariance_matrix() {
        let matrix = vec![vec![4.0, 2.0, 0.6], vec![2.0, 2.0, 0.5], vec![0.6, 0.5, 3.0]];
        let inverse = invert_positive_definite(&matrix).unwrap();
        for (i, row) in matrix.iter().enumerate() {
            for j in 0..3 {
                let product: f64 = row.iter().zip(&inverse).map(|(a, column)| a * column[j]).sum();
                assert!((product - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        assert!(invert_positive_definite(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }

    #[test]
    fn golden_section_and_roots() {
        let (x, _) = golden_section(&|x| (x - 1.5) * (x - 1.5), (0.0, 4.0), 1e-10);
        assert!((x - 1.5).abs() < 1e-8);
        let root = increasing_root(&|x| x * x - 2.0, (1e-3, 1e3)).unwrap();
        assert!((root - std::f64::consts::SQRT_2).abs() < 1e-12);
        assert!(increasing_root(&|x| x + 1.0, (1.0, 2.0)).is_none());
    }
}
