//! Signing in and out, sessions and API tokens.
//!
//! * Lockout: the fifth failed sign-in in a row locks the account for
//!   [`LOCK_SECS`]; while locked even the right password is refused, and
//!   each failure after the lock ends locks it again until a sign-in
//!   succeeds. Each source address may fail [`IP_FAILURES`] times in
//!   [`LOCK_SECS`] (kept in memory). Every refusal is the same to the
//!   person signing in; the audit log says why.
//! * Passwords are verified against a dummy hash when the username is
//!   unknown or the account cannot sign in, so the time taken says nothing.
//! * A successful sign-in ends the browser's earlier session and starts a
//!   new one: the session stored and the sign-in audited in one
//!   transaction.

use std::collections::HashMap;
use std::sync::Mutex;

use safer_domain::User;
use safer_store::db::{ApiToken, SessionRecord};

use crate::{
    Actor, App, AppError, digest, generate_password, hash_password, random_token, verify_password,
};

/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// How long a lock lasts, and the window of the per-address throttle.
pub const LOCK_SECS: i64 = 15 * 60;
/// Failed sign-ins allowed from one address in [`LOCK_SECS`].
pub const IP_FAILURES: usize = 20;
/// How long a session lives however much it is used: a working day, so a
/// stolen session cookie is not good for ever.
pub const SESSION_MAX_SECS: i64 = 12 * 3600;

/// A sign-in that succeeded: the user and the new session's token (for the
/// cookie; the database holds only its digest) and CSRF token.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub user: User,
    pub session_token: String,
}

/// Why a sign-in was refused. The person signing in is told the same in
/// every case but the throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Too many failures from this address lately.
    Throttled,
    /// The username or password is not right, or the account is locked or
    /// disabled.
    Refused,
}

/// The per-address throttle, held by the running application, by source
/// address.
#[derive(Debug, Default)]
pub(crate) struct Throttle(Mutex<HashMap<String, Address>>);

/// One address's recent failures and throttled attempts.
#[derive(Debug, Default)]
struct Address {
    /// When each recent failed sign-in came (Unix seconds).
    failures: Vec<i64>,
    /// When a throttled attempt was last written to the audit log, and how
    /// many have been refused since without an entry each: one entry per
    /// address per window, so a flood of attempts cannot flood the log.
    logged_at: Option<i64>,
    unlogged: u64,
}

/// The throttle's answer for one attempt.
struct ThrottleCheck {
    /// Refuse the attempt.
    refused: bool,
    /// The detail of a `sign_in_throttled` entry to write, if one is due.
    entry: Option<String>,
}

/// A username as written to the audit log: no control characters, at most
/// 100 characters.
fn audit_name(username: &str) -> String {
    username
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect()
}

impl App {
    /// The hash checked in place of an unknown user's.
    fn dummy_hash(&self) -> Result<&str, AppError> {
        if let Some(h) = self.dummy_hash.get() {
            return Ok(h);
        }
        let h = hash_password(&generate_password(), self.config.password_cost)?;
        Ok(self.dummy_hash.get_or_init(|| h))
    }

    /// Whether the address has failed too often lately, and whether an
    /// audit entry is due: the first throttled attempt of a window writes
    /// one, later ones are counted, and the count is written with the next
    /// entry or when the throttle lifts. Prunes old entries.
    fn throttle_check(&self, source: &str, now: i64) -> ThrottleCheck {
        let pass = ThrottleCheck {
            refused: false,
            entry: None,
        };
        let Ok(mut map) = self.throttle.0.lock() else {
            return pass;
        };
        map.retain(|_, a| {
            a.failures.retain(|t| now - t < LOCK_SECS);
            !a.failures.is_empty() || a.unlogged > 0
        });
        let Some(a) = map.get_mut(source) else {
            return pass;
        };
        if a.failures.len() < IP_FAILURES {
            // The throttle has lifted: say how many were refused unlogged.
            let n = std::mem::take(&mut a.unlogged);
            a.logged_at = None;
            return ThrottleCheck {
                refused: false,
                entry: (n > 0).then(|| {
                    format!("{n} further attempts from this address were refused before the throttle lifted")
                }),
            };
        }
        match a.logged_at {
            Some(t) if now - t < LOCK_SECS => {
                a.unlogged += 1;
                ThrottleCheck {
                    refused: true,
                    entry: None,
                }
            }
            _ => {
                a.logged_at = Some(now);
                let n = std::mem::take(&mut a.unlogged);
                let mut detail = format!(
                    "too many failed sign-ins from this address; further attempts in the next {} minutes are refused and counted, not logged one by one",
                    LOCK_SECS / 60
                );
                if n > 0 {
                    detail.push_str(&format!("; {n} were refused since the last entry"));
                }
                ThrottleCheck {
                    refused: true,
                    entry: Some(detail),
                }
            }
        }
    }

    fn note_failure(&self, source: &str, now: i64) {
        if let Ok(mut map) = self.throttle.0.lock() {
            map.entry(source.to_owned()).or_default().failures.push(now);
        }
    }

    /// Signs a user in from `source`: a new session that lives `idle_secs`
    /// without use. `previous` is the digest of a session the browser had,
    /// which is ended. Every attempt is audited.
    pub async fn sign_in(
        &self,
        source: &str,
        username: &str,
        password: &str,
        previous: Option<&str>,
        idle_secs: i64,
    ) -> Result<Result<SignIn, SignInRefusal>, AppError> {
        // Made before anything is looked up, so that every path pays for
        // the first one alike.
        let dummy_hash = self.dummy_hash()?;
        let now = self.now().unix_seconds();
        let anonymous = Actor::anonymous(source);
        let named = |agency: &str, action: &str, detail: &str| {
            let mut e = anonymous.audit(action, "sign-in", detail);
            e.actor = audit_name(username);
            e.agency = agency.to_owned();
            e
        };
        let check = self.throttle_check(source, now);
        if let Some(detail) = &check.entry {
            self.db
                .audit(&named("", "sign_in_throttled", detail))
                .await?;
        }
        if check.refused {
            return Ok(Err(SignInRefusal::Throttled));
        }
        let state = self.db.login_state_by_username(username).await?;
        let refused = match state {
            None => {
                verify_password(password, dummy_hash);
                Some(("", "sign_in_failed", "unknown username".to_owned()))
            }
            Some(ref s) if !s.user.active => {
                verify_password(password, dummy_hash);
                Some((
                    s.user.agency.name.as_str(),
                    "sign_in_failed",
                    "account disabled".to_owned(),
                ))
            }
            Some(ref s) if s.locked_until > now => {
                verify_password(password, dummy_hash);
                Some((
                    s.user.agency.name.as_str(),
                    "sign_in_locked",
                    "account locked".to_owned(),
                ))
            }
            Some(ref s) if !verify_password(password, &s.password_hash) => {
                let failures = s.failed_logins + 1;
                let lock = (failures >= MAX_FAILURES).then_some(now + LOCK_SECS);
                // The failure that locks the account is its own action, so
                // that an administrator can find locked accounts.
                let (action, why) = match lock {
                    Some(_) => (
                        "account_locked",
                        format!(
                            "wrong password; locked for 15 minutes after {failures} failed sign-ins"
                        ),
                    ),
                    None => ("sign_in_failed", "wrong password".to_owned()),
                };
                let mut audit = named(&s.user.agency.name, action, &why);
                audit.actor = s.user.username.clone();
                self.db
                    .record_login_failure(s.user.id, lock, &audit)
                    .await?;
                self.note_failure(source, now);
                return Ok(Err(SignInRefusal::Refused));
            }
            Some(_) => None,
        };
        if let Some((agency, action, why)) = refused {
            self.note_failure(source, now);
            self.db.audit(&named(agency, action, &why)).await?;
            return Ok(Err(SignInRefusal::Refused));
        }
        let Some(s) = state else {
            return Ok(Err(SignInRefusal::Refused));
        };
        if let Some(old) = previous {
            self.db.end_session(old, None).await?;
        }
        let token = random_token();
        let actor = Actor::user(s.user.clone(), crate::Channel::Page, source);
        self.db
            .sign_in(
                s.user.id,
                &digest(&token),
                &random_token(),
                now + idle_secs,
                &actor.audit("sign_in", "sign-in", ""),
            )
            .await?;
        Ok(Ok(SignIn {
            user: s.user,
            session_token: token,
        }))
    }

    /// The live session of a token digest, its idle expiry moved on (at
    /// most every 30 seconds); `None` for an unknown session, one idle for
    /// `idle_secs` or older than `max_secs` (which is then ended), or a
    /// disabled user's.
    pub async fn session(
        &self,
        token_digest: &str,
        idle_secs: i64,
        max_secs: i64,
    ) -> Result<Option<SessionRecord>, AppError> {
        let Some(s) = self.db.session(token_digest).await? else {
            return Ok(None);
        };
        let now = self.now().unix_seconds();
        if now - s.created_at >= max_secs {
            self.db.end_session(token_digest, None).await?;
            return Ok(None);
        }
        if now + idle_secs - s.expires_at >= (idle_secs / 60).min(30) {
            self.db
                .extend_session(token_digest, now + idle_secs)
                .await?;
        }
        Ok(Some(s))
    }

    /// Whether the application can serve: its database answers.
    pub async fn health(&self) -> Result<(), AppError> {
        Ok(self.db.ping().await?)
    }

    /// The user and scopes of a live API token (by its secret).
    pub async fn api_token(&self, secret: &str) -> Result<Option<(User, ApiToken)>, AppError> {
        Ok(self.db.api_token(&digest(secret)).await?)
    }

    /// Ends a session (sign-out); audited as `sign_out`.
    pub async fn sign_out(
        &self,
        actor: &Actor,
        token_digest: Option<&str>,
    ) -> Result<(), AppError> {
        let audit = actor.audit("sign_out", "sign-out", "");
        match token_digest {
            Some(d) => self.db.end_session(d, Some(&audit)).await?,
            None => self.db.audit(&audit).await?,
        }
        Ok(())
    }

    /// Records a refusal or other event of the gate (`access_denied`,
    /// `csrf_rejected`) that changes nothing.
    pub async fn record_event(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        Ok(self.db.audit(&actor.audit(action, target, detail)).await?)
    }
}
