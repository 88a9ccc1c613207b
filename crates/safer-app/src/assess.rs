//! The strategic assessment: a district's counts from the data held, the
//! assessment of a year, the districts and years held, and its tables as
//! CSV.

use std::collections::BTreeSet;
use std::sync::Arc;

use safer_analysis::{Areas, Assessment, AssessmentRequest, DistrictCounts};
use safer_domain::{FinancialYear, Month};
use safer_store::{DataDir, ManifestEntry, StoredPartnership};

use crate::cache::{Counts, DataKey};
use crate::{Actor, App, AppError};

/// What an assessment is asked for; `None` means the default.
#[derive(Debug, Clone, Default)]
pub struct AssessmentQuery {
    pub district: Option<String>,
    pub year: Option<FinancialYear>,
    pub as_at: Option<Month>,
}

/// An assessment with what was needed to build it.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub assessment: Assessment,
    pub counts: DistrictCounts,
    pub partnership: Option<StoredPartnership>,
    /// Every district with a month held, for choosing another.
    pub districts: Vec<String>,
}

impl App {
    pub(crate) fn dir(&self) -> Result<DataDir, AppError> {
        Ok(DataDir::open(self.data_dir())?)
    }

    /// A district's counts from the data held, with the partnership
    /// covering it. The district is matched without regard to case. Kept
    /// while the data is unchanged (see [`crate::cache`]).
    pub fn district_counts(&self, district: &str) -> Result<Arc<Counts>, AppError> {
        let version = self.data_key()?;
        self.counts_at(district, version.as_ref())
    }

    /// A district's counts as of `version` (read before this call), from
    /// the cache or the files.
    pub(crate) fn counts_at(
        &self,
        district: &str,
        version: Option<&DataKey>,
    ) -> Result<Arc<Counts>, AppError> {
        let key = version.map(|v| (district.to_lowercase(), v.clone()));
        self.caches
            .counts
            .get(key, || Ok(self.dir()?.district_counts(district)?))
    }

    /// The version of the data held, when results are cached: read before
    /// computing anything from the data, so that a result is never kept
    /// under a version newer than the data it was computed from.
    pub(crate) fn data_key(&self) -> Result<Option<DataKey>, AppError> {
        if !self.caches.enabled() {
            return Ok(None);
        }
        self.caches
            .data_key(|| Ok(self.dir()?.version()?))
            .map(Some)
    }

    /// Every district with some month held, sorted.
    pub fn districts_held(&self) -> Result<Vec<String>, AppError> {
        Ok(self
            .dir()?
            .districts_held()?
            .into_iter()
            .map(|(d, _)| d)
            .collect())
    }

    /// Every imported partnership.
    pub fn partnerships(&self) -> Result<Vec<StoredPartnership>, AppError> {
        Ok(self.dir()?.partnerships()?)
    }

    /// Every force-month held, for `safer status`.
    pub fn holdings(&self) -> Result<Vec<ManifestEntry>, AppError> {
        Ok(self.dir()?.crimes()?.entries()?)
    }

    /// The district to show first: the imported partnership's, else the
    /// first with a month held.
    pub fn default_district(&self) -> Result<Option<String>, AppError> {
        if let Some(p) = self.partnerships()?.into_iter().next() {
            return Ok(Some(p.partnership.district));
        }
        Ok(self.districts_held()?.into_iter().next())
    }

    /// Imports a partnership configuration, resolved to its beats'
    /// polygons, for a community safety officer or an analyst.
    pub async fn import_partnership(
        &self,
        actor: &Actor,
        file: &std::path::Path,
    ) -> Result<StoredPartnership, AppError> {
        actor.require(&[
            safer_domain::Role::CommunitySafetyOfficer,
            safer_domain::Role::Analyst,
        ])?;
        let loaded = safer_ingest::config::load(file)?;
        let stored = StoredPartnership {
            partnership: loaded.partnership,
            beats: loaded.beats,
        };
        self.db
            .audit(&actor.audit(
                "import_partnership",
                &format!("partnership {}", stored.partnership.id),
                &file.display().to_string(),
            ))
            .await?;
        self.dir()?.save_partnership(&stored)?;
        self.caches.data_changed();
        Ok(stored)
    }

    /// Imports the partnership's case-work settings (forums, case types,
    /// restrictions, review intervals, risk assessment, agreements, repeat
    /// rules, retention), checked first, for a community safety officer or
    /// a JAG coordinator; audited as `import_casework`. They are kept in
    /// the data directory and read when Safer next opens it (restart
    /// `safer serve` to apply them).
    pub async fn import_casework(
        &self,
        actor: &Actor,
        file: &std::path::Path,
    ) -> Result<safer_domain::casework::config::CaseworkConfig, AppError> {
        actor.require(&[
            safer_domain::Role::CommunitySafetyOfficer,
            safer_domain::Role::JagCoordinator,
        ])?;
        let text = std::fs::read_to_string(file)
            .map_err(|e| AppError::Invalid(format!("{}: {e}", file.display())))?;
        let settings = safer_ingest::casework::parse(file, &text)?;
        crate::trigger::check_letters(&settings.trigger_letters)?;
        self.db
            .audit(&actor.audit(
                "import_casework",
                "case-work settings",
                &file.display().to_string(),
            ))
            .await?;
        self.dir()?.save_casework_settings(&text)?;
        Ok(settings)
    }

    /// The assessment a query asks for: the district defaults to the
    /// imported partnership's, the year to the latest with every month
    /// held (else the latest with any). Reading published figures: any
    /// signed-in user, or the operator.
    ///
    /// Kept while the data is unchanged, so asking again reads nothing but
    /// the data version (see [`crate::cache`]).
    pub fn assess(&self, actor: &Actor, q: &AssessmentQuery) -> Result<Arc<Assessed>, AppError> {
        require_reader(actor)?;
        let version = self.data_key()?;
        let key = version.as_ref().map(|v| {
            (
                q.district.as_deref().map(str::to_lowercase),
                q.year,
                q.as_at,
                v.clone(),
            )
        });
        self.caches
            .assessments
            .get(key, || self.build_assessment(q, version.as_ref()))
    }

    /// The assessment a query asks for, from the data as of `version`.
    fn build_assessment(
        &self,
        q: &AssessmentQuery,
        version: Option<&DataKey>,
    ) -> Result<Assessed, AppError> {
        let district = match &q.district {
            Some(d) => d.clone(),
            None => self.default_district()?.ok_or_else(|| {
                AppError::NotFound(
                    "No police.uk data is held yet. An analyst can import some.".into(),
                )
            })?,
        };
        let districts = self.districts_held()?;
        let (counts, partnership) = Arc::unwrap_or_clone(self.counts_at(&district, version)?);
        let year = match q.year {
            Some(y) => y,
            None => default_year(&counts)
                .ok_or_else(|| AppError::NotFound(format!("No months are held for {district}.")))?,
        };
        let assessment = assessment(&counts, partnership.as_ref(), year, q.as_at)?;
        Ok(Assessed {
            assessment,
            counts,
            partnership,
            districts,
        })
    }

    /// One table of an assessment as CSV, audited as an export: its file
    /// name and content.
    pub async fn assessment_table(
        &self,
        actor: &Actor,
        q: &AssessmentQuery,
        file: &str,
    ) -> Result<(String, String), AppError> {
        if !safer_report::CSV_FILES.contains(&file) {
            return Err(AppError::NotFound(format!(
                "The assessment has no table {file:?}. Its tables are: {}.",
                safer_report::CSV_FILES.join(", ")
            )));
        }
        let assessed = {
            let app = self.clone();
            let actor = actor.clone();
            let q = q.clone();
            tokio::task::spawn_blocking(move || app.assess(&actor, &q)).await??
        };
        let a = &assessed.assessment;
        let (_, content) = safer_report::csv_tables(a)?
            .into_iter()
            .find(|(n, _)| n == file)
            .ok_or_else(|| AppError::NotFound(format!("No table {file:?}.")))?;
        let stem = file.trim_end_matches(".csv");
        let name = format!(
            "{}-{}{}-{stem}.csv",
            a.district.to_lowercase().replace(' ', "-"),
            a.year.to_string().replace('/', "-"),
            a.as_at.map(|m| format!("-to-{m}")).unwrap_or_default()
        );
        self.db
            .audit(&actor.audit(
                "export",
                &format!("assessment {} {} {file}", a.district, a.year),
                &a.as_at.map(|m| format!("to {m}")).unwrap_or_default(),
            ))
            .await?;
        Ok((name, content))
    }
}

/// Reading what every partner may read: a signed-in user, or the operator.
pub(crate) fn require_reader(actor: &Actor) -> Result<(), AppError> {
    if actor.signed_in().is_some() {
        return actor.require(&safer_domain::Role::ALL).map(|_| ());
    }
    actor.require_admin()
}

/// The financial years with any month held, newest first.
pub fn years_held(counts: &DistrictCounts) -> Vec<FinancialYear> {
    let set: BTreeSet<FinancialYear> = counts
        .months_held()
        .into_iter()
        .map(Month::financial_year)
        .collect();
    set.into_iter().rev().collect()
}

/// The year to open on: the latest with all twelve months held, else the
/// latest with any.
pub fn default_year(counts: &DistrictCounts) -> Option<FinancialYear> {
    let held = counts.months_held();
    let years = years_held(counts);
    years
        .iter()
        .copied()
        .find(|y| y.period().months().all(|m| held.contains(&m)))
        .or_else(|| years.first().copied())
}

/// The assessment of a district's counts.
pub fn assessment(
    counts: &DistrictCounts,
    partnership: Option<&StoredPartnership>,
    year: FinancialYear,
    as_at: Option<Month>,
) -> Result<Assessment, AppError> {
    let p = partnership.map(|p| &p.partnership);
    let req = AssessmentRequest {
        district: counts.district.clone(),
        year,
        as_at,
        groups: p.map(|p| p.groups.clone()).unwrap_or_default(),
        population: p.and_then(|p| p.population.clone()),
        areas: p.map(Areas::of).unwrap_or_default(),
    };
    Ok(Assessment::build(counts, &req)?)
}

#[cfg(test)]
mod tests {
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
