//! The statistics behind a status: the exact (Garwood) Poisson interval of a
//! count ([`poisson_interval`]) and the conditional exact test of two counts
//! over the same months ([`compare_counts`]).
//!
//! Both are stated in `docs/design/measure-status.md`, whose worked numbers
//! the tests here check. Nothing here knows about targets or wording: the
//! rules in `rules.rs` ask these two questions and act on the answers.

use statrs::function::erf::{erfc, erfc_inv};
use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};

use super::Significance;

/// The significance level of [`compare_counts`].
pub(super) const ALPHA: f64 = 0.05;

/// Counts up to this size get the exact interval; above it the gamma
/// quantile comes from the Wilson–Hilferty approximation, which at this size
/// agrees with the exact value to well under 0.01 of a count.
const EXACT_INTERVAL_LIMIT: u64 = 100_000;
/// Totals up to this size get the exact binomial sum; above it a normal
/// approximation with continuity correction, indistinguishable at this size.
const EXACT_BINOMIAL_LIMIT: u128 = 10_000_000;

/// The exact (Garwood) `confidence` interval for the mean of a Poisson
/// count: lower = ½ χ²(α/2; 2k), upper = ½ χ²(1 − α/2; 2k + 2), with
/// α = 1 − confidence, computed as quantiles of the gamma distribution by
/// bisection on statrs's regularised incomplete gamma functions.
///
/// A count of 0 has lower bound 0. `confidence` is clamped to 0–1; a
/// confidence of 1 (or NaN) gives the uninformative interval (0, ∞).
/// Counts above 100,000 use the Wilson–Hilferty approximation to the gamma
/// quantile, accurate far beyond the figures' own precision at that size.
pub fn poisson_interval(count: u64, confidence: f64) -> (f64, f64) {
    let confidence = if confidence.is_nan() {
        1.0
    } else {
        confidence.clamp(0.0, 1.0)
    };
    let tail = (1.0 - confidence) / 2.0;
    let k = count as f64;
    let exact = count <= EXACT_INTERVAL_LIMIT;
    let lower = if count == 0 {
        0.0
    } else if exact {
        gamma_quantile_lower(k, tail)
    } else {
        wilson_hilferty(k, tail, false)
    };
    let upper = if exact {
        gamma_quantile_upper(k + 1.0, tail)
    } else {
        wilson_hilferty(k + 1.0, tail, true)
    };
    (lower, upper)
}

/// The conditional exact test of two counts over equal exposure (the same
/// months, the same area): given their total n, `current` is
/// Binomial(n, ½) if the underlying rates are equal. The two-sided p-value
/// sums the probabilities of every split no more likely than the one
/// observed (for this symmetric distribution, twice the smaller tail,
/// capped at 1). Significant when p < 0.05, in the direction of the change.
///
/// A total of 0 is not tested (p = 1). Totals above 10 million use the
/// normal approximation with continuity correction.
pub fn compare_counts(previous: u64, current: u64) -> (Significance, f64) {
    let n = u128::from(previous) + u128::from(current);
    if n == 0 {
        return (Significance::NotTested, 1.0);
    }
    let p = if previous == current {
        1.0
    } else if n <= EXACT_BINOMIAL_LIMIT {
        let m = previous.min(current) as f64;
        (2.0 * binomial_half_cdf(n as f64, m)).min(1.0)
    } else {
        let z = ((previous.abs_diff(current) as f64 - 1.0) / (n as f64).sqrt()).max(0.0);
        // Two-sided: 2 (1 − Φ(z)) = erfc(z/√2).
        erfc(z / std::f64::consts::SQRT_2).min(1.0)
    };
    let p = p.clamp(0.0, 1.0);
    let significance = if p >= ALPHA {
        Significance::NoSignificantChange
    } else if current > previous {
        Significance::SignificantIncrease
    } else {
        Significance::SignificantDecrease
    };
    (significance, p)
}

/// P(X ≤ m) for X ~ Binomial(n, ½), m < n/2: the first term from ln Γ,
/// then each term from the one before, summing down from m until the terms
/// no longer change the sum. (statrs's own binomial CDF goes through its
/// incomplete beta function, whose continued fraction stops after 140
/// steps: too few for totals in the millions.)
fn binomial_half_cdf(n: f64, m: f64) -> f64 {
    let ln_pmf =
        ln_gamma(n + 1.0) - ln_gamma(m + 1.0) - ln_gamma(n - m + 1.0) - n * std::f64::consts::LN_2;
    let mut term = ln_pmf.exp();
    let mut sum = term;
    let mut k = m;
    while k >= 1.0 && term > 0.0 {
        term *= k / (n - k + 1.0);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
        k -= 1.0;
    }
    sum
}

/// The regularised lower incomplete gamma function P(a, x), a > 0, for any
/// x (statrs refuses x ≤ 0 and x = ∞, which the bisection can reach).
fn lower_gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x.is_infinite() {
        1.0
    } else {
        gamma_lr(a, x)
    }
}

/// The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x),
/// computed directly (not as 1 − P) where x > a, so that small upper tails
/// keep their precision.
fn upper_gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x.is_infinite() {
        0.0
    } else {
        gamma_ur(a, x)
    }
}

/// The x at which an increasing function `f` of x ≥ 0 reaches `target`, by
/// doubling to bracket it and then bisection to a relative 10⁻¹⁴.
fn bisect_increasing(f: impl Fn(f64) -> f64, target: f64, start: f64) -> f64 {
    let mut lo = 0.0;
    let mut hi = start.max(1.0);
    while f(hi) < target {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    for _ in 0..2_000 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi || hi - lo <= 1e-14 * hi {
            break;
        }
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The x with P(a, x) = p: the lower-tail quantile of Gamma(a, 1).
///
/// Bisection rather than statrs's `Gamma::inverse_cdf`, which takes a fixed
/// eight bisection steps and four Newton steps on the CDF and so loses the
/// precision of a small upper tail.
fn gamma_quantile_lower(a: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    bisect_increasing(|x| lower_gamma_p(a, x), p, a)
}

/// The x with Q(a, x) = q: the upper-tail quantile of Gamma(a, 1).
/// Bisects on Q itself so that small upper tails keep their precision.
fn gamma_quantile_upper(a: f64, q: f64) -> f64 {
    if q <= 0.0 {
        return f64::INFINITY;
    }
    if q >= 1.0 {
        return 0.0;
    }
    bisect_increasing(|x| -upper_gamma_q(a, x), -q, a)
}

/// The z ≥ 0 beyond which the standard normal has probability `p` (p ≤ ½):
/// 1 − Φ(z) = ½ erfc(z/√2), so z = √2 erfc⁻¹(2p).
fn normal_tail_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::INFINITY;
    }
    if p >= 0.5 {
        return 0.0;
    }
    std::f64::consts::SQRT_2 * erfc_inv(2.0 * p)
}

/// The gamma quantile by Wilson–Hilferty: the cube root of a gamma variable
/// is nearly normal. `tail` is the probability beyond the quantile, in the
/// upper tail if `upper`, else in the lower.
fn wilson_hilferty(a: f64, tail: f64, upper: bool) -> f64 {
    if tail <= 0.0 {
        return if upper { f64::INFINITY } else { 0.0 };
    }
    let (tail, upper) = if tail > 0.5 {
        (1.0 - tail, !upper)
    } else {
        (tail, upper)
    };
    let z = normal_tail_quantile(tail);
    let z = if upper { z } else { -z };
    let c = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * a.sqrt());
    (a * c * c * c).max(0.0)
}

#[cfg(test)]
mod golden;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    // --- Poisson interval -------------------------------------------------

    #[test]
    fn poisson_interval_matches_published_values() {
        // Exact (Garwood) 95% limits, as tabulated (and recomputed to 12
        // figures with mpmath).
        let cases = [
            (0, 0.0, 3.688_879),
            (1, 0.025_318, 5.571_643),
            (2, 0.242_209, 7.224_688),
            (5, 1.623_486, 11.668_332),
            (10, 4.795_389, 18.390_356),
            (42, 30.269_906, 56.771_799),
            (100, 81.363_991, 121.626_794),
            (1000, 938.973_018, 1_063.952_136),
        ];
        for (k, lo, hi) in cases {
            let (l, h) = poisson_interval(k, 0.95);
            assert!(close(l, lo, 5e-4), "{k}: lower {l} vs {lo}");
            assert!(close(h, hi, 5e-4), "{k}: upper {h} vs {hi}");
        }
    }

    #[test]
    fn poisson_interval_at_other_confidences() {
        let (l, h) = poisson_interval(10, 0.99);
        assert!(close(l, 3.716_922, 5e-4) && close(h, 21.397_827, 5e-4));
        let (l, h) = poisson_interval(10, 0.90);
        assert!(close(l, 5.425_406, 5e-4) && close(h, 16.962_219, 5e-4));
        let (l, h) = poisson_interval(0, 0.90);
        assert!(l == 0.0 && close(h, 2.995_732, 5e-4));
    }

    #[test]
    fn poisson_interval_at_the_exact_limit_and_beyond() {
        // The exact method at the limit, the approximation beyond it.
        let (l, h) = poisson_interval(100_000, 0.95);
        assert!(close(l, 99_381.152_664, 1e-3), "{l}");
        assert!(close(h, 100_621.744_74, 1e-3), "{h}");
        let wl = wilson_hilferty(100_000.0, 0.025, false);
        let wh = wilson_hilferty(100_001.0, 0.025, true);
        assert!(close(wl, l, 1e-3), "{wl} vs {l}");
        assert!(close(wh, h, 1e-3), "{wh} vs {h}");
        let (l, h) = poisson_interval(100_001, 0.95);
        assert!(l < 100_001.0 && h > 100_001.0);
        let (l, h) = poisson_interval(u64::MAX, 0.95);
        assert!(l.is_finite() && h.is_finite() && l < h);
    }

    #[test]
    fn poisson_interval_extreme_confidences() {
        assert_eq!(poisson_interval(5, 1.0), (0.0, f64::INFINITY));
        assert_eq!(poisson_interval(5, f64::NAN), (0.0, f64::INFINITY));
        let (l, h) = poisson_interval(5, 0.0);
        assert!(l <= 5.0 && 5.0 <= h, "{l} {h}");
        let (l, h) = poisson_interval(5, -3.0);
        assert!(l <= 5.0 && 5.0 <= h, "{l} {h}");
    }

    #[test]
    fn gamma_functions_known_values() {
        // P(1, x) = 1 − e^−x; ln Γ(n) = ln (n − 1)!.
        assert!(close(lower_gamma_p(1.0, 2.0), 1.0 - (-2.0f64).exp(), 1e-14));
        assert!(close(upper_gamma_q(1.0, 5.0), (-5.0f64).exp(), 1e-14));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-12));
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
        // erfc(1) = Q(½, 1).
        assert!(close(
            upper_gamma_q(0.5, 1.0),
            0.157_299_207_050_285_1,
            1e-12
        ));
        assert!(close(normal_tail_quantile(0.025), 1.959_963_985, 1e-8));
    }

    // --- compare_counts ---------------------------------------------------

    #[test]
    fn compare_counts_known_cases() {
        let (s, p) = compare_counts(10, 20);
        assert_eq!(s, Significance::NoSignificantChange);
        assert!(close(p, 0.098_737, 1e-5), "{p}");

        let (s, p) = compare_counts(20, 40);
        assert_eq!(s, Significance::SignificantIncrease);
        assert!(close(p, 0.013_489, 1e-5), "{p}");

        let (s, p) = compare_counts(40, 20);
        assert_eq!(s, Significance::SignificantDecrease);
        assert!(close(p, 0.013_489, 1e-5), "{p}");

        assert!(close(compare_counts(40, 42).1, 0.912_157, 1e-5));
        assert!(close(compare_counts(100, 130).1, 0.055_614, 1e-5));
        assert_eq!(
            compare_counts(100, 140).0,
            Significance::SignificantIncrease
        );
        // The plan's "All Crime −7%, 9,401 → 8,747" is a real fall.
        let (s, p) = compare_counts(9401, 8747);
        assert_eq!(s, Significance::SignificantDecrease);
        assert!(close(p, 1.248_453e-6, 1e-9), "{p}");
    }

    #[test]
    fn compare_counts_small_and_zero() {
        assert_eq!(compare_counts(0, 0), (Significance::NotTested, 1.0));
        assert_eq!(
            compare_counts(1, 0),
            (Significance::NoSignificantChange, 1.0)
        );
        assert_eq!(
            compare_counts(7, 7),
            (Significance::NoSignificantChange, 1.0)
        );
        // 0 vs 5: p = 2/32 = 0.0625, not significant; 0 vs 6: 0.03125.
        let (s, p) = compare_counts(0, 5);
        assert_eq!(s, Significance::NoSignificantChange);
        assert!(close(p, 0.0625, 1e-12));
        let (s, p) = compare_counts(0, 6);
        assert_eq!(s, Significance::SignificantIncrease);
        assert!(close(p, 0.031_25, 1e-12));
    }

    #[test]
    fn compare_counts_large_totals_use_the_normal_approximation() {
        let (s, p) = compare_counts(10_000_000, 10_010_000);
        assert_eq!(s, Significance::SignificantIncrease);
        assert!(p < 0.05);
        let (s, _) = compare_counts(10_000_000, 10_000_100);
        assert_eq!(s, Significance::NoSignificantChange);
        let (s, p) = compare_counts(u64::MAX, u64::MAX);
        assert_eq!((s, p), (Significance::NoSignificantChange, 1.0));
        let (s, p) = compare_counts(u64::MAX, 0);
        assert_eq!(s, Significance::SignificantDecrease);
        assert!((0.0..=1.0).contains(&p));
    }

    proptest! {
        #[test]
        fn interval_contains_the_count(k in 0u64..200_000, c in 0.5..0.999f64) {
            let (lo, hi) = poisson_interval(k, c);
            prop_assert!(lo >= 0.0);
            prop_assert!(lo <= k as f64, "{} > {}", lo, k);
            prop_assert!(k as f64 <= hi, "{} > {}", k, hi);
            prop_assert_eq!(lo == 0.0, k == 0);
        }

        #[test]
        fn interval_contains_huge_counts(k in any::<u64>()) {
            let (lo, hi) = poisson_interval(k, 0.95);
            prop_assert!(lo <= k as f64 && k as f64 <= hi);
        }

        #[test]
        fn interval_widens_with_confidence(
            k in 0u64..2_000,
            c in 0.5..0.98f64,
            d in 0.001..0.019f64,
        ) {
            let (lo1, hi1) = poisson_interval(k, c);
            let (lo2, hi2) = poisson_interval(k, c + d);
            prop_assert!(lo2 <= lo1, "{} {}", lo2, lo1);
            prop_assert!(hi2 >= hi1, "{} {}", hi2, hi1);
        }

        #[test]
        fn compare_counts_is_symmetric(a in 0u64..5_000, b in 0u64..5_000) {
            let (s1, p1) = compare_counts(a, b);
            let (s2, p2) = compare_counts(b, a);
            prop_assert_eq!(p1, p2);
            let mirrored = match s1 {
                Significance::SignificantIncrease => Significance::SignificantDecrease,
                Significance::SignificantDecrease => Significance::SignificantIncrease,
                s => s,
            };
            prop_assert_eq!(s2, mirrored);
            prop_assert!((0.0..=1.0).contains(&p1));
            prop_assert_eq!(p1 < ALPHA, matches!(
                s1,
                Significance::SignificantIncrease | Significance::SignificantDecrease
            ));
        }

        #[test]
        fn compare_counts_p_in_range(a in any::<u64>(), b in any::<u64>()) {
            let (_, p) = compare_counts(a, b);
            prop_assert!((0.0..=1.0).contains(&p));
        }

    }
}
