//! A forum's meetings: when each live case is next due for review, and the
//! agenda built from the cases due, the new referrals and the overdue
//! actions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::case::{CaseStatus, RiskLevel};
use super::case_action::{CaseActionStatus, is_overdue};
use crate::{CaseActionId, CaseId, Date};

/// How often a live case is reviewed, by its risk level, in days [K]: by
/// default a high-risk case at every six-weekly meeting, a medium one at
/// every other, a standard one each quarter of a year's four cycles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewIntervals {
    pub days: BTreeMap<RiskLevel, u32>,
}

impl Default for ReviewIntervals {
    fn default() -> ReviewIntervals {
        ReviewIntervals {
            days: [
                (RiskLevel::High, 42),
                (RiskLevel::Medium, 84),
                (RiskLevel::Standard, 126),
            ]
            .into(),
        }
    }
}

impl ReviewIntervals {
    /// When a case last reviewed (or accepted) on `last`, at `risk`, is
    /// next due for review.
    pub fn next_review(&self, risk: RiskLevel, last: Date) -> Option<Date> {
        let days = self.days.get(&risk).copied().unwrap_or(42);
        last.plus_days(i64::from(days))
    }
}

/// What the agenda needs of a case of the forum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaCase {
    pub id: CaseId,
    pub status: CaseStatus,
    pub risk: RiskLevel,
    /// When it was last reviewed at a meeting, or accepted, or referred.
    pub last_reviewed: Date,
}

/// What the agenda needs of an action on a case of the forum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaAction {
    pub id: CaseActionId,
    pub case: CaseId,
    pub status: CaseActionStatus,
    pub due: Date,
}

/// A meeting's agenda, in the order a JAG takes it: new referrals to
/// accept or decline, the live cases due for review (highest risk first),
/// then the actions overdue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agenda {
    pub referrals: Vec<CaseId>,
    pub reviews: Vec<CaseId>,
    pub overdue_actions: Vec<CaseActionId>,
}

impl Agenda {
    /// The agenda of a meeting held on `on`: every referral awaiting a
    /// decision; every open case whose next review falls on or before the
    /// meeting; every open action due before it.
    pub fn build(
        on: Date,
        cases: &[AgendaCase],
        actions: &[AgendaAction],
        intervals: &ReviewIntervals,
    ) -> Agenda {
        let referrals = cases
            .iter()
            .filter(|c| c.status == CaseStatus::Referred)
            .map(|c| c.id)
            .collect();
        let mut due: Vec<&AgendaCase> = cases
            .iter()
            .filter(|c| c.status == CaseStatus::Open)
            .filter(|c| {
                intervals
                    .next_review(c.risk, c.last_reviewed)
                    .is_none_or(|d| d <= on)
            })
            .collect();
        due.sort_by(|a, b| b.risk.cmp(&a.risk).then(a.id.cmp(&b.id)));
        let overdue_actions = actions
            .iter()
            .filter(|a| is_overdue(a.status, a.due, on))
            .map(|a| a.id)
            .collect();
        Agenda {
            referrals,
            reviews: due.into_iter().map(|c| c.id).collect(),
            overdue_actions,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.referrals.is_empty() && self.reviews.is_empty() && self.overdue_actions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn case(id: i64, status: CaseStatus, risk: RiskLevel, last: &str) -> AgendaCase {
        AgendaCase {
            id: CaseId::from_stored(id),
            status,
            risk,
            last_reviewed: d(last),
        }
    }

    #[test]
    fn the_agenda_takes_referrals_then_reviews_by_risk_then_overdue_actions() {
        use CaseStatus::*;
        use RiskLevel::*;
        let cases = [
            case(1, Referred, Standard, "2024-05-01"),
            case(2, Open, Medium, "2024-03-01"),
            case(3, Open, High, "2024-04-20"),
            case(4, Open, High, "2024-05-20"),
            case(5, Closed, High, "2024-01-01"),
            case(6, Declined, High, "2024-01-01"),
        ];
        let actions = [
            AgendaAction {
                id: CaseActionId::from_stored(10),
                case: CaseId::from_stored(3),
                status: CaseActionStatus::Open,
                due: d("2024-05-31"),
            },
            AgendaAction {
                id: CaseActionId::from_stored(11),
                case: CaseId::from_stored(3),
                status: CaseActionStatus::Open,
                due: d("2024-06-01"),
            },
            AgendaAction {
                id: CaseActionId::from_stored(12),
                case: CaseId::from_stored(3),
                status: CaseActionStatus::Done,
                due: d("2024-01-01"),
            },
        ];
        let a = Agenda::build(
            d("2024-06-01"),
            &cases,
            &actions,
            &ReviewIntervals::default(),
        );
        let ids = |v: &[CaseId]| v.iter().map(|c| c.get()).collect::<Vec<_>>();
        assert_eq!(ids(&a.referrals), [1]);
        // Case 3 was reviewed 42 days before (due today); case 2, 92 days
        // before at medium (due after 84); case 4 only 12 days ago.
        assert_eq!(ids(&a.reviews), [3, 2]);
        assert_eq!(a.overdue_actions, [CaseActionId::from_stored(10)]);
    }

    proptest! {
        /// An open case is on the agenda exactly when its interval has run
        /// by the meeting day: not the day before.
        #[test]
        fn a_case_is_due_from_its_review_day(last in 0i64..30_000, gap in 0i64..400, risk in 0usize..3) {
            let risk = [RiskLevel::Standard, RiskLevel::Medium, RiskLevel::High][risk];
            let intervals = ReviewIntervals::default();
            let last = Date::UNIX_EPOCH.plus_days(last).unwrap();
            let on = last.plus_days(gap).unwrap();
            let c = AgendaCase { id: CaseId::from_stored(1), status: CaseStatus::Open, risk, last_reviewed: last };
            let a = Agenda::build(on, &[c], &[], &intervals);
            prop_assert_eq!(!a.reviews.is_empty(), gap >= i64::from(intervals.days[&risk]));
            prop_assert!(a.referrals.is_empty());
        }
    }
}
