//! People's rights over their records: rectification with its history,
//! deletion (of a person, or of a case with the people left on no other
//! case) that leaves only the audit log's fact of it, and merging
//! duplicate records so that the merge can be undone. Every method goes
//! through the caller's [`CaseScope`], as the rest of case work does.

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::person::Person;
use safer_domain::{CaseId, PersonId};
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::cases::{date_of, scope_params, scope_sql};
use super::{Database, DbError};

/// An earlier version of a person's record, as it was before a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonVersion {
    pub before: Person,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: String,
}

/// A merge of two records of one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonMerge {
    pub id: i64,
    pub merged: PersonId,
    pub kept: PersonId,
    pub reason: String,
    pub merged_by: String,
    pub merged_at: String,
    pub undone: bool,
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

fn corrupt(e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("a person: {e}"))
}

impl Database {
    /// Whether a person (not merged into another) is on a case in the
    /// scope, in the caller's transaction.
    async fn person_visible(
        &self,
        tx: &mut Tx<'_>,
        id: PersonId,
        scope: &CaseScope,
    ) -> Result<bool, DbError> {
        let (agency, denied) = scope_params(scope);
        let row = sqlx::query(concat!(
            "SELECT COUNT(*) FROM people p WHERE p.id = $1 AND p.merged_into IS NULL
               AND EXISTS (SELECT 1 FROM case_people cp JOIN cases c ON c.id = cp.case_id
               WHERE cp.person_id = p.id AND ",
            scope_sql!("$2", "$3"),
            ")"
        ))
        .bind(id.get())
        .bind(agency)
        .bind(denied)
        .fetch_one(&mut **tx)
        .await?;
        Ok(row.try_get::<i64, _>(0)? > 0)
    }

    /// Replaces a person's record, keeping the one it replaces in the
    /// person's history with the reason, and the audit entry, in one
    /// transaction. A person not in the scope is not found.
    pub async fn rectify_person(
        &self,
        id: PersonId,
        scope: &CaseScope,
        now: &Person,
        reason: &str,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.person_visible(&mut tx, id, scope).await? {
            return Err(DbError::NotFound(format!("person {id}")));
        }
        let before = sqlx::query(
            "SELECT name, aliases, birth, address, vulnerabilities FROM people WHERE id = $1",
        )
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await?;
        let json = |i: usize| -> Result<serde_json::Value, DbError> {
            serde_json::from_str(&before.try_get::<String, _>(i)?).map_err(corrupt)
        };
        let old = serde_json::json!({
            "name": before.try_get::<String, _>(0)?,
            "aliases": json(1)?,
            "birth": json(2)?,
            "address": before.try_get::<Option<String>, _>(3)?,
            "vulnerabilities": json(4)?,
        });
        sqlx::query(
            "INSERT INTO person_history (person_id, before, reason, changed_by, changed_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.get())
        .bind(old.to_string())
        .bind(reason)
        .bind(by)
        .bind(self.now_text())
        .execute(&mut *tx)
        .await?;
        let text = |v: serde_json::Result<String>| v.map_err(corrupt);
        sqlx::query(
            "UPDATE people SET name = $2, aliases = $3, birth = $4, address = $5, vulnerabilities = $6
             WHERE id = $1",
        )
        .bind(id.get())
        .bind(&now.name)
        .bind(text(serde_json::to_string(&now.aliases))?)
        .bind(text(serde_json::to_string(&now.birth))?)
        .bind(now.address.clone())
        .bind(text(serde_json::to_string(&now.vulnerabilities))?)
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A person's earlier versions, oldest first (the person must be in
    /// the scope, else not found).
    pub async fn person_history(
        &self,
        id: PersonId,
        scope: &CaseScope,
    ) -> Result<Vec<PersonVersion>, DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.person_visible(&mut tx, id, scope).await? {
            return Err(DbError::NotFound(format!("person {id}")));
        }
        let rows = sqlx::query(
            "SELECT before, reason, changed_by, changed_at FROM person_history
             WHERE person_id = $1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(PersonVersion {
                    before: serde_json::from_str(&r.try_get::<String, _>(0)?).map_err(corrupt)?,
                    reason: r.try_get(1)?,
                    changed_by: r.try_get(2)?,
                    changed_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Removes people, with everything that names them but the audit log:
    /// their links to cases, their history, their merges, and the records
    /// merged into them.
    async fn purge_people(&self, tx: &mut Tx<'_>, ids: &[i64]) -> Result<(), DbError> {
        for id in ids {
            let merged: Vec<i64> = sqlx::query("SELECT id FROM people WHERE merged_into = $1")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            for p in merged.iter().chain([id]) {
                for sql in [
                    "DELETE FROM person_merge_links WHERE merge_id IN (SELECT id FROM person_merges WHERE merged = $1 OR kept = $1)",
                    "DELETE FROM person_merges WHERE merged = $1 OR kept = $1",
                    "DELETE FROM person_history WHERE person_id = $1",
                    "DELETE FROM group_members WHERE person_id = $1",
                    "DELETE FROM intervention_breaches WHERE intervention_id IN (SELECT id FROM interventions WHERE person_id = $1)",
                    "DELETE FROM abcs WHERE intervention_id IN (SELECT id FROM interventions WHERE person_id = $1)",
                    "DELETE FROM interventions WHERE person_id = $1",
                    "DELETE FROM management_plans WHERE person_id = $1",
                    "DELETE FROM diversionary_activities WHERE person_id = $1",
                    // A referral out is counted by the plans; it stays,
                    // naming no one.
                    "UPDATE referrals SET person_id = NULL WHERE person_id = $1",
                    "DELETE FROM case_people WHERE person_id = $1",
                ] {
                    sqlx::query(sql).bind(p).execute(&mut **tx).await?;
                }
            }
            for p in merged.iter().chain([id]) {
                sqlx::query("UPDATE people SET merged_into = NULL WHERE id = $1")
                    .bind(p)
                    .execute(&mut **tx)
                    .await?;
            }
            for p in merged.iter().chain([id]) {
                sqlx::query("DELETE FROM people WHERE id = $1")
                    .bind(p)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Deletes a person in the scope (else not found) from every case and
    /// record, with the audit entry that keeps the fact of it, in one
    /// transaction.
    pub async fn delete_person(
        &self,
        id: PersonId,
        scope: &CaseScope,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.person_visible(&mut tx, id, scope).await? {
            return Err(DbError::NotFound(format!("person {id}")));
        }
        self.purge_people(&mut tx, &[id.get()]).await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a case in the scope (else not found) with its chronology,
    /// actions, shares and links, the locations and the people it leaves
    /// on no case, in
    /// one transaction with its audit entry. Returns how many people went
    /// with it.
    pub async fn delete_case(
        &self,
        id: CaseId,
        scope: &CaseScope,
        audit: &AuditEntry,
    ) -> Result<usize, DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.case_visible(&mut tx, id, scope).await? {
            return Err(DbError::NotFound(format!("case {id}")));
        }
        let people: Vec<i64> =
            sqlx::query("SELECT DISTINCT person_id FROM case_people WHERE case_id = $1")
                .bind(id.get())
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        for sql in [
            "DELETE FROM case_action_updates WHERE action_id IN (SELECT id FROM case_actions WHERE case_id = $1)",
            "DELETE FROM case_actions WHERE case_id = $1",
            "DELETE FROM case_events WHERE case_id = $1",
            "DELETE FROM case_shares WHERE case_id = $1",
            "DELETE FROM case_agencies WHERE case_id = $1",
            "DELETE FROM person_merge_links WHERE case_id = $1",
            "DELETE FROM case_people WHERE case_id = $1",
            "DELETE FROM case_locations WHERE case_id = $1",
            "DELETE FROM case_groups WHERE case_id = $1",
            "DELETE FROM intervention_breaches WHERE intervention_id IN (SELECT id FROM interventions WHERE case_id = $1)",
            "DELETE FROM abcs WHERE intervention_id IN (SELECT id FROM interventions WHERE case_id = $1)",
            "DELETE FROM interventions WHERE case_id = $1",
            "DELETE FROM management_plans WHERE case_id = $1",
            "DELETE FROM diversionary_activities WHERE case_id = $1",
            "DELETE FROM place_powers WHERE case_id = $1",
            "DELETE FROM referrals WHERE case_id = $1",
            "DELETE FROM trigger_cases WHERE case_id = $1",
            "DELETE FROM cases WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id.get()).execute(&mut *tx).await?;
        }
        // A group on no case goes, with its members' links.
        for sql in [
            "DELETE FROM group_members WHERE NOT EXISTS (SELECT 1 FROM case_groups cg WHERE cg.group_id = group_members.group_id)",
            "DELETE FROM people_groups WHERE NOT EXISTS (SELECT 1 FROM case_groups cg WHERE cg.group_id = people_groups.id)",
        ] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        // Addresses are personal data too: a location on no case goes.
        sqlx::query(
            "DELETE FROM locations WHERE NOT EXISTS (SELECT 1 FROM case_locations cl WHERE cl.location_id = locations.id)",
        )
        .execute(&mut *tx)
        .await?;
        let mut orphans = Vec::new();
        for p in people {
            let left = sqlx::query("SELECT COUNT(*) FROM case_people WHERE person_id = $1")
                .bind(p)
                .fetch_one(&mut *tx)
                .await?
                .try_get::<i64, _>(0)?;
            if left == 0 {
                orphans.push(p);
            }
        }
        self.purge_people(&mut tx, &orphans).await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(orphans.len())
    }

    /// The cases in the scope that have ended (closed or declined), with
    /// the day they ended: the last closure or decline in the chronology.
    pub async fn ended_cases(
        &self,
        scope: &CaseScope,
    ) -> Result<Vec<(CaseId, safer_domain::Date)>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT c.id, MAX(e.occurred_on) FROM cases c JOIN case_events e ON e.case_id = c.id
             WHERE c.status IN ('closed', 'declined') AND e.kind IN ('closed', 'declined') AND ",
            scope_sql!("$1", "$2"),
            " GROUP BY c.id ORDER BY c.id"
        ))
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    CaseId::from_stored(r.try_get(0)?),
                    date_of(&r.try_get::<String, _>(1)?)?,
                ))
            })
            .collect()
    }

    /// Merges the record `merged` into `kept` (both in the scope, else not
    /// found): `merged`'s links to cases move to `kept` (those `kept` has
    /// already stay where they are), `merged` is kept aside, marked, so
    /// the merge can be undone; with the audit entry, in one transaction.
    pub async fn merge_people(
        &self,
        merged: PersonId,
        kept: PersonId,
        scope: &CaseScope,
        reason: &str,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<i64, DbError> {
        if merged == kept {
            return Err(DbError::Conflict(
                "a record cannot be merged into itself".into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        for p in [merged, kept] {
            if !self.person_visible(&mut tx, p, scope).await? {
                return Err(DbError::NotFound(format!("person {p}")));
            }
        }
        let row = sqlx::query(
            "INSERT INTO person_merges (merged, kept, reason, merged_by, merged_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(merged.get())
        .bind(kept.get())
        .bind(reason)
        .bind(by)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        let merge: i64 = row.try_get(0)?;
        let links = sqlx::query("SELECT case_id, role FROM case_people WHERE person_id = $1")
            .bind(merged.get())
            .fetch_all(&mut *tx)
            .await?;
        for l in &links {
            let (case, role): (i64, String) = (l.try_get(0)?, l.try_get(1)?);
            let had = sqlx::query(
                "SELECT COUNT(*) FROM case_people WHERE case_id = $1 AND person_id = $2 AND role = $3",
            )
            .bind(case)
            .bind(kept.get())
            .bind(&role)
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
            if had == 0 {
                sqlx::query(
                    "INSERT INTO case_people (case_id, person_id, role) VALUES ($1, $2, $3)",
                )
                .bind(case)
                .bind(kept.get())
                .bind(&role)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO person_merge_links (merge_id, case_id, role) VALUES ($1, $2, $3)",
                )
                .bind(merge)
                .bind(case)
                .bind(&role)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query("UPDATE people SET merged_into = $2 WHERE id = $1")
            .bind(merged.get())
            .bind(kept.get())
            .execute(&mut *tx)
            .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(merge)
    }

    /// Undoes a merge whose kept record is in the scope (else not found):
    /// the links it moved go back, and the merged record is a record again;
    /// with the audit entry, in one transaction.
    pub async fn undo_merge(
        &self,
        merge: i64,
        scope: &CaseScope,
        audit: &AuditEntry,
    ) -> Result<PersonId, DbError> {
        let mut tx = self.pool.begin().await?;
        let m = sqlx::query(
            "SELECT merged, kept FROM person_merges WHERE id = $1 AND undone_at IS NULL",
        )
        .bind(merge)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| DbError::NotFound(format!("merge {merge}")))?;
        let (merged, kept) = (
            PersonId::from_stored(m.try_get(0)?),
            PersonId::from_stored(m.try_get(1)?),
        );
        if !self.person_visible(&mut tx, kept, scope).await? {
            return Err(DbError::NotFound(format!("merge {merge}")));
        }
        let links = sqlx::query("SELECT case_id, role FROM person_merge_links WHERE merge_id = $1")
            .bind(merge)
            .fetch_all(&mut *tx)
            .await?;
        for l in &links {
            let (case, role): (i64, String) = (l.try_get(0)?, l.try_get(1)?);
            sqlx::query(
                "DELETE FROM case_people WHERE case_id = $1 AND person_id = $2 AND role = $3",
            )
            .bind(case)
            .bind(kept.get())
            .bind(&role)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO case_people (case_id, person_id, role) VALUES ($1, $2, $3)
                 ON CONFLICT (case_id, person_id, role) DO NOTHING",
            )
            .bind(case)
            .bind(merged.get())
            .bind(&role)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE people SET merged_into = NULL WHERE id = $1")
            .bind(merged.get())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE person_merges SET undone_at = $2 WHERE id = $1")
            .bind(merge)
            .bind(self.now_text())
            .execute(&mut *tx)
            .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(merged)
    }

    /// The merges into a person in the scope, newest first.
    pub async fn merges_into(
        &self,
        kept: PersonId,
        scope: &CaseScope,
    ) -> Result<Vec<PersonMerge>, DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.person_visible(&mut tx, kept, scope).await? {
            return Err(DbError::NotFound(format!("person {kept}")));
        }
        let rows = sqlx::query(
            "SELECT id, merged, kept, reason, merged_by, merged_at, undone_at FROM person_merges
             WHERE kept = $1 ORDER BY id DESC",
        )
        .bind(kept.get())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(PersonMerge {
                    id: r.try_get(0)?,
                    merged: PersonId::from_stored(r.try_get(1)?),
                    kept: PersonId::from_stored(r.try_get(2)?),
                    reason: r.try_get(3)?,
                    merged_by: r.try_get(4)?,
                    merged_at: r.try_get(5)?,
                    undone: r.try_get::<Option<String>, _>(6)?.is_some(),
                })
            })
            .collect()
    }
}
