//! The Partnership Locality Fund: the year's allocation, its projects and
//! their spend each quarter, and the return to the Police and Crime
//! Commissioner.

use safer_domain::{ActionId, FinancialYear, Fund, FundReturn, ProjectId, Role};
use safer_store::db::NewProject;

use crate::{Actor, App, AppError};

/// Those who keep the fund.
const FUND_KEEPERS: &[Role] = &[Role::CommunitySafetyOfficer, Role::JagCoordinator];

/// A project as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct FundEntry {
    pub partnership: String,
    pub year: FinancialYear,
    pub name: String,
    pub lead_agency: String,
    pub budget_pence: i64,
    pub plan_id: String,
    pub priority_id: String,
    pub action_id: Option<ActionId>,
}

impl App {
    /// The quarter a year's fund is shown at when none is asked for: the
    /// current quarter while the year runs (by the app's clock), else the
    /// last.
    pub fn fund_quarter(&self, year: FinancialYear) -> u8 {
        let today = self.today();
        match safer_domain::Month::new(u32::from(today.year()), u32::from(today.month()))
            .map(safer_domain::Quarter::of)
        {
            Some(q) if q.year() == year => q.number(),
            _ => 4,
        }
    }

    /// Sets (or replaces) a year's allocation; audited as `set_allocation`.
    pub async fn set_allocation(
        &self,
        actor: &Actor,
        partnership: &str,
        year: FinancialYear,
        amount_pence: i64,
        source: &str,
    ) -> Result<(), AppError> {
        actor.require(FUND_KEEPERS)?;
        let audit = actor.audit(
            "set_allocation",
            &format!("fund {partnership} {year}"),
            &format!("{} ({source})", safer_domain::pounds(amount_pence)),
        );
        Ok(self
            .db
            .set_allocation(partnership, year, amount_pence, source, &audit)
            .await?)
    }

    /// Adds a project; audited as `add_project`.
    pub async fn add_project(&self, actor: &Actor, p: &FundEntry) -> Result<ProjectId, AppError> {
        actor.require(FUND_KEEPERS)?;
        let lead = self.lead_agency(&p.lead_agency).await?;
        let audit = actor.audit(
            "add_project",
            "fund project",
            &format!(
                "{} {}: {} (lead {}, budget {})",
                p.partnership,
                p.year,
                p.name,
                lead.name,
                safer_domain::pounds(p.budget_pence)
            ),
        );
        let entry = NewProject {
            partnership: p.partnership.clone(),
            year: p.year,
            name: p.name.clone(),
            lead_agency_id: lead.id,
            budget_pence: p.budget_pence,
            plan_id: p.plan_id.clone(),
            priority_id: p.priority_id.clone(),
            action_id: p.action_id,
        };
        Ok(self.db.add_project(&entry, &audit).await?)
    }

    /// Records a quarter's spend (negative: a refund); audited as
    /// `record_spend`.
    pub async fn record_spend(
        &self,
        actor: &Actor,
        project_id: ProjectId,
        quarter: u8,
        amount_pence: i64,
        note: &str,
    ) -> Result<(), AppError> {
        actor.require(FUND_KEEPERS)?;
        let audit = actor.audit(
            "record_spend",
            &format!("fund project {project_id}"),
            &format!("quarter {quarter}: {}", safer_domain::pounds(amount_pence)),
        );
        Ok(self
            .db
            .record_spend(
                project_id,
                quarter,
                amount_pence,
                note,
                &actor.name(),
                &audit,
            )
            .await?)
    }

    /// Every (partnership, year) with an allocation, newest first.
    pub async fn fund_years(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(String, FinancialYear)>, AppError> {
        if actor.require(FUND_KEEPERS).is_err() {
            actor.require_admin()?;
        }
        Ok(self.db.fund_years().await?)
    }

    /// A year's fund.
    pub async fn fund(
        &self,
        actor: &Actor,
        partnership: &str,
        year: FinancialYear,
    ) -> Result<Fund, AppError> {
        if actor.require(FUND_KEEPERS).is_err() {
            actor.require_admin()?;
        }
        Ok(self.db.fund(partnership, year).await?)
    }

    /// The return to the Police and Crime Commissioner at a quarter,
    /// audited as an export.
    pub async fn fund_return(
        &self,
        actor: &Actor,
        partnership: &str,
        year: FinancialYear,
        quarter: u8,
        underspend_threshold: f64,
    ) -> Result<FundReturn, AppError> {
        let fund = self.fund(actor, partnership, year).await?;
        let r = FundReturn::build(&fund, quarter, underspend_threshold);
        self.db
            .audit(&actor.audit(
                "export",
                &format!("fund return {partnership} {year} Q{quarter}"),
                &format!(
                    "the return at quarter {quarter}: {} projects",
                    fund.projects.len()
                ),
            ))
            .await?;
        Ok(r)
    }
}
