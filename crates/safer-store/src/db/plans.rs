//! Plans: stored whole as a document, with their priorities and measures as
//! rows so that actions, values and fund projects can refer to them.

use safer_domain::Plan;
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::{Database, DbError, on_constraint};

/// A version of a plan as it was imported.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanVersion {
    /// 1 for the first import, then one more for each refresh that
    /// changed it.
    pub version: i64,
    pub plan: Plan,
    pub imported_at: String,
    pub imported_by: String,
}

impl Database {
    /// Saves a plan, replacing an earlier version with the same id (the
    /// annual refresh). Priorities and measures are kept in step; one that
    /// has actions or values recorded against it cannot be removed.
    pub async fn save_plan(
        &self,
        plan: &Plan,
        imported_by: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let document = serde_json::to_string(plan).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO plans (id, partnership, title, first_year, last_year, document, imported_at, imported_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO UPDATE SET partnership = excluded.partnership, title = excluded.title,
               first_year = excluded.first_year, last_year = excluded.last_year, document = excluded.document,
               imported_at = excluded.imported_at, imported_by = excluded.imported_by",
        )
        .bind(&plan.id)
        .bind(&plan.partnership)
        .bind(&plan.title)
        .bind(plan.first_year.to_string())
        .bind(plan.last_year.to_string())
        .bind(&document)
        .bind(self.now_text())
        .bind(imported_by)
        .execute(&mut *tx)
        .await?;
        for p in &plan.priorities {
            sqlx::query(
                "INSERT INTO priorities (plan_id, id, number, title) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (plan_id, id) DO UPDATE SET number = excluded.number, title = excluded.title",
            )
            .bind(&plan.id)
            .bind(&p.id)
            .bind(i64::from(p.number))
            .bind(&p.title)
            .execute(&mut *tx)
            .await?;
            for m in &p.measures {
                sqlx::query(
                    "INSERT INTO measures (plan_id, id, priority_id, text) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (plan_id, id) DO UPDATE SET priority_id = excluded.priority_id, text = excluded.text",
                )
                .bind(&plan.id)
                .bind(&m.id)
                .bind(&p.id)
                .bind(&m.text)
                .execute(&mut *tx)
                .await
                .map_err(|e| on_constraint(e, || format!("measure {} cannot move priority", m.id)))?;
            }
        }
        // Remove what the new version no longer has, unless work refers to it.
        let measure_ids: Vec<String> = plan.measures().map(|(_, m)| m.id.clone()).collect();
        let stored: Vec<String> = sqlx::query("SELECT id FROM measures WHERE plan_id = $1")
            .bind(&plan.id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
        for id in stored.iter().filter(|id| !measure_ids.contains(id)) {
            sqlx::query("DELETE FROM measures WHERE plan_id = $1 AND id = $2")
                .bind(&plan.id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| on_constraint(e, || format!("measure {id} has values or actions recorded against it; keep it in the plan")))?;
        }
        let priority_ids: Vec<&str> = plan.priorities.iter().map(|p| p.id.as_str()).collect();
        let stored: Vec<String> = sqlx::query("SELECT id FROM priorities WHERE plan_id = $1")
            .bind(&plan.id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
        for id in stored
            .iter()
            .filter(|id| !priority_ids.contains(&id.as_str()))
        {
            sqlx::query("DELETE FROM priorities WHERE plan_id = $1 AND id = $2")
                .bind(&plan.id)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    on_constraint(e, || {
                        format!("priority {id} has actions or projects; keep it in the plan")
                    })
                })?;
        }
        // A new version, unless the plan is as its latest version was.
        let latest: Option<(i64, String)> = sqlx::query(
            "SELECT version, document FROM plan_versions WHERE plan_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(&plan.id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| Ok::<_, DbError>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?;
        let unchanged = latest
            .as_ref()
            .is_some_and(|(_, doc)| serde_json::from_str::<Plan>(doc).is_ok_and(|p| p == *plan));
        if !unchanged {
            sqlx::query(
                "INSERT INTO plan_versions (plan_id, version, document, imported_at, imported_by)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&plan.id)
            .bind(latest.map_or(1, |(v, _)| v + 1))
            .bind(&document)
            .bind(self.now_text())
            .bind(imported_by)
            .execute(&mut *tx)
            .await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every version of a plan, oldest first.
    pub async fn plan_versions(&self, id: &str) -> Result<Vec<PlanVersion>, DbError> {
        let rows = sqlx::query(
            "SELECT version, document, imported_at, imported_by FROM plan_versions WHERE plan_id = $1 ORDER BY version",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let doc: String = r.try_get(1)?;
                Ok(PlanVersion {
                    version: r.try_get(0)?,
                    plan: serde_json::from_str(&doc)
                        .map_err(|e| DbError::Corrupt(format!("plan {id}: {e}")))?,
                    imported_at: r.try_get(2)?,
                    imported_by: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// The plan with this id.
    pub async fn plan(&self, id: &str) -> Result<Plan, DbError> {
        let row = sqlx::query("SELECT document FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("plan {id:?}")))?;
        let doc: String = row.try_get(0)?;
        serde_json::from_str(&doc).map_err(|e| DbError::Corrupt(format!("plan {id}: {e}")))
    }

    /// The ids and titles of every plan, newest first.
    pub async fn plans(&self) -> Result<Vec<(String, String, String)>, DbError> {
        let rows =
            sqlx::query("SELECT id, title, first_year FROM plans ORDER BY first_year DESC, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }
}
