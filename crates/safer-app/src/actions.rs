//! Action plans: add actions, record their progress, list them.
//!
//! Who may update which action is policy ([`ActionScope`]): community
//! safety officers and JAG coordinators any, agency leads their own
//! agency's (by agency id). The store applies the scope where the action is
//! read, so an action outside it is not found.

use safer_domain::{
    Action, ActionId, ActionScope, ActionStatus, ActionUpdate, Aim, Date, Plan, Role,
};
use safer_store::db::NewAction;

use crate::assess::require_reader;
use crate::{Actor, App, AppError};

/// An action as entered; the lead agency by name, resolved to its id.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionEntry {
    pub plan_id: String,
    pub priority_id: String,
    pub aim: Aim,
    pub key_action: String,
    pub lead_agency: String,
    pub start: Date,
    pub due: Date,
    pub financial_implications: String,
    pub resource_implications: String,
    pub outcome_target: String,
    pub measure_id: Option<String>,
}

/// Who keeps the action plans: adds and changes actions.
const KEEPERS: &[Role] = &[Role::CommunitySafetyOfficer, Role::JagCoordinator];

/// Who may update actions: each in their scope ([`ActionScope::for_user`]).
const UPDATERS: &[Role] = &[
    Role::CommunitySafetyOfficer,
    Role::JagCoordinator,
    Role::AgencyLead,
];

impl App {
    /// Which actions the actor may update; `None`: none.
    pub fn action_scope(&self, actor: &Actor) -> Option<ActionScope> {
        actor.signed_in().and_then(ActionScope::for_user)
    }

    /// Adds an action, for a community safety officer or JAG coordinator;
    /// audited as `add_action`.
    pub async fn add_action(&self, actor: &Actor, a: &ActionEntry) -> Result<ActionId, AppError> {
        actor.require(KEEPERS)?;
        let (entry, agency) = self.new_action(a).await?;
        let audit = actor.audit(
            "add_action",
            "action",
            &format!(
                "plan {} priority {}: {} (lead {}, due {})",
                a.plan_id, a.priority_id, a.key_action, agency.name, a.due
            ),
        );
        Ok(self.db.add_action(&entry, &actor.name(), &audit).await?)
    }

    /// Changes what an action is (not its progress), for a community
    /// safety officer or JAG coordinator; audited as `edit_action`. The
    /// action stays in its plan.
    pub async fn edit_action(
        &self,
        actor: &Actor,
        action_id: ActionId,
        a: &ActionEntry,
    ) -> Result<(), AppError> {
        actor.require(KEEPERS)?;
        let before = match self.db.action_in_scope(action_id, ActionScope::All).await {
            Ok(x) => x,
            Err(safer_store::DbError::NotFound(_)) => {
                return Err(AppError::NotFound(format!(
                    "There is no action {action_id}."
                )));
            }
            Err(e) => return Err(e.into()),
        };
        if before.plan_id != a.plan_id {
            return Err(AppError::Invalid(
                "An action stays in its plan: add a new one to the other plan.".into(),
            ));
        }
        let (entry, agency) = self.new_action(a).await?;
        let audit = actor.audit(
            "edit_action",
            &format!("action {action_id}"),
            &format!(
                "priority {}: {} (lead {}, {} to {})",
                a.priority_id, a.key_action, agency.name, a.start, a.due
            ),
        );
        Ok(self.db.edit_action(action_id, &entry, &audit).await?)
    }

    /// An action as the store takes it, its lead agency found by name.
    async fn new_action(
        &self,
        a: &ActionEntry,
    ) -> Result<(NewAction, safer_domain::Agency), AppError> {
        let agency = self.lead_agency(&a.lead_agency).await?;
        let entry = NewAction {
            plan_id: a.plan_id.clone(),
            priority_id: a.priority_id.clone(),
            aim: a.aim,
            key_action: a.key_action.clone(),
            lead_agency_id: agency.id,
            start: a.start,
            due: a.due,
            financial_implications: a.financial_implications.clone(),
            resource_implications: a.resource_implications.clone(),
            outcome_target: a.outcome_target.clone(),
            measure_id: a.measure_id.clone(),
        };
        Ok((entry, agency))
    }

    /// Records progress on an action in the actor's scope (else not
    /// found); audited as `update_action` in the same transaction. The
    /// update is dated today unless a date is given, which may not be in
    /// the future.
    pub async fn update_action(
        &self,
        actor: &Actor,
        action_id: ActionId,
        status: ActionStatus,
        text: &str,
        date: Option<Date>,
    ) -> Result<(), AppError> {
        let user = actor.require(UPDATERS)?;
        let scope = ActionScope::for_user(user)
            .ok_or_else(|| AppError::NotFound(format!("There is no action {action_id}.")))?;
        let text = text.trim();
        if text.is_empty() {
            return Err(AppError::Invalid("Say what has been done.".into()));
        }
        let today = self.today();
        let date = date.unwrap_or(today);
        if date > today {
            return Err(AppError::Invalid(format!(
                "The update is dated {date}, after today ({today}): progress is recorded when it has happened."
            )));
        }
        let update = ActionUpdate {
            date,
            author: user.display_name.clone(),
            text: text.to_owned(),
            status,
        };
        let audit = actor.audit(
            "update_action",
            &format!("action {action_id}"),
            &format!("{}: {text}", status.as_str()),
        );
        match self.db.add_update(action_id, scope, &update, &audit).await {
            Err(safer_store::DbError::NotFound(_)) => {
                Err(self.out_of_scope(actor, action_id).await)
            }
            other => Ok(other?),
        }
    }

    /// The answer to asking for an action outside the actor's scope: not
    /// found, as if it did not exist. When it does exist the attempt is
    /// audited as a refusal, for the administrator's eyes only.
    async fn out_of_scope(&self, actor: &Actor, action_id: ActionId) -> AppError {
        let not_found = AppError::NotFound(format!("There is no action {action_id}."));
        match self.db.action_in_scope(action_id, ActionScope::All).await {
            Ok(a) => {
                let entry = actor.audit(
                    "access_denied",
                    &format!("action {action_id}"),
                    &format!(
                        "outside the actor's scope (lead {}): Agency leads can update only their own agency's actions",
                        a.lead_agency
                    ),
                );
                match self.db.audit(&entry).await {
                    Ok(()) => not_found,
                    Err(e) => e.into(),
                }
            }
            Err(safer_store::DbError::NotFound(_)) => not_found,
            Err(e) => e.into(),
        }
    }

    /// An action the actor may update, with its plan (else not found).
    pub async fn action_to_update(
        &self,
        actor: &Actor,
        action_id: ActionId,
    ) -> Result<(Plan, Action), AppError> {
        let user = actor.require(UPDATERS)?;
        let scope = ActionScope::for_user(user)
            .ok_or_else(|| AppError::NotFound(format!("There is no action {action_id}.")))?;
        let action = match self.db.action_in_scope(action_id, scope).await {
            Err(safer_store::DbError::NotFound(_)) => {
                return Err(self.out_of_scope(actor, action_id).await);
            }
            other => other?,
        };
        let plan = self.db.plan(&action.plan_id).await?;
        Ok((plan, action))
    }

    /// Every action of a plan with its updates.
    pub async fn actions(&self, actor: &Actor, plan_id: &str) -> Result<Vec<Action>, AppError> {
        require_reader(actor)?;
        Ok(self.db.actions(plan_id).await?)
    }
}
