//! Why a task did not happen.

use safer_domain::ShortFile;
use safer_store::{DbError, StoreError};

/// Why a task did not happen. Every message is for the person asking;
/// internal detail goes in `Internal`, which edges log and do not show.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not there, or not in the actor's scope (the two are not told apart).
    #[error("{0}")]
    NotFound(String),
    /// The actor's role does not allow the task.
    #[error("{0}")]
    Refused(String),
    /// What was given is not right: file, line, field and what was expected.
    #[error("{0}")]
    Invalid(String),
    /// It clashes with what is held (a name taken, a date before another).
    #[error("{0}")]
    Conflict(String),
    /// Files much smaller than the months they replace or their neighbours.
    #[error("{}", crate::import::describe_short(.0))]
    TooSmall(Vec<ShortFile>),
    /// Another import is running.
    #[error("Another import is running. Wait for it to finish and try again.")]
    Busy,
    /// Something went wrong on the server's side.
    #[error("{0}")]
    Internal(String),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> AppError {
        match e {
            DbError::NotFound(what) => AppError::NotFound(format!("There is no {what}.")),
            DbError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Locked { .. } => AppError::Busy,
            StoreError::NoData => AppError::NotFound(
                "No police.uk data is held yet. An analyst can import some.".into(),
            ),
            e @ StoreError::UnknownDistrict { .. } => AppError::NotFound(sentence(&e.to_string())),
            e @ StoreError::NoPartnership(_) => AppError::NotFound(e.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<safer_ingest::IngestError> for AppError {
    fn from(e: safer_ingest::IngestError) -> AppError {
        AppError::Invalid(e.to_string())
    }
}

impl From<safer_analysis::AssessError> for AppError {
    fn from(e: safer_analysis::AssessError) -> AppError {
        match e {
            safer_analysis::AssessError::NothingHeld { .. } => {
                AppError::NotFound(sentence(&e.to_string()))
            }
            other => AppError::Invalid(other.to_string()),
        }
    }
}

impl From<safer_report::ReportError> for AppError {
    fn from(e: safer_report::ReportError) -> AppError {
        AppError::Internal(e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> AppError {
        AppError::Internal(format!("a background task failed: {e}"))
    }
}

/// A message that begins a sentence: its first letter a capital.
fn sentence(m: &str) -> String {
    let mut c = m.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
