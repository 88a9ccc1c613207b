//! What pages and the API compute from the data directory and the
//! database: a district's counts, the assessment, the performance review
//! and the police.uk import. The same steps as the CLI (`safer assess`,
//! `safer report`, `safer import police-uk`), calling the library crates
//! directly. File work runs on the blocking pool.

use std::collections::BTreeSet;
use std::path::Path;

use safer_analysis::{
    Assessment, AssessmentRequest, DistrictCounts, ManualValues, PerformanceReview, ReviewInputs,
};
use safer_domain::{
    DEFAULT_UNDERSPEND_THRESHOLD, FinancialYear, FundReturn, MeasureSource, Month, Period, Plan,
    Quarter,
};
use safer_store::{DataDir, DbError, StoreError, StoredPartnership};

use crate::{AppState, WebError};

/// Runs file work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f).await?
}

/// Every district with some month held, sorted: not those whose records
/// come only from other forces' files.
pub(crate) fn districts_held(data_dir: &Path) -> Result<Vec<String>, WebError> {
    let dir = DataDir::open(data_dir)?;
    Ok(dir.districts_held()?.into_iter().map(|(d, _)| d).collect())
}

/// The district to show first: the imported partnership's, else the first held.
pub(crate) fn default_district(data_dir: &Path) -> Result<Option<String>, WebError> {
    let dir = DataDir::open(data_dir)?;
    if let Some(p) = dir.partnerships()?.into_iter().next() {
        return Ok(Some(p.partnership.district));
    }
    Ok(districts_held(data_dir)?.into_iter().next())
}

pub(crate) fn partnerships(data_dir: &Path) -> Result<Vec<StoredPartnership>, WebError> {
    Ok(DataDir::open(data_dir)?.partnerships()?)
}

/// A district's counts from the data held, with the partnership covering it.
/// The district is matched without regard to case.
pub(crate) fn district_counts(
    data_dir: &Path,
    district: &str,
) -> Result<(DistrictCounts, Option<StoredPartnership>), WebError> {
    match DataDir::open(data_dir)?.district_counts(district) {
        Err(StoreError::NoData) => Err(WebError::NotFound(
            "No police.uk data is held yet. An analyst can import some.".into(),
        )),
        Err(StoreError::UnknownDistrict { name, .. }) => Err(WebError::NotFound(format!(
            "No records are held for a district named {name:?}."
        ))),
        other => Ok(other?),
    }
}

/// The financial years with any month held, newest first.
pub(crate) fn years_held(counts: &DistrictCounts) -> Vec<FinancialYear> {
    let set: BTreeSet<FinancialYear> = counts
        .months_held()
        .into_iter()
        .map(Month::financial_year)
        .collect();
    set.into_iter().rev().collect()
}

/// The year the explorer opens on: the latest with all twelve months held,
/// else the latest with any.
pub(crate) fn default_year(counts: &DistrictCounts) -> Option<FinancialYear> {
    let held = counts.months_held();
    let years = years_held(counts);
    years
        .iter()
        .copied()
        .find(|y| y.period().months().all(|m| held.contains(&m)))
        .or_else(|| years.first().copied())
}

/// The assessment of a district's counts.
pub(crate) fn assessment(
    counts: &DistrictCounts,
    partnership: Option<&StoredPartnership>,
    year: FinancialYear,
    as_at: Option<Month>,
) -> Result<Assessment, WebError> {
    let p = partnership.map(|p| &p.partnership);
    let req = AssessmentRequest {
        district: counts.district.clone(),
        year,
        as_at,
        groups: p.map(|p| p.groups.clone()).unwrap_or_default(),
        population: p.and_then(|p| p.population.clone()),
        areas: p.map(safer_analysis::Areas::of).unwrap_or_default(),
    };
    Assessment::build(counts, &req).map_err(|e| match e {
        safer_analysis::AssessError::NothingHeld { .. } => {
            let mut m = e.to_string();
            if let Some(first) = m.get(..1) {
                m = first.to_uppercase() + &m[1..];
            }
            WebError::NotFound(m)
        }
        other => WebError::BadRequest(other.to_string()),
    })
}

/// Parameters of an assessment as given in a query string; empty means
/// the default.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub(crate) struct AssessmentQuery {
    pub district: Option<String>,
    pub year: Option<String>,
    pub as_at: Option<String>,
    pub category: Option<String>,
    pub beat: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// An assessment with what was needed to build it.
pub(crate) struct Assessed {
    pub assessment: Assessment,
    pub counts: DistrictCounts,
    pub partnership: Option<StoredPartnership>,
    pub districts: Vec<String>,
}

/// Builds the assessment a query asks for: the district defaults to the
/// imported partnership's, the year to the latest with data.
pub(crate) async fn assess(app: &AppState, q: &AssessmentQuery) -> Result<Assessed, WebError> {
    let year = non_empty(&q.year)
        .map(|y| {
            y.parse::<FinancialYear>().map_err(|_| {
                WebError::BadRequest(format!(
                    "The year must be a financial year such as 2023/24, not {y:?}."
                ))
            })
        })
        .transpose()?;
    let as_at = non_empty(&q.as_at)
        .map(|m| {
            m.parse::<Month>().map_err(|_| {
                WebError::BadRequest(format!(
                    "The month must be written YYYY-MM, such as 2023-09, not {m:?}."
                ))
            })
        })
        .transpose()?;
    let district = non_empty(&q.district).map(str::to_owned);
    let data_dir = app.config.data_dir.clone();
    blocking(move || {
        let district = match district {
            Some(d) => d,
            None => default_district(&data_dir)?.ok_or_else(|| {
                WebError::NotFound(
                    "No police.uk data is held yet. An analyst can import some.".into(),
                )
            })?,
        };
        let districts = districts_held(&data_dir)?;
        let (counts, partnership) = district_counts(&data_dir, &district)?;
        let year = match year {
            Some(y) => y,
            None => default_year(&counts)
                .ok_or_else(|| WebError::NotFound(format!("No months are held for {district}.")))?,
        };
        let assessment = assessment(&counts, partnership.as_ref(), year, as_at)?;
        Ok(Assessed {
            assessment,
            counts,
            partnership,
            districts,
        })
    })
    .await
}

/// A plan's review at a quarter, with what pages show beside it.
pub(crate) struct Reviewed {
    pub plan: Plan,
    pub review: PerformanceReview,
    pub fund: Option<FundReturn>,
    pub partnership: Option<StoredPartnership>,
    /// A note when police.uk measures cannot be computed.
    pub note: Option<String>,
}

/// Quarters up to `last` whose three months are all held.
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
pub(crate) fn default_quarter(plan: &Plan, counts: Option<&DistrictCounts>) -> Quarter {
    let held = counts.map(complete_quarters).unwrap_or_default();
    let first = Quarter::first_of(plan.first_year);
    held.iter()
        .rev()
        .find(|q| q.year() >= plan.first_year && q.year() <= plan.last_year)
        .or(held.last())
        .copied()
        .unwrap_or(first)
}

/// Every quarter of a plan's years.
pub(crate) fn plan_quarters(plan: &Plan) -> Vec<Quarter> {
    let mut out = Vec::new();
    let mut q = Quarter::first_of(plan.first_year);
    while q.year() <= plan.last_year && out.len() < 80 {
        out.push(q);
        q = q.next();
    }
    out
}

pub(crate) fn parse_quarter(q: Option<&str>) -> Result<Option<Quarter>, WebError> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(WebError::BadRequest),
    }
}

/// Builds the review of a plan at a quarter (default: [`default_quarter`]).
pub(crate) async fn review(
    app: &AppState,
    plan_id: &str,
    quarter: Option<Quarter>,
) -> Result<Reviewed, WebError> {
    let plan = app.db.plan(plan_id).await?;
    let data_dir = app.config.data_dir.clone();
    let partnership_id = plan.partnership.clone();
    let (partnership, counts, note) = blocking(move || {
        let partnership = partnerships(&data_dir)?
            .into_iter()
            .find(|p| p.partnership.id == partnership_id);
        let (counts, note) = match &partnership {
            Some(p) => match district_counts(&data_dir, &p.partnership.district) {
                Ok((c, _)) => (Some(c), None),
                Err(WebError::NotFound(m)) => (None, Some(m)),
                Err(e) => return Err(e),
            },
            None => (
                None,
                Some(format!(
                    "The partnership {partnership_id:?} has not been imported, so police.uk measures show no data."
                )),
            ),
        };
        Ok((partnership, counts, note))
    })
    .await?;
    let quarter = quarter.unwrap_or_else(|| default_quarter(&plan, counts.as_ref()));
    let mut manual = ManualValues::new();
    for (_, m) in plan.measures() {
        if matches!(m.source, MeasureSource::Manual) {
            let values = app.db.values(&plan.id, &m.id).await?;
            manual.insert(
                m.id.clone(),
                values.into_iter().map(|v| (v.quarter, v.value)).collect(),
            );
        }
    }
    let actions = app.db.actions(&plan.id).await?;
    let groups = partnership
        .as_ref()
        .map(|p| p.partnership.groups.clone())
        .unwrap_or_default();
    let review = PerformanceReview::build(
        &plan,
        quarter,
        &ReviewInputs {
            counts: counts.as_ref(),
            groups: &groups,
            manual: &manual,
            actions: &actions,
        },
    );
    let fund = match app.db.fund(&plan.partnership, quarter.year()).await {
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

/// The plan an action belongs to.
pub(crate) async fn plan_of_action(
    app: &AppState,
    action_id: i64,
) -> Result<(Plan, safer_domain::Action), WebError> {
    for (id, _, _) in app.db.plans().await? {
        if let Some(a) = app
            .db
            .actions(&id)
            .await?
            .into_iter()
            .find(|a| a.id == action_id)
        {
            return Ok((app.db.plan(&id).await?, a));
        }
    }
    Err(WebError::NotFound(format!(
        "There is no action {action_id}."
    )))
}

/// Today's date (UTC).
pub(crate) fn today() -> safer_domain::Date {
    // The RFC 3339 timestamp starts with the date, always well formed.
    safer_store::db::now()[..10]
        .parse()
        .unwrap_or(safer_domain::Date::UNIX_EPOCH)
}

/// The current time, RFC 3339 UTC.
pub(crate) fn now_utc() -> String {
    safer_store::db::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_real_date() {
        let d = today();
        assert!(d.year() >= 2024);
        assert!(d.to_string().parse::<safer_domain::Date>().is_ok());
        assert!(now_utc().ends_with('Z'));
    }
}

#[cfg(test)]
mod default_year_tests {
    use super::*;

    /// The explorer opens on the latest year with all twelve months held,
    /// not on a later part-year.
    #[test]
    fn the_default_year_is_the_latest_whole_year() {
        let mut c = DistrictCounts::new("Charnwood", &safer_analysis::Beats::default());
        let first: Month = "2022-06".parse().unwrap();
        for k in 0..25 {
            let m = first.plus(k);
            c.note_file("leicestershire", m, 0);
            c.force_month_records
                .insert(("leicestershire".into(), m), 10);
        }
        // 2022/23 lacks April and May; 2024/25 holds April to June.
        assert_eq!(default_year(&c), Some(FinancialYear::starting(2023)));
        c.force_month_records
            .remove(&("leicestershire".into(), "2023-12".parse().unwrap()));
        // No whole year: the latest with any month.
        assert_eq!(default_year(&c), Some(FinancialYear::starting(2024)));
    }
}
