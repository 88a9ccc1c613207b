//! The analyst's narrative of an assessment: key findings, emerging
//! threats, community tensions and recommended priorities, kept with the
//! assessment (district, year and period) it explains.

use safer_domain::{FinancialYear, Month, Narrative, Role};

use crate::assess::require_reader;
use crate::{Actor, App, AppError, StoredNarrative};

impl App {
    /// The analyst's narrative of an assessment, if one is written.
    pub async fn narrative(
        &self,
        actor: &Actor,
        district: &str,
        year: FinancialYear,
        as_at: Option<Month>,
    ) -> Result<Option<StoredNarrative>, AppError> {
        require_reader(actor)?;
        Ok(self.db.narrative(district, year, as_at).await?)
    }

    /// Writes the narrative of an assessment (key findings, emerging
    /// threats, community tensions, recommended priorities), for an
    /// analyst; audited as `write_narrative`. The district must be one
    /// whose records are held.
    pub async fn write_narrative(
        &self,
        actor: &Actor,
        district: &str,
        year: FinancialYear,
        as_at: Option<Month>,
        narrative: Narrative,
    ) -> Result<(), AppError> {
        actor.require(&[Role::Analyst])?;
        let narrative = narrative
            .checked()
            .map_err(|(_, why)| AppError::Invalid(format!("{why}.")))?;
        let district = self.district_counts(district)?.0.district.clone();
        let period = as_at.map(|m| format!(" to {m}")).unwrap_or_default();
        let written: Vec<&str> = narrative
            .sections()
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(h, _)| *h)
            .collect();
        let audit = actor.audit(
            "write_narrative",
            &format!("assessment {district} {year}{period}"),
            &if written.is_empty() {
                "cleared".to_owned()
            } else {
                written.join(", ")
            },
        );
        Ok(self
            .db
            .write_narrative(&district, year, as_at, &narrative, &actor.name(), &audit)
            .await?)
    }
}
