//! What pages and the API compute from the data directory and the
//! database: a district's counts, the assessment, the performance review
//! and the police.uk import. The same steps as the CLI (`safer assess`,
//! `safer report`, `safer import police-uk`), calling the library crates
//! directly. File work runs on the blocking pool.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use safer_analysis::{
    Assessment, AssessmentRequest, Beats, DistrictCounts, ManualValues, PerformanceReview,
    ReviewInputs,
};
use safer_domain::{
    DEFAULT_UNDERSPEND_THRESHOLD, FinancialYear, FundReturn, MeasureSource, Month, Period, Plan,
    Quarter,
};
use safer_ingest::{FileReport, SkipReason, police_uk};
use safer_store::{DataDir, DbError, StoreError, StoredPartnership};
use serde::Serialize;

use crate::{AppState, WebError};

/// Runs file work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f).await?
}

/// Every district with records held, sorted.
pub(crate) fn districts_held(data_dir: &Path) -> Result<Vec<String>, WebError> {
    let dir = DataDir::open(data_dir)?;
    let entries = dir.crimes()?.entries()?;
    let set: BTreeSet<String> = entries.into_iter().flat_map(|e| e.districts).collect();
    Ok(set.into_iter().collect())
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
    let dir = DataDir::open(data_dir)?;
    let store = dir.crimes()?;
    let entries = store.entries()?;
    if entries.is_empty() {
        return Err(WebError::NotFound(
            "No police.uk data is held yet. An analyst can import some.".into(),
        ));
    }
    let Some(district) = entries
        .iter()
        .flat_map(|e| &e.districts)
        .find(|d| d.eq_ignore_ascii_case(district))
        .cloned()
    else {
        return Err(WebError::NotFound(format!(
            "No records are held for a district named {district:?}."
        )));
    };
    let partnership = dir.partnership_for_district(&district)?;
    let beats = partnership
        .as_ref()
        .map(|p| p.beats.clone())
        .unwrap_or_else(Beats::default);
    let mut counts = DistrictCounts::new(&district, &beats);
    for e in &entries {
        counts.note_file(&e.force, e.month, e.without_location);
    }
    let parts: Vec<Result<DistrictCounts, StoreError>> = entries
        .par_iter()
        .filter(|e| e.districts.contains(&district))
        .map(|e| {
            let table = store.read(e)?;
            let mut c = DistrictCounts::new(&district, &beats);
            c.add(&table, &beats);
            Ok(c)
        })
        .collect();
    for p in parts {
        counts.merge(p?);
    }
    Ok((counts, partnership))
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
    };
    Assessment::build(counts, &req).map_err(|e| WebError::BadRequest(e.to_string()))
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
            None => years_held(&counts)
                .first()
                .copied()
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
    let first = Quarter {
        year: plan.first_year,
        number: 1,
    };
    held.iter()
        .rev()
        .find(|q| q.year >= plan.first_year && q.year <= plan.last_year)
        .or(held.last())
        .copied()
        .unwrap_or(first)
}

/// Every quarter of a plan's years.
pub(crate) fn plan_quarters(plan: &Plan) -> Vec<Quarter> {
    let mut out = Vec::new();
    let mut q = Quarter {
        year: plan.first_year,
        number: 1,
    };
    while q.year <= plan.last_year && out.len() < 80 {
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
    let fund = match app.db.fund(&plan.partnership, quarter.year).await {
        Ok(f) => Some(FundReturn::build(
            &f,
            quarter.number,
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

/// What an import did, for the page and the audit log.
#[derive(Debug, Serialize)]
pub(crate) struct ImportReport {
    pub files: usize,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub rows_skipped: u64,
    pub months: Vec<MonthReport>,
    pub replaced: Vec<String>,
    /// For each force held, the months missing between its first and last.
    pub missing_months: BTreeMap<String, Vec<Month>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct MonthReport {
    pub force: String,
    pub month: Month,
    pub file: String,
    pub rows_read: u64,
    pub rows_kept: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    pub without_location: u64,
}

/// Why an import did not happen.
#[derive(Debug)]
pub(crate) enum ImportError {
    /// The files were refused; the message is for the person importing.
    Rejected(String),
    Internal(WebError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> ImportError {
        match e {
            StoreError::Locked { .. } => ImportError::Rejected(
                "Another import is running. Wait for it to finish and try again.".into(),
            ),
            other => ImportError::Internal(other.into()),
        }
    }
}

impl From<safer_ingest::IngestError> for ImportError {
    fn from(e: safer_ingest::IngestError) -> ImportError {
        ImportError::Rejected(e.to_string())
    }
}

/// Imports uploaded police.uk files all or nothing, as `safer import
/// police-uk` does. `files` are (the name as uploaded, where it was saved);
/// errors and the manifest name the upload, never the temporary file.
pub(crate) fn import_police_uk(
    data_dir: &Path,
    files: &[(String, PathBuf)],
) -> Result<ImportReport, ImportError> {
    let named: Vec<PathBuf> = files
        .iter()
        .map(|(n, _)| Path::new("upload").join(n))
        .collect();
    police_uk::check_file_names(&named)?;
    let dir = DataDir::open(data_dir)?;
    let store = dir.crimes()?;
    let staging = store.begin()?;
    // One chunk per force, parsed and written in parallel; nothing is
    // visible until the commit, and dropping `staging` removes its files.
    let mut by_force: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in named.iter().enumerate() {
        let force = police_uk::parse_file_name(n)
            .map(|(f, _)| f)
            .unwrap_or_default();
        by_force.entry(force).or_default().push(i);
    }
    let chunks: Vec<Vec<usize>> = by_force.into_values().collect();
    let results: Vec<Result<Vec<(safer_store::Staged, FileReport)>, ImportError>> = chunks
        .par_iter()
        .map(|chunk| {
            let mut parsed = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let bytes = std::fs::read(&files[i].1).map_err(|e| {
                    ImportError::Internal(WebError::Internal(format!("reading an upload: {e}")))
                })?;
                let (table, report) = police_uk::parse(&named[i], &bytes)?;
                parsed.push((table, report, &named[i]));
            }
            let refs: Vec<(&safer_analysis::MonthlyCrimes, &Path)> =
                parsed.iter().map(|(t, _, p)| (t, p.as_path())).collect();
            let staged = staging.write_many(&refs)?;
            Ok(staged
                .into_iter()
                .zip(parsed.into_iter().map(|(_, r, _)| r))
                .collect())
        })
        .collect();
    let mut staged = Vec::new();
    let mut reports = Vec::new();
    for r in results {
        for (s, rep) in r? {
            staged.push(s);
            reports.push(rep);
        }
    }
    let summary = staging.commit(staged)?;
    let entries = store.entries()?;
    let forces: BTreeSet<&str> = reports.iter().map(|r| r.force.as_str()).collect();
    let mut missing_months = BTreeMap::new();
    for force in forces {
        let months: Vec<Month> = entries
            .iter()
            .filter(|e| e.force == force)
            .map(|e| e.month)
            .collect();
        let missing = match (months.first(), months.last()) {
            (Some(a), Some(b)) => (a.ordinal()..=b.ordinal())
                .map(Month::from_ordinal)
                .filter(|m| !months.contains(m))
                .collect(),
            _ => vec![],
        };
        missing_months.insert(force.to_owned(), missing);
    }
    let months: Vec<MonthReport> = reports
        .into_iter()
        .map(|r| MonthReport {
            force: r.force,
            month: r.month.unwrap_or_else(|| Month::from_ordinal(0)),
            file: r
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            rows_read: r.rows_read,
            rows_kept: r.rows_kept,
            skipped: r.skipped,
            without_location: r.without_location,
        })
        .collect();
    Ok(ImportReport {
        files: months.len(),
        rows_read: months.iter().map(|m| m.rows_read).sum(),
        rows_kept: months.iter().map(|m| m.rows_kept).sum(),
        rows_skipped: months.iter().map(|m| m.skipped.values().sum::<u64>()).sum(),
        replaced: summary
            .replaced
            .iter()
            .map(|(f, m)| format!("{f} {m}"))
            .collect(),
        months,
        missing_months,
    })
}

/// Today's date (UTC).
pub(crate) fn today() -> safer_domain::Date {
    let days = safer_store::db::unix_now().div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    safer_domain::Date {
        year: y as u16,
        month: m as u8,
        day: d as u8,
    }
}

/// The current time, RFC 3339 UTC.
pub(crate) fn now_utc() -> String {
    let secs = safer_store::db::unix_now();
    let d = today();
    let rem = secs.rem_euclid(86_400);
    format!(
        "{d}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_real_date() {
        let d = today();
        assert!(d.year >= 2024);
        assert!(d.to_string().parse::<safer_domain::Date>().is_ok());
        assert!(now_utc().ends_with('Z'));
    }
}
