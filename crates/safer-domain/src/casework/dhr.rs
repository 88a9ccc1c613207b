//! Domestic Homicide Reviews, now Domestic Abuse Related Death Reviews
//! (Domestic Violence, Crime and Victims Act 2004 s9; DOMAIN.md 3.2): the
//! stages a review passes through and its clocks [K]. The partnership
//! decides whether to hold a review within one month of the death coming to
//! its attention and tells the Home Office either way; the review with its
//! overview report is due six months after the decision to proceed (time
//! adjourned for criminal proceedings added); the Home Office Quality
//! Assurance Panel approves the report before it is published, pseudonymised;
//! it stays online for a set time and is then withdrawn.

use serde::{Deserialize, Serialize};

use super::clock::{ClockState, MonthLimit, state};
use crate::Date;

/// A review's timescales [K], from the 2016 statutory guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DhrTimescales {
    /// From notification to the decision (and the Home Office told).
    pub decision: MonthLimit,
    /// From the decision to proceed to the overview report.
    pub completion: MonthLimit,
    /// From publication to withdrawal (Preston: 12 months, then on request).
    pub published_for: MonthLimit,
}

impl Default for DhrTimescales {
    fn default() -> DhrTimescales {
        DhrTimescales {
            decision: MonthLimit { months: 1 },
            completion: MonthLimit { months: 6 },
            published_for: MonthLimit { months: 12 },
        }
    }
}

/// Whether a review is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DhrDecision {
    Review,
    NoReview,
}

/// Where a review stands, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DhrStage {
    /// The police have told the partnership of the death.
    Notified,
    /// Decided not to review, and the Home Office told.
    NotReviewed,
    /// Decided to review: panel, chronologies and IMRs.
    UnderReview,
    /// The overview report, executive summary and action plan sent to the
    /// Home Office Quality Assurance Panel.
    WithQualityAssurance,
    /// Approved by the panel: may be published.
    Approved,
    Published,
    /// Withdrawn from publication; the learning action plan may run on.
    Withdrawn,
}

impl DhrStage {
    pub fn label(self) -> &'static str {
        match self {
            DhrStage::Notified => "Notified: decision to make",
            DhrStage::NotReviewed => "Not reviewed",
            DhrStage::UnderReview => "Under review",
            DhrStage::WithQualityAssurance => "With Home Office quality assurance",
            DhrStage::Approved => "Approved for publication",
            DhrStage::Published => "Published",
            DhrStage::Withdrawn => "Withdrawn from publication",
        }
    }
}

/// The days a review is recorded at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DhrDays {
    pub notified_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub decision: Option<DhrDecision>,
    pub home_office_informed_on: Option<Date>,
    /// Days adjourned (for criminal proceedings): added to the completion
    /// clock.
    pub adjourned_days: u32,
    pub submitted_on: Option<Date>,
    pub approved_on: Option<Date>,
    pub published_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
}

/// Why a step of a review cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum DhrProblem {
    /// The person was under 16: a review is of a death of someone aged 16
    /// or over (s9(1)).
    Under16,
    /// A stage needs the one before it.
    OutOfOrder { needs: DhrStage },
    /// The report must be approved by the quality assurance panel before
    /// it is published.
    NotApproved,
    /// A day before the stage it follows.
    BeforePrevious { previous: Date },
}

impl DhrDays {
    /// Where the review stands.
    pub fn stage(&self) -> DhrStage {
        match self {
            DhrDays {
                withdrawn_on: Some(_),
                ..
            } => DhrStage::Withdrawn,
            DhrDays {
                published_on: Some(_),
                ..
            } => DhrStage::Published,
            DhrDays {
                approved_on: Some(_),
                ..
            } => DhrStage::Approved,
            DhrDays {
                submitted_on: Some(_),
                ..
            } => DhrStage::WithQualityAssurance,
            DhrDays {
                decision: Some(DhrDecision::NoReview),
                ..
            } => DhrStage::NotReviewed,
            DhrDays {
                decision: Some(DhrDecision::Review),
                ..
            } => DhrStage::UnderReview,
            _ => DhrStage::Notified,
        }
    }

    /// What stops the next stage `to`, recorded on `on`.
    pub fn check(&self, to: DhrStage, on: Date) -> Vec<DhrProblem> {
        let mut out = Vec::new();
        let needs = match to {
            DhrStage::Notified => None,
            DhrStage::NotReviewed | DhrStage::UnderReview => {
                Some((DhrStage::Notified, self.notified_on))
            }
            DhrStage::WithQualityAssurance => Some((
                DhrStage::UnderReview,
                self.decided_on
                    .filter(|_| self.decision == Some(DhrDecision::Review)),
            )),
            DhrStage::Approved => Some((DhrStage::WithQualityAssurance, self.submitted_on)),
            DhrStage::Published => Some((DhrStage::Approved, self.approved_on)),
            DhrStage::Withdrawn => Some((DhrStage::Published, self.published_on)),
        };
        if let Some((stage, day)) = needs {
            match day {
                None if to == DhrStage::Published => out.push(DhrProblem::NotApproved),
                None => out.push(DhrProblem::OutOfOrder { needs: stage }),
                Some(d) if on < d => out.push(DhrProblem::BeforePrevious { previous: d }),
                Some(_) => {}
            }
        }
        if matches!(to, DhrStage::NotReviewed | DhrStage::UnderReview) && self.decision.is_some() {
            out.push(DhrProblem::OutOfOrder {
                needs: DhrStage::Notified,
            });
        }
        out
    }

    /// The clocks of the review, each with what it is for.
    pub fn clocks(&self, t: &DhrTimescales, today: Date) -> Vec<(&'static str, ClockState)> {
        let mut out = Vec::new();
        if let Some(n) = self.notified_on
            && let Some(due) = t.decision.due(n)
        {
            out.push((
                "Decide whether to hold a review",
                state(due, self.decided_on, today),
            ));
            out.push((
                "Tell the Home Office of the decision",
                state(due, self.home_office_informed_on, today),
            ));
        }
        if self.decision == Some(DhrDecision::Review)
            && let Some(d) = self.decided_on
            && let Some(due) = t
                .completion
                .due(d)
                .and_then(|due| due.plus_days(i64::from(self.adjourned_days)))
        {
            out.push((
                "Complete the review and send the overview report for quality assurance",
                state(due, self.submitted_on, today),
            ));
        }
        if let Some(p) = self.published_on
            && let Some(due) = t.published_for.due(p)
        {
            out.push((
                "Withdraw the published report",
                state(due, self.withdrawn_on, today),
            ));
        }
        out
    }
}

/// Whether a death is one a review may be held of: the person was 16 or
/// over (s9(1)). An unknown age is for the panel to establish.
pub fn check_age(age: Option<u8>) -> Vec<DhrProblem> {
    match age {
        Some(a) if a < 16 => vec![DhrProblem::Under16],
        _ => vec![],
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
    fn the_decision_is_due_a_month_after_notification_and_the_report_six_after_it() {
        let t = DhrTimescales::default();
        let mut days = DhrDays {
            notified_on: Some(d("2024-01-31")),
            ..DhrDays::default()
        };
        let c = days.clocks(&t, d("2024-03-01"));
        assert_eq!(
            c[0].1,
            ClockState::Overdue {
                due: d("2024-02-29"),
                days_late: 1
            }
        );
        days.decided_on = Some(d("2024-02-20"));
        days.decision = Some(DhrDecision::Review);
        days.home_office_informed_on = Some(d("2024-02-21"));
        days.adjourned_days = 30;
        let c = days.clocks(&t, d("2024-03-01"));
        assert!(matches!(c[0].1, ClockState::Met { late_by: 0, .. }));
        assert_eq!(c[2].1.due(), d("2024-09-19"));
        assert_eq!(days.stage(), DhrStage::UnderReview);
    }

    #[test]
    fn a_report_is_published_only_after_quality_assurance() {
        let mut days = DhrDays {
            notified_on: Some(d("2024-01-01")),
            decided_on: Some(d("2024-01-20")),
            decision: Some(DhrDecision::Review),
            ..DhrDays::default()
        };
        assert_eq!(
            days.check(DhrStage::Published, d("2024-08-01")),
            [DhrProblem::NotApproved]
        );
        assert!(
            days.check(DhrStage::WithQualityAssurance, d("2024-07-01"))
                .is_empty()
        );
        days.submitted_on = Some(d("2024-07-01"));
        assert_eq!(
            days.check(DhrStage::Approved, d("2024-06-01")),
            [DhrProblem::BeforePrevious {
                previous: d("2024-07-01")
            }]
        );
        days.approved_on = Some(d("2024-09-01"));
        assert!(days.check(DhrStage::Published, d("2024-10-01")).is_empty());
        days.published_on = Some(d("2024-10-01"));
        let c = days.clocks(&DhrTimescales::default(), d("2025-10-02"));
        assert_eq!(
            c.last().unwrap().1,
            ClockState::Overdue {
                due: d("2025-10-01"),
                days_late: 1
            }
        );
        assert_eq!(check_age(Some(15)), [DhrProblem::Under16]);
        assert!(check_age(Some(16)).is_empty() && check_age(None).is_empty());
    }

    proptest! {
        /// Stages only move forward: each check that passes leaves a later
        /// stage.
        #[test]
        fn stages_move_forward(gaps in proptest::collection::vec(0i64..200, 5)) {
            let mut day = d("2024-01-01");
            let mut days = DhrDays { notified_on: Some(day), ..DhrDays::default() };
            let mut last = days.stage();
            for (to, gap) in [DhrStage::UnderReview, DhrStage::WithQualityAssurance, DhrStage::Approved, DhrStage::Published, DhrStage::Withdrawn].into_iter().zip(gaps) {
                day = day.plus_days(gap).unwrap();
                prop_assert!(days.check(to, day).is_empty());
                match to {
                    DhrStage::UnderReview => { days.decision = Some(DhrDecision::Review); days.decided_on = Some(day); }
                    DhrStage::WithQualityAssurance => days.submitted_on = Some(day),
                    DhrStage::Approved => days.approved_on = Some(day),
                    DhrStage::Published => days.published_on = Some(day),
                    _ => days.withdrawn_on = Some(day),
                }
                prop_assert!(days.stage() > last);
                last = days.stage();
            }
        }
    }
}
