//! Action plans: actions per priority and their dated progress updates.

use safer_domain::{
    Action, ActionId, ActionScope, ActionStatus, ActionUpdate, AgencyId, Aim, Date,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{AuditEntry, append};
use super::{Database, DbError, on_constraint};

/// An action as entered, before it has an id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAction {
    pub plan_id: String,
    pub priority_id: String,
    pub aim: Aim,
    pub key_action: String,
    /// The lead agency (it must exist).
    pub lead_agency_id: AgencyId,
    pub start: Date,
    pub due: Date,
    pub financial_implications: String,
    pub resource_implications: String,
    pub outcome_target: String,
    pub measure_id: Option<String>,
}

impl Database {
    /// Adds an action and its audit entry, in one transaction; returns its id.
    pub async fn add_action(
        &self,
        a: &NewAction,
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<ActionId, DbError> {
        if a.due < a.start {
            return Err(DbError::Conflict(format!(
                "the due date {} is before the start date {}",
                a.due, a.start
            )));
        }
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO actions (plan_id, priority_id, aim, key_action, lead_agency, lead_agency_id, start_date, due_date,
               financial_implications, resource_implications, outcome_target, measure_id, status, created_by, created_at)
             SELECT $1, $2, $3, $4, name, id, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM agencies WHERE id = $5
             RETURNING id",
        )
        .bind(&a.plan_id)
        .bind(&a.priority_id)
        .bind(a.aim.as_str())
        .bind(&a.key_action)
        .bind(a.lead_agency_id.get())
        .bind(a.start.to_string())
        .bind(a.due.to_string())
        .bind(&a.financial_implications)
        .bind(&a.resource_implications)
        .bind(&a.outcome_target)
        .bind(a.measure_id.clone())
        .bind(ActionStatus::NotStarted.as_str())
        .bind(created_by)
        .bind(self.now_text())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| {
            on_constraint(e, || {
                format!("plan {:?} has no priority {:?} (or no measure {:?})", a.plan_id, a.priority_id, a.measure_id)
            })
        })?
        .ok_or_else(|| DbError::NotFound(format!("agency {}", a.lead_agency_id)))?;
        let id = ActionId::from_stored(row.try_get(0)?);
        let mut audit = audit.clone();
        audit.target = format!("action {id}");
        append(&mut tx, self.backend(), &self.now_text(), &audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes what an action is (its priority, aim, text, lead, dates,
    /// implications, target and measure; not its plan, status or updates),
    /// with its audit entry, in one transaction.
    pub async fn edit_action(
        &self,
        action_id: ActionId,
        a: &NewAction,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        if a.due < a.start {
            return Err(DbError::Conflict(format!(
                "the due date {} is before the start date {}",
                a.due, a.start
            )));
        }
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE actions SET priority_id = $1, aim = $2, key_action = $3,
               lead_agency = (SELECT name FROM agencies WHERE id = $4), lead_agency_id = $4,
               start_date = $5, due_date = $6, financial_implications = $7, resource_implications = $8,
               outcome_target = $9, measure_id = $10
             WHERE id = $11 AND plan_id = $12 AND EXISTS (SELECT 1 FROM agencies WHERE id = $4)",
        )
        .bind(&a.priority_id)
        .bind(a.aim.as_str())
        .bind(&a.key_action)
        .bind(a.lead_agency_id.get())
        .bind(a.start.to_string())
        .bind(a.due.to_string())
        .bind(&a.financial_implications)
        .bind(&a.resource_implications)
        .bind(&a.outcome_target)
        .bind(a.measure_id.clone())
        .bind(action_id.get())
        .bind(&a.plan_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            on_constraint(e, || {
                format!("plan {:?} has no priority {:?} (or no measure {:?})", a.plan_id, a.priority_id, a.measure_id)
            })
        })?
        .rows_affected();
        if n == 0 {
            return Err(DbError::NotFound(format!(
                "action {action_id} of plan {:?} led by agency {}",
                a.plan_id, a.lead_agency_id
            )));
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a progress update on an action in `scope`, sets the action's
    /// status to it, and writes the audit entry, in one transaction. An
    /// action outside the scope is not found.
    pub async fn add_update(
        &self,
        action_id: ActionId,
        scope: ActionScope,
        update: &ActionUpdate,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE actions SET status = $1 WHERE id = $2 AND ($3 = 0 OR lead_agency_id = $4)",
        )
        .bind(update.status.as_str())
        .bind(action_id.get())
        .bind(i64::from(scope.agency().is_some()))
        .bind(scope.agency().map_or(0, AgencyId::get))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(DbError::NotFound(format!("action {action_id}")));
        }
        sqlx::query(
            "INSERT INTO action_updates (action_id, update_date, author, text, status, entered_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(action_id.get())
        .bind(update.date.to_string())
        .bind(&update.author)
        .bind(&update.text)
        .bind(update.status.as_str())
        .bind(self.now_text())
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One action with its updates, if it is in `scope` (else not found).
    pub async fn action_in_scope(
        &self,
        action_id: ActionId,
        scope: ActionScope,
    ) -> Result<Action, DbError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACTION_SELECT} WHERE a.id = $1 AND ($2 = 0 OR a.lead_agency_id = $3)"
        )))
        .bind(action_id.get())
        .bind(i64::from(scope.agency().is_some()))
        .bind(scope.agency().map_or(0, AgencyId::get))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("action {action_id}")))?;
        let mut a = action_of(&row)?;
        let updates = sqlx::query(
            "SELECT update_date, author, text, status FROM action_updates WHERE action_id = $1 ORDER BY id",
        )
        .bind(action_id.get())
        .fetch_all(&self.pool)
        .await?;
        for r in updates {
            a.updates.push(ActionUpdate {
                date: parse(r.try_get::<String, _>(0)?)?,
                author: r.try_get(1)?,
                text: r.try_get(2)?,
                status: status(&r.try_get::<String, _>(3)?)?,
            });
        }
        Ok(a)
    }

    /// Every action of a plan with its updates, by priority then id.
    pub async fn actions(&self, plan_id: &str) -> Result<Vec<Action>, DbError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACTION_SELECT} WHERE a.plan_id = $1 ORDER BY a.priority_id, a.id"
        )))
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        let mut actions = rows.iter().map(action_of).collect::<Result<Vec<_>, _>>()?;
        let updates = sqlx::query(
            "SELECT u.action_id, u.update_date, u.author, u.text, u.status FROM action_updates u
             JOIN actions a ON a.id = u.action_id WHERE a.plan_id = $1 ORDER BY u.id",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        for r in updates {
            let id = ActionId::from_stored(r.try_get(0)?);
            let u = ActionUpdate {
                date: parse(r.try_get::<String, _>(1)?)?,
                author: r.try_get(2)?,
                text: r.try_get(3)?,
                status: status(&r.try_get::<String, _>(4)?)?,
            };
            if let Some(a) = actions.iter_mut().find(|a| a.id == id) {
                a.updates.push(u);
            }
        }
        Ok(actions)
    }
}

/// An action's columns, its lead agency's name by id where it has one.
const ACTION_SELECT: &str = "SELECT a.id, a.plan_id, a.priority_id, a.aim, a.key_action,
    COALESCE(g.name, a.lead_agency), a.start_date, a.due_date, a.financial_implications,
    a.resource_implications, a.outcome_target, a.measure_id, a.status, a.lead_agency_id
    FROM actions a LEFT JOIN agencies g ON g.id = a.lead_agency_id";

fn parse<T: std::str::FromStr>(s: String) -> Result<T, DbError>
where
    T::Err: std::fmt::Display,
{
    s.parse()
        .map_err(|e: T::Err| DbError::Corrupt(e.to_string()))
}

fn status(s: &str) -> Result<ActionStatus, DbError> {
    ActionStatus::parse(s).ok_or_else(|| DbError::Corrupt(format!("action status {s:?}")))
}

fn action_of(r: &AnyRow) -> Result<Action, DbError> {
    let aim: String = r.try_get(3)?;
    Ok(Action {
        id: ActionId::from_stored(r.try_get(0)?),
        plan_id: r.try_get(1)?,
        priority_id: r.try_get(2)?,
        aim: Aim::parse(&aim).ok_or_else(|| DbError::Corrupt(format!("aim {aim:?}")))?,
        key_action: r.try_get(4)?,
        lead_agency_id: r.try_get::<Option<i64>, _>(13)?.map(AgencyId::from_stored),
        lead_agency: r.try_get(5)?,
        start: parse(r.try_get(6)?)?,
        due: parse(r.try_get(7)?)?,
        financial_implications: r.try_get(8)?,
        resource_implications: r.try_get(9)?,
        outcome_target: r.try_get(10)?,
        measure_id: r.try_get(11)?,
        status: status(&r.try_get::<String, _>(12)?)?,
        updates: vec![],
    })
}
