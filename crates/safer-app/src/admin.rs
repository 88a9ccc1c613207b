//! Administration: agencies, users and their passwords, API tokens, and
//! the audit log. For administrators, or the machine's operator at the
//! command line (who makes the first administrator).

use safer_domain::{Agency, AgencyId, Role, TokenId, User, UserId};
use safer_store::db::{ApiToken, AuditRecord, Verification};

use crate::{
    Actor, App, AppError, check_password_strength, digest, generate_password, hash_password,
};

/// API token scopes.
pub const SCOPES: [&str; 2] = ["read", "write"];

impl App {
    /// Adds an agency; audited as `add_agency`. Names are unique whatever
    /// their case.
    pub async fn add_agency(
        &self,
        actor: &Actor,
        name: &str,
        statutory: bool,
    ) -> Result<AgencyId, AppError> {
        actor.require_admin()?;
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::Invalid("An agency needs a name.".into()));
        }
        let audit = actor.audit(
            "add_agency",
            &format!("agency {name}"),
            if statutory { "statutory" } else { "" },
        );
        Ok(self.db.add_agency(name, statutory, &audit).await?)
    }

    /// Every agency, by name (not personal data).
    pub async fn agencies(&self) -> Result<Vec<Agency>, AppError> {
        Ok(self.db.agencies().await?)
    }

    /// An agency by name, ignoring case.
    pub async fn agency_named(&self, name: &str) -> Result<Option<Agency>, AppError> {
        Ok(self.db.agency_by_name(name).await?)
    }

    /// The agency a lead names (an action's, a project's): it must be an
    /// agency of the partnership, matched whatever the case.
    pub(crate) async fn lead_agency(&self, name: &str) -> Result<Agency, AppError> {
        self.db.agency_by_name(name.trim()).await?.ok_or_else(|| {
            AppError::Invalid(format!(
                "No agency is named {name:?}: the lead must be an agency of the partnership (add it first)."
            ))
        })
    }

    /// Adds a user with roles and a password; audited as `add_user`.
    pub async fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        agency: &str,
        roles: &[Role],
        password: &str,
    ) -> Result<UserId, AppError> {
        actor.require_admin()?;
        safer_domain::check_username(username)
            .map_err(|why| AppError::Invalid(format!("The username is refused: {why}.")))?;
        let a = self.db.agency_by_name(agency).await?.ok_or_else(|| {
            AppError::Invalid(format!(
                "No agency is named {agency:?}; add it first with `safer agency add {agency:?}`."
            ))
        })?;
        check_password_strength(password, &[username, display_name, &a.name])
            .map_err(AppError::Invalid)?;
        let hash = hash_password(password, self.config().password_cost)?;
        let audit = actor.audit(
            "add_user",
            &format!("user {username}"),
            &format!(
                "{display_name}, {}: {}",
                a.name,
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        );
        Ok(self
            .db
            .add_user(username, display_name, a.id, roles, &hash, &audit)
            .await?)
    }

    /// Sets a new password, unlocks the account, ends its sessions and
    /// revokes its API tokens; audited as `reset_password`.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
    ) -> Result<(), AppError> {
        actor.require_admin()?;
        let user = self.user_named(username).await?;
        check_password_strength(password, &[username, &user.display_name, &user.agency.name])
            .map_err(AppError::Invalid)?;
        let hash = hash_password(password, self.config().password_cost)?;
        let audit = actor.audit("reset_password", &format!("user {username}"), "");
        Ok(self.db.set_password(user.id, &hash, &audit).await?)
    }

    /// Disables a user: they cannot sign in, their sessions end and their
    /// API tokens stop working; audited as `disable_user`. Their records
    /// and the audit log keep their name.
    pub async fn disable_user(&self, actor: &Actor, username: &str) -> Result<(), AppError> {
        actor.require_admin()?;
        let user = self.user_named(username).await?;
        let audit = actor.audit("disable_user", &format!("user {username}"), "");
        Ok(self.db.set_active(user.id, false, &audit).await?)
    }

    /// Enables a disabled user again; audited as `enable_user`.
    pub async fn enable_user(&self, actor: &Actor, username: &str) -> Result<(), AppError> {
        actor.require_admin()?;
        let user = self.user_named(username).await?;
        let audit = actor.audit("enable_user", &format!("user {username}"), "");
        Ok(self.db.set_active(user.id, true, &audit).await?)
    }

    /// Unlocks an account locked by failed sign-ins, keeping its password;
    /// audited as `unlock_user`.
    pub async fn unlock_user(&self, actor: &Actor, username: &str) -> Result<(), AppError> {
        actor.require_admin()?;
        let user = self.user_named(username).await?;
        let audit = actor.audit("unlock_user", &format!("user {username}"), "");
        Ok(self.db.unlock(user.id, &audit).await?)
    }

    /// A user by username (not found: an error naming them).
    pub async fn user_named(&self, username: &str) -> Result<User, AppError> {
        self.db
            .login_state_by_username(username)
            .await?
            .map(|s| s.user)
            .ok_or_else(|| AppError::NotFound(format!("There is no user {username:?}.")))
    }

    /// A user acting at the command line as `--by` names them: a real,
    /// active user of Safer, or the command is refused.
    pub async fn command_line_actor(&self, username: &str, login: &str) -> Result<Actor, AppError> {
        let user = self.user_named(username).await.map_err(|_| {
            AppError::Refused(format!(
                "There is no user {username:?}: give --by (or SAFER_USER) as the username of a user of Safer."
            ))
        })?;
        if !user.active {
            return Err(AppError::Refused(format!(
                "The user {username:?} is disabled."
            )));
        }
        Ok(Actor::user(user, crate::Channel::CommandLine, login))
    }

    /// Whether anyone can sign in yet: a new installation has no users.
    pub async fn has_users(&self) -> Result<bool, AppError> {
        Ok(self.db.user_count().await? > 0)
    }

    /// Every user, audited as a view of personal data.
    pub async fn users(&self, actor: &Actor) -> Result<Vec<User>, AppError> {
        actor.require_admin()?;
        let users = self.db.users().await?;
        self.db
            .audit(&actor.audit("view", "users", &format!("{} users", users.len())))
            .await?;
        Ok(users)
    }

    /// Creates an API token for a user; returns its id and the secret,
    /// shown once. Audited as `create_api_token`.
    pub async fn create_token(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
        scopes: &[String],
        days: i64,
    ) -> Result<(TokenId, String), AppError> {
        actor.require_admin()?;
        if let Some(bad) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
            return Err(AppError::Invalid(format!(
                "Scopes are read and write, not {bad:?}."
            )));
        }
        if !(1..=3650).contains(&days) {
            return Err(AppError::Invalid(
                "A token lives from 1 to 3,650 days.".into(),
            ));
        }
        let user = self.user_named(username).await?;
        let token = format!("safer_{}", generate_password());
        let audit = actor.audit(
            "create_api_token",
            &format!("user {username}"),
            &format!("{name}: {}", scopes.join(" ")),
        );
        let expires = self.now().unix_seconds() + days * 86_400;
        let id = self
            .db
            .create_api_token(user.id, name, &digest(&token), scopes, expires, &audit)
            .await?;
        Ok((id, token))
    }

    /// Revokes a token; audited as `revoke_api_token`.
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> Result<(), AppError> {
        actor.require_admin()?;
        // Say whose token it was, so the log can be searched by the user.
        let detail = match self.db.api_tokens().await?.into_iter().find(|t| t.id == id) {
            Some(t) => {
                let user = self.db.user(t.user_id).await?;
                format!("{} of user {}", t.name, user.username)
            }
            None => String::new(),
        };
        let audit = actor.audit("revoke_api_token", &format!("token {id}"), &detail);
        Ok(self.db.revoke_api_token(id, &audit).await?)
    }

    /// Every API token (without secrets).
    /// The users locked by failed sign-ins now.
    pub async fn locked_users(&self, actor: &Actor) -> Result<Vec<UserId>, AppError> {
        actor.require_admin()?;
        Ok(self.db.locked_users().await?)
    }

    pub async fn tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, AppError> {
        actor.require_admin()?;
        Ok(self.db.api_tokens().await?)
    }

    /// The agency's access report, for its administrator: who of the
    /// administrator's own agency viewed, searched or exported which case
    /// records, newest first (at most `limit`); audited as a view.
    pub async fn access_report(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<(String, Vec<AuditRecord>), AppError> {
        let user = actor.require(&[safer_domain::Role::Administrator])?;
        let agency = user.agency.name.clone();
        let rows = self
            .db
            .agency_entries(&agency, crate::casework::READS_OF_CASE_RECORDS, limit)
            .await?;
        self.db
            .audit(&actor.audit(
                "view",
                "access report",
                &format!("{agency}: {} entries", rows.len()),
            ))
            .await?;
        Ok((agency, rows))
    }

    /// The latest audit entries, newest first; audited as a view.
    pub async fn audit_log(&self, actor: &Actor, limit: i64) -> Result<Vec<AuditRecord>, AppError> {
        actor.require_admin()?;
        let rows = self.db.audit_log(limit).await?;
        self.db
            .audit(&actor.audit("view", "audit log", &format!("{} entries", rows.len())))
            .await?;
        Ok(rows)
    }

    /// A page of the audit entries matching `filter`, newest first, with
    /// how many match; audited as a view of personal data (with the
    /// search, so that looking someone up is itself on the record).
    pub async fn audit_search(
        &self,
        actor: &Actor,
        filter: &safer_store::db::AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditRecord>, i64), AppError> {
        actor.require_admin()?;
        let (rows, total) = self.db.audit_search(filter, limit, offset).await?;
        let mut asked = Vec::new();
        for (k, v) in [
            ("who", &filter.actor),
            ("what", &filter.action),
            ("from", &filter.from),
            ("until", &filter.until),
            ("text", &filter.text),
        ] {
            if !v.is_empty() {
                asked.push(format!("{k} {v:?}"));
            }
        }
        let detail = format!(
            "{} of {total} entries from {offset}{}{}",
            rows.len(),
            if asked.is_empty() { "" } else { "; " },
            asked.join(", ")
        );
        self.db
            .audit(&actor.audit("view", "audit log", &detail))
            .await?;
        Ok((rows, total))
    }

    /// The latest audit entries, oldest first, for export; audited as an
    /// export before they are returned.
    pub async fn export_audit_log(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, AppError> {
        actor.require_admin()?;
        let mut rows = self.db.audit_log(limit).await?;
        rows.reverse();
        self.db
            .audit(&actor.audit("export", "audit log", &format!("{} entries", rows.len())))
            .await?;
        Ok(rows)
    }

    /// Checks the audit log's hash chain from the first entry.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<Verification, AppError> {
        actor.require_admin()?;
        Ok(self.db.verify_audit().await?)
    }
}

/// The audit log as CSV (for `/admin/audit.csv` and `safer audit export`),
/// spreadsheet-safe like every CSV Safer writes.
pub fn audit_log_csv(rows: &[AuditRecord]) -> Result<String, AppError> {
    Ok(safer_report::csv_table(
        &[
            "id", "at", "actor", "agency", "action", "target", "detail", "source", "hash",
        ],
        rows.iter().map(|r| {
            [
                r.id.to_string(),
                r.at.clone(),
                r.actor.clone(),
                r.agency.clone(),
                r.action.clone(),
                r.target.clone(),
                r.detail.clone(),
                r.source.clone(),
                r.hash.clone(),
            ]
        }),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Usernames and details in the log are whatever someone typed: the CSV
    /// quotes them and never lets a spreadsheet run one as a formula.
    #[test]
    fn the_audit_csv_is_quoted_and_never_formulas() {
        let row = |actor: &str, detail: &str| AuditRecord {
            id: 1,
            at: "2024-05-01T09:30:00Z".into(),
            actor: actor.into(),
            agency: "Council".into(),
            action: "sign_in_failed".into(),
            target: "sign-in".into(),
            detail: detail.into(),
            source: "web 192.0.2.1".into(),
            hash: "ab".into(),
        };
        let csv =
            audit_log_csv(&[row("=cmd()", "say \"hi\", then -1+1"), row("-1", "@x")]).unwrap();
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][2], "'=cmd()");
        assert_eq!(&rows[0][6], "say \"hi\", then -1+1");
        assert_eq!(&rows[1][2], "-1", "a number stays a number");
        assert_eq!(&rows[1][6], "'@x");
        assert!(csv.starts_with("id,at,actor,agency,action,target,detail,source,hash\n"));
    }
}
