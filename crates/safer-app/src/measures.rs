//! Values entered by hand for a plan's measures, and the commentary on
//! any measure for a quarter's report.

use safer_domain::{MeasureSource, Quarter, Role};
use safer_store::db::{Commentary, MeasureValue};

use crate::assess::require_reader;
use crate::{Actor, App, AppError};

impl App {
    /// Records a quarter's value of a manual measure, for a community
    /// safety officer; audited as `record_value` in the same transaction.
    pub async fn record_value(
        &self,
        actor: &Actor,
        plan_id: &str,
        measure_id: &str,
        quarter: Quarter,
        value: f64,
        note: &str,
    ) -> Result<(), AppError> {
        actor.require(&[Role::CommunitySafetyOfficer])?;
        let plan = self.db.plan(plan_id).await?;
        let Some((_, m)) = plan.measures().find(|(_, m)| m.id == measure_id) else {
            return Err(AppError::NotFound(format!(
                "Plan {plan_id:?} has no measure {measure_id:?}."
            )));
        };
        if !matches!(m.source, MeasureSource::Manual) {
            return Err(AppError::Invalid(format!(
                "Measure {measure_id:?} is computed from its source ({:?}); only manual measures take entered values.",
                m.source
            )));
        }
        if !value.is_finite() {
            return Err(AppError::Invalid("The value must be a number.".into()));
        }
        let (first, last) = plan.value_years(m);
        if quarter.year() < first || quarter.year() > last {
            return Err(AppError::Invalid(format!(
                "{quarter} is outside the plan's years and the year its figures are compared with, {first} to {last}."
            )));
        }
        let audit = actor.audit(
            "record_value",
            &format!("measure {plan_id} {measure_id}"),
            &format!(
                "{quarter}: {value}{}",
                if note.is_empty() {
                    String::new()
                } else {
                    format!(" ({note})")
                }
            ),
        );
        self.db
            .record_value(
                plan_id,
                measure_id,
                quarter,
                value,
                note,
                &actor.name(),
                &audit,
            )
            .await?;
        Ok(())
    }

    /// Every entry of a measure's values, corrections included (who entered
    /// each, and when), by quarter then as entered.
    pub async fn value_entries(
        &self,
        actor: &Actor,
        plan_id: &str,
        measure_id: &str,
    ) -> Result<Vec<MeasureValue>, AppError> {
        require_reader(actor)?;
        Ok(self.db.value_entries(plan_id, measure_id).await?)
    }

    /// The current value of each quarter of a measure, oldest first.
    pub async fn values(
        &self,
        actor: &Actor,
        plan_id: &str,
        measure_id: &str,
    ) -> Result<Vec<MeasureValue>, AppError> {
        require_reader(actor)?;
        Ok(self.db.values(plan_id, measure_id).await?)
    }

    /// Writes a measure's commentary for a quarter (what the figure means,
    /// printed under it in that quarter's performance report), for a
    /// community safety officer or an analyst; an empty text removes it.
    /// Audited as `write_commentary` in the same transaction.
    pub async fn write_commentary(
        &self,
        actor: &Actor,
        plan_id: &str,
        measure_id: &str,
        quarter: Quarter,
        text: &str,
    ) -> Result<(), AppError> {
        actor.require(&[Role::CommunitySafetyOfficer, Role::Analyst])?;
        let plan = self.db.plan(plan_id).await?;
        let Some((_, m)) = plan.measures().find(|(_, m)| m.id == measure_id) else {
            return Err(AppError::NotFound(format!(
                "Plan {plan_id:?} has no measure {measure_id:?}."
            )));
        };
        if quarter.year() < plan.first_year || quarter.year() > plan.last_year {
            return Err(AppError::Invalid(format!(
                "{quarter} is outside the plan's years, {} to {}.",
                plan.first_year, plan.last_year
            )));
        }
        let text = text.replace("\r\n", "\n");
        let text = text.trim();
        let chars = text.chars().count();
        if chars > COMMENTARY_LIMIT {
            return Err(AppError::Invalid(format!(
                "The commentary must be {COMMENTARY_LIMIT} characters or fewer; it has {chars}."
            )));
        }
        let audit = actor.audit(
            "write_commentary",
            &format!("measure {plan_id} {}", m.id),
            &if text.is_empty() {
                format!("{quarter}: removed")
            } else {
                format!("{quarter}: {chars} characters")
            },
        );
        self.db
            .write_commentary(plan_id, &m.id, quarter, text, &actor.name(), &audit)
            .await?;
        Ok(())
    }

    /// A measure's commentaries, every quarter, oldest first.
    pub async fn commentaries(
        &self,
        actor: &Actor,
        plan_id: &str,
        measure_id: &str,
    ) -> Result<Vec<Commentary>, AppError> {
        require_reader(actor)?;
        Ok(self
            .db
            .commentaries(plan_id, Some(measure_id), None)
            .await?)
    }
}

/// The most a commentary may hold: a few paragraphs under a table row.
pub const COMMENTARY_LIMIT: usize = 2_000;
