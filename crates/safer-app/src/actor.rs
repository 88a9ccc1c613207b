//! Who asks for a task, and by which channel.

use safer_domain::{Role, User};
use safer_store::db::AuditEntry;

use crate::AppError;

/// How a request reached Safer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// A page of the web application, with a signed-in session.
    Page,
    /// The JSON API, with an API token.
    Api { token_id: i64 },
    /// The command line.
    CommandLine,
}

impl Channel {
    fn describe(&self) -> String {
        match self {
            Channel::Page => "web".to_owned(),
            Channel::Api { token_id } => format!("api token {token_id}"),
            Channel::CommandLine => "command line".to_owned(),
        }
    }
}

/// The caller of a task: a user (or nobody, before sign-in, or the
/// machine's operator at the command line), the channel, and where the call
/// came from (a client address, or the operating-system login).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    user: Option<User>,
    operator: Option<String>,
    channel: Channel,
    source: String,
}

impl Actor {
    /// A signed-in user (or a token's user, or `--by` at the command line).
    pub fn user(user: User, channel: Channel, source: impl Into<String>) -> Actor {
        Actor {
            user: Some(user),
            operator: None,
            channel,
            source: source.into(),
        }
    }

    /// Nobody yet: a visitor signing in.
    pub fn anonymous(source: impl Into<String>) -> Actor {
        Actor {
            user: None,
            operator: None,
            channel: Channel::Page,
            source: source.into(),
        }
    }

    /// The operator of the machine, at the command line: whoever can run
    /// `safer` against the data directory holds the database already, so
    /// they may administer accounts (the first administrator is made this
    /// way). Every other task needs a user (`--by`).
    pub fn operator(login: impl Into<String>) -> Actor {
        let login = login.into();
        Actor {
            user: None,
            operator: Some(login.clone()),
            channel: Channel::CommandLine,
            source: login,
        }
    }

    pub fn signed_in(&self) -> Option<&User> {
        self.user.as_ref()
    }

    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The user, if they hold any of `roles`: otherwise the task is refused.
    pub fn require(&self, roles: &[Role]) -> Result<&User, AppError> {
        match &self.user {
            Some(u) if u.active && u.has_any(roles) => Ok(u),
            Some(_) => Err(AppError::Refused(format!(
                "This needs the role of {}.",
                roles
                    .iter()
                    .map(|r| r.label().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))),
            None if self.operator.is_some() => Err(AppError::Refused(
                "Say who is doing this: give --by USERNAME (or set SAFER_USER) for a user of Safer with the role it needs.".into(),
            )),
            None => Err(AppError::Refused("Sign in first.".into())),
        }
    }

    /// Administration (accounts, agencies, tokens, the audit log): an
    /// administrator, or the machine's operator at the command line.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.operator.is_some() {
            return Ok(());
        }
        self.require(&[Role::Administrator]).map(|_| ())
    }

    /// The name this actor goes by in the audit log and in "entered by".
    pub fn name(&self) -> String {
        match (&self.user, &self.operator) {
            (Some(u), _) => u.username.clone(),
            (None, Some(login)) => format!("operator:{login}"),
            (None, None) => "anonymous".to_owned(),
        }
    }

    /// An audit entry of this actor.
    pub fn audit(&self, action: &str, target: &str, detail: &str) -> AuditEntry {
        AuditEntry {
            actor: self.name(),
            agency: self
                .user
                .as_ref()
                .map(|u| u.agency.name.clone())
                .unwrap_or_default(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail: detail.to_owned(),
            source: format!("{} {}", self.channel.describe(), self.source),
        }
    }
}
