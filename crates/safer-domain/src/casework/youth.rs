//! Youth ASB work beside the ladder (DOMAIN.md 3.5): the Youth ASB Police
//! Management Plan, with the days it stays open and the agencies that
//! contribute to it, and diversionary activities with their attendance.
//! The 2023–26 Charnwood plan monitors both (measures p2-m3 and p2-m7).

use serde::{Deserialize, Serialize};

use crate::Date;

/// A Youth ASB Police Management Plan on a young person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagementPlan {
    pub opened_on: Date,
    pub closed_on: Option<Date>,
    /// The agencies contributing to the plan, by name.
    pub agencies: Vec<String>,
}

impl ManagementPlan {
    /// The days the plan has been open on `today`, or was open when it
    /// closed: the day it opened is day 0, as a plan opened and closed on
    /// one day was open for none.
    pub fn days_open(&self, today: Date) -> i64 {
        let end = self.closed_on.map_or(today, |c| c.min(today));
        self.opened_on.days_until(end).max(0)
    }

    /// Whether the plan is open on `day`.
    pub fn open_on(&self, day: Date) -> bool {
        self.opened_on <= day && self.closed_on.is_none_or(|c| c > day)
    }
}

/// A diversionary activity a young person is referred to: sport, youth
/// club, mentoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiversionaryActivity {
    pub activity: String,
    pub provider: String,
    pub started_on: Date,
    pub sessions_offered: u32,
    pub sessions_attended: u32,
}

/// When a young person counts as engaged in a diversionary activity [K]:
/// having attended at least `sessions` sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Engagement {
    pub sessions: u32,
}

impl Default for Engagement {
    fn default() -> Engagement {
        Engagement { sessions: 1 }
    }
}

impl DiversionaryActivity {
    /// Whether the attendance makes the young person engaged. A rule of
    /// zero sessions would count every referral as engagement, so at
    /// least one attended session is always needed.
    pub fn engaged(&self, rule: Engagement) -> bool {
        self.sessions_attended >= rule.sessions.max(1)
    }

    /// Attendance as a share of the sessions offered, when any were.
    pub fn attendance(&self) -> Option<f64> {
        (self.sessions_offered > 0)
            .then(|| f64::from(self.sessions_attended) / f64::from(self.sessions_offered))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_plan_counts_the_days_it_is_open() {
        let mut p = ManagementPlan {
            opened_on: d("2024-04-01"),
            closed_on: None,
            agencies: vec!["Leicestershire Police".into()],
        };
        assert_eq!(p.days_open(d("2024-04-11")), 10);
        assert!(p.open_on(d("2024-04-01")));
        p.closed_on = Some(d("2024-05-01"));
        assert_eq!(p.days_open(d("2024-12-01")), 30);
        assert!(!p.open_on(d("2024-05-01")));
    }

    #[test]
    fn engagement_needs_an_attended_session() {
        let a = DiversionaryActivity {
            activity: "Boxing club".into(),
            provider: "Loughborough Youth".into(),
            started_on: d("2024-04-01"),
            sessions_offered: 8,
            sessions_attended: 0,
        };
        assert!(!a.engaged(Engagement { sessions: 0 }));
        let b = DiversionaryActivity {
            sessions_attended: 2,
            ..a
        };
        assert!(b.engaged(Engagement::default()));
        assert!(!b.engaged(Engagement { sessions: 3 }));
        assert_eq!(b.attendance(), Some(0.25));
    }

    proptest! {
        /// Days open never go negative and never pass the closing day.
        #[test]
        fn days_open_are_bounded(open in 0i64..3000, len in proptest::option::of(0i64..500), today in 0i64..4000) {
            let base = d("2020-01-01");
            let p = ManagementPlan {
                opened_on: base.plus_days(open).unwrap(),
                closed_on: len.map(|l| base.plus_days(open + l).unwrap()),
                agencies: vec![],
            };
            let today = base.plus_days(today).unwrap();
            let days = p.days_open(today);
            prop_assert!(days >= 0);
            if let Some(l) = len {
                prop_assert!(days <= l);
            }
        }
    }
}
