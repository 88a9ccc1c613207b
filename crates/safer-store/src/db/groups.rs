//! Groups on cases and their members, read through the caller's
//! [`CaseScope`]: a group is found only through a case in the scope, and
//! its members are people on those cases.

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::group::Group;
use safer_domain::{CaseId, GroupId, PersonId};
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::cases::{scope_params, scope_sql};
use super::{Database, DbError};

impl Database {
    /// Adds a group to a case in the scope (else not found), with its
    /// members, who must be people on the case, and the audit entry, in
    /// one transaction.
    pub async fn add_case_group(
        &self,
        case: CaseId,
        scope: &CaseScope,
        g: &Group,
        members: &[PersonId],
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<GroupId, DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.case_visible(&mut tx, case, scope).await? {
            return Err(DbError::NotFound(format!("case {case}")));
        }
        let row = sqlx::query(
            "INSERT INTO people_groups (name, description, created_by, created_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(&g.name)
        .bind(&g.description)
        .bind(created_by)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        let id = GroupId::from_stored(row.try_get(0)?);
        sqlx::query("INSERT INTO case_groups (case_id, group_id) VALUES ($1, $2)")
            .bind(case.get())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        let mut members = members.to_vec();
        members.sort();
        members.dedup();
        for p in members {
            let on = sqlx::query(
                "SELECT COUNT(*) FROM case_people WHERE case_id = $1 AND person_id = $2",
            )
            .bind(case.get())
            .bind(p.get())
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
            if on == 0 {
                return Err(DbError::Conflict(format!(
                    "person {p} is not on case {case}: a group's members are people on its cases"
                )));
            }
            sqlx::query("INSERT INTO group_members (group_id, person_id) VALUES ($1, $2)")
                .bind(id.get())
                .bind(p.get())
                .execute(&mut *tx)
                .await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The groups on the cases in the scope (of one case, or one group, or
    /// all), by id, each with its members who are on a case in the scope.
    pub async fn groups_in_scope(
        &self,
        scope: &CaseScope,
        case: Option<CaseId>,
        only: Option<GroupId>,
    ) -> Result<Vec<(GroupId, Group, Vec<PersonId>)>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT g.id, g.name, g.description FROM people_groups g
             WHERE ($1 = 0 OR g.id = $1) AND EXISTS (SELECT 1 FROM case_groups cg JOIN cases c ON c.id = cg.case_id
               WHERE cg.group_id = g.id AND ($2 = 0 OR c.id = $2) AND ",
            scope_sql!("$3", "$4"),
            ") ORDER BY g.id"
        ))
        .bind(only.map_or(0, GroupId::get))
        .bind(case.map_or(0, CaseId::get))
        .bind(agency)
        .bind(denied.clone())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id = GroupId::from_stored(r.try_get(0)?);
            let members = sqlx::query(concat!(
                "SELECT gm.person_id FROM group_members gm JOIN people p ON p.id = gm.person_id
                 WHERE gm.group_id = $1 AND p.merged_into IS NULL AND EXISTS (SELECT 1 FROM case_people cp JOIN cases c ON c.id = cp.case_id
                   WHERE cp.person_id = gm.person_id AND ",
                scope_sql!("$2", "$3"),
                ") ORDER BY gm.person_id"
            ))
            .bind(id.get())
            .bind(agency)
            .bind(denied.clone())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|m| Ok(PersonId::from_stored(m.try_get(0)?)))
            .collect::<Result<Vec<_>, DbError>>()?;
            out.push((
                id,
                Group {
                    name: r.try_get(1)?,
                    description: r.try_get(2)?,
                },
                members,
            ));
        }
        Ok(out)
    }

    /// The cases in the scope a group is on.
    pub async fn cases_of_group(
        &self,
        group: GroupId,
        scope: &CaseScope,
    ) -> Result<Vec<CaseId>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT cg.case_id FROM case_groups cg JOIN cases c ON c.id = cg.case_id
             WHERE cg.group_id = $1 AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY cg.case_id DESC"
        ))
        .bind(group.get())
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(CaseId::from_stored(r.try_get(0)?)))
            .collect()
    }
}
