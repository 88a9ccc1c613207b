//! The audit log: append-only and hash-chained.
//!
//! Each entry's hash is SHA-256 over the previous entry's hash and the
//! entry's own fields, so changing, removing or reordering any entry breaks
//! every hash after it; [`Database::verify_audit`] finds the first break.
//! The database also refuses updates and deletes (triggers), so tampering
//! needs direct access to the database files, and is then detectable.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Backend, Database, DbError};

/// What happened, as the caller describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The username, or "anonymous", or "system".
    pub actor: String,
    pub agency: String,
    /// What was done: `sign_in`, `sign_in_failed`, `update_action`, `export`, `view` …
    pub action: String,
    /// What it was done to: a route, a record id.
    pub target: String,
    pub detail: String,
    /// Where from: the client's address.
    pub source: String,
}

/// What to look for in the audit log; an empty field matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Who (the actor as logged), whatever the case.
    pub actor: String,
    /// What was done, exactly (`update_action`, `sign_in_failed` …).
    pub action: String,
    /// From this instant (RFC 3339 or a date, `2024-05-01`), inclusive.
    pub from: String,
    /// Before this instant, exclusive.
    pub until: String,
    /// Text in the target or the detail, whatever the case.
    pub text: String,
}

/// An entry from a row of `SELECT id, at, actor, agency, action, target,
/// detail, source, hash`.
fn record_of(r: &sqlx::any::AnyRow) -> Result<AuditRecord, DbError> {
    Ok(AuditRecord {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        agency: r.try_get(3)?,
        action: r.try_get(4)?,
        target: r.try_get(5)?,
        detail: r.try_get(6)?,
        source: r.try_get(7)?,
        hash: r.try_get(8)?,
    })
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub agency: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub source: String,
    pub hash: String,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub entries: u64,
    /// The id of the first entry whose hash does not follow, if any.
    pub first_broken: Option<i64>,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn chain_hash(prev: &str, at: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    for part in [
        prev, at, &e.actor, &e.agency, &e.action, &e.target, &e.detail, &e.source,
    ] {
        // Length-prefixed, so no two different entries hash the same text.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends an entry to the chain on `conn`, inside the caller's transaction:
/// the entry is kept only if the transaction commits, and the change it
/// records is kept only if the entry could be written.
pub(crate) async fn append(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    at: &str,
    e: &AuditEntry,
) -> Result<(), DbError> {
    if backend == Backend::Postgres {
        // Two writers must not both chain onto the same last entry.
        sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            .execute(&mut *conn)
            .await?;
    }
    let prev: String = sqlx::query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let hash = chain_hash(&prev, at, e);
    sqlx::query(
        "INSERT INTO audit_log (at, actor, agency, action, target, detail, source, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(at)
    .bind(&e.actor)
    .bind(&e.agency)
    .bind(&e.action)
    .bind(&e.target)
    .bind(&e.detail)
    .bind(&e.source)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// SQL that makes every later audit write fail, by backend: for tests that
/// a change whose audit entry cannot be written is not kept.
pub const FAULT_INJECTION_SQL: [(Backend, &str); 2] = [
    (
        Backend::Sqlite,
        "CREATE TRIGGER audit_log_fault BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit write refused (fault injected)'); END",
    ),
    (
        Backend::Postgres,
        "CREATE FUNCTION audit_log_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit write refused (fault injected)'; END $$; CREATE TRIGGER audit_log_fault BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_fault()",
    ),
];

impl Database {
    /// Appends an entry that records no change (a sign-in, a refusal, a
    /// view or export): one transaction of its own.
    pub async fn audit(&self, e: &AuditEntry) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        append(&mut tx, self.backend(), &self.now_text(), e).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes every later audit write fail (see [`FAULT_INJECTION_SQL`]).
    pub async fn inject_audit_fault(&self) -> Result<(), DbError> {
        let sql = FAULT_INJECTION_SQL
            .iter()
            .find(|(b, _)| *b == self.backend())
            .map(|(_, s)| *s)
            .unwrap_or_default();
        self.execute_admin(sql).await
    }

    /// The id of the newest entry (0 when there is none). Every change
    /// writes its entry in its own transaction, and entries are appended one
    /// at a time in id order and never removed, so this moves with every
    /// change committed, by any process: one indexed read that tells a
    /// cached result computed from the database whether it still holds.
    pub async fn audit_head(&self) -> Result<i64, DbError> {
        let row = sqlx::query("SELECT id FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?.unwrap_or(0))
    }

    /// The most recent entries, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRecord>, DbError> {
        let rows = sqlx::query("SELECT id, at, actor, agency, action, target, detail, source, hash FROM audit_log ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_of).collect()
    }

    /// The entries of one agency's users whose action is one of
    /// `actions`, newest first (at most `limit`): an agency's access
    /// report. The actions are codes, passed comma-joined and
    /// comma-wrapped, so the query stays one text.
    pub async fn agency_entries(
        &self,
        agency: &str,
        actions: &[&str],
        limit: i64,
    ) -> Result<Vec<AuditRecord>, DbError> {
        let list = format!(",{},", actions.join(","));
        let rows = sqlx::query(
            "SELECT id, at, actor, agency, action, target, detail, source, hash FROM audit_log
             WHERE agency = $1 AND $2 LIKE ('%,' || action || ',%') ORDER BY id DESC LIMIT $3",
        )
        .bind(agency)
        .bind(list)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_of).collect()
    }

    /// A page of the entries that match `filter`, newest first, and how many
    /// match in all.
    pub async fn audit_search(
        &self,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditRecord>, i64), DbError> {
        // Each condition is on when its parameter is not empty; the text
        // of the query never depends on what is searched for.
        let condition = "($1 = '' OR lower(actor) = lower($1))
             AND ($2 = '' OR action = $2)
             AND ($3 = '' OR at >= $3)
             AND ($4 = '' OR at < $4)
             AND ($5 = '' OR lower(target) LIKE '%' || lower($5) || '%' OR lower(detail) LIKE '%' || lower($5) || '%')";
        let bind = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>| {
            q.bind(filter.actor.clone())
                .bind(filter.action.clone())
                .bind(filter.from.clone())
                .bind(filter.until.clone())
                .bind(filter.text.clone())
        };
        let total: i64 = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE {condition}"
        ))))
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let rows = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, at, actor, agency, action, target, detail, source, hash FROM audit_log
             WHERE {condition} ORDER BY id DESC LIMIT $6 OFFSET $7"
        ))))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let records = rows
            .iter()
            .map(record_of)
            .collect::<Result<Vec<_>, DbError>>()?;
        Ok((records, total))
    }

    /// Recomputes the chain from the first entry.
    pub async fn verify_audit(&self) -> Result<Verification, DbError> {
        let rows = sqlx::query("SELECT id, at, actor, agency, action, target, detail, source, prev_hash, hash FROM audit_log ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut prev = GENESIS.to_owned();
        let mut n = 0u64;
        for r in &rows {
            n += 1;
            let e = AuditEntry {
                actor: r.try_get(2)?,
                agency: r.try_get(3)?,
                action: r.try_get(4)?,
                target: r.try_get(5)?,
                detail: r.try_get(6)?,
                source: r.try_get(7)?,
            };
            let at: String = r.try_get(1)?;
            let stored_prev: String = r.try_get(8)?;
            let stored: String = r.try_get(9)?;
            if stored_prev != prev || chain_hash(&prev, &at, &e) != stored {
                return Ok(Verification {
                    entries: n,
                    first_broken: Some(r.try_get(0)?),
                });
            }
            prev = stored;
        }
        Ok(Verification {
            entries: n,
            first_broken: None,
        })
    }
}
