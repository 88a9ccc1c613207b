//! The plan measures counted from case records (`source = "case_records"`):
//! each `record` name bound to the records it counts
//! (`safer_domain::casework::records`), by month, over the months Safer
//! holds case records for. Counts only: no person or case leaves here, so
//! the figures are published like any other measure's.

use std::collections::BTreeMap;

use safer_domain::casework::records::{CaseRecord, CaseRecordCounts};
use safer_domain::{Date, MeasureSource, Month, Plan};
use safer_store::db::CountedDays;

use crate::{App, AppError};

impl App {
    /// The months case records are held for: from the settings'
    /// `records_from`, or the month of the earliest record, to the last
    /// whole month before today (a month still running is not counted as
    /// if it were whole).
    pub(crate) async fn case_records_held(&self) -> Result<Option<(Month, Month)>, AppError> {
        let first = match self.casework.records_from {
            Some(m) => Some(m),
            None => self
                .db
                .earliest_case_record()
                .await?
                .and_then(Month::of_date),
        };
        let today = self.today();
        let last = Month::of_date(today).map(|m| m.plus(-1));
        Ok(match (first, last) {
            (Some(f), Some(l)) if f <= l => Some((f, l)),
            _ => None,
        })
    }

    /// The days one kind of record puts in months.
    async fn record_days(&self, record: &CaseRecord) -> Result<Vec<Date>, AppError> {
        let today = self.today();
        Ok(match record {
            CaseRecord::ForumReferrals { forum } => {
                self.db
                    .case_record_days(CountedDays::ForumReferrals(forum))
                    .await?
            }
            CaseRecord::Referrals { referral } => {
                self.db
                    .case_record_days(CountedDays::Referrals(*referral))
                    .await?
            }
            CaseRecord::YouthAsbInterventions => {
                self.db
                    .case_record_days(CountedDays::YouthInterventions)
                    .await?
            }
            CaseRecord::AsbInterventions => {
                self.db
                    .case_record_days(CountedDays::LegalInterventions)
                    .await?
            }
            CaseRecord::AsbInterventionBreaches => {
                self.db.case_record_days(CountedDays::LegalBreaches).await?
            }
            CaseRecord::YouthAsbPmps => {
                self.db
                    .case_record_days(CountedDays::ManagementPlans)
                    .await?
            }
            CaseRecord::DiversionaryEngagement => {
                self.db
                    .case_record_days(CountedDays::Diversions {
                        sessions: self.casework.engagement.sessions,
                    })
                    .await?
            }
            CaseRecord::CommunityTriggers => {
                self.db.case_record_days(CountedDays::YouthTriggers).await?
            }
            CaseRecord::Abcs => {
                // Completed without breach, by the day completed: the end
                // of its term (DOMAIN.md 3.6).
                let terms = self.casework.abc;
                self.db
                    .all_abcs()
                    .await?
                    .into_iter()
                    .filter_map(|(signed, ended_early, breaches)| {
                        let outcome = terms.outcome(signed, &breaches, ended_early, today)?;
                        (outcome
                            == safer_domain::casework::escalation::AbcOutcome::CompletedWithoutBreach)
                            .then(|| terms.ends_on(signed))
                            .flatten()
                    })
                    .collect()
            }
        })
    }

    /// The counts of every case-record measure of a plan, by its `record`
    /// name; a name Safer does not count is left out (the measure says so).
    pub(crate) async fn case_record_counts(
        &self,
        plan: &Plan,
    ) -> Result<BTreeMap<String, CaseRecordCounts>, AppError> {
        let held = self.case_records_held().await?;
        let mut out = BTreeMap::new();
        for (_, m) in plan.measures() {
            let MeasureSource::CaseRecords { record } = &m.source else {
                continue;
            };
            if out.contains_key(record) {
                continue;
            }
            let Some(kind) = CaseRecord::parse(record, &self.casework.forums) else {
                continue;
            };
            let days = self.record_days(&kind).await?;
            out.insert(record.clone(), CaseRecordCounts::from_days(held, days));
        }
        Ok(out)
    }
}
