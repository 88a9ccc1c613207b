//! Repeat victims and repeat locations: N incidents within M months.
//!
//! Definitions vary by area (DOMAIN.md 3.3 and 3.4): "3 similar ASB
//! occurrences in the last 3 months" for a repeat victim, "3 or more
//! incidents in 12 months" (Kent: 6 months) for escalation to MARAC. The
//! rule is data, [`RepeatRule`], so each partnership sets its own.

use serde::{Deserialize, Serialize};

use crate::Date;

/// At least `incidents` incidents within the `months` months ending on the
/// day asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatRule {
    pub incidents: u32,
    pub months: u32,
}

impl RepeatRule {
    /// A repeat victim of ASB: 3 incidents in 3 months.
    pub const REPEAT_VICTIM: RepeatRule = RepeatRule {
        incidents: 3,
        months: 3,
    };
    /// A repeat location: 3 incidents in 12 months.
    pub const REPEAT_LOCATION: RepeatRule = RepeatRule {
        incidents: 3,
        months: 12,
    };

    /// The first day of the window that ends on `as_of`: the same day
    /// `months` months earlier (the last day of that month when it is
    /// shorter), so 3 months to 31 May begin on 28 or 29 February.
    pub fn window_start(&self, as_of: Date) -> Date {
        months_before(as_of, self.months)
    }

    /// The incidents that count on `as_of`: on or after the window's first
    /// day and not after `as_of` (an incident recorded with a later date
    /// does not count yet).
    pub fn in_window(&self, incidents: &[Date], as_of: Date) -> usize {
        let start = self.window_start(as_of);
        incidents
            .iter()
            .filter(|d| **d >= start && **d <= as_of)
            .count()
    }

    /// Whether the incidents make a repeat on `as_of`. A rule of zero
    /// incidents flags nothing (it would flag everyone).
    pub fn is_repeat(&self, incidents: &[Date], as_of: Date) -> bool {
        self.incidents > 0 && self.in_window(incidents, as_of) >= self.incidents as usize
    }
}

/// The same day `months` months before `d`, clamped to the month's end.
fn months_before(d: Date, months: u32) -> Date {
    let total = i64::from(d.year()) * 12 + i64::from(d.month()) - 1 - i64::from(months);
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let Ok(year) = u16::try_from(year) else {
        return Date::new(1, 1, 1).unwrap_or(d);
    };
    let month = month as u8;
    (1..=d.day())
        .rev()
        .find_map(|day| Date::new(year, month, day))
        .unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_begins_the_same_day_months_earlier() {
        let r = RepeatRule::REPEAT_VICTIM;
        assert_eq!(r.window_start(date("2024-06-30")).to_string(), "2024-03-30");
        assert_eq!(r.window_start(date("2024-05-31")).to_string(), "2024-02-29");
        assert_eq!(r.window_start(date("2023-05-31")).to_string(), "2023-02-28");
        assert_eq!(r.window_start(date("2024-02-15")).to_string(), "2023-11-15");
    }

    #[test]
    fn three_incidents_in_three_months_is_a_repeat_victim() {
        let r = RepeatRule::REPEAT_VICTIM;
        let as_of = date("2024-06-30");
        let on = |s: &[&str]| s.iter().map(|d| date(d)).collect::<Vec<_>>();
        assert!(r.is_repeat(&on(&["2024-03-30", "2024-05-01", "2024-06-30"]), as_of));
        // The day before the window, or a date after the day asked about,
        // does not count.
        assert!(!r.is_repeat(&on(&["2024-03-29", "2024-05-01", "2024-06-30"]), as_of));
        assert!(!r.is_repeat(&on(&["2024-04-01", "2024-05-01", "2024-07-01"]), as_of));
        assert!(
            !RepeatRule {
                incidents: 0,
                months: 3
            }
            .is_repeat(&[], as_of)
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (2015u16..2030, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
    }

    proptest! {
        /// The window's edges: the first day counts, the day before does
        /// not, whatever the day and the number of months.
        #[test]
        fn the_first_day_of_the_window_counts_and_the_day_before_does_not(
            as_of in any_date(),
            months in 1u32..36,
        ) {
            let r = RepeatRule { incidents: 1, months };
            let start = r.window_start(as_of);
            prop_assert!(start < as_of);
            prop_assert!(r.is_repeat(&[start], as_of));
            prop_assert!(r.is_repeat(&[as_of], as_of));
            prop_assert!(!r.is_repeat(&[start.plus_days(-1).unwrap()], as_of));
            prop_assert!(!r.is_repeat(&[as_of.plus_days(1).unwrap()], as_of));
        }

        /// More incidents never undo a repeat; a longer window never does.
        #[test]
        fn more_incidents_or_a_longer_window_never_undo_a_repeat(
            as_of in any_date(),
            incidents in proptest::collection::vec(any_date(), 0..12),
            extra in any_date(),
            n in 1u32..5,
            months in 1u32..24,
        ) {
            let r = RepeatRule { incidents: n, months };
            if r.is_repeat(&incidents, as_of) {
                let mut more = incidents.clone();
                more.push(extra);
                prop_assert!(r.is_repeat(&more, as_of));
                let longer = RepeatRule { incidents: n, months: months + 1 };
                prop_assert!(longer.is_repeat(&incidents, as_of));
            }
        }
    }
}
