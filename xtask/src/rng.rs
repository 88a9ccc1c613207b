//! A tiny seeded PRNG (splitmix64), so the generator's output depends only
//! on its arguments, on every platform, with no `rand` dependency.

/// splitmix64 (Steele, Lea and Flood 2014): 64-bit state, passes BigCrush,
/// and any seed (even 0) gives a good stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    #[cfg(test)]
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A generator for one purpose, derived from a seed and a path of tags,
    /// so streams for different files never overlap in practice.
    pub fn derive(seed: u64, tags: &[u64]) -> Self {
        let mut s = Rng(seed ^ 0x5AFE_5AFE_5AFE_5AFE);
        let mut state = s.next_u64();
        for &t in tags {
            state = Rng(state ^ t.wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64();
        }
        s.0 = state;
        s
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-40
    /// for the sizes used here, and it is deterministic, which is what
    /// matters).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// An index drawn with the given cumulative weights (ascending, last is
    /// the total).
    pub fn pick_cumulative(&mut self, cumulative: &[u32]) -> usize {
        let total = *cumulative.last().expect("weights");
        let x = self.below(u64::from(total)) as u32;
        cumulative.partition_point(|&c| c <= x)
    }
}

/// Turns weights into the cumulative table `pick_cumulative` takes.
pub fn cumulative(weights: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut total = 0;
    weights
        .into_iter()
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_stream() {
        // Reference values of splitmix64 seeded with 1234567.
        let mut r = Rng::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn picks_follow_the_weights() {
        let c = cumulative([1, 0, 3]);
        let mut r = Rng::new(7);
        let mut n = [0u32; 3];
        for _ in 0..40_000 {
            n[r.pick_cumulative(&c)] += 1;
        }
        assert_eq!(n[1], 0);
        assert!((9_000..11_000).contains(&n[0]), "{n:?}");
    }
}
