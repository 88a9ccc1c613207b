//! A commentary per measure and quarter, for the performance reports.

use safer_domain::Quarter;
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::{Database, DbError};

/// A measure's commentary for a quarter, with who wrote it last and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Commentary {
    pub measure_id: String,
    pub quarter: Quarter,
    pub text: String,
    pub written_by: String,
    pub written_at: String,
}

impl Database {
    /// Writes (or, with an empty text, removes) a measure's commentary for
    /// a quarter, with its audit entry, in one transaction.
    pub async fn write_commentary(
        &self,
        plan_id: &str,
        measure_id: &str,
        quarter: Quarter,
        text: &str,
        written_by: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        if text.is_empty() {
            sqlx::query(
                "DELETE FROM measure_commentary WHERE plan_id = $1 AND measure_id = $2 AND quarter = $3",
            )
            .bind(plan_id)
            .bind(measure_id)
            .bind(quarter.to_string())
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO measure_commentary (plan_id, measure_id, quarter, text, written_by, written_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (plan_id, measure_id, quarter) DO UPDATE SET text = excluded.text,
                   written_by = excluded.written_by, written_at = excluded.written_at",
            )
            .bind(plan_id)
            .bind(measure_id)
            .bind(quarter.to_string())
            .bind(text)
            .bind(written_by)
            .bind(self.now_text())
            .execute(&mut *tx)
            .await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A plan's commentaries: of one measure (every quarter, oldest first),
    /// or of one quarter (every measure), or both.
    pub async fn commentaries(
        &self,
        plan_id: &str,
        measure_id: Option<&str>,
        quarter: Option<Quarter>,
    ) -> Result<Vec<Commentary>, DbError> {
        let rows = sqlx::query(
            "SELECT measure_id, quarter, text, written_by, written_at FROM measure_commentary
             WHERE plan_id = $1 AND ($2 = '' OR measure_id = $2) AND ($3 = '' OR quarter = $3)
             ORDER BY measure_id, quarter",
        )
        .bind(plan_id)
        .bind(measure_id.unwrap_or(""))
        .bind(quarter.map(|q| q.to_string()).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let quarter: String = r.try_get(1)?;
                Ok(Commentary {
                    measure_id: r.try_get(0)?,
                    quarter: quarter.parse().map_err(|e: String| {
                        DbError::Corrupt(format!("a commentary's quarter {quarter:?}: {e}"))
                    })?,
                    text: r.try_get(2)?,
                    written_by: r.try_get(3)?,
                    written_at: r.try_get(4)?,
                })
            })
            .collect()
    }
}
