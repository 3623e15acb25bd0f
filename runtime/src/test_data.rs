//! Test data only: one small deterministic generator for the unit tests' random cases.

/// A 64-bit linear congruential generator (Knuth's MMIX constants). Not a simulation stream: the
/// engine draws from `fab_stdlib::random`; this only makes reproducible test cases.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    fn step(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0
    }

    /// A whole number below `bound`, from the high bits.
    pub fn below(&mut self, bound: u64) -> u64 {
        (self.step() >> 33) % bound
    }

    /// Uniform in [0, 1), 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.step() >> 11) as f64 / 9_007_199_254_740_992.0
    }

    /// Uniform in (0, 1], 53 bits: never 0, for a logarithm.
    pub fn uniform_open_at_zero(&mut self) -> f64 {
        ((self.step() >> 11) as f64 + 1.0) / 9_007_199_254_740_992.0
    }
}
