//! Coverage: how much of the year a status rests on.
//!
//! A year-to-date or year-end status claims every month from April to the
//! end of the quarter. The figures behind it may hold fewer: a month of
//! police.uk data not published or not imported, a quarter's value not
//! entered, a comparison year that began part-way. Only months held in both
//! years are compared, so the comparison stays like for like, but a status
//! worked out on three months must not pass for the year. [`Coverage`] says
//! how many months were compared, how many the status claims, and which
//! were left out and why; the rule in `rules.rs` refuses a status (giving
//! [`Status::Incomplete`](super::Status::Incomplete)) below a minimum share
//! of the months claimed, and the report's wording names what was left out.

use serde::{Deserialize, Serialize};

use crate::{Month, Period, Quarter};

/// The share of the months claimed that a status needs, unless the plan
/// sets another: three quarters, so 9 of 12 months at the year end.
pub const DEFAULT_MIN_COVERAGE: f64 = 0.75;

/// [`DEFAULT_MIN_COVERAGE`], for serde defaults.
pub fn default_min_coverage() -> f64 {
    DEFAULT_MIN_COVERAGE
}

/// How a measure's figures arrive: month by month (police.uk) or quarter by
/// quarter (values entered by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageUnit {
    Month,
    Quarter,
}

/// A month (or quarter) of the year to date left out of the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Gap {
    /// The month, or the three months of the quarter, in the current year.
    pub current: Period,
    /// The same months of the comparison year; `None` when the current year
    /// is not compared with another.
    pub comparison: Option<Period>,
    /// Whether the current year holds it.
    pub current_held: bool,
    /// Whether the comparison year holds it (false when there is none).
    pub comparison_held: bool,
}

impl Gap {
    /// The quarter of the current year this gap is (for quarterly figures).
    pub fn quarter(&self) -> Quarter {
        Quarter::of(self.current.first)
    }

    /// The periods not held, current year first.
    pub fn not_held(&self) -> impl Iterator<Item = Period> + '_ {
        let current = (!self.current_held).then_some(self.current);
        let comparison = self.comparison.filter(|_| !self.comparison_held);
        current.into_iter().chain(comparison)
    }
}

/// How many months of the year to date the figures compare, and which are
/// left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub unit: CoverageUnit,
    /// The months the status claims: April to the end of the quarter (3, 6,
    /// 9 or 12).
    pub months_claimed: u32,
    /// The months compared like for like: held in both years, or in the
    /// current year when it is not compared with another.
    pub months_compared: u32,
    /// The months (or quarters) of the year to date left out, in order.
    pub missing: Vec<Gap>,
}

impl Coverage {
    /// Figures that hold every month they claim.
    pub fn whole(unit: CoverageUnit, months: u32) -> Coverage {
        Coverage {
            unit,
            months_claimed: months,
            months_compared: months,
            missing: vec![],
        }
    }

    /// Whether every month claimed is compared.
    pub fn is_whole(&self) -> bool {
        self.months_compared >= self.months_claimed
    }

    /// The fewest months that still give a status: the share of the months
    /// claimed, rounded **up** (at three quarters: 3 of 3, 5 of 6, 7 of 9,
    /// 9 of 12). A share that is not a number counts as the whole.
    pub fn months_needed(&self, min_share: f64) -> u32 {
        months_needed(self.months_claimed, min_share)
    }

    /// Whether enough months are compared for a status.
    pub fn is_enough(&self, min_share: f64) -> bool {
        self.months_compared >= self.months_needed(min_share)
    }

    /// Every month (police.uk) or quarter (entered values) not held, as
    /// `YYYY-MM` or `YYYY/YY-Qn`, current year first.
    pub fn not_held(&self) -> Vec<String> {
        let current = self.missing.iter().filter(|g| !g.current_held);
        let comparison = self.missing.iter().filter(|g| !g.comparison_held);
        let periods = current
            .map(|g| g.current)
            .chain(comparison.filter_map(|g| g.comparison));
        match self.unit {
            CoverageUnit::Month => periods.map(|p| p.first.to_string()).collect(),
            CoverageUnit::Quarter => periods.map(|p| Quarter::of(p.first).to_string()).collect(),
        }
    }
}

/// `ceil(min_share × claimed)`, with a slack of 10⁻⁹ so that a share such as
/// 0.7 of 10 months asks for 7, not 8, after floating-point rounding.
pub fn months_needed(claimed: u32, min_share: f64) -> u32 {
    let share = if min_share.is_nan() {
        1.0
    } else {
        min_share.clamp(0.0, 1.0)
    };
    let needed = (share * f64::from(claimed) - 1e-9).ceil().max(0.0);
    (needed as u32).min(claimed)
}

/// Whether a share of months is usable in a plan: a number from 0 to 1.
pub fn is_valid_min_coverage(share: f64) -> bool {
    (0.0..=1.0).contains(&share)
}

/// The months of `period` paired with the same months `years_back` years
/// earlier, and the coverage of comparing them, given which months are held.
/// Months held in both years are compared; the rest are gaps.
pub fn month_coverage(
    period: Period,
    years_back: i32,
    held: impl Fn(Month) -> bool,
) -> (Vec<(Month, Month)>, Coverage) {
    let back = -12 * years_back;
    let mut pairs = Vec::new();
    let mut missing = Vec::new();
    for m in period.months() {
        let c = m.plus(back);
        let (a, b) = (held(m), held(c));
        if a && b {
            pairs.push((m, c));
        } else {
            missing.push(Gap {
                current: Period { first: m, last: m },
                comparison: Some(Period { first: c, last: c }),
                current_held: a,
                comparison_held: b,
            });
        }
    }
    let coverage = Coverage {
        unit: CoverageUnit::Month,
        months_claimed: period.len(),
        months_compared: pairs.len() as u32,
        missing,
    };
    (pairs, coverage)
}

/// The months of `period` held in the current year alone, and their
/// coverage, for a figure not compared with another year.
pub fn month_coverage_alone(
    period: Period,
    held: impl Fn(Month) -> bool,
) -> (Vec<Month>, Coverage) {
    let (months, missing): (Vec<Month>, Vec<Month>) = period.months().partition(|m| held(*m));
    let coverage = Coverage {
        unit: CoverageUnit::Month,
        months_claimed: period.len(),
        months_compared: months.len() as u32,
        missing: missing
            .into_iter()
            .map(|m| Gap {
                current: Period { first: m, last: m },
                comparison: None,
                current_held: false,
                comparison_held: false,
            })
            .collect(),
    };
    (months, coverage)
}

/// The same for quarterly figures: the quarters of the year to date up to
/// `last` paired with those of `comparison_year` (or alone when `None`),
/// given which quarters have a value.
pub fn quarter_coverage(
    last: Quarter,
    comparison_year: Option<crate::FinancialYear>,
    held: impl Fn(Quarter) -> bool,
) -> (Vec<(Quarter, Option<Quarter>)>, Coverage) {
    let months = |q: Quarter| Period {
        first: q.first_month(),
        last: q.last_month(),
    };
    let mut pairs = Vec::new();
    let mut missing = Vec::new();
    for n in 1..=last.number() {
        let Some(q) = Quarter::new(last.year(), n) else {
            continue;
        };
        let c = comparison_year.and_then(|y| Quarter::new(y, n));
        let (a, b) = (held(q), c.is_some_and(&held));
        if a && (b || c.is_none()) {
            pairs.push((q, c));
        } else {
            missing.push(Gap {
                current: months(q),
                comparison: c.map(months),
                current_held: a,
                comparison_held: b,
            });
        }
    }
    let coverage = Coverage {
        unit: CoverageUnit::Quarter,
        months_claimed: 3 * u32::from(last.number()),
        months_compared: 3 * pairs.len() as u32,
        missing,
    };
    (pairs, coverage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn the_minimum_is_rounded_up() {
        // Three quarters of the months claimed at each quarter's year end.
        assert_eq!(months_needed(3, 0.75), 3);
        assert_eq!(months_needed(6, 0.75), 5);
        assert_eq!(months_needed(9, 0.75), 7);
        assert_eq!(months_needed(12, 0.75), 9);
        assert_eq!(months_needed(10, 0.7), 7);
        assert_eq!(months_needed(12, 0.0), 0);
        assert_eq!(months_needed(12, 1.0), 12);
        assert_eq!(months_needed(12, f64::NAN), 12);
        assert_eq!(months_needed(12, 7.0), 12);
        assert!(is_valid_min_coverage(0.75) && is_valid_min_coverage(0.0));
        assert!(!is_valid_min_coverage(1.5) && !is_valid_min_coverage(f64::NAN));
    }

    #[test]
    fn months_held_in_both_years_are_compared() {
        // 2022/23 against 2021/22 with police.uk data from January 2022,
        // December 2022 missing.
        let held = |x: Month| x >= m("2022-01") && x != m("2022-12");
        let year = Period::new(m("2022-04"), m("2023-03")).unwrap();
        let (pairs, c) = month_coverage(year, 1, held);
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0], (m("2023-01"), m("2022-01")));
        assert_eq!((c.months_compared, c.months_claimed), (3, 12));
        assert_eq!(c.missing.len(), 9);
        assert!(!c.is_enough(0.75));
        let dec = c.missing[8];
        assert_eq!(dec.current.first, m("2022-12"));
        assert!(!dec.current_held && !dec.comparison_held);
        assert_eq!(c.not_held()[0], "2022-12");
        assert_eq!(c.not_held().len(), 10);
        // 2023/24 against 2022/23: only December is left out.
        let year = Period::new(m("2023-04"), m("2024-03")).unwrap();
        let (pairs, c) = month_coverage(year, 1, held);
        assert_eq!(pairs.len(), 11);
        assert!(c.is_enough(0.75) && !c.is_whole());
        assert_eq!(c.not_held(), ["2022-12"]);
        let (months, c) = month_coverage_alone(year, held);
        assert_eq!(months.len(), 12);
        assert!(c.is_whole());
    }

    #[test]
    fn quarters_entered_in_both_years_are_compared() {
        let q = |s: &str| s.parse::<Quarter>().unwrap();
        let held = |x: Quarter| x != q("2023-Q2") && x != q("2022-Q3");
        let (pairs, c) = quarter_coverage(q("2023-Q4"), Some(q("2022-Q1").year()), held);
        assert_eq!(pairs.len(), 2);
        assert_eq!((c.months_compared, c.months_claimed), (6, 12));
        assert_eq!(c.not_held(), ["2023/24-Q2", "2022/23-Q3"]);
        assert_eq!(c.missing[0].quarter(), q("2023-Q2"));
        let (pairs, c) = quarter_coverage(q("2023-Q4"), None, held);
        assert_eq!(pairs.len(), 3);
        assert_eq!(c.months_compared, 9);
        assert_eq!(c.missing[0].comparison, None);
    }

    proptest! {
        #[test]
        fn needed_is_the_rounded_up_share(claimed in 0u32..=12, share in 0.0..=1.0f64) {
            let n = months_needed(claimed, share);
            prop_assert!(n <= claimed);
            prop_assert!(f64::from(n) >= share * f64::from(claimed) - 1e-6);
            prop_assert!(n == 0 || f64::from(n - 1) < share * f64::from(claimed));
        }
    }
}
