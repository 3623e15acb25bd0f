//! Standard normal variates by the ziggurat method of Marsaglia and Tsang ("The Ziggurat Method
//! for Generating Random Variables", Journal of Statistical Software 5(8), 2000).
//!
//! # The method
//!
//! Let `f(x) = exp(−x²/2)`, the unnormalized half-normal density on `x ≥ 0`. The area under it is
//! covered by [`LAYERS`] horizontal pieces of equal area `v`, stacked from the bottom:
//!
//! - layer 0, the base: the rectangle `[0, x₀] × [0, f(r)]` with `x₀ = v / f(r)`; its part beyond
//!   `r` stands for the tail `x > r`, whose area `v − r f(r)` it equals;
//! - layer `i ≥ 1`: the rectangle `[0, xᵢ] × [f(xᵢ), f(xᵢ₊₁)]` with `x₁ = r` and
//!   `xᵢ₊₁ = f⁻¹(f(xᵢ) + v / xᵢ)`, so that `xᵢ (f(xᵢ₊₁) − f(xᵢ)) = v`; the top layer ends at
//!   `x_N = 0`, `f(0) = 1`.
//!
//! `r` is chosen so that the top layer closes exactly ([`TAIL_START`], the root of that condition
//! for 256 layers; a test solves for it again), and `v = r f(r) + ∫_r^∞ f`.
//!
//! A draw picks a layer `i` and a point `x = u xᵢ` with `u` uniform in [0, 1). If `x < xᵢ₊₁` the
//! whole column under the layer is below the curve: `x` is accepted at once (about 99 % of
//! draws). Otherwise, in layer 0, `x ≥ r` and the draw is an exact sample of the tail by
//! Marsaglia's method (1964): with `a = −ln(u₁)/r` and `b = −ln(u₂)`, return `r + a` once
//! `2b > a²`. In another layer, `(x, y)` with `y` uniform between `f(xᵢ)` and `f(xᵢ₊₁)` lies in
//! the wedge between the rectangle and the curve, and is accepted if `y < f(x)` (one `libm::exp`);
//! a rejected draw starts again from a new layer. The sign is a separate random bit.
//!
//! # Bits
//!
//! One 64-bit output of the stream gives all three choices, from disjoint bits: bits 0–7 the layer,
//! bit 8 the sign and bits 11–63 the 53-bit uniform `u = j · 2⁻⁵³`. (Using separate bits avoids the
//! correlation between the layer and the value of Marsaglia and Tsang's original 32-bit version,
//! pointed out by Doornik, 2005.) Only the tail and the wedges draw more from the stream.
//!
//! # Determinism
//!
//! The tables are defined from [`TAIL_START`] by [`edges`] and `f`, with `libm` only (`exp`, `log`,
//! `sqrt`, `erfc`), which is correctly specified IEEE-754 arithmetic: every platform gets the same
//! tables to the last bit, and so the same draws from the same stream. Their values are
//! constants in the binary (`ziggurat/tables.rs`, generated from that definition and checked
//! against it by a test), so a draw reads them directly, without checking on every draw that a
//! lazily computed table is ready.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

use crate::random::Stream;

mod tables;

/// The number of layers of the ziggurat.
pub const LAYERS: usize = 256;

/// `r`, the start of the tail: for 256 layers, the `r` at which the top layer closes at `x = 0`
/// (Marsaglia and Tsang's value, checked by a test that solves for it).
#[allow(clippy::excessive_precision, reason = "the published value, digit for digit")]
pub const TAIL_START: f64 = 3.654_152_885_361_008_796;

/// One layer, with what a draw in it reads.
#[derive(Clone, Copy, Debug, Default)]
struct Layer {
    /// `xᵢ · 2⁻⁵³`: times a 53-bit integer, a uniform point of `[0, xᵢ)`.
    scale: f64,
    /// `xᵢ₊₁`: points below it are accepted at once.
    inner: f64,
    /// `f(xᵢ)` and `f(xᵢ₊₁)`, the bottom and top of the wedge test.
    f_outer: f64,
    f_inner: f64,
}

/// `f(x) = exp(−x²/2)`.
fn density(x: f64) -> f64 {
    libm::exp(-0.5 * x * x)
}

/// The edges `x₀ … x_N` of the layers for a tail starting at `r`, and `f(x_{N−1}) + v / x_{N−1}`,
/// which is `f(x_N) = 1` when `r` is right: below 1 when `r` is too large, above 1 or NaN (the
/// layers reach 0 early) when it is too small.
pub fn edges(r: f64) -> ([f64; LAYERS + 1], f64) {
    let f_r = density(r);
    let area = r * f_r + libm::sqrt(0.5 * PI) * libm::erfc(r * FRAC_1_SQRT_2);
    let mut x = [0.0; LAYERS + 1];
    x[0] = area / f_r;
    x[1] = r;
    for i in 1..LAYERS - 1 {
        x[i + 1] = libm::sqrt(-2.0 * libm::log(density(x[i]) + area / x[i]));
    }
    let top = density(x[LAYERS - 1]) + area / x[LAYERS - 1];
    x[LAYERS] = 0.0;
    (x, top)
}

/// The layers, built at compile time from the generated edges and densities.
static LAYERS_TABLE: [Layer; LAYERS] = build_layers(&tables::EDGES, &tables::DENSITIES);

/// The layers from the edges `x₀ … x_N` and their densities `f(xᵢ)`.
const fn build_layers(x: &[f64; LAYERS + 1], f: &[f64; LAYERS + 1]) -> [Layer; LAYERS] {
    let unit = Layer { scale: 0.0, inner: 0.0, f_outer: 0.0, f_inner: 0.0 };
    let mut layers = [unit; LAYERS];
    let mut i = 0;
    while i < LAYERS {
        layers[i] = Layer {
            // Exact: a power of two.
            scale: x[i] * UNIT,
            inner: x[i + 1],
            f_outer: if i == 0 { 0.0 } else { f[i] },
            f_inner: f[i + 1],
        };
        i += 1;
    }
    layers
}

/// The edges `x₀ … x_N` for [`TAIL_START`] and their densities, from their definition.
/// The generated tables are checked against them.
#[cfg(test)]
fn computed_tables() -> ([f64; LAYERS + 1], [f64; LAYERS + 1]) {
    let (x, _) = edges(TAIL_START);
    (x, x.map(density))
}

/// 2⁻⁵³.
const UNIT: f64 = 1.0 / (1u64 << 53) as f64;

/// One standard normal variate from `stream`, by the ziggurat (see the module docs). Usually one
/// output of the stream; about one draw in 100 reads more.
#[inline]
pub fn standard_normal(stream: &mut Stream) -> f64 {
    let layers = &LAYERS_TABLE;
    loop {
        let bits = stream.next_u64();
        let index = (bits & 0xFF) as usize;
        let layer = &layers[index];
        let x = (bits >> 11) as f64 * layer.scale;
        // Bit 8 moved to the sign bit; x ≥ 0, so OR-ing it in negates.
        let sign = (bits & 0x100) << 55;
        if x < layer.inner {
            return f64::from_bits(x.to_bits() | sign);
        }
        if let Some(x) = outside(stream, index, x, layer) {
            return f64::from_bits(x.to_bits() | sign);
        }
    }
}

/// The slow path: the tail from layer 0, or the wedge test of another layer (`None`: rejected,
/// draw again).
#[cold]
#[inline(never)]
fn outside(stream: &mut Stream, index: usize, x: f64, layer: &Layer) -> Option<f64> {
    if index == 0 {
        loop {
            let a = -libm::log(stream.uniform()) / TAIL_START;
            let b = -libm::log(stream.uniform());
            if 2.0 * b > a * a {
                return Some(TAIL_START + a);
            }
        }
    }
    let y = layer.f_outer + stream.uniform() * (layer.f_inner - layer.f_outer);
    if y < density(x) { Some(x) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated tables are the values of their definition, to the last bit.
    #[test]
    fn tables_match_their_definition() {
        let (x, f) = computed_tables();
        assert_eq!(x.map(f64::to_bits), tables::EDGES.map(f64::to_bits));
        assert_eq!(f.map(f64::to_bits), tables::DENSITIES.map(f64::to_bits));
        // And the layers built from them are those of the definition.
        for (i, layer) in LAYERS_TABLE.iter().enumerate() {
            let expected = [
                x[i] * UNIT,
                x[i + 1],
                if i == 0 { 0.0 } else { density(x[i]) },
                density(x[i + 1]),
            ];
            let actual = [layer.scale, layer.inner, layer.f_outer, layer.f_inner];
            assert_eq!(actual.map(f64::to_bits), expected.map(f64::to_bits), "layer {i}");
        }
    }

    /// `ziggurat/tables.rs` is what its generator writes now (`UPDATE_EXPECT=1` refreshes it).
    #[test]
    fn tables_file_is_current() {
        let (x, f) = computed_tables();
        let array = |name: &str, doc: &str, values: &[f64]| {
            let mut text = format!("/// {doc}\npub(super) const {name}: [f64; LAYERS + 1] = [\n");
            for value in values {
                text += &format!("    {value:?},\n");
            }
            text + "];\n"
        };
        let text = format!(
            "//! The ziggurat's tables, generated by `tables_file_is_current` in `ziggurat.rs` from\n\
             //! their definition and checked against it by `tables_match_their_definition`: do not\n\
             //! edit; refresh with `UPDATE_EXPECT=1 cargo test -p fab-stdlib`.\n\n\
             use super::LAYERS;\n\n{}\n{}",
            array("EDGES", "`x₀ … x_N`: `edges(TAIL_START)`.", &x),
            array("DENSITIES", "`f(x₀) … f(x_N)`.", &f),
        );
        crate::generated::check_current("ziggurat/tables.rs", &text);
    }
}
