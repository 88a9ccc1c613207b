//! Plans: check a plan file, store it (the annual refresh replaces it),
//! list and read plans.

use std::path::Path;

use safer_domain::{Plan, Role};

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
