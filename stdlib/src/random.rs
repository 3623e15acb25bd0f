//! Independent, reproducible random streams.
//!
//! Every source of randomness in a run (one component's cycle times, one failure mode's lives, one
//! route's choices…) draws from its own [`Stream`], named by four things: the experiment's seed,
//! the replication number, the component's qualified name and a purpose word. Streams never share
//! state, so adding a station or a failure mode leaves every other stream untouched, and two
//! scenarios of one experiment see the same numbers where their models agree (common random
//! numbers).
//!
//! # The generator
//!
//! PCG-64 MCG (`rand_pcg::Pcg64Mcg`, "pcg64_fast"): a 128-bit multiplicative congruential state
//! with the XSL-RR output permutation. It is small (16 bytes), fast (one 128-bit multiply per
//! 64-bit output), passes the usual statistical batteries, and its period of 2¹²⁶ makes overlap
//! between streams started at hashed states negligible. Its algorithm is fixed by the PCG paper, so
//! its output does not depend on the platform or the crate's release.
//!
//! # From names to a state
//!
//! The starting state is a hash of the four inputs, written out here so it never changes (std's
//! `DefaultHasher` may change between Rust releases and must not be used):
//!
//! 1. The inputs are encoded as a sequence of 64-bit words: `VERSION`, the seed, the replication,
//!    the byte length of the name, the name's bytes in little-endian 8-byte chunks (the last one
//!    zero-padded), then the length and chunks of the purpose. The length prefixes make the
//!    encoding injective: `("ab", "c")` and `("a", "bc")` give different words.
//! 2. The words are absorbed one by one: `h ← mix((h ⊕ w) + γ)`, starting from `h = γ`, where `γ`
//!    is the golden-ratio constant `0x9E3779B97F4A7C15` and `mix` is SplitMix64's finalizer (a
//!    bijection with full avalanche).
//! 3. SplitMix64 seeded with `h` yields two words, the low and high halves of the 128-bit state
//!    (PCG forces its lowest bit to 1).
//!
//! Changing any input changes `h` (up to 64-bit collisions), and through the avalanche of `mix` the
//! streams of neighbouring seeds or names are unrelated.
//!
//! # Uniform numbers
//!
//! [`Stream::uniform`] returns `j · 2⁻⁵³` for `j` uniform in `1..2⁵³`, the top 53 bits of one
//! output; the value 0 (`j = 0`, probability 2⁻⁵³) is redrawn. So a uniform is never 0 or 1 and
//! `1 − u` is exact, which keeps inverse transforms (`ln u`, `Φ⁻¹(u)`) finite.
//! [`Stream::below`] is Lemire's multiply-and-reject method: unbiased, and almost always one output.

use rand_pcg::Pcg64Mcg;
use rand_pcg::rand_core::Rng;

/// One independent random stream.
#[derive(Clone, Debug)]
pub struct Stream {
    generator: Pcg64Mcg,
}

/// The version of the name-to-state hash; bump it only with a documented change of every stream.
const VERSION: u64 = 1;
/// 2⁶⁴ / φ, SplitMix64's increment.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
/// 2⁻⁵³.
const UNIT: f64 = 1.0 / (1u64 << 53) as f64;

impl Stream {
    /// The stream of one `purpose` (e.g. `"cycle"`, `"failure.jam"`) of the component with the
    /// qualified `name`, in `replication` of the experiment with `seed`. See the module docs for
    /// the hash; different inputs give unrelated streams.
    pub fn new(seed: u64, replication: u32, name: &str, purpose: &str) -> Stream {
        let mut hash = GOLDEN_GAMMA;
        let mut absorb = |word: u64| hash = mix((hash ^ word).wrapping_add(GOLDEN_GAMMA));
        absorb(VERSION);
        absorb(seed);
        absorb(u64::from(replication));
        for text in [name, purpose] {
            absorb(text.len() as u64);
            for chunk in text.as_bytes().chunks(8) {
                let mut bytes = [0u8; 8];
                bytes[..chunk.len()].copy_from_slice(chunk);
                absorb(u64::from_le_bytes(bytes));
            }
        }
        let low = mix(hash.wrapping_add(GOLDEN_GAMMA));
        let high = mix(hash.wrapping_add(GOLDEN_GAMMA.wrapping_mul(2)));
        let state = u128::from(low) | (u128::from(high) << 64);
        Stream { generator: Pcg64Mcg::new(state) }
    }

    /// The next raw 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.generator.next_u64()
    }

    /// Uniform in the open interval (0, 1) on the grid of multiples of 2⁻⁵³: never 0 or 1, so it
    /// is safe for inverse transforms.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        loop {
            let j = self.next_u64() >> 11;
            if j != 0 {
                return j as f64 * UNIT;
            }
        }
    }

    /// Uniform integer in `0..n`, unbiased (Lemire's method). `n` must be positive; `n = 0`
    /// gives 0.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        let mut product = u128::from(self.next_u64()) * u128::from(n);
        if (product as u64) < n {
            // Reject the few low values that would over-represent some results: 2⁶⁴ mod n of them.
            let threshold = n.wrapping_neg() % n.max(1);
            while (product as u64) < threshold {
                product = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (product >> 64) as u64
    }
}

/// SplitMix64's finalizer (Stafford's variant 13): a bijection on 64-bit words in which every
/// input bit affects every output bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
