//! Plans: check a plan file, store it (the annual refresh replaces it),
//! list and read plans.

use std::path::Path;

use safer_domain::{Plan, PlanChange, Role};
use safer_store::db::PlanVersion;

use crate::assess::require_reader;
use crate::{Actor, App, AppError};

impl App {
    /// Reads and checks a plan file against the partnerships' groups;
    /// errors give the line.
    pub fn check_plan(&self, file: &Path) -> Result<Plan, AppError> {
        let groups: Vec<String> = self
            .partnerships()?
            .into_iter()
            .flat_map(|p| p.partnership.groups.into_iter().map(|g| g.name))
            .collect();
        Ok(safer_ingest::plan::load(file, &groups)?)
    }

    /// Stores a plan file, for a community safety officer; audited as
    /// `import_plan` in the same transaction.
    pub async fn import_plan(&self, actor: &Actor, file: &Path) -> Result<Plan, AppError> {
        actor.require(&[Role::CommunitySafetyOfficer])?;
        let plan = self.check_plan(file)?;
        let audit = actor.audit(
            "import_plan",
            &format!("plan {}", plan.id),
            &format!("{} from {}", plan.title, file.display()),
        );
        self.db.save_plan(&plan, &actor.name(), &audit).await?;
        Ok(plan)
    }

    /// Every plan: (id, title, first year).
    pub async fn plans(&self, actor: &Actor) -> Result<Vec<(String, String, String)>, AppError> {
        require_reader(actor)?;
        Ok(self.db.plans().await?)
    }

    pub async fn plan(&self, actor: &Actor, id: &str) -> Result<Plan, AppError> {
        require_reader(actor)?;
        Ok(self.db.plan(id).await?)
    }
}

/// What the latest refresh of a plan changed: from which version to which.
#[derive(Debug, Clone)]
pub struct Refresh {
    pub from: PlanVersion,
    pub to: PlanVersion,
    pub changes: Vec<PlanChange>,
}

impl Refresh {
    /// The refresh as the performance reports print it.
    pub fn for_report(&self) -> safer_report::PlanRefresh {
        safer_report::PlanRefresh {
            from_version: self.from.version,
            to_version: self.to.version,
            imported_at: self.to.imported_at.clone(),
            changes: self.changes.clone(),
        }
    }
}

impl App {
    /// Every version of a plan, oldest first, with who imported each.
    pub async fn plan_versions(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<Vec<PlanVersion>, AppError> {
        require_reader(actor)?;
        self.db.plan(id).await?;
        Ok(self.db.plan_versions(id).await?)
    }

    /// What the latest refresh changed (`None` for a plan imported once).
    pub async fn plan_refresh(&self, actor: &Actor, id: &str) -> Result<Option<Refresh>, AppError> {
        let mut versions = self.plan_versions(actor, id).await?;
        if versions.len() < 2 {
            return Ok(None);
        }
        let to = versions.pop().expect("two versions");
        let from = versions.pop().expect("two versions");
        let changes = safer_domain::plan_changes(&from.plan, &to.plan);
        Ok(Some(Refresh { from, to, changes }))
    }
}
