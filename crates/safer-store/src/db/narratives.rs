//! The analyst's narrative of an assessment, by district, year and period.

use safer_domain::{FinancialYear, Month, Narrative};
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::{Database, DbError};

/// A narrative as stored, with who wrote it last and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNarrative {
    pub narrative: Narrative,
    pub written_by: String,
    pub written_at: String,
}

/// The key of a narrative: the district (as the data names it, matched
/// without regard to case), the year and the period's last month.
fn key(district: &str, year: FinancialYear, as_at: Option<Month>) -> (String, String, String) {
    (
        district.to_lowercase(),
        year.to_string(),
        as_at.map(|m| m.to_string()).unwrap_or_default(),
    )
}

impl Database {
    /// Writes (or rewrites) the narrative of an assessment, with its audit
    /// entry, in one transaction.
    pub async fn write_narrative(
        &self,
        district: &str,
        year: FinancialYear,
        as_at: Option<Month>,
        n: &Narrative,
        written_by: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let (d, y, m) = key(district, year, as_at);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO assessment_narratives (district, year, as_at, key_findings, emerging_threats,
               community_tensions, recommended_priorities, written_by, written_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (district, year, as_at) DO UPDATE SET key_findings = excluded.key_findings,
               emerging_threats = excluded.emerging_threats, community_tensions = excluded.community_tensions,
               recommended_priorities = excluded.recommended_priorities, written_by = excluded.written_by,
               written_at = excluded.written_at",
        )
        .bind(d)
        .bind(y)
        .bind(m)
        .bind(&n.key_findings)
        .bind(&n.emerging_threats)
        .bind(&n.community_tensions)
        .bind(&n.recommended_priorities)
        .bind(written_by)
        .bind(self.now_text())
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The narrative of an assessment, if one is written.
    pub async fn narrative(
        &self,
        district: &str,
        year: FinancialYear,
        as_at: Option<Month>,
    ) -> Result<Option<StoredNarrative>, DbError> {
        let (d, y, m) = key(district, year, as_at);
        let row = sqlx::query(
            "SELECT key_findings, emerging_threats, community_tensions, recommended_priorities, written_by, written_at
             FROM assessment_narratives WHERE district = $1 AND year = $2 AND as_at = $3",
        )
        .bind(d)
        .bind(y)
        .bind(m)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StoredNarrative {
                narrative: Narrative {
                    key_findings: r.try_get(0)?,
                    emerging_threats: r.try_get(1)?,
                    community_tensions: r.try_get(2)?,
                    recommended_priorities: r.try_get(3)?,
                },
                written_by: r.try_get(4)?,
                written_at: r.try_get(5)?,
            })
        })
        .transpose()
    }
}
