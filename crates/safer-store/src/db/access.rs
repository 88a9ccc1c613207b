//! Agencies, users, roles, sessions and API tokens.
//!
//! Secrets never reach this module in clear: passwords arrive hashed
//! (argon2id, by the web crate) and session and API tokens arrive as their
//! SHA-256 digests, so a copy of the database gives no one a way in.

use safer_domain::{Agency, AgencyId, Role, TokenId, User, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{AuditEntry, append};
use super::{Database, DbError, on_constraint};

/// What sign-in needs to know about a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    pub user: User,
    pub password_hash: String,
    pub failed_logins: i64,
    /// Unix seconds until which sign-in is refused (0 when not locked).
    pub locked_until: i64,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    /// Unix seconds: when it was made (for its absolute lifetime) and when
    /// it ends unless used (its idle expiry).
    pub created_at: i64,
    pub expires_at: i64,
}

/// An API token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub scopes: Vec<String>,
    pub expires_at: i64,
    pub revoked: bool,
}

const USER_SELECT: &str =
    "SELECT u.id, u.username, u.display_name, u.active, a.id, a.name, a.statutory,
    u.password_hash, u.failed_logins, u.locked_until
    FROM users u JOIN agencies a ON a.id = u.agency_id";

impl Database {
    /// Adds an agency with its audit entry. Names are unique whatever
    /// their case.
    pub async fn add_agency(
        &self,
        name: &str,
        statutory: bool,
        audit: &AuditEntry,
    ) -> Result<AgencyId, DbError> {
        let mut tx = self.pool.begin().await?;
        let row =
            sqlx::query("INSERT INTO agencies (name, statutory) VALUES ($1, $2) RETURNING id")
                .bind(name)
                .bind(i64::from(statutory))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| {
                    on_constraint(e, || format!("an agency named {name:?} already exists"))
                })?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(AgencyId::from_stored(row.try_get(0)?))
    }

    pub async fn agency(&self, id: AgencyId) -> Result<Agency, DbError> {
        self.agencies()
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| DbError::NotFound(format!("agency {id}")))
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>, DbError> {
        let rows = sqlx::query("SELECT id, name, statutory FROM agencies ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Agency {
                    id: AgencyId::from_stored(r.try_get(0)?),
                    name: r.try_get(1)?,
                    statutory: r.try_get::<i64, _>(2)? == 1,
                })
            })
            .collect()
    }

    pub async fn agency_by_name(&self, name: &str) -> Result<Option<Agency>, DbError> {
        Ok(self
            .agencies()
            .await?
            .into_iter()
            .find(|a| a.name.eq_ignore_ascii_case(name)))
    }

    /// Adds a user with roles and its audit entry; `password_hash` is a PHC
    /// string.
    pub async fn add_user(
        &self,
        username: &str,
        display_name: &str,
        agency_id: AgencyId,
        roles: &[Role],
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<UserId, DbError> {
        if roles.is_empty() {
            return Err(DbError::Conflict("a user needs at least one role".into()));
        }
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, display_name, agency_id, password_hash, active, failed_logins, locked_until, created_at)
             VALUES ($1, $2, $3, $4, 1, 0, 0, $5) RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(agency_id.get())
        .bind(password_hash)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || format!("the username {username:?} is taken, or agency {agency_id} does not exist")))?;
        let id = UserId::from_stored(row.try_get(0)?);
        for r in roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id.get())
                .bind(r.as_str())
                .execute(&mut *tx)
                .await
                .map_err(|e| on_constraint(e, || format!("role {r} given twice")))?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn roles_of(&self, user_id: UserId) -> Result<Vec<Role>, DbError> {
        let rows = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id.get())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.try_get(0)?;
                Role::parse(&s).ok_or_else(|| DbError::Corrupt(format!("role {s:?}")))
            })
            .collect()
    }

    async fn login_state(&self, row: &AnyRow) -> Result<LoginState, DbError> {
        let id = UserId::from_stored(row.try_get(0)?);
        Ok(LoginState {
            user: User {
                id,
                username: row.try_get(1)?,
                display_name: row.try_get(2)?,
                active: row.try_get::<i64, _>(3)? == 1,
                agency: Agency {
                    id: AgencyId::from_stored(row.try_get(4)?),
                    name: row.try_get(5)?,
                    statutory: row.try_get::<i64, _>(6)? == 1,
                },
                roles: self.roles_of(id).await?,
            },
            password_hash: row.try_get(7)?,
            failed_logins: row.try_get(8)?,
            locked_until: row.try_get(9)?,
        })
    }

    /// A user and their sign-in state, by username (case as stored).
    pub async fn login_state_by_username(
        &self,
        username: &str,
    ) -> Result<Option<LoginState>, DbError> {
        let q = format!("{USER_SELECT} WHERE u.username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok(Some(self.login_state(&r).await?)),
            None => Ok(None),
        }
    }

    pub async fn user(&self, id: UserId) -> Result<User, DbError> {
        let q = format!("{USER_SELECT} WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(q))
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("user {id}")))?;
        Ok(self.login_state(&row).await?.user)
    }

    /// The users locked by failed sign-ins now.
    pub async fn locked_users(&self) -> Result<Vec<UserId>, DbError> {
        let rows = sqlx::query("SELECT id FROM users WHERE locked_until > $1 ORDER BY id")
            .bind(self.now_secs())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(UserId::from_stored(r.try_get(0)?)))
            .collect()
    }

    /// How many users there are (none: a new installation).
    pub async fn user_count(&self) -> Result<i64, DbError> {
        Ok(sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    pub async fn users(&self) -> Result<Vec<User>, DbError> {
        let q = format!("{USER_SELECT} ORDER BY u.username");
        let rows = sqlx::query(sqlx::AssertSqlSafe(q))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.login_state(r).await?.user);
        }
        Ok(out)
    }

    /// Records a failed sign-in and its audit entry; `lock_until` (Unix
    /// seconds) locks the account.
    pub async fn record_login_failure(
        &self,
        user_id: UserId,
        lock_until: Option<i64>,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, locked_until = CASE WHEN $1 > locked_until THEN $1 ELSE locked_until END WHERE id = $2",
        )
        .bind(lock_until.unwrap_or(0))
        .bind(user_id.get())
        .execute(&mut *tx)
        .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A successful sign-in: the failure count cleared, the new session
    /// stored and the audit entry written, in one transaction.
    pub async fn sign_in(
        &self,
        user_id: UserId,
        session_token_hash: &str,
        csrf_token: &str,
        expires_at: i64,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1")
            .bind(user_id.get())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(session_token_hash)
            .bind(user_id.get())
            .bind(csrf_token)
            .bind(self.now_secs())
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password (hashed), unlocks the account and ends its
    /// sessions, with the audit entry.
    pub async fn set_password(
        &self,
        user_id: UserId,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = 0 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(DbError::NotFound(format!("user {user_id}")));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.get())
            .execute(&mut *tx)
            .await?;
        // A new password is for a user who may have lost control of the
        // account: their tokens end too.
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at = 0")
            .bind(self.now_secs())
            .bind(user_id.get())
            .execute(&mut *tx)
            .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables (`active` false) or enables a user, with its audit entry.
    /// A disabled user cannot sign in, and their sessions end (their tokens
    /// stop working while they are disabled).
    pub async fn set_active(
        &self,
        user_id: UserId,
        active: bool,
        audit: &AuditEntry,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(user_id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(DbError::NotFound(format!("user {user_id}")));
        }
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id.get())
                .execute(&mut *tx)
                .await?;
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Unlocks an account locked by failed sign-ins, with its audit entry.
    pub async fn unlock(&self, user_id: UserId, audit: &AuditEntry) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1")
            .bind(user_id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(DbError::NotFound(format!("user {user_id}")));
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this token digest; expired sessions are removed.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, DbError> {
        let row = sqlx::query(
            "SELECT user_id, csrf_token, expires_at, created_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at: i64 = row.try_get(2)?;
        if expires_at <= self.now_secs() {
            self.end_session(token_hash, None).await?;
            return Ok(None);
        }
        let user = self.user(UserId::from_stored(row.try_get(0)?)).await?;
        if !user.active {
            return Ok(None);
        }
        Ok(Some(SessionRecord {
            user,
            csrf_token: row.try_get(1)?,
            created_at: row.try_get(3)?,
            expires_at,
        }))
    }

    /// Moves a session's expiry (idle timeout).
    pub async fn extend_session(&self, token_hash: &str, expires_at: i64) -> Result<(), DbError> {
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session; with an audit entry (a sign-out), in one transaction.
    pub async fn end_session(
        &self,
        token_hash: &str,
        audit: Option<&AuditEntry>,
    ) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        if let Some(a) = audit {
            append(&mut tx, self.backend(), &self.now_text(), a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Creates an API token with its audit entry; returns its id.
    pub async fn create_api_token(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        scopes: &[String],
        expires_at: i64,
        audit: &AuditEntry,
    ) -> Result<TokenId, DbError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0) RETURNING id",
        )
        .bind(user_id.get())
        .bind(name)
        .bind(token_hash)
        .bind(scopes.join(" "))
        .bind(self.now_secs())
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, || format!("no user {user_id}")))?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(TokenId::from_stored(row.try_get(0)?))
    }

    /// The user and scopes of a live token (not revoked, not expired).
    pub async fn api_token(&self, token_hash: &str) -> Result<Option<(User, ApiToken)>, DbError> {
        let row = sqlx::query("SELECT id, user_id, name, scopes, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let t = token_of(&r)?;
        if t.revoked || t.expires_at <= self.now_secs() {
            return Ok(None);
        }
        // A disabled or locked account's tokens stop working with it.
        let locked_until: i64 = sqlx::query("SELECT locked_until FROM users WHERE id = $1")
            .bind(t.user_id.get())
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let user = self.user(t.user_id).await?;
        Ok((user.active && locked_until <= self.now_secs()).then_some((user, t)))
    }

    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>, DbError> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, scopes, expires_at, revoked_at FROM api_tokens ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_of).collect()
    }

    /// Revokes a live token, with its audit entry.
    pub async fn revoke_api_token(&self, id: TokenId, audit: &AuditEntry) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        let n =
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = 0")
                .bind(self.now_secs())
                .bind(id.get())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(DbError::NotFound(format!("a live API token {id}")));
        }
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn token_of(r: &AnyRow) -> Result<ApiToken, DbError> {
    let scopes: String = r.try_get(3)?;
    Ok(ApiToken {
        id: TokenId::from_stored(r.try_get(0)?),
        user_id: UserId::from_stored(r.try_get(1)?),
        name: r.try_get(2)?,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        expires_at: r.try_get(4)?,
        revoked: r.try_get::<i64, _>(5)? != 0,
    })
}
