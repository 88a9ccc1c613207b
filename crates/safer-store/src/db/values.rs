//! Manually entered measure values, one per measure per quarter, with who
//! entered them and when. A correction is a new entry; the latest counts.

use safer_domain::Quarter;
use serde::Serialize;
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::{Database, DbError, on_constraint};

/// A value entered for a measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureValue {
    pub measure_id: String,
    pub quarter: Quarter,
    pub value: f64,
    pub note: String,
    pub entered_by: String,
    pub entered_at: String,
}

impl Database {
    /// Records a value and its audit entry, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_value(
        &self,
        plan_id: &str,
        measure_id: &str,
        quarter: Quarter,
        value: f64,
        note: &str,
        entered_by: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO measure_values (plan_id, measure_id, quarter, value, note, entered_by, entered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(plan_id)
        .bind(measure_id)
        .bind(quarter.to_string())
        .bind(value)
        .bind(note)
        .bind(entered_by)
        .bind(self.now_text())
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || format!("plan {plan_id:?} has no measure {measure_id:?}")))?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The current value of each quarter of a measure (the latest entry per
    /// quarter), oldest quarter first.
    pub async fn values(
        &self,
        plan_id: &str,
        measure_id: &str,
    ) -> Result<Vec<MeasureValue>, DbError> {
        let mut out: Vec<MeasureValue> = Vec::new();
        for v in self.value_entries(plan_id, measure_id).await? {
            match out.last_mut() {
                Some(last) if last.quarter == v.quarter => *last = v,
                _ => out.push(v),
            }
        }
        Ok(out)
    }

    /// Every entry of a measure's values, corrections included: by quarter,
    /// then in the order entered (the last of a quarter is its value).
    pub async fn value_entries(
        &self,
        plan_id: &str,
        measure_id: &str,
    ) -> Result<Vec<MeasureValue>, DbError> {
        let rows = sqlx::query(
            "SELECT quarter, value, note, entered_by, entered_at FROM measure_values
             WHERE plan_id = $1 AND measure_id = $2 ORDER BY quarter, id",
        )
        .bind(plan_id)
        .bind(measure_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let q: String = r.try_get(0)?;
                Ok(MeasureValue {
                    measure_id: measure_id.to_owned(),
                    quarter: q.parse().map_err(DbError::Corrupt)?,
                    value: r.try_get(1)?,
                    note: r.try_get(2)?,
                    entered_by: r.try_get(3)?,
                    entered_at: r.try_get(4)?,
                })
            })
            .collect()
    }
}
