//! The rule that a short file is not a month.
//!
//! A police.uk file cut short at a line boundary (a download that stopped,
//! a copy cut in an editor) is still well-formed CSV, so no row check
//! notices it; imported, it would silently replace a full month with half
//! of one. So an import compares each file's rows with the month it
//! replaces and with the same force's neighbouring months, and a file far
//! smaller than either is refused unless the person importing confirms it.

use serde::{Deserialize, Serialize};

use crate::Month;

/// How much smaller than the month it replaces, or than its neighbours, a
/// file may be before an import refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeRule {
    /// A file with fewer rows than this percentage of the reference is
    /// refused.
    min_percent: u32,
}

impl Default for SizeRule {
    /// 70%: monthly volumes of a force move by a tenth or so from month to
    /// month, and rarely by a quarter (the first Covid-19 lockdown); a
    /// file cut in half is far outside that.
    fn default() -> SizeRule {
        SizeRule {
            min_percent: SizeRule::DEFAULT_PERCENT,
        }
    }
}

/// What a file was compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SizeReference {
    /// The same force-month already held, which the file would replace.
    Replaced { rows: u64 },
    /// The median of the force's months near this one.
    Neighbours { median: u64, months: Vec<Month> },
}

impl SizeReference {
    /// The number of rows compared with.
    pub fn rows(&self) -> u64 {
        match self {
            SizeReference::Replaced { rows } => *rows,
            SizeReference::Neighbours { median, .. } => *median,
        }
    }
}

/// A file much smaller than what it was compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortFile {
    pub force: String,
    pub month: Month,
    pub rows: u64,
    pub reference: SizeReference,
    /// The file's rows as a whole percentage of the reference, rounded down.
    pub percent: u64,
}

impl SizeRule {
    /// The default minimum, 70%.
    pub const DEFAULT_PERCENT: u32 = 70;

    /// How many months either side of a file count as its neighbours.
    pub const NEIGHBOURS: u32 = 3;

    /// A rule refusing files below `min_percent`% of their reference;
    /// `None` above 100 (a file may always be as large as the month it
    /// replaces). 0 turns the check off.
    pub fn new(min_percent: u32) -> Option<SizeRule> {
        (min_percent <= 100).then_some(SizeRule { min_percent })
    }

    pub fn min_percent(&self) -> u32 {
        self.min_percent
    }

    /// Checks a file of `rows` rows for `force` and `month` against the
    /// force-month it replaces (`replaced`, if held), or, for a month not
    /// held before, against the force's months within
    /// [`SizeRule::NEIGHBOURS`] of it (`others`: month and rows, from the
    /// store and from the same import). A file as large as the month it
    /// replaces is never short, whatever its neighbours hold: it is that
    /// month as published before.
    pub fn check(
        &self,
        force: &str,
        month: Month,
        rows: u64,
        replaced: Option<u64>,
        others: &[(Month, u64)],
    ) -> Option<ShortFile> {
        let short = |reference: SizeReference| {
            let r = reference.rows();
            // rows < min% of r, in whole numbers: rows × 100 < min × r.
            (u128::from(rows) * 100 < u128::from(self.min_percent) * u128::from(r)).then(|| {
                ShortFile {
                    force: force.to_owned(),
                    month,
                    rows,
                    percent: (u128::from(rows) * 100 / u128::from(r.max(1))) as u64,
                    reference,
                }
            })
        };
        if let Some(r) = replaced {
            return short(SizeReference::Replaced { rows: r });
        }
        let mut near: Vec<(Month, u64)> = others
            .iter()
            .copied()
            .filter(|(m, _)| {
                *m != month && m.ordinal().abs_diff(month.ordinal()) <= Self::NEIGHBOURS
            })
            .collect();
        if near.is_empty() {
            return None;
        }
        near.sort();
        let mut sizes: Vec<u64> = near.iter().map(|(_, r)| *r).collect();
        sizes.sort_unstable();
        // The lower median, so one unusually large neighbour never makes an
        // ordinary month look short.
        let median = sizes[(sizes.len() - 1) / 2];
        short(SizeReference::Neighbours {
            median,
            months: near.into_iter().map(|(m, _)| m).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn a_file_half_the_size_of_the_month_it_replaces_is_short() {
        let rule = SizeRule::default();
        let s = rule
            .check("leicestershire", m("2023-06"), 683, Some(1366), &[])
            .unwrap();
        assert_eq!(s.reference, SizeReference::Replaced { rows: 1366 });
        assert_eq!(s.percent, 50);
        // 70% exactly is allowed; just under is not.
        assert!(
            rule.check("x", m("2023-06"), 700, Some(1000), &[])
                .is_none()
        );
        assert!(
            rule.check("x", m("2023-06"), 699, Some(1000), &[])
                .is_some()
        );
    }

    #[test]
    fn a_new_month_is_compared_with_its_neighbours() {
        let rule = SizeRule::default();
        let others = [
            (m("2023-01"), 1262),
            (m("2023-02"), 1230),
            (m("2023-03"), 1438),
            (m("2023-07"), 1213),
            (m("2022-06"), 10),
        ];
        let s = rule
            .check("leicestershire", m("2023-04"), 600, None, &others)
            .unwrap();
        // 2022-06 is too far away to count; the lower median of the four.
        assert_eq!(
            s.reference,
            SizeReference::Neighbours {
                median: 1230,
                months: vec![m("2023-01"), m("2023-02"), m("2023-03"), m("2023-07")]
            }
        );
        assert!(rule.check("x", m("2023-04"), 1000, None, &others).is_none());
        assert!(rule.check("x", m("2023-04"), 5, None, &[]).is_none());
        assert!(
            SizeRule::new(0)
                .unwrap()
                .check("x", m("2023-04"), 0, Some(9), &others)
                .is_none()
        );
        assert!(SizeRule::new(101).is_none());
    }

    proptest! {
        /// A file at least as large as every reference is never short, and
        /// a file is short exactly when it is below the minimum of the month
        /// it replaces.
        #[test]
        fn short_means_below_the_minimum(rows in 0u64..100_000, replaced in 0u64..100_000, min in 0u32..=100) {
            let rule = SizeRule::new(min).unwrap();
            let got = rule.check("x", m("2024-01"), rows, Some(replaced), &[]);
            prop_assert_eq!(got.is_some(), (rows as f64) < (min as f64) / 100.0 * replaced as f64);
            let never = rule.check("x", m("2024-01"), replaced, Some(replaced), &[(m("2023-12"), replaced)]);
            prop_assert!(never.is_none());
        }
    }
}
