//! Statutory and local clocks: a duty's time limit, the day it falls due,
//! and where it stands on a given day.
//!
//! The case work is timed. A Community Trigger is acknowledged, decided and
//! reviewed within limits each partnership publishes (DOMAIN.md 3.1: Leicester
//! acknowledges within 1 working day and decides within 14 days; Gosport
//! counts 10, 15 and 20 working days), and a Domestic Homicide Review is
//! decided within a month and completed within six (DOMAIN.md 3.2). So a
//! limit is data [K]: a number of days counted as calendar or as working
//! days ([`TimeLimit`]), or a number of calendar months ([`MonthLimit`]).
//! Working days come from [`BankHolidays`], which never guesses: a deadline
//! the bank-holiday table cannot answer is an error, not a day assumed to be
//! working, because a deadline a day out misleads an officer about a
//! statutory duty.

use serde::{Deserialize, Serialize};

use crate::{BankHolidays, Date, NotCovered};

/// A time limit [K]: a number of days, counted as calendar or working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    pub days: u32,
    /// Working days (Monday to Friday, not a bank holiday in England and
    /// Wales) rather than calendar days.
    pub working: bool,
}

impl TimeLimit {
    /// `days` calendar days.
    pub const fn calendar(days: u32) -> TimeLimit {
        TimeLimit {
            days,
            working: false,
        }
    }

    /// `days` working days.
    pub const fn working(days: u32) -> TimeLimit {
        TimeLimit {
            days,
            working: true,
        }
    }

    /// The last day on which the thing is on time, counting from `from`
    /// (day 0): "within 14 days" of 1 May is 15 May, "within 1 working day"
    /// of a Friday is the Monday (the Tuesday after a bank holiday Monday).
    /// A working-day limit of 0 days is `from` itself when that is a
    /// working day, else the next working day, so a working-day due date is
    /// always a working day.
    ///
    /// An error when the bank-holiday table does not cover a day a
    /// working-day count needs; a calendar count that would run past
    /// 9999-12-31 is reported as not covered at that day, the last there is.
    pub fn due(&self, from: Date, holidays: &BankHolidays) -> Result<Date, NotCovered> {
        if self.working {
            return holidays.plus_working_days(from, self.days);
        }
        from.plus_days(i64::from(self.days))
            .ok_or_else(|| NotCovered {
                date: Date::from_table(9999, 12, 31),
                first_year: holidays.first_year(),
                last_year: holidays.last_year(),
            })
    }

    /// A short label for the limit's unit.
    pub fn unit(&self) -> &'static str {
        match (self.working, self.days) {
            (true, 1) => "working day",
            (true, _) => "working days",
            (false, 1) => "day",
            (false, _) => "days",
        }
    }
}

/// A time limit [K] in calendar months: the DHR decision within one month
/// of the death coming to the partnership's attention, and completion within
/// six months of the decision (DOMAIN.md 3.2, the 2016 statutory guidance;
/// both configurable as the guidance is being revised).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthLimit {
    pub months: u32,
}

impl MonthLimit {
    /// The last day on time: the same day `months` months after `from`, or
    /// the last day of that month when it is shorter (a month from 31
    /// January is 28 or 29 February), as the calendar-month reckoning of
    /// statutes and guidance has it. `None` past 9999-12-31.
    pub fn due(&self, from: Date) -> Option<Date> {
        from.plus_months(i32::try_from(self.months).ok()?)
    }
}

/// Where a clock stands on a day. Days are calendar days, whichever way the
/// limit was counted: they say how near or far the due date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClockState {
    /// Not done, and the due date is later than today.
    OnTime { due: Date, days_left: i64 },
    /// Not done, and today is the last day on time.
    DueToday { due: Date },
    /// Not done, and the due date has passed.
    Overdue { due: Date, days_late: i64 },
    /// Done on `on`, `late_by` days after the due date (0 when on time).
    Met { due: Date, on: Date, late_by: i64 },
}

impl ClockState {
    pub fn due(&self) -> Date {
        match *self {
            ClockState::OnTime { due, .. }
            | ClockState::DueToday { due }
            | ClockState::Overdue { due, .. }
            | ClockState::Met { due, .. } => due,
        }
    }

    pub fn is_overdue(&self) -> bool {
        matches!(self, ClockState::Overdue { .. })
    }

    pub fn label(&self) -> &'static str {
        match self {
            ClockState::OnTime { .. } => "On time",
            ClockState::DueToday { .. } => "Due today",
            ClockState::Overdue { .. } => "Overdue",
            ClockState::Met { late_by: 0, .. } => "Met on time",
            ClockState::Met { .. } => "Met late",
        }
    }
}

/// Where a clock due on `due` stands on `today`, given the day the thing
/// was done, if it was. A thing done after `today` was not yet done on
/// `today`: the board as at a past day shows what was overdue then.
pub fn state(due: Date, done_on: Option<Date>, today: Date) -> ClockState {
    if let Some(on) = done_on.filter(|on| *on <= today) {
        return ClockState::Met {
            due,
            on,
            late_by: due.days_until(on).max(0),
        };
    }
    match today.days_until(due) {
        0 => ClockState::DueToday { due },
        left if left > 0 => ClockState::OnTime {
            due,
            days_left: left,
        },
        late => ClockState::Overdue {
            due,
            days_late: -late,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    const EW: BankHolidays = BankHolidays::england_and_wales();

    #[test]
    fn calendar_and_working_day_limits_fall_due() {
        // Leicester's threshold decision: 14 days from the application.
        let due = TimeLimit::calendar(14).due(d("2024-05-01"), &EW).unwrap();
        assert_eq!(due, d("2024-05-15"));
        // Acknowledge within 1 working day: a Friday's application by the
        // Monday, and over Easter 2024 (Good Friday, Easter Monday) by the
        // Tuesday.
        let ack = TimeLimit::working(1);
        assert_eq!(ack.due(d("2024-06-07"), &EW).unwrap(), d("2024-06-10"));
        assert_eq!(ack.due(d("2024-03-28"), &EW).unwrap(), d("2024-04-02"));
        // Gosport's 10 working days over the 2022 jubilee.
        let due = TimeLimit::working(10).due(d("2022-05-31"), &EW).unwrap();
        assert_eq!(due, d("2022-06-16"));
        assert_eq!(
            TimeLimit::calendar(0).due(d("2024-06-08"), &EW),
            Ok(d("2024-06-08"))
        );
        assert_eq!(
            TimeLimit::working(0).due(d("2024-06-08"), &EW),
            Ok(d("2024-06-10"))
        );
        assert_eq!(TimeLimit::working(3).unit(), "working days");
        assert_eq!(TimeLimit::calendar(1).unit(), "day");
    }

    #[test]
    fn a_working_day_limit_the_table_cannot_answer_is_an_error() {
        let e = TimeLimit::working(10)
            .due(d("2030-12-20"), &EW)
            .unwrap_err();
        assert_eq!(e.date, d("2031-01-01"));
        assert!(TimeLimit::working(1).due(d("2009-06-01"), &EW).is_err());
        // Calendar days need no table.
        assert_eq!(
            TimeLimit::calendar(14).due(d("2040-01-01"), &EW),
            Ok(d("2040-01-15"))
        );
        let e = TimeLimit::calendar(10)
            .due(d("9999-12-25"), &EW)
            .unwrap_err();
        assert_eq!(e.date, d("9999-12-31"));
    }

    #[test]
    fn month_limits_clamp_to_the_end_of_the_month() {
        let decide = MonthLimit { months: 1 };
        assert_eq!(decide.due(d("2024-01-31")), Some(d("2024-02-29")));
        assert_eq!(decide.due(d("2023-01-31")), Some(d("2023-02-28")));
        let complete = MonthLimit { months: 6 };
        assert_eq!(complete.due(d("2024-08-31")), Some(d("2025-02-28")));
        assert_eq!(complete.due(d("9999-08-01")), None);
        assert_eq!(MonthLimit { months: u32::MAX }.due(d("2024-01-01")), None);
    }

    #[test]
    fn a_clock_is_on_time_due_overdue_or_met() {
        let due = d("2024-05-15");
        assert_eq!(
            state(due, None, d("2024-05-10")),
            ClockState::OnTime { due, days_left: 5 }
        );
        assert_eq!(state(due, None, due), ClockState::DueToday { due });
        assert_eq!(
            state(due, None, d("2024-05-18")),
            ClockState::Overdue { due, days_late: 3 }
        );
        assert_eq!(
            state(due, Some(d("2024-05-14")), d("2024-06-01")),
            ClockState::Met {
                due,
                on: d("2024-05-14"),
                late_by: 0
            }
        );
        let late = state(due, Some(d("2024-05-17")), d("2024-06-01"));
        assert_eq!(
            late,
            ClockState::Met {
                due,
                on: d("2024-05-17"),
                late_by: 2
            }
        );
        assert_eq!(late.label(), "Met late");
        // Done later than the day asked about: not done then.
        assert!(state(due, Some(d("2024-05-20")), d("2024-05-16")).is_overdue());
        assert_eq!(late.due(), due);
    }

    #[test]
    fn serde_forms() {
        let t: TimeLimit = serde_json::from_str(r#"{"days":1,"working":true}"#).unwrap();
        assert_eq!(t, TimeLimit::working(1));
        assert!(serde_json::from_str::<TimeLimit>(r#"{"days":1,"working":true,"x":1}"#).is_err());
        let s = serde_json::to_string(&ClockState::DueToday {
            due: d("2024-05-15"),
        })
        .unwrap();
        assert_eq!(s, r#"{"state":"due_today","due":"2024-05-15"}"#);
    }

    fn covered_date() -> impl Strategy<Value = Date> {
        let first = d("2010-01-01");
        let days = first.days_until(d("2030-12-31"));
        (0..=days).prop_map(move |n| first.plus_days(n).unwrap())
    }

    proptest! {
        /// A working-day due date is a working day, never a weekend or a
        /// bank holiday, and later than the day counted from.
        #[test]
        fn a_working_day_due_date_is_a_working_day(from in covered_date(), days in 1u32..60) {
            if let Ok(due) = TimeLimit::working(days).due(from, &EW) {
                prop_assert!(!due.weekday().is_weekend());
                prop_assert_eq!(EW.is_bank_holiday(due), Ok(false));
                prop_assert!(due > from);
            }
        }

        /// Whatever the limit, it never falls due before the day it counts
        /// from.
        #[test]
        fn due_is_never_before_from(from in covered_date(), days in 0u32..400, working: bool, months in 0u32..36) {
            if let Ok(due) = (TimeLimit { days, working }).due(from, &EW) {
                prop_assert!(due >= from);
            }
            let due = MonthLimit { months }.due(from).unwrap();
            prop_assert!(due >= from);
        }

        /// Overdue exactly when today is past the due date and the thing was
        /// not done by today; met exactly when it was.
        #[test]
        fn overdue_iff_past_due_and_not_done(
            due in covered_date(),
            today in covered_date(),
            done in proptest::option::of(covered_date()),
        ) {
            let s = state(due, done, today);
            let done_by_today = done.is_some_and(|on| on <= today);
            prop_assert_eq!(s.is_overdue(), today > due && !done_by_today);
            prop_assert_eq!(matches!(s, ClockState::Met { .. }), done_by_today);
            prop_assert_eq!(s.due(), due);
            if let ClockState::Met { late_by, on, .. } = s {
                prop_assert!(late_by >= 0);
                prop_assert_eq!(late_by > 0, on > due);
            }
        }
    }
}
