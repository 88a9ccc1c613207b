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

use super::{Backend, Database, DbError, now};

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

impl Database {
    /// Appends an entry to the chain.
    pub async fn audit(&self, e: &AuditEntry) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        if self.backend() == Backend::Postgres {
            // Two writers must not both chain onto the same last entry.
            sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let prev: String = sqlx::query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .unwrap_or_else(|| GENESIS.to_owned());
        let at = now();
        let hash = chain_hash(&prev, &at, e);
        sqlx::query(
            "INSERT INTO audit_log (at, actor, agency, action, target, detail, source, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&at)
        .bind(&e.actor)
        .bind(&e.agency)
        .bind(&e.action)
        .bind(&e.target)
        .bind(&e.detail)
        .bind(&e.source)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The most recent entries, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRecord>, DbError> {
        let rows = sqlx::query("SELECT id, at, actor, agency, action, target, detail, source, hash FROM audit_log ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
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
            })
            .collect()
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
