//! The performance review of a plan at a quarter: every measure evaluated
//! from the police.uk counts and the values entered, with the actions and
//! the fund. One set of steps for the reports, the pages and the API.

use std::collections::BTreeSet;
use std::sync::Arc;

use safer_analysis::{DistrictCounts, ManualValues, PerformanceReview, ReviewInputs};
use safer_domain::{
    DEFAULT_UNDERSPEND_THRESHOLD, FundReturn, MeasureSource, Period, Plan, Quarter,
};
use safer_store::{DbError, StoredPartnership};

use crate::assess::require_reader;
use crate::cache::DataKey;
use crate::{Actor, App, AppError};

/// A plan's review at a quarter, with what is shown beside it.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub plan: Plan,
    pub review: PerformanceReview,
    pub fund: Option<FundReturn>,
    pub partnership: Option<StoredPartnership>,
    /// Why police.uk measures cannot be computed, when they cannot.
    pub note: Option<String>,
}

impl App {
    /// The review of a plan at `quarter` (default: the latest complete
    /// quarter held within the plan's years).
    ///
    /// Kept while the data directory and the database are unchanged: a
    /// review asked for again costs the data version and one read of the
    /// newest audit entry's id (see [`crate::cache`]).
    pub async fn review(
        &self,
        actor: &Actor,
        plan_id: &str,
        quarter: Option<Quarter>,
    ) -> Result<Arc<Reviewed>, AppError> {
        require_reader(actor)?;
        // A few `stat` calls, no file read: not worth a blocking task.
        let version = self.data_key()?;
        let key = match &version {
            Some(v) => Some((
                plan_id.to_owned(),
                quarter,
                v.clone(),
                self.db.audit_head().await?,
            )),
            None => None,
        };
        self.caches
            .reviews
            .get_async(key, self.build_review(plan_id, quarter, version))
            .await
    }

    /// The review of a plan, from the database and the data as of `version`.
    async fn build_review(
        &self,
        plan_id: &str,
        quarter: Option<Quarter>,
        version: Option<DataKey>,
    ) -> Result<Reviewed, AppError> {
        let plan = self.db.plan(plan_id).await?;
        let app = self.clone();
        let partnership_id = plan.partnership.clone();
        let (partnership, counts, note) = tokio::task::spawn_blocking(move || {
            let partnership = app
                .partnerships()?
                .into_iter()
                .find(|p| p.partnership.id == partnership_id);
            let (counts, note) = match &partnership {
                Some(p) => match app.counts_at(&p.partnership.district, version.as_ref()) {
                    Ok(c) => (Some(c), None),
                    Err(AppError::NotFound(m)) => (None, Some(m)),
                    Err(e) => return Err(e),
                },
                None => (
                    None,
                    Some(format!(
                        "The partnership {partnership_id:?} has not been imported, so police.uk measures show no data."
                    )),
                ),
            };
            Ok::<_, AppError>((partnership, counts, note))
        })
        .await??;
        let counts = counts.as_ref().map(|c| &c.0);
        let quarter = quarter.unwrap_or_else(|| default_quarter(&plan, counts));
        let mut manual = ManualValues::new();
        for (_, m) in plan.measures() {
            if matches!(m.source, MeasureSource::Manual) {
                let values = self.db.values(&plan.id, &m.id).await?;
                manual.insert(
                    m.id.clone(),
                    values.into_iter().map(|v| (v.quarter, v.value)).collect(),
                );
            }
        }
        let actions = self.db.actions(&plan.id).await?;
        let groups = partnership
            .as_ref()
            .map(|p| p.partnership.groups.clone())
            .unwrap_or_default();
        let case_records = self.case_record_counts(&plan).await?;
        let mut review = PerformanceReview::build(
            &plan,
            quarter,
            &ReviewInputs {
                counts,
                groups: &groups,
                manual: &manual,
                actions: &actions,
                case_records: &case_records,
            },
        );
        // The commentary written for this quarter, under each measure.
        let commentary = self.db.commentaries(&plan.id, None, Some(quarter)).await?;
        for p in &mut review.priorities {
            for m in &mut p.measures {
                m.commentary = commentary
                    .iter()
                    .find(|c| c.measure_id == m.id)
                    .map(|c| c.text.clone());
            }
        }
        let fund = match self.db.fund(&plan.partnership, quarter.year()).await {
            Ok(f) => Some(FundReturn::build(
                &f,
                quarter.number(),
                DEFAULT_UNDERSPEND_THRESHOLD,
            )),
            Err(DbError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Reviewed {
            plan,
            review,
            fund,
            partnership,
            note,
        })
    }
}

/// Quarters whose three months are all held.
fn complete_quarters(counts: &DistrictCounts) -> Vec<Quarter> {
    let held = counts.months_held();
    let mut quarters: BTreeSet<Quarter> = BTreeSet::new();
    for m in &held {
        let q = Quarter::of(*m);
        let p = Period {
            first: q.first_month(),
            last: q.last_month(),
        };
        if p.months().all(|x| held.contains(&x)) {
            quarters.insert(q);
        }
    }
    quarters.into_iter().collect()
}

/// The quarter to show by default: the latest complete quarter held within
/// the plan's years, else the latest held, else the plan's first.
pub fn default_quarter(plan: &Plan, counts: Option<&DistrictCounts>) -> Quarter {
    let held = counts.map(complete_quarters).unwrap_or_default();
    let first = Quarter::first_of(plan.first_year);
    held.iter()
        .rev()
        .find(|q| q.year() >= plan.first_year && q.year() <= plan.last_year)
        .or(held.last())
        .copied()
        .unwrap_or(first)
}

/// The quarters a measure's values may be entered for, oldest first (see
/// [`Plan::value_years`]).
pub fn value_quarters(plan: &Plan, m: &safer_domain::Measure) -> Vec<Quarter> {
    let (first, last) = plan.value_years(m);
    let mut out = Vec::new();
    let mut q = Quarter::first_of(first);
    while q.year() <= last && out.len() < 80 {
        out.push(q);
        q = q.next();
    }
    out
}

/// Every quarter of a plan's years.
pub fn plan_quarters(plan: &Plan) -> Vec<Quarter> {
    let mut out = Vec::new();
    let mut q = Quarter::first_of(plan.first_year);
    while q.year() <= plan.last_year && out.len() < 80 {
        out.push(q);
        q = q.next();
    }
    out
}
