//! A table-driven `exp` for the sampling hot path (lognormal draws).
//!
//! `libm::exp` evaluates a rational approximation with a division and costs about 20 ns; the
//! engine draws one lognormal per processed part, so it showed as a tenth of a benchmark's time.
//! This version splits x = (k + j/128)·ln 2 + r with |r| ≤ ln 2 / 256, reads 2^(j/128) from a table
//! built once with `libm::exp2`, and evaluates exp(r) by a degree-5 Taylor polynomial (the next term
//! is below 10⁻¹⁸ relative). It uses only IEEE additions and multiplications, which every platform
//! rounds alike, so results stay bit-identical everywhere; the error is within 2 ulp of the exact
//! value (a test compares it with `libm::exp` over the whole range). Arguments outside
//! [−700, 700], where scaling by 2^k would need care, go to `libm::exp`.

use std::sync::OnceLock;

const N: usize = 128;
/// 1.5·2⁵²: adding it rounds a double of magnitude below 2⁵¹ to an integer held in the low bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;
const INV_LN2_N: f64 = N as f64 / std::f64::consts::LN_2;
/// ln 2 / N split into its leading 21 bits (so k·HI is exact for every k here) and the rest.
const LN2_N_HI: f64 = 0.005_415_208_637_714_386;
/// ln 2 / N − HI, rounded from ln 2 to 60 digits (LN_2 − HI in doubles would keep LN_2's
/// rounding error, which k·LO multiplies into hundreds of ulp near |x| = 700).
const LN2_N_LO: f64 = 3.710_410_186_743_494e-9;

fn table() -> &'static [f64; N] {
    static TABLE: OnceLock<[f64; N]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|j| libm::exp2(j as f64 / N as f64)))
}

/// e^x.
#[inline]
pub fn exp(x: f64) -> f64 {
    if !(-700.0..=700.0).contains(&x) {
        return libm::exp(x);
    }
    let kd = x * INV_LN2_N + SHIFT;
    let k = kd.to_bits() as i64 as i32; // the low bits hold round(x·N/ln 2)
    let kd = kd - SHIFT;
    let r = (x - kd * LN2_N_HI) - kd * LN2_N_LO;
    let j = (k & (N as i32 - 1)) as usize;
    let e = k >> 7; // floor division by N = 128
    let scale = table()[j] * f64::from_bits(((1023 + e as i64) as u64) << 52);
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    scale * p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn agrees_with_libm_within_two_ulp() {
        let mut x: u64 = 7;
        let mut worst = 0;
        for i in 0..2_000_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            // Half the points over the whole range, half where lognormal arguments live.
            let arg = if i % 2 == 0 { -745.0 + 1455.0 * u } else { -5.0 + 20.0 * u };
            let (fast, reference) = (exp(arg), libm::exp(arg));
            if reference.is_normal() {
                worst = worst.max(ulps(fast, reference));
            }
        }
        assert!(worst <= 2, "worst error {worst} ulp");
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert!(exp(f64::NAN).is_nan());
    }
}
