//! Opening the application for commands, and who is acting.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use safer_app::{Actor, App, AppConfig, SystemClock};

/// Opens the data directory and the database: `DATABASE_URL` if given,
/// else the SQLite file in the data directory, created and migrated as
/// needed.
pub async fn open(data_dir: &Path, url: Option<&str>) -> Result<App> {
    open_with(data_dir, url, AppConfig::default()).await
}

pub async fn open_with(data_dir: &Path, url: Option<&str>, config: AppConfig) -> Result<App> {
    App::open(data_dir, url, Arc::new(SystemClock), config)
        .await
        .with_context(|| match url {
            Some(u) => format!("could not open the database at {}", redact(u)),
            None => format!("could not open the data directory {}", data_dir.display()),
        })
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The operating-system login running the command.
pub fn login() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Who is acting: `--by`, else `SAFER_USER`, else the login name.
pub fn who(by: Option<&str>) -> String {
    by.map(str::to_owned)
        .or_else(|| std::env::var("SAFER_USER").ok())
        .unwrap_or_else(login)
}

/// The user a change is made by: `--by` (or `SAFER_USER`, or the login
/// name) must be a user of Safer, or the command is refused.
pub async fn actor(app: &App, by: Option<&str>) -> Result<Actor> {
    Ok(app.command_line_actor(&who(by), &login()).await?)
}

/// The machine's operator: for administration and for reading.
pub fn operator() -> Actor {
    Actor::operator(login())
}

/// Runs a future to completion on a fresh runtime.
pub fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(f))
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            super::redact("sqlite://x.db?mode=rwc"),
            "sqlite://x.db?mode=rwc"
        );
    }
}
