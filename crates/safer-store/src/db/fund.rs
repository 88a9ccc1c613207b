//! The Partnership Locality Fund: the PCC's grant, the projects it pays
//! for, and spend per quarter. Amounts are whole pence.

use safer_domain::{ActionId, AgencyId, FinancialYear, Fund, FundProject, ProjectId};
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::{Database, DbError, on_constraint};

/// A project as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    pub partnership: String,
    pub year: FinancialYear,
    pub name: String,
    /// The lead agency (it must exist).
    pub lead_agency_id: AgencyId,
    pub budget_pence: i64,
    pub plan_id: String,
    pub priority_id: String,
    pub action_id: Option<ActionId>,
}

impl Database {
    /// Sets (or replaces) a year's allocation, with its audit entry.
    pub async fn set_allocation(
        &self,
        partnership: &str,
        year: FinancialYear,
        amount_pence: i64,
        source: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO fund_allocations (partnership, year, amount_pence, source) VALUES ($1, $2, $3, $4)
             ON CONFLICT (partnership, year) DO UPDATE SET amount_pence = excluded.amount_pence, source = excluded.source",
        )
        .bind(partnership)
        .bind(year.to_string())
        .bind(amount_pence)
        .bind(source)
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || "an allocation cannot be negative".into()))?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a project with its audit entry (whose target becomes the new
    /// project); returns its id.
    pub async fn add_project(
        &self,
        p: &NewProject,
        audit: &AuditEntry,
    ) -> Result<ProjectId, DbError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO fund_projects (partnership, year, name, lead_agency, lead_agency_id, budget_pence, plan_id, priority_id, action_id)
             SELECT $1, $2, $3, name, id, $5, $6, $7, $8 FROM agencies WHERE id = $4 RETURNING id",
        )
        .bind(&p.partnership)
        .bind(p.year.to_string())
        .bind(&p.name)
        .bind(p.lead_agency_id.get())
        .bind(p.budget_pence)
        .bind(&p.plan_id)
        .bind(&p.priority_id)
        .bind(p.action_id.map(ActionId::get))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| {
            on_constraint(e, || {
                format!(
                    "cannot add project {:?}: set the {} allocation first, name a priority of plan {:?}, and use a name not already used that year",
                    p.name, p.year, p.plan_id
                )
            })
        })?
        .ok_or_else(|| DbError::NotFound(format!("agency {}", p.lead_agency_id)))?;
        let id = ProjectId::from_stored(row.try_get(0)?);
        let mut audit = audit.clone();
        audit.target = format!("fund project {id}");
        append(&mut tx, self.backend(), &self.now_text(), &audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records spend on a project in a quarter (1–4) of its year, with its
    /// audit entry. A negative amount records a refund or correction.
    pub async fn record_spend(
        &self,
        project_id: ProjectId,
        quarter: u8,
        amount_pence: i64,
        note: &str,
        entered_by: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO fund_spend (project_id, quarter, amount_pence, note, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(project_id.get())
        .bind(i64::from(quarter))
        .bind(amount_pence)
        .bind(note)
        .bind(entered_by)
        .bind(self.now_text())
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || format!("no project {project_id}, or quarter {quarter} is not 1 to 4")))?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every (partnership, year) with an allocation, newest year first.
    pub async fn fund_years(&self) -> Result<Vec<(String, FinancialYear)>, DbError> {
        let rows = sqlx::query(
            "SELECT partnership, year FROM fund_allocations ORDER BY year DESC, partnership",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let y: String = r.try_get(1)?;
                Ok((
                    r.try_get(0)?,
                    y.parse()
                        .map_err(|e: safer_domain::MonthError| DbError::Corrupt(e.to_string()))?,
                ))
            })
            .collect()
    }

    /// A year's allocation, projects and spend.
    pub async fn fund(&self, partnership: &str, year: FinancialYear) -> Result<Fund, DbError> {
        let alloc = sqlx::query("SELECT amount_pence, source FROM fund_allocations WHERE partnership = $1 AND year = $2")
            .bind(partnership)
            .bind(year.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("a {year} fund allocation for {partnership:?}")))?;
        let rows = sqlx::query(
            "SELECT p.id, p.name, COALESCE(g.name, p.lead_agency), p.budget_pence, p.plan_id, p.priority_id, p.action_id, p.lead_agency_id
             FROM fund_projects p LEFT JOIN agencies g ON g.id = p.lead_agency_id
             WHERE p.partnership = $1 AND p.year = $2 ORDER BY p.id",
        )
        .bind(partnership)
        .bind(year.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut projects = Vec::new();
        for r in rows {
            projects.push(FundProject {
                id: ProjectId::from_stored(r.try_get(0)?),
                name: r.try_get(1)?,
                lead_agency_id: r.try_get::<Option<i64>, _>(7)?.map(AgencyId::from_stored),
                lead_agency: r.try_get(2)?,
                budget_pence: r.try_get(3)?,
                plan_id: r.try_get(4)?,
                priority_id: r.try_get(5)?,
                action_id: r.try_get::<Option<i64>, _>(6)?.map(ActionId::from_stored),
                spend_pence: [0; 4],
            });
        }
        let spend = sqlx::query(
            "SELECT s.project_id, s.quarter, CAST(SUM(s.amount_pence) AS BIGINT) FROM fund_spend s
             JOIN fund_projects p ON p.id = s.project_id
             WHERE p.partnership = $1 AND p.year = $2 GROUP BY s.project_id, s.quarter",
        )
        .bind(partnership)
        .bind(year.to_string())
        .fetch_all(&self.pool)
        .await?;
        for r in spend {
            let (id, q, sum): (i64, i64, i64) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            let id = ProjectId::from_stored(id);
            if let Some(p) = projects.iter_mut().find(|p| p.id == id)
                && (1..=4).contains(&q)
            {
                p.spend_pence[(q - 1) as usize] += sum;
            }
        }
        Ok(Fund {
            partnership: partnership.to_owned(),
            year,
            allocation_pence: alloc.try_get(0)?,
            source: alloc.try_get(1)?,
            projects,
        })
    }
}
