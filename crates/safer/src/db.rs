//! Opening the database for commands that need it.

use std::path::Path;

use anyhow::{Context, Result};
use safer_store::{DataDir, Database};

/// Connects to `DATABASE_URL` if given, else the SQLite file in the data
/// directory, creating and migrating it as needed.
pub async fn open(data_dir: &Path, url: Option<&str>) -> Result<Database> {
    let url = match url {
        Some(u) => u.to_owned(),
        None => {
            DataDir::open(data_dir)?;
            Database::sqlite_url(data_dir)
        }
    };
    Database::connect(&url)
        .await
        .with_context(|| format!("could not open the database at {}", redact(&url)))
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

/// Who is entering data: `--by`, else `SAFER_USER`, else the login name.
pub fn who(by: Option<&str>) -> String {
    by.map(str::to_owned)
        .or_else(|| std::env::var("SAFER_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".to_owned())
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
